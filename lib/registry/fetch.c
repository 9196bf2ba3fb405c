/* fetch.c: reading a registry from a file or URL, and the data directory */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "module.h"

static int write_cb(void *ctx, const void *p, size_t n)
{
	struct pd_buf *b = ctx;

	pd_buf_add(b, p, n);
	return b->err != 0;
}

static int read_fd(int fd, size_t max, struct pd_buf *out)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return PD_EIO;
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max)
			return PD_ETOOBIG;
		pd_buf_add(out, chunk, (size_t)n);
		if (out->err)
			return out->err;
	}
}

/* Seconds of silence after which a download gives up: 30, or
 * PORTDEX_FETCH_IDLE_TIMEOUT (1-3600; a knob for the tests). */
static long idle_timeout(void)
{
	const char *s = getenv("PORTDEX_FETCH_IDLE_TIMEOUT");
	char *end;
	long v;

	if (!s || !*s)
		return 30;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 3600 ? 30 : v;
}

int pd_fetch(const char *what, size_t max, struct pd_buf *out, struct pd_buf *errmsg)
{
	int rc;

	if (!strncasecmp(what, "http://", 7) || !strncasecmp(what, "https://", 8) ||
	    !strncasecmp(what, "file://", 7)) {
		pd__fetch_fn fetch;
		char err[256] = "";
		size_t oldmax = out->max;

		rc = pd__module_sym("portdex-fetch.so", PD__FETCH_SYMBOL, (void **)&fetch, err, sizeof(err));
		if (rc) {
			pd_buf_puts(errmsg, err);
			return rc;
		}
		out->max = max;
		rc = fetch(what, idle_timeout(), write_cb, out, err, sizeof(err));
		if (!rc && out->err)
			rc = out->err;
		out->max = oldmax;
		if (rc == PD_ETOOBIG || out->err == PD_ETOOBIG) {
			pd_buf_printf(errmsg, "more than %zu bytes", max);
			return PD_ETOOBIG;
		}
		if (rc)
			pd_buf_puts(errmsg, *err ? err : pd_strerror(rc));
		return rc;
	}
	{
		int fd = open(what, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0) {
			pd_buf_puts(errmsg, strerror(errno));
			return PD_EIO;
		}
		if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
			pd_buf_puts(errmsg, "is a directory");
			close(fd);
			return PD_EIO;
		}
		rc = read_fd(fd, max, out);
		close(fd);
		if (rc == PD_ETOOBIG)
			pd_buf_printf(errmsg, "more than %zu bytes", max);
		else if (rc)
			pd_buf_puts(errmsg, pd_strerror(rc));
		return rc;
	}
}

int pd_data_dir(struct pd_buf *out)
{
	const char *x = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (x && *x == '/') {
		pd_buf_printf(out, "%s/portdex", x);
	} else if (home && *home) {
		pd_buf_printf(out, "%s/.local/share/portdex", home);
	} else {
		return PD_ENOTFOUND;
	}
	return out->err;
}
