/* fuzz_curated.c: libFuzzer harness for the parsers of the curated lists
 * (browser-blocked ports, collisions; compiled in, or read from
 * pd_check_opts.datadir) and of nmap-services (read from the host). The
 * first byte picks the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	size_t len;

	if (size < 1 || size > (1u << 20))
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	if (data[0] % 3 == 2) {
		struct pd__nmap m;
		memset(&m, 0, sizeof(m));
		if (!pd__nmap_parse(&m, text, len)) {
			for (unsigned p = 0; p < 65536; p += 97)
				pd__nmap_find(&m, p, (int)(p % PD_NPROTO));
			for (size_t i = 1; i < m.n; i++)
				if (m.v[i - 1].proto > m.v[i].proto ||
				    (m.v[i - 1].proto == m.v[i].proto && m.v[i - 1].port >= m.v[i].port))
					abort(); /* sorted, each (port, proto) once */
		}
		pd__nmap_release(&m);
	} else {
		struct pd__curated c;
		const struct pd__collision *k = NULL;
		memset(&c, 0, sizeof(c));
		c.browsers_recorded = c.collisions_recorded = "";
		if (!(data[0] % 3 == 0 ? pd__curated_browsers(&c, text, len) : pd__curated_collisions(&c, text, len)))
			for (unsigned p = 0; p < 65536; p += 61) {
				pd__curated_blocked(&c, p);
				while ((k = pd__curated_collision(&c, p, k)))
					if (k->first > p || k->last < p)
						abort();
			}
		pd__curated_release(&c);
	}
	return 0;
}
