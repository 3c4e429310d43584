/* Programmes: eligibility rules and effective-dated rates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/audit.h"
#include "yinhui/calendar.h"
#include "yinhui/pay.h"
#include "yinhui/util.h"

/* The JSON of programme g (used by list and get). */
#define PROGRAMME_JSON \
	"json_build_object('id', g.uid, 'code', g.code, 'name', g.name, 'kind', g.kind," \
	" 'budget_line', g.budget_line, 'period', g.period, 'purpose', g.purpose," \
	" 'eligibility', json_build_object('beneficiary', g.beneficiary, 'categories', g.categories," \
	"  'relationships', g.relationships, 'require_alive', g.require_alive, 'income_test', g.income_test," \
	"  'proof_of_life', g.proof_of_life, 'proof_due', g.proof_due)," \
	" 'rates', (SELECT coalesce(json_agg(json_build_object('post', nullif(r.post, ''), 'valid_from', r.valid_from," \
	"  'amount_fen', r.amount_fen, 'amount', yh.pay_yuan(r.amount_fen), 'note', r.note)" \
	"  ORDER BY r.post, r.valid_from), '[]') FROM yh.programme_rate r WHERE r.programme_id = g.id)," \
	" 'current_rate_fen', (SELECT r.amount_fen FROM yh.programme_rate r WHERE r.programme_id = g.id" \
	"  AND r.post = CASE WHEN g.kind = 'subsidy' THEN '' ELSE '书记' END AND r.valid_from <= current_date" \
	"  ORDER BY r.valid_from DESC LIMIT 1)," \
	" 'enrolled', (SELECT count(*) FROM yh.enrolment e WHERE e.programme_id = g.id" \
	"  AND (e.end_on IS NULL OR e.end_on >= current_date))," \
	" 'created_at', g.created_at)"

static const char Q_INSERT[] =
	"INSERT INTO yh.programme (uid, code, name, kind, budget_line, period, purpose, beneficiary, categories,"
	" relationships, require_alive, income_test, proof_of_life, proof_due, created_by)"
	" VALUES ($1::uuid, $2, $3, coalesce($4, 'subsidy'), $5, $6, coalesce($7, $3), coalesce($8, 'any'),"
	" $9::text[], $10::text[], coalesce($11::bool, true), coalesce($12::bool, false), coalesce($13::bool, false),"
	" $14, $15::bigint) RETURNING id";
static const char Q_RATE_INSERT[] =
	"INSERT INTO yh.programme_rate (programme_id, post, valid_from, amount_fen, note, created_by)"
	" VALUES ($1::bigint, coalesce($2, ''), $3::date, $4::bigint, $5, $6::bigint)"
	" RETURNING json_build_object('programme', (SELECT code FROM yh.programme WHERE id = programme_id),"
	" 'post', nullif(post, ''), 'valid_from', valid_from, 'amount_fen', amount_fen,"
	" 'amount', yh.pay_yuan(amount_fen), 'note', note)::text";
static const char Q_GET[] =
	"SELECT " PROGRAMME_JSON "::text FROM yh.programme g WHERE g.id = $1::bigint";
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(" PROGRAMME_JSON " ORDER BY g.code), '[]')::text FROM yh.programme g";

static const char *const kinds[] = { "subsidy", "branch_allowance", NULL };
static const char *const periods[] = { "monthly", "quarterly", "yearly", "one_off", NULL };
static const char *const beneficiaries[] = { "cadre", "survivor", "any", NULL };
static const char *const categories[] = { "离休", "退休", "企业离休", "建国初期参加工作的退休干部", NULL };
static const char *const relationships[] = { "配偶", "子女", "父母", "其他", NULL };
static const char *const posts[] = { "书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", NULL };

/* The default secretary allowance: 300 yuan a month (domain.md 4.2). */
#define SECRETARY_DEFAULT_FEN "30000"

static int check_proof_due(const char *s, yh_err *err)
{
	int m, d;

	/* a yearly date must exist every year: no 29 February */
	if (strlen(s) != 5 || s[2] != '-' || sscanf(s, "%2d-%2d", &m, &d) != 2 || !yh_date_valid_ymd(2001, m, d))
		return yh_err_set(err, YH_EINVAL, "proof_due", "must be a yearly date MM-DD (not 02-29)");
	return 0;
}

static void remap(int rc, yh_err *err)
{
	static const struct {
		const char *constraint, *field;
	} map[] = {
		{ "programme_code_unique", "code" },
		{ "programme_code_check", "code" },
		{ "programme_proof_due", "proof_due" },
		{ "programme_allowance_yearly", "period" },
		{ "programme_rate_unique", "valid_from" },
	};

	if (rc == 0 || err == NULL)
		return;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(err->field, map[i].constraint) == 0) {
			snprintf(err->field, sizeof(err->field), "%s", map[i].field);
			if (strcmp(map[i].constraint, "programme_code_check") == 0)
				snprintf(err->msg, sizeof(err->msg), "use 1-40 lowercase letters, digits, '-' and '_'");
			else if (strcmp(map[i].constraint, "programme_proof_due") == 0)
				snprintf(err->msg, sizeof(err->msg), "proof_of_life needs proof_due (MM-DD)");
			else if (strcmp(map[i].constraint, "programme_allowance_yearly") == 0)
				snprintf(err->msg, sizeof(err->msg), "a branch allowance is paid yearly");
		}
}

int yh_programme_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "code", YH_FT_TEXT, YH_F_REQUIRED, 40, NULL },
		{ "name", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
		{ "kind", YH_FT_ENUM, 0, 0, kinds },
		{ "budget_line", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
		{ "period", YH_FT_ENUM, YH_F_REQUIRED, 0, periods },
		{ "purpose", YH_FT_TEXT, 0, 60, NULL },
		{ "beneficiary", YH_FT_ENUM, 0, 0, beneficiaries },
		{ "categories", YH_FT_ENUMSET, 0, 0, categories },
		{ "relationships", YH_FT_ENUMSET, 0, 0, relationships },
		{ "require_alive", YH_FT_BOOL, 0, 0, NULL },
		{ "income_test", YH_FT_BOOL, 0, 0, NULL },
		{ "proof_of_life", YH_FT_BOOL, 0, 0, NULL },
		{ "proof_due", YH_FT_TEXT, 0, 5, NULL },
		{ "amount", YH_FT_YUAN, 0, 0, NULL },
		{ "amount_fen", YH_FT_FEN, 0, 0, NULL },
		{ "valid_from", YH_FT_DATE, 0, 0, NULL },
	};
	yh_values *v = NULL;
	char *id = NULL, uid[37], staff[24], amount[32];
	const char *p[15], *fen = NULL, *kind;
	int rc, allowance;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), in, 1, err);
	if (rc == 0 && yh_values_get(v, "proof_due"))
		rc = check_proof_due(yh_values_get(v, "proof_due"), err);
	if (rc == 0)
		rc = yh_pay_amount(v, amount, &fen, err);
	if (rc != 0)
		goto out;
	kind = yh_values_get(v, "kind") ? yh_values_get(v, "kind") : "subsidy";
	allowance = strcmp(kind, "branch_allowance") == 0;
	yh_uuid_new(uid);
	yh_pay_staff(a, staff);
	p[0] = uid;
	p[1] = yh_values_get(v, "code");
	p[2] = yh_values_get(v, "name");
	p[3] = kind;
	p[4] = yh_values_get(v, "budget_line");
	p[5] = yh_values_get(v, "period");
	p[6] = yh_values_get(v, "purpose");
	p[7] = yh_values_get(v, "beneficiary");
	p[8] = yh_values_get(v, "categories");
	p[9] = yh_values_get(v, "relationships");
	p[10] = yh_values_get(v, "require_alive");
	p[11] = yh_values_get(v, "income_test");
	p[12] = yh_values_get(v, "proof_of_life");
	p[13] = yh_values_get(v, "proof_due");
	p[14] = staff;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_db_query_text(db, &id, Q_INSERT, 15, p, NULL, err);
	remap(rc, err);
	if (rc == 0 && (fen != NULL || allowance)) {
		const char *r[6] = { id, allowance ? "书记" : NULL,
			yh_values_get(v, "valid_from") ? yh_values_get(v, "valid_from") : "1900-01-01",
			fen ? fen : SECRETARY_DEFAULT_FEN, fen ? "opening rate" : "default: 300 yuan a month", staff };
		char *rate = NULL;
		rc = yh_db_query_text(db, &rate, Q_RATE_INSERT, 6, r, NULL, err);
		free(rate);
	}
	if (rc == 0) {
		const char *g[1] = { id };
		rc = yh_db_query_text(db, out, Q_GET, 1, g, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "programme.add", "programme", uid, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(id);
	yh_values_free(v);
	return rc;
}

int yh_programme_list(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_READ, err);
	if (rc != 0)
		return rc;
	return yh_db_query_text(db, out, Q_LIST, 0, NULL, NULL, err);
}

int yh_programme_get(yh_db *db, const yh_actor *a, const char *programme, char **out, yh_err *err)
{
	yh_rows *g = NULL;
	const char *p[1];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_READ, err);
	if (rc == 0)
		rc = yh_pay_programme_find(db, programme, NULL, &g, err);
	if (rc == 0) {
		p[0] = yh_rows_get(g, 0, "id");
		rc = yh_db_query_text(db, out, Q_GET, 1, p, NULL, err);
	}
	yh_rows_free(g);
	return rc;
}

int yh_programme_rate_add(yh_db *db, const yh_actor *a, const char *programme, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "valid_from", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
		{ "amount", YH_FT_YUAN, 0, 0, NULL },
		{ "amount_fen", YH_FT_FEN, 0, 0, NULL },
		{ "post", YH_FT_ENUM, 0, 0, posts },
		{ "note", YH_FT_TEXT, 0, 200, NULL },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL;
	char staff[24], amount[32];
	const char *p[6], *fen = NULL;
	int rc, allowance;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), in, 1, err);
	if (rc == 0)
		rc = yh_pay_amount(v, amount, &fen, err);
	if (rc == 0 && fen == NULL)
		rc = yh_err_set(err, YH_EINVAL, "amount", "is required (yuan, or amount_fen)");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_pay_programme_find(db, programme, NULL, &g, err);
	if (rc == 0) {
		allowance = strcmp(yh_rows_get(g, 0, "kind"), "branch_allowance") == 0;
		if (allowance && !yh_values_get(v, "post"))
			rc = yh_err_set(err, YH_EINVAL, "post", "a branch allowance rate is per post (书记, 副书记, ...)");
		else if (!allowance && yh_values_get(v, "post"))
			rc = yh_err_set(err, YH_EINVAL, "post", "only branch allowances have rates per post");
	}
	if (rc == 0) {
		yh_pay_staff(a, staff);
		p[0] = yh_rows_get(g, 0, "id");
		p[1] = yh_values_get(v, "post");
		p[2] = yh_values_get(v, "valid_from");
		p[3] = fen;
		p[4] = yh_values_get(v, "note");
		p[5] = staff;
		rc = yh_db_query_text(db, out, Q_RATE_INSERT, 6, p, NULL, err);
		remap(rc, err);
		if (rc == YH_ECONFLICT)
			rc = yh_err_set(err, YH_ECONFLICT, "valid_from",
				"a rate from %s exists; rates are never edited: add one from another date", p[2]);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "programme.rate", "programme", yh_rows_get(g, 0, "uid"), NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_rows_free(g);
	yh_values_free(v);
	return rc;
}
