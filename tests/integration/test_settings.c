/*
 * Settings: listing, dated values that rules read as of their day, range and
 * choice checks with the field named, admin only, audited, and the HTTP route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/setting.h"

static long n_setting(const char *sql)
{
	return yh_t_count(sql);
}

static void test_list(void)
{
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_setting_list(T.db, &T.cw_a, &out, &err), 0);
	CU_ASSERT(yh_t_json_len(out, "") >= 18);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"key\" : \"obligation.illness_days\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"current\" : true"));
	free(out);
}

static void test_set_dated(void)
{
	char *out = NULL;
	yh_fields *f = yh_t_fields("key", "obligation.illness_days", "value", "2", "valid_from", "2031-01-01",
		"note", "住院2日内", NULL);
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_setting_set(T.db, &T.admin, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "value"), "2");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "valid_from"), "2031-01-01");
	free(out);
	/* the rules read the value in force on their day */
	CU_ASSERT_EQUAL(n_setting("SELECT yh.setting_int('obligation.illness_days', 0, DATE '2030-12-31')"), 3);
	CU_ASSERT_EQUAL(n_setting("SELECT yh.setting_int('obligation.illness_days', 0, DATE '2031-01-01')"), 2);
	/* the same day again replaces that value; the note is kept when not given */
	f = yh_t_fields("key", "obligation.illness_days", "value", "1", "valid_from", "2031-01-01", NULL);
	CU_ASSERT_EQUAL(yh_setting_set(T.db, &T.admin, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "note"), "住院2日内");
	free(out);
	CU_ASSERT_EQUAL(n_setting("SELECT count(*) FROM yh.setting WHERE key = 'obligation.illness_days'"), 2);
	CU_ASSERT_EQUAL(n_setting("SELECT count(*) FROM yh.audit_log WHERE action = 'setting.set'"
				  " AND entity_id = 'obligation.illness_days' AND actor_name = 'admin'"), 2);
	CU_ASSERT_EQUAL(n_setting("SELECT count(*) FROM yh.audit_log WHERE action = 'setting.set'"
				  " AND before->>'value' = '2' AND after->>'value' = '1'"), 1);
}

static void test_refused(void)
{
	static const struct {
		const char *key, *value, *field;
		int code;
	} cases[] = {
		{ "obligation.illness_days", "-1", "value", YH_EINVAL },
		{ "obligation.illness_days", "91", "value", YH_EINVAL },
		{ "obligation.illness_days", "3 days", "value", YH_EINVAL },
		{ "obligation.illness_days", "", "value", YH_EINVAL },
		{ "birthday.age_basis", "实岁", "value", YH_EINVAL },
		{ "birthday.milestones", "70,,80", "value", YH_EINVAL },
		{ "birthday.milestones", "70,200", "value", YH_EINVAL },
		{ "batch.meeting_threshold_fen", "1e9", "value", YH_EINVAL },
		{ "obligation.ilness_days", "3", "key", YH_EINVAL },
		{ NULL, NULL, NULL, 0 }
	};
	long before = n_setting("SELECT count(*) FROM yh.setting");

	for (int i = 0; cases[i].key; i++) {
		char *out = NULL;
		yh_fields *f = yh_t_fields("key", cases[i].key, "value", cases[i].value, NULL);
		yh_err err;

		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_setting_set(T.db, &T.admin, f, &out, &err), cases[i].code);
		CU_ASSERT_STRING_EQUAL(err.field, cases[i].field);
		CU_ASSERT_PTR_NULL(out);
		yh_fields_free(f);
	}
	/* valid ones of each kind */
	{
		static const char *const ok[][2] = { { "birthday.age_basis", "虚岁" }, { "birthday.milestones", "70,80,90,100" },
			{ "batch.meeting_threshold_fen", "5000000" } };
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			char *out = NULL;
			yh_fields *f = yh_t_fields("key", ok[i][0], "value", ok[i][1], "valid_from", "2032-01-01", NULL);
			yh_err err;
			yh_err_clear(&err);
			CU_ASSERT_EQUAL(yh_setting_set(T.db, &T.admin, f, &out, &err), 0);
			yh_fields_free(f);
			free(out);
		}
	}
	/* only an admin */
	{
		char *out = NULL;
		yh_fields *f = yh_t_fields("key", "vulnerable.age", "value", "75", NULL);
		yh_err err;
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_setting_set(T.db, &T.cw_a, f, &out, &err), YH_EFORBIDDEN);
		CU_ASSERT_EQUAL(yh_setting_set(T.db, &T.approver, f, &out, &err), YH_EFORBIDDEN);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL(n_setting("SELECT count(*) FROM yh.setting"), before + 3);
}

static void test_http(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/settings", yh_t_token("auditor"), NULL, NULL, &body), 200);
	CU_ASSERT(yh_t_json_len(body, "") >= 18);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/settings", yh_t_token("admin"),
				"{\"key\":\"vulnerable.age\",\"value\":\"130\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "value");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/settings", yh_t_token("admin"),
				"{\"key\":\"vulnerable.age\",\"value\":\"75\",\"valid_from\":\"2033-01-01\",\"colour\":\"red\"}",
				NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "colour");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/settings", yh_t_token("admin"),
				"{\"key\":\"vulnerable.age\",\"value\":\"75\",\"valid_from\":\"2033-01-01\"}", NULL, &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "value"), "75");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/settings", yh_t_token("clerk"),
				"{\"key\":\"vulnerable.age\",\"value\":\"70\"}", NULL, &body), 403);
	free(body);
}

static const yh_t_case cases[] = {
	{ "list with the value in force marked", test_list },
	{ "dated values, read as of their day, audited", test_set_dated },
	{ "bad values and keys refused, admin only", test_refused },
	{ "HTTP", test_http },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("settings");
	yh_t_server_start();
	rc = yh_t_run("settings", cases);
	yh_t_teardown();
	return rc;
}
