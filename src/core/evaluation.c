/*
 * The evaluation document: figures from every module, the scored indicator
 * table, reconciliation and texts; show, render, finalise, reopen and diff.
 */
#include "yinhui/evaluation.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/activity.h"
#include "yinhui/audit.h"
#include "yinhui/budget.h"
#include "yinhui/casework.h"
#include "yinhui/log.h"
#include "yinhui/pay.h"
#include "yinhui/roster.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

static const char Q_UNIT[] =
	"SELECT u.id, u.code, u.name, yh.in_scope(u.id, $2::bigint) AS visible FROM yh.unit u"
	" WHERE CASE WHEN $1::text IS NOT NULL THEN u.code = $1 OR u.uid::text = $1"
	" WHEN $2::bigint IS NOT NULL THEN u.id = $2::bigint ELSE u.parent_id IS NULL END";
static const char Q_OPEN[] =
	"SELECT 1 FROM yh.evaluation_snapshot WHERE year = $1::int AND ($2::bigint IS NULL OR unit_id = $2::bigint)"
	" AND reopened_at IS NULL LIMIT 1";
static const char Q_SETTING[] =
	"SELECT value FROM yh.setting WHERE key = $1 AND valid_from <= $2::date ORDER BY valid_from DESC LIMIT 1";
static const char Q_TREE[] =
	"SELECT i.code, p.code AS parent, i.level, i.name, i.class, i.points_x100, i.unit, i.target_op,"
	" i.target_x100, i.target_text, i.rule, i.source, i.figure_code, i.note, r.kind AS figure_kind,"
	" e.manual_x100, e.rating, e.evidence, e.applicable, e.na_reason, e.awarded_x100, e.justification,"
	" e.improvement FROM yh.indicator i LEFT JOIN yh.indicator p ON p.id = i.parent_id"
	" LEFT JOIN yh.figure_registry r ON r.code = i.figure_code"
	" LEFT JOIN yh.indicator_entry e ON e.indicator_id = i.id AND e.unit_id = $2::bigint"
	" WHERE i.year = $1::int ORDER BY i.sort, i.code";
static const char Q_EXTRA[] =
	"SELECT json_build_object("
	" 'texts', (SELECT coalesce(json_object_agg(section, body), '{}') FROM yh.evaluation_text"
	"  WHERE year = $1::int AND unit_id = $2::bigint),"
	" 'subunits', (SELECT coalesce(json_agg(json_build_object('code', code, 'name', name) ORDER BY id), '[]')"
	"  FROM yh.unit WHERE parent_id = $2::bigint),"
	" 'template', (SELECT min(template) FROM yh.indicator WHERE year = $1::int),"
	" 'labels', (SELECT coalesce(json_object_agg(code, json_build_object('label', label, 'kind', kind, 'unit', unit, 'note', note, 'sort', sort)), '{}')"
	"  FROM yh.figure_registry),"
	" 'notes', (SELECT coalesce(json_agg(json_build_object('category', category, 'rank', rank,"
	"  'difference', difference, 'explanation', explanation, 'by', updated_by)), '[]')"
	"  FROM yh.reconcile_note WHERE year = $1::int AND unit_id = $2::bigint),"
	" 'computed_at', to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SSOF'))::text";
static const char Q_SNAPSHOT[] =
	"SELECT uid, document, content_hash, to_char(finalised_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') AS finalised_at,"
	" finalised_by FROM yh.evaluation_snapshot WHERE year = $1::int AND unit_id = $2::bigint AND reopened_at IS NULL";
static const char Q_SNAPSHOT_INSERT[] =
	"INSERT INTO yh.evaluation_snapshot (uid, year, unit_id, document, content_hash, finalised_by)"
	" VALUES ($1::uuid, $2::int, $3::bigint, $4, $5, $6)"
	" RETURNING json_build_object('id', uid, 'year', year, 'unit', $7::text, 'hash', content_hash,"
	" 'finalised_at', finalised_at, 'finalised_by', finalised_by)::text";
static const char Q_REOPEN[] =
	"UPDATE yh.evaluation_snapshot SET reopened_at = now(), reopened_by = $3, reopen_reason = $4"
	" WHERE year = $1::int AND unit_id = $2::bigint AND reopened_at IS NULL"
	" RETURNING json_build_object('id', uid, 'year', year, 'hash', content_hash, 'finalised_at', finalised_at,"
	" 'reopened_at', reopened_at, 'reopened_by', reopened_by, 'reason', reopen_reason)::text";

/* ---- shared helpers ---- */

int yh_eval_year_check(int year, yh_err *err)
{
	if (year < 2000 || year > 2100)
		return yh_err_set(err, YH_EINVAL, "year", "year must be between 2000 and 2100");
	return 0;
}

int yh_eval_unit_resolve(yh_db *db, const yh_actor *a, const char *unit, yh_eval_unit *out, yh_err *err)
{
	char scope_buf[24];
	const char *p[2];
	yh_rows *rows = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (unit != NULL && (*unit == '\0' || strlen(unit) > 60))
		return yh_err_set(err, YH_EINVAL, "unit", "no unit \"%.60s\"", unit);
	p[0] = unit;
	p[1] = yh_actor_scope(a, scope_buf);
	rc = yh_db_query(db, &rows, Q_UNIT, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1)
		rc = yh_err_set(err, YH_EINVAL, "unit", "no unit \"%.60s\"", unit ? unit : "(root)");
	else if (strcmp(yh_rows_get(rows, 0, "visible"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, "unit", "unit %s is outside your scope", yh_rows_get(rows, 0, "code"));
	if (rc == 0) {
		out->id = atoll(yh_rows_get(rows, 0, "id"));
		snprintf(out->id_txt, sizeof(out->id_txt), "%lld", out->id);
		snprintf(out->code, sizeof(out->code), "%s", yh_rows_get(rows, 0, "code"));
		snprintf(out->name, sizeof(out->name), "%s", yh_rows_get(rows, 0, "name"));
	}
	yh_rows_free(rows);
	return rc;
}

int yh_eval_check_open(yh_db *db, int year, const char *unit_id, yh_err *err)
{
	char y[16], *one = NULL;
	const char *p[2];
	int rc;

	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = unit_id;
	rc = yh_db_query_text(db, &one, Q_OPEN, 2, p, NULL, NULL);
	free(one);
	if (rc == YH_ENOTFOUND)
		return 0;
	if (rc == 0)
		return yh_err_set(err, YH_ECONFLICT, "year", "the %d evaluation is finalised; reopen it first", year);
	return yh_err_set(err, rc, NULL, "cannot check the evaluation state");
}

int yh_eval_setting_int(yh_db *db, const char *key, const char *date, int dflt)
{
	const char *p[2] = { key, date };
	char *v = NULL;
	int r = dflt;

	if (yh_db_query_text(db, &v, Q_SETTING, 2, p, NULL, NULL) == 0 && v != NULL)
		r = atoi(v);
	free(v);
	return r;
}

const char *yh_eval_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

void yh_eval_figure_text(json_t *figures, const char *code, char *out, size_t n)
{
	json_t *v = json_object_get(figures, code);

	if (json_is_object(v) && json_is_false(json_object_get(v, "entered"))) {
		snprintf(out, n, "未录入");
		return;
	}
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (v == NULL)
		snprintf(out, n, "—");
	else if (json_is_null(v))
		snprintf(out, n, "不适用");
	else if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, n, "?");
}

/* ---- figures ---- */

/* Merges a module's figures; a module the role may not read is noted, not fatal. */
static int merge(json_t *figs, json_t *warnings, const char *module, int rc, char *txt, yh_err *err)
{
	json_t *obj;

	if (rc == YH_EFORBIDDEN) {
		json_array_append_new(warnings, json_sprintf("%s数据对当前角色不可见，相关指标无法计算", module));
		yh_err_clear(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	obj = json_loads(txt, 0, NULL);
	free(txt);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return yh_err_set(err, YH_EINTERNAL, NULL, "%s figures are not a JSON object", module);
	}
	json_object_update(figs, obj);
	json_decref(obj);
	return 0;
}

/* The casework figures on a connection of their own, alongside the other modules'. */
struct side_job {
	yh_db *db;
	const yh_actor *a;
	const char *from, *to, *unit;
	char *txt;
	int rc;
	yh_err err;
};

static void *side_case_figures(void *arg)
{
	struct side_job *j = arg;

	/* this thread's log lines carry the request's id too */
	yh_log_set_request_id(j->a->request_id[0] ? j->a->request_id : NULL);
	yh_err_clear(&j->err);
	j->rc = yh_case_figures(j->db, j->a, j->from, j->to, j->unit, &j->txt, &j->err);
	yh_log_set_request_id(NULL);
	return NULL;
}

static int collect_figures(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, json_t *figs,
	json_t *warnings, yh_err *err)
{
	static const struct { const char *name; figures_fn fn; } modules[] = {
		{ "活动登记", yh_activity_figures },
		{ "老干部名册", yh_roster_figures },
	};
	char from[16], to[16], *txt = NULL, *pay_txt = NULL;
	struct side_job job = { 0 };
	pthread_t side;
	yh_err pay_err;
	int rc, pay_rc, started = 0;

	snprintf(from, sizeof(from), "%d-01-01", year);
	snprintf(to, sizeof(to), "%d-12-31", year);
	/*
	 * The year's visits and obligations are the largest part (about half of
	 * the extraction at province scale): computed on a second connection
	 * while this one does the rest, they cost no wall time of their own on
	 * a machine with two cores (docs/performance.md). Without a second
	 * connection they run here, after the others.
	 */
	job.a = a;
	job.from = from;
	job.to = to;
	job.unit = u->code;
	if (yh_db_open_like(&job.db, db, &job.err) == 0 && pthread_create(&side, NULL, side_case_figures, &job) == 0)
		started = 1;
	rc = yh_budget_figures(db, a, year, u->code, &txt, err);
	rc = merge(figs, warnings, "预算", rc, txt, err);
	for (size_t i = 0; rc == 0 && i < sizeof(modules) / sizeof(modules[0]); i++) {
		txt = NULL;
		rc = modules[i].fn(db, a, from, to, u->code, &txt, err);
		rc = merge(figs, warnings, modules[i].name, rc, txt, err);
	}
	yh_err_clear(&pay_err);
	pay_rc = rc == 0 ? yh_pay_figures(db, a, from, to, u->code, &pay_txt, &pay_err) : 0;
	if (started) {
		pthread_join(side, NULL);
	} else if (rc == 0) {
		yh_err_clear(&job.err);
		job.rc = yh_case_figures(db, a, from, to, u->code, &job.txt, &job.err);
	}
	yh_db_close(job.db);
	/* merged in the order of the modules, as before: casework, then payments */
	if (rc == 0) {
		if (job.rc != 0)
			*err = job.err;
		rc = merge(figs, warnings, "走访慰问", job.rc, job.txt, err);
		job.txt = NULL;
	}
	if (rc == 0) {
		if (pay_rc != 0)
			*err = pay_err;
		rc = merge(figs, warnings, "补助发放", pay_rc, pay_txt, err);
		pay_txt = NULL;
	}
	free(job.txt);
	free(pay_txt);
	return rc;
}

/* Monthly series for the report's charts: visits by occasion, subsidies and allowances paid. */
static int collect_series(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, json_t *doc, yh_err *err)
{
	json_t *visits = json_object(), *subs = json_array(), *allow = json_array(), *series;
	int rc = 0, pay_ok = 1;

	for (int m = 1; m <= 12 && rc == 0; m++) {
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int last = mdays[m - 1] + (m == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
		char from[16], to[16], *txt = NULL;
		json_t *f = json_object(), *w = json_array(), *occ, *v;
		const char *key;

		snprintf(from, sizeof(from), "%d-%02d-01", year, m);
		snprintf(to, sizeof(to), "%d-%02d-%02d", year, m, last);
		rc = yh_case_figures(db, a, from, to, u->code, &txt, err);
		rc = merge(f, w, "casework", rc, txt, err);
		occ = json_object_get(f, "visits.by_occasion");
		json_object_foreach(occ, key, v) {
			json_t *arr = json_object_get(visits, key);
			if (arr == NULL) {
				arr = json_array();
				for (int k = 1; k < m; k++)
					json_array_append_new(arr, json_integer(0));
				json_object_set_new(visits, key, arr);
			}
			json_array_append_new(arr, json_integer(json_is_integer(v) ? json_integer_value(v) : 0));
		}
		json_object_foreach(visits, key, v)
			while (json_array_size(v) < (size_t)m)
				json_array_append_new(v, json_integer(0));
		if (rc == 0 && pay_ok) {
			txt = NULL;
			rc = yh_pay_figures(db, a, from, to, u->code, &txt, err);
			if (rc == YH_EFORBIDDEN)
				pay_ok = 0;
			rc = merge(f, w, "payment", rc, txt, err);
		}
		json_array_append_new(subs, json_integer(json_integer_value(json_object_get(f, "subsidies.amount_fen"))));
		json_array_append_new(allow, json_integer(json_integer_value(json_object_get(f, "branches.allowance_amount_fen"))));
		json_decref(f);
		json_decref(w);
	}
	series = json_pack("{s:o,s:o,s:o}", "visits_by_occasion", visits, "subsidies_fen", subs, "allowances_fen", allow);
	if (!pay_ok) {
		json_object_set_new(series, "subsidies_fen", json_null());
		json_object_set_new(series, "allowances_fen", json_null());
	}
	json_object_set_new(doc, "series", series);
	return rc;
}

/* Roster reconciliation with each non-zero difference matched to its explanation. */
int yh_eval_add_reconciliation(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, json_t *notes,
	json_t *doc, yh_err *err)
{
	char *txt = NULL;
	json_t *rec, *row;
	size_t i, unexplained = 0;
	int rc = yh_roster_reconcile(db, a, year, u->code, &txt, err);

	if (rc == YH_EFORBIDDEN) {
		json_array_append_new(json_object_get(doc, "warnings"), json_string("老干部人数核对对当前角色不可见"));
		yh_err_clear(err);
		json_object_set_new(doc, "reconciliation", json_null());
		return 0;
	}
	if (rc != 0)
		return rc;
	rec = json_loads(txt, 0, NULL);
	free(txt);
	if (!json_is_object(rec)) {
		json_decref(rec);
		return yh_err_set(err, YH_EINTERNAL, NULL, "the roster reconciliation is not a JSON object");
	}
	json_array_foreach(json_object_get(rec, "rows"), i, row) {
		json_int_t diff = json_integer_value(json_object_get(row, "difference"));
		const char *cat = yh_eval_str(row, "category"), *rank = yh_eval_str(row, "rank");
		json_t *note;
		size_t k;
		int found = 0;

		if (diff == 0)
			continue;
		json_array_foreach(notes, k, note) {
			if (strcmp(yh_eval_str(note, "category"), cat) == 0 && strcmp(yh_eval_str(note, "rank"), rank) == 0 &&
			    json_integer_value(json_object_get(note, "difference")) == diff) {
				json_object_set(row, "explanation", json_object_get(note, "explanation"));
				json_object_set(row, "explained_by", json_object_get(note, "by"));
				found = 1;
			}
		}
		if (!found) {
			json_object_set_new(row, "explanation", json_null());
			unexplained++;
		}
	}
	json_object_set_new(rec, "unexplained", json_integer((json_int_t)unexplained));
	json_object_set_new(doc, "reconciliation", rec);
	return 0;
}

/*
 * Builds the live document of (year, unit). full adds what the report and the
 * snapshot need beyond the figures and scores: the roster reconciliation and
 * the monthly chart series (they read the roster and the visit log again, so
 * a plain extraction leaves them to yinhui evaluation reconcile).
 * *out is owned by the caller (json_decref).
 */
static int build_doc(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, int full,
	json_t **out, yh_err *err)
{
	json_t *doc = NULL, *figs = json_object(), *extra = NULL, *warnings = json_array();
	yh_rows *tree = NULL;
	yh_score_bands bands;
	char y[16], from[16], date[16], *txt = NULL;
	const char *p[2];
	int rc;

	*out = NULL;
	snprintf(y, sizeof(y), "%d", year);
	snprintf(date, sizeof(date), "%d-12-31", year);
	p[0] = y;
	p[1] = u->id_txt;
	rc = collect_figures(db, a, year, u, figs, warnings, err);
	if (rc == 0)
		rc = yh_db_query(db, &tree, Q_TREE, 2, p, err);
	if (rc == 0)
		rc = yh_db_query_text(db, &txt, Q_EXTRA, 2, p, NULL, err);
	if (rc != 0)
		goto done;
	extra = json_loads(txt, 0, NULL);
	snprintf(from, sizeof(from), "%d-01-01", year);
	doc = json_pack("{s:i,s:{s:s,s:s,s:O},s:{s:s,s:s}}", "year", year, "unit", "code", u->code, "name", u->name,
		"subunits", json_object_get(extra, "subunits"), "period", "from", from, "to", date);
	if (doc == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	json_object_set_new(doc, "status", json_string("draft"));
	json_object_set(doc, "computed_at", json_object_get(extra, "computed_at"));
	json_object_set(doc, "template", json_object_get(extra, "template"));
	json_object_set(doc, "warnings", warnings);
	bands.achieved_pct = yh_eval_setting_int(db, "eval.qualitative.achieved_pct", date, 100);
	bands.partial_pct = yh_eval_setting_int(db, "eval.qualitative.partial_pct", date, 80);
	bands.not_achieved_pct = yh_eval_setting_int(db, "eval.qualitative.not_achieved_pct", date, 60);
	rc = yh_eval_score_rows(tree, figs, &bands, doc, err);
	if (rc == 0 && yh_rows_count(tree) == 0)
		json_array_append_new(warnings, json_sprintf("%d年度尚无指标：请运行 yinhui evaluation template load %d --template department",
			year, year));
	json_object_set(doc, "figures", figs);
	json_object_set(doc, "figure_labels", json_object_get(extra, "labels"));
	json_object_set(doc, "texts", json_object_get(extra, "texts"));
	if (rc == 0 && full)
		rc = yh_eval_add_reconciliation(db, a, year, u, json_object_get(extra, "notes"), doc, err);
	if (rc == 0 && full)
		rc = collect_series(db, a, year, u, doc, err);
	if (rc == 0) {
		*out = doc;
		doc = NULL;
	}
done:
	free(txt);
	yh_rows_free(tree);
	json_decref(doc);
	json_decref(figs);
	json_decref(extra);
	json_decref(warnings);
	return rc;
}

/* The current snapshot of (year, unit) as a document marked finalised, or NULL (0) when there is none. */
static int load_snapshot(yh_db *db, int year, const yh_eval_unit *u, json_t **out, yh_err *err)
{
	yh_rows *rows = NULL;
	char y[16], hex[65];
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *p[2], *text;
	int rc;

	*out = NULL;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = u->id_txt;
	rc = yh_db_query(db, &rows, Q_SNAPSHOT, 2, p, err);
	if (rc != 0 || yh_rows_count(rows) == 0)
		goto done;
	text = yh_rows_get(rows, 0, "document");
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	*out = json_loads(text, 0, NULL);
	if (*out == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "stored evaluation snapshot is not JSON");
		goto done;
	}
	json_object_set_new(*out, "finalisation", json_pack("{s:s,s:s,s:s,s:s,s:b}", "id", yh_rows_get(rows, 0, "uid"),
		"hash", yh_rows_get(rows, 0, "content_hash"), "finalised_at", yh_rows_get(rows, 0, "finalised_at"),
		"finalised_by", yh_rows_get(rows, 0, "finalised_by"),
		"hash_verified", strcmp(hex, yh_rows_get(rows, 0, "content_hash")) == 0));
done:
	yh_rows_free(rows);
	return rc;
}

/* The document to show: the snapshot when finalised, else computed now. */
static int current_doc(yh_db *db, const yh_actor *a, int year, const char *unit, int full, json_t **out,
	yh_err *err)
{
	yh_eval_unit u;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = load_snapshot(db, year, &u, out, err);
	if (rc == 0 && *out == NULL)
		rc = build_doc(db, a, year, &u, full, out, err);
	return rc;
}

int yh_eval_show(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	json_t *doc = NULL;
	int rc;

	*out = NULL;
	rc = current_doc(db, a, year, unit, 0, &doc, err);
	if (rc == 0) {
		*out = json_dumps(doc, JSON_COMPACT);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	json_decref(doc);
	return rc;
}

int yh_eval_render(yh_db *db, const yh_actor *a, int year, const char *unit, const char *format,
	char **out, size_t *len, const char **ctype, yh_err *err)
{
	json_t *doc = NULL;
	const char *f = format ? format : "json";
	int rc, graphic = strcmp(f, "html") == 0 || strcmp(f, "xlsx") == 0;

	*out = NULL;
	*len = 0;
	if (strcmp(f, "json") != 0 && strcmp(f, "text") != 0 && strcmp(f, "csv") != 0 && !graphic)
		return yh_err_set(err, YH_EINVAL, "format", "format must be one of: json, text, csv, xlsx, html");
	rc = current_doc(db, a, year, unit, graphic, &doc, err);
	if (rc != 0)
		goto done;
	if (strcmp(f, "json") == 0) {
		*ctype = "application/json; charset=utf-8";
		*out = json_dumps(doc, JSON_COMPACT);
		*len = *out ? strlen(*out) : 0;
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	} else if (strcmp(f, "text") == 0) {
		*ctype = "text/plain; charset=utf-8";
		rc = yh_eval_render_text(doc, out, len, err);
	} else if (strcmp(f, "csv") == 0) {
		*ctype = "text/csv; charset=utf-8";
		rc = yh_eval_render_csv(doc, out, len, err);
	} else if (strcmp(f, "xlsx") == 0) {
		*ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		rc = yh_eval_render_xlsx(doc, out, len, err);
	} else {
		*ctype = "text/html; charset=utf-8";
		rc = yh_eval_render_html(doc, out, len, err);
	}
done:
	json_decref(doc);
	return rc;
}

/* Non-zero roster differences without an explanation block finalising. */
static int check_reconciled(json_t *doc, yh_err *err)
{
	json_t *rec = json_object_get(doc, "reconciliation"), *row;
	size_t i;

	if (json_integer_value(json_object_get(rec, "unexplained")) == 0)
		return 0;
	json_array_foreach(json_object_get(rec, "rows"), i, row)
		if (json_integer_value(json_object_get(row, "difference")) != 0 && json_is_null(json_object_get(row, "explanation")))
			return yh_err_set(err, YH_ECONFLICT, "reconciliation",
				"roster difference %lld for %s %s is not explained (yinhui evaluation reconcile explain)",
				(long long)json_integer_value(json_object_get(row, "difference")), yh_eval_str(row, "category"),
				yh_eval_str(row, "rank"));
	return 0;
}

int yh_eval_finalise(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	json_t *doc = NULL;
	char *text = NULL, uid[37], y[16], hex[65];
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *p[7];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_FINALISE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = yh_eval_check_open(db, year, u.id_txt, err);
	if (rc != 0)
		return rc;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = build_doc(db, a, year, &u, 1, &doc, err);
	if (rc == 0)
		rc = check_reconciled(doc, err);
	if (rc != 0)
		goto done;
	json_object_set_new(doc, "status", json_string("finalised"));
	json_object_set_new(doc, "submitted_by", json_string(a->username));
	/* the stored text is what is hashed: sorted keys make it reproducible */
	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	yh_uuid_new(uid);
	snprintf(y, sizeof(y), "%d", year);
	p[0] = uid;
	p[1] = y;
	p[2] = u.id_txt;
	p[3] = text;
	p[4] = hex;
	p[5] = a->username;
	p[6] = u.code;
	rc = yh_db_query_text(db, out, Q_SNAPSHOT_INSERT, 7, p, NULL, err);
	if (rc == YH_ECONFLICT)
		rc = yh_err_set(err, YH_ECONFLICT, "year", "the %d evaluation of %s is already finalised", year, u.code);
	if (rc == 0)
		rc = yh_audit(db, a, "evaluation.finalise", "evaluation", uid, NULL, *out, err);
done:
	rc = yh_db_end(db, rc, err);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(text);
	json_decref(doc);
	return rc;
}

int yh_eval_reopen(yh_db *db, const yh_actor *a, int year, const char *unit, const char *reason,
	char **out, yh_err *err)
{
	yh_eval_unit u;
	char y[16], entity[96];
	const char *p[4];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_FINALISE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason)))
		rc = yh_err_set(err, YH_EINVAL, "reason", "a reason is required to reopen a finalised evaluation");
	if (rc == 0 && strlen(reason) > 2000)
		rc = yh_err_set(err, YH_EINVAL, "reason", "at most 2000 characters");
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	snprintf(entity, sizeof(entity), "%d/%s", year, u.code);
	p[0] = y;
	p[1] = u.id_txt;
	p[2] = a->username;
	p[3] = reason;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_db_query_text(db, out, Q_REOPEN, 4, p, "the evaluation is not finalised", err);
	if (rc == 0)
		rc = yh_audit(db, a, "evaluation.reopen", "evaluation", entity, NULL, *out, err);
	rc = yh_db_end(db, rc, err);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Adds {field, finalised, current} to changes when the two JSON values differ. */
static void compare(json_t *changes, const char *code, const char *name, const char *field, json_t *was, json_t *now)
{
	json_t *w = was ? was : json_null(), *n = now ? now : json_null();

	if (!json_equal(w, n))
		json_array_append_new(changes, json_pack("{s:s,s:s?,s:s,s:O,s:O}", "code", code, "name", name,
			"field", field, "finalised", w, "current", n));
	if (!was)
		json_decref(w);
	if (!now)
		json_decref(n);
}

/* A figure's label (专题学习研讨会 场次) from a document's figure_labels, or NULL. */
static const char *fig_label(json_t *doc, const char *code)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(doc, "figure_labels"), code), "label"));
}

int yh_eval_diff(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	static const char *const fields[] = { "actual", "completion", "computed_score", "awarded", "score",
		"applicable", "points", "target", "justification", "improvement" };
	yh_eval_unit u;
	json_t *snap = NULL, *live = NULL, *figs, *res = NULL, *ind, *v;
	json_t *fchanges = json_array(), *ichanges = json_array(), *tchanges = json_array();
	const char *key;
	size_t i;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = load_snapshot(db, year, &u, &snap, err);
	if (rc == 0 && snap == NULL)
		rc = yh_err_set(err, YH_ENOTFOUND, "year", "the %d evaluation of %s is not finalised", year, u.code);
	if (rc == 0)
		rc = build_doc(db, a, year, &u, 0, &live, err);
	if (rc != 0)
		goto done;
	figs = json_object_get(snap, "figures");
	json_object_foreach(figs, key, v)
		compare(fchanges, key, fig_label(live, key) ? fig_label(live, key) : fig_label(snap, key), "value", v,
			json_object_get(json_object_get(live, "figures"), key));
	json_object_foreach(json_object_get(live, "figures"), key, v)
		if (json_object_get(figs, key) == NULL)
			compare(fchanges, key, fig_label(live, key), "value", NULL, v);
	json_array_foreach(json_object_get(snap, "indicators"), i, ind) {
		const char *code = yh_eval_str(ind, "code");
		json_t *cur = NULL, *c;
		size_t k;
		json_array_foreach(json_object_get(live, "indicators"), k, c)
			if (strcmp(yh_eval_str(c, "code"), code) == 0)
				cur = c;
		if (cur == NULL) {
			compare(ichanges, code, yh_eval_str(ind, "name"), "indicator", ind, NULL);
			continue;
		}
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			compare(ichanges, code, yh_eval_str(ind, "name"), fields[f], json_object_get(ind, fields[f]),
				json_object_get(cur, fields[f]));
	}
	compare(tchanges, "total", NULL, "score", json_object_get(json_object_get(snap, "total"), "score"),
		json_object_get(json_object_get(live, "total"), "score"));
	compare(tchanges, "total", NULL, "grade", json_object_get(json_object_get(snap, "total"), "grade"),
		json_object_get(json_object_get(live, "total"), "grade"));
	res = json_pack("{s:i,s:s,s:O,s:b,s:O,s:O,s:O}", "year", year, "unit", u.code,
		"finalisation", json_object_get(snap, "finalisation"),
		"changed", json_array_size(fchanges) + json_array_size(ichanges) + json_array_size(tchanges) > 0,
		"total", tchanges, "figures", fchanges, "indicators", ichanges);
	*out = res ? json_dumps(res, JSON_COMPACT) : NULL;
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	json_decref(res);
	json_decref(snap);
	json_decref(live);
	json_decref(fchanges);
	json_decref(ichanges);
	json_decref(tchanges);
	return rc;
}
