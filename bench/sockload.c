/* sockload.c: load for bench/listening: TCP listeners and bound UDP
 * sockets on 127.0.0.1 (ports chosen by the kernel), spread over worker
 * processes.
 *
 *   sockload TCP UDP PROCS SECONDS
 *
 * Prints "port N" (one of its TCP ports), then "ready" once every worker
 * holds its sockets. Workers die with the parent (PR_SET_PDEATHSIG) and every
 * process exits by itself after SECONDS. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_socket(int type, unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, 16)) || getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static long number(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 0 || v > max) {
		fprintf(stderr, "sockload: '%s' is not a number (0-%ld)\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long tcp, udp, procs, secs;
	int ready[2];

	if (argc != 5) {
		fprintf(stderr, "usage: sockload TCP UDP PROCS SECONDS\n");
		return 2;
	}
	tcp = number(argv[1], 1000000);
	udp = number(argv[2], 1000000);
	procs = number(argv[3], 10000);
	secs = number(argv[4], 86400);
	if (procs < 1 || pipe(ready))
		return 2;
	alarm((unsigned)secs);
	for (long p = 0; p < procs; p++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			long nt = tcp / procs + (p < tcp % procs), nu = udp / procs + (p < udp % procs);
			unsigned port = 0;
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(1);
			for (long i = 0; i < nt + nu; i++)
				if (open_socket(i < nt ? SOCK_STREAM : SOCK_DGRAM, &port) < 0) {
					perror("sockload: socket");
					_exit(1);
				}
			if (p == 0 && nt) {
				printf("port %u\n", port);
				fflush(stdout);
			}
			if (write(ready[1], "", 1) != 1)
				_exit(1);
			alarm((unsigned)secs);
			for (;;)
				pause();
		}
	}
	for (long got = 0; got < procs;) {
		char buf[64];
		ssize_t n = read(ready[0], buf, sizeof(buf));
		if (n <= 0)
			return 1;
		got += n;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
