/* curated.c: the curated lists compiled into libportdex (ports browsers
 * refuse, known collisions) and nmap's open-frequency table, read at run
 * time from nmap-services. Parsers of tab-separated text: every line that
 * does not parse is skipped and counted, nothing is trusted. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

extern const char pd__data_browsers[];
extern const char pd__data_browsers_end[];
extern const char pd__data_collisions[];
extern const char pd__data_collisions_end[];

#define CURATED_MAX (1u << 20)
#define MAX_FIELDS 8

/* Splits the line at *cur (NUL-terminating it in place) into tab-separated
 * fields; advances *cur to the next line. Returns the field count, 0 for
 * blank and comment lines. */
static size_t next_line(char **cur, char *end, char **f, size_t max)
{
	char *p = *cur, *eol = memchr(p, '\n', (size_t)(end - p));
	size_t n = 0;

	if (!eol)
		eol = end;
	*cur = eol < end ? eol + 1 : end;
	*eol = '\0';
	if (eol > p && eol[-1] == '\r')
		eol[-1] = '\0';
	if (!*p || *p == '#')
		return 0;
	while (n < max) {
		char *tab = strchr(p, '\t');
		f[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* A whole field as a port 0-65535. */
static int field_port(const char *s, unsigned *port)
{
	const char *p = s;

	return pd_parse_port(&p, port) || *p ? -1 : 0;
}

static int copy_text(struct pd__curated *c, int which, const char *text, size_t len, char **out)
{
	if (len > CURATED_MAX)
		return PD_ETOOBIG;
	if (c->text[which])
		return PD_EINVAL;
	c->text[which] = malloc(len + 1);
	if (!c->text[which])
		return PD_ENOMEM;
	memcpy(c->text[which], text, len);
	c->text[which][len] = '\0';
	*out = c->text[which];
	return 0;
}

static int cmp_bad(const void *a, const void *b)
{
	const struct pd__bad_port *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

static int cmp_coll(const void *a, const void *b)
{
	const struct pd__collision *x = a, *y = b;

	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->last > y->last) - (x->last < y->last);
}

/* "fetch,chromium": bit mask of known list keys, or -1 */
static long list_bits(const struct pd__curated *c, const char *s)
{
	long bits = 0;

	while (*s) {
		size_t len = strcspn(s, ","), i;
		for (i = 0; i < c->nlists; i++)
			if (strlen(c->lists[i].key) == len && !strncmp(s, c->lists[i].key, len))
				break;
		if (i == c->nlists || !len)
			return -1;
		bits |= 1L << i;
		s += len;
		if (*s == ',')
			s++;
	}
	return bits ? bits : -1;
}

int pd__curated_browsers(struct pd__curated *c, const char *text, size_t len)
{
	char *cur, *end, *f[MAX_FIELDS];
	size_t cap = 0;
	int rc = copy_text(c, 0, text, len, &cur);

	if (rc)
		return rc;
	end = cur + len;
	while (cur < end) {
		size_t n = next_line(&cur, end, f, MAX_FIELDS);
		unsigned port;
		long bits;
		if (!n)
			continue;
		if (!strcmp(f[0], "@recorded") && n == 2) {
			c->browsers_recorded = f[1];
		} else if (!strcmp(f[0], "@list") && n == 4 && *f[1] && c->nlists < PD__MAX_LISTS &&
			   !strchr(f[1], ',') && list_bits(c, f[1]) < 0) {
			c->lists[c->nlists++] = (struct pd__list){ f[1], f[2], f[3] };
		} else if (n == 3 && !field_port(f[0], &port) && (bits = list_bits(c, f[1])) > 0) {
			if (pd__grow(&c->bad, c->nbad, &cap, sizeof(*c->bad), 64))
				return PD_ENOMEM;
			c->bad[c->nbad++] = (struct pd__bad_port){ port, (unsigned)bits, f[2] };
		} else {
			c->bad_lines++;
		}
	}
	if (c->nbad)
		qsort(c->bad, c->nbad, sizeof(*c->bad), cmp_bad);
	return 0;
}

int pd__curated_collisions(struct pd__curated *c, const char *text, size_t len)
{
	char *cur, *end, *f[MAX_FIELDS];
	size_t cap = 0;
	int rc = copy_text(c, 1, text, len, &cur);

	if (rc)
		return rc;
	end = cur + len;
	while (cur < end) {
		size_t n = next_line(&cur, end, f, MAX_FIELDS);
		unsigned first, last;
		if (!n)
			continue;
		if (!strcmp(f[0], "@recorded") && n == 2) {
			c->collisions_recorded = f[1];
		} else if (n == 4 && !field_port(f[0], &first) && !field_port(f[1], &last) && first <= last &&
			   *f[2] && !strncmp(f[3], "https://", 8)) {
			if (pd__grow(&c->coll, c->ncoll, &cap, sizeof(*c->coll), 64))
				return PD_ENOMEM;
			c->coll[c->ncoll++] = (struct pd__collision){ first, last, f[2], f[3] };
		} else {
			c->bad_lines++;
		}
	}
	if (c->ncoll)
		qsort(c->coll, c->ncoll, sizeof(*c->coll), cmp_coll);
	return 0;
}

static int read_file(const char *path, size_t max, struct pd_buf *out)
{
	FILE *f = fopen(path, "re");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return errno == ENOENT ? PD_ENOTFOUND : PD_EIO;
	out->max = max;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pd_buf_add(out, chunk, n);
	if (ferror(f))
		rc = PD_EIO;
	fclose(f);
	return rc ? rc : out->err;
}

int pd__curated_load(struct pd__curated *c, const char *datadir)
{
	struct pd_buf path = PD_BUF_INIT, text = PD_BUF_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->browsers_recorded = c->collisions_recorded = "";
	if (!datadir) {
		rc = pd__curated_browsers(c, pd__data_browsers, (size_t)(pd__data_browsers_end - pd__data_browsers));
		if (!rc)
			rc = pd__curated_collisions(c, pd__data_collisions,
						    (size_t)(pd__data_collisions_end - pd__data_collisions));
		return rc;
	}
	pd_buf_printf(&path, "%s/browser-blocked-ports.tsv", datadir);
	rc = path.err ? path.err : read_file(path.s, CURATED_MAX, &text);
	if (rc)
		goto out;
	rc = pd__curated_browsers(c, pd_buf_str(&text), text.len);
	if (rc)
		goto out;
	path.len = 0;
	text.len = 0;
	pd_buf_printf(&path, "%s/collisions.tsv", datadir);
	rc = path.err ? path.err : read_file(path.s, CURATED_MAX, &text);
	if (rc)
		goto out;
	rc = pd__curated_collisions(c, pd_buf_str(&text), text.len);
out:
	pd_buf_release(&text);
	pd_buf_release(&path);
	return rc;
}

void pd__curated_release(struct pd__curated *c)
{
	free(c->text[0]);
	free(c->text[1]);
	free(c->bad);
	free(c->coll);
	memset(c, 0, sizeof(*c));
}

/* The compiled-in lists never change: parsed once per process. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct pd__curated builtin;
static int builtin_rc;

static void parse_builtin(void)
{
	builtin_rc = pd__curated_load(&builtin, NULL);
}

int pd__curated_shared(const struct pd__curated **out)
{
	pthread_once(&builtin_once, parse_builtin);
	*out = &builtin;
	return builtin_rc;
}

const struct pd__bad_port *pd__curated_blocked(const struct pd__curated *c, unsigned port)
{
	struct pd__bad_port key = { port, 0, NULL };

	if (!c->nbad)
		return NULL;
	return bsearch(&key, c->bad, c->nbad, sizeof(*c->bad), cmp_bad);
}

const struct pd__collision *pd__curated_collision(const struct pd__curated *c, unsigned port,
						  const struct pd__collision *prev)
{
	size_t i = prev ? (size_t)(prev - c->coll) + 1 : 0;

	/* few entries, sorted by first: a scan that stops early */
	for (; i < c->ncoll && c->coll[i].first <= port; i++)
		if (port <= c->coll[i].last)
			return &c->coll[i];
	return NULL;
}

/* ---- nmap-services: "name<TAB>port/proto<TAB>0.484143[<TAB># comment]" ---- */

/* "0.484143" or "1.000000" as millionths; at most 1.0 */
static int parse_freq(const char *s, uint32_t *out)
{
	uint32_t v = 0, scale = 1000000;

	if (*s == '1')
		v = 1000000;
	else if (*s != '0')
		return -1;
	s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++) {
			scale /= 10;
			v += (uint32_t)(*s - '0') * scale; /* digits past the sixth add 0 */
		}
	}
	if (*s || v > 1000000)
		return -1;
	*out = v;
	return 0;
}

static int cmp_freq(const void *a, const void *b)
{
	const struct pd__nmap_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->freq != y->freq)
		return (x->freq < y->freq) - (x->freq > y->freq); /* descending */
	return x->port - y->port;
}

static int cmp_port(const void *a, const void *b)
{
	const struct pd__nmap_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	return x->port - y->port;
}

/* One line of nmap-services: 0 and its port, transport and frequency, or
 * -1 for a comment or a line that does not parse. */
static int nmap_line(const char *cur, size_t llen, unsigned *port, int *proto, uint32_t *freq)
{
	char line[512], *tab, *freq_end;

	if (!llen || *cur == '#')
		return -1;
	if (llen >= sizeof(line)) /* the fields come first; a long comment may be cut */
		llen = sizeof(line) - 1;
	memcpy(line, cur, llen);
	line[llen] = '\0';
	/* skip the service name, then port/proto */
	tab = strchr(line, '\t');
	if (!tab)
		return -1;
	cur = tab + 1;
	if (pd_parse_port(&cur, port) || *cur != '/')
		return -1;
	cur++;
	tab = strchr(cur, '\t');
	if (!tab || (*proto = pd_proto_parse(cur, (size_t)(tab - cur))) < 0)
		return -1;
	/* the frequency ends at a tab, a blank or the end of the line */
	freq_end = tab + 1 + strcspn(tab + 1, "\t \r");
	*freq_end = '\0';
	return parse_freq(tab + 1, freq);
}

int pd__nmap_parse(struct pd__nmap *m, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t cap = 0, keep;

	m->v = NULL;
	m->n = 0;
	memset(m->total, 0, sizeof(m->total));
	if (len > PD__NMAP_MAX)
		return PD_ETOOBIG;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *cur;
		unsigned port;
		uint32_t freq;
		int proto;

		if (!eol)
			eol = end;
		cur = p;
		p = eol + 1;
		if (nmap_line(cur, (size_t)(eol - cur), &port, &proto, &freq))
			continue;
		if (pd__grow(&m->v, m->n, &cap, sizeof(*m->v), 64))
			return PD_ENOMEM;
		m->v[m->n++] = (struct pd__nmap_port){ (uint16_t)port, (uint8_t)proto, freq, 0 };
	}
	if (!m->n)
		return 0;
	/* rank within each transport: 1 + how many are more often open */
	qsort(m->v, m->n, sizeof(*m->v), cmp_freq);
	for (size_t i = 0, start = 0; i < m->n; i++) {
		if (i && m->v[i].proto != m->v[i - 1].proto)
			start = i;
		if (i > start && m->v[i].freq == m->v[i - 1].freq)
			m->v[i].rank = m->v[i - 1].rank;
		else
			m->v[i].rank = (uint32_t)(i - start + 1);
	}
	qsort(m->v, m->n, sizeof(*m->v), cmp_port);
	/* a port listed twice for one transport: keep the first (most often open) */
	keep = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (keep && m->v[keep - 1].proto == m->v[i].proto && m->v[keep - 1].port == m->v[i].port) {
			if (m->v[i].freq > m->v[keep - 1].freq)
				m->v[keep - 1] = m->v[i];
			continue;
		}
		m->v[keep++] = m->v[i];
	}
	m->n = keep;
	for (size_t i = 0; i < m->n; i++)
		m->total[m->v[i].proto]++;
	return 0;
}

int pd__nmap_load(struct pd__nmap *m, const char *path)
{
	struct pd_buf text = PD_BUF_INIT;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!path)
		path = "/usr/share/nmap/nmap-services";
	snprintf(m->path, sizeof(m->path), "%s", path);
	rc = read_file(path, PD__NMAP_MAX, &text);
	if (rc == PD_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	rc = pd__nmap_parse(m, pd_buf_str(&text), text.len);
	m->present = !rc;
out:
	pd_buf_release(&text);
	return rc;
}

/* Tables read from files, newest first, keyed by path and the file's
 * identity and time: a program that checks many ports (a site export, the
 * server) reads nmap-services once. Entries live as long as the process;
 * a changed file adds one, up to NMAP_CACHED. */
#define NMAP_CACHED 8

struct nmap_cached {
	struct nmap_cached *next;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct pd__nmap m;
};

static pthread_mutex_t nmap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nmap_cached *nmap_cache;
static size_t nmap_ncached;

int pd__nmap_shared(const char *path, struct pd__nmap *scratch, const struct pd__nmap **out)
{
	struct nmap_cached *e;
	struct stat st;
	int rc;

	if (!path)
		path = "/usr/share/nmap/nmap-services";
	*out = scratch;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return pd__nmap_load(scratch, path); /* absent or odd: said so, not cached */
	pthread_mutex_lock(&nmap_lock);
	for (e = nmap_cache; e; e = e->next)
		if (e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec &&
		    !strcmp(e->m.path, path)) {
			*out = &e->m;
			pthread_mutex_unlock(&nmap_lock);
			return 0;
		}
	if (nmap_ncached < NMAP_CACHED && (e = calloc(1, sizeof(*e)))) {
		rc = pd__nmap_load(&e->m, path);
		if (!rc && e->m.present) {
			e->dev = st.st_dev;
			e->ino = st.st_ino;
			e->size = st.st_size;
			e->mtime = st.st_mtim;
			e->next = nmap_cache;
			nmap_cache = e;
			nmap_ncached++;
			*out = &e->m;
		} else {
			pd__nmap_release(&e->m);
			free(e);
			rc = pd__nmap_load(scratch, path);
		}
	} else {
		rc = pd__nmap_load(scratch, path);
	}
	pthread_mutex_unlock(&nmap_lock);
	return rc;
}

const struct pd__nmap_port *pd__nmap_find(const struct pd__nmap *m, unsigned port, int proto)
{
	struct pd__nmap_port key = { (uint16_t)port, (uint8_t)proto, 0, 0 };

	if (!m->n || port > 65535 || proto < 0 || proto >= PD_NPROTO)
		return NULL;
	return bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_port);
}

void pd__nmap_release(struct pd__nmap *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* The frequencies of a few ports, without building the table: one pass
 * over the file that parses only the lines of wanted ports. */
static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* One line of the file for pd__nmap_freqs: inlined into its loop, which
 * runs it for every line of a 1 MB file on each search */
#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif
static ALWAYS_INLINE void freq_line(const char *cur, const char *eol, const uint8_t *want, const uint16_t *ports, size_t n,
		      uint32_t *freq)
{
	const char *tab = memchr(cur, '\t', (size_t)(eol - cur));
	unsigned port = 0;
	uint32_t f;
	uint16_t key;
	const uint16_t *at;
	int proto;

	/* the port alone first: most lines are not wanted */
	if (!tab || *cur == '#')
		return;
	for (const char *d = tab + 1; d < eol && *d >= '0' && *d <= '9' && port <= 65535; d++)
		port = port * 10 + (unsigned)(*d - '0');
	if (port > 65535 || !(want[port / 8] & (1u << (port % 8))))
		return;
	if (nmap_line(cur, (size_t)(eol - cur), &port, &proto, &f))
		return;
	key = (uint16_t)port;
	at = bsearch(&key, ports, n, sizeof(*ports), cmp_u16);
	if (at && f > freq[(size_t)(at - ports) * PD_NPROTO + (size_t)proto])
		freq[(size_t)(at - ports) * PD_NPROTO + (size_t)proto] = f;
}

int pd__nmap_freqs(const char *path, const uint16_t *ports, size_t n, uint32_t *freq, int *present)
{
	enum { CHUNK = 65536 };
	uint8_t *want = NULL;
	char *buf = NULL;
	size_t have = 0, total = 0;
	int fd, rc = 0, skip = 0;

	*present = 0;
	memset(freq, 0, n * PD_NPROTO * sizeof(*freq));
	/* read as a stream of chunks: no copy of the whole file */
	fd = open(path ? path : "/usr/share/nmap/nmap-services", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : PD_EIO;
	*present = 1;
	want = calloc(65536 / 8, 1);
	buf = malloc(CHUNK);
	if (!want || !buf) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		want[ports[i] / 8] |= (uint8_t)(1u << (ports[i] % 8));
	for (;;) {
		ssize_t got = read(fd, buf + have, CHUNK - have);
		const char *p = buf, *end, *eol;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = PD_EIO;
			goto out;
		}
		total += (size_t)got;
		if (total > PD__NMAP_MAX) {
			rc = PD_ETOOBIG;
			goto out;
		}
		end = buf + have + (size_t)got;
		if (skip) {
			/* the rest of a line longer than a chunk */
			eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol && got) {
				have = 0;
				continue;
			}
			p = eol ? eol + 1 : end;
			skip = 0;
		}
		while ((eol = memchr(p, '\n', (size_t)(end - p)))) {
			freq_line(p, eol, want, ports, n, freq);
			p = eol + 1;
		}
		have = (size_t)(end - p);
		if (!got || have == CHUNK) {
			/* the end, or a line longer than a chunk: taken as it is */
			if (have)
				freq_line(p, end, want, ports, n, freq);
			if (!got)
				break;
			have = 0;
			skip = 1;
			continue;
		}
		memmove(buf, p, have);
	}
out:
	free(want);
	free(buf);
	close(fd);
	return rc;
}
