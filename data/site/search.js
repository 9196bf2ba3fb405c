/* The static site's search page: the index (root/search-index.json) is
 * fetched and searched here; a port number goes straight to its page. The
 * list of results carries the site's root and page extension. */
(function () {
	var out = document.getElementById('results'), root = out.dataset.root, ext = out.dataset.ext;
	var q = (new URLSearchParams(location.search).get('q') || '').trim();
	if (!q)
		return;
	if (/^[0-9]{1,5}$/.test(q) && +q < 65536) {
		location.href = root + 'port/' + (+q) + ext;
		return;
	}
	fetch(root + 'search-index.json').then(function (r) { return r.json(); }).then(function (ix) {
		var l = q.toLowerCase(), hits = [];
		ix.forEach(function (e) {
			var n = e[0].toLowerCase(), d = e[4].toLowerCase(), s = 0;
			if (n === l)
				s = 3;
			else if (n.indexOf(l) === 0)
				s = 2;
			else if (d.indexOf(l) >= 0 || n.indexOf(l) >= 0)
				s = 1;
			if (s)
				hits.push([s, e]);
		});
		hits.sort(function (a, b) { return b[0] - a[0] || a[1][1] - b[1][1]; });
		if (!hits.length) {
			out.outerHTML = '<p>Nothing matches.</p>';
			return;
		}
		hits.slice(0, 100).forEach(function (h) {
			var e = h[1], li = document.createElement('li'), a = document.createElement('a');
			a.href = root + 'port/' + e[1] + ext;
			a.textContent = e[0] + ' (' + (e[1] === e[2] ? e[1] : e[1] + '-' + e[2]) + '/' + e[3] + ')';
			li.appendChild(a);
			li.appendChild(document.createTextNode(': ' + e[4]));
			out.appendChild(li);
		});
	});
})();
