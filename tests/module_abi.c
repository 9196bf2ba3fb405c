/* module_abi.c: a module for test_edge's ABI check. TEST_ABI is the ABI
 * number it claims; without TEST_ABI it exports no ABI number at all. */
#include "importer.h"
#include "portdex.h"

#ifdef TEST_ABI
PD__MODULE_EXPORT const unsigned pd__module_abi = TEST_ABI;
#endif

PD__MODULE_EXPORT
int pd__import_xml(const char *data, size_t len, const struct pd__sink *sink, char *err, size_t errlen)
{
	return PD_EFORMAT;
}
