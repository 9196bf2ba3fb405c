/* cmd_lookup.c: `portdex QUERY...`: a card per port, or JSON. Text from
 * the registry goes through pd_buf_text (or cli_wrap, which uses it). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define MAX_ENTRIES 64
#define MAX_PORTS 65536

static void people(const struct cli *c, struct pd_buf *b, const char *field)
{
	const char *cur = field;
	struct pd_person_ref r;
	int n = 0;

	while (pd_registry_people_next(c->reg, &cur, &r)) {
		if (n++)
			pd_buf_puts(b, ", ");
		pd_buf_puts(b, r.label);
		if (*r.p.uri) {
			pd_buf_puts(b, " <");
			/* IANA writes e-mail addresses as mailto:user&host */
			for (const char *u = strncmp(r.p.uri, "mailto:", 7) ? r.p.uri : r.p.uri + 7; *u; u++)
				pd_buf_putc(b, *u == '&' ? '@' : *u);
			pd_buf_putc(b, '>');
		}
	}
}

static void refs(struct pd_buf *b, const char *field)
{
	const char *cur = field, *item;
	size_t len;
	int n = 0;

	while (pd_refs_next(&cur, &item, &len)) {
		if (n++)
			pd_buf_puts(b, ", ");
		pd_buf_add(b, item, len);
	}
}

static const char *status_color(const struct cli *c, enum pd_status s)
{
	return cli_c(c, s == PD_ASSIGNED ? "green" : s == PD_RESERVED ? "yellow" : "dim");
}

static void line(const struct cli *c, struct pd_buf *b, const char *label)
{
	pd_buf_printf(b, "  %s%-10s%s", cli_c(c, "cyan"), label, cli_c(c, "reset"));
}

#define INDENT 24
#define WIDTH 80

/* One detail line under a service: "label: text", wrapped at 80 columns;
 * text (from the registry) made visible. */
static void detail(struct pd_buf *b, const char *label, const char *text)
{
	pd_buf_printf(b, "%*s%s", INDENT, "", label);
	cli_wrap(b, text, INDENT + strlen(label), INDENT + 2, WIDTH);
}

static void entry_details(const struct cli *c, struct pd_buf *b, const struct pd_entry *e)
{
	struct pd_buf t = PD_BUF_INIT;

	if (*e->assignee || *e->contact) {
		people(c, &t, *e->assignee ? e->assignee : e->contact);
		if (*e->contact && *e->assignee && strcmp(e->contact, e->assignee)) {
			pd_buf_puts(&t, "; contact: ");
			people(c, &t, e->contact);
		}
		detail(b, "assignee: ", pd_buf_str(&t));
	}
	if (*e->registered || *e->modified) {
		t.len = 0;
		pd_buf_add(&t, "", 0);
		if (*e->registered)
			pd_buf_printf(&t, "registered %s", e->registered);
		if (*e->modified)
			pd_buf_printf(&t, "%smodified %s", *e->registered ? ", " : "", e->modified);
		detail(b, "", pd_buf_str(&t));
	}
	if (*e->refs) {
		t.len = 0;
		pd_buf_add(&t, "", 0);
		refs(&t, e->refs);
		detail(b, "references: ", pd_buf_str(&t));
	}
	if (*e->service_code)
		detail(b, "service code: ", e->service_code);
	if (*e->expires)
		detail(b, "temporary, expires ", e->expires);
	if (*e->unauthorized)
		detail(b, "unauthorized use reported: ", e->unauthorized);
	if (*e->notes)
		detail(b, "note: ", e->notes);
	pd_buf_release(&t);
}

static void transport_lines(const struct cli *c, struct pd_buf *b, const struct pd_port_facts *f, int t)
{
	enum pd_status st = f->st[t];
	const struct pd_entry *primary = f->nsvc[t] ? &f->svc[t][0] : NULL;
	struct pd_buf also = PD_BUF_INIT;
	size_t name_at, name_w;

	line(c, b, pd_proto_name(t));
	pd_buf_printf(b, "%s%-10s%s  ", status_color(c, st), pd_status_name(st), cli_c(c, "reset"));
	if (primary) {
		const struct pd_entry *e = primary;
		pd_buf_puts(b, cli_c(c, "bold"));
		name_at = b->len;
		pd_buf_text(b, e->name);
		name_w = b->err ? 0 : cli_width(b->s + name_at);
		pd_buf_puts(b, cli_c(c, "reset"));
		if (e->first != e->last)
			pd_buf_printf(b, " (range %u-%u)", e->first, e->last);
		pd_buf_puts(b, ": ");
		cli_wrap(b, e->description, INDENT + name_w + 2 + (e->first != e->last ? 20 : 0), INDENT + 2, WIDTH);
		for (size_t i = 1; i < f->nsvc[t]; i++)
			if (strcasecmp(f->svc[t][i].name, primary->name))
				pd_buf_printf(&also, "%s%s", also.len ? ", " : "", f->svc[t][i].name);
		if (also.len)
			detail(b, "also named: ", also.s);
		entry_details(c, b, primary);
	} else if (f->has_row[t]) {
		const struct pd_entry *e = &f->row[t];
		pd_buf_putc(b, '"');
		pd_buf_text(b, e->description);
		pd_buf_putc(b, '"');
		if (e->first != e->last)
			pd_buf_printf(b, " (registry row %u-%u)", e->first, e->last);
		pd_buf_putc(b, '\n');
		if (*e->notes)
			detail(b, "note: ", e->notes);
		if (*e->unauthorized)
			detail(b, "unauthorized use reported: ", e->unauthorized);
	} else {
		pd_buf_puts(b, "(no registry row)\n");
	}
	pd_buf_release(&also);
}

/* "  label     text" with text wrapped and made visible (the registry's
 * source is a file name); empties t for the next field */
static void field(const struct cli *c, struct pd_buf *b, const char *label, struct pd_buf *t)
{
	line(c, b, label);
	cli_wrap(b, pd_buf_str(t), 12, 12, WIDTH);
	t->len = 0;
	pd_buf_add(t, "", 0);
}

static const char *ordinal(unsigned n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* the first assigned record on each transport, as the page shows them */
static void neighbour(const struct cli *c, struct pd_buf *b, const char *label, const struct pd_neighbour *nb)
{
	int n = 0, last = -1;

	if (!nb->found)
		return;
	line(c, b, label);
	pd_buf_printf(b, "%u ", nb->port);
	for (size_t i = 0; i < nb->n; i++) {
		const struct pd_entry *e = &nb->svc[i];
		if (nb->proto[i] == last)
			continue;
		last = nb->proto[i];
		pd_buf_puts(b, n++ ? ", " : "");
		pd_buf_text(b, e->name);
		pd_buf_printf(b, "/%s", pd_proto_name(nb->proto[i]));
		if (n == 1 && *e->description) {
			pd_buf_puts(b, " (");
			pd_buf_text(b, e->description);
			pd_buf_putc(b, ')');
		}
	}
	pd_buf_putc(b, '\n');
}

/* What listens on the port now: one line a socket, with its owners. No
 * line when the listing could not be had. */
static void listening(const struct cli *c, struct pd_buf *b, const struct pd_port_facts *f, int proto)
{
	size_t shown = 0;

	if (!f->listening_known)
		return;
	for (size_t i = 0; i < f->nlistening; i++) {
		const struct pd_socket *s = f->listening[i];
		if (proto != PD_PROTO_ANY && s->proto != proto)
			continue;
		line(c, b, shown++ ? "" : "now");
		pd_buf_printf(b, "%s %s", pd_proto_name(s->proto), s->family == 6 ? "[" : "");
		pd_buf_text(b, s->addr);
		pd_buf_printf(b, "%s:%u listening", s->family == 6 ? "]" : "", s->port);
		for (size_t k = 0; k < s->nowners; k++) {
			pd_buf_puts(b, k ? ", " : ": ");
			struct pd_buf on = PD_BUF_INIT;
			pd_buf_text(b, s->owners[k].comm);
			pd_buf_printf(b, " (pid %d", s->owners[k].pid);
			cli_owner_note(&on, &s->owners[k]);  /* its unit, container, pod */
			if (on.len) {
				pd_buf_puts(b, "; ");
				pd_buf_text(b, pd_buf_str(&on));
			}
			pd_buf_putc(b, ')');
			pd_buf_release(&on);
		}
		if (!s->nowners && s->unknown) {
			pd_buf_puts(b, "; owner unknown: ");
			pd_buf_text(b, s->unknown);
		}
		if (*s->netns) {
			pd_buf_puts(b, " in netns ");
			pd_buf_text(b, s->netns);
		}
		pd_buf_putc(b, '\n');
	}
	if (!shown) {
		line(c, b, "now");
		pd_buf_puts(b, "nothing listens on it\n");
	}
}

/* the knowledge base's unofficial uses and malware, one line each */
static void known(const struct cli *c, struct pd_buf *b, const struct pd_port_facts *f)
{
	static const struct {
		enum pd_fact_kind k;
		const char *label;
	} kinds[] = { { PD_FACT_USE, "known use" }, { PD_FACT_MALWARE, "malware" } };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; i < f->nkb; i++) {
			if (f->kb[i].kind != kinds[k].k)
				continue;
			line(c, b, kinds[k].label);
			cli_wrap(b, f->kb[i].text, 12, 12, WIDTH);
		}
}

static void card(struct cli *c, struct pd_buf *b, const struct pd_port_facts *f, int proto)
{
	unsigned port = f->port;
	const struct pd_block *blk = &f->blk;
	const struct pd_host *h = f->host;
	struct pd_buf t = PD_BUF_INIT;
	int v;

	pd_buf_printf(b, "%sport %u%s  %s%s%s, %s port\n", cli_c(c, "bold"), port, cli_c(c, "reset"),
		      status_color(c, f->overall), pd_status_name(f->overall), cli_c(c, "reset"), pd_class_name(f->cls));
	for (int k = 0; k < PD_NPROTO; k++)
		if (proto == PD_PROTO_ANY || proto == k)
			transport_lines(c, b, f, k);
	pd_buf_printf(&t, "%s ports %u-%u. %s", pd_class_name(f->cls), f->class_first, f->class_last,
		      pd_class_procedure(f->cls));
	field(c, b, "range", &t);
	if (h) {
		v = pd_host_privileged(h, port);
		if (v == PD_UNKNOWN)
			pd_buf_puts(&t, "privileges unknown");
		else if (v)
			pd_buf_printf(&t, "binding needs privileges (unprivileged ports start at %d)", h->unpriv_start);
		else
			pd_buf_puts(&t, "any user may bind it");
		v = pd_host_ephemeral(h, port);
		if (v == PD_YES)
			pd_buf_printf(&t, "; inside the ephemeral range %d-%d, so outgoing connections may take it",
				      h->eph_first, h->eph_last);
		else if (v == PD_NO)
			pd_buf_printf(&t, "; outside the ephemeral range %d-%d", h->eph_first, h->eph_last);
		if (pd_host_reserved(h, port))
			pd_buf_puts(&t, "; listed in ip_local_reserved_ports");
		field(c, b, "this host", &t);
	}
	listening(c, b, f, proto);
	known(c, b, f);
	if (f->in_block)
		pd_buf_printf(&t, "%u-%u: %u port%s unassigned on every transport, the %u%s largest of %u blocks of %s ports",
			      blk->first, blk->last, blk->size, blk->size == 1 ? "" : "s", blk->rank, ordinal(blk->rank),
			      blk->of, pd_class_name(blk->cls));
	else
		pd_buf_puts(&t, "none: the port is taken on some transport");
	field(c, b, "block", &t);
	neighbour(c, b, "below", &f->below);
	neighbour(c, b, "above", &f->above);
	for (size_t i = 0; i < f->nhist; i++) {
		const struct pd_history *e = &f->hist[i];
		line(c, b, i ? "" : "history");
		pd_buf_printf(b, "%s %u%s%s ", e->date, e->port, e->proto == PD_PROTO_ANY ? "" : "/",
			      e->proto == PD_PROTO_ANY ? "" : pd_proto_name(e->proto));
		pd_buf_text(b, *e->service ? e->service : "(unnamed)");
		pd_buf_puts(b, " registered; ");
		if (e->before_first == e->before_last)
			pd_buf_printf(b, "before, %u was unassigned\n", e->before_first);
		else
			pd_buf_printf(b, "before, the block was %u-%u\n", e->before_first, e->before_last);
	}
	pd_buf_printf(&t, "%s, updated %s", pd_registry_source(c->reg), pd_registry_updated(c->reg));
	field(c, b, "registry", &t);
	pd_buf_release(&t);
}

/* 1 the first time port p is seen (seen: a bitmap of all ports) */
static int first_seen(unsigned char *seen, unsigned p)
{
	unsigned char bit = (unsigned char)(1u << (p & 7));
	int first = !(seen[p >> 3] & bit);

	seen[p >> 3] |= bit;
	return first;
}

/* Collects the ports a query names into ports[], ascending, each once. */
static int query_ports(struct cli *c, const struct pd_query *q, unsigned char *seen, unsigned *ports,
		       size_t *n)
{
	if (q->kind != PD_Q_NAME) {
		for (unsigned p = q->first; p <= q->last; p++)
			if (first_seen(seen, p))
				ports[(*n)++] = p;
		return 0;
	}
	{
		uint32_t idx[256];
		size_t k = pd_registry_find_name(c->reg, q->name, idx, 256), found = 0;
		struct pd_entry e;
		for (size_t i = 0; i < k && i < 256; i++) {
			if (pd_registry_entry(c->reg, idx[i], &e) || !e.has_port)
				continue;
			if (q->proto != PD_PROTO_ANY && e.proto != PD_PROTO_ANY && e.proto != q->proto)
				continue;
			found++;
			for (unsigned p = e.first; p <= e.last; p++)
				if (first_seen(seen, p))
					ports[(*n)++] = p;
		}
		return found ? 0 : -1;
	}
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

static void table_row(struct cli *c, struct pd_buf *b, unsigned port, int proto)
{
	uint32_t idx[MAX_ENTRIES];

	pd_buf_printf(b, "%5u", port);
	for (int t = 0; t < PD_NPROTO; t++) {
		enum pd_status st = pd_registry_status(c->reg, port, t);
		if (proto != PD_PROTO_ANY && t != proto)
			continue;
		pd_buf_printf(b, "  %s%-10s%s", status_color(c, st), pd_status_name(st), cli_c(c, "reset"));
	}
	for (int t = 0, n = 0; t < PD_NPROTO && n < 1; t++) {
		size_t k = pd_registry_lookup(c->reg, port, t, idx, MAX_ENTRIES);
		struct pd_entry e;
		if (proto != PD_PROTO_ANY && t != proto)
			continue;
		for (size_t i = 0; i < k && i < MAX_ENTRIES && !n; i++)
			if (!pd_registry_entry(c->reg, idx[i], &e) && e.status == PD_ASSIGNED) {
				pd_buf_puts(b, "  ");
				pd_buf_text(b, e.name);
				pd_buf_puts(b, ": ");
				pd_buf_text(b, e.description);
				n++;
			}
	}
	pd_buf_putc(b, '\n');
}

int cmd_lookup(struct cli *c, int argc, char **argv)
{
	struct pd_query *qs = calloc((size_t)argc, sizeof(*qs));
	/* a bitmap of the ports seen (8 KiB), and the ports, filled in order:
	 * nothing of a lookup's time goes to zeroing what it does not use */
	unsigned char *seen = calloc(MAX_PORTS / 8, 1);
	unsigned *ports = malloc(MAX_PORTS * sizeof(*ports));
	struct pd_buf b = PD_BUF_INIT;
	const struct pd_host_snapshot *snap;
	size_t n = 0;
	int rc = EXIT_ANSWERED, proto = PD_PROTO_ANY, table = 0;

	if (!qs || !seen || !ports) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	/* check every query before answering any */
	for (int i = 0; i < argc; i++) {
		if (pd_query_parse(argv[i], &qs[i])) {
			rc = cli_bad_query(argv[i]);
			goto out;
		}
	}
	rc = cli_open_registry(c);
	if (rc)
		goto out;
	for (int i = 0; i < argc; i++) {
		char q[256];
		if (qs[i].kind == PD_Q_RANGE)
			table = 1;
		if (argc == 1)
			proto = qs[i].proto;
		if (query_ports(c, &qs[i], seen, ports, &n)) {
			cli_error("no service named '%s' in the registry (try: portdex search %s)",
				  cli_quote(qs[i].name, q, sizeof(q)), cli_quote(qs[i].name, q, sizeof(q)));
			rc = EXIT_NOTHING;
		}
	}
	if (!n)
		goto out;
	qsort(ports, n, sizeof(*ports), cmp_uint);
	/* this host: sysctls, and what listens on the ports (not for tables) */
	if (!(snap = cli_host_snapshot(c, ports, table ? 0 : n, 0))) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (c->json || !table) {
		if (c->json && n > 1)
			pd_buf_putc(&b, '[');
		for (size_t i = 0; i < n && !b.err; i++) {
			struct pd_port_facts f;
			int err = pd_port_facts_build(c->reg, ports[i], snap, NULL, &f);
			if (!err && c->json) {
				if (i)
					pd_buf_putc(&b, ',');
				err = pd_port_facts_json(&f, proto, &b);
			} else if (!err) {
				if (i)
					pd_buf_putc(&b, '\n');
				card(c, &b, &f, proto);
			}
			pd_port_facts_release(&f);
			if (err) {
				cli_error("cannot gather the facts about port %u: %s", ports[i], pd_strerror(err));
				rc = EXIT_FAILURE_OP;
				goto out;
			}
		}
		if (c->json)
			pd_buf_puts(&b, n > 1 ? "]\n" : "\n");
	} else {

		pd_buf_printf(&b, "%s port", cli_c(c, "bold"));
		for (int t = 0; t < PD_NPROTO; t++)
			if (proto == PD_PROTO_ANY || proto == t)
				pd_buf_printf(&b, "  %-10s", pd_proto_name(t));
		pd_buf_printf(&b, "  service%s\n", cli_c(c, "reset"));
		for (size_t i = 0; i < n; i++)
			table_row(c, &b, ports[i], proto);
	}
	{
		int wr = cli_write(&b);
		if (wr)
			rc = wr;
	}
out:
	pd_buf_release(&b);
	free(qs);
	free(seen);
	free(ports);
	return rc;
}
