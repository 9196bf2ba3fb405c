#!/bin/sh
# install-deps.sh: installs the Debian packages portdex needs to build,
# test and benchmark, only those that are missing. Run as root (or with sudo).
set -eu
pkgs="gcc make git pkg-config meson ninja-build libxml2-dev libcsv-dev libcurl4-openssl-dev
libcmocka-dev clang libclang-rt-14-dev hyperfine python3 time libmnl-dev iproute2 lsof
prometheus nmap-common util-linux libmicrohttpd-dev libsqlite3-dev
libcmark-dev zlib1g-dev nginx-light wrk chromium curl netcat-openbsd"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
