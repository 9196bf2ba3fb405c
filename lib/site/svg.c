/* svg.c: the map of a port's neighbourhood, readable without colour:
 * assigned ports are solid, reserved ports hatched, unassigned ports
 * light; the block has a dashed outline and the port a ring and a label */
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

/* Each cell a link to its port's page (under o->root, with o->ext), with
 * a title naming the port, its status and its first service; out of the
 * tab order (a page's own links and the search reach every port), and
 * target _top for a map shown in an <object>. */
static void cell_links(const struct pd_registry *reg, unsigned w0, const enum pd_status *st,
		       const struct pd_site_opts *o, struct pd_buf *b)
{
	static const char *const names[3] = { "unassigned", "reserved", "assigned" };

	pd_buf_puts(b, "<g fill-opacity=\"0\">");
	for (unsigned i = 0; i < 1024; i++) {
		unsigned x, y;
		uint32_t idx;
		struct pd_entry e;
		cell_xy(i, &x, &y);
		pd_buf_puts(b, "<a href=\"");
		pd_buf_html(b, o->root);
		pd_buf_printf(b, "port/%u", w0 + i);
		pd_buf_html(b, o->ext);
		pd_buf_printf(b, "\" target=\"_top\" tabindex=\"-1\"><title>%u: %s", w0 + i, names[st[i]]);
		for (int t = 0; st[i] == PD_ASSIGNED && t < PD_NPROTO; t++)
			if (pd_registry_lookup(reg, w0 + i, t, &idx, 1) && !pd_registry_entry(reg, idx, &e) &&
			    e.status == PD_ASSIGNED && *e.name) {
				pd_buf_puts(b, ", ");
				pd_buf_html(b, e.name);
				break;
			}
		pd_buf_printf(b, "</title><rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\"/></a>", x, y, PITCH, PITCH);
	}
	pd_buf_puts(b, "</g>");
}

static void window(const struct pd_registry *reg, unsigned w0, const struct pd_site_opts *o, struct pd_buf *b)
{
	unsigned count[3] = { 0 };
	enum pd_status st[1024];

	for (unsigned i = 0; i < 1024; i++) {
		st[i] = pd_registry_port_status(reg, w0 + i);
		count[st[i]]++;
	}
	pd_buf_printf(b, "<title id=\"pd-map-t%u\">Ports %u-%u by status</title>", w0, w0, w0 + 1023);
	pd_buf_printf(b, "<desc>A grid of 32 rows of 32 ports, from %u at the top left to %u at the bottom "
			 "right. %u are assigned (solid), %u reserved (hatched) and %u unassigned (light).</desc>",
		      w0, w0 + 1023, count[PD_ASSIGNED], count[PD_RESERVED], count[PD_UNASSIGNED]);
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
		cell_links(reg, w0, st, o, b);
	/* legend */
	{
		static const char *const names[3] = { "unassigned", "reserved", "assigned" };
		int y = Y0 + GRID + 12;
		for (int k = 0; k < 3; k++) {
			int x = X0 + k * 100;
			pd_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#555\" stroke-width=\"0.5\"/>"
					 "<text x=\"%d\" y=\"%d\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#222\">%s (%u)</text>",
				      x, y, fills[2 - k], x + 14, y + 9, names[2 - k], count[2 - k]);
		}
		y += 20;
		pd_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"#b3001b\" "
				 "stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
				 "font-family=\"sans-serif\" fill=\"#222\">the block (unassigned on every transport)</text>",
			      X0, y, X0 + 14, y + 9);
		pd_buf_printf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>"
				 "<text x=\"%d\" y=\"%d\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#222\">the port</text>",
			      X0 + 265, y + 5, X0 + 276, y + 9);
	}
}

/* The block's outline: every cell edge between a block port and a port
 * outside it; the port: a ring and its number. */
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
	pd_buf_printf(b, "<text x=\"%u\" y=\"%u\" font-size=\"11\" font-weight=\"bold\" font-family=\"sans-serif\" "
			 "text-anchor=\"%s\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">%u</text>",
		      (port - w0) % COLS < COLS / 2 ? x + 14 : x - 4, y + 9,
		      (port - w0) % COLS < COLS / 2 ? "start" : "end", port);
}

int pd_map_svg(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer, struct pd_buf *out)
{
	return pd_map_svg_site(reg, port, layer, NULL, out);
}

int pd_map_svg_site(const struct pd_registry *reg, unsigned port, enum pd_map_layer layer,
		    const struct pd_site_opts *o, struct pd_buf *out)
{
	unsigned w0 = port / 1024 * 1024;

	if (port > 65535 || (o && (!o->root || !o->ext)))
		return PD_EINVAL;
	switch (layer) {
	case PD_MAP_WINDOW:
		header(out, "");
		window(reg, w0, o, out);
		break;
	case PD_MAP_FULL: {
		char extra[64];
		snprintf(extra, sizeof(extra), " role=\"img\" aria-labelledby=\"pd-map-t%u\"", w0);
		header(out, extra);
		window(reg, w0, o, out);
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

	pd_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rangemap\" viewBox=\"0 0 %u %u\" "
			 "width=\"%u\" height=\"%u\" role=\"group\" aria-label=\"Ports %u-%u by thousands\">",
		      wide * (SIDE + GAP), rows * (SIDE + GAP), wide * (SIDE + GAP), rows * (SIDE + GAP), first, last);
	for (unsigned w = w0; w <= w1; w++) {
		unsigned a = w * 1024 > first ? w * 1024 : first, z = w * 1024 + 1023 < last ? w * 1024 + 1023 : last;
		unsigned cnt[3] = { 0 }, i = w - w0, x = i % PER_ROW * (SIDE + GAP), y = i / PER_ROW * (SIDE + GAP);
		unsigned pct;
		for (unsigned p = a; p <= z; p++)
			cnt[pd_registry_port_status(reg, p)]++;
		pct = (cnt[PD_ASSIGNED] * 100 + (z - a + 1) / 2) / (z - a + 1);
		pd_buf_puts(b, "<a href=\"");
		pd_buf_html(b, o->root);
		pd_buf_printf(b, "port/%u", a);
		pd_buf_html(b, o->ext);
		pd_buf_printf(b, "\"><title>%u-%u: %u assigned, %u reserved, %u unassigned</title>"
				 "<rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\" "
				 "stroke=\"#1d4f7c\"/><text x=\"%u\" y=\"%u\" font-size=\"11\" "
				 "font-family=\"sans-serif\" text-anchor=\"middle\" fill=\"%s\">%u%%</text></a>",
			      a, z, cnt[PD_ASSIGNED], cnt[PD_RESERVED], cnt[PD_UNASSIGNED], x, y, SIDE, SIDE,
			      pct >= 50 ? "#1d4f7c" : pct >= 10 ? "#8fb3d4" : "#e9edf2", x + SIDE / 2, y + SIDE / 2 + 4,
			      pct >= 50 ? "#fff" : "#1b1f24", pct);
	}
	pd_buf_puts(b, "</svg>");
}
