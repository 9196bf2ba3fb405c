/* test_official.c: libportdex against IANA's official registry.
 *
 * The XML at $PD_SHARED/iana is read a second time here, with libxml2's
 * XPath and none of the library's code, and the status and service names
 * of every (port, transport) pair are worked out from the records:
 *
 *   - a record applies to (port, transport) when its <number> ("N" or
 *     "A-B") covers the port and its <protocol> is that transport, or it
 *     has no <protocol> (then it applies to every transport);
 *   - of those, only the narrowest win (a single-port row overrides the
 *     range around it; records of equal width are all kept, in document
 *     order);
 *   - assigned if one of them has a non-empty <name>; else reserved if
 *     one's description does not start with "unassigned" or
 *     "(unassigned)" (any case); else unassigned.
 *
 * All 262,144 pairs are then compared with pd_registry_status() and
 * pd_registry_lookup(). A few facts about the registry are checked by
 * hand, and the older CSV copy is compared with the XML through
 * pd_registry_diff(). When the files are absent the tests are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "portdex.h"

#ifndef PD_SHARED_DEFAULT
#define PD_SHARED_DEFAULT "../shared"
#endif

#define IANA_NS "http://www.iana.org/assignments"
#define NPORTS 65536u
#define MAX_SHOWN 10

#define PROTO_NONE (-1)  /* the record names no transport: it applies to all */
#define PROTO_OTHER (-2) /* a transport we do not know: applies to none of ours */

static const char *const proto_names[PD_NPROTO] = {
	[PD_TCP] = "tcp", [PD_UDP] = "udp", [PD_SCTP] = "sctp", [PD_DCCP] = "dccp",
};

static int shared_path(char *out, size_t len, const char *file)
{
	const char *dir = getenv("PD_SHARED");
	int n;

	if (!dir || !*dir)
		dir = PD_SHARED_DEFAULT;
	n = snprintf(out, len, "%s/iana/%s", dir, file);
	assert_true(n > 0 && (size_t)n < len);
	return 0;
}

static int file_exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	fclose(f);
	return 1;
}

/* ---- the independent reading ---- */

struct rec {
	int has_port;
	unsigned first, last;
	int proto;        /* a pd_proto, PROTO_NONE or PROTO_OTHER */
	char *name;       /* "" when absent or empty */
	int not_unassigned; /* description does not start with "unassigned" */
};

struct vec {
	uint32_t n, cap;
	uint32_t *v; /* record numbers, document order */
};

struct expect {
	struct rec *recs;
	size_t nrecs;
	unsigned char status[PD_NPROTO][NPORTS];
	struct vec *names[PD_NPROTO]; /* NPORTS each: records whose name counts */
};

/* The text of the first node expr selects below rec (malloc'd), or NULL if
 * it selects none. */
static char *child_text(xmlXPathContextPtr ctx, xmlNodePtr rec, const char *expr)
{
	xmlXPathObjectPtr o;
	char *s = NULL;

	ctx->node = rec;
	o = xmlXPathEval((const xmlChar *)expr, ctx);
	assert_non_null(o);
	if (o->type == XPATH_NODESET && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		s = strdup(c ? (const char *)c : "");
		xmlFree(c);
		assert_non_null(s);
	}
	xmlXPathFreeObject(o);
	return s;
}

/* "N" or "A-B", decimal, 0-65535, A <= B; nothing else. */
static int parse_number(const char *s, unsigned *first, unsigned *last)
{
	unsigned long v[2] = {0, 0};
	int k = 0, digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			v[k] = v[k] * 10 + (unsigned long)(*s - '0');
			if (v[k] > 65535 || ++digits > 5)
				return -1;
		} else if (*s == '-' && k == 0 && digits) {
			k = 1;
			digits = 0;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	if (k == 0)
		v[1] = v[0];
	if (v[0] > v[1])
		return -1;
	*first = (unsigned)v[0];
	*last = (unsigned)v[1];
	return 0;
}

static void vec_push(struct vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 2;
		v->v = realloc(v->v, v->cap * sizeof(*v->v));
		assert_non_null(v->v);
	}
	v->v[v->n++] = x;
}

static void read_records(const char *path, struct expect *ex)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr set;
	xmlNodeSetPtr ns;

	assert_non_null(doc);
	ctx = xmlXPathNewContext(doc);
	assert_non_null(ctx);
	assert_int_equal(xmlXPathRegisterNs(ctx, (const xmlChar *)"i", (const xmlChar *)IANA_NS), 0);
	set = xmlXPathEval((const xmlChar *)"/i:registry/i:record", ctx);
	assert_non_null(set);
	assert_int_equal(set->type, XPATH_NODESET);
	ns = set->nodesetval;
	assert_non_null(ns);
	ex->nrecs = (size_t)ns->nodeNr;
	ex->recs = calloc(ex->nrecs ? ex->nrecs : 1, sizeof(*ex->recs));
	assert_non_null(ex->recs);

	for (int i = 0; i < ns->nodeNr; i++) {
		struct rec *r = &ex->recs[i];
		xmlNodePtr node = ns->nodeTab[i];
		char *number = child_text(ctx, node, "i:number");
		char *proto = child_text(ctx, node, "i:protocol");
		char *desc = child_text(ctx, node, "i:description");

		r->name = child_text(ctx, node, "i:name");
		if (!r->name) {
			r->name = strdup("");
			assert_non_null(r->name);
		}
		if (number) {
			if (parse_number(number, &r->first, &r->last) < 0)
				fail_msg("record %d: cannot read <number> '%s'", i + 1, number);
			r->has_port = 1;
		}
		r->proto = PROTO_NONE;
		if (proto) {
			r->proto = PROTO_OTHER;
			for (int t = 0; t < PD_NPROTO; t++)
				if (!strcmp(proto, proto_names[t]))
					r->proto = t;
		}
		r->not_unassigned = !desc || (strncasecmp(desc, "unassigned", 10) != 0 &&
						    strncasecmp(desc, "(unassigned)", 12) != 0);
		free(number);
		free(proto);
		free(desc);
	}
	xmlXPathFreeObject(set);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

/* Works out status and names of every (port, transport) from ex->recs. */
static void compute(struct expect *ex)
{
	uint32_t *width = malloc(NPORTS * sizeof(*width));

	assert_non_null(width);
	for (int t = 0; t < PD_NPROTO; t++) {
		unsigned char flags[NPORTS];
		enum { APPLIES = 1, RESERVES = 2, NAMES = 4 };

		ex->names[t] = calloc(NPORTS, sizeof(struct vec));
		assert_non_null(ex->names[t]);
		for (unsigned p = 0; p < NPORTS; p++)
			width[p] = UINT32_MAX;
		memset(flags, 0, sizeof(flags));

		/* the narrowest width that covers each port */
		for (size_t i = 0; i < ex->nrecs; i++) {
			const struct rec *r = &ex->recs[i];
			if (!r->has_port || (r->proto != t && r->proto != PROTO_NONE))
				continue;
			for (unsigned p = r->first; p <= r->last; p++)
				if (r->last - r->first < width[p])
					width[p] = r->last - r->first;
		}
		/* the records of that width, in document order */
		for (size_t i = 0; i < ex->nrecs; i++) {
			const struct rec *r = &ex->recs[i];
			if (!r->has_port || (r->proto != t && r->proto != PROTO_NONE))
				continue;
			for (unsigned p = r->first; p <= r->last; p++) {
				if (r->last - r->first != width[p])
					continue;
				flags[p] |= APPLIES;
				if (*r->name) {
					flags[p] |= NAMES;
					vec_push(&ex->names[t][p], (uint32_t)i);
				} else if (r->not_unassigned) {
					flags[p] |= RESERVES;
				}
			}
		}
		for (unsigned p = 0; p < NPORTS; p++)
			ex->status[t][p] = (flags[p] & NAMES) ? PD_ASSIGNED
					   : (flags[p] & RESERVES) ? PD_RESERVED : PD_UNASSIGNED;
	}
	free(width);
}

static void expect_free(struct expect *ex)
{
	for (size_t i = 0; i < ex->nrecs; i++)
		free(ex->recs[i].name);
	free(ex->recs);
	for (int t = 0; t < PD_NPROTO; t++) {
		if (!ex->names[t])
			continue;
		for (unsigned p = 0; p < NPORTS; p++)
			free(ex->names[t][p].v);
		free(ex->names[t]);
	}
	free(ex);
}

/* ---- the library's side ---- */

/* Entry indexes that apply to (port, proto); *buf grows as needed. */
static size_t lookup_all(const struct pd_registry *reg, unsigned port, int proto, uint32_t **buf,
			 size_t *cap)
{
	size_t n = pd_registry_lookup(reg, port, proto, *buf, *cap);

	if (n > *cap) {
		*cap = n;
		*buf = realloc(*buf, *cap * sizeof(**buf));
		assert_non_null(*buf);
		n = pd_registry_lookup(reg, port, proto, *buf, *cap);
		assert_int_equal(n, *cap);
	}
	return n;
}

/* The names of the assigned entries that apply, in the library's order,
 * as "a, b, c" (for messages and comparison). */
static void library_names(const struct pd_registry *reg, unsigned port, int proto, uint32_t **buf,
			  size_t *cap, struct pd_buf *out)
{
	size_t n = lookup_all(reg, port, proto, buf, cap), k = 0;
	struct pd_entry e;

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(pd_registry_entry(reg, (*buf)[i], &e), 0);
		if (e.status != PD_ASSIGNED)
			continue;
		if (k++)
			pd_buf_puts(out, ", ");
		pd_buf_puts(out, e.name);
	}
}

static void expected_names(const struct expect *ex, unsigned port, int proto, struct pd_buf *out)
{
	const struct vec *v = &ex->names[proto][port];

	for (uint32_t i = 0; i < v->n; i++) {
		if (i)
			pd_buf_puts(out, ", ");
		pd_buf_puts(out, ex->recs[v->v[i]].name);
	}
}

/* ---- shared state: the XML registry and its independent reading ---- */

struct state {
	char xml_path[4096];
	struct pd_registry *reg;
	struct expect *ex;
};

static int group_setup(void **st)
{
	struct state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	shared_path(s->xml_path, sizeof(s->xml_path), "service-names-port-numbers.xml");
	*st = s;
	return 0;
}

static int group_teardown(void **st)
{
	struct state *s = *st;

	pd_registry_free(s->reg);
	if (s->ex)
		expect_free(s->ex);
	free(s);
	return 0;
}

/* Opens the XML registry once for all tests; skips when it is absent. */
static struct pd_registry *xml_registry(struct state *s)
{
	char err[256] = "";
	int rc;

	if (!file_exists(s->xml_path))  /* main() made sure of it */
		fail_msg("%s not found", s->xml_path);
	if (!s->reg) {
		rc = pd_registry_open_file(s->xml_path, &s->reg, err, sizeof(err));
		if (rc)
			fail_msg("pd_registry_open_file('%s'): %s: %s", s->xml_path, pd_strerror(rc), err);
	}
	return s->reg;
}

/* ---- the tests ---- */

static void xml_agrees_on_every_port(void **st)
{
	struct state *s = *st;
	const struct pd_registry *reg = xml_registry(s);
	struct expect *ex;
	uint32_t *buf = NULL;
	size_t cap = 64, bad = 0;
	size_t bad_by[PD_NPROTO] = {0};

	ex = s->ex = calloc(1, sizeof(*ex));
	assert_non_null(ex);
	read_records(s->xml_path, ex);
	assert_int_equal(ex->nrecs, 14533);
	assert_int_equal(pd_registry_count(reg), ex->nrecs);
	compute(ex);

	buf = malloc(cap * sizeof(*buf));
	assert_non_null(buf);
	for (int t = 0; t < PD_NPROTO; t++) {
		for (unsigned p = 0; p < NPORTS; p++) {
			struct pd_buf want = PD_BUF_INIT, got = PD_BUF_INIT;
			enum pd_status st_got = pd_registry_status(reg, p, t);
			enum pd_status st_want = ex->status[t][p];

			expected_names(ex, p, t, &want);
			library_names(reg, p, t, &buf, &cap, &got);
			assert_int_equal(want.err, 0);
			assert_int_equal(got.err, 0);
			if (st_got != st_want || strcmp(pd_buf_str(&want), pd_buf_str(&got))) {
				if (bad < MAX_SHOWN)
					fprintf(stderr,
						"mismatch %u/%s: status %s (library %s); names [%s] (library [%s])\n",
						p, proto_names[t], pd_status_name(st_want),
						pd_status_name(st_got), pd_buf_str(&want), pd_buf_str(&got));
				bad++;
				bad_by[t]++;
			}
			pd_buf_release(&want);
			pd_buf_release(&got);
		}
	}
	free(buf);
	if (bad)
		fail_msg("%zu of %u (port, transport) pairs disagree with the XML "
			 "(tcp %zu, udp %zu, sctp %zu, dccp %zu)",
			 bad, NPORTS * PD_NPROTO, bad_by[PD_TCP], bad_by[PD_UDP], bad_by[PD_SCTP],
			 bad_by[PD_DCCP]);
}

static void assert_names(const struct pd_registry *reg, unsigned port, int proto, const char *want)
{
	struct pd_buf got = PD_BUF_INIT;
	uint32_t *buf = malloc(16 * sizeof(*buf));
	size_t cap = 16;

	assert_non_null(buf);
	library_names(reg, port, proto, &buf, &cap, &got);
	if (strcmp(pd_buf_str(&got), want))
		fail_msg("%u/%s: names [%s], expected [%s]", port, pd_proto_name(proto),
			 pd_buf_str(&got), want);
	pd_buf_release(&got);
	free(buf);
}

static void xml_facts(void **st)
{
	struct state *s = *st;
	const struct pd_registry *reg = xml_registry(s);
	struct pd_history h[64];
	struct pd_block blk;
	struct pd_person person;
	struct pd_entry e;
	uint32_t idx[16];
	size_t n, i;
	int found;

	assert_string_equal(pd_registry_updated(reg), "2026-08-17");
	assert_int_equal(pd_registry_count(reg), 14533);

	/* several records on one port, in the registry's order */
	assert_names(reg, 80, PD_TCP, "http, www, www-http");

	/* a port inside a range */
	n = pd_registry_lookup(reg, 6001, PD_TCP, idx, 16);
	assert_true(n >= 1);
	assert_int_equal(pd_registry_entry(reg, idx[0], &e), 0);
	assert_string_equal(e.name, "x11");
	assert_int_equal(e.status, PD_ASSIGNED);
	assert_true(e.has_port);
	assert_int_equal(e.first, 6000);
	assert_int_equal(e.last, 6063);
	assert_int_equal(pd_registry_status(reg, 6001, PD_TCP), PD_ASSIGNED);

	/* a single port overrides the unassigned range 7748-7776 around it */
	assert_int_equal(pd_registry_status(reg, 7775, PD_TCP), PD_ASSIGNED);
	assert_names(reg, 7775, PD_TCP, "inetfs");
	assert_int_equal(pd_registry_status(reg, 7774, PD_TCP), PD_UNASSIGNED);
	assert_names(reg, 7774, PD_TCP, "");

	/* blocks and their history */
	assert_int_equal(pd_registry_block(reg, 926, &blk), 0);
	assert_int_equal(blk.first, 916);
	assert_int_equal(blk.last, 952);
	n = pd_registry_history(reg, 926, h, 64);
	found = 0;
	for (i = 0; i < n; i++)
		if (!strcmp(h[i].date, "2023-02-17") && (h[i].port == 914 || h[i].port == 915) &&
		    h[i].before_first == 914 && h[i].before_last == 952)
			found = 1;
	if (!found) {
		for (i = 0; i < n; i++)
			fprintf(stderr, "history 926 [%zu]: %s %u/%s %s before %u-%u\n", i, h[i].date,
				h[i].port, pd_proto_name(h[i].proto), h[i].service, h[i].before_first,
				h[i].before_last);
		fail_msg("history of 926 has no 2023-02-17 event for 914/915 with block 914-952 before");
	}

	assert_int_equal(pd_registry_block(reg, 293, &blk), 0);
	assert_int_equal(blk.first, 288);
	assert_int_equal(blk.last, 299);
	n = pd_registry_history(reg, 293, h, 64);
	assert_true(n >= 1);
	assert_string_equal(h[0].date, "2025-07-15");
	assert_int_equal(h[0].port, 300);
	assert_int_equal(h[0].proto, PD_TCP);
	assert_string_equal(h[0].service, "tacacss");
	assert_int_equal(h[0].before_first, 288);
	assert_int_equal(h[0].before_last, 307);

	/* people */
	assert_int_equal(pd_registry_person(reg, "Jon_Postel", &person), 0);
	assert_string_equal(person.name, "Jon Postel");

	/* a de-assigned port stays reserved, and says what it was */
	assert_int_equal(pd_registry_status(reg, 2, PD_TCP), PD_RESERVED);
	n = pd_registry_lookup(reg, 2, PD_TCP, idx, 16);
	assert_true(n >= 1 && n <= 16);
	found = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(pd_registry_entry(reg, idx[i], &e), 0);
		if (strstr(e.notes, "compressnet"))
			found = 1;
	}
	assert_true(found);
}

/* Data rows of a CSV file: records outside quotes, less the header, blank
 * lines not counted. *has_row tells whether a record starts with row. */
static size_t csv_data_rows(const char *path, const char *row, int *has_row)
{
	FILE *f = fopen(path, "rb");
	size_t rows = 0, at = 0, rowlen = strlen(row);
	int c, quoted = 0, content = 0, matching = 0;

	assert_non_null(f);
	*has_row = 0;
	while ((c = getc(f)) != EOF) {
		if (!content) {
			matching = 1;
			at = 0;
		}
		if (matching && at < rowlen) {
			matching = c == row[at++];
			if (matching && at == rowlen)
				*has_row = 1;
		}
		if (c == '"') {
			quoted = !quoted;
			content = 1;
		} else if (!quoted && (c == '\n' || c == '\r')) {
			if (content)
				rows++;
			content = 0;
		} else {
			content = 1;
		}
	}
	if (content)
		rows++;
	assert_false(quoted);
	fclose(f);
	assert_true(rows >= 1);
	return rows - 1;
}

struct diff_count {
	size_t n[3];
	int tacacss; /* how 300/tcp tacacss was reported, -1 if it was not */
	unsigned char (*changed)[PD_NPROTO]; /* (port, transport) pairs reported as status changes */
};

static void on_change(void *ctx, const struct pd_diff_item *item)
{
	struct diff_count *d = ctx;
	enum pd_change what = item->what;
	const struct pd_entry *old_e = item->old_e, *new_e = item->new_e;

	assert_true(what == PD_ADDED || what == PD_CHANGED || what == PD_REMOVED);
	if (item->kind == PD_DIFF_STATUS) {
		for (unsigned p = item->first; p <= item->last; p++)
			for (int t = 0; t < PD_NPROTO; t++)
				if (item->protos & (1u << t)) {
					assert_int_equal(d->changed[p][t], 0);
					d->changed[p][t] = 1;
				}
	}
	if (item->kind != PD_DIFF_ASSIGNMENT)
		return;
	d->n[what]++;
	assert_true(what == PD_ADDED ? !old_e && new_e : what == PD_REMOVED ? old_e && !new_e
										   : old_e && new_e);
	if (new_e && new_e->has_port && new_e->first == 300 && new_e->last == 300 &&
	    new_e->proto == PD_TCP && !strcmp(new_e->name, "tacacss"))
		d->tacacss = (int)what;
}

static void csv_counts_and_diff(void **st)
{
	struct state *s = *st;
	char csv_path[4096], err[256] = "";
	struct pd_registry *old_r = NULL, *new_r;
	struct diff_count d = {{0, 0, 0}, -1, NULL};
	static const char *const change_names[] = {"added", "changed", "removed"};
	size_t rows;
	int rc, csv_has_tacacss, want;

	shared_path(csv_path, sizeof(csv_path), "service-names-port-numbers.csv");
	if (!file_exists(csv_path))  /* main() made sure of it */
		fail_msg("%s not found", csv_path);
	new_r = xml_registry(s);
	rc = pd_registry_open_file(csv_path, &old_r, err, sizeof(err));
	if (rc)
		fail_msg("pd_registry_open_file('%s'): %s: %s", csv_path, pd_strerror(rc), err);
	rows = csv_data_rows(csv_path, "tacacss,300,tcp,", &csv_has_tacacss);
	assert_int_equal(pd_registry_count(old_r), rows);

	d.changed = calloc(65536, sizeof(*d.changed));
	assert_non_null(d.changed);
	assert_int_equal(pd_registry_diff(old_r, new_r, on_change, &d), 0);
	/* the status changes are exactly the pairs whose status differs */
	for (unsigned p = 0; p < 65536; p++)
		for (int t = 0; t < PD_NPROTO; t++)
			if ((pd_registry_status(old_r, p, t) != pd_registry_status(new_r, p, t)) != d.changed[p][t])
				fail_msg("%u/%s: status change %sreported", p, pd_proto_name(t),
					 d.changed[p][t] ? "wrongly " : "not ");
	free(d.changed);
	fprintf(stderr, "csv (%zu rows) -> xml (%zu records): %zu added, %zu changed, %zu removed\n",
		rows, pd_registry_count(new_r), d.n[PD_ADDED], d.n[PD_CHANGED], d.n[PD_REMOVED]);
	/* tacacss (300/tcp, registered 2025-07-15) is new to a copy older than
	 * that; a copy that already lists it under its draft reference sees
	 * the reference change to RFC 9887. */
	want = csv_has_tacacss ? PD_CHANGED : PD_ADDED;
	if (d.tacacss != want)
		fail_msg("300/tcp tacacss: %s, expected %s (the csv %s it)",
			 d.tacacss < 0 ? "not reported" : change_names[d.tacacss], change_names[want],
			 csv_has_tacacss ? "lists" : "does not list");
	pd_registry_free(old_r);
}

/* test_official: the XML tests; test_official --csv: the CSV against the
 * XML. Each exits 77 (skipped) when a file it needs is absent. */
int main(int argc, char **argv)
{
	char xml[4096], csv[4096];
	int want_csv = argc > 1 && !strcmp(argv[1], "--csv");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xml_agrees_on_every_port),
		cmocka_unit_test(xml_facts),
	};
	const struct CMUnitTest csv_tests[] = {
		cmocka_unit_test(csv_counts_and_diff),
	};

	shared_path(xml, sizeof(xml), "service-names-port-numbers.xml");
	shared_path(csv, sizeof(csv), "service-names-port-numbers.csv");
	if (!file_exists(xml) || (want_csv && !file_exists(csv))) {
		fprintf(stderr, "SKIP: %s not found\n", file_exists(xml) ? csv : xml);
		return 77;
	}
	if (want_csv)
		return cmocka_run_group_tests_name("official-csv", csv_tests, group_setup, group_teardown);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
