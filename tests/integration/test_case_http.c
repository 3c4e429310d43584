/* The casework API over HTTP (in-process daemon): routes, status codes and error bodies. */
#include <stdlib.h>
#include <string.h>

#include "case_util.h"

static const char *person, *far;

static long req(const char *method, const char *path, const char *user, const char *json, char **body)
{
	return yh_t_http(method, path, user ? yh_t_token(user) : NULL, json, NULL, body);
}

static void test_visits(void)
{
	char *body = NULL, json[1024], path[256], vid[64];

	person = case_cadre("chikan", "黄伯", "1931-04-04", "离休");
	far = case_cadre("xiashan", "霞山伯", "1931-04-04", "离休");
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-01T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"上门\",\"condolence_fen\":30000,\"goods\":\"米油\",\"staff\":[\"cw_a\"],"
		"\"follow_ups\":[{\"action\":\"复查血压\",\"due_on\":\"2025-06-15\"}]}", person);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "cw_a", json, &body), 201);
	snprintf(vid, sizeof(vid), "%s", yh_t_json(body, "id") ? yh_t_json(body, "id") : "");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "condolence_fen"), "30000");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "follow_ups.0.action"), "复查血压");
	free(body);
	/* errors name the field */
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-01T09:30\",\"occasion\":\"串门\","
		"\"mode\":\"上门\"}", person);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "cw_a", json, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "invalid");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "occasion");
	free(body);
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-01T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"上门\",\"follow_ups\":[{\"action\":\"x\",\"due_on\":\"2025-06-31\"}]}", person);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "cw_a", json, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "follow_ups[0].due_on");
	free(body);
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-01T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"上门\"}", far);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "cw_a", json, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "forbidden");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "auditor", json, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/visits", "cw_a", "{\"person\":", &body), 400);
	free(body);

	snprintf(path, sizeof(path), "/api/v1/visits/%s", vid);
	CU_ASSERT_EQUAL(req("GET", path, "auditor", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "person.id"), person);
	free(body);
	CU_ASSERT_EQUAL(req("GET", path, "cw_b", NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/3f2504e0-4f89-41d3-9a0c-0305e82c3301", "cw_a", NULL, &body), 404);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "not_found");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/nonsense", "cw_a", NULL, &body), 404);
	free(body);

	snprintf(path, sizeof(path), "/api/v1/visits/%s/amendments", vid);
	CU_ASSERT_EQUAL(req("POST", path, "cw_a", "{\"reason\":\"金额录错\",\"condolence_fen\":20000}", &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "amendment.changes.condolence_fen.from"), "30000");
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "cw_a", "{\"condolence_fen\":10000}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "reason");
	free(body);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "0.reason"), "金额录错");
	free(body);

	snprintf(path, sizeof(path), "/api/v1/visits?person=%s&from=2025-01-01&to=2025-12-31", person);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "0.condolence_fen"), "20000");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits?colour=red", "cw_a", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "colour");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/visits?person=%s", far);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 403);
	free(body);
}

static void test_idempotent_visit(void)
{
	const char *tok = yh_t_token("cw_a");
	char json[512], *b1 = NULL, *b2 = NULL;
	const char *p[1] = { person };
	long before = case_n("SELECT count(*) FROM yh.visit v JOIN yh.person p ON p.id = v.person_id WHERE p.uid = $1::uuid",
		1, p);

	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-02T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"电话\"}", person);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/visits", tok, json, "Idempotency-Key: visit-1", &b1), 201);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/visits", tok, json, "Idempotency-Key: visit-1", &b2), 201);
	CU_ASSERT_STRING_EQUAL(b1, b2);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.visit v JOIN yh.person p ON p.id = v.person_id WHERE p.uid = $1::uuid",
		1, p), before + 1);
	free(b1);
	free(b2);
}

static void test_plans(void)
{
	char *body = NULL, path[256];

	snprintf(path, sizeof(path), "/api/v1/plans/%s", person);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 404);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "not_found");
	free(body);
	CU_ASSERT_EQUAL(req("PUT", path, "cw_a", "{\"care_level\":\"失能\",\"difficulty_tags\":[\"照护\"],"
		"\"caseworker\":\"cw_a\",\"measures\":[{\"what\":\"申请长护险\",\"owner\":\"社区\"}]}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "revision"), "1");
	free(body);
	CU_ASSERT_EQUAL(req("PATCH", path, "cw_a", "{\"care_file\":true,\"care_file_reason\":\"失能独居\"}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "care_file"), "true");
	free(body);
	CU_ASSERT_EQUAL(req("PUT", path, "cw_a", "{\"care_level\":\"卧床\"}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "care_level");
	free(body);
	CU_ASSERT_EQUAL(req("PUT", path, "cw_a", "{\"caseworker\":\"ghost\"}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "caseworker");
	free(body);
	CU_ASSERT_EQUAL(req("PUT", path, "cw_b", "{\"mood\":\"好\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("GET", path, "clerk", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "care_file_reason"), "失能独居");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "measures.0.what"), "申请长护险");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/plans/%s/history", person);
	CU_ASSERT_EQUAL(req("GET", path, "auditor", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 2);
	free(body);
}

static void test_events_and_obligations(void)
{
	char *body = NULL, json[512], path[256], ob[64];
	const char *dead = case_cadre("chikan", "何老", "1926-09-09", "离休");
	const char *wife = case_survivor(dead, "何老伴", "1929-01-01");

	snprintf(json, sizeof(json), "{\"type\":\"hardship\",\"person\":\"%s\",\"date\":\"%s\",\"note\":\"房屋漏水\"}",
		person, case_today());
	CU_ASSERT_EQUAL(req("POST", "/api/v1/events", "cw_a", json, &body), 201);
	snprintf(ob, sizeof(ob), "%s", yh_t_json(body, "obligations.0.id") ? yh_t_json(body, "obligations.0.id") : "");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "obligations.0.occasion"), "遇到困难");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/events", "cw_a", "{\"type\":\"flood\",\"date\":\"2025-01-01\"}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "type");
	free(body);
	snprintf(json, sizeof(json), "{\"type\":\"death\",\"person\":\"%s\",\"date\":\"%s\"}", dead, case_today());
	CU_ASSERT_EQUAL(req("POST", "/api/v1/events", "cw_a", json, &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "survivors_eligible.0.id"), wife);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "obligations.0.occasion"), "临终去世");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/events", "cw_a", json, &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "conflict");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "person");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/events?type=death", "cw_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);

	snprintf(path, sizeof(path), "/api/v1/obligations?person=%s&state=open", person);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "0.id"), ob);
	free(body);
	snprintf(path, sizeof(path), "/api/v1/obligations/%s", ob);
	CU_ASSERT_EQUAL(req("GET", path, "cw_a", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "state"), "open");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/obligations/%s/meet", ob);
	CU_ASSERT_EQUAL(req("POST", path, "cw_a", "{}", &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "visit");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/obligations/%s/waive", ob);
	CU_ASSERT_EQUAL(req("POST", path, "cw_b", "{\"reason\":\"x\"}", &body), 403);
	free(body);
	CU_ASSERT_EQUAL(req("POST", path, "cw_a", "{\"reason\":\"已由社区解决\"}", &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "state"), "waived");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/obligations/%s/cancel", ob);
	CU_ASSERT_EQUAL(req("POST", path, "cw_a", "{\"reason\":\"重复\"}", &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "conflict");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "state");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/obligations/3f2504e0-4f89-41d3-9a0c-0305e82c3301/cancel", "cw_a",
		"{\"reason\":\"x\"}", &body), 404);
	free(body);

	CU_ASSERT_EQUAL(req("POST", "/api/v1/obligations/generate", "cw_a", "{\"from\":\"2026-01-01\",\"through\":\"2026-12-31\"}",
		&body), 200);
	CU_ASSERT(atol(yh_t_json(body, "festival")) > 0);
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/obligations/generate", "cw_a", "{\"from\":\"2026-01-01\",\"through\":\"2026-12-31\"}",
		&body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "festival"), "0");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "birthday"), "0");
	free(body);
	CU_ASSERT_EQUAL(req("POST", "/api/v1/obligations/generate", "auditor", "{\"through\":\"2026-12-31\"}", &body), 403);
	free(body);
}

static void test_worklist_and_figures(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/due?within=14&overdue=false", "cw_a", NULL, &body), 200);
	CU_ASSERT_PTR_NOT_NULL(yh_t_json(body, "as_of"));
	CU_ASSERT(yh_t_json_len(body, "items") >= 1); /* the bereavement visit */
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/due?overdue=true", "cw_b", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, "items"), 0);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/due?unit=xiashan", "cw_a", NULL, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "unit");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/due?within=soon", "cw_a", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "within");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/visits/due", NULL, NULL, &body), 401);
	free(body);

	CU_ASSERT_EQUAL(req("GET", "/api/v1/casework/figures?from=2025-01-01&to=2025-12-31&unit=chikan", "auditor", NULL,
		&body), 200);
	CU_ASSERT_STRING_EQUAL(case_fig(body, "visits.count", NULL), "2");
	CU_ASSERT_STRING_EQUAL(case_fig(body, "visits.condolence_fen", NULL), "20000");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/casework/figures?to=2025-12-31", "auditor", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "from");
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/casework/figures/records?code=visits.by_mode.%E7%94%B5%E8%AF%9D"
		"&from=2025-01-01&to=2025-12-31", "cw_a", NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/casework/figures/records?code=nope&from=2025-01-01&to=2025-12-31", "cw_a",
		NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "code");
	free(body);
}

static const yh_t_case cases[] = {
	{ "visits: create, show, amend, list, errors", test_visits },
	{ "idempotent visit logging", test_idempotent_visit },
	{ "plans: put, patch, get, history", test_plans },
	{ "events and obligations", test_events_and_obligations },
	{ "worklist and figures", test_worklist_and_figures },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case_http");
	yh_t_server_start();
	rc = yh_t_run("case_http", cases);
	yh_t_teardown();
	return rc;
}
