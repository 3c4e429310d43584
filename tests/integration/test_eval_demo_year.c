/*
 * The sample bureau of another year (2025): every cadre it has die or move
 * out during the year was on the roster that day, so the year's roster
 * figures count all six deaths and both transfers. In 2025 two cadres who
 * joined the roster that year had died before joining, and counted nowhere.
 * Every figure of the year's document carries its label from the registry.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/evaluation.h"

#define DEMO_KEY "5d1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

static void test_leavers_were_on_the_roster(void)
{
	char *out = NULL, *doc = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_demo_load(T.db, &T.admin, 2025, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE kind = 'cadre'"
		" AND (deceased_on < added_on OR transferred_out_on < added_on)"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE kind = 'cadre'"
		" AND deceased_on BETWEEN '2025-01-01' AND '2025-12-31'"), 6);
	CU_ASSERT_EQUAL_FATAL(yh_eval_show(T.db, &T.admin, 2025, NULL, &doc, &err), 0);
	{
		json_t *d = json_loads(doc, 0, NULL), *f = json_object_get(d, "figures");
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "roster.deceased")), 6);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(f, "roster.transferred_out")), 2);
		/* every figure of the document has its label (obligations.due and visits.by_mode had none) */
		{
			const char *code;
			json_t *v, *labels = json_object_get(d, "figure_labels");
			json_object_foreach(f, code, v) {
				if (strcmp(code, "from") == 0 || strcmp(code, "to") == 0 || strcmp(code, "unit") == 0 ||
				    strcmp(code, "budget_lines") == 0)
					continue;
				if (json_object_get(labels, code) == NULL) {
					fprintf(stderr, "no label: %s\n", code);
					CU_FAIL("a figure without a label");
				}
			}
		}
		json_decref(d);
	}
	free(doc);
}

static const yh_t_case cases[] = {
	{ "2025: who leaves was on the roster", test_leavers_were_on_the_roster },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", DEMO_KEY, 1);
	yh_t_setup("eval_demo_year");
	rc = yh_t_run("eval_demo_year", cases);
	yh_t_teardown();
	return rc;
}
