/* test_search.c: the search engine: data/products.tsv as compiled in (every
 * line parses, ports in range, a source, no name twice for one port), the
 * parser on bad lines, the ranking on the compiled-in registry, bad
 * queries, and (with --index FILE) the static site's index written to FILE
 * for tests/search.sh */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "portdex.h"
#include "search.h"

static struct pd_registry *reg;

static void products_compiled_in(void **state)
{
	const struct pd__products *p;

	(void)state;
	assert_int_equal(pd__products_shared(&p), 0);
	if (p->bad_lines)
		fail_msg("data/products.tsv: %zu lines do not parse, the first line %zu", p->bad_lines, p->first_bad);
	assert_true(p->n >= 250);
	for (size_t i = 0; i < p->n; i++) {
		const struct pd__product *a = &p->v[i];
		assert_true(a->first <= a->last && a->last <= 65535);
		assert_true(!strncmp(a->source, "https://", 8) || !strncmp(a->source, "http://", 7));
		assert_true(a->nnames >= 1 && *a->what);
		/* a name leads to a port once: no line repeats another's name and port */
		for (size_t j = 0; j <= i; j++) {
			const struct pd__product *b = &p->v[j];
			if (a->first != b->first || a->last != b->last)
				continue;
			for (size_t k = 0; k < a->nnames; k++)
				for (size_t l = 0; l < b->nnames; l++)
					if ((j != i || l != k) && !strcmp(a->norm[k], b->norm[l]))
						fail_msg("data/products.tsv: '%s' leads to %u twice (lines %zu and %zu)",
							 a->names[k], a->first, b->line, a->line);
		}
	}
}

static void products_parser(void **state)
{
	struct pd__products p;
	const char *text = "# comment\n"
			   "RDP,Remote Desktop\t3389\tboth\tMicrosoft Remote Desktop\thttps://example.org/\n"
			   "bad port\t65536\ttcp\tx\thttps://example.org/\n"
			   "no source\t80\ttcp\tx\t\n"
			   "bad transport\t80\txyz\tx\thttps://example.org/\n"
			   "range\t90-80\ttcp\tx\thttps://example.org/\n"
			   "six\t80\ttcp\tx\thttps://example.org/\textra\n"
			   "ctl\x01name\t80\ttcp\tx\thttps://example.org/\n"
			   ",\t80\ttcp\tx\thttps://example.org/\n"
			   "X11\t6000-6063\ttcp\tX11\thttp://example.org/";

	(void)state;
	assert_int_equal(pd__products_parse(&p, text, strlen(text)), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.bad_lines, 7);
	assert_int_equal(p.first_bad, 3);
	assert_string_equal(p.v[0].norm[1], "remote desktop");
	assert_int_equal(p.v[0].protos, 3u);
	assert_int_equal(p.v[1].first, 6000);
	assert_int_equal(p.v[1].last, 6063);
	pd__products_release(&p);
}

/* the first result of query, or -1 */
static long first_port(const char *query, int like, size_t *n)
{
	struct pd_search_opts o = { .max = 20, .like = like };
	struct pd_search s;
	long port = -1;

	assert_int_equal(pd_search(reg, query, &o, &s), 0);
	if (s.n)
		port = (long)s.r[0].first;
	*n = s.n;
	pd_search_release(&s);
	return port;
}

static int among(const char *query, unsigned port, size_t within)
{
	struct pd_search_opts o = { .max = within };
	struct pd_search s;
	int found = 0;

	assert_int_equal(pd_search(reg, query, &o, &s), 0);
	for (size_t i = 0; i < s.n; i++)
		found |= s.r[i].first == port;
	pd_search_release(&s);
	return found;
}

static void ranking(void **state)
{
	struct pd_search_opts o = { .max = 5 };
	struct pd_search s;
	size_t n;

	(void)state;
	assert_int_equal(first_port("rdp", 0, &n), 3389);
	assert_int_equal(first_port("RDP", 0, &n), 3389);
	assert_true(among("remote desktop", 3389, 3));
	assert_int_equal(first_port("jenkins", 0, &n), 8080);
	assert_true(among("jenkins", 50000, 2));
	assert_int_equal(first_port("kubernetes", 0, &n), 6443);
	assert_true(among("kubernetes", 10250, 2));
	assert_int_equal(first_port("minecraft", 0, &n), 25565);
	assert_int_equal(first_port("tomcat", 0, &n), 8080);
	assert_int_equal(first_port("postgres", 0, &n), 5432);
	assert_int_equal(first_port("ssh", 0, &n), 22);
	assert_int_equal(first_port("http", 0, &n), 80);
	/* one result per port, with its reason */
	assert_int_equal(pd_search(reg, "rdp", &o, &s), 0);
	assert_int_equal(s.r[0].match, PD_MATCH_EXACT);
	assert_int_equal(s.r[0].from, PD_FROM_PRODUCTS);
	assert_string_equal(s.r[0].term, "RDP");
	assert_string_equal(s.r[0].name, "ms-wbt-server");
	assert_string_equal(s.r[0].why, "RDP: Microsoft Remote Desktop (IANA: ms-wbt-server)");
	for (size_t i = 0; i < s.n; i++)
		for (size_t j = 0; j < i; j++)
			assert_false(s.r[i].first == s.r[j].first && s.r[i].last == s.r[j].last);
	pd_search_release(&s);
	/* a typo, and nothing */
	assert_int_equal(first_port("htpt", 0, &n), 80);
	assert_int_equal(first_port("qqqzzzxxx", 0, &n), -1);
	assert_int_equal(n, 0);
	/* like: names that contain the word */
	assert_int_equal(pd_search(reg, "sql", &(struct pd_search_opts){ .max = 100, .like = 1 }, &s), 0);
	assert_true(s.n > 5);
	for (size_t i = 0; i < s.n; i++)
		assert_true(s.r[i].match == PD_MATCH_LIKE || s.r[i].match == PD_MATCH_EXACT);
	assert_true(strcasestr(s.r[0].term, "sql") != NULL);
	pd_search_release(&s);
}

static void bad_queries(void **state)
{
	char long_q[PD_SEARCH_MAX_QUERY + 2];
	const char *bad[] = { "", "   ", "!!!", "a\x1b[31m", "\xe2\x80\xae" "x", "\xff", "x\x7f", long_q };
	const char *why;
	struct pd_search s;

	(void)state;
	memset(long_q, 'a', sizeof(long_q) - 1);
	long_q[sizeof(long_q) - 1] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pd_search_check(bad[i], &why), PD_EINVAL);
		assert_non_null(why);
		assert_int_equal(pd_search(reg, bad[i], NULL, &s), PD_EINVAL);
		assert_int_equal(s.n, 0);
		pd_search_release(&s);
	}
	assert_int_equal(pd_search_check("café", &why), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(products_compiled_in),
		cmocka_unit_test(products_parser),
		cmocka_unit_test(ranking),
		cmocka_unit_test(bad_queries),
	};
	int rc;

	if (pd_registry_open_default(&reg))
		return 1;
	if (argc == 3 && !strcmp(argv[1], "--index")) {
		struct pd_buf b = PD_BUF_INIT;
		FILE *f = fopen(argv[2], "w");
		rc = !f || pd_search_index(reg, &b) || fwrite(b.s, 1, b.len, f) != b.len;
		if (f && fclose(f))
			rc = 1;
		pd_buf_release(&b);
		pd_registry_free(reg);
		return rc;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	pd_registry_free(reg);
	return rc;
}
