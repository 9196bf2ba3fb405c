/* db.h: where feedback is kept. One interface, two backends: db_sqlite.c
 * (a file, the embedded default) and db_pg.c (PostgreSQL through libpq),
 * chosen by the --db value: postgresql://... or postgres://... is a
 * PostgreSQL connection URI, anything else a file name. Both keep the same
 * tables, made and changed by the same numbered migrations (db.c), run in
 * one transaction at open. A connection is used by one thread at a time.
 * Errors: 0 or a negative PD_E* code, with a one-line reason in err. */
#ifndef PD_DB_H
#define PD_DB_H

#include <stddef.h>

struct db;

/* One reader's vote on one page (a row of the vote table). Strings are
 * NUL-terminated; reason and comment may be NULL. */
struct db_row {
	unsigned port;
	const char *reader;          /* SipHash of the address and the day, 16 hex digits */
	const char *vote;            /* "yes" or "no" */
	const char *reason;          /* a code of fb_reasons, or NULL */
	const char *comment;         /* UTF-8, or NULL */
	const char *time;            /* UTC, 2026-12-03T07:00:00Z */
};

#define DB_NREASONS 4

/* A page in `portdex feedback` */
struct db_page {
	unsigned port, yes, no, comments;
	unsigned reasons[DB_NREASONS];   /* in the order of db_reasons */
	const char *last;                /* the time of the latest vote */
};

typedef void (*db_count_fn)(void *ctx, unsigned port, unsigned yes, unsigned no);
typedef void (*db_page_fn)(void *ctx, const struct db_page *p);
typedef void (*db_row_fn)(void *ctx, const struct db_row *r);

struct db_backend {
	const char *name;            /* "SQLite", "PostgreSQL" */
	/* Opens target; read-write runs the migrations (and makes a file's
	 * directory), read-only refuses a schema this program does not know. */
	int (*open)(const char *target, int readonly, struct db **out, char *err, size_t errlen);
	void (*close)(struct db *db);
	/* 1 when what this connection writes would not be found by a restart:
	 * the file was deleted or replaced, the server's connection is gone */
	int (*lost)(struct db *db);
	int (*begin)(struct db *db, char *err, size_t errlen);
	int (*commit)(struct db *db, char *err, size_t errlen);
	void (*rollback)(struct db *db);
	/* Inserts the vote of (port, reader), or replaces it whole */
	int (*put_vote)(struct db *db, const struct db_row *r, char *err, size_t errlen);
	/* Sets the reason and comment of (port, reader)'s vote; PD_ENOTFOUND when
	 * there is none */
	int (*put_reason)(struct db *db, const struct db_row *r, char *err, size_t errlen);
	/* The counts of one port (port >= 0) or of every port voted on (-1) */
	int (*counts)(struct db *db, long port, db_count_fn fn, void *ctx, char *err, size_t errlen);
	/* The key for reader hashes, kept in meta: fresh (32 hex digits) is
	 * stored unless one is there; the stored one is put in out */
	int (*client_key)(struct db *db, const char *fresh, char out[33], char *err, size_t errlen);
	/* Pages by votes, most first, then by no votes, then by port */
	int (*pages)(struct db *db, long top, db_page_fn fn, void *ctx, char *err, size_t errlen);
	/* The latest votes of port with a comment (or, with reasons, a reason
	 * too), newest first */
	int (*latest)(struct db *db, unsigned port, long max, int reasons, db_row_fn fn, void *ctx, char *err,
		      size_t errlen);
};

extern const struct db_backend db_sqlite;
#ifdef PD_HAVE_LIBPQ
extern const struct db_backend db_pg;
#endif

/* 1 when target is a PostgreSQL URI (postgresql:// or postgres://) */
int db_is_url(const char *target);
/* The backend of target; NULL (with err) for a URI when built without libpq */
const struct db_backend *db_backend_for(const char *target, char *err, size_t errlen);

/* ---- db.c: what both backends share ---- */

/* The migrations, in order: migration i + 1 brings the schema from
 * version i to i + 1. Both dialects take the same SQL. */
extern const char *const db_migrations[];
extern const int db_schema_version;     /* the number of migrations */
/* Brings the schema up to db_schema_version inside the transaction the
 * backend began (and locked): makes schema_version, reads the version with
 * version(), refuses a newer schema (PD_EINVAL), runs each migration and
 * records it with exec(), then COMMITs. 0, or what failed with err set;
 * the caller rolls back. */
/* 0 when a schema of version v can be read without migrating it, else
 * PD_EINVAL with err saying why (for `portdex feedback`, which reads only) */
int db_version_readable(int v, char *err, size_t errlen);
int db_migrate_steps(struct db *db, int (*exec)(struct db *, const char *, char *, size_t),
		     int (*version)(struct db *, int *, char *, size_t), char *err, size_t errlen);
/* The reason codes the vote table takes, and their words */
extern const char *const db_reasons[DB_NREASONS];
extern const char *const db_reason_words[DB_NREASONS];
/* The SQL both dialects share ($1, $2... parameters) */
extern const char db_sql_put_vote[], db_sql_put_reason[], db_sql_counts_all[], db_sql_counts_one[],
	db_sql_key_put[], db_sql_key_get[], db_sql_pages[], db_sql_latest[], db_sql_latest_reasons[];

#endif
