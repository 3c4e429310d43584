/*
 * The annual self-evaluation against a real PostgreSQL: the seed's budget
 * vectors, zero denominators, rounding at the half, CSV import, activities,
 * the indicator catalogue, overrides, not-applicable rescaling, the roster
 * reconciliation blocking finalise, snapshots unchanged by later records,
 * concurrent finalise, the HTML and XLSX reports, permissions and audit.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "unzip_util.h"
#include "yinhui/activity.h"
#include "yinhui/budget.h"
#include "yinhui/csv.h"
#include "yinhui/evaluation.h"
#include "yinhui/indicator.h"
#include "yinhui/roster.h"
#include "yinhui/validate.h"

#define Y 2022
#define DATA_KEY "7a1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

/* A valid 18-digit ID number (area, birth YYYYMMDD, sequence) with its check digit; static ring. */
static const char *idno(const char *area, const char *birth, int seq)
{
	static char ring[4][19];
	static int slot;
	char *o;

	slot = (slot + 1) % 4;
	o = ring[slot];
	snprintf(o, 19, "%.6s%.8s%03d", area, birth, seq % 1000);
	o[17] = yh_idno_check_digit(o);
	o[18] = '\0';
	return o;
}

static const char SEED[] =
	"{\"budget_general\":\"41139800.00\",\"revenue_general\":\"41173500.00\",\"revenue_govfund\":\"83000.00\","
	"\"expenditure_basic\":\"16828500.00\",\"expenditure_project\":\"24682200.00\",\"carryover_used\":\"254200.00\","
	"\"carryover_end\":\"0.00\",\"procurement_budget\":\"410000.00\","
	"\"procurement_actual\":\"166300.00\",\"public_funds_budget\":\"2324000.00\",\"public_funds_actual\":\"673300.00\","
	"\"three_public_vehicle_budget\":\"431600.00\",\"three_public_reception_budget\":\"73000.00\","
	"\"three_public_abroad_budget\":\"50000.00\",\"three_public_vehicle_actual\":\"94600.00\","
	"\"three_public_reception_actual\":\"8500.00\",\"three_public_abroad_actual\":\"0.00\","
	"\"assets_in_use\":\"20435100.00\",\"assets_total\":\"20435100.00\",\"staff_quota_admin\":25,"
	"\"staff_quota_worker\":3,\"staff_in_post\":26}";

/* A figure's text: a rate's value, an integer, "null" for not applicable, NULL when absent. */
static const char *figure(const char *doc_json, const char *code)
{
	static char ring[8][64];
	static int slot;
	json_t *doc = json_loads(doc_json, 0, NULL), *figs, *v;
	const char *res = NULL;

	figs = json_object_get(doc, "figures") ? json_object_get(doc, "figures") : doc;
	v = json_object_get(figs, code);
	if (json_is_object(v))
		v = json_object_get(v, "value");
	slot = (slot + 1) % 8;
	if (v == NULL && json_object_get(figs, code) == NULL)
		res = NULL;
	else if (v == NULL || json_is_null(v))
		res = strcpy(ring[slot], "null");
	else if (json_is_string(v))
		res = strncpy(ring[slot], json_string_value(v), 63);
	else if (json_is_integer(v))
		snprintf(ring[slot], 64, "%lld", (long long)json_integer_value(v)), res = ring[slot];
	json_decref(doc);
	return res;
}

/* A member of the indicator with code in an evaluation document. */
static const char *indicator(const char *doc_json, const char *code, const char *member)
{
	static char ring[8][256];
	static int slot;
	json_t *doc = json_loads(doc_json, 0, NULL), *ind, *v;
	const char *res = NULL;
	size_t i;

	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		if (strcmp(json_string_value(json_object_get(ind, "code")), code) != 0)
			continue;
		v = json_object_get(ind, member);
		slot = (slot + 1) % 8;
		if (json_is_string(v))
			res = strncpy(ring[slot], json_string_value(v), 255);
		else if (v && !json_is_null(v)) {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			res = strncpy(ring[slot], s, 255);
			free(s);
		}
	}
	json_decref(doc);
	return res;
}

static int budget_items(const yh_actor *a, int year, const char *unit, const char *items, yh_err *err)
{
	yh_fields *f = yh_t_fields("unit", unit, "items", items, NULL);
	char *out = NULL;
	int rc = yh_budget_set(T.db, a, year, f, &out, err);

	free(out);
	yh_fields_free(f);
	return rc;
}

static char *show(const yh_actor *a, const char *unit)
{
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (yh_eval_show(T.db, a, Y, unit, &out, &err) != 0)
		fprintf(stderr, "show failed: %s\n", err.msg);
	return out;
}

static void test_seed_vectors(void)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(budget_items(&T.clerk, Y, "bureau", SEED, &err), 0);
	/* 上年末结转结余 comes from last year's year-end figure when not entered */
	CU_ASSERT_EQUAL_FATAL(budget_items(&T.clerk, Y - 1, "bureau", "{\"carryover_end\":\"254200.00\"}", &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_budget_figures(T.db, &T.auditor, Y, "bureau", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.expenditure_completion_rate"), "100.00");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.revenue_budget_rate"), "100.28");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.procurement_execution_rate"), "40.56");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.public_funds_control_rate"), "28.97");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_control_rate"), "18.59");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_vehicle_control_rate"), "21.92");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_reception_control_rate"), "11.64");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_abroad_control_rate"), "0.00");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.carryover_change_rate"), "-100.00");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.carryover_rate"), "0.00");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.asset_utilization_rate"), "100.00");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.staff_control_rate"), "92.86");
	/* sums (T13), money in fen */
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.revenue_fen"), "4125650000");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.expenditure_fen"), "4151070000");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_budget_fen"), "55460000");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_actual_fen"), "10310000");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.carryover_prev_end_fen"), "25420000");
	/* no previous 三公 figures: the change rate is not applicable, never infinite */
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.three_public_change_rate"), "null");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"num\":10310000,\"den\":55460000"));
	free(out);
}

static void test_zero_denominators_and_half(void)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	/* nothing entered for xiashan: every rate is null, every sum 0 */
	CU_ASSERT_EQUAL_FATAL(yh_budget_figures(T.db, &T.admin, Y, "xiashan", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.procurement_execution_rate"), "null");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.expenditure_completion_rate"), "null");
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.revenue_fen"), "0");
	free(out);
	/* 0.01 ÷ 8.00 = 0.125 % exactly: half-up gives 0.13 */
	CU_ASSERT_EQUAL_FATAL(budget_items(&T.clerk, Y, "xiashan",
		"{\"procurement_actual\":\"0.01\",\"procurement_budget\":\"8.00\",\"public_funds_actual\":\"5.00\"}", &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_budget_figures(T.db, &T.admin, Y, "xiashan", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.procurement_execution_rate"), "0.13");
	/* an actual without a budget is still not applicable */
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.public_funds_control_rate"), "null");
	free(out);
	/* the parent sums its subtree: bureau now includes xiashan's 0.01 */
	CU_ASSERT_EQUAL_FATAL(yh_budget_figures(T.db, &T.admin, Y, "bureau", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(out, "budget.procurement_actual_fen"), "16630001");
	free(out);
}

static void test_budget_input_rules(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL;
	long audits = yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'budget.set'");

	yh_err_clear(&err);
	f = yh_t_fields("unit", "chikan", "item", "procurement_budget", "yuan", "1.234", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.clerk, Y, f, &out, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "3 decimal"));
	yh_fields_free(f);
	f = yh_t_fields("unit", "chikan", "item", "staff_in_post", "yuan", "12", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.clerk, Y, f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("unit", "chikan", "item", "no_such_item", "yuan", "12", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.clerk, Y, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "item");
	yh_fields_free(f);
	/* auditors read but never write; a clerk of chikan cannot write the bureau's figures */
	f = yh_t_fields("unit", "chikan", "item", "procurement_budget", "yuan", "1.00", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.auditor, Y, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.cw_a, Y, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "item", "procurement_budget", "yuan", "1.00", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.clerk_a, Y, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'budget.set'"), audits);
	/* a good write: one audit row with before and after */
	f = yh_t_fields("unit", "chikan", "item", "procurement_budget", "yuan", "1000.50", "note", "测试", NULL);
	CU_ASSERT_EQUAL(yh_budget_set(T.db, &T.clerk_a, Y, f, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"1000.50\""));
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'budget.set'"
				   " AND entity_id = '2022/chikan' AND after->>'procurement_budget' = '100050'"
				   " AND before->'procurement_budget' = 'null'::jsonb"), 1);
	CU_ASSERT_EQUAL(yh_budget_unset(T.db, &T.clerk_a, Y, "chikan", "procurement_budget", &err), 0);
	CU_ASSERT_EQUAL(yh_budget_unset(T.db, &T.clerk_a, Y, "chikan", "procurement_budget", &err), YH_ENOTFOUND);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'budget.unset'"), 1);
}

static void test_budget_csv(void)
{
	static const char good[] = "年度,单位,项目,金额,备注\r\n2023,chikan,procurement_budget,1200.50,导入\r\n"
				   "2023,chikan,staff_in_post,21,\r\n";
	static const char bad[] = "year,unit,item,amount\n2023,chikan,procurement_actual,5.00\n"
				  "2023,chikan,procurement_budget,1.005\n";
	yh_csv_reader *r = NULL;
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_csv_reader_new(&r, bad, strlen(bad)), 0);
	CU_ASSERT_EQUAL(yh_budget_import(T.db, &T.clerk, r, &out, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 3"));
	yh_csv_reader_free(r);
	/* all or nothing: the good first line was not kept */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.budget_figure WHERE year = 2023"), 0);
	CU_ASSERT_EQUAL_FATAL(yh_csv_reader_new(&r, good, strlen(good)), 0);
	CU_ASSERT_EQUAL(yh_budget_import(T.db, &T.clerk, r, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"rows\":2"));
	free(out);
	yh_csv_reader_free(r);
	CU_ASSERT_EQUAL(yh_t_count("SELECT amount FROM yh.budget_figure WHERE year = 2023 AND item = 'procurement_budget'"),
		120050);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'budget.import'"), 1);
	/* as Excel saves it: the empty columns and rows after the data, spaces around a number, 金额（元） */
	{
		static const char excel[] = "\xEF\xBB\xBF年度,单位,项目,金额（元）,备注,,\r\n"
					    "2023,chikan,procurement_budget, 1300.50 ,再次导入,,\r\n,,,,,,\r\n,,,,,,\r\n";
		CU_ASSERT_EQUAL_FATAL(yh_csv_reader_new(&r, excel, strlen(excel)), 0);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_budget_import(T.db, &T.clerk, r, &out, &err), 0);
		if (err.code)
			fprintf(stderr, "budget import: %s\n", err.msg);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"rows\":1"));
		free(out);
		out = NULL;
		yh_csv_reader_free(r);
		CU_ASSERT_EQUAL(yh_t_count("SELECT amount FROM yh.budget_figure WHERE year = 2023 AND item = 'procurement_budget'"),
			130050);
	}
}

static void test_activities(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL, *figs = NULL, id[40];

	yh_err_clear(&err);
	for (int i = 0; i < 3; i++) {
		char date[16];
		snprintf(date, sizeof(date), "2022-0%d-15", i + 3);
		f = yh_t_fields("type", "study_session", "title", "专题学习研讨会", "held_on", date, "unit",
			i ? "chikan" : "bureau", "participants", "40", "evidence", "会议记录", NULL);
		CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	f = yh_t_fields("type", "volunteer_project", "title", "<b>项目</b>", "held_on", "2022-06-01", "unit", "xiashan",
		"funding_yuan", "2600.00", "quantity", "1", NULL);
	CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), 0);
	snprintf(id, sizeof(id), "%s", yh_t_json(out, "id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "funding_fen"), "260000");
	free(out);
	yh_fields_free(f);
	/* unknown type, both funding forms, caseworkers cannot write */
	f = yh_t_fields("type", "party", "title", "x", "held_on", "2022-06-01", "unit", "bureau", NULL);
	CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.cw_a, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	/* scope: chikan's caseworker cannot read xiashan's record */
	CU_ASSERT_EQUAL(yh_activity_get(T.db, &T.cw_a, id, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_activity_get(T.db, &T.cw_b, id, &out, &err), 0);
	free(out);
	f = yh_t_fields("participants", "25", NULL);
	CU_ASSERT_EQUAL(yh_activity_update(T.db, &T.clerk, id, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "participants"), "25");
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_activity_figures(T.db, &T.auditor, "2022-01-01", "2022-12-31", NULL, &figs, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(figs, "activities.study_session.count"), "3");
	CU_ASSERT_STRING_EQUAL(figure(figs, "activities.study_session.participants"), "120");
	CU_ASSERT_STRING_EQUAL(figure(figs, "activities.volunteer_project.funding_fen"), "260000");
	CU_ASSERT_STRING_EQUAL(figure(figs, "activities.exhibition.count"), "0");
	free(figs);
	/* the chikan subtree sees its two sessions only */
	CU_ASSERT_EQUAL(yh_activity_figures(T.db, &T.cw_a, "2022-01-01", "2022-12-31", NULL, &figs, &err), 0);
	CU_ASSERT_STRING_EQUAL(figure(figs, "activities.study_session.count"), "2");
	free(figs);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE entity = 'activity'"), 5);
	/* a day after today (2052 typed for 2025) is refused, as is moving a record there; today is accepted */
	f = yh_t_fields("type", "study_session", "title", "专题学习研讨会", "held_on", "2052-11-02", "unit", "bureau", NULL);
	CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "held_on");
	yh_fields_free(f);
	f = yh_t_fields("held_on", "2099-01-01", NULL);
	CU_ASSERT_EQUAL(yh_activity_update(T.db, &T.clerk, id, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "held_on");
	yh_fields_free(f);
	{
		char today[16];
		int y, m, d;
		yh_date_today(&y, &m, &d);
		snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
		f = yh_t_fields("held_on", today, NULL);
		CU_ASSERT_EQUAL(yh_activity_update(T.db, &T.clerk, id, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
		f = yh_t_fields("held_on", "2022-06-01", NULL);
		CU_ASSERT_EQUAL(yh_activity_update(T.db, &T.clerk, id, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.activity WHERE held_on > '2030-01-01'"), 0);
}

static void test_catalogue(void)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_indicator_template_load(T.db, &T.auditor, Y, "department", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_indicator_template_load(T.db, &T.clerk, Y, "nonsense", &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL_FATAL(yh_indicator_template_load(T.db, &T.clerk, Y, "department", &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_indicator_template_load(T.db, &T.clerk, Y, "project", &out, &err), YH_ECONFLICT);
	/* the 预算使用效益 block: 30 points over 7 三级指标; the whole tree 100 */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.indicator c JOIN yh.indicator b ON b.id = c.parent_id"
				   " JOIN yh.indicator t ON t.id = b.parent_id WHERE c.year = 2022 AND t.code = 'D5'"), 7);
	CU_ASSERT_EQUAL(yh_t_count("SELECT points_x100 FROM yh.indicator WHERE year = 2022 AND code = 'D5'"), 3000);
	CU_ASSERT_EQUAL(yh_t_count("SELECT sum(points_x100) FROM yh.indicator WHERE year = 2022 AND level = 1"), 10000);
	/* every block's points equal its children's */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.indicator p WHERE p.year = 2022 AND p.points_x100 <>"
				   " (SELECT coalesce(sum(c.points_x100), p.points_x100) FROM yh.indicator c WHERE c.parent_id = p.id)"), 0);
	/* every template's figure code is a known figure */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.indicator_template t WHERE figure_code IS NOT NULL"
				   " AND NOT EXISTS (SELECT 1 FROM yh.figure_registry f WHERE f.code = t.figure_code)"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.indicator_template WHERE template = 'project' AND level = 1"
				   " AND points_x100 IN (5000, 3000, 1000)"), 4);
	/* copying a year's tree is one command; the copy keeps the shape */
	CU_ASSERT_EQUAL(yh_indicator_copy(T.db, &T.clerk, Y, Y + 1, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_indicator_copy(T.db, &T.clerk, Y, Y + 1, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.indicator c JOIN yh.indicator p ON p.id = c.parent_id"
				   " WHERE c.year = 2023 AND p.year = 2023"), yh_t_count("SELECT count(*) FROM yh.indicator"
				   " WHERE year = 2022 AND parent_id IS NOT NULL"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action IN ('indicator.template_load',"
				   " 'indicator.copy')"), 2);
}

static void test_indicator_edit(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL, *doc = NULL;

	yh_err_clear(&err);
	f = yh_t_fields("code", "D5.3.4", "parent", "D5.3", "name", "专题调研座谈会", "class", "预算使用效益", "points", "2",
		"unit", "场", "target_op", ">=", "target_value", "20", "rule", "positive", "source", "figure",
		"figure_code", "activities.nothing.count", NULL);
	CU_ASSERT_EQUAL(yh_indicator_add(T.db, &T.clerk, Y + 1, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "figure_code");
	yh_fields_free(f);
	f = yh_t_fields("code", "D5.3.4", "parent", "D5.3", "name", "专题调研座谈会", "class", "预算使用效益", "points", "2",
		"unit", "场", "target_op", ">=", "target_value", "20", "rule", "positive", "source", "figure",
		"figure_code", "activities.symposium.count", NULL);
	CU_ASSERT_EQUAL(yh_indicator_add(T.db, &T.auditor, Y + 1, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL_FATAL(yh_indicator_add(T.db, &T.clerk, Y + 1, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "level"), "3");
	free(out);
	CU_ASSERT_EQUAL(yh_indicator_add(T.db, &T.clerk, Y + 1, f, &out, &err), YH_ECONFLICT);
	yh_fields_free(f);
	/* a fourth level is refused */
	f = yh_t_fields("code", "D5.3.4.1", "parent", "D5.3.4", "name", "x", "class", "x", "points", "1", "rule", "qualitative",
		"source", "manual", NULL);
	CU_ASSERT_EQUAL(yh_indicator_add(T.db, &T.clerk, Y + 1, f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	/* the block's points no longer add up: the document says so */
	CU_ASSERT_EQUAL(yh_eval_show(T.db, &T.auditor, Y + 1, "bureau", &doc, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(doc && strstr(doc, "D5.3：分值10与下级指标分值合计12不一致"));
	free(doc);
	f = yh_t_fields("target_value", "25", "points", "1.5", NULL);
	CU_ASSERT_EQUAL(yh_indicator_update(T.db, &T.clerk, Y + 1, "D5.3.4", f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "target_value"), "25");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "points"), "1.50");
	free(out);
	yh_fields_free(f);
	f = yh_t_fields("rule", "positive", "target_op", "qualitative", NULL);
	CU_ASSERT_EQUAL(yh_indicator_update(T.db, &T.clerk, Y + 1, "D5.3.4", f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_indicator_remove(T.db, &T.clerk, Y + 1, "D5.3", &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_indicator_remove(T.db, &T.clerk, Y + 1, "D5.3.4", &err), 0);
	CU_ASSERT_EQUAL(yh_indicator_remove(T.db, &T.clerk, Y + 1, "D5.3.4", &err), YH_ENOTFOUND);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action IN ('indicator.add', 'indicator.update',"
				   " 'indicator.remove')"), 3);
	/* a caseworker reads the evaluation of their own unit (the payments module serves figures to evaluation readers) */
	CU_ASSERT_EQUAL(yh_eval_show(T.db, &T.cw_a, Y + 1, NULL, &doc, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(figure(doc, "subsidies.amount_fen"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "unit.code"), "chikan");
	free(doc);
	CU_ASSERT_EQUAL(yh_eval_show(T.db, &T.cw_a, Y + 1, "xiashan", &doc, &err), YH_EFORBIDDEN);
}

static void test_show_and_override(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL, *doc;
	static const char *const required[] = { "budget.expenditure_completion_rate", "budget.procurement_execution_rate",
		"budget.public_funds_control_rate", "budget.three_public_control_rate", "budget.carryover_change_rate",
		"budget.asset_utilization_rate", "visits.count", "visits.persons", "visits.illness",
		"obligations.coverage_rate", "obligations.timeliness_rate", "subsidies.amount_fen", "subsidies.payments",
		"subsidies.beneficiaries", "branches.allowance_branches", "branches.allowance_amount_fen", "roster.start",
		"roster.added", "roster.deceased", "roster.end" };

	yh_err_clear(&err);
	doc = show(&T.approver, "bureau");
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		CU_ASSERT_PTR_NOT_NULL(figure(doc, required[i]));
		if (figure(doc, required[i]) == NULL)
			fprintf(stderr, "figure %s missing\n", required[i]);
	}
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "status"), "draft");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.3", "computed_score"), "2.03");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.3", "completion"), "40.56");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.1", "score"), "10.00");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D5.1.2", "score"), "4.00");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.2", "score"), "5.00");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D5.3.3", "actual"), "{\"value\":\"3.00\",\"display\":\"3场次\"}");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D5.2.1", "status"), "missing");
	free(doc);
	/* an override needs its justification, stays within the points, and is audited with both scores */
	f = yh_t_fields("unit", "bureau", "points", "5", NULL);
	CU_ASSERT_EQUAL(yh_indicator_override(T.db, &T.clerk, Y, "D2.1.3", f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "justification");
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "points", "6", "justification", "x", NULL);
	CU_ASSERT_EQUAL(yh_indicator_override(T.db, &T.clerk, Y, "D2.1.3", f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "points", "5", "justification", "部分采购项目因疫情延期，结余资金已收回",
		"improvement", "按季度跟踪采购进度", NULL);
	CU_ASSERT_EQUAL(yh_indicator_override(T.db, &T.clerk, Y, "D2.1.3", f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "computed_score"), "2.03");
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'indicator.override'"
				   " AND after->>'computed_score' = '2.03' AND after->'entry'->>'awarded' = '5.00'"), 1);
	/* manual value needs evidence; figure indicators refuse manual values */
	f = yh_t_fields("unit", "bureau", "manual_value", "93.8", NULL);
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D5.2.1", f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "evidence");
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D2.1.3", f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "manual_value", "93.8", "evidence", "市直机关考核通报", NULL);
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D5.2.1", f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	doc = show(&T.auditor, "bureau");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.3", "score"), "5.00");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.3", "computed_score"), "2.03");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D2.1.3", "status"), "override");
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D5.2.1", "score"), "6.00");
	free(doc);
}

static void test_not_applicable_rescaled(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL, *doc;
	json_t *d, *total;
	const char *raw, *score;

	yh_err_clear(&err);
	f = yh_t_fields("unit", "bureau", "applicable", "false", NULL);
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D5.4.1", f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "applicable", "false", "na_reason", "本年度无此项补助", NULL);
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D5.4.1", f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	doc = show(&T.admin, "bureau");
	d = json_loads(doc, 0, NULL);
	total = json_object_get(d, "total");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(total, "applicable_points")), "94.00");
	raw = json_string_value(json_object_get(total, "raw"));
	score = json_string_value(json_object_get(total, "score"));
	/* score = raw × 100 / 94, half-up */
	{
		long r = (long)(atof(raw) * 100 + 0.5), s = (long)(atof(score) * 100 + 0.5);
		long want = (r * 100 * 2 + 94) / (2 * 94);
		CU_ASSERT_EQUAL(s, want);
	}
	CU_ASSERT_STRING_EQUAL(indicator(doc, "D5.4.1", "status"), "not_applicable");
	json_decref(d);
	free(doc);
	f = yh_t_fields("unit", "bureau", "applicable", "true", NULL);
	CU_ASSERT_EQUAL(yh_indicator_assess(T.db, &T.clerk, Y, "D5.4.1", f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
}

/* A cadre added (backdated) after the 2021 year-end was recorded: 实有 exceeds 应有 by one. */
static void test_reconciliation_blocks_finalise(void)
{
	yh_fields *f;
	yh_err err;
	char *out = NULL, *rec = NULL;

	yh_err_clear(&err);
	for (int i = 0; i < 2; i++) {
		f = yh_t_fields("kind", "cadre", "name", i ? "王建国" : "李秀兰", "id_number", idno("440802", "19400101", 11 + i),
			"category", "退休", "rank", "副处级", "unit", "chikan", "added_on", "2020-03-01", NULL);
		CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL_FATAL(yh_roster_year_close(T.db, &T.admin, 2021, NULL, &out, &err), 0);
	free(out);
	f = yh_t_fields("kind", "cadre", "name", "张志明", "id_number", idno("440802", "19410101", 13), "category", "退休",
		"rank", "副处级", "unit", "chikan", "added_on", "2020-05-01", NULL);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL_FATAL(yh_eval_reconciliation(T.db, &T.auditor, Y, "bureau", &rec, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(rec, "unexplained"), "1");
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "张志明"));
	free(rec);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.approver, Y, "bureau", &out, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "reconciliation");
	/* explaining a difference that does not exist is refused */
	f = yh_t_fields("unit", "bureau", "category", "离休", "rank", "副处级", "explanation", "x", NULL);
	CU_ASSERT_EQUAL(yh_eval_reconcile_explain(T.db, &T.clerk, Y, f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("unit", "bureau", "category", "退休", "rank", "副处级", "explanation",
		"张志明2020年调入，2021年末人数统计时漏报", NULL);
	CU_ASSERT_EQUAL(yh_eval_reconcile_explain(T.db, &T.auditor, Y, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_eval_reconcile_explain(T.db, &T.clerk, Y, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_eval_reconciliation(T.db, &T.auditor, Y, "bureau", &rec, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(rec, "unexplained"), "0");
	free(rec);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'reconcile.explain'"), 1);
}

struct race {
	int rc;
};

static void *finalise_thread(void *arg)
{
	struct race *r = arg;
	yh_db *db = NULL;
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	r->rc = -999;
	if (yh_db_open(&db, T.conninfo, "race", &err) == 0)
		r->rc = yh_eval_finalise(db, &T.approver, Y, "bureau", &out, &err);
	free(out);
	yh_db_close(db);
	return NULL;
}

static void test_finalise(void)
{
	pthread_t th[8];
	struct race r[8];
	yh_fields *f;
	yh_err err;
	char *out = NULL, *doc, hash[80];
	int winners = 0, conflicts = 0;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.clerk, Y, "bureau", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.auditor, Y, "bureau", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.cw_a, Y, "chikan", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_eval_diff(T.db, &T.auditor, Y, "bureau", &out, &err), YH_ENOTFOUND);
	/* eight at once: exactly one wins */
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, finalise_thread, &r[i]);
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		winners += r[i].rc == 0;
		conflicts += r[i].rc == YH_ECONFLICT;
	}
	CU_ASSERT_EQUAL(winners, 1);
	CU_ASSERT_EQUAL(conflicts, 7);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.evaluation_snapshot WHERE reopened_at IS NULL"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'evaluation.finalise'"), 1);
	doc = show(&T.auditor, "bureau");
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "status"), "finalised");
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "finalisation.hash_verified"), "true");
	snprintf(hash, sizeof(hash), "%s", yh_t_json(doc, "finalisation.hash"));
	CU_ASSERT_STRING_EQUAL(figure(doc, "activities.study_session.count"), "3");
	free(doc);
	/* a later record changes nothing in the finalised evaluation, but diff sees it */
	f = yh_t_fields("type", "study_session", "title", "补录研讨会", "held_on", "2022-12-01", "unit", "bureau", NULL);
	CU_ASSERT_EQUAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(budget_items(&T.clerk, Y, "bureau", "{\"procurement_actual\":\"200000.00\"}", &err), 0);
	doc = show(&T.auditor, "bureau");
	CU_ASSERT_STRING_EQUAL(figure(doc, "activities.study_session.count"), "3");
	CU_ASSERT_STRING_EQUAL(figure(doc, "budget.procurement_execution_rate"), "40.56");
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "finalisation.hash"), hash);
	free(doc);
	CU_ASSERT_EQUAL(yh_eval_diff(T.db, &T.auditor, Y, "bureau", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "changed"), "true");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "activities.study_session.count"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"current\":{\"value\":\"48.78\""));
	/* a changed figure carries its label, as an indicator carries its name */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"code\":\"activities.study_session.count\",\"name\":\"专题学习研讨会（记录数）\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"code\":\"budget.procurement_execution_rate\",\"name\":\"政府采购执行率\""));
	free(out);
	/* the evaluation's own inputs are frozen until reopened */
	f = yh_t_fields("unit", "bureau", "points", "4", "justification", "x", NULL);
	CU_ASSERT_EQUAL(yh_indicator_override(T.db, &T.clerk, Y, "D2.1.3", f, &out, &err), YH_ECONFLICT);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.evaluation_snapshot SET document = '{}'", hash), -1);
	CU_ASSERT_EQUAL(yh_t_sql("DELETE FROM yh.evaluation_snapshot", hash), -1);
	/* reopening needs a reason and the finalise permission, and is audited */
	CU_ASSERT_EQUAL(yh_eval_reopen(T.db, &T.approver, Y, "bureau", " ", &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_eval_reopen(T.db, &T.clerk, Y, "bureau", "更正", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_eval_reopen(T.db, &T.admin, Y, "bureau", "补录研讨会记录后重新定稿", &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'evaluation.reopen'"
				   " AND after->>'reason' = '补录研讨会记录后重新定稿'"), 1);
	doc = show(&T.auditor, "bureau");
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "status"), "draft");
	CU_ASSERT_STRING_EQUAL(figure(doc, "activities.study_session.count"), "4");
	free(doc);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.approver, Y, "bureau", &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.evaluation_snapshot"), 2);
}

static void test_explain(void)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "budget.three_public_control_rate", &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "records"), 6);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "label"), "“三公经费”控制率");
	free(out);
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "activities.study_session.count", &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "records"), 4);
	free(out);
	/* an indicator code explains its figure; a manual one its value and evidence */
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "D2.1.3", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "code"), "budget.procurement_execution_rate");
	free(out);
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "D5.2.1", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "records.0.evidence"), "市直机关考核通报");
	free(out);
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "nothing.here", &out, &err), YH_ENOTFOUND);
	CU_ASSERT_EQUAL(yh_eval_explain(T.db, &T.auditor, Y, "bureau", "visits.count", &out, &err), 0);
	free(out);
}

/* ---- the reports ---- */

static void test_reports(void)
{
	yh_err err;
	char *out = NULL, *sheet, *book, *shared;
	size_t len = 0;
	const char *ctype = NULL;
	FILE *f;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_eval_text_set(T.db, &T.clerk, Y + 1, "bureau", "problems",
		"指标<script>alert(1)</script>需量化 & 细化", &err), 0);
	CU_ASSERT_EQUAL(yh_eval_text_set(T.db, &T.clerk, Y + 1, "bureau", "nonsense", "x", &err), YH_EINVAL);
	CU_ASSERT_EQUAL(budget_items(&T.clerk, Y + 1, "bureau", SEED, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_eval_render(T.db, &T.auditor, Y + 1, "bureau", "html", &out, &len, &ctype, &err), 0);
	CU_ASSERT_STRING_EQUAL(ctype, "text/html; charset=utf-8");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<!DOCTYPE html>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "size:A4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "一、单位基本情况"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "二、部门整体支出情况"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "三、自评工作开展情况"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "四、绩效自评情况"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "五、存在问题"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "六、改进措施"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "预算数为4113.98万元，决算收入4125.65万元"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "＝10.31÷55.46×100%＝18.59%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<svg"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "年"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;需量化 &amp; 细化"));
	CU_ASSERT_PTR_NULL(strstr(out, "<script"));
	/* a section not written says how to write it, with a command the CLI has */
	{
		char hint[160];
		snprintf(hint, sizeof(hint), "（未填写：yinhui evaluation text %d --section functions --file 文件.txt --unit bureau）", Y + 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, hint));
		CU_ASSERT_PTR_NULL(strstr(out, "evaluation text set"));
	}
	/* self-contained: nothing is fetched from elsewhere */
	CU_ASSERT_PTR_NULL(strstr(out, "src="));
	CU_ASSERT_PTR_NULL(strstr(out, "<link"));
	/*
	 * Printed on A4 (Chromium, checked by hand): a long unbroken text (a URL,
	 * a Latin unit name) wraps instead of pushing the table past the page, the
	 * free-text cells alone may break a word so codes and rates stay whole,
	 * and a heading is never left alone at the foot of a page.
	 */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "margin:0 auto;overflow-wrap:anywhere}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "td.w{overflow-wrap:anywhere}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<td class=\"w\" style=\"padding-left:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "h2,h3,p.lead{break-after:avoid"));
	f = fopen("/tmp/yinhui-test-eval.html", "w");
	if (f) {
		fwrite(out, 1, len, f);
		fclose(f);
	}
	free(out);
	CU_ASSERT_EQUAL_FATAL(yh_eval_render(T.db, &T.auditor, Y + 1, "bureau", "xlsx", &out, &len, &ctype, &err), 0);
	CU_ASSERT(len > 1000 && memcmp(out, "PK", 2) == 0);
	book = unzip_entry((unsigned char *)out, len, "xl/workbook.xml");
	sheet = unzip_entry((unsigned char *)out, len, "xl/worksheets/sheet2.xml");
	shared = unzip_entry((unsigned char *)out, len, "xl/sharedStrings.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(book);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sheet);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shared);
	CU_ASSERT_PTR_NOT_NULL(strstr(book, "name=\"自评表\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(book, "name=\"数据\""));
	/* the figure has a defined name pointing at its cell, and that cell holds the value */
	{
		const char *dn = strstr(book, "name=\"budget_three_public_control_rate\"");
		char cell[32] = "";
		CU_ASSERT_PTR_NOT_NULL_FATAL(dn);
		if (dn && sscanf(strchr(dn, '!') + 1, "$C$%31[0-9]", cell) == 1) {
			char want[96];
			snprintf(want, sizeof(want), "<c r=\"C%s\" s=\"", cell);
			CU_ASSERT_PTR_NOT_NULL(strstr(sheet, want));
			CU_ASSERT_PTR_NOT_NULL(strstr(strstr(sheet, want), "<v>18.59</v>"));
		} else {
			CU_FAIL("no cell in the defined name");
		}
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(shared, "三公经费”控制率"));
	CU_ASSERT_PTR_NOT_NULL(strstr(shared, "总分"));
	free(book);
	free(sheet);
	free(shared);
	sheet = unzip_entry((unsigned char *)out, len, "xl/worksheets/sheet1.xml");
	/* the 自评表 keeps the header on row 7 and the total in B4 */
	CU_ASSERT_PTR_NOT_NULL(sheet && strstr(sheet, "<c r=\"B4\""));
	CU_ASSERT_PTR_NOT_NULL(sheet && strstr(sheet, "<row r=\"7\""));
	/* printed on A4 landscape, one page wide, the header row on every page */
	CU_ASSERT_PTR_NOT_NULL(sheet && strstr(sheet, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""));
	CU_ASSERT_PTR_NOT_NULL(sheet && strstr(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
	free(sheet);
	book = unzip_entry((unsigned char *)out, len, "xl/workbook.xml");
	CU_ASSERT_PTR_NOT_NULL(book && strstr(book, "_xlnm.Print_Titles"));
	free(book);
	f = fopen("/tmp/yinhui-test-eval.xlsx", "wb");
	if (f) {
		fwrite(out, 1, len, f);
		fclose(f);
	}
	free(out);
	CU_ASSERT_EQUAL(yh_eval_render(T.db, &T.auditor, Y + 1, "bureau", "csv", &out, &len, &ctype, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "代码,一级指标,二级指标,三级指标,分值"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "D2.1.3,,,政府采购执行率,5.00"));
	/* 13 columns on every row: the total's score under 得分 (11th), the grade on its own row under it */
	{
		json_t *doc = NULL;
		char *ev = NULL, want[96];
		CU_ASSERT_EQUAL(yh_eval_show(T.db, &T.auditor, Y + 1, "bureau", &ev, &err), 0);
		doc = ev ? json_loads(ev, 0, NULL) : NULL;
		snprintf(want, sizeof(want), "\r\n评价等级,,,,,,,,,,%s,,\r\n",
			json_string_value(json_object_get(json_object_get(doc, "total"), "grade")));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\n合计,,,,"));
		for (const char *line = strstr(out, "代码,"); line && *line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL) {
			int commas = 0;
			for (const char *c = line; *c && *c != '\r'; c++)
				commas += *c == ',';
			if (*line && strchr(line, '"') == NULL)
				CU_ASSERT_EQUAL(commas, 12);
		}
		json_decref(doc);
		free(ev);
	}
	free(out);
	CU_ASSERT_EQUAL(yh_eval_render(T.db, &T.auditor, Y + 1, "bureau", "text", &out, &len, &ctype, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "总分"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "budget.three_public_control_rate"));
	free(out);
	CU_ASSERT_EQUAL(yh_eval_render(T.db, &T.auditor, Y + 1, "bureau", "pdf", &out, &len, &ctype, &err), YH_EINVAL);
}

static void test_http(void)
{
	char *body = NULL;
	long st;

	yh_t_server_start();
	st = yh_t_http("GET", "/api/v1/evaluations/2022?unit=bureau", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "status"), "finalised");
	free(body);
	/* the HTML report as a browser gets it: a page that may run no script, in no frame */
	{
		static const char *const names[] = { "Content-Type", "Content-Security-Policy", "X-Frame-Options",
			"Cache-Control", "Content-Disposition", NULL };
		char vals[5][256];

		st = yh_t_http_headers("/api/v1/evaluations/2022?format=html", yh_t_token("auditor"), &body, names, vals);
		CU_ASSERT_EQUAL(st, 200);
		CU_ASSERT_STRING_EQUAL(vals[0], "text/html; charset=utf-8");
		CU_ASSERT_STRING_EQUAL(vals[1], "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
		CU_ASSERT_STRING_EQUAL(vals[2], "DENY");
		CU_ASSERT_STRING_EQUAL(vals[3], "no-store");
		CU_ASSERT_STRING_EQUAL(vals[4], ""); /* opens in the browser */
		/* and the same policy inside the page, for a copy saved to disk */
		CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			"'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"));
		free(body);
	}
	st = yh_t_http("GET", "/api/v1/evaluations/2023?format=xlsx", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT(body && memcmp(body, "PK", 2) == 0);
	free(body);
	st = yh_t_http("PUT", "/api/v1/budget/2022", yh_t_token("auditor"),
		"{\"unit\":\"bureau\",\"item\":\"procurement_budget\",\"yuan\":\"1.00\"}", NULL, &body);
	CU_ASSERT_EQUAL(st, 403);
	free(body);
	st = yh_t_http("PUT", "/api/v1/budget/2024", yh_t_token("clerk"),
		"{\"unit\":\"bureau\",\"items\":{\"procurement_budget\":410000.00,\"procurement_actual\":\"166300\"}}", NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	free(body);
	st = yh_t_http("GET", "/api/v1/budget/2024/figures?unit=bureau", yh_t_token("cw_b"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 403);
	free(body);
	st = yh_t_http("GET", "/api/v1/budget/2024/figures", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT_STRING_EQUAL(figure(body, "budget.procurement_execution_rate"), "40.56");
	free(body);
	st = yh_t_http("PUT", "/api/v1/budget/2024", yh_t_token("clerk"),
		"{\"unit\":\"bureau\",\"item\":\"procurement_budget\",\"yuan\":1.234}", NULL, &body);
	CU_ASSERT_EQUAL(st, 422);
	free(body);
	st = yh_t_http("POST", "/api/v1/evaluations/2023/finalise", yh_t_token("clerk"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 403);
	free(body);
	st = yh_t_http("GET", "/api/v1/evaluations/2022/explain/budget.public_funds_control_rate", yh_t_token("auditor"),
		NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, "records"), 3);
	free(body);
	st = yh_t_http("POST", "/api/v1/activities", yh_t_token("clerk"),
		"{\"type\":\"symposium\",\"title\":\"座谈会\",\"held_on\":\"2023-03-01\",\"unit\":\"bureau\"}", NULL, &body);
	CU_ASSERT_EQUAL(st, 201);
	free(body);
	st = yh_t_http("GET", "/api/v1/activities?year=2023&type=symposium", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "total"), "1");
	free(body);
	st = yh_t_http("GET", "/api/v1/evaluations/2022/diff", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 200);
	free(body);
	st = yh_t_http("GET", "/api/v1/evaluations/1999", yh_t_token("auditor"), NULL, NULL, &body);
	CU_ASSERT_EQUAL(st, 422);
	free(body);
	yh_t_server_stop();
}

static const yh_t_case cases[] = {
	{ "seed budget vectors", test_seed_vectors },
	{ "zero denominators and the half", test_zero_denominators_and_half },
	{ "budget input rules, permissions, audit", test_budget_input_rules },
	{ "budget CSV import", test_budget_csv },
	{ "activity register", test_activities },
	{ "indicator catalogue and copy", test_catalogue },
	{ "indicator add, change, remove", test_indicator_edit },
	{ "show and override", test_show_and_override },
	{ "not applicable rescaled", test_not_applicable_rescaled },
	{ "reconciliation blocks finalise", test_reconciliation_blocks_finalise },
	{ "finalise, unchanged, diff, reopen", test_finalise },
	{ "explain", test_explain },
	{ "reports", test_reports },
	{ "http", test_http },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", DATA_KEY, 1);
	yh_t_setup("eval");
	rc = yh_t_run("eval", cases);
	yh_t_teardown();
	return rc;
}
