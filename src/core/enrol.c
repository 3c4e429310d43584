/* Enrolments: who is paid by which programme, into which account; proof of life. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/audit.h"
#include "yinhui/pay.h"
#include "yinhui/pii.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define ENROLMENT_JSON \
	"json_build_object('id', e.uid, 'programme', g.code, 'programme_name', g.name, 'person', p.uid," \
	" 'name', p.name, 'kind', p.kind, 'unit', u.code, 'start_on', e.start_on, 'end_on', e.end_on," \
	" 'end_reason', e.end_reason, 'holder_name', e.holder_name, 'account', e.account_masked," \
	" 'bank_name', e.bank_name, 'income_ok', e.income_ok, 'note', e.note," \
	" 'proofs_of_life', (SELECT coalesce(json_agg(json_build_object('id', f.uid, 'verified_on', f.verified_on," \
	"  'method', f.method, 'note', f.note) ORDER BY f.verified_on DESC), '[]') FROM yh.proof_of_life f" \
	"  WHERE f.person_id = p.id))"

static const char *const statuses[] = { "payable", "stopped", NULL };

static const char Q_GET[] =
	"SELECT " ENROLMENT_JSON "::text FROM yh.enrolment e JOIN yh.programme g ON g.id = e.programme_id"
	" JOIN yh.person p ON p.id = e.person_id JOIN yh.unit u ON u.id = p.unit_id WHERE e.id = $1::bigint";
static const char Q_FIND[] =
	"SELECT e.id, e.uid, e.person_id, e.end_on, yh.in_scope(p.unit_id, $2::bigint) AS visible"
	" FROM yh.enrolment e JOIN yh.person p ON p.id = e.person_id WHERE e.uid = $1::uuid";
static const char Q_INSERT[] =
	"INSERT INTO yh.enrolment (uid, programme_id, person_id, start_on, end_on, end_reason, holder_name,"
	" account_bidx, account_cipher, account_masked, bank_name, income_ok, note, created_by)"
	" VALUES ($1::uuid, $2::bigint, $3::bigint, $4::date, $5::date, CASE WHEN $5 IS NOT NULL THEN '到期' END,"
	" $6, $7::bytea, $8::bytea, $9, $10, $11::bool, $12, $13::bigint) RETURNING id";
static const char Q_UPDATE[] =
	"UPDATE yh.enrolment SET"
	" holder_name = CASE WHEN $2::bool THEN $3 ELSE holder_name END,"
	" account_bidx = CASE WHEN $4::bool THEN $5::bytea ELSE account_bidx END,"
	" account_cipher = CASE WHEN $4::bool THEN $6::bytea ELSE account_cipher END,"
	" account_masked = CASE WHEN $4::bool THEN $7 ELSE account_masked END,"
	" bank_name = CASE WHEN $8::bool THEN $9 ELSE bank_name END,"
	" income_ok = CASE WHEN $10::bool THEN $11::bool ELSE income_ok END,"
	" note = CASE WHEN $12::bool THEN $13 ELSE note END, updated_at = now() WHERE id = $1::bigint";
static const char Q_END[] =
	"UPDATE yh.enrolment SET end_on = $2::date, end_reason = $3, updated_at = now()"
	" WHERE id = $1::bigint AND end_on IS NULL RETURNING id";
static const char Q_PROOF[] =
	"INSERT INTO yh.proof_of_life (uid, person_id, enrolment_id, verified_on, method, note, created_by)"
	" SELECT $1::uuid, e.person_id, e.id, $3::date, $4, $5, $6::bigint FROM yh.enrolment e WHERE e.id = $2::bigint"
	" AND $3::date <= current_date"
	" RETURNING json_build_object('id', uid, 'verified_on', verified_on, 'method', method, 'note', note)::text";
/* A page in a stable order ($9 limit, NULL = all; $10 offset), its objects aggregated in that order. */
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(x.j ORDER BY x.n), '[]')::text FROM (SELECT json_build_object('id', e.uid, 'programme', g.code, 'person', p.uid, 'name', p.name,"
	" 'unit', u.code, 'start_on', e.start_on, 'end_on', e.end_on, 'holder_name', e.holder_name,"
	" 'account', e.account_masked, 'bank_name', e.bank_name, 'period', coalesce($8, cp.label),"
	" 'status', CASE WHEN d.reason IS NULL THEN 'payable' ELSE 'stopped' END, 'reason', d.reason,"
	" 'reason_text', CASE d.reason WHEN 'not_started' THEN '未到开始日期 ' || e.start_on"
	"  WHEN 'ended' THEN '已终止 ' || e.end_on || ': ' || e.end_reason WHEN 'deceased' THEN '已故 ' || p.deceased_on"
	"  WHEN 'transferred_out' THEN '已迁出 ' || p.transferred_out_on WHEN 'not_eligible' THEN CASE"
	"   WHEN p.kind = 'survivor' AND g.beneficiary = 'survivor' AND c.id IS NOT NULL"
	"    AND (g.categories IS NULL OR c.category = ANY (g.categories))"
	"    AND (g.relationships IS NULL OR p.relationship = ANY (g.relationships))"
	"   THEN CASE WHEN c.deceased_on IS NULL THEN '所属老干部' || c.name || '健在：遗属自其去世次月起发放'"
	"    ELSE '所属老干部' || c.name || '于 ' || c.deceased_on || ' 去世：自次月起发放' END"
	"   ELSE '不符合资格条件' END"
	"  WHEN 'income_test' THEN '收入核查未通过' WHEN 'proof_of_life_overdue' THEN '生存认证逾期'"
	"  WHEN 'no_rate' THEN '无适用标准' END,"
	" 'amount_fen', d.amount_fen, 'amount', yh.pay_yuan(d.amount_fen)) AS j,"
	" row_number() OVER (ORDER BY g.code, p.name, e.start_on, e.id) AS n"
	" FROM yh.programme g"
	" CROSS JOIN LATERAL yh.pay_period_of(g.period, coalesce($3::date, current_date)) cp"
	" CROSS JOIN LATERAL yh.pay_due(g.id, coalesce($4::date, cp.p_start), coalesce($5::date, cp.p_end), $6::bigint) d"
	" JOIN yh.enrolment e ON e.id = d.enrolment_id JOIN yh.person p ON p.id = d.person_id"
	" JOIN yh.unit u ON u.id = p.unit_id LEFT JOIN yh.person c ON c.id = p.cadre_id"
	" WHERE ($1::bigint IS NULL OR g.id = $1::bigint) AND ($2::uuid IS NULL OR p.uid = $2::uuid)"
	" AND ($7::text IS NULL OR $7 = CASE WHEN d.reason IS NULL THEN 'payable' ELSE 'stopped' END)"
	" ORDER BY n LIMIT $9::int OFFSET coalesce($10::int, 0)) x";

/* Account numbers: digits only (spaces and dashes dropped), 8 to 32 of them. */
static int normalise_account(char out[40], const char *in, yh_err *err)
{
	size_t n = 0;

	for (const char *c = in; *c; c++) {
		if (*c == ' ' || *c == '-')
			continue;
		if (*c < '0' || *c > '9' || n >= 32)
			return yh_err_set(err, YH_EINVAL, "account", "must be 8 to 32 digits");
		out[n++] = *c;
	}
	out[n] = '\0';
	if (n < 8)
		return yh_err_set(err, YH_EINVAL, "account", "must be 8 to 32 digits");
	return 0;
}

/* Seals an account number: cipher (caller frees), blind index and ****1234. */
static int seal_account(const char *in, char **cipher, char bidx[YH_PII_BIDX_HEX], char masked[16], yh_err *err)
{
	char acct[40];
	int rc;

	*cipher = NULL;
	rc = normalise_account(acct, in, err);
	if (rc == 0)
		rc = yh_pii_seal(cipher, acct, err);
	if (rc == 0)
		rc = yh_pii_bidx(bidx, "account", acct, err);
	if (rc == 0)
		snprintf(masked, 16, "****%s", acct + strlen(acct) - 4);
	sodium_memzero(acct, sizeof(acct));
	return rc;
}

static const yh_pay_lookup lookup = { Q_FIND, YH_ENOTFOUND, NULL, "no such enrolment",
	"the beneficiary belongs to a unit outside yours" };

static int find(yh_db *db, const yh_actor *a, const char *id, yh_rows **out, yh_err *err)
{
	return yh_pay_find_scoped(db, a, &lookup, id, out, err);
}

int yh_enrol_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "programme", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "person", YH_FT_UUID, YH_F_REQUIRED, 0, NULL },
		{ "start_on", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
		{ "end_on", YH_FT_DATE, 0, 0, NULL },
		{ "holder_name", YH_FT_NAME, 0, 0, NULL },
		{ "account", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "bank_name", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "income_ok", YH_FT_BOOL, 0, 0, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL, *person = NULL;
	char *cipher = NULL, *id = NULL, uid[37], staff[24], bidx[YH_PII_BIDX_HEX], masked[16];
	const char *p[13];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc == 0 && strlen(yh_values_get(v, "bank_name")) == 0)
		rc = yh_err_set(err, YH_EINVAL, "bank_name", "is required");
	if (rc == 0)
		rc = seal_account(yh_values_get(v, "account"), &cipher, bidx, masked, err);
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_programme_find(db, yh_values_get(v, "programme"), "programme", &g, err);
	if (rc == 0)
		rc = yh_pay_person_find(db, a, yh_values_get(v, "person"), "person", &person, err);
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(g, 0, "id");
		p[2] = yh_rows_get(person, 0, "id");
		p[3] = yh_values_get(v, "start_on");
		p[4] = yh_values_get(v, "end_on");
		p[5] = yh_values_get(v, "holder_name") ? yh_values_get(v, "holder_name") : yh_rows_get(person, 0, "name");
		p[6] = bidx;
		p[7] = cipher;
		p[8] = masked;
		p[9] = yh_values_get(v, "bank_name");
		p[10] = yh_values_get(v, "income_ok");
		p[11] = yh_values_get(v, "note");
		p[12] = staff;
		rc = yh_db_query_text(db, &id, Q_INSERT, 13, p, NULL, err);
		if (rc == YH_ECONFLICT)
			rc = yh_err_set(err, YH_ECONFLICT, "start_on", "the person is already enrolled in this programme");
		else if (rc == YH_EINVAL && err && strcmp(err->field, "enrolment_dates") == 0)
			rc = yh_err_set(err, YH_EINVAL, "end_on", "is before start_on");
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET, 1, (const char *const *)&id, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "enrolment.add", "enrolment", uid, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(cipher);
	free(id);
	yh_rows_free(g);
	yh_rows_free(person);
	yh_values_free(v);
	return rc;
}

int yh_enrol_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "programme", YH_FT_TEXT, 0, 60, NULL },
		{ "period", YH_FT_TEXT, 0, 40, NULL },
		{ "date", YH_FT_DATE, 0, 0, NULL },
		{ "person", YH_FT_UUID, 0, 0, NULL },
		{ "status", YH_FT_ENUM, 0, 0, statuses },
		{ "limit", YH_FT_INT, 0, 10000, NULL },
		{ "offset", YH_FT_INT, 0, 0, NULL },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL;
	yh_pay_period per;
	char buf[24];
	const char *p[10] = { NULL };
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_READ, spec, sizeof(spec) / sizeof(spec[0]), q, 0, &v, err);
	if (rc == 0 && yh_values_get(v, "programme"))
		rc = yh_pay_programme_find(db, yh_values_get(v, "programme"), "programme", &g, err);
	if (rc == 0 && yh_values_get(v, "period")) {
		if (g == NULL)
			rc = yh_err_set(err, YH_EINVAL, "period", "needs programme (periods differ between programmes)");
		else
			rc = yh_pay_period_parse(&per, yh_rows_get(g, 0, "period"), yh_values_get(v, "period"),
				yh_values_get(v, "date"), err);
		if (rc == 0) {
			p[3] = per.start;
			p[4] = per.end;
			p[7] = per.label;
		}
	}
	if (rc == 0) {
		p[0] = g ? yh_rows_get(g, 0, "id") : NULL;
		p[1] = yh_values_get(v, "person");
		p[2] = yh_values_get(v, "date");
		p[5] = yh_actor_scope(a, buf);
		p[6] = yh_values_get(v, "status");
		p[8] = yh_values_get(v, "limit");
		p[9] = yh_values_get(v, "offset");
		rc = yh_db_query_text(db, out, Q_LIST, 10, p, NULL, err);
	}
	yh_rows_free(g);
	yh_values_free(v);
	return rc;
}

int yh_enrol_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return yh_pay_get_scoped(db, a, &lookup, Q_GET, id, out, err);
}

int yh_enrol_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "holder_name", YH_FT_NAME, YH_F_NOTNULL, 0, NULL },
		{ "account", YH_FT_TEXT, YH_F_NOTNULL, 60, NULL },
		{ "bank_name", YH_FT_TEXT, YH_F_NOTNULL, 60, NULL },
		{ "income_ok", YH_FT_BOOL, 0, 0, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *e = NULL;
	char *before = NULL, *cipher = NULL, bidx[YH_PII_BIDX_HEX] = "", masked[16] = "";
	const char *p[13];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 0, &v, err);
	if (rc == 0 && yh_values_get(v, "account"))
		rc = seal_account(yh_values_get(v, "account"), &cipher, bidx, masked, err);
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = find(db, a, id, &e, err);
	if (rc == 0) {
		p[0] = yh_rows_get(e, 0, "id");
		rc = yh_db_query_text(db, &before, Q_GET, 1, p, NULL, err);
	}
	if (rc == 0) {
		p[1] = yh_values_has(v, "holder_name") ? "t" : "f";
		p[2] = yh_values_get(v, "holder_name");
		p[3] = cipher ? "t" : "f";
		p[4] = cipher ? bidx : NULL;
		p[5] = cipher;
		p[6] = cipher ? masked : NULL;
		p[7] = yh_values_has(v, "bank_name") ? "t" : "f";
		p[8] = yh_values_get(v, "bank_name");
		p[9] = yh_values_has(v, "income_ok") ? "t" : "f";
		p[10] = yh_values_get(v, "income_ok");
		p[11] = yh_values_has(v, "note") ? "t" : "f";
		p[12] = yh_values_get(v, "note");
		rc = yh_db_exec(db, Q_UPDATE, 13, p, err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET, 1, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "enrolment.update", "enrolment", id, before, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(before);
	free(cipher);
	yh_rows_free(e);
	yh_values_free(v);
	return rc;
}

int yh_enrol_end(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "end_on", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
		{ "reason", YH_FT_TEXT, YH_F_REQUIRED, 200, NULL },
	};
	yh_values *v = NULL;
	yh_rows *e = NULL;
	char *ended = NULL;
	const char *p[3];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc == 0 && strlen(yh_values_get(v, "reason")) == 0)
		rc = yh_err_set(err, YH_EINVAL, "reason", "is required (e.g. 再婚, 取得固定收入)");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = find(db, a, id, &e, err);
	if (rc == 0) {
		p[0] = yh_rows_get(e, 0, "id");
		p[1] = yh_values_get(v, "end_on");
		p[2] = yh_values_get(v, "reason");
		rc = yh_db_query_text(db, &ended, Q_END, 3, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = yh_err_set(err, YH_ECONFLICT, "end_on", "the enrolment already ended on %s",
				yh_rows_get(e, 0, "end_on"));
		else if (rc == YH_EINVAL)
			rc = yh_err_set(err, YH_EINVAL, "end_on", "is before the enrolment's start");
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET, 1, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "enrolment.end", "enrolment", id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(ended);
	yh_rows_free(e);
	yh_values_free(v);
	return rc;
}

int yh_enrol_proof(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "verified_on", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
		{ "method", YH_FT_TEXT, 0, 40, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *e = NULL;
	char uid[37], staff[24];
	const char *p[6];
	int rc;

	*out = NULL;
	rc = yh_pay_begin(db, a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc != 0)
		goto out;
	rc = find(db, a, id, &e, err);
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(e, 0, "id");
		p[2] = yh_values_get(v, "verified_on");
		p[3] = yh_values_get(v, "method");
		p[4] = yh_values_get(v, "note");
		p[5] = staff;
		rc = yh_db_query_text(db, out, Q_PROOF, 6, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = yh_err_set(err, YH_EINVAL, "verified_on", "is in the future");
	}
	if (rc == 0)
		rc = yh_audit(db, a, "enrolment.proof_of_life", "enrolment", id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	yh_rows_free(e);
	yh_values_free(v);
	return rc;
}
