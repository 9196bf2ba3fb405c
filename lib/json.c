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

static void json_neighbour(const struct pd_registry *reg, struct pd_buf *b, const char *key,
			   unsigned from, int dir)
{
	unsigned port;
	uint32_t idx[16];
	int n = 0;

	pd_buf_printf(b, ",\"%s\":", key);
	if (pd_registry_neighbour(reg, from, dir, &port)) {
		pd_buf_puts(b, "null");
		return;
	}
	pd_buf_printf(b, "{\"port\":%u,\"services\":[", port);
	for (int t = 0; t < PD_NPROTO; t++) {
		size_t k = pd_registry_lookup(reg, port, t, idx, 16);
		for (size_t i = 0; i < k && i < 16; i++) {
			struct pd_entry e;
			pd__entry_view(reg, idx[i], &e);
			if (e.status != PD_ASSIGNED)
				continue;
			pd_buf_puts(b, n++ ? ",{" : "{");
			json_field(b, "name", e.name, 0);
			json_field(b, "transport", pd_proto_name(t), 1);
			json_field(b, "description", e.description, 1);
			pd_buf_putc(b, '}');
		}
	}
	pd_buf_puts(b, "]}");
}

int pd_port_json(const struct pd_registry *reg, const struct pd_host *host, unsigned port, int proto,
		 struct pd_buf *b)
{
	unsigned cf, cl;
	enum pd_class cls;
	struct pd_block blk;
	struct pd_history hist[32];
	size_t nh;
	int in_block;

	if (port > 65535 || proto < PD_PROTO_ANY || proto >= PD_NPROTO)
		return PD_EINVAL;
	cls = pd_port_class(port);
	pd_class_bounds(cls, &cf, &cl);
	pd_buf_printf(b, "{\"port\":%u,\"range\":{\"class\":\"%s\",\"first\":%u,\"last\":%u,\"procedure\":",
		      port, pd_class_name(cls), cf, cl);
	pd_buf_json_str(b, pd_class_procedure(cls));
	pd_buf_puts(b, "},\"registry\":{");
	json_field(b, "source", pd_registry_source(reg), 0);
	json_field(b, "updated", pd_registry_updated(reg), 1);
	pd_buf_puts(b, "},\"host\":");
	if (host) {
		int v;
		pd_buf_putc(b, '{');
		v = pd_host_privileged(host, port);
		pd_buf_printf(b, "\"privileged\":%s", v == PD_UNKNOWN ? "null" : v ? "true" : "false");
		v = pd_host_ephemeral(host, port);
		pd_buf_printf(b, ",\"ephemeral\":%s", v == PD_UNKNOWN ? "null" : v ? "true" : "false");
		pd_buf_printf(b, ",\"reserved\":%s", pd_host_reserved(host, port) ? "true" : "false");
		if (host->unpriv_start >= 0)
			pd_buf_printf(b, ",\"unprivileged_port_start\":%d", host->unpriv_start);
		if (host->eph_first >= 0)
			pd_buf_printf(b, ",\"ephemeral_range\":{\"first\":%d,\"last\":%d}", host->eph_first,
				      host->eph_last);
		pd_buf_putc(b, '}');
	} else {
		pd_buf_puts(b, "null");
	}
	pd_buf_puts(b, ",\"transports\":{");
	for (int t = 0, n = 0; t < PD_NPROTO; t++) {
		uint32_t idx[64];
		size_t k;
		if (proto != PD_PROTO_ANY && t != proto)
			continue;
		k = pd_registry_lookup(reg, port, t, idx, 64);
		if (k > 64)
			k = 64;
		pd_buf_printf(b, "%s\"%s\":{\"status\":\"%s\",\"services\":[", n++ ? "," : "",
			      pd_proto_name(t), pd_status_name(pd_registry_status(reg, port, t)));
		for (size_t i = 0, m = 0; i < k; i++) {
			struct pd_entry e;
			pd__entry_view(reg, idx[i], &e);
			if (e.status != PD_ASSIGNED)
				continue;
			if (m++)
				pd_buf_putc(b, ',');
			pd__json_entry(reg, &e, b);
		}
		pd_buf_puts(b, "],\"entry\":");
		if (k) {
			struct pd_entry e;
			pd__entry_view(reg, idx[0], &e);
			pd_buf_printf(b, "{\"first\":%u,\"last\":%u,\"description\":", e.first, e.last);
			pd_buf_json_str(b, e.description);
			pd_buf_putc(b, '}');
		} else {
			pd_buf_puts(b, "null");
		}
		pd_buf_putc(b, '}');
	}
	pd_buf_puts(b, "},\"block\":");
	in_block = !pd_registry_block(reg, port, &blk);
	if (in_block)
		pd_buf_printf(b, "{\"first\":%u,\"last\":%u,\"size\":%u,\"class\":\"%s\",\"rank\":%u,\"of\":%u}",
			      blk.first, blk.last, blk.size, pd_class_name(blk.cls), blk.rank, blk.of);
	else
		pd_buf_puts(b, "null");
	json_neighbour(reg, b, "below", in_block ? blk.first : port, -1);
	json_neighbour(reg, b, "above", in_block ? blk.last : port, 1);
	nh = pd_registry_history(reg, port, hist, 32);
	pd_buf_puts(b, ",\"history\":[");
	for (size_t i = 0; i < nh; i++) {
		pd_buf_printf(b, "%s{\"date\":\"%s\",\"port\":%u,\"transport\":", i ? "," : "", hist[i].date,
			      hist[i].port);
		pd_buf_json_str(b, hist[i].proto == PD_PROTO_ANY ? NULL : pd_proto_name(hist[i].proto));
		json_field(b, "service", hist[i].service, 1);
		pd_buf_printf(b, ",\"block_before\":{\"first\":%u,\"last\":%u}}", hist[i].before_first,
			      hist[i].before_last);
	}
	pd_buf_puts(b, "]}");
	return b->err;
}
