/*
 * The sample bureau: refuses real data, loads once, reproduces the seed's
 * figures from generated records, finalises, and the year's extraction time.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"
#include "unzip_util.h"
#include "yinhui/activity.h"
#include "yinhui/evaluation.h"

#define DEMO_KEY "5d1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

static char *doc;

static const char *fig(const char *code)
{
	static char ring[8][64];
	static int slot;
	json_t *d = json_loads(doc, 0, NULL), *v = json_object_get(json_object_get(d, "figures"), code);

	slot = (slot + 1) % 8;
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (json_is_string(v))
		snprintf(ring[slot], 64, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(ring[slot], 64, "%lld", (long long)json_integer_value(v));
	else
		snprintf(ring[slot], 64, "%s", v ? "null" : "absent");
	json_decref(d);
	return ring[slot];
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void test_refusals(void)
{
	yh_fields *f = yh_t_fields("type", "training", "title", "真实培训", "held_on", "2022-05-05", "unit", "bureau", NULL);
	yh_err err;
	char *out = NULL, id[40];

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_demo_load(T.db, &T.clerk, 2022, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_demo_load(T.db, &T.approver, 2022, &out, &err), YH_EFORBIDDEN);
	/* a real record: the demo will not mix with it */
	CU_ASSERT_EQUAL_FATAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), 0);
	snprintf(id, sizeof(id), "%s", yh_t_json(out, "id"));
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_demo_load(T.db, &T.admin, 2022, &out, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "real record"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), 0);
	CU_ASSERT_EQUAL(yh_activity_delete(T.db, &T.clerk, id, &err), 0);
}

static void test_load(void)
{
	yh_err err;
	char *out = NULL;
	double t0;

	yh_err_clear(&err);
	t0 = now_ms();
	if (yh_demo_load(T.db, &T.admin, 2022, &out, &err) != 0) {
		fprintf(stderr, "demo load failed: [%s] %s\n", err.field, err.msg);
		CU_FAIL_FATAL("demo load");
	}
	fprintf(stderr, "demo load: %.0f ms: %s\n", now_ms() - t0, out);
	free(out);
	CU_ASSERT_EQUAL(yh_demo_load(T.db, &T.admin, 2022, &out, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "already loaded"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.setting WHERE key = 'demo.loaded'"), 1);
	/* clearly marked, plausible people */
	CU_ASSERT(yh_t_count("SELECT count(*) FROM yh.person WHERE kind = 'cadre'") >= 300);
	CU_ASSERT(yh_t_count("SELECT count(*) FROM yh.person WHERE kind = 'survivor'") >= 30);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE note NOT LIKE '示例%'"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE kind = 'cadre' AND (yh.age_on(birth_date, '2022-12-31')"
				   " NOT BETWEEN 60 AND 105)"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code IN ('chikan', 'xiashan', 'suixi', 'wuchuan')"), 4);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.staff WHERE username LIKE 'demo-%' AND NOT disabled"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'demo.load'"), 1);
}

static void test_figures(void)
{
	yh_err err;
	double t0, ms;

	yh_err_clear(&err);
	t0 = now_ms();
	CU_ASSERT_EQUAL_FATAL(yh_eval_show(T.db, &T.admin, 2022, NULL, &doc, &err), 0);
	ms = now_ms() - t0;
	fprintf(stderr, "extraction of 2022 for all units: %.1f ms\n", ms);
	/* the seed's budget vectors */
	CU_ASSERT_STRING_EQUAL(fig("budget.expenditure_completion_rate"), "100.00");
	CU_ASSERT_STRING_EQUAL(fig("budget.procurement_execution_rate"), "40.56");
	CU_ASSERT_STRING_EQUAL(fig("budget.public_funds_control_rate"), "28.97");
	CU_ASSERT_STRING_EQUAL(fig("budget.three_public_control_rate"), "18.59");
	CU_ASSERT_STRING_EQUAL(fig("budget.carryover_change_rate"), "-100.00");
	CU_ASSERT_STRING_EQUAL(fig("budget.asset_utilization_rate"), "100.00");
	/* generated records give the seed's service figures */
	CU_ASSERT_STRING_EQUAL(fig("branches.allowance_branches"), "167");
	CU_ASSERT_STRING_EQUAL(fig("branches.allowance_amount_fen"), "60120000");
	CU_ASSERT_STRING_EQUAL(fig("subsidies.payments"), "128");
	CU_ASSERT_STRING_EQUAL(fig("subsidies.amount_fen"), "100992000");
	CU_ASSERT(atoi(fig("visits.illness")) >= 50);
	CU_ASSERT(atoi(fig("visits.count")) > 1000);
	CU_ASSERT_STRING_EQUAL(fig("activities.study_session.count"), "20");
	CU_ASSERT_STRING_EQUAL(fig("activities.volunteer_team.count"), "62");
	CU_ASSERT_STRING_EQUAL(fig("activities.volunteer_registration.quantity"), "9126");
	CU_ASSERT_STRING_EQUAL(fig("activities.volunteer_project.funding_fen"), "5200000");
	CU_ASSERT_STRING_EQUAL(fig("roster.deceased"), "6");
	CU_ASSERT_STRING_EQUAL(fig("roster.transferred_out"), "2");
	CU_ASSERT(atoi(fig("roster.added")) > 0);
	CU_ASSERT(atof(fig("obligations.coverage_rate")) > 80.0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(yh_t_json(doc, "total.grade"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(doc, "total.grade"), "优");
	fprintf(stderr, "demo total %s grade %s\n", yh_t_json(doc, "total.score"), yh_t_json(doc, "total.grade"));
	{
		char *rec = NULL;
		CU_ASSERT_EQUAL(yh_eval_reconciliation(T.db, &T.auditor, 2022, NULL, &rec, &err), 0);
		CU_ASSERT_STRING_EQUAL(yh_t_json(rec, "unexplained") ? yh_t_json(rec, "unexplained") : "", "0");
		free(rec);
	}
}

static void test_report_and_finalise(void)
{
	yh_err err;
	char *out = NULL;
	const char *ctype;
	size_t len;
	FILE *f;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_eval_render(T.db, &T.auditor, 2022, "bureau", "html", &out, &len, &ctype, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "每月走访慰问人次"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "重大节日"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "赤坎老干部休养所"));
	f = fopen("/tmp/yinhui-demo-2022.html", "w");
	if (f) {
		fwrite(out, 1, len, f);
		fclose(f);
	}
	free(out);
	/* the 数据 sheet of the workbook: money in yuan, dates and codes as text */
	CU_ASSERT_EQUAL_FATAL(yh_eval_render(T.db, &T.auditor, 2022, "bureau", "xlsx", &out, &len, &ctype, &err), 0);
	{
		char *sheet = unzip_entry((unsigned char *)out, len, "xl/worksheets/sheet2.xml");
		char *shared = unzip_entry((unsigned char *)out, len, "xl/sharedStrings.xml");
		char want[48];
		json_t *d = json_loads(doc, 0, NULL);
		long fen = (long)json_integer_value(json_object_get(json_object_get(json_object_get(d, "figures"),
			"budget_lines"), "离休干部待遇·困难补助（示例）"));
		json_decref(d);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sheet);
		CU_ASSERT_PTR_NOT_NULL_FATAL(shared);
		/* 预算指标执行 per budget line is fen in the document: the sheet shows yuan, as for every money figure */
		CU_ASSERT(fen > 0 && fen % 100 == 0);
		snprintf(want, sizeof(want), "<v>%ld</v>", fen);
		CU_ASSERT_PTR_NULL(strstr(sheet, want));
		snprintf(want, sizeof(want), "<v>%ld</v>", fen / 100);
		CU_ASSERT_PTR_NOT_NULL(strstr(sheet, want));
		/* the period is a date, not the number 2022 */
		CU_ASSERT_PTR_NOT_NULL(strstr(shared, "<t>2022-01-01</t>"));
		CU_ASSERT_PTR_NOT_NULL(strstr(shared, "<t>2022-12-31</t>"));
		CU_ASSERT_PTR_NULL(strstr(sheet, "<v>2022</v>"));
		free(sheet);
		free(shared);
	}
	free(out);
	CU_ASSERT_EQUAL(yh_eval_finalise(T.db, &T.approver, 2022, NULL, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_eval_render(T.db, &T.auditor, 2022, "bureau", "text", &out, &len, &ctype, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "已定稿"));
	fputs(out, stderr);
	free(out);
}

static const yh_t_case cases[] = {
	{ "refusals", test_refusals },
	{ "load", test_load },
	{ "figures", test_figures },
	{ "report and finalise", test_report_and_finalise },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", DEMO_KEY, 1);
	yh_t_setup("eval_demo");
	rc = yh_t_run("eval_demo", cases);
	free(doc);
	yh_t_teardown();
	return rc;
}
