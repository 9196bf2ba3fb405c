/* search.h: what search.c shares with the tests: the names people know
 * ports by (data/products.tsv), parsed */
#ifndef PD_SEARCH_H
#define PD_SEARCH_H

#include "portdex.h"

#define PD__PRODUCT_NAMES 12

struct pd__product {
	const char *names[PD__PRODUCT_NAMES]; /* as written, the usual name first */
	char *norm[PD__PRODUCT_NAMES];        /* the same as search words ("remote desktop") */
	size_t nnames;
	const char *what, *source;
	unsigned first, last, protos;
	size_t line;                          /* 1-based line of the file */
};

struct pd__products {
	char *text;                 /* owned copy the fields point into */
	char *norm;                 /* owned: the normalized names, back to back */
	struct pd__product *v;
	size_t n;
	size_t bad_lines;           /* lines that did not parse (skipped) */
	size_t first_bad;           /* the first of them, 1-based, or 0 */
};

/* Parses products.tsv text (see its header). Bad lines are counted and
 * skipped; errors are PD_ENOMEM only. */
int pd__products_parse(struct pd__products *p, const char *text, size_t len) PD_WUR;
void pd__products_release(struct pd__products *p);
/* The compiled-in file, parsed once per process (thread-safe, read-only). */
int pd__products_shared(const struct pd__products **out) PD_WUR;
/* Search words: runs of ASCII letters and digits, with - + . _ inside,
 * lower-cased and joined by one space, into out (size n); returns the
 * number of words (those that fit). */
size_t pd__search_norm(const char *s, char *out, size_t n);

#endif
