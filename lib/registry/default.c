/* default.c: the registry snapshot compiled into the library (see
 * lib/embedded.S.in and tools/embed.sh); kept apart from the rest so the
 * tool that makes the snapshot can link without it */
#include "image.h"

extern const unsigned char pd__embedded[];
extern const unsigned char pd__embedded_end[];

int pd_registry_open_default(struct pd_registry **out)
{
	return pd__registry_from_image(pd__embedded, (size_t)(pd__embedded_end - pd__embedded),
				       PD__IMG_TRUSTED, NULL, out);
}
