#!/bin/bash
# serve-lang.sh: the server's three languages, on loopback with curl:
#   - /fr/... and /ms/... serve the pages of /... in French and Malay, with
#     Content-Language; /de/... and /fr/api/... are not pages (404)
#   - the server's own pages (search, errors) in the request's language
#   - Accept-Language on / only: French or Malay preferred, a 302 to /fr/
#     (/ms/); else the English home; both with Vary: Accept-Language
#   - a vote from /fr/port/926 counts for port 926 in every language
#   - the response cache keeps the languages apart
# Environment (from tests/meson.build): PORTDEX, PD_SOURCE_ROOT.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
spid=
: >"$tmp/err" # lib.sh's contains quotes it
trap '[ -z "$spid" ] || kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0

export HOME=$tmp XDG_DATA_HOME=$tmp/xdg NO_COLOR=1
unset PORTDEX_REGISTRY PORTDEX_SERVE_TIMEOUT PORTDEX_VOTE_LIMIT PORTDEX_SERVE_CACHE_TTL

. "$src/tests/lib.sh"

serve_start --db "$tmp/fb.db"
if [ -z "$port" ]; then
	echo "FAIL: the server did not start: $(cat "$tmp/serve.log")" >&2
	exit 1
fi
base=http://127.0.0.1:$port

# get PATH [CURL ARGS...]: sets status, headers (lower-case names) and body
get() {
	local path=$1
	shift
	status=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" "$base$path")
	headers=$(tr -d '\r' <"$tmp/headers" | tr 'A-Z' 'a-z')
	body=$(cat "$tmp/body")
}
is() { # is WHAT GOT WANT
	[ "$2" = "$3" ] && ok || ko "$1: got '$2', want '$3'"
}
header() { printf '%s\n' "$headers" | sed -n "s/^$1: //p" | head -1; }
lacks() { # lacks TEXT NEEDLE WHAT
	case $1 in *"$2"*) ko "$3: '$2' should not be there" ;; *) ok ;; esac
}

# Does the library write the <html> tag in the page's language yet? (the
# site's texts, lib/site/, learn French and Malay on their own schedule)
html_lang() { sed -n 's/.*<html lang="\([a-z]*\)".*/\1/p' | head -1; }
lib_fr=$("$PORTDEX" page 926 --lang fr --format html 2>/dev/null | html_lang)

# ---- the pages in each language ----
for l in fr ms; do
	for path in port/926 "" ranges/system blocks blocks/916 common maps/0.svg; do
		get "/$l/$path"
		is "/$l/$path" "$status" 200
		is "/$l/$path Content-Language" "$(header content-language)" "$l"
	done
	get "/$l/port/926"
	if [ "$lib_fr" = fr ]; then
		is "the <html> tag of /$l/port/926" "$(printf '%s\n' "$body" | html_lang)" "$l"
	fi
	get "/$l"
	is "/$l, the home page" "$status" 200
done
get /port/926
is "/port/926" "$status" 200
is "/port/926 Content-Language" "$(header content-language)" en
is "the English page's <html> tag" "$(printf '%s\n' "$body" | html_lang)" en
english=$body
get /fr/port/926
[ "$lib_fr" != fr ] || [ "$body" != "$english" ] && ok || ko "/fr/port/926 is the English page"
# the response cache keeps the languages apart: again, from the cache
get /port/926
is "/port/926 after /fr/port/926" "$(header content-language)" en
[ "$lib_fr" != fr ] || [ "$(printf '%s\n' "$body" | html_lang)" = en ] && ok || ko "the cache served French for /port/926"

# no other language, and the API has none
for path in /de/port/926 /de/ /en/port/926 /fr/api/v1/ports/926 /fr/metrics /fr/healthz /frport/926; do
	get "$path"
	is "$path" "$status" 404
done
get /api/v1/ports/926
is "/api/v1/ports/926" "$status" 200
is "the API has no language" "$(header content-language)" ""

# ---- the server's own pages, in the request's language ----
get /fr/nothing-here
is "/fr/nothing-here" "$status" 404
contains "$body" "Page introuvable" "the French 404"
contains "$body" "il n’y a pas de page à cette adresse" "the French 404's sentence"
contains "$body" 'href="/fr/"' "the French 404 leads to the French home"
get /ms/port/99999
is "/ms/port/99999" "$status" 400
contains "$body" "bukan nombor port (0-65535)" "the Malay 400"
get /nothing-here
contains "$body" "there is no page at this address" "the English 404"
get '/fr/search?q=zzzqqqxxj'
is "a French search" "$status" 200
contains "$body" "Recherche" "the French search page"
# its registry line, the one every page has (page_registry), the date French
contains "$body" "<p>Registre"$'\u202f'": IANA XML service-names-port-numbers.xml (intégré à portdex), mis à jour le 17 août 2026.</p>" \
	"the French search page's registry line"
get '/fr/search?q=ssh'
is "a French search for a port" "$status" 302
is "it leads to the French page" "$(header location)" /fr/port/22
get '/ms/search?q='
contains "$body" "Taipkan nombor port" "the Malay search page's hint"
# the JSON API's errors stay in English
get /api/v1/ports/99999
contains "$body" "not a port number" "the API's error"

# ---- Accept-Language: on / only ----
get / -H 'Accept-Language: fr-CA,fr;q=0.9,en;q=0.5'
is "/ preferring French" "$status" 302
is "/ preferring French: Location" "$(header location)" /fr/
contains "$(header vary)" "accept-language" "/ preferring French: Vary" # (names lower-cased)
get / -H 'Accept-Language: ms-MY, en;q=0.8'
is "/ preferring Malay: Location" "$(header location)" /ms/
for al in en-US ""; do
	if [ -n "$al" ]; then get / -H "Accept-Language: $al"; else get /; fi
	is "/ with Accept-Language '$al'" "$status" 200
	is "/ with Accept-Language '$al': Content-Language" "$(header content-language)" en
	contains "$(header vary)" "accept-language" "/ with Accept-Language '$al': Vary"
done
# the switcher's way back to English: /?lang=en, which no preference redirects
get /fr/ -H 'Accept-Language: fr'
contains "$body" '<a href="/?lang=en" lang="en" hreflang="en">English</a>' "/fr/'s switcher asks for English outright"
get '/?lang=en' -H 'Accept-Language: fr-CA,fr;q=0.9'
is "/?lang=en preferring French" "$status" 200
is "/?lang=en preferring French: Content-Language" "$(header content-language)" en
get '/?lang=de' -H 'Accept-Language: fr'
is "/?lang=de preferring French: still sent to French" "$status" 302
get /fr/port/926
lacks "$body" '?lang=en' "a port page's switcher links its English page as it is"
get /port/926 -H 'Accept-Language: fr'
is "/port/926 preferring French" "$status" 200
is "/port/926 preferring French: Content-Language" "$(header content-language)" en
lacks "$(header vary)" "accept-language" "/port/926's Vary"
get /fr/ -H 'Accept-Language: ms'
is "/fr/ preferring Malay" "$status" 200
is "/fr/ preferring Malay: Content-Language" "$(header content-language)" fr

# ---- a vote is the port's, in every language ----
get /fr/port/926/feedback -X POST -H "Origin: $base" -d vote=yes
is "a vote from /fr/port/926" "$status" 303
is "it leads back to the French page" "$(header location)" "/fr/port/926?feedback=thanks#feedback"
get /api/v1/ports/926/feedback
contains "$body" '"yes":1' "the vote from /fr/port/926 counts for port 926"
get /port/926
contains "$body" '<span class="yes">1</span>' "the English page shows the French vote"
get /ms/port/926
contains "$body" '<span class="yes">1</span>' "the Malay page shows it too"
get '/fr/port/926?feedback=thanks'
contains "$body" "Merci pour votre avis." "the French thank-you"
# a form at /port/N/feedback posted from a French page: back to it
get /port/80/feedback -X POST -H "Origin: $base" -H "Referer: $base/ms/port/80" -d vote=no
is "a vote from /ms/port/80 to /port/80/feedback" "$(header location)" "/ms/port/80?feedback=thanks#feedback"
get /port/80/feedback -X POST -H "Origin: $base" -H "Accept: application/json" -d vote=yes
contains "$body" '"yes":1,"no":0' "the same reader's vote changed, whatever the page's language"

# the error pages translate the server's sentences by their English: each
# srv_e_ message of the catalogue is one that server/ (or the search engine
# whose complaints it shows) says, word for word
while IFS= read -r line; do
	text=${line#*= }
	text=${text//%%/%}
	grep -qF "\"$text\"" "$src"/server/*.c "$src"/lib/advice/search.c && ok ||
		ko "data/i18n/en.cat: '$text' is said nowhere in server/ or lib/advice/search.c"
done < <(grep '^srv_e_' "$src/data/i18n/en.cat")
# the search engine's complaints, on a Malay page
for q in '%01%02' '%21%21%21'; do
	page=$(curl -s "$base/ms/search?q=$q")
	contains "$page" "carian" "the search's complaint about '$q' in Malay"
done

echo "serve-lang: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
