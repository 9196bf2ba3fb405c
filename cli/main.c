/* main.c: the portdex command: global options and the subcommand table */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jw.h"

static int cmd_help(struct cli *c, int argc, char **argv);

/* The subcommands: name, function, usage, one line of description, the
 * options they take (OPT_*) and those options' help, one "OPTION\tTEXT"
 * line each. The same words as portdex(1)'s COMMANDS. */
static const struct command commands[] = {
	{ "search", cmd_search, "search WORDS...|--like WORD [--limit N]",
	  "ports by product, protocol or service name, with why",
	  OPT_LIMIT | OPT_LIKE,
	  "--like WORD\tnames that contain WORD (as whatportis --like)\n"
	  "--limit N\tat most N results (default 20)\n" },
	{ "list", cmd_list, "list [--status S] [--transport T] [--range R]",
	  "list (port, transport) rows of the registry", OPT_STATUS | OPT_TRANSPORT | OPT_RANGE,
	  "--status S\tassigned, reserved or unassigned\n"
	  "--transport T\ttcp, udp, sctp or dccp\n"
	  "--range R\tA-B, system, user or dynamic\n" },
	{ "gaps", cmd_gaps, "gaps [--range R] [--limit N]", "unassigned blocks, largest first",
	  OPT_RANGE | OPT_LIMIT,
	  "--range R\tA-B, system, user or dynamic\n"
	  "--limit N\tthe N largest blocks only\n" },
	{ "stats", cmd_stats, "stats", "counts per range class, transport and status", 0, "" },
	{ "services", cmd_services, "services", "the registry in /etc/services format", 0, "" },
	{ "update", cmd_update, "update [--from FILE|URL] [--allow-older]", "install a new official registry",
	  OPT_FROM | OPT_ALLOW_OLDER,
	  "--from FILE|URL\tIANA's registry, XML or CSV (default: IANA's XML URL)\n"
	  "--allow-older\tinstall a registry dated before the installed one\n" },
	{ "diff", cmd_diff, "diff OLD NEW", "what changed between two registry files", 0, "" },
	{ "listening", cmd_listening,
	  "listening [QUERY...] [--netns NAME|PID|--all-netns] [--format table|prometheus] [--transport T] "
	  "[--no-header]",
	  "listening sockets on this host, with their processes",
	  OPT_NETNS | OPT_FORMAT | OPT_TRANSPORT | OPT_NO_HEADER,
	  "--netns NAME|PID\tthe namespace /run/netns/NAME, or that of process PID\n"
	  "--all-netns\tevery namespace the host's processes use (root only)\n"
	  "--format F\ttable (default) or prometheus\n"
	  "--transport T\ttcp, udp or sctp\n"
	  "--no-header\tno header line in the table\n" },
	{ "who", cmd_listening,
	  "who [QUERY...] [--netns NAME|PID|--all-netns] [--format table|prometheus] [--transport T] "
	  "[--no-header]",
	  "the same as listening",
	  OPT_NETNS | OPT_FORMAT | OPT_TRANSPORT | OPT_NO_HEADER,
	  "--netns NAME|PID\tthe namespace /run/netns/NAME, or that of process PID\n"
	  "--all-netns\tevery namespace the host's processes use (root only)\n"
	  "--format F\ttable (default) or prometheus\n"
	  "--transport T\ttcp, udp or sctp\n"
	  "--no-header\tno header line in the table\n" },
	{ "free", cmd_free, "free PORT[/TRANSPORT] [--yes] [--signal SIG] [--timeout SECONDS] [--dry-run]",
	  "stop what holds a port: processes, or a container via its engine", OPT_FREE,
	  "--yes\tdo not ask (needed without a terminal)\n"
	  "--signal SIG\tthe signal to send: TERM (default), INT, HUP, KILL...\n"
	  "--timeout SECONDS\thow long to wait for the port to be free (default 5)\n"
	  "--dry-run\tsay what would be done, and do nothing\n" },
	{ "page", cmd_page, "page PORT|NAME [--format text|markdown|html|json] [--lang en|fr|ms]",
	  "the whole reference page of a port (of each port of a service)", OPT_FORMAT | OPT_LANG,
	  "--format F\ttext (default), markdown, html or json\n"
	  "--lang LANG\tthe page's language: en (default), fr or ms\n" },
	{ "export", cmd_export, "export --out DIR [--base-url URL] [--gzip] [--lang LIST]",
	  "a static site: a page for every port", OPT_OUT | OPT_LANG,
	  "--out DIR\tthe directory to write the site to\n"
	  "--base-url URL\tthe address in the sitemaps (default http://localhost/)\n"
	  "--gzip\ta compressed FILE.gz beside each file\n"
	  "--lang LIST\tthe languages, e.g. en or en,fr (default en,fr,ms: all)\n" },
	{ "check", cmd_check, "check PORT[/TRANSPORT]...",
	  "good, acceptable or avoid for a new service, and why", 0, "" },
	{ "suggest", cmd_suggest,
	  "suggest [NAME] [--count N] [--transport tcp|udp|both] [--range R] [--hold SECONDS] [--explain]",
	  "ports for a new service, one per line", OPT_COUNT | OPT_TRANSPORT | OPT_RANGE | OPT_HOLD | OPT_EXPLAIN,
	  "--count N\thow many ports, 1-1000 (default 1)\n"
	  "--transport T\ttcp (default), udp, or both (free on tcp and udp)\n"
	  "--range R\tuser (default), dynamic, system or A-B\n"
	  "--hold SECONDS\tkeep the ports bound that long, or until SIGTERM\n"
	  "--explain\thow they were chosen, also when stdout is not a terminal\n" },
	{ "serve", cmd_serve, "serve [--listen ADDR:PORT] [--db FILE|URI] [--publish-comments] [--host-facts]",
	  "the website and its JSON API over HTTP",
	  OPT_LISTEN | OPT_DB | OPT_PUBLISH | OPT_HOST_FACTS,
	  "--listen ADDR:PORT\tthe address to serve (default 127.0.0.1:8926)\n"
	  "--db FILE|URI\tthe feedback database: a SQLite file, or postgresql://...\n"
	  "--publish-comments\treaders' comments in /api/v1/ports/N/feedback\n"
	  "--host-facts\ttell what listens here and this host's settings (intranet)\n" },
	{ "feedback", cmd_feedback, "feedback [--top N] [--db FILE|URI]", "pages by readers' votes, with their comments",
	  OPT_TOP | OPT_DB,
	  "--top N\tthe N pages with the most votes (default 20)\n"
	  "--db FILE|URI\tthe feedback database: a SQLite file, or postgresql://...\n" },
	{ "help", cmd_help, "help [COMMAND]", "this help, or a command's", 0, "" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))
#define HELP_WIDTH 80

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "usage: portdex USAGE", broken between bracketed groups to fit 80 columns */
static void put_usage(FILE *f, const char *usage)
{
	const char *prefix = "usage: portdex ";
	size_t indent = strlen(prefix), col = indent;
	const char *p = usage;

	fputs(prefix, f);
	while (*p) {
		const char *w = p;
		int depth = 0;
		size_t n;

		/* a word: up to a space outside brackets */
		for (; *p && (*p != ' ' || depth); p++)
			depth += (*p == '[') - (*p == ']');
		n = (size_t)(p - w);
		if (col > indent && col + 1 + n > HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, n, f);
		col += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* One option line: "  OPTION  TEXT", the text on the next line when the
 * option is long */
static void put_option(FILE *f, const char *opt, size_t n, const char *text, size_t tn)
{
	if (n > 18)
		fprintf(f, "  %.*s\n%22s%.*s\n", (int)n, opt, "", (int)tn, text);
	else
		fprintf(f, "  %-18.*s  %.*s\n", (int)n, opt, (int)tn, text);
}

static void command_usage(FILE *f, const struct command *cmd)
{
	const char *p = cmd->options;

	put_usage(f, cmd->usage);
	fprintf(f, "\n%s\n", cmd->help);
	if (*p)
		fputs("\noptions:\n", f);
	while (*p) {
		size_t line = strcspn(p, "\n"), tab = strcspn(p, "\t");
		if (tab < line)
			put_option(f, p, tab, p + tab + 1, line - tab - 1);
		p += line + (p[line] == '\n');
	}
	fputs("\nglobal options: --json, --registry FILE, --color WHEN (see portdex --help)\n", f);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: portdex [OPTIONS] QUERY...\n"
		   "       portdex [OPTIONS] COMMAND [ARGS]\n"
		   "       portdex help COMMAND\n\n"
		   "QUERY is a port (926), a port and transport (926/udp), a range (900-999)\n"
		   "or a service name (ssh).\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\noptions:\n"
		   "  --json              print JSON\n"
		   "  --registry FILE     answer from this registry (XML, CSV or portdex image);\n"
		   "                      also PORTDEX_REGISTRY\n"
		   "  --color WHEN        auto (default), always or never; NO_COLOR is respected\n"
		   "  -h, --help          this help; with a command, that command's\n"
		   "  -V, --version       version and registry\n\n"
		   "portdex help COMMAND (or portdex COMMAND --help) tells a command's options.\n"
		   "exit status: 0 answered, 1 nothing found, 2 invalid input or usage,\n"
		   "3 operational failure; check: 10 acceptable, 11 avoid\n");
}

/* `portdex help [COMMAND]` */
static int cmd_help(struct cli *c, int argc, char **argv)
{
	const struct command *cmd;
	char q[256];

	(void)c;
	if (argc == 0) {
		usage(stdout);
		return EXIT_ANSWERED;
	}
	if (argc > 1) {
		cli_error("help takes one command, not '%s'", cli_quote(argv[1], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!(cmd = find_command(argv[0]))) {
		cli_error("no command named '%s' (see portdex help)", cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	command_usage(stdout, cmd);
	return EXIT_ANSWERED;
}

enum { O_JSON = 256, O_REGISTRY, O_COLOR, O_STATUS, O_TRANSPORT, O_RANGE, O_FROM, O_LIMIT,
       O_NETNS, O_ALL_NETNS, O_FORMAT, O_COUNT, O_HOLD, O_OUT, O_BASE_URL, O_GZIP,
       O_LISTEN, O_DB, O_TOP, O_ALLOW_OLDER, O_EXPLAIN, O_NO_HEADER, O_LIKE,
       O_YES, O_SIGNAL, O_TIMEOUT, O_DRY_RUN, O_PUBLISH,
       O_HOST_FACTS, O_LANG };

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
	{ "gzip", no_argument, NULL, O_GZIP },
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "db", required_argument, NULL, O_DB },
	{ "top", required_argument, NULL, O_TOP },
	{ "explain", no_argument, NULL, O_EXPLAIN },
	{ "no-header", no_argument, NULL, O_NO_HEADER },
	{ "like", required_argument, NULL, O_LIKE },
	{ "yes", no_argument, NULL, O_YES },
	{ "signal", required_argument, NULL, O_SIGNAL },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "publish-comments", no_argument, NULL, O_PUBLISH },
	{ "host-facts", no_argument, NULL, O_HOST_FACTS },
	{ "lang", required_argument, NULL, O_LANG },
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
		struct pd__jw w;
		pd__jw_init(&w, &b);
		pd__jw_begin_object(&w);
		pd__jw_kstr(&w, "version", pd_version());
		cli_registry_jw(c, &w);
		pd__jw_end_object(&w);
		pd_buf_putc(&b, '\n');
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
	int opt, rc, want_version = 0, want_help = 0;
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
		case O_GZIP: c.gzip = 1; given |= OPT_OUT; break;
		case O_LISTEN: c.listen = optarg; given |= OPT_LISTEN; break;
		case O_DB: c.db = optarg; given |= OPT_DB; break;
		case O_TOP: c.top = optarg; given |= OPT_TOP; break;
		case O_EXPLAIN: c.explain = 1; given |= OPT_EXPLAIN; break;
		case O_NO_HEADER: c.no_header = 1; given |= OPT_NO_HEADER; break;
		case O_LIKE: c.like = optarg; given |= OPT_LIKE; break;
		case O_YES: c.yes = 1; given |= OPT_FREE; break;
		case O_SIGNAL: c.signal = optarg; given |= OPT_FREE; break;
		case O_TIMEOUT: c.timeout = optarg; given |= OPT_FREE; break;
		case O_DRY_RUN: c.dry_run = 1; given |= OPT_FREE; break;
		case O_PUBLISH: c.publish_comments = 1; given |= OPT_PUBLISH; break;
		case O_HOST_FACTS: c.host_facts = 1; given |= OPT_HOST_FACTS; break;
		case O_LANG: c.lang = optarg; given |= OPT_LANG; break;
		case 'h': want_help = 1; break;
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
	if (want_help) {
		/* `portdex COMMAND --help`: the command's; else the whole */
		if (argc > 0 && (cmd = find_command(argv[0])))
			command_usage(stdout, cmd);
		else
			usage(stdout);
		return EXIT_ANSWERED;
	}
	if (want_version) {
		rc = version(&c);
		goto out;
	}
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[0]);
	if (given & ~(cmd ? cmd->opts : 0u)) {
		if (cmd)
			cli_error("%s does not take that option (see portdex help %s)", cmd->name, cmd->name);
		else
			cli_error("a lookup does not take that option (see portdex --help)");
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
