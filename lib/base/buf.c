/* buf.c: the growable string buffer used for all text, JSON and HTML output */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdex.h"
#include "util.h"

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

void pd_buf_vprintf(struct pd_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;
	char small[256];

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		if (!b->err)
			b->err = PD_EINVAL;
	} else if ((size_t)n < sizeof(small)) {
		pd_buf_add(b, small, (size_t)n);
	} else if (!grow(b, (size_t)n)) {
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* ---- characters that must not reach a terminal as they are ---- */

size_t pd__utf8_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* What output never carries as it is: C0 controls, DEL, C1 controls, the
 * Unicode Bidi_Control characters (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069) and the line and paragraph separators U+2028, U+2029. */
int pd__hidden_char(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x61c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The character at p (n >= 1 bytes left, not printable ASCII): returns its
 * length and writes into esc its visible form ("\x1b", "\u202e", "\xff"
 * for a byte that is not UTF-8), or "" when it is shown as it is. */
static size_t visible(const unsigned char *p, size_t n, char esc[8])
{
	uint32_t c;
	size_t len = pd__utf8_char(p, n, &c);

	esc[0] = '\0';
	if (!len)
		snprintf(esc, 8, "\\x%02x", p[0]);
	else if (pd__hidden_char(c))
		snprintf(esc, 8, c < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)c);
	return len ? len : 1;
}

void pd_buf_text_n(struct pd_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	while (p < end) {
		char esc[8];
		size_t len;
		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			continue;
		}
		len = visible(p, (size_t)(end - p), esc);
		if (*esc) {
			pd_buf_add(b, (const char *)run, (size_t)(p - run));
			pd_buf_puts(b, esc);
			run = p + len;
		}
		p += len;
	}
	pd_buf_add(b, (const char *)run, (size_t)(p - run));
}

void pd_buf_text(struct pd_buf *b, const char *s)
{
	if (s)
		pd_buf_text_n(b, s, strlen(s));
}

/* The columns pd_buf_text_n(s, n) takes: one per character */
static size_t text_width(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t w = 0;

	while (p < end) {
		char esc[8];
		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			w++;
			continue;
		}
		p += visible(p, (size_t)(end - p), esc);
		w += *esc ? strlen(esc) : 1;
	}
	return w;
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
	for (p = run; *p;) {
		uint32_t c = 0;
		size_t len;
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			p++;
			continue;
		}
		len = 1;
		if (*p >= 0x80) {
			/* valid UTF-8 as it is, but for the characters of hidden();
			 * 4: the decoder stops at the NUL, which continues nothing */
			len = pd__utf8_char(p, 4, &c);
			if (len && !pd__hidden_char(c)) {
				p += len;
				continue;
			}
		}
		pd_buf_add(b, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': pd_buf_add(b, "\\\"", 2); break;
		case '\\': pd_buf_add(b, "\\\\", 2); break;
		case '\n': pd_buf_add(b, "\\n", 2); break;
		case '\t': pd_buf_add(b, "\\t", 2); break;
		case '\r': pd_buf_add(b, "\\r", 2); break;
		default:
			if (*p < 0x80)
				pd_buf_printf(b, "\\u%04x", *p);
			else if (len)
				pd_buf_printf(b, "\\u%04x", (unsigned)c);
			else
				pd_buf_add(b, "\\ufffd", 6); /* not UTF-8: JSON cannot carry the byte */
			break;
		}
		p += len ? len : 1;
		run = p;
	}
	pd_buf_add(b, (const char *)run, (size_t)(p - run));
	pd_buf_putc(b, '"');
}

void pd_buf_html(struct pd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	while (*p) {
		const char *rep;
		char esc[8];
		size_t len = 1;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (*p >= 0x20 && *p < 0x7f) {
				p++;
				continue;
			}
			/* shown as text, as on a terminal: a character reference
			 * would still be the control character in the page */
			len = visible(p, 4, esc); /* stops at the NUL, as above */
			if (!*esc) {
				p += len;
				continue;
			}
			rep = esc;
			break;
		}
		pd_buf_add(b, (const char *)run, (size_t)(p - run));
		pd_buf_puts(b, rep);
		p += len;
		run = p;
	}
	pd_buf_add(b, (const char *)run, (size_t)(p - run));
}

void pd_buf_wrap(struct pd_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	int first = 1;

	for (;;) {
		size_t wl, w;
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
		wl = strcspn(p, " \n");
		w = text_width(p, wl);
		if (!first && col + 1 + w > width) {
			pd_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				pd_buf_putc(b, ' ');
			col = indent;
		} else if (!first) {
			pd_buf_putc(b, ' ');
			col++;
		}
		pd_buf_text_n(b, p, wl);
		col += w;
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
