#include "yinhui/server.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/internal.h"
#include "http/request.h"
#include "http/routes.h"
#include "yinhui/log.h"
#include "yinhui/staff.h"
#include "yinhui/util.h"

#include "http/server_internal.h"

static yh_server *current_server;

yh_server *yh_server_current(void)
{
	return current_server;
}

static const char *const tracked_headers[] = {
	"Authorization", "Idempotency-Key", "Content-Type", "X-Request-Id", "Origin", NULL
};

/*
 * What a browser may do with an answer. The API's JSON, CSV and workbooks
 * are data, never a page: nothing loads from them, and no page of any site
 * frames them. The HTML report is a page with an inline stylesheet and
 * inline SVG, and no script at all: should a hostile name ever slip through
 * the escaping, the browser still runs nothing.
 */
static const char CSP_DATA[] = "default-src 'none'; frame-ancestors 'none'";
static const char CSP_HTML[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
			       "form-action 'none'; frame-ancestors 'none'";

/* ---- request lifecycle ---- */

static void req_free(yh_req *r)
{
	if (r == NULL)
		return;
	free(r->url);
	free(r->pathbuf);
	for (size_t i = 0; i < r->nquery; i++) {
		free(r->query[i].key);
		free(r->query[i].val);
	}
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->headers[i].val);
	if (r->body_cap > 0)
		atomic_fetch_sub(&r->srv->body_bytes, r->body_cap);
	free(r->body);
	free(r->resp);
	free(r->resp_filename);
	free(r);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	yh_req *r = cls;

	(void)kind;
	if (r->nquery == MAX_QUERY)
		return MHD_NO;
	r->query[r->nquery].key = strdup(key);
	r->query[r->nquery].val = strdup(value ? value : "");
	r->nquery++;
	return MHD_YES;
}

static void capture(yh_req *r, struct MHD_Connection *conn)
{
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, r);
	for (int i = 0; tracked_headers[i]; i++) {
		const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, tracked_headers[i]);
		if (v != NULL && r->nheaders < MAX_HEADERS) {
			r->headers[r->nheaders].key = (char *)tracked_headers[i];
			r->headers[r->nheaders].val = strdup(v);
			r->nheaders++;
		}
	}
	yh_srv_client_address(r, conn);
	yh_srv_request_id(r);
}

static enum MHD_Result send_reply(yh_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(r->resp_len, r->resp ? r->resp : (void *)"", MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	r->resp = NULL; /* now owned by the response */
	MHD_add_response_header(resp, "Content-Type", r->resp_ctype ? r->resp_ctype : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
		r->resp_ctype && strncmp(r->resp_ctype, "text/html", 9) == 0 ? CSP_HTML : CSP_DATA);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY"); /* browsers without frame-ancestors */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r->resp_filename) {
		char disp[512];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", r->resp_filename);
		MHD_add_response_header(resp, "Content-Disposition", disp);
	}
	if (r->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
	if (r->close_after) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	}
	if (r->status == 405 && r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow); /* RFC 9110 15.5.6: a 405 says what is allowed */
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void log_request(yh_req *r)
{
	struct timespec now;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ms_between(&r->start, &now);
	yh_metrics_observe(r->route ? r->route_index : -1, r->status, ms);
	yh_log_set_request_id(r->request_id);
	/* where the time went: waiting for a worker, in the handler, and handing the reply back */
	if (r->picked.tv_sec != 0)
		yh_log_info("%s %s %d %.1fms actor=%s wait=%.1fms run=%.1fms", r->method,
			r->route ? r->route->pattern : "(unrouted)", r->status, ms,
			r->actor.username[0] ? r->actor.username : "-", ms_between(&r->start, &r->picked),
			ms_between(&r->picked, &r->ran));
	else
		yh_log_info("%s %s %d %.1fms actor=%s", r->method, r->route ? r->route->pattern : "(unrouted)",
			r->status, ms, r->actor.username[0] ? r->actor.username : "-");
	yh_log_set_request_id(NULL);
}

/* How much of an oversized body is read and dropped before the 413 is sent. */
static size_t discard_bound(size_t max_body)
{
	size_t extra = 4 * max_body;

	return max_body + (extra < (16u << 20) ? extra : (16u << 20));
}

static void reply_now(yh_req *r, int code, const char *field, const char *msg)
{
	yh_err e;

	yh_err_clear(&e);
	yh_err_set(&e, code, field, "%s", msg);
	yh_reply_error(r, &e);
}


static int req_queue(const yh_req *r)
{
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return Q_CHANGE;
	return (r->route->flags & YH_ROUTE_HEAVY) ? Q_HEAVY : Q_READ;
}

/* May a request of queue q start now? Caller holds s->mu. */
static int may_start(const yh_server *s, int q)
{
	if (q == Q_CHANGE)
		return 1;
	if (s->reads_running >= s->read_limit)
		return 0;
	return q == Q_READ || s->heavy_running < s->heavy_limit;
}

/* Caller holds s->mu. */
static int can_take(const yh_server *s)
{
	for (int q = 0; q < NQ; q++)
		if (s->head[q] != NULL && may_start(s, q))
			return 1;
	return 0;
}

static int arrived_before(const yh_req *a, const yh_req *b)
{
	return a->start.tv_sec < b->start.tv_sec || (a->start.tv_sec == b->start.tv_sec && a->start.tv_nsec < b->start.tv_nsec);
}

/* The oldest request a worker may run now; caller holds s->mu and has checked can_take(). */
static yh_req *take(yh_server *s)
{
	yh_req *r;
	int q = -1;

	for (int i = 0; i < NQ; i++)
		if (s->head[i] != NULL && may_start(s, i) && (q < 0 || arrived_before(s->head[i], s->head[q])))
			q = i;
	r = s->head[q];
	s->head[q] = r->next;
	if (s->head[q] == NULL)
		s->tail[q] = NULL;
	s->queued--;
	s->nq[q]--;
	if (q != Q_CHANGE && ++s->reads_running > s->reads_peak)
		s->reads_peak = s->reads_running;
	if (q == Q_HEAVY && ++s->heavy_running > s->heavy_peak)
		s->heavy_peak = s->heavy_running;
	return r;
}

/* Requests a worker could take now; caller holds s->mu. */
static int takeable(const yh_server *s)
{
	int slots = s->read_limit - s->reads_running, heavy = s->heavy_limit - s->heavy_running, reads;

	if (heavy > s->nq[Q_HEAVY])
		heavy = s->nq[Q_HEAVY];
	reads = s->nq[Q_READ] + (heavy > 0 ? heavy : 0);
	if (reads > slots)
		reads = slots;
	return s->nq[Q_CHANGE] + (reads > 0 ? reads : 0);
}

/*
 * Wakes the last worker to go idle when there is work for it that no worker
 * already woken will take; caller holds s->mu.
 */
static void wake_one(yh_server *s)
{
	if (s->nidle > 0 && takeable(s) > s->waking) {
		int w = s->idle[--s->nidle];
		s->slots[w].waiting = 0;
		s->slots[w].signaled = 1;
		s->waking++;
		pthread_cond_signal(&s->slots[w].cv);
	}
}

static void enqueue(yh_server *s, yh_req *r)
{
	int q = req_queue(r);

	pthread_mutex_lock(&s->mu);
	r->next = NULL;
	if (s->tail[q])
		s->tail[q]->next = r;
	else
		s->head[q] = r;
	s->tail[q] = r;
	s->queued++;
	s->nq[q]++;
	wake_one(s);
	pthread_mutex_unlock(&s->mu);
}

/* The methods of RFC 9110 and PATCH; any other gets 501. */
static int known_method(const char *m)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
		"CONNECT", NULL };

	for (int i = 0; known[i]; i++)
		if (strcmp(m, known[i]) == 0)
			return 1;
	return 0;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **req_cls)
{
	yh_server *s = cls;
	yh_req *r = *req_cls;
	const char *cl;
	int found;

	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		r->conn = conn;
		r->srv = s;
		r->route_index = -1;
		clock_gettime(CLOCK_MONOTONIC, &r->start);
		snprintf(r->method, sizeof(r->method), "%s", method);
		r->url = strdup(url);
		if (r->url == NULL) {
			free(r);
			return MHD_NO;
		}
		capture(r, conn);
		*req_cls = r;
		atomic_fetch_add(&s->in_flight, 1);
		if (yh_srv_over_limit(r)) {
			reply_now(r, YH_EUNAVAILABLE, NULL, "too many connections; retry shortly");
			r->close_after = 1;
			r->state = RS_DONE;
			log_request(r);
			return send_reply(r);
		}
		/* RFC 9112 3.2: an HTTP/1.1 request without a Host header is answered 400 (once it is all in) */
		r->no_host = strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST) == NULL;
		r->found = yh_req_route_find(r);
		r->max_body = (r->found > 0 && (r->route->flags & YH_ROUTE_UPLOAD)) ? s->opts.max_upload : s->opts.max_body;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > r->max_body) {
			/*
			 * Answering before the body is read makes the close reset the
			 * connection, and a client still sending may lose the 413 to the
			 * reset. A body within the discard bound is read and dropped
			 * first; only a huge one is refused before a byte of it.
			 */
			const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
			/*
			 * A client that sent "Expect: 100-continue" waits for our
			 * word before sending the body (curl does for large
			 * bodies): it gets the 413 instead of a 100 Continue that
			 * would make it upload what is then thrown away.
			 */
			if (strtoull(cl, NULL, 10) <= discard_bound(r->max_body) &&
			    (expect == NULL || strcasecmp(expect, "100-continue") != 0)) {
				r->too_big = 1;
				return MHD_YES;
			}
			reply_now(r, YH_ETOOBIG, NULL, "request body too large");
			r->state = RS_DONE;
			log_request(r);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (r->state == RS_DONE) {
		log_request(r);
		return send_reply(r);
	}
	if (*upload_data_size > 0) {
		if (!r->too_big) {
			if (r->body_len + *upload_data_size > r->max_body) {
				r->too_big = 1;
			} else {
				if (r->body_len + *upload_data_size + 1 > r->body_cap) {
					size_t cap = (r->body_len + *upload_data_size + 1) * 2;
					size_t grow;
					char *nb;
					if (cap > r->max_body + 1)
						cap = r->max_body + 1;
					grow = cap - r->body_cap;
					if (atomic_fetch_add(&s->body_bytes, grow) + grow > s->body_memory) {
						atomic_fetch_sub(&s->body_bytes, grow);
						r->too_big = 2;
						goto dropped;
					}
					nb = realloc(r->body, cap);
					if (nb == NULL) {
						atomic_fetch_sub(&s->body_bytes, grow);
						return MHD_NO;
					}
					r->body = nb;
					r->body_cap = cap;
				}
				memcpy(r->body + r->body_len, upload_data, *upload_data_size);
				r->body_len += *upload_data_size;
				r->body[r->body_len] = '\0';
			}
		}
dropped:
		/* a chunked body without a length: discard the rest, but not forever */
		r->discarded += r->too_big ? *upload_data_size : 0;
		*upload_data_size = 0;
		if (r->discarded > discard_bound(r->max_body))
			return MHD_NO;
		return MHD_YES;
	}
	if (r->too_big) {
		if (r->too_big == 2)
			reply_now(r, YH_EUNAVAILABLE, NULL, "server busy receiving other uploads; retry shortly");
		else
			reply_now(r, YH_ETOOBIG, NULL, "request body too large");
		r->state = RS_DONE;
		log_request(r);
		return send_reply(r);
	}
	/* the whole request is here */
	found = r->found;
	if (r->no_host) {
		reply_now(r, YH_EBADREQ, "Host", "an HTTP/1.1 request needs a Host header");
	} else if (!known_method(r->method)) {
		/* RFC 9110 15.6.2: a method the server does not recognise is 501, not 405 */
		yh_err e;
		yh_err_clear(&e);
		yh_err_set(&e, YH_EBADREQ, NULL, "method %s is not implemented", r->method);
		yh_reply_data(r, 501, yh_http_error_body(&e, r->request_id), 0, "application/json; charset=utf-8", NULL);
	} else if (yh_srv_foreign_origin(r, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))) {
		yh_log_warn("refused %s %s from a page of origin %s", r->method,
			r->found > 0 ? r->route->pattern : "(unrouted)", yh_req_header(r, "Origin"));
		reply_now(r, YH_EFORBIDDEN, "Origin",
			"a page of another origin may not send this request: serve the page from this server's origin");
	} else if (found == 0) {
		reply_now(r, YH_ENOTFOUND, NULL, "no such endpoint");
	} else if (found < 0) {
		yh_err e;
		yh_err_clear(&e);
		yh_err_set(&e, YH_EBADREQ, NULL, "method %s not allowed here", r->method);
		yh_reply_data(r, 405, yh_http_error_body(&e, r->request_id), 0, "application/json; charset=utf-8", NULL);
	} else if (r->route->flags & YH_ROUTE_NODB) {
		yh_err_clear(&(yh_err){ 0 });
		r->route->fn(r);
	} else {
		int full;
		pthread_mutex_lock(&s->mu);
		full = s->queued >= 4 * s->opts.workers + 1024;
		pthread_mutex_unlock(&s->mu);
		if (full) {
			reply_now(r, YH_EUNAVAILABLE, NULL, "server busy; retry shortly");
		} else {
			r->state = RS_QUEUED;
			MHD_suspend_connection(conn);
			enqueue(s, r);
			return MHD_YES;
		}
	}
	r->state = RS_DONE;
	log_request(r);
	return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	yh_server *s = cls;
	yh_req *r = *req_cls;

	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	req_free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- session cache ---- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Resolves a bearer token through the cache; a miss asks the database and fills the slot. */
static int session_resolve(yh_server *s, yh_db *db, const char *token, yh_actor *out, yh_err *err)
{
	unsigned char key[32];
	struct session_slot *slot;
	uint64_t gen = yh_session_generation();
	int64_t now = mono_ns();
	int rc, hit = 0;

	crypto_generichash(key, sizeof(key), (const unsigned char *)token, strlen(token), NULL, 0);
	slot = &s->sessions[(key[0] | ((unsigned)key[1] << 8)) % SESSION_SLOTS];
	pthread_mutex_lock(&s->session_mu);
	if (slot->expires > now && slot->generation == gen && memcmp(slot->key, key, sizeof(key)) == 0) {
		*out = slot->actor;
		hit = 1;
	}
	pthread_mutex_unlock(&s->session_mu);
	if (hit)
		return 0;
	rc = yh_session_resolve(db, token, out, err);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&s->session_mu);
	memcpy(slot->key, key, sizeof(key));
	slot->actor = *out;
	slot->generation = gen;
	slot->expires = now + SESSION_TTL_NS;
	pthread_mutex_unlock(&s->session_mu);
	return 0;
}

/* ---- workers ---- */

static void run_request(yh_server *s, yh_req *r, yh_db **dbp)
{
	yh_err err;
	int rc;

	yh_err_clear(&err);
	yh_log_set_request_id(r->request_id);
	if (*dbp == NULL) {
		rc = yh_db_open(dbp, s->opts.conninfo, "yinhuid", &err);
	} else {
		rc = yh_db_ensure(*dbp, &err);
	}
	if (rc != 0 && (r->route->flags & YH_ROUTE_DB_OPTIONAL)) {
		/* /metrics must keep answering while the database is down: that is when it is read */
		yh_log_warn("%s", err.msg);
		r->db = NULL;
		yh_http_run_handler(r);
		goto done;
	}
	if (rc != 0) {
		yh_log_warn("%s", err.msg);
		yh_err_set(&err, YH_EUNAVAILABLE, NULL, "database unavailable; retry shortly");
		yh_reply_error(r, &err);
		goto done;
	}
	r->db = *dbp;
	snprintf(r->actor.request_id, sizeof(r->actor.request_id), "%s", r->request_id);
	if (!(r->route->flags & YH_ROUTE_PUBLIC)) {
		const char *auth = yh_req_header(r, "Authorization");
		if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
			yh_err_set(&err, YH_EUNAUTH, NULL, "missing bearer token (POST /api/v1/session to log in)");
			yh_reply_error(r, &err);
			goto done;
		}
		rc = session_resolve(s, r->db, auth + 7, &r->actor, &err);
		if (rc != 0) {
			yh_reply_error(r, &err);
			goto done;
		}
		snprintf(r->actor.request_id, sizeof(r->actor.request_id), "%s", r->request_id);
	}
	yh_http_run_handler(r);
	/*
	 * A change to staff accounts or a logout has committed by now (also
	 * inside an Idempotency-Key transaction): resolve every token afresh.
	 * A login (POST /api/v1/session) changes no existing session.
	 */
	if (r->status < 300 && ((req_queue(r) == Q_CHANGE && strncmp(r->route->pattern, "/api/v1/staff", 13) == 0) ||
		    (strcmp(r->method, "DELETE") == 0 && strcmp(r->route->pattern, "/api/v1/session") == 0)))
		yh_session_changed();
done:
	/* a handler that left a transaction open must not leak it into the next request */
	if (r->db && yh_db_in_tx(r->db)) {
		yh_log_error("handler left a transaction open; rolled back");
		while (yh_db_in_tx(r->db))
			yh_db_rollback(r->db);
	}
	yh_log_set_request_id(NULL);
}

/* Takes worker i off the idle stack (it woke without being popped: spuriously, or to stop). */
static void idle_remove(yh_server *s, int i)
{
	for (int k = 0; k < s->nidle; k++)
		if (s->idle[k] == i) {
			memmove(&s->idle[k], &s->idle[k + 1], (size_t)(s->nidle - k - 1) * sizeof(int));
			s->nidle--;
			break;
		}
	s->slots[i].waiting = 0;
}

static void *worker_main(void *arg)
{
	yh_server *s = ((struct worker_arg *)arg)->srv;
	int me = ((struct worker_arg *)arg)->index;
	struct worker_slot *slot;
	yh_db *db = NULL;

	free(arg);
	slot = &s->slots[me];
	for (;;) {
		yh_req *r;
		int q;

		pthread_mutex_lock(&s->mu);
		while (!can_take(s) && !s->stopping) {
			if (!slot->waiting) {
				slot->waiting = 1;
				s->idle[s->nidle++] = me;
			}
			pthread_cond_wait(&slot->cv, &s->mu);
			if (slot->signaled) {
				slot->signaled = 0;
				s->waking--;
			}
		}
		if (slot->waiting)
			idle_remove(s, me);
		if (!can_take(s) && s->stopping) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		r = take(s);
		/*
		 * More may be runnable than this worker takes (a read's slot freed
		 * while it took a change): pass it on rather than leave it to the
		 * next arrival.
		 */
		wake_one(s);
		pthread_mutex_unlock(&s->mu);

		atomic_fetch_add(&s->busy_workers, 1);
		clock_gettime(CLOCK_MONOTONIC, &r->picked);
		run_request(s, r, &db);
		clock_gettime(CLOCK_MONOTONIC, &r->ran);
		atomic_fetch_sub(&s->busy_workers, 1);
		q = req_queue(r);
		if (q != Q_CHANGE) {
			/* this worker loops back and takes the next read itself */
			pthread_mutex_lock(&s->mu);
			s->reads_running--;
			if (q == Q_HEAVY)
				s->heavy_running--;
			pthread_mutex_unlock(&s->mu);
		}
		r->state = RS_DONE;
		MHD_resume_connection(r->conn);
	}
	yh_db_close(db);
	return NULL;
}

void yh_server_pool_stats(yh_server *s, yh_pool_stats *out)
{
	out->busy = atomic_load(&s->busy_workers);
	out->size = s->opts.workers;
	pthread_mutex_lock(&s->mu);
	out->waiting = s->queued;
	out->reads = s->reads_running;
	out->reads_peak = s->reads_peak;
	out->read_limit = s->read_limit;
	out->heavy_peak = s->heavy_peak;
	out->heavy_limit = s->heavy_limit;
	pthread_mutex_unlock(&s->mu);
}

int yh_server_default_read_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 4 : (int)(2 * n);
}

void yh_server_opts_default(yh_server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen_addr = "127.0.0.1";
	o->port = 8640;
	o->workers = 32;
	o->max_body = 1u << 20;
	o->max_upload = 64u << 20;
	o->max_conns = 1024;
	o->timeout_s = 30;
	o->http_threads = 2;
}

int yh_server_start(yh_server **out, const yh_server_opts *o, yh_err *err)
{
	yh_server *s = NULL;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
		MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	unsigned mhd_limit;
	int rc = 0;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	s->opts = *o;
	s->body_memory = o->body_memory > 0 ? o->body_memory : 4 * o->max_upload;
	if (s->body_memory < o->max_upload + 1)
		s->body_memory = o->max_upload + 1;
	if (s->opts.workers < 1)
		s->opts.workers = 1;
	s->read_limit = s->opts.read_workers > 0 ? s->opts.read_workers : yh_server_default_read_workers();
	if (s->read_limit > s->opts.workers)
		s->read_limit = s->opts.workers;
	s->heavy_limit = s->read_limit > 1 ? s->read_limit / 2 : 1;
	if (s->opts.max_conns < 1)
		s->opts.max_conns = 1;
	yh_srv_fit_open_files(s);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->session_mu, NULL);
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, o->listen_addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)o->port);
		sa = (const struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, o->listen_addr, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)o->port);
		sa = (const struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		rc = yh_err_set(err, YH_EINVAL, "listen", "not an IP address: %s", o->listen_addr);
		goto done;
	}
	s->threads = calloc((size_t)s->opts.workers, sizeof(pthread_t));
	s->slots = calloc((size_t)s->opts.workers, sizeof(*s->slots));
	s->idle = calloc((size_t)s->opts.workers, sizeof(int));
	if (s->threads == NULL || s->slots == NULL || s->idle == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	for (int i = 0; i < s->opts.workers; i++)
		pthread_cond_init(&s->slots[i].cv, NULL);
	for (int i = 0; i < s->opts.workers; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));
		if (wa != NULL) {
			wa->srv = s;
			wa->index = i;
		}
		if (wa == NULL || pthread_create(&s->threads[i], NULL, worker_main, wa) != 0) {
			free(wa);
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot start worker threads");
			goto done;
		}
		s->nthreads = i + 1;
	}
	/*
	 * libmicrohttpd splits its limit between the pool's threads and a
	 * thread at its share stops accepting: twice ours keeps every share
	 * above what on_accept lets in.
	 */
	mhd_limit = 2 * (s->opts.max_conns + (unsigned)s->conn_reserve);
	s->mhd = MHD_start_daemon(flags, 0, yh_srv_on_accept, s, on_access, s,
		MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->http_threads > 0 ? o->http_threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, mhd_limit,
		MHD_OPTION_NOTIFY_CONNECTION, yh_srv_on_connection, s,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	if (s->mhd == NULL) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, "listen", "cannot listen on %s:%d (in use?)", o->listen_addr, o->port);
		goto done;
	}
done:
	if (rc != 0) {
		yh_server_stop(s, 0);
	} else {
		if (current_server == NULL) /* the first one: a test may start a second beside it */
			current_server = s;
		*out = s;
	}
	return rc;
}

int yh_server_port(const yh_server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : -1;
}

void yh_server_stop(yh_server *s, int grace_s)
{
	if (s == NULL)
		return;
	if (current_server == s)
		current_server = NULL;
	if (s->mhd != NULL) {
		MHD_socket sock = MHD_quiesce_daemon(s->mhd);
		/* finish what was accepted: wait for in-flight requests to drain */
		for (int i = 0; i < grace_s * 100 && atomic_load(&s->in_flight) > 0; i++)
			usleep(10000);
		if (sock != MHD_INVALID_SOCKET)
			close(sock);
	}
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	for (int i = 0; i < s->nthreads; i++)
		pthread_cond_signal(&s->slots[i].cv);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	free(s->threads);
	for (int i = 0; s->slots != NULL && i < s->opts.workers; i++)
		pthread_cond_destroy(&s->slots[i].cv);
	free(s->slots);
	free(s->idle);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->session_mu);
	sodium_memzero(s->sessions, sizeof(s->sessions));
	free(s);
}
