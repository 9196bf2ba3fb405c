/* fuzz_query.c: libFuzzer harness for the query and port parsers */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portdex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct pd_query q;
	const char *cur;
	unsigned port;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pd_query_parse(s, &q) == 0) {
		if (q.kind != PD_Q_NAME && (q.first > q.last || q.last > 65535))
			abort();
		if (q.kind == PD_Q_NAME && strlen(q.name) >= sizeof(q.name))
			abort();
	}
	cur = s;
	if (pd_parse_port(&cur, &port) == 0 && (port > 65535 || cur == s))
		abort();
	free(s);
	return 0;
}
