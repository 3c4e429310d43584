/*
 * Races through the HTTP API (in-process daemon, 8 workers): 8 clients
 * released together against the same record, several rounds each. For every
 * state transition and every unique key exactly one client wins and the
 * other seven get a clear 409 {"error":{"code":"conflict",...}}; the audit
 * trail holds exactly one row for the winner. Where two transitions compete
 * (cancel against export, approve against cancel) the outcome is one of the
 * legal ones and never both.
 *
 * The core-level races already in the module suites (test_pay: 8 approvers,
 * 2 generators; test_case: meet/waive; test_eval: finalise) are not repeated
 * there; these go through HTTP, add the missing transitions (cancel, export,
 * settle, obligation cancel, death) and the unique keys.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "reliability_util.h"

#define N 8
#define ROUNDS 3

typedef struct shot {
	char method[8], path[256], body[1024];
	const char *token;
	pthread_barrier_t *go;
	long status;
	char *resp;
} shot;

static long races_run, requests_sent;

static void *fire(void *arg)
{
	shot *s = arg;

	pthread_barrier_wait(s->go);
	s->status = rl_http(s->method, s->path, s->token, NULL, s->body[0] ? s->body : NULL, NULL, &s->resp);
	return NULL;
}

/* Fires the N prepared shots at once; fills status/resp. */
static void release(shot *s)
{
	pthread_barrier_t go;
	pthread_t th[N];

	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++) {
		s[i].go = &go;
		s[i].status = -1;
		s[i].resp = NULL;
		pthread_create(&th[i], NULL, fire, &s[i]);
	}
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	races_run++;
	requests_sent += N;
}

static void aim(shot *s, const char *method, const char *path, const char *body, const char *user)
{
	snprintf(s->method, sizeof(s->method), "%s", method);
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->body, sizeof(s->body), "%s", body ? body : "");
	s->token = yh_t_token(user);
}

/* Counts winners (2xx) and clear conflicts (409 "conflict") among shots [from, to); prints the rest. */
static void tally(shot *s, int from, int to, int *won, int *lost)
{
	for (int i = from; i < to; i++) {
		if (s[i].status >= 200 && s[i].status < 300)
			(*won)++;
		else if (s[i].status == 409 && strcmp(rl_error_code(s[i].resp), "conflict") == 0)
			(*lost)++;
		else
			fprintf(stderr, "%s %s: %ld %.200s\n", s[i].method, s[i].path, s[i].status, s[i].resp ? s[i].resp : "");
	}
}

static void clear(shot *s)
{
	for (int i = 0; i < N; i++)
		free(s[i].resp);
}

static long audit_of(const char *action, const char *entity_id)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.audit_log WHERE action = '%s' AND entity_id = '%s'", action,
		entity_id);
	return yh_t_count(sql);
}

/* Eight clients perform one transition on one record: one wins, seven conflict, one audit row. */
static void one_winner(const char *kind, const char *prefix, const char *suffix, const char *body, const char *u1,
	const char *u2, const char *action)
{
	for (int round = 0; round < ROUNDS; round++) {
		const char *target = rl_make_named(kind);
		char id[64], path[256];
		shot s[N];
		int won = 0, lost = 0;

		snprintf(id, sizeof(id), "%s", target);
		snprintf(path, sizeof(path), "%s%s%s", prefix, id, suffix);
		for (int i = 0; i < N; i++)
			aim(&s[i], "POST", path, body, i % 2 ? u2 : u1);
		release(s);
		tally(s, 0, N, &won, &lost);
		if (won != 1 || lost != N - 1)
			fprintf(stderr, "race %s round %d: %d won, %d conflicts\n", path, round, won, lost);
		CU_ASSERT_EQUAL(won, 1);
		CU_ASSERT_EQUAL(lost, N - 1);
		if (action)
			CU_ASSERT_EQUAL(audit_of(action, id), 1);
		clear(s);
	}
}

static void test_batch_approve(void)
{
	one_winner("draft_batch", "/api/v1/batches/", "/approve", "{\"meeting_ref\":\"局务会\"}", "approver", "approver2",
		"batch.approve");
}

static void test_batch_cancel(void)
{
	one_winner("draft_batch", "/api/v1/batches/", "/cancel", "{\"reason\":\"退回\"}", "clerk", "approver", "batch.cancel");
}

static void test_batch_settle(void)
{
	one_winner("exported_batch", "/api/v1/batches/", "/settle", "{\"bank_ref\":\"B-1\",\"paid_on\":\"2022-03-25\"}", "clerk",
		"admin", "batch.settle");
}

static void test_obligation_close(void)
{
	/* meet, waive and cancel at once: the obligation closes once */
	for (int round = 0; round < ROUNDS; round++) {
		const char *ob = rl_make_named("obligation");
		char id[64], path[256], body[256];
		shot s[N];
		int won = 0, lost = 0;

		snprintf(id, sizeof(id), "%s", ob);
		for (int i = 0; i < N; i++) {
			static const char *const verbs[] = { "meet", "waive", "cancel" };
			snprintf(path, sizeof(path), "/api/v1/obligations/%s/%s", id, verbs[i % 3]);
			if (i % 3 == 0)
				snprintf(body, sizeof(body), "{\"visit\":\"%s\"}", rl_make_named("visit_of_last"));
			else
				snprintf(body, sizeof(body), "{\"reason\":\"并发%d\"}", i);
			aim(&s[i], "POST", path, body, "cw_a");
		}
		release(s);
		tally(s, 0, N, &won, &lost);
		CU_ASSERT_EQUAL(won, 1);
		CU_ASSERT_EQUAL(lost, N - 1);
		{
			char sql[256];
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.audit_log WHERE entity = 'obligation' AND entity_id = '%s'"
				" AND action <> 'obligation.open'", id);
			CU_ASSERT_EQUAL(yh_t_count(sql), 1);
		}
		clear(s);
	}
}

static void test_finalise(void)
{
	one_winner("year", "/api/v1/evaluations/", "/finalise", "{\"unit\":\"bureau\"}", "approver", "admin", NULL);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM (SELECT year FROM yh.evaluation_snapshot WHERE reopened_at IS NULL"
		" GROUP BY year, unit_id HAVING count(*) > 1) x"), 0);
}

static void test_death(void)
{
	for (int round = 0; round < ROUNDS; round++) {
		char person[64], body[256];
		shot s[N];
		int won = 0, lost = 0;

		snprintf(person, sizeof(person), "%s", rl_make_named("cadre"));
		snprintf(body, sizeof(body), "{\"type\":\"death\",\"person\":\"%s\",\"date\":\"%s\"}", person, rl_memo("today"));
		for (int i = 0; i < N; i++)
			aim(&s[i], "POST", "/api/v1/events", body, "cw_a");
		release(s);
		tally(s, 0, N, &won, &lost);
		CU_ASSERT_EQUAL(won, 1);
		CU_ASSERT_EQUAL(lost, N - 1);
		{
			char sql[256];
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.event e JOIN yh.person p ON p.id = e.person_id"
				" WHERE p.uid = '%s' AND e.type = 'death'", person);
			CU_ASSERT_EQUAL(yh_t_count(sql), 1);
		}
		clear(s);
	}
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM (SELECT person_id FROM yh.event WHERE type = 'death'"
		" GROUP BY person_id HAVING count(*) > 1) x"), 0);
}

/* Two legal transitions compete: cancel against export of an approved batch. Never both. */
static void test_cancel_against_export(void)
{
	for (int round = 0; round < ROUNDS; round++) {
		char id[64], cpath[256], epath[256], sql[256];
		shot s[N];
		int cw = 0, cl = 0, ew = 0, el = 0;

		snprintf(id, sizeof(id), "%s", rl_make_named("approved_batch"));
		snprintf(cpath, sizeof(cpath), "/api/v1/batches/%s/cancel", id);
		snprintf(epath, sizeof(epath), "/api/v1/batches/%s/export", id);
		for (int i = 0; i < N; i++)
			aim(&s[i], "POST", i % 2 ? epath : cpath, i % 2 ? "{}" : "{\"reason\":\"撤回\"}", i % 2 ? "clerk" : "admin");
		release(s);
		for (int i = 0; i < N; i += 2)
			tally(s, i, i + 1, &cw, &cl);
		for (int i = 1; i < N; i += 2)
			tally(s, i, i + 1, &ew, &el);
		CU_ASSERT_EQUAL(cw + cl, N / 2);
		CU_ASSERT_EQUAL(ew + el, N / 2);
		/* a cancelled batch was never sent to the bank; an exported one was never cancelled */
		CU_ASSERT((cw == 1 && ew == 0) || (cw == 0 && ew == N / 2));
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.batch WHERE uid = '%s' AND (state = 'cancelled') = (%d = 1)"
			" AND export_count = %d", id, cw, ew);
		CU_ASSERT_EQUAL(yh_t_count(sql), 1);
		CU_ASSERT_EQUAL(audit_of("batch.export", id), ew);
		clear(s);
	}
}

/* Approve against cancel of a draft: at most one of each, and the state says which came last. */
static void test_approve_against_cancel(void)
{
	for (int round = 0; round < ROUNDS; round++) {
		char id[64], apath[256], cpath[256], sql[256];
		shot s[N];
		int aw = 0, al = 0, cw = 0, cl = 0;

		snprintf(id, sizeof(id), "%s", rl_make_named("draft_batch"));
		snprintf(apath, sizeof(apath), "/api/v1/batches/%s/approve", id);
		snprintf(cpath, sizeof(cpath), "/api/v1/batches/%s/cancel", id);
		for (int i = 0; i < N; i++)
			aim(&s[i], "POST", i % 2 ? cpath : apath, i % 2 ? "{\"reason\":\"撤回\"}" : "{\"meeting_ref\":\"会\"}",
				i % 2 ? "clerk" : (i % 4 ? "approver2" : "approver"));
		release(s);
		for (int i = 0; i < N; i += 2)
			tally(s, i, i + 1, &aw, &al);
		for (int i = 1; i < N; i += 2)
			tally(s, i, i + 1, &cw, &cl);
		CU_ASSERT_EQUAL(aw + al + cw + cl, N);
		CU_ASSERT(aw <= 1 && cw == 1); /* a draft or an approved batch is always cancellable: one cancel wins */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.batch WHERE uid = '%s' AND state = 'cancelled'", id);
		CU_ASSERT_EQUAL(yh_t_count(sql), 1);
		CU_ASSERT_EQUAL(audit_of("batch.approve", id), aw);
		CU_ASSERT_EQUAL(audit_of("batch.cancel", id), cw);
		clear(s);
	}
}

/* Every re-export of an exported batch counts: eight at once, eight exports recorded, no lost update. */
static void test_reexport(void)
{
	char id[64], path[256], sql[256];
	shot s[N];
	int won = 0, lost = 0;

	snprintf(id, sizeof(id), "%s", rl_make_named("approved_batch"));
	snprintf(path, sizeof(path), "/api/v1/batches/%s/export", id);
	for (int i = 0; i < N; i++)
		aim(&s[i], "POST", path, "{}", i % 2 ? "clerk" : "admin");
	release(s);
	tally(s, 0, N, &won, &lost);
	CU_ASSERT_EQUAL(won, N);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.batch WHERE uid = '%s' AND state = 'exported' AND export_count = %d",
		id, N);
	CU_ASSERT_EQUAL(yh_t_count(sql), 1);
	CU_ASSERT_EQUAL(audit_of("batch.export", id), N);
	clear(s);
}

/* A unique key: the same value created by eight clients at once. */
static void one_create(const char *path, const char *tpl, const char *u1, const char *u2, const char *field,
	const char *count_sql)
{
	for (int round = 0; round < ROUNDS; round++) {
		char body[1024];
		shot s[N];
		int won = 0, lost = 0;
		long before = yh_t_count(count_sql);

		if (rl_expand(body, sizeof(body), tpl, u1) != 0) {
			CU_FAIL("placeholder");
			return;
		}
		for (int i = 0; i < N; i++)
			aim(&s[i], "POST", path, body, i % 2 ? u2 : u1);
		release(s);
		tally(s, 0, N, &won, &lost);
		if (won != 1 || lost != N - 1)
			fprintf(stderr, "race POST %s %s round %d: %d won, %d conflicts\n", path, body, round, won, lost);
		CU_ASSERT_EQUAL(won, 1);
		CU_ASSERT_EQUAL(lost, N - 1);
		CU_ASSERT_EQUAL(yh_t_count(count_sql), before + 1);
		for (int i = 0; field && i < N; i++)
			if (s[i].status == 409 && strcmp(yh_t_json(s[i].resp, "error.field") ? yh_t_json(s[i].resp, "error.field") : "",
						    field) != 0) {
				fprintf(stderr, "POST %s conflict names %s, want %s\n", path, yh_t_json(s[i].resp, "error.field"), field);
				CU_FAIL("the conflict names the wrong field");
			}
		clear(s);
	}
}

static void test_unique_idno(void)
{
	one_create("/api/v1/cadres", "{\"name\":\"同号\",\"id_number\":\"{idno}\",\"category\":\"退休\",\"unit\":\"chikan\"}",
		"admin", "cw_a", "id_number", "SELECT count(*) FROM yh.person");
}

static void test_unique_unit(void)
{
	one_create("/api/v1/units", "{\"code\":\"race{seq}\",\"name\":\"竞争单位\",\"parent\":\"bureau\"}", "admin", "admin",
		"code", "SELECT count(*) FROM yh.unit");
}

static void test_unique_staff(void)
{
	one_create("/api/v1/staff", "{\"username\":\"race{seq}\",\"role\":\"clerk\",\"unit\":\"bureau\","
		"\"password\":\"pass-word-race\"}", "admin", "admin", "username", "SELECT count(*) FROM yh.staff");
}

static void test_unique_programme(void)
{
	one_create("/api/v1/programmes", "{\"code\":\"race{seq}\",\"name\":\"竞争补助\",\"budget_line\":\"2080599\","
		"\"period\":\"monthly\",\"amount\":\"10.00\"}", "clerk", "admin", "code", "SELECT count(*) FROM yh.programme");
}

static void test_unique_enrolment(void)
{
	one_create("/api/v1/enrolments", "{\"programme\":\"{programme}\",\"person\":\"{new:cadre}\",\"start_on\":\"2021-01-01\","
		"\"account\":\"62220300{seq}\",\"bank_name\":\"工商银行\"}", "clerk", "admin", NULL,
		"SELECT count(*) FROM yh.enrolment");
}

static void test_unique_batch(void)
{
	one_create("/api/v1/batches", "{\"programme\":\"{new:enrolled_programme}\",\"period\":\"2022-04\"}", "clerk", "admin",
		NULL, "SELECT count(*) FROM yh.batch");
	/* a period is paid by one batch: no person has two lines for one programme and period */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM (SELECT l.person_id FROM yh.payment_line l JOIN yh.batch b"
		" ON b.id = l.batch_id WHERE b.state <> 'cancelled' AND l.kind = 'payment'"
		" GROUP BY l.person_id, b.programme_id, b.period HAVING count(*) > 1) x"), 0);
}

/*
 * The database drops every connection of the daemon (as a restart does):
 * the next requests, eight at once, find out before they start and are all
 * served on fresh connections. Before yh_db_ensure read the dead socket,
 * each worker answered one 503 first (scripts/chaos measured it).
 */
static void test_connections_dropped(void)
{
	char st[6];
	shot s[N];
	int won = 0, lost = 0;
	long races = races_run, sent = requests_sent;

	for (int round = 0; round < ROUNDS; round++) {
		/* every worker holds a connection */
		for (int i = 0; i < N; i++)
			aim(&s[i], "GET", "/api/v1/units", NULL, "admin");
		release(s);
		clear(s);
		CU_ASSERT_EQUAL(yh_t_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'yinhuid'"
					 " AND datname = current_database()", st), 0);
		for (int k = 0; k < 200 && yh_t_count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'yinhuid'"
							  " AND datname = current_database()") > 0; k++)
			usleep(10000);
		for (int i = 0; i < N; i++)
			aim(&s[i], "GET", "/api/v1/units", NULL, i % 2 ? "clerk" : "admin");
		release(s);
		won = lost = 0;
		tally(s, 0, N, &won, &lost);
		CU_ASSERT_EQUAL(won, N);
		clear(s);
	}
	races_run = races; /* not races: the summary counts those only */
	requests_sent = sent;
}

static void test_summary(void)
{
	printf("\nconcurrency: %ld races of %d clients (%ld requests), every one with one winner or a legal outcome\n",
		races_run, N, requests_sent);
	CU_ASSERT(races_run > 0);
}

static const yh_t_case cases[] = {
	{ "batch approve: 8 approvers", test_batch_approve },
	{ "batch cancel: 8 at once", test_batch_cancel },
	{ "batch settle: 8 at once", test_batch_settle },
	{ "batch cancel against export", test_cancel_against_export },
	{ "batch approve against cancel", test_approve_against_cancel },
	{ "batch re-export: 8 recorded", test_reexport },
	{ "obligation meet/waive/cancel at once", test_obligation_close },
	{ "evaluation finalise: 8 at once", test_finalise },
	{ "death recorded by 8 at once", test_death },
	{ "unique: ID number", test_unique_idno },
	{ "unique: unit code", test_unique_unit },
	{ "unique: username", test_unique_staff },
	{ "unique: programme code", test_unique_programme },
	{ "unique: one open enrolment per person and programme", test_unique_enrolment },
	{ "unique: one batch per programme and period", test_unique_batch },
	{ "the daemon's connections dropped: served on fresh ones", test_connections_dropped },
	{ "summary", test_summary },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("concurrency");
	yh_t_server_start();
	rc = yh_t_run("concurrency", cases);
	yh_t_teardown();
	return rc;
}
