/* gzip.c: the gzip module (zlib), loaded only by `export --gzip` to write
 * precompressed copies of the static site's files */
#include <string.h>
#include <zlib.h>

#include "importer.h"
#include "portdex.h"

PD__MODULE_EXPORT const unsigned pd__module_abi = PD__MODULE_ABI;

PD__MODULE_EXPORT
int pd__gzip(const void *in, size_t len, void *out, size_t *outlen)
{
	z_stream z;
	int rc;

	if (len > UINT32_MAX || *outlen > UINT32_MAX)
		return PD_ETOOBIG;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return PD_ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)*outlen;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : PD_ETOOBIG;
}
