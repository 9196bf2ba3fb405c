#!/bin/bash
# export.sh: `portdex export`, the static site: its three languages (every
# page in fr/ and ms/, each with its lang, alternates and switcher), the
# sitemaps with hreflang, --lang, the files every page links, the static
# search against the command, links that lead somewhere, a second run that
# rewrites only what changed, an interrupted run that leaves whole pages,
# --gzip, and bad options. A test of its own (it was part of cli.sh) so that
# the suite runs it beside the others. Needs PORTDEX and PD_SOURCE_ROOT.
set -u
PORTDEX=${PORTDEX:?set PORTDEX to the built binary}
src=${PD_SOURCE_ROOT:?}
tmp=$(mktemp -d)
site=
trap 'rm -rf "$tmp"; [ -z "$site" ] || rm -rf "$(dirname "$site")"' EXIT
pass=0 fail=0

# Isolate from the user's registry and terminal.
export XDG_DATA_HOME=$tmp/data HOME=$tmp/home PORTDEX_PROC=$src/tests/data/proc
unset PORTDEX_REGISTRY NO_COLOR
mkdir -p "$HOME"

. "$src/tests/lib.sh"
# 132,004 files: on a memory file system when there is one
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	site=$(mktemp -d /dev/shm/portdex-site.XXXXXX)/site
else
	site=$tmp/site
fi
# the whole site once, in its three languages; the runs after it in English
run export --out "$site"
[ "$rc" -eq 0 ] && ok || ko "export: rc $rc: $err"
for l in fr ms; do
	for f in index.html ranges/system.html blocks.html common.html search.html port/0.html port/926.html \
		port/65535.html maps/0.svg maps/63.svg blocks/916.html; do
		[ -s "$site/$l/$f" ] && ok || ko "export: no $l/$f"
	done
	[ "$(ls "$site/$l/port" | wc -l)" -eq 65536 ] && ok || ko "export: not a $l page for every port"
	[ ! -e "$site/$l/port/926.json" ] && [ ! -e "$site/$l/search-index.json" ] && [ ! -e "$site/$l/portdex.css" ] &&
		ok || ko "export: the documents, index or assets written again under $l/"
	# the <html> tag in the page's language, once the library writes it
	if "$PORTDEX" page 926 --lang $l --format html | grep -q "<html lang=\"$l\""; then
		grep -q "<html lang=\"$l\"" "$site/$l/port/926.html" && ok || ko "export: $l/port/926.html is not in $l"
	fi
	contains "$(cat "$site/$l/port/926.html")" '<link rel="stylesheet" href="../../portdex.css">' \
		"a $l page links the style sheet at the root"
done
contains "$(grep -m1 '/port/926.html' "$site/sitemap-1.xml")" \
	'<url><loc>http://localhost/port/926.html</loc><xhtml:link rel="alternate" hreflang="en" href="http://localhost/port/926.html"/><xhtml:link rel="alternate" hreflang="fr" href="http://localhost/fr/port/926.html"/><xhtml:link rel="alternate" hreflang="ms" href="http://localhost/ms/port/926.html"/><xhtml:link rel="alternate" hreflang="x-default" href="http://localhost/port/926.html"/></url>' \
	"a sitemap's URL and its languages"
contains "$(grep -h -m1 '<loc>http://localhost/ms/port/926.html' "$site"/sitemap-*.xml)" \
	'<url><loc>http://localhost/ms/port/926.html</loc><xhtml:link rel="alternate" hreflang="en" href="http://localhost/port/926.html"/>' \
	"the Malay page in the sitemaps, with its versions"
nblk=$(ls "$site/blocks" | wc -l)
urls=0
for m in $(grep -o '<loc>[^<]*' "$site/sitemap.xml" | sed 's,.*/,,'); do
	n=$(grep -c '<url>' "$site/$m")
	[ "$n" -le 50000 ] && ok || ko "$m has $n URLs"
	urls=$((urls + n))
done
[ "$urls" -eq $((3 * (65542 + nblk))) ] && ok || ko "sitemaps: $urls URLs, not 3 languages of 65,536 ports, 6 site pages and $nblk blocks"
broken=0
for page in fr/index.html fr/port/926.html ms/blocks/916.html ms/ranges/user.html; do
	dir=$(dirname "$site/$page")
	for href in $(grep -o 'href="[^"#?]*' "$site/$page" | sed 's/^href="//' | grep -v '^https\?:' | sort -u); do
		[ -e "$dir/$href" ] || { broken=$((broken + 1)); echo "broken link in $page: $href" >&2; }
	done
done
[ "$broken" -eq 0 ] && ok || ko "export: $broken broken links in the French and Malay pages"
# the same export in English only: the other languages go
run export --out "$site" --lang en
[ "$rc" -eq 0 ] && [ ! -e "$site/fr" ] && [ ! -e "$site/ms" ] && ok || ko "export --lang en left fr/ or ms/ (rc $rc)"
fails 2 export --out "$tmp/x" --lang en,de
contains "$err" "'de' is not a language of the site (en, fr, ms)" "export --lang de"
fails 2 export --out "$tmp/x" --lang ''
fails 2 export --out "$tmp/x" --lang fr,
fails 2 export --out "$tmp/x" --lang en,fr,EN
contains "$err" "--lang names 'EN' twice" "export --lang with a language twice"
[ ! -e "$tmp/x" ] && ok || ko "a refused --lang left $tmp/x behind"
for f in index.html ranges/system.html ranges/user.html ranges/dynamic.html blocks.html common.html \
	search.html search-index.json search-index.js sitemap.xml port/0.html port/65535.html port/926.json maps/0.svg maps/63.svg \
	portdex.css search.js blocks/916.html blocks/49152.html; do
	[ -s "$site/$f" ] && ok || ko "export: no $f"
done
[ "$(ls "$site/port" | wc -l)" -eq 131072 ] && ok || ko "export: not a page and a JSON file for every port"
# sitemap.xml: an index of sitemaps of at most 50,000 URLs, every page in each
# (here in English only)
sitemaps=$(grep -o '<loc>[^<]*' "$site/sitemap.xml" | sed 's,.*/,,')
[ "$(echo $sitemaps)" = "sitemap-1.xml sitemap-2.xml" ] && ok ||
	ko "sitemap index: $sitemaps"
urls=0
for m in $sitemaps; do
	n=$(grep -c '<url>' "$site/$m")
	[ "$n" -le 50000 ] && ok || ko "$m has $n URLs"
	urls=$((urls + n))
done
nblk=$(ls "$site/blocks" | wc -l)
[ "$urls" -eq $((65542 + nblk)) ] && ok || ko "sitemaps: $urls URLs, not 65,536 ports, 6 site pages and $nblk blocks"
grep -q '<loc>http://localhost/blocks/916.html</loc>' "$site/sitemap-2.xml" && ok || ko "sitemaps: no block page 916"
contains "$(grep -m1 'port/926.html' "$site/sitemap-1.xml")" \
	'<url><loc>http://localhost/port/926.html</loc><xhtml:link rel="alternate" hreflang="en" href="http://localhost/port/926.html"/><xhtml:link rel="alternate" hreflang="x-default" href="http://localhost/port/926.html"/></url>' \
	"a sitemap's URL and its language (English only)"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$site/search-index.json" && ok || ko "search index JSON"
# search-index.js: the same index as a script, for the search page from file://
node -e 'const fs = require("fs"); global.window = {}; eval(fs.readFileSync(process.argv[1], "utf8"));
	if (JSON.stringify(window.portdexIndex) !== JSON.stringify(JSON.parse(fs.readFileSync(process.argv[2], "utf8"))))
		process.exit(1)' "$site/search-index.js" "$site/search-index.json" && ok ||
	ko "search-index.js is not search-index.json as a script"
contains "$(cat "$site/search.html")" '<script src="search-index.js"></script><script src="search.js"></script>' \
	"the search page loads its index as a script, then the search"
# the static search ranks as the command does (tests/search.sh compares many more queries)
for q in rdp "remote desktop" jenkins kubernetes htpt; do
	a=$("$PORTDEX" search --json "$q" | node -e 'for (const r of JSON.parse(require("fs").readFileSync(0, "utf8")).results)
		console.log(r.first, r.last, r.why)')
	# with the words of the English search page (its data-w-* attributes)
	b=$(node -e 'const fs = require("fs"), s = require(process.argv[1]), ix = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
		const w = {}, ent = { quot: "\"", amp: "&", lt: "<", gt: ">", "#39": "\x27" };
		for (const m of fs.readFileSync(process.argv[4], "utf8").matchAll(/ data-w-([a-z-]+)="([^"]*)"/g))
			w[m[1].replace(/-([a-z])/g, (x, c) => c.toUpperCase())] = m[2].replace(/&(quot|amp|lt|gt|#39);/g, (x, e) => ent[e]);
		for (const r of s.search(ix, process.argv[3], 20, false, w)) console.log(r.first, r.last, r.why)' \
		"$src/data/site/search.js" "$site/search-index.json" "$q" "$site/search.html")
	[ -n "$a" ] && [ "$a" = "$b" ] && ok || ko "the export's search of '$q' differs from the command's"
done
# the site's assets are data/site/'s files, as they are
has_file() { # PAGE FILE
	python3 -c 'import sys; sys.exit(open(sys.argv[2]).read() not in open(sys.argv[1]).read())' "$1" "$2" &&
		ok || ko "$(basename "$1") lacks $(basename "$2")"
}
for js in "$src"/data/site/*.js; do
	node --check "$js" && ok || ko "$(basename "$js") is not valid JavaScript"
done
# written once and linked from every page, not copied into each
cmp -s "$site/portdex.css" "$src/data/site/portdex.css" && ok || ko "portdex.css is not data/site/portdex.css"
cmp -s "$site/search.js" "$src/data/site/search.js" && ok || ko "search.js is not data/site/search.js"
contains "$(cat "$site/index.html")" '<link rel="stylesheet" href="portdex.css">' "the home page links the style sheet"
contains "$(cat "$site/port/926.html")" '<link rel="stylesheet" href="../portdex.css">' "a port page links the style sheet"
contains "$(cat "$site/search.html")" '<script src="search.js"></script>' "the search page links its script"
! grep -q '<style' "$site/port/926.html" "$site/index.html" && ok || ko "a page carries a style sheet of its own"
contains "$(cat "$site/search.html")" '<ol id="results" data-root="" data-lroot="" data-ext=".html"' "the search page's roots and extension"
# every relative link of some pages leads to a file of the export
broken=0
# a page per unassigned block, linked from its ports' pages
nblocks=$(grep -o 'The registry has [0-9]* of them' "$site/blocks.html" | grep -o '[0-9]*')
[ -n "$nblocks" ] && [ "$(ls "$site/blocks" | wc -l)" -eq "$nblocks" ] && ok ||
	ko "not a page per block: $(ls "$site/blocks" | wc -l) pages, the blocks page says ${nblocks:-nothing}"
contains "$(cat "$site/port/926.html")" 'href="../blocks/916.html"' "a port's page links to its block's page"
contains "$(cat "$site/blocks/916.html")" '<h1>Unassigned block 916-952</h1>' "the block's page"
contains "$(cat "$site/blocks/916.html")" 'How it shrank' "the block's history"
# the same history as the port's page (pd__md_history), its links from the block's page
contains "$(cat "$site/blocks/916.html")" '<li>2023-02-17: <a href="../port/914.html">914</a>/udp (<code>rift-lies</code>) and <a href="../port/915.html">915</a>/udp (<code>rift-ties</code>) were registered; before, the block was 914-952 (39 ports).</li>' "the block's history: one day's registrations on one line"
contains "$(cat "$site/port/926.html")" '<li>2023-02-17: <a href="914.html">914</a>/udp (<code>rift-lies</code>) and <a href="915.html">915</a>/udp (<code>rift-ties</code>) were registered;' "the port's history: the same line, its links beside it"
[ "$(python3 "$src/tests/html-structure.py" "$site/blocks/916.html" "Block 916-952")" = ok ] && ok || ko "the block page's structure"
for page in index.html common.html blocks.html ranges/system.html port/926.html port/80.html port/65535.html \
	blocks/916.html blocks/49152.html ranges/user.html; do
	dir=$(dirname "$site/$page")
	for href in $(grep -o 'href="[^"#?]*' "$site/$page" | sed 's/^href="//' | grep -v '^https\?:' | sort -u); do
		[ -e "$dir/$href" ] || { broken=$((broken + 1)); echo "broken link in $page: $href" >&2; }
	done
	for img in $(grep -o 'src="[^"]*' "$site/$page" | sed 's/^src="//'); do
		[ -e "$dir/$img" ] || { broken=$((broken + 1)); echo "broken src in $page: $img" >&2; }
	done
done
[ "$broken" -eq 0 ] && ok || ko "export: $broken broken links"
# (an export that has nothing to change writes nothing: the second --gzip
# export below; one full run fewer under the sanitizers)
printf 'changed' > "$site/port/1000.html"
run export --out "$site" --lang en; contains "$out" "(1 written" "export rewrites only what changed"
# an interrupted export leaves whole pages only
rm -rf "$site"
"$PORTDEX" export --out "$site" --lang en >/dev/null 2>&1 &
xp=$!
sleep 2
kill -INT $xp
wait $xp
xrc=$?
[ "$xrc" -ne 0 ] && ok || ko "interrupted export exited 0"
partial=0
for f in "$site"/port/*.html; do
	[ -e "$f" ] || continue # a first export shows port/ only when it is complete
	[ "$(tail -c 8 "$f")" = "</html>" ] || partial=$((partial + 1))
done
[ "$partial" -eq 0 ] && ok || ko "interrupted export left $partial partial pages"
[ -z "$(find "$site" -name '.*.tmp*')" ] && ok || ko "interrupted export left temporary files"
# finished with --gzip: a compressed copy beside every file
run export --out "$site" --gzip --lang en; [ "$rc" -eq 0 ] && ok || ko "export after an interruption: rc $rc"
[ "$(ls "$site/port" | wc -l)" -eq 262144 ] && [ ! -e "$site/.port.staging" ] && ok || ko "export after an interruption is not complete"
[ ! -e "$site/fr" ] && [ ! -e "$site/ms" ] && ok || ko "export --lang en wrote fr/ or ms/"
for f in index.html portdex.css port/926.html port/926.json maps/0.svg sitemap-2.xml; do
	gzip -dc "$site/$f.gz" | cmp -s - "$site/$f" && ok || ko "--gzip: $f.gz is not $f compressed"
done
[ "$(find "$site" -type f ! -name '*.gz' ! -name '.*' | wc -l)" -eq "$(find "$site" -type f -name '*.gz' | wc -l)" ] &&
	ok || ko "--gzip: not a .gz file for every file"
run export --out "$site" --gzip --lang en; contains "$out" "(0 written" "a second export with --gzip writes nothing"
# without --gzip, the compressed copies go
run export --out "$site" --lang en; [ "$rc" -eq 0 ] && [ -z "$(find "$site" -name '*.gz')" ] && ok || ko "an export without --gzip left .gz files"
expect_rc 2 export
expect_rc 2 export --out "$tmp/x" --base-url ftp://x


echo "export: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
