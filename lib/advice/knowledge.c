/* knowledge.c: the curated facts of data/knowledge.tsv, compiled into the
 * library and parsed once, on first use */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image.h"
#include "util.h"

extern const char pd__data_knowledge[];
extern const char pd__data_knowledge_end[];

static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const kinds[] = { "use", "malware", "history", "security", "purpose" };

const char *pd_fact_kind_name(enum pd_fact_kind k)
{
	return (unsigned)k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "?";
}

/* The fields of a line: the six of every fact, then optionally the text
 * in French and in Malay, both or neither */
#define FIELDS 6
#define FIELDS_LANG (FIELDS + PD_NLANG - 1)

int pd__fact_parse(char *line, struct pd_fact *f, const char *text[PD_NLANG])
{
	char *field[FIELDS_LANG];
	const char *p;
	int n = 0;

	/* split at most FIELDS_LANG fields; one more tab is one field too many */
	for (char *s = line;; ) {
		if (n == FIELDS_LANG)
			return 0;
		field[n++] = s;
		s = strchr(s, '\t');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (n != FIELDS && n != FIELDS_LANG)
		return 0;
	p = field[0];
	if (pd_parse_port(&p, &f->first) || *p)
		return 0;
	p = field[1];
	if (pd_parse_port(&p, &f->last) || *p || f->last < f->first)
		return 0;
	f->protos = pd__protos_of(field[2]);
	if (!f->protos)
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(field[3], kinds[k])) {
			f->kind = (enum pd_fact_kind)k;
			f->text = field[4];
			f->source = field[5];
			text[PD_LANG_EN] = f->text;
			for (int l = 1; l < PD_NLANG; l++) {
				text[l] = n == FIELDS_LANG ? field[FIELDS + l - 1] : f->text;
				if (!*text[l])
					return 0;
			}
			return *f->text && *f->source;
		}
	return 0;
}

/* The file is indexed once per process: one pass over its lines with
 * memchr, reading only each line's two port numbers, in the compiled-in
 * data itself (nothing copied). A line is copied and split into its fields
 * the first time a lookup needs it (a port's page needs a handful of the
 * 400), under a mutex, since the server's threads share it. */
struct fact {
	struct pd_fact f;                /* English */
	const char *text[PD_NLANG];      /* the text in each language */
};
struct line {
	const char *p;           /* the line in the compiled-in data, not terminated */
	uint32_t len;
	uint16_t first, last;
	signed char state;       /* 0 not split yet, 1 a fact, -1 not a fact */
	struct fact *f;          /* when state is 1; strings in its own copy of the line */
};
static struct line *lines;
static size_t nlines;
static int all_split;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* Reads "N\t" at *p, before end. */
static int port_field(const char **p, const char *end, unsigned *out)
{
	unsigned v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9' && v <= 65535; s++)
		v = v * 10 + (unsigned)(*s - '0');
	if (s >= end || *s != '\t' || v > 65535)
		return -1;
	*p = s + 1;
	*out = v;
	return 0;
}

static void load(void)
{
	const char *p = pd__data_knowledge, *end = pd__data_knowledge_end;
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *c = p;
		const char *eol = nl ? nl : end;
		unsigned first, last;
		if (!port_field(&c, eol, &first) && !port_field(&c, eol, &last) && first <= last &&
		    !pd__grow(&lines, nlines, &cap, sizeof(*lines), 512)) {
			memset(&lines[nlines], 0, sizeof(lines[nlines]));
			lines[nlines].p = p;
			lines[nlines].len = (uint32_t)(eol - p);
			lines[nlines].first = (uint16_t)first;
			lines[nlines++].last = (uint16_t)last;
		}
		p = eol + 1;
	}
}

/* Splits line i if it was not yet; under mu. A line that cannot be
 * copied (no memory) is tried again next time. */
static int split_line(size_t i)
{
	struct line *l = &lines[i];
	char *copy;

	if (l->state)
		return l->state > 0;
	l->f = malloc(sizeof(*l->f) + l->len + 1);
	if (!l->f)
		return 0;
	copy = (char *)(l->f + 1);
	memcpy(copy, l->p, l->len);
	copy[l->len] = '\0';
	if (pd__fact_parse(copy, &l->f->f, l->f->text)) {
		l->state = 1;
	} else {
		free(l->f);
		l->f = NULL;
		l->state = -1;
	}
	return l->state > 0;
}

/* lines[i]'s fact, its text in lang */
static struct pd_fact fact_in(size_t i, int lang)
{
	struct pd_fact f = lines[i].f->f;

	if (lang > 0 && lang < PD_NLANG)
		f.text = lines[i].f->text[lang];
	return f;
}

size_t pd__facts_lang(unsigned port, int lang, struct pd_fact *out, size_t max)
{
	size_t n = 0;

	pthread_once(&once, load);
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nlines; i++) {
		if (port < lines[i].first || port > lines[i].last || !split_line(i))
			continue;
		if (n < max)
			out[n] = fact_in(i, lang);
		n++;
	}
	pthread_mutex_unlock(&mu);
	return n;
}

int pd__fact_at_lang(size_t i, int lang, struct pd_fact *out)
{
	int rc = PD_ENOTFOUND;

	pthread_once(&once, load);
	pthread_mutex_lock(&mu);
	if (!all_split) {
		for (size_t k = 0; k < nlines; k++)
			split_line(k);
		all_split = 1;
	}
	for (size_t k = 0; k < nlines; k++) {
		if (lines[k].state > 0 && i-- == 0) {
			*out = fact_in(k, lang);
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

size_t pd_facts(unsigned port, struct pd_fact *out, size_t max)
{
	return pd__facts_lang(port, PD_LANG_EN, out, max);
}

int pd_fact_at(size_t i, struct pd_fact *out)
{
	return pd__fact_at_lang(i, PD_LANG_EN, out);
}
