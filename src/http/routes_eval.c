/* Routes of the eval module: budget figures, activities, indicators, evaluations, demo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/routes.h"
#include "yinhui/activity.h"
#include "yinhui/budget.h"
#include "yinhui/csv.h"
#include "yinhui/evaluation.h"
#include "yinhui/indicator.h"

/* Path parameter i as a year. */
static int year_param(yh_req *r, int i, int *year, yh_err *err)
{
	const char *s = yh_req_param(r, i);
	char *end = NULL;
	long y;

	errno = 0;
	y = s ? strtol(s, &end, 10) : 0;
	if (s == NULL || errno != 0 || *end != '\0' || y < 2000 || y > 2100)
		return yh_err_set(err, YH_EINVAL, "year", "the year in the path must be between 2000 and 2100");
	*year = (int)y;
	return 0;
}

/* A JSON object body, or no fields when the body is empty. */
static int optional_body(yh_req *r, yh_fields **f, yh_err *err)
{
	size_t len = 0;

	yh_req_body(r, &len);
	if (len == 0)
		return yh_fields_new(f) == 0 ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	return yh_req_body_fields(r, f, err);
}

/* Refuses body fields other than the allowed ones. */
static int only(const yh_fields *f, const char *const *allowed, yh_err *err)
{
	for (size_t i = 0; i < yh_fields_count(f); i++) {
		size_t k = 0;
		while (allowed[k] && strcmp(allowed[k], yh_fields_key(f, i)) != 0)
			k++;
		if (allowed[k] == NULL)
			return yh_err_set(err, YH_EINVAL, yh_fields_key(f, i), "unknown field");
	}
	return 0;
}

static int reply(yh_req *r, int rc, int status, char *out, yh_err *err)
{
	if (rc != 0) {
		free(out);
		return yh_reply_error(r, err);
	}
	return yh_reply_json(r, status, out);
}

/* ---- budget ---- */

static int budget_items(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_budget_items(yh_req_db(r), yh_req_actor(r), &out, &err);
	return reply(r, rc, 200, out, &err);
}

static int budget_get(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_budget_list(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), &out, &err);
	return reply(r, rc, 200, out, &err);
}

static int budget_put(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_budget_set(yh_req_db(r), yh_req_actor(r), year, f, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 200, out, &err);
}

static int budget_delete(yh_req *r)
{
	yh_err err;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_budget_unset(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), yh_req_param(r, 1), &err);
	return reply(r, rc, 200, rc == 0 ? strdup("{\"removed\":true}") : NULL, &err);
}

static int budget_figures(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_budget_figures(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), &out, &err);
	return reply(r, rc, 200, out, &err);
}

/* The body is the CSV file itself (UTF-8). */
static int budget_import(yh_req *r)
{
	yh_csv_reader *csv = NULL;
	yh_err err;
	size_t len = 0;
	const char *body = yh_req_body(r, &len);
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_csv_reader_new(&csv, body ? body : "", body ? len : 0);
	if (rc != 0)
		rc = yh_err_set(&err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0)
		rc = yh_budget_import(yh_req_db(r), yh_req_actor(r), csv, &out, &err);
	yh_csv_reader_free(csv);
	return reply(r, rc, 200, out, &err);
}

/* ---- activities ---- */

static int activity_types(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_activity_types(yh_req_db(r), yh_req_actor(r), &out, &err);
	return reply(r, rc, 200, out, &err);
}

static int activity_list(yh_req *r)
{
	static const char *const keys[] = { "year", "from", "to", "type", "unit", "limit", "offset", NULL };

	return yh_http_list(r, keys, yh_activity_list);
}

static int activity_add(yh_req *r)
{
	return yh_http_create(r, yh_activity_add);
}

static int activity_get(yh_req *r)
{
	return yh_http_get(r, yh_activity_get);
}

static int activity_update(yh_req *r)
{
	return yh_http_update(r, yh_activity_update);
}

static int activity_delete(yh_req *r)
{
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_activity_delete(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), &err);
	return reply(r, rc, 200, rc == 0 ? strdup("{\"deleted\":true}") : NULL, &err);
}

/* ---- evaluations ---- */

static int eval_get(yh_req *r)
{
	const char *format = yh_req_query(r, "format"), *unit = yh_req_query(r, "unit"), *ctype = NULL;
	yh_err err;
	char *out = NULL, name[160];
	size_t len = 0;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_eval_render(yh_req_db(r), yh_req_actor(r), year, unit, format ? format : "json", &out, &len,
			&ctype, &err);
	if (rc != 0)
		return yh_reply_error(r, &err);
	if (format == NULL || strcmp(format, "json") == 0)
		return yh_reply_json(r, 200, out);
	/* workbooks and CSV download as files; the HTML report opens in the browser */
	snprintf(name, sizeof(name), "evaluation-%d.%s", year, format);
	return yh_reply_data(r, 200, out, len, ctype,
		strcmp(format, "xlsx") == 0 || strcmp(format, "csv") == 0 ? name : NULL);
}

typedef int (*year_unit_fn)(yh_db *, const yh_actor *, int, const char *, char **, yh_err *);

/* GET .../:year/x?unit= */
static int year_unit_get(yh_req *r, year_unit_fn fn)
{
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), &out, &err);
	return reply(r, rc, 200, out, &err);
}

static int eval_diff(yh_req *r)
{
	return year_unit_get(r, yh_eval_diff);
}

static int eval_reconciliation(yh_req *r)
{
	return year_unit_get(r, yh_eval_reconciliation);
}

static int eval_finalise(yh_req *r)
{
	static const char *const allowed[] = { "unit", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = optional_body(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	if (rc == 0)
		rc = yh_eval_finalise(yh_req_db(r), yh_req_actor(r), year, yh_fields_get(f, "unit"), &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 201, out, &err);
}

static int eval_reopen(yh_req *r)
{
	static const char *const allowed[] = { "unit", "reason", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	if (rc == 0)
		rc = yh_eval_reopen(yh_req_db(r), yh_req_actor(r), year, yh_fields_get(f, "unit"),
			yh_fields_get(f, "reason"), &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 200, out, &err);
}

static int eval_explain(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_eval_explain(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), yh_req_param(r, 1),
			&out, &err);
	return reply(r, rc, 200, out, &err);
}

static int eval_reconcile_explain(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_eval_reconcile_explain(yh_req_db(r), yh_req_actor(r), year, f, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 200, out, &err);
}

static int eval_text_put(yh_req *r)
{
	static const char *const allowed[] = { "unit", "body", NULL };
	yh_fields *f = NULL;
	yh_err err;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	if (rc == 0)
		rc = yh_eval_text_set(yh_req_db(r), yh_req_actor(r), year, yh_fields_get(f, "unit"), yh_req_param(r, 1),
			yh_fields_get(f, "body"), &err);
	yh_fields_free(f);
	return reply(r, rc, 200, rc == 0 ? strdup("{\"saved\":true}") : NULL, &err);
}

static int eval_template(yh_req *r)
{
	static const char *const allowed[] = { "template", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	if (rc == 0)
		rc = yh_indicator_template_load(yh_req_db(r), yh_req_actor(r), year, yh_fields_get(f, "template"), &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 201, out, &err);
}

static int eval_copy(yh_req *r)
{
	static const char *const allowed[] = { "to", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL, *end = NULL;
	const char *to;
	long y = 0;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	to = rc == 0 ? yh_fields_get(f, "to") : NULL;
	if (rc == 0 && to)
		y = strtol(to, &end, 10);
	if (rc == 0 && (to == NULL || *end != '\0' || y < 2000 || y > 2100))
		rc = yh_err_set(&err, YH_EINVAL, "to", "the year to copy to, between 2000 and 2100");
	if (rc == 0)
		rc = yh_indicator_copy(yh_req_db(r), yh_req_actor(r), year, (int)y, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 201, out, &err);
}

static int indicators_list(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_indicator_list(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), &out, &err);
	return reply(r, rc, 200, out, &err);
}

static int indicator_add(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_indicator_add(yh_req_db(r), yh_req_actor(r), year, f, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 201, out, &err);
}

typedef int (*ind_fn)(yh_db *, const yh_actor *, int, const char *, const yh_fields *, char **, yh_err *);

/* .../:year/indicators/:code with a body. */
static int indicator_body(yh_req *r, ind_fn fn)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), year, yh_req_param(r, 1), f, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 200, out, &err);
}

static int indicator_update(yh_req *r)
{
	return indicator_body(r, yh_indicator_update);
}

static int indicator_assess(yh_req *r)
{
	return indicator_body(r, yh_indicator_assess);
}

static int indicator_override(yh_req *r)
{
	return indicator_body(r, yh_indicator_override);
}

static int indicator_remove(yh_req *r)
{
	yh_err err;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = year_param(r, 0, &year, &err);
	if (rc == 0)
		rc = yh_indicator_remove(yh_req_db(r), yh_req_actor(r), year, yh_req_param(r, 1), &err);
	return reply(r, rc, 200, rc == 0 ? strdup("{\"removed\":true}") : NULL, &err);
}

static int demo_load(yh_req *r)
{
	static const char *const allowed[] = { "year", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = optional_body(r, &f, &err);
	if (rc == 0)
		rc = only(f, allowed, &err);
	if (rc == 0)
		rc = yh_demo_load(yh_req_db(r), yh_req_actor(r),
			yh_fields_get(f, "year") ? atoi(yh_fields_get(f, "year")) : 2022, &out, &err);
	yh_fields_free(f);
	return reply(r, rc, 201, out, &err);
}

const yh_route yh_routes_eval[] = {
	{ "GET", "/api/v1/budget-items", budget_items, 0, "budget_items" },
	{ "POST", "/api/v1/budget/import", budget_import, 0, "budget_import" },
	{ "GET", "/api/v1/budget/:year", budget_get, 0, "budget_get" },
	{ "PUT", "/api/v1/budget/:year", budget_put, 0, "budget_set" },
	{ "GET", "/api/v1/budget/:year/figures", budget_figures, 0, "budget_figures" },
	{ "DELETE", "/api/v1/budget/:year/:item", budget_delete, 0, "budget_unset" },
	{ "GET", "/api/v1/activity-types", activity_types, 0, "activity_types" },
	{ "GET", "/api/v1/activities", activity_list, 0, "activity_list" },
	{ "POST", "/api/v1/activities", activity_add, 0, "activity_add" },
	{ "GET", "/api/v1/activities/:id", activity_get, 0, "activity_get" },
	{ "PATCH", "/api/v1/activities/:id", activity_update, 0, "activity_update" },
	{ "DELETE", "/api/v1/activities/:id", activity_delete, 0, "activity_delete" },
	{ "GET", "/api/v1/evaluations/:year", eval_get, 0, "evaluation_get" },
	{ "POST", "/api/v1/evaluations/:year/finalise", eval_finalise, 0, "evaluation_finalise" },
	{ "POST", "/api/v1/evaluations/:year/reopen", eval_reopen, 0, "evaluation_reopen" },
	{ "GET", "/api/v1/evaluations/:year/diff", eval_diff, 0, "evaluation_diff" },
	{ "GET", "/api/v1/evaluations/:year/explain/:code", eval_explain, 0, "evaluation_explain" },
	{ "GET", "/api/v1/evaluations/:year/reconciliation", eval_reconciliation, 0, "evaluation_reconciliation" },
	{ "POST", "/api/v1/evaluations/:year/reconciliation", eval_reconcile_explain, 0, "evaluation_reconcile_explain" },
	{ "PUT", "/api/v1/evaluations/:year/texts/:section", eval_text_put, 0, "evaluation_text" },
	{ "POST", "/api/v1/evaluations/:year/template", eval_template, 0, "evaluation_template" },
	{ "POST", "/api/v1/evaluations/:year/copy", eval_copy, 0, "evaluation_copy" },
	{ "GET", "/api/v1/evaluations/:year/indicators", indicators_list, 0, "indicator_list" },
	{ "POST", "/api/v1/evaluations/:year/indicators", indicator_add, 0, "indicator_add" },
	{ "PATCH", "/api/v1/evaluations/:year/indicators/:code", indicator_update, 0, "indicator_update" },
	{ "DELETE", "/api/v1/evaluations/:year/indicators/:code", indicator_remove, 0, "indicator_remove" },
	{ "PUT", "/api/v1/evaluations/:year/indicators/:code/entry", indicator_assess, 0, "indicator_assess" },
	{ "PUT", "/api/v1/evaluations/:year/indicators/:code/override", indicator_override, 0, "indicator_override" },
	{ "POST", "/api/v1/demo", demo_load, 0, "demo_load" },
	{ NULL, NULL, NULL, 0, NULL }
};
