/* page.c: the page of one port: its facts gathered in a model, then
 * written as Markdown (for the text, Markdown and HTML forms) or JSON */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jw.h"
#include "page.h"

static const char *const proto_upper[PD_NPROTO] = { "TCP", "UDP", "SCTP", "DCCP" };

/* ---- Markdown helpers ---- */

/* Markdown syntax is escaped with a backslash; the rest goes through
 * pd_buf_text, whose escapes ("\x1b", "\u202e") stay plain text in
 * Markdown (a backslash before a letter is a backslash), so that the
 * Markdown, the text made from it and the HTML all show them, and no
 * control character or line break of the data reaches any of them. */
void pd__md_text(struct pd_buf *b, const char *s)
{
	static const unsigned char special[256] = {
		['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1, ['['] = 1, [']'] = 1, ['<'] = 1, ['>'] = 1,
		['#'] = 1, ['!'] = 1, ['|'] = 1, ['&'] = 1, ['~'] = 1,
	};
	const char *run = s, *p;

	for (p = s; *p; p++) {
		if (!special[(unsigned char)*p])
			continue;
		pd_buf_text_n(b, run, (size_t)(p - run));
		pd_buf_putc(b, '\\');
		pd_buf_putc(b, *p);
		run = p + 1;
	}
	pd_buf_text_n(b, run, (size_t)(p - run));
}

void pd__md_code(struct pd_buf *b, const char *s)
{
	if (!*s || strchr(s, '`')) {
		pd__md_text(b, s);
		return;
	}
	pd_buf_putc(b, '`');
	pd_buf_text(b, s);
	pd_buf_putc(b, '`');
}

/* A part of a URL from the registry (an id, a document name): every byte
 * but letters, digits and -._~ percent-encoded */
static void md_url_part(struct pd_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			pd_buf_putc(b, (char)*p);
		else
			pd_buf_printf(b, "%%%02X", *p);
	}
}

/* 1 if s can be written as an autolink <s>: printable ASCII, no <, > */
static int autolink_ok(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '<' || *s == '>')
			return 0;
	return 1;
}

void pd__md_registry(struct pd_buf *b, const struct pd_registry *reg)
{
	pd_buf_puts(b, "Registry: ");
	pd__md_text(b, pd_registry_source(reg));
	pd_buf_puts(b, ", updated ");
	pd__md_text(b, *pd_registry_updated(reg) ? pd_registry_updated(reg) : "(unknown)");
	pd_buf_putc(b, '.');
}

int pd__site_lang(const struct pd_site_opts *o)
{
	return pd__lang_of(o ? o->lang : NULL);
}

const char *pd__lroot(const struct pd_site_opts *o, char *buf)
{
	int lang = pd__site_lang(o);

	snprintf(buf, PD__ROOT_MAX, "%s%s%s", o->root, lang == PD_LANG_EN ? "" : pd_lang_code(lang),
		 lang == PD_LANG_EN ? "" : "/");
	return buf;
}

void pd__md_link_port(struct pd_buf *b, const struct pd_site_opts *o, unsigned port)
{
	char root[PD__ROOT_MAX];

	pd_buf_printf(b, "[%u](%sport/%u%s)", port, pd__lroot(o, root), port, o->ext);
}

static void md_link_page(struct pd_buf *b, const struct pd_site_opts *o, const char *text,
			 enum pd_site_page p)
{
	char root[PD__ROOT_MAX];

	pd_buf_printf(b, "[%s](%s%s%s)", text, pd__lroot(o, root), pd_site_page_path(p), o->ext);
}

static enum pd_site_page class_page(enum pd_class c)
{
	return c == PD_SYSTEM ? PD_SITE_SYSTEM : c == PD_USER ? PD_SITE_USER : PD_SITE_DYNAMIC;
}

/* "TCP and UDP", "TCP, UDP and SCTP" from a bit mask */
static void proto_list(struct pd_buf *b, unsigned mask)
{
	int n = 0, total = __builtin_popcount(mask);

	for (int t = 0; t < PD_NPROTO; t++) {
		if (!(mask & (1u << t)))
			continue;
		if (n)
			pd_buf_puts(b, n == total - 1 ? " and " : ", ");
		pd_buf_puts(b, proto_upper[t]);
		n++;
	}
}

static unsigned mask_of(const struct pd__page *m, enum pd_status st)
{
	unsigned mask = 0;

	for (int t = 0; t < PD_NPROTO; t++)
		if (m->f.st[t] == st)
			mask |= 1u << t;
	return mask;
}

/* A reserved (port, transport) next to an assignment of the same port on
 * another transport is IANA keeping it for that service. */
static int reserved_for_sibling(const struct pd__page *m, int t)
{
	return m->f.st[t] == PD_RESERVED && m->f.overall == PD_ASSIGNED && m->f.has_row[t] &&
	       m->f.row[t].first == m->f.row[t].last;
}

static const char *first_service(const struct pd__page *m)
{
	for (int t = 0; t < PD_NPROTO; t++)
		if (m->f.nsvc[t])
			return m->f.svc[t][0].name;
	return NULL;
}

static size_t count_facts(const struct pd__page *m, enum pd_fact_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < m->f.nkb; i++)
		n += m->f.kb[i].kind == k;
	return n;
}

/* ---- the model ---- */

static void summary(struct pd__page *m)
{
	struct pd_buf *b = &m->summary;
	unsigned un = mask_of(m, PD_UNASSIGNED), as = mask_of(m, PD_ASSIGNED), re = mask_of(m, PD_RESERVED);

	if (un == 0xf) {
		pd_buf_printf(b, "Port %u is unassigned on every transport (TCP, UDP, SCTP and DCCP): IANA has "
				 "registered no service on it.", m->port);
	} else {
		for (int t = 0; t < PD_NPROTO; t++) {
			if (!(as & (1u << t)))
				continue;
			pd_buf_printf(b, "%sOn %s, port %u is assigned to %s", b->len ? " " : "", proto_upper[t],
				      m->port, m->f.svc[t][0].name);
			if (*m->f.svc[t][0].description)
				pd_buf_printf(b, " (%s)", m->f.svc[t][0].description);
			if (m->f.nsvc[t] > 1) {
				pd_buf_puts(b, ", also registered as ");
				for (size_t i = 1; i < m->f.nsvc[t]; i++)
					pd_buf_printf(b, "%s%s", i > 1 ? ", " : "", m->f.svc[t][i].name);
			}
			pd_buf_putc(b, '.');
		}
		if (re) {
			int sibling = 1;
			for (int t = 0; t < PD_NPROTO; t++)
				if ((re & (1u << t)) && !reserved_for_sibling(m, t))
					sibling = 0;
			pd_buf_printf(b, "%sOn ", b->len ? " " : "");
			proto_list(b, re);
			pd_buf_printf(b, " it is reserved%s.", sibling ? ", kept by IANA for the same service"
								 : ": IANA does not assign it");
		}
		if (un) {
			pd_buf_printf(b, "%sOn ", b->len ? " " : "");
			proto_list(b, un);
			pd_buf_puts(b, " it is unassigned.");
		}
	}
	pd_buf_printf(b, " It is a %s port (%u-%u).", pd_class_name(m->f.cls), m->f.class_first, m->f.class_last);
	if (m->f.in_block)
		pd_buf_printf(b, " It lies in a block of %u unassigned port%s, %u-%u.", m->f.blk.size,
			      m->f.blk.size == 1 ? "" : "s", m->f.blk.first, m->f.blk.last);
}

static void faq(struct pd__page *m, const char *q, const char *a_fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void faq(struct pd__page *m, const char *q, const char *a_fmt, ...)
{
	va_list ap;

	if (m->nfaq >= PD__MAX_FAQ)
		return;
	va_start(ap, a_fmt);
	pd_buf_vprintf(&m->faq_a[m->nfaq], a_fmt, ap);
	va_end(ap);
	pd_buf_puts(&m->faq_q[m->nfaq], q);
	m->nfaq++;
}

static void faqs(struct pd__page *m)
{
	char q[128], list[512];
	struct pd_buf t = PD_BUF_INIT;
	const char *svc = first_service(m);
	size_t nmal = count_facts(m, PD_FACT_MALWARE), nuse = count_facts(m, PD_FACT_USE);
	unsigned as = mask_of(m, PD_ASSIGNED);

	snprintf(q, sizeof(q), "Is port %u assigned?", m->port);
	if (svc)
		faq(m, q, "Yes. %s", pd_buf_str(&m->summary));
	else if (m->f.overall == PD_RESERVED)
		faq(m, q, "No. Port %u is reserved: IANA keeps it out of assignment.", m->port);
	else
		faq(m, q, "No. IANA has not assigned port %u to any service on any transport%s.", m->port,
		    m->f.in_block ? ", nor any of the ports of the block around it" : "");

	snprintf(q, sizeof(q), "What is port %u used for?", m->port);
	for (size_t i = 0; i < m->f.nkb; i++)
		if (m->f.kb[i].kind == PD_FACT_USE) {
			pd_buf_printf(&t, "%s%s", t.len ? " " : "", m->f.kb[i].text);
		}
	if (svc) {
		const char *d = m->f.svc[__builtin_ctz(as)][0].description;
		faq(m, q, "Officially, %s%s%s.%s%s", svc, *d ? ": " : "", d, t.len ? " Besides that: " : "",
		    pd_buf_str(&t));
	}
	else if (nuse)
		faq(m, q, "Nothing official. Known unofficial uses: %s", pd_buf_str(&t));
	else
		faq(m, q, "Nothing official, and our sources record no common unofficial use. Any program "
			  "may still listen on it: check what is listening on your machine.");
	t.len = 0;
	pd_buf_add(&t, "", 0);

	if (svc) {
		snprintf(q, sizeof(q), "Is port %u TCP or UDP?", m->port);
		proto_list(&t, as);
		faq(m, q, "Port %u is assigned on %s.", m->port, pd_buf_str(&t));
		t.len = 0;
		pd_buf_add(&t, "", 0);
	}

	snprintf(q, sizeof(q), "Do I need root privileges to listen on port %u?", m->port);
	if (m->f.host && pd_host_privileged(m->f.host, m->port) != PD_UNKNOWN)
		faq(m, q, "%s: on this machine, ports below %d need privileges.",
		    pd_host_privileged(m->f.host, m->port) ? "Yes" : "No", m->f.host->unpriv_start);
	else if (m->f.cls == PD_SYSTEM)
		faq(m, q, "Usually yes: port %u is below 1024, and Linux, BSD and older macOS let only "
			  "privileged processes bind those ports (Linux: CAP_NET_BIND_SERVICE, or a lower "
			  "net.ipv4.ip_unprivileged_port_start).", m->port);
	else
		faq(m, q, "No: port %u is above 1023, so any user may bind it on common systems.", m->port);

	snprintf(q, sizeof(q), "Is port %u used by malware?", m->port);
	if (nmal) {
		for (size_t i = 0; i < m->f.nkb; i++)
			if (m->f.kb[i].kind == PD_FACT_MALWARE)
				pd_buf_printf(&t, "%s%s", t.len ? " " : "", m->f.kb[i].text);
		faq(m, q, "It has been: %s Traffic on this port is worth a look.", pd_buf_str(&t));
		t.len = 0;
		pd_buf_add(&t, "", 0);
	} else {
		faq(m, q, "Our sources record no malware that is known for port %u. Malware can use any "
			  "port, so unexpected traffic deserves a look whatever the number.", m->port);
	}

	snprintf(q, sizeof(q), "Can I use port %u for my own service?", m->port);
	list[0] = '\0';
	for (size_t i = 0; i < m->f.nsugg; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%u", i ? ", " : "", m->f.sugg[i]);
	}
	if (m->f.has_verdict) {
		/* the reason that decided the verdict */
		const char *why = "no objection found";
		size_t wl;
		for (size_t i = 0; i < m->f.verdict.nreasons; i++)
			if (m->f.verdict.reasons[i].weight == m->f.verdict.verdict) {
				why = m->f.verdict.reasons[i].text;
				break;
			}
		wl = strlen(why);
		faq(m, q, "portdex's verdict is \"%s\": %s%s%s%s", pd_verdict_name(m->f.verdict.verdict), why,
		    wl && strchr(".!?", why[wl - 1]) ? "" : ".", *list ? " Ports with no objection: " : "", list);
	}
	else if (m->f.cls == PD_DYNAMIC)
		faq(m, q, "Not as a fixed port: dynamic ports are for ephemeral use and are never assigned (RFC 6335).");
	else
		faq(m, q, "%s", svc ? "Only if you run that service: the port is assigned to it."
			       : "You may, but it can be assigned later; prefer a port IANA assigns you.");

	if (m->f.nhist && m->f.in_block) {
		/* the port stays in its block: the block is what changed, on
		 * the date of the newest events (those that share it) */
		const struct pd_history *h = &m->f.hist[0];
		size_t k = 1, shown;
		while (k < m->f.nhist && !strcmp(m->f.hist[k].date, h->date))
			k++;
		shown = k < 4 ? k : 4;
		t.len = 0;
		pd_buf_add(&t, "", 0);
		for (size_t i = 0; i < shown; i++) {
			const struct pd_history *e = &m->f.hist[i];
			pd_buf_printf(&t, "%s%u/%s", i == 0 ? "" : i + 1 == shown && k == shown ? " and " : ", ", e->port,
				      pd_proto_name(e->proto));
			if (*e->service)
				pd_buf_printf(&t, " (%s)", e->service);
		}
		if (k > shown)
			pd_buf_printf(&t, " and %zu more", k - shown);
		snprintf(q, sizeof(q), "Has the block around port %u always been %u-%u?", m->port, m->f.blk.first,
			 m->f.blk.last);
		faq(m, q, "No. Until %s it was %u-%u; that day %s %s registered, and it shrank to %u-%u. Port %u "
			  "itself was not among them: as far as the registration dates tell, it has been "
			  "unassigned all along.", h->date, h->before_first, h->before_last, pd_buf_str(&t),
		    k == 1 ? "was" : "were", m->f.blk.first, m->f.blk.last, m->port);
	} else if (m->f.nhist) {
		const struct pd_history *h = &m->f.hist[0];
		snprintf(q, sizeof(q), "Has port %u always been assigned?", m->port);
		faq(m, q, "No. On %s port %u was registered%s%s; before that, ports %u-%u were all unassigned.",
		    h->date, h->port, *h->service ? " as " : "", h->service, h->before_first, h->before_last);
	} else if (m->f.in_block) {
		snprintf(q, sizeof(q), "Has the block around port %u always looked like this?", m->port);
		faq(m, q, "As far as the registration dates tell, yes: none of its neighbours carries a "
			  "registration date that would have shrunk it.");
	}
	pd_buf_release(&t);
}

int pd__page_build(struct pd__page *m, const struct pd_registry *reg, unsigned port,
		   const struct pd_site_opts *o)
{
	struct pd_facts_opts fo = { .want = PD_FACTS_VERDICT | PD_FACTS_SUGGEST, .check = o->check };
	int rc;

	memset(m, 0, sizeof(*m));
	if (port > 65535)
		return PD_EINVAL;
	m->reg = reg;
	m->o = o;
	m->port = port;
	rc = pd_port_facts_build(reg, port, o->host, &fo, &m->f);
	if (rc)
		return rc;
	summary(m);
	faqs(m);
	return m->summary.err;
}

void pd__page_release(struct pd__page *m)
{
	pd_port_facts_release(&m->f);
	pd_buf_release(&m->summary);
	for (size_t i = 0; i < PD__MAX_FAQ; i++) {
		pd_buf_release(&m->faq_q[i]);
		pd_buf_release(&m->faq_a[i]);
	}
}

/* ---- Markdown ---- */

static void md_people(struct pd_buf *b, const struct pd__page *m, const char *field)
{
	const char *cur = field;
	struct pd_person_ref r;
	int n = 0;

	while (pd_registry_people_next(m->reg, &cur, &r)) {
		if (n++)
			pd_buf_puts(b, ", ");
		pd_buf_putc(b, '[');
		pd__md_text(b, r.label);
		pd_buf_puts(b, "](https://www.iana.org/assignments/service-names-port-numbers/"
			       "service-names-port-numbers.xhtml#");
		md_url_part(b, r.id);
		pd_buf_putc(b, ')');
	}
}

static void md_refs(struct pd_buf *b, const char *field)
{
	const char *cur = field, *item;
	size_t len;
	int n = 0;

	while (pd_refs_next(&cur, &item, &len)) {
		char ref[512];
		if (len >= sizeof(ref))
			len = sizeof(ref) - 1;
		memcpy(ref, item, len);
		ref[len] = '\0';
		if (n++)
			pd_buf_puts(b, ", ");
		if (!strncasecmp(ref, "RFC", 3) && ref[3] >= '0' && ref[3] <= '9') {
			unsigned num = 0;
			for (const char *c = ref + 3; *c >= '0' && *c <= '9'; c++)
				num = num * 10 + (unsigned)(*c - '0');
			pd_buf_printf(b, "[");
			pd__md_text(b, ref);
			pd_buf_printf(b, "](https://www.rfc-editor.org/rfc/rfc%u)", num);
		} else if ((!strncmp(ref, "http://", 7) || !strncmp(ref, "https://", 8)) && autolink_ok(ref)) {
			pd_buf_printf(b, "<%s>", ref);
		} else if (!strncmp(ref, "draft-", 6) || !strncmp(ref, "RFC-", 4)) {
			pd_buf_puts(b, "[");
			pd__md_text(b, ref);
			pd_buf_puts(b, "](https://datatracker.ietf.org/doc/");
			md_url_part(b, ref);
			pd_buf_putc(b, ')');
		} else {
			pd__md_text(b, ref);
		}
	}
}

static void md_entry(struct pd_buf *b, const struct pd__page *m, const struct pd_entry *e, int t,
		     size_t aliases_from, size_t nsvc)
{
	pd_buf_printf(b, "- **%s** ", proto_upper[t]);
	pd__md_code(b, e->name);
	if (*e->description) {
		pd_buf_puts(b, ": ");
		pd__md_text(b, e->description);
	} else {
		pd_buf_puts(b, " (no description in the registry)");
	}
	if (e->first != e->last)
		pd_buf_printf(b, " (the range %u-%u)", e->first, e->last);
	if (nsvc > aliases_from) {
		pd_buf_puts(b, ". Also registered as ");
		for (size_t i = aliases_from; i < nsvc; i++) {
			pd_buf_puts(b, i > aliases_from ? ", " : "");
			pd__md_code(b, m->f.svc[t][i].name);
		}
	}
	pd_buf_puts(b, ".\n");
	if (*e->assignee) {
		pd_buf_puts(b, "  Assignee: ");
		md_people(b, m, e->assignee);
		if (*e->contact && strcmp(e->contact, e->assignee)) {
			pd_buf_puts(b, "; contact: ");
			md_people(b, m, e->contact);
		}
		pd_buf_puts(b, ".\n");
	}
	if (*e->registered || *e->modified) {
		pd_buf_puts(b, "  ");
		if (*e->registered) {
			pd_buf_puts(b, "Registered ");
			pd__md_text(b, e->registered);
		}
		if (*e->modified) {
			pd_buf_printf(b, "%sodified ", *e->registered ? ", m" : "M");
			pd__md_text(b, e->modified);
		}
		pd_buf_puts(b, ".\n");
	}
	if (*e->refs) {
		pd_buf_puts(b, "  References: ");
		md_refs(b, e->refs);
		pd_buf_puts(b, ".\n");
	}
	if (*e->service_code) {
		pd_buf_puts(b, "  Service code: ");
		pd__md_text(b, e->service_code);
		pd_buf_puts(b, ".\n");
	}
	if (*e->expires) {
		pd_buf_puts(b, "  A temporary registration, expiring ");
		pd__md_text(b, e->expires);
		pd_buf_puts(b, ".\n");
	}
	if (*e->unauthorized) {
		pd_buf_puts(b, "  IANA notes unauthorized use: ");
		pd__md_text(b, e->unauthorized);
		pd_buf_puts(b, "\n");
	}
	if (*e->notes) {
		pd_buf_puts(b, "  Note: ");
		pd__md_text(b, e->notes);
		pd_buf_puts(b, "\n");
	}
}

static void md_registry(struct pd_buf *b, const struct pd__page *m)
{
	pd_buf_puts(b, "## What the registry says\n\n");
	for (int t = 0; t < PD_NPROTO; t++) {
		if (m->f.nsvc[t]) {
			md_entry(b, m, &m->f.svc[t][0], t, 1, m->f.nsvc[t]);
			continue;
		}
		pd_buf_printf(b, "- **%s** %s", proto_upper[t], pd_status_name(m->f.st[t]));
		if (m->f.has_row[t]) {
			pd_buf_puts(b, ": the registry row ");
			if (m->f.row[t].first == m->f.row[t].last)
				pd_buf_printf(b, "for %u", m->f.row[t].first);
			else
				pd_buf_printf(b, "for %u-%u", m->f.row[t].first, m->f.row[t].last);
			pd_buf_puts(b, " says \"");
			pd__md_text(b, m->f.row[t].description);
			pd_buf_puts(b, "\"");
			if (reserved_for_sibling(m, t))
				pd_buf_puts(b, ", kept for the service assigned on another transport");
			if (*m->f.row[t].notes) {
				pd_buf_puts(b, ". Note: ");
				pd__md_text(b, m->f.row[t].notes);
			}
		} else {
			pd_buf_puts(b, ": no row of the registry lists it");
		}
		pd_buf_puts(b, ".\n");
	}
	pd_buf_puts(b, "\n");
	pd__md_registry(b, m->reg);
	pd_buf_puts(b, "\n\n");
}

static void md_range(struct pd_buf *b, const struct pd__page *m)
{
	const struct pd_host *h = m->f.host;

	pd_buf_puts(b, "## The range\n\n");
	pd_buf_printf(b, "Port %u is one of the ", m->port);
	md_link_page(b, m->o, m->f.cls == PD_SYSTEM ? "system ports" : m->f.cls == PD_USER ? "user ports"
										 : "dynamic ports",
		     class_page(m->f.cls));
	pd_buf_printf(b, " (%u-%u). %s", m->f.class_first, m->f.class_last, pd_class_procedure(m->f.cls));
	if (m->f.cls == PD_SYSTEM)
		pd_buf_puts(b, " Unix-like systems let only privileged processes listen on them by default.");
	else if (m->f.cls == PD_DYNAMIC)
		pd_buf_puts(b, " Operating systems pick outgoing connections' local ports from here "
			       "(Windows, macOS and the IANA range: 49152-65535).");
	pd_buf_puts(b, "\n\n");
	if (h) {
		int v = pd_host_privileged(h, m->port), e = pd_host_ephemeral(h, m->port);
		pd_buf_puts(b, "On this machine:\n\n");
		if (v != PD_UNKNOWN)
			pd_buf_printf(b, "- %s (unprivileged ports start at %d).\n",
				      v ? "binding it needs privileges" : "any user may bind it", h->unpriv_start);
		if (e != PD_UNKNOWN)
			pd_buf_printf(b, "- %s the ephemeral range %d-%d%s.\n", e ? "it lies inside" : "it lies outside",
				      h->eph_first, h->eph_last,
				      e ? ", so the kernel may give it to an outgoing connection" : "");
		if (pd_host_reserved(h, m->port))
			pd_buf_puts(b, "- it is listed in ip\\_local\\_reserved\\_ports, so the kernel never "
				       "picks it for outgoing connections.\n");
		pd_buf_puts(b, "\n");
	}
}

static void md_block(struct pd_buf *b, const struct pd__page *m)
{
	pd_buf_puts(b, "## The neighbourhood\n\n");
	if (m->f.in_block) {
		unsigned r = m->f.blk.rank;
		pd_buf_printf(b, "Port %u lies in the [block %u-%u](%sblocks/%u%s): %u consecutive port%s unassigned on "
				 "every transport, ", m->port, m->f.blk.first, m->f.blk.last, m->o->root, m->f.blk.first,
			      m->o->ext, m->f.blk.size, m->f.blk.size == 1 ? "" : "s");
		if (r == 1)
			pd_buf_puts(b, "the largest");
		else
			pd_buf_printf(b, "the %u%s largest", r,
				      r % 100 / 10 == 1 ? "th" : r % 10 == 1 ? "st" : r % 10 == 2 ? "nd" : r % 10 == 3 ? "rd" : "th");
		pd_buf_printf(b, " of the %u ", m->f.blk.of);
		md_link_page(b, m->o, "blocks", PD_SITE_BLOCKS);
		pd_buf_printf(b, " of %s ports.", pd_class_name(m->f.blk.cls));
	} else {
		pd_buf_printf(b, "Port %u is not in a block of unassigned ports: it is taken on at least one "
				 "transport.", m->port);
	}
	pd_buf_puts(b, "\n\n");
	for (int d = 0; d < 2; d++) {
		unsigned p = d ? m->f.above.port : m->f.below.port;
		uint32_t idx[8];
		int n = 0;
		if (d ? !m->f.above.found : !m->f.below.found)
			continue;
		pd_buf_printf(b, "- The nearest assigned port %s: ", d ? "above" : "below");
		pd__md_link_port(b, m->o, p);
		for (int t = 0; t < PD_NPROTO; t++) {
			size_t k = pd_registry_lookup(m->reg, p, t, idx, 8);
			for (size_t i = 0; i < k && i < 8; i++) {
				struct pd_entry e;
				if (pd_registry_entry(m->reg, idx[i], &e) || e.status != PD_ASSIGNED)
					continue;
				pd_buf_puts(b, ", ");
				pd__md_code(b, e.name);
				pd_buf_printf(b, "/%s", pd_proto_name(t));
				n++;
				if (n == 1 && *e.description) {
					pd_buf_puts(b, " (");
					pd__md_text(b, e.description);
					pd_buf_puts(b, ")");
				}
				break;
			}
		}
		pd_buf_puts(b, ".\n");
	}
	pd_buf_puts(b, "\n");
}

static void md_history(struct pd_buf *b, const struct pd__page *m)
{
	pd_buf_puts(b, "## History\n\n");
	if (!m->f.nhist) {
		pd_buf_puts(b, m->f.in_block
			    ? "No registration date in the registry tells of a change to this block.\n\n"
			    : "The registry gives no registration date that tells this port's story.\n\n");
		return;
	}
	for (size_t i = 0; i < m->f.nhist; i++) {
		const struct pd_history *h = &m->f.hist[i];
		pd_buf_printf(b, "- %s: ", h->date);
		pd__md_link_port(b, m->o, h->port);
		if (h->proto != PD_PROTO_ANY)
			pd_buf_printf(b, "/%s", pd_proto_name(h->proto));
		if (*h->service) {
			pd_buf_puts(b, " was registered as ");
			pd__md_code(b, h->service);
		} else
			pd_buf_puts(b, " was registered");
		if (h->before_first == h->before_last)
			pd_buf_printf(b, "; before, port %u was unassigned.\n", h->before_first);
		else
			pd_buf_printf(b, "; before, the block was %u-%u (%u ports).\n", h->before_first,
				      h->before_last, h->before_last - h->before_first + 1);
	}
	pd_buf_puts(b, "\n");
}

static void md_listening(struct pd_buf *b, const struct pd__page *m)
{
	static const char *const heads[] = { "Known uses", "Malware", "History", "Security" };
	int any = 0;

	pd_buf_puts(b, "## What might be listening\n\n");
	for (int k = PD_FACT_USE; k <= PD_FACT_SECURITY; k++) {
		int n = 0;
		for (size_t i = 0; i < m->f.nkb; i++) {
			const struct pd_fact *f = &m->f.kb[i];
			if ((int)f->kind != k)
				continue;
			if (!n++)
				pd_buf_printf(b, "%s:\n\n", heads[k]);
			pd_buf_puts(b, "- ");
			pd__md_text(b, f->text);
			if (f->first != f->last)
				pd_buf_printf(b, " (ports %u-%u)", f->first, f->last);
			pd_buf_printf(b, " [source](%s)\n", f->source);
			any = 1;
		}
		if (n)
			pd_buf_puts(b, "\n");
	}
	for (int t = 0; t < PD_NPROTO; t++)
		for (size_t i = 0; i < m->f.nsvc[t]; i++)
			if (*m->f.svc[t][i].unauthorized) {
				pd_buf_printf(b, "IANA records unauthorized use on %s: ", proto_upper[t]);
				pd__md_text(b, m->f.svc[t][i].unauthorized);
				pd_buf_puts(b, "\n\n");
				any = 1;
			}
	if (!any)
		pd_buf_printf(b, "Our sources record no common unofficial use of port %u and no malware "
				 "known for it. Any program can still listen on any port.\n\n", m->port);
	pd_buf_puts(b, "To see what is listening on it:\n\n");
	pd_buf_printf(b, "- Linux: `sudo ss -ltnup 'sport = :%u'`, or `portdex listening %u`\n", m->port, m->port);
	pd_buf_printf(b, "- macOS: `sudo lsof -nP -iTCP:%u -sTCP:LISTEN` and `sudo lsof -nP -iUDP:%u`\n",
		      m->port, m->port);
	pd_buf_printf(b, "- Windows: `netstat -ano | findstr :%u`, or in PowerShell "
			 "`Get-NetTCPConnection -LocalPort %u -State Listen` and `Get-NetUDPEndpoint -LocalPort %u`\n\n",
		      m->port, m->port, m->port);
}

static void md_use(struct pd_buf *b, const struct pd__page *m)
{
	pd_buf_puts(b, "## Should you use it?\n\n");
	if (m->f.has_verdict) {
		pd_buf_printf(b, "Verdict for a new service: **%s**.\n\n", pd_verdict_name(m->f.verdict.verdict));
		for (size_t i = 0; i < m->f.verdict.nreasons; i++) {
			pd_buf_printf(b, "- %s: ", m->f.verdict.reasons[i].topic);
			pd__md_text(b, m->f.verdict.reasons[i].text);
			pd_buf_puts(b, "\n");
		}
		if (m->f.verdict.nreasons)
			pd_buf_puts(b, "\n");
	}
	if (m->f.nsugg) {
		pd_buf_puts(b, "Ports with no objection, for a new service: ");
		for (size_t i = 0; i < m->f.nsugg; i++) {
			if (i)
				pd_buf_puts(b, ", ");
			pd__md_link_port(b, m->o, m->f.sugg[i]);
		}
		pd_buf_printf(b, " (from `portdex suggest port-%u`).\n\n", m->port);
	}
}

static void md_related(struct pd_buf *b, const struct pd__page *m)
{
	int n = 0;

	pd_buf_puts(b, "## Related ports\n\n");
	if (m->f.in_block && m->f.blk.size > 1) {
		pd_buf_puts(b, "- In the same block: ");
		for (unsigned p = m->f.blk.first, k = 0; p <= m->f.blk.last && k < 8; p++) {
			if (p == m->port)
				continue;
			pd_buf_puts(b, k++ ? ", " : "");
			pd__md_link_port(b, m->o, p);
		}
		if (m->f.blk.size > 9)
			pd_buf_printf(b, " and %u more", m->f.blk.size - 9);
		pd_buf_puts(b, "\n");
		n++;
	}
	for (int t = 0; t < PD_NPROTO; t++) {
		uint32_t idx[64];
		size_t k;
		int shown = 0;
		if (!m->f.nsvc[t] || (t && m->f.nsvc[t - 1] && !strcmp(m->f.svc[t][0].name, m->f.svc[t - 1][0].name)))
			continue;
		k = pd_registry_find_name(m->reg, m->f.svc[t][0].name, idx, 64);
		for (size_t i = 0; i < k && i < 64; i++) {
			struct pd_entry e;
			if (pd_registry_entry(m->reg, idx[i], &e) || !e.has_port ||
			    (e.first <= m->port && m->port <= e.last))
				continue;
			if (!shown++) {
				pd_buf_puts(b, "- ");
				pd__md_code(b, m->f.svc[t][0].name);
				pd_buf_puts(b, " on other ports: ");
			} else
				pd_buf_puts(b, ", ");
			pd__md_link_port(b, m->o, e.first);
			pd_buf_printf(b, "/%s", pd_proto_name(e.proto));
		}
		if (shown) {
			pd_buf_puts(b, "\n");
			n++;
		}
	}
	pd_buf_puts(b, "- Around it: ");
	for (int d = -2, k = 0; d <= 2; d++) {
		long p = (long)m->port + d;
		if (!d || p < 0 || p > 65535)
			continue;
		pd_buf_puts(b, k++ ? ", " : "");
		pd__md_link_port(b, m->o, (unsigned)p);
	}
	pd_buf_puts(b, "\n\n");
	(void)n;
}

static void md_faq(struct pd_buf *b, const struct pd__page *m)
{
	pd_buf_puts(b, "## Questions\n\n");
	for (size_t i = 0; i < m->nfaq; i++) {
		pd_buf_puts(b, "### ");
		pd__md_text(b, pd_buf_str(&m->faq_q[i]));
		pd_buf_puts(b, "\n\n");
		pd__md_text(b, pd_buf_str(&m->faq_a[i]));
		pd_buf_puts(b, "\n\n");
	}
}

int pd__page_markdown(const struct pd__page *m, struct pd_buf *head, struct pd_buf *body)
{
	pd_buf_printf(head, "# Port %u\n\n", m->port);
	pd__md_text(head, pd_buf_str(&m->summary));
	pd_buf_puts(head, "\n");
	md_registry(body, m);
	md_range(body, m);
	md_block(body, m);
	md_history(body, m);
	md_listening(body, m);
	md_use(body, m);
	md_related(body, m);
	md_faq(body, m);
	return head->err ? head->err : body->err;
}

/* ---- JSON: the port document's members, then what the page adds ---- */

/* The commands that tell what listens on the port, by system */
static void json_commands(struct pd__jw *w, const char *os, const char *const *fmt, size_t n, unsigned port)
{
	char cmd[96];

	pd__jw_key(w, os);
	pd__jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), fmt[i], port); /* each has one %u */
		pd__jw_str(w, cmd);
	}
	pd__jw_end_array(w);
}

int pd__page_json(const struct pd__page *m, struct pd_buf *out)
{
	static const char *const linux_cmds[] = { "sudo ss -ltnup 'sport = :%u'", "portdex listening %u" };
	static const char *const macos_cmds[] = { "sudo lsof -nP -iTCP:%u -sTCP:LISTEN", "sudo lsof -nP -iUDP:%u" };
	static const char *const windows_cmds[] = { "netstat -ano | findstr :%u",
						    "Get-NetTCPConnection -LocalPort %u -State Listen",
						    "Get-NetUDPEndpoint -LocalPort %u" };
	struct pd__jw w;

	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__facts_json_members(&m->f, PD_PROTO_ANY, &w);
	pd__jw_kstr(&w, "summary", pd_buf_str(&m->summary));
	pd__jw_key(&w, "check_commands");
	pd__jw_begin_object(&w);
	json_commands(&w, "linux", linux_cmds, 2, m->port);
	json_commands(&w, "macos", macos_cmds, 2, m->port);
	json_commands(&w, "windows", windows_cmds, 3, m->port);
	pd__jw_end_object(&w);
	pd__jw_key(&w, "faq");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < m->nfaq; i++) {
		pd__jw_begin_object(&w);
		pd__jw_kstr(&w, "q", pd_buf_str(&m->faq_q[i]));
		pd__jw_kstr(&w, "a", pd_buf_str(&m->faq_a[i]));
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_end_object(&w);
	return out->err;
}

/* "Was this page helpful?": plain form POSTs that work without
 * JavaScript. First a vote; then, on the page the vote leads back to (or
 * at once, with JavaScript), why: a reason and an optional comment, which
 * the server keeps with that reader's vote. With JavaScript, the forms are
 * sent in the background and the counts update in place. */
static void feedback_form(struct pd_buf *b, const struct pd_site_opts *o, unsigned port)
{
	static const char *const reasons[][2] = {
		{ "outdated", "Out of date" }, { "wrong", "Wrong" }, { "missing", "Missing something" },
		{ "hard-to-read", "Hard to read" },
	};

	pd_buf_printf(b, "<section class=\"feedback\" id=\"feedback\"><h2>Was this page helpful?</h2>"
			 "<form class=\"vote\" method=\"post\" action=\"%sport/%u/feedback\">"
			 "<button type=\"submit\" name=\"vote\" value=\"yes\">Yes</button>"
			 "<button type=\"submit\" name=\"vote\" value=\"no\">No</button></form>",
		      o->root, port);
	pd_buf_printf(b, "<p class=\"votes\" aria-live=\"polite\"><span class=\"yes\">%u</span> found it helpful, "
			 "<span class=\"no\">%u</span> did not.</p>", o->votes_yes, o->votes_no);
	if (o->feedback_note) {
		pd_buf_puts(b, "<p class=\"note\">");
		pd_buf_html(b, o->feedback_note);
		pd_buf_puts(b, "</p>");
	}
	pd_buf_printf(b, "<form class=\"why\" method=\"post\" action=\"%sport/%u/feedback\"%s>"
			 "<fieldset><legend>What could be better? (optional)</legend>",
		      o->root, port, o->feedback_flags & PD_FEEDBACK_ASK_WHY ? "" : " hidden");
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		pd_buf_printf(b, "<label><input type=\"radio\" name=\"reason\" value=\"%s\"> %s</label>", reasons[i][0],
			      reasons[i][1]);
	pd_buf_puts(b, "</fieldset><label for=\"fb-comment\">A comment (optional, 500 characters at most)</label>"
		       "<textarea id=\"fb-comment\" name=\"comment\" maxlength=\"500\"></textarea>");
	if (o->feedback_flags & PD_FEEDBACK_PUBLISHED)
		pd_buf_printf(b, "<p class=\"published\">Comments are published with the page's votes at "
				 "<code>/api/v1/ports/%u/feedback</code>; your address is not.</p>", port);
	else
		pd_buf_puts(b, "<p class=\"published\">Comments are read by the maintainers only.</p>");
	pd_buf_puts(b, "<button type=\"submit\">Send</button></form>");
	pd_buf_puts(b, "<script>");
	pd_buf_puts(b, pd__asset_feedback_js);
	pd_buf_puts(b, "</script></section>");
}

/* The box at the top of a port's page that answers at a glance: status
 * per transport, service names, range, block, verdict and common use. */
static void glance(struct pd_buf *b, const struct pd__page *m)
{
	const struct pd_site_opts *o = m->o;
	size_t names = 0;

	pd_buf_puts(b, "<section class=\"glance\" aria-labelledby=\"glance-h\"><h2 id=\"glance-h\">At a glance</h2>"
		       "<dl><dt>Status</dt><dd><ul class=\"st\">");
	for (int t = 0; t < PD_NPROTO; t++)
		pd_buf_printf(b, "<li class=\"st-%s\">%s <strong>%s</strong></li>", pd_status_name(m->f.st[t]),
			      proto_upper[t], pd_status_name(m->f.st[t]));
	pd_buf_puts(b, "</ul></dd><dt>Service</dt><dd>");
	for (int t = 0; t < PD_NPROTO; t++)
		for (size_t i = 0; i < m->f.nsvc[t]; i++) {
			int seen = 0;
			for (int u = 0; u <= t && !seen; u++)
				for (size_t j = 0; j < (u < t ? m->f.nsvc[u] : i) && !seen; j++)
					seen = !strcmp(m->f.svc[u][j].name, m->f.svc[t][i].name);
			if (seen)
				continue;
			pd_buf_puts(b, names++ ? ", <code>" : "<code>");
			pd_buf_html(b, m->f.svc[t][i].name);
			pd_buf_puts(b, "</code>");
		}
	if (!names)
		pd_buf_puts(b, "none registered");
	pd_buf_printf(b, "</dd><dt>Range</dt><dd><a href=\"%s%s%s\">%s ports</a>, %u-%u</dd><dt>Block</dt><dd>",
		      o->root, pd_site_page_path(class_page(m->f.cls)), o->ext, pd_class_name(m->f.cls),
		      m->f.class_first, m->f.class_last);
	if (m->f.in_block)
		pd_buf_printf(b, "<a href=\"%sblocks/%u%s\">unassigned block %u-%u</a> (%u port%s)", o->root,
			      m->f.blk.first, o->ext, m->f.blk.first, m->f.blk.last, m->f.blk.size,
			      m->f.blk.size == 1 ? "" : "s");
	else
		pd_buf_puts(b, "none: taken on at least one transport");
	pd_buf_puts(b, "</dd>");
	if (m->f.has_verdict)
		pd_buf_printf(b, "<dt>Verdict</dt><dd><strong class=\"v-%s\">%s</strong> for a new service</dd>",
			      pd_verdict_name(m->f.verdict.verdict), pd_verdict_name(m->f.verdict.verdict));
	/* the registration's description, then the first use our sources know */
	pd_buf_puts(b, "<dt>Used for</dt><dd>");
	names = 0;
	for (int t = 0; t < PD_NPROTO && !names; t++)
		if (m->f.nsvc[t]) {
			const struct pd_entry *e = &m->f.svc[t][0];
			pd_buf_html(b, *e->description ? e->description : e->name);
			pd_buf_puts(b, " (registered)");
			names++;
		}
	for (size_t i = 0; i < m->f.nkb; i++)
		if (m->f.kb[i].kind == PD_FACT_USE) {
			pd_buf_puts(b, names++ ? "; " : "");
			pd_buf_html(b, m->f.kb[i].text);
			if (*m->f.kb[i].source) {
				/* the curated fact's provenance, shown */
				pd_buf_puts(b, " (<a href=\"");
				pd_buf_html(b, m->f.kb[i].source);
				pd_buf_puts(b, "\">source</a>)");
			}
			break;
		}
	if (!names)
		pd_buf_puts(b, "nothing our sources record");
	/* where the facts come from */
	pd_buf_puts(b, "</dd><dt>Facts from</dt><dd>");
	pd_buf_html(b, pd_registry_source(m->reg));
	pd_buf_puts(b, ", updated ");
	pd_buf_html(b, *pd_registry_updated(m->reg) ? pd_registry_updated(m->reg) : "(unknown)");
	pd_buf_puts(b, "; curated facts below name their sources</dd></dl></section>");
}

/* One format of an already gathered page. */
static int render_one(const struct pd__page *m, enum pd_format f, struct pd_buf *out)
{
	const struct pd_site_opts *o = m->o;
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT, fig = PD_BUF_INIT, title = PD_BUF_INIT,
		      after = PD_BUF_INIT;
	unsigned port = m->port;
	int rc;

	if (f == PD_FMT_JSON) {
		rc = pd__page_json(m, out);
		if (!rc)
			pd_buf_putc(out, '\n');
		return rc;
	}
	rc = pd__page_markdown(m, &head, &body);
	if (rc)
		goto out;
	if (f == PD_FMT_HTML) {
		unsigned w0 = port / 1024 * 1024;
		glance(&fig, m);
		pd_buf_puts(&fig, "<figure class=\"map\">");
		if (o->inline_map) {
			rc = pd_map_svg(m->reg, port, PD_MAP_FULL, &fig);
		} else {
			/* the window's map is a file of its own, shared by its 1,024
			 * pages, with a link per port: an <object>, not an <img> */
			pd_buf_printf(&fig, "<div class=\"mapbox\"><object data=\"%smaps/%u.svg\" type=\"image/svg+xml\" "
					    "width=\"%d\" height=\"%d\" aria-label=\"Ports %u-%u by status, each a link\">"
					    "</object>", o->root, port / 1024, PD__MAP_W, PD__MAP_H, w0, w0 + 1023);
			rc = pd_map_svg(m->reg, port, PD_MAP_OVERLAY, &fig);
			pd_buf_puts(&fig, "</div>");
		}
		if (rc)
			goto out;
		pd_buf_printf(&fig, "<figcaption>Ports %u-%u, 32 to a row: assigned solid, reserved hatched, "
				    "unassigned light; %u is ringed", w0, w0 + 1023, port);
		if (m->f.in_block)
			pd_buf_printf(&fig, ", its block %u-%u outlined", m->f.blk.first, m->f.blk.last);
		pd_buf_printf(&fig, ".%s</figcaption></figure>", o->inline_map ? "" : " Each square links to its port's page.");
		if (o->feedback)
			feedback_form(&after, o, port);
	}
	pd_buf_printf(&title, "Port %u", port);
	if (first_service(m))
		pd_buf_printf(&title, " (%s)", first_service(m));
	else
		pd_buf_printf(&title, ": %s", pd_status_name(m->f.overall));
	rc = pd__render(pd_buf_str(&title), pd_buf_str(&head), fig.len ? fig.s : NULL, pd_buf_str(&body),
			after.len ? after.s : NULL, f, o, out);
out:
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&fig);
	pd_buf_release(&title);
	pd_buf_release(&after);
	return rc;
}

int pd_page_formats(const struct pd_registry *reg, unsigned port, const struct pd_site_opts *o,
		    struct pd_buf *out[4])
{
	struct pd__page m;
	int rc = pd__page_build(&m, reg, port, o);

	for (int f = 0; f < 4 && !rc; f++)
		if (out[f])
			rc = render_one(&m, (enum pd_format)f, out[f]);
	pd__page_release(&m);
	return rc;
}

int pd_page(const struct pd_registry *reg, unsigned port, enum pd_format f, const struct pd_site_opts *o,
	    struct pd_buf *out)
{
	struct pd_buf *outs[4] = { NULL, NULL, NULL, NULL };

	if ((unsigned)f > PD_FMT_JSON)
		return PD_EINVAL;
	outs[f] = out;
	return pd_page_formats(reg, port, o, outs);
}
