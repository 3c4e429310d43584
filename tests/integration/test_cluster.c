/*
 * test_cluster.c - the embedded cluster against the real PostgreSQL binaries:
 * create, reuse, connect, status, stop, restart, concurrent start, errors.
 * Runs as root (server as account "yinhui") or as an ordinary user.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* mkdtemp, setenv */
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif

#include "yinhui/cluster.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char g_root[64];  /* mkdtemp dir holding everything this test makes */
static char g_home[128]; /* YINHUI_HOME of the cluster under test */
static char g_conninfo[YH_CLUSTER_PATH_MAX];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	CU_ASSERT_FATAL(chmod(path, mode) == 0);
}

/* Runs one query on conninfo and returns its single value in out ("" on any failure). */
static void query1(const char *conninfo, const char *sql, char *out, size_t n)
{
	PGconn *conn = PQconnectdb(conninfo);
	PGresult *res = NULL;

	out[0] = '\0';
	if (PQstatus(conn) == CONNECTION_OK) {
		res = PQexec(conn, sql);
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
		else
			fprintf(stderr, "query %s: %s", sql, PQerrorMessage(conn));
	} else {
		fprintf(stderr, "connect %s: %s", conninfo, PQerrorMessage(conn));
	}
	PQclear(res);
	PQfinish(conn);
}

static void test_home(void)
{
	static const struct {
		const char *yinhui_home, *xdg, *home;
		const char *want_user, *want_root; /* NULL: cwd-relative case checked separately */
	} cases[] = {
		{ "/srv/yh", "/x", "/home/a", "/srv/yh", "/srv/yh" },
		{ NULL, "/data/xdg", "/home/a", "/data/xdg/yinhui", "/var/lib/yinhui" },
		{ NULL, "relative", "/home/a", "/home/a/.local/share/yinhui", "/var/lib/yinhui" },
		{ NULL, NULL, "/home/b", "/home/b/.local/share/yinhui", "/var/lib/yinhui" },
		{ "", NULL, "/home/c", "/home/c/.local/share/yinhui", "/var/lib/yinhui" },
	};
	char saved_home[512], out[512], cwd[256], want[600];
	const char *h = getenv("HOME");
	yh_err err;
	size_t i;

	snprintf(saved_home, sizeof(saved_home), "%s", h ? h : "");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].yinhui_home)
			setenv("YINHUI_HOME", cases[i].yinhui_home, 1);
		else
			unsetenv("YINHUI_HOME");
		if (cases[i].xdg)
			setenv("XDG_DATA_HOME", cases[i].xdg, 1);
		else
			unsetenv("XDG_DATA_HOME");
		setenv("HOME", cases[i].home, 1);
		CU_ASSERT_EQUAL(yh_cluster_home(out, sizeof(out), &err), 0);
		CU_ASSERT_STRING_EQUAL(out, geteuid() == 0 ? cases[i].want_root : cases[i].want_user);
	}
	setenv("YINHUI_HOME", "rel/dir", 1);
	CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), "%s/rel/dir", cwd);
	CU_ASSERT_EQUAL(yh_cluster_home(out, sizeof(out), &err), 0);
	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(yh_cluster_home(out, 4, &err), YH_EINTERNAL);

	unsetenv("XDG_DATA_HOME");
	setenv("HOME", saved_home, 1);
	setenv("YINHUI_HOME", g_home, 1);
	CU_ASSERT_EQUAL(yh_cluster_home(out, sizeof(out), &err), 0);
	CU_ASSERT_STRING_EQUAL(out, g_home);
}

static void test_bad_home(void)
{
	static const char *const homes[] = { "relative/home", "/tmp/quote\"d", "/tmp/dollar$x", "/tmp/back`tick" };
	char conninfo[256];
	yh_err err;
	size_t i;

	for (i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		CU_ASSERT_EQUAL(yh_cluster_ensure_running(homes[i], conninfo, sizeof(conninfo), &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "YINHUI_HOME");
	}
}

static void test_status_absent(void)
{
	yh_cluster_state *st = calloc(1, sizeof(*st));
	char long_home[300], want_data[200], want_sock[200];
	yh_err err;

	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_ABSENT);
	CU_ASSERT_STRING_EQUAL(yh_cluster_phase_name(st->phase), "not created");
	snprintf(want_data, sizeof(want_data), "%s/pgdata", g_home);
	snprintf(want_sock, sizeof(want_sock), "%s/run", g_home);
	CU_ASSERT_STRING_EQUAL(st->data_dir, want_data);
	CU_ASSERT_STRING_EQUAL(st->socket_dir, want_sock);
	CU_ASSERT_PTR_NOT_NULL(strstr(st->conninfo, "dbname=yinhui"));

	/* a home too long for a socket path gets a short socket dir under /tmp */
	memset(long_home, 'h', sizeof(long_home) - 1);
	long_home[0] = '/';
	long_home[sizeof(long_home) - 1] = '\0';
	CU_ASSERT_EQUAL(yh_cluster_status(long_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_ABSENT);
	CU_ASSERT_EQUAL(strncmp(st->socket_dir, "/tmp/yinhui-", 12), 0);
	CU_ASSERT(strlen(st->socket_dir) < 40);
	free(st);
}

/* Missing binaries and a failing initdb give YH_EUNAVAILABLE with a message worth reading. */
static void test_bad_binaries(void)
{
	char bindir[128], path[160], home[128], conninfo[256];
	yh_err err;

	snprintf(home, sizeof(home), "%s/badhome", g_root);
	setenv("YINHUI_PG_BINDIR", "/nonexistent/pg/bin", 1);
	CU_ASSERT_EQUAL(yh_cluster_ensure_running(home, conninfo, sizeof(conninfo), &err), YH_EUNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "YINHUI_PG_BINDIR"));

	/* stand-ins that fail like a real initdb would; 0755 so the server account can run them */
	snprintf(bindir, sizeof(bindir), "%s/fakebin", g_root);
	CU_ASSERT_FATAL(mkdir(bindir, 0755) == 0);
	snprintf(path, sizeof(path), "%s/initdb", bindir);
	write_file(path, "#!/bin/sh\necho 'The files belonging to this database system'\n"
			 "echo 'initdb: error: simulated disk full' >&2\nexit 1\n", 0755);
	snprintf(path, sizeof(path), "%s/pg_ctl", bindir);
	write_file(path, "#!/bin/sh\nexit 1\n", 0755);
	setenv("YINHUI_PG_BINDIR", bindir, 1);
	CU_ASSERT_EQUAL(yh_cluster_ensure_running(home, conninfo, sizeof(conninfo), &err), YH_EUNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "initdb failed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "simulated disk full"));
	CU_ASSERT_EQUAL(conninfo[0], '\0');
	unsetenv("YINHUI_PG_BINDIR");
}

static void test_first_and_second(void)
{
	char again[YH_CLUSTER_PATH_MAX];
	double t0, t1, t2;
	yh_err err;
	int rc;

	t0 = now_s();
	rc = yh_cluster_ensure_running(g_home, g_conninfo, sizeof(g_conninfo), &err);
	t1 = now_s();
	if (rc != 0)
		fprintf(stderr, "ensure_running: %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(yh_cluster_ensure_running(g_home, again, sizeof(again), &err), 0);
	t2 = now_s();
	CU_ASSERT_STRING_EQUAL(again, g_conninfo);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_conninfo, "dbname=yinhui"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_conninfo, geteuid() == 0 ? "user=yinhui" : "user="));
	/* the second call only finds the running server: no initdb, no start */
	CU_ASSERT(t2 - t1 < 0.5);
	CU_ASSERT(t2 - t1 < t1 - t0);
	printf("\n  first ensure_running %.3f s, second %.4f s  [%s]\n", t1 - t0, t2 - t1, g_conninfo);
}

static void test_connect(void)
{
	static const struct {
		const char *sql, *want;
	} cases[] = {
		{ "SELECT 1", "1" },
		{ "SELECT current_database()", "yinhui" },
		{ "SHOW fsync", "on" },
		{ "SHOW listen_addresses", "" },
		{ "SHOW unix_socket_permissions", "0700" },
		{ "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'yinhui'", "UTF8" },
	};
	char got[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		query1(g_conninfo, cases[i].sql, got, sizeof(got));
		CU_ASSERT_STRING_EQUAL(got, cases[i].want);
	}
}

static void test_status_running(void)
{
	yh_cluster_state *st = calloc(1, sizeof(*st));
	char want[200];
	struct stat sb;
	yh_err err;

	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_RUNNING);
	CU_ASSERT_STRING_EQUAL(yh_cluster_phase_name(st->phase), "running");
	CU_ASSERT(st->pid > 0);
	CU_ASSERT_EQUAL(kill((pid_t)st->pid, 0), 0);
	CU_ASSERT_STRING_EQUAL(st->conninfo, g_conninfo);
	snprintf(want, sizeof(want), "%s/run", g_home);
	CU_ASSERT_STRING_EQUAL(st->socket_dir, want);
	CU_ASSERT_EQUAL(stat(want, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0700);
	free(st);
}

static void test_stop_and_restart(void)
{
	yh_cluster_state *st = calloc(1, sizeof(*st));
	char again[YH_CLUSTER_PATH_MAX], got[16];
	long pid;
	yh_err err;

	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	pid = st->pid;
	CU_ASSERT_EQUAL(yh_cluster_stop(g_home, &err), 0);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_STOPPED);
	CU_ASSERT_EQUAL(st->pid, 0);
	CU_ASSERT_STRING_EQUAL(yh_cluster_phase_name(st->phase), "stopped");
	CU_ASSERT_EQUAL(PQping(g_conninfo), PQPING_NO_RESPONSE);
	/* stopping a stopped cluster is not an error */
	CU_ASSERT_EQUAL(yh_cluster_stop(g_home, &err), 0);

	CU_ASSERT_EQUAL(yh_cluster_ensure_running(g_home, again, sizeof(again), &err), 0);
	CU_ASSERT_STRING_EQUAL(again, g_conninfo);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_RUNNING);
	CU_ASSERT(st->pid > 0 && st->pid != pid);
	query1(g_conninfo, "SELECT 1", got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "1");
	free(st);
}

/* Two processes starting a stopped cluster at once: both succeed, one postmaster. */
static void test_concurrent_start(void)
{
	yh_cluster_state *st = calloc(1, sizeof(*st));
	pid_t kids[2];
	int i, ws, ok = 0;
	yh_err err;

	CU_ASSERT_FATAL(st != NULL);
	CU_ASSERT_EQUAL_FATAL(yh_cluster_stop(g_home, &err), 0);
	fflush(NULL);
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		CU_ASSERT_FATAL(kids[i] >= 0);
		if (kids[i] == 0) {
			char ci[YH_CLUSTER_PATH_MAX];
			yh_err e;
			int rc = yh_cluster_ensure_running(g_home, ci, sizeof(ci), &e);

			if (rc != 0)
				fprintf(stderr, "child: %s\n", e.msg);
			_exit(rc == 0 && strcmp(ci, g_conninfo) == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < 2; i++) {
		while (waitpid(kids[i], &ws, 0) < 0 && errno == EINTR)
			;
		ok += WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	}
	CU_ASSERT_EQUAL(ok, 2);
	CU_ASSERT_EQUAL(yh_cluster_status(g_home, st, &err), 0);
	CU_ASSERT_EQUAL(st->phase, YH_CLUSTER_RUNNING);
	free(st);
}

static int suite_init(void)
{
	snprintf(g_root, sizeof(g_root), "/tmp/yhct.XXXXXX");
	if (mkdtemp(g_root) == NULL)
		return -1;
	/* as root the server account must reach the home: /tmp is open to all, the mkdtemp dir is 0700 */
	if (chmod(g_root, 0755) != 0)
		return -1;
	snprintf(g_home, sizeof(g_home), "%s/home", g_root);
	setenv("YINHUI_HOME", g_home, 1);
	unsetenv("YINHUI_PG_BINDIR");
	return 0;
}

static int suite_clean(void)
{
	yh_err err;
	int rc = 0;

	if (g_root[0] == '\0')
		return 0;
	if (yh_cluster_stop(g_home, &err) != 0) {
		fprintf(stderr, "cleanup stop: %s\n", err.msg);
		rc = -1;
	}
	if (nftw(g_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		rc = -1;
	return rc;
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("cluster", suite_init, suite_clean);
	if (s == NULL || CU_add_test(s, "home directory rules", test_home) == NULL ||
	    CU_add_test(s, "unusable homes are refused", test_bad_home) == NULL ||
	    CU_add_test(s, "status before creation", test_status_absent) == NULL ||
	    CU_add_test(s, "missing or failing binaries", test_bad_binaries) == NULL ||
	    CU_add_test(s, "first and second ensure_running", test_first_and_second) == NULL ||
	    CU_add_test(s, "connect and query", test_connect) == NULL ||
	    CU_add_test(s, "status while running", test_status_running) == NULL ||
	    CU_add_test(s, "stop, then start again", test_stop_and_restart) == NULL ||
	    CU_add_test(s, "concurrent start", test_concurrent_start) == NULL) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
