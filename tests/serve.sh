#!/bin/bash
# serve.sh: `portdex serve` on loopback, driven with curl:
#   - every route: status, content type, charset
#   - HTTP: 400, 404, 405 with Allow, 413, 414/431, 415, 429 with Retry-After;
#     strong ETag and If-None-Match (304); gzip with Vary; HEAD; Cache-Control
#   - limits: a slow client is cut off after the idle timeout while other
#     requests are served
#   - reload: `portdex update` and SIGHUP while pages are requested: every
#     page is whole and comes from the old or the new registry
#   - the lookup path does not load libmicrohttpd, SQLite, libpq or zlib
#   - feedback (parts feedback, on SQLite, and feedback-pg, the same on a
#     PostgreSQL started for the test, tests/pg.sh): form POST (303) and
#     JSON, one vote per reader per page, reasons and comments, counts,
#     escaping, bad forms, Origin and Referer, the per-address limit and
#     the overall cap, --publish-comments, `portdex feedback`; durability:
#     votes sent by 8 parallel clients, the server killed with SIGKILL
#     midway and restarted on the same database: every acknowledged vote is
#     there; the database deleted, replaced or unreachable under the server
# Environment (from tests/meson.build): PORTDEX, PD_SHARED. Loops and waits
# are bounded; servers (and PostgreSQL) are stopped in the EXIT trap.
# One part per run: main (default: all but these), reload (exit 77
# without the official registry in PD_SHARED), ipv6 (exit 77 without an
# IPv6 loopback), feedback, feedback-pg (exit 77 without PostgreSQL or
# root), host (public by default: no fact of this host on any page, API or
# metric, the export's verdicts; --host-facts), http (requests a proxy
# could read otherwise, as raw bytes: tests/serve-http.py); Meson runs
# each as a test.
set -u
part=${1:-main}
case $part in
main|reload|ipv6|feedback|feedback-pg|host|http) ;;
*) echo "usage: serve.sh [main|reload|ipv6|feedback|feedback-pg|host|http]" >&2; exit 2 ;;
esac
xml=${PD_SHARED:-}/iana/service-names-port-numbers.xml
if [ "$part" = reload ] && { [ -z "${PD_SHARED:-}" ] || [ ! -f "$xml" ]; }; then
	echo "SKIP: reload under load needs the official registry in PD_SHARED (../shared/iana/)" >&2
	exit 77
fi
if [ "$part" = ipv6 ] && ! grep -qs ' lo$' /proc/net/if_inet6; then  # (a /proc file's size is 0)
	echo "SKIP: no IPv6 loopback" >&2
	exit 77
fi
PORTDEX=${PORTDEX:?PORTDEX must name the portdex binary}
tmp=$(mktemp -d)
pids=()
. "${PD_SOURCE_ROOT:?}/tests/pg.sh"
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	pg_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
if [ "$part" = feedback-pg ]; then
	pg_start "$tmp/pg"
	rc=$?
	[ "$rc" = 0 ] || exit "$rc"
fi

export HOME=$tmp XDG_DATA_HOME=$tmp/xdg NO_COLOR=1
unset PORTDEX_REGISTRY PORTDEX_SERVE_TIMEOUT PORTDEX_VOTE_LIMIT PORTDEX_SERVE_CACHE_TTL
mkdir -p "$XDG_DATA_HOME"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# is WHAT GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
# like WHAT GOT PATTERN (bash glob)
like() { if [[ $2 == $3 ]]; then ok "$1"; else bad "$1: got '${2:0:200}', want $3"; fi; }

# start NAME [ENV=VALUE...] -- [serve options]: sets SPID, PORT, B
start() {
	local name=$1 log
	shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	log=$tmp/$name.log
	env "${envs[@]}" "$PORTDEX" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
	SPID=$!
	pids+=("$SPID")
	for _ in $(seq 200); do
		grep -q "serving on" "$log" 2>/dev/null && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	PORT=$(sed -n 's|^portdex: serving on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$log")
	if [ -z "$PORT" ]; then
		cat "$log" >&2
		bad "server $name started"
		exit 1
	fi
	B=http://127.0.0.1:$PORT
}

# stop: SIGTERM, and the server must exit 0 (under ASan: no leaks)
stop() {
	local rc=0
	kill -TERM "$SPID"
	wait "$SPID" || rc=$?
	is "server stops cleanly on SIGTERM" "$rc" 0
}

code() { curl -s -o /dev/null -m 30 -w '%{http_code}' "$@"; }
ctype() { curl -s -o /dev/null -m 30 -w '%{content_type}' "$@"; }
# headers of a response, CRs removed, names lower-cased
heads() { curl -s -m 30 -D - -o /dev/null "$@" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/'; }
hdr() { local h=$1; shift; heads "$@" | sed -n "s/^$h: //p" | head -1; }

if [ "$part" = main ]; then
# ---- the lookup path ----
libs=$(LD_TRACE_LOADED_OBJECTS=1 "$PORTDEX" 2>&1 || true)
if [[ $libs == *microhttpd* || $libs == *sqlite* || $libs == *libz.so* || $libs == *libpq* ]]; then
	bad "portdex does not load libmicrohttpd, SQLite, libpq or zlib: $libs"
else
	ok "portdex does not load libmicrohttpd, SQLite, libpq or zlib"
fi

# ---- usage ----
"$PORTDEX" serve --listen 127.0.0.1:70000 2>"$tmp/err" >/dev/null
is "a bad --listen is a usage error" "$?" 2
like "it is quoted" "$(cat "$tmp/err")" "portdex: '127.0.0.1:70000' is not an address*"
"$PORTDEX" serve --listen ::1:80 2>/dev/null >/dev/null
is "IPv6 needs brackets" "$?" 2
"$PORTDEX" serve extra 2>/dev/null >/dev/null
is "serve takes no arguments" "$?" 2
"$PORTDEX" serve --top 3 2>/dev/null >/dev/null
is "serve does not take --top" "$?" 2
"$PORTDEX" feedback --top 0 2>/dev/null >/dev/null
is "feedback --top 0 is a usage error" "$?" 2
"$PORTDEX" feedback --db "$tmp/none.db" 2>/dev/null >/dev/null
is "feedback without a database: nothing found" "$?" 1
(cd "$tmp" && "$PORTDEX" serve --listen 127.0.0.1:0 --db mysql://db/x 2>"$tmp/err" >/dev/null)
is "a --db URI of another database is a usage error" "$?" 2
like "it says so" "$(cat "$tmp/err")" "portdex: cannot open the feedback database 'mysql://db/x': not a file name or a postgresql:// URI"
is "and makes no directory of it" "$(ls -d "$tmp/mysql:" 2>/dev/null)" ""
# the vote limits and the public address from the environment: a bad value
# stops the server before it listens, with one line naming the variable
for v in PORTDEX_VOTES_PER_MINUTE=abc PORTDEX_VOTES_PER_MINUTE=-1 PORTDEX_VOTES_PER_MINUTE=99999999999 \
	PORTDEX_PUBLIC_URL=ftp://x; do
	env "$v" "$PORTDEX" serve --listen 127.0.0.1:0 --db "$tmp/env.db" 2>"$tmp/err" >/dev/null
	is "$v is a usage error" "$?" 2
	like "$v: one line naming it" "$(cat "$tmp/err")" "portdex: ${v%%=*}='${v#*=}' is not *"
	is "$v: one line" "$(wc -l <"$tmp/err")" 1
done
(cd "$tmp" && "$PORTDEX" feedback --db postgres://nobody@127.0.0.1:1/x 2>"$tmp/err" >/dev/null)
is "portdex feedback on a PostgreSQL it cannot reach" "$?" 3
like "it says so" "$(cat "$tmp/err")" "portdex: cannot read the feedback database 'postgres://nobody@127.0.0.1:1/x': cannot connect: *"
is "and makes no directory of it" "$(ls -d "$tmp/postgres:" 2>/dev/null)" ""

# ---- routes ----
start main
for r in / /port/80 /port/926 /port/0 /port/65535 /ranges/system /ranges/user /ranges/dynamic /blocks /common \
	'/search?q=remote+desktop' /search; do
	is "GET $r" "$(code "$B$r")" 200
	is "GET $r is HTML" "$(ctype "$B$r")" "text/html; charset=utf-8"
done
page=$(curl -s "$B/port/926")
like "a port page is a whole page" "$page" "<!doctype html>*Port 926*</html>"
# every HTML page, the library's and the server's own (search, errors), has
# the site's frame around one <main>, with its own title
html_ok() { # WHAT URL TITLE
	curl -s "$2" >"$tmp/page.html"
	is "$1: one <main> in the site's frame" "$(python3 "${PD_SOURCE_ROOT:?}/tests/html-structure.py" "$tmp/page.html" "$3")" ok
}
curl -s "$B/port/926" >"$tmp/page.html"
python3 -c 'import sys; sys.exit(open(sys.argv[2]).read() not in open(sys.argv[1]).read())' "$tmp/page.html" \
	"$PD_SOURCE_ROOT/data/site/feedback.js"
is "the feedback form's script is data/site/feedback.js" "$?" 0
html_ok "the home page" "$B/" "*"
html_ok "a port page" "$B/port/926" "*"
html_ok "the search form" "$B/search" Search
html_ok "search results" "$B/search?q=remote+desktop" Search
html_ok "a 404 page" "$B/nope" "Not found"
html_ok "a 400 page" "$B/port/70000" "Bad request"
like "a port page says which registry" "$page" "*Registry: *"
is "/search?q=ssh redirects" "$(code "$B/search?q=ssh")" 302
is "to ssh's port" "$(hdr location "$B/search?q=ssh")" /port/22
is "/search?q=926 redirects to the port" "$(hdr location "$B/search?q=926")" /port/926
is "/search?q=%38%30 (80, escaped)" "$(hdr location "$B/search?q=%38%30")" /port/80
like "search results list ports" "$(curl -s "$B/search?q=remote+desktop")" "*<a href=\"/port/*"
like "search terms are escaped" "$(curl -s "$B/search?q=%3Cb%3Ex")" "*Search: &lt;b&gt;x*"
is "GET /maps/0.svg" "$(code "$B/maps/0.svg")" 200
is "a map is SVG" "$(ctype "$B/maps/0.svg")" "image/svg+xml; charset=utf-8"
like "a map is an SVG document" "$(curl -s "$B/maps/63.svg" | head -c 200)" "*<svg*"
like "the port page shows the shared map" "$page" "*<object data=\"/maps/0.svg\"*"
like "each cell of a map links to its port" "$(curl -s "$B/maps/0.svg")" "*<a href=\"../port/926\" target=\"_top\" tabindex=\"-1\"><title>926: unassigned</title>*"
is "GET /blocks/916, a block's page" "$(code "$B/blocks/916")" 200
is "GET /blocks/917, no block begins there" "$(code "$B/blocks/917")" 404
like "a port's page links to its block" "$page" "*<a href=\"/blocks/916\">*"
is "GET /api/v1/ports/80" "$(code "$B/api/v1/ports/80")" 200
is "the port API is JSON" "$(ctype "$B/api/v1/ports/80")" "application/json; charset=utf-8"
curl -s "$B/api/v1/ports/80" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
is "the port API parses as JSON" "$?" 0
is "GET /api/v1/search?q=http" "$(code "$B/api/v1/search?q=http")" 200
json=$(curl -s "$B/api/v1/search?q=http&limit=3")
is "search API: results, at most limit" "$(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["query"], len(d["results"]) <= 3, "source" in d["registry"])')" "http True True"
is "search API without q" "$(code "$B/api/v1/search")" 400
is "search API errors are JSON" "$(ctype "$B/api/v1/search")" "application/json; charset=utf-8"
is "search API bad limit" "$(code "$B/api/v1/search?q=x&limit=1000")" 400
is "no /api/v1/listening on a public server" "$(code "$B/api/v1/listening")" 404
is "GET /healthz" "$(curl -s "$B/healthz")" ok
is "healthz is plain text" "$(ctype "$B/healthz")" "text/plain; charset=utf-8"
is "GET /metrics" "$(code "$B/metrics")" 200
is "metrics are Prometheus text" "$(ctype "$B/metrics")" "text/plain; version=0.0.4; charset=utf-8"
metrics=$(curl -s "$B/metrics")
like "metrics count requests by route and status" "$metrics" '*portdex_http_requests_total{route="port",code="200"} *'
like "metrics have latency histograms" "$metrics" '*portdex_http_request_duration_seconds_bucket{route="port",le="+Inf"} *'
if [[ $metrics == *portdex_listening* ]]; then bad "public metrics tell this host's sockets"
else ok "public metrics tell nothing of this host's sockets"; fi
if command -v promtool >/dev/null; then
	printf '%s\n' "$metrics" >"$tmp/metrics.prom"
	if promtool check metrics <"$tmp/metrics.prom" >"$tmp/promtool" 2>&1; then ok "promtool check metrics"
	else bad "promtool check metrics: $(head -c 300 "$tmp/promtool")"; fi
fi
# ---- errors ----
for r in /port/70000 /port/abc /port/-1 /port/080 /port/ /port/8%30x /maps/x.svg /api/v1/ports/65536 /api/v1/ports/1e3/feedback; do
	is "GET $r is a bad request" "$(code "$B$r")" 400
done
for r in /nope /port/80/x /ranges/other /maps/64.svg /maps/1.png /api/v1/nope /index.html /port; do
	is "GET $r is not found" "$(code "$B$r")" 404
done
is "404 pages are HTML" "$(ctype "$B/nope")" "text/html; charset=utf-8"
is "API errors are JSON" "$(ctype "$B/api/v1/ports/70000")" "application/json; charset=utf-8"
is "a bad %-escape" "$(code "$B/port/%ZZ")" 400
is "an escaped NUL" "$(code "$B/port/8%000")" 400
is "an escaped port is the port" "$(code "$B/port/%39%32%36")" 200
is "a bad escape in the query" "$(code "$B/search?q=%G1")" 400
is "a search that is not UTF-8" "$(code "$B/search?q=%FF")" 400
is "a search longer than 200 bytes" "$(code "$B/search?q=$(printf 'a%.0s' $(seq 201))")" 400
is "an address longer than 4 KiB" "$(code "$B/port/80?$(printf 'a%.0s' $(seq 5000))")" 414
like "headers over the memory limit" "$(code -H "X-Big: $(printf 'b%.0s' $(seq 20000))" "$B/healthz")" "4[0-9][0-9]"
raw=$(printf 'GET http://localhost/port/80 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
	timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; head -1 <&3" | tr -d '\r')
is "absolute-form targets" "$raw" "HTTP/1.1 200 OK"

# ---- methods ----
is "PUT /port/80" "$(code -X PUT "$B/port/80")" 405
is "405 says what is allowed" "$(hdr allow -X DELETE "$B/port/80")" "GET, HEAD"
is "POST to a page" "$(code -d vote=yes "$B/port/80")" 405
is "GET of the feedback address" "$(code "$B/port/80/feedback")" 405
is "it allows POST only" "$(hdr allow "$B/port/80/feedback")" POST
is "unknown paths are 404 whatever the method" "$(code -X PUT "$B/nope")" 404

# ---- ETag, 304, gzip, HEAD, caching ----
etag=$(hdr etag "$B/port/80")
like "ETags are strong and quoted" "$etag" '"[0-9a-f]*"'
is "If-None-Match with it: 304" "$(code -H "If-None-Match: $etag" "$B/port/80")" 304
is "a 304 has no body" "$(curl -s -H "If-None-Match: $etag" "$B/port/80" | wc -c)" 0
is "If-None-Match in a list, weak" "$(code -H "If-None-Match: \"x\", W/$etag" "$B/port/80")" 304
is "If-None-Match: *" "$(code -H "If-None-Match: *" "$B/port/80")" 304
is "another ETag: 200" "$(code -H 'If-None-Match: "0000"' "$B/port/80")" 200
is "another page has another ETag" "$([ "$(hdr etag "$B/port/81")" != "$etag" ] && echo yes)" yes
is "the same page keeps its ETag" "$(hdr etag "$B/port/80")" "$etag"
is "gzip when asked" "$(hdr content-encoding -H 'Accept-Encoding: gzip, deflate' "$B/port/80")" gzip
is "Vary: Accept-Encoding" "$(hdr vary "$B/port/80")" Accept-Encoding
curl -s -H 'Accept-Encoding: gzip' "$B/port/80" | gunzip >"$tmp/gz.html" 2>/dev/null
curl -s "$B/port/80" >"$tmp/plain.html"
cmp -s "$tmp/gz.html" "$tmp/plain.html"
is "the gzip body is the page" "$?" 0
gzetag=$(hdr etag -H 'Accept-Encoding: gzip' "$B/port/80")
is "the gzip representation has its own ETag" "$([ "$gzetag" != "$etag" ] && echo yes)" yes
is "If-None-Match with the gzip ETag" "$(code -H 'Accept-Encoding: gzip' -H "If-None-Match: $gzetag" "$B/port/80")" 304
is "gzip;q=0 is refused" "$(hdr content-encoding -H 'Accept-Encoding: gzip;q=0, identity' "$B/port/80")" ""
is "*;q=1 takes gzip" "$(hdr content-encoding -H 'Accept-Encoding: *' "$B/port/80")" gzip
is "maps come gzipped too" "$(hdr content-encoding -H 'Accept-Encoding: gzip' "$B/maps/1.svg")" gzip
is "JSON comes gzipped too" "$(hdr content-encoding -H 'Accept-Encoding: gzip' "$B/api/v1/ports/80")" gzip
is "HEAD: 200" "$(code -I "$B/port/80")" 200
is "HEAD: no body" "$(curl -s -I "$B/port/80" -o /dev/null -w '%{size_download}')" 0
is "HEAD: the length of the GET" "$(hdr content-length -I "$B/port/80")" "$(wc -c <"$tmp/plain.html" | tr -d ' ')"
is "HEAD: the ETag of the GET" "$(hdr etag -I "$B/port/80")" "$etag"
is "pages are revalidated" "$(hdr cache-control "$B/port/80")" no-cache
is "metrics are not stored" "$(hdr cache-control "$B/metrics")" no-store
like "maps are cached" "$(hdr cache-control "$B/maps/0.svg")" "public, max-age=*"
like "HTML has a content security policy" "$(hdr content-security-policy "$B/")" "default-src 'none'*"
is "nosniff" "$(hdr x-content-type-options "$B/healthz")" nosniff
is "keep-alive: two requests, one connection" \
	"$(curl -s -v "$B/healthz" "$B/healthz" 2>&1 | grep -c 'Re-using existing connection')" 1

stop

# ---- limits: a slow client ----
start slow PORTDEX_SERVE_TIMEOUT=2
t0=$(date +%s%N)
(
	exec 3<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET / HTTP/1.1\r\nHost: x\r\n' >&3  # never finished
	timeout 15 cat <&3 >/dev/null
	echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$tmp/slow.ms"
) &
slow=$!
sleep 0.3
fast=0
for i in $(seq 5); do
	[ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "$B/port/$i")" = 200 ] && fast=$((fast + 1))
done
is "other requests are served while a slow client waits" "$fast" 5
wait "$slow"
ms=$(cat "$tmp/slow.ms" 2>/dev/null || echo none)
if [[ $ms =~ ^[0-9]+$ ]] && [ "$ms" -ge 1500 ] && [ "$ms" -le 8000 ]; then
	ok "the slow client is cut off after the 2 s timeout (${ms} ms)"
else
	bad "the slow client is cut off after the 2 s timeout (${ms} ms)"
fi
stop

# ---- a hostile registry (tests/data/hostile.csv, under a hostile file
# name): pages, the API, the metrics and the log show its control
# characters escaped ----
hostile=$tmp/$'reg\e[31m\xe2\x80\xae.csv'
cp "${PD_SOURCE_ROOT:?}/tests/data/hostile.csv" "$hostile"
start hostile -- --registry "$hostile" --db "$tmp/hostile.db"
no_raw() { # no_raw WHAT FILE...
	local what=$1 raw
	shift
	if raw=$(python3 "$PD_SOURCE_ROOT/tests/no-raw-controls.py" "$@"); then ok "$what"; else bad "$what: $raw"; fi
}
for path in port/4440 port/4441 api/v1/ports/4440 metrics "" common; do
	curl -s -m 30 "$B/$path" >"$tmp/hostile.out"
	no_raw "hostile registry: /$path" "$tmp/hostile.out"
	case $path in
	port/4440) want='<code>evil\x1b[31m</code>: Red \x1b]0;pwned\x07 title \u202egpj.exe\u202c' ;;
	api/*) want='"name":"evil\u001b[31m"' ;;
	metrics) want='portdex_registry_info{source="IANA CSV reg\\x1b[31m\\u202e.csv"' ;;
	*) want= ;;
	esac
	if [ -z "$want" ] || grep -qF "$want" "$tmp/hostile.out"; then ok "hostile registry: /$path escaped"; else
		bad "hostile registry: /$path has no '$want'"; fi
done
stop
no_raw "hostile registry: the server's messages" "$tmp/hostile.log"
grep -qF "registry: IANA CSV reg\\x1b[31m\\u202e.csv" "$tmp/hostile.log" && ok "the log names the file escaped" ||
	bad "the log names the file escaped: $(cat -v "$tmp/hostile.log")"

fi # main

# ---- feedback, on SQLite (part feedback) or PostgreSQL (feedback-pg) ----
if [ "$part" = feedback ] || [ "$part" = feedback-pg ]; then
# newdb NAME: an empty database for one server, in DB
if [ "$part" = feedback-pg ]; then
	newdb() { pg_newdb "$1" || { bad "createdb $1"; exit 1; }; DB=$PG_NEW; }
else
	newdb() { DB=$tmp/$1.db; }
fi
# vote FROM [curl options...] URL: the status of a POST from 127.0.0.FROM
vote() { local from=$1; shift; code --interface "127.0.0.$from" -H 'Accept: application/json' "$@"; }
votes_json() { curl -s "$B/api/v1/ports/$1/feedback"; }
pyget() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

newdb fb
start feedback -- --db "$DB"
if [ "$part" = feedback-pg ]; then
	like "the log names PostgreSQL" "$(cat "$tmp/feedback.log")" "*feedback in PostgreSQL postgresql:///fb?host=*"
else
	like "the log names SQLite" "$(cat "$tmp/feedback.log")" "*feedback in SQLite $DB;*"
fi
fb=$B/port/926/feedback
is "vote by form: 303" "$(code --interface 127.0.0.2 -d 'vote=yes&comment=useful' "$fb")" 303
is "back to the page, with thanks" "$(hdr location --interface 127.0.0.3 -d 'vote=yes' "$fb")" "/port/926?feedback=thanks#feedback"
thanks=$(curl -s "$B/port/926?feedback=thanks")
like "the page then thanks" "$thanks" "*Thank you for your feedback.*"
like "and asks why, the second form open" "$thanks" '*<form class="why" method="post" action="/port/926/feedback"><fieldset>*'
like "with the reasons" "$thanks" '*value="outdated"> Out of date*value="wrong"> Wrong*value="missing"> Missing something*value="hard-to-read"> Hard to read*'
like "a page without thanks has the second form hidden" "$(curl -s "$B/port/926")" '*<form class="why" method="post" action="/port/926/feedback" hidden>*'
like "the page says comments stay with the maintainers" "$thanks" '*Comments are read by the maintainers only.*'
is "vote by JSON: 200" "$(vote 4 -d 'vote=no' "$fb")" 200
is "the JSON answer has the counts" "$(curl -s --interface 127.0.0.5 -H 'Accept: application/json' -d 'vote=no' "$fb")" '{"yes":2,"no":2}'
like "the page shows the counts" "$(curl -s "$B/port/926")" '*<span class="yes">2</span> found it helpful, <span class="no">2</span>*'

# one vote per reader per page: a later vote replaces the earlier one
is "a reader's second vote on a page replaces the first" "$(curl -s --interface 127.0.0.5 -H 'Accept: application/json' -d 'vote=yes' "$fb")" '{"yes":3,"no":1}'
is "and a third" "$(curl -s --interface 127.0.0.5 -H 'Accept: application/json' -d 'vote=no' "$fb")" '{"yes":2,"no":2}'
is "the same reader on another page is another vote" "$(curl -s --interface 127.0.0.5 -H 'Accept: application/json' -d 'vote=no' "$B/port/927/feedback")" '{"yes":0,"no":1}'

# why: a reason and a comment for the reader's vote
is "a reason and a comment after the vote" "$(vote 5 --data-urlencode reason=outdated --data-urlencode 'comment=<script>alert(1)</script> & "quotes"' "$fb")" 200
is "they do not change the counts" "$(votes_json 926 | pyget 'd["yes"], d["no"]')" "2 2"
is "a reason without a vote today is refused" "$(vote 6 -d reason=wrong "$fb")" 400
like "it says why" "$(curl -s --interface 127.0.0.6 -d reason=wrong "$fb")" "*vote first*"
is "without JavaScript the reason leads back with thanks" "$(hdr location --interface 127.0.0.4 -d 'reason=wrong' "$fb")" "/port/926?feedback=why#feedback"
like "the page then thanks for the why" "$(curl -s "$B/port/926?feedback=why")" "*Thank you for telling us why.*"
is "a reason that is not one of the four" "$(vote 4 -d reason=ugly "$fb")" 400
is "two reasons" "$(vote 4 -d 'reason=wrong&reason=missing' "$fb")" 400
is "a form with nothing in it" "$(vote 4 -d 'other=1' "$fb")" 400

# comments are published only with --publish-comments
api=$(votes_json 926)
is "counts at /api/v1/ports/N/feedback" "$(printf '%s' "$api" | pyget 'd["port"], d["yes"], d["no"]')" "926 2 2"
is "comments are not published by default" "$(printf '%s' "$api" | pyget 'd["comments_published"], d["comments"]')" "False []"
if [[ $(curl -s "$B/port/926") == *"<script>alert(1)"* ]]; then
	bad "a comment never reaches a page unescaped"
else
	ok "a comment never reaches a page unescaped"
fi
is "feedback API of another port" "$(votes_json 928)" '{"port":928,"yes":0,"no":0,"comments_published":false,"comments":[]}'
is "feedback API is not cached" "$(hdr cache-control "$B/api/v1/ports/928/feedback")" no-store
long=$(printf 'é%.0s' $(seq 500))
is "a comment of 500 characters (1000 bytes)" "$(vote 7 --data-urlencode vote=yes --data-urlencode "comment=$long" "$fb")" 200
is "501 characters" "$(vote 7 --data-urlencode vote=yes --data-urlencode "comment=${long}x" "$fb")" 400
is "a vote that is not yes or no" "$(vote 7 -d 'vote=maybe' "$fb")" 400
is "two votes" "$(vote 7 -d 'vote=yes&vote=no' "$fb")" 400
is "a comment that is not UTF-8" "$(vote 7 -d 'vote=yes&comment=%C3%28' "$fb")" 400
is "a comment with control characters" "$(vote 7 -d 'vote=yes&comment=a%1Bb' "$fb")" 400
is "a bad escape in the form" "$(vote 7 -d 'vote=yes&comment=%Z' "$fb")" 400
is "a form that is not urlencoded" "$(vote 7 -H 'Content-Type: text/plain' -d 'vote=yes' "$fb")" 415
is "feedback on a bad port" "$(vote 7 -d 'vote=yes' "$B/port/70000/feedback")" 400
is "form errors in JSON when asked" "$(ctype --interface 127.0.0.7 -H 'Accept: application/json' -d 'vote=x' "$fb")" "application/json; charset=utf-8"
printf 'vote=yes&comment=' >"$tmp/big"
head -c 20000 /dev/zero | tr '\0' a >>"$tmp/big"
is "a body over 8 KiB (Content-Length)" "$(vote 8 --data-binary @"$tmp/big" "$fb")" 413
is "a body over 8 KiB (chunked)" "$(vote 8 -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big" "$fb")" 413
is "the server still serves" "$(code "$B/healthz")" 200

# Origin (or Referer): a form of another site is refused
is "a vote with this site's Origin" "$(vote 9 -H "Origin: http://127.0.0.1:$PORT" -d vote=yes "$B/port/929/feedback")" 200
is "a vote with another site's Origin: 403" "$(vote 9 -H 'Origin: https://evil.example' -d vote=yes "$B/port/929/feedback")" 403
like "it says why" "$(curl -s --interface 127.0.0.9 -H 'Origin: https://evil.example' -d vote=yes "$B/port/929/feedback")" "*only from this site*"
is "the same host on another port is another site" "$(vote 9 -H "Origin: http://127.0.0.1:1" -d vote=yes "$B/port/929/feedback")" 403
is "Origin: null is another site" "$(vote 9 -H 'Origin: null' -d vote=yes "$B/port/929/feedback")" 403
is "without Origin, another site's Referer: 403" "$(vote 9 -H 'Referer: https://evil.example/port/929' -d vote=yes "$B/port/929/feedback")" 403
is "without Origin, this site's Referer" "$(vote 9 -H "Referer: http://127.0.0.1:$PORT/port/929" -d vote=yes "$B/port/929/feedback")" 200
is "Origin decides over Referer" "$(vote 9 -H 'Origin: https://evil.example' -H "Referer: http://127.0.0.1:$PORT/port/929" -d vote=yes "$B/port/929/feedback")" 403
is "the refused votes were not counted" "$(votes_json 929 | pyget 'd["yes"]')" 1

# `portdex feedback`: pages, reasons and comments
if [ "$part" = feedback ]; then
	"$PORTDEX" feedback --top 5 --db "$DB" >"$tmp/fb.out" 2>"$tmp/fb.err"
	is "the database is WAL" "$(sqlite3 "$DB" 'PRAGMA journal_mode' 2>/dev/null || echo wal)" wal
else
	"$PORTDEX" feedback --top 5 --db "$DB" >"$tmp/fb.out" 2>"$tmp/fb.err"
fi
out=$(cat "$tmp/fb.out")
like "portdex feedback lists the page" "$out" "*  926     3     2        3  *"
like "with the reasons given" "$out" "*why: out of date 1, wrong 1*"
vote 13 -d vote=no "$B/port/931/feedback" >/dev/null
vote 13 -d 'reason=hard-to-read&comment=small+print' "$B/port/931/feedback" >/dev/null
like "and the latest reasons and comments" "$("$PORTDEX" feedback --top 1000 --db "$DB")" "*no (hard to read): small print*"
out=$("$PORTDEX" feedback --json --db "$DB")
is "portdex feedback --json" "$(printf '%s' "$out" | pyget 'd["pages"][0]["port"], d["pages"][0]["yes"], d["pages"][0]["no"], d["pages"][0]["comments"], d["pages"][0]["reasons"]["outdated"], d["pages"][0]["reasons"]["wrong"]')" "926 3 2 3 1 1"
# a comment may carry bidi and C1 controls: the report shows them escaped
is "a comment with bidi and C1 controls is taken" "$(vote 10 --data-urlencode vote=no \
	--data-urlencode $'comment=rtl \xe2\x80\xaeevil\xe2\x80\xac and \xc2\x85 next' "$B/port/930/feedback")" 200
"$PORTDEX" feedback --db "$DB" >"$tmp/fb.out" 2>"$tmp/fb.err"
if grep -qF 'no: rtl \u202eevil\u202c and \u0085 next' "$tmp/fb.out"; then
	ok "portdex feedback shows a comment's controls escaped"
else
	bad "portdex feedback shows a comment's controls escaped: $(grep -a 'rtl' "$tmp/fb.out")"
fi
if raw=$(python3 "${PD_SOURCE_ROOT:?}/tests/no-raw-controls.py" "$tmp/fb.out" "$tmp/fb.err"); then
	ok "portdex feedback: no raw control character"
else
	bad "portdex feedback: $raw"
fi

# rate limit: 10 votes a minute per address
codes=""
for i in $(seq 11); do
	codes+="$(vote 11 -d vote=yes "$B/port/$((1000 + i))/feedback") "
done
is "10 votes a minute from an address, then 429" "$codes" "200 200 200 200 200 200 200 200 200 200 429 "
like "429 says when to retry" "$(hdr retry-after --interface 127.0.0.11 -d vote=yes "$B/port/1000/feedback")" "[1-6]*"
is "other addresses may still vote" "$(code --interface 127.0.0.12 -d vote=yes "$B/port/1000/feedback")" 303
metrics=$(curl -s "$B/metrics")
like "metrics count 429s" "$metrics" '*portdex_http_requests_total{route="feedback",code="429"} 2*'
like "metrics count votes" "$metrics" '*portdex_feedback_votes_total{vote="yes"} 1[0-9]*'
stop

# the overall cap: votes a minute from everyone
newdb cap
start cap PORTDEX_VOTE_LIMIT=0 PORTDEX_VOTES_PER_MINUTE=5 -- --db "$DB"
codes=""
for i in $(seq 6); do codes+="$(vote $((20 + i)) -d vote=yes "$B/port/80/feedback") "; done
is "5 votes a minute from everyone, then 429" "$codes" "200 200 200 200 200 429 "
like "the overall 429 says when to retry" "$(hdr retry-after --interface 127.0.0.30 -d vote=yes "$B/port/80/feedback")" "[1-9]*"
like "and why" "$(curl -s --interface 127.0.0.31 -H 'Accept: application/json' -d vote=yes "$B/port/80/feedback")" "*from everyone*"
like "metrics count the overall cap" "$(curl -s "$B/metrics")" '*portdex_feedback_rate_limited_all_total 3*'
stop

# --publish-comments, and PORTDEX_PUBLIC_URL for the Origin check
newdb pub
start pub PORTDEX_PUBLIC_URL=https://ports.example -- --db "$DB" --publish-comments
is "a comment, to be published" "$(vote 2 --data-urlencode vote=no --data-urlencode 'comment=<b>old</b> & "stale"' --data-urlencode reason=outdated "$B/port/926/feedback")" 200
api=$(votes_json 926)
is "comments are published with --publish-comments" "$(printf '%s' "$api" | pyget 'd["comments_published"], d["comments"][0]["comment"], d["comments"][0]["reason"], d["comments"][0]["vote"]')" \
	'True <b>old</b> & "stale" outdated no'
like "the page says so by the form" "$(curl -s "$B/port/926")" '*Comments are published with the page*s votes at <code>/api/v1/ports/926/feedback</code>*'
is "a vote from the public address's pages" "$(vote 3 -H 'Origin: https://ports.example' -d vote=yes "$B/port/926/feedback")" 200
is "but not from http:// (another origin)" "$(vote 3 -H 'Origin: http://ports.example' -d vote=yes "$B/port/926/feedback")" 403
stop
PORTDEX_PUBLIC_URL=ftp://x "$PORTDEX" serve --listen 127.0.0.1:0 --db "$DB" >/dev/null 2>"$tmp/err"
is "a PORTDEX_PUBLIC_URL that is not http(s) is a usage error" "$?" 2
like "it is quoted" "$(cat "$tmp/err")" "portdex: PORTDEX_PUBLIC_URL='ftp://x' is not *"

# ---- migrations: a database of the first schema (one row per vote) ----
# sql NAME SQL: runs SQL in the database newdb NAME made
if [ "$part" = feedback-pg ]; then
	sql() { as_pg "$PG_BIN/psql" -h "$PG_DIR" -U postgres -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
else
	sql() { sqlite3 "$tmp/$1.db" "$2"; }
fi
if [ "$part" = feedback-pg ] || command -v sqlite3 >/dev/null; then
	newdb old
	sql old "CREATE TABLE feedback (id INTEGER PRIMARY KEY, port INTEGER NOT NULL, vote TEXT NOT NULL,
		comment TEXT, time TEXT NOT NULL, client TEXT NOT NULL);
		CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
		INSERT INTO meta VALUES ('client_key', '00112233445566778899aabbccddeeff');
		INSERT INTO feedback VALUES (1, 22, 'yes', NULL, '2026-11-01T10:00:00Z', 'aaaa');
		INSERT INTO feedback VALUES (2, 22, 'no', 'changed my mind', '2026-11-01T11:00:00Z', 'aaaa');
		INSERT INTO feedback VALUES (3, 22, 'yes', NULL, '2026-11-02T09:00:00Z', 'aaaa');
		INSERT INTO feedback VALUES (4, 22, 'yes', 'old comment', '2026-11-02T09:30:00Z', 'bbbb');" >/dev/null
	"$PORTDEX" feedback --db "$DB" >/dev/null 2>"$tmp/err"
	is "portdex feedback does not read a database of the first schema" "$?" 3
	like "it says how to migrate it" "$(cat "$tmp/err")" "*schema is version 0, this portdex reads version 2 (portdex serve on it migrates it)"
	start old -- --db "$DB"
	is "an old database is migrated: a client's last vote of a day counts" "$(votes_json 22 | pyget 'd["yes"], d["no"]')" "2 1"
	is "the schema is at version 2" "$(sql old 'SELECT version FROM schema_version')" 2
	is "the old rows and their comments are carried over" "$(sql old "SELECT count(*) FROM vote WHERE comment = 'changed my mind'")" 1
	is "the client key is kept" "$(sql old "SELECT value FROM meta WHERE key = 'client_key'")" 00112233445566778899aabbccddeeff
	is "it takes votes" "$(vote 2 -d vote=no "$B/port/22/feedback")" 200
	stop
	start old2 -- --db "$DB"
	is "a second start migrates nothing and keeps the votes" "$(votes_json 22 | pyget 'd["yes"], d["no"]')" "2 2"
	stop
	sql old "UPDATE schema_version SET version = 99" >/dev/null
	"$PORTDEX" serve --listen 127.0.0.1:0 --db "$DB" >/dev/null 2>"$tmp/err"
	is "a database of a newer schema is refused" "$?" 3
	like "it says so" "$(cat "$tmp/err")" "*schema is version 99, newer than this portdex's (2)*"
fi

# ---- durability: acknowledged votes survive SIGKILL ----
newdb durable
ddb=$DB
start durable PORTDEX_VOTE_LIMIT=0 PORTDEX_VOTES_PER_MINUTE=0 -- --db "$ddb"
mkdir -p "$tmp/votes"
# client k votes from 127.0.0.(40+k) on ports 7001..7150, one vote a
# page: every acknowledged vote is a row of its own
for k in $(seq 8); do
	(
		for i in $(seq 150); do
			c=$(curl -s -o /dev/null -m 5 -w '%{http_code}' --interface "127.0.0.$((40 + k))" -H 'Accept: application/json' \
				-d "vote=$([ $((i % 3)) = 0 ] && echo no || echo yes)&comment=client+$k+vote+$i" \
				"$B/port/$((7000 + i))/feedback")
			echo "$((7000 + i)) $c" >>"$tmp/votes/$k"
			[ "$c" = 000 ] && break # the server is gone
		done
	) &
done
# kill it once some votes are in, while the clients are still sending
for _ in $(seq 200); do
	[ "$(cat "$tmp"/votes/* 2>/dev/null | grep -c ' 200$')" -ge 40 ] && break
	sleep 0.05
done
kill -9 "$SPID"
wait "$SPID" 2>/dev/null
wait
acked=$(cat "$tmp"/votes/* | grep -c ' 200$')
sent=$(cat "$tmp"/votes/* | wc -l)
echo "# durability ($part): $acked of $sent votes acknowledged before SIGKILL"
[ "$acked" -ge 40 ] && ok "votes were acknowledged before the kill ($acked)" || bad "votes were acknowledged before the kill ($acked)"
start durable2 PORTDEX_VOTE_LIMIT=0 -- --db "$ddb"
"$PORTDEX" feedback --json --top 1000 --db "$ddb" >"$tmp/after.json"
missing=$(cat "$tmp"/votes/* | python3 -c '
import json, sys, collections
acked = collections.Counter(int(l.split()[0]) for l in sys.stdin if l.split()[1] == "200")
stored = {p["port"]: p["yes"] + p["no"] for p in json.load(open(sys.argv[1]))["pages"]}
print(sum(max(0, n - stored.get(port, 0)) for port, n in acked.items()))' "$tmp/after.json")
is "after SIGKILL and restart, every acknowledged vote is stored (missing)" "$missing" 0
stored=$(python3 -c 'import json,sys; print(sum(p["yes"] + p["no"] for p in json.load(open(sys.argv[1]))["pages"]))' "$tmp/after.json")
if [ "${stored:-0}" -ge "$acked" ] && [ "${stored:-0}" -le "$sent" ]; then
	ok "after SIGKILL and restart: $stored votes stored, $acked acknowledged, $sent sent"
else
	bad "after SIGKILL and restart: ${stored:-none} votes stored, $acked acknowledged, $sent sent"
fi
if [ "$part" = feedback ] && command -v sqlite3 >/dev/null; then
	is "it passes an integrity check" "$(sqlite3 "$ddb" 'PRAGMA integrity_check')" ok
fi
stop

# ---- the database deleted, replaced or gone under the server ----
newdb gone
start gone -- --db "$DB" --publish-comments
is "a vote before" "$(vote 2 -d vote=yes "$B/port/500/feedback")" 200
if [ "$part" = feedback ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	is "a vote after the database was deleted" "$(vote 3 -d vote=yes "$B/port/501/feedback")" 200
	like "it is logged" "$(cat "$tmp/gone.log")" "*the database '$DB' was deleted or replaced*opened anew*"
	is "the vote is in the database a restart opens" "$(sqlite3 "$DB" 'SELECT port, vote FROM vote')" "501|yes"
	# replaced: another database renamed over it
	sqlite3 "$DB" ".backup '$tmp/other.db'"
	sqlite3 "$tmp/other.db" "PRAGMA journal_mode=DELETE; INSERT INTO vote VALUES (600, 'x', 'no', NULL, NULL, '2026-01-01T00:00:00Z')" >/dev/null
	mv "$tmp/other.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	is "a vote after the database was replaced" "$(curl -s --interface 127.0.0.4 -H 'Accept: application/json' -d vote=yes "$B/port/600/feedback")" '{"yes":1,"no":1}'
	is "it is in the new file" "$(sqlite3 "$DB" 'SELECT count(*) FROM vote WHERE port = 600')" 2
	# gone and cannot be made again: 503, logged once, then back
	rm -f "$DB" "$DB-wal" "$DB-shm"
	mkdir "$DB"
	is "a vote while the database cannot be opened: 503" "$(vote 5 -d vote=yes "$B/port/502/feedback")" 503
	like "with Retry-After" "$(hdr retry-after --interface 127.0.0.6 -d vote=yes "$B/port/502/feedback")" "[0-9]*"
	like "it is logged" "$(cat "$tmp/gone.log")" "*votes cannot be stored in '$DB'*answering 503*"
	rmdir "$DB"
	is "once the path is free again, votes are stored" "$(vote 7 -d vote=yes "$B/port/503/feedback")" 200
	is "there" "$(sqlite3 "$DB" 'SELECT port FROM vote')" 503
else
	# the server's connection is cut: the writer connects anew
	pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'gone' AND pid <> pg_backend_pid()" >/dev/null
	is "the comments API after the connection was cut" "$(code "$B/api/v1/ports/500/feedback")" 200
	is "a vote after the connection was cut" "$(vote 3 -d vote=yes "$B/port/501/feedback")" 200
	like "it is logged" "$(cat "$tmp/gone.log")" "*connection lost*opened anew*"
	is "the vote is stored" "$("$PORTDEX" feedback --json --db "$DB" | pyget 'sorted(p["port"] for p in d["pages"])')" "[500, 501]"
fi
like "metrics count the reopenings" "$(curl -s "$B/metrics")" '*portdex_feedback_db_reopens_total [1-9]*'
stop

# ---- several servers on one PostgreSQL ----
if [ "$part" = feedback-pg ]; then
	newdb shared
	start one -- --db "$DB"
	B1=$B S1=$SPID
	start two -- --db "$DB"
	is "a vote through one server" "$(curl -s --interface 127.0.0.50 -H 'Accept: application/json' -d vote=yes "$B1/port/443/feedback")" '{"yes":1,"no":0}'
	is "the same reader through the other replaces it" "$(curl -s --interface 127.0.0.50 -H 'Accept: application/json' -d vote=no "$B/port/443/feedback")" '{"yes":0,"no":1}'
	is "another reader through the first counts both" "$(curl -s --interface 127.0.0.51 -H 'Accept: application/json' -d vote=no "$B1/port/443/feedback")" '{"yes":0,"no":2}'
	is "one row per reader" "$(sql shared 'SELECT count(*) FROM vote')" 2
	stop
	SPID=$S1
	stop
fi
fi # feedback

# ---- reload: update and SIGHUP under load ----
if [ "$part" = reload ]; then
	export XDG_DATA_HOME=$tmp/xdg-reload
	mkdir -p "$XDG_DATA_HOME"
	start reload PORTDEX_SERVE_CACHE_TTL=1
	old=$(curl -s "$B/port/926" | grep -o 'Registry: [^,]*' | head -1)
	like "the server starts on the compiled-in registry" "$old" "Registry: IANA XML service-names-port-numbers.xml ?compiled in?"
	mkdir -p "$tmp/pages"
	for k in $(seq 4); do
		(
			for i in $(seq 60); do
				p=$(( (k * 997 + i * 31) % 2000 ))
				curl -s -m 20 -o "$tmp/pages/$k-$i" -w '%{http_code}\n' "$B/port/$p" >>"$tmp/pages/codes"
			done
		) &
	done
	sleep 0.5
	"$PORTDEX" update --from "$xml" >/dev/null 2>"$tmp/update.err"
	is "portdex update during the load" "$?" 0
	kill -HUP "$SPID"
	wait_ok=0
	for _ in $(seq 100); do
		grep -q "registry reloaded (SIGHUP)" "$tmp/reload.log" && { wait_ok=1; break; }
		sleep 0.1
	done
	is "the server reloaded on SIGHUP" "$wait_ok" 1
	wait $(jobs -p | grep -v "^$SPID$") 2>/dev/null
	total=$(ls "$tmp/pages" | grep -vc codes)
	is "every page request answered 200" "$(sort -u "$tmp/pages/codes")" 200
	whole=0 olds=0 news=0 mixed=0
	for f in "$tmp"/pages/*-*; do
		tail -c 8 "$f" | grep -q '</html>' && whole=$((whole + 1))
		srcs=$(grep -o 'Registry: [^,]*' "$f" | sort -u)
		case $srcs in
		"Registry: IANA XML "*"(compiled in)") olds=$((olds + 1)) ;;
		"Registry: IANA XML service-names-port-numbers.xml") news=$((news + 1)) ;; # no directory: public
		*) mixed=$((mixed + 1)) ;;
		esac
	done
	echo "# reload: $total pages, $olds from the old registry, $news from the new one"
	is "every page is whole (ends with </html>)" "$whole" "$total"
	is "every page comes from one registry, old or new" "$mixed" 0
	like "after the reload, the new registry" "$(curl -s "$B/port/926" | grep -o 'Registry: [^,]*' | head -1)" "Registry: IANA XML *"
	grep -q "registry reloaded (registry file changed)" "$tmp/reload.log"
	is "the update was noticed without a signal too" "$?" 0
	like "metrics count reloads" "$(curl -s "$B/metrics")" "*portdex_registry_reloads_total [1-9]*"
	stop
fi

# ---- public by default, this host's facts on request ----
if [ "$part" = host ]; then
	# a process of this host listens on loopback only, on port LP
	python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(290)' >"$tmp/lp" &
	pids+=("$!")
	for _ in $(seq 100); do [ -s "$tmp/lp" ] && break; sleep 0.05; done
	LP=$(cat "$tmp/lp")
	# the registry from a file in a directory whose name must not show
	mkdir -p "$tmp/secret-dir"
	cp "${PD_SOURCE_ROOT:?}/tests/data/iana-sample.csv" "$tmp/secret-dir/reg.csv"

	start public -- --registry "$tmp/secret-dir/reg.csv"
	curl -s "$B/port/$LP" >"$tmp/pub.html"
	curl -s "$B/api/v1/ports/$LP" >"$tmp/pub.json"
	if grep -qi 'in use' "$tmp/pub.html"; then bad "a public page says port $LP is in use"; else ok "a public page says nothing of what listens"; fi
	is "the public port document has no host, listening or in-use facts" "$(python3 - "$tmp/pub.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [r["rule"] for r in d["verdict"]["reasons"]
       if r["topic"] == "in-use" or r["rule"] in ("listening", "not-listening", "bind-in-use", "bind-denied",
                                                  "bind-free", "unprivileged", "ephemeral", "not-ephemeral",
                                                  "local-reserved") or "here" in r["text"] or "this host" in r["text"]]
print(d["host"], d["listening"], bad)
PY
)" "None None []"
	is "no /api/v1/listening" "$(code "$B/api/v1/listening")" 404
	is "no /api/v1/listening: JSON error" "$(ctype "$B/api/v1/listening")" "application/json; charset=utf-8"
	metrics=$(curl -s "$B/metrics")
	if [[ $metrics == *portdex_listening* ]]; then bad "public metrics tell this host's sockets"; else ok "public metrics tell nothing of this host's sockets"; fi
	like "public metrics tell the registry" "$metrics" '*portdex_registry_info{source="IANA CSV reg.csv",*'
	leaks=
	for path in "" "port/$LP" "api/v1/ports/$LP" "search?q=remote" "api/v1/search?q=http" metrics common ranges/user blocks nope \
		"fr/port/$LP" "ms/search?q=remote" fr/nope; do
		curl -s "$B/$path" | grep -q "secret-dir" && leaks="$leaks /$path"
	done
	is "no page names the registry's directory" "$leaks" ""
	like "a page names the registry's file" "$(cat "$tmp/pub.html")" "*Registry: IANA CSV reg.csv,*"
	# the public verdict is the export's: the same port document, byte for byte
	"$PORTDEX" export --registry "$tmp/secret-dir/reg.csv" --out "$tmp/site" --lang en >/dev/null 2>"$tmp/export.err"
	is "export" "$?" 0
	if cmp -s "$tmp/pub.json" "$tmp/site/port/$LP.json"; then ok "the public port document is the export's"
	else bad "the public port document differs from the export's: $(diff <(tr , '\n' <"$tmp/pub.json") <(tr , '\n' <"$tmp/site/port/$LP.json") | head -5)"; fi
	verdict() { grep -o "portdex’s verdict is “[a-z]*”" "$1" | head -1; }
	like "the public page has a verdict" "$(verdict "$tmp/pub.html")" "portdex’s verdict is*"
	is "the same verdict as the export's page" "$(verdict "$tmp/pub.html")" "$(verdict "$tmp/site/port/$LP.html")"
	if grep -rq "secret-dir" "$tmp/site/index.html" "$tmp/site/port/$LP.html" "$tmp/site/port/$LP.json"; then
		bad "the export names the registry's directory"; else ok "the export names no directory either"; fi
	stop

	# --host-facts: what listens, the listening document, the host's metrics
	start hostfacts -- --host-facts
	like "with --host-facts the page says the port is in use" "$(curl -s "$B/port/$LP")" "*in use now*"
	is "with --host-facts the port document lists the socket" "$(curl -s "$B/api/v1/ports/$LP" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["host"] is not None, [(s["address"], s["port"]) for s in d["listening"]],
      sorted({r["rule"] for r in d["verdict"]["reasons"] if r["rule"] in ("listening", "bind-in-use")}))')" \
		"True [('127.0.0.1', $LP)] ['bind-in-use', 'listening']"
	lcode=$(code "$B/api/v1/listening")
	if [ "$lcode" = 200 ]; then
		is "the listening API is JSON" "$(ctype "$B/api/v1/listening")" "application/json; charset=utf-8"
		like "it lists this server's own socket" "$(curl -s "$B/api/v1/listening")" "*\"address\":\"127.0.0.1\",\"port\":$PORT,*"
		# the command's document and the API's are one serializer's: the
		# server's own socket is the same object in both
		curl -s "$B/api/v1/listening" >"$tmp/api.json"
		"$PORTDEX" listening "$PORT/tcp" --json >"$tmp/cli.json" 2>/dev/null
		is "the API's socket is the command's" "$(python3 - "$tmp/api.json" "$tmp/cli.json" "$PORT" <<'PY'
import json, sys
def mine(f):
    d = json.load(open(f))
    s = [s for s in d["sockets"] if s["transport"] == "tcp" and s["port"] == int(sys.argv[3]) and s["address"] == "127.0.0.1"]
    return d, s
a, sa = mine(sys.argv[1])
c, sc = mine(sys.argv[2])
print(len(sa) == 1 and sa == sc and sorted(a) == sorted(c) and a["registry"] == c["registry"])
PY
	)" True
	else
		like "GET /api/v1/listening: 200, or 501/503 where sockets cannot be listed" "$lcode" "50[13]"
	fi
	metrics=$(curl -s "$B/metrics")
	like "with --host-facts metrics list listening sockets" "$metrics" '*portdex_listening_scan_ok *'
	if [ "$lcode" = 200 ]; then
		like "metrics show this server's socket" "$metrics" "*portdex_listening_socket{transport=\"tcp\",family=\"ipv4\",address=\"127.0.0.1\",port=\"$PORT\"*"
		# the portdex_listening_sockets family is the command's: the same HELP
		# and TYPE, the same labels, and this server's socket counted in both
		printf '%s\n' "$metrics" | grep '^# .* portdex_listening_sockets ' >"$tmp/m.srv"
		"$PORTDEX" listening --format prometheus 2>/dev/null | grep '^# .* portdex_listening_sockets ' >"$tmp/m.cli"
		is "the sockets family's HELP and TYPE are the command's" "$(cat "$tmp/m.srv")" "$(cat "$tmp/m.cli")"
		like "the sockets family has HELP and TYPE" "$(cat "$tmp/m.srv")" "*TYPE portdex_listening_sockets gauge*"
		srvlabels=$(printf '%s\n' "$metrics" | sed -n 's/^portdex_listening_sockets{\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*"} [0-9]*$/\1 \2 \3 \4/p' | sort -u)
		clilabels=$("$PORTDEX" listening --format prometheus 2>/dev/null | sed -n 's/^portdex_listening_sockets{\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*",\([a-z]*\)="[^"]*"} [0-9]*$/\1 \2 \3 \4/p' | sort -u)
		is "the server's sockets labels" "$srvlabels" "transport family status netns"
		is "the command's sockets labels" "$clilabels" "transport family status netns"
	fi
	stop
fi

# ---- HTTP framing: smuggling, what does not fit (raw bytes on a socket) ----
if [ "$part" = http ]; then
	start http
	python3 "${PD_SOURCE_ROOT:?}/tests/serve-http.py" "$PORT" >"$tmp/http.out" 2>&1
	hrc=$?
	grep -v '^ok ' "$tmp/http.out" | grep -v '^1\.\.' >&2
	is "raw-socket framing checks ($(tail -1 "$tmp/http.out"))" "$hrc" 0
	is "the server is still up" "$(curl -s "$B/healthz")" ok
	stop
fi

# ---- IPv6 ----
if [ "$part" = ipv6 ]; then
	"$PORTDEX" serve --listen '[::1]:0' 2>"$tmp/v6.log" &
	SPID=$!
	pids+=("$SPID")
	for _ in $(seq 100); do grep -q "serving on" "$tmp/v6.log" && break; sleep 0.05; done
	p6=$(sed -n 's|^portdex: serving on http://\[::1\]:\([0-9]*\)/$|\1|p' "$tmp/v6.log")
	is "listens on [::1]" "$(curl -s -g "http://[::1]:$p6/healthz")" ok
	stop
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
