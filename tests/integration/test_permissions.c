/*
 * The permission matrix, generated from ONE table: every route of the daemon
 * (walked from yh_route_tables, so a new route without a row here fails the
 * test) against every role, through HTTP, including the unit-subtree scoping:
 * the records live in chikan, so its caseworker may act and xiashan's may not.
 *
 * Columns (the letters of "expect"): admin, cw_a (caseworker of chikan),
 * cw_b (caseworker of xiashan), clerk (bureau), clerk_b (clerk of xiashan),
 * approver, auditor. 'y': allowed, must answer 2xx (or, with LAX, any answer
 * but 401/403/5xx: the operation is allowed but the record's state refuses);
 * 'n': denied, must answer 403 with error code "forbidden"; 's': the role may
 * do this, but not to a record outside its units (403, an empty scoped list,
 * or a refusal that says "your units").
 *
 * Path and body templates take the placeholders of rl_expand()
 * (reliability_util.h): {me} the role's username, {name} a record made once
 * for the run, {new:name} a fresh record for each call, so every allowed role
 * acts on a record in the right state. The subtree is also checked both ways
 * (a child unit's records reachable from its parent's staff, not the other
 * way round), and a smaller table does the same for the yinhui CLI's commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "reliability_util.h"
#include "yinhui/staff.h"

#define NROLES 7
static const char *const roles[NROLES] = { "admin", "cw_a", "cw_b", "clerk", "clerk_b", "approver", "auditor" };

#define PF_LAX 0x1u   /* allowed, but the record's state may refuse (any 4xx but 401/403) */
#define PF_FRESH 0x2u /* each role uses a token of its own for this call (it revokes it) */

typedef struct prow {
	const char *method, *pattern; /* exactly as in the route table */
	const char *path;             /* template; NULL = the pattern itself */
	const char *body;             /* JSON template, or NULL */
	const char *expect;           /* NROLES letters: y / n */
	unsigned flags;
	const char *ctype; /* NULL: application/json */
} prow;

#define CSV "text/csv"
#define YEAR "{year}"

static const prow rows[] = {
	/* ---- core ---- */
	{ "GET", "/healthz", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "GET", "/readyz", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "GET", "/metrics", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "GET", "/api/v1/openapi.json", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "POST", "/api/v1/session", NULL, "{\"username\":\"{me}\",\"password\":\"" YH_T_PASSWORD "\"}", "yyyyyyy", 0, NULL },
	{ "GET", "/api/v1/session", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "DELETE", "/api/v1/session", NULL, NULL, "yyyyyyy", PF_FRESH, NULL },
	{ "GET", "/api/v1/units", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "POST", "/api/v1/units", NULL, "{\"code\":\"u{seq}\",\"name\":\"单位{seq}\",\"parent\":\"chikan\"}", "ynnnnnn", 0, NULL },
	{ "GET", "/api/v1/staff", NULL, NULL, "ynnnnny", 0, NULL },
	{ "POST", "/api/v1/staff", NULL, "{\"username\":\"s{seq}\",\"role\":\"caseworker\",\"unit\":\"chikan\","
		"\"password\":\"pass-word-{seq}\"}", "ynnnnnn", 0, NULL },
	{ "POST", "/api/v1/staff/:username/disable", "/api/v1/staff/{new:staff}/disable", NULL, "ynnnnnn", 0, NULL },
	{ "GET", "/api/v1/audit", NULL, NULL, "ynnnnny", 0, NULL },
	{ "GET", "/api/v1/settings", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "POST", "/api/v1/settings", NULL, "{\"key\":\"obligation.grace_days\",\"value\":\"30\",\"valid_from\":\"{sday}\"}",
		"ynnnnnn", 0, NULL },

	/* ---- roster: the cadre lives in chikan ---- */
	{ "POST", "/api/v1/cadres", NULL, "{\"name\":\"新增{cn}\",\"id_number\":\"{idno}\",\"category\":\"退休\","
		"\"unit\":\"chikan\"}", "yynynnn", 0, NULL },
	{ "GET", "/api/v1/cadres", "/api/v1/cadres?unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/cadres/import", NULL, "姓名,身份证号码,类别,单位\n导入{cn},{idno},退休,chikan\n", "yysysnn", 0, CSV },
	{ "GET", "/api/v1/cadres/export", "/api/v1/cadres/export?format=csv", NULL, "yyyyyyy", 0, NULL },
	{ "GET", "/api/v1/cadres/:id", "/api/v1/cadres/{cadre}", NULL, "yynynyy", 0, NULL },
	{ "PATCH", "/api/v1/cadres/:id", "/api/v1/cadres/{cadre}", "{\"remote\":true}", "yynynnn", 0, NULL },
	{ "POST", "/api/v1/cadres/:id/transfer-out", "/api/v1/cadres/{new:cadre}/transfer-out",
		"{\"date\":\"{today}\",\"to\":\"广州\"}", "yynynnn", 0, NULL },
	{ "GET", "/api/v1/cadres/:id/survivors", "/api/v1/cadres/{cadre}/survivors", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/roster/figures", "/api/v1/roster/figures?from=2022-01-01&to=2022-12-31&unit=chikan", NULL,
		"yynynyy", 0, NULL },
	{ "GET", "/api/v1/roster/figures/:code", "/api/v1/roster/figures/roster.added?from=2022-01-01&to=2022-12-31"
		"&unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/roster/reconcile", "/api/v1/roster/reconcile?year=2022&unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/roster/year-end", NULL, "{\"year\":{new:closing_year},\"unit\":\"chikan\"}", "yynynnn", 0, NULL },

	/* ---- casework ---- */
	{ "PUT", "/api/v1/plans/:person_id", "/api/v1/plans/{cadre}", "{\"care_level\":\"失能\"}", "yynnnnn", 0, NULL },
	{ "PATCH", "/api/v1/plans/:person_id", "/api/v1/plans/{cadre}", "{\"mood\":\"好{seq}\"}", "yynnnnn", 0, NULL },
	{ "GET", "/api/v1/plans/:person_id", "/api/v1/plans/{cadre}", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/plans/:person_id/history", "/api/v1/plans/{cadre}/history", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/visits", NULL, "{\"person\":\"{cadre}\",\"visited_at\":\"2025-06-01T09:30\","
		"\"occasion\":\"日常联系\",\"mode\":\"上门\"}", "yynnnnn", 0, NULL },
	{ "GET", "/api/v1/visits", "/api/v1/visits?person={cadre}", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/visits/due", "/api/v1/visits/due?unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/visits/:id", "/api/v1/visits/{visit}", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/visits/:id/amendments", "/api/v1/visits/{visit}/amendments", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/visits/:id/amendments", "/api/v1/visits/{visit}/amendments",
		"{\"reason\":\"更正\",\"goods\":\"米{seq}\"}", "yynnnnn", 0, NULL },
	{ "POST", "/api/v1/events", NULL, "{\"type\":\"hardship\",\"person\":\"{new:cadre}\",\"date\":\"2025-06-01\"}",
		"yynnnnn", 0, NULL },
	{ "GET", "/api/v1/events", "/api/v1/events?person={cadre}", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/obligations", "/api/v1/obligations?person={cadre}", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/obligations/generate", NULL, "{\"from\":\"2026-01-01\",\"through\":\"2026-01-31\"}", "yyynnnn", 0,
		NULL },
	{ "GET", "/api/v1/obligations/:id", "/api/v1/obligations/{obligation}", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/obligations/:id/meet", "/api/v1/obligations/{new:obligation}/meet",
		"{\"visit\":\"{new:visit_of_last}\"}", "yynnnnn", 0, NULL },
	{ "POST", "/api/v1/obligations/:id/waive", "/api/v1/obligations/{new:obligation}/waive", "{\"reason\":\"社区已解决\"}",
		"yynnnnn", 0, NULL },
	{ "POST", "/api/v1/obligations/:id/cancel", "/api/v1/obligations/{new:obligation}/cancel", "{\"reason\":\"重复\"}",
		"yynnnnn", 0, NULL },
	{ "GET", "/api/v1/festival-rules", "/api/v1/festival-rules?year=2026", NULL, "yyyyyyy", 0, NULL },
	{ "POST", "/api/v1/festival-rules", NULL, "{\"code\":\"f{seq}\",\"name\":\"节日{seq}\",\"spec\":\"05-01\"}",
		"ynnnnnn", 0, NULL },
	{ "PATCH", "/api/v1/festival-rules/:code", "/api/v1/festival-rules/zhongqiu", "{\"note\":\"重大节日{seq}\"}",
		"ynnnnnn", 0, NULL },
	{ "GET", "/api/v1/casework/figures", "/api/v1/casework/figures?from=2025-01-01&to=2025-12-31&unit=chikan", NULL,
		"yynynyy", 0, NULL },
	{ "GET", "/api/v1/casework/figures/records", "/api/v1/casework/figures/records?code=visits.count&from=2025-01-01"
		"&to=2025-12-31&unit=chikan", NULL, "yynynyy", 0, NULL },

	/* ---- payments: the enrolled person lives in chikan; batches are bureau-wide ---- */
	{ "GET", "/api/v1/programmes", NULL, NULL, "ynnyyyy", 0, NULL },
	{ "POST", "/api/v1/programmes", NULL, "{\"code\":\"p{seq}\",\"name\":\"补助{seq}\",\"budget_line\":\"2080599\","
		"\"period\":\"monthly\",\"amount\":\"10.00\"}", "ynnyynn", 0, NULL },
	{ "GET", "/api/v1/programmes/:id", "/api/v1/programmes/{programme}", NULL, "ynnyyyy", 0, NULL },
	{ "POST", "/api/v1/programmes/:id/rates", "/api/v1/programmes/{programme}/rates",
		"{\"valid_from\":\"{sday}\",\"amount\":\"120.00\"}", "ynnyynn", 0, NULL },
	{ "GET", "/api/v1/enrolments", "/api/v1/enrolments?person={cadre}", NULL, "ynnysyy", 0, NULL },
	{ "POST", "/api/v1/enrolments", NULL, "{\"programme\":\"{programme}\",\"person\":\"{new:cadre}\","
		"\"start_on\":\"2021-01-01\",\"account\":\"6222020{seq}\",\"bank_name\":\"工商银行\"}", "ynnynnn", 0, NULL },
	{ "GET", "/api/v1/enrolments/:id", "/api/v1/enrolments/{enrolment}", NULL, "ynnynyy", 0, NULL },
	{ "PATCH", "/api/v1/enrolments/:id", "/api/v1/enrolments/{enrolment}", "{\"note\":\"核实{seq}\"}", "ynnynnn", 0,
		NULL },
	{ "POST", "/api/v1/enrolments/:id/end", "/api/v1/enrolments/{new:enrolment}/end",
		"{\"end_on\":\"2022-12-31\",\"reason\":\"停发\"}", "ynnynnn", 0, NULL },
	{ "POST", "/api/v1/enrolments/:id/proof-of-life", "/api/v1/enrolments/{new:enrolment}/proof-of-life",
		"{\"verified_on\":\"2022-03-01\",\"method\":\"视频\"}", "ynnynnn", 0, NULL },
	{ "GET", "/api/v1/batches", NULL, NULL, "ynnyyyy", 0, NULL },
	{ "POST", "/api/v1/batches", NULL, "{\"programme\":\"{new:enrolled_programme}\",\"period\":\"2022-03\"}", "ynnysnn",
		0, NULL },
	{ "GET", "/api/v1/batches/:id", "/api/v1/batches/{batch}", NULL, "ynnynyy", 0, NULL },
	{ "POST", "/api/v1/batches/:id/approve", "/api/v1/batches/{new:draft_batch}/approve",
		"{\"meeting_ref\":\"局务会\"}", "nnnnnyn", 0, NULL },
	{ "POST", "/api/v1/batches/:id/cancel", "/api/v1/batches/{new:draft_batch}/cancel", "{\"reason\":\"退回\"}",
		"ynnynyn", 0, NULL },
	{ "POST", "/api/v1/batches/:id/export", "/api/v1/batches/{new:approved_batch}/export", "{}", "ynnynnn", 0, NULL },
	{ "POST", "/api/v1/batches/:id/settle", "/api/v1/batches/{new:exported_batch}/settle",
		"{\"bank_ref\":\"BANK-2\",\"paid_on\":\"2022-03-25\"}", "ynnynnn", 0, NULL },
	{ "POST", "/api/v1/batches/:id/result", "/api/v1/batches/{new:exported_batch}/result",
		"业务流水号,状态,原因,银行流水号\n{last_line},成功,,BANK-3\n", "ynnynnn", 0, CSV },
	{ "POST", "/api/v1/batches/:id/reissue", "/api/v1/batches/{new:failed_batch}/reissue", "{}", "ynnynnn", 0, NULL },
	{ "GET", "/api/v1/payments/figures", "/api/v1/payments/figures?from=2022-01-01&to=2022-12-31", NULL, "yyyyyyy", 0,
		NULL },
	{ "POST", "/api/v1/payments/:ref/reverse", "/api/v1/payments/{new:paid_line}/reverse",
		"{\"reason\":\"重复发放\",\"amount\":\"1.00\"}", "ynnynnn", 0, NULL },
	{ "GET", "/api/v1/branches", NULL, NULL, "ynnyyyy", 0, NULL },
	{ "POST", "/api/v1/branches", NULL, "{\"name\":\"支部{seq}\",\"type\":\"支部\",\"unit\":\"chikan\"}", "ynnynnn", 0,
		NULL },
	{ "GET", "/api/v1/branches/allowance", "/api/v1/branches/allowance?programme={allowance_programme}&year=2022", NULL,
		"ynnyyyy", 0, NULL },
	{ "GET", "/api/v1/branches/:id", "/api/v1/branches/{branch}", NULL, "ynnynyy", 0, NULL },
	{ "PATCH", "/api/v1/branches/:id", "/api/v1/branches/{branch}", "{\"member_count\":{seq}}", "ynnynnn", 0, NULL },
	{ "POST", "/api/v1/branches/:id/posts", "/api/v1/branches/{branch}/posts",
		"{\"person\":\"{new:cadre}\",\"post\":\"委员\",\"from_on\":\"2022-07-01\"}", "ynnynnn", 0, NULL },
	{ "POST", "/api/v1/branch-posts/:id/end", "/api/v1/branch-posts/{new:branch_post}/end", "{\"to_on\":\"2022-12-31\"}",
		"ynnynnn", 0, NULL },

	/* ---- evaluation: chikan's budget and activities, the bureau's evaluation ---- */
	{ "GET", "/api/v1/budget-items", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "POST", "/api/v1/budget/import", NULL, "year,unit,item,amount\n2022,chikan,procurement_budget,{seq}.00\n",
		"ynnynyn", 0, CSV },
	{ "PUT", "/api/v1/budget/:year", "/api/v1/budget/2022",
		"{\"unit\":\"chikan\",\"item\":\"procurement_budget\",\"yuan\":\"{seq}.00\"}", "ynnynyn", 0, NULL },
	{ "GET", "/api/v1/budget/:year", "/api/v1/budget/2022?unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "GET", "/api/v1/budget/:year/figures", "/api/v1/budget/2022/figures?unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "DELETE", "/api/v1/budget/:year/:item", "/api/v1/budget/2022/{new:budget_item}?unit=chikan", NULL, "ynnynyn", 0,
		NULL },
	{ "GET", "/api/v1/activity-types", NULL, NULL, "yyyyyyy", 0, NULL },
	{ "GET", "/api/v1/activities", "/api/v1/activities?year=2022&unit=chikan", NULL, "yynynyy", 0, NULL },
	{ "POST", "/api/v1/activities", NULL, "{\"type\":\"study_session\",\"title\":\"学习会{seq}\","
		"\"held_on\":\"2022-06-01\",\"unit\":\"chikan\"}", "ynnynyn", 0, NULL },
	{ "GET", "/api/v1/activities/:id", "/api/v1/activities/{activity}", NULL, "yynynyy", 0, NULL },
	{ "PATCH", "/api/v1/activities/:id", "/api/v1/activities/{activity}", "{\"participants\":{seq}}", "ynnynyn", 0,
		NULL },
	{ "DELETE", "/api/v1/activities/:id", "/api/v1/activities/{new:activity}", NULL, "ynnynyn", 0, NULL },
	{ "GET", "/api/v1/evaluations/:year", "/api/v1/evaluations/" YEAR "?unit=bureau", NULL, "ynnyny y", 0, NULL },
	{ "POST", "/api/v1/evaluations/:year/finalise", "/api/v1/evaluations/{new:year}/finalise", "{\"unit\":\"bureau\"}",
		"ynnnnyn", 0, NULL },
	{ "POST", "/api/v1/evaluations/:year/reopen", "/api/v1/evaluations/{new:final_year}/reopen",
		"{\"unit\":\"bureau\",\"reason\":\"数据更正\"}", "ynnnnyn", 0, NULL },
	{ "GET", "/api/v1/evaluations/:year/diff", "/api/v1/evaluations/{final_year}/diff?unit=bureau", NULL, "ynnyny y", 0,
		NULL },
	{ "GET", "/api/v1/evaluations/:year/explain/:code", "/api/v1/evaluations/" YEAR
		"/explain/budget.public_funds_control_rate?unit=bureau", NULL, "ynnyny y", 0, NULL },
	{ "GET", "/api/v1/evaluations/:year/reconciliation", "/api/v1/evaluations/" YEAR "/reconciliation?unit=bureau", NULL,
		"ynnyny y", 0, NULL },
	{ "POST", "/api/v1/evaluations/:year/reconciliation", "/api/v1/evaluations/" YEAR "/reconciliation",
		"{\"unit\":\"bureau\",\"category\":\"退休\",\"rank\":\"副处级\",\"explanation\":\"漏报\"}", "ynnynyn", PF_LAX,
		NULL },
	{ "PUT", "/api/v1/evaluations/:year/texts/:section", "/api/v1/evaluations/" YEAR "/texts/functions",
		"{\"unit\":\"bureau\",\"body\":\"职能{seq}\"}", "ynnynyn", 0, NULL },
	{ "POST", "/api/v1/evaluations/:year/template", "/api/v1/evaluations/{new:bare_year}/template",
		"{\"template\":\"department\"}", "ynnyyyn", 0, NULL },
	{ "POST", "/api/v1/evaluations/:year/copy", "/api/v1/evaluations/" YEAR "/copy", "{\"to\":\"{new:bare_year}\"}",
		"ynnyyyn", 0, NULL },
	{ "GET", "/api/v1/evaluations/:year/indicators", "/api/v1/evaluations/" YEAR "/indicators", NULL, "yyyyyyy", 0,
		NULL },
	{ "POST", "/api/v1/evaluations/:year/indicators", "/api/v1/evaluations/" YEAR "/indicators",
		"{\"code\":\"D5.3.{seq}\",\"parent\":\"D5.3\",\"name\":\"座谈会\",\"class\":\"预算使用效益\",\"points\":\"1\","
		"\"rule\":\"qualitative\",\"source\":\"manual\"}", "ynnyyyn", 0, NULL },
	{ "PATCH", "/api/v1/evaluations/:year/indicators/:code", "/api/v1/evaluations/" YEAR "/indicators/D5.3.3",
		"{\"name\":\"专题学习研讨会{seq}\"}", "ynnyyyn", 0, NULL },
	{ "DELETE", "/api/v1/evaluations/:year/indicators/:code", "/api/v1/evaluations/" YEAR "/indicators/{new:indicator}",
		NULL, "ynnyyyn", 0, NULL },
	{ "PUT", "/api/v1/evaluations/:year/indicators/:code/entry", "/api/v1/evaluations/" YEAR
		"/indicators/D5.2.1/entry", "{\"unit\":\"bureau\",\"manual_value\":\"93.8\",\"evidence\":\"考核通报\"}",
		"ynnynyn", 0, NULL },
	{ "PUT", "/api/v1/evaluations/:year/indicators/:code/override", "/api/v1/evaluations/" YEAR
		"/indicators/D2.1.3/override", "{\"unit\":\"bureau\",\"points\":\"4\",\"justification\":\"采购延期\"}",
		"ynnynyn", 0, NULL },
	{ "POST", "/api/v1/demo", NULL, "{}", "ynnnnnn", PF_LAX, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

/* ---- the HTTP matrix ---- */

static long checks, allowed_ok, denied_ok, scoped_ok;

/*
 * 's': the role may do this in general, but the record is outside its units:
 * 403, or an empty list (a scoped search), or a refusal that says so (a bulk
 * import names the row, a batch finds nobody due "in your units").
 */
static int scoped_out(long st, const char *body)
{
	const char *msg = yh_t_json(body, "error.message");

	if (st == 403)
		return 1;
	if (st >= 200 && st < 300)
		return yh_t_json_len(body, "") == 0 || yh_t_json_len(body, "items") == 0;
	return st >= 400 && st < 500 && st != 401 && msg != NULL && strstr(msg, "your unit") != NULL;
}
static char report[8192];

static void note(const char *method, const char *path, const char *me, const char *want, long st, const char *body)
{
	size_t len = strlen(report);

	if (len < sizeof(report) - 400)
		snprintf(report + len, sizeof(report) - len, "%s %s as %s: want %s, got %ld %.200s\n", method, path, me, want,
			st, body ? body : "");
}

static const prow *row_for(const yh_route *rt)
{
	for (const prow *r = rows; r->method; r++)
		if (strcmp(r->method, rt->method) == 0 && strcmp(r->pattern, rt->pattern) == 0)
			return r;
	return NULL;
}

static int route_exists(const prow *r)
{
	for (int t = 0; yh_route_tables[t]; t++)
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++)
			if (strcmp(r->method, rt->method) == 0 && strcmp(r->pattern, rt->pattern) == 0)
				return 1;
	return 0;
}

/* Every route has exactly one row, and every row names a route. */
static void test_table_covers_routes(void)
{
	int missing = 0;

	for (int t = 0; yh_route_tables[t]; t++)
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++)
			if (row_for(rt) == NULL) {
				fprintf(stderr, "route %s %s has no permission expectation\n", rt->method, rt->pattern);
				missing++;
			}
	CU_ASSERT_EQUAL(missing, 0);
	for (const prow *r = rows; r->method; r++) {
		int len = 0;
		for (const char *e = r->expect; *e; e++)
			len += *e == 'y' || *e == 'n' || *e == 's';
		if (!route_exists(r)) {
			fprintf(stderr, "permission row %s %s names no route\n", r->method, r->pattern);
			CU_FAIL("a permission row names no route");
		}
		if (len != NROLES) {
			fprintf(stderr, "permission row %s %s: expect needs %d letters\n", r->method, r->pattern, NROLES);
			CU_FAIL("malformed expect");
		}
	}
}

/* The i-th role letter of a row (spaces in the string are for reading only). */
static char letter(const prow *r, int i)
{
	int k = 0;

	for (const char *e = r->expect; *e; e++) {
		if (*e != 'y' && *e != 'n' && *e != 's')
			continue;
		if (k++ == i)
			return *e;
	}
	return '?';
}

static void run_one(const prow *r, int role)
{
	char path[1024], body[2048], *resp = NULL, fresh[96];
	const char *me = roles[role], *tok = yh_t_token(me);
	char want = letter(r, role);
	long st;

	if (rl_expand(path, sizeof(path), r->path ? r->path : r->pattern, me) != 0 ||
	    (r->body && rl_expand(body, sizeof(body), r->body, me) != 0)) {
		CU_FAIL("placeholder");
		return;
	}
	if (r->flags & PF_FRESH) {
		char *json = NULL;
		yh_err err;
		yh_err_clear(&err);
		if (yh_session_login(T.db, me, YH_T_PASSWORD, "127.0.0.1", fresh, sizeof(fresh), &json, &err) != 0)
			CU_FAIL("fresh login");
		free(json);
		tok = fresh;
	}
	st = rl_http(r->method, path, tok, r->ctype, r->body ? body : NULL, NULL, &resp);
	checks++;
	if (want == 'n') {
		if (st == 403 && strcmp(rl_error_code(resp), "forbidden") == 0)
			denied_ok++;
		else
			note(r->method, path, me, "403", st, resp);
	} else if (want == 's') {
		if (scoped_out(st, resp))
			scoped_ok++;
		else
			note(r->method, path, me, "scoped out", st, resp);
	} else if (st >= 200 && st < 300) {
		allowed_ok++;
	} else if ((r->flags & PF_LAX) && st >= 400 && st < 500 && st != 401 && st != 403) {
		allowed_ok++;
	} else {
		note(r->method, path, me, "2xx", st, resp);
	}
	free(resp);
}

static void test_http_matrix(void)
{
	for (const prow *r = rows; r->method; r++) {
		/* the denied first: an allowed call may change the record they are refused */
		for (int i = 0; i < NROLES; i++)
			if (letter(r, i) != 'y')
				run_one(r, i);
		for (int i = 0; i < NROLES; i++)
			if (letter(r, i) == 'y')
				run_one(r, i);
	}
	if (report[0])
		fprintf(stderr, "permission mismatches:\n%s", report);
	CU_ASSERT_EQUAL(checks, allowed_ok + denied_ok + scoped_ok);
	printf("\npermission matrix: %d routes x %d roles = %ld checks: %ld allowed, %ld denied (403), %ld scoped out\n",
		(int)(sizeof(rows) / sizeof(rows[0])) - 1, NROLES, checks, allowed_ok, denied_ok, scoped_ok);
}

/* Without a token every route but the public ones answers 401. */
static void test_unauthenticated(void)
{
	int n = 0, bad = 0;

	for (int t = 0; yh_route_tables[t]; t++)
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++) {
			char path[512], *resp = NULL;
			size_t o = 0;
			long st;
			if (rt->flags & YH_ROUTE_PUBLIC)
				continue;
			for (const char *p = rt->pattern; *p && o + 40 < sizeof(path); p++) {
				if (*p == ':') {
					o += (size_t)snprintf(path + o, sizeof(path) - o, "00000000-0000-4000-8000-000000000000");
					while (p[1] && p[1] != '/')
						p++;
				} else {
					path[o++] = *p;
				}
			}
			path[o] = '\0';
			st = rl_http(rt->method, path, NULL, NULL, strcmp(rt->method, "GET") ? "{}" : NULL, NULL, &resp);
			n++;
			if (st != 401 || strcmp(rl_error_code(resp), "unauthorized") != 0) {
				fprintf(stderr, "%s %s without a token: %ld %.200s\n", rt->method, path, st, resp ? resp : "");
				bad++;
			}
			free(resp);
		}
	CU_ASSERT_EQUAL(bad, 0);
	printf("unauthenticated: %d routes answered 401\n", n);
}

/*
 * ---- the unit subtree, both ways ----
 * chikan-east is a child of chikan: chikan's staff reach its records, its
 * own caseworker (cw_east) reaches them too, but not chikan's own records,
 * and xiashan's staff reach neither.
 */
static const struct {
	const char *method, *path, *body, *user;
	char want; /* y 2xx, n 403 */
} subtree[] = {
	{ "GET", "/api/v1/cadres/{east_cadre}", NULL, "cw_a", 'y' },
	{ "GET", "/api/v1/cadres/{east_cadre}", NULL, "cw_east", 'y' },
	{ "GET", "/api/v1/cadres/{east_cadre}", NULL, "cw_b", 'n' },
	{ "GET", "/api/v1/cadres/{cadre}", NULL, "cw_east", 'n' },
	{ "PATCH", "/api/v1/cadres/{east_cadre}", "{\"remote\":true}", "cw_a", 'y' },
	{ "PATCH", "/api/v1/cadres/{cadre}", "{\"remote\":true}", "cw_east", 'n' },
	{ "POST", "/api/v1/visits", "{\"person\":\"{east_cadre}\",\"visited_at\":\"2025-06-01T09:30\","
		"\"occasion\":\"日常联系\",\"mode\":\"上门\"}", "cw_a", 'y' },
	{ "POST", "/api/v1/visits", "{\"person\":\"{east_cadre}\",\"visited_at\":\"2025-06-01T09:30\","
		"\"occasion\":\"日常联系\",\"mode\":\"上门\"}", "cw_east", 'y' },
	{ "POST", "/api/v1/visits", "{\"person\":\"{cadre}\",\"visited_at\":\"2025-06-01T09:30\","
		"\"occasion\":\"日常联系\",\"mode\":\"上门\"}", "cw_east", 'n' },
	{ "GET", "/api/v1/enrolments/{east_enrolment}", NULL, "clerk_a", 'y' },
	{ "GET", "/api/v1/enrolments/{east_enrolment}", NULL, "clerk_b", 'n' },
	{ "GET", "/api/v1/cadres?unit=chikan-east", NULL, "cw_a", 'y' },
	{ "GET", "/api/v1/cadres?unit=chikan", NULL, "cw_east", 'n' },
	{ NULL, NULL, NULL, NULL, 0 }
};

static void test_subtree(void)
{
	int n = 0, ok = 0;

	for (int i = 0; subtree[i].method; i++) {
		char path[512], body[1024], *resp = NULL;
		long st;
		if (rl_expand(path, sizeof(path), subtree[i].path, subtree[i].user) != 0 ||
		    (subtree[i].body && rl_expand(body, sizeof(body), subtree[i].body, subtree[i].user) != 0)) {
			CU_FAIL("placeholder");
			continue;
		}
		st = rl_http(subtree[i].method, path, yh_t_token(subtree[i].user), NULL, subtree[i].body ? body : NULL, NULL,
			&resp);
		n++;
		if (subtree[i].want == 'y' ? st >= 200 && st < 300 : st == 403)
			ok++;
		else
			fprintf(stderr, "%s %s as %s: want %s, got %ld %.200s\n", subtree[i].method, path, subtree[i].user,
				subtree[i].want == 'y' ? "2xx" : "403", st, resp ? resp : "");
		free(resp);
	}
	CU_ASSERT_EQUAL(n, ok);
	printf("unit subtree: %d checks down and across the tree, %d as expected\n", n, ok);
}

/* ---- the CLI: the same operations through yinhui, for the roles that matter ---- */

typedef struct crow {
	const char *args;   /* template, as for the HTTP rows */
	const char *expect; /* NROLES letters: y exit 0, n exit 5 (forbidden) */
} crow;

static const crow cli_rows[] = {
	{ "unit add --code cu{seq} --name 单位{seq} --parent chikan", "ynnnnnn" },
	{ "user list", "ynnnnny" },
	{ "audit list", "ynnnnny" },
	{ "cadre show {cadre}", "yynynyy" },
	{ "cadre add --name 命令{cn} --id-number {idno} --category 退休 --unit chikan", "yynynnn" },
	{ "visit add --person {cadre} --visited-at 2025-06-02T10:00 --occasion 日常联系 --mode 电话", "yynnnnn" },
	{ "obligation waive {new:obligation} --reason 已解决", "yynnnnn" },
	{ "festival list", "yyyyyyy" },
	{ "festival set chongyang --note 老年节{seq}", "ynnnnnn" },
	{ "programme list", "ynnyyyy" },
	{ "batch approve --batch {new:draft_batch} --meeting-ref 局务会", "nnnnnyn" },
	{ "batch cancel --batch {new:draft_batch} --reason 退回", "ynnynyn" },
	{ "evaluation finalise {new:year} --unit bureau", "ynnnnyn" },
	{ "activity delete {new:activity}", "ynnynyn" },
	{ NULL, NULL }
};

static void test_cli_matrix(void)
{
	long n = 0, ok = 0;

	for (const crow *r = cli_rows; r->args; r++)
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < NROLES; i++) {
				char args[1024], out[4096];
				char want = r->expect[i];
				int st;
				if ((pass == 0) != (want == 'n'))
					continue;
				if (rl_expand(args, sizeof(args), r->args, roles[i]) != 0) {
					CU_FAIL("placeholder");
					continue;
				}
				st = rl_cli_run(yh_t_token(roles[i]), args, out, sizeof(out));
				n++;
				if ((want == 'y' && st == 0) || (want == 'n' && st == 5))
					ok++;
				else
					fprintf(stderr, "yinhui %s as %s: want exit %d, got %d: %.200s\n", args, roles[i],
						want == 'y' ? 0 : 5, st, out);
			}
	CU_ASSERT_EQUAL(n, ok);
	printf("CLI permission matrix: %d commands, %ld checks, %ld as expected\n",
		(int)(sizeof(cli_rows) / sizeof(cli_rows[0])) - 1, n, ok);
}

static const yh_t_case cases[] = {
	{ "every route has a row", test_table_covers_routes },
	{ "HTTP: every role against every route", test_http_matrix },
	{ "HTTP: no token, no access", test_unauthenticated },
	{ "HTTP: the unit subtree, down and not up", test_subtree },
	{ "CLI: the same operations through yinhui", test_cli_matrix },
	{ NULL, NULL }
};

int main(void)
{
	yh_fields *f;
	char *out = NULL;
	yh_err err;
	int rc;

	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("permissions");
	yh_err_clear(&err);
	{
		/* two more actors: a clerk of another unit, a caseworker of a child unit */
		const char *extra[][3] = { { "clerk_b", "clerk", "xiashan" }, { "cw_east", "caseworker", "chikan-east" } };
		for (int i = 0; i < 2; i++) {
			f = yh_t_fields("username", extra[i][0], "role", extra[i][1], "unit", extra[i][2], NULL);
			if (yh_staff_add(T.db, &T.admin, f, YH_T_PASSWORD, &out, &err) != 0) {
				fprintf(stderr, "%s: %s\n", extra[i][0], err.msg);
				return 1;
			}
			free(out);
			yh_fields_free(f);
		}
	}
	yh_t_server_start();
	rc = yh_t_run("permissions", cases);
	yh_t_teardown();
	return rc;
}
