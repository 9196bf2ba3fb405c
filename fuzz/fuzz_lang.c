/* fuzz_lang.c: libFuzzer harness for the language of a request: an
 * Accept-Language header (pd_lang_negotiate) and a language code
 * (pd_lang_parse), both from outside; and a date as pd__date reads it */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct pd_buf b = PD_BUF_INIT;
	int l;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	l = pd_lang_negotiate(s);
	if (l < 0 || l >= PD_NLANG)
		abort();
	l = pd_lang_parse(s);
	if (l != PD_EINVAL && (l < 0 || l >= PD_NLANG || !pd_lang_code(l)))
		abort();
	for (int lang = 0; lang < PD_NLANG; lang++) {
		pd__date(&b, lang, s);
		pd__list_sep(&b, lang, size % 4, 3);
	}
	if (b.err && b.err != PD_ENOMEM)
		abort();
	pd_buf_release(&b);
	free(s);
	return 0;
}
