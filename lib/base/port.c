/* port.c: transports, statuses, range classes and query parsing */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "portdex.h"
#include "util.h"

static const char *const proto_names[PD_NPROTO] = { "tcp", "udp", "sctp", "dccp" };

const char *pd_proto_name(int proto)
{
	if (proto >= 0 && proto < PD_NPROTO)
		return proto_names[proto];
	return "any";
}

int pd_proto_parse(const char *s, size_t n)
{
	for (int i = 0; i < PD_NPROTO; i++)
		if (strlen(proto_names[i]) == n && !strncasecmp(s, proto_names[i], n))
			return i;
	return PD_EINVAL;
}

const char *pd_status_name(enum pd_status s)
{
	switch (s) {
	case PD_ASSIGNED: return "assigned";
	case PD_RESERVED: return "reserved";
	default: return "unassigned";
	}
}

enum pd_class pd_port_class(unsigned port)
{
	if (port <= 1023)
		return PD_SYSTEM;
	if (port <= 49151)
		return PD_USER;
	return PD_DYNAMIC;
}

const char *pd_class_name(enum pd_class c)
{
	switch (c) {
	case PD_SYSTEM: return "system";
	case PD_USER: return "user";
	default: return "dynamic";
	}
}

void pd_class_bounds(enum pd_class c, unsigned *first, unsigned *last)
{
	static const unsigned b[3][2] = { { 0, 1023 }, { 1024, 49151 }, { 49152, 65535 } };

	*first = b[c][0];
	*last = b[c][1];
}

const char *pd_class_procedure(enum pd_class c)
{
	switch (c) {
	case PD_SYSTEM:
		return "System ports are assigned by IANA through IETF Review or IESG Approval (RFC 6335, section 8.1.2).";
	case PD_USER:
		return "User ports are assigned by IANA through IETF Review, IESG Approval or Expert Review (RFC 6335).";
	default:
		return "Dynamic ports are never assigned: they are for private and ephemeral use, never a service's fixed port (RFC 6335).";
	}
}

int pd_parse_port(const char **cursor, unsigned *port)
{
	const char *p = *cursor;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return PD_EINVAL;
	/* "0x50" and "080"-style octal look-alikes: only a lone 0 may start with 0 */
	if (p[0] == '0' && isdigit((unsigned char)p[1]))
		return PD_EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return PD_EINVAL;
		p++;
	}
	*port = (unsigned)v;
	*cursor = p;
	return 0;
}

static int name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '+' || c == '*';
}

/* A query that starts with a digit is a service name only when a letter
 * comes before its first '-' ("3com-tsmux"); otherwise it must be a port
 * or a range, so "1e3" and "0x50" are rejected rather than looked up. */
static int looks_numeric(const char *s)
{
	const char *dash = strchr(s, '-');
	const char *slash = strchr(s, '/');
	const char *end = dash ? dash : slash ? slash : s + strlen(s);

	if (!isdigit((unsigned char)*s))
		return 0;
	if (!dash)
		return 1;
	for (const char *p = s; p < end; p++)
		if (isalpha((unsigned char)*p))
			return 0;
	return 1;
}

int pd_query_parse(const char *s, struct pd_query *q)
{
	const char *p = s;
	const char *slash;
	size_t n;
	int rc;

	memset(q, 0, sizeof(*q));
	q->proto = PD_PROTO_ANY;
	if (!s || !*s || strlen(s) > 60)
		return PD_EINVAL;
	slash = strchr(s, '/');
	if (slash) {
		rc = pd_proto_parse(slash + 1, strlen(slash + 1));
		if (rc < 0)
			return PD_EINVAL;
		q->proto = rc;
	}
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (!n)
		return PD_EINVAL;
	if (looks_numeric(s)) {
		if (pd_parse_port(&p, &q->first))
			return PD_EINVAL;
		q->last = q->first;
		q->kind = PD_Q_PORT;
		if (*p == '-') {
			p++;
			if (pd_parse_port(&p, &q->last) || q->last < q->first)
				return PD_EINVAL;
			q->kind = PD_Q_RANGE;
		}
		if (p != s + n)
			return PD_EINVAL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!name_char((unsigned char)s[i]))
			return PD_EINVAL;
	if (!isalnum((unsigned char)s[0]))
		return PD_EINVAL;
	memcpy(q->name, s, n);
	q->name[n] = '\0';
	q->kind = PD_Q_NAME;
	return 0;
}

unsigned pd__protos_of(const char *s)
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
