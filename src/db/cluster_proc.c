/*
 * cluster_proc.c - child processes and postmaster pids of the embedded
 * cluster (see cluster.c).
 *
 * Child processes (initdb, pg_ctl, useradd) run through fork/execv with an
 * argv, never through a shell, and their output is captured for yh_err.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* flock, setgroups, syscall */
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif

#include "yinhui/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/cluster_internal.h"

/* The line of output worth reporting: the last one that names an error, else the last one. */
void  yh_cluster_pick_message(const char *buf, char *line, size_t n)
{
	static const char *const marks[] = { "error:", "FATAL:", "ERROR:", "PANIC:" };
	const char *p = buf, *best = NULL, *last = NULL;
	char cur[512];
	size_t len, i;

	line[0] = '\0';
	while (*p != '\0') {
		len = strcspn(p, "\n");
		if (len > 0) {
			last = p;
			snprintf(cur, sizeof(cur), "%.*s", (int)len, p);
			for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
				if (strstr(cur, marks[i]) != NULL)
					best = p;
			}
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (best == NULL)
		best = last;
	if (best != NULL)
		snprintf(line, n, "%.*s", (int)strcspn(best, "\n"), best);
}

int yh_cluster_collect(pid_t pid, int fd, char *out, size_t outsz, int *status, yh_err *err)
{
	size_t used = 0;
	int ws = 0;

	out[0] = '\0';
	for (;;) {
		char tmp[1024];
		ssize_t got = read(fd, tmp, sizeof(tmp));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		/* keep the beginning, and read on to the end so the child never blocks on a full pipe */
		if (used + 1 < outsz) {
			size_t take = (size_t)got < outsz - 1 - used ? (size_t)got : outsz - 1 - used;

			memcpy(out + used, tmp, take);
			used += take;
			out[used] = '\0';
		}
	}
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return yh_err_set(err, YH_EINTERNAL, NULL, "waitpid: %s", strerror(errno));
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	return 0;
}

/*
 * Runs argv[0] (an absolute path) with stdout and stderr captured into out
 * (NUL-terminated, truncated). With as_server and root, it runs through
 * runuser as the server account. The child starts in "/" so the server
 * account never needs to enter the caller's working directory.
 * Sets *status to the exit status (or 128 + signal).
 */
int  yh_cluster_run_cmd(const cluster_ctx *c, int as_server, const char *const *argv, char *out, size_t outsz,
		   int *status, yh_err *err)
{
	const char *full[32];
	char runuser[64];
	int fds[2] = { -1, -1 };
	int nfull = 0, i, rc = 0, devnull;
	pid_t pid;

	if (as_server && c->as_root) {
		full[nfull++] = yh_cluster_sbin_tool("runuser", runuser, sizeof(runuser));
		if (full[0] == NULL)
			return yh_err_set(err, YH_EUNAVAILABLE, NULL, "runuser not found (util-linux)");
		full[nfull++] = "-u";
		full[nfull++] = SERVER_ACCOUNT;
		full[nfull++] = "--";
	}
	for (i = 0; argv[i] != NULL && nfull < 31; i++)
		full[nfull++] = argv[i];
	full[nfull] = NULL;
	out[0] = '\0';

	if (pipe(fds) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "pipe: %s", strerror(errno));
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		/* only async-signal-safe calls between fork and exec */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		/* the postmaster must inherit nothing of ours: not the lock, not a caller's socket */
#ifdef SYS_close_range
		if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
			for (i = 3; i < 1024; i++)
				close(i);
		if (chdir("/") != 0)
			_exit(126);
		execv(full[0], (char *const *)full);
		(void)!write(2, "exec failed: ", 13);
		(void)!write(2, full[0], strlen(full[0]));
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	rc = yh_cluster_collect(pid, fds[0], out, outsz, status, err);

done:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return rc;
}

/* Runs a command that must succeed; on failure the message is "<what> failed: <its error line>". */
int  yh_cluster_run_ok(const cluster_ctx *c, int as_server, const char *what, const char *const *argv, yh_err *err)
{
	char out[OUTPUT_MAX], line[200];
	int status = 0, rc;

	rc = yh_cluster_run_cmd(c, as_server, argv, out, sizeof(out), &status, err);
	if (rc != 0)
		return rc;
	if (status == 0)
		return 0;
	yh_cluster_pick_message(out, line, sizeof(line));
	return yh_err_set(err, YH_EUNAVAILABLE, NULL, "%s failed (exit %d): %s", what, status,
			  line[0] ? line : "no output");
}

/* Alive and not a zombie; a zombie postmaster no longer touches anything. */
int  yh_cluster_pid_alive(long pid)
{
	char path[64], buf[512];
	const char *paren;
	FILE *f;
	size_t got;

	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 1; /* no /proc: trust kill() */
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = '\0';
	paren = strrchr(buf, ')');
	if (paren != NULL && paren[1] == ' ' && paren[2] == 'Z')
		return 0;
	/* a stale postmaster.pid after a reboot may name an unrelated process */
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 1;
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = '\0';
	return got == 0 || strstr(buf, "postgres") != NULL;
}

/*
 * Reads postmaster.pid: line 1 the pid, line 5 the first socket directory,
 * line 7 the shared memory key and id. Returns the pid, 0 without a file.
 */
long  yh_cluster_read_pidfile(const char *data, char *sock, size_t n, int *shmid)
{
	char path[P + 32], line[P];
	long pid = 0, key;
	int lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/postmaster.pid", data);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL && ++lineno <= 7) {
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1)
			pid = strtol(line, NULL, 10);
		else if (lineno == 5 && sock != NULL && line[0] == '/' && yh_cluster_plain_path(line))
			snprintf(sock, n, "%s", line);
		else if (lineno == 7 && shmid != NULL && sscanf(line, "%ld %d", &key, shmid) != 2)
			*shmid = -1;
	}
	fclose(f);
	return pid;
}

/* The running postmaster's pid, else 0; fills sock with its actual socket directory. */
long  yh_cluster_running_pid(const char *data, char *sock, size_t n)
{
	long pid = yh_cluster_read_pidfile(data, sock, n, NULL);

	return yh_cluster_pid_alive(pid) ? pid : 0;
}

/*
 * A postmaster killed outright leaves postmaster.pid behind. If its pid still
 * exists (a zombie nobody reaps in a container, or a reused pid after a
 * reboot) PostgreSQL refuses to start. Remove the file then, but only when no
 * process is attached to the old shared memory, which is PostgreSQL's own test.
 */
void  yh_cluster_clear_stale_pidfile(const char *data, const char *sock)
{
	char path[P + 32], line[64];
	struct shmid_ds ds;
	int shmid = -1;
	long pid = yh_cluster_read_pidfile(data, NULL, 0, &shmid);
	FILE *f;

	if (pid <= 0 || yh_cluster_pid_alive(pid) || kill((pid_t)pid, 0) != 0)
		return;
	if (shmid >= 0) {
		if (shmctl(shmid, IPC_STAT, &ds) == 0) {
			if (ds.shm_nattch > 0)
				return;
		} else if (errno != EINVAL && errno != EIDRM) {
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/postmaster.pid", data);
	(void)unlink(path);
	/* the socket's lock file names the same pid and would stop the start the same way */
	snprintf(path, sizeof(path), "%s" SOCKET_NAME ".lock", sock);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL && strtol(line, NULL, 10) == pid)
		(void)unlink(path);
	fclose(f);
}

int  yh_cluster_wait_gone(long pid, int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (!yh_cluster_pid_alive(pid))
			return 1;
		yh_cluster_sleep_ms(10);
	}
	return !yh_cluster_pid_alive(pid);
}
