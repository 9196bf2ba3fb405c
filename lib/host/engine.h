/* engine.h: container engines (Docker, Podman), asked through their API on
 * a unix socket by a loadable module (modules/engine.c: HTTP/1.0 and
 * jansson), so that nothing else ever loads jansson.
 *
 * The structs and entry points below are part of the module ABI: raise
 * PD__MODULE_ABI (loader.h) with every change a module would notice. */
#ifndef PD_ENGINE_H
#define PD_ENGINE_H

#include <stddef.h>

#include "portdex.h"

#define PD__ENGINE_MODULE "portdex-engine.so"
#define PD__ENGINE_PORTS 32

struct pd__engine_port {
	unsigned priv, pub;      /* the container's port, the published one (0: none) */
	int proto;               /* PD_TCP, PD_UDP, PD_SCTP */
	char ip[48];             /* the host address it is published on ("" any) */
};

/* One running container, as GET /containers/json describes it. */
struct pd__engine_ctr {
	char id[65];
	char name[128];          /* without the leading '/' */
	char image[256];
	char ips[4][48];         /* its addresses on the engine's networks */
	size_t nips;
	struct pd__engine_port ports[PD__ENGINE_PORTS];
	size_t nports;
	char pod[128];           /* labels io.kubernetes.pod.name, .namespace */
	char pod_namespace[64];
};

/* PD__ENGINE_LIST: lists the running containers of the engine answering
 * on unix socket sock into a malloc'ed array (*out, *n; the caller frees
 * it). PD_EIO (no answer, an error status), PD_EFORMAT (not the API's
 * JSON), PD_ENOMEM; err gets a one-line reason. */
typedef int (*pd__engine_list_fn)(const char *sock, struct pd__engine_ctr **out, size_t *n, char *err,
				  size_t errlen);
#define PD__ENGINE_LIST "pd__engine_list"
/* PD__ENGINE_STOP: POST /containers/ID/stop?t=timeout; 0 when stopped (or
 * already stopped), PD_EIO otherwise with the engine's message in err. */
typedef int (*pd__engine_stop_fn)(const char *sock, const char *id, unsigned timeout, char *err,
				  size_t errlen);
#define PD__ENGINE_STOP "pd__engine_stop"
int pd__engine_list(const char *sock, struct pd__engine_ctr **out, size_t *n, char *err, size_t errlen);
int pd__engine_stop(const char *sock, const char *id, unsigned timeout, char *err, size_t errlen);

/* engine.c. The unix socket of an engine's API: docker ($DOCKER_HOST when
 * it is unix://PATH, else /var/run/docker.sock), podman ($CONTAINER_HOST
 * when unix://, else /run/podman/podman.sock for root or
 * $XDG_RUNTIME_DIR/podman/podman.sock). NULL when the engine has no API
 * portdex speaks (containerd, cri-o, a tcp:// host). */
const char *pd__engine_socket(const char *engine, char *buf, size_t len);
/* Names the containers of l's owners (name, image, id of a proxy's
 * target, pods) by asking each engine once; what cannot be found says
 * why in container.unknown. Never fails: without the module or an answer,
 * the names stay unknown. */
void pd__engine_annotate(struct pd_socket_list *l);
/* Fills l->published: the ports f keeps that a running container publishes
 * with no socket of l on them. Asks an engine only when it runs containers
 * with namespaces of their own (Docker: /run/docker/netns not empty;
 * Podman: /run/netns/netns-*, and its socket), so that a host without
 * containers pays one opendir. PD_ENOMEM; an engine that does not answer
 * is no error. */
struct pd__filter;
int pd__engine_published(struct pd_socket_list *l, const struct pd__filter *f) PD_WUR;

#endif
