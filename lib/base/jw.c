/* jw.c: the JSON writer (jw.h) */
#include "jw.h"

void pd__jw_init(struct pd__jw *w, struct pd_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->has_items = 0;
	w->after_key = 0;
}

/* Before a value or a key: the comma that separates it from the last one */
static void separate(struct pd__jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth) {
		uint32_t bit = 1u << (w->depth - 1);
		if (w->has_items & bit)
			pd_buf_putc(w->b, ',');
		w->has_items |= bit;
	}
}

static void begin(struct pd__jw *w, char c)
{
	if (w->depth >= PD__JW_DEPTH) {
		if (!w->b->err)
			w->b->err = PD_EINVAL;
		return;
	}
	separate(w);
	pd_buf_putc(w->b, c);
	w->depth++;
	w->has_items &= ~(1u << (w->depth - 1));
}

static void end(struct pd__jw *w, char c)
{
	if (!w->depth) {
		if (!w->b->err)
			w->b->err = PD_EINVAL;
		return;
	}
	w->depth--;
	w->after_key = 0;
	pd_buf_putc(w->b, c);
}

void pd__jw_begin_object(struct pd__jw *w) { begin(w, '{'); }
void pd__jw_end_object(struct pd__jw *w) { end(w, '}'); }
void pd__jw_begin_array(struct pd__jw *w) { begin(w, '['); }
void pd__jw_end_array(struct pd__jw *w) { end(w, ']'); }

void pd__jw_key(struct pd__jw *w, const char *key)
{
	separate(w);
	pd_buf_json_str(w->b, key);
	pd_buf_putc(w->b, ':');
	w->after_key = 1;
}

void pd__jw_str(struct pd__jw *w, const char *s)
{
	separate(w);
	pd_buf_json_str(w->b, s);
}

void pd__jw_int(struct pd__jw *w, long long v)
{
	separate(w);
	pd_buf_printf(w->b, "%lld", v);
}

void pd__jw_uint(struct pd__jw *w, unsigned long long v)
{
	separate(w);
	pd_buf_printf(w->b, "%llu", v);
}

void pd__jw_bool(struct pd__jw *w, int v)
{
	separate(w);
	pd_buf_puts(w->b, v ? "true" : "false");
}

void pd__jw_null(struct pd__jw *w)
{
	separate(w);
	pd_buf_puts(w->b, "null");
}

void pd__jw_micro(struct pd__jw *w, uint32_t v)
{
	separate(w);
	pd_buf_printf(w->b, "%u.%06u", v / 1000000, v % 1000000);
}

void pd__jw_kstr(struct pd__jw *w, const char *key, const char *s)
{
	pd__jw_key(w, key);
	pd__jw_str(w, s);
}

void pd__jw_kint(struct pd__jw *w, const char *key, long long v)
{
	pd__jw_key(w, key);
	pd__jw_int(w, v);
}

void pd__jw_kuint(struct pd__jw *w, const char *key, unsigned long long v)
{
	pd__jw_key(w, key);
	pd__jw_uint(w, v);
}

void pd__jw_protos(struct pd__jw *w, unsigned mask)
{
	pd__jw_begin_array(w);
	for (int t = 0; t < PD_NPROTO; t++)
		if (mask & (1u << t))
			pd__jw_str(w, pd_proto_name(t));
	pd__jw_end_array(w);
}

struct pd_buf *pd__jw_raw(struct pd__jw *w)
{
	separate(w);
	return w->b;
}
