// export-parts.mjs DIR: where the bytes of an export go, to see which part
// a size goal depends on. Prints one line per part, in bytes of the files'
// contents (as du -sb counts them, without directories):
//   - the port pages of each language (port/, fr/port/, ms/port/), split
//     into their frame (head, header, footer: what every page repeats) and
//     their <main> (the port's own content);
//   - the port documents (port/N.json), the sitemaps (sitemap*.xml);
//   - the rest (maps, block, range and site pages, search index, assets).
// Exits 2 when DIR is not an export (no port/926.html).
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir || !fs.existsSync(path.join(dir, "port", "926.html"))) {
  console.error(`export-parts: '${dir ?? ""}' is not a portdex export (no port/926.html)`);
  process.exit(2);
}

const langs = {};  // language -> { pages, frame, main }
let json = 0, jsonN = 0, sitemaps = 0, rest = 0, restN = 0;
const MAIN = Buffer.from("<main>"), END = Buffer.from("</main>");

function walk(rel) {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) { walk(r); continue; }
    if (!e.isFile()) continue;
    const m = /^(?:(fr|ms)\/)?port\/\d+\.(html|json)$/.exec(r);
    if (m && m[2] === "html") {
      const b = fs.readFileSync(path.join(dir, r));
      const a = b.indexOf(MAIN), z = b.indexOf(END);
      const l = (langs[m[1] ?? "en"] ??= { pages: 0, frame: 0, main: 0 });
      const main = a >= 0 && z > a ? z + END.length - a : 0;
      l.pages++;
      l.main += main;
      l.frame += b.length - main;
      continue;
    }
    const size = fs.statSync(path.join(dir, r)).size;
    if (m) { json += size; jsonN++; }
    else if (/^sitemap[-0-9]*\.xml$/.test(r)) sitemaps += size;
    else { rest += size; restN++; }
  }
}
walk("");

const fmt = (n) => n.toLocaleString("en-US");
const avg = (n, d) => (d ? Math.round(n / d) : 0).toLocaleString("en-US");
let total = json + sitemaps + rest;
for (const [l, v] of Object.entries(langs)) {
  total += v.frame + v.main;
  console.log(`  ${l} port pages: ${fmt(v.pages)}, ${fmt(v.frame + v.main)} bytes: frame ${fmt(v.frame)} ` +
              `(${avg(v.frame, v.pages)} a page), <main> ${fmt(v.main)} (${avg(v.main, v.pages)} a page)`);
}
console.log(`  port documents (JSON): ${fmt(jsonN)}, ${fmt(json)} bytes (${avg(json, jsonN)} each)`);
console.log(`  sitemaps: ${fmt(sitemaps)} bytes; the rest (maps, block and site pages, search index, assets): ` +
            `${fmt(restN)} files, ${fmt(rest)} bytes`);
console.log(`  files' contents in all: ${fmt(total)} bytes`);
