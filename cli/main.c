/* main.c: the portdex command: global options and the subcommand table */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct command commands[] = {
	{ "search", cmd_search, "search WORDS...", "ranked search over service names and descriptions", OPT_LIMIT },
	{ "list", cmd_list, "list [--status S] [--transport T] [--range R]", "list (port, transport) rows of the registry", OPT_STATUS | OPT_TRANSPORT | OPT_RANGE },
	{ "gaps", cmd_gaps, "gaps [--range R] [--limit N]", "unassigned blocks, largest first", OPT_RANGE | OPT_LIMIT },
	{ "stats", cmd_stats, "stats", "counts per range class, transport and status", 0 },
	{ "services", cmd_services, "services", "the registry in /etc/services format", 0 },
	{ "update", cmd_update, "update [--from FILE|URL] [--allow-older]", "install a new official registry", OPT_FROM | OPT_ALLOW_OLDER },
	{ "diff", cmd_diff, "diff OLD NEW", "what changed between two registry files", 0 },
	{ "listening", cmd_listening, "listening [QUERY...] [--netns NS|--all-netns] [--format F]", "listening sockets on this host, with their processes", OPT_NETNS | OPT_FORMAT | OPT_TRANSPORT },
	{ "who", cmd_listening, "who [QUERY...]", "the same as listening", OPT_NETNS | OPT_FORMAT | OPT_TRANSPORT },
	{ "page", cmd_page, "page PORT [--format text|markdown|html|json]", "the whole reference page of a port", OPT_FORMAT },
	{ "export", cmd_export, "export --out DIR [--base-url URL]", "a static site: a page for every port", OPT_OUT },
	{ "check", cmd_check, "check PORT[/TRANSPORT]...", "good, acceptable or avoid for a new service, and why", 0 },
	{ "suggest", cmd_suggest, "suggest [NAME] [--count N] [--transport T] [--range R] [--hold S]", "ports for a new service (--transport tcp (default), udp or both)", OPT_COUNT | OPT_TRANSPORT | OPT_RANGE | OPT_HOLD },
	{ "serve", cmd_serve, "serve [--listen ADDR:PORT] [--db FILE]", "the website and its JSON API over HTTP", OPT_LISTEN | OPT_DB },
	{ "feedback", cmd_feedback, "feedback [--top N] [--db FILE]", "pages by readers' votes, with their comments", OPT_TOP | OPT_DB },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: portdex [OPTIONS] QUERY...\n"
		   "       portdex [OPTIONS] COMMAND [ARGS]\n\n"
		   "QUERY is a port (926), a port and transport (926/udp), a range (900-999)\n"
		   "or a service name (ssh).\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-48s %s\n", commands[i].usage, commands[i].help);
	fprintf(f, "\noptions:\n"
		   "  --json              print JSON\n"
		   "  --registry FILE     answer from this registry (XML, CSV or portdex image);\n"
		   "                      also PORTDEX_REGISTRY\n"
		   "  --color WHEN        auto (default), always or never; NO_COLOR is respected\n"
		   "  -h, --help          this help\n"
		   "  -V, --version       version and registry\n\n"
		   "exit status: 0 answered, 1 nothing found, 2 invalid input or usage,\n"
		   "3 operational failure\n");
}

enum { O_JSON = 256, O_REGISTRY, O_COLOR, O_STATUS, O_TRANSPORT, O_RANGE, O_FROM, O_LIMIT,
       O_NETNS, O_ALL_NETNS, O_FORMAT, O_COUNT, O_HOLD, O_OUT, O_BASE_URL,
       O_LISTEN, O_DB, O_TOP, O_ALLOW_OLDER };

static const struct option longopts[] = {
	{ "json", no_argument, NULL, O_JSON },
	{ "registry", required_argument, NULL, O_REGISTRY },
	{ "color", required_argument, NULL, O_COLOR },
	{ "status", required_argument, NULL, O_STATUS },
	{ "transport", required_argument, NULL, O_TRANSPORT },
	{ "range", required_argument, NULL, O_RANGE },
	{ "from", required_argument, NULL, O_FROM },
	{ "allow-older", no_argument, NULL, O_ALLOW_OLDER },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "netns", required_argument, NULL, O_NETNS },
	{ "all-netns", no_argument, NULL, O_ALL_NETNS },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "count", required_argument, NULL, O_COUNT },
	{ "hold", required_argument, NULL, O_HOLD },
	{ "out", required_argument, NULL, O_OUT },
	{ "base-url", required_argument, NULL, O_BASE_URL },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "db", required_argument, NULL, O_DB },
	{ "top", required_argument, NULL, O_TOP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int version(struct cli *c)
{
	int rc = cli_open_registry(c);

	if (rc)
		return rc;
	if (c->json) {
		struct pd_buf b = PD_BUF_INIT;
		pd_buf_printf(&b, "{\"version\":\"%s\",", pd_version());
		cli_registry_json(c, &b);
		pd_buf_puts(&b, "}\n");
		rc = cli_write(&b);
		pd_buf_release(&b);
		return rc;
	}
	{
		struct pd_buf b = PD_BUF_INIT;
		pd_buf_printf(&b, "portdex %s\nregistry: ", pd_version());
		pd_buf_text(&b, pd_registry_source(c->reg));  /* a file name or URL */
		pd_buf_puts(&b, ", updated ");
		pd_buf_text(&b, *pd_registry_updated(c->reg) ? pd_registry_updated(c->reg) : "unknown");
		pd_buf_putc(&b, '\n');
		rc = cli_write(&b);
		pd_buf_release(&b);
		return rc;
	}
}

/* Arguments such as "-1" are bad queries, not options. */
static int negative_number(const char *a)
{
	return a[0] == '-' && a[1] >= '0' && a[1] <= '9';
}

int main(int argc, char **argv)
{
	struct cli c;
	const struct command *cmd = NULL;
	unsigned given = 0;
	int opt, rc, want_version = 0;
	const char *color = "auto";
	char q[256];
	char *end;

	memset(&c, 0, sizeof(c));
	c.limit = c.count = c.hold = -1;
	c.registry_path = getenv("PORTDEX_REGISTRY");
	if (c.registry_path && !*c.registry_path)
		c.registry_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (negative_number(argv[i]))
			return cli_bad_query(argv[i]);
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (opt) {
		case O_JSON: c.json = 1; break;
		case O_REGISTRY: c.registry_path = optarg; break;
		case O_COLOR: color = optarg; break;
		case O_STATUS: c.status = optarg; given |= OPT_STATUS; break;
		case O_TRANSPORT: c.transport = optarg; given |= OPT_TRANSPORT; break;
		case O_RANGE: c.range = optarg; given |= OPT_RANGE; break;
		case O_FROM: c.from = optarg; given |= OPT_FROM; break;
		case O_ALLOW_OLDER: c.allow_older = 1; given |= OPT_ALLOW_OLDER; break;
		case O_LIMIT:
		case O_COUNT:
		case O_HOLD: {
			long v = strtol(optarg, &end, 10);
			const char *name = opt == O_LIMIT ? "--limit" : opt == O_COUNT ? "--count" : "--hold";
			long max = opt == O_HOLD ? 86400 : opt == O_COUNT ? 1000 : 1000000;
			if (*end || !*optarg || !(optarg[0] >= '0' && optarg[0] <= '9') || v < 0 || v > max ||
			    (opt == O_COUNT && v == 0)) {
				cli_error("'%s' is not a valid %s (%d-%ld)", cli_quote(optarg, q, sizeof(q)), name,
					  opt == O_COUNT, max);
				return EXIT_USAGE;
			}
			if (opt == O_LIMIT) {
				c.limit = v;
				given |= OPT_LIMIT;
			} else if (opt == O_COUNT) {
				c.count = v;
				given |= OPT_COUNT;
			} else {
				c.hold = v;
				given |= OPT_HOLD;
			}
			break;
		}
		case O_NETNS: c.netns = optarg; given |= OPT_NETNS; break;
		case O_ALL_NETNS: c.all_netns = 1; given |= OPT_NETNS; break;
		case O_FORMAT: c.format = optarg; given |= OPT_FORMAT; break;
		case O_OUT: c.out = optarg; given |= OPT_OUT; break;
		case O_BASE_URL: c.base_url = optarg; given |= OPT_OUT; break;
		case O_LISTEN: c.listen = optarg; given |= OPT_LISTEN; break;
		case O_DB: c.db = optarg; given |= OPT_DB; break;
		case O_TOP: c.top = optarg; given |= OPT_TOP; break;
		case 'h': usage(stdout); return EXIT_ANSWERED;
		case 'V': want_version = 1; break;
		case ':':
			cli_error("option '%s' needs a value", cli_quote(argv[optind - 1], q, sizeof(q)));
			return EXIT_USAGE;
		default:
			cli_error("unknown option '%s' (see portdex --help)",
				  cli_quote(argv[optind - 1], q, sizeof(q)));
			return EXIT_USAGE;
		}
	}
	if (!strcmp(color, "always"))
		c.color = 1;
	else if (!strcmp(color, "auto"))
		c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !c.json;
	else if (strcmp(color, "never")) {
		cli_error("'%s' is not a colour choice (auto, always, never)", cli_quote(color, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (c.json)
		c.color = 0;
	argc -= optind;
	argv += optind;
	if (want_version) {
		rc = version(&c);
		goto out;
	}
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			cmd = &commands[i];
	if (given & ~(cmd ? cmd->opts : 0u)) {
		cli_error("%s does not take that option (see portdex --help)", cmd ? cmd->name : "a lookup");
		return EXIT_USAGE;
	}
	if (cmd)
		rc = cmd->fn(&c, argc - 1, argv + 1);
	else
		rc = cmd_lookup(&c, argc, argv);
out:
	pd_registry_free(c.reg);
	pd_host_release(&c.host);
	pd_socket_list_release(&c.socks);
	return rc;
}
