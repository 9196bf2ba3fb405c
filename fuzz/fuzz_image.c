/* fuzz_image.c: libFuzzer harness for opening registry images (the format
 * `portdex update` writes and memory-maps) and answering from them */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_registry *reg = NULL;
	void *copy;
	struct pd_block b;
	struct pd_history h[4];
	uint32_t idx[8];
	unsigned n;
	size_t found;

	/* skip the checksum so the fuzzer reaches the structural checks */
	if (size < sizeof(struct pd__img_hdr) || size > (1u << 20))
		return 0;
	copy = aligned_alloc(8, (size + 7) & ~(size_t)7);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (pd__registry_from_image(copy, size, PD__IMG_STRUCTURE, NULL, &reg) == 0) {
		for (unsigned p = 0; p < 65536; p += 257) {
			pd_registry_lookup(reg, p, p % 4, idx, 8);
			pd_registry_block(reg, p, &b);
			pd_registry_neighbour(reg, p, 1, &n);
			pd_registry_history(reg, p, h, 4);
		}
		if (pd_registry_search(reg, "http", idx, 8, &found))
			found = 0;
		pd_registry_find_name(reg, "http", idx, 8);
		pd_registry_free(reg);
	}
	free(copy);
	return 0;
}
