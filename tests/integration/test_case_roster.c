/*
 * Obligations and visits by the roster of the day (migrations 0071, 0073,
 * 0074): generation owes visits to whoever was on the roster the day they
 * fall due, what a person gone since can no longer get is missed, a death
 * closes what fell due before it as missed, and a cadre who moves leaves
 * the closed obligations and the visits with the unit that had them.
 */
#include <stdlib.h>
#include <string.h>

#include "case_util.h"

/* The state of person uid's obligation from source src due on due ("none" without one). */
static const char *ob_state(const char *uid, const char *src, const char *due)
{
	const char *p[3] = { uid, src, due };

	return case_q("SELECT coalesce((SELECT o.state || coalesce(' ' || o.reason, '') FROM yh.obligation o"
		" JOIN yh.person p ON p.id = o.person_id WHERE p.uid = $1::uuid AND o.source = $2 AND o.due_on = $3::date),"
		" 'none')", 3, p);
}

/*
 * Obligations follow the roster of the day they fall due (0071): generating
 * a past period owes the Spring Festival of 2026 (02-17) to a cadre who died
 * or left after it and not to one who died before; a visit logged before the
 * obligation existed meets it; what can no longer be met is missed (due, not
 * met), not cancelled. A death closes what fell due before it as missed and
 * cancels the rest.
 */
static void test_roster_of_the_day(void)
{
	const char *alive = case_cadre("chikan", "孙立德", "1936-09-09", "退休");
	const char *before = case_cadre("chikan", "钱守仁", "1935-09-09", "退休");
	const char *after = case_cadre("chikan", "周秉章", "1934-09-09", "退休");
	const char *moved = case_cadre("chikan", "吴敬之", "1933-09-09", "退休");
	const char *widow = case_survivor(after, "郑淑芬", "1937-09-09");
	const char *split = case_cadre("chikan", "王耀祖", "1932-09-09", "退休");
	const char *v, *p[1] = { split };
	char *out = NULL, *figs = NULL;
	yh_fields *f;
	yh_err err;
	int rc;

	v = case_keep(case_visit(&T.cw_a, alive, "2026-02-10T10:00", "重大节日", "上门", &rc));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	case_set(before, "deceased_on = DATE '2026-01-10'");
	case_set(after, "deceased_on = DATE '2026-06-01'");
	case_set(moved, "transferred_out_on = DATE '2026-03-01'");
	f = yh_t_fields("from", "2026-01-01", "through", "2026-03-31", NULL);
	CU_ASSERT_EQUAL_FATAL(yh_obligation_generate(T.db, &T.cw_a, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT(atol(yh_t_json(out, "met")) >= 1);
	CU_ASSERT(atol(yh_t_json(out, "missed")) >= 2);
	free(out);
	{
		const char *pv[1] = { v };
		CU_ASSERT_STRING_EQUAL(ob_state(alive, "festival:chunjie", "2026-02-17"), "met");
		CU_ASSERT_STRING_EQUAL(case_q("SELECT v.uid::text FROM yh.obligation o JOIN yh.visit v ON v.id = o.met_by"
			" WHERE v.uid = $1::uuid", 1, pv), v);
	}
	CU_ASSERT_STRING_EQUAL(ob_state(before, "festival:chunjie", "2026-02-17"), "none");
	CU_ASSERT_STRING_EQUAL(ob_state(after, "festival:chunjie", "2026-02-17"), "missed 去世 (2026-06-01) 前未走访");
	CU_ASSERT_STRING_EQUAL(ob_state(moved, "festival:chunjie", "2026-02-17"), "missed 迁出 (2026-03-01) 前未走访");
	/* a survivor from the day the cadre died: not yet at the Spring Festival */
	CU_ASSERT_STRING_EQUAL(ob_state(widow, "festival:chunjie", "2026-02-17"), "none");
	/* missed obligations are due and not met in the year's figures */
	CU_ASSERT_EQUAL_FATAL(yh_case_figures(T.db, &T.admin, "2026-02-17", "2026-02-17", "chikan", &figs, &err), 0);
	CU_ASSERT(atol(case_fig(figs, "obligations.missed", NULL)) >= 2);
	CU_ASSERT_EQUAL(atol(case_fig(figs, "obligations.due", NULL)),
		atol(case_fig(figs, "obligations.met", NULL)) + atol(case_fig(figs, "obligations.open", NULL)) +
			atol(case_fig(figs, "obligations.missed", NULL)));
	free(figs);

	/* a death: the unvisited Spring Festival and an illness visit overdue since before it are missed,
	 * a hardship visit due after it cancelled */
	free(case_event(&T.cw_a, "hospitalised", split, case_day(-20), &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	free(case_event(&T.cw_a, "hardship", split, case_day(-1), &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	out = case_event(&T.cw_a, "death", split, case_today(), &rc, &err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "missed")), 2);
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "cancelled")), 1);
	free(out);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT string_agg(o.occasion || ' ' || o.state, ', ' ORDER BY o.due_on)"
		" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id WHERE p.uid = $1::uuid", 1, p),
		"重大节日 missed, 重病住院 missed, 临终去世 open, 遇到困难 cancelled");
}

/* A cadre who moves takes the open obligations along; the met ones (0073) and the visits (0074) stay with the unit. */
static void test_move_keeps_history(void)
{
	const char *who = case_cadre("chikan", "冯守义", "1931-09-09", "退休");
	const char *p[1] = { who };
	char *figs = NULL;
	yh_err err;
	int rc;
	long met_before, visits_before;

	free(case_event(&T.cw_a, "hospitalised", who, case_day(-3), &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	case_visit(&T.cw_a, who, case_q("SELECT to_char(now() - interval '2 days', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"重病住院", "医院", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	free(case_event(&T.cw_a, "hardship", who, case_today(), &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(yh_case_figures(T.db, &T.admin, case_day(-3), case_day(30), "chikan", &figs, &err), 0);
	met_before = atol(case_fig(figs, "obligations.met", NULL));
	visits_before = atol(case_fig(figs, "visits.count", NULL));
	CU_ASSERT(visits_before >= 1);
	free(figs);
	case_set(who, "unit_id = (SELECT id FROM yh.unit WHERE code = 'xiashan')");
	CU_ASSERT_STRING_EQUAL(case_q("SELECT string_agg(o.occasion || ' ' || o.state || ' ' || u.code, ', ' ORDER BY o.due_on)"
		" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id JOIN yh.unit u ON u.id = o.unit_id"
		" WHERE p.uid = $1::uuid", 1, p), "重病住院 met chikan, 遇到困难 open xiashan");
	CU_ASSERT_EQUAL_FATAL(yh_case_figures(T.db, &T.admin, case_day(-3), case_day(30), "chikan", &figs, &err), 0);
	CU_ASSERT_EQUAL(atol(case_fig(figs, "obligations.met", NULL)), met_before);
	/* the visit stays with the unit it was made in (0074) */
	CU_ASSERT_EQUAL(atol(case_fig(figs, "visits.count", NULL)), visits_before);
	free(figs);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT string_agg(u.code, ',') FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
		" JOIN yh.unit u ON u.id = v.unit_id WHERE p.uid = $1::uuid", 1, p), "chikan");
}

static const yh_t_case cases[] = {
	{ "obligations follow the roster of the day", test_roster_of_the_day },
	{ "a move takes open obligations, leaves the met and the visits", test_move_keeps_history },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case_roster");
	rc = yh_t_run("case_roster", cases);
	yh_t_teardown();
	return rc;
}
