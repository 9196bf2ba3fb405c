/* engine.c: names and images of the containers that hold listening
 * sockets, from the engines' APIs through the engine module; the
 * Kubernetes pods from kubelet's /var/log/pods; stopping a container. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "loader.h"
#include "sockets.h"
#include "util.h"

static const char reason_module[] = "the container engine module (portdex-engine.so) cannot be loaded";
static const char reason_noapi[] = "no engine API portdex speaks for it; the id is from its cgroup";
static const char reason_noanswer[] = "the engine's API did not answer (its socket, or DOCKER_HOST)";
static const char reason_gone[] = "the engine does not list it among its running containers";
static const char reason_target[] = "no running container publishes this port";

const char *pd__engine_socket(const char *engine, char *buf, size_t len)
{
	const char *env, *dir;

	if (!strcmp(engine, "docker")) {
		env = getenv("DOCKER_HOST");
		if (env && *env) {
			if (strncmp(env, "unix://", 7) || !env[7] ||
			    snprintf(buf, len, "%s", env + 7) >= (int)len)
				return NULL;
			return buf;
		}
		snprintf(buf, len, "/var/run/docker.sock");
		return buf;
	}
	if (!strcmp(engine, "podman")) {
		env = getenv("CONTAINER_HOST");
		if (env && *env) {
			if (strncmp(env, "unix://", 7) || !env[7] ||
			    snprintf(buf, len, "%s", env + 7) >= (int)len)
				return NULL;
			return buf;
		}
		dir = getenv("XDG_RUNTIME_DIR");
		if (geteuid() == 0 || !dir || !*dir)
			snprintf(buf, len, "/run/podman/podman.sock");
		else if (snprintf(buf, len, "%s/podman/podman.sock", dir) >= (int)len)
			return NULL;
		return buf;
	}
	return NULL;
}

/* kubelet keeps /var/log/pods/NAMESPACE_NAME_UID for each pod it runs */
static void pod_names(struct pd_container *c)
{
	size_t ul = strlen(c->pod_uid);
	struct dirent *d;
	DIR *dir;

	if (!ul || *c->pod || !(dir = opendir("/var/log/pods")))
		return;
	while ((d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		const char *u1;
		if (n <= ul + 3 || strcmp(d->d_name + n - ul, c->pod_uid) || d->d_name[n - ul - 1] != '_')
			continue;
		u1 = strchr(d->d_name, '_');
		if (!u1 || u1 >= d->d_name + n - ul - 1 || (size_t)(u1 - d->d_name) >= sizeof(c->pod_namespace))
			continue;
		snprintf(c->pod_namespace, sizeof(c->pod_namespace), "%.*s", (int)(u1 - d->d_name), d->d_name);
		snprintf(c->pod, sizeof(c->pod), "%.*s", (int)(d->d_name + n - ul - 1 - u1 - 1), u1 + 1);
		break;
	}
	closedir(dir);
}

static void fill(struct pd_container *c, const struct pd__engine_ctr *e)
{
	snprintf(c->id, sizeof(c->id), "%s", e->id);
	snprintf(c->name, sizeof(c->name), "%s", e->name);
	snprintf(c->image, sizeof(c->image), "%s", e->image);
	if (*e->pod && !*c->pod) {
		snprintf(c->pod, sizeof(c->pod), "%s", e->pod);
		snprintf(c->pod_namespace, sizeof(c->pod_namespace), "%s", e->pod_namespace);
	}
	c->unknown = NULL;
}

/* The container a proxy on host port `port` forwards to. */
static const struct pd__engine_ctr *proxy_target(const struct pd_container *c, unsigned port,
						 const struct pd__engine_ctr *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i].nports; k++)
			if (v[i].ports[k].pub == port && v[i].ports[k].priv == c->port &&
			    v[i].ports[k].proto == c->proto)
				return &v[i];
	for (size_t i = 0; i < n && *c->address; i++)
		for (size_t k = 0; k < v[i].nips; k++)
			if (!strcmp(v[i].ips[k], c->address))
				return &v[i];
	return NULL;
}

static void annotate_engine(struct pd_socket_list *l, const char *engine, pd__engine_list_fn list,
			    const char *why)
{
	struct pd__engine_ctr *v = NULL;
	char sb[512], err[256];
	const char *sock = pd__engine_socket(engine, sb, sizeof(sb));
	size_t n = 0;

	if (!why && (!sock || list(sock, &v, &n, err, sizeof(err))))
		why = sock ? reason_noanswer : reason_noapi;
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].nowners; k++) {
			struct pd_container *c = l->v[i].owners[k].container;
			const struct pd__engine_ctr *e = NULL;
			if (!c || strcmp(c->engine, engine))
				continue;
			if (why) {
				c->unknown = why;
				continue;
			}
			if (c->via_proxy) {
				c->published = l->v[i].port;
				e = proxy_target(c, l->v[i].port, v, n);
				c->unknown = reason_target;
			} else {
				for (size_t j = 0; j < n && !e; j++)
					if (!strcmp(v[j].id, c->id))
						e = &v[j];
				c->unknown = reason_gone;
			}
			if (e)
				fill(c, e);
		}
	free(v);
}

void pd__engine_annotate(struct pd_socket_list *l)
{
	static const char *const apis[] = { "docker", "podman" };
	pd__engine_list_fn list = NULL;
	const char *why = NULL;
	int loaded = 0;

	for (size_t a = 0; a < sizeof(apis) / sizeof(apis[0]); a++) {
		int want = 0;
		for (size_t i = 0; i < l->n && !want; i++)
			for (size_t k = 0; k < l->v[i].nowners && !want; k++)
				want = l->v[i].owners[k].container &&
				       !strcmp(l->v[i].owners[k].container->engine, apis[a]);
		if (!want)
			continue;
		if (!loaded) {
			void *fn = NULL;
			loaded = 1;
			if (pd__module_sym(PD__ENGINE_MODULE, PD__ENGINE_LIST, &fn, NULL, 0))
				why = reason_module;
			list = (pd__engine_list_fn)fn;
		}
		annotate_engine(l, apis[a], list, why);
	}
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].nowners; k++) {
			struct pd_container *c = l->v[i].owners[k].container;
			if (!c)
				continue;
			if (*c->pod_uid)
				pod_names(c);
			if (*c->engine && strcmp(c->engine, "docker") && strcmp(c->engine, "podman"))
				c->unknown = reason_noapi;
		}
}

/* 1 when directory dir has an entry whose name begins with prefix */
static int has_entry(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return found;
}

int pd__engine_published(struct pd_socket_list *l, const struct pd__filter *f)
{
	static const char *const apis[] = { "docker", "podman" };
	pd__engine_list_fn list = NULL;
	int rc = 0;

	for (size_t a = 0; a < sizeof(apis) / sizeof(apis[0]) && !rc; a++) {
		struct pd__engine_ctr *v = NULL;
		size_t n = 0, cap = l->npublished;
		char sb[512], err[256];
		const char *sock;
		void *fn = NULL;
		if (a == 0 ? !has_entry("/run/docker/netns", "") : !has_entry("/run/netns", "netns-"))
			continue;
		if (!(sock = pd__engine_socket(apis[a], sb, sizeof(sb))) || access(sock, F_OK))
			continue;
		if (!list && pd__module_sym(PD__ENGINE_MODULE, PD__ENGINE_LIST, &fn, NULL, 0))
			return 0;  /* without the module, no names: nothing to add */
		if (fn)
			list = (pd__engine_list_fn)fn;
		if (list(sock, &v, &n, err, sizeof(err)))
			continue;
		for (size_t i = 0; i < n && !rc; i++)
			for (size_t k = 0; k < v[i].nports && !rc; k++) {
				const struct pd__engine_port *p = &v[i].ports[k];
				struct pd_container *c;
				int held = 0;
				if (!p->pub || !pd__filter_match(f, p->proto, p->pub))
					continue;
				for (size_t j = 0; j < l->n && !held; j++)
					held = l->v[j].port == p->pub && l->v[j].proto == p->proto;
				for (size_t j = 0; j < l->npublished && !held; j++)  /* IPv4 and IPv6 rows */
					held = l->published[j].published == p->pub && l->published[j].proto == p->proto &&
					       !strcmp(l->published[j].id, v[i].id);
				if (held)
					continue;
				if (pd__grow(&l->published, l->npublished, &cap, sizeof(*l->published), 4)) {
					rc = PD_ENOMEM;
					break;
				}
				c = &l->published[l->npublished++];
				memset(c, 0, sizeof(*c));
				snprintf(c->engine, sizeof(c->engine), "%s", apis[a]);
				fill(c, &v[i]);
				c->port = p->priv;
				c->proto = p->proto;
				c->published = p->pub;
				if (v[i].nips)
					snprintf(c->address, sizeof(c->address), "%s", v[i].ips[0]);
			}
		free(v);
	}
	return rc;
}

int pd_container_stop(const struct pd_container *c, unsigned timeout, char *err, size_t errlen)
{
	pd__engine_stop_fn stop;
	void *fn = NULL;
	char sb[512];
	const char *sock;
	int rc;

	if (err && errlen)
		*err = '\0';
	if (!c || !*c->engine || !*c->id) {
		if (err && errlen)
			snprintf(err, errlen, "no container to stop");
		return PD_EINVAL;
	}
	sock = pd__engine_socket(c->engine, sb, sizeof(sb));
	if (!sock) {
		if (err && errlen)
			snprintf(err, errlen, "portdex cannot ask %s to stop a container (no API it speaks)", c->engine);
		return PD_EINVAL;
	}
	if ((rc = pd__module_sym(PD__ENGINE_MODULE, PD__ENGINE_STOP, &fn, err, errlen)))
		return rc;
	stop = (pd__engine_stop_fn)fn;
	return stop(sock, c->id, timeout, err ? err : sb, err ? errlen : sizeof(sb));
}
