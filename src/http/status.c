#include <jansson.h>
#include <stdlib.h>

#include "http/http.h"

int yh_http_status(int code)
{
	switch (code) {
	case YH_OK: return 200;
	case YH_EBADREQ: return 400;
	case YH_EUSAGE: return 400;
	case YH_EUNAUTH: return 401;
	case YH_EFORBIDDEN: return 403;
	case YH_ENOTFOUND: return 404;
	case YH_ECONFLICT: return 409;
	case YH_ETOOBIG: return 413;
	case YH_EINVAL: return 422;
	case YH_ELIMIT: return 429;
	case YH_EUNAVAILABLE: return 503;
	default: return 500;
	}
}

char *yh_http_error_body(const yh_err *err, const char *request_id)
{
	json_t *inner = json_object(), *root = json_object();
	int code = err ? err->code : YH_EINTERNAL;
	char *out;

	json_object_set_new(inner, "code", json_string(yh_code_name(code)));
	/* an internal error says nothing of its cause to the client; the log has it */
	if (code == YH_EINTERNAL || err == NULL)
		json_object_set_new(inner, "message", json_string("internal error; see the server log"));
	else
		json_object_set_new(inner, "message", json_string(err->msg[0] ? err->msg : yh_code_name(code)));
	if (err && err->field[0])
		json_object_set_new(inner, "field", json_string(err->field));
	if (request_id)
		json_object_set_new(inner, "request_id", json_string(request_id));
	json_object_set_new(root, "error", inner);
	out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
	json_decref(root);
	return out;
}
