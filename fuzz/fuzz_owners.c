/* fuzz_owners.c: libFuzzer harness for the owner parsers of pd_listening()
 * (lib/host/owners.c): /proc/PID/cgroup text, docker-proxy's
 * /proc/PID/cmdline and systemd .socket units. The first byte picks the
 * parser; the rest is its input. Whatever comes in, what comes out is NUL-terminated, a unit is a
 * unit's name, an id is 64 hex digits and a port is a port. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_container(const struct pd_container *c)
{
	if (!memchr(c->engine, '\0', sizeof(c->engine)) || !memchr(c->id, '\0', sizeof(c->id)) ||
	    !memchr(c->address, '\0', sizeof(c->address)) || !memchr(c->pod_uid, '\0', sizeof(c->pod_uid)))
		abort();
	if (*c->id && strspn(c->id, "0123456789abcdef") != 64)
		abort();
	if (c->port > 65535)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	if (size < 1)
		return 0;
	/* an exact-size copy, so that reading past the end is caught */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 2) {
		unsigned port = size > 2 ? (unsigned)data[1] << 8 | data[2] : 80;
		int r = pd__socket_unit_listens(copy, size - 1, port, data[0] & 4 ? PD_UDP : PD_TCP);
		if (r != 0 && r != 1)
			abort();
	} else if (data[0] & 1) {
		struct pd_container c;
		unsigned hp = 0;
		memset(&c, 0, sizeof(c));
		if (pd__proxy_cmdline(copy, size - 1, &c, &hp) == 1 && (!c.via_proxy || hp > 65535))
			abort();
		check_container(&c);
	} else {
		struct pd__procinfo o;
		memset(&o, 0, sizeof(o));
		pd__cgroup_parse(copy, size - 1, &o);
		if (!memchr(o.unit, '\0', sizeof(o.unit)) || (*o.unit && strchr(o.unit, '/')))
			abort();
		check_container(&o.container);
	}
	free(copy);
	return 0;
}
