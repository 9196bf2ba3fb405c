/* build.c: turns imported records into a registry image */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "util.h"

/* ---- interned string pool ---- */
struct pool {
	struct pd_buf data;
	uint32_t *slots;   /* offset + 1, 0 = empty */
	size_t nslots, used;
};

static int pool_init(struct pool *p)
{
	memset(p, 0, sizeof(*p));
	p->nslots = 1 << 15;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (!p->slots)
		return PD_ENOMEM;
	pd_buf_add(&p->data, "", 1); /* offset 0 is "" */
	return p->data.err;
}

static void pool_release(struct pool *p)
{
	pd_buf_release(&p->data);
	free(p->slots);
}

static int pool_rehash(struct pool *p)
{
	size_t n = p->nslots * 2;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return PD_ENOMEM;
	for (size_t i = 0; i < p->nslots; i++) {
		if (!p->slots[i])
			continue;
		const char *str = p->data.s + p->slots[i] - 1;
		size_t j = pd__fnv1a(str, strlen(str), 2166136261u) & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = s;
	p->nslots = n;
	return 0;
}

/* Returns the offset of s in the pool (adding it), or -1 on failure. */
static int64_t pool_add(struct pool *p, const char *s, size_t n)
{
	size_t j;
	uint32_t off;

	if (!n)
		return 0;
	if (p->used * 2 >= p->nslots && pool_rehash(p))
		return -1;
	j = pd__fnv1a(s, n, 2166136261u) & (p->nslots - 1);
	while (p->slots[j]) {
		const char *t = p->data.s + p->slots[j] - 1;
		if (!strncmp(t, s, n) && t[n] == '\0')
			return p->slots[j] - 1;
		j = (j + 1) & (p->nslots - 1);
	}
	if (p->data.len > UINT32_MAX - n - 2)
		return -1;
	off = (uint32_t)p->data.len;
	pd_buf_add(&p->data, s, n);
	pd_buf_add(&p->data, "", 1);
	if (p->data.err)
		return -1;
	p->slots[j] = off + 1;
	p->used++;
	return off;
}

/* ---- records as collected ---- */
struct builder {
	struct pool pool;
	struct pd__img_entry *recs;
	size_t n, cap;
	struct pd__img_person *people;
	size_t npeople, cappeople;
	uint32_t updated, title;
	struct pd_buf tmp;
	char *err;
	size_t errlen;
	size_t rowno;
};

uint32_t pd__date_num(const char *s)
{
	unsigned y = 0, m = 0, d = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		y = y * 10 + (unsigned)(s[i] - '0');
	}
	if (s[4] == '-' && isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6])) {
		m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
		if (s[7] == '-' && isdigit((unsigned char)s[8]) && isdigit((unsigned char)s[9]))
			d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	}
	if (m > 12 || d > 31)
		return 0;
	return y * 10000 + m * 100 + d;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Collapses whitespace runs to one space and trims; into b->tmp. Copies
 * whole runs of text at a time: this is on the import's hot path. */
static const char *norm(struct builder *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	b->tmp.len = 0;
	pd_buf_add(&b->tmp, "", 0);
	for (;;) {
		const unsigned char *start;
		while (is_ws(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && !is_ws(*p))
			p++;
		if (b->tmp.len)
			pd_buf_add(&b->tmp, " ", 1);
		pd_buf_add(&b->tmp, (const char *)start, (size_t)(p - start));
	}
	return b->tmp.err ? NULL : pd_buf_str(&b->tmp);
}

static int intern(struct builder *b, const char *s, uint32_t *out)
{
	const char *n = norm(b, s);
	int64_t off;

	if (!n)
		return PD_ENOMEM;
	off = pool_add(&b->pool, n, b->tmp.len);
	if (off < 0)
		return PD_ENOMEM;
	*out = (uint32_t)off;
	return 0;
}

static int fail(struct builder *b, int rc, const char *what, const char *value)
{
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "record %zu: %s '%.40s'", b->rowno, what, value);
	return rc;
}

/* "Unassigned", "unassigned", "Unassigned [was netstat]",
 * "(unassigned) Possibly assigned" (2825) and "Reserved" come in several
 * spellings; a record with a service name is an assignment. */
static uint8_t status_of(const char *name, const char *desc)
{
	if (*name)
		return PD_ASSIGNED;
	if (!strncasecmp(desc, "unassigned", 10) || !strncasecmp(desc, "(unassigned)", 12))
		return PD_UNASSIGNED;
	return PD_RESERVED;
}

/* A temporary registration says "... expires YYYY-MM-DD" in its description. */
static const char *find_expiry(const char *desc)
{
	const char *p = desc;

	while ((p = strcasestr(p, "expire"))) {
		for (const char *q = p; *q && q < p + 24; q++)
			if (pd__date_num(q) > 19000000)
				return q;
		p++;
	}
	return NULL;
}

static int parse_number(const char *s, unsigned *first, unsigned *last)
{
	const char *p = s;

	if (pd_parse_port(&p, first))
		return PD_EINVAL;
	*last = *first;
	if (*p == '-') {
		p++;
		if (pd_parse_port(&p, last) || *last < *first)
			return PD_EINVAL;
	}
	return *p ? PD_EINVAL : 0;
}

static int on_row(void *ctx, const struct pd__raw_row *r)
{
	struct builder *b = ctx;
	struct pd__img_entry *e;
	const char *const fields[PD__S_COUNT] = {
		r->name, r->description, r->assignee, r->contact, r->registered, r->modified,
		r->refs, r->notes, r->unauthorized, r->service_code, "",
	};
	const char *num, *exp;
	unsigned first = 0, last = 0;
	int rc;

	b->rowno++;
	if (pd__grow(&b->recs, b->n, &b->cap, sizeof(*b->recs), 16384))
		return PD_ENOMEM;
	e = &b->recs[b->n];
	memset(e, 0, sizeof(*e));
	num = norm(b, r->number);
	if (!num)
		return PD_ENOMEM;
	if (*num) {
		if (parse_number(num, &first, &last))
			return fail(b, PD_EFORMAT, "bad port number", r->number);
		e->has_port = 1;
	}
	e->first = (uint16_t)first;
	e->last = (uint16_t)last;
	e->proto = PD__NOPROTO;
	num = norm(b, r->proto);
	if (!num)
		return PD_ENOMEM;
	if (*num) {
		rc = pd_proto_parse(num, strlen(num));
		if (rc < 0)
			return fail(b, PD_EFORMAT, "unknown transport", r->proto);
		e->proto = (uint8_t)rc;
	}
	for (int i = 0; i < PD__S_COUNT; i++) {
		rc = intern(b, fields[i], &e->str[i]);
		if (rc)
			return rc;
	}
	exp = find_expiry(b->pool.data.s + e->str[PD__S_DESC]);
	if (exp) {
		int64_t off = pool_add(&b->pool, exp, 10);
		if (off < 0)
			return PD_ENOMEM;
		e->str[PD__S_EXPIRES] = (uint32_t)off;
	}
	if (!*r->name && !*r->description && !e->has_port)
		return fail(b, PD_EFORMAT, "empty record", "");
	e->date = pd__date_num(b->pool.data.s + e->str[PD__S_REGISTERED]);
	e->status = status_of(b->pool.data.s + e->str[PD__S_NAME], b->pool.data.s + e->str[PD__S_DESC]);
	b->n++;
	return 0;
}

static int on_person(void *ctx, const struct pd__raw_person *p)
{
	struct builder *b = ctx;
	struct pd__img_person *x;
	int rc;

	if (!*p->id)
		return 0;
	if (pd__grow(&b->people, b->npeople, &b->cappeople, sizeof(*b->people), 2048))
		return PD_ENOMEM;
	x = &b->people[b->npeople];
	if ((rc = intern(b, p->id, &x->id)) || (rc = intern(b, p->name, &x->name)) ||
	    (rc = intern(b, p->org, &x->org)) || (rc = intern(b, p->uri, &x->uri)) ||
	    (rc = intern(b, p->updated, &x->updated)))
		return rc;
	b->npeople++;
	return 0;
}

static int on_meta(void *ctx, const char *key, const char *value)
{
	struct builder *b = ctx;

	if (!strcmp(key, "updated"))
		return intern(b, value, &b->updated);
	if (!strcmp(key, "title"))
		return intern(b, value, &b->title);
	return 0;
}

/* ---- resolving (port, transport) to records ---- */
struct resolved {
	uint32_t *minsize[PD_NPROTO]; /* per port: size of the narrowest record */
	uint32_t *start[PD_NPROTO];   /* per port + 1: prefix sums into idx */
	uint32_t *idx[PD_NPROTO];
};

static void resolved_release(struct resolved *r)
{
	for (int t = 0; t < PD_NPROTO; t++) {
		free(r->minsize[t]);
		free(r->start[t]);
		free(r->idx[t]);
	}
}

static int applies(const struct pd__img_entry *e, int t)
{
	return e->has_port && (e->proto == PD__NOPROTO || e->proto == t);
}

enum pass { MEASURE, COUNT, FILL };

/* One pass over the records that apply to transport t: MEASURE finds the
 * narrowest width per port, COUNT counts the records of that width, FILL
 * writes their indexes in registry order. */
static void resolve_pass(const struct builder *b, struct resolved *r, int t, enum pass k, uint32_t *fill)
{
	uint32_t *mn = r->minsize[t], *st = r->start[t];

	for (size_t i = 0; i < b->n; i++) {
		const struct pd__img_entry *e = &b->recs[i];
		uint32_t w = (uint32_t)(e->last - e->first) + 1;
		if (!applies(e, t))
			continue;
		for (unsigned p = e->first; p <= e->last; p++) {
			if (k == MEASURE && w < mn[p])
				mn[p] = w;
			else if (k == COUNT && w == mn[p])
				st[p + 1]++;
			else if (k == FILL && w == mn[p])
				r->idx[t][st[p] + fill[p]++] = (uint32_t)i;
		}
	}
}

/* The narrowest records that contain a port win: a single-port row
 * overrides the range that contains it; equal widths are all kept. */
static int resolve(const struct builder *b, struct resolved *r)
{
	uint32_t *fill = malloc(65536 * sizeof(uint32_t));

	memset(r, 0, sizeof(*r));
	if (!fill)
		return PD_ENOMEM;
	for (int t = 0; t < PD_NPROTO; t++) {
		uint32_t total = 0;
		r->minsize[t] = malloc(65536 * sizeof(uint32_t));
		r->start[t] = calloc(65537, sizeof(uint32_t));
		if (!r->minsize[t] || !r->start[t])
			goto nomem;
		memset(r->minsize[t], 0xff, 65536 * sizeof(uint32_t));
		resolve_pass(b, r, t, MEASURE, NULL);
		resolve_pass(b, r, t, COUNT, NULL);
		for (unsigned p = 0; p < 65536; p++) {
			total += r->start[t][p + 1];
			r->start[t][p + 1] = total;
		}
		r->idx[t] = malloc((total ? total : 1) * sizeof(uint32_t));
		if (!r->idx[t])
			goto nomem;
		memset(fill, 0, 65536 * sizeof(uint32_t));
		resolve_pass(b, r, t, FILL, fill);
	}
	free(fill);
	return 0;
nomem:
	free(fill);
	return PD_ENOMEM;
}

static int same_lists(const struct resolved *r, unsigned a, unsigned b)
{
	for (int t = 0; t < PD_NPROTO; t++) {
		uint32_t na = r->start[t][a + 1] - r->start[t][a];
		uint32_t nb = r->start[t][b + 1] - r->start[t][b];
		if (na != nb || memcmp(r->idx[t] + r->start[t][a], r->idx[t] + r->start[t][b],
				       na * sizeof(uint32_t)))
			return 0;
	}
	return 1;
}

/* Sort keys carry their string, so that the comparisons need no context
 * (no global: imports run in several threads at once). */
struct sort_key {
	const char *s;
	uint32_t i;
};

static int cmp_names(const void *x, const void *y)
{
	const struct sort_key *a = x, *b = y;
	int c = strcasecmp(a->s, b->s);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

static int cmp_ids(const void *x, const void *y)
{
	const struct sort_key *a = x, *b = y;

	return strcmp(a->s, b->s);
}

/* Sorts the people by id. */
static int sort_people(struct builder *b)
{
	struct sort_key *k = malloc((b->npeople + 1) * sizeof(*k));
	struct pd__img_person *sorted = malloc((b->npeople + 1) * sizeof(*sorted));

	if (!k || !sorted) {
		free(k);
		free(sorted);
		return PD_ENOMEM;
	}
	for (size_t i = 0; i < b->npeople; i++) {
		k[i].s = b->pool.data.s + b->people[i].id;
		k[i].i = (uint32_t)i;
	}
	qsort(k, b->npeople, sizeof(*k), cmp_ids);
	for (size_t i = 0; i < b->npeople; i++)
		sorted[i] = b->people[k[i].i];
	free(k);
	free(b->people);
	b->people = sorted;
	b->cappeople = b->npeople + 1;
	return 0;
}

struct blk {
	unsigned first, last;
	unsigned rank, of;
	enum pd_class cls;
};

static int cmp_blk_size(const void *x, const void *y)
{
	const struct blk *a = *(struct blk *const *)x, *b = *(struct blk *const *)y;
	unsigned sa = a->last - a->first, sb = b->last - b->first;

	if (a->cls != b->cls)
		return (int)a->cls - (int)b->cls;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return a->first < b->first ? -1 : 1;
}

static void put(struct pd_buf *img, const void *p, size_t n)
{
	pd_buf_add(img, p, n);
	while (img->len % 8)
		pd_buf_putc(img, 0);
}

static int emit(struct builder *b, const char *source, void **out, size_t *out_len)
{
	struct resolved r;
	struct pd_buf img = PD_BUF_INIT, segs = PD_BUF_INIT, lists = PD_BUF_INIT;
	struct pd__img_hdr h;
	struct blk *blks = NULL, **order = NULL;
	struct pd__img_block *iblk = NULL;
	struct sort_key *keys = NULL;
	uint32_t *names = NULL;
	size_t nblk = 0, nnames = 0;
	uint32_t src;
	int rc;
	unsigned p;

	rc = resolve(b, &r);
	if (rc)
		goto out;
	rc = intern(b, source, &src);
	if (rc)
		goto out;

	/* segments */
	for (p = 0; p < 65536;) {
		struct pd__img_seg s;
		unsigned q = p;
		while (q < 65535 && same_lists(&r, p, q + 1))
			q++;
		memset(&s, 0, sizeof(s));
		s.first = (uint16_t)p;
		s.last = (uint16_t)q;
		for (int t = 0; t < PD_NPROTO; t++) {
			uint32_t n = r.start[t][p + 1] - r.start[t][p];
			uint8_t st = PD_UNASSIGNED;
			s.list[t] = (uint32_t)(lists.len / 4);
			pd_buf_add(&lists, (const char *)&n, 4);
			for (uint32_t k = 0; k < n; k++) {
				uint32_t ix = r.idx[t][r.start[t][p] + k];
				if (b->recs[ix].status > st)
					st = b->recs[ix].status;
				pd_buf_add(&lists, (const char *)&ix, 4);
			}
			s.status[t] = st;
		}
		pd_buf_add(&segs, (const char *)&s, sizeof(s));
		p = q + 1;
	}
	if (segs.err || lists.err) {
		rc = PD_ENOMEM;
		goto out;
	}

	/* blocks: runs unassigned on every transport */
	blks = calloc(65536 / 2 + 1, sizeof(*blks));
	if (!blks) {
		rc = PD_ENOMEM;
		goto out;
	}
	{
		const struct pd__img_seg *sv = (const void *)segs.s;
		size_t ns = segs.len / sizeof(*sv);
		for (size_t i = 0; i < ns; i++) {
			int free_all = 1;
			for (int t = 0; t < PD_NPROTO; t++)
				free_all &= sv[i].status[t] == PD_UNASSIGNED;
			if (!free_all)
				continue;
			if (nblk && blks[nblk - 1].last + 1 == sv[i].first) {
				blks[nblk - 1].last = sv[i].last;
				continue;
			}
			blks[nblk].first = sv[i].first;
			blks[nblk].last = sv[i].last;
			blks[nblk].cls = pd_port_class(sv[i].first);
			nblk++;
		}
	}
	order = calloc(nblk + 1, sizeof(*order));
	iblk = calloc(nblk + 1, sizeof(*iblk));
	if (!order || !iblk) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nblk; i++)
		order[i] = &blks[i];
	qsort(order, nblk, sizeof(*order), cmp_blk_size);
	{
		unsigned cnt[3] = { 0 }, rank[3] = { 0 };
		for (size_t i = 0; i < nblk; i++)
			cnt[blks[i].cls]++;
		for (size_t i = 0; i < nblk; i++) {
			order[i]->rank = ++rank[order[i]->cls];
			order[i]->of = cnt[order[i]->cls];
		}
	}
	for (size_t i = 0; i < nblk; i++) {
		iblk[i].first = (uint16_t)blks[i].first;
		iblk[i].last = (uint16_t)blks[i].last;
		iblk[i].rank = (uint16_t)blks[i].rank;
		iblk[i].of = (uint16_t)blks[i].of;
		iblk[i].cls = blks[i].cls;
	}

	/* name index */
	names = calloc(b->n + 1, sizeof(*names));
	keys = calloc(b->n + 1, sizeof(*keys));
	if (!names || !keys) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->recs[i].str[PD__S_NAME]) {
			keys[nnames].s = b->pool.data.s + b->recs[i].str[PD__S_NAME];
			keys[nnames++].i = (uint32_t)i;
		}
	qsort(keys, nnames, sizeof(*keys), cmp_names);
	for (size_t i = 0; i < nnames; i++)
		names[i] = keys[i].i;
	rc = sort_people(b);
	if (rc)
		goto out;

	/* layout */
	memset(&h, 0, sizeof(h));
	put(&img, (const char *)&h, sizeof(h));
	h.entries_off = (uint32_t)img.len;
	h.n_entries = (uint32_t)b->n;
	put(&img, (const char *)b->recs, b->n * sizeof(*b->recs));
	h.segs_off = (uint32_t)img.len;
	h.n_segs = (uint32_t)(segs.len / sizeof(struct pd__img_seg));
	put(&img, segs.s, segs.len);
	h.lists_off = (uint32_t)img.len;
	h.n_lists = (uint32_t)(lists.len / 4);
	put(&img, lists.s, lists.len);
	h.blocks_off = (uint32_t)img.len;
	h.n_blocks = (uint32_t)nblk;
	put(&img, (const char *)iblk, nblk * sizeof(*iblk));
	h.names_off = (uint32_t)img.len;
	h.n_names = (uint32_t)nnames;
	put(&img, (const char *)names, nnames * sizeof(*names));
	h.people_off = (uint32_t)img.len;
	h.n_people = (uint32_t)b->npeople;
	put(&img, (const char *)b->people, b->npeople * sizeof(*b->people));
	h.strings_off = (uint32_t)img.len;
	h.strings_len = (uint32_t)b->pool.data.len;
	put(&img, b->pool.data.s, b->pool.data.len);
	if (img.err) {
		rc = img.err;
		goto out;
	}
	memcpy(h.magic, PD__MAGIC, 8);
	h.version = PD__IMAGE_VERSION;
	h.size = (uint32_t)img.len;
	h.source = src;
	h.updated = b->updated;
	memcpy(img.s, &h, sizeof(h));
	h.checksum = pd__image_sum(img.s, img.len);
	memcpy(img.s, &h, sizeof(h));
	*out_len = img.len;
	*out = pd_buf_detach(&img);
out:
	resolved_release(&r);
	pd_buf_release(&img);
	pd_buf_release(&segs);
	pd_buf_release(&lists);
	free(blks);
	free(order);
	free(iblk);
	free(keys);
	free(names);
	return rc;
}

int pd__build_image(pd__import_fn import, const char *data, size_t len, const char *source,
		    const char *updated, void **img, size_t *img_len, char *err, size_t errlen)
{
	struct builder b;
	struct pd__sink sink = { &b, on_row, on_person, on_meta };
	int rc;

	memset(&b, 0, sizeof(b));
	b.err = err;
	b.errlen = errlen;
	rc = pool_init(&b.pool);
	if (rc)
		goto out;
	rc = import(data, len, &sink, err, errlen);
	if (rc)
		goto out;
	if (!b.n) {
		rc = PD_EFORMAT;
		if (err && errlen)
			snprintf(err, errlen, "no records");
		goto out;
	}
	if (!b.updated && updated) {
		rc = intern(&b, updated, &b.updated);
	} else if (!b.updated) {
		uint32_t best = 0;
		for (size_t i = 0; i < b.n; i++)
			for (int k = PD__S_REGISTERED; k <= PD__S_MODIFIED; k++) {
				uint32_t d = pd__date_num(b.pool.data.s + b.recs[i].str[k]);
				if (d > best) {
					best = d;
					b.updated = b.recs[i].str[k];
				}
			}
	}
	if (!rc)
		rc = emit(&b, source, img, img_len);
out:
	pool_release(&b.pool);
	pd_buf_release(&b.tmp);
	free(b.recs);
	free(b.people);
	return rc;
}
