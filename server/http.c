/* http.c: the HTTP side, on libmicrohttpd: a pool of two threads, each
 * with its own epoll loop, sharing one listening socket that we open (so
 * that --listen can ask for port 0 and we can say which port we got).
 *
 * Per request: the raw target comes from the URI log callback (before
 * libmicrohttpd's lenient unescaping) and is parsed strictly by
 * http_parse.c; the route answers with a body, and this file adds what
 * HTTP needs: ETag and If-None-Match (304), gzip when the client accepts
 * it, Cache-Control, Vary, 405 with Allow, 413 for bodies over the cap.
 * Feedback votes suspend the connection until the writer thread has
 * committed them, so the answer is sent only once the vote is durable.
 *
 * Framing that a proxy in front could read otherwise than we do is
 * refused at the first call, before any body is read, and the connection
 * closed (RFC 9112 6.1, 6.3): Content-Length with Transfer-Encoding, two
 * Content-Length or Transfer-Encoding headers, a Content-Length that is
 * not digits, a header name with a space before its colon (400); a transfer coding other than chunked (501); an
 * HTTP/1.1 request without one Host header (400). libmicrohttpd 0.9.75
 * checks none of these by an option: it takes the first Content-Length,
 * and reads the body of an unknown coding until the connection closes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_parse.h"
#include "i18n.h"
#include "server.h"

#define CONN_LIMIT 256
#define PER_IP_LIMIT 64
#define CONN_MEMORY 16384          /* the request line and headers must fit */
#define TARGET_MAX 4096
#define QUERY_PAIRS_MAX 64         /* parameters of a query string (414 beyond) */

#define CSP "default-src 'none'; img-src 'self'; object-src 'self'; frame-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " \
	    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const struct srv_config *srv_cfg;
static struct MHD_Daemon *daemon_;
static int listen_fd = -1;

enum method { M_GET, M_HEAD, M_POST, M_OTHER };
enum fb_state { FB_IDLE, FB_QUEUED, FB_DONE, FB_ORPHANED };

struct request {
	char *target;              /* raw request target */
	struct timespec start;
	int seen;                  /* the handler ran once */
	enum srv_route route;
	unsigned arg;
	int lang;                  /* of the page: its /fr/ or /ms/ prefix (enum pd_lang) */
	enum method method;
	int want_json;
	int status;                /* what we answered (metrics) */
	struct hp_target t;        /* the decoded path and the raw query */
	int fail;                  /* a status to answer instead of the route's */
	const char *why;
	struct pd_buf body;        /* POST body, at most SRV_BODY_MAX */
	int too_big;
	size_t discarded;          /* body bytes past the cap */
	atomic_int fb;             /* enum fb_state */
	struct fb_vote vote;
	struct MHD_Connection *conn;
};

static void request_free(struct request *r)
{
	pd_buf_release(&r->body);
	free(r->target);
	free(r);
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Called once per request, with the raw target, before headers are read */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *r = calloc(1, sizeof(*r));

	(void)cls;
	if (!r)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->target = strndup(uri, TARGET_MAX + 1);
	/* libmicrohttpd would now split the query into records in the
	 * connection's 16 KiB pool, about 48 bytes a parameter: some 250
	 * exhaust it, and 0.9.75 then leaves the client without an answer
	 * until the timeout. The query is ours to parse (http_parse.c, from
	 * r->target), so end the string it is about to split, in its own
	 * read buffer, right after the '?'. */
	{
		char *q = strchr(uri, '?');
		if (q)
			q[1] = '\0';
	}
	r->conn = conn;
	r->route = R_NONE;
	atomic_init(&r->fb, FB_IDLE);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
	struct request *r = *con_cls;

	(void)cls, (void)conn, (void)why;
	if (!r)
		return;
	*con_cls = NULL;
	if (r->status)
		metrics_record(r->route, r->status, since(&r->start));
	/* a vote still in the writer's queue: the writer frees the request */
	if (atomic_exchange(&r->fb, FB_ORPHANED) == FB_QUEUED)
		return;
	request_free(r);
}

/* Leaves the raw target alone: http_parse.c decodes it strictly */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	return strlen(s);
}

/* libmicrohttpd's messages (mostly about bad clients), at most 20 a
 * minute, made visible (pd_buf_text): they may quote what a client sent */
static void on_log(void *cls, const char *fmt, va_list ap)
{
	static atomic_long window;
	static atomic_uint count;
	long minute = (long)(time(NULL) / 60);
	struct pd_buf b = PD_BUF_INIT;
	char *msg = NULL;
	size_t n;

	(void)cls;
	if (atomic_exchange(&window, minute) != minute)
		atomic_store(&count, 0);
	if (atomic_fetch_add(&count, 1) >= 20)
		return;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--; /* its own line ends */
	pd_buf_puts(&b, "portdex: http: ");
	pd_buf_text_n(&b, msg, n);
	pd_buf_putc(&b, '\n');
	if (!b.err)
		fputs(b.s, stderr);
	pd_buf_release(&b);
	free(msg);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static int compressible(const char *ctype)
{
	return ctype && (!strncmp(ctype, "text/", 5) || !strncmp(ctype, "application/json", 16) ||
			 !strncmp(ctype, "image/svg+xml", 13));
}

static void free_blob(void *cls)
{
	blob_put(cls);
}

/* Sends a reply: the shared body (cached or made now), or a 304, or its
 * gzip; headers for caches and browsers. Consumes the reply. */
static enum MHD_Result respond(struct request *r, struct MHD_Connection *c, struct reply *rep)
{
	struct MHD_Response *resp = NULL;
	struct blob *b = rep->blob;
	const struct gzbody *gz = NULL;
	const char *etag = NULL;
	int status = rep->status, comp;
	char num[16];
	enum MHD_Result ret;

	rep->blob = NULL;
	if (!b) {
		size_t len = rep->body.len;
		if (rep->body.err) {
			route_error(r->route, r->lang, 500, pd_strerror(rep->body.err), r->want_json, rep);
			status = 500;
			len = rep->body.len;
		}
		b = blob_new(pd_buf_detach(&rep->body), len, compressible(rep->ctype));
		if (!b) {
			reply_release(rep);
			return MHD_NO;
		}
		if (rep->cacheable && status == 200) {
			struct cached cc = { status, rep->ctype, rep->cache_control, b };
			cache_put(rep->cache_key, &cc, rep->ttl);
		}
	}
	comp = b->compressible;
	if (comp && hp_accepts_gzip(header(c, MHD_HTTP_HEADER_ACCEPT_ENCODING)))
		gz = blob_gzip(b);
	if (status == 200) {
		etag = gz ? b->etag_gz : b->etag;
		if (hp_etag_match(header(c, MHD_HTTP_HEADER_IF_NONE_MATCH), b->etag, b->etag_gz))
			status = 304;
	}
	if (!b->len) {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		blob_put(b);
	} else {
		/* the response holds our reference to b until it is sent. Also
		 * for a 304: libmicrohttpd sends no body then, and the
		 * Content-Length it sends is the 200's, as RFC 9110 asks */
		resp = MHD_create_response_from_buffer_with_free_callback_cls(gz ? gz->len : b->len,
									      gz ? (void *)gz->data : b->data, free_blob, b);
		if (!resp)
			blob_put(b);
	}
	if (!resp) {
		reply_release(rep);
		return MHD_NO;
	}
	if (rep->ctype && status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->ctype);
	if (gz && status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (comp || rep->vary_language)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
					!rep->vary_language ? "Accept-Encoding"
					: comp ? "Accept-Encoding, Accept-Language" : "Accept-Language");
	if (rep->content_language)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE, rep->content_language);
	if (etag)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				rep->cache_control ? rep->cache_control : "no-store");
	if (*rep->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rep->location);
	if (rep->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (rep->retry_after) {
		snprintf(num, sizeof(num), "%u", rep->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	if (rep->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (rep->ctype && !strncmp(rep->ctype, "text/html", 9)) {
		MHD_add_response_header(resp, "Content-Security-Policy", CSP);
		MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	}
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	reply_release(rep);
	return ret;
}

/* An error page; close: "Connection: close", and libmicrohttpd closes the
 * connection once it is sent (what follows on it is never read) */
static enum MHD_Result error_reply(struct request *r, struct MHD_Connection *c, int status, const char *msg,
				   int close)
{
	struct reply rep;

	memset(&rep, 0, sizeof(rep));
	route_error(r->route, r->lang, status, msg, r->want_json, &rep);
	if (status == 405)
		rep.allow = route_allow(r->route);
	rep.close = close;
	return respond(r, c, &rep);
}

static enum MHD_Result error(struct request *r, struct MHD_Connection *c, int status, const char *msg)
{
	return error_reply(r, c, status, msg, 0);
}

/* ---- framing ---- */

struct framing {
	unsigned cl, te, host, bad_name;
	const char *cl_value, *te_value;
};

/* A header name is a token (RFC 9110 5.6.2): libmicrohttpd keeps a space
 * before the colon in the name, so "Content-Length : 5" would be a header
 * of its own to us and a Content-Length to a lenient proxy */
static int token(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr(extra, *s)))
			return 0;
	return 1;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (!token(key))
		f->bad_name++;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		if (!f->cl++)
			f->cl_value = value;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		if (!f->te++)
			f->te_value = value;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
		f->host++;
	}
	return MHD_YES;
}

/* NULL when the request says its length in one way only, else why not,
 * with the status in *status (400, or 501 for a coding we do not know).
 * Every header line is counted: libmicrohttpd keeps duplicates. */
static const char *framing_check(struct MHD_Connection *c, const char *version, int *status)
{
	struct framing f = { 0 };
	int v11 = version && !strcmp(version, MHD_HTTP_VERSION_1_1);

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &f);
	*status = 400;
	if (f.bad_name)
		return "a header name has a space or a character that is not allowed";
	if (f.cl && f.te)
		return "a request may not have both Content-Length and Transfer-Encoding";
	if (f.cl > 1)
		return "a request may have one Content-Length header only";
	if (f.te > 1)
		return "a request may have one Transfer-Encoding header only";
	if (f.cl && (!f.cl_value || !*f.cl_value || f.cl_value[strspn(f.cl_value, "0123456789")]))
		return "Content-Length is not a plain number";
	if (f.te && !v11)
		return "Transfer-Encoding needs HTTP/1.1";
	if (f.te && (!f.te_value || strcasecmp(f.te_value, "chunked"))) {
		*status = 501;
		return "the only transfer coding this server reads is chunked";
	}
	if (v11 && f.host != 1)
		return "an HTTP/1.1 request needs one Host header";
	return NULL;
}

/* How many parameters a query string has (empty ones included) */
static size_t query_pairs(const char *q, size_t n)
{
	size_t k = n ? 1 : 0;

	for (size_t i = 0; i < n; i++)
		k += q[i] == '&' || q[i] == ';';
	return k;
}

/* The writer committed our vote (writer thread) */
static void vote_done(struct fb_vote *v)
{
	struct request *r = v->ctx;

	if (atomic_exchange(&r->fb, FB_DONE) == FB_ORPHANED) {
		request_free(r);
		return;
	}
	MHD_resume_connection(r->conn);
}

static void client_address(struct MHD_Connection *c, struct fb_vote *v)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	memset(v->addr, 0, sizeof(v->addr));
	v->family = 0;
	if (sa && sa->sa_family == AF_INET) {
		memcpy(v->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		v->family = 4;
	} else if (sa && sa->sa_family == AF_INET6) {
		const unsigned char *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp(a, mapped, 12)) {
			memcpy(v->addr, a + 12, 4);
			v->family = 4;
		} else {
			memcpy(v->addr, a, 16);
			v->family = 6;
		}
	}
}

/* The final call of a POST to /port/N/feedback: check, rate-limit, queue */
static enum MHD_Result feedback_post(struct request *r, struct MHD_Connection *c)
{
	const char *why;
	unsigned wait;
	struct reply rep;
	struct timespec now;

	/* a form at /port/N/feedback posted from /fr/port/N: the answer, and
	 * the page it leads back to, in French (the vote is the port's) */
	if (r->lang == PD_LANG_EN) {
		const char *ref = header(c, MHD_HTTP_HEADER_REFERER), *sep = ref ? strstr(ref, "://") : NULL;
		if (sep && (sep = strchr(sep + 3, '/')))
			r->lang = route_target_lang(sep);
	}
	if (r->too_big)
		return error(r, c, 413, "the form is larger than 8 KiB");
	/* a form posted from another site's page: refused (cross-site request forgery) */
	if (srv_origin_check(header(c, "Origin"), header(c, MHD_HTTP_HEADER_REFERER), header(c, MHD_HTTP_HEADER_HOST),
			     srv_cfg->public_url) == ORIGIN_OTHER)
		return error(r, c, 403, "votes are taken only from this site's pages (Origin or Referer of another site)");
	why = route_feedback_form(r->arg, pd_buf_str(&r->body), r->body.len, &r->vote);
	if (why)
		return error(r, c, 400, why);
	client_address(c, &r->vote);
	clock_gettime(CLOCK_MONOTONIC, &now);
	wait = rl_take(r->vote.addr, r->vote.family, now.tv_sec);
	if (!wait && (wait = rl_take_all())) {
		memset(&rep, 0, sizeof(rep));
		route_error(r->route, r->lang, 429, "too many votes from everyone just now: try again in a minute", r->want_json,
			    &rep);
		rep.retry_after = wait;
		return respond(r, c, &rep);
	}
	if (wait) {
		memset(&rep, 0, sizeof(rep));
		route_error(r->route, r->lang, 429, "too many votes from your address: try again in a minute", r->want_json, &rep);
		rep.retry_after = wait;
		return respond(r, c, &rep);
	}
	r->vote.done = vote_done;
	r->vote.ctx = r;
	/* suspend first: the writer may answer before we return */
	atomic_store(&r->fb, FB_QUEUED);
	MHD_suspend_connection(c);
	if (fb_submit(&r->vote)) {
		atomic_store(&r->fb, FB_DONE);
		r->vote.rc = PD_EIO;
		MHD_resume_connection(c);
	}
	return MHD_YES;
}

/* After the commit: JSON counts, or a redirect back to the page */
static enum MHD_Result feedback_answer(struct request *r, struct MHD_Connection *c)
{
	struct reply rep;

	memset(&rep, 0, sizeof(rep));
	if (r->vote.rc == PD_ENOTFOUND)
		return error(r, c, 400, "there is no vote of yours on this page today to give a reason for: vote first");
	if (r->vote.rc) {
		route_error(r->route, r->lang, 503, "your vote could not be saved; please try again later", r->want_json, &rep);
		rep.retry_after = 10;
		return respond(r, c, &rep);
	}
	rep.cache_control = "no-store";
	if (r->want_json) {
		rep.status = 200;
		rep.ctype = "application/json; charset=utf-8";
		pd_buf_printf(&rep.body, "{\"yes\":%u,\"no\":%u}\n", r->vote.yes, r->vote.no);
	} else {
		rep.status = 303;
		rep.ctype = "text/html; charset=utf-8";
		char lroot[SRV_LROOT_MAX];
		snprintf(rep.location, sizeof(rep.location), "%sport/%u?feedback=%s#feedback", route_lroot(r->lang, lroot),
			 r->arg, r->vote.explain ? "why" : "thanks");
		pd_buf_printf(&rep.body, "<a href=\"%s\">", rep.location);
		pd__tr(&rep.body, r->lang, M_srv_back_port, r->arg);
		pd_buf_puts(&rep.body, "</a>\n");
	}
	return respond(r, c, &rep);
}

static int form_content_type(const char *ct)
{
	static const char form[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(form) - 1;

	return ct && !strncasecmp(ct, form, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The first call of a request (headers read): method, target, route,
 * limits. A problem is answered at once only when a body may follow (the
 * connection is then closed, the body unread); otherwise the answer waits
 * for the next call, so that the connection can be kept alive. */
static enum MHD_Result first_call(struct request *r, struct MHD_Connection *c, const char *method,
				   const char *version)
{
	int bad = 0, status;
	const char *cl, *why;

	r->seen = 1;
	r->method = !strcmp(method, "GET") ? M_GET : !strcmp(method, "HEAD") ? M_HEAD
		  : !strcmp(method, "POST") ? M_POST : M_OTHER;
	r->want_json = hp_accepts_json(header(c, MHD_HTTP_HEADER_ACCEPT));
	r->lang = route_target_lang(r->target);
	if (!r->target || strlen(r->target) > TARGET_MAX) {
		r->fail = 414;
		r->why = "the address is too long";
	} else if (hp_target_parse(r->target, strlen(r->target), &r->t)) {
		r->fail = 400;
		r->why = "the address is malformed (bad %-escape or control character, or too long)";
	} else {
		if (!strncmp(r->t.path, "/api/", 5))
			r->want_json = 1; /* errors of the API in JSON */
		r->route = route_match(r->t.path, &r->arg, &bad, &r->lang);
		if (query_pairs(r->t.query, r->t.qlen) > QUERY_PAIRS_MAX) {
			r->fail = 414;
			r->why = "the query has too many parameters (64 at most)";
		}
	}
	/* before anything else: a request whose end we might see elsewhere
	 * than a proxy in front of us does is answered now, and the rest of
	 * the connection is never read */
	if ((why = framing_check(c, version, &status)))
		return error_reply(r, c, status, why, 1);
	if (r->fail == 414)
		return error_reply(r, c, r->fail, r->why, 1);
	if (r->fail) {
		/* answered below */
	} else if (r->route == R_NONE) {
		r->fail = 404;
		r->why = "there is no page at this address";
	} else if (r->method == M_OTHER || (r->method == M_POST) != (r->route == R_FEEDBACK)) {
		r->fail = 405;
		r->why = "this address does not take that method";
	} else if (bad) {
		r->fail = 400;
		r->why = r->route == R_MAP ? "a map is named by a number from 0 to 63" : "not a port number (0-65535)";
	} else if (r->method == M_POST) {
		r->body.max = SRV_BODY_MAX;
		cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!form_content_type(header(c, MHD_HTTP_HEADER_CONTENT_TYPE))) {
			r->fail = 415;
			r->why = "send the form as application/x-www-form-urlencoded";
		} else if (cl && (strlen(cl) > 9 || strtoul(cl, NULL, 10) > SRV_BODY_MAX)) {
			r->fail = 413;
			r->why = "the form is larger than 8 KiB";
		}
	}
	if (r->fail && (r->method == M_POST || r->method == M_OTHER))
		return error(r, c, r->fail, r->why);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct request *r = *con_cls;

	(void)cls, (void)url;
	if (!r)
		return MHD_NO; /* out of memory in on_uri */
	if (!r->seen)
		return first_call(r, c, method, version);
	if (*upload_size) {
		/* the body of a POST, at most SRV_BODY_MAX; far past it, closed */
		if (r->too_big || r->body.len + *upload_size > SRV_BODY_MAX) {
			r->too_big = 1;
			r->discarded += *upload_size;
			if (r->discarded > 8 * SRV_BODY_MAX)
				return MHD_NO;
		} else {
			pd_buf_add(&r->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->fail)
		return error(r, c, r->fail, r->why);
	if (r->method != M_POST) {
		struct reply rep;
		memset(&rep, 0, sizeof(rep));
		/* only the English home reads Accept-Language */
		route_get(r->route, r->arg, r->lang, r->t.query, r->t.qlen, r->want_json,
			  r->route == R_HOME && r->lang == PD_LANG_EN
				  ? header(c, MHD_HTTP_HEADER_ACCEPT_LANGUAGE) : NULL,
			  &rep);
		return respond(r, c, &rep);
	}
	switch (atomic_load(&r->fb)) {
	case FB_IDLE:
		return feedback_post(r, c);
	case FB_DONE:
		return feedback_answer(r, c);
	default:
		return MHD_YES; /* still queued: a spurious call */
	}
}

/* ---- the listening socket ---- */

static int open_listener(const struct hp_listen *l, char *url, size_t urlmax, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = -1, one = 1, zero = 0, family = l->family == 4 ? AF_INET : AF_INET6;
	char host[INET6_ADDRSTRLEN + 2];

	memset(&ss, 0, sizeof(ss));
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 || l->family != 0 || errno != EAFNOSUPPORT)
			break;
		family = AF_INET; /* every address, on a host without IPv6 */
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)l->port);
		if (l->family == 4)
			inet_pton(AF_INET, l->addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)l->port);
		if (l->family == 6) {
			inet_pton(AF_INET6, l->addr, &sin6->sin6_addr);
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		} else {
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)); /* IPv4 too */
		}
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 128)) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(url, urlmax, "http://%s:%u/", host, ntohs(sin->sin_port));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(url, urlmax, "http://[%s]:%u/%s", host, ntohs(sin6->sin6_port),
			 l->family == 0 ? " (every address, IPv4 and IPv6)" : "");
	}
	return fd;
}

int http_start(const struct srv_config *cfg, char *err, size_t errlen)
{
	struct hp_listen l;
	char url[128];

	srv_cfg = cfg;
	if (hp_listen_parse(cfg->listen, &l)) {
		snprintf(err, errlen, "not an address to listen on (ADDR:PORT, [ADDR6]:PORT or :PORT)");
		return PD_EINVAL;
	}
	listen_fd = open_listener(&l, url, sizeof(url), err, errlen);
	if (listen_fd < 0)
		return PD_EIO;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
					   MHD_USE_ERROR_LOG,
				   0, NULL, NULL, on_request, NULL,
				   MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
				   MHD_OPTION_LISTEN_SOCKET, listen_fd,
				   MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 1,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
				   MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				   MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
				   MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				   MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				   /* 0: the Host check is ours (framing_check), since
				    * 0.9.75's own 400 repeats its header block */
				   MHD_OPTION_STRICT_FOR_CLIENT, 0,
				   MHD_OPTION_END);
	if (!daemon_) {
		snprintf(err, errlen, "libmicrohttpd did not start");
		close(listen_fd);
		listen_fd = -1;
		return PD_EIO;
	}
	fprintf(stderr, "portdex: serving on %s\n", url);
	return 0;
}

void http_quiesce(void)
{
	if (daemon_)
		MHD_quiesce_daemon(daemon_);
}

void http_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
}
