/*
 * The bank round trip: review flags, the payroll file (CSV UTF-8/GBK, XLSX)
 * with decrypted numbers and control totals, the bank's result file, the
 * re-issue of failed lines under the same reference, and the figures.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "test_pay_util.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/util.h"

#define OUT_CSV "/tmp/yh-pay-bank-test.csv"
#define OUT_GBK "/tmp/yh-pay-bank-test-gbk.csv"
#define OUT_XLSX "/tmp/yh-pay-bank-test.xlsx"

static char batch_id[40];
static char persons[3][37];

static int export_to(const char *id, int format, const char *enc, const char *path, yh_err *err)
{
	yh_bankfile_opts o = { format, enc, path };
	char *out = NULL;
	int rc;

	yh_err_clear(err);
	rc = yh_batch_export(T.db, &T.clerk, id, &o, &out, err);
	free(out);
	return rc;
}

/* Calls fn(id, {}) as actor; returns its code. */
typedef int (*id_op)(yh_db *, const yh_actor *, const char *, const yh_fields *, char **, yh_err *);
static int call(id_op fn, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	yh_fields *f = yh_t_fields(NULL, NULL);
	int rc;

	yh_err_clear(err);
	rc = fn(T.db, a, id, f, out, err);
	yh_fields_free(f);
	return rc;
}

static int result(const char *id, const char *data, const char *enc, char **out, yh_err *err)
{
	yh_err_clear(err);
	*out = NULL;
	return yh_batch_result(T.db, &T.clerk, id, data, strlen(data), enc, "2022-03-28", out, err);
}

/* Review, maker-checker aside: flags for holder name, shared account, GBK. */
static void test_review_flags(void)
{
	char *out = NULL;
	yh_err err;

	PT_PROGRAMME(&T.clerk, "code", "hard", "name", "困难补助", "budget_line", "2080599", "period", "monthly",
		"purpose", "困难补助", "amount", "657.55");
	snprintf(persons[0], 37, "%s", pt_person("刘桂兰", "cadre", "退休", "chikan", NULL, NULL));
	snprintf(persons[1], 37, "%s", pt_person("何𠀀", "cadre", "退休", "chikan", NULL, NULL));
	snprintf(persons[2], 37, "%s", pt_person("马淑珍", "cadre", "退休", "xiashan", NULL, NULL));
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "hard", persons[0], "2022-01-01", "6222000100010001", NULL));
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "hard", persons[1], "2022-01-01", "6222000100010002", NULL));
	/* 马淑珍 is paid into her son's account, which 刘桂兰 uses too */
	CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "hard", persons[2], "2022-01-01", "6222000100010001", "马建军"));
	snprintf(batch_id, sizeof(batch_id), "%s", pt_generate(&T.clerk, "hard", "2022-03", 0));
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_batch_get(T.db, &T.clerk, batch_id, -1, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "count"), "3");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "total"), "1972.65");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "flags.holder_name_differs"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "flags.account_shared"), "2");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "flags.not_gbk"), "1");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "flagged"), 3);
	CU_ASSERT_EQUAL(strlen(yh_t_json(out, "control_sum")), 64);
	CU_ASSERT_PTR_NULL(strstr(out, "6222000100010001"));
	free(out);
}

/* The payroll file: decrypted ID and account numbers, 2-decimal yuan, control totals, audited. */
static void test_export_file(void)
{
	yh_csv_reader *r = NULL;
	const char **f;
	size_t n;
	char *raw = NULL;
	size_t len = 0;
	long audits;
	int rows = 0, trailer = 0;
	yh_err err;

	{
		char *out = NULL;
		CU_ASSERT(pt_rc(call(yh_batch_approve, &T.approver, batch_id, &out, &err), 0, &err, "approve"));
		free(out);
	}
	audits = yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'batch.export'");
	/* GBK cannot carry 𠀀: refused, nothing written, still approved */
	CU_ASSERT_EQUAL(export_to(batch_id, YH_TABLE_CSV, "gbk", OUT_GBK, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 2"));
	CU_ASSERT_NOT_EQUAL(access(OUT_GBK, F_OK), 0);
	CU_ASSERT_STRING_EQUAL(pt_batch(batch_id, "state"), "approved");
	CU_ASSERT_EQUAL(export_to(batch_id, YH_TABLE_CSV, "utf-8-bom", OUT_CSV, &err), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'batch.export'"), audits + 1);
	CU_ASSERT_STRING_EQUAL(pt_batch(batch_id, "state"), "exported");
	CU_ASSERT_EQUAL(yh_file_read(OUT_CSV, 1 << 20, &raw, &len), 0);
	CU_ASSERT(len > 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0);
	free(raw);
	CU_ASSERT_EQUAL_FATAL(yh_csv_read_file(&r, OUT_CSV, NULL, &err), 0);
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &n, &err), 1);
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_STRING_EQUAL(f[0], "序号");
	CU_ASSERT_STRING_EQUAL(f[9], "业务流水号");
	while (yh_csv_next(r, &f, &n, &err) == 1) {
		if (strcmp(f[0], "总笔数") == 0) {
			CU_ASSERT_STRING_EQUAL(f[1], "3");
			CU_ASSERT_STRING_EQUAL(f[2], "总金额");
			CU_ASSERT_STRING_EQUAL(f[3], "1972.65");
			trailer = 1;
			continue;
		}
		rows++;
		CU_ASSERT_STRING_EQUAL(f[2], "居民身份证");
		CU_ASSERT_EQUAL(strlen(f[3]), 18);
		CU_ASSERT_EQUAL(strncmp(f[3], "44080219300701", 14), 0);
		CU_ASSERT_EQUAL(strncmp(f[4], "62220001000100", 14), 0);
		CU_ASSERT_STRING_EQUAL(f[6], "657.55");
		CU_ASSERT_STRING_EQUAL(f[7], "困难补助");
		CU_ASSERT_STRING_EQUAL(f[8], "202203");
		CU_ASSERT_EQUAL(strlen(f[9]), 36);
	}
	CU_ASSERT_EQUAL(rows, 3);
	CU_ASSERT_EQUAL(trailer, 1);
	yh_csv_reader_free(r);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE after::text LIKE '%6222000100010001%'"), 0);
	/* XLSX and a second export of the same file, both audited */
	CU_ASSERT_EQUAL(export_to(batch_id, YH_TABLE_XLSX, NULL, OUT_XLSX, &err), 0);
	CU_ASSERT_EQUAL(yh_file_read(OUT_XLSX, 1 << 22, &raw, &len), 0);
	CU_ASSERT(len > 2 && memcmp(raw, "PK", 2) == 0);
	free(raw);
	CU_ASSERT_STRING_EQUAL(pt_batch(batch_id, "export_count"), "2");
	remove(OUT_XLSX);
}

/* Bank result file: 成功 / 失败 by line reference; errors name the file line. */
static void test_result_round_trip(void)
{
	yh_csv_reader *r = NULL;
	const char **f;
	size_t n, glen = 0;
	char refs[3][40], names[3][64], csv[2048], bad[512], *out = NULL, *gbk = NULL;
	int k = 0;
	yh_err err;

	CU_ASSERT_EQUAL_FATAL(yh_csv_read_file(&r, OUT_CSV, NULL, &err), 0);
	yh_csv_next(r, &f, &n, &err);
	while (yh_csv_next(r, &f, &n, &err) == 1 && k < 3)
		if (n == 10) {
			snprintf(refs[k], sizeof(refs[k]), "%s", f[9]);
			snprintf(names[k], sizeof(names[k]), "%s", f[1]);
			k++;
		}
	yh_csv_reader_free(r);
	CU_ASSERT_EQUAL_FATAL(k, 3);
	/* mistakes first: a foreign reference, a repeated one, a status the bank never sends */
	snprintf(bad, sizeof(bad), "业务流水号,状态,原因,银行流水号\n%s,成功,,B1\n00000000-0000-4000-8000-000000000000,成功,,B2\n",
		refs[0]);
	CU_ASSERT_EQUAL(result(batch_id, bad, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 3"));
	snprintf(bad, sizeof(bad), "ref,status\n%s,成功\n%s,失败\n", refs[0], refs[0]);
	CU_ASSERT_EQUAL(result(batch_id, bad, NULL, &out, &err), YH_EINVAL);
	snprintf(bad, sizeof(bad), "ref,status\n%s,maybe\n", refs[0]);
	CU_ASSERT_EQUAL(result(batch_id, bad, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(result(batch_id, "名字,金额\n张三,1\n", NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(pt_batch(batch_id, "pending"), "3");
	/* the real answer, in GBK as banks send it, fields padded with spaces; the name with 𠀀 failed (户名不符) */
	snprintf(csv, sizeof(csv), "业务流水号,姓名,状态 ,原因,银行流水号\r\n%s,%s,成功  ,,ICBC-001  \r\n%s ,某某,失败, 户名不符 ,\r\n"
		"%s,%s,成功,,ICBC-003\r\n总笔数 ,3,,,\r\n,,,,\r\n",
		refs[0], names[0], refs[1], refs[2], names[2]);
	CU_ASSERT_EQUAL_FATAL(yh_encoding_from_utf8(&gbk, &glen, csv, strlen(csv), YH_ENC_GBK, &err), 0);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_result(T.db, &T.clerk, batch_id, gbk, glen, NULL, "2022-03-28", &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "paid"), "2");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "failed"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "state"), "settled");
	free(out);
	/* the same file again changes nothing; a different answer for a line is a conflict */
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_batch_result(T.db, &T.clerk, batch_id, gbk, glen, "gbk", NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "unchanged"), "3");
	free(out);
	free(gbk);
	snprintf(bad, sizeof(bad), "ref,status\n%s,成功\n", refs[1]);
	CU_ASSERT_EQUAL(result(batch_id, bad, NULL, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.clerk, batch_id, -1, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.1.status"), "failed");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.1.fail_reason"), "户名不符");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.0.bank_ref"), "ICBC-001");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.0.paid_on"), "2022-03-28");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "paid_fen"), "131510");
	free(out);
	remove(OUT_CSV);
}

/* A failed line is re-issued in a follow-up batch with the same reference, and paid once. */
static void test_reissue_keeps_reference(void)
{
	char *out = NULL, failed_ref[40], reissue[40], csv[256], sql[256];
	const char *e;
	yh_err err;
	long lines;

	CU_ASSERT_EQUAL_FATAL(yh_batch_get(T.db, &T.clerk, batch_id, -1, &out, &err), 0);
	snprintf(failed_ref, sizeof(failed_ref), "%s", yh_t_json(out, "lines.1.ref"));
	free(out);
	/* a regular generation does not pay it under a new reference */
	pt_generate(&T.clerk, "hard", "2022-03", YH_ECONFLICT);
	/* fix the account, then re-issue */
	snprintf(sql, sizeof(sql), "SELECT e.uid FROM yh.enrolment e JOIN yh.person p ON p.id = e.person_id WHERE p.uid = '%s'",
		persons[1]);
	{
		char *uid = NULL;
		CU_ASSERT_EQUAL(yh_db_query_text(T.db, &uid, sql, 0, NULL, NULL, &err), 0);
		e = uid;
		yh_fields *f = yh_t_fields("account", "6217 0000 9999 8888", "holder_name", "何一", NULL);
		CU_ASSERT_EQUAL(pt_rc(yh_enrol_update(T.db, &T.clerk, e, f, &out, &err), 0, &err, "update"), 1);
		free(out);
		yh_fields_free(f);
		free(uid);
	}
	CU_ASSERT_EQUAL_FATAL(call(yh_batch_reissue, &T.clerk, batch_id, &out, &err), 0);
	snprintf(reissue, sizeof(reissue), "%s", yh_t_json(out, "id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "kind"), "reissue");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "reissue_of"), batch_id);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "count"), "1");
	free(out);
	CU_ASSERT_EQUAL(call(yh_batch_reissue, &T.clerk, batch_id, &out, &err), YH_ECONFLICT);
	CU_ASSERT_EQUAL(yh_batch_get(T.db, &T.clerk, reissue, -1, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.0.ref"), failed_ref);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.0.account"), "****8888");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "lines.0.reissue"), "true");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "flags.not_gbk"), "0");
	free(out);
	/* the same maker-checker and bank round trip */
	CU_ASSERT(pt_rc(call(yh_batch_approve, &T.approver2, reissue, &out, &err), 0, &err, "approve"));
	free(out);
	CU_ASSERT_EQUAL(export_to(reissue, YH_TABLE_CSV, "gbk", OUT_GBK, &err), 0);
	snprintf(csv, sizeof(csv), "业务流水号,状态\n%s,成功\n", failed_ref);
	CU_ASSERT_EQUAL(result(reissue, csv, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "state"), "settled");
	free(out);
	remove(OUT_GBK);
	/* exactly one paying line per person and period; the reference is the same on both */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.payment_line WHERE ref = '%s'", failed_ref);
	lines = yh_t_count(sql);
	CU_ASSERT_EQUAL(lines, 2);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.payment_line WHERE ref = '%s' AND status = 'paid'", failed_ref);
	CU_ASSERT_EQUAL(yh_t_count(sql), 1);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_pay_figures_programme(T.db, &T.auditor, "2022-03-01", "2022-03-31", NULL, "hard", &out, &err), 0);
	{
		json_t *doc = json_loads(out, 0, NULL);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "subsidies.amount_fen")), 197265);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "subsidies.payments")), 3);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "subsidies.beneficiaries")), 3);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "payments.failed")), 1);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "payments.reissued")), 1);
		json_decref(doc);
	}
	free(out);
	/* the unit subtree: chikan holds two of the three */
	CU_ASSERT_EQUAL(yh_pay_figures(T.db, &T.auditor, "2022-03-01", "2022-03-31", "chikan", &out, &err), 0);
	{
		json_t *doc = json_loads(out, 0, NULL);
		CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "subsidies.payments")), 2);
		json_decref(doc);
	}
	free(out);
	CU_ASSERT_EQUAL(yh_pay_figure_records(T.db, &T.auditor, "payments.failed", "2022-03-01", "2022-03-31", NULL,
		&out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 1);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "0.ref"), failed_ref);
	free(out);
	CU_ASSERT_EQUAL(yh_pay_figure_records(T.db, &T.auditor, "subsidies.beneficiaries", "2022-03-01", "2022-03-31",
		NULL, &out, &err), 0);
	CU_ASSERT_EQUAL(yh_t_json_len(out, ""), 3);
	free(out);
}

/* The review file a clerk opens in Excel (batch show --format) holds every line, not the 20 the screen shows. */
static void test_review_file_all_lines(void)
{
	const char *path = "/tmp/yh-pay-bank-review.csv", *b;
	char cmd[2048], name[32], account[32], *data = NULL;
	size_t len = 0, rows = 0;

	PT_PROGRAMME(&T.clerk, "code", "review", "name", "审核补助", "budget_line", "2080599", "period", "monthly",
		"purpose", "审核补助", "amount", "100.00");
	for (int i = 0; i < 25; i++) {
		snprintf(name, sizeof(name), "审核%c%c", 'A' + i / 5, 'a' + i % 5);
		snprintf(account, sizeof(account), "62220002000%05d", i);
		CU_ASSERT_PTR_NOT_NULL(pt_enrol(&T.clerk, "review", pt_person(name, "cadre", "退休", "chikan", NULL, NULL),
			"2022-01-01", account, NULL));
	}
	b = pt_generate(&T.clerk, "review", "2022-03", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	unlink(path);
	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='%s' YINHUI_TOKEN='%s' %s batch show"
		" --batch %s --format csv --output %s >/dev/null 2>&1", T.conninfo, yh_t_token("clerk"), YH_CLI_PATH, b, path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(yh_file_read(path, 1u << 20, &data, &len), 0);
	for (const char *p = data; (p = strstr(p, "\r\n")) != NULL; p += 2)
		rows++;
	CU_ASSERT_EQUAL(rows, 26); /* the header and 25 lines */
	free(data);
	/* --lines still limits it on request */
	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='%s' YINHUI_TOKEN='%s' %s batch show"
		" --batch %s --lines 5 --format csv --output %s >/dev/null 2>&1", T.conninfo, yh_t_token("clerk"),
		YH_CLI_PATH, b, path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	data = NULL;
	rows = 0;
	CU_ASSERT_EQUAL_FATAL(yh_file_read(path, 1u << 20, &data, &len), 0);
	for (const char *p = data; (p = strstr(p, "\r\n")) != NULL; p += 2)
		rows++;
	CU_ASSERT_EQUAL(rows, 6);
	free(data);
	unlink(path);
}

static const yh_t_case cases[] = {
	{ "review flags", test_review_flags },
	{ "payroll file: CSV, GBK refusal, XLSX", test_export_file },
	{ "bank result file round trip", test_result_round_trip },
	{ "failed line re-issued with the same reference", test_reissue_keeps_reference },
	{ "the review file holds every line", test_review_file_all_lines },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", PT_DATA_KEY, 1);
	yh_t_setup("pay_bank");
	rc = yh_t_run("pay_bank", cases);
	yh_t_teardown();
	return rc;
}
