/* The common shapes of a handler: decode, call one core function, reply. */
#include <stdlib.h>

#include "http/routes.h"

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
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 201, out);
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
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

int yh_http_get(yh_req *r, yh_get_fn fn)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (fn(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
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
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}
