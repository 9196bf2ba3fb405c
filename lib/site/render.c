/* render.c: pages are written in Markdown; cmark turns them into HTML, and
 * its syntax tree into plain text for an 80-column terminal. Text from
 * outside was made visible in the Markdown already (pd__md_text); the
 * text renderer writes through pd_buf_text and pd_buf_wrap all the same. */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page.h"

#define TEXT_WIDTH 78

int pd_format_parse(const char *s)
{
	static const char *const names[] = { "text", "markdown", "html", "json" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return PD_EINVAL;
}

/* ---- plain text from the syntax tree ---- */

/* The inline content of a block, flattened; external links keep their URL. */
static void inlines(cmark_node *n, struct pd_buf *b)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			pd_buf_puts(b, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
			pd_buf_putc(b, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			pd_buf_putc(b, '\n');
			break;
		case CMARK_NODE_LINK: {
			const char *url = cmark_node_get_url(c);
			size_t before = b->len;
			inlines(c, b);
			if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)) &&
			    strncmp(b->s + before, url, strlen(url)))
				pd_buf_printf(b, " <%s>", url);
			break;
		}
		default:
			inlines(c, b);
			break;
		}
	}
}

static void blocks(cmark_node *n, struct pd_buf *out, int depth)
{
	struct pd_buf t = PD_BUF_INIT;

	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		t.len = 0;
		pd_buf_add(&t, "", 0);
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_HEADING: {
			int level = cmark_node_get_heading_level(c);
			inlines(c, &t);
			if (out->len && !(out->len > 1 && out->s[out->len - 1] == '\n' && out->s[out->len - 2] == '\n'))
				pd_buf_putc(out, '\n');
			if (level <= 2) {
				size_t w = 0, from = out->len;
				if (level == 1)
					for (char *s = t.s; *s; s++)
						*s = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
				pd_buf_text(out, t.s);
				for (size_t i = from; i < out->len; i++)
					w += (out->s[i] & 0xc0) != 0x80; /* characters */
				pd_buf_putc(out, '\n');
				for (size_t i = 0; i < w && i < TEXT_WIDTH; i++)
					pd_buf_putc(out, level == 1 ? '=' : '-');
				pd_buf_puts(out, "\n\n");
			} else {
				pd_buf_wrap(out, t.s, 0, 0, TEXT_WIDTH);
			}
			break;
		}
		case CMARK_NODE_PARAGRAPH:
			inlines(c, &t);
			pd_buf_puts(out, depth ? "    " : "");
			pd_buf_wrap(out, t.s, depth ? 4 : 0, depth ? 4 : 0, TEXT_WIDTH);
			if (!depth)
				pd_buf_putc(out, '\n');
			break;
		case CMARK_NODE_LIST:
			blocks(c, out, depth + 1);
			pd_buf_putc(out, '\n');
			break;
		case CMARK_NODE_ITEM:
			/* a list item: its paragraphs as one bulleted, indented text */
			for (cmark_node *p = cmark_node_first_child(c); p; p = cmark_node_next(p)) {
				if (t.len)
					pd_buf_putc(&t, '\n');
				inlines(p, &t);
			}
			pd_buf_puts(out, "  - ");
			pd_buf_wrap(out, t.s, 4, 4, TEXT_WIDTH);
			break;
		case CMARK_NODE_CODE_BLOCK:
			pd_buf_puts(out, "    ");
			pd_buf_wrap(out, cmark_node_get_literal(c), 4, 4, TEXT_WIDTH);
			break;
		default:
			blocks(c, out, depth);
			break;
		}
	}
	pd_buf_release(&t);
}

static int to_text(const char *md, struct pd_buf *out)
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);

	if (!doc)
		return PD_ENOMEM;
	blocks(doc, out, 0);
	cmark_node_free(doc);
	/* one trailing newline */
	while (out->len > 1 && out->s[out->len - 1] == '\n' && out->s[out->len - 2] == '\n')
		out->s[--out->len] = '\0';
	return out->err;
}

static int to_html(const char *md, struct pd_buf *out)
{
	/* CMARK_OPT_DEFAULT leaves raw HTML out: every text was escaped
	 * already, and nothing from the registry can become markup */
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);

	if (!html)
		return PD_ENOMEM;
	pd_buf_puts(out, html);
	free(html);
	return out->err;
}

/* The address of the page at path (relative to a language's root; "" the
 * home page) in lang, from a page whose root is o->root */
static void lang_href(struct pd_buf *b, const struct pd_site_opts *o, int lang, const char *path)
{
	pd_buf_html(b, o->root);
	if (lang != PD_LANG_EN) {
		pd_buf_html(b, pd_lang_code(lang));
		pd_buf_putc(b, '/');
	}
	if (*path) {
		pd_buf_html(b, path);
		pd_buf_html(b, o->ext);
	} else if (*o->ext) {
		pd_buf_puts(b, "index.html");
	}
}

/* 1 if the site has language l (o->langs; 0: every language) */
static int has_lang(const struct pd_site_opts *o, int l)
{
	return !o->langs || (o->langs & (1u << l));
}

/* How many languages the site has, the page's own counted */
static int site_langs(const struct pd_site_opts *o, int lang)
{
	int n = 0;

	for (int l = 0; l < PD_NLANG; l++)
		n += l == lang || has_lang(o, l);
	return n;
}

/* The language switcher: the site's languages by their own names, each a
 * link to this page (path; NULL: the home page) in it, but the current one */
static void switcher(struct pd_buf *b, const struct pd_site_opts *o, int lang, const char *path)
{
	pd_buf_puts(b, "<nav class=\"langs\" aria-label=\"");
	pd_buf_html(b, pd__msg(lang, M_frame_langs_label));
	pd_buf_puts(b, "\"><ul>");
	for (int l = 0; l < PD_NLANG; l++) {
		if (l != lang && !has_lang(o, l))
			continue;
		if (l == lang) {
			pd_buf_printf(b, "<li><span lang=\"%s\" aria-current=\"page\">", pd_lang_code(l));
			pd_buf_html(b, pd_lang_name(l));
			pd_buf_puts(b, "</span></li>");
			continue;
		}
		pd_buf_puts(b, "<li><a href=\"");
		lang_href(b, o, l, path ? path : "");
		/* the server's / sends a reader whose browser prefers another
		 * language there: the switcher asks for English outright */
		if (l == PD_LANG_EN && !*o->ext && (!path || !*path))
			pd_buf_puts(b, "?lang=en");
		pd_buf_printf(b, "\" lang=\"%s\" hreflang=\"%s\">", pd_lang_code(l), pd_lang_code(l));
		pd_buf_html(b, pd_lang_name(l));
		pd_buf_puts(b, "</a></li>");
	}
	pd_buf_puts(b, "</ul></nav>");
}

int pd_site_frame_top_at(const char *title, const char *path, const struct pd_site_opts *o, struct pd_buf *b)
{
	char lroot[PD__ROOT_MAX];
	int lang;
	const char *lr;

	if (!title || !o || !o->root || !o->ext || !b)
		return PD_EINVAL;
	lang = pd__site_lang(o);
	lr = pd__lroot(o, lroot);
	pd_buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
		      pd_lang_code(lang));
	pd_buf_html(b, title);
	pd_buf_puts(b, " - portdex</title>");
	if (path && site_langs(o, lang) > 1) {
		/* the same page in each language, and the default: English, or
		 * the first language the site has */
		int def = -1;
		for (int l = 0; l < PD_NLANG; l++) {
			if (l != lang && !has_lang(o, l))
				continue;
			if (def < 0)
				def = l;
			pd_buf_printf(b, "<link rel=\"alternate\" hreflang=\"%s\" href=\"", pd_lang_code(l));
			lang_href(b, o, l, path);
			pd_buf_puts(b, "\">");
		}
		pd_buf_puts(b, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"");
		lang_href(b, o, def, path);
		pd_buf_puts(b, "\">");
	}
	if (o->link_assets) {
		pd_buf_puts(b, "<link rel=\"stylesheet\" href=\"");
		pd_buf_html(b, o->root);
		pd_buf_puts(b, "portdex.css\">");
	} else {
		pd_buf_puts(b, "<style>");
		pd_buf_puts(b, pd__asset_css);
		pd_buf_puts(b, "</style>");
	}
	pd_buf_puts(b, "</head><body><header>");
	if (site_langs(o, lang) > 1)
		switcher(b, o, lang, path);
	pd_buf_puts(b, "<nav>");
	pd_buf_printf(b, "<a class=\"brand\" href=\"%s%s\">portdex</a>", lr, *o->ext ? "index.html" : "");
	{
		static const struct { const char *path; enum pd__msg text; } links[] = {
			{ "ranges/system", M_frame_nav_system }, { "ranges/user", M_frame_nav_user },
			{ "ranges/dynamic", M_frame_nav_dynamic }, { "blocks", M_frame_nav_blocks },
			{ "common", M_frame_nav_common },
		};
		for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
			pd_buf_printf(b, "<a href=\"%s%s%s\">", lr, links[i].path, o->ext);
			pd_buf_html(b, pd__msg(lang, links[i].text));
			pd_buf_puts(b, "</a>");
		}
	}
	pd_buf_printf(b, "<form action=\"%s%s\" method=\"get\" role=\"search\"><input name=\"q\" placeholder=\"", lr,
		      *o->ext ? "search.html" : "search");
	pd_buf_html(b, pd__msg(lang, M_frame_search_placeholder));
	pd_buf_puts(b, "\" aria-label=\"");
	pd_buf_html(b, pd__msg(lang, M_frame_search_label));
	pd_buf_puts(b, "\"><button>");
	pd_buf_html(b, pd__msg(lang, M_frame_search_button));
	pd_buf_puts(b, "</button></form></nav></header><main>");
	return b->err;
}

int pd_site_frame_top(const char *title, const struct pd_site_opts *o, struct pd_buf *b)
{
	return pd_site_frame_top_at(title, NULL, o, b);
}

void pd__asset_script(struct pd_buf *b, const struct pd_site_opts *o, const char *file, const char *text)
{
	if (o->link_assets) {
		pd_buf_puts(b, "<script src=\"");
		pd_buf_html(b, o->root);
		pd_buf_html(b, file);
		pd_buf_puts(b, "\"></script>");
	} else {
		pd_buf_puts(b, "<script>");
		pd_buf_puts(b, text);
		pd_buf_puts(b, "</script>");
	}
}

int pd_site_frame_end_lang(const struct pd_site_opts *o, struct pd_buf *b)
{
	if (!b)
		return PD_EINVAL;
	pd_buf_puts(b, "</main><footer>");
	/* the catalogue's text: &, < and > escaped, the apostrophe left as
	 * the English footer always had it */
	for (const char *s = pd__msg(pd__site_lang(o), M_frame_footer); *s; s++)
		if (*s == '&' || *s == '<' || *s == '>')
			pd_buf_puts(b, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : "&gt;");
		else
			pd_buf_putc(b, *s);
	pd_buf_puts(b, "</footer></body></html>\n");
	return b->err;
}

int pd_site_frame_end(struct pd_buf *b)
{
	return pd_site_frame_end_lang(NULL, b);
}

int pd__render_at(const char *path, const char *title, const char *head_md, const char *figure_html,
		  const char *body_md, const char *after_html, enum pd_format f, const struct pd_site_opts *o,
		  struct pd_buf *out)
{
	struct pd_buf md = PD_BUF_INIT;
	int rc = 0;

	switch (f) {
	case PD_FMT_MARKDOWN:
		pd_buf_printf(out, "%s\n%s", head_md, body_md);
		return out->err;
	case PD_FMT_TEXT:
		pd_buf_printf(&md, "%s\n%s", head_md, body_md);
		rc = md.err ? md.err : to_text(md.s, out);
		pd_buf_release(&md);
		return rc;
	case PD_FMT_HTML:
		if ((rc = pd_site_frame_top_at(title, path, o, out)) || (rc = to_html(head_md, out)))
			return rc;
		if (figure_html)
			pd_buf_puts(out, figure_html);
		if ((rc = to_html(body_md, out)))
			return rc;
		if (after_html)
			pd_buf_puts(out, after_html);
		return pd_site_frame_end_lang(o, out);
	default:
		return PD_EINVAL;
	}
}

int pd__render(const char *title, const char *head_md, const char *figure_html, const char *body_md,
	       const char *after_html, enum pd_format f, const struct pd_site_opts *o, struct pd_buf *out)
{
	return pd__render_at(NULL, title, head_md, figure_html, body_md, after_html, f, o, out);
}
