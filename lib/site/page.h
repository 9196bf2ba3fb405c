/* page.h: what the page, site and render files share */
#ifndef PD_PAGE_H
#define PD_PAGE_H

#include "image.h"
#include "i18n.h"

#define PD__MAX_FAQ 10
#define PD__MAP_W 404   /* size of the SVG map (svg.c) */
#define PD__MAP_H 418

/* Everything a port's page says, gathered once, rendered in each format. */
struct pd__page {
	struct pd_port_facts f;                /* the facts (lib/facts.c) */
	const struct pd_registry *reg;
	const struct pd_site_opts *o;
	unsigned port;
	struct pd_buf summary;                 /* plain sentences */
	struct pd_buf faq_q[PD__MAX_FAQ], faq_a[PD__MAX_FAQ];
	size_t nfaq;
};

int pd__page_build(struct pd__page *m, const struct pd_registry *reg, unsigned port,
		   const struct pd_site_opts *o);
void pd__page_release(struct pd__page *m);
int pd__page_markdown(const struct pd__page *m, struct pd_buf *head, struct pd_buf *body);
int pd__page_json(const struct pd__page *m, struct pd_buf *out);

/* The language of a page (o->lang), and the path from the page to the
 * pages of that language: o->root for English, o->root + "fr/" for French
 * (assets, maps and the search index stay at o->root). buf: at least
 * PD__ROOT_MAX bytes; returns buf, cut short past it. (page.c) */
#define PD__ROOT_MAX 256
int pd__site_lang(const struct pd_site_opts *o);
const char *pd__lroot(const struct pd_site_opts *o, char *buf);

/* Markdown helpers */
/* Text from outside: Markdown syntax escaped, control characters made
 * visible (pd_buf_text) */
void pd__md_text(struct pd_buf *b, const char *s);
/* A name as inline code (`ssh`), made visible the same way; as text when
 * it is empty or holds a backtick */
void pd__md_code(struct pd_buf *b, const char *s);
/* "Registry: SOURCE, updated DATE." */
void pd__md_registry(struct pd_buf *b, const struct pd_registry *reg);
/* The same in lang (a pd_lang), its date as lang writes it */
void pd__md_registry_lang(struct pd_buf *b, const struct pd_registry *reg, int lang);
void pd__md_link_port(struct pd_buf *b, const struct pd_site_opts *o, unsigned port);
/* Passes t's first error on to into (unless into has one), then releases
 * t: the end of a scratch buffer whose text went into into */
void pd__buf_fold(struct pd_buf *into, struct pd_buf *t);
/* A status ("assigned") and a class's ports ("user ports") in lang */
const char *pd__status_text(int lang, enum pd_status st);
const char *pd__class_ports_text(int lang, enum pd_class c);
/* A Markdown link to a port's page, as one kind of page writes it */
typedef void (*pd__md_link_fn)(struct pd_buf *b, const struct pd_site_opts *o, unsigned port);
/* The history of a block (pd_registry_history()'s events, newest first)
 * as a Markdown list in lang, each port linked by link: one line for the
 * registrations of one day that changed the block alike. The port's page
 * and the block's page both write it. */
void pd__md_history(struct pd_buf *b, const struct pd_site_opts *o, int lang, const struct pd_history *hist,
		    size_t n, pd__md_link_fn link);

/* render.c: Markdown to the output formats, and the HTML frame */
/* The site's assets, files of data/site/ compiled in by tools/embed.sh
 * (NUL-terminated): the style sheet, the feedback form's script, the static
 * search page's script. */
extern const char pd__asset_css[];
extern const char pd__asset_feedback_js[];
extern const char pd__asset_search_js[];
/* svg.c: the map of a range class (first-last), a square per 1,024
 * ports linking to its first port's page */
void pd__map_range(const struct pd_registry *reg, const struct pd_site_opts *o, unsigned first, unsigned last,
		   struct pd_buf *b);
/* A script of data/site/ (file: its name, text: its content): a link to
 * root/FILE when o->link_assets, else inline */
void pd__asset_script(struct pd_buf *b, const struct pd_site_opts *o, const char *file, const char *text);
/* A page in format f from its Markdown (head, then the HTML figure, body,
 * then the HTML after it), in the frame (pd_site_frame_top_at) for HTML.
 * path: the page's path relative to its language's root ("port/926",
 * "blocks/916", "ranges/system", "" for the home page), for the frame's
 * alternates and language switcher; pd__render is pd__render_at with path
 * NULL (no alternates; the switcher goes to each language's home page). */
int pd__render_at(const char *path, const char *title, const char *head_md, const char *figure_html,
		  const char *body_md, const char *after_html, enum pd_format f, const struct pd_site_opts *o,
		  struct pd_buf *out);
int pd__render(const char *title, const char *head_md, const char *figure_html, const char *body_md,
	       const char *after_html, enum pd_format f, const struct pd_site_opts *o, struct pd_buf *out);
/* svg.c: the map of pd_map_svg_site in lang (a pd_lang), its cells linking
 * to the pages of links (NULL: no links; then for any language, as
 * pd_map_svg is for English): for a page that shows its map inline */
int pd__map_svg(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer, int lang,
		const struct pd_site_opts *links, struct pd_buf *out);

#endif
