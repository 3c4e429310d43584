/* The roster through the core against a real PostgreSQL: validation, conflicts, PATCH, lists, scope, audit. */
#include <stdlib.h>
#include <string.h>

#include "test_roster_util.h"
#include "yinhui/roster.h"

#define ZHANG_ID "44080219300701001X" /* domain.md 3.2: M, 1930-07-01, 赤坎 */

static const char *g_zhang; /* uid of 张三, chikan, 离休 */

static void test_create(void)
{
	yh_fields *f = yh_t_fields("name", " 张三 ", "id_number", ZHANG_ID, "category", "离休", "unit", "chikan",
		"joined_on", "1945-03-01", "rank", "副处级", "phones", "+86 138 1234 5678;家:0759-3618688",
		"emergency_contacts", "[{\"name\":\"张小明\",\"relationship\":\"儿子\",\"phone\":\"13900001111\"}]",
		"living_situation", "独居", "remote", "true", NULL);
	long audits = rt_audit_count();
	char *out = NULL;
	static char uid[37];
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_create(T.db, &T.cw_a, f, &out, &err), 0);
	snprintf(uid, sizeof(uid), "%s", yh_t_json(out, "id"));
	g_zhang = uid;
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "name"), "张三");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id_number"), "440802********001X");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "gender"), "M");          /* from digit 17 */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "birth_date"), "1930-07-01"); /* from the number */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "unit"), "chikan");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "phones.0.number"), "13812345678");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "phones.0.is_primary"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "phones.1.number"), "0759-3618688");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "phones.1.label"), "家");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "emergency_contacts.0.relationship"), "儿子");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "remote"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "alive"), "true");
	CU_ASSERT_PTR_NULL(strstr(out, ZHANG_ID));
	free(out);
	yh_fields_free(f);
	/* exactly one audit row, and no full ID number in it */
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.create'"
				   " AND actor_name = 'cw_a' AND after->>'name' = '张三'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE after::text LIKE '%" ZHANG_ID "%'"
				   " OR before::text LIKE '%" ZHANG_ID "%'"), 0);
	/* sealed at rest: the plain number is nowhere in the table */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person p WHERE position('" ZHANG_ID "' IN row_to_json(p)::text) > 0"), 0);
}

/* Table of refusals: each names its field and writes nothing. */
static void test_refusals(void)
{
	static const struct {
		const char *what, *field;
		int code;
		const char *kv[12];
	} cases[] = {
		{ "wrong check digit", "id_number", YH_EINVAL,
		  { "name", "李四", "id_number", "440802193007010011", "category", "退休", NULL } },
		{ "duplicate ID number", "id_number", YH_ECONFLICT,
		  { "name", "李四", "id_number", ZHANG_ID, "category", "退休", NULL } },
		{ "gender against digit 17", "gender", YH_EINVAL,
		  { "name", "李四", "id_number", "44088219281001003" "2", "gender", "女", "category", "退休", NULL } },
		{ "birth date against the number", "birth_date", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "birth_date", "1928-10-02", "category", "退休", NULL } },
		{ "离休 after 1949-09-30", "category", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "离休", "joined_on", "1949-10-01", NULL } },
		{ "离休 without joined_on", "joined_on", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "企业离休", NULL } },
		{ "cadre without category", "category", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", NULL } },
		{ "joined in the future", "joined_on", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "joined_on", "2999-01-01", NULL } },
		{ "joined before birth", "joined_on", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "joined_on", "1920-01-01", NULL } },
		{ "bad name", "name", YH_EINVAL,
		  { "name", "Li4", "id_number", "440882192810010032", "category", "退休", NULL } },
		{ "bad phone", "phones", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "phones", "12345", NULL } },
		{ "deceased_on is an event", "deceased_on", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "deceased_on", "2020-01-01", NULL } },
		{ "unknown unit", "unit", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "unit", "nowhere", NULL } },
		{ "unit of another caseworker", "unit", YH_EFORBIDDEN,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "unit", "xiashan", NULL } },
		{ "survivor without cadre", "cadre", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "kind", "survivor", "relationship", "配偶", NULL } },
		{ "unknown field", "colour", YH_EINVAL,
		  { "name", "李四", "id_number", "440882192810010032", "category", "退休", "colour", "red", NULL } },
	};
	long persons = yh_t_count("SELECT count(*) FROM yh.person"), audits = rt_audit_count();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_fields *f = NULL;
		char *out = NULL;
		yh_err err;

		yh_fields_new(&f);
		for (int k = 0; cases[i].kv[k]; k += 2)
			yh_fields_set(f, cases[i].kv[k], cases[i].kv[k + 1], YH_FV_STRING, NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.cw_a, f, &out, &err), cases[i].code);
		CU_ASSERT_STRING_EQUAL(err.field, cases[i].field);
		CU_ASSERT_PTR_NULL(out);
		if (err.code != cases[i].code || strcmp(err.field, cases[i].field) != 0)
			fprintf(stderr, "case '%s': got %d [%s] %s\n", cases[i].what, err.code, err.field, err.msg);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);
}

static void test_messages(void)
{
	yh_fields *f = yh_t_fields("name", "李四", "id_number", "440802193007010011", "category", "退休", NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "check digit"));
	yh_fields_free(f);
	f = yh_t_fields("name", "李四", "id_number", ZHANG_ID, "category", "退休", NULL);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "440802********001X"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "already on file"));
	yh_fields_free(f);
}

static void test_legacy_15(void)
{
	yh_fields *f = yh_t_fields("name", "王五", "id_number", "110105491231002", "category", "退休", "unit", "bureau", NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_create(T.db, &T.admin, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id_number"), "110105********002X");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id_legacy"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "gender"), "F");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "birth_date"), "1949-12-31");
	free(out);
	yh_fields_free(f);
	/* the canonical 18-digit form is the same person */
	f = yh_t_fields("name", "王五", "id_number", "11010519491231002X", "category", "退休", "unit", "bureau", NULL);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "id_number");
	yh_fields_free(f);
}

static void test_patch(void)
{
	yh_fields *f = yh_t_fields("care_level", "半失能", NULL);
	char *before = NULL, *after = NULL;
	long audits = rt_audit_count();
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_show(T.db, &T.cw_a, g_zhang, 0, &before, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(after, "care_level"), "半失能");
	/* everything else as it was */
	{
		static const char *const keep[] = { "name", "gender", "id_number", "birth_date", "category", "rank",
			"joined_on", "unit", "phones", "emergency_contacts", "living_situation", "remote", "party_member",
			"added_on", "created_at", NULL };
		for (int i = 0; keep[i]; i++) {
			char a[1024];
			snprintf(a, sizeof(a), "%s", yh_t_json(before, keep[i]) ? yh_t_json(before, keep[i]) : "(null)");
			CU_ASSERT_STRING_EQUAL(a, yh_t_json(after, keep[i]) ? yh_t_json(after, keep[i]) : "(null)");
		}
	}
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.update'"
				   " AND before->>'care_level' IS NULL AND after->>'care_level' = '半失能'"), 1);
	yh_fields_free(f);
	free(before);
	free(after);

	/* clearing a field, and fields that belong to other operations */
	f = yh_t_fields("rank", "null", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), 0);
	CU_ASSERT_PTR_NULL(yh_t_json(after, "rank"));
	free(after);
	yh_fields_free(f);
	f = yh_t_fields("deceased_on", "2022-01-01", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "deceased_on");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "event"));
	yh_fields_free(f);
	f = yh_t_fields("transferred_out_on", "2022-01-01", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "transferred_out_on");
	yh_fields_free(f);
	f = yh_t_fields("kind", "survivor", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "kind");
	yh_fields_free(f);
	/* a category change is checked against the stored joined_on */
	f = yh_t_fields("joined_on", "1950-01-01", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "joined_on");
	yh_fields_free(f);
	f = yh_t_fields("gender", "F", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &after, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "gender");
	yh_fields_free(f);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 2);
}

static void test_reveal(void)
{
	long audits = rt_audit_count();
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	/* a caseworker sees the masked number and may not ask for more */
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.cw_a, g_zhang, 0, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id_number"), "440802********001X");
	free(out);
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.cw_a, g_zhang, 1, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);
	/* a clerk may, and the read is audited */
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.clerk, g_zhang, 1, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id_number"), ZHANG_ID);
	free(out);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.read_idno' AND actor_name = 'clerk'"), 1);
	/* show by ID number works too */
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.cw_a, ZHANG_ID, 0, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "id"), g_zhang);
	free(out);
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.cw_a, "00000000-0000-4000-8000-000000000000", 0, &out, &err), YH_ENOTFOUND);
}

static void test_scope(void)
{
	const char *xia = rt_cadre(&T.cw_b, "赵六", rt_id("440803", "19350101", 11), "退休", "xiashan", NULL);
	yh_fields *f = yh_t_fields("note", "x", NULL);
	char *out = NULL, xia_uid[37];
	long audits;
	yh_err err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(xia);
	snprintf(xia_uid, sizeof(xia_uid), "%s", xia);
	audits = rt_audit_count();
	yh_err_clear(&err);
	/* chikan's caseworker can neither read nor change a xiashan cadre: 403 */
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.cw_a, xia_uid, 0, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, xia_uid, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_roster_survivors(T.db, &T.cw_a, xia_uid, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);
	/* nor move one of theirs into xiashan */
	yh_fields_free(f);
	f = yh_t_fields("unit", "xiashan", NULL);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.cw_a, g_zhang, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	/* the list holds only chikan's subtree */
	CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_a, NULL, &out, &err), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "赵六"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "张三"));
	free(out);
	/* admin and auditor see everything */
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.auditor, xia_uid, 0, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_roster_show(T.db, &T.admin, xia_uid, 0, &out, &err), 0);
	free(out);
	/* a caseworker of chikan may work in chikan-east (a sub-unit) */
	CU_ASSERT_PTR_NOT_NULL(rt_cadre(&T.cw_a, "钱七", rt_id("440802", "19360101", 12), "退休", "chikan-east", NULL));
}

static void test_auditor_writes_nothing(void)
{
	yh_fields *f = yh_t_fields("name", "孙八", "id_number", rt_id("440802", "19370101", 13), "category", "退休", NULL);
	yh_fields *t = yh_t_fields("date", "2020-01-01", NULL);
	long audits = rt_audit_count();
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.auditor, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_roster_update(T.db, &T.auditor, g_zhang, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.auditor, g_zhang, t, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.auditor, "姓名\n", 7, NULL, NULL, NULL, NULL, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);
	yh_fields_free(f);
	yh_fields_free(t);
}

static void test_survivor(void)
{
	yh_fields *f = yh_t_fields("kind", "survivor", "cadre", g_zhang, "relationship", "配偶", "name", "张李氏",
		"id_number", rt_id("440802", "19320505", 24), NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_create(T.db, &T.cw_a, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "kind"), "survivor");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "cadre.id"), g_zhang);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "unit"), "chikan"); /* the cadre's unit */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "gender"), "F");
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_roster_survivors(T.db, &T.cw_a, g_zhang, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.relationship"), "配偶");
	free(out);
	/* a survivor has no cadre category */
	f = yh_t_fields("kind", "survivor", "cadre", g_zhang, "relationship", "子女", "name", "张四",
		"id_number", rt_id("440802", "19550505", 25), "category", "退休", NULL);
	CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.cw_a, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "category");
	yh_fields_free(f);
}

static void test_list_filters(void)
{
	static const struct {
		const char *name, *birth, *category, *unit, *living, *remote, *joined;
	} people[] = {
		{ "甲一", "19280101", "退休", "xiashan", "空巢", "false", "1950-01-01" },
		{ "甲二", "19400101", "退休", "xiashan", "独居", "true", "1960-01-01" },
		{ "甲三", "19500101", "建国初期参加工作的退休干部", "xiashan", "养老机构", "false", "1968-07-01" },
		{ "甲四", "19321010", "企业离休", "xiashan", "与子女同住", "true", "1948-01-01" },
		{ "甲五", "19451212", "退休", "xiashan", "空巢", "false", "1965-01-01" },
	};
	static const struct {
		const char *query[14];
		long total;
	} cases[] = {
		{ { "unit", "xiashan", NULL }, 6 }, /* 赵六 too */
		{ { "unit", "xiashan", "q", "甲", NULL }, 5 },
		{ { "unit", "xiashan", "category", "退休", NULL }, 4 },
		{ { "unit", "xiashan", "remote", "true", NULL }, 2 },
		{ { "unit", "xiashan", "living_situation", "空巢", NULL }, 2 },
		{ { "q", "甲", "min_age", "80", "age_on", "2022-06-30", NULL }, 3 },
		{ { "q", "甲", "max_age", "79", "age_on", "2022-06-30", NULL }, 2 },
		{ { "q", "甲", "min_age", "76", "max_age", "82", "age_on", "2022-06-30", NULL }, 2 },
		{ { "q", "甲", "alive", "false", NULL }, 0 },
		{ { "q", "甲", "kind", "survivor", NULL }, 0 },
	};
	char *out = NULL;
	yh_err err;

	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		yh_fields *f = yh_t_fields("name", people[i].name, "id_number", rt_id("440803", people[i].birth, (int)i + 30),
			"category", people[i].category, "unit", people[i].unit, "living_situation", people[i].living,
			"remote", people[i].remote, "joined_on", people[i].joined, NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_fields *f = NULL;
		yh_fields_new(&f);
		for (int k = 0; cases[i].query[k]; k += 2)
			yh_fields_set(f, cases[i].query[k], cases[i].query[k + 1], YH_FV_STRING, NULL);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.admin, f, &out, &err), 0);
		CU_ASSERT_EQUAL(atol(yh_t_json(out, "total")), cases[i].total);
		if (atol(yh_t_json(out, "total")) != cases[i].total)
			fprintf(stderr, "list case %zu: %s\n", i, out);
		free(out);
		yh_fields_free(f);
	}
	/* paging: 2 per page over the five 甲, in name order, total unchanged */
	{
		yh_fields *f = yh_t_fields("q", "甲", "limit", "2", "offset", "4", NULL);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.admin, f, &out, &err), 0);
		CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 1);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "5");
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "limit"), "2");
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "offset"), "4");
		free(out);
		yh_fields_free(f);
		f = yh_t_fields("limit", "201", NULL);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.admin, f, &out, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "limit");
		yh_fields_free(f);
		f = yh_t_fields("limit", "0", NULL);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.admin, f, &out, &err), YH_EINVAL);
		yh_fields_free(f);
	}
}

static void test_search_and_masking(void)
{
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.admin, "张", 50, &out, &err), 0);
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "total")), 2); /* 张三, 张李氏 (survivor); 张四 was refused */
	free(out);
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.admin, ZHANG_ID, 50, &out, &err), 0);
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "total")), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.0.name"), "张三");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.0.id_number"), "440802********001X");
	CU_ASSERT_PTR_NULL(strstr(out, ZHANG_ID));
	free(out);
	/* the same number in lower case x, and a 15-digit number, find the same people */
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.admin, "110105491231002", 50, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "items.0.name"), "王五");
	free(out);
	/* a wildcard is a character, not a pattern */
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.admin, "%", 50, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "0");
	free(out);
	/* a number with a wrong check digit is an error, not an empty result */
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.admin, "440802193007010011", 50, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "q");
	/* a caseworker's search stays in their units */
	CU_ASSERT_EQUAL(yh_roster_search(T.db, &T.cw_b, "张", 50, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "0");
	free(out);
}

static void test_transfer_out(void)
{
	const char *uid = rt_cadre(&T.cw_a, "周九", rt_id("440802", "19380808", 40), "退休", "chikan", NULL);
	yh_fields *f = yh_t_fields("date", "2999-01-01", NULL), *act = yh_t_fields("active", "true", "q", "周", NULL);
	char *out = NULL, id[37];
	long audits;
	yh_err err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(uid);
	snprintf(id, sizeof(id), "%s", uid);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.cw_a, id, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "date");
	yh_fields_free(f);
	f = yh_t_fields("date", "2000-01-01", NULL); /* before added_on (today) */
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.cw_a, id, f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_a, act, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "1");
	free(out);
	audits = rt_audit_count();
	{
		char *d = NULL;
		CU_ASSERT_EQUAL(yh_db_query_text(T.db, &d, "SELECT current_date::text", 0, NULL, NULL, &err), 0);
		if (d == NULL)
			fprintf(stderr, "current_date: %s\n", err.msg);
		f = yh_t_fields("date", d, "to", "广州市", NULL);
		free(d);
	}
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.cw_a, id, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "transferred_to"), "广州市");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "active"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "alive"), "true");
	free(out);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_roster_transfer_out(T.db, &T.cw_a, id, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_a, act, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "0");
	free(out);
	yh_fields_free(f);
	yh_fields_free(act);
}

/*
 * Pages of 2 over unit's subtree, one past the end included, against the
 * name order of all its cadres; at least min of them.
 */
static void pages_in_name_order(const char *unit, long min)
{
	char *out = NULL, *want = NULL, key[64], sql[512], got[4096] = "", off[24];
	yh_err err;
	long total;

	snprintf(sql, sizeof(sql), "SELECT string_agg(p.uid::text, ',' ORDER BY p.name, p.id) FROM yh.person p"
		" WHERE p.kind = 'cadre' AND p.unit_id IN (SELECT descendant FROM yh.unit_closure"
		" WHERE ancestor = (SELECT id FROM yh.unit WHERE code = '%s'))", unit);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_db_query_text(T.db, &want, sql, 0, NULL, NULL, &err), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.person p WHERE p.kind = 'cadre' AND p.unit_id IN"
		" (SELECT descendant FROM yh.unit_closure WHERE ancestor = (SELECT id FROM yh.unit WHERE code = '%s'))", unit);
	total = yh_t_count(sql);
	CU_ASSERT(total >= min);
	for (long o = 0; o <= total; o += 2) {
		yh_fields *f;
		snprintf(off, sizeof(off), "%ld", o);
		f = yh_t_fields("unit", unit, "limit", "2", "offset", off, NULL);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_a, f, &out, &err), 0);
		CU_ASSERT_EQUAL(atol(yh_t_json(out, "total")), total);
		if (o >= total) /* past the end: no items, the total still */
			CU_ASSERT_EQUAL(yh_t_json_len(out, "items"), 0);
		for (long k = 0; k < yh_t_json_len(out, "items"); k++) {
			snprintf(key, sizeof(key), "items.%ld.id", k);
			strncat(got, *got ? "," : "", sizeof(got) - strlen(got) - 1);
			strncat(got, yh_t_json(out, key), sizeof(got) - strlen(got) - 1);
		}
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_STRING_EQUAL(got, want ? want : "");
	free(want);
}

/*
 * Cadres are paged one unit at a time and merged (roster_list.c): pages over
 * a subtree of two units, names interleaved, must be the name order of all
 * of them; totals from yh.person_tally must be the counts, after moves,
 * transfers and deaths too.
 */
static void test_list_subtree_pages(void)
{
	static const char *const names[] = { "乙b", "乙a", "乙d", "乙c", "乙f", "乙e", "乙a" };
	char *out = NULL, *want = NULL, key[64], st[6];
	yh_err err;
	size_t n = sizeof(names) / sizeof(names[0]);

	for (size_t i = 0; i < n; i++) {
		yh_fields *f = yh_t_fields("name", names[i], "id_number", rt_id("440802", "19400101", (int)i + 60),
			"category", "退休", "unit", i % 2 ? "chikan" : "chikan-east", NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_create(T.db, &T.admin, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	/* every cadre of the subtree in name order, one page of 2 at a time: two units, then one */
	pages_in_name_order("chikan", n);
	pages_in_name_order("chikan-east", n / 2);
	/* the unit is checked in the same call: unknown, or outside the caller's units */
	{
		yh_fields *f = yh_t_fields("unit", "no-such-unit", NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_a, f, &out, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "unit");
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no unit \"no-such-unit\""));
		yh_fields_free(f);
		f = yh_t_fields("unit", "chikan", NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.cw_b, f, &out, &err), YH_EFORBIDDEN);
		CU_ASSERT_STRING_EQUAL(err.field, "unit");
		yh_fields_free(f);
	}
	/* a move between units, a transfer out and a death keep the tally in step */
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET unit_id = (SELECT id FROM yh.unit WHERE code = 'xiashan')"
		" WHERE name = '乙a'", st), 0);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET transferred_out_on = added_on, transferred_to = '广州'"
		" WHERE name = '乙b'", st), 0);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = DATE '2024-01-01' WHERE name = '乙c'", st), 0);
	CU_ASSERT_EQUAL(yh_t_tally_drift(), 0);
	{
		static const struct {
			const char *kind, *alive, *active, *where;
		} q[] = {
			{ "cadre", NULL, NULL, "p.kind = 'cadre'" },
			{ "all", NULL, NULL, "true" },
			{ "cadre", "true", NULL, "p.kind = 'cadre' AND p.deceased_on IS NULL" },
			{ "cadre", "false", NULL, "p.kind = 'cadre' AND p.deceased_on IS NOT NULL" },
			{ "all", NULL, "true", "p.deceased_on IS NULL AND p.transferred_out_on IS NULL" },
			{ "cadre", NULL, "false", "p.kind = 'cadre' AND NOT (p.deceased_on IS NULL AND p.transferred_out_on IS NULL)" },
		};
		/* a subtree of two units (paged per unit and merged), then of one (read in order) */
		for (size_t j = 0; j < 2 * sizeof(q) / sizeof(q[0]); j++) {
			size_t i = j % (sizeof(q) / sizeof(q[0]));
			const char *unit = j < sizeof(q) / sizeof(q[0]) ? "chikan" : "chikan-east";
			char sql[512];
			yh_fields *f = yh_t_fields("unit", unit, "kind", q[i].kind, NULL);
			if (q[i].alive)
				yh_fields_set(f, "alive", q[i].alive, YH_FV_STRING, NULL);
			if (q[i].active)
				yh_fields_set(f, "active", q[i].active, YH_FV_STRING, NULL);
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.person p WHERE %s AND p.unit_id IN (SELECT descendant"
				" FROM yh.unit_closure WHERE ancestor = (SELECT id FROM yh.unit WHERE code = '%s'))", q[i].where, unit);
			CU_ASSERT_EQUAL(yh_roster_list(T.db, &T.admin, f, &out, &err), 0);
			CU_ASSERT_EQUAL(atol(yh_t_json(out, "total")), yh_t_count(sql));
			/* and the page is those persons in name order */
			snprintf(sql, sizeof(sql), "SELECT coalesce(string_agg(p.uid::text, ',' ORDER BY p.name, p.id), '')"
				" FROM yh.person p WHERE %s AND p.unit_id IN (SELECT descendant FROM yh.unit_closure"
				" WHERE ancestor = (SELECT id FROM yh.unit WHERE code = '%s'))", q[i].where, unit);
			CU_ASSERT_EQUAL(yh_db_query_text(T.db, &want, sql, 0, NULL, NULL, &err), 0);
			{
				char got[4096] = "";
				for (long k = 0; k < yh_t_json_len(out, "items"); k++) {
					snprintf(key, sizeof(key), "items.%ld.id", k);
					strncat(got, *got ? "," : "", sizeof(got) - strlen(got) - 1);
					strncat(got, yh_t_json(out, key), sizeof(got) - strlen(got) - 1);
				}
				CU_ASSERT_STRING_EQUAL(got, want ? want : "-");
			}
			free(want);
			want = NULL;
			free(out);
			yh_fields_free(f);
		}
	}
}

static const yh_t_case cases[] = {
	{ "create a cadre", test_create },
	{ "refusals name the field and write nothing", test_refusals },
	{ "messages", test_messages },
	{ "15-digit numbers upgraded", test_legacy_15 },
	{ "PATCH changes only the given fields", test_patch },
	{ "full ID number only when permitted, audited", test_reveal },
	{ "unit scope", test_scope },
	{ "auditor writes nothing", test_auditor_writes_nothing },
	{ "survivors", test_survivor },
	{ "list filters and paging", test_list_filters },
	{ "search and masking", test_search_and_masking },
	{ "transfer out", test_transfer_out },
	{ "list pages across a subtree; totals in step", test_list_subtree_pages },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	yh_t_setup("roster");
	rc = yh_t_run("roster", cases);
	yh_t_teardown();
	return rc;
}
