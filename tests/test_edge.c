/* test_edge.c: the library's edge: errors that mean one thing (out of
 * memory is not "no match"), modules refused on an ABI mismatch, the
 * export's error messages, and the JSON serializers (exact output, empty
 * input, refused arguments, a capped buffer, a failing allocation). malloc is wrapped (-Wl,--wrap=malloc) so that a
 * test can make the library's next allocation fail. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "importer.h"
#include "jw.h"
#include "module.h"
#include "portdex.h"
#include "util.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static int fail_malloc; /* the next allocation fails when set */

void *__wrap_malloc(size_t n)
{
	if (fail_malloc) {
		fail_malloc = 0;
		return NULL;
	}
	return __real_malloc(n);
}

static const char csv[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
	"Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
	"www,80,tcp,World Wide Web HTTP,,,,,,,,\n"
	"ssh,22,tcp,The Secure Shell (SSH) Protocol,,,,,,,,\n";

static struct pd_registry *open_csv(void)
{
	struct pd_registry *reg = NULL;
	char err[256];

	assert_int_equal(pd_registry_open_buffer(csv, strlen(csv), "test", &reg, err, sizeof(err)), 0);
	return reg;
}

/* out of memory is PD_ENOMEM, not "no match" */
static void search_nomem(void **state)
{
	struct pd_registry *reg = open_csv();
	uint32_t idx[4];
	size_t n = 99;

	assert_int_equal(pd_registry_search(reg, "www", idx, 4, &n), 0);
	assert_int_equal(n, 1);
	n = 99;
	fail_malloc = 1;
	assert_int_equal(pd_registry_search(reg, "www", idx, 4, &n), PD_ENOMEM);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(pd_registry_search(reg, "nothing-like-it", idx, 4, &n), 0);
	assert_int_equal(n, 0);
	pd_registry_free(reg);
}

/* "unknown" is neither an error code nor a truth value of its own kind */
static void host_unknown(void **state)
{
	struct pd_host h;

	assert_int_equal(pd_host_read(&h, "/nonexistent"), 0);
	assert_int_equal(pd_host_privileged(&h, 80), PD_UNKNOWN);
	assert_int_equal(pd_host_ephemeral(&h, 40000), PD_UNKNOWN);
	assert_int_equal(pd_host_reserved(&h, 80), 0);
	pd_host_release(&h);
}

static void version(void **state)
{
	assert_string_equal(pd_version(), PD_VERSION);
	char v[32];
	snprintf(v, sizeof(v), "%d.%d.%d", PD_VERSION_MAJOR, PD_VERSION_MINOR, PD_VERSION_PATCH);
	assert_string_equal(v, PD_VERSION);
}

/* modules of another ABI, or of none, are refused with a reason; the
 * test modules lie beside this program (tests/meson.build) */
static void module_abi(void **state)
{
	void *fn = NULL;
	char err[512], want[128];

	assert_int_equal(pd__module_sym("test-abi-good.so", PD__XML_SYMBOL, &fn, err, sizeof(err)), 0);
	assert_non_null(fn);
	fn = NULL;
	assert_int_equal(pd__module_sym("test-abi-other.so", PD__XML_SYMBOL, &fn, err, sizeof(err)),
			 PD_EMODULE);
	assert_null(fn);
	snprintf(want, sizeof(want), "module ABI %u, this library needs %u", PD__MODULE_ABI + 1, PD__MODULE_ABI);
	assert_non_null(strstr(err, want));
	assert_int_equal(pd__module_sym("test-abi-none.so", PD__XML_SYMBOL, &fn, err, sizeof(err)), PD_EMODULE);
	assert_null(fn);
	assert_non_null(strstr(err, "no " PD__MODULE_ABI_SYMBOL));
	/* the modules of this build pass ($PORTDEX_MODULE_DIR) */
	assert_int_equal(pd__module_sym("portdex-xml.so", PD__XML_SYMBOL, &fn, err, sizeof(err)), 0);
	assert_non_null(fn);
}

struct sabotage {
	const char *dir;
	atomic_int done;
};

/* the first progress report puts a file where the port pages go */
static void sabotage(void *ctx, unsigned done, unsigned total)
{
	struct sabotage *s = ctx;
	char staging[512], away[512];
	FILE *f;

	if (atomic_exchange(&s->done, 1))
		return;
	snprintf(staging, sizeof(staging), "%s/.port.staging", s->dir);
	snprintf(away, sizeof(away), "%s/away", s->dir);
	assert_int_equal(rename(staging, away), 0);
	f = fopen(staging, "w");
	assert_non_null(f);
	fclose(f);
}

/* a page that cannot be written: the message has the errno of the call
 * that failed (in a working thread), not whatever errno is left after */
static void export_errno(void **state)
{
	struct pd_registry *reg = open_csv();
	struct sabotage s = { 0 };
	struct pd_export_opts o;
	char dir[] = "/tmp/pd-edge-XXXXXX", cmd[64], err[512], want[128];

	assert_non_null(mkdtemp(dir));
	s.dir = dir;
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.progress = sabotage;
	o.ctx = &s;
	assert_int_equal(pd_export(reg, &o, err, sizeof(err)), PD_EIO);
	assert_int_equal(atomic_load(&s.done), 1);
	/* a thread that wrote between the rename and the new file sees ENOENT:
	 * either is the failing call's own errno */
	snprintf(want, sizeof(want), "cannot write the pages in '%s': %s", dir, strerror(ENOTDIR));
	if (strcmp(err, want))
		snprintf(want, sizeof(want), "cannot write the pages in '%s': %s", dir, strerror(ENOENT));
	assert_string_equal(err, want);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	pd_registry_free(reg);
}

/* the shared array grower: doubles from `first`, refuses a size that
 * would overflow and keeps the array then */
static void grow(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	for (size_t n = 0; n < 100; n++) {
		assert_int_equal(pd__grow(&v, n, &cap, sizeof(*v), 4), 0);
		v[n] = (int)n;
	}
	assert_int_equal(cap, 128);
	assert_int_equal(pd__grow(&v, 100, &cap, sizeof(*v), 4), 0); /* room left: no change */
	assert_int_equal(cap, 128);
	/* 256 elements of this size would wrap around to 256 bytes */
	assert_int_equal(pd__grow(&v, 128, &cap, SIZE_MAX / 256 + 2, 4), PD_ENOMEM);
	assert_int_equal(cap, 128);
	assert_int_equal(v[99], 99);
	free(v);
}

/* the JSON writer: commas between members and items at every depth, none
 * after a key or at an empty container's start; escapes; nesting too deep
 * or ends without a begin set the buffer's error */
static void json_writer(void **state)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd__jw w;

	(void)state;
	pd__jw_init(&w, &b);
	pd__jw_begin_object(&w);
	pd__jw_kuint(&w, "port", 926);
	pd__jw_kint(&w, "neg", -3);
	pd__jw_key(&w, "a");
	pd__jw_begin_array(&w);
	pd__jw_begin_object(&w);
	pd__jw_end_object(&w);
	pd__jw_begin_array(&w);
	pd__jw_end_array(&w);
	pd__jw_str(&w, "x\"\n");
	pd__jw_str(&w, NULL);
	pd__jw_bool(&w, 1);
	pd__jw_bool(&w, 0);
	pd__jw_null(&w);
	pd__jw_end_array(&w);
	pd__jw_key(&w, "o");
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "k", "v");
	pd__jw_kstr(&w, "n", NULL);
	pd__jw_end_object(&w);
	pd__jw_end_object(&w);
	assert_int_equal(b.err, 0);
	assert_string_equal(pd_buf_str(&b), "{\"port\":926,\"neg\":-3,\"a\":[{},[],\"x\\\"\\n\",null,true,false,null],"
					    "\"o\":{\"k\":\"v\",\"n\":null}}");
	/* two documents in a row, as a stream of values */
	b.len = 0;
	pd__jw_init(&w, &b);
	pd__jw_begin_array(&w);
	pd__jw_end_array(&w);
	pd__jw_uint(&w, 1);
	assert_string_equal(pd_buf_str(&b), "[]1");
	/* too deep, and an end without its begin */
	b.len = 0;
	pd__jw_init(&w, &b);
	for (int i = 0; i <= PD__JW_DEPTH; i++)
		pd__jw_begin_array(&w);
	assert_int_equal(b.err, PD_EINVAL);
	pd_buf_release(&b);
	pd__jw_init(&w, &b);
	pd__jw_end_object(&w);
	assert_int_equal(b.err, PD_EINVAL);
	pd_buf_release(&b);
}

/* s starts with prefix */
static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* jw's transports array and raw values: commas like any other value */
static void json_writer_more(void **state)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd__jw w;

	(void)state;
	pd__jw_init(&w, &b);
	pd__jw_begin_array(&w);
	pd__jw_protos(&w, (1u << PD_TCP) | (1u << PD_SCTP));
	pd__jw_protos(&w, 0);
	pd_buf_puts(pd__jw_raw(&w), "{\"raw\":1}");
	pd_buf_puts(pd__jw_raw(&w), "2");
	pd__jw_uint(&w, 3);
	pd__jw_end_array(&w);
	assert_int_equal(b.err, 0);
	assert_string_equal(pd_buf_str(&b), "[[\"tcp\",\"sctp\"],[],{\"raw\":1},2,3]");
	pd_buf_release(&b);
}

/* A serializer's answer when its buffer is capped: the buffer's error */
static void capped(int (*write)(void *ctx, struct pd_buf *b), void *ctx)
{
	struct pd_buf b = PD_BUF_INIT;

	b.max = 8;
	assert_int_equal(write(ctx, &b), PD_ETOOBIG);
	pd_buf_release(&b);
}

static int write_error(void *ctx, struct pd_buf *b)
{
	(void)ctx;
	return pd_error_json(404, "there is no page at this address", b);
}

/* the error document: exact, appended, refused without a message or with
 * a status that is not an error's */
static void error_json(void **state)
{
	struct pd_buf b = PD_BUF_INIT;

	(void)state;
	pd_buf_puts(&b, "x");
	assert_int_equal(pd_error_json(400, "'70000' is \"not\" a port\n", &b), 0);
	assert_string_equal(pd_buf_str(&b), "x{\"error\":\"'70000' is \\\"not\\\" a port\\n\",\"status\":400}");
	b.len = 0;
	assert_int_equal(pd_error_json(599, "", &b), 0);
	assert_string_equal(pd_buf_str(&b), "{\"error\":\"\",\"status\":599}");
	b.len = 0;
	b.s[0] = '\0';
	assert_int_equal(pd_error_json(200, "fine", &b), PD_EINVAL);
	assert_int_equal(pd_error_json(600, "x", &b), PD_EINVAL);
	assert_int_equal(pd_error_json(400, NULL, &b), PD_EINVAL);
	assert_int_equal(pd_error_json(400, "x", NULL), PD_EINVAL);
	assert_string_equal(pd_buf_str(&b), "");
	pd_buf_release(&b);
	capped(write_error, NULL);
}

struct check_ctx {
	struct pd_registry *reg;
	struct pd_check *k;
};

static int write_check(void *ctx, struct pd_buf *b)
{
	struct check_ctx *c = ctx;
	return pd_check_json(c->reg, c->k, NULL, 0, b);
}

/* the check document: every field in its order, a reason's text escaped,
 * no reasons and no alternatives as empty arrays, "both" for tcp and udp */
static void check_json(void **state)
{
	struct pd_registry *reg = open_csv();
	struct pd_reason r = { .weight = PD_AVOID, .topic = "registry", .rule = "assigned",
			       .text = "assigned on tcp to \"www\"" };
	struct pd_check k = { .port = 80, .proto = PD_TCP, .verdict = PD_AVOID, .reasons = &r, .nreasons = 1 };
	struct check_ctx c = { reg, &k };
	struct pd_buf b = PD_BUF_INIT, want = PD_BUF_INIT;
	unsigned alt[2] = { 20831, 1999 };

	(void)state;
	assert_int_equal(pd_check_json(reg, &k, alt, 2, &b), 0);
	pd_buf_puts(&want, "{\"port\":80,\"transport\":\"tcp\",\"verdict\":\"avoid\",\"reasons\":[{\"topic\":"
			   "\"registry\",\"rule\":\"assigned\",\"weight\":\"avoid\",\"text\":\"assigned on tcp to "
			   "\\\"www\\\"\"}],\"alternatives\":[20831,1999],\"registry\":{\"source\":");
	pd_buf_json_str(&want, pd_registry_source(reg));
	pd_buf_puts(&want, ",\"updated\":");
	pd_buf_json_str(&want, pd_registry_updated(reg));
	pd_buf_puts(&want, "}}");
	assert_string_equal(pd_buf_str(&b), pd_buf_str(&want));
	/* nothing to say */
	b.len = 0;
	k.nreasons = 0;
	k.proto = PD_PROTO_ANY;
	k.verdict = PD_GOOD;
	assert_int_equal(pd_check_json(reg, &k, NULL, 0, &b), 0);
	assert_non_null(strstr(pd_buf_str(&b), "\"transport\":\"both\",\"verdict\":\"good\",\"reasons\":[],"
						"\"alternatives\":[],"));
	/* what cannot be written */
	assert_int_equal(pd_check_json(reg, &k, NULL, 2, &b), PD_EINVAL);
	k.proto = PD_NPROTO;
	assert_int_equal(pd_check_json(reg, &k, NULL, 0, &b), PD_EINVAL);
	assert_int_equal(pd_check_json(NULL, &k, NULL, 0, &b), PD_EINVAL);
	k.proto = PD_UDP;
	capped(write_check, &c);
	pd_buf_release(&b);
	pd_buf_release(&want);
	pd_registry_free(reg);
}

/* the suggest document, from what pd_suggest_note_collect kept: the first
 * PD_SUGGEST_NOTES_MAX ports skipped, all of them counted, the rules
 * relaxed; no notes and no ports; hold null or seconds */
static void suggest_json(void **state)
{
	struct pd_registry *reg = open_csv();
	struct pd_suggest_opts o = { .name = "my\"app", .count = 2, .proto = PD_PROTO_ANY, .first = 1024,
				     .last = 49151 };
	struct pd_suggest_notes notes;
	struct pd_reason busy = { .weight = PD_AVOID, .topic = "in-use", .rule = "bind-in-use", .text = "in use" };
	struct pd_reason loose = { .weight = PD_GOOD, .topic = "host", .rule = "info", .text = "relaxed" };
	struct pd_buf b = PD_BUF_INIT;
	unsigned ports[2] = { 30000, 30001 };
	const char *s, *p;
	size_t n = 0;

	(void)state;
	memset(&notes, 0, sizeof(notes));
	for (unsigned i = 0; i < PD_SUGGEST_NOTES_MAX + 5; i++)
		pd_suggest_note_collect(&notes, 2000 + i, &busy);
	pd_suggest_note_collect(&notes, 0, &loose);
	assert_int_equal(notes.nskipped, PD_SUGGEST_NOTES_MAX);
	assert_int_equal(notes.total, PD_SUGGEST_NOTES_MAX + 5);
	assert_int_equal(notes.nrelaxed, 1);
	assert_int_equal(pd_suggest_json(reg, &o, ports, 2, &notes, 60, &b), 0);
	s = pd_buf_str(&b);
	assert_true(starts(s, "{\"name\":\"my\\\"app\",\"ports\":[30000,30001],\"transport\":\"both\","
				"\"range\":{\"first\":1024,\"last\":49151},\"registry\":{"));
	assert_non_null(strstr(s, "\"skipped\":[{\"port\":2000,\"reason\":{\"topic\":\"in-use\",\"rule\":"
				  "\"bind-in-use\",\"weight\":\"avoid\",\"text\":\"in use\"}},{\"port\":2001,"));
	for (p = s; (p = strstr(p, "{\"port\":")); p++)
		n++;
	assert_int_equal(n, PD_SUGGEST_NOTES_MAX);
	assert_non_null(strstr(s, "\"skipped_count\":25,\"relaxed\":[{\"topic\":\"host\",\"rule\":\"info\","
				  "\"weight\":\"good\",\"text\":\"relaxed\"}],\"hold\":60}"));
	assert_int_equal(s[b.len - 1], '}');
	/* no name, no ports, no notes, not held */
	b.len = 0;
	o.name = NULL;
	o.proto = PD_UDP;
	assert_int_equal(pd_suggest_json(reg, &o, NULL, 0, NULL, -1, &b), 0);
	s = pd_buf_str(&b);
	assert_true(starts(s, "{\"name\":null,\"ports\":[],\"transport\":\"udp\","));
	assert_non_null(strstr(s, "\"skipped\":[],\"skipped_count\":0,\"relaxed\":[],\"hold\":null}"));
	/* what cannot be written */
	assert_int_equal(pd_suggest_json(reg, &o, NULL, 1, NULL, -1, &b), PD_EINVAL);
	notes.nskipped = PD_SUGGEST_NOTES_MAX + 1;
	assert_int_equal(pd_suggest_json(reg, &o, ports, 2, &notes, -1, &b), PD_EINVAL);
	b.len = 0;
	b.max = 8;
	assert_int_equal(pd_suggest_json(reg, &o, ports, 2, NULL, -1, &b), PD_ETOOBIG);
	pd_buf_release(&b);
	pd_registry_free(reg);
}

static const char csv2[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
	"Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
	"www,80,tcp,World Wide Web,,,,,,,,\n"
	"x,1200-1201,udp,Xs,,,,,,,,\n";

static void count_one(void *ctx, const struct pd_diff_item *d)
{
	pd_diff_count(ctx, d);
}

/* the change report: the same counts as pd_diff_count's, the changes in
 * pd_registry_diff's order; an empty report; out of memory in the diff */
static void diff_json(void **state)
{
	struct pd_registry *a = open_csv(), *b = NULL;
	struct pd_diff_counts c;
	struct pd_buf out = PD_BUF_INIT;
	char err[256], want[160];
	const char *s;

	(void)state;
	assert_int_equal(pd_registry_open_buffer(csv2, strlen(csv2), "test2", &b, err, sizeof(err)), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(pd_registry_diff(a, b, count_one, &c), 0);
	/* 22/tcp went from assigned to unassigned, 1200-1201/udp the other way */
	assert_int_equal(c.pairs, 3);
	assert_int_equal(c.n[PD_DIFF_ASSIGNMENT][PD_ADDED], 1);
	assert_int_equal(c.n[PD_DIFF_ASSIGNMENT][PD_CHANGED], 1);
	assert_int_equal(c.n[PD_DIFF_ASSIGNMENT][PD_REMOVED], 1);
	assert_int_equal(pd_diff_json(a, b, &out), 0);
	s = pd_buf_str(&out);
	assert_true(starts(s, "{\"old\":{\"source\":"));
	assert_non_null(strstr(s, "\"changes\":[{\"kind\":\"status\",\"change\":\"changed\",\"first\":22,\"last\":22,"
				  "\"transports\":[\"tcp\"],\"from\":\"assigned\",\"to\":\"unassigned\"},"));
	assert_non_null(strstr(s, "{\"kind\":\"assignment\",\"change\":\"changed\",\"entry\":{\"name\":\"www\","
				  "\"first\":80,\"last\":80,\"transport\":\"tcp\",\"description\":\"World Wide Web\"},"
				  "\"fields\":[\"description\"]}"));
	assert_non_null(strstr(s, "{\"kind\":\"assignment\",\"change\":\"added\",\"entry\":{\"name\":\"x\","
				  "\"first\":1200,\"last\":1201,\"transport\":\"udp\",\"description\":\"Xs\"}}"));
	snprintf(want, sizeof(want), "\"counts\":{\"status\":{\"changed\":%lu},\"range\":{\"added\":%u,"
		 "\"changed\":%u,\"removed\":%u},", c.pairs, c.n[PD_DIFF_RANGE][0], c.n[PD_DIFF_RANGE][1],
		 c.n[PD_DIFF_RANGE][2]);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "\"assignment\":{\"added\":1,\"changed\":1,\"removed\":1},\"name\":{\"added\":0,"
				  "\"changed\":0,\"removed\":0}},\"added\":1,\"changed\":1,\"removed\":1}"));
	assert_int_equal(s[out.len - 1], '}');
	/* no change */
	out.len = 0;
	assert_int_equal(pd_diff_json(a, a, &out), 0);
	assert_non_null(strstr(pd_buf_str(&out), "\"changes\":[],\"counts\":{\"status\":{\"changed\":0},"));
	/* errors: the diff's and the buffer's */
	out.len = 0;
	fail_malloc = 1;
	assert_int_equal(pd_diff_json(a, b, &out), PD_ENOMEM);
	fail_malloc = 0;
	assert_int_equal(pd_diff_json(NULL, b, &out), PD_EINVAL);
	pd_buf_release(&out);
	out.max = 8;
	assert_int_equal(pd_diff_json(a, b, &out), PD_ETOOBIG);
	pd_buf_release(&out);
	pd_registry_free(a);
	pd_registry_free(b);
}

/* the port document: nothing but the buffer's error when it is capped,
 * PD_EINVAL for a transport that is none */
static void port_json(void **state)
{
	struct pd_registry *reg = open_csv();
	struct pd_port_facts f;
	struct pd_buf b = PD_BUF_INIT;

	(void)state;
	assert_int_equal(pd_port_facts_build(reg, 80, NULL, NULL, &f), 0);
	assert_int_equal(pd_port_facts_json(&f, PD_NPROTO, &b), PD_EINVAL);
	assert_int_equal(pd_port_facts_json(&f, PD_TCP, &b), 0);
	assert_true(starts(pd_buf_str(&b), "{\"port\":80,\"range\":{\"class\":\"system\","));
	assert_non_null(strstr(pd_buf_str(&b), ",\"host\":null,\"transports\":{\"tcp\":{\"status\":\"assigned\","
					       "\"services\":[{\"name\":\"www\","));
	assert_null(strstr(pd_buf_str(&b), "\"udp\":"));
	assert_non_null(strstr(pd_buf_str(&b), "\"listening\":null,\"verdict\":null,\"suggested\":[]}"));
	pd_buf_release(&b);
	b.max = 8;
	assert_int_equal(pd_port_facts_json(&f, PD_PROTO_ANY, &b), PD_ETOOBIG);
	pd_buf_release(&b);
	pd_port_facts_release(&f);
	pd_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_nomem),
		cmocka_unit_test(host_unknown),
		cmocka_unit_test(version),
		cmocka_unit_test(module_abi),
		cmocka_unit_test(export_errno),
		cmocka_unit_test(grow),
		cmocka_unit_test(json_writer),
		cmocka_unit_test(json_writer_more),
		cmocka_unit_test(error_json),
		cmocka_unit_test(check_json),
		cmocka_unit_test(suggest_json),
		cmocka_unit_test(diff_json),
		cmocka_unit_test(port_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
