/* fuzz_curated.c: libFuzzer harness for the parsers of the curated lists
 * (browser-blocked ports, collisions; compiled in, or read from
 * pd_check_opts.datadir) and of nmap-services (read from the host), whose
 * two readers (the table and the search's one pass) must agree. The first
 * byte picks the parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The search's one-pass reading of the file (pd__nmap_freqs) finds the
 * frequencies of the table, for some ports listed and some not */
static void same_freqs(const struct pd__nmap *m, const char *text, size_t len)
{
	uint16_t ports[64];
	uint32_t freq[64 * PD_NPROTO];
	size_t n = 0;
	char path[64];
	int fd = memfd_create("nmap-services", MFD_CLOEXEC), present;

	if (fd < 0)
		return;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	for (unsigned p = 0; p < 65536 && n < 64; p += 1 + p / 4) /* ascending, each once */
		ports[n++] = (uint16_t)p;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pd__nmap_freqs(path, ports, n, freq, &present) || !present)
		abort();
	for (size_t i = 0; i < n; i++)
		for (int t = 0; t < PD_NPROTO; t++) {
			const struct pd__nmap_port *e = pd__nmap_find(m, ports[i], t);
			if (freq[i * PD_NPROTO + (size_t)t] != (e ? e->freq : 0))
				abort();
		}
	close(fd);
}

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
			same_freqs(&m, text, len);
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
