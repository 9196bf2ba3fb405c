/* cmd_search.c: `portdex search WORDS...` and `portdex search --like WORD`:
 * the library's search engine (pd_search), as a table or its JSON */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_search(struct cli *c, int argc, char **argv)
{
	struct pd_buf words = PD_BUF_INIT, b = PD_BUF_INIT, tr = PD_BUF_INIT;
	struct pd_search_opts o;
	struct pd_search s = { 0 };
	const char *why;
	char q[256];
	int rc;

	if (c->like && argc) {
		cli_error("search takes words or --like WORD, not both (see portdex help search)");
		return EXIT_USAGE;
	}
	if (!argc && !c->like) {
		cli_error("search needs words to look for");
		return EXIT_USAGE;
	}
	if (c->like)
		pd_buf_puts(&words, c->like);
	for (int i = 0; i < argc; i++) {
		if (i)
			pd_buf_putc(&words, ' ');
		pd_buf_puts(&words, argv[i]);
	}
	if (words.err) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (pd_search_check(pd_buf_str(&words), &why)) {
		cli_error("%s: '%s'", why, cli_quote(pd_buf_str(&words), q, sizeof(q)));
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_open_registry(c)))
		goto out;
	memset(&o, 0, sizeof(o));
	o.max = c->limit > 0 ? (size_t)c->limit : 20;
	o.like = c->like != NULL;
	if ((rc = pd_search(c->reg, pd_buf_str(&words), &o, &s))) {
		cli_error("search failed: %s", pd_strerror(rc));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (c->limit == 0)
		s.n = 0; /* --limit 0: the count alone */
	if (c->json) {
		if (pd_search_json(c->reg, pd_buf_str(&words), o.like, &s, &b)) {
			cli_error("out of memory");
			rc = EXIT_FAILURE_OP;
			goto out;
		}
	} else {
		/* a header for a reader: not in a pipe */
		if (s.n && isatty(STDOUT_FILENO))
			pd_buf_printf(&b, "%s%-11s %-13s why%s\n", cli_c(c, "bold"), "port", "transports", cli_c(c, "reset"));
		for (size_t i = 0; i < s.n; i++) {
			const struct pd_search_result *r = &s.r[i];
			char ports[16];
			if (r->first == r->last)
				snprintf(ports, sizeof(ports), "%u", r->first);
			else
				snprintf(ports, sizeof(ports), "%u-%u", r->first, r->last);
			tr.len = 0;
			pd_buf_add(&tr, "", 0);
			for (int t = 0, n = 0; t < PD_NPROTO; t++)
				if (r->protos & (1u << t))
					pd_buf_printf(&tr, "%s%s", n++ ? "," : "", pd_proto_name(t));
			pd_buf_printf(&b, "%s%-11s%s %-13s ", cli_c(c, "bold"), ports, cli_c(c, "reset"), pd_buf_str(&tr));
			pd_buf_text(&b, r->why);
			pd_buf_putc(&b, '\n');
		}
	}
	rc = cli_write(&b);
	if (!rc && !s.total) {
		if (!c->json)
			cli_error("nothing matches '%s'", cli_quote(pd_buf_str(&words), q, sizeof(q)));
		rc = EXIT_NOTHING;
	}
out:
	pd_search_release(&s);
	pd_buf_release(&words);
	pd_buf_release(&b);
	pd_buf_release(&tr);
	return rc;
}
