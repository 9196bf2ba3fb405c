/* routes.c: what each path answers. Everything here works on decoded,
 * checked input (http.c and http_parse.c do the HTTP) and renders through
 * the public API; a route takes one reference to the registry state and
 * keeps it until its body is made, so a body comes from one registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"
#include "server.h"

#define CT_HTML "text/html; charset=utf-8"
#define CT_JSON "application/json; charset=utf-8"
#define CT_SVG "image/svg+xml; charset=utf-8"
#define CT_TEXT "text/plain; charset=utf-8"
#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"

#define CC_REVALIDATE "no-cache"            /* keep, but ask (ETag) before reuse */
#define CC_NONE "no-store"
#define CC_MAP "public, max-age=3600"

#define SEARCH_MAX 50
#define COMMENTS_MAX 20

/* ---- matching ---- */

/* A port number that is the whole segment s[0..n) */
static int segment_port(const char *s, size_t n, unsigned *port)
{
	char tmp[8];
	const char *cur = tmp;

	if (!n || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (pd_parse_port(&cur, port) || *cur)
		return -1;
	return 0;
}

/* "N" or "N/feedback" after a prefix: 0 for "N", 1 for "N/feedback" */
static enum srv_route port_path(const char *rest, enum srv_route plain, enum srv_route fb, unsigned *port,
				int *bad)
{
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);

	if (slash && strcmp(slash, "/feedback"))
		return R_NONE;
	if (segment_port(rest, n, port)) {
		*bad = 1;
		return slash ? fb : plain;
	}
	return slash ? fb : plain;
}

/* the addresses without a parameter */
static const struct {
	const char *path;
	enum srv_route route;
} fixed[] = {
	{ "/blocks", R_BLOCKS },
	{ "/common", R_COMMON },
	{ "/search", R_SEARCH },
	{ "/api/v1/search", R_API_SEARCH },
	{ "/api/v1/listening", R_API_LISTENING },
	{ "/metrics", R_METRICS },
	{ "/healthz", R_HEALTHZ },
};

enum srv_route route_match(const char *path, unsigned *port, int *bad)
{
	static const char *const classes[] = { "system", "user", "dynamic" };

	*bad = 0;
	*port = 0;
	if (!strcmp(path, "/"))
		return R_HOME;
	if (!strncmp(path, "/port/", 6))
		return port_path(path + 6, R_PORT, R_FEEDBACK, port, bad);
	if (!strncmp(path, "/api/v1/ports/", 14))
		return port_path(path + 14, R_API_PORT, R_API_FEEDBACK, port, bad);
	if (!strncmp(path, "/ranges/", 8)) {
		for (unsigned k = 0; k < 3; k++)
			if (!strcmp(path + 8, classes[k])) {
				*port = k;
				return R_RANGES;
			}
		return R_NONE;
	}
	if (!strncmp(path, "/blocks/", 8)) {
		/* a block's page, by its first port (never 0, which is
		 * reserved): R_BLOCKS with an argument */
		if (segment_port(path + 8, strlen(path + 8), port) || !*port)
			*bad = 1;
		return R_BLOCKS;
	}
	if (!strncmp(path, "/maps/", 6)) {
		const char *dot = strrchr(path + 6, '.');
		if (!dot || strcmp(dot, ".svg"))
			return R_NONE;
		if (segment_port(path + 6, (size_t)(dot - path - 6), port))
			*bad = 1;
		return R_MAP;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(path, fixed[i].path))
			return fixed[i].route;
	return R_NONE;
}

const char *route_allow(enum srv_route r)
{
	return r == R_FEEDBACK ? "POST" : "GET, HEAD";
}

static int is_api(enum srv_route r)
{
	return r == R_API_PORT || r == R_API_SEARCH || r == R_API_LISTENING || r == R_API_FEEDBACK;
}

/* ---- helpers ---- */

void reply_release(struct reply *r)
{
	pd_buf_release(&r->body);
	blob_put(r->blob);
	r->blob = NULL;
}

static const char *status_text(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 413: return "Request too large";
	case 415: return "Unsupported media type";
	case 429: return "Too many requests";
	case 503: return "Unavailable";
	default: return "Server error";
	}
}

/* A page of the server's own (search, errors) in the site's frame, as the
 * library frames every page. */
static void framed(const char *title, const char *content, struct pd_buf *out)
{
	struct pd_site_opts o = { .root = "/", .ext = "" };
	int rc = pd_site_frame_top(title, &o, out);

	pd_buf_puts(out, content);
	if (!rc)
		rc = pd_site_frame_end(out);
	if (rc && !out->err)
		out->err = rc;
}

void route_error(enum srv_route r, int status, const char *message, int want_json, struct reply *out)
{
	struct srv_state *s = is_api(r) || want_json ? NULL : state_get();

	pd_buf_release(&out->body);
	out->status = status;
	out->cache_control = CC_NONE;
	out->cacheable = 0;
	if (!s) {
		out->ctype = CT_JSON;
		pd_buf_puts(&out->body, "{\"error\":");
		pd_buf_json_str(&out->body, message);
		pd_buf_printf(&out->body, ",\"status\":%d}\n", status);
		return;
	}
	{
		struct pd_buf c = PD_BUF_INIT;
		pd_buf_printf(&c, "<h1>%s</h1><p>", status_text(status));
		pd_buf_html(&c, message);
		pd_buf_puts(&c, "</p><p><a href=\"/\">Every port number, explained</a></p>");
		out->ctype = CT_HTML;
		framed(status_text(status), pd_buf_str(&c), &out->body);
		pd_buf_release(&c);
	}
	state_put(s);
}

/* The site options of the server: links from the root, no extension, the
 * feedback form. No host snapshot: a public page says nothing about the
 * machine that serves it, and building one binds no socket and reads no
 * /proc; /api/v1/listening and /metrics tell about this host. */
static void site_opts(const struct srv_state *s, struct pd_check_opts *chk, struct pd_site_opts *o)
{
	(void)s;
	memset(chk, 0, sizeof(*chk));
	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->ext = "";
	o->host = NULL;
	o->check = chk;
	o->feedback = 1;
}

/* Puts the cache key of a page into out: generation, route, argument and
 * whatever else shapes it. */
static void cache_key(struct reply *out, const struct srv_state *s, enum srv_route r, unsigned arg,
		      const char *extra)
{
	snprintf(out->cache_key, sizeof(out->cache_key), "%lu|%d|%u|%s", s->gen, (int)r, arg, extra);
}

static int from_cache(struct reply *out)
{
	struct cached c;

	if (!cache_get(out->cache_key, &c))
		return 0;
	out->status = c.status;
	out->ctype = c.ctype;
	out->cache_control = c.cache_control;
	out->blob = c.body;
	out->cacheable = 0;
	return 1;
}

static void rendered(struct reply *out, int rc, const char *ctype, const char *cc, unsigned ttl)
{
	if (rc) {
		route_error(R_NONE, 500, pd_strerror(rc), 0, out);
		return;
	}
	out->status = 200;
	out->ctype = ctype;
	out->cache_control = cc;
	out->cacheable = ttl > 0;
	out->ttl = ttl;
}

/* ---- pages ---- */

static void port_page(const struct srv_state *s, unsigned port, const char *query, size_t qlen, struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;
	char fb[16], extra[48];
	int thanks = query && hp_form_get(query, qlen, "feedback", fb, sizeof(fb)) == 1 && !strcmp(fb, "thanks");

	site_opts(s, &chk, &o);
	fb_counts(port, &o.votes_yes, &o.votes_no);
	if (thanks)
		o.feedback_note = "Thank you for your feedback.";
	snprintf(extra, sizeof(extra), "%u/%u/%d", o.votes_yes, o.votes_no, thanks);
	cache_key(out, s, R_PORT, port, extra);
	if (from_cache(out))
		return;
	rendered(out, pd_page(s->reg, port, PD_FMT_HTML, &o, &out->body), CT_HTML, CC_REVALIDATE, srv_cfg->cache_ttl);
}

static void site_page(const struct srv_state *s, enum srv_route r, unsigned arg, struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;
	enum pd_site_page p = r == R_HOME ? PD_SITE_HOME : r == R_BLOCKS ? PD_SITE_BLOCKS : r == R_COMMON ? PD_SITE_COMMON
		: (enum pd_site_page)(PD_SITE_SYSTEM + arg);

	site_opts(s, &chk, &o);
	cache_key(out, s, r, arg, "");
	if (from_cache(out))
		return;
	if (r == R_BLOCKS && arg) {
		int rc = pd_block_page(s->reg, arg, PD_FMT_HTML, &o, &out->body);
		if (rc == PD_ENOTFOUND)
			route_error(r, 404, "no unassigned block begins at this port", 0, out);
		else
			rendered(out, rc, CT_HTML, CC_REVALIDATE, srv_cfg->cache_ttl);
		return;
	}
	rendered(out, pd_site_page(s->reg, p, PD_FMT_HTML, &o, &out->body), CT_HTML, CC_REVALIDATE,
		 srv_cfg->cache_ttl);
}

static void map_svg(const struct srv_state *s, unsigned window, struct reply *out)
{
	if (window > 65535 / 1024) {
		route_error(R_MAP, 404, "there is no such map: maps are numbered 0 to 63 (port / 1024)", 0, out);
		return;
	}
	cache_key(out, s, R_MAP, window, "");
	if (from_cache(out))
		return;
	/* the same for every port of the window, changing only with the registry */
	{
		/* each cell links to its page, /port/N, relative to /maps/ */
		struct pd_site_opts o = { .root = "../", .ext = "" };
		rendered(out, pd_map_svg_site(s->reg, window * 1024, PD_MAP_WINDOW, &o, &out->body), CT_SVG, CC_MAP, 3600);
	}
}

static void api_port(const struct srv_state *s, unsigned port, struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;

	site_opts(s, &chk, &o);
	fb_counts(port, &o.votes_yes, &o.votes_no);
	cache_key(out, s, R_API_PORT, port, "");
	if (from_cache(out))
		return;
	rendered(out, pd_page(s->reg, port, PD_FMT_JSON, &o, &out->body), CT_JSON, CC_REVALIDATE, srv_cfg->cache_ttl);
}

/* ---- search ---- */

/* The one port a query names ("80", "80/tcp", "ssh"), or -1 */
static long named_port(const struct pd_registry *reg, const char *q)
{
	struct pd_query pq;
	uint32_t idx[64];
	size_t k;
	long port = -1;

	if (pd_query_parse(q, &pq))
		return -1;
	if (pq.kind == PD_Q_PORT)
		return (long)pq.first;
	if (pq.kind != PD_Q_NAME)
		return -1;
	k = pd_registry_find_name(reg, pq.name, idx, 64);
	if (!k || k > 64)
		return -1;
	for (size_t i = 0; i < k; i++) {
		struct pd_entry e;
		if (pd_registry_entry(reg, idx[i], &e) || !e.has_port)
			continue;
		if (e.first != e.last || (port >= 0 && port != (long)e.first))
			return -1; /* a range, or several ports: show the list */
		port = (long)e.first;
	}
	return port;
}

/* Reads and checks ?q= (and ?limit= for the API); NULL when fine, else why not */
static const char *search_query(const char *query, size_t qlen, char *q, size_t qmax, size_t *limit)
{
	char lim[16];
	size_t chars;
	int rc;

	*q = '\0';
	if (!query)
		return NULL;
	rc = hp_form_get(query, qlen, "q", q, qmax);
	if (rc == HP_ETOOLONG)
		return "the search is too long (200 bytes at most)";
	if (rc < 0)
		return "the query string is malformed (bad %-escape or control character)";
	if (hp_utf8_check(q, strlen(q), &chars))
		return "the search is not valid UTF-8";
	if (limit) {
		rc = hp_form_get(query, qlen, "limit", lim, sizeof(lim));
		if (rc == 1) {
			const char *cur = lim;
			unsigned v;
			if (pd_parse_port(&cur, &v) || *cur || v < 1 || v > 100)
				return "limit must be a number from 1 to 100";
			*limit = v;
		} else if (rc < 0) {
			return "the query string is malformed";
		}
	}
	return NULL;
}

static void search_page(const struct srv_state *s, const char *query, size_t qlen, struct reply *out)
{
	char q[SRV_QUERY_MAX + 1];
	const char *why = search_query(query, qlen, q, sizeof(q), NULL);
	struct pd_buf c = PD_BUF_INIT, tr = PD_BUF_INIT;
	uint32_t idx[SEARCH_MAX];
	size_t n;
	long port;
	const char *t;

	if (why) {
		route_error(R_SEARCH, 400, why, 0, out);
		return;
	}
	for (t = q; *t == ' '; t++)
		;
	if (!*t) {
		framed("Search", "<h1>Search</h1><p>Type a port number (926), a service name (ssh) or words "
				    "(remote desktop) in the box above.</p>", &out->body);
		rendered(out, out->body.err, CT_HTML, CC_REVALIDATE, 0);
		return;
	}
	port = named_port(s->reg, q);
	if (port >= 0) {
		snprintf(out->location, sizeof(out->location), "/port/%ld", port);
		out->status = 302;
		out->ctype = CT_HTML;
		out->cache_control = CC_REVALIDATE;
		pd_buf_printf(&out->body, "<a href=\"/port/%ld\">port %ld</a>\n", port, port);
		return;
	}
	if (pd_registry_search(s->reg, q, idx, SEARCH_MAX, &n)) {
		route_error(R_SEARCH, 500, pd_strerror(PD_ENOMEM), 0, out);
		return;
	}
	pd_buf_puts(&c, "<h1>Search: ");
	pd_buf_html(&c, q);
	pd_buf_printf(&c, "</h1><p>%zu result%s%s</p>", n, n == 1 ? "" : "s", n == SEARCH_MAX ? " (the first 50)" : "");
	if (n)
		pd_buf_puts(&c, "<table class=\"results\"><thead><tr><th>service</th><th>port</th><th>transports</th>"
				"<th>status</th><th>description</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		struct pd_entry e;
		if (pd_registry_entry(s->reg, idx[i], &e))
			continue;
		tr.len = 0;
		pd_buf_add(&tr, "", 0);
		pd_registry_service_transports(s->reg, &e, &tr);
		pd_buf_puts(&c, "<tr><td>");
		pd_buf_html(&c, *e.name ? e.name : "-");
		pd_buf_puts(&c, "</td><td>");
		if (e.has_port && e.first == e.last)
			pd_buf_printf(&c, "<a href=\"/port/%u\">%u</a>", e.first, e.first);
		else if (e.has_port)
			pd_buf_printf(&c, "<a href=\"/port/%u\">%u</a>-<a href=\"/port/%u\">%u</a>", e.first, e.first,
				      e.last, e.last);
		else
			pd_buf_puts(&c, "-");
		pd_buf_printf(&c, "</td><td>%s</td><td>%s</td><td>", pd_buf_str(&tr), pd_status_name(e.status));
		pd_buf_html(&c, e.description);
		pd_buf_puts(&c, "</td></tr>");
	}
	if (n)
		pd_buf_puts(&c, "</tbody></table>");
	else
		pd_buf_puts(&c, "<p>Nothing in the registry matches. Try fewer words, or a port number.</p>");
	pd_buf_printf(&c, "<p>Registry: ");
	pd_buf_html(&c, pd_registry_source(s->reg));
	pd_buf_puts(&c, ", updated ");
	pd_buf_html(&c, pd_registry_updated(s->reg));
	pd_buf_puts(&c, ".</p>");
	framed("Search", pd_buf_str(&c), &out->body);
	rendered(out, c.err ? c.err : out->body.err, CT_HTML, CC_REVALIDATE, 0);
	pd_buf_release(&c);
	pd_buf_release(&tr);
}

static void api_search(const struct srv_state *s, const char *query, size_t qlen, struct reply *out)
{
	char q[SRV_QUERY_MAX + 1];
	size_t limit = 20, n;
	const char *why = search_query(query, qlen, q, sizeof(q), &limit);
	uint32_t idx[100];
	struct pd_buf tr = PD_BUF_INIT;
	struct pd_buf *b = &out->body;

	if (!why && !*q)
		why = "give the words to look for: /api/v1/search?q=WORDS";
	if (why) {
		route_error(R_API_SEARCH, 400, why, 1, out);
		return;
	}
	if (pd_registry_search(s->reg, q, idx, limit, &n)) {
		route_error(R_API_SEARCH, 500, pd_strerror(PD_ENOMEM), 1, out);
		return;
	}
	pd_buf_puts(b, "{\"query\":");
	pd_buf_json_str(b, q);
	pd_buf_puts(b, ",\"registry\":{\"source\":");
	pd_buf_json_str(b, pd_registry_source(s->reg));
	pd_buf_puts(b, ",\"updated\":");
	pd_buf_json_str(b, pd_registry_updated(s->reg));
	pd_buf_puts(b, "},\"results\":[");
	for (size_t i = 0; i < n; i++) {
		struct pd_entry e;
		if (pd_registry_entry(s->reg, idx[i], &e))
			continue;
		tr.len = 0;
		pd_buf_add(&tr, "", 0);
		pd_registry_service_transports(s->reg, &e, &tr);
		pd_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		pd_buf_json_str(b, e.name);
		if (e.has_port)
			pd_buf_printf(b, ",\"first\":%u,\"last\":%u", e.first, e.last);
		else
			pd_buf_puts(b, ",\"first\":null,\"last\":null");
		pd_buf_printf(b, ",\"transports\":\"%s\",\"status\":\"%s\",\"description\":", pd_buf_str(&tr),
			      pd_status_name(e.status));
		pd_buf_json_str(b, e.description);
		pd_buf_putc(b, '}');
	}
	pd_buf_puts(b, "]}\n");
	pd_buf_release(&tr);
	rendered(out, b->err, CT_JSON, CC_REVALIDATE, 0);
}

/* ---- this host ---- */

static void api_listening(const struct srv_state *s, struct reply *out)
{
	struct pd_listen_opts o = { .owners = 1, .procroot = srv_cfg->procroot };
	struct pd_socket_list l = { 0 };
	struct pd_buf *b = &out->body;
	int rc = pd_listening(&o, &l);

	if (rc) {
		pd_socket_list_release(&l);
		route_error(R_API_LISTENING, rc == PD_ENOTSUP ? 501 : 503, pd_strerror(rc), 1, out);
		out->retry_after = rc == PD_ENOTSUP ? 0 : 5;
		return;
	}
	rc = pd_listening_json(s->reg, &l, b);
	pd_socket_list_release(&l);
	rendered(out, rc ? rc : b->err, CT_JSON, CC_NONE, 0);
}

static void api_feedback(unsigned port, struct reply *out)
{
	int rc = fb_port_json(port, COMMENTS_MAX, &out->body);

	if (rc) {
		route_error(R_API_FEEDBACK, 503, "the feedback database cannot be read", 1, out);
		out->retry_after = 5;
		return;
	}
	rendered(out, 0, CT_JSON, CC_NONE, 0);
}

/* ---- the table ---- */

void route_get(enum srv_route r, unsigned arg, const char *query, size_t qlen, int want_json, struct reply *out)
{
	struct srv_state *s;

	(void)want_json;
	if (r == R_HEALTHZ) {
		pd_buf_puts(&out->body, "ok\n");
		rendered(out, out->body.err, CT_TEXT, CC_NONE, 0);
		return;
	}
	if (r == R_METRICS) {
		rendered(out, metrics_render(&out->body), CT_PROM, CC_NONE, 0);
		return;
	}
	if (r == R_API_FEEDBACK) {
		api_feedback(arg, out);
		return;
	}
	s = state_get();
	if (!s) {
		route_error(r, 503, "no registry is loaded", want_json, out);
		return;
	}
	switch (r) {
	case R_HOME:
	case R_RANGES:
	case R_BLOCKS:
	case R_COMMON: site_page(s, r, arg, out); break;
	case R_PORT: port_page(s, arg, query, qlen, out); break;
	case R_MAP: map_svg(s, arg, out); break;
	case R_API_PORT: api_port(s, arg, out); break;
	case R_SEARCH: search_page(s, query, qlen, out); break;
	case R_API_SEARCH: api_search(s, query, qlen, out); break;
	case R_API_LISTENING: api_listening(s, out); break;
	default: route_error(r, 404, "there is no page at this address", want_json, out); break;
	}
	state_put(s);
}

/* ---- the feedback form ---- */

const char *route_feedback_form(unsigned port, const char *body, size_t len, struct fb_vote *v)
{
	const char *cur = body, *end = body + len;
	char key[16], value[SRV_COMMENT_MAX * 12 + 1];
	int have_vote = 0, have_comment = 0, rc;
	size_t chars, o = 0, n;

	memset(v, 0, sizeof(*v));
	v->port = port;
	while ((rc = hp_form_next(&cur, end, key, sizeof(key), value, sizeof(value))) > 0) {
		if (!strcmp(key, "vote")) {
			if (have_vote++)
				return "the form has two votes";
			if (!strcmp(value, "yes"))
				v->vote = FB_YES;
			else if (!strcmp(value, "no"))
				v->vote = FB_NO;
			else
				return "vote must be yes or no";
		} else if (!strcmp(key, "comment")) {
			if (have_comment++)
				return "the form has two comments";
			n = strlen(value);
			if (hp_utf8_check(value, n, &chars))
				return "the comment is not valid UTF-8";
			if (chars > SRV_COMMENT_MAX || n >= sizeof(v->comment))
				return "the comment is longer than 500 characters";
			/* CRLF as LF, other control characters refused, blanks trimmed */
			for (size_t i = 0; i < n; i++) {
				unsigned char c = (unsigned char)value[i];
				if (c == '\r' && value[i + 1] == '\n')
					continue;
				if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
					return "the comment has control characters";
				v->comment[o++] = (char)(c == '\r' ? '\n' : c);
			}
			while (o && (v->comment[o - 1] == ' ' || v->comment[o - 1] == '\n' || v->comment[o - 1] == '\t'))
				o--;
			v->comment[o] = '\0';
			for (n = 0; v->comment[n] == ' ' || v->comment[n] == '\n' || v->comment[n] == '\t'; n++)
				;
			memmove(v->comment, v->comment + n, o - n + 1);
		}
	}
	if (rc == HP_ETOOLONG)
		return "a field of the form is too long";
	if (rc < 0)
		return "the form is malformed (bad %-escape or control character)";
	if (!have_vote)
		return "the form has no vote (vote=yes or vote=no)";
	return NULL;
}
