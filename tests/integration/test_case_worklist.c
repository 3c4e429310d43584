/*
 * The worklist and the casework figures against a real PostgreSQL: scope
 * (cw_a never sees xiashan), urgency order, filters, deceased and
 * transferred-out persons, plans due for review, follow-ups and measures;
 * figures for a period and unit subtree with their drill-down records.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "case_util.h"

static const char *a1, *a2, *a3, *a_dead, *a_moved, *a_far, *e1, *x1, *widow;

static void hardship(const yh_actor *a, const char *person, const char *date)
{
	yh_err err;
	int rc;

	free(case_event(a, "hardship", person, date, &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
}

static void setup_people(void)
{
	yh_fields *f;
	char *out = NULL, m[256];
	yh_err err;
	int rc;

	a1 = case_cadre("chikan", "甲", "1935-01-01", "退休");
	a2 = case_cadre("chikan", "乙", "1936-01-01", "退休");
	a3 = case_cadre("chikan", "丙", "1937-01-01", "退休");
	a_dead = case_cadre("chikan", "丁", "1930-01-01", "退休");
	widow = case_survivor(a_dead, "丁妻", "1932-01-01");
	a_moved = case_cadre("chikan", "戊", "1938-01-01", "退休");
	a_far = case_cadre("chikan", "己", "1939-01-01", "退休");
	e1 = case_cadre("chikan-east", "庚", "1940-01-01", "退休");
	x1 = case_cadre("xiashan", "辛", "1941-01-01", "退休");
	case_set(a1, "address = '赤坎区寸金路1号', phones = '[\"13800138000\"]'");
	case_set(widow, "phones = '[\"13900139000\"]'");
	hardship(&T.cw_a, a1, case_day(-10));    /* due today - 3 */
	free(case_event(&T.cw_a, "hospitalised", a2, case_today(), &rc, &err)); /* due today + 3 */
	hardship(&T.cw_a, a3, case_day(-40));    /* due today - 33 */
	hardship(&T.cw_a, a_dead, case_day(-5));
	free(case_event(&T.cw_a, "death", a_dead, case_today(), &rc, &err)); /* bereavement due today + 3 */
	CU_ASSERT_EQUAL(rc, 0);
	hardship(&T.cw_a, a_moved, case_day(-1));
	case_set(a_moved, "transferred_out_on = yh.today()");
	hardship(&T.cw_a, e1, case_today());     /* due today + 7 */
	hardship(&T.cw_b, x1, case_day(-2));     /* due today + 5 */
	case_visit(&T.cw_a, a1, case_q("SELECT to_char(now() - interval '7 days', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"日常联系", "电话", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* a far obligation: outside 14 days */
	free(case_event(&T.cw_a, "discharged", a_far, case_today(), &rc, &err));
	yh_t_sql("UPDATE yh.setting SET value = '30' WHERE key = 'obligation.discharge_days'", m);
	free(case_event(&T.cw_a, "discharged", a_far, case_today(), &rc, &err));
	yh_t_sql("UPDATE yh.setting SET value = '7' WHERE key = 'obligation.discharge_days'", m);
	{
		const char *p[1] = { a_far };
		yh_fields *w = yh_t_fields("reason", "测试", NULL);
		const char *ob = case_q("SELECT o.uid FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid ORDER BY o.due_on LIMIT 1", 1, p);
		CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_a, ob, w, &out, &err), 0);
		free(out);
		yh_fields_free(w);
	}
	/* a1: plan overdue for review with a measure past due, caseworker cw_a */
	snprintf(m, sizeof(m), "[{\"what\":\"申请护理补贴\",\"due_on\":\"%s\"}]", case_day(-1));
	f = yh_t_fields("caseworker", "cw_a", "next_review_on", case_day(-1), "measures", m, NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, a1, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	/* a2: plan of admin, review in the future; a visit with a follow-up due tomorrow */
	f = yh_t_fields("caseworker", "admin", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, a2, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	snprintf(m, sizeof(m), "[{\"action\":\"送轮椅\",\"owner\":\"cw_a\",\"due_on\":\"%s\"}]", case_day(1));
	f = yh_t_fields("person", a2, "visited_at", case_q("SELECT to_char(now() - interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"occasion", "日常联系", "mode", "上门", "follow_ups", m, NULL);
	CU_ASSERT_EQUAL(yh_visit_create(T.db, &T.cw_a, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
}

/* Worklist of actor with filter fields (k, v pairs, NULL-terminated). */
static int worklist(const yh_actor *a, char **out, yh_err *err, ...)
{
	yh_worklist_filter filter;
	yh_fields *f = NULL;
	va_list ap;
	const char *k;
	int rc;

	yh_fields_new(&f);
	va_start(ap, err);
	while ((k = va_arg(ap, const char *)) != NULL)
		yh_fields_set(f, k, va_arg(ap, const char *), YH_FV_STRING, NULL);
	va_end(ap);
	yh_err_clear(err);
	rc = yh_worklist_filter_parse(&filter, f, err);
	if (rc == 0)
		rc = yh_worklist(T.db, a, &filter, out, err);
	yh_fields_free(f);
	return rc;
}

/* 1 when the worklist JSON lists person in section. */
static int lists(const char *json, const char *section, const char *person)
{
	char path[64];

	for (long i = 0; i < yh_t_json_len(json, section); i++) {
		snprintf(path, sizeof(path), "%s.%ld.person_id", section, i);
		if (yh_t_json(json, path) && strcmp(yh_t_json(json, path), person) == 0)
			return 1;
	}
	return 0;
}

static void test_worklist_scope_and_order(void)
{
	char *out = NULL;
	yh_err err;

	setup_people();
	CU_ASSERT_EQUAL_FATAL(worklist(&T.cw_a, &out, &err, NULL), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "as_of"), case_today());
	CU_ASSERT(lists(out, "items", a1) && lists(out, "items", a2) && lists(out, "items", a3) && lists(out, "items", e1));
	CU_ASSERT_FALSE(lists(out, "items", x1));      /* another unit */
	CU_ASSERT_FALSE(lists(out, "items", a_moved)); /* transferred out */
	CU_ASSERT_FALSE(lists(out, "items", a_far));   /* due in 30 days */
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), atol(yh_t_json(out, "total")));
	/* most overdue first */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.0.person_id"), a3);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.0.days_overdue"), "33");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.person_id"), a1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.overdue"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.address"), "赤坎区寸金路1号");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.phones"), "[\"13800138000\"]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.last_visit_occasion"), "日常联系");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.1.caseworker"), "cw_a");
	for (long i = 1; i < yh_t_json_len(out, "items"); i++) {
		char p0[64], p1[64];
		snprintf(p0, sizeof(p0), "items.%ld.due_on", i - 1);
		snprintf(p1, sizeof(p1), "items.%ld.due_on", i);
		CU_ASSERT(strcmp(yh_t_json(out, p0), yh_t_json(out, p1)) <= 0);
	}
	/* the deceased appears only as the bereavement visit to the family */
	for (long i = 0; i < yh_t_json_len(out, "items"); i++) {
		char p[48];
		snprintf(p, sizeof(p), "items.%ld.person_id", i);
		if (strcmp(yh_t_json(out, p), a_dead) != 0)
			continue;
		snprintf(p, sizeof(p), "items.%ld.occasion", i);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, p), "临终去世");
		snprintf(p, sizeof(p), "items.%ld.family.0.phones", i);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, p), "[\"13900139000\"]");
	}
	CU_ASSERT_FALSE(lists(out, "reviews", a_dead));
	/* reviews and follow-ups */
	CU_ASSERT(lists(out, "reviews", a1));
	CU_ASSERT_FALSE(lists(out, "reviews", a2));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "reviews.0.days_overdue"), "1");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "follow_ups"), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "follow_ups.0.kind"), "measure");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "follow_ups.0.what"), "申请护理补贴");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "follow_ups.1.kind"), "follow_up");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "follow_ups.1.what"), "送轮椅");
	free(out);

	/* cw_b sees xiashan only; cw_a never sees it, even when asking */
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT(lists(out, "items", x1));
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "reviews") + yh_t_json_len(out, "follow_ups"), 0);
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "unit", "xiashan", NULL), YH_EFORBIDDEN);
	CU_ASSERT_STRING_EQUAL(err.field, "unit");
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "unit", "nowhere", NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(worklist(&T.admin, &out, &err, "unit", "xiashan", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "unit", "chikan-east", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	CU_ASSERT(lists(out, "items", e1));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.auditor, &out, &err, NULL), 0);
	CU_ASSERT(lists(out, "items", x1) && lists(out, "items", a1));
	free(out);
}

static void test_worklist_filters(void)
{
	char *out = NULL;
	yh_err err;

	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "overdue", "true", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 2);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "follow_ups"), 1); /* the measure; the follow-up is due tomorrow */
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "within", "3d", NULL), 0);
	CU_ASSERT(lists(out, "items", a2));
	CU_ASSERT_FALSE(lists(out, "items", e1)); /* due in 7 days */
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "within", "1w", NULL), 0);
	CU_ASSERT(lists(out, "items", e1));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "caseworker", "me", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	CU_ASSERT(lists(out, "items", a1));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "caseworker", "admin", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	CU_ASSERT(lists(out, "items", a2));
	CU_ASSERT(lists(out, "follow_ups", a2));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "limit", "1", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
	CU_ASSERT(atol(yh_t_json(out, "total")) >= 5);
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "within", "fortnight", NULL), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "within");
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "caseworker", "ghost", NULL), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "caseworker");
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "colour", "red", NULL), YH_EINVAL);
	/* a late visit within the window (due + grace_days) meets an obligation and takes it off the list */
	case_visit(&T.cw_a, a1, case_q("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"遇到困难", "上门", NULL);
	/* past the window (a3 was due 33 days ago, grace 30) a visit does not: link it explicitly or waive */
	case_visit(&T.cw_a, a3, case_q("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"遇到困难", "上门", NULL);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, "overdue", "true", NULL), 0);
	CU_ASSERT_FALSE(lists(out, "items", a1));
	CU_ASSERT(lists(out, "items", a3));
	free(out);
}

/* Roster changes made outside casework keep the obligations in step (person_casework_sync). */
static void test_roster_changes(void)
{
	const char *p1[1] = { a_moved }, *p2[1] = { e1 };
	char *out = NULL;
	yh_err err;

	CU_ASSERT_STRING_EQUAL(case_q("SELECT o.state || ' ' || o.reason FROM yh.obligation o JOIN yh.person p"
		" ON p.id = o.person_id WHERE p.uid = $1::uuid", 1, p1), case_q("SELECT 'cancelled 迁出 (' || yh.today() || ')'", 0, NULL));
	/* e1 has a plan overdue for review, seen from chikan (its unit's parent) */
	{
		yh_fields *f = yh_t_fields("next_review_on", case_day(-2), NULL);
		CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, e1, f, &out, &err), 0);
		yh_fields_free(f);
		free(out);
		CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, NULL), 0);
		CU_ASSERT(lists(out, "reviews", e1));
		free(out);
	}
	/* e1 moves from chikan-east to xiashan: the open obligation and the plan follow */
	case_set(e1, "unit_id = (SELECT id FROM yh.unit WHERE code = 'xiashan')");
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.care_plan c JOIN yh.person p ON p.id = c.person_id"
		" WHERE c.unit_id <> p.unit_id", 0, NULL), 0);
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT(lists(out, "reviews", e1));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, NULL), 0);
	CU_ASSERT_FALSE(lists(out, "reviews", e1));
	free(out);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT u.code FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" JOIN yh.unit u ON u.id = o.unit_id WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p2), "xiashan");
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT(lists(out, "items", e1));
	free(out);
	CU_ASSERT_EQUAL(worklist(&T.cw_a, &out, &err, NULL), 0);
	CU_ASSERT_FALSE(lists(out, "items", e1));
	free(out);
	/* a death entered straight into the roster cancels open obligations too */
	case_set(e1, "deceased_on = yh.today()");
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p2), 0);
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT_FALSE(lists(out, "items", e1));
	/* and takes the plan off the reviews (care_plan.active, 0068); undone, it is back */
	CU_ASSERT_FALSE(lists(out, "reviews", e1));
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "reviews_total")), yh_t_json_len(out, "reviews"));
	free(out);
	case_set(e1, "deceased_on = NULL");
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT(lists(out, "reviews", e1));
	free(out);
	case_set(e1, "transferred_out_on = yh.today(), transferred_to = '广州'");
	CU_ASSERT_EQUAL(worklist(&T.cw_b, &out, &err, NULL), 0);
	CU_ASSERT_FALSE(lists(out, "reviews", e1));
	free(out);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.care_plan c JOIN yh.person p ON p.id = c.person_id"
		" WHERE c.active <> (p.deceased_on IS NULL AND p.transferred_out_on IS NULL)", 0, NULL), 0);
}

static void test_figures(void)
{
	const char *f1 = case_cadre("chikan-east", "统计甲", "1935-05-05", "退休");
	const char *f2 = case_cadre("chikan-east", "统计乙", "1936-06-06", "退休");
	yh_fields *f;
	char *out = NULL;
	yh_err err;
	int rc;

	hardship(&T.cw_a, f1, "2019-03-01");
	hardship(&T.cw_a, f2, "2019-03-01");
	free(case_event(&T.cw_a, "hospitalised", f1, "2019-05-01", &rc, &err));
	f = yh_t_fields("person", f1, "visited_at", "2019-03-05T10:00", "occasion", "遇到困难", "mode", "上门",
		"condolence_yuan", "500", NULL);
	CU_ASSERT_EQUAL(yh_visit_create(T.db, &T.cw_a, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	case_visit(&T.cw_a, f2, "2019-03-20T10:00", "遇到困难", "电话", NULL);            /* late */
	f = yh_t_fields("person", f1, "visited_at", "2019-05-02T15:00", "occasion", "重病住院", "mode", "医院",
		"condolence_fen", "100000", NULL);
	CU_ASSERT_EQUAL(yh_visit_create(T.db, &T.cw_a, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	case_visit(&T.cw_a, f2, "2019-06-01T10:00", "日常联系", "视频", NULL);
	hardship(&T.cw_a, f2, "2019-07-01");
	{
		const char *p[1] = { f2 };
		yh_fields *w = yh_t_fields("reason", "住院期间家属谢绝探访", NULL);
		const char *ob = case_q("SELECT o.uid FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p);
		CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_a, ob, w, &out, &err), 0);
		free(out);
		yh_fields_free(w);
	}
	hardship(&T.cw_a, f1, "2019-08-01"); /* never met */

	CU_ASSERT_EQUAL_FATAL(yh_case_figures(T.db, &T.cw_a, "2019-01-01", "2019-12-31", "chikan-east", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(case_fig(out, "unit", NULL), "chikan-east");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.count", NULL), "4");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.persons", NULL), "2");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.illness", NULL), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.by_occasion", "遇到困难"), "2");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.by_occasion", "重病住院"), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.by_occasion", "重大节日"), "0");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.by_mode", "视频"), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.condolence_fen", NULL), "150000");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.opened", NULL), "5");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.due", NULL), "4");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.met", NULL), "3");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.met_on_time", NULL), "2");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.waived", NULL), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.open", NULL), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.coverage_rate", "value"), "75.00");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.timeliness_rate", "value"), "50.00");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.median_days_to_visit", "value"), "4.00"); /* 1, 4, 19 */
	free(out);
	/* the whole bureau counts the same 2019 records (nothing else happened in 2019) */
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.admin, "2019-01-01", "2019-12-31", NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.count", NULL), "4");
	CU_ASSERT_PTR_NULL(case_fig(out, "unit", NULL));
	free(out);
	/* nothing due: rates are not applicable */
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_a, "1990-01-01", "1990-12-31", NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.count", NULL), "0");
	CU_ASSERT_PTR_NULL(case_fig(out, "obligations.coverage_rate", "value"));
	CU_ASSERT_PTR_NULL(case_fig(out, "obligations.median_days_to_visit", "value"));
	CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.coverage_rate", NULL), "{\"value\":null}");
	free(out);

	/* drill-down */
	{
		static const struct {
			const char *code;
			long n;
		} rec[] = {
			{ "visits.count", 4 }, { "visits.persons", 2 }, { "visits.illness", 1 },
			{ "visits.condolence_fen", 2 }, { "visits.by_occasion.遇到困难", 2 }, { "visits.by_mode.视频", 1 },
			{ "visits.by_occasion", 4 }, { "obligations.opened", 5 }, { "obligations.due", 4 },
			{ "obligations.met", 3 }, { "obligations.met_on_time", 2 }, { "obligations.waived", 1 },
			{ "obligations.open", 1 }, { "obligations.coverage_rate", 4 },
			{ "obligations.median_days_to_visit", 3 }, { NULL, 0 }
		};
		for (int i = 0; rec[i].code; i++) {
			yh_err_clear(&err);
			CU_ASSERT_EQUAL(yh_case_figure_records(T.db, &T.cw_a, rec[i].code, "2019-01-01", "2019-12-31",
				"chikan-east", &out, &err), 0);
			if (yh_t_json_len(out, "") != rec[i].n)
				fprintf(stderr, "records %s: %ld, want %ld (%s)\n", rec[i].code, yh_t_json_len(out, ""), rec[i].n, err.msg);
			CU_ASSERT_EQUAL(yh_t_json_len(out, ""), rec[i].n);
			free(out);
			out = NULL;
		}
	}
	CU_ASSERT_EQUAL(yh_case_figure_records(T.db, &T.cw_a, "obligations.median_days_to_visit", "2019-01-01",
		"2019-12-31", "chikan-east", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.days_to_visit"), "4");
	free(out);
	CU_ASSERT_EQUAL(yh_case_figure_records(T.db, &T.cw_a, "visits.nothing", "2019-01-01", "2019-12-31", NULL, &out, &err),
		YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "code");
	CU_ASSERT_EQUAL(yh_case_figure_records(T.db, &T.cw_a, "visits.by_mode.飞鸽", "2019-01-01", "2019-12-31", NULL,
		&out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_a, "2019-12-31", "2019-01-01", NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "to");
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_b, "2019-01-01", "2019-12-31", "chikan-east", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_b, "2019-01-01", "2019-12-31", NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(case_fig(out, "visits.count", NULL), "0"); /* xiashan had none */
	free(out);

	/* plans current vs overdue for review, as of today */
	f = yh_t_fields("note", "x", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, f1, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	f = yh_t_fields("next_review_on", "2020-01-01", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, f2, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.cw_a, case_day(-30), case_today(), "chikan-east", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(case_fig(out, "plans.current", NULL), "1");
	CU_ASSERT_STRING_EQUAL(case_fig(out, "plans.overdue", NULL), "1");
	free(out);
	CU_ASSERT_EQUAL(yh_case_figure_records(T.db, &T.cw_a, "plans.overdue", case_day(-30), case_today(), "chikan-east",
		&out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.person_id"), f2);
	free(out);
}

/*
 * yh.worklist keeps one generic plan per connection, whose costs are guesses:
 * without jit = off a large estimate made every call compile (150 ms, 0070).
 */
static void test_function_settings(void)
{
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
		" WHERE n.nspname = 'yh' AND p.proname IN ('worklist', 'roster_cadre_page')"
		" AND p.proconfig @> ARRAY['plan_cache_mode=force_generic_plan', 'jit=off']"), 2);
}

static const yh_t_case cases[] = {
	{ "worklist scope, urgency, deceased and transferred", test_worklist_scope_and_order },
	{ "worklist filters", test_worklist_filters },
	{ "roster changes: transfer, move, death", test_roster_changes },
	{ "casework figures and drill-down", test_figures },
	{ "generic plan, no JIT", test_function_settings },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case_worklist");
	rc = yh_t_run("case_worklist", cases);
	yh_t_teardown();
	return rc;
}
