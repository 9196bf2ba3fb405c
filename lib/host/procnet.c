/* procnet.c: the portable half of pd_listening(): parsers of /proc/net
 * lines and sock_diag messages, the port filter and its inet_diag bytecode,
 * the socket list. No system calls: tests and fuzzers feed it recordings. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"
#include "util.h"

/* ---- the filter ---- */

int pd__filter_init(struct pd__filter *f, const struct pd_listen_opts *o)
{
	unsigned all = 1u << PD_TCP | 1u << PD_UDP | 1u << PD_SCTP;

	memset(f, 0, sizeof(*f));
	if (!o || (o->nqueries && !o->queries))
		return PD_EINVAL;
	f->protos = o->protos ? o->protos & all : all;
	if (!f->protos)
		return PD_EINVAL;
	for (size_t i = 0; i < o->nqueries; i++) {
		const struct pd_query *q = &o->queries[i];
		if (q->kind == PD_Q_NAME || q->first > q->last || q->last > 65535 ||
		    q->proto < PD_PROTO_ANY || q->proto >= PD_NPROTO)
			return PD_EINVAL;
	}
	if (o->nqueries) {
		f->q = o->queries;
		f->nq = o->nqueries;
	}
	return 0;
}

static int applies(const struct pd_query *q, int proto)
{
	return q->proto == PD_PROTO_ANY || q->proto == proto;
}

int pd__filter_wants_proto(const struct pd__filter *f, int proto)
{
	if (proto < 0 || proto >= PD_NPROTO || !(f->protos & 1u << proto))
		return 0;
	if (!f->q)
		return 1;
	for (size_t i = 0; i < f->nq; i++)
		if (applies(&f->q[i], proto))
			return 1;
	return 0;
}

int pd__filter_match(const struct pd__filter *f, int proto, unsigned port)
{
	if (proto < 0 || proto >= PD_NPROTO || !(f->protos & 1u << proto))
		return 0;
	if (!f->q)
		return 1;
	for (size_t i = 0; i < f->nq; i++) {
		const struct pd_query *q = &f->q[i];
		if (applies(q, proto) && port >= q->first && port <= q->last)
			return 1;
	}
	return 0;
}

size_t pd__filter_ranges(const struct pd__filter *f, int proto, unsigned (*r)[2], size_t max)
{
	unsigned cur = 0;
	size_t n = 0;

	if (!f->q)
		return 0;
	/* the lowest port at or after cur that a query names, then as far as
	 * overlapping or touching queries reach (the lists are short) */
	for (;;) {
		unsigned lo = 65536, hi;
		for (size_t i = 0; i < f->nq; i++)
			if (applies(&f->q[i], proto) && f->q[i].last >= cur) {
				unsigned a = f->q[i].first > cur ? f->q[i].first : cur;
				if (a < lo)
					lo = a;
			}
		if (lo > 65535)
			break;
		hi = lo;
		for (int grown = 1; grown;) {
			grown = 0;
			for (size_t i = 0; i < f->nq; i++)
				if (applies(&f->q[i], proto) && f->q[i].first <= hi + 1 && f->q[i].last > hi) {
					hi = f->q[i].last;
					grown = 1;
				}
		}
		if (r && n < max) {
			r[n][0] = lo;
			r[n][1] = hi;
		}
		n++;
		if (hi == 65535)
			break;
		cur = hi + 1;
	}
	return n;
}

/* ---- inet_diag bytecode ---- */

enum { BC_JMP = 1, BC_S_GE = 2, BC_S_LE = 3, BC_S_EQ = 11 };

static void bc_op(unsigned char *p, unsigned code, unsigned yes, unsigned no)
{
	uint16_t n = (uint16_t)no;

	p[0] = (unsigned char)code;
	p[1] = (unsigned char)yes;
	memcpy(p + 2, &n, 2);
}

size_t pd__diag_bytecode(const unsigned (*r)[2], size_t n, int use_eq, void *buf, size_t max)
{
	unsigned char *p = buf;
	size_t len = 0, off = 0;

	for (size_t i = 0; i < n; i++)
		len += use_eq && r[i][0] == r[i][1] ? 12 : 20;
	if (!n || len > max || len > 60000)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int eq = use_eq && r[i][0] == r[i][1];
		size_t next = off + (eq ? 12 : 20);
		/* where a failed test goes: the next range, or past the end (reject) */
		size_t fail = i + 1 < n ? next : len + 4;
		if (eq) {
			bc_op(p + off, BC_S_EQ, 8, fail - off);
			bc_op(p + off + 4, 0, 0, r[i][0]);
			off += 8;
		} else {
			bc_op(p + off, BC_S_GE, 8, fail - off);
			bc_op(p + off + 4, 0, 0, r[i][0]);
			bc_op(p + off + 8, BC_S_LE, 8, fail - (off + 8));
			bc_op(p + off + 12, 0, 0, r[i][1]);
			off += 16;
		}
		/* matched: jump to the end, which accepts */
		bc_op(p + off, BC_JMP, 4, len - off);
		off += 4;
	}
	return len;
}

/* ---- small parsing helpers: a cursor and an end ---- */

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1 to maxd hex digits, value at most max */
static int parse_hex(const char **p, const char *end, size_t maxd, unsigned long max, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;
	int d;

	while (*p < end && (size_t)(*p - s) < maxd && (d = hexval(**p)) >= 0) {
		x = x * 16 + (unsigned long)d;
		(*p)++;
	}
	if (*p == s || x > max || (*p < end && hexval(**p) >= 0))
		return -1;
	*v = x;
	return 0;
}

/* decimal, at most max (no sign, no wrap) */
static int parse_dec(const char **p, const char *end, unsigned long max, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		unsigned d = (unsigned)(**p - '0');
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
		(*p)++;
	}
	if (*p == s)
		return -1;
	*v = x;
	return 0;
}

/* skips one blank-separated field */
static int skip_field(const char **p, const char *end)
{
	const char *s;

	skip_blanks(p, end);
	s = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\n')
		(*p)++;
	return *p == s ? -1 : 0;
}

static int expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

/* fills addr text from addr_bytes */
static void addr_text(struct pd_socket *s)
{
	if (!inet_ntop(s->family == 4 ? AF_INET : AF_INET6, s->addr_bytes, s->addr, sizeof(s->addr)))
		s->addr[0] = '\0';
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* "0100007F:0CEA": the kernel prints each 32-bit word of the address as
 * the host sees it in memory, then the port */
static int procnet_addr(const char **p, const char *end, unsigned char *bytes, int *family,
			unsigned *port)
{
	const char *s = *p;
	size_t digits;
	unsigned long v;

	while (*p < end && hexval(**p) >= 0)
		(*p)++;
	digits = (size_t)(*p - s);
	if (digits != 8 && digits != 32)
		return -1;
	*family = digits == 8 ? 4 : 6;
	*p = s;
	for (size_t w = 0; w < digits / 8; w++) {
		uint32_t word;
		if (parse_hex(p, *p + 8, 8, 0xffffffffUL, &v))
			return -1;
		word = (uint32_t)v;
		memcpy(bytes + 4 * w, &word, 4);
	}
	if (expect(p, end, ':') || parse_hex(p, end, 4, 0xffff, &v))
		return -1;
	*port = (unsigned)v;
	return 0;
}

int pd__procnet_line(const char *line, size_t len, int proto, struct pd_socket *out)
{
	const char *p = line, *end = line + len;
	unsigned char rem[16];
	unsigned long st, uid, ino, slot;
	unsigned rport;
	int rfam;

	memset(out, 0, sizeof(*out));
	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	skip_blanks(&p, end);
	if (p == end || (end - p >= 2 && !memcmp(p, "sl", 2)))
		return 0;  /* the header, or an empty line */
	if (proto != PD_TCP && proto != PD_UDP)
		return PD_EINVAL;
	if (parse_dec(&p, end, 0xffffffffUL, &slot) || expect(&p, end, ':'))
		return PD_EFORMAT;
	skip_blanks(&p, end);
	if (procnet_addr(&p, end, out->addr_bytes, &out->family, &out->port))
		return PD_EFORMAT;
	skip_blanks(&p, end);
	if (procnet_addr(&p, end, rem, &rfam, &rport) || rfam != out->family)
		return PD_EFORMAT;
	skip_blanks(&p, end);
	if (parse_hex(&p, end, 2, 0xff, &st))
		return PD_EFORMAT;
	/* tx_queue:rx_queue tr:tm->when retrnsmt */
	for (int i = 0; i < 3; i++)
		if (skip_field(&p, end))
			return PD_EFORMAT;
	skip_blanks(&p, end);
	if (parse_dec(&p, end, 0xffffffffUL, &uid) || skip_field(&p, end))
		return PD_EFORMAT;  /* uid, then timeout */
	skip_blanks(&p, end);
	if (parse_dec(&p, end, 0xffffffffffffffffUL, &ino))
		return PD_EFORMAT;
	if (proto == PD_TCP && st != PD__TCP_LISTEN)
		return 0;
	if (proto == PD_UDP && (st != PD__TCP_CLOSE || rport || !all_zero(rem, out->family == 4 ? 4 : 16)))
		return 0;  /* connected: a client */
	out->proto = proto;
	out->v6only = -1;
	out->uid = (unsigned)uid;
	out->inode = ino;
	addr_text(out);
	return 1;
}

int pd__procnet_sctp_line(const char *line, size_t len, struct pd_socket *out)
{
	const char *p = line, *end = line + len, *a;
	unsigned long v[6];
	char addr[64];
	size_t n;

	memset(out, 0, sizeof(*out));
	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	skip_blanks(&p, end);
	if (p == end || (end - p >= 5 && !memcmp(p, "ENDPT", 5)))
		return 0;
	/* ENDPT SOCK (kernel pointers, maybe hidden), STY SST HBKT LPORT UID INODE, LADDRS */
	if (skip_field(&p, end) || skip_field(&p, end))
		return PD_EFORMAT;
	for (int i = 0; i < 6; i++) {
		skip_blanks(&p, end);
		if (parse_dec(&p, end, i == 5 ? 0xffffffffffffffffUL : 0xffffffffUL, &v[i]))
			return PD_EFORMAT;
	}
	if (v[3] > 65535)
		return PD_EFORMAT;
	skip_blanks(&p, end);
	if (p < end && *p == '*')
		p++;
	a = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	n = (size_t)(p - a);
	if (!n || n >= sizeof(addr))
		return PD_EFORMAT;
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, out->addr_bytes) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, addr, out->addr_bytes) == 1)
		out->family = 6;
	else
		return PD_EFORMAT;
	if (v[1] != PD__TCP_LISTEN)
		return 0;
	out->proto = PD_SCTP;
	out->port = (unsigned)v[3];
	out->uid = (unsigned)v[4];
	out->inode = v[5];
	out->v6only = -1;
	addr_text(out);
	return 1;
}

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int pd__diag_msg(const void *msg, size_t len, int proto, struct pd_socket *out)
{
	const unsigned char *m = msg, *d;
	size_t mlen, off;
	int family;

	memset(out, 0, sizeof(*out));
	if (len < PD__NLMSG_HDRLEN)
		return PD_EFORMAT;
	mlen = get32(m);
	if (mlen < PD__NLMSG_HDRLEN || mlen > len)
		return PD_EFORMAT;
	if (get16(m + 4) != PD__SOCK_DIAG_BY_FAMILY)
		return 0;
	if (mlen < PD__NLMSG_HDRLEN + PD__DIAG_MSG_LEN)
		return PD_EFORMAT;
	d = m + PD__NLMSG_HDRLEN;
	if (d[0] == PD__LINUX_AF_INET)
		family = 4;
	else if (d[0] == PD__LINUX_AF_INET6)
		family = 6;
	else
		return 0;
	/* attributes: {u16 len, u16 type} and the payload, 4-byte aligned */
	out->v6only = -1;
	for (off = PD__NLMSG_HDRLEN + PD__DIAG_MSG_LEN; off + 4 <= mlen;) {
		size_t alen = get16(m + off);
		unsigned type = get16(m + off + 2) & 0x3fffu;
		if (alen < 4 || alen > mlen - off)
			return PD_EFORMAT;
		if (type == PD__DIAG_SKV6ONLY && alen >= 5 && family == 6)
			out->v6only = m[off + 4] ? 1 : 0;
		off += (alen + 3) & ~(size_t)3;
	}
	switch (proto) {
	case PD_TCP:
	case PD_SCTP:
		if (d[1] != PD__TCP_LISTEN)
			return 0;
		break;
	case PD_UDP:
		/* bound but unconnected: CLOSE, no peer */
		if (d[1] != PD__TCP_CLOSE || get16(d + 6) || !all_zero(d + 24, family == 4 ? 4 : 16))
			return 0;
		break;
	default:
		return PD_EINVAL;
	}
	out->proto = proto;
	out->family = family;
	out->port = (unsigned)d[4] << 8 | d[5];
	memcpy(out->addr_bytes, d + 8, family == 4 ? 4 : 16);
	out->uid = get32(d + 64);
	out->inode = get32(d + 68);
	addr_text(out);
	return 1;
}

int pd__procnet_parse(const char *text, size_t len, int proto, const struct pd__filter *f,
		      struct pd_socket_list *out)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct pd_socket s;
		int rc = proto == PD_SCTP ? pd__procnet_sctp_line(p, n, &s) : pd__procnet_line(p, n, proto, &s);
		if (rc < 0)
			return rc;
		if (rc > 0 && pd__filter_match(f, s.proto, s.port) && (rc = pd__socket_list_add(out, &s)))
			return rc;
		p += n + (nl != NULL);
	}
	return 0;
}

int pd__diag_parse(const void *buf, size_t len, int proto, const struct pd__filter *f,
		   struct pd_socket_list *out)
{
	const unsigned char *b = buf;
	size_t off = 0;

	while (len - off >= PD__NLMSG_HDRLEN) {
		size_t mlen = get32(b + off);
		unsigned type = get16(b + off + 4);
		struct pd_socket s;
		int rc;
		if (mlen < PD__NLMSG_HDRLEN || mlen > len - off)
			return PD_EFORMAT;
		if (type == PD__NLMSG_DONE)
			return 0;
		if (type == PD__NLMSG_ERROR) {
			int32_t e;
			if (mlen < PD__NLMSG_HDRLEN + 4)
				return PD_EFORMAT;
			memcpy(&e, b + off + PD__NLMSG_HDRLEN, 4);
			return e < 0 && e > -4096 ? e : PD_EFORMAT;
		}
		rc = pd__diag_msg(b + off, mlen, proto, &s);
		if (rc < 0)
			return rc;
		if (rc > 0 && pd__filter_match(f, s.proto, s.port) && (rc = pd__socket_list_add(out, &s)))
			return rc;
		off += (mlen + 3) & ~(size_t)3;
		if (off > len)
			break;
	}
	return 0;
}

/* ---- /proc/PID ---- */

int pd__socket_link_inode(const char *link, size_t len, unsigned long *ino)
{
	const char *p = link + 8, *end = link + len;

	if (len < 10 || memcmp(link, "socket:[", 8) || link[len - 1] != ']')
		return 0;
	if (parse_dec(&p, end - 1, 0xffffffffffffffffUL, ino) || p != end - 1)
		return 0;
	return 1;
}

void pd__utf8_clean(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (!dstlen)
		return;
	while (i < srclen && s[i]) {
		uint32_t cp;
		size_t k = pd__utf8_char(s + i, srclen - i, &cp);
		const char *put = k ? (const char *)s + i : "\xef\xbf\xbd";
		size_t plen = k ? k : 3;
		if (o + plen >= dstlen)
			break;
		memcpy(dst + o, put, plen);
		o += plen;
		i += k ? k : 1;
	}
	dst[o] = '\0';
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* the Name line of /proc/PID/status escapes \n and \\ (octal on old
 * kernels, C-style on new ones) */
static size_t unescape_name(const char *p, const char *end, char *out, size_t max)
{
	size_t o = 0;

	while (p < end && o < max) {
		if (*p == '\\' && end - p >= 4 && octal(p[1]) >= 0 && octal(p[2]) >= 0 && octal(p[3]) >= 0) {
			out[o++] = (char)(octal(p[1]) * 64 + octal(p[2]) * 8 + octal(p[3]));
			p += 4;
		} else if (*p == '\\' && end - p >= 2) {
			const char *from = "ntrfvae\\\"", *to = "\n\t\r\f\v\a\033\\\"";
			const char *k = strchr(from, p[1]);
			out[o++] = k && p[1] ? to[k - from] : p[1];
			p += 2;
		} else {
			out[o++] = *p++;
		}
	}
	return o;
}

int pd__proc_status(const char *text, size_t len, char *name, size_t namelen, unsigned *euid,
		    char *state)
{
	const char *p = text, *end = text + len;
	int have_name = 0, have_uid = 0;

	*state = 0;
	while (p < end && !(have_name && have_uid)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le - p >= 5 && !memcmp(p, "Name:", 5) && !have_name) {
			char raw[256];
			const char *v = p + 5;
			size_t n;
			if (v < le && *v == '\t')
				v++;
			n = unescape_name(v, le, raw, sizeof(raw));
			pd__utf8_clean(name, namelen, raw, n);
			have_name = 1;
		} else if (le - p >= 6 && !memcmp(p, "State:", 6)) {
			const char *v = p + 6;
			skip_blanks(&v, le);
			*state = v < le ? *v : 0;
		} else if (le - p >= 4 && !memcmp(p, "Uid:", 4) && !have_uid) {
			const char *v = p + 4;
			unsigned long u;
			skip_blanks(&v, le);
			if (skip_field(&v, le))
				return PD_EFORMAT;  /* real uid, then effective */
			skip_blanks(&v, le);
			if (parse_dec(&v, le, 0xffffffffUL, &u))
				return PD_EFORMAT;
			*euid = (unsigned)u;
			have_uid = 1;
		}
		p = le + 1;
	}
	return have_name && have_uid ? 0 : PD_EFORMAT;
}

/* ---- the list ---- */

int pd__socket_list_add(struct pd_socket_list *l, const struct pd_socket *s)
{
	if (pd__grow(&l->v, l->n, &l->cap, sizeof(*l->v), 64))
		return PD_ENOMEM;
	l->v[l->n++] = *s;
	return 0;
}

static int cmp_socket(const void *a, const void *b)
{
	const struct pd_socket *x = a, *y = b;
	int c;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->addr_bytes, y->addr_bytes, sizeof(x->addr_bytes));
	if (c)
		return c;
	if (x->netns_ino != y->netns_ino)
		return x->netns_ino < y->netns_ino ? -1 : 1;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

void pd__socket_list_sort(struct pd_socket_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_socket);
}

void pd_socket_list_release(struct pd_socket_list *l)
{
	if (!l)
		return;
	free(l->v);
	free(l->pool);
	free(l->containers);
	free(l->published);
	memset(l, 0, sizeof(*l));
}

int pd_socket_dual_stack(const struct pd_socket *s)
{
	return s->family == 6 && s->v6only == 0 && all_zero(s->addr_bytes, 16);
}

int pd_socket_v4_mapped(const struct pd_socket *s)
{
	static const unsigned char prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return s->family == 6 && !memcmp(s->addr_bytes, prefix, sizeof(prefix));
}
