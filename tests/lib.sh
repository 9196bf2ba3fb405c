# lib.sh: helpers shared by the shell tests (sourced; needs $tmp, and
# $PORTDEX for run). Each check counts into $pass or $fail.
pass=${pass:-0} fail=${fail:-0}

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# run ARGS...: runs portdex; sets out, err, rc
run() {
	"$PORTDEX" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

contains() { # contains TEXT NEEDLE WHAT
	case $1 in *"$2"*) ok ;; *) ko "$3: no '$2' in: $(printf %s "$1" | head -c 400) (stderr: $(head -c 300 "$tmp/err"))" ;; esac
}

json_ok() { # json_ok WHAT [JS expression over j that must be true]: on the last stdout
	if node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		if (process.argv[2] && !eval(process.argv[2])) process.exit(1)' "$tmp/out" "${2:-}" 2>/dev/null; then
		ok
	else
		ko "$1: invalid JSON or ${2:-}: $(head -c 300 "$tmp/out")"
	fi
}

expect_rc() { # expect_rc RC ARGS...: portdex ARGS exits with RC
	local want=$1
	shift
	run "$@"
	if [ "$rc" -eq "$want" ]; then ok; else ko "portdex $* exited $rc, want $want; stderr: $err"; fi
}

fails() { # fails RC ARGS...: exit status RC, one line on stderr, nothing on stdout
	local want=$1
	shift
	run "$@"
	if [ "$rc" -eq "$want" ] && [ -z "$out" ] && [ -n "$err" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok
	else
		ko "portdex $*: rc $rc (want $want), stdout '${out:0:80}', stderr '$err'"
	fi
}

# serve_start ARGS...: starts `portdex serve --listen 127.0.0.1:0 ARGS` in the
# background, its log in $tmp/serve.log; sets spid, and port to the port it
# serves on ("" when it did not start within 10 s)
serve_start() {
	"$PORTDEX" serve --listen 127.0.0.1:0 "$@" 2>"$tmp/serve.log" &
	spid=$!
	for _ in $(seq 200); do
		grep -q "serving on" "$tmp/serve.log" 2>/dev/null && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	port=$(sed -n 's|^portdex: serving on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/serve.log")
}
