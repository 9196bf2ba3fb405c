/* cache.c: response bodies shared by reference (a response holds one until
 * libmicrohttpd has sent it), their gzip made once on first demand, and a
 * small cache of rendered pages keyed by registry generation, path and
 * language (routes.c makes the keys) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "server.h"

#define GZIP_MIN 256             /* smaller bodies are sent as they are */
#define CACHE_BUCKETS 4096
#define CACHE_ENTRIES 4096
#define CACHE_BYTES ((size_t)12 << 20)  /* bodies; their gzip adds about a fifth */

static const unsigned char etag_key[16] = "portdex-etag-key";

struct blob *blob_new(char *data, size_t len, int compressible)
{
	struct blob *b = calloc(1, sizeof(*b));
	uint64_t h;

	if (!b) {
		free(data);
		return NULL;
	}
	atomic_init(&b->refs, 1);
	b->data = data;
	b->len = len;
	b->compressible = compressible;
	h = srv_siphash(etag_key, data, len);
	snprintf(b->etag, sizeof(b->etag), "\"%016llx\"", (unsigned long long)h);
	snprintf(b->etag_gz, sizeof(b->etag_gz), "\"%016llx-gz\"", (unsigned long long)h);
	atomic_init(&b->gz, NULL);
	atomic_init(&b->gz_useless, 0);
	return b;
}

void blob_put(struct blob *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		free(atomic_load(&b->gz));
		free(b->data);
		free(b);
	}
}

static struct gzbody *deflate_gzip(const char *data, size_t len)
{
	z_stream z;
	struct gzbody *g = NULL;
	size_t bound;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&z, (uLong)len);
	g = malloc(sizeof(*g) + bound);
	if (!g)
		goto out;
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)g->data;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		free(g);
		g = NULL;
		goto out;
	}
	g->len = bound - z.avail_out;
out:
	deflateEnd(&z);
	return g;
}

const struct gzbody *blob_gzip(struct blob *b)
{
	struct gzbody *g = atomic_load(&b->gz), *expected = NULL;

	if (g)
		return g;
	if (!b->compressible || b->len < GZIP_MIN || b->len > UINT32_MAX / 2 || atomic_load(&b->gz_useless))
		return NULL;
	g = deflate_gzip(b->data, b->len);
	if (!g || g->len + 64 >= b->len) {
		free(g);
		atomic_store(&b->gz_useless, 1);
		return NULL;
	}
	/* another thread may have made it meanwhile: keep the first */
	if (!atomic_compare_exchange_strong(&b->gz, &expected, g)) {
		free(g);
		g = expected;
	}
	return g;
}

/* ---- the page cache: a hash table of chains, least recently used out
 * first when the bytes go over the budget, entries expiring after their
 * time to live ---- */

struct entry {
	char *key;
	uint64_t hash;
	struct cached c;
	time_t expires;
	struct entry *next;          /* in the bucket's chain */
	struct entry *newer, *older; /* in the LRU list */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[CACHE_BUCKETS];
static struct entry *newest, *oldest;
static size_t bytes, count;
static const unsigned char key_key[16] = "portdex-cachekey";

atomic_ulong srv_cache_hits, srv_cache_misses;

static time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void lru_unlink(struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct entry *e)
{
	e->older = newest;
	e->newer = NULL;
	if (newest)
		newest->newer = e;
	newest = e;
	if (!oldest)
		oldest = e;
}

static void entry_drop(struct entry *e)
{
	struct entry **pp = &buckets[e->hash % CACHE_BUCKETS];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink(e);
	bytes -= e->c.body->len;
	count--;
	blob_put(e->c.body);
	free(e->key);
	free(e);
}

static struct entry *find(const char *key, uint64_t h)
{
	for (struct entry *e = buckets[h % CACHE_BUCKETS]; e; e = e->next)
		if (e->hash == h && !strcmp(e->key, key))
			return e;
	return NULL;
}

int cache_get(const char *key, struct cached *out)
{
	uint64_t h = srv_siphash(key_key, key, strlen(key));
	struct entry *e;
	int hit = 0;

	pthread_mutex_lock(&mu);
	e = find(key, h);
	if (e && now_mono() >= e->expires) {
		entry_drop(e);
		e = NULL;
	}
	if (e) {
		*out = e->c;
		atomic_fetch_add(&e->c.body->refs, 1);
		lru_unlink(e);
		lru_push(e);
		hit = 1;
	}
	pthread_mutex_unlock(&mu);
	atomic_fetch_add(hit ? &srv_cache_hits : &srv_cache_misses, 1);
	return hit;
}

void cache_put(const char *key, const struct cached *c, unsigned ttl)
{
	uint64_t h = srv_siphash(key_key, key, strlen(key));
	struct entry *e, *old;

	if (!ttl || c->body->len > CACHE_BYTES / 16)
		return;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		return;
	}
	e->hash = h;
	e->c = *c;
	e->expires = now_mono() + (time_t)ttl;
	atomic_fetch_add(&c->body->refs, 1);
	pthread_mutex_lock(&mu);
	old = find(key, h);
	if (old)
		entry_drop(old); /* rendered twice at once: the newer wins */
	while (oldest && (bytes + c->body->len > CACHE_BYTES || count >= CACHE_ENTRIES))
		entry_drop(oldest);
	e->next = buckets[h % CACHE_BUCKETS];
	buckets[h % CACHE_BUCKETS] = e;
	lru_push(e);
	bytes += c->body->len;
	count++;
	pthread_mutex_unlock(&mu);
}

void cache_clear(void)
{
	pthread_mutex_lock(&mu);
	while (oldest)
		entry_drop(oldest);
	pthread_mutex_unlock(&mu);
}
