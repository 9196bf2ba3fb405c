/* fuzz_procnet.c: libFuzzer harness for the parsers of pd_listening():
 * /proc/net/{tcp,udp}{,6} and sctp/eps text, sock_diag netlink dumps,
 * /proc/PID/status, fd links, and the port filter's inet_diag bytecode.
 * The first byte picks the parser; the rest is its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_list(const struct pd_socket_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_socket *s = &l->v[i];
		if (s->port > 65535 || (s->family != 4 && s->family != 6) || s->proto < PD_TCP ||
		    s->proto > PD_SCTP || !memchr(s->addr, '\0', sizeof(s->addr)))
			abort();
		if (pd_socket_dual_stack(s) && s->family != 6)
			abort();
	}
}

/* queries from the input: pairs of ports, a transport each */
static void filter_and_bytecode(const uint8_t *d, size_t n)
{
	struct pd_query q[16];
	struct pd_listen_opts o;
	struct pd__filter f;
	unsigned r[32][2];
	unsigned char bc[1024];
	size_t k = 0;

	memset(&o, 0, sizeof(o));
	for (; n >= 5 && k < 16; d += 5, n -= 5) {
		unsigned a = (unsigned)d[0] << 8 | d[1], b = (unsigned)d[2] << 8 | d[3];
		q[k].kind = PD_Q_RANGE;
		q[k].first = a < b ? a : b;
		q[k].last = a < b ? b : a;
		q[k].proto = d[4] % 4 == 3 ? PD_PROTO_ANY : d[4] % 4;
		q[k].name[0] = '\0';
		k++;
	}
	if (!k)
		return;
	o.queries = q;
	o.nqueries = k;
	if (pd__filter_init(&f, &o))
		abort();
	for (int proto = PD_TCP; proto <= PD_SCTP; proto++) {
		size_t nr = pd__filter_ranges(&f, proto, r, 32);
		size_t len;
		if (nr > 32)
			continue;
		for (size_t i = 0; i < nr; i++)
			if (r[i][0] > r[i][1] || r[i][1] > 65535 || (i && r[i][0] <= r[i - 1][1] + 1))
				abort();  /* sorted, disjoint, not touching */
		len = pd__diag_bytecode((const unsigned (*)[2])r, nr, 1, bc, sizeof(bc));
		if (nr && !len)
			abort();
		/* every port a range covers is kept by the filter */
		for (size_t i = 0; i < nr; i++)
			if (!pd__filter_match(&f, proto, r[i][0]) || !pd__filter_match(&f, proto, r[i][1]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_listen_opts o;
	struct pd__filter f;
	struct pd_socket_list l;
	struct pd_socket s;
	char *text;
	char name[64];
	unsigned uid;
	unsigned long ino;
	char state;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	memset(&l, 0, sizeof(l));
	if (pd__filter_init(&f, &o))
		abort();
	/* a copy of exactly the input, so that reading past it is caught */
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	switch (data[0] % 8) {
	case 0:
	case 1:
	case 2:
		(void)pd__procnet_parse(text, size - 1, data[0] % 8, &f, &l);
		break;
	case 3:
	case 4:
		(void)pd__diag_parse(text, size - 1, data[0] % 8 - 3, &f, &l);
		(void)pd__diag_msg(text, size - 1, PD_UDP, &s);
		break;
	case 5:
		if (!pd__proc_status(text, size - 1, name, sizeof(name), &uid, &state) &&
		    !memchr(name, '\0', sizeof(name)))
			abort();
		pd__utf8_clean(name, sizeof(name), text, size - 1);
		break;
	case 6:
		if (pd__socket_link_inode(text, size - 1, &ino) && (size < 11 || memcmp(text, "socket:[", 8)))
			abort();
		break;
	default:
		filter_and_bytecode(data + 1, size - 1);
		break;
	}
	check_list(&l);
	pd_socket_list_release(&l);
	free(text);
	return 0;
}
