/* site.c: the pages that are not about one port: home, the range
 * classes, the largest blocks and the common ports */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "search.h"

static const char *const paths[PD_SITE_COUNT] = {
	"index", "ranges/system", "ranges/user", "ranges/dynamic", "blocks", "common", "search",
};

/* The static search page: the index is searched in the browser
 * (data/site/search.js), loaded as a script where the export wrote one
 * (search-index.js, which works from file:// too), else fetched; a port
 * number goes straight to its page. */
static void search_script(struct pd_buf *b, const struct pd_site_opts *o)
{
	pd_buf_puts(b, "<ol id=\"results\" data-root=\"");
	pd_buf_html(b, o->root);
	pd_buf_puts(b, "\" data-ext=\"");
	pd_buf_html(b, o->ext);
	pd_buf_puts(b, "\"></ol><noscript><p>Searching needs JavaScript here; every port has "
		       "its own page at port/N.html.</p></noscript>");
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

	if (!v) {
		b->err = PD_ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!pd_registry_block_at(reg, i, &v[k]) && (cls < 0 || (int)v[k].cls == cls))
			k++;
	qsort(v, k, sizeof(*v), cmp_block);
	for (size_t i = 0; i < k && i < max; i++) {
		pd_buf_printf(b, "%zu. [%u-%u](%sblocks/%u%s): %u ports, %s", i + 1, v[i].first, v[i].last, o->root,
			      v[i].first, o->ext, v[i].size, pd_class_name(v[i].cls));
		if (cls < 0)
			pd_buf_printf(b, " (%u of %u in its class)", v[i].rank, v[i].of);
		pd_buf_puts(b, "\n");
	}
	pd_buf_puts(b, "\n");
	free(v);
}

static void class_page(const struct pd_registry *reg, const struct pd_site_opts *o, enum pd_class k,
		       const struct counts *c, struct pd_buf *head, struct pd_buf *body)
{
	static const char *const titles[3] = { "System ports", "User ports", "Dynamic ports" };
	static const char *const about[3] = {
		"System ports, also called well-known ports, carry the Internet's core protocols. "
		"Unix-like systems let only privileged processes listen on them, so a client can trust "
		"that a service there was started by the machine's administrator.",
		"User ports, also called registered ports, are where most applications are registered. "
		"Anyone may listen on them, and IANA assigns them to services on request.",
		"Dynamic ports, also called private or ephemeral ports, are never assigned. Operating "
		"systems take the local ports of outgoing connections from here, so a service should "
		"not listen on one as its fixed port.",
	};
	unsigned f, l;

	pd_class_bounds(k, &f, &l);
	pd_buf_printf(head, "# %s: %u-%u\n\n%s\n", titles[k], f, l, about[k]);
	pd_buf_printf(body, "## How they are assigned\n\n%s\n\n", pd_class_procedure(k));
	pd_buf_printf(body, "## In the registry\n\nOf the %u ports, %u are assigned on at least one transport, "
			    "%u are reserved and %u are unassigned on every transport.\n\n",
		      l - f + 1, c->ports[k][PD_ASSIGNED], c->ports[k][PD_RESERVED], c->ports[k][PD_UNASSIGNED]);
	for (int t = 0; t < PD_NPROTO; t++)
		pd_buf_printf(body, "- %s: %u assigned, %u reserved, %u unassigned\n", pd_proto_name(t),
			      c->per[k][t][PD_ASSIGNED], c->per[k][t][PD_RESERVED], c->per[k][t][PD_UNASSIGNED]);
	pd_buf_puts(body, "\n");
	pd__md_registry(body, reg);
	pd_buf_puts(body, "\n\n");
	pd_buf_puts(body, "## The largest unassigned blocks\n\n");
	largest_blocks(reg, o, k, 20, body);
	pd_buf_puts(body, "## Maps\n\nEach map shows 1,024 ports:\n\n");
	for (unsigned w = f / 1024; w <= l / 1024; w++) {
		pd_buf_printf(body, "%s[%u-%u](%sport/%u%s)", w == f / 1024 ? "" : ", ", w * 1024, w * 1024 + 1023,
			      o->root, w * 1024 > f ? w * 1024 : f, o->ext);
	}
	pd_buf_puts(body, "\n");
}

/* The names people know a port by (data/products.tsv, the lines of
 * first-last): " RDP (Microsoft Remote Desktop)" for one, " Tomcat,
 * Jenkins, ..." for several, each once; 1 when there was one */
static int known_names(struct pd_buf *body, unsigned first, unsigned last)
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
		pd_buf_puts(body, n++ ? ", " : " ");
		pd__md_text(body, a->names[0]);
		one = a;
	}
	if (n == 1 && strncmp(one->what, one->names[0], strlen(one->names[0]))) {
		pd_buf_puts(body, " (");
		pd__md_text(body, one->what);
		pd_buf_putc(body, ')');
	}
	return n > 0;
}

/* The common ports page: ports that have a "purpose" fact, by purpose, with
 * the names people know them by. */
static void common_page(const struct pd_registry *reg, const struct pd_site_opts *o, struct pd_buf *head,
			struct pd_buf *body)
{
	struct pd_fact f;
	char groups[64][48];
	size_t ngroups = 0;

	pd_buf_puts(head, "# Common ports\n\nThe ports people meet most, grouped by what they are for. "
			  "Each links to its page.\n");
	for (size_t i = 0; !pd_fact_at(i, &f); i++) {
		int seen = 0;
		if (f.kind != PD_FACT_PURPOSE)
			continue;
		for (size_t g = 0; g < ngroups && !seen; g++)
			seen = !strcmp(groups[g], f.text);
		if (!seen && ngroups < 64)
			snprintf(groups[ngroups++], sizeof(groups[0]), "%s", f.text);
	}
	for (size_t g = 0; g < ngroups; g++) {
		pd_buf_printf(body, "## %c%s\n\n", groups[g][0] >= 'a' && groups[g][0] <= 'z' ? groups[g][0] - 32 : groups[g][0],
			      groups[g] + 1);
		for (size_t i = 0; !pd_fact_at(i, &f); i++) {
			uint32_t idx[4];
			struct pd_entry e;
			int named = 0;
			if (f.kind != PD_FACT_PURPOSE || strcmp(f.text, groups[g]))
				continue;
			pd_buf_puts(body, "- ");
			pd__md_link_port(body, o, f.first);
			if (f.last != f.first)
				pd_buf_printf(body, "-%u", f.last);
			named = known_names(body, f.first, f.last);
			for (int t = 0, iana = 0; t < PD_NPROTO && !iana; t++) {
				size_t k = pd_registry_lookup(reg, f.first, t, idx, 4);
				for (size_t j = 0; j < k && j < 4 && !iana; j++)
					if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED) {
						pd_buf_puts(body, named ? "; IANA " : " ");
						pd__md_code(body, e.name);
						pd_buf_puts(body, ": ");
						pd__md_text(body, e.description);
						named = iana = 1;
					}
			}
			if (!named) {
				struct pd_fact uses[8];
				size_t k = pd_facts(f.first, uses, 8);
				for (size_t j = 0; j < k && j < 8 && !named; j++)
					if (uses[j].kind == PD_FACT_USE) {
						pd_buf_puts(body, ": ");
						pd__md_text(body, uses[j].text);
						named = 1;
					}
			}
			pd_buf_puts(body, "\n");
		}
		pd_buf_puts(body, "\n");
	}
}

/* The home page's search box and its three ranges, as HTML (between the
 * introduction and the rest) */
static void home_top(const struct pd_site_opts *o, const struct counts *c, struct pd_buf *b)
{
	static const char *const about[3] = {
		"The Internet's core services; binding one needs privileges on Unix-like systems",
		"Registered for applications on request; anyone may listen on them",
		"Never assigned: the local ports of outgoing connections",
	};

	pd_buf_printf(b, "<form class=\"bigsearch\" role=\"search\" aria-label=\"ports\" action=\"%s%s\" method=\"get\">"
			 "<label for=\"home-q\">A port number, a service name or words of a description</label>"
			 "<div><input id=\"home-q\" name=\"q\" type=\"search\" placeholder=\"926, ssh, printer...\">"
			 "<button>Search</button></div></form>",
		      o->root, *o->ext ? "search.html" : "search");
	pd_buf_puts(b, "<p>What IANA's registry says about each of the 65,536 ports, for TCP, UDP, SCTP and DCCP; "
		       "the block of unassigned ports around it and how it changed; what might be listening on "
		       "it; and whether to use it for a new service.</p><h2>The three ranges</h2><ul class=\"ranges\">");
	for (int k = 0; k < 3; k++) {
		unsigned a, z;
		pd_class_bounds((enum pd_class)k, &a, &z);
		pd_buf_printf(b, "<li><a href=\"%s%s%s\"><strong>%s ports</strong> %u-%u</a><br>%s.<br>"
				 "%u assigned, %u reserved, %u unassigned on every transport.</li>",
			      o->root, paths[PD_SITE_SYSTEM + k], o->ext, k == 0 ? "System" : k == 1 ? "User" : "Dynamic",
			      a, z, about[k], c->ports[k][PD_ASSIGNED], c->ports[k][PD_RESERVED], c->ports[k][PD_UNASSIGNED]);
	}
	pd_buf_puts(b, "</ul>");
}

/* Common ports by purpose, a line each: the first few of every purpose */
static void home_common(const struct pd_site_opts *o, struct pd_buf *body)
{
	struct pd_fact f, g;
	size_t shown = 0;

	pd_buf_printf(body, "## Common ports by purpose\n\n");
	for (size_t i = 0; !pd_fact_at(i, &f); i++) {
		int seen = 0, n = 0;
		if (f.kind != PD_FACT_PURPOSE)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !pd_fact_at(j, &g) && g.kind == PD_FACT_PURPOSE && !strcmp(g.text, f.text);
		if (seen)
			continue;
		pd_buf_printf(body, "- **%c", f.text[0] >= 'a' && f.text[0] <= 'z' ? f.text[0] - 32 : f.text[0]);
		pd__md_text(body, f.text + 1);
		pd_buf_puts(body, "**: ");
		for (size_t j = i; !pd_fact_at(j, &g) && n < 6; j++)
			if (g.kind == PD_FACT_PURPOSE && !strcmp(g.text, f.text)) {
				pd_buf_puts(body, n++ ? ", " : "");
				pd__md_link_port(body, o, g.first);
			}
		pd_buf_puts(body, "\n");
		shown++;
	}
	pd_buf_printf(body, "%s[All common ports](%scommon%s)\n\n", shown ? "\n" : "", o->root, o->ext);
}

/* The most recent registrations and changes of the registry: records by
 * their latest date (registered or modified), once per name and port */
#define RECENT 10
static void home_recent(const struct pd_registry *reg, const struct pd_site_opts *o, struct pd_buf *body)
{
	struct pd_entry top[RECENT], e;
	size_t n = pd_registry_count(reg), k = 0;

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
	pd_buf_puts(body, "## What changed lately in the registry\n\n");
	for (size_t i = 0; i < k; i++) {
		int modified = strcmp(top[i].modified, top[i].registered) > 0;
		pd_buf_printf(body, "- %s, ", modified ? top[i].modified : top[i].registered);
		pd__md_link_port(body, o, top[i].first);
		if (top[i].last != top[i].first)
			pd_buf_printf(body, "-%u", top[i].last);
		if (top[i].proto != PD_PROTO_ANY)
			pd_buf_printf(body, "/%s", pd_proto_name(top[i].proto));
		pd_buf_putc(body, ' ');
		pd__md_code(body, top[i].name);
		pd_buf_puts(body, modified ? " modified" : " registered");
		if (*top[i].description) {
			pd_buf_puts(body, ": ");
			pd__md_text(body, top[i].description);
		}
		pd_buf_puts(body, "\n");
	}
	pd_buf_puts(body, "\n");
}

int pd_block_page(const struct pd_registry *reg, unsigned first, enum pd_format f, const struct pd_site_opts *o,
		  struct pd_buf *out)
{
	static const char *const advice[3] = {
		"These are system ports: on Unix-like systems a service needs privileges to listen on them, "
		"and IANA assigns them only through IETF Review or IESG Approval. A new service rarely "
		"belongs here.",
		"These are user ports: anyone may listen on them, and IANA registers them for a service "
		"on request. A port of a large block keeps a new service away from the registrations "
		"around it; register it with IANA once it is public.",
		"These are dynamic ports: never assigned, and used by operating systems for the local end "
		"of outgoing connections, so a service that listens on one can find it taken. Use them "
		"for private, short-lived or negotiated ports only.",
	};
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT, fig = PD_BUF_INIT, title = PD_BUF_INIT;
	struct pd_history hist[PD_HISTORY_MAX];
	struct pd_block blk;
	size_t nh;
	int rc;

	if (f == PD_FMT_JSON || (unsigned)f > PD_FMT_JSON || first > 65535 || !o || !o->root || !o->ext)
		return PD_EINVAL;
	if (pd_registry_block(reg, first, &blk) || blk.first != first)
		return PD_ENOTFOUND;
	pd_buf_printf(&title, "Block %u-%u", blk.first, blk.last);
	pd_buf_printf(&head, "# Unassigned block %u-%u\n\nPorts %u-%u are %u consecutive port%s that IANA has "
			     "assigned on no transport (TCP, UDP, SCTP and DCCP): the ", blk.first, blk.last, blk.first,
		      blk.last, blk.size, blk.size == 1 ? "" : "s");
	if (blk.rank == 1)
		pd_buf_puts(&head, "largest");
	else
		pd_buf_printf(&head, "%u%s largest", blk.rank,
			      blk.rank % 100 / 10 == 1 ? "th" : blk.rank % 10 == 1 ? "st" : blk.rank % 10 == 2 ? "nd" :
			      blk.rank % 10 == 3 ? "rd" : "th");
	pd_buf_printf(&head, " of the %u blocks of %s ports.\n", blk.of, pd_class_name(blk.cls));
	if (f == PD_FMT_HTML) {
		unsigned w0 = first / 1024 * 1024;
		pd_buf_printf(&fig, "<figure class=\"map\"><div class=\"mapbox\"><object data=\"%smaps/%u.svg\" "
				    "type=\"image/svg+xml\" width=\"%d\" height=\"%d\" aria-label=\"Ports %u-%u by "
				    "status, each a link\"></object>", o->root, first / 1024, PD__MAP_W, PD__MAP_H, w0,
			      w0 + 1023);
		rc = pd_map_svg(reg, first, PD_MAP_OVERLAY, &fig);
		if (rc)
			goto out;
		pd_buf_printf(&fig, "</div><figcaption>Ports %u-%u, 32 to a row: the block is outlined from %u%s. "
				    "Each square links to its port's page.</figcaption></figure>",
			      w0, w0 + 1023, first, blk.last >= w0 + 1024 ? ", and goes on past the map" : "");
	}
	pd_buf_puts(&body, "## Its ports\n\n");
	if (blk.size <= 16) {
		for (unsigned p = blk.first; p <= blk.last; p++) {
			pd_buf_puts(&body, p == blk.first ? "" : ", ");
			pd__md_link_port(&body, o, p);
		}
		pd_buf_puts(&body, ".");
	} else {
		pd_buf_puts(&body, "From ");
		pd__md_link_port(&body, o, blk.first);
		pd_buf_puts(&body, " to ");
		pd__md_link_port(&body, o, blk.last);
		pd_buf_printf(&body, ", %u ports; each has its own page, with its neighbours and its verdict.", blk.size);
	}
	pd_buf_puts(&body, "\n\n");
	if (blk.first > 0) {
		pd_buf_puts(&body, "- Below it: ");
		pd__md_link_port(&body, o, blk.first - 1);
		pd_buf_printf(&body, ", %s\n", pd_status_name(pd_registry_port_status(reg, blk.first - 1)));
	}
	if (blk.last < 65535) {
		pd_buf_puts(&body, "- Above it: ");
		pd__md_link_port(&body, o, blk.last + 1);
		pd_buf_printf(&body, ", %s\n", pd_status_name(pd_registry_port_status(reg, blk.last + 1)));
	}
	pd_buf_puts(&body, "\n## How it shrank\n\n");
	nh = pd_registry_history(reg, first, hist, PD_HISTORY_MAX);
	if (!nh)
		pd_buf_puts(&body, "No registration date in the registry tells of a change to this block.\n\n");
	for (size_t i = 0; i < nh; i++) {
		pd_buf_printf(&body, "- %s: ", hist[i].date);
		pd__md_link_port(&body, o, hist[i].port);
		if (hist[i].proto != PD_PROTO_ANY)
			pd_buf_printf(&body, "/%s", pd_proto_name(hist[i].proto));
		pd_buf_puts(&body, " was registered");
		if (*hist[i].service) {
			pd_buf_puts(&body, " as ");
			pd__md_code(&body, hist[i].service);
		}
		pd_buf_printf(&body, "; before, the block was %u-%u (%u ports).\n", hist[i].before_first,
			      hist[i].before_last, hist[i].before_last - hist[i].before_first + 1);
	}
	pd_buf_printf(&body, "\n## Advice\n\n%s Each port's page gives its verdict, with what this "
			     "host, browsers and scanners say of it.\n\n", advice[blk.cls]);
	pd__md_registry(&body, reg);
	pd_buf_puts(&body, "\n");
	rc = head.err ? head.err : body.err ? body.err : fig.err ? fig.err : title.err;
	if (!rc)
		rc = pd__render(pd_buf_str(&title), pd_buf_str(&head), fig.len ? fig.s : NULL, pd_buf_str(&body), NULL,
				f, o, out);
out:
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&fig);
	pd_buf_release(&title);
	return rc;
}

int pd_site_page(const struct pd_registry *reg, enum pd_site_page p, enum pd_format f,
		 const struct pd_site_opts *o, struct pd_buf *out)
{
	struct pd_buf head = PD_BUF_INIT, body = PD_BUF_INIT;
	struct counts c;
	const char *title = "portdex";
	struct pd_buf after = PD_BUF_INIT, top = PD_BUF_INIT;
	int rc;

	if ((unsigned)p >= PD_SITE_COUNT)
		return PD_EINVAL;
	if (f == PD_FMT_JSON)
		return PD_EINVAL;
	count(reg, &c);
	switch (p) {
	case PD_SITE_HOME:
		title = "Every port number, explained";
		/* the search box first (HTML), then what the site tells */
		pd_buf_puts(&head, "# Every port number, explained\n");
		if (f == PD_FMT_HTML) {
			home_top(o, &c, &top);
		} else {
			pd_buf_puts(&body, "What IANA's registry says about each of the 65,536 ports, for TCP, UDP, "
					   "SCTP and DCCP; the block of unassigned ports around it and how it changed; "
					   "what might be listening on it; and whether to use it for a new service.\n\n");
			pd_buf_printf(&body, "## The three ranges\n\n");
			for (int k = 0; k < 3; k++) {
				unsigned a, b;
				pd_class_bounds((enum pd_class)k, &a, &b);
				pd_buf_printf(&body, "- [%s ports, %u-%u](%s%s%s): %u assigned, %u unassigned\n",
					      k == 0 ? "System" : k == 1 ? "User" : "Dynamic", a, b, o->root,
					      paths[PD_SITE_SYSTEM + k], o->ext, c.ports[k][PD_ASSIGNED],
					      c.ports[k][PD_UNASSIGNED]);
			}
			pd_buf_puts(&body, "\n");
		}
		pd_buf_printf(&body, "## The largest unassigned blocks\n\n");
		largest_blocks(reg, o, -1, 5, &body);
		pd_buf_printf(&body, "[All the largest blocks](%sblocks%s), and ", o->root, o->ext);
		pd__md_link_port(&body, o, 926);
		pd_buf_puts(&body, ", a port in the largest block of system ports.\n\n");
		home_common(o, &body);
		home_recent(reg, o, &body);
		pd__md_registry(&body, reg);
		pd_buf_puts(&body, "\n");
		break;
	case PD_SITE_SYSTEM:
	case PD_SITE_USER:
	case PD_SITE_DYNAMIC:
		title = p == PD_SITE_SYSTEM ? "System ports" : p == PD_SITE_USER ? "User ports" : "Dynamic ports";
		class_page(reg, o, (enum pd_class)(p - PD_SITE_SYSTEM), &c, &head, &body);
		if (f == PD_FMT_HTML) {
			unsigned a, z;
			pd_class_bounds((enum pd_class)(p - PD_SITE_SYSTEM), &a, &z);
			pd_buf_puts(&top, "<figure class=\"map\">");
			if (z - a < 1024) {
				/* one window: its map, each port a link */
				pd_buf_printf(&top, "<div class=\"mapbox\"><object data=\"%smaps/%u.svg\" "
						    "type=\"image/svg+xml\" width=\"%d\" height=\"%d\" aria-label=\"Ports "
						    "%u-%u by status, each a link\"></object></div><figcaption>Ports %u-%u, 32 "
						    "to a row: assigned solid, reserved hatched, unassigned light. Each square "
						    "links to its port's page.</figcaption>",
					      o->root, a / 1024, PD__MAP_W, PD__MAP_H, a, z, a, z);
			} else {
				pd__map_range(reg, o, a, z, &top);
				pd_buf_printf(&top, "<figcaption>Ports %u-%u, a square per 1,024 ports with the share of "
						    "them assigned on some transport (darker: more). Each square links to "
						    "the page of its first port, whose map shows its 1,024 ports.</figcaption>",
					      a, z);
			}
			pd_buf_puts(&top, "</figure>");
		}
		break;
	case PD_SITE_BLOCKS:
		title = "The largest unassigned blocks";
		pd_buf_printf(&head, "# The largest unassigned blocks\n\nA block is a run of consecutive ports "
				     "that are unassigned on every transport. The registry has %zu of them.\n",
			      pd_registry_block_count(reg));
		for (int k = 0; k < 3; k++) {
			pd_buf_printf(&body, "## %s ports\n\n", k == 0 ? "System" : k == 1 ? "User" : "Dynamic");
			largest_blocks(reg, o, k, k == 2 ? 5 : 25, &body);
		}
		break;
	case PD_SITE_COMMON:
		title = "Common ports";
		common_page(reg, o, &head, &body);
		break;
	case PD_SITE_SEARCH:
		title = "Search";
		pd_buf_puts(&head, "# Search\n\nA port number, a service name or words of a description.\n");
		search_script(&after, o);
		break;
	default:
		break;
	}
	rc = head.err ? head.err : body.err ? body.err : top.err;
	if (!rc)
		rc = pd__render(title, pd_buf_str(&head), top.len ? top.s : NULL, pd_buf_str(&body),
				after.len ? after.s : NULL, f, o, out);
	pd_buf_release(&top);
	pd_buf_release(&head);
	pd_buf_release(&body);
	pd_buf_release(&after);
	return rc;
}
