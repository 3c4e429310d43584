/*
 * http.h - what a route handler sees. Private to src/http.
 *
 * Handlers run on a database worker thread with a pooled connection and an
 * authenticated actor; they parse the request, call ONE core function and
 * reply. They never hold business rules.
 */
#ifndef YH_HTTP_H
#define YH_HTTP_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/error.h"
#include "yinhui/fields.h"

typedef struct yh_req yh_req;

typedef int (*yh_route_fn)(yh_req *r);

#define YH_ROUTE_PUBLIC 0x1u /* no bearer token needed */
#define YH_ROUTE_NODB 0x2u   /* answered without a database connection */
#define YH_ROUTE_UPLOAD 0x4u /* a file upload: the larger max_upload limit applies */
#define YH_ROUTE_HEAVY 0x8u  /* a read of whole years or files (figures, exports): at most half the read slots */
#define YH_ROUTE_DB_OPTIONAL 0x10u /* still answered (yh_req_db() is NULL) when the database cannot be reached */

typedef struct yh_route {
	const char *method;
	const char *pattern; /* "/api/v1/cadres/:id" */
	yh_route_fn fn;
	unsigned flags;
	const char *name;    /* metrics label, e.g. "cadre_get" */
} yh_route;

/* Path parameter i (0-based, in pattern order), or NULL. */
const char *yh_req_param(const yh_req *r, int i);
/* Query-string argument, or NULL. */
const char *yh_req_query(const yh_req *r, const char *key);
/* Copies query arguments named in keys (NULL-terminated) into *out. */
int yh_req_query_fields(const yh_req *r, const char *const *keys, yh_fields **out, yh_err *err);
/* Decodes the JSON object body into fields. YH_EBADREQ on broken JSON or a non-object. */
int yh_req_body_fields(yh_req *r, yh_fields **out, yh_err *err);
const char *yh_req_body(const yh_req *r, size_t *len);
/* The same decoding on a plain buffer (used by the above, and by the fuzzer). */
int yh_json_to_fields(const char *buf, size_t len, yh_fields **out, yh_err *err);
const char *yh_req_header(const yh_req *r, const char *name);
const char *yh_req_address(const yh_req *r);
yh_db *yh_req_db(yh_req *r);
const yh_actor *yh_req_actor(const yh_req *r);

/* Replies: each takes ownership of the malloc'd body. Return 0 for chaining. */
int yh_reply_json(yh_req *r, int status, char *json);
int yh_reply_error(yh_req *r, const yh_err *err);
int yh_reply_data(yh_req *r, int status, char *data, size_t len, const char *ctype, const char *filename);

/* status.c: code -> HTTP status, and the JSON error body. */
int yh_http_status(int code);
char *yh_http_error_body(const yh_err *err, const char *request_id);

/* The table of every route, terminated by a zeroed entry (router.c). */
extern const yh_route *const yh_route_tables[];

#endif
