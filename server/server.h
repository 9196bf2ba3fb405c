/* server.h: what the files of portdex-serve share. portdex-serve is the
 * program behind `portdex serve` and `portdex feedback`: it alone links
 * libmicrohttpd, SQLite and zlib, so that a lookup loads none of them. */
#ifndef PD_SERVER_H
#define PD_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "portdex.h"

#define SRV_DEFAULT_PORT 8926
#define SRV_BODY_MAX 8192        /* request body cap (413 beyond) */
#define SRV_COMMENT_MAX 500      /* characters of a feedback comment */
#define SRV_QUERY_MAX 200        /* bytes of a search query */

struct srv_config {
	const char *listen;          /* --listen, default 127.0.0.1:8926 */
	const char *db;              /* --db, default DATA_DIR/feedback.db */
	const char *registry;        /* --registry or PORTDEX_REGISTRY; NULL: data dir, then snapshot */
	const char *procroot;        /* PORTDEX_PROC: a recorded /proc for tests; NULL: /proc */
	unsigned timeout;            /* idle connection timeout, seconds (PORTDEX_SERVE_TIMEOUT) */
	unsigned vote_limit;         /* votes per minute per client, 0: none (PORTDEX_VOTE_LIMIT) */
	unsigned cache_ttl;          /* seconds a rendered page is reused (PORTDEX_SERVE_CACHE_TTL) */
	unsigned threads;            /* request threads (PORTDEX_SERVE_THREADS) */
	unsigned votes_per_minute;   /* votes per minute from everyone, 0: none (PORTDEX_VOTES_PER_MINUTE) */
	const char *public_url;      /* the site's address, for the Origin check (PORTDEX_PUBLIC_URL) */
	int publish_comments;        /* --publish-comments: comments in /api/v1/ports/N/feedback */
	int host_facts;              /* --host-facts: pages, API and metrics tell about this
				      * host (in use, listening sockets, settings, file paths) */
};

/* siphash.c: SipHash-2-4, for ETags, client hashes and hash tables */
uint64_t srv_siphash(const unsigned char key[16], const void *data, size_t len);

/* ---- state.c: the registry being served, swapped whole on reload ---- */
struct srv_state {
	struct pd_registry *reg;
	struct pd_host host;
	int has_host;
	unsigned long gen;           /* 1, 2, ... one per successful load */
	atomic_int refs;
};

/* Opens the registry (the CLI's order: --registry, the data dir's
 * registry.pdx, the compiled-in snapshot) and the host facts, and makes
 * them current; the previous state lives on until its last reader puts it
 * down. On failure the current state stays; err gets a one-line reason. */
int state_load(const struct srv_config *cfg, char *err, size_t errlen);
struct srv_state *state_get(void);         /* the current state, with a reference */
void state_put(struct srv_state *s);       /* drops a reference */
void state_shutdown(void);                 /* drops the current state */
/* The file that, when it changes, calls for a reload: the --registry file
 * or DATA_DIR/registry.pdx (which may not exist yet). Caller frees. */
char *state_watch_path(const struct srv_config *cfg);
/* 1 when the watched file differs (inode, size, time) from the one loaded */
int state_file_changed(const char *path);
extern atomic_ulong srv_reloads, srv_reload_failures;

/* ---- cache.c: rendered bodies, shared by reference ---- */
struct gzbody {
	size_t len;
	char data[];
};
struct blob {
	atomic_int refs;
	char *data;
	size_t len;
	char etag[24];               /* "\"0123456789abcdef\"": a hash of the body */
	char etag_gz[28];            /* "\"0123456789abcdef-gz\"": its gzip representation */
	int compressible;
	_Atomic(struct gzbody *) gz; /* gzip of data, made on first demand */
	atomic_int gz_useless;       /* gzip was tried and does not pay */
};
/* Takes ownership of data (malloc'd, len bytes). NULL when out of memory
 * (data is then freed). */
struct blob *blob_new(char *data, size_t len, int compressible);
void blob_put(struct blob *b);
/* The gzip of b's body (made once, kept with b), or NULL when it does not
 * pay (small or incompressible bodies). Valid while b is. */
const struct gzbody *blob_gzip(struct blob *b);

struct cached {
	int status;
	const char *ctype;
	const char *cache_control;
	struct blob *body;
};
/* Looks up key (made by the caller from generation, path and what else
 * shapes the page); on a hit fills *out with a new reference and returns 1. */
int cache_get(const char *key, struct cached *out);
void cache_put(const char *key, const struct cached *c, unsigned ttl);
void cache_clear(void);
extern atomic_ulong srv_cache_hits, srv_cache_misses;

/* ---- feedback.c: votes, kept through db.h (SQLite or PostgreSQL) ---- */
enum fb_vote_kind { FB_NO = 0, FB_YES = 1 };
struct fb_vote {
	unsigned port;
	enum fb_vote_kind vote;
	int explain;                             /* 1: the reason and comment of today's vote, no vote */
	int reason;                              /* an index in db_reasons, or -1 */
	char comment[SRV_COMMENT_MAX * 4 + 1];   /* UTF-8; "" for none */
	unsigned char addr[16];                  /* client address (IPv4 in the first 4) */
	int family;
	/* filled in by the writer */
	int rc;                                  /* 0 committed, else a PD_E* code */
	unsigned yes, no;                        /* the port's counts after the commit */
	void (*done)(struct fb_vote *v);         /* called after the commit (writer thread) */
	void *ctx;
	struct fb_vote *next;
};
/* Opens the database (a SQLite file, made with its directory, or a
 * postgresql:// URI), runs its migrations, loads the counts and starts the
 * writer thread. */
int fb_open(const char *db, char *err, size_t errlen);
const char *fb_backend_name(void);       /* "SQLite", "PostgreSQL" */
/* db quoted for a message, a URI's password hidden */
const char *fb_display(const char *db, char *buf, size_t n);
/* Stops the writer after it committed (and answered) every queued vote;
 * later votes fail with PD_EIO. */
void fb_stop(void);
/* Stops the writer if need be and closes the database. */
void fb_close(void);
/* Queues a vote; v->done is called once it is committed (v->rc 0), or
 * failed (PD_EIO; PD_ENOTFOUND for a reason without a vote of that reader on
 * that page today). PD_EIO when the writer is stopped. v must live until
 * done. */
int fb_submit(struct fb_vote *v);
void fb_counts(unsigned port, unsigned *yes, unsigned *no);
/* {"port","yes","no","comments_published","comments":[{"time","vote",
 * "reason","comment"}]}: with publish, the latest max comments, newest
 * first; without, none. */
int fb_port_json(unsigned port, size_t max, int publish, struct pd_buf *out);
/* The default database path: DATA_DIR/feedback.db. */
int fb_default_path(struct pd_buf *out);
/* `portdex feedback`: pages by votes, most first, with their latest
 * comments; service names from reg (may be NULL). Returns an exit status. */
int fb_report(const char *db, long top, int json, const struct pd_registry *reg);
extern atomic_ulong srv_votes[2], srv_vote_failures, srv_db_reopens;

/* ---- ratelimit.c: votes per client per minute, and from everyone ---- */
void rl_init(unsigned per_minute, unsigned all_per_minute);
/* 0 allowed (and counted), else the seconds until anyone may vote again:
 * the overall cap, a token bucket of all_per_minute a minute */
unsigned rl_take_all(void);
/* 0 allowed (and counted), else the seconds until the client may vote
 * again; now is a monotonic clock's seconds */
unsigned rl_take(const unsigned char addr[16], int family, time_t now);
extern atomic_ulong srv_rate_limited, srv_rate_limited_all;

/* ---- origin.c: is a POST from this site's pages? ---- */
struct srv_origin {
	char host[256];              /* lower case; IPv6 in brackets */
	unsigned port;               /* the scheme's default when not written */
};
/* scheme://host[:port][/...] (http or https): 0, or -1; out may be NULL */
int srv_origin_parse(const char *url, struct srv_origin *out);
enum srv_origin_verdict { ORIGIN_SAME, ORIGIN_NONE, ORIGIN_OTHER };
/* Origin (or, without it, Referer) against Host and public_url (may be
 * NULL): ORIGIN_NONE when the request has neither header */
enum srv_origin_verdict srv_origin_check(const char *origin, const char *referer, const char *host,
					 const char *public_url);

/* ---- metrics.c: request counters and latency histograms ---- */
enum srv_route {
	R_HOME, R_PORT, R_RANGES, R_BLOCKS, R_COMMON, R_SEARCH, R_MAP, R_API_PORT, R_API_SEARCH,
	R_API_LISTENING, R_API_FEEDBACK, R_FEEDBACK, R_METRICS, R_HEALTHZ, R_NONE, R_COUNT
};
void metrics_start(void);
const char *metrics_route_name(enum srv_route r);
void metrics_record(enum srv_route r, int status, double seconds);
/* The Prometheus text exposition: requests, latencies, cache, feedback,
 * registry, and this host's listening sockets. */
int metrics_render(struct pd_buf *out);

/* ---- routes.c: what each path answers ---- */
struct reply {
	int status;
	const char *ctype;           /* a static string */
	const char *cache_control;   /* a static string */
	struct pd_buf body;
	struct blob *blob;           /* instead of body: a shared body (cache hit) */
	char location[320];          /* redirects */
	const char *allow;           /* 405 */
	unsigned retry_after;        /* 429, 503 */
	int close;                   /* "Connection: close", and the connection is closed */
	const char *content_language; /* a page's language ("fr"), or NULL */
	int vary_language;           /* "Vary: Accept-Language" (the home page at /) */
	int cacheable;               /* the body may be stored under cache_key */
	char cache_key[320];
	unsigned ttl;
};

struct request;
/* The route of a decoded path: fills *port for routes that take one and
 * *lang (an enum pd_lang) and returns the route, or R_NONE. The pages are
 * at /PATH in English and at /fr/PATH and /ms/PATH in French and Malay; the
 * API, metrics and health check only at /PATH. */
enum srv_route route_match(const char *path, unsigned *port, int *bad_number, int *lang);
/* The language of a raw request target that could not be parsed, for its
 * error page: that of its /fr/ or /ms/ prefix, else English */
int route_target_lang(const char *target);
/* The methods a route allows ("GET, HEAD" or "POST") */
const char *route_allow(enum srv_route r);
/* Answers a GET/HEAD request of route r in language lang. query may be
 * NULL; accept_language (the request's Accept-Language, may be NULL) is
 * read for the English home page only: one preferring French or Malay is
 * sent there (302). */
void route_get(enum srv_route r, unsigned port, int lang, const char *query, size_t qlen, int want_json,
	       const char *accept_language, struct reply *out);
/* Checks a feedback form: fills v (port, vote, reason, comment; without a
 * vote, the reason and comment of the reader's vote: v->explain) or
 * returns the reason it is refused (a static sentence). */
const char *route_feedback_form(unsigned port, const char *body, size_t len, struct fb_vote *v);
/* An error body for status in the style of route r: HTML in language lang
 * (the message, one of the server's English sentences, translated by the
 * catalogue when it has it), or JSON in English for /api */
void route_error(enum srv_route r, int lang, int status, const char *message, int want_json, struct reply *out);
/* The path of the pages of lang from the root, "/" or "/fr/" (its
 * pd_lang_code), into buf: buf */
#define SRV_LROOT_MAX 16
const char *route_lroot(int lang, char buf[SRV_LROOT_MAX]);
void reply_release(struct reply *r);
/* HTML escaping of text */

/* ---- http.c: the libmicrohttpd daemon ---- */
int http_start(const struct srv_config *cfg, char *err, size_t errlen);
void http_quiesce(void);
void http_stop(void);

extern const struct srv_config *srv_cfg;

#endif
