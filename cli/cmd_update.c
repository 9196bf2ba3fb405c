/* cmd_update.c: `portdex update` and `portdex diff` */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define IANA_XML_URL "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"
#define MAX_REGISTRY ((size_t)64 << 20)

struct report {
	const struct cli *c;
	struct pd_buf out;
	unsigned n[3];
};

static void json_entry_brief(struct pd_buf *b, const struct pd_entry *e)
{
	pd_buf_puts(b, "{\"name\":");
	pd_buf_json_str(b, e->name);
	pd_buf_printf(b, ",\"first\":%u,\"last\":%u,\"transport\":\"%s\",\"description\":", e->first, e->last,
		      pd_proto_name(e->proto));
	pd_buf_json_str(b, e->description);
	pd_buf_putc(b, '}');
}

static void changed_fields(struct pd_buf *b, const struct pd_entry *a, const struct pd_entry *e, int json)
{
	const char *names[] = { "name", "description", "assignee", "contact", "registered", "modified",
				"references", "notes", "unauthorized_use", "service_code" };
	const char *x[] = { a->name, a->description, a->assignee, a->contact, a->registered, a->modified,
			    a->refs, a->notes, a->unauthorized, a->service_code };
	const char *y[] = { e->name, e->description, e->assignee, e->contact, e->registered, e->modified,
			    e->refs, e->notes, e->unauthorized, e->service_code };
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(x[i], y[i]))
			pd_buf_printf(b, json ? "%s\"%s\"" : "%s%s", n++ ? (json ? "," : ", ") : "", names[i]);
}

static void on_change(void *ctx, enum pd_change what, const struct pd_entry *a, const struct pd_entry *e)
{
	struct report *r = ctx;
	const struct pd_entry *x = e ? e : a;
	static const char mark[] = { '+', '~', '-' };
	static const char *const key[] = { "added", "changed", "removed" };
	char port[16];

	if (r->c->json) {
		pd_buf_printf(&r->out, "%s{\"change\":\"%s\",\"entry\":", r->n[0] + r->n[1] + r->n[2] ? "," : "",
			      key[what]);
		json_entry_brief(&r->out, x);
		if (what == PD_CHANGED) {
			pd_buf_puts(&r->out, ",\"fields\":[");
			changed_fields(&r->out, a, e, 1);
			pd_buf_putc(&r->out, ']');
		}
		pd_buf_putc(&r->out, '}');
		r->n[what]++;
		return;
	}
	r->n[what]++;
	if (x->first == x->last)
		snprintf(port, sizeof(port), "%u", x->first);
	else
		snprintf(port, sizeof(port), "%u-%u", x->first, x->last);
	pd_buf_printf(&r->out, "%c %s/%s ", mark[what], port, pd_proto_name(x->proto));
	pd_buf_text(&r->out, x->name);
	if (what == PD_CHANGED) {
		pd_buf_puts(&r->out, " (");
		changed_fields(&r->out, a, e, 0);
		pd_buf_putc(&r->out, ')');
	} else {
		pd_buf_puts(&r->out, ": ");
		pd_buf_text(&r->out, x->description);
	}
	pd_buf_putc(&r->out, '\n');
}

static void registry_obj(struct pd_buf *b, const char *key, const struct pd_registry *reg)
{
	pd_buf_printf(b, "\"%s\":{\"source\":", key);
	pd_buf_json_str(b, pd_registry_source(reg));
	pd_buf_puts(b, ",\"updated\":");
	pd_buf_json_str(b, pd_registry_updated(reg));
	pd_buf_putc(b, '}');
}

/* Prints the change report between two registries; EXIT_* */
static int report(const struct cli *c, const struct pd_registry *a, const struct pd_registry *b)
{
	struct report r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	if (c->json) {
		pd_buf_putc(&r.out, '{');
		registry_obj(&r.out, "old", a);
		pd_buf_putc(&r.out, ',');
		registry_obj(&r.out, "new", b);
		pd_buf_puts(&r.out, ",\"changes\":[");
	}
	if (pd_registry_diff(a, b, on_change, &r)) {
		cli_error("out of memory");
		pd_buf_release(&r.out);
		return EXIT_FAILURE_OP;
	}
	if (c->json)
		pd_buf_printf(&r.out, "],\"added\":%u,\"changed\":%u,\"removed\":%u}\n", r.n[PD_ADDED],
			      r.n[PD_CHANGED], r.n[PD_REMOVED]);
	else {
		pd_buf_printf(&r.out, "%u added, %u changed, %u removed (", r.n[PD_ADDED], r.n[PD_CHANGED],
			      r.n[PD_REMOVED]);
		/* sources are file names or URLs */
		pd_buf_text(&r.out, pd_registry_source(a));
		pd_buf_putc(&r.out, ' ');
		pd_buf_text(&r.out, pd_registry_updated(a));
		pd_buf_puts(&r.out, " -> ");
		pd_buf_text(&r.out, pd_registry_source(b));
		pd_buf_putc(&r.out, ' ');
		pd_buf_text(&r.out, pd_registry_updated(b));
		pd_buf_puts(&r.out, ")\n");
	}
	rc = cli_write(&r.out);
	pd_buf_release(&r.out);
	return rc;
}

static int open_any(const char *path, struct pd_registry **reg)
{
	char err[512] = "", q[256];
	int rc = pd_registry_open_file(path, reg, err, sizeof(err));

	if (rc) {
		cli_error("'%s': %s", cli_quote(path, q, sizeof(q)), *err ? err : pd_strerror(rc));
		return rc == PD_EFORMAT || rc == PD_ETOOBIG ? EXIT_USAGE : EXIT_FAILURE_OP;
	}
	return 0;
}

int cmd_diff(struct cli *c, int argc, char **argv)
{
	struct pd_registry *a = NULL, *b = NULL;
	int rc;

	if (argc != 2) {
		cli_error("diff needs two registry files: portdex diff OLD NEW");
		return EXIT_USAGE;
	}
	if (!(rc = open_any(argv[0], &a)) && !(rc = open_any(argv[1], &b)))
		rc = report(c, a, b);
	pd_registry_free(a);
	pd_registry_free(b);
	return rc;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

int cmd_update(struct cli *c, int argc, char **argv)
{
	const char *from = c->from ? c->from : IANA_XML_URL;
	struct pd_buf data = PD_BUF_INIT, emsg = PD_BUF_INIT, dir = PD_BUF_INIT, cur = PD_BUF_INIT,
		      prev = PD_BUF_INIT;
	struct pd_registry *next = NULL;
	char err[512] = "", q[256];
	size_t old_n;
	int rc;

	if (argc) {
		cli_error("update takes no argument, got '%s' (use --from)", cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if ((rc = cli_open_registry(c)))
		return rc;
	if (pd_fetch(from, MAX_REGISTRY, &data, &emsg)) {
		cli_error("cannot read '%s': %s; the current registry stays in use", cli_quote(from, q, sizeof(q)),
			  pd_buf_str(&emsg));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (!data.len) {
		cli_error("'%s' is empty; the current registry stays in use", cli_quote(from, q, sizeof(q)));
		rc = EXIT_USAGE;
		goto out;
	}
	rc = pd_registry_open_buffer(data.s, data.len, from, &next, err, sizeof(err));
	if (rc) {
		cli_error("'%s' is not a usable registry: %s; the current registry stays in use",
			  cli_quote(from, q, sizeof(q)), *err ? err : pd_strerror(rc));
		rc = rc == PD_EMODULE ? EXIT_FAILURE_OP : EXIT_USAGE;
		goto out;
	}
	/* a CSV cut at a line boundary still parses: compare sizes */
	old_n = pd_registry_count(c->reg);
	if (pd_registry_count(next) * 10 < old_n * 9) {
		cli_error("'%s' has %zu records where the current registry has %zu: truncated? the current registry stays in use",
			  cli_quote(from, q, sizeof(q)), pd_registry_count(next), old_n);
		rc = EXIT_USAGE;
		goto out;
	}
	if (pd_data_dir(&dir) || mkdirs(dir.s)) {
		cli_error("cannot create the data directory '%s': %s", pd_buf_str(&dir), strerror(errno));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	pd_buf_printf(&cur, "%s/registry.pdx", dir.s);
	pd_buf_printf(&prev, "%s/registry.pdx.prev", dir.s);
	if (cur.err || prev.err) {
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	/* keep the previous one: a hard link survives the rename below */
	if (!access(cur.s, F_OK)) {
		unlink(prev.s);
		if (link(cur.s, prev.s)) {
			cli_error("cannot keep the previous registry as '%s': %s", prev.s, strerror(errno));
			rc = EXIT_FAILURE_OP;
			goto out;
		}
	}
	if (pd_registry_save(next, cur.s)) {
		cli_error("cannot write '%s': %s; the current registry stays in use", cur.s, strerror(errno));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	rc = report(c, c->reg, next);
	if (!c->json)
		cli_error("installed %s (%s, updated %s)", cur.s, pd_registry_source(next), pd_registry_updated(next));
out:
	pd_registry_free(next);
	pd_buf_release(&data);
	pd_buf_release(&emsg);
	pd_buf_release(&dir);
	pd_buf_release(&cur);
	pd_buf_release(&prev);
	return rc;
}
