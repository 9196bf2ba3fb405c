// bench/summarize-listening.mjs: the summary table of bench/listening.
//
//   node bench/summarize-listening.mjs OUT_DIR
//
// Reads OUT_DIR/listening.json (hyperfine --export-json), prints each pair
// side by side with the ratio of medians and its goal, writes
// OUT_DIR/listening-summary.json, and exits 3 when a goal is missed.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';

const [outDir] = process.argv.slice(2);
if (!outDir) {
	console.error('usage: node bench/summarize-listening.mjs OUT_DIR');
	process.exit(2);
}

const results = JSON.parse(readFileSync(join(outDir, 'listening.json'), 'utf8')).results;
const byName = new Map(results.map((r) => [r.command, r]));
const ms = (name) => (byName.has(name) ? byName.get(name).median * 1e3 : null);

// [what, portdex command, reference command, goal as text, test on portdex/reference]
const pairs = [
	['all listeners, with owners', 'portdex listening', 'ss -ltnup', 'portdex <= 0.5x ss', (r) => r <= 0.5],
	['one port (P), with owner', 'portdex listening P', 'ss -ltnp sport = :P', 'portdex <= 0.5x ss', (r) => r <= 0.5],
	['a port with nothing (Q)', 'portdex listening Q', 'ss -ltnp sport = :Q', 'portdex <= 0.05x ss', (r) => r <= 0.05],
	['all, against lsof', 'portdex listening', 'lsof -nP -i', 'portdex >= 4x faster', (r) => 1 / r >= 4],
];

const rows = [];
let missed = 0;
for (const [what, mine, ref, goal, test] of pairs) {
	const a = ms(mine), b = ms(ref);
	if (a === null || b === null) {
		rows.push({ what, portdex: mine, reference: ref, goal, skipped: true });
		continue;
	}
	const ratio = a / b, met = test(ratio);
	if (!met)
		missed++;
	rows.push({ what, portdex: mine, portdex_ms: a, reference: ref, reference_ms: b, ratio, goal, met });
}

const header = ['benchmark', 'portdex', 'median', 'reference', 'median', 'ratio', 'goal'];
const lines = [header];
for (const r of rows) {
	if (r.skipped) {
		lines.push([r.what, r.portdex, '-', r.reference, 'SKIPPED (not installed)', '-', r.goal]);
		continue;
	}
	const speed = r.ratio < 1 ? `, ${(1 / r.ratio).toFixed(1)}x faster` : '';
	lines.push([r.what, r.portdex, `${r.portdex_ms.toFixed(2)} ms`, r.reference, `${r.reference_ms.toFixed(2)} ms`,
		    `${r.ratio.toFixed(3)}x${speed}`, `${r.goal}: ${r.met ? 'met' : 'MISSED'}`]);
}
const numeric = new Set([2, 4]);
const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
const row = (l) => l.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();

const cpu = cpus()[0]?.model?.trim() ?? 'unknown cpu';
console.log('== summary: portdex listening');
console.log(`host: ${cpu}, ${cpus().length} cpus, Linux ${release()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('medians of whole processes (hyperfine -N), in one run; ratio is portdex median / reference median');
console.log();
console.log(row(lines[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines.slice(1))
	console.log(row(l));
console.log();
console.log(missed ? `${missed} goal(s) missed` : 'all goals met');

writeFileSync(join(outDir, 'listening-summary.json'), JSON.stringify({
	host: { cpu, cpus: cpus().length, kernel: release(), loadavg: loadavg() },
	results: results.map((r) => ({ command: r.command, median_ms: r.median * 1e3, mean_ms: r.mean * 1e3,
					 min_ms: r.min * 1e3, max_ms: r.max * 1e3, runs: r.times.length })),
	pairs: rows,
	missed,
}, null, 2) + '\n');

process.exitCode = missed ? 3 : 0;
