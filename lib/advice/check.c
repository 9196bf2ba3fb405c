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

/* ---- the evaluation of one (port, transports) ---- */

struct eval {
	struct pd__ctx *x;
	unsigned port;
	int protos[2];           /* the transports asked for */
	int nprotos;
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

/* Records a reason; returns 1 when evaluation should stop. rule < 0: a
 * reason of weight good that no rule stands behind. */
static int reason(struct eval *e, int rule, enum pd_verdict w, const char *topic, const char *key,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int reason(struct eval *e, int rule, enum pd_verdict w, const char *topic, const char *key,
		  const char *fmt, ...)
{
	if (rule >= 0 && w > PD_GOOD)
		e->hits |= PD__BIT(rule);
	if (e->out && !e->oom) {
		struct pd_check *c = e->out;
		struct pd_reason *r;
		va_list ap;
		int n;
		if (pd__grow(&c->reasons, c->nreasons, &c->cap, sizeof(*c->reasons), 16)) {
			e->oom = e->x->oom = 1;
			return 1;
		}
		r = &c->reasons[c->nreasons++];
		r->weight = w;
		snprintf(r->topic, sizeof(r->topic), "%s", topic);
		r->rule = key;
		va_start(ap, fmt);
		n = vsnprintf(r->text, sizeof(r->text), fmt, ap);
		va_end(ap);
		if (n >= (int)sizeof(r->text))
			memcpy(r->text + sizeof(r->text) - 4, "...", 4);
		if (w > c->verdict)
			c->verdict = w;
	}
	return rule >= 0 && w > PD_GOOD && (e->stop & PD__BIT(rule));
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

/* "http (World Wide Web HTTP)" for an assignment, "by IANA" or the
 * description for a reservation */
static void describe(const struct pd_registry *reg, unsigned port, int proto, char *buf, size_t n)
{
	struct pd_entry e;

	if (!primary_entry(reg, port, proto, &e))
		snprintf(buf, n, "by IANA");
	else if (e.status == PD_ASSIGNED && *e.name)
		snprintf(buf, n, "%s (%s)", e.name, *e.description ? e.description : "no description");
	else if (*e.description && strcasecmp(e.description, "reserved"))
		snprintf(buf, n, "\"%s\"", e.description);
	else
		snprintf(buf, n, "by IANA");
}

static int rule_registry(struct eval *e)
{
	const struct pd_registry *reg = e->x->reg;
	enum pd_class cls = pd_port_class(e->port);
	int taken = 0;
	char what[200];

	if (e->port == 0 &&
	    reason(e, PD__R_PORT0, PD_AVOID, "registry", "port-zero",
		   "port 0 cannot be a service's port: binding it asks the system for any free port"))
		return 1;
	for (int i = 0; i < e->nprotos; i++) {
		int t = e->protos[i];
		enum pd_status st = pd_registry_status(reg, e->port, t);
		if (st == PD_UNASSIGNED)
			continue;
		taken = 1;
		describe(reg, e->port, t, what, sizeof(what));
		if (st == PD_ASSIGNED && !skipped(e, PD__R_ASSIGNED) &&
		    reason(e, PD__R_ASSIGNED, PD_AVOID, "registry", "assigned", "assigned on %s to %s",
			   pd_proto_name(t), what))
			return 1;
		if (st == PD_RESERVED && !skipped(e, PD__R_RESERVED) &&
		    reason(e, PD__R_RESERVED, PD_AVOID, "registry", "reserved", "reserved on %s %s",
			   pd_proto_name(t), what))
			return 1;
	}
	if (!taken) {
		/* unassigned on what was asked; what about the other transports? */
		for (int t = 0; t < PD_NPROTO; t++) {
			enum pd_status st = pd_registry_status(reg, e->port, t);
			if (has_proto(e, t) || st == PD_UNASSIGNED)
				continue;
			taken = 1;
			describe(reg, e->port, t, what, sizeof(what));
			if (!skipped(e, PD__R_OTHER_TRANSPORT) &&
			    reason(e, PD__R_OTHER_TRANSPORT, PD_ACCEPTABLE, "registry", "other-transport",
				   "unassigned on %s, but %s on %s %s%s: IANA keeps a port's transports for one service",
				   e->nprotos == 2 ? "tcp and udp" : pd_proto_name(e->protos[0]),
				   pd_status_name(st), pd_proto_name(t), st == PD_ASSIGNED ? "to " : "", what))
				return 1;
			break;
		}
	}
	if (!taken)
		reason(e, -1, PD_GOOD, "registry", "unassigned",
		       "unassigned on every transport in the registry of %s; IANA may still assign it later",
		       *pd_registry_updated(reg) ? pd_registry_updated(reg) : "unknown date");
	switch (cls) {
	case PD_SYSTEM:
		/* a new service has no business here: it would need privileges
		 * to start, and could never register the port */
		if (!taken && e->port && !skipped(e, PD__R_SYSTEM) &&
		    reason(e, PD__R_SYSTEM, PD_AVOID, "registry", "system-range",
			   "an unassigned system port (0-1023): binding it needs privileges on most systems "
			   "(Linux: root or CAP_NET_BIND_SERVICE), and IANA gives these ports out only through "
			   "IETF review or IESG approval (RFC 6335); use a user port (1024-49151)"))
			return 1;
		break;
	case PD_USER:
		if (!taken)
			reason(e, -1, PD_GOOD, "registry", "info",
			       "a user port (1024-49151): you can register it with IANA through expert review (RFC 6335)");
		break;
	case PD_DYNAMIC:
		if (!skipped(e, PD__R_DYNAMIC) &&
		    reason(e, PD__R_DYNAMIC, PD_AVOID, "registry", "dynamic-range",
			   "in the dynamic range 49152-65535: never assigned, RFC 6335 says a service must not "
			   "use one as its fixed port, and Windows, macOS and the BSDs give them to outgoing connections"))
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
		char here[64] = "";
		if (h->eph_first >= 0)
			snprintf(here, sizeof(here), " (this host uses %d-%d)", h->eph_first, h->eph_last);
		if (reason(e, PD__R_OS_EPHEMERAL, PD_ACCEPTABLE, "host", "other-os-ephemeral",
			   "inside Linux's default ephemeral range 32768-60999%s: on Linux hosts with the default, "
			   "outgoing connections may take it", here))
			return 1;
	}
	if (e->port >= 10000 && e->port < PD__LINUX_EPH_FIRST)
		reason(e, -1, PD_GOOD, "host", "info",
		       "inside FreeBSD's default ephemeral range 10000-65535, but outside Linux's "
		       "(32768-60999) and Windows' and macOS' (49152-65535)");
	return 0;
}

static int rule_browser(struct eval *e)
{
	const struct pd__curated *c = e->x->cur;
	const struct pd__bad_port *b;
	char lists[160] = "";
	size_t o = 0;
	int tcp = has_proto(e, PD_TCP), udp = has_proto(e, PD_UDP), n = 0, k = 0, named;

	if (!tcp && !udp)
		return 0;
	b = pd__curated_blocked(c, e->port);
	if (!b) {
		if (tcp)
			reason(e, -1, PD_GOOD, "browser", "not-blocked",
			       "not on browsers' bad-port lists (Fetch, Chromium, Firefox; recorded %s)",
			       *c->browsers_recorded ? c->browsers_recorded : "date unknown");
		return 0;
	}
	for (size_t i = 0; i < c->nlists; i++)
		n += (b->lists >> i) & 1;
	for (size_t i = 0; i < c->nlists && o < sizeof(lists); i++) {
		if (!((b->lists >> i) & 1))
			continue;
		k++;
		o += (size_t)snprintf(lists + o, sizeof(lists) - o, "%s%s", k == 1 ? "" : k == n ? " and " : ", ",
				      c->lists[i].name);
	}
	if (skipped(e, PD__R_BROWSER))
		return 0;
	named = *b->service && strcmp(b->service, "-");
	if (tcp)
		return reason(e, PD__R_BROWSER, PD_AVOID, "browser", "browser",
			      "browsers refuse to fetch from it%s%s%s: on the bad-port list of %s, recorded %s",
			      named ? " (" : "", named ? b->service : "", named ? ")" : "", lists,
			      *c->browsers_recorded ? c->browsers_recorded : "date unknown");
	return reason(e, PD__R_BROWSER, PD_ACCEPTABLE, "browser", "browser",
		      "browsers refuse web URLs with this port (on the bad-port list of %s), which matters to "
		      "a udp service only if it serves HTTP/3", lists);
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
			if (reason(e, PD__R_COLLISION, PD_AVOID, "collision", "collision", "known collision: %s (%s)",
				   k->what, k->url))
				return 1;
		} else if (reason(e, PD__R_COLLISION, PD_AVOID, "collision", "collision",
				  "known collision: %u-%u %s (%s)", k->first, k->last, k->what, k->url)) {
			return 1;
		}
	}
	if (!any)
		reason(e, -1, PD_GOOD, "collision", "no-collision",
		       "not among the %zu known collisions portdex lists (recorded %s)", c->ncoll,
		       *c->collisions_recorded ? c->collisions_recorded : "date unknown");
	return 0;
}

/* What software commonly uses the port, or malware is known for it
 * (data/knowledge.tsv, kinds "use" and "malware"). Either makes the port a
 * poor choice for a new service: it would share traffic, firewall rules
 * and suspicion with them. The other kinds do not count: "history" (former
 * uses, range conventions), "security" (a concern about the service the
 * registry already names there) and "purpose" (a page grouping). A fact
 * counts whatever its transport, as collisions do; its transport is said
 * when it is not the one asked for. */
static int rule_knowledge(struct eval *e)
{
	struct pd_fact f[32];
	size_t n = pd_facts(e->port, f, 32);
	unsigned asked = 0;
	int any = 0;

	if (n > 32)
		n = 32;
	for (int i = 0; i < e->nprotos; i++)
		asked |= 1u << e->protos[i];
	for (size_t i = 0; i < n; i++) {
		int malware = f[i].kind == PD_FACT_MALWARE;
		const char *label = malware ? "known malware" : "in common use";
		char on[32] = "";
		size_t len;
		if (f[i].kind != PD_FACT_USE && !malware)
			continue;
		any = 1;
		if (skipped(e, PD__R_KNOWN))
			break;
		if (!(f[i].protos & asked)) {
			unsigned tu = 1u << PD_TCP | 1u << PD_UDP;
			snprintf(on, sizeof(on), " (on %s)", f[i].protos == tu ? "tcp and udp" :
				 f[i].protos == (1u << PD_UDP) ? "udp" : f[i].protos == (1u << PD_TCP) ? "tcp" :
				 "another transport");
		}
		/* the fact is a sentence: its full stop goes, and its source
		 * too when both would not fit in a reason */
		len = strlen(f[i].text);
		if (len && f[i].text[len - 1] == '.')
			len--;
		if (strlen(label) + strlen(on) + 2 + len + 3 + strlen(f[i].source) < REASON_TEXT) {
			if (reason(e, PD__R_KNOWN, PD_ACCEPTABLE, "knowledge", malware ? "malware" : "known-use",
				   "%s%s: %.*s (%s)", label, on, (int)len, f[i].text, f[i].source))
				return 1;
		} else if (reason(e, PD__R_KNOWN, PD_ACCEPTABLE, "knowledge", malware ? "malware" : "known-use",
				  "%s%s: %.*s", label, on, (int)len, f[i].text)) {
			return 1;
		}
	}
	if (!any)
		reason(e, -1, PD_GOOD, "knowledge", "no-known-use",
		       "portdex's knowledge base records no common use of it and no malware known for it");
	return 0;
}

static int rule_host(struct eval *e)
{
	const struct pd_host *h = &e->x->host;
	int v = pd_host_privileged(h, e->port);

	if (e->x->o->no_host && !e->x->o->host) {
		/* nothing about this host (no_host): only what holds on most systems */
		return e->port < 1024 && !skipped(e, PD__R_PRIVILEGED) &&
		       reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged",
			      "binding needs privileges on most systems (ports below 1024)");
	}
	if (!skipped(e, PD__R_PRIVILEGED)) {
		if (v == PD_YES) {
			if (reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged",
				   "binding needs privileges here (unprivileged ports start at %d)", h->unpriv_start))
				return 1;
		} else if (v == PD_NO) {
			reason(e, -1, PD_GOOD, "host", "unprivileged",
			       "any user may bind it here (unprivileged ports start at %d)", h->unpriv_start);
		} else if (e->port < 1024) {
			if (reason(e, PD__R_PRIVILEGED, PD_ACCEPTABLE, "host", "privileged",
				   "binding needs privileges on most systems (ports below 1024); "
				   "ip_unprivileged_port_start is unreadable here"))
				return 1;
		} else {
			reason(e, -1, PD_GOOD, "host", "info", "ip_unprivileged_port_start is unreadable here");
		}
	}
	v = pd_host_ephemeral(h, e->port);
	if (v == PD_YES && !skipped(e, PD__R_EPHEMERAL)) {
		if (reason(e, PD__R_EPHEMERAL, PD_AVOID, "host", "ephemeral",
			   "inside this host's ephemeral range %d-%d (ip_local_port_range): outgoing connections "
			   "may take it before your service starts", h->eph_first, h->eph_last))
			return 1;
	} else if (v == PD_NO) {
		reason(e, -1, PD_GOOD, "host", "not-ephemeral", "outside this host's ephemeral range %d-%d",
		       h->eph_first, h->eph_last);
	} else if (v == PD_UNKNOWN) {
		reason(e, -1, PD_GOOD, "host", "info", "this host's ephemeral range is unknown (ip_local_port_range)");
	}
	if (pd_host_reserved(h, e->port) && !skipped(e, PD__R_LOCAL_RESERVED) &&
	    reason(e, PD__R_LOCAL_RESERVED, PD_AVOID, "host", "local-reserved",
		   "listed in this host's ip_local_reserved_ports (%s): set aside by an administrator, "
		   "likely for another service", h->reserved))
		return 1;
	return 0;
}

static int rule_nmap(struct eval *e)
{
	const struct pd__nmap *m = e->x->nmap;

	if (!m->present && e->x->o->no_host && !e->x->o->host) {
		/* nothing about this host (no_host): not even a path of it */
		reason(e, -1, PD_GOOD, "nmap", "info",
		       "how often it is open on the internet is unknown: nmap's data (package nmap-common) is "
		       "not at hand");
		return 0;
	}
	if (!m->present) {
		reason(e, -1, PD_GOOD, "nmap", "info",
		       "how often it is open on the internet is unknown: cannot read %s (package nmap-common)",
		       m->path);
		return 0;
	}
	for (int i = 0; i < e->nprotos; i++) {
		int t = e->protos[i];
		const struct pd__nmap_port *p = pd__nmap_find(m, e->port, t);
		if (!p || !p->freq) {
			reason(e, -1, PD_GOOD, "nmap", "nmap-rare", "nmap-services has never seen %u/%s open",
			       e->port, pd_proto_name(t));
			continue;
		}
		if (p->rank <= PD__NMAP_TOP && !skipped(e, PD__R_NMAP)) {
			if (reason(e, PD__R_NMAP, PD_ACCEPTABLE, "nmap", "nmap-frequent",
				   "often open on the internet: nmap-services has %u/%s open on %.3g%% of the hosts "
				   "it scanned, rank %u of %zu %s ports, so scanners probe it and software likely uses it",
				   e->port, pd_proto_name(t), p->freq / 10000.0, p->rank, m->total[t], pd_proto_name(t)))
				return 1;
		} else {
			reason(e, -1, PD_GOOD, "nmap", "nmap-rare",
			       "rarely open: nmap-services has %u/%s open on %.3g%% of the hosts it scanned, "
			       "rank %u of %zu %s ports", e->port, pd_proto_name(t), p->freq / 10000.0, p->rank,
			       m->total[t], pd_proto_name(t));
		}
	}
	return 0;
}

static int rule_listening(struct eval *e)
{
	struct pd__ctx *x = e->x;
	char what[256] = "";
	size_t o = 0;
	int n = 0;

	if (x->socks_rc == 1)
		return 0;
	if (x->socks_rc) {
		reason(e, -1, PD_GOOD, "in-use", "info", "could not list sockets: %s", pd_strerror(x->socks_rc));
		return 0;
	}
	for (size_t i = 0; (x->busy[e->port / 8] >> (e->port % 8) & 1) && i < x->sl->n; i++) {
		const struct pd_socket *s = &x->sl->v[i];
		int v6 = s->family == 6;
		if (s->port != e->port || !has_proto(e, s->proto))
			continue;
		if (o < sizeof(what))
			o += (size_t)snprintf(what + o, sizeof(what) - o, "%s%s %s%s%s:%u", n ? ", " : "",
					      pd_proto_name(s->proto), v6 ? "[" : "", s->addr, v6 ? "]" : "", s->port);
		if (o < sizeof(what) && s->nowners)
			o += (size_t)snprintf(what + o, sizeof(what) - o, " (%s, pid %d)", s->owners[0].comm,
					      s->owners[0].pid);
		if (o < sizeof(what) && *s->netns)
			o += (size_t)snprintf(what + o, sizeof(what) - o, " in netns %s", s->netns);
		n++;
	}
	if (n && !skipped(e, PD__R_LISTENING))
		return reason(e, PD__R_LISTENING, PD_AVOID, "in-use", "listening", "in use now: %s", what);
	if (!n)
		reason(e, -1, PD_GOOD, "in-use", "not-listening", "no socket listens on it now (%s)",
		       x->sl->method ? x->sl->method : "socket listing");
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
			reason(e, -1, PD_GOOD, "in-use", "info", "%s is not available on this host: no bind test", name);
			continue;
		}
		v6_missing = err[1] == EAFNOSUPPORT || err[1] == EADDRNOTAVAIL || err[1] == EPROTONOSUPPORT;
		for (int v6 = 0; v6 < 2 && !stop; v6++) {
			const char *addr = v6 ? "[::]" : "0.0.0.0";
			if (v6 && v6_missing)
				continue;
			if (err[v6] == EADDRINUSE && !skipped(e, PD__R_BIND_IN_USE))
				stop = reason(e, PD__R_BIND_IN_USE, PD_AVOID, "in-use", "bind-in-use",
					      "in use now: binding %s:%u (%s) fails, address in use", addr, e->port, name);
			else if ((err[v6] == EACCES || err[v6] == EPERM) && !skipped(e, PD__R_BIND_DENIED))
				stop = reason(e, PD__R_BIND_DENIED, PD_ACCEPTABLE, "in-use", "bind-denied",
					      "binding %s:%u (%s) is not permitted for this user: it needs privileges",
					      addr, e->port, name);
			else if (err[v6] && err[v6] != EADDRINUSE && err[v6] != EACCES && err[v6] != EPERM)
				reason(e, -1, PD_GOOD, "in-use", "info", "bind test of %s:%u (%s) failed: %s", addr,
				       e->port, name, strerror(err[v6]));
		}
		if (!err[0] && (!err[1] || v6_missing))
			reason(e, -1, PD_GOOD, "in-use", "bind-free", "free now: binding %s%u (%s) succeeded%s",
			       v6_missing ? "0.0.0.0:" : "0.0.0.0 and [::] to ", e->port, name,
			       v6_missing ? "; IPv6 not available here" : "");
		else if (v6_missing && err[0] != EADDRINUSE)
			reason(e, -1, PD_GOOD, "in-use", "info", "IPv6 not available here");
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
