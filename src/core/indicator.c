/* The per-year indicator tree: templates, copies, definitions, unit entries and overrides. */
#include "yinhui/indicator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/audit.h"
#include "yinhui/evaluation.h"

#define ROW_JSON \
	"json_build_object('code', i.code, 'parent', p.code, 'level', i.level, 'name', i.name, 'class', i.class," \
	" 'points', (i.points_x100::numeric / 100)::numeric(10, 2)::text, 'unit', i.unit, 'target_op', i.target_op," \
	" 'target_value', trim_scale(i.target_x100::numeric / 100)::text, 'target_text', i.target_text, 'rule', i.rule," \
	" 'source', i.source, 'figure_code', i.figure_code, 'sort', i.sort, 'note', i.note, 'template', i.template)"
#define ENTRY_JSON \
	"CASE WHEN e.indicator_id IS NULL THEN NULL ELSE json_build_object(" \
	" 'manual_value', trim_scale(e.manual_x100::numeric / 100)::text, 'rating', e.rating, 'evidence', e.evidence," \
	" 'applicable', e.applicable, 'na_reason', e.na_reason," \
	" 'awarded', (e.awarded_x100::numeric / 100)::numeric(10, 2)::text, 'justification', e.justification," \
	" 'improvement', e.improvement, 'updated_by', e.updated_by, 'updated_at', e.updated_at) END"

static const char Q_HAS_TREE[] = "SELECT count(*)::text FROM yh.indicator WHERE year = $1::int";
static const char Q_TEMPLATE_KNOWN[] = "SELECT 1 FROM yh.indicator_template WHERE template = $1 LIMIT 1";
static const char Q_LOAD[] =
	"INSERT INTO yh.indicator (year, template, code, level, name, class, points_x100, unit, target_op, target_x100,"
	" target_text, rule, source, figure_code, sort, note)"
	" SELECT $1::int, template, code, level, name, class, points_x100, unit, target_op, target_x100, target_text,"
	" rule, source, figure_code, sort, note FROM yh.indicator_template WHERE template = $2";
static const char Q_LOAD_PARENTS[] =
	"UPDATE yh.indicator c SET parent_id = p.id FROM yh.indicator_template t, yh.indicator p"
	" WHERE c.year = $1::int AND t.template = $2 AND t.code = c.code AND p.year = $1::int AND p.code = t.parent_code";
static const char Q_COPY[] =
	"INSERT INTO yh.indicator (year, template, code, level, name, class, points_x100, unit, target_op, target_x100,"
	" target_text, rule, source, figure_code, sort, note)"
	" SELECT $2::int, template, code, level, name, class, points_x100, unit, target_op, target_x100, target_text,"
	" rule, source, figure_code, sort, note FROM yh.indicator WHERE year = $1::int";
static const char Q_COPY_PARENTS[] =
	"UPDATE yh.indicator c SET parent_id = p.id FROM yh.indicator s, yh.indicator sp, yh.indicator p"
	" WHERE c.year = $2::int AND s.year = $1::int AND s.code = c.code AND sp.id = s.parent_id"
	" AND p.year = $2::int AND p.code = sp.code";
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(" ROW_JSON "::jsonb || jsonb_build_object('entry', " ENTRY_JSON ")"
	" ORDER BY i.sort, i.code), '[]')::text FROM yh.indicator i LEFT JOIN yh.indicator p ON p.id = i.parent_id"
	" LEFT JOIN yh.indicator_entry e ON e.indicator_id = i.id AND e.unit_id = $2::bigint WHERE i.year = $1::int";
static const char Q_GET[] =
	"SELECT i.id, i.level, i.points_x100, i.rule, i.source, " ROW_JSON "::text AS doc,"
	" EXISTS (SELECT 1 FROM yh.indicator c WHERE c.parent_id = i.id) AS has_children"
	" FROM yh.indicator i LEFT JOIN yh.indicator p ON p.id = i.parent_id WHERE i.year = $1::int AND i.code = $2";
static const char Q_FIGURE_KNOWN[] = "SELECT 1 FROM yh.figure_registry WHERE code = $1";
static const char Q_INSERT[] =
	"INSERT INTO yh.indicator (year, template, code, parent_id, level, name, class, points_x100, unit, target_op,"
	" target_x100, target_text, rule, source, figure_code, sort, note)"
	" SELECT $1::int, coalesce((SELECT min(template) FROM yh.indicator WHERE year = $1::int), 'custom'), $2,"
	" p.id, coalesce(p.level + 1, 1), $4, $5, $6::int, $7, $8, $9::bigint, $10, $11, $12, $13,"
	" coalesce($14::int, (SELECT coalesce(max(sort), 0) + 1 FROM yh.indicator WHERE year = $1::int)), $15"
	" FROM (SELECT NULL) x LEFT JOIN yh.indicator p ON p.year = $1::int AND p.code = $3";
static const char Q_UPDATE[] =
	"UPDATE yh.indicator SET name = CASE WHEN $2::bool THEN $3 ELSE name END,"
	" class = CASE WHEN $4::bool THEN $5 ELSE class END,"
	" points_x100 = CASE WHEN $6::bool THEN $7::int ELSE points_x100 END,"
	" unit = CASE WHEN $8::bool THEN $9 ELSE unit END,"
	" target_op = CASE WHEN $10::bool THEN $11 ELSE target_op END,"
	" target_x100 = CASE WHEN $12::bool THEN $13::bigint ELSE target_x100 END,"
	" target_text = CASE WHEN $14::bool THEN $15 ELSE target_text END,"
	" rule = CASE WHEN $16::bool THEN $17 ELSE rule END,"
	" source = CASE WHEN $18::bool THEN $19 ELSE source END,"
	" figure_code = CASE WHEN $20::bool THEN $21 ELSE figure_code END,"
	" sort = CASE WHEN $22::bool THEN $23::int ELSE sort END,"
	" note = CASE WHEN $24::bool THEN $25 ELSE note END, updated_at = now() WHERE id = $1::bigint";
static const char Q_DELETE[] = "DELETE FROM yh.indicator WHERE id = $1::bigint";
static const char Q_ENTRY_GET[] =
	"SELECT " ENTRY_JSON "::text FROM (SELECT $1::bigint AS id) x LEFT JOIN yh.indicator_entry e"
	" ON e.indicator_id = x.id AND e.unit_id = $2::bigint";
static const char Q_ENTRY_ENSURE[] =
	"INSERT INTO yh.indicator_entry (indicator_id, unit_id, updated_by) VALUES ($1::bigint, $2::bigint, $3)"
	" ON CONFLICT DO NOTHING";
static const char Q_ENTRY_UPDATE[] =
	"UPDATE yh.indicator_entry SET manual_x100 = CASE WHEN $4::bool THEN $5::bigint ELSE manual_x100 END,"
	" rating = CASE WHEN $6::bool THEN $7 ELSE rating END,"
	" evidence = CASE WHEN $8::bool THEN $9 ELSE evidence END,"
	" applicable = CASE WHEN $10::bool THEN $11::bool ELSE applicable END,"
	" na_reason = CASE WHEN $12::bool THEN $13 ELSE na_reason END,"
	" justification = CASE WHEN $14::bool THEN $15 ELSE justification END,"
	" improvement = CASE WHEN $16::bool THEN $17 ELSE improvement END,"
	" awarded_x100 = CASE WHEN $18::bool THEN $19::int ELSE awarded_x100 END,"
	" updated_at = now(), updated_by = $3 WHERE indicator_id = $1::bigint AND unit_id = $2::bigint"
	" RETURNING (manual_x100 IS NOT NULL AND length(btrim(coalesce(evidence, ''))) = 0) AS no_evidence";

static const char *const ops[] = { ">=", "<=", "=", "qualitative", NULL };
static const char *const rules[] = { "sum", "positive", "reverse", "equal", "qualitative", "budget_execution", NULL };
static const char *const sources[] = { "none", "figure", "manual", NULL };
static const char *const ratings[] = { "achieved", "partial", "not_achieved", NULL };

/* Definition fields; the order after code and parent is the order of Q_UPDATE's pairs. */
static const yh_field_spec def_spec[] = {
	{ "code", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL | YH_F_NOPATCH, 24, NULL },
	{ "parent", YH_FT_TEXT, YH_F_NOPATCH, 24, NULL },
	{ "name", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 100, NULL },
	{ "class", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 40, NULL },
	{ "points", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 16, NULL },
	{ "unit", YH_FT_TEXT, 0, 20, NULL },
	{ "target_op", YH_FT_ENUM, 0, 0, ops },
	{ "target_value", YH_FT_TEXT, 0, 24, NULL },
	{ "target_text", YH_FT_TEXT, 0, 200, NULL },
	{ "rule", YH_FT_ENUM, YH_F_REQUIRED | YH_F_NOTNULL, 0, rules },
	{ "source", YH_FT_ENUM, YH_F_REQUIRED | YH_F_NOTNULL, 0, sources },
	{ "figure_code", YH_FT_TEXT, 0, 120, NULL },
	{ "sort", YH_FT_INT, YH_F_NOTNULL, 1000000, NULL },
	{ "note", YH_FT_TEXT, 0, 500, NULL },
};
#define NDEF (sizeof(def_spec) / sizeof(def_spec[0]))

static const yh_field_spec entry_spec[] = {
	{ "unit", YH_FT_TEXT, 0, 60, NULL },
	{ "manual_value", YH_FT_TEXT, 0, 24, NULL },
	{ "rating", YH_FT_ENUM, 0, 0, ratings },
	{ "evidence", YH_FT_TEXT, 0, 2000, NULL },
	{ "applicable", YH_FT_BOOL, 0, 0, NULL },
	{ "na_reason", YH_FT_TEXT, 0, 500, NULL },
	{ "justification", YH_FT_TEXT, 0, 2000, NULL },
	{ "improvement", YH_FT_TEXT, 0, 2000, NULL },
};

static const yh_field_spec override_spec[] = {
	{ "unit", YH_FT_TEXT, 0, 60, NULL },
	{ "points", YH_FT_TEXT, YH_F_REQUIRED, 16, NULL },
	{ "justification", YH_FT_TEXT, 0, 2000, NULL },
	{ "improvement", YH_FT_TEXT, 0, 2000, NULL },
};

/* Maps our constraint names to the field a user would fix. */
static int remap(int rc, yh_err *err)
{
	static const struct { const char *constraint, *field; } map[] = {
		{ "indicator_code_unique", "code" }, { "indicator_code_check", "code" },
		{ "indicator_numeric_target", "target_value" }, { "indicator_figure_needed", "figure_code" },
		{ "indicator_points_x100_check", "points" }, { "indicator_entry_na_reason", "na_reason" },
		{ "indicator_entry_override_justified", "justification" },
	};

	if (err == NULL || rc == 0)
		return rc;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(err->field, map[i].constraint) == 0)
			snprintf(err->field, sizeof(err->field), "%s", map[i].field);
	return rc;
}

static int audit_simple(yh_db *db, const yh_actor *a, const char *action, int year, const char *extra, yh_err *err)
{
	char entity[32];

	snprintf(entity, sizeof(entity), "%d", year);
	return yh_audit(db, a, action, "indicator", entity, NULL, extra, err);
}

static int tree_size(yh_db *db, int year, long *n, yh_err *err)
{
	char y[16], *txt = NULL;
	const char *p[1] = { y };
	int rc;

	snprintf(y, sizeof(y), "%d", year);
	rc = yh_db_query_text(db, &txt, Q_HAS_TREE, 1, p, NULL, err);
	*n = txt ? atol(txt) : 0;
	free(txt);
	return rc;
}

int yh_indicator_template_load(yh_db *db, const yh_actor *a, int year, const char *template_name,
	char **out, yh_err *err)
{
	char y[16], *one = NULL, extra[160];
	const char *p[2];
	long n = 0;
	int rc, loaded = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && (template_name == NULL || strlen(template_name) > 40))
		rc = yh_err_set(err, YH_EINVAL, "template", "template must be department or project");
	if (rc == 0 && yh_db_query_text(db, &one, Q_TEMPLATE_KNOWN, 1, &template_name, NULL, NULL) != 0)
		rc = yh_err_set(err, YH_EINVAL, "template", "no template \"%s\" (department, project)", template_name);
	free(one);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = template_name;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	/* serialise concurrent loads of the same year */
	rc = yh_db_exec(db, "SELECT pg_advisory_xact_lock(7165637, $1::int)", 1, p, err);
	if (rc >= 0)
		rc = tree_size(db, year, &n, err);
	if (rc >= 0 && n > 0)
		rc = yh_err_set(err, YH_ECONFLICT, "year", "%d already has %ld indicators", year, n);
	if (rc >= 0) {
		loaded = yh_db_exec(db, Q_LOAD, 2, p, err);
		rc = loaded;
	}
	if (rc >= 0)
		rc = yh_db_exec(db, Q_LOAD_PARENTS, 2, p, err);
	if (rc >= 0) {
		snprintf(extra, sizeof(extra), "{\"template\":\"%s\",\"indicators\":%d}", template_name, loaded);
		rc = audit_simple(db, a, "indicator.template_load", year, extra, err);
	}
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		rc = yh_indicator_list(db, a, year, NULL, out, err);
	return rc;
}

int yh_indicator_copy(yh_db *db, const yh_actor *a, int from_year, int to_year, char **out, yh_err *err)
{
	char f[16], t[16], extra[96];
	const char *p[2];
	long n = 0, have = 0;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(from_year, err);
	if (rc == 0)
		rc = yh_eval_year_check(to_year, err);
	if (rc == 0 && from_year == to_year)
		rc = yh_err_set(err, YH_EINVAL, "to", "copy to another year");
	if (rc != 0)
		return rc;
	snprintf(f, sizeof(f), "%d", from_year);
	snprintf(t, sizeof(t), "%d", to_year);
	p[0] = f;
	p[1] = t;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_db_exec(db, "SELECT pg_advisory_xact_lock(7165637, $1::int)", 1, &p[1], err);
	if (rc >= 0)
		rc = tree_size(db, from_year, &n, err);
	if (rc >= 0 && n == 0)
		rc = yh_err_set(err, YH_ENOTFOUND, "from", "%d has no indicators to copy", from_year);
	if (rc >= 0)
		rc = tree_size(db, to_year, &have, err);
	if (rc >= 0 && have > 0)
		rc = yh_err_set(err, YH_ECONFLICT, "to", "%d already has %ld indicators", to_year, have);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_COPY, 2, p, err);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_COPY_PARENTS, 2, p, err);
	if (rc >= 0) {
		snprintf(extra, sizeof(extra), "{\"from\":%d,\"indicators\":%ld}", from_year, n);
		rc = audit_simple(db, a, "indicator.copy", to_year, extra, err);
	}
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		rc = yh_indicator_list(db, a, to_year, NULL, out, err);
	return rc;
}

int yh_indicator_list(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	char y[16];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && unit != NULL)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = unit ? u.id_txt : NULL;
	return yh_db_query_text(db, out, Q_LIST, 2, p, NULL, err);
}

/* Loads an indicator of year by code. */
static int load(yh_db *db, int year, const char *code, yh_rows **rows, yh_err *err)
{
	char y[16];
	const char *p[2];
	int rc;

	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = code;
	*rows = NULL;
	if (code == NULL || strlen(code) > 24)
		return yh_err_set(err, YH_ENOTFOUND, "code", "no indicator %.24s in %d", code ? code : "", year);
	rc = yh_db_query(db, rows, Q_GET, 2, p, err);
	if (rc == 0 && yh_rows_count(*rows) == 0) {
		yh_rows_free(*rows);
		*rows = NULL;
		rc = yh_err_set(err, YH_ENOTFOUND, "code", "no indicator %s in %d", code, year);
	}
	return rc;
}

/* Points, target value and figure code in their stored forms; checks what the schema cannot. */
static int normalise_def(yh_db *db, const yh_values *v, char points[24], char target[24], yh_err *err)
{
	int64_t x;
	int rc = 0;
	const char *fig = yh_values_get(v, "figure_code");

	points[0] = target[0] = '\0';
	if (yh_values_get(v, "points")) {
		rc = yh_decimal_parse_x100(yh_values_get(v, "points"), 0, &x, "points", err);
		if (rc == 0 && x > 10000)
			rc = yh_err_set(err, YH_EINVAL, "points", "at most 100 points");
		if (rc == 0)
			snprintf(points, 24, "%lld", (long long)x);
	}
	if (rc == 0 && yh_values_get(v, "target_value")) {
		rc = yh_decimal_parse_x100(yh_values_get(v, "target_value"), 1, &x, "target_value", err);
		if (rc == 0)
			snprintf(target, 24, "%lld", (long long)x);
	}
	if (rc == 0 && fig) {
		char *one = NULL;
		if (yh_db_query_text(db, &one, Q_FIGURE_KNOWN, 1, &fig, NULL, NULL) != 0)
			rc = yh_err_set(err, YH_EINVAL, "figure_code", "unknown figure code \"%.60s\"", fig);
		free(one);
	}
	return rc;
}

int yh_indicator_add(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *row = NULL;
	char y[16], points[24], target[24];
	const char *p[15];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_values_validate(&v, def_spec, NDEF, in, 1, err);
	if (rc == 0)
		rc = normalise_def(db, v, points, target, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, NULL, err);
	if (rc == 0 && yh_values_get(v, "parent")) {
		rc = load(db, year, yh_values_get(v, "parent"), &row, err);
		if (rc == YH_ENOTFOUND)
			rc = yh_err_set(err, YH_EINVAL, "parent", "no indicator %s in %d", yh_values_get(v, "parent"), year);
		if (rc == 0 && atoi(yh_rows_get(row, 0, "level")) >= 3)
			rc = yh_err_set(err, YH_EINVAL, "parent", "the tree has three levels at most");
	}
	if (rc != 0)
		goto done;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = yh_values_get(v, "code");
	p[2] = yh_values_get(v, "parent");
	p[3] = yh_values_get(v, "name");
	p[4] = yh_values_get(v, "class");
	p[5] = points;
	p[6] = yh_values_get(v, "unit");
	p[7] = yh_values_get(v, "target_op");
	p[8] = target[0] ? target : NULL;
	p[9] = yh_values_get(v, "target_text");
	p[10] = yh_values_get(v, "rule");
	p[11] = yh_values_get(v, "source");
	p[12] = yh_values_get(v, "figure_code");
	p[13] = yh_values_get(v, "sort");
	p[14] = yh_values_get(v, "note");
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = remap(yh_db_exec(db, Q_INSERT, 15, p, err), err);
	yh_rows_free(row);
	row = NULL;
	if (rc >= 0)
		rc = load(db, year, yh_values_get(v, "code"), &row, err);
	if (rc == 0)
		rc = yh_audit(db, a, "indicator.add", "indicator", y, NULL, yh_rows_get(row, 0, "doc"), err);
	rc = yh_db_end(db, rc, err);
	if (rc == 0) {
		*out = strdup(yh_rows_get(row, 0, "doc"));
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
done:
	yh_rows_free(row);
	yh_values_free(v);
	return rc;
}

int yh_indicator_update(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *before = NULL, *after = NULL;
	char points[24], target[24], entity[48];
	const char *p[25];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_values_validate(&v, def_spec, NDEF, in, 0, err);
	if (rc == 0)
		rc = normalise_def(db, v, points, target, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, NULL, err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = load(db, year, code, &before, err);
	if (rc == 0) {
		p[0] = yh_rows_get(before, 0, "id");
		for (size_t i = 2; i < NDEF; i++) {
			const char *val = yh_values_get(v, def_spec[i].name);
			if (strcmp(def_spec[i].name, "points") == 0)
				val = points[0] ? points : NULL;
			else if (strcmp(def_spec[i].name, "target_value") == 0)
				val = target[0] ? target : NULL;
			p[1 + 2 * (i - 2)] = yh_values_has(v, def_spec[i].name) ? "t" : "f";
			p[2 + 2 * (i - 2)] = val;
		}
		rc = remap(yh_db_exec(db, Q_UPDATE, 25, p, err), err);
	}
	if (rc >= 0)
		rc = load(db, year, code, &after, err);
	snprintf(entity, sizeof(entity), "%d/%s", year, code ? code : "");
	if (rc == 0)
		rc = yh_audit(db, a, "indicator.update", "indicator", entity, yh_rows_get(before, 0, "doc"),
			yh_rows_get(after, 0, "doc"), err);
	rc = yh_db_end(db, rc, err);
	if (rc == 0) {
		*out = strdup(yh_rows_get(after, 0, "doc"));
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
done:
	yh_rows_free(before);
	yh_rows_free(after);
	yh_values_free(v);
	return rc;
}

int yh_indicator_remove(yh_db *db, const yh_actor *a, int year, const char *code, yh_err *err)
{
	yh_rows *row = NULL;
	char entity[48];
	const char *p[1];
	int rc;

	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, NULL, err);
	if (rc != 0)
		return rc;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = load(db, year, code, &row, err);
	if (rc == 0 && strcmp(yh_rows_get(row, 0, "has_children"), "t") == 0)
		rc = yh_err_set(err, YH_ECONFLICT, "code", "indicator %s has children; remove them first", code);
	if (rc == 0) {
		p[0] = yh_rows_get(row, 0, "id");
		rc = yh_db_exec(db, Q_DELETE, 1, p, err);
	}
	snprintf(entity, sizeof(entity), "%d/%s", year, code ? code : "");
	if (rc >= 0)
		rc = yh_audit(db, a, "indicator.remove", "indicator", entity, yh_rows_get(row, 0, "doc"), NULL, err);
	rc = yh_db_end(db, rc, err);
	yh_rows_free(row);
	return rc;
}

/* Shared by assess and override: the indicator, the unit and the entry before the change. */
struct entry_ctx {
	yh_rows *ind;
	yh_eval_unit u;
	char *before;
	char entity[128];
};

static int entry_begin(yh_db *db, const yh_actor *a, int year, const char *code, const char *unit,
	struct entry_ctx *c, yh_err *err)
{
	const char *p[3];
	int rc;

	memset(c, 0, sizeof(*c));
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &c->u, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, c->u.id_txt, err);
	if (rc == 0)
		rc = load(db, year, code, &c->ind, err);
	if (rc == 0 && strcmp(yh_rows_get(c->ind, 0, "has_children"), "t") == 0)
		rc = yh_err_set(err, YH_EINVAL, "code", "%s is a block; record values against its 三级指标", code);
	if (rc != 0)
		return rc;
	snprintf(c->entity, sizeof(c->entity), "%d/%s/%s", year, code, c->u.code);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	p[0] = yh_rows_get(c->ind, 0, "id");
	p[1] = c->u.id_txt;
	p[2] = a->username;
	rc = yh_db_query_text(db, &c->before, Q_ENTRY_GET, 2, p, NULL, err);
	if (rc == 0)
		rc = yh_db_exec(db, Q_ENTRY_ENSURE, 3, p, err);
	if (rc < 0)
		yh_db_rollback(db);
	return rc < 0 ? rc : 0;
}

/* Runs the entry update; pairs[] holds the 8 (flag, value) pairs of Q_ENTRY_UPDATE from $4 on. */
static int entry_update(yh_db *db, const yh_actor *a, struct entry_ctx *c, const char *const pairs[16],
	yh_err *err)
{
	const char *p[19];
	yh_rows *res = NULL;
	int rc;

	p[0] = yh_rows_get(c->ind, 0, "id");
	p[1] = c->u.id_txt;
	p[2] = a->username;
	for (int i = 0; i < 16; i++)
		p[3 + i] = pairs[i];
	rc = remap(yh_db_query(db, &res, Q_ENTRY_UPDATE, 19, p, err), err);
	if (rc == 0 && strcmp(yh_rows_value(res, 0, 0), "t") == 0)
		rc = yh_err_set(err, YH_EINVAL, "evidence", "a manual value needs its evidence (依据)");
	yh_rows_free(res);
	return rc;
}

/*
 * Reads the entry back, audits before/after (with the computed score when
 * given, so an override shows both) and ends the transaction.
 */
static int entry_finish(yh_db *db, const yh_actor *a, const char *action, struct entry_ctx *c, int rc,
	const char *computed, char **out, yh_err *err)
{
	const char *p[2];
	char *entry = NULL;

	if (rc == 0) {
		p[0] = yh_rows_get(c->ind, 0, "id");
		p[1] = c->u.id_txt;
		rc = yh_db_query_text(db, &entry, Q_ENTRY_GET, 2, p, NULL, err);
	}
	if (rc == 0 && computed != NULL) {
		size_t n = strlen(entry) + strlen(computed) + 40;
		*out = malloc(n);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		else
			snprintf(*out, n, "{\"computed_score\":%s,\"entry\":%s}", computed, entry);
	} else if (rc == 0) {
		*out = entry;
		entry = NULL;
	}
	if (rc == 0)
		rc = yh_audit(db, a, action, "indicator", c->entity, c->before, *out, err);
	rc = yh_db_end(db, rc, err);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(entry);
	yh_rows_free(c->ind);
	free(c->before);
	return rc;
}

int yh_indicator_assess(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL;
	struct entry_ctx c;
	char manual[24] = "";
	const char *pairs[16];
	int64_t x;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	rc = yh_values_validate(&v, entry_spec, sizeof(entry_spec) / sizeof(entry_spec[0]), in, 0, err);
	if (rc == 0 && yh_values_get(v, "manual_value")) {
		rc = yh_decimal_parse_x100(yh_values_get(v, "manual_value"), 1, &x, "manual_value", err);
		snprintf(manual, sizeof(manual), "%lld", (long long)x);
	}
	if (rc == 0)
		rc = entry_begin(db, a, year, code, yh_values_get(v, "unit"), &c, err);
	if (rc != 0) {
		yh_rows_free(c.ind);
		yh_values_free(v);
		return rc;
	}
	if (yh_values_has(v, "manual_value") && strcmp(yh_rows_get(c.ind, 0, "source"), "manual") != 0)
		rc = yh_err_set(err, YH_EINVAL, "manual_value", "%s takes its actual from figure data, not by hand", code);
	if (rc == 0 && yh_values_has(v, "rating") && strcmp(yh_rows_get(c.ind, 0, "rule"), "qualitative") != 0)
		rc = yh_err_set(err, YH_EINVAL, "rating", "%s is not a qualitative indicator", code);
	if (rc == 0) {
		static const char *const names[] = { "manual_value", "rating", "evidence", "applicable", "na_reason",
			"justification", "improvement" };
		for (int i = 0; i < 7; i++) {
			pairs[2 * i] = yh_values_has(v, names[i]) ? "t" : "f";
			pairs[2 * i + 1] = i == 0 ? (manual[0] ? manual : NULL) : yh_values_get(v, names[i]);
		}
		pairs[14] = "f";
		pairs[15] = NULL;
		rc = entry_update(db, a, &c, pairs, err);
	}
	rc = entry_finish(db, a, "indicator.assess", &c, rc, NULL, out, err);
	yh_values_free(v);
	return rc;
}

/* The computed score of code for the unit, from the live document (for the audit trail). */
static void computed_score(yh_db *db, const yh_actor *a, int year, const char *unit, const char *code,
	char out[32])
{
	char *doc_txt = NULL;
	json_t *doc, *ind;
	yh_err e;
	size_t i;

	snprintf(out, 32, "null");
	if (yh_eval_show(db, a, year, unit, &doc_txt, &e) != 0)
		return;
	doc = json_loads(doc_txt, 0, NULL);
	json_array_foreach(json_object_get(doc, "indicators"), i, ind)
		if (strcmp(yh_eval_str(ind, "code"), code) == 0 && json_is_string(json_object_get(ind, "computed_score")))
			snprintf(out, 32, "\"%s\"", yh_eval_str(ind, "computed_score"));
	json_decref(doc);
	free(doc_txt);
}

int yh_indicator_override(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL;
	struct entry_ctx c;
	char awarded[24] = "", computed[32] = "null";
	const char *pairs[16], *just;
	int64_t x = 0;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	rc = yh_values_validate(&v, override_spec, sizeof(override_spec) / sizeof(override_spec[0]), in, 1, err);
	if (rc == 0 && yh_values_get(v, "points")) {
		rc = yh_decimal_parse_x100(yh_values_get(v, "points"), 0, &x, "points", err);
		snprintf(awarded, sizeof(awarded), "%lld", (long long)x);
		just = yh_values_get(v, "justification");
		if (rc == 0 && (just == NULL || strspn(just, " \t\r\n") == strlen(just)))
			rc = yh_err_set(err, YH_EINVAL, "justification",
				"awarding points by hand needs a written justification (偏差原因)");
	}
	if (rc == 0)
		rc = entry_begin(db, a, year, code, yh_values_get(v, "unit"), &c, err);
	if (rc != 0) {
		yh_rows_free(c.ind);
		yh_values_free(v);
		return rc;
	}
	if (awarded[0] && x > atoll(yh_rows_get(c.ind, 0, "points_x100")))
		rc = yh_err_set(err, YH_EINVAL, "points", "at most the indicator's %s points",
			yh_rows_get(c.ind, 0, "points_x100"));
	if (rc == 0) {
		for (int i = 0; i < 16; i++)
			pairs[i] = (i % 2) ? NULL : "f";
		pairs[10] = yh_values_has(v, "justification") ? "t" : "f";
		pairs[11] = yh_values_get(v, "justification");
		pairs[12] = yh_values_has(v, "improvement") ? "t" : "f";
		pairs[13] = yh_values_get(v, "improvement");
		pairs[14] = "t";
		pairs[15] = awarded[0] ? awarded : NULL;
		rc = entry_update(db, a, &c, pairs, err);
	}
	/* the audit row keeps the computed score next to the awarded one */
	if (rc == 0)
		computed_score(db, a, year, c.u.code, code, computed);
	rc = entry_finish(db, a, "indicator.override", &c, rc, computed, out, err);
	yh_values_free(v);
	return rc;
}
