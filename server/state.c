/* state.c: the registry being served. A state (registry and host facts)
 * is immutable once published; readers take a reference under
 * a mutex, a reload publishes a whole new state, and the old one is freed
 * by whoever drops its last reference. So a request sees one registry from
 * start to end: the old one or the new one, never a mix. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct srv_state *current;
static unsigned long last_gen;
static struct stat loaded_st;    /* the file of the current registry */
static int loaded_from_file;

atomic_ulong srv_reloads, srv_reload_failures;

static void state_free(struct srv_state *s)
{
	pd_registry_free(s->reg);
	if (s->has_host)
		pd_host_release(&s->host);
	free(s);
}

struct srv_state *state_get(void)
{
	struct srv_state *s;

	pthread_mutex_lock(&mu);
	s = current;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&mu);
	return s;
}

void state_put(struct srv_state *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		state_free(s);
}

char *state_watch_path(const struct srv_config *cfg)
{
	struct pd_buf b = PD_BUF_INIT;

	if (cfg->registry)
		return strdup(cfg->registry);
	if (pd_data_dir(&b)) {
		pd_buf_release(&b);
		return NULL;
	}
	pd_buf_puts(&b, "/registry.pdx");
	if (b.err) {
		pd_buf_release(&b);
		return NULL;
	}
	return pd_buf_detach(&b);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int state_file_changed(const char *path)
{
	struct stat st;
	int exists = path && !stat(path, &st), changed;

	pthread_mutex_lock(&mu);
	changed = exists != loaded_from_file || (exists && !same_file(&st, &loaded_st));
	pthread_mutex_unlock(&mu);
	return changed;
}

int state_load(const struct srv_config *cfg, char *err, size_t errlen)
{
	struct srv_state *s = calloc(1, sizeof(*s)), *old;
	char *path = state_watch_path(cfg);
	struct stat st;
	int from_file = 0, rc;

	if (!s) {
		rc = PD_ENOMEM;
		goto fail;
	}
	if (path && (cfg->registry || !stat(path, &st))) {
		from_file = !stat(path, &st);
		rc = pd_registry_open_file(path, &s->reg, err, errlen);
	} else {
		rc = pd_registry_open_default(&s->reg);
	}
	if (rc)
		goto fail;
	/* a public server names no file of its host; nor reads its settings */
	if (!cfg->host_facts && (rc = pd_registry_hide_paths(s->reg)))
		goto fail;
	if (cfg->host_facts && !pd_host_read(&s->host, cfg->procroot))
		s->has_host = 1;
	atomic_init(&s->refs, 1);
	pthread_mutex_lock(&mu);
	s->gen = ++last_gen;
	old = current;
	current = s;
	loaded_from_file = from_file;
	if (from_file)
		loaded_st = st;
	pthread_mutex_unlock(&mu);
	state_put(old);
	cache_clear();
	if (s->gen > 1)
		atomic_fetch_add(&srv_reloads, 1);
	free(path);
	return 0;
fail:
	if (err && errlen && !*err)
		snprintf(err, errlen, "%s", pd_strerror(rc));
	if (s)
		state_free(s);
	/* do not retry this file until it changes again */
	if (path && !stat(path, &st)) {
		pthread_mutex_lock(&mu);
		loaded_from_file = 1;
		loaded_st = st;
		pthread_mutex_unlock(&mu);
	}
	atomic_fetch_add(&srv_reload_failures, 1);
	free(path);
	return rc;
}

void state_shutdown(void)
{
	struct srv_state *old;

	pthread_mutex_lock(&mu);
	old = current;
	current = NULL;
	pthread_mutex_unlock(&mu);
	state_put(old);
}
