/* "Did this page answer your question?": the vote is posted in the background and the
 * counts update in place; then the second form asks why (a reason and a
 * comment), posted the same way. When posting fails, a form is sent as it
 * is (the server answers with the page again). The words it shows are the
 * page's, in its language: the section's data-error, data-thanks and
 * data-thanks-why attributes. */
(function () {
	var s = document.getElementById('feedback'), f = s.querySelector('form.vote'), w = s.querySelector('form.why'),
		v = null;
	function note(text) {
		var n = s.querySelector('.note');
		if (!n) {
			n = document.createElement('p');
			n.className = 'note';
			s.insertBefore(n, w);
		}
		n.textContent = text;
	}
	function post(form, d, ok) {
		fetch(form.action, { method: 'POST', body: d, headers: { 'Accept': 'application/json' } })
			.then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
			.then(function (x) {
				if (x[0].ok)
					ok(x[1]);
				else
					note(x[1].error || s.dataset.error);
			})
			.catch(function () {
				var h = document.createElement('input');
				h.type = 'hidden';
				h.name = d.has('vote') ? 'vote' : 'sent';
				h.value = d.get('vote') || '1';
				form.appendChild(h);
				form.submit();
			});
	}
	f.addEventListener('click', function (e) {
		if (e.target.name === 'vote')
			v = e.target.value;
	});
	f.addEventListener('submit', function (e) {
		e.preventDefault();
		var d = new URLSearchParams();
		d.set('vote', v || 'yes');
		post(f, d, function (j) {
			s.querySelector('.yes').textContent = j.yes;
			s.querySelector('.no').textContent = j.no;
			note(s.dataset.thanks);
			w.hidden = false;
		});
	});
	w.addEventListener('submit', function (e) {
		e.preventDefault();
		var d = new URLSearchParams(), r = w.querySelector('input[name=reason]:checked');
		if (r)
			d.set('reason', r.value);
		d.set('comment', w.comment.value);
		post(w, d, function () {
			w.comment.value = '';
			w.hidden = true;
			note(s.dataset.thanksWhy);
		});
	});
})();
