/* The static site's search page: the index (root/search-index.json, made by
 * pd_search_index()) is fetched and searched here with the ranking of the
 * library's engine (lib/advice/search.c: a change there is a change here;
 * tests/search.sh compares the two on many queries); a port number goes
 * straight to its page. The list of results carries the site's root (the
 * index), the root of the pages in the page's language (data-lroot), the
 * page extension and every word the script shows, in the page's language
 * (data-w-*: printf-like templates with %1$s, %2$s ...): the script has no
 * text of its own. Under node, the file exports the ranking instead; its
 * reasons are then written with the words given to search(). */
(function () {
	var MAX_WORDS = 8, WORD_LEN = 64;

	function alnum(c) {
		return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
	}
	function inword(c) {
		return alnum(c) || c === 45 || c === 43 || c === 46 || c === 95;
	}
	function lower(c) {
		return c >= 65 && c <= 90 ? c + 32 : c;
	}
	/* search words: runs of ASCII letters and digits (- + . _ inside),
	 * lower-cased, joined by one space */
	function norm(s) {
		var out = [], i = 0, n = s.length;
		while (i < n) {
			while (i < n && !alnum(s.charCodeAt(i)))
				i++;
			if (i >= n)
				break;
			var w = '';
			while (i < n && inword(s.charCodeAt(i)))
				w += String.fromCharCode(lower(s.charCodeAt(i++)));
			out.push(w);
		}
		return out.join(' ');
	}
	/* is w the beginning of a word of s */
	function hasWord(s, w) {
		var c0 = w.charCodeAt(0);
		for (var p = 0; p < s.length; p++) {
			if (lower(s.charCodeAt(p)) !== c0 || (p > 0 && alnum(s.charCodeAt(p - 1))))
				continue;
			var i = 1;
			while (i < w.length && p + i < s.length && lower(s.charCodeAt(p + i)) === w.charCodeAt(i))
				i++;
			if (i === w.length)
				return true;
		}
		return false;
	}
	function allWords(words, texts) {
		return words.every(function (w) {
			return texts.some(function (t) { return hasWord(t, w); });
		});
	}
	/* edit distance, a swap of neighbours counting as one */
	function distance(a, b) {
		var la = a.length, lb = b.length, rows = [[], [], []], i, j;
		if (la > WORD_LEN || lb > WORD_LEN)
			return 99;
		for (j = 0; j <= lb; j++)
			rows[0][j] = j;
		for (i = 1; i <= la; i++) {
			var cur = rows[i % 3], up = rows[(i - 1) % 3], up2 = rows[(i + 1) % 3];
			cur[0] = i;
			for (j = 1; j <= lb; j++) {
				var v = up[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0);
				if (up[j] + 1 < v)
					v = up[j] + 1;
				if (cur[j - 1] + 1 < v)
					v = cur[j - 1] + 1;
				if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && up2[j - 2] + 1 < v)
					v = up2[j - 2] + 1;
				cur[j] = v;
			}
		}
		return rows[la % 3][lb];
	}
	function startsCi(what, term) {
		for (var i = 0; i < term.length; i++)
			if (i >= what.length || lower(what.charCodeAt(i)) !== lower(term.charCodeAt(i)))
				return false;
		return what.length === term.length || what[term.length] === ' ';
	}
	/* a template with its arguments: %N$s is argument N, %% a percent sign */
	function fmt(t, args) {
		return String(t).replace(/%(%|([1-9])\$s)/g, function (all, pc, n) {
			return pc === '%' ? '%' : String(args[n - 1]);
		});
	}
	/* why a candidate matched, in the words w (near, product, productTerm,
	 * iana, ianaDesc, use, malware) */
	function why(c, w) {
		var r = c.rec, s;
		if (r[0] === 'p')
			s = startsCi(r[2], c.term) ? fmt(w.product, [r[2], r[7]]) : fmt(w.productTerm, [c.term, r[2], r[7]]);
		else if (r[0] === 'i')
			s = r[2] ? fmt(w.ianaDesc, [r[1], r[2]]) : fmt(w.iana, [r[1]]);
		else
			s = fmt(r[0] === 'm' ? w.malware : w.use, [r[1]]);
		return c.match === 'near' ? fmt(w.near, [s]) : s;
	}
	var FROM = { p: 0, i: 1, u: 2, m: 2 };
	function ports(r) {
		return r[0] === 'u' || r[0] === 'm' ? [r[2], r[3], r[4], r[5]] : [r[3], r[4], r[5], r[6]];
	}
	/* the results for query, best first, as pd_search() ranks them:
	 * [{first, last, transports, match, term, why}], why in the words w
	 * (see why()) */
	function search(ix, query, max, like, w) {
		var q = norm(query), cands = [], ord = { p: 0, i: 0, u: 0 }, words;
		if (!q)
			return [];
		words = q.split(' ').slice(0, MAX_WORDS).map(function (w) { return w.slice(0, WORD_LEN - 1); });
		function add(tier, sub, rec, o, match, term) {
			var p = ports(rec);
			cands.push({ tier: tier, sub: sub, from: FROM[rec[0]], ord: o, rec: rec, first: p[0], last: p[1],
				     transports: p[2], freq: p[3], match: match, term: term });
		}
		ix.records.forEach(function (r) {
			var o = ord[r[0] === 'm' ? 'u' : r[0]]++, k, n;
			if (r[0] === 'p') {
				var hit = -1;
				for (k = 0; k < r[1].length && hit < 0; k++)
					if (norm(r[1][k]) === q)
						hit = k;
				if (hit >= 0)
					add(0, 0, r, o, 'exact', r[1][hit]);
				else if (like) {
					for (k = 0; k < r[1].length && hit < 0; k++)
						if (norm(r[1][k]).indexOf(q) >= 0)
							hit = k;
					if (hit >= 0)
						add(1, 0, r, o, 'like', r[1][hit]);
				} else if (allWords(words, r[1].concat([r[2]])))
					add(1, 0, r, o, 'words', r[1][0]);
			} else if (r[0] === 'i') {
				n = norm(r[1]);
				if (n === q)
					add(0, 0, r, o, 'exact', r[1]);
				else if (like ? n.indexOf(q) >= 0 : allWords(words, [r[1], r[2]]))
					add(1, 0, r, o, like ? 'like' : 'words', r[1]);
			} else if (!like && allWords(words, [r[1]])) {
				add(2, 0, r, o, r[0] === 'm' ? 'malware' : 'use', '');
			}
		});
		if (!cands.length && !like && words.length === 1) {
			var limit = words[0].length <= 4 ? 1 : 2;
			ord = { p: 0, i: 0, u: 0 };
			ix.records.forEach(function (r) {
				var o = ord[r[0] === 'm' ? 'u' : r[0]]++, d, best = 99, hit = 0;
				if (r[0] === 'p') {
					r[1].forEach(function (nm, k) {
						d = distance(norm(nm), q);
						if (d < best) {
							best = d;
							hit = k;
						}
					});
					if (best <= limit)
						add(3, best, r, o, 'near', r[1][hit]);
				} else if (r[0] === 'i' && (d = distance(norm(r[1]), q)) <= limit) {
					add(3, d, r, o, 'near', r[1]);
				}
			});
		}
		cands.sort(function (a, b) {
			return a.tier - b.tier || a.sub - b.sub || b.freq - a.freq || a.first - b.first ||
			       a.last - b.last || a.from - b.from || a.ord - b.ord;
		});
		var seen = {}, out = [];
		cands.forEach(function (c) {
			var key = c.first + '-' + c.last;
			if (seen[key])
				return;
			seen[key] = true;
			if (out.length < max)
				out.push({ first: c.first, last: c.last, transports: c.transports, match: c.match,
					   term: c.term, why: why(c, w) });
		});
		return out;
	}
	if (typeof module !== 'undefined' && module.exports) {
		module.exports = { search: search, norm: norm };
		return;
	}

	var out = document.getElementById('results'), d = out.dataset;
	var root = d.root, lroot = d.lroot || root, ext = d.ext;
	var words = { near: d.wNear, product: d.wProduct, productTerm: d.wProductTerm, iana: d.wIana,
		      ianaDesc: d.wIanaDesc, use: d.wUse, malware: d.wMalware };
	var q = (new URLSearchParams(location.search).get('q') || '').trim();
	if (!q)
		return;
	if (/^[0-9]{1,5}$/.test(q) && +q < 65536) {
		location.href = lroot + 'port/' + (+q) + ext;
		return;
	}
	// the export's search-index.js set window.portdexIndex (a script loads
	// from file://, where browsers refuse fetch); else the JSON is fetched
	var index = window.portdexIndex ? Promise.resolve(window.portdexIndex) :
		fetch(root + 'search-index.json').then(function (r) { return r.json(); });
	index.then(function (ix) {
		var hits = search(ix, q, 100, false, words);
		if (!hits.length) {
			var p = document.createElement('p');
			p.textContent = d.wNone;
			out.replaceWith(p);
			return;
		}
		hits.forEach(function (h) {
			var li = document.createElement('li'), a = document.createElement('a');
			a.href = lroot + 'port/' + h.first + ext;
			a.textContent = (h.first === h.last ? h.first : h.first + '-' + h.last) + '/' + h.transports;
			// the page's "%1$s: %2$s": the link where %1$s is
			var at = d.wHit.indexOf('%1$s');
			li.appendChild(document.createTextNode(fmt(d.wHit.slice(0, at), [])));
			li.appendChild(a);
			li.appendChild(document.createTextNode(fmt(d.wHit.slice(at + 4), ['', h.why])));
			out.appendChild(li);
		});
	});
})();
