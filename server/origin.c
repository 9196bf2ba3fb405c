/* origin.c: is a POST from a page of this site? Browsers send Origin with
 * every POST of a form or a fetch (Referer, when Origin is missing, says
 * the page). The scheme://host[:port] they name must be the site's: the
 * request's Host header, or PORTDEX_PUBLIC_URL when the server sits behind
 * a proxy that changes Host. A request with neither header does not come
 * from a browser's page (curl, scripts): it is let through, bounded by the
 * vote limits like any other. "Origin: null" (a sandboxed or file page) is
 * another site. Pure functions, no allocation. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* scheme://host[:port][/...] into out; 0, or -1 when it is not such a URL */
int srv_origin_parse(const char *url, struct srv_origin *out)
{
	struct srv_origin o;
	const char *h, *end, *colon;
	size_t n;

	memset(&o, 0, sizeof(o));
	if (!strncasecmp(url, "http://", 7)) {
		h = url + 7;
		o.port = 80;
	} else if (!strncasecmp(url, "https://", 8)) {
		h = url + 8;
		o.port = 443;
	} else {
		return -1;
	}
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)))
		return -1; /* no user info in an origin */
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close)
			return -1;
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		if (close + 1 < end && !colon)
			return -1;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
	}
	n = (size_t)((colon ? colon : end) - h);
	if (!n || n >= sizeof(o.host))
		return -1;
	for (size_t i = 0; i < n; i++)
		o.host[i] = (char)tolower((unsigned char)h[i]);
	if (colon) {
		unsigned long p = 0;
		const char *c = colon + 1;
		if (c == end)
			return -1;
		for (; c < end; c++) {
			if (*c < '0' || *c > '9' || (p = p * 10 + (unsigned long)(*c - '0')) > 65535)
				return -1;
		}
		o.port = (unsigned)p;
	}
	if (out)
		*out = o;
	return 0;
}

/* The Host header's host and port (0 when it has none) */
static int host_parse(const char *host, struct srv_origin *out)
{
	char url[300];
	size_t n = strlen(host);

	if (!n || n > 260 || strpbrk(host, "/?#@ "))
		return -1;
	memcpy(url, "http://", 7);
	memcpy(url + 7, host, n + 1);
	if (srv_origin_parse(url, out))
		return -1;
	if (!strchr(host[0] == '[' ? strchr(host, ']') : host, ':'))
		out->port = 0;
	return 0;
}

static int same(const struct srv_origin *from, const struct srv_origin *site)
{
	return !strcmp(from->host, site->host) && (!site->port || site->port == from->port);
}

enum srv_origin_verdict srv_origin_check(const char *origin, const char *referer, const char *host,
					 const char *public_url)
{
	struct srv_origin from, site;
	const char *claim = origin ? origin : referer;

	if (!claim)
		return ORIGIN_NONE;
	if (srv_origin_parse(claim, &from))
		return ORIGIN_OTHER; /* "null", or not a web address */
	if (host && !host_parse(host, &site) && same(&from, &site))
		return ORIGIN_SAME;
	if (public_url && !srv_origin_parse(public_url, &site) && same(&from, &site))
		return ORIGIN_SAME;
	return ORIGIN_OTHER;
}
