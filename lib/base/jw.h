/* jw.h: the JSON writer every JSON document is written with (internal)
 *
 * Calls that follow the document's structure; the writer puts the commas
 * and the colons and escapes strings (pd_buf_json_str), so a serializer
 * says only what the fields are, in their order:
 *
 *	struct pd__jw w;
 *	pd__jw_init(&w, &buf);
 *	pd__jw_begin_object(&w);
 *	pd__jw_key(&w, "port");
 *	pd__jw_uint(&w, 926);          => {"port":926,"services":["x"]}
 *	pd__jw_key(&w, "services");
 *	pd__jw_begin_array(&w);
 *	pd__jw_str(&w, "x");
 *	pd__jw_end_array(&w);
 *	pd__jw_end_object(&w);
 *
 * Errors (out of memory) are the buffer's: b->err. Nesting deeper than
 * PD__JW_DEPTH is a programming error; the writer then stops writing and
 * sets b->err to PD_EINVAL. (jw.c) */
#ifndef PD_JW_H
#define PD_JW_H

#include <stdint.h>

#include "portdex.h"

#define PD__JW_DEPTH 32

struct pd__jw {
	struct pd_buf *b;
	unsigned depth;         /* open objects and arrays */
	uint32_t has_items;     /* bit d: the container at depth d has a member */
	int after_key;          /* a key was written: its value comes next, no comma */
};

void pd__jw_init(struct pd__jw *w, struct pd_buf *b);
void pd__jw_begin_object(struct pd__jw *w);
void pd__jw_end_object(struct pd__jw *w);
void pd__jw_begin_array(struct pd__jw *w);
void pd__jw_end_array(struct pd__jw *w);
void pd__jw_key(struct pd__jw *w, const char *key);
void pd__jw_str(struct pd__jw *w, const char *s);  /* NULL: null */
void pd__jw_int(struct pd__jw *w, long long v);
void pd__jw_uint(struct pd__jw *w, unsigned long long v);
void pd__jw_bool(struct pd__jw *w, int v);
void pd__jw_null(struct pd__jw *w);
/* A fraction given in millionths, as 0.083904 */
void pd__jw_micro(struct pd__jw *w, uint32_t millionths);

/* A key and its value */
void pd__jw_kstr(struct pd__jw *w, const char *key, const char *s);
void pd__jw_kint(struct pd__jw *w, const char *key, long long v);
void pd__jw_kuint(struct pd__jw *w, const char *key, unsigned long long v);

/* An array of the transport names ("tcp", ...) of a bit mask of
 * 1u << PD_TCP ..., in that order */
void pd__jw_protos(struct pd__jw *w, unsigned mask);

/* A value written by a serializer that is not on the writer: puts the
 * comma before it and returns the buffer to append the value to */
struct pd_buf *pd__jw_raw(struct pd__jw *w);

#endif
