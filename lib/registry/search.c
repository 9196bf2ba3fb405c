/* search.c: ranked search over service names and descriptions */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "util.h"

#define MAX_WORDS 8
#define WORD_LEN 64

struct hit {
	uint32_t score, idx;
};

/* Is w (lower-case) a prefix of some word of s? */
static int has_word(const char *s, const char *w, size_t wl)
{
	for (const char *p = s; *p; p++) {
		if (p != s && isalnum((unsigned char)p[-1]))
			continue;
		if (!strncasecmp(p, w, wl))
			return 1;
	}
	return 0;
}

static int cmp_hit(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}


/* Same name on the same ports counts once (tcp and udp rows of one service). */
static int same_service(const struct pd_registry *reg, uint32_t x, uint32_t y)
{
	const struct pd__img_entry *a = &reg->entries[x], *b = &reg->entries[y];

	return a->first == b->first && a->last == b->last && a->has_port == b->has_port &&
	       !strcasecmp(pd__str(reg, a->str[PD__S_NAME]), pd__str(reg, b->str[PD__S_NAME])) &&
	       (*pd__str(reg, a->str[PD__S_NAME]) ||
		!strcmp(pd__str(reg, a->str[PD__S_DESC]), pd__str(reg, b->str[PD__S_DESC])));
}

int pd_registry_search(const struct pd_registry *reg, const char *words, uint32_t *out, size_t max,
		       size_t *found)
{
	char w[MAX_WORDS][WORD_LEN];
	size_t wl[MAX_WORDS];
	size_t nw = 0, nh = 0, n = 0;
	struct hit *hits;
	uint32_t ne = reg->h->n_entries;
	const char *p = words;

	while (*p && nw < MAX_WORDS) {
		size_t l = 0;
		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.' || *p == '_')) {
			if (l < WORD_LEN - 1)
				w[nw][l++] = (char)tolower((unsigned char)*p);
			p++;
		}
		if (l) {
			w[nw][l] = '\0';
			wl[nw++] = l;
		}
	}
	*found = 0;
	if (!nw)
		return 0;
	hits = malloc(ne * sizeof(*hits));
	if (!hits)
		return PD_ENOMEM;
	for (uint32_t i = 0; i < ne; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		const char *name = pd__str(reg, e->str[PD__S_NAME]);
		const char *desc = pd__str(reg, e->str[PD__S_DESC]);
		uint32_t score = 0;
		size_t all = 1;

		if (nw == 1 && *name && !strcasecmp(name, w[0]))
			score = 1000;
		else if (*name && !strncasecmp(name, w[0], wl[0]))
			score = 500 - (uint32_t)(strlen(name) - wl[0] < 100 ? strlen(name) - wl[0] : 99);
		for (size_t k = 0; k < nw; k++) {
			int in_name = *name && has_word(name, w[k], wl[k]);
			int in_desc = has_word(desc, w[k], wl[k]);
			if (!in_name && !in_desc)
				all = 0;
		}
		if (all && !score)
			score = 100;
		if (score && e->status != PD_ASSIGNED)
			score /= 2;
		if (score) {
			hits[nh].score = score;
			hits[nh++].idx = i;
		}
	}
	if (!nh) {
		/* typo-tolerant fallback: names within a small edit distance */
		unsigned limit = wl[0] <= 4 ? 1 : 2;
		for (uint32_t i = 0; i < ne && nw == 1; i++) {
			const char *name = pd__str(reg, reg->entries[i].str[PD__S_NAME]);
			unsigned d;
			if (!*name)
				continue;
			d = pd__distance(name, w[0]);
			if (d <= limit) {
				/* closer first; then names that start like the query */
				hits[nh].score = 10 * (3 - d) + (tolower((unsigned char)*name) == w[0][0]) * 5;
				hits[nh++].idx = i;
			}
		}
	}
	qsort(hits, nh, sizeof(*hits), cmp_hit);
	for (size_t i = 0; i < nh; i++) {
		int dup = 0;
		for (size_t j = 0; j < n && j < max && !dup; j++)
			dup = same_service(reg, out[j], hits[i].idx);
		if (dup)
			continue;
		if (n < max)
			out[n] = hits[i].idx;
		n++;
		if (n >= max)
			break;
	}
	free(hits);
	*found = n;
	return 0;
}

void pd_registry_service_transports(const struct pd_registry *reg, const struct pd_entry *e,
				    struct pd_buf *b)
{
	uint32_t idx[64];
	size_t k = *e->name ? pd_registry_find_name(reg, e->name, idx, 64) : 0;
	unsigned mask = 0;
	int n = 0;

	if (k > 64)
		k = 64;
	for (size_t i = 0; i < k; i++) {
		struct pd_entry x;
		if (pd_registry_entry(reg, idx[i], &x) || x.first != e->first || x.last != e->last ||
		    x.has_port != e->has_port)
			continue;
		mask |= x.proto == PD_PROTO_ANY ? 0xfu : 1u << x.proto;
	}
	if (!mask && e->proto != PD_PROTO_ANY)
		mask = 1u << e->proto;
	for (int t = 0; t < PD_NPROTO; t++)
		if (mask & (1u << t))
			pd_buf_printf(b, "%s%s", n++ ? "," : "", pd_proto_name(t));
}
