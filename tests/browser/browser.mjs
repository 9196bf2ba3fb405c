// browser.mjs: opens portdex serve's page of port 926 in Debian's chromium
// (playwright-core, headless, no browser download), checks the facts shown,
// sends feedback with and without JavaScript, and saves screenshots of a
// desktop and a phone view into $PD_BROWSER_OUT (default tests/browser/out).
// Then: no page is wider than a phone's screen, dark mode, the at-a-glance
// box, the map's links, and axe-core (WCAG 2.2 A and AA rules) on the main
// pages in light and dark mode: zero violations. Last, the static export's
// search opened from file:// finds what the command finds.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const portdex = process.env.PORTDEX;
const out = process.env.PD_BROWSER_OUT || join(here, "out");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
let pass = 0, fail = 0;
const check = (ok, what) => { if (ok) pass++; else { fail++; console.error("FAIL: " + what); } };

if (!portdex) { console.error("set PORTDEX to the built portdex binary"); process.exit(2); }
mkdirSync(out, { recursive: true });
const data = mkdtempSync(join(tmpdir(), "portdex-browser-"));

// the server, on a free loopback port
const server = spawn(portdex, ["serve", "--listen", "127.0.0.1:0", "--db", join(data, "feedback.db"), "--publish-comments"], {
  env: { ...process.env, XDG_DATA_HOME: data, HOME: data, PORTDEX_REGISTRY: "" },
  stdio: ["ignore", "ignore", "pipe"],
});
const base = await new Promise((resolve, reject) => {
  let err = "";
  const timer = setTimeout(() => reject(new Error("server did not start: " + err)), 15000);
  server.stderr.on("data", (d) => {
    err += d;
    const m = /serving on (http:\/\/[^\s]+)/.exec(err);
    if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, "")); }
  });
  server.on("exit", (code) => reject(new Error("server exited " + code + ": " + err)));
});

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  // desktop, with JavaScript
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await desk.newPage();
  await page.goto(base + "/port/926");
  const text = await page.textContent("main");
  check((await page.textContent("h1")).trim() === "Port 926", "h1 is 'Port 926'");
  check(/unassigned on every transport/.test(text), "926 is unassigned on every transport");
  check(/block 916-952/.test(text), "926's block 916-952");
  check(/Should you use it\?/.test(text), "verdict section");
  check((await page.locator("h3").count()) >= 5, "at least five questions");
  check(await page.locator("figure.map svg, figure.map img").first().isVisible(), "the map is shown");
  await page.screenshot({ path: join(out, "desktop-926.png"), fullPage: true });

  const yes0 = Number(await page.textContent(".feedback .yes"));
  await page.evaluate(() => { window.__stayed = true; });
  check(!(await page.isVisible(".feedback form.why")), "the form asks why only after a vote");
  await page.click(".feedback button[value=yes]");
  await page.waitForSelector(".feedback .note", { timeout: 10000 });
  check(/thank/i.test(await page.textContent(".feedback .note")), "thank-you note with JavaScript");
  check(await page.evaluate(() => window.__stayed === true), "no reload with JavaScript");
  check(Number(await page.textContent(".feedback .yes")) === yes0 + 1, "yes count went up in place");
  // then it asks why: a reason and a comment, sent the same way
  await page.waitForSelector(".feedback form.why", { state: "visible", timeout: 10000 });
  await page.check(".feedback input[value=outdated]");
  await page.fill("#fb-comment", "<script>alert(1)</script> clear & useful");
  await page.screenshot({ path: join(out, "desktop-926-feedback.png") });
  await page.click(".feedback form.why button[type=submit]");
  await page.waitForFunction(() => /why/i.test(document.querySelector(".feedback .note").textContent), null,
    { timeout: 10000 });
  check(await page.evaluate(() => window.__stayed === true), "no reload for the why either");

  // without JavaScript: a plain form POST and a redirect back (on another
  // page: this reader's vote on 926 is made, and a vote replaces it)
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const p2 = await nojs.newPage();
  await p2.goto(base + "/port/927");
  const no0 = Number(await p2.textContent(".feedback .no"));
  await Promise.all([p2.waitForNavigation(), p2.click(".feedback button[value=no]")]);
  check(/port\/927/.test(p2.url()), "redirected back to the page without JavaScript");
  check(Number(await p2.textContent(".feedback .no")) === no0 + 1, "no count went up without JavaScript");
  check(/thank/i.test((await p2.textContent(".feedback")) || ""), "thank-you note without JavaScript");
  check(await p2.isVisible(".feedback form.why"), "the form asks why without JavaScript");

  // the comment is kept as text and comes back escaped
  const api = await (await fetch(base + "/api/v1/ports/926/feedback")).json();
  check(JSON.stringify(api).includes("<script>alert(1)</script> clear & useful"), "comment stored as text");
  check(api.comments.some((c) => c.reason === "outdated"), "the reason stored with it");
  const html = await (await fetch(base + "/port/926")).text();
  check(!html.includes("<script>alert(1)"), "comment never shown raw");

  // a phone
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p3 = await phone.newPage();
  for (const port of [926, 80]) {
    await p3.goto(base + "/port/" + port);
    const overflow = await p3.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `no sideways scrolling on a phone for port ${port} (overflow ${overflow}px)`);
    await p3.screenshot({ path: join(out, `phone-${port}.png`), fullPage: false });
  }
  // no sideways scrolling on a phone, on every kind of page
  for (const path of ["/", "/port/926", "/port/80", "/ranges/user", "/ranges/system", "/blocks", "/blocks/916", "/common",
                      "/search?q=http", "/search?q=sql", "/fr/", "/fr/port/926", "/fr/port/80", "/fr/blocks/916",
                      "/fr/search?q=sql", "/ms/", "/ms/port/926", "/ms/ranges/dynamic", "/ms/common"]) {
    await p3.goto(base + path);
    // the document's width, and the right edge of every element (a table cut off by the page)
    const overflow = await p3.evaluate(() => Math.max(document.documentElement.scrollWidth,
      ...Array.from(document.body.querySelectorAll("*"), (e) => e.getBoundingClientRect().right)) - window.innerWidth);
    check(overflow <= 1, `no sideways scrolling on a phone on ${path} (${overflow}px wider than the screen)`);
  }
  await p3.goto(base + "/search?q=sql");
  await p3.screenshot({ path: join(out, "phone-search.png") });

  // the at-a-glance box, before the map
  await p3.goto(base + "/port/80");
  const glance = await p3.textContent(".glance");
  // one item per status, naming its transports (80 is http on TCP, UDP and SCTP)
  check(/TCP, UDP and SCTP assigned/.test(glance.replace(/\s+/g, " ")) && /DCCP unassigned/.test(glance.replace(/\s+/g, " ")) &&
        /http/.test(glance), "port 80's box: TCP, UDP and SCTP assigned, DCCP unassigned, http");
  check(/Range\s*system ports, 0-1023/.test(glance) && /Verdict\s*avoid/.test(glance),
        "port 80's box: range and verdict");
  check(await p3.evaluate(() => !!(document.querySelector(".glance").compareDocumentPosition(
          document.querySelector("figure.map")) & Node.DOCUMENT_POSITION_FOLLOWING)), "the box comes before the map");
  const mapBox = await p3.locator("figure.map .mapbox").boundingBox();
  check(mapBox && mapBox.height < 844 / 2, `the map is compact on a phone (${mapBox && Math.round(mapBox.height)}px high)`);

  // the map: each of the 1,024 cells a link to its port with a title
  const svg = await (await fetch(base + "/maps/0.svg")).text();
  check((svg.match(/<a href="\.\.\/port\/\d+"/g) || []).length === 1024, "the map of 0-1023 has 1,024 links");
  check(svg.includes('<a href="../port/926" target="_top" tabindex="-1"><title>926: unassigned</title>'),
        "the cell of 926 links to its page and names its status");
  check(svg.includes("<title>80: assigned, http</title>"), "the cell of 80 names its service");
  await p3.goto(base + "/port/926");
  const frame = p3.frames().find((f) => /\/maps\/0\.svg$/.test(f.url()));
  check(!!frame, "the port page shows the map of its window as a document");
  if (frame) {
    await Promise.all([p3.waitForNavigation(), frame.click('a[href="../port/80"]', { force: true })]);
    check(/\/port\/80$/.test(p3.url()), "a click on a cell of the map opens its port's page");
  }

  // the languages: the switcher leads to the same page in French, marked
  // as such; a browser set to Malay is sent from / to /ms/
  await p3.goto(base + "/port/926");
  await Promise.all([p3.waitForNavigation(), p3.click('a[hreflang="fr"]:not([rel])')]);
  check(/\/fr\/port\/926$/.test(p3.url()), `the switcher's Français leads to /fr/port/926 (${p3.url()})`);
  check(await p3.evaluate(() => document.documentElement.lang) === "fr", "the French page says lang=fr");
  check(await p3.locator('[aria-current="page"]', { hasText: "Français" }).count() === 1, "the switcher marks Français as current");
  const malay = await browser.newContext({ locale: "ms-MY", extraHTTPHeaders: { "Accept-Language": "ms-MY,ms;q=0.9,en;q=0.5" } });
  const pm = await malay.newPage();
  await pm.goto(base + "/");
  check(/\/ms\/$/.test(pm.url()), `a browser in Malay is led from / to /ms/ (${pm.url()})`);
  check(await pm.evaluate(() => document.documentElement.lang) === "ms", "the Malay home page says lang=ms");
  await pm.goto(base + "/port/926");
  check(/\/port\/926$/.test(pm.url()) && !/\/ms\//.test(pm.url()), "other pages do not follow Accept-Language");
  await malay.close();

  // dark mode follows the system's setting
  const dark = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const p4 = await dark.newPage();
  await p4.goto(base + "/port/926");
  const bg = await p4.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lum = (bg.match(/\d+/g) || [255, 255, 255]).slice(0, 3).reduce((a, v) => a + Number(v), 0) / 3;
  check(lum < 64, `dark mode: a dark background (${bg})`);
  await p4.screenshot({ path: join(out, "phone-926-dark.png") });

  // accessibility: axe-core's WCAG 2.0-2.2 A and AA rules, no violation
  const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  for (const [ctx, mode] of [[desk, "light"], [dark, "dark"]]) {
    const pa = await ctx.newPage();
    for (const path of ["/", "/port/926", "/port/80", "/search?q=sql", "/ranges/user", "/blocks", "/blocks/916", "/common",
                        "/fr/port/926", "/ms/port/926", "/fr/", "/ms/search?q=sql"]) {
      await pa.goto(base + path);
      await pa.addScriptTag({ content: axeSource });
      const res = await pa.evaluate(() => window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
      }));
      const v = res.violations.map((x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`);
      check(v.length === 0, `axe, ${mode}, ${path}: ${v.join("; ")}`);
    }
    await pa.close();
  }

  await p3.goto(base + "/");
  await p3.screenshot({ path: join(out, "phone-home.png") });
  await p3.fill("input[name=q]", "ssh");
  await Promise.all([p3.waitForNavigation(), p3.press("input[name=q]", "Enter")]);
  check(/Port 22\b/.test(await p3.textContent("h1")), "searching 'ssh' leads to port 22");

  // the export's search page from file:// (no server): its index comes as a
  // script, since browsers refuse fetch() there; same first result as the command
  const site = join(data, "site");
  const ex = spawnSync(portdex, ["export", "--out", site], {
    env: { ...process.env, XDG_DATA_HOME: data, HOME: data, PORTDEX_REGISTRY: "" }, encoding: "utf8",
  });
  check(ex.status === 0, `export for file://: status ${ex.status}: ${ex.stderr}`);
  const cmd = spawnSync(portdex, ["search", "--json", "remote desktop"], {
    env: { ...process.env, XDG_DATA_HOME: data, HOME: data, PORTDEX_REGISTRY: "" }, encoding: "utf8",
  });
  const want = JSON.parse(cmd.stdout).results[0];
  const p5 = await desk.newPage();
  await p5.goto("file://" + site + "/search.html?q=remote%20desktop");
  await p5.waitForSelector("#results li", { timeout: 15000 }).catch(() => {});
  const first = (await p5.textContent("#results li").catch(() => "")) || "";
  check(first.startsWith(`${want.first}/`) && first.includes(want.why),
    `file:// search: first result '${first.slice(0, 80)}', the command's ${want.first}: ${want.why}`);
  await p5.close();
} catch (e) {
  check(false, "browser run: " + e.message);
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}
console.log(`browser: ${pass} passed, ${fail} failed (screenshots in ${out})`);
process.exit(fail ? 1 : 0);
