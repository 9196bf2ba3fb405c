/* site.c: the pages that are not about one port: home, the range
 * classes, the largest blocks and the common ports, in the language of
 * their options (data/i18n/: the site_ and block_ messages) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "search.h"
#include "check.h"

static const char *const paths[PD_SITE_COUNT] = {
	"index", "ranges/system", "ranges/user", "ranges/dynamic", "blocks", "common", "search",
};

/* t emptied, for the next argument of a message */
static struct pd_buf *empty(struct pd_buf *t)
{
	t->len = 0;
	pd_buf_add(t, "", 0);
	return t;
}

/* The Markdown link to port p into t (emptied): its text */
static const char *port_link(struct pd_buf *t, const struct pd_site_opts *o, unsigned p)
{
	pd__md_link_port(empty(t), o, p);
	return pd_buf_str(t);
}

/* The address of a page of the site (a path of paths[]) in o's language */
static const char *page_url(struct pd_buf *t, const struct pd_site_opts *o, const char *path)
{
	char root[PD__ROOT_MAX];

	pd_buf_printf(empty(t), "%s%s%s", pd__lroot(o, root), path, o->ext);
	return pd_buf_str(t);
}

/* Text of the catalogue into HTML: the few characters that would be markup
 * escaped (not the apostrophe: the English pages always had it as it is) */
static void html_msg(struct pd_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': pd_buf_puts(b, "&amp;"); break;
		case '<': pd_buf_puts(b, "&lt;"); break;
		case '>': pd_buf_puts(b, "&gt;"); break;
		case '"': pd_buf_puts(b, "&quot;"); break;
		default: pd_buf_putc(b, *s); break;
		}
	}
}

/* A message with its arguments into HTML text (html_msg) */
static void html_tr(struct pd_buf *b, int lang, enum pd__msg id, ...)
{
	va_list ap;

	va_start(ap, id);
	pd__vtr_with(b, html_msg, lang, id, ap);
	va_end(ap);
}

/* The same into an attribute: everything escaped */
static void attr_msg(struct pd_buf *b, int lang, enum pd__msg id)
{
	pd_buf_html(b, pd__msg(lang, id));
}

static const enum pd__msg class_title[3] = { M_site_title_system, M_site_title_user, M_site_title_dynamic };
static const enum pd__msg class_word[3] = { M_site_cls_system, M_site_cls_user, M_site_cls_dynamic };



/* A purpose with its first letter as a capital (ASCII, and the Latin-1
 * letters of UTF-8: é, à ...), the rest Markdown-escaped when md (as the
 * home page always had it; the common ports page's headings as they are) */
static void capital(struct pd_buf *b, const char *text, int md)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t n = 0;

	if (u[0] >= 'a' && u[0] <= 'z') {
		pd_buf_putc(b, (char)(u[0] - 32));
		n = 1;
	} else if (u[0] == 0xc3 && u[1] >= 0xa0 && u[1] <= 0xbe && u[1] != 0xb7) {
		pd_buf_putc(b, (char)0xc3);
		pd_buf_putc(b, (char)(u[1] - 0x20));
		n = 2;
	} else if (u[0]) {
		/* as it is: its whole UTF-8 sequence */
		n = u[0] < 0x80 ? 1 : (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : 4;
		for (size_t i = 1; i < n; i++)
			if (!u[i])
				n = i;
		pd_buf_add(b, text, n);
	}
	if (md)
		pd__md_text(b, text + n);
	else
		pd_buf_puts(b, text + n);
}

/* The static search page: the index is searched in the browser
 * (data/site/search.js), loaded as a script where the export wrote one
 * (search-index.js, which works from file:// too), else fetched; a port
 * number goes straight to its page. The list of results carries the
 * site's root (the index), the root of the pages of the page's language,
 * the page extension and the words the script shows. */
static void search_script(struct pd_buf *b, const struct pd_site_opts *o)
{
	static const struct { const char *attr; enum pd__msg msg; } words[] = {
		{ "none", M_site_search_none }, { "hit", M_site_search_hit }, { "near", M_site_why_near }, { "product", M_site_why_product },
		{ "product-term", M_site_why_product_term }, { "iana", M_site_why_iana },
		{ "iana-desc", M_site_why_iana_desc }, { "use", M_site_why_use }, { "malware", M_site_why_malware },
	};
	char root[PD__ROOT_MAX];
	int lang = pd__site_lang(o);

	pd_buf_puts(b, "<ol id=\"results\" data-root=\"");
	pd_buf_html(b, o->root);
	pd_buf_puts(b, "\" data-lroot=\"");
	pd_buf_html(b, pd__lroot(o, root));
	pd_buf_puts(b, "\" data-ext=\"");
	pd_buf_html(b, o->ext);
	pd_buf_putc(b, '"');
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		pd_buf_printf(b, " data-w-%s=\"", words[i].attr);
		attr_msg(b, lang, words[i].msg);
		pd_buf_putc(b, '"');
	}
	pd_buf_puts(b, "></ol><noscript><p>");
	html_tr(b, lang, M_site_search_noscript);
	pd_buf_puts(b, "</p></noscript>");
	if (o->link_assets) { /* the static export: its index as a script (search-index.js) */
		pd_buf_puts(b, "<script src=\"");
		pd_buf_html(b, o->root);
		pd_buf_puts(b, "search-index.js\"></script>");
	}
	pd__asset_script(b, o, "search.js", pd__asset_search_js);
}

const char *pd_site_page_path(enum pd_site_page p)
{
	return (unsigned)p < PD_SITE_COUNT ? paths[p] : "index";
}

struct counts {
	unsigned ports[3][3];          /* [class][status] over all transports */
	unsigned per[3][PD_NPROTO][3]; /* [class][transport][status] */
};

static void count(const struct pd_registry *reg, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned p = 0; p < 65536; p++) {
		enum pd_class k = pd_port_class(p);
		for (int t = 0; t < PD_NPROTO; t++)
			c->per[k][t][pd_registry_status(reg, p, t)]++;
		c->ports[k][pd_registry_port_status(reg, p)]++;
	}
}

static int cmp_block(const void *x, const void *y)
{
	const struct pd_block *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

/* The largest blocks of a class (or of all classes: cls < 0), as a list. */
static void largest_blocks(const struct pd_registry *reg, const struct pd_site_opts *o, int cls,
			   size_t max, struct pd_buf *b)
{
	size_t n = pd_registry_block_count(reg), k = 0;
	struct pd_block *v = calloc(n + 1, sizeof(*v));
	struct pd_buf link = PD_BUF_INIT;
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX];
	int lang = pd__site_lang(o);

	if (!v) {
		b->err = PD_ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!pd_registry_block_at(reg, i, &v[k]) && (cls < 0 || (int)v[k].cls == cls))
			k++;
	qsort(v, k, sizeof(*v), cmp_block);
	for (size_t i = 0; i < k && i < max; i++) {
		pd_buf_printf(empty(&link), "[%u-%u](%sblocks/%u%s)", v[i].first, v[i].last, pd__lroot(o, root),
			      v[i].first, o->ext);
		pd_buf_printf(b, "%zu. ", i + 1);
		if (cls < 0)
			pd__tr(b, lang, M_site_block_item_rank, pd_buf_str(&link), pd__num_str(n1, lang, v[i].size),
			       pd__msg(lang, class_word[v[i].cls]), pd__num_str(n2, lang, v[i].rank),
			       pd__num_str(n3, lang, v[i].of));
		else
			pd__tr(b, lang, M_site_block_item, pd_buf_str(&link), pd__num_str(n1, lang, v[i].size),
			       pd__msg(lang, class_word[v[i].cls]));
		pd_buf_puts(b, "\n");
	}
	pd_buf_puts(b, "\n");
	if (link.err && !b->err)
		b->err = link.err;
	pd_buf_release(&link);
	free(v);
}

static void class_page(const struct pd_registry *reg, const struct pd_site_opts *o, enum pd_class k,
		       const struct counts *c, struct pd_buf *head, struct pd_buf *body)
{
	static const enum pd__msg about[3] = { M_site_about_system, M_site_about_user, M_site_about_dynamic };
	static const enum pd__msg procedure[3] = { M_site_procedure_system, M_site_procedure_user,
						   M_site_procedure_dynamic };
	int lang = pd__site_lang(o);
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX], n4[PD__NUM_MAX];
	const char *lr = pd__lroot(o, root);
	unsigned f, l;

	pd_class_bounds(k, &f, &l);
	pd__tr(head, lang, M_site_class_h1, pd__msg(lang, class_title[k]), f, l);
	pd_buf_puts(head, "\n\n");
	pd__tr(head, lang, about[k]);
	pd_buf_puts(head, "\n");
	pd_buf_printf(body, "## %s\n\n%s\n\n", pd__msg(lang, M_site_h_assigned_how), pd__msg(lang, procedure[k]));
	pd_buf_printf(body, "## %s\n\n", pd__msg(lang, M_site_h_in_registry));
	pd__tr(body, lang, M_site_class_counts, pd__num_str(n1, lang, l - f + 1), pd__num_str(n2, lang, c->ports[k][PD_ASSIGNED]),
	       pd__num_str(n3, lang, c->ports[k][PD_RESERVED]), pd__num_str(n4, lang, c->ports[k][PD_UNASSIGNED]));
	pd_buf_puts(body, "\n\n");
	for (int t = 0; t < PD_NPROTO; t++) {
		pd_buf_puts(body, "- ");
		pd__tr(body, lang, M_site_class_proto_counts, pd_proto_name(t),
		       pd__num_str(n1, lang, c->per[k][t][PD_ASSIGNED]), pd__num_str(n2, lang, c->per[k][t][PD_RESERVED]),
		       pd__num_str(n3, lang, c->per[k][t][PD_UNASSIGNED]));
		pd_buf_puts(body, "\n");
	}
	pd_buf_puts(body, "\n");
	pd__md_registry_lang(body, reg, lang);
	pd_buf_puts(body, "\n\n");
	pd_buf_printf(body, "## %s\n\n", pd__msg(lang, M_site_h_largest));
	largest_blocks(reg, o, k, 20, body);
	pd_buf_printf(body, "## %s\n\n%s\n\n", pd__msg(lang, M_site_h_maps), pd__msg(lang, M_site_maps_intro));
	for (unsigned w = f / 1024; w <= l / 1024; w++) {
		pd_buf_printf(body, "%s[%u-%u](%sport/%u%s)", w == f / 1024 ? "" : ", ", w * 1024, w * 1024 + 1023,
			      lr, w * 1024 > f ? w * 1024 : f, o->ext);
	}
	pd_buf_puts(body, "\n");
}

/* The names people know a port by (data/products.tsv, the lines of
 * first-last), into names: "RDP (Microsoft Remote Desktop)" for one,
 * "Tomcat, Jenkins, ..." for several, each once; 1 when there was one */
static int known_names(struct pd_buf *names, unsigned first, unsigned last)
{
	const struct pd__products *p;
	const struct pd__product *one = NULL;
	size_t n = 0;

	if (pd__products_shared(&p))
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct pd__product *a = &p->v[i];
		int seen = 0;
		if (a->first != first || a->last != last)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = p->v[j].first == first && p->v[j].last == last && !strcmp(p->v[j].names[0], a->names[0]);
		if (seen)
			continue;
		pd_buf_puts(names, n++ ? ", " : "");
		pd__md_text(names, a->names[0]);
		one = a;
	}
	if (n == 1 && strncmp(one->what, one->names[0], strlen(one->names[0]))) {
		pd_buf_puts(names, " (");
		pd__md_text(names, one->what);
		pd_buf_putc(names, ')');
	}
	return n > 0;
}

/* A line of the common ports page for the purpose fact f: its port, the
 * names people know it by, its IANA service or else its use */
static void common_line(const struct pd_registry *reg, const struct pd_site_opts *o, const struct pd_fact *f,
			struct pd_buf *body)
{
	struct pd_buf link = PD_BUF_INIT, names = PD_BUF_INIT, name = PD_BUF_INIT, desc = PD_BUF_INIT;
	int lang = pd__site_lang(o), named, iana = 0;
	uint32_t idx[4];
	struct pd_entry e;

	pd__md_link_port(&link, o, f->first);
	if (f->last != f->first)
		pd_buf_printf(&link, "-%u", f->last);
	pd_buf_add(&names, "", 0);
	named = known_names(&names, f->first, f->last);
	for (int t = 0; t < PD_NPROTO && !iana; t++) {
		size_t k = pd_registry_lookup(reg, f->first, t, idx, 4);
		for (size_t j = 0; j < k && j < 4 && !iana; j++)
			if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED) {
				pd__md_code(&name, e.name);
				pd__md_text(&desc, e.description);
				pd_buf_add(&desc, "", 0);
				iana = 1;
			}
	}
	pd_buf_puts(body, "- ");
	if (iana && named) {
		pd__tr(body, lang, M_site_common_names_iana, pd_buf_str(&link), pd_buf_str(&names), pd_buf_str(&name),
		       pd_buf_str(&desc));
	} else if (iana) {
		pd__tr(body, lang, M_site_common_iana, pd_buf_str(&link), pd_buf_str(&name), pd_buf_str(&desc));
	} else if (named) {
		pd__tr(body, lang, M_site_common_names, pd_buf_str(&link), pd_buf_str(&names));
	} else {
		struct pd_fact uses[8];
		size_t k = pd__facts_lang(f->first, lang, uses, 8);
		int used = 0;
		for (size_t j = 0; j < k && j < 8 && !used; j++)
			if (uses[j].kind == PD_FACT_USE) {
				pd__md_text(&desc, uses[j].text);
				pd__tr(body, lang, M_site_common_use, pd_buf_str(&link), pd_buf_str(&desc));
				used = 1;
			}
		if (!used)
			pd_buf_puts(body, pd_buf_str(&link));
	}
	pd_buf_puts(body, "\n");
	if (!body->err)
		body->err = link.err ? link.err : names.err ? names.err : name.err ? name.err : desc.err;
	pd_buf_release(&link);
	pd_buf_release(&names);
	pd_buf_release(&name);
	pd_buf_release(&desc);
}

/* The purposes of the knowledge base (facts of kind purpose), each once in
 * file order: the position of its first fact into first[], how many; the
 * facts are grouped by their English text, shown in the page's language */
#define MAX_PURPOSES 64
static size_t purposes(size_t *first)
{
	struct pd_fact f, g;
	size_t n = 0;

	for (size_t i = 0; !pd_fact_at(i, &f); i++) {
		int seen = 0;
		if (f.kind != PD_FACT_PURPOSE)
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !pd_fact_at(first[j], &g) && !strcmp(g.text, f.text);
		if (!seen && n < MAX_PURPOSES)
			first[n++] = i;
	}
	return n;
}

/* 1 if fact i is a purpose fact of the group whose first fact is at g */
static int in_group(size_t i, size_t g, struct pd_fact *f)
{
	struct pd_fact h;

	return !pd_fact_at(i, f) && f->kind == PD_FACT_PURPOSE && !pd_fact_at(g, &h) && !strcmp(f->text, h.text);
}

/* The common ports page: ports that have a "purpose" fact, by purpose, with
 * the names people know them by. */
static void common_page(const struct pd_registry *reg, const struct pd_site_opts *o, struct pd_buf *head,
			struct pd_buf *body)
{
	size_t first[MAX_PURPOSES], n = purposes(first);
	int lang = pd__site_lang(o);
	struct pd_fact f;

	pd_buf_printf(head, "%s\n\n%s\n", pd__msg(lang, M_site_common_h1), pd__msg(lang, M_site_common_intro));
	for (size_t g = 0; g < n; g++) {
		if (pd__fact_at_lang(first[g], lang, &f))
			continue;
		pd_buf_puts(body, "## ");
		capital(body, f.text, 0);
		pd_buf_puts(body, "\n\n");
		for (size_t i = first[g]; !pd_fact_at(i, &f); i++)
			if (in_group(i, first[g], &f))
				common_line(reg, o, &f, body);
		pd_buf_puts(body, "\n");
	}
}

/* The home page's search box and its three ranges, as HTML (between the
 * introduction and the rest) */
static void home_top(const struct pd_site_opts *o, const struct counts *c, struct pd_buf *b)
{
	static const enum pd__msg about[3] = { M_site_home_about_system, M_site_home_about_user,
					       M_site_home_about_dynamic };
	int lang = pd__site_lang(o);
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX];
	const char *lr = pd__lroot(o, root);

	pd_buf_puts(b, "<form class=\"bigsearch\" role=\"search\" aria-label=\"");
	attr_msg(b, lang, M_site_home_form_label);
	pd_buf_printf(b, "\" action=\"%s%s\" method=\"get\"><label for=\"home-q\">", lr, *o->ext ? "search.html" : "search");
	html_tr(b, lang, M_site_home_q_label);
	pd_buf_puts(b, "</label><div><input id=\"home-q\" name=\"q\" type=\"search\" placeholder=\"");
	attr_msg(b, lang, M_site_home_q_placeholder);
	pd_buf_puts(b, "\"><button>");
	html_tr(b, lang, M_site_home_q_button);
	pd_buf_puts(b, "</button></div></form><p>");
	html_tr(b, lang, M_site_home_intro);
	pd_buf_puts(b, "</p><h2>");
	html_tr(b, lang, M_site_h_ranges);
	pd_buf_puts(b, "</h2><ul class=\"ranges\">");
	for (int k = 0; k < 3; k++) {
		unsigned a, z;
		pd_class_bounds((enum pd_class)k, &a, &z);
		pd_buf_printf(b, "<li><a href=\"%s%s%s\"><strong>", lr, paths[PD_SITE_SYSTEM + k], o->ext);
		html_tr(b, lang, class_title[k]);
		pd_buf_printf(b, "</strong> %u-%u</a><br>", a, z);
		html_tr(b, lang, about[k]);
		pd_buf_puts(b, "<br>");
		html_tr(b, lang, M_site_home_range_counts, pd__num_str(n1, lang, c->ports[k][PD_ASSIGNED]),
			pd__num_str(n2, lang, c->ports[k][PD_RESERVED]), pd__num_str(n3, lang, c->ports[k][PD_UNASSIGNED]));
		pd_buf_puts(b, "</li>");
	}
	pd_buf_puts(b, "</ul>");
}

/* Common ports by purpose, a line each: the first few of every purpose */
static void home_common(const struct pd_site_opts *o, struct pd_buf *body)
{
	size_t first[MAX_PURPOSES], n = purposes(first);
	int lang = pd__site_lang(o);
	struct pd_buf name = PD_BUF_INIT, links = PD_BUF_INIT, url = PD_BUF_INIT;
	struct pd_fact f;

	pd_buf_printf(body, "## %s\n\n", pd__msg(lang, M_site_h_common_by_purpose));
	for (size_t g = 0; g < n; g++) {
		int k = 0;
		if (pd__fact_at_lang(first[g], lang, &f))
			continue;
		capital(empty(&name), f.text, 1);
		empty(&links);
		for (size_t j = first[g]; k < 6 && !pd_fact_at(j, &f); j++)
			if (in_group(j, first[g], &f)) {
				pd_buf_puts(&links, k++ ? ", " : "");
				pd__md_link_port(&links, o, f.first);
			}
		pd_buf_puts(body, "- ");
		pd__tr(body, lang, M_site_home_common_item, pd_buf_str(&name), pd_buf_str(&links));
		pd_buf_puts(body, "\n");
	}
	if (n)
		pd_buf_puts(body, "\n");
	pd__tr(body, lang, M_site_home_common_all, page_url(&url, o, paths[PD_SITE_COMMON]));
	pd_buf_puts(body, "\n\n");
	if (!body->err)
		body->err = name.err ? name.err : links.err ? links.err : url.err;
	pd_buf_release(&name);
	pd_buf_release(&links);
	pd_buf_release(&url);
}

/* The most recent registrations and changes of the registry: records by
 * their latest date (registered or modified), once per name and port */
#define RECENT 10
static void home_recent(const struct pd_registry *reg, const struct pd_site_opts *o, struct pd_buf *body)
{
	struct pd_entry top[RECENT], e;
	size_t n = pd_registry_count(reg), k = 0;
	int lang = pd__site_lang(o);
	struct pd_buf date = PD_BUF_INIT, link = PD_BUF_INIT, name = PD_BUF_INIT, desc = PD_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const char *d;
		size_t at;
		int dup = 0;
		if (pd_registry_entry(reg, i, &e) || !e.has_port || e.status != PD_ASSIGNED)
			continue;
		d = strcmp(e.modified, e.registered) > 0 ? e.modified : e.registered;
		if (!*d)
			continue;
		for (size_t j = 0; j < k && !dup; j++)
			dup = top[j].first == e.first && !strcmp(top[j].name, e.name);
		if (dup)
			continue;
		/* kept sorted, latest first */
		for (at = k; at > 0; at--) {
			const struct pd_entry *t = &top[at - 1];
			if (strcmp(strcmp(t->modified, t->registered) > 0 ? t->modified : t->registered, d) >= 0)
				break;
		}
		if (at >= RECENT)
			continue;
		if (k < RECENT)
			k++;
		memmove(&top[at + 1], &top[at], (k - 1 - at) * sizeof(top[0]));
		top[at] = e;
	}
	pd_buf_printf(body, "## %s\n\n", pd__msg(lang, M_site_h_recent));
	for (size_t i = 0; i < k; i++) {
		int modified = strcmp(top[i].modified, top[i].registered) > 0;
		pd__date(empty(&date), lang, modified ? top[i].modified : top[i].registered);
		port_link(&link, o, top[i].first);
		if (top[i].last != top[i].first)
			pd_buf_printf(&link, "-%u", top[i].last);
		if (top[i].proto != PD_PROTO_ANY)
			pd_buf_printf(&link, "/%s", pd_proto_name(top[i].proto));
		pd__md_code(empty(&name), top[i].name);
		pd_buf_puts(body, "- ");
		if (*top[i].description) {
			pd__md_text(empty(&desc), top[i].description);
			pd__tr(body, lang, modified ? M_site_recent_modified_desc : M_site_recent_registered_desc,
			       pd_buf_str(&date), pd_buf_str(&link), pd_buf_str(&name), pd_buf_str(&desc));
		} else {
			pd__tr(body, lang, modified ? M_site_recent_modified : M_site_recent_registered, pd_buf_str(&date),
			       pd_buf_str(&link), pd_buf_str(&name));
		}
		pd_buf_puts(body, "\n");
	}
	pd_buf_puts(body, "\n");
	if (!body->err)
		body->err = date.err ? date.err : link.err ? link.err : name.err ? name.err : desc.err;
	pd_buf_release(&date);
	pd_buf_release(&link);
	pd_buf_release(&name);
	pd_buf_release(&desc);
}

/* An ordinal as lang writes it ("2nd", "2e", "ke-2") into t (emptied) */
static const char *ordinal(struct pd_buf *t, int lang, unsigned n)
{
	enum pd__msg id = n % 100 / 10 == 1 ? M_block_ord_th : n % 10 == 1 ? M_block_ord_st
			  : n % 10 == 2 ? M_block_ord_nd : n % 10 == 3 ? M_block_ord_rd : M_block_ord_th;

	pd__tr(empty(t), lang, id, n);
	return pd_buf_str(t);
}

int pd_block_page(const struct pd_registry *reg, unsigned first, enum pd_format f, const struct pd_site_opts *o,
		  struct pd_buf *out)
{
	static const enum pd__msg advice[3] = { M_block_advice_system, M_block_advice_user, M_block_advice_dynamic };
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT, fig = PD_BUF_INIT, title = PD_BUF_INIT;
	struct pd_buf t1 = PD_BUF_INIT, t2 = PD_BUF_INIT, t3 = PD_BUF_INIT;
	struct pd_history hist[PD_HISTORY_MAX];
	struct pd_block blk;
	char root[PD__ROOT_MAX], path[32], n1[PD__NUM_MAX], n2[PD__NUM_MAX];
	size_t nh;
	int rc, lang;

	if (f == PD_FMT_JSON || (unsigned)f > PD_FMT_JSON || first > 65535 || !o || !o->root || !o->ext)
		return PD_EINVAL;
	if (pd_registry_block(reg, first, &blk) || blk.first != first)
		return PD_ENOTFOUND;
	lang = pd__site_lang(o);
	pd__tr(&title, lang, M_block_title, blk.first, blk.last);
	pd__tr(&head, lang, M_block_h1, blk.first, blk.last);
	pd_buf_puts(&head, "\n\n");
	if (blk.rank == 1)
		pd__tr(&head, lang, blk.size == 1 ? M_block_intro_one_top : M_block_intro_top, blk.first, blk.last,
		       pd__num_str(n1, lang, blk.size), pd__num_str(n2, lang, blk.of), pd__class_ports_text(lang, blk.cls));
	else
		pd__tr(&head, lang, blk.size == 1 ? M_block_intro_one_nth : M_block_intro_nth, blk.first, blk.last,
		       pd__num_str(n1, lang, blk.size), pd__num_str(n2, lang, blk.of), pd__class_ports_text(lang, blk.cls),
		       ordinal(&t1, lang, blk.rank));
	pd_buf_puts(&head, "\n");
	if (f == PD_FMT_HTML) {
		unsigned w0 = first / 1024 * 1024;
		pd_buf_printf(&fig, "<figure class=\"map\"><div class=\"mapbox\"><object data=\"%smaps/%u.svg\" "
				    "type=\"image/svg+xml\" width=\"%d\" height=\"%d\" aria-label=\"",
			      pd__lroot(o, root), first / 1024, PD__MAP_W, PD__MAP_H);
		html_tr(&fig, lang, M_map_object_label, w0, w0 + 1023);
		pd_buf_puts(&fig, "\"></object>");
		rc = pd_map_svg(reg, first, PD_MAP_OVERLAY, &fig);
		if (rc)
			goto out;
		pd_buf_puts(&fig, "</div><figcaption>");
		html_tr(&fig, lang, blk.last >= w0 + 1024 ? M_block_caption_past : M_block_caption, w0, w0 + 1023, first);
		pd_buf_puts(&fig, "</figcaption></figure>");
	}
	pd_buf_printf(&body, "## %s\n\n", pd__msg(lang, M_block_h_ports));
	if (blk.size <= 16) {
		for (unsigned p = blk.first; p <= blk.last; p++) {
			pd_buf_puts(&body, p == blk.first ? "" : ", ");
			pd__md_link_port(&body, o, p);
		}
		pd_buf_puts(&body, ".");
	} else {
		pd__tr(&body, lang, M_block_ports_range, port_link(&t1, o, blk.first), port_link(&t2, o, blk.last),
		       pd__num_str(n1, lang, blk.size));
	}
	pd_buf_puts(&body, "\n\n");
	if (blk.first > 0) {
		pd_buf_puts(&body, "- ");
		pd__tr(&body, lang, M_block_below, port_link(&t1, o, blk.first - 1),
		       pd__status_text(lang, pd_registry_port_status(reg, blk.first - 1)));
		pd_buf_puts(&body, "\n");
	}
	if (blk.last < 65535) {
		pd_buf_puts(&body, "- ");
		pd__tr(&body, lang, M_block_above, port_link(&t1, o, blk.last + 1),
		       pd__status_text(lang, pd_registry_port_status(reg, blk.last + 1)));
		pd_buf_puts(&body, "\n");
	}
	pd_buf_printf(&body, "\n## %s\n\n", pd__msg(lang, M_block_h_history));
	nh = pd_registry_history(reg, first, hist, PD_HISTORY_MAX);
	if (!nh)
		pd_buf_printf(&body, "%s\n\n", pd__msg(lang, M_block_no_history));
	pd__md_history(&body, o, lang, hist, nh, pd__md_link_port);
	pd_buf_printf(&body, "\n## %s\n\n%s %s\n\n", pd__msg(lang, M_block_h_advice), pd__msg(lang, advice[blk.cls]),
		      pd__msg(lang, M_block_advice_more));
	pd__md_registry_lang(&body, reg, lang);
	pd_buf_puts(&body, "\n");
	snprintf(path, sizeof(path), "blocks/%u", first);
	rc = head.err ? head.err : body.err ? body.err : fig.err ? fig.err : title.err ? title.err
	   : t1.err ? t1.err : t2.err ? t2.err : t3.err;
	if (!rc)
		rc = pd__render_at(path, pd_buf_str(&title), pd_buf_str(&head), fig.len ? fig.s : NULL,
				   pd_buf_str(&body), NULL, f, o, out);
out:
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&fig);
	pd_buf_release(&title);
	pd_buf_release(&t1);
	pd_buf_release(&t2);
	pd_buf_release(&t3);
	return rc;
}

int pd_site_page(const struct pd_registry *reg, enum pd_site_page p, enum pd_format f,
		 const struct pd_site_opts *o, struct pd_buf *out)
{
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT, t1 = PD_BUF_INIT, t2 = PD_BUF_INIT;
	struct counts c;
	const char *title = "portdex", *path;
	struct pd_buf after = PD_BUF_INIT, top = PD_BUF_INIT;
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX];
	int rc, lang;

	if ((unsigned)p >= PD_SITE_COUNT)
		return PD_EINVAL;
	if (f == PD_FMT_JSON)
		return PD_EINVAL;
	lang = pd__site_lang(o);
	path = p == PD_SITE_HOME ? "" : paths[p];
	count(reg, &c);
	switch (p) {
	case PD_SITE_HOME:
		title = pd__msg(lang, M_site_home_title);
		/* the search box first (HTML), then what the site tells */
		pd_buf_printf(&head, "%s\n", pd__msg(lang, M_site_home_h1));
		if (f == PD_FMT_HTML) {
			home_top(o, &c, &top);
		} else {
			pd_buf_printf(&body, "%s\n\n", pd__msg(lang, M_site_home_intro));
			pd_buf_printf(&body, "## %s\n\n", pd__msg(lang, M_site_h_ranges));
			for (int k = 0; k < 3; k++) {
				unsigned a, b;
				pd_class_bounds((enum pd_class)k, &a, &b);
				pd_buf_puts(&body, "- ");
				pd__tr(&body, lang, M_site_home_range_md, pd__msg(lang, class_title[k]), a, b,
				       page_url(&t1, o, paths[PD_SITE_SYSTEM + k]), pd__num_str(n1, lang, c.ports[k][PD_ASSIGNED]),
				       pd__num_str(n2, lang, c.ports[k][PD_UNASSIGNED]));
				pd_buf_puts(&body, "\n");
			}
			pd_buf_puts(&body, "\n");
		}
		pd_buf_printf(&body, "## %s\n\n", pd__msg(lang, M_site_h_largest));
		largest_blocks(reg, o, -1, 5, &body);
		pd__tr(&body, lang, M_site_home_blocks_more, page_url(&t1, o, paths[PD_SITE_BLOCKS]),
		       port_link(&t2, o, 926));
		pd_buf_puts(&body, "\n\n");
		home_common(o, &body);
		home_recent(reg, o, &body);
		pd__md_registry_lang(&body, reg, lang);
		pd_buf_puts(&body, "\n");
		break;
	case PD_SITE_SYSTEM:
	case PD_SITE_USER:
	case PD_SITE_DYNAMIC:
		title = pd__msg(lang, class_title[p - PD_SITE_SYSTEM]);
		class_page(reg, o, (enum pd_class)(p - PD_SITE_SYSTEM), &c, &head, &body);
		if (f == PD_FMT_HTML) {
			unsigned a, z;
			pd_class_bounds((enum pd_class)(p - PD_SITE_SYSTEM), &a, &z);
			pd_buf_puts(&top, "<figure class=\"map\">");
			if (z - a < 1024) {
				/* one window: its map, each port a link */
				pd_buf_printf(&top, "<div class=\"mapbox\"><object data=\"%smaps/%u.svg\" "
						    "type=\"image/svg+xml\" width=\"%d\" height=\"%d\" aria-label=\"",
					      pd__lroot(o, root), a / 1024, PD__MAP_W, PD__MAP_H);
				html_tr(&top, lang, M_map_object_label, a, z);
				pd_buf_puts(&top, "\"></object></div><figcaption>");
				html_tr(&top, lang, M_map_caption_window, a, z);
				pd_buf_puts(&top, "</figcaption>");
			} else {
				pd__map_range(reg, o, a, z, &top);
				pd_buf_puts(&top, "<figcaption>");
				html_tr(&top, lang, M_map_caption_range, a, z);
				pd_buf_puts(&top, "</figcaption>");
			}
			pd_buf_puts(&top, "</figure>");
		}
		break;
	case PD_SITE_BLOCKS:
		title = pd__msg(lang, M_site_h_largest);
		pd_buf_printf(&head, "# %s\n\n", title);
		pd__tr(&head, lang, M_site_blocks_intro, pd__num_str(n3, lang, pd_registry_block_count(reg)));
		pd_buf_puts(&head, "\n");
		for (int k = 0; k < 3; k++) {
			pd_buf_printf(&body, "## %s\n\n", pd__msg(lang, class_title[k]));
			largest_blocks(reg, o, k, k == 2 ? 5 : 25, &body);
		}
		break;
	case PD_SITE_COMMON:
		title = pd__msg(lang, M_site_common_title);
		common_page(reg, o, &head, &body);
		break;
	case PD_SITE_SEARCH:
		title = pd__msg(lang, M_site_search_title);
		pd_buf_printf(&head, "%s\n\n%s\n", pd__msg(lang, M_site_search_h1), pd__msg(lang, M_site_search_intro));
		search_script(&after, o);
		break;
	default:
		break;
	}
	rc = head.err ? head.err : body.err ? body.err : top.err ? top.err : after.err ? after.err
	   : t1.err ? t1.err : t2.err;
	if (!rc)
		rc = pd__render_at(path, title, pd_buf_str(&head), top.len ? top.s : NULL, pd_buf_str(&body),
				   after.len ? after.s : NULL, f, o, out);
	pd_buf_release(&top);
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&after);
	pd_buf_release(&t1);
	pd_buf_release(&t2);
	return rc;
}
