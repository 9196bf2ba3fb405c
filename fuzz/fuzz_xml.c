/* fuzz_xml.c: libFuzzer harness for the XML importer (linked directly with
 * modules/xml.c and libxml2). */
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

static int person(void *ctx, const struct pd__raw_person *p)
{
	(void)ctx;
	total += strlen(p->id) + strlen(p->name) + strlen(p->org) + strlen(p->uri) +
		 strlen(p->updated);
	return 0;
}

static int meta(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	total += strlen(key) + strlen(value);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd__sink sink = {NULL, row, person, meta};
	char err[128];

	if (pd__import_xml((const char *)data, size, &sink, err, sizeof(err)) != 0)
		total += strlen(err);
	return 0;
}
