/* cli.h: what the portdex command's files share */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stdio.h>

#include "portdex.h"

/* Exit status, documented in portdex(1) */
enum pd_exit {
	EXIT_ANSWERED = 0,
	EXIT_NOTHING = 1,
	EXIT_USAGE = 2,
	EXIT_FAILURE_OP = 3,
};

struct cli {
	int json;
	int color;
	const char *registry_path;   /* --registry or PORTDEX_REGISTRY */
	/* list, gaps */
	const char *status;
	const char *transport;
	const char *range;
	const char *from;            /* update --from */
	int allow_older;             /* update --allow-older */
	long limit;
	/* listening */
	const char *netns;           /* --netns NAME|PID */
	int all_netns;
	const char *format;          /* --format table|prometheus */
	/* suggest */
	long count;                  /* --count, -1 unset */
	long hold;                   /* --hold SECONDS, -1 unset */
	/* export */
	const char *out;             /* --out DIR */
	const char *base_url;        /* --base-url URL (sitemap) */
	int gzip;                    /* --gzip */
	const char *lang;            /* page --lang LANG, export --lang LIST */
	/* serve, feedback (checked by portdex-serve) */
	const char *listen;          /* --listen ADDR:PORT */
	const char *db;              /* --db FILE or postgresql://... */
	const char *top;             /* --top N */
	int publish_comments;        /* serve --publish-comments */
	int explain;                 /* suggest --explain */
	int no_header;               /* listening --no-header */
	const char *like;            /* search --like WORD */
	/* free */
	int yes;                     /* --yes: no question */
	int dry_run;                 /* --dry-run */
	const char *signal;          /* --signal SIG */
	const char *timeout;         /* --timeout SECONDS */
	int host_facts;              /* serve --host-facts */
	struct pd_registry *reg;
	struct pd_host host;
	struct pd_socket_list socks; /* cli_host_snapshot's listing */
	struct pd_host_snapshot snap;
};

struct command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *usage;           /* after "portdex " */
	const char *help;            /* one line, in `portdex help` */
	unsigned opts;               /* OPT_* this command accepts */
	const char *options;         /* "OPTION\tTEXT\n" for each of opts */
};

enum {
	OPT_STATUS = 1 << 0,
	OPT_TRANSPORT = 1 << 1,
	OPT_RANGE = 1 << 2,
	OPT_FROM = 1 << 3,
	OPT_LIMIT = 1 << 4,
	OPT_NETNS = 1 << 5,          /* --netns, --all-netns */
	OPT_FORMAT = 1 << 6,
	OPT_COUNT = 1 << 7,
	OPT_HOLD = 1 << 8,
	OPT_OUT = 1 << 9,            /* --out, --base-url */
	OPT_LISTEN = 1 << 10,
	OPT_DB = 1 << 11,
	OPT_TOP = 1 << 12,
	OPT_ALLOW_OLDER = 1 << 13,
	OPT_EXPLAIN = 1 << 14,
	OPT_NO_HEADER = 1 << 15,
	OPT_LIKE = 1 << 16,
	OPT_FREE = 1 << 17,          /* --yes, --signal, --timeout, --dry-run */
	OPT_PUBLISH = 1 << 18,       /* serve --publish-comments */
	OPT_HOST_FACTS = 1 << 19,
	OPT_LANG = 1 << 20,          /* page, export --lang */
};

/* util.c */
/* What this host tells about the ports ports[0..n): its sysctls, the sockets
 * listening on them (the per-port netlink query; PORTDEX_PROC replays a
 * recorded /proc instead) and, with bind_test, leave to bind them for the
 * verdict. Fills c->host, c->socks and c->snap, and returns &c->snap; a
 * failed listing leaves the sockets out. NULL only when out of memory. */
const struct pd_host_snapshot *cli_host_snapshot(struct cli *c, const unsigned *ports, size_t n, int bind_test);
/* "portdex: MESSAGE" on stderr, the message through pd_buf_text (what it
 * quotes cannot drive the terminal); also for notices */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quotes user input for a message: as pd_buf_text shows it, ' as \x27,
 * cut at 40 characters. */
const char *cli_quote(const char *s, char *buf, size_t n);
/* pd_buf_wrap of text from outside: made visible first, so that its
 * newlines are shown ("\x0a") rather than taken for line breaks */
void cli_wrap(struct pd_buf *b, const char *text, size_t col, size_t indent, size_t width);
/* Columns of text already made visible: one per UTF-8 character */
size_t cli_width(const char *s);
int cli_bad_query(const char *arg);               /* prints why, returns EXIT_USAGE */
int cli_open_registry(struct cli *c);             /* EXIT_* */
/* $XDG_DATA_HOME/portdex/registry.pdx: 0, or -1 when there is no data directory */
int cli_installed_path(struct pd_buf *path);
/* Opens the registry `portdex update` installed at path: 0; PD_ENOTFOUND
 * when there is none; else the error, with a reason in err (opening checks
 * the image's checksum and structure). */
int cli_open_installed(const char *path, struct pd_registry **reg, char *err, size_t errlen);
/* One line: the installed registry is damaged or unreadable, and how to repair it */
void cli_installed_error(const char *path, const char *why);
int cli_write(const struct pd_buf *b);            /* writes to stdout; EXIT_* */
const char *cli_c(const struct cli *c, const char *code); /* ANSI code or "" */
int cli_parse_range(const char *s, unsigned *first, unsigned *last);
struct pd__jw;
void cli_registry_jw(const struct cli *c, struct pd__jw *w);  /* "registry":{"source","updated"} */

int cmd_lookup(struct cli *c, int argc, char **argv);
int cmd_search(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_gaps(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_services(struct cli *c, int argc, char **argv);
int cmd_update(struct cli *c, int argc, char **argv);
int cmd_diff(struct cli *c, int argc, char **argv);
int cmd_listening(struct cli *c, int argc, char **argv);
/* cmd_listening.c: the owner's container, pod and unit in words ("" none) */
void cli_owner_note(struct pd_buf *b, const struct pd_owner *o);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_free(struct cli *c, int argc, char **argv);
int cmd_suggest(struct cli *c, int argc, char **argv);
int cmd_page(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
/* server/serve.c: exec portdex-serve, which alone links the HTTP server,
 * SQLite and zlib */
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_feedback(struct cli *c, int argc, char **argv);

#endif
