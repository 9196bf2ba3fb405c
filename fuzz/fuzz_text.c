/* fuzz_text.c: libFuzzer harness for issue 7's promise that nothing from
 * the registry drives a terminal. The input is an IANA CSV registry (seeds
 * in fuzz/corpus/text carry ESC sequences, C1 and bidi controls, bytes that
 * are not UTF-8); its source name is hostile too. The CSV importer folds
 * line breaks and tabs into spaces, so the harness also writes the bytes
 * 0x1c, 0x1d and 0x1e of the image's strings as '\n', '\t' and '\r', as a
 * hand-made image could carry them. Every output the library writes (port
 * pages as text, Markdown, HTML and JSON, the common-ports page, services,
 * the port JSON, the check document, the search index, the change report
 * between the registry and its copy with line breaks) and every field through the buffer's
 * escapers must then be UTF-8 with no control character but the newlines
 * and tabs of the layout, no DEL, C1 control, bidi control or U+2028/9.
 * The check below is written apart from lib/base/buf.c on purpose. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "/tmp/reg\x1b]0;title\x07\xe2\x80\xae\x1c.csv"

/* 1 if code point c must not reach a terminal as it is; layout: the
 * output has lines and columns of its own (newlines and tabs allowed) */
static int forbidden(uint32_t c, int layout)
{
	if (layout && (c == '\n' || c == '\t'))
		return 0;
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void fail(const char *what, const char *s, size_t len, size_t at, const char *why)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + 20 < len ? at + 20 : len;

	fprintf(stderr, "fuzz_text: %s: %s at byte %zu:\n", what, why, at);
	for (size_t i = from; i < to; i++)
		fprintf(stderr, (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? "%c" : "<%02x>",
			(unsigned char)s[i]);
	fputc('\n', stderr);
	abort();
}

/* Aborts unless s is UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF) free of forbidden characters. */
static void check_as(const char *what, const struct pd_buf *b, int layout)
{
	const unsigned char *s = (const unsigned char *)pd_buf_str(b);
	size_t len = b->len;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t need = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
		uint32_t cp = need == 0 ? c : need == 1 ? c & 0x1fu : need == 2 ? c & 0x0fu : c & 0x07u;
		static const uint32_t least[4] = { 0, 0x80, 0x800, 0x10000 };

		if (need == 9 || need >= len - i)
			fail(what, (const char *)s, len, i, "not UTF-8");
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				fail(what, (const char *)s, len, i, "not UTF-8");
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < least[need] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			fail(what, (const char *)s, len, i, "not UTF-8");
		if (forbidden(cp, layout))
			fail(what, (const char *)s, len, i, "a raw control character");
		i += need + 1;
	}
}

/* a whole output, with its own lines */
static void check(const char *what, const struct pd_buf *b)
{
	check_as(what, b, 1);
}

static void reset(struct pd_buf *b)
{
	b->len = 0;
	b->err = 0;
	pd_buf_add(b, "", 0);
}

/* Every escaper on one field, each output checked: one field has no
 * line or tab of its own, but for the wrapper's */
static void fields(struct pd_buf *b, const char *s)
{
	reset(b);
	pd_buf_text(b, s);
	check_as("pd_buf_text", b, 0);
	reset(b);
	pd_buf_wrap(b, s, 7, 2, 30);
	check("pd_buf_wrap", b);
	reset(b);
	pd_buf_html(b, s);
	check_as("pd_buf_html", b, 0);
	reset(b);
	pd_buf_json_str(b, s);
	check_as("pd_buf_json_str", b, 0);
}

/* The image's strings with 0x1c, 0x1d, 0x1e as '\n', '\t', '\r' (the
 * checksum is not checked on this path; the structure is). */
static struct pd_registry *with_line_breaks(const struct pd_registry *reg, void **copy)
{
	size_t len;
	const void *img = pd_registry_image(reg, &len);
	const struct pd__img_hdr *h = img;
	struct pd_registry *out = NULL;
	char *p;

	*copy = aligned_alloc(8, (len + 7) & ~(size_t)7);
	if (!*copy)
		return NULL;
	memcpy(*copy, img, len);
	p = (char *)*copy + h->strings_off;
	for (size_t i = 0; i < h->strings_len; i++)
		if (p[i] >= 0x1c && p[i] <= 0x1e)
			p[i] = "\n\t\r"[p[i] - 0x1c];
	if (pd__registry_from_image(*copy, len, PD__IMG_STRUCTURE, NULL, &out))
		return NULL;
	return out;
}

static void outputs(const struct pd_registry *reg)
{
	static const char *const names[4] = { "page text", "page markdown", "page html", "page json" };
	struct pd_buf b = PD_BUF_INIT, pages[4] = { PD_BUF_INIT, PD_BUF_INIT, PD_BUF_INIT, PD_BUF_INIT };
	struct pd_site_opts o = { .root = "../", .ext = ".html", .inline_map = 1, .feedback = 1 };
	size_t n = pd_registry_count(reg), nports = 0;
	unsigned ports[3];
	uint32_t idx[8];

	for (size_t i = 0; i < n && i < 64; i++) {
		struct pd_entry e;
		const char *cur;
		struct pd_person_ref r;
		if (pd_registry_entry(reg, i, &e))
			continue;
		if (e.has_port && nports < 3 && (!nports || ports[nports - 1] != e.first))
			ports[nports++] = e.first;
		for (const char *const *f = (const char *const[]){ e.name, e.description, e.assignee, e.contact,
				e.registered, e.modified, e.refs, e.notes, e.unauthorized, e.service_code, e.expires, NULL };
		     *f; f++)
			fields(&b, *f);
		cur = e.assignee;
		while (pd_registry_people_next(reg, &cur, &r))
			fields(&b, r.label);
	}
	for (size_t i = 0; i < nports; i++) {
		struct pd_buf *outs[4] = { &pages[0], &pages[1], &pages[2], &pages[3] };
		for (int f = 0; f < 4; f++)
			reset(&pages[f]);
		if (!pd_page_formats(reg, ports[i], &o, outs))
			for (int f = 0; f < 4; f++)
				check(names[f], &pages[f]);
		reset(&b);
		if (!pd_port_json(reg, NULL, ports[i], PD_PROTO_ANY, &b))
			check("port json", &b);
	}
	if (nports) {
		/* the registry's rules alone: no host, no listing, no bind */
		struct pd_check_opts co = { .no_bind_test = 1, .no_listening = 1, .no_host = 1 };
		struct pd_check k;
		if (!pd_check_port(reg, &co, ports[0], PD_TCP, &k)) {
			reset(&b);
			if (!pd_check_json(reg, &k, ports, nports, &b))
				check("check json", &b);
			pd_check_release(&k);
		}
	}
	for (int f = PD_FMT_TEXT; f <= PD_FMT_MARKDOWN; f++) {
		reset(&b);
		if (!pd_site_page(reg, PD_SITE_COMMON, (enum pd_format)f, &o, &b))
			check("common ports page", &b);
	}
	for (int json = 0; json < 2; json++) {
		reset(&b);
		if (!pd_registry_services(reg, json, &b))
			check(json ? "services json" : "services", &b);
	}
	reset(&b);
	if (!pd_search_index(reg, &b))
		check("search index", &b);
	if (pd_registry_search(reg, "evil", idx, 8, &n))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct pd_entry e;
		if (!pd_registry_entry(reg, idx[i], &e)) {
			fields(&b, e.name);
			fields(&b, e.description);
		}
	}
	fields(&b, pd_registry_source(reg));
	fields(&b, pd_registry_updated(reg));
	pd_buf_release(&b);
	for (int f = 0; f < 4; f++)
		pd_buf_release(&pages[f]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_registry *reg = NULL, *broken;
	void *copy = NULL;

	if (size > (1u << 16))
		return 0;
	if (pd_registry_open_buffer(data, size, SOURCE, &reg, NULL, 0))
		return 0;
	broken = with_line_breaks(reg, &copy);
	outputs(broken ? broken : reg);
	if (broken) {
		struct pd_buf b = PD_BUF_INIT;
		if (!pd_diff_json(reg, broken, &b))
			check("diff json", &b);
		pd_buf_release(&b);
	}
	pd_registry_free(broken);
	pd_registry_free(reg);
	free(copy);
	return 0;
}
