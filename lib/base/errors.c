/* errors.c: names of the library's error codes, and the error document */
#include "jw.h"
#include "portdex.h"

const char *pd_strerror(int err)
{
	switch (err) {
	case PD_OK: return "success";
	case PD_ENOMEM: return "out of memory";
	case PD_EINVAL: return "invalid argument";
	case PD_EFORMAT: return "not a registry portdex can read";
	case PD_EIO: return "input/output error";
	case PD_ENOTFOUND: return "not found";
	case PD_EMODULE: return "a portdex module is missing";
	case PD_EFETCH: return "download failed";
	case PD_ETOOBIG: return "input too large";
	case PD_ENOTSUP: return "not supported on this system";
	case PD_EPERM: return "permission denied";
	case PD_ECANCELED: return "stopped on request";
	default: return "unknown error";
	}
}

int pd_error_json(int status, const char *message, struct pd_buf *out)
{
	struct pd__jw w;

	if (!message || !out || status < 400 || status > 599)
		return PD_EINVAL;
	pd__jw_init(&w, out);
	pd__jw_begin_object(&w);
	pd__jw_kstr(&w, "error", message);
	pd__jw_kint(&w, "status", status);
	pd__jw_end_object(&w);
	return out->err;
}
