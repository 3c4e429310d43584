/*
 * The pay module's core against a real PostgreSQL: programmes and rates,
 * eligibility and stops, batches that never pay twice (also concurrently),
 * maker-checker in the core and in the database, the state machine,
 * the meeting threshold, reversals, branch allowances, scopes and figures.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "test_pay_util.h"

static yh_fields *F(const char *k, const char *v)
{
	return yh_t_fields(k, v, NULL);
}

/* Calls an operation on a batch with fields; returns its code and frees everything. */
typedef int (*batch_op)(yh_db *, const yh_actor *, const char *, const yh_fields *, char **, yh_err *);
static int op(batch_op fn, const yh_actor *a, const char *id, yh_fields *f, yh_err *err)
{
	char *out = NULL;
	int rc;

	yh_err_clear(err);
	rc = fn(T.db, a, id, f, &out, err);
	free(out);
	yh_fields_free(f);
	return rc;
}

/* A figure (codes hold dots, so no path lookup); "budget_lines/KEY" reads inside the object. */
static long fig(const char *programme, const char *code)
{
	char *out = NULL;
	const char *slash = strchr(code, '/');
	json_t *doc, *v;
	yh_err err;
	long n = -1;

	yh_err_clear(&err);
	if (yh_pay_figures_programme(T.db, &T.auditor, "2022-01-01", "2022-12-31", NULL, programme, &out, &err) != 0) {
		fprintf(stderr, "figures: %s\n", err.msg);
		return -1;
	}
	doc = json_loads(out, 0, NULL);
	v = slash ? json_object_get(json_object_get(doc, "budget_lines"), slash + 1) : json_object_get(doc, code);
	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	json_decref(doc);
	free(out);
	return n;
}

/* A member of the item whose name is name, in a JSON object's "items" (static buffer). */
static const char *item(const char *json, const char *name, const char *member)
{
	static char buf[256];
	json_t *doc = json_loads(json, 0, NULL), *it;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		if (strcmp(json_string_value(json_object_get(it, "name")), name) == 0) {
			char *s = json_dumps(json_object_get(it, member), JSON_ENCODE_ANY);
			snprintf(buf, sizeof(buf), "%s", s ? s : "");
			free(s);
		}
	}
	json_decref(doc);
	return buf;
}

static void test_programmes_and_rates(void)
{
	yh_fields *f;
	char *out = NULL;
	yh_err err;
	char st[6];

	PT_PROGRAMME(&T.clerk, "code", "widow", "name", "已故企业离休干部配偶定期困难补助", "budget_line", "2080502 离休人员",
		"period", "monthly", "beneficiary", "survivor", "categories", "[\"企业离休\"]", "relationships", "[\"配偶\"]",
		"amount", "657.55", "valid_from", "2021-01-01");
	f = yh_t_fields("valid_from", "2023-01-01", "amount", "700", NULL);
	CU_ASSERT_EQUAL(op(yh_programme_rate_add, &T.clerk, "widow", f, &err), 0);
	f = yh_t_fields("valid_from", "2023-01-01", "amount", "710", NULL);
	CU_ASSERT_EQUAL(op(yh_programme_rate_add, &T.clerk, "widow", f, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "valid_from");
	f = yh_t_fields("valid_from", "2024-01-01", "amount", "1.234", NULL);
	CU_ASSERT_EQUAL(op(yh_programme_rate_add, &T.clerk, "widow", f, &err), YH_EINVAL);
	f = yh_t_fields("valid_from", "2024-01-01", "amount", "1", "post", "书记", NULL);
	CU_ASSERT_EQUAL(op(yh_programme_rate_add, &T.clerk, "widow", f, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "post");
	CU_ASSERT_EQUAL(yh_programme_get(T.db, &T.auditor, "widow", &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "rates"), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "rates.0.amount"), "657.55");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "rates.1.amount_fen"), "70000");
	free(out);
	/* duplicates and bad input name their field */
	f = yh_t_fields("code", "widow", "name", "x", "budget_line", "b", "period", "monthly", NULL);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.clerk, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "code");
	yh_fields_free(f);
	f = yh_t_fields("code", "p2", "name", "x", "budget_line", "b", "period", "weekly", NULL);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "period");
	yh_fields_free(f);
	f = yh_t_fields("code", "p2", "name", "x", "budget_line", "b", "period", "yearly", "proof_of_life", "true",
		"proof_due", "02-29", NULL);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "proof_due");
	yh_fields_free(f);
	f = yh_t_fields("code", "p3", "name", "x", "budget_line", "b", "period", "monthly", "kind", "branch_allowance", NULL);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "period");
	yh_fields_free(f);
	/* history is kept: the database refuses to edit a rate */
	CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.programme_rate SET amount_fen = 1", st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH403");
}

/* 657.55 x 12 = 7890.60 exactly, and the rate in force at the period start applies. */
static void test_year_of_subsidy(void)
{
	const char *cadre = pt_person("李建国", "cadre", "企业离休", "chikan", NULL, NULL);
	const char *widow = pt_person("王秀英", "survivor", NULL, "chikan", cadre, "配偶");
	char period[16], st[6];
	const char *b;
	yh_err err;

	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = '2021-05-01' WHERE name = '李建国'", st), 0);
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "widow", widow, "2021-06-01", "6222 0212 3456 7890", NULL));
	/* the cadre himself is not a survivor: enrolling him is possible, paying him is not */
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "widow", cadre, "2021-06-01", "6222021234560000", NULL));
	for (int m = 1; m <= 12; m++) {
		snprintf(period, sizeof(period), "2022-%02d", m);
		b = pt_generate(&T.clerk, "widow", period, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "1");
		CU_ASSERT_STRING_EQUAL(pt_batch(b, "total_fen"), "65755");
		pt_pay(b, "/tmp/yh-pay-test-year.csv");
	}
	CU_ASSERT_EQUAL(fig("widow", "subsidies.amount_fen"), 789060);
	CU_ASSERT_EQUAL(fig("widow", "subsidies.payments"), 12);
	CU_ASSERT_EQUAL(fig("widow", "subsidies.beneficiaries"), 1);
	CU_ASSERT_EQUAL(fig("widow", "budget_lines/2080502 离休人员"), 789060);
	/* the same month again: everybody is already paid */
	pt_generate(&T.clerk, "widow", "2022-05", YH_ECONFLICT);
	/* 2023 pays the new rate */
	b = pt_generate(&T.clerk, "widow", "2023-01", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "total"), "700.00");
	CU_ASSERT_EQUAL(op(yh_batch_cancel, &T.clerk, b, F("reason", "测试"), &err), 0);
	remove("/tmp/yh-pay-test-year.csv");
}

static const char *enrol_status(const char *programme, const char *period, const char *person, const char *member)
{
	yh_fields *f = yh_t_fields("programme", programme, "period", period, "person", person, NULL);
	static char buf[128];
	char *out = NULL, path[64];
	yh_err err;

	yh_err_clear(&err);
	buf[0] = '\0';
	if (yh_enrol_list(T.db, &T.auditor, f, &out, &err) == 0) {
		snprintf(path, sizeof(path), "0.%s", member);
		snprintf(buf, sizeof(buf), "%s", yh_t_json(out, path) ? yh_t_json(out, path) : "(none)");
	} else {
		fprintf(stderr, "enrol list: %s\n", err.msg);
	}
	free(out);
	yh_fields_free(f);
	return buf;
}

/* A survivor of a cadre still alive is stopped saying so, not with a bare 'not eligible'. */
static void test_survivor_of_living_cadre(void)
{
	const char *cadre = pt_person("周健在", "cadre", "企业离休", "chikan", NULL, NULL);
	const char *wife = pt_person("吴配偶", "survivor", NULL, "chikan", cadre, "配偶");
	const char *son = pt_person("周子女", "survivor", NULL, "chikan", cadre, "子女");
	char st[6];

	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "widow", wife, "2022-01-01", "6222000011116666", NULL));
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "widow", son, "2022-01-01", "6222000011117777", NULL));
	CU_ASSERT_STRING_EQUAL(enrol_status("widow", "2022-03", wife, "reason"), "not_eligible");
	CU_ASSERT_PTR_NOT_NULL(strstr(enrol_status("widow", "2022-03", wife, "reason_text"), "周健在健在"));
	CU_ASSERT_STRING_EQUAL(enrol_status("widow", "2022-03", son, "reason_text"), "不符合资格条件");
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = '2022-03-10' WHERE name = '周健在'", st), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(enrol_status("widow", "2022-03", wife, "reason_text"), "2022-03-10 去世：自次月起发放"));
	CU_ASSERT_STRING_EQUAL(enrol_status("widow", "2022-04", wife, "status"), "payable");
}

/* A death stops payment from the next period; a period is paid if alive on its first day. */
static void test_death_stops_payment(void)
{
	const char *p = pt_person("赵志刚", "cadre", "离休", "xiashan", NULL, NULL);
	const char *q = pt_person("钱德明", "cadre", "离休", "xiashan", NULL, NULL);
	char st[6];
	const char *b;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "care", "name", "护理费", "budget_line", "2080501", "period", "monthly",
		"beneficiary", "cadre", "amount", "100");
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "care", p, "2022-01-01", "6222000011112222", NULL));
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "care", q, "2022-01-01", "6222000011113333", NULL));
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = '2022-03-15' WHERE name = '赵志刚'", st), 0);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = '2022-05-01' WHERE name = '钱德明'", st), 0);
	CU_ASSERT_STRING_EQUAL(enrol_status("care", "2022-03", p, "status"), "payable");
	CU_ASSERT_STRING_EQUAL(enrol_status("care", "2022-04", p, "status"), "stopped");
	CU_ASSERT_STRING_EQUAL(enrol_status("care", "2022-04", p, "reason"), "deceased");
	CU_ASSERT_PTR_NOT_NULL(strstr(enrol_status("care", "2022-04", p, "reason_text"), "2022-03-15"));
	b = pt_generate(&T.clerk, "care", "2022-03", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "2");
	b = pt_generate(&T.clerk, "care", "2022-04", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "1"); /* only 钱德明 */
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "left_out"), "(null)");
	b = pt_generate(&T.clerk, "care", "2022-05", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "1"); /* died on 1 May: alive on its first day */
	pt_generate(&T.clerk, "care", "2022-06", YH_ECONFLICT);
	/* ending an enrolment stops it from the next period too, with the reason */
	{
		const char *r = pt_person("孙立新", "cadre", "离休", "xiashan", NULL, NULL);
		const char *e = pt_enrol(&T.clerk, "care", r, "2022-01-01", "6222000011114444", NULL);
		CU_ASSERT_EQUAL(op(yh_enrol_end, &T.clerk, e, yh_t_fields("end_on", "2022-06-10", "reason", "迁往外地", NULL), &err), 0);
		CU_ASSERT_EQUAL(op(yh_enrol_end, &T.clerk, e, yh_t_fields("end_on", "2022-07-10", "reason", "x", NULL), &err),
			YH_ECONFLICT);
		CU_ASSERT_STRING_EQUAL(enrol_status("care", "2022-06", r, "status"), "payable");
		CU_ASSERT_STRING_EQUAL(enrol_status("care", "2022-07", r, "reason"), "ended");
		CU_ASSERT_PTR_NOT_NULL(strstr(enrol_status("care", "2022-07", r, "reason_text"), "迁往外地"));
	}
}

/* Proof of life overdue stops payment; a late proof resumes it. The income test likewise. */
static void test_proof_of_life_and_income(void)
{
	const char *p = pt_person("周玉兰", "cadre", "退休", "bureau", NULL, NULL);
	const char *e;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "pol", "name", "生活补贴", "budget_line", "2080501", "period", "monthly",
		"proof_of_life", "true", "proof_due", "03-31", "income_test", "true", "amount", "50");
	e = pt_enrol(&T.clerk, "pol", p, "2020-01-01", "6222000022223333", NULL);
	CU_ASSERT_STRING_EQUAL(enrol_status("pol", "2021-02", p, "reason"), "income_test");
	CU_ASSERT_EQUAL(op(yh_enrol_update, &T.clerk, e, F("income_ok", "true"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_enrol_proof, &T.clerk, e, F("verified_on", "2021-03-10"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_enrol_proof, &T.clerk, e, F("verified_on", "2999-01-01"), &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(enrol_status("pol", "2022-03", p, "status"), "payable");
	CU_ASSERT_STRING_EQUAL(enrol_status("pol", "2022-04", p, "reason"), "proof_of_life_overdue");
	pt_generate(&T.clerk, "pol", "2022-04", YH_ECONFLICT);
	CU_ASSERT_EQUAL(op(yh_enrol_proof, &T.clerk, e, F("verified_on", "2022-04-20"), &err), 0);
	CU_ASSERT_STRING_EQUAL(enrol_status("pol", "2022-04", p, "status"), "payable");
	CU_ASSERT_PTR_NOT_NULL(pt_generate(&T.clerk, "pol", "2022-04", 0));
	CU_ASSERT_STRING_EQUAL(enrol_status("pol", "2024-04", p, "reason"), "proof_of_life_overdue");
}

struct gen_arg {
	const char *programme, *period;
	const yh_actor *actor;
	pthread_barrier_t *barrier;
	int rc;
};

static void *gen_thread(void *arg)
{
	struct gen_arg *g = arg;
	yh_fields *f = yh_t_fields("programme", g->programme, "period", g->period, NULL);
	yh_db *db = NULL;
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	g->rc = yh_db_open(&db, T.conninfo, "pay-test", &err);
	pthread_barrier_wait(g->barrier);
	if (g->rc == 0)
		g->rc = yh_batch_generate(db, g->actor, f, &out, &err);
	free(out);
	yh_fields_free(f);
	yh_db_close(db);
	return NULL;
}

/* Two clerks generate the same batch at the same moment: one set of lines. */
static void test_concurrent_generation(void)
{
	pthread_barrier_t barrier;
	pthread_t th[2];
	struct gen_arg args[2];
	char name[32], acct[32], st[6];
	int ok = 0, conflict = 0;

	PT_PROGRAMME(&T.clerk, "code", "conc", "name", "节日慰问金", "budget_line", "2080599", "period", "quarterly",
		"amount", "200");
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "并发%03d", i);
		snprintf(acct, sizeof(acct), "62220300%08d", i);
		CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "conc", pt_person(name, "cadre", "退休", "bureau", NULL, NULL),
			"2021-01-01", acct, NULL));
	}
	pthread_barrier_init(&barrier, NULL, 2);
	for (int i = 0; i < 2; i++) {
		/* two bureau-wide payers: the clerk and the admin */
		args[i] = (struct gen_arg){ "conc", "2022-Q1", i ? &T.admin : &T.clerk, &barrier, -99 };
		pthread_create(&th[i], NULL, gen_thread, &args[i]);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ok += args[i].rc == 0;
		conflict += args[i].rc == YH_ECONFLICT;
	}
	pthread_barrier_destroy(&barrier);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(conflict, 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.payment_line l JOIN yh.programme g ON g.id = l.programme_id"
		" WHERE g.code = 'conc'"), 150);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(DISTINCT l.person_id) FROM yh.payment_line l JOIN yh.programme g"
		" ON g.id = l.programme_id WHERE g.code = 'conc'"), 150);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.batch b JOIN yh.programme g ON g.id = b.programme_id"
		" WHERE g.code = 'conc'"), 1);
	/* the key holds against a hand-written duplicate too */
	CU_ASSERT_NOT_EQUAL(yh_t_sql("INSERT INTO yh.payment_line (ref, batch_id, programme_id, period, period_start,"
		" person_id, enrolment_id, unit_id, amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher,"
		" account_masked, bank_name) SELECT gen_random_uuid(), batch_id, programme_id, period, period_start, person_id,"
		" enrolment_id, unit_id, amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher,"
		" account_masked, bank_name FROM yh.payment_line WHERE period = '2022-Q1' LIMIT 1", st), 0);
	CU_ASSERT_STRING_EQUAL(st, "23505");
}

/* Maker != checker: in the core, and when writing to the database directly. */
static void test_maker_checker(void)
{
	const char *p = pt_person("吴桂芳", "cadre", "退休", "bureau", NULL, NULL);
	const char *b;
	char st[6], sql[512], own[37];
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "mc", "name", "一次性困难补助", "budget_line", "2080599", "period", "one_off",
		"amount", "500");
	pt_enrol(&T.clerk, "mc", p, "2022-01-01", "6222000033334444", NULL);
	/* an approver's own batch (as if an approver had generated it) */
	yh_uuid_new(own);
	snprintf(sql, sizeof(sql), "INSERT INTO yh.batch (uid, programme_id, period, period_start, period_end, unit_id,"
		" created_by) SELECT '%s', g.id, 'own', '2022-01-05', '2022-01-05', 1, s.id FROM yh.programme g, yh.staff s"
		" WHERE g.code = 'mc' AND s.username = 'approver'", own);
	CU_ASSERT_EQUAL_FATAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, own, yh_t_fields(NULL, NULL), &err), YH_EFORBIDDEN);
	snprintf(sql, sizeof(sql), "UPDATE yh.batch SET state = 'approved', approved_by = created_by, approved_at = now()"
		" WHERE uid = '%s'", own);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(st, "23514");
	/* a clerk's batch: the clerk may not approve it, nor sign it off by SQL */
	{
		yh_fields *f = yh_t_fields("programme", "mc", "period", "2022春节", "date", "2022-01-20", NULL);
		char *out = NULL;
		CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.clerk, f, &out, &err), 0);
		b = yh_t_json(out, "id");
		snprintf(own, sizeof(own), "%s", b);
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.clerk, own, yh_t_fields(NULL, NULL), &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.admin, own, yh_t_fields(NULL, NULL), &err), YH_EFORBIDDEN);
	snprintf(sql, sizeof(sql), "UPDATE yh.batch SET state = 'approved', approved_by = created_by, approved_at = now()"
		" WHERE uid = '%s'", own);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(own, "state"), "draft");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, own, yh_t_fields("control_sum", "abc", NULL), &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(err.field, "control_sum");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, own,
		yh_t_fields("control_sum", pt_batch(own, "control_sum"), NULL), &err), 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(own, "approved_by"), "approver");
}

struct approve_arg {
	const char *batch;
	const yh_actor *actor;
	pthread_barrier_t *barrier;
	int rc;
};

static void *approve_thread(void *arg)
{
	struct approve_arg *g = arg;
	yh_fields *f = yh_t_fields(NULL, NULL);
	yh_db *db = NULL;
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	g->rc = yh_db_open(&db, T.conninfo, "pay-test", &err);
	pthread_barrier_wait(g->barrier);
	if (g->rc == 0)
		g->rc = yh_batch_approve(db, g->actor, g->batch, f, &out, &err);
	free(out);
	yh_fields_free(f);
	yh_db_close(db);
	return NULL;
}

/* draft -> approved -> exported -> settled; cancelled only before export; conflicts otherwise. */
static void test_state_machine(void)
{
	const char *p = pt_person("郑海燕", "cadre", "退休", "bureau", NULL, NULL);
	yh_bankfile_opts o = { YH_TABLE_CSV, NULL, "/tmp/yh-pay-test-sm.csv" };
	pthread_barrier_t barrier;
	pthread_t th[8];
	struct approve_arg args[8];
	char b[40], sql[256], st[6], *out = NULL;
	int ok = 0, conflict = 0;
	long audits;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "sm", "name", "特需经费", "budget_line", "2080599", "period", "yearly", "amount", "1200");
	pt_enrol(&T.clerk, "sm", p, "2020-01-01", "6222000044445555", NULL);
	snprintf(b, sizeof(b), "%s", pt_generate(&T.clerk, "sm", "2022", 0));
	/* a cancelled draft releases its lines: the period can be generated again, with new references */
	CU_ASSERT_EQUAL(op(yh_batch_cancel, &T.approver, b, F("reason", "退回重做"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_batch_cancel, &T.clerk, b, F("reason", "again"), &err), YH_ECONFLICT);
	snprintf(b, sizeof(b), "%s", pt_generate(&T.clerk, "sm", "2022", 0));
	audits = yh_t_count("SELECT count(*) FROM yh.audit_log");
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_export(T.db, &T.clerk, b, &o, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(op(yh_batch_settle, &T.clerk, b, F("bank_ref", "X"), &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(op(yh_batch_reissue, &T.clerk, b, yh_t_fields(NULL, NULL), &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log"), audits);
	/* eight approvers at once: exactly one wins */
	pthread_barrier_init(&barrier, NULL, 8);
	for (int i = 0; i < 8; i++) {
		args[i] = (struct approve_arg){ b, i % 2 ? &T.approver2 : &T.approver, &barrier, -99 };
		pthread_create(&th[i], NULL, approve_thread, &args[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ok += args[i].rc == 0;
		conflict += args[i].rc == YH_ECONFLICT;
	}
	pthread_barrier_destroy(&barrier);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(conflict, 7);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.audit_log WHERE action = 'batch.approve' AND entity_id = '%s'", b);
	CU_ASSERT_EQUAL(yh_t_count(sql), 1);
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, b, yh_t_fields(NULL, NULL), &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "approved"));
	CU_ASSERT_EQUAL(yh_batch_export(T.db, &T.clerk, b, &o, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(op(yh_batch_cancel, &T.clerk, b, F("reason", "too late"), &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(op(yh_batch_reissue, &T.clerk, b, yh_t_fields(NULL, NULL), &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(op(yh_batch_settle, &T.clerk, b, F("bank_ref", "B-1"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_batch_settle, &T.clerk, b, F("bank_ref", "B-2"), &err), YH_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "state"), "settled");
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "paid_fen"), "120000");
	/* every transition of that batch is in the audit trail, once */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.audit_log WHERE entity = 'batch' AND entity_id = '%s'", b);
	CU_ASSERT_EQUAL(yh_t_count(sql), 4); /* generate, approve, export, settle */
	/* the database holds the line: no going back, no edits, no deletes */
	snprintf(sql, sizeof(sql), "UPDATE yh.batch SET state = 'draft' WHERE uid = '%s'", b);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH409");
	CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.payment_line SET amount_fen = amount_fen + 1", st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH403");
	CU_ASSERT_NOT_EQUAL(yh_t_sql("UPDATE yh.payment_line SET status = 'pending' WHERE status = 'paid'", st), 0);
	CU_ASSERT_NOT_EQUAL(yh_t_sql("DELETE FROM yh.payment_line", st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH403");
	CU_ASSERT_NOT_EQUAL(yh_t_sql("DELETE FROM yh.batch", st), 0);
	remove(o.path);
}

/* Above the threshold (三重一大) approval needs a meeting reference, in the core and in the database. */
static void test_meeting_threshold(void)
{
	const char *p = pt_person("冯国强", "cadre", "离休", "bureau", NULL, NULL);
	const char *b;
	char sql[256], st[6], bid[40];
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "big", "name", "大额一次性补助", "budget_line", "2080599", "period", "one_off",
		"amount", "100000.01");
	pt_enrol(&T.clerk, "big", p, "2022-01-01", "6222000055556666", NULL);
	{
		yh_fields *f = yh_t_fields("programme", "big", "period", "2022专项", "date", "2022-06-01", NULL);
		char *out = NULL;
		CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.clerk, f, &out, &err), 0);
		snprintf(bid, sizeof(bid), "%s", yh_t_json(out, "id"));
		free(out);
		yh_fields_free(f);
	}
	b = bid;
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "needs_meeting_ref"), "true");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, b, yh_t_fields(NULL, NULL), &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "meeting_ref");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, b, F("meeting_ref", "  "), &err), YH_EINVAL);
	snprintf(sql, sizeof(sql), "UPDATE yh.batch SET state = 'approved', approved_by = (SELECT id FROM yh.staff"
		" WHERE username = 'approver'), approved_at = now() WHERE uid = '%s'", b);
	CU_ASSERT_NOT_EQUAL(yh_t_sql(sql, st), 0);
	CU_ASSERT_STRING_EQUAL(st, "YH422");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, b, F("meeting_ref", "2022年第6次局务会"), &err), 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "meeting_ref"), "2022年第6次局务会");
	/* the threshold is a setting: lowered to 1 yuan, a 500-yuan batch needs a meeting too */
	CU_ASSERT_EQUAL(yh_t_sql("INSERT INTO yh.setting (key, valid_from, value) VALUES"
		" ('batch.meeting_threshold_fen', '2000-01-01', '100')", st), 0);
	{
		yh_fields *f = yh_t_fields("programme", "mc", "period", "2022端午", "date", "2022-06-03", NULL);
		char *out = NULL;
		CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.clerk, f, &out, &err), 0);
		snprintf(bid, sizeof(bid), "%s", yh_t_json(out, "id"));
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_STRING_EQUAL(pt_batch(bid, "needs_meeting_ref"), "true");
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, bid, yh_t_fields(NULL, NULL), &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_sql("DELETE FROM yh.setting WHERE key = 'batch.meeting_threshold_fen'"
		" AND valid_from = '2000-01-01'", st), 0);
	CU_ASSERT_EQUAL(op(yh_batch_approve, &T.approver, bid, yh_t_fields(NULL, NULL), &err), 0);
}

/* 10.31 - 9.46 = 0.85: a partial reversal is a compensating line, never an edit. */
static void test_reversal(void)
{
	const char *p = pt_person("陈淑华", "cadre", "退休", "chikan", NULL, NULL);
	const char *b, *ref;
	char refbuf[40], *out = NULL;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "rev", "name", "医药费补助", "budget_line", "2101101", "period", "monthly",
		"amount", "10.31");
	pt_enrol(&T.clerk, "rev", p, "2022-01-01", "6222000066667777", NULL);
	b = pt_generate(&T.clerk, "rev", "2022-02", 0);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.clerk, b, -1, &out, &err), 0);
	ref = yh_t_json(out, "lines.0.ref");
	snprintf(refbuf, sizeof(refbuf), "%s", ref ? ref : "");
	free(out);
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.clerk, refbuf, F("reason", "未付"), &err), YH_ECONFLICT);
	pt_pay(b, "/tmp/yh-pay-test-rev.csv");
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.auditor, refbuf, F("reason", "x"), &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.clerk, refbuf, yh_t_fields("reason", "多付", "amount", "10.32", NULL),
		&err), YH_EINVAL);
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.clerk, refbuf, yh_t_fields("reason", "多付", "amount", "9.46", NULL),
		&err), 0);
	CU_ASSERT_EQUAL(fig("rev", "subsidies.amount_fen"), 85);
	CU_ASSERT_EQUAL(fig("rev", "subsidies.payments"), 1);
	CU_ASSERT_EQUAL(fig("rev", "payments.reversals"), 1);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "net_paid"), "0.85");
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "total"), "10.31");
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'payment.reverse'"), 1);
	/* the rest, then nothing more */
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.clerk, refbuf, F("reason", "全部追回"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_payment_reverse, &T.clerk, refbuf, F("reason", "again"), &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(fig("rev", "subsidies.amount_fen"), 0);
	CU_ASSERT_EQUAL(fig("rev", "subsidies.payments"), 0);
	CU_ASSERT_EQUAL(fig("rev", "payments.reversals"), 2);
	/* a reversed payment is not paid again by a new generation */
	pt_generate(&T.clerk, "rev", "2022-02", YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_pay_figure_records_programme(T.db, &T.auditor, "payments.reversals", "2022-01-01",
		"2022-12-31", NULL, "rev", &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.reverses"), refbuf);
	free(out);
	CU_ASSERT_EQUAL(yh_pay_figure_records(T.db, &T.auditor, "nonsense", "2022-01-01", "2022-12-31", NULL, &out, &err),
		YH_ENOTFOUND);
	remove("/tmp/yh-pay-test-rev.csv");
}

static const char *add_branch(const char *name, const char *type, const char *unit)
{
	static char ring[8][40];
	static int slot;
	yh_fields *f = yh_t_fields("name", name, "type", type, "unit", unit, "founded_on", "2000-01-01",
		"term_end", "2021-06-30", "member_count", "12", NULL);
	char *out = NULL;
	yh_err err;
	const char *res = NULL;

	yh_err_clear(&err);
	if (pt_rc(yh_branch_add(T.db, &T.clerk, f, &out, &err), 0, &err, "branch add")) {
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", yh_t_json(out, "id"));
		res = ring[slot];
	}
	free(out);
	yh_fields_free(f);
	return res;
}

static int post(const char *branch, const char *person, const char *p, const char *from, const char *to)
{
	yh_fields *f = yh_t_fields("person", person, "post", p, "from_on", from, "to_on", to ? to : "null", NULL);
	char *out = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_branch_post_add(T.db, &T.clerk, branch, f, &out, &err);
	free(out);
	yh_fields_free(f);
	return rc;
}

/* 3600 x 167 = 601,200.00; pro rata by months in post; several posts paid once (the highest). */
static void test_branch_allowance(void)
{
	char name[32], bname[32], acct[32], *out = NULL;
	const char *br, *person, *a, *bb, *x, *y, *b;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "sec", "name", "离退休干部党支部书记工作补贴", "budget_line", "2013299 党建经费",
		"period", "yearly", "kind", "branch_allowance");
	for (int i = 0; i < 167; i++) {
		snprintf(name, sizeof(name), "书记%03d", i);
		snprintf(bname, sizeof(bname), "离退休第%03d党支部", i);
		snprintf(acct, sizeof(acct), "62220500%08d", i);
		br = add_branch(bname, "支部", i % 2 ? "chikan" : "xiashan");
		person = pt_person(name, "cadre", "退休", i % 2 ? "chikan" : "xiashan", NULL, NULL);
		CU_ASSERT_EQUAL(post(br, person, "书记", "2021-01-01", NULL), 0);
		CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "sec", person, "2021-01-01", acct, NULL));
	}
	b = pt_generate(&T.clerk, "sec", "2022", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "167");
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "total"), "601200.00");
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "needs_meeting_ref"), "true"); /* 601,200 yuan: 三重一大 */
	pt_pay(b, "/tmp/yh-pay-test-sec.csv");
	CU_ASSERT_EQUAL(fig("sec", "branches.allowance_amount_fen"), 60120000);
	CU_ASSERT_EQUAL(fig("sec", "branches.allowance_secretaries"), 167);
	CU_ASSERT_EQUAL(fig("sec", "branches.allowance_branches"), 167);
	CU_ASSERT_EQUAL(fig("sec", "subsidies.amount_fen"), 0);
	remove("/tmp/yh-pay-test-sec.csv");

	/* a second programme with a committee rate, for the pro-rata cases */
	PT_PROGRAMME(&T.clerk, "code", "sec2", "name", "书记补贴(试点)", "budget_line", "2013299 党建经费", "period", "yearly",
		"kind", "branch_allowance");
	CU_ASSERT_EQUAL(op(yh_programme_rate_add, &T.clerk, "sec2", yh_t_fields("post", "委员", "amount", "210",
		"valid_from", "2020-01-01", NULL), &err), 0);
	x = add_branch("试点一支部", "支部", "bureau");
	y = add_branch("试点二支部", "临时支部", "bureau");
	a = pt_person("甲书记", "cadre", "退休", "bureau", NULL, NULL);
	bb = pt_person("乙书记", "cadre", "退休", "bureau", NULL, NULL);
	/* 甲: 书记 of X from April (9 months at 300) and 委员 of Y all year (Jan-Mar at 210) */
	CU_ASSERT_EQUAL(post(x, a, "书记", "2022-04-01", NULL), 0);
	CU_ASSERT_EQUAL(post(y, a, "委员", "2022-01-01", NULL), 0);
	/* 乙: 书记 of X until March (3 months) and 书记 of Y all year: paid once a month */
	CU_ASSERT_EQUAL(post(x, bb, "书记", "2021-01-01", "2022-03-31"), 0);
	CU_ASSERT_EQUAL(post(y, bb, "书记", "2021-01-01", NULL), 0);
	/* X cannot have two secretaries at once */
	CU_ASSERT_EQUAL(post(x, bb, "书记", "2022-03-01", NULL), YH_ECONFLICT);
	pt_enrol(&T.clerk, "sec2", a, "2021-01-01", "6222000077778888", NULL);
	pt_enrol(&T.clerk, "sec2", bb, "2021-01-01", "6222000077779999", NULL);
	/* 丙: 书记 of Z all year but transferred out on 1 October: paid January to October, not to December */
	{
		const char *c = pt_person("丙书记", "cadre", "退休", "bureau", NULL, NULL);
		const char *z = add_branch("试点三支部", "支部", "bureau");
		char st[6];
		CU_ASSERT_EQUAL(post(z, c, "书记", "2021-01-01", NULL), 0);
		pt_enrol(&T.clerk, "sec2", c, "2021-01-01", "6222000077770000", NULL);
		CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET transferred_out_on = '2022-10-01' WHERE name = '丙书记'", st), 0);
	}
	{
		yh_fields *f = yh_t_fields("programme", "sec2", "year", "2022", NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_branch_allowance(T.db, &T.clerk, f, &out, &err), 0);
		yh_fields_free(f);
	}
	CU_ASSERT_STRING_EQUAL(item(out, "乙书记", "amount"), "\"3600.00\"");
	CU_ASSERT_STRING_EQUAL(item(out, "甲书记", "amount"), "\"3330.00\"");
	CU_ASSERT_STRING_EQUAL(item(out, "甲书记", "months"), "12");
	CU_ASSERT_STRING_EQUAL(item(out, "甲书记", "enrolled"), "true");
	CU_ASSERT_PTR_NOT_NULL(strstr(item(out, "甲书记", "detail"), "委员"));
	CU_ASSERT_STRING_EQUAL(item(out, "丙书记", "months"), "10");
	CU_ASSERT_STRING_EQUAL(item(out, "丙书记", "amount"), "\"3000.00\"");
	free(out);
	b = pt_generate(&T.clerk, "sec2", "2022", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "total"), "9930.00");
	/* the registry: term overdue, current secretary, committee size */
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_branch_get(T.db, &T.auditor, x, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "secretary"), "甲书记");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "term_status"), "overdue");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "posts"), 2);
	free(out);
	CU_ASSERT_EQUAL(op(yh_branch_update, &T.clerk, x, F("term_end", "2027-06-30"), &err), 0);
	CU_ASSERT_EQUAL(op(yh_branch_update, &T.clerk, x, F("dissolved_on", "1999-01-01"), &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "dissolved_on");
	CU_ASSERT_EQUAL(yh_branch_get(T.db, &T.cw_a, x, &out, &err), YH_EFORBIDDEN);
}

/* Who may do what, and unit scoping for a clerk of a sub-unit. */
static void test_permissions_and_scope(void)
{
	const char *in_chikan = pt_person("林晓梅", "cadre", "退休", "chikan-east", NULL, NULL);
	const char *in_xiashan = pt_person("黄振华", "cadre", "退休", "xiashan", NULL, NULL);
	const char *b, *e;
	char *out = NULL, bid[40];
	yh_fields *f;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "scope", "name", "高龄补贴", "budget_line", "2080599", "period", "monthly", "amount", "88");
	yh_err_clear(&err);
	/* reads */
	CU_ASSERT_EQUAL(yh_programme_list(T.db, &T.auditor, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_programme_list(T.db, &T.cw_a, &out, &err), YH_EFORBIDDEN);
	/* writes */
	f = yh_t_fields("code", "nope", "name", "x", "budget_line", "b", "period", "monthly", NULL);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.auditor, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.approver, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_programme_add(T.db, &T.cw_a, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	/* a chikan clerk enrols chikan people only */
	f = yh_t_fields("programme", "scope", "person", in_xiashan, "start_on", "2022-01-01", "account", "6222000088880000",
		"bank_name", "农业银行", NULL);
	CU_ASSERT_EQUAL(yh_enrol_add(T.db, &T.clerk_a, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	e = pt_enrol(&T.clerk_a, "scope", in_chikan, "2022-01-01", "6222000088881111", NULL);
	CU_ASSERT_PTR_NOT_NULL(e);
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "scope", in_xiashan, "2022-01-01", "6222000088882222", "黄小华"));
	f = yh_t_fields("programme", "scope", NULL);
	CU_ASSERT_EQUAL(yh_enrol_list(T.db, &T.clerk_a, f, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.account"), "****1111");
	free(out);
	CU_ASSERT_EQUAL(yh_enrol_list(T.db, &T.auditor, f, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 2);
	{
		/* pages in the same order: limit 1 offset 1 is the second of the whole list */
		char second[64], *page = NULL;
		yh_fields *pf = yh_t_fields("programme", "scope", "limit", "1", "offset", "1", NULL);
		snprintf(second, sizeof(second), "%s", yh_t_json(out, "1.id"));
		CU_ASSERT_EQUAL(yh_enrol_list(T.db, &T.auditor, pf, &page, &err), 0);
		CU_ASSERT_EQUAL(yh_t_json_len(page, ""), 1);
		CU_ASSERT_STRING_EQUAL(yh_t_json(page, "0.id"), second);
		free(page);
		yh_fields_free(pf);
		pf = yh_t_fields("programme", "scope", "limit", "-1", NULL);
		CU_ASSERT_EQUAL(yh_enrol_list(T.db, &T.auditor, pf, &page, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "limit");
		yh_fields_free(pf);
	}
	free(out);
	yh_fields_free(f);
	/* the full account number is nowhere in what a read returns, nor in the audit trail */
	CU_ASSERT_EQUAL(yh_enrol_get(T.db, &T.auditor, e, &out, &err), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "6222000088881111"));
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE after::text LIKE '%6222000088881111%'"), 0);
	CU_ASSERT_EQUAL(yh_enrol_get(T.db, &T.clerk_a, "00000000-0000-0000-0000-000000000000", &out, &err), YH_ENOTFOUND);
	/* the chikan clerk's batch holds chikan beneficiaries only; the bureau clerk adds the rest */
	b = pt_generate(&T.clerk_a, "scope", "2022-07", 0);
	snprintf(bid, sizeof(bid), "%s", b);
	CU_ASSERT_STRING_EQUAL(pt_batch(bid, "count"), "1");
	CU_ASSERT_STRING_EQUAL(pt_batch(bid, "unit"), "chikan");
	b = pt_generate(&T.clerk, "scope", "2022-07", 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "count"), "1");
	CU_ASSERT_STRING_EQUAL(pt_batch(b, "flags.holder_name_differs"), "1");
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.clerk_a, b, 0, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.clerk_a, bid, 0, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.cw_a, bid, 0, &out, &err), YH_EFORBIDDEN);
	f = yh_t_fields("programme", "scope", NULL);
	CU_ASSERT_EQUAL(yh_batch_list(T.db, &T.clerk_a, f, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 1);
	free(out);
	yh_fields_free(f);
	f = yh_t_fields("programme", "scope", "period", "2022-08", NULL);
	CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.approver, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.auditor, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	/* figures in a unit subtree; outside the actor's scope is refused */
	CU_ASSERT_EQUAL(yh_pay_figures(T.db, &T.clerk_a, "2022-01-01", "2022-12-31", "xiashan", &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_pay_figures(T.db, &T.cw_a, "2022-01-01", "2022-12-31", NULL, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_pay_figures(T.db, &T.auditor, "2022-12-31", "2022-01-01", NULL, &out, &err), YH_EINVAL);
}

/* A period further ahead than the next one is refused (2052-Q1 typed for 2025-Q1): nothing is written. */
static void test_period_not_ahead(void)
{
	const char *p = pt_person("冯远志", "cadre", "离休", "xiashan", NULL, NULL);
	char label[48], next[48], far[48];
	int y, m;
	yh_fields *f;
	char *out = NULL;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "ahead", "name", "护理费月", "budget_line", "2080501", "period", "monthly",
		"beneficiary", "cadre", "amount", "100");
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "ahead", p, "2022-01-01", "6222000011115555", NULL));
	/* the Beijing date, as the check uses */
	y = (int)yh_t_count("SELECT extract(year FROM yh.today())::int");
	m = (int)yh_t_count("SELECT extract(month FROM yh.today())::int");
	snprintf(label, sizeof(label), "%04d-%02d", y, m);
	snprintf(next, sizeof(next), "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	snprintf(far, sizeof(far), "%04d-%02d", m >= 11 ? y + 1 : y, m >= 11 ? m - 10 : m + 2);
	CU_ASSERT_PTR_NOT_NULL(pt_generate(&T.clerk, "ahead", label, 0));
	CU_ASSERT_PTR_NOT_NULL(pt_generate(&T.clerk, "ahead", next, 0));
	/* the same month again: the reason in words and where to look, not a JSON object */
	f = yh_t_fields("programme", "ahead", "period", next, NULL);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.clerk, f, &out, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "already_in_live_or_paid_batch 1 (yinhui enrol list --programme ahead"));
	CU_ASSERT_PTR_NULL(strchr(err.msg, '{'));
	yh_fields_free(f);
	free(out);
	out = NULL;
	f = yh_t_fields("programme", "ahead", "period", far, NULL);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_generate(T.db, &T.clerk, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "period");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, next)); /* says how far it may go */
	yh_fields_free(f);
	free(out);
	snprintf(label, sizeof(label), "%04d-%02d", y + 27, m);
	pt_generate(&T.clerk, "ahead", label, YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.batch b JOIN yh.programme g ON g.id = b.programme_id"
		" WHERE g.code = 'ahead'"), 2);
	/* quarters and years likewise */
	PT_PROGRAMME(&T.clerk, "code", "ahead_q", "name", "护理费季", "budget_line", "2080501", "period", "quarterly",
		"beneficiary", "cadre", "amount", "100");
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "ahead_q", p, "2022-01-01", "6222000011115555", NULL));
	snprintf(label, sizeof(label), "%04d-Q%d", y + 1, (m + 2) / 3);
	pt_generate(&T.clerk, "ahead_q", label, YH_EINVAL);
	snprintf(label, sizeof(label), "%04d-Q%d", y, (m + 2) / 3);
	CU_ASSERT_PTR_NOT_NULL(pt_generate(&T.clerk, "ahead_q", label, 0));
}

/* A death or a transfer out ends the person's branch posts that day: the branch shows no
 * secretary, the successor is appointed, the allowance is unchanged, every end audited. */
static void test_posts_end_on_leaving(void)
{
	const char *br = add_branch("身后一支部", "支部", "chikan");
	const char *br2 = add_branch("身后二支部", "支部", "xiashan");
	const char *dead = pt_person("故书记", "cadre", "退休", "chikan", NULL, NULL);
	const char *gone = pt_person("迁书记", "cadre", "退休", "xiashan", NULL, NULL);
	const char *next = pt_person("继任者", "cadre", "退休", "chikan", NULL, NULL);
	char st[6], *out = NULL;
	yh_err err;

	CU_ASSERT_EQUAL(post(br, dead, "书记", "2021-01-01", NULL), 0);
	CU_ASSERT_EQUAL(post(br2, gone, "书记", "2021-01-01", "2030-12-31"), 0);
	CU_ASSERT_EQUAL(post(br2, gone, "委员", "2021-01-01", NULL), 0);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET deceased_on = '2022-06-20' WHERE name = '故书记'", st), 0);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.person SET transferred_out_on = '2022-08-05' WHERE name = '迁书记'", st), 0);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_branch_get(T.db, &T.clerk, br, &out, &err), 0);
	CU_ASSERT_PTR_NULL(yh_t_json(out, "secretary"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "posts.0.to_on"), "2022-06-20");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "posts.0.current"), "false");
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.branch_post bp JOIN yh.person p ON p.id = bp.person_id"
		" WHERE p.name = '迁书记' AND bp.to_on = '2022-08-05'"), 2);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'branch.post_end'"
		" AND after->>'reason' IN ('去世', '迁出')"), 3);
	/* the successor takes the post from the day after */
	CU_ASSERT_EQUAL(post(br, next, "书记", "2022-06-21", NULL), 0);
}

static const yh_t_case cases[] = {
	{ "programmes and effective-dated rates", test_programmes_and_rates },
	{ "657.55 x 12 = 7890.60", test_year_of_subsidy },
	{ "a death stops the next period", test_death_stops_payment },
	{ "a survivor of a living cadre: why not paid", test_survivor_of_living_cadre },
	{ "no batch further ahead than the next period", test_period_not_ahead },
	{ "a death or transfer ends the branch posts", test_posts_end_on_leaving },
	{ "proof of life and income test", test_proof_of_life_and_income },
	{ "concurrent generation: one set of lines", test_concurrent_generation },
	{ "maker != checker, also in SQL", test_maker_checker },
	{ "state machine and 8 concurrent approvals", test_state_machine },
	{ "meeting reference above the threshold", test_meeting_threshold },
	{ "reversal: 10.31 - 9.46 = 0.85", test_reversal },
	{ "branch allowance: 3600 x 167, pro rata, once", test_branch_allowance },
	{ "permissions and unit scope", test_permissions_and_scope },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", PT_DATA_KEY, 1);
	yh_t_setup("pay");
	rc = yh_t_run("pay", cases);
	yh_t_teardown();
	return rc;
}
