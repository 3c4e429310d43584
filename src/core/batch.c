/*
 * Payment batches: generation (one statement, guarded by the unique key),
 * review, maker-checker approval, cancellation, re-issue and reversal.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/audit.h"
#include "yinhui/encoding.h"
#include "yinhui/pay.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

static const char *const states[] = { "draft", "approved", "exported", "settled", "cancelled", NULL };

static const char Q_BATCH_INSERT[] =
	"INSERT INTO yh.batch (uid, programme_id, period, period_start, period_end, unit_id, note, created_by)"
	" VALUES ($1::uuid, $2::bigint, $3, $4::date, $5::date,"
	" coalesce($6::bigint, (SELECT id FROM yh.unit WHERE parent_id IS NULL)), $7, $8::bigint) RETURNING id";

/*
 * Generation is one statement: whoever is due is inserted, minus whoever
 * already has a live or paid line (the unique index payment_line_once
 * decides, also against a concurrent generation, which waits on the first
 * one's rows); a failed line awaits its re-issue under its own reference.
 * The same pass says why everybody else was left out. $1 batch id; the
 * allowance variant adds $2 programme, $3 and $4 the period.
 */
#define GENERATE_HEAD \
	"WITH b AS (SELECT * FROM yh.batch WHERE id = $1::bigint)," \
	" d AS MATERIALIZED (SELECT d.*, b.id AS batch_id, b.programme_id, b.period, b.period_start, b.created_by" \
	"  FROM b CROSS JOIN LATERAL yh.pay_due(b.programme_id, b.period_start, b.period_end, b.unit_id) d)," \
	" ins AS (INSERT INTO yh.payment_line (ref, batch_id, programme_id, period, period_start, person_id," \
	"  enrolment_id, unit_id, amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher," \
	"  account_masked, bank_name, detail, created_by)" \
	"  SELECT gen_random_uuid(), x.* FROM (SELECT DISTINCT ON (d.person_id) d.batch_id, d.programme_id, d.period," \
	"   d.period_start, d.person_id, d.enrolment_id, d.unit_id, "
#define GENERATE_TAIL \
	"   AND NOT EXISTS (SELECT 1 FROM yh.payment_line f WHERE f.programme_id = d.programme_id" \
	"    AND f.period = d.period AND f.person_id = d.person_id AND f.status = 'failed' AND f.kind = 'payment'" \
	"    AND NOT EXISTS (SELECT 1 FROM yh.payment_line r WHERE r.reissue_of = f.id AND r.status <> 'cancelled'))" \
	"   ORDER BY d.person_id, d.start_on DESC) x" \
	"  ORDER BY x.person_id ON CONFLICT (programme_id, period, person_id)" \
	"  WHERE kind = 'payment' AND status IN ('pending', 'paid') DO NOTHING RETURNING person_id)" \
	" SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT coalesce(json_object_agg(s.reason, s.n), '{}')" \
	"  FROM (SELECT CASE WHEN d.reason IS NOT NULL THEN d.reason" \
	"   WHEN EXISTS (SELECT 1 FROM yh.payment_line o WHERE o.programme_id = d.programme_id AND o.period = d.period" \
	"    AND o.person_id = d.person_id AND o.kind = 'payment' AND o.status IN ('pending', 'paid'))" \
	"    THEN 'already_in_live_or_paid_batch'" \
	"   WHEN EXISTS (SELECT 1 FROM yh.payment_line o WHERE o.programme_id = d.programme_id AND o.period = d.period" \
	"    AND o.person_id = d.person_id AND o.status = 'failed') THEN 'awaiting_reissue'" \
	"   ELSE 'nothing_to_pay' END AS reason, count(DISTINCT d.person_id) AS n" \
	"   FROM d WHERE d.person_id NOT IN (SELECT ins.person_id FROM ins) GROUP BY 1) s)::text AS left_out"

static const char Q_GENERATE_SUBSIDY[] =
	GENERATE_HEAD "d.amount_fen, d.name, d.holder_name, d.account_bidx, d.account_cipher, d.account_masked,"
	"   d.bank_name, NULL::jsonb, d.created_by"
	"  FROM d WHERE d.reason IS NULL" GENERATE_TAIL;
static const char Q_GENERATE_ALLOWANCE[] =
	GENERATE_HEAD "al.amount_fen, d.name, d.holder_name, d.account_bidx, d.account_cipher, d.account_masked,"
	"   d.bank_name, al.detail, d.created_by"
	"  FROM d JOIN yh.pay_allowance($2::bigint, $3::date, $4::date) al ON al.person_id = d.person_id"
	"  WHERE d.reason IS NULL AND al.amount_fen > 0" GENERATE_TAIL;

static const char Q_GET_SUMMARY[] =
	"SELECT json_build_object(" YH_BATCH_FIELDS ", 'left_out', $2::json)::text" YH_BATCH_FROM
	" WHERE b.id = $1::bigint";
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(json_build_object(" YH_BATCH_FIELDS ") ORDER BY b.period_start DESC, b.id DESC),"
	" '[]')::text" YH_BATCH_FROM
	" WHERE yh.in_scope(b.unit_id, $1::bigint) AND ($2::bigint IS NULL OR b.programme_id = $2::bigint)"
	" AND ($3::text IS NULL OR b.period = $3) AND ($4::text IS NULL OR b.state = $4)";
static const char Q_NAMES[] =
	"SELECT l.id, l.holder_name, l.beneficiary_name, l.bank_name FROM yh.payment_line l"
	" WHERE l.batch_id = $1::bigint AND l.kind = 'payment'";
static const char Q_REVIEW[] =
	"WITH l AS (SELECT l.*, row_number() OVER (ORDER BY l.id) AS serial,"
	"  l.holder_name <> l.beneficiary_name AS f_holder,"
	"  (EXISTS (SELECT 1 FROM yh.enrolment e WHERE e.account_bidx = l.account_bidx AND e.person_id <> l.person_id"
	"    AND (e.end_on IS NULL OR e.end_on >= l.period_start))"
	"   OR min(l.person_id) OVER w <> max(l.person_id) OVER w) AS f_shared,"
	"  l.id = ANY ($2::bigint[]) AS f_gbk"
	"  FROM yh.payment_line l WHERE l.batch_id = $1::bigint AND l.kind = 'payment'"
	"  WINDOW w AS (PARTITION BY l.account_bidx)),"
	" j AS (SELECT l.serial, l.f_holder OR l.f_shared OR l.f_gbk AS flagged, json_build_object('serial', l.serial,"
	"  'ref', l.ref, 'person', p.uid, 'name', l.beneficiary_name, 'holder_name', l.holder_name,"
	"  'account', l.account_masked, 'bank_name', l.bank_name, 'amount_fen', l.amount_fen,"
	"  'amount', yh.pay_yuan(l.amount_fen), 'status', l.status, 'bank_ref', l.bank_ref, 'fail_reason', l.fail_reason,"
	"  'paid_on', l.paid_on, 'reissue', l.reissue_of IS NOT NULL,"
	"  'reversed_fen', (SELECT coalesce(sum(r.amount_fen), 0) FROM yh.payment_line r WHERE r.reverses = l.id),"
	"  'flags', array_remove(ARRAY[CASE WHEN l.f_holder THEN 'holder_name_differs' END,"
	"   CASE WHEN l.f_shared THEN 'account_shared' END, CASE WHEN l.f_gbk THEN 'not_gbk' END], NULL),"
	"  'detail', l.detail) AS doc FROM l JOIN yh.person p ON p.id = l.person_id)"
	" SELECT json_build_object(" YH_BATCH_FIELDS ","
	" 'control_sum', yh.pay_control_sum(b.id),"
	" 'meeting_threshold_fen', yh.pay_setting_bigint('batch.meeting_threshold_fen', current_date, 10000000),"
	" 'needs_meeting_ref', t.total > yh.pay_setting_bigint('batch.meeting_threshold_fen', current_date, 10000000),"
	" 'flags', json_build_object('holder_name_differs', (SELECT count(*) FROM l WHERE l.f_holder),"
	"  'account_shared', (SELECT count(*) FROM l WHERE l.f_shared), 'not_gbk', (SELECT count(*) FROM l WHERE l.f_gbk)),"
	" 'flagged', (SELECT coalesce(json_agg(x.doc ORDER BY x.serial), '[]') FROM (SELECT * FROM j WHERE j.flagged"
	"  ORDER BY j.serial LIMIT 1000) x),"
	" 'lines', (SELECT coalesce(json_agg(x.doc ORDER BY x.serial), '[]') FROM (SELECT * FROM j ORDER BY j.serial"
	"  LIMIT $3::bigint) x))::text" YH_BATCH_FROM " WHERE b.id = $1::bigint";
static const char Q_APPROVAL_FACTS[] =
	"SELECT coalesce(sum(l.amount_fen), 0) AS total,"
	" yh.pay_setting_bigint('batch.meeting_threshold_fen', current_date, 10000000) AS threshold,"
	" yh.pay_control_sum($1::bigint) AS control_sum"
	" FROM yh.payment_line l WHERE l.batch_id = $1::bigint AND l.kind = 'payment'";
static const char Q_APPROVE[] =
	"UPDATE yh.batch SET state = 'approved', approved_by = $2::bigint, approved_at = now(),"
	" meeting_ref = nullif(btrim($3), '') WHERE id = $1::bigint AND state = 'draft' RETURNING state";
static const char Q_CANCEL[] =
	"UPDATE yh.batch SET state = 'cancelled', cancelled_by = $2::bigint, cancelled_at = now(), cancel_reason = $3"
	" WHERE id = $1::bigint AND state IN ('draft', 'approved') RETURNING state";
static const char Q_CANCEL_LINES[] =
	"UPDATE yh.payment_line SET status = 'cancelled' WHERE batch_id = $1::bigint AND status = 'pending'";
static const char Q_STATE[] = "SELECT state FROM yh.batch WHERE id = $1::bigint";
static const char Q_REISSUE_BATCH[] =
	"INSERT INTO yh.batch (uid, programme_id, period, period_start, period_end, unit_id, kind, reissue_of_batch,"
	" note, created_by) SELECT $1::uuid, programme_id, period, period_start, period_end, unit_id, 'reissue', id,"
	" $3, $4::bigint FROM yh.batch WHERE id = $2::bigint RETURNING id";
static const char Q_REISSUE_LINES[] =
	"INSERT INTO yh.payment_line (ref, batch_id, programme_id, period, period_start, person_id, enrolment_id,"
	" unit_id, amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher, account_masked, bank_name,"
	" detail, reissue_of, created_by)"
	" SELECT f.ref, $1::bigint, f.programme_id, f.period, f.period_start, f.person_id, f.enrolment_id, f.unit_id,"
	"  f.amount_fen, f.beneficiary_name, coalesce(e.holder_name, f.holder_name),"
	"  coalesce(e.account_bidx, f.account_bidx), coalesce(e.account_cipher, f.account_cipher),"
	"  coalesce(e.account_masked, f.account_masked), coalesce(e.bank_name, f.bank_name), f.detail, f.id, $3::bigint"
	" FROM yh.payment_line f LEFT JOIN yh.enrolment e ON e.id = f.enrolment_id"
	" WHERE f.batch_id = $2::bigint AND f.kind = 'payment' AND f.status = 'failed'"
	"  AND NOT EXISTS (SELECT 1 FROM yh.payment_line r WHERE r.reissue_of = f.id AND r.status <> 'cancelled')"
	" ORDER BY f.id ON CONFLICT DO NOTHING";
static const char Q_LINE_FOR_REVERSAL[] =
	"SELECT o.id, o.status, o.amount_fen + coalesce((SELECT sum(r.amount_fen) FROM yh.payment_line r"
	"  WHERE r.reverses = o.id), 0) AS remaining, yh.in_scope(o.unit_id, $2::bigint) AS visible"
	" FROM yh.payment_line o WHERE o.ref = $1::uuid AND o.kind = 'payment' AND o.status IN ('pending', 'paid')"
	" FOR UPDATE OF o";
static const char Q_REVERSE[] =
	"INSERT INTO yh.payment_line (ref, batch_id, programme_id, period, period_start, person_id, enrolment_id,"
	" unit_id, kind, amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher, account_masked,"
	" bank_name, reverses, status, paid_on, result_at, note, created_by)"
	" SELECT $1::uuid, o.batch_id, o.programme_id, o.period, o.period_start, o.person_id, o.enrolment_id, o.unit_id,"
	"  'reversal', -$3::bigint, o.beneficiary_name, o.holder_name, o.account_bidx, o.account_cipher,"
	"  o.account_masked, o.bank_name, o.id, 'paid', current_date, now(), $4, $5::bigint"
	" FROM yh.payment_line o WHERE o.id = $2::bigint"
	" RETURNING json_build_object('ref', ref, 'reverses', (SELECT x.ref FROM yh.payment_line x WHERE x.id = reverses),"
	" 'batch', (SELECT x.uid FROM yh.batch x WHERE x.id = batch_id), 'period', period,"
	" 'person', (SELECT x.uid FROM yh.person x WHERE x.id = person_id), 'name', beneficiary_name,"
	" 'amount_fen', amount_fen, 'amount', yh.pay_yuan(amount_fen), 'reason', note, 'paid_on', paid_on)::text";

/* {"deceased": 1, "not_eligible": 2} as "deceased 1, not_eligible 2"; returns how many reasons. */
static int left_out_text(const char *json, char *out, size_t size)
{
	json_t *doc = json ? json_loads(json, 0, NULL) : NULL, *v;
	const char *key;
	size_t used = 0;
	int n = 0;

	out[0] = '\0';
	json_object_foreach(doc, key, v) {
		int w = snprintf(out + used, size - used, "%s%s %lld", n ? ", " : "", key, (long long)json_integer_value(v));
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
		n++;
	}
	json_decref(doc);
	return n;
}

int yh_batch_generate(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "programme", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "period", YH_FT_TEXT, YH_F_REQUIRED, 40, NULL },
		{ "date", YH_FT_DATE, 0, 0, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL, *gen = NULL;
	yh_pay_period per;
	char *id = NULL, uid[37], staff[24], scope_buf[24];
	const char *p[8];
	int rc, allowance;

	*out = NULL;
	rc = yh_pay_begin(db, a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_programme_find(db, yh_values_get(v, "programme"), "programme", &g, err);
	if (rc == 0)
		rc = yh_pay_period_parse(&per, yh_rows_get(g, 0, "period"), yh_values_get(v, "period"),
			yh_values_get(v, "date"), err);
	if (rc == 0)
		rc = yh_pay_period_not_ahead(db, &per, yh_rows_get(g, 0, "period"), err);
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(g, 0, "id");
		p[2] = per.label;
		p[3] = per.start;
		p[4] = per.end;
		p[5] = yh_actor_scope(a, scope_buf);
		p[6] = yh_values_get(v, "note");
		p[7] = staff;
		rc = yh_db_query_text(db, &id, Q_BATCH_INSERT, 8, p, NULL, err);
	}
	if (rc == 0) {
		/* sorting 100,000 wide rows in memory, not on disk */
		rc = yh_db_exec(db, "SET LOCAL work_mem = '64MB'", 0, NULL, err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		allowance = strcmp(yh_rows_get(g, 0, "kind"), "branch_allowance") == 0;
		p[0] = id;
		p[1] = yh_rows_get(g, 0, "id");
		p[2] = per.start;
		p[3] = per.end;
		rc = yh_db_query(db, &gen, allowance ? Q_GENERATE_ALLOWANCE : Q_GENERATE_SUBSIDY, allowance ? 4 : 1, p, err);
	}
	if (rc == 0 && atoll(yh_rows_get(gen, 0, "inserted")) == 0) {
		char why[512];
		if (left_out_text(yh_rows_get(gen, 0, "left_out"), why, sizeof(why)) == 0)
			rc = yh_err_set(err, YH_ECONFLICT, "period", "nobody is due for %s: no enrolments in your units",
				per.label);
		else
			rc = yh_err_set(err, YH_ECONFLICT, "period", "nobody is due for %s: %s (yinhui enrol list"
				" --programme %s --period %s says why, person by person)", per.label, why,
				yh_rows_get(g, 0, "code"), per.label);
	}
	if (rc == 0) {
		p[1] = yh_rows_get(gen, 0, "left_out");
		rc = yh_db_query_text(db, out, Q_GET_SUMMARY, 2, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "batch.generate", "batch", uid, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(id);
	yh_rows_free(g);
	yh_rows_free(gen);
	yh_values_free(v);
	return rc;
}

int yh_batch_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "programme", YH_FT_TEXT, 0, 60, NULL },
		{ "period", YH_FT_TEXT, 0, 40, NULL },
		{ "state", YH_FT_ENUM, 0, 0, states },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL;
	char buf[24];
	const char *p[4];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_READ, spec, sizeof(spec) / sizeof(spec[0]), q, 0, &v, err);
	if (rc == 0 && yh_values_get(v, "programme"))
		rc = yh_pay_programme_find(db, yh_values_get(v, "programme"), "programme", &g, err);
	if (rc == 0) {
		p[0] = yh_actor_scope(a, buf);
		p[1] = g ? yh_rows_get(g, 0, "id") : NULL;
		p[2] = yh_values_get(v, "period");
		p[3] = yh_values_get(v, "state");
		rc = yh_db_query_text(db, out, Q_LIST, 4, p, NULL, err);
	}
	yh_rows_free(g);
	yh_values_free(v);
	return rc;
}

/* Ids of lines whose file text (户名, 开户行) GBK cannot carry, as a bigint[] literal (caller frees). */
static int gbk_flags(yh_db *db, const char *batch_id, char **out, yh_err *err)
{
	yh_rows *r = NULL;
	yh_pay_buf b = { 0 };
	int rc;

	*out = NULL;
	rc = yh_db_query(db, &r, Q_NAMES, 1, &batch_id, err);
	if (rc != 0)
		return rc;
	yh_pay_buf_str(&b, "{");
	for (size_t i = 0; i < yh_rows_count(r); i++)
		if (!yh_encoding_gbk_can_carry(yh_rows_value(r, i, 1)) || !yh_encoding_gbk_can_carry(yh_rows_value(r, i, 3)))
			yh_pay_buf_elem(&b, yh_rows_value(r, i, 0));
	yh_pay_buf_str(&b, "}");
	yh_rows_free(r);
	if (b.failed) {
		yh_pay_buf_free(&b);
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	*out = b.p;
	return 0;
}

int yh_batch_get(yh_db *db, const yh_actor *a, const char *id, long lines, char **out, yh_err *err)
{
	yh_rows *b = NULL;
	char *gbk = NULL, lim[24];
	const char *p[3];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_READ, err);
	if (rc == 0)
		rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0)
		rc = gbk_flags(db, yh_rows_get(b, 0, "id"), &gbk, err);
	if (rc == 0) {
		snprintf(lim, sizeof(lim), "%ld", lines < 0 ? 0L : lines);
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = gbk;
		p[2] = lines < 0 ? NULL : lim;
		rc = yh_db_query_text(db, out, Q_REVIEW, 3, p, NULL, err);
	}
	free(gbk);
	yh_rows_free(b);
	return rc;
}

/* The conflict for a transition the batch's current state does not allow. */
static int state_conflict(yh_db *db, const char *batch_id, const char *verb, yh_err *err)
{
	char *state = NULL;
	int rc;

	rc = yh_db_query_text(db, &state, Q_STATE, 1, &batch_id, NULL, err);
	if (rc == 0)
		rc = yh_err_set(err, YH_ECONFLICT, "state", "the batch is %s: it cannot be %s", state ? state : "?", verb);
	free(state);
	return rc;
}

int yh_batch_approve(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "meeting_ref", YH_FT_TEXT, 0, 200, NULL },
		{ "control_sum", YH_FT_TEXT, 0, 64, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *b = NULL, *facts = NULL;
	char *state = NULL, staff[24];
	const char *p[3], *meeting, *given;
	int rc;

	*out = NULL;
	rc = yh_pay_begin(db, a, YH_P_PAY_APPROVE, spec, sizeof(spec) / sizeof(spec[0]), in, 0, &v, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	yh_pay_staff(a, staff);
	if (rc == 0 && strcmp(yh_rows_get(b, 0, "created_by"), staff) == 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "maker and checker must differ: you generated this batch");
	if (rc == 0)
		rc = yh_db_query(db, &facts, Q_APPROVAL_FACTS, 1, (const char *const[]){ yh_rows_get(b, 0, "id") }, err);
	meeting = v ? yh_values_get(v, "meeting_ref") : NULL;
	given = v ? yh_values_get(v, "control_sum") : NULL;
	if (rc == 0 && given && strcmp(given, yh_rows_get(facts, 0, "control_sum")) != 0)
		rc = yh_err_set(err, YH_ECONFLICT, "control_sum", "the batch is not the one reviewed (control sum differs)");
	if (rc == 0 && atoll(yh_rows_get(facts, 0, "total")) > atoll(yh_rows_get(facts, 0, "threshold")) &&
	    (meeting == NULL || meeting[strspn(meeting, " ")] == '\0'))
		rc = yh_err_set(err, YH_EINVAL, "meeting_ref",
			"the total is above %s fen: give the meeting that decided it (三重一大)", yh_rows_get(facts, 0, "threshold"));
	if (rc == 0) {
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = staff;
		p[2] = meeting;
		rc = yh_db_query_text(db, &state, Q_APPROVE, 3, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = state_conflict(db, p[0], "approved", err);
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET_SUMMARY, 2, (const char *const[]){ yh_rows_get(b, 0, "id"), NULL },
			NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "batch.approve", "batch", id, "{\"state\":\"draft\"}", *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(state);
	yh_rows_free(b);
	yh_rows_free(facts);
	yh_values_free(v);
	return rc;
}

int yh_batch_cancel(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "reason", YH_FT_TEXT, YH_F_REQUIRED, 200, NULL },
	};
	yh_values *v = NULL;
	yh_rows *b = NULL;
	char *state = NULL, staff[24];
	const char *p[3];
	int rc;

	*out = NULL;
	/* a clerk withdraws a batch; an approver rejects one */
	rc = yh_authz(a, YH_P_PAY_WRITE, NULL) == 0 ? 0 : yh_authz(a, YH_P_PAY_APPROVE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), in, 1, err);
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0) {
		yh_pay_staff(a, staff);
		p[0] = yh_rows_get(b, 0, "id");
		p[1] = staff;
		p[2] = yh_values_get(v, "reason");
		rc = yh_db_query_text(db, &state, Q_CANCEL, 3, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = state_conflict(db, p[0], "cancelled (only a draft or approved batch is)", err);
	}
	if (rc == 0) {
		rc = yh_db_exec(db, Q_CANCEL_LINES, 1, p, err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET_SUMMARY, 2, (const char *const[]){ p[0], NULL }, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "batch.cancel", "batch", id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(state);
	yh_rows_free(b);
	yh_values_free(v);
	return rc;
}

int yh_batch_reissue(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	yh_rows *b = NULL;
	char *nid = NULL, uid[37], staff[24];
	const char *p[4], *state;
	int rc;

	*out = NULL;
	rc = yh_pay_begin(db, a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 0, &v, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_batch_find(db, a, id, &b, err);
	if (rc == 0) {
		state = yh_rows_get(b, 0, "state");
		if (strcmp(state, "exported") != 0 && strcmp(state, "settled") != 0)
			rc = yh_err_set(err, YH_ECONFLICT, "state", "the batch is %s: only lines the bank failed are re-issued",
				state);
	}
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(b, 0, "id");
		p[2] = v ? yh_values_get(v, "note") : NULL;
		p[3] = staff;
		rc = yh_db_query_text(db, &nid, Q_REISSUE_BATCH, 4, p, NULL, err);
	}
	if (rc == 0) {
		p[0] = nid;
		p[1] = yh_rows_get(b, 0, "id");
		p[2] = staff;
		rc = yh_db_exec(db, Q_REISSUE_LINES, 3, p, err);
		if (rc == 0)
			rc = yh_err_set(err, YH_ECONFLICT, NULL, "no failed line of this batch awaits re-issue");
		else if (rc > 0)
			rc = 0;
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET_SUMMARY, 2, (const char *const[]){ nid, NULL }, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "batch.reissue", "batch", uid, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(nid);
	yh_rows_free(b);
	yh_values_free(v);
	return rc;
}

int yh_payment_reverse(yh_db *db, const yh_actor *a, const char *ref, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "reason", YH_FT_TEXT, YH_F_REQUIRED, 200, NULL },
		{ "amount", YH_FT_YUAN, 0, 0, NULL },
		{ "amount_fen", YH_FT_FEN, 0, 0, NULL },
	};
	yh_values *v = NULL;
	yh_rows *o = NULL;
	char uid[37], staff[24], buf[24], amount[32];
	const char *p[5], *fen = NULL;
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc == 0)
		rc = yh_pay_amount(v, amount, &fen, err);
	if (rc == 0 && strlen(yh_values_get(v, "reason")) == 0)
		rc = yh_err_set(err, YH_EINVAL, "reason", "is required");
	if (rc == 0 && (ref == NULL || yh_uuid_check(ref, "ref", NULL) != 0))
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "no such payment");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	p[0] = ref;
	p[1] = yh_actor_scope(a, buf);
	rc = yh_db_query(db, &o, Q_LINE_FOR_REVERSAL, 2, p, err);
	if (rc == 0 && yh_rows_count(o) != 1)
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "no paid payment with reference %s", ref);
	else if (rc == 0 && strcmp(yh_rows_get(o, 0, "visible"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "the payment belongs to a unit outside yours");
	else if (rc == 0 && strcmp(yh_rows_get(o, 0, "status"), "paid") != 0)
		rc = yh_err_set(err, YH_ECONFLICT, "ref", "the line is %s: only a paid line is reversed",
			yh_rows_get(o, 0, "status"));
	else if (rc == 0 && atoll(yh_rows_get(o, 0, "remaining")) <= 0)
		rc = yh_err_set(err, YH_ECONFLICT, "ref", "the payment is already fully reversed");
	else if (rc == 0 && fen && (atoll(fen) <= 0 || atoll(fen) > atoll(yh_rows_get(o, 0, "remaining"))))
		rc = yh_err_set(err, YH_EINVAL, "amount", "must be more than 0 and at most the %s fen not yet reversed",
			yh_rows_get(o, 0, "remaining"));
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(o, 0, "id");
		p[2] = fen ? fen : yh_rows_get(o, 0, "remaining");
		p[3] = yh_values_get(v, "reason");
		p[4] = staff;
		rc = yh_db_query_text(db, out, Q_REVERSE, 5, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "payment.reverse", "payment", ref, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	yh_rows_free(o);
	yh_values_free(v);
	return rc;
}
