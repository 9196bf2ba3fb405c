/* engine.c: the container-engine module, loaded only when a listening
 * socket's owner is in a container or is an engine's proxy, and by
 * `portdex free` to stop one: Docker's Engine API (Podman answers the same
 * routes) over the engine's unix socket, in HTTP/1.0 written here (one
 * request per connection, the answer ends with it; a chunked one is
 * decoded), the answers read with jansson. Not libcurl: loading it and the
 * libraries it pulls in cost more than the whole socket listing. */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "loader.h"

#define MAX_ANSWER (16u << 20)

PD__MODULE_EXPORT const unsigned pd__module_abi = PD__MODULE_ABI;

struct answer {
	char *p;
	size_t n;
	long status;
};

/* Waits until fd is ready for ev, up to the deadline (ms of CLOCK_MONOTONIC) */
static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = { fd, ev, 0 };
	struct timespec t;
	long long now;
	int r;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		now = (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
		if (now >= deadline)
			return PD_EIO;
		r = poll(&p, 1, (int)(deadline - now));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return PD_EIO;
	}
}

/* A chunked body decoded in place; -1 when it is not well formed */
static long dechunk(char *b, size_t n)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long k;
		if (in >= n)
			return -1;
		k = strtoul(b + in, &end, 16);
		if (end == b + in)
			return -1;
		in = (size_t)(end - b);
		while (in < n && b[in] != '\n')
			in++;
		in++;
		if (!k)
			return (long)out;
		if (k > n || in + k > n)
			return -1;
		memmove(b + out, b + in, k);
		out += k;
		in += k;
		if (in < n && b[in] == '\r')
			in++;
		if (in < n && b[in] == '\n')
			in++;
	}
}

/* One HTTP/1.0 request on the engine's unix socket (no keep-alive: the
 * answer ends with the connection): the status and the body in a. */
static int request(const char *sock, const char *method, const char *path, long timeout, struct answer *a,
		   char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct timespec t;
	char req[512], *body;
	long long deadline;
	size_t cap = 0, sent = 0, len;
	int fd = -1, rc = 0, chunked = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long for a unix socket", sock);
		return PD_EINVAL;
	}
	memcpy(sa.sun_path, sock, strlen(sock));
	len = (size_t)snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: docker\r\nUser-Agent: portdex\r\n"
				   "Content-Length: 0\r\n\r\n", method, path);
	if (len >= sizeof(req))
		return PD_EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &t);
	deadline = (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000 + timeout * 1000;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS &&
		       errno != EAGAIN)) {
		snprintf(err, errlen, "%s: %s", sock, strerror(errno));
		rc = PD_EIO;
		goto out;
	}
	while (sent < len) {
		ssize_t k;
		if ((rc = wait_fd(fd, POLLOUT, deadline)))
			goto timeout;
		k = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
		if (k < 0 && errno != EINTR && errno != EAGAIN) {
			snprintf(err, errlen, "%s: %s", sock, strerror(errno));
			rc = PD_EIO;
			goto out;
		}
		if (k > 0)
			sent += (size_t)k;
	}
	for (;;) {
		ssize_t k;
		if (cap - a->n < 65536) {
			char *np;
			if (cap >= MAX_ANSWER) {
				snprintf(err, errlen, "%s: answer too large", sock);
				rc = PD_ETOOBIG;
				goto out;
			}
			np = realloc(a->p, cap ? cap * 2 : 131072);
			if (!np) {
				rc = PD_ENOMEM;
				goto out;
			}
			a->p = np;
			cap = cap ? cap * 2 : 131072;
		}
		if ((rc = wait_fd(fd, POLLIN, deadline)))
			goto timeout;
		k = recv(fd, a->p + a->n, cap - a->n - 1, 0);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k < 0) {
			snprintf(err, errlen, "%s: %s", sock, strerror(errno));
			rc = PD_EIO;
			goto out;
		}
		if (k == 0)
			break;
		a->n += (size_t)k;
	}
	if (!a->p) {
		snprintf(err, errlen, "%s: no answer", sock);
		rc = PD_EIO;
		goto out;
	}
	a->p[a->n] = '\0';
	if (strncmp(a->p, "HTTP/1.", 7) || a->n < 12 || !(body = strstr(a->p, "\r\n\r\n"))) {
		snprintf(err, errlen, "%s: not an HTTP answer", sock);
		rc = PD_EFORMAT;
		goto out;
	}
	a->status = strtol(a->p + 9, NULL, 10);
	*body = '\0';
	for (char *h = a->p; (h = strchr(h, '\n')); h++)
		if (!strncasecmp(h + 1, "transfer-encoding:", 18) && strstr(h + 19, "chunked"))
			chunked = 1;
	body += 4;
	len = a->n - (size_t)(body - a->p);
	memmove(a->p, body, len);
	a->n = len;
	if (chunked) {
		long d = dechunk(a->p, a->n);
		if (d < 0) {
			snprintf(err, errlen, "%s: a broken chunked answer", sock);
			rc = PD_EFORMAT;
			goto out;
		}
		a->n = (size_t)d;
	}
	a->p[a->n] = '\0';
	goto out;
timeout:
	snprintf(err, errlen, "%s: no answer within %ld s", sock, timeout);
	rc = PD_EIO;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static void copy(char *dst, size_t len, json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	snprintf(dst, len, "%s", s);
}

static int proto_of(const char *s)
{
	return !s ? PD_TCP : !strcmp(s, "udp") ? PD_UDP : !strcmp(s, "sctp") ? PD_SCTP : PD_TCP;
}

static void one(json_t *o, struct pd__engine_ctr *c)
{
	json_t *names = json_object_get(o, "Names"), *ports = json_object_get(o, "Ports"), *nets, *labels;
	const char *key, *name = NULL;
	json_t *v;

	memset(c, 0, sizeof(*c));
	copy(c->id, sizeof(c->id), json_object_get(o, "Id"));
	copy(c->image, sizeof(c->image), json_object_get(o, "Image"));
	if (json_is_array(names) && json_array_size(names))
		name = json_string_value(json_array_get(names, 0));
	if (name && *name == '/')
		name++;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	if (json_is_array(ports)) {
		size_t i;
		json_array_foreach(ports, i, v) {
			struct pd__engine_port *p;
			if (c->nports == PD__ENGINE_PORTS || !json_is_object(v))
				continue;
			p = &c->ports[c->nports++];
			p->priv = (unsigned)json_integer_value(json_object_get(v, "PrivatePort"));
			p->pub = (unsigned)json_integer_value(json_object_get(v, "PublicPort"));
			p->proto = proto_of(json_string_value(json_object_get(v, "Type")));
			copy(p->ip, sizeof(p->ip), json_object_get(v, "IP"));
		}
	}
	nets = json_object_get(json_object_get(o, "NetworkSettings"), "Networks");
	if (json_is_object(nets)) {
		json_object_foreach(nets, key, v) {
			json_t *ip = json_object_get(v, "IPAddress");
			if (c->nips < 4 && json_is_string(ip) && *json_string_value(ip))
				copy(c->ips[c->nips++], sizeof(c->ips[0]), ip);
		}
	}
	labels = json_object_get(o, "Labels");
	copy(c->pod, sizeof(c->pod), json_object_get(labels, "io.kubernetes.pod.name"));
	copy(c->pod_namespace, sizeof(c->pod_namespace), json_object_get(labels, "io.kubernetes.pod.namespace"));
}

PD__MODULE_EXPORT
int pd__engine_list(const char *sock, struct pd__engine_ctr **out, size_t *n, char *err, size_t errlen)
{
	struct answer a = { NULL, 0, 0 };
	struct pd__engine_ctr *v = NULL;
	json_error_t je;
	json_t *root = NULL, *o;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = request(sock, "GET", "/containers/json", 5, &a, err, errlen)))
		goto out;
	if (a.status != 200) {
		snprintf(err, errlen, "%s: the engine answered HTTP %ld", sock, a.status);
		rc = PD_EIO;
		goto out;
	}
	root = json_loadb(a.p ? a.p : "", a.n, 0, &je);
	if (!json_is_array(root)) {
		snprintf(err, errlen, "%s: not the engine's container list", sock);
		rc = PD_EFORMAT;
		goto out;
	}
	v = calloc(json_array_size(root) + 1, sizeof(*v));
	if (!v) {
		rc = PD_ENOMEM;
		goto out;
	}
	json_array_foreach(root, i, o) {
		if (json_is_object(o))
			one(o, &v[(*n)++]);
	}
	*out = v;
	v = NULL;
out:
	free(v);
	json_decref(root);
	free(a.p);
	return rc;
}

PD__MODULE_EXPORT
int pd__engine_stop(const char *sock, const char *id, unsigned timeout, char *err, size_t errlen)
{
	struct answer a = { NULL, 0, 0 };
	char path[256];
	long status;
	int rc;

	snprintf(path, sizeof(path), "/containers/%.64s/stop?t=%u", id, timeout);
	if ((rc = request(sock, "POST", path, (long)timeout + 30, &a, err, errlen)))
		goto out;
	status = a.status;
	if (status != 204 && status != 304) {
		json_t *m = a.p ? json_loads(a.p, 0, NULL) : NULL;
		const char *msg = m ? json_string_value(json_object_get(m, "message")) : NULL;
		snprintf(err, errlen, "the engine answered HTTP %ld%s%s", status, msg ? ": " : "", msg ? msg : "");
		json_decref(m);
		rc = PD_EIO;
	}
out:
	free(a.p);
	return rc;
}
