/* "Was this page helpful?": the vote is posted in the background and the
 * counts update in place; when that fails, the form is sent as it is. */
(function () {
	var s = document.getElementById('feedback'), f = s.querySelector('form'), v = null;
	f.addEventListener('click', function (e) {
		if (e.target.name === 'vote')
			v = e.target.value;
	});
	f.addEventListener('submit', function (e) {
		e.preventDefault();
		var d = new URLSearchParams();
		d.set('vote', v || 'yes');
		d.set('comment', f.comment.value);
		fetch(f.action, { method: 'POST', body: d, headers: { 'Accept': 'application/json' } })
			.then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
			.then(function (x) {
				var r = x[0], j = x[1], n = s.querySelector('.note');
				if (!n) {
					n = document.createElement('p');
					n.className = 'note';
					s.appendChild(n);
				}
				if (r.ok) {
					s.querySelector('.yes').textContent = j.yes;
					s.querySelector('.no').textContent = j.no;
					f.comment.value = '';
					n.textContent = 'Thank you for your feedback.';
				} else {
					n.textContent = j.error || 'Your feedback could not be saved.';
				}
			})
			.catch(function () {
				var h = document.createElement('input');
				h.type = 'hidden';
				h.name = 'vote';
				h.value = v || 'yes';
				f.appendChild(h);
				f.submit();
			});
	});
})();
