/* loader.c: loads optional modules so that heavy libraries stay off the
 * lookup path (loader.h) */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"
#include "portdex.h"

#ifndef PD_MODULEDIR
#define PD_MODULEDIR "/usr/local/lib/portdex"
#endif

static void *try_open(const char *dir, const char *file)
{
	char path[PATH_MAX];

	if (!dir || !*dir || snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return NULL;
	if (access(path, R_OK))
		return NULL;
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

int pd__module_sym(const char *file, const char *symbol, void **fn, char *err, size_t errlen)
{
	char exe[PATH_MAX];
	const unsigned *abi;
	ssize_t n;
	void *h;

	h = try_open(getenv("PORTDEX_MODULE_DIR"), file);
	if (!h) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			char *slash;
			exe[n] = '\0';
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				h = try_open(exe, file);
			}
		}
	}
	if (!h)
		h = try_open(PD_MODULEDIR, file);
	if (!h) {
		if (err && errlen)
			snprintf(err, errlen, "module %s not found (looked beside the program and in %s)",
				 file, PD_MODULEDIR);
		return PD_EMODULE;
	}
	abi = dlsym(h, PD__MODULE_ABI_SYMBOL);
	if (!abi || *abi != PD__MODULE_ABI) {
		if (err && errlen) {
			if (abi)
				snprintf(err, errlen, "module %s is of another version of portdex (module ABI %u, "
					 "this library needs %u): install the modules of this version",
					 file, *abi, PD__MODULE_ABI);
			else
				snprintf(err, errlen, "module %s is not a portdex module of this version (no %s): "
					 "install the modules of this version", file, PD__MODULE_ABI_SYMBOL);
		}
		dlclose(h);
		return PD_EMODULE;
	}
	*fn = dlsym(h, symbol);
	if (!*fn) {
		if (err && errlen)
			snprintf(err, errlen, "module %s lacks %s", file, symbol);
		dlclose(h);
		return PD_EMODULE;
	}
	return 0; /* the module stays loaded for the life of the process */
}
