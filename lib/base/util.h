/* util.h: small helpers that lib/ shares, so that each is written once */
#ifndef PD_UTIL_H
#define PD_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for one more element in the array whose pointer is at pv
 * (e.g. &list->v), holding n of *cap elements of size bytes: when full,
 * doubles it, starting at first elements. 0, or PD_ENOMEM (also when the
 * size would overflow), the array then left as it was. (util.c) */
int pd__grow(void *pv, size_t n, size_t *cap, size_t size, size_t first);

/* Decodes the UTF-8 character at p (n >= 1 bytes left): returns its length
 * (1-4) and sets *cp, or returns 0 when the bytes there are not UTF-8 (a
 * stray continuation byte, an overlong form, a surrogate, past U+10FFFF, a
 * sequence cut short). (buf.c) */
size_t pd__utf8_char(const unsigned char *p, size_t n, uint32_t *cp);

/* 1 for what pd_buf_text makes visible: C0 and C1 controls, DEL, the bidi
 * controls, U+2028 and U+2029. (buf.c) */
int pd__hidden_char(uint32_t c);

/* Edit distance between a and b where a swap of two neighbouring letters
 * counts as one edit (optimal string alignment), case-insensitive (ASCII);
 * 99 when either is longer than PD__DISTANCE_MAX bytes. (util.c) */
#define PD__DISTANCE_MAX 64
unsigned pd__distance(const char *a, const char *b);

/* The transports a data file's transport field names, as a bit set of
 * 1u << PD_TCP...: "tcp", "udp", "sctp", "dccp", "both" (tcp and udp) or
 * "any"; 0 for anything else. (port.c) */
unsigned pd__protos_of(const char *s);

#endif
