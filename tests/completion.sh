#!/bin/bash
# completion.sh: doc/portdex.bash-completion in a plain `bash --norc` (no
# bash-completion package): _portdex called with COMP_WORDS and COMP_CWORD
# set, its COMPREPLY compared; each command's options against its --help.
# Needs PORTDEX (the binary) and PD_SOURCE_ROOT.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# complete WORDS...: the last word is the one completed; prints COMPREPLY
# sorted, one line, in a fresh bash that has only the completion file
complete_words() {
	(cd "$tmp/files" && bash --norc --noprofile -c '
		source "$1" || exit 9
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
		_portdex portdex "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 8
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' \
		sh "$src/doc/portdex.bash-completion" "$@" 2>"$tmp/err")
}
# expect "WANT" WORDS...: COMPREPLY is exactly WANT (sorted, space-separated)
expect() {
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] && ok || ko "complete '$*': got '$got', want '$want' $(cat "$tmp/err")"
}

mkdir -p "$tmp/files/regdir"
touch "$tmp/files/reg.xml" "$tmp/files/reg.csv" "$tmp/files/other"

expect "list listening" portdex li
expect "search serve services stats suggest" portdex s
expect "help" portdex hel
expect "page" portdex help pa
expect "--status" portdex list --st
expect "assigned reserved unassigned" portdex list --status ''
expect "unassigned" portdex list --status un
expect "dccp sctp tcp udp" portdex list --transport ''
expect "both tcp udp" portdex suggest --transport ''
expect "sctp tcp udp" portdex listening --transport ''
expect "KILL" portdex free 8088 --signal K
expect "--dry-run" portdex free 8088 --dr
expect "dynamic system user" portdex gaps --range ''
expect "dynamic system user" portdex suggest myapp --range ''
expect "always auto never" portdex --color ''
expect "always auto never" portdex page 22 --color ''
expect "html json markdown text" portdex page 22 --format ''
expect "en fr ms" portdex page 22 --lang ''
expect "fr" portdex export --lang f
expect "--lang" portdex page 22 --la
expect "html json markdown text" portdex page --lang fr 22 --format ''
expect "prometheus table" portdex who --format ''
expect "prometheus table" portdex --json listening --format ''
expect "reg.csv reg.xml regdir" portdex --registry reg
expect "reg.csv reg.xml regdir" portdex update --from reg
expect "reg.csv reg.xml regdir" portdex feedback --db reg
expect "regdir" portdex export --out re
expect "reg.csv reg.xml regdir" portdex diff reg
expect "" portdex suggest --count ''
expect "--explain" portdex suggest --ex
expect "--no-header" portdex who --no
# the value of an option is not taken for the command
expect "html json markdown text" portdex --registry reg.xml page --format ''
expect "--status" portdex --color never list --st

# each command's options are those of its --help, plus the global ones
global="--color --help --json --registry --version"
for cmd in $("$PORTDEX" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	want=$( ("$PORTDEX" "$cmd" --help | grep -o -e '^  --[a-z-]*' | sed 's/^ *//'; printf '%s\n' $global) |
		sort | tr '\n' ' ' | sed 's/ $//')
	expect "$want" portdex "$cmd" --
done
expect "$global" portdex --
[ "$("$PORTDEX" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF' | wc -l)" -ge 16 ] && ok ||
	ko "portdex --help lists too few commands"

echo "completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
