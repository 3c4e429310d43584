/*
 * The daemon as an operator's monitoring sees it: /metrics keeps answering
 * while the database cannot be reached (Prometheus would otherwise mark the
 * daemon itself down and lose the request counters of the outage), /healthz
 * says 503, and both recover without a restart.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "support.h"

/* The value of a sample line "name value" in a metrics text, or -1. */
static long sample(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
	return -1;
}

/* Runs sql on the cluster's maintenance database (YH_TEST_DSN), not the suite's own; 0 or -1. */
static int admin_sql(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("YH_TEST_DSN"));
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;

	if (rc != 0 && strstr(sql, "1/count") == NULL)
		fprintf(stderr, "admin_sql: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

static void test_metrics_without_database(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_EQUAL(sample(body, "yinhui_database_up"), 1);
	CU_ASSERT(sample(body, "yinhui_staff_active") > 0);
	free(body);
	body = NULL;

	/* the database refuses the daemon: new connections fail, the workers' ones are cut */
	CU_ASSERT_EQUAL(admin_sql("ALTER DATABASE yhtest_ops_http ALLOW_CONNECTIONS false"), 0);
	CU_ASSERT_EQUAL(admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				  " WHERE datname = 'yhtest_ops_http' AND application_name = 'yinhuid'"),
		0);
	/* pg_terminate_backend only signals: wait until the backends are gone */
	for (int i = 0; i < 100 && yh_t_count("SELECT count(*) FROM pg_stat_activity"
					       " WHERE datname = current_database() AND application_name = 'yinhuid'") > 0; i++)
		usleep(20000);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/healthz", NULL, NULL, NULL, &body), 503);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code") ? yh_t_json(body, "error.code") : "", "unavailable");
	free(body);
	body = NULL;
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
		CU_ASSERT_EQUAL(sample(body, "yinhui_database_up"), 0);
		CU_ASSERT(sample(body, "yinhui_db_pool_size") > 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(body, "route=\"healthz\",method=\"GET\",status=\"5xx\"} "));
		CU_ASSERT_EQUAL(sample(body, "yinhui_staff_active"), -1);
		free(body);
		body = NULL;
	}

	/* back without restarting the daemon */
	CU_ASSERT_EQUAL(admin_sql("ALTER DATABASE yhtest_ops_http ALLOW_CONNECTIONS true"), 0);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_EQUAL(sample(body, "yinhui_database_up"), 1);
	CU_ASSERT(sample(body, "yinhui_staff_active") > 0);
	free(body);
}

static long posted;
static char *posted_body;

static void *post_unit(void *arg)
{
	(void)arg;
	posted = yh_t_http("POST", "/api/v1/units", yh_t_token("admin"),
		"{\"code\":\"cut\",\"name\":\"断线测试\",\"parent\":\"bureau\"}", NULL, &posted_body);
	return NULL;
}

/*
 * A worker's connection killed (pg_terminate_backend) while its request waits
 * in the database: the client gets the documented 503 (no libpq text, socket
 * path or server FATAL in it), nothing is written, and the retry succeeds.
 */
static void test_connection_killed_mid_request(void)
{
	PGconn *lock = PQconnectdb(T.conninfo);
	PGresult *res;
	pthread_t th;
	long waiting = 0;
	const char *msg;

	(void)yh_t_token("admin"); /* logged in before the lock: a login writes too */
	res = PQexec(lock, "BEGIN; LOCK TABLE yh.unit IN ACCESS EXCLUSIVE MODE");
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	pthread_create(&th, NULL, post_unit, NULL);
	for (int i = 0; i < 250 && waiting == 0; i++) {
		usleep(20000);
		waiting = admin_sql("SELECT 1/count(*) FROM pg_stat_activity WHERE datname = 'yhtest_ops_http'"
				    " AND application_name = 'yinhuid' AND wait_event_type = 'Lock'") == 0;
	}
	CU_ASSERT_EQUAL(waiting, 1);
	CU_ASSERT_EQUAL(admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				  " WHERE datname = 'yhtest_ops_http' AND application_name = 'yinhuid'"
				  " AND wait_event_type = 'Lock'"),
		0);
	/* released before waiting for the answer, so a test that fails cannot hang */
	res = PQexec(lock, "COMMIT");
	PQclear(res);
	PQfinish(lock);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(posted, 503);
	msg = yh_t_json(posted_body, "error.message");
	CU_ASSERT_STRING_EQUAL(msg ? msg : "", "database unavailable; retry shortly");
	CU_ASSERT_PTR_NULL(strstr(posted_body ? posted_body : "", "FATAL"));
	free(posted_body);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code = 'cut'"), 0);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", yh_t_token("admin"),
				"{\"code\":\"cut\",\"name\":\"断线测试\",\"parent\":\"bureau\"}", NULL, NULL),
		201);
}

static const yh_t_case cases[] = {
	{ "connection killed mid-request", test_connection_killed_mid_request },
	{ "metrics without database", test_metrics_without_database },
	{ NULL, NULL },
};

int main(void)
{
	int rc;

	yh_t_setup("ops_http");
	yh_t_server_start();
	rc = yh_t_run("ops_http", cases);
	yh_t_teardown();
	return rc;
}
