/* loader.h: loadable modules, so that heavy libraries (libxml2, libcurl,
 * jansson, zlib) stay off the lookup path (internal)
 *
 * The ABI between the library and its modules is the structs and entry
 * points of the headers the modules use (importer.h, engine.h). Each
 * module exports PD__MODULE_ABI_SYMBOL, an unsigned int holding the
 * PD__MODULE_ABI it was built with, and the library refuses a module whose
 * number differs (PD_EMODULE): a module left over from another build must
 * not be called with other structs. Raise PD__MODULE_ABI with every change
 * to those headers that a module would notice. (loader.c) */
#ifndef PD_LOADER_H
#define PD_LOADER_H
#include <stddef.h>

#define PD__MODULE_ABI 1u
#define PD__MODULE_ABI_SYMBOL "pd__module_abi"
#define PD__MODULE_EXPORT __attribute__((visibility("default")))

/* Finds FILE in $PORTDEX_MODULE_DIR, next to the running program or in the
 * installed module directory, loads it, checks that it was built for this
 * library's PD__MODULE_ABI and resolves SYMBOL. PD_EMODULE, with the reason
 * in err, when it is missing, of another ABI or lacks SYMBOL. */
int pd__module_sym(const char *file, const char *symbol, void **fn, char *err, size_t errlen);

#endif
