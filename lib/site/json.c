/* json.c: the JSON object for one port */
#include <string.h>

#include "image.h"

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

static void json_field(struct pd_buf *b, const char *key, const char *val, int comma)
{
	if (comma)
		pd_buf_putc(b, ',');
	pd_buf_json_str(b, key);
	pd_buf_putc(b, ':');
	pd_buf_json_str(b, val);
}

static void json_people(const struct pd_registry *reg, struct pd_buf *b, const char *key, const char *field)
{
	const char *cur = field;
	struct pd_person_ref r;
	int n = 0;

	pd_buf_printf(b, ",\"%s\":[", key);
	while (pd_registry_people_next(reg, &cur, &r)) {
		pd_buf_puts(b, n++ ? ",{" : "{");
		json_field(b, "id", r.id, 0);
		if (r.known) {
			json_field(b, "name", r.p.name, 1);
			json_field(b, "org", r.p.org, 1);
			json_field(b, "uri", r.p.uri, 1);
		}
		pd_buf_putc(b, '}');
	}
	pd_buf_putc(b, ']');
}

static void json_refs(struct pd_buf *b, const char *field)
{
	const char *cur = field, *item;
	size_t len;
	int n = 0;
	struct pd_buf one = PD_BUF_INIT;

	pd_buf_puts(b, ",\"references\":[");
	while (pd_refs_next(&cur, &item, &len)) {
		one.len = 0;
		pd_buf_add(&one, item, len);
		if (n++)
			pd_buf_putc(b, ',');
		pd_buf_json_str(b, pd_buf_str(&one));
	}
	pd_buf_putc(b, ']');
	pd_buf_release(&one);
}

void pd__json_entry(const struct pd_registry *reg, const struct pd_entry *e, struct pd_buf *b)
{
	pd_buf_putc(b, '{');
	json_field(b, "name", e->name, 0);
	json_field(b, "description", e->description, 1);
	pd_buf_printf(b, ",\"status\":\"%s\"", pd_status_name(e->status));
	json_people(reg, b, "assignee", e->assignee);
	json_people(reg, b, "contact", e->contact);
	json_field(b, "registered", *e->registered ? e->registered : NULL, 1);
	json_field(b, "modified", *e->modified ? e->modified : NULL, 1);
	json_refs(b, e->refs);
	json_field(b, "notes", *e->notes ? e->notes : NULL, 1);
	json_field(b, "unauthorized_use", *e->unauthorized ? e->unauthorized : NULL, 1);
	json_field(b, "service_code", *e->service_code ? e->service_code : NULL, 1);
	json_field(b, "expires", *e->expires ? e->expires : NULL, 1);
	pd_buf_putc(b, '}');
}

static void json_neighbour(struct pd_buf *b, const char *key, const struct pd_neighbour *nb)
{
	pd_buf_printf(b, ",\"%s\":", key);
	if (!nb->found) {
		pd_buf_puts(b, "null");
		return;
	}
	pd_buf_printf(b, "{\"port\":%u,\"services\":[", nb->port);
	for (size_t i = 0; i < nb->n; i++) {
		pd_buf_puts(b, i ? ",{" : "{");
		json_field(b, "name", nb->svc[i].name, 0);
		json_field(b, "transport", pd_proto_name(nb->proto[i]), 1);
		json_field(b, "description", nb->svc[i].description, 1);
		pd_buf_putc(b, '}');
	}
	pd_buf_puts(b, "]}");
}

static const char *json_bool(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

static const char *json_answer(enum pd_answer v)
{
	return v == PD_UNKNOWN ? "null" : v == PD_YES ? "true" : "false";
}

static void json_host(struct pd_buf *b, const struct pd_host *host, unsigned port)
{
	pd_buf_puts(b, ",\"host\":");
	if (!host) {
		pd_buf_puts(b, "null");
		return;
	}
	pd_buf_printf(b, "{\"privileged\":%s", json_answer(pd_host_privileged(host, port)));
	pd_buf_printf(b, ",\"ephemeral\":%s", json_answer(pd_host_ephemeral(host, port)));
	pd_buf_printf(b, ",\"reserved\":%s", json_bool(pd_host_reserved(host, port)));
	if (host->unpriv_start >= 0)
		pd_buf_printf(b, ",\"unprivileged_port_start\":%d", host->unpriv_start);
	if (host->eph_first >= 0)
		pd_buf_printf(b, ",\"ephemeral_range\":{\"first\":%d,\"last\":%d}", host->eph_first, host->eph_last);
	pd_buf_putc(b, '}');
}

static void json_transports(struct pd_buf *b, const struct pd_port_facts *f, int proto)
{
	pd_buf_puts(b, ",\"transports\":{");
	for (int t = 0, n = 0; t < PD_NPROTO; t++) {
		if (proto != PD_PROTO_ANY && t != proto)
			continue;
		pd_buf_printf(b, "%s\"%s\":{\"status\":\"%s\",\"services\":[", n++ ? "," : "", pd_proto_name(t),
			      pd_status_name(f->st[t]));
		for (size_t i = 0; i < f->nsvc[t]; i++) {
			if (i)
				pd_buf_putc(b, ',');
			pd__json_entry(f->reg, &f->svc[t][i], b);
		}
		pd_buf_puts(b, "],\"entry\":");
		if (f->has_row[t]) {
			pd_buf_printf(b, "{\"first\":%u,\"last\":%u,\"description\":", f->row[t].first, f->row[t].last);
			pd_buf_json_str(b, f->row[t].description);
			pd_buf_putc(b, '}');
		} else {
			pd_buf_puts(b, "null");
		}
		pd_buf_putc(b, '}');
	}
	pd_buf_putc(b, '}');
}

static void json_history(struct pd_buf *b, const struct pd_port_facts *f)
{
	pd_buf_puts(b, ",\"history\":[");
	for (size_t i = 0; i < f->nhist; i++) {
		const struct pd_history *h = &f->hist[i];
		pd_buf_printf(b, "%s{\"date\":\"%s\",\"port\":%u,\"transport\":", i ? "," : "", h->date, h->port);
		pd_buf_json_str(b, h->proto == PD_PROTO_ANY ? NULL : pd_proto_name(h->proto));
		json_field(b, "service", h->service, 1);
		pd_buf_printf(b, ",\"block_before\":{\"first\":%u,\"last\":%u}}", h->before_first, h->before_last);
	}
	pd_buf_putc(b, ']');
}

static void json_kb(struct pd_buf *b, const struct pd_port_facts *f)
{
	pd_buf_puts(b, ",\"facts\":[");
	for (size_t i = 0; i < f->nkb; i++) {
		const struct pd_fact *k = &f->kb[i];
		pd_buf_printf(b, "%s{\"kind\":\"%s\",\"first\":%u,\"last\":%u,\"transports\":[", i ? "," : "",
			      pd_fact_kind_name(k->kind), k->first, k->last);
		for (int t = 0, n = 0; t < PD_NPROTO; t++)
			if (k->protos & (1u << t))
				pd_buf_printf(b, "%s\"%s\"", n++ ? "," : "", pd_proto_name(t));
		pd_buf_puts(b, "],\"text\":");
		pd_buf_json_str(b, k->text);
		pd_buf_puts(b, ",\"source\":");
		pd_buf_json_str(b, k->source);
		pd_buf_putc(b, '}');
	}
	pd_buf_putc(b, ']');
}

static void json_listening(struct pd_buf *b, const struct pd_port_facts *f)
{
	struct pd__users u = { .n = 0 };

	pd_buf_puts(b, ",\"listening\":");
	if (!f->listening_known) {
		pd_buf_puts(b, "null");
		return;
	}
	pd_buf_putc(b, '[');
	for (size_t i = 0; i < f->nlistening; i++) {
		if (i)
			pd_buf_putc(b, ',');
		pd__socket_json(f->reg, f->listening[i], &u, b);
	}
	pd_buf_putc(b, ']');
}

static void json_verdict(struct pd_buf *b, const struct pd_port_facts *f)
{
	pd_buf_puts(b, ",\"verdict\":");
	if (!f->has_verdict) {
		pd_buf_puts(b, "null");
	} else {
		pd_buf_printf(b, "{\"verdict\":\"%s\",\"reasons\":[", pd_verdict_name(f->verdict.verdict));
		for (size_t i = 0; i < f->verdict.nreasons; i++) {
			const struct pd_reason *r = &f->verdict.reasons[i];
			pd_buf_printf(b, "%s{\"topic\":", i ? "," : "");
			pd_buf_json_str(b, r->topic);
			pd_buf_printf(b, ",\"rule\":\"%s\",\"weight\":\"%s\",\"text\":", r->rule, pd_verdict_name(r->weight));
			pd_buf_json_str(b, r->text);
			pd_buf_putc(b, '}');
		}
		pd_buf_puts(b, "]}");
	}
	pd_buf_puts(b, ",\"suggested\":[");
	for (size_t i = 0; i < f->nsugg; i++)
		pd_buf_printf(b, "%s%u", i ? "," : "", f->sugg[i]);
	pd_buf_putc(b, ']');
}

void pd__facts_json_members(const struct pd_port_facts *f, int proto, struct pd_buf *b)
{
	pd_buf_printf(b, "\"port\":%u,\"range\":{\"class\":\"%s\",\"first\":%u,\"last\":%u,\"procedure\":", f->port,
		      pd_class_name(f->cls), f->class_first, f->class_last);
	pd_buf_json_str(b, pd_class_procedure(f->cls));
	pd_buf_puts(b, "},\"registry\":{");
	json_field(b, "source", pd_registry_source(f->reg), 0);
	json_field(b, "updated", pd_registry_updated(f->reg), 1);
	pd_buf_putc(b, '}');
	json_host(b, f->host, f->port);
	json_transports(b, f, proto);
	pd_buf_puts(b, ",\"block\":");
	if (f->in_block)
		pd_buf_printf(b, "{\"first\":%u,\"last\":%u,\"size\":%u,\"class\":\"%s\",\"rank\":%u,\"of\":%u}",
			      f->blk.first, f->blk.last, f->blk.size, pd_class_name(f->blk.cls), f->blk.rank, f->blk.of);
	else
		pd_buf_puts(b, "null");
	json_neighbour(b, "below", &f->below);
	json_neighbour(b, "above", &f->above);
	json_history(b, f);
	json_kb(b, f);
	json_listening(b, f);
	json_verdict(b, f);
}

int pd_port_facts_json(const struct pd_port_facts *f, int proto, struct pd_buf *out)
{
	if (proto < PD_PROTO_ANY || proto >= PD_NPROTO)
		return PD_EINVAL;
	pd_buf_putc(out, '{');
	pd__facts_json_members(f, proto, out);
	pd_buf_putc(out, '}');
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
