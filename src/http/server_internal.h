/*
 * server_internal.h - the daemon's state, shared by server.c (requests,
 * queues, workers) and server_limits.c (connection limits).
 */
#ifndef YH_SERVER_INTERNAL_H
#define YH_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "http/request.h"
#include "yinhui/actor.h"
#include "yinhui/server.h"

/*
 * Resolved bearer tokens are kept this long, so a request costs one database
 * round trip instead of two (docs/performance.md). A revocation in this
 * process takes effect at once (yh_session_generation); one made by another
 * process (the CLI) within the TTL.
 */
#define SESSION_TTL_NS (5LL * 1000000000LL)
#define SESSION_SLOTS 256 /* direct-mapped by token hash: bounded memory */

struct session_slot {
	unsigned char key[32]; /* BLAKE2b of the token: the token itself is never kept */
	int64_t expires;       /* CLOCK_MONOTONIC ns; 0 = empty */
	uint64_t generation;   /* yh_session_generation() read before the lookup that filled it */
	yh_actor actor;
};

struct worker_slot {
	pthread_cond_t cv;
	int waiting;  /* on the idle stack */
	int signaled; /* woken for work, not yet awake (counted in waking) */
};

struct worker_arg {
	yh_server *srv;
	int index;
};

struct yh_server {
	struct MHD_Daemon *mhd;
	pthread_mutex_t session_mu;
	struct session_slot sessions[SESSION_SLOTS];
	yh_server_opts opts;
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t mu;
	/*
	 * Idle workers wait on their own condition variable, on a stack: the one
	 * that went idle last takes the next request. Its PostgreSQL backend is
	 * the warmest, and under light load the same few backends do all the
	 * work; a shared condition variable woke workers in turn and spread
	 * 16 connections' requests over all 32 backends (3,500 -> 2,540
	 * visits/s measured, docs/performance.md).
	 */
	struct worker_slot *slots;
	int *idle;  /* stack of idle worker indexes; the top is the last to go idle */
	int nidle;
	/*
	 * Two queues: reads (GET, HEAD) and changes. A change spends most of its
	 * time waiting for its commit to reach the disk, so many run at once
	 * and ride PostgreSQL's group commit; a read only uses CPU, so more of
	 * them at once than the machine has cores just preempt one another.
	 * 16 concurrent reads on 2 cores with 32 running had a p99 of 130-510 ms
	 * against 3-5 ms with 4 (docs/performance.md "Session 3").
	 */
	yh_req *head[3], *tail[3];
	int nq[3];
	int queued;
	int waking; /* workers signalled for work that have not woken yet */
	int reads_running;
	int reads_peak; /* the most reads ever running at once (metrics) */
	int read_limit;
	/*
	 * Heavy reads (YH_ROUTE_HEAVY: a year's figures, an export; 0.5-5 s each)
	 * count as reads and may hold at most half the read slots, so a clerk's
	 * exports leave room for the caseworkers' lists.
	 */
	int heavy_running;
	int heavy_peak;
	int heavy_limit;
	int stopping;
	/*
	 * Open connections. Up to opts.max_conns are served; the next
	 * conn_reserve are accepted only to be answered 503 and closed; past
	 * those a connection is closed at once. libmicrohttpd's own limit is
	 * never reached: at it, it stops accepting and a client waits in the
	 * listen queue until an idle connection times out (seconds, not an
	 * answer).
	 */
	atomic_int conns;
	int conn_reserve;
	atomic_int in_flight;
	/*
	 * Bytes held by request bodies, all connections together. Bodies are
	 * read before the request is authenticated (that takes the database),
	 * so without a ceiling 1,024 connections each sending a 64 MB import
	 * could ask for 64 GB.
	 */
	atomic_size_t body_bytes;
	size_t body_memory;
	atomic_int busy_workers;
};

/* The three queues: changes, reads, heavy reads (figures, exports). */
enum { Q_CHANGE = 0, Q_READ = 1, Q_HEAVY = 2, NQ = 3 };

/* Connection limits (server_limits.c): libmicrohttpd callbacks and the open-file fit at start. */
void yh_srv_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	enum MHD_ConnectionNotificationCode toe);
enum MHD_Result yh_srv_on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* Is r on a connection opened over the limit while the limit is still exceeded? */
int yh_srv_over_limit(const yh_req *r);
void yh_srv_fit_open_files(yh_server *s);

/* Who a request comes from (server_client.c). */
/* r->address: the peer's, or from a loopback peer (nginx) the address in X-Real-IP. */
void yh_srv_client_address(yh_req *r, struct MHD_Connection *conn);
/* r->request_id: the caller's X-Request-Id when it is a plain token, else a new uuid. */
void yh_srv_request_id(yh_req *r);
/* 1 when r is a change (POST, PUT, PATCH, DELETE) whose Origin is not host (the request's Host). */
int yh_srv_foreign_origin(const yh_req *r, const char *host);

#endif
