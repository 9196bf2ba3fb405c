/* util.c: small helpers that lib/ shares (util.h) */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

unsigned pd__distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned rows[3][PD__DISTANCE_MAX + 1];

	if (la > PD__DISTANCE_MAX || lb > PD__DISTANCE_MAX)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
		int ca = tolower((unsigned char)a[i - 1]);
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			unsigned v = up[j - 1] + (ca != cb);
			if (up[j] + 1 < v)
				v = up[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && up2[j - 2] + 1 < v)
				v = up2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return rows[la % 3][lb];
}
