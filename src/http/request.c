/* What handlers read from a request and write into it, and routing (server.c runs the request). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "http/request.h"
#include "http/routes.h"
#include "yinhui/log.h"

/* ---- request accessors used by handlers ---- */

const char *yh_req_param(const yh_req *r, int i)
{
	return (i >= 0 && i < MAX_PARAMS) ? r->params[i] : NULL;
}

const char *yh_req_query(const yh_req *r, const char *key)
{
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, key) == 0)
			return r->query[i].val;
	return NULL;
}

const char *yh_req_header(const yh_req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].key, name) == 0)
			return r->headers[i].val;
	return NULL;
}

const char *yh_req_body(const yh_req *r, size_t *len)
{
	if (len)
		*len = r->body_len;
	return r->body;
}

const char *yh_req_address(const yh_req *r)
{
	return r->address;
}

yh_db *yh_req_db(yh_req *r)
{
	return r->db;
}

const yh_actor *yh_req_actor(const yh_req *r)
{
	return &r->actor;
}

const char *yh_req_id(const yh_req *r)
{
	return r->request_id;
}

const yh_route *yh_req_route(const yh_req *r)
{
	return r->route;
}

int yh_req_status(const yh_req *r)
{
	return r->status;
}

const char *yh_req_response(const yh_req *r)
{
	return r->resp;
}

int yh_req_route_index(const yh_req *r)
{
	return r->route_index;
}

int yh_reply_data(yh_req *r, int status, char *data, size_t len, const char *ctype, const char *filename)
{
	free(r->resp);
	free(r->resp_filename);
	r->status = status;
	r->resp = data;
	r->resp_len = (len == 0 && data != NULL) ? strlen(data) : len;
	r->resp_ctype = ctype;
	r->resp_filename = filename ? strdup(filename) : NULL;
	return 0;
}

int yh_reply_json(yh_req *r, int status, char *json)
{
	if (json == NULL)
		return yh_reply_error(r, NULL);
	return yh_reply_data(r, status, json, strlen(json), "application/json; charset=utf-8", NULL);
}

int yh_reply_error(yh_req *r, const yh_err *err)
{
	int code = err ? err->code : YH_EINTERNAL;
	yh_err plain;

	if (code == YH_EINTERNAL)
		yh_log_error("internal error: %s", err ? err->msg : "(none)");
	if (code == YH_EUNAVAILABLE && strncmp(err->msg, "database unavailable:", 21) == 0) {
		/* libpq's account (socket paths, the server's FATAL) is for the log; clients get the documented text */
		yh_log_warn("%s", err->msg);
		yh_err_clear(&plain);
		yh_err_set(&plain, YH_EUNAVAILABLE, NULL, "database unavailable; retry shortly");
		err = &plain;
	}
	return yh_reply_data(r, yh_http_status(code), yh_http_error_body(err, r->request_id),
		0, "application/json; charset=utf-8", NULL);
}

/* ---- routing ---- */

static int match(const char *pattern, char *path, const char **params)
{
	int np = 0;
	const char *p = pattern;
	char *s = path;

	while (*p && *s) {
		if (*p == ':') {
			char *end = strchr(s, '/');
			while (*p && *p != '/')
				p++;
			if (np == MAX_PARAMS)
				return 0;
			params[np++] = s;
			if (end == NULL) {
				s += strlen(s);
			} else {
				*end = '\0';
				s = end + 1;
				if (*p == '/')
					p++;
				else
					return 0;
			}
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

/* Methods a route table uses, in the order an Allow header lists them. */
static const char *const allow_order[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", NULL };

/* Writes the Allow list of the methods in mask (bit i: allow_order[i]) into r->allow. */
static void allow_set(yh_req *r, unsigned mask)
{
	size_t len = 0;

	r->allow[0] = '\0';
	for (int i = 0; allow_order[i]; i++)
		if (mask & (1u << i))
			len += (size_t)snprintf(r->allow + len, sizeof(r->allow) - len, "%s%s", len ? ", " : "",
				allow_order[i]);
}

static unsigned allow_bit(const char *method)
{
	for (int i = 0; allow_order[i]; i++)
		if (strcmp(allow_order[i], method) == 0)
			/* a GET route answers HEAD too */
			return (1u << i) | (i == 0 ? 2u : 0u);
	return 0;
}

int yh_req_route_find(yh_req *r)
{
	int path_seen = 0, idx = 0;
	unsigned allowed = 0;
	/* HEAD is GET without the body (RFC 9110 9.3.2); libmicrohttpd leaves the body out */
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;

	for (int t = 0; yh_route_tables[t]; t++) {
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++, idx++) {
			const char *params[MAX_PARAMS] = { 0 };
			free(r->pathbuf);
			r->pathbuf = strdup(r->url);
			if (r->pathbuf == NULL)
				return 0;
			if (!match(rt->pattern, r->pathbuf, params))
				continue;
			path_seen = 1;
			if (strcmp(rt->method, method) != 0) {
				allowed |= allow_bit(rt->method);
				continue;
			}
			memcpy(r->params, params, sizeof(params));
			r->route = rt;
			r->route_index = idx;
			return 1;
		}
	}
	allow_set(r, allowed);
	return path_seen ? -1 : 0;
}

/* ---- body decoding ---- */

int yh_req_body_fields(yh_req *r, yh_fields **out, yh_err *err)
{
	return yh_json_to_fields(r->body, r->body_len, out, err);
}

int yh_req_query_fields(const yh_req *r, const char *const *keys, yh_fields **out, yh_err *err)
{
	yh_fields *f = NULL;
	int rc;

	*out = NULL;
	if (yh_fields_new(&f) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < r->nquery; i++) {
		int known = 0;
		for (size_t k = 0; keys[k]; k++)
			if (strcmp(keys[k], r->query[i].key) == 0)
				known = 1;
		if (!known) {
			rc = yh_err_set(err, YH_EINVAL, r->query[i].key, "unknown query parameter");
			goto fail;
		}
		rc = yh_fields_set(f, r->query[i].key, r->query[i].val, YH_FV_STRING, err);
		if (rc != 0)
			goto fail;
	}
	*out = f;
	return 0;
fail:
	yh_fields_free(f);
	return rc;
}
