/* Routes of the roster module: /api/v1/cadres and /api/v1/roster. Each calls one core function. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "http/routes.h"
#include "yinhui/encoding.h"
#include "yinhui/roster.h"
#include "yinhui/table.h"

static const char *const list_keys[] = { "unit", "category", "kind", "min_age", "max_age", "age_on",
	"living_situation", "care_level", "remote", "party_member", "alive", "active", "q", "limit", "offset", NULL };

/* Only the named query parameters are accepted, so a typo is an error rather than a silent no-op. */
static int check_query(yh_req *r, const char *const *keys, yh_err *err)
{
	yh_fields *f = NULL;
	int rc = yh_req_query_fields(r, keys, &f, err);

	yh_fields_free(f);
	return rc;
}

static int cadre_create(yh_req *r)
{
	return yh_http_create(r, yh_roster_create);
}

static int cadre_list(yh_req *r)
{
	return yh_http_list(r, list_keys, yh_roster_list);
}

static int cadre_get(yh_req *r)
{
	static const char *const keys[] = { "reveal", NULL };
	const char *reveal = yh_req_query(r, "reveal");
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (check_query(r, keys, &err) != 0)
		return yh_reply_error(r, &err);
	if (reveal != NULL && strcmp(reveal, "id_number") != 0) {
		yh_err_set(&err, YH_EINVAL, "reveal", "the only field that can be revealed is id_number");
		return yh_reply_error(r, &err);
	}
	if (yh_roster_show(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), reveal != NULL, &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int cadre_update(yh_req *r)
{
	return yh_http_update(r, yh_roster_update);
}

static int cadre_transfer_out(yh_req *r)
{
	return yh_http_update(r, yh_roster_transfer_out);
}

static int cadre_survivors(yh_req *r)
{
	return yh_http_get(r, yh_roster_survivors);
}

/* 422 with the usual error object and the list of bad rows beside it. */
static int import_failed(yh_req *r, const yh_err *err, const char *report)
{
	char *body = yh_http_error_body(err, yh_req_id(r)), *out = NULL;
	json_t *doc = body ? json_loads(body, 0, NULL) : NULL, *rep = json_loads(report, 0, NULL);

	free(body);
	if (doc == NULL || rep == NULL) {
		json_decref(doc);
		json_decref(rep);
		return yh_reply_error(r, err);
	}
	json_object_update(doc, rep);
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	json_decref(rep);
	return yh_reply_data(r, yh_http_status(err->code), out, 0, "application/json; charset=utf-8", NULL);
}

static int cadre_import(yh_req *r)
{
	static const char *const keys[] = { "encoding", "unit", NULL };
	const char *ctype = yh_req_header(r, "Content-Type"), *body;
	char *out = NULL;
	size_t len = 0;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = check_query(r, keys, &err);
	body = yh_req_body(r, &len);
	if (rc == 0 && (ctype == NULL || (strncmp(ctype, "text/csv", 8) != 0 && strncmp(ctype, "text/plain", 10) != 0 &&
		    strncmp(ctype, "application/octet-stream", 24) != 0)))
		rc = yh_err_set(&err, YH_EBADREQ, "Content-Type", "send the CSV file itself as the body, with Content-Type: text/csv");
	if (rc == 0 && (body == NULL || len == 0))
		rc = yh_err_set(&err, YH_EBADREQ, NULL, "the body is empty: send the CSV file");
	if (rc == 0)
		rc = yh_roster_import(yh_req_db(r), yh_req_actor(r), body, len, yh_req_query(r, "encoding"),
			yh_req_query(r, "unit"), NULL, NULL, &out, &err);
	if (rc == YH_EINVAL && out != NULL) {
		rc = import_failed(r, &err, out);
		free(out);
		return rc;
	}
	if (rc != 0) {
		free(out);
		return yh_reply_error(r, &err);
	}
	return yh_reply_json(r, 200, out);
}

static int cadre_export(yh_req *r)
{
	static const char *const keys[] = { "format", "encoding", "unit", "category", "masked", NULL };
	yh_roster_export_opts o = { NULL, NULL, YH_TABLE_CSV, YH_ENC_UTF8_BOM, 0 };
	const char *format = yh_req_query(r, "format"), *enc = yh_req_query(r, "encoding");
	const char *masked = yh_req_query(r, "masked");
	char *data = NULL;
	size_t len = 0;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = check_query(r, keys, &err);
	if (rc == 0 && format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
		rc = yh_err_set(&err, YH_EINVAL, "format", "must be csv or xlsx");
	if (rc == 0 && format != NULL && strcmp(format, "xlsx") == 0)
		o.format = YH_TABLE_XLSX;
	if (rc == 0 && enc != NULL)
		rc = yh_encoding_from_name(&o.encoding, enc, YH_ENC_FOR_OUTPUT, &err);
	if (rc == 0 && masked != NULL && strcmp(masked, "true") != 0 && strcmp(masked, "false") != 0)
		rc = yh_err_set(&err, YH_EINVAL, "masked", "must be true or false");
	o.masked = masked != NULL && strcmp(masked, "true") == 0;
	o.unit = yh_req_query(r, "unit");
	o.category = yh_req_query(r, "category");
	if (rc == 0)
		rc = yh_roster_export_buffer(yh_req_db(r), yh_req_actor(r), &o, &data, &len, &err);
	if (rc != 0)
		return yh_reply_error(r, &err);
	if (o.format == YH_TABLE_XLSX)
		return yh_reply_data(r, 200, data, len,
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "cadres.xlsx");
	return yh_reply_data(r, 200, data, len, o.encoding == YH_ENC_GBK || o.encoding == YH_ENC_GB18030 ?
		"text/csv; charset=gb18030" : "text/csv; charset=utf-8", "cadres.csv");
}

static int figures(yh_req *r)
{
	static const char *const keys[] = { "from", "to", "unit", NULL };
	const char *code = yh_req_param(r, 0);
	char *out = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = check_query(r, keys, &err);
	if (rc == 0 && code == NULL)
		rc = yh_roster_figures(yh_req_db(r), yh_req_actor(r), yh_req_query(r, "from"), yh_req_query(r, "to"),
			yh_req_query(r, "unit"), &out, &err);
	else if (rc == 0)
		rc = yh_roster_figure_records(yh_req_db(r), yh_req_actor(r), code, yh_req_query(r, "from"),
			yh_req_query(r, "to"), yh_req_query(r, "unit"), &out, &err);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

/* A year from the query or body: digits only. */
static int year_of(const char *s, int *year, yh_err *err)
{
	if (s == NULL || *s == '\0' || strlen(s) != 4 || strspn(s, "0123456789") != 4)
		return yh_err_set(err, YH_EINVAL, "year", "give the year as four digits");
	*year = atoi(s);
	return 0;
}

static int reconcile(yh_req *r)
{
	static const char *const keys[] = { "year", "unit", NULL };
	char *out = NULL;
	yh_err err;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = check_query(r, keys, &err);
	if (rc == 0)
		rc = year_of(yh_req_query(r, "year"), &year, &err);
	if (rc == 0)
		rc = yh_roster_reconcile(yh_req_db(r), yh_req_actor(r), year, yh_req_query(r, "unit"), &out, &err);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int year_close(yh_req *r)
{
	yh_fields *f = NULL;
	char *out = NULL;
	yh_err err;
	int year = 0, rc;

	yh_err_clear(&err);
	rc = yh_req_body_fields(r, &f, &err);
	for (size_t i = 0; rc == 0 && i < yh_fields_count(f); i++)
		if (strcmp(yh_fields_key(f, i), "year") != 0 && strcmp(yh_fields_key(f, i), "unit") != 0)
			rc = yh_err_set(&err, YH_EINVAL, yh_fields_key(f, i), "unknown field");
	if (rc == 0)
		rc = year_of(yh_fields_get(f, "year"), &year, &err);
	if (rc == 0)
		rc = yh_roster_year_close(yh_req_db(r), yh_req_actor(r), year, yh_fields_get(f, "unit"), &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 201, out);
}

/* Literal paths before :id, which would match them too. */
const yh_route yh_routes_roster[] = {
	{ "POST", "/api/v1/cadres", cadre_create, 0, "cadre_create" },
	{ "GET", "/api/v1/cadres", cadre_list, 0, "cadre_list" },
	{ "POST", "/api/v1/cadres/import", cadre_import, YH_ROUTE_UPLOAD, "cadre_import" },
	{ "GET", "/api/v1/cadres/export", cadre_export, YH_ROUTE_HEAVY, "cadre_export" },
	{ "GET", "/api/v1/cadres/:id", cadre_get, 0, "cadre_get" },
	{ "PATCH", "/api/v1/cadres/:id", cadre_update, 0, "cadre_update" },
	{ "POST", "/api/v1/cadres/:id/transfer-out", cadre_transfer_out, 0, "cadre_transfer_out" },
	{ "GET", "/api/v1/cadres/:id/survivors", cadre_survivors, 0, "cadre_survivors" },
	{ "GET", "/api/v1/roster/figures", figures, YH_ROUTE_HEAVY, "roster_figures" },
	{ "GET", "/api/v1/roster/figures/:code", figures, YH_ROUTE_HEAVY, "roster_figure_records" },
	{ "GET", "/api/v1/roster/reconcile", reconcile, YH_ROUTE_HEAVY, "roster_reconcile" },
	{ "POST", "/api/v1/roster/year-end", year_close, 0, "roster_year_close" },
	{ NULL, NULL, NULL, 0, NULL }
};
