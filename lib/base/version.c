/* version.c: which library is running */
#include "portdex.h"

const char *pd_version(void)
{
	return PD_VERSION;
}
