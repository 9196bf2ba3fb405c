#!/bin/bash
# churn.sh: a registry file that changes under a running program never takes
# it down. While lookups and the server run, a writer keeps rewriting the
# file in place, truncating it, deleting it, replacing it and scribbling in
# it. Every lookup must answer (exit 0) or stop with one line on stderr
# (exit 2 or 3); none may end by a signal. The server must answer every
# page from a registry it validated and be alive at the end.
# Environment (from tests/meson.build): PORTDEX, PD_SOURCE_ROOT. Bounded:
# a few hundred lookups and requests.
set -u
PORTDEX=${PORTDEX:?PORTDEX must name the portdex binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$src/tests/lib.sh"
export HOME=$tmp XDG_DATA_HOME=$tmp/xdg NO_COLOR=1
unset PORTDEX_REGISTRY

big=$(dirname "$PORTDEX")/snapshot.pdx        # the compiled-in image, 2 MB
small=$src/tests/data/registry/small.csv
[ -r "$big" ] || { echo "FAIL: $big is missing" >&2; exit 1; }
F=$tmp/reg.pdx
cp "$big" "$F"

# churn FILE: rewrites FILE every way an administrator or a disk might
churn() {
	local f=$1 i=0
	while :; do
		case $((i % 8)) in
		0) cp "$big" "$f" ;;                                    # rewritten in place
		1) truncate -s 100000 "$f" ;;                           # cut short
		2) rm -f "$f" ;;                                        # deleted
		3) cp "$small" "$f.new" && mv -f "$f.new" "$f" ;;       # replaced by another file
		4) head -c 1500000 "$big" >"$f" ;;                      # half written
		5) cat "$big" >"$f" ;;                                  # rewritten again
		6) printf 'scribble\001\377' | dd of="$f" bs=1 seek=4000 conv=notrunc status=none ;;
		7) truncate -s 0 "$f" ;;                                # emptied
		esac
		i=$((i + 1))
		sleep 0.00$((RANDOM % 5))
	done
}

# check_run WHAT: the last run ended well or with one line on stderr
check_run() {
	if [ "$rc" -ge 128 ]; then
		ko "$1: killed by signal $((rc - 128)): $(head -c 200 "$tmp/err")"
	elif [ "$rc" -ne 0 ] && { [ "$rc" -lt 2 ] || [ "$rc" -gt 3 ] ||
		[ "$(wc -l <"$tmp/err")" -ne 1 ]; }; then
		ko "$1: rc $rc, stderr: $(head -c 300 "$tmp/err")"
	else
		ok
	fi
}

# stop PID: stops a churn loop and waits until it no longer writes
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

churn "$F" &
cpid=$!
pids+=($cpid)
signals=0 answered=0
for i in $(seq 300); do
	if [ $((i % 20)) -eq 0 ]; then
		run --registry "$F" 0-65535 --json
	else
		run --registry "$F" $((i * 211 % 65536))
	fi
	check_run "lookup $i on a changing file"
	[ "$rc" -ge 128 ] && signals=$((signals + 1))
	[ "$rc" -eq 0 ] && answered=$((answered + 1))
done
stop "$cpid"
echo "# lookups on a changing --registry file: $answered of 300 answered, $signals signals"
[ "$answered" -gt 0 ] && ok || ko "no lookup answered while the file changed"

# the installed registry, changing under lookups
mkdir -p "$XDG_DATA_HOME/portdex"
I=$XDG_DATA_HOME/portdex/registry.pdx
cp "$big" "$I"
churn "$I" &
cpid=$!
pids+=($cpid)
for i in $(seq 100); do
	run $((i * 331 % 65536))
	check_run "lookup $i on a changing installed registry"
done
stop "$cpid"

# the server, on a registry file that keeps changing, reloading by its file
# watch and by SIGHUP while pages are requested
cp "$big" "$F"
log=$tmp/serve.log
PORTDEX_SERVE_CACHE_TTL=0 "$PORTDEX" serve --listen 127.0.0.1:0 --registry "$F" 2>"$log" &
spid=$!
pids+=($spid)
for _ in $(seq 200); do
	grep -q "serving on" "$log" 2>/dev/null && break
	sleep 0.05
done
port=$(sed -n 's|^portdex: serving on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$log")
if [ -z "$port" ]; then
	ko "the server did not start: $(head -c 300 "$log")"
else
	churn "$F" &
	cpid=$!
	pids+=($cpid)
	codes=$tmp/codes
	for i in $(seq 200); do
		curl -s -m 10 -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/port/$((i * 97 % 4000))" >>"$codes"
		[ $((i % 10)) -eq 0 ] && kill -HUP "$spid" 2>/dev/null
	done
	stop "$cpid"
	if kill -0 "$spid" 2>/dev/null; then ok; else
		wait "$spid"
		ko "the server died while its registry changed (status $?): $(tail -3 "$log")"
	fi
	got=$(sort -u "$codes" | tr '\n' ' ')
	[ "$got" = "200 " ] && ok || ko "pages answered while the registry changed: codes $got"
	# a reload may still be running (settling a file that changed, then
	# validating it): one more SIGHUP on a file now still, and a bounded wait
	kill -HUP "$spid" 2>/dev/null
	for _ in $(seq 300); do
		grep -q "reload" "$log" && break
		sleep 0.1
	done
	grep -q "reload" "$log" && ok || ko "the server never tried to reload: $(tail -3 "$log")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
