/* image.c: opening registry images and answering lookups from them */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "image.h"
#include "jw.h"
#include "module.h"

uint32_t pd__fnv1a(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

/* Four independent 64-bit multiply-xor lanes over 8-byte words, so that a
 * 2 MB image is summed in about a tenth of a millisecond; the header is
 * summed with its checksum field as zero. */
uint32_t pd__image_sum(const void *img, size_t len)
{
	const unsigned char *p = img;
	const uint64_t k = 0x100000001b3u;
	uint64_t a = 0x9e3779b97f4a7c15u, b = 0xc2b2ae3d27d4eb4fu, c = 0x165667b19e3779f9u,
		 d = 0x27d4eb2f165667c5u, h;
	struct pd__img_hdr hdr;
	size_t i = 0;

	if (len >= sizeof(hdr)) {
		memcpy(&hdr, p, sizeof(hdr));
		hdr.checksum = 0;
		for (; i + 8 <= sizeof(hdr); i += 8) {
			uint64_t w;
			memcpy(&w, (const unsigned char *)&hdr + i, 8);
			a = (a ^ w) * k;
		}
	}
	for (; i + 32 <= len; i += 32) {
		uint64_t w[4];
		memcpy(w, p + i, 32);
		a = (a ^ w[0]) * k;
		b = (b ^ w[1]) * k;
		c = (c ^ w[2]) * k;
		d = (d ^ w[3]) * k;
	}
	for (; i < len; i++)
		a = (a ^ p[i]) * k;
	h = a ^ (b >> 1) ^ (c >> 2) ^ (d >> 3) ^ (b << 7) ^ (c << 13) ^ (d << 19) ^ len;
	h ^= h >> 29;
	h *= k;
	return (uint32_t)(h ^ (h >> 32));
}

static int in_bounds(size_t len, uint32_t off, uint32_t n, size_t size)
{
	return off % 4 == 0 && off <= len && (uint64_t)n * size <= len - off;
}

/* Structural checks so that no offset of a foreign image leads outside it.
 * Every image that is not compiled in is checked so, and by its checksum,
 * on every open. */
static int check(const struct pd_registry *r)
{
	const struct pd__img_hdr *h = r->h;
	uint32_t sl = h->strings_len;

	if (!in_bounds(r->len, h->entries_off, h->n_entries, sizeof(struct pd__img_entry)) ||
	    !in_bounds(r->len, h->segs_off, h->n_segs, sizeof(struct pd__img_seg)) ||
	    !in_bounds(r->len, h->lists_off, h->n_lists, 4) ||
	    !in_bounds(r->len, h->blocks_off, h->n_blocks, sizeof(struct pd__img_block)) ||
	    !in_bounds(r->len, h->names_off, h->n_names, 4) ||
	    !in_bounds(r->len, h->people_off, h->n_people, sizeof(struct pd__img_person)) ||
	    h->strings_off > r->len || sl == 0 || sl > r->len - h->strings_off ||
	    r->strings[sl - 1] != '\0' || h->source >= sl || h->updated >= sl || !h->n_segs)
		return PD_EFORMAT;
	/* no early exit in the hot loops: they run on every open, and a flag
	 * accumulated without branches is several times faster */
	for (uint32_t i = 0; i < h->n_entries; i++) {
		const struct pd__img_entry *e = &r->entries[i];
		unsigned bad = 0;
		for (int k = 0; k < PD__S_COUNT; k++)
			bad |= e->str[k] >= sl;
		bad |= (e->first > e->last) | (e->status > PD_ASSIGNED) |
		       ((e->proto >= PD_NPROTO) & (e->proto != PD__NOPROTO));
		if (bad)
			return PD_EFORMAT;
	}
	/* segments must tile 0-65535 in order */
	for (uint32_t i = 0; i < h->n_segs; i++) {
		const struct pd__img_seg *s = &r->segs[i];
		unsigned expect = i ? r->segs[i - 1].last + 1u : 0;
		if (s->first != expect || s->last < s->first)
			return PD_EFORMAT;
		for (int t = 0; t < PD_NPROTO; t++) {
			uint32_t at = s->list[t];
			if (at >= h->n_lists || r->lists[at] > h->n_lists - at - 1 || s->status[t] > PD_ASSIGNED)
				return PD_EFORMAT;
			unsigned bad = 0;
			for (uint32_t k = 0; k < r->lists[at]; k++)
				bad |= r->lists[at + 1 + k] >= h->n_entries;
			if (bad)
				return PD_EFORMAT;
		}
	}
	if (r->segs[h->n_segs - 1].last != 65535)
		return PD_EFORMAT;
	for (uint32_t i = 0; i < h->n_names; i++)
		if (r->names[i] >= h->n_entries)
			return PD_EFORMAT;
	for (uint32_t i = 0; i < h->n_people; i++) {
		const struct pd__img_person *p = &r->people[i];
		if (p->id >= sl || p->name >= sl || p->org >= sl || p->uri >= sl || p->updated >= sl)
			return PD_EFORMAT;
	}
	for (uint32_t i = 0; i < h->n_blocks; i++)
		if (r->blocks[i].first > r->blocks[i].last || r->blocks[i].cls > PD_DYNAMIC)
			return PD_EFORMAT;
	return 0;
}

int pd__registry_from_image(const void *img, size_t len, enum pd__trust trust, void *owned,
			    struct pd_registry **out)
{
	struct pd_registry *r;
	const struct pd__img_hdr *h = img;

	*out = NULL;
	if (len < sizeof(*h) || memcmp(h->magic, PD__MAGIC, 8) || h->version != PD__IMAGE_VERSION ||
	    h->size != len || ((uintptr_t)img & 7))
		return PD_EFORMAT;
	if (trust == PD__IMG_CHECK && pd__image_sum(img, len) != h->checksum)
		return PD_EFORMAT;
	r = calloc(1, sizeof(*r));
	if (!r)
		return PD_ENOMEM;
	r->base = img;
	r->len = len;
	r->h = h;
	r->entries = (const void *)(r->base + h->entries_off);
	r->segs = (const void *)(r->base + h->segs_off);
	r->lists = (const void *)(r->base + h->lists_off);
	r->blocks = (const void *)(r->base + h->blocks_off);
	r->names = (const void *)(r->base + h->names_off);
	r->people = (const void *)(r->base + h->people_off);
	r->strings = (const char *)(r->base + h->strings_off);
	if (trust != PD__IMG_TRUSTED && check(r)) {
		free(r);
		return PD_EFORMAT;
	}
	r->owned = owned;
	*out = r;
	return 0;
}

/* Why an image was refused, in a few words. */
static const char *image_problem(const void *img, size_t len)
{
	const struct pd__img_hdr *h = img;

	if (len < sizeof(*h))
		return "damaged portdex image (cut short)";
	if (h->version != PD__IMAGE_VERSION)
		return "portdex image of another version";
	if (h->size != len)
		return "damaged portdex image (wrong size)";
	if (pd__image_sum(img, len) != h->checksum)
		return "damaged portdex image (checksum)";
	return "damaged portdex image";
}

static int looks_xml(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	return i < n && p[i] == '<';
}

int pd__parse_registry(const void *data, size_t len, const char *source, struct pd_registry **out,
		       char *err, size_t errlen)
{
	void *img = NULL;
	size_t img_len = 0;
	pd__import_fn import = pd__import_csv;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (looks_xml(data, len)) {
		rc = pd__module_sym("portdex-xml.so", PD__XML_SYMBOL, (void **)&import, err, errlen);
		if (rc)
			return rc;
	}
	{
		char src[1024];
		snprintf(src, sizeof(src), "IANA %s %s", import == pd__import_csv ? "CSV" : "XML", source);
		rc = pd__build_image(import, data, len, src, NULL, &img, &img_len, err, errlen);
	}
	if (rc)
		return rc;
	rc = pd__registry_from_image(img, img_len, PD__IMG_TRUSTED, img, out);
	if (rc)
		free(img);
	return rc;
}

/* Memory for an image read from a file: anonymous, aligned to 2 MiB and
 * backed by huge pages where the kernel allows, so that copying a 2 MB
 * image costs a few page faults instead of five hundred (bench/run). */
#define IMG_ALIGN ((size_t)2 << 20)

static void *img_alloc(size_t n, void **map, size_t *map_len)
{
	size_t len = n + IMG_ALIGN;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *p;

	if (m == MAP_FAILED)
		return NULL;
	p = (unsigned char *)(((uintptr_t)m + IMG_ALIGN - 1) & ~(uintptr_t)(IMG_ALIGN - 1));
#ifdef MADV_HUGEPAGE
	madvise(p, (n + IMG_ALIGN - 1) & ~(IMG_ALIGN - 1), MADV_HUGEPAGE);
#endif
	*map = m;
	*map_len = len;
	return p;
}

/* Reads a whole file into memory. The registry never stays mapped: a file
 * rewritten, truncated or replaced under a running program must not take
 * it down, so the program answers from its own copy, checked once. A file
 * that changes while it is read (size, mtime or inode differ before and
 * after) is read again, a few times at most. */
static int read_whole(const char *path, void **out, size_t *out_len, void **map, size_t *map_len,
		      char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		struct stat a, b;
		unsigned char *buf = NULL;
		size_t got = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

		if (fd < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			return PD_EIO;
		}
		if (fstat(fd, &a) || !S_ISREG(a.st_mode)) {
			snprintf(err, errlen, "not a regular file");
			rc = PD_EIO;
		} else if (a.st_size == 0 || a.st_size > (off_t)256 << 20) {
			snprintf(err, errlen, a.st_size ? "file too large" : "empty file");
			rc = a.st_size ? PD_ETOOBIG : PD_EFORMAT;
		} else if (!(buf = img_alloc((size_t)a.st_size, map, map_len))) {
			rc = PD_ENOMEM;
		}
		while (!rc && got < (size_t)a.st_size) {
			ssize_t n = read(fd, buf + got, (size_t)a.st_size - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				snprintf(err, errlen, "%s", strerror(errno));
				rc = PD_EIO;
			}
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (!rc && fstat(fd, &b))
			rc = PD_EIO;
		close(fd);
		if (!rc && got == (size_t)a.st_size && b.st_size == a.st_size && b.st_ino == a.st_ino &&
		    b.st_mtim.tv_sec == a.st_mtim.tv_sec && b.st_mtim.tv_nsec == a.st_mtim.tv_nsec) {
			*out = buf;
			*out_len = got;
			return 0;
		}
		if (buf)
			munmap(*map, *map_len);
		if (rc)
			return rc;
	}
	snprintf(err, errlen, "the file kept changing while it was read");
	return PD_EIO;
}

int pd__open_file(const char *path, struct pd_registry **out, char *err, size_t errlen)
{
	char dummy[1];
	void *data = NULL, *map = NULL;
	size_t len = 0, map_len = 0;
	int rc;

	*out = NULL;
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	rc = read_whole(path, &data, &len, &map, &map_len, err, errlen);
	if (rc)
		return rc;
	if (len >= 8 && !memcmp(data, PD__MAGIC, 8)) {
		rc = pd__registry_from_image(data, len, PD__IMG_CHECK, NULL, out);
		if (rc == PD_EFORMAT)
			snprintf(err, errlen, "%s", image_problem(data, len));
		if (rc) {
			munmap(map, map_len);
			return rc;
		}
		(*out)->map = map;
		(*out)->map_len = map_len;
		return 0;
	}
	rc = pd__parse_registry(data, len, path, out, err, errlen);
	munmap(map, map_len);
	return rc;
}

int pd_registry_open_file(const char *path, struct pd_registry **out, char *err, size_t errlen)
{
	return pd__open_file(path, out, err, errlen);
}

int pd_registry_open_buffer(const void *data, size_t len, const char *source,
			    struct pd_registry **out, char *err, size_t errlen)
{
	*out = NULL;
	if (len >= 8 && !memcmp(data, PD__MAGIC, 8)) {
		void *copy = malloc(len ? len : 1);
		int rc;
		if (!copy)
			return PD_ENOMEM;
		memcpy(copy, data, len);
		rc = pd__registry_from_image(copy, len, PD__IMG_CHECK, copy, out);
		if (rc == PD_EFORMAT && err && errlen)
			snprintf(err, errlen, "%s", image_problem(copy, len));
		if (rc)
			free(copy);
		return rc;
	}
	return pd__parse_registry(data, len, source ? source : "memory", out, err, errlen);
}

void pd_registry_free(struct pd_registry *reg)
{
	if (!reg)
		return;
	if (reg->map)
		munmap(reg->map, reg->map_len);
	free(reg->owned);
	free(reg->source);
	free(reg);
}

const char *pd__str(const struct pd_registry *reg, uint32_t off)
{
	return reg->strings + off;
}

const char *pd_registry_source(const struct pd_registry *reg)
{
	return reg->source ? reg->source : pd__str(reg, reg->h->source);
}

/* 1 when the word s[0..n) names a local file: a path with a slash that is
 * not a URL, or a file: URL */
static int local_path(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);

	if (n >= 5 && !strncmp(s, "file:", 5))
		return memchr(s, '/', n) != NULL;
	if (colon && colon + 2 < s + n && colon[1] == '/' && colon[2] == '/')
		return 0; /* scheme://... */
	return memchr(s, '/', n) != NULL;
}

int pd_registry_hide_paths(struct pd_registry *reg)
{
	const char *src = pd_registry_source(reg), *w = src, *cut = NULL;
	struct pd_buf b = PD_BUF_INIT;

	/* the first word that is a local path starts it; its name is what
	 * follows the last slash of the source (a directory may hold spaces) */
	while (*w) {
		size_t n = strcspn(w, " \t");
		if (n && local_path(w, n)) {
			cut = w;
			break;
		}
		w += n;
		w += strspn(w, " \t");
	}
	if (!cut)
		return 0;
	pd_buf_add(&b, src, (size_t)(cut - src));
	pd_buf_puts(&b, strrchr(cut, '/') + 1);
	if (b.err) {
		pd_buf_release(&b);
		return PD_ENOMEM;
	}
	free(reg->source);
	reg->source = pd_buf_detach(&b);
	return 0;
}

const char *pd_registry_updated(const struct pd_registry *reg)
{
	return pd__str(reg, reg->h->updated);
}

void pd__registry_jw(struct pd__jw *w, const char *key, const struct pd_registry *reg)
{
	pd__jw_key(w, key);
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "source", pd_registry_source(reg));
	pd__jw_kstr(w, "updated", pd_registry_updated(reg));
	pd__jw_end_object(w);
}

const void *pd_registry_image(const struct pd_registry *reg, size_t *len)
{
	*len = reg->len;
	return reg->base;
}

/* Makes a rename in path's directory durable. */
static int sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= (int)sizeof(dir))
		return PD_EINVAL;
	fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return PD_EIO;
	if (fsync(fd) && errno != EINVAL)
		rc = PD_EIO;
	close(fd);
	return rc;
}

int pd_registry_save(const struct pd_registry *reg, const char *path)
{
	char tmp[4096];
	const unsigned char *p = reg->base;
	size_t left = reg->len;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return PD_EINVAL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return PD_EIO;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = PD_EIO;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (!rc && fsync(fd))
		rc = PD_EIO;
	if (close(fd) && !rc)
		rc = PD_EIO;
	if (!rc && rename(tmp, path))
		rc = PD_EIO;
	if (rc) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
	} else {
		rc = sync_dir(path);
	}
	return rc;
}

size_t pd_registry_count(const struct pd_registry *reg)
{
	return reg->h->n_entries;
}

void pd__entry_view(const struct pd_registry *reg, uint32_t i, struct pd_entry *out)
{
	const struct pd__img_entry *e = &reg->entries[i];
	const char **f[PD__S_COUNT] = {
		&out->name, &out->description, &out->assignee, &out->contact, &out->registered,
		&out->modified, &out->refs, &out->notes, &out->unauthorized, &out->service_code,
		&out->expires,
	};

	out->index = i;
	out->has_port = e->has_port;
	out->first = e->first;
	out->last = e->last;
	out->proto = e->proto == PD__NOPROTO ? PD_PROTO_ANY : e->proto;
	out->status = (enum pd_status)e->status;
	for (int k = 0; k < PD__S_COUNT; k++)
		*f[k] = reg->strings + e->str[k];
}

int pd_registry_entry(const struct pd_registry *reg, size_t index, struct pd_entry *out)
{
	if (index >= reg->h->n_entries)
		return PD_ENOTFOUND;
	pd__entry_view(reg, (uint32_t)index, out);
	return 0;
}

int pd_registry_person(const struct pd_registry *reg, const char *id, struct pd_person *out)
{
	size_t lo = 0, hi = reg->h->n_people;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct pd__img_person *p = &reg->people[mid];
		int c = strcmp(id, reg->strings + p->id);
		if (!c) {
			out->id = reg->strings + p->id;
			out->name = reg->strings + p->name;
			out->org = reg->strings + p->org;
			out->uri = reg->strings + p->uri;
			out->updated = reg->strings + p->updated;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return PD_ENOTFOUND;
}

int pd_registry_people_next(const struct pd_registry *reg, const char **cursor, struct pd_person_ref *out)
{
	const char *item;
	size_t len;

	while (pd_refs_next(cursor, &item, &len)) {
		if (len >= sizeof(out->id))
			continue;
		memcpy(out->id, item, len);
		out->id[len] = '\0';
		out->known = !pd_registry_person(reg, out->id, &out->p);
		if (!out->known)
			out->p.id = out->p.name = out->p.org = out->p.uri = out->p.updated = "";
		if (*out->p.name || *out->p.org) {
			snprintf(out->label, sizeof(out->label), "%s", *out->p.name ? out->p.name : out->p.org);
		} else {
			for (size_t i = 0; i <= len; i++)
				out->label[i] = out->id[i] == '_' ? ' ' : out->id[i];
		}
		return 1;
	}
	return 0;
}

const struct pd__img_seg *pd__seg_find(const struct pd_registry *reg, unsigned port)
{
	size_t lo = 0, hi = reg->h->n_segs;

	if (port > 65535)
		return NULL;
	while (lo + 1 < hi) {
		size_t mid = (lo + hi) / 2;
		if (reg->segs[mid].first <= port)
			lo = mid;
		else
			hi = mid;
	}
	return &reg->segs[lo];
}

enum pd_status pd_registry_status(const struct pd_registry *reg, unsigned port, int proto)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);

	if (!s || proto < 0 || proto >= PD_NPROTO)
		return PD_UNASSIGNED;
	return (enum pd_status)s->status[proto];
}

enum pd_status pd_registry_port_status(const struct pd_registry *reg, unsigned port)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);
	uint8_t st = 0;

	for (int t = 0; s && t < PD_NPROTO; t++)
		if (s->status[t] > st)
			st = s->status[t];
	return (enum pd_status)st;
}

size_t pd_registry_lookup(const struct pd_registry *reg, unsigned port, int proto, uint32_t *idx,
			  size_t max)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);
	const uint32_t *l;

	if (!s || proto < 0 || proto >= PD_NPROTO)
		return 0;
	l = &reg->lists[s->list[proto]];
	for (uint32_t k = 0; k < l[0] && k < max; k++)
		idx[k] = l[1 + k];
	return l[0];
}

size_t pd_registry_find_name(const struct pd_registry *reg, const char *name, uint32_t *out,
			     size_t max)
{
	size_t lo = 0, hi = reg->h->n_names, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcasecmp(reg->strings + reg->entries[reg->names[mid]].str[PD__S_NAME], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < reg->h->n_names; lo++) {
		uint32_t i = reg->names[lo];
		if (strcasecmp(reg->strings + reg->entries[i].str[PD__S_NAME], name))
			break;
		if (n < max)
			out[n] = i;
		n++;
	}
	return n;
}

static void block_view(const struct pd_registry *reg, size_t i, struct pd_block *out)
{
	const struct pd__img_block *b = &reg->blocks[i];

	out->first = b->first;
	out->last = b->last;
	out->size = (unsigned)b->last - b->first + 1;
	out->cls = (enum pd_class)b->cls;
	out->rank = b->rank;
	out->of = b->of;
}

int pd_registry_block(const struct pd_registry *reg, unsigned port, struct pd_block *out)
{
	size_t lo = 0, hi = reg->h->n_blocks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (reg->blocks[mid].last < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == reg->h->n_blocks || reg->blocks[lo].first > port)
		return PD_ENOTFOUND;
	block_view(reg, lo, out);
	return 0;
}

size_t pd_registry_block_count(const struct pd_registry *reg)
{
	return reg->h->n_blocks;
}

int pd_registry_block_at(const struct pd_registry *reg, size_t i, struct pd_block *out)
{
	if (i >= reg->h->n_blocks)
		return PD_ENOTFOUND;
	block_view(reg, i, out);
	return 0;
}

int pd_registry_neighbour(const struct pd_registry *reg, unsigned port, int dir, unsigned *out)
{
	const struct pd__img_seg *s = pd__seg_find(reg, port);
	size_t i;

	if (!s)
		return PD_EINVAL;
	for (int t = 0; t < PD_NPROTO; t++)
		if (s->status[t] == PD_ASSIGNED && (dir < 0 ? port > s->first : port < s->last)) {
			*out = dir < 0 ? port - 1 : port + 1;
			return 0;
		}
	/* walk by index: a pointer before the first segment is undefined */
	for (i = (size_t)(s - reg->segs); dir < 0 ? i-- > 0 : ++i < reg->h->n_segs;) {
		s = &reg->segs[i];
		for (int t = 0; t < PD_NPROTO; t++)
			if (s->status[t] == PD_ASSIGNED) {
				*out = dir < 0 ? s->last : s->first;
				return 0;
			}
	}
	return PD_ENOTFOUND;
}

/* (declared in i18n.h, with the site's words) */
void pd__registry_source(struct pd_buf *b, const struct pd_registry *reg, int lang)
{
	static const char suffix[] = " (compiled in)";
	const char *s = pd_registry_source(reg);
	size_t n = strlen(s), k = sizeof(suffix) - 1;

	if (lang == PD_LANG_EN || n < k || strcmp(s + n - k, suffix)) {
		pd_buf_puts(b, s);
		return;
	}
	pd_buf_add(b, s, n - k + 1);
	pd_buf_puts(b, pd__msg(lang, M_page_compiled_in));
}
