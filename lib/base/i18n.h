/* i18n.h: the site's words in each language (data/i18n/, one .cat file per language, compiled by
 * tools/mkcat.sh into msgs.h and msgs.c), and numbers, dates and lists
 * written as each language writes them. (i18n.c) */
#ifndef PD_I18N_H
#define PD_I18N_H

#include <stdarg.h>

#include "portdex.h"
#include "msgs.h"

/* The language of an option's code (NULL: English); an unknown code is
 * English too (pd_lang_parse has refused it before it reached here). */
int pd__lang_of(const char *code);

/* The text of message id in lang: a printf format whose conversions are
 * positional (tools/mkcat.sh). Never NULL. */
const char *pd__msg(int lang, enum pd__msg id);
/* Appends message id of lang with its arguments, in the types its English
 * text gives them (the catalogues are checked to agree). */
void pd__tr(struct pd_buf *b, int lang, enum pd__msg id, ...);
/* Message id of lang with its arguments into buf (n bytes, cut short as
 * vsnprintf cuts); returns vsnprintf's length. Allocates nothing. */
int pd__vsnmsg(char *buf, size_t n, int lang, enum pd__msg id, va_list ap);
/* The same with a va_list (for callers that escape the result) */
void pd__vtr(struct pd_buf *b, int lang, enum pd__msg id, va_list ap);
/* The same, the formatted message then given to put (an escaping of the
 * caller's: HTML text, an SVG title) to append to b */
void pd__vtr_with(struct pd_buf *b, void (*put)(struct pd_buf *, const char *), int lang, enum pd__msg id,
		  va_list ap);

/* A count as lang writes it: 66,397 (en, ms), 66 397 (fr, U+202F). Port
 * numbers are names, not counts: print them plainly. */
void pd__num(struct pd_buf *b, int lang, unsigned long long n);
/* The same into buf (at least PD__NUM_MAX bytes), returned; allocates
 * nothing */
#define PD__NUM_MAX 40
const char *pd__num_str(char *buf, int lang, unsigned long long n);
/* A decimal number with `decimals` digits after the point (or comma),
 * trailing zeros kept, no grouping; pct adds the percent sign as lang
 * writes it (0.5%, 0,5 %). */
void pd__dec(struct pd_buf *b, int lang, double v, int decimals);
void pd__pct(struct pd_buf *b, int lang, double v, int decimals);
/* A date given as YYYY-MM-DD or YYYY-MM: as it is in English (ISO 8601,
 * as the registry writes it), "17 août 2026" or "août 2026" in French,
 * "17 Ogos 2026" or "Ogos 2026" in Malay; anything that is not such a
 * date is appended as it is. */
void pd__date(struct pd_buf *b, int lang, const char *iso);
/* The same into s (n bytes, cut if need be), with no allocation: s */
#define PD__DATE_MAX 64 /* enough for any date of the three languages */
const char *pd__date_str(char *s, size_t n, int lang, const char *iso);
/* The separator before item i (0-based) of n in a list: "", ", " or
 * " and " / " et " / " dan ". */
void pd__list_sep(struct pd_buf *b, int lang, size_t i, size_t n);
/* The transports of mask (bits 1 << PD_TCP ...) as a list of lang:
 * "tcp and udp" (pd_proto_name), or by names[] ("TCP et UDP") */
void pd__proto_list(struct pd_buf *b, int lang, unsigned mask, const char *const names[PD_NPROTO]);

/* The registry's source (pd_registry_source) as a page in lang names it:
 * "(compiled in)" in lang's words; appended raw (the caller escapes it).
 * (lib/registry/image.c) */
void pd__registry_source(struct pd_buf *b, const struct pd_registry *reg, int lang);

#endif
