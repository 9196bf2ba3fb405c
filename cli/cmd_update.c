/* cmd_update.c: `portdex update` and `portdex diff` */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define IANA_XML_URL "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"
#define MAX_REGISTRY ((size_t)64 << 20)

/* The text report: a line per change, then the counts */
struct report {
	struct pd_buf out;
	struct pd_diff_counts counts;
};

static const char change_mark[] = { '+', '~', '-' };

static void ports(struct pd_buf *b, unsigned first, unsigned last)
{
	if (first == last)
		pd_buf_printf(b, "%u", first);
	else
		pd_buf_printf(b, "%u-%u", first, last);
}

/* "tcp,udp" */
static void transports(struct pd_buf *b, unsigned protos)
{
	int n = 0;

	for (int t = 0; t < PD_NPROTO; t++)
		if (protos & (1u << t))
			pd_buf_printf(b, "%s%s", n++ ? "," : "", pd_proto_name(t));
}

/* "description, notes" */
static void fields(struct pd_buf *b, unsigned mask)
{
	int n = 0;

	for (int f = 0; f < PD_NFIELDS; f++)
		if (mask & (1u << f))
			pd_buf_printf(b, "%s%s", n++ ? ", " : "", pd_field_name((enum pd_field)f));
}

static void text_bounds(struct pd_buf *b, const struct pd_entry *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pd_buf_puts(b, i ? ", " : "");
		ports(b, rows[i].first, rows[i].last);
		if (rows[i].proto != PD_PROTO_ANY)
			pd_buf_printf(b, "/%s", pd_proto_name(rows[i].proto));
	}
}

/* One line: KIND MARK WHAT */
static void text_change(struct pd_buf *b, const struct pd_diff_item *d)
{
	const struct pd_entry *x = d->new_e ? d->new_e : d->old_e;

	pd_buf_printf(b, "%s %c ", pd_diff_kind_name(d->kind), change_mark[d->what]);
	switch (d->kind) {
	case PD_DIFF_STATUS:
		ports(b, d->first, d->last);
		pd_buf_putc(b, '/');
		transports(b, d->protos);
		pd_buf_printf(b, " %s -> %s", pd_status_name(d->old_status), pd_status_name(d->new_status));
		break;
	case PD_DIFF_RANGE:
		text_bounds(b, d->n_old ? d->old_rows : d->new_rows, d->n_old ? d->n_old : d->n_new);
		if (d->n_old && d->n_new) {
			pd_buf_puts(b, " -> ");
			text_bounds(b, d->new_rows, d->n_new);
		}
		pd_buf_putc(b, ' ');
		pd_buf_text(b, (d->n_old ? d->old_rows : d->new_rows)->description);
		break;
	default:
		if (x->has_port) {
			ports(b, x->first, x->last);
			pd_buf_printf(b, "/%s ", pd_proto_name(x->proto));
			pd_buf_text(b, x->name);
		} else {
			pd_buf_text(b, x->name);
			if (x->proto != PD_PROTO_ANY)
				pd_buf_printf(b, "/%s", pd_proto_name(x->proto));
		}
		if (d->what == PD_CHANGED) {
			pd_buf_puts(b, " (");
			fields(b, d->fields);
			pd_buf_putc(b, ')');
		} else {
			pd_buf_puts(b, ": ");
			pd_buf_text(b, x->description);
		}
		break;
	}
	pd_buf_putc(b, '\n');
}

static void on_change(void *ctx, const struct pd_diff_item *d)
{
	struct report *r = ctx;

	pd_diff_count(&r->counts, d);
	text_change(&r->out, d);
}

/* Prints the change report between two registries; EXIT_* */
static int report(const struct cli *c, const struct pd_registry *a, const struct pd_registry *b)
{
	const unsigned *n;
	struct report r;
	int rc, err;

	memset(&r, 0, sizeof(r));
	if (c->json) {
		err = pd_diff_json(a, b, &r.out);
		pd_buf_putc(&r.out, '\n');
	} else {
		err = pd_registry_diff(a, b, on_change, &r);
	}
	if (err) {
		cli_error("cannot compare the registries: %s", pd_strerror(err));
		pd_buf_release(&r.out);
		return EXIT_FAILURE_OP;
	}
	if (!c->json) {
		pd_buf_printf(&r.out, "%lu (port, transport) statuses changed", r.counts.pairs);
		for (int k = PD_DIFF_RANGE; k < PD_DIFF_NKINDS; k++) {
			n = r.counts.n[k];
			pd_buf_printf(&r.out, "; %ss: %u added, %u changed, %u removed",
				      pd_diff_kind_name((enum pd_diff_kind)k), n[PD_ADDED], n[PD_CHANGED],
				      n[PD_REMOVED]);
		}
		/* sources are file names or URLs */
		pd_buf_puts(&r.out, " (");
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

/* Takes the update lock of the data directory (dir/registry.pdx.lock, held
 * until the process ends) and removes what updates killed before their end
 * left behind: every registry.pdx.tmp* (pd_registry_save's temporaries
 * and the link made while keeping the previous registry). Returns the
 * lock's descriptor or -1 with the reason printed. */
static int lock_data_dir(const char *dir)
{
	struct pd_buf path = PD_BUF_INIT;
	struct dirent *d;
	DIR *dh;
	int fd = -1;

	pd_buf_printf(&path, "%s/registry.pdx.lock", dir);
	if (path.err) {
		cli_error("%s", pd_strerror(path.err));
		goto out;
	}
	fd = open(path.s, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		cli_error("cannot open the lock '%s': %s", path.s, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			cli_error("another 'portdex update' is running (it holds '%s')", path.s);
		else
			cli_error("cannot lock '%s': %s", path.s, strerror(errno));
		close(fd);
		fd = -1;
		goto out;
	}
	dh = opendir(dir);
	if (!dh) {
		cli_error("cannot read the data directory '%s': %s", dir, strerror(errno));
		close(fd);
		fd = -1;
		goto out;
	}
	while ((d = readdir(dh)))
		if (!strncmp(d->d_name, "registry.pdx.tmp", 16))
			unlinkat(dirfd(dh), d->d_name, 0);
	closedir(dh);
out:
	pd_buf_release(&path);
	return fd;
}

/* Keeps the installed registry as prev: a hard link made beside it and
 * renamed over prev, so that prev is always a whole registry. */
static int keep_previous(const char *dir, const char *cur, const char *prev)
{
	struct pd_buf tmp = PD_BUF_INIT;
	int rc = -1;

	pd_buf_printf(&tmp, "%s/registry.pdx.tmp.prev.%ld", dir, (long)getpid());
	if (tmp.err) {
		errno = ENOMEM;
		goto out;
	}
	unlink(tmp.s);
	if (link(cur, tmp.s))
		goto out;
	rc = rename(tmp.s, prev);
	/* rename() does nothing when both name the same file */
	unlink(tmp.s);
out:
	pd_buf_release(&tmp);
	return rc;
}

int cmd_update(struct cli *c, int argc, char **argv)
{
	const char *from = c->from ? c->from : IANA_XML_URL;
	struct pd_buf data = PD_BUF_INIT, emsg = PD_BUF_INIT, dir = PD_BUF_INIT, cur = PD_BUF_INIT,
		      prev = PD_BUF_INIT;
	struct pd_registry *next = NULL, *installed = NULL;
	const struct pd_registry *old;
	char err[512] = "", q[256];
	size_t old_n;
	int rc, lock = -1, damaged;

	if (argc) {
		cli_error("update takes no argument, got '%s' (use --from)", cli_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (pd_data_dir(&dir) || mkdirs(dir.s)) {
		cli_error("cannot create the data directory '%s': %s", pd_buf_str(&dir),
			  dir.len ? strerror(errno) : "set XDG_DATA_HOME or HOME");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	pd_buf_printf(&cur, "%s/registry.pdx", dir.s);
	pd_buf_printf(&prev, "%s/registry.pdx.prev", dir.s);
	if (cur.err || prev.err) {
		cli_error("out of memory");
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if ((lock = lock_data_dir(dir.s)) < 0) {
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	/* Update never needs the installed registry: a damaged one is replaced
	 * as if there were none (the report compares with the compiled-in
	 * snapshot) and is not kept as the previous one. */
	rc = cli_open_installed(cur.s, &installed, err, sizeof(err));
	damaged = rc && rc != PD_ENOTFOUND;
	if (damaged)
		cli_error("installed registry '%s' is unusable (%s): replacing it; '%s' stays as it was",
			  cur.s, err, prev.s);
	/* the report and the size check compare with --registry, else the
	 * installed registry, else the compiled-in registry */
	if (c->registry_path) {
		if ((rc = cli_open_registry(c)))
			goto out;
		old = c->reg;
	} else if (installed) {
		old = installed;
	} else {
		if (pd_registry_open_default(&c->reg)) {
			cli_error("no registry compiled in: out of memory");
			rc = EXIT_FAILURE_OP;
			goto out;
		}
		old = c->reg;
	}
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
	err[0] = '\0';
	rc = pd_registry_open_buffer(data.s, data.len, from, &next, err, sizeof(err));
	if (rc) {
		cli_error("'%s' is not a usable registry: %s; the current registry stays in use",
			  cli_quote(from, q, sizeof(q)), *err ? err : pd_strerror(rc));
		rc = rc == PD_EMODULE ? EXIT_FAILURE_OP : EXIT_USAGE;
		goto out;
	}
	/* a CSV cut at a line boundary still parses: compare sizes */
	old_n = pd_registry_count(old);
	if (pd_registry_count(next) * 10 < old_n * 9) {
		cli_error("'%s' has %zu records where the current registry has %zu: truncated? the current registry stays in use",
			  cli_quote(from, q, sizeof(q)), pd_registry_count(next), old_n);
		rc = EXIT_USAGE;
		goto out;
	}
	/* dates are YYYY-MM-DD: they compare as strings */
	if (installed && !c->allow_older && *pd_registry_updated(next) && *pd_registry_updated(installed) &&
	    strcmp(pd_registry_updated(next), pd_registry_updated(installed)) < 0) {
		cli_error("'%s' is dated %s, older than the installed registry (%s); the current registry stays in use (--allow-older installs it)",
			  cli_quote(from, q, sizeof(q)), pd_registry_updated(next), pd_registry_updated(installed));
		rc = EXIT_USAGE;
		goto out;
	}
	if (installed && keep_previous(dir.s, cur.s, prev.s)) {
		cli_error("cannot keep the previous registry as '%s': %s; the current registry stays in use", prev.s,
			  strerror(errno));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	if (pd_registry_save(next, cur.s)) {
		cli_error("cannot write '%s': %s; the current registry stays in use", cur.s, strerror(errno));
		rc = EXIT_FAILURE_OP;
		goto out;
	}
	rc = report(c, old, next);
	if (!c->json)
		cli_error("installed %s (%s, updated %s)", cur.s, pd_registry_source(next), pd_registry_updated(next));
out:
	if (lock >= 0)
		close(lock);
	pd_registry_free(installed);
	pd_registry_free(next);
	pd_buf_release(&data);
	pd_buf_release(&emsg);
	pd_buf_release(&dir);
	pd_buf_release(&cur);
	pd_buf_release(&prev);
	return rc;
}
