/*
 * The bank's side of a batch: the payroll file (代发) out, and the bank's
 * answer in (settle with one reference, or the per-line result file).
 * ID and account numbers are opened here and nowhere else.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/audit.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/money.h"
#include "yinhui/pay.h"
#include "yinhui/pii.h"
#include "yinhui/table.h"
#include "yinhui/validate.h"

static const char Q_LOCK[] =
	"SELECT b.state, b.period, b.period_start, g.period AS kind, g.purpose FROM yh.batch b"
	" JOIN yh.programme g ON g.id = b.programme_id WHERE b.id = $1::bigint FOR UPDATE OF b";
static const char Q_EXPORTED[] =
	"UPDATE yh.batch SET state = 'exported', exported_by = $2::bigint, exported_at = now(),"
	" export_count = export_count + 1 WHERE id = $1::bigint AND state IN ('approved', 'exported') RETURNING state";
static const char Q_FILE_LINES[] =
	"SELECT l.holder_name, p.id_cipher, l.account_cipher, l.bank_name, l.amount_fen, l.ref"
	" FROM yh.payment_line l JOIN yh.person p ON p.id = l.person_id"
	" WHERE l.batch_id = $1::bigint AND l.kind = 'payment' ORDER BY l.id";
static const char Q_EXPORT_SUMMARY[] =
	"SELECT json_build_object('batch', $1::uuid, 'state', 'exported', 'format', $2::text, 'encoding', $3::text, 'path', $4::text,"
	" 'lines', $5::int, 'total_fen', $6::bigint, 'total', yh.pay_yuan($6::bigint),"
	" 'control_sum', yh.pay_control_sum($7::bigint))::text";
static const char Q_SETTLE_LINES[] =
	"UPDATE yh.payment_line SET status = 'paid', bank_ref = $2, paid_on = coalesce($3::date, current_date),"
	" result_at = now() WHERE batch_id = $1::bigint AND kind = 'payment' AND status = 'pending'";
static const char Q_SETTLED[] =
	"UPDATE yh.batch SET state = 'settled', settled_by = $2::bigint, settled_at = now()"
	" WHERE id = $1::bigint AND state = 'exported'"
	" AND NOT EXISTS (SELECT 1 FROM yh.payment_line l WHERE l.batch_id = $1::bigint AND l.kind = 'payment'"
	"  AND l.status = 'pending') RETURNING state";
#define RESULT_ROWS \
	"WITH f AS (SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[])" \
	" AS f(ref, status, reason, bank_ref, line))"
static const char Q_RESULT_CHECK[] =
	RESULT_ROWS " SELECT (SELECT min(f.line) FROM f WHERE NOT EXISTS (SELECT 1 FROM yh.payment_line l"
	"  WHERE l.batch_id = $1::bigint AND l.ref = f.ref AND l.kind = 'payment')) AS unknown,"
	" (SELECT min(f.line) FROM f JOIN yh.payment_line l ON l.batch_id = $1::bigint AND l.ref = f.ref"
	"  AND l.kind = 'payment' WHERE l.status NOT IN ('pending', f.status)) AS conflicting,"
	" (SELECT min(f.line) FROM f WHERE (SELECT count(*) FROM f g WHERE g.ref = f.ref) > 1) AS repeated,"
	" (SELECT count(*) FROM f JOIN yh.payment_line l ON l.batch_id = $1::bigint AND l.ref = f.ref"
	"  AND l.kind = 'payment' WHERE l.status = f.status) AS unchanged";
static const char Q_RESULT_APPLY[] =
	RESULT_ROWS ", u AS (UPDATE yh.payment_line l SET status = f.status,"
	" fail_reason = CASE WHEN f.status = 'failed' THEN coalesce(nullif(f.reason, ''), '银行退回') END,"
	" bank_ref = nullif(f.bank_ref, ''),"
	" paid_on = CASE WHEN f.status = 'paid' THEN coalesce($7::date, current_date) END, result_at = now()"
	" FROM f WHERE l.batch_id = $1::bigint AND l.ref = f.ref AND l.kind = 'payment' AND l.status = 'pending'"
	" RETURNING l.status)"
	" SELECT count(*) FILTER (WHERE u.status = 'paid') AS paid, count(*) FILTER (WHERE u.status = 'failed') AS failed"
	" FROM u";
static const char Q_RESULT_SUMMARY[] =
	"SELECT json_build_object('batch', b.uid, 'state', b.state, 'paid', $2::int, 'failed', $3::int,"
	" 'unchanged', $4::int, 'pending', (SELECT count(*) FROM yh.payment_line l WHERE l.batch_id = b.id"
	"  AND l.kind = 'payment' AND l.status = 'pending'))::text FROM yh.batch b WHERE b.id = $1::bigint";

static const char *const file_header[] = { "序号", "姓名(户名)", "证件类型", "证件号码", "收款账号", "开户行",
	"金额(元)", "用途", "期间", "业务流水号" };
static const int file_types[] = { YH_CELL_INT, YH_CELL_TEXT, YH_CELL_TEXT, YH_CELL_TEXT, YH_CELL_TEXT,
	YH_CELL_TEXT, YH_CELL_MONEY, YH_CELL_TEXT, YH_CELL_TEXT, YH_CELL_TEXT };

/* Locks the batch row; *out: state, period, period_start, kind, purpose. */
static int lock_batch(yh_db *db, const char *id, yh_rows **out, yh_err *err)
{
	return yh_db_query(db, out, Q_LOCK, 1, &id, err);
}

/* Writes every payment line of the batch; fills count and total. */
static int write_lines(yh_table *t, yh_rows *r, const char *purpose, const char *period,
	long *count, long long *total, yh_err *err)
{
	char serial[24], yuan[32], idno[64], account[64];
	const char *cells[10];
	int rc = 0;

	*count = 0;
	*total = 0;
	for (size_t i = 0; rc == 0 && i < yh_rows_count(r); i++) {
		long long fen = atoll(yh_rows_value(r, i, 4));
		rc = yh_pii_open(idno, sizeof(idno), yh_rows_value(r, i, 1), err);
		if (rc == 0)
			rc = yh_pii_open(account, sizeof(account), yh_rows_value(r, i, 2), err);
		if (rc != 0) {
			yh_err_set(err, rc, NULL, "line %zu (%s): an ID or account number does not open with this data key",
				i + 1, yh_rows_value(r, i, 5));
			break;
		}
		snprintf(serial, sizeof(serial), "%zu", i + 1);
		yh_money_format_yuan(yuan, fen);
		cells[0] = serial;
		cells[1] = yh_rows_value(r, i, 0);
		cells[2] = "居民身份证";
		cells[3] = idno;
		cells[4] = account;
		cells[5] = yh_rows_value(r, i, 3);
		cells[6] = yuan;
		cells[7] = purpose;
		cells[8] = period;
		cells[9] = yh_rows_value(r, i, 5);
		rc = yh_table_row(t, cells, file_types, 10, err);
		if (rc != 0 && err)
			snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), " (line %zu, %s)", i + 1,
				yh_rows_value(r, i, 5));
		*count += 1;
		*total += fen;
	}
	sodium_memzero(idno, sizeof(idno));
	sodium_memzero(account, sizeof(account));
	return rc;
}

int yh_batch_export(yh_db *db, const yh_actor *a, const char *id, const yh_bankfile_opts *o,
	char **out, yh_err *err)
{
	yh_rows *b = NULL, *info = NULL, *lines = NULL;
	yh_table *t = NULL;
	yh_pay_period per;
	char *state = NULL, staff[24], count_txt[24], total_txt[32], yuan[32];
	const char *enc_name, *p[7];
	long count = 0;
	long long total = 0;
	int rc, enc = YH_ENC_UTF8_BOM;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc != 0)
		return rc;
	if (o->format != YH_TABLE_CSV && o->format != YH_TABLE_XLSX)
		return yh_err_set(err, YH_EINVAL, "format", "must be csv or xlsx");
	if (o->format == YH_TABLE_CSV && o->encoding != NULL)
		rc = yh_encoding_from_name(&enc, o->encoding, YH_ENC_FOR_OUTPUT, err);
	if (rc == 0 && (o->path == NULL || *o->path == '\0'))
		rc = yh_err_set(err, YH_EINVAL, "path", "is required");
	if (rc != 0)
		return rc;
	enc_name = o->format == YH_TABLE_XLSX ? "xlsx" : yh_encoding_name(enc);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0)
		rc = lock_batch(db, yh_rows_get(b, 0, "id"), &info, err);
	if (rc == 0) {
		yh_pay_staff(a, staff);
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = staff;
		rc = yh_db_query_text(db, &state, Q_EXPORTED, 2, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = yh_err_set(err, YH_ECONFLICT, "state", "the batch is %s: only an approved batch is exported",
				yh_rows_get(info, 0, "state"));
	}
	if (rc == 0)
		rc = yh_pay_period_parse(&per, yh_rows_get(info, 0, "kind"), yh_rows_get(info, 0, "period"),
			yh_rows_get(info, 0, "period_start"), err);
	if (rc == 0)
		rc = yh_db_query(db, &lines, Q_FILE_LINES, 1, p, err);
	if (rc == 0)
		rc = yh_table_open(&t, o->path, o->format, enc, "代发", err);
	if (rc == 0)
		rc = yh_table_header(t, file_header, 10, err);
	if (rc == 0)
		rc = write_lines(t, lines, yh_rows_get(info, 0, "purpose"), per.bank, &count, &total, err);
	if (rc == 0) {
		/* the trailer: control totals the bank checks against its own count */
		const char *trailer[4] = { "总笔数", count_txt, "总金额", yuan };
		const int types[4] = { YH_CELL_TEXT, YH_CELL_INT, YH_CELL_TEXT, YH_CELL_MONEY };
		snprintf(count_txt, sizeof(count_txt), "%ld", count);
		yh_money_format_yuan(yuan, total);
		rc = yh_table_row(t, trailer, types, 4, err);
	}
	if (rc == 0) {
		snprintf(total_txt, sizeof(total_txt), "%lld", total);
		p[0] = yh_rows_get(b, 0, "uid");
		p[1] = o->format == YH_TABLE_XLSX ? "xlsx" : "csv";
		p[2] = enc_name;
		p[3] = o->path;
		p[4] = count_txt;
		p[5] = total_txt;
		p[6] = yh_rows_get(b, 0, "id");
		rc = yh_db_query_text(db, out, Q_EXPORT_SUMMARY, 7, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "batch.export", "batch", id, NULL, *out, err);
	if (rc == 0) {
		rc = yh_table_close(t, err);
		t = NULL;
	}
	rc = yh_pay_finish(db, rc, err);
	if (rc != 0 && t == NULL && *out != NULL && strcmp(o->path, "-") != 0)
		remove(o->path); /* the file went out but the export was not recorded */
	yh_table_discard(t);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(state);
	yh_rows_free(b);
	yh_rows_free(info);
	yh_rows_free(lines);
	return rc;
}

int yh_batch_settle(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "bank_ref", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
		{ "paid_on", YH_FT_DATE, 0, 0, NULL },
	};
	yh_values *v = NULL;
	yh_rows *b = NULL, *info = NULL;
	char *state = NULL, staff[24], n[24];
	const char *p[4];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), in, 1, err);
	if (rc == 0 && strlen(yh_values_get(v, "bank_ref")) == 0)
		rc = yh_err_set(err, YH_EINVAL, "bank_ref", "is required");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0)
		rc = lock_batch(db, yh_rows_get(b, 0, "id"), &info, err);
	if (rc == 0 && strcmp(yh_rows_get(info, 0, "state"), "exported") != 0)
		rc = yh_err_set(err, YH_ECONFLICT, "state", "the batch is %s: only an exported batch is settled",
			yh_rows_get(info, 0, "state"));
	if (rc == 0) {
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = yh_values_get(v, "bank_ref");
		p[2] = yh_values_get(v, "paid_on");
		rc = yh_db_exec(db, Q_SETTLE_LINES, 3, p, err);
	}
	if (rc >= 0) {
		snprintf(n, sizeof(n), "%d", rc);
		yh_pay_staff(a, staff);
		p[1] = staff;
		rc = yh_db_query_text(db, &state, Q_SETTLED, 2, p, NULL, err);
	}
	if (rc == 0) {
		p[1] = n;
		p[2] = "0";
		p[3] = "0";
		rc = yh_db_query_text(db, out, Q_RESULT_SUMMARY, 4, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "batch.settle", "batch", id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(state);
	yh_rows_free(b);
	yh_rows_free(info);
	yh_values_free(v);
	return rc;
}

/* Column of the result file holding one of names, or -1. */
static int column(const char **fields, size_t n, const char *const *names)
{
	char h[64];

	for (size_t i = 0; i < n; i++)
		for (const char *const *nm = names; *nm; nm++)
			if (strcasecmp(yh_csv_cell_trim(h, sizeof(h), fields[i]), *nm) == 0)
				return (int)i;
	return -1;
}

static const char *map_status(const char *s)
{
	static const char *const paid[] = { "成功", "已成功", "交易成功", "success", "paid", "ok", "s", NULL };
	static const char *const failed[] = { "失败", "交易失败", "退票", "failed", "fail", "f", NULL };

	for (const char *const *x = paid; *x; x++)
		if (strcasecmp(s, *x) == 0)
			return "paid";
	for (const char *const *x = failed; *x; x++)
		if (strcasecmp(s, *x) == 0)
			return "failed";
	return NULL;
}

struct result_arrays {
	yh_pay_buf ref, status, reason, bank_ref, line;
};

/* Reads the result file into array literals; YH_EINVAL names the file line. */
static int parse_result(yh_csv_reader *r, struct result_arrays *ra, yh_err *err)
{
	static const char *const n_ref[] = { "业务流水号", "流水号", "ref", "line_ref", "reference", NULL };
	static const char *const n_status[] = { "状态", "处理结果", "交易状态", "status", "result", NULL };
	static const char *const n_reason[] = { "原因", "失败原因", "备注", "reason", NULL };
	static const char *const n_bank[] = { "银行流水号", "银行参考号", "银行交易号", "bank_ref", NULL };
	const char **f;
	size_t nf;
	int rc, c_ref, c_status, c_reason, c_bank, rows = 0;

	rc = yh_csv_next(r, &f, &nf, err);
	if (rc <= 0)
		return rc < 0 ? rc : yh_err_set(err, YH_EINVAL, "file", "the result file is empty");
	c_ref = column(f, nf, n_ref);
	c_status = column(f, nf, n_status);
	c_reason = column(f, nf, n_reason);
	c_bank = column(f, nf, n_bank);
	if (c_ref < 0 || c_status < 0)
		return yh_err_set(err, YH_EINVAL, "file", "the header must name 业务流水号 and 状态 (or ref and status)");
	yh_pay_buf_str(&ra->ref, "{");
	yh_pay_buf_str(&ra->status, "{");
	yh_pay_buf_str(&ra->reason, "{");
	yh_pay_buf_str(&ra->bank_ref, "{");
	yh_pay_buf_str(&ra->line, "{");
	while ((rc = yh_csv_next(r, &f, &nf, err)) == 1) {
		char ref[64], line[24], cell[64], first[32], reason[1024], bank[256];
		const char *st;
		size_t i;

		/* the export's own trailer (总笔数/总金额), when the bank echoes it */
		if ((size_t)c_ref >= nf || *yh_csv_cell_trim(cell, sizeof(cell), f[c_ref]) == '\0' ||
		    strcmp(yh_csv_cell_trim(first, sizeof(first), f[0]), "总笔数") == 0 || strcmp(first, "合计") == 0)
			continue;
		snprintf(line, sizeof(line), "%zu", yh_csv_line(r));
		for (i = 0; cell[i] && i < sizeof(ref) - 1; i++)
			ref[i] = (char)tolower((unsigned char)cell[i]);
		ref[i] = '\0';
		if (yh_uuid_check(ref, "ref", NULL) != 0)
			return yh_err_set(err, YH_EINVAL, "file", "line %s: \"%.40s\" is not a line reference (业务流水号)",
				line, f[c_ref]);
		st = (size_t)c_status < nf ? map_status(yh_csv_cell_trim(cell, sizeof(cell), f[c_status])) : NULL;
		if (st == NULL)
			return yh_err_set(err, YH_EINVAL, "file", "line %s: status must be 成功 or 失败", line);
		yh_pay_buf_elem(&ra->ref, ref);
		yh_pay_buf_elem(&ra->status, st);
		yh_pay_buf_elem(&ra->reason, c_reason >= 0 && (size_t)c_reason < nf ?
			yh_csv_cell_trim(reason, sizeof(reason), f[c_reason]) : NULL);
		yh_pay_buf_elem(&ra->bank_ref, c_bank >= 0 && (size_t)c_bank < nf ?
			yh_csv_cell_trim(bank, sizeof(bank), f[c_bank]) : NULL);
		yh_pay_buf_elem(&ra->line, line);
		rows++;
	}
	if (rc < 0)
		return rc;
	yh_pay_buf_str(&ra->ref, "}");
	yh_pay_buf_str(&ra->status, "}");
	yh_pay_buf_str(&ra->reason, "}");
	yh_pay_buf_str(&ra->bank_ref, "}");
	yh_pay_buf_str(&ra->line, "}");
	if (ra->ref.failed || ra->status.failed || ra->reason.failed || ra->bank_ref.failed || ra->line.failed)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rows == 0)
		return yh_err_set(err, YH_EINVAL, "file", "the result file has no lines");
	return 0;
}

int yh_batch_result(yh_db *db, const yh_actor *a, const char *id, const char *data, size_t len,
	const char *encoding, const char *paid_on, char **out, yh_err *err)
{
	struct result_arrays ra = { { 0 }, { 0 }, { 0 }, { 0 }, { 0 } };
	yh_csv_reader *r = NULL;
	yh_rows *b = NULL, *info = NULL, *chk = NULL, *applied = NULL;
	char *text = NULL, *state = NULL, staff[24];
	const char *p[7];
	size_t tlen = 0;
	int rc, enc = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc == 0 && paid_on && yh_date_parse_ymd(paid_on, &(int){ 0 }, &(int){ 0 }, &(int){ 0 }, err, "paid_on") != 0)
		rc = YH_EINVAL;
	if (rc == 0 && encoding)
		rc = yh_encoding_from_name(&enc, encoding, YH_ENC_FOR_INPUT, err);
	else if (rc == 0)
		enc = yh_encoding_detect(data, len);
	if (rc == 0)
		rc = yh_encoding_to_utf8(&text, &tlen, data, len, enc, err);
	if (rc == 0 && yh_csv_reader_new(&r, text, tlen) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0)
		rc = parse_result(r, &ra, err);
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0)
		rc = lock_batch(db, yh_rows_get(b, 0, "id"), &info, err);
	if (rc == 0 && strcmp(yh_rows_get(info, 0, "state"), "exported") != 0 &&
	    strcmp(yh_rows_get(info, 0, "state"), "settled") != 0)
		rc = yh_err_set(err, YH_ECONFLICT, "state", "the batch is %s: results belong to an exported batch",
			yh_rows_get(info, 0, "state"));
	if (rc == 0) {
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = ra.ref.p;
		p[2] = ra.status.p;
		p[3] = ra.reason.p;
		p[4] = ra.bank_ref.p;
		p[5] = ra.line.p;
		p[6] = paid_on;
		rc = yh_db_query(db, &chk, Q_RESULT_CHECK, 6, p, err);
	}
	if (rc == 0 && yh_rows_get(chk, 0, "unknown"))
		rc = yh_err_set(err, YH_EINVAL, "file", "line %s: the reference is not a line of this batch",
			yh_rows_get(chk, 0, "unknown"));
	else if (rc == 0 && yh_rows_get(chk, 0, "repeated"))
		rc = yh_err_set(err, YH_EINVAL, "file", "line %s: the reference appears twice in the file",
			yh_rows_get(chk, 0, "repeated"));
	else if (rc == 0 && yh_rows_get(chk, 0, "conflicting"))
		rc = yh_err_set(err, YH_ECONFLICT, "file", "line %s: the line already has a different result",
			yh_rows_get(chk, 0, "conflicting"));
	if (rc == 0)
		rc = yh_db_query(db, &applied, Q_RESULT_APPLY, 7, p, err);
	if (rc == 0 && strcmp(yh_rows_get(info, 0, "state"), "exported") == 0) {
		yh_pay_staff(a, staff);
		p[1] = staff;
		rc = yh_db_query_text(db, &state, Q_SETTLED, 2, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = 0; /* lines still pending: stays exported */
	}
	if (rc == 0) {
		p[1] = yh_rows_get(applied, 0, "paid");
		p[2] = yh_rows_get(applied, 0, "failed");
		p[3] = yh_rows_get(chk, 0, "unchanged");
		rc = yh_db_query_text(db, out, Q_RESULT_SUMMARY, 4, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "batch.result", "batch", id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_csv_reader_free(r);
	free(text);
	free(state);
	yh_rows_free(b);
	yh_rows_free(info);
	yh_rows_free(chk);
	yh_rows_free(applied);
	yh_pay_buf_free(&ra.ref);
	yh_pay_buf_free(&ra.status);
	yh_pay_buf_free(&ra.reason);
	yh_pay_buf_free(&ra.bank_ref);
	yh_pay_buf_free(&ra.line);
	return rc;
}
