/* host.c: what this host says about ports (privileges, ephemeral range) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdex.h"

static int read_small(const char *root, const char *name, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	if (snprintf(path, sizeof(path), "%s/sys/net/ipv4/%s", root, name) >= (int)sizeof(path))
		return PD_EINVAL;
	f = fopen(path, "re");
	if (!f)
		return PD_EIO;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int pd_host_read(struct pd_host *h, const char *procroot)
{
	char buf[4096];
	int a, b;

	memset(h, 0, sizeof(*h));
	h->unpriv_start = h->eph_first = h->eph_last = -1;
	if (!procroot)
		procroot = "/proc";
	if (!read_small(procroot, "ip_unprivileged_port_start", buf, sizeof(buf)))
		if (sscanf(buf, "%d", &a) == 1 && a >= 0 && a <= 65536)
			h->unpriv_start = a;
	if (!read_small(procroot, "ip_local_port_range", buf, sizeof(buf)))
		if (sscanf(buf, "%d %d", &a, &b) == 2 && a >= 0 && b <= 65535 && a <= b) {
			h->eph_first = a;
			h->eph_last = b;
		}
	if (!read_small(procroot, "ip_local_reserved_ports", buf, sizeof(buf)) && *buf) {
		h->reserved = strdup(buf);
		if (!h->reserved)
			return PD_ENOMEM;
	}
	return 0;
}

void pd_host_release(struct pd_host *h)
{
	free(h->reserved);
	h->reserved = NULL;
}

enum pd_answer pd_host_privileged(const struct pd_host *h, unsigned port)
{
	if (h->unpriv_start < 0)
		return PD_UNKNOWN;
	return (int)port < h->unpriv_start ? PD_YES : PD_NO;
}

enum pd_answer pd_host_ephemeral(const struct pd_host *h, unsigned port)
{
	if (h->eph_first < 0)
		return PD_UNKNOWN;
	return (int)port >= h->eph_first && (int)port <= h->eph_last ? PD_YES : PD_NO;
}

/* ip_local_reserved_ports: "8080,9000-9010" */
int pd_host_reserved(const struct pd_host *h, unsigned port)
{
	const char *p = h->reserved;
	unsigned a, b;

	if (!p)
		return 0;
	while (*p) {
		if (pd_parse_port(&p, &a))
			return 0;
		b = a;
		if (*p == '-') {
			p++;
			if (pd_parse_port(&p, &b))
				return 0;
		}
		if (port >= a && port <= b)
			return 1;
		if (*p != ',')
			return 0;
		p++;
	}
	return 0;
}
