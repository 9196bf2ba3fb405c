/* cmd_list.c: `portdex list`, `gaps`, `stats` and `services` */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jw.h"

#define MAX_ENTRIES 64

static int no_args(const char *cmd, int argc, char **argv)
{
	char q[256];

	if (argc) {
		cli_error("%s takes no argument, got '%s'", cmd, cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	return 0;
}

static int range_opt(const struct cli *c, unsigned *first, unsigned *last)
{
	char q[256];

	*first = 0;
	*last = 65535;
	if (c->range && cli_parse_range(c->range, first, last)) {
		cli_error("'%s' is not a range (A-B, system, user or dynamic)", cli_quote(c->range, q, sizeof(q)));
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd__jw w;
	unsigned first, last;
	int status = -1, proto = PD_PROTO_ANY, rc, n = 0;
	char q[256];

	if ((rc = no_args("list", argc, argv)) || (rc = range_opt(c, &first, &last)))
		return rc;
	if (c->status) {
		for (int s = PD_UNASSIGNED; s <= PD_ASSIGNED; s++)
			if (!strcmp(c->status, pd_status_name((enum pd_status)s)))
				status = s;
		if (status < 0) {
			cli_error("'%s' is not a status (assigned, reserved, unassigned)", cli_quote(c->status, q, sizeof(q)));
			return EXIT_USAGE;
		}
	}
	if (c->transport) {
		proto = pd_proto_parse(c->transport, strlen(c->transport));
		if (proto < 0) {
			cli_error("'%s' is not a transport (tcp, udp, sctp, dccp)", cli_quote(c->transport, q, sizeof(q)));
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_open_registry(c)))
		return rc;
	pd__jw_init(&w, &b);
	if (c->json)
		pd__jw_begin_array(&w);
	for (unsigned port = first; port <= last; port++) {
		for (int t = 0; t < PD_NPROTO; t++) {
			uint32_t idx[MAX_ENTRIES];
			enum pd_status st;
			size_t k;
			int names = 0;
			if (proto != PD_PROTO_ANY && t != proto)
				continue;
			st = pd_registry_status(c->reg, port, t);
			if (status >= 0 && (int)st != status)
				continue;
			k = pd_registry_lookup(c->reg, port, t, idx, MAX_ENTRIES);
			if (c->json) {
				pd__jw_begin_object(&w);
				pd__jw_kuint(&w, "port", port);
				pd__jw_kstr(&w, "transport", pd_proto_name(t));
				pd__jw_kstr(&w, "status", pd_status_name(st));
				pd__jw_key(&w, "services");
				pd__jw_begin_array(&w);
			} else {
				pd_buf_printf(&b, "%u/%-5s %-10s", port, pd_proto_name(t), pd_status_name(st));
			}
			n++;
			for (size_t i = 0; i < k && i < MAX_ENTRIES; i++) {
				struct pd_entry e;
				if (pd_registry_entry(c->reg, idx[i], &e) || e.status != PD_ASSIGNED)
					continue;
				if (c->json) {
					pd__jw_str(&w, e.name);
				} else {
					pd_buf_putc(&b, names ? ',' : ' ');
					pd_buf_text(&b, e.name);
				}
				names++;
			}
			if (c->json) {
				pd__jw_end_array(&w);
				pd__jw_end_object(&w);
			} else {
				pd_buf_putc(&b, '\n');
			}
		}
		if (b.len > (1 << 20)) {
			if ((rc = cli_write(&b)))
				goto out;
			b.len = 0;
		}
	}
	if (c->json) {
		pd__jw_end_array(&w);
		pd_buf_putc(&b, '\n');
	}
	rc = cli_write(&b);
	if (!rc && !n && !c->json)
		rc = EXIT_NOTHING;
out:
	pd_buf_release(&b);
	return rc;
}

static int cmp_size(const void *x, const void *y)
{
	const struct pd_block *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

int cmd_gaps(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd_block *v = NULL;
	unsigned first, last;
	size_t n = 0, total;
	int rc;

	if ((rc = no_args("gaps", argc, argv)) || (rc = range_opt(c, &first, &last)))
		return rc;
	if ((rc = cli_open_registry(c)))
		return rc;
	total = pd_registry_block_count(c->reg);
	v = calloc(total + 1, sizeof(*v));
	if (!v) {
		cli_error("out of memory");
		return EXIT_FAILURE_OP;
	}
	for (size_t i = 0; i < total; i++) {
		struct pd_block blk;
		if (pd_registry_block_at(c->reg, i, &blk))
			break;
		if (blk.last < first || blk.first > last)
			continue;
		v[n++] = blk;
	}
	qsort(v, n, sizeof(*v), cmp_size);
	if (c->limit >= 0 && (size_t)c->limit < n)
		n = (size_t)c->limit;
	if (c->json) {
		struct pd__jw w;
		pd__jw_init(&w, &b);
		pd__jw_begin_array(&w);
		for (size_t i = 0; i < n; i++) {
			pd__jw_begin_object(&w);
			pd__jw_kuint(&w, "first", v[i].first);
			pd__jw_kuint(&w, "last", v[i].last);
			pd__jw_kuint(&w, "size", v[i].size);
			pd__jw_kstr(&w, "class", pd_class_name(v[i].cls));
			pd__jw_kuint(&w, "rank", v[i].rank);
			pd__jw_kuint(&w, "of", v[i].of);
			pd__jw_end_object(&w);
		}
		pd__jw_end_array(&w);
		pd_buf_putc(&b, '\n');
	} else {
		pd_buf_printf(&b, "%s%-13s %6s  %-8s %s%s\n", cli_c(c, "bold"), "block", "ports", "class",
			      "rank in class", cli_c(c, "reset"));
		for (size_t i = 0; i < n; i++) {
			char r[16];
			snprintf(r, sizeof(r), "%u-%u", v[i].first, v[i].last);
			pd_buf_printf(&b, "%-13s %6u  %-8s %u of %u\n", r, v[i].size, pd_class_name(v[i].cls),
				      v[i].rank, v[i].of);
		}
	}
	rc = cli_write(&b);
	if (!rc && !n && !c->json)
		rc = EXIT_NOTHING;
	pd_buf_release(&b);
	free(v);
	return rc;
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	unsigned cnt[3][PD_NPROTO][3];
	unsigned ports[3][3];
	int rc;

	if ((rc = no_args("stats", argc, argv)) || (rc = cli_open_registry(c)))
		return rc;
	memset(cnt, 0, sizeof(cnt));
	memset(ports, 0, sizeof(ports));
	for (unsigned p = 0; p < 65536; p++) {
		enum pd_class k = pd_port_class(p);
		for (int t = 0; t < PD_NPROTO; t++)
			cnt[k][t][pd_registry_status(c->reg, p, t)]++;
		ports[k][pd_registry_port_status(c->reg, p)]++;
	}
	if (c->json) {
		struct pd__jw w;
		pd__jw_init(&w, &b);
		pd__jw_begin_object(&w);
		cli_registry_jw(c, &w);
		pd__jw_kuint(&w, "records", pd_registry_count(c->reg));
		pd__jw_kuint(&w, "blocks", pd_registry_block_count(c->reg));
		pd__jw_key(&w, "classes");
		pd__jw_begin_object(&w);
		for (int k = 0; k < 3; k++) {
			unsigned f, l;
			pd_class_bounds((enum pd_class)k, &f, &l);
			pd__jw_key(&w, pd_class_name((enum pd_class)k));
			pd__jw_begin_object(&w);
			pd__jw_kuint(&w, "first", f);
			pd__jw_kuint(&w, "last", l);
			pd__jw_key(&w, "ports");
			pd__jw_begin_object(&w);
			for (int s = 0; s < 3; s++)
				pd__jw_kuint(&w, pd_status_name((enum pd_status)s), ports[k][s]);
			pd__jw_end_object(&w);
			pd__jw_key(&w, "transports");
			pd__jw_begin_object(&w);
			for (int t = 0; t < PD_NPROTO; t++) {
				pd__jw_key(&w, pd_proto_name(t));
				pd__jw_begin_object(&w);
				for (int s = 0; s < 3; s++)
					pd__jw_kuint(&w, pd_status_name((enum pd_status)s), cnt[k][t][s]);
				pd__jw_end_object(&w);
			}
			pd__jw_end_object(&w);
			pd__jw_end_object(&w);
		}
		pd__jw_end_object(&w);
		pd__jw_end_object(&w);
		pd_buf_putc(&b, '\n');
	} else {
		pd_buf_puts(&b, "registry ");
		pd_buf_text(&b, pd_registry_source(c->reg));
		pd_buf_puts(&b, ", updated ");
		pd_buf_text(&b, pd_registry_updated(c->reg));
		pd_buf_printf(&b, ": %zu records, %zu unassigned blocks\n\n", pd_registry_count(c->reg),
			      pd_registry_block_count(c->reg));
		pd_buf_printf(&b, "%s%-9s %-9s %10s %10s %10s%s\n", cli_c(c, "bold"), "class", "transport",
			      "assigned", "reserved", "unassigned", cli_c(c, "reset"));
		for (int k = 0; k < 3; k++) {
			for (int t = 0; t < PD_NPROTO; t++)
				pd_buf_printf(&b, "%-9s %-9s %10u %10u %10u\n", pd_class_name((enum pd_class)k),
					      pd_proto_name(t), cnt[k][t][PD_ASSIGNED], cnt[k][t][PD_RESERVED],
					      cnt[k][t][PD_UNASSIGNED]);
			pd_buf_printf(&b, "%-9s %-9s %10u %10u %10u\n", pd_class_name((enum pd_class)k), "(port)",
				      ports[k][PD_ASSIGNED], ports[k][PD_RESERVED], ports[k][PD_UNASSIGNED]);
		}
		pd_buf_puts(&b, "\n(port): a port counts as assigned if any transport is, reserved if any is\n");
	}
	rc = cli_write(&b);
	pd_buf_release(&b);
	return rc;
}

int cmd_services(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	int rc;

	if ((rc = no_args("services", argc, argv)) || (rc = cli_open_registry(c)))
		return rc;
	if (pd_registry_services(c->reg, c->json, &b)) {
		cli_error("%s", pd_strerror(b.err));
		rc = EXIT_FAILURE_OP;
	} else {
		rc = cli_write(&b);
	}
	pd_buf_release(&b);
	return rc;
}
