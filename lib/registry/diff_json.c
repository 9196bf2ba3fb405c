/* diff_json.c: the change report between two registries as JSON (the
 * document of `portdex diff --json` and `portdex update --json`), and the
 * counts every change report gives (jw.h) */
#include "image.h"
#include "jw.h"

static const char *const change_key[] = { "added", "changed", "removed" };

void pd_diff_count(struct pd_diff_counts *c, const struct pd_diff_item *d)
{
	c->n[d->kind][d->what]++;
	if (d->kind == PD_DIFF_STATUS)
		c->pairs += (unsigned long)(d->last - d->first + 1) * (unsigned)__builtin_popcount(d->protos);
}

/* A transport, or null for a record that names none */
static void transport(struct pd__jw *w, int proto)
{
	pd__jw_kstr(w, "transport", proto == PD_PROTO_ANY ? NULL : pd_proto_name(proto));
}

/* {"name", "first", "last", "transport", "description"}; first and last are
 * null for a record without a port */
static void entry_brief(struct pd__jw *w, const struct pd_entry *e)
{
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "name", e->name);
	if (e->has_port) {
		pd__jw_kuint(w, "first", e->first);
		pd__jw_kuint(w, "last", e->last);
	} else {
		pd__jw_key(w, "first");
		pd__jw_null(w);
		pd__jw_key(w, "last");
		pd__jw_null(w);
	}
	transport(w, e->proto);
	pd__jw_kstr(w, "description", e->description);
	pd__jw_end_object(w);
}

static void bounds(struct pd__jw *w, const char *key, const struct pd_entry *rows, size_t n)
{
	pd__jw_key(w, key);
	pd__jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		pd__jw_begin_object(w);
		pd__jw_kuint(w, "first", rows[i].first);
		pd__jw_kuint(w, "last", rows[i].last);
		pd__jw_end_object(w);
	}
	pd__jw_end_array(w);
}

static void fields(struct pd__jw *w, unsigned mask)
{
	pd__jw_key(w, "fields");
	pd__jw_begin_array(w);
	for (int f = 0; f < PD_NFIELDS; f++)
		if (mask & (1u << f))
			pd__jw_str(w, pd_field_name((enum pd_field)f));
	pd__jw_end_array(w);
}

struct report {
	struct pd__jw w;
	struct pd_diff_counts counts;
};

static void change(void *ctx, const struct pd_diff_item *d)
{
	struct report *r = ctx;
	struct pd__jw *w = &r->w;
	const struct pd_entry *x = d->new_e ? d->new_e : d->old_e;

	pd_diff_count(&r->counts, d);
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "kind", pd_diff_kind_name(d->kind));
	pd__jw_kstr(w, "change", change_key[d->what]);
	switch (d->kind) {
	case PD_DIFF_STATUS:
		pd__jw_kuint(w, "first", d->first);
		pd__jw_kuint(w, "last", d->last);
		pd__jw_key(w, "transports");
		pd__jw_protos(w, d->protos);
		pd__jw_kstr(w, "from", pd_status_name(d->old_status));
		pd__jw_kstr(w, "to", pd_status_name(d->new_status));
		break;
	case PD_DIFF_RANGE:
		x = d->n_old ? d->old_rows : d->new_rows;
		transport(w, x->proto);
		pd__jw_kstr(w, "status", pd_status_name(x->status));
		pd__jw_kstr(w, "description", x->description);
		bounds(w, "from", d->old_rows, d->n_old);
		bounds(w, "to", d->new_rows, d->n_new);
		break;
	default:
		pd__jw_key(w, "entry");
		entry_brief(w, x);
		if (d->what == PD_CHANGED)
			fields(w, d->fields);
		break;
	}
	pd__jw_end_object(w);
}

int pd_diff_json(const struct pd_registry *old_r, const struct pd_registry *new_r, struct pd_buf *out)
{
	struct report r = { .counts = { 0 } };
	const unsigned *n;
	int rc;

	if (!old_r || !new_r || !out)
		return PD_EINVAL;
	pd__jw_init(&r.w, out);
	pd__jw_begin_object(&r.w);
	pd__registry_jw(&r.w, "old", old_r);
	pd__registry_jw(&r.w, "new", new_r);
	pd__jw_key(&r.w, "changes");
	pd__jw_begin_array(&r.w);
	rc = pd_registry_diff(old_r, new_r, change, &r);
	if (rc)
		return rc;
	pd__jw_end_array(&r.w);
	pd__jw_key(&r.w, "counts");
	pd__jw_begin_object(&r.w);
	pd__jw_key(&r.w, "status");
	pd__jw_begin_object(&r.w);
	pd__jw_kuint(&r.w, "changed", r.counts.pairs);
	pd__jw_end_object(&r.w);
	for (int k = PD_DIFF_RANGE; k < PD_DIFF_NKINDS; k++) {
		pd__jw_key(&r.w, pd_diff_kind_name((enum pd_diff_kind)k));
		pd__jw_begin_object(&r.w);
		for (int c = PD_ADDED; c <= PD_REMOVED; c++)
			pd__jw_kuint(&r.w, change_key[c], r.counts.n[k][c]);
		pd__jw_end_object(&r.w);
	}
	pd__jw_end_object(&r.w);
	/* assignments, as before the other kinds were reported */
	n = r.counts.n[PD_DIFF_ASSIGNMENT];
	for (int c = PD_ADDED; c <= PD_REMOVED; c++)
		pd__jw_kuint(&r.w, change_key[c], n[c]);
	pd__jw_end_object(&r.w);
	return out->err;
}
