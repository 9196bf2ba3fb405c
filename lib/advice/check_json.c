/* check_json.c: the check and suggest documents (jw.h) */
#include "check.h"
#include "image.h"
#include "jw.h"

void pd__reason_jw(struct pd__jw *w, const struct pd_reason *r)
{
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "topic", r->topic);
	pd__jw_kstr(w, "rule", r->rule);
	pd__jw_kstr(w, "weight", pd_verdict_name(r->weight));
	pd__jw_kstr(w, "text", r->text);
	pd__jw_end_object(w);
}

/* check and suggest say "both" for tcp and udp together */
static const char *transport_name(int proto)
{
	return proto == PD_PROTO_ANY ? "both" : pd_proto_name(proto);
}

static void ports(struct pd__jw *w, const char *key, const unsigned *v, size_t n)
{
	pd__jw_key(w, key);
	pd__jw_begin_array(w);
	for (size_t i = 0; i < n; i++)
		pd__jw_uint(w, v[i]);
	pd__jw_end_array(w);
}

int pd_check_json(const struct pd_registry *reg, const struct pd_check *k, const unsigned *alt, size_t nalt,
		  struct pd_buf *out)
{
	struct pd__jw w;

	if (!reg || !k || !out || (nalt && !alt) || k->proto < PD_PROTO_ANY || k->proto >= PD_NPROTO)
		return PD_EINVAL;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kuint(&w, "port", k->port);
	pd__jw_kstr(&w, "transport", transport_name(k->proto));
	pd__jw_kstr(&w, "verdict", pd_verdict_name(k->verdict));
	pd__jw_key(&w, "reasons");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < k->nreasons; i++)
		pd__reason_jw(&w, &k->reasons[i]);
	pd__jw_end_array(&w);
	ports(&w, "alternatives", alt, nalt);
	pd__registry_jw(&w, "registry", reg);
	pd__jw_end_object(&w);
	return out->err;
}

void pd_suggest_note_collect(void *ctx, unsigned port, const struct pd_reason *why)
{
	struct pd_suggest_notes *n = ctx;

	if (!port) {
		if (n->nrelaxed < sizeof(n->relaxed) / sizeof(n->relaxed[0]))
			n->relaxed[n->nrelaxed++] = *why;
		return;
	}
	if (n->nskipped < PD_SUGGEST_NOTES_MAX) {
		n->port[n->nskipped] = port;
		n->skipped[n->nskipped++] = *why;
	}
	n->total++;
}

int pd_suggest_json(const struct pd_registry *reg, const struct pd_suggest_opts *o, const unsigned *found,
		    size_t n, const struct pd_suggest_notes *notes, long hold, struct pd_buf *out)
{
	static const struct pd_suggest_notes none;
	struct pd__jw w;

	if (!notes)
		notes = &none;
	if (!reg || !o || !out || (n && !found) || o->proto < PD_PROTO_ANY || o->proto >= PD_NPROTO ||
	    notes->nskipped > PD_SUGGEST_NOTES_MAX ||
	    notes->nrelaxed > sizeof(notes->relaxed) / sizeof(notes->relaxed[0]))
		return PD_EINVAL;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "name", o->name);
	ports(&w, "ports", found, n);
	pd__jw_kstr(&w, "transport", transport_name(o->proto));
	pd__jw_key(&w, "range");
	pd__jw_begin_object(&w);
	pd__jw_kuint(&w, "first", o->first);
	pd__jw_kuint(&w, "last", o->last);
	pd__jw_end_object(&w);
	pd__registry_jw(&w, "registry", reg);
	pd__jw_key(&w, "skipped");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < notes->nskipped; i++) {
		pd__jw_begin_object(&w);
		pd__jw_kuint(&w, "port", notes->port[i]);
		pd__jw_key(&w, "reason");
		pd__reason_jw(&w, &notes->skipped[i]);
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_kuint(&w, "skipped_count", notes->total);
	pd__jw_key(&w, "relaxed");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < notes->nrelaxed; i++)
		pd__reason_jw(&w, &notes->relaxed[i]);
	pd__jw_end_array(&w);
	pd__jw_key(&w, "hold");
	if (hold >= 0)
		pd__jw_int(&w, hold);
	else
		pd__jw_null(&w);
	pd__jw_end_object(&w);
	return out->err;
}
