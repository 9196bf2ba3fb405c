/* check.h: what check.c, suggest.c and curated.c share: the curated lists
 * (browser-blocked ports, known collisions), nmap's open-frequency table,
 * and the rule engine behind pd_check_port() and pd_suggest(). */
#ifndef PD_CHECK_H
#define PD_CHECK_H

#include <stdint.h>

#include "portdex.h"

/* ---- the suggestion walk (suggest.c) ---- */
/* A fixed pseudo-random order of 0..n-1 (n >= 1) that visits each number
 * exactly once: a 4-round Feistel network over the smallest power of four
 * >= n, keyed by `key`, skipping values >= n. The same key and n give
 * the same order on every machine. */
struct pd__walk {
	uint64_t key;
	uint32_t n, half_bits;
	uint64_t i, domain;
};
void pd__walk_init(struct pd__walk *w, uint64_t key, uint32_t n);
int pd__walk_next(struct pd__walk *w, uint32_t *out); /* 1 and the next value, or 0 at the end */
/* FNV-1a 64 of the name with ASCII letters lower-cased: the walk key of a
 * named suggestion. */
uint64_t pd__name_key(const char *name);

/* ---- curated lists (curated.c) ---- */
#define PD__MAX_LISTS 8

struct pd__list {
	const char *key, *name, *url;
};

struct pd__bad_port {
	unsigned port;
	unsigned lists;          /* bit i: lists[i] contains it */
	const char *service;
};

struct pd__collision {
	unsigned first, last;
	const char *what, *url;
};

struct pd__curated {
	char *text[2];           /* owned copies the fields point into */
	const char *browsers_recorded, *collisions_recorded; /* "YYYY-MM-DD" or "" */
	struct pd__list lists[PD__MAX_LISTS];
	size_t nlists;
	struct pd__bad_port *bad;        /* ascending port */
	size_t nbad;
	struct pd__collision *coll;      /* ascending first */
	size_t ncoll;
	size_t bad_lines;                /* lines neither parser understood */
};

/* Parse the two TSV formats (see the headers of the data/ files). Lines that do
 * not parse are counted in bad_lines and skipped; errors are PD_ENOMEM and
 * PD_ETOOBIG only. The text is copied. */
int pd__curated_browsers(struct pd__curated *c, const char *text, size_t len) PD_WUR;
int pd__curated_collisions(struct pd__curated *c, const char *text, size_t len) PD_WUR;
/* Both lists: compiled in (datadir NULL) or from datadir. */
int pd__curated_load(struct pd__curated *c, const char *datadir) PD_WUR;
void pd__curated_release(struct pd__curated *c);
/* The compiled-in lists, parsed once per process (thread-safe, read-only). */
int pd__curated_shared(const struct pd__curated **out) PD_WUR;
const struct pd__bad_port *pd__curated_blocked(const struct pd__curated *c, unsigned port);
/* The first collision that contains port, or NULL; *next continues the
 * search (pass the previous result). */
const struct pd__collision *pd__curated_collision(const struct pd__curated *c, unsigned port,
						  const struct pd__collision *prev);

/* ---- nmap-services (curated.c) ---- */
struct pd__nmap_port {
	uint16_t port;
	uint8_t proto;
	uint32_t freq;           /* open-frequency in millionths (0.484143 -> 484143) */
	uint32_t rank;           /* 1 = most often open of its transport; ties share a rank */
};

struct pd__nmap {
	struct pd__nmap_port *v; /* sorted by (proto, port) */
	size_t n;
	size_t total[PD_NPROTO]; /* entries per transport */
	int present;             /* 0: the file is absent (not an error) */
	char path[256];
};

#define PD__NMAP_TOP 1000        /* nmap's default scan: the 1000 most often open ports */
#define PD__NMAP_MAX (16u << 20) /* largest nmap-services we read */

/* Fills m's table (any old one is forgotten, not freed); release it after,
 * even on failure. */
int pd__nmap_parse(struct pd__nmap *m, const char *text, size_t len) PD_WUR;
/* path NULL: /usr/share/nmap/nmap-services. A missing file leaves
 * present = 0 and returns 0. */
int pd__nmap_load(struct pd__nmap *m, const char *path) PD_WUR;
/* The table of path (NULL: the default), read once per process while the
 * file stays the same (thread-safe, read-only); when it cannot be cached
 * (absent, unreadable) *out is scratch, which the caller releases. */
int pd__nmap_shared(const char *path, struct pd__nmap *scratch, const struct pd__nmap **out) PD_WUR;
const struct pd__nmap_port *pd__nmap_find(const struct pd__nmap *m, unsigned port, int proto);
void pd__nmap_release(struct pd__nmap *m);
/* The frequencies of ports[0..n) (ascending, each once) without building
 * a table: freq[i * PD_NPROTO + proto] in millionths, 0 when not listed (a
 * port listed twice: the higher). path NULL: the default; *present is 0
 * when the file is absent (not an error). */
int pd__nmap_freqs(const char *path, const uint16_t *ports, size_t n, uint32_t *freq, int *present) PD_WUR;

/* ---- the rule engine (check.c) ---- */
enum pd__rule {
	PD__R_PORT0, PD__R_ASSIGNED, PD__R_RESERVED, PD__R_OTHER_TRANSPORT, PD__R_SYSTEM,
	PD__R_DYNAMIC, PD__R_PRIVILEGED, PD__R_EPHEMERAL, PD__R_OS_EPHEMERAL,
	PD__R_LOCAL_RESERVED, PD__R_LISTENING, PD__R_BIND_IN_USE, PD__R_BIND_DENIED,
	PD__R_BROWSER, PD__R_COLLISION, PD__R_NMAP, PD__R_KNOWN,
	PD__R_COUNT
};
#define PD__BIT(r) (1u << (r))
/* rules that say where a port lies: set aside by pd_suggest when they would
 * exclude its whole range */
#define PD__PLACE_RULES (PD__BIT(PD__R_SYSTEM) | PD__BIT(PD__R_DYNAMIC) | \
			 PD__BIT(PD__R_PRIVILEGED) | PD__BIT(PD__R_BIND_DENIED) | \
			 PD__BIT(PD__R_OS_EPHEMERAL))
/* rules whose answer depends on this host */
#define PD__HOST_RULES (PD__BIT(PD__R_PRIVILEGED) | PD__BIT(PD__R_EPHEMERAL) | \
			PD__BIT(PD__R_LOCAL_RESERVED) | PD__BIT(PD__R_LISTENING) | \
			PD__BIT(PD__R_BIND_IN_USE) | PD__BIT(PD__R_BIND_DENIED) | \
			PD__BIT(PD__R_NMAP))

#define PD__LINUX_EPH_FIRST 32768u
#define PD__LINUX_EPH_LAST 60999u

/* Everything a verdict needs, read once. */
struct pd__ctx {
	const struct pd_registry *reg;
	const struct pd_check_opts *o;
	int lang;                        /* o->lang, parsed once (enum pd_lang) */
	const struct pd__curated *cur;   /* shared, or own_cur (datadir) */
	struct pd__curated own_cur;
	const struct pd__nmap *nmap;     /* shared, or own_nmap */
	struct pd__nmap own_nmap;
	struct pd_host host;
	struct pd_socket_list socks;     /* our own listing */
	const struct pd_socket_list *sl; /* the listing used: &socks or the caller's (o->sockets) */
	int socks_rc;            /* pd_listening's answer; 1: not asked */
	uint8_t busy[65536 / 8]; /* ports with a socket in socks */
	int oom;                 /* a reason could not be stored */
};

int pd__ctx_init(struct pd__ctx *x, const struct pd_registry *reg, const struct pd_check_opts *o) PD_WUR;
/* Lists the sockets on ports first..last for the transports of proto
 * (errors land in socks_rc, never fail the caller). */
void pd__ctx_listen(struct pd__ctx *x, unsigned first, unsigned last, int proto, int owners);
void pd__ctx_release(struct pd__ctx *x);

/* Writes message id (an enum pd__msg of msgs.h, data/i18n/) of lang with
 * its arguments, in the types its English text gives them, into text (cap
 * bytes, a struct pd_reason's text): a longer text is cut at a UTF-8
 * character boundary and ends with check_ellipsis ("..."). Returns the
 * length of the whole message, so that the caller can tell it was cut. */
size_t pd__reason_printf(char *text, size_t cap, int lang, int id, ...);

/* Applies every rule to (port, proto) except those in `skip`; returns the
 * bit set of rules that weigh acceptable or avoid. With out, adds every
 * reason (including the good ones). With stop, returns as soon as a rule in
 * stop hits (cheap rules first, the bind test last). fds (4 ints, may be
 * NULL): keep the bind test's sockets bound (TCP listening) instead of
 * closing them; -1 where none. */
unsigned pd__evaluate(struct pd__ctx *x, unsigned port, int proto, unsigned skip, unsigned stop,
		      struct pd_check *out, int *fds);

/* ---- the knowledge base in a language (knowledge.c) ----
 * As pd_facts and pd_fact_at, with each fact's text in lang (a pd_lang):
 * data/knowledge.tsv's French or Malay field, English where a line has
 * none (lang PD_LANG_EN, or not a pd_lang: English). */
size_t pd__facts_lang(unsigned port, int lang, struct pd_fact *out, size_t max);
int pd__fact_at_lang(size_t i, int lang, struct pd_fact *out);
/* Splits one line of data/knowledge.tsv in place: six tab-separated
 * fields (first, last, transport, kind, text, source), or eight with the
 * text in French and in Malay after the source. Returns 1 with the fact
 * (its text English) and text[lang] the text in each language (English
 * where the line has none), or 0 if the line is not a well-formed fact:
 * another number of fields, an empty text or translation, a bad port,
 * transport or kind. */
int pd__fact_parse(char *line, struct pd_fact *f, const char *text[PD_NLANG]);

/* ---- JSON (check_json.c) ---- */
struct pd__jw;
/* One reason: {"topic", "rule", "weight", "text"}, the same object in the
 * check, suggest and port documents */
void pd__reason_jw(struct pd__jw *w, const struct pd_reason *r);
#endif
