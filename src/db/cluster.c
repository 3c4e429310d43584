/*
 * cluster.c - the embedded default database: a private PostgreSQL cluster
 * under HOME, unix socket only, created on first use, started on demand and
 * left running. See include/yinhui/cluster.h for the layout.
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

/* snprintf that reports truncation as YH_EINTERNAL. */
static int __attribute__((format(printf, 4, 5))) fmt(char *out, size_t n, yh_err *err, const char *f, ...)
{
	va_list ap;
	int len;

	va_start(ap, f);
	len = vsnprintf(out, n, f, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n)
		return yh_err_set(err, YH_EINTERNAL, NULL, "path or conninfo too long");
	return 0;
}

void  yh_cluster_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

const char *yh_cluster_phase_name(yh_cluster_phase phase)
{
	switch (phase) {
	case YH_CLUSTER_ABSENT: return "not created";
	case YH_CLUSTER_STOPPED: return "stopped";
	case YH_CLUSTER_RUNNING: return "running";
	}
	return "unknown";
}

int yh_cluster_home(char *out, size_t n, yh_err *err)
{
	const char *env = getenv("YINHUI_HOME");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[P];

	if (env != NULL && env[0] != '\0') {
		if (env[0] == '/')
			return fmt(out, n, err, "%s", env);
		/* children run from "/", so a relative home would point elsewhere there */
		if (getcwd(buf, sizeof(buf)) == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "getcwd: %s", strerror(errno));
		return fmt(out, n, err, "%s/%s", buf, env);
	}
	if (geteuid() == 0)
		return fmt(out, n, err, "%s", SERVER_ACCOUNT_HOME);
	if (xdg != NULL && xdg[0] == '/')
		return fmt(out, n, err, "%s/yinhui", xdg);
	if (home != NULL && home[0] == '/')
		return fmt(out, n, err, "%s/.local/share/yinhui", home);
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) != 0 || res == NULL || pw.pw_dir[0] != '/')
		return yh_err_set(err, YH_EINVAL, "YINHUI_HOME", "no home directory for uid %ld; set YINHUI_HOME",
				  (long)geteuid());
	return fmt(out, n, err, "%s/.local/share/yinhui", pw.pw_dir);
}

/* pg_ctl pastes -D and -l into a /bin/sh command inside double quotes. */
static int check_home(const char *home, yh_err *err)
{
	const unsigned char *p;

	if (home == NULL || home[0] != '/')
		return yh_err_set(err, YH_EINVAL, "YINHUI_HOME", "cluster home must be an absolute path");
	for (p = (const unsigned char *)home; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '$' || *p == '`' || *p == '\\')
			return yh_err_set(err, YH_EINVAL, "YINHUI_HOME",
					  "cluster home %s contains a character PostgreSQL tools cannot take (\" $ ` \\ or a control character)",
					  home);
	}
	return 0;
}

/* Characters that need no quoting in unix_socket_directories nor in a conninfo value. */
int yh_cluster_plain_path(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("/._-+@~", *s) != NULL))
			return 0;
	}
	return 1;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int executable(const char *dir, const char *name)
{
	char path[P];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return 0;
	return access(path, X_OK) == 0;
}

static int executable_all(const char *dir, const char *const *tools)
{
	for (; *tools != NULL; tools++)
		if (!executable(dir, *tools))
			return 0;
	return 1;
}

/* $YINHUI_PG_BINDIR, else version 15, else the highest /usr/lib/postgresql/N/bin holding every tool. */
static int find_dir_with(const char *const *tools, char *out, size_t n, yh_err *err)
{
	const char *env = getenv("YINHUI_PG_BINDIR");
	long best = -1, v;
	glob_t g;
	size_t i;
	int rc = 0;

	if (env != NULL && env[0] != '\0') {
		if (!executable_all(env, tools))
			return yh_err_set(err, YH_EUNAVAILABLE, "YINHUI_PG_BINDIR",
					  "no %s%s%s in YINHUI_PG_BINDIR=%s", tools[0], tools[1] ? "/" : "",
					  tools[1] ? tools[1] : "", env);
		return fmt(out, n, err, "%s", env);
	}
	/* not pg_config --bindir: libpq-dev's names /usr/bin on Debian, which has no initdb */
	memset(&g, 0, sizeof(g));
	if (glob("/usr/lib/postgresql/*/bin", GLOB_ONLYDIR, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc && rc == 0; i++) {
			v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
			v = v == 15 ? 1000000 : v; /* the version Yinhui is tested with wins */
			if (v > best && executable_all(g.gl_pathv[i], tools)) {
				best = v;
				rc = fmt(out, n, err, "%s", g.gl_pathv[i]);
			}
		}
	}
	globfree(&g);
	if (rc == 0 && best < 0)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL,
				"PostgreSQL program %s not found (no /usr/lib/postgresql/*/bin/%s); "
				"run scripts/install-deps", tools[0], tools[0]);
	return rc;
}

static int find_bindir(char *out, size_t n, yh_err *err)
{
	static const char *const server_tools[] = { "initdb", "pg_ctl", NULL };

	return find_dir_with(server_tools, out, n, err);
}

int yh_cluster_pg_tool(const char *name, char *out, size_t n, yh_err *err)
{
	const char *tools[] = { name, NULL };
	char dir[P];
	int rc;

	rc = find_dir_with(tools, dir, sizeof(dir), err);
	return rc != 0 ? rc : fmt(out, n, err, "%s/%s", dir, name);
}

/* Absolute path of a system tool; children get no PATH lookup. */
const char * yh_cluster_sbin_tool(const char *name, char *buf, size_t n)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (executable(dirs[i], name)) {
			snprintf(buf, n, "%s/%s", dirs[i], name);
			return buf;
		}
	}
	return NULL;
}

/* Finds, and with create makes, the server account for root (useradd runs at most once). */
static int lookup_account(cluster_ctx *c, int create, yh_err *err)
{
	struct passwd pw, *res = NULL;
	char buf[16384], useradd[64];
	const char *argv[] = { NULL, "--system", "--home-dir", SERVER_ACCOUNT_HOME, "--no-create-home",
			       "--shell", "/usr/sbin/nologin", SERVER_ACCOUNT, NULL };
	int rc = 0, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (getpwnam_r(SERVER_ACCOUNT, &pw, buf, sizeof(buf), &res) == 0 && res != NULL) {
			c->srv_uid = pw.pw_uid;
			c->srv_gid = pw.pw_gid;
			return 0;
		}
		if (!create || attempt > 0)
			break;
		argv[0] = yh_cluster_sbin_tool("useradd", useradd, sizeof(useradd));
		/* a failure may be a concurrent useradd: the passwd entry decides */
		rc = argv[0] ? yh_cluster_run_ok(c, 0, "useradd " SERVER_ACCOUNT, argv, err)
			     : yh_err_set(err, YH_EUNAVAILABLE, NULL, "useradd not found");
	}
	return rc != 0 ? rc : yh_err_set(err, YH_EUNAVAILABLE, NULL, "system account %s does not exist", SERVER_ACCOUNT);
}

/* Fills the paths and identities; with for_start, also the binaries and (as root) the account. */
static int ctx_init(cluster_ctx *c, const char *home, int for_start, yh_err *err)
{
	static const struct {
		size_t offset;
		const char *suffix;
	} layout[] = {
		{ offsetof(cluster_ctx, home), "" },
		{ offsetof(cluster_ctx, data), "/pgdata" },
		{ offsetof(cluster_ctx, data_new), "/pgdata.new" },
		{ offsetof(cluster_ctx, log), "/postgres.log" },
		{ offsetof(cluster_ctx, lock), "/.lock" },
		{ offsetof(cluster_ctx, sock), "/run" },
	};
	struct passwd pw, *res = NULL;
	char buf[16384];
	size_t i;
	int rc;

	rc = check_home(home, err);
	if (rc != 0)
		return rc;
	c->as_root = geteuid() == 0;
	for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		rc = fmt((char *)c + layout[i].offset, P, err, "%s%s", home, layout[i].suffix);
		if (rc != 0)
			return rc;
	}
	if (strlen(c->sock) + strlen(SOCKET_NAME) >= SOCKET_PATH_MAX || !yh_cluster_plain_path(c->sock)) {
		rc = fmt(c->sock, P, err, "/tmp/yinhui-%016llx", (unsigned long long)fnv1a64(home));
		if (rc != 0)
			return rc;
	}
	if (c->as_root) {
		rc = fmt(c->super, sizeof(c->super), err, "%s", SERVER_ACCOUNT);
	} else if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res != NULL) {
		rc = fmt(c->super, sizeof(c->super), err, "%s", pw.pw_name);
	} else {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "no passwd entry for uid %ld", (long)geteuid());
	}
	if (rc == 0 && !yh_cluster_plain_path(c->super))
		rc = yh_err_set(err, YH_EINVAL, NULL, "user name %s cannot name a database user; set YINHUI_DATABASE_URL",
				c->super);
	if (rc != 0 || !for_start)
		return rc;
	c->srv_uid = geteuid();
	c->srv_gid = getegid();
	rc = find_bindir(c->bindir, P, err);
	if (rc == 0 && c->as_root)
		rc = lookup_account(c, 1, err);
	return rc;
}

/* Socket dir and user are yh_cluster_plain_path() strings, so no value needs conninfo quoting. */
static int build_conninfo(char *out, size_t n, const char *sock, const char *db, const char *user, yh_err *err)
{
	return fmt(out, n, err, "host=%s port=" PORT " dbname=%s user=%s", sock, db, user);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* mkdir -p; parents get 0755 so the server account can pass through, the leaf gets leaf_mode. */
static int mkdir_p(const char *path, mode_t leaf_mode, yh_err *err)
{
	char tmp[P];
	char *p;
	struct stat st;

	if (fmt(tmp, sizeof(tmp), err, "%s", path) != 0)
		return YH_EINTERNAL;
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, leaf_mode) != 0 && errno != EEXIST)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create %s: %s", tmp, strerror(errno));
	if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "%s is not a directory", tmp);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Whether the server account can enter and write dir (as root only; checked in a child that drops to it). */
static int server_can_use(const cluster_ctx *c, const char *dir)
{
	pid_t pid;
	int ws = 0;

	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(c->srv_gid) != 0 || setuid(c->srv_uid) != 0)
			_exit(2);
		_exit(access(dir, R_OK | W_OK | X_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return 0;
	}
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

/* The socket directory: 0700, owned by the server account, never a symlink planted in /tmp. */
static int prepare_sock_dir(const cluster_ctx *c, yh_err *err)
{
	struct stat st;

	if (mkdir(c->sock, 0700) != 0 && errno != EEXIST)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create socket directory %s: %s", c->sock,
				  strerror(errno));
	if (lstat(c->sock, &st) != 0 || !S_ISDIR(st.st_mode))
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "socket directory %s is not a directory", c->sock);
	if (st.st_uid != c->srv_uid) {
		/* root trusts only itself: anyone else may have planted the directory in /tmp */
		if (!c->as_root || st.st_uid != 0)
			return yh_err_set(err, YH_EUNAVAILABLE, NULL,
					  "socket directory %s belongs to another user (uid %ld)", c->sock,
					  (long)st.st_uid);
		if (chown(c->sock, c->srv_uid, c->srv_gid) != 0)
			return yh_err_set(err, YH_EINTERNAL, NULL, "chown %s: %s", c->sock, strerror(errno));
	}
	if ((st.st_mode & 07777) != 0700 && chmod(c->sock, 0700) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "chmod %s: %s", c->sock, strerror(errno));
	return 0;
}

/* Writes data/yinhui.conf (included last from postgresql.conf); rewritten at every start so a moved HOME still works. */
static int write_conf(const cluster_ctx *c, const char *data, yh_err *err)
{
	char path[P + 32], tmp[P + 32], body[P + 1024];
	int fd = -1, rc = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "%s/yinhui.conf", data);
	snprintf(tmp, sizeof(tmp), "%s/yinhui.conf.tmp", data);
	len = snprintf(body, sizeof(body),
		       "# Written by yinhui at every start: edits here are lost (use ALTER SYSTEM).\n"
		       "listen_addresses = ''\n"
		       "port = " PORT "\n"
		       "unix_socket_directories = '%s'\n"
		       "unix_socket_permissions = 0700\n"
		       "fsync = on\n"
		       "full_page_writes = on\n",
		       c->sock); /* yh_cluster_plain_path(): needs no quoting */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (write(fd, body, (size_t)len) != len || fsync(fd) != 0 ||
	    (c->as_root && fchown(fd, c->srv_uid, c->srv_gid) != 0)) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (rename(tmp, path) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot rename %s: %s", tmp, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* initdb into pgdata.new, then rename: pgdata exists only once it is complete. */
static int create_cluster(const cluster_ctx *c, yh_err *err)
{
	char initdb[P + 16], conf[P + 32];
	/* trust is safe only because the socket is 0700 and there is no TCP listener */
	const char *argv[] = { initdb, "-D", c->data_new, "-A", "trust", "-U", c->super, "-E", "UTF8",
			       "--locale=C", NULL };
	locale_t probe;
	int rc, fd = -1;
	static const char include[] = "\n# yinhui: socket-only settings, written at every start\n"
				      "include_if_exists = 'yinhui.conf'\n";

	/* a crash in an earlier initdb leaves this half-made; we hold the lock, so nobody else uses it */
	if (exists(c->data_new) && nftw(c->data_new, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "cannot remove leftover %s: %s", c->data_new,
				  strerror(errno));
	probe = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	if (probe != (locale_t)0) {
		argv[9] = "--locale=C.UTF-8"; /* C collation, but UTF-8 character classes */
		freelocale(probe);
	}
	snprintf(initdb, sizeof(initdb), "%s/initdb", c->bindir);
	rc = yh_cluster_run_ok(c, 1, "initdb", argv, err);
	if (rc != 0)
		return rc;
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", c->data_new);
	fd = open(conf, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, include, sizeof(include) - 1) != (ssize_t)(sizeof(include) - 1)) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot update %s: %s", conf, strerror(errno));
		goto done;
	}
	if (rename(c->data_new, c->data) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot rename %s: %s", c->data_new, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The reason a start failed, from the tail of the server log. */
static void log_reason(const char *log, char *line, size_t n)
{
	char buf[OUTPUT_MAX + 1];
	off_t size;
	ssize_t got = -1;
	int fd;

	line[0] = '\0';
	fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (lseek(fd, size > OUTPUT_MAX ? size - OUTPUT_MAX : 0, SEEK_SET) >= 0)
		got = read(fd, buf, OUTPUT_MAX);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	yh_cluster_pick_message(buf, line, n);
}

static int start_server(const cluster_ctx *c, yh_err *err)
{
	char pg_ctl[P + 16], reason[200];
	const char *argv[] = { pg_ctl, "-D", c->data, "-l", c->log, "-w", "-t", "60", "start", NULL };
	int rc;

	rc = prepare_sock_dir(c, err);
	if (rc == 0)
		rc = write_conf(c, c->data, err);
	if (rc != 0)
		return rc;
	snprintf(pg_ctl, sizeof(pg_ctl), "%s/pg_ctl", c->bindir);
	rc = yh_cluster_run_ok(c, 1, "pg_ctl start", argv, err);
	if (rc == YH_EUNAVAILABLE) {
		log_reason(c->log, reason, sizeof(reason));
		if (reason[0] != '\0')
			yh_err_set(err, rc, NULL, "PostgreSQL did not start: %s (see %s)", reason, c->log);
	}
	return rc;
}

/* Waits until the server accepts connections (pg_ctl -w has, unless someone else started it). */
static int wait_ready(const char *conninfo, long pid, const char *log, yh_err *err)
{
	int waited;

	for (waited = 0; waited < READY_TIMEOUT_MS; waited += 10) {
		if (PQping(conninfo) == PQPING_OK)
			return 0;
		if (!yh_cluster_pid_alive(pid))
			return yh_err_set(err, YH_EUNAVAILABLE, NULL, "PostgreSQL exited while starting; see %s", log);
		yh_cluster_sleep_ms(10);
	}
	return yh_err_set(err, YH_EUNAVAILABLE, NULL, "PostgreSQL (pid %ld) not accepting connections after %d s",
			  pid, READY_TIMEOUT_MS / 1000);
}

static int ensure_database(const char *conninfo, yh_err *err)
{
	const char *params[1] = { DATABASE };
	PGconn *conn = NULL;
	PGresult *res = NULL;
	const char *state;
	int rc = 0;

	conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot connect to the embedded cluster: %s",
				PQerrorMessage(conn));
		goto done;
	}
	res = PQexecParams(conn, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", 1, NULL, params, NULL,
			   NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot list databases: %s", PQerrorMessage(conn));
		goto done;
	}
	if (PQntuples(res) > 0)
		goto done;
	PQclear(res);
	res = PQexec(conn, "CREATE DATABASE " DATABASE);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	/* 42P04: created by someone else in between */
	if (PQresultStatus(res) != PGRES_COMMAND_OK && (state == NULL || strcmp(state, "42P04") != 0))
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create database " DATABASE ": %s",
				PQerrorMessage(conn));
done:
	PQclear(res);
	PQfinish(conn);
	return rc;
}

/* Opens and flocks HOME/.lock; close-on-exec so no child (least of all the postmaster) keeps it. */
static int take_lock(const cluster_ctx *c, int *fd_out, yh_err *err)
{
	int fd;

	*fd_out = -1;
	fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot open %s: %s", c->lock, strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return yh_err_set(err, YH_EINTERNAL, NULL, "flock %s: %s", c->lock, strerror(errno));
		}
	}
	*fd_out = fd;
	return 0;
}

/* Whether conninfo reaches a database: the fast path's only check. */
static int can_connect(const char *conninfo)
{
	PGconn *conn = PQconnectdb(conninfo);
	int ok = PQstatus(conn) == CONNECTION_OK;

	PQfinish(conn);
	return ok;
}

/* The slow path, under the lock: create and start as needed, wait, create the database. */
static int bring_up(cluster_ctx *c, long pid, yh_err *err)
{
	char admin[P + 512];
	int rc;

	if (pid == 0) {
		if (c->as_root && !server_can_use(c, c->home))
			return yh_err_set(err, YH_EUNAVAILABLE, "YINHUI_HOME",
					  "account %s cannot reach %s (a parent directory is closed to it); "
					  "choose a home under /var/lib or /srv",
					  SERVER_ACCOUNT, c->home);
		rc = exists(c->data) ? 0 : create_cluster(c, err);
		if (rc != 0)
			return rc;
		yh_cluster_clear_stale_pidfile(c->data, c->sock);
		rc = start_server(c, err);
		if (rc != 0)
			return rc;
		pid = yh_cluster_running_pid(c->data, NULL, 0);
	}
	rc = build_conninfo(admin, sizeof(admin), c->sock, "postgres", c->super, err);
	if (rc == 0)
		rc = wait_ready(admin, pid, c->log, err);
	if (rc == 0)
		rc = ensure_database(admin, err);
	return rc;
}

int yh_cluster_ensure_running(const char *home, char *conninfo_out, size_t n, yh_err *err)
{
	cluster_ctx *c = NULL;
	struct stat st;
	long pid;
	int lock = -1, rc;

	if (n > 0)
		conninfo_out[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	rc = ctx_init(c, home, 1, err);
	if (rc != 0)
		goto done;
	rc = mkdir_p(c->home, 0700, err);
	if (rc != 0)
		goto done;
	if (c->as_root && stat(c->home, &st) == 0 && st.st_uid != c->srv_uid &&
	    chown(c->home, c->srv_uid, c->srv_gid) != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "chown %s: %s", c->home, strerror(errno));
		goto done;
	}
	/* serialises initdb/start/stop between processes; held only for this call */
	rc = take_lock(c, &lock, err);
	if (rc != 0)
		goto done;
	pid = yh_cluster_running_pid(c->data, c->sock, P);
	if (pid > 0) {
		/* the usual case: running, and the database is there; one connection, no child process */
		rc = build_conninfo(conninfo_out, n, c->sock, DATABASE, c->super, err);
		if (rc != 0 || can_connect(conninfo_out))
			goto done;
	}
	rc = bring_up(c, pid, err);
	if (rc == 0)
		rc = build_conninfo(conninfo_out, n, c->sock, DATABASE, c->super, err);
done:
	if (rc != 0 && n > 0)
		conninfo_out[0] = '\0';
	if (lock >= 0)
		close(lock);
	free(c);
	return rc;
}

int yh_cluster_status(const char *home, yh_cluster_state *out, yh_err *err)
{
	cluster_ctx *c = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	rc = ctx_init(c, home, 0, err);
	if (rc != 0)
		goto done;
	out->phase = YH_CLUSTER_ABSENT;
	if (exists(c->data)) {
		out->pid = yh_cluster_running_pid(c->data, c->sock, P);
		out->phase = out->pid > 0 ? YH_CLUSTER_RUNNING : YH_CLUSTER_STOPPED;
	}
	/* the fields are as large as the context's paths, so these copies cannot truncate */
	memcpy(out->data_dir, c->data, P);
	memcpy(out->socket_dir, c->sock, P);
	memcpy(out->log_file, c->log, P);
	rc = build_conninfo(out->conninfo, P, c->sock, DATABASE, c->super, err);
done:
	free(c);
	return rc;
}

int yh_cluster_stop(const char *home, yh_err *err)
{
	cluster_ctx *c = NULL;
	char pg_ctl[P + 16];
	const char *argv[] = { pg_ctl, "-D", NULL, "-m", "fast", "-w", "-t", "60", "stop", NULL };
	long pid;
	int lock = -1, rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	rc = ctx_init(c, home, 0, err);
	if (rc != 0 || !exists(c->data))
		goto done;
	rc = take_lock(c, &lock, err);
	if (rc != 0)
		goto done;
	pid = yh_cluster_running_pid(c->data, NULL, 0);
	if (pid == 0)
		goto done;
	rc = find_bindir(c->bindir, P, err);
	if (rc == 0 && c->as_root)
		rc = lookup_account(c, 0, err);
	if (rc != 0)
		goto done;
	snprintf(pg_ctl, sizeof(pg_ctl), "%s/pg_ctl", c->bindir);
	argv[2] = c->data;
	rc = yh_cluster_run_ok(c, 1, "pg_ctl stop", argv, err);
	/* pg_ctl also fails when the server exits on its own meanwhile: only the process matters */
	if (rc != 0 && !yh_cluster_pid_alive(pid))
		rc = 0;
	if (rc != 0)
		goto done;
	/* pg_ctl returns when postmaster.pid is gone; the process itself may linger a moment */
	if (!yh_cluster_wait_gone(pid, GONE_TIMEOUT_MS))
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "postmaster (pid %ld) still running %d s after stop", pid,
				GONE_TIMEOUT_MS / 1000);
done:
	if (lock >= 0)
		close(lock);
	free(c);
	return rc;
}
