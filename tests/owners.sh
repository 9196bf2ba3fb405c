#!/bin/bash
# owners.sh: who really holds a port, on real components. One part per run:
#   docker  a container of Debian's docker.io (dockerd started when it does
#           not answer; image imported from busybox-static, no network):
#           `who PORT` names the container, its image and its port 80 behind
#           docker-proxy (text, JSON, metrics); --all-netns shows the httpd
#           in the container's namespace under the container; an engine that
#           does not answer leaves the owner shown with the reason; with its
#           proxy killed, the port published by NAT rules alone is named.
#           Exit 77 only when dockerd cannot start.
#   unit    a python3 listener moved into a cgroup named like a unit
#           (system.slice/demo.service, in the name=systemd or the unified
#           hierarchy) is shown with unit demo.service. Where systemd is
#           PID 1, systemd-run starts it in a transient unit instead.
#           Exit 77 when no cgroup hierarchy is writable (not root).
# Everything started is killed by PID, containers and cgroups removed.
set -u
part=${1:-docker}
case $part in
docker|unit) ;;
*) echo "usage: owners.sh [docker|unit]" >&2; exit 2 ;;
esac
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?set PD_SOURCE_ROOT to the source tree}
tmp=$(mktemp -d)
pids=()
cg=
unit=
pass=0 fail=0
. "$src/tests/lib.sh"
. "$src/tests/docker-lib.sh"

cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -z "$unit" ] || systemctl stop "$unit" >/dev/null 2>&1
	[ -z "$cg" ] || { rmdir "$cg" 2>/dev/null; rmdir "$(dirname "$cg")" 2>/dev/null; }
	docker_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 3' INT TERM
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home NO_COLOR=1
unset PORTDEX_REGISTRY PORTDEX_PROC PORTDEX_NO_NETLINK
mkdir -p "$HOME"

if [ "$part" = docker ]; then
	if ! docker_up; then
		echo "SKIP: docker: dockerd cannot start here"
		exit 77
	fi
	docker_image || exit 1
	port=$(free_port)
	name=web1-pdtest$$
	docker_web "$port" "$name" || exit 1

	run who "$port"
	[ "$rc" -eq 0 ] && ok || ko "who $port exited $rc: $err"
	contains "$out" "$name (docker, image pdtest:busybox, 80/tcp) via docker-proxy" "who $port"
	run who "$port" --json
	json_ok "who $port --json" "const o = j.sockets[0].owners[0], c = o.container;
		o.command === 'docker-proxy' && c.engine === 'docker' && c.name === '$name' &&
		c.image === 'pdtest:busybox' && c.port === 80 && c.transport === 'tcp' && c.via_proxy === true &&
		/^[0-9a-f]{64}\$/.test(c.id) && c.unknown === null"
	run who "$port" --format prometheus
	contains "$out" "container=\"$name\",image=\"pdtest:busybox\"" "who $port --format prometheus"
	run "$port"
	contains "$out" "docker-proxy (pid" "the card of $port"
	contains "$out" "; $name (docker, image pdtest:busybox, 80/tcp) via docker-proxy)" "the card of $port"

	# the container's own socket, in its namespace, under its name
	run who --all-netns 80
	contains "$out" "$name (docker)" "who --all-netns 80: the namespace named by its container"
	contains "$out" "$name (docker, image pdtest:busybox)" "who --all-netns 80: the httpd's container"
	run who --all-netns 80 --json
	json_ok "who --all-netns 80 --json" "j.sockets.some((s) => s.netns.startsWith('pid ') &&
		s.owners.some((o) => o.command === 'httpd' && o.container && o.container.name === '$name' &&
		o.container.via_proxy === false && o.unit === null))"

	# no engine to ask: the owner is still shown, with the reason
	DOCKER_HOST=unix://$tmp/no-such.sock "$PORTDEX" who "$port" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	[ "$rc" -eq 0 ] && ok || ko "who $port without an engine exited $rc"
	contains "$out" "docker-proxy" "who $port without an engine"
	contains "$out" "name unknown: the engine's API did not answer" "who $port without an engine"

	# the port published by NAT rules alone, as with Docker's userland proxy
	# off: its proxy killed (by PID), the engine still publishes it
	proxy=$(pgrep -f "docker-proxy .*-host-port $port " | head -1)
	if [ -n "$proxy" ] && kill -9 "$proxy"; then
		for _ in $(seq 50); do kill -0 "$proxy" 2>/dev/null || break; sleep 0.05; done
		run who "$port"
		[ "$rc" -eq 0 ] && ok || ko "who $port published by NAT alone exited $rc: $err"
		contains "$out" "$port/tcp published by docker through NAT rules alone" "who $port, NAT alone"
		contains "$out" "$name (docker, image pdtest:busybox, 80/tcp)" "who $port, NAT alone"
		run who "$port" --json
		json_ok "who $port --json, NAT alone" "j.sockets.length === 0 && j.published.length === 1 &&
			j.published[0].container.name === '$name' && j.published[0].container.published === $port &&
			j.published[0].container.port === 80 && j.published[0].container.via_proxy === false"
	else
		ko "no docker-proxy for port $port to kill"
	fi
else
	port=$(free_port)
	if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ] && command -v systemd-run >/dev/null; then
		unit=pdtest-demo-$$.service
		systemd-run --quiet --unit "$unit" python3 -c "import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(1); time.sleep(60)" || { echo "SKIP: unit: systemd-run failed"; exit 77; }
		want=$unit
	else
		base=
		if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
			base=/sys/fs/cgroup
		elif [ -d /sys/fs/cgroup/systemd ]; then
			base=/sys/fs/cgroup/systemd
		elif [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then
			base=/sys/fs/cgroup/unified
		fi
		if [ -z "$base" ] || ! mkdir -p "$base/system.slice/demo.service" 2>/dev/null; then
			echo "SKIP: unit: no writable cgroup hierarchy (needs root)"
			exit 77
		fi
		cg=$base/system.slice/demo.service
		python3 -c "import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1); time.sleep(60)" &
		pids+=($!)
		if ! echo "${pids[0]}" >"$cg/cgroup.procs"; then
			echo "SKIP: unit: cannot move a process into $cg"
			exit 77
		fi
		want=demo.service
	fi
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	run who "$port"
	[ "$rc" -eq 0 ] && ok || ko "who $port exited $rc: $err"
	contains "$out" "unit $want" "who $port"
	run who "$port" --json
	json_ok "who $port --json" "const o = j.sockets[0].owners[0];
		o.unit === '$want' && o.user_unit === false && o.container === null"
	run who "$port" --format prometheus
	contains "$out" "unit=\"$want\"" "who $port --format prometheus"
fi

echo "owners $part: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
