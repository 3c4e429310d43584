/* Health, metrics, sessions, units, staff and the audit trail. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "http/routes.h"
#include "yinhui/audit.h"
#include "yinhui/migrate.h"
#include "yinhui/setting.h"
#include "yinhui/staff.h"

static int healthz(yh_req *r)
{
	yh_err err;
	char *one = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_db_query_text(yh_req_db(r), &one, "SELECT 1", 0, NULL, NULL, &err);
	free(one);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, strdup("{\"status\":\"ok\",\"database\":\"ok\"}"));
}

static int readyz(yh_req *r)
{
	yh_err err;
	int pending = 0, rc;
	char buf[128];

	yh_err_clear(&err);
	rc = yh_migrate_status(yh_req_db(r), yh_migrate_dir(), &pending, &err);
	if (rc != 0)
		return yh_reply_error(r, &err);
	if (pending > 0) {
		yh_err_set(&err, YH_EUNAVAILABLE, NULL, "%d migration(s) pending: run yinhui db migrate", pending);
		return yh_reply_error(r, &err);
	}
	snprintf(buf, sizeof(buf), "{\"status\":\"ready\"}");
	return yh_reply_json(r, 200, strdup(buf));
}

static int metrics(yh_req *r)
{
	yh_pool_stats ps;
	char *gauges = NULL, *extra = NULL, *text;
	yh_err err;
	int pw_limit, pw_peak;

	yh_err_clear(&err);
	yh_server_pool_stats(yh_server_current(), &ps);
	yh_pwhash_usage(&pw_limit, &pw_peak);
	/*
	 * Domain gauges come from one query; modules add theirs to yh.metric_gauges().
	 * Without a database (YH_ROUTE_DB_OPTIONAL) they are left out and the rest is served.
	 */
	if (yh_req_db(r) == NULL ||
	    yh_db_query_text(yh_req_db(r), &gauges, "SELECT yh.metric_gauges()", 0, NULL, NULL, &err) != 0) {
		free(gauges);
		gauges = NULL;
	}
	if (asprintf(&extra,
		    "# HELP yinhui_database_up Whether the database answered this scrape (1) or not (0).\n"
		    "# TYPE yinhui_database_up gauge\nyinhui_database_up %d\n"
		    "# HELP yinhui_db_pool_size Database connections (workers).\n# TYPE yinhui_db_pool_size gauge\n"
		    "yinhui_db_pool_size %d\n"
		    "# HELP yinhui_db_pool_in_use Workers running a request.\n# TYPE yinhui_db_pool_in_use gauge\n"
		    "yinhui_db_pool_in_use %d\n"
		    "# HELP yinhui_db_pool_waiting Requests waiting for a worker.\n# TYPE yinhui_db_pool_waiting gauge\n"
		    "yinhui_db_pool_waiting %d\n"
		    "# HELP yinhui_db_pool_reads_in_use Workers running a read (GET).\n"
		    "# TYPE yinhui_db_pool_reads_in_use gauge\nyinhui_db_pool_reads_in_use %d\n"
		    "# HELP yinhui_db_pool_read_limit Reads allowed to run at once (read_workers).\n"
		    "# TYPE yinhui_db_pool_read_limit gauge\nyinhui_db_pool_read_limit %d\n"
		    "# HELP yinhui_db_pool_reads_peak Most reads running at once since start.\n"
		    "# TYPE yinhui_db_pool_reads_peak gauge\nyinhui_db_pool_reads_peak %d\n"
		    "# HELP yinhui_db_pool_heavy_read_limit Heavy reads (figures, exports) allowed at once.\n"
		    "# TYPE yinhui_db_pool_heavy_read_limit gauge\nyinhui_db_pool_heavy_read_limit %d\n"
		    "# HELP yinhui_db_pool_heavy_reads_peak Most heavy reads running at once since start.\n"
		    "# TYPE yinhui_db_pool_heavy_reads_peak gauge\nyinhui_db_pool_heavy_reads_peak %d\n"
		    "# HELP yinhui_password_hash_limit Password hashes (64 MiB each) allowed at once.\n"
		    "# TYPE yinhui_password_hash_limit gauge\nyinhui_password_hash_limit %d\n"
		    "# HELP yinhui_password_hash_peak Most password hashes running at once since start.\n"
		    "# TYPE yinhui_password_hash_peak gauge\nyinhui_password_hash_peak %d\n%s",
		    gauges != NULL, ps.size, ps.busy, ps.waiting, ps.reads, ps.read_limit, ps.reads_peak, ps.heavy_limit, ps.heavy_peak,
		    pw_limit, pw_peak, gauges ? gauges : "") < 0)
		extra = NULL;
	free(gauges);
	text = yh_metrics_render(extra);
	free(extra);
	return yh_reply_data(r, 200, text, text ? strlen(text) : 0, "text/plain; version=0.0.4; charset=utf-8", NULL);
}

static int session_create(yh_req *r)
{
	yh_fields *f = NULL;
	yh_err err;
	char token[96], *out = NULL;
	json_t *doc = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	for (size_t i = 0; rc == 0 && i < yh_fields_count(f); i++)
		if (strcmp(yh_fields_key(f, i), "username") != 0 && strcmp(yh_fields_key(f, i), "password") != 0)
			rc = yh_err_set(&err, YH_EINVAL, yh_fields_key(f, i), "unknown field");
	if (rc == 0)
		rc = yh_session_login(yh_req_db(r), yh_fields_get(f, "username"), yh_fields_get(f, "password"),
			yh_req_address(r), token, sizeof(token), &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	doc = json_loads(out, 0, NULL);
	free(out);
	if (doc == NULL)
		return yh_reply_error(r, NULL);
	json_object_set_new(doc, "token", json_string(token));
	json_object_set_new(doc, "token_type", json_string("Bearer"));
	out = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return yh_reply_json(r, 201, out);
}

static int session_delete(yh_req *r)
{
	const char *auth = yh_req_header(r, "Authorization");
	yh_err err;

	yh_err_clear(&err);
	if (yh_session_revoke(yh_req_db(r), yh_req_actor(r), auth + 7, NULL, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, strdup("{\"revoked\":true}"));
}

static int session_get(yh_req *r)
{
	const yh_actor *a = yh_req_actor(r);
	json_t *doc = json_pack("{s:s,s:s,s:s}", "id", a->staff_uid, "username", a->username,
		"role", yh_role_name(a->role));
	char *out = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	return yh_reply_json(r, 200, out);
}

static int units_list(yh_req *r)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (yh_unit_list(yh_req_db(r), yh_req_actor(r), &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int units_add(yh_req *r)
{
	return yh_http_create(r, yh_unit_add);
}

static int settings_list(yh_req *r)
{
	return yh_http_read(r, yh_setting_list);
}

static int settings_set(yh_req *r)
{
	return yh_http_create(r, yh_setting_set);
}

static int staff_list(yh_req *r)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (yh_staff_list(yh_req_db(r), yh_req_actor(r), &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int staff_add(yh_req *r)
{
	yh_fields *f = NULL, *rest = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	if (rc == 0)
		rc = yh_fields_new(&rest);
	/* the password travels beside the record, never inside it */
	for (size_t i = 0; rc == 0 && i < yh_fields_count(f); i++)
		if (strcmp(yh_fields_key(f, i), "password") != 0)
			rc = yh_fields_set(rest, yh_fields_key(f, i), yh_fields_value(f, i), yh_fields_kind(f, i), &err);
	if (rc == 0)
		rc = yh_staff_add(yh_req_db(r), yh_req_actor(r), rest, yh_fields_get(f, "password"), &out, &err);
	yh_fields_free(f);
	yh_fields_free(rest);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 201, out);
}

static int staff_disable(yh_req *r)
{
	yh_err err;

	yh_err_clear(&err);
	if (yh_staff_set_disabled(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), 1, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, strdup("{\"disabled\":true}"));
}

static int audit_list(yh_req *r)
{
	yh_err err;
	char *out = NULL;
	const char *limit = yh_req_query(r, "limit");

	yh_err_clear(&err);
	if (yh_audit_list(yh_req_db(r), yh_req_actor(r), yh_req_query(r, "entity"), yh_req_query(r, "entity_id"),
		    limit ? atoi(limit) : 100, &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

/* docs/openapi.yaml as JSON, compiled in by cmake/openapi.cmake. */
extern const char yh_openapi_json[];
extern const size_t yh_openapi_json_len;

static int openapi(yh_req *r)
{
	char *copy = malloc(yh_openapi_json_len);

	if (copy == NULL)
		return yh_reply_error(r, NULL);
	memcpy(copy, yh_openapi_json, yh_openapi_json_len);
	return yh_reply_data(r, 200, copy, yh_openapi_json_len, "application/json; charset=utf-8", NULL);
}

const yh_route yh_routes_core[] = {
	{ "GET", "/healthz", healthz, YH_ROUTE_PUBLIC, "healthz" },
	{ "GET", "/readyz", readyz, YH_ROUTE_PUBLIC, "readyz" },
	{ "GET", "/metrics", metrics, YH_ROUTE_PUBLIC | YH_ROUTE_DB_OPTIONAL, "metrics" },
	{ "GET", "/api/v1/openapi.json", openapi, YH_ROUTE_PUBLIC | YH_ROUTE_NODB, "openapi" },
	{ "POST", "/api/v1/session", session_create, YH_ROUTE_PUBLIC, "session_create" },
	{ "GET", "/api/v1/session", session_get, 0, "session_get" },
	{ "DELETE", "/api/v1/session", session_delete, 0, "session_delete" },
	{ "GET", "/api/v1/units", units_list, 0, "unit_list" },
	{ "POST", "/api/v1/units", units_add, 0, "unit_add" },
	{ "GET", "/api/v1/staff", staff_list, 0, "staff_list" },
	{ "POST", "/api/v1/staff", staff_add, 0, "staff_add" },
	{ "POST", "/api/v1/staff/:username/disable", staff_disable, 0, "staff_disable" },
	{ "GET", "/api/v1/audit", audit_list, 0, "audit_list" },
	{ "GET", "/api/v1/settings", settings_list, 0, "setting_list" },
	{ "POST", "/api/v1/settings", settings_set, 0, "setting_set" },
	{ NULL, NULL, NULL, 0, NULL }
};
