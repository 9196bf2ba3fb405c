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

/* The text of a message without arguments */
static void put_msg(struct pd_buf *b, int lang, enum pd__msg id)
{
	pd_buf_puts(b, pd__msg(lang, id));
}

void pd__md_registry_lang(struct pd_buf *b, const struct pd_registry *reg, int lang)
{
	struct pd_buf src = PD_BUF_INIT, upd = PD_BUF_INIT, name = PD_BUF_INIT;
	char date[64];
	const char *u = pd_registry_updated(reg);

	pd__registry_source(&name, reg, lang);
	pd__md_text(&src, pd_buf_str(&name));
	pd__md_text(&upd, *u ? pd__date_str(date, sizeof(date), lang, u) : pd__msg(lang, M_page_unknown));
	pd__tr(b, lang, M_page_registry, pd_buf_str(&src), pd_buf_str(&upd));
	pd__buf_fold(b, &name);
	pd__buf_fold(b, &src);
	pd__buf_fold(b, &upd);
}

void pd__md_registry(struct pd_buf *b, const struct pd_registry *reg)
{
	pd__md_registry_lang(b, reg, PD_LANG_EN);
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

void pd__buf_fold(struct pd_buf *into, struct pd_buf *t)
{
	if (t->err && !into->err)
		into->err = t->err;
	pd_buf_release(t);
}

void pd__md_link_port(struct pd_buf *b, const struct pd_site_opts *o, unsigned port)
{
	char root[PD__ROOT_MAX];

	pd_buf_printf(b, "[%u](%sport/%u%s)", port, pd__lroot(o, root), port, o->ext);
}

/* A link from a port's page to another port's page: the pages of ports
 * sit side by side (port/N, fr/port/N, port/N.html), so the other page's
 * name alone leads to it, whatever the root and the language. */
static void md_link_sibling(struct pd_buf *b, const struct pd_site_opts *o, unsigned port)
{
	pd_buf_printf(b, "[%u](%u%s)", port, port, o->ext);
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
static void proto_list(struct pd_buf *b, int lang, unsigned mask)
{
	pd__proto_list(b, lang, mask, proto_upper);
}

/* A status, a class's ports and a verdict in lang (the names of
 * pd_status_name, pd_class_name and pd_verdict_name are identifiers) */
const char *pd__status_text(int lang, enum pd_status st)
{
	return pd__msg(lang, st == PD_ASSIGNED ? M_page_status_assigned
			     : st == PD_RESERVED ? M_page_status_reserved : M_page_status_unassigned);
}

const char *pd__class_ports_text(int lang, enum pd_class c)
{
	return pd__msg(lang, c == PD_SYSTEM ? M_page_cls_system : c == PD_USER ? M_page_cls_user : M_page_cls_dynamic);
}

static const char *verdict_text(int lang, enum pd_verdict v)
{
	return pd__msg(lang, v == PD_GOOD ? M_page_verdict_good
			     : v == PD_ACCEPTABLE ? M_page_verdict_acceptable : M_page_verdict_avoid);
}

/* A reason's topic (pd_check's identifiers) as a word of lang */
static const char *topic_text(int lang, const char *topic)
{
	static const struct { const char *id; enum pd__msg msg; } topics[] = {
		{ "registry", M_page_topic_registry }, { "host", M_page_topic_host },
		{ "in-use", M_page_topic_in_use }, { "browser", M_page_topic_browser },
		{ "collision", M_page_topic_collision }, { "knowledge", M_page_topic_knowledge },
		{ "nmap", M_page_topic_nmap },
	};

	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (!strcmp(topic, topics[i].id))
			return pd__msg(lang, topics[i].msg);
	return topic;
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

/* 1 if transports t and u have the same services, in the same order,
 * with the same first description */
static int same_services(const struct pd__page *m, int t, int u)
{
	if (m->f.nsvc[t] != m->f.nsvc[u] || strcmp(m->f.svc[t][0].description, m->f.svc[u][0].description))
		return 0;
	for (size_t i = 0; i < m->f.nsvc[t]; i++)
		if (strcmp(m->f.svc[t][i].name, m->f.svc[u][i].name))
			return 0;
	return 1;
}

static void summary(struct pd__page *m)
{
	struct pd_buf *b = &m->summary, list = PD_BUF_INIT, protos = PD_BUF_INIT;
	unsigned un = mask_of(m, PD_UNASSIGNED), as = mask_of(m, PD_ASSIGNED), re = mask_of(m, PD_RESERVED);
	int lang = pd__site_lang(m->o);
	char n[PD__NUM_MAX];

	if (un == 0xf) {
		pd__tr(b, lang, M_page_sum_unassigned_all, m->port);
	} else {
		unsigned done = 0;
		/* one sentence for the transports with the same service, the
		 * same description and the same other names */
		for (int t = 0; t < PD_NPROTO; t++) {
			const struct pd_entry *e = &m->f.svc[t][0];
			unsigned mask = 1u << t;
			if (!(as & mask) || (done & mask))
				continue;
			for (int u = t + 1; u < PD_NPROTO; u++)
				if ((as & (1u << u)) && same_services(m, t, u))
					mask |= 1u << u;
			done |= mask;
			if (b->len)
				pd_buf_putc(b, ' ');
			list.len = protos.len = 0;
			pd_buf_add(&list, "", 0);
			pd_buf_add(&protos, "", 0);
			proto_list(&protos, lang, mask);
			for (size_t i = 1; i < m->f.nsvc[t]; i++)
				pd_buf_printf(&list, "%s%s", i > 1 ? ", " : "", m->f.svc[t][i].name);
			if (*e->description && m->f.nsvc[t] > 1)
				pd__tr(b, lang, M_page_sum_assigned_desc_aka, pd_buf_str(&protos), m->port, e->name,
				       e->description, pd_buf_str(&list));
			else if (*e->description)
				pd__tr(b, lang, M_page_sum_assigned_desc, pd_buf_str(&protos), m->port, e->name,
				       e->description);
			else if (m->f.nsvc[t] > 1)
				pd__tr(b, lang, M_page_sum_assigned_aka, pd_buf_str(&protos), m->port, e->name,
				       pd_buf_str(&list));
			else
				pd__tr(b, lang, M_page_sum_assigned, pd_buf_str(&protos), m->port, e->name);
		}
		if (re) {
			int sibling = 1;
			for (int t = 0; t < PD_NPROTO; t++)
				if ((re & (1u << t)) && !reserved_for_sibling(m, t))
					sibling = 0;
			if (b->len)
				pd_buf_putc(b, ' ');
			list.len = 0;
			pd_buf_add(&list, "", 0);
			proto_list(&list, lang, re);
			pd__tr(b, lang, sibling ? M_page_sum_reserved_sibling : M_page_sum_reserved, pd_buf_str(&list));
		}
		if (un) {
			if (b->len)
				pd_buf_putc(b, ' ');
			list.len = 0;
			pd_buf_add(&list, "", 0);
			proto_list(&list, lang, un);
			pd__tr(b, lang, M_page_sum_unassigned, pd_buf_str(&list));
		}
	}
	pd_buf_putc(b, ' ');
	pd__tr(b, lang, m->f.cls == PD_SYSTEM ? M_page_sum_class_system
			: m->f.cls == PD_USER ? M_page_sum_class_user : M_page_sum_class_dynamic,
	       m->f.class_first, m->f.class_last);
	if (m->f.in_block) {
		pd_buf_putc(b, ' ');
		pd__tr(b, lang, m->f.blk.size == 1 ? M_page_sum_block_one : M_page_sum_block,
		       pd__num_str(n, lang, m->f.blk.size), m->f.blk.first, m->f.blk.last);
	}
	pd__buf_fold(b, &list);
	pd__buf_fold(b, &protos);
}

/* Adds a question and its answer: message q (with the port) and message
 * a with its arguments */
static void faq(struct pd__page *m, enum pd__msg q, enum pd__msg a, ...)
{
	int lang = pd__site_lang(m->o);
	va_list ap;

	if (m->nfaq >= PD__MAX_FAQ)
		return;
	va_start(ap, a);
	pd__vtr(&m->faq_a[m->nfaq], lang, a, ap);
	va_end(ap);
	pd__tr(&m->faq_q[m->nfaq], lang, q, m->port);
	m->nfaq++;
}

/* The questions whose answer is about the port's history */
static void faq_history(struct pd__page *m, int lang)
{
	struct pd_buf t = PD_BUF_INIT;
	char date[64];

	if (m->f.nhist && m->f.in_block) {
		/* the port stays in its block: the block is what changed, on
		 * the date of the newest events (those that share it) */
		const struct pd_history *h = &m->f.hist[0];
		size_t k = 1, shown;
		char n[PD__NUM_MAX];
		while (k < m->f.nhist && !strcmp(m->f.hist[k].date, h->date))
			k++;
		shown = k < 4 ? k : 4;
		for (size_t i = 0; i < shown; i++) {
			const struct pd_history *e = &m->f.hist[i];
			pd__list_sep(&t, lang, i, k == shown ? shown : shown + 1);
			pd_buf_printf(&t, "%u/%s", e->port, pd_proto_name(e->proto));
			if (*e->service)
				pd_buf_printf(&t, " (%s)", e->service);
		}
		if (k > shown) {
			pd__list_sep(&t, lang, shown, shown + 1);
			pd__tr(&t, lang, M_page_n_more, pd__num_str(n, lang, k - shown));
		}
		/* the question holds the block too: made here, not by faq() */
		if (m->nfaq < PD__MAX_FAQ) {
			pd__tr(&m->faq_q[m->nfaq], lang, M_page_q_block_always, m->port, m->f.blk.first, m->f.blk.last);
			pd__tr(&m->faq_a[m->nfaq], lang, k == 1 ? M_page_a_block_always_one : M_page_a_block_always,
			       pd__date_str(date, sizeof(date), lang, h->date), h->before_first, h->before_last,
			       pd_buf_str(&t), m->f.blk.first, m->f.blk.last, m->port);
			m->nfaq++;
		}
	} else if (m->f.nhist) {
		const struct pd_history *h = &m->f.hist[0];
		pd__date_str(date, sizeof(date), lang, h->date);
		if (*h->service)
			faq(m, M_page_q_always_assigned, M_page_a_always_assigned, date, h->port, h->service,
			    h->before_first, h->before_last);
		else
			faq(m, M_page_q_always_assigned, M_page_a_always_assigned_nosvc, date, h->port,
			    h->before_first, h->before_last);
	} else if (m->f.in_block) {
		faq(m, M_page_q_block_looked, M_page_a_block_looked);
	}
	pd_buf_release(&t);
}

static void faqs(struct pd__page *m)
{
	char list[512];
	struct pd_buf t = PD_BUF_INIT;
	const char *svc = first_service(m);
	size_t nmal = count_facts(m, PD_FACT_MALWARE), nuse = count_facts(m, PD_FACT_USE);
	unsigned as = mask_of(m, PD_ASSIGNED);
	int lang = pd__site_lang(m->o);

	if (svc)
		faq(m, M_page_q_assigned, M_page_a_assigned_yes, pd_buf_str(&m->summary));
	else if (m->f.overall == PD_RESERVED)
		faq(m, M_page_q_assigned, M_page_a_assigned_reserved, m->port);
	else
		faq(m, M_page_q_assigned, m->f.in_block ? M_page_a_assigned_no_block : M_page_a_assigned_no, m->port);

	for (size_t i = 0; i < m->f.nkb; i++)
		if (m->f.kb[i].kind == PD_FACT_USE) {
			pd_buf_printf(&t, "%s%s", t.len ? " " : "", m->f.kb[i].text);
		}
	if (svc) {
		const char *d = m->f.svc[__builtin_ctz(as)][0].description;
		if (*d)
			faq(m, M_page_q_used, t.len ? M_page_a_used_official_more : M_page_a_used_official, svc, d,
			    pd_buf_str(&t));
		else
			faq(m, M_page_q_used, t.len ? M_page_a_used_official_nodesc_more : M_page_a_used_official_nodesc,
			    svc, pd_buf_str(&t));
	}
	else if (nuse)
		faq(m, M_page_q_used, M_page_a_used_unofficial, pd_buf_str(&t));
	else
		faq(m, M_page_q_used, M_page_a_used_nothing);
	t.len = 0;
	pd_buf_add(&t, "", 0);

	if (svc) {
		proto_list(&t, lang, as);
		faq(m, M_page_q_proto, M_page_a_proto, m->port, pd_buf_str(&t));
		t.len = 0;
		pd_buf_add(&t, "", 0);
	}

	if (m->f.host && pd_host_privileged(m->f.host, m->port) != PD_UNKNOWN)
		faq(m, M_page_q_root, pd_host_privileged(m->f.host, m->port) ? M_page_a_root_host_yes
									     : M_page_a_root_host_no,
		    m->f.host->unpriv_start);
	else if (m->f.cls == PD_SYSTEM)
		faq(m, M_page_q_root, M_page_a_root_system, m->port);
	else
		faq(m, M_page_q_root, M_page_a_root_user, m->port);

	if (nmal) {
		for (size_t i = 0; i < m->f.nkb; i++)
			if (m->f.kb[i].kind == PD_FACT_MALWARE)
				pd_buf_printf(&t, "%s%s", t.len ? " " : "", m->f.kb[i].text);
		faq(m, M_page_q_malware, M_page_a_malware_yes, pd_buf_str(&t));
		t.len = 0;
		pd_buf_add(&t, "", 0);
	} else {
		faq(m, M_page_q_malware, M_page_a_malware_no, m->port);
	}

	list[0] = '\0';
	for (size_t i = 0; i < m->f.nsugg; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%u", i ? ", " : "", m->f.sugg[i]);
	}
	if (m->f.has_verdict) {
		/* the reason that decided the verdict */
		const char *why = pd__msg(lang, M_page_why_none);
		size_t wl;
		for (size_t i = 0; i < m->f.verdict.nreasons; i++)
			if (m->f.verdict.reasons[i].weight == m->f.verdict.verdict) {
				why = m->f.verdict.reasons[i].text;
				break;
			}
		wl = strlen(why);
		faq(m, M_page_q_own, *list ? M_page_a_own_verdict_sugg : M_page_a_own_verdict,
		    verdict_text(lang, m->f.verdict.verdict), why, wl && strchr(".!?", why[wl - 1]) ? "" : ".", list);
	}
	else if (m->f.cls == PD_DYNAMIC)
		faq(m, M_page_q_own, M_page_a_own_dynamic);
	else
		faq(m, M_page_q_own, svc ? M_page_a_own_assigned : M_page_a_own_free);

	faq_history(m, lang);
	pd_buf_release(&t);
}

int pd__page_build(struct pd__page *m, const struct pd_registry *reg, unsigned port,
		   const struct pd_site_opts *o)
{
	struct pd_facts_opts fo = { .want = PD_FACTS_VERDICT | PD_FACTS_SUGGEST, .check = o->check,
				    .lang = o->lang };
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

/* A registry date of an entry, Markdown-escaped, as lang writes it */
static void md_date(struct pd_buf *b, int lang, const char *iso)
{
	char date[64];

	pd__md_text(b, pd__date_str(date, sizeof(date), lang, iso));
}

/* An indented line of an entry: message id with one argument, arg (the
 * Markdown of a field of the registry) */
static void md_field(struct pd_buf *b, int lang, enum pd__msg id, const struct pd_buf *arg)
{
	pd_buf_puts(b, "  ");
	pd__tr(b, lang, id, pd_buf_str(arg));
}

/* An entry of the registry for transport t, headed by label (the
 * transports it stands for) */
static void md_entry(struct pd_buf *b, const struct pd__page *m, const struct pd_entry *e, int t, const char *label,
		     size_t aliases_from, size_t nsvc)
{
	struct pd_buf x = PD_BUF_INIT, y = PD_BUF_INIT;
	int lang = pd__site_lang(m->o);

	pd__md_code(&x, e->name);
	pd__md_text(&y, e->description);
	pd_buf_puts(b, "- ");
	pd__tr(b, lang, *e->description ? M_page_entry_head : M_page_entry_head_nodesc, label, pd_buf_str(&x),
	       pd_buf_str(&y));
	x.len = y.len = 0;
	pd_buf_add(&x, "", 0);
	pd_buf_add(&y, "", 0);
	if (e->first != e->last) {
		pd_buf_putc(b, ' ');
		pd__tr(b, lang, M_page_entry_range, e->first, e->last);
	}
	if (nsvc > aliases_from) {
		for (size_t i = aliases_from; i < nsvc; i++) {
			pd_buf_puts(&x, i > aliases_from ? ", " : "");
			pd__md_code(&x, m->f.svc[t][i].name);
		}
		pd_buf_puts(b, ". ");
		pd__tr(b, lang, M_page_entry_aka, pd_buf_str(&x));
		x.len = 0;
		pd_buf_add(&x, "", 0);
	}
	pd_buf_puts(b, ".\n");
	if (*e->assignee) {
		md_people(&x, m, e->assignee);
		pd_buf_puts(b, "  ");
		if (*e->contact && strcmp(e->contact, e->assignee)) {
			md_people(&y, m, e->contact);
			pd__tr(b, lang, M_page_entry_assignee_contact, pd_buf_str(&x), pd_buf_str(&y));
		} else {
			pd__tr(b, lang, M_page_entry_assignee, pd_buf_str(&x));
		}
		pd_buf_puts(b, ".\n");
		x.len = y.len = 0;
		pd_buf_add(&x, "", 0);
		pd_buf_add(&y, "", 0);
	}
	if (*e->registered || *e->modified) {
		pd_buf_puts(b, "  ");
		md_date(&x, lang, e->registered);
		md_date(&y, lang, e->modified);
		if (*e->registered && *e->modified)
			pd__tr(b, lang, M_page_entry_registered_modified, pd_buf_str(&x), pd_buf_str(&y));
		else if (*e->registered)
			pd__tr(b, lang, M_page_entry_registered, pd_buf_str(&x));
		else
			pd__tr(b, lang, M_page_entry_modified, pd_buf_str(&y));
		pd_buf_puts(b, ".\n");
		x.len = y.len = 0;
		pd_buf_add(&x, "", 0);
		pd_buf_add(&y, "", 0);
	}
	if (*e->refs) {
		md_refs(&x, e->refs);
		md_field(b, lang, M_page_entry_refs, &x);
		pd_buf_puts(b, ".\n");
		x.len = 0;
		pd_buf_add(&x, "", 0);
	}
	if (*e->service_code) {
		pd__md_text(&x, e->service_code);
		md_field(b, lang, M_page_entry_service_code, &x);
		pd_buf_puts(b, ".\n");
		x.len = 0;
		pd_buf_add(&x, "", 0);
	}
	if (*e->expires) {
		md_date(&x, lang, e->expires);
		md_field(b, lang, M_page_entry_expires, &x);
		pd_buf_puts(b, ".\n");
		x.len = 0;
		pd_buf_add(&x, "", 0);
	}
	if (*e->unauthorized) {
		pd__md_text(&x, e->unauthorized);
		md_field(b, lang, M_page_entry_unauthorized, &x);
		pd_buf_puts(b, "\n");
		x.len = 0;
		pd_buf_add(&x, "", 0);
	}
	if (*e->notes) {
		pd__md_text(&x, e->notes);
		md_field(b, lang, M_page_note, &x);
		pd_buf_puts(b, "\n");
	}
	pd_buf_release(&x);
	pd_buf_release(&y);
}

static void md_heading(struct pd_buf *b, int lang, enum pd__msg id)
{
	pd_buf_puts(b, "## ");
	put_msg(b, lang, id);
	pd_buf_puts(b, "\n\n");
}

/* What the registry says of transport t, which has no service: its row's
 * words, or that no row lists it */
static void registry_row(struct pd_buf *row, const struct pd__page *m, int t)
{
	int lang = pd__site_lang(m->o);
	struct pd_buf x = PD_BUF_INIT;

	pd_buf_add(row, "", 0);
	if (!m->f.has_row[t]) {
		put_msg(row, lang, M_page_row_none);
		return;
	}
	pd_buf_add(&x, "", 0);
	pd__md_text(&x, m->f.row[t].description);
	if (m->f.row[t].first == m->f.row[t].last)
		pd__tr(row, lang, M_page_row_one, m->f.row[t].first, pd_buf_str(&x));
	else
		pd__tr(row, lang, M_page_row_range, m->f.row[t].first, m->f.row[t].last, pd_buf_str(&x));
	if (reserved_for_sibling(m, t)) {
		pd_buf_puts(row, ", ");
		put_msg(row, lang, M_page_row_sibling);
	}
	if (*m->f.row[t].notes) {
		x.len = 0;
		pd_buf_add(&x, "", 0);
		pd__md_text(&x, m->f.row[t].notes);
		pd_buf_puts(row, ". ");
		pd__tr(row, lang, M_page_note, pd_buf_str(&x));
	}
	pd_buf_release(&x);
}

static void md_registry(struct pd_buf *b, const struct pd__page *m)
{
	int lang = pd__site_lang(m->o);
	struct pd_buf row[PD_NPROTO] = { PD_BUF_INIT, PD_BUF_INIT, PD_BUF_INIT, PD_BUF_INIT }, names = PD_BUF_INIT;
	unsigned done = 0;

	md_heading(b, lang, M_page_h_registry);
	for (int t = 0; t < PD_NPROTO; t++)
		if (!m->f.nsvc[t])
			registry_row(&row[t], m, t);
	for (int t = 0; t < PD_NPROTO; t++) {
		unsigned mask = 1u << t;
		if (done & mask)
			continue;
		if (m->f.nsvc[t]) {
			/* the transports whose entries read the same, under one head */
			struct pd_buf one = PD_BUF_INIT, other = PD_BUF_INIT;
			md_entry(&one, m, &m->f.svc[t][0], t, proto_upper[t], 1, m->f.nsvc[t]);
			for (int u = t + 1; u < PD_NPROTO; u++) {
				if (!m->f.nsvc[u])
					continue;
				other.len = 0;
				md_entry(&other, m, &m->f.svc[u][0], u, proto_upper[t], 1, m->f.nsvc[u]);
				if (!one.err && !other.err && !strcmp(pd_buf_str(&one), pd_buf_str(&other)))
					mask |= 1u << u;
			}
			done |= mask;
			if (mask == 1u << t) {
				/* alone: the entry already written */
				pd_buf_puts(b, pd_buf_str(&one));
			} else {
				names.len = 0;
				pd_buf_add(&names, "", 0);
				proto_list(&names, lang, mask);
				md_entry(b, m, &m->f.svc[t][0], t, pd_buf_str(&names), 1, m->f.nsvc[t]);
			}
			pd__buf_fold(b, &one);
			pd__buf_fold(b, &other);
			continue;
		}
		/* the transports the registry says the same of, on one line */
		for (int u = t + 1; u < PD_NPROTO; u++)
			if (!m->f.nsvc[u] && m->f.st[u] == m->f.st[t] && !strcmp(pd_buf_str(&row[u]), pd_buf_str(&row[t])))
				mask |= 1u << u;
		done |= mask;
		names.len = 0;
		pd_buf_add(&names, "", 0);
		proto_list(&names, lang, mask);
		pd_buf_puts(b, "- ");
		pd__tr(b, lang, M_page_row, pd_buf_str(&names), pd__status_text(lang, m->f.st[t]), pd_buf_str(&row[t]));
		pd_buf_puts(b, ".\n");
	}
	pd_buf_puts(b, "\n");
	pd__md_registry_lang(b, m->reg, lang);
	pd_buf_puts(b, "\n\n");
	for (int t = 0; t < PD_NPROTO; t++)
		pd__buf_fold(b, &row[t]);
	pd__buf_fold(b, &names);
}

static void md_range(struct pd_buf *b, const struct pd__page *m)
{
	const struct pd_host *h = m->f.host;
	int lang = pd__site_lang(m->o);
	struct pd_buf link = PD_BUF_INIT;

	md_heading(b, lang, M_page_h_range);
	md_link_page(&link, m->o, pd__class_ports_text(lang, m->f.cls), class_page(m->f.cls));
	pd__tr(b, lang, M_page_range_intro, m->port, pd_buf_str(&link), m->f.class_first, m->f.class_last);
	pd_buf_putc(b, ' ');
	put_msg(b, lang, m->f.cls == PD_SYSTEM ? M_page_proc_system : m->f.cls == PD_USER ? M_page_proc_user
											: M_page_proc_dynamic);
	if (m->f.cls == PD_SYSTEM) {
		pd_buf_putc(b, ' ');
		put_msg(b, lang, M_page_range_system_note);
	} else if (m->f.cls == PD_DYNAMIC) {
		pd_buf_putc(b, ' ');
		put_msg(b, lang, M_page_range_dynamic_note);
	}
	pd_buf_puts(b, "\n\n");
	pd_buf_release(&link);
	if (h) {
		int v = pd_host_privileged(h, m->port), e = pd_host_ephemeral(h, m->port);
		put_msg(b, lang, M_page_host_h);
		pd_buf_puts(b, "\n\n");
		if (v != PD_UNKNOWN) {
			pd_buf_puts(b, "- ");
			pd__tr(b, lang, v ? M_page_host_priv : M_page_host_unpriv, h->unpriv_start);
			pd_buf_puts(b, "\n");
		}
		if (e != PD_UNKNOWN) {
			pd_buf_puts(b, "- ");
			pd__tr(b, lang, e ? M_page_host_eph_in : M_page_host_eph_out, h->eph_first, h->eph_last);
			pd_buf_puts(b, "\n");
		}
		if (pd_host_reserved(h, m->port)) {
			pd_buf_puts(b, "- ");
			/* the sysctl's name, Markdown-escaped (the catalogues
			 * cannot hold a backslash: tools/mkcat.sh) */
			pd__tr(b, lang, M_page_host_reserved, "ip\\_local\\_reserved\\_ports");
			pd_buf_puts(b, "\n");
		}
		pd_buf_puts(b, "\n");
	}
}

/* "the largest", "the 2nd largest": the rank of a block among its class's */
static void block_rank(struct pd_buf *b, int lang, unsigned r)
{
	if (r == 1)
		put_msg(b, lang, M_page_blk_rank_1);
	else
		pd__tr(b, lang, r % 100 / 10 == 1 ? M_page_blk_rank_th : r % 10 == 1 ? M_page_blk_rank_st
				: r % 10 == 2 ? M_page_blk_rank_nd : r % 10 == 3 ? M_page_blk_rank_rd : M_page_blk_rank_th,
		       r);
}

static void md_block(struct pd_buf *b, const struct pd__page *m)
{
	int lang = pd__site_lang(m->o);
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX];
	struct pd_buf rank = PD_BUF_INIT, link = PD_BUF_INIT, near = PD_BUF_INIT;

	md_heading(b, lang, M_page_h_block);
	if (m->f.in_block) {
		block_rank(&rank, lang, m->f.blk.rank);
		md_link_page(&link, m->o, pd__msg(lang, M_page_blk_link), PD_SITE_BLOCKS);
		pd__tr(b, lang, m->f.blk.size == 1 ? M_page_blk_in_one : M_page_blk_in, m->port, m->f.blk.first,
		       m->f.blk.last, pd__lroot(m->o, root), m->f.blk.first, m->o->ext,
		       pd__num_str(n1, lang, m->f.blk.size), pd_buf_str(&rank), pd__num_str(n2, lang, m->f.blk.of),
		       pd_buf_str(&link), pd__class_ports_text(lang, m->f.blk.cls));
	} else {
		pd__tr(b, lang, M_page_blk_not, m->port);
	}
	pd_buf_puts(b, "\n\n");
	for (int d = 0; d < 2; d++) {
		unsigned p = d ? m->f.above.port : m->f.below.port;
		uint32_t idx[8];
		int n = 0;
		if (d ? !m->f.above.found : !m->f.below.found)
			continue;
		near.len = 0;
		pd_buf_add(&near, "", 0);
		md_link_sibling(&near, m->o, p);
		for (int t = 0; t < PD_NPROTO; t++) {
			size_t k = pd_registry_lookup(m->reg, p, t, idx, 8);
			for (size_t i = 0; i < k && i < 8; i++) {
				struct pd_entry e;
				if (pd_registry_entry(m->reg, idx[i], &e) || e.status != PD_ASSIGNED)
					continue;
				pd_buf_puts(&near, ", ");
				pd__md_code(&near, e.name);
				pd_buf_printf(&near, "/%s", pd_proto_name(t));
				n++;
				if (n == 1 && *e.description) {
					pd_buf_puts(&near, " (");
					pd__md_text(&near, e.description);
					pd_buf_puts(&near, ")");
				}
				break;
			}
		}
		pd_buf_puts(b, "- ");
		pd__tr(b, lang, d ? M_page_near_above : M_page_near_below, pd_buf_str(&near));
		pd_buf_puts(b, "\n");
	}
	pd_buf_puts(b, "\n");
	pd_buf_release(&rank);
	pd_buf_release(&link);
	pd_buf_release(&near);
}

/* One port of a history event into what: its link and transport, with
 * its service in brackets when with_service */
static void hist_port(struct pd_buf *what, const struct pd_site_opts *o, pd__md_link_fn link,
		      const struct pd_history *h, int with_service)
{
	link(what, o, h->port);
	if (h->proto != PD_PROTO_ANY)
		pd_buf_printf(what, "/%s", pd_proto_name(h->proto));
	if (with_service && *h->service) {
		pd_buf_puts(what, " (");
		pd__md_code(what, h->service);
		pd_buf_puts(what, ")");
	}
}

void pd__md_history(struct pd_buf *b, const struct pd_site_opts *o, int lang, const struct pd_history *hist,
		    size_t n, pd__md_link_fn link)
{
	struct pd_buf what = PD_BUF_INIT, svc = PD_BUF_INIT;
	char date[64], size[PD__NUM_MAX];

	for (size_t i = 0, j; i < n; i = j) {
		const struct pd_history *h = &hist[i];
		/* the registrations of one day that changed the block alike:
		 * one line */
		for (j = i + 1; j < n && !strcmp(hist[j].date, h->date) && hist[j].before_first == h->before_first &&
				hist[j].before_last == h->before_last;
		     j++)
			;
		what.len = svc.len = 0;
		pd_buf_add(&what, "", 0);
		pd_buf_add(&svc, "", 0);
		pd__date_str(date, sizeof(date), lang, h->date);
		pd__num_str(size, lang, h->before_last - h->before_first + 1);
		pd_buf_puts(b, "- ");
		if (j > i + 1) {
			for (size_t k = i; k < j; k++) {
				pd__list_sep(&what, lang, k - i, j - i);
				hist_port(&what, o, link, &hist[k], 1);
			}
			if (h->before_first == h->before_last)
				pd__tr(b, lang, M_page_hist_many_port, date, pd_buf_str(&what), h->before_first);
			else
				pd__tr(b, lang, M_page_hist_many_block, date, pd_buf_str(&what), h->before_first,
				       h->before_last, size);
		} else {
			hist_port(&what, o, link, h, 0);
			pd__md_code(&svc, h->service);
			if (h->before_first == h->before_last)
				pd__tr(b, lang, *h->service ? M_page_hist_svc_port : M_page_hist_port, date,
				       pd_buf_str(&what), h->before_first, pd_buf_str(&svc));
			else
				pd__tr(b, lang, *h->service ? M_page_hist_svc_block : M_page_hist_block, date,
				       pd_buf_str(&what), h->before_first, h->before_last, size, pd_buf_str(&svc));
		}
		pd_buf_puts(b, "\n");
	}
	pd__buf_fold(b, &what);
	pd__buf_fold(b, &svc);
}

static void md_history(struct pd_buf *b, const struct pd__page *m)
{
	int lang = pd__site_lang(m->o);

	md_heading(b, lang, M_page_h_history);
	if (!m->f.nhist)
		put_msg(b, lang, m->f.in_block ? M_page_hist_none_block : M_page_hist_none);
	else
		pd__md_history(b, m->o, lang, m->f.hist, m->f.nhist, md_link_sibling);
	pd_buf_puts(b, "\n\n");
}

static void md_listening(struct pd_buf *b, const struct pd__page *m)
{
	static const enum pd__msg heads[] = { M_page_kb_use, M_page_kb_malware, M_page_kb_history,
					      M_page_kb_security };
	int lang = pd__site_lang(m->o), any = 0;
	struct pd_buf x = PD_BUF_INIT;

	md_heading(b, lang, M_page_h_listening);
	for (int k = PD_FACT_USE; k <= PD_FACT_SECURITY; k++) {
		int n = 0;
		for (size_t i = 0; i < m->f.nkb; i++) {
			const struct pd_fact *f = &m->f.kb[i];
			if ((int)f->kind != k)
				continue;
			if (!n++) {
				put_msg(b, lang, heads[k]);
				pd_buf_puts(b, "\n\n");
			}
			pd_buf_puts(b, "- ");
			pd__md_text(b, f->text);
			if (f->first != f->last) {
				pd_buf_putc(b, ' ');
				pd__tr(b, lang, M_page_kb_ports, f->first, f->last);
			}
			pd_buf_printf(b, " [%s](%s)\n", pd__msg(lang, M_page_source), f->source);
			any = 1;
		}
		if (n)
			pd_buf_puts(b, "\n");
	}
	for (int t = 0; t < PD_NPROTO; t++)
		for (size_t i = 0; i < m->f.nsvc[t]; i++)
			if (*m->f.svc[t][i].unauthorized) {
				x.len = 0;
				pd_buf_add(&x, "", 0);
				pd__md_text(&x, m->f.svc[t][i].unauthorized);
				pd__tr(b, lang, M_page_unauth, proto_upper[t], pd_buf_str(&x));
				pd_buf_puts(b, "\n\n");
				any = 1;
			}
	pd_buf_release(&x);
	if (!any) {
		pd__tr(b, lang, M_page_listen_none, m->port);
		pd_buf_puts(b, "\n\n");
	}
	put_msg(b, lang, M_page_listen_how);
	pd_buf_puts(b, "\n\n- ");
	pd__tr(b, lang, M_page_listen_linux, m->port);
	pd_buf_puts(b, "\n- ");
	pd__tr(b, lang, M_page_listen_macos, m->port);
	pd_buf_puts(b, "\n- ");
	pd__tr(b, lang, M_page_listen_windows, m->port);
	pd_buf_puts(b, "\n\n");
}

static void md_use(struct pd_buf *b, const struct pd__page *m)
{
	int lang = pd__site_lang(m->o);
	struct pd_buf x = PD_BUF_INIT;

	md_heading(b, lang, M_page_h_use);
	if (m->f.has_verdict) {
		pd__tr(b, lang, M_page_verdict, verdict_text(lang, m->f.verdict.verdict));
		pd_buf_puts(b, "\n\n");
		/* the checks that found nothing against it on one line (their
		 * reasons are whole in the JSON and in `portdex check`) */
		static const char *const none_rules[] = { "not-blocked", "no-collision", "no-known-use" };
		static const enum pd__msg none_names[] = { M_page_none_browser, M_page_none_collision,
							   M_page_none_knowledge };
		unsigned none = 0;
		for (size_t i = 0; i < m->f.verdict.nreasons; i++) {
			const struct pd_reason *r = &m->f.verdict.reasons[i];
			size_t k = 0;
			while (k < 3 && strcmp(r->rule, none_rules[k]))
				k++;
			if (k < 3 && r->weight == PD_GOOD) {
				none |= 1u << k;
				continue;
			}
			x.len = 0;
			pd_buf_add(&x, "", 0);
			pd__md_text(&x, r->text);
			pd_buf_puts(b, "- ");
			pd__tr(b, lang, M_page_reason, topic_text(lang, r->topic), pd_buf_str(&x));
			pd_buf_puts(b, "\n");
		}
		if (none) {
			size_t n = 0, total = (size_t)__builtin_popcount(none);
			x.len = 0;
			pd_buf_add(&x, "", 0);
			for (size_t k = 0; k < 3; k++)
				if (none & (1u << k)) {
					pd__list_sep(&x, lang, n++, total);
					put_msg(&x, lang, none_names[k]);
				}
			pd_buf_puts(b, "- ");
			pd__tr(b, lang, M_page_none_in, pd_buf_str(&x));
			pd_buf_puts(b, "\n");
		}
		if (m->f.verdict.nreasons)
			pd_buf_puts(b, "\n");
	}
	if (m->f.nsugg) {
		x.len = 0;
		pd_buf_add(&x, "", 0);
		for (size_t i = 0; i < m->f.nsugg; i++) {
			if (i)
				pd_buf_puts(&x, ", ");
			md_link_sibling(&x, m->o, m->f.sugg[i]);
		}
		pd__tr(b, lang, M_page_sugg, pd_buf_str(&x), m->port);
		pd_buf_puts(b, "\n\n");
	}
	pd_buf_release(&x);
}

static void md_related(struct pd_buf *b, const struct pd__page *m)
{
	int lang = pd__site_lang(m->o);
	struct pd_buf x = PD_BUF_INIT, name = PD_BUF_INIT;

	/* the block and the neighbours are in "The neighbourhood" above,
	 * the block's ports on its own page */
	md_heading(b, lang, M_page_h_related);
	for (int t = 0; t < PD_NPROTO; t++) {
		uint32_t idx[64];
		size_t k;
		int shown = 0;
		if (!m->f.nsvc[t] || (t && m->f.nsvc[t - 1] && !strcmp(m->f.svc[t][0].name, m->f.svc[t - 1][0].name)))
			continue;
		x.len = 0;
		pd_buf_add(&x, "", 0);
		k = pd_registry_find_name(m->reg, m->f.svc[t][0].name, idx, 64);
		for (size_t i = 0; i < k && i < 64; i++) {
			struct pd_entry e;
			if (pd_registry_entry(m->reg, idx[i], &e) || !e.has_port ||
			    (e.first <= m->port && m->port <= e.last))
				continue;
			if (shown++)
				pd_buf_puts(&x, ", ");
			md_link_sibling(&x, m->o, e.first);
			pd_buf_printf(&x, "/%s", pd_proto_name(e.proto));
		}
		if (shown) {
			name.len = 0;
			pd_buf_add(&name, "", 0);
			pd__md_code(&name, m->f.svc[t][0].name);
			pd_buf_puts(b, "- ");
			pd__tr(b, lang, M_page_rel_svc, pd_buf_str(&name), pd_buf_str(&x));
			pd_buf_puts(b, "\n");
		}
	}
	x.len = 0;
	pd_buf_add(&x, "", 0);
	for (int d = -2, k = 0; d <= 2; d++) {
		long p = (long)m->port + d;
		if (!d || p < 0 || p > 65535)
			continue;
		pd_buf_puts(&x, k++ ? ", " : "");
		md_link_sibling(&x, m->o, (unsigned)p);
	}
	pd_buf_puts(b, "- ");
	pd__tr(b, lang, M_page_rel_around, pd_buf_str(&x));
	pd_buf_puts(b, "\n\n");
	pd_buf_release(&x);
	pd_buf_release(&name);
}

static void md_faq(struct pd_buf *b, const struct pd__page *m)
{
	md_heading(b, pd__site_lang(m->o), M_page_h_faq);
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
	pd_buf_puts(head, "# ");
	pd__tr(head, pd__site_lang(m->o), M_page_title, m->port);
	pd_buf_puts(head, "\n\n");
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

/* "Did this page answer your question?": plain form POSTs that work without
 * JavaScript. First a vote; then, on the page the vote leads back to (or
 * at once, with JavaScript), why: a reason and an optional comment, which
 * the server keeps with that reader's vote. With JavaScript, the forms are
 * sent in the background and the counts update in place. */
static void feedback_form(struct pd_buf *b, const struct pd_site_opts *o, unsigned port)
{
	static const struct { const char *id; enum pd__msg msg; } reasons[] = {
		{ "outdated", M_page_fb_outdated }, { "wrong", M_page_fb_wrong }, { "missing", M_page_fb_missing },
		{ "hard-to-read", M_page_fb_hard },
	};
	int lang = pd__site_lang(o);
	struct pd_buf x = PD_BUF_INIT, y = PD_BUF_INIT;

	/* the script's own words (feedback.js), from the catalogue */
	pd_buf_puts(b, "<section class=\"feedback\" id=\"feedback\" data-error=\"");
	pd_buf_html(b, pd__msg(lang, M_page_fb_js_error));
	pd_buf_puts(b, "\" data-thanks=\"");
	pd_buf_html(b, pd__msg(lang, M_page_fb_js_thanks));
	pd_buf_puts(b, "\" data-thanks-why=\"");
	pd_buf_html(b, pd__msg(lang, M_page_fb_js_thanks_why));
	pd_buf_puts(b, "\"><h2>");
	put_msg(b, lang, M_page_fb_title);
	pd_buf_printf(b, "</h2><form class=\"vote\" method=\"post\" action=\"%sport/%u/feedback\">"
			 "<button type=\"submit\" name=\"vote\" value=\"yes\">", o->root, port);
	put_msg(b, lang, M_page_fb_yes);
	pd_buf_puts(b, "</button><button type=\"submit\" name=\"vote\" value=\"no\">");
	put_msg(b, lang, M_page_fb_no);
	pd_buf_puts(b, "</button></form><p class=\"votes\" aria-live=\"polite\">");
	pd_buf_puts(&x, "<span class=\"yes\">");
	pd__num(&x, lang, o->votes_yes);
	pd_buf_puts(&x, "</span>");
	pd_buf_puts(&y, "<span class=\"no\">");
	pd__num(&y, lang, o->votes_no);
	pd_buf_puts(&y, "</span>");
	pd__tr(b, lang, M_page_fb_votes, pd_buf_str(&x), pd_buf_str(&y));
	pd_buf_puts(b, "</p>");
	if (o->feedback_note) {
		pd_buf_puts(b, "<p class=\"note\">");
		pd_buf_html(b, o->feedback_note);
		pd_buf_puts(b, "</p>");
	}
	pd_buf_printf(b, "<form class=\"why\" method=\"post\" action=\"%sport/%u/feedback\"%s>"
			 "<fieldset><legend>",
		      o->root, port, o->feedback_flags & PD_FEEDBACK_ASK_WHY ? "" : " hidden");
	put_msg(b, lang, M_page_fb_why);
	pd_buf_puts(b, "</legend>");
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		pd_buf_printf(b, "<label><input type=\"radio\" name=\"reason\" value=\"%s\"> ", reasons[i].id);
		pd_buf_html(b, pd__msg(lang, reasons[i].msg));
		pd_buf_puts(b, "</label>");
	}
	pd_buf_puts(b, "</fieldset><label for=\"fb-comment\">");
	put_msg(b, lang, M_page_fb_comment);
	pd_buf_puts(b, "</label><textarea id=\"fb-comment\" name=\"comment\" maxlength=\"500\"></textarea>"
		       "<p class=\"published\">");
	if (o->feedback_flags & PD_FEEDBACK_PUBLISHED) {
		x.len = 0;
		pd_buf_add(&x, "", 0);
		pd_buf_printf(&x, "<code>/api/v1/ports/%u/feedback</code>", port);
		pd__tr(b, lang, M_page_fb_published, pd_buf_str(&x));
	} else {
		put_msg(b, lang, M_page_fb_private);
	}
	pd_buf_puts(b, "</p><button type=\"submit\">");
	put_msg(b, lang, M_page_fb_send);
	pd_buf_puts(b, "</button></form>");
	pd_buf_puts(b, "<script>");
	pd_buf_puts(b, pd__asset_feedback_js);
	pd_buf_puts(b, "</script></section>");
	pd_buf_release(&x);
	pd_buf_release(&y);
}

/* Text of the registry (IANA's words, in English) in HTML: marked as
 * English on a page of another language */
static void html_iana(struct pd_buf *b, int lang, const char *s)
{
	if (lang != PD_LANG_EN)
		pd_buf_puts(b, "<span lang=\"en\">");
	pd_buf_html(b, s);
	if (lang != PD_LANG_EN)
		pd_buf_puts(b, "</span>");
}

/* The box at the top of a port's page that answers at a glance: status
 * per transport, service names, range, block, verdict and common use. */
static void glance(struct pd_buf *b, const struct pd__page *m)
{
	const struct pd_site_opts *o = m->o;
	int lang = pd__site_lang(o);
	char root[PD__ROOT_MAX], n[PD__NUM_MAX], date[64];
	struct pd_buf x = PD_BUF_INIT, y = PD_BUF_INIT;
	size_t names = 0;

	pd_buf_puts(b, "<section class=\"glance\" aria-labelledby=\"glance-h\"><h2 id=\"glance-h\">");
	put_msg(b, lang, M_page_gl_title);
	pd_buf_puts(b, "</h2><dl><dt>");
	put_msg(b, lang, M_page_gl_status);
	pd_buf_puts(b, "</dt><dd><ul class=\"st\">");
	/* one item per status, naming its transports: "TCP and UDP assigned" */
	for (int t = 0, done = 0; t < PD_NPROTO; t++) {
		unsigned mask = mask_of(m, m->f.st[t]);
		if (done & (1 << t))
			continue;
		done |= (int)mask;
		pd_buf_printf(b, "<li class=\"st-%s\">", pd_status_name(m->f.st[t]));
		proto_list(b, lang, mask);
		pd_buf_puts(b, " <strong>");
		pd_buf_html(b, pd__status_text(lang, m->f.st[t]));
		pd_buf_puts(b, "</strong></li>");
	}
	pd_buf_puts(b, "</ul></dd><dt>");
	put_msg(b, lang, M_page_gl_service);
	pd_buf_puts(b, "</dt><dd>");
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
		put_msg(b, lang, M_page_gl_none_registered);
	pd_buf_puts(b, "</dd><dt>");
	put_msg(b, lang, M_page_gl_range);
	pd_buf_printf(b, "</dt><dd><a href=\"%s%s%s\">", pd__lroot(o, root), pd_site_page_path(class_page(m->f.cls)),
		      o->ext);
	pd_buf_html(b, pd__class_ports_text(lang, m->f.cls));
	pd_buf_printf(b, "</a>, %u-%u</dd><dt>", m->f.class_first, m->f.class_last);
	put_msg(b, lang, M_page_gl_block);
	pd_buf_puts(b, "</dt><dd>");
	if (m->f.in_block) {
		pd_buf_printf(b, "<a href=\"%sblocks/%u%s\">", root, m->f.blk.first, o->ext);
		pd__tr(&x, lang, M_page_gl_block_link, m->f.blk.first, m->f.blk.last);
		pd_buf_puts(b, pd_buf_str(&x));
		pd_buf_puts(b, "</a> ");
		x.len = 0;
		pd_buf_add(&x, "", 0);
		pd__tr(&x, lang, m->f.blk.size == 1 ? M_page_gl_block_size_one : M_page_gl_block_size,
		       pd__num_str(n, lang, m->f.blk.size));
		pd_buf_puts(b, pd_buf_str(&x));
	} else {
		put_msg(b, lang, M_page_gl_block_none);
	}
	pd_buf_puts(b, "</dd>");
	if (m->f.has_verdict) {
		pd_buf_puts(b, "<dt>");
		put_msg(b, lang, M_page_gl_verdict);
		pd_buf_printf(&y, "<strong class=\"v-%s\">", pd_verdict_name(m->f.verdict.verdict));
		pd_buf_html(&y, verdict_text(lang, m->f.verdict.verdict));
		pd_buf_puts(&y, "</strong>");
		pd_buf_puts(b, "</dt><dd>");
		pd__tr(b, lang, M_page_gl_verdict_for, pd_buf_str(&y));
		pd_buf_puts(b, "</dd>");
	}
	/* the registration's description, then the first use our sources know */
	pd_buf_puts(b, "<dt>");
	put_msg(b, lang, M_page_gl_used);
	pd_buf_puts(b, "</dt><dd>");
	x.len = y.len = 0;
	pd_buf_add(&x, "", 0);
	pd_buf_add(&y, "", 0);
	for (int t = 0; t < PD_NPROTO && !x.len; t++)
		if (m->f.nsvc[t]) {
			const struct pd_entry *e = &m->f.svc[t][0];
			html_iana(&x, lang, *e->description ? e->description : e->name);
		}
	for (size_t i = 0; i < m->f.nkb; i++)
		if (m->f.kb[i].kind == PD_FACT_USE) {
			pd_buf_html(&y, m->f.kb[i].text);
			if (*m->f.kb[i].source) {
				/* the curated fact's provenance, shown */
				pd_buf_puts(&y, " (<a href=\"");
				pd_buf_html(&y, m->f.kb[i].source);
				pd_buf_puts(&y, "\">");
				put_msg(&y, lang, M_page_source);
				pd_buf_puts(&y, "</a>)");
			}
			break;
		}
	if (x.len && y.len)
		pd__tr(b, lang, M_page_gl_registered_and, pd_buf_str(&x), pd_buf_str(&y));
	else if (x.len)
		pd__tr(b, lang, M_page_gl_registered, pd_buf_str(&x));
	else if (y.len)
		pd_buf_puts(b, pd_buf_str(&y));
	else
		put_msg(b, lang, M_page_gl_nothing);
	/* where the facts come from */
	pd_buf_puts(b, "</dd><dt>");
	put_msg(b, lang, M_page_gl_from);
	pd_buf_puts(b, "</dt><dd>");
	/* the registry's file is named under "What the registry says" */
	y.len = 0;
	pd_buf_add(&y, "", 0);
	pd_buf_html(&y, *pd_registry_updated(m->reg) ? pd__date_str(date, sizeof(date), lang, pd_registry_updated(m->reg))
						     : pd__msg(lang, M_page_unknown));
	pd__tr(b, lang, M_page_gl_facts_from, pd_buf_str(&y));
	pd_buf_puts(b, "</dd></dl></section>");
	pd_buf_release(&x);
	pd_buf_release(&y);
}

/* One format of an already gathered page. */
static int render_one(const struct pd__page *m, enum pd_format f, struct pd_buf *out)
{
	const struct pd_site_opts *o = m->o;
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT, fig = PD_BUF_INIT, title = PD_BUF_INIT,
		      after = PD_BUF_INIT, x = PD_BUF_INIT;
	unsigned port = m->port;
	int lang = pd__site_lang(o), rc;
	char root[PD__ROOT_MAX], path[16];

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
			rc = pd__map_svg(m->reg, port, PD_MAP_FULL, lang, NULL, &fig);
		} else {
			/* the window's map is a file of its own, shared by its 1,024
			 * pages, with a link per port: an <object>, not an <img>;
			 * its titles and links are in the page's language */
			pd__tr(&x, lang, M_page_map_label, w0, w0 + 1023);
			pd_buf_printf(&fig, "<div class=\"mapbox\"><object data=\"%smaps/%u.svg\" type=\"image/svg+xml\" "
					    "width=\"%d\" height=\"%d\" aria-label=\"", pd__lroot(o, root), port / 1024,
				      PD__MAP_W, PD__MAP_H);
			pd_buf_html(&fig, pd_buf_str(&x));
			pd_buf_puts(&fig, "\"></object>");
			rc = pd_map_svg(m->reg, port, PD_MAP_OVERLAY, &fig);
			pd_buf_puts(&fig, "</div>");
		}
		if (rc)
			goto out;
		x.len = 0;
		pd_buf_add(&x, "", 0);
		if (m->f.in_block)
			pd__tr(&x, lang, M_page_map_caption_block, w0, w0 + 1023, port, m->f.blk.first, m->f.blk.last);
		else
			pd__tr(&x, lang, M_page_map_caption, w0, w0 + 1023, port);
		if (!o->inline_map) {
			pd_buf_putc(&x, ' ');
			put_msg(&x, lang, M_page_map_links);
		}
		pd_buf_puts(&fig, "<figcaption>");
		pd_buf_puts(&fig, pd_buf_str(&x));
		pd_buf_puts(&fig, "</figcaption></figure>");
		if (o->feedback)
			feedback_form(&after, o, port);
	}
	if (first_service(m))
		pd__tr(&title, lang, M_page_title_svc, port, first_service(m));
	else
		pd__tr(&title, lang, M_page_title_status, port, pd__status_text(lang, m->f.overall));
	snprintf(path, sizeof(path), "port/%u", port);
	rc = pd__render_at(path, pd_buf_str(&title), pd_buf_str(&head), fig.len ? fig.s : NULL, pd_buf_str(&body),
			   after.len ? after.s : NULL, f, o, out);
out:
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&fig);
	pd_buf_release(&title);
	pd_buf_release(&after);
	pd_buf_release(&x);
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
