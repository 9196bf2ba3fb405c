/* db_sqlite.c: feedback in a SQLite file, the embedded default.
 *
 * WAL mode with synchronous=FULL: a COMMIT that returned has synced the
 * WAL, and readers never wait for the writer. The file's device and inode
 * are noted at open; lost() compares them with what the path names now,
 * so that a database deleted or replaced under the server is noticed (the
 * connection would go on writing into the unlinked file, which no restart
 * finds). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "portdex.h"

enum { S_PUT_VOTE, S_PUT_REASON, S_COUNTS_ALL, S_COUNTS_ONE, S_PAGES, S_LATEST, S_LATEST_REASONS, S_COUNT };

struct db {
	sqlite3 *h;
	char *path;
	dev_t dev;
	ino_t ino;
	sqlite3_stmt *st[S_COUNT];
};

static const char *const sql_of[S_COUNT] = {
	db_sql_put_vote, db_sql_put_reason, db_sql_counts_all, db_sql_counts_one, db_sql_pages, db_sql_latest,
	db_sql_latest_reasons,
};

static int fail(struct db *db, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, db && db->h ? sqlite3_errmsg(db->h) : "out of memory");
	return PD_EIO;
}

static int exec_sql(struct db *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db->h));
	sqlite3_free(msg);
	return PD_EIO;
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

/* The schema's version: 0 for a new file (or one of the first server,
 * which had no schema_version table) */
static int version(struct db *db, int *v, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*v = 0;
	rc = sqlite3_prepare_v2(db->h, "SELECT max(version) FROM schema_version", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		/* no such table: version 0 */
		return strstr(sqlite3_errmsg(db->h), "no such table") ? 0 : fail(db, err, errlen, "schema version");
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct db *db, char *err, size_t errlen)
{
	int rc;

	if (exec_sql(db, "BEGIN IMMEDIATE", err, errlen))
		return PD_EIO;
	rc = db_migrate_steps(db, exec_sql, version, err, errlen);
	if (rc)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void s_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

static int s_open(const char *path, int readonly, struct db **out, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	struct stat sb;
	int rc = PD_EIO, v;

	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		rc = PD_ENOMEM;
		goto out;
	}
	if (!readonly && make_parent(path)) {
		snprintf(err, errlen, "cannot create its directory: %s", strerror(errno));
		goto out;
	}
	if (sqlite3_open_v2(path, &db->h,
			    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
				    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(db, err, errlen, "cannot open it");
		goto out;
	}
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_extended_result_codes(db->h, 1);
	if (!readonly) {
		/* WAL: readers never wait for the writer; FULL: the WAL is
		 * synced at every commit, so a committed vote survives a
		 * power cut */
		if (sqlite3_prepare_v2(db->h, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW || !(mode = sqlite3_column_text(st, 0)) ||
		    strcmp((const char *)mode, "wal")) {
			fail(db, err, errlen, "cannot use WAL mode");
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (exec_sql(db, "PRAGMA synchronous = FULL", err, errlen) || (rc = migrate(db, err, errlen)))
			goto out;
		rc = PD_EIO;
	} else {
		if ((rc = version(db, &v, err, errlen)) || (rc = db_version_readable(v, err, errlen)))
			goto out;
	}
	for (int i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v2(db->h, sql_of[i], -1, &db->st[i], NULL) != SQLITE_OK) {
			fail(db, err, errlen, "cannot prepare a statement");
			goto out;
		}
	if (stat(path, &sb)) {
		snprintf(err, errlen, "it is gone: %s", strerror(errno));
		goto out;
	}
	db->dev = sb.st_dev;
	db->ino = sb.st_ino;
	*out = db;
	db = NULL;
	rc = 0;
out:
	sqlite3_finalize(st);
	s_close(db);
	return rc;
}

static int s_lost(struct db *db)
{
	struct stat sb;

	return stat(db->path, &sb) || sb.st_dev != db->dev || sb.st_ino != db->ino;
}

static int s_begin(struct db *db, char *err, size_t errlen)
{
	return exec_sql(db, "BEGIN IMMEDIATE", err, errlen);
}

static int s_commit(struct db *db, char *err, size_t errlen)
{
	return exec_sql(db, "COMMIT", err, errlen);
}

static void s_rollback(struct db *db)
{
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* The index of parameter $n: SQLite numbers "$N" parameters in the order
 * they first appear, not by N */
static int par(sqlite3_stmt *st, int n)
{
	char name[8];

	snprintf(name, sizeof(name), "$%d", n);
	return sqlite3_bind_parameter_index(st, name);
}

static void bind_text(sqlite3_stmt *st, int n, const char *s)
{
	int i = par(st, n);

	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a statement that returns no rows */
static int run(struct db *db, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(db, err, errlen, "cannot store a vote");

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int s_put_vote(struct db *db, const struct db_row *r, char *err, size_t errlen)
{
	sqlite3_stmt *st = db->st[S_PUT_VOTE];

	sqlite3_bind_int(st, par(st, 1), (int)r->port);
	bind_text(st, 2, r->reader);
	bind_text(st, 3, r->vote);
	bind_text(st, 4, r->reason);
	bind_text(st, 5, r->comment);
	bind_text(st, 6, r->time);
	return run(db, st, err, errlen);
}

static int s_put_reason(struct db *db, const struct db_row *r, char *err, size_t errlen)
{
	sqlite3_stmt *st = db->st[S_PUT_REASON];
	int rc;

	sqlite3_bind_int(st, par(st, 1), (int)r->port);
	bind_text(st, 2, r->reader);
	bind_text(st, 3, r->reason);
	bind_text(st, 4, r->comment);
	bind_text(st, 5, r->time);
	rc = run(db, st, err, errlen);
	if (!rc && sqlite3_changes(db->h) == 0)
		rc = PD_ENOTFOUND;
	return rc;
}

/* Steps through the rows of st; one = 1 for the single-row statements */
static int s_counts(struct db *db, long port, db_count_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = db->st[port < 0 ? S_COUNTS_ALL : S_COUNTS_ONE];
	int rc;

	if (port >= 0)
		sqlite3_bind_int(st, par(st, 1), (int)port);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, (unsigned)sqlite3_column_int(st, 0), (unsigned)sqlite3_column_int64(st, 1),
		   (unsigned)sqlite3_column_int64(st, 2));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(db, err, errlen, "cannot count votes");
}

static int s_client_key(struct db *db, const char *fresh, char out[33], char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int rc = PD_EIO;

	if (sqlite3_prepare_v2(db->h, db_sql_key_put, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, par(st, 1), fresh, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->h, db_sql_key_get, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    !(v = sqlite3_column_text(st, 0)) || strlen((const char *)v) != 32)
		goto fail;
	memcpy(out, v, 33);
	rc = 0;
	goto out;
fail:
	fail(db, err, errlen, "cannot read the client key");
out:
	sqlite3_finalize(st);
	return rc;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int s_pages(struct db *db, long top, db_page_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = db->st[S_PAGES];
	int rc;

	sqlite3_bind_int64(st, par(st, 1), top);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_page p = {
			.port = (unsigned)sqlite3_column_int(st, 0),
			.yes = (unsigned)sqlite3_column_int(st, 1),
			.no = (unsigned)sqlite3_column_int(st, 2),
			.comments = (unsigned)sqlite3_column_int(st, 3),
			.last = col(st, 4),
		};
		for (int i = 0; i < DB_NREASONS; i++)
			p.reasons[i] = (unsigned)sqlite3_column_int(st, 5 + i);
		fn(ctx, &p);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(db, err, errlen, "cannot list pages");
}

static int s_latest(struct db *db, unsigned port, long max, int reasons, db_row_fn fn, void *ctx, char *err,
		    size_t errlen)
{
	sqlite3_stmt *st = db->st[reasons ? S_LATEST_REASONS : S_LATEST];
	int rc;

	sqlite3_bind_int(st, par(st, 1), (int)port);
	sqlite3_bind_int64(st, par(st, 2), max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_row r = { .port = port, .time = col(st, 0), .vote = col(st, 1), .reason = col(st, 2),
				    .comment = col(st, 3) };
		fn(ctx, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(db, err, errlen, "cannot read comments");
}

const struct db_backend db_sqlite = {
	.name = "SQLite",
	.open = s_open,
	.close = s_close,
	.lost = s_lost,
	.begin = s_begin,
	.commit = s_commit,
	.rollback = s_rollback,
	.put_vote = s_put_vote,
	.put_reason = s_put_reason,
	.counts = s_counts,
	.client_key = s_client_key,
	.pages = s_pages,
	.latest = s_latest,
};
