/*
 * Festival rules: the list with each rule's date in a year, adding and
 * changing rules (every bad field named, a duplicate code a conflict, admin
 * only, audited, nothing written when refused), the HTTP routes, the yinhui
 * festival commands, and obligation generation honouring an added rule and
 * ignoring a deactivated one while leaving obligations already generated
 * as they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_util.h"
#include "reliability_util.h"
#include "yinhui/calendar.h"
#include "yinhui/festival.h"

static char cli_out[65536];

/* Everything a refused change must leave alone: the rules as JSON and the audit rows. */
static const char *snapshot(void)
{
	return case_q("SELECT md5(coalesce(json_agg(r ORDER BY r.id)::text, '')) || ':'"
		" || (SELECT count(*) FROM yh.audit_log) FROM yh.festival_rule r", 0, NULL);
}

static int call_add(const yh_actor *a, yh_fields *f, char **out, yh_err *err)
{
	int rc;

	yh_err_clear(err);
	rc = yh_festival_rule_add(T.db, a, f, out, err);
	yh_fields_free(f);
	return rc;
}

static int call_set(const yh_actor *a, const char *code, yh_fields *f, char **out, yh_err *err)
{
	int rc;

	yh_err_clear(err);
	rc = yh_festival_rule_update(T.db, a, code, f, out, err);
	yh_fields_free(f);
	return rc;
}

/* The list for year (NULL: this year) as the actor sees it; caller frees. */
static char *list(const yh_actor *a, const char *year)
{
	yh_fields *q = year ? yh_t_fields("year", year, NULL) : yh_t_fields(NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (yh_festival_rule_list(T.db, a, q, &out, &err) != 0)
		fprintf(stderr, "list: %s %s\n", err.field, err.msg);
	yh_fields_free(q);
	return out;
}

/* Index of code in a list, or -1. */
static int find(const char *json, const char *code)
{
	char path[16];

	for (int i = 0; i < yh_t_json_len(json, ""); i++) {
		snprintf(path, sizeof(path), "%d.code", i);
		if (strcmp(yh_t_json(json, path), code) == 0)
			return i;
	}
	return -1;
}

/* Member key of rule code in a list ("" when absent or null). */
static const char *member(const char *json, const char *code, const char *key)
{
	char path[64];
	const char *v;

	snprintf(path, sizeof(path), "%d.%s", find(json, code), key);
	v = yh_t_json(json, path);
	return v ? v : "";
}

static void test_list(void)
{
	char *out = list(&T.auditor, "2025");
	yh_err err;
	yh_fields *q;

	CU_ASSERT_EQUAL_FATAL(yh_t_json_len(out, ""), 5);
	/* by code, each with the day it falls on in the year asked */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.code"), "chongyang");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "1.code"), "chunjie");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "4.code"), "zhongqiu");
	CU_ASSERT_STRING_EQUAL(member(out, "chongyang", "date"), "2025-10-29");
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "date"), "2025-01-29");
	CU_ASSERT_STRING_EQUAL(member(out, "zhongqiu", "date"), "2025-10-06");
	CU_ASSERT_STRING_EQUAL(member(out, "qiyi", "date"), "2025-07-01");
	CU_ASSERT_STRING_EQUAL(member(out, "qiyi", "year"), "2025");
	CU_ASSERT_STRING_EQUAL(member(out, "qiyi", "categories"), "[\"离休\",\"企业离休\"]");
	CU_ASSERT_STRING_EQUAL(member(out, "qiyi", "party_members_only"), "true");
	CU_ASSERT_STRING_EQUAL(member(out, "yuandan", "categories"), "[]");
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "categories"), ""); /* null: every cadre */
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "survivors"), "true");
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "window_days"), "14");
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "active"), "true");
	free(out);
	out = list(&T.cw_b, "2026");
	CU_ASSERT_STRING_EQUAL(member(out, "chunjie", "date"), "2026-02-17");
	free(out);
	/* this year by default */
	out = list(&T.cw_a, NULL);
	CU_ASSERT_STRING_EQUAL(member(out, "qiyi", "year"), case_q("SELECT to_char(yh.today(), 'YYYY')", 0, NULL));
	free(out);
	/* a year outside the lunar table, or not a number, is refused naming it */
	static const char *const bad[] = { "1800", "2100", "20x5", "-3", NULL };
	for (int i = 0; bad[i]; i++) {
		out = NULL;
		q = yh_t_fields("year", bad[i], NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_festival_rule_list(T.db, &T.cw_a, q, &out, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "year");
		CU_ASSERT_PTR_NULL(out);
		yh_fields_free(q);
	}
}

static void test_add(void)
{
	char *out = NULL;
	yh_err err;
	char this_year[8];

	snprintf(this_year, sizeof(this_year), "%s", case_q("SELECT to_char(yh.today(), 'YYYY')", 0, NULL));
	CU_ASSERT_EQUAL_FATAL(call_add(&T.admin, yh_t_fields("code", "guoqing", "name", "国庆节", "spec", "guoqing",
				      "categories", "[\"离休\",\"企业离休\"]", "window_days", "7", "note", "国庆走访", NULL),
				      &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "code"), "guoqing");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "categories"), "[\"离休\",\"企业离休\"]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "window_days"), "7");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "survivors"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "party_members_only"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "active"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "year"), this_year);
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, "date"), "-10-01"));
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'festival_rule.add'"
				   " AND entity = 'festival_rule' AND entity_id = 'guoqing' AND actor_name = 'admin'"
				   " AND before IS NULL AND after->>'window_days' = '7'"), 1);
	/* a built-in festival needs only its code; a lunar day, switched off, with no cadres but survivors */
	CU_ASSERT_EQUAL(call_add(&T.admin, yh_t_fields("code", "bayi", NULL), &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "name"), "建军节");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "spec"), "bayi");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "window_days"), "14");
	free(out);
	CU_ASSERT_EQUAL(call_add(&T.admin, yh_t_fields("code", "laonian-2", "name", "敬老日", "spec", "L:09-09",
				 "categories", "[]", "survivors", "true", "active", "false", "window_days", "0", NULL),
				&out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "categories"), "[]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "survivors"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "active"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "window_days"), "0");
	free(out);
	/* 腊八 of the lunar year that starts in 2025 falls in January 2026 */
	CU_ASSERT_EQUAL(call_add(&T.admin, yh_t_fields("code", "laba", "name", "腊八节", "spec", "L:12-08",
				 "active", "false", NULL), &out, &err), 0);
	free(out);
	/* the lunar rule falls on 重阳 */
	out = list(&T.cw_a, "2025");
	CU_ASSERT_STRING_EQUAL(member(out, "laonian-2", "date"), "2025-10-29");
	CU_ASSERT_STRING_EQUAL(member(out, "laba", "date"), "2026-01-26");
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 9);
	free(out);
}

static void test_add_refused(void)
{
	static const struct {
		const char *k1, *v1, *k2, *v2, *field;
	} cases[] = {
		{ "code", "Guoqing", "spec", "10-01", "code" },
		{ "code", "_x", "spec", "10-01", "code" },
		{ "code", "a b", "spec", "10-01", "code" },
		{ "code", "", "spec", "10-01", "code" },
		{ "code", "x12345678901234567890123456789012345678901", "spec", "10-01", "code" },
		{ "name", "某节", "spec", "10-01", "code" },          /* no code */
		{ "code", "jiandang", "name", "建党", "spec" },       /* no spec, not a built-in code */
		{ "code", "jiandang", "spec", "07-01", "name" },      /* no name, not a built-in code */
		{ "code", "jd", "spec", "13-01", "spec" },
		{ "code", "jd", "spec", "02-30", "spec" },
		{ "code", "jd", "spec", "L:13-01", "spec" },
		{ "code", "jd", "spec", "guoqin", "spec" },
		{ "code", "jd", "spec", "", "spec" },
		{ "code", "jd", "categories", "[\"离休\",\"干部\"]", "categories" },
		{ "code", "jd", "categories", "[\"离休\",\"离休\"]", "categories" },
		{ "code", "jd", "window_days", "91", "window_days" },
		{ "code", "jd", "window_days", "-1", "window_days" },
		{ "code", "jd", "window_days", "seven", "window_days" },
		{ "code", "jd", "survivors", "maybe", "survivors" },
		{ "code", "jd", "party_members_only", "null", "party_members_only" },
		{ "code", "jd", "active", "2", "active" },
		{ "code", "jd", "name", "", "name" },
		{ "code", "jd", "name", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "name" },
		{ "code", "jd", "colour", "red", "colour" },
		{ NULL, NULL, NULL, NULL, NULL }
	};
	const char *before = snapshot();
	char *out = NULL;
	yh_err err;

	for (int i = 0; cases[i].k1; i++) {
		/* each case is otherwise complete, so only the named field can be at fault */
		yh_fields *f = yh_t_fields(cases[i].k1, cases[i].v1, cases[i].k2, cases[i].v2, NULL);
		static const char *const fill[][2] = { { "name", "某节" }, { "spec", "10-01" } };

		for (size_t k = 0; k < 2; k++)
			if (strcmp(cases[i].k1, fill[k][0]) && strcmp(cases[i].k2, fill[k][0]) &&
			    strcmp(cases[i].field, fill[k][0]))
				yh_fields_set(f, fill[k][0], fill[k][1], YH_FV_STRING, NULL);
		CU_ASSERT_EQUAL(call_add(&T.admin, f, &out, &err), YH_EINVAL);
		if (strcmp(err.field, cases[i].field) != 0)
			fprintf(stderr, "case %d: field %s (%s), expected %s\n", i, err.field, err.msg, cases[i].field);
		CU_ASSERT_STRING_EQUAL(err.field, cases[i].field);
		CU_ASSERT_PTR_NULL(out);
	}
	/* the calendar's own message, naming the field */
	CU_ASSERT_EQUAL(call_add(&T.admin, yh_t_fields("code", "jd", "name", "节", "spec", "7/1", NULL), &out, &err),
		YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "spec");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "MM-DD"));
	/* a duplicate code */
	CU_ASSERT_EQUAL(call_add(&T.admin, yh_t_fields("code", "chunjie", "name", "春节", "spec", "chunjie", NULL),
				&out, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "code");
	CU_ASSERT_PTR_NULL(out);
	/* only an admin; each refused before anything is read or written */
	{
		const yh_actor *who[] = { &T.cw_a, &T.clerk, &T.approver, &T.auditor };
		for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
			CU_ASSERT_EQUAL(call_add(who[i], yh_t_fields("code", "jd", "name", "建党", "spec", "07-01", NULL),
						&out, &err), YH_EFORBIDDEN);
			CU_ASSERT_PTR_NULL(out);
		}
	}
	CU_ASSERT_STRING_EQUAL(snapshot(), before);
}

static void test_update(void)
{
	char *out = NULL, *l;
	yh_err err;
	const char *before;

	/* only the fields given change */
	CU_ASSERT_EQUAL_FATAL(call_set(&T.admin, "qiyi", yh_t_fields("note", "离休党员七一走访", NULL), &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "note"), "离休党员七一走访");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "name"), "七一建党节");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "party_members_only"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "categories"), "[\"离休\",\"企业离休\"]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "window_days"), "14");
	free(out);
	CU_ASSERT_EQUAL(call_set(&T.admin, "qiyi", yh_t_fields("categories", "null", "window_days", "30", NULL), &out,
				&err), 0);
	CU_ASSERT_PTR_NULL(yh_t_json(out, "categories")); /* every cadre */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "window_days"), "30");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "note"), "离休党员七一走访");
	free(out);
	/* deactivated, it is still listed */
	CU_ASSERT_EQUAL(call_set(&T.admin, "yuandan", yh_t_fields("active", "false", NULL), &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "active"), "false");
	free(out);
	l = list(&T.cw_a, "2025");
	CU_ASSERT_STRING_EQUAL(member(l, "yuandan", "active"), "false");
	CU_ASSERT_STRING_EQUAL(member(l, "yuandan", "date"), "2025-01-01");
	free(l);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'festival_rule.update'"
				   " AND entity_id = 'yuandan' AND before->>'active' = 'true' AND after->>'active' = 'false'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'festival_rule.update'"
				   " AND entity_id = 'qiyi' AND actor_name = 'admin'"), 2);
	/* and back on */
	CU_ASSERT_EQUAL(call_set(&T.admin, "yuandan", yh_t_fields("active", "true", NULL), &out, &err), 0);
	free(out);

	before = snapshot();
	{
		static const struct {
			const char *code, *key, *value, *field;
			int rc;
		} cases[] = {
			{ "qiyi", "spec", "07-32", "spec", YH_EINVAL },
			{ "qiyi", "spec", "null", "spec", YH_EINVAL },
			{ "qiyi", "name", "", "name", YH_EINVAL },
			{ "qiyi", "name", "null", "name", YH_EINVAL },
			{ "qiyi", "window_days", "100", "window_days", YH_EINVAL },
			{ "qiyi", "active", "null", "active", YH_EINVAL },
			{ "qiyi", "categories", "[\"老干部\"]", "categories", YH_EINVAL },
			{ "qiyi", "code", "qiyi2", "code", YH_EINVAL },
			{ "qiyi", "colour", "red", "colour", YH_EINVAL },
			{ "nosuch", "note", "x", "code", YH_ENOTFOUND },
			{ NULL, NULL, NULL, NULL, 0 }
		};
		for (int i = 0; cases[i].code; i++) {
			CU_ASSERT_EQUAL(call_set(&T.admin, cases[i].code, yh_t_fields(cases[i].key, cases[i].value, NULL),
						&out, &err), cases[i].rc);
			CU_ASSERT_STRING_EQUAL(err.field, cases[i].field);
			CU_ASSERT_PTR_NULL(out);
		}
	}
	CU_ASSERT_EQUAL(call_set(&T.admin, "qiyi", yh_t_fields(NULL), &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(call_set(&T.cw_a, "qiyi", yh_t_fields("active", "false", NULL), &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(call_set(&T.auditor, "qiyi", yh_t_fields("active", "false", NULL), &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(call_set(&T.clerk, "nosuch", yh_t_fields("active", "false", NULL), &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_STRING_EQUAL(snapshot(), before);
}

static long obligations(const char *person, const char *source, const char *year)
{
	const char *p[3] = { person, source, year };

	return case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.source = $2 AND extract(year FROM o.due_on) = $3::int", 3, p);
}

static int generate(const char *from, const char *through)
{
	yh_fields *f = yh_t_fields("from", from, "through", through, NULL);
	char *out = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_obligation_generate(T.db, &T.cw_a, f, &out, &err);
	free(out);
	yh_fields_free(f);
	return rc;
}

static void test_generation(void)
{
	const char *lx = case_cadre("chikan", "节日离休", "1930-03-01", "离休");
	const char *tx = case_cadre("chikan", "节日退休", "1950-03-01", "退休");
	char *out = NULL;
	yh_err err;

	/* a rule added for 离休 only, visits counting from 5 days before */
	CU_ASSERT_EQUAL_FATAL(call_add(&T.admin, yh_t_fields("code", "guoqing-lx", "name", "国庆节", "spec", "10-01",
					      "categories", "[\"离休\"]", "window_days", "5", NULL), &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL_FATAL(generate("2027-01-01", "2027-12-31"), 0);
	CU_ASSERT_EQUAL(obligations(lx, "festival:guoqing-lx", "2027"), 1);
	CU_ASSERT_EQUAL(obligations(tx, "festival:guoqing-lx", "2027"), 0);
	{
		const char *p[1] = { lx };
		CU_ASSERT_STRING_EQUAL(case_q("SELECT o.window_start || ' ' || o.due_on || ' ' || o.title"
			" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:guoqing-lx'", 1, p), "2027-09-26 2027-10-01 国庆节 2027");
	}
	CU_ASSERT_EQUAL(obligations(tx, "festival:zhongqiu", "2027"), 1);
	CU_ASSERT_EQUAL(obligations(lx, "festival:chongyang", "2027"), 1);
	/* deactivate one rule, widen another's window: only later generations see it */
	CU_ASSERT_EQUAL(call_set(&T.admin, "zhongqiu", yh_t_fields("active", "false", NULL), &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(call_set(&T.admin, "guoqing-lx", yh_t_fields("window_days", "10", "categories", "null", NULL),
				&out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL_FATAL(generate("2028-01-01", "2028-12-31"), 0);
	CU_ASSERT_EQUAL(obligations(tx, "festival:zhongqiu", "2028"), 0);
	CU_ASSERT_EQUAL(obligations(lx, "festival:zhongqiu", "2028"), 0);
	CU_ASSERT_EQUAL(obligations(tx, "festival:zhongqiu", "2027"), 1); /* generated before: untouched */
	CU_ASSERT_EQUAL(obligations(tx, "festival:guoqing-lx", "2028"), 1); /* now every cadre */
	{
		const char *p[1] = { lx };
		CU_ASSERT_STRING_EQUAL(case_q("SELECT string_agg(o.window_start || ' ' || o.due_on, ',' ORDER BY o.due_on)"
			" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:guoqing-lx'", 1, p),
			"2027-09-26 2027-10-01,2028-09-21 2028-10-01");
	}
	CU_ASSERT_EQUAL(obligations(tx, "festival:guoqing-lx", "2027"), 0); /* 2027's stay as they were */
	CU_ASSERT_EQUAL(obligations(tx, "festival:zhongqiu", "2027"), 1);
	CU_ASSERT_EQUAL(call_set(&T.admin, "zhongqiu", yh_t_fields("active", "true", NULL), &out, &err), 0);
	free(out);
	/* a 腊月 rule: 腊八 of lunar 2025 is due 2026-01-26 (lunar 2026's falls in 2027) */
	CU_ASSERT_EQUAL(call_set(&T.admin, "laba", yh_t_fields("active", "true", NULL), &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL_FATAL(generate("2026-01-01", "2026-12-31"), 0);
	{
		const char *p[1] = { tx };
		CU_ASSERT_STRING_EQUAL(case_q("SELECT string_agg(o.due_on::text, ',' ORDER BY o.due_on)"
			" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:laba'", 1, p), "2026-01-26");
	}
	CU_ASSERT_EQUAL(call_set(&T.admin, "laba", yh_t_fields("active", "false", NULL), &out, &err), 0);
	free(out);
}

static void test_http(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/festival-rules?year=2026", yh_t_token("auditor"), NULL, NULL, &body),
		200);
	CU_ASSERT_STRING_EQUAL(member(body, "chunjie", "date"), "2026-02-17");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/festival-rules?year=1800", yh_t_token("cw_a"), NULL, NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "year");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/festival-rules", yh_t_token("admin"),
				"{\"code\":\"h-duanwu\",\"name\":\"端午节\",\"spec\":\"duanwu\",\"categories\":[\"退休\"],"
				"\"party_members_only\":true,\"window_days\":3}", NULL, &body), 201);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "categories"), "[\"退休\"]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "party_members_only"), "true");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/festival-rules", yh_t_token("admin"),
				"{\"code\":\"h-duanwu\",\"name\":\"端午节\",\"spec\":\"duanwu\"}", NULL, &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "code");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/festival-rules", yh_t_token("admin"),
				"{\"code\":\"h-x\",\"name\":\"某节\",\"spec\":\"L:00-05\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "spec");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/festival-rules", yh_t_token("cw_a"),
				"{\"code\":\"h-y\",\"name\":\"某节\",\"spec\":\"05-01\"}", NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", "/api/v1/festival-rules/h-duanwu", yh_t_token("admin"),
				"{\"active\":false,\"categories\":null}", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "active"), "false");
	CU_ASSERT_PTR_NULL(yh_t_json(body, "categories"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "window_days"), "3");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", "/api/v1/festival-rules/h-duanwu", yh_t_token("admin"),
				"{\"window_days\":365}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "window_days");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", "/api/v1/festival-rules/nosuch", yh_t_token("admin"),
				"{\"active\":false}", NULL, &body), 404);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "code");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", "/api/v1/festival-rules/h-duanwu", yh_t_token("approver"),
				"{\"active\":true}", NULL, &body), 403);
	free(body);
}

/* Runs yinhui with args (constants of this file) as the admin; returns the exit status, the output in cli_out. */
static int run(const char *args)
{
	return rl_cli_run(yh_t_token("admin"), args, cli_out, sizeof(cli_out));
}

static void test_cli(void)
{
	const char *lx = case_cadre("chikan", "命令离休", "1931-05-01", "离休");
	char day[16];
	int m, d;

	CU_ASSERT_EQUAL(run("festival list --year 2025"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_out, "2025-10-29"));
	CU_ASSERT_EQUAL(run("festival list --year 1800"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_out, "year"));
	CU_ASSERT_EQUAL(run("festival list --frobnicate 1"), 2);
	/* bare flags mean true; none is the empty list, all is every cadre */
	CU_ASSERT_EQUAL(run("--json festival add --code duanwu --spec duanwu --categories none --survivors"), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "categories"), "[]");
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "survivors"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "name"), "端午节");
	CU_ASSERT_EQUAL(run("--json festival set duanwu --categories all --party-members-only --window-days 2"), 0);
	CU_ASSERT_PTR_NULL(yh_t_json(cli_out, "categories"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "party_members_only"), "true");
	CU_ASSERT_EQUAL(run("--json festival set duanwu --party-members-only false --categories 离休,企业离休"), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "party_members_only"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(cli_out, "categories"), "[\"离休\",\"企业离休\"]");
	CU_ASSERT_EQUAL(run("festival add --code duanwu --spec duanwu"), 6); /* conflict */
	CU_ASSERT_EQUAL(run("festival add --code c-bad --name 坏 --spec 99-99"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_out, "spec"));
	CU_ASSERT_EQUAL(run("festival set"), 2);

	/* yinhui obligation generate honours the added rule, then ignores it once deactivated */
	CU_ASSERT_EQUAL(run("obligation generate --from 2029-01-01 --through 2029-12-31"), 0);
	yh_festival_date("duanwu", 2029, &m, &d, NULL);
	snprintf(day, sizeof(day), "2029-%02d-%02d", m, d);
	{
		const char *p[2] = { lx, day };
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:duanwu' AND o.due_on = $2::date"
			" AND o.window_start = $2::date - 2", 2, p), 1);
	}
	CU_ASSERT_EQUAL(run("festival set duanwu --active false"), 0);
	CU_ASSERT_EQUAL(run("obligation generate --from 2030-01-01 --through 2030-12-31"), 0);
	CU_ASSERT_EQUAL(obligations(lx, "festival:duanwu", "2030"), 0);
	CU_ASSERT_EQUAL(obligations(lx, "festival:chunjie", "2030"), 1);
	CU_ASSERT_EQUAL(obligations(lx, "festival:duanwu", "2029"), 1);
}

static const yh_t_case cases[] = {
	{ "list with each rule's date in a year", test_list },
	{ "add, with defaults for a built-in festival", test_add },
	{ "bad input named by field, duplicate code, admin only, nothing written", test_add_refused },
	{ "partial update, deactivate, refusals write nothing", test_update },
	{ "generation honours added rules and ignores deactivated ones", test_generation },
	{ "HTTP", test_http },
	{ "yinhui festival and obligation generate", test_cli },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	/* the records made here and the yinhui binary (rl_cli_run) share one data key */
	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("festival");
	yh_t_server_start();
	rc = yh_t_run("festival", cases);
	yh_t_teardown();
	return rc;
}
