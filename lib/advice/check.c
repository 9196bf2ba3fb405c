/* check.c: is this port a good choice for a new service? The rules of
 * portdex(1) "VERDICT RULES", each one a function that adds a reason:
 * the registry, where the port lies, browsers, known collisions, this host,
 * nmap's open-frequency data, the socket listing and a bind test. */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "i18n.h"
#include "util.h"

/* room for a reason's text, NUL included */
#define REASON_TEXT sizeof(((struct pd_reason *)0)->text)

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif
#ifndef SOCK_DCCP
#define SOCK_DCCP 6
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

const char *pd_verdict_name(enum pd_verdict v)
{
	switch (v) {
	case PD_GOOD: return "good";
	case PD_ACCEPTABLE: return "acceptable";
	default: return "avoid";
	}
}

void pd_check_release(struct pd_check *c)
{
	free(c->reasons);
	c->reasons = NULL;
	c->nreasons = c->cap = 0;
}

/* ---- a reason's text ---- */

/* s (len bytes) into out (n bytes, NUL included); when it does not fit,
 * cut at a UTF-8 character boundary and ended with ell */
static void fit(char *out, size_t n, const char *s, size_t len, const char *ell)
{
	size_t el = strlen(ell), k;

	if (len < n) {
		memcpy(out, s, len);
		out[len] = '\0';
		return;
	}
	if (el >= n)
		el = 0, ell = "";
	k = n - 1 - el;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--; /* s[k] continues a character that began before it */
	memcpy(out, s, k);
	memcpy(out + k, ell, el + 1);
}

static size_t vreason_printf(char *text, size_t cap, int lang, enum pd__msg id, va_list ap)
{
	char buf[1024];
	int n = pd__vsnmsg(buf, sizeof(buf), lang, id, ap);

	if (n < 0)
		n = 0;
	/* past buf, the text is cut where buf cut it: with the ellipsis, at a
	 * character's boundary, even for a larger cap */
	if (cap > sizeof(buf))
		cap = sizeof(buf);
	fit(text, cap, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf), pd__msg(lang, M_check_ellipsis));
	return (size_t)n;
}

size_t pd__reason_printf(char *text, size_t cap, int lang, int id, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, id);
	n = vreason_printf(text, cap, lang, (enum pd__msg)id, ap);
	va_end(ap);
	return n;
}

/* ---- the evaluation of one (port, transports) ---- */

struct eval {
	struct pd__ctx *x;
	unsigned port;
	int protos[2];           /* the transports asked for */
	int nprotos;
	int lang;                /* the reasons' language (a pd_lang) */
	struct pd_check *out;    /* NULL: rules only */
	unsigned skip, stop, hits;
	int oom;
};

static int has_proto(const struct eval *e, int proto)
{
	for (int i = 0; i < e->nprotos; i++)
		if (e->protos[i] == proto)
			return 1;
	return 0;
}

/* Records a reason, its text message id of e->lang with the arguments its
 * English text takes; returns 1 when evaluation should stop. rule < 0: a
 * reason of weight good that no rule stands behind. */
static int reason(struct eval *e, int rule, enum pd_verdict w, const char *topic, const char *key,
		  enum pd__msg id, ...)
{
	if (rule >= 0 && w > PD_GOOD)
		e->hits |= PD__BIT(rule);
	if (e->out && !e->oom) {
		struct pd_check *c = e->out;
		struct pd_reason *r;
		va_list ap;
		if (pd__grow(&c->reasons, c->nreasons, &c->cap, sizeof(*c->reasons), 16)) {
			e->oom = e->x->oom = 1;
			return 1;
		}
		r = &c->reasons[c->nreasons++];
		r->weight = w;
		snprintf(r->topic, sizeof(r->topic), "%s", topic);
		r->rule = key;
		va_start(ap, id);
		vreason_printf(r->text, sizeof(r->text), e->lang, id, ap);
		va_end(ap);
		if (w > c->verdict)
			c->verdict = w;
	}
	return rule >= 0 && w > PD_GOOD && (e->stop & PD__BIT(rule));
}

/* A number, a date or a list for a reason's text, as e->lang writes them:
 * b's text copied into out (n bytes) and b released. Only worth doing
 * when the text is kept (e->out). */
static const char *take(struct eval *e, struct pd_buf *b, char *out, size_t n)
{
	if (b->err)
		e->oom = e->x->oom = 1;
	fit(out, n, pd_buf_str(b), strlen(pd_buf_str(b)), "");
	pd_buf_release(b);
	return out;
}

/* A count: in English as it always was (8366, 19022), else grouped as
 * the language groups digits (19 022). */
static const char *count_of(struct eval *e, unsigned long long v, char *out, size_t n)
{
	struct pd_buf b = { 0 };
	char s[PD__NUM_MAX];

	if (e->lang == PD_LANG_EN)
		pd_buf_printf(&b, "%llu", v);
	else
		pd_buf_puts(&b, pd__num_str(s, e->lang, v));
	return take(e, &b, out, n);
}

/* A percentage with three significant digits, as %.3g writes it (0.0075%,
 * 48.4%), in the language's notation (0,0075 %) */
static const char *pct_of(struct eval *e, double v, char *out, size_t n)
{
	struct pd_buf b = { 0 };
	char g[32];
	const char *dot;
	int decimals = 0;

	snprintf(g, sizeof(g), "%.3g", v);
	if (strchr(g, 'e'))
		decimals = 6; /* below 0.0001: not in nmap-services' six decimals */
	else if ((dot = strchr(g, '.')))
		decimals = (int)strlen(dot + 1);
	pd__pct(&b, e->lang, v, decimals);
	return take(e, &b, out, n);
}

/* the transports of mask (bits 1 << PD_TCP ...) as a list: "tcp and udp" */
static const char *protos_of(struct eval *e, unsigned mask, char *out, size_t n)
{
	struct pd_buf b = { 0 };

	pd__proto_list(&b, e->lang, mask, NULL);
	return take(e, &b, out, n);
}

static int skipped(const struct eval *e, enum pd__rule r)
{
	return (e->skip & PD__BIT(r)) != 0;
}

/* The primary assigned (else first) entry of (port, proto). */
static int primary_entry(const struct pd_registry *reg, unsigned port, int proto, struct pd_entry *out)
{
	uint32_t idx[16];
	size_t n = pd_registry_lookup(reg, port, proto, idx, 16);
	int found = 0;

	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++) {
		struct pd_entry e;
		if (pd_registry_entry(reg, idx[i], &e))
			continue;
		if (!found || (e.status == PD_ASSIGNED && out->status != PD_ASSIGNED)) {
			*out = e;
			found = 1;
		}
		if (e.status == PD_ASSIGNED)
			break;
	}
	return found;
}

/* What the registry names at (port, proto), for check_assigned and
 * check_reserved, into what (n bytes: 200 cuts it where it always was):
 * "http (World Wide Web HTTP)" or "\"description\""; returns 1 when it names
 * nothing (the _iana messages). */
static int describe(struct eval *e, unsigned port, int proto, char *what, size_t n)
{
	struct pd_entry en;
	char tmp[1024];
	size_t len;

	*what = '\0';
	if (!primary_entry(e->x->reg, port, proto, &en))
		return 1;
	if (en.status == PD_ASSIGNED && *en.name && *en.description)
		len = pd__reason_printf(tmp, sizeof(tmp), e->lang, M_check_what_service, en.name, en.description);
	else if (en.status == PD_ASSIGNED && *en.name)
		len = pd__reason_printf(tmp, sizeof(tmp), e->lang, M_check_what_service_nodesc, en.name);
	else if (*en.description && strcasecmp(en.description, "reserved"))
		len = pd__reason_printf(tmp, sizeof(tmp), e->lang, M_check_what_desc, en.description);
	else
		return 1;
	fit(what, n, tmp, len < sizeof(tmp) ? len : strlen(tmp), "");
	return 0;
}

/* "assigned on tcp to ..." or "reserved on tcp ..." */
static enum pd__msg status_clause(enum pd_status st, int iana)
{
	if (st == PD_ASSIGNED)
		return iana ? M_check_assigned_iana : M_check_assigned;
	return iana ? M_check_reserved_iana : M_check_reserved;
}

static int rule_registry(struct eval *e)
{
	const struct pd_registry *reg = e->x->reg;
	enum pd_class cls = pd_port_class(e->port);
	int taken = 0, iana = 0;
	char what[200] = "", date[64] = "";

	if (e->port == 0 && reason(e, PD__R_PORT0, PD_AVOID, "registry", "port-zero", M_check_port_zero))
		return 1;
	for (int i = 0; i < e->nprotos; i++) {
		int t = e->protos[i];
		enum pd_status st = pd_registry_status(reg, e->port, t);
		if (st == PD_UNASSIGNED)
			continue;
		taken = 1;
		if (e->out)
			iana = describe(e, e->port, t, what, sizeof(what));
		if (st == PD_ASSIGNED && !skipped(e, PD__R_ASSIGNED) &&
		    reason(e, PD__R_ASSIGNED, PD_AVOID, "registry", "assigned", status_clause(st, iana),
			   pd_proto_name(t), what))
			return 1;
		if (st == PD_RESERVED && !skipped(e, PD__R_RESERVED) &&
		    reason(e, PD__R_RESERVED, PD_AVOID, "registry", "reserved", status_clause(st, iana),
			   pd_proto_name(t), what))
			return 1;
	}
	if (!taken) {
		/* unassigned on what was asked; what about the other transports? */
		for (int t = 0; t < PD_NPROTO; t++) {
			enum pd_status st = pd_registry_status(reg, e->port, t);
			char asked[64] = "", clause[REASON_TEXT] = "";
			if (has_proto(e, t) || st == PD_UNASSIGNED)
				continue;
			taken = 1;
			if (e->out) {
				unsigned mask = 0;
				for (int i = 0; i < e->nprotos; i++)
					mask |= 1u << e->protos[i];
				protos_of(e, mask, asked, sizeof(asked));
				iana = describe(e, e->port, t, what, sizeof(what));
				pd__reason_printf(clause, sizeof(clause), e->lang, status_clause(st, iana), pd_proto_name(t),
						  what);
			}
			if (!skipped(e, PD__R_OTHER_TRANSPORT) &&
			    reason(e, PD__R_OTHER_TRANSPORT, PD_ACCEPTABLE, "registry", "other-transport",
				   M_check_other_transport, asked, clause))
				return 1;
			break;
		}
	}
	if (!taken) {
		const char *updated = pd_registry_updated(reg);
		if (!*updated)
			reason(e, -1, PD_GOOD, "registry", "unassigned", M_check_unassigned_nodate);
		else
			reason(e, -1, PD_GOOD, "registry", "unassigned", M_check_unassigned,
			       e->out ? pd__date_str(date, sizeof(date), e->lang, updated) : "");
	}
	switch (cls) {
	case PD_SYSTEM:
		/* a new service has no business here: it would need privileges
		 * to start, and could never register the port */
		if (!taken && e->port && !skipped(e, PD__R_SYSTEM) &&
		    reason(e, PD__R_SYSTEM, PD_AVOID, "registry", "system-range", M_check_system_range))
			return 1;
		break;
	case PD_USER:
		if (!taken)
			reason(e, -1, PD_GOOD, "registry", "info", M_check_user_port);
		break;
	case PD_DYNAMIC:
		if (!skipped(e, PD__R_DYNAMIC) &&
		    reason(e, PD__R_DYNAMIC, PD_AVOID, "registry", "dynamic-range", M_check_dynamic_range))
			return 1;
		break;
	}
	return 0;
}

static int linux_default_here(const struct pd_host *h)
{
	return h->eph_first == (int)PD__LINUX_EPH_FIRST && h->eph_last == (int)PD__LINUX_EPH_LAST;
}

/* Other systems' default ephemeral ranges. */
static int rule_other_os(struct eval *e)
{
	const struct pd_host *h = &e->x->host;

	if (e->port >= PD__LINUX_EPH_FIRST && e->port <= PD__LINUX_EPH_LAST && !linux_default_here(h) &&
	    !skipped(e, PD__R_OS_EPHEMERAL)) {
		if (h->eph_first >= 0 ?
		    reason(e, PD__R_OS_EPHEMERAL, PD_ACCEPTABLE, "host", "other-os-ephemeral",
			   M_check_other_os_ephemeral_here, h->eph_first, h->eph_last) :
		    reason(e, PD__R_OS_EPHEMERAL, PD_ACCEPTABLE, "host", "other-os-ephemeral",
			   M_check_other_os_ephemeral))
			return 1;
	}
	if (e->port >= 10000 && e->port < PD__LINUX_EPH_FIRST)
		reason(e, -1, PD_GOOD, "host", "info", M_check_freebsd_ephemeral);
	return 0;
}

static int rule_browser(struct eval *e)
{
	const struct pd__curated *c = e->x->cur;
	const struct pd__bad_port *b;
	const char *rec = c->browsers_recorded;
	char lists[160] = "", date[64] = "";
	int tcp = has_proto(e, PD_TCP), udp = has_proto(e, PD_UDP), named;

	if (!tcp && !udp)
		return 0;
	if (e->out && *rec)
		pd__date_str(date, sizeof(date), e->lang, rec);
	b = pd__curated_blocked(c, e->port);
	if (!b) {
		if (tcp)
			reason(e, -1, PD_GOOD, "browser", "not-blocked", *rec ? M_check_not_blocked : M_check_not_blocked_nodate,
			       date);
		return 0;
	}
	if (e->out) {
		struct pd_buf l = { 0 };
		size_t n = 0, k = 0;
		for (size_t i = 0; i < c->nlists; i++)
			n += (b->lists >> i) & 1;
		for (size_t i = 0; i < c->nlists; i++) {
			if (!((b->lists >> i) & 1))
				continue;
			pd__list_sep(&l, e->lang, k++, n);
			/* the file names its lists in English */
			if (e->lang != PD_LANG_EN && !strcmp(c->lists[i].key, "fetch"))
				pd_buf_puts(&l, pd__msg(e->lang, M_check_list_fetch));
			else
				pd_buf_puts(&l, c->lists[i].name);
		}
		take(e, &l, lists, sizeof(lists));
	}
	if (skipped(e, PD__R_BROWSER))
		return 0;
	named = *b->service && strcmp(b->service, "-");
	if (tcp && named)
		return reason(e, PD__R_BROWSER, PD_AVOID, "browser", "browser",
			      *rec ? M_check_browser_named : M_check_browser_named_nodate, b->service, lists, date);
	if (tcp)
		return reason(e, PD__R_BROWSER, PD_AVOID, "browser", "browser",
			      *rec ? M_check_browser : M_check_browser_nodate, lists, date);
	return reason(e, PD__R_BROWSER, PD_ACCEPTABLE, "browser", "browser", M_check_browser_udp, lists);
}

static int rule_collision(struct eval *e)
{
	const struct pd__curated *c = e->x->cur;
	const struct pd__collision *k = NULL;
	int any = 0;

	while ((k = pd__curated_collision(c, e->port, k))) {
		any = 1;
		if (skipped(e, PD__R_COLLISION))
			break;
		if (k->first == k->last) {
			if (reason(e, PD__R_COLLISION, PD_AVOID, "collision", "collision", M_check_collision, k->what,
				   k->url))
				return 1;
		} else if (reason(e, PD__R_COLLISION, PD_AVOID, "collision", "collision", M_check_collision_range,
				  k->first, k->last, k->what, k->url)) {
			return 1;
		}
	}
	if (!any) {
		char n[32] = "", date[64] = "";
		if (e->out) {
			count_of(e, c->ncoll, n, sizeof(n));
			if (*c->collisions_recorded)
				pd__date_str(date, sizeof(date), e->lang, c->collisions_recorded);
		}
		reason(e, -1, PD_GOOD, "collision", "no-collision",
		       *c->collisions_recorded ? M_check_no_collision : M_check_no_collision_nodate, n, date);
	}
	return 0;
}

/* What software commonly uses the port, or malware is known for it
 * (data/knowledge.tsv, kinds "use" and "malware"). Either makes the port a
 * poor choice for a new service: it would share traffic, firewall rules
 * and suspicion with them. The other kinds do not count: "history" (former
 * uses, range conventions), "security" (a concern about the service the
 * registry already names there) and "purpose" (a page grouping). A fact
 * counts whatever its transport, as collisions do; its transport is said
 * when it is not the one asked for. The fact is said in e->lang when the
 * file has it in that language. */
static int rule_knowledge(struct eval *e)
{
	/* [malware][with the transport][with the source] */
	static const enum pd__msg msg[2][2][2] = {
		{ { M_check_known_use_nosrc, M_check_known_use }, { M_check_known_use_on_nosrc, M_check_known_use_on } },
		{ { M_check_malware_nosrc, M_check_malware }, { M_check_malware_on_nosrc, M_check_malware_on } },
	};
	struct pd_fact f[32];
	size_t n = pd__facts_lang(e->port, e->lang, f, 32);
	unsigned asked = 0;
	int any = 0;

	if (n > 32)
		n = 32;
	for (int i = 0; i < e->nprotos; i++)
		asked |= 1u << e->protos[i];
	for (size_t i = 0; i < n; i++) {
		int malware = f[i].kind == PD_FACT_MALWARE, on = 0, src = 1, stop;
		char proto[64] = "", text[1024] = "", scratch[REASON_TEXT];
		const char *key = malware ? "malware" : "known-use";
		if (f[i].kind != PD_FACT_USE && !malware)
			continue;
		any = 1;
		if (skipped(e, PD__R_KNOWN))
			break;
		if (e->out) {
			unsigned tu = 1u << PD_TCP | 1u << PD_UDP;
			size_t len;
			if (!(f[i].protos & asked)) {
				on = 1;
				if (f[i].protos == tu || f[i].protos == (1u << PD_UDP) || f[i].protos == (1u << PD_TCP))
					protos_of(e, f[i].protos, proto, sizeof(proto));
				else
					snprintf(proto, sizeof(proto), "%s", pd__msg(e->lang, M_check_another_transport));
			}
			/* the fact is a sentence: its full stop goes, and its
			 * source too when both would not fit in a reason */
			fit(text, sizeof(text), f[i].text, strlen(f[i].text), "");
			len = strlen(text);
			if (len && text[len - 1] == '.')
				text[len - 1] = '\0';
			src = (on ? pd__reason_printf(scratch, sizeof(scratch), e->lang, msg[malware][1][1], proto, text,
						      f[i].source) :
				    pd__reason_printf(scratch, sizeof(scratch), e->lang, msg[malware][0][1], text,
						      f[i].source)) < REASON_TEXT;
		}
		if (on)
			stop = reason(e, PD__R_KNOWN, PD_ACCEPTABLE, "knowledge", key, msg[malware][1][src], proto, text,
				      f[i].source);
		else
			stop = reason(e, PD__R_KNOWN, PD_ACCEPTABLE, "knowledge", key, msg[malware][0][src], text,
				      f[i].source);
		if (stop)
			return 1;
	}
	if (!any)
		reason(e, -1, PD_GOOD, "knowledge", "no-known-use", M_check_no_known_use);
	return 0;
}

static int rule_host(struct eval *e)
{
	const struct pd_host *h = &e->x->host;
	int v = pd_host_privileged(h, e->port);

	if (e->x->o->no_host && !e->x->o->host) {
		/* nothing about this host (no_host): only what holds on most systems */
		return e->port < 1024 && !skipped(e, PD__R_PRIVILEGED) &&
		       reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged", M_check_privileged_most);
	}
	if (!skipped(e, PD__R_PRIVILEGED)) {
		if (v == PD_YES) {
			if (reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged", M_check_privileged_here,
				   h->unpriv_start))
				return 1;
		} else if (v == PD_NO) {
			reason(e, -1, PD_GOOD, "host", "unprivileged", M_check_unprivileged, h->unpriv_start);
		} else if (e->port < 1024) {
			if (reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged", M_check_privileged_unreadable))
				return 1;
		} else {
			reason(e, -1, PD_GOOD, "host", "info", M_check_unpriv_unreadable);
		}
	}
	v = pd_host_ephemeral(h, e->port);
	if (v == PD_YES && !skipped(e, PD__R_EPHEMERAL)) {
		if (reason(e, PD__R_EPHEMERAL, PD_AVOID, "host", "ephemeral", M_check_ephemeral, h->eph_first,
			   h->eph_last))
			return 1;
	} else if (v == PD_NO) {
		reason(e, -1, PD_GOOD, "host", "not-ephemeral", M_check_not_ephemeral, h->eph_first, h->eph_last);
	} else if (v == PD_UNKNOWN) {
		reason(e, -1, PD_GOOD, "host", "info", M_check_ephemeral_unknown);
	}
	if (pd_host_reserved(h, e->port) && !skipped(e, PD__R_LOCAL_RESERVED) &&
	    reason(e, PD__R_LOCAL_RESERVED, PD_AVOID, "host", "local-reserved", M_check_local_reserved, h->reserved))
		return 1;
	return 0;
}

static int rule_nmap(struct eval *e)
{
	const struct pd__nmap *m = e->x->nmap;

	if (!m->present && e->x->o->no_host && !e->x->o->host) {
		/* nothing about this host (no_host): not even a path of it */
		reason(e, -1, PD_GOOD, "nmap", "info", M_check_nmap_absent);
		return 0;
	}
	if (!m->present) {
		reason(e, -1, PD_GOOD, "nmap", "info", M_check_nmap_unreadable, m->path);
		return 0;
	}
	for (int i = 0; i < e->nprotos; i++) {
		int t = e->protos[i];
		const struct pd__nmap_port *p = pd__nmap_find(m, e->port, t);
		char pct[32] = "", rank[32] = "", total[32] = "";
		if (!p || !p->freq) {
			reason(e, -1, PD_GOOD, "nmap", "nmap-rare", M_check_nmap_never, e->port, pd_proto_name(t));
			continue;
		}
		if (e->out) {
			pct_of(e, p->freq / 10000.0, pct, sizeof(pct));
			count_of(e, p->rank, rank, sizeof(rank));
			count_of(e, m->total[t], total, sizeof(total));
		}
		if (p->rank <= PD__NMAP_TOP && !skipped(e, PD__R_NMAP)) {
			if (reason(e, PD__R_NMAP, PD_ACCEPTABLE, "nmap", "nmap-frequent", M_check_nmap_frequent, e->port,
				   pd_proto_name(t), pct, rank, total))
				return 1;
		} else {
			reason(e, -1, PD_GOOD, "nmap", "nmap-rare", M_check_nmap_rare, e->port, pd_proto_name(t), pct, rank,
			       total);
		}
	}
	return 0;
}

static int rule_listening(struct eval *e)
{
	struct pd__ctx *x = e->x;
	struct pd_buf what = { 0 };
	char list[512] = "";
	int n = 0;

	if (x->socks_rc == 1)
		return 0;
	if (x->socks_rc) {
		reason(e, -1, PD_GOOD, "in-use", "info", M_check_list_failed, pd_strerror(x->socks_rc));
		return 0;
	}
	for (size_t i = 0; (x->busy[e->port / 8] >> (e->port % 8) & 1) && i < x->sl->n; i++) {
		const struct pd_socket *s = &x->sl->v[i];
		int v6 = s->family == 6;
		char addr[128];
		if (s->port != e->port || !has_proto(e, s->proto))
			continue;
		if (e->out) {
			const char *proto = pd_proto_name(s->proto);
			snprintf(addr, sizeof(addr), "%s%s%s:%u", v6 ? "[" : "", s->addr, v6 ? "]" : "", s->port);
			if (n)
				pd_buf_puts(&what, ", ");
			if (s->nowners && *s->netns)
				pd__tr(&what, e->lang, M_check_socket_owner_netns, proto, addr, s->owners[0].comm,
				       s->owners[0].pid, s->netns);
			else if (s->nowners)
				pd__tr(&what, e->lang, M_check_socket_owner, proto, addr, s->owners[0].comm,
				       s->owners[0].pid);
			else if (*s->netns)
				pd__tr(&what, e->lang, M_check_socket_netns, proto, addr, s->netns);
			else
				pd__tr(&what, e->lang, M_check_socket, proto, addr);
		}
		n++;
	}
	take(e, &what, list, sizeof(list));
	if (n && !skipped(e, PD__R_LISTENING))
		return reason(e, PD__R_LISTENING, PD_AVOID, "in-use", "listening", M_check_listening, list);
	if (!n && x->sl->method)
		reason(e, -1, PD_GOOD, "in-use", "not-listening", M_check_not_listening, x->sl->method);
	else if (!n)
		reason(e, -1, PD_GOOD, "in-use", "not-listening", M_check_not_listening_nomethod);
	return 0;
}

/* ---- the bind test ---- */

static int sock_type(int proto, int *type, int *ipproto)
{
	switch (proto) {
	case PD_TCP: *type = SOCK_STREAM; *ipproto = IPPROTO_TCP; return 0;
	case PD_UDP: *type = SOCK_DGRAM; *ipproto = IPPROTO_UDP; return 0;
	case PD_SCTP: *type = SOCK_STREAM; *ipproto = IPPROTO_SCTP; return 0;
	case PD_DCCP: *type = SOCK_DCCP; *ipproto = IPPROTO_DCCP; return 0;
	default: return -1;
	}
}

/* Binds family/proto to the wildcard address and port with SO_REUSEADDR
 * off (IPv6: v6-only, so each family is tested on its own). Returns 0 or
 * an errno; with keep, leaves the socket bound (TCP listening) in *fd. */
static int bind_one(int v6, int proto, unsigned port, int keep, int *fd)
{
	int type, ipproto, s, off = 0, on = 1, err = 0;

	*fd = -1;
	if (sock_type(proto, &type, &ipproto))
		return EPROTONOSUPPORT;
	s = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, ipproto);
	if (s < 0)
		return errno;
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &off, sizeof(off)) ||
	    (v6 && setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)))) {
		err = errno;
		goto out;
	}
	if (v6) {
		struct sockaddr_in6 a;
		memset(&a, 0, sizeof(a));
		a.sin6_family = AF_INET6;
		a.sin6_addr = in6addr_any;
		a.sin6_port = htons((uint16_t)port);
		if (bind(s, (struct sockaddr *)&a, sizeof(a)))
			err = errno;
	} else {
		struct sockaddr_in a;
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_ANY);
		a.sin_port = htons((uint16_t)port);
		if (bind(s, (struct sockaddr *)&a, sizeof(a)))
			err = errno;
	}
	if (!err && keep && type == SOCK_STREAM && listen(s, 8))
		err = errno;
out:
	if (!err && keep) {
		*fd = s;
		return 0;
	}
	close(s);
	return err;
}

static void close_fds(int *fds)
{
	for (int i = 0; fds && i < 4; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

static int rule_bind(struct eval *e, int *fds)
{
	int stop = 0;

	for (int i = 0; i < e->nprotos && !stop; i++) {
		int t = e->protos[i], err[2], fd[2];
		const char *name = pd_proto_name(t);
		int v6_missing;
		for (int v6 = 0; v6 < 2; v6++) {
			err[v6] = bind_one(v6, t, e->port, fds != NULL, &fd[v6]);
			if (fds && (t == PD_TCP || t == PD_UDP))
				fds[(t == PD_UDP ? 2 : 0) + v6] = fd[v6];
			else if (fd[v6] >= 0)
				close(fd[v6]);
		}
		if (err[0] == EPROTONOSUPPORT || err[0] == ESOCKTNOSUPPORT || err[0] == EAFNOSUPPORT) {
			reason(e, -1, PD_GOOD, "in-use", "info", M_check_no_proto, name);
			continue;
		}
		v6_missing = err[1] == EAFNOSUPPORT || err[1] == EADDRNOTAVAIL || err[1] == EPROTONOSUPPORT;
		for (int v6 = 0; v6 < 2 && !stop; v6++) {
			const char *addr = v6 ? "[::]" : "0.0.0.0";
			if (v6 && v6_missing)
				continue;
			if (err[v6] == EADDRINUSE && !skipped(e, PD__R_BIND_IN_USE))
				stop = reason(e, PD__R_BIND_IN_USE, PD_AVOID, "in-use", "bind-in-use", M_check_bind_in_use,
					      addr, e->port, name);
			else if ((err[v6] == EACCES || err[v6] == EPERM) && !skipped(e, PD__R_BIND_DENIED))
				stop = reason(e, PD__R_BIND_DENIED, PD_ACCEPTABLE, "in-use", "bind-denied",
					      M_check_bind_denied, addr, e->port, name);
			else if (err[v6] && err[v6] != EADDRINUSE && err[v6] != EACCES && err[v6] != EPERM)
				reason(e, -1, PD_GOOD, "in-use", "info", M_check_bind_failed, addr, e->port, name,
				       strerror(err[v6]));
		}
		if (!err[0] && (!err[1] || v6_missing))
			reason(e, -1, PD_GOOD, "in-use", "bind-free", v6_missing ? M_check_bind_free_v4 : M_check_bind_free,
			       e->port, name);
		else if (v6_missing && err[0] != EADDRINUSE)
			reason(e, -1, PD_GOOD, "in-use", "info", M_check_no_ipv6);
	}
	if (fds && e->hits)
		close_fds(fds);
	return stop;
}

unsigned pd__evaluate(struct pd__ctx *x, unsigned port, int proto, unsigned skip, unsigned stop,
		      struct pd_check *out, int *fds)
{
	struct eval e;

	memset(&e, 0, sizeof(e));
	e.x = x;
	e.port = port;
	e.lang = x->lang;
	e.out = out;
	e.skip = skip;
	e.stop = stop;
	if (proto == PD_PROTO_ANY) {
		e.protos[0] = PD_TCP;
		e.protos[1] = PD_UDP;
		e.nprotos = 2;
	} else {
		e.protos[0] = proto;
		e.nprotos = 1;
	}
	for (int i = 0; fds && i < 4; i++)
		fds[i] = -1;
	/* rules that only depend on the data first, then this host's, the
	 * bind test last */
	if (rule_registry(&e) || rule_other_os(&e) || rule_browser(&e) || rule_collision(&e) ||
	    rule_knowledge(&e) || rule_host(&e) || rule_nmap(&e) || port == 0 || rule_listening(&e))
		return e.hits;
	if (!x->o->no_bind_test || fds)
		rule_bind(&e, fds);
	return e.hits;
}

/* ---- what a verdict needs ---- */

int pd__ctx_init(struct pd__ctx *x, const struct pd_registry *reg, const struct pd_check_opts *o)
{
	int rc;

	memset(x, 0, sizeof(*x));
	x->reg = reg;
	x->o = o;
	x->lang = pd__lang_of(o->lang);
	x->socks_rc = 1;
	x->cur = &x->own_cur;
	x->nmap = &x->own_nmap;
	if (o->datadir)
		rc = pd__curated_load(&x->own_cur, o->datadir);
	else
		rc = pd__curated_shared(&x->cur);
	if (rc)
		return rc;
	rc = pd__nmap_shared(o->nmap_services, &x->own_nmap, &x->nmap);
	if (rc == PD_ENOMEM)
		return rc;
	/* unreadable or too large: said as "unknown" in the nmap reason */
	if (o->host) {
		x->host.unpriv_start = o->host->unpriv_start;
		x->host.eph_first = o->host->eph_first;
		x->host.eph_last = o->host->eph_last;
		if (o->host->reserved && !(x->host.reserved = strdup(o->host->reserved)))
			return PD_ENOMEM;
		return 0;
	}
	if (o->no_host) {
		x->host.unpriv_start = x->host.eph_first = x->host.eph_last = -1;
		return 0;
	}
	rc = pd_host_read(&x->host, o->procroot);
	return rc;
}

void pd__ctx_listen(struct pd__ctx *x, unsigned first, unsigned last, int proto, int owners)
{
	struct pd_listen_opts lo;
	struct pd_query q;

	if (x->o->sockets) {
		x->sl = x->o->sockets;
		x->socks_rc = 0;
		goto mark;
	}
	if (x->o->no_listening)
		return;
	memset(&lo, 0, sizeof(lo));
	memset(&q, 0, sizeof(q));
	q.kind = first == last ? PD_Q_PORT : PD_Q_RANGE;
	q.first = first;
	q.last = last;
	q.proto = PD_PROTO_ANY;
	lo.protos = proto == PD_PROTO_ANY ? (1u << PD_TCP) | (1u << PD_UDP) : 1u << proto;
	lo.queries = &q;
	lo.nqueries = 1;
	lo.owners = owners;
	lo.procroot = x->o->procroot;
	if (proto == PD_DCCP) {
		x->socks_rc = PD_ENOTSUP; /* the listing knows tcp, udp and sctp */
		return;
	}
	memset(&x->socks, 0, sizeof(x->socks));
	x->socks_rc = pd_listening(&lo, &x->socks);
	if (x->socks_rc)
		memset(&x->socks, 0, sizeof(x->socks));
	x->sl = &x->socks;
mark:
	for (size_t i = 0; i < x->sl->n; i++)
		if (x->sl->v[i].port >= first && x->sl->v[i].port <= last)
			x->busy[x->sl->v[i].port / 8] |= (uint8_t)(1u << (x->sl->v[i].port % 8));
}

void pd__ctx_release(struct pd__ctx *x)
{
	if (!x->socks_rc && x->sl == &x->socks)
		pd_socket_list_release(&x->socks);
	pd_host_release(&x->host);
	pd__nmap_release(&x->own_nmap);
	pd__curated_release(&x->own_cur);
}

static int topic_order(const char *t)
{
	static const char *const order[] = { "registry", "host", "in-use", "browser", "collision", "knowledge",
					     "nmap" };

	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (!strcmp(t, order[i]))
			return i;
	return 99;
}

int pd_check_port(const struct pd_registry *reg, const struct pd_check_opts *o, unsigned port,
		  int proto, struct pd_check *out)
{
	static const struct pd_check_opts defaults;
	struct pd__ctx x;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!reg || port > 65535 || (proto != PD_PROTO_ANY && (proto < 0 || proto >= PD_NPROTO)))
		return PD_EINVAL;
	if (!o)
		o = &defaults;
	out->port = port;
	out->proto = proto;
	rc = pd__ctx_init(&x, reg, o);
	if (rc)
		goto out;
	pd__ctx_listen(&x, port, port, proto, 1);
	pd__evaluate(&x, port, proto, 0, 0, out, NULL);
	if (x.oom) {
		rc = PD_ENOMEM;
		goto out;
	}
	/* heaviest first, then by topic; insertion sort keeps the rules' order */
	for (size_t i = 1; i < out->nreasons; i++) {
		struct pd_reason r = out->reasons[i];
		size_t j = i;
		while (j > 0 && (out->reasons[j - 1].weight < r.weight ||
				 (out->reasons[j - 1].weight == r.weight &&
				  topic_order(out->reasons[j - 1].topic) > topic_order(r.topic)))) {
			out->reasons[j] = out->reasons[j - 1];
			j--;
		}
		out->reasons[j] = r;
	}
out:
	pd__ctx_release(&x);
	if (rc)
		pd_check_release(out);
	return rc;
}
