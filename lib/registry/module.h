/* module.h: loading the optional modules (XML importer, URL fetcher) */
#ifndef PD_MODULE_H
#define PD_MODULE_H
#include <stddef.h>
#include "importer.h"

/* Finds FILE next to the running program, in $PORTDEX_MODULE_DIR or in the
 * installed module directory, loads it and resolves SYMBOL. */
int pd__module_sym(const char *file, const char *symbol, void **fn, char *err, size_t errlen);
int pd__parse_registry(const void *data, size_t len, const char *source, struct pd_registry **out,
		       char *err, size_t errlen);
int pd__open_file(const char *path, struct pd_registry **out, char *err, size_t errlen);
#endif
