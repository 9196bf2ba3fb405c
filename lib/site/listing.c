/* listing.c: the listening sockets in every document that shows them: one
 * JSON object per socket (the port document's "listening", `portdex
 * listening --json`, /api/v1/listening) and one metric family,
 * portdex_listening_sockets (`portdex listening --format prometheus`,
 * the server's /metrics). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "jw.h"

/* A user's name, or the uid as digits when it has none (or an odd one: the
 * outputs carry only printable ASCII names). */
const char *pd__user_name(struct pd__users *u, unsigned uid)
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

static void kbool(struct pd__jw *w, const char *key, int v)
{
	pd__jw_key(w, key);
	if (v < 0)
		pd__jw_null(w);
	else
		pd__jw_bool(w, v);
}

/* The owner's container and pod, or null */
static void container_json(struct pd__jw *w, const struct pd_owner *o)
{
	static const struct pd_container none;
	const struct pd_container *c = o->container ? o->container : &none;

	pd__jw_key(w, "container");
	if (!*c->engine) {
		pd__jw_null(w);
	} else {
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "engine", c->engine);
		pd__jw_kstr(w, "id", *c->id ? c->id : NULL);
		pd__jw_kstr(w, "name", *c->name ? c->name : NULL);
		pd__jw_kstr(w, "image", *c->image ? c->image : NULL);
		pd__jw_key(w, "port");
		if (c->port)
			pd__jw_uint(w, c->port);
		else
			pd__jw_null(w);
		pd__jw_kstr(w, "transport", c->port && c->proto >= 0 ? pd_proto_name(c->proto) : NULL);
		pd__jw_kstr(w, "address", *c->address ? c->address : NULL);
		pd__jw_key(w, "published");
		if (c->published)
			pd__jw_uint(w, c->published);
		else
			pd__jw_null(w);
		pd__jw_key(w, "via_proxy");
		pd__jw_bool(w, c->via_proxy);
		pd__jw_kstr(w, "unknown", c->unknown);
		pd__jw_end_object(w);
	}
	pd__jw_key(w, "pod");
	if (!*c->pod_uid && !*c->pod) {
		pd__jw_null(w);
	} else {
		pd__jw_begin_object(w);
		pd__jw_kstr(w, "uid", *c->pod_uid ? c->pod_uid : NULL);
		pd__jw_kstr(w, "name", *c->pod ? c->pod : NULL);
		pd__jw_kstr(w, "namespace", *c->pod_namespace ? c->pod_namespace : NULL);
		pd__jw_end_object(w);
	}
}

void pd__socket_jw(const struct pd_registry *reg, const struct pd_socket *s, struct pd__users *u, struct pd__jw *w)
{
	uint32_t idx[16];
	size_t k = pd_registry_lookup(reg, s->port, s->proto, idx, 16);
	int v4 = s->family == 4 || pd_socket_dual_stack(s) || pd_socket_v4_mapped(s);
	int v6 = s->family == 6 && !pd_socket_v4_mapped(s);
	/* "::" with v6only unknown (/proc/net): IPv4 too, or not */
	int v4_unknown = s->family == 6 && s->v6only < 0 && !strcmp(s->addr, "::");
	const char *svc = NULL;

	pd__jw_begin_object(w);
	pd__jw_kstr(w, "transport", pd_proto_name(s->proto));
	pd__jw_kint(w, "family", s->family);
	pd__jw_kstr(w, "address", s->addr);
	pd__jw_kuint(w, "port", s->port);
	kbool(w, "v6only", s->v6only);
	kbool(w, "ipv4", v4_unknown ? -1 : v4);
	kbool(w, "ipv6", v6);
	pd__jw_kuint(w, "inode", s->inode);
	pd__jw_kuint(w, "uid", s->uid);
	pd__jw_kstr(w, "user", pd__user_name(u, s->uid));
	pd__jw_kstr(w, "netns", s->netns);
	pd__jw_key(w, "netns_inode");
	if (s->netns_ino)
		pd__jw_uint(w, s->netns_ino);
	else
		pd__jw_null(w);
	for (size_t j = 0; j < k && j < 16 && !svc; j++) {
		struct pd_entry e;
		if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED && *e.name)
			svc = e.name;
	}
	pd__jw_kstr(w, "service", svc);
	pd__jw_key(w, "services");
	pd__jw_begin_array(w);
	for (size_t j = 0; j < k && j < 16; j++) {
		struct pd_entry e;
		if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED && *e.name)
			pd__jw_str(w, e.name);
	}
	pd__jw_end_array(w);
	pd__jw_kstr(w, "status", pd_status_name(pd_registry_status(reg, s->port, s->proto)));
	pd__jw_kstr(w, "class", pd_class_name(pd_port_class(s->port)));
	pd__jw_key(w, "owners");
	pd__jw_begin_array(w);
	for (size_t j = 0; j < s->nowners; j++) {
		const struct pd_owner *o = &s->owners[j];
		pd__jw_begin_object(w);
		pd__jw_kint(w, "pid", o->pid);
		pd__jw_kint(w, "fd", o->fd);
		pd__jw_kstr(w, "command", o->comm);
		pd__jw_key(w, "uid");
		if (o->uid == (unsigned)-1)
			pd__jw_null(w);
		else
			pd__jw_uint(w, o->uid);
		pd__jw_kstr(w, "user", o->uid == (unsigned)-1 ? NULL : pd__user_name(u, o->uid));
		pd__jw_kstr(w, "unit", *o->unit ? o->unit : NULL);
		pd__jw_key(w, "user_unit");
		pd__jw_bool(w, o->user_unit);
		container_json(w, o);
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
	pd__jw_kstr(w, "owners_unknown", s->nowners ? NULL : s->unknown);
	pd__jw_end_object(w);
}

void pd__socket_json(const struct pd_registry *reg, const struct pd_socket *s, struct pd__users *u, struct pd_buf *b)
{
	struct pd__jw w;

	pd__jw_init(&w, b);
	pd__socket_jw(reg, s, u, &w);
}

int pd_listening_json(const struct pd_registry *reg, const struct pd_socket_list *l, struct pd_buf *out)
{
	struct pd__users u = { .n = 0 };
	struct pd__jw w;

	if (!reg || !l || !out)
		return PD_EINVAL;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_key(&w, "registry");
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "source", pd_registry_source(reg));
	pd__jw_kstr(&w, "updated", pd_registry_updated(reg));
	pd__jw_end_object(&w);
	pd__jw_kstr(&w, "method", l->method);
	pd__jw_kuint(&w, "count", l->n);
	pd__jw_kuint(&w, "denied", l->denied);
	pd__jw_key(&w, "sockets");
	pd__jw_begin_array(&w);
	/* one socket a line: each written by a writer of its own, the
	 * separating commas here */
	for (size_t i = 0; i < l->n; i++) {
		pd_buf_puts(out, i ? ",\n" : "\n");
		pd__socket_json(reg, &l->v[i], &u, out);
	}
	if (l->n)
		pd_buf_putc(out, '\n');
	pd__jw_end_array(&w);
	pd__jw_key(&w, "published");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < l->npublished; i++) {
		struct pd_owner o;
		memset(&o, 0, sizeof(o));
		o.container = &l->published[i];
		pd__jw_begin_object(&w);
		container_json(&w, &o);
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_end_object(&w);
	pd_buf_putc(out, '\n');
	return out->err;
}

/* a label value: made visible as for a terminal (pd_buf_text), then \ and
 * " escaped as the format wants (no newline is left to escape) */
void pd__prom_label(struct pd_buf *b, const char *raw)
{
	struct pd_buf t = PD_BUF_INIT;

	pd_buf_text(&t, raw);
	if (t.err && !b->err)
		b->err = t.err;
	pd_buf_putc(b, '"');
	for (const char *s = pd_buf_str(&t); *s; s++) {
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

int pd_listening_metrics(const struct pd_registry *reg, const struct pd_socket_list *l, struct pd_buf *out)
{
	struct pd_buf t = PD_BUF_INIT;
	char **lines = NULL;
	size_t n = 0;
	int rc = 0;

	if (!reg || !l || !out)
		return PD_EINVAL;
	lines = calloc(l->n + 1, sizeof(*lines));
	if (!lines) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_socket *s = &l->v[i];
		t.len = 0;
		pd_buf_printf(&t, "transport=\"%s\",family=\"%s\",status=\"%s\",netns=", pd_proto_name(s->proto),
			      s->family == 6 ? "ipv6" : "ipv4",
			      pd_status_name(pd_registry_status(reg, s->port, s->proto)));
		pd__prom_label(&t, s->netns);
		if (t.err || !(lines[n] = strdup(pd_buf_str(&t)))) {
			rc = PD_ENOMEM;
			goto out;
		}
		n++;
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	pd_buf_puts(out, "# HELP portdex_listening_sockets Listening sockets by transport, address family, registry status and network namespace.\n"
			 "# TYPE portdex_listening_sockets gauge\n");
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(lines[i], lines[j]))
			j++;
		pd_buf_printf(out, "portdex_listening_sockets{%s} %zu\n", lines[i], j - i);
		i = j;
	}
	rc = out->err;
out:
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	pd_buf_release(&t);
	return rc;
}
