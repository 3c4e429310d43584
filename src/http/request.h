/*
 * request.h - one HTTP request as the daemon carries it from libmicrohttpd
 * through a database worker and back: shared by server.c (its life cycle)
 * and request.c (what handlers read and write, and routing).
 */
#ifndef YH_HTTP_REQUEST_H
#define YH_HTTP_REQUEST_H

#include <microhttpd.h>
#include <stddef.h>
#include <time.h>

#include "http/internal.h"
#include "yinhui/actor.h"
#include "yinhui/db.h"

#define MAX_PARAMS 4
#define MAX_QUERY 32
#define MAX_HEADERS 8
enum req_state { RS_RECEIVING = 0, RS_QUEUED, RS_DONE };

struct kv {
	char *key;
	char *val;
};

struct yh_req {
	struct MHD_Connection *conn;
	yh_server *srv;
	enum req_state state;
	char method[8];
	char *url;
	char *pathbuf; /* copy of url split for params */
	const yh_route *route;
	int route_index;
	const char *params[MAX_PARAMS];
	struct kv query[MAX_QUERY];
	size_t nquery;
	struct kv headers[MAX_HEADERS];
	size_t nheaders;
	char address[64];
	char request_id[37];
	char *body;
	size_t body_len, body_cap;
	int too_big;  /* the body is dropped: 1 larger than allowed, 2 all bodies together would exceed body_memory */
	int close_after; /* the answer closes the connection (a refusal over the connection limit) */
	int no_host;     /* HTTP/1.1 without a Host header: 400 */
	int found;
	char allow[64]; /* the path's methods when found is -1: the 405's Allow header */
	size_t max_body;
	size_t discarded;
	struct timespec start;
	struct timespec picked, ran; /* a worker took it / finished it (zero: never queued) */
	/* worker side */
	yh_db *db;
	yh_actor actor;
	/* response */
	int status;
	char *resp;
	size_t resp_len;
	const char *resp_ctype;
	char *resp_filename;
	struct yh_req *next;
};

/*
 * Finds r's route in yh_route_tables: 1 found, 0 no such path, -1 the path
 * exists with other methods (listed in r->allow). HEAD finds the GET route.
 */
int yh_req_route_find(yh_req *r);

#endif
