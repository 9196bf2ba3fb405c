/* owners.c: what is known of a socket's owner besides its process, from
 * text the kernel gives (pure parsers, no system calls; tests and fuzzers
 * feed recorded input to them):
 *  - /proc/PID/cgroup: the systemd unit (service, scope, socket, user
 *    unit), the container (Docker, Podman, containerd, CRI-O) and the
 *    Kubernetes pod (kubepods);
 *  - docker-proxy's /proc/PID/cmdline: the container address and port it
 *    forwards a published port to. */
#include <stdio.h>
#include <string.h>

#include "sockets.h"

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s, p, k);
}

static int has_suffix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s + n - k, p, k);
}

/* PREFIX<64 hex>SUFFIX: the id, else NULL */
static const char *id_in(const char *s, size_t n, const char *prefix, const char *suffix)
{
	size_t a = strlen(prefix), z = strlen(suffix);

	if (n != a + 64 + z || !has_prefix(s, n, prefix) || !has_suffix(s, n, suffix) || !is_hex(s + a, 64))
		return NULL;
	return s + a;
}

static void set_container(struct pd_container *c, const char *engine, const char *id)
{
	if (*c->engine && strcmp(c->engine, "kubernetes"))
		return;  /* the first engine found stays, but one that names itself wins */
	snprintf(c->engine, sizeof(c->engine), "%s", engine);
	memcpy(c->id, id, 64);
	c->id[64] = '\0';
}

/* kubepods: "pod<uid>" (cgroupfs) or "kubepods[-qos]-pod<uid_with_underscores>.slice" */
static void pod_uid(struct pd_container *c, const char *s, size_t n)
{
	const char *u = NULL;
	size_t k = 0;

	if (has_prefix(s, n, "pod") && n > 3 && n - 3 < sizeof(c->pod_uid)) {
		u = s + 3;
		k = n - 3;
	} else if (has_prefix(s, n, "kubepods") && has_suffix(s, n, ".slice")) {
		for (size_t i = n - 6; i >= 4; i--)
			if (!memcmp(s + i - 3, "pod", 3) && s[i - 4] == '-') {
				u = s + i;
				k = n - 6 - i;
				break;
			}
	}
	if (!u || !k || k >= sizeof(c->pod_uid))
		return;
	for (size_t i = 0; i < k; i++) {
		char ch = u[i] == '_' ? '-' : u[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-'))
			return;
		c->pod_uid[i] = ch;
	}
	c->pod_uid[k] = '\0';
}

static int unit_suffix(const char *s, size_t n)
{
	return has_suffix(s, n, ".service") || has_suffix(s, n, ".scope") || has_suffix(s, n, ".socket") ||
	       has_suffix(s, n, ".mount") || has_suffix(s, n, ".swap");
}

/* One cgroup path: its unit (when want_unit) and its container. */
static void cgroup_path(const char *p, size_t len, struct pd__procinfo *o, int want_unit)
{
	const char *prev = NULL, *unit = NULL, *user = NULL;
	size_t prevn = 0, unitn = 0, usern = 0;
	int kube = 0;

	for (size_t i = 0; i < len;) {
		const char *s = p + i, *id;
		size_t n = 0, before = o->container.id[0] ? 1 : 0;
		while (i + n < len && p[i + n] != '/')
			n++;
		i += n + 1;
		if (!n)
			continue;
		if ((id = id_in(s, n, "docker-", ".scope")) || (prev && prevn == 6 && !memcmp(prev, "docker", 6) &&
							       (id = id_in(s, n, "", ""))))
			set_container(&o->container, "docker", id);
		else if ((id = id_in(s, n, "libpod-", ".scope")) || (id = id_in(s, n, "libpod-", "")))
			set_container(&o->container, "podman", id);
		else if ((id = id_in(s, n, "cri-containerd-", ".scope")))
			set_container(&o->container, "containerd", id);
		else if ((id = id_in(s, n, "crio-", ".scope")))
			set_container(&o->container, "cri-o", id);
		else if (kube && (id = id_in(s, n, "", "")))
			set_container(&o->container, "kubernetes", id);
		if (has_prefix(s, n, "kubepods")) {
			kube = 1;
			pod_uid(&o->container, s, n);
		} else if (kube && has_prefix(s, n, "pod")) {
			pod_uid(&o->container, s, n);
		}
		if (o->container.id[0] && !before)
			unit = NULL;  /* a container's scope is no unit to show */
		else if (unit_suffix(s, n) && !o->container.id[0]) {
			if (has_prefix(s, n, "user@") && has_suffix(s, n, ".service")) {
				user = s;
				usern = n;
			}
			unit = s;
			unitn = n;
		}
		prev = s;
		prevn = n;
	}
	if (!want_unit || !unit || o->container.id[0] || kube)
		return;
	if (user && unit != user && !(unitn == 10 && !memcmp(unit, "init.scope", 10))) {
		o->user_unit = 1;  /* a unit of the user's manager */
	} else if (user) {
		unit = user;       /* the user manager itself */
		unitn = usern;
	}
	if (unitn < sizeof(o->unit)) {
		memcpy(o->unit, unit, unitn);
		o->unit[unitn] = '\0';
	}
}

void pd__cgroup_parse(const char *text, size_t len, struct pd__procinfo *o)
{
	const char *sysd = NULL, *v2 = NULL;
	size_t sysdn = 0, v2n = 0;

	o->unit[0] = '\0';
	o->user_unit = 0;
	/* the paths of the name=systemd hierarchy (v1, hybrid) and of the
	 * unified one ("0::"); other controllers only for containers */
	for (size_t i = 0; i < len;) {
		const char *l = text + i, *c1, *c2, *e;
		size_t n = 0;
		while (i + n < len && text[i + n] != '\n')
			n++;
		i += n + 1;
		e = l + n;
		c1 = memchr(l, ':', n);
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(e - c1 - 1)) : NULL;
		if (!c2 || c2 + 1 >= e || c2[1] != '/')
			continue;
		if ((size_t)(c2 - c1 - 1) == 12 && !memcmp(c1 + 1, "name=systemd", 12)) {
			sysd = c2 + 1;
			sysdn = (size_t)(e - c2 - 1);
		} else if (c1 == l + 1 && *l == '0' && c2 == c1 + 1) {
			v2 = c2 + 1;
			v2n = (size_t)(e - c2 - 1);
		} else if (!o->container.id[0]) {
			cgroup_path(c2 + 1, (size_t)(e - c2 - 1), o, 0);
		}
	}
	if (sysd && sysdn > 1)
		cgroup_path(sysd, sysdn, o, 1);
	else if (v2 && v2n > 1)
		cgroup_path(v2, v2n, o, 1);
	if (v2 && v2n > 1 && sysd && sysdn > 1 && !o->container.id[0])
		cgroup_path(v2, v2n, o, 0);
}

/* the value of flag name in argv (NUL-separated): "-name v", "--name v",
 * "-name=v" or "--name=v"; NULL when absent */
static const char *flag(const char *args, size_t len, const char *name, size_t *vlen)
{
	size_t k = strlen(name);

	for (size_t i = 0; i < len;) {
		const char *a = args + i;
		size_t n = strnlen(a, len - i);
		i += n + 1;
		if (n < 2 || a[0] != '-')
			continue;
		a++, n--;
		if (*a == '-')
			a++, n--;
		if (n == k && !memcmp(a, name, k) && i < len) {
			*vlen = strnlen(args + i, len - i);
			return args + i;
		}
		if (n > k && a[k] == '=' && !memcmp(a, name, k)) {
			*vlen = n - k - 1;
			return a + k + 1;
		}
	}
	return NULL;
}

static int port_of(const char *s, size_t n, unsigned *port)
{
	unsigned v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = v;
	return 0;
}

int pd__proxy_cmdline(const char *args, size_t len, struct pd_container *c, unsigned *host_port)
{
	const char *a0 = args, *slash, *v;
	size_t n0 = strnlen(args, len), vn = 0;
	unsigned port = 0, hp = 0;
	int proto = PD_TCP;

	for (slash = NULL, v = a0; v < a0 + n0; v++)
		if (*v == '/')
			slash = v;
	if (slash) {
		n0 -= (size_t)(slash + 1 - a0);
		a0 = slash + 1;
	}
	if (n0 != 12 || memcmp(a0, "docker-proxy", 12))
		return 0;
	if ((v = flag(args, len, "proto", &vn))) {
		int p = pd_proto_parse(v, vn);
		if (p != PD_TCP && p != PD_UDP && p != PD_SCTP)
			return PD_EFORMAT;
		proto = p;
	}
	if (!(v = flag(args, len, "container-port", &vn)) || port_of(v, vn, &port))
		return PD_EFORMAT;
	if ((v = flag(args, len, "host-port", &vn)) && port_of(v, vn, &hp))
		return PD_EFORMAT;
	c->address[0] = '\0';
	if ((v = flag(args, len, "container-ip", &vn))) {
		if (vn >= sizeof(c->address))
			return PD_EFORMAT;
		for (size_t i = 0; i < vn; i++)
			if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
			      (v[i] >= 'A' && v[i] <= 'F') || v[i] == '.' || v[i] == ':'))
				return PD_EFORMAT;
		memcpy(c->address, v, vn);
		c->address[vn] = '\0';
	}
	snprintf(c->engine, sizeof(c->engine), "docker");
	c->port = port;
	c->proto = proto;
	c->via_proxy = 1;
	if (host_port)
		*host_port = hp;
	return 1;
}

/* a [Socket] value that names port: "8080", "0.0.0.0:8080", "[::]:8080" */
static int listen_value(const char *v, size_t n, unsigned port)
{
	size_t i = n;
	unsigned p = 0;

	while (i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9')
		i--;
	if (i == n || (i > 0 && v[i - 1] != ':') || port_of(v + i, n - i, &p))
		return 0;
	if (i > 0 && v[0] == '/')
		return 0;  /* a unix socket's path */
	return p == port;
}

int pd__socket_unit_listens(const char *text, size_t len, unsigned port, int proto)
{
	const char *key = proto == PD_UDP ? "ListenDatagram" : "ListenStream";
	size_t kn = strlen(key);
	int in_socket = 0;

	for (size_t i = 0; i < len;) {
		const char *l = text + i, *eq, *v, *e;
		size_t n = 0;
		while (i + n < len && text[i + n] != '\n')
			n++;
		i += n + 1;
		while (n && (*l == ' ' || *l == '\t'))
			l++, n--;
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			n--;
		if (n && *l == '[') {
			in_socket = n == 8 && !memcmp(l, "[Socket]", 8);
			continue;
		}
		if (!in_socket || n <= kn || memcmp(l, key, kn))
			continue;
		eq = l + kn;
		while (eq < l + n && (*eq == ' ' || *eq == '\t'))
			eq++;
		if (eq >= l + n || *eq != '=')
			continue;
		v = eq + 1;
		e = l + n;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if (listen_value(v, (size_t)(e - v), port))
			return 1;
	}
	return 0;
}
