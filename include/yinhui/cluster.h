/*
 * cluster.h - the embedded default database: a private PostgreSQL cluster.
 *
 * Used when no database is configured. The cluster lives under a home
 * directory (see yh_cluster_home), listens on a unix socket only, is created
 * on first use, started on demand and left running for the next command.
 * As root the server runs as the system account "yinhui" (created if
 * missing), because PostgreSQL refuses to run as root.
 *
 * Layout of HOME: pgdata/ (the data directory), postgres.log (server log),
 * run/ (the socket directory, unless HOME is too long for a socket path, in
 * which case a 0700 directory /tmp/yinhui-<hash of HOME> is used), .lock.
 *
 * PostgreSQL binaries: $YINHUI_PG_BINDIR, else /usr/lib/postgresql/15/bin,
 * else the highest /usr/lib/postgresql/<N>/bin.
 */
#ifndef YH_CLUSTER_H
#define YH_CLUSTER_H

#include <stddef.h>

#include "yinhui/error.h"

/* Size of the path and conninfo buffers in yh_cluster_state. */
#define YH_CLUSTER_PATH_MAX 4096

typedef enum yh_cluster_phase {
	YH_CLUSTER_ABSENT = 0, /* no cluster created under this home yet */
	YH_CLUSTER_STOPPED,    /* created, no postmaster running */
	YH_CLUSTER_RUNNING     /* a postmaster is running on the data directory */
} yh_cluster_phase;

typedef struct yh_cluster_state {
	yh_cluster_phase phase;
	long pid;                              /* postmaster pid when RUNNING, else 0 */
	char data_dir[YH_CLUSTER_PATH_MAX];    /* HOME/pgdata */
	char socket_dir[YH_CLUSTER_PATH_MAX];  /* where the unix socket is (or would be) */
	char log_file[YH_CLUSTER_PATH_MAX];    /* HOME/postgres.log */
	char conninfo[YH_CLUSTER_PATH_MAX];    /* libpq conninfo for database yinhui */
} yh_cluster_state;

/*
 * Writes the cluster home into out (n bytes): $YINHUI_HOME when set and
 * non-empty; else /var/lib/yinhui for root (root's home is closed to the
 * server account); else $XDG_DATA_HOME/yinhui when XDG_DATA_HOME is an
 * absolute path; else ~/.local/share/yinhui. The directory is not created.
 * Returns 0, YH_EINVAL when no home directory can be found, or YH_EINTERNAL
 * when out is too small.
 */
int yh_cluster_home(char *out, size_t n, yh_err *err);

/*
 * Makes sure the cluster under home exists and is running, and that database
 * "yinhui" exists; writes its libpq conninfo ("host=SOCKDIR port=5432
 * dbname=yinhui user=NAME") into conninfo_out (n bytes).
 * On first use runs initdb (UTF8, trust auth behind the 0700 socket, fsync
 * on); starts the server with pg_ctl when it is not running and leaves it
 * running. Concurrent callers serialise on an flock of HOME/.lock, so only
 * one of them creates or starts the cluster. home must be an absolute path.
 * Returns 0; YH_EUNAVAILABLE when the PostgreSQL binaries are missing, when
 * initdb, pg_ctl or the server fail (message names which and why), or when
 * the account running the server cannot reach home; YH_EINVAL for a
 * relative home, one with characters pg_ctl cannot pass through its shell
 * (" $ ` \), or an OS user name unfit for a database user; YH_EINTERNAL for
 * other system-call failures. Runs child processes and waits for them, so
 * SIGCHLD must not be ignored (SIG_IGN) by the caller.
 */
int yh_cluster_ensure_running(const char *home, char *conninfo_out, size_t n, yh_err *err);

/*
 * Fills out with the state of the cluster under home without changing
 * anything (no lock, no start). Returns 0, or YH_EINTERNAL when the paths
 * do not fit or the data directory cannot be inspected.
 */
int yh_cluster_status(const char *home, yh_cluster_state *out, yh_err *err);

/*
 * Stops the cluster under home (pg_ctl -m fast -w stop) and waits until the
 * postmaster process is gone. Stopping a cluster that is not running, or not
 * created, succeeds and does nothing. Returns 0, YH_EUNAVAILABLE when the
 * binaries are missing or pg_ctl fails, YH_EINTERNAL when the postmaster is
 * still there after 30 s or a system call fails.
 */
int yh_cluster_stop(const char *home, yh_err *err);

/*
 * Writes the absolute path of PostgreSQL program name (pg_dump, pg_restore,
 * ...) into out (n bytes), looked up like the server binaries above:
 * $YINHUI_PG_BINDIR, else /usr/lib/postgresql/15/bin, else the highest
 * /usr/lib/postgresql/<N>/bin that has it. Not the /usr/bin wrappers, which
 * pick a version by guessing. Returns 0, YH_EUNAVAILABLE when no such
 * program is installed, or YH_EINTERNAL when out is too small.
 */
int yh_cluster_pg_tool(const char *name, char *out, size_t n, yh_err *err);

/* "not created", "stopped" or "running". */
const char *yh_cluster_phase_name(yh_cluster_phase phase);

#endif
