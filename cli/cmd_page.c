/* cmd_page.c: `portdex page PORT [--lang LANG]` and `portdex export --out DIR [--lang LIST]` */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* pages for a service name: its ports, at most this many in text or Markdown */
#define MAX_NAME_PAGES 8

/* The ports a service name has (with q->proto, on that transport), ascending,
 * each once, into ports[65536]: how many; 0 when the name has none */
static size_t name_ports(const struct pd_registry *reg, const struct pd_query *q, unsigned *ports)
{
	static unsigned char seen[65536];
	uint32_t idx[256];
	size_t k = pd_registry_find_name(reg, q->name, idx, 256), n = 0;
	struct pd_entry e;

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < k && i < 256; i++) {
		if (pd_registry_entry(reg, idx[i], &e) || !e.has_port)
			continue;
		if (q->proto != PD_PROTO_ANY && e.proto != PD_PROTO_ANY && e.proto != q->proto)
			continue;
		for (unsigned p = e.first; p <= e.last; p++)
			seen[p] = 1;
	}
	for (unsigned p = 0; p < 65536; p++)
		if (seen[p])
			ports[n++] = p;
	return n;
}

/* "22", "6000-6063", "80, 8008": ports[] as runs, the first few */
static void port_list(struct pd_buf *b, const unsigned *ports, size_t n)
{
	size_t runs = 0;

	for (size_t i = 0; i < n; runs++) {
		size_t j = i;
		while (j + 1 < n && ports[j + 1] == ports[j] + 1)
			j++;
		if (runs == 6) {
			pd_buf_puts(b, ", ...");
			return;
		}
		pd_buf_printf(b, "%s%u", runs ? ", " : "", ports[i]);
		if (j > i)
			pd_buf_printf(b, "-%u", ports[j]);
		i = j + 1;
	}
}

/* Says that what (an argument's part) is not a language of the site, and
 * which are (pd_lang_code's) */
static int not_a_lang(const char *what)
{
	char q[256], known[64] = "";

	for (int l = 0; l < PD_NLANG; l++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", l ? ", " : "", pd_lang_code(l));
	cli_error("'%s' is not a language of the site (%s)", cli_quote(what, q, sizeof(q)), known);
	return EXIT_USAGE;
}

/* The languages of a --lang list ("fr", "en,ms"; one only when !several):
 * a bit per enum pd_lang in *mask, 0 when fine, else prints why not and
 * returns EXIT_USAGE */
static int parse_langs(const char *list, int several, unsigned *mask)
{
	char q[256], one[64];
	const char *p = list;

	*mask = 0;
	do {
		size_t n = strcspn(p, ",");
		int l;
		if (n >= sizeof(one))
			return not_a_lang(p);
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		if ((l = pd_lang_parse(one)) < 0)
			return not_a_lang(one);
		if (*mask & (1u << l)) {
			cli_error("--lang names '%s' twice", cli_quote(one, q, sizeof(q)));
			return EXIT_USAGE;
		}
		*mask |= 1u << l;
		p += n;
	} while (*p++ == ',' && several);
	if (p[-1]) {
		/* a second language where one only is taken */
		cli_error("--lang '%s': a page is in one language", cli_quote(list, q, sizeof(q)));
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_page(struct cli *c, int argc, char **argv)
{
	struct pd_buf b = PD_BUF_INIT;
	struct pd_check_opts check;
	struct pd_site_opts o;
	struct pd_query q;
	char quoted[256];
	unsigned *ports = NULL;
	size_t n = 1;
	unsigned langs = 1u << PD_LANG_EN;
	int f = PD_FMT_TEXT, rc;

	if (argc != 1) {
		cli_error("page needs one port or service name: portdex page PORT [--format text|markdown|html|json]");
		return EXIT_USAGE;
	}
	if (pd_query_parse(argv[0], &q) || (q.kind != PD_Q_PORT && q.kind != PD_Q_NAME))
		return cli_bad_query(argv[0]);
	if (c->format && (f = pd_format_parse(c->format)) < 0) {
		cli_error("'%s' is not a page format (text, markdown, html, json)", cli_quote(c->format, quoted, sizeof(quoted)));
		return EXIT_USAGE;
	}
	if (c->lang && parse_langs(c->lang, 0, &langs))
		return EXIT_USAGE;
	if (c->json)
		f = PD_FMT_JSON;
	if ((rc = cli_open_registry(c)))
		return rc;
	if (!(ports = malloc(65536 * sizeof(*ports)))) {
		cli_error("out of memory");
		return EXIT_FAILURE_OP;
	}
	ports[0] = q.first;
	if (q.kind == PD_Q_NAME) {
		n = name_ports(c->reg, &q, ports);
		if (!n) {
			cli_error("no service named '%s' in the registry (try: portdex search %s)",
				  cli_quote(q.name, quoted, sizeof(quoted)), cli_quote(q.name, quoted, sizeof(quoted)));
			rc = EXIT_NOTHING;
			goto out;
		}
		/* one page per port: several only as text or Markdown, and a few */
		if (n > 1 && (n > MAX_NAME_PAGES || f == PD_FMT_HTML || f == PD_FMT_JSON)) {
			port_list(&b, ports, n);
			cli_error("a page is per port, and '%s' has %zu ports (%s): ask for one, as portdex page %u",
				  cli_quote(q.name, quoted, sizeof(quoted)), n, pd_buf_str(&b), ports[0]);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	memset(&check, 0, sizeof(check));
	memset(&o, 0, sizeof(o));
	/* this host's facts, with a bind test for the verdict */
	if (!(o.host = cli_host_snapshot(c, ports, n, 1))) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	/* links as from a page of an export's port/ directory */
	o.root = "../";
	o.ext = ".html";
	o.check = &check;
	o.inline_map = 1;
	o.lang = pd_lang_code(__builtin_ctz(langs));
	check.lang = o.lang;
	for (size_t i = 0; i < n; i++) {
		if (i)
			pd_buf_putc(&b, '\n');  /* pages of a name: a blank line between */
		if ((rc = pd_page(c->reg, ports[i], (enum pd_format)f, &o, &b))) {
			cli_error("cannot render the page of port %u: %s", ports[i], pd_strerror(rc));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
	}
	rc = cli_write(&b);
out:
	pd_buf_release(&b);
	free(ports);
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
	unsigned langs = 0;
	int rc;

	if (argc) {
		cli_error("export takes no argument, got '%s' (use --out DIR)", cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!c->out) {
		cli_error("export needs --out DIR");
		return EXIT_USAGE;
	}
	if (c->lang && parse_langs(c->lang, 1, &langs))
		return EXIT_USAGE;
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
	/* a site is public: it names no file of this host, as `portdex serve` */
	if (pd_registry_hide_paths(c->reg)) {
		cli_error("%s", pd_strerror(PD_ENOMEM));
		return EXIT_FAILURE_OP;
	}
	memset(&o, 0, sizeof(o));
	o.dir = c->out;
	o.base_url = c->base_url;
	o.gzip = c->gzip;
	o.langs = langs;
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
