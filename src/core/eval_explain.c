/*
 * Drill-down (explain), the roster reconciliation with its explanations and
 * the report's prose sections.
 */
#include "yinhui/evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/activity.h"
#include "yinhui/audit.h"
#include "yinhui/budget.h"
#include "yinhui/casework.h"
#include "yinhui/pay.h"
#include "yinhui/roster.h"
#include "yinhui/validate.h"

static const char Q_IND_SOURCE[] =
	"SELECT i.source, i.figure_code, i.name, e.manual_x100, e.rating, e.evidence, e.updated_by, e.updated_at"
	" FROM yh.indicator i LEFT JOIN yh.indicator_entry e ON e.indicator_id = i.id AND e.unit_id = $3::bigint"
	" WHERE i.year = $1::int AND i.code = $2";
static const char Q_LABEL[] = "SELECT label FROM yh.figure_registry WHERE code = $1";
/* the figures of the current finalised snapshot of (year, unit), if any */
static const char Q_SNAPSHOT_FIGURES[] =
	"SELECT (document::jsonb -> 'figures')::text FROM yh.evaluation_snapshot"
	" WHERE year = $1::int AND unit_id = $2::bigint AND reopened_at IS NULL";
static const char Q_NOTE_UPSERT[] =
	"INSERT INTO yh.reconcile_note (year, unit_id, category, rank, difference, explanation, updated_by)"
	" VALUES ($1::int, $2::bigint, $3, $4, $5::int, $6, $7) ON CONFLICT (year, unit_id, category, rank)"
	" DO UPDATE SET difference = EXCLUDED.difference, explanation = EXCLUDED.explanation,"
	" updated_at = now(), updated_by = EXCLUDED.updated_by"
	" RETURNING json_build_object('year', year, 'category', category, 'rank', rank, 'difference', difference,"
	" 'explanation', explanation, 'by', updated_by, 'at', updated_at)::text";
static const char Q_NOTES[] =
	"SELECT coalesce(json_agg(json_build_object('category', category, 'rank', rank, 'difference', difference,"
	" 'explanation', explanation, 'by', updated_by)), '[]')::text FROM yh.reconcile_note"
	" WHERE year = $1::int AND unit_id = $2::bigint";
static const char Q_TEXT_UPSERT[] =
	"INSERT INTO yh.evaluation_text (year, unit_id, section, body, updated_by) VALUES ($1::int, $2::bigint, $3, $4, $5)"
	" ON CONFLICT (year, unit_id, section) DO UPDATE SET body = EXCLUDED.body, updated_at = now(),"
	" updated_by = EXCLUDED.updated_by";
static const char Q_TEXT_GET[] =
	"SELECT body FROM yh.evaluation_text WHERE year = $1::int AND unit_id = $2::bigint AND section = $3";
static const char Q_TEXT_DELETE[] =
	"DELETE FROM yh.evaluation_text WHERE year = $1::int AND unit_id = $2::bigint AND section = $3";

typedef int (*records_fn)(yh_db *, const yh_actor *, const char *, const char *, const char *, const char *,
	char **, yh_err *);

static int budget_records(yh_db *db, const yh_actor *a, const char *code, const char *from, const char *to,
	const char *unit, char **out, yh_err *err)
{
	(void)to;
	return yh_budget_figure_records(db, a, code, atoi(from), unit, out, err);
}

static int budget_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err)
{
	(void)to;
	return yh_budget_figures(db, a, atoi(from), unit, out, err);
}

/* Which module answers for a figure code. */
static int route(const char *code, records_fn *rec, figures_fn *fig)
{
	static const struct { const char *prefix; records_fn rec; figures_fn fig; } map[] = {
		{ "budget.", budget_records, budget_figures },
		{ "activities.", yh_activity_figure_records, yh_activity_figures },
		{ "visits.", yh_case_figure_records, yh_case_figures },
		{ "obligations.", yh_case_figure_records, yh_case_figures },
		{ "plans.", yh_case_figure_records, yh_case_figures },
		{ "subsidies.", yh_pay_figure_records, yh_pay_figures },
		{ "branches.", yh_pay_figure_records, yh_pay_figures },
		{ "payments.", yh_pay_figure_records, yh_pay_figures },
		{ "budget_lines", yh_pay_figure_records, yh_pay_figures },
		{ "roster.", yh_roster_figure_records, yh_roster_figures },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(code, map[i].prefix, strlen(map[i].prefix)) == 0) {
			*rec = map[i].rec;
			*fig = map[i].fig;
			return 0;
		}
	return YH_ENOTFOUND;
}

/* The value of code in a module's figures; "a.b.key" looks inside object figure "a.b". */
static json_t *figure_value(json_t *figs, const char *code)
{
	json_t *v = json_object_get(figs, code);
	const char *dot;

	if (v != NULL)
		return v;
	dot = strrchr(code, '.');
	if (dot != NULL) {
		char parent[128];
		snprintf(parent, sizeof(parent), "%.*s", (int)(dot - code), code);
		v = json_object_get(figs, parent);
		if (json_is_object(v))
			return json_object_get(v, dot + 1);
	}
	return NULL;
}

/*
 * A finalised year's report shows its snapshot, not today's records: the
 * explanation then carries the finalised value beside the current one and
 * says whether records changed since (yinhui evaluation diff lists them).
 */
static int add_finalised(yh_db *db, const char *year, const yh_eval_unit *u, const char *code, json_t *res,
	yh_err *err)
{
	const char *p[2] = { year, u->id_txt };
	char *txt = NULL;
	json_t *figs, *was, *now;
	int rc;

	if (res == NULL)
		return 0;
	rc = yh_db_query_text(db, &txt, Q_SNAPSHOT_FIGURES, 2, p, NULL, err);
	if (rc == YH_ENOTFOUND) {
		yh_err_clear(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	figs = json_loads(txt, 0, NULL);
	free(txt);
	was = figure_value(figs, code);
	now = json_object_get(res, "value");
	json_object_set_new(res, "finalised", json_true());
	json_object_set_new(res, "finalised_value", was ? json_incref(was) : json_null());
	json_object_set_new(res, "changed_since_finalised", json_boolean(!(was && now ? json_equal(was, now) : was == now)));
	json_decref(figs);
	return 0;
}

int yh_eval_explain(yh_db *db, const yh_actor *a, int year, const char *unit, const char *code,
	char **out, yh_err *err)
{
	yh_eval_unit u;
	yh_rows *ind = NULL;
	records_fn rec = NULL;
	figures_fn fig = NULL;
	json_t *res = NULL, *figs = NULL;
	char y[16], from[16], to[16], fcode[128], *records = NULL, *ftxt = NULL, *label = NULL;
	const char *p[3], *indicator = NULL;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && (code == NULL || *code == '\0' || strlen(code) >= sizeof(fcode)))
		rc = yh_err_set(err, YH_EINVAL, "code", "a figure or indicator code is required");
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	snprintf(from, sizeof(from), "%d-01-01", year);
	snprintf(to, sizeof(to), "%d-12-31", year);
	snprintf(fcode, sizeof(fcode), "%s", code);
	if (code[0] >= 'A' && code[0] <= 'Z') {
		/* an indicator: its figure, or its manual value and evidence */
		p[0] = y;
		p[1] = code;
		p[2] = u.id_txt;
		rc = yh_db_query(db, &ind, Q_IND_SOURCE, 3, p, err);
		if (rc == 0 && yh_rows_count(ind) == 0)
			rc = yh_err_set(err, YH_ENOTFOUND, "code", "no indicator %s in %d", code, year);
		if (rc != 0)
			goto done;
		indicator = code;
		if (yh_rows_get(ind, 0, "figure_code") == NULL) {
			res = json_pack("{s:s,s:s,s:s,s:i,s:s,s:[{s:s?,s:s?,s:s?,s:s?,s:s?}]}", "code", code,
				"label", yh_rows_get(ind, 0, "name"), "source", yh_rows_get(ind, 0, "source"), "year", year,
				"unit", u.code, "records", "manual_x100", yh_rows_get(ind, 0, "manual_x100"),
				"rating", yh_rows_get(ind, 0, "rating"), "evidence", yh_rows_get(ind, 0, "evidence"),
				"by", yh_rows_get(ind, 0, "updated_by"), "at", yh_rows_get(ind, 0, "updated_at"));
			goto emit;
		}
		snprintf(fcode, sizeof(fcode), "%s", yh_rows_get(ind, 0, "figure_code"));
	}
	if (route(fcode, &rec, &fig) != 0) {
		rc = yh_err_set(err, YH_ENOTFOUND, "code", "no figure \"%.60s\"", fcode);
		goto done;
	}
	rc = rec(db, a, fcode, fig == budget_figures ? y : from, to, u.code, &records, err);
	if (rc == 0)
		rc = fig(db, a, fig == budget_figures ? y : from, to, u.code, &ftxt, err);
	if (rc != 0)
		goto done;
	p[0] = fcode;
	if (yh_db_query_text(db, &label, Q_LABEL, 1, p, NULL, NULL) != 0)
		label = NULL;
	figs = json_loads(ftxt, 0, NULL);
	res = json_pack("{s:s,s:s?,s:s?,s:O?,s:i,s:s,s:o}", "code", fcode, "indicator", indicator, "label", label,
		"value", figure_value(figs, fcode), "year", year, "unit", u.code,
		"records", json_loads(records, JSON_DECODE_ANY, NULL));
	rc = add_finalised(db, y, &u, fcode, res, err);
	if (rc != 0)
		goto done;
emit:
	*out = res ? json_dumps(res, JSON_COMPACT) : NULL;
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot build the explanation");
done:
	json_decref(res);
	json_decref(figs);
	yh_rows_free(ind);
	free(records);
	free(ftxt);
	free(label);
	return rc;
}

/* The reconciliation of (year, unit) with explanations, as a document member. */
static int reconciliation_doc(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, json_t **out,
	yh_err *err)
{
	json_t *doc = json_pack("{s:[]}", "warnings"), *notes = NULL;
	char y[16], *txt = NULL;
	const char *p[2];
	int rc;

	*out = NULL;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = u->id_txt;
	rc = yh_db_query_text(db, &txt, Q_NOTES, 2, p, NULL, err);
	if (rc == 0) {
		notes = json_loads(txt, 0, NULL);
		rc = yh_eval_add_reconciliation(db, a, year, u, notes, doc, err);
	}
	if (rc == 0 && json_is_null(json_object_get(doc, "reconciliation")))
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "the roster reconciliation is not visible to your role");
	if (rc == 0)
		*out = json_incref(json_object_get(doc, "reconciliation"));
	free(txt);
	json_decref(notes);
	json_decref(doc);
	return rc;
}

int yh_eval_reconciliation(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	json_t *rec = NULL;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = reconciliation_doc(db, a, year, &u, &rec, err);
	if (rc == 0) {
		*out = json_dumps(rec, JSON_COMPACT);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	json_decref(rec);
	return rc;
}

int yh_eval_reconcile_explain(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out,
	yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "unit", YH_FT_TEXT, 0, 60, NULL },
		{ "category", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 40, NULL },
		{ "rank", YH_FT_TEXT, 0, 40, NULL },
		{ "explanation", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 2000, NULL },
	};
	yh_values *v = NULL;
	yh_eval_unit u;
	json_t *rec = NULL, *row, *match = NULL;
	char y[16], diff[24], entity[128];
	const char *p[7], *cat, *rank;
	size_t i;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), in, 1, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, yh_values_get(v, "unit"), &u, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, u.id_txt, err);
	if (rc == 0 && strspn(yh_values_get(v, "explanation"), " \t\r\n") == strlen(yh_values_get(v, "explanation")))
		rc = yh_err_set(err, YH_EINVAL, "explanation", "must not be blank");
	if (rc == 0)
		rc = reconciliation_doc(db, a, year, &u, &rec, err);
	if (rc != 0)
		goto done;
	cat = yh_values_get(v, "category");
	rank = yh_values_get(v, "rank") ? yh_values_get(v, "rank") : "";
	json_array_foreach(json_object_get(rec, "rows"), i, row)
		if (strcmp(yh_eval_str(row, "category"), cat) == 0 && strcmp(yh_eval_str(row, "rank"), rank) == 0 &&
		    json_integer_value(json_object_get(row, "difference")) != 0)
			match = row;
	if (match == NULL) {
		rc = yh_err_set(err, YH_EINVAL, "category", "no roster difference for %s %s in %d", cat, rank, year);
		goto done;
	}
	snprintf(y, sizeof(y), "%d", year);
	snprintf(diff, sizeof(diff), "%lld", (long long)json_integer_value(json_object_get(match, "difference")));
	snprintf(entity, sizeof(entity), "%d/%s", year, u.code);
	p[0] = y;
	p[1] = u.id_txt;
	p[2] = cat;
	p[3] = rank;
	p[4] = diff;
	p[5] = yh_values_get(v, "explanation");
	p[6] = a->username;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_db_query_text(db, out, Q_NOTE_UPSERT, 7, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "reconcile.explain", "evaluation", entity, NULL, *out, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	json_decref(rec);
	yh_values_free(v);
	return rc;
}

/* {"body": s} as text for the audit row. */
static char *body_json(const char *s)
{
	json_t *o = json_pack("{s:s}", "body", s);
	char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return t;
}

int yh_eval_text_set(yh_db *db, const yh_actor *a, int year, const char *unit, const char *section,
	const char *body, yh_err *err)
{
	static const char *const sections[] = { "functions", "organisation", "goals", "budget_notes", "process",
		"analysis", "problems", "measures", "other", NULL };
	yh_eval_unit u;
	char y[16], entity[160], *old = NULL, *before = NULL, *after = NULL;
	const char *p[5];
	int rc, known = 0, empty = body == NULL || strspn(body, " \t\r\n") == strlen(body);

	for (int i = 0; section && sections[i]; i++)
		known |= strcmp(section, sections[i]) == 0;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && !known)
		rc = yh_err_set(err, YH_EINVAL, "section", "section must be one of: functions, organisation, goals,"
			" budget_notes, process, analysis, problems, measures, other");
	if (rc == 0 && !empty)
		rc = yh_text_check(body, 20000, "body", err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, u.id_txt, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	snprintf(entity, sizeof(entity), "%d/%s/%s", year, u.code, section);
	p[0] = y;
	p[1] = u.id_txt;
	p[2] = section;
	p[3] = empty ? NULL : body;
	p[4] = a->username;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	if (yh_db_query_text(db, &old, Q_TEXT_GET, 3, p, NULL, NULL) != 0)
		old = NULL;
	before = old ? body_json(old) : NULL;
	after = empty ? NULL : body_json(body);
	rc = yh_db_exec(db, empty ? Q_TEXT_DELETE : Q_TEXT_UPSERT, empty ? 3 : 5, p, err);
	if (rc >= 0)
		rc = yh_audit(db, a, "evaluation.text", "evaluation", entity, before, after, err);
	rc = yh_db_end(db, rc, err);
	free(old);
	free(before);
	free(after);
	return rc;
}
