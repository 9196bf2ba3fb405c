/* diff.c: what changed between two registries */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"

struct key {
	const struct pd_registry *reg;
	uint32_t idx;
};

/* Order by (first, last, proto, name); equal keys are the same assignment. */
static int cmp_same(const struct key *a, const struct key *b)
{
	const struct pd__img_entry *ea = &a->reg->entries[a->idx], *eb = &b->reg->entries[b->idx];

	if (ea->first != eb->first)
		return ea->first < eb->first ? -1 : 1;
	if (ea->last != eb->last)
		return ea->last < eb->last ? -1 : 1;
	if (ea->proto != eb->proto)
		return ea->proto < eb->proto ? -1 : 1;
	return strcasecmp(pd__str(a->reg, ea->str[PD__S_NAME]), pd__str(b->reg, eb->str[PD__S_NAME]));
}

static int cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c = cmp_same(a, b);

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static struct key *collect(const struct pd_registry *reg, size_t *n)
{
	struct key *k = malloc((reg->h->n_entries + 1) * sizeof(*k));

	*n = 0;
	if (!k)
		return NULL;
	for (uint32_t i = 0; i < reg->h->n_entries; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		if (e->has_port && e->status == PD_ASSIGNED) {
			k[*n].reg = reg;
			k[(*n)++].idx = i;
		}
	}
	qsort(k, *n, sizeof(*k), cmp_key);
	return k;
}

static int same_fields(const struct pd_entry *a, const struct pd_entry *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->description, b->description) &&
	       !strcmp(a->assignee, b->assignee) && !strcmp(a->contact, b->contact) &&
	       !strcmp(a->registered, b->registered) && !strcmp(a->modified, b->modified) &&
	       !strcmp(a->refs, b->refs) && !strcmp(a->notes, b->notes) &&
	       !strcmp(a->unauthorized, b->unauthorized) && !strcmp(a->service_code, b->service_code);
}

int pd_registry_diff(const struct pd_registry *old_r, const struct pd_registry *new_r, pd_diff_fn fn,
		     void *ctx)
{
	size_t no, nn, i = 0, j = 0;
	struct key *ko = collect(old_r, &no), *kn = collect(new_r, &nn);
	struct pd_entry a, b;
	int rc = 0;

	if (!ko || !kn) {
		rc = PD_ENOMEM;
		goto out;
	}
	while (i < no || j < nn) {
		int c = i == no ? 1 : j == nn ? -1 : cmp_same(&ko[i], &kn[j]);
		if (c < 0) {
			pd__entry_view(old_r, ko[i++].idx, &a);
			fn(ctx, PD_REMOVED, &a, NULL);
		} else if (c > 0) {
			pd__entry_view(new_r, kn[j++].idx, &b);
			fn(ctx, PD_ADDED, NULL, &b);
		} else {
			pd__entry_view(old_r, ko[i++].idx, &a);
			pd__entry_view(new_r, kn[j++].idx, &b);
			if (!same_fields(&a, &b))
				fn(ctx, PD_CHANGED, &a, &b);
		}
	}
out:
	free(ko);
	free(kn);
	return rc;
}
