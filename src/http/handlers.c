/* The common shapes of a handler: decode, call one core function, reply. */
#include <stdlib.h>

#include "http/routes.h"

/* Frees the decoded fields, then replies status with out or, when rc is not 0, the error. */
static int answer(yh_req *r, int rc, yh_fields *f, int status, char *out, const yh_err *err)
{
	yh_fields_free(f);
	if (rc != 0) {
		free(out);
		return yh_reply_error(r, err);
	}
	return yh_reply_json(r, status, out);
}

int yh_http_create(yh_req *r, yh_create_fn fn)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), f, &out, &err);
	return answer(r, rc, f, 201, out, &err);
}

int yh_http_update(yh_req *r, yh_update_fn fn)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), f, &out, &err);
	return answer(r, rc, f, 200, out, &err);
}

int yh_http_get(yh_req *r, yh_get_fn fn)
{
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = fn(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), &out, &err);
	return answer(r, rc, NULL, 200, out, &err);
}

int yh_http_read(yh_req *r, yh_read_fn fn)
{
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = fn(yh_req_db(r), yh_req_actor(r), &out, &err);
	return answer(r, rc, NULL, 200, out, &err);
}

int yh_http_list(yh_req *r, const char *const *keys, yh_create_fn fn)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_query_fields(r, keys, &f, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), f, &out, &err);
	return answer(r, rc, f, 200, out, &err);
}
