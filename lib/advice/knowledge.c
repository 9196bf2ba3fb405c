/* knowledge.c: the curated facts of data/knowledge.tsv, compiled into the
 * library and parsed once, on first use */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "util.h"

extern const char pd__data_knowledge[];
extern const char pd__data_knowledge_end[];

static char *text;             /* the facts' strings point into it */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const kinds[] = { "use", "malware", "history", "security", "purpose" };

const char *pd_fact_kind_name(enum pd_fact_kind k)
{
	return (unsigned)k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "?";
}

static unsigned protos_of(const char *s)
{
	if (!strcmp(s, "both"))
		return 1u << PD_TCP | 1u << PD_UDP;
	if (!strcmp(s, "any"))
		return (1u << PD_NPROTO) - 1;
	for (int t = 0; t < PD_NPROTO; t++)
		if (!strcmp(s, pd_proto_name(t)))
			return 1u << t;
	return 0;
}

/* Splits one line into its six fields; 0 if it is not a well-formed fact
 * (the file is checked by tests, so a bad line is skipped, not fatal). */
static int parse_line(char *line, struct pd_fact *f)
{
	char *field[6];
	const char *p;
	int n = 0;

	for (char *s = line; n < 6; n++) {
		field[n] = s;
		s = strchr(s, '\t');
		if (!s) {
			n++;
			break;
		}
		*s++ = '\0';
	}
	if (n != 6)
		return 0;
	p = field[0];
	if (pd_parse_port(&p, &f->first) || *p)
		return 0;
	p = field[1];
	if (pd_parse_port(&p, &f->last) || *p || f->last < f->first)
		return 0;
	f->protos = protos_of(field[2]);
	if (!f->protos)
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(field[3], kinds[k])) {
			f->kind = (enum pd_fact_kind)k;
			f->text = field[4];
			f->source = field[5];
			return *f->text && *f->source;
		}
	return 0;
}

/* The file is indexed once per process: one copy, one pass over its lines
 * with memchr, reading only each line's two port numbers. A line is split
 * into its fields the first time a lookup needs it (a port's page needs a
 * handful of the 400), under a mutex, since the server's threads share it. */
struct line {
	unsigned first, last;
	char *p;                 /* the line in text, NUL-terminated */
	signed char state;       /* 0 not split yet, 1 a fact, -1 not a fact */
	struct pd_fact f;
};
static struct line *lines;
static size_t nlines;
static int all_split;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void load(void)
{
	size_t len = (size_t)(pd__data_knowledge_end - pd__data_knowledge), cap = 0;
	char *p, *end;

	text = malloc(len + 1);
	if (!text)
		return;
	memcpy(text, pd__data_knowledge, len);
	text[len] = '\0';
	for (p = text, end = text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *c = p;
		unsigned first, last;
		if (nl)
			*nl = '\0';
		if (!pd_parse_port(&c, &first) && *c++ == '\t' && !pd_parse_port(&c, &last) && *c == '\t' &&
		    first <= last && !pd__grow(&lines, nlines, &cap, sizeof(*lines), 512)) {
			memset(&lines[nlines], 0, sizeof(lines[nlines]));
			lines[nlines].first = first;
			lines[nlines].last = last;
			lines[nlines++].p = p;
		}
		p = nl ? nl + 1 : end;
	}
}

/* Splits line i if it was not yet; under mu. */
static int split_line(size_t i)
{
	struct line *l = &lines[i];

	if (!l->state) {
		l->state = parse_line(l->p, &l->f) ? 1 : -1;
	}
	return l->state > 0;
}

size_t pd_facts(unsigned port, struct pd_fact *out, size_t max)
{
	size_t n = 0;

	pthread_once(&once, load);
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nlines; i++) {
		if (port < lines[i].first || port > lines[i].last || !split_line(i))
			continue;
		if (n < max)
			out[n] = lines[i].f;
		n++;
	}
	pthread_mutex_unlock(&mu);
	return n;
}

int pd_fact_at(size_t i, struct pd_fact *out)
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
			*out = lines[k].f;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return rc;
}
