/* i18n.c: languages, messages, and numbers, dates and lists as each
 * language writes them */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

_Static_assert(PD__CAT_LANGS == PD_NLANG, "data/i18n has a catalogue per language of enum pd_lang");

static const char *const codes[PD_NLANG] = { "en", "fr", "ms" };

int pd_lang_parse(const char *s)
{
	size_t n;

	if (!s)
		return PD_EINVAL;
	n = strcspn(s, "-_");
	if (n != 2 || (s[n] && !s[n + 1]))
		return PD_EINVAL;
	for (int l = 0; l < PD_NLANG; l++)
		if (!strncasecmp(s, codes[l], 2))
			return l;
	return PD_EINVAL;
}

const char *pd_lang_code(int lang)
{
	return lang >= 0 && lang < PD_NLANG ? codes[lang] : NULL;
}

const char *pd_lang_name(int lang)
{
	return lang >= 0 && lang < PD_NLANG ? pd__msgs[lang][M_lang_name] : NULL;
}

int pd__lang_of(const char *code)
{
	int l = code ? pd_lang_parse(code) : PD_LANG_EN;

	return l < 0 ? PD_LANG_EN : l;
}

/* q of one Accept-Language item's parameters (";q=0.5"): 0-1000, or -1
 * when malformed */
static int qvalue(const char *p, const char *end)
{
	int q = 1000;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		if (*p++ != ';')
			return -1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') {
			/* another parameter: skip it */
			while (p < end && *p != ';')
				p++;
			continue;
		}
		p += 2;
		if (p < end && *p == '1') {
			q = 1000;
			p++;
			if (p < end && *p == '.')
				for (p++; p < end && *p == '0'; p++)
					;
		} else if (p < end && *p == '0') {
			int scale = 100;

			q = 0;
			p++;
			if (p < end && *p == '.')
				for (p++; p < end && *p >= '0' && *p <= '9' && scale; p++, scale /= 10)
					q += (*p - '0') * scale;
		} else {
			return -1;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != ';')
			return -1;
	}
	return q;
}

int pd_lang_negotiate(const char *h)
{
	int best = PD_LANG_EN, bestq = 0;
	int seen[PD_NLANG] = { 0 };

	if (!h || strlen(h) > 1024)
		return PD_LANG_EN;
	while (*h) {
		const char *item = h, *end = strchr(h, ',');
		size_t tag;
		int q, l = -1;

		if (!end)
			end = h + strlen(h);
		h = *end ? end + 1 : end;
		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		tag = strcspn(item, ";, \t");
		if (item + tag > end)
			tag = (size_t)(end - item);
		q = qvalue(item + tag, end);
		if (q < 0 || tag == 0)
			continue;
		if (tag == 1 && *item == '*') {
			continue; /* any language: English, the default, already is */
		} else {
			char code[3];

			if (tag < 2 || (tag > 2 && (item[2] != '-' || tag == 3)))
				continue;
			code[0] = item[0], code[1] = item[1], code[2] = 0;
			l = pd_lang_parse(code);
		}
		if (l < 0 || seen[l])
			continue;
		seen[l] = 1;
		if (q > bestq) {
			best = l;
			bestq = q;
		}
	}
	return best;
}

const char *pd__msg(int lang, enum pd__msg id)
{
	if (lang < 0 || lang >= PD_NLANG)
		lang = PD_LANG_EN;
	return (unsigned)id < PD__NMSG ? pd__msgs[lang][id] : "";
}

int pd__vsnmsg(char *buf, size_t n, int lang, enum pd__msg id, va_list ap)
{
	int len;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	len = vsnprintf(buf, n, pd__msg(lang, id), ap);
#pragma GCC diagnostic pop
	return len;
}

void pd__vtr(struct pd_buf *b, int lang, enum pd__msg id, va_list ap)
{
	/* the catalogues are checked to agree with the English conversions,
	 * which the callers' arguments follow (tools/mkcat.sh) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	pd_buf_vprintf(b, pd__msg(lang, id), ap);
#pragma GCC diagnostic pop
}

void pd__vtr_with(struct pd_buf *b, void (*put)(struct pd_buf *, const char *), int lang, enum pd__msg id,
		  va_list ap)
{
	struct pd_buf t = PD_BUF_INIT;

	pd__vtr(&t, lang, id, ap);
	if (t.err && !b->err)
		b->err = t.err;
	put(b, pd_buf_str(&t));
	pd_buf_release(&t);
}

void pd__tr(struct pd_buf *b, int lang, enum pd__msg id, ...)
{
	va_list ap;

	va_start(ap, id);
	pd__vtr(b, lang, id, ap);
	va_end(ap);
}

static const char *group_sep(int lang)
{
	return lang == PD_LANG_FR ? "\u202f" : ",";
}

const char *pd__num_str(char *buf, int lang, unsigned long long n)
{
	char digits[24];
	const char *sep = group_sep(lang);
	size_t seplen = strlen(sep), k = 0;
	int len = snprintf(digits, sizeof digits, "%llu", n);

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0 && len > 4) {
			memcpy(buf + k, sep, seplen);
			k += seplen;
		}
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	return buf;
}

void pd__num(struct pd_buf *b, int lang, unsigned long long n)
{
	char s[PD__NUM_MAX];

	pd_buf_puts(b, pd__num_str(s, lang, n));
}

void pd__dec(struct pd_buf *b, int lang, double v, int decimals)
{
	char s[64], *dot;

	snprintf(s, sizeof s, "%.*f", decimals, v);
	dot = strchr(s, '.');
	if (dot && lang == PD_LANG_FR)
		*dot = ',';
	pd_buf_puts(b, s);
}

void pd__pct(struct pd_buf *b, int lang, double v, int decimals)
{
	pd__dec(b, lang, v, decimals);
	pd_buf_puts(b, lang == PD_LANG_FR ? "\u202f%" : "%");
}

const char *pd__date_str(char *s, size_t n, int lang, const char *iso)
{
	unsigned y, m, d;
	int end = 0;

	/* a day: "17 août 2026"; a month (the registry's older dates are
	 * YYYY-MM): "août 2026"; English, and anything else, as it is */
	if (lang != PD_LANG_EN && sscanf(iso, "%4u-%2u-%2u%n", &y, &m, &d, &end) == 3 && !iso[end] && end == 10 &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31)
		snprintf(s, n, "%u%s %s %u", d, lang == PD_LANG_FR && d == 1 ? "er" : "",
			 pd__msg(lang, (enum pd__msg)(M_month_1 + (int)m - 1)), y);
	else if (lang != PD_LANG_EN && (end = 0, sscanf(iso, "%4u-%2u%n", &y, &m, &end) == 2) && !iso[end] &&
		 end == 7 && m >= 1 && m <= 12)
		snprintf(s, n, "%s %u", pd__msg(lang, (enum pd__msg)(M_month_1 + (int)m - 1)), y);
	else
		snprintf(s, n, "%s", iso);
	return s;
}

void pd__date(struct pd_buf *b, int lang, const char *iso)
{
	char s[PD__DATE_MAX];

	/* what is not a date goes as it is, whatever its length */
	pd_buf_puts(b, strlen(iso) < 16 ? pd__date_str(s, sizeof(s), lang, iso) : iso);
}

void pd__proto_list(struct pd_buf *b, int lang, unsigned mask, const char *const names[PD_NPROTO])
{
	size_t n = 0, total = (size_t)__builtin_popcount(mask & ((1u << PD_NPROTO) - 1));

	for (int t = 0; t < PD_NPROTO; t++) {
		if (!(mask & (1u << t)))
			continue;
		pd__list_sep(b, lang, n++, total);
		pd_buf_puts(b, names ? names[t] : pd_proto_name(t));
	}
}

void pd__list_sep(struct pd_buf *b, int lang, size_t i, size_t n)
{
	if (i == 0)
		return;
	if (i + 1 < n) {
		pd_buf_puts(b, ", ");
		return;
	}
	pd_buf_putc(b, ' ');
	pd_buf_puts(b, pd__msg(lang, M_list_and));
	pd_buf_putc(b, ' ');
}
