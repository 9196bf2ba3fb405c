#!/bin/bash
# search.sh: `portdex search` as a new user tries it:
#   - the targets: rdp gives 3389 first, "remote desktop" has 3389 in its
#     first three, jenkins 8080 and 50000, kubernetes 6443 and 10250,
#     minecraft 25565, tomcat 8080, postgres 5432
#   - every result says why it matched; --json has the reason; --like WORD;
#     a header on a terminal only
#   - bad input (empty, over-long, control characters, not UTF-8, no words,
#     words and --like together): one line on stderr, exit 2
#   - one ranking everywhere: the command, the server's /api/v1/search and
#     the static site's script (data/site/search.js under node) on the
#     site's index (pd_search_index, written by test_search --index) give
#     the same results in the same order for a set of queries
# Needs PORTDEX and PD_SOURCE_ROOT; the first argument is test_search (for
# the index). The API and script parts exit 77 without curl or node.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
test_search=${1:?usage: search.sh TEST_SEARCH}
tmp=$(mktemp -d)
spid=
trap '[ -z "$spid" ] || kill -9 "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home NO_COLOR=1
unset PORTDEX_REGISTRY
mkdir -p "$HOME" "$XDG_DATA_HOME"
. "$src/tests/lib.sh"

# ports WORDS...: the ports of the results, one per line
ports() { run search "$@"; printf '%s\n' "$out" | awk '{print $1}'; }
# first QUERY PORT: PORT is the first result
first() {
	local got
	got=$(ports $1 | head -1)
	[ "$got" = "$2" ] && ok || ko "search $1: first result $got, want $2"
}
# within QUERY N PORT: PORT is among the first N results
within() {
	ports $1 | head -"$2" | grep -qx "$3" && ok || ko "search $1: $3 not in the first $2: $(ports $1 | head -"$2" | tr '\n' ' ')"
}

# ---- the targets ----
first rdp 3389
first RDP 3389
within "remote desktop" 3 3389
first jenkins 8080
within jenkins 2 50000
first kubernetes 6443
within kubernetes 2 10250
first minecraft 25565
first tomcat 8080
first postgres 5432
first ssh 22
first http 80
first "secure shel" 22
within kerberso 1 88
within htpt 1 80

# ---- why each result matched ----
run search rdp
contains "$out" "RDP: Microsoft Remote Desktop (IANA: ms-wbt-server)" "search rdp says why"
[ "$(printf '%s\n' "$out" | head -1 | awk '{print $2}')" = tcp,udp ] && ok || ko "search rdp: transports: $out"
run search minecraft; contains "$out" "Minecraft Java Edition server (IANA: unassigned)" "a port IANA has not assigned"
run search remote desktop; contains "$out" "use: " "curated uses are searched"
run search wannacry; contains "$out" "malware: WannaCry" "curated malware is searched"
first wannacry 445
run search ssh --json
json_ok "search --json" 'j.results[0].first === 22 && j.results[0].match === "exact" && j.results[0].why.length > 0'
run search remote desktop --json
json_ok "search --json reasons" 'j.results.every(r => ["exact","words","use","near","like","malware"].includes(r.match) && r.why && ["products","iana","knowledge"].includes(r.from))'
run search rdp --json; json_ok "search --json product" 'j.results[0].term === "RDP" && j.results[0].name === "ms-wbt-server" && j.results[0].source.startsWith("https://")'
# a header on a terminal, none in a pipe
run search rdp
case $out in port*) ko "a header in a pipe" ;; *) ok ;; esac
if command -v script >/dev/null; then
	tty_out=$(script -qec "$PORTDEX search rdp --limit 1" /dev/null </dev/null | tr -d '\r')
	[ "$(printf '%s\n' "$tty_out" | head -1 | awk '{print $1, $2, $3}')" = "port transports why" ] && ok ||
		ko "no header on a terminal: $tty_out"
fi

# ---- --like ----
run search --like sql --limit 50
[ "$rc" -eq 0 ] && ok || ko "search --like sql: rc $rc"
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -gt 10 ] && ok || ko "search --like sql: $lines results"
contains "$out" "IANA: mysql-cluster" "--like: IANA names that contain the word"
contains "$out" "MySQL (IANA: mysql)" "--like: product names that contain the word"
run search --like sql --json --limit 50
json_ok "--like --json" 'j.like === true && j.results.every(r => r.match === "like" || r.match === "exact")'
run search --like mysql; first_line=$(printf '%s\n' "$out" | head -1)
case $first_line in 3306*) ok ;; *) ko "--like mysql: the exact name first: $first_line" ;; esac
expect_rc 1 search --like qqqzzzxxx

# ---- bad input: one line on stderr, exit 2 ----
long=$(printf 'a%.0s' {1..201})
fails 2 search ''
fails 2 search '   '
fails 2 search '!!!'
fails 2 search "$long"
fails 2 search $'rdp\x1b[31m'
fails 2 search $'\xe2\x80\xaerdp'
fails 2 search $'\xff'
fails 2 search rdp --like rdp
fails 2 search --like ''
fails 2 search
run search $'rdp\x1b[31m'; contains "$err" "control character" "the reason"
contains "$err" "'rdp\\x1b[31m'" "the input quoted, escaped"
expect_rc 1 search qqqzzzxxx

# ---- one ranking: command, API, static script ----
queries=(rdp "remote desktop" jenkins kubernetes minecraft tomcat postgres ssh http mysql redis mongo
	elasticsearch kafka zookeeper rabbitmq amqp mqtt prometheus grafana plex wireguard openvpn memcached
	docker ntp ldap syslog sip smb vnc dns web server database kerberso htpt "secure shel" x11 "file transfer"
	"remote login" mail windows game k8s etcd "apple remote desktop" kubelet telnet ftp smtp imap
	"mysql database" "cafe" nfs printer torrent qqqzzzxxq wannacry mirai "code red" trojan worm)
# and every usual name of data/products.tsv
while IFS= read -r name; do queries+=("$name"); done < <(grep -v '^#' "$src/data/products.tsv" | cut -f1 | cut -d, -f1 | sort -u)
if ! command -v node >/dev/null; then
	echo "SKIP: node is not installed: the API and the static script are not compared" >&2
	echo "search: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] || exit 1
	exit 77
fi
# compare KIND: for each query i, $tmp/cmd.i.json (the command's document)
# against $tmp/KIND.i.json (the API's) or, for KIND js, the static script's
# ranking on $tmp/index.json; one node for all, one line per query that differs
compare() {
	node -e '
		const fs = require("fs"), [kind, dir, script, n] = process.argv.slice(1);
		const line = r => `${r.first}-${r.last} ${r.transports} ${r.why}`;
		const ix = kind === "js" ? JSON.parse(fs.readFileSync(dir + "/index.json", "utf8")) : null;
		const s = kind === "js" ? require(script) : null;
		// the words of the English search page (data/i18n/en.cat, site_why_*)
		const words = { near: "close to: %1$s", product: "%1$s (IANA: %2$s)", productTerm: "%1$s: %2$s (IANA: %3$s)",
			iana: "IANA: %1$s", ianaDesc: "IANA: %1$s (%2$s)", use: "use: %1$s", malware: "malware: %1$s" };
		for (let i = 0; i < +n; i++) {
			const cmd = JSON.parse(fs.readFileSync(`${dir}/cmd.${i}.json`, "utf8"));
			const other = kind === "js" ? s.search(ix, cmd.query, 50, cmd.like, words)
				: JSON.parse(fs.readFileSync(`${dir}/${kind}.${i}.json`, "utf8")).results;
			const a = cmd.results.map(line).join("\n"), b = other.map(line).join("\n");
			console.log(a === b && (a || cmd.total === 0) ? "same" : `differs: ${JSON.stringify(cmd.query)}\n  ${a.split("\n")[0]}\n  ${b.split("\n")[0]}`);
		}' "$1" "$tmp" "$src/data/site/search.js" "${#queries[@]}" >"$tmp/$1.cmp" 2>&1
	local same
	same=$(grep -c '^same$' "$tmp/$1.cmp")
	if [ "$same" -eq "${#queries[@]}" ]; then ok; else
		ko "$1: $((${#queries[@]} - same)) of ${#queries[@]} queries differ from the command: $(grep -v '^same$' "$tmp/$1.cmp" | head -6)"
	fi
}
queries+=("--like sql" "--like http")
for i in "${!queries[@]}"; do
	case ${queries[$i]} in
	--like*) "$PORTDEX" search --json --limit 50 ${queries[$i]} ;;
	*) "$PORTDEX" search --json --limit 50 "${queries[$i]}" ;;
	esac >"$tmp/cmd.$i.json"
done
# the static script on the site's index
if "$test_search" --index "$tmp/index.json"; then
	compare js
else
	ko "test_search --index failed"
fi
# the server's API
if command -v curl >/dev/null; then
	serve_start --db "$tmp/fb.db"
	if [ -z "$port" ]; then
		ko "portdex serve did not start: $(head -c 300 "$tmp/serve.log")"
	else
		for i in "${!queries[@]}"; do
			q=${queries[$i]}
			case $q in --like*) cp "$tmp/cmd.$i.json" "$tmp/api.$i.json"; continue ;; esac  # not in the API
			curl -sf -m 30 -G --data-urlencode "q=$q" --data limit=50 "http://127.0.0.1:$port/api/v1/search" \
				>"$tmp/api.$i.json" || echo '{"results":[]}' >"$tmp/api.$i.json"
		done
		compare api
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/search?q=%21%21%21")
		[ "$code" = 400 ] && ok || ko "/api/v1/search?q=!!!: $code, want 400"
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/search?q=apple+remote+desktop+server&limit=5")
		[ "$code" = 200 ] && ok || ko "/api/v1/search: a query longer than 15 bytes with a limit: $code"
		page=$(curl -s "http://127.0.0.1:$port/search?q=remote+desktop")
		contains "$page" "Remote Desktop: Microsoft Remote Desktop (IANA: ms-wbt-server)" "the search page says why"
	fi
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	spid=
else
	echo "note: curl is not installed: the API is not compared" >&2
fi

echo "search: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
