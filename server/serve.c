/* serve.c: `portdex serve` and `portdex feedback`, in the portdex command.
 *
 * The server needs libmicrohttpd, SQLite and zlib; a lookup must load none
 * of them (the portdex binary is dynamically linked, and every library it
 * links is mapped and relocated at every run). So the server is a program
 * of its own, portdex-serve, and these two commands only exec it with
 * their options: it is found beside the running portdex (the build
 * directory, or the installed bindir) or in the bindir chosen at build
 * time. exec keeps the process id, so whoever started `portdex serve` can
 * signal the server by that id. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef PD_BINDIR
#define PD_BINDIR "/usr/local/bin"
#endif

#define SERVER "portdex-serve"

static int find_server(char *path, size_t max)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(path, max, "%s/%s", exe, SERVER) < (int)max && !access(path, X_OK))
				return 0;
		}
	}
	if (snprintf(path, max, "%s/%s", PD_BINDIR, SERVER) < (int)max && !access(path, X_OK))
		return 0;
	return -1;
}

/* Replaces this process with portdex-serve SUBCOMMAND ARGS...; returns only on failure */
static int run_server(char **args)
{
	char path[PATH_MAX];

	if (find_server(path, sizeof(path))) {
		cli_error("cannot find %s beside portdex or in %s (is it installed?)", SERVER, PD_BINDIR);
		return EXIT_FAILURE_OP;
	}
	args[0] = path;
	execv(path, args);
	cli_error("cannot run %s: %s", path, strerror(errno));
	return EXIT_FAILURE_OP;
}

static int no_arguments(const char *cmd, int argc, char **argv)
{
	char q[256];

	if (!argc)
		return 0;
	cli_error("%s takes no arguments ('%s'; see portdex --help)", cmd, cli_quote(argv[0], q, sizeof(q)));
	return EXIT_USAGE;
}

/* adds "--name value" when value is set */
static void add_opt(char **args, int *n, const char *name, const char *value)
{
	if (!value)
		return;
	args[(*n)++] = (char *)name;
	args[(*n)++] = (char *)value;
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	char *args[10];
	int n = 1, rc = no_arguments("serve", argc, argv);

	if (rc)
		return rc;
	args[n++] = "serve";
	add_opt(args, &n, "--listen", c->listen);
	add_opt(args, &n, "--db", c->db);
	add_opt(args, &n, "--registry", c->registry_path);
	if (c->publish_comments)
		args[n++] = "--publish-comments";
	if (c->host_facts)
		args[n++] = "--host-facts";
	args[n] = NULL;
	return run_server(args);
}

int cmd_feedback(struct cli *c, int argc, char **argv)
{
	char *args[12];
	int n = 1, rc = no_arguments("feedback", argc, argv);

	if (rc)
		return rc;
	args[n++] = "feedback";
	add_opt(args, &n, "--top", c->top);
	if (c->json)
		args[n++] = "--json";
	add_opt(args, &n, "--db", c->db);
	add_opt(args, &n, "--registry", c->registry_path);
	args[n] = NULL;
	return run_server(args);
}
