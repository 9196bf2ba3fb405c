#!/bin/sh
# install-deps.sh [--test]: installs the Debian packages portdex needs, only
# those that are missing. Run as root (or with sudo).
#   (no option)  what building and running need (`make deps`)
#   --test       also what the tests and benchmarks need, and the browser
#                test's npm packages (`make check`)
set -eu
cd "$(dirname "$0")/.."
build="gcc make git pkg-config meson ninja-build libxml2-dev libcsv-dev
libcurl4-openssl-dev libssl-dev libmnl-dev libcmark-dev libmicrohttpd-dev
libsqlite3-dev zlib1g-dev libjansson-dev libpq-dev"
test="libcmocka-dev clang libclang-rt-14-dev python3 iproute2 util-linux lsof
prometheus nmap-common nginx-light wrk hyperfine time chromium curl
netcat-openbsd docker.io busybox-static postgresql netbase"
pkgs=$build
case ${1:-} in
--test) pkgs="$build $test" ;;
"") ;;
*) echo "usage: tools/install-deps.sh [--test]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing
fi
# the browser test drives chromium with playwright-core, pinned by its
# package-lock.json; installed here, never while a test runs
# (again when package.json names a package node_modules lacks)
if [ "${1:-}" = --test ] && ! node -e '
const fs = require("fs"), d = "tests/browser/";
const p = JSON.parse(fs.readFileSync(d + "package.json"));
for (const n of Object.keys(p.dependencies || {}))
	if (!fs.existsSync(d + "node_modules/" + n + "/package.json")) process.exit(1);' 2>/dev/null; then
	npm ci --prefix tests/browser --no-audit --no-fund >/dev/null
fi
