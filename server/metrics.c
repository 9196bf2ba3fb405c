/* metrics.c: /metrics in the Prometheus text format: requests by route and
 * status, latency histograms by route, the page cache, feedback, the
 * registry, and (--host-facts only) the sockets listening on this host */
#include <stdio.h>
#include <string.h>

#include "server.h"

static const char *const route_names[R_COUNT] = {
	"home", "port", "ranges", "blocks", "common", "search", "map", "api_port", "api_search",
	"api_listening", "api_feedback", "feedback", "metrics", "healthz", "other",
};

static const int statuses[] = { 200, 301, 302, 303, 304, 400, 404, 405, 413, 414, 415, 429, 431, 500, 501, 503 };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + "other" */

static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKET (sizeof(bounds) / sizeof(bounds[0]) + 1) /* + +Inf */

static atomic_ulong requests[R_COUNT][NSTATUS];
static atomic_ulong buckets[R_COUNT][NBUCKET];
static atomic_ullong sum_us[R_COUNT];
static time_t started;

void metrics_start(void)
{
	started = time(NULL);
}

const char *metrics_route_name(enum srv_route r)
{
	return (unsigned)r < R_COUNT ? route_names[r] : "other";
}

void metrics_record(enum srv_route r, int status, double seconds)
{
	size_t si = NSTATUS - 1, bi = NBUCKET - 1;

	if ((unsigned)r >= R_COUNT)
		r = R_NONE;
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			si = i;
	for (size_t i = 0; i < NBUCKET - 1; i++)
		if (seconds <= bounds[i]) {
			bi = i;
			break;
		}
	atomic_fetch_add(&requests[r][si], 1);
	atomic_fetch_add(&buckets[r][bi], 1);
	atomic_fetch_add(&sum_us[r], (unsigned long long)(seconds * 1e6 + 0.5));
}

/* A label value: made visible as for a terminal (pd_buf_text: no control
 * character or line feed is left), then backslash and double quote
 * escaped as the format wants */
static void label(struct pd_buf *b, const char *raw)
{
	struct pd_buf t = PD_BUF_INIT;

	pd_buf_text(&t, raw);
	if (t.err && !b->err)
		b->err = t.err;
	pd_buf_putc(b, '"');
	for (const char *s = pd_buf_str(&t); *s; s++) {
		if (*s == '\\' || *s == '"')
			pd_buf_putc(b, '\\');
		pd_buf_putc(b, *s);
	}
	pd_buf_putc(b, '"');
	pd_buf_release(&t);
}

static void head(struct pd_buf *b, const char *name, const char *type, const char *help)
{
	pd_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void requests_text(struct pd_buf *b)
{
	head(b, "portdex_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
	for (int r = 0; r < R_COUNT; r++)
		for (size_t i = 0; i < NSTATUS; i++) {
			unsigned long n = atomic_load(&requests[r][i]);
			if (!n)
				continue;
			if (i < NSTATUS - 1)
				pd_buf_printf(b, "portdex_http_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
					      route_names[r], statuses[i], n);
			else
				pd_buf_printf(b, "portdex_http_requests_total{route=\"%s\",code=\"other\"} %lu\n",
					      route_names[r], n);
		}
	head(b, "portdex_http_request_duration_seconds", "histogram",
	     "Time from the request line to the last byte of the answer, by route.");
	for (int r = 0; r < R_COUNT; r++) {
		unsigned long cum = 0;
		unsigned long total = 0;
		for (size_t i = 0; i < NBUCKET; i++)
			total += atomic_load(&buckets[r][i]);
		if (!total)
			continue;
		for (size_t i = 0; i < NBUCKET; i++) {
			cum += atomic_load(&buckets[r][i]);
			if (i < NBUCKET - 1)
				pd_buf_printf(b, "portdex_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
					      route_names[r], bounds[i], cum);
			else
				pd_buf_printf(b, "portdex_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
					      route_names[r], cum);
		}
		pd_buf_printf(b, "portdex_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_names[r],
			      (double)atomic_load(&sum_us[r]) / 1e6);
		pd_buf_printf(b, "portdex_http_request_duration_seconds_count{route=\"%s\"} %lu\n", route_names[r], cum);
	}
}

static const char *service_of(const struct pd_registry *reg, unsigned port, int proto)
{
	uint32_t idx[8];
	size_t k = pd_registry_lookup(reg, port, proto, idx, 8);
	struct pd_entry e;

	for (size_t i = 0; i < k && i < 8; i++)
		if (!pd_registry_entry(reg, idx[i], &e) && e.status == PD_ASSIGNED && *e.name)
			return e.name;
	return "";
}

/* This host's listening sockets: the counts (portdex_listening_sockets, as
 * `portdex listening --format prometheus` writes them), and one series per
 * socket with the registry's name for its port. */
static void listening_text(struct pd_buf *b, const struct srv_state *s)
{
	struct pd_listen_opts o = { .procroot = srv_cfg ? srv_cfg->procroot : NULL };
	struct pd_socket_list l = { 0 };
	int rc = pd_listening(&o, &l);

	head(b, "portdex_listening_scan_ok", "gauge", "1 when this host's sockets could be listed, else 0.");
	pd_buf_printf(b, "portdex_listening_scan_ok %d\n", rc == 0);
	if (rc) {
		pd_socket_list_release(&l);
		return;
	}
	if (s && (rc = pd_listening_metrics(s->reg, &l, b)) && !b->err)
		b->err = rc;
	head(b, "portdex_listening_socket", "gauge",
	     "One series per listening socket (always 1), with the registry's service name for its port.");
	for (size_t i = 0; i < l.n; i++) {
		const struct pd_socket *k = &l.v[i];
		pd_buf_printf(b, "portdex_listening_socket{transport=\"%s\",family=\"%s\",address=", pd_proto_name(k->proto),
			      k->family == 6 ? "ipv6" : "ipv4");
		label(b, k->addr);
		pd_buf_printf(b, ",port=\"%u\",service=", k->port);
		label(b, s ? service_of(s->reg, k->port, k->proto) : "");
		pd_buf_puts(b, ",netns=");
		label(b, k->netns);
		pd_buf_puts(b, "} 1\n");
	}
	pd_socket_list_release(&l);
}

int metrics_render(struct pd_buf *b)
{
	struct srv_state *s = state_get();

	requests_text(b);
	head(b, "portdex_page_cache_hits_total", "counter", "Answers served from the page cache.");
	pd_buf_printf(b, "portdex_page_cache_hits_total %lu\n", atomic_load(&srv_cache_hits));
	head(b, "portdex_page_cache_misses_total", "counter", "Answers rendered afresh.");
	pd_buf_printf(b, "portdex_page_cache_misses_total %lu\n", atomic_load(&srv_cache_misses));
	head(b, "portdex_feedback_votes_total", "counter", "Votes committed to the feedback database.");
	pd_buf_printf(b, "portdex_feedback_votes_total{vote=\"yes\"} %lu\nportdex_feedback_votes_total{vote=\"no\"} %lu\n",
		      atomic_load(&srv_votes[FB_YES]), atomic_load(&srv_votes[FB_NO]));
	head(b, "portdex_feedback_failures_total", "counter", "Votes that could not be stored.");
	pd_buf_printf(b, "portdex_feedback_failures_total %lu\n", atomic_load(&srv_vote_failures));
	head(b, "portdex_feedback_rate_limited_total", "counter", "Votes refused by the per-client rate limit.");
	pd_buf_printf(b, "portdex_feedback_rate_limited_total %lu\n", atomic_load(&srv_rate_limited));
	head(b, "portdex_feedback_rate_limited_all_total", "counter", "Votes refused by the overall cap on votes a minute.");
	pd_buf_printf(b, "portdex_feedback_rate_limited_all_total %lu\n", atomic_load(&srv_rate_limited_all));
	head(b, "portdex_feedback_db_reopens_total", "counter", "Times the feedback database was opened anew.");
	pd_buf_printf(b, "portdex_feedback_db_reopens_total %lu\n", atomic_load(&srv_db_reopens));
	head(b, "portdex_registry_reloads_total", "counter", "Registries loaded after the first.");
	pd_buf_printf(b, "portdex_registry_reloads_total %lu\n", atomic_load(&srv_reloads));
	head(b, "portdex_registry_reload_failures_total", "counter", "Registry files that could not be loaded.");
	pd_buf_printf(b, "portdex_registry_reload_failures_total %lu\n", atomic_load(&srv_reload_failures));
	if (s) {
		head(b, "portdex_registry_info", "gauge", "The registry being served (always 1).");
		pd_buf_puts(b, "portdex_registry_info{source=");
		label(b, pd_registry_source(s->reg));
		pd_buf_puts(b, ",updated=");
		label(b, pd_registry_updated(s->reg));
		pd_buf_printf(b, ",generation=\"%lu\"} 1\n", s->gen);
	}
	head(b, "portdex_start_time_seconds", "gauge", "When the server started (Unix time).");
	pd_buf_printf(b, "portdex_start_time_seconds %lld\n", (long long)started);
	if (srv_cfg && srv_cfg->host_facts)
		listening_text(b, s);
	state_put(s);
	return b->err;
}
