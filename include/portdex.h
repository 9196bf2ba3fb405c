/* portdex.h: the public API of libportdex.
 *
 * Conventions: functions that can fail return 0 or a negative PD_E* code
 * (pd_strerror() names it); the library never prints, exits or aborts.
 * Strings handed out by a registry live as long as the registry. */
#ifndef PORTDEX_H
#define PORTDEX_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PD_VERSION ("MAJOR.MINOR.PATCH"), PD_VERSION_MAJOR, _MINOR, _PATCH and PD_VERSION_NUM
 * (0xMMmmpp): the version of this header, generated from the project's
 * version (meson.build); pd_version() says which library is running. */
#include "portdex-version.h"

/* PD_EXTERN marks the public API. The library is built with hidden
 * visibility, so only what is declared here with PD_EXTERN is exported;
 * everything else (pd__*) stays inside. */
#if defined(PD_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#define PD_EXTERN __attribute__((visibility("default")))
#else
#define PD_EXTERN
#endif

/* Options structs (struct pd_listen_opts, pd_check_opts, pd_suggest_opts,
 * pd_site_opts, pd_export_opts) can grow without breaking callers: each
 * ends with reserved fields that new options will take, zero meaning what
 * the library did before. Zero the whole struct before setting fields
 * (memset, "= {0}" or designated initializers) and leave reserved alone.
 *
 * Attributes, empty on compilers that do not know them. */
#if defined(__GNUC__) || defined(__clang__)
#define PD_WUR __attribute__((warn_unused_result))
#define PD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PD_WUR
#define PD_PRINTF(fmt, args)
#endif

enum pd_error {
	PD_OK = 0,
	PD_ENOMEM = -1,    /* out of memory */
	PD_EINVAL = -2,    /* invalid argument or query */
	PD_EFORMAT = -3,   /* input is not a registry we can read */
	PD_EIO = -4,       /* reading or writing a file failed (errno kept) */
	PD_ENOTFOUND = -5, /* nothing matches */
	PD_EMODULE = -6,   /* an optional module (XML, fetch) is missing or of another version */
	PD_EFETCH = -7,    /* downloading failed */
	PD_ETOOBIG = -8,   /* input exceeds a size limit */
	PD_ENOTSUP = -9,   /* not supported on this system */
	PD_EPERM = -10,    /* not permitted (e.g. another namespace without root) */
	PD_ECANCELED = -11, /* stopped on request */
};
PD_EXTERN const char *pd_strerror(int err);
/* The version of the running library, written as PD_VERSION is. */
PD_EXTERN const char *pd_version(void);

/* ---- string buffer: never NULL-terminated-less, grows, optional cap ---- */
struct pd_buf {
	char *s;      /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	size_t max;   /* 0: no cap; else appends past max fail with PD_ETOOBIG */
	int err;      /* first error seen; later appends are no-ops */
};
#define PD_BUF_INIT {0}
PD_EXTERN void pd_buf_add(struct pd_buf *b, const char *s, size_t n);
PD_EXTERN void pd_buf_puts(struct pd_buf *b, const char *s);
PD_EXTERN void pd_buf_putc(struct pd_buf *b, char c);
PD_EXTERN void pd_buf_printf(struct pd_buf *b, const char *fmt, ...) PD_PRINTF(2, 3);
PD_EXTERN void pd_buf_vprintf(struct pd_buf *b, const char *fmt, va_list ap) PD_PRINTF(2, 0);
/* Text from outside (registry data, file names, arguments, process names)
 * for a terminal: adds s with what could drive the terminal made visible.
 * C0 controls (newlines and tabs too: data has no layout role) and DEL
 * become "\x1b", C1 controls, the bidi controls (Unicode Bidi_Control:
 * U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and U+2028, U+2029
 * become "\u202e", and bytes that are not UTF-8 become "\xff". Other
 * characters, backslashes included, are left as they are, so escaping twice
 * changes nothing; the escapes are for reading (JSON has the exact text).
 * pd_buf_text(b, NULL) adds nothing. */
PD_EXTERN void pd_buf_text(struct pd_buf *b, const char *s);
PD_EXTERN void pd_buf_text_n(struct pd_buf *b, const char *s, size_t n); /* n bytes, NULs too */
/* Adds a quoted, escaped JSON string; NULL: null. Besides what JSON
 * requires, DEL, C1 controls, the bidi controls and U+2028, U+2029 are
 * written as \uXXXX, and a byte that is not UTF-8 as \ufffd. */
PD_EXTERN void pd_buf_json_str(struct pd_buf *b, const char *s);
/* Adds s with &, <, >, " and ' escaped for HTML, and the characters that
 * pd_buf_text makes visible shown the same way (as text: a character
 * reference would still put the control character in the page). */
PD_EXTERN void pd_buf_html(struct pd_buf *b, const char *s);
/* Adds text wrapped at `width` columns: the first line continues from column
 * `col`, the next ones start with `indent` spaces; a '\n' in text breaks the
 * line. Other characters are written as pd_buf_text writes them, each
 * character (and each character of an escape) one column. Text from outside
 * that may hold newlines goes through pd_buf_text first. Ends with a
 * newline. */
PD_EXTERN void pd_buf_wrap(struct pd_buf *b, const char *text, size_t col, size_t indent, size_t width);
PD_EXTERN const char *pd_buf_str(const struct pd_buf *b);        /* "" when empty, never NULL */
PD_EXTERN char *pd_buf_detach(struct pd_buf *b);                 /* caller frees; buffer reset */
PD_EXTERN void pd_buf_release(struct pd_buf *b);

/* The error document (doc/schema/error.schema.json), the body of an API
 * answer that failed (portdex serve's /api/): {"error": message, one line,
 * "status": the HTTP status, 400-599}. Appends to out, without a newline;
 * returns 0, PD_EINVAL (no message, a status out of range) or out's error
 * (PD_ENOMEM, PD_ETOOBIG). out is the caller's. */
PD_EXTERN int pd_error_json(int status, const char *message, struct pd_buf *out) PD_WUR;

/* ---- ports, transports, ranges ---- */
enum pd_proto { PD_TCP = 0, PD_UDP = 1, PD_SCTP = 2, PD_DCCP = 3, PD_NPROTO = 4 };
#define PD_PROTO_ANY (-1)
PD_EXTERN const char *pd_proto_name(int proto);          /* "tcp".."dccp"; "any" for PD_PROTO_ANY */
PD_EXTERN int pd_proto_parse(const char *s, size_t n);   /* PD_TCP.. or PD_EINVAL */

enum pd_status { PD_UNASSIGNED = 0, PD_RESERVED = 1, PD_ASSIGNED = 2 };
PD_EXTERN const char *pd_status_name(enum pd_status s);  /* "unassigned", "reserved", "assigned" */

enum pd_class { PD_SYSTEM = 0, PD_USER = 1, PD_DYNAMIC = 2 };
PD_EXTERN enum pd_class pd_port_class(unsigned port);
PD_EXTERN const char *pd_class_name(enum pd_class c);      /* "system", "user", "dynamic" */
PD_EXTERN void pd_class_bounds(enum pd_class c, unsigned *first, unsigned *last);
PD_EXTERN const char *pd_class_procedure(enum pd_class c); /* RFC 6335 assignment procedure, one sentence */

/* Parses a port number at *cursor (decimal digits only, 0-65535, no sign,
 * no leading blanks) and advances the cursor past it. */
PD_EXTERN int pd_parse_port(const char **cursor, unsigned *port) PD_WUR;

enum pd_query_kind { PD_Q_PORT, PD_Q_RANGE, PD_Q_NAME };
struct pd_query {
	enum pd_query_kind kind;
	unsigned first, last;   /* PD_Q_PORT: first == last */
	int proto;              /* PD_PROTO_ANY or a pd_proto */
	char name[64];          /* PD_Q_NAME: the service name as given */
};
/* "926", "926/udp", "900-999", "900-999/tcp", "ssh", "ssh/tcp". */
PD_EXTERN int pd_query_parse(const char *s, struct pd_query *q) PD_WUR;

/* ---- the registry ---- */
struct pd_registry;

/* The snapshot compiled into the library. Never fails except PD_ENOMEM. */
PD_EXTERN int pd_registry_open_default(struct pd_registry **out) PD_WUR;
/* A registry file: our image (memory-mapped), IANA's XML or IANA's CSV,
 * told apart by content. The XML importer is loaded on demand. err (may be
 * NULL) receives a one-line reason on failure. */
PD_EXTERN int pd_registry_open_file(const char *path, struct pd_registry **out, char *err, size_t errlen) PD_WUR;
/* The same from memory; source names where it came from (a path or URL).
 * An image is copied and its checksum verified; XML and CSV are parsed. */
PD_EXTERN int pd_registry_open_buffer(const void *data, size_t len, const char *source,
			    struct pd_registry **out, char *err, size_t errlen) PD_WUR;
PD_EXTERN void pd_registry_free(struct pd_registry *reg);

PD_EXTERN const char *pd_registry_source(const struct pd_registry *reg);  /* where it came from */
PD_EXTERN const char *pd_registry_updated(const struct pd_registry *reg); /* registry date YYYY-MM-DD, or "" */
/* Names the registry's source as a public page may show it: a local file
 * by its name alone ("IANA XML /home/me/x.xml" becomes "IANA XML x.xml",
 * "file:///a/b.csv" becomes "b.csv"); other URLs and the compiled-in
 * snapshot's name stay. pd_registry_source() returns that name from then
 * on. Call it before sharing reg between threads. PD_ENOMEM. */
PD_EXTERN int pd_registry_hide_paths(struct pd_registry *reg) PD_WUR;
/* Writes the registry as a portdex image: to PATH.tmp.PID, fsync, rename
 * over PATH, fsync of PATH's directory. A process killed meanwhile leaves
 * PATH as it was and PATH.tmp.PID behind: remove such files under a lock
 * that every writer takes (portdex update does). */
PD_EXTERN int pd_registry_save(const struct pd_registry *reg, const char *path) PD_WUR;
/* The image bytes (for embedding or hashing); valid while reg lives. */
PD_EXTERN const void *pd_registry_image(const struct pd_registry *reg, size_t *len);

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
/* The number of records (entries), name-only records included: indexes
 * for pd_registry_entry() are 0 to this minus 1. */
PD_EXTERN size_t pd_registry_count(const struct pd_registry *reg);
PD_EXTERN int pd_registry_entry(const struct pd_registry *reg, size_t index, struct pd_entry *out) PD_WUR;

/* Iterates the bracketed items of a multi-valued field ("[RFC9110][IESG]"):
 * returns 1 and sets item/len to the next item's text, 0 at the end. */
PD_EXTERN int pd_refs_next(const char **cursor, const char **item, size_t *len);

/* A person or organisation of the registry's people list (XML only). */
struct pd_person { const char *id, *name, *org, *uri, *updated; };
PD_EXTERN int pd_registry_person(const struct pd_registry *reg, const char *id, struct pd_person *out) PD_WUR;
/* One person of an assignee or contact field ("[Jon_Postel][IESG]"). */
struct pd_person_ref {
	char id[128];            /* the bracketed id */
	char label[128];         /* what to show: the name, else the org, else the id with '_' as ' ' */
	int known;               /* 1: found in the registry's people list, p filled */
	struct pd_person p;      /* all "" when unknown */
};
/* Iterates the people of a field: returns 1 with out filled, 0 at the end.
 * Ids too long for out->id are skipped. */
PD_EXTERN int pd_registry_people_next(const struct pd_registry *reg, const char **cursor, struct pd_person_ref *out);

/* Status of (port, proto): single-port records override the ranges that
 * contain them; several records may apply (80/tcp: http, www, www-http). */
PD_EXTERN enum pd_status pd_registry_status(const struct pd_registry *reg, unsigned port, int proto);
/* Fills up to max entry indexes of the records that apply to (port,
 * proto), primary first; returns how many records apply in all (more than
 * max: call again with more room). */
PD_EXTERN size_t pd_registry_lookup(const struct pd_registry *reg, unsigned port, int proto,
			  uint32_t *idx, size_t max);
/* Strongest status over all transports. */
PD_EXTERN enum pd_status pd_registry_port_status(const struct pd_registry *reg, unsigned port);

/* The records whose service name is name (case-insensitive): fills up to
 * max entry indexes, by port; returns how many records have the name in
 * all (more than max: call again with more room). */
PD_EXTERN size_t pd_registry_find_name(const struct pd_registry *reg, const char *name,
			     uint32_t *entries, size_t max);

/* The transports on which the service of e (same name) has e's ports,
 * written as "tcp,udp" into b; e's own transport when it has no name. */
PD_EXTERN void pd_registry_service_transports(const struct pd_registry *reg, const struct pd_entry *e,
				    struct pd_buf *b);

/* ---- blocks: maximal runs of ports unassigned on every transport ---- */
struct pd_block {
	unsigned first, last, size;
	enum pd_class cls;       /* class of its first port */
	unsigned rank;           /* 1 = largest block of its class */
	unsigned of;             /* number of blocks in its class */
};
PD_EXTERN int pd_registry_block(const struct pd_registry *reg, unsigned port, struct pd_block *out) PD_WUR; /* PD_ENOTFOUND if port is not in one */
/* The number of blocks, every class together: positions for
 * pd_registry_block_at() are 0 to this minus 1. */
PD_EXTERN size_t pd_registry_block_count(const struct pd_registry *reg);
PD_EXTERN int pd_registry_block_at(const struct pd_registry *reg, size_t i, struct pd_block *out) PD_WUR; /* by position */
/* Nearest port strictly below (dir < 0) or above (dir > 0) `port` that is
 * assigned on some transport. */
PD_EXTERN int pd_registry_neighbour(const struct pd_registry *reg, unsigned port, int dir, unsigned *out) PD_WUR;

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
/* Fills up to max events, newest first; returns how many it filled. */
PD_EXTERN size_t pd_registry_history(const struct pd_registry *reg, unsigned port,
			   struct pd_history *out, size_t max);

/* Ranked search over the registry's names and descriptions alone (exact
 * name, then prefix, then words of descriptions; names within a small edit
 * distance when nothing else matches); pd_search() is the search of the
 * command, the server and the site, over product names too. One entry per service and port range; fills up to max
 * entry indexes and sets *found to how many it filled (0: no match).
 * Returns 0, or PD_ENOMEM (*found is then 0). */
PD_EXTERN int pd_registry_search(const struct pd_registry *reg, const char *words, uint32_t *out, size_t max,
				 size_t *found) PD_WUR;

/* ---- differences between two registries ---- */
enum pd_change { PD_ADDED, PD_CHANGED, PD_REMOVED };

/* What a change is about:
 *   PD_DIFF_STATUS      the status of (port, transport) pairs
 *   PD_DIFF_RANGE       rows of more than one port that are not assignments
 *                       ("Unassigned", "Reserved"), by their bounds
 *   PD_DIFF_ASSIGNMENT  records with a port and a name, keyed by (port
 *                       range, transport, name)
 *   PD_DIFF_NAME        records with a name and no port, keyed by (name,
 *                       transport) */
enum pd_diff_kind { PD_DIFF_STATUS, PD_DIFF_RANGE, PD_DIFF_ASSIGNMENT, PD_DIFF_NAME, PD_DIFF_NKINDS };
PD_EXTERN const char *pd_diff_kind_name(enum pd_diff_kind k);  /* "status", "range", "assignment", "name" */

/* The fields of a record that the diff compares. */
enum pd_field { PD_FIELD_NAME, PD_FIELD_DESCRIPTION, PD_FIELD_ASSIGNEE, PD_FIELD_CONTACT,
		PD_FIELD_REGISTERED, PD_FIELD_MODIFIED, PD_FIELD_REFERENCES, PD_FIELD_NOTES,
		PD_FIELD_UNAUTHORIZED, PD_FIELD_SERVICE_CODE, PD_NFIELDS };
PD_EXTERN const char *pd_field_name(enum pd_field f);  /* "name", "description", ..., "unauthorized_use", "service_code" */

/* One change. Pointers are valid during the callback only. */
struct pd_diff_item {
	enum pd_diff_kind kind;
	enum pd_change what;      /* PD_DIFF_STATUS: always PD_CHANGED */
	unsigned first, last;     /* the ports concerned (0-0 for PD_DIFF_NAME) */
	unsigned protos;          /* their transports: bit mask of 1u << PD_TCP ... (all four for
				   * rows that name none) */
	/* PD_DIFF_STATUS: every (port, transport) of first-last and protos went
	 * from old_status to new_status. PD_DIFF_RANGE: the rows' status. */
	enum pd_status old_status, new_status;
	/* PD_DIFF_RANGE: a group of overlapping rows of the same transport,
	 * status and description (any case) whose bounds are not the same in
	 * both registries: its old rows and its new rows, by first port. No
	 * old rows: added; no new rows: removed. */
	const struct pd_entry *old_rows, *new_rows;
	size_t n_old, n_new;
	/* PD_DIFF_ASSIGNMENT, PD_DIFF_NAME: the record before and after; old_e
	 * is NULL when added, new_e when removed. */
	const struct pd_entry *old_e, *new_e;
	unsigned fields;          /* PD_CHANGED records: 1u << pd_field for each field that differs */
};
typedef void (*pd_diff_fn)(void *ctx, const struct pd_diff_item *d);

/* Calls fn for each change, kind by kind: status changes as runs of
 * consecutive ports with the same change (transports with the same run
 * together), by port; range rows by port; assignments by port; name-only
 * records by name. */
PD_EXTERN int pd_registry_diff(const struct pd_registry *old_r, const struct pd_registry *new_r,
		     pd_diff_fn fn, void *ctx) PD_WUR;

/* What a change report counts, added up one change at a time. */
struct pd_diff_counts {
	unsigned long pairs;                 /* (port, transport) pairs whose status changed */
	unsigned n[PD_DIFF_NKINDS][3];       /* changes by kind and pd_change */
};
/* Adds d to c (zeroed before the first change). */
PD_EXTERN void pd_diff_count(struct pd_diff_counts *c, const struct pd_diff_item *d);
/* The change report (`portdex diff --json`, `portdex update --json`,
 * doc/schema/diff.schema.json): {"old", "new": {"source", "updated"},
 * "changes": [{"kind", "change", ...} in pd_registry_diff's order],
 * "counts": {"status": {"changed": pairs}, "range", "assignment", "name":
 * {"added", "changed", "removed"}}, "added", "changed", "removed" (of
 * assignments)}. Appends to out, without a newline (on error out may
 * hold part of it); returns 0, PD_EINVAL, PD_ENOMEM or out's error
 * (PD_ETOOBIG). out is the caller's. */
PD_EXTERN int pd_diff_json(const struct pd_registry *old_r, const struct pd_registry *new_r,
			   struct pd_buf *out) PD_WUR;

/* ---- this host ---- */
struct pd_host {
	int unpriv_start;          /* ip_unprivileged_port_start; -1 if unknown */
	int eph_first, eph_last;   /* ip_local_port_range; -1 if unknown */
	char *reserved;            /* ip_local_reserved_ports as written, or NULL */
};
/* procroot: "/proc" normally; tests pass a directory of recorded files. */
PD_EXTERN int pd_host_read(struct pd_host *h, const char *procroot) PD_WUR;
PD_EXTERN void pd_host_release(struct pd_host *h);
/* An answer about this host: PD_UNKNOWN when the file that tells could not
 * be read. Not an error code: PD_UNKNOWN is not negative, so test for it
 * before using the answer as a truth value. */
enum pd_answer { PD_NO = 0, PD_YES = 1, PD_UNKNOWN = 2 };
/* Does binding port need privileges (below ip_unprivileged_port_start)? */
PD_EXTERN enum pd_answer pd_host_privileged(const struct pd_host *h, unsigned port);
/* Is port in the ephemeral range (ip_local_port_range)? */
PD_EXTERN enum pd_answer pd_host_ephemeral(const struct pd_host *h, unsigned port);
/* 1 if port is in ip_local_reserved_ports, 0 if not or unknown */
PD_EXTERN int pd_host_reserved(const struct pd_host *h, unsigned port);

/* ---- what is listening on this host ---- */
/* The container a process runs in (from its cgroup), or that a proxy
 * forwards a published port to (docker-proxy's arguments), as far as it is
 * known: the name and image come from the engine's API. */
struct pd_container {
	char engine[16];         /* "docker", "podman", "containerd", "cri-o",
				  * "kubernetes" (a kubepods cgroup that names no
				  * engine); "" when the process is in no container */
	char id[65];             /* the engine's id (64 hex digits); "" unknown (a
				  * proxy's target before the engine answered) */
	char name[128];          /* the engine's name ("web1"); "" unknown */
	char image[256];         /* the image the container runs; "" unknown */
	unsigned port;           /* a published port: the container's own port; 0 */
	int proto;               /* its transport (PD_TCP...), -1 unknown */
	char address[48];        /* a published port: the container's address ("") */
	unsigned published;      /* the host port it is published on; 0 unknown */
	int via_proxy;           /* 1: the process is the engine's proxy
				  * (docker-proxy) for this container's port */
	const char *unknown;     /* why name and image are missing: a static
				  * sentence, NULL when known or not in a container */
	char pod_uid[40];        /* Kubernetes: the pod's uid (kubepods cgroup) */
	char pod[128];           /* the pod's name and namespace, "" unknown */
	char pod_namespace[64];
};

struct pd_owner {
	int pid;
	int fd;
	unsigned uid;            /* the process's effective uid (/proc/PID/status) */
	char comm[64];           /* process name (/proc/PID/status Name), valid UTF-8:
				  * bytes that are not become U+FFFD */
	char unit[128];          /* its systemd unit from /proc/PID/cgroup ("demo.service",
				  * "session-2.scope"); "" none */
	int user_unit;           /* 1: unit is a user manager's (user@UID.service) */
	struct pd_container *container; /* its container (or, for a proxy, the one it
				  * forwards to) and pod; NULL: none. Owned by the list */
};

struct pd_socket {
	int proto;               /* PD_TCP, PD_UDP or PD_SCTP */
	int family;              /* 4 or 6 */
	char addr[64];           /* local address as text: "127.0.0.1", "::", "::ffff:127.0.0.1" */
	unsigned char addr_bytes[16]; /* the same in network byte order (IPv4: the first 4) */
	unsigned port;
	int v6only;              /* IPv6 sockets: 1 v6 only, 0 also serves IPv4, -1 unknown
				  * (/proc/net does not say); IPv4 sockets: -1 */
	unsigned long inode;
	unsigned uid;            /* the socket's owner uid */
	char netns[64];          /* namespace name or "pid N" when not the caller's; "" for ours */
	unsigned long netns_ino; /* inode of the network namespace; 0 unknown */
	struct pd_owner *owners; /* every process holding it (prefork, fork, fd passing),
				  * by pid then fd; owned by the list */
	size_t nowners;
	const char *unknown;     /* why owners are unknown: a static sentence, NULL when
				  * owners were found or not asked for */
};

struct pd_socket_list {
	struct pd_socket *v;     /* sorted by port, transport, family, address, namespace */
	size_t n, cap;
	const char *method;      /* "netlink", "/proc/net", or "netlink, /proc/net" when a
				  * transport's netlink dump was unavailable (sctp_diag, ...) */
	unsigned denied;         /* processes whose descriptors could not be read */
	void *pool;              /* internal: storage of every socket's owners */
	void *containers;        /* internal: storage of the owners' containers */
	struct pd_container *published; /* ports of the query (all without one) that an
				  * engine publishes with no socket on the host (NAT
				  * rules only: Docker's userland proxy off, or the proxy
				  * gone), each the container with its port and the
				  * host's (published); asked with owners, in the
				  * caller's namespace, only when an engine runs
				  * containers; owned by the list */
	size_t npublished;
};

struct pd_listen_opts {
	unsigned protos;         /* bit mask of 1u << PD_TCP etc.; 0 = tcp, udp and sctp */
	const struct pd_query *queries; /* ports to keep (PD_Q_PORT/RANGE, each with its proto;
				  * names resolved by the caller); NULL = all */
	size_t nqueries;
	int owners;              /* map sockets to processes (one /proc scan, only when
				  * some socket matched) */
	const char *netns;       /* a name in /run/netns or a PID; NULL = ours */
	int all_netns;           /* every namespace the host's processes use, and every name
				  * in /run/netns (needs root) */
	const char *procroot;    /* "/proc" unless replaying recorded input (/proc/net files
				  * and PID/fd trees; pair it with no_netlink) */
	int no_netlink;          /* use /proc/net only (the fallback, also for tests) */
	int no_engines;          /* do not ask container engines for names and images
				  * (asked otherwise only when an owner is in a
				  * container or is a proxy; loads a module) */
	void *reserved[4];       /* zero (see "Options structs" above) */
};

/* Lists listening TCP sockets, bound-but-unconnected UDP sockets and
 * listening SCTP sockets. Never fails because one process cannot be read:
 * such sockets say why in `unknown`. Errors: PD_EINVAL (bad options, a
 * PD_Q_NAME query), PD_ENOTFOUND (--netns names no namespace), PD_EPERM
 * (another namespace without the privilege to enter it), PD_ENOTSUP (not
 * on this system), PD_EIO, PD_ENOMEM. On error the list is empty. Caller
 * releases the list, also after an error. */
PD_EXTERN int pd_listening(const struct pd_listen_opts *o, struct pd_socket_list *out) PD_WUR;
PD_EXTERN void pd_socket_list_release(struct pd_socket_list *l);
/* 1 if the socket also accepts IPv4 ("::" with v6only off) */
PD_EXTERN int pd_socket_dual_stack(const struct pd_socket *s);
/* 1 if an IPv6 socket is bound to an IPv4-mapped address (::ffff:a.b.c.d):
 * it accepts IPv4 only */
PD_EXTERN int pd_socket_v4_mapped(const struct pd_socket *s);
/* Stops a container through its engine's API (docker, podman: POST
 * /containers/ID/stop), waiting up to timeout seconds before the engine
 * kills it. err gets a one-line reason. PD_EINVAL (no engine or id, an
 * engine without an API), PD_EMODULE (no engine module), PD_EIO (the
 * engine refused or cannot be reached). */
PD_EXTERN int pd_container_stop(const struct pd_container *c, unsigned timeout, char *err,
				size_t errlen) PD_WUR;
/* The listening document, the one every program writes (`portdex listening
 * --json`, /api/v1/listening): {"registry": {"source", "updated"}, "method",
 * "count", "denied", "sockets": [...], "published": [{"container", "pod"}]},
 * each socket the object of the port document's "listening": {"transport",
 * "family", "address", "port", "v6only", "ipv4", "ipv6", "inode", "uid",
 * "user", "netns", "netns_inode", "service", "services", "status", "class",
 * "owners": [{"pid", "fd", "command", "uid", "user", "unit", "user_unit",
 * "container", "pod"}], "owners_unknown"} (doc/listening.md,
 * doc/schema/listening.schema.json). reg
 * names the services. Appends to out; PD_EINVAL, PD_ENOMEM. */
PD_EXTERN int pd_listening_json(const struct pd_registry *reg, const struct pd_socket_list *l,
				struct pd_buf *out) PD_WUR;
/* The metric family portdex_listening_sockets (Prometheus text, a gauge
 * with its HELP and TYPE lines): how many sockets of l listen, by
 * {transport, family ("ipv4", "ipv6"), status (the registry's for the port
 * and transport), netns}, one series per label set, sorted. Appends to
 * out; PD_EINVAL, PD_ENOMEM. */
PD_EXTERN int pd_listening_metrics(const struct pd_registry *reg, const struct pd_socket_list *l,
				   struct pd_buf *out) PD_WUR;

/* ---- choosing a port ----
 * A verdict on a port for a new service, with every reason. Each reason has
 * a weight; the verdict is the heaviest. The rules (portdex(1), "VERDICT
 * RULES"):
 *   avoid       port 0; assigned or reserved on the transport; an
 *               unassigned system port (privileges, IETF-only assignments);
 *               the dynamic range 49152-65535; this host's ephemeral range or
 *               ip_local_reserved_ports; in use now (socket listing or bind
 *               test); blocked by browsers (tcp); a known collision
 *   acceptable  assigned or reserved only on another transport; needs
 *               privileges here; inside Linux's default ephemeral range
 *               32768-60999 when this host's range differs; among nmap's
 *               1000 most often open ports of the transport; blocked by
 *               browsers (udp: HTTP/3 only); a common use or known malware
 *               in the knowledge base (pd_facts kinds use and malware)
 *   good        every other reason (facts that speak for the port) */
enum pd_verdict { PD_GOOD = 0, PD_ACCEPTABLE = 1, PD_AVOID = 2 };
PD_EXTERN const char *pd_verdict_name(enum pd_verdict v);   /* "good", "acceptable", "avoid" */

struct pd_reason {
	enum pd_verdict weight;  /* how much this reason alone weighs */
	char topic[16];          /* "registry", "host", "in-use", "browser", "collision",
				  * "knowledge", "nmap" */
	const char *rule;        /* stable key for programs (static string): "port-zero",
				  * "assigned", "reserved", "other-transport", "unassigned",
				  * "system-range", "dynamic-range", "other-os-ephemeral",
				  * "browser", "not-blocked", "collision", "no-collision",
				  * "known-use", "malware", "no-known-use",
				  * "privileged", "unprivileged", "ephemeral",
				  * "not-ephemeral", "local-reserved", "nmap-frequent",
				  * "nmap-rare", "listening", "not-listening",
				  * "bind-in-use", "bind-denied", "bind-free"; "info" for
				  * other facts and for what could not be found out */
	char text[256];          /* one line, lower-case, no full stop */
};

struct pd_check {
	unsigned port;
	int proto;               /* a pd_proto, or PD_PROTO_ANY for tcp and udp */
	enum pd_verdict verdict; /* the heaviest weight among the reasons */
	struct pd_reason *reasons; /* heaviest first, then by topic */
	size_t nreasons, cap;
};

struct pd_check_opts {
	const char *datadir;       /* NULL: the curated lists compiled in; else a directory
				    * with browser-blocked-ports.tsv and collisions.tsv */
	const char *nmap_services; /* NULL: /usr/share/nmap/nmap-services, when present */
	const char *procroot;      /* NULL: /proc (sysctls and the socket listing) */
	int no_bind_test;          /* skip the bind test (replays) */
	int no_listening;          /* skip the socket listing */
	/* What the caller already knows about this host (pd_port_facts_build
	 * passes its host snapshot this way): */
	const struct pd_host *host;            /* these sysctls instead of reading procroot */
	const struct pd_socket_list *sockets;  /* this listing instead of one's own (no_listening
						* then does not matter); owned by the caller */
	int no_host;               /* say nothing about this host's sysctls: read nothing
				    * (ignored when host is set) */
	const char *lang;          /* the language of the reasons' text (pd_reason.text, and the
				    * notes of pd_suggest): "en" or NULL, "fr", "ms" (pd_lang_code;
				    * an unknown code is English). NULL and "en" give the English
				    * texts portdex always gave. Facts of data/knowledge.tsv are
				    * quoted in the language when the file has them in it, numbers
				    * and dates written as the language writes them; names, file
				    * names, commands and what comes from elsewhere (the registry's
				    * descriptions, the collisions list, system error messages)
				    * stay as they are. rule and topic never change: they are keys
				    * for programs. A text longer than the field is cut at a UTF-8
				    * character boundary. */
	void *reserved[3];       /* zero (see "Options structs" above) */
};

/* A verdict on using port/proto for a new service, with every reason.
 * proto: a pd_proto, or PD_PROTO_ANY for tcp and udp together. Facts that
 * cannot be had (no nmap-services, no socket listing, no IPv6) are reasons
 * of weight good that say so, never errors. o may be NULL (all defaults).
 * The compiled-in lists and nmap-services are read once per process, so
 * checking many ports is cheap; safe to call from several threads.
 * Caller releases out. */
PD_EXTERN int pd_check_port(const struct pd_registry *reg, const struct pd_check_opts *o, unsigned port,
		  int proto, struct pd_check *out) PD_WUR;
PD_EXTERN void pd_check_release(struct pd_check *c);
/* The check document (`portdex check --json`, doc/schema/check.schema.json):
 * {"port", "transport" (pd_proto_name, "both" for PD_PROTO_ANY), "verdict",
 * "reasons": [{"topic", "rule", "weight", "text"}], "alternatives": [port],
 * "registry": {"source", "updated"}}. alt: nalt ports to use instead (NULL
 * when nalt is 0); reg is the registry k was checked against. Appends to
 * out, without a newline; returns 0, PD_EINVAL or out's error (PD_ENOMEM,
 * PD_ETOOBIG). out is the caller's. */
PD_EXTERN int pd_check_json(const struct pd_registry *reg, const struct pd_check *k, const unsigned *alt,
			    size_t nalt, struct pd_buf *out) PD_WUR;

/* Told about what a suggestion skipped because of this host (port != 0:
 * in use, this host's ephemeral or reserved ports, nmap's data), in walk
 * order, and about rules not applied because they would exclude the whole
 * range asked for (port == 0). */
typedef void (*pd_suggest_note_fn)(void *ctx, unsigned port, const struct pd_reason *why);

struct pd_suggest_opts {
	const char *name;        /* the order is a hash of name (any case); NULL: random (getrandom) */
	size_t count;            /* 1-1000 */
	int proto;               /* PD_TCP, PD_UDP or PD_PROTO_ANY (both) */
	unsigned first, last;    /* candidate range, e.g. the user range 1024-49151 */
	struct pd_check_opts check;
	int *hold_fds;           /* NULL, or 4 * count ints: the ports stay bound and
				  * [4i..4i+3] are tcp/IPv4, tcp/IPv6, udp/IPv4, udp/IPv6
				  * (TCP listening), -1 where not bound; caller closes.
				  * Holding implies the bind test. */
	pd_suggest_note_fn note; /* NULL: not told */
	void *ctx;
	void *reserved[4];       /* zero (see "Options structs" above) */
};
/* Fills out with up to o->count ports that check good, in walk order, and
 * returns how many (or a negative code). A candidate must be unassigned on
 * every transport, so suggestions depend on the registry; the host's
 * checks (ephemeral and reserved ports, in use, nmap-services) are the only
 * ones that may differ between machines. The rules about where a port lies
 * (system range, privileges, dynamic range, other systems' ephemeral
 * ranges) are set aside when they would exclude the whole range. */
PD_EXTERN int pd_suggest(const struct pd_registry *reg, const struct pd_suggest_opts *o, unsigned *out) PD_WUR;

/* What a suggestion was told through its note function: pass
 * pd_suggest_note_collect as o->note and a zeroed struct as o->ctx. Keeps
 * the first PD_SUGGEST_NOTES_MAX ports skipped with their reasons, counts
 * them all, and keeps up to 8 rules relaxed. */
#define PD_SUGGEST_NOTES_MAX 20
struct pd_suggest_notes {
	unsigned port[PD_SUGGEST_NOTES_MAX];           /* ports skipped, in walk order */
	struct pd_reason skipped[PD_SUGGEST_NOTES_MAX]; /* why each was */
	size_t nskipped;
	size_t total;                                  /* ports skipped in all */
	struct pd_reason relaxed[8];                   /* rules set aside */
	size_t nrelaxed;
};
PD_EXTERN void pd_suggest_note_collect(void *notes, unsigned port, const struct pd_reason *why);
/* The suggest document (`portdex suggest --json`,
 * doc/schema/suggest.schema.json): {"name" (o->name or null), "ports":
 * [the n ports found], "transport", "range": {"first", "last"},
 * "registry": {"source", "updated"}, "skipped": [{"port", "reason"}],
 * "skipped_count", "relaxed": [reason], "hold" (seconds the ports stay
 * bound, null when hold < 0)}, each reason as in pd_check_json. notes may
 * be NULL (nothing skipped or relaxed). Appends to out, without a newline;
 * returns 0, PD_EINVAL or out's error (PD_ENOMEM, PD_ETOOBIG). out is the
 * caller's. */
PD_EXTERN int pd_suggest_json(const struct pd_registry *reg, const struct pd_suggest_opts *o,
			      const unsigned *ports, size_t n, const struct pd_suggest_notes *notes, long hold,
			      struct pd_buf *out) PD_WUR;

/* ---- renderers ---- */
/* The port document for one port, from pd_port_facts_build() with the
 * host's sysctls alone (no listing, no verdict). host may be NULL. */
PD_EXTERN int pd_port_json(const struct pd_registry *reg, const struct pd_host *host, unsigned port,
		 int proto, struct pd_buf *out) PD_WUR;
/* The registry in /etc/services format (every name, ranges expanded), or
 * as a JSON array of {name, port, transport, aliases, description}. */
PD_EXTERN int pd_registry_services(const struct pd_registry *reg, int json, struct pd_buf *out) PD_WUR;

/* ---- curated knowledge (data/knowledge.tsv, compiled in) ---- */
enum pd_fact_kind { PD_FACT_USE, PD_FACT_MALWARE, PD_FACT_HISTORY, PD_FACT_SECURITY, PD_FACT_PURPOSE };
PD_EXTERN const char *pd_fact_kind_name(enum pd_fact_kind k); /* "use", "malware", ... */

struct pd_fact {
	unsigned first, last;
	unsigned protos;         /* bit mask of 1u << PD_TCP ...; all bits for "any" */
	enum pd_fact_kind kind;
	const char *text;
	const char *source;      /* a URL */
};
/* Facts whose range contains port, in file order; fills up to max, returns
 * how many facts contain it in all. Facts live for the life of the process. */
PD_EXTERN size_t pd_facts(unsigned port, struct pd_fact *out, size_t max);
/* All facts, by position; PD_ENOTFOUND past the end. */
PD_EXTERN int pd_fact_at(size_t i, struct pd_fact *out) PD_WUR;

/* ---- search: what people call things (lib/advice/search.c) ----
 * One engine for `portdex search`, the server's /search and /api/v1/search
 * and the static site's search (which runs the same ranking in the browser
 * on pd_search_index()'s records). It looks at the names people know ports
 * by (data/products.tsv: products, protocols, short forms), IANA's service
 * names and descriptions, and the knowledge base's uses. Words are runs of
 * ASCII letters and digits (with - + . _ inside), compared without case. */
enum pd_match {
	PD_MATCH_EXACT,   /* the query is one of a product's names or an IANA service name */
	PD_MATCH_WORDS,   /* every word of the query begins a word of its names or description */
	PD_MATCH_USE,     /* every word begins a word of a curated use (knowledge base) */
	PD_MATCH_NEAR,    /* nothing else matched: a name within a small edit distance */
	PD_MATCH_LIKE,    /* like search: a name that contains the word */
	PD_MATCH_MALWARE, /* every word begins a word of a curated malware fact */
};
enum pd_match_from { PD_FROM_PRODUCTS, PD_FROM_IANA, PD_FROM_KNOWLEDGE };
PD_EXTERN const char *pd_match_name(enum pd_match m);       /* "exact", "words", "use", "near", "like", "malware" */
PD_EXTERN const char *pd_match_from_name(enum pd_match_from f); /* "products", "iana", "knowledge" */

struct pd_search_result {
	enum pd_match match;
	enum pd_match_from from;
	unsigned first, last;    /* the port or range */
	unsigned protos;         /* transports, bit mask of 1u << PD_TCP ... */
	const char *term;        /* the name that matched, as written ("RDP"); IANA: the service
				  * name; knowledge: "" */
	const char *what;        /* products: what listens there; IANA: the description;
				  * knowledge: the fact's text */
	const char *name;        /* IANA's service on the port for those transports, "" when none */
	const char *description; /* its description, "" when none */
	enum pd_status status;   /* IANA's status of the port on those transports (the strongest) */
	int has_freq;            /* nmap-services was read */
	uint32_t freq;           /* how often nmap finds port first open, in millionths (the
				  * highest of its transports) */
	const char *source;      /* products and knowledge: the line's URL; IANA: "" */
	char *why;               /* why it matched, one line: "RDP: Microsoft Remote
				  * Desktop (IANA: ms-wbt-server)" (owned by the search) */
};

struct pd_search_opts {
	size_t max;              /* results wanted (0: 20) */
	int like;                /* names that contain the query (whatportis --like) */
	const char *nmap_services; /* NULL: /usr/share/nmap/nmap-services, when present */
	void *reserved[4];       /* zero (see "Options structs" above) */
};

struct pd_search {
	struct pd_search_result *r;  /* best first */
	size_t n;                    /* filled, at most max */
	size_t total;                /* ports or ranges that match in all */
};

/* The longest query, in bytes; a query must be valid UTF-8 without control
 * characters (those pd_buf_text makes visible). */
#define PD_SEARCH_MAX_QUERY 200
/* Checks a query: 0, or PD_EINVAL with why (a static string) set: empty,
 * too long, not UTF-8, a control character. */
PD_EXTERN int pd_search_check(const char *query, const char **why) PD_WUR;
/* Ranks, best first: (1) a product's name or short form, or an IANA
 * service name, equal to the query; (2) IANA services and products whose
 * names or description hold every word; (3) curated uses and malware
 * that hold every word; (4) only when nothing matched, names within a small edit distance
 * (one word). Ties go to the port nmap finds open most often, then the
 * lower port, then products before IANA before knowledge, then file order.
 * One result per port or range: its best reason. With o->like, (1) then
 * names that contain the query. Strings live as long as reg and the
 * process. Caller releases out, also after an error. */
PD_EXTERN int pd_search(const struct pd_registry *reg, const char *query, const struct pd_search_opts *o,
			struct pd_search *out) PD_WUR;
PD_EXTERN void pd_search_release(struct pd_search *s);
/* The search document (doc/schema/search.schema.json): {"query", "like",
 * "registry", "total", "results": [...]}, each result with its match
 * reason. */
PD_EXTERN int pd_search_json(const struct pd_registry *reg, const char *query, int like,
			     const struct pd_search *s, struct pd_buf *out) PD_WUR;

/* ---- the facts about one port: one model, every output renders it ----
 * The card, `portdex PORT --json`, the page (text, Markdown, HTML, JSON),
 * the site and the server's /api/v1/ports/N all render a pd_port_facts,
 * so they tell the same facts with the same limits, in the same order. */
#define PD_HISTORY_MAX 16    /* events of a block's history kept, newest first */
#define PD_KB_MAX 32         /* knowledge-base facts kept */
#define PD_SERVICES_MAX 32   /* assigned records kept per transport */
#define PD_NEIGHBOUR_MAX 16  /* assigned records kept of a neighbour */
#define PD_LISTENING_MAX 16  /* sockets kept that listen on the port */

/* What a caller knows about this host. The model reads nothing of the host
 * itself: whatever is NULL here is left out of every output. The command
 * passes one in; the export and the public server pass NULL. */
struct pd_host_snapshot {
	const struct pd_host *host;            /* sysctls (pd_host_read), or NULL */
	const struct pd_socket_list *sockets;  /* listening sockets, at least those on the
						* port, or NULL: not looked */
	int bind_test;                         /* 1: the verdict may bind the port to see
						* whether it is free */
};

/* A neighbour: the nearest port below or above that is assigned on some
 * transport, with its assigned records (transport by transport, primary
 * first). */
struct pd_neighbour {
	int found;
	unsigned port;
	struct pd_entry svc[PD_NEIGHBOUR_MAX];
	int proto[PD_NEIGHBOUR_MAX];           /* the transport each record was found on */
	size_t n;
};

struct pd_port_facts {
	const struct pd_registry *reg;
	unsigned port;
	enum pd_class cls;
	unsigned class_first, class_last;
	enum pd_status st[PD_NPROTO], overall;  /* per transport; the strongest */
	struct pd_entry svc[PD_NPROTO][PD_SERVICES_MAX]; /* assigned records, primary first */
	size_t nsvc[PD_NPROTO];
	struct pd_entry row[PD_NPROTO];          /* the registry row that lists it */
	int has_row[PD_NPROTO];
	int in_block;                            /* the block around it, when there is one */
	struct pd_block blk;
	struct pd_neighbour below, above;        /* outside the block (or the port) */
	struct pd_history hist[PD_HISTORY_MAX];
	size_t nhist;
	struct pd_fact kb[PD_KB_MAX];            /* curated facts (use, malware, ...), file order */
	size_t nkb;
	const struct pd_host *host;              /* from the snapshot, or NULL */
	int listening_known;                     /* 1: the snapshot had a socket listing */
	const char *listening_method;            /* its method ("netlink", ...) */
	const struct pd_socket *listening[PD_LISTENING_MAX]; /* those on the port, in the
						  * snapshot's list (valid while it is) */
	size_t nlistening;
	int has_verdict;                         /* PD_FACTS_VERDICT asked and had */
	struct pd_check verdict;                 /* for tcp and udp together */
	unsigned sugg[3];                        /* PD_FACTS_SUGGEST: ports with no objection */
	size_t nsugg;
};

enum { PD_FACTS_VERDICT = 1, PD_FACTS_SUGGEST = 2 };
struct pd_facts_opts {
	unsigned want;                       /* PD_FACTS_VERDICT, PD_FACTS_SUGGEST */
	const struct pd_check_opts *check;   /* the verdict's data files (datadir,
					      * nmap_services), or NULL; its host
					      * fields are ignored: the snapshot says */
	const char *lang;                    /* the verdict's reasons and the knowledge
					      * base's facts in this language: "en" or
					      * NULL, "fr", "ms" (pd_lang_code) */
	void *reserved[3];                   /* zero (see "Options structs" above) */
};
/* Gathers the facts about port. host (may be NULL) is all the model knows
 * of this host: with NULL nothing reads /proc or binds a socket. o may be
 * NULL (no verdict, no suggestions). Caller releases out, also after an
 * error. */
PD_EXTERN int pd_port_facts_build(const struct pd_registry *reg, unsigned port, const struct pd_host_snapshot *host,
			const struct pd_facts_opts *o, struct pd_port_facts *out) PD_WUR;
PD_EXTERN void pd_port_facts_release(struct pd_port_facts *f);
/* The port document (JSON, see doc/schema/port.schema.json): one object;
 * proto PD_PROTO_ANY or the one transport to show. */
PD_EXTERN int pd_port_facts_json(const struct pd_port_facts *f, int proto, struct pd_buf *out) PD_WUR;

/* ---- languages of the site (lib/base/i18n.c, data/i18n/) ----
 * The pages, the site and the verdict's reasons are written in English,
 * French or Malay, from one message catalogue per language. Options take a
 * language as its code ("en", "fr", "ms"); NULL means English. */
enum pd_lang { PD_LANG_EN, PD_LANG_FR, PD_LANG_MS };
#define PD_NLANG 3
/* "en", "fr", "ms" (also "en-GB", "fr-CA", "ms-MY": the part before "-",
 * any case) to a pd_lang; PD_EINVAL for anything else or NULL. */
PD_EXTERN int pd_lang_parse(const char *s);
/* The code of a pd_lang ("en"), and its name in itself ("Français");
 * NULL past the end. */
PD_EXTERN const char *pd_lang_code(int lang);
PD_EXTERN const char *pd_lang_name(int lang);
/* The language an Accept-Language header asks for (RFC 9110 12.5.4: the
 * highest q among the three, the earlier one on a tie, q=0 refusing),
 * PD_LANG_EN when it names none of them or is NULL, malformed or too
 * long. */
PD_EXTERN int pd_lang_negotiate(const char *accept_language);

/* ---- pages: the encyclopedia (lib/site/: page.c, site.c, render.c) ---- */
enum pd_format { PD_FMT_TEXT, PD_FMT_MARKDOWN, PD_FMT_HTML, PD_FMT_JSON };
PD_EXTERN int pd_format_parse(const char *s);   /* "text", "markdown", "html", "json" or PD_EINVAL */

struct pd_site_opts {
	const char *root;        /* path from the page to the site root: "/" (server), "../" (static) */
	const char *ext;         /* added to page links: "" (server) or ".html" (static export) */
	const struct pd_host_snapshot *host; /* this host's facts; NULL leaves them out (and
					      * then nothing reads /proc or binds a socket) */
	const struct pd_check_opts *check; /* the verdict's data files; NULL: the defaults */
	int inline_map;          /* HTML: the whole SVG map inline (else an <img> of root/maps/W.svg) */
	int feedback;            /* HTML: the "did this page answer your question?" form */
	unsigned votes_yes, votes_no;
	const char *feedback_note; /* HTML: a line shown by the form (e.g. "thank you"), or NULL */
	unsigned feedback_flags; /* HTML: PD_FEEDBACK_* */
	int link_assets;         /* HTML: link root/portdex.css and the scripts as files (the static
				  * export writes them once) instead of carrying them in every page */
	const char *lang;        /* the pages' language: "en" or NULL, "fr", "ms" (pd_lang_code).
				  * Pages of another language than English live under root/LANG/:
				  * their links to pages go there, to assets still to root */
	unsigned langs;          /* HTML: the languages the site has, a bit per enum pd_lang
				  * (1u << PD_LANG_FR ...); 0: all of them. The frame's language
				  * switcher and alternates name only these (and the page's own),
				  * and are left out of a site of one language */
	unsigned reserved[1];    /* zero (see "Options structs" above) */
};

/* feedback_flags: show the second step of the form (why, and a comment)
 * open; say that comments are published (the server's --publish-comments) */
#define PD_FEEDBACK_ASK_WHY 1u
#define PD_FEEDBACK_PUBLISHED 2u

/* The page of one port. */
PD_EXTERN int pd_page(const struct pd_registry *reg, unsigned port, enum pd_format f,
	    const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;
/* The same in several formats at once (the facts are gathered once):
 * out[f] receives format f, or is NULL to skip it. */
PD_EXTERN int pd_page_formats(const struct pd_registry *reg, unsigned port, const struct pd_site_opts *o,
		    struct pd_buf *out[4]) PD_WUR;

enum pd_site_page { PD_SITE_HOME, PD_SITE_SYSTEM, PD_SITE_USER, PD_SITE_DYNAMIC, PD_SITE_BLOCKS,
		    PD_SITE_COMMON, PD_SITE_SEARCH, PD_SITE_COUNT };
/* "index", "ranges/system", ..., "blocks", "common", "search". PD_SITE_SEARCH
 * is the static site's search page: it searches root/search-index.json in
 * the browser (see pd_search_index()). */
PD_EXTERN const char *pd_site_page_path(enum pd_site_page p);
PD_EXTERN int pd_site_page(const struct pd_registry *reg, enum pd_site_page p, enum pd_format f,
		 const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;
/* The page of the unassigned block that begins at first (a pd_block's
 * first port): its ports, how it shrank, its map and advice for a new
 * service in it; at root "blocks/FIRST" ext. Text, Markdown or HTML
 * (PD_EINVAL for JSON); PD_ENOTFOUND when no block begins at first. */
PD_EXTERN int pd_block_page(const struct pd_registry *reg, unsigned first, enum pd_format f,
			    const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;

/* The site's HTML frame, for pages a program makes of its own (the
 * server's search and error pages) so that they look like the others:
 * pd_site_frame_top writes the head (the title, as "TITLE - portdex"), the
 * style and the navigation, ending with "<main>"; pd_site_frame_end writes
 * from "</main>" on (the footer). Every HTML page of pd_page() and
 * pd_site_page() is top, its content, end. Appends to out; PD_EINVAL,
 * PD_ENOMEM. */
PD_EXTERN int pd_site_frame_top(const char *title, const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;
PD_EXTERN int pd_site_frame_end(struct pd_buf *out) PD_WUR;
/* The frame in o->lang: <html lang>, the navigation, the language switcher
 * and the footer in that language, its links to the pages of that language
 * (root/LANG/), the style and scripts still from o->root.
 * pd_site_frame_top_at also knows the page's path relative to its
 * language's root ("port/926", "blocks/916", "ranges/system", "search", ""
 * for the home page): the head links to the same page in each language
 * (<link rel="alternate" hreflang="en|fr|ms|x-default">, x-default the
 * English one, or the first of o->langs without English) and the
 * switcher to it, both for the languages of o->langs. pd_site_frame_top is
 * pd_site_frame_top_at with path NULL: no alternates, the switcher links
 * to each language's home page. pd_site_frame_end is pd_site_frame_end_lang
 * with o NULL: the English end. */
PD_EXTERN int pd_site_frame_top_at(const char *title, const char *path, const struct pd_site_opts *o,
				   struct pd_buf *out) PD_WUR;
PD_EXTERN int pd_site_frame_end_lang(const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;

/* A static site in o->dir: an HTML page and a JSON file for every port,
 * the site pages, maps, search index and sitemap.xml (URLs under
 * base_url, default http://localhost/), the pages and maps in each language
 * of o->langs (the sitemaps list every page in each, with its versions in
 * the others). Only files whose content changed
 * are written, each through a temporary file and a rename; a first export
 * writes the port files in a hidden directory renamed into place at the
 * end, so no half-written page is ever visible. *stop (may be NULL),
 * set from a signal handler, ends it early with PD_ECANCELED. progress, if
 * set, is called now and then from the working threads. On return, files
 * and written say how many files the site has and how many were written. */
struct pd_export_opts {
	const char *dir;
	const char *base_url;
	volatile sig_atomic_t *stop;
	void (*progress)(void *ctx, unsigned done, unsigned total);
	void *ctx;
	size_t files, written;   /* out */
	int gzip;                /* also write FILE.gz beside each page, script and document for
				  * servers that serve precompressed files (needs the gzip module) */
	unsigned langs;          /* the languages of the pages: a bit per enum pd_lang
				  * (1u << PD_LANG_FR); 0: all of them. English is at the root,
				  * another language LANG under LANG/; the port documents
				  * (port/N.json), the search index and the assets are written
				  * once, at the root, whatever the languages */
	void *reserved[2];       /* zero (see "Options structs" above) */
};
PD_EXTERN int pd_export(const struct pd_registry *reg, struct pd_export_opts *o, char *err, size_t errlen) PD_WUR;

/* The static site's search index (lib/advice/search.c): every record
 * pd_search() looks at, in its order, with what it needs to rank them
 * (data/site/search.js runs the same ranking on it): {"format": 2,
 * "nmap": true|false, "records": [...]}, a record being
 * ["p", [names], what, first, last, "tcp,udp", freq, iana label] (products),
 * ["i", name, description, first, last, "tcp,udp", freq, status] (IANA) or
 * ["u" or "m", text, first, last, "tcp", freq, iana label] (knowledge uses
 * and malware). */
PD_EXTERN int pd_search_index(const struct pd_registry *reg, struct pd_buf *out) PD_WUR;

/* The SVG map of a port's neighbourhood: the 1,024 ports of its window
 * (port / 1024, 32 to a row) coloured and patterned by status, with a
 * legend and a text alternative. layer: PD_MAP_WINDOW (the window alone,
 * the same for every port in it), PD_MAP_FULL (the window with the block
 * outlined and the port marked) or PD_MAP_OVERLAY (only the outline and
 * the mark, to lay over the window's image). */
enum pd_map_layer { PD_MAP_WINDOW = 0, PD_MAP_FULL = 1, PD_MAP_OVERLAY = 2 };
PD_EXTERN int pd_map_svg(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer,
	       struct pd_buf *out) PD_WUR;
/* The same, for a site whose pages are under o->root with o->ext (as seen
 * from the map's own address, e.g. "../" and ".html" for maps/W.svg of
 * the export): each cell of the window is also a link to its port's page
 * with a title (port, status, service). o NULL: pd_map_svg. */
PD_EXTERN int pd_map_svg_site(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer,
		    const struct pd_site_opts *o, struct pd_buf *out) PD_WUR;

/* ---- update ---- */
/* Reads FILE or URL (http://, https://, file://) into memory, at most max
 * bytes; URLs need the fetch module (libcurl). A download gives up
 * (PD_EFETCH) when the server sends nothing for 30 s (the environment
 * variable PORTDEX_FETCH_IDLE_TIMEOUT, 1-3600 s, changes it for tests). */
PD_EXTERN int pd_fetch(const char *what, size_t max, struct pd_buf *out, struct pd_buf *errmsg) PD_WUR;
/* $XDG_DATA_HOME/portdex or ~/.local/share/portdex (not created). */
PD_EXTERN int pd_data_dir(struct pd_buf *out) PD_WUR;

#ifdef __cplusplus
}
#endif
#endif
