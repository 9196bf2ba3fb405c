/* test_unit.c: unit tests of libportdex's model on small registries */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "portdex.h"

#define HDR "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"

/* A small registry with the cases the model must get right. */
static const char small_csv[] = HDR
	",0,tcp,Reserved,,,,,,,,\n"
	",0,udp,Reserved,,,,,,,,\n"
	"echo,7,tcp,Echo,[Jon_Postel],[Jon_Postel],,,,,,\n"
	"echo,7,udp,Echo,[Jon_Postel],[Jon_Postel],,,,,,\n"
	",8-14,,Unassigned,,,,,,,,\n"
	",15,tcp,Unassigned [was netstat],,,,,,,,\n"
	",15,udp,unassigned,,,,,,,,\n"
	"http,80,tcp,World Wide Web HTTP,[IESG],[IETF_Chair],,2021-10-01,[RFC9110],,,\"Defined TXT keys, \"\"u\"\"\"\n"
	"www,80,tcp,World Wide Web HTTP,,,,,,,,\n"
	"www-http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
	"http,80,udp,World Wide Web HTTP,,,,,,,,\n"
	",81-99,,Unassigned,,,,,,,,\n"
	",100-130,,Unassigned,,,,,,,,\n"
	"newsvc,120,udp,New service (TEMPORARY - registered 2023-01-01; expires 2024-02-01),[X],[X],2023-02-17,,,,,\n"
	",120,tcp,Reserved,,,,,,,,\n"
	"oldsvc,131,tcp,Old service,[Y],[Y],2010-05-05,,,,,\n"
	",131,udp,Reserved,,,,,,,,\n"
	",132-199,,Unassigned,,,,,,,,\n"
	"x11,6000-6063,tcp,X Window System,,,,,,,Known Unauthorized Use on port 6003,\n"
	"x11,6000-6063,udp,X Window System,,,,,,,,\n"
	",6064-6100,,Unassigned,,,,,,,,\n"
	"inetfs,6070,tcp,A File System,,,2016-01-28,,,,,\n"
	"argus,,,ARGUS Protocol,,,,,,,,\n"
	"sshell,22,tcp,The Secure Shell,,,,,,,,\n";

static struct pd_registry *open_csv(const char *csv)
{
	struct pd_registry *reg = NULL;
	char err[256] = "";
	int rc = pd_registry_open_buffer(csv, strlen(csv), "test", &reg, err, sizeof(err));

	if (rc)
		fprintf(stderr, "open failed: %s (%s)\n", pd_strerror(rc), err);
	assert_int_equal(rc, 0);
	return reg;
}

/* A public name for the registry: a local file without its directories,
 * URLs and other names as they are */
static void test_hide_paths(void **state)
{
	static const struct {
		const char *source, *shown;
	} cases[] = {
		{ "/srv/secret dir/reg.csv", "IANA CSV reg.csv" },
		{ "./reg.csv", "IANA CSV reg.csv" },
		{ "data/reg.csv", "IANA CSV reg.csv" },
		{ "file:///home/me/x.csv", "IANA CSV x.csv" },
		{ "https://www.iana.org/assignments/x.csv", "IANA CSV https://www.iana.org/assignments/x.csv" },
		{ "reg.csv", "IANA CSV reg.csv" },
		{ "memory", "IANA CSV memory" },
	};
	const char *csv = small_csv;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pd_registry *reg = NULL;
		char err[256] = "";
		assert_int_equal(pd_registry_open_buffer(csv, strlen(csv), cases[i].source, &reg, err, sizeof(err)), 0);
		assert_int_equal(pd_registry_hide_paths(reg), 0);
		assert_string_equal(pd_registry_source(reg), cases[i].shown);
		assert_int_equal(pd_registry_hide_paths(reg), 0); /* twice: the same */
		assert_string_equal(pd_registry_source(reg), cases[i].shown);
		pd_registry_free(reg);
	}
}

/* A page without a host snapshot (the export's, the public server's) names
 * no file of the host, even when nmap's data cannot be read */
static void test_page_no_host_paths(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	struct pd_check_opts chk = { .nmap_services = "/nonexistent-dir/nmap-services" };
	struct pd_site_opts o = { .root = "/", .ext = "", .check = &chk };
	struct pd_buf b = PD_BUF_INIT;

	(void)state;
	assert_int_equal(pd_page(reg, 6070, PD_FMT_JSON, &o, &b), 0);
	assert_null(strstr(b.s, "nonexistent-dir"));
	assert_non_null(strstr(b.s, "nmap's data (package nmap-common) is not at hand"));
	assert_null(strstr(b.s, " here"));
	pd_buf_release(&b);
	pd_registry_free(reg);
}

static void names_at(struct pd_registry *reg, unsigned port, int proto, char *out, size_t n)
{
	uint32_t idx[16];
	size_t k = pd_registry_lookup(reg, port, proto, idx, 16);

	out[0] = '\0';
	for (size_t i = 0; i < k && i < 16; i++) {
		struct pd_entry e;
		assert_int_equal(pd_registry_entry(reg, idx[i], &e), 0);
		if (e.status == PD_ASSIGNED) {
			if (*out)
				strncat(out, ",", n - strlen(out) - 1);
			strncat(out, e.name, n - strlen(out) - 1);
		}
	}
}

static void test_query_parse(void **state)
{
	struct pd_query q;
	const char *bad[] = { "65536", "-1", "80-70", "0x50", " 80", "80 ", "1e3", "99999999999999999999",
			      "80/xyz", "", "080", "80-", "-80", "80//tcp", "ssh/", "a b", "\xff\xfe",
			      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL };

	assert_int_equal(pd_query_parse("926", &q), 0);
	assert_int_equal(q.kind, PD_Q_PORT);
	assert_int_equal(q.first, 926);
	assert_int_equal(q.proto, PD_PROTO_ANY);
	assert_int_equal(pd_query_parse("926/udp", &q), 0);
	assert_int_equal(q.proto, PD_UDP);
	assert_int_equal(pd_query_parse("900-999", &q), 0);
	assert_int_equal(q.kind, PD_Q_RANGE);
	assert_int_equal(q.last, 999);
	assert_int_equal(pd_query_parse("0", &q), 0);
	assert_int_equal(pd_query_parse("65535/SCTP", &q), 0);
	assert_int_equal(q.proto, PD_SCTP);
	assert_int_equal(pd_query_parse("SSH", &q), 0);
	assert_int_equal(q.kind, PD_Q_NAME);
	assert_string_equal(q.name, "SSH");
	assert_int_equal(pd_query_parse("3com-tsmux", &q), 0);
	assert_int_equal(q.kind, PD_Q_NAME);
	assert_int_equal(pd_query_parse("ssh/tcp", &q), 0);
	assert_int_equal(q.proto, PD_TCP);
	for (int i = 0; bad[i]; i++) {
		if (pd_query_parse(bad[i], &q) != PD_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void test_parse_port_cursor(void **state)
{
	const char *s = "8080,9000";
	unsigned p;

	assert_int_equal(pd_parse_port(&s, &p), 0);
	assert_int_equal(p, 8080);
	assert_string_equal(s, ",9000");
	s = "65536";
	assert_int_equal(pd_parse_port(&s, &p), PD_EINVAL);
	assert_string_equal(s, "65536");
}

static void test_buf(void **state)
{
	struct pd_buf b = PD_BUF_INIT;

	assert_string_equal(pd_buf_str(&b), "");
	pd_buf_json_str(&b, "a\"b\\c\n<\x01>");
	assert_string_equal(pd_buf_str(&b), "\"a\\\"b\\\\c\\n<\\u0001>\"");
	pd_buf_release(&b);
	b.max = 8;
	pd_buf_puts(&b, "12345678");
	assert_int_equal(b.err, 0);
	pd_buf_puts(&b, "9");
	assert_int_equal(b.err, PD_ETOOBIG);
	assert_string_equal(pd_buf_str(&b), "12345678");
	pd_buf_release(&b);
	b.max = 0;
	for (int i = 0; i < 1000; i++)
		pd_buf_printf(&b, "%0300d", i);
	assert_int_equal(b.len, 300000);
	pd_buf_release(&b);
}

/* text(s) is what pd_buf_text adds for s */
static const char *text(struct pd_buf *b, const char *s)
{
	b->len = 0;
	pd_buf_add(b, "", 0);
	pd_buf_text(b, s);
	return pd_buf_str(b);
}

static void test_buf_text(void **state)
{
	struct pd_buf b = PD_BUF_INIT;

	(void)state;
	/* valid UTF-8 and printable ASCII, backslashes too, as they are */
	assert_string_equal(text(&b, "plain \\x1b ASCII ~"), "plain \\x1b ASCII ~");
	assert_string_equal(text(&b, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xe2\x80\x8d"),
			    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xe2\x80\x8d");
	/* C0, newlines and tabs included, and DEL */
	assert_string_equal(text(&b, "\x1b[31mred\x07"), "\\x1b[31mred\\x07");
	assert_string_equal(text(&b, "a\nb\tc\rd\x01\x1f\x7f"), "a\\x0ab\\x09c\\x0dd\\x01\\x1f\\x7f");
	/* C1: U+0080-U+009F; U+00A0 is not one */
	assert_string_equal(text(&b, "\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0"), "\\u0080\\u009b\\u009f\xc2\xa0");
	/* the bidi controls, the line and paragraph separators */
	assert_string_equal(text(&b, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae"),
			    "\\u202a\\u202b\\u202c\\u202d\\u202e");
	assert_string_equal(text(&b, "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9\xe2\x81\xaa"),
			    "\\u2066\\u2067\\u2068\\u2069\xe2\x81\xaa");
	assert_string_equal(text(&b, "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xa7"),
			    "\\u061c\\u200e\\u200f\\u2028\\u2029\xe2\x80\xa7");
	/* bytes that are not UTF-8: stray, overlong, surrogate, too high, cut short */
	assert_string_equal(text(&b, "\xff\x80x"), "\\xff\\x80x");
	assert_string_equal(text(&b, "\xc0\xaf\xc1\x9b"), "\\xc0\\xaf\\xc1\\x9b");
	assert_string_equal(text(&b, "\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(text(&b, "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(text(&b, "\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(text(&b, "\xe2\x80"), "\\xe2\\x80");
	assert_string_equal(text(&b, "\xe2\x80" "a"), "\\xe2\\x80a");
	/* escaping twice changes nothing */
	assert_string_equal(text(&b, "\\x1b\\u202e"), "\\x1b\\u202e");
	/* NULs, with a length */
	b.len = 0;
	pd_buf_text_n(&b, "a\0b\xe2\x80\xae", 6);
	assert_string_equal(pd_buf_str(&b), "a\\x00b\\u202e");
	b.len = 0;
	pd_buf_text_n(&b, "\xe2\x80\xae", 2); /* a sequence cut by the length */
	assert_string_equal(pd_buf_str(&b), "\\xe2\\x80");
	assert_string_equal(text(&b, NULL), "");
	pd_buf_release(&b);
}

static void test_buf_escapers(void **state)
{
	struct pd_buf b = PD_BUF_INIT;

	(void)state;
	/* JSON: what JSON needs, and DEL, C1, bidi controls, separators; \ufffd for non-UTF-8 */
	pd_buf_json_str(&b, "caf\xc3\xa9\x7f\xc2\x9b\xe2\x80\xae\xe2\x80\xa8\xd8\x9c\xff!");
	assert_string_equal(pd_buf_str(&b), "\"caf\xc3\xa9\\u007f\\u009b\\u202e\\u2028\\u061c\\ufffd!\"");
	b.len = 0;
	pd_buf_json_str(&b, "\xe2\x80");
	assert_string_equal(pd_buf_str(&b), "\"\\ufffd\\ufffd\"");
	/* HTML: markup escaped, controls shown as on a terminal */
	b.len = 0;
	pd_buf_html(&b, "<b>\"caf\xc3\xa9\" & 'x'\x1b[2J\xc2\x85\xe2\x80\xae\xfe</b>");
	assert_string_equal(pd_buf_str(&b),
			    "&lt;b&gt;&quot;caf\xc3\xa9&quot; &amp; &#39;x&#39;\\x1b[2J\\u0085\\u202e\\xfe&lt;/b&gt;");
	/* wrapping: escapes as words, one column per character */
	b.len = 0;
	pd_buf_wrap(&b, "aaaa \x1b[1m bbb\tc \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 dd\nee", 0, 2, 10);
	assert_string_equal(pd_buf_str(&b), "aaaa\n  \\x1b[1m\n  bbb\\x09c\n  \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 dd\n  ee\n");
	pd_buf_release(&b);
}

static void test_status_and_names(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	char names[256];

	assert_int_equal(pd_registry_status(reg, 0, PD_TCP), PD_RESERVED);
	assert_int_equal(pd_registry_status(reg, 0, PD_SCTP), PD_UNASSIGNED);
	assert_int_equal(pd_registry_status(reg, 7, PD_UDP), PD_ASSIGNED);
	/* status words in several spellings */
	assert_int_equal(pd_registry_status(reg, 15, PD_TCP), PD_UNASSIGNED);
	assert_int_equal(pd_registry_status(reg, 15, PD_UDP), PD_UNASSIGNED);
	/* every name kept, the primary first */
	names_at(reg, 80, PD_TCP, names, sizeof(names));
	assert_string_equal(names, "http,www,www-http");
	names_at(reg, 80, PD_UDP, names, sizeof(names));
	assert_string_equal(names, "http");
	/* a port inside an assigned range resolves to it */
	names_at(reg, 6001, PD_TCP, names, sizeof(names));
	assert_string_equal(names, "x11");
	/* a single-port row overrides the range that contains it */
	assert_int_equal(pd_registry_status(reg, 6070, PD_TCP), PD_ASSIGNED);
	assert_int_equal(pd_registry_status(reg, 6071, PD_TCP), PD_UNASSIGNED);
	assert_int_equal(pd_registry_status(reg, 6070, PD_UDP), PD_UNASSIGNED);
	assert_int_equal(pd_registry_status(reg, 120, PD_TCP), PD_RESERVED);
	assert_int_equal(pd_registry_port_status(reg, 120), PD_ASSIGNED);
	assert_int_equal(pd_registry_count(reg), 24);
	pd_registry_free(reg);
}

static void test_entry_fields(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	uint32_t idx[4];
	struct pd_entry e;
	const char *cur, *item;
	size_t len;

	assert_int_equal(pd_registry_lookup(reg, 80, PD_TCP, idx, 4), 3);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.name, "http");
	assert_string_equal(e.assignee, "[IESG]");
	assert_string_equal(e.modified, "2021-10-01");
	assert_string_equal(e.notes, "Defined TXT keys, \"u\"");
	cur = e.refs;
	assert_int_equal(pd_refs_next(&cur, &item, &len), 1);
	assert_int_equal(len, 7);
	assert_memory_equal(item, "RFC9110", 7);
	assert_int_equal(pd_refs_next(&cur, &item, &len), 0);
	{
		/* no people list in a CSV: the id, with spaces, is the label */
		struct pd_person_ref r;
		const char *people = "[IETF_Chair][" /* an id too long to keep is skipped */
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx][IESG]";
		assert_int_equal(pd_registry_people_next(reg, &people, &r), 1);
		assert_string_equal(r.id, "IETF_Chair");
		assert_string_equal(r.label, "IETF Chair");
		assert_int_equal(r.known, 0);
		assert_string_equal(r.p.uri, "");
		assert_int_equal(pd_registry_people_next(reg, &people, &r), 1);
		assert_string_equal(r.id, "IESG");
		assert_int_equal(pd_registry_people_next(reg, &people, &r), 0);
	}
	assert_int_equal(pd_registry_lookup(reg, 120, PD_UDP, idx, 4), 1);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.expires, "2024-02-01");
	assert_int_equal(pd_registry_entry(reg, 100000, &e), PD_ENOTFOUND);
	pd_registry_free(reg);
}

static void test_blocks_and_neighbours(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	struct pd_block b;
	unsigned n;

	/* 8-14 and 15 (in two spellings of "unassigned") up to sshell on 22 */
	assert_int_equal(pd_registry_block(reg, 10, &b), 0);
	assert_int_equal(b.first, 8);
	assert_int_equal(b.last, 21);
	assert_int_equal(b.size, 14);
	assert_int_equal(b.cls, PD_SYSTEM);
	assert_int_equal(pd_registry_block(reg, 22, &b), PD_ENOTFOUND);
	/* by size: 132-199, 23-79, 81-119, 8-21, 121-130, 1-6 */
	assert_int_equal(pd_registry_block(reg, 150, &b), 0);
	assert_int_equal(b.rank, 1);
	assert_int_equal(b.of, 6);
	assert_int_equal(pd_registry_block(reg, 50, &b), 0);
	assert_int_equal(b.rank, 2);
	assert_int_equal(pd_registry_block(reg, 100, &b), 0);
	assert_int_equal(b.first, 81);
	assert_int_equal(b.last, 119);
	assert_int_equal(b.rank, 3);
	assert_int_equal(pd_registry_block(reg, 10, &b), 0);
	assert_int_equal(b.rank, 4);
	/* reserved-only ports break a block but are not neighbours */
	assert_int_equal(pd_registry_block(reg, 1, &b), 0);
	assert_int_equal(b.first, 1);
	assert_int_equal(b.last, 6);
	assert_int_equal(pd_registry_neighbour(reg, 1, -1, &n), PD_ENOTFOUND);
	assert_int_equal(pd_registry_neighbour(reg, 6, 1, &n), 0);
	assert_int_equal(n, 7);
	/* inside an assigned range, the next port of the range */
	assert_int_equal(pd_registry_neighbour(reg, 6001, -1, &n), 0);
	assert_int_equal(n, 6000);
	assert_int_equal(pd_registry_neighbour(reg, 6063, 1, &n), 0);
	assert_int_equal(n, 6070);
	/* at both ends of the port space (the first and the last segment) */
	assert_int_equal(pd_registry_neighbour(reg, 0, -1, &n), PD_ENOTFOUND);
	assert_int_equal(pd_registry_neighbour(reg, 65535, 1, &n), PD_ENOTFOUND);
	assert_int_equal(pd_registry_neighbour(reg, 65535, -1, &n), 0);
	assert_int_equal(n, 6070);
	pd_registry_free(reg);
}

/* Imports in two threads at once, each of its own registry, must not mix
 * their name indexes (the builder once sorted through a global). */
struct import_job {
	const char *csv, *name;
	unsigned port;
	int bad;
};

static void *import_many(void *arg)
{
	struct import_job *j = arg;

	for (int i = 0; i < 100; i++) {
		struct pd_registry *reg = NULL;
		uint32_t idx[4];
		struct pd_entry e;
		char err[128];
		if (pd_registry_open_buffer(j->csv, strlen(j->csv), "t", &reg, err, sizeof(err)) ||
		    pd_registry_find_name(reg, j->name, idx, 4) != 1 || pd_registry_entry(reg, idx[0], &e) ||
		    e.first != j->port)
			j->bad++;
		pd_registry_free(reg);
	}
	return NULL;
}

static void test_parallel_imports(void **state)
{
	static char a[65536], b[65536];
	struct import_job ja = { a, "svc-a-77", 0, 0 }, jb = { b, "svc-b-33", 0, 0 };
	pthread_t ta, tb;
	size_t na = 0, nb = 0;

	/* many names each, so that the two sorts overlap in time */
	na += (size_t)snprintf(a + na, sizeof(a) - na, HDR);
	nb += (size_t)snprintf(b + nb, sizeof(b) - nb, HDR);
	for (unsigned i = 0; i < 500; i++) {
		na += (size_t)snprintf(a + na, sizeof(a) - na, "svc-a-%u,%u,tcp,A,,,,,,,,\n", i, 1000 + i);
		nb += (size_t)snprintf(b + nb, sizeof(b) - nb, "svc-b-%u,%u,udp,B,,,,,,,,\n", 499 - i, 3000 + i);
	}
	ja.port = 1077;
	jb.port = 3466;
	assert_int_equal(pthread_create(&ta, NULL, import_many, &ja), 0);
	assert_int_equal(pthread_create(&tb, NULL, import_many, &jb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(ja.bad, 0);
	assert_int_equal(jb.bad, 0);
}

static void test_find_name_and_search(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	uint32_t idx[16];
	struct pd_entry e;
	size_t n;

	n = pd_registry_find_name(reg, "HTTP", idx, 16);
	assert_int_equal(n, 2);
	n = pd_registry_find_name(reg, "nope", idx, 16);
	assert_int_equal(n, 0);
	assert_int_equal(pd_registry_search(reg, "www", idx, 16, &n), 0);
	assert_true(n >= 2);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.name, "www");   /* exact name first */
	assert_int_equal(pd_registry_entry(reg, idx[1], &e), 0);
	assert_string_equal(e.name, "www-http"); /* then prefix */
	assert_int_equal(pd_registry_search(reg, "window system", idx, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.name, "x11");
	assert_int_equal(pd_registry_search(reg, "sshel", idx, 16, &n), 0); /* prefix */
	assert_int_equal(n, 1);
	assert_int_equal(pd_registry_search(reg, "shsell", idx, 16, &n), 0); /* typo */
	assert_int_equal(n, 1);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.name, "sshell");
	n = 99;
	assert_int_equal(pd_registry_search(reg, "zzzzqqq", idx, 16, &n), 0); /* no match: 0 found */
	assert_int_equal(n, 0);
	pd_registry_free(reg);
}

static const char hist_csv[] = HDR
	",0-9,,Unassigned,,,,,,,,\n"
	"old,10,tcp,Old,,,,,,,,\n"
	",10,udp,Reserved,,,,,,,,\n"
	",11-19,,Unassigned,,,,,,,,\n"
	"lies,20,udp,Lies,,,2023-02-17,,,,,\n"
	",20,tcp,Reserved,,,,,,,,\n"
	"ties,21,udp,Ties,,,2023-02-17,,,,,\n"
	",21,tcp,Reserved,,,,,,,,\n"
	",22-39,,Unassigned,,,,,,,,\n"
	"rndc,40,tcp,Rndc,,,2017-06-08,,,,,\n"
	",41-49,,Unassigned,,,,,,,,\n"
	"perm,50,tcp,Perm,,,,,,,,\n";

static void test_history(void **state)
{
	struct pd_registry *reg = open_csv(hist_csv);
	struct pd_history h[8];
	struct pd_block b;
	size_t n;

	assert_int_equal(pd_registry_block(reg, 30, &b), 0);
	assert_int_equal(b.first, 22);
	assert_int_equal(b.last, 39);
	n = pd_registry_history(reg, 30, h, 8);
	/* 20 and 21 were registered on udp with their tcp sides reserved the
	 * same day: one event, the block was 11-39 before it; before 40 was
	 * registered in 2017 it reached 49 */
	assert_int_equal(n, 3);
	assert_string_equal(h[0].date, "2023-02-17");
	assert_int_equal(h[0].port, 20);
	assert_int_equal(h[0].proto, PD_UDP);
	assert_string_equal(h[0].service, "lies");
	assert_int_equal(h[0].before_first, 11);
	assert_int_equal(h[0].before_last, 39);
	assert_int_equal(h[1].port, 21);
	assert_string_equal(h[2].date, "2017-06-08");
	assert_int_equal(h[2].port, 40);
	assert_int_equal(h[2].before_first, 11);
	assert_int_equal(h[2].before_last, 49);
	/* an assigned port's own registration: in 2017, 20 and 21 were free too */
	n = pd_registry_history(reg, 40, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].port, 40);
	assert_int_equal(h[0].before_first, 11);
	assert_int_equal(h[0].before_last, 49);
	/* undated assignments have no history */
	assert_int_equal(pd_registry_history(reg, 50, h, 8), 0);
	/* neighbours skip reserved-only ports */
	{
		unsigned p;
		assert_int_equal(pd_registry_neighbour(reg, 22, -1, &p), 0);
		assert_int_equal(p, 21);
		assert_int_equal(pd_registry_neighbour(reg, 39, 1, &p), 0);
		assert_int_equal(p, 40);
		assert_int_equal(pd_registry_neighbour(reg, 50, 1, &p), PD_ENOTFOUND);
	}
	pd_registry_free(reg);
}

static struct pd_registry *open_fixture(const char *name)
{
	const char *root = getenv("PD_SOURCE_ROOT");
	char path[1024], err[256] = "";
	struct pd_registry *reg = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/tests/data/diff/%s", root ? root : ".", name);
	rc = pd_registry_open_file(path, &reg, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s (%s)", path, pd_strerror(rc), err);
	return reg;
}

struct diff_log {
	char text[2048];
	unsigned n[PD_DIFF_NKINDS][3];
	unsigned char changed[65536][PD_NPROTO]; /* pairs reported as status changes */
	int order_ok;
	enum pd_diff_kind last_kind;
};

__attribute__((format(printf, 2, 3)))
static void log_add(struct diff_log *l, const char *fmt, ...)
{
	size_t n = strlen(l->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->text + n, sizeof(l->text) - n, fmt, ap);
	va_end(ap);
}

static void on_diff(void *ctx, const struct pd_diff_item *d)
{
	struct diff_log *l = ctx;
	const struct pd_entry *x = d->new_e ? d->new_e : d->old_e;

	if (d->kind < l->last_kind)
		l->order_ok = 0;
	l->last_kind = d->kind;
	l->n[d->kind][d->what]++;
	log_add(l, "%s%c", pd_diff_kind_name(d->kind), "+~-"[d->what]);
	switch (d->kind) {
	case PD_DIFF_STATUS:
		assert_int_equal(d->what, PD_CHANGED);
		log_add(l, "%u-%u/%x:%d>%d ", d->first, d->last, d->protos, d->old_status, d->new_status);
		for (unsigned p = d->first; p <= d->last; p++)
			for (int t = 0; t < PD_NPROTO; t++)
				if (d->protos & (1u << t)) {
					assert_int_equal(l->changed[p][t], 0); /* each pair once */
					l->changed[p][t] = 1;
				}
		break;
	case PD_DIFF_RANGE:
		assert_true(d->n_old || d->n_new);
		for (size_t i = 0; i < d->n_old; i++)
			log_add(l, "%s%u-%u", i ? "," : "", d->old_rows[i].first, d->old_rows[i].last);
		log_add(l, ">");
		for (size_t i = 0; i < d->n_new; i++)
			log_add(l, "%s%u-%u", i ? "," : "", d->new_rows[i].first, d->new_rows[i].last);
		log_add(l, " ");
		break;
	default:
		assert_true(d->what == PD_ADDED ? !d->old_e && d->new_e
			    : d->what == PD_REMOVED ? d->old_e && !d->new_e : d->old_e && d->new_e);
		assert_true(d->what == PD_CHANGED ? d->fields != 0 : d->fields == 0);
		log_add(l, "%s/%u", x->name, x->first);
		for (int f = 0; f < PD_NFIELDS; f++)
			if (d->fields & (1u << f))
				log_add(l, ":%s", pd_field_name((enum pd_field)f));
		log_add(l, " ");
		break;
	}
}

/* Every (port, transport) whose status differs is reported once, and no other. */
static void check_status_pairs(const struct pd_registry *a, const struct pd_registry *b, const struct diff_log *l)
{
	for (unsigned p = 0; p < 65536; p++)
		for (int t = 0; t < PD_NPROTO; t++)
			if ((pd_registry_status(a, p, t) != pd_registry_status(b, p, t)) != l->changed[p][t])
				fail_msg("%u/%s: status change %sreported", p, pd_proto_name(t),
					 l->changed[p][t] ? "wrongly " : "not ");
}

static void test_diff(void **state)
{
	struct pd_registry *a = open_fixture("old.csv"), *b = open_fixture("new.csv");
	struct diff_log *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	l->order_ok = 1;
	assert_int_equal(pd_registry_diff(a, b, on_diff, l), 0);
	assert_string_equal(l->text,
		"status~11-11/1:0>1 status~11-11/2:0>2 status~40-40/1:2>1 status~41-42/f:0>1 "
		"status~100-110/1:1>0 "
		"range~8-20>8-10,12-20 range~41-49>43-49 range+>41-42 range-100-110> "
		"assignment+eleven/11 assignment~two/30:description assignment-four/40 "
		"name-argus/0 name~keepnote/0:notes name+newname/0 ");
	assert_true(l->order_ok);
	check_status_pairs(a, b, l);

	/* the other way round: every change reversed */
	memset(l, 0, sizeof(*l));
	l->order_ok = 1;
	assert_int_equal(pd_registry_diff(b, a, on_diff, l), 0);
	assert_int_equal(l->n[PD_DIFF_RANGE][PD_ADDED], 1);
	assert_int_equal(l->n[PD_DIFF_RANGE][PD_REMOVED], 1);
	assert_int_equal(l->n[PD_DIFF_ASSIGNMENT][PD_ADDED], 1);
	assert_int_equal(l->n[PD_DIFF_NAME][PD_REMOVED], 1);
	check_status_pairs(b, a, l);

	/* a registry against itself, and against the snapshot */
	memset(l, 0, sizeof(*l));
	assert_int_equal(pd_registry_diff(a, a, on_diff, l), 0);
	assert_string_equal(l->text, "");
	pd_registry_free(b);
	assert_int_equal(pd_registry_open_default(&b), 0);
	memset(l, 0, sizeof(*l));
	l->order_ok = 1;
	assert_int_equal(pd_registry_diff(a, b, on_diff, l), 0);
	assert_true(l->order_ok);
	check_status_pairs(a, b, l);
	free(l);
	pd_registry_free(a);
	pd_registry_free(b);
}

static void test_services(void **state)
{
	struct pd_registry *reg = open_csv(small_csv);
	struct pd_buf b = PD_BUF_INIT;

	assert_int_equal(pd_registry_services(reg, 0, &b), 0);
	assert_non_null(strstr(b.s, "\nhttp            80/tcp www www-http\t# World Wide Web HTTP\n"));
	assert_non_null(strstr(b.s, "\nx11             6063/udp\t# X Window System\n"));
	assert_null(strstr(b.s, "argus"));
	pd_buf_release(&b);
	pd_registry_free(reg);
}

static void test_bad_input(void **state)
{
	struct pd_registry *reg = NULL;
	char err[256] = "";
	const char *bad[] = {
		"",
		"not,a,registry\n",
		HDR "x,99999,tcp,Bad port,,,,,,,,\n",
		HDR "x,80,xyz,Bad proto,,,,,,,,\n",
		HDR "x,80,tcp,Short row\n",
		HDR "x,80,tcp,\"unterminated,,,,,,,,\n",
		HDR,
		NULL,
	};

	for (int i = 0; bad[i]; i++) {
		err[0] = '\0';
		if (!pd_registry_open_buffer(bad[i], strlen(bad[i]), "bad", &reg, err, sizeof(err)))
			fail_msg("bad input %d was accepted", i);
		assert_null(reg);
	}
}

static void test_image_roundtrip(void **state)
{
	struct pd_registry *reg = open_csv(small_csv), *again = NULL;
	char path[] = "/tmp/portdex-test-XXXXXX";
	char file[64], err[256];
	const void *img;
	size_t len;
	char *copy;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof(file), "%s.pdx", path);
	assert_int_equal(pd_registry_save(reg, file), 0);
	assert_int_equal(pd_registry_open_file(file, &again, err, sizeof(err)), 0);
	assert_int_equal(pd_registry_count(again), pd_registry_count(reg));
	assert_int_equal(pd_registry_status(again, 6070, PD_TCP), PD_ASSIGNED);
	assert_string_equal(pd_registry_source(again), "IANA CSV test");
	pd_registry_free(again);
	/* a changed string passes the structural checks, not the checksum:
	 * opening a file checks both */
	{
		FILE *f = fopen(file, "r+b");
		char *bytes = malloc(1 << 20), *at;
		size_t n;
		assert_non_null(f);
		assert_non_null(bytes);
		n = fread(bytes, 1, 1 << 20, f);
		at = memmem(bytes, n, "X Window System", 15);
		assert_non_null(at);
		assert_int_equal(fseek(f, at - bytes, SEEK_SET), 0);
		fputc('Y', f);
		assert_int_equal(fclose(f), 0);
		free(bytes);
	}
	again = NULL;
	assert_int_equal(pd_registry_open_file(file, &again, err, sizeof(err)), PD_EFORMAT);
	assert_null(again);
	assert_string_equal(err, "damaged portdex image (checksum)");
	/* a damaged image is refused, never trusted */
	img = pd_registry_image(reg, &len);
	copy = malloc(len);
	assert_non_null(copy);
	for (size_t at = 8; at < len; at += len / 97 + 1) {
		memcpy(copy, img, len);
		copy[at] ^= 0x5a;
		again = NULL;
		assert_int_not_equal(pd_registry_open_buffer(copy, len, "x", &again, err, sizeof(err)), 0);
		assert_null(again);
	}
	/* truncated */
	assert_int_not_equal(pd_registry_open_buffer(img, len / 2, "x", &again, err, sizeof(err)), 0);
	free(copy);
	unlink(file);
	unlink(path);
	pd_registry_free(reg);
}

static void test_host(void **state)
{
	struct pd_host h;
	const char *root = getenv("PD_SOURCE_ROOT");
	char proc[512];

	snprintf(proc, sizeof(proc), "%s/tests/data/proc", root ? root : ".");
	assert_int_equal(pd_host_read(&h, proc), 0);
	assert_int_equal(h.unpriv_start, 1024);
	assert_int_equal(pd_host_privileged(&h, 1023), PD_YES);
	assert_int_equal(pd_host_privileged(&h, 1024), PD_NO);
	assert_int_equal(pd_host_ephemeral(&h, 32768), PD_YES);
	assert_int_equal(pd_host_ephemeral(&h, 61000), PD_NO);
	assert_int_equal(pd_host_reserved(&h, 8080), 1);
	assert_int_equal(pd_host_reserved(&h, 9005), 1);
	assert_int_equal(pd_host_reserved(&h, 9011), 0);
	pd_host_release(&h);
	assert_int_equal(pd_host_read(&h, "/nonexistent"), 0);
	assert_int_equal(pd_host_privileged(&h, 80), PD_UNKNOWN);
	assert_int_equal(pd_host_ephemeral(&h, 40000), PD_UNKNOWN);
	pd_host_release(&h);
}

static void test_classes(void **state)
{
	unsigned f, l;

	assert_int_equal(pd_port_class(1023), PD_SYSTEM);
	assert_int_equal(pd_port_class(1024), PD_USER);
	assert_int_equal(pd_port_class(49151), PD_USER);
	assert_int_equal(pd_port_class(49152), PD_DYNAMIC);
	pd_class_bounds(PD_DYNAMIC, &f, &l);
	assert_int_equal(f, 49152);
	assert_int_equal(l, 65535);
}

/* The page takes what it says about this host from the snapshot only: with
 * NULL it says nothing of the host and nothing listening; with a snapshot
 * filled by hand it says what the snapshot says, and the verdict sees the
 * snapshot's socket. */
static void test_page_host_snapshot(void **state)
{
	struct pd_registry *reg;
	struct pd_host h = { .unpriv_start = 80, .eph_first = 900, .eph_last = 1000, .reserved = NULL };
	struct pd_socket sock;
	struct pd_socket_list l;
	struct pd_host_snapshot snap = { .host = &h, .sockets = &l };
	struct pd_site_opts o = { .root = "/", .ext = "" };
	struct pd_buf md = PD_BUF_INIT, js = PD_BUF_INIT;

	(void)state;
	memset(&sock, 0, sizeof(sock));
	sock.proto = PD_TCP;
	sock.family = 4;
	strcpy(sock.addr, "127.0.0.1");
	sock.port = 926;
	sock.v6only = -1;
	memset(&l, 0, sizeof(l));
	l.v = &sock;
	l.n = 1;
	l.method = "by hand";
	assert_int_equal(pd_registry_open_default(&reg), 0);

	assert_int_equal(pd_page(reg, 926, PD_FMT_MARKDOWN, &o, &md), 0);
	assert_int_equal(pd_page(reg, 926, PD_FMT_JSON, &o, &js), 0);
	assert_null(strstr(pd_buf_str(&md), "On this machine"));
	assert_non_null(strstr(pd_buf_str(&js), "\"host\":null"));
	assert_non_null(strstr(pd_buf_str(&js), "\"listening\":null"));
	assert_null(strstr(pd_buf_str(&js), "in use now"));

	md.len = js.len = 0;
	o.host = &snap;
	assert_int_equal(pd_page(reg, 926, PD_FMT_MARKDOWN, &o, &md), 0);
	assert_int_equal(pd_page(reg, 926, PD_FMT_JSON, &o, &js), 0);
	assert_non_null(strstr(pd_buf_str(&md), "On this machine"));
	assert_non_null(strstr(pd_buf_str(&md), "unprivileged ports start at 80"));
	assert_non_null(strstr(pd_buf_str(&js), "\"privileged\":false"));
	assert_non_null(strstr(pd_buf_str(&js), "\"ephemeral\":true"));
	assert_non_null(strstr(pd_buf_str(&js), "\"listening\":[{\"transport\":\"tcp\",\"family\":4,\"address\":\"127.0.0.1\",\"port\":926"));
	assert_non_null(strstr(pd_buf_str(&js), "in use now: tcp 127.0.0.1:926"));
	pd_buf_release(&md);
	pd_buf_release(&js);
	pd_registry_free(reg);
}

/* One vocabulary for a listening socket: the port document's "listening"
 * holds the very object of pd_listening_json, and pd_listening_metrics
 * counts identical label sets once, sorted, with escaped values. */
static void test_listening_one_vocabulary(void **state)
{
	struct pd_registry *reg;
	struct pd_socket sock[3];
	struct pd_socket_list l;
	struct pd_host h = { .unpriv_start = 1024, .eph_first = 32768, .eph_last = 60999, .reserved = NULL };
	struct pd_host_snapshot snap = { .host = &h, .sockets = &l };
	struct pd_site_opts o = { .root = "/", .ext = "" };
	struct pd_buf js = PD_BUF_INIT, doc = PD_BUF_INIT, m = PD_BUF_INIT;
	const char *p, *q, *want;

	(void)state;
	memset(sock, 0, sizeof(sock));
	for (int i = 0; i < 3; i++) {
		sock[i].proto = PD_TCP;
		sock[i].family = 4;
		strcpy(sock[i].addr, "127.0.0.1");
		sock[i].port = 22;
		sock[i].v6only = -1;
		sock[i].inode = 100 + (unsigned long)i;
		sock[i].unknown = "no process holds it";
	}
	sock[2].proto = PD_UDP;
	strcpy(sock[2].netns, "a\"b");
	memset(&l, 0, sizeof(l));
	l.v = sock;
	l.n = 3;
	l.method = "by hand";
	o.host = &snap;
	assert_int_equal(pd_registry_open_default(&reg), 0);

	assert_int_equal(pd_listening_json(reg, &l, &js), 0);
	assert_int_equal(pd_page(reg, 22, PD_FMT_JSON, &o, &doc), 0);
	/* the first socket, as the listening document writes it */
	p = strstr(pd_buf_str(&js), "\n{\"transport\":\"tcp\"");
	assert_non_null(p);
	p++;
	q = strstr(p, "},\n");
	assert_non_null(q);
	assert_non_null(strstr(p, "\"service\":\"ssh\""));
	assert_non_null(strstr(p, "\"owners_unknown\":\"no process holds it\""));
	assert_null(strstr(pd_buf_str(&js), "\"proto\""));
	{
		char one[2048];
		size_t n = (size_t)(q - p) + 1;
		assert_true(n < sizeof(one));
		memcpy(one, p, n);
		one[n] = '\0';
		assert_non_null(strstr(pd_buf_str(&doc), one));
	}

	assert_int_equal(pd_listening_metrics(reg, &l, &m), 0);
	want = "# HELP portdex_listening_sockets Listening sockets by transport, address family, registry status and network namespace.\n"
	       "# TYPE portdex_listening_sockets gauge\n"
	       "portdex_listening_sockets{transport=\"tcp\",family=\"ipv4\",status=\"assigned\",netns=\"\"} 2\n"
	       "portdex_listening_sockets{transport=\"udp\",family=\"ipv4\",status=\"assigned\",netns=\"a\\\"b\"} 1\n";
	assert_string_equal(pd_buf_str(&m), want);
	assert_int_equal(pd_listening_metrics(NULL, &l, &m), PD_EINVAL);
	pd_buf_release(&js);
	pd_buf_release(&doc);
	pd_buf_release(&m);
	pd_registry_free(reg);
}

/* The frame a program gets for pages of its own is the frame of every
 * page: the home page starts with its top (up to the title) and its nav,
 * and ends with its end. */
static void test_site_frame(void **state)
{
	struct pd_registry *reg;
	struct pd_site_opts o = { .root = "/", .ext = "" };
	struct pd_buf page = PD_BUF_INIT, top = PD_BUF_INIT, end = PD_BUF_INIT;
	const char *t, *nav;

	(void)state;
	assert_int_equal(pd_registry_open_default(&reg), 0);
	assert_int_equal(pd_site_page(reg, PD_SITE_HOME, PD_FMT_HTML, &o, &page), 0);
	assert_int_equal(pd_site_frame_top("A <b>", &o, &top), 0);
	assert_int_equal(pd_site_frame_end(&end), 0);
	t = strstr(pd_buf_str(&top), "<title>");
	assert_non_null(t);
	assert_non_null(strstr(t, "<title>A &lt;b&gt; - portdex</title>"));
	assert_memory_equal(pd_buf_str(&page), pd_buf_str(&top), (size_t)(t - top.s) + 7);
	nav = strstr(pd_buf_str(&top), "</style>");
	assert_non_null(nav);
	assert_non_null(strstr(pd_buf_str(&page), nav));
	assert_true(page.len > end.len);
	assert_string_equal(page.s + page.len - end.len, pd_buf_str(&end));
	assert_non_null(strstr(pd_buf_str(&end), "</main>"));
	assert_null(strstr(pd_buf_str(&top), "</main>"));
	assert_int_equal(pd_site_frame_top(NULL, &o, &top), PD_EINVAL);
	pd_buf_release(&page);
	pd_buf_release(&top);
	pd_buf_release(&end);
	pd_registry_free(reg);
}

/* One history cap for every output: the model, the port document and the
 * page JSON hold the same events. */
static void test_facts_one_history(void **state)
{
	struct pd_registry *reg;
	struct pd_port_facts f;
	struct pd_history all[64];
	struct pd_buf a = PD_BUF_INIT, b = PD_BUF_INIT;
	struct pd_site_opts o = { .root = "/", .ext = "" };
	unsigned port = 0;
	size_t most = 0;
	const char *ha, *hb;

	(void)state;
	assert_int_equal(pd_registry_open_default(&reg), 0);
	/* a port with more events than the cap */
	for (unsigned p = 0; p < 65536 && most <= PD_HISTORY_MAX; p += 7) {
		size_t n = pd_registry_history(reg, p, all, 64);
		if (n > most) {
			most = n;
			port = p;
		}
	}
	assert_true(most > PD_HISTORY_MAX);
	assert_int_equal(pd_port_facts_build(reg, port, NULL, NULL, &f), 0);
	assert_int_equal(f.nhist, PD_HISTORY_MAX);
	assert_int_equal(pd_port_facts_json(&f, PD_PROTO_ANY, &a), 0);
	pd_port_facts_release(&f);
	assert_int_equal(pd_page(reg, port, PD_FMT_JSON, &o, &b), 0);
	ha = strstr(pd_buf_str(&a), "\"history\":");
	hb = strstr(pd_buf_str(&b), "\"history\":");
	assert_non_null(ha);
	assert_non_null(hb);
	assert_int_equal(strncmp(ha, hb, (size_t)(strstr(ha, "],") - ha)), 0);
	pd_buf_release(&a);
	pd_buf_release(&b);
	pd_registry_free(reg);
}

/* An FAQ answer is not cut, however long: "Is port N assigned? Yes." and
 * the summary, with a 3,000-byte description. */
static void test_faq_long_answer(void **state)
{
	struct pd_registry *reg;
	struct pd_buf csv = PD_BUF_INIT, js = PD_BUF_INIT;
	struct pd_site_opts o = { .root = "/", .ext = "" };
	char err[128];
	const char *a;

	(void)state;
	pd_buf_puts(&csv, HDR "long,4000,tcp,");
	for (int i = 0; i < 300; i++)
		pd_buf_puts(&csv, "long words ");
	pd_buf_puts(&csv, "THE-END,,,,,,,,\n");
	assert_int_equal(pd_registry_open_buffer(csv.s, csv.len, "long.csv", &reg, err, sizeof(err)), 0);
	assert_int_equal(pd_page(reg, 4000, PD_FMT_JSON, &o, &js), 0);
	a = strstr(pd_buf_str(&js), "\"a\":\"Yes. ");
	assert_non_null(a);
	assert_non_null(strstr(a, "THE-END"));
	assert_true(strstr(a, "THE-END") - a > 3000);
	pd_buf_release(&csv);
	pd_buf_release(&js);
	pd_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_parse),
		cmocka_unit_test(test_parse_port_cursor),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_text),
		cmocka_unit_test(test_buf_escapers),
		cmocka_unit_test(test_status_and_names),
		cmocka_unit_test(test_entry_fields),
		cmocka_unit_test(test_blocks_and_neighbours),
		cmocka_unit_test(test_parallel_imports),
		cmocka_unit_test(test_find_name_and_search),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_image_roundtrip),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_page_host_snapshot),
		cmocka_unit_test(test_listening_one_vocabulary),
		cmocka_unit_test(test_site_frame),
		cmocka_unit_test(test_facts_one_history),
		cmocka_unit_test(test_faq_long_answer),
		cmocka_unit_test(test_hide_paths),
		cmocka_unit_test(test_page_no_host_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
