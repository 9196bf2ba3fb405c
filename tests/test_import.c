/* test_import.c: unit tests for the CSV and XML importers.
 *
 * Small made-up inputs check the mapping and the failure modes; the
 * fixtures tests/data/iana-sample.{xml,csv} (made-up records in IANA's
 * formats, under $PD_SOURCE_ROOT) are read in both forms and must agree
 * field by field. With --official, IANA's own files at $PD_SHARED/iana
 * (Meson passes the ../shared beside the source tree) are read and compared
 * record by record; without them the run exits 77 (skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "portdex.h"
#include "importer.h"

#ifndef PD_SHARED_DEFAULT
#define PD_SHARED_DEFAULT "../shared"
#endif

#define NCOLS 12

/* ---- a sink that keeps everything ---- */

struct row { char *f[NCOLS]; };
struct person { char *f[5]; };

struct collect {
	struct row *rows;
	size_t nrows, cap;
	struct person *people;
	size_t npeople, pcap;
	char *title, *updated;
	size_t fail_at; /* if non-zero, the row callback fails on this row (1-based) */
	int fail_rc;
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static int on_row(void *ctx, const struct pd__raw_row *r)
{
	struct collect *c = ctx;
	const char *f[NCOLS] = {r->name, r->number, r->proto, r->description, r->assignee,
				r->contact, r->registered, r->modified, r->refs,
				r->service_code, r->unauthorized, r->notes};
	size_t i;

	if (c->fail_at && c->nrows + 1 == c->fail_at)
		return c->fail_rc;
	if (c->nrows == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->rows = realloc(c->rows, c->cap * sizeof(*c->rows));
		assert_non_null(c->rows);
	}
	for (i = 0; i < NCOLS; i++) {
		assert_non_null(f[i]);
		c->rows[c->nrows].f[i] = xstrdup(f[i]);
	}
	c->nrows++;
	return 0;
}

static int on_person(void *ctx, const struct pd__raw_person *p)
{
	struct collect *c = ctx;
	const char *f[5] = {p->id, p->name, p->org, p->uri, p->updated};
	size_t i;

	if (c->npeople == c->pcap) {
		c->pcap = c->pcap ? c->pcap * 2 : 64;
		c->people = realloc(c->people, c->pcap * sizeof(*c->people));
		assert_non_null(c->people);
	}
	for (i = 0; i < 5; i++) {
		assert_non_null(f[i]);
		c->people[c->npeople].f[i] = xstrdup(f[i]);
	}
	c->npeople++;
	return 0;
}

static int on_meta(void *ctx, const char *key, const char *value)
{
	struct collect *c = ctx;

	if (strcmp(key, "title") == 0) {
		free(c->title);
		c->title = xstrdup(value);
	} else if (strcmp(key, "updated") == 0) {
		free(c->updated);
		c->updated = xstrdup(value);
	} else {
		fail_msg("unexpected meta key '%s'", key);
	}
	return 0;
}

static void collect_release(struct collect *c)
{
	size_t i, j;

	for (i = 0; i < c->nrows; i++)
		for (j = 0; j < NCOLS; j++)
			free(c->rows[i].f[j]);
	for (i = 0; i < c->npeople; i++)
		for (j = 0; j < 5; j++)
			free(c->people[i].f[j]);
	free(c->rows);
	free(c->people);
	free(c->title);
	free(c->updated);
	memset(c, 0, sizeof(*c));
}

static int run(pd__import_fn fn, const char *data, size_t len, struct collect *c, char *err,
	       size_t errlen)
{
	struct pd__sink sink = {c, on_row, on_person, on_meta};

	return fn(data, len, &sink, err, errlen);
}

static int run_str(pd__import_fn fn, const char *data, struct collect *c, char *err,
		   size_t errlen)
{
	return run(fn, data, strlen(data), c, err, errlen);
}

static void assert_row(const struct row *r, const char *const want[NCOLS])
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		assert_string_equal(r->f[i], want[i]);
}

/* ---- CSV ---- */

#define CSV_HEADER                                                                          \
	"Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"         \
	"Registration Date,Modification Date,Reference,Service Code,"                       \
	"Unauthorized Use Reported,Assignment Notes"

static const char csv_good[] =
	CSV_HEADER "\n"
	"widget,4999,tcp,Widget Control,[Widget_Org],[Ann_Example],2030-01-01,2030-01-02,"
	"[RFC9999][draft-example-widget-01],12345,,\"Defined TXT keys:\n  v=version, "
	"\"\"quoted\"\"\"\n"
	",5001-5010,,Unassigned,,,,,,,,\n"
	"portless,,tcp,\"Name only, no port\",[Bob_Example],[Bob_Example],2030-01-03,,,,,\n";

static void csv_reads_rows(void **state)
{
	static const char *const want[3][NCOLS] = {
		{"widget", "4999", "tcp", "Widget Control", "[Widget_Org]", "[Ann_Example]",
		 "2030-01-01", "2030-01-02", "[RFC9999][draft-example-widget-01]", "12345", "",
		 "Defined TXT keys:\n  v=version, \"quoted\""},
		{"", "5001-5010", "", "Unassigned", "", "", "", "", "", "", "", ""},
		{"portless", "", "tcp", "Name only, no port", "[Bob_Example]", "[Bob_Example]",
		 "2030-01-03", "", "", "", "", ""},
	};
	struct collect c = {0};
	char err[256] = "x";
	size_t i;

	(void)state;
	assert_int_equal(run_str(pd__import_csv, csv_good, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.nrows, 3);
	for (i = 0; i < 3; i++)
		assert_row(&c.rows[i], want[i]);
	assert_int_equal(c.npeople, 0);
	assert_null(c.title);
	assert_null(c.updated);
	collect_release(&c);
}

/* CRLF line ends, a byte order mark, a lower-case header, blank lines and a
 * last row without a line end; blanks around unquoted fields are kept. */
static void csv_crlf_bom_and_blank_lines(void **state)
{
	static const char data[] =
		"\xef\xbb\xbf" "service name,PORT NUMBER,transport protocol,description,assignee,"
		"contact,registration date,modification date,reference,service code,"
		"unauthorized use reported,assignment notes\r\n"
		"\r\n"
		"a,1,tcp,\"two\r\nlines\",,,,,,,,\r\n"
		"\r\n"
		"b,2, udp ,x,,,,,,,,";
	struct collect c = {0};
	char err[256];

	(void)state;
	assert_int_equal(run_str(pd__import_csv, data, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nrows, 2);
	assert_string_equal(c.rows[0].f[0], "a");
	assert_string_equal(c.rows[0].f[3], "two\r\nlines");
	assert_string_equal(c.rows[0].f[11], "");
	assert_string_equal(c.rows[1].f[0], "b");
	assert_string_equal(c.rows[1].f[2], " udp ");
	collect_release(&c);
}

static void expect_csv_error(const char *data, size_t len, int want_rc, const char *want_err)
{
	struct collect c = {0};
	char err[256] = "";

	assert_int_equal(run(pd__import_csv, data, len, &c, err, sizeof(err)), want_rc);
	if (want_err && strcmp(err, want_err) != 0)
		fail_msg("error '%s', expected '%s'", err, want_err);
	collect_release(&c);
}

static void csv_rejects_bad_input(void **state)
{
	static const char nul[] = CSV_HEADER "\na,1,tcp,x\0y,,,,,,,,\n";

	(void)state;
	expect_csv_error("", 0, PD_EFORMAT, "csv has no header row");
	expect_csv_error("\n\n", 2, PD_EFORMAT, "csv has no header row");
	expect_csv_error(CSV_HEADER "\n", strlen(CSV_HEADER) + 1, PD_EFORMAT,
			 "csv has no records");
	expect_csv_error("Service,Port\n", 13, PD_EFORMAT,
			 "csv line 1: header has 2 fields, expected 12");
	{
		static const char wrong[] =
			"Service Name,Port,Transport Protocol,Description,Assignee,Contact,"
			"Registration Date,Modification Date,Reference,Service Code,"
			"Unauthorized Use Reported,Assignment Notes\na,1,tcp,,,,,,,,,\n";
		expect_csv_error(wrong, strlen(wrong), PD_EFORMAT,
				 "csv line 1: header column 2 is 'Port', expected 'Port Number'");
	}
	{
		/* the second record spans lines 3-4: line numbers are physical */
		static const char short_row[] =
			CSV_HEADER "\n"
			"a,1,tcp,x,,,,,,,,\n"
			"b,2,tcp,\"multi\nline\",,,,,,,,\n"
			"c,3,tcp,x,,,\n";
		expect_csv_error(short_row, strlen(short_row), PD_EFORMAT,
				 "csv line 5: expected 12 fields, found 7");
	}
	{
		static const char long_row[] =
			CSV_HEADER "\r\n\r\n"
			"a,1,tcp,x,,,,,,,,,\r\n";
		expect_csv_error(long_row, strlen(long_row), PD_EFORMAT,
				 "csv line 3: expected 12 fields, found 13");
	}
	{
		/* a file cut inside a quoted field */
		static const char cut[] =
			CSV_HEADER "\n"
			"a,1,tcp,x,,,,,,,,\n"
			"b,2,tcp,\"Defined TXT keys:\n  v=ver";
		expect_csv_error(cut, strlen(cut), PD_EFORMAT,
				 "csv line 3: quoted field not closed at end of input");
	}
	{
		/* a file cut inside a record */
		static const char cut[] = CSV_HEADER "\na,1,tcp,x,,,,,,,,\nb,2,tcp,Some";
		expect_csv_error(cut, strlen(cut), PD_EFORMAT,
				 "csv line 3: expected 12 fields, found 4");
	}
	{
		static const char stray[] = CSV_HEADER "\na,1,tcp,say \"hi\",,,,,,,,\n";
		expect_csv_error(stray, strlen(stray), PD_EFORMAT, "csv line 2: misplaced quote");
	}
	{
		static const char after[] = CSV_HEADER "\na,1,tcp,\"hi\"x,,,,,,,,\n";
		expect_csv_error(after, strlen(after), PD_EFORMAT, "csv line 2: misplaced quote");
	}
	expect_csv_error(nul, sizeof(nul) - 1, PD_EFORMAT, "csv line 2: NUL byte");
	{
		/* messages stay on one line whatever the input quoted in them */
		static const char two_lines[] = "\"Service\nName\",Port Number\n";
		expect_csv_error(two_lines, strlen(two_lines), PD_EFORMAT,
				 "csv line 1: header has 2 fields, expected 12");
	}
	{
		static const char two_lines[] =
			"\"Service\nName\",Port Number,Transport Protocol,Description,Assignee,"
			"Contact,Registration Date,Modification Date,Reference,Service Code,"
			"Unauthorized Use Reported,Assignment Notes\n";
		expect_csv_error(two_lines, strlen(two_lines), PD_EFORMAT,
				 "csv line 1: header column 1 is 'Service Name', "
				 "expected 'Service Name'");
	}
}

static void csv_stops_when_the_sink_fails(void **state)
{
	struct collect c = {0};
	char err[256];

	(void)state;
	c.fail_at = 2;
	c.fail_rc = PD_EINVAL;
	assert_int_equal(run_str(pd__import_csv, csv_good, &c, err, sizeof(err)), PD_EINVAL);
	assert_int_equal(c.nrows, 1);
	assert_string_equal(err, "csv line 4: record rejected");
	collect_release(&c);
	/* no error buffer at all */
	assert_int_equal(run_str(pd__import_csv, "x", &c, NULL, 0), PD_EFORMAT);
	collect_release(&c);
}

/* ---- XML ---- */

#define XML_ROOT                                                                            \
	"<registry xmlns=\"http://www.iana.org/assignments\" "                              \
	"id=\"service-names-port-numbers\">\n"
#define XML_HEAD "<?xml version='1.0' encoding='UTF-8'?>\n" XML_ROOT

static const char xml_good[] =
	XML_HEAD
	"  <title>Test Registry</title>\n"
	"  <category>Tests</category>\n"
	"  <updated>2030-01-02</updated>\n"
	"  <xref type=\"rfc\" data=\"rfc6335\"/>\n"
	"  <note>Registry note, not a record's</note>\n"
	"  <record date=\"2030-01-01\" updated=\"2030-01-02\">\n"
	"    <name>widget</name>\n"
	"    <protocol>tcp</protocol>\n"
	"    <assignee>\n"
	"      <xref type=\"person\" data=\"Widget_Org\"/>\n"
	"    </assignee>\n"
	"    <xref type=\"person\" data=\"Ann_Example\"/>\n"
	"    <xref type=\"note\" data=\"1\"/>\n"
	"    <description>Widget Control<br/><br/>\nsecond line</description>\n"
	"    <number>4999</number>\n"
	"    <xref type=\"rfc\" data=\"rfc9999\"/>\n"
	"    <xref type=\"rfc\" data=\"rfc9998\">RFC9998, Section 2</xref>\n"
	"    <xref type=\"draft\" data=\"draft-example-widget-01\"/>\n"
	"    <xref type=\"uri\" data=\"https://widget.example/spec\">Widget Spec</xref>\n"
	"    <xref type=\"uri\" data=\"https://widget.example/\"/>\n"
	"    <xref type=\"text\">see the widget\n      manual</xref>\n"
	"    <note>\n      <paragraph>Defined TXT keys:</paragraph>\n"
	"      <paragraph>v=version</paragraph><paragraph>w=width</paragraph>\n    </note>\n"
	"    <sc>12345</sc>\n"
	"    <unauthorized>Seen without a registration</unauthorized>\n"
	"  </record>\n"
	"  <record>\n"
	"    <name>gadget</name>\n"
	"    <protocol>udp</protocol>\n"
	"    <xref type=\"person\" data=\"Bob_Example\"/>\n"
	"    <xref type=\"person\" data=\"Cy_Example\"/>\n"
	"    <description>Gadget a<br/>b &amp; c &lt;d&gt; <xref type=\"rfc\" data=\"rfc42\"/>"
	"</description>\n"
	"    <number>5000</number>\n"
	"    <note>Released by <xref type=\"person\" data=\"Ann_Example\"/> in favour of "
	"<xref type=\"rfc\" data=\"rfc1234\"/>; see <xref type=\"uri\" "
	"data=\"https://gadget.example/\"/></note>\n"
	"  </record>\n"
	"  <record>\n"
	"    <description>Unassigned</description>\n"
	"    <number>5001-5010</number>\n"
	"  </record>\n"
	"  <record date=\"2030-01\">\n"
	"    <name>portless</name>\n"
	"    <protocol>tcp</protocol>\n"
	"    <description>Name only</description>\n"
	"    <xref type=\"person\" data=\"Bob_Example\"/>\n"
	"  </record>\n"
	"  <record>\n"
	"    <name/>\n"
	"    <protocol>sctp</protocol>\n"
	"    <description><![CDATA[Reserved <for> tests]]></description>\n"
	"    <number>0</number>\n"
	"  </record>\n"
	"  <footnote anchor=\"1\">Only for experiments.</footnote>\n"
	"  <people>\n"
	"    <person id=\"Ann_Example\">\n"
	"      <name>Ann Example</name>\n"
	"      <uri>mailto:ann&amp;example.com</uri>\n"
	"      <updated>2030-01-01</updated>\n"
	"    </person>\n"
	"    <person id=\"Widget_Org\">\n"
	"      <org>Widget Org</org>\n"
	"      <uri>mailto:a&amp;widget.example</uri>\n"
	"      <uri>https://widget.example/</uri>\n"
	"    </person>\n"
	"    <person id=\"Bob_Example\"/>\n"
	"  </people>\n"
	"</registry>\n";

static void xml_maps_records_as_the_csv_has_them(void **state)
{
	static const char *const want[5][NCOLS] = {
		{"widget", "4999", "tcp", "Widget Control\nsecond line", "[Widget_Org]",
		 "[Ann_Example]", "2030-01-01", "2030-01-02",
		 "[1][RFC9999][RFC9998, Section 2][draft-example-widget-01][Widget Spec]"
		 "[https://widget.example/][see the widget\n      manual]",
		 "12345", "Seen without a registration",
		 "\n      Defined TXT keys:\n      v=version\nw=width\n    "},
		{"gadget", "5000", "udp", "Gadget a\nb & c <d> [RFC42]", "[Bob_Example][Cy_Example]",
		 "[Bob_Example][Cy_Example]", "", "", "", "", "",
		 "Released by [Ann_Example] in favour of [RFC1234]; see [https://gadget.example/]"},
		{"", "5001-5010", "", "Unassigned", "", "", "", "", "", "", "", ""},
		{"portless", "", "tcp", "Name only", "[Bob_Example]", "[Bob_Example]", "2030-01", "",
		 "", "", "", ""},
		{"", "0", "sctp", "Reserved <for> tests", "", "", "", "", "", "", "", ""},
	};
	struct collect c = {0};
	char err[256] = "x";
	size_t i;

	(void)state;
	assert_int_equal(run_str(pd__import_xml, xml_good, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.title, "Test Registry");
	assert_string_equal(c.updated, "2030-01-02");
	assert_int_equal(c.nrows, 5);
	for (i = 0; i < 5; i++)
		assert_row(&c.rows[i], want[i]);
	assert_int_equal(c.npeople, 3);
	assert_string_equal(c.people[0].f[0], "Ann_Example");
	assert_string_equal(c.people[0].f[1], "Ann Example");
	assert_string_equal(c.people[0].f[2], "");
	assert_string_equal(c.people[0].f[3], "mailto:ann&example.com");
	assert_string_equal(c.people[0].f[4], "2030-01-01");
	assert_string_equal(c.people[1].f[0], "Widget_Org");
	assert_string_equal(c.people[1].f[1], "");
	assert_string_equal(c.people[1].f[2], "Widget Org");
	assert_string_equal(c.people[1].f[3], "mailto:a&widget.example https://widget.example/");
	assert_string_equal(c.people[1].f[4], "");
	assert_string_equal(c.people[2].f[0], "Bob_Example");
	assert_string_equal(c.people[2].f[3], "");
	collect_release(&c);
}

static void expect_xml_error(const char *data, size_t len, int want_rc, const char *want_err)
{
	struct collect c = {0};
	char err[256] = "";

	assert_int_equal(run(pd__import_xml, data, len, &c, err, sizeof(err)), want_rc);
	if (want_err && strncmp(err, want_err, strlen(want_err)) != 0)
		fail_msg("error '%s', expected '%s...'", err, want_err);
	/* records may have reached the sink before the error showed: the
	 * importer streams, and the builder drops everything on failure */
	collect_release(&c);
}

static void xml_rejects_truncated_input(void **state)
{
	size_t cut = strstr(xml_good, "<name>gadget") - xml_good + 10;
	struct collect c = {0};
	char err[256] = "";
	int line = 0;

	(void)state;
	expect_xml_error(xml_good, cut, PD_EFORMAT, "xml line ");
	assert_int_equal(run(pd__import_xml, xml_good, cut, &c, err, sizeof(err)), PD_EFORMAT);
	assert_int_equal(sscanf(err, "xml line %d:", &line), 1);
	assert_in_range(line, 20, 40);
	collect_release(&c);
	expect_xml_error("", 0, PD_EFORMAT, "xml is empty");
	expect_xml_error("<registry", 9, PD_EFORMAT, "xml line 1: ");
	expect_xml_error("not xml at all", 14, PD_EFORMAT, "xml line 1: ");
	{
		/* libxml2 says this over two lines; err gets one */
		static const char bad_utf8[] =
			XML_HEAD "<record><name>\xff\xfe bad</name></record></registry>\n";

		assert_int_equal(run_str(pd__import_xml, bad_utf8, &c, err, sizeof(err)),
				 PD_EFORMAT);
		assert_true(strncmp(err, "xml line 3: ", 12) == 0);
		assert_null(strchr(err, '\n'));
		collect_release(&c);
	}
}

static void xml_refuses_entities(void **state)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n"
		"  <record><name>&lol9;</name><description>&lol9;</description>"
		"<number>1</number></record>\n"
		"</registry>\n";
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
		XML_ROOT "<record><name>&xxe;</name><number>1</number></record></registry>\n";
	static const char param[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry [ <!ENTITY % p \"<!ENTITY q 'x'>\"> %p; ]>\n"
		XML_ROOT "<record><name>&q;</name><number>1</number></record></registry>\n";
	static const char unparsed[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry [ <!NOTATION n SYSTEM \"n\">"
		" <!ENTITY u SYSTEM \"u.bin\" NDATA n> ]>\n"
		XML_ROOT "<record><name>u</name><number>1</number></record></registry>\n";
	static const char amp[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry [ <!ENTITY amp \"&#38;#38;\"> ]>\n"
		XML_ROOT "<record><name>a&amp;b</name><number>1</number></record></registry>\n";
	clock_t t0 = clock();

	(void)state;
	expect_xml_error(laughs, strlen(laughs), PD_EFORMAT, "xml declares entities; refusing");
	expect_xml_error(xxe, strlen(xxe), PD_EFORMAT, "xml declares entities; refusing");
	expect_xml_error(param, strlen(param), PD_EFORMAT, "xml declares entities; refusing");
	expect_xml_error(unparsed, strlen(unparsed), PD_EFORMAT, "xml declares entities; refusing");
	expect_xml_error(amp, strlen(amp), PD_EFORMAT, "xml declares entities; refusing");
	/* refused before anything was expanded */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	/* an entity that nothing declares is an error too */
	{
		static const char undeclared[] =
			XML_HEAD "<record><name>&nope;</name><number>1</number></record></registry>\n";
		expect_xml_error(undeclared, strlen(undeclared), PD_EFORMAT, "xml line 3: ");
	}
}

static void xml_ignores_harmless_doctypes(void **state)
{
	/* neither loaded (no network, no DTD loading) nor an error */
	static const char ext[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE registry SYSTEM \"http://127.0.0.1:9/registry.dtd\">\n"
		XML_ROOT "<record><name>a</name><number>1</number></record></registry>\n";
	struct collect c = {0};
	char err[256];

	(void)state;
	assert_int_equal(run_str(pd__import_xml, ext, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nrows, 1);
	assert_string_equal(c.rows[0].f[0], "a");
	collect_release(&c);
}

static void xml_rejects_other_documents(void **state)
{
	static const char *const docs[] = {
		"<registry id=\"service-names-port-numbers\"><record/></registry>",
		"<registry xmlns=\"http://example.com/other\" id=\"service-names-port-numbers\">"
		"<record/></registry>",
		"<registry xmlns=\"http://www.iana.org/assignments\" id=\"protocol-numbers\">"
		"<record/></registry>",
		"<registry xmlns=\"http://www.iana.org/assignments\"><record/></registry>",
		"<records xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">"
		"<record/></records>",
	};
	static const char empty[] =
		XML_HEAD "<title>Empty</title><updated>2030-01-01</updated><people/></registry>\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		expect_xml_error(docs[i], strlen(docs[i]), PD_EFORMAT,
				 "not IANA's service names and port numbers registry");
	expect_xml_error(empty, strlen(empty), PD_EFORMAT, "xml has no records");
}

static void xml_limits_size(void **state)
{
	size_t len = (size_t)64 * 1024 * 1024 + 1;
	char *big = calloc(1, len);

	(void)state;
	assert_non_null(big);
	expect_xml_error(big, len, PD_ETOOBIG, "xml is larger than 64 MiB");
	free(big);
}

static void xml_stops_when_the_sink_fails(void **state)
{
	const char *second = strstr(xml_good, "  <record>\n    <name>gadget"), *p;
	struct collect c = {0};
	char err[256], want[64];
	int line = 1;

	(void)state;
	for (p = xml_good; p < second; p++)
		line += *p == '\n';
	snprintf(want, sizeof(want), "xml line %d: <record> rejected", line);
	c.fail_at = 2;
	c.fail_rc = PD_EINVAL;
	assert_int_equal(run_str(pd__import_xml, xml_good, &c, err, sizeof(err)), PD_EINVAL);
	assert_int_equal(c.nrows, 1);
	assert_string_equal(err, want);
	collect_release(&c);
}

/* ---- files: the fixtures, IANA's ---- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f;
	char *data;

	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	*len = (size_t)ftell(f);
	rewind(f);
	data = malloc(*len ? *len : 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, *len, f), *len);
	fclose(f);
	return data;
}

/* $PD_SHARED/iana, or NULL (said on stderr) when there is none */
static const char *shared_dir(void)
{
	static char path[4096];
	const char *dir = getenv("PD_SHARED");
	struct stat sb;

	if (!dir || !*dir)
		dir = PD_SHARED_DEFAULT;
	snprintf(path, sizeof(path), "%s/iana", dir);
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "SKIP: ../shared/iana not found (looked in %s)\n", path);
		return NULL;
	}
	return path;
}

static char *shared_file(const char *name, size_t *len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", shared_dir(), name);
	return read_file(path, len);
}

static char *fixture(const char *name, size_t *len)
{
	const char *root = getenv("PD_SOURCE_ROOT");
	char path[4200];

	if (!root || !*root)
		fail_msg("PD_SOURCE_ROOT is not set: cannot find tests/data/%s", name);
	snprintf(path, sizeof(path), "%s/tests/data/%s", root, name);
	return read_file(path, len);
}

/* The fixtures: 32 records, the same in XML and CSV */
static void sample_xml_and_csv_agree(void **state)
{
	struct collect cc = {0}, xc = {0};
	char err[256];
	size_t clen, xlen, i, j, ranges = 0, portless = 0;
	char *csv = fixture("iana-sample.csv", &clen);
	char *xml = fixture("iana-sample.xml", &xlen);

	(void)state;
	if (run(pd__import_csv, csv, clen, &cc, err, sizeof(err)) != 0)
		fail_msg("csv: %s", err);
	if (run(pd__import_xml, xml, xlen, &xc, err, sizeof(err)) != 0)
		fail_msg("xml: %s", err);
	assert_int_equal(cc.nrows, 32);
	assert_int_equal(xc.nrows, 32);
	for (i = 0; i < xc.nrows; i++) {
		for (j = 0; j < NCOLS; j++)
			if (strcmp(cc.rows[i].f[j], xc.rows[i].f[j]))
				fail_msg("record %zu, column %zu: csv '%s', xml '%s'", i + 1, j + 1,
					 cc.rows[i].f[j], xc.rows[i].f[j]);
		ranges += strchr(xc.rows[i].f[1], '-') != NULL;
		portless += !*xc.rows[i].f[1];
	}
	assert_int_equal(ranges, 11);
	assert_int_equal(portless, 2);
	assert_string_equal(xc.title, "Service Name and Transport Protocol Port Number Registry");
	assert_string_equal(xc.updated, "2030-03-01");
	assert_int_equal(xc.npeople, 5);
	assert_string_equal(xc.people[0].f[0], "Forge_Works");
	assert_string_equal(xc.people[0].f[2], "Forge Works");
	assert_string_equal(xc.people[1].f[1], "Ida Smith");
	assert_string_equal(xc.people[1].f[3], "mailto:ida&forge.example");
	collect_release(&cc);
	collect_release(&xc);
	free(csv);
	free(xml);
}

/* The fixtures' fields where they are unusual: assignee and contact apart,
 * unauthorized use, a service code, a note with markup characters */
static void sample_fields(void **state)
{
	static const char *const want[][NCOLS] = {
		{"bellows", "1025", "tcp", "Bellows Air Pressure", "[Forge_Works]", "[Ida_Smith]",
		 "2028-02-02", "2029-12-24", "", "", "", ""},
		{"dovecote", "3004", "tcp", "Dovecote Message Relay", "[Pat_Oduya]", "[Pat_Oduya]", "2026-05",
		 "", "", "", "Seen relaying mail without a registration", ""},
		{"easel", "3005", "tcp", "Easel Drawing Sync", "[Pat_Oduya]", "[Pat_Oduya]", "2026-05-20", "",
		 "[RFC9912]", "", "", "Defined TXT keys: canvas=<name>"},
		{"harbor", "3007", "dccp", "Harbor Stream Control", "[Ida_Smith]", "[Ida_Smith]", "2030-01-10",
		 "", "", "4242", "", ""},
		{"gazebo", "", "", "Gazebo Service Name Only", "[Tea_Maker]", "[Tea_Maker]", "", "", "", "", "",
		 ""},
	};
	struct collect c = {0};
	char err[256];
	size_t len, found = 0;
	char *xml = fixture("iana-sample.xml", &len);

	(void)state;
	if (run(pd__import_xml, xml, len, &c, err, sizeof(err)) != 0)
		fail_msg("xml: %s", err);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		for (size_t i = 0; i < c.nrows; i++)
			if (!strcmp(c.rows[i].f[0], want[k][0]) && !strcmp(c.rows[i].f[2], want[k][2])) {
				assert_row(&c.rows[i], want[k]);
				found++;
			}
	assert_int_equal(found, sizeof(want) / sizeof(want[0]));
	collect_release(&c);
	free(xml);
}

static void real_csv(void **state)
{
	struct collect c = {0};
	char err[256];
	size_t len;
	char *data = shared_file("service-names-port-numbers.csv", &len);

	(void)state;
	if (run(pd__import_csv, data, len, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.nrows, 14496);
	collect_release(&c);
	free(data);
}

static void real_xml(void **state)
{
	struct collect c = {0};
	char err[256];
	size_t len, i, named = 0;
	char *data = shared_file("service-names-port-numbers.xml", &len);

	(void)state;
	if (run(pd__import_xml, data, len, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(c.nrows, 14533);
	assert_true(c.npeople > 1000);
	for (i = 0; i < c.npeople; i++) {
		assert_true(c.people[i].f[0][0] != '\0');
		named += c.people[i].f[1][0] || c.people[i].f[2][0];
	}
	assert_true(named > c.npeople / 2);
	assert_non_null(c.title);
	assert_non_null(c.updated);
	assert_int_equal(strlen(c.updated), 10);
	collect_release(&c);
	free(data);
}

/* Whitespace runs to one space, trimmed, in place (as the builder does). */
static void collapse(char *s)
{
	char *r = s, *w = s;
	int blank = 0;

	for (; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			blank = 1;
			continue;
		}
		if (blank && w != s)
			*w++ = ' ';
		blank = 0;
		*w++ = *r;
	}
	*w = '\0';
}

static int key_cmp(const struct row *a, const struct row *b)
{
	int i, d;

	for (i = 0; i < 3; i++)
		if ((d = strcmp(a->f[i], b->f[i])) != 0)
			return d;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

static void real_xml_matches_csv(void **state)
{
	static const char *const names[NCOLS] = {
		"name", "number", "proto", "description", "assignee", "contact", "registered",
		"modified", "refs", "service_code", "unauthorized", "notes"};
	struct collect cc = {0}, xc = {0};
	char err[256];
	size_t clen = 0, xlen = 0, i, j, same = 0, differ = 0, absent = 0, per_field[NCOLS] = {0};
	char *csv = shared_file("service-names-port-numbers.csv", &clen);
	char *xml = shared_file("service-names-port-numbers.xml", &xlen);

	(void)state;
	if (run(pd__import_csv, csv, clen, &cc, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (run(pd__import_xml, xml, xlen, &xc, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (i = 0; i < cc.nrows; i++)
		for (j = 0; j < NCOLS; j++)
			collapse(cc.rows[i].f[j]);
	qsort(cc.rows, cc.nrows, sizeof(cc.rows[0]), row_cmp);

	for (i = 0; i < xc.nrows; i++) {
		struct row *x = &xc.rows[i];
		size_t lo = 0, hi = cc.nrows, k, best_diff = NCOLS + 1, best = 0;

		for (j = 0; j < NCOLS; j++)
			collapse(x->f[j]);
		while (lo < hi) { /* first CSV row with x's key */
			size_t mid = lo + (hi - lo) / 2;

			if (key_cmp(&cc.rows[mid], x) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* a few keys (names without a port) occur twice: take the closer row */
		for (k = lo; k < cc.nrows && key_cmp(&cc.rows[k], x) == 0; k++) {
			size_t d = 0;

			for (j = 0; j < NCOLS; j++)
				d += strcmp(cc.rows[k].f[j], x->f[j]) != 0;
			if (d < best_diff) {
				best_diff = d;
				best = k;
			}
		}
		if (best_diff > NCOLS) {
			absent++;
		} else if (best_diff == 0) {
			same++;
		} else {
			differ++;
			for (j = 0; j < NCOLS; j++)
				per_field[j] += strcmp(cc.rows[best].f[j], x->f[j]) != 0;
		}
	}
	fprintf(stderr, "xml vs csv: %zu xml records, %zu identical, %zu differ, %zu not in the csv\n",
		xc.nrows, same, differ, absent);
	for (j = 0; j < NCOLS; j++)
		if (per_field[j])
			fprintf(stderr, "  %-12s differs in %zu\n", names[j], per_field[j]);
	/* The CSV is an older copy of the registry: some records changed since.
	 * A mapping bug would touch hundreds or thousands of records. */
	assert_true(same + differ + absent == xc.nrows);
	assert_true((differ + absent) * 100 < xc.nrows * 2);
	for (j = 0; j < NCOLS; j++)
		assert_true(per_field[j] * 100 < xc.nrows);
	collect_release(&cc);
	collect_release(&xc);
	free(csv);
	free(xml);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest official[] = {
		cmocka_unit_test(real_csv),
		cmocka_unit_test(real_xml),
		cmocka_unit_test(real_xml_matches_csv),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_rows),
		cmocka_unit_test(csv_crlf_bom_and_blank_lines),
		cmocka_unit_test(csv_rejects_bad_input),
		cmocka_unit_test(csv_stops_when_the_sink_fails),
		cmocka_unit_test(xml_maps_records_as_the_csv_has_them),
		cmocka_unit_test(xml_rejects_truncated_input),
		cmocka_unit_test(xml_refuses_entities),
		cmocka_unit_test(xml_ignores_harmless_doctypes),
		cmocka_unit_test(xml_rejects_other_documents),
		cmocka_unit_test(xml_limits_size),
		cmocka_unit_test(xml_stops_when_the_sink_fails),
		cmocka_unit_test(sample_xml_and_csv_agree),
		cmocka_unit_test(sample_fields),
	};

	if (argc > 1 && !strcmp(argv[1], "--official")) {
		if (!shared_dir())
			return 77;  /* Meson: skipped */
		return cmocka_run_group_tests_name("official", official, NULL, NULL);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
