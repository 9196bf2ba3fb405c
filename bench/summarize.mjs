// bench/summarize.mjs: turns the results of bench/run into one summary table.
//
//   node bench/summarize.mjs OUT_DIR [RSS_TOOL]
//
// Reads OUT_DIR/lookup.json and OUT_DIR/import.json (hyperfine --export-json;
// import.json may be absent) and OUT_DIR/memory.tsv (name, TAB, max RSS
// samples in KiB separated by commas). Prints the table, writes
// OUT_DIR/summary.json, and exits 3 when a goal is missed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';

const GETENT = 'getent services 80/tcp';
const IMPORT_GOAL_MS = 150;
const RSS_GOAL_KIB = 8 * 1024;

const [outDir, rssTool = 'unknown'] = process.argv.slice(2);
if (!outDir) {
	console.error('usage: node bench/summarize.mjs OUT_DIR [RSS_TOOL]');
	process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(join(outDir, file), 'utf8'));

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// hyperfine reports seconds; keep milliseconds
function timeRows(file) {
	return readJson(file).results.map((r) => ({
		command: r.command,
		unit: 'ms',
		median: r.median * 1e3,
		mean: r.mean * 1e3,
		min: r.min * 1e3,
		max: r.max * 1e3,
		runs: r.times.length,
	}));
}

function memoryRows() {
	const text = readFileSync(join(outDir, 'memory.tsv'), 'utf8');
	return text.split('\n').filter(Boolean).map((line) => {
		const [command, samples] = line.split('\t');
		const kib = samples.split(',').map(Number);
		return {
			command,
			unit: 'MiB',
			median: median(kib) / 1024,
			mean: kib.reduce((a, b) => a + b, 0) / kib.length / 1024,
			min: Math.min(...kib) / 1024,
			max: Math.max(...kib) / 1024,
			runs: kib.length,
		};
	});
}

const sections = [];
let missed = 0;

// ratio to getent, and whether each row meets its goal
function judge(rows, goal) {
	const ref = rows.find((r) => r.command === GETENT);
	for (const r of rows) {
		r.ratio = ref ? r.median / ref.median : null;
		if (r.command === GETENT) {
			r.goal = 'reference';
			continue;
		}
		const [text, ok] = goal(r);
		r.goal = ok === null ? text : `${text}: ${ok ? 'ok' : 'MISSED'}`;
		r.met = ok;
		if (ok === false)
			missed++;
	}
	return rows;
}

sections.push({
	name: 'lookup time',
	rows: judge(timeRows('lookup.json'), (r) => ['median <= getent', r.ratio <= 1]),
});

// search: against grep on /etc/services, the goal an absolute 5 ms
const GREP = 'grep -i rdp /etc/services';
const SEARCH_GOAL_MS = 5;
if (existsSync(join(outDir, 'search.json'))) {
	const rows = timeRows('search.json');
	const ref = rows.find((r) => r.command === GREP);
	for (const r of rows) {
		r.ratio = ref ? r.median / ref.median : null;
		if (r.command === GREP) {
			r.goal = 'reference';
			continue;
		}
		r.met = r.median <= SEARCH_GOAL_MS;
		r.goal = `median <= ${SEARCH_GOAL_MS} ms: ${r.met ? 'ok' : 'MISSED'}`;
		if (!r.met)
			missed++;
	}
	sections.push({ name: 'search time', rows });
}

if (existsSync(join(outDir, 'import.json'))) {
	sections.push({
		name: 'import time',
		rows: judge(timeRows('import.json'), (r) =>
			r.command.includes('XML') ? [`median < ${IMPORT_GOAL_MS} ms`, r.median < IMPORT_GOAL_MS]
						  : ['for comparison', null]),
	});
} else {
	sections.push({ name: 'import time', skipped: 'SKIPPED (no IANA files)' });
}

sections.push({
	name: 'peak memory (max RSS)',
	rows: judge(memoryRows(), (r) => [`max < ${RSS_GOAL_KIB / 1024} MiB`, r.max * 1024 < RSS_GOAL_KIB]),
});

// the table
const header = ['benchmark', 'command', 'median', 'mean', 'min', 'max', 'runs', 'vs reference', 'goal'];
const fmt = (v, unit) => `${v.toFixed(2)} ${unit}`;
const lines = [header];
for (const s of sections) {
	if (s.skipped) {
		lines.push([s.name, s.skipped, '', '', '', '', '', '', '']);
		continue;
	}
	for (const r of s.rows) {
		lines.push([s.name, r.command, fmt(r.median, r.unit), fmt(r.mean, r.unit), fmt(r.min, r.unit),
			    fmt(r.max, r.unit), String(r.runs), r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
			    r.goal]);
	}
}
const numeric = new Set([2, 3, 4, 5, 6, 7]);
const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
const row = (l) => l.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
	.join('  ').trimEnd();

const cpu = cpus()[0]?.model?.trim() ?? 'unknown cpu';
console.log('== summary');
console.log(`host: ${cpu}, ${cpus().length} cpus, Linux ${release()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; max RSS measured with ${rssTool}`);
console.log('times are wall-clock medians of whole processes; "vs reference" is median / the reference\'s median (getent; grep for search); load is the 1, 5 and 15 min average at the end of the run');
console.log();
console.log(row(lines[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines.slice(1))
	console.log(row(l));
console.log();
console.log(missed ? `${missed} goal(s) missed` : 'all goals met');

writeFileSync(join(outDir, 'summary.json'), JSON.stringify({
	host: { cpu, cpus: cpus().length, kernel: release(), loadavg: loadavg() },
	rss_tool: rssTool,
	sections,
	missed,
}, null, 2) + '\n');

process.exitCode = missed ? 3 : 0;
