/* sockets.h: internals of pd_listening().
 *
 * procnet.c holds what is portable and pure (no system calls): the parsers
 * of /proc/net lines, of sock_diag netlink messages and of /proc/PID/status,
 * the port filter and the inet_diag bytecode that carries it to the kernel,
 * and the socket list. Tests and fuzzers feed recorded input to them.
 * sockets_linux.c (or sockets_other.c) is the one platform back end. */
#ifndef PD_SOCKETS_H
#define PD_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "portdex.h"

/* Linux values, fixed by the kernel's ABI; sockets_linux.c checks them
 * against the system headers. */
#define PD__NLMSG_HDRLEN 16
#define PD__NLMSG_ERROR 2
#define PD__NLMSG_DONE 3
#define PD__SOCK_DIAG_BY_FAMILY 20
#define PD__DIAG_MSG_LEN 72          /* struct inet_diag_msg */
#define PD__DIAG_SKV6ONLY 11         /* INET_DIAG_SKV6ONLY */
#define PD__LINUX_AF_INET 2
#define PD__LINUX_AF_INET6 10
#define PD__TCP_ESTABLISHED 1
#define PD__TCP_CLOSE 7
#define PD__TCP_LISTEN 10

/* Which sockets to keep: transports, and ports per transport. */
struct pd__filter {
	unsigned protos;                 /* 1u << PD_TCP | ... */
	const struct pd_query *q;        /* NULL: every port */
	size_t nq;
};
/* From the caller's options; PD_EINVAL for a PD_Q_NAME query, a bad range
 * or a transport mask with nothing listenable in it. */
int pd__filter_init(struct pd__filter *f, const struct pd_listen_opts *o) PD_WUR;
int pd__filter_match(const struct pd__filter *f, int proto, unsigned port);
/* 1 when some query applies to proto (always 1 without queries) */
int pd__filter_wants_proto(const struct pd__filter *f, int proto);
/* The ports the queries name for proto as sorted, merged ranges
 * r[i][0]-r[i][1]. Returns how many there are in all; fills up to max.
 * Meaningless without queries (returns 0). */
size_t pd__filter_ranges(const struct pd__filter *f, int proto, unsigned (*r)[2], size_t max);

/* inet_diag bytecode (INET_DIAG_REQ_BYTECODE) that keeps sockets whose
 * local port lies in one of the ranges; use_eq: a single port is tested
 * with INET_DIAG_BC_S_EQ (Linux 4.16+) instead of S_GE and S_LE. Returns
 * the length written, or 0 when it does not fit in max (or n is 0). */
size_t pd__diag_bytecode(const unsigned (*r)[2], size_t n, int use_eq, void *buf, size_t max);

/* The parsers return 1 for a listener (out filled), 0 for input that is
 * not one (a header line, another state, a connected UDP socket, another
 * message type), PD_EFORMAT for malformed input. */
/* One line of /proc/net/{tcp,tcp6,udp,udp6} (proto PD_TCP or PD_UDP; the
 * family follows from the address width). Addresses are in the byte order
 * of the host that wrote them, as the kernel prints them. */
int pd__procnet_line(const char *line, size_t len, int proto, struct pd_socket *out) PD_WUR;
/* One line of /proc/net/sctp/eps (endpoints; the first local address). */
int pd__procnet_sctp_line(const char *line, size_t len, struct pd_socket *out) PD_WUR;
/* One netlink message, header included, of a SOCK_DIAG_BY_FAMILY dump of
 * proto (the request's; the message does not say). Host byte order. */
int pd__diag_msg(const void *msg, size_t len, int proto, struct pd_socket *out) PD_WUR;

/* Whole inputs: append the listeners that f keeps to out. A malformed line
 * or message stops the parse with PD_EFORMAT (what came before is kept). */
int pd__procnet_parse(const char *text, size_t len, int proto, const struct pd__filter *f,
		      struct pd_socket_list *out) PD_WUR;  /* proto PD_SCTP: the eps format */
/* Netlink messages back to back, as recv() returns them, up to NLMSG_DONE;
 * an NLMSG_ERROR message returns its (negative) errno. */
int pd__diag_parse(const void *buf, size_t len, int proto, const struct pd__filter *f,
		   struct pd_socket_list *out) PD_WUR;

/* "socket:[12345]" -> 12345; returns 1, or 0 when the link is not a socket */
int pd__socket_link_inode(const char *link, size_t len, unsigned long *ino);
/* /proc/PID/status: the Name (unescaped, made valid UTF-8), the effective
 * uid and the State letter (0 when absent). Returns 0, or PD_EFORMAT when
 * the name or the uid is missing. */
int pd__proc_status(const char *text, size_t len, char *name, size_t namelen, unsigned *euid,
		    char *state) PD_WUR;
/* Copies src to dst (NUL-terminated, cut at a character boundary),
 * replacing bytes that are not valid UTF-8 with U+FFFD. */
void pd__utf8_clean(char *dst, size_t dstlen, const char *src, size_t srclen);

/* What a process's cgroup (and a proxy's arguments) say of it */
struct pd__procinfo {
	char unit[128];
	int user_unit;
	struct pd_container container;
};
/* owners.c. /proc/PID/cgroup (v1 and v2 lines): the systemd unit (unit,
 * user_unit) and the container (engine, id, pod_uid) of o; what the text
 * does not say is left as it was (unit cleared). */
void pd__cgroup_parse(const char *text, size_t len, struct pd__procinfo *o);
/* /proc/PID/cmdline (arguments NUL-separated): 1 when it is docker-proxy's,
 * with c's engine ("docker"), port, proto, address and via_proxy set and
 * the published port in *host_port (0 when not given); 0 when it is
 * another program's; PD_EFORMAT for docker-proxy arguments that do not
 * parse. */
int pd__proxy_cmdline(const char *args, size_t len, struct pd_container *c, unsigned *host_port) PD_WUR;
/* A systemd .socket unit file: 1 when its [Socket] section listens on port
 * (ListenStream= for tcp and sctp, ListenDatagram= for udp; "PORT",
 * "ADDRESS:PORT", "[ADDRESS]:PORT"), else 0. */
int pd__socket_unit_listens(const char *text, size_t len, unsigned port, int proto);

int pd__socket_list_add(struct pd_socket_list *l, const struct pd_socket *s) PD_WUR;
void pd__socket_list_sort(struct pd_socket_list *l);

#endif
