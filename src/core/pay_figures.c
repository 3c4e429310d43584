/*
 * Payment figures for the self-evaluation, and the records behind each.
 * A line belongs to the window by the first day of the period it pays (a
 * December subsidy settled in January counts for December's year).
 * Amounts are paid lines net of their reversals, summed in SQL to the fen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/pay.h"
#include "yinhui/staff.h"
#include "yinhui/validate.h"

/*
 * The lines of the window with the given columns of payment_line l: $1 from,
 * $2 to, $3 the unit subtree's ids (NULL = all), $4 programme (NULL = all).
 */
#define WINDOW_OF(cols) \
	"WITH l AS (SELECT " cols ", g.kind AS pkind, g.budget_line, g.code AS pcode," \
	"  CASE WHEN l.kind = 'payment' THEN l.amount_fen + coalesce(r.fen, 0) END AS net_fen" \
	" FROM yh.payment_line l JOIN yh.programme g ON g.id = l.programme_id" \
	" LEFT JOIN (SELECT reverses, sum(amount_fen) AS fen FROM yh.payment_line WHERE reverses IS NOT NULL" \
	"  GROUP BY reverses) r ON r.reverses = l.id" \
	" WHERE l.period_start BETWEEN $1::date AND $2::date" \
	"  AND ($3::bigint[] IS NULL OR l.unit_id = ANY ($3::bigint[]))" \
	"  AND ($4::bigint IS NULL OR l.programme_id = $4::bigint)) "
#define WINDOW WINDOW_OF("l.*")

/* A paid payment that still counts (not reversed in full). */
#define COUNTS "l.kind = 'payment' AND l.status = 'paid' AND l.net_fen > 0"

/* one pass over the year's lines, narrow: the figures need eight columns, not the bank details */
static const char Q_FIGURES[] =
	WINDOW_OF("l.id, l.kind, l.status, l.amount_fen, l.person_id, l.reissue_of, l.branches")
	"SELECT json_build_object("
	" 'subsidies.amount_fen', coalesce(sum(l.amount_fen) FILTER (WHERE l.pkind = 'subsidy' AND l.status = 'paid'), 0),"
	" 'subsidies.payments', count(*) FILTER (WHERE l.pkind = 'subsidy' AND " COUNTS "),"
	" 'subsidies.beneficiaries', count(DISTINCT l.person_id) FILTER (WHERE l.pkind = 'subsidy' AND " COUNTS "),"
	" 'branches.allowance_branches', (SELECT count(DISTINCT b) FROM l, unnest(l.branches) b"
	"  WHERE l.pkind = 'branch_allowance' AND " COUNTS "),"
	" 'branches.allowance_secretaries', count(DISTINCT l.person_id)"
	"  FILTER (WHERE l.pkind = 'branch_allowance' AND " COUNTS "),"
	" 'branches.allowance_amount_fen', coalesce(sum(l.amount_fen)"
	"  FILTER (WHERE l.pkind = 'branch_allowance' AND l.status = 'paid'), 0),"
	" 'payments.failed', count(*) FILTER (WHERE l.kind = 'payment' AND l.status = 'failed'),"
	" 'payments.reissued', count(*) FILTER (WHERE l.reissue_of IS NOT NULL AND l.status IN ('pending', 'paid')),"
	" 'payments.reversals', count(*) FILTER (WHERE l.kind = 'reversal'),"
	" 'budget_lines', (SELECT coalesce(json_object_agg(b.budget_line, b.fen ORDER BY b.budget_line), '{}') FROM"
	"  (SELECT l.budget_line, sum(l.amount_fen) AS fen FROM l WHERE l.status = 'paid' GROUP BY l.budget_line) b)"
	")::text FROM l";

static const char Q_LINES[] =
	WINDOW "SELECT coalesce(json_agg(json_build_object('ref', l.ref, 'batch', b.uid, 'programme', l.pcode,"
	" 'budget_line', l.budget_line, 'period', l.period, 'person', p.uid, 'name', l.beneficiary_name,"
	" 'unit', u.code, 'kind', l.kind, 'amount_fen', l.amount_fen, 'amount', yh.pay_yuan(l.amount_fen),"
	" 'net_fen', l.net_fen, 'status', l.status, 'bank_ref', l.bank_ref, 'fail_reason', l.fail_reason,"
	" 'paid_on', l.paid_on, 'reissue', l.reissue_of IS NOT NULL,"
	" 'reverses', (SELECT o.ref FROM yh.payment_line o WHERE o.id = l.reverses))"
	" ORDER BY l.period_start, l.pcode, l.beneficiary_name, l.id), '[]')::text"
	" FROM l JOIN yh.batch b ON b.id = l.batch_id JOIN yh.person p ON p.id = l.person_id"
	" JOIN yh.unit u ON u.id = l.unit_id WHERE CASE $5::text"
	"  WHEN 'subsidies.amount_fen' THEN l.pkind = 'subsidy' AND l.status = 'paid'"
	"  WHEN 'subsidies.payments' THEN l.pkind = 'subsidy' AND " COUNTS
	"  WHEN 'branches.allowance_amount_fen' THEN l.pkind = 'branch_allowance' AND l.status = 'paid'"
	"  WHEN 'payments.failed' THEN l.kind = 'payment' AND l.status = 'failed'"
	"  WHEN 'payments.reissued' THEN l.reissue_of IS NOT NULL AND l.status IN ('pending', 'paid')"
	"  WHEN 'payments.reversals' THEN l.kind = 'reversal' ELSE false END";
static const char Q_PERSONS[] =
	WINDOW "SELECT coalesce(json_agg(json_build_object('person', x.uid, 'name', x.name, 'unit', x.unit,"
	" 'payments', x.n, 'amount_fen', x.fen, 'amount', yh.pay_yuan(x.fen)) ORDER BY x.name, x.uid), '[]')::text"
	" FROM (SELECT p.uid, p.name, u.code AS unit, count(*) AS n, sum(l.net_fen)::bigint AS fen FROM l"
	"  JOIN yh.person p ON p.id = l.person_id JOIN yh.unit u ON u.id = p.unit_id"
	"  WHERE l.pkind = $5::text AND " COUNTS " GROUP BY p.uid, p.name, u.code) x";
static const char Q_BRANCHES[] =
	WINDOW "SELECT coalesce(json_agg(json_build_object('branch', x.branch, 'name', x.name, 'months', x.months,"
	" 'secretaries', x.people, 'amount_fen', x.fen, 'amount', yh.pay_yuan(x.fen)) ORDER BY x.name), '[]')::text"
	" FROM (SELECT m->>'branch' AS branch, min(m->>'branch_name') AS name, count(*) AS months,"
	"  count(DISTINCT l.person_id) AS people, sum((m->>'fen')::bigint)::bigint AS fen"
	"  FROM l, jsonb_array_elements(l.detail->'months') m WHERE l.pkind = 'branch_allowance' AND " COUNTS
	"  GROUP BY m->>'branch') x";
static const char Q_BUDGET[] =
	WINDOW "SELECT coalesce(json_agg(json_build_object('budget_line', x.budget_line, 'programme', x.pcode,"
	" 'amount_fen', x.fen, 'amount', yh.pay_yuan(x.fen)) ORDER BY x.budget_line, x.pcode), '[]')::text"
	" FROM (SELECT l.budget_line, l.pcode, sum(l.amount_fen)::bigint AS fen FROM l WHERE l.status = 'paid'"
	"  GROUP BY l.budget_line, l.pcode) x";
static const char Q_IN_SCOPE[] = "SELECT yh.in_scope($1::bigint, $2::bigint)::text";

/* Resolves the window's parameters: dates, unit subtree within the actor's scope, programme. */
static int window(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	const char *programme, char **subtree, char prog_txt[24], const char *p[4], yh_err *err)
{
	char unit_txt[24];
	yh_rows *g = NULL;
	char *ok = NULL, buf[24];
	long long id = 0;
	int y, m, d, rc;

	rc = yh_authz(a, YH_P_PAY_READ, NULL) == 0 ? 0 : yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0 && (from == NULL || yh_date_parse_ymd(from, &y, &m, &d, err, "from") != 0))
		rc = yh_err_set(err, YH_EINVAL, "from", "must be a date YYYY-MM-DD");
	if (rc == 0 && (to == NULL || yh_date_parse_ymd(to, &y, &m, &d, err, "to") != 0))
		rc = yh_err_set(err, YH_EINVAL, "to", "must be a date YYYY-MM-DD");
	if (rc == 0 && strcmp(from, to) > 0)
		rc = yh_err_set(err, YH_EINVAL, "to", "is before from");
	p[0] = from;
	p[1] = to;
	p[2] = yh_actor_scope(a, buf);
	p[2] = p[2] ? strcpy(unit_txt, p[2]) : NULL;
	p[3] = NULL;
	if (rc == 0 && unit != NULL) {
		rc = yh_unit_resolve(db, unit, "unit", &id, err);
		if (rc == 0) {
			snprintf(unit_txt, 24, "%lld", id);
			const char *q[2] = { unit_txt, yh_actor_scope(a, buf) };
			rc = yh_db_query_text(db, &ok, Q_IN_SCOPE, 2, q, NULL, err);
			if (rc == 0 && (ok == NULL || strcmp(ok, "true") != 0))
				rc = yh_err_set(err, YH_EFORBIDDEN, "unit", "the unit is outside yours");
			p[2] = unit_txt;
		}
	}
	if (rc == 0 && programme != NULL) {
		rc = yh_pay_programme_find(db, programme, "programme", &g, err);
		if (rc == 0) {
			snprintf(prog_txt, 24, "%s", yh_rows_get(g, 0, "id"));
			p[3] = prog_txt;
		}
	}
	/* the subtree as ids (the caller frees them): p[2] pointed into this frame */
	*subtree = NULL;
	if (rc == 0)
		rc = yh_unit_subtree_ids(db, p[2], subtree, err);
	p[2] = *subtree;
	free(ok);
	yh_rows_free(g);
	return rc;
}

int yh_pay_figures_programme(yh_db *db, const yh_actor *a, const char *from, const char *to,
	const char *unit, const char *programme, char **out, yh_err *err)
{
	char prog_txt[24], *subtree = NULL;
	const char *p[4];
	int rc;

	*out = NULL;
	rc = window(db, a, from, to, unit, programme, &subtree, prog_txt, p, err);
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_FIGURES, 4, p, NULL, err);
	free(subtree);
	return rc;
}

int yh_pay_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err)
{
	return yh_pay_figures_programme(db, a, from, to, unit, NULL, out, err);
}

int yh_pay_figure_records_programme(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, const char *programme, char **out, yh_err *err)
{
	static const struct {
		const char *code;
		const char *sql;
		const char *arg; /* $5 */
	} figures[] = {
		{ "subsidies.amount_fen", Q_LINES, NULL },
		{ "subsidies.payments", Q_LINES, NULL },
		{ "subsidies.beneficiaries", Q_PERSONS, "subsidy" },
		{ "branches.allowance_branches", Q_BRANCHES, NULL },
		{ "branches.allowance_secretaries", Q_PERSONS, "branch_allowance" },
		{ "branches.allowance_amount_fen", Q_LINES, NULL },
		{ "payments.failed", Q_LINES, NULL },
		{ "payments.reissued", Q_LINES, NULL },
		{ "payments.reversals", Q_LINES, NULL },
		{ "budget_lines", Q_BUDGET, NULL },
	};
	char prog_txt[24], *subtree = NULL;
	const char *p[5];
	size_t i, n = sizeof(figures) / sizeof(figures[0]);
	int rc;

	*out = NULL;
	for (i = 0; i < n && (code == NULL || strcmp(code, figures[i].code) != 0); i++)
		;
	if (i == n)
		return yh_err_set(err, YH_ENOTFOUND, "code", "no payment figure \"%.60s\"", code ? code : "");
	rc = window(db, a, from, to, unit, programme, &subtree, prog_txt, p, err);
	p[4] = figures[i].sql == Q_LINES ? figures[i].code : figures[i].arg;
	if (rc == 0)
		rc = yh_db_query_text(db, out, figures[i].sql,
			figures[i].sql == Q_BRANCHES || figures[i].sql == Q_BUDGET ? 4 : 5, p, NULL, err);
	free(subtree);
	return rc;
}

int yh_pay_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err)
{
	return yh_pay_figure_records_programme(db, a, code, from, to, unit, NULL, out, err);
}
