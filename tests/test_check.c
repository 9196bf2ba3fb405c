/* test_check.c: the verdict rules of `portdex check` and the walk behind
 * `portdex suggest`, on a small registry, recorded /proc files and a fake
 * nmap-services (tests/data) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "i18n.h"
#include "portdex.h"

#define HDR "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"

/* Ports not listed are unassigned. */
static const char csv[] = HDR
	",0,tcp,Reserved,,,,,,,,\n"
	",0,udp,Reserved,,,,,,,,\n"
	"http,80,tcp,World Wide Web HTTP,[IESG],[IETF_Chair],,2021-10-01,[RFC9110],,,\n"
	"http,80,udp,World Wide Web HTTP,[IESG],[IETF_Chair],,2021-10-01,[RFC9110],,,\n"
	",81-1023,,Unassigned,,,,,,,,\n"
	"hbci,3000,tcp,HBCI,[X],[X],2001-01-01,,,,,\n"
	"hbci,3000,udp,HBCI,[X],[X],2001-01-01,,,,,\n"
	"udponly,4100,udp,Only on udp,[Y],[Y],2002-02-02,,,,,\n"
	"x11,6000-6063,tcp,X Window System,,,,,,,,\n"
	"x11,6000-6063,udp,X Window System,,,,,,,,\n"
	",6100,tcp,Reserved,,,,,,,,\n"
	"osaut,6679,tcp,Osorno Automation,,,,,,,,\n";

/* tests/data/NAME under PD_SOURCE_ROOT (a few at a time) */
static const char *data_path(const char *name)
{
	static char path[8][4096];
	static int next;
	const char *root = getenv("PD_SOURCE_ROOT");
	char *p = path[next++ % 8];

	if ((size_t)snprintf(p, 4096, "%s/tests/data/%s", root ? root : ".", name) >= 4096)
		fail_msg("path too long");
	return p;
}

static struct pd_registry *reg;

static int setup(void **state)
{
	char err[256] = "";

	if (pd_registry_open_buffer(csv, strlen(csv), "test", &reg, err, sizeof(err))) {
		fprintf(stderr, "registry: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	pd_registry_free(reg);
	return 0;
}

/* recorded host, fake nmap, no live socket checks */
static struct pd_check_opts replay(void)
{
	struct pd_check_opts o;

	memset(&o, 0, sizeof(o));
	o.procroot = data_path("proc");
	o.nmap_services = data_path("nmap-services");
	o.no_bind_test = 1;
	o.no_listening = 1;
	return o;
}

static const struct pd_reason *find_rule(const struct pd_check *c, const char *rule)
{
	for (size_t i = 0; i < c->nreasons; i++)
		if (!strcmp(c->reasons[i].rule, rule))
			return &c->reasons[i];
	return NULL;
}

/* Checks port/proto and that the verdict is v and every rule named is among
 * the reasons (NULL-terminated list). */
static void expect(const struct pd_check_opts *o, unsigned port, int proto, enum pd_verdict v, ...)
{
	struct pd_check c;
	va_list ap;
	const char *rule;

	assert_int_equal(pd_check_port(reg, o, port, proto, &c), 0);
	va_start(ap, v);
	while ((rule = va_arg(ap, const char *))) {
		if (!find_rule(&c, rule)) {
			for (size_t i = 0; i < c.nreasons; i++)
				fprintf(stderr, "  %s %s %s: %s\n", pd_verdict_name(c.reasons[i].weight),
					c.reasons[i].topic, c.reasons[i].rule, c.reasons[i].text);
			fail_msg("%u/%s: no reason '%s'", port, pd_proto_name(proto), rule);
		}
	}
	va_end(ap);
	if (c.verdict != v) {
		for (size_t i = 0; i < c.nreasons; i++)
			fprintf(stderr, "  %s %s %s: %s\n", pd_verdict_name(c.reasons[i].weight), c.reasons[i].topic,
				c.reasons[i].rule, c.reasons[i].text);
		fail_msg("%u/%s: verdict %s, want %s", port, pd_proto_name(proto), pd_verdict_name(c.verdict),
			 pd_verdict_name(v));
	}
	/* heaviest first, and the verdict is the heaviest */
	for (size_t i = 1; i < c.nreasons; i++)
		assert_true(c.reasons[i - 1].weight >= c.reasons[i].weight);
	assert_true(c.nreasons > 0 && c.reasons[0].weight == c.verdict);
	pd_check_release(&c);
}

static void expect_not(const struct pd_check_opts *o, unsigned port, int proto, const char *rule)
{
	struct pd_check c;

	assert_int_equal(pd_check_port(reg, o, port, proto, &c), 0);
	if (find_rule(&c, rule))
		fail_msg("%u/%s: unexpected reason '%s': %s", port, pd_proto_name(proto), rule,
			 find_rule(&c, rule)->text);
	pd_check_release(&c);
}

/* Checks port/proto and that some reason of rule `rule` has weight w and
 * contains every NULL-terminated string after it. */
static void expect_text(const struct pd_check_opts *o, unsigned port, int proto, const char *rule,
			enum pd_verdict w, ...)
{
	struct pd_check c;
	va_list ap;
	const char *want;
	int found = 0;

	assert_int_equal(pd_check_port(reg, o, port, proto, &c), 0);
	for (size_t i = 0; i < c.nreasons && !found; i++) {
		if (strcmp(c.reasons[i].rule, rule) || c.reasons[i].weight != w)
			continue;
		found = 1;
		va_start(ap, w);
		while ((want = va_arg(ap, const char *)))
			found &= strstr(c.reasons[i].text, want) != NULL;
		va_end(ap);
	}
	if (!found) {
		for (size_t i = 0; i < c.nreasons; i++)
			fprintf(stderr, "  %s %s %s: %s\n", pd_verdict_name(c.reasons[i].weight), c.reasons[i].topic,
				c.reasons[i].rule, c.reasons[i].text);
		fail_msg("%u/%s: no %s reason '%s' with the text wanted", port, pd_proto_name(proto),
			 pd_verdict_name(w), rule);
	}
	pd_check_release(&c);
}

static void test_names(void **state)
{
	assert_string_equal(pd_verdict_name(PD_GOOD), "good");
	assert_string_equal(pd_verdict_name(PD_ACCEPTABLE), "acceptable");
	assert_string_equal(pd_verdict_name(PD_AVOID), "avoid");
}

static void test_registry_rules(void **state)
{
	struct pd_check_opts o = replay();

	expect(&o, 80, PD_TCP, PD_AVOID, "assigned", "privileged", NULL);
	expect(&o, 0, PD_TCP, PD_AVOID, "port-zero", "reserved", NULL);
	expect(&o, 6100, PD_TCP, PD_AVOID, "reserved", NULL);
	/* unassigned on what was asked, assigned on udp */
	expect(&o, 4100, PD_TCP, PD_ACCEPTABLE, "other-transport", NULL);
	expect(&o, 4100, PD_UDP, PD_AVOID, "assigned", NULL);
	expect(&o, 4100, PD_PROTO_ANY, PD_AVOID, "assigned", NULL);
	/* an unassigned system port: avoid for a new service (privileges,
	 * IETF-only assignments), pointing to the user range */
	expect(&o, 926, PD_TCP, PD_AVOID, "system-range", "privileged", "unassigned", NULL);
	expect_text(&o, 926, PD_TCP, "system-range", PD_AVOID, "privilege", "IETF review", "RFC 6335",
		    "user port (1024-49151)", NULL);
	expect(&o, 926, PD_UDP, PD_AVOID, "system-range", NULL);
	expect(&o, 1, PD_PROTO_ANY, PD_AVOID, "system-range", NULL);
	expect(&o, 1023, PD_TCP, PD_AVOID, "system-range", NULL);
	expect_not(&o, 1024, PD_TCP, "system-range");
	expect_not(&o, 80, PD_TCP, "system-range"); /* assigned: that reason suffices */
	/* an unassigned user port, nothing against it */
	expect(&o, 1600, PD_TCP, PD_GOOD, "unassigned", "unprivileged", "not-ephemeral", "not-blocked",
	       "no-collision", "nmap-rare", NULL);
	expect(&o, 50000, PD_TCP, PD_AVOID, "dynamic-range", NULL);
}

static void test_host_rules(void **state)
{
	struct pd_check_opts o = replay();

	/* tests/data/proc: 1024, 32768-60999, reserved 8080,9000-9010 */
	expect(&o, 40000, PD_TCP, PD_AVOID, "ephemeral", NULL);
	expect_not(&o, 40000, PD_TCP, "other-os-ephemeral"); /* the host has Linux's default */
	expect(&o, 9005, PD_TCP, PD_AVOID, "local-reserved", NULL);
	expect(&o, 1023 + 1, PD_TCP, PD_GOOD, "unprivileged", NULL);
	/* tests/data/proc-other: 0, 50000-60000, nothing reserved */
	o.procroot = data_path("proc-other");
	expect(&o, 40000, PD_TCP, PD_ACCEPTABLE, "other-os-ephemeral", "not-ephemeral", NULL);
	expect(&o, 55000, PD_TCP, PD_AVOID, "ephemeral", "dynamic-range", NULL);
	expect(&o, 9005, PD_TCP, PD_GOOD, "unassigned", NULL);
	expect_not(&o, 926, PD_TCP, "privileged");
	/* no /proc at all: privileges from the classic rule, the rest unknown */
	o.procroot = data_path("no-such-proc");
	expect(&o, 926, PD_TCP, PD_AVOID, "privileged", "info", "system-range", NULL);
	expect(&o, 40000, PD_TCP, PD_ACCEPTABLE, "other-os-ephemeral", NULL);
}

static void test_browser_and_collisions(void **state)
{
	struct pd_check_opts o = replay();
	struct pd_check c;
	const struct pd_reason *r;

	expect(&o, 10080, PD_TCP, PD_AVOID, "browser", NULL);
	/* for udp it only matters to HTTP/3 */
	expect(&o, 10080, PD_UDP, PD_ACCEPTABLE, "browser", NULL);
	/* Fetch and Firefox block 6679, Chromium does not */
	assert_int_equal(pd_check_port(reg, &o, 6679, PD_TCP, &c), 0);
	r = find_rule(&c, "browser");
	assert_non_null(r);
	assert_non_null(strstr(r->text, "Firefox"));
	assert_null(strstr(r->text, "Chromium"));
	pd_check_release(&c);
	/* port 0: the reason names the Fetch standard among the lists */
	assert_int_equal(pd_check_port(reg, &o, 0, PD_TCP, &c), 0);
	r = find_rule(&c, "browser");
	assert_non_null(r);
	assert_non_null(strstr(r->text, "the Fetch standard"));
	assert_non_null(strstr(r->text, "Chromium"));
	assert_null(strstr(r->text, "Firefox"));
	pd_check_release(&c);
	/* Vite's default; and a range: Kubernetes NodePorts */
	expect(&o, 5173, PD_TCP, PD_AVOID, "collision", NULL);
	expect(&o, 30123, PD_UDP, PD_AVOID, "collision", NULL);
	assert_int_equal(pd_check_port(reg, &o, 5000, PD_TCP, &c), 0);
	r = find_rule(&c, "collision");
	assert_non_null(r);
	assert_non_null(strstr(r->text, "AirPlay"));
	assert_non_null(strstr(r->text, "https://"));
	pd_check_release(&c);
	/* curated lists from a directory */
	o.datadir = data_path("curated");
	expect(&o, 1600, PD_TCP, PD_AVOID, "browser", NULL);
	expect(&o, 2150, PD_TCP, PD_AVOID, "collision", NULL);
	expect_not(&o, 5173, PD_TCP, "collision");
	o.datadir = data_path("no-such-dir");
	assert_int_not_equal(pd_check_port(reg, &o, 1600, PD_TCP, &c), 0);
}

/* The knowledge base (data/knowledge.tsv, compiled in): a known use or
 * known malware makes a port at best acceptable; history, security and
 * purpose facts do not count. The test registry leaves all these ports
 * unassigned, and the fake nmap-services does not list them. */
static void test_knowledge_rule(void **state)
{
	struct pd_check_opts o = replay();
	struct pd_check c;
	int uses = 0;

	/* common unofficial uses */
	expect(&o, 6881, PD_TCP, PD_ACCEPTABLE, "known-use", NULL);
	expect_text(&o, 6881, PD_TCP, "known-use", PD_ACCEPTABLE, "BitTorrent", "6889", NULL);
	expect_text(&o, 6889, PD_UDP, "known-use", PD_ACCEPTABLE, "BitTorrent", NULL);
	expect(&o, 8123, PD_TCP, PD_ACCEPTABLE, "known-use", NULL);
	expect_text(&o, 8123, PD_TCP, "known-use", PD_ACCEPTABLE, "Home Assistant", NULL);
	expect_text(&o, 8096, PD_TCP, "known-use", PD_ACCEPTABLE, "Jellyfin", NULL);
	expect(&o, 26379, PD_TCP, PD_ACCEPTABLE, "known-use", NULL);
	expect_text(&o, 26379, PD_TCP, "known-use", PD_ACCEPTABLE, "Redis Sentinel", "https://", NULL);
	/* malware */
	expect(&o, 27374, PD_TCP, PD_ACCEPTABLE, "malware", NULL);
	expect_text(&o, 27374, PD_TCP, "malware", PD_ACCEPTABLE, "SubSeven", NULL);
	expect_text(&o, 12345, PD_TCP, "malware", PD_ACCEPTABLE, "NetBus", NULL);
	expect_text(&o, 12346, PD_TCP, "malware", PD_ACCEPTABLE, "NetBus", NULL);
	expect(&o, 16660, PD_TCP, PD_ACCEPTABLE, "malware", NULL);
	expect_text(&o, 16660, PD_TCP, "malware", PD_ACCEPTABLE, "Stacheldraht", NULL);
	/* a fact on another transport counts, and says so (StatsD on udp) */
	expect_text(&o, 8125, PD_TCP, "known-use", PD_ACCEPTABLE, "(on udp)", "StatsD", NULL);
	expect_text(&o, 8125, PD_UDP, "known-use", PD_ACCEPTABLE, "StatsD", NULL);
	/* 6881 also has a purpose and a security fact: one reason, the use */
	assert_int_equal(pd_check_port(reg, &o, 6881, PD_UDP, &c), 0);
	for (size_t i = 0; i < c.nreasons; i++)
		uses += !strcmp(c.reasons[i].topic, "knowledge");
	assert_int_equal(uses, 1);
	pd_check_release(&c);
	/* 1600 lies in a history fact (Windows' old ephemeral range
	 * 1025-5000), which does not count */
	expect(&o, 1600, PD_TCP, PD_GOOD, "no-known-use", NULL);
	expect_not(&o, 1600, PD_TCP, "known-use");
}

static void test_nmap_rule(void **state)
{
	struct pd_check_opts o = replay();
	struct pd_check c;
	const struct pd_reason *r;
	char path[] = "/tmp/portdex-nmap-XXXXXX";
	FILE *f;
	int fd;

	expect(&o, 1500, PD_TCP, PD_ACCEPTABLE, "nmap-frequent", NULL);
	expect(&o, 1600, PD_TCP, PD_GOOD, "nmap-rare", NULL);
	/* both transports are looked up */
	assert_int_equal(pd_check_port(reg, &o, 1700, PD_PROTO_ANY, &c), 0);
	assert_int_equal(c.verdict, PD_ACCEPTABLE);
	{
		int tcp = 0, udp = 0;
		for (size_t i = 0; i < c.nreasons; i++) {
			if (strcmp(c.reasons[i].rule, "nmap-frequent"))
				continue;
			tcp += strstr(c.reasons[i].text, "1700/tcp") != NULL;
			udp += strstr(c.reasons[i].text, "1700/udp") != NULL;
		}
		assert_int_equal(tcp, 1);
		assert_int_equal(udp, 1);
	}
	pd_check_release(&c);
	/* no nmap-services: a fact of weight good that says so */
	o.nmap_services = data_path("no-such-nmap-services");
	assert_int_equal(pd_check_port(reg, &o, 1500, PD_TCP, &c), 0);
	assert_int_equal(c.verdict, PD_GOOD);
	r = find_rule(&c, "info");
	assert_non_null(r);
	pd_check_release(&c);
	/* beyond nmap's top 1000: rare */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < 1200; i++)
		fprintf(f, "svc%u\t%u/tcp\t0.%06u\n", i, 20000 + i, 999999 - i);
	fclose(f);
	o.nmap_services = path;
	expect(&o, 20000 + 999, PD_TCP, PD_ACCEPTABLE, "nmap-frequent", NULL);
	expect(&o, 20000 + 1000, PD_TCP, PD_GOOD, "nmap-rare", NULL);
	unlink(path);
}

static void test_curated_parsers(void **state)
{
	struct pd__curated c;
	const struct pd__bad_port *b;
	int fetch = -1, chromium = -1, firefox = -1;

	/* the compiled-in lists parse without a bad line */
	assert_int_equal(pd__curated_load(&c, NULL), 0);
	assert_int_equal(c.bad_lines, 0);
	assert_int_equal(c.nlists, 3);
	assert_true(c.nbad >= 80);
	assert_true(c.ncoll >= 100);
	assert_string_equal(c.browsers_recorded, "2026-11-22");
	for (size_t i = 0; i < c.nlists; i++) {
		if (!strcmp(c.lists[i].key, "fetch"))
			fetch = (int)i;
		if (!strcmp(c.lists[i].key, "chromium"))
			chromium = (int)i;
		if (!strcmp(c.lists[i].key, "firefox"))
			firefox = (int)i;
		assert_int_equal(strncmp(c.lists[i].url, "https://", 8), 0);
	}
	assert_true(fetch >= 0 && chromium >= 0 && firefox >= 0);
	b = pd__curated_blocked(&c, 4190);
	assert_non_null(b);
	assert_int_equal(b->lists, (1u << fetch) | (1u << firefox));
	/* port 0: on Fetch's list since 2025 (whatwg/fetch#1847) and on
	 * Chromium's, not in Firefox's gBadPortList */
	b = pd__curated_blocked(&c, 0);
	assert_non_null(b);
	assert_int_equal(b->lists, (1u << fetch) | (1u << chromium));
	assert_non_null(pd__curated_blocked(&c, 10080));
	assert_null(pd__curated_blocked(&c, 80));
	assert_null(pd__curated_blocked(&c, 8080));
	for (size_t i = 0; i < c.ncoll; i++) {
		/* a reason line holds both */
		assert_true(strlen(c.coll[i].what) < 100);
		assert_true(strlen(c.coll[i].url) < 140);
		assert_true(c.coll[i].first <= c.coll[i].last);
	}
	assert_non_null(pd__curated_collision(&c, 31000, NULL));
	assert_null(pd__curated_collision(&c, 21422, NULL));
	pd__curated_release(&c);

	/* bad lines are counted and skipped */
	assert_int_equal(pd__curated_load(&c, data_path("curated")), 0);
	assert_int_equal(c.nlists, 2);
	assert_int_equal(c.nbad, 2);
	assert_int_equal(c.ncoll, 2);
	assert_int_equal(c.bad_lines, 4);
	assert_string_equal(c.collisions_recorded, "2000-01-03");
	assert_non_null(pd__curated_collision(&c, 2150, NULL));
	assert_non_null(pd__curated_collision(&c, 2150, pd__curated_collision(&c, 2150, NULL)));
	pd__curated_release(&c);
}

static void test_nmap_parser(void **state)
{
	struct pd__nmap m;
	const struct pd__nmap_port *p, *q;
	const char *text = "a\t10/tcp\t0.5\nb\t11/tcp\t0.5\nc\t12/tcp\t0.25\nd\t10/udp\t1.000000\n"
			   "e\t13/tcp\t0.1234567\nf\t14/tcp\t\nno newline at the end\t15/tcp\t0.75";

	assert_int_equal(pd__nmap_parse(&m, text, strlen(text)), 0);
	assert_int_equal(m.total[PD_TCP], 5);
	assert_int_equal(m.total[PD_UDP], 1);
	p = pd__nmap_find(&m, 10, PD_TCP);
	q = pd__nmap_find(&m, 11, PD_TCP);
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(p->freq, 500000);
	assert_int_equal(p->rank, 2); /* after 15/tcp; ties share a rank */
	assert_int_equal(q->rank, 2);
	assert_int_equal(pd__nmap_find(&m, 12, PD_TCP)->rank, 4);
	assert_int_equal(pd__nmap_find(&m, 13, PD_TCP)->freq, 123456);
	assert_int_equal(pd__nmap_find(&m, 10, PD_UDP)->rank, 1);
	assert_null(pd__nmap_find(&m, 14, PD_TCP));
	assert_null(pd__nmap_find(&m, 10, PD_SCTP));
	pd__nmap_release(&m);
	/* the recorded file: malformed lines skipped */
	assert_int_equal(pd__nmap_load(&m, data_path("nmap-services")), 0);
	assert_true(m.present);
	assert_int_equal(m.total[PD_TCP], 6);
	assert_int_equal(m.total[PD_UDP], 2);
	assert_int_equal(m.total[PD_SCTP], 1);
	assert_int_equal(pd__nmap_find(&m, 1500, PD_TCP)->rank, pd__nmap_find(&m, 1501, PD_TCP)->rank);
	pd__nmap_release(&m);
	assert_int_equal(pd__nmap_load(&m, data_path("absent")), 0);
	assert_false(m.present);
	pd__nmap_release(&m);
}

static void test_walk(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 3, 4, 5, 7, 16, 17, 100, 1000, 1023, 48128, 65536 };
	static const uint64_t keys[] = { 0, 1, 0xfa9239dc0f88116ull, 0xffffffffffffffffull };
	unsigned char *seen = malloc(65536);

	assert_non_null(seen);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			struct pd__walk w;
			uint32_t v, count = 0;
			memset(seen, 0, 65536);
			pd__walk_init(&w, keys[k], sizes[s]);
			while (pd__walk_next(&w, &v)) {
				assert_true(v < sizes[s]);
				if (seen[v]++)
					fail_msg("n %u key %llx: %u visited twice", sizes[s], (unsigned long long)keys[k], v);
				count++;
			}
			assert_int_equal(count, sizes[s]);
			assert_int_equal(pd__walk_next(&w, &v), 0);
		}
	}
	free(seen);
	/* n = 0: nothing */
	{
		struct pd__walk w;
		uint32_t v;
		pd__walk_init(&w, 1, 0);
		assert_int_equal(pd__walk_next(&w, &v), 0);
	}
}

/* The order must be the same on every machine and in every version that
 * keeps this registry: these values are part of portdex's promise. */
static void test_walk_is_stable(void **state)
{
	static const uint32_t want[] = { 20398, 27799, 16879, 34419, 8249, 20317, 22664, 16602 };
	struct pd__walk w;
	uint32_t v;

	assert_int_equal(pd__name_key("myservice"), 0x0fa9239dc0f88116ull);
	assert_int_equal(pd__name_key("MyService"), pd__name_key("myservice"));
	assert_int_not_equal(pd__name_key("myservice2"), pd__name_key("myservice"));
	assert_int_equal(pd__name_key(""), 0xcbf29ce484222325ull);
	pd__walk_init(&w, pd__name_key("myservice"), 48128);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(pd__walk_next(&w, &v), 1);
		assert_int_equal(v, want[i]);
	}
}

static struct pd_suggest_opts suggest_opts(const char *name, size_t count)
{
	struct pd_suggest_opts o;

	memset(&o, 0, sizeof(o));
	o.name = name;
	o.count = count;
	o.proto = PD_TCP;
	pd_class_bounds(PD_USER, &o.first, &o.last);
	o.check = replay();
	return o;
}

static void test_suggest_deterministic(void **state)
{
	struct pd_suggest_opts o = suggest_opts("myservice", 5);
	unsigned a[5], b[5], c[5];

	assert_int_equal(pd_suggest(reg, &o, a), 5);
	assert_int_equal(pd_suggest(reg, &o, b), 5);
	assert_memory_equal(a, b, sizeof(a));
	o.name = "MYSERVICE";
	assert_int_equal(pd_suggest(reg, &o, c), 5);
	assert_memory_equal(a, c, sizeof(a));
	o.name = "otherservice";
	assert_int_equal(pd_suggest(reg, &o, c), 5);
	assert_int_not_equal(a[0], c[0]);
	/* random without a name: still good ports */
	o.name = NULL;
	assert_int_equal(pd_suggest(reg, &o, c), 5);
	for (int i = 0; i < 5; i++)
		assert_true(c[i] >= 1024 && c[i] <= 49151);
}

/* Every suggestion checks good, with the same options. */
static void test_suggest_rules(void **state)
{
	struct pd_suggest_opts o = suggest_opts("rules", 300);
	unsigned ports[300];
	int n;

	o.check.no_bind_test = 0; /* live: each must be free, too */
	n = pd_suggest(reg, &o, ports);
	assert_int_equal(n, 300);
	for (int i = 0; i < n; i++) {
		struct pd_check c;
		assert_int_equal(pd_check_port(reg, &o.check, ports[i], PD_TCP, &c), 0);
		if (c.verdict != PD_GOOD)
			fail_msg("suggested %u checks %s: %s", ports[i], pd_verdict_name(c.verdict), c.reasons[0].text);
		assert_true(ports[i] < 32768); /* Linux's default ephemeral range */
		pd_check_release(&c);
	}
	/* both transports */
	o.proto = PD_PROTO_ANY;
	o.count = 20;
	n = pd_suggest(reg, &o, ports);
	assert_int_equal(n, 20);
	for (int i = 0; i < n; i++) {
		struct pd_check c;
		assert_int_equal(pd_check_port(reg, &o.check, ports[i], PD_PROTO_ANY, &c), 0);
		assert_int_equal(c.verdict, PD_GOOD);
		pd_check_release(&c);
	}
}

struct seen_notes {
	unsigned ports[64];
	char rules[64][24];
	size_t n, relaxed;
};

static void note(void *ctx, unsigned port, const struct pd_reason *why)
{
	struct seen_notes *s = ctx;

	if (!port) {
		s->relaxed++;
		return;
	}
	if (s->n < 64) {
		s->ports[s->n] = port;
		snprintf(s->rules[s->n], sizeof(s->rules[0]), "%s", why->rule);
		s->n++;
	}
}

/* suggest never proposes a port with a known use or malware, even when
 * the range asked for is narrow, and finds nothing when that is all the
 * range holds */
static void test_suggest_knowledge(void **state)
{
	struct pd_suggest_opts o = suggest_opts("knowledge", 20);
	unsigned ports[20];
	int n;

	o.first = 6870;
	o.last = 6899;
	n = pd_suggest(reg, &o, ports);
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		if (ports[i] >= 6881 && ports[i] <= 6889)
			fail_msg("suggested %u, in BitTorrent's 6881-6889", ports[i]);
	/* only known ports in the range: nothing, on tcp, udp and both */
	o.first = 6881;
	o.last = 6889;
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	o.proto = PD_UDP;
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	o.proto = PD_PROTO_ANY;
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	o.proto = PD_TCP;
	o.first = 12345; /* NetBus */
	o.last = 12346;
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	o.first = o.last = 27374; /* SubSeven */
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	o.first = o.last = 26379; /* Redis Sentinel */
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	/* a neighbour with no known use is still suggested */
	o.first = o.last = 26380;
	assert_int_equal(pd_suggest(reg, &o, ports), 1);
	assert_int_equal(ports[0], 26380);
}

/* What `portdex check` names instead of a port to avoid: the first ports
 * of a suggestion keyed by "port-N" over tcp and udp together. Each of
 * them checks good on tcp, on udp and on both; the same key gives the same
 * ports, another port other ones. */
static void test_alternatives(void **state)
{
	static const unsigned avoided[] = { 80, 926, 6100, 8080 };
	unsigned first[3] = { 0, 0, 0 };

	for (size_t i = 0; i < sizeof(avoided) / sizeof(avoided[0]); i++) {
		char name[32];
		struct pd_suggest_opts o;
		unsigned alt[3], again[3];
		struct pd_check c;

		snprintf(name, sizeof(name), "port-%u", avoided[i]);
		o = suggest_opts(name, 3);
		o.proto = PD_PROTO_ANY;
		assert_int_equal(pd_check_port(reg, &o.check, avoided[i], PD_TCP, &c), 0);
		assert_int_equal(c.verdict, PD_AVOID);
		pd_check_release(&c);
		assert_int_equal(pd_suggest(reg, &o, alt), 3);
		assert_int_equal(pd_suggest(reg, &o, again), 3);
		assert_memory_equal(alt, again, sizeof(alt));
		for (int k = 0; k < 3; k++) {
			static const int protos[] = { PD_TCP, PD_UDP, PD_PROTO_ANY };
			for (int t = 0; t < 3; t++) {
				assert_int_equal(pd_check_port(reg, &o.check, alt[k], protos[t], &c), 0);
				if (c.verdict != PD_GOOD)
					fail_msg("alternative %u of %u: %s on %s: %s", alt[k], avoided[i],
						 pd_verdict_name(c.verdict), protos[t] == PD_PROTO_ANY ? "both" :
						 pd_proto_name(protos[t]), c.reasons[0].text);
				pd_check_release(&c);
			}
			assert_true(alt[k] >= 1024 && alt[k] <= 49151);
		}
		if (i == 0)
			memcpy(first, alt, sizeof(first));
		else
			assert_memory_not_equal(first, alt, sizeof(first));
	}
}

static void test_suggest_ranges(void **state)
{
	struct pd_suggest_opts o = suggest_opts("ranges", 10);
	struct seen_notes s;
	unsigned ports[10];
	int n;

	memset(&s, 0, sizeof(s));
	o.note = note;
	o.ctx = &s;
	/* the dynamic range: the rules about it are set aside, this host's
	 * ephemeral range (to 60999) is not */
	o.first = 49152;
	o.last = 65535;
	n = pd_suggest(reg, &o, ports);
	assert_int_equal(n, 10);
	for (int i = 0; i < n; i++)
		assert_true(ports[i] >= 61000);
	assert_int_equal(s.relaxed, 2);
	assert_true(s.n > 0);
	assert_string_equal(s.rules[0], "ephemeral");
	/* nothing left */
	memset(&s, 0, sizeof(s));
	o.first = 32768;
	o.last = 33000;
	assert_int_equal(pd_suggest(reg, &o, ports), 0);
	/* the system range, here: 926 is among them, 80 never */
	o.first = 1;
	o.last = 1023;
	o.count = 10;
	n = pd_suggest(reg, &o, ports);
	assert_int_equal(n, 10);
	for (int i = 0; i < n; i++)
		assert_true(ports[i] != 80 && ports[i] <= 1023);
	/* invalid options */
	o.count = 0;
	assert_int_equal(pd_suggest(reg, &o, ports), PD_EINVAL);
	o.count = 1001;
	assert_int_equal(pd_suggest(reg, &o, ports), PD_EINVAL);
	o.count = 1;
	o.first = 9;
	o.last = 1;
	assert_int_equal(pd_suggest(reg, &o, ports), PD_EINVAL);
	o.first = 1;
	o.proto = PD_SCTP;
	assert_int_equal(pd_suggest(reg, &o, ports), PD_EINVAL);
	{
		struct pd_check c;
		assert_int_equal(pd_check_port(reg, &o.check, 65536, PD_TCP, &c), PD_EINVAL);
		assert_int_equal(pd_check_port(reg, &o.check, 80, 7, &c), PD_EINVAL);
	}
}

/* Binds 0.0.0.0:port (TCP, listening); -1 if taken. */
static int bind_tcp(unsigned port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		close(s);
		return -1;
	}
	return s;
}

static void test_in_use(void **state)
{
	struct pd_suggest_opts o = suggest_opts("in-use", 1);
	struct seen_notes s;
	struct pd_check c;
	unsigned first, again;
	int held;

	o.check.no_bind_test = 0;
	o.check.no_listening = 0;
	memset(&s, 0, sizeof(s));
	o.note = note;
	o.ctx = &s;
	assert_int_equal(pd_suggest(reg, &o, &first), 1);
	held = bind_tcp(first);
	if (held < 0)
		skip(); /* someone else took it meanwhile */
	/* reported in use... */
	assert_int_equal(pd_check_port(reg, &o.check, first, PD_TCP, &c), 0);
	assert_int_equal(c.verdict, PD_AVOID);
	assert_non_null(find_rule(&c, "bind-in-use"));
	pd_check_release(&c);
	/* ...never suggested, and the note says why */
	assert_int_equal(pd_suggest(reg, &o, &again), 1);
	assert_int_not_equal(again, first);
	assert_true(s.n >= 1);
	assert_int_equal(s.ports[0], first);
	assert_true(!strcmp(s.rules[0], "bind-in-use") || !strcmp(s.rules[0], "listening"));
	o.first = o.last = first;
	assert_int_equal(pd_suggest(reg, &o, &again), 0);
	close(held);
	/* free again: suggested again */
	pd_class_bounds(PD_USER, &o.first, &o.last);
	assert_int_equal(pd_suggest(reg, &o, &again), 1);
	assert_int_equal(again, first);
}

static void test_hold(void **state)
{
	struct pd_suggest_opts o = suggest_opts("hold", 2);
	unsigned ports[2];
	int fds[8];

	o.proto = PD_PROTO_ANY;
	o.hold_fds = fds;
	assert_int_equal(pd_suggest(reg, &o, ports), 2);
	for (int i = 0; i < 2; i++) {
		int s;
		assert_true(fds[4 * i] >= 0);     /* tcp, IPv4 */
		assert_true(fds[4 * i + 2] >= 0); /* udp, IPv4 */
		s = bind_tcp(ports[i]);
		assert_int_equal(s, -1);          /* held */
	}
	for (int i = 0; i < 8; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < 2; i++) {
		int s = bind_tcp(ports[i]);
		assert_true(s >= 0);              /* released */
		close(s);
	}
}

/* The page's FAQ on a block's past (issue 7): the port stays in its
 * block, and the block is what shrank. A registry shaped like the real one
 * around 926: 914/udp and 915/udp registered on 2023-02-17 (their tcp
 * reserved in the same action), 953/tcp on 2017-06-08. */
static void test_faq_block_history(void **state)
{
	static const char hist_csv[] = HDR
		"old,913,tcp,Old service,[A],[A],2000-01-01,,,,,\n"
		"old,913,udp,Old service,[A],[A],2000-01-01,,,,,\n"
		"rift-lies,914,udp,Routing in Fat Trees Link Information Element,[B],[B],2023-02-17,,,,,\n"
		",914,tcp,Reserved,,,,,,,,\n"
		"rift-ties,915,udp,Routing in Fat Trees Topology Information Element,[B],[B],2023-02-17,,,,,\n"
		",915,tcp,Reserved,,,,,,,,\n"
		",916-952,,Unassigned,,,,,,,,\n"
		"rndc,953,tcp,BIND9 remote name daemon controller,[C],[C],2017-06-08,,,,,\n"
		",953,udp,Reserved,,,,,,,,\n";
	struct pd_registry *r;
	struct pd_site_opts so;
	struct pd_buf b = PD_BUF_INIT;
	char err[256] = "";
	const char *page;

	assert_int_equal(pd_registry_open_buffer(hist_csv, strlen(hist_csv), "hist", &r, err, sizeof(err)), 0);
	memset(&so, 0, sizeof(so));
	so.root = "/";
	so.ext = "";
	assert_int_equal(pd_page(r, 926, PD_FMT_JSON, &so, &b), 0);
	page = pd_buf_str(&b);
	if (!strstr(page, "Has the block around port 926 always been 916-952?") ||
	    !strstr(page, "No: it was 914-952 until 2023-02-17, when 914/udp (rift-lies) and 915/udp "
			  "(rift-ties) were registered and it shrank to 916-952. Port 926 itself has never been assigned") ||
	    strstr(page, "Has port 926 always"))
		fail_msg("FAQ on the block's history: %s", strstr(page, "\"faq\"") ? strstr(page, "\"faq\"") : page);
	/* an assigned port: its own registration */
	b.len = 0;
	pd_buf_add(&b, "", 0);
	assert_int_equal(pd_page(r, 914, PD_FMT_JSON, &so, &b), 0);
	assert_non_null(strstr(pd_buf_str(&b), "Has port 914 always been assigned?"));
	assert_non_null(strstr(pd_buf_str(&b), "No. On 2023-02-17 port 914 was registered as rift-lies"));
	pd_buf_release(&b);
	pd_registry_free(r);
}

/* ---- the verdict in French and in Malay (pd_check_opts.lang) ---- */

/* 1 if s is well-formed UTF-8 (no overlong forms, no surrogates) */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, cp;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void dump(const char *what, const struct pd_check *c)
{
	fprintf(stderr, "%s:\n", what);
	for (size_t i = 0; i < c->nreasons; i++)
		fprintf(stderr, "  %s %s %s: %s\n", pd_verdict_name(c->reasons[i].weight), c->reasons[i].topic,
			c->reasons[i].rule, c->reasons[i].text);
}

/* port/proto checked in lang and in English: the same verdict and the same
 * reasons (rule, topic, weight, in the same order), each text non-empty,
 * valid UTF-8, shorter than the field and not the English one */
static void same_but_translated(struct pd_check_opts *o, unsigned port, int proto, const char *lang)
{
	struct pd_check en, tr;

	o->lang = NULL;
	assert_int_equal(pd_check_port(reg, o, port, proto, &en), 0);
	o->lang = lang;
	assert_int_equal(pd_check_port(reg, o, port, proto, &tr), 0);
	o->lang = NULL;
	if (en.nreasons != tr.nreasons || en.verdict != tr.verdict) {
		dump("en", &en);
		dump(lang, &tr);
		fail_msg("%u in %s: not the reasons of English", port, lang);
	}
	for (size_t i = 0; i < en.nreasons; i++) {
		const struct pd_reason *a = &en.reasons[i], *b = &tr.reasons[i];
		assert_string_equal(a->rule, b->rule);
		assert_string_equal(a->topic, b->topic);
		assert_int_equal(a->weight, b->weight);
		assert_true(*b->text);
		assert_true(strlen(b->text) < sizeof(b->text));
		if (!utf8_ok(b->text))
			fail_msg("%u in %s, %s: not UTF-8: %s", port, lang, b->rule, b->text);
		if (!strcmp(a->text, b->text))
			fail_msg("%u in %s, %s: the English text: %s", port, lang, b->rule, b->text);
		/* portdex's own words fit (a fact of the knowledge base may not) */
		if (strcmp(b->topic, "knowledge") && strlen(b->text) >= 3 &&
		    !strcmp(b->text + strlen(b->text) - 3, "\u2026") && strcmp(a->text + strlen(a->text) - 3, "..."))
			fail_msg("%u in %s, %s: cut: %s", port, lang, b->rule, b->text);
	}
	pd_check_release(&en);
	pd_check_release(&tr);
}

static void test_check_languages(void **state)
{
	static const char *const langs[] = { "fr", "ms" };
	static const unsigned ports[] = { 926, 80, 0, 6881, 27374, 8125, 4100, 6000, 6100, 1500, 3000, 50000, 40000 };
	struct pd_check_opts o = replay();
	struct pd_check c;

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			same_but_translated(&o, ports[i], PD_TCP, langs[l]);
			same_but_translated(&o, ports[i], PD_UDP, langs[l]);
			same_but_translated(&o, ports[i], PD_PROTO_ANY, langs[l]);
			same_but_translated(&o, ports[i], PD_SCTP, langs[l]);
		}
	/* no host at all, as the static site asks */
	o.no_host = 1;
	o.procroot = NULL;
	same_but_translated(&o, 926, PD_PROTO_ANY, "fr");
	same_but_translated(&o, 80, PD_PROTO_ANY, "ms");
	o = replay();
	/* "en" is NULL; an unknown code is English too */
	o.lang = "en";
	expect_text(&o, 926, PD_TCP, "system-range", PD_AVOID, "an unassigned system port (0-1023)", NULL);
	o.lang = "xx";
	expect_text(&o, 926, PD_TCP, "system-range", PD_AVOID, "an unassigned system port (0-1023)", NULL);
	/* the words, numbers and lists of each language */
	o.lang = "fr";
	expect_text(&o, 926, PD_TCP, "system-range", PD_AVOID, "port système non attribué (0-1023)\u202f:", NULL);
	expect_text(&o, 80, PD_TCP, "assigned", PD_AVOID, "attribué sur tcp à http (World Wide Web HTTP)", NULL);
	expect_text(&o, 80, PD_TCP, "nmap-frequent", PD_ACCEPTABLE, "48,4\u202f%", NULL);
	expect_text(&o, 4100, PD_TCP, "other-transport", PD_ACCEPTABLE,
		    "non attribué sur tcp, mais attribué sur udp à udponly (Only on udp)\u202f: l’IANA", NULL);
	expect_text(&o, 6881, PD_SCTP, "known-use", PD_ACCEPTABLE, "d’usage courant (sur tcp et udp)\u202f:", NULL);
	expect_text(&o, 6000, PD_TCP, "browser", PD_AVOID, "de la norme Fetch, Chromium (Chrome, Edge, Opera, Brave) et Firefox (relevé du 22 novembre 2026)", NULL);
	o.lang = "ms";
	expect_text(&o, 926, PD_TCP, "system-range", PD_AVOID, "port sistem yang belum diperuntukkan", NULL);
	expect_text(&o, 80, PD_TCP, "nmap-frequent", PD_ACCEPTABLE, "48.4%", NULL);
	expect_text(&o, 6881, PD_SCTP, "known-use", PD_ACCEPTABLE, "(pada tcp dan udp)", NULL);
	expect_text(&o, 6000, PD_TCP, "browser", PD_AVOID, "piawaian Fetch, Chromium (Chrome, Edge, Opera, Brave) dan Firefox, direkodkan pada 22 November 2026", NULL);
	/* a fact of the knowledge base keeps its source */
	expect_text(&o, 26379, PD_TCP, "known-use", PD_ACCEPTABLE, "lazim digunakan", "https://", NULL);
	assert_int_equal(pd_check_port(reg, &o, 926, PD_TCP, &c), 0);
	pd_check_release(&c);
}

/* A text too long for the field is cut at a character boundary, whatever
 * the byte the cut falls on, and ends with the language's ellipsis */
/* A message longer than pd__reason_printf's own buffer (1 KiB), into a
 * larger one: cut with the ellipsis at a character's boundary, and its
 * whole length returned */
static void test_reason_long(void **state)
{
	char desc[1500], text[2048];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(desc) - 1; i += 2)
		memcpy(desc + i, "\xc3\xa9", 2); /* é, so that a cut may fall inside one */
	desc[sizeof(desc) - 1] = '\0';
	n = pd__reason_printf(text, sizeof(text), PD_LANG_EN, M_check_what_desc, desc);
	assert_int_equal(n, strlen(desc) + 2); /* its quotes */
	assert_true(strlen(text) < 1024);
	assert_string_equal(text + strlen(text) - 3, "...");
	if (!utf8_ok(text))
		fail_msg("cut inside a character");
}

static void test_check_cut(void **state)
{
	static const char *const langs[] = { NULL, "fr", "ms" };
	struct pd_check_opts o = replay();
	struct pd_host h = { 1024, 32768, 60999, NULL };
	char reserved[400];
	int cut = 0;

	o.host = &h;
	for (size_t l = 0; l < 3; l++)
		for (size_t pad = 150; pad < 260; pad++) {
			struct pd_check c;
			const struct pd_reason *r;
			/* "926,111...1": 926 is reserved; the rest is only text */
			snprintf(reserved, sizeof(reserved), "926,%.*s", (int)pad,
				 "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
				 "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
				 "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111");
			h.reserved = reserved;
			o.lang = langs[l];
			assert_int_equal(pd_check_port(reg, &o, 926, PD_TCP, &c), 0);
			r = find_rule(&c, "local-reserved");
			assert_non_null(r);
			assert_true(strlen(r->text) < sizeof(r->text));
			if (!utf8_ok(r->text))
				fail_msg("%s, pad %zu: cut inside a character: %s", langs[l] ? langs[l] : "en", pad, r->text);
			if (strlen(r->text) > 240) {
				const char *ell = langs[l] ? "\u2026" : "...";
				assert_string_equal(r->text + strlen(r->text) - strlen(ell), ell);
				cut++;
			}
			pd_check_release(&c);
		}
	assert_true(cut > 100);
}

/* pd_suggest's notes of rules set aside are in the check's language */
static void relaxed_note(void *ctx, unsigned port, const struct pd_reason *why)
{
	if (!port && !*(char *)ctx)
		snprintf(ctx, 512, "%s|%s", why->rule, why->text);
}

static void test_suggest_language(void **state)
{
	struct pd_suggest_opts o;
	char en[512] = "", fr[512] = "", ms[512] = "";
	unsigned ports[2];

	memset(&o, 0, sizeof(o));
	o.check = replay();
	o.name = "lang";
	o.count = 2;
	o.proto = PD_TCP;
	o.first = 1;
	o.last = 1023;
	o.note = relaxed_note;
	o.ctx = en;
	assert_int_equal(pd_suggest(reg, &o, ports), 2);
	o.check.lang = "fr";
	o.ctx = fr;
	assert_int_equal(pd_suggest(reg, &o, ports), 2);
	o.check.lang = "ms";
	o.ctx = ms;
	assert_int_equal(pd_suggest(reg, &o, ports), 2);
	assert_string_equal(en, "system-range|not applied: every port of 1-1023 is a system port");
	assert_string_equal(fr, "system-range|règle non appliquée\u202f: tous les ports de 1 à 1023 sont des ports système");
	assert_non_null(strstr(ms, "system-range|peraturan tidak digunakan"));
}

/* ---- data/knowledge.tsv: six fields, or eight with French and Malay ---- */

static void test_fact_lines(void **state)
{
	struct pd_fact f;
	const char *text[PD_NLANG];
	char line[512];

	/* six fields: English everywhere */
	snprintf(line, sizeof(line), "6881\t6889\tboth\tuse\tBitTorrent clients listen here.\thttps://example.org/bt");
	assert_int_equal(pd__fact_parse(line, &f, text), 1);
	assert_int_equal(f.first, 6881);
	assert_int_equal(f.last, 6889);
	assert_int_equal(f.kind, PD_FACT_USE);
	assert_string_equal(f.text, "BitTorrent clients listen here.");
	assert_string_equal(f.source, "https://example.org/bt");
	assert_ptr_equal(text[PD_LANG_EN], f.text);
	assert_ptr_equal(text[PD_LANG_FR], f.text);
	assert_ptr_equal(text[PD_LANG_MS], f.text);
	/* eight: the French and the Malay after the source */
	snprintf(line, sizeof(line),
		 "27374\t27374\ttcp\tmalware\tSubSeven listened here.\thttps://example.org/s7\t"
		 "SubSeven écoutait ici.\tSubSeven pernah mendengar di sini.");
	assert_int_equal(pd__fact_parse(line, &f, text), 1);
	assert_int_equal(f.kind, PD_FACT_MALWARE);
	assert_string_equal(f.text, "SubSeven listened here.");
	assert_string_equal(f.source, "https://example.org/s7");
	assert_string_equal(text[PD_LANG_EN], "SubSeven listened here.");
	assert_string_equal(text[PD_LANG_FR], "SubSeven écoutait ici.");
	assert_string_equal(text[PD_LANG_MS], "SubSeven pernah mendengar di sini.");
	/* seven (French without Malay), nine, an empty translation, five,
	 * and the old checks (ports in order, a known kind): refused */
	static const char *const bad[] = {
		"27374\t27374\ttcp\tmalware\tSubSeven.\thttps://example.org/s7\tSubSeven.",
		"27374\t27374\ttcp\tmalware\tSubSeven.\thttps://example.org/s7\tA.\tB.\tC.",
		"27374\t27374\ttcp\tmalware\tSubSeven.\thttps://example.org/s7\t\tB.",
		"27374\t27374\ttcp\tmalware\tSubSeven.\thttps://example.org/s7\tA.\t",
		"27374\t27374\ttcp\tmalware\tSubSeven.",
		"27374\t27373\ttcp\tmalware\tSubSeven.\thttps://x\tA.\tB.",
		"27374\t27374\ttcp\tworm\tSubSeven.\thttps://x\tA.\tB.",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		if (pd__fact_parse(line, &f, text) != 0)
			fail_msg("accepted: %s", bad[i]);
	}
}

/* The compiled-in file: every data line is a fact, of six or eight
 * fields; in each language the same facts, in the same order, with only
 * the text changed, and valid UTF-8 */
static void test_knowledge_file(void **state)
{
	char path[4096], line[4096];
	const char *root = getenv("PD_SOURCE_ROOT");
	size_t lines = 0, translated = 0, n = 0;
	struct pd_fact en, fr, ms;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/data/knowledge.tsv", root ? root : ".");
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		struct pd_fact f;
		const char *text[PD_NLANG];
		size_t len = strlen(line), tabs = 0;
		if (*line == '#')
			continue;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		for (size_t i = 0; i < len; i++)
			tabs += line[i] == '\t';
		lines++;
		translated += tabs == 7;
		if (!pd__fact_parse(line, &f, text))
			fail_msg("data/knowledge.tsv: not a fact: %s", line);
		for (int l = 0; l < PD_NLANG; l++)
			if (!utf8_ok(text[l]))
				fail_msg("data/knowledge.tsv: not UTF-8: %s", text[l]);
	}
	fclose(fp);
	for (; !pd_fact_at(n, &en); n++) {
		assert_int_equal(pd__fact_at_lang(n, PD_LANG_FR, &fr), 0);
		assert_int_equal(pd__fact_at_lang(n, PD_LANG_MS, &ms), 0);
		assert_int_equal(en.first, fr.first);
		assert_int_equal(en.last, ms.last);
		assert_int_equal(en.kind, fr.kind);
		assert_int_equal(en.protos, ms.protos);
		assert_string_equal(en.source, fr.source);
		assert_string_equal(en.source, ms.source);
	}
	assert_int_equal(n, lines);
	assert_int_equal(pd__fact_at_lang(n, PD_LANG_FR, &fr), PD_ENOTFOUND);
	/* the facts of a port: as many in every language */
	assert_int_equal(pd__facts_lang(6881, PD_LANG_FR, &fr, 1), pd_facts(6881, &en, 1));
	print_message("knowledge.tsv: %zu facts, %zu with French and Malay\n", lines, translated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_registry_rules),
		cmocka_unit_test(test_host_rules),
		cmocka_unit_test(test_browser_and_collisions),
		cmocka_unit_test(test_knowledge_rule),
		cmocka_unit_test(test_nmap_rule),
		cmocka_unit_test(test_curated_parsers),
		cmocka_unit_test(test_nmap_parser),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_is_stable),
		cmocka_unit_test(test_suggest_deterministic),
		cmocka_unit_test(test_suggest_rules),
		cmocka_unit_test(test_suggest_knowledge),
		cmocka_unit_test(test_alternatives),
		cmocka_unit_test(test_suggest_ranges),
		cmocka_unit_test(test_in_use),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_faq_block_history),
		cmocka_unit_test(test_check_languages),
		cmocka_unit_test(test_check_cut),
		cmocka_unit_test(test_reason_long),
		cmocka_unit_test(test_suggest_language),
		cmocka_unit_test(test_fact_lines),
		cmocka_unit_test(test_knowledge_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
