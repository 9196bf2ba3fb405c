/* svg.c: the map of a port's neighbourhood, readable without colour:
 * assigned ports are solid, reserved ports hatched, unassigned ports
 * light; the block has a dashed outline and the port a ring and a label */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "page.h"

#define COLS 32
#define PITCH 11            /* a cell and the white line after it */
#define X0 44               /* room for the row labels */
#define Y0 8
#define GRID (COLS * PITCH)
#define WIDTH PD__MAP_W
#define HEIGHT PD__MAP_H
_Static_assert(PD__MAP_W == X0 + GRID + 8 && PD__MAP_H == Y0 + GRID + 58, "map size");

static const char *const fills[3] = { "#e9edf2", "url(#pd-hatch)", "#1d4f7c" };

static void header(struct pd_buf *b, const char *extra)
{
	pd_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"%s>",
		      WIDTH, HEIGHT, WIDTH, HEIGHT, extra);
}

static void cell_xy(unsigned i, unsigned *x, unsigned *y)
{
	*x = X0 + (i % COLS) * PITCH;
	*y = Y0 + (i / COLS) * PITCH;
}

/* Message id of lang with its arguments, escaped for the SVG's text */
static void put_tr(struct pd_buf *b, int lang, enum pd__msg id, ...)
{
	va_list ap;

	va_start(ap, id);
	pd__vtr_with(b, pd_buf_html, lang, id, ap);
	va_end(ap);
}

/* Each cell a link to its port's page (under o's pages of its language,
 * with o->ext), with a title naming the port, its status and its first
 * service; out of the tab order (a page's own links and the search reach
 * every port), and target _top for a map shown in an <object>. */
static void cell_links(const struct pd_registry *reg, unsigned w0, const enum pd_status *st, int lang,
		       const struct pd_site_opts *o, struct pd_buf *b)
{
	char root[PD__ROOT_MAX];
	const char *lr = pd__lroot(o, root);

	pd_buf_puts(b, "<g fill-opacity=\"0\">");
	for (unsigned i = 0; i < 1024; i++) {
		unsigned x, y;
		uint32_t idx;
		struct pd_entry e;
		const char *svc = NULL;
		cell_xy(i, &x, &y);
		pd_buf_puts(b, "<a href=\"");
		pd_buf_html(b, lr);
		pd_buf_printf(b, "port/%u", w0 + i);
		pd_buf_html(b, o->ext);
		pd_buf_puts(b, "\" target=\"_top\" tabindex=\"-1\"><title>");
		for (int t = 0; st[i] == PD_ASSIGNED && t < PD_NPROTO && !svc; t++)
			if (pd_registry_lookup(reg, w0 + i, t, &idx, 1) && !pd_registry_entry(reg, idx, &e) &&
			    e.status == PD_ASSIGNED && *e.name)
				svc = e.name;
		if (svc)
			put_tr(b, lang, M_map_cell_service, w0 + i, pd__status_text(lang, st[i]), svc);
		else
			put_tr(b, lang, M_map_cell, w0 + i, pd__status_text(lang, st[i]));
		pd_buf_printf(b, "</title><rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\"/></a>", x, y, PITCH, PITCH);
	}
	pd_buf_puts(b, "</g>");
}

/* The width of text at 11 px in a sans-serif font, estimated from
 * Helvetica's advance widths (1/1000 em; a letter outside ASCII counts as
 * an "n"; DejaVu Sans is about 15% wider): for the legend's layout */
static unsigned text_px(const char *s)
{
	static const unsigned short w[95] = {
		278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, /*  !"#$%&'()*+,-./ */
		556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, /* 0-9 :;<=>? */
		1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, /* @A-O */
		667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, /* P-Z [\]^_ */
		333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, /* `a-o */
		556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,      /* p-z {|}~ */
	};
	unsigned long sum = 0;

	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if (*u >= 0x20 && *u < 0x7f)
			sum += w[*u - 0x20];
		else if ((*u & 0xc0) != 0x80)
			sum += 556;
	}
	return (unsigned)((sum * 11 + 999) / 1000);
}

/* The legend: the three statuses with their counts on a row, 100 pixels
 * apart, then the block's outline and the port's ring; when the words of
 * the statuses are too long for that row (estimated with text_px), the
 * statuses take two closer rows (assigned and reserved, then unassigned)
 * above the block and the port */
static void legend(int lang, const unsigned *count, struct pd_buf *b)
{
	static const enum pd__msg names[3] = { M_map_legend_unassigned, M_map_legend_reserved, M_map_legend_assigned };
	struct pd_buf t[3] = { PD_BUF_INIT, PD_BUF_INIT, PD_BUF_INIT };
	char n[PD__NUM_MAX];
	unsigned x[3], y[4];
	int one_row;

	for (int k = 0; k < 3; k++)
		pd__tr(&t[k], lang, names[2 - k], pd__num_str(n, lang, count[2 - k]));
	one_row = text_px(pd_buf_str(&t[0])) <= 86 && text_px(pd_buf_str(&t[1])) <= 86 &&
		  text_px(pd_buf_str(&t[2])) <= 140;
	if (one_row) {
		for (int k = 0; k < 3; k++) {
			x[k] = X0 + (unsigned)k * 100;
			y[k] = Y0 + GRID + 12;
		}
		y[3] = Y0 + GRID + 32;
	} else {
		x[0] = X0, x[1] = X0 + GRID / 2, x[2] = X0;
		y[0] = y[1] = Y0 + GRID + 6, y[2] = Y0 + GRID + 21, y[3] = Y0 + GRID + 36;
	}
	for (int k = 0; k < 3; k++) {
		pd_buf_printf(b, "<rect x=\"%u\" y=\"%u\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#555\" stroke-width=\"0.5\"/>"
				 "<text x=\"%u\" y=\"%u\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#222\">",
			      x[k], y[k], fills[2 - k], x[k] + 14, y[k] + 9);
		pd_buf_html(b, pd_buf_str(&t[k]));
		pd_buf_puts(b, "</text>");
		if (t[k].err && !b->err)
			b->err = t[k].err;
		pd_buf_release(&t[k]);
	}
	pd_buf_printf(b, "<rect x=\"%d\" y=\"%u\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"#b3001b\" "
			 "stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text x=\"%d\" y=\"%u\" font-size=\"11\" "
			 "font-family=\"sans-serif\" fill=\"#222\">",
		      X0, y[3], X0 + 14, y[3] + 9);
	put_tr(b, lang, M_map_legend_block);
	pd_buf_printf(b, "</text><circle cx=\"%d\" cy=\"%u\" r=\"6\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>"
			 "<text x=\"%d\" y=\"%u\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#222\">",
		      X0 + 265, y[3] + 5, X0 + 276, y[3] + 9);
	put_tr(b, lang, M_map_legend_port);
	pd_buf_puts(b, "</text>");
}

static void window(const struct pd_registry *reg, unsigned w0, int lang, const struct pd_site_opts *o,
		   struct pd_buf *b)
{
	unsigned count[3] = { 0 };
	enum pd_status st[1024];
	char n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX];

	for (unsigned i = 0; i < 1024; i++) {
		st[i] = pd_registry_port_status(reg, w0 + i);
		count[st[i]]++;
	}
	pd_buf_printf(b, "<title id=\"pd-map-t%u\">", w0);
	put_tr(b, lang, M_map_title, w0, w0 + 1023);
	pd_buf_puts(b, "</title><desc>");
	put_tr(b, lang, M_map_desc, w0, w0 + 1023, pd__num_str(n1, lang, count[PD_ASSIGNED]),
	       pd__num_str(n2, lang, count[PD_RESERVED]), pd__num_str(n3, lang, count[PD_UNASSIGNED]));
	pd_buf_puts(b, "</desc>");
	pd_buf_puts(b, "<defs><pattern id=\"pd-hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" "
		       "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#f3c77a\"/>"
		       "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"#8a5a00\" stroke-width=\"2\"/></pattern></defs>");
	/* one rectangle per run of equal status within a row */
	for (unsigned row = 0; row < COLS; row++) {
		unsigned c = 0;
		while (c < COLS) {
			unsigned i = row * COLS + c, n = 1, x, y;
			while (c + n < COLS && st[i + n] == st[i])
				n++;
			cell_xy(i, &x, &y);
			pd_buf_printf(b, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%d\" fill=\"%s\"/>", x, y,
				      n * PITCH, PITCH, fills[st[i]]);
			c += n;
		}
		if (row % 4 == 0)
			pd_buf_printf(b, "<text x=\"%d\" y=\"%u\" font-size=\"9\" text-anchor=\"end\" "
					 "font-family=\"sans-serif\" fill=\"#333\">%u</text>",
				      X0 - 4, Y0 + row * PITCH + 8, w0 + row * COLS);
	}
	/* white lines between cells */
	pd_buf_puts(b, "<path stroke=\"#fff\" stroke-width=\"1\" d=\"");
	for (unsigned k = 0; k <= COLS; k++)
		pd_buf_printf(b, "M%u %dv%dM%d %uh%d", X0 + k * PITCH, Y0, GRID, X0, Y0 + k * PITCH, GRID);
	pd_buf_puts(b, "\"/>");
	if (o)
		cell_links(reg, w0, st, lang, o, b);
	legend(lang, count, b);
}

/* The outline of the cells a..b (indexes in the window, a <= b, row-major,
 * COLS to a row) as one closed path: a rectangle when they fit in a row,
 * two when they sit on two rows without touching, else the staircase of
 * eight corners. */
static void outline(struct pd_buf *b, unsigned a, unsigned z)
{
	unsigned ra = a / COLS, ca = a % COLS, rz = z / COLS, cz = z % COLS + 1;

#define XY(c, r) (X0 + (c) * PITCH), (Y0 + (r) * PITCH)
	if (ra == rz || (rz == ra + 1 && cz < ca)) {
		pd_buf_printf(b, "M%u %uH%uV%uH%uz", XY(ca, ra), X0 + (ra == rz ? cz : COLS) * PITCH,
			      Y0 + (ra + 1) * PITCH, X0 + ca * PITCH);
		if (ra != rz)
			pd_buf_printf(b, "M%u %uH%uV%uH%uz", XY(0, rz), X0 + cz * PITCH, Y0 + (rz + 1) * PITCH, X0);
		return;
	}
	pd_buf_printf(b, "M%u %uH%uV%uH%uV%uH%uV%uH%uz", XY(ca, ra), X0 + COLS * PITCH, Y0 + rz * PITCH,
		      X0 + cz * PITCH, Y0 + (rz + 1) * PITCH, X0, Y0 + (ra + 1) * PITCH, X0 + ca * PITCH);
#undef XY
}

/* The block's outline and a ring round the port (the caption names it) */
static void overlay(const struct pd_registry *reg, unsigned port, struct pd_buf *b)
{
	unsigned w0 = port / 1024 * 1024, x, y;
	struct pd_block blk;

	if (!pd_registry_block(reg, port, &blk)) {
		pd_buf_puts(b, "<path fill=\"none\" stroke=\"#b3001b\" stroke-width=\"2\" stroke-dasharray=\"3 2\" d=\"");
		outline(b, (blk.first > w0 ? blk.first : w0) - w0, (blk.last < w0 + 1023 ? blk.last : w0 + 1023) - w0);
		pd_buf_puts(b, "\"/>");
	}
	cell_xy(port - w0, &x, &y);
	pd_buf_printf(b, "<circle cx=\"%u\" cy=\"%u\" r=\"7\" fill=\"none\" stroke=\"#fff\" stroke-width=\"4\"/>"
			 "<circle cx=\"%u\" cy=\"%u\" r=\"7\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>",
		      x + 5, y + 5, x + 5, y + 5);
}

int pd_map_svg(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer, struct pd_buf *out)
{
	return pd__map_svg(reg, port, layer, PD_LANG_EN, NULL, out);
}

int pd_map_svg_site(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer,
		    const struct pd_site_opts *o, struct pd_buf *out)
{
	return pd__map_svg(reg, port, layer, pd__site_lang(o), o, out);
}

int pd__map_svg(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer, int lang,
		const struct pd_site_opts *o, struct pd_buf *out)
{
	unsigned w0 = port / 1024 * 1024;

	if (port > 65535 || (o && (!o->root || !o->ext)))
		return PD_EINVAL;
	switch (layer) {
	case PD_MAP_WINDOW:
		header(out, "");
		window(reg, w0, lang, o, out);
		break;
	case PD_MAP_FULL: {
		char extra[64];
		snprintf(extra, sizeof(extra), " role=\"img\" aria-labelledby=\"pd-map-t%u\"", w0);
		header(out, extra);
		window(reg, w0, lang, o, out);
		overlay(reg, port, out);
		break;
	}
	case PD_MAP_OVERLAY:
		header(out, " class=\"overlay\" aria-hidden=\"true\"");
		overlay(reg, port, out);
		break;
	default:
		return PD_EINVAL;
	}
	pd_buf_puts(out, "</svg>");
	return out->err;
}

/* The map of a range class: a square per window of 1,024 ports, labelled
 * with the share of its ports assigned on some transport (darker: more),
 * each a link to the first port of the window in the range, titled with
 * its counts. */
void pd__map_range(const struct pd_registry *reg, const struct pd_site_opts *o, unsigned first, unsigned last,
		   struct pd_buf *b)
{
	enum { SIDE = 44, GAP = 4, PER_ROW = 8 };
	unsigned w0 = first / 1024, w1 = last / 1024, n = w1 - w0 + 1;
	unsigned rows = (n + PER_ROW - 1) / PER_ROW, wide = n < PER_ROW ? n : PER_ROW;
	int lang = pd__site_lang(o);
	char root[PD__ROOT_MAX], n1[PD__NUM_MAX], n2[PD__NUM_MAX], n3[PD__NUM_MAX];
	const char *lr = pd__lroot(o, root);

	pd_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rangemap\" viewBox=\"0 0 %u %u\" "
			 "width=\"%u\" height=\"%u\" role=\"group\" aria-label=\"",
		      wide * (SIDE + GAP), rows * (SIDE + GAP), wide * (SIDE + GAP), rows * (SIDE + GAP));
	put_tr(b, lang, M_map_range_label, first, last);
	pd_buf_puts(b, "\">");
	for (unsigned w = w0; w <= w1; w++) {
		unsigned a = w * 1024 > first ? w * 1024 : first, z = w * 1024 + 1023 < last ? w * 1024 + 1023 : last;
		unsigned cnt[3] = { 0 }, i = w - w0, x = i % PER_ROW * (SIDE + GAP), y = i / PER_ROW * (SIDE + GAP);
		unsigned pct;
		for (unsigned p = a; p <= z; p++)
			cnt[pd_registry_port_status(reg, p)]++;
		pct = (cnt[PD_ASSIGNED] * 100 + (z - a + 1) / 2) / (z - a + 1);
		pd_buf_puts(b, "<a href=\"");
		pd_buf_html(b, lr);
		pd_buf_printf(b, "port/%u", a);
		pd_buf_html(b, o->ext);
		pd_buf_puts(b, "\"><title>");
		put_tr(b, lang, M_map_range_cell, a, z, pd__num_str(n1, lang, cnt[PD_ASSIGNED]),
		       pd__num_str(n2, lang, cnt[PD_RESERVED]), pd__num_str(n3, lang, cnt[PD_UNASSIGNED]));
		pd_buf_printf(b, "</title><rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\" "
				 "stroke=\"#1d4f7c\"/><text x=\"%u\" y=\"%u\" font-size=\"11\" "
				 "font-family=\"sans-serif\" text-anchor=\"middle\" fill=\"%s\">",
			      x, y, SIDE, SIDE, pct >= 50 ? "#1d4f7c" : pct >= 10 ? "#8fb3d4" : "#e9edf2", x + SIDE / 2,
			      y + SIDE / 2 + 4, pct >= 50 ? "#fff" : "#1b1f24");
		pd__pct(b, lang, (double)pct, 0);
		pd_buf_puts(b, "</text></a>");
	}
	pd_buf_puts(b, "</svg>");
}
