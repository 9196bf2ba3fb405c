#!/bin/bash
# schema.sh: every JSON document against its schema in doc/schema/, with
# tests/schema-validate.js (node, no package):
#   - each command's --json output (port, page, list, gaps, stats, search,
#     services, check, suggest, diff, update, --version) on the compiled-in
#     registry and on the fixtures of tests/data
#   - listening --json (a python3 listener of its own) and the port
#     document of its port
#   - the server's /api/v1/ports/PORT, /api/v1/search and /api/v1/listening
#     (portdex serve on 127.0.0.1:0), and its error document for an API
#     request that fails (a port out of range, an unknown /api/ path, a
#     method it does not take)
#   - each example in doc/schema/examples/
#   - negative cases: a document with a required field removed, a field of
#     the wrong type, a value outside an enum or an unknown field is refused,
#     and so is a schema keyword the validator does not know
# Needs PORTDEX and PD_SOURCE_ROOT (tests/meson.build); exits 77 without node
# or curl.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
for p in node curl; do
	if ! command -v $p >/dev/null; then
		echo "SKIP: $p is not installed" >&2
		exit 77
	fi
done
tmp=$(mktemp -d)
spid=
trap '[ -z "$spid" ] || kill -9 "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT

export XDG_DATA_HOME=$tmp/data HOME=$tmp/home NO_COLOR=1
unset PORTDEX_REGISTRY
mkdir -p "$HOME" "$XDG_DATA_HOME"
. "$src/tests/lib.sh"

schemas=$src/doc/schema
validate() { node "$src/tests/schema-validate.js" "$@"; }

# valid NAME WHAT FILE: FILE is valid against doc/schema/NAME.schema.json
valid() {
	local v
	if v=$(validate "$schemas/$1.schema.json" "$3" 2>&1); then ok; else ko "$2 against $1.schema.json: $v"; fi
}

# doc NAME RC ARGS...: portdex ARGS exits RC (any: whatever it is) and
# prints a valid NAME document
doc() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$want" != any ] && [ "$rc" -ne "$want" ]; then
		ko "portdex $* exited $rc, want $want: $err"
		return
	fi
	cp "$tmp/out" "$tmp/doc.json"
	valid "$name" "portdex $*" "$tmp/doc.json"
}

# invalid NAME WHAT JS: the example NAME changed by JS (a statement over d)
# must be refused, naming the field
invalid() {
	local name=$1 what=$2 v
	node -e 'const fs = require("fs"); let d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
		eval(process.argv[2]); process.stdout.write(JSON.stringify(d))' \
		"$schemas/examples/$name.json" "$3" >"$tmp/bad.json" || { ko "$what: cannot make the document"; return; }
	if v=$(validate "$schemas/$name.schema.json" "$tmp/bad.json" 2>&1); then
		ko "$what: accepted"
	elif [ -z "$v" ]; then
		ko "$what: refused without saying why"
	else
		ok
	fi
}

# ---- the commands ----
doc port 0 926 --json
doc port 0 926/udp --json
doc port 0 22 80 443 --json
doc port 0 ssh --json
doc port 0 --registry "$src/tests/data/iana-sample.xml" 22 --json
doc page 0 page 926 --format json
doc page 0 page 22 --format json
doc list 0 list --range 0-1100 --json
doc list 0 list --range user --status assigned --transport udp --json
doc gaps 0 gaps --json
doc gaps 0 gaps --range 900-1000 --limit 3 --json
doc stats 0 stats --json
doc stats 0 --registry "$src/tests/data/iana-sample.csv" stats --json
doc search 0 search ssh --json
doc search 0 search remote login --limit 50 --json
doc search 1 search zzzznothing --json
doc search 0 search rdp --json
doc search 0 search --like sql --limit 100 --json
doc search 0 search htpt --json
doc services 0 services --json
doc check any check 20831 --json  # good or acceptable, as this host has it
doc check 11 check 926 --json
doc check 11 check 22 8080 60000/udp --json
doc suggest 0 suggest --json
doc suggest 0 suggest myapp --count 5 --transport both --range 20000-30000 --json
doc version 0 --version --json
doc diff 0 diff --json "$src/tests/data/diff/old.csv" "$src/tests/data/diff/new.csv"
doc diff 0 diff --json "$src/tests/data/diff/new.csv" "$src/tests/data/diff/old.csv"
doc diff 0 --registry "$src/tests/data/diff/old.csv" update --from "$src/tests/data/diff/new.csv" --json
# listening: a listener of our own, so that there is a socket with an owner
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$tmp/lport" 2>/dev/null &
lpid=$!
for _ in $(seq 100); do [ -s "$tmp/lport" ] && break; sleep 0.05; done
lport=$(cat "$tmp/lport")
doc listening 0 listening --json
doc listening 0 who "$lport" --json
if grep -q "\"pid\":$lpid," "$tmp/doc.json"; then ok; else ko "who $lport --json does not name pid $lpid"; fi
doc port 0 "$lport" --json

# ---- the server ----
# (with --host-facts: /api/v1/listening exists only on a server that may tell
# about its host)
serve_start --host-facts --db "$tmp/fb.db"
if [ -z "$port" ]; then
	ko "portdex serve did not start: $(head -c 300 "$tmp/serve.log")"
else
	for q in ports/926 ports/22 ports/0 ports/65535; do
		if curl -sf -m 30 -o "$tmp/api.json" "http://127.0.0.1:$port/api/v1/$q"; then
			valid page "/api/v1/$q" "$tmp/api.json"
		else
			ko "/api/v1/$q failed"
		fi
	done
	if curl -sf -m 30 -o "$tmp/api.json" "http://127.0.0.1:$port/api/v1/listening"; then
		valid listening "/api/v1/listening" "$tmp/api.json"
	else
		ko "/api/v1/listening failed"
	fi
	for q in 'q=ssh' 'q=http&limit=100' 'q=zzzznothing'; do
		if curl -sf -m 30 -o "$tmp/api.json" "http://127.0.0.1:$port/api/v1/search?$q"; then
			valid search "/api/v1/search?$q" "$tmp/api.json"
		else
			ko "/api/v1/search?$q failed"
		fi
	done
	# an API error: the error document, its status the answer's
	for q in 'GET 400 api/v1/ports/70000' 'GET 404 api/v1/nothing' 'GET 404 api/' 'POST 405 api/v1/ports/80'; do
		set -- $q
		code=$(curl -s -m 30 -X "$1" -o "$tmp/api.json" -w '%{http_code}' "http://127.0.0.1:$port/$3")
		if [ "$code" != "$2" ]; then
			ko "$1 /$3 answered $code, want $2"
			continue
		fi
		valid error "$1 /$3" "$tmp/api.json"
		if node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			process.exit(d.status === Number(process.argv[2]) ? 0 : 1)' "$tmp/api.json" "$2"; then
			ok
		else
			ko "$1 /$3: the document's status is not $2: $(head -c 200 "$tmp/api.json")"
		fi
	done
fi
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null

# ---- the examples, and that every schema has one ----
for s in "$schemas"/*.schema.json; do
	name=$(basename "$s" .schema.json)
	[ "$name" = common ] && continue
	if [ -f "$schemas/examples/$name.json" ]; then
		valid "$name" "doc/schema/examples/$name.json" "$schemas/examples/$name.json"
	else
		ko "doc/schema/$name.schema.json has no example"
	fi
done

# ---- what must be refused ----
invalid port "port without transports.tcp.services" 'delete d.transports.tcp.services'
invalid port "port as a string" 'd.port = String(d.port)'
invalid port "port with an unknown field" 'd.extra = 1'
invalid port "a status outside the enum" 'd.transports.udp.status = "free"'
invalid port "an array of ports, one without range" 'd = [d, Object.assign({}, d)]; delete d[1].range'
invalid page "page without faq" 'delete d.faq'
invalid list "list row with services a string" 'd[0].services = "ftp-data"'
invalid gaps "gap with a fractional size" 'd[0].size = 1.5'
invalid stats "stats without classes.user" 'delete d.classes.user'
invalid search "search result without first" 'delete d.results[0].first'
invalid search "search result without why" 'delete d.results[0].why'
invalid search "search result of an unknown match" 'd.results[0].match = "fuzzy"'
invalid search "search with a frequency above 1" 'd.results[0].frequency = 2'
invalid services "services row with a port above 65535" 'd[0].port = 65536'
invalid check "check with reasons an object" 'd.reasons = {}'
invalid suggest "suggest with hold a string" 'd.hold = "60"'
invalid diff "diff change of an unknown kind" 'd.changes[0].kind = "bogus"'
invalid diff "diff without counts" 'delete d.counts'
invalid error "error without status" 'delete d.status'
invalid error "error with a status below 400" 'd.status = 200'
invalid error "error with an unknown field" 'd.detail = "x"'
invalid listening "listening owner without unit" 'delete d.sockets[0].owners[0].unit'
invalid listening "listening container of an unknown engine" 'd.sockets[0].owners[0].container.engine = "lxc"'
invalid version "version without registry.updated" 'delete d.registry.updated'
invalid version "version null" 'd.version = null'
printf '{"type":"object","patternProperties":{}}' >"$tmp/odd.schema.json"
if validate "$tmp/odd.schema.json" "$schemas/examples/version.json" >/dev/null 2>&1; then
	ko "a schema keyword the validator does not know is accepted"
else
	ok
fi

echo "schema: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
