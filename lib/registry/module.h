/* module.h: loading the optional modules (XML importer, URL fetcher) */
#ifndef PD_MODULE_H
#define PD_MODULE_H
#include <stddef.h>
#include "importer.h"
#include "portdex.h"

/* Finds FILE in $PORTDEX_MODULE_DIR, next to the running program or in the
 * installed module directory, loads it, checks that it was built for this
 * library's PD__MODULE_ABI (importer.h) and resolves SYMBOL. PD_EMODULE,
 * with the reason in err, when it is missing, of another ABI or lacks
 * SYMBOL. */
int pd__module_sym(const char *file, const char *symbol, void **fn, char *err, size_t errlen);
int pd__parse_registry(const void *data, size_t len, const char *source, struct pd_registry **out,
		       char *err, size_t errlen);
int pd__open_file(const char *path, struct pd_registry **out, char *err, size_t errlen);
#endif
