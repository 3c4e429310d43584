/*
 * server_limits.c - how many connections the daemon serves: past
 * max_connections a 503 and a close, past a reserve an immediate close, and
 * the open-file limit raised to fit (server.c installs these callbacks).
 */
#include <microhttpd.h>
#include <stdatomic.h>
#include <sys/resource.h>

#include "http/request.h"
#include "http/server_internal.h"
#include "yinhui/log.h"

/* Marks, in a connection's socket context, one opened while max_conns were open. */
static char over_limit_mark;

void yh_srv_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	enum MHD_ConnectionNotificationCode toe)
{
	yh_server *s = cls;

	(void)conn;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		if (atomic_fetch_add(&s->conns, 1) >= (int)s->opts.max_conns)
			*socket_context = &over_limit_mark;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		atomic_fetch_sub(&s->conns, 1);
	}
}

/* Past max_conns and the reserve: closed at once, which a client sees at once (never a wait). */
enum MHD_Result yh_srv_on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	yh_server *s = cls;

	(void)addr;
	(void)addrlen;
	return atomic_load(&s->conns) < (int)s->opts.max_conns + s->conn_reserve ? MHD_YES : MHD_NO;
}

/* Is r on a connection opened over the limit while the limit is still exceeded? */
int yh_srv_over_limit(const yh_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL && ci->socket_context == &over_limit_mark &&
	       atomic_load(&r->srv->conns) > (int)r->srv->opts.max_conns;
}

/*
 * Every connection is a file descriptor, and a process out of them stops
 * accepting (clients then wait, unanswered). Raises the soft limit of open
 * files to what max_conns, its reserve and the workers need, within the
 * hard limit; if even that is too low, serves fewer connections and says so.
 */
void yh_srv_fit_open_files(yh_server *s)
{
	struct rlimit rl;
	rlim_t need, spare = (rlim_t)s->opts.workers + 64; /* database sockets, listen, epoll, logs */
	unsigned fit;

	s->conn_reserve = (int)(s->opts.max_conns / 8);
	if (s->conn_reserve < 16)
		s->conn_reserve = 16;
	if (s->conn_reserve > 256)
		s->conn_reserve = 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	need = (rlim_t)s->opts.max_conns + (rlim_t)s->conn_reserve + spare;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need) ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return;
	fit = rl.rlim_cur > spare + 2 ? (unsigned)(rl.rlim_cur - spare) : 2;
	s->conn_reserve = (int)(fit / 9 > 0 ? fit / 9 : 1);
	s->opts.max_conns = fit - (unsigned)s->conn_reserve;
	yh_log_warn("only %llu open files allowed (ulimit -n): serving at most %u connections",
		(unsigned long long)rl.rlim_cur, s->opts.max_conns);
}
