/* diff.c: what changed between two registries.
 *
 * Four kinds of change, reported in this order:
 *   status      (port, transport) pairs whose status changed, as runs of
 *               consecutive ports with the same change; transports with
 *               identical runs are reported together
 *   range       rows of more than one port that are not assignments
 *               ("Unassigned", "Reserved"): overlapping rows of the same
 *               transport, status and description form a group, reported
 *               when its bounds differ
 *   assignment  records with a port and a name, keyed by (port range,
 *               transport, name), with the fields that changed
 *   name        records with a name and no port, keyed by (name,
 *               transport) */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "util.h"

const char *pd_diff_kind_name(enum pd_diff_kind k)
{
	static const char *const names[] = { "status", "range", "assignment", "name" };

	return (unsigned)k < PD_DIFF_NKINDS ? names[k] : "?";
}

const char *pd_field_name(enum pd_field f)
{
	static const char *const names[] = { "name", "description", "assignee", "contact", "registered",
					     "modified", "references", "notes", "unauthorized_use",
					     "service_code" };

	return (unsigned)f < PD_NFIELDS ? names[f] : "?";
}

/* the image string of each pd_field */
static const int field_str[PD_NFIELDS] = { PD__S_NAME, PD__S_DESC, PD__S_ASSIGNEE, PD__S_CONTACT,
					   PD__S_REGISTERED, PD__S_MODIFIED, PD__S_REFS, PD__S_NOTES,
					   PD__S_UNAUTH, PD__S_SCODE };

static unsigned changed_fields(const struct pd_registry *ra, const struct pd__img_entry *a,
			       const struct pd_registry *rb, const struct pd__img_entry *b)
{
	unsigned m = 0;

	for (int f = 0; f < PD_NFIELDS; f++)
		if (strcmp(pd__str(ra, a->str[field_str[f]]), pd__str(rb, b->str[field_str[f]])))
			m |= 1u << f;
	return m;
}

/* A growable array of fixed-size items. */
struct vec {
	void *v;
	size_t n, cap, size;
};

static void *vec_push(struct vec *a)
{
	if (pd__grow(&a->v, a->n, &a->cap, a->size, 64))
		return NULL;
	return (char *)a->v + a->n++ * a->size;
}

/* qsort of a vec, which is NULL while empty */
static void vec_sort(struct vec *a, int (*cmp)(const void *, const void *))
{
	if (a->n)
		qsort(a->v, a->n, a->size, cmp);
}

/* ---- status ---- */
struct run {
	unsigned first, last;
	unsigned protos;
	uint8_t from, to;
};

static int cmp_run(const void *x, const void *y)
{
	const struct run *a = x, *b = y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return (a->protos > b->protos) - (a->protos < b->protos);
}

/* Walks both registries' segments together: between two boundaries of
 * either, every transport's status is constant on both sides. */
static int diff_status(const struct pd_registry *ra, const struct pd_registry *rb, pd_diff_fn fn, void *ctx)
{
	struct vec runs = { NULL, 0, 0, sizeof(struct run) };
	struct run open[PD_NPROTO];
	int has[PD_NPROTO] = { 0 };
	size_t i = 0, j = 0, k, m;
	unsigned p = 0;
	int rc = 0;

	for (;;) {
		const struct pd__img_seg *a = &ra->segs[i], *b = &rb->segs[j];
		unsigned end = a->last < b->last ? a->last : b->last;
		for (int t = 0; t < PD_NPROTO; t++) {
			int changed = a->status[t] != b->status[t];
			if (has[t] && changed && open[t].last + 1 == p && open[t].from == a->status[t] &&
			    open[t].to == b->status[t]) {
				open[t].last = end;
				continue;
			}
			if (has[t]) {
				struct run *r = vec_push(&runs);
				if (!r) {
					rc = PD_ENOMEM;
					goto out;
				}
				*r = open[t];
				has[t] = 0;
			}
			if (changed) {
				open[t] = (struct run){ p, end, 1u << t, a->status[t], b->status[t] };
				has[t] = 1;
			}
		}
		if (end == 65535)
			break;
		p = end + 1;
		if (a->last == end)
			i++;
		if (b->last == end)
			j++;
	}
	for (int t = 0; t < PD_NPROTO; t++) {
		struct run *r;
		if (!has[t])
			continue;
		if (!(r = vec_push(&runs))) {
			rc = PD_ENOMEM;
			goto out;
		}
		*r = open[t];
	}
	/* the same run on several transports: one change */
	vec_sort(&runs, cmp_run);
	for (k = 0; k < runs.n; k = m) {
		struct run *r = (struct run *)runs.v + k;
		struct pd_diff_item d;
		unsigned protos = 0;
		for (m = k; m < runs.n; m++) {
			struct run *s = (struct run *)runs.v + m;
			if (s->first != r->first || s->last != r->last || s->from != r->from || s->to != r->to)
				break;
			protos |= s->protos;
		}
		memset(&d, 0, sizeof(d));
		d.kind = PD_DIFF_STATUS;
		d.what = PD_CHANGED;
		d.first = r->first;
		d.last = r->last;
		d.protos = protos;
		d.old_status = (enum pd_status)r->from;
		d.new_status = (enum pd_status)r->to;
		fn(ctx, &d);
	}
out:
	free(runs.v);
	return rc;
}

/* ---- range rows ---- */
struct row {
	const struct pd_registry *reg;
	uint32_t idx;
	int side;        /* 0 old, 1 new */
};

static const struct pd__img_entry *row_entry(const struct row *r)
{
	return &r->reg->entries[r->idx];
}

static int is_range_row(const struct pd_registry *reg, const struct pd__img_entry *e)
{
	return e->has_port && e->last > e->first && !*pd__str(reg, e->str[PD__S_NAME]);
}

/* Same group: transport, status, description (any case). */
static int cmp_group(const struct row *a, const struct row *b)
{
	const struct pd__img_entry *ea = row_entry(a), *eb = row_entry(b);

	if (ea->proto != eb->proto)
		return ea->proto < eb->proto ? -1 : 1;
	if (ea->status != eb->status)
		return ea->status < eb->status ? -1 : 1;
	return strcasecmp(pd__str(a->reg, ea->str[PD__S_DESC]), pd__str(b->reg, eb->str[PD__S_DESC]));
}

static int cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	const struct pd__img_entry *ea = row_entry(a), *eb = row_entry(b);
	int c = cmp_group(a, b);

	if (c)
		return c;
	if (ea->first != eb->first)
		return ea->first < eb->first ? -1 : 1;
	if (ea->last != eb->last)
		return ea->last < eb->last ? -1 : 1;
	if (a->side != b->side)
		return a->side - b->side;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* A group of overlapping rows: rows[at..at+n) of the sorted array. */
struct component {
	size_t at, n;
	unsigned first;
};

static int cmp_component(const void *x, const void *y)
{
	const struct component *a = x, *b = y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return (a->at > b->at) - (a->at < b->at);
}

/* 1 when the old and new rows of a component have the same bounds */
static int same_bounds(const struct row *rows, size_t n)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < n && rows[i].side != 0)
			i++;
		while (j < n && rows[j].side != 1)
			j++;
		if (i == n || j == n)
			return i == n && j == n;
		if (row_entry(&rows[i])->first != row_entry(&rows[j])->first ||
		    row_entry(&rows[i])->last != row_entry(&rows[j])->last)
			return 0;
		i++;
		j++;
	}
}

static int report_component(const struct row *rows, size_t n, pd_diff_fn fn, void *ctx)
{
	struct pd_entry *e = malloc(n * sizeof(*e));
	struct pd_diff_item d;
	size_t no = 0, nn = 0;

	if (!e)
		return PD_ENOMEM;
	/* old rows first, then new rows, each by first port */
	for (size_t k = 0; k < n; k++)
		if (rows[k].side == 0)
			pd__entry_view(rows[k].reg, rows[k].idx, &e[no++]);
	for (size_t k = 0; k < n; k++)
		if (rows[k].side == 1)
			pd__entry_view(rows[k].reg, rows[k].idx, &e[no + nn++]);
	memset(&d, 0, sizeof(d));
	d.kind = PD_DIFF_RANGE;
	d.what = !no ? PD_ADDED : !nn ? PD_REMOVED : PD_CHANGED;
	d.first = e[0].first;
	d.last = e[0].last;
	for (size_t k = 0; k < n; k++) {
		if (e[k].first < d.first)
			d.first = e[k].first;
		if (e[k].last > d.last)
			d.last = e[k].last;
	}
	d.protos = e[0].proto == PD_PROTO_ANY ? (1u << PD_NPROTO) - 1 : 1u << e[0].proto;
	d.old_status = d.new_status = e[0].status;
	d.old_rows = no ? e : NULL;
	d.n_old = no;
	d.new_rows = nn ? e + no : NULL;
	d.n_new = nn;
	fn(ctx, &d);
	free(e);
	return 0;
}

static int diff_ranges(const struct pd_registry *ra, const struct pd_registry *rb, pd_diff_fn fn, void *ctx)
{
	struct vec rows = { NULL, 0, 0, sizeof(struct row) };
	struct vec comps = { NULL, 0, 0, sizeof(struct component) };
	const struct pd_registry *regs[2] = { ra, rb };
	struct row *r;
	size_t k, m;
	int rc = 0;

	for (int side = 0; side < 2; side++)
		for (uint32_t i = 0; i < regs[side]->h->n_entries; i++) {
			if (!is_range_row(regs[side], &regs[side]->entries[i]))
				continue;
			if (!(r = vec_push(&rows))) {
				rc = PD_ENOMEM;
				goto out;
			}
			*r = (struct row){ regs[side], i, side };
		}
	vec_sort(&rows, cmp_row);
	r = rows.v;
	/* components: within a group, rows sorted by first port that overlap
	 * the rows before them */
	for (k = 0; k < rows.n; k = m) {
		unsigned last = row_entry(&r[k])->last;
		struct component *c;
		for (m = k + 1; m < rows.n && !cmp_group(&r[k], &r[m]) && row_entry(&r[m])->first <= last; m++)
			if (row_entry(&r[m])->last > last)
				last = row_entry(&r[m])->last;
		if (same_bounds(r + k, m - k))
			continue;
		if (!(c = vec_push(&comps))) {
			rc = PD_ENOMEM;
			goto out;
		}
		*c = (struct component){ k, m - k, row_entry(&r[k])->first };
	}
	vec_sort(&comps, cmp_component);
	for (k = 0; k < comps.n && !rc; k++) {
		const struct component *c = (const struct component *)comps.v + k;
		rc = report_component(r + c->at, c->n, fn, ctx);
	}
out:
	free(rows.v);
	free(comps.v);
	return rc;
}

/* ---- assignments and name-only records ---- */
struct key {
	const struct pd_registry *reg;
	uint32_t idx;
};

/* Assignments by (first, last, proto, name), name-only records by (name,
 * proto). Equal keys are the same record. */
static int cmp_same(const struct key *a, const struct key *b)
{
	const struct pd__img_entry *ea = &a->reg->entries[a->idx], *eb = &b->reg->entries[b->idx];
	int c;

	if (ea->has_port) {
		if (ea->first != eb->first)
			return ea->first < eb->first ? -1 : 1;
		if (ea->last != eb->last)
			return ea->last < eb->last ? -1 : 1;
		if (ea->proto != eb->proto)
			return ea->proto < eb->proto ? -1 : 1;
	}
	c = strcasecmp(pd__str(a->reg, ea->str[PD__S_NAME]), pd__str(b->reg, eb->str[PD__S_NAME]));
	if (c || ea->has_port || ea->proto == eb->proto)
		return c;
	return ea->proto < eb->proto ? -1 : 1;
}

static int cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c = cmp_same(a, b);

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* Assignments (has_port 1) or name-only records (has_port 0), sorted. */
static struct key *collect(const struct pd_registry *reg, int has_port, size_t *n)
{
	struct key *k = malloc((reg->h->n_entries + 1) * sizeof(*k));

	*n = 0;
	if (!k)
		return NULL;
	for (uint32_t i = 0; i < reg->h->n_entries; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		if (!!e->has_port == has_port && *pd__str(reg, e->str[PD__S_NAME])) {
			k[*n].reg = reg;
			k[(*n)++].idx = i;
		}
	}
	qsort(k, *n, sizeof(*k), cmp_key);
	return k;
}

static int diff_records(const struct pd_registry *ra, const struct pd_registry *rb, int has_port, pd_diff_fn fn,
			void *ctx)
{
	size_t no, nn, i = 0, j = 0;
	struct key *ko = collect(ra, has_port, &no), *kn = collect(rb, has_port, &nn);
	struct pd_entry a, b;
	struct pd_diff_item d;
	int rc = 0;

	if (!ko || !kn) {
		rc = PD_ENOMEM;
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.kind = has_port ? PD_DIFF_ASSIGNMENT : PD_DIFF_NAME;
	while (i < no || j < nn) {
		int c = i == no ? 1 : j == nn ? -1 : cmp_same(&ko[i], &kn[j]);
		d.old_e = d.new_e = NULL;
		d.fields = 0;
		if (c < 0) {
			pd__entry_view(ra, ko[i++].idx, &a);
			d.what = PD_REMOVED;
			d.old_e = &a;
		} else if (c > 0) {
			pd__entry_view(rb, kn[j++].idx, &b);
			d.what = PD_ADDED;
			d.new_e = &b;
		} else {
			d.fields = changed_fields(ra, &ra->entries[ko[i].idx], rb, &rb->entries[kn[j].idx]);
			pd__entry_view(ra, ko[i++].idx, &a);
			pd__entry_view(rb, kn[j++].idx, &b);
			if (!d.fields)
				continue;
			d.what = PD_CHANGED;
			d.old_e = &a;
			d.new_e = &b;
		}
		{
			const struct pd_entry *x = d.new_e ? d.new_e : d.old_e;
			d.first = x->first;
			d.last = x->last;
			d.protos = x->proto == PD_PROTO_ANY ? (1u << PD_NPROTO) - 1 : 1u << x->proto;
			d.old_status = d.old_e ? d.old_e->status : PD_UNASSIGNED;
			d.new_status = d.new_e ? d.new_e->status : PD_UNASSIGNED;
		}
		fn(ctx, &d);
	}
out:
	free(ko);
	free(kn);
	return rc;
}

int pd_registry_diff(const struct pd_registry *old_r, const struct pd_registry *new_r, pd_diff_fn fn,
		     void *ctx)
{
	int rc;

	if ((rc = diff_status(old_r, new_r, fn, ctx)) || (rc = diff_ranges(old_r, new_r, fn, ctx)) ||
	    (rc = diff_records(old_r, new_r, 1, fn, ctx)))
		return rc;
	return diff_records(old_r, new_r, 0, fn, ctx);
}
