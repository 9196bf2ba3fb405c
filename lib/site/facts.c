/* facts.c: the facts about one port, gathered once (pd_port_facts_build)
 * for every output: the card, the port document, the page and the site.
 * What the model knows of this host comes from the caller's snapshot; it
 * reads nothing of the host itself. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "image.h"

static void neighbour(const struct pd_registry *reg, unsigned from, int dir, struct pd_neighbour *nb)
{
	uint32_t idx[PD_NEIGHBOUR_MAX];

	if (pd_registry_neighbour(reg, from, dir, &nb->port))
		return;
	nb->found = 1;
	for (int t = 0; t < PD_NPROTO; t++) {
		size_t k = pd_registry_lookup(reg, nb->port, t, idx, PD_NEIGHBOUR_MAX);
		for (size_t i = 0; i < k && i < PD_NEIGHBOUR_MAX && nb->n < PD_NEIGHBOUR_MAX; i++) {
			struct pd_entry e;
			if (pd_registry_entry(reg, idx[i], &e) || e.status != PD_ASSIGNED)
				continue;
			nb->proto[nb->n] = t;
			nb->svc[nb->n++] = e;
		}
	}
}

static void registry_facts(struct pd_port_facts *f, int lang)
{
	const struct pd_registry *reg = f->reg;
	uint32_t idx[PD_SERVICES_MAX];

	for (int t = 0; t < PD_NPROTO; t++) {
		size_t n = pd_registry_lookup(reg, f->port, t, idx, PD_SERVICES_MAX);
		f->st[t] = pd_registry_status(reg, f->port, t);
		if (f->st[t] > f->overall)
			f->overall = f->st[t];
		for (size_t i = 0; i < n && i < PD_SERVICES_MAX; i++) {
			struct pd_entry e;
			if (pd_registry_entry(reg, idx[i], &e))
				continue;
			if (!f->has_row[t]) {
				f->row[t] = e;
				f->has_row[t] = 1;
			}
			if (e.status == PD_ASSIGNED)
				f->svc[t][f->nsvc[t]++] = e;
		}
	}
	f->in_block = !pd_registry_block(reg, f->port, &f->blk);
	neighbour(reg, f->in_block ? f->blk.first : f->port, -1, &f->below);
	neighbour(reg, f->in_block ? f->blk.last : f->port, 1, &f->above);
	f->nhist = pd_registry_history(reg, f->port, f->hist, PD_HISTORY_MAX);
	if (f->nhist > PD_HISTORY_MAX)
		f->nhist = PD_HISTORY_MAX;
	f->nkb = pd__facts_lang(f->port, lang, f->kb, PD_KB_MAX);
	if (f->nkb > PD_KB_MAX)
		f->nkb = PD_KB_MAX;
}

static void host_facts(struct pd_port_facts *f, const struct pd_host_snapshot *h)
{
	if (!h)
		return;
	f->host = h->host;
	if (!h->sockets)
		return;
	f->listening_known = 1;
	f->listening_method = h->sockets->method;
	for (size_t i = 0; i < h->sockets->n && f->nlistening < PD_LISTENING_MAX; i++)
		if (h->sockets->v[i].port == f->port)
			f->listening[f->nlistening++] = &h->sockets->v[i];
}

/* The verdict's options: the data files from o, the host from the
 * snapshot and nothing else (no /proc, no bind test without it) */
static void check_opts(struct pd_check_opts *co, const struct pd_host_snapshot *h, const struct pd_facts_opts *o)
{
	memset(co, 0, sizeof(*co));
	if (o->check) {
		co->datadir = o->check->datadir;
		co->nmap_services = o->check->nmap_services;
	}
	co->lang = o->lang;
	co->host = h ? h->host : NULL;
	co->no_host = 1;
	co->sockets = h ? h->sockets : NULL;
	co->no_listening = 1;
	co->no_bind_test = !(h && h->bind_test);
}

int pd_port_facts_build(const struct pd_registry *reg, unsigned port, const struct pd_host_snapshot *host,
			const struct pd_facts_opts *o, struct pd_port_facts *out)
{
	struct pd_check_opts co;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!reg || port > 65535)
		return PD_EINVAL;
	out->reg = reg;
	out->port = port;
	out->cls = pd_port_class(port);
	pd_class_bounds(out->cls, &out->class_first, &out->class_last);
	registry_facts(out, pd__lang_of(o ? o->lang : NULL));
	host_facts(out, host);
	if (!o)
		return 0;
	check_opts(&co, host, o);
	if (o->want & PD_FACTS_VERDICT) {
		rc = pd_check_port(reg, &co, port, PD_PROTO_ANY, &out->verdict);
		if (rc == PD_ENOMEM)
			return rc;
		out->has_verdict = !rc;
		rc = 0;
	}
	if (o->want & PD_FACTS_SUGGEST) {
		struct pd_suggest_opts so;
		char name[32];

		memset(&so, 0, sizeof(so));
		snprintf(name, sizeof(name), "port-%u", port);
		so.name = name;
		so.count = 3;
		so.proto = PD_PROTO_ANY;
		so.first = 1024;
		so.last = 49151;
		so.check = co;
		so.check.no_bind_test = 1; /* three ports of another range: never bind them */
		rc = pd_suggest(reg, &so, out->sugg);
		if (rc == PD_ENOMEM)
			return rc;
		out->nsugg = rc > 0 ? (size_t)rc : 0;
		rc = 0;
	}
	return rc;
}

void pd_port_facts_release(struct pd_port_facts *f)
{
	if (f->has_verdict)
		pd_check_release(&f->verdict);
	f->has_verdict = 0;
}
