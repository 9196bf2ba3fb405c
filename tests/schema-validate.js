#!/usr/bin/env node
// schema-validate.js: validates JSON documents against the schemas of
// doc/schema/, with no package: the subset of JSON Schema (draft 2020-12)
// those files use, namely type, properties, required, additionalProperties,
// items, enum, minimum, maximum, anyOf and $ref ("#/..." or "FILE#/...",
// FILE beside the schema). Any other keyword is refused, so a schema cannot
// use one that would silently be ignored.
//   node schema-validate.js SCHEMA_FILE [FILE|-]...
// Prints each error as "FILE: PATH: message"; exits 0 if every document is
// valid, 1 if one is not, 2 on a usage error or unreadable schema.
'use strict';
const fs = require('fs');
const path = require('path');

const IGNORED = new Set(['$schema', '$id', '$defs', 'title', 'description']);
const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum',
	'minimum', 'maximum', 'anyOf', '$ref']);
const files = new Map();

function load(file) {
	file = path.resolve(file);
	if (!files.has(file))
		files.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
	return { file, root: files.get(file) };
}

// {file, schema} that a $ref names, relative to the file it is in
function resolve(ref, file) {
	const hash = ref.indexOf('#');
	const target = hash > 0 ? path.join(path.dirname(file), ref.slice(0, hash))
		: hash < 0 ? path.join(path.dirname(file), ref) : file;
	const doc = load(target);
	let s = doc.root;
	for (const part of hash < 0 ? [] : ref.slice(hash + 1).split('/').filter((p) => p !== '')) {
		const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
		if (s === null || typeof s !== 'object' || !(key in s))
			throw new Error(`${file}: $ref ${ref} names nothing`);
		s = s[key];
	}
	return { file: doc.file, schema: s };
}

function typeOf(v) {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
	return typeof v;  // string, boolean, object
}

function typeMatches(want, v) {
	const t = typeOf(v);
	return want === t || (want === 'number' && t === 'integer');
}

// the errors of v against schema s (in file), each "PATH: message"
function check(s, file, v, at, errs) {
	if (s === true) return;
	if (s === false || s === null || typeof s !== 'object') {
		errs.push(`${at}: not allowed here`);
		return;
	}
	for (const k of Object.keys(s))
		if (!KNOWN.has(k) && !IGNORED.has(k))
			throw new Error(`${file}: keyword "${k}" is not in the subset this validator knows`);
	if (s.$ref !== undefined) {
		const r = resolve(s.$ref, file);
		check(r.schema, r.file, v, at, errs);
	}
	if (s.type !== undefined) {
		const types = Array.isArray(s.type) ? s.type : [s.type];
		if (!types.some((t) => typeMatches(t, v))) {
			errs.push(`${at}: ${typeOf(v)}, want ${types.join(' or ')}`);
			return;
		}
	}
	if (s.enum !== undefined && !s.enum.some((e) => e === v))
		errs.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
	if (typeof v === 'number') {
		if (s.minimum !== undefined && v < s.minimum) errs.push(`${at}: ${v} < minimum ${s.minimum}`);
		if (s.maximum !== undefined && v > s.maximum) errs.push(`${at}: ${v} > maximum ${s.maximum}`);
	}
	if (s.anyOf !== undefined) {
		const tries = s.anyOf.map((sub) => { const e = []; check(sub, file, v, at, e); return e; });
		if (!tries.some((e) => e.length === 0))
			errs.push(`${at}: matches none of anyOf (${tries.map((e) => e[0]).join('; ')})`);
	}
	if (typeOf(v) === 'object') {
		for (const k of s.required || [])
			if (!Object.prototype.hasOwnProperty.call(v, k))
				errs.push(`${at}: required "${k}" is missing`);
		const props = s.properties || {};
		for (const k of Object.keys(v)) {
			if (Object.prototype.hasOwnProperty.call(props, k))
				check(props[k], file, v[k], `${at}.${k}`, errs);
			else if (s.additionalProperties !== undefined)
				check(s.additionalProperties, file, v[k], `${at}.${k}`, errs);
		}
	}
	if (typeOf(v) === 'array' && s.items !== undefined)
		v.forEach((x, i) => check(s.items, file, x, `${at}[${i}]`, errs));
}

function main(argv) {
	if (argv.length < 1) {
		process.stderr.write('usage: schema-validate.js SCHEMA_FILE [FILE|-]...\n');
		return 2;
	}
	let schema;
	try {
		schema = load(argv[0]);
	} catch (e) {
		process.stderr.write(`${argv[0]}: ${e.message}\n`);
		return 2;
	}
	let bad = 0;
	for (const f of argv.length > 1 ? argv.slice(1) : ['-']) {
		const errs = [];
		try {
			const v = JSON.parse(fs.readFileSync(f === '-' ? 0 : f, 'utf8'));
			check(schema.root, schema.file, v, '$', errs);
		} catch (e) {
			errs.push(e.message);
		}
		for (const e of errs.slice(0, 20))
			process.stdout.write(`${f}: ${e}\n`);
		bad += errs.length > 0;
	}
	return bad ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
