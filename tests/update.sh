#!/bin/bash
# update.sh MODE: `portdex update` and `portdex diff` with the built binary.
#   files     the change report on the fixtures of tests/data/diff (exact
#             output in tests/expected/diff.*); registries made from
#             data/registry.tsv: a damaged installed registry and its
#             repair, --allow-older, the lock, temporaries left by kill -9;
#             always runs
#   url       update from a loopback HTTP server (python3), the idle
#             time-out; exits 77 without python3
#   official  IANA's files in $PD_SHARED/iana; exits 77 when they are absent
# Needs PORTDEX (the binary) and PD_SOURCE_ROOT.
set -u
mode=${1:?usage: update.sh files|url|official}
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
shared=${PD_SHARED:-$src/../shared}
xml=$shared/iana/service-names-port-numbers.xml
csv=$shared/iana/service-names-port-numbers.csv

case $mode in
files) ;;
url)
	if ! command -v python3 >/dev/null; then
		echo "SKIP: no python3 for the loopback HTTP server" >&2
		exit 77
	fi ;;
official)
	if [ ! -r "$xml" ] || [ ! -r "$csv" ]; then
		echo "SKIP: $shared/iana/service-names-port-numbers.{xml,csv} not found" >&2
		exit 77
	fi ;;
*) echo "update.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
httpd_pid=
trap '[ -z "$httpd_pid" ] || kill $httpd_pid 2>/dev/null; rm -rf "$tmp"' EXIT

# Isolate from the user's registry and terminal.
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc
unset PORTDEX_REGISTRY NO_COLOR PORTDEX_FETCH_IDLE_TIMEOUT
mkdir -p "$HOME"
dir=$XDG_DATA_HOME/portdex
reg=$dir/registry.pdx

. "$src/tests/lib.sh"

# golden NAME ARGS...: portdex ARGS, run in tests/data/diff, must exit 0
# and print tests/expected/NAME (UPDATE_GOLDEN=1 rewrites it)
golden() {
	local name=$1
	shift
	(cd "$src/tests/data/diff" && "$PORTDEX" "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$tmp/out" "$src/tests/expected/$name"
	if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$src/tests/expected/$name"; then
		ok
	else
		ko "portdex $* (in tests/data/diff) differs from tests/expected/$name (rc $rc): $(head -c 300 "$tmp/err")"
		diff -u "$src/tests/expected/$name" "$tmp/out" | head -20 >&2
	fi
}

same() { # same FILE1 FILE2 WHAT
	if cmp -s "$1" "$2"; then ok; else ko "$3"; fi
}

leftovers() { # the temporaries of killed updates
	find "$dir" -maxdepth 1 -name 'registry.pdx.tmp*' | wc -l
}

# Two registries as large as the compiled-in one (update refuses one with
# fewer than 90% of the records of the registry it replaces): a.csv, the
# records of data/registry.tsv in IANA's CSV form, dated by its latest
# date; b.csv the same with one record dated 2030-01-01.
awk -F '\t' 'BEGIN { OFS = ","; print "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes" }
	function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
	$1 == "R" { print q($4), q($2), q($3), q($5), q($6), q($7), q($8), q($9), q($10), q($11), q($12), q($13) }' \
	"$src/data/registry.tsv" >"$tmp/a.csv"
{ cat "$tmp/a.csv"; printf 'zzz-test,,,A test record,,,2030-01-01,,,,,\n'; } > "$tmp/b.csv"
date_a=$("$PORTDEX" --registry "$tmp/a.csv" --version | sed -n 's/.*, updated \([0-9-]*\)$/\1/p')
date_b=2030-01-01

files_tests() {
	# ---- the change report: every kind of change, text and JSON ----
	golden diff.txt diff old.csv new.csv
	golden diff.json diff --json old.csv new.csv
	json_ok "diff --json" 'j.counts.status.changed === 22 && j.counts.name.removed === 1 && j.added === 1'
	# update prints the same report (--registry: what it compares with)
	XDG_DATA_HOME=$tmp/fixture golden diff.txt --registry old.csv update --from new.csv
	contains "$(cat "$tmp/err")" "portdex: installed $tmp/fixture/portdex/registry.pdx (IANA CSV new.csv, updated 2025-01-01)" "update says what it installed"
	XDG_DATA_HOME=$tmp/fixture golden diff.json --registry old.csv update --from new.csv --json
	run diff "$src/tests/data/diff/new.csv" "$src/tests/data/diff/new.csv"
	[ "$out" = "0 (port, transport) statuses changed; ranges: 0 added, 0 changed, 0 removed; assignments: 0 added, 0 changed, 0 removed; names: 0 added, 0 changed, 0 removed (IANA CSV $src/tests/data/diff/new.csv 2025-01-01 -> IANA CSV $src/tests/data/diff/new.csv 2025-01-01)" ] && ok || ko "diff of a registry with itself: $out"
	# b.csv adds one name-only record to the snapshot
	run diff "$tmp/a.csv" "$tmp/b.csv"
	[ "$rc" -eq 0 ] && ok || ko "diff snapshot: rc $rc, $err"
	contains "$out" $'name + zzz-test: A test record\n0 (port, transport) statuses changed; ' "diff: a name-only record added"
	contains "$out" "; names: 1 added, 0 changed, 0 removed (" "diff: names counted"

	# ---- a first update, then one that keeps the previous registry ----
	run update --from "$tmp/a.csv"
	[ "$rc" -eq 0 ] && [ -s "$reg" ] && [ ! -e "$reg.prev" ] && ok || ko "first update: rc $rc, $err"
	cp "$reg" "$tmp/a.pdx"
	run update --from "$tmp/b.csv"
	[ "$rc" -eq 0 ] && ok || ko "update to b: rc $rc, $err"
	cp "$reg" "$tmp/b.pdx"
	same "$reg.prev" "$tmp/a.pdx" "the previous registry is kept as .prev"

	# ---- an older registry is refused unless --allow-older ----
	fails 2 update --from "$tmp/a.csv"
	contains "$err" "dated $date_a, older than the installed registry ($date_b)" "older refused, both dates"
	contains "$err" "--allow-older" "older refused names the option"
	same "$reg" "$tmp/b.pdx" "a refused older registry changed the installed one"
	expect_rc 0 update --from "$tmp/a.csv" --allow-older
	same "$reg" "$tmp/a.pdx" "--allow-older installs the older registry"
	same "$reg.prev" "$tmp/b.pdx" "--allow-older keeps the newer one as .prev"
	expect_rc 0 update --from "$tmp/a.csv"
	same "$reg" "$tmp/a.pdx" "a registry of the same date is installed"
	expect_rc 2 diff --allow-older "$tmp/a.csv" "$tmp/b.csv"

	# ---- a damaged installed registry: every command that needs it exits 3 ----
	run update --from "$tmp/b.csv"
	cp "$reg.prev" "$tmp/prev-before"
	head -c 4096 "$tmp/b.pdx" > "$tmp/truncated.pdx"
	cp "$tmp/b.pdx" "$tmp/zeroed.pdx"
	dd if=/dev/zero of="$tmp/zeroed.pdx" bs=64 count=1 conv=notrunc status=none
	cp "$tmp/b.pdx" "$tmp/header.pdx"
	printf '\377\377\377\377' | dd of="$tmp/header.pdx" bs=1 seek=40 conv=notrunc status=none
	printf 'hello\n' > "$tmp/text.pdx"
	: > "$tmp/empty.pdx"
	for damage in truncated zeroed header text empty; do
		cp "$tmp/$damage.pdx" "$reg"
		for cmd in 926 "list --range 1-3" "gaps --limit 1" stats services "search http" "page 926" \
			"check 926" "suggest --count 1" "listening" --version "--json 926" "export --out $tmp/site"; do
			# shellcheck disable=SC2086 # words of the command
			fails 3 $cmd
			contains "$err" "portdex: installed registry '$reg' is unusable (" "$damage: $cmd names the file"
			contains "$err" "; repair it with 'portdex update' or 'portdex update --from FILE'" "$damage: $cmd says how to repair"
		done
		# the server too (bounded: a server that started would be stopped)
		timeout 10 "$PORTDEX" serve --listen 127.0.0.1:0 --db "$tmp/fb.db" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
			grep -qF "installed registry '$reg' is unusable (" "$tmp/err"; then ok; else
			ko "$damage: serve: rc $rc, stderr $(head -c 300 "$tmp/err")"; fi
		# what does not need it still works
		expect_rc 0 --registry "$tmp/a.csv" 926
		expect_rc 0 diff "$tmp/a.csv" "$tmp/b.csv"
		expect_rc 0 --help
	done
	# its repair, without --registry; .prev is not replaced by the damaged file
	run update --from "$tmp/b.csv"
	[ "$rc" -eq 0 ] && ok || ko "update over a damaged registry: rc $rc, $err"
	contains "$err" "installed registry '$reg' is unusable (" "update says the installed registry was damaged"
	contains "$out" "(IANA XML service-names-port-numbers.xml (compiled in) " "the report compares with the compiled-in registry"
	same "$reg" "$tmp/b.pdx" "update repairs a damaged registry"
	same "$reg.prev" "$tmp/prev-before" "update kept a damaged registry as .prev"
	expect_rc 0 926
	# damage that only the checksum finds: lookups do not verify it, update
	# does (and the date of a damaged registry does not count: a.csv is older)
	size=$(stat -c %s "$reg")
	printf 'X' | dd of="$reg" bs=1 seek=$((size - 100)) conv=notrunc status=none
	run update --from "$tmp/a.csv"
	[ "$rc" -eq 0 ] && ok || ko "update over a registry with a bad checksum: rc $rc, $err"
	contains "$err" "is unusable (damaged portdex image (checksum))" "update checks the checksum"
	same "$reg.prev" "$tmp/prev-before" "update kept a registry with a bad checksum as .prev"
	# an unreadable one (root reads everything: only as another user)
	if [ "$(id -u)" -ne 0 ]; then
		chmod 000 "$reg"
		fails 3 926
		contains "$err" "installed registry '$reg' is unusable (Permission denied)" "unreadable registry"
		chmod 644 "$reg"
	fi

	# ---- one update at a time ----
	run update --from "$tmp/b.csv"
	if command -v flock >/dev/null; then
		exec 9>"$reg.lock"
		flock -n 9 || ko "cannot take the update lock"
		fails 3 update --from "$tmp/a.csv" --allow-older
		contains "$err" "another 'portdex update' is running" "a second update is refused"
		same "$reg" "$tmp/b.pdx" "a refused concurrent update changed the registry"
		exec 9>&-
	fi

	# ---- kill -9 during update: the registry is the old or the new one, whole ----
	caught=0
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		if cmp -s "$reg" "$tmp/a.pdx"; then next=b; else next=a; fi
		"$PORTDEX" update --from "$tmp/$next.csv" --allow-older >/dev/null 2>&1 &
		pid=$!
		if [ $((i % 2)) -eq 0 ]; then
			# as soon as it writes its temporary (when this shell is fast enough)
			while kill -0 $pid 2>/dev/null && ! compgen -G "$reg.tmp.[0-9]*" >/dev/null; do :; done
		else
			sleep "0.0$((i * 7))"
		fi
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		[ "$(leftovers)" -gt 0 ] && caught=$((caught + 1))
		if cmp -s "$reg" "$tmp/a.pdx" || cmp -s "$reg" "$tmp/b.pdx"; then ok; else ko "kill -9 ($i): the registry is neither the old nor the new one"; fi
		if cmp -s "$reg.prev" "$tmp/a.pdx" || cmp -s "$reg.prev" "$tmp/b.pdx"; then ok; else ko "kill -9 ($i): .prev is not a whole registry"; fi
		expect_rc 0 926
	done
	echo "kill -9: $caught of 12 updates left a temporary behind" >&2
	# the next update removes what killed ones left (and a made-up one)
	printf 'partial' > "$reg.tmp.99999"
	printf 'partial' > "$reg.tmp.prev.99998"
	run update --from "$tmp/b.csv" --allow-older
	[ "$rc" -eq 0 ] && ok || ko "update after kill -9: rc $rc, $err"
	[ "$(leftovers)" -eq 0 ] && ok || ko "update left temporaries: $(ls "$dir")"
	same "$reg" "$tmp/b.pdx" "update after kill -9"
}

url_tests() {
	mkdir -p "$tmp/www"
	cp "$tmp/a.csv" "$tmp/b.csv" "$tmp/www/"
	coproc HTTPD { exec python3 "$src/tests/httpd.py" "$tmp/www"; }
	httpd_pid=$HTTPD_PID
	read -r -t 10 port <&"${HTTPD[0]}" || port=
	if [ -z "$port" ]; then
		ko "test HTTP server did not start"
		return
	fi
	url=http://127.0.0.1:$port
	run update --from "$url/a.csv"
	[ "$rc" -eq 0 ] && ok || ko "update from URL: rc $rc: $err"
	run --version; contains "$out" "$url/a.csv" "registry from URL in use"
	cp "$reg" "$tmp/before.pdx"
	fails 3 update --from "$url/nothing-here.csv"
	contains "$err" "404" "HTTP error reported"
	contains "$err" "current registry stays in use" "failed update says the registry stays"
	fails 3 update --from "$url/truncated/b.csv"
	same "$reg" "$tmp/before.pdx" "truncated download changed the registry"
	# a server that accepts and then sends nothing
	start=$SECONDS
	PORTDEX_FETCH_IDLE_TIMEOUT=2 fails 3 update --from "$url/slow"
	contains "$err" "cannot read '$url/slow': the server sent nothing for 2 s; the current registry stays in use" "idle server"
	[ $((SECONDS - start)) -lt 20 ] && ok || ko "an idle server held update for $((SECONDS - start)) s"
	same "$reg" "$tmp/before.pdx" "an idle server changed the registry"
	# a killed download leaves the registry as it was
	"$PORTDEX" update --from "$url/slow" >/dev/null 2>&1 &
	pid=$!
	sleep 0.3
	kill -9 $pid
	wait $pid 2>/dev/null
	same "$reg" "$tmp/before.pdx" "a killed download changed the registry"
	run update --from "$url/b.csv"
	[ "$rc" -eq 0 ] && [ "$(leftovers)" -eq 0 ] && ok || ko "update after a killed download: rc $rc: $err"
}

official_tests() {
	run --registry "$xml" 926; contains "$out" "2023-02-17 914/udp rift-lies registered; before, the block was 914-952" "926 history from the XML"
	contains "$out" "916-952: 37 ports" "926 block from the XML"
	run --registry "$xml" 293; contains "$out" "2025-07-15 300/tcp tacacss registered; before, the block was 288-307" "293 history"
	PORTDEX_REGISTRY=$csv run --version; contains "$out" "IANA CSV" "PORTDEX_REGISTRY"
	run --registry "$xml" 80 --json; contains "$out" '"source":"IANA XML' "json names the registry"
	contains "$out" '"updated":"2026-08-17"' "json registry date"
	run diff "$csv" "$xml"; contains "$out" $'\nassignment + 5319/tcp roughtime: ' "diff CSV XML"
	contains "$out" $'\nassignment ~ 300/tcp tacacss (references)\n' "diff: changed fields"
	contains "$out" $'\nstatus ~ 5319/tcp,udp unassigned -> assigned\n' "diff: status"
	contains "$out" $'\nrange ~ 4461-4483 -> 4461-4479, 4481-4483 Unassigned\n' "diff: a range row split"
	contains "$out" $'\nname + ab-secure/tcp: AB Secure Protocol\n' "diff: a name-only record added"
	[ "$rc" -eq 0 ] && ok || ko "diff rc $rc"
	run diff --json "$csv" "$xml"; json_ok "diff --json" 'j.counts.assignment.added === j.added && j.counts.name.added > 0'
	# the compiled-in registry is the XML: no change at all
	run diff "$(dirname "$PORTDEX")/snapshot.pdx" "$xml"
	contains "$out" "0 (port, transport) statuses changed; ranges: 0 added, 0 changed, 0 removed; assignments: 0 added, 0 changed, 0 removed; names: 0 added, 0 changed, 0 removed (" "the compiled-in registry equals the XML"

	# update from a file
	run update --from "$csv"
	[ "$rc" -eq 0 ] && ok || ko "update --from csv: rc $rc $err"
	[ -s "$reg" ] && ok || ko "update stored nothing at $reg"
	run --version; contains "$out" "IANA CSV" "updated registry in use"
	run update --from "$xml"; contains "$out" $'\nassignment + 5319/tcp roughtime: ' "update prints what changed"
	[ -s "$reg.prev" ] && ok || ko "previous registry not kept"
	run --version; contains "$out" "updated 2026-08-17" "XML registry in use after update"
	fails 2 update --from "$csv"
	contains "$err" "dated 2025-11-14, older than the installed registry (2026-08-17)" "the older CSV is refused"

	# bad and truncated input leaves the registry in place
	cp "$reg" "$tmp/before.pdx"
	head -c 200000 "$xml" > "$tmp/trunc.xml"
	head -c 300000 "$csv" > "$tmp/trunc.csv"
	printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><registry>&b;</registry>\n' > "$tmp/entities.xml"
	printf 'hello\n' > "$tmp/junk.txt"
	: > "$tmp/empty"
	for f in trunc.xml trunc.csv entities.xml junk.txt empty; do
		fails 2 update --from "$tmp/$f"
		same "$reg" "$tmp/before.pdx" "update from $f changed the registry"
	done
	fails 3 update --from "$tmp/missing.xml"
	contains "$err" "current registry stays in use" "failed update says the registry stays"

	# a CSV cut short by 5% still has 95% of the records and is installed:
	# the report counts the name-only records that vanished with its end
	lines=$(wc -l < "$csv")
	head -n $((lines * 95 / 100)) "$csv" > "$tmp/cut.csv"
	expect_rc 0 update --from "$csv" --allow-older
	run update --from "$tmp/cut.csv"
	[ "$rc" -eq 0 ] && ok || ko "update from a CSV cut by 5%: rc $rc, $err"
	if command -v python3 >/dev/null; then
		gone=$(python3 -c 'import csv, sys
def names(p):
    with open(p, newline="") as f:
        return sum(1 for r in list(csv.reader(f))[1:] if len(r) > 2 and r[0] and not r[1])
print(names(sys.argv[1]) - names(sys.argv[2]))' "$csv" "$tmp/cut.csv")
		[ "$gone" -gt 0 ] && ok || ko "the cut removed no name-only record ($gone)"
		contains "$out" "; names: 0 added, 0 changed, $gone removed (" "a cut CSV reports the names it lost"
	else
		case $out in *"names: 0 added, 0 changed, 0 removed"*) ko "a cut CSV reports no name removed" ;; *) ok ;; esac
	fi

	# an image written by update is itself a registry file
	run --registry "$reg" 926 --json; contains "$out" '"block":{"first":916,"last":952' "image file"
	printf 'PORTDEX\001garbage' > "$tmp/bad.pdx"
	expect_rc 2 --registry "$tmp/bad.pdx" 926
}

"${mode}_tests"
echo "update $mode: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
