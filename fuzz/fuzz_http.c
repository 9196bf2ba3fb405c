/* fuzz_http.c: libFuzzer harness for the server's parsers of what a client
 * sends (server/http_parse.c): request targets, percent-decoding, urlencoded
 * forms and query strings, UTF-8 checks, the Accept, Accept-Encoding and
 * If-None-Match headers, and --listen addresses. Each input goes through
 * every parser; results are checked against their contracts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_target(const char *s, size_t n)
{
	struct hp_target t;

	if (hp_target_parse(s, n, &t))
		return;
	if (t.path[0] != '/' || t.pathlen >= sizeof(t.path) || strlen(t.path) != t.pathlen)
		abort();
	if (t.query && (t.query < s || t.query + t.qlen > s + n))
		abort();
}

static void check_form(const char *s, size_t n)
{
	const char *cur = s, *end = s + n;
	char key[16], value[64];
	size_t rounds = 0;
	int rc;

	while ((rc = hp_form_next(&cur, end, key, sizeof(key), value, sizeof(value))) > 0) {
		if (strlen(key) >= sizeof(key) || strlen(value) >= sizeof(value) || cur > end)
			abort();
		if (++rounds > n + 1)
			abort(); /* no progress */
	}
	if (rc == 0 && cur != end)
		abort();
	rc = hp_form_get(s, n, "q", value, sizeof(value));
	if (rc == 1 && strlen(value) >= sizeof(value))
		abort();
}

static void check_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t len = 0, chars = 0;

	if (!out)
		return;
	if (!hp_decode(s, n, 1, out, n + 1, &len) && (len > n || strlen(out) != len))
		abort();
	if (!hp_utf8_check(s, n, &chars) && chars > n)
		abort();
	free(out);
}

static void check_headers(const char *s)
{
	struct hp_listen l;
	int v;

	v = hp_accepts_gzip(s);
	if (v != 0 && v != 1)
		abort();
	v = hp_accepts_json(s);
	if (v != 0 && v != 1)
		abort();
	v = hp_etag_match(s, "\"0123456789abcdef\"", "\"0123456789abcdef-gz\"");
	if (v != 0 && v != 1)
		abort();
	if (!hp_listen_parse(s, &l) &&
	    (l.port > 65535 || (l.family != 0 && l.family != 4 && l.family != 6) || strlen(l.addr) >= sizeof(l.addr)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_target(s, size);
	check_form(s, size);
	check_decode(s, size);
	check_headers(s); /* as a C string: up to the first NUL */
	free(s);
	return 0;
}
