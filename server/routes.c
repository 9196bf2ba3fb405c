/* routes.c: what each path answers. Everything here works on decoded,
 * checked input (http.c and http_parse.c do the HTTP) and renders through
 * the public API; a route takes one reference to the registry state and
 * keeps it until its body is made, so a body comes from one registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "http_parse.h"
#include "i18n.h"
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

/* the language of a path's /fr or /ms prefix (codes of two letters), and
 * the length of that prefix (0: none, English) */
static int lang_prefix(const char *path, size_t *n)
{
	*n = 0;
	for (int l = 1; l < PD_NLANG; l++) {
		const char *code = pd_lang_code(l);
		if (path[0] == '/' && !strncmp(path + 1, code, 2) && (path[3] == '/' || path[3] == '\0' || path[3] == '?')) {
			*n = 3;
			return l;
		}
	}
	return PD_LANG_EN;
}

int route_target_lang(const char *target)
{
	size_t n;

	return target ? lang_prefix(target, &n) : PD_LANG_EN;
}

const char *route_lroot(int lang, char buf[SRV_LROOT_MAX])
{
	if (lang == PD_LANG_EN)
		snprintf(buf, SRV_LROOT_MAX, "/");
	else
		snprintf(buf, SRV_LROOT_MAX, "/%s/", pd_lang_code(lang));
	return buf;
}

static enum srv_route match(const char *path, unsigned *port, int *bad);

enum srv_route route_match(const char *path, unsigned *port, int *bad, int *lang)
{
	size_t n;
	enum srv_route r;

	*lang = lang_prefix(path, &n);
	if (!n)
		return match(path, port, bad);
	/* /fr and /fr/: the home page */
	r = match(path[n] ? path + n : "/", port, bad);
	switch (r) {
	case R_HOME: case R_PORT: case R_FEEDBACK: case R_RANGES: case R_BLOCKS: case R_COMMON: case R_SEARCH:
	case R_MAP:
		return r;
	default:
		*bad = 0;
		return R_NONE; /* the API, metrics and health check have no language */
	}
}

static enum srv_route match(const char *path, unsigned *port, int *bad)
{
	static const char *const classes[] = { "system", "user", "dynamic" };
	enum srv_route r = R_NONE;

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
			r = fixed[i].route;
	/* this host's sockets: only on a server started with --host-facts */
	if (r == R_API_LISTENING && !(srv_cfg && srv_cfg->host_facts))
		r = R_NONE;
	return r;
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

static enum pd__msg status_text(int status)
{
	switch (status) {
	case 400: return M_srv_status_400;
	case 403: return M_srv_status_403;
	case 404: return M_srv_status_404;
	case 405: return M_srv_status_405;
	case 413: return M_srv_status_413;
	case 415: return M_srv_status_415;
	case 429: return M_srv_status_429;
	case 503: return M_srv_status_503;
	default: return M_srv_status_500;
	}
}

/* The server's sentences that its HTML pages show. The code says them in
 * English (as the JSON of the API does, which stays in English); a page
 * in another language shows the message whose English is that sentence
 * (tests/serve-lang.sh checks that each is said word for word). */
static const enum pd__msg sentences[] = {
	M_srv_e_no_page, M_srv_e_no_block, M_srv_e_no_map, M_srv_e_no_registry, M_srv_e_search_long,
	M_srv_e_query_malformed, M_srv_e_search_utf8, M_srv_e_search_ctrl, M_srv_e_search_words, M_srv_e_form_votes, M_srv_e_vote_value,
	M_srv_e_form_reasons, M_srv_e_reason_value, M_srv_e_form_comments, M_srv_e_comment_utf8,
	M_srv_e_comment_long, M_srv_e_comment_ctrl, M_srv_e_field_long, M_srv_e_form_malformed,
	M_srv_e_form_empty, M_srv_e_form_big, M_srv_e_origin, M_srv_e_votes_all, M_srv_e_votes_you,
	M_srv_e_no_vote, M_srv_e_vote_failed, M_srv_e_addr_long, M_srv_e_addr_malformed, M_srv_e_query_params,
	M_srv_e_method, M_srv_e_map_number, M_srv_e_not_port, M_srv_e_form_type, M_srv_e_hdr_name, M_srv_e_cl_te,
	M_srv_e_cl_two, M_srv_e_te_two, M_srv_e_cl_number, M_srv_e_te_http11, M_srv_e_te_chunked, M_srv_e_host,
};

/* Appends the sentence english in lang: its message's text, or itself
 * when the catalogues do not have it (the library's, e.g. pd_strerror) */
static void translated(struct pd_buf *b, int lang, const char *english)
{
	if (lang != PD_LANG_EN) {
		for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++) {
			struct pd_buf en = PD_BUF_INIT;
			int same;
			pd__tr(&en, PD_LANG_EN, sentences[i]);
			same = !strcmp(pd_buf_str(&en), english);
			pd_buf_release(&en);
			if (same) {
				pd__tr(b, lang, sentences[i]);
				return;
			}
		}
	}
	pd_buf_puts(b, english);
}

/* A page of the server's own (search, errors) in the site's frame, as the
 * library frames every page, in language lang. */
static void framed(const char *title, int lang, const char *content, struct pd_buf *out)
{
	struct pd_site_opts o = { .root = "/", .ext = "", .lang = pd_lang_code(lang) };
	int rc = pd_site_frame_top(title, &o, out);

	pd_buf_puts(out, content);
	if (!rc)
		rc = pd_site_frame_end_lang(&o, out);
	if (rc && !out->err)
		out->err = rc;
}

void route_error(enum srv_route r, int lang, int status, const char *message, int want_json, struct reply *out)
{
	struct srv_state *s = is_api(r) || want_json ? NULL : state_get();

	pd_buf_release(&out->body);
	out->status = status;
	out->cache_control = CC_NONE;
	out->cacheable = 0;
	out->content_language = NULL;
	if (!s) {
		int rc = pd_error_json(status, message, &out->body);
		out->ctype = CT_JSON;
		if (rc && !out->body.err)
			out->body.err = rc;
		pd_buf_putc(&out->body, '\n');
		return;
	}
	{
		struct pd_buf c = PD_BUF_INIT, t = PD_BUF_INIT, m = PD_BUF_INIT;
		char lroot[SRV_LROOT_MAX];
		pd__tr(&t, lang, status_text(status));
		translated(&m, lang, message);
		pd_buf_printf(&c, "<h1>%s</h1><p>", pd_buf_str(&t));
		pd_buf_html(&c, pd_buf_str(&m));
		pd_buf_printf(&c, "</p><p><a href=\"%s\">", route_lroot(lang, lroot));
		pd__tr(&c, lang, M_srv_home_link);
		pd_buf_puts(&c, "</a></p>");
		out->ctype = CT_HTML;
		out->content_language = pd_lang_code(lang);
		framed(pd_buf_str(&t), lang, pd_buf_str(&c), &out->body);
		pd_buf_release(&c);
		pd_buf_release(&t);
		pd_buf_release(&m);
	}
	state_put(s);
}

/* What a page may know of this host: nothing on a public server (the
 * pages are then the export's), else its settings, the sockets listening
 * on the port (no owners: no process names on pages) and a bind test */
struct host_view {
	struct pd_host_snapshot snap;
	struct pd_socket_list socks;
};

static const struct pd_host_snapshot *host_view(const struct srv_state *s, unsigned port, struct host_view *v)
{
	struct pd_listen_opts lo;
	struct pd_query q;

	memset(v, 0, sizeof(*v));
	if (!srv_cfg->host_facts)
		return NULL;
	v->snap.host = s->has_host ? &s->host : NULL;
	v->snap.bind_test = 1;
	memset(&lo, 0, sizeof(lo));
	memset(&q, 0, sizeof(q));
	q.kind = PD_Q_PORT;
	q.first = q.last = port;
	q.proto = PD_PROTO_ANY;
	lo.queries = &q;
	lo.nqueries = 1;
	lo.procroot = srv_cfg->procroot;
	lo.no_netlink = srv_cfg->procroot != NULL;
	if (!pd_listening(&lo, &v->socks))
		v->snap.sockets = &v->socks; /* else nothing said about sockets */
	return &v->snap;
}

static void host_view_release(struct host_view *v)
{
	pd_socket_list_release(&v->socks);
}

/* How long a page may be reused: a page with this host's facts says what
 * listens now, so it is made anew every second */
static unsigned page_ttl(void)
{
	return srv_cfg->host_facts && srv_cfg->cache_ttl > 1 ? 1 : srv_cfg->cache_ttl;
}

/* The site options of the server: links from the root, no extension, the
 * feedback form; this host's facts only with --host-facts (host may be
 * NULL: then a page says nothing about the machine that serves it, reads
 * no /proc and binds no socket, and is the export's page). */
static void site_opts(const struct pd_host_snapshot *host, int lang, struct pd_check_opts *chk,
		      struct pd_site_opts *o)
{
	memset(chk, 0, sizeof(*chk));
	memset(o, 0, sizeof(*o));
	chk->lang = pd_lang_code(lang);
	o->lang = pd_lang_code(lang);
	o->root = "/";
	o->ext = "";
	o->host = host;
	o->check = chk;
	o->feedback = 1;
	o->feedback_flags = srv_cfg->publish_comments ? PD_FEEDBACK_PUBLISHED : 0;
}

/* Puts the cache key of a page into out: generation, route, argument,
 * language and whatever else shapes it. */
static void cache_key(struct reply *out, const struct srv_state *s, enum srv_route r, unsigned arg, int lang,
		      const char *extra)
{
	snprintf(out->cache_key, sizeof(out->cache_key), "%lu|%d|%u|%s|%s", s->gen, (int)r, arg,
		 pd_lang_code(lang), extra);
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
		route_error(R_NONE, out->content_language ? pd_lang_parse(out->content_language) : PD_LANG_EN, 500,
			    pd_strerror(rc), 0, out);
		return;
	}
	out->status = 200;
	out->ctype = ctype;
	out->cache_control = cc;
	out->cacheable = ttl > 0;
	out->ttl = ttl;
}

/* ---- pages ---- */

static void port_page(const struct srv_state *s, unsigned port, int lang, const char *query, size_t qlen,
		      struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;
	struct host_view hv;
	struct pd_buf note = PD_BUF_INIT;
	char fb[16], extra[48];
	int got = query && hp_form_get(query, qlen, "feedback", fb, sizeof(fb)) == 1;
	/* 1: after a vote (and the form asks why), 2: after the why */
	int thanks = got && !strcmp(fb, "thanks") ? 1 : got && !strcmp(fb, "why") ? 2 : 0;

	site_opts(NULL, lang, &chk, &o);
	/* the votes are the port's, whatever the language of the page */
	fb_counts(port, &o.votes_yes, &o.votes_no);
	if (thanks) {
		pd__tr(&note, lang, thanks == 1 ? M_srv_thanks_vote : M_srv_thanks_why);
		o.feedback_note = pd_buf_str(&note);
		if (thanks == 1)
			o.feedback_flags |= PD_FEEDBACK_ASK_WHY;
	}
	snprintf(extra, sizeof(extra), "%u/%u/%d", o.votes_yes, o.votes_no, thanks);
	cache_key(out, s, R_PORT, port, lang, extra);
	out->content_language = pd_lang_code(lang);
	if (!from_cache(out)) {
		o.host = host_view(s, port, &hv);
		rendered(out, pd_page(s->reg, port, PD_FMT_HTML, &o, &out->body), CT_HTML, CC_REVALIDATE, page_ttl());
		host_view_release(&hv);
	}
	pd_buf_release(&note);
}

static void site_page(const struct srv_state *s, enum srv_route r, unsigned arg, int lang, struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;
	enum pd_site_page p = r == R_HOME ? PD_SITE_HOME : r == R_BLOCKS ? PD_SITE_BLOCKS : r == R_COMMON ? PD_SITE_COMMON
		: (enum pd_site_page)(PD_SITE_SYSTEM + arg);

	site_opts(NULL, lang, &chk, &o);
	cache_key(out, s, r, arg, lang, "");
	out->content_language = pd_lang_code(lang);
	if (from_cache(out))
		return;
	if (r == R_BLOCKS && arg) {
		int rc = pd_block_page(s->reg, arg, PD_FMT_HTML, &o, &out->body);
		if (rc == PD_ENOTFOUND)
			route_error(r, lang, 404, "no unassigned block begins at this port", 0, out);
		else
			rendered(out, rc, CT_HTML, CC_REVALIDATE, srv_cfg->cache_ttl);
		return;
	}
	rendered(out, pd_site_page(s->reg, p, PD_FMT_HTML, &o, &out->body), CT_HTML, CC_REVALIDATE,
		 srv_cfg->cache_ttl);
}

static void map_svg(const struct srv_state *s, unsigned window, int lang, struct reply *out)
{
	if (window > 65535 / 1024) {
		route_error(R_MAP, lang, 404, "there is no such map: maps are numbered 0 to 63 (port / 1024)", 0, out);
		return;
	}
	cache_key(out, s, R_MAP, window, lang, "");
	out->content_language = pd_lang_code(lang);
	if (from_cache(out))
		return;
	/* the same for every port of the window, changing only with the registry */
	{
		/* each cell links to its page, /port/N (/fr/port/N), relative
		 * to /maps/ (/fr/maps/) */
		struct pd_site_opts o = { .root = lang == PD_LANG_EN ? "../" : "../../", .ext = "",
					  .lang = pd_lang_code(lang) };
		rendered(out, pd_map_svg_site(s->reg, window * 1024, PD_MAP_WINDOW, &o, &out->body), CT_SVG, CC_MAP, 3600);
	}
}

static void api_port(const struct srv_state *s, unsigned port, struct reply *out)
{
	struct pd_check_opts chk;
	struct pd_site_opts o;
	struct host_view hv;

	site_opts(NULL, PD_LANG_EN, &chk, &o);
	fb_counts(port, &o.votes_yes, &o.votes_no);
	cache_key(out, s, R_API_PORT, port, PD_LANG_EN, "");
	if (from_cache(out))
		return;
	o.host = host_view(s, port, &hv);
	rendered(out, pd_page(s->reg, port, PD_FMT_JSON, &o, &out->body), CT_JSON, CC_REVALIDATE, page_ttl());
	host_view_release(&hv);
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
	char lim[SRV_QUERY_MAX + 1]; /* as long as any value: the walk to "limit" reads the others into it */
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

static void search_page(const struct srv_state *s, int lang, const char *query, size_t qlen, struct reply *out)
{
	char q[SRV_QUERY_MAX + 1];
	const char *why = search_query(query, qlen, q, sizeof(q), NULL);
	char lroot_buf[SRV_LROOT_MAX];
	const char *lroot = route_lroot(lang, lroot_buf);
	struct pd_buf c = PD_BUF_INIT, title = PD_BUF_INIT, t = PD_BUF_INIT;
	struct pd_search_opts so;
	struct pd_search res = { 0 };
	long port;
	const char *sp;
	int rc;

	if (why) {
		route_error(R_SEARCH, lang, 400, why, 0, out);
		return;
	}
	out->content_language = pd_lang_code(lang);
	pd__tr(&title, lang, M_srv_search_title);
	for (sp = q; *sp == ' '; sp++)
		;
	if (!*sp) {
		pd_buf_printf(&c, "<h1>%s</h1><p>", pd_buf_str(&title));
		pd__tr(&c, lang, M_srv_search_hint);
		pd_buf_puts(&c, "</p>");
		framed(pd_buf_str(&title), lang, pd_buf_str(&c), &out->body);
		rendered(out, c.err ? c.err : out->body.err, CT_HTML, CC_REVALIDATE, 0);
		goto out;
	}
	port = named_port(s->reg, q);
	if (port >= 0) {
		snprintf(out->location, sizeof(out->location), "%sport/%ld", lroot, port);
		out->content_language = NULL;
		out->status = 302;
		out->ctype = CT_HTML;
		out->cache_control = CC_REVALIDATE;
		pd_buf_printf(&out->body, "<a href=\"%sport/%ld\">", lroot, port);
		pd__tr(&out->body, lang, M_srv_port_link, (unsigned)port);
		pd_buf_puts(&out->body, "</a>\n");
		goto out;
	}
	if (pd_search_check(q, &why)) {
		route_error(R_SEARCH, lang, 400, why, 0, out);
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.max = SEARCH_MAX;
	if ((rc = pd_search(s->reg, q, &so, &res))) {
		route_error(R_SEARCH, lang, 500, pd_strerror(rc), 0, out);
		goto out;
	}
	pd_buf_html(&t, q);
	pd_buf_puts(&c, "<h1>");
	pd__tr(&c, lang, M_srv_search_heading, pd_buf_str(&t));
	pd_buf_puts(&c, "</h1><p>");
	/* French counts 0 and 1 in the singular; Malay has one form. The
	 * count as each language writes it (1 234 in French), in English as
	 * it always was (1234) */
	{
		struct pd_buf n = PD_BUF_INIT;
		if (lang == PD_LANG_EN)
			pd_buf_printf(&n, "%zu", res.total);
		else
			pd__num(&n, lang, res.total);
		pd__tr(&c, lang, res.total > res.n ? M_srv_results_first50
				 : (lang == PD_LANG_FR ? res.total < 2 : res.total == 1) ? M_srv_results_one
				 : M_srv_results_many,
		       pd_buf_str(&n));
		pd_buf_release(&n);
	}
	pd_buf_puts(&c, "</p>");
	if (res.n) {
		pd_buf_puts(&c, "<table class=\"results\"><thead><tr><th>");
		pd__tr(&c, lang, M_srv_th_port);
		pd_buf_puts(&c, "</th><th>");
		pd__tr(&c, lang, M_srv_th_transports);
		pd_buf_puts(&c, "</th><th>");
		pd__tr(&c, lang, M_srv_th_why);
		pd_buf_puts(&c, "</th></tr></thead><tbody>");
	}
	for (size_t i = 0; i < res.n; i++) {
		const struct pd_search_result *r = &res.r[i];
		pd_buf_puts(&c, "<tr><td>");
		if (r->first == r->last)
			pd_buf_printf(&c, "<a href=\"%sport/%u\">%u</a>", lroot, r->first, r->first);
		else
			pd_buf_printf(&c, "<a href=\"%sport/%u\">%u</a>-<a href=\"%sport/%u\">%u</a>", lroot, r->first,
				      r->first, lroot, r->last, r->last);
		pd_buf_puts(&c, "</td><td>");
		for (int tp = 0, k = 0; tp < PD_NPROTO; tp++)
			if (r->protos & (1u << tp))
				pd_buf_printf(&c, "%s%s", k++ ? "," : "", pd_proto_name(tp));
		pd_buf_puts(&c, "</td><td>");
		pd_buf_html(&c, r->why);
		pd_buf_puts(&c, "</td></tr>");
	}
	if (res.n) {
		pd_buf_puts(&c, "</tbody></table>");
	} else {
		pd_buf_puts(&c, "<p>");
		pd__tr(&c, lang, M_srv_search_none);
		pd_buf_puts(&c, "</p>");
	}
	{
		/* the registry line of every page (page_registry), in HTML */
		struct pd_buf name = PD_BUF_INIT, line = PD_BUF_INIT;
		const char *u = pd_registry_updated(s->reg);
		char date[PD__DATE_MAX];
		pd__registry_source(&name, s->reg, lang);
		pd__tr(&line, lang, M_page_registry, pd_buf_str(&name),
		       *u ? pd__date_str(date, sizeof(date), lang, u) : pd__msg(lang, M_page_unknown));
		pd_buf_puts(&c, "<p>");
		pd_buf_html(&c, pd_buf_str(&line));
		pd_buf_puts(&c, "</p>");
		if (!c.err)
			c.err = name.err ? name.err : line.err;
		pd_buf_release(&name);
		pd_buf_release(&line);
	}
	framed(pd_buf_str(&title), lang, pd_buf_str(&c), &out->body);
	rendered(out, c.err ? c.err : out->body.err, CT_HTML, CC_REVALIDATE, 0);
out:
	pd_buf_release(&c);
	pd_buf_release(&t);
	pd_buf_release(&title);
	pd_search_release(&res);
}

static void api_search(const struct srv_state *s, const char *query, size_t qlen, struct reply *out)
{
	char q[SRV_QUERY_MAX + 1];
	size_t limit = 20;
	const char *why = search_query(query, qlen, q, sizeof(q), &limit);
	struct pd_search_opts so;
	struct pd_search res = { 0 };
	struct pd_buf *b = &out->body;
	int rc;

	if (!why && !*q)
		why = "give the words to look for: /api/v1/search?q=WORDS";
	if (!why && pd_search_check(q, &why) && !why)
		why = "the search is not valid";
	if (why) {
		route_error(R_API_SEARCH, PD_LANG_EN, 400, why, 1, out);
		return;
	}
	memset(&so, 0, sizeof(so));
	so.max = limit;
	if ((rc = pd_search(s->reg, q, &so, &res)) || (rc = pd_search_json(s->reg, q, 0, &res, b))) {
		route_error(R_API_SEARCH, PD_LANG_EN, 500, pd_strerror(rc), 1, out);
		pd_search_release(&res);
		return;
	}
	pd_search_release(&res);
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
		route_error(R_API_LISTENING, PD_LANG_EN, rc == PD_ENOTSUP ? 501 : 503, pd_strerror(rc), 1, out);
		out->retry_after = rc == PD_ENOTSUP ? 0 : 5;
		return;
	}
	rc = pd_listening_json(s->reg, &l, b);
	pd_socket_list_release(&l);
	rendered(out, rc ? rc : b->err, CT_JSON, CC_NONE, 0);
}

static void api_feedback(unsigned port, struct reply *out)
{
	int rc = fb_port_json(port, COMMENTS_MAX, srv_cfg->publish_comments, &out->body);

	if (rc) {
		route_error(R_API_FEEDBACK, PD_LANG_EN, 503, "the feedback database cannot be read", 1, out);
		out->retry_after = 5;
		return;
	}
	rendered(out, 0, CT_JSON, CC_NONE, 0);
}

/* ---- the table ---- */

void route_get(enum srv_route r, unsigned arg, int lang, const char *query, size_t qlen, int want_json,
	       const char *accept_language, struct reply *out)
{
	struct srv_state *s;

	(void)want_json;
	if (r == R_HOME && lang == PD_LANG_EN) {
		/* /: the one address that reads Accept-Language; a reader who
		 * prefers French or Malay is sent to that home page, unless
		 * English was asked for (/?lang=en: the language switcher) */
		char asked[8];
		int want = query && hp_form_get(query, qlen, "lang", asked, sizeof(asked)) == 1 && !strcmp(asked, "en")
				   ? PD_LANG_EN
				   : pd_lang_negotiate(accept_language);
		out->vary_language = 1;
		if (want != PD_LANG_EN) {
			route_lroot(want, out->location);
			out->status = 302;
			out->ctype = CT_HTML;
			out->cache_control = CC_REVALIDATE;
			pd_buf_printf(&out->body, "<a href=\"%s\">%s</a>\n", out->location, pd_lang_name(want));
			return;
		}
	}
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
		route_error(r, lang, 503, "no registry is loaded", want_json, out);
		return;
	}
	switch (r) {
	case R_HOME:
	case R_RANGES:
	case R_BLOCKS:
	case R_COMMON: site_page(s, r, arg, lang, out); break;
	case R_PORT: port_page(s, arg, lang, query, qlen, out); break;
	case R_MAP: map_svg(s, arg, lang, out); break;
	case R_API_PORT: api_port(s, arg, out); break;
	case R_SEARCH: search_page(s, lang, query, qlen, out); break;
	case R_API_SEARCH: api_search(s, query, qlen, out); break;
	case R_API_LISTENING: api_listening(s, out); break;
	default: route_error(r, lang, 404, "there is no page at this address", want_json, out); break;
	}
	state_put(s);
}

/* ---- the feedback form ---- */

const char *route_feedback_form(unsigned port, const char *body, size_t len, struct fb_vote *v)
{
	const char *cur = body, *end = body + len;
	char key[16], value[SRV_COMMENT_MAX * 12 + 1];
	int have_vote = 0, have_comment = 0, have_reason = 0, rc;
	size_t chars, o = 0, n;

	memset(v, 0, sizeof(*v));
	v->port = port;
	v->reason = -1;
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
		} else if (!strcmp(key, "reason")) {
			if (have_reason++)
				return "the form has two reasons";
			for (int i = 0; i < DB_NREASONS; i++)
				if (!strcmp(value, db_reasons[i]))
					v->reason = i;
			if (v->reason < 0 && *value)
				return "reason must be outdated, wrong, missing or hard-to-read";
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
	/* without a vote: why, for the vote of this reader today */
	v->explain = !have_vote;
	if (!have_vote && v->reason < 0 && !*v->comment)
		return "the form has no vote (vote=yes or vote=no), reason or comment";
	return NULL;
}
