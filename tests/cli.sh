#!/bin/bash
# cli.sh: runs the built portdex binary and checks its output, exit status
# and error messages. Needs PORTDEX (the binary) and PD_SOURCE_ROOT. update
# and diff are tested by update.sh.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
exp=$src/tests/expected
tmp=$(mktemp -d)
site=
trap 'rm -rf "$tmp"; [ -z "$site" ] || rm -rf "$(dirname "$site")"' EXIT
pass=0 fail=0

# Isolate from the user's registry and terminal.
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc
unset PORTDEX_REGISTRY NO_COLOR
mkdir -p "$HOME"

. "$src/tests/lib.sh"

# expect_rc RC ARGS...
expect_rc() {
	local want=$1
	shift
	run "$@"
	if [ "$rc" -eq "$want" ]; then ok; else ko "portdex $* exited $rc, want $want; stderr: $err"; fi
}

# golden NAME ARGS...: stdout must equal tests/expected/NAME (UPDATE_GOLDEN=1 rewrites)
golden() {
	local name=$1
	shift
	run "$@"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/out" "$exp/$name"
	fi
	if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$exp/$name"; then
		ok
	else
		ko "portdex $* differs from tests/expected/$name (rc $rc)"
		diff -u "$exp/$name" "$tmp/out" | head -20 >&2
	fi
}

# ---- lookups against the embedded snapshot ----
golden 926.txt 926
golden 80.txt 80
golden 6001-tcp.txt 6001/tcp
golden ssh.txt SSH
golden range.txt 910-930
golden 926.json 926 --json
run 80 --json; json_ok "80 --json"
contains "$out" '"www-http"' "80 --json aliases"
contains "$out" '"registry":{"source":"IANA XML service-names-port-numbers.xml (compiled in)","updated":"2026-08-17"}' "80 --json registry"
run 900-902 --json; json_ok "range --json"
contains "$out" '[{"port":900' "range --json is an array"
run 926 --json
for key in '"port":926' '"range":{"class":"system","first":0,"last":1023' '"transports":{"tcp":{"status":"unassigned"' \
	'"block":{"first":916,"last":952,"size":37' '"below":{"port":915' '"above":{"port":953' '"history":['; do
	contains "$out" "$key" "926 --json"
done
run 926 --color always; contains "$out" $'\033[' "colour when asked"
NO_COLOR=1 run 926 --color auto; case $out in *$'\033'*) ko "NO_COLOR ignored" ;; *) ok ;; esac
run 926; case $out in *$'\033'*) ko "colour on a pipe" ;; *) ok ;; esac

# ---- invalid input: exit 2, one line on stderr naming it, nothing on stdout ----
long=$(printf 'a%.0s' {1..300})
for bad in 65536 -1 80-70 0x50 ' 80' 1e3 99999999999999999999 80/xyz '' "$long" $'\xff\xfe' 'a b' '80/'; do
	run "$bad"
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$lines" -eq 1 ] && [ -n "$err" ]; then ok; else
		ko "bad input '$bad': rc $rc, stdout '${out:0:80}', stderr '$err'"; fi
done
run 65536; contains "$err" "'65536'" "error names the input"
run $'\xff\xfe'; contains "$err" '\xff\xfe' "non-UTF-8 input escaped"
expect_rc 2 --bogus-option
contains "$err" "unknown option '--bogus-option'" "unknown option named"
expect_rc 2 926 --status assigned
expect_rc 2 list --status bogus
expect_rc 2 list --range 9-1
expect_rc 2 gaps --limit x
expect_rc 2
expect_rc 1 no-such-service-name
contains "$err" "no service named 'no-such-service-name'" "unknown name"
expect_rc 0 --help
contains "$out" "exit status" "help mentions exit status"

# ---- other commands ----
run --version; contains "$out" "registry: IANA XML service-names-port-numbers.xml (compiled in), updated 2026-08-17" "--version names the registry"
run --version --json; json_ok "--version --json"
run search http; contains "$out" "http" "search http"
[ "$(printf '%s\n' "$out" | head -1 | cut -d' ' -f1)" = http ] && ok || ko "exact name first in search: $(printf '%s\n' "$out" | head -1)"
run search secure shel; contains "$out" "ssh" "search words in descriptions"
run search kerberso; contains "$out" "kerberos" "prefix search"
run search htpt; contains "$out" "http" "typo-tolerant search"
run search --json x11; json_ok "search --json"
expect_rc 1 search qqqzzzxxx
golden list-900-930.txt list --range 900-930 --transport tcp
run list --status assigned --range system --json; json_ok "list --json"
contains "$out" '{"port":80,"transport":"tcp","status":"assigned","services":["http","www","www-http"]}' "list --json row"
golden gaps-system.txt gaps --range system --limit 5
run gaps --json --limit 3; json_ok "gaps --json"
golden stats.txt stats
run stats --json; json_ok "stats --json"
run services; contains "$out" $'\nhttp            80/tcp www www-http' "services: aliases"
contains "$out" $'\nx11             6063/tcp' "services: ranges expanded"
run services --json; json_ok "services --json"

# ---- pages ----
run page 926
[ "$rc" -eq 0 ] && ok || ko "page 926: rc $rc: $err"
long_lines=$(printf '%s\n' "$out" | awk 'length($0) > 80' | wc -l)
[ "$long_lines" -eq 0 ] && ok || ko "page 926: $long_lines lines wider than 80 columns"
contains "$out" "PORT 926" "page title"
contains "$out" "The neighbourhood" "page sections"
contains "$out" "916-952: 37 consecutive ports" "page block"
[ "$(printf '%s\n' "$out" | grep -c '?$')" -ge 5 ] && ok || ko "page 926: fewer than 5 questions"
a926=$(printf '%s\n' "$out" | sed -n '/^Is port 926 assigned?/,/^$/p')
run page 80; a80=$(printf '%s\n' "$out" | sed -n '/^Is port 80 assigned?/,/^$/p')
[ -n "$a926" ] && [ -n "$a80" ] && [ "${a926#*?}" != "${a80#*?}" ] && ok || ko "FAQ answers do not follow the facts"
contains "$a80" "Yes." "80 is assigned in the FAQ"
run page 80 --format html
contains "$out" "u=&lt;username&gt;" "html escapes service notes"
case $out in *"<username>"*) ko "raw <username> in html" ;; *) ok ;; esac
contains "$out" "<svg" "html has the map"
contains "$out" "aria-labelledby" "map has a text alternative"
run page 926 --format markdown; contains "$out" "# Port 926" "markdown"
run page 926 --format json; json_ok "page json"
[ "$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(j.faq.length)' "$tmp/out")" -ge 5 ] && ok || ko "page json faq"
expect_rc 2 page 70000
expect_rc 2 page 926 --format pdf

# ---- export ----
# 131,145 files: on a memory file system when there is one
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	site=$(mktemp -d /dev/shm/portdex-site.XXXXXX)/site
else
	site=$tmp/site
fi
run export --out "$site"
[ "$rc" -eq 0 ] && ok || ko "export: rc $rc: $err"
for f in index.html ranges/system.html ranges/user.html ranges/dynamic.html blocks.html common.html \
	search.html search-index.json sitemap.xml port/0.html port/65535.html port/926.json maps/0.svg maps/63.svg; do
	[ -s "$site/$f" ] && ok || ko "export: no $f"
done
[ "$(ls "$site/port" | wc -l)" -eq 131072 ] && ok || ko "export: not a page and a JSON file for every port"
[ "$(grep -c '<loc>' "$site/sitemap.xml")" -ge 65536 ] && ok || ko "sitemap"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$site/search-index.json" && ok || ko "search index JSON"
# every relative link of some pages leads to a file of the export
broken=0
for page in index.html common.html blocks.html ranges/system.html port/926.html port/80.html port/65535.html; do
	dir=$(dirname "$site/$page")
	for href in $(grep -o 'href="[^"#?]*' "$site/$page" | sed 's/^href="//' | grep -v '^https\?:' | sort -u); do
		[ -e "$dir/$href" ] || { broken=$((broken + 1)); echo "broken link in $page: $href" >&2; }
	done
	for img in $(grep -o 'src="[^"]*' "$site/$page" | sed 's/^src="//'); do
		[ -e "$dir/$img" ] || { broken=$((broken + 1)); echo "broken src in $page: $img" >&2; }
	done
done
[ "$broken" -eq 0 ] && ok || ko "export: $broken broken links"
run export --out "$site"; contains "$out" "(0 written" "second export writes nothing"
printf 'changed' > "$site/port/1000.html"
run export --out "$site"; contains "$out" "(1 written" "export rewrites only what changed"
# an interrupted export leaves whole pages only
rm -rf "$site"
"$PORTDEX" export --out "$site" >/dev/null 2>&1 &
xp=$!
sleep 2
kill -INT $xp
wait $xp
xrc=$?
[ "$xrc" -ne 0 ] && ok || ko "interrupted export exited 0"
partial=0
for f in "$site"/port/*.html; do
	[ -e "$f" ] || continue # a first export shows port/ only when it is complete
	[ "$(tail -c 8 "$f")" = "</html>" ] || partial=$((partial + 1))
done
[ "$partial" -eq 0 ] && ok || ko "interrupted export left $partial partial pages"
[ -z "$(find "$site" -name '.*.tmp*')" ] && ok || ko "interrupted export left temporary files"
run export --out "$site"; [ "$rc" -eq 0 ] && ok || ko "export after an interruption: rc $rc"
[ "$(ls "$site/port" | wc -l)" -eq 131072 ] && [ ! -e "$site/.port.staging" ] && ok || ko "export after an interruption is not complete"
expect_rc 2 export
expect_rc 2 export --out "$tmp/x" --base-url ftp://x

# ---- operational errors: exit status, one line on stderr, nothing on stdout ----
fails() { # fails RC ARGS...
	local want=$1
	shift
	run "$@"
	if [ "$rc" -eq "$want" ] && [ -z "$out" ] && [ -n "$err" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok
	else
		ko "portdex $*: rc $rc (want $want), stdout '${out:0:80}', stderr '$err'"
	fi
}
touch "$tmp/a-file"
fails 3 --registry "$tmp/missing.xml" 926
fails 2 --registry "$tmp/a-file" 926
fails 3 diff "$tmp/missing.xml" "$tmp/missing.xml"
fails 2 diff only-one
fails 2 search
fails 2 --color bogus 926
fails 2 export --out "$tmp/a-file"
XDG_DATA_HOME=$tmp/a-file fails 3 update --from "$(dirname "$PORTDEX")/snapshot.pdx"
[ ! -e "$tmp/data/portdex/registry.pdx" ] && ok || ko "a failed update left a registry behind"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
