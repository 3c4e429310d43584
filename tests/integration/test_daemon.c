/* The yinhuid binary: refuses pending migrations, serves, and on SIGTERM finishes and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* read_workers: YINHUI_READ_WORKERS for the daemon, or NULL */
static const char *log_level = "warn";

static pid_t spawn(const char *conninfo, const char *read_workers, int *out_fd)
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
		setenv("YINHUI_LOG_LEVEL", log_level, 1);
		if (read_workers != NULL)
			setenv("YINHUI_READ_WORKERS", read_workers, 1);
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
	pid = spawn(conninfo, NULL, &fd);
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
	pid_t pid = spawn(T.conninfo, NULL, &fd);

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

/* The daemon started with read_workers (NULL: default) exits with status 2 within 10 s; else it is killed. */
static int exits_with_2(const char *read_workers)
{
	int fd, status = 0, i;
	pid_t pid = spawn(T.conninfo, read_workers, &fd);

	if (pid <= 0)
		return 0;
	/* a daemon that accepted it would serve on: give it 10 s, then stop it and fail */
	for (i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 200) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(fd);
	return i < 200 && WIFEXITED(status) && WEXITSTATUS(status) == 2;
}

/* a read limit out of range is a usage error (exit 2), before anything is served */
static void test_bad_read_workers(void)
{
	CU_ASSERT(exits_with_2("-1"));
}

/* an unknown log level (PostgreSQL spells it "warning") is a configuration error (exit 2), not silently info */
static void test_bad_log_level(void)
{
	int ok;

	log_level = "warning";
	ok = exits_with_2(NULL);
	log_level = "warn";
	CU_ASSERT(ok);
}

static const yh_t_case cases[] = {
	{ "an unknown log_level is refused", test_bad_log_level },
	{ "refuses to serve with pending migrations", test_refuses_pending_migrations },
	{ "serves, then SIGTERM exits 0", test_serves_and_stops },
	{ "read_workers out of range is refused", test_bad_read_workers },
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
