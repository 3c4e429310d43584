/* The pay module over HTTP: every route once, statuses per role, the bank file as a download. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_pay_util.h"

static char person_a[37], person_b[37], enrolment[40], batch[40], line_ref[40];

static long req(const char *method, const char *path, const char *user, const char *json, char **body)
{
	return yh_t_http(method, path, user ? yh_t_token(user) : NULL, json, NULL, body);
}

/* A top-level integer member whose name holds dots. */
static long long member(const char *json, const char *key)
{
	json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
	long long v = json_is_integer(json_object_get(doc, key)) ? json_integer_value(json_object_get(doc, key)) : -1;

	json_decref(doc);
	return v;
}

static void test_programmes(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(req("POST", "/api/v1/programmes", "clerk", "{\"code\":\"web\",\"name\":\"网上补助\","
		"\"budget_line\":\"2080599\",\"period\":\"monthly\",\"amount\":\"120.50\",\"valid_from\":\"2022-01-01\","
		"\"categories\":[\"退休\",\"离休\"]}", &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "code"), "web");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "rates.0.amount"), "120.50");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/programmes", "auditor", "{\"code\":\"x\",\"name\":\"x\",\"budget_line\":\"b\","
		"\"period\":\"monthly\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/programmes", "clerk", "{\"code\":\"web\",\"name\":\"x\",\"budget_line\":\"b\","
		"\"period\":\"monthly\"}", &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "code");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/programmes/web/rates", "clerk", "{\"valid_from\":\"2023-01-01\",\"amount\":130}",
		&body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "amount"), "130.00");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/programmes", "auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/programmes/web", "approver", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, "rates"), 2);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/programmes", "cw_a", NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/programmes/nope", "clerk", NULL, &body), 404);
	free(body);
}

static void test_enrolments(void)
{
	char json[512], path[128], *body = NULL;

	snprintf(person_a, sizeof(person_a), "%s", pt_person("高玉珍", "cadre", "退休", "chikan", NULL, NULL));
	snprintf(person_b, sizeof(person_b), "%s", pt_person("罗振国", "cadre", "离休", "xiashan", NULL, NULL));
	snprintf(json, sizeof(json), "{\"programme\":\"web\",\"person\":\"%s\",\"start_on\":\"2022-01-01\","
		"\"account\":\"6222 0400 0000 0001\",\"bank_name\":\"建设银行\"}", person_a);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/enrolments", "clerk_a", json, &body), 201);
	snprintf(enrolment, sizeof(enrolment), "%s", yh_t_json(body, "id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "account"), "****0001");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "holder_name"), "高玉珍");
	free(body);
	snprintf(json, sizeof(json), "{\"programme\":\"web\",\"person\":\"%s\",\"start_on\":\"2022-01-01\","
		"\"account\":\"6222040000000002\",\"bank_name\":\"建设银行\"}", person_b);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/enrolments", "clerk_a", json, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/enrolments", "clerk", json, &body), 201);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/enrolments", "clerk", json, &body), 409);
	free(body);
	json[strlen(json) - 1] = '\0';
	strcat(json, ",\"account\":\"12\"}");
	CU_ASSERT_EQUAL(req("POST", "/api/v1/enrolments", "clerk", json, &body), 400); /* "account" twice */
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/enrolments?programme=web&period=2022-03", "clerk_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "0.status"), "payable");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/enrolments?programme=web&period=2022-03&status=payable", "auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 2);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/enrolments?colour=red", "auditor", NULL, &body), 422);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/enrolments/%s", enrolment);
	CU_ASSERT_EQUAL(req("PATCH", path, "clerk", "{\"note\":\"电话核实\"}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "note"), "电话核实");
	free(body);
	CU_ASSERT_EQUAL(req("GET", path, "cw_b", NULL, &body), 403);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/enrolments/%s/proof-of-life", enrolment);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"verified_on\":\"2022-03-01\",\"method\":\"视频\"}", &body), 201);
	free(body);
}

static void test_batches(void)
{
	char path[160], csv[512], *body = NULL;

	CU_ASSERT_EQUAL(req("POST", "/api/v1/batches", "approver", "{\"programme\":\"web\",\"period\":\"2022-03\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/batches", "clerk", "{\"programme\":\"web\",\"period\":\"2022-3\"}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "period");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/batches", "clerk", "{\"programme\":\"web\",\"period\":\"2022-03\"}", &body), 201);
	snprintf(batch, sizeof(batch), "%s", yh_t_json(body, "id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "total"), "241.00");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/batches", "clerk", "{\"programme\":\"web\",\"period\":\"2022-03\"}", &body), 409);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s?lines=all", batch);
	CU_ASSERT_EQUAL(req("GET", path, "auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, "lines"), 2);
	snprintf(line_ref, sizeof(line_ref), "%s", yh_t_json(body, "lines.0.ref"));
	free(body);
	CU_ASSERT_EQUAL(req("GET", path, "clerk_a", NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/batches/00000000-0000-4000-8000-000000000000", "clerk", NULL, &body), 404);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/batches?programme=web&state=draft", "clerk", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/export", batch);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{}", &body), 409);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/approve", batch);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "approver", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "state"), "approved");
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "approver2", "{}", &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "conflict");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/export", batch);
	CU_ASSERT_EQUAL(yh_t_http("POST", path, yh_t_token("clerk"), "{}", "Idempotency-Key: e1", &body), 422);
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"format\":\"csv\"}", &body), 200);
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "业务流水号"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "6222040000000001"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "总笔数,2,总金额,241.00"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, line_ref));
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"format\":\"pdf\"}", &body), 422);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/cancel", batch);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"reason\":\"迟了\"}", &body), 409);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/result", batch);
	snprintf(csv, sizeof(csv), "业务流水号,状态,原因,银行流水号\n%s,成功,,CCB-9\n", line_ref);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", csv, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "state"), "exported");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "pending"), "1");
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", NULL, &body), 400);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/settle", batch);
	CU_ASSERT_EQUAL(req("POST", path, "auditor", "{\"bank_ref\":\"CCB-10\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"bank_ref\":\"CCB-10\",\"paid_on\":\"2022-03-25\"}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "state"), "settled");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/batches/%s/reissue", batch);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", NULL, &body), 409);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/payments/%s/reverse", line_ref);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", "{\"reason\":\"重复发放\",\"amount\":\"20.50\"}", &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "amount"), "-20.50");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/payments/figures?from=2022-01-01&to=2022-12-31&programme=web", "auditor", NULL,
		&body), 200);
	CU_ASSERT_EQUAL(member(body, "subsidies.amount_fen"), 22050);
	CU_ASSERT_EQUAL(member(body, "subsidies.payments"), 2);
	CU_ASSERT_EQUAL(member(body, "payments.reversals"), 1);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/payments/figures?from=2022-01-01&to=2022-12-31&code=payments.reversals",
		"auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/payments/figures?from=2022-01-01&to=2022-12-31&code=nope", "auditor", NULL,
		&body), 404);
	free(body);
}

static void test_branches(void)
{
	char json[256], path[128], branch[40], *body = NULL;

	CU_ASSERT_EQUAL(req("POST", "/api/v1/programmes", "clerk", "{\"code\":\"sec\",\"name\":\"书记补贴\","
		"\"budget_line\":\"党建\",\"period\":\"yearly\",\"kind\":\"branch_allowance\"}", &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "rates.0.post"), "书记");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "rates.0.amount"), "300.00");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/branches", "clerk_a", "{\"name\":\"霞山一支部\",\"type\":\"支部\","
		"\"unit\":\"xiashan\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/branches", "clerk", "{\"name\":\"赤坎一支部\",\"type\":\"支部\","
		"\"unit\":\"chikan\",\"member_count\":15,\"term_end\":\"2025-06-30\"}", &body), 201);
	snprintf(branch, sizeof(branch), "%s", yh_t_json(body, "id"));
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/branches", "clerk", "{\"name\":\"x\",\"type\":\"小组\",\"unit\":\"chikan\"}",
		&body), 422);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/branches/%s/posts", branch);
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"post\":\"书记\",\"from_on\":\"2022-07-01\"}", person_a);
	CU_ASSERT_EQUAL(req("POST", path, "clerk", json, &body), 201);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/branches/%s", branch);
	CU_ASSERT_EQUAL(req("PATCH", path, "clerk", "{\"member_count\":16}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "member_count"), "16");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "secretary"), "高玉珍");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/branches?unit=chikan", "auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/branches/allowance?programme=sec&year=2022", "clerk", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "total"), "1800.00");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "items.0.enrolled"), "false");
	free(body);
}

static const yh_t_case cases[] = {
	{ "programmes", test_programmes },
	{ "enrolments", test_enrolments },
	{ "batches: generate to settle, export download, reversal, figures", test_batches },
	{ "branches and the allowance preview", test_branches },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", PT_DATA_KEY, 1);
	yh_t_setup("pay_http");
	yh_t_server_start();
	rc = yh_t_run("pay_http", cases);
	yh_t_teardown();
	return rc;
}
