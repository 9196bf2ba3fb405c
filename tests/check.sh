#!/bin/bash
# check.sh: `portdex check` and `portdex suggest` on the built binary: exit
# codes, invalid input, determinism, --json, and --hold keeping a port bound.
# Needs PORTDEX (the binary) and PD_SOURCE_ROOT; python3 binds sockets and
# node checks JSON. Host facts come from tests/data/proc (1024, 32768-60999,
# reserved 8080,9000-9010) and tests/data/nmap-services; bind tests are live.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
pass=0 fail=0

export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc \
	PORTDEX_NMAP_SERVICES=$src/tests/data/nmap-services
unset PORTDEX_REGISTRY NO_COLOR
mkdir -p "$HOME"

. "$src/tests/lib.sh"

# usage_error ARGS...: exit 2, one line on stderr, nothing on stdout
usage_error() {
	run "$@"
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ -n "$err" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok
	else
		ko "portdex $*: rc $rc (want 2), stdout '${out:0:80}', stderr '$err'"
	fi
}

# bind_state PORT [udp]: "free" if a TCP (UDP) socket can bind
# 0.0.0.0:PORT now, "in-use" if the address is in use; anything else (the
# helper failed) is the helper's error, which no check takes for an answer
bind_state() {
	python3 -c 'import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[2] == "udp" else socket.SOCK_STREAM)
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError as e:
    if e.errno != errno.EADDRINUSE:
        raise
    print("in-use")
    sys.exit(0)
print("free")' "$1" "${2:-tcp}" 2>&1
}
# expect_bound WANT PORT [udp] WHAT: bind_state is WANT (free or in-use)
expect_bound() {
	local got
	got=$(bind_state "$2" "${3:-tcp}")
	[ "$got" = "$1" ] && ok || ko "${4:-port $2}: want $1, bind test said: $got"
}

# hold_port [PORT]: python3 listens on 0.0.0.0:PORT (0: any) in the
# background; sets held (the port) and held_pid
hold_port() {
	python3 -u -c 'import socket, sys, time
s = socket.socket()
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen()
print(s.getsockname()[1])
time.sleep(60)' "${1:-0}" >"$tmp/held" 2>/dev/null &
	held_pid=$!
	pids+=("$held_pid")
	held=
	for _ in $(seq 50); do
		held=$(head -1 "$tmp/held")
		[ -n "$held" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- check ----
run check 8080
[ "$rc" -eq 11 ] && ok || ko "check 8080 exited $rc (want 11, avoid): $err"
[ "$(printf '%s\n' "$out" | head -1)" = "port 8080/tcp  avoid" ] && ok || ko "check 8080 first line: $(printf '%s\n' "$out" | head -1)"
contains "$out" "assigned on tcp to http-alt" "check 8080 registry"
contains "$out" "ip_local_reserved_ports" "check 8080 reserved here"
contains "$out" "known collision: Jenkins default" "check 8080 collision"
contains "$out" "registry" "check 8080 names the registry"
run check 926/udp
contains "$(printf '%s\n' "$out" | head -1)" "port 926/udp  avoid" "check 926/udp"
contains "$out" "IETF review" "check 926/udp system range"
run check 926 --json
json_ok "check 926: an unassigned system port is avoided, pointing to the user range" 'j.verdict === "avoid" &&
	j.reasons[0].rule === "system-range" && j.reasons[0].weight === "avoid" &&
	/privileges/.test(j.reasons[0].text) && /user port \(1024-49151\)/.test(j.reasons[0].text)' 
run check 10080
contains "$out" "browsers refuse" "check 10080 browsers"
run check 1500
contains "$out" "often open on the internet: nmap-services has 1500/tcp" "check 1500 nmap"
run check 50000
contains "$out" "dynamic range 49152-65535" "check 50000"
run check 0
contains "$out" "port 0 cannot be a service's port" "check 0"
run check 8080 --json
json_ok "check --json" 'j.port === 8080 && j.transport === "tcp" && j.verdict === "avoid" &&
	j.reasons.length > 3 && j.reasons.every(r => r.topic && r.rule && r.weight && r.text) &&
	j.registry.source.length > 0'
run check 80 443/tcp 53/udp --json
json_ok "check several --json" 'Array.isArray(j) && j.length === 3 && j[2].transport === "udp"'
run check 8080 --color always
contains "$out" $'\033[31m' "check colours avoid red"

# the knowledge base: a known use or known malware is at best acceptable
run check 6881
[ "$(printf '%s\n' "$out" | head -1)" = "port 6881/tcp  acceptable" ] && ok || ko "check 6881: $(printf '%s\n' "$out" | head -1)"
contains "$out" "in common use: BitTorrent" "check 6881 names the use"
run check 27374 --json
json_ok "check 27374 malware" 'j.verdict === "acceptable" &&
	j.reasons.some(r => r.topic === "knowledge" && r.rule === "malware" && /SubSeven/.test(r.text) && r.weight === "acceptable")'
run check 21422 --json
json_ok "check 21422 no known use" 'j.reasons.some(r => r.rule === "no-known-use" && r.weight === "good")'

# a port in use is reported
if hold_port 0; then
	run check "$held"
	contains "$out" "in use now" "check $held held by python"
	kill "$held_pid" 2>/dev/null
	wait "$held_pid" 2>/dev/null
else
	ko "python3 could not hold a port"
fi

# invalid input
for bad in 70000 80/xyz 80-90 ssh '' -1 0x50 ' 80'; do
	usage_error check "$bad"
done
usage_error check
run check 70000; contains "$err" "'70000'" "check names the bad port"
usage_error check 80 --count 3
usage_error check 80 --hold 2

# ---- suggest ----
run suggest myservice
first=$(printf '%s\n' "$out" | head -1)
[ "$rc" -eq 0 ] && [[ $first =~ ^[0-9]+$ ]] && ok || ko "suggest myservice: rc $rc, first line '$first': $err"
[ "$first" -ge 1024 ] && [ "$first" -le 32767 ] && ok || ko "suggest myservice gave $first"
# piped, the port alone: PORT=$(portdex suggest NAME)
[ "$out" = "$first" ] && ok || ko "suggest myservice piped prints more than the port: $(printf '%s\n' "$out" | head -3)"
PORT=$("$PORTDEX" suggest myservice 2>/dev/null)
[ "$PORT" = "$first" ] && ok || ko "PORT=\$(portdex suggest myservice) is '$PORT'"
run suggest myservice --explain
[ "$(printf '%s\n' "$out" | head -1)" = "$first" ] && ok || ko "suggest --explain: first line $(printf '%s\n' "$out" | head -1)"
contains "$out" "registry   IANA XML service-names-port-numbers.xml (compiled in)" "suggest --explain prints the registry"
contains "$out" "rules" "suggest --explain prints the rules"
# on a terminal, the explanation without --explain
if script -qec "\"$PORTDEX\" suggest myservice --color never" /dev/null >"$tmp/tty" 2>&1; then
	contains "$(tr -d '\r' <"$tmp/tty")" "registry   IANA XML" "suggest on a terminal explains"
else
	ko "suggest on a terminal (script(1)) failed: $(head -c 300 "$tmp/tty")"
fi
run suggest myservice
[ "$(printf '%s\n' "$out" | head -1)" = "$first" ] && ok || ko "suggest myservice twice: $first, then $(printf '%s\n' "$out" | head -1)"
run suggest MyService
[ "$(printf '%s\n' "$out" | head -1)" = "$first" ] && ok || ko "suggest is case-insensitive"
run suggest otherservice
[ "$(printf '%s\n' "$out" | head -1)" != "$first" ] && ok || ko "two names gave the same port $first"
run suggest myservice --json
json_ok "suggest --json" "j.name === 'myservice' && j.ports.length === 1 && j.ports[0] === $first &&
	j.transport === 'tcp' && j.range.first === 1024 && j.range.last === 49151 && j.registry.updated.length === 10"
run check "$first"
contains "$(printf '%s\n' "$out" | head -1)" "port $first/tcp  good" "a suggestion checks good"

# exit status per verdict: 0 good, 10 acceptable, 11 avoid; several ports:
# the heaviest; usage errors stay 2
run check "$first"; [ "$rc" -eq 0 ] && ok || ko "check $first (good) exited $rc"
case $out in *instead*) ko "check $first (good) names alternatives" ;; *) ok ;; esac
if "$PORTDEX" check "$first" >/dev/null; then ok; else ko "if portdex check $first; then ... is false"; fi
run check 6881; [ "$rc" -eq 10 ] && ok || ko "check 6881 (acceptable) exited $rc"
run check 926; [ "$rc" -eq 11 ] && ok || ko "check 926 (avoid) exited $rc"
run check "$first" 6881; [ "$rc" -eq 10 ] && ok || ko "check $first 6881 exited $rc (want 10)"
run check "$first" 6881 8080 --json; [ "$rc" -eq 11 ] && ok || ko "check $first 6881 8080 exited $rc (want 11)"
json_ok "check several: alternatives for the avoided one only" 'j.length === 3 && j[0].alternatives.length === 0 &&
	j[1].alternatives.length === 0 && j[2].alternatives.length >= 2'
run check "$first" 70000; [ "$rc" -eq 2 ] && [ -z "$out" ] && ok || ko "check $first 70000 exited $rc (want 2)"

# avoid names two or three alternatives, each good here, the same each
# time, and the first ports of suggest port-PORT --transport both
run check 8080 --json
alts=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).alternatives.join(" "))' "$tmp/out")
n=$(echo $alts | wc -w)
[ "$n" -ge 2 ] && [ "$n" -le 3 ] && ok || ko "check 8080: $n alternatives ($alts)"
[ "$(printf '%s\n' $alts | sort -u | wc -l)" -eq "$n" ] && ok || ko "check 8080: alternatives repeat ($alts)"
for p in $alts; do
	run check "$p"
	[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | head -1)" = "port $p/tcp  good" ] && ok ||
		ko "alternative $p of 8080: rc $rc, $(printf '%s\n' "$out" | head -1)"
done
run check 8080 --json
again=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).alternatives.join(" "))' "$tmp/out")
[ "$again" = "$alts" ] && ok || ko "check 8080 alternatives changed: $alts, then $again"
run suggest port-8080 --transport both --count "$n"
[ "$(printf '%s\n' "$out" | grep -E '^[0-9]+$' | tr '\n' ' ' | sed 's/ $//')" = "$alts" ] && ok ||
	ko "check 8080 alternatives ($alts) are not suggest port-8080's: $(printf '%s\n' "$out" | grep -E '^[0-9]+$' | tr '\n' ' ')"
run check 8080
contains "$out" "instead                ${alts// /, }: each checks good" "check 8080 names the alternatives"
run check 926/udp --json
json_ok "check 926/udp alternatives" 'j.verdict === "avoid" && j.alternatives.length >= 2 &&
	j.alternatives.every(p => p >= 1024 && p <= 49151)'
for p in $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).alternatives.join(" "))' "$tmp/out"); do
	run check "$p/udp"; [ "$rc" -eq 0 ] && ok || ko "alternative $p/udp of 926/udp exited $rc"
done
run suggest --count 5
[ "$(printf '%s\n' "$out" | grep -cE '^[0-9]+$')" -eq 5 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 5 ] && ok ||
	ko "suggest --count 5 piped is not 5 ports: $out"
run suggest web --count 3 --transport both --json
json_ok "suggest both" 'j.transport === "both" && j.ports.length === 3 && new Set(j.ports).size === 3'
run suggest --range dynamic --json
json_ok "suggest --range dynamic" 'j.ports[0] >= 61000 && j.relaxed.length === 2'
run suggest --range 26490-26999 --count 2
[ "$rc" -eq 0 ] && ok || ko "suggest --range 26490-26999: rc $rc $err"
for p in $(printf '%s\n' "$out" | grep -E '^[0-9]+$'); do
	[ "$p" -ge 26490 ] && [ "$p" -le 26999 ] && ok || ko "suggest --range 26490-26999 gave $p"
done
run suggest --range 6880-6890 --count 3 --explain
[ "$rc" -eq 0 ] && ok || ko "suggest --range 6880-6890: rc $rc $err"
for p in $(printf '%s\n' "$out" | grep -E '^[0-9]+$'); do
	[ "$p" -eq 6880 ] || [ "$p" -eq 6890 ] && ok || ko "suggest --range 6880-6890 gave $p (BitTorrent's 6881-6889, or outside)"
done
contains "$out" "no common use or malware" "suggest states the knowledge rule"
run suggest --range 6881-6889
[ "$rc" -eq 1 ] && [ -z "$out" ] && ok || ko "suggest in BitTorrent's range: rc $rc, stdout $out"
contains "$err" "no port in 6881-6889 passes every check" "suggest says nothing is left"
run suggest --range 12345-12346 --transport both
[ "$rc" -eq 1 ] && [ -z "$out" ] && ok || ko "suggest in NetBus' ports: rc $rc, stdout $out"
run suggest --range 32768-33000
[ "$rc" -eq 1 ] && [ -z "$out" ] && ok || ko "suggest in this host's ephemeral range: rc $rc, stdout $out"
contains "$err" "ephemeral range" "suggest says why nothing is left"

# a held port is skipped, and said so
if hold_port "$first"; then
	run suggest myservice --explain
	[ "$(printf '%s\n' "$out" | head -1)" != "$first" ] && ok || ko "suggest gave the held port $first"
	contains "$out" "skipped    $first: in use now" "suggest names the skipped port"
	kill "$held_pid" 2>/dev/null
	wait "$held_pid" 2>/dev/null
else
	ko "python3 could not hold $first"
fi

usage_error suggest --count 0
usage_error suggest --count 1001
usage_error suggest --count x
usage_error suggest --range 9-1
usage_error suggest --range everything
usage_error suggest --transport sctp
usage_error suggest 'my service'
usage_error suggest a b
usage_error suggest --hold x
usage_error suggest --hold 86401
usage_error check 80 --explain

# --hold: the port stays bound while held, and is free after
start=$(date +%s)
"$PORTDEX" suggest holdtest --hold 2 --explain >"$tmp/hold.out" 2>"$tmp/hold.err" &
hold_pid=$!
pids+=("$hold_pid")
port=
for _ in $(seq 50); do
	port=$(head -1 "$tmp/hold.out" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -n "$port" ]; then
	expect_bound in-use "$port" tcp "suggest --hold: port $port while held"
	wait "$hold_pid"
	hold_rc=$?
	[ "$hold_rc" -eq 0 ] && ok || ko "suggest --hold exited $hold_rc: $(cat "$tmp/hold.err")"
	[ $(($(date +%s) - start)) -ge 2 ] && ok || ko "suggest --hold 2 returned early"
	expect_bound free "$port" tcp "suggest --hold: port $port after the hold"
	contains "$(cat "$tmp/hold.out")" "held       bound for 2 s" "suggest --hold says so"
else
	ko "suggest --hold printed no port: $(cat "$tmp/hold.err")"
fi
# SIGTERM ends the hold at once, with status 0; both transports held
"$PORTDEX" suggest --hold 60 --transport both --json >"$tmp/hold.out" 2>"$tmp/hold.err" &
hold_pid=$!
pids+=("$hold_pid")
port=
for _ in $(seq 50); do
	port=$(node -e 'try { console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).ports[0]) } catch (e) {}' \
		"$tmp/hold.out" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -n "$port" ]; then
	expect_bound in-use "$port" tcp "suggest --hold --json: port $port while held"
	expect_bound in-use "$port" udp "suggest --hold --json: udp $port while held"
	kill -TERM "$hold_pid"
	wait "$hold_pid"
	hold_rc=$?
	[ "$hold_rc" -eq 0 ] && ok || ko "suggest --hold after SIGTERM exited $hold_rc"
	expect_bound free "$port" tcp "suggest --hold: port $port after SIGTERM"
else
	ko "suggest --hold --json printed no port: $(cat "$tmp/hold.err")"
fi

# ---- a service with an empty description (780 wpgs in the snapshot) is
# named without empty brackets, in the card, the page and check
run 779
contains "$out" "above     780 wpgs/tcp, wpgs/udp" "card neighbour with no description"
for args in 779 "page 780" "page 781" "page 780 --format markdown" "check 780"; do
	run $args
	case $out in *"()"*|*": ."*) ko "portdex $args prints an empty description: $(printf '%s\n' "$out" | grep -m1 -e '()' -e ': \.')" ;; *) ok ;; esac
done

echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
