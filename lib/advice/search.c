/* search.c: the search engine: what people call things (data/products.tsv),
 * IANA's names and descriptions and the knowledge base's uses, ranked one
 * way for the command, the server and the static site (whose script,
 * data/site/search.js, runs the same ranking on pd_search_index()'s
 * records: a change to the ranking here is a change there) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image.h"
#include "jw.h"
#include "search.h"
#include "util.h"

extern const char pd__data_products[];
extern const char pd__data_products_end[];

#define MAX_WORDS 8
#define WORD_LEN 64
#define NORM_LEN 256

static const char *const match_names[] = { "exact", "words", "use", "near", "like", "malware" };
static const char *const from_names[] = { "products", "iana", "knowledge" };

const char *pd_match_name(enum pd_match m)
{
	return (unsigned)m < 6 ? match_names[m] : "?";
}

const char *pd_match_from_name(enum pd_match_from f)
{
	return (unsigned)f < 3 ? from_names[f] : "?";
}

/* ---- words ---- */

static int alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int inword(int c)
{
	return alnum(c) || c == '-' || c == '+' || c == '.' || c == '_';
}

size_t pd__search_norm(const char *s, char *out, size_t n)
{
	size_t len = 0, words = 0;

	if (!n)
		return 0;
	while (*s) {
		const char *w;
		while (*s && !alnum((unsigned char)*s))
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && inword((unsigned char)*s))
			s++;
		if (len + (words > 0) + (size_t)(s - w) + 1 > n)
			break;
		if (words++)
			out[len++] = ' ';
		for (; w < s; w++)
			out[len++] = (char)lower((unsigned char)*w);
	}
	out[len] = '\0';
	return words;
}

/* Is w (lower-case, wl bytes) the beginning of some word of s? A word
 * begins where the character before is not an ASCII letter or digit. */
static int has_word(const char *s, const char *w, size_t wl)
{
	char first[3] = { w[0], (char)(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]), '\0' };

	/* to each occurrence of the first letter, in either case (strpbrk is
	 * libc's vectorized scan) */
	for (const char *p = strpbrk(s, first); p; p = strpbrk(p + 1, first)) {
		size_t i;
		if (p != s && alnum((unsigned char)p[-1]))
			continue;
		for (i = 1; i < wl && p[i] && lower((unsigned char)p[i]) == w[i]; i++)
			;
		if (i == wl)
			return 1;
	}
	return 0;
}

/* ---- data/products.tsv ---- */

static int name_ok(const char *s)
{
	if (!*s || *s == ' ' || s[strlen(s) - 1] == ' ')
		return 0;
	for (; *s; s++)
		if (!alnum((unsigned char)*s) && !strchr(" .+-_/':", *s))
			return 0;
	return 1;
}

/* One line into p (fields cut in place): 0, or -1 when it is not well formed */
static int product_line(char *line, struct pd__product *p)
{
	char *field[5], *s = line, *name;
	const char *c;
	int n = 0;

	for (; n < 5; n++) {
		field[n] = s;
		s = strchr(s, '\t');
		if (!s) {
			n++;
			break;
		}
		*s++ = '\0';
	}
	if (n != 5 || s)
		return -1;
	c = field[1];
	if (pd_parse_port(&c, &p->first))
		return -1;
	p->last = p->first;
	if (*c == '-') {
		c++;
		if (pd_parse_port(&c, &p->last) || p->last <= p->first)
			return -1;
	}
	if (*c || !(p->protos = pd__protos_of(field[2])))
		return -1;
	p->what = field[3];
	p->source = field[4];
	if (!*p->what || strlen(p->what) > 120 ||
	    (strncmp(p->source, "https://", 8) && strncmp(p->source, "http://", 7)) || strchr(p->source, ' '))
		return -1;
	p->nnames = 0;
	for (name = field[0]; name; ) {
		char *comma = strchr(name, ',');
		if (comma)
			*comma++ = '\0';
		if (!name_ok(name) || p->nnames == PD__PRODUCT_NAMES)
			return -1;
		p->names[p->nnames++] = name;
		name = comma;
	}
	return 0;
}

int pd__products_parse(struct pd__products *out, const char *text, size_t len)
{
	size_t cap = 0, lineno = 0, nlen = 0;
	char *p, *end;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->text = malloc(len + 1);
	out->norm = malloc(len + 1);  /* normalized names are never longer than the text */
	if (!out->text || !out->norm)
		return PD_ENOMEM;
	memcpy(out->text, text, len);
	out->text[len] = '\0';
	for (p = out->text, end = p + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
		struct pd__product prod;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : end;
		lineno++;
		if (*line == '#' || (!*line && !nl))
			continue;
		memset(&prod, 0, sizeof(prod));
		if (product_line(line, &prod)) {
			if (!out->bad_lines++)
				out->first_bad = lineno;
			continue;
		}
		prod.line = lineno;
		for (size_t k = 0; k < prod.nnames; k++) {
			size_t words = pd__search_norm(prod.names[k], out->norm + nlen, len + 1 - nlen);
			prod.norm[k] = out->norm + nlen;
			nlen += strlen(prod.norm[k]) + 1;
			if (!words)
				goto bad;
		}
		if ((rc = pd__grow(&out->v, out->n, &cap, sizeof(*out->v), 256)))
			return rc;
		out->v[out->n++] = prod;
		continue;
bad:
		if (!out->bad_lines++)
			out->first_bad = lineno;
	}
	return 0;
}

void pd__products_release(struct pd__products *p)
{
	free(p->text);
	free(p->norm);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static pthread_once_t products_once = PTHREAD_ONCE_INIT;
static struct pd__products products;
static int products_rc;

static void products_load(void)
{
	products_rc = pd__products_parse(&products, pd__data_products,
					 (size_t)(pd__data_products_end - pd__data_products));
	if (products_rc)
		pd__products_release(&products);
}

int pd__products_shared(const struct pd__products **out)
{
	pthread_once(&products_once, products_load);
	*out = &products;
	return products_rc;
}

/* ---- candidates ---- */

struct cand {
	uint8_t tier;            /* 0 exact, 1 words (and like), 2 use, 3 near */
	uint8_t sub;             /* near: the distance */
	uint8_t from;            /* enum pd_match_from */
	uint8_t match;           /* enum pd_match */
	uint8_t protos;
	uint8_t name;            /* products: the name that matched */
	uint16_t first, last;
	uint32_t ord;            /* position in its source */
	uint32_t freq;
};

struct run {
	const struct pd_registry *reg;
	const struct pd__products *prod;
	char q[NORM_LEN];        /* the query's words, joined */
	char w[MAX_WORDS][WORD_LEN];
	size_t wl[MAX_WORDS], nw;
	int like;
	struct cand *c;
	size_t n, cap;
	int has_freq;
};

static int add(struct run *r, int tier, int sub, enum pd_match_from from, enum pd_match m, unsigned protos,
	       size_t name, unsigned first, unsigned last, size_t ord)
{
	struct cand *c;

	if (pd__grow(&r->c, r->n, &r->cap, sizeof(*r->c), 64))
		return PD_ENOMEM;
	c = &r->c[r->n++];
	*c = (struct cand){ (uint8_t)tier, (uint8_t)sub, (uint8_t)from, (uint8_t)m, (uint8_t)protos,
			    (uint8_t)name, (uint16_t)first, (uint16_t)last, (uint32_t)ord, 0 };
	return 0;
}

static int all_words(const struct run *r, const char *const *texts, size_t nt)
{
	for (size_t k = 0; k < r->nw; k++) {
		int found = 0;
		for (size_t t = 0; t < nt && !found; t++)
			found = has_word(texts[t], r->w[k], r->wl[k]);
		if (!found)
			return 0;
	}
	return 1;
}

static unsigned entry_protos(const struct pd__img_entry *e)
{
	return e->proto >= PD_NPROTO ? (1u << PD_NPROTO) - 1 : 1u << e->proto;
}

static int match_products(struct run *r)
{
	for (size_t i = 0; i < r->prod->n; i++) {
		const struct pd__product *p = &r->prod->v[i];
		const char *texts[PD__PRODUCT_NAMES + 1];
		size_t k, hit = SIZE_MAX;
		int rc = 0;

		for (k = 0; k < p->nnames && hit == SIZE_MAX; k++)
			if (!strcmp(p->norm[k], r->q))
				hit = k;
		if (hit != SIZE_MAX) {
			rc = add(r, 0, 0, PD_FROM_PRODUCTS, PD_MATCH_EXACT, p->protos, hit, p->first, p->last, i);
		} else if (r->like) {
			for (k = 0; k < p->nnames && hit == SIZE_MAX; k++)
				if (strstr(p->norm[k], r->q))
					hit = k;
			if (hit != SIZE_MAX)
				rc = add(r, 1, 0, PD_FROM_PRODUCTS, PD_MATCH_LIKE, p->protos, hit, p->first, p->last, i);
		} else {
			for (k = 0; k < p->nnames; k++)
				texts[k] = p->names[k];
			texts[k++] = p->what;
			if (all_words(r, texts, k))
				rc = add(r, 1, 0, PD_FROM_PRODUCTS, PD_MATCH_WORDS, p->protos, 0, p->first, p->last, i);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The IANA records that search looks at: a port and a name */
static int searchable(const struct pd__img_entry *e, const char *name)
{
	return e->has_port && *name;
}

static int match_iana(struct run *r)
{
	const struct pd_registry *reg = r->reg;

	for (uint32_t i = 0; i < reg->h->n_entries; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		const char *name = pd__str(reg, e->str[PD__S_NAME]);
		const char *texts[2] = { name, pd__str(reg, e->str[PD__S_DESC]) };
		char norm[NORM_LEN];
		int rc = 0;

		if (!searchable(e, name))
			continue;
		/* normalized only when it could be equal (or contain the query) */
		if (r->like || !alnum((unsigned char)*name) || lower((unsigned char)*name) == r->q[0])
			pd__search_norm(name, norm, sizeof(norm));
		else
			*norm = '\0';
		if (!strcmp(norm, r->q))
			rc = add(r, 0, 0, PD_FROM_IANA, PD_MATCH_EXACT, entry_protos(e), 0, e->first, e->last, i);
		else if (r->like ? strstr(norm, r->q) != NULL : all_words(r, texts, 2))
			rc = add(r, 1, 0, PD_FROM_IANA, r->like ? PD_MATCH_LIKE : PD_MATCH_WORDS, entry_protos(e), 0,
				 e->first, e->last, i);
		if (rc)
			return rc;
	}
	return 0;
}

static int match_uses(struct run *r)
{
	struct pd_fact f;

	for (size_t i = 0; !pd_fact_at(i, &f); i++) {
		const char *texts[1] = { f.text };
		if ((f.kind == PD_FACT_USE || f.kind == PD_FACT_MALWARE) && all_words(r, texts, 1) &&
		    add(r, 2, 0, PD_FROM_KNOWLEDGE, f.kind == PD_FACT_USE ? PD_MATCH_USE : PD_MATCH_MALWARE, f.protos, 0,
			f.first, f.last, i))
			return PD_ENOMEM;
	}
	return 0;
}

static int match_near(struct run *r)
{
	unsigned limit = r->wl[0] <= 4 ? 1 : 2, d;
	const struct pd_registry *reg = r->reg;

	for (size_t i = 0; i < r->prod->n; i++) {
		const struct pd__product *p = &r->prod->v[i];
		unsigned best = 99;
		size_t hit = 0;
		for (size_t k = 0; k < p->nnames; k++)
			if ((d = pd__distance(p->norm[k], r->q)) < best) {
				best = d;
				hit = k;
			}
		if (best <= limit &&
		    add(r, 3, (int)best, PD_FROM_PRODUCTS, PD_MATCH_NEAR, p->protos, hit, p->first, p->last, i))
			return PD_ENOMEM;
	}
	for (uint32_t i = 0; i < reg->h->n_entries; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		const char *name = pd__str(reg, e->str[PD__S_NAME]);
		char norm[NORM_LEN];
		if (!searchable(e, name))
			continue;
		pd__search_norm(name, norm, sizeof(norm));
		if ((d = pd__distance(norm, r->q)) <= limit &&
		    add(r, 3, (int)d, PD_FROM_IANA, PD_MATCH_NEAR, entry_protos(e), 0, e->first, e->last, i))
			return PD_ENOMEM;
	}
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Each candidate's frequency: how often nmap finds its first port open,
 * the highest of the port's transports (so that the reasons for one port
 * rank by their kind, whatever their transports) */
static int frequencies(struct run *r, const char *path)
{
	uint16_t *ports = NULL;
	uint32_t *freq = NULL;
	size_t n = 0;
	int rc = PD_ENOMEM;

	r->has_freq = 0;
	if (!r->n)
		return 0;
	ports = malloc(r->n * sizeof(*ports));
	freq = malloc(r->n * PD_NPROTO * sizeof(*freq));
	if (!ports || !freq)
		goto out;
	for (size_t i = 0; i < r->n; i++)
		ports[i] = r->c[i].first;
	qsort(ports, r->n, sizeof(*ports), cmp_u16);
	for (size_t i = 0; i < r->n; i++)
		if (!n || ports[n - 1] != ports[i])
			ports[n++] = ports[i];
	if ((rc = pd__nmap_freqs(path, ports, n, freq, &r->has_freq)))
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const uint16_t *at = bsearch(&r->c[i].first, ports, n, sizeof(*ports), cmp_u16);
		for (int t = 0; at && t < PD_NPROTO; t++)
			if (freq[(size_t)(at - ports) * PD_NPROTO + (size_t)t] > r->c[i].freq)
				r->c[i].freq = freq[(size_t)(at - ports) * PD_NPROTO + (size_t)t];
	}
out:
	free(ports);
	free(freq);
	return rc;
}

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->tier != b->tier)
		return a->tier - b->tier;
	if (a->sub != b->sub)
		return a->sub - b->sub;
	if (a->freq != b->freq)
		return a->freq > b->freq ? -1 : 1;
	if (a->first != b->first)
		return a->first - b->first;
	if (a->last != b->last)
		return a->last - b->last;
	if (a->from != b->from)
		return a->from - b->from;
	return (a->ord > b->ord) - (a->ord < b->ord);
}

/* ---- results ---- */

/* What IANA says of first..last on the transports of protos: the name and
 * description of its service (a range: only a record of that very range),
 * and the strongest status */
static void iana_of(const struct pd_registry *reg, unsigned first, unsigned last, unsigned protos,
		    const char **name, const char **desc, enum pd_status *st)
{
	*name = *desc = "";
	*st = PD_UNASSIGNED;
	for (int t = 0; t < PD_NPROTO; t++) {
		uint32_t idx[16];
		size_t k;
		enum pd_status s;
		if (!(protos & (1u << t)))
			continue;
		s = pd_registry_status(reg, first, t);
		if (s > *st)
			*st = s;
		k = pd_registry_lookup(reg, first, t, idx, 16);
		for (size_t j = 0; j < k && j < 16 && !**name; j++) {
			struct pd_entry e;
			if (!pd_registry_entry(reg, idx[j], &e) && e.status == PD_ASSIGNED && *e.name &&
			    e.first == first && e.last == last) {
				*name = e.name;
				*desc = e.description;
			}
		}
	}
}

/* The label of IANA's view in a reason: the name, else the status; "various"
 * for a range without a record of its own */
static const char *iana_label(const char *name, enum pd_status st, unsigned first, unsigned last)
{
	if (*name)
		return name;
	return first != last ? "various" : pd_status_name(st);
}

/* The transports of an IANA service on e's ports (its records of the same
 * name and ports) */
static unsigned service_protos(const struct pd_registry *reg, const struct pd_entry *e)
{
	uint32_t idx[64];
	size_t k = pd_registry_find_name(reg, e->name, idx, 64);
	unsigned mask = 0;

	for (size_t i = 0; i < k && i < 64; i++) {
		struct pd_entry x;
		if (pd_registry_entry(reg, idx[i], &x) || x.first != e->first || x.last != e->last || !x.has_port)
			continue;
		mask |= x.proto == PD_PROTO_ANY ? (1u << PD_NPROTO) - 1 : 1u << x.proto;
	}
	if (!mask)
		mask = e->proto == PD_PROTO_ANY ? (1u << PD_NPROTO) - 1 : 1u << e->proto;
	return mask;
}

/* The reason, as search.js writes it too */
static void why_of(struct pd_buf *b, enum pd_match m, enum pd_match_from from, const char *term, const char *what,
		   const char *label)
{
	size_t tl = strlen(term);

	if (m == PD_MATCH_NEAR)
		pd_buf_puts(b, "close to: ");
	if (from == PD_FROM_PRODUCTS) {
		size_t i = 0;
		int starts;
		while (i < tl && what[i] && lower((unsigned char)what[i]) == lower((unsigned char)term[i]))
			i++;
		starts = i == tl && (what[tl] == ' ' || !what[tl]);
		if (!starts)
			pd_buf_printf(b, "%s: ", term);
		pd_buf_printf(b, "%s (IANA: %s)", what, label);
	} else if (from == PD_FROM_IANA) {
		pd_buf_printf(b, "IANA: %s", term);
		if (*what)
			pd_buf_printf(b, " (%s)", what);
	} else {
		pd_buf_printf(b, "%s: %s", m == PD_MATCH_MALWARE ? "malware" : "use", what);
	}
}

static int result_of(const struct run *r, const struct cand *c, struct pd_search_result *out)
{
	struct pd_buf why = PD_BUF_INIT;
	const char *label = "";

	memset(out, 0, sizeof(*out));
	out->match = (enum pd_match)c->match;
	out->from = (enum pd_match_from)c->from;
	out->first = c->first;
	out->last = c->last;
	out->protos = c->protos;
	out->has_freq = r->has_freq;
	out->freq = c->freq;
	out->source = "";
	if (c->from == PD_FROM_PRODUCTS) {
		const struct pd__product *p = &r->prod->v[c->ord];
		out->term = p->names[c->name];
		out->what = p->what;
		out->source = p->source;
		iana_of(r->reg, c->first, c->last, c->protos, &out->name, &out->description, &out->status);
		label = iana_label(out->name, out->status, c->first, c->last);
	} else if (c->from == PD_FROM_IANA) {
		struct pd_entry e;
		if (pd_registry_entry(r->reg, c->ord, &e))
			return PD_EINVAL;
		out->term = out->name = e.name;
		out->what = out->description = e.description;
		out->status = e.status;
		out->protos = service_protos(r->reg, &e);
	} else {
		struct pd_fact f;
		if (pd_fact_at(c->ord, &f))
			return PD_EINVAL;
		out->term = "";
		out->what = f.text;
		out->source = f.source;
		iana_of(r->reg, c->first, c->last, c->protos, &out->name, &out->description, &out->status);
	}
	why_of(&why, out->match, out->from, out->term, out->what, label);
	if (why.err) {
		pd_buf_release(&why);
		return PD_ENOMEM;
	}
	out->why = pd_buf_detach(&why);
	return out->why ? 0 : PD_ENOMEM;
}

int pd_search_check(const char *q, const char **why)
{
	size_t len;
	char norm[NORM_LEN];

	*why = NULL;
	if (!q) {
		*why = "no search";
		return PD_EINVAL;
	}
	len = strlen(q);
	if (len > PD_SEARCH_MAX_QUERY)
		*why = "the search is too long (200 bytes at most)";
	for (size_t i = 0; i < len && !*why;) {
		uint32_t cp;
		size_t l = pd__utf8_char((const unsigned char *)q + i, len - i, &cp);
		if (!l)
			*why = "the search is not valid UTF-8";
		else if (pd__hidden_char(cp))
			*why = "the search has a control character";
		i += l ? l : 1;
	}
	if (!*why && !pd__search_norm(q, norm, sizeof(norm)))
		*why = "the search has no words (letters or digits)";
	return *why ? PD_EINVAL : 0;
}

static int words_of(struct run *r, const char *query)
{
	const char *p;
	size_t nw = pd__search_norm(query, r->q, sizeof(r->q));

	if (!nw)
		return PD_EINVAL;
	r->nw = 0;
	for (p = r->q; *p && r->nw < MAX_WORDS;) {
		size_t l = strcspn(p, " ");
		if (l >= WORD_LEN)
			l = WORD_LEN - 1;
		memcpy(r->w[r->nw], p, l);
		r->w[r->nw][l] = '\0';
		r->wl[r->nw++] = l;
		p += strcspn(p, " ");
		p += *p == ' ';
	}
	return 0;
}

int pd_search(const struct pd_registry *reg, const char *query, const struct pd_search_opts *o,
	      struct pd_search *out)
{
	struct run *r;
	size_t max = o && o->max ? o->max : 20, kept = 0;
	uint8_t *seen = NULL;
	const char *why;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!reg || !query || pd_search_check(query, &why))
		return PD_EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return PD_ENOMEM;
	r->reg = reg;
	r->like = o && o->like;
	if ((rc = pd__products_shared(&r->prod)) || (rc = words_of(r, query)))
		goto out;
	if ((rc = match_products(r)) || (rc = match_iana(r)) || (!r->like && (rc = match_uses(r))))
		goto out;
	if (!r->n && !r->like && r->nw == 1 && (rc = match_near(r)))
		goto out;
	if ((rc = frequencies(r, o ? o->nmap_services : NULL)))
		goto out;
	if (r->n)
		qsort(r->c, r->n, sizeof(*r->c), cmp_cand);
	/* one result per port or range, its best reason: single ports in a
	 * bitmap, ranges by comparison with the ranges kept */
	if (max > r->n)
		max = r->n; /* room for what there is, whatever was asked */
	seen = calloc(65536 / 8, 1);
	out->r = calloc(max ? max : 1, sizeof(*out->r));
	if (!seen || !out->r) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct cand *c = &r->c[i];
		int dup = 0;
		if (c->first == c->last) {
			dup = seen[c->first / 8] & (1u << (c->first % 8));
			seen[c->first / 8] |= (uint8_t)(1u << (c->first % 8));
		} else {
			for (size_t j = 0; j < i && !dup; j++)
				dup = r->c[j].first == c->first && r->c[j].last == c->last;
		}
		if (dup)
			continue;
		kept++;
		if (out->n < max) {
			if ((rc = result_of(r, c, &out->r[out->n])))
				goto out;
			out->n++;
		}
	}
	out->total = kept;
out:
	free(seen);
	if (r)
		free(r->c);
	free(r);
	return rc;
}

void pd_search_release(struct pd_search *s)
{
	for (size_t i = 0; s->r && i < s->n; i++)
		free(s->r[i].why);
	free(s->r);
	memset(s, 0, sizeof(*s));
}

static void transports(struct pd_buf *b, unsigned protos)
{
	for (int t = 0, n = 0; t < PD_NPROTO; t++)
		if (protos & (1u << t))
			pd_buf_printf(b, "%s%s", n++ ? "," : "", pd_proto_name(t));
}

int pd_search_json(const struct pd_registry *reg, const char *query, int like, const struct pd_search *s,
		   struct pd_buf *out)
{
	struct pd_buf tr = PD_BUF_INIT;
	struct pd__jw w;

	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "query", query);
	pd__jw_key(&w, "like");
	pd__jw_bool(&w, like);
	pd__jw_key(&w, "registry");
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "source", pd_registry_source(reg));
	pd__jw_kstr(&w, "updated", pd_registry_updated(reg));
	pd__jw_end_object(&w);
	pd__jw_kuint(&w, "total", s->total);
	pd__jw_key(&w, "results");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < s->n; i++) {
		const struct pd_search_result *r = &s->r[i];
		tr.len = 0;
		pd_buf_add(&tr, "", 0);
		transports(&tr, r->protos);
		pd__jw_begin_object(&w);
		pd__jw_kuint(&w, "first", r->first);
		pd__jw_kuint(&w, "last", r->last);
		pd__jw_kstr(&w, "transports", pd_buf_str(&tr));
		pd__jw_kstr(&w, "match", pd_match_name(r->match));
		pd__jw_kstr(&w, "from", pd_match_from_name(r->from));
		pd__jw_kstr(&w, "term", *r->term ? r->term : NULL);
		pd__jw_kstr(&w, "what", r->what);
		pd__jw_kstr(&w, "name", *r->name ? r->name : NULL);
		pd__jw_kstr(&w, "description", *r->name ? r->description : NULL);
		pd__jw_kstr(&w, "status", pd_status_name(r->status));
		pd__jw_key(&w, "frequency");
		if (r->has_freq)
			pd__jw_micro(&w, r->freq);
		else
			pd__jw_null(&w);
		pd__jw_kstr(&w, "source", *r->source ? r->source : NULL);
		pd__jw_kstr(&w, "why", r->why);
		pd__jw_end_object(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_end_object(&w);
	pd_buf_putc(out, '\n');
	if (tr.err && !out->err)
		out->err = tr.err;
	pd_buf_release(&tr);
	return out->err;
}

/* ---- the static site's index ---- */

int pd_search_index(const struct pd_registry *reg, struct pd_buf *out)
{
	struct run *r = calloc(1, sizeof(*r));
	struct pd_buf tr = PD_BUF_INIT;
	struct pd__jw w;
	struct pd_fact f;
	int rc;

	if (!r)
		return PD_ENOMEM;
	r->reg = reg;
	if ((rc = pd__products_shared(&r->prod)))
		goto out;
	/* every record as a candidate, in the engine's order, for the frequencies */
	for (size_t i = 0; i < r->prod->n && !rc; i++)
		rc = add(r, 0, 0, PD_FROM_PRODUCTS, PD_MATCH_EXACT, r->prod->v[i].protos, 0, r->prod->v[i].first,
			 r->prod->v[i].last, i);
	for (uint32_t i = 0; i < reg->h->n_entries && !rc; i++) {
		const struct pd__img_entry *e = &reg->entries[i];
		if (searchable(e, pd__str(reg, e->str[PD__S_NAME])))
			rc = add(r, 0, 0, PD_FROM_IANA, PD_MATCH_EXACT, entry_protos(e), 0, e->first, e->last, i);
	}
	for (size_t i = 0; !rc && !pd_fact_at(i, &f); i++)
		if (f.kind == PD_FACT_USE || f.kind == PD_FACT_MALWARE)
			rc = add(r, 0, 0, PD_FROM_KNOWLEDGE, f.kind == PD_FACT_USE ? PD_MATCH_USE : PD_MATCH_MALWARE,
				 f.protos, 0, f.first, f.last, i);
	if (rc || (rc = frequencies(r, NULL)))
		goto out;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kuint(&w, "format", 2);
	pd__jw_key(&w, "nmap");
	pd__jw_bool(&w, r->has_freq);
	pd__jw_key(&w, "records");
	pd__jw_begin_array(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct cand *c = &r->c[i];
		const char *name, *desc;
		enum pd_status st;
		pd__jw_begin_array(&w);
		if (c->from == PD_FROM_PRODUCTS) {
			const struct pd__product *p = &r->prod->v[c->ord];
			pd__jw_str(&w, "p");
			pd__jw_begin_array(&w);
			for (size_t k = 0; k < p->nnames; k++)
				pd__jw_str(&w, p->names[k]);
			pd__jw_end_array(&w);
			pd__jw_str(&w, p->what);
		} else if (c->from == PD_FROM_IANA) {
			struct pd_entry e;
			if (pd_registry_entry(reg, c->ord, &e)) {
				rc = PD_EINVAL;
				goto out;
			}
			pd__jw_str(&w, "i");
			pd__jw_str(&w, e.name);
			pd__jw_str(&w, e.description);
		} else {
			if ((rc = pd_fact_at(c->ord, &f)))
				goto out;
			pd__jw_str(&w, c->match == PD_MATCH_USE ? "u" : "m");
			pd__jw_str(&w, f.text);
		}
		pd__jw_uint(&w, c->first);
		pd__jw_uint(&w, c->last);
		tr.len = 0;
		pd_buf_add(&tr, "", 0);
		if (c->from == PD_FROM_IANA) {
			struct pd_entry e;
			if (pd_registry_entry(reg, c->ord, &e)) {
				rc = PD_EINVAL;
				goto out;
			}
			transports(&tr, service_protos(reg, &e));
		} else {
			transports(&tr, c->protos);
		}
		pd__jw_str(&w, pd_buf_str(&tr));
		pd__jw_uint(&w, c->freq);
		iana_of(reg, c->first, c->last, c->protos, &name, &desc, &st);
		pd__jw_str(&w, iana_label(name, st, c->first, c->last));
		pd__jw_end_array(&w);
	}
	pd__jw_end_array(&w);
	pd__jw_end_object(&w);
	pd_buf_putc(out, '\n');
	rc = tr.err ? tr.err : out->err;
out:
	pd_buf_release(&tr);
	free(r->c);
	free(r);
	return rc;
}
