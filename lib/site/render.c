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

static const char css[] =
	":root{--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d8dee4;--accent:#1d4f7c;--soft:#f4f6f8}"
	"*{box-sizing:border-box}"
	"body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}"
	"header{background:var(--accent);color:#fff}"
	"header nav{max-width:56rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}"
	"header a{color:#fff;text-decoration:none}header a:hover{text-decoration:underline}"
	"header .brand{font-weight:700;font-size:1.1rem;margin-right:auto}"
	"header form{display:flex;gap:.3rem}header input{padding:.3rem .5rem;border:0;border-radius:4px;width:9rem}"
	"header button{padding:.3rem .6rem;border:0;border-radius:4px;background:#fff;color:var(--accent);font-weight:600}"
	"main{max-width:56rem;margin:0 auto;padding:1rem}"
	"h1{font-size:2rem;margin:.5rem 0}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}"
	"h3{font-size:1.05rem;margin-bottom:.2rem}"
	"a{color:var(--accent)}code{background:var(--soft);padding:.05rem .3rem;border-radius:3px;font-size:.92em}"
	"li{margin:.25rem 0}"
	"figure.map{margin:1rem 0;overflow-x:auto}figure.map figcaption{color:var(--muted);font-size:.9rem;max-width:40rem}"
	".mapbox{position:relative;width:404px;max-width:100%}.mapbox img,.mapbox svg{display:block;max-width:100%;height:auto}"
	".mapbox svg.overlay{position:absolute;top:0;left:0;width:100%}"
	".feedback{margin-top:2.5rem;padding:1rem;background:var(--soft);border-radius:8px}"
	".feedback h2{border:0;margin:0 0 .5rem}.feedback textarea{width:100%;min-height:4rem;margin:.4rem 0;font:inherit}"
	".feedback button{font:inherit;padding:.35rem 1.1rem;margin-right:.5rem;border:1px solid var(--accent);"
	"border-radius:4px;background:#fff;color:var(--accent);cursor:pointer}"
	".feedback button:hover{background:var(--accent);color:#fff}.feedback .note{font-weight:600}"
	"footer{max-width:56rem;margin:2rem auto;padding:1rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}"
	"table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid var(--line);text-align:left}"
	"@media (max-width:600px){body{font-size:15px}h1{font-size:1.6rem}header input{width:6.5rem}}";

int pd_site_frame_top(const char *title, const struct pd_site_opts *o, struct pd_buf *b)
{
	if (!title || !o || !o->root || !o->ext || !b)
		return PD_EINVAL;
	pd_buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	pd_buf_html(b, title);
	pd_buf_puts(b, " - portdex</title><style>");
	pd_buf_puts(b, css);
	pd_buf_puts(b, "</style></head><body><header><nav>");
	pd_buf_printf(b, "<a class=\"brand\" href=\"%s%s\">portdex</a>", o->root, *o->ext ? "index.html" : "");
	pd_buf_printf(b, "<a href=\"%sranges/system%s\">system</a><a href=\"%sranges/user%s\">user</a>"
			 "<a href=\"%sranges/dynamic%s\">dynamic</a><a href=\"%sblocks%s\">blocks</a>"
			 "<a href=\"%scommon%s\">common ports</a>",
		      o->root, o->ext, o->root, o->ext, o->root, o->ext, o->root, o->ext, o->root, o->ext);
	pd_buf_printf(b, "<form action=\"%s%s\" method=\"get\" role=\"search\"><input name=\"q\" "
			 "placeholder=\"port or name\" aria-label=\"port or service name\"><button>Go</button></form>",
		      o->root, *o->ext ? "search.html" : "search");
	pd_buf_puts(b, "</nav></header><main>");
	return b->err;
}

int pd_site_frame_end(struct pd_buf *b)
{
	if (!b)
		return PD_EINVAL;
	pd_buf_puts(b, "</main><footer>Facts from IANA's Service Name and Transport Protocol Port "
		       "Number Registry and from the sources cited; pages made by portdex.</footer>"
		       "</body></html>\n");
	return b->err;
}

int pd__render(const char *title, const char *head_md, const char *figure_html, const char *body_md,
	       const char *after_html, enum pd_format f, const struct pd_site_opts *o, struct pd_buf *out)
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
		if ((rc = pd_site_frame_top(title, o, out)) || (rc = to_html(head_md, out)))
			return rc;
		if (figure_html)
			pd_buf_puts(out, figure_html);
		if ((rc = to_html(body_md, out)))
			return rc;
		if (after_html)
			pd_buf_puts(out, after_html);
		return pd_site_frame_end(out);
	default:
		return PD_EINVAL;
	}
}
