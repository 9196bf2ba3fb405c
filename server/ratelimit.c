/* ratelimit.c: at most N votes per client per minute, and at most M a
 * minute from everyone (rl_take_all), which bounds the database's growth. A client is an IPv4
 * address or an IPv6 /64 (one host's privacy addresses share it). The
 * table has a fixed size: a new client takes an expired or the oldest
 * place among a few, so memory stays bounded whatever the traffic. */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include "server.h"

#define RL_SLOTS 4096
#define RL_PROBE 8
#define RL_WINDOW 60

struct rl_slot {
	uint64_t client;         /* 0: empty */
	time_t start;            /* the minute's first vote */
	unsigned count;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct rl_slot table[RL_SLOTS];
static unsigned limit;
static unsigned char key[16];

/* the overall cap: a bucket of all_limit tokens, refilled at all_limit a
 * minute; a vote takes one */
static unsigned all_limit;
static double all_tokens;
static struct timespec all_last;

atomic_ulong srv_rate_limited, srv_rate_limited_all;

void rl_init(unsigned per_minute, unsigned all_per_minute)
{
	limit = per_minute;
	all_limit = all_per_minute;
	all_tokens = all_per_minute;
	clock_gettime(CLOCK_MONOTONIC, &all_last);
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		memset(key, 0x5a, sizeof(key)); /* still works, only less resistant to collisions */
}

unsigned rl_take(const unsigned char addr[16], int family, time_t now)
{
	unsigned char k[9];
	uint64_t client;
	struct rl_slot *victim = NULL, *s = NULL;
	unsigned wait = 0;

	if (!limit)
		return 0;
	k[0] = (unsigned char)family;
	memcpy(k + 1, addr, 8); /* IPv4: 4 bytes and zeros; IPv6: the /64 */
	if (family == 4)
		memset(k + 5, 0, 4);
	client = srv_siphash(key, k, sizeof(k)) | 1;
	pthread_mutex_lock(&mu);
	for (unsigned i = 0; i < RL_PROBE; i++) {
		struct rl_slot *t = &table[(client + i) % RL_SLOTS];
		if (t->client == client) {
			s = t;
			break;
		}
		/* the first empty place, else the oldest */
		if (t->client == 0) {
			if (!victim || victim->client != 0)
				victim = t;
		} else if (!victim || (victim->client != 0 && t->start < victim->start)) {
			victim = t;
		}
	}
	if (s && now - s->start >= RL_WINDOW) {
		s->start = now;
		s->count = 0;
	}
	if (!s) {
		s = victim;
		s->client = client;
		s->start = now;
		s->count = 0;
	}
	if (s->count >= limit) {
		wait = (unsigned)(s->start + RL_WINDOW - now);
		if (wait == 0)
			wait = 1;
		atomic_fetch_add(&srv_rate_limited, 1);
	} else {
		s->count++;
	}
	pthread_mutex_unlock(&mu);
	return wait;
}

unsigned rl_take_all(void)
{
	struct timespec t;
	unsigned wait = 0;
	double dt;

	if (!all_limit)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&mu);
	dt = (double)(t.tv_sec - all_last.tv_sec) + (double)(t.tv_nsec - all_last.tv_nsec) / 1e9;
	all_last = t;
	all_tokens += dt * all_limit / 60.0;
	if (all_tokens > all_limit)
		all_tokens = all_limit;
	if (all_tokens >= 1.0) {
		all_tokens -= 1.0;
	} else {
		/* the seconds until one token is there, rounded up */
		wait = (unsigned)((1.0 - all_tokens) * 60.0 / all_limit) + 1;
		atomic_fetch_add(&srv_rate_limited_all, 1);
	}
	pthread_mutex_unlock(&mu);
	return wait;
}
