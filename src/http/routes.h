/* routes.h - the route tables of each module, and shared handler shapes. Private to src/http. */
#ifndef YH_HTTP_ROUTES_H
#define YH_HTTP_ROUTES_H

#include "http/http.h"

typedef struct yh_server yh_server;
yh_server *yh_server_current(void);

/* A core "create from fields" operation: (db, actor, fields, out JSON, err). */
typedef int (*yh_create_fn)(yh_db *, const yh_actor *, const yh_fields *, char **, yh_err *);
/* A core "change record id with fields" operation. */
typedef int (*yh_update_fn)(yh_db *, const yh_actor *, const char *, const yh_fields *, char **, yh_err *);
/* A core "read record id" operation. */
typedef int (*yh_get_fn)(yh_db *, const yh_actor *, const char *, char **, yh_err *);
/* A core read that takes nothing but the actor (a catalogue, a reference list). */
typedef int (*yh_read_fn)(yh_db *, const yh_actor *, char **, yh_err *);

/* Body -> fields -> fn -> 201 with the created record. */
int yh_http_create(yh_req *r, yh_create_fn fn);
/* Path param 0 + body -> fn -> 200. */
int yh_http_update(yh_req *r, yh_update_fn fn);
/* Path param 0 -> fn -> 200. */
int yh_http_get(yh_req *r, yh_get_fn fn);
/* No parameters -> fn -> 200. */
int yh_http_read(yh_req *r, yh_read_fn fn);
/* Query (only keys allowed) -> fields -> fn -> 200 (a list/search). */
int yh_http_list(yh_req *r, const char *const *keys, yh_create_fn fn);

extern const yh_route yh_routes_core[];
extern const yh_route yh_routes_roster[];
extern const yh_route yh_routes_case[];
extern const yh_route yh_routes_pay[];
extern const yh_route yh_routes_eval[];

#endif
