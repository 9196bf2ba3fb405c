/* engine.c: the container-engine module (libcurl on a unix socket, jansson
 * to read the answers), loaded only when a listening socket's owner is in
 * a container or is an engine's proxy, and by `portdex free` to stop one.
 * Docker's Engine API; Podman answers the same routes. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "importer.h"

#define MAX_ANSWER (16u << 20)

PD__MODULE_EXPORT const unsigned pd__module_abi = PD__MODULE_ABI;

struct answer {
	char *p;
	size_t n;
	int too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct answer *a = userdata;
	size_t n = size * nmemb;
	char *np;

	if (a->n + n > MAX_ANSWER) {
		a->too_big = 1;
		return 0;
	}
	np = realloc(a->p, a->n + n + 1);
	if (!np)
		return 0;
	a->p = np;
	memcpy(a->p + a->n, p, n);
	a->n += n;
	a->p[a->n] = '\0';
	return n;
}

/* One request on the socket: the status in *status, the body in a. */
static int request(const char *sock, const char *method, const char *path, long timeout, struct answer *a,
		   long *status, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "", url[512];
	CURL *c = NULL;
	CURLcode rc;
	int ret = 0;

	if (snprintf(url, sizeof(url), "http://localhost%s", path) >= (int)sizeof(url))
		return PD_EINVAL;
	if (curl_global_init(CURL_GLOBAL_NOTHING))
		return PD_EIO;
	c = curl_easy_init();
	if (!c) {
		ret = PD_ENOMEM;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "POST"))
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "portdex");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", sock, a->too_big ? "answer too large" : *cerr ? cerr : curl_easy_strerror(rc));
		ret = PD_EIO;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
out:
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return ret;
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
	long status = 0;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = request(sock, "GET", "/containers/json", 5, &a, &status, err, errlen)))
		goto out;
	if (status != 200) {
		snprintf(err, errlen, "%s: the engine answered HTTP %ld", sock, status);
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
	long status = 0;
	int rc;

	snprintf(path, sizeof(path), "/containers/%.64s/stop?t=%u", id, timeout);
	if ((rc = request(sock, "POST", path, (long)timeout + 30, &a, &status, err, errlen)))
		goto out;
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
