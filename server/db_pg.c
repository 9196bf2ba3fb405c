/* db_pg.c: feedback in PostgreSQL, through libpq, for several servers
 * behind a load balancer sharing one database.
 *
 * --db postgresql://USER@HOST/DB?... (or postgres://) is libpq's
 * connection URI as it is; a password is better kept in PGPASSWORD or
 * ~/.pgpass than in the command line (the server's messages hide it). A
 * COMMIT that returned is durable with the server's default
 * synchronous_commit = on. The migrations run under an advisory lock, so
 * that servers starting together migrate once. lost() is a connection
 * that libpq reports broken (the server restarted, the backend was
 * terminated): the writer then connects anew and stores the batch again. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "portdex.h"

#define MIGRATION_LOCK 892601  /* pg_advisory_xact_lock key: portdex's port and 01 */

struct db {
	PGconn *c;
};

static const struct {
	const char *name, *sql;
	int nparams;
} stmts[] = {
	{ "put_vote", db_sql_put_vote, 6 },
	{ "put_reason", db_sql_put_reason, 5 },
	{ "counts_all", db_sql_counts_all, 0 },
	{ "counts_one", db_sql_counts_one, 1 },
	{ "pages", db_sql_pages, 1 },
	{ "latest", db_sql_latest, 2 },
	{ "latest_reasons", db_sql_latest_reasons, 2 },
};

/* libpq's message, on one line */
static int fail(struct db *db, const PGresult *r, char *err, size_t errlen, const char *what)
{
	const char *m = r ? PQresultErrorMessage(r) : "";

	if (!*m && db && db->c)
		m = PQerrorMessage(db->c);
	snprintf(err, errlen, "%s: %s", what, *m ? m : "out of memory");
	for (char *p = err; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = *(p + 1) ? ' ' : '\0';
	return PD_EIO;
}

static int exec_sql(struct db *db, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(db->c, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail(db, r, err, errlen, "the database refused");
	PQclear(r);
	return rc;
}

static int version(struct db *db, int *v, char *err, size_t errlen)
{
	PGresult *r = PQexec(db->c, "SELECT to_regclass('schema_version') IS NOT NULL");
	int rc = 0;

	*v = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		rc = fail(db, r, err, errlen, "schema version");
		goto out;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "t"))
		goto out;
	PQclear(r);
	r = PQexec(db->c, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		rc = fail(db, r, err, errlen, "schema version");
	else
		*v = atoi(PQgetvalue(r, 0, 0));
out:
	PQclear(r);
	return rc;
}

static int migrate(struct db *db, char *err, size_t errlen)
{
	char sql[128];
	int rc;

	if (exec_sql(db, "BEGIN", err, errlen))
		return PD_EIO;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d)", MIGRATION_LOCK);
	rc = exec_sql(db, sql, err, errlen);
	if (!rc)
		rc = db_migrate_steps(db, exec_sql, version, err, errlen);
	if (rc)
		exec_sql(db, "ROLLBACK", sql, sizeof(sql));
	return rc;
}

static void p_close(struct db *db)
{
	if (!db)
		return;
	PQfinish(db->c);
	free(db);
}

static void nothing(void *arg, const char *message)
{
	(void)arg, (void)message;
}

static int p_open(const char *uri, int readonly, struct db **out, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));
	int rc = PD_EIO, v;

	*out = NULL;
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return PD_ENOMEM;
	}
	db->c = PQconnectdb(uri);
	if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
		fail(db, NULL, err, errlen, "cannot connect");
		goto out;
	}
	/* a server's messages (NOTICE) are not ours to print */
	PQsetNoticeProcessor(db->c, nothing, NULL);
	if (exec_sql(db, "SET client_min_messages = warning", err, errlen))
		goto out;
	if (PQsetClientEncoding(db->c, "UTF8")) {
		fail(db, NULL, err, errlen, "cannot talk UTF-8");
		goto out;
	}
	/* comments are UTF-8, and their length is counted in characters */
	if (strcmp(PQparameterStatus(db->c, "server_encoding") ? PQparameterStatus(db->c, "server_encoding") : "",
		   "UTF8")) {
		snprintf(err, errlen, "the database's encoding is %s, not UTF8 (createdb -E UTF8 -T template0)",
			 PQparameterStatus(db->c, "server_encoding") ? PQparameterStatus(db->c, "server_encoding")
								     : "unknown");
		rc = PD_EINVAL;
		goto out;
	}
	if (!readonly) {
		if ((rc = migrate(db, err, errlen)))
			goto out;
		rc = PD_EIO;
	} else {
		if ((rc = version(db, &v, err, errlen)) || (rc = db_version_readable(v, err, errlen)))
			goto out;
	}
	for (size_t i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		PGresult *r = PQprepare(db->c, stmts[i].name, stmts[i].sql, stmts[i].nparams, NULL);
		int bad = PQresultStatus(r) != PGRES_COMMAND_OK;
		if (bad)
			fail(db, r, err, errlen, "cannot prepare a statement");
		PQclear(r);
		if (bad)
			goto out;
	}
	*out = db;
	db = NULL;
	rc = 0;
out:
	p_close(db);
	return rc;
}

static int p_lost(struct db *db)
{
	return PQstatus(db->c) != CONNECTION_OK;
}

static int p_begin(struct db *db, char *err, size_t errlen)
{
	return exec_sql(db, "BEGIN", err, errlen);
}

static int p_commit(struct db *db, char *err, size_t errlen)
{
	PGresult *r = PQexec(db->c, "COMMIT");
	int rc = 0;

	/* a COMMIT of a failed transaction answers ROLLBACK: not stored */
	if (PQresultStatus(r) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(r), "COMMIT"))
		rc = fail(db, r, err, errlen, "commit failed");
	PQclear(r);
	return rc;
}

static void p_rollback(struct db *db)
{
	PQclear(PQexec(db->c, "ROLLBACK"));
}

/* Runs a prepared statement; *res gets its result (caller clears) */
static int run(struct db *db, const char *name, int n, const char *const *vals, int want_rows, PGresult **res,
	       char *err, size_t errlen)
{
	PGresult *r = PQexecPrepared(db->c, name, n, vals, NULL, NULL, 0);

	*res = r;
	if (PQresultStatus(r) != (want_rows ? PGRES_TUPLES_OK : PGRES_COMMAND_OK))
		return fail(db, r, err, errlen, want_rows ? "cannot read votes" : "cannot store a vote");
	return 0;
}

static int p_put_vote(struct db *db, const struct db_row *row, char *err, size_t errlen)
{
	char port[8];
	const char *vals[6] = { port, row->reader, row->vote, row->reason, row->comment, row->time };
	PGresult *r;
	int rc;

	snprintf(port, sizeof(port), "%u", row->port);
	rc = run(db, "put_vote", 6, vals, 0, &r, err, errlen);
	PQclear(r);
	return rc;
}

static int p_put_reason(struct db *db, const struct db_row *row, char *err, size_t errlen)
{
	char port[8];
	const char *vals[5] = { port, row->reader, row->reason, row->comment, row->time };
	PGresult *r;
	int rc;

	snprintf(port, sizeof(port), "%u", row->port);
	rc = run(db, "put_reason", 5, vals, 0, &r, err, errlen);
	if (!rc && !strcmp(PQcmdTuples(r), "0"))
		rc = PD_ENOTFOUND;
	PQclear(r);
	return rc;
}

static unsigned uval(const PGresult *r, int row, int col)
{
	return (unsigned)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static const char *sval(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static int p_counts(struct db *db, long port, db_count_fn fn, void *ctx, char *err, size_t errlen)
{
	char p[16];
	const char *vals[1] = { p };
	PGresult *r;
	int rc;

	snprintf(p, sizeof(p), "%ld", port);
	rc = run(db, port < 0 ? "counts_all" : "counts_one", port < 0 ? 0 : 1, vals, 1, &r, err, errlen);
	for (int i = 0; !rc && i < PQntuples(r); i++)
		fn(ctx, uval(r, i, 0), uval(r, i, 1), uval(r, i, 2));
	PQclear(r);
	return rc;
}

static int p_client_key(struct db *db, const char *fresh, char out[33], char *err, size_t errlen)
{
	const char *vals[1] = { fresh };
	PGresult *r = PQexecParams(db->c, db_sql_key_put, 1, NULL, vals, NULL, NULL, 0);
	int rc = PD_EIO;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(r);
	r = PQexec(db->c, db_sql_key_get);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || strlen(PQgetvalue(r, 0, 0)) != 32)
		goto fail;
	memcpy(out, PQgetvalue(r, 0, 0), 33);
	rc = 0;
	goto out;
fail:
	fail(db, r, err, errlen, "cannot read the client key");
out:
	PQclear(r);
	return rc;
}

static int p_pages(struct db *db, long top, db_page_fn fn, void *ctx, char *err, size_t errlen)
{
	char t[24];
	const char *vals[1] = { t };
	PGresult *r;
	int rc;

	snprintf(t, sizeof(t), "%ld", top);
	rc = run(db, "pages", 1, vals, 1, &r, err, errlen);
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		struct db_page p = { .port = uval(r, i, 0), .yes = uval(r, i, 1), .no = uval(r, i, 2),
				     .comments = uval(r, i, 3), .last = sval(r, i, 4) };
		for (int k = 0; k < DB_NREASONS; k++)
			p.reasons[k] = uval(r, i, 5 + k);
		fn(ctx, &p);
	}
	PQclear(r);
	return rc;
}

static int p_latest(struct db *db, unsigned port, long max, int reasons, db_row_fn fn, void *ctx, char *err,
		    size_t errlen)
{
	char p[8], m[24];
	const char *vals[2] = { p, m };
	PGresult *r;
	int rc;

	snprintf(p, sizeof(p), "%u", port);
	snprintf(m, sizeof(m), "%ld", max);
	rc = run(db, reasons ? "latest_reasons" : "latest", 2, vals, 1, &r, err, errlen);
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		struct db_row row = { .port = port, .time = sval(r, i, 0), .vote = sval(r, i, 1),
				      .reason = sval(r, i, 2), .comment = sval(r, i, 3) };
		fn(ctx, &row);
	}
	PQclear(r);
	return rc;
}

const struct db_backend db_pg = {
	.name = "PostgreSQL",
	.open = p_open,
	.close = p_close,
	.lost = p_lost,
	.begin = p_begin,
	.commit = p_commit,
	.rollback = p_rollback,
	.put_vote = p_put_vote,
	.put_reason = p_put_reason,
	.counts = p_counts,
	.client_key = p_client_key,
	.pages = p_pages,
	.latest = p_latest,
};
