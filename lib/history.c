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

size_t pd_registry_history(const struct pd_registry *reg, unsigned port, struct pd_history *out,
			   size_t max)
{
	unsigned a, b; /* the block at the current point in time; empty if a > b */
	size_t n = 0;
	int empty;

	if (port > 65535)
		return 0;
	a = b = port;
	empty = hist_key(reg, port) != KEY_FREE;
	if (!empty) {
		while (a > 0 && hist_key(reg, a - 1) == KEY_FREE)
			a--;
		while (b < 65535 && hist_key(reg, b + 1) == KEY_FREE)
			b++;
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
		na = empty ? port : a;
		nb = empty ? port : b;
		while (na > 0 && hist_key(reg, na - 1) >= k)
			na--;
		while (nb < 65535 && hist_key(reg, nb + 1) >= k)
			nb++;
		for (unsigned p = na; p <= nb && n < max; p++) {
			if (!empty && p >= a && p <= b)
				continue;
			if (hist_key(reg, p) == k)
				add_event(reg, p, k, na, nb, out, max, &n);
		}
		a = na;
		b = nb;
		empty = 0;
	}
	return n < max ? n : max;
}
