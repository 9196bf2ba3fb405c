#!/bin/bash
# listening.sh: `portdex listening` (alias `who`) end to end, on sockets this
# script opens on loopback (python3; ports chosen by the kernel): the table,
# --json, --format prometheus (checked by promtool), queries, exit statuses,
# the /proc/net fallback; as root, a network namespace of its own (invisible
# by default, found with --netns and --all-netns) and a run as an
# unprivileged user (owners unknown, with the reason). One part per run:
#   main      (default) the table, --no-header, the footnote, JSON, queries
#   ipv6      a dual-stack listener          (exit 77 without IPv6)
#   promtool  the metrics checked by promtool (exit 77 without promtool)
#   netns     a namespace of its own          (exit 77 unless root may make one)
#   nobody    an unprivileged user            (exit 77 unless root, setpriv)
# Every process it starts is bounded in time and killed by PID at the end;
# the namespace is deleted.
set -u
part=${1:-main}
case $part in
main|ipv6|promtool|netns|nobody) ;;
*) echo "usage: listening.sh [main|ipv6|promtool|netns|nobody]" >&2; exit 2 ;;
esac
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?set PD_SOURCE_ROOT to the source tree}
tmp=$(mktemp -d)
pids=()
ns=
pass=0 fail=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 3' INT TERM

export XDG_DATA_HOME=$tmp/data HOME=$tmp/home
unset PORTDEX_REGISTRY NO_COLOR PORTDEX_PROC PORTDEX_NO_NETLINK
mkdir -p "$HOME"

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
skip_part() { echo "SKIP: $part: $*"; exit 77; }

# run ARGS...: sets out, err, rc
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
pdx() { run "$PORTDEX" "$@"; }

expect_rc() { # expect_rc RC WHAT
	if [ "$rc" -eq "$1" ]; then ok; else ko "$2: exit status $rc, want $1; stderr: $err"; fi
}
contains() { # contains TEXT NEEDLE WHAT
	case $1 in *"$2"*) ok ;; *) ko "$3: no '$2' in: $(printf %s "$1" | head -c 600) (stderr: $(head -c 300 "$tmp/err"))" ;; esac
}
lacks() { # lacks TEXT NEEDLE WHAT
	case $1 in *"$2"*) ko "$3: '$2' should not be in: $(printf %s "$1" | head -c 600)" ;; *) ok ;; esac
}
# json_check WHAT JS: JS sees the parsed stdout as j; it must return true
json_check() {
	if node -e '
		const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const ok = (function () { return eval(process.argv[2]); })();
		if (!ok) { console.error(JSON.stringify(j).slice(0, 800)); process.exit(1); }' "$tmp/out" "$2" 2>"$tmp/node.err"; then
		ok
	else
		ko "$1: JSON check failed: $2: $(head -c 800 "$tmp/node.err")"
	fi
}

# start_listener [--netns NS] [--as USER] tcp|udp ADDR [NAME [PORT]]: a
# python3 process holding one socket (TCP listening, UDP bound) on PORT
# (default: one the kernel picks), named NAME if not empty; sets lpid, lport
listener_py='
import ctypes, signal, socket, sys, time
kind, addr = sys.argv[1], sys.argv[2]
signal.alarm(120)
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind((addr, int(sys.argv[4]) if len(sys.argv) > 4 else 0))
if kind == "tcp":
    s.listen()
if len(sys.argv) > 3 and sys.argv[3]:
    ctypes.CDLL(None).prctl(15, sys.argv[3].encode(), 0, 0, 0)
print(s.getsockname()[1], flush=True)
while True:
    time.sleep(60)
'
nl=0
start_listener() {
	local prefix=() f
	if [ "$1" = --netns ]; then
		prefix=(ip netns exec "$2")
		shift 2
	fi
	nl=$((nl + 1))
	f=$tmp/port.$nl
	"${prefix[@]}" python3 -c "$listener_py" "$@" >"$f" &
	lpid=$!
	pids+=("$lpid")
	disown "$lpid"  # killed by PID at the end, quietly
	for _ in $(seq 100); do
		[ -s "$f" ] && break
		sleep 0.05
	done
	lport=$(head -1 "$f")
	[ -n "$lport" ] || { echo "FAIL: cannot start a listener ($*)" >&2; exit 1; }
}

# ---- what the part needs, or exit 77 ----
case $part in
ipv6)
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::", 0))' 2>/dev/null ||
		skip_part "no IPv6 on this host" ;;
promtool)
	command -v promtool >/dev/null || skip_part "promtool is not installed (Debian package prometheus)" ;;
netns)
	[ "$(id -u)" -eq 0 ] || skip_part "network namespace tests need root"
	ip netns add "pdtest-$$" 2>"$tmp/ns.err" || skip_part "cannot create a network namespace: $(cat "$tmp/ns.err")"
	ns=pdtest-$$ ;;
nobody)
	[ "$(id -u)" -eq 0 ] || skip_part "the unprivileged-user tests need root (to become nobody)"
	command -v setpriv >/dev/null || skip_part "setpriv is missing (util-linux)" ;;
esac

# ---- one TCP listener on 127.0.0.1 (every part) ----
start_listener tcp 127.0.0.1
tpid=$lpid tport=$lport
mine="j.sockets.find(s => s.transport === 'tcp' && s.port === $tport && s.address === '127.0.0.1')"

if [ "$part" = main ]; then
pdx listening "$tport"
expect_rc 0 "listening $tport"
contains "$out" "proto" "listening $tport: header"
contains "$out" "$tpid" "listening $tport: pid"
contains "$out" "python3" "listening $tport: command"
contains "$out" "127.0.0.1" "listening $tport: address"
table=$out
pdx who "$tport"
expect_rc 0 "who $tport"
[ "$out" = "$table" ] && ok || ko "who and listening differ"
pdx listening "$tport" --no-header
expect_rc 0 "listening $tport --no-header"
[ "$out" = "$(printf '%s\n' "$table" | tail -n +2)" ] && ok || ko "--no-header is not the table without its first line: $out"
lacks "$out" "proto" "--no-header"
pdx who "$tport" --no-header
[ "$out" = "$(printf '%s\n' "$table" | tail -n +2)" ] && ok || ko "who --no-header differs"
pdx listening "$tport" --no-header --color always
lacks "$out" "proto" "--no-header --color always"

# the footnote on the unassigned mark: on a terminal only, never piped
aport=$("$PORTDEX" suggest 2>"$tmp/err")
[ -n "$aport" ] || { echo "FAIL: suggest found no unassigned port: $(cat "$tmp/err")" >&2; exit 1; }
start_listener tcp 127.0.0.1 "" "$aport"
pdx listening "$aport"
expect_rc 0 "listening on unassigned $aport"
contains "$out" "unassigned*" "the unassigned mark"
lacks "$out" "* unassigned: IANA" "no footnote when piped"
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ] && ok || ko "listening $aport piped: not a header and one line: $out"
if script -qec "\"$PORTDEX\" listening $aport --color never" /dev/null >"$tmp/tty" 2>&1; then
	contains "$(tr -d '\r' <"$tmp/tty")" "* unassigned: IANA" "the footnote on a terminal"
	script -qec "\"$PORTDEX\" listening $aport --no-header --color never" /dev/null >"$tmp/tty" 2>&1
	lacks "$(tr -d '\r' <"$tmp/tty")" "* unassigned: IANA" "no footnote with --no-header"
else
	ko "listening on a terminal (script(1)) failed: $(head -c 300 "$tmp/tty")"
fi

pdx listening "$tport" --json
expect_rc 0 "listening $tport --json"
# (other tests may hold sockets on the same port number, on another address
# or transport: look for ours)
json_check "--json" "j.method === 'netlink' && j.count === j.sockets.length && ($mine) &&
	($mine).family === 4 && ($mine).owners.length === 1 &&
	($mine).owners[0].pid === $tpid && ($mine).owners[0].command === 'python3' &&
	($mine).owners[0].fd >= 3 && ($mine).owners_unknown === null &&
	['assigned','reserved','unassigned'].includes(($mine).status) &&
	['user','dynamic'].includes(($mine).class) && ($mine).ipv4 === true && ($mine).ipv6 === false &&
	($mine).v6only === null && typeof ($mine).inode === 'number' && j.registry.source.length > 0 &&
	JSON.stringify(Object.keys($mine)) === JSON.stringify(['transport','family','address','port','v6only',
		'ipv4','ipv6','inode','uid','user','netns','netns_inode','service','services','status','class',
		'owners','owners_unknown'])"

# the /proc/net fallback says the same
PORTDEX_NO_NETLINK=1 run "$PORTDEX" listening "$tport" --json
expect_rc 0 "PORTDEX_NO_NETLINK=1 listening $tport --json"
json_check "fallback" "j.method === '/proc/net' && ($mine).owners[0].pid === $tpid"

# a range that holds it; the wrong transport; a port with nothing on it
pdx listening "$((tport > 1 ? tport - 1 : tport))-$((tport < 65535 ? tport + 1 : tport))" --json
expect_rc 0 "range query"
json_check "range query" "j.sockets.some(s => s.port === $tport && s.owners[0].pid === $tpid)"
pdx listening "$tport/udp" --json
json_check "$tport/udp" "j.sockets.every(s => s.transport === 'udp')"
pdx listening "$tport" --transport udp --json
json_check "--transport udp $tport" "j.sockets.every(s => s.transport === 'udp')"
# nothing ever listens on port 0 (binding to it picks another)
pdx listening 0
expect_rc 1 "port 0"
contains "$err" "nothing is listening on 0" "port 0 message"
[ -z "$out" ] && ok || ko "port 0: stdout should be empty, got: $out"
pdx listening 0/udp --json
expect_rc 1 "port 0 --json"
json_check "port 0 --json" "j.count === 0 && j.sockets.length === 0"

# ---- UDP, IPv6 dual stack, a process with an odd name ----
start_listener udp 127.0.0.1
upid=$lpid uport=$lport
pdx listening "$uport"
expect_rc 0 "udp $uport"
contains "$out" "$upid" "udp $uport: pid"
contains "$out" "udp " "udp $uport: proto"
pdx listening "$uport" --transport tcp --json
json_check "--transport tcp on a udp port" "!j.sockets.some(s => s.owners.some(o => o.pid === $upid))"

start_listener tcp 127.0.0.1 'we"ird\x'
wport=$lport
pdx listening "$wport" --format prometheus
expect_rc 0 "prometheus $wport"
contains "$out" 'command="we\"ird\\x"' "prometheus label escaping"
contains "$out" "# TYPE portdex_listening_socket gauge" "prometheus TYPE"

# a process may name itself anything: what could drive a terminal is shown
# escaped in the table and the metrics, and \u-escaped in the JSON
start_listener tcp 127.0.0.1 $'\e[31mx\xe2\x80\xaey\x7f'
hport=$lport
no_raw() { # no_raw WHAT: the last stdout and stderr hold no control but \n, \t
	if python3 "$src/tests/no-raw-controls.py" "$tmp/out" "$tmp/err" >"$tmp/raw" 2>&1; then ok; else
		ko "$1: $(cat "$tmp/raw")"; fi
}
pdx listening "$hport"
expect_rc 0 "hostile process name $hport"
no_raw "listening: hostile process name"
contains "$out" '\x1b[31mx\u202ey\x7f' "listening: process name made visible"
pdx listening "$hport" --format prometheus
no_raw "prometheus: hostile process name"
contains "$out" 'command="\\x1b[31mx\\u202ey\\x7f"' "prometheus: process name made visible"
pdx listening "$hport" --json
no_raw "json: hostile process name"
json_check "json: hostile process name" "j.sockets[0].owners[0].command === '\x1b[31mx\u202ey\x7f'"

# ---- the whole listing ----
pdx listening
expect_rc 0 "listening"
for p in "$tport" "$uport" "$wport"; do
	contains "$out" " $p " "listening: port $p"
done
pdx listening --json
expect_rc 0 "listening --json"
json_check "listening --json" "j.count === j.sockets.length &&
	[$tport, $uport, $wport].every(p => j.sockets.some(s => s.port === p && s.owners.length === 1))"
pdx listening --format prometheus
expect_rc 0 "listening --format prometheus"
contains "$out" "portdex_listening_sockets{transport=\"tcp\",family=\"ipv4\",status=\"" "prometheus counts"
contains "$out" "portdex_listening_socket{transport=\"tcp\",family=\"ipv4\",address=\"127.0.0.1\",port=\"$tport\"" "prometheus socket"
lacks "$out" "proto=" "prometheus: transport, never proto"

# ---- queries and errors ----
pdx listening no-such-service-pdx
expect_rc 1 "unknown service"
contains "$err" "no service named 'no-such-service-pdx'" "unknown service message"
pdx listening 65536
expect_rc 2 "65536"
pdx listening --format xml
expect_rc 2 "--format xml"
pdx listening --json --format prometheus
expect_rc 2 "--json --format prometheus"
pdx listening --transport dccp
expect_rc 2 "--transport dccp"
pdx listening --netns x --all-netns
expect_rc 2 "--netns and --all-netns"
pdx listening --netns "pd-none-$$"
expect_rc 2 "--netns unknown"
contains "$err" "no network namespace 'pd-none-$$'" "--netns unknown message"
pdx lookup --netns x 2>/dev/null
[ "$rc" -ne 0 ] && ok || ko "--netns is for listening only"


fi # main

# ---- IPv6 dual stack ----
if [ "$part" = ipv6 ]; then
	start_listener tcp ::
	dpid=$lpid dport=$lport
	pdx listening "$dport"
	expect_rc 0 "tcp6 dual $dport"
	contains "$out" "also IPv4" "dual stack note"
	pdx listening "$dport" --json
	json_check "dual stack" "j.sockets.some(s => s.family === 6 && s.address === '::' && s.port === $dport &&
		s.v6only === false && s.ipv4 && s.ipv6 && s.owners[0].pid === $dpid)"
fi

# ---- promtool ----
if [ "$part" = promtool ]; then
	start_listener tcp 127.0.0.1 'we"ird\x'
	wport=$lport
	pdx listening --format prometheus
	if promtool check metrics <"$tmp/out" >"$tmp/promtool" 2>&1; then ok; else ko "promtool: $(cat "$tmp/promtool")"; fi
	pdx listening "$wport" --format prometheus
	if promtool check metrics <"$tmp/out" >"$tmp/promtool" 2>&1; then ok; else ko "promtool ($wport): $(cat "$tmp/promtool")"; fi
fi

# ---- a network namespace of our own (root) ----
if [ "$part" = netns ]; then
	ip -n "$ns" link set lo up
	start_listener --netns "$ns" tcp 127.0.0.1
	npid=$lpid nport=$lport
	pdx listening --json
	json_check "namespace invisible by default" \
		"!j.sockets.some(s => s.owners.some(o => o.pid === $npid))"
	pdx listening "$nport" --netns "$ns"
	expect_rc 0 "--netns $ns"
	contains "$out" "$npid" "--netns $ns: pid"
	contains "$out" "$ns" "--netns $ns: namespace column"
	pdx listening "$nport" --netns "$npid" --json
	expect_rc 0 "--netns PID"
	json_check "--netns PID" "j.sockets.length === 1 && j.sockets[0].netns === '$ns' &&
		j.sockets[0].owners[0].pid === $npid && j.sockets[0].netns_inode > 0"
	pdx listening --all-netns --json
	expect_rc 0 "--all-netns"
	json_check "--all-netns" "j.sockets.some(s => s.netns === '$ns' && s.port === $nport &&
		s.owners[0].pid === $npid) && j.sockets.some(s => s.netns === '' && s.port === $tport)"
	pdx listening --all-netns --format prometheus
	contains "$out" "netns=\"$ns\"" "--all-netns prometheus label"
fi

# ---- an unprivileged user: owners unknown, with the reason ----
if [ "$part" = nobody ]; then
	as_nobody() { run setpriv --reuid=nobody --regid=nogroup --clear-groups "$PORTDEX" "$@"; }
	as_nobody listening "$tport"
	expect_rc 0 "nobody: listening $tport"
	contains "$out" "owner unknown" "nobody: owner unknown"
	contains "$out" "run as root" "nobody: the reason"
	lacks "$out" "$tpid" "nobody: no pid"
	as_nobody listening "$tport" --json
	json_check "nobody --json" "($mine).owners.length === 0 && /root/.test(($mine).owners_unknown) &&
		($mine).uid === 0 && ($mine).user === 'root'"
	as_nobody listening --all-netns
	expect_rc 3 "nobody: --all-netns"
	contains "$err" "needs root" "nobody: --all-netns message"
	as_nobody listening --netns 1
	expect_rc 3 "nobody: --netns 1"
	contains "$err" "permission denied" "nobody: --netns message"
fi

echo "listening.sh $part: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
