/* importer.h: how importers hand records to the registry builder.
 *
 * Importers (CSV in the library, XML in a module loaded on demand) parse
 * their input and call the sink once per record and per person, with
 * strings exactly as found in the input, NUL-terminated and valid only
 * during the call. The builder normalises and checks them. This header is
 * shared with the modules, so it uses nothing but C types. */
#ifndef PD_IMPORTER_H
#define PD_IMPORTER_H

#include <stddef.h>

#include "loader.h"

/* One registry record, IANA CSV column by column. Absent: "" (never NULL).
 * Multi-valued fields use the CSV's form: "[RFC6335][IETF_Chair]". */
struct pd__raw_row {
	const char *name;          /* Service Name */
	const char *number;        /* Port Number: "80", "6000-6063" or "" */
	const char *proto;         /* Transport Protocol: "tcp", ... or "" */
	const char *description;
	const char *assignee;      /* "[Person_Id]..." */
	const char *contact;       /* "[Person_Id]..." */
	const char *registered;    /* Registration Date YYYY-MM-DD or "" */
	const char *modified;      /* Modification Date */
	const char *refs;          /* Reference: "[RFC9110][https://...]" */
	const char *service_code;
	const char *unauthorized;  /* Unauthorized Use Reported */
	const char *notes;         /* Assignment Notes */
};

struct pd__raw_person {
	const char *id, *name, *org, *uri, *updated;
};

struct pd__sink {
	void *ctx;
	/* Each returns 0, or a negative PD_E* code that stops the import. */
	int (*row)(void *ctx, const struct pd__raw_row *r);
	int (*person)(void *ctx, const struct pd__raw_person *p);
	/* key: "updated" (registry date) or "title". */
	int (*meta)(void *ctx, const char *key, const char *value);
};

/* The ABI of these structs and entry points: loader.h (PD__MODULE_ABI) */

/* Entry points. The XML module exports PD__XML_SYMBOL with this type;
 * err receives a one-line reason on failure. */
typedef int (*pd__import_fn)(const char *data, size_t len, const struct pd__sink *sink,
			     char *err, size_t errlen);
#define PD__XML_SYMBOL "pd__import_xml"
int pd__import_xml(const char *data, size_t len, const struct pd__sink *sink, char *err, size_t errlen);
int pd__import_csv(const char *data, size_t len, const struct pd__sink *sink, char *err, size_t errlen);

/* The fetch module (libcurl) exports PD__FETCH_SYMBOL. write returns 0 to
 * go on or non-zero to stop (e.g. over the size cap). The fetch gives up
 * (PD_EFETCH) when the server sends nothing for idle_seconds. */
typedef int (*pd__fetch_fn)(const char *url, long idle_seconds,
			    int (*write)(void *ctx, const void *p, size_t n), void *ctx,
			    char *err, size_t errlen);
#define PD__FETCH_SYMBOL "pd__fetch_url"
int pd__fetch_url(const char *url, long idle_seconds, int (*write)(void *ctx, const void *p, size_t n),
		  void *ctx, char *err, size_t errlen);

/* The gzip module (zlib) exports PD__GZIP_SYMBOL: IN compressed as a gzip
 * file into OUT, of *outlen bytes, which receives the compressed size.
 * PD_ETOOBIG when OUT is too small (PD__GZIP_BOUND is always enough). */
typedef int (*pd__gzip_fn)(const void *in, size_t len, void *out, size_t *outlen);
#define PD__GZIP_SYMBOL "pd__gzip"
#define PD__GZIP_BOUND(len) ((len) + (len) / 256 + 64)
int pd__gzip(const void *in, size_t len, void *out, size_t *outlen);

#endif
