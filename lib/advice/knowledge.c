/* knowledge.c: the curated facts of data/knowledge.tsv, compiled into the
 * library and parsed once, on first use */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

extern const char pd__data_knowledge[];
extern const char pd__data_knowledge_end[];

static struct pd_fact *facts;
static size_t nfacts;
static char *text;
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

static void load(void)
{
	size_t len = (size_t)(pd__data_knowledge_end - pd__data_knowledge), lines = 0, cap;
	char *line;

	text = malloc(len + 1);
	if (!text)
		return;
	memcpy(text, pd__data_knowledge, len);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	cap = lines + 1;
	facts = calloc(cap, sizeof(*facts));
	if (!facts)
		return;
	for (line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line != '#' && *line && nfacts < cap && parse_line(line, &facts[nfacts]))
			nfacts++;
		line = nl ? nl + 1 : NULL;
	}
}

size_t pd_facts(unsigned port, struct pd_fact *out, size_t max)
{
	size_t n = 0;

	pthread_once(&once, load);
	for (size_t i = 0; i < nfacts; i++) {
		if (port < facts[i].first || port > facts[i].last)
			continue;
		if (n < max)
			out[n] = facts[i];
		n++;
	}
	return n;
}

int pd_fact_at(size_t i, struct pd_fact *out)
{
	pthread_once(&once, load);
	if (i >= nfacts)
		return PD_ENOTFOUND;
	*out = facts[i];
	return 0;
}
