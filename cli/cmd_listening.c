/* cmd_listening.c: `portdex listening [QUERY...]` (alias `portdex who`):
 * the sockets listening on this host, the processes that hold them and
 * what the registry says of their ports, as a table, JSON (--json) or
 * Prometheus metrics (--format prometheus). */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ENTRIES 256

enum format { F_TABLE, F_JSON, F_PROM };

/* ---- names: services and users ---- */

/* The primary assigned service name of (port, proto), or NULL. */
static const char *service_name(const struct cli *c, unsigned port, int proto)
{
	uint32_t idx[16];
	size_t k = pd_registry_lookup(c->reg, port, proto, idx, 16);
	struct pd_entry e;

	for (size_t i = 0; i < k && i < 16; i++)
		if (!pd_registry_entry(c->reg, idx[i], &e) && e.status == PD_ASSIGNED && *e.name)
			return e.name;
	return NULL;
}

struct users {
	struct { unsigned uid; char name[33]; } v[64];
	size_t n;
};

/* A user's name, or the uid as digits when it has none (or an odd one:
 * the output carries only printable ASCII names). */
static const char *user_name(struct users *u, unsigned uid)
{
	struct passwd pw, *res = NULL;
	char buf[2048];
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->v[i].uid == uid)
			return u->v[i].name;
	if (u->n == sizeof(u->v) / sizeof(u->v[0]))
		u->n = 0;  /* a small cache: start again */
	i = u->n++;
	u->v[i].uid = uid;
	snprintf(u->v[i].name, sizeof(u->v[i].name), "%u", uid);
	if (uid != (unsigned)-1 && !getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) && res &&
	    *pw.pw_name && strlen(pw.pw_name) < sizeof(u->v[i].name)) {
		int ok = 1;
		for (const char *p = pw.pw_name; *p; p++)
			ok &= *p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\';
		if (ok)
			snprintf(u->v[i].name, sizeof(u->v[i].name), "%s", pw.pw_name);
	}
	return u->v[i].name;
}

/* ---- the query ---- */

/* Ports the user asked for as pd_query ranges, service names resolved
 * through the registry (each entry's own transport). */
static int resolve(struct cli *c, int argc, char **argv, struct pd_query **out, size_t *nout, int *unknown)
{
	struct pd_query *v = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; i < argc; i++) {
		struct pd_query q;
		uint32_t idx[MAX_ENTRIES];
		size_t k, found = 0;
		char qb[256];

		if (pd_query_parse(argv[i], &q))
			continue;  /* checked before */
		if (q.kind != PD_Q_NAME) {
			k = 1;
		} else {
			k = pd_registry_find_name(c->reg, q.name, idx, MAX_ENTRIES);
			if (k > MAX_ENTRIES)
				k = MAX_ENTRIES;
		}
		for (size_t j = 0; j < k; j++) {
			struct pd_query r = q;
			if (q.kind == PD_Q_NAME) {
				struct pd_entry e;
				if (pd_registry_entry(c->reg, idx[j], &e) || !e.has_port)
					continue;
				if (q.proto != PD_PROTO_ANY && e.proto != PD_PROTO_ANY && e.proto != q.proto)
					continue;
				r.kind = e.first == e.last ? PD_Q_PORT : PD_Q_RANGE;
				r.first = e.first;
				r.last = e.last;
				r.proto = q.proto != PD_PROTO_ANY ? q.proto : e.proto;
			}
			if (n == cap) {
				struct pd_query *nv;
				cap = cap ? cap * 2 : 16;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					cli_error("out of memory");
					return EXIT_FAILURE_OP;
				}
				v = nv;
			}
			v[n++] = r;
			found++;
		}
		if (!found) {
			cli_error("no service named '%s' in the registry (try: portdex search %s)",
				  cli_quote(q.name, qb, sizeof(qb)), cli_quote(q.name, qb, sizeof(qb)));
			(*unknown)++;
		}
	}
	*out = v;
	*nout = n;
	return EXIT_ANSWERED;
}

/* ---- what a socket is, in words ---- */

static const char *family_note(const struct pd_socket *s)
{
	if (pd_socket_dual_stack(s))
		return "also IPv4";
	if (pd_socket_v4_mapped(s))
		return "IPv4 only (mapped)";
	if (s->family == 6 && s->v6only < 0 && !strcmp(s->addr, "::"))
		return "IPv4 too unless v6only";
	return NULL;
}

/* ---- the table ---- */

/* The columns a cell takes once made visible (pd_buf_text: a process
 * may name itself anything, a namespace is a file name); tmp is scratch. */
static size_t width(struct pd_buf *tmp, const char *s)
{
	tmp->len = 0;
	pd_buf_add(tmp, "", 0);
	pd_buf_text(tmp, s);
	return cli_width(pd_buf_str(tmp));
}

static void pad(struct pd_buf *b, size_t n)
{
	static const char spaces[] = "                                                                ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		pd_buf_add(b, spaces, k);
		n -= k;
	}
}

static size_t digits(unsigned long v)
{
	size_t n = 1;

	while (v >= 10)
		v /= 10, n++;
	return n;
}

static void put_num(struct pd_buf *b, unsigned long v)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	pd_buf_add(b, d + i, sizeof(d) - i);
}

enum { C_PROTO, C_ADDR, C_PORT, C_SERVICE, C_STATUS, C_RANGE, C_PID, C_COMMAND, C_USER, C_NETNS, C_NOTE, NCOL };
static const char *const headers[NCOL] = {
	"proto", "address", "port", "service", "status", "range", "pid", "command", "user", "netns", "note",
};

/* what the registry says of each socket's port, looked up once */
struct annot {
	const char *service;     /* "-" when none */
	enum pd_status status;
	const char *ns;          /* the netns cell: "-", its name, or the container in it */
	char *ns_own;            /* ns when it was made here (a container's), to free */
	size_t i;                /* the socket */
};

/* A namespace a container's processes own is shown as the container */
static int ns_cell(const struct pd_socket *s, struct annot *a)
{
	const struct pd_container *c = s->nowners ? s->owners[0].container : NULL;

	a->ns = *s->netns ? s->netns : "-";
	if (*s->netns && c && *c->name && !c->via_proxy) {
		size_t n = strlen(c->name) + strlen(c->engine) + 4;
		if (!(a->ns_own = malloc(n)))
			return PD_ENOMEM;
		snprintf(a->ns_own, n, "%s (%s)", c->name, c->engine);
		a->ns = a->ns_own;
	}
	return 0;
}

/* --all-netns: the host's sockets first, then each namespace's together */
static int cmp_ns(const void *a, const void *b)
{
	const struct annot *x = a, *y = b;
	int hx = !strcmp(x->ns, "-"), hy = !strcmp(y->ns, "-"), d;

	if (hx != hy)
		return hy - hx;
	if ((d = strcmp(x->ns, y->ns)))
		return d;
	return (x->i > y->i) - (x->i < y->i);
}

/* The cells of socket s's line for owner k (k > 0: a continuation line,
 * the owner only); NULL for an empty cell. num: the pid, or -1. */
static void row(struct users *u, const struct pd_socket *s, const struct annot *a, size_t k,
		const char *cell[NCOL], long *pid)
{
	memset(cell, 0, NCOL * sizeof(*cell));
	*pid = -1;
	if (k == 0) {
		static const char *const protos[2][3] = { { "tcp", "udp", "sctp" }, { "tcp6", "udp6", "sctp6" } };
		cell[C_PROTO] = protos[s->family == 6][s->proto < 3 ? s->proto : 0];
		cell[C_ADDR] = s->addr;
		cell[C_SERVICE] = a->service;
		cell[C_STATUS] = a->status == PD_UNASSIGNED ? "unassigned*" : pd_status_name(a->status);
		cell[C_RANGE] = pd_class_name(pd_port_class(s->port));
		cell[C_NETNS] = a->ns;
	}
	if (s->nowners) {
		*pid = s->owners[k].pid;
		cell[C_COMMAND] = *s->owners[k].comm ? s->owners[k].comm : "?";
		cell[C_USER] = user_name(u, s->owners[k].uid);
	} else {
		cell[C_PID] = "-";
		cell[C_COMMAND] = "-";
		cell[C_USER] = user_name(u, s->uid);
	}
}

/* Who the process is beyond its name: its container (and, for an engine's
 * proxy, the container's port), its pod, its systemd unit. "" when none. */
void cli_owner_note(struct pd_buf *b, const struct pd_owner *o)
{
	static const struct pd_container none;
	const struct pd_container *c = o->container ? o->container : &none;
	size_t start = b->len;

	if (*c->engine) {
		if (*c->name)
			pd_buf_printf(b, "%s (%s", c->name, c->engine);
		else if (*c->id)
			pd_buf_printf(b, "container %.12s (%s", c->id, c->engine);
		else
			pd_buf_printf(b, "a container (%s", c->engine);
		if (*c->image)
			pd_buf_printf(b, ", image %s", c->image);
		if (c->port)
			pd_buf_printf(b, ", %u/%s", c->port, c->proto >= 0 ? pd_proto_name(c->proto) : "tcp");
		if (c->unknown)
			pd_buf_printf(b, "; name unknown: %s", c->unknown);
		pd_buf_putc(b, ')');
		if (c->via_proxy)
			pd_buf_printf(b, " via %s", o->comm);
	}
	if (*c->pod || *c->pod_uid) {
		pd_buf_puts(b, b->len > start ? ", pod " : "pod ");
		if (*c->pod)
			pd_buf_printf(b, "%s/%s", *c->pod_namespace ? c->pod_namespace : "?", c->pod);
		else
			pd_buf_printf(b, "uid %s", c->pod_uid);
	}
	if (*o->unit)
		pd_buf_printf(b, "%s%s %s", b->len > start ? ", " : "", o->user_unit ? "user unit" : "unit", o->unit);
}

static void note(struct pd_buf *b, const struct pd_socket *s, size_t k)
{
	const char *fn = k == 0 ? family_note(s) : NULL;
	struct pd_buf on = PD_BUF_INIT;

	if (fn)
		pd_buf_puts(b, fn);
	if (!s->nowners && s->unknown) {
		pd_buf_puts(b, fn ? "; owner unknown: " : "owner unknown: ");
		pd_buf_puts(b, s->unknown);
	}
	if (s->nowners)
		cli_owner_note(&on, &s->owners[k]);
	if (on.len) {
		if (fn)
			pd_buf_puts(b, "; ");
		pd_buf_text(b, pd_buf_str(&on));
	}
	if (on.err && !b->err)
		b->err = on.err;
	pd_buf_release(&on);
}

static int table(struct cli *c, const struct pd_socket_list *l, int show_ns, struct pd_buf *b)
{
	struct users u = { .n = 0 };
	struct annot *an = calloc(l->n ? l->n : 1, sizeof(*an));
	struct pd_buf tmp = PD_BUF_INIT;
	const char *cell[NCOL];
	size_t w[NCOL];
	long pid;
	int unassigned = 0;

	if (!an)
		return PD_ENOMEM;
	for (int j = 0; j < NCOL; j++)
		w[j] = strlen(headers[j]);
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_socket *s = &l->v[i];
		const char *svc = service_name(c, s->port, s->proto);
		an[i].service = svc ? svc : "-";
		an[i].status = pd_registry_status(c->reg, s->port, s->proto);
		an[i].i = i;
		if (ns_cell(s, &an[i]) && !b->err)
			b->err = PD_ENOMEM;
		unassigned |= an[i].status == PD_UNASSIGNED;
		if (digits(s->port) > w[C_PORT])
			w[C_PORT] = digits(s->port);
		for (size_t k = 0; k < (s->nowners ? s->nowners : 1); k++) {
			row(&u, s, &an[i], k, cell, &pid);
			if (pid >= 0 && digits((unsigned long)pid) > w[C_PID])
				w[C_PID] = digits((unsigned long)pid);
			for (int j = 0; j < NCOL; j++)
				if (cell[j] && j != C_NOTE && width(&tmp, cell[j]) > w[j])
					w[j] = width(&tmp, cell[j]);
		}
	}
	if (!show_ns)
		w[C_NETNS] = 0;
	else if (c->all_netns)
		qsort(an, l->n, sizeof(*an), cmp_ns);
	if (!c->no_header) {
		pd_buf_puts(b, cli_c(c, "bold"));
		for (int j = 0; j < C_NOTE; j++)
			if (j != C_NETNS || show_ns) {
				pd_buf_puts(b, headers[j]);
				pad(b, w[j] - strlen(headers[j]) + 2);
			}
		pd_buf_printf(b, "%s%s\n", headers[C_NOTE], cli_c(c, "reset"));
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_socket *s = &l->v[an[i].i];
		for (size_t k = 0; k < (s->nowners ? s->nowners : 1); k++) {
			size_t owed = 0;  /* padding not written yet: none at the end of a line */
			row(&u, s, &an[i], k, cell, &pid);
			for (int j = 0; j < C_NOTE; j++) {
				size_t cw;
				if (j == C_NETNS && !show_ns)
					continue;
				if (j == C_PORT || j == C_PID) {
					unsigned long v = j == C_PORT ? s->port : (unsigned long)pid;
					int have = j == C_PORT ? k == 0 : pid >= 0;
					cw = have ? digits(v) : cell[j] ? 1 : 0;
					if (have || cell[j]) {
						pad(b, owed + w[j] - cw);  /* numbers to the right */
						owed = 0;
						if (have)
							put_num(b, v);
						else
							pd_buf_puts(b, cell[j]);
					} else {
						owed += w[j];
					}
					owed += 2;
					continue;
				}
				if (!cell[j]) {
					owed += w[j] + 2;
					continue;
				}
				pad(b, owed);
				if (j == C_STATUS)
					pd_buf_puts(b, cli_c(c, an[i].status == PD_ASSIGNED ? "green" : "yellow"));
				pd_buf_text(b, cell[j]);
				if (j == C_STATUS)
					pd_buf_puts(b, cli_c(c, "reset"));
				cw = width(&tmp, cell[j]);
				owed = w[j] - cw + 2;
			}
			{
				size_t before = b->len;
				pad(b, owed);
				note(b, s, k);
				if (b->len == before + owed)
					b->len = before;  /* no note: no trailing blanks */
			}
			pd_buf_putc(b, '\n');
		}
	}
	/* the footnote is for a reader: not in a pipe, nor without the header */
	if (unassigned && !c->no_header && isatty(STDOUT_FILENO))
		pd_buf_puts(b, "* unassigned: IANA has registered no service on this port and transport\n");
	for (size_t i = 0; i < l->n; i++)
		free(an[i].ns_own);
	free(an);
	pd_buf_release(&tmp);
	return b->err ? b->err : tmp.err;
}

/* ---- Prometheus text exposition format ---- */

/* a label value: made visible as for a terminal (pd_buf_text), then \ and
 * " escaped as the format wants */
static void prom_value(struct pd_buf *b, const char *raw)
{
	struct pd_buf t = PD_BUF_INIT;
	const char *s;

	pd_buf_text(&t, raw);
	if (t.err && !b->err)
		b->err = t.err;
	s = pd_buf_str(&t);
	pd_buf_putc(b, '"');
	for (; *s; s++) {  /* no newline left */
		if (*s == '\\' || *s == '"')
			pd_buf_putc(b, '\\');
		pd_buf_putc(b, *s);
	}
	pd_buf_putc(b, '"');
	pd_buf_release(&t);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts lines of labels and prints each distinct one with its count. */
static int prom_counts(struct pd_buf *b, const char *metric, char **lines, size_t n)
{
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(lines[i], lines[j]))
			j++;
		pd_buf_printf(b, "%s{%s} %zu\n", metric, lines[i], j - i);
		i = j;
	}
	return b->err;
}

static int prometheus(struct cli *c, const struct pd_socket_list *l, struct pd_buf *b)
{
	struct users u = { .n = 0 };
	size_t rows = 0, n = 0, unknown = 0;
	char **lines;
	int rc = 0;

	for (size_t i = 0; i < l->n; i++)
		rows += l->v[i].nowners ? l->v[i].nowners : 1;
	lines = calloc(rows + 1, sizeof(*lines));
	if (!lines) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l->n && !rc; i++) {
		const struct pd_socket *s = &l->v[i];
		const char *svc = service_name(c, s->port, s->proto);
		const char *st = pd_status_name(pd_registry_status(c->reg, s->port, s->proto));
		struct pd_buf t = PD_BUF_INIT;
		unknown += !s->nowners;
		for (size_t k = 0; k < (s->nowners ? s->nowners : 1); k++) {
			t.len = 0;
			pd_buf_printf(&t, "transport=\"%s\",family=\"%s\",address=", pd_proto_name(s->proto),
				      s->family == 6 ? "ipv6" : "ipv4");
			prom_value(&t, s->addr);
			pd_buf_printf(&t, ",port=\"%u\",service=", s->port);
			prom_value(&t, svc ? svc : "");
			pd_buf_printf(&t, ",status=\"%s\",pid=", st);
			if (s->nowners) {
				pd_buf_printf(&t, "\"%d\",command=", s->owners[k].pid);
				prom_value(&t, s->owners[k].comm);
				pd_buf_puts(&t, ",user=");
				prom_value(&t, user_name(&u, s->owners[k].uid));
				pd_buf_puts(&t, ",unit=");
				prom_value(&t, s->owners[k].unit);
				pd_buf_puts(&t, ",container=");
				prom_value(&t, s->owners[k].container ? s->owners[k].container->name : "");
				pd_buf_puts(&t, ",image=");
				prom_value(&t, s->owners[k].container ? s->owners[k].container->image : "");
			} else {
				pd_buf_puts(&t, "\"\",command=\"\",user=");
				prom_value(&t, user_name(&u, s->uid));
				pd_buf_puts(&t, ",unit=\"\",container=\"\",image=\"\"");
			}
			pd_buf_puts(&t, ",netns=");
			prom_value(&t, s->netns);
			if (t.err || !(lines[n++] = strdup(pd_buf_str(&t))))
				rc = PD_ENOMEM;
		}
		pd_buf_release(&t);
	}
	if (rc)
		goto out;
	pd_buf_puts(b, "# HELP portdex_listening_socket Listening sockets by address, port, registry status and owning process (one series per socket and owner; the value counts identical ones).\n"
		       "# TYPE portdex_listening_socket gauge\n");
	prom_counts(b, "portdex_listening_socket", lines, n);
	if ((rc = pd_listening_metrics(c->reg, l, b)))
		goto out;
	pd_buf_printf(b, "# HELP portdex_listening_owners_unknown Listening sockets whose owning process could not be found.\n"
		       "# TYPE portdex_listening_owners_unknown gauge\n"
		       "portdex_listening_owners_unknown %zu\n", unknown);
	rc = b->err;
out:
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

/* ---- the command ---- */

/* What the user asked for, in a sentence: "on 8080, 53/udp" */
static void asked(struct pd_buf *b, int argc, char **argv)
{
	char q[256];

	for (int i = 0; i < argc; i++)
		pd_buf_printf(b, "%s%s", i ? ", " : " on ", cli_quote(argv[i], q, sizeof(q)));
}

int cmd_listening(struct cli *c, int argc, char **argv)
{
	struct pd_listen_opts o;
	struct pd_socket_list l;
	struct pd_query *qs = NULL;
	struct pd_buf b = PD_BUF_INIT, what = PD_BUF_INIT;
	enum format fmt = c->json ? F_JSON : F_TABLE;
	const char *env;
	size_t nq = 0;
	int rc, err, show_ns, unknown = 0;
	char q[256];

	memset(&o, 0, sizeof(o));
	memset(&l, 0, sizeof(l));
	if (c->format && !strcmp(c->format, "prometheus")) {
		fmt = F_PROM;
	} else if (c->format && strcmp(c->format, "table")) {
		cli_error("'%s' is not an output format of listening (table, prometheus)",
			  cli_quote(c->format, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (fmt == F_PROM && c->json) {
		cli_error("--json and --format prometheus do not go together");
		return EXIT_USAGE;
	}
	if (c->netns && c->all_netns) {
		cli_error("--netns and --all-netns do not go together");
		return EXIT_USAGE;
	}
	if (c->transport) {
		int t = pd_proto_parse(c->transport, strlen(c->transport));
		if (t < 0 || t == PD_DCCP) {
			cli_error("'%s' is not a transport portdex listening covers (tcp, udp, sctp)",
				  cli_quote(c->transport, q, sizeof(q)));
			return EXIT_USAGE;
		}
		o.protos = 1u << t;
	}
	for (int i = 0; i < argc; i++) {
		struct pd_query pq;
		if (pd_query_parse(argv[i], &pq))
			return cli_bad_query(argv[i]);
	}
	if ((rc = cli_open_registry(c)))
		return rc;
	if (argc && (rc = resolve(c, argc, argv, &qs, &nq, &unknown)))
		goto out;
	if (unknown && !nq) {
		rc = EXIT_NOTHING;  /* every query an unknown name: said so */
		goto out;
	}
	o.queries = argc ? qs : NULL;
	o.nqueries = argc ? nq : 0;
	o.owners = 1;
	o.netns = c->netns;
	o.all_netns = c->all_netns;
	/* PORTDEX_PROC replays a recorded /proc (tests): no netlink then */
	env = getenv("PORTDEX_PROC");
	o.procroot = env && *env ? env : NULL;
	env = getenv("PORTDEX_NO_NETLINK");
	o.no_netlink = o.procroot || (env && !strcmp(env, "1"));

	err = pd_listening(&o, &l);
	switch (err) {
	case PD_OK:
		break;
	case PD_ENOTSUP:
		cli_error("portdex listening is not supported on this system yet");
		rc = EXIT_FAILURE_OP;
		goto out;
	case PD_EPERM:
		if (c->all_netns)
			cli_error("--all-netns needs root: it enters every network namespace%s",
				  geteuid() ? "" : " (and root was refused)");
		else
			cli_error("cannot enter network namespace '%s': permission denied%s",
				  cli_quote(c->netns ? c->netns : "", q, sizeof(q)),
				  geteuid() ? " (it needs root)" : "");
		rc = EXIT_FAILURE_OP;
		goto out;
	case PD_ENOTFOUND:
	case PD_EINVAL:
		if (c->netns) {
			cli_error("no network namespace '%s' (neither a name in /run/netns nor a process id)",
				  cli_quote(c->netns, q, sizeof(q)));
			rc = EXIT_USAGE;
			goto out;
		}
		/* fall through */
	default:
		cli_error("cannot list the listening sockets: %s", pd_strerror(err));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	show_ns = c->netns || c->all_netns;
	for (size_t i = 0; i < l.n && !show_ns; i++)
		show_ns = *l.v[i].netns != '\0';
	if (fmt == F_JSON)
		err = pd_listening_json(c->reg, &l, &b);
	else if (fmt == F_PROM)
		err = prometheus(c, &l, &b);
	else if (l.n)
		err = table(c, &l, show_ns, &b);
	if (err) {
		cli_error("%s", pd_strerror(err));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	/* published by NAT rules alone: said after the table */
	for (size_t i = 0; fmt == F_TABLE && i < l.npublished; i++) {
		const struct pd_container *pc = &l.published[i];
		struct pd_buf t = PD_BUF_INIT;
		struct pd_owner po;
		memset(&po, 0, sizeof(po));
		po.container = (struct pd_container *)pc;
		pd_buf_printf(&t, "%u/%s published by %s through NAT rules alone (no socket on the host): ",
			      pc->published, pd_proto_name(pc->proto), pc->engine);
		cli_owner_note(&t, &po);
		pd_buf_text(&b, pd_buf_str(&t));
		pd_buf_putc(&b, '\n');
		pd_buf_release(&t);
	}
	if ((rc = cli_write(&b)))
		goto out;
	if (!l.n && !l.npublished) {
		asked(&what, argc, argv);
		cli_error("nothing is listening%s%s%s", pd_buf_str(&what), c->netns ? " in that namespace" : "",
			  c->transport ? " on that transport" : "");
		rc = EXIT_NOTHING;
	}
	if (unknown)
		rc = EXIT_NOTHING;  /* as lookups do: some name was unknown */
out:
	pd_socket_list_release(&l);
	pd_buf_release(&b);
	pd_buf_release(&what);
	free(qs);
	return rc;
}
