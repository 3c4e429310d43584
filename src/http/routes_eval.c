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

/* What a handler decodes before it calls its core function. */
enum { IN_YEAR = 1, IN_BODY = 2, IN_OPTIONAL_BODY = 4 };

/* A request being handled: what was decoded, the answer, the error. */
typedef struct {
	yh_fields *f; /* NULL unless a body was asked for */
	char *out;
	int year;     /* 0 unless IN_YEAR */
	yh_err err;
} call_in;

/* Decodes the path year (param 0) and/or the body as asked; a body may hold only the allowed keys. */
static int decode(yh_req *r, unsigned in, const char *const *allowed, call_in *c)
{
	int rc = 0;

	c->f = NULL;
	c->out = NULL;
	c->year = 0;
	yh_err_clear(&c->err);
	if (in & IN_YEAR)
		rc = year_param(r, 0, &c->year, &c->err);
	if (rc == 0 && (in & IN_BODY))
		rc = yh_req_body_fields(r, &c->f, &c->err);
	if (rc == 0 && (in & IN_OPTIONAL_BODY))
		rc = optional_body(r, &c->f, &c->err);
	if (rc == 0 && allowed)
		rc = only(c->f, allowed, &c->err);
	return rc;
}

/* Replies status with c->out, or the error; frees what decode and the call left. */
static int finish(yh_req *r, call_in *c, int rc, int status)
{
	yh_fields_free(c->f);
	if (rc != 0) {
		free(c->out);
		return yh_reply_error(r, &c->err);
	}
	return yh_reply_json(r, status, c->out);
}

/* For core functions that answer nothing: a fixed acknowledgement on success. */
static int acknowledge(int rc, const char *json, call_in *c)
{
	if (rc == 0)
		c->out = strdup(json);
	return rc;
}

typedef int (*year_unit_fn)(yh_db *, const yh_actor *, int, const char *, char **, yh_err *);

/* GET .../:year/x?unit= */
static int year_unit_get(yh_req *r, year_unit_fn fn)
{
	call_in c;
	int rc = decode(r, IN_YEAR, NULL, &c);

	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), c.year, yh_req_query(r, "unit"), &c.out, &c.err);
	return finish(r, &c, rc, 200);
}

typedef int (*year_body_fn)(yh_db *, const yh_actor *, int, const yh_fields *, char **, yh_err *);

/* .../:year/x with a body. */
static int year_body(yh_req *r, int status, year_body_fn fn)
{
	call_in c;
	int rc = decode(r, IN_YEAR | IN_BODY, NULL, &c);

	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), c.year, c.f, &c.out, &c.err);
	return finish(r, &c, rc, status);
}

/* ---- budget ---- */

static int budget_items(yh_req *r)
{
	return yh_http_read(r, yh_budget_items);
}

static int budget_get(yh_req *r)
{
	return year_unit_get(r, yh_budget_list);
}

static int budget_put(yh_req *r)
{
	return year_body(r, 200, yh_budget_set);
}

static int budget_delete(yh_req *r)
{
	call_in c;
	int rc = decode(r, IN_YEAR, NULL, &c);

	if (rc == 0)
		rc = acknowledge(yh_budget_unset(yh_req_db(r), yh_req_actor(r), c.year, yh_req_query(r, "unit"),
			yh_req_param(r, 1), &c.err), "{\"removed\":true}", &c);
	return finish(r, &c, rc, 200);
}

static int budget_figures(yh_req *r)
{
	return year_unit_get(r, yh_budget_figures);
}

/* The body is the CSV file itself (UTF-8). */
static int budget_import(yh_req *r)
{
	yh_csv_reader *csv = NULL;
	size_t len = 0;
	const char *body = yh_req_body(r, &len);
	call_in c;
	int rc = decode(r, 0, NULL, &c);

	if (yh_csv_reader_new(&csv, body ? body : "", body ? len : 0) != 0)
		rc = yh_err_set(&c.err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0)
		rc = yh_budget_import(yh_req_db(r), yh_req_actor(r), csv, &c.out, &c.err);
	yh_csv_reader_free(csv);
	return finish(r, &c, rc, 200);
}

/* ---- activities ---- */

static int activity_types(yh_req *r)
{
	return yh_http_read(r, yh_activity_types);
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
	call_in c;
	int rc = decode(r, 0, NULL, &c);

	if (rc == 0)
		rc = acknowledge(yh_activity_delete(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), &c.err),
			"{\"deleted\":true}", &c);
	return finish(r, &c, rc, 200);
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
	call_in c;
	int rc = decode(r, IN_YEAR | IN_OPTIONAL_BODY, allowed, &c);

	if (rc == 0)
		rc = yh_eval_finalise(yh_req_db(r), yh_req_actor(r), c.year, yh_fields_get(c.f, "unit"), &c.out, &c.err);
	return finish(r, &c, rc, 201);
}

static int eval_reopen(yh_req *r)
{
	static const char *const allowed[] = { "unit", "reason", NULL };
	call_in c;
	int rc = decode(r, IN_YEAR | IN_BODY, allowed, &c);

	if (rc == 0)
		rc = yh_eval_reopen(yh_req_db(r), yh_req_actor(r), c.year, yh_fields_get(c.f, "unit"),
			yh_fields_get(c.f, "reason"), &c.out, &c.err);
	return finish(r, &c, rc, 200);
}

static int eval_explain(yh_req *r)
{
	call_in c;
	int rc = decode(r, IN_YEAR, NULL, &c);

	if (rc == 0)
		rc = yh_eval_explain(yh_req_db(r), yh_req_actor(r), c.year, yh_req_query(r, "unit"), yh_req_param(r, 1),
			&c.out, &c.err);
	return finish(r, &c, rc, 200);
}

static int eval_reconcile_explain(yh_req *r)
{
	return year_body(r, 200, yh_eval_reconcile_explain);
}

static int eval_text_put(yh_req *r)
{
	static const char *const allowed[] = { "unit", "body", NULL };
	call_in c;
	int rc = decode(r, IN_YEAR | IN_BODY, allowed, &c);

	if (rc == 0)
		rc = acknowledge(yh_eval_text_set(yh_req_db(r), yh_req_actor(r), c.year, yh_fields_get(c.f, "unit"),
			yh_req_param(r, 1), yh_fields_get(c.f, "body"), &c.err), "{\"saved\":true}", &c);
	return finish(r, &c, rc, 200);
}

static int eval_template(yh_req *r)
{
	static const char *const allowed[] = { "template", NULL };
	call_in c;
	int rc = decode(r, IN_YEAR | IN_BODY, allowed, &c);

	if (rc == 0)
		rc = yh_indicator_template_load(yh_req_db(r), yh_req_actor(r), c.year, yh_fields_get(c.f, "template"),
			&c.out, &c.err);
	return finish(r, &c, rc, 201);
}

static int eval_copy(yh_req *r)
{
	static const char *const allowed[] = { "to", NULL };
	call_in c;
	char *end = NULL;
	const char *to;
	long y = 0;
	int rc = decode(r, IN_YEAR | IN_BODY, allowed, &c);

	to = rc == 0 ? yh_fields_get(c.f, "to") : NULL;
	if (rc == 0 && to)
		y = strtol(to, &end, 10);
	if (rc == 0 && (to == NULL || *end != '\0' || y < 2000 || y > 2100))
		rc = yh_err_set(&c.err, YH_EINVAL, "to", "the year to copy to, between 2000 and 2100");
	if (rc == 0)
		rc = yh_indicator_copy(yh_req_db(r), yh_req_actor(r), c.year, (int)y, &c.out, &c.err);
	return finish(r, &c, rc, 201);
}

static int indicators_list(yh_req *r)
{
	return year_unit_get(r, yh_indicator_list);
}

static int indicator_add(yh_req *r)
{
	return year_body(r, 201, yh_indicator_add);
}

typedef int (*ind_fn)(yh_db *, const yh_actor *, int, const char *, const yh_fields *, char **, yh_err *);

/* .../:year/indicators/:code with a body. */
static int indicator_body(yh_req *r, ind_fn fn)
{
	call_in c;
	int rc = decode(r, IN_YEAR | IN_BODY, NULL, &c);

	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), c.year, yh_req_param(r, 1), c.f, &c.out, &c.err);
	return finish(r, &c, rc, 200);
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
	call_in c;
	int rc = decode(r, IN_YEAR, NULL, &c);

	if (rc == 0)
		rc = acknowledge(yh_indicator_remove(yh_req_db(r), yh_req_actor(r), c.year, yh_req_param(r, 1), &c.err),
			"{\"removed\":true}", &c);
	return finish(r, &c, rc, 200);
}

static int demo_load(yh_req *r)
{
	static const char *const allowed[] = { "year", NULL };
	call_in c;
	int rc = decode(r, IN_OPTIONAL_BODY, allowed, &c);

	if (rc == 0)
		rc = yh_demo_load(yh_req_db(r), yh_req_actor(r),
			yh_fields_get(c.f, "year") ? atoi(yh_fields_get(c.f, "year")) : 2022, &c.out, &c.err);
	return finish(r, &c, rc, 201);
}

const yh_route yh_routes_eval[] = {
	{ "GET", "/api/v1/budget-items", budget_items, 0, "budget_items" },
	{ "POST", "/api/v1/budget/import", budget_import, YH_ROUTE_UPLOAD, "budget_import" },
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
	{ "GET", "/api/v1/evaluations/:year", eval_get, YH_ROUTE_HEAVY, "evaluation_get" },
	{ "POST", "/api/v1/evaluations/:year/finalise", eval_finalise, 0, "evaluation_finalise" },
	{ "POST", "/api/v1/evaluations/:year/reopen", eval_reopen, 0, "evaluation_reopen" },
	{ "GET", "/api/v1/evaluations/:year/diff", eval_diff, YH_ROUTE_HEAVY, "evaluation_diff" },
	{ "GET", "/api/v1/evaluations/:year/explain/:code", eval_explain, YH_ROUTE_HEAVY, "evaluation_explain" },
	{ "GET", "/api/v1/evaluations/:year/reconciliation", eval_reconciliation, YH_ROUTE_HEAVY, "evaluation_reconciliation" },
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
