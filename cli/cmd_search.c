/* cmd_search.c: `portdex search WORDS...` */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int cmd_search(struct cli *c, int argc, char **argv)
{
	struct pd_buf words = PD_BUF_INIT, b = PD_BUF_INIT, tr = PD_BUF_INIT;
	size_t max = c->limit >= 0 ? (size_t)c->limit : 20, n;
	uint32_t *idx = NULL;
	int rc;

	if (!argc) {
		cli_error("search needs words to look for");
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		if (i)
			pd_buf_putc(&words, ' ');
		pd_buf_puts(&words, argv[i]);
	}
	if (words.len > 200) {
		cli_error("search words are too long (200 characters at most)");
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_open_registry(c)))
		goto out;
	idx = calloc(max + 1, sizeof(*idx));
	if (!idx) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (pd_registry_search(c->reg, pd_buf_str(&words), idx, max, &n)) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (c->json) {
		pd_buf_puts(&b, "{\"query\":");
		pd_buf_json_str(&b, pd_buf_str(&words));
		pd_buf_putc(&b, ',');
		cli_registry_json(c, &b);
		pd_buf_puts(&b, ",\"results\":[");
	}
	for (size_t i = 0; i < n; i++) {
		struct pd_entry e;
		if (pd_registry_entry(c->reg, idx[i], &e))
			continue;
		tr.len = 0;
		pd_buf_add(&tr, "", 0);
		pd_registry_service_transports(c->reg, &e, &tr);
		if (c->json) {
			pd_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			pd_buf_json_str(&b, e.name);
			if (e.has_port)
				pd_buf_printf(&b, ",\"first\":%u,\"last\":%u", e.first, e.last);
			else
				pd_buf_puts(&b, ",\"first\":null,\"last\":null");
			pd_buf_printf(&b, ",\"transports\":\"%s\",\"status\":\"%s\",\"description\":",
				      pd_buf_str(&tr), pd_status_name(e.status));
			pd_buf_json_str(&b, e.description);
			pd_buf_putc(&b, '}');
		} else {
			char ports[16] = "-";
			size_t at, w;
			if (e.has_port && e.first == e.last)
				snprintf(ports, sizeof(ports), "%u", e.first);
			else if (e.has_port)
				snprintf(ports, sizeof(ports), "%u-%u", e.first, e.last);
			pd_buf_puts(&b, cli_c(c, "bold"));
			at = b.len;
			pd_buf_text(&b, *e.name ? e.name : "-");
			w = b.err ? 0 : cli_width(b.s + at);
			pd_buf_printf(&b, "%*s%s %-11s %-14s ", w < 20 ? (int)(20 - w) : 0, "", cli_c(c, "reset"), ports,
				      pd_buf_str(&tr));
			pd_buf_text(&b, e.description);
			pd_buf_putc(&b, '\n');
		}
	}
	if (c->json)
		pd_buf_puts(&b, "]}\n");
	rc = cli_write(&b);
	if (!rc && !n) {
		char q[256];
		if (!c->json)
			cli_error("nothing matches '%s'", cli_quote(pd_buf_str(&words), q, sizeof(q)));
		rc = EXIT_NOTHING;
	}
out:
	free(idx);
	pd_buf_release(&words);
	pd_buf_release(&b);
	pd_buf_release(&tr);
	return rc;
}
