/* Roster headcount figures, drill-down, year-end record and reconciliation against a real PostgreSQL. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "test_roster_util.h"

/* A cadre added on a given day; returns its uid (static ring). */
static const char *added_in(const char *unit, const char *name, const char *birth, int seq, const char *category,
	const char *rank, const char *added_on)
{
	static char ring[16][37];
	static int slot;
	yh_fields *f = yh_t_fields("name", name, "id_number", rt_id("440802", birth, seq), "category", category,
		"rank", rank, "added_on", added_on, "unit", unit, "joined_on", "1948-05-01", NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (yh_roster_create(T.db, &T.admin, f, &out, &err) != 0) {
		fprintf(stderr, "added %s: %s %s\n", name, err.field, err.msg);
		yh_fields_free(f);
		return NULL;
	}
	slot = (slot + 1) % 16;
	snprintf(ring[slot], sizeof(ring[slot]), "%s", yh_t_json(out, "id"));
	free(out);
	yh_fields_free(f);
	return ring[slot];
}

static const char *added(const char *name, const char *birth, int seq, const char *category, const char *rank,
	const char *added_on)
{
	return added_in("chikan", name, birth, seq, category, rank, added_on);
}

/* The casework module owns deaths; here the date is set directly, as its transaction would. */
static void died(const char *uid, const char *date)
{
	char sql[256], st[6];

	snprintf(sql, sizeof(sql), "UPDATE yh.person SET deceased_on = '%s' WHERE uid = '%s'", date, uid);
	CU_ASSERT_EQUAL(yh_t_sql(sql, st), 0);
}

static void moved(const char *uid, const char *date)
{
	yh_fields *f = yh_t_fields("date", date, NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.admin, uid, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
}

static char g_late[37];

static void setup_people(void)
{
	const char *u;

	/* on the roster before 2022 */
	CU_ASSERT_PTR_NOT_NULL(added("甲", "19300101", 1, "离休", "副处级", "2015-01-01"));
	CU_ASSERT_PTR_NOT_NULL(added("乙", "19300102", 2, "离休", "副处级", "2015-01-01"));
	u = added("丙", "19300103", 3, "退休", "正处级", "2015-01-01");
	died(u, "2022-03-01");
	u = added("丁", "19300104", 4, "退休", "正处级", "2016-01-01");
	moved(u, "2022-12-31");
	u = added("戊", "19300105", 5, "退休", "正处级", "2016-01-01");
	died(u, "2021-06-30"); /* left before 2022 */
	/* added in 2022 */
	CU_ASSERT_PTR_NOT_NULL(added("己", "19300106", 6, "退休", "副处级", "2022-01-01"));
	u = added("庚", "19300107", 7, "退休", "副处级", "2022-05-05");
	died(u, "2022-08-08");
	/* added after 2022 */
	u = added("辛", "19300108", 8, "退休", "副处级", "2023-02-02");
	snprintf(g_late, sizeof(g_late), "%s", u ? u : "");
	/* died on the day before it was put on the roster: never on it */
	u = added("壬", "19300109", 9, "退休", "副处级", "2022-06-01");
	died(u, "2020-01-01");
	/* a cadre of xiashan: outside chikan's figures */
	CU_ASSERT_PTR_NOT_NULL(added_in("xiashan", "癸", "19300110", 10, "退休", "副处级", "2020-01-01"));
}

/* A figure by its code (the codes hold dots, which yh_t_json reads as a path). */
static long fig(const char *json, const char *code)
{
	json_t *doc = json_loads(json ? json : "", 0, NULL), *v = json_object_get(doc, code);
	long n = json_is_integer(v) ? (long)json_integer_value(v) : -1;

	json_decref(doc);
	return n;
}

static void test_figures(void)
{
	static const struct {
		const yh_actor *who;
		const char *unit, *code;
		long expect;
	} cases[] = {
		{ &T.admin, "chikan", "roster.start", 4 },          /* 甲 乙 丙 丁 */
		{ &T.admin, "chikan", "roster.added", 2 },          /* 己 庚 */
		{ &T.admin, "chikan", "roster.deceased", 2 },       /* 丙 庚 */
		{ &T.admin, "chikan", "roster.transferred_out", 1 }, /* 丁 (on 12-31) */
		{ &T.admin, "chikan", "roster.end", 3 },            /* 甲 乙 己 */
		{ &T.admin, NULL, "roster.end", 4 },                /* + 癸 */
		{ &T.cw_a, NULL, "roster.end", 3 },                 /* chikan's scope */
		{ &T.cw_b, NULL, "roster.end", 1 },
	};
	char *out = NULL;
	yh_err err;

	setup_people();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_figures(T.db, cases[i].who, "2022-01-01", "2022-12-31", cases[i].unit, &out, &err), 0);
		CU_ASSERT_EQUAL(fig(out, cases[i].code), cases[i].expect);
		if (fig(out, cases[i].code) != cases[i].expect)
			fprintf(stderr, "figures case %zu: %s\n", i, out);
		/* the identity always holds */
		CU_ASSERT_EQUAL(fig(out, "roster.start") + fig(out, "roster.added") - fig(out, "roster.deceased") -
			fig(out, "roster.transferred_out"), fig(out, "roster.end"));
		free(out);
	}
	/* drill-down: the persons behind a figure */
	CU_ASSERT_EQUAL(yh_roster_figure_records(T.db, &T.admin, "roster.deceased", "2022-01-01", "2022-12-31", "chikan",
		&out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.exit_kind"), "deceased");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"庚\""));
	CU_ASSERT_PTR_NULL(strstr(out, "44080219300"));
	free(out);
	/* bad arguments and scope */
	CU_ASSERT_EQUAL(yh_roster_figure_records(T.db, &T.admin, "roster.nope", "2022-01-01", "2022-12-31", NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "code");
	CU_ASSERT_EQUAL(yh_roster_figures(T.db, &T.admin, "2022-12-31", "2022-01-01", NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_roster_figures(T.db, &T.admin, "2022-02-30", "2022-12-31", NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "from");
	CU_ASSERT_EQUAL(yh_roster_figures(T.db, &T.cw_a, "2022-01-01", "2022-12-31", "xiashan", &out, &err), YH_EFORBIDDEN);
}

static const char *row_of(const char *json, const char *category, const char *rank, const char *key)
{
	static char buf[64];

	for (int i = 0; i < 20; i++) {
		char p[64];
		const char *c, *r;
		snprintf(p, sizeof(p), "rows.%d.category", i);
		c = yh_t_json(json, p);
		if (c == NULL)
			break;
		snprintf(p, sizeof(p), "rows.%d.rank", i);
		r = yh_t_json(json, p);
		if (strcmp(c, category) == 0 && r && strcmp(r, rank) == 0) {
			snprintf(p, sizeof(p), "rows.%d.%s", i, key);
			snprintf(buf, sizeof(buf), "%s", yh_t_json(json, p) ? yh_t_json(json, p) : "");
			return buf;
		}
	}
	return "";
}

static void test_reconcile(void)
{
	long audits;
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	/* without a recorded year end the start is computed and everything balances */
	CU_ASSERT_EQUAL_FATAL(yh_roster_reconcile(T.db, &T.admin, 2022, "chikan", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "start_source"), "computed");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "as_of"), "2022-12-31");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "totals.expected"), "3");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "totals.actual"), "3");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "totals.difference"), "0");
	CU_ASSERT_STRING_EQUAL(row_of(out, "退休", "正处级", "start"), "2");
	CU_ASSERT_STRING_EQUAL(row_of(out, "退休", "正处级", "deceased"), "1");
	CU_ASSERT_STRING_EQUAL(row_of(out, "退休", "正处级", "transferred_out"), "1");
	CU_ASSERT_STRING_EQUAL(row_of(out, "退休", "正处级", "actual"), "0");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "differences"), 0);
	free(out);

	/* record 2021's year end, then change history: differences appear, with their persons */
	audits = rt_audit_count();
	CU_ASSERT_EQUAL_FATAL(yh_roster_year_close(T.db, &T.admin, 2021, "chikan", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "persons"), "4");
	free(out);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_roster_year_close(T.db, &T.admin, 2021, "chikan", &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_roster_year_close(T.db, &T.admin, 2999, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_roster_year_close(T.db, &T.auditor, 2020, NULL, &out, &err), YH_EFORBIDDEN);
	{
		char st[6];
		/* the recorded year end is fixed */
		CU_ASSERT_EQUAL(yh_t_sql("DELETE FROM yh.roster_year_end", st), -1);
		CU_ASSERT_STRING_EQUAL(st, "YH409");
	}
	{
		/* 甲 is re-graded; 辛's added_on is backdated into 2021 */
		yh_fields *f = yh_t_fields("rank", "正处级", NULL);
		char *tmp = NULL, *jia = NULL;
		yh_db_query_text(T.db, &jia, "SELECT uid::text FROM yh.person WHERE name = '甲'", 0, NULL, NULL, &err);
		CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.admin, jia, f, &tmp, &err), 0);
		free(tmp);
		yh_fields_free(f);
		free(jia);
		f = yh_t_fields("added_on", "2021-03-03", NULL);
		CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.admin, g_late, f, &tmp, &err), 0);
		free(tmp);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL_FATAL(yh_roster_reconcile(T.db, &T.admin, 2022, "chikan", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "start_source"), "year_end_record");
	CU_ASSERT_STRING_EQUAL(row_of(out, "离休", "副处级", "start"), "2");
	CU_ASSERT_STRING_EQUAL(row_of(out, "离休", "副处级", "actual"), "1");
	CU_ASSERT_STRING_EQUAL(row_of(out, "离休", "副处级", "difference"), "-1");
	CU_ASSERT_STRING_EQUAL(row_of(out, "离休", "正处级", "difference"), "1");
	CU_ASSERT_STRING_EQUAL(row_of(out, "退休", "副处级", "difference"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "totals.difference"), "1");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "differences"), 2);
	for (int i = 0; i < 2; i++) {
		char p[64], name[32];
		snprintf(p, sizeof(p), "differences.%d.name", i);
		snprintf(name, sizeof(name), "%s", yh_t_json(out, p) ? yh_t_json(out, p) : "");
		snprintf(p, sizeof(p), "differences.%d.reason", i);
		if (strcmp(name, "甲") == 0) {
			CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, p), "rank changed"));
		} else {
			CU_ASSERT(strcmp(name, "辛") == 0 && strstr(yh_t_json(out, p), "neither at the start") != NULL);
		}
	}
	free(out);
	/* the running year is reconciled as of today; a future year is refused */
	CU_ASSERT_EQUAL(yh_roster_reconcile(T.db, &T.cw_a, 2999, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_roster_reconcile(T.db, &T.cw_a, 2022, "xiashan", &out, &err), YH_EFORBIDDEN);
}

static const yh_t_case cases[] = {
	{ "figures and drill-down", test_figures },
	{ "year end and reconciliation", test_reconcile },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	yh_t_setup("roster_figures");
	rc = yh_t_run("roster_figures", cases);
	yh_t_teardown();
	return rc;
}
