/* http_parse.c: pure, bounded parsers of request targets, forms and the
 * headers that choose a response (see http_parse.h) */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "http_parse.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hp_decode(const char *s, size_t n, int plus_space, char *out, size_t outmax, size_t *outlen)
{
	size_t o = 0;

	if (!outmax)
		return HP_ETOOLONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return HP_EBAD;
		if (c == '%') {
			int hi, lo;
			if (n - i < 3 || (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return HP_EBAD;
			c = (unsigned char)(hi << 4 | lo);
			if (c == 0)
				return HP_EBAD;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (o + 1 >= outmax)
			return HP_ETOOLONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return HP_OK;
}

int hp_target_parse(const char *s, size_t n, struct hp_target *out)
{
	size_t plen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	/* absolute-form (RFC 9112 3.2.2): the path and query after the authority */
	if ((n > 7 && !strncasecmp(s, "http://", 7)) || (n > 8 && !strncasecmp(s, "https://", 8))) {
		size_t i = s[4] == ':' ? 7 : 8;
		while (i < n && s[i] != '/' && s[i] != '?')
			i++;
		if (i < n && s[i] == '?')
			return HP_EBAD; /* "http://host?q": no path to speak of */
		if (i == n)
			return hp_target_parse("/", 1, out);
		s += i;
		n -= i;
	}
	if (!n || s[0] != '/')
		return HP_EBAD;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '#')
			return HP_EBAD;
	}
	while (plen < n && s[plen] != '?')
		plen++;
	rc = hp_decode(s, plen, 0, out->path, sizeof(out->path), &out->pathlen);
	if (rc)
		return rc;
	if (plen < n) {
		out->query = s + plen + 1;
		out->qlen = n - plen - 1;
	}
	return HP_OK;
}

int hp_form_next(const char **cursor, const char *end, char *key, size_t keymax, char *value,
		 size_t valmax)
{
	const char *p = *cursor;

	for (;;) {
		const char *amp, *eq;
		int rc;
		if (p >= end) {
			*cursor = end;
			return 0;
		}
		amp = memchr(p, '&', (size_t)(end - p));
		if (!amp)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (!eq)
			eq = amp;
		rc = hp_decode(p, (size_t)(eq - p), 1, key, keymax, NULL);
		if (!rc)
			rc = eq < amp ? hp_decode(eq + 1, (size_t)(amp - eq - 1), 1, value, valmax, NULL)
				      : hp_decode("", 0, 1, value, valmax, NULL);
		if (rc)
			return rc;
		*cursor = amp < end ? amp + 1 : end;
		return 1;
	}
}

int hp_form_get(const char *s, size_t n, const char *key, char *value, size_t valmax)
{
	const char *cur = s, *end = s + n;
	char k[64];
	int rc;

	while ((rc = hp_form_next(&cur, end, k, sizeof(k), value, valmax)) > 0)
		if (!strcmp(k, key))
			return 1;
	return rc;
}

int hp_utf8_check(const char *s, size_t n, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	for (size_t i = 0; i < n; count++) {
		unsigned c = p[i];
		unsigned cp, need;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return HP_EBAD;
		}
		if (n - i <= need)
			return HP_EBAD;
		for (unsigned k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return HP_EBAD;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return HP_EBAD;
		i += need + 1;
	}
	if (chars)
		*chars = count;
	return HP_OK;
}

/* ---- header lists: "token;param=x;q=0.5, token2" ---- */

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* The next element of a comma-separated list: its token (up to ';', blanks
 * trimmed) and its q-value in thousandths (1000 when absent, 0 when bad). */
static int list_next(const char **cursor, const char **tok, size_t *toklen, unsigned *q)
{
	const char *p = *cursor, *e;

	while (*p == ',' || is_ows(*p))
		p++;
	if (!*p)
		return 0;
	e = p;
	while (*e && *e != ',' && *e != ';')
		e++;
	*tok = p;
	*toklen = (size_t)(e - p);
	while (*toklen && is_ows(p[*toklen - 1]))
		(*toklen)--;
	*q = 1000;
	while (*e == ';') {
		const char *v;
		e++;
		while (is_ows(*e))
			e++;
		if ((e[0] == 'q' || e[0] == 'Q') && e[1] == '=') {
			unsigned val = 0, digits = 0;
			v = e + 2;
			if (*v == '0' || *v == '1') {
				val = (unsigned)(*v - '0') * 1000;
				v++;
				if (*v == '.') {
					unsigned scale = 100;
					v++;
					while (*v >= '0' && *v <= '9' && digits < 3) {
						val += (unsigned)(*v - '0') * scale;
						scale /= 10;
						digits++;
						v++;
					}
				}
			}
			*q = val > 1000 ? 1000 : val;
			e = v;
		}
		while (*e && *e != ',' && *e != ';')
			e++;
	}
	*cursor = e;
	return 1;
}

static int tok_is(const char *tok, size_t n, const char *word)
{
	return strlen(word) == n && !strncasecmp(tok, word, n);
}

int hp_accepts_gzip(const char *ae)
{
	const char *tok;
	size_t n;
	unsigned q;
	int gzip = -1, star = -1;

	if (!ae)
		return 0;
	while (list_next(&ae, &tok, &n, &q)) {
		if (tok_is(tok, n, "gzip") || tok_is(tok, n, "x-gzip"))
			gzip = q > 0;
		else if (tok_is(tok, n, "*"))
			star = q > 0;
	}
	if (gzip >= 0)
		return gzip;
	return star > 0;
}

int hp_accepts_json(const char *accept)
{
	const char *tok;
	size_t n;
	unsigned q, json = 0, html = 0;

	if (!accept)
		return 0;
	while (list_next(&accept, &tok, &n, &q)) {
		if (tok_is(tok, n, "application/json") && q > json)
			json = q;
		else if ((tok_is(tok, n, "text/html") || tok_is(tok, n, "application/xhtml+xml")) && q > html)
			html = q;
	}
	return json > 0 && json >= html;
}

int hp_etag_match(const char *inm, const char *etag, const char *etag2)
{
	const char *p = inm;

	if (!inm)
		return 0;
	for (;;) {
		const char *start;
		size_t len;
		while (*p == ',' || is_ows(*p))
			p++;
		if (!*p)
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0; /* malformed: match nothing */
		start = p++;
		while (*p && *p != '"')
			p++;
		if (*p != '"')
			return 0;
		p++;
		len = (size_t)(p - start);
		if ((strlen(etag) == len && !memcmp(start, etag, len)) ||
		    (etag2 && strlen(etag2) == len && !memcmp(start, etag2, len)))
			return 1;
	}
}

static int parse_port(const char *s, unsigned *port)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return HP_EBAD;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return HP_EBAD;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return HP_EBAD;
	}
	*port = (unsigned)v;
	return HP_OK;
}

int hp_listen_parse(const char *s, struct hp_listen *out)
{
	const char *colon;
	unsigned char bin[16];
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (!s || strlen(s) >= 80)
		return HP_EBAD;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return HP_EBAD;
		alen = (size_t)(close - s - 1);
		if (alen >= sizeof(out->addr))
			return HP_EBAD;
		memcpy(out->addr, s + 1, alen);
		out->addr[alen] = '\0';
		if (inet_pton(AF_INET6, out->addr, bin) != 1)
			return HP_EBAD;
		out->family = 6;
		return parse_port(close + 2, &out->port);
	}
	colon = strrchr(s, ':');
	if (!colon) {
		strcpy(out->addr, "127.0.0.1");
		out->family = 4;
		return parse_port(s, &out->port);
	}
	if (strchr(s, ':') != colon)
		return HP_EBAD; /* an IPv6 address needs brackets */
	alen = (size_t)(colon - s);
	if (alen == 0) {
		out->family = 0;
		return parse_port(colon + 1, &out->port);
	}
	if (alen >= sizeof(out->addr))
		return HP_EBAD;
	memcpy(out->addr, s, alen);
	out->addr[alen] = '\0';
	if (!strcmp(out->addr, "localhost"))
		strcpy(out->addr, "127.0.0.1");
	if (inet_pton(AF_INET, out->addr, bin) != 1)
		return HP_EBAD;
	out->family = 4;
	return parse_port(colon + 1, &out->port);
}
