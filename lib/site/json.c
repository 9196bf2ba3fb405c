/* json.c: the port document, the JSON object for one port (jw.h) */
#include <string.h>

#include "check.h"
#include "image.h"
#include "jw.h"

int pd_refs_next(const char **cursor, const char **item, size_t *len)
{
	const char *p = *cursor, *end;

	while (*p && *p != '[')
		p++;
	if (!*p)
		return 0;
	end = strchr(p + 1, ']');
	if (!end) {
		*item = p + 1;
		*len = strlen(p + 1);
		*cursor = p + 1 + *len;
		return 1;
	}
	*item = p + 1;
	*len = (size_t)(end - p - 1);
	*cursor = end + 1;
	return 1;
}

/* An optional field: the text, or null when it is "" */
static void kopt(struct pd__jw *w, const char *key, const char *s)
{
	pd__jw_kstr(w, key, *s ? s : NULL);
}

static void json_people(const struct pd_registry *reg, struct pd__jw *w, const char *key, const char *field)
{
	const char *cur = field;
	struct pd_person_ref r;

	pd__jw_key(w, key);
	pd__jw_begin_array(w);
	while (pd_registry_people_next(reg, &cur, &r)) {
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "id", r.id);
		if (r.known) {
			pd__jw_kstr(w, "name", r.p.name);
			pd__jw_kstr(w, "org", r.p.org);
			pd__jw_kstr(w, "uri", r.p.uri);
		}
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
}

static void json_refs(struct pd__jw *w, const char *field)
{
	const char *cur = field, *item;
	size_t len;
	struct pd_buf one = PD_BUF_INIT;

	pd__jw_key(w, "references");
	pd__jw_begin_array(w);
	while (pd_refs_next(&cur, &item, &len)) {
		one.len = 0;
		pd_buf_add(&one, item, len);
		pd__jw_str(w, pd_buf_str(&one));
	}
	pd__jw_end_array(w);
	pd_buf_release(&one);
}

static void json_entry(const struct pd_registry *reg, const struct pd_entry *e, struct pd__jw *w)
{
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "name", e->name);
	pd__jw_kstr(w, "description", e->description);
	pd__jw_kstr(w, "status", pd_status_name(e->status));
	json_people(reg, w, "assignee", e->assignee);
	json_people(reg, w, "contact", e->contact);
	kopt(w, "registered", e->registered);
	kopt(w, "modified", e->modified);
	json_refs(w, e->refs);
	kopt(w, "notes", e->notes);
	kopt(w, "unauthorized_use", e->unauthorized);
	kopt(w, "service_code", e->service_code);
	kopt(w, "expires", e->expires);
	pd__jw_end_object(w);
}

/* {"first":F,"last":L} */
static void json_bounds(struct pd__jw *w, unsigned first, unsigned last)
{
	pd__jw_begin_object(w);
	pd__jw_kuint(w, "first", first);
	pd__jw_kuint(w, "last", last);
	pd__jw_end_object(w);
}

static void json_neighbour(struct pd__jw *w, const char *key, const struct pd_neighbour *nb)
{
	pd__jw_key(w, key);
	if (!nb->found) {
		pd__jw_null(w);
		return;
	}
	pd__jw_begin_object(w);
	pd__jw_kuint(w, "port", nb->port);
	pd__jw_key(w, "services");
	pd__jw_begin_array(w);
	for (size_t i = 0; i < nb->n; i++) {
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "name", nb->svc[i].name);
		pd__jw_kstr(w, "transport", pd_proto_name(nb->proto[i]));
		pd__jw_kstr(w, "description", nb->svc[i].description);
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
	pd__jw_end_object(w);
}

/* true, false, or null when this host could not tell */
static void json_answer(struct pd__jw *w, const char *key, enum pd_answer v)
{
	pd__jw_key(w, key);
	if (v == PD_UNKNOWN)
		pd__jw_null(w);
	else
		pd__jw_bool(w, v == PD_YES);
}

static void json_host(struct pd__jw *w, const struct pd_host *host, unsigned port)
{
	pd__jw_key(w, "host");
	if (!host) {
		pd__jw_null(w);
		return;
	}
	pd__jw_begin_object(w);
	json_answer(w, "privileged", pd_host_privileged(host, port));
	json_answer(w, "ephemeral", pd_host_ephemeral(host, port));
	pd__jw_key(w, "reserved");
	pd__jw_bool(w, pd_host_reserved(host, port));
	if (host->unpriv_start >= 0)
		pd__jw_kint(w, "unprivileged_port_start", host->unpriv_start);
	if (host->eph_first >= 0) {
		pd__jw_key(w, "ephemeral_range");
		pd__jw_begin_object(w);
		pd__jw_kint(w, "first", host->eph_first);
		pd__jw_kint(w, "last", host->eph_last);
		pd__jw_end_object(w);
	}
	pd__jw_end_object(w);
}

static void json_transports(struct pd__jw *w, const struct pd_port_facts *f, int proto)
{
	pd__jw_key(w, "transports");
	pd__jw_begin_object(w);
	for (int t = 0; t < PD_NPROTO; t++) {
		if (proto != PD_PROTO_ANY && t != proto)
			continue;
		pd__jw_key(w, pd_proto_name(t));
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "status", pd_status_name(f->st[t]));
		pd__jw_key(w, "services");
		pd__jw_begin_array(w);
		for (size_t i = 0; i < f->nsvc[t]; i++)
			json_entry(f->reg, &f->svc[t][i], w);
		pd__jw_end_array(w);
		pd__jw_key(w, "entry");
		if (f->has_row[t]) {
			pd__jw_begin_object(w);
			pd__jw_kuint(w, "first", f->row[t].first);
			pd__jw_kuint(w, "last", f->row[t].last);
			pd__jw_kstr(w, "description", f->row[t].description);
			pd__jw_end_object(w);
		} else {
			pd__jw_null(w);
		}
		pd__jw_end_object(w);
	}
	pd__jw_end_object(w);
}

static void json_history(struct pd__jw *w, const struct pd_port_facts *f)
{
	pd__jw_key(w, "history");
	pd__jw_begin_array(w);
	for (size_t i = 0; i < f->nhist; i++) {
		const struct pd_history *h = &f->hist[i];
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "date", h->date);
		pd__jw_kuint(w, "port", h->port);
		pd__jw_kstr(w, "transport", h->proto == PD_PROTO_ANY ? NULL : pd_proto_name(h->proto));
		pd__jw_kstr(w, "service", h->service);
		pd__jw_key(w, "block_before");
		json_bounds(w, h->before_first, h->before_last);
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
}

static void json_kb(struct pd__jw *w, const struct pd_port_facts *f)
{
	pd__jw_key(w, "facts");
	pd__jw_begin_array(w);
	for (size_t i = 0; i < f->nkb; i++) {
		const struct pd_fact *k = &f->kb[i];
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "kind", pd_fact_kind_name(k->kind));
		pd__jw_kuint(w, "first", k->first);
		pd__jw_kuint(w, "last", k->last);
		pd__jw_key(w, "transports");
		pd__jw_protos(w, k->protos);
		pd__jw_kstr(w, "text", k->text);
		pd__jw_kstr(w, "source", k->source);
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
}

static void json_listening(struct pd__jw *w, const struct pd_port_facts *f)
{
	struct pd__users u = { .n = 0 };

	pd__jw_key(w, "listening");
	if (!f->listening_known) {
		pd__jw_null(w);
		return;
	}
	pd__jw_begin_array(w);
	for (size_t i = 0; i < f->nlistening; i++)
		pd__socket_json(f->reg, f->listening[i], &u, pd__jw_raw(w));
	pd__jw_end_array(w);
}

static void json_verdict(struct pd__jw *w, const struct pd_port_facts *f)
{
	pd__jw_key(w, "verdict");
	if (!f->has_verdict) {
		pd__jw_null(w);
	} else {
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "verdict", pd_verdict_name(f->verdict.verdict));
		pd__jw_key(w, "reasons");
		pd__jw_begin_array(w);
		for (size_t i = 0; i < f->verdict.nreasons; i++)
			pd__reason_jw(w, &f->verdict.reasons[i]);
		pd__jw_end_array(w);
		pd__jw_end_object(w);
	}
	pd__jw_key(w, "suggested");
	pd__jw_begin_array(w);
	for (size_t i = 0; i < f->nsugg; i++)
		pd__jw_uint(w, f->sugg[i]);
	pd__jw_end_array(w);
}

void pd__facts_json_members(const struct pd_port_facts *f, int proto, struct pd__jw *w)
{
	pd__jw_kuint(w, "port", f->port);
	pd__jw_key(w, "range");
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "class", pd_class_name(f->cls));
	pd__jw_kuint(w, "first", f->class_first);
	pd__jw_kuint(w, "last", f->class_last);
	pd__jw_kstr(w, "procedure", pd_class_procedure(f->cls));
	pd__jw_end_object(w);
	pd__registry_jw(w, "registry", f->reg);
	json_host(w, f->host, f->port);
	json_transports(w, f, proto);
	pd__jw_key(w, "block");
	if (f->in_block) {
		pd__jw_begin_object(w);
		pd__jw_kuint(w, "first", f->blk.first);
		pd__jw_kuint(w, "last", f->blk.last);
		pd__jw_kuint(w, "size", f->blk.size);
		pd__jw_kstr(w, "class", pd_class_name(f->blk.cls));
		pd__jw_kuint(w, "rank", f->blk.rank);
		pd__jw_kuint(w, "of", f->blk.of);
		pd__jw_end_object(w);
	} else {
		pd__jw_null(w);
	}
	json_neighbour(w, "below", &f->below);
	json_neighbour(w, "above", &f->above);
	json_history(w, f);
	json_kb(w, f);
	json_listening(w, f);
	json_verdict(w, f);
}

int pd_port_facts_json(const struct pd_port_facts *f, int proto, struct pd_buf *out)
{
	struct pd__jw w;

	if (!f || !out || proto < PD_PROTO_ANY || proto >= PD_NPROTO)
		return PD_EINVAL;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__facts_json_members(f, proto, &w);
	pd__jw_end_object(&w);
	return out->err;
}

int pd_port_json(const struct pd_registry *reg, const struct pd_host *host, unsigned port, int proto,
		 struct pd_buf *b)
{
	struct pd_host_snapshot snap = { .host = host };
	struct pd_port_facts f;
	int rc;

	if (port > 65535 || proto < PD_PROTO_ANY || proto >= PD_NPROTO)
		return PD_EINVAL;
	rc = pd_port_facts_build(reg, port, host ? &snap : NULL, NULL, &f);
	if (!rc)
		rc = pd_port_facts_json(&f, proto, b);
	pd_port_facts_release(&f);
	return rc;
}
