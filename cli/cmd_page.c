/* cmd_page.c: `portdex page PORT` and `portdex export --out DIR` */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cmd_page(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd_check_opts check;
	struct pd_site_opts o;
	struct pd_query q;
	char quoted[256];
	int f = PD_FMT_TEXT, rc;

	if (argc != 1) {
		cli_error("page needs one port: portdex page PORT [--format text|markdown|html|json]");
		return EXIT_USAGE;
	}
	if (pd_query_parse(argv[0], &q) || q.kind != PD_Q_PORT)
		return cli_bad_query(argv[0]);
	if (c->format && (f = pd_format_parse(c->format)) < 0) {
		cli_error("'%s' is not a page format (text, markdown, html, json)", cli_quote(c->format, quoted, sizeof(quoted)));
		return EXIT_USAGE;
	}
	if (c->json)
		f = PD_FMT_JSON;
	if ((rc = cli_open_registry(c)))
		return rc;
	memset(&check, 0, sizeof(check));
	memset(&o, 0, sizeof(o));
	/* this host's facts, with a bind test for the verdict */
	if (!(o.host = cli_host_snapshot(c, &q.first, 1, 1))) {
		cli_error("out of memory");
		return EXIT_FAILURE_OP;
	}
	/* links as from a page of an export's port/ directory */
	o.root = "../";
	o.ext = ".html";
	o.check = &check;
	o.inline_map = 1;
	rc = pd_page(c->reg, q.first, (enum pd_format)f, &o, &b);
	if (rc) {
		cli_error("cannot render the page of port %u: %s", q.first, pd_strerror(rc));
		rc = EXIT_FAILURE_OP;
	} else {
		rc = cli_write(&b);
	}
	pd_buf_release(&b);
	return rc;
}

/* ---- export ---- */

/* ---- export: the work is pd_export() (lib/site/export.c) ---- */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void progress(void *ctx, unsigned done, unsigned total)
{
	(void)ctx;
	fprintf(stderr, "\rportdex: export %3u%% (%u of %u ports)", done * 100 / total, done, total);
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	struct pd_export_opts o;
	struct sigaction sa, old_int, old_term;
	char q[256], err[4200];
	int rc;

	if (argc) {
		cli_error("export takes no argument, got '%s' (use --out DIR)", cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!c->out) {
		cli_error("export needs --out DIR");
		return EXIT_USAGE;
	}
	if (c->base_url && strncmp(c->base_url, "http://", 7) && strncmp(c->base_url, "https://", 8)) {
		cli_error("'%s' is not an http(s) URL for --base-url", cli_quote(c->base_url, q, sizeof(q)));
		return EXIT_USAGE;
	}
	{
		struct stat st;
		if (!stat(c->out, &st) && !S_ISDIR(st.st_mode)) {
			cli_error("'%s' exists and is not a directory", cli_quote(c->out, q, sizeof(q)));
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_open_registry(c)))
		return rc;
	memset(&o, 0, sizeof(o));
	o.dir = c->out;
	o.base_url = c->base_url;
	o.stop = &interrupted;
	if (isatty(STDERR_FILENO))
		o.progress = progress;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = pd_export(c->reg, &o, err, sizeof(err));
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (o.progress)
		fputs("\r\033[K", stderr);
	if (rc == PD_ECANCELED) {
		cli_error("export interrupted: pages written so far are whole; run it again to finish");
		return EXIT_FAILURE_OP;
	}
	if (rc) {
		cli_error("export to '%s' failed: %s", cli_quote(c->out, q, sizeof(q)), *err ? err : pd_strerror(rc));
		return EXIT_FAILURE_OP;
	}
	{
		struct pd_buf b = PD_BUF_INIT;
		pd_buf_printf(&b, "exported %zu files to ", o.files);
		pd_buf_text(&b, c->out);
		pd_buf_printf(&b, " (%zu written, %zu unchanged)\n", o.written, o.files - o.written);
		rc = cli_write(&b);
		pd_buf_release(&b);
		return rc;
	}
}
