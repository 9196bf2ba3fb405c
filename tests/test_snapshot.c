/* test_snapshot.c: the registry compiled into libportdex is IANA's official
 * registry, complete.
 *
 * data/registry.meta names the file the compiled-in registry was generated
 * from and its sha256. When that very file is at $PD_SHARED/iana, it is
 * imported afresh and compared with the compiled-in registry: every record
 * with every field (name-only records included), every person, the
 * registry's date, the status and the records of all 262,144 (port,
 * transport) pairs, and every block. The provenance file itself is checked
 * whatever is present. Exit 77 (skipped) when the file is absent or is
 * another version of the registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image.h"

struct meta {
	char file[256], updated[64], sha256[80], format[16];
	size_t records, people;
};

static char xml_path[4096];
static struct meta meta;

static int read_meta(const char *path, struct meta *m)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "file"))
			snprintf(m->file, sizeof(m->file), "%s", eq);
		else if (!strcmp(line, "updated"))
			snprintf(m->updated, sizeof(m->updated), "%s", eq);
		else if (!strcmp(line, "sha256"))
			snprintf(m->sha256, sizeof(m->sha256), "%s", eq);
		else if (!strcmp(line, "format"))
			snprintf(m->format, sizeof(m->format), "%s", eq);
		else if (!strcmp(line, "records"))
			m->records = strtoul(eq, NULL, 10);
		else if (!strcmp(line, "people"))
			m->people = strtoul(eq, NULL, 10);
	}
	fclose(f);
	return 0;
}

/* sha256 of a file as hex, or "" when it cannot be read */
static void sha256_file(const char *path, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;

	out[0] = '\0';
	if (!f || !ctx)
		goto out;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	EVP_DigestFinal_ex(ctx, md, &len);
	for (unsigned i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
out:
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
}

static void provenance(void **st)
{
	struct pd_registry *def = NULL;

	assert_string_equal(meta.format, "xml");
	assert_int_equal(strlen(meta.sha256), 64);
	assert_true(meta.records > 14000);
	assert_true(meta.people > 5000);
	assert_int_equal(pd_registry_open_default(&def), 0);
	/* the registry's own <updated> date, not a build or package date */
	assert_string_equal(pd_registry_updated(def), meta.updated);
	assert_int_equal(pd_registry_count(def), meta.records);
	assert_int_equal(def->h->n_people, meta.people);
	assert_non_null(strstr(pd_registry_source(def), meta.file));
	pd_registry_free(def);
}

#define FIELDS(e) { (e).name, (e).description, (e).assignee, (e).contact, (e).registered, \
		    (e).modified, (e).refs, (e).notes, (e).unauthorized, (e).service_code, (e).expires }

static void same_as_fresh_import(void **st)
{
	static const char *const field[] = { "name", "description", "assignee", "contact", "registered",
					     "modified", "references", "notes", "unauthorized", "service_code",
					     "expires" };
	struct pd_registry *def = NULL, *xml = NULL;
	char err[256] = "";
	uint32_t a[64], b[64];
	size_t name_only = 0, pairs = 0, bad = 0;

	assert_int_equal(pd_registry_open_default(&def), 0);
	if (pd_registry_open_file(xml_path, &xml, err, sizeof(err)))
		fail_msg("cannot import '%s': %s", xml_path, err);
	assert_string_equal(pd_registry_updated(def), pd_registry_updated(xml));

	/* every record, every field, in the registry's order */
	assert_int_equal(pd_registry_count(def), pd_registry_count(xml));
	for (size_t i = 0; i < pd_registry_count(xml); i++) {
		struct pd_entry x, y;
		assert_int_equal(pd_registry_entry(def, i, &x), 0);
		assert_int_equal(pd_registry_entry(xml, i, &y), 0);
		const char *fx[] = FIELDS(x), *fy[] = FIELDS(y);
		if (x.has_port != y.has_port || x.first != y.first || x.last != y.last ||
		    x.proto != y.proto || x.status != y.status)
			fail_msg("record %zu: %u-%u/%d status %d (fresh import: %u-%u/%d status %d)", i,
				 x.first, x.last, x.proto, x.status, y.first, y.last, y.proto, y.status);
		for (size_t k = 0; k < sizeof(field) / sizeof(field[0]); k++)
			if (strcmp(fx[k], fy[k]))
				fail_msg("record %zu (%s): %s '%s', fresh import '%s'", i, y.name, field[k],
					 fx[k], fy[k]);
		name_only += !y.has_port;
	}
	assert_true(name_only > 300); /* the registry has hundreds of name-only records */

	/* every person */
	assert_int_equal(def->h->n_people, xml->h->n_people);
	for (uint32_t i = 0; i < xml->h->n_people; i++) {
		struct pd_person p, q;
		const char *id = pd__str(xml, xml->people[i].id);
		if (pd_registry_person(def, id, &p))
			fail_msg("person '%s' is missing", id);
		assert_int_equal(pd_registry_person(xml, id, &q), 0);
		assert_string_equal(p.name, q.name);
		assert_string_equal(p.org, q.org);
		assert_string_equal(p.uri, q.uri);
		assert_string_equal(p.updated, q.updated);
	}

	/* all 262,144 (port, transport) pairs */
	for (unsigned port = 0; port < 65536; port++)
		for (int t = 0; t < PD_NPROTO; t++) {
			size_t n = pd_registry_lookup(def, port, t, a, 64);
			size_t m = pd_registry_lookup(xml, port, t, b, 64);
			pairs++;
			if (pd_registry_status(def, port, t) != pd_registry_status(xml, port, t) || n != m ||
			    memcmp(a, b, (n < 64 ? n : 64) * sizeof(a[0]))) {
				if (bad++ < 10)
					fprintf(stderr, "%u/%s differs\n", port, pd_proto_name(t));
			}
		}
	assert_int_equal(pairs, 262144);
	assert_int_equal(bad, 0);

	/* every block, with its rank */
	assert_int_equal(pd_registry_block_count(def), pd_registry_block_count(xml));
	for (size_t i = 0; i < pd_registry_block_count(xml); i++) {
		struct pd_block x, y;
		assert_int_equal(pd_registry_block_at(def, i, &x), 0);
		assert_int_equal(pd_registry_block_at(xml, i, &y), 0);
		assert_memory_equal(&x, &y, sizeof(x));
	}
	pd_registry_free(def);
	pd_registry_free(xml);
}

/* What the npm-based snapshot got wrong, right out of the box. */
static void known_facts(void **st)
{
	struct pd_registry *def = NULL;
	struct pd_history h[16];
	struct pd_block blk;
	struct pd_entry e;
	uint32_t idx[8];
	size_t n;
	int urd = 0, submissions = 0;

	assert_int_equal(pd_registry_open_default(&def), 0);
	/* 926: the row 916-952, the 2023-02-17 history */
	n = pd_registry_lookup(def, 926, PD_TCP, idx, 8);
	assert_int_equal(n, 1);
	assert_int_equal(pd_registry_entry(def, idx[0], &e), 0);
	assert_int_equal(e.first, 916);
	assert_int_equal(e.last, 952);
	assert_int_equal(pd_registry_block(def, 926, &blk), 0);
	assert_int_equal(blk.first, 916);
	assert_int_equal(blk.last, 952);
	n = pd_registry_history(def, 926, h, 16);
	assert_true(n >= 2);
	assert_string_equal(h[0].date, "2023-02-17");
	/* 8010 reserved since 2018; 2825 unassigned with its description */
	assert_int_equal(pd_registry_status(def, 8010, PD_TCP), PD_RESERVED);
	assert_int_equal(pd_registry_status(def, 2825, PD_TCP), PD_UNASSIGNED);
	n = pd_registry_lookup(def, 2825, PD_UDP, idx, 8);
	assert_int_equal(n, 1);
	assert_int_equal(pd_registry_entry(def, idx[0], &e), 0);
	assert_string_equal(e.description, "(unassigned) Possibly assigned");
	/* 465/tcp has urd and submissions; 631/tcp has ipp */
	n = pd_registry_lookup(def, 465, PD_TCP, idx, 8);
	for (size_t i = 0; i < n && i < 8; i++) {
		assert_int_equal(pd_registry_entry(def, idx[i], &e), 0);
		urd |= !strcmp(e.name, "urd");
		submissions |= !strcmp(e.name, "submissions");
	}
	assert_true(urd && submissions);
	n = pd_registry_lookup(def, 631, PD_TCP, idx, 8);
	assert_true(n >= 1);
	assert_int_equal(pd_registry_entry(def, idx[0], &e), 0);
	assert_string_equal(e.name, "ipp");
	pd_registry_free(def);
}

/* test_snapshot: the provenance and known facts (always run);
 * test_snapshot --official: the comparison with a fresh import. */
int main(int argc, char **argv)
{
	const char *root = getenv("PD_SOURCE_ROOT"), *shared = getenv("PD_SHARED");
	char path[4096], sum[65];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(provenance),
		cmocka_unit_test(known_facts),
	};
	const struct CMUnitTest official[] = {
		cmocka_unit_test(same_as_fresh_import),
	};

	snprintf(path, sizeof(path), "%s/data/registry.meta", root ? root : ".");
	if (read_meta(path, &meta) || !*meta.file) {
		fprintf(stderr, "cannot read '%s'\n", path);
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--official"))
		return cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(xml_path, sizeof(xml_path), "%s/iana/%s", shared ? shared : "../shared", meta.file);
	sha256_file(xml_path, sum);
	if (!*sum) {
		fprintf(stderr, "SKIP: '%s' is absent\n", xml_path);
		return 77;
	}
	if (strcmp(sum, meta.sha256)) {
		fprintf(stderr, "SKIP: '%s' is not the file data/registry.tsv was made from "
			"(sha256 %s, expected %s); run 'make snapshot'\n", xml_path, sum, meta.sha256);
		return 77;
	}
	return cmocka_run_group_tests(official, NULL, NULL);
}
