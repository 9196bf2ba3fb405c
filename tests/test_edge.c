/* test_edge.c: the library's edge: errors that mean one thing (out of
 * memory is not "no match"), modules refused on an ABI mismatch, and the
 * export's error messages. malloc is wrapped (-Wl,--wrap=malloc) so that a
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
