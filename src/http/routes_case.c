/*
 * Routes of the case module: care plans, visits, events, obligations, the
 * festival rules, the worklist and the casework figures. Each handler decodes, calls one core
 * function (include/yinhui/casework.h, festival.h) and replies.
 */
#include <stdlib.h>

#include "http/routes.h"
#include "yinhui/casework.h"
#include "yinhui/festival.h"

static int plan_get(yh_req *r)
{
	return yh_http_get(r, yh_plan_show);
}

static int plan_put(yh_req *r)
{
	return yh_http_update(r, yh_plan_set);
}

static int plan_history(yh_req *r)
{
	return yh_http_get(r, yh_plan_history);
}

static int visit_create(yh_req *r)
{
	return yh_http_create(r, yh_visit_create);
}

static int visit_list(yh_req *r)
{
	static const char *const keys[] = { "person", "from", "to", "occasion", "mode", "limit", NULL };

	return yh_http_list(r, keys, yh_visit_list);
}

static int visit_get(yh_req *r)
{
	return yh_http_get(r, yh_visit_show);
}

static int visit_amendments(yh_req *r)
{
	return yh_http_get(r, yh_visit_amendments);
}

/* POST /visits/:id/amendments: 201 with the corrected visit. */
static int visit_amend(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_visit_amend(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), f, &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 201, out);
}

static int visits_due(yh_req *r)
{
	static const char *const keys[] = { "unit", "caseworker", "within", "overdue", "limit", NULL };
	yh_worklist_filter filter;
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_query_fields(r, keys, &f, &err);
	if (rc == 0)
		rc = yh_worklist_filter_parse(&filter, f, &err);
	if (rc == 0)
		rc = yh_worklist(yh_req_db(r), yh_req_actor(r), &filter, &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int event_create(yh_req *r)
{
	return yh_http_create(r, yh_event_record);
}

static int event_list(yh_req *r)
{
	static const char *const keys[] = { "person", "type", "from", "to", "limit", NULL };

	return yh_http_list(r, keys, yh_event_list);
}

static int obligation_list(yh_req *r)
{
	static const char *const keys[] = { "person", "state", "occasion", "from", "to", "limit", NULL };

	return yh_http_list(r, keys, yh_obligation_list);
}

static int obligation_get(yh_req *r)
{
	return yh_http_get(r, yh_obligation_show);
}

static int obligation_meet(yh_req *r)
{
	return yh_http_update(r, yh_obligation_meet);
}

static int obligation_waive(yh_req *r)
{
	return yh_http_update(r, yh_obligation_waive);
}

static int obligation_cancel(yh_req *r)
{
	return yh_http_update(r, yh_obligation_cancel);
}

/* POST /obligations/generate: 200 with the counts (nothing is created when run again). */
static int obligation_generate(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_obligation_generate(yh_req_db(r), yh_req_actor(r), f, &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int figures(yh_req *r)
{
	static const char *const keys[] = { "from", "to", "unit", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_query_fields(r, keys, &f, &err);
	if (rc == 0)
		rc = yh_case_figures(yh_req_db(r), yh_req_actor(r), yh_fields_get(f, "from"), yh_fields_get(f, "to"),
			yh_fields_get(f, "unit"), &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int figure_records(yh_req *r)
{
	static const char *const keys[] = { "code", "from", "to", "unit", NULL };
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_query_fields(r, keys, &f, &err);
	if (rc == 0)
		rc = yh_case_figure_records(yh_req_db(r), yh_req_actor(r), yh_fields_get(f, "code"),
			yh_fields_get(f, "from"), yh_fields_get(f, "to"), yh_fields_get(f, "unit"), &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int festival_list(yh_req *r)
{
	static const char *const keys[] = { "year", NULL };

	return yh_http_list(r, keys, yh_festival_rule_list);
}

static int festival_add(yh_req *r)
{
	return yh_http_create(r, yh_festival_rule_add);
}

static int festival_update(yh_req *r)
{
	return yh_http_update(r, yh_festival_rule_update);
}

/* Literal segments before ":id" patterns: the first match wins. */
const yh_route yh_routes_case[] = {
	{ "GET", "/api/v1/plans/:person_id", plan_get, 0, "plan_get" },
	{ "PUT", "/api/v1/plans/:person_id", plan_put, 0, "plan_set" },
	{ "PATCH", "/api/v1/plans/:person_id", plan_put, 0, "plan_set" },
	{ "GET", "/api/v1/plans/:person_id/history", plan_history, 0, "plan_history" },
	{ "POST", "/api/v1/visits", visit_create, 0, "visit_create" },
	{ "GET", "/api/v1/visits", visit_list, 0, "visit_list" },
	{ "GET", "/api/v1/visits/due", visits_due, 0, "visits_due" },
	{ "GET", "/api/v1/visits/:id", visit_get, 0, "visit_get" },
	{ "GET", "/api/v1/visits/:id/amendments", visit_amendments, 0, "visit_amendments" },
	{ "POST", "/api/v1/visits/:id/amendments", visit_amend, 0, "visit_amend" },
	{ "POST", "/api/v1/events", event_create, 0, "event_create" },
	{ "GET", "/api/v1/events", event_list, 0, "event_list" },
	{ "GET", "/api/v1/obligations", obligation_list, 0, "obligation_list" },
	{ "POST", "/api/v1/obligations/generate", obligation_generate, 0, "obligation_generate" },
	{ "GET", "/api/v1/obligations/:id", obligation_get, 0, "obligation_get" },
	{ "POST", "/api/v1/obligations/:id/meet", obligation_meet, 0, "obligation_meet" },
	{ "POST", "/api/v1/obligations/:id/waive", obligation_waive, 0, "obligation_waive" },
	{ "POST", "/api/v1/obligations/:id/cancel", obligation_cancel, 0, "obligation_cancel" },
	{ "GET", "/api/v1/festival-rules", festival_list, 0, "festival_rule_list" },
	{ "POST", "/api/v1/festival-rules", festival_add, 0, "festival_rule_add" },
	{ "PATCH", "/api/v1/festival-rules/:code", festival_update, 0, "festival_rule_update" },
	{ "GET", "/api/v1/casework/figures", figures, YH_ROUTE_HEAVY, "casework_figures" },
	{ "GET", "/api/v1/casework/figures/records", figure_records, YH_ROUTE_HEAVY, "casework_figure_records" },
	{ NULL, NULL, NULL, 0, NULL }
};
