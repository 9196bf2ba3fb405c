/* sockets_other.c: pd_listening() where portdex has no back end yet.
 * doc/listening.md tells how macOS (libproc), FreeBSD (sysctl pcblist) and
 * Windows (GetExtendedTcpTable) would plug in behind the same interface. */
#include <stdio.h>
#include <string.h>

#include "sockets.h"

int pd_listening(const struct pd_listen_opts *o, struct pd_socket_list *out)
{
	(void)o;
	if (out)
		memset(out, 0, sizeof(*out));
	return PD_ENOTSUP;
}

int pd_container_stop(const struct pd_container *c, unsigned timeout, char *err, size_t errlen)
{
	(void)c;
	(void)timeout;
	if (err && errlen)
		snprintf(err, errlen, "containers are not supported on this system yet");
	return PD_ENOTSUP;
}
