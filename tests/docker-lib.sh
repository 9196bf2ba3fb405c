# docker-lib.sh: a real Docker for the shell tests (sourced; needs $tmp,
# ko, and a cleanup that calls docker_cleanup).
#   docker_up      starts dockerd when it does not answer (Debian's docker.io,
#                  `dockerd &`, waits for its socket); returns 1 when it cannot
#   docker_image   imports pdtest:busybox without any network: a tar of a
#                  directory holding busybox-static's binary and its links
#   docker_web P N runs container N: busybox httpd on its port 80 published on
#                  127.0.0.1:P; waits until the port answers
# docker_cleanup removes what they made: containers, the image (when it was
# imported here) and dockerd (when it was started here), by PID.
docker_started=
docker_imported=
docker_containers=()

docker_up() {
	command -v docker >/dev/null && command -v dockerd >/dev/null || return 1
	timeout 10 docker info >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	dockerd >"$tmp/dockerd.log" 2>&1 &
	docker_started=$!
	for _ in $(seq 300); do
		timeout 5 docker info >/dev/null 2>&1 && return 0
		kill -0 "$docker_started" 2>/dev/null || break
		sleep 0.1
	done
	echo "dockerd did not start: $(tail -n 3 "$tmp/dockerd.log" | tr '\n' ' ' | head -c 400)" >&2
	return 1
}

docker_image() {
	local bb root=$tmp/rootfs
	docker image inspect pdtest:busybox >/dev/null 2>&1 && return 0
	bb=$(command -v busybox) || { ko "busybox-static is not installed"; return 1; }
	mkdir -p "$root/bin"
	cp "$bb" "$root/bin/busybox"
	for l in sh httpd sleep nc cat; do ln -s busybox "$root/bin/$l"; done
	if tar -C "$root" -c . | docker import - pdtest:busybox >/dev/null; then
		docker_imported=1
	else
		ko "docker import failed"
		return 1
	fi
}

# docker_web PORT NAME [ARGS...]: extra ARGS go to docker run
docker_web() {
	local port=$1 name=$2
	shift 2
	docker rm -f "$name" >/dev/null 2>&1
	docker run -d --name "$name" "$@" -p "127.0.0.1:$port:80" pdtest:busybox /bin/httpd -f -p 80 \
		>/dev/null 2>"$tmp/docker-run.err" || { ko "docker run $name: $(cat "$tmp/docker-run.err")"; return 1; }
	docker_containers+=("$name")
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	ko "container $name does not answer on 127.0.0.1:$port"
	return 1
}

docker_cleanup() {
	local c
	for c in "${docker_containers[@]}"; do
		docker rm -f "$c" >/dev/null 2>&1
	done
	[ -z "$docker_imported" ] || docker rmi pdtest:busybox >/dev/null 2>&1
	if [ -n "$docker_started" ]; then
		kill "$docker_started" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$docker_started" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$docker_started" 2>/dev/null
	fi
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
