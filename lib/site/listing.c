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

static const char *json_bool(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

void pd__socket_json(const struct pd_registry *reg, const struct pd_socket *s, struct pd__users *u, struct pd_buf *b)
{
	uint32_t idx[16];
	size_t k = pd_registry_lookup(reg, s->port, s->proto, idx, 16), names = 0;
	int v4 = s->family == 4 || pd_socket_dual_stack(s) || pd_socket_v4_mapped(s);
	int v6 = s->family == 6 && !pd_socket_v4_mapped(s);
	/* "::" with v6only unknown (/proc/net): IPv4 too, or not */
	int v4_unknown = s->family == 6 && s->v6only < 0 && !strcmp(s->addr, "::");
	const char *svc = NULL;

	pd_buf_printf(b, "{\"transport\":\"%s\",\"family\":%d,\"address\":", pd_proto_name(s->proto), s->family);
	pd_buf_json_str(b, s->addr);
	pd_buf_printf(b, ",\"port\":%u,\"v6only\":%s,\"ipv4\":%s,\"ipv6\":%s,\"inode\":%lu,\"uid\":%u,\"user\":",
		      s->port, json_bool(s->v6only), v4_unknown ? "null" : json_bool(v4), json_bool(v6), s->inode,
		      s->uid);
	pd_buf_json_str(b, pd__user_name(u, s->uid));
	pd_buf_puts(b, ",\"netns\":");
	pd_buf_json_str(b, s->netns);
	if (s->netns_ino)
		pd_buf_printf(b, ",\"netns_inode\":%lu", s->netns_ino);
	else
		pd_buf_puts(b, ",\"netns_inode\":null");
	for (size_t j = 0; j < k && j < 16 && !svc; j++) {
		struct pd_entry e;
		if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED && *e.name)
			svc = e.name;
	}
	pd_buf_puts(b, ",\"service\":");
	pd_buf_json_str(b, svc);
	pd_buf_puts(b, ",\"services\":[");
	for (size_t j = 0; j < k && j < 16; j++) {
		struct pd_entry e;
		if (pd_registry_entry(reg, idx[j], &e) || e.status != PD_ASSIGNED || !*e.name)
			continue;
		if (names++)
			pd_buf_putc(b, ',');
		pd_buf_json_str(b, e.name);
	}
	pd_buf_printf(b, "],\"status\":\"%s\",\"class\":\"%s\",\"owners\":[",
		      pd_status_name(pd_registry_status(reg, s->port, s->proto)), pd_class_name(pd_port_class(s->port)));
	for (size_t j = 0; j < s->nowners; j++) {
		const struct pd_owner *o = &s->owners[j];
		pd_buf_printf(b, "%s{\"pid\":%d,\"fd\":%d,\"command\":", j ? "," : "", o->pid, o->fd);
		pd_buf_json_str(b, o->comm);
		if (o->uid == (unsigned)-1) {
			pd_buf_puts(b, ",\"uid\":null,\"user\":null}");
		} else {
			pd_buf_printf(b, ",\"uid\":%u,\"user\":", o->uid);
			pd_buf_json_str(b, pd__user_name(u, o->uid));
			pd_buf_putc(b, '}');
		}
	}
	pd_buf_puts(b, "],\"owners_unknown\":");
	pd_buf_json_str(b, s->nowners ? NULL : s->unknown);
	pd_buf_putc(b, '}');
}

int pd_listening_json(const struct pd_registry *reg, const struct pd_socket_list *l, struct pd_buf *out)
{
	struct pd__users u = { .n = 0 };

	if (!reg || !l || !out)
		return PD_EINVAL;
	pd_buf_puts(out, "{\"registry\":{\"source\":");
	pd_buf_json_str(out, pd_registry_source(reg));
	pd_buf_puts(out, ",\"updated\":");
	pd_buf_json_str(out, pd_registry_updated(reg));
	pd_buf_puts(out, "},\"method\":");
	pd_buf_json_str(out, l->method);
	pd_buf_printf(out, ",\"count\":%zu,\"denied\":%u,\"sockets\":[", l->n, l->denied);
	for (size_t i = 0; i < l->n; i++) {
		pd_buf_puts(out, i ? ",\n" : "\n");
		pd__socket_json(reg, &l->v[i], &u, out);
	}
	pd_buf_puts(out, "\n]}\n");
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
