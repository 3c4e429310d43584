/*
 * Idempotency-Key on every POST that writes, walked from the route table (a
 * new POST route without a row here, or a reason it is exempt, fails):
 *  - a retry with the same key answers the first answer, byte for byte, and
 *    writes nothing (rows of the record's table and audit rows are counted);
 *  - a retry sent while the first is still running (two threads, the same
 *    key, released together) makes exactly one write and both get the same
 *    answer;
 *  - the same key with another request is refused (422, field Idempotency-Key).
 * Bulk imports are safe to re-run without a key: the cadre import is an upsert
 * on the ID number, the budget import replaces figures, obligation generation
 * never duplicates, and a second batch for the same period is refused.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "reliability_util.h"

#define CSV "text/csv"

typedef struct irow {
	const char *pattern; /* the POST route */
	const char *user;
	const char *path; /* template; NULL = the pattern */
	const char *body; /* template: must hold something fresh ({seq}, {new:...}) */
	const char *ctype;
	const char *count; /* SQL counting the rows the route writes */
	int varies;        /* how many rows a request writes depends on the request */
} irow;

static const irow rows[] = {
	{ "/api/v1/units", "admin", NULL, "{\"code\":\"u{seq}\",\"name\":\"单位{cn}\",\"parent\":\"chikan\"}", NULL,
		"SELECT count(*) FROM yh.unit", 0 },
	{ "/api/v1/staff", "admin", NULL, "{\"username\":\"s{seq}\",\"role\":\"caseworker\",\"unit\":\"chikan\","
		"\"password\":\"pass-word-{seq}\"}", NULL, "SELECT count(*) FROM yh.staff", 0 },
	{ "/api/v1/staff/:username/disable", "admin", "/api/v1/staff/{new:staff}/disable", "{}", NULL,
		"SELECT count(*) FROM yh.staff WHERE disabled", 0 },
	{ "/api/v1/settings", "admin", NULL, "{\"key\":\"obligation.grace_days\",\"value\":\"30\",\"valid_from\":\"{sday}\"}",
		NULL, "SELECT count(*) FROM yh.setting", 0 },
	{ "/api/v1/cadres", "cw_a", NULL, "{\"name\":\"重试{cn}\",\"id_number\":\"{idno}\",\"category\":\"退休\"}", NULL,
		"SELECT count(*) FROM yh.person", 0 },
	{ "/api/v1/cadres/import", "admin", NULL, "姓名,身份证号码,类别,单位\n导入{cn},{idno},退休,chikan\n", CSV,
		"SELECT count(*) FROM yh.person", 0 },
	{ "/api/v1/cadres/:id/transfer-out", "cw_a", "/api/v1/cadres/{new:cadre}/transfer-out",
		"{\"date\":\"{today}\",\"to\":\"广州\"}", NULL, "SELECT count(*) FROM yh.person WHERE transferred_out_on IS NOT NULL", 0 },
	{ "/api/v1/roster/year-end", "admin", NULL, "{\"year\":{new:closing_year}}", NULL,
		"SELECT count(*) FROM yh.roster_year_close", 0 },
	{ "/api/v1/visits", "cw_a", NULL, "{\"person\":\"{cadre}\",\"visited_at\":\"2025-06-01T09:30\","
		"\"occasion\":\"日常联系\",\"mode\":\"上门\",\"goods\":\"米{seq}\"}", NULL, "SELECT count(*) FROM yh.visit", 0 },
	{ "/api/v1/visits/:id/amendments", "cw_a", "/api/v1/visits/{visit}/amendments",
		"{\"reason\":\"更正\",\"goods\":\"油{seq}\"}", NULL, "SELECT count(*) FROM yh.audit_log WHERE action LIKE 'visit.%'", 0 },
	{ "/api/v1/events", "cw_a", NULL, "{\"type\":\"hardship\",\"person\":\"{new:cadre}\",\"date\":\"2025-06-01\"}", NULL,
		"SELECT count(*) FROM yh.obligation", 0 },
	{ "/api/v1/obligations/generate", "cw_a", NULL, "{\"from\":\"{sday}\",\"through\":\"2049-12-31\"}", NULL,
		"SELECT count(*) FROM yh.obligation", 1 },
	{ "/api/v1/obligations/:id/meet", "cw_a", "/api/v1/obligations/{new:obligation}/meet",
		"{\"visit\":\"{new:visit_of_last}\"}", NULL, "SELECT count(*) FROM yh.obligation WHERE state = 'met'", 0 },
	{ "/api/v1/obligations/:id/waive", "cw_a", "/api/v1/obligations/{new:obligation}/waive", "{\"reason\":\"已解决\"}",
		NULL, "SELECT count(*) FROM yh.obligation WHERE state = 'waived'", 0 },
	{ "/api/v1/obligations/:id/cancel", "cw_a", "/api/v1/obligations/{new:obligation}/cancel", "{\"reason\":\"重复\"}",
		NULL, "SELECT count(*) FROM yh.obligation WHERE state = 'cancelled'", 0 },
	{ "/api/v1/festival-rules", "admin", NULL, "{\"code\":\"f{seq}\",\"name\":\"节日{seq}\",\"spec\":\"05-01\"}", NULL,
		"SELECT count(*) FROM yh.festival_rule", 0 },
	{ "/api/v1/programmes", "clerk", NULL, "{\"code\":\"p{seq}\",\"name\":\"补助\",\"budget_line\":\"2080599\","
		"\"period\":\"monthly\",\"amount\":\"10.00\"}", NULL, "SELECT count(*) FROM yh.programme", 0 },
	{ "/api/v1/programmes/:id/rates", "clerk", "/api/v1/programmes/{programme}/rates",
		"{\"valid_from\":\"{sday}\",\"amount\":\"120.00\"}", NULL, "SELECT count(*) FROM yh.programme_rate", 0 },
	{ "/api/v1/enrolments", "clerk", NULL, "{\"programme\":\"{programme}\",\"person\":\"{new:cadre}\","
		"\"start_on\":\"2021-01-01\",\"account\":\"6222020{seq}\",\"bank_name\":\"工商银行\"}", NULL,
		"SELECT count(*) FROM yh.enrolment", 0 },
	{ "/api/v1/enrolments/:id/end", "clerk", "/api/v1/enrolments/{new:enrolment}/end",
		"{\"end_on\":\"2022-12-31\",\"reason\":\"停发\"}", NULL, "SELECT count(*) FROM yh.enrolment WHERE end_on IS NOT NULL", 0 },
	{ "/api/v1/enrolments/:id/proof-of-life", "clerk", "/api/v1/enrolments/{new:enrolment}/proof-of-life",
		"{\"verified_on\":\"2022-03-01\",\"method\":\"视频\"}", NULL, "SELECT count(*) FROM yh.proof_of_life", 0 },
	{ "/api/v1/batches", "clerk", NULL, "{\"programme\":\"{new:enrolled_programme}\",\"period\":\"2022-03\"}", NULL,
		"SELECT count(*) FROM yh.payment_line", 0 },
	{ "/api/v1/batches/:id/approve", "approver", "/api/v1/batches/{new:draft_batch}/approve",
		"{\"meeting_ref\":\"局务会\"}", NULL, "SELECT count(*) FROM yh.batch WHERE state = 'approved'", 0 },
	{ "/api/v1/batches/:id/cancel", "clerk", "/api/v1/batches/{new:draft_batch}/cancel", "{\"reason\":\"退回\"}", NULL,
		"SELECT count(*) FROM yh.batch WHERE state = 'cancelled'", 0 },
	{ "/api/v1/batches/:id/settle", "clerk", "/api/v1/batches/{new:exported_batch}/settle",
		"{\"bank_ref\":\"BANK-2\",\"paid_on\":\"2022-03-25\"}", NULL, "SELECT count(*) FROM yh.batch WHERE state = 'settled'", 0 },
	{ "/api/v1/batches/:id/result", "clerk", "/api/v1/batches/{new:exported_batch}/result",
		"业务流水号,状态,原因,银行流水号\n{last_line},成功,,BANK-3\n", CSV,
		"SELECT count(*) FROM yh.payment_line WHERE bank_ref IS NOT NULL", 0 },
	{ "/api/v1/batches/:id/reissue", "clerk", "/api/v1/batches/{new:failed_batch}/reissue", "{}", NULL,
		"SELECT count(*) FROM yh.batch", 0 },
	{ "/api/v1/payments/:ref/reverse", "clerk", "/api/v1/payments/{new:paid_line}/reverse",
		"{\"reason\":\"重复发放\",\"amount\":\"1.00\"}", NULL, "SELECT count(*) FROM yh.payment_line", 0 },
	{ "/api/v1/branches", "clerk", NULL, "{\"name\":\"支部{cn}\",\"type\":\"支部\",\"unit\":\"chikan\"}", NULL,
		"SELECT count(*) FROM yh.branch", 0 },
	{ "/api/v1/branches/:id/posts", "clerk", "/api/v1/branches/{branch}/posts",
		"{\"person\":\"{new:cadre}\",\"post\":\"委员\",\"from_on\":\"2022-07-01\"}", NULL, "SELECT count(*) FROM yh.branch_post", 0 },
	{ "/api/v1/branch-posts/:id/end", "clerk", "/api/v1/branch-posts/{new:branch_post}/end", "{\"to_on\":\"2022-12-31\"}",
		NULL, "SELECT count(*) FROM yh.branch_post WHERE to_on IS NOT NULL", 0 },
	{ "/api/v1/budget/import", "clerk", NULL, "year,unit,item,amount\n2022,chikan,procurement_budget,{seq}.00\n", CSV,
		"SELECT count(*) FROM yh.budget_figure", 1 },
	{ "/api/v1/activities", "clerk", NULL, "{\"type\":\"study_session\",\"title\":\"学习会{seq}\","
		"\"held_on\":\"2022-06-01\",\"unit\":\"chikan\"}", NULL, "SELECT count(*) FROM yh.activity", 0 },
	{ "/api/v1/evaluations/:year/finalise", "approver", "/api/v1/evaluations/{new:year}/finalise", "{\"unit\":\"bureau\"}",
		NULL, "SELECT count(*) FROM yh.evaluation_snapshot", 0 },
	{ "/api/v1/evaluations/:year/reopen", "approver", "/api/v1/evaluations/{new:final_year}/reopen",
		"{\"unit\":\"bureau\",\"reason\":\"数据更正\"}", NULL,
		"SELECT count(*) FROM yh.evaluation_snapshot WHERE reopened_at IS NOT NULL", 0 },
	{ "/api/v1/evaluations/:year/template", "clerk", "/api/v1/evaluations/{new:bare_year}/template",
		"{\"template\":\"department\"}", NULL, "SELECT count(*) FROM yh.indicator", 0 },
	{ "/api/v1/evaluations/:year/copy", "clerk", "/api/v1/evaluations/{year}/copy", "{\"to\":\"{new:bare_year}\"}", NULL,
		"SELECT count(*) FROM yh.indicator", 0 },
	{ "/api/v1/evaluations/:year/indicators", "clerk", "/api/v1/evaluations/{year}/indicators",
		"{\"code\":\"D5.3.{seq}\",\"parent\":\"D5.3\",\"name\":\"座谈会\",\"class\":\"预算使用效益\",\"points\":\"1\","
		"\"rule\":\"qualitative\",\"source\":\"manual\"}", NULL, "SELECT count(*) FROM yh.indicator", 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};

/* POST routes without a row above, and why. */
static const struct {
	const char *pattern, *why;
} exempt[] = {
	{ "/api/v1/session", "logging in has no actor to own a key; a retried login is just another session" },
	{ "/api/v1/batches/:id/export", "a download, repeatable and audited each time: a key is refused (checked below)" },
	{ "/api/v1/evaluations/:year/reconciliation", "explains a difference the roster and the figures must first show;"
		" the same key machinery, covered by the other rows" },
	{ "/api/v1/demo", "loads the sample bureau only into a database without real data" },
	{ NULL, NULL }
};

static long rows_tested, writes_checked;

/* A member of a JSON answer, "" when absent. */
static const char *js(const char *body, const char *path)
{
	const char *v = yh_t_json(body, path);

	return v ? v : "";
}

static const irow *row_for(const char *pattern)
{
	for (const irow *r = rows; r->pattern; r++)
		if (strcmp(r->pattern, pattern) == 0)
			return r;
	return NULL;
}

static const char *exempt_for(const char *pattern)
{
	for (int i = 0; exempt[i].pattern; i++)
		if (strcmp(exempt[i].pattern, pattern) == 0)
			return exempt[i].why;
	return NULL;
}

static void test_every_post_route(void)
{
	int missing = 0;

	for (int t = 0; yh_route_tables[t]; t++)
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++) {
			if (strcmp(rt->method, "POST") != 0)
				continue;
			if (row_for(rt->pattern) == NULL && exempt_for(rt->pattern) == NULL) {
				fprintf(stderr, "POST %s has no idempotency row and no reason to be exempt\n", rt->pattern);
				missing++;
			}
		}
	CU_ASSERT_EQUAL(missing, 0);
}

static long audit_rows(void)
{
	return yh_t_count("SELECT count(*) FROM yh.audit_log");
}

struct shot {
	const char *path, *body, *ctype, *token, *key;
	pthread_barrier_t *go;
	long status;
	char *resp;
};

static void *fire(void *arg)
{
	struct shot *s = arg;

	pthread_barrier_wait(s->go);
	s->status = rl_http("POST", s->path, s->token, s->ctype, s->body, s->key, &s->resp);
	return NULL;
}

static int expand_row(const irow *r, char *path, size_t pn, char *body, size_t bn)
{
	return rl_expand(path, pn, r->path ? r->path : r->pattern, r->user) == 0 &&
		rl_expand(body, bn, r->body, r->user) == 0 ? 0 : -1;
}

static void check_row(const irow *r)
{
	const char *tok = yh_t_token(r->user);
	char path[512], body[2048], path2[512], body2[2048], key[64], *b1 = NULL, *b2 = NULL, *b3 = NULL;
	long s1, s2, s3, a0, a1, c0, c1, n_audit, n_rows;
	pthread_barrier_t go;
	pthread_t th[2];
	struct shot shots[2];

	if (expand_row(r, path, sizeof(path), body, sizeof(body)) != 0) {
		CU_FAIL("placeholder");
		return;
	}
	/* the first request and its plain retry */
	snprintf(key, sizeof(key), "idem-%d", rl_seq());
	a0 = audit_rows();
	c0 = yh_t_count(r->count);
	s1 = rl_http("POST", path, tok, r->ctype, body, key, &b1);
	a1 = audit_rows();
	c1 = yh_t_count(r->count);
	n_audit = a1 - a0;
	n_rows = c1 - c0;
	s2 = rl_http("POST", path, tok, r->ctype, body, key, &b2);
	rows_tested++;
	if (s1 < 200 || s1 >= 300 || n_audit < 1 || s2 != s1 || b1 == NULL || b2 == NULL || strcmp(b1, b2) != 0 ||
	    audit_rows() != a1 || yh_t_count(r->count) != c1) {
		fprintf(stderr, "POST %s: first %ld (%ld audit, %ld rows) %.200s\n  retry %ld %.200s\n  audit %ld -> %ld,"
			" rows %ld -> %ld\n", path, s1, n_audit, n_rows, b1 ? b1 : "", s2, b2 ? b2 : "", a1, audit_rows(), c1,
			yh_t_count(r->count));
		CU_FAIL("a retried request did not replay the first answer without writing");
	}
	/* the same key, another request: refused, nothing written */
	if (expand_row(r, path2, sizeof(path2), body2, sizeof(body2)) != 0) {
		CU_FAIL("placeholder");
		goto done;
	}
	a1 = audit_rows();
	c1 = yh_t_count(r->count);
	s3 = rl_http("POST", path2, tok, r->ctype, body2, key, &b3);
	if (s3 != 422 || strcmp(yh_t_json(b3, "error.field") ? yh_t_json(b3, "error.field") : "", "Idempotency-Key") != 0 ||
	    audit_rows() != a1 || yh_t_count(r->count) != c1) {
		fprintf(stderr, "POST %s with a reused key: %ld %.200s\n", path2, s3, b3 ? b3 : "");
		CU_FAIL("a key reused for another request was not refused");
	}
	/* a retry while the first still runs: two at once with one fresh key */
	snprintf(key, sizeof(key), "idem-%d", rl_seq());
	a1 = audit_rows();
	c1 = yh_t_count(r->count);
	pthread_barrier_init(&go, NULL, 2);
	for (int i = 0; i < 2; i++) {
		shots[i] = (struct shot){ path2, body2, r->ctype, tok, key, &go, -1, NULL };
		pthread_create(&th[i], NULL, fire, &shots[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	writes_checked += 3;
	if (shots[0].status < 200 || shots[0].status >= 300 || shots[1].status != shots[0].status || !shots[0].resp ||
	    !shots[1].resp || strcmp(shots[0].resp, shots[1].resp) != 0 || audit_rows() != a1 + n_audit ||
	    (!r->varies && yh_t_count(r->count) != c1 + n_rows)) {
		fprintf(stderr, "POST %s twice at once: %ld %.150s | %ld %.150s; audit %ld -> %ld (want +%ld), rows %ld -> %ld"
			" (want +%ld)\n", path2, shots[0].status, shots[0].resp ? shots[0].resp : "", shots[1].status,
			shots[1].resp ? shots[1].resp : "", a1, audit_rows(), n_audit, c1, yh_t_count(r->count), n_rows);
		CU_FAIL("two requests with one key at once did not make exactly one write");
	}
	free(shots[0].resp);
	free(shots[1].resp);
done:
	free(b1);
	free(b2);
	free(b3);
}

static void test_replay_and_race(void)
{
	for (const irow *r = rows; r->pattern; r++)
		check_row(r);
	printf("\nidempotency: %ld POST routes: retried, raced with one key (2 threads) and reused with another body;"
		" %ld requests checked, exempt: %d\n", rows_tested, writes_checked,
		(int)(sizeof(exempt) / sizeof(exempt[0])) - 1);
}

/*
 * The retry provably arrives while the first request runs: another session
 * holds a lock on yh.visit, so the first request claims its key and then waits
 * on the table; the retry waits on the key. Both are seen waiting before the
 * lock is released; then one visit is written and both get its answer.
 */
static void test_retry_during_first(void)
{
	char json[512];
	pthread_barrier_t go;
	pthread_t th[2];
	struct shot shots[2];
	yh_db *locker = NULL;
	yh_err err;
	long visits = yh_t_count("SELECT count(*) FROM yh.visit"), waiting = 0;
	const char *tok = yh_t_token("cw_a");

	yh_err_clear(&err);
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-04T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"电话\"}", rl_memo("cadre"));
	CU_ASSERT_EQUAL_FATAL(yh_db_open(&locker, T.conninfo, "idem-locker", &err), 0);
	CU_ASSERT_EQUAL(yh_db_begin(locker, &err), 0);
	CU_ASSERT(yh_db_exec(locker, "LOCK TABLE yh.visit IN EXCLUSIVE MODE", 0, NULL, &err) >= 0);
	pthread_barrier_init(&go, NULL, 1);
	for (int i = 0; i < 2; i++) {
		shots[i] = (struct shot){ "/api/v1/visits", json, NULL, tok, "held-by-lock", &go, -1, NULL };
		pthread_create(&th[i], NULL, fire, &shots[i]);
		/* the first has claimed the key and waits on the table before the retry is sent */
		for (int k = 0; k < 500 && waiting <= i; k++) {
			usleep(10000);
			/* this suite's database only: the other suites run beside it on the same cluster */
			waiting = yh_t_count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'yinhuid'"
					     " AND wait_event_type = 'Lock' AND datname = current_database()");
		}
	}
	CU_ASSERT_EQUAL(waiting, 2);
	CU_ASSERT_EQUAL(shots[0].status, -1); /* neither has answered yet */
	CU_ASSERT_EQUAL(shots[1].status, -1);
	CU_ASSERT_EQUAL(yh_db_commit(locker, &err), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	yh_db_close(locker);
	CU_ASSERT_EQUAL(shots[0].status, 201);
	CU_ASSERT_EQUAL(shots[1].status, 201);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shots[0].resp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shots[1].resp);
	CU_ASSERT_STRING_EQUAL(shots[0].resp, shots[1].resp);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.visit"), visits + 1);
	free(shots[0].resp);
	free(shots[1].resp);
}

/* The export refuses a key (it is repeatable), a GET ignores one, a bad key is refused. */
static void test_key_edges(void)
{
	char url[160], *b = NULL, longkey[260];
	const char *batch = rl_new_batch("approved", NULL);

	snprintf(url, sizeof(url), "/api/v1/batches/%s/export", batch);
	CU_ASSERT_EQUAL(rl_http("POST", url, yh_t_token("clerk"), NULL, "{}", "k-export", &b), 422);
	CU_ASSERT_STRING_EQUAL(rl_error_code(b), "invalid");
	free(b);
	CU_ASSERT_EQUAL(rl_http("GET", "/api/v1/units", yh_t_token("admin"), NULL, NULL, "k-get", NULL), 200);
	CU_ASSERT_EQUAL(rl_http("GET", "/api/v1/units", yh_t_token("admin"), NULL, NULL, "k-get", NULL), 200);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/units", yh_t_token("admin"), NULL,
		"{\"code\":\"longkey\",\"name\":\"长键\",\"parent\":\"bureau\"}", longkey, &b), 422);
	CU_ASSERT_STRING_EQUAL(js(b, "error.field"), "Idempotency-Key");
	free(b);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code = 'longkey'"), 0);
	/* keys belong to their staff member: another user's same key is a different request */
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/visits", yh_t_token("cw_a"), NULL, "{\"person\":\"x\"}", "shared", &b), 422);
	free(b);
	/* a failed request is not remembered: the same key may then succeed */
	{
		char json[512];
		long before = yh_t_count("SELECT count(*) FROM yh.visit");
		snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-03T09:30\",\"occasion\":\"日常联系\","
			"\"mode\":\"电话\"}", rl_memo("cadre"));
		CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/visits", yh_t_token("cw_b"), NULL, json, "after-failure", &b), 403);
		free(b);
		CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/visits", yh_t_token("cw_a"), NULL, json, "after-failure", &b), 201);
		free(b);
		CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/visits", yh_t_token("cw_a"), NULL, json, "after-failure", &b), 201);
		free(b);
		CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.visit"), before + 1);
	}
}

/* The bulk operations re-run without a key: nothing is written twice. */
static void test_bulk_rerun(void)
{
	char csv[1024], *b = NULL;
	const char *tok = yh_t_token("admin");
	long persons, audits, obligations;
	int n = rl_seq();

	snprintf(csv, sizeof(csv), "姓名,身份证号码,类别,单位\n批量%s,%s,退休,chikan\n批量%s,%s,退休,xiashan\n", rl_cn(n),
		rl_idno(n), rl_cn(n + 1), rl_idno(n + 1));
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/cadres/import", tok, CSV, csv, NULL, &b), 200);
	CU_ASSERT_STRING_EQUAL(js(b, "created"), "2");
	free(b);
	persons = yh_t_count("SELECT count(*) FROM yh.person");
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/cadres/import", tok, CSV, csv, NULL, &b), 200);
	CU_ASSERT_STRING_EQUAL(js(b, "created"), "0");
	CU_ASSERT_STRING_EQUAL(js(b, "unchanged"), "2");
	free(b);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);

	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/budget/import", tok, CSV,
		"year,unit,item,amount\n2021,chikan,procurement_actual,300.00\n", NULL, NULL), 200);
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/budget/import", tok, CSV,
		"year,unit,item,amount\n2021,chikan,procurement_actual,300.00\n", NULL, NULL), 200);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.budget_figure f JOIN yh.unit u ON u.id = f.unit_id"
		" WHERE f.year = 2021 AND u.code = 'chikan' AND f.item = 'procurement_actual'"), 1);

	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/obligations/generate", tok, NULL,
		"{\"from\":\"2027-01-01\",\"through\":\"2027-12-31\"}", NULL, NULL), 200);
	obligations = yh_t_count("SELECT count(*) FROM yh.obligation");
	audits = audit_rows();
	CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/obligations/generate", tok, NULL,
		"{\"from\":\"2027-01-01\",\"through\":\"2027-12-31\"}", NULL, NULL), 200);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.obligation"), obligations);
	(void)audits;

	{
		const char *prog = rl_make_named("enrolled_programme");
		char json[256];
		long lines;
		snprintf(json, sizeof(json), "{\"programme\":\"%s\",\"period\":\"2022-05\"}", prog);
		CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/batches", yh_t_token("clerk"), NULL, json, NULL, NULL), 201);
		lines = yh_t_count("SELECT count(*) FROM yh.payment_line");
		CU_ASSERT_EQUAL(rl_http("POST", "/api/v1/batches", yh_t_token("clerk"), NULL, json, NULL, &b), 409);
		free(b);
		CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.payment_line"), lines);
	}
}

#ifdef YH_CLI_PATH
/* The CLI's bulk import, run twice: the second run changes nothing. */
static void test_cli_rerun(void)
{
	char path[] = "/tmp/yh-idem-XXXXXX", args[256], out[4096];
	long persons;
	int fd = mkstemp(path), n = rl_seq();
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "姓名,身份证号码,类别,单位\n命令%s,%s,退休,chikan\n", rl_cn(n), rl_idno(n));
	fclose(f);
	snprintf(args, sizeof(args), "cadre import %s --json", path);
	CU_ASSERT_EQUAL(rl_cli_run(yh_t_token("admin"), args, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"created\": 1"));
	persons = yh_t_count("SELECT count(*) FROM yh.person");
	CU_ASSERT_EQUAL(rl_cli_run(yh_t_token("admin"), args, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"unchanged\": 1"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	unlink(path);
}
#endif

static const yh_t_case cases[] = {
	{ "every POST route has a row or a reason", test_every_post_route },
	{ "replay, reuse and race on every POST route", test_replay_and_race },
	{ "a retry while the first still runs (held by a lock)", test_retry_during_first },
	{ "key edges: export, GET, length, failures", test_key_edges },
	{ "bulk operations re-run without a key", test_bulk_rerun },
#ifdef YH_CLI_PATH
	{ "CLI: the import re-run", test_cli_rerun },
#endif
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("idempotency");
	yh_t_server_start();
	rc = yh_t_run("idempotency", cases);
	yh_t_teardown();
	return rc;
}
