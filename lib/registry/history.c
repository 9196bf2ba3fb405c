/* history.c: what the registration dates say about a block's past
 *
 * Every port gets a key: the date from which it has been taken (assigned or
 * reserved on some transport), 0 if taken since before dates were
 * recorded, KEY_FREE if it is unassigned on every transport today. An
 * undated "Reserved" row of a single port is part of the dated
 * registration of the same port: IANA reserves the other transports in the
 * same action. At a time T the port was free iff its key is later than T,
 * so walking the dates of the ports at the block's edges backwards gives
 * the block as it was before each registration. */
#include <stdio.h>
#include <string.h>

#include "image.h"

#define KEY_FREE 0xffffffffu

static uint32_t hist_key(const struct pd_registry *reg, unsigned port)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);
	uint32_t latest = 0, key = KEY_FREE;
	int claims = 0;

	for (int t = 0; t < PD_NPROTO; t++) {
		const uint32_t *l = &reg->lists[s->list[t]];
		for (uint32_t k = 0; k < l[0]; k++) {
			const struct pd__img_entry *e = &reg->entries[l[1 + k]];
			if (e->status == PD_UNASSIGNED)
				continue;
			claims++;
			if (e->date > latest)
				latest = e->date;
		}
	}
	if (!claims)
		return KEY_FREE;
	for (int t = 0; t < PD_NPROTO; t++) {
		const uint32_t *l = &reg->lists[s->list[t]];
		for (uint32_t k = 0; k < l[0]; k++) {
			const struct pd__img_entry *e = &reg->entries[l[1 + k]];
			uint32_t d = e->date;
			if (e->status == PD_UNASSIGNED)
				continue;
			if (!d && e->status == PD_RESERVED && e->first == e->last)
				d = latest;
			if (!d)
				return 0;
			if (d < key)
				key = d;
		}
	}
	return key;
}

static void add_event(const struct pd_registry *reg, unsigned port, uint32_t key, unsigned a,
		      unsigned b, struct pd_history *out, size_t max, size_t *n)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);
	uint32_t ix = UINT32_MAX;
	struct pd_history *h;

	for (int t = 0; t < PD_NPROTO && ix == UINT32_MAX; t++) {
		const uint32_t *l = &reg->lists[s->list[t]];
		for (uint32_t k = 0; k < l[0] && ix == UINT32_MAX; k++)
			if (reg->entries[l[1 + k]].date == key)
				ix = l[1 + k];
	}
	if (*n < max) {
		h = &out[*n];
		memset(h, 0, sizeof(*h));
		if (key % 100)
			snprintf(h->date, sizeof(h->date), "%04u-%02u-%02u", key / 10000 % 10000,
				 key / 100 % 100, key % 100);
		else
			snprintf(h->date, sizeof(h->date), "%04u-%02u", key / 10000 % 10000, key / 100 % 100);
		h->port = port;
		h->proto = PD_PROTO_ANY;
		h->service = "";
		if (ix != UINT32_MAX) {
			const struct pd__img_entry *e = &reg->entries[ix];
			h->proto = e->proto == PD__NOPROTO ? PD_PROTO_ANY : e->proto;
			h->service = pd__str(reg, e->str[PD__S_NAME]);
		}
		h->before_first = a;
		h->before_last = b;
	}
	(*n)++;
}

/* Every port of a segment has the same records, so the same key: the walks
 * below step a segment at a time, which keeps history cheap inside the
 * 16,384-port dynamic block too. */

/* The lowest port p <= from such that every port of p..from has key k
 * (exact) or a key of k or later; from + 1 if from itself has not.
 * reach_up: the highest such port above from; from - 1 if none. */
static unsigned reach_down(const struct pd_registry *reg, unsigned from, uint32_t k, int exact)
{
	unsigned p = from + 1;

	while (p > 0) {
		const struct pd__img_seg *s = pd__seg_find(reg, p - 1);
		uint32_t key = hist_key(reg, p - 1);
		if (exact ? key != k : key < k)
			break;
		p = s->first;
	}
	return p;
}

static unsigned reach_up(const struct pd_registry *reg, unsigned from, uint32_t k, int exact)
{
	long q = (long)from - 1; /* the last accepted port */

	while (q < 65535) {
		const struct pd__img_seg *s = pd__seg_find(reg, (unsigned)(q + 1));
		uint32_t key = hist_key(reg, (unsigned)(q + 1));
		if (exact ? key != k : key < k)
			break;
		q = s->last;
	}
	return (unsigned)q;
}

size_t pd_registry_history(const struct pd_registry *reg, unsigned port, struct pd_history *out,
			   size_t max)
{
	unsigned a, b; /* the block at the current point in time */
	size_t n = 0;
	int empty;     /* the port itself is taken today: no block yet */

	if (port > 65535)
		return 0;
	a = b = port;
	empty = hist_key(reg, port) != KEY_FREE;
	if (!empty) {
		a = reach_down(reg, port, KEY_FREE, 1);
		b = reach_up(reg, port, KEY_FREE, 1);
	}
	while (n < max) {
		uint32_t ka = 0, kb = 0, k;
		unsigned na, nb;

		if (empty) {
			ka = kb = hist_key(reg, port);
		} else {
			if (a > 0)
				ka = hist_key(reg, a - 1);
			if (b < 65535)
				kb = hist_key(reg, b + 1);
		}
		k = ka > kb ? ka : kb;
		if (!k || k == KEY_FREE)
			break;
		/* the block just before date k: every port taken on k or later was free */
		na = reach_down(reg, empty ? port : a - 1, k, 0);
		nb = reach_up(reg, empty ? port : b + 1, k, 0);
		if (!empty) {
			na = na < a ? na : a;
			nb = nb > b ? nb : b;
		}
		for (unsigned p = na; p <= nb && n < max;) {
			const struct pd__img_seg *s = pd__seg_find(reg, p);
			unsigned last = s->last < nb ? s->last : nb;
			if ((empty || p < a || p > b) && hist_key(reg, p) == k)
				for (unsigned q = p; q <= last && n < max; q++)
					if (empty || q < a || q > b)
						add_event(reg, q, k, na, nb, out, max, &n);
			if (!empty && p < a && last >= a)
				last = a - 1; /* skip the old block */
			p = (!empty && p >= a && p <= b) ? b + 1 : last + 1;
			if (p == 0)
				break;
		}
		a = na;
		b = nb;
		empty = 0;
	}
	return n < max ? n : max;
}
