/* xml.c: the IANA XML importer, a module loaded on demand (libxml2).
 *
 * Reads IANA's XML form of the Service Name and Transport Protocol Port
 * Number Registry and hands each <record> to the sink in the form the CSV
 * form of the same registry has, column by column, so that both forms of
 * one registry give the same rows (up to whitespace, which the builder
 * collapses). The mapping, checked against IANA's own CSV:
 *
 *   name, number, protocol, sc, unauthorized   element text
 *   description, note     text; <br/> and <paragraph> are line breaks;
 *                         an <xref> inside is written as in refs, a person
 *                         as "[Id]"
 *   assignee              the <xref>s inside <assignee>, "[Id]" each; a
 *                         record without <assignee> repeats its contact
 *   contact               the person <xref>s that are children of <record>
 *   registered, modified  the date and updated attributes
 *   refs                  the other <xref>s that are children of <record>,
 *                         in document order: "[" text "]" when the xref has
 *                         text ("[RFC8765, Section 6.1]"), else rfc data
 *                         upper-cased ("[RFC9110]"), draft, note ("[1]")
 *                         and uri "[" data "]"
 *
 * Meta data, people and records reach the sink in document order. A person's repeated child (two <uri>s) is joined with a space.
 *
 * Security: the document is parsed from memory, never from the network,
 * without loading DTDs, substituting entities or processing XInclude; a
 * document with an internal DTD subset (where entities are declared) is
 * refused before the parser sees it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "portdex.h"
#include "importer.h"

#define IANA_NS "http://www.iana.org/assignments"
#define REGISTRY_ID "service-names-port-numbers"
#define MAX_XML_BYTES ((size_t)64 * 1024 * 1024)

#if LIBXML_VERSION >= 21200
typedef const xmlError pd_xml_error;
#else
typedef xmlError pd_xml_error;
#endif

/* Strings are built in pd_buf (lib/buf.c, compiled into this module with
 * hidden symbols); sb_reset empties one for reuse. */
static void sb_reset(struct pd_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int has_text(const char *s)
{
	for (; *s; s++)
		if (!is_blank((unsigned char)*s))
			return 1;
	return 0;
}

/* ---- elements and attributes ---- */

static int is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       xmlStrEqual(n->ns->href, BAD_CAST IANA_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

/* Appends the value of attribute `name` (no namespace) to b. */
static void attr(const xmlNode *n, const char *name, struct pd_buf *b)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);

	if (v) {
		pd_buf_puts(b, (const char *)v);
		xmlFree(v);
	}
}

static int attr_is(const xmlNode *n, const char *name, const char *want)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	int eq = v && xmlStrEqual(v, BAD_CAST want);

	xmlFree(v);
	return eq;
}

/* Text of n and everything below it, as written. */
static void plain_text(const xmlNode *n, struct pd_buf *b)
{
	for (; n; n = n->next) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
			pd_buf_puts(b, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE)
			plain_text(n->children, b);
	}
}

/* An <xref> as the CSV writes it: "[RFC9110]", "[Jon_Postel]", "[1]",
 * "[https://...]", or "[its text]" when it has text. */
static void xref_str(const xmlNode *x, struct pd_buf *out, struct pd_buf *tmp)
{
	xmlChar *type = xmlGetNoNsProp(x, BAD_CAST "type");
	xmlChar *data = xmlGetNoNsProp(x, BAD_CAST "data");
	int person = type && xmlStrEqual(type, BAD_CAST "person");
	const char *d = data ? (const char *)data : "";

	sb_reset(tmp);
	plain_text(x->children, tmp);
	if (person && *d) {
		/* people are named by id, which the people list resolves */
		pd_buf_puts(out, "[");
		pd_buf_puts(out, d);
		pd_buf_puts(out, "]");
	} else if (has_text(pd_buf_str(tmp))) {
		pd_buf_puts(out, "[");
		pd_buf_puts(out, pd_buf_str(tmp));
		pd_buf_puts(out, "]");
	} else if (*d) {
		pd_buf_puts(out, "[");
		if (type && xmlStrEqual(type, BAD_CAST "rfc")) {
			for (; *d; d++) {
				char c = *d >= 'a' && *d <= 'z' ? (char)(*d - 'a' + 'A') : *d;

				pd_buf_add(out, &c, 1);
			}
		} else {
			pd_buf_puts(out, d);
		}
		pd_buf_puts(out, "]");
	}
	xmlFree(type);
	xmlFree(data);
}

/* Mixed content (descriptions, notes). A break (<br/>, the edges of a
 * <paragraph>, between repeated elements) becomes `sep` only where no
 * whitespace already separates the text on either side of it, so that
 * "a<br/>\nb" stays "a\nb" as in the CSV and "a<br/>b" becomes "a\nb". */
struct text {
	struct pd_buf *b;
	struct pd_buf *tmp;
	int gap;   /* a break is pending */
	char sep;
};

static void put_text(struct text *t, const char *s, size_t n)
{
	struct pd_buf *b = t->b;

	if (!n)
		return;
	if (t->gap && b->len && !is_blank((unsigned char)b->s[b->len - 1]) &&
	    !is_blank((unsigned char)s[0]))
		pd_buf_add(b, &t->sep, 1);
	t->gap = 0;
	pd_buf_add(b, s, n);
}

static void render(struct text *t, const xmlNode *n)
{
	for (; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				put_text(t, (const char *)n->content, strlen((const char *)n->content));
			break;
		case XML_ELEMENT_NODE:
			if (is_el(n, "br")) {
				t->gap = 1;
			} else if (is_el(n, "xref")) {
				struct pd_buf x = {0};

				xref_str(n, &x, t->tmp);
				if (x.err)
					t->b->err = x.err;
				put_text(t, pd_buf_str(&x), x.len);
				pd_buf_release(&x);
			} else if (is_el(n, "paragraph")) {
				t->gap = 1;
				render(t, n->children);
				t->gap = 1;
			} else {
				render(t, n->children);
			}
			break;
		default:
			break; /* comments, processing instructions */
		}
	}
}

/* Appends the content of element n to b; a repeated element is set apart
 * from the one before by a break. */
static void element_text(const xmlNode *n, struct pd_buf *b, struct pd_buf *tmp, char sep)
{
	struct text t = {b, tmp, b->len > 0, sep};

	render(&t, n->children);
}

/* ---- records ---- */

enum { F_NAME, F_NUMBER, F_PROTO, F_DESC, F_ASSIGNEE, F_CONTACT, F_REGISTERED, F_MODIFIED,
       F_REFS, F_SC, F_UNAUTH, F_NOTES, NFIELDS };

struct bufs {
	struct pd_buf f[NFIELDS];
	struct pd_buf tmp;
};

static int bufs_oom(const struct bufs *w)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		if (w->f[i].err)
			return 1;
	return w->tmp.err;
}

static void bufs_release(struct bufs *w)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		pd_buf_release(&w->f[i]);
	pd_buf_release(&w->tmp);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int record(const xmlNode *rec, struct bufs *w, const struct pd__sink *sink)
{
	static const struct { const char *el; int field; } simple[] = {
		{"name", F_NAME}, {"number", F_NUMBER}, {"protocol", F_PROTO},
		{"description", F_DESC}, {"sc", F_SC}, {"unauthorized", F_UNAUTH},
		{"note", F_NOTES},
	};
	struct pd_buf *f = w->f;
	struct pd__raw_row r;
	const xmlNode *n, *x;
	int have_assignee = 0, i;

	for (i = 0; i < NFIELDS; i++)
		sb_reset(&f[i]);
	for (n = rec->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(n, "xref")) {
			xref_str(n, attr_is(n, "type", "person") ? &f[F_CONTACT] : &f[F_REFS], &w->tmp);
		} else if (is_el(n, "assignee")) {
			have_assignee = 1;
			for (x = n->children; x; x = x->next)
				if (is_el(x, "xref"))
					xref_str(x, &f[F_ASSIGNEE], &w->tmp);
		} else {
			for (i = 0; i < (int)(sizeof(simple) / sizeof(simple[0])); i++)
				if (is_el(n, simple[i].el))
					element_text(n, &f[simple[i].field], &w->tmp, '\n');
		}
	}
	/* IANA's CSV names the contact as assignee when there is no <assignee> */
	if (!have_assignee)
		pd_buf_add(&f[F_ASSIGNEE], pd_buf_str(&f[F_CONTACT]), f[F_CONTACT].len);
	attr(rec, "date", &f[F_REGISTERED]);
	attr(rec, "updated", &f[F_MODIFIED]);
	if (bufs_oom(w))
		return PD_ENOMEM;

	r.name = pd_buf_str(&f[F_NAME]);
	r.number = pd_buf_str(&f[F_NUMBER]);
	r.proto = pd_buf_str(&f[F_PROTO]);
	r.description = pd_buf_str(&f[F_DESC]);
	r.assignee = pd_buf_str(&f[F_ASSIGNEE]);
	r.contact = pd_buf_str(&f[F_CONTACT]);
	r.registered = pd_buf_str(&f[F_REGISTERED]);
	r.modified = pd_buf_str(&f[F_MODIFIED]);
	r.refs = pd_buf_str(&f[F_REFS]);
	r.service_code = pd_buf_str(&f[F_SC]);
	r.unauthorized = pd_buf_str(&f[F_UNAUTH]);
	r.notes = pd_buf_str(&f[F_NOTES]);
	return sink->row ? sink->row(sink->ctx, &r) : 0;
}

/* <person id="..."><name/><org/><uri/><updated/></person>; a repeated child
 * (some people have two <uri>s) is joined with a space. */
static int person(const xmlNode *p, struct bufs *w, const struct pd__sink *sink)
{
	static const char *const el[] = {"name", "org", "uri", "updated"};
	struct pd__raw_person rp;
	const xmlNode *n;
	int i;

	for (i = 0; i < 5; i++)
		sb_reset(&w->f[i]);
	attr(p, "id", &w->f[0]);
	for (n = p->children; n; n = n->next)
		for (i = 0; i < 4; i++)
			if (is_el(n, el[i]))
				element_text(n, &w->f[i + 1], &w->tmp, ' ');
	if (bufs_oom(w))
		return PD_ENOMEM;
	rp.id = pd_buf_str(&w->f[0]);
	rp.name = pd_buf_str(&w->f[1]);
	rp.org = pd_buf_str(&w->f[2]);
	rp.uri = pd_buf_str(&w->f[3]);
	rp.updated = pd_buf_str(&w->f[4]);
	return sink->person ? sink->person(sink->ctx, &rp) : 0;
}

static int meta(const xmlNode *n, const char *key, struct bufs *w, const struct pd__sink *sink)
{
	sb_reset(&w->tmp);
	plain_text(n->children, &w->tmp);
	if (w->tmp.err)
		return PD_ENOMEM;
	return sink->meta ? sink->meta(sink->ctx, key, pd_buf_str(&w->tmp)) : 0;
}

/* ---- parsing: a stream of records ----
 *
 * The registry is read with libxml2's reader: each top-level element of
 * interest is expanded into a small subtree, handed on, and freed as the
 * reader moves on, so the whole document is never held as a tree. */

struct parse {
	int have_error;
	int code;           /* libxml2's error number */
	int line;
	char msg[160];
};

/* Keeps the first error; libxml2 prints nothing when a handler is set. */
static void on_error(void *arg, pd_xml_error *e)
{
	struct parse *ps = arg;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR || ps->have_error)
		return;
	ps->have_error = 1;
	ps->code = e->code;
	ps->line = e->line;
	snprintf(ps->msg, sizeof(ps->msg), "%s", e->message ? e->message : "not well-formed");
	/* one line: some messages go on over a second one */
	for (n = 0; ps->msg[n]; n++)
		if ((unsigned char)ps->msg[n] < ' ')
			ps->msg[n] = ' ';
	while (n && is_blank((unsigned char)ps->msg[n - 1]))
		ps->msg[--n] = '\0';
}

static const char *skip_past(const char *p, const char *end, const char *what)
{
	size_t wl = strlen(what);

	for (; p + wl <= end; p++)
		if (!memcmp(p, what, wl))
			return p + wl;
	return end;
}

/* Looks at the prolog (XML declaration, comments, processing instructions)
 * before anything is parsed: a document type with an internal subset, where
 * entities would be declared, is refused, and so is any encoding but UTF-8
 * (where this byte-level look could be fooled). Returns 0 or PD_EFORMAT. */
static int check_prolog(const char *data, size_t len, char *err, size_t errlen)
{
	const char *p = data, *end = data + len;

	if (len >= 2 && ((unsigned char)data[0] == 0xfe || (unsigned char)data[0] == 0xff ||
			 !data[0] || !data[1])) {
		set_err(err, errlen, "xml is not in UTF-8");
		return PD_EFORMAT;
	}
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	for (;;) {
		while (p < end && is_blank((unsigned char)*p))
			p++;
		if (end - p >= 2 && !memcmp(p, "<?", 2)) {
			p = skip_past(p + 2, end, "?>");
		} else if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
			p = skip_past(p + 4, end, "-->");
		} else if (end - p >= 9 && !memcmp(p, "<!DOCTYPE", 9)) {
			const char *q = p + 9;
			char quote = 0;
			for (; q < end; q++) {
				if (quote) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '"' || *q == '\'') {
					quote = *q;
				} else if (*q == '[') {
					const char *close = skip_past(q, end, "]");
					size_t n = (size_t)(close - q);
					int entity = 0;
					for (const char *r = q; r + 8 <= q + n; r++)
						entity |= !memcmp(r, "<!ENTITY", 8);
					set_err(err, errlen, entity ? "xml declares entities; refusing"
								    : "xml has an internal document type subset; refusing");
					return PD_EFORMAT;
				} else if (*q == '>') {
					break;
				}
			}
			p = q + 1;
		} else {
			return 0;
		}
	}
}

static int is_iana(xmlTextReaderPtr r, const char *name)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);

	return ns && xmlStrEqual(ns, BAD_CAST IANA_NS) &&
	       xmlStrEqual(xmlTextReaderConstLocalName(r), BAD_CAST name);
}

static int read_stream(xmlTextReaderPtr r, struct parse *ps, const struct pd__sink *sink, char *err,
		       size_t errlen)
{
	struct bufs w;
	const xmlNode *at = NULL;
	int rc = 0, ret, have_title = 0, have_updated = 0, root_ok = 0;
	size_t records = 0;

	memset(&w, 0, sizeof(w));
	ret = xmlTextReaderRead(r);
	while (ret == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const xmlNode *n;
		if (type != XML_READER_TYPE_ELEMENT || depth > 1) {
			ret = xmlTextReaderRead(r);
			continue;
		}
		if (depth == 0) {
			xmlChar *id = xmlTextReaderGetAttribute(r, BAD_CAST "id");
			root_ok = is_iana(r, "registry") && id && xmlStrEqual(id, BAD_CAST REGISTRY_ID);
			xmlFree(id);
			if (!root_ok) {
				set_err(err, errlen, "not IANA's service names and port numbers registry");
				rc = PD_EFORMAT;
				goto out;
			}
			ret = xmlTextReaderRead(r);
			continue;
		}
		if (!is_iana(r, "record") && !is_iana(r, "people") &&
		    !(is_iana(r, "title") && !have_title) && !(is_iana(r, "updated") && !have_updated)) {
			ret = xmlTextReaderNext(r);
			continue;
		}
		n = at = xmlTextReaderExpand(r);
		if (!n)
			break; /* a parse error inside the element: reported below */
		if (is_el(n, "record")) {
			records++;
			rc = record(n, &w, sink);
		} else if (is_el(n, "title")) {
			have_title = 1;
			rc = meta(n, "title", &w, sink);
		} else if (is_el(n, "updated")) {
			have_updated = 1;
			rc = meta(n, "updated", &w, sink);
		} else {
			for (const xmlNode *p = n->children; p && !rc; p = p->next) {
				at = p;
				if (is_el(p, "person"))
					rc = person(p, &w, sink);
			}
		}
		if (rc) {
			if (rc == PD_ENOMEM)
				set_err(err, errlen, "out of memory");
			else
				set_err(err, errlen, "xml line %ld: <%s> rejected", xmlGetLineNo(at),
					(const char *)at->name);
			goto out;
		}
		ret = xmlTextReaderNext(r);
	}
	if (ret != 0 || ps->have_error) {
		if (ps->have_error && ps->code == XML_ERR_NO_MEMORY) {
			set_err(err, errlen, "out of memory");
			rc = PD_ENOMEM;
		} else {
			if (ps->have_error)
				set_err(err, errlen, "xml line %d: %s", ps->line, ps->msg);
			else
				set_err(err, errlen, "xml is not well-formed");
			rc = PD_EFORMAT;
		}
		goto out;
	}
	if (!root_ok) {
		set_err(err, errlen, "not IANA's service names and port numbers registry");
		rc = PD_EFORMAT;
	} else if (!records) {
		set_err(err, errlen, "xml has no records");
		rc = PD_EFORMAT;
	}
out:
	bufs_release(&w);
	return rc;
}

PD__MODULE_EXPORT const unsigned pd__module_abi = PD__MODULE_ABI;

PD__MODULE_EXPORT
int pd__import_xml(const char *data, size_t len, const struct pd__sink *sink, char *err,
		   size_t errlen)
{
	struct parse ps;
	xmlTextReaderPtr reader = NULL;
	int rc = 0;

	memset(&ps, 0, sizeof(ps));
	if (err && errlen)
		err[0] = '\0';
	if (!sink || (!data && len)) {
		set_err(err, errlen, "no input");
		rc = PD_EINVAL;
		goto out;
	}
	if (len > MAX_XML_BYTES) {
		set_err(err, errlen, "xml is larger than %zu MiB", MAX_XML_BYTES >> 20);
		rc = PD_ETOOBIG;
		goto out;
	}
	if (!len) {
		set_err(err, errlen, "xml is empty");
		rc = PD_EFORMAT;
		goto out;
	}
	rc = check_prolog(data, len, err, errlen);
	if (rc)
		goto out;
	xmlInitParser();
	/* No XML_PARSE_NOENT, DTDLOAD, DTDATTR, DTDVALID or XINCLUDE, ever. */
	reader = xmlReaderForMemory(data, (int)len, NULL, "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_BIG_LINES);
	if (!reader) {
		set_err(err, errlen, "out of memory");
		rc = PD_ENOMEM;
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, on_error, &ps);
	rc = read_stream(reader, &ps, sink, err, errlen);
out:
	if (reader)
		xmlFreeTextReader(reader);
	return rc;
}
