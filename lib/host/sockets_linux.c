/* sockets_linux.c: pd_listening() on Linux.
 *
 *  1. In each network namespace asked for: sock_diag netlink dumps (libmnl)
 *     of TCP in LISTEN, UDP in CLOSE (bound, unconnected) and SCTP in
 *     LISTEN, for IPv4 and IPv6, the query's ports sent along as inet_diag
 *     bytecode; for a transport that netlink cannot dump, /proc/net. Another
 *     namespace is entered by a worker thread (setns), so the caller's
 *     thread never changes namespace. The kernel checks nothing we rely on:
 *     every socket is checked again by the portable parsers (procnet.c).
 *  2. Only when sockets matched and owners are wanted: one pass over
 *     /proc/PID/fd, split across threads, maps socket inodes (one inode
 *     space for every namespace) to processes. Directory-relative calls
 *     (openat, readlinkat); a thread holds at most three descriptors at a
 *     time, however many processes there are. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "engine.h"
#include "sockets.h"
#include "util.h"

_Static_assert(PD__SOCK_DIAG_BY_FAMILY == SOCK_DIAG_BY_FAMILY, "sock_diag ABI");
_Static_assert(PD__DIAG_SKV6ONLY == INET_DIAG_SKV6ONLY, "inet_diag ABI");
_Static_assert(PD__DIAG_MSG_LEN == sizeof(struct inet_diag_msg), "inet_diag ABI");
_Static_assert(PD__NLMSG_HDRLEN == NLMSG_HDRLEN, "netlink ABI");
_Static_assert(PD__NLMSG_DONE == NLMSG_DONE && PD__NLMSG_ERROR == NLMSG_ERROR, "netlink ABI");
_Static_assert(PD__LINUX_AF_INET == AF_INET && PD__LINUX_AF_INET6 == AF_INET6, "address families");

#define MAX_RANGES 256          /* more port ranges than this: filter here only */
#define MAX_PROCNET (256u << 20) /* a /proc/net file larger than this is refused */
#define DUMP_SIZE 32768         /* the kernel fills at most 32 KiB per recv() of a dump */

/* ---------------------------------------------------------------------- */
/* 1. the sockets of one namespace                                         */

struct collect {
	const struct pd__filter *f;
	const char *procroot;
	int live;                /* procroot is the real /proc */
	int no_netlink;
	int use_eq;              /* the kernel takes INET_DIAG_BC_S_EQ (cleared on EINVAL) */
	int used_netlink, used_procnet;
	unsigned seq;
	char *buf;               /* DUMP_SIZE bytes for recv() */
	struct pd_socket_list *out;
};

/* PROCROOT/net/NAME, or for the live /proc the calling thread's own
 * namespace: /proc/net follows the thread group leader's. */
static int net_path(const struct collect *c, const char *name, char *path, size_t len)
{
	int n = c->live ? snprintf(path, len, "/proc/thread-self/net/%s", name)
			: snprintf(path, len, "%s/net/%s", c->procroot, name);

	return n < 0 || (size_t)n >= len ? PD_EINVAL : 0;
}

/* Reads a whole /proc/net file and parses it. A missing file (no IPv6, no
 * SCTP) has no sockets. */
static int procnet_read(struct collect *c, const char *name, int proto)
{
	char path[4096];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, rc;

	if ((rc = net_path(c, name, path, sizeof(path))))
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	c->used_procnet = 1;
	for (;;) {
		ssize_t n;
		if (cap - len < 65536) {
			char *nb;
			if (cap >= MAX_PROCNET) {
				rc = PD_ETOOBIG;
				goto out;
			}
			nb = realloc(buf, cap ? cap * 2 : 131072);
			if (!nb) {
				rc = PD_ENOMEM;
				goto out;
			}
			buf = nb;
			cap = cap ? cap * 2 : 131072;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = PD_EIO;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = pd__procnet_parse(buf ? buf : "", len, proto, c->f, c->out);
out:
	free(buf);
	close(fd);
	return rc;
}

static int diag_proto(int proto)
{
	return proto == PD_TCP ? IPPROTO_TCP : proto == PD_UDP ? IPPROTO_UDP : IPPROTO_SCTP;
}

/* The messages of one recv(): 1 at NLMSG_DONE, 0 for more, -errno. */
static int diag_batch(struct collect *c, const void *buf, size_t len, unsigned portid, int proto,
		      int *intr)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		struct pd_socket s;
		int rc;
		if (nlh->nlmsg_seq != c->seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != portid))
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = 1;
		if (nlh->nlmsg_type == NLMSG_DONE) {
			int e = 0;
			if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
				memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
			return e < 0 ? e : 1;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
				return -EPROTO;
			return err->error < 0 ? err->error : -EPROTO;
		}
		rc = pd__diag_msg(nlh, nlh->nlmsg_len, proto, &s);
		if (rc < 0)
			return -EPROTO;
		if (rc > 0 && pd__filter_match(c->f, s.proto, s.port) && pd__socket_list_add(c->out, &s))
			return -ENOMEM;
	}
	return 0;
}

/* One SOCK_DIAG_BY_FAMILY dump: 0, or -errno (the list is as before). */
static int diag_dump(struct collect *c, struct mnl_socket *nl, int proto, int family)
{
	char req_buf[8192] __attribute__((aligned(8)));
	unsigned ranges[MAX_RANGES][2];
	size_t nr = 0, before = c->out->n;
	unsigned portid = mnl_socket_get_portid(nl);
	int rc = 0;

	if (c->f->q)
		nr = pd__filter_ranges(c->f, proto, ranges, MAX_RANGES);
	for (int attempt = 0; attempt < 4; attempt++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(req_buf);
		struct inet_diag_req_v2 *req;
		int intr = 0, eq = 0;

		c->out->n = before;
		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		nlh->nlmsg_seq = ++c->seq;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = (unsigned char)family;
		req->sdiag_protocol = (unsigned char)diag_proto(proto);
		/* LISTEN only for TCP: asking for more makes the kernel walk every
		 * connection. UDP that is bound and unconnected is in CLOSE. */
		req->idiag_states = proto == PD_UDP ? 1u << PD__TCP_CLOSE : 1u << PD__TCP_LISTEN;
		if (nr == 1 && ranges[0][0] == ranges[0][1])
			req->id.idiag_sport = htons((uint16_t)ranges[0][0]);
		if (nr && nr <= MAX_RANGES) {
			unsigned char bc[MAX_RANGES * 20];
			size_t bl = pd__diag_bytecode(ranges, nr, c->use_eq, bc, sizeof(bc));
			if (bl) {
				mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bl, bc);
				for (size_t i = 0; i < nr; i++)
					eq |= c->use_eq && ranges[i][0] == ranges[i][1];
			}
		}
		if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
			return -errno;
		for (rc = 0; rc == 0;) {
			ssize_t n = mnl_socket_recvfrom(nl, c->buf, DUMP_SIZE);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				rc = -errno;
				break;
			}
			if (n == 0) {
				rc = -EPROTO;  /* the dump ended without NLMSG_DONE */
				break;
			}
			rc = diag_batch(c, c->buf, (size_t)n, portid, proto, &intr);
		}
		if (rc == -EINVAL && eq) {
			c->use_eq = 0;  /* a kernel older than INET_DIAG_BC_S_EQ */
			continue;
		}
		if (rc == 1 && intr)
			continue;       /* the tables changed during the dump: again */
		break;
	}
	if (rc != 1) {
		c->out->n = before;
		return rc < 0 ? rc : -EAGAIN;
	}
	c->used_netlink = 1;
	return 0;
}

static const char *const procnet_files[PD_NPROTO][2] = {
	{ "tcp", "tcp6" }, { "udp", "udp6" }, { "sctp/eps", "sctp/eps" }, { NULL, NULL },
};

/* The sockets of the calling thread's namespace. */
static int collect_ns(struct collect *c)
{
	struct mnl_socket *nl = NULL;
	int rc = 0;

	if (!c->no_netlink && !c->buf)
		c->buf = malloc(DUMP_SIZE);
	if (!c->no_netlink && c->buf) {
		nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
		if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			mnl_socket_close(nl);
			nl = NULL;
		}
	}
	for (int proto = PD_TCP; proto <= PD_SCTP && !rc; proto++) {
		size_t before = c->out->n;
		int fallback = !nl;
		if (!pd__filter_wants_proto(c->f, proto))
			continue;
		if (proto == PD_SCTP) {
			/* no SCTP module, no SCTP socket: do not make the kernel
			 * look for sctp_diag */
			char path[4096];
			if (net_path(c, "sctp", path, sizeof(path)) || access(path, F_OK))
				continue;
		}
		for (int fam = 0; fam < 2 && !fallback && !rc; fam++) {
			int e = diag_dump(c, nl, proto, fam ? AF_INET6 : AF_INET);
			if (e == -ENOMEM)
				rc = PD_ENOMEM;
			else if (e)
				fallback = 1;   /* no sctp_diag, udp_diag, ...: /proc/net */
		}
		if (rc || !fallback)
			continue;
		c->out->n = before;
		rc = procnet_read(c, procnet_files[proto][0], proto);
		if (!rc && proto != PD_SCTP)
			rc = procnet_read(c, procnet_files[proto][1], proto);
	}
	if (nl)
		mnl_socket_close(nl);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* namespaces                                                              */

struct ns {
	unsigned long ino;
	int pid;                 /* enter through /proc/PID/ns/net, or */
	char name[256];          /* through /run/netns/NAME; neither: the caller's */
	char label[64];          /* "" for the caller's */
};

struct nsset {
	struct ns *v;
	size_t n, cap;
	unsigned long self;      /* the caller's namespace; 0 unknown */
	int explicit_ns;         /* --netns: failing to enter it is an error */
};

static int ns_known(const struct nsset *s, unsigned long ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ino == ino)
			return 1;
	return 0;
}

static int ns_add(struct nsset *s, const struct ns *n)
{
	if (ns_known(s, n->ino))
		return 0;
	if (pd__grow(&s->v, s->n, &s->cap, sizeof(*s->v), 8))
		return PD_ENOMEM;
	s->v[s->n++] = *n;
	return 0;
}

/* A PID as the user gives it: digits only, 1-4194304 */
static int parse_pid(const char *s, int *pid)
{
	long v = 0;

	if (!*s || *s == '0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 4194304)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > 4194304)
		return -1;
	*pid = (int)v;
	return 0;
}

/* The name under /run/netns of namespace ino, if any. */
static void netns_name(unsigned long ino, char *name, size_t len)
{
	int dfd = open("/run/netns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char dents[4096] __attribute__((aligned(8)));
	long n;

	name[0] = '\0';
	if (dfd < 0)
		return;
	while (!name[0] && (n = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n && !name[0];) {
			const char *dn = dents + off + 19;
			unsigned short reclen;
			struct stat st;
			memcpy(&reclen, dents + off + 16, sizeof(reclen));
			off += reclen;
			if (dn[0] == '.' || strlen(dn) >= len)
				continue;
			if (!fstatat(dfd, dn, &st, 0) && st.st_ino == ino)
				snprintf(name, len, "%s", dn);
		}
	}
	close(dfd);
}

static int ns_open(const struct ns *n, const char *procroot)
{
	char path[4096];

	if (n->name[0])
		snprintf(path, sizeof(path), "/run/netns/%s", n->name);
	else
		snprintf(path, sizeof(path), "%s/%d/ns/net", procroot, n->pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int errno_code(int e)
{
	if (e == ENOENT || e == ESRCH || e == ENOTDIR)
		return PD_ENOTFOUND;
	if (e == EACCES || e == EPERM)
		return PD_EPERM;
	return e == ENOMEM ? PD_ENOMEM : PD_EIO;
}

static void ns_label(struct ns *n, unsigned long self)
{
	if (n->ino == self) {
		n->label[0] = '\0';
		return;
	}
	netns_name(n->ino, n->label, sizeof(n->label));
	if (!n->label[0] && n->name[0])
		snprintf(n->label, sizeof(n->label), "%.63s", n->name);
	if (!n->label[0])
		snprintf(n->label, sizeof(n->label), "pid %d", n->pid);
}

/* --netns NAME|PID */
static int ns_explicit(struct nsset *s, const char *what, const char *procroot)
{
	struct ns n;
	struct stat st;
	int fd, rc;

	memset(&n, 0, sizeof(n));
	if (parse_pid(what, &n.pid)) {
		n.pid = 0;
		if (!*what || strchr(what, '/') || !strcmp(what, ".") || !strcmp(what, "..") ||
		    strlen(what) >= sizeof(n.name))
			return PD_EINVAL;
		snprintf(n.name, sizeof(n.name), "%s", what);
	}
	fd = ns_open(&n, procroot);
	if (fd < 0)
		return errno_code(errno);
	rc = fstat(fd, &st) ? errno_code(errno) : 0;
	close(fd);
	if (rc)
		return rc;
	n.ino = (unsigned long)st.st_ino;
	ns_label(&n, s->self);
	s->explicit_ns = 1;
	return ns_add(s, &n);
}

/* --all-netns: the caller's, each name in /run/netns, each one a process is in */
static int ns_all(struct nsset *s, const char *procroot)
{
	char dents[16384] __attribute__((aligned(8)));
	struct ns self;
	int dfd, rc = 0;
	long n;

	if (geteuid() != 0)
		return PD_EPERM;
	memset(&self, 0, sizeof(self));
	self.ino = s->self;
	if ((rc = ns_add(s, &self)))
		return rc;
	dfd = open("/run/netns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (dfd >= 0 && !rc && (n = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n && !rc;) {
			const char *dn = dents + off + 19;
			unsigned short reclen;
			struct stat st;
			struct ns x;
			memcpy(&reclen, dents + off + 16, sizeof(reclen));
			off += reclen;
			if (dn[0] == '.' || strlen(dn) >= sizeof(x.name) || fstatat(dfd, dn, &st, 0))
				continue;
			memset(&x, 0, sizeof(x));
			x.ino = (unsigned long)st.st_ino;
			snprintf(x.name, sizeof(x.name), "%s", dn);
			snprintf(x.label, sizeof(x.label), "%.63s", dn);
			rc = ns_add(s, &x);
		}
	}
	if (dfd >= 0)
		close(dfd);
	dfd = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rc ? rc : errno_code(errno);
	while (!rc && (n = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n && !rc;) {
			const char *dn = dents + off + 19;
			unsigned short reclen;
			char path[64];
			struct stat st;
			struct ns x;
			memcpy(&reclen, dents + off + 16, sizeof(reclen));
			off += reclen;
			memset(&x, 0, sizeof(x));
			if (parse_pid(dn, &x.pid))
				continue;
			snprintf(path, sizeof(path), "%d/ns/net", x.pid);
			if (fstatat(dfd, path, &st, 0))
				continue;  /* exited, or not ours to see */
			x.ino = (unsigned long)st.st_ino;
			if (ns_known(s, x.ino))
				continue;
			ns_label(&x, s->self);
			rc = ns_add(s, &x);
		}
	}
	close(dfd);
	return rc;
}

struct ns_job {
	struct collect *c;
	struct nsset *s;
	int rc;
};

/* Runs in its own thread: enters each namespace in turn. */
static void *ns_worker(void *arg)
{
	struct ns_job *j = arg;

	for (size_t i = 0; i < j->s->n && !j->rc; i++) {
		struct ns *n = &j->s->v[i];
		size_t before = j->c->out->n;
		int rc;
		if (n->pid || n->name[0]) {
			int fd = ns_open(n, j->c->procroot);
			if (fd < 0 || setns(fd, CLONE_NEWNET)) {
				int e = errno;
				if (fd >= 0)
					close(fd);
				if (j->s->explicit_ns)
					j->rc = e == EINVAL ? PD_ENOTFOUND : errno_code(e);
				continue;   /* with --all-netns: gone since, skip it */
			}
			close(fd);
		}
		rc = collect_ns(j->c);
		if (rc) {
			j->rc = rc;
			break;
		}
		for (size_t k = before; k < j->c->out->n; k++) {
			j->c->out->v[k].netns_ino = n->ino;
			memcpy(j->c->out->v[k].netns, n->label, sizeof(n->label));
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* 2. owners: one pass over /proc/PID/fd                                   */

struct want {
	unsigned long ino;
	size_t sock;
};

struct hit {
	size_t sock;
	int pid, fd;
	unsigned uid;
	char comm[64];
	size_t info;             /* its process's unit and container: worker's info[info] */
};

struct info {
	struct pd__procinfo p;
};

struct scan {
	int procfd;
	const struct want *w;
	size_t nw;
	const int *pids;
	size_t npids;
	atomic_size_t next;
};

struct worker {
	struct scan *s;
	struct hit *v;
	size_t n, cap;
	struct info *info;
	size_t ninfo, infocap;
	unsigned denied;
	int err;
	char dents[32768] __attribute__((aligned(8)));
	char tdents[4096] __attribute__((aligned(8)));
};

static int hit_add(struct worker *wk, size_t sock, int pid, int fd)
{
	if (pd__grow(&wk->v, wk->n, &wk->cap, sizeof(*wk->v), 256))
		return wk->err = PD_ENOMEM;
	wk->v[wk->n].sock = sock;
	wk->v[wk->n].pid = pid;
	wk->v[wk->n].fd = fd;
	wk->v[wk->n].uid = (unsigned)-1;
	wk->v[wk->n].comm[0] = '\0';
	wk->v[wk->n].info = (size_t)-1;
	wk->n++;
	return 0;
}

/* the first want with this inode, or nw */
static size_t want_find(const struct scan *s, unsigned long ino)
{
	size_t lo = 0, hi = s->nw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->w[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nw && s->w[lo].ino == ino ? lo : s->nw;
}

static int fd_number(const char *name)
{
	long v = 0;

	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > 0x7fffffff / 10)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return (int)v;
}

/* The socket inode behind fd entry `name` of directory fdd: 1, 0 when it
 * is not a socket, -1 with errno on failure. */
static int fd_socket(int fdd, const char *name, unsigned long *ino)
{
	char link[64];
	ssize_t k = readlinkat(fdd, name, link, sizeof(link));

	if (k < 0)
		return -1;
	return pd__socket_link_inode(link, (size_t)k, ino);
}

/* Every entry of an fd directory; returns how many there are. */
static size_t scan_fds(struct worker *wk, int fdd, int pid)
{
	size_t entries = 0;
	long n;

	while ((n = syscall(SYS_getdents64, fdd, wk->dents, sizeof(wk->dents))) > 0) {
		for (long off = 0; off < n;) {
			const char *dn = wk->dents + off + 19;
			unsigned short reclen;
			unsigned long ino;
			size_t i;
			int r;
			memcpy(&reclen, wk->dents + off + 16, sizeof(reclen));
			off += reclen;
			if (dn[0] == '.')
				continue;
			entries++;
			r = fd_socket(fdd, dn, &ino);
			if (r < 0 && (errno == EACCES || errno == EPERM)) {
				wk->denied++;
				return entries;
			}
			if (r <= 0)
				continue;
			for (i = want_find(wk->s, ino); i < wk->s->nw && wk->s->w[i].ino == ino; i++)
				if (hit_add(wk, wk->s->w[i].sock, pid, fd_number(dn)))
					return entries;
		}
	}
	return entries;
}

/* The process's main thread has exited (its fd directory is empty) but
 * other threads hold the descriptor table: scan the first thread that
 * has entries. pd is the process's /proc directory. Returns 1 if one had. */
static int scan_tasks(struct worker *wk, int pd, int pid)
{
	struct stat st;
	int td, found = 0;
	long n;

	/* nlink is 2 + the number of threads: skip single-threaded processes
	 * (and kernel threads) without opening anything */
	if (fstatat(pd, "task", &st, 0) || st.st_nlink <= 3)
		return 0;
	td = openat(pd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (td < 0)
		return 0;
	while (!found && (n = syscall(SYS_getdents64, td, wk->tdents, sizeof(wk->tdents))) > 0) {
		for (long off = 0; off < n && !found;) {
			const char *dn = wk->tdents + off + 19;
			unsigned short reclen;
			char fdpath[64];
			int fdd;
			memcpy(&reclen, wk->tdents + off + 16, sizeof(reclen));
			off += reclen;
			if (dn[0] == '.' || fd_number(dn) == pid)
				continue;
			snprintf(fdpath, sizeof(fdpath), "%.20s/fd", dn);
			fdd = openat(td, fdpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fdd < 0 && (errno == EACCES || errno == EPERM))
				break;  /* not ours to read: its other threads are not either */
			if (fdd < 0)
				continue;
			found = scan_fds(wk, fdd, pid) > 0;
			close(fdd);
		}
	}
	close(td);
	return found;
}

/* For a process that holds wanted sockets (hits from..n): its name and
 * uid. pd is the process's /proc directory, opened before its fds were
 * read: lookups through it fail once that process is gone, even if its
 * PID was reused since, so the name read is the name of the process whose
 * fds were read. A process that exited meanwhile (status unreadable, or a
 * zombie, whose descriptors are closed) is dropped. */
/* A small file of the process's /proc directory: its length, or -1 */
static ssize_t read_small(int pd, const char *name, char *buf, size_t cap)
{
	ssize_t len = -1, k;
	int fd = openat(pd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	len = 0;
	while ((size_t)len < cap && (k = read(fd, buf + len, cap - (size_t)len)) > 0)
		len += k;
	close(fd);
	return len;
}

/* The process's unit and container (its cgroup; a proxy's arguments) */
static void process_info(struct worker *wk, int pd, const char *name, size_t from)
{
	char buf[4096];
	struct pd__procinfo o;
	struct info *in;
	ssize_t len;

	memset(&o, 0, sizeof(o));
	o.container.proto = -1;
	len = read_small(pd, "cgroup", buf, sizeof(buf));
	if (len > 0)
		pd__cgroup_parse(buf, (size_t)len, &o);
	if (!strcmp(name, "docker-proxy") && (len = read_small(pd, "cmdline", buf, sizeof(buf))) > 0) {
		struct pd_container c;
		unsigned hp = 0;
		memset(&c, 0, sizeof(c));
		c.proto = -1;
		if (pd__proxy_cmdline(buf, (size_t)len, &c, &hp) == 1)
			o.container = c;
	}
	if (!*o.unit && !*o.container.engine && !*o.container.pod_uid)
		return;
	if (pd__grow(&wk->info, wk->ninfo, &wk->infocap, sizeof(*wk->info), 8)) {
		wk->err = PD_ENOMEM;
		return;
	}
	in = &wk->info[wk->ninfo];
	in->p = o;
	for (size_t i = from; i < wk->n; i++)
		wk->v[i].info = wk->ninfo;
	wk->ninfo++;
}

static void finish_pid(struct worker *wk, int pd, size_t from, int via_task)
{
	char buf[4096], name[64] = "", state = 0;
	unsigned uid = (unsigned)-1;
	ssize_t len = -1;
	int sf;

	sf = openat(pd, "status", O_RDONLY | O_CLOEXEC);
	if (sf >= 0) {
		len = read(sf, buf, sizeof(buf) - 1);
		close(sf);
	}
	/* a zombie main thread is expected when another thread's table was read */
	if (len <= 0 || pd__proc_status(buf, (size_t)len, name, sizeof(name), &uid, &state) ||
	    (!via_task && (state == 'Z' || state == 'X'))) {
		wk->n = from;
		return;
	}
	for (size_t i = from; i < wk->n; i++) {
		wk->v[i].uid = uid;
		memcpy(wk->v[i].comm, name, sizeof(name));
	}
	process_info(wk, pd, name, from);
}

static void scan_pid(struct worker *wk, int pid)
{
	char path[16];
	size_t from = wk->n;
	int pd, fdd, via_task = 0;

	snprintf(path, sizeof(path), "%d", pid);
	pd = openat(wk->s->procfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pd < 0)
		return;     /* exited since the listing */
	fdd = openat(pd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd < 0 && errno != EACCES && errno != EPERM) {
		close(pd);
		return;
	}
	/* an exited main thread leaves fd empty, or root's to read (it has
	 * no memory map left): the other threads hold the table */
	if (fdd < 0 || !scan_fds(wk, fdd, pid)) {
		via_task = scan_tasks(wk, pd, pid);
		if (fdd < 0 && !via_task)
			wk->denied++;
	}
	if (fdd >= 0)
		close(fdd);
	if (wk->n > from && !wk->err)
		finish_pid(wk, pd, from, via_task);
	close(pd);
}

static void *scan_worker(void *arg)
{
	struct worker *wk = arg;
	struct scan *s = wk->s;
	const size_t chunk = 4;

	for (;;) {
		size_t i = atomic_fetch_add(&s->next, chunk);
		if (i >= s->npids || wk->err)
			break;
		for (size_t k = i; k < i + chunk && k < s->npids && !wk->err; k++)
			scan_pid(wk, s->pids[k]);
	}
	return NULL;
}

static int cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (x->sock > y->sock) - (x->sock < y->sock);
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Every PID under procroot, ascending as /proc lists them. */
static int list_pids(int procfd, int **pids, size_t *npids)
{
	char dents[32768] __attribute__((aligned(8)));
	size_t n = 0, cap = 0;
	int *v = NULL;
	long k;

	while ((k = syscall(SYS_getdents64, procfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < k;) {
			const char *dn = dents + off + 19;
			unsigned short reclen;
			int pid;
			memcpy(&reclen, dents + off + 16, sizeof(reclen));
			off += reclen;
			if (dn[0] < '1' || dn[0] > '9' || parse_pid(dn, &pid))
				continue;
			if (n == cap) {
				int *nv;
				cap = cap ? cap * 2 : 1024;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return PD_ENOMEM;
				}
				v = nv;
			}
			v[n++] = pid;
		}
	}
	*pids = v;
	*npids = n;
	return 0;
}

/* A socket that systemd itself holds (socket activation): its .socket
 * unit, from the system's unit files that listen on its port. Only for
 * sockets that PID 1 holds, so it costs nothing otherwise. */
static void socket_units(struct pd_socket_list *l)
{
	static const char *const dirs[] = { "/etc/systemd/system", "/run/systemd/system",
					    "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
					    "/lib/systemd/system" };
	char buf[8192];

	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].nowners; k++) {
			struct pd_owner *o = &l->v[i].owners[k];
			int found = 0;
			if (o->pid != 1 || strcmp(o->comm, "systemd"))
				continue;
			for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !found; d++) {
				int dfd = open(dirs[d], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				char dents[8192] __attribute__((aligned(8)));
				long n;
				while (dfd >= 0 && !found && (n = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0)
					for (long off = 0; off < n && !found;) {
						const char *dn = dents + off + 19;
						unsigned short reclen;
						size_t dl = strlen(dn);
						ssize_t len;
						int fd;
						memcpy(&reclen, dents + off + 16, sizeof(reclen));
						off += reclen;
						if (dl <= 7 || strcmp(dn + dl - 7, ".socket") || dl >= sizeof(o->unit))
							continue;
						fd = openat(dfd, dn, O_RDONLY | O_CLOEXEC);
						if (fd < 0)
							continue;
						len = read(fd, buf, sizeof(buf));
						close(fd);
						if (len > 0 && pd__socket_unit_listens(buf, (size_t)len, l->v[i].port,
										       l->v[i].proto)) {
							snprintf(o->unit, sizeof(o->unit), "%s", dn);
							found = 1;
						}
					}
				if (dfd >= 0)
					close(dfd);
			}
		}
}

static const char reason_hidden[] = "another user's socket; run as root to see its process";
static const char reason_denied[] = "permission denied reading the processes that may hold it";
static const char reason_none[] =
	"no process holds it (closed during the scan, or in flight between processes)";
static const char reason_noproc[] = "/proc cannot be read";

static int map_owners(const char *procroot, struct pd_socket_list *l, int engines)
{
	struct scan s;
	struct worker *wk = NULL;
	struct want *w = NULL;
	struct hit *all = NULL;
	pthread_t th[8];
	int *pids = NULL;
	size_t npids = 0, nthreads = 1, started = 0, total = 0;
	struct pd_container *ctrs = NULL;
	unsigned denied = 0;
	size_t nctr = 0;
	long cpus;
	int rc = 0, containers = 0;

	memset(&s, 0, sizeof(s));
	s.procfd = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.procfd < 0) {
		for (size_t i = 0; i < l->n; i++)
			l->v[i].unknown = reason_noproc;
		return 0;
	}
	w = malloc(l->n * sizeof(*w));
	if (!w) {
		rc = PD_ENOMEM;
		goto out;
	}
	if ((rc = list_pids(s.procfd, &pids, &npids)))
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		w[i].ino = l->v[i].inode;
		w[i].sock = i;
	}
	qsort(w, l->n, sizeof(*w), cmp_want);
	s.w = w;
	s.nw = l->n;
	s.pids = pids;
	s.npids = npids;
	atomic_init(&s.next, 0);

	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (npids >= 48 && cpus > 1)
		nthreads = cpus > 8 ? 8 : (size_t)cpus;
	wk = calloc(nthreads, sizeof(*wk));
	if (!wk) {
		rc = PD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nthreads; i++)
		wk[i].s = &s;
	/* the calling thread is worker 0 */
	for (started = 1; started < nthreads; started++)
		if (pthread_create(&th[started], NULL, scan_worker, &wk[started]))
			break;
	scan_worker(&wk[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < started; i++) {
		if (wk[i].err)
			rc = wk[i].err;
		total += wk[i].n;
		denied += wk[i].denied;
	}
	if (rc)
		goto out;
	l->denied = denied;
	if (total) {
		struct pd_owner *pool;
		size_t k = 0;
		all = malloc(total * sizeof(*all));
		pool = malloc(total * sizeof(*pool));
		if (!all || !pool) {
			free(pool);
			rc = PD_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < started; i++) {
			if (wk[i].n)
				memcpy(all + k, wk[i].v, wk[i].n * sizeof(*all));
			for (size_t j = k; j < k + wk[i].n; j++)  /* the worker's index, made global */
				all[j].info = all[j].info == (size_t)-1 ? (size_t)-1 : all[j].info * nthreads + i;
			k += wk[i].n;
		}
		qsort(all, total, sizeof(*all), cmp_hit);
		l->pool = pool;
		/* the containers: a copy for each owner in one (a proxy's target
		 * depends on its socket) */
		for (size_t i = 0; i < total; i++)
			if (all[i].info != (size_t)-1) {
				const struct info *in = &wk[all[i].info % nthreads].info[all[i].info / nthreads];
				nctr += *in->p.container.engine || *in->p.container.pod_uid;
			}
		if (nctr && !(ctrs = malloc(nctr * sizeof(*ctrs)))) {
			rc = PD_ENOMEM;
			goto out;
		}
		l->containers = ctrs;
		nctr = 0;
		k = 0;
		for (size_t i = 0; i < total; i++) {
			struct pd_socket *sk = &l->v[all[i].sock];
			if (i && !cmp_hit(&all[i - 1], &all[i]))
				continue;
			if (!sk->owners)
				sk->owners = pool + k;
			pool[k].pid = all[i].pid;
			pool[k].fd = all[i].fd;
			pool[k].uid = all[i].uid;
			memcpy(pool[k].comm, all[i].comm, sizeof(pool[k].comm));
			pool[k].unit[0] = '\0';
			pool[k].user_unit = 0;
			pool[k].container = NULL;
			if (all[i].info != (size_t)-1) {
				const struct info *in = &wk[all[i].info % nthreads].info[all[i].info / nthreads];
				memcpy(pool[k].unit, in->p.unit, sizeof(pool[k].unit));
				pool[k].user_unit = in->p.user_unit;
				if (*in->p.container.engine || *in->p.container.pod_uid) {
					ctrs[nctr] = in->p.container;
					pool[k].container = &ctrs[nctr++];
				}
				containers |= *in->p.container.engine != '\0';
			}
			sk->nowners++;
			k++;
		}
	}
	{
		uid_t me = geteuid();
		for (size_t i = 0; i < l->n; i++) {
			struct pd_socket *sk = &l->v[i];
			if (sk->nowners)
				continue;
			if (me != 0 && sk->uid != me)
				sk->unknown = reason_hidden;
			else if (denied)
				sk->unknown = reason_denied;
			else
				sk->unknown = reason_none;
		}
	}
	socket_units(l);
	/* the engines only when some owner is in a container or a proxy */
	if (containers && engines)
		pd__engine_annotate(l);
out:
	if (wk)
		for (size_t i = 0; i < nthreads; i++) {
			free(wk[i].v);
			free(wk[i].info);
		}
	free(wk);
	free(all);
	free(pids);
	free(w);
	close(s.procfd);
	return rc;
}

/* ---------------------------------------------------------------------- */

int pd_listening(const struct pd_listen_opts *o, struct pd_socket_list *out)
{
	struct pd__filter f;
	struct collect c;
	struct nsset ns;
	struct stat st;
	int rc;

	if (!out)
		return PD_EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&ns, 0, sizeof(ns));
	if ((rc = pd__filter_init(&f, o)))
		return rc;
	if (o->netns && o->all_netns)
		return PD_EINVAL;
	memset(&c, 0, sizeof(c));
	c.f = &f;
	c.procroot = o->procroot ? o->procroot : "/proc";
	c.live = !strcmp(c.procroot, "/proc");
	c.no_netlink = o->no_netlink;
	c.use_eq = 1;
	c.out = out;
	if (c.live && !stat("/proc/thread-self/ns/net", &st))
		ns.self = (unsigned long)st.st_ino;
	if (o->all_netns)
		rc = ns_all(&ns, c.procroot);
	else if (o->netns)
		rc = ns_explicit(&ns, o->netns, c.procroot);
	if (rc)
		goto out;

	if (ns.n == 0 || (ns.n == 1 && ns.v[0].ino == ns.self && ns.self)) {
		/* only ours: no thread needed */
		if ((rc = collect_ns(&c)))
			goto out;
		for (size_t i = 0; i < out->n; i++)
			out->v[i].netns_ino = ns.self;
	} else {
		struct ns_job job = { &c, &ns, 0 };
		pthread_t t;
		if (pthread_create(&t, NULL, ns_worker, &job)) {
			rc = PD_ENOMEM;
			goto out;
		}
		pthread_join(t, NULL);
		if ((rc = job.rc))
			goto out;
	}
	out->method = c.used_netlink && c.used_procnet ? "netlink, /proc/net"
		    : c.used_netlink || (!c.used_procnet && !c.no_netlink) ? "netlink" : "/proc/net";
	pd__socket_list_sort(out);
	if (o->owners && out->n)
		rc = map_owners(c.procroot, out, !o->no_engines && c.live);
	/* ports published by NAT rules alone: the host's namespace only */
	if (!rc && o->owners && !o->no_engines && c.live && !o->netns)
		rc = pd__engine_published(out, &f);
out:
	free(c.buf);
	free(ns.v);
	if (rc)
		pd_socket_list_release(out);
	return rc;
}
