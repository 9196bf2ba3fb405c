/* page.h: what the page, site and render files share */
#ifndef PD_PAGE_H
#define PD_PAGE_H

#include "image.h"

#define PD__MAX_FACTS 32
#define PD__MAX_HIST 16
#define PD__MAX_FAQ 10
#define PD__MAX_ENTRIES 32
#define PD__MAP_W 404   /* size of the SVG map (svg.c) */
#define PD__MAP_H 418

/* Everything a port's page says, gathered once, rendered in each format. */
struct pd__page {
	const struct pd_registry *reg;
	const struct pd_site_opts *o;
	unsigned port;
	enum pd_class cls;
	unsigned cf, cl;                       /* class bounds */
	enum pd_status st[PD_NPROTO], overall;
	struct pd_entry svc[PD_NPROTO][PD__MAX_ENTRIES]; /* assigned entries, primary first */
	size_t nsvc[PD_NPROTO];
	struct pd_entry row[PD_NPROTO];        /* the registry row that lists it */
	int has_row[PD_NPROTO];
	int in_block;
	struct pd_block blk;
	int has_below, has_above;
	unsigned below, above;
	struct pd_history hist[PD__MAX_HIST];
	size_t nhist;
	struct pd_fact facts[PD__MAX_FACTS];
	size_t nfacts;
	int has_check;
	struct pd_check check;
	unsigned sugg[3];
	size_t nsugg;
	struct pd_buf summary;                 /* plain sentences */
	struct pd_buf faq_q[PD__MAX_FAQ], faq_a[PD__MAX_FAQ];
	size_t nfaq;
};

int pd__page_build(struct pd__page *m, const struct pd_registry *reg, unsigned port,
		   const struct pd_site_opts *o);
void pd__page_release(struct pd__page *m);
int pd__page_markdown(const struct pd__page *m, struct pd_buf *head, struct pd_buf *body);
int pd__page_json(const struct pd__page *m, struct pd_buf *out);

/* Markdown helpers */
/* Text from outside: Markdown syntax escaped, control characters made
 * visible (pd_buf_text) */
void pd__md_text(struct pd_buf *b, const char *s);
/* A name as inline code (`ssh`), made visible the same way; as text when
 * it is empty or holds a backtick */
void pd__md_code(struct pd_buf *b, const char *s);
/* "Registry: SOURCE, updated DATE." */
void pd__md_registry(struct pd_buf *b, const struct pd_registry *reg);
void pd__md_link_port(struct pd_buf *b, const struct pd_site_opts *o, unsigned port);

/* render.c: Markdown to the output formats, and the HTML frame */
int pd__render(const char *title, const char *head_md, const char *figure_html, const char *body_md,
	       const char *after_html, enum pd_format f, const struct pd_site_opts *o, struct pd_buf *out);

#endif
