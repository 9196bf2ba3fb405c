#!/bin/sh
# symbols.sh LIB HEADER: the shared library LIB exports the public API of
# HEADER (include/portdex.h) and nothing else: every symbol it exports is
# a pd_ name that HEADER declares with PD_EXTERN (no internal pd__ name, no
# name of another prefix), every function HEADER declares is exported, and
# HEADER declares no function without PD_EXTERN (it would be hidden).
set -eu
lib=$1
header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

nm -D --defined-only "$lib" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/exported"
sed -n 's/^PD_EXTERN[^(]*[ *]\(pd_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u > "$tmp/declared"
[ -s "$tmp/exported" ] || { echo "symbols: $lib exports nothing" >&2; exit 1; }
[ -s "$tmp/declared" ] || { echo "symbols: no PD_EXTERN declaration in $header" >&2; exit 1; }

if grep -nE '^(const )?(struct |enum )?[a-z_0-9]+ \**pd_[a-z0-9_]+\(' "$header" > "$tmp/bare"; then
	sed 's/^/symbols: declared without PD_EXTERN: /' "$tmp/bare" >&2
	fail=1
fi
while read -r s; do
	case $s in
	pd__*) echo "symbols: internal symbol exported: $s" >&2; fail=1 ;;
	pd_*) grep -qx "$s" "$tmp/declared" ||
		{ echo "symbols: exported but not in $(basename "$header"): $s" >&2; fail=1; } ;;
	*) echo "symbols: exported without the pd_ prefix: $s" >&2; fail=1 ;;
	esac
done < "$tmp/exported"
comm -23 "$tmp/declared" "$tmp/exported" | sed 's/^/symbols: declared but not exported: /' > "$tmp/missing"
[ -s "$tmp/missing" ] && { cat "$tmp/missing" >&2; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "symbols: ok, $(wc -l < "$tmp/exported") exported"
