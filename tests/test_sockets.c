/* test_sockets.c: pd_listening() and its parsers.
 *
 *  - replays: recorded sock_diag dumps and /proc/net files of this project's
 *    own sockets (tests/data/listening/, made by `test_sockets --record DIR`)
 *    through the parsers, against the expectations recorded beside them;
 *  - a fake /proc tree (PID/fd symlinks, status files) for the owner scan;
 *  - the port filter and its inet_diag bytecode, run by an interpreter of
 *    the kernel's rules for every port;
 *  - live sockets on loopback (TCP, UDP, IPv4, IPv6, v6only on and off, a
 *    socket shared by two processes, one held by a thread whose main
 *    thread has exited, clients that must not be listed), with netlink and
 *    with /proc/net.
 * Ports are chosen by the kernel; children exit by themselves (alarm) and
 * are killed by PID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "portdex.h"
#include "sockets.h"

static const char *datadir(void)
{
	static char dir[4096];
	const char *src = getenv("PD_SOURCE_ROOT");

	snprintf(dir, sizeof(dir), "%s/tests/data/listening", src ? src : ".");
	return dir;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const struct pd_socket *find_ino(const struct pd_socket_list *l, unsigned long ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inode == ino)
			return &l->v[i];
	return NULL;
}

/* ---- replays of recorded input ---- */

/* expected.txt: "proto family address port v6only inode listener" per socket */
struct expect {
	char proto[8], addr[64];
	int family, v6only, listener;
	unsigned port;
	unsigned long inode;
};

static size_t read_expected(struct expect *e, size_t max)
{
	char path[4200], line[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expected.txt", datadir());
	f = fopen(path, "r");
	assert_non_null(f);
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%7s %d %63s %u %d %lu %d", e[n].proto, &e[n].family, e[n].addr,
					&e[n].port, &e[n].v6only, &e[n].inode, &e[n].listener), 7);
		n++;
	}
	fclose(f);
	return n;
}

/* Every recorded listener of proto is in l, right; nothing else is. */
static void check_against_expected(const struct pd_socket_list *l, int proto, int from_netlink)
{
	struct expect e[64];
	size_t n = read_expected(e, 64), listeners = 0, clients = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pd_socket *s;
		if (pd_proto_parse(e[i].proto, strlen(e[i].proto)) != proto)
			continue;
		s = find_ino(l, e[i].inode);
		if (!e[i].listener) {
			assert_null(s);  /* a client, an accepted or a connected socket */
			clients++;
			continue;
		}
		listeners++;
		if (!s)
			fail_msg("recorded %s socket %lu (%s port %u) not parsed", e[i].proto, e[i].inode, e[i].addr,
				 e[i].port);
		assert_int_equal(s->proto, proto);
		assert_int_equal(s->family, e[i].family);
		assert_string_equal(s->addr, e[i].addr);
		assert_int_equal(s->port, e[i].port);
		assert_int_equal(s->v6only, from_netlink ? e[i].v6only : -1);
	}
	assert_true(listeners > 0);
	assert_true(clients > 0);
	assert_int_equal(l->n, listeners);
}

static void test_replay_procnet(void **state)
{
	static const char *const files[][2] = { { "tcp", "tcp6" }, { "udp", "udp6" } };
	struct pd_listen_opts o = { 0 };
	struct pd__filter f;

	(void)state;
	assert_int_equal(pd__filter_init(&f, &o), 0);
	for (int proto = PD_TCP; proto <= PD_UDP; proto++) {
		struct pd_socket_list l = { 0 };
		for (int k = 0; k < 2; k++) {
			char path[4200], *text;
			size_t len;
			snprintf(path, sizeof(path), "%s/proc/net/%s", datadir(), files[proto][k]);
			text = slurp(path, &len);
			assert_int_equal(pd__procnet_parse(text, len, proto, &f, &l), 0);
			free(text);
		}
		check_against_expected(&l, proto, 0);
		pd_socket_list_release(&l);
	}
}

static void test_replay_netlink(void **state)
{
	static const char *const files[][2] = { { "diag-tcp4.bin", "diag-tcp6.bin" },
						{ "diag-udp4.bin", "diag-udp6.bin" } };
	struct pd_listen_opts o = { 0 };
	struct pd__filter f;

	(void)state;
	assert_int_equal(pd__filter_init(&f, &o), 0);
	for (int proto = PD_TCP; proto <= PD_UDP; proto++) {
		struct pd_socket_list l = { 0 };
		for (int k = 0; k < 2; k++) {
			char path[4200], *bin;
			size_t len;
			snprintf(path, sizeof(path), "%s/%s", datadir(), files[proto][k]);
			bin = slurp(path, &len);
			assert_int_equal(pd__diag_parse(bin, len, proto, &f, &l), 0);
			/* each message on its own, too; cut short, it is malformed */
			for (size_t off = 0; off + PD__NLMSG_HDRLEN <= len;) {
				uint32_t mlen;
				struct pd_socket s;
				memcpy(&mlen, bin + off, 4);
				assert_true(mlen >= PD__NLMSG_HDRLEN && mlen <= len - off);
				assert_true(pd__diag_msg(bin + off, mlen, proto, &s) >= 0);
				if (mlen > PD__NLMSG_HDRLEN && pd__diag_msg(bin + off, mlen, proto, &s) == 1)
					assert_int_equal(pd__diag_msg(bin + off, mlen - 1, proto, &s), PD_EFORMAT);
				off += (mlen + 3) & ~3u;
			}
			free(bin);
		}
		check_against_expected(&l, proto, 1);
		pd_socket_list_release(&l);
	}
}

static void test_procnet_lines(void **state)
{
	struct pd_socket s;

	(void)state;
	/* header, listener, established */
	assert_int_equal(pd__procnet_line("  sl  local_address rem_address   st tx_queue", 45, PD_TCP, &s), 0);
	{
		const char *l = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0";
		uint32_t lo = htonl(0x7f000001), word;
		char line[256];
		assert_int_equal(pd__procnet_line(l, strlen(l), PD_TCP, &s), 1);
		/* the address is as the host stores 127.0.0.1; on a little-endian
		 * host that is 0100007F */
		memcpy(&word, &lo, 4);
		snprintf(line, sizeof(line), "   0: %08X:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1", word);
		assert_int_equal(pd__procnet_line(line, strlen(line), PD_TCP, &s), 1);
		assert_string_equal(s.addr, "127.0.0.1");
		assert_int_equal(s.port, 8080);
		assert_int_equal(s.uid, 1000);
		assert_int_equal(s.inode, 4242);
		assert_int_equal(s.v6only, -1);
	}
	{
		const char *l = "   1: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 4243 1";
		assert_int_equal(pd__procnet_line(l, strlen(l), PD_TCP, &s), 0);
	}
	/* UDP: unconnected (07, no peer) is kept, connected is not */
	{
		const char *u = "  5: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 77 2 0 0";
		const char *c = "  6: 0100007F:9C40 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 78 2 0 0";
		assert_int_equal(pd__procnet_line(u, strlen(u), PD_UDP, &s), 1);
		assert_int_equal(s.port, 53);
		assert_string_equal(s.addr, "0.0.0.0");
		assert_int_equal(pd__procnet_line(c, strlen(c), PD_UDP, &s), 0);
	}
	/* IPv6: four host-order words */
	{
		const char *l = "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1";
		assert_int_equal(pd__procnet_line(l, strlen(l), PD_TCP, &s), 1);
		assert_int_equal(s.family, 6);
		assert_string_equal(s.addr, "::");
		assert_int_equal(pd_socket_dual_stack(&s), 0);  /* v6only unknown */
	}
	/* malformed */
	{
		const char *bad[] = {
			"   0: 0100007F:1F90",
			"   0: 0100007:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
			"   0: 0100007F:1F900 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
			"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 99999999999 0 1",
			"   0: 0100007F:1F90 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 1",
			"x",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(pd__procnet_line(bad[i], strlen(bad[i]), PD_TCP, &s), PD_EFORMAT);
	}
	/* SCTP endpoints */
	{
		const char *hdr = " ENDPT     SOCK   STY SST HBKT LPORT   UID INODE LADDRS";
		const char *ep = "0000000000000000 0000000000000000 2   10  29   5001      0 24343 10.0.0.1 192.168.1.1 ";
		const char *ep6 = "0 0 1   10  3    36412   1000 777 0000:0000:0000:0000:0000:0000:0000:0001 ";
		const char *closed = "0 0 2   7   29   5002      0 24344 0.0.0.0 ";
		assert_int_equal(pd__procnet_sctp_line(hdr, strlen(hdr), &s), 0);
		assert_int_equal(pd__procnet_sctp_line(ep, strlen(ep), &s), 1);
		assert_int_equal(s.proto, PD_SCTP);
		assert_int_equal(s.port, 5001);
		assert_string_equal(s.addr, "10.0.0.1");
		assert_int_equal(s.inode, 24343);
		assert_int_equal(pd__procnet_sctp_line(ep6, strlen(ep6), &s), 1);
		assert_string_equal(s.addr, "::1");
		assert_int_equal(s.uid, 1000);
		assert_int_equal(pd__procnet_sctp_line(closed, strlen(closed), &s), 0);
	}
}

static void test_status_and_links(void **state)
{
	char name[64];
	unsigned uid;
	char st;
	unsigned long ino;
	const char *status = "Name:\tnginx: w\\134x\\nq\n"
			     "Umask:\t0022\nState:\tS (sleeping)\nTgid:\t5\nUid:\t1000\t33\t33\t33\nGid:\t0\t0\t0\t0\n";
	const char bad_utf8[] = "Name:\tab\xc3\n" "Uid:\t0\t0\t0\t0\n";

	(void)state;
	assert_int_equal(pd__proc_status(status, strlen(status), name, sizeof(name), &uid, &st), 0);
	assert_string_equal(name, "nginx: w\\x\nq");
	assert_int_equal(uid, 33);
	assert_int_equal(st, 'S');
	assert_int_equal(pd__proc_status(bad_utf8, strlen(bad_utf8), name, sizeof(name), &uid, &st), 0);
	assert_string_equal(name, "ab\xef\xbf\xbd");
	assert_int_equal(pd__proc_status("Name:\tx\n", 8, name, sizeof(name), &uid, &st), PD_EFORMAT);

	pd__utf8_clean(name, 6, "\xe2\x82\xac\xe2\x82\xac", 6);  /* no room for the second euro */
	assert_string_equal(name, "\xe2\x82\xac");
	pd__utf8_clean(name, sizeof(name), "\xed\xa0\x80" "a\xc0\xaf", 6);  /* surrogate, overlong */
	assert_string_equal(name, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "a\xef\xbf\xbd\xef\xbf\xbd");

	assert_int_equal(pd__socket_link_inode("socket:[123]", 12, &ino), 1);
	assert_int_equal(ino, 123);
	assert_int_equal(pd__socket_link_inode("socket:[]", 9, &ino), 0);
	assert_int_equal(pd__socket_link_inode("socket:[12a]", 12, &ino), 0);
	assert_int_equal(pd__socket_link_inode("pipe:[123]", 10, &ino), 0);
	assert_int_equal(pd__socket_link_inode("/dev/null", 9, &ino), 0);
}

/* ---- the filter and its bytecode ---- */

/* The kernel's inet_diag_bc_audit() and inet_diag_bc_run() for the
 * operations we emit: -1 when the kernel would refuse the program. */
static int bc_run(const unsigned char *bc, size_t len, unsigned port)
{
	long remaining = (long)len;
	const unsigned char *p = bc;

	while (remaining > 0) {
		unsigned code = p[0], yes = p[1], no;
		uint16_t no16, arg;
		int ok;
		memcpy(&no16, p + 2, 2);
		no = no16;
		if (code == 2 || code == 3 || code == 11) {
			if (remaining < 8)
				return -1;
			memcpy(&arg, p + 6, 2);
			ok = code == 2 ? port >= arg : code == 3 ? port <= arg : port == arg;
			if (yes < 8 || no < 8)
				return -1;
		} else if (code == 1) {
			ok = 0;
			if (yes < 4 || no < 4)
				return -1;
		} else {
			return -1;
		}
		if ((long)yes > remaining + 4 || (long)no > remaining + 4 || (yes & 3) || (no & 3))
			return -1;
		if (ok) {
			remaining -= yes;
			p += yes;
		} else {
			remaining -= no;
			p += no;
		}
	}
	return remaining == 0;
}

static void test_filter_bytecode(void **state)
{
	struct pd_query q[] = {
		{ PD_Q_PORT, 80, 80, PD_PROTO_ANY, "" },
		{ PD_Q_RANGE, 8000, 8010, PD_TCP, "" },
		{ PD_Q_RANGE, 8005, 8020, PD_PROTO_ANY, "" },
		{ PD_Q_PORT, 8021, 8021, PD_TCP, "" },
		{ PD_Q_PORT, 53, 53, PD_UDP, "" },
		{ PD_Q_RANGE, 65530, 65535, PD_PROTO_ANY, "" },
		{ PD_Q_PORT, 0, 0, PD_TCP, "" },
	};
	struct pd_listen_opts o = { 0 };
	struct pd__filter f;
	unsigned r[16][2];
	unsigned char bc[1024];

	(void)state;
	o.queries = q;
	o.nqueries = sizeof(q) / sizeof(q[0]);
	assert_int_equal(pd__filter_init(&f, &o), 0);
	assert_int_equal(pd__filter_ranges(&f, PD_TCP, r, 16), 4);
	assert_int_equal(r[0][0], 0);
	assert_int_equal(r[0][1], 0);
	assert_int_equal(r[1][0], 80);
	assert_int_equal(r[2][0], 8000);
	assert_int_equal(r[2][1], 8021);
	assert_int_equal(r[3][0], 65530);
	assert_int_equal(r[3][1], 65535);
	assert_int_equal(pd__filter_ranges(&f, PD_UDP, r, 16), 4);  /* 53, 80, 8005-8020, 65530- */
	assert_int_equal(pd__filter_ranges(&f, PD_UDP, r, 2), 4);   /* counts past max */
	assert_true(pd__filter_wants_proto(&f, PD_SCTP));
	for (int proto = PD_TCP; proto <= PD_SCTP; proto++) {
		size_t n = pd__filter_ranges(&f, proto, r, 16);
		for (int eq = 0; eq < 2; eq++) {
			size_t len = pd__diag_bytecode((const unsigned (*)[2])r, n, eq, bc, sizeof(bc));
			assert_true(len > 0);
			for (unsigned port = 0; port <= 65535; port++)
				if (bc_run(bc, len, port) != pd__filter_match(&f, proto, port))
					fail_msg("port %u proto %d eq %d: bytecode and filter disagree", port, proto, eq);
		}
	}
	assert_int_equal(pd__diag_bytecode((const unsigned (*)[2])r, 4, 1, bc, 8), 0);  /* does not fit */

	/* only udp asked: tcp is not dumped at all */
	{
		struct pd_query u = { PD_Q_PORT, 53, 53, PD_UDP, "" };
		o.queries = &u;
		o.nqueries = 1;
		assert_int_equal(pd__filter_init(&f, &o), 0);
		assert_false(pd__filter_wants_proto(&f, PD_TCP));
		assert_true(pd__filter_match(&f, PD_UDP, 53));
		assert_false(pd__filter_match(&f, PD_TCP, 53));
		o.protos = 1u << PD_TCP;
		assert_int_equal(pd__filter_init(&f, &o), 0);
		assert_false(pd__filter_wants_proto(&f, PD_UDP));
	}
	/* names must be resolved by the caller */
	{
		struct pd_query nq = { PD_Q_NAME, 0, 0, PD_PROTO_ANY, "ssh" };
		struct pd_socket_list l;
		o.queries = &nq;
		o.nqueries = 1;
		o.protos = 0;
		assert_int_equal(pd_listening(&o, &l), PD_EINVAL);
		assert_int_equal(l.n, 0);
		pd_socket_list_release(&l);
		o.queries = NULL;
		o.protos = 1u << PD_DCCP;
		assert_int_equal(pd_listening(&o, &l), PD_EINVAL);
		pd_socket_list_release(&l);
	}
}

/* ---- a fake /proc tree: the owner scan on known input ---- */

static char fake[256];

static void put_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void put_link(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void status_file(const char *pid_dir, const char *name, unsigned uid, char state)
{
	char rel[128], text[512];

	snprintf(rel, sizeof(rel), "%s/status", pid_dir);
	snprintf(text, sizeof(text), "Name:\t%s\nUmask:\t0022\nState:\t%c (x)\nTgid:\t1\nUid:\t%u\t%u\t%u\t%u\n",
		 name, state, uid, uid, uid, uid);
	put_file(rel, text);
}

static void test_fake_proc(void **state)
{
	struct pd_listen_opts o = { 0 };
	struct pd_socket_list l;
	const struct pd_socket *s;
	char tcp[2048];
	unsigned me = (unsigned)geteuid();

	(void)state;
	snprintf(fake, sizeof(fake), "/tmp/pd-fakeproc-XXXXXX");
	assert_non_null(mkdtemp(fake));
	put_dir("net");
	snprintf(tcp, sizeof(tcp),
		 "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		 "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 1001 1\n"
		 "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 1002 1\n"
		 "   2: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 1003 1\n"
		 "   3: 00000000:0050 00000000:C000 01 00000000:00000000 00:00000000 00000000 %5u        0 1004 1\n"
		 "   4: 00000000:2329 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 1005 1\n",
		 me, me, me, me, me);
	put_file("net/tcp", tcp);
	/* 100 and 101 share socket 1001 (prefork); 101 also holds a pipe */
	put_dir("100");
	put_dir("100/fd");
	put_link("100/fd/3", "socket:[1001]");
	put_link("100/fd/4", "/dev/null");
	status_file("100", "nginx", 0, 'S');
	put_dir("101");
	put_dir("101/fd");
	put_link("101/fd/3", "socket:[1001]");
	put_link("101/fd/5", "pipe:[77]");
	put_link("101/fd/6", "socket:[1004]");  /* the accepted connection: not listed */
	status_file("101", "nginx: worker", 33, 'S');
	/* 200: main thread gone, thread 201 holds socket 1002 */
	put_dir("200");
	put_dir("200/fd");
	put_dir("200/task");
	put_dir("200/task/200");
	put_dir("200/task/200/fd");
	put_dir("200/task/201");
	put_dir("200/task/201/fd");
	put_link("200/task/201/fd/7", "socket:[1002]");
	status_file("200", "threaded", me, 'Z');
	/* 300 holds 1003 but is gone by the time its status is read */
	put_dir("300");
	put_dir("300/fd");
	put_link("300/fd/5", "socket:[1003]");
	/* 400 holds 1005 but is a zombie */
	put_dir("400");
	put_dir("400/fd");
	put_link("400/fd/9", "socket:[1005]");
	status_file("400", "dead", me, 'Z');
	/* noise: not a pid, a kernel-thread-like empty one */
	put_dir("self");
	put_dir("500");
	put_dir("500/fd");

	o.procroot = fake;
	o.no_netlink = 1;
	o.owners = 1;
	assert_int_equal(pd_listening(&o, &l), 0);
	assert_string_equal(l.method, "/proc/net");
	assert_int_equal(l.n, 4);
	s = find_ino(&l, 1001);
	assert_non_null(s);
	assert_int_equal(s->port, 80);
	assert_int_equal(s->nowners, 2);
	assert_int_equal(s->owners[0].pid, 100);
	assert_int_equal(s->owners[0].fd, 3);
	assert_string_equal(s->owners[0].comm, "nginx");
	assert_int_equal(s->owners[0].uid, 0);
	assert_int_equal(s->owners[1].pid, 101);
	assert_string_equal(s->owners[1].comm, "nginx: worker");
	assert_int_equal(s->owners[1].uid, 33);
	assert_null(s->unknown);
	s = find_ino(&l, 1002);
	assert_non_null(s);
	assert_int_equal(s->nowners, 1);
	assert_int_equal(s->owners[0].pid, 200);
	assert_int_equal(s->owners[0].fd, 7);
	assert_string_equal(s->owners[0].comm, "threaded");
	for (unsigned long ino = 1003; ino <= 1005; ino += 2) {
		s = find_ino(&l, ino);
		assert_non_null(s);
		assert_int_equal(s->nowners, 0);
		assert_non_null(s->unknown);
	}
	assert_null(find_ino(&l, 1004));
	/* sorted by port */
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.v[i - 1].port <= l.v[i].port);
	pd_socket_list_release(&l);

	/* a query that matches nothing: empty, and no error */
	{
		struct pd_query q = { PD_Q_PORT, 81, 81, PD_PROTO_ANY, "" };
		o.queries = &q;
		o.nqueries = 1;
		assert_int_equal(pd_listening(&o, &l), 0);
		assert_int_equal(l.n, 0);
		pd_socket_list_release(&l);
	}
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake);
		assert_int_equal(system(cmd), 0);
	}
}

/* ---- live sockets on loopback ---- */

static int have_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* A socket bound to addr, port chosen by the kernel; listening for TCP. */
static int bound(int family, int type, const char *addr, int v6only, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &a->sin_addr), 1);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &a->sin6_addr), 1);
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)), 0);
		len = sizeof(*a);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static unsigned long inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (unsigned long)st.st_ino;
}

static int has_owner(const struct pd_socket *s, int pid, int fd)
{
	for (size_t i = 0; i < s->nowners; i++)
		if (s->owners[i].pid == pid && (fd < 0 || s->owners[i].fd == fd))
			return 1;
	return 0;
}

/* Lists the sockets on these ports, owners included. */
static void list_ports(const unsigned *ports, size_t n, int proto, int no_netlink, struct pd_socket_list *l)
{
	struct pd_query q[16];
	struct pd_listen_opts o = { 0 };

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		q[i].kind = PD_Q_PORT;
		q[i].first = q[i].last = ports[i];
		q[i].proto = proto;
		q[i].name[0] = '\0';
	}
	o.queries = q;
	o.nqueries = n;
	o.owners = 1;
	o.no_netlink = no_netlink;
	assert_int_equal(pd_listening(&o, l), 0);
	assert_string_equal(l->method, no_netlink ? "/proc/net" : "netlink");
}

struct live {
	const char *what;
	int family, type, v6only;
	const char *addr, *shown;
	int fd;
	unsigned port;
};

/* test_sockets --ipv6: the IPv6 sockets of test_live_families, as a test
 * of its own (exit 77 where there is no IPv6); otherwise the IPv4 ones */
static int ipv6_part;

static void test_live_families(void **state)
{
	struct live all[] = {
		{ "tcp4", AF_INET, SOCK_STREAM, 0, "127.0.0.1", "127.0.0.1", -1, 0 },
		{ "udp4", AF_INET, SOCK_DGRAM, 0, "127.0.0.1", "127.0.0.1", -1, 0 },
		{ "tcp6 dual", AF_INET6, SOCK_STREAM, 0, "::", "::", -1, 0 },
		{ "tcp6 v6only", AF_INET6, SOCK_STREAM, 1, "::", "::", -1, 0 },
		{ "tcp6 loopback", AF_INET6, SOCK_STREAM, 1, "::1", "::1", -1, 0 },
		{ "tcp6 mapped", AF_INET6, SOCK_STREAM, 0, "::ffff:127.0.0.1", "::ffff:127.0.0.1", -1, 0 },
		{ "udp6 dual", AF_INET6, SOCK_DGRAM, 0, "::", "::", -1, 0 },
		{ "udp6 loopback", AF_INET6, SOCK_DGRAM, 1, "::1", "::1", -1, 0 },
	};
	/* the first two are IPv4 */
	struct live *s = ipv6_part ? all + 2 : all;
	size_t n = ipv6_part ? sizeof(all) / sizeof(all[0]) - 2 : 2;
	unsigned ports[16];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		s[i].fd = bound(s[i].family, s[i].type, s[i].addr, s[i].v6only, &s[i].port);
		ports[i] = s[i].port;
	}
	for (int no_netlink = 0; no_netlink < 2; no_netlink++) {
		struct pd_socket_list l;
		list_ports(ports, n, PD_PROTO_ANY, no_netlink, &l);
		for (size_t i = 0; i < n; i++) {
			const struct pd_socket *k = find_ino(&l, inode_of(s[i].fd));
			if (!k)
				fail_msg("%s on port %u not found (%s)", s[i].what, s[i].port, l.method);
			assert_int_equal(k->proto, s[i].type == SOCK_STREAM ? PD_TCP : PD_UDP);
			assert_int_equal(k->family, s[i].family == AF_INET ? 4 : 6);
			assert_int_equal(k->port, s[i].port);
			assert_string_equal(k->addr, s[i].shown);
			assert_int_equal(k->uid, (unsigned)geteuid());
			assert_true(has_owner(k, getpid(), s[i].fd));
			assert_int_equal(k->nowners, 1);
			assert_string_equal(k->netns, "");
			if (s[i].family == AF_INET6 && !no_netlink) {
				assert_int_equal(k->v6only, s[i].v6only);
				assert_int_equal(pd_socket_dual_stack(k), !s[i].v6only && !strcmp(s[i].addr, "::"));
			} else {
				assert_int_equal(k->v6only, -1);
				assert_int_equal(pd_socket_dual_stack(k), 0);
			}
			assert_int_equal(pd_socket_v4_mapped(k), !strcmp(s[i].addr, "::ffff:127.0.0.1"));
			if (!no_netlink)
				assert_true(k->netns_ino != 0);
		}
		/* other tests may hold sockets on the same port numbers (another
		 * address or transport): only ours are counted */
		for (size_t i = 0, ours = 0; i < l.n; i++)
			for (size_t k = 0; k < n; k++)
				if (l.v[i].inode == inode_of(s[k].fd) && ++ours > n)
					fail_msg("a socket listed twice");
		pd_socket_list_release(&l);
	}
	/* the transport mask, on the IPv4 tcp and udp sockets */
	if (!ipv6_part) {
		struct pd_listen_opts o = { 0 };
		struct pd_socket_list l;
		o.protos = 1u << PD_UDP;
		assert_int_equal(pd_listening(&o, &l), 0);
		for (size_t i = 0; i < l.n; i++)
			assert_int_equal(l.v[i].proto, PD_UDP);
		assert_non_null(find_ino(&l, inode_of(s[1].fd)));
		assert_null(find_ino(&l, inode_of(s[0].fd)));
		assert_int_equal(l.v && l.n ? l.v[0].nowners : 0, 0);  /* owners not asked */
		pd_socket_list_release(&l);
	}
	for (size_t i = 0; i < n; i++)
		close(s[i].fd);
}

static void test_live_clients(void **state)
{
	unsigned lport, cport, uport, uport2;
	int lfd = bound(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &lport);
	int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ufd = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0, &uport);
	int ufd2 = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0, &uport2);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)lport) };
	socklen_t alen = sizeof(a);
	int afd;

	(void)state;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(cfd >= 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&a, &alen), 0);
	cport = ntohs(a.sin_port);
	/* a connected UDP socket is a client */
	a.sin_port = htons((uint16_t)uport2);
	assert_int_equal(connect(ufd, (struct sockaddr *)&a, sizeof(a)), 0);
	for (int no_netlink = 0; no_netlink < 2; no_netlink++) {
		unsigned ports[] = { lport, cport, uport, uport2 };
		struct pd_socket_list l;
		list_ports(ports, 4, PD_PROTO_ANY, no_netlink, &l);
		/* the listener and the bound UDP socket; not the client, not the
		 * accepted connection (same port as the listener), not the
		 * connected UDP socket */
		assert_non_null(find_ino(&l, inode_of(lfd)));
		assert_non_null(find_ino(&l, inode_of(ufd2)));
		assert_null(find_ino(&l, inode_of(afd)));
		assert_null(find_ino(&l, inode_of(cfd)));
		assert_null(find_ino(&l, inode_of(ufd)));
		pd_socket_list_release(&l);
		/* the transport of the query counts */
		list_ports(&lport, 1, PD_UDP, no_netlink, &l);
		assert_null(find_ino(&l, inode_of(lfd)));
		for (size_t i = 0; i < l.n; i++)
			assert_int_equal(l.v[i].proto, PD_UDP);
		pd_socket_list_release(&l);
	}
	close(afd);
	close(cfd);
	close(lfd);
	close(ufd);
	close(ufd2);
}

/* children of the live tests, killed by PID after each test, also
 * after a failed assertion */
static pid_t kids[80];
static size_t nkids;

static pid_t spawn(void)
{
	pid_t pid;

	assert_true(nkids < sizeof(kids) / sizeof(kids[0]));
	pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		kids[nkids++] = pid;
	else
		alarm(30);  /* bounded, whatever happens to the parent */
	return pid;
}

static int reap(void **state)
{
	(void)state;
	for (size_t i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	nkids = 0;
	return 0;
}

/* One socket, two processes: the parent and a forked child. */
static void test_live_prefork(void **state)
{
	unsigned port;
	int fd = bound(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &port);
	int sync[2];
	pid_t child;
	char c;

	(void)state;
	assert_int_equal(pipe(sync), 0);
	child = spawn();
	if (child == 0) {
		if (write(sync[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	assert_int_equal(read(sync[0], &c, 1), 1);
	for (int no_netlink = 0; no_netlink < 2; no_netlink++) {
		struct pd_socket_list l;
		const struct pd_socket *s;
		list_ports(&port, 1, PD_TCP, no_netlink, &l);
		s = find_ino(&l, inode_of(fd));
		assert_non_null(s);
		assert_int_equal(s->nowners, 2);
		assert_true(has_owner(s, getpid(), fd));
		assert_true(has_owner(s, child, fd));
		assert_true(s->owners[0].pid < s->owners[1].pid);
		pd_socket_list_release(&l);
	}
	reap(NULL);
	/* the child is gone: one owner again */
	{
		struct pd_socket_list l;
		const struct pd_socket *s;
		list_ports(&port, 1, PD_TCP, 0, &l);
		s = find_ino(&l, inode_of(fd));
		assert_non_null(s);
		assert_int_equal(s->nowners, 1);
		pd_socket_list_release(&l);
	}
	close(sync[0]);
	close(sync[1]);
	close(fd);
}

static int thread_pipe;

static void *holder(void *arg)
{
	unsigned port;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	(void)arg;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		_exit(1);
	port = ntohs(a.sin_port);
	if (write(thread_pipe, &port, sizeof(port)) != sizeof(port))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

/* 1 once the main thread of PID has exited (a zombie while its other
 * threads run) */
static int main_thread_gone(pid_t pid)
{
	char path[64], line[128];
	int gone = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			gone = strchr(line, 'Z') != NULL;
	fclose(f);
	return gone;
}

/* A socket held by a thread whose process's main thread has exited. */
static void test_live_main_thread_exited(void **state)
{
	int p[2];
	unsigned port = 0;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(p), 0);
	child = spawn();
	if (child == 0) {
		pthread_t t;
		thread_pipe = p[1];
		if (pthread_create(&t, NULL, holder, NULL))
			_exit(1);
		pthread_exit(NULL);
	}
	assert_int_equal(read(p[0], &port, sizeof(port)), sizeof(port));
	for (int i = 0; i < 500 && !main_thread_gone(child); i++)
		usleep(10000);
	assert_true(main_thread_gone(child));
	for (int no_netlink = 0; no_netlink < 2; no_netlink++) {
		struct pd_socket_list l;
		const struct pd_socket *k = NULL;
		list_ports(&port, 1, PD_TCP, no_netlink, &l);
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i].port == port && !strcmp(l.v[i].addr, "127.0.0.1"))
				k = &l.v[i];
		assert_non_null(k);
		assert_int_equal(k->nowners, 1);
		assert_int_equal(k->owners[0].pid, child);
		assert_true(*k->owners[0].comm);
		assert_null(k->unknown);
		pd_socket_list_release(&l);
	}
	close(p[0]);
	close(p[1]);
}

/* Many processes: every thread of the scan gets work; owners all found. */
static void test_live_many(void **state)
{
	enum { N = 64 };
	struct { int pid; unsigned port; } got[N];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	for (int i = 0; i < N; i++) {
		if (spawn() == 0) {
			int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			struct sockaddr_in a = { .sin_family = AF_INET };
			socklen_t len = sizeof(a);
			a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
			    getsockname(fd, (struct sockaddr *)&a, &len))
				_exit(1);
			got[0].pid = (int)getpid();
			got[0].port = ntohs(a.sin_port);
			/* one write, smaller than PIPE_BUF: not interleaved */
			if (write(p[1], &got[0], sizeof(got[0])) != sizeof(got[0]))
				_exit(1);
			for (;;)
				pause();
		}
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(read(p[0], &got[i], sizeof(got[i])), sizeof(got[i]));
	{
		struct pd_listen_opts o = { 0 };
		struct pd_socket_list l;
		size_t found = 0;
		o.owners = 1;
		o.protos = 1u << PD_UDP;
		assert_int_equal(pd_listening(&o, &l), 0);
		for (size_t i = 0; i < l.n; i++)
			for (int k = 0; k < N; k++)
				if (l.v[i].port == got[k].port && l.v[i].nowners == 1 &&
				    l.v[i].owners[0].pid == got[k].pid)
					found++;
		assert_int_equal(found, N);
		pd_socket_list_release(&l);
	}
	close(p[0]);
	close(p[1]);
}

static void test_netns_errors(void **state)
{
	struct pd_listen_opts o = { 0 };
	struct pd_socket_list l;

	(void)state;
	o.netns = "pd-no-such-namespace";
	assert_int_equal(pd_listening(&o, &l), PD_ENOTFOUND);
	pd_socket_list_release(&l);
	o.netns = "../etc";
	assert_int_equal(pd_listening(&o, &l), PD_EINVAL);
	pd_socket_list_release(&l);
	o.netns = "4194304";   /* a PID that cannot exist */
	assert_int_equal(pd_listening(&o, &l), PD_ENOTFOUND);
	pd_socket_list_release(&l);
	o.netns = "1";
	o.all_netns = 1;
	assert_int_equal(pd_listening(&o, &l), PD_EINVAL);
	pd_socket_list_release(&l);
	/* our own namespace through our PID: the same as no --netns */
	{
		char me[16];
		unsigned port;
		int fd = bound(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &port);
		struct pd_query q = { PD_Q_PORT, port, port, PD_PROTO_ANY, "" };
		snprintf(me, sizeof(me), "%d", (int)getpid());
		o.netns = me;
		o.all_netns = 0;
		o.queries = &q;
		o.nqueries = 1;
		assert_int_equal(pd_listening(&o, &l), 0);
		assert_non_null(find_ino(&l, inode_of(fd)));
		assert_string_equal(find_ino(&l, inode_of(fd))->netns, "");
		pd_socket_list_release(&l);
		close(fd);
	}
}

/* ---- recording: test_sockets --record DIR ---- */

struct rec {
	unsigned long inos[32];
	size_t n;
};

static int rec_has(const struct rec *r, unsigned long ino)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->inos[i] == ino)
			return 1;
	return 0;
}

/* Dumps proto/family in every state and keeps our sockets' messages. */
static int record_dump(const char *dir, const char *name, int proto, int family, const struct rec *r)
{
	char path[4200], buf[32768], req_buf[1024];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req_buf);
	struct inet_diag_req_v2 *req;
	FILE *f;
	int done = 0;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (unsigned char)family;
	req->sdiag_protocol = (unsigned char)proto;
	req->idiag_states = ~0u;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)n;
		if (n <= 0)
			return -1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				fwrite(h, 1, NLMSG_ALIGN(h->nlmsg_len), f);
				done = 1;
				break;
			}
			if (rec_has(r, ((struct inet_diag_msg *)mnl_nlmsg_get_payload(h))->idiag_inode))
				fwrite(h, 1, NLMSG_ALIGN(h->nlmsg_len), f);
		}
	}
	fclose(f);
	mnl_socket_close(nl);
	return 0;
}

/* /proc/net/NAME: the header and our sockets' lines */
static int record_procnet(const char *dir, const char *name, const struct rec *r)
{
	char path[4200], line[512];
	FILE *in, *out;

	snprintf(path, sizeof(path), "/proc/self/net/%s", name);
	in = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/proc/net/%s", dir, name);
	out = fopen(path, "w");
	if (!in || !out)
		return -1;
	for (int first = 1; fgets(line, sizeof(line), in); first = 0) {
		unsigned long ino = 0;
		char *p = line;
		for (int field = 0; field < 9 && p; field++) {
			p += strspn(p, " ");
			p = strchr(p, ' ');
		}
		if (p)
			ino = strtoul(p, NULL, 10);
		if (first || rec_has(r, ino))
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	return 0;
}

static int record(const char *dir)
{
	struct live s[] = {
		{ "tcp", AF_INET, SOCK_STREAM, 0, "127.0.0.1", "127.0.0.1", -1, 0 },
		{ "tcp", AF_INET6, SOCK_STREAM, 0, "::", "::", -1, 0 },
		{ "tcp", AF_INET6, SOCK_STREAM, 1, "::1", "::1", -1, 0 },
		{ "tcp", AF_INET6, SOCK_STREAM, 0, "::ffff:127.0.0.1", "::ffff:127.0.0.1", -1, 0 },
		{ "udp", AF_INET, SOCK_DGRAM, 0, "127.0.0.1", "127.0.0.1", -1, 0 },
		{ "udp", AF_INET, SOCK_DGRAM, 0, "127.0.0.1", "127.0.0.1", -1, 0 },  /* connected below */
		{ "udp", AF_INET6, SOCK_DGRAM, 0, "::", "::", -1, 0 },
		{ "udp", AF_INET6, SOCK_DGRAM, 1, "::1", "::1", -1, 0 },
	};
	size_t n = sizeof(s) / sizeof(s[0]);
	struct rec r = { .n = 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	char path[4200];
	int cfd, afd;
	unsigned cport;
	socklen_t alen = sizeof(a);
	FILE *f;

	for (size_t i = 0; i < n; i++) {
		s[i].fd = bound(s[i].family, s[i].type, s[i].addr, s[i].v6only, &s[i].port);
		r.inos[r.n++] = inode_of(s[i].fd);
	}
	/* a client and the accepted connection; a connected UDP socket */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)s[0].port);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&a, sizeof(a)) || (afd = accept(s[0].fd, NULL, NULL)) < 0)
		return 1;
	r.inos[r.n++] = inode_of(cfd);
	r.inos[r.n++] = inode_of(afd);
	getsockname(cfd, (struct sockaddr *)&a, &alen);
	cport = ntohs(a.sin_port);
	a.sin_port = htons((uint16_t)s[4].port);
	if (connect(s[5].fd, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/proc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/net", dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		return 1;
	if (record_dump(dir, "diag-tcp4.bin", IPPROTO_TCP, AF_INET, &r) ||
	    record_dump(dir, "diag-tcp6.bin", IPPROTO_TCP, AF_INET6, &r) ||
	    record_dump(dir, "diag-udp4.bin", IPPROTO_UDP, AF_INET, &r) ||
	    record_dump(dir, "diag-udp6.bin", IPPROTO_UDP, AF_INET6, &r))
		return 1;
	for (int k = 0; k < 4; k++)
		if (record_procnet(dir, (const char *[]){ "tcp", "tcp6", "udp", "udp6" }[k], &r))
			return 1;
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "# recorded by test_sockets --record; proto family address port v6only inode listener\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %d %s %u %d %lu %d\n", s[i].what, s[i].family == AF_INET ? 4 : 6, s[i].shown,
			s[i].port, s[i].family == AF_INET6 ? s[i].v6only : -1, r.inos[i], i != 5);
	fprintf(f, "tcp 4 127.0.0.1 %u -1 %lu 0\n", cport, r.inos[n]);
	fprintf(f, "tcp 4 127.0.0.1 %u -1 %lu 0\n", s[0].port, r.inos[n + 1]);
	fclose(f);
	return 0;
}

/* ---- owners: cgroup files and docker-proxy arguments, recorded ---- */

static const char *dash(const char *s)
{
	return *s ? s : "-";
}

static void test_owner_parsers(void **state)
{
	char dir[4096], path[4200], line[1024];
	const char *src = getenv("PD_SOURCE_ROOT");
	FILE *f;
	size_t checked = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/data/owners", src ? src : ".");
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *fld[8] = { 0 }, *save = NULL, *t, got[1024];
		size_t n = 0, len;
		char *text;
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		for (t = strtok_r(line, "\t", &save); t && n < 8; t = strtok_r(NULL, "\t", &save))
			fld[n++] = t;
		snprintf(path, sizeof(path), "%s/%s", dir, fld[0]);
		text = slurp(path, &len);
		if (strstr(fld[0], ".socket")) {
			unsigned port = (unsigned)atoi(fld[1]);
			int proto = pd_proto_parse(fld[2], strlen(fld[2]));
			assert_int_equal(n, 4);
			if (pd__socket_unit_listens(text, len, port, proto) != atoi(fld[3]))
				fail_msg("%s: port %s/%s: expected %s", fld[0], fld[1], fld[2], fld[3]);
		} else if (strstr(fld[0], ".cgroup")) {
			struct pd__procinfo o;
			assert_int_equal(n, 6);
			memset(&o, 0, sizeof(o));
			pd__cgroup_parse(text, len, &o);
			snprintf(got, sizeof(got), "%s\t%d\t%s\t%s\t%s", dash(o.unit), o.user_unit, dash(o.container.engine),
				 dash(o.container.id), dash(o.container.pod_uid));
			snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s", fld[1], fld[2], fld[3], fld[4], fld[5]);
			if (strcmp(got, line))
				fail_msg("%s: got '%s', expected '%s'", fld[0], got, line);
		} else {
			struct pd_container c;
			unsigned hp = 0;
			int r;
			memset(&c, 0, sizeof(c));
			r = pd__proxy_cmdline(text, len, &c, &hp);
			if (!strcmp(fld[1], "error")) {
				assert_int_equal(r, PD_EFORMAT);
			} else if (!strcmp(fld[1], "0")) {
				assert_int_equal(r, 0);
				assert_string_equal(c.engine, "");
			} else {
				assert_int_equal(n, 7);
				assert_int_equal(r, 1);
				snprintf(got, sizeof(got), "%s\t%u\t%s\t%s\t%u", c.engine, c.port, pd_proto_name(c.proto),
					 c.address, hp);
				snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s", fld[2], fld[3], fld[4], fld[5], fld[6]);
				if (strcmp(got, line))
					fail_msg("%s: got '%s', expected '%s'", fld[0], got, line);
				assert_int_equal(c.via_proxy, 1);
			}
		}
		free(text);
		checked++;
	}
	fclose(f);
	assert_true(checked >= 24);
	/* every cut of every input: no read past the end, nothing invented */
	{
		static const char v2[] = "0::/system.slice/nginx.service\n";
		for (size_t k = 0; k <= sizeof(v2) - 1; k++) {
			struct pd__procinfo o;
			memset(&o, 0, sizeof(o));
			pd__cgroup_parse(v2, k, &o);
			assert_true(!*o.unit || !strcmp(o.unit, "nginx.service") || !strncmp("nginx.service", o.unit, strlen(o.unit)));
		}
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procnet_lines),
		cmocka_unit_test(test_owner_parsers),
		cmocka_unit_test(test_status_and_links),
		cmocka_unit_test(test_replay_procnet),
		cmocka_unit_test(test_replay_netlink),
		cmocka_unit_test(test_filter_bytecode),
		cmocka_unit_test(test_fake_proc),
		cmocka_unit_test(test_live_families),
		cmocka_unit_test(test_live_clients),
		cmocka_unit_test_teardown(test_live_prefork, reap),
		cmocka_unit_test_teardown(test_live_main_thread_exited, reap),
		cmocka_unit_test_teardown(test_live_many, reap),
		cmocka_unit_test(test_netns_errors),
	};
	const struct CMUnitTest ipv6_tests[] = {
		cmocka_unit_test(test_live_families),
	};
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--record"))
		return record(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--ipv6")) {
		if (!have_ipv6()) {
			fprintf(stderr, "SKIP: no IPv6 here\n");
			return 77;
		}
		ipv6_part = 1;
		return cmocka_run_group_tests_name("ipv6", ipv6_tests, NULL, NULL);
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	reap(NULL);
	return rc;
}
