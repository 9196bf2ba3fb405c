/* suggest.c: ports for a new service. Candidates are visited in a fixed
 * pseudo-random order (a Feistel network keyed by the service's name, or
 * by getrandom), and the first that check good are suggested. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "i18n.h"

/* ---- the walk ---- */

static uint64_t mix64(uint64_t z)
{
	/* splitmix64's finalizer */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void pd__walk_init(struct pd__walk *w, uint64_t key, uint32_t n)
{
	memset(w, 0, sizeof(*w));
	w->key = key;
	w->n = n;
	w->half_bits = 1;
	while ((1ull << (2 * w->half_bits)) < n)
		w->half_bits++;
	w->domain = n ? 1ull << (2 * w->half_bits) : 0;
}

/* A bijection of 0..domain-1: four Feistel rounds on two halves. */
static uint64_t permute(const struct pd__walk *w, uint64_t i)
{
	uint64_t mask = (1ull << w->half_bits) - 1, l = i >> w->half_bits, r = i & mask;

	for (uint64_t round = 1; round <= 4; round++) {
		uint64_t f = mix64(w->key + round * 0x9e3779b97f4a7c15ull + r) & mask;
		uint64_t t = r;
		r = l ^ f;
		l = t;
	}
	return (l << w->half_bits) | r;
}

int pd__walk_next(struct pd__walk *w, uint32_t *out)
{
	while (w->i < w->domain) {
		uint64_t v = permute(w, w->i++);
		if (v < w->n) {
			*out = (uint32_t)v;
			return 1;
		}
	}
	return 0;
}

uint64_t pd__name_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p - 'A' + 'a') : *p;
		h ^= c;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t random_key(void)
{
	uint64_t k;
	struct timespec ts;

	if (getrandom(&k, sizeof(k), 0) == (ssize_t)sizeof(k))
		return k;
	clock_gettime(CLOCK_REALTIME, &ts);
	return mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40));
}

/* ---- rules that would exclude the whole range ---- */

/* Tells o->note that a rule was not applied, with message id of the
 * check's language about first-last */
static void note_relaxed(const struct pd_suggest_opts *o, const char *topic, const char *rule, enum pd__msg id)
{
	struct pd_reason r;

	if (!o->note)
		return;
	memset(&r, 0, sizeof(r));
	r.weight = PD_GOOD;
	snprintf(r.topic, sizeof(r.topic), "%s", topic);
	r.rule = rule;
	pd__reason_printf(r.text, sizeof(r.text), pd__lang_of(o->check.lang), id, o->first, o->last);
	o->note(o->ctx, 0, &r);
}

static unsigned relaxed_rules(const struct pd_suggest_opts *o, const struct pd_host *h)
{
	unsigned relaxed = 0, unpriv = h->unpriv_start >= 0 ? (unsigned)h->unpriv_start : 1024;

	if (o->last <= 1023) {
		relaxed |= PD__BIT(PD__R_SYSTEM);
		note_relaxed(o, "registry", "system-range", M_suggest_relaxed_system);
	}
	if (o->last < unpriv) {
		relaxed |= PD__BIT(PD__R_PRIVILEGED) | PD__BIT(PD__R_BIND_DENIED);
		note_relaxed(o, "host", "privileged", M_suggest_relaxed_privileged);
	}
	if (o->first >= 49152) {
		relaxed |= PD__BIT(PD__R_DYNAMIC);
		note_relaxed(o, "registry", "dynamic-range", M_suggest_relaxed_dynamic);
	}
	if (o->first >= PD__LINUX_EPH_FIRST) {
		relaxed |= PD__BIT(PD__R_OS_EPHEMERAL);
		note_relaxed(o, "host", "other-os-ephemeral", M_suggest_relaxed_ephemeral);
	}
	return relaxed;
}

int pd_suggest(const struct pd_registry *reg, const struct pd_suggest_opts *o, unsigned *out)
{
	struct pd__ctx x;
	struct pd_check tmp;
	struct pd__walk w;
	unsigned relaxed, all = (1u << PD__R_COUNT) - 1;
	uint32_t y;
	size_t found = 0;
	int rc;

	if (!reg || !o || !out || o->count < 1 || o->count > 1000 || o->first > o->last || o->last > 65535 ||
	    (o->proto != PD_TCP && o->proto != PD_UDP && o->proto != PD_PROTO_ANY))
		return PD_EINVAL;
	memset(&tmp, 0, sizeof(tmp));
	for (size_t i = 0; o->hold_fds && i < 4 * o->count; i++)
		o->hold_fds[i] = -1;
	rc = pd__ctx_init(&x, reg, &o->check);
	if (rc)
		goto out;
	pd__ctx_listen(&x, o->first, o->last, o->proto, 0);
	relaxed = relaxed_rules(o, &x.host);
	pd__walk_init(&w, o->name ? pd__name_key(o->name) : random_key(), o->last - o->first + 1);
	while (found < o->count && pd__walk_next(&w, &y)) {
		unsigned port = o->first + y, hits;
		tmp.nreasons = 0;
		hits = pd__evaluate(&x, port, o->proto, relaxed, all, o->note ? &tmp : NULL,
				    o->hold_fds ? &o->hold_fds[4 * found] : NULL);
		if (x.oom) {
			rc = PD_ENOMEM;
			goto out;
		}
		if (!hits) {
			out[found++] = port;
			continue;
		}
		/* only this host's rules turned it down: say so, since another
		 * machine may suggest it */
		if (o->note && !(hits & ~PD__HOST_RULES) && tmp.nreasons)
			o->note(o->ctx, port, &tmp.reasons[tmp.nreasons - 1]);
	}
	rc = (int)found;
out:
	if (rc < 0)
		for (size_t i = 0; o->hold_fds && i < 4 * o->count; i++)
			if (o->hold_fds[i] >= 0) {
				close(o->hold_fds[i]);
				o->hold_fds[i] = -1;
			}
	pd_check_release(&tmp);
	pd__ctx_release(&x);
	return rc;
}
