#!/bin/sh
# run.sh: the browser test (see browser.mjs). Installs playwright-core from
# package-lock.json when missing; needs Debian's chromium (make deps).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "SKIP: chromium is not installed (make deps installs it)" >&2
	exit 77
fi
[ -d "$here/node_modules/playwright-core" ] || npm ci --prefix "$here" --no-audit --no-fund >/dev/null
exec node "$here/browser.mjs"
