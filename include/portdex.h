/* portdex.h: the public API of libportdex.
 *
 * Conventions: functions that can fail return 0 or a negative PD_E* code
 * (pd_strerror() names it); the library never prints, exits or aborts.
 * Strings handed out by a registry live as long as the registry. */
#ifndef PORTDEX_H
#define PORTDEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PD_VERSION "0.1.0"
#define PD_WUR __attribute__((warn_unused_result))

enum pd_error {
	PD_OK = 0,
	PD_ENOMEM = -1,    /* out of memory */
	PD_EINVAL = -2,    /* invalid argument or query */
	PD_EFORMAT = -3,   /* input is not a registry we can read */
	PD_EIO = -4,       /* reading or writing a file failed (errno kept) */
	PD_ENOTFOUND = -5, /* nothing matches */
	PD_EMODULE = -6,   /* an optional module (XML, fetch) is missing */
	PD_EFETCH = -7,    /* downloading failed */
	PD_ETOOBIG = -8,   /* input exceeds a size limit */
};
const char *pd_strerror(int err);

/* ---- string buffer: never NULL-terminated-less, grows, optional cap ---- */
struct pd_buf {
	char *s;      /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	size_t max;   /* 0: no cap; else appends past max fail with PD_ETOOBIG */
	int err;      /* first error seen; later appends are no-ops */
};
#define PD_BUF_INIT {0}
void pd_buf_add(struct pd_buf *b, const char *s, size_t n);
void pd_buf_puts(struct pd_buf *b, const char *s);
void pd_buf_putc(struct pd_buf *b, char c);
void pd_buf_printf(struct pd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pd_buf_json_str(struct pd_buf *b, const char *s); /* adds a quoted, escaped JSON string; NULL: null */
const char *pd_buf_str(const struct pd_buf *b);        /* "" when empty, never NULL */
char *pd_buf_detach(struct pd_buf *b);                 /* caller frees; buffer reset */
void pd_buf_release(struct pd_buf *b);

/* ---- ports, transports, ranges ---- */
enum pd_proto { PD_TCP = 0, PD_UDP = 1, PD_SCTP = 2, PD_DCCP = 3, PD_NPROTO = 4 };
#define PD_PROTO_ANY (-1)
const char *pd_proto_name(int proto);          /* "tcp".."dccp"; "any" for PD_PROTO_ANY */
int pd_proto_parse(const char *s, size_t n);   /* PD_TCP.. or PD_EINVAL */

enum pd_status { PD_UNASSIGNED = 0, PD_RESERVED = 1, PD_ASSIGNED = 2 };
const char *pd_status_name(enum pd_status s);  /* "unassigned", "reserved", "assigned" */

enum pd_class { PD_SYSTEM = 0, PD_USER = 1, PD_DYNAMIC = 2 };
enum pd_class pd_port_class(unsigned port);
const char *pd_class_name(enum pd_class c);      /* "system", "user", "dynamic" */
void pd_class_bounds(enum pd_class c, unsigned *first, unsigned *last);
const char *pd_class_procedure(enum pd_class c); /* RFC 6335 assignment procedure, one sentence */

/* Parses a port number at *cursor (decimal digits only, 0-65535, no sign,
 * no leading blanks) and advances the cursor past it. */
int pd_parse_port(const char **cursor, unsigned *port) PD_WUR;

enum pd_query_kind { PD_Q_PORT, PD_Q_RANGE, PD_Q_NAME };
struct pd_query {
	enum pd_query_kind kind;
	unsigned first, last;   /* PD_Q_PORT: first == last */
	int proto;              /* PD_PROTO_ANY or a pd_proto */
	char name[64];          /* PD_Q_NAME: the service name as given */
};
/* "926", "926/udp", "900-999", "900-999/tcp", "ssh", "ssh/tcp". */
int pd_query_parse(const char *s, struct pd_query *q) PD_WUR;

/* ---- the registry ---- */
struct pd_registry;

/* The snapshot compiled into the library. Never fails except PD_ENOMEM. */
int pd_registry_open_default(struct pd_registry **out) PD_WUR;
/* A registry file: our image (memory-mapped), IANA's XML or IANA's CSV,
 * told apart by content. The XML importer is loaded on demand. err (may be
 * NULL) receives a one-line reason on failure. */
int pd_registry_open_file(const char *path, struct pd_registry **out, char *err, size_t errlen) PD_WUR;
/* The same from memory; source names where it came from (a path or URL).
 * An image is copied and its checksum verified; XML and CSV are parsed. */
int pd_registry_open_buffer(const void *data, size_t len, const char *source,
			    struct pd_registry **out, char *err, size_t errlen) PD_WUR;
void pd_registry_free(struct pd_registry *reg);

const char *pd_registry_source(const struct pd_registry *reg);  /* where it came from */
const char *pd_registry_updated(const struct pd_registry *reg); /* registry date YYYY-MM-DD, or "" */
/* Writes the registry as a portdex image (write to PATH.tmp, fsync, rename). */
int pd_registry_save(const struct pd_registry *reg, const char *path) PD_WUR;
/* The image bytes (for embedding or hashing); valid while reg lives. */
const void *pd_registry_image(const struct pd_registry *reg, size_t *len);

/* One record of the registry, as IANA published it. Absent fields are "". */
struct pd_entry {
	uint32_t index;          /* position in the registry */
	int has_port;            /* 0 for records that only register a name */
	unsigned first, last;    /* port or port range */
	int proto;               /* a pd_proto, or PD_PROTO_ANY when the record names none */
	enum pd_status status;   /* what this record says */
	const char *name, *description, *assignee, *contact, *registered, *modified,
		*refs, *notes, *unauthorized, *service_code;
	const char *expires;     /* a temporary registration's expiry date, or "" */
};
size_t pd_registry_count(const struct pd_registry *reg);
int pd_registry_entry(const struct pd_registry *reg, size_t index, struct pd_entry *out) PD_WUR;

/* Iterates the bracketed items of a multi-valued field ("[RFC9110][IESG]"):
 * returns 1 and sets item/len to the next item's text, 0 at the end. */
int pd_refs_next(const char **cursor, const char **item, size_t *len);

/* A person or organisation of the registry's people list (XML only). */
struct pd_person { const char *id, *name, *org, *uri, *updated; };
int pd_registry_person(const struct pd_registry *reg, const char *id, struct pd_person *out) PD_WUR;

/* Status of (port, proto): single-port records override the ranges that
 * contain them; several records may apply (80/tcp: http, www, www-http). */
enum pd_status pd_registry_status(const struct pd_registry *reg, unsigned port, int proto);
/* Fills up to max entry indexes that apply to (port, proto), primary first;
 * returns how many apply in all. */
size_t pd_registry_lookup(const struct pd_registry *reg, unsigned port, int proto,
			  uint32_t *idx, size_t max);
/* Strongest status over all transports. */
enum pd_status pd_registry_port_status(const struct pd_registry *reg, unsigned port);

/* Ports whose records carry this service name (case-insensitive), ascending,
 * each once; returns how many in all, fills up to max. */
size_t pd_registry_find_name(const struct pd_registry *reg, const char *name,
			     uint32_t *entries, size_t max);

/* ---- blocks: maximal runs of ports unassigned on every transport ---- */
struct pd_block {
	unsigned first, last, size;
	enum pd_class cls;       /* class of its first port */
	unsigned rank;           /* 1 = largest block of its class */
	unsigned of;             /* number of blocks in its class */
};
int pd_registry_block(const struct pd_registry *reg, unsigned port, struct pd_block *out) PD_WUR; /* PD_ENOTFOUND if port is not in one */
size_t pd_registry_block_count(const struct pd_registry *reg);
int pd_registry_block_at(const struct pd_registry *reg, size_t i, struct pd_block *out) PD_WUR; /* by position */
/* Nearest port strictly below (dir < 0) or above (dir > 0) `port` that is
 * assigned on some transport. */
int pd_registry_neighbour(const struct pd_registry *reg, unsigned port, int dir, unsigned *out) PD_WUR;

/* History of the block around a port, newest first: each event is a
 * registration that shrank (or closed) the block; block_before is the
 * block as it was just before. Reservations that IANA made in the same
 * action (undated "Reserved" rows of that port) belong to the event. */
struct pd_history {
	char date[11];
	unsigned port;
	int proto;
	const char *service;
	unsigned before_first, before_last;
};
size_t pd_registry_history(const struct pd_registry *reg, unsigned port,
			   struct pd_history *out, size_t max);

/* Ranked search over names and descriptions (exact name, then prefix, then
 * words of descriptions; names within a small edit distance when nothing
 * else matches). One entry per service and port range; fills up to max
 * entry indexes and returns how many it filled. */
size_t pd_registry_search(const struct pd_registry *reg, const char *words, uint32_t *out, size_t max);

/* ---- differences between two registries ---- */
enum pd_change { PD_ADDED, PD_CHANGED, PD_REMOVED };
typedef void (*pd_diff_fn)(void *ctx, enum pd_change what, const struct pd_entry *old_e,
			   const struct pd_entry *new_e);
/* Compares assignments (records with a port and a name) keyed by
 * (name, port range, proto); calls fn for each change in port order. */
int pd_registry_diff(const struct pd_registry *old_r, const struct pd_registry *new_r,
		     pd_diff_fn fn, void *ctx) PD_WUR;

/* ---- this host ---- */
struct pd_host {
	int unpriv_start;          /* ip_unprivileged_port_start; -1 if unknown */
	int eph_first, eph_last;   /* ip_local_port_range; -1 if unknown */
	char *reserved;            /* ip_local_reserved_ports as written, or NULL */
};
/* procroot: "/proc" normally; tests pass a directory of recorded files. */
int pd_host_read(struct pd_host *h, const char *procroot) PD_WUR;
void pd_host_release(struct pd_host *h);
int pd_host_privileged(const struct pd_host *h, unsigned port);   /* 1 yes, 0 no, -1 unknown */
int pd_host_ephemeral(const struct pd_host *h, unsigned port);    /* 1, 0, -1 */
int pd_host_reserved(const struct pd_host *h, unsigned port);     /* 1, 0 */

/* ---- renderers ---- */
/* The JSON object for one port (see README "JSON schema"). host may be NULL. */
int pd_port_json(const struct pd_registry *reg, const struct pd_host *host, unsigned port,
		 int proto, struct pd_buf *out) PD_WUR;
/* The registry in /etc/services format (every name, ranges expanded), or
 * as a JSON array of {name, port, transport, aliases, description}. */
int pd_registry_services(const struct pd_registry *reg, int json, struct pd_buf *out) PD_WUR;

/* ---- update ---- */
/* Reads FILE or URL (http://, https://, file://) into memory, at most max
 * bytes; URLs need the fetch module (libcurl). */
int pd_fetch(const char *what, size_t max, struct pd_buf *out, struct pd_buf *errmsg) PD_WUR;
/* $XDG_DATA_HOME/portdex or ~/.local/share/portdex (not created). */
int pd_data_dir(struct pd_buf *out) PD_WUR;

#ifdef __cplusplus
}
#endif
#endif
