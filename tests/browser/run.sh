#!/bin/sh
# run.sh: the browser test (see browser.mjs). Needs Debian's chromium and
# playwright-core and axe-core from package-lock.json, both installed by `make check`
# (tools/install-deps.sh --test); skipped when either is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "SKIP: chromium is not installed (tools/install-deps.sh --test installs it)" >&2
	exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "SKIP: playwright-core is not installed (tools/install-deps.sh --test installs it)" >&2
	exit 77
fi
if [ ! -d "$here/node_modules/axe-core" ]; then
	echo "SKIP: axe-core is not installed (tools/install-deps.sh --test installs it)" >&2
	exit 77
fi
exec node "$here/browser.mjs"
