/* main.c: portdex-serve, the program behind `portdex serve` and
 * `portdex feedback` (which exec it with their options):
 *
 *   portdex-serve serve [--listen ADDR:PORT] [--db FILE] [--registry FILE]
 *   portdex-serve feedback [--top N] [--json] [--db FILE] [--registry FILE]
 *
 * The main thread of `serve` starts the HTTP threads and the feedback
 * writer, then waits for signals (SIGHUP: reload; SIGTERM, SIGINT: stop)
 * and for changes of the registry file (inotify on its directory, and a
 * stat every second when inotify cannot watch it). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "http_parse.h"
#include "server.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: portdex serve [--listen ADDR:PORT] [--db FILE|URI] [--registry FILE] [--publish-comments]\n"
		   "                     [--host-facts]\n"
		   "       portdex feedback [--top N] [--json] [--db FILE|URI] [--registry FILE]\n");
}

/* A number from the environment, from lo to hi; def when unset */
static int env_uint(const char *name, unsigned lo, unsigned hi, unsigned def, unsigned *out)
{
	const char *v = getenv(name), *cur = v;
	unsigned long n = 0;
	char q[256];

	*out = def;
	if (!v || !*v)
		return 0;
	for (; *cur >= '0' && *cur <= '9' && n <= hi; cur++)
		n = n * 10 + (unsigned long)(*cur - '0');
	if (*cur || cur == v || n < lo || n > hi) {
		cli_error("%s='%s' is not a number from %u to %u", name, cli_quote(v, q, sizeof(q)), lo, hi);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static void reload(const struct srv_config *cfg, const char *why)
{
	char err[512] = "";
	struct srv_state *s;

	if (state_load(cfg, err, sizeof(err))) {
		cli_error("registry not reloaded (%s): %s; still serving the previous one", why, err);
		return;
	}
	s = state_get();
	if (s)
		cli_error("registry reloaded (%s): %s, updated %s (generation %lu)", why, pd_registry_source(s->reg),
			  *pd_registry_updated(s->reg) ? pd_registry_updated(s->reg) : "unknown", s->gen);
	state_put(s);
}

/* Waits until a file that changed has stopped changing (a writer that does
 * not rename), at most two seconds */
static void settle(const char *path)
{
	struct stat a, b;
	struct timespec pause = { 0, 200 * 1000 * 1000 };

	for (int i = 0; i < 10; i++) {
		int ea = stat(path, &a);
		nanosleep(&pause, NULL);
		if (ea == stat(path, &b) &&
		    (ea || (a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
			    a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ino == b.st_ino)))
			return;
	}
}

/* The main thread's loop: signals and registry changes */
static void watch_loop(const struct srv_config *cfg, int sfd)
{
	char *path = state_watch_path(cfg), *dir = NULL;
	const char *base = NULL;
	int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), wd = -1;

	if (path && (dir = strdup(path))) {
		char *slash = strrchr(dir, '/');
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else
			strcpy(dir, ".");
	}
	for (;;) {
		struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { ifd, POLLIN, 0 } };
		int changed = 0;
		if (ifd >= 0 && wd < 0 && dir)
			wd = inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE |
							 IN_MOVED_FROM | IN_ONLYDIR);
		if (poll(pf, ifd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					reload(cfg, "SIGHUP");
					continue;
				}
				break; /* SIGTERM, SIGINT */
			}
		}
		if (ifd >= 0 && (pf[1].revents & POLLIN)) {
			char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
			ssize_t n;
			while ((n = read(ifd, ev, sizeof(ev))) > 0)
				for (char *p = ev; p < ev + n;) {
					struct inotify_event *e = (struct inotify_event *)(void *)p;
					if (e->mask & IN_IGNORED)
						wd = -1; /* the directory went away */
					else if (e->len && base && !strcmp(e->name, base))
						changed = 1;
					p += sizeof(*e) + e->len;
				}
		}
		(void)changed; /* inotify only wakes us early: the stat decides */
		if (path && state_file_changed(path)) {
			settle(path);
			reload(cfg, "registry file changed");
		}
	}
	if (ifd >= 0)
		close(ifd);
	free(dir);
	free(path);
}

static int serve_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "registry", required_argument, NULL, 'r' },
		{ "publish-comments", no_argument, NULL, 'P' },
		{ "host-facts", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct srv_config cfg = { .listen = "127.0.0.1:8926" };
	struct pd_buf db = PD_BUF_INIT;
	struct hp_listen l;
	char err[512] = "", q[256];
	sigset_t set;
	int opt, rc, sfd = -1;

	cfg.registry = getenv("PORTDEX_REGISTRY");
	if (cfg.registry && !*cfg.registry)
		cfg.registry = NULL;
	cfg.procroot = getenv("PORTDEX_PROC");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': cfg.listen = optarg; break;
		case 'd': cfg.db = optarg; break;
		case 'r': cfg.registry = optarg; break;
		case 'P': cfg.publish_comments = 1; break;
		case 'H': cfg.host_facts = 1; break;
		case 'h': usage(stdout); return EXIT_ANSWERED;
		default:
			cli_error("serve: bad option '%s'", cli_quote(argv[optind - 1], q, sizeof(q)));
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("serve takes no arguments ('%s')", cli_quote(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (hp_listen_parse(cfg.listen, &l)) {
		cli_error("'%s' is not an address to listen on (127.0.0.1:8926, [::1]:8926, :8926 for every address; "
			  "port 0 for any free port)", cli_quote(cfg.listen, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (env_uint("PORTDEX_SERVE_TIMEOUT", 1, 3600, 15, &cfg.timeout) ||
	    env_uint("PORTDEX_VOTE_LIMIT", 0, 1000000, 10, &cfg.vote_limit) ||
	    env_uint("PORTDEX_SERVE_CACHE_TTL", 0, 3600, 60, &cfg.cache_ttl) ||
	    env_uint("PORTDEX_SERVE_THREADS", 1, 64, 2, &cfg.threads) ||
	    env_uint("PORTDEX_VOTES_PER_MINUTE", 0, 1000000, 60, &cfg.votes_per_minute))
		return EXIT_USAGE;
	cfg.public_url = getenv("PORTDEX_PUBLIC_URL");
	if (cfg.public_url && (!*cfg.public_url || srv_origin_parse(cfg.public_url, NULL))) {
		cli_error("PORTDEX_PUBLIC_URL='%s' is not an address like https://example.org",
			  cli_quote(cfg.public_url, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!cfg.db) {
		if (fb_default_path(&db)) {
			cli_error("no place for the feedback database: give --db FILE or set HOME or XDG_DATA_HOME");
			pd_buf_release(&db);
			return EXIT_USAGE;
		}
		cfg.db = db.s;
	}

	/* signals go to the main thread's signalfd; the threads started
	 * below inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		cli_error("cannot receive signals: %s", strerror(errno));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if ((rc = state_load(&cfg, err, sizeof(err)))) {
		char *installed = cfg.registry ? NULL : state_watch_path(&cfg);
		if (installed) {
			/* as every command: the installed registry, and its repair */
			cli_installed_error(installed, *err ? err : pd_strerror(rc));
			free(installed);
			rc = EXIT_FAILURE_OP;
			goto out;
		}
		cli_error("cannot use registry '%s': %s", cli_quote(cfg.registry ? cfg.registry : "(compiled in)", q, sizeof(q)),
			  err);
		rc = rc == PD_EIO || rc == PD_EMODULE || rc == PD_ENOMEM ? EXIT_FAILURE_OP : EXIT_USAGE;
		goto out;
	}
	if ((rc = fb_open(cfg.db, err, sizeof(err)))) {
		cli_error("cannot open the feedback database '%s': %s", fb_display(cfg.db, q, sizeof(q)), err);
		rc = rc == PD_ENOTSUP ? EXIT_USAGE : EXIT_FAILURE_OP;
		goto out_state;
	}
	rl_init(cfg.vote_limit, cfg.votes_per_minute);
	metrics_start();
	if ((rc = http_start(&cfg, err, sizeof(err)))) {
		cli_error("cannot listen on '%s': %s", cli_quote(cfg.listen, q, sizeof(q)), err);
		rc = EXIT_FAILURE_OP;
		goto out_fb;
	}
	{
		struct srv_state *s = state_get();
		cli_error("registry: %s, updated %s; feedback in %s %s; %s", pd_registry_source(s->reg),
			  *pd_registry_updated(s->reg) ? pd_registry_updated(s->reg) : "unknown", fb_backend_name(),
			  fb_display(cfg.db, q, sizeof(q)),
			  cfg.host_facts ? "this host's facts shown (--host-facts)" : "nothing told about this host");
		state_put(s);
	}
	watch_loop(&cfg, sfd);

	/* stop taking connections, answer the votes in flight, stop */
	http_quiesce();
	fb_stop();
	http_stop();
	rc = EXIT_ANSWERED;
out_fb:
	fb_close();
out_state:
	state_shutdown();
	cache_clear();
out:
	if (sfd >= 0)
		close(sfd);
	pd_buf_release(&db);
	return rc;
}

static int feedback_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "registry", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c;
	struct pd_buf db = PD_BUF_INIT;
	const char *path = NULL;
	long top = 20;
	int opt, json = 0, rc;
	char q[256];

	memset(&c, 0, sizeof(c));
	c.registry_path = getenv("PORTDEX_REGISTRY");
	if (c.registry_path && !*c.registry_path)
		c.registry_path = NULL;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': {
			const char *cur = optarg;
			unsigned long v = 0;
			for (; *cur >= '0' && *cur <= '9' && v <= 1000000; cur++)
				v = v * 10 + (unsigned long)(*cur - '0');
			if (*cur || cur == optarg || v < 1 || v > 1000000) {
				cli_error("'%s' is not a valid --top (1-1000000)", cli_quote(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			top = (long)v;
			break;
		}
		case 'j': json = 1; break;
		case 'd': path = optarg; break;
		case 'r': c.registry_path = optarg; break;
		case 'h': usage(stdout); return EXIT_ANSWERED;
		default:
			cli_error("feedback: bad option '%s'", cli_quote(argv[optind - 1], q, sizeof(q)));
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("feedback takes no arguments ('%s')", cli_quote(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!path) {
		if (fb_default_path(&db)) {
			cli_error("no feedback database: give --db FILE or set HOME or XDG_DATA_HOME");
			pd_buf_release(&db);
			return EXIT_USAGE;
		}
		path = db.s;
	}
	rc = cli_open_registry(&c);
	if (!rc)
		rc = fb_report(path, top, json, c.reg);
	pd_registry_free(c.reg);
	pd_buf_release(&db);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "feedback"))
		return feedback_main(argc - 1, argv + 1);
	usage(stderr);
	return EXIT_USAGE;
}
