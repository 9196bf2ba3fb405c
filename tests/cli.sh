#!/bin/bash
# cli.sh: runs the built portdex binary and checks its output, exit status
# and error messages. Needs PORTDEX (the binary) and PD_SOURCE_ROOT. update
# and diff are tested by update.sh, the static export by export.sh.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
exp=$src/tests/expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# Isolate from the user's registry and terminal.
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc
unset PORTDEX_REGISTRY NO_COLOR
mkdir -p "$HOME"

. "$src/tests/lib.sh"

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
[ "$(printf '%s\n' "$out" | head -1 | cut -d' ' -f1)" = 80 ] && ok || ko "exact name first in search: $(printf '%s\n' "$out" | head -1)"
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
# each thing said once: transports that read alike share a line, and
# registrations of one day that changed the block alike share an event
run page 22 --format markdown
contains "$out" "On TCP and UDP, port 22 is assigned to ssh (The Secure Shell (SSH) Protocol). On SCTP, port 22 is assigned to ssh (SSH)." "summary: one sentence for the transports that read alike"
contains "$out" $'\n- **TCP and UDP** `ssh`: The Secure Shell (SSH) Protocol.\n' "registry: one entry for TCP and UDP"
contains "$out" $'\n- **SCTP** `ssh`: SSH.\n  Assignee:' "registry: SCTP's own entry, which differs"
contains "$out" "- **DCCP** unassigned: no row of the registry lists it." "registry: the unassigned transport"
run page 9263 --format markdown
contains "$out" "- **TCP, UDP, SCTP and DCCP** unassigned: the registry row for 9256-9276 says" "registry: one row for four transports"
contains "$out" "- 2009-05-12: [9278](9278.html)/tcp (\`pegasus\`) and [9279](9279.html)/tcp (\`pegasus-ctl\`) were registered; before, the block was 9256-9279 (24 ports)." "history: one day's registrations on one line"
contains "$out" "- 2012-12-14: [9277](9277.html)/udp was registered as \`traingpsdata\`" "history: a lone registration"
contains "$out" "- nothing against it in browsers' bad-port lists, portdex's list of known collisions and portdex's knowledge base" "verdict: the checks that found nothing, on one line"
case $out in *"- browser:"*|*"- collision:"*|*"In the same block"*) ko "page 9263 repeats what the block page or the folded line says" ;; *) ok ;; esac
run page 9263 --format json
contains "$out" '"rule":"not-blocked"' "the JSON keeps every reason"
run page 80 --format markdown
contains "$out" "- nothing against it in browsers' bad-port lists and portdex's list of known collisions" "verdict: 80's knowledge base has something against it"
contains "$out" "- knowledge: in common use:" "verdict: a reason with something against it stays whole"
run page 80 --format html
contains "$out" '<li class="st-assigned">TCP, UDP and SCTP <strong>assigned</strong></li><li class="st-unassigned">DCCP <strong>unassigned</strong></li>' "at a glance: one item per status"
run page 926 --format json; json_ok "page json"
[ "$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(j.faq.length)' "$tmp/out")" -ge 5 ] && ok || ko "page json faq"
expect_rc 2 page 70000
expect_rc 2 page 926 --format pdf
# --lang: the page in French or Malay (only the option chooses it)
run page 926; english=$out
for l in fr ms; do
	for f in text html; do
		run page 926 --lang $l --format $f
		[ "$rc" -eq 0 ] && [ -n "$out" ] && ok || ko "page 926 --lang $l --format $f: rc $rc: $err"
	done
	# different from the English page, once the library writes it in $l
	if "$PORTDEX" page 926 --lang $l --format html | grep -q "<html lang=\"$l\""; then
		run page 926 --lang $l
		[ "$out" != "$english" ] && ok || ko "page 926 --lang $l is the English page"
	fi
done
LANG=fr_FR.UTF-8 LC_ALL=fr_FR.UTF-8 LANGUAGE=fr run page 926
[ "$out" = "$english" ] && ok || ko "the environment chose the page's language"
run page 926 --lang en; [ "$out" = "$english" ] && ok || ko "page 926 --lang en is not the page"
fails 2 page 926 --lang de
[ "$err" = "portdex: 'de' is not a language of the site (en, fr, ms)" ] && ok || ko "page --lang de: $err"
fails 2 page 926 --lang ''
contains "$err" "'' is not a language of the site" "page --lang ''"
fails 2 page 926 --lang $'\e[2Jfr'
contains "$err" "'\\x1b[2Jfr' is not a language of the site" "page --lang with a control character, made visible"
fails 2 page 926 --lang fr,ms
[ "$err" = "portdex: --lang 'fr,ms': a page is in one language" ] && ok || ko "page --lang fr,ms: $err"
long=$(printf 'f%.0s' $(seq 70))
fails 2 page 926 --lang "$long"
contains "$err" "...' is not a language of the site (en, fr, ms)" "page --lang of 70 bytes, cut short"
fails 2 export --out "$tmp/x" --lang "en,$long"
[ ! -e "$tmp/x" ] && ok || ko "export --lang with a 70-byte language wrote $tmp/x"
fails 2 926 --lang fr

# ---- nothing from data, file names or arguments drives the terminal ----
# tests/data/hostile.csv carries ESC sequences, BEL, DEL, C1 (U+009B), bidi
# controls (U+202E, U+202C, U+2066) and a byte that is not UTF-8 in names,
# descriptions, people, references, service code and notes; its copy here
# has a hostile file name too. Every output must show them as escapes.
hostile=$tmp/$'reg\e[31m\xe2\x80\xae.csv'
cp "$src/tests/data/hostile.csv" "$hostile"
raw_free() { # raw_free WHAT: the last run's stdout and stderr are UTF-8 with no control but \n, \t
	if python3 "$src/tests/no-raw-controls.py" "$tmp/out" "$tmp/err" >"$tmp/raw" 2>&1; then ok; else
		ko "$1: $(cat "$tmp/raw")"; fi
}
hrun() { # hrun WHAT ARGS...: portdex --registry HOSTILE ARGS..., must answer, raw-free
	local what=$1
	shift
	run --registry "$hostile" "$@"
	[ "$rc" -eq 0 ] && ok || ko "$what: rc $rc: $err"
	raw_free "$what"
}
hrun card 4440
for want in 'evil\x1b[31m: Red \x1b]0;pwned\x07 title' '\u202egpj.exe\u202c' 'assignee: Mal\x7flory; contact: Eve\u009b' \
	'references: RFC\x1b1234, https://x.example/\x1b[0m' 'service code: \u009b6n' 'unauthorized use reported: \u2066isolated' \
	'note: note \x1b[2J cleared \xff caf'$'\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac' 'registry  IANA CSV '"$tmp"'/reg\x1b[31m\u202e.csv'; do
	contains "$out" "$want" "card: visible escapes"
done
hrun "card of a reserved row" 4441; contains "$out" '"Reserved \x1b[5mblink\x7f"' "reserved row"
contains "$out" 'note: note \u202ereversed' "reserved row's note"
hrun "neighbours" 4442; contains "$out" 'below     4440 evil\x1b[31m/tcp (Red \x1b]0;pwned' "neighbour below"
hrun table 4440-4442; contains "$out" ' 4440  assigned    assigned    unassigned  unassigned  evil\x1b[31m: Red' "range table"
hrun search search evil; contains "$out" '4440        tcp,udp       IANA: evil\x1b[31m (Red \x1b]0;pwned' "search: escaped and aligned"
hrun list list --range 4440-4442; contains "$out" '4440/tcp   assigned   evil\x1b[31m' "list"
hrun services services; contains "$out" $'evil\\x1b[31m    4440/tcp\t# Red \\x1b]0;pwned\\x07 title \\u202egpj.exe\\u202c' "services"
contains "$out" 'from IANA CSV '"$tmp"'/reg\x1b[31m\u202e.csv' "services: file name"
hrun stats stats; contains "$out" "reg\\x1b[31m\\u202e.csv" "stats: file name"
hrun version --version; contains "$out" "reg\\x1b[31m\\u202e.csv" "--version: file name"
# a reserved port is to avoid: check exits 11
run --registry "$hostile" check 4441/tcp
[ "$rc" -eq 11 ] && ok || ko "check of a reserved port: rc $rc (want 11): $err"
raw_free check; contains "$out" 'reserved on tcp "Reserved \x1b[5mblink\x7f"' "check"
hrun "page text" page 4440; contains "$out" 'evil\x1b[31m (Red \x1b]0;pwned\x07 title' "page text"
contains "$out" 'Registry: IANA CSV' "page text: registry"
long_lines=$(printf '%s\n' "$out" | grep -v 'https://' | awk 'length($0) > 80' | wc -l)
[ "$long_lines" -eq 0 ] && ok || ko "page 4440: escapes wrapped past 80 columns"
hrun "page markdown" page 4440 --format markdown; contains "$out" '- **TCP** `evil\x1b[31m`: Red \x1b\]0;pwned\x07' "markdown"
contains "$out" 'xhtml#Mal%7Flory)' "markdown: ids percent-encoded in links"
hrun "page markdown (reserved)" page 4441 --format markdown; contains "$out" 'says "Reserved \x1b\[5mblink\x7f"' "markdown reserved"
hrun "page html" page 4440 --format html; contains "$out" '<code>evil\x1b[31m</code>: Red \x1b]0;pwned\x07 title \u202egpj.exe\u202c' "html"
contains "$out" '<title>Port 4440 (evil\x1b[31m) - portdex</title>' "html title"
hrun "page json" page 4440 --format json; json_ok "page json" 'j.transports.tcp.services[0].name === "evil\x1b[31m"'
contains "$out" '"Red \u001b]0;pwned\u0007 title \u202egpj.exe\u202c"' "json escapes"
hrun json 4440 --json; json_ok "json" 'j.transports.tcp.services[0].notes.includes("\ufffd caf\u00e9")'
hrun "services json" services --json; json_ok "services json"
run diff "$hostile" "$src/tests/data/hostile-new.csv"
[ "$rc" -eq 0 ] && ok || ko "diff of hostile files: rc $rc: $err"
raw_free diff
contains "$out" '+ 4460/tcp new\u202esvc: Added \x1b[1mbold\u009b' "diff: added"
contains "$out" "(IANA CSV $tmp/reg\\x1b[31m\\u202e.csv 2020-01-01 -> IANA CSV" "diff: file names"
run diff --json "$hostile" "$src/tests/data/hostile-new.csv"; raw_free "diff --json"; json_ok "diff --json"
# messages on stderr: arguments and file names echoed
run $'\e[31m'; [ "$rc" -eq 2 ] && ok || ko "hostile argument: rc $rc"
raw_free "hostile argument"; contains "$err" "'\\x1b[31m' is not a port" "hostile argument quoted"
run search $'\xe2\x80\xaezzqqx\x7f'; [ "$rc" -eq 2 ] && ok || ko "hostile search: rc $rc"
raw_free "hostile search"; contains "$err" "the search has a control character: '\\u202ezzqqx\\x7f'" "hostile search quoted"
run search zzqqxzzqq$'\xc3\xa9'; [ "$rc" -eq 1 ] && ok || ko "search with nothing found: rc $rc"
raw_free "search: nothing"; contains "$err" "nothing matches 'zzqqxzzqq"$'\xc3\xa9'"'" "nothing found quoted"
run --registry "$tmp/$(printf 'no\e]0;x\a\xc2\x9b')" 80; raw_free "missing hostile file"
contains "$err" "cannot use registry '$tmp/no\\x1b]0;x\\x07\\u009b'" "missing file name quoted"
run update --from "$hostile"; [ "$rc" -eq 2 ] && ok || ko "update from a small hostile file: rc $rc"
raw_free "update refused"; contains "$err" "reg\\x1b[31m\\u202e.csv' has 7 records" "update names the file"
hostile_out=$tmp/$'out\e[2J'
touch "$hostile_out"
run export --out "$hostile_out"; raw_free "export to a file"; contains "$err" "out\\x1b[2J' exists" "export message"
run --registry "$src/tests/data/hostile.csv" --color always 4440
contains "$out" $'\e[1m' "colour still on when asked"
contains "$out" 'evil\x1b[31m' "colour: data still escaped"

# ---- operational errors: exit status, one line on stderr, nothing on stdout ----
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
