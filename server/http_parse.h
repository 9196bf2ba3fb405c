/* http_parse.h: pure, bounded parsers for what a client sends the server:
 * the request target, query strings and urlencoded forms, and the request
 * headers that choose a response (Accept-Encoding, Accept, If-None-Match),
 * plus the --listen address. No allocation, no I/O: the fuzz harness
 * (fuzz/fuzz_http.c) calls them directly. */
#ifndef PD_HTTP_PARSE_H
#define PD_HTTP_PARSE_H

#include <stddef.h>

enum hp_error {
	HP_OK = 0,
	HP_EBAD = -1,      /* malformed input (bad escape, control byte, NUL) */
	HP_ETOOLONG = -2,  /* the result does not fit the caller's buffer */
};

#define HP_PATH_MAX 256      /* decoded path, NUL included */

struct hp_target {
	char path[HP_PATH_MAX];  /* percent-decoded path, NUL-terminated, no NUL inside */
	size_t pathlen;
	const char *query;       /* raw query after '?' (points into the input), or NULL */
	size_t qlen;
};

/* Splits a request target of n bytes, origin-form ("/port/80?x=1") or
 * absolute-form ("http://host/port/80"), into the decoded path and the raw
 * query. The target must start with '/', contain
 * no control bytes, spaces, '#' or bytes above 0x7e; escapes must be %XX
 * with two hex digits and must not decode to NUL. */
int hp_target_parse(const char *s, size_t n, struct hp_target *out);

/* Strict percent-decoding of n bytes into out (outmax bytes, NUL included):
 * '+' becomes a space when plus_space is set; "%" without two hex digits,
 * an escaped or raw NUL, and raw control bytes are HP_EBAD. *outlen gets
 * the decoded length. */
int hp_decode(const char *s, size_t n, int plus_space, char *out, size_t outmax, size_t *outlen);

/* Iterates the pairs of an application/x-www-form-urlencoded string (also a
 * query string): decodes the next "key=value" at *cursor (before end) into
 * key and value, advances the cursor and returns 1; returns 0 at the end
 * and a negative HP_E* code for a malformed pair. Empty pairs ("a=1&&b=2")
 * are skipped; a pair without '=' has an empty value. */
int hp_form_next(const char **cursor, const char *end, char *key, size_t keymax, char *value,
		 size_t valmax);

/* The value of the first pair named key: 1 found, 0 absent, HP_E* code
 * when a pair before it is malformed or too long for value. */
int hp_form_get(const char *s, size_t n, const char *key, char *value, size_t valmax);

/* 0 when s[0..n) is valid UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF), with *chars set to the number of code points;
 * HP_EBAD otherwise. */
int hp_utf8_check(const char *s, size_t n, size_t *chars);

/* 1 when an Accept-Encoding header value accepts gzip (gzip or x-gzip or
 * "*" with a q-value above 0, and no "gzip;q=0"), else 0. NULL: 0. */
int hp_accepts_gzip(const char *accept_encoding);

/* 1 when an Accept header asks for application/json (q above 0) and
 * prefers it to text/html, else 0. NULL: 0. */
int hp_accepts_json(const char *accept);

/* 1 when an If-None-Match header value matches one of the entity tags
 * (each a quoted strong tag such as "\"abc\""): "*" or any listed tag,
 * compared weakly (a W/ prefix is ignored), else 0. etag2 may be NULL. */
int hp_etag_match(const char *if_none_match, const char *etag, const char *etag2);

/* The --listen argument: "127.0.0.1:8926", "[::1]:8926", ":8926" (every
 * address) or "8926" (loopback); port 0 asks for any free port. */
struct hp_listen {
	int family;              /* 4, 6, or 0 for every address */
	char addr[64];           /* the address as written (no brackets); "" for every address */
	unsigned port;
};
int hp_listen_parse(const char *s, struct hp_listen *out);

#endif
