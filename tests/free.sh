#!/bin/bash
# free.sh: `portdex free PORT[/T]` on real listeners (ports chosen free by
# the kernel, loopback only). One part per run:
#   main    python3 -m http.server, nc -l, a listener that ignores SIGTERM
#           (still held after --timeout, exit 3; freed by --signal KILL),
#           --dry-run leaving it alive, no terminal without --yes, the
#           question on a terminal (script(1)) answered no and yes, --json,
#           a port portdex itself holds (refused), bad input; as root: PID 1 refused (a listener that is PID 1 of a
#           PID namespace of its own) and another user's process refused
#           (portdex run as nobody)
#   docker  a container published through docker-proxy is stopped through
#           the engine, not by killing the proxy; so is one whose port is
#           published by NAT rules alone (exit 77 when dockerd cannot start)
# Every process started is killed by PID at the end.
set -u
part=${1:-main}
case $part in
main|docker) ;;
*) echo "usage: free.sh [main|docker]" >&2; exit 2 ;;
esac
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?set PD_SOURCE_ROOT to the source tree}
tmp=$(mktemp -d)
pids=()
pass=0 fail=0
. "$src/tests/lib.sh"
. "$src/tests/docker-lib.sh"

cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	docker_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 3' INT TERM
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home NO_COLOR=1
unset PORTDEX_REGISTRY PORTDEX_PROC PORTDEX_NO_NETLINK
mkdir -p "$HOME"

# wait_listen PORT: until something accepts on 127.0.0.1:PORT (5 s)
wait_listen() {
	for _ in $(seq 100); do
		"$PORTDEX" who "$1" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	ko "nothing came to listen on $1"
	return 1
}
alive() { kill -0 "$1" 2>/dev/null; }

if [ "$part" = main ]; then
	# python3's HTTP server: SIGTERM frees it
	port=$(free_port)
	python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
	pids+=($!); py=$!
	wait_listen "$port"
	run free "$port" --dry-run
	[ "$rc" -eq 0 ] && ok || ko "free --dry-run exited $rc: $err"
	contains "$out" "would send SIGTERM to pid $py (python3)" "free --dry-run"
	sleep 0.2
	alive "$py" && ok || ko "--dry-run killed the listener"
	run free "$port" </dev/null
	[ "$rc" -eq 2 ] && ok || ko "free without --yes and without a terminal exited $rc"
	contains "$err" "pass --yes" "free without --yes"
	alive "$py" && ok || ko "free without --yes killed the listener"
	run free "$port" --yes
	[ "$rc" -eq 0 ] && ok || ko "free $port --yes exited $rc: $err"
	contains "$out" "sent SIGTERM to pid $py (python3); $port is free" "free $port --yes"
	sleep 0.2
	alive "$py" && ko "python3 still runs after free" || ok
	run who "$port"
	[ "$rc" -eq 1 ] && ok || ko "who $port after free exited $rc"
	run free "$port" --yes
	[ "$rc" -eq 0 ] && ok || ko "free of a free port exited $rc"
	contains "$out" "nothing listens on $port" "free of a free port"

	# on a terminal (script(1) gives one): it asks; no keeps it, yes frees it
	if command -v script >/dev/null; then
		port=$(free_port)
		python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
		pids+=($!); py=$!
		wait_listen "$port"
		echo n | script -qec "'$PORTDEX' free $port" /dev/null >"$tmp/tty" 2>&1
		rc=$?
		[ "$rc" -eq 1 ] && ok || ko "free answered no on a terminal exited $rc"
		contains "$(cat "$tmp/tty")" "free $port? [y/N]" "free on a terminal"
		contains "$(cat "$tmp/tty")" "nothing done; $port is still held" "free answered no"
		alive "$py" && ok || ko "free answered no killed the listener"
		echo y | script -qec "'$PORTDEX' free $port" /dev/null >"$tmp/tty" 2>&1
		rc=$?
		[ "$rc" -eq 0 ] && ok || ko "free answered yes on a terminal exited $rc"
		contains "$(cat "$tmp/tty")" "sent SIGTERM to pid $py (python3); $port is free" "free answered yes"
	else
		echo "note: no script(1): the question on a terminal not tried"
	fi

	# nc -l, with --json
	port=$(free_port)
	nc -l 127.0.0.1 "$port" </dev/null >/dev/null 2>&1 &
	pids+=($!); ncp=$!
	wait_listen "$port"
	run free "$port/tcp" --yes --json
	[ "$rc" -eq 0 ] && ok || ko "free $port/tcp --json exited $rc: $err"
	json_ok "free --json" "j.port === '$port/tcp' && j.free === true && j.result === 'freed' &&
		j.holders[0].pid === $ncp && j.holders[0].command === 'nc' && j.actions[0].kind === 'signal' &&
		j.actions[0].signal === 'TERM' && j.actions[0].state === 'done' && j.dry_run === false"
	cp "$tmp/out" "$tmp/free.json"
	if node "$src/tests/schema-validate.js" "$src/doc/schema/free.schema.json" "$tmp/free.json" >"$tmp/v" 2>&1; then
		ok
	else
		ko "free --json against free.schema.json: $(cat "$tmp/v")"
	fi

	# a listener that ignores SIGTERM: still held after the timeout; KILL frees it
	port=$(free_port)
	python3 -c "import signal, socket, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1); time.sleep(60)" &
	pids+=($!); stubborn=$!
	wait_listen "$port"
	run free "$port" --yes --timeout 0.5
	[ "$rc" -eq 3 ] && ok || ko "free of a process that ignores SIGTERM exited $rc, want 3"
	contains "$err" "still held after" "free of a process that ignores SIGTERM"
	contains "$err" "try --signal KILL" "free of a process that ignores SIGTERM"
	alive "$stubborn" && ok || ko "the process that ignores SIGTERM is gone"
	run free "$port" --yes --signal KILL
	[ "$rc" -eq 0 ] && ok || ko "free --signal KILL exited $rc: $err"
	contains "$out" "sent SIGKILL to pid $stubborn" "free --signal KILL"

	# portdex itself holds the port (a descriptor it inherited): refused
	port=$(free_port)
	python3 -c "import os, socket
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1); os.set_inheritable(s.fileno(), True)
os.execv('$PORTDEX', ['$PORTDEX', 'free', '$port', '--yes'])" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 3 ] && ok || ko "free of a port portdex itself holds exited $rc"
	contains "$(cat "$tmp/err")" "it is this very portdex" "free of a port portdex itself holds"

	# bad input: one line, nothing on stdout, exit 2
	fails 2 free
	fails 2 free 70000
	fails 2 free 80-90
	fails 2 free 80/dccp
	fails 2 free 80 81
	fails 2 free 80 --signal BOGUS
	fails 2 free 80 --timeout -1
	fails 2 free 80 --timeout 1e3
	fails 2 list --yes

	if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null; then
		# PID 1 of a PID namespace holds the port; portdex runs inside it
		port=$(free_port)
		timeout 20 unshare --pid --fork --mount-proc python3 -c "import socket, subprocess, sys
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1)
r = subprocess.run(['$PORTDEX', 'free', '$port', '--yes'], capture_output=True, text=True)
sys.stdout.write('%d\n%s' % (r.returncode, r.stderr))" >"$tmp/pid1" 2>&1
		[ "$(head -1 "$tmp/pid1")" = 3 ] && ok || ko "free of PID 1's port: $(cat "$tmp/pid1")"
		contains "$(cat "$tmp/pid1")" "it is PID 1" "free of PID 1's port"

		# root's listener, portdex as nobody
		port=$(free_port)
		python3 -c "import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1); time.sleep(60)" &
		pids+=($!); rootp=$!
		wait_listen "$port"
		setpriv --reuid nobody --regid nogroup --clear-groups "$PORTDEX" free "$port" --yes >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ "$rc" -eq 3 ] && ok || ko "free as nobody of root's listener exited $rc"
		contains "$(cat "$tmp/err")" "cannot free $port: another user's socket" "free as nobody"
		alive "$rootp" && ok || ko "nobody's free killed root's listener"
	else
		echo "note: not root (or no unshare/setpriv): PID 1 and another user's process not tried"
	fi
else
	if ! docker_up; then
		echo "SKIP: docker: dockerd cannot start here"
		exit 77
	fi
	docker_image || exit 1
	port=$(free_port)
	name=web1-pdfree$$
	docker_web "$port" "$name" || exit 1
	proxy=$(pgrep -f "docker-proxy .*-host-port $port " | head -1)
	run free "$port" --dry-run
	[ "$rc" -eq 0 ] && ok || ko "free --dry-run of a container exited $rc: $err"
	contains "$out" "would stop container $name (docker, image pdtest:busybox" "free --dry-run of a container"
	run free "$port" --yes --timeout 2 --json
	[ "$rc" -eq 0 ] && ok || ko "free of a container exited $rc: $err"
	json_ok "free of a container --json" "j.free === true && j.actions.length === 1 &&
		j.actions[0].kind === 'stop-container' && j.actions[0].container === '$name' &&
		j.actions[0].engine === 'docker' && j.actions[0].state === 'done'"
	state=$(docker inspect -f '{{.State.Status}}' "$name" 2>&1)
	[ "$state" = exited ] && ok || ko "the container is '$state' after free, want exited"
	[ -z "$proxy" ] || ! alive "$proxy" && ok || ko "docker-proxy $proxy still runs"

	# published by NAT rules alone (its proxy killed by PID): the engine stops it
	port=$(free_port)
	name=web2-pdfree$$
	docker_web "$port" "$name" || exit 1
	proxy=$(pgrep -f "docker-proxy .*-host-port $port " | head -1)
	[ -n "$proxy" ] && kill -9 "$proxy" && ok || ko "no docker-proxy for $port to kill"
	for _ in $(seq 50); do alive "$proxy" || break; sleep 0.05; done
	run free "$port" --yes --timeout 2
	[ "$rc" -eq 0 ] && ok || ko "free of a port published by NAT alone exited $rc: $err"
	contains "$out" "stopped container $name (docker, image pdtest:busybox, published through NAT rules)" \
		"free of a port published by NAT alone"
	state=$(docker inspect -f '{{.State.Status}}' "$name" 2>&1)
	[ "$state" = exited ] && ok || ko "the container is '$state' after free, want exited"
fi

echo "free $part: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
