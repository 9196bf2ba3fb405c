#!/bin/bash
# help.sh: `portdex COMMAND --help`, `portdex help [COMMAND]` against the man
# page's COMMANDS, and `portdex page NAME`. Needs PORTDEX (the binary) and
# PD_SOURCE_ROOT.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc
unset PORTDEX_REGISTRY NO_COLOR
mkdir -p "$HOME"

. "$src/tests/lib.sh"

# ---- help: every command of portdex(1) has its own, within 80 columns ----
# the commands as the man page lists them (its COMMANDS, outside .RS/.RE)
cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH VERDICT/p' "$src/doc/portdex.1" |
	awk '/^\.RS/ { d++ } /^\.RE/ { d-- } d == 0 && prev == ".TP" && $1 == ".B" { print $2 } { prev = $0 }')
[ "$(echo $cmds | wc -w)" -ge 16 ] && ok || ko "the man page lists too few commands: $cmds"
wide() { awk 'length($0) > 80 { n++ } END { print n + 0 }' "$1"; }
for cmd in $cmds; do
	run "$cmd" --help
	[ "$rc" -eq 0 ] && [ -z "$err" ] && ok || ko "$cmd --help: rc $rc, stderr $err"
	case $(printf '%s\n' "$out" | head -1) in
	"usage: portdex $cmd"|"usage: portdex $cmd "*) ok ;;
	*) ko "$cmd --help does not begin with its usage: $(printf '%s\n' "$out" | head -1)" ;;
	esac
	[ "$(wide "$tmp/out")" -eq 0 ] && ok || ko "$cmd --help has lines over 80 columns"
	contains "$out" "global options" "$cmd --help"
	help=$out
	run help "$cmd"
	[ "$rc" -eq 0 ] && [ "$out" = "$help" ] && ok || ko "help $cmd differs from $cmd --help (rc $rc)"
	# the same options as the man page's heading of the command
	man=$(sed -n '/^\.SH COMMANDS/,/^\.SH VERDICT/p' "$src/doc/portdex.1" |
		awk -v c="$cmd" 'prev == ".TP" && $1 == ".B" && $2 == c { print; exit } { prev = $0 }' |
		grep -o -e '--[a-z-]*' | sort -u | tr '\n' ' ')
	mine=$(printf '%s\n' "$help" | grep -o -e '^  --[a-z-]*' | sed 's/^ *//' | sort -u | tr '\n' ' ')
	[ "$man" = "$mine" ] && ok || ko "$cmd: options in --help ($mine) are not the man page's ($man)"
done
run --help
[ "$rc" -eq 0 ] && [ "$(wide "$tmp/out")" -eq 0 ] && ok || ko "--help: rc $rc or lines over 80 columns"
global=$out
for cmd in $cmds; do
	printf '%s\n' "$global" | grep -q "^  $cmd " && ok || ko "--help does not list $cmd"
done
run help
[ "$rc" -eq 0 ] && [ "$out" = "$global" ] && ok || ko "help differs from --help (rc $rc)"
run -h
[ "$out" = "$global" ] && ok || ko "-h differs from --help"
run --help 926
[ "$out" = "$global" ] && ok || ko "--help with a query is the global help"
fails 2 help nosuch
contains "$err" "no command named 'nosuch'" "help nosuch"
fails 2 help page list
run page 926 --status assigned
contains "$err" "see portdex help page" "a wrong option names the command's help"

# ---- page NAME: the page of each of the service's ports ----
run page 22; page22=$out
run page ssh
[ "$rc" -eq 0 ] && [ "$out" = "$page22" ] && ok || ko "page ssh is not page 22 (rc $rc): $err"
run page ssh/tcp
[ "$rc" -eq 0 ] && [ "$out" = "$page22" ] && ok || ko "page ssh/tcp is not page 22 (rc $rc): $err"
run page admind
[ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^PORT ')" -eq 2 ] && ok || ko "page admind: rc $rc, not 2 pages"
contains "$out" "PORT 3279" "page admind"
contains "$out" "PORT 8403" "page admind"
fails 2 page admind --format html
contains "$err" "a page is per port, and 'admind' has 2 ports (3279, 8403): ask for one, as portdex page 3279" "page admind --format html"
fails 2 page x11
contains "$err" "(6000-6063)" "page x11 names its ports"
fails 1 page nosuchservice
contains "$err" "no service named 'nosuchservice'" "page of an unknown name"
fails 2 page 900-999

echo "help: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
