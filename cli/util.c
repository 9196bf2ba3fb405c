/* util.c: helpers shared by the portdex subcommands */
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jw.h"

void cli_error(const char *fmt, ...)
{
	struct pd_buf b = PD_BUF_INIT;
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* the whole message through pd_buf_text: whatever it quotes (a file
	 * name, a library's reason, data) cannot drive the terminal */
	pd_buf_puts(&b, "portdex: ");
	pd_buf_text(&b, n >= 0 ? msg : fmt);
	pd_buf_putc(&b, '\n');
	fputs(b.err ? "portdex: out of memory\n" : pd_buf_str(&b), stderr);
	pd_buf_release(&b);
	free(msg);
}

const char *cli_quote(const char *s, char *buf, size_t n)
{
	struct pd_buf b = PD_BUF_INIT;
	const char *p = s, *start = s;
	size_t shown = 0;

	/* at most 40 characters (160 bytes), as pd_buf_text shows them, and
	 * ' as \x27 */
	for (; *p && shown < 40 && p - start < 160; p++) {
		shown += ((unsigned char)*p & 0xc0) != 0x80;
		if (*p == '\'') {
			pd_buf_text_n(&b, s, (size_t)(p - s));
			pd_buf_puts(&b, "\\x27");
			s = p + 1;
		}
	}
	while (*p && ((unsigned char)*p & 0xc0) == 0x80 && p - start < 164)
		p++; /* the rest of the last character */
	pd_buf_text_n(&b, s, (size_t)(p - s));
	if (*p)
		pd_buf_puts(&b, "...");
	snprintf(buf, n, "%s", b.err ? "(out of memory)" : pd_buf_str(&b));
	if (b.len >= n && n > 4) /* too long for buf: cut (escapes are ASCII), and say so */
		memcpy(buf + n - 4, "...", 4);
	pd_buf_release(&b);
	return buf;
}

void cli_wrap(struct pd_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
	struct pd_buf t = PD_BUF_INIT;

	pd_buf_text(&t, text);
	if (t.err)
		b->err = b->err ? b->err : t.err;
	else
		pd_buf_wrap(b, pd_buf_str(&t), col, indent, width);
	pd_buf_release(&t);
}

size_t cli_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

int cli_bad_query(const char *arg)
{
	char q[256];

	if (!*arg)
		cli_error("empty query: give a port (0-65535), a range A-B or a service name");
	else if (strlen(arg) > 60)
		cli_error("'%s' is too long for a port or service name", cli_quote(arg, q, sizeof(q)));
	else if (strchr(arg, '/') && pd_proto_parse(strchr(arg, '/') + 1, strlen(strchr(arg, '/') + 1)) < 0)
		cli_error("'%s' names an unknown transport (tcp, udp, sctp, dccp)", cli_quote(arg, q, sizeof(q)));
	else if (strchr("0123456789-", arg[0]))
		cli_error("'%s' is not a port (0-65535) or a range A-B with A <= B", cli_quote(arg, q, sizeof(q)));
	else
		cli_error("'%s' is not a port or a service name", cli_quote(arg, q, sizeof(q)));
	return EXIT_USAGE;
}

static int open_path(struct cli *c, const char *path)
{
	char q[256], err[512] = "";
	int rc = pd_registry_open_file(path, &c->reg, err, sizeof(err));

	if (rc) {
		cli_error("cannot use registry '%s': %s", cli_quote(path, q, sizeof(q)),
			  *err ? err : pd_strerror(rc));
		return rc == PD_EIO || rc == PD_EMODULE ? EXIT_FAILURE_OP : EXIT_USAGE;
	}
	return EXIT_ANSWERED;
}

int cli_installed_path(struct pd_buf *path)
{
	if (pd_data_dir(path))
		return -1;
	pd_buf_puts(path, "/registry.pdx");
	return path->err ? -1 : 0;
}

int cli_open_installed(const char *path, struct pd_registry **reg, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	*reg = NULL;
	err[0] = '\0';
	if (stat(path, &st)) {
		/* a directory this user cannot search holds no registry of his */
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
			return PD_ENOTFOUND;
		snprintf(err, errlen, "%s", strerror(errno));
		return PD_EIO;
	}
	rc = pd_registry_open_file(path, reg, err, errlen);
	if (rc && !*err)
		snprintf(err, errlen, "%s", pd_strerror(rc));
	return rc;
}

void cli_installed_error(const char *path, const char *why)
{
	cli_error("installed registry '%s' is unusable (%s); repair it with 'portdex update' or 'portdex update --from FILE'",
		  path, why);
}

/* --registry, then PORTDEX_REGISTRY, then what `portdex update` stored,
 * then the compiled-in registry. An installed registry that cannot be
 * used is an operational failure: answering from the compiled-in one instead
 * would hide it. */
int cli_open_registry(struct cli *c)
{
	struct pd_buf path = PD_BUF_INIT;
	char err[512];
	int rc;

	if (c->reg)
		return EXIT_ANSWERED;
	if (c->registry_path)
		return open_path(c, c->registry_path);
	if (!cli_installed_path(&path)) {
		rc = cli_open_installed(path.s, &c->reg, err, sizeof(err));
		if (rc != PD_ENOTFOUND) {
			if (rc)
				cli_installed_error(path.s, err);
			pd_buf_release(&path);
			return rc ? EXIT_FAILURE_OP : EXIT_ANSWERED;
		}
	}
	pd_buf_release(&path);
	rc = pd_registry_open_default(&c->reg);
	if (rc) {
		cli_error("no registry compiled in: %s", pd_strerror(rc));
		return EXIT_FAILURE_OP;
	}
	return EXIT_ANSWERED;
}

int cli_write(const struct pd_buf *b)
{
	if (b->err) {
		cli_error("%s", pd_strerror(b->err));
		return EXIT_FAILURE_OP;
	}
	if (b->len && fwrite(b->s, 1, b->len, stdout) != b->len) {
		cli_error("cannot write output: %s", strerror(errno));
		return EXIT_FAILURE_OP;
	}
	if (fflush(stdout)) {
		cli_error("cannot write output: %s", strerror(errno));
		return EXIT_FAILURE_OP;
	}
	return EXIT_ANSWERED;
}

const char *cli_c(const struct cli *c, const char *code)
{
	if (!c->color)
		return "";
	if (!strcmp(code, "bold")) return "\033[1m";
	if (!strcmp(code, "dim")) return "\033[2m";
	if (!strcmp(code, "green")) return "\033[32m";
	if (!strcmp(code, "yellow")) return "\033[33m";
	if (!strcmp(code, "cyan")) return "\033[36m";
	if (!strcmp(code, "red")) return "\033[31m";
	return "\033[0m";
}

/* "A-B", "system", "user" or "dynamic" */
int cli_parse_range(const char *s, unsigned *first, unsigned *last)
{
	const char *p = s;

	for (int k = PD_SYSTEM; k <= PD_DYNAMIC; k++)
		if (!strcmp(s, pd_class_name((enum pd_class)k))) {
			pd_class_bounds((enum pd_class)k, first, last);
			return 0;
		}
	if (pd_parse_port(&p, first))
		return -1;
	*last = *first;
	if (*p == '-') {
		p++;
		if (pd_parse_port(&p, last))
			return -1;
	}
	return *p || *last < *first ? -1 : 0;
}

void cli_registry_jw(const struct cli *c, struct pd__jw *w)
{
	pd__jw_key(w, "registry");
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "source", pd_registry_source(c->reg));
	pd__jw_kstr(w, "updated", pd_registry_updated(c->reg));
	pd__jw_end_object(w);
}

#define SNAPSHOT_MAX_QUERIES 64

const struct pd_host_snapshot *cli_host_snapshot(struct cli *c, const unsigned *ports, size_t n, int bind_test)
{
	const char *proc = getenv("PORTDEX_PROC"), *nonl = getenv("PORTDEX_NO_NETLINK");
	struct pd_query q[SNAPSHOT_MAX_QUERIES];
	struct pd_listen_opts o;

	if (pd_host_read(&c->host, proc && *proc ? proc : NULL))
		return NULL;
	memset(&c->snap, 0, sizeof(c->snap));
	c->snap.host = &c->host;
	c->snap.bind_test = bind_test;
	/* more ports than that: a range, shown as a table without them */
	if (!n || n > SNAPSHOT_MAX_QUERIES)
		return &c->snap;
	memset(&o, 0, sizeof(o));
	memset(q, 0, sizeof(q));
	for (size_t i = 0; i < n; i++) {
		q[i].kind = PD_Q_PORT;
		q[i].first = q[i].last = ports[i];
		q[i].proto = PD_PROTO_ANY;
	}
	o.queries = q;
	o.nqueries = n;
	o.owners = 1;
	o.procroot = proc && *proc ? proc : NULL;
	o.no_netlink = o.procroot || (nonl && !strcmp(nonl, "1"));
	if (pd_listening(&o, &c->socks)) {
		pd_socket_list_release(&c->socks);
		return &c->snap;
	}
	c->snap.sockets = &c->socks;
	return &c->snap;
}
