/* fuzz_origin.c: libFuzzer harness for the Origin check of votes
 * (server/origin.c): the input is split at NUL bytes into Origin, Referer,
 * Host and PORTDEX_PUBLIC_URL (each may be absent); every URL is parsed,
 * and results are checked against their contracts: a host is lower case,
 * NUL-terminated and within its buffer, a port is 0-65535, an origin is
 * always its own site, and a request without Origin and Referer is
 * ORIGIN_NONE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parse(const char *s)
{
	struct srv_origin o;
	size_t n;

	if (srv_origin_parse(s, &o))
		return;
	n = strnlen(o.host, sizeof(o.host));
	if (!n || n >= sizeof(o.host) || o.port > 65535)
		abort();
	for (size_t i = 0; i < n; i++)
		if (o.host[i] >= 'A' && o.host[i] <= 'Z')
			abort();
	/* an origin is its own site, whatever Host says */
	if (srv_origin_check(s, NULL, "x.invalid", s) != ORIGIN_SAME)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *part[4] = { NULL, NULL, NULL, NULL };
	size_t k = 0;
	enum srv_origin_verdict v;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	part[0] = buf;
	for (size_t i = 0; i < size && k < 3; i++)
		if (!buf[i])
			part[++k] = buf + i + 1;
	for (int i = 0; i < 4; i++) {
		if (part[i] && !*part[i])
			part[i] = NULL;
		if (part[i])
			check_parse(part[i]);
	}
	v = srv_origin_check(part[0], part[1], part[2], part[3]);
	if (v != ORIGIN_SAME && v != ORIGIN_NONE && v != ORIGIN_OTHER)
		abort();
	if ((v == ORIGIN_NONE) != (!part[0] && !part[1]))
		abort();
	free(buf);
	return 0;
}
