/*
 * Casework against a real PostgreSQL: care plans and their revisions, the
 * visit log and amendments, events, the obligation state machine (with 8
 * threads racing), the death transaction, the timezone boundary and
 * extreme-weather obligations.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "case_util.h"

static void test_plan_revisions(void)
{
	const char *person = case_cadre("chikan", "王建国", "1935-03-01", "离休");
	yh_fields *f;
	char *out = NULL, *hist = NULL, measure[64];
	const char *p[1] = { person };
	yh_err err;

	yh_err_clear(&err);
	/* 关爱档案 needs its reason */
	f = yh_t_fields("care_file", "true", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, person, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "care_file_reason");
	yh_fields_free(f);
	f = yh_t_fields("difficulty_tags", "[\"医疗\",\"养老\"]", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, person, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "difficulty_tags");
	yh_fields_free(f);
	f = yh_t_fields("measures", "[{\"what\":\"每月电话\",\"due_on\":\"2025-02-30\"}]", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, person, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "measures[0].due_on");
	yh_fields_free(f);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.care_plan cp JOIN yh.person p ON p.id = cp.person_id"
		" WHERE p.uid = $1::uuid AND cp.revision > 0", 1, p), 0);

	f = yh_t_fields("health", "高血压", "care_level", "半失能", "living_situation", "空巢", "mood", "平稳",
		"difficulty_tags", "[\"医疗\",\"照护\"]", "caseworker", "me", "care_file", "true",
		"care_file_reason", "独居高龄，行动不便",
		"measures", "[{\"what\":\"每月电话问候\",\"owner\":\"cw_a\",\"due_on\":\"2030-01-31\"},"
			    "{\"what\":\"联系家庭医生\",\"due_on\":\"2020-01-31\"}]", NULL);
	CU_ASSERT_EQUAL_FATAL(yh_plan_set(T.db, &T.cw_a, person, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "revision"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "caseworker"), "cw_a");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "care_level"), "半失能");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "measures"), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "measures.1.overdue"), "true");
	/* default review: today + plan.review_months (3) */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "next_review_on"),
		case_q("SELECT (yh.today() + interval '3 months')::date::text", 0, NULL));
	snprintf(measure, sizeof(measure), "%s", yh_t_json(out, "measures.1.id"));
	free(out);

	/* revision 2: mood changes, a measure is done, reviewed today */
	{
		char m[256];
		snprintf(m, sizeof(m), "[{\"id\":\"%s\",\"status\":\"done\"}]", measure);
		f = yh_t_fields("mood", "低落", "measures", m, "reviewed", "true", NULL);
	}
	CU_ASSERT_EQUAL_FATAL(yh_plan_set(T.db, &T.cw_a, person, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "revision"), "2");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "mood"), "低落");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "health"), "高血压"); /* untouched */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "measures.1.status"), "done");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "last_reviewed_on"), case_today());
	free(out);

	CU_ASSERT_EQUAL(yh_plan_history(T.db, &T.auditor, person, &hist, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(hist, ""), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(hist, "0.revision"), "2");
	CU_ASSERT_STRING_EQUAL(yh_t_json(hist, "1.plan.mood"), "平稳");
	CU_ASSERT_STRING_EQUAL(yh_t_json(hist, "1.plan.measures.1.status"), "open");
	CU_ASSERT_STRING_EQUAL(yh_t_json(hist, "0.by"), "cw_a");
	free(hist);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log WHERE action = 'plan.set' AND entity_id ="
		" (SELECT cp.uid::text FROM yh.care_plan cp JOIN yh.person p ON p.id = cp.person_id WHERE p.uid = $1::uuid)",
		1, p), 2);

	/* reads: auditors yes, the other unit's caseworker no; writes: auditors no */
	CU_ASSERT_EQUAL(yh_plan_show(T.db, &T.auditor, person, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_plan_show(T.db, &T.cw_b, person, &out, &err), YH_EFORBIDDEN);
	f = yh_t_fields("mood", "好", NULL);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.auditor, person, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_b, person, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.cw_a, "00000000-0000-4000-8000-000000000000", f, &out, &err), YH_ENOTFOUND);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_plan_show(T.db, &T.cw_a, case_cadre("chikan", "无计划", "1940-01-01", "退休"), &out, &err),
		YH_ENOTFOUND);
	/* history tables are append-only */
	{
		char st[6];
		CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.plan_revision SET actor_name = 'x'", st), 0);
		CU_ASSERT_STRING_EQUAL(st, "YH409");
	}
}

static void test_plan_review_setting(void)
{
	const char *person = case_cadre("chikan", "赵六", "1936-03-01", "退休");
	yh_fields *f = yh_t_fields("note", "新建", NULL);
	char *out = NULL, st[6];
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.setting SET value = '6' WHERE key = 'plan.review_months'", st), 0);
	CU_ASSERT_EQUAL(yh_plan_set(T.db, &T.admin, person, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "next_review_on"),
		case_q("SELECT (yh.today() + interval '6 months')::date::text", 0, NULL));
	free(out);
	yh_t_sql("UPDATE yh.setting SET value = '3' WHERE key = 'plan.review_months'", st);
	yh_fields_free(f);
}

static void test_visit_amendments(void)
{
	const char *person = case_cadre("chikan", "李秀英", "1938-05-06", "退休");
	yh_fields *f;
	char *out = NULL, vid[64], fu[64], st[6], sql[256];
	const char *p[1];
	yh_err err;

	yh_err_clear(&err);
	f = yh_t_fields("person", person, "visited_at", "2025-03-05T10:00", "occasion", "日常联系", "mode", "上门",
		"staff", "[\"cw_a\",\"admin\"]", "condolence_yuan", "200.50", "goods", "水果", "findings", "腿疼",
		"follow_ups", "[{\"action\":\"联系康复医生\",\"owner\":\"cw_a\",\"due_on\":\"2025-03-20\"}]", NULL);
	CU_ASSERT_EQUAL_FATAL(yh_visit_create(T.db, &T.cw_a, f, &out, &err), 0);
	yh_fields_free(f);
	snprintf(vid, sizeof(vid), "%s", yh_t_json(out, "id"));
	snprintf(fu, sizeof(fu), "%s", yh_t_json(out, "follow_ups.0.id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "condolence_fen"), "20050");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "visited_at"), "2025-03-05T10:00:00+08:00");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "staff"), "[\"cw_a\",\"admin\"]");
	free(out);

	/* nothing changes / no reason */
	f = yh_t_fields("reason", "核对", "mode", "上门", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), YH_EINVAL);
	yh_fields_free(f);
	f = yh_t_fields("mode", "医院", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "reason");
	yh_fields_free(f);
	f = yh_t_fields("reason", "x", "person", person, NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "person");
	yh_fields_free(f);

	/* a real correction: mode and findings, and the follow-up is done */
	{
		char fus[256];
		snprintf(fus, sizeof(fus), "[{\"id\":\"%s\",\"status\":\"done\"}]", fu);
		f = yh_t_fields("reason", "录入错误：实为医院探望", "mode", "医院", "findings", "膝关节术后恢复中",
			"follow_ups", fus, NULL);
	}
	CU_ASSERT_EQUAL_FATAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), 0);
	yh_fields_free(f);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "mode"), "医院");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "revision"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "follow_ups.0.status"), "done");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendment.changes.mode.from"), "上门");
	free(out);
	f = yh_t_fields("reason", "补充陪同人员", "staff", "[\"cw_a\"]", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.admin, vid, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);

	CU_ASSERT_EQUAL(yh_visit_show(T.db, &T.auditor, vid, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "amendments"), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendments.0.changes.findings.from"), "腿疼");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendments.0.changes.findings.to"), "膝关节术后恢复中");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendments.0.reason"), "录入错误：实为医院探望");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendments.0.by"), "cw_a");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "amendments.1.by"), "admin");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "staff"), "[\"cw_a\"]");
	free(out);
	CU_ASSERT_EQUAL(yh_visit_amendments(T.db, &T.cw_a, vid, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 2);
	free(out);
	CU_ASSERT_EQUAL(yh_visit_show(T.db, &T.cw_b, vid, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_visit_show(T.db, &T.cw_a, "00000000-0000-4000-8000-000000000000", &out, &err), YH_ENOTFOUND);
	CU_ASSERT_EQUAL(yh_visit_show(T.db, &T.cw_a, "not-an-id", &out, &err), YH_ENOTFOUND);
	f = yh_t_fields("reason", "x", "mode", "电话", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_b, vid, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.auditor, vid, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);

	/* audit: one row per write, and the database refuses silent overwrites */
	p[0] = vid;
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log WHERE entity = 'visit' AND entity_id = $1", 1, p), 3);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log WHERE action = 'visit.amend' AND entity_id = $1"
		" AND before->>'mode' = '上门' AND after->>'mode' = '医院'", 1, p), 1);
	snprintf(sql, sizeof(sql), "UPDATE yh.visit SET findings = 'x' WHERE uid = '%s'", vid);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH409");
	snprintf(sql, sizeof(sql), "DELETE FROM yh.visit WHERE uid = '%s'", vid);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.visit_amendment SET reason = 'x'", st), 0);
	CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.visit_follow_up SET status = 'open'", st), 0);
}

static void test_visit_validation(void)
{
	const char *person = case_cadre("chikan", "陈德明", "1939-01-02", "退休");
	const char *far = case_cadre("xiashan", "霞山人", "1939-01-02", "退休");
	static const struct {
		const char *k1, *v1, *field;
		int code;
	} cases[] = {
		{ "occasion", "节日", "occasion", YH_EINVAL },
		{ "mode", "信件", "mode", YH_EINVAL },
		{ "visited_at", "2025-13-01T10:00", "visited_at", YH_EINVAL },
		{ "visited_at", "2999-01-01T10:00", "visited_at", YH_EINVAL },
		{ "staff", "[\"nobody\"]", "staff", YH_EINVAL },
		{ "staff", "[1]", "staff", YH_EINVAL },
		{ "follow_ups", "[{\"action\":\"a\",\"due_on\":\"2025/01/01\"}]", "follow_ups[0].due_on", YH_EINVAL },
		{ "follow_ups", "[{\"owner\":\"x\"}]", "follow_ups[0].action", YH_EINVAL },
		{ "follow_ups", "[{\"action\":\"a\",\"colour\":\"red\"}]", "follow_ups[0].colour", YH_EINVAL },
		{ "condolence_fen", "-5", "condolence_fen", YH_EINVAL },
		{ "obligation", "00000000-0000-4000-8000-000000000000", "obligation", YH_EINVAL },
		{ NULL, NULL, NULL, 0 }
	};
	yh_err err;
	char *out = NULL;
	int rc;

	for (int i = 0; cases[i].k1; i++) {
		yh_fields *f = yh_t_fields("person", person, "occasion", "日常联系", "mode", "电话",
			"visited_at", "2025-01-01T09:00", NULL);
		yh_fields *g = NULL;

		/* replace or add the case's field */
		yh_fields_new(&g);
		for (size_t k = 0; k < yh_fields_count(f); k++)
			if (strcmp(yh_fields_key(f, k), cases[i].k1) != 0)
				yh_fields_set(g, yh_fields_key(f, k), yh_fields_value(f, k), yh_fields_kind(f, k), NULL);
		yh_fields_set(g, cases[i].k1, cases[i].v1, cases[i].v1[0] == '[' ? YH_FV_JSON : YH_FV_STRING, NULL);
		yh_err_clear(&err);
		rc = yh_visit_create(T.db, &T.cw_a, g, &out, &err);
		CU_ASSERT_EQUAL(rc, cases[i].code);
		if (strcmp(err.field, cases[i].field) != 0)
			fprintf(stderr, "case %d: field %s (%s), want %s\n", i, err.field, err.msg, cases[i].field);
		CU_ASSERT_STRING_EQUAL(err.field, cases[i].field);
		free(out);
		out = NULL;
		yh_fields_free(f);
		yh_fields_free(g);
	}
	case_visit(&T.cw_a, far, "2025-01-01T09:00", "日常联系", "电话", &rc);
	CU_ASSERT_EQUAL(rc, YH_EFORBIDDEN);
	case_visit(&T.auditor, person, "2025-01-01T09:00", "日常联系", "电话", &rc);
	CU_ASSERT_EQUAL(rc, YH_EFORBIDDEN);
	case_visit(&T.cw_a, "00000000-0000-4000-8000-000000000000", "2025-01-01T09:00", "日常联系", "电话", &rc);
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	/* nothing of the failed attempts was written */
	{
		const char *p[1] = { person };
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
			" WHERE p.uid = $1::uuid", 1, p), 0);
	}
}

/* Open obligation of person with the given occasion, as uid ("" when none). */
static const char *open_ob(const char *person, const char *occasion)
{
	const char *p[2] = { person, occasion };

	return case_q("SELECT o.uid FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.occasion = $2 AND o.state = 'open' ORDER BY o.due_on LIMIT 1", 2, p);
}

static void test_illness_event_and_auto_meet(void)
{
	const char *person = case_cadre("chikan-east", "周国华", "1933-08-08", "离休");
	char *out, ob[64], vid[64];
	const char *p[1];
	yh_err err;
	int rc;

	out = case_event(&T.cw_a, "hospitalised", person, case_day(-1), &rc, &err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "opened"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.occasion"), "重病住院");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.due_on"), case_day(2)); /* illness_days = 3 */
	snprintf(ob, sizeof(ob), "%s", yh_t_json(out, "obligations.0.id"));
	free(out);
	/* a visit of another occasion does not meet it */
	case_visit(&T.cw_a, person, case_q("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"日常联系", "电话", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(open_ob(person, "重病住院"), ob);
	/* the hospital visit does */
	snprintf(vid, sizeof(vid), "%s", case_visit(&T.cw_a, person,
		case_q("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL), "重病住院", "医院", &rc));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(open_ob(person, "重病住院"), "");
	CU_ASSERT_EQUAL(yh_obligation_show(T.db, &T.cw_a, ob, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "state"), "met");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "met_by"), vid);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "on_time"), "true");
	free(out);
	CU_ASSERT_EQUAL(yh_visit_show(T.db, &T.cw_a, vid, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations_met.0.id"), ob);
	free(out);
	/* discharge: a check-in due within 7 days */
	out = case_event(&T.cw_a, "discharged", person, case_today(), &rc, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.due_on"), case_day(7));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.title"), "出院回访");
	free(out);
	/* events are validated and scoped */
	out = case_event(&T.cw_a, "hardship", person, case_day(1), &rc, &err);
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "date");
	out = case_event(&T.cw_b, "hardship", person, case_today(), &rc, &err);
	CU_ASSERT_EQUAL(rc, YH_EFORBIDDEN);
	out = case_event(&T.cw_a, "hardship", NULL, case_today(), &rc, &err);
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "person");
	p[0] = ob;
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log WHERE action = 'event.add' AND after->'obligations'->0->>'id' = $1",
		1, p), 1);
}

/* A hardship event on 2025-10-03 opens a visit due 2025-10-10 (hardship_days 7). */
static const char *hardship_due_1010(const char *name)
{
	const char *person = case_cadre("chikan", name, "1940-02-02", "退休");
	yh_err err;
	int rc;

	free(case_event(&T.cw_a, "hardship", person, "2025-10-03", &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	return person;
}

static void test_timezone_boundary(void)
{
	static const struct {
		const char *at, *visited_on, *on_time;
	} cases[] = {
		{ "2025-10-10T23:30", "2025-10-10", "true" },        /* 23:30 Asia/Shanghai on the due date */
		{ "2025-10-11T00:30", "2025-10-11", "false" },       /* 00:30 the next day: late */
		{ "2025-10-10T15:30:00Z", "2025-10-10", "true" },    /* = 23:30 in Shanghai */
		{ "2025-10-10T16:30:00Z", "2025-10-11", "false" },   /* = 00:30 the next day */
		{ "2025-10-10T23:59:59+08:00", "2025-10-10", "true" },
		{ "2025-10-10T08:00:00-08:00", "2025-10-11", "false" }, /* 00:00 in Shanghai */
		{ NULL, NULL, NULL }
	};

	char first_vid[64] = "", first_ob[64] = "";

	for (int i = 0; cases[i].at; i++) {
		char name[32], ob[64], *out = NULL;
		const char *person, *vid;
		yh_err err;
		int rc;

		snprintf(name, sizeof(name), "时区%c", 'A' + i);
		person = hardship_due_1010(name);
		snprintf(ob, sizeof(ob), "%s", open_ob(person, "遇到困难"));
		vid = case_visit(&T.cw_a, person, cases[i].at, "遇到困难", "上门", &rc);
		CU_ASSERT_EQUAL(rc, 0);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_obligation_show(T.db, &T.cw_a, ob, &out, &err), 0);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "state"), "met");
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "met_by"), vid);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "met_on"), cases[i].visited_on);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "on_time"), cases[i].on_time);
		if (i == 0) {
			snprintf(first_vid, sizeof(first_vid), "%s", vid);
			snprintf(first_ob, sizeof(first_ob), "%s", ob);
		}
		free(out);
	}
	/* the figures agree: 3 of 6 on time */
	{
		char *out = NULL;
		yh_err err;
		CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.admin, "2025-10-10", "2025-10-10", "chikan", &out, &err), 0);
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.met", NULL), "6");
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.met_on_time", NULL), "3");
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.coverage_rate", "value"), "100.00");
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.timeliness_rate", "value"), "50.00");
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.median_days_to_visit", "value"), "7.50");
		free(out);
	}
	/* an amendment that moves the first visit two days later makes its obligation late, in the figures too */
	{
		char *out = NULL;
		yh_fields *f = yh_t_fields("reason", "日期录错", "visited_at", "2025-10-12T09:00", NULL);
		yh_err err;
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, first_vid, f, &out, &err), 0);
		yh_fields_free(f);
		free(out);
		out = NULL;
		CU_ASSERT_EQUAL(yh_obligation_show(T.db, &T.cw_a, first_ob, &out, &err), 0);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "met_on"), "2025-10-12");
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "on_time"), "false");
		free(out);
		out = NULL;
		CU_ASSERT_EQUAL(yh_case_figures(T.db, &T.admin, "2025-10-10", "2025-10-10", "chikan", &out, &err), 0);
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.met_on_time", NULL), "2");
		CU_ASSERT_STRING_EQUAL(case_fig(out, "obligations.timeliness_rate", "value"), "33.33");
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.visit v ON v.id = o.met_by"
				       " WHERE o.met_on IS DISTINCT FROM v.visited_on", 0, NULL), 0);
		free(out);
	}
}

static void test_state_machine(void)
{
	const char *person = hardship_due_1010("状态机");
	const char *other = hardship_due_1010("别人");
	char ob[64], vid[64], *out = NULL, st[6], sql[256];
	yh_fields *f;
	yh_err err;
	int rc;

	snprintf(ob, sizeof(ob), "%s", open_ob(person, "遇到困难"));
	snprintf(vid, sizeof(vid), "%s", case_visit(&T.cw_a, other, "2025-09-01T10:00", "日常联系", "电话", &rc));
	yh_err_clear(&err);
	f = yh_t_fields("reason", "  ", NULL);
	CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_a, ob, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "reason");
	yh_fields_free(f);
	f = yh_t_fields("visit", vid, NULL);
	CU_ASSERT_EQUAL(yh_obligation_meet(T.db, &T.cw_a, ob, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "visit");
	yh_fields_free(f);
	f = yh_t_fields("reason", "本人外出旅居", NULL);
	CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_b, ob, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.auditor, ob, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_a, "00000000-0000-4000-8000-000000000000", f, &out, &err),
		YH_ENOTFOUND);
	CU_ASSERT_EQUAL_FATAL(yh_obligation_waive(T.db, &T.cw_a, ob, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "state"), "waived");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "reason"), "本人外出旅居");
	free(out);
	/* nothing leaves waived */
	CU_ASSERT_EQUAL(yh_obligation_waive(T.db, &T.cw_a, ob, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_obligation_cancel(T.db, &T.cw_a, ob, f, &out, &err), YH_ECONFLICT);
	yh_fields_free(f);
	snprintf(vid, sizeof(vid), "%s", case_visit(&T.cw_a, person, "2025-09-01T10:00", "日常联系", "电话", &rc));
	f = yh_t_fields("visit", vid, NULL);
	CU_ASSERT_EQUAL(yh_obligation_meet(T.db, &T.cw_a, ob, f, &out, &err), YH_ECONFLICT);
	yh_fields_free(f);
	snprintf(sql, sizeof(sql), "UPDATE yh.obligation SET state = 'open' WHERE uid = '%s'", ob);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH409");
	snprintf(sql, sizeof(sql), "DELETE FROM yh.obligation WHERE uid = '%s'", ob);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	/* explicit link: the other person's open obligation met by an earlier visit of theirs */
	snprintf(ob, sizeof(ob), "%s", open_ob(other, "遇到困难"));
	snprintf(vid, sizeof(vid), "%s", case_q("SELECT v.uid FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
		" WHERE p.name = '别人' LIMIT 1", 0, NULL));
	f = yh_t_fields("visit", vid, NULL);
	CU_ASSERT_EQUAL(yh_obligation_meet(T.db, &T.cw_a, ob, f, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "met_by"), vid);
	free(out);
	CU_ASSERT_EQUAL(yh_obligation_cancel(T.db, &T.cw_a, ob, f, &out, &err), YH_EINVAL); /* reason missing */
	yh_fields_free(f);
	f = yh_t_fields("reason", "重复", NULL);
	CU_ASSERT_EQUAL(yh_obligation_cancel(T.db, &T.cw_a, ob, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "state");
	yh_fields_free(f);
}

struct racer {
	const char *ob, *visit;
	int meet, rc;
	pthread_barrier_t *start;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	yh_db *db = NULL;
	yh_fields *f;
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (yh_db_open(&db, T.conninfo, "race", &err) != 0) {
		r->rc = 99;
		pthread_barrier_wait(r->start);
		return NULL;
	}
	f = r->meet ? yh_t_fields("visit", r->visit, NULL) : yh_t_fields("reason", "并发测试", NULL);
	pthread_barrier_wait(r->start);
	r->rc = r->meet ? yh_obligation_meet(db, &T.cw_a, r->ob, f, &out, &err) :
			  yh_obligation_waive(db, &T.cw_a, r->ob, f, &out, &err);
	free(out);
	yh_fields_free(f);
	yh_db_close(db);
	return NULL;
}

static void test_race_eight_threads(void)
{
	for (int round = 0; round < 5; round++) {
		char name[32], ob[64], vid[64];
		const char *person;
		struct racer r[8];
		pthread_t th[8];
		pthread_barrier_t start;
		const char *p[1];
		int winners = 0, conflicts = 0, rc;

		snprintf(name, sizeof(name), "竞争%d", round);
		person = hardship_due_1010(name);
		snprintf(ob, sizeof(ob), "%s", open_ob(person, "遇到困难"));
		snprintf(vid, sizeof(vid), "%s", case_visit(&T.cw_a, person, "2025-09-30T10:00", "日常联系", "电话", &rc));
		pthread_barrier_init(&start, NULL, 8);
		for (int i = 0; i < 8; i++) {
			r[i] = (struct racer){ ob, vid, i % 2, 0, &start };
			pthread_create(&th[i], NULL, race, &r[i]);
		}
		for (int i = 0; i < 8; i++) {
			pthread_join(th[i], NULL);
			winners += r[i].rc == 0;
			conflicts += r[i].rc == YH_ECONFLICT;
		}
		pthread_barrier_destroy(&start);
		CU_ASSERT_EQUAL(winners, 1);
		CU_ASSERT_EQUAL(conflicts, 7);
		p[0] = ob;
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log WHERE entity = 'obligation' AND entity_id = $1",
			1, p), 1);
	}
}

static void test_death_transaction(void)
{
	const char *cadre = case_cadre("chikan", "刘振华", "1928-06-01", "离休");
	const char *spouse = case_survivor(cadre, "张桂兰", "1931-02-03");
	char *out = NULL, st[6];
	const char *p[1] = { cadre };
	yh_fields *f;
	yh_err err;
	int rc;

	free(case_event(&T.cw_a, "hardship", cadre, case_day(-2), &rc, &err));
	free(case_event(&T.cw_a, "hospitalised", cadre, case_day(-1), &rc, &err));
	f = yh_t_fields("from", case_today(), "through", case_day(400), NULL);
	CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.cw_a, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	long open_before = case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p);
	CU_ASSERT(open_before >= 4);

	/* all or nothing: a failure at the last step leaves no trace */
	CU_ASSERT_EQUAL(yh_t_sql("CREATE FUNCTION yh.test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
		" RAISE EXCEPTION 'injected' USING ERRCODE = 'YH422'; END $$", st), 0);
	CU_ASSERT_EQUAL(yh_t_sql("CREATE TRIGGER test_fail BEFORE INSERT ON yh.audit_log FOR EACH ROW"
		" WHEN (NEW.action = 'event.death') EXECUTE FUNCTION yh.test_fail()", st), 0);
	out = case_event(&T.cw_a, "death", cadre, case_today(), &rc, &err);
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	CU_ASSERT_PTR_NULL(out);
	yh_t_sql("DROP TRIGGER test_fail ON yh.audit_log", st);
	yh_t_sql("DROP FUNCTION yh.test_fail()", st);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT coalesce(deceased_on::text, 'alive') FROM yh.person WHERE uid = $1::uuid", 1, p),
		"alive");
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p), open_before);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.event e JOIN yh.person p ON p.id = e.person_id"
		" WHERE p.uid = $1::uuid AND e.type = 'death'", 1, p), 0);

	/* and inside a caller's transaction that rolls back */
	CU_ASSERT_EQUAL(yh_db_begin(T.db, &err), 0);
	free(case_event(&T.cw_a, "death", cadre, case_today(), &rc, &err));
	CU_ASSERT_EQUAL(rc, 0);
	yh_db_rollback(T.db);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT coalesce(deceased_on::text, 'alive') FROM yh.person WHERE uid = $1::uuid", 1, p),
		"alive");

	/* the real thing */
	out = case_event(&T.cw_a, "death", cadre, case_day(-1), &rc, &err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "deceased_on"), case_day(-1));
	CU_ASSERT_EQUAL(atol(yh_t_json(out, "cancelled")), open_before);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.occasion"), "临终去世");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.due_on"), case_day(2));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "survivors_eligible.0.id"), spouse);
	free(out);
	CU_ASSERT_STRING_EQUAL(case_q("SELECT deceased_on::text FROM yh.person WHERE uid = $1::uuid", 1, p), case_day(-1));
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'cancelled' AND o.reason LIKE '去世%'", 1, p), open_before);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p), 1);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.audit_log a JOIN yh.event e ON e.uid::text = a.entity_id"
		" JOIN yh.person p ON p.id = e.person_id WHERE p.uid = $1::uuid AND a.action = 'event.death'", 1, p), 1);
	/* once only; and no more events for the deceased */
	free(case_event(&T.cw_a, "death", cadre, case_today(), &rc, &err));
	CU_ASSERT_EQUAL(rc, YH_ECONFLICT);
	free(case_event(&T.cw_a, "hospitalised", cadre, case_today(), &rc, &err));
	CU_ASSERT_EQUAL(rc, YH_ECONFLICT);
	/* generation leaves the deceased out */
	f = yh_t_fields("from", case_today(), "through", case_day(400), NULL);
	CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.cw_a, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p), 1);
	/* the bereavement visit meets the open obligation */
	case_visit(&T.cw_a, cadre, case_q("SELECT to_char(now() - interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI')", 0, NULL),
		"临终去世", "上门", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.state = 'open'", 1, p), 0);
	/* a death date before birth is refused */
	free(case_event(&T.cw_a, "death", case_cadre("chikan", "生日后", "1950-01-01", "退休"), "1949-01-01", &rc, &err));
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "date");
}

struct death_racer {
	const char *person, *date;
	int rc;
	pthread_barrier_t *start;
};

static void *race_death(void *arg)
{
	struct death_racer *r = arg;
	yh_db *db = NULL;
	yh_fields *f = yh_t_fields("type", "death", "person", r->person, "date", r->date, NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	yh_db_open(&db, T.conninfo, "race", &err);
	pthread_barrier_wait(r->start);
	r->rc = db ? yh_event_record(db, &T.cw_a, f, &out, &err) : 99;
	free(out);
	yh_fields_free(f);
	yh_db_close(db);
	return NULL;
}

static void test_death_race(void)
{
	const char *cadre = case_cadre("chikan", "并发去世", "1930-01-01", "退休");
	char today[16];
	struct death_racer r[4];
	pthread_t th[4];
	pthread_barrier_t start;
	const char *p[1] = { cadre };
	int ok = 0;

	snprintf(today, sizeof(today), "%s", case_today());
	pthread_barrier_init(&start, NULL, 4);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct death_racer){ cadre, today, 0, &start };
		pthread_create(&th[i], NULL, race_death, &r[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok += r[i].rc == 0;
		if (r[i].rc != 0)
			CU_ASSERT_EQUAL(r[i].rc, YH_ECONFLICT);
	}
	pthread_barrier_destroy(&start);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.occasion = '临终去世'", 1, p), 1);
}

static void test_weather(void)
{
	const char *old = case_cadre("chikan", "高龄甲", "1940-01-01", "退休"); /* 85 */
	const char *alone = case_cadre("chikan", "独居乙", "1950-01-01", "退休");
	const char *frail = case_cadre("chikan-east", "失能丙", "1950-01-01", "退休");
	const char *remote = case_cadre("chikan", "偏远丁", "1950-01-01", "退休");
	const char *young = case_cadre("chikan", "年轻戊", "1950-01-01", "退休");
	const char *gone = case_cadre("chikan", "已故己", "1930-01-01", "退休");
	const char *moved = case_cadre("chikan", "迁出庚", "1930-01-01", "退休");
	const char *other = case_cadre("chikan", "别区辛", "1930-01-01", "退休");
	const char *far = case_cadre("xiashan", "霞山壬", "1930-01-01", "退休");
	const char *all[] = { old, alone, frail, remote, young, gone, moved, other, far };
	const int want_cw[] = { 1, 1, 1, 1, 0, 0, 0, 0, 0 };
	const int want_city[] = { 1, 1, 1, 1, 0, 0, 0, 1, 1 };
	yh_fields *f;
	char *out = NULL, ev[64];
	yh_err err;

	for (int i = 0; i < 9; i++)
		case_set(all[i], i == 7 ? "district = '霞山区'" : "district = '赤坎区'");
	case_set(alone, "living_situation = '独居'");
	case_set(frail, "care_level = '失能'");
	case_set(remote, "remote = true");
	case_set(gone, "deceased_on = DATE '2024-01-01'");
	case_set(moved, "transferred_out_on = DATE '2024-01-01'");
	yh_err_clear(&err);
	f = yh_t_fields("type", "weather", "date", "2025-07-10", "ends_on", "2025-07-20", "district", "赤坎区",
		"note", "高温红色预警", NULL);
	CU_ASSERT_EQUAL_FATAL(yh_event_record(T.db, &T.cw_a, f, &out, &err), 0);
	snprintf(ev, sizeof(ev), "%s", yh_t_json(out, "event.id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.due_on"), "2025-07-20");
	free(out);
	yh_fields_free(f);
	for (int i = 0; i < 9; i++) {
		const char *p[2] = { all[i], ev };
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" JOIN yh.event e ON e.id = o.event_id WHERE p.uid = $1::uuid AND e.uid = $2::uuid"
			" AND o.occasion = '酷暑严寒'", 2, p), want_cw[i]);
	}
	/* the whole city, by an admin */
	f = yh_t_fields("type", "weather", "date", "2025-01-10", "note", "寒潮", NULL);
	CU_ASSERT_EQUAL_FATAL(yh_event_record(T.db, &T.admin, f, &out, &err), 0);
	snprintf(ev, sizeof(ev), "%s", yh_t_json(out, "event.id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "obligations.0.due_on"), "2025-01-13"); /* weather_days 3 */
	free(out);
	yh_fields_free(f);
	for (int i = 0; i < 9; i++) {
		const char *p[2] = { all[i], ev };
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" JOIN yh.event e ON e.id = o.event_id WHERE p.uid = $1::uuid AND e.uid = $2::uuid", 2, p),
			want_city[i]);
	}
	f = yh_t_fields("type", "weather", "date", "2025-07-10", "ends_on", "2025-07-01", NULL);
	CU_ASSERT_EQUAL(yh_event_record(T.db, &T.admin, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "ends_on");
	yh_fields_free(f);
	/* the caseworker sees the city-wide alert in the event list */
	f = yh_t_fields("type", "weather", NULL);
	CU_ASSERT_EQUAL(yh_event_list(T.db, &T.cw_b, f, &out, &err), 0);
	CU_ASSERT(yh_t_json_len(out, "") >= 1);
	free(out);
	yh_fields_free(f);
}

/* yh.person_tally (0067) still counts every person after the suite's deaths and transfers */
static void test_tally_in_step(void)
{
	CU_ASSERT_EQUAL(yh_t_tally_drift(), 0);
}

/* After a death only the 临终去世 visit (to the family) is logged for the person; a festival or
 * hospital visit dated after it was taken and counted in the year's visit figures. */
static void test_visit_after_death(void)
{
	const char *cadre = case_cadre("chikan", "身后访", "1930-02-03", "退休");
	const char *before, *v;
	yh_fields *f;
	char *out = NULL, vid[64];
	yh_err err;
	int rc;

	before = case_visit(&T.cw_a, cadre, "2025-03-01T10:00", "重大节日", "上门", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	snprintf(vid, sizeof(vid), "%s", before);
	free(case_event(&T.cw_a, "death", cadre, "2025-03-15", &rc, &err));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	/* the day of the death is still his */
	case_visit(&T.cw_a, cadre, "2025-03-15T09:00", "重病住院", "医院", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	yh_err_clear(&err);
	f = yh_t_fields("person", cadre, "visited_at", "2025-05-01T10:00", "occasion", "重大节日", "mode", "上门", NULL);
	CU_ASSERT_EQUAL(yh_visit_create(T.db, &T.cw_a, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "visited_at");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "2025-03-15"));
	yh_fields_free(f);
	free(out);
	out = NULL;
	case_visit(&T.cw_a, cadre, "2025-03-16T10:00", "重病住院", "医院", &rc);
	CU_ASSERT_EQUAL(rc, YH_EINVAL);
	v = case_visit(&T.cw_a, cadre, "2025-03-17T10:00", "临终去世", "上门", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_NOT_EQUAL(v, "");
	/* nor moved there by an amendment */
	f = yh_t_fields("reason", "改日期", "visited_at", "2025-04-01T10:00", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "visited_at");
	yh_fields_free(f);
	free(out);
	out = NULL;
	f = yh_t_fields("reason", "改日期", "visited_at", "2025-03-02T10:00", NULL);
	CU_ASSERT_EQUAL(yh_visit_amend(T.db, &T.cw_a, vid, f, &out, &err), 0);
	yh_fields_free(f);
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
		" WHERE p.name = '身后访' AND v.visited_on > p.deceased_on AND v.occasion <> '临终去世'"), 0);
}

static const yh_t_case cases[] = {
	{ "care plan revisions, measures, scope", test_plan_revisions },
	{ "plan review interval from settings", test_plan_review_setting },
	{ "visit amendments keep history", test_visit_amendments },
	{ "visit validation and scope", test_visit_validation },
	{ "illness event and automatic meeting", test_illness_event_and_auto_meet },
	{ "timezone boundary (23:30 on the due date)", test_timezone_boundary },
	{ "obligation state machine", test_state_machine },
	{ "8 threads race to meet/waive", test_race_eight_threads },
	{ "death is one transaction", test_death_transaction },
	{ "concurrent deaths: one wins", test_death_race },
	{ "after a death only the 临终去世 visit", test_visit_after_death },
	{ "extreme weather for the vulnerable", test_weather },
	{ "person tally in step", test_tally_in_step },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case");
	rc = yh_t_run("case", cases);
	yh_t_teardown();
	return rc;
}
