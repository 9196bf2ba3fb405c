/* fuzz_csv.c: libFuzzer harness for the CSV importer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "portdex.h"
#include "importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t total;

static int row(void *ctx, const struct pd__raw_row *r)
{
	const char *f[] = {r->name, r->number, r->proto, r->description, r->assignee,
			   r->contact, r->registered, r->modified, r->refs, r->service_code,
			   r->unauthorized, r->notes};
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		total += strlen(f[i]);
	/* stop now and then, to exercise the sink-error path */
	return r->name[0] == '!' ? PD_EINVAL : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd__sink sink = {NULL, row, NULL, NULL};
	char err[128];

	if (pd__import_csv((const char *)data, size, &sink, err, sizeof(err)) != 0)
		total += strlen(err);
	return 0;
}
