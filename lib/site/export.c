/* export.c: the static site: a page and a JSON file for every port, the
 * site pages, maps, search index and sitemap, written so that a second run
 * rewrites only what changed and an interrupted run shows no half page.
 * The pages and maps are in each language asked for: English at the root,
 * another language LANG under LANG/ (LANG/port/926.html); the port documents,
 * the search index and the assets are written once, at the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module.h"
#include "page.h"
#include "portdex.h"

#define MANIFEST ".portdex-export"
#define STAGING ".port.staging"
/* a language's directory before its pages: "" (English) or "fr/" */
#define LANG_DIR(l) ((l) == PD_LANG_EN ? "" : (l) == PD_LANG_FR ? "fr/" : "ms/")
_Static_assert(PD_NLANG == 3, "LANG_DIR names a directory per language");

/* A content hash for the manifest: 8 bytes at a time (not for security) */
static uint64_t hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	return h * 0xc4ceb9fe1a85ec53ull;
}

/* What the last export wrote: path -> hash of the content, so an unchanged
 * page is not written again. */
struct manifest {
	char **path;
	uint64_t *hash;
	size_t n, cap;
};

struct export {
	const char *dir;
	const struct pd_registry *reg;
	const struct pd_export_opts *o;
	size_t *old_index;           /* the old manifest, sorted by path */
	struct manifest old, now;
	pthread_mutex_t lock;
	atomic_uint next;
	atomic_uint done, written;
	/* the first failure, of whichever thread: a PD_E* code (0: none yet)
	 * and the errno of the call that failed (0: not a system call) */
	atomic_int fail_code;
	int fail_errno;
	/* a first export of a port/ directory (the root's, fr/port, ms/port):
	 * written in LANG/.port.staging/ and renamed at the end, per language */
	int staging[PD_NLANG];
	int lang[PD_NLANG]; /* the languages of the pages, in enum pd_lang order */
	size_t nlang;
	struct pd_check_opts check;
	pd__gzip_fn gzip;   /* --gzip: the gzip module's entry point, else NULL */
};

static int manifest_add(struct manifest *m, const char *path, uint64_t hash)
{
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 4096;
		char **np = realloc(m->path, nc * sizeof(*np));
		uint64_t *nh;
		if (!np)
			return -1;
		m->path = np;
		nh = realloc(m->hash, nc * sizeof(*nh));
		if (!nh)
			return -1;
		m->hash = nh;
		m->cap = nc;
	}
	m->path[m->n] = strdup(path);
	if (!m->path[m->n])
		return -1;
	m->hash[m->n++] = hash;
	return 0;
}

static void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->path[i]);
	free(m->path);
	free(m->hash);
	memset(m, 0, sizeof(*m));
}

static int cmp_idx(const void *a, const void *b, void *m)
{
	const struct manifest *man = m;

	return strcmp(man->path[*(const size_t *)a], man->path[*(const size_t *)b]);
}

static int old_hash(const struct export *e, const char *path, uint64_t *hash)
{
	size_t lo = 0, hi = e->old.n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(e->old.path[e->old_index[mid]], path);
		if (!c) {
			*hash = e->old.hash[e->old_index[mid]];
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void manifest_load(struct export *e)
{
	char path[4096], line[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", e->dir, MANIFEST);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *sp = strchr(line, ' ');
			if (!sp)
				continue;
			*sp = '\0';
			line[strcspn(sp + 1, "\n") + (size_t)(sp + 1 - line)] = '\0';
			if (manifest_add(&e->old, sp + 1, strtoull(line, NULL, 16)))
				break;
		}
		fclose(f);
	}
	e->old_index = calloc(e->old.n + 1, sizeof(*e->old_index));
	for (size_t i = 0; e->old_index && i < e->old.n; i++)
		e->old_index[i] = i;
	if (e->old_index)
		qsort_r(e->old_index, e->old.n, sizeof(*e->old_index), cmp_idx, &e->old);
	else
		e->old.n = 0; /* without the index, everything is written again */
}

/* Records a failure (code: a PD_E* code; errnum: the errno of the call
 * that failed, read right after it, or 0) unless one was recorded first;
 * returns -1. The working threads stop at the first failure. */
static int failed(struct export *e, int code, int errnum)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&e->fail_code, &none, code))
		e->fail_errno = errnum; /* read after the threads are joined */
	return -1;
}

/* Adds rel to the manifest of this export: 0, or -1 with the failure recorded */
static int record(struct export *e, const char *rel, uint64_t h)
{
	int rc;

	pthread_mutex_lock(&e->lock);
	rc = manifest_add(&e->now, rel, h);
	pthread_mutex_unlock(&e->lock);
	return rc ? failed(e, PD_ENOMEM, 0) : 0;
}

/* The language whose port/ directory rel is in, when that directory is
 * written in its staging directory (a first export), else -1; *name: rel
 * past "LANG/port/" */
static int staged(const struct export *e, const char *rel, const char **name)
{
	for (int l = 0; l < PD_NLANG; l++) {
		size_t n = strlen(LANG_DIR(l));
		if (e->staging[l] && !strncmp(rel, LANG_DIR(l), n) && !strncmp(rel + n, "port/", 5)) {
			*name = rel + n + 5;
			return l;
		}
	}
	return -1;
}

/* 1 when DIR/rel still holds what the last export wrote there, of hash h
 * and size want (any size: SIZE_MAX) */
static int unchanged(const struct export *e, const char *rel, uint64_t h, size_t want)
{
	char path[4096];
	struct stat st;
	uint64_t was;
	const char *name;

	if (staged(e, rel, &name) >= 0)
		return 0; /* a first export: nothing there yet */
	snprintf(path, sizeof(path), "%s/%s", e->dir, rel);
	return old_hash(e, rel, &was) && was == h && !stat(path, &st) &&
	       (want == SIZE_MAX || (size_t)st.st_size == want);
}

/* Writes DIR/rel through a temporary file and a rename, so that no
 * half-written page is ever visible. 0, or -1 with the failure recorded. */
static int write_at(struct export *e, const char *rel, const void *data, size_t len)
{
	char path[4096], tmp[4200];
	const char *name;
	int fd, errnum = 0, l;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/%s", e->dir, rel);
	if ((l = staged(e, rel, &name)) >= 0) {
		/* nobody sees the staging directory: write in place */
		snprintf(tmp, sizeof(tmp), "%s/%s" STAGING "/%s", e->dir, LANG_DIR(l), name);
		*path = '\0';
	} else {
		const char *slash = strrchr(path, '/');
		snprintf(tmp, sizeof(tmp), "%.*s/.%s.tmp%ld", (int)(slash - path), path, slash + 1, (long)getpid());
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return failed(e, PD_EIO, errno);
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errnum = n < 0 ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) && !errnum)
		errnum = errno;
	if (!errnum && *path && rename(tmp, path))
		errnum = errno;
	if (errnum) {
		unlink(tmp);
		return failed(e, PD_EIO, errnum);
	}
	atomic_fetch_add(&e->written, 1);
	return 0;
}

/* DIR/rel, unless unchanged since the last export, and with --gzip its
 * compressed copy DIR/rel.gz (recorded with the hash of the original, so
 * that it is compressed again only when the original changes). 0, or -1
 * with the failure recorded. */
static int put_file(struct export *e, const char *rel, const struct pd_buf *b)
{
	uint64_t h = hash64(b->s ? b->s : "", b->len);
	char gz[4096];
	unsigned char *z;
	size_t zlen;
	int rc;

	if (record(e, rel, h) || (!unchanged(e, rel, h, b->len) && write_at(e, rel, b->s ? b->s : "", b->len)))
		return -1;
	if (!e->gzip)
		return 0;
	snprintf(gz, sizeof(gz), "%s.gz", rel);
	if (record(e, gz, h))
		return -1;
	if (unchanged(e, gz, h, SIZE_MAX))
		return 0;
	zlen = PD__GZIP_BOUND(b->len);
	if (!(z = malloc(zlen)))
		return failed(e, PD_ENOMEM, 0);
	rc = e->gzip(b->s ? b->s : "", b->len, z, &zlen);
	rc = rc ? failed(e, rc, 0) : write_at(e, gz, z, zlen);
	free(z);
	return rc;
}

static int stopped(const struct export *e)
{
	return e->o->stop && *e->o->stop;
}

/* The path from a page at rel to the site's root: "../" a directory */
static const char *root_of(const char *rel)
{
	static const char ups[] = "../../../";
	size_t depth = 0;

	for (; *rel; rel++)
		depth += *rel == '/';
	return depth * 3 < sizeof(ups) ? ups + sizeof(ups) - 1 - depth * 3 : "";
}

/* A port's document (once, at the root) and its page in each language */
static void *export_ports(void *arg)
{
	struct export *e = arg;
	struct pd_buf html = PD_BUF_INIT, json = PD_BUF_INIT;
	struct pd_site_opts o;
	char rel[64], rel2[64];
	unsigned p;

	memset(&o, 0, sizeof(o));
	o.ext = ".html";
	o.check = &e->check;
	o.link_assets = 1;
	for (size_t i = 0; i < e->nlang; i++)
		o.langs |= 1u << e->lang[i];
	while (!stopped(e) && !atomic_load(&e->fail_code) && (p = atomic_fetch_add(&e->next, 1)) < 65536) {
		int rc = 0, bad = 0, doc = e->lang[0] != PD_LANG_EN;
		/* the document (in English, language-neutral) with the English
		 * page, the facts gathered once for both; then the other
		 * languages' pages */
		json.len = 0;
		if (doc) {
			struct pd_buf *outs[4] = { NULL, NULL, NULL, &json };
			o.lang = NULL;
			o.root = "../";
			rc = pd_page_formats(e->reg, p, &o, outs);
		}
		for (size_t i = 0; i < e->nlang && !rc && !bad; i++) {
			int l = e->lang[i];
			struct pd_buf *outs[4] = { NULL, NULL, &html, doc ? NULL : &json };
			html.len = 0;
			snprintf(rel, sizeof(rel), "%sport/%u.html", LANG_DIR(l), p);
			o.lang = pd_lang_code(l);
			o.root = root_of(rel);
			if ((rc = pd_page_formats(e->reg, p, &o, outs)))
				break;
			doc = 1;
			bad = put_file(e, rel, &html);
		}
		if (!rc && !bad) {
			snprintf(rel2, sizeof(rel2), "port/%u.json", p);
			bad = put_file(e, rel2, &json);
		}
		if (rc)
			failed(e, rc, 0);
		if (rc || bad)
			break;
		if (!(atomic_fetch_add(&e->done, 1) % 512) && e->o->progress)
			e->o->progress(e->o->ctx, atomic_load(&e->done), 65536);
	}
	pd_buf_release(&html);
	pd_buf_release(&json);
	return NULL;
}

/* Creates DIR/sub unless it exists: 0, or -1 with the failure recorded. */
static int mkdir_p(struct export *e, const char *dir, const char *sub)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s%s", dir, *sub ? "/" : "", sub);
	if (mkdir(path, 0755) && errno != EEXIST)
		return failed(e, PD_EIO, errno);
	return 0;
}

/* The directories of a language's pages, after LANG_DIR */
static const char *const subdirs[] = { "", "port", "ranges", "maps", "blocks" };
#define NSUBDIRS (sizeof(subdirs) / sizeof(subdirs[0]))

/* leftovers of an interrupted run */
static void remove_temporaries(const char *dir)
{
	for (size_t i = 0; i < NSUBDIRS * PD_NLANG; i++) {
		char path[4096];
		DIR *d;
		struct dirent *de;
		snprintf(path, sizeof(path), "%s/%s%s", dir, LANG_DIR((int)(i / NSUBDIRS)), subdirs[i % NSUBDIRS]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp"))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
}

static const char *staging_path(const char *dir, int lang, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s" STAGING, dir, LANG_DIR(lang));
	return buf;
}

static const char *port_path(const char *dir, int lang, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%sport", dir, LANG_DIR(lang));
	return buf;
}

/* Removes DIR/LANG/.port.staging, left by an interrupted first export. */
static void remove_staging(const char *dir, int lang)
{
	char path[4096];
	DIR *d;
	struct dirent *de;

	staging_path(dir, lang, path, sizeof(path));
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(path);
}

/* rc of a renderer: 0, or -1 with the failure recorded */
static int page_done(struct export *e, int rc)
{
	return rc ? failed(e, rc, 0) : 0;
}

#define SITEMAP_MAX 50000 /* URLs in one sitemap (sitemaps.org) */

/* The pages of the sitemaps, in order: the site pages but the search, then
 * every port, then every block's page; path of the i-th (relative to a
 * language's root); 0 past the end */
static int sitemap_page(const struct pd_registry *reg, size_t i, char *path, size_t n)
{
	struct pd_block blk;

	size_t k = 0;

	for (int p = 0; p < PD_SITE_COUNT; p++) {
		if (p == PD_SITE_SEARCH)
			continue;
		if (k++ == i) {
			snprintf(path, n, "%s.html", pd_site_page_path((enum pd_site_page)p));
			return 1;
		}
	}
	if (i - k <= 65535) {
		snprintf(path, n, "port/%zu.html", i - k);
		return 1;
	}
	/* the blocks' pages, in the order the export writes them */
	i -= k + 65536;
	if (i >= pd_registry_block_count(reg) || pd_registry_block_at(reg, i, &blk))
		return 0;
	snprintf(path, n, "blocks/%u.html", blk.first);
	return 1;
}

static void sitemap_loc(struct pd_buf *b, const char *base, int lang, const char *path)
{
	pd_buf_html(b, base);
	pd_buf_puts(b, LANG_DIR(lang));
	pd_buf_puts(b, path);
}

/* sitemap.xml, an index of sitemap-N.xml, each of at most SITEMAP_MAX
 * URLs: every page in every language, each with its versions in the
 * others (hreflang) and the default (x-default: English, or the first
 * language exported). 0, or -1 with the failure recorded. */
static int export_sitemaps(struct export *e, const char *base)
{
	struct pd_buf b = PD_BUF_INIT, ix = PD_BUF_INIT;
	char path[64], rel[64];
	size_t url = 0, page = 0, lang = 0, nmap = 0;
	int rc = 0, more = 1;

	pd_buf_puts(&ix, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	while (more && !rc) {
		b.len = 0;
		pd_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
				"xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
		for (url = 0; url < SITEMAP_MAX && (more = sitemap_page(e->reg, page, path, sizeof(path))); url++) {
			pd_buf_puts(&b, "<url><loc>");
			sitemap_loc(&b, base, e->lang[lang], path);
			pd_buf_puts(&b, "</loc>");
			for (size_t l = 0; l <= e->nlang; l++) {
				pd_buf_printf(&b, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"",
					      l < e->nlang ? pd_lang_code(e->lang[l]) : "x-default");
				sitemap_loc(&b, base, e->lang[l < e->nlang ? l : 0], path);
				pd_buf_puts(&b, "\"/>");
			}
			pd_buf_puts(&b, "</url>\n");
			if (++lang == e->nlang) {
				lang = 0;
				page++;
			}
		}
		if (!url)
			break;
		pd_buf_puts(&b, "</urlset>\n");
		snprintf(rel, sizeof(rel), "sitemap-%zu.xml", ++nmap);
		pd_buf_puts(&ix, "<sitemap><loc>");
		pd_buf_html(&ix, base);
		pd_buf_printf(&ix, "%s</loc></sitemap>\n", rel);
		rc = page_done(e, b.err) || put_file(e, rel, &b);
	}
	pd_buf_puts(&ix, "</sitemapindex>\n");
	if (!rc)
		rc = page_done(e, ix.err) || put_file(e, "sitemap.xml", &ix);
	pd_buf_release(&b);
	pd_buf_release(&ix);
	return rc ? -1 : 0;
}

/* The site pages, the files they share (style sheet, scripts), maps,
 * search index and sitemaps: 0, or -1 with the failure recorded. */
static int export_site(struct export *e, const char *base)
{
	static const struct {
		const char *rel, *text;
	} assets[] = { { "portdex.css", pd__asset_css }, { "search.js", pd__asset_search_js } };
	struct pd_buf b = PD_BUF_INIT;
	struct pd_site_opts o;
	char rel[64];
	int rc = 0;

	memset(&o, 0, sizeof(o));
	o.ext = ".html";
	o.check = &e->check;
	o.link_assets = 1;
	for (size_t i = 0; i < e->nlang; i++)
		o.langs |= 1u << e->lang[i];
	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]) && !rc; i++) {
		b.len = 0;
		pd_buf_puts(&b, assets[i].text);
		rc = page_done(e, b.err) || put_file(e, assets[i].rel, &b);
	}
	for (size_t k = 0; k < e->nlang && !rc; k++) {
		int l = e->lang[k];
		const char *ld = LANG_DIR(l);
		o.lang = pd_lang_code(l);
		for (int p = 0; p < PD_SITE_COUNT && !rc; p++) {
			b.len = 0;
			snprintf(rel, sizeof(rel), "%s%s.html", ld, pd_site_page_path((enum pd_site_page)p));
			o.root = root_of(rel);
			rc = page_done(e, pd_site_page(e->reg, (enum pd_site_page)p, PD_FMT_HTML, &o, &b)) ||
			     put_file(e, rel, &b);
		}
		/* the maps link to the pages of their language, from LANG/maps/ */
		for (unsigned w = 0; w < 64 && !rc; w++) {
			b.len = 0;
			snprintf(rel, sizeof(rel), "%smaps/%u.svg", ld, w);
			o.root = root_of(rel);
			rc = page_done(e, pd_map_svg_site(e->reg, w * 1024, PD_MAP_WINDOW, &o, &b)) ||
			     put_file(e, rel, &b);
		}
		/* a page per unassigned block */
		for (size_t i = 0, n = pd_registry_block_count(e->reg); i < n && !rc; i++) {
			struct pd_block blk;
			if (pd_registry_block_at(e->reg, i, &blk))
				continue;
			b.len = 0;
			snprintf(rel, sizeof(rel), "%sblocks/%u.html", ld, blk.first);
			o.root = root_of(rel);
			rc = page_done(e, pd_block_page(e->reg, blk.first, PD_FMT_HTML, &o, &b)) ||
			     put_file(e, rel, &b);
		}
	}
	if (!rc) {
		b.len = 0;
		rc = page_done(e, pd_search_index(e->reg, &b)) || put_file(e, "search-index.json", &b);
	}
	if (!rc) {
		/* the same index as a script, which the search page loads with a
		 * <script> element: browsers refuse fetch() on file://, not that */
		b.len = 0;
		pd_buf_puts(&b, "window.portdexIndex = ");
		rc = page_done(e, pd_search_index(e->reg, &b));
		if (!rc) {
			if (b.len && b.s[b.len - 1] == '\n')
				b.s[--b.len] = '\0';
			pd_buf_puts(&b, ";\n");
			rc = page_done(e, b.err) || put_file(e, "search-index.js", &b);
		}
	}
	pd_buf_release(&b);
	return rc || export_sitemaps(e, base) ? -1 : 0;
}

/* Removes what the last export wrote and this one did not (e.g. the .gz
 * files of an export without --gzip), by the old manifest's paths. */
static void remove_stale(struct export *e)
{
	struct export now;

	memset(&now, 0, sizeof(now));
	now.old = e->now;
	now.old_index = calloc(e->now.n + 1, sizeof(*now.old_index));
	if (!now.old_index)
		return; /* stale files stay: harmless but for the space */
	for (size_t i = 0; i < e->now.n; i++)
		now.old_index[i] = i;
	qsort_r(now.old_index, e->now.n, sizeof(*now.old_index), cmp_idx, &e->now);
	for (size_t i = 0; i < e->old.n; i++) {
		const char *rel = e->old.path[i];
		uint64_t h;
		char path[4096];
		if (*rel == '/' || strstr(rel, "..") || old_hash(&now, rel, &h))
			continue;
		snprintf(path, sizeof(path), "%s/%s", e->dir, rel);
		unlink(path);
	}
	free(now.old_index);
	/* the directories of a language no longer exported, when empty */
	for (int l = PD_NLANG - 1; l >= 0; l--) {
		int wanted = 0;
		for (size_t k = 0; k < e->nlang; k++)
			wanted |= e->lang[k] == l;
		for (size_t i = NSUBDIRS; !wanted && i-- > 0;) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s%s", e->dir, LANG_DIR(l), subdirs[i]);
			if (*LANG_DIR(l) || *subdirs[i])
				rmdir(path); /* fails, as it should, when not empty */
		}
	}
}

static int manifest_save(struct export *e)
{
	char path[4096], tmp[4200];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", e->dir, MANIFEST);
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return failed(e, PD_EIO, errno);
	for (size_t i = 0; i < e->now.n; i++)
		fprintf(f, "%016llx %s\n", (unsigned long long)e->now.hash[i], e->now.path[i]);
	if (fclose(f) || rename(tmp, path))
		rc = failed(e, PD_EIO, errno);
	return rc;
}

/* The message of the recorded failure: the errno of the call that failed,
 * else what the PD_E* code says. Returns the code. */
static int fail_msg(const struct export *e, char *err, size_t errlen, const char *what, const char *path)
{
	int code = atomic_load(&e->fail_code);

	if (err && errlen)
		snprintf(err, errlen, "%s '%s': %s", what, path,
			 e->fail_errno ? strerror(e->fail_errno) : pd_strerror(code));
	return code;
}

/* A first export's port/ directories into place: 0, or -1 with the
 * failure recorded */
static int move_staged(struct export *e)
{
	char p1[4096], p2[4096];

	for (int l = 0; l < PD_NLANG; l++)
		if (e->staging[l] &&
		    rename(staging_path(e->dir, l, p1, sizeof(p1)), port_path(e->dir, l, p2, sizeof(p2))))
			return failed(e, PD_EIO, errno);
	return 0;
}

int pd_export(const struct pd_registry *reg, struct pd_export_opts *o, char *err, size_t errlen)
{
	struct export e;
	pthread_t th[2];
	const char *base = o->base_url ? o->base_url : "http://localhost/";
	char p1[4096], p2[4096];
	int rc = 0, nth = 0, site_failed;

	if (err && errlen)
		err[0] = '\0';
	if (!o->dir || (strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) ||
	    (o->langs & ~((1u << PD_NLANG) - 1)))
		return PD_EINVAL;
	memset(&e, 0, sizeof(e));
	e.dir = o->dir;
	e.reg = reg;
	e.o = o;
	for (int l = 0; l < PD_NLANG; l++)
		if (!o->langs || (o->langs & (1u << l)))
			e.lang[e.nlang++] = l;
	pthread_mutex_init(&e.lock, NULL);
	if (o->gzip) {
		void *fn;
		if ((rc = pd__module_sym("portdex-gzip.so", PD__GZIP_SYMBOL, &fn, err, errlen)))
			goto out;
		e.gzip = (pd__gzip_fn)fn;
	}
	if (mkdir_p(&e, e.dir, "")) {
		rc = fail_msg(&e, err, errlen, "cannot create", e.dir);
		goto out;
	}
	remove_temporaries(e.dir);
	/* the root's port/ (the documents, and the English pages) always;
	 * then each language's directories */
	for (int l = 0; l < PD_NLANG; l++) {
		/* a first export writes the port files in a hidden directory
		 * and renames it into place at the end: no temporary file and
		 * rename per page, and no half-written page visible */
		struct stat st;
		int wanted = l == PD_LANG_EN;
		for (size_t k = 0; k < e.nlang; k++)
			wanted |= e.lang[k] == l;
		remove_staging(e.dir, l);
		if (!wanted)
			continue;
		e.staging[l] = stat(port_path(e.dir, l, p1, sizeof(p1)), &st) != 0;
		for (size_t i = 0; i < NSUBDIRS; i++) {
			snprintf(p2, sizeof(p2), "%s%s", LANG_DIR(l), subdirs[i]);
			if (!*p2 || (e.staging[l] && !strcmp(subdirs[i], "port")))
				continue;
			if (mkdir_p(&e, e.dir, p2)) {
				rc = fail_msg(&e, err, errlen, "cannot create", p2);
				goto out;
			}
		}
		if (e.staging[l] && mkdir_p(&e, e.dir, staging_path("", l, p2, sizeof(p2)) + 1)) {
			rc = fail_msg(&e, err, errlen, "cannot create", staging_path(e.dir, l, p1, sizeof(p1)));
			goto out;
		}
	}
	manifest_load(&e);
	/* the ports in two threads while this one writes the site pages,
	 * maps and sitemaps (a thousand pages a language, and the sitemaps'
	 * 200,000 URLs: the threads would wait for them otherwise) */
	for (; nth < 2; nth++)
		if (pthread_create(&th[nth], NULL, export_ports, &e))
			break;
	site_failed = export_site(&e, base);
	if (!nth)
		export_ports(&e);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (stopped(&e)) {
		rc = PD_ECANCELED;
	} else if (site_failed) {
		rc = fail_msg(&e, err, errlen, "cannot write the site pages in", e.dir);
	} else if (atomic_load(&e.fail_code)) {
		rc = fail_msg(&e, err, errlen, "cannot write the pages in", e.dir);
	} else if (move_staged(&e)) {
		rc = fail_msg(&e, err, errlen, "cannot move the pages into place in", e.dir);
	} else if (remove_stale(&e), manifest_save(&e)) {
		rc = fail_msg(&e, err, errlen, "cannot write the manifest in", e.dir);
	}
	o->files = e.now.n;
	o->written = e.written;
out:
	manifest_release(&e.old);
	manifest_release(&e.now);
	free(e.old_index);
	pthread_mutex_destroy(&e.lock);
	return rc;
}
