/* cmd_check.c: `portdex check PORT[/TRANSPORT]...` (a verdict on a port for
 * a new service, with every reason) and `portdex suggest [NAME]` (ports
 * that check good, in an order fixed by the name) */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define WIDTH 80
#define MAX_ALT 3      /* alternatives named for a port to avoid */

/* check's exit status says the verdict (the heaviest of the ports asked),
 * apart from the statuses every command shares (2 usage, 3 failure), so
 * that `if portdex check PORT; then` holds for good ports only. */
enum { EXIT_CHECK_GOOD = 0, EXIT_CHECK_ACCEPTABLE = 10, EXIT_CHECK_AVOID = 11 };

/* A verdict and, for a port to avoid, the ports to use instead. */
struct answer {
	struct pd_check k;
	unsigned alt[MAX_ALT];
	size_t nalt;
};

/* PORTDEX_PROC replays a recorded /proc (as for lookups);
 * PORTDEX_NMAP_SERVICES names another nmap-services file. */
static void check_opts(struct pd_check_opts *o)
{
	const char *proc = getenv("PORTDEX_PROC"), *nmap = getenv("PORTDEX_NMAP_SERVICES");

	memset(o, 0, sizeof(*o));
	o->procroot = proc && *proc ? proc : NULL;
	o->nmap_services = nmap && *nmap ? nmap : NULL;
}

static const char *weight_color(const struct cli *c, enum pd_verdict w)
{
	return cli_c(c, w == PD_AVOID ? "red" : w == PD_ACCEPTABLE ? "yellow" : "green");
}

static const char *transport_name(int proto)
{
	return proto == PD_PROTO_ANY ? "both" : pd_proto_name(proto);
}

/* "registry   SOURCE, updated DATE", the value starting at column col */
static void registry_line(const struct cli *c, struct pd_buf *b, size_t col)
{
	struct pd_buf t = PD_BUF_INIT;

	pd_buf_printf(b, "  %s%-*s%s", cli_c(c, "cyan"), (int)col - 2, "registry", cli_c(c, "reset"));
	pd_buf_printf(&t, "%s, updated %s", pd_registry_source(c->reg),
		      *pd_registry_updated(c->reg) ? pd_registry_updated(c->reg) : "unknown");
	cli_wrap(b, pd_buf_str(&t), col, col, WIDTH);
	pd_buf_release(&t);
}

static void check_text(const struct cli *c, struct pd_buf *b, const struct answer *a)
{
	const struct pd_check *k = &a->k;

	pd_buf_printf(b, "%sport %u/%s%s  %s%s%s\n", cli_c(c, "bold"), k->port, transport_name(k->proto),
		      cli_c(c, "reset"), weight_color(c, k->verdict), pd_verdict_name(k->verdict), cli_c(c, "reset"));
	for (size_t i = 0; i < k->nreasons; i++) {
		const struct pd_reason *r = &k->reasons[i];
		pd_buf_printf(b, "  %s%-11s%s %s%-10s%s ", weight_color(c, r->weight), pd_verdict_name(r->weight),
			      cli_c(c, "reset"), cli_c(c, "cyan"), r->topic, cli_c(c, "reset"));
		cli_wrap(b, r->text, 25, 25, WIDTH); /* names and descriptions from the registry */
	}
	if (k->verdict == PD_AVOID) {
		struct pd_buf t = PD_BUF_INIT;
		pd_buf_printf(b, "  %s%-23s%s", cli_c(c, "cyan"), "instead", cli_c(c, "reset"));
		for (size_t i = 0; i < a->nalt; i++)
			pd_buf_printf(&t, "%s%u", i ? ", " : "", a->alt[i]);
		if (a->nalt)
			pd_buf_printf(&t, ": each checks good (the first ports of `portdex suggest port-%u "
				      "--transport both` that do)", k->port);
		else
			pd_buf_puts(&t, "no port of the user range checks good here");
		pd_buf_wrap(b, pd_buf_str(&t), 25, 25, WIDTH);
		pd_buf_release(&t);
	}
	registry_line(c, b, 25);
}

/* Up to MAX_ALT ports to use instead of port: the first that `portdex
 * suggest port-PORT --transport both` gives (user range, this host's
 * checks) and that also check good on proto. The name keys the order, so
 * the same registry and host give the same ports (the port's page lists
 * them the same way). Returns 0 or a negative code. */
static int alternatives(const struct cli *c, const struct pd_check_opts *co, struct answer *a)
{
	struct pd_suggest_opts so;
	unsigned cand[MAX_ALT + 5];
	char name[32];
	int n;

	memset(&so, 0, sizeof(so));
	snprintf(name, sizeof(name), "port-%u", a->k.port);
	so.name = name;
	so.count = sizeof(cand) / sizeof(cand[0]);
	so.proto = PD_PROTO_ANY;
	pd_class_bounds(PD_USER, &so.first, &so.last);
	so.check = *co;
	n = pd_suggest(c->reg, &so, cand);
	for (int i = 0; i < n && a->nalt < MAX_ALT; i++) {
		struct pd_check k;
		int err = pd_check_port(c->reg, co, cand[i], a->k.proto, &k);
		if (err)
			return err;
		if (k.verdict == PD_GOOD)
			a->alt[a->nalt++] = cand[i];
		pd_check_release(&k);
	}
	return n < 0 ? n : 0;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct pd_query *qs = NULL;
	struct pd_check_opts o;
	struct pd_buf b = PD_BUF_INIT;
	char q[256];
	int rc = EXIT_ANSWERED;
	enum pd_verdict worst = PD_GOOD;

	if (argc < 1) {
		cli_error("check needs a port: portdex check PORT[/TRANSPORT]");
		return EXIT_USAGE;
	}
	qs = calloc((size_t)argc, sizeof(*qs));
	if (!qs) {
		cli_error("out of memory");
		return EXIT_FAILURE_OP;
	}
	/* check every argument before answering any */
	for (int i = 0; i < argc; i++) {
		if (pd_query_parse(argv[i], &qs[i])) {
			rc = cli_bad_query(argv[i]);
			goto out;
		}
		if (qs[i].kind != PD_Q_PORT) {
			cli_error("'%s' is not a port: check takes PORT[/TRANSPORT], such as 8080 or 5353/udp",
				  cli_quote(argv[i], q, sizeof(q)));
			rc = EXIT_USAGE;
			goto out;
		}
	}
	rc = cli_open_registry(c);
	if (rc)
		goto out;
	check_opts(&o);
	if (c->json && argc > 1)
		pd_buf_putc(&b, '[');
	for (int i = 0; i < argc; i++) {
		struct answer a;
		int proto = qs[i].proto == PD_PROTO_ANY ? PD_TCP : qs[i].proto;
		int err;
		memset(&a, 0, sizeof(a));
		err = pd_check_port(c->reg, &o, qs[i].first, proto, &a.k);
		if (!err && a.k.verdict == PD_AVOID) {
			err = alternatives(c, &o, &a);
			if (err)
				pd_check_release(&a.k);
		}
		if (err) {
			cli_error("cannot check %u/%s: %s", qs[i].first, pd_proto_name(proto), pd_strerror(err));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
		if (a.k.verdict > worst)
			worst = a.k.verdict;
		if (i)
			pd_buf_putc(&b, c->json ? ',' : '\n');
		if (c->json)
			err = pd_check_json(c->reg, &a.k, a.alt, a.nalt, &b);
		else
			check_text(c, &b, &a);
		pd_check_release(&a.k);
		if (err) {
			cli_error("cannot write the answer for %u/%s: %s", qs[i].first, pd_proto_name(proto),
				  pd_strerror(err));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
	}
	if (c->json)
		pd_buf_puts(&b, argc > 1 ? "]\n" : "\n");
	rc = cli_write(&b);
	if (!rc)
		rc = worst == PD_AVOID ? EXIT_CHECK_AVOID : worst == PD_ACCEPTABLE ? EXIT_CHECK_ACCEPTABLE
									: EXIT_CHECK_GOOD;
out:
	pd_buf_release(&b);
	free(qs);
	return rc;
}

/* ---- suggest ---- */

/* 1-64 letters, digits, '-', '_', '.' or '+' */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == '+'))
			return 0;
	return 1;
}

static void label(const struct cli *c, struct pd_buf *b, const char *l)
{
	pd_buf_printf(b, "  %s%-10s%s ", cli_c(c, "cyan"), l, cli_c(c, "reset"));
}

static void suggest_text(const struct cli *c, struct pd_buf *b, const struct pd_suggest_opts *o,
			 const unsigned *ports, size_t n, const struct pd_suggest_notes *notes)
{
	struct pd_buf t = PD_BUF_INIT;
	unsigned cf, cl;
	int cls = -1;

	for (size_t i = 0; i < n; i++)
		pd_buf_printf(b, "%u\n", ports[i]);
	/* PORT=$(portdex suggest NAME): the ports alone, unless asked */
	if (!c->explain && !isatty(STDOUT_FILENO))
		return;
	label(c, b, "for");
	if (o->name)
		pd_buf_printf(&t, "'%s': the order comes from the name, so every machine with this registry "
			      "suggests the same ports, unless its own checks turn one down (see skipped)", o->name);
	else
		pd_buf_puts(&t, "no name: a random order (give a name for the same answer every time)");
	pd_buf_wrap(b, pd_buf_str(&t), 13, 13, WIDTH);
	label(c, b, "transport");
	pd_buf_printf(b, "%s\n", o->proto == PD_PROTO_ANY ? "tcp and udp" : pd_proto_name(o->proto));
	label(c, b, "range");
	for (int k = PD_SYSTEM; k <= PD_DYNAMIC; k++) {
		pd_class_bounds((enum pd_class)k, &cf, &cl);
		if (cf == o->first && cl == o->last)
			cls = k;
	}
	pd_buf_printf(b, "%u-%u%s%s%s\n", o->first, o->last, cls >= 0 ? " (" : "",
		      cls >= 0 ? pd_class_name((enum pd_class)cls) : "", cls >= 0 ? ")" : "");
	registry_line(c, b, 13);
	for (size_t i = 0; i < notes->nskipped && i < 5; i++) {
		t.len = 0;
		pd_buf_add(&t, "", 0);
		pd_buf_printf(&t, "%u: %s", notes->port[i], notes->skipped[i].text);
		label(c, b, i ? "" : "skipped");
		cli_wrap(b, pd_buf_str(&t), 13, 15, WIDTH);
	}
	if (notes->total > 5) {
		label(c, b, "");
		pd_buf_printf(b, "and %zu more turned down by this host's checks\n", notes->total - 5);
	}
	for (size_t i = 0; i < notes->nrelaxed; i++) {
		label(c, b, i ? "" : "relaxed");
		cli_wrap(b, notes->relaxed[i].text, 13, 15, WIDTH);
	}
	label(c, b, "rules");
	t.len = 0;
	pd_buf_add(&t, "", 0);
	pd_buf_printf(&t, "each is unassigned on every transport, not refused by browsers, outside the default "
		      "ephemeral ranges of Linux (32768-60999) and of Windows, macOS and the BSDs "
		      "(49152-65535) and outside this host's, not a known collision, with no common use or "
		      "malware in portdex's knowledge base, not among nmap's 1000 most often open ports, and "
		      "free on this host right now%s (see portdex check)",
		      notes->nrelaxed ? ", but for the rules relaxed above" : "");
	pd_buf_wrap(b, pd_buf_str(&t), 13, 13, WIDTH);
	if (c->hold > 0) {
		label(c, b, "held");
		pd_buf_printf(b, "bound for %ld s, or until SIGTERM or SIGINT\n", c->hold);
	}
	pd_buf_release(&t);
}

/* Waits `seconds` or until SIGTERM, SIGINT or SIGHUP (blocked in *set). */
static void hold(const sigset_t *set, long seconds)
{
	struct timespec end, now, left;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0)
			return;
		if (sigtimedwait(set, NULL, &left) >= 0 || errno != EINTR)
			return;
	}
}

int cmd_suggest(struct cli *c, int argc, char **argv)
{
	struct pd_suggest_opts o;
	struct pd_suggest_notes notes;
	struct pd_buf b = PD_BUF_INIT;
	unsigned *ports = NULL;
	int *fds = NULL, rc, found, blocked = 0;
	sigset_t set, old;
	char q[256];

	memset(&o, 0, sizeof(o));
	memset(&notes, 0, sizeof(notes));
	if (argc > 1) {
		cli_error("suggest takes at most one name, not '%s'", cli_quote(argv[1], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (argc == 1 && !valid_name(argv[0])) {
		cli_error("'%s' is not a service name (1-64 letters, digits, '-', '_', '.', '+')",
			  cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	o.name = argc ? argv[0] : NULL;
	if (!c->transport || !strcmp(c->transport, "tcp"))
		o.proto = PD_TCP;
	else if (!strcmp(c->transport, "udp"))
		o.proto = PD_UDP;
	else if (!strcmp(c->transport, "both"))
		o.proto = PD_PROTO_ANY;
	else {
		cli_error("'%s' is not a transport for suggest (tcp, udp, both)", cli_quote(c->transport, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!c->range)
		pd_class_bounds(PD_USER, &o.first, &o.last);
	else if (cli_parse_range(c->range, &o.first, &o.last)) {
		cli_error("'%s' is not a range (A-B with A <= B, system, user or dynamic)",
			  cli_quote(c->range, q, sizeof(q)));
		return EXIT_USAGE;
	}
	o.count = c->count > 0 ? (size_t)c->count : 1;
	check_opts(&o.check);
	o.note = pd_suggest_note_collect;
	o.ctx = &notes;
	rc = cli_open_registry(c);
	if (rc)
		return rc;
	ports = calloc(o.count, sizeof(*ports));
	if (c->hold >= 0)
		fds = calloc(4 * o.count, sizeof(*fds));
	for (size_t i = 0; fds && i < 4 * o.count; i++)
		fds[i] = -1;
	if (!ports || (c->hold >= 0 && !fds)) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	o.hold_fds = fds;
	/* a signal between binding and waiting must not kill us with the
	 * ports unreported: block them now, wait for them in hold() */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (fds)
		blocked = !sigprocmask(SIG_BLOCK, &set, &old);
	found = pd_suggest(c->reg, &o, ports);
	if (found < 0) {
		cli_error("cannot suggest a port: %s", pd_strerror(found));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (c->json) {
		rc = pd_suggest_json(c->reg, &o, ports, (size_t)found, &notes, c->hold, &b);
		if (rc) {
			cli_error("cannot write the suggestions: %s", pd_strerror(rc));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
		pd_buf_putc(&b, '\n');
	} else if (found)
		suggest_text(c, &b, &o, ports, (size_t)found, &notes);
	rc = cli_write(&b);
	if (!found) {
		if (notes.total)
			cli_error("no port in %u-%u passes every check; this host's checks turned down %zu, "
				  "such as %u: %s", o.first, o.last, notes.total, notes.port[0], notes.skipped[0].text);
		else
			cli_error("no port in %u-%u passes every check", o.first, o.last);
		rc = rc ? rc : EXIT_NOTHING;
	} else if ((size_t)found < o.count) {
		cli_error("only %d of %zu ports in %u-%u pass every check", found, o.count, o.first, o.last);
	}
	if (!rc && fds && c->hold > 0)
		hold(&set, c->hold);
out:
	for (size_t i = 0; fds && i < 4 * o.count; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	pd_buf_release(&b);
	free(ports);
	free(fds);
	return rc;
}
