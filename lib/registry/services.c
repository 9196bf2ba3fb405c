/* services.c: the registry as an /etc/services file (text from the
 * registry through pd_buf_text: names and descriptions drive no terminal)
 * or as JSON (jw.h) */
#include <string.h>
#include <strings.h>

#include "image.h"
#include "jw.h"

int pd_registry_services(const struct pd_registry *reg, int json, struct pd_buf *out)
{
	struct pd__jw jw;

	pd__jw_init(&jw, out);
	if (json)
		pd__jw_begin_array(&jw);
	else {
		pd_buf_printf(out, "# /etc/services written by portdex %s from ", pd_version());
		pd_buf_text(out, pd_registry_source(reg));
		pd_buf_puts(out, " (");
		pd_buf_text(out, pd_registry_updated(reg));
		pd_buf_puts(out, ")\n");
	}
	for (uint32_t si = 0; si < reg->h->n_segs; si++) {
		const struct pd__img_seg *s = &reg->segs[si];
		for (unsigned port = s->first; port <= s->last; port++) {
			for (int t = 0; t < PD_NPROTO; t++) {
				const uint32_t *l = &reg->lists[s->list[t]];
				const char *desc = NULL;
				int names = 0;
				for (uint32_t k = 0; k < l[0]; k++) {
					const struct pd__img_entry *e = &reg->entries[l[1 + k]];
					const char *name = pd__str(reg, e->str[PD__S_NAME]);
					int seen = 0;
					if (e->status != PD_ASSIGNED || !*name)
						continue;
					for (uint32_t j = 0; j < k && !seen; j++)
						seen = !strcasecmp(name, pd__str(reg, reg->entries[l[1 + j]].str[PD__S_NAME]));
					if (seen)
						continue;
					if (!names++ && json) {
						pd__jw_begin_object(&jw);
						pd__jw_kstr(&jw, "name", name);
						pd__jw_kuint(&jw, "port", port);
						pd__jw_kstr(&jw, "transport", pd_proto_name(t));
						pd__jw_key(&jw, "aliases");
						pd__jw_begin_array(&jw);
						desc = pd__str(reg, e->str[PD__S_DESC]);
					} else if (json) {
						pd__jw_str(&jw, name);
					} else if (names == 1) {
						size_t from = out->len, w = 0;
						pd_buf_text(out, name);
						for (size_t i = from; i < out->len; i++)
							w += (out->s[i] & 0xc0) != 0x80;
						pd_buf_printf(out, "%*s %u/%s", w < 15 ? (int)(15 - w) : 0, "", port,
							      pd_proto_name(t));
						desc = pd__str(reg, e->str[PD__S_DESC]);
					} else {
						pd_buf_putc(out, ' ');
						pd_buf_text(out, name);
					}
				}
				if (!names)
					continue;
				if (json) {
					pd__jw_end_array(&jw);
					pd__jw_kstr(&jw, "description", desc);
					pd__jw_end_object(&jw);
					continue;
				}
				if (desc && *desc) {
					pd_buf_add(out, "\t# ", 3);
					pd_buf_text(out, desc);
				}
				pd_buf_putc(out, '\n');
			}
		}
	}
	if (json) {
		pd__jw_end_array(&jw);
		pd_buf_putc(out, '\n');
	}
	return out->err;
}
