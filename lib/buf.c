/* buf.c: the growable string buffer used for all text, JSON and HTML output */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdex.h"

static int grow(struct pd_buf *b, size_t need)
{
	size_t want, ncap;
	char *p;

	if (b->err)
		return b->err;
	if (need > SIZE_MAX - b->len - 1)
		return b->err = PD_ENOMEM;
	want = b->len + need + 1;
	if (b->max && want - 1 > b->max)
		return b->err = PD_ETOOBIG;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	p = realloc(b->s, ncap);
	if (!p)
		return b->err = PD_ENOMEM;
	b->s = p;
	b->cap = ncap;
	return 0;
}

void pd_buf_add(struct pd_buf *b, const char *s, size_t n)
{
	if (grow(b, n))
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void pd_buf_puts(struct pd_buf *b, const char *s)
{
	pd_buf_add(b, s, strlen(s));
}

void pd_buf_putc(struct pd_buf *b, char c)
{
	pd_buf_add(b, &c, 1);
}

void pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[256];

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!b->err)
			b->err = PD_EINVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		pd_buf_add(b, small, (size_t)n);
		return;
	}
	if (grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void pd_buf_json_str(struct pd_buf *b, const char *s)
{
	const unsigned char *p;
	const unsigned char *run;

	if (!s) {
		pd_buf_add(b, "null", 4);
		return;
	}
	pd_buf_putc(b, '"');
	run = (const unsigned char *)s;
	for (p = run; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			continue;
		pd_buf_add(b, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': pd_buf_add(b, "\\\"", 2); break;
		case '\\': pd_buf_add(b, "\\\\", 2); break;
		case '\n': pd_buf_add(b, "\\n", 2); break;
		case '\t': pd_buf_add(b, "\\t", 2); break;
		case '\r': pd_buf_add(b, "\\r", 2); break;
		default: pd_buf_printf(b, "\\u%04x", *p); break;
		}
		run = p + 1;
	}
	pd_buf_add(b, (const char *)run, (size_t)(p - run));
	pd_buf_putc(b, '"');
}

void pd_buf_html(struct pd_buf *b, const char *s)
{
	const char *run = s;

	for (const char *p = s; *p; p++) {
		const char *rep;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		pd_buf_add(b, run, (size_t)(p - run));
		pd_buf_puts(b, rep);
		run = p + 1;
	}
	pd_buf_puts(b, run);
}

void pd_buf_wrap(struct pd_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	int first = 1;

	for (;;) {
		size_t wl = 0;
		while (*p == ' ')
			p++;
		if (*p == '\n') {
			pd_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				pd_buf_putc(b, ' ');
			col = indent;
			first = 1;
			p++;
			continue;
		}
		if (!*p)
			break;
		while (p[wl] && p[wl] != ' ' && p[wl] != '\n')
			wl++;
		if (!first && col + 1 + wl > width) {
			pd_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				pd_buf_putc(b, ' ');
			col = indent;
		} else if (!first) {
			pd_buf_putc(b, ' ');
			col++;
		}
		pd_buf_add(b, p, wl);
		col += wl;
		p += wl;
		first = 0;
	}
	pd_buf_putc(b, '\n');
}

const char *pd_buf_str(const struct pd_buf *b)
{
	return b->s ? b->s : "";
}

char *pd_buf_detach(struct pd_buf *b)
{
	char *s = b->s;

	if (!s)
		s = calloc(1, 1);
	b->s = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return s;
}

void pd_buf_release(struct pd_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}
