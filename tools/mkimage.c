/* pd-mkimage: compiles a registry file (IANA CSV or XML) into a portdex
 * image; the build uses it to embed data/snapshot.csv.
 *
 *   pd-mkimage [--meta FILE] -o OUT INPUT
 *
 * FILE holds key=value lines; "source" and "updated" describe the registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static int read_meta(const char *path, char *source, char *updated, size_t n)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		if (!strcmp(line, "source"))
			snprintf(source, n, "%s", eq + 1);
		else if (!strcmp(line, "updated"))
			snprintf(updated, n, "%s", eq + 1);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	char source[512] = "", updated[64] = "", err[512] = "";
	const char *out = NULL, *in = NULL, *meta = NULL;
	struct pd_buf data = PD_BUF_INIT, emsg = PD_BUF_INIT;
	struct pd_registry *reg = NULL;
	void *img = NULL;
	size_t len = 0;
	pd__import_fn import = pd__import_csv;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--meta") && i + 1 < argc)
			meta = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!in && argv[i][0] != '-')
			in = argv[i];
		else {
			fprintf(stderr, "usage: pd-mkimage [--meta FILE] -o OUT INPUT\n");
			return 2;
		}
	}
	if (!out || !in) {
		fprintf(stderr, "usage: pd-mkimage [--meta FILE] -o OUT INPUT\n");
		return 2;
	}
	if (meta && read_meta(meta, source, updated, sizeof(source))) {
		fprintf(stderr, "pd-mkimage: cannot read '%s'\n", meta);
		return 1;
	}
	if (pd_fetch(in, (size_t)256 << 20, &data, &emsg)) {
		fprintf(stderr, "pd-mkimage: '%s': %s\n", in, pd_buf_str(&emsg));
		goto out;
	}
	if (data.len && data.s[0] == '<') {
		fprintf(stderr, "pd-mkimage: '%s': only CSV input is supported here\n", in);
		goto out;
	}
	if (pd__build_image(import, data.s, data.len, *source ? source : in, *updated ? updated : NULL,
			    &img, &len, err, sizeof(err))) {
		fprintf(stderr, "pd-mkimage: '%s': %s\n", in, err);
		goto out;
	}
	if (pd__registry_from_image(img, len, 0, img, NULL, &reg)) {
		fprintf(stderr, "pd-mkimage: the image built from '%s' does not check out\n", in);
		free(img);
		goto out;
	}
	if (pd_registry_save(reg, out)) {
		fprintf(stderr, "pd-mkimage: cannot write '%s'\n", out);
		goto out;
	}
	rc = 0;
out:
	pd_registry_free(reg);
	pd_buf_release(&data);
	pd_buf_release(&emsg);
	return rc;
}
