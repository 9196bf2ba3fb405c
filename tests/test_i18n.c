/* test_i18n.c: languages (pd_lang_*), Accept-Language, and numbers, dates
 * and lists as each language writes them (lib/base/i18n.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(pd_lang_parse("en"), PD_LANG_EN);
	assert_int_equal(pd_lang_parse("fr"), PD_LANG_FR);
	assert_int_equal(pd_lang_parse("ms"), PD_LANG_MS);
	assert_int_equal(pd_lang_parse("FR"), PD_LANG_FR);
	assert_int_equal(pd_lang_parse("fr-CA"), PD_LANG_FR);
	assert_int_equal(pd_lang_parse("ms_MY"), PD_LANG_MS);
	assert_int_equal(pd_lang_parse("de"), PD_EINVAL);
	assert_int_equal(pd_lang_parse("f"), PD_EINVAL);
	assert_int_equal(pd_lang_parse("fra"), PD_EINVAL);
	assert_int_equal(pd_lang_parse("fr-"), PD_EINVAL);
	assert_int_equal(pd_lang_parse(""), PD_EINVAL);
	assert_int_equal(pd_lang_parse(NULL), PD_EINVAL);
	assert_string_equal(pd_lang_code(PD_LANG_MS), "ms");
	assert_null(pd_lang_code(PD_NLANG));
	assert_null(pd_lang_code(-1));
	assert_string_equal(pd_lang_name(PD_LANG_FR), "Français");
	assert_string_equal(pd_lang_name(PD_LANG_MS), "Bahasa Melayu");
	assert_int_equal(pd__lang_of(NULL), PD_LANG_EN);
	assert_int_equal(pd__lang_of("xx"), PD_LANG_EN);
	assert_int_equal(pd__lang_of("ms"), PD_LANG_MS);
}

static void test_negotiate(void **state)
{
	static const struct { const char *h; int want; } cases[] = {
		{ NULL, PD_LANG_EN },
		{ "", PD_LANG_EN },
		{ "fr", PD_LANG_FR },
		{ "fr-CA,fr;q=0.9,en;q=0.5", PD_LANG_FR },
		{ "en-US,en;q=0.9,fr;q=0.8", PD_LANG_EN },
		{ "de-DE,de;q=0.9,ms;q=0.7,en;q=0.6", PD_LANG_MS },
		{ "de, ja", PD_LANG_EN },
		{ "*", PD_LANG_EN },
		{ "ms;q=0.5, fr;q=0.8", PD_LANG_FR },
		{ "fr;q=0, ms", PD_LANG_MS },
		{ "fr;q=0", PD_LANG_EN },
		{ "ms;q=0.5, fr;q=0.5", PD_LANG_MS },        /* a tie: the earlier */
		{ "fr;q=bad, ms;q=0.1", PD_LANG_MS },       /* a malformed item is ignored */
		{ "fr;q=0.5;level=1", PD_LANG_FR },
		{ "en;q=0.1, fr;q=0.001", PD_LANG_EN },
		{ ",,, ;;; fr", PD_LANG_EN },           /* no tag before the parameters */
		{ ",, fr ,", PD_LANG_FR },
		{ "french", PD_LANG_EN },
		{ "fr-", PD_LANG_EN },
	};
	char longer[2000];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = pd_lang_negotiate(cases[i].h);

		if (got != cases[i].want)
			fail_msg("Accept-Language '%s': %d, want %d", cases[i].h ? cases[i].h : "(null)", got,
				 cases[i].want);
	}
	memset(longer, ' ', sizeof longer - 3);
	memcpy(longer + sizeof longer - 3, "fr", 3);
	assert_int_equal(pd_lang_negotiate(longer), PD_LANG_EN);
}

static void expect(void (*fill)(struct pd_buf *, int), int lang, const char *want)
{
	struct pd_buf b = PD_BUF_INIT;

	fill(&b, lang);
	assert_int_equal(b.err, 0);
	assert_string_equal(b.s ? b.s : "", want);
	free(b.s);
}

static void nums(struct pd_buf *b, int lang)
{
	pd__num(b, lang, 0);
	pd_buf_putc(b, '|');
	pd__num(b, lang, 1023);
	pd_buf_putc(b, '|');
	pd__num(b, lang, 66397);
	pd_buf_putc(b, '|');
	pd__num(b, lang, 1234567);
}

static void pcts(struct pd_buf *b, int lang)
{
	pd__pct(b, lang, 0.0075, 4);
	pd_buf_putc(b, '|');
	pd__dec(b, lang, 2.5, 1);
}

static void dates(struct pd_buf *b, int lang)
{
	/* days, a month (the registry's older dates give no day), and what
	 * is neither, written as it is */
	static const char *const iso[] = { "2026-08-17", "2023-02-01", "2026-13-01", "(unknown)",
					   "2007-05",    "2007-13",    "2007-05-" };

	for (size_t i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
		if (i)
			pd_buf_putc(b, '|');
		pd__date(b, lang, iso[i]);
	}
}

static void lists(struct pd_buf *b, int lang)
{
	static const char *const items[] = { "TCP", "UDP", "SCTP" };

	for (size_t i = 0; i < 3; i++) {
		pd__list_sep(b, lang, i, 3);
		pd_buf_puts(b, items[i]);
	}
	pd_buf_putc(b, '|');
	for (size_t i = 0; i < 2; i++) {
		pd__list_sep(b, lang, i, 2);
		pd_buf_puts(b, items[i]);
	}
}

static void test_formats(void **state)
{
	(void)state;
	expect(nums, PD_LANG_EN, "0|1023|66,397|1,234,567");
	expect(nums, PD_LANG_FR, "0|1023|66\u202f397|1\u202f234\u202f567");
	expect(nums, PD_LANG_MS, "0|1023|66,397|1,234,567");
	expect(pcts, PD_LANG_EN, "0.0075%|2.5");
	expect(pcts, PD_LANG_FR, "0,0075\u202f%|2,5");
	expect(pcts, PD_LANG_MS, "0.0075%|2.5");
	expect(dates, PD_LANG_EN, "2026-08-17|2023-02-01|2026-13-01|(unknown)|2007-05|2007-13|2007-05-");
	expect(dates, PD_LANG_FR, "17 août 2026|1er février 2023|2026-13-01|(unknown)|mai 2007|2007-13|2007-05-");
	expect(dates, PD_LANG_MS, "17 Ogos 2026|1 Februari 2023|2026-13-01|(unknown)|Mei 2007|2007-13|2007-05-");
	expect(lists, PD_LANG_EN, "TCP, UDP and SCTP|TCP and UDP");
	expect(lists, PD_LANG_FR, "TCP, UDP et SCTP|TCP et UDP");
	expect(lists, PD_LANG_MS, "TCP, UDP dan SCTP|TCP dan UDP");
}

/* every message of every language has text, and pd__msg stays in bounds */
static void test_catalogues(void **state)
{
	(void)state;
	for (int l = 0; l < PD_NLANG; l++)
		for (int id = 0; id < PD__NMSG; id++)
			assert_true(*pd__msg(l, (enum pd__msg)id) != 0);
	assert_string_equal(pd__msg(PD_NLANG, M_lang_name), "English");
	assert_string_equal(pd__msg(PD_LANG_FR, (enum pd__msg)PD__NMSG), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_catalogues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
