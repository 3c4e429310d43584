/*
 * A year other than the seed's, set up as a finance clerk would (template,
 * budget, no SQL): a year whose budget is not entered yet, the reports'
 * wording, and explaining a figure once the year is finalised.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/activity.h"
#include "yinhui/budget.h"
#include "yinhui/evaluation.h"
#include "yinhui/indicator.h"

#define Y 2024
#define DATA_KEY "3b1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

/* The evaluation document of year Y for the root unit (caller json_decref). */
static json_t *show(void)
{
	char *out = NULL;
	json_t *doc;
	yh_err err;

	yh_err_clear(&err);
	if (yh_eval_show(T.db, &T.clerk, Y, NULL, &out, &err) != 0)
		fprintf(stderr, "show failed: %s\n", err.msg);
	doc = out ? json_loads(out, 0, NULL) : NULL;
	free(out);
	return doc;
}

/* A member of indicator code in doc, as text ("" when absent or not a string). */
static const char *ind(json_t *doc, const char *code, const char *member)
{
	json_t *i;
	size_t k;

	json_array_foreach(json_object_get(doc, "indicators"), k, i)
		if (strcmp(json_string_value(json_object_get(i, "code")), code) == 0)
			return json_is_string(json_object_get(i, member)) ? json_string_value(json_object_get(i, member)) : "";
	return "";
}

static int warned(json_t *doc, const char *needle)
{
	json_t *w;
	size_t k;

	json_array_foreach(json_object_get(doc, "warnings"), k, w)
		if (strstr(json_string_value(w), needle))
			return 1;
	return 0;
}

static int budget(int year, const char *items)
{
	yh_fields *f = yh_t_fields("unit", "bureau", "items", items, NULL);
	char *out = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_budget_set(T.db, &T.clerk, year, f, &out, &err);
	free(out);
	yh_fields_free(f);
	return rc;
}

static void test_setup(void)
{
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_indicator_template_load(T.db, &T.clerk, Y, "department", &out, &err), 0);
	free(out);
	/* last year's figures are there; this year's budget is not entered yet */
	CU_ASSERT_EQUAL_FATAL(budget(Y - 1, "{\"carryover_end\":\"400000.00\",\"three_public_vehicle_actual\":\"300000.00\"}"), 0);
}

/*
 * Budget rates with none of their items entered for the year are not
 * entered: the indicator is missing (0 points, a warning), never dropped as
 * not applicable with the rest rescaled, and never a -100 % change.
 */
static void test_budget_not_entered(void)
{
	json_t *doc = show(), *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	f = json_object_get(json_object_get(doc, "figures"), "budget.carryover_change_rate");
	CU_ASSERT(json_is_null(json_object_get(f, "value")));
	CU_ASSERT(json_is_false(json_object_get(f, "entered")));
	f = json_object_get(json_object_get(doc, "figures"), "budget.expenditure_completion_rate");
	CU_ASSERT(json_is_false(json_object_get(f, "entered")));
	CU_ASSERT_STRING_EQUAL(ind(doc, "D2.1.2", "status"), "missing");
	CU_ASSERT_STRING_EQUAL(ind(doc, "D2.1.2", "score"), "0.00");
	CU_ASSERT_STRING_EQUAL(ind(doc, "D2.1.1", "status"), "missing");
	CU_ASSERT_STRING_EQUAL(ind(doc, "D5.1.2", "status"), "missing");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(doc, "total"), "applicable_points")),
		"100.00");
	CU_ASSERT(warned(doc, "D2.1.1 支出完成率：本年度预算数据未录入"));
	json_decref(doc);

	/* entered as zero: a real value; an actual without its budget stays not applicable */
	CU_ASSERT_EQUAL_FATAL(budget(Y, "{\"carryover_end\":\"0.00\",\"procurement_actual\":\"100.00\"}"), 0);
	doc = show();
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	f = json_object_get(json_object_get(doc, "figures"), "budget.carryover_change_rate");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f, "value")), "-100.00");
	CU_ASSERT_PTR_NULL(json_object_get(f, "entered"));
	CU_ASSERT_STRING_EQUAL(ind(doc, "D2.1.2", "status"), "ok");
	CU_ASSERT_STRING_EQUAL(ind(doc, "D2.1.3", "status"), "not_applicable");
	json_decref(doc);
}

/* Year Y's whole-bureau report in format, as the clerk sees it (caller frees). */
static char *render(const char *format)
{
	char *out = NULL;
	const char *ctype = NULL;
	size_t len = 0;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_eval_render(T.db, &T.clerk, Y, NULL, format, &out, &len, &ctype, &err), 0);
	return out ? out : strdup("");
}

static void test_reports_say_not_entered(void)
{
	char *out = render("text");

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "未录入"));
	free(out);
	out = render("html");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "支出完成率＝（本年决算支出－动用上年结转结余）÷本年财政预算资金收入×100%：本年度预算数据未录入"));
	free(out);
}

/* The HTML report names the command that writes a missing prose section, as it really is. */
static void test_html_text_hint(void)
{
	char *out = render("html");

	CU_ASSERT_PTR_NULL(strstr(out, "evaluation text set"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "yinhui evaluation text 2024 --section functions"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "yinhui evaluation text 2024 --section measures"));
	free(out);
}

/* The text report shows money in yuan, not in fen. */
static void test_text_money_in_yuan(void)
{
	char *out = render("text");

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0.00元 困难补助发放金额"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0.00元 党组织书记工作补贴金额"));
	free(out);
}

/* Explaining a figure of a finalised year shows the finalised value beside today's. */
static void test_explain_finalised(void)
{
	yh_fields *f = yh_t_fields("type", "study_session", "title", "定稿后补录", "held_on", "2024-06-01",
		"unit", "bureau", NULL);
	char *out = NULL;
	json_t *res;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_eval_explain(T.db, &T.clerk, Y, NULL, "D5.3.3", &out, &err), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "finalised"));
	free(out);
	CU_ASSERT_EQUAL_FATAL(yh_eval_finalise(T.db, &T.approver, Y, NULL, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL_FATAL(yh_activity_add(T.db, &T.clerk, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL_FATAL(yh_eval_explain(T.db, &T.clerk, Y, NULL, "D5.3.3", &out, &err), 0);
	res = json_loads(out, 0, NULL);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(res, "value")), 1);
	CU_ASSERT(json_is_true(json_object_get(res, "finalised")));
	CU_ASSERT(json_is_integer(json_object_get(res, "finalised_value")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(res, "finalised_value")), 0);
	CU_ASSERT(json_is_true(json_object_get(res, "changed_since_finalised")));
	json_decref(res);
	free(out);
	CU_ASSERT_EQUAL_FATAL(yh_eval_explain(T.db, &T.clerk, Y, NULL, "budget.carryover_change_rate", &out, &err), 0);
	res = json_loads(out, 0, NULL);
	CU_ASSERT(json_is_false(json_object_get(res, "changed_since_finalised")));
	json_decref(res);
	free(out);
}

static const yh_t_case cases[] = {
	{ "a new year from the template", test_setup },
	{ "budget not entered is missing, not n/a", test_budget_not_entered },
	{ "reports say not entered", test_reports_say_not_entered },
	{ "html names the text command", test_html_text_hint },
	{ "text shows money in yuan", test_text_money_in_yuan },
	{ "explain a finalised year", test_explain_finalised },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", DATA_KEY, 1);
	yh_t_setup("eval_year");
	rc = yh_t_run("eval_year", cases);
	yh_t_teardown();
	return rc;
}
