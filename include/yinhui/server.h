/*
 * server.h - the HTTP daemon: libmicrohttpd for the protocol, a pool of
 * database workers for the work. Requests are suspended while a worker with
 * its own connection runs them, so as many commits are in flight as there
 * are workers (PostgreSQL's group commit does the rest).
 */
#ifndef YH_SERVER_H
#define YH_SERVER_H

#include <stddef.h>

#include "yinhui/error.h"

typedef struct yh_server yh_server;

typedef struct yh_server_opts {
	const char *listen_addr; /* "127.0.0.1" */
	int port;                /* 0 = any free port */
	const char *conninfo;
	int workers;             /* database connections = requests in flight */
	int read_workers;        /* of which at most this many run reads (GET); 0 = twice the CPUs */
	size_t max_body;         /* bytes; larger bodies get 413 */
	size_t max_upload;       /* bytes, for file-upload routes (CSV imports) */
	size_t body_memory;      /* bytes all requests' bodies may hold together; 0 = 4 x max_upload */
	unsigned max_conns;
	unsigned timeout_s;      /* idle/slow client timeout */
	int http_threads;        /* libmicrohttpd polling threads */
} yh_server_opts;

void yh_server_opts_default(yh_server_opts *o);
/* Reads run at once when read_workers is 0: twice the online CPUs (4 if unknown). */
int yh_server_default_read_workers(void);
/* Starts listening; *out owned by caller (yh_server_stop). */
int yh_server_start(yh_server **out, const yh_server_opts *o, yh_err *err);
/* The bound port (useful with port 0). */
int yh_server_port(const yh_server *s);
/* Stops accepting, lets in-flight requests finish (up to grace_s), frees everything. */
void yh_server_stop(yh_server *s, int grace_s);

#endif
