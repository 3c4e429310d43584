/* cluster_internal.h - what cluster.c and cluster_proc.c share. Private to src/db. */
#ifndef YH_DB_CLUSTER_INTERNAL_H
#define YH_DB_CLUSTER_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "yinhui/cluster.h"

#define SERVER_ACCOUNT "yinhui"
#define SERVER_ACCOUNT_HOME "/var/lib/yinhui"
#define DATABASE "yinhui"
#define PORT "5432"
#define SOCKET_NAME "/.s.PGSQL." PORT
/* sun_path holds 108 bytes; stay clearly inside it */
#define SOCKET_PATH_MAX 100
#define READY_TIMEOUT_MS 60000
#define GONE_TIMEOUT_MS 30000
#define OUTPUT_MAX 4096

enum { P = YH_CLUSTER_PATH_MAX };

typedef struct cluster_ctx {
	char home[P];
	char data[P];     /* HOME/pgdata, present only once initdb has succeeded */
	char data_new[P]; /* HOME/pgdata.new, where initdb works before the rename */
	char log[P];
	char lock[P];
	char sock[P];
	char bindir[P];
	char super[256]; /* database superuser, also the libpq user */
	int as_root;     /* server binaries run as SERVER_ACCOUNT via runuser */
	uid_t srv_uid;
	gid_t srv_gid;
} cluster_ctx;

/* Process helpers shared by cluster.c, cluster_proc.c and backup.c (private to src/db). */
void yh_cluster_sleep_ms(long ms);
/* 1 when s holds only characters safe in a path we hand to child processes. */
int yh_cluster_plain_path(const char *s);
const char *yh_cluster_sbin_tool(const char *name, char *buf, size_t n);
void yh_cluster_pick_message(const char *buf, char *line, size_t n);
/*
 * Reads a child's output from fd to its end, keeping the first outsz - 1
 * bytes in out (NUL-terminated), then reaps pid: *status is its exit code,
 * or 128 + the signal that ended it.
 */
int yh_cluster_collect(pid_t pid, int fd, char *out, size_t outsz, int *status, yh_err *err);
int yh_cluster_run_cmd(const cluster_ctx *c, int as_server, const char *const *argv, char *out, size_t outsz,
		       int *status, yh_err *err);
int yh_cluster_run_ok(const cluster_ctx *c, int as_server, const char *what, const char *const *argv, yh_err *err);
int yh_cluster_pid_alive(long pid);
long yh_cluster_read_pidfile(const char *data, char *sock, size_t n, int *shmid);
long yh_cluster_running_pid(const char *data, char *sock, size_t n);
void yh_cluster_clear_stale_pidfile(const char *data, const char *sock);
int yh_cluster_wait_gone(long pid, int timeout_ms);

#endif
