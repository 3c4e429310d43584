/* internal.h - glue between the server loop, idempotency and metrics. Private to src/http. */
#ifndef YH_HTTP_INTERNAL_H
#define YH_HTTP_INTERNAL_H

#include "http/http.h"

typedef struct yh_server yh_server;

/* Runs the matched route's handler, replaying or recording Idempotency-Key results. */
void yh_http_run_handler(yh_req *r);
const char *yh_req_id(const yh_req *r);
const yh_route *yh_req_route(const yh_req *r);
int yh_req_status(const yh_req *r);
/* The response body (NUL-terminated JSON) or NULL. */
const char *yh_req_response(const yh_req *r);
int yh_req_route_index(const yh_req *r);

/* Metrics: one observation per finished request (route index -1 = unrouted). */
void yh_metrics_observe(int route_index, int status, double ms);
/* Renders every metric in Prometheus text format, followed by extra (may be NULL). Caller frees. */
char *yh_metrics_render(const char *extra);
typedef struct yh_pool_stats {
	int size, busy, waiting;       /* workers, workers running a request, requests queued */
	int reads, reads_peak, read_limit; /* reads running now, at most so far, allowed at once */
	int heavy_peak, heavy_limit;       /* the same for heavy reads (YH_ROUTE_HEAVY) */
} yh_pool_stats;
void yh_server_pool_stats(yh_server *s, yh_pool_stats *out);

#endif
