/* util.c: small helpers that lib/ shares (util.h) */
#include <stdint.h>
#include <stdlib.h>

#include "util.h"
#include "portdex.h"

int pd__grow(void *pv, size_t n, size_t *cap, size_t size, size_t first)
{
	void **v = pv;
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : first;
	if (nc <= *cap || nc > SIZE_MAX / size)
		return PD_ENOMEM;
	p = realloc(*v, nc * size);
	if (!p)
		return PD_ENOMEM;
	*v = p;
	*cap = nc;
	return 0;
}
