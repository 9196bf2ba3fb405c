/* cmd_free.c: `portdex free PORT[/TRANSPORT]`: who holds the port (process,
 * unit, container), then, once confirmed (a terminal's answer or --yes),
 * SIGTERM (--signal) to each process, or a stop through the engine for a
 * container published by its proxy; waits up to --timeout seconds for the
 * port to be free and says what happened. --dry-run only says what it
 * would do. Refuses PID 1, itself, and processes it may not signal.
 * Exit 0 only when nothing listens on the port afterwards (--dry-run: when
 * it could free it). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jw.h"

#define MAX_ACTIONS 64

static const struct pd_container none;

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
};

/* "TERM", "SIGTERM", "term" or "15": the signal and its name; -1 if none */
static int parse_signal(const char *s, const char **name)
{
	char *end;
	long v;

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name)) {
			*name = signals[i].name;
			return signals[i].sig;
		}
	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 64)
		return -1;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == v) {
			*name = signals[i].name;
			return (int)v;
		}
	*name = NULL;
	return (int)v;
}

/* seconds, a decimal fraction allowed: "5", "0.5"; 0-3600 */
static int parse_timeout(const char *s, double *out)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9' || strspn(s, "0123456789.") != strlen(s))
		return -1;
	v = strtod(s, &end);
	if (*end || v < 0 || v > 3600)
		return -1;
	*out = v;
	return 0;
}

enum kind { A_SIGNAL, A_STOP };

struct action {
	enum kind kind;
	const struct pd_owner *o;    /* the process, or the proxy of the container */
	const char *refused;         /* why it will not be done (static) */
	char error[256];             /* why it failed */
	int done;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int list_port(const struct pd_query *q, int owners, struct pd_socket_list *l)
{
	struct pd_listen_opts o;
	const char *env = getenv("PORTDEX_PROC");

	memset(&o, 0, sizeof(o));
	o.queries = q;
	o.nqueries = 1;
	o.owners = owners;
	o.no_engines = !owners;
	o.procroot = env && *env ? env : NULL;
	o.no_netlink = o.procroot != NULL;
	return pd_listening(&o, l);
}

/* The actions that free the port: one per container (its proxies), one
 * per process otherwise; each checked for what we may not do. */
static const char *plan(const struct pd_socket_list *l, struct action *a, size_t *na, struct pd_owner *po)
{
	static const char too_many[] = "more than 64 processes hold it";
	uid_t me = geteuid();

	*na = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_socket *s = &l->v[i];
		if (!s->nowners)
			return s->unknown ? s->unknown : "its owner is unknown";
		for (size_t k = 0; k < s->nowners; k++) {
			const struct pd_owner *o = &s->owners[k];
			const struct pd_container *c = o->container ? o->container : &none;
			int stop = c->via_proxy || ((!strcmp(c->engine, "docker") || !strcmp(c->engine, "podman")) &&
						    *c->id && o->pid != 1);
			size_t j;
			for (j = 0; j < *na; j++) {
				if (stop && a[j].kind == A_STOP && !strcmp(a[j].o->container->id, c->id) && *c->id)
					break;
				if (!stop && a[j].kind == A_SIGNAL && a[j].o->pid == o->pid)
					break;
			}
			if (j < *na)
				continue;
			if (*na == MAX_ACTIONS)
				return too_many;
			memset(&a[*na], 0, sizeof(a[*na]));
			a[*na].kind = stop ? A_STOP : A_SIGNAL;
			a[*na].o = o;
			if (stop && !*c->id)
				a[*na].refused = c->unknown ? c->unknown : "the engine did not say which container it is";
			else if (!stop && o->pid == 1)
				a[*na].refused = "it is PID 1, the system's init";
			else if (!stop && o->pid == getpid())
				a[*na].refused = "it is this very portdex";
			else if (!stop && me != 0 && o->uid != me)
				a[*na].refused = "it is another user's process (run as root)";
			(*na)++;
		}
	}
	/* published by NAT rules alone: only its container can be stopped */
	for (size_t i = 0; i < l->npublished; i++) {
		size_t j;
		for (j = 0; j < *na; j++)
			if (a[j].kind == A_STOP && !strcmp(a[j].o->container->id, l->published[i].id))
				break;
		if (j < *na)
			continue;
		if (*na == MAX_ACTIONS)
			return too_many;
		memset(&po[*na], 0, sizeof(po[*na]));
		po[*na].container = &l->published[i];
		memset(&a[*na], 0, sizeof(a[*na]));
		a[*na].kind = A_STOP;
		a[*na].o = &po[*na];
		(*na)++;
	}
	return NULL;
}

/* "pid 123 (python3, unit demo.service)" or "container web1 (docker, ...)" */
static void describe(struct pd_buf *b, const struct action *a)
{
	struct pd_buf t = PD_BUF_INIT;
	const struct pd_container *c = a->o->container;

	if (a->kind == A_STOP && !a->o->pid)
		pd_buf_printf(&t, "container %s (%s%s%s, published through NAT rules)", *c->name ? c->name : c->id,
			      c->engine, *c->image ? ", image " : "", c->image);
	else if (a->kind == A_STOP)
		pd_buf_printf(&t, "container %s (%s%s%s, via %s pid %d)", *c->name ? c->name : c->id, c->engine,
			      *c->image ? ", image " : "", c->image, a->o->comm, a->o->pid);
	else {
		struct pd_buf on = PD_BUF_INIT;
		cli_owner_note(&on, a->o);
		pd_buf_printf(&t, "pid %d (%s%s%s)", a->o->pid, *a->o->comm ? a->o->comm : "?",
			      on.len ? ", " : "", pd_buf_str(&on));
		pd_buf_release(&on);
	}
	pd_buf_text(b, pd_buf_str(&t));
	pd_buf_release(&t);
}

static int confirm(const char *what)
{
	char line[64];

	fprintf(stderr, "portdex: free %s? [y/N] ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static void json_doc(struct pd_buf *b, const char *port, const struct pd_socket_list *l, const struct action *a,
		     size_t na, const char *signame, int sig, int dry_run, const char *result, int freed,
		     double waited, const char *message)
{
	struct pd__jw w;

	pd__jw_init(&w, b);
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "port", port);
	pd__jw_key(&w, "holders");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < (l->v[i].nowners ? l->v[i].nowners : 1); k++) {
			const struct pd_socket *s = &l->v[i];
			const struct pd_owner *o = s->nowners ? &s->owners[k] : NULL;
			pd__jw_begin_object(&w);
			pd__jw_kstr(&w, "transport", pd_proto_name(s->proto));
			pd__jw_kstr(&w, "address", s->addr);
			pd__jw_kuint(&w, "port", s->port);
			pd__jw_key(&w, "pid");
			if (o)
				pd__jw_int(&w, o->pid);
			else
				pd__jw_null(&w);
			pd__jw_kstr(&w, "command", o ? o->comm : NULL);
			pd__jw_kstr(&w, "unit", o && *o->unit ? o->unit : NULL);
			pd__jw_kstr(&w, "container", o && o->container && *o->container->name ? o->container->name : NULL);
			pd__jw_kstr(&w, "owners_unknown", o ? NULL : s->unknown);
			pd__jw_end_object(&w);
		}
	for (size_t i = 0; i < l->npublished; i++) {
		const struct pd_container *pc = &l->published[i];
		pd__jw_begin_object(&w);
		pd__jw_kstr(&w, "transport", pd_proto_name(pc->proto));
		pd__jw_kstr(&w, "address", NULL);
		pd__jw_kuint(&w, "port", pc->published);
		pd__jw_key(&w, "pid");
		pd__jw_null(&w);
		pd__jw_kstr(&w, "command", NULL);
		pd__jw_kstr(&w, "unit", NULL);
		pd__jw_kstr(&w, "container", *pc->name ? pc->name : NULL);
		pd__jw_kstr(&w, "owners_unknown", NULL);
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_key(&w, "actions");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < na; i++) {
		const struct pd_container *c = a[i].o->container ? a[i].o->container : &none;
		pd__jw_begin_object(&w);
		pd__jw_kstr(&w, "kind", a[i].kind == A_STOP ? "stop-container" : "signal");
		pd__jw_key(&w, "pid");
		if (a[i].o->pid)
			pd__jw_int(&w, a[i].o->pid);
		else
			pd__jw_null(&w);
		pd__jw_kstr(&w, "command", a[i].o->pid ? a[i].o->comm : NULL);
		pd__jw_key(&w, "signal");
		if (a[i].kind == A_STOP)
			pd__jw_null(&w);
		else if (signame)
			pd__jw_str(&w, signame);
		else
			pd__jw_int(&w, sig);
		pd__jw_kstr(&w, "engine", a[i].kind == A_STOP ? c->engine : NULL);
		pd__jw_kstr(&w, "container", a[i].kind == A_STOP && *c->name ? c->name : NULL);
		pd__jw_kstr(&w, "container_id", a[i].kind == A_STOP && *c->id ? c->id : NULL);
		pd__jw_kstr(&w, "state", a[i].refused ? "refused" : dry_run ? "planned" : a[i].done ? "done"
				       : *a[i].error ? "failed" : "not-done");
		pd__jw_kstr(&w, "reason", a[i].refused ? a[i].refused : *a[i].error ? a[i].error : NULL);
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_key(&w, "dry_run");
	pd__jw_bool(&w, dry_run);
	pd__jw_kstr(&w, "result", result);
	pd__jw_key(&w, "free");
	pd__jw_bool(&w, freed);
	pd__jw_kuint(&w, "waited_ms", (unsigned long long)(waited * 1000));
	pd__jw_kstr(&w, "message", message);
	pd__jw_end_object(&w);
	pd_buf_putc(b, '\n');
}

int cmd_free(struct cli *c, int argc, char **argv)
{
	struct pd_socket_list l, after;
	struct action a[MAX_ACTIONS];
	struct pd_owner po[MAX_ACTIONS];
	struct pd_query q;
	struct pd_buf out = PD_BUF_INIT, msg = PD_BUF_INIT, port = PD_BUF_INIT;
	const char *signame = "TERM", *why, *result = "free";
	double timeout = 5, waited = 0, t0;
	size_t na = 0, refused = 0;
	int sig = SIGTERM, rc = EXIT_ANSWERED, err, freed = 0;
	char qb[256];

	memset(&l, 0, sizeof(l));
	memset(&after, 0, sizeof(after));
	if (argc != 1) {
		cli_error(argc ? "free takes one port, not '%s'" : "free needs a port: portdex free PORT[/TRANSPORT]%s",
			  argc ? cli_quote(argv[1], qb, sizeof(qb)) : "");
		return EXIT_USAGE;
	}
	if (pd_query_parse(argv[0], &q))
		return cli_bad_query(argv[0]);
	if (q.kind != PD_Q_PORT || q.proto == PD_DCCP) {
		cli_error("'%s' is not a port portdex can free (PORT or PORT/tcp, udp, sctp)",
			  cli_quote(argv[0], qb, sizeof(qb)));
		return EXIT_USAGE;
	}
	if (c->signal && (sig = parse_signal(c->signal, &signame)) < 0) {
		cli_error("'%s' is not a signal (TERM, INT, HUP, QUIT, KILL, USR1, USR2 or 1-64)",
			  cli_quote(c->signal, qb, sizeof(qb)));
		return EXIT_USAGE;
	}
	if (c->timeout && parse_timeout(c->timeout, &timeout)) {
		cli_error("'%s' is not a valid --timeout (0-3600 seconds)", cli_quote(c->timeout, qb, sizeof(qb)));
		return EXIT_USAGE;
	}
	pd_buf_printf(&port, "%u%s%s", q.first, q.proto == PD_PROTO_ANY ? "" : "/",
		      q.proto == PD_PROTO_ANY ? "" : pd_proto_name(q.proto));

	if ((err = list_port(&q, 1, &l))) {
		cli_error("cannot list the sockets on %s: %s", pd_buf_str(&port), pd_strerror(err));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (!l.n && !l.npublished) {
		freed = 1;
		result = "already-free";
		pd_buf_printf(&msg, "nothing listens on %s: it is free", pd_buf_str(&port));
		goto report;
	}
	why = plan(&l, a, &na, po);
	for (size_t i = 0; i < na; i++)
		refused += a[i].refused != NULL;
	/* who holds it, and what will be done */
	if (!c->json) {
		pd_buf_printf(&out, "%s is held by:\n", pd_buf_str(&port));
		for (size_t i = 0; i < l.n; i++)
			for (size_t k = 0; k < (l.v[i].nowners ? l.v[i].nowners : 1); k++) {
				const struct pd_socket *s = &l.v[i];
				struct pd_buf on = PD_BUF_INIT;
				pd_buf_printf(&out, "  %s %s:%u  ", pd_proto_name(s->proto), s->addr, s->port);
				if (!s->nowners) {
					pd_buf_puts(&out, "owner unknown: ");
					pd_buf_text(&out, s->unknown ? s->unknown : "?");
				} else {
					pd_buf_printf(&out, "pid %d ", s->owners[k].pid);
					pd_buf_text(&out, s->owners[k].comm);
					cli_owner_note(&on, &s->owners[k]);
					if (on.len) {
						pd_buf_puts(&out, ", ");
						pd_buf_text(&out, pd_buf_str(&on));
					}
				}
				pd_buf_release(&on);
				pd_buf_putc(&out, '\n');
			}
		for (size_t i = 0; i < l.npublished; i++) {
			struct pd_buf on = PD_BUF_INIT;
			struct pd_owner o;
			memset(&o, 0, sizeof(o));
			o.container = &l.published[i];
			cli_owner_note(&on, &o);
			pd_buf_printf(&out, "  %s %u  published by NAT rules alone (no socket on the host), ",
				      pd_proto_name(l.published[i].proto), l.published[i].published);
			pd_buf_text(&out, pd_buf_str(&on));
			pd_buf_putc(&out, '\n');
			pd_buf_release(&on);
		}
	}
	if (why || refused) {
		result = "refused";
		if (why)
			pd_buf_printf(&msg, "cannot free %s: %s", pd_buf_str(&port), why);
		for (size_t i = 0; i < na; i++) {
			if (!a[i].refused)
				continue;
			pd_buf_puts(&msg, msg.len ? "; " : "");
			pd_buf_puts(&msg, "will not ");
			pd_buf_puts(&msg, a[i].kind == A_STOP ? "stop " : "signal ");
			describe(&msg, &a[i]);
			pd_buf_printf(&msg, ": %s", a[i].refused);
		}
		rc = EXIT_FAILURE_OP;
		goto report;
	}
	if (!c->json)
		for (size_t i = 0; i < na; i++) {
			pd_buf_puts(&out, c->dry_run ? "would " : "will ");
			if (a[i].kind == A_STOP) {
				pd_buf_printf(&out, "stop ");
				describe(&out, &a[i]);
				pd_buf_printf(&out, " through %s\n", a[i].o->container->engine);
			} else {
				if (signame)
					pd_buf_printf(&out, "send SIG%s to ", signame);
				else
					pd_buf_printf(&out, "send signal %d to ", sig);
				describe(&out, &a[i]);
				pd_buf_putc(&out, '\n');
			}
		}
	if (c->dry_run) {
		result = "dry-run";
		pd_buf_printf(&msg, "dry run: nothing done; %s is still held", pd_buf_str(&port));
		goto report;
	}
	if (!c->yes) {
		if (!isatty(STDIN_FILENO)) {
			cli_error("not asking without a terminal: pass --yes to free %s", pd_buf_str(&port));
			rc = EXIT_USAGE;
			goto out;
		}
		if ((rc = cli_write(&out)))
			goto out;
		out.len = 0;
		if (!confirm(pd_buf_str(&port))) {
			result = "declined";
			pd_buf_printf(&msg, "nothing done; %s is still held", pd_buf_str(&port));
			rc = EXIT_NOTHING;
			goto report;
		}
	}
	t0 = now();
	for (size_t i = 0; i < na; i++) {
		if (a[i].kind == A_STOP) {
			unsigned t = (unsigned)(timeout + 0.999);
			if ((err = pd_container_stop(a[i].o->container, t, a[i].error, sizeof(a[i].error))))
				snprintf(a[i].error + strlen(a[i].error), sizeof(a[i].error) - strlen(a[i].error), "%s",
					 *a[i].error ? "" : pd_strerror(err));
			else
				a[i].done = 1;
		} else if (kill(a[i].o->pid, sig) && errno != ESRCH) {
			snprintf(a[i].error, sizeof(a[i].error), "%s", strerror(errno));
		} else {
			a[i].done = 1;
		}
	}
	/* wait for the port to be free */
	for (;;) {
		pd_socket_list_release(&after);
		if ((err = list_port(&q, 0, &after))) {
			cli_error("cannot list the sockets on %s: %s", pd_buf_str(&port), pd_strerror(err));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
		waited = now() - t0;
		if (!after.n || waited >= timeout)
			break;
		usleep(50000);
	}
	freed = after.n == 0;
	for (size_t i = 0; i < na; i++) {
		if (!a[i].done)
			continue;
		pd_buf_puts(&msg, msg.len ? "; " : "");
		if (a[i].kind == A_STOP)
			pd_buf_puts(&msg, "stopped ");
		else if (signame)
			pd_buf_printf(&msg, "sent SIG%s to ", signame);
		else
			pd_buf_printf(&msg, "sent signal %d to ", sig);
		describe(&msg, &a[i]);
	}
	for (size_t i = 0; i < na; i++)
		if (*a[i].error) {
			pd_buf_puts(&msg, msg.len ? "; " : "");
			pd_buf_puts(&msg, a[i].kind == A_STOP ? "could not stop " : "could not signal ");
			describe(&msg, &a[i]);
			pd_buf_puts(&msg, ": ");
			pd_buf_text(&msg, a[i].error);
		}
	if (freed) {
		result = "freed";
		pd_buf_printf(&msg, "%s%s is free after %.1f s", msg.len ? "; " : "", pd_buf_str(&port), waited);
	} else {
		result = "still-held";
		pd_buf_printf(&msg, "%s%s is still held after %.1f s%s", msg.len ? "; " : "", pd_buf_str(&port), waited,
			      sig != SIGKILL ? " (try --signal KILL)" : "");
		rc = EXIT_FAILURE_OP;
	}
report:
	if (c->json) {
		out.len = 0;
		json_doc(&out, pd_buf_str(&port), &l, a, na, signame, sig, c->dry_run, result, freed, waited,
			 pd_buf_str(&msg));
		if (cli_write(&out) && !rc)
			rc = EXIT_FAILURE_OP;
	} else {
		if (!rc)
			pd_buf_printf(&out, "%s\n", pd_buf_str(&msg));
		if (cli_write(&out) && !rc)
			rc = EXIT_FAILURE_OP;
		if (rc)
			cli_error("%s", pd_buf_str(&msg));
	}
out:
	pd_socket_list_release(&l);
	pd_socket_list_release(&after);
	pd_buf_release(&out);
	pd_buf_release(&msg);
	pd_buf_release(&port);
	return rc;
}
