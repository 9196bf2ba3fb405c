/* check_json.c: the check and suggest documents (jw.h) */
#include "check.h"
#include "jw.h"

void pd__reason_jw(struct pd__jw *w, const struct pd_reason *r)
{
	pd__jw_begin_object(w);
	pd__jw_kstr(w, "topic", r->topic);
	pd__jw_kstr(w, "rule", r->rule);
	pd__jw_kstr(w, "weight", pd_verdict_name(r->weight));
	pd__jw_kstr(w, "text", r->text);
	pd__jw_end_object(w);
}
