/* feedback.c: "did this page answer your question?" votes, kept through db.h (SQLite
 * or PostgreSQL).
 *
 * Durability: a vote is acknowledged (the HTTP answer is sent) only after
 * the COMMIT that holds it returned, and only when the database it went to
 * is still the one a restart would open: after each commit the writer asks
 * the backend whether the connection is lost (a SQLite file deleted or
 * replaced under the server, a PostgreSQL connection gone); if so it says
 * so on stderr, opens the database anew (running the migrations) and
 * stores the batch again; when that fails too the votes fail (503). One
 * writer thread owns the writing connection and commits whatever votes
 * queued up while the previous commit was syncing, in one transaction
 * (group commit): one fsync for many votes, and the threads that serve
 * pages never wait for the disk. Counts are kept in memory: loaded at
 * start, read again for the ports of each batch after its commit (so a
 * replaced vote and the votes of other servers on the same PostgreSQL
 * count), and for every port after a minute without votes. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"
#include "jw.h"
#include "server.h"

#define REFRESH_SECONDS 60

static const struct db_backend *be;
static char *target;                  /* the --db value */
static struct db *wdb;                /* the writer's connection */
static struct db *rdb;                /* readers' connection, under rmu */
static pthread_mutex_t rmu = PTHREAD_MUTEX_INITIALIZER;

static pthread_t writer;
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond;
static struct fb_vote *qhead, **qtail = &qhead;
static int running;             /* the writer thread exists (main thread only) */
static int accepting, stopping;  /* under qmu */
static int broken;              /* the writer's last batch failed (writer only) */

static _Atomic uint32_t *counts[2];   /* [FB_NO], [FB_YES]: one per port */
static unsigned char client_key[16];

atomic_ulong srv_votes[2], srv_vote_failures, srv_db_reopens;

int fb_default_path(struct pd_buf *out)
{
	int rc = pd_data_dir(out);

	if (rc)
		return rc;
	pd_buf_puts(out, "/feedback.db");
	return out->err;
}

const char *fb_display(const char *t, char *buf, size_t n)
{
	const char *auth = strstr(t, "://"), *end, *at, *colon;
	char tmp[512];

	/* postgresql://user:secret@host/db: the password stays out of logs */
	if (!db_is_url(t) || !auth)
		return cli_quote(t, buf, n);
	auth += 3;
	end = auth + strcspn(auth, "/?");
	at = memchr(auth, '@', (size_t)(end - auth));
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		return cli_quote(t, buf, n);
	snprintf(tmp, sizeof(tmp), "%.*s:***%s", (int)(colon - t), t, at);
	return cli_quote(tmp, buf, n);
}

static int hexdigit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The database's key for reader hashes: made once, kept in meta. */
static int load_client_key(char *err, size_t errlen)
{
	unsigned char k[16];
	char fresh[33], hex[33];

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		snprintf(err, errlen, "no random numbers: %s", strerror(errno));
		return PD_EIO;
	}
	for (int i = 0; i < 16; i++)
		snprintf(fresh + 2 * i, 3, "%02x", k[i]);
	if (be->client_key(wdb, fresh, hex, err, errlen))
		return PD_EIO;
	for (int i = 0; i < 16; i++) {
		int hi = hexdigit(hex[2 * i]), lo = hexdigit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "the client key in the database is not hex");
			return PD_EIO;
		}
		client_key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void set_count(void *ctx, unsigned port, unsigned yes, unsigned no)
{
	(void)ctx;
	if (port > 65535)
		return;
	atomic_store(&counts[FB_YES][port], yes);
	atomic_store(&counts[FB_NO][port], no);
}

static void add_count(void *ctx, unsigned port, unsigned yes, unsigned no)
{
	uint32_t *fresh = ctx;

	if (port <= 65535) {
		fresh[2 * port] = yes;
		fresh[2 * port + 1] = no;
	}
}

/* Every port's counts from the database (writer thread, or before it) */
static int load_counts(char *err, size_t errlen)
{
	uint32_t *fresh = calloc(2 * 65536, sizeof(*fresh));
	int rc;

	if (!fresh) {
		snprintf(err, errlen, "out of memory");
		return PD_ENOMEM;
	}
	rc = be->counts(wdb, -1, add_count, fresh, err, errlen);
	if (!rc)
		for (unsigned p = 0; p < 65536; p++) {
			atomic_store(&counts[FB_YES][p], fresh[2 * p]);
			atomic_store(&counts[FB_NO][p], fresh[2 * p + 1]);
		}
	free(fresh);
	return rc;
}

static void iso_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A reader: the address (IPv4, or the /64 of IPv6, so that one host's
 * privacy addresses are one reader) and the day, hashed */
static void reader_of(const struct fb_vote *v, const char *now, char out[17])
{
	unsigned char k[1 + 8 + 10];

	memset(k, 0, sizeof(k));
	k[0] = (unsigned char)v->family;
	memcpy(k + 1, v->addr, v->family == 4 ? 4 : 8);
	memcpy(k + 9, now, 10); /* 2026-12-03 */
	snprintf(out, 17, "%016llx", (unsigned long long)srv_siphash(client_key, k, sizeof(k)));
}

/* Stores a batch in one transaction; sets each vote's rc (PD_ENOTFOUND: a
 * reason without a vote). Returns 0 or why the batch failed. */
static int store(struct fb_vote *batch, const char *now, char *err, size_t errlen)
{
	int rc = be->begin(wdb, err, errlen);

	for (struct fb_vote *v = batch; v && !rc; v = v->next) {
		char reader[17];
		struct db_row row = {
			.port = v->port,
			.reader = reader,
			.vote = v->vote == FB_YES ? "yes" : "no",
			.reason = v->reason >= 0 ? db_reasons[v->reason] : NULL,
			.comment = *v->comment ? v->comment : NULL,
			.time = now,
		};
		reader_of(v, now, reader);
		v->rc = v->explain ? be->put_reason(wdb, &row, err, errlen) : be->put_vote(wdb, &row, err, errlen);
		if (v->rc == PD_ENOTFOUND)
			continue;
		rc = v->rc;
	}
	if (!rc)
		rc = be->commit(wdb, err, errlen);
	if (rc)
		be->rollback(wdb);
	return rc;
}

/* Opens the database anew (writer and readers): it was deleted, replaced
 * or its connection lost */
static int reopen(char *err, size_t errlen)
{
	struct db *w = NULL, *r = NULL;
	int rc = be->open(target, 0, &w, err, errlen);

	if (!rc)
		rc = be->open(target, 1, &r, err, errlen);
	if (rc) {
		be->close(w);
		return rc;
	}
	be->close(wdb);
	wdb = w;
	pthread_mutex_lock(&rmu);
	be->close(rdb);
	rdb = r;
	pthread_mutex_unlock(&rmu);
	atomic_fetch_add(&srv_db_reopens, 1);
	rc = load_client_key(err, errlen);
	if (!rc)
		rc = load_counts(err, errlen);
	return rc;
}

/* Commits a batch where a restart will find it, or fails every vote of it */
static void commit_batch(struct fb_vote *batch)
{
	char err[512] = "", q[512];
	char now[32];
	int rc, lost;

	iso_time(time(NULL), now);
	rc = store(batch, now, err, sizeof(err));
	lost = be->lost(wdb);
	if (!rc && !lost) {
		if (broken)
			cli_error("feedback: votes are stored again in '%s'", fb_display(target, q, sizeof(q)));
		broken = 0;
		return;
	}
	if (lost)
		cli_error("feedback: the database '%s' was deleted or replaced (or its connection lost): opening it anew",
			  fb_display(target, q, sizeof(q)));
	else if (!broken)
		cli_error("feedback: cannot store votes in '%s': %s; opening it anew", fb_display(target, q, sizeof(q)),
			  err);
	if (!reopen(err, sizeof(err)) && !(rc = store(batch, now, err, sizeof(err))) && !be->lost(wdb)) {
		cli_error("feedback: '%s' opened anew; votes are stored there", fb_display(target, q, sizeof(q)));
		broken = 0;
		return;
	}
	if (!broken)
		cli_error("feedback: votes cannot be stored in '%s': %s; answering 503 until they can",
			  fb_display(target, q, sizeof(q)), *err ? err : "the database is gone");
	broken = 1;
	for (struct fb_vote *v = batch; v; v = v->next)
		v->rc = PD_EIO;
}

static void *writer_main(void *arg)
{
	static uint64_t counted[65536 / 64];  /* ports of a batch already counted */

	(void)arg;
	pthread_mutex_lock(&qmu);
	for (;;) {
		struct fb_vote *batch, *next;
		struct timespec until;
		int waited = 0;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += REFRESH_SECONDS;
		while (!qhead && !stopping && !waited)
			waited = pthread_cond_timedwait(&qcond, &qmu, &until) == ETIMEDOUT;
		if (!qhead && stopping)
			break;
		if (!qhead) {
			/* a minute without votes here: other servers' votes,
			 * and a database deleted or replaced meanwhile */
			char err[256] = "", q[512];
			pthread_mutex_unlock(&qmu);
			if (be->lost(wdb)) {
				cli_error("feedback: the database '%s' was deleted or replaced (or its connection lost): "
					  "opening it anew", fb_display(target, q, sizeof(q)));
				if (reopen(err, sizeof(err)))
					cli_error("feedback: cannot open '%s' anew: %s", fb_display(target, q, sizeof(q)),
						  err);
			} else if (!broken) {
				load_counts(err, sizeof(err));
			}
			pthread_mutex_lock(&qmu);
			continue;
		}
		batch = qhead;
		qhead = NULL;
		qtail = &qhead;
		pthread_mutex_unlock(&qmu);
		commit_batch(batch);
		/* the counts of each port of the batch, once */
		for (struct fb_vote *v = batch; v; v = v->next) {
			char err[256];
			if (v->rc || (counted[v->port / 64] & (1ull << (v->port % 64))))
				continue;
			counted[v->port / 64] |= 1ull << (v->port % 64);
			if (be->counts(wdb, (long)v->port, set_count, NULL, err, sizeof(err)))
				cli_error("feedback: cannot count the votes of port %u: %s", v->port, err);
		}
		for (struct fb_vote *v = batch; v; v = v->next)
			counted[v->port / 64] = 0;
		for (struct fb_vote *v = batch; v; v = next) {
			next = v->next; /* done() may free v */
			if (!v->rc) {
				if (!v->explain)
					atomic_fetch_add(&srv_votes[v->vote], 1);
			} else {
				atomic_fetch_add(&srv_vote_failures, 1);
			}
			v->yes = atomic_load(&counts[FB_YES][v->port]);
			v->no = atomic_load(&counts[FB_NO][v->port]);
			v->done(v);
		}
		pthread_mutex_lock(&qmu);
	}
	pthread_mutex_unlock(&qmu);
	return NULL;
}

int fb_open(const char *db_target, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	int rc = PD_EIO;

	if (!(be = db_backend_for(db_target, err, errlen)))
		return PD_ENOTSUP;
	target = strdup(db_target);
	counts[0] = calloc(65536, sizeof(*counts[0]));
	counts[1] = calloc(65536, sizeof(*counts[1]));
	if (!target || !counts[0] || !counts[1]) {
		snprintf(err, errlen, "out of memory");
		rc = PD_ENOMEM;
		goto out;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&qcond, &ca);
	pthread_condattr_destroy(&ca);
	if ((rc = be->open(target, 0, &wdb, err, errlen)) || (rc = load_client_key(err, errlen)) ||
	    (rc = load_counts(err, errlen)) || (rc = be->open(target, 1, &rdb, err, errlen)))
		goto out;
	rc = PD_EIO;
	if (pthread_create(&writer, NULL, writer_main, NULL)) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto out;
	}
	running = 1;
	pthread_mutex_lock(&qmu);
	accepting = 1;
	pthread_mutex_unlock(&qmu);
	rc = 0;
out:
	if (rc)
		fb_close();
	return rc;
}

const char *fb_backend_name(void)
{
	return be ? be->name : "";
}

void fb_stop(void)
{
	pthread_mutex_lock(&qmu);
	stopping = 1;
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qmu);
	if (running) {
		pthread_join(writer, NULL);
		running = 0;
	}
}

void fb_close(void)
{
	fb_stop();
	if (be) {
		be->close(rdb);
		be->close(wdb);
	}
	rdb = wdb = NULL;
	free(target);
	target = NULL;
	free(counts[0]);
	free(counts[1]);
	counts[0] = counts[1] = NULL;
}

int fb_submit(struct fb_vote *v)
{
	int rc = 0;

	if (v->port > 65535)
		return PD_EINVAL;
	v->next = NULL;
	pthread_mutex_lock(&qmu);
	if (!accepting || stopping) {
		rc = PD_EIO;
	} else {
		*qtail = v;
		qtail = &v->next;
		pthread_cond_signal(&qcond);
	}
	pthread_mutex_unlock(&qmu);
	return rc;
}

void fb_counts(unsigned port, unsigned *yes, unsigned *no)
{
	*yes = *no = 0;
	if (port > 65535 || !counts[0])
		return;
	*yes = atomic_load(&counts[FB_YES][port]);
	*no = atomic_load(&counts[FB_NO][port]);
}

static void comment_jw(void *ctx, const struct db_row *r)
{
	struct pd__jw *w = ctx;

	pd__jw_begin_object(w);
	pd__jw_kstr(w, "time", r->time);
	pd__jw_kstr(w, "vote", r->vote);
	pd__jw_kstr(w, "reason", r->reason);
	pd__jw_kstr(w, "comment", r->comment);
	pd__jw_end_object(w);
}

int fb_port_json(unsigned port, size_t max, int publish, struct pd_buf *out)
{
	struct pd__jw w;
	char err[256];
	unsigned yes, no;
	int rc = 0;

	fb_counts(port, &yes, &no);
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kuint(&w, "port", port);
	pd__jw_kuint(&w, "yes", yes);
	pd__jw_kuint(&w, "no", no);
	pd__jw_key(&w, "comments_published");
	pd__jw_bool(&w, publish);
	pd__jw_key(&w, "comments");
	pd__jw_begin_array(&w);
	if (publish) {
		pthread_mutex_lock(&rmu);
		/* a file replaced shows before the query, a connection cut
		 * only when a query fails (and then no row was given) */
		for (int attempt = 0; attempt < 2; attempt++) {
			struct db *r = NULL;
			if (rdb && !be->lost(rdb)) {
				rc = be->latest(rdb, port, (long)max, 0, comment_jw, &w, err, sizeof(err));
				if (!rc || !be->lost(rdb))
					break;
			}
			rc = PD_EIO;
			if (attempt || be->open(target, 1, &r, err, sizeof(err)))
				break;
			be->close(rdb);
			rdb = r;
		}
		pthread_mutex_unlock(&rmu);
	}
	pd__jw_end_array(&w);
	pd__jw_end_object(&w);
	pd_buf_putc(out, '\n');
	return rc ? rc : out->err;
}

/* ---- `portdex feedback`: pages by votes, for the maintainers ---- */

/* A reader's comment for a terminal, on one line: line breaks and tabs as
 * spaces, at most 160 characters, the rest made visible (pd_buf_text). */
static void term_text(struct pd_buf *b, const char *s)
{
	struct pd_buf t = PD_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p && n < 160; p++) {
		n += (*p & 0xc0) != 0x80;
		pd_buf_putc(&t, *p == '\n' || *p == '\t' || *p == '\r' ? ' ' : (char)*p);
	}
	/* do not cut a UTF-8 sequence in two */
	while (*p && (*p & 0xc0) == 0x80)
		pd_buf_putc(&t, (char)*p++);
	pd_buf_text(b, pd_buf_str(&t));
	if (t.err && !b->err)
		b->err = t.err;
	if (*p)
		pd_buf_puts(b, "...");
	pd_buf_release(&t);
}

static const char *service_name(const struct pd_registry *reg, unsigned port)
{
	uint32_t idx[16];
	struct pd_entry e;

	if (!reg)
		return NULL;
	for (int t = 0; t < PD_NPROTO; t++) {
		size_t k = pd_registry_lookup(reg, port, t, idx, 16);
		for (size_t i = 0; i < k && i < 16; i++)
			if (!pd_registry_entry(reg, idx[i], &e) && e.status == PD_ASSIGNED && *e.name)
				return e.name;
	}
	return NULL;
}

static const char *reason_words(const char *code)
{
	for (int i = 0; code && i < DB_NREASONS; i++)
		if (!strcmp(code, db_reasons[i]))
			return db_reason_words[i];
	return code;
}

struct report {
	const struct db_backend *be;
	struct db *db;
	const struct pd_registry *reg;
	int json, n, rc;
	struct pd_buf *b;
	struct pd__jw w;
	char err[512];
};

static void latest_line(void *ctx, const struct db_row *r)
{
	struct report *rp = ctx;
	struct pd_buf *b = rp->b;

	if (rp->json) {
		comment_jw(&rp->w, r);
		return;
	}
	pd_buf_printf(b, "%24s", "");
	pd_buf_text(b, r->time ? r->time : "");
	pd_buf_putc(b, ' ');
	pd_buf_text(b, r->vote ? r->vote : "");
	if (r->reason) {
		pd_buf_puts(b, " (");
		pd_buf_text(b, reason_words(r->reason));
		pd_buf_putc(b, ')');
	}
	if (r->comment) {
		pd_buf_puts(b, ": ");
		term_text(b, r->comment);
	}
	pd_buf_putc(b, '\n');
}

static void page_line(void *ctx, const struct db_page *p)
{
	struct report *rp = ctx;
	struct pd_buf *b = rp->b;
	const char *svc = service_name(rp->reg, p->port);
	size_t width;
	int any = 0;

	if (rp->rc)
		return;
	rp->n++;
	if (rp->json) {
		pd__jw_begin_object(&rp->w);
		pd__jw_kuint(&rp->w, "port", p->port);
		pd__jw_kstr(&rp->w, "service", svc);
		pd__jw_kuint(&rp->w, "yes", p->yes);
		pd__jw_kuint(&rp->w, "no", p->no);
		pd__jw_kuint(&rp->w, "comments", p->comments);
		pd__jw_kstr(&rp->w, "last", p->last);
		pd__jw_key(&rp->w, "reasons");
		pd__jw_begin_object(&rp->w);
		for (int i = 0; i < DB_NREASONS; i++)
			pd__jw_kuint(&rp->w, db_reasons[i], p->reasons[i]);
		pd__jw_end_object(&rp->w);
		pd__jw_key(&rp->w, "latest");
		pd__jw_begin_array(&rp->w);
	} else {
		pd_buf_printf(b, "%5u %5u %5u %8u  ", p->port, p->yes, p->no, p->comments);
		width = b->len;
		pd_buf_text(b, p->last ? p->last : "-");
		width = b->err ? 0 : cli_width(b->s + width);
		pd_buf_printf(b, "%*s  ", width < 20 ? (int)(20 - width) : 0, "");
		pd_buf_text(b, svc ? svc : "-");
		pd_buf_putc(b, '\n');
		for (int i = 0; i < DB_NREASONS; i++) {
			if (!p->reasons[i])
				continue;
			pd_buf_printf(b, "%s%s %u", any++ ? ", " : "                        why: ", db_reason_words[i],
				      p->reasons[i]);
		}
		if (any)
			pd_buf_putc(b, '\n');
	}
	rp->rc = rp->be->latest(rp->db, p->port, 3, 1, latest_line, rp, rp->err, sizeof(rp->err));
	if (rp->json) {
		pd__jw_end_array(&rp->w);
		pd__jw_end_object(&rp->w);
	}
}

int fb_report(const char *path, long top, int json, const struct pd_registry *reg)
{
	struct report rp = { .reg = reg, .json = json };
	struct pd_buf b = PD_BUF_INIT;
	char q[512];
	struct stat st;
	int rc = EXIT_FAILURE_OP;

	rp.b = &b;
	if (!(rp.be = db_backend_for(path, rp.err, sizeof(rp.err))))
		goto fail;
	if (!db_is_url(path) && stat(path, &st)) {
		cli_error("no feedback yet: no database at '%s'", cli_quote(path, q, sizeof(q)));
		return EXIT_NOTHING;
	}
	if (rp.be->open(path, 1, &rp.db, rp.err, sizeof(rp.err)))
		goto fail;
	pd__jw_init(&rp.w, &b);
	if (json) {
		pd__jw_begin_object(&rp.w);
		pd__jw_key(&rp.w, "database");
		pd__jw_str(&rp.w, fb_display(path, q, sizeof(q)));
		pd__jw_key(&rp.w, "pages");
		pd__jw_begin_array(&rp.w);
	} else {
		pd_buf_printf(&b, "%5s %5s %5s %8s  %-20s  %s\n", "port", "yes", "no", "comments", "last vote", "service");
	}
	if (rp.be->pages(rp.db, top, page_line, &rp, rp.err, sizeof(rp.err)) || rp.rc)
		goto fail;
	if (json) {
		pd__jw_end_array(&rp.w);
		pd__jw_end_object(&rp.w);
		pd_buf_putc(&b, '\n');
	}
	if (!rp.n && !json) {
		cli_error("no feedback yet in '%s'", fb_display(path, q, sizeof(q)));
		rc = EXIT_NOTHING;
		goto out;
	}
	rc = cli_write(&b);
	if (!rc && !rp.n)
		rc = EXIT_NOTHING;
	goto out;
fail:
	cli_error("cannot read the feedback database '%s': %s", fb_display(path, q, sizeof(q)), rp.err);
	rc = EXIT_FAILURE_OP;
out:
	if (rp.be)
		rp.be->close(rp.db);
	pd_buf_release(&b);
	return rc;
}
