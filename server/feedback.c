/* feedback.c: "was this page helpful?" votes in SQLite.
 *
 * Durability: the database is in WAL mode with synchronous=FULL, and a
 * vote is acknowledged (the HTTP answer is sent) only after the COMMIT that
 * holds it returned. One writer thread owns the writing connection and
 * commits whatever votes queued up while the previous commit was syncing,
 * in one transaction (group commit): one fsync for many votes, and the
 * threads that serve pages never wait for the disk. Counts are kept in
 * memory, loaded at start and raised after each commit. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "cli.h"
#include "server.h"

static sqlite3 *wdb;                  /* the writer's connection */
static sqlite3 *rdb;                  /* readers' connection, under rmu */
static pthread_mutex_t rmu = PTHREAD_MUTEX_INITIALIZER;
static sqlite3_stmt *latest_stmt;

static pthread_t writer;
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct fb_vote *qhead, **qtail = &qhead;
static int running;             /* the writer thread exists (main thread only) */
static int accepting, stopping;  /* under qmu */

static _Atomic uint32_t *counts[2];   /* [FB_NO], [FB_YES]: one per port */
static unsigned char client_key[16];

atomic_ulong srv_votes[2], srv_vote_failures;

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS feedback ("
	" id INTEGER PRIMARY KEY,"
	" port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
	" vote TEXT NOT NULL CHECK (vote IN ('yes', 'no')),"
	" comment TEXT CHECK (comment IS NULL OR length(comment) <= 500),"
	" time TEXT NOT NULL,"     /* UTC, 2026-11-22T10:00:00Z */
	" client TEXT NOT NULL"    /* SipHash of the client's address under meta.client_key */
	");"
	"CREATE INDEX IF NOT EXISTS feedback_port ON feedback (port, id);"
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

int fb_default_path(struct pd_buf *out)
{
	int rc = pd_data_dir(out);

	if (rc)
		return rc;
	pd_buf_puts(out, "/feedback.db");
	return out->err;
}

/* mkdir -p of the directory that holds path */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *p;
	int rc = 0;

	if (!dir)
		return PD_ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			rc = PD_EIO;
			goto out;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		rc = PD_EIO;
out:
	free(dir);
	return rc;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return PD_EIO;
}

static int hexdigit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The database's key for client hashes: made once, kept in meta. */
static int load_client_key(char *err, size_t errlen)
{
	unsigned char k[16];
	char hex[33], sql[128];
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int rc = PD_EIO;

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		snprintf(err, errlen, "no random numbers: %s", strerror(errno));
		return PD_EIO;
	}
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", k[i]);
	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO meta VALUES ('client_key', '%s')", hex);
	if (exec_sql(wdb, sql, err, errlen))
		return PD_EIO;
	if (sqlite3_prepare_v2(wdb, "SELECT value FROM meta WHERE key = 'client_key'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || !(v = sqlite3_column_text(st, 0)) || strlen((const char *)v) != 32) {
		snprintf(err, errlen, "cannot read the client key: %s", sqlite3_errmsg(wdb));
		goto out;
	}
	for (int i = 0; i < 16; i++) {
		int hi = hexdigit(v[2 * i]), lo = hexdigit(v[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "the client key in the database is not hex");
			goto out;
		}
		client_key[i] = (unsigned char)(hi << 4 | lo);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int load_counts(char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(wdb, "SELECT port, vote = 'yes', count(*) FROM feedback GROUP BY port, vote", -1, &st,
			       NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(wdb));
		return PD_EIO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 port = sqlite3_column_int64(st, 0);
		if (port >= 0 && port <= 65535)
			atomic_store(&counts[sqlite3_column_int(st, 1) ? FB_YES : FB_NO][port],
				     (uint32_t)sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(wdb));
		return PD_EIO;
	}
	return 0;
}

static void iso_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Inserts a batch in one transaction; sets each vote's rc. */
static void commit_batch(struct fb_vote *batch, sqlite3_stmt *ins)
{
	char now[32], client[17];
	char err[256] = "";
	int ok = !exec_sql(wdb, "BEGIN IMMEDIATE", err, sizeof(err));

	iso_time(time(NULL), now);
	for (struct fb_vote *v = batch; v; v = v->next) {
		unsigned char k[17];
		v->rc = PD_EIO;
		if (!ok)
			continue;
		k[0] = (unsigned char)v->family;
		memcpy(k + 1, v->addr, 16);
		snprintf(client, sizeof(client), "%016llx", (unsigned long long)srv_siphash(client_key, k, sizeof(k)));
		sqlite3_reset(ins);
		sqlite3_bind_int(ins, 1, (int)v->port);
		sqlite3_bind_text(ins, 2, v->vote == FB_YES ? "yes" : "no", -1, SQLITE_STATIC);
		if (*v->comment)
			sqlite3_bind_text(ins, 3, v->comment, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 3);
		sqlite3_bind_text(ins, 4, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, client, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) == SQLITE_DONE)
			v->rc = 0;
		else
			cli_error("feedback: cannot store a vote: %s", sqlite3_errmsg(wdb));
		sqlite3_clear_bindings(ins);
	}
	sqlite3_reset(ins);
	if (ok && exec_sql(wdb, "COMMIT", err, sizeof(err))) {
		ok = 0;
		exec_sql(wdb, "ROLLBACK", err, sizeof(err));
	}
	if (!ok) {
		cli_error("feedback: commit failed: %s", err);
		for (struct fb_vote *v = batch; v; v = v->next)
			v->rc = PD_EIO;
	}
}

static void *writer_main(void *arg)
{
	sqlite3_stmt *ins = arg;

	pthread_mutex_lock(&qmu);
	for (;;) {
		struct fb_vote *batch, *next;
		while (!qhead && !stopping)
			pthread_cond_wait(&qcond, &qmu);
		if (!qhead)
			break;
		batch = qhead;
		qhead = NULL;
		qtail = &qhead;
		pthread_mutex_unlock(&qmu);
		commit_batch(batch, ins);
		for (struct fb_vote *v = batch; v; v = next) {
			next = v->next; /* done() may free v */
			if (!v->rc) {
				atomic_fetch_add(&counts[v->vote][v->port], 1);
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
	sqlite3_finalize(ins);
	return NULL;
}

static int open_db(const char *path, int flags, sqlite3 **db, char *err, size_t errlen)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", *db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return PD_EIO;
	}
	sqlite3_busy_timeout(*db, 10000);
	sqlite3_extended_result_codes(*db, 1);
	return 0;
}

int fb_open(const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *ins = NULL, *st = NULL;
	const unsigned char *mode;
	int rc = PD_EIO;

	counts[0] = calloc(65536, sizeof(*counts[0]));
	counts[1] = calloc(65536, sizeof(*counts[1]));
	if (!counts[0] || !counts[1]) {
		snprintf(err, errlen, "out of memory");
		return PD_ENOMEM;
	}
	if (make_parent(path)) {
		snprintf(err, errlen, "cannot create its directory: %s", strerror(errno));
		return PD_EIO;
	}
	if (open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, &wdb, err, errlen))
		return PD_EIO;
	/* WAL: readers never wait for the writer; FULL: the WAL is synced at
	 * every commit, so a committed vote survives a power cut */
	if (sqlite3_prepare_v2(wdb, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || !(mode = sqlite3_column_text(st, 0)) ||
	    strcmp((const char *)mode, "wal")) {
		snprintf(err, errlen, "cannot use WAL mode: %s", sqlite3_errmsg(wdb));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (exec_sql(wdb, "PRAGMA synchronous = FULL", err, errlen) || exec_sql(wdb, schema, err, errlen) ||
	    load_client_key(err, errlen) || load_counts(err, errlen))
		goto out;
	if (sqlite3_prepare_v2(wdb, "INSERT INTO feedback (port, vote, comment, time, client) VALUES (?, ?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(wdb));
		goto out;
	}
	if (open_db(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, &rdb, err, errlen))
		goto out;
	if (sqlite3_prepare_v2(rdb, "SELECT time, vote, comment FROM feedback WHERE port = ? AND comment IS NOT NULL "
				    "ORDER BY id DESC LIMIT ?", -1, &latest_stmt, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(rdb));
		goto out;
	}
	if (pthread_create(&writer, NULL, writer_main, ins)) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto out;
	}
	ins = NULL;
	running = 1;
	pthread_mutex_lock(&qmu);
	accepting = 1;
	pthread_mutex_unlock(&qmu);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	if (rc)
		fb_close();
	return rc;
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
	sqlite3_finalize(latest_stmt);
	latest_stmt = NULL;
	sqlite3_close(rdb);
	sqlite3_close(wdb);
	rdb = wdb = NULL;
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

int fb_port_json(unsigned port, size_t max, struct pd_buf *out)
{
	unsigned yes, no;
	int rc, n = 0;

	fb_counts(port, &yes, &no);
	pd_buf_printf(out, "{\"port\":%u,\"yes\":%u,\"no\":%u,\"comments\":[", port, yes, no);
	pthread_mutex_lock(&rmu);
	sqlite3_reset(latest_stmt);
	sqlite3_bind_int(latest_stmt, 1, (int)port);
	sqlite3_bind_int64(latest_stmt, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(latest_stmt)) == SQLITE_ROW) {
		pd_buf_puts(out, n++ ? ",{\"time\":" : "{\"time\":");
		pd_buf_json_str(out, (const char *)sqlite3_column_text(latest_stmt, 0));
		pd_buf_puts(out, ",\"vote\":");
		pd_buf_json_str(out, (const char *)sqlite3_column_text(latest_stmt, 1));
		pd_buf_puts(out, ",\"comment\":");
		pd_buf_json_str(out, (const char *)sqlite3_column_text(latest_stmt, 2));
		pd_buf_putc(out, '}');
	}
	sqlite3_reset(latest_stmt);
	pthread_mutex_unlock(&rmu);
	pd_buf_puts(out, "]}\n");
	if (rc != SQLITE_DONE)
		return PD_EIO;
	return out->err;
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

int fb_report(const char *path, long top, int json, const struct pd_registry *reg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *pages = NULL, *latest = NULL;
	struct pd_buf b = PD_BUF_INIT;
	char err[512] = "", q[256];
	struct stat st;
	size_t width;
	int rc = EXIT_FAILURE_OP, n = 0, step;

	if (stat(path, &st)) {
		cli_error("no feedback yet: no database at '%s'", cli_quote(path, q, sizeof(q)));
		return EXIT_NOTHING;
	}
	if (open_db(path, SQLITE_OPEN_READONLY, &db, err, sizeof(err)))
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT port, sum(vote = 'yes'), sum(vote = 'no'), count(comment), max(time) "
				   "FROM feedback GROUP BY port ORDER BY count(*) DESC, sum(vote = 'no') DESC, port "
				   "LIMIT ?", -1, &pages, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT time, vote, comment FROM feedback WHERE port = ? AND comment IS NOT NULL "
				   "ORDER BY id DESC LIMIT 3", -1, &latest, NULL) != SQLITE_OK) {
		snprintf(err, sizeof(err), "%s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_int64(pages, 1, top);
	if (json)
		pd_buf_puts(&b, "{\"database\":");
	if (json) {
		pd_buf_json_str(&b, path);
		pd_buf_puts(&b, ",\"pages\":[");
	} else {
		pd_buf_printf(&b, "%5s %5s %5s %8s  %-20s  %s\n", "port", "yes", "no", "comments", "last vote", "service");
	}
	while ((step = sqlite3_step(pages)) == SQLITE_ROW) {
		unsigned port = (unsigned)sqlite3_column_int(pages, 0);
		const char *svc = service_name(reg, port);
		const char *last = (const char *)sqlite3_column_text(pages, 4);
		int c = 0;
		if (json) {
			pd_buf_printf(&b, "%s{\"port\":%u,\"service\":", n ? "," : "", port);
			pd_buf_json_str(&b, svc);
			pd_buf_printf(&b, ",\"yes\":%d,\"no\":%d,\"comments\":%d,\"last\":", sqlite3_column_int(pages, 1),
				      sqlite3_column_int(pages, 2), sqlite3_column_int(pages, 3));
			pd_buf_json_str(&b, last);
			pd_buf_puts(&b, ",\"latest\":[");
		} else {
			pd_buf_printf(&b, "%5u %5d %5d %8d  ", port, sqlite3_column_int(pages, 1),
				      sqlite3_column_int(pages, 2), sqlite3_column_int(pages, 3));
			width = b.len;
			pd_buf_text(&b, last ? last : "-");
			width = b.err ? 0 : cli_width(b.s + width);
			pd_buf_printf(&b, "%*s  ", width < 20 ? (int)(20 - width) : 0, "");
			pd_buf_text(&b, svc ? svc : "-");
			pd_buf_putc(&b, '\n');
		}
		sqlite3_reset(latest);
		sqlite3_bind_int(latest, 1, (int)port);
		while (sqlite3_step(latest) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(latest, 0);
			const char *v = (const char *)sqlite3_column_text(latest, 1);
			const char *text = (const char *)sqlite3_column_text(latest, 2);
			if (json) {
				pd_buf_puts(&b, c++ ? ",{\"time\":" : "{\"time\":");
				pd_buf_json_str(&b, t);
				pd_buf_puts(&b, ",\"vote\":");
				pd_buf_json_str(&b, v);
				pd_buf_puts(&b, ",\"comment\":");
				pd_buf_json_str(&b, text);
				pd_buf_putc(&b, '}');
			} else {
				pd_buf_printf(&b, "%24s", "");
				pd_buf_text(&b, t ? t : "");
				pd_buf_putc(&b, ' ');
				pd_buf_text(&b, v ? v : "");
				pd_buf_puts(&b, ": ");
				term_text(&b, text ? text : "");
				pd_buf_putc(&b, '\n');
			}
		}
		if (json)
			pd_buf_puts(&b, "]}");
		n++;
	}
	if (step != SQLITE_DONE) {
		snprintf(err, sizeof(err), "%s", sqlite3_errmsg(db));
		goto fail;
	}
	if (json)
		pd_buf_puts(&b, "]}\n");
	if (!n && !json) {
		cli_error("no feedback yet in '%s'", cli_quote(path, q, sizeof(q)));
		rc = EXIT_NOTHING;
		goto out;
	}
	rc = cli_write(&b);
	if (!rc && !n)
		rc = EXIT_NOTHING;
	goto out;
fail:
	cli_error("cannot read the feedback database '%s': %s", cli_quote(path, q, sizeof(q)), err);
	rc = EXIT_FAILURE_OP;
out:
	sqlite3_finalize(pages);
	sqlite3_finalize(latest);
	sqlite3_close(db);
	pd_buf_release(&b);
	return rc;
}
