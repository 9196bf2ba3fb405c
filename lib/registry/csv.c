/* csv.c: the IANA CSV importer (libcsv).
 *
 * IANA's CSV form of the Service Name and Transport Protocol Port Number
 * Registry: a header row naming 12 columns, then one row per record.
 * Fields may be quoted and then contain commas, doubled quotes and line
 * breaks. We parse strictly (a stray quote or an unterminated quoted field
 * is an error), keep fields byte for byte (no trimming: the builder
 * normalises), and count physical lines so that errors can name one. */
#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portdex.h"
#include "importer.h"

#define NCOLS 12
#define CHUNK ((size_t)64 * 1024) /* bytes handed to libcsv at a time */

static const char *const columns[NCOLS] = {
	"Service Name", "Port Number", "Transport Protocol", "Description",
	"Assignee", "Contact", "Registration Date", "Modification Date",
	"Reference", "Service Code", "Unauthorized Use Reported", "Assignment Notes",
};

struct state {
	const struct pd__sink *sink;
	char *err;
	size_t errlen;
	int rc;                 /* first error; once set, callbacks do nothing */
	unsigned long line;     /* physical line being parsed, from 1 */
	unsigned long row_line; /* line on which the current row began */
	size_t nfields;         /* fields seen in the current row */
	size_t off[NCOLS];      /* where each of the first NCOLS fields starts in buf */
	char *buf;              /* the row's fields, each NUL-terminated */
	size_t len, cap;
	int have_header;
	size_t rows;            /* data rows handed to the sink */
};

static void set_err(struct state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct state *st, const char *fmt, ...)
{
	va_list ap;

	if (!st->err || !st->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(st->err, st->errlen, fmt, ap);
	va_end(ap);
}

static void fail(struct state *st, int rc)
{
	if (!st->rc)
		st->rc = rc;
}

/* Keeps leading and trailing blanks of unquoted fields (libcsv trims them by
 * default): fields reach the sink exactly as written. */
static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int store(struct state *st, const char *s, size_t n)
{
	if (n + 1 > st->cap - st->len) {
		size_t need = st->len + n + 1, cap = st->cap ? st->cap : 1024;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(st->buf, cap);
		if (!p)
			return -1;
		st->buf = p;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, s, n);
	st->buf[st->len + n] = '\0';
	st->len += n + 1;
	return 0;
}

static void on_field(void *s, size_t n, void *data)
{
	struct state *st = data;
	const char *p = s, *end = p + n;

	/* line breaks inside quoted fields are physical lines too */
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		st->line++;
		p++;
	}
	if (st->rc)
		return;
	if (st->nfields < NCOLS) {
		st->off[st->nfields] = st->len;
		if (store(st, s ? s : "", s ? n : 0) < 0) {
			set_err(st, "out of memory");
			fail(st, PD_ENOMEM);
			return;
		}
	}
	st->nfields++;
}

/* A field fit to quote in a one-line message: at most 60 bytes, cut at a
 * character boundary, control characters as spaces. */
static const char *excerpt(const char *f, char out[64])
{
	size_t n = strlen(f), i;

	if (n > 60) {
		n = 60;
		while (n && ((unsigned char)f[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)f[i] < ' ' || f[i] == 0x7f ? ' ' : f[i];
	out[n] = '\0';
	return out;
}

static void check_header(struct state *st)
{
	char quoted[64];
	size_t i;

	if (st->nfields != NCOLS) {
		set_err(st, "csv line %lu: header has %zu fields, expected %d", st->row_line,
			st->nfields, NCOLS);
		fail(st, PD_EFORMAT);
		return;
	}
	for (i = 0; i < NCOLS; i++) {
		const char *f = st->buf + st->off[i];

		if (strcasecmp(f, columns[i]) != 0) {
			set_err(st, "csv line %lu: header column %zu is '%s', expected '%s'",
				st->row_line, i + 1, excerpt(f, quoted), columns[i]);
			fail(st, PD_EFORMAT);
			return;
		}
	}
	st->have_header = 1;
}

static void emit_row(struct state *st)
{
	const char *f[NCOLS];
	struct pd__raw_row r;
	size_t i;
	int rc;

	if (st->nfields != NCOLS) {
		set_err(st, "csv line %lu: expected %d fields, found %zu", st->row_line, NCOLS,
			st->nfields);
		fail(st, PD_EFORMAT);
		return;
	}
	for (i = 0; i < NCOLS; i++)
		f[i] = st->buf + st->off[i];
	r.name = f[0];
	r.number = f[1];
	r.proto = f[2];
	r.description = f[3];
	r.assignee = f[4];
	r.contact = f[5];
	r.registered = f[6];
	r.modified = f[7];
	r.refs = f[8];
	r.service_code = f[9];
	r.unauthorized = f[10];
	r.notes = f[11];
	rc = st->sink->row ? st->sink->row(st->sink->ctx, &r) : 0;
	if (rc) {
		set_err(st, "csv line %lu: record rejected", st->row_line);
		fail(st, rc);
		return;
	}
	st->rows++;
}

/* c: the character that ended the row ('\n', '\r'), or -1 at the end of
 * input. With CSV_REPALL_NL every unquoted line break ends a row, so empty
 * rows (blank lines, the LF of a CRLF) arrive here too and are skipped. */
static void on_row(int c, void *data)
{
	struct state *st = data;

	if (!st->rc && st->nfields) {
		if (!st->have_header)
			check_header(st);
		else
			emit_row(st);
	}
	if (c == '\n')
		st->line++;
	st->row_line = st->line;
	st->nfields = 0;
	st->len = 0;
}

static unsigned long line_at(const char *data, size_t off)
{
	unsigned long line = 1;
	const char *p = data, *end = data + off;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		line++;
		p++;
	}
	return line;
}

int pd__import_csv(const char *data, size_t len, const struct pd__sink *sink, char *err,
		   size_t errlen)
{
	struct csv_parser p;
	struct state st = {0};
	const char *nul;
	size_t pos, n, done;
	int parser_ready = 0;

	st.sink = sink;
	st.err = err;
	st.errlen = errlen;
	st.line = st.row_line = 1;
	if (err && errlen)
		err[0] = '\0';
	if (!sink || (!data && len)) {
		set_err(&st, "no input");
		st.rc = PD_EINVAL;
		goto out;
	}
	/* fields are handed on as C strings: a NUL byte would cut one short */
	nul = len ? memchr(data, '\0', len) : NULL;
	if (nul) {
		set_err(&st, "csv line %lu: NUL byte", line_at(data, (size_t)(nul - data)));
		st.rc = PD_EFORMAT;
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		set_err(&st, "out of memory");
		st.rc = PD_ENOMEM;
		goto out;
	}
	parser_ready = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3; /* a UTF-8 byte order mark */
		len -= 3;
	}
	csv_set_space_func(&p, never_space);
	csv_set_blk_size(&p, 4096);

	for (pos = 0; pos < len && !st.rc; pos += n) {
		n = len - pos < CHUNK ? len - pos : CHUNK;
		done = csv_parse(&p, data + pos, n, on_field, on_row, &st);
		if (st.rc)
			break;
		if (done != n) {
			switch (csv_error(&p)) {
			case CSV_EPARSE:
				set_err(&st, "csv line %lu: misplaced quote",
					line_at(data, pos + done));
				st.rc = PD_EFORMAT;
				break;
			case CSV_ETOOBIG:
				set_err(&st, "csv line %lu: field too large", st.row_line);
				st.rc = PD_ETOOBIG;
				break;
			default:
				set_err(&st, "out of memory");
				st.rc = PD_ENOMEM;
				break;
			}
		}
	}
	if (st.rc)
		goto out;
	if (csv_fini(&p, on_field, on_row, &st) != 0) {
		set_err(&st, "csv line %lu: quoted field not closed at end of input", st.row_line);
		st.rc = PD_EFORMAT;
		goto out;
	}
	if (st.rc)
		goto out;
	if (!st.have_header) {
		set_err(&st, "csv has no header row");
		st.rc = PD_EFORMAT;
		goto out;
	}
	if (!st.rows) {
		set_err(&st, "csv has no records");
		st.rc = PD_EFORMAT;
		goto out;
	}
out:
	if (parser_ready)
		csv_free(&p);
	free(st.buf);
	return st.rc;
}
