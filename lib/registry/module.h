/* module.h: the registry from files, through the optional modules (XML
 * importer, URL fetcher) that loader.h loads */
#ifndef PD_MODULE_H
#define PD_MODULE_H
#include <stddef.h>
#include "importer.h"
#include "loader.h"
#include "portdex.h"

int pd__parse_registry(const void *data, size_t len, const char *source, struct pd_registry **out,
		       char *err, size_t errlen);
int pd__open_file(const char *path, struct pd_registry **out, char *err, size_t errlen);
#endif
