/* image.h: the registry image, one format for the compiled-in snapshot and
 * for files written by `portdex update`.
 *
 * Position-independent: every reference is an offset from the image start
 * or an index into a table. Little-endian, 4-byte aligned sections.
 *
 *   header | entries | segments | lists | blocks | names | people | strings
 *
 * An image that comes from a file is read into memory, never mapped, and
 * checked (checksum and structure) before use.
 *
 * Segments cut 0-65535 into maximal runs where every transport has the same
 * applicable records; lists hold, per segment and transport, a count and
 * the entry indexes (primary first). Lookup is a binary search over
 * segments; nothing is parsed at run time. */
#ifndef PD_IMAGE_H
#define PD_IMAGE_H

#include <stdint.h>

#include "importer.h"
#include "portdex.h"

#define PD__MAGIC "PORTDEX\001"
#define PD__IMAGE_VERSION 2u
#define PD__NOPROTO 0xffu

enum pd__str {
	PD__S_NAME, PD__S_DESC, PD__S_ASSIGNEE, PD__S_CONTACT, PD__S_REGISTERED,
	PD__S_MODIFIED, PD__S_REFS, PD__S_NOTES, PD__S_UNAUTH, PD__S_SCODE, PD__S_EXPIRES,
	PD__S_COUNT
};

struct pd__img_hdr {
	char magic[8];
	uint32_t version, size, checksum; /* pd__image_sum() of the image with checksum = 0 */
	uint32_t source, updated;         /* string offsets */
	uint32_t n_entries, entries_off;
	uint32_t n_segs, segs_off;
	uint32_t n_lists, lists_off;      /* uint32_t words */
	uint32_t n_blocks, blocks_off;
	uint32_t n_names, names_off;      /* entry indexes sorted by name */
	uint32_t n_people, people_off;    /* sorted by id */
	uint32_t strings_len, strings_off;
};

struct pd__img_entry {
	uint16_t first, last;
	uint8_t proto;        /* pd_proto or PD__NOPROTO */
	uint8_t status;
	uint8_t has_port;
	uint8_t pad;
	uint32_t date;        /* registration date as YYYYMMDD, 0 if none */
	uint32_t str[PD__S_COUNT];
};

struct pd__img_seg {
	uint16_t first, last;
	uint8_t status[PD_NPROTO];
	uint32_t list[PD_NPROTO]; /* index into lists: count, then entries */
};

struct pd__img_block {
	uint16_t first, last;
	uint16_t rank, of;
	uint32_t cls;
};

struct pd__img_person {
	uint32_t id, name, org, uri, updated;
};

struct pd_registry {
	const unsigned char *base;
	size_t len;
	const struct pd__img_hdr *h;
	const struct pd__img_entry *entries;
	const struct pd__img_seg *segs;
	const uint32_t *lists;
	const struct pd__img_block *blocks;
	const uint32_t *names;
	const struct pd__img_person *people;
	const char *strings;
	void *owned;        /* free(owned) on free */
	void *map;          /* munmap(map, map_len) on free: an image read from a file */
	size_t map_len;
	char *source;       /* pd_registry_hide_paths's name, or NULL: the image's */
};

uint32_t pd__fnv1a(const void *p, size_t n, uint32_t h);
/* The image's checksum: fast enough to verify an image on every open. */
uint32_t pd__image_sum(const void *img, size_t len);
/* How much of an image to check before use. */
enum pd__trust {
	PD__IMG_CHECK,      /* from outside: checksum and structure */
	PD__IMG_STRUCTURE,  /* structure only (the fuzzer, which cannot forge checksums) */
	PD__IMG_TRUSTED,    /* compiled in, or just built by pd__build_image */
};
/* Wraps an image in a registry; owned (may be NULL) is freed with it. */
int pd__registry_from_image(const void *img, size_t len, enum pd__trust trust, void *owned,
			    struct pd_registry **out);
const struct pd__img_seg *pd__seg_find(const struct pd_registry *reg, unsigned port);
const char *pd__str(const struct pd_registry *reg, uint32_t off);
void pd__entry_view(const struct pd_registry *reg, uint32_t i, struct pd_entry *out);
/* Builds an image by running an importer; err gets a one-line reason.
 * updated: the registry date when the input does not carry one (NULL: the
 * latest registration or modification date found in the records). */
int pd__build_image(pd__import_fn import, const char *data, size_t len, const char *source,
		    const char *updated, void **img, size_t *img_len, char *err, size_t errlen);
struct pd__jw;
/* image.c: the member KEY: {"source", "updated"} of a registry, as every
 * document has it (jw.h) */
void pd__registry_jw(struct pd__jw *w, const char *key, const struct pd_registry *reg);
/* listing.c: one listening socket as JSON, the same object in every
 * document (the port document, pd_listening_json); u caches user names */
struct pd__users {
	struct { unsigned uid; char name[33]; } v[64];
	size_t n;
};
const char *pd__user_name(struct pd__users *u, unsigned uid);
void pd__socket_json(const struct pd_registry *reg, const struct pd_socket *s, struct pd__users *u, struct pd_buf *b);
struct pd__jw;
void pd__socket_jw(const struct pd_registry *reg, const struct pd_socket *s, struct pd__users *u, struct pd__jw *w);
/* listing.c: a Prometheus label value, quoted and escaped */
void pd__prom_label(struct pd_buf *b, const char *raw);
/* json.c: the port document's members, in an object w has open, so that
 * the page document can add its own after them */
void pd__facts_json_members(const struct pd_port_facts *f, int proto, struct pd__jw *w);
uint32_t pd__date_num(const char *s);

#endif
