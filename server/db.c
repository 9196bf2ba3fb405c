/* db.c: the schema, its migrations and the SQL that both backends run.
 *
 * Version 1 is the first table of the server (one row per vote). Version
 * 2 keeps one row per reader per page per day: the reader is a SipHash of
 * the address (an IPv6 /64) and the day under a key kept in meta, and a
 * later vote of the same reader on the same page that day replaces the
 * earlier one (an upsert on the primary key). The version-1 rows are
 * carried over, the last of a client's votes on a page in a day winning.
 * The SQL is written once for SQLite and PostgreSQL ($N parameters,
 * ON CONFLICT, CASE instead of boolean sums). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "portdex.h"

const char *const db_migrations[] = {
	/* 1: as the first server made it (IF NOT EXISTS: a database of
	 * that server has these tables and no schema_version) */
	"CREATE TABLE IF NOT EXISTS feedback ("
	" id INTEGER PRIMARY KEY,"
	" port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
	" vote TEXT NOT NULL CHECK (vote IN ('yes', 'no')),"
	" comment TEXT CHECK (comment IS NULL OR length(comment) <= 500),"
	" time TEXT NOT NULL,"
	" client TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS feedback_port ON feedback (port, id);"
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
	/* 2: one vote per reader per page per day, with a reason */
	"CREATE TABLE vote ("
	" port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
	" reader TEXT NOT NULL,"
	" vote TEXT NOT NULL CHECK (vote IN ('yes', 'no')),"
	" reason TEXT CHECK (reason IS NULL OR reason IN ('outdated', 'wrong', 'missing', 'hard-to-read')),"
	" comment TEXT CHECK (comment IS NULL OR length(comment) <= 500),"
	" time TEXT NOT NULL,"
	" PRIMARY KEY (port, reader));"
	"CREATE INDEX vote_time ON vote (port, time);"
	"INSERT INTO vote (port, reader, vote, comment, time)"
	" SELECT port, client || '-' || substr(time, 1, 10), vote, comment, time FROM feedback"
	" WHERE id IN (SELECT max(id) FROM feedback GROUP BY port, client, substr(time, 1, 10));"
	"DROP TABLE feedback;",
	NULL,
};
const int db_schema_version = (int)(sizeof(db_migrations) / sizeof(db_migrations[0])) - 1;

const char *const db_reasons[DB_NREASONS] = { "outdated", "wrong", "missing", "hard-to-read" };
const char *const db_reason_words[DB_NREASONS] = { "out of date", "wrong", "missing something", "hard to read" };

const char db_sql_put_vote[] =
	"INSERT INTO vote (port, reader, vote, reason, comment, time) VALUES ($1, $2, $3, $4, $5, $6)"
	" ON CONFLICT (port, reader) DO UPDATE SET vote = excluded.vote, reason = excluded.reason,"
	" comment = excluded.comment, time = excluded.time";
const char db_sql_put_reason[] =
	"UPDATE vote SET reason = $3, comment = $4, time = $5 WHERE port = $1 AND reader = $2";
#define COUNTS "SELECT port, sum(CASE WHEN vote = 'yes' THEN 1 ELSE 0 END)," \
	       " sum(CASE WHEN vote = 'no' THEN 1 ELSE 0 END) FROM vote"
const char db_sql_counts_all[] = COUNTS " GROUP BY port";
const char db_sql_counts_one[] = COUNTS " WHERE port = $1 GROUP BY port";
const char db_sql_key_put[] = "INSERT INTO meta (key, value) VALUES ('client_key', $1) ON CONFLICT (key) DO NOTHING";
const char db_sql_key_get[] = "SELECT value FROM meta WHERE key = 'client_key'";
#define REASON(r) " sum(CASE WHEN reason = '" r "' THEN 1 ELSE 0 END)"
const char db_sql_pages[] =
	"SELECT port, sum(CASE WHEN vote = 'yes' THEN 1 ELSE 0 END), sum(CASE WHEN vote = 'no' THEN 1 ELSE 0 END),"
	" count(comment), max(time)," REASON("outdated") "," REASON("wrong") "," REASON("missing") ","
	REASON("hard-to-read") " FROM vote GROUP BY port"
	" ORDER BY count(*) DESC, sum(CASE WHEN vote = 'no' THEN 1 ELSE 0 END) DESC, port LIMIT $1";
const char db_sql_latest[] =
	"SELECT time, vote, reason, comment FROM vote WHERE port = $1 AND comment IS NOT NULL"
	" ORDER BY time DESC, reader LIMIT $2";
const char db_sql_latest_reasons[] =
	"SELECT time, vote, reason, comment FROM vote WHERE port = $1 AND (comment IS NOT NULL OR reason IS NOT NULL)"
	" ORDER BY time DESC, reader LIMIT $2";

int db_is_url(const char *target)
{
	return !strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11);
}

const struct db_backend *db_backend_for(const char *target, char *err, size_t errlen)
{
	size_t scheme = strspn(target, "abcdefghijklmnopqrstuvwxyz0123456789+.-");

	if (!db_is_url(target) && scheme && !strncmp(target + scheme, "://", 3)) {
		/* mysql://..., sqlite://...: not a file to make */
		if (errlen)
			snprintf(err, errlen, "not a file name or a postgresql:// URI");
		return NULL;
	}
	if (!db_is_url(target))
		return &db_sqlite;
#ifdef PD_HAVE_LIBPQ
	(void)err, (void)errlen;
	return &db_pg;
#else
	if (errlen)
		snprintf(err, errlen, "this portdex-serve was built without libpq (PostgreSQL)");
	return NULL;
#endif
}

int db_migrate_steps(struct db *db, int (*exec)(struct db *, const char *, char *, size_t),
		     int (*version)(struct db *, int *, char *, size_t), char *err, size_t errlen)
{
	char sql[96];
	int v, rc;

	if ((rc = exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", err, errlen)) ||
	    (rc = version(db, &v, err, errlen)))
		return rc;
	if (v > db_schema_version) {
		snprintf(err, errlen, "its schema is version %d, newer than this portdex's (%d)", v, db_schema_version);
		return PD_EINVAL;
	}
	for (; v < db_schema_version; v++) {
		char why[256];
		if ((rc = exec(db, db_migrations[v], why, sizeof(why)))) {
			snprintf(err, errlen, "migration %d: %s", v + 1, why);
			return rc;
		}
		snprintf(sql, sizeof(sql), "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)", v + 1);
		if ((rc = exec(db, sql, err, errlen)))
			return rc;
	}
	return exec(db, "COMMIT", err, errlen);
}

int db_version_readable(int v, char *err, size_t errlen)
{
	if (v == db_schema_version)
		return 0;
	snprintf(err, errlen, "its schema is version %d, this portdex reads version %d%s", v, db_schema_version,
		 v < db_schema_version ? " (portdex serve on it migrates it)" : "");
	return PD_EINVAL;
}
