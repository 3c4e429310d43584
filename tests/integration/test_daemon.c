/* The yinhuid binary: refuses pending migrations, serves, and on SIGTERM finishes and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static pid_t spawn(const char *conninfo, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		setenv("YINHUI_DATABASE_URL", conninfo, 1);
		setenv("YINHUI_CONFIG", "/dev/null", 1);
		setenv("YINHUI_LOG_LEVEL", "warn", 1);
		execl(YH_DAEMON_PATH, "yinhuid", "--listen", "127.0.0.1:0", "--workers", "4", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

static void test_refuses_pending_migrations(void)
{
	char conninfo[1200], st[6];
	int fd, status;
	pid_t pid;

	yh_t_sql("SELECT 1", st);
	/* an empty database: every migration pending */
	{
		const char *dsn = getenv("YH_TEST_DSN");
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS yhtest_daemon_empty");
		yh_t_sql(sql, st);
		snprintf(sql, sizeof(sql), "CREATE DATABASE yhtest_daemon_empty");
		yh_t_sql(sql, st);
		snprintf(conninfo, sizeof(conninfo), "%s dbname=yhtest_daemon_empty", dsn);
	}
	pid = spawn(conninfo, &fd);
	CU_ASSERT(pid > 0);
	waitpid(pid, &status, 0);
	close(fd);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

static void test_serves_and_stops(void)
{
	char line[256] = "";
	int fd, status, port = 0;
	FILE *f;
	pid_t pid = spawn(T.conninfo, &fd);

	CU_ASSERT(pid > 0);
	f = fdopen(fd, "r");
	if (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strrchr(line, ':');
		port = colon ? atoi(colon + 1) : 0;
	}
	CU_ASSERT(port > 0);
	T.port = port;
	CU_ASSERT_EQUAL(yh_t_http("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/units", yh_t_token("admin"), NULL, NULL, NULL), 200);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	fclose(f);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT(yh_t_http("GET", "/healthz", NULL, NULL, NULL, NULL) < 0);
}

static const yh_t_case cases[] = {
	{ "refuses to serve with pending migrations", test_refuses_pending_migrations },
	{ "serves, then SIGTERM exits 0", test_serves_and_stops },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("daemon");
	rc = yh_t_run("daemon", cases);
	yh_t_teardown();
	return rc;
}
