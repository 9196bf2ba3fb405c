#!/bin/bash
# i18n.sh: the site's three languages.
#   1. tools/mkcat.sh accepts data/i18n/ as it is (every key in every
#      catalogue, the same conversions) and refuses broken catalogues with
#      one line naming the file and the key, exit 1.
#   2. The French and Malay pages of 926 (and of 80, an assigned port)
#      repeat no sentence of the English page (tests/i18n-sentences.py),
#      carry lang="fr" / lang="ms", and link to their other versions.
set -u
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/lib.sh"

cats="$src/data/i18n/en.cat $src/data/i18n/fr.cat $src/data/i18n/ms.cat"
# shellcheck disable=SC2086
if sh "$src/tools/mkcat.sh" "$tmp/m.h" "$tmp/m.c" $cats 2>"$tmp/err"; then
	ok
	n=$(grep -c '^	M_' "$tmp/m.h")
	[ "$n" -ge 100 ] && ok || ko "only $n messages in data/i18n/en.cat"
else
	ko "tools/mkcat.sh refuses data/i18n: $(cat "$tmp/err")"
fi
# every key of each catalogue, one way round and the other (mkcat checks
# this too; this does not trust it)
for l in fr ms; do
	for pair in "en $l" "$l en"; do
		set -- $pair
		missing=$(comm -23 <(sed -n 's/^\([a-z][a-z0-9_]*\) = .*/\1/p' "$src/data/i18n/$1.cat" | sort) \
			<(sed -n 's/^\([a-z][a-z0-9_]*\) = .*/\1/p' "$src/data/i18n/$2.cat" | sort) | head -5)
		[ -z "$missing" ] && ok || ko "keys of $1.cat missing from $2.cat: $missing"
	done
done

# broken catalogues: NAME, the English and French lines, and what the one
# line on stderr must name
broken() {
	local name=$1 en=$2 fr=$3 want=$4
	mkdir -p "$tmp/$name"
	printf '%b' "$en" >"$tmp/$name/en.cat"
	printf '%b' "$fr" >"$tmp/$name/fr.cat"
	printf '%b' "$fr" >"$tmp/$name/ms.cat"
	sh "$src/tools/mkcat.sh" "$tmp/$name/m.h" "$tmp/$name/m.c" "$tmp/$name/en.cat" "$tmp/$name/fr.cat" \
		"$tmp/$name/ms.cat" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" &&
		[ ! -e "$tmp/$name/m.c" ]; then
		ok
	else
		ko "mkcat on $name: rc $rc, stderr '$(cat "$tmp/err")', want rc 1 and one line naming '$want'"
	fi
}
broken missing 'a = A\nb = B\n' 'a = A\n' 'fr.cat: "b" is missing'
broken extra 'a = A\n' 'a = A\nz = Z\n' 'fr.cat:2: "z" is not in en.cat'
broken conversions 'a = %1$s of %2$u\n' 'a = %1$s\n' 'fr.cat:1: "a" has conversions'
broken types 'a = %1$s of %2$u\n' 'a = %2$s de %1$s\n' 'fr.cat:1: "a" has conversions'
broken bare 'a = 50%\n' 'a = 50 %\n' 'en.cat:1: "a": a conversion'
broken unnumbered 'a = %s\n' 'a = %s\n' 'en.cat:1: "a": a conversion'
broken skipped 'a = %2$s\n' 'a = %2$s\n' 'en.cat:1: "a" skips %1$'
broken twice 'a = A\na = B\n' 'a = A\n' 'en.cat:2: "a" is written twice'
broken malformed 'a = A\nb=B\n' 'a = A\n' 'en.cat:2: not "key = text"'
broken badkey 'a = A\nB-c = x\n' 'a = A\n' 'en.cat:2: "B-c" is not a key'
broken empty 'a = \n' 'a = x\n' 'en.cat:1: "a" has no text'
# reordered conversions and %% are fine
mkdir -p "$tmp/good"
printf 'a = %%1$s of %%2$u, 50%%%%\nb = a \\ and "q"\n' >"$tmp/good/en.cat"
printf 'a = %%2$u de %%1$s, 50 %%%%\nb = a \\ and "q"\n' >"$tmp/good/fr.cat"
cp "$tmp/good/fr.cat" "$tmp/good/ms.cat"
if sh "$src/tools/mkcat.sh" "$tmp/good/m.h" "$tmp/good/m.c" "$tmp/good/en.cat" "$tmp/good/fr.cat" \
	"$tmp/good/ms.cat" 2>"$tmp/err" && grep -q '"%2$u de %1$s, 50 %%"' "$tmp/good/m.c" &&
	grep -qF '"a \\ and \"q\""' "$tmp/good/m.c"; then
	ok
else
	ko "mkcat refuses reordered conversions: $(cat "$tmp/err")"
fi

# 2. the pages
if "$PORTDEX" page 926 --lang fr --format html >/dev/null 2>&1; then
	for p in 926 80 50000; do
		run page "$p" --format html
		cp "$tmp/out" "$tmp/en.html"
		"$PORTDEX" "$p" --json >"$tmp/card.json"
		for l in fr ms; do
			run page "$p" --format html --lang "$l"
			if [ "$rc" -ne 0 ]; then
				ko "portdex page $p --lang $l: rc $rc: $err"
				continue
			fi
			cp "$tmp/out" "$tmp/$l.html"
			if python3 "$src/tests/i18n-sentences.py" "$tmp/en.html" "$tmp/$l.html" "$l" "$tmp/card.json" >"$tmp/found"; then
				ok
			else
				ko "the $l page of $p repeats English: $(head -5 "$tmp/found")"
			fi
			for alt in en fr ms x-default; do
				grep -q "hreflang=\"$alt\"" "$tmp/$l.html" && ok || ko "the $l page of $p has no hreflang=\"$alt\" link"
			done
		done
	done
	# the comparison finds English where there is English
	if python3 "$src/tests/i18n-sentences.py" "$tmp/en.html" "$tmp/en.html" fr >"$tmp/found"; then
		ko "tests/i18n-sentences.py finds nothing in an English page given as French"
	else
		[ "$(wc -l <"$tmp/found")" -gt 10 ] && ok || ko "i18n-sentences.py found only: $(cat "$tmp/found")"
	fi
	run page 926 --lang fr
	fr_text=$out
	run page 926 --lang ms
	[ "$rc" -eq 0 ] && [ "$out" != "$fr_text" ] && ok || ko "page 926 --lang ms: rc $rc, or the same as French"
else
	ko "portdex page 926 --lang fr --format html fails: $("$PORTDEX" page 926 --lang fr --format html 2>&1 | head -1)"
fi

echo "i18n: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
