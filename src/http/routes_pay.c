/*
 * Routes of the pay module: programmes, enrolments, batches (and their bank
 * files), payments, party branches and payment figures. Each handler decodes
 * the request, calls one core function (include/yinhui/pay.h) and replies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http/routes.h"
#include "yinhui/pay.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

/* A POST body that may be empty (approve, reissue): {} then. */
static int body_fields(yh_req *r, yh_fields **out, yh_err *err)
{
	size_t len = 0;

	yh_req_body(r, &len);
	if (len == 0) {
		if (yh_fields_new(out) != 0)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		return 0;
	}
	return yh_req_body_fields(r, out, err);
}

/* Path param 0 + optional body -> fn -> status. */
static int act(yh_req *r, yh_update_fn fn, int status)
{
	yh_fields *f = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = body_fields(r, &f, &err);
	if (rc == 0)
		rc = fn(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), f, &out, &err);
	yh_fields_free(f);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, status, out);
}

/* ---- programmes ---- */

static int programme_list(yh_req *r)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (yh_programme_list(yh_req_db(r), yh_req_actor(r), &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int programme_add(yh_req *r)
{
	return yh_http_create(r, yh_programme_add);
}

static int programme_get(yh_req *r)
{
	return yh_http_get(r, yh_programme_get);
}

static int programme_rate(yh_req *r)
{
	return act(r, yh_programme_rate_add, 201);
}

/* ---- enrolments ---- */

static int enrol_list(yh_req *r)
{
	static const char *const keys[] = { "programme", "period", "date", "person", "status", "limit", "offset", NULL };

	return yh_http_list(r, keys, yh_enrol_list);
}

static int enrol_add(yh_req *r)
{
	return yh_http_create(r, yh_enrol_add);
}

static int enrol_get(yh_req *r)
{
	return yh_http_get(r, yh_enrol_get);
}

static int enrol_update(yh_req *r)
{
	return yh_http_update(r, yh_enrol_update);
}

static int enrol_end(yh_req *r)
{
	return act(r, yh_enrol_end, 200);
}

static int enrol_proof(yh_req *r)
{
	return act(r, yh_enrol_proof, 201);
}

/* ---- batches ---- */

static int batch_generate(yh_req *r)
{
	return yh_http_create(r, yh_batch_generate);
}

static int batch_list(yh_req *r)
{
	static const char *const keys[] = { "programme", "period", "state", NULL };

	return yh_http_list(r, keys, yh_batch_list);
}

static int batch_get(yh_req *r)
{
	const char *lines = yh_req_query(r, "lines");
	long n = 100;
	yh_err err;
	char *out = NULL, *end = NULL;

	yh_err_clear(&err);
	if (lines != NULL && strcmp(lines, "all") == 0) {
		n = -1;
	} else if (lines != NULL) {
		n = strtol(lines, &end, 10);
		if (*lines == '\0' || *end != '\0' || n < 0) {
			yh_err_set(&err, YH_EINVAL, "lines", "must be a number of lines or \"all\"");
			return yh_reply_error(r, &err);
		}
	}
	if (yh_batch_get(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), n, &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int batch_approve(yh_req *r)
{
	return act(r, yh_batch_approve, 200);
}

static int batch_cancel(yh_req *r)
{
	return act(r, yh_batch_cancel, 200);
}

static int batch_settle(yh_req *r)
{
	return act(r, yh_batch_settle, 200);
}

static int batch_reissue(yh_req *r)
{
	return act(r, yh_batch_reissue, 201);
}

/* Writes the bank file to a private temporary directory and sends it. */
static int batch_export(yh_req *r)
{
	yh_fields *f = NULL;
	yh_bankfile_opts o = { YH_TABLE_CSV, NULL, NULL };
	const char *tmp = getenv("TMPDIR"), *fmt;
	char dir[512], path[600], name[80], *out = NULL, *data = NULL;
	size_t len = 0;
	yh_err err;
	int rc, made = 0;

	yh_err_clear(&err);
	/* exporting again is allowed and audited; a stored replay would hold the file itself */
	if (yh_req_header(r, "Idempotency-Key") != NULL) {
		yh_err_set(&err, YH_EINVAL, "Idempotency-Key", "export is repeatable: send it without an Idempotency-Key");
		return yh_reply_error(r, &err);
	}
	rc = body_fields(r, &f, &err);
	for (size_t i = 0; rc == 0 && i < yh_fields_count(f); i++)
		if (strcmp(yh_fields_key(f, i), "format") != 0 && strcmp(yh_fields_key(f, i), "encoding") != 0)
			rc = yh_err_set(&err, YH_EINVAL, yh_fields_key(f, i), "unknown field (format, encoding)");
	fmt = rc == 0 ? yh_fields_get(f, "format") : NULL;
	if (rc == 0 && fmt != NULL && strcmp(fmt, "xlsx") == 0)
		o.format = YH_TABLE_XLSX;
	else if (rc == 0 && fmt != NULL && strcmp(fmt, "csv") != 0)
		rc = yh_err_set(&err, YH_EINVAL, "format", "must be csv or xlsx");
	if (rc == 0) {
		o.encoding = yh_fields_get(f, "encoding");
		snprintf(dir, sizeof(dir), "%s/yinhui-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL)
			rc = yh_err_set(&err, YH_EUNAVAILABLE, NULL, "cannot create a temporary directory");
		else
			made = 1;
	}
	if (rc == 0) {
		snprintf(name, sizeof(name), "daifa-%.40s.%s", yh_req_param(r, 0), o.format == YH_TABLE_XLSX ? "xlsx" : "csv");
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		o.path = path;
		rc = yh_batch_export(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), &o, &out, &err);
	}
	if (rc == 0 && yh_file_read(path, 512u * 1024u * 1024u, &data, &len) != 0)
		rc = yh_err_set(&err, YH_EINTERNAL, NULL, "cannot read back the bank file");
	if (made) {
		unlink(path);
		rmdir(dir);
	}
	yh_fields_free(f);
	free(out);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_data(r, 200, data, len,
		o.format == YH_TABLE_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		: (o.encoding && strcasecmp(o.encoding, "gbk") == 0) ? "text/csv; charset=GBK" : "text/csv; charset=utf-8",
		name);
}

/* The bank's result file as the raw body (text/csv); ?encoding=gbk&paid_on=YYYY-MM-DD. */
static int batch_result(yh_req *r)
{
	size_t len = 0;
	const char *body = yh_req_body(r, &len);
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	if (body == NULL || len == 0) {
		yh_err_set(&err, YH_EBADREQ, NULL, "send the bank's result file (CSV) as the body");
		return yh_reply_error(r, &err);
	}
	if (yh_batch_result(yh_req_db(r), yh_req_actor(r), yh_req_param(r, 0), body, len, yh_req_query(r, "encoding"),
		    yh_req_query(r, "paid_on"), &out, &err) != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

static int payment_reverse(yh_req *r)
{
	return act(r, yh_payment_reverse, 201);
}

/* ?from&to[&unit][&programme][&code]: the figures, or the records behind one. */
static int payment_figures(yh_req *r)
{
	static const char *const keys[] = { "from", "to", "unit", "programme", "code", NULL };
	yh_fields *q = NULL;
	yh_err err;
	char *out = NULL;
	int rc;

	yh_err_clear(&err);
	rc = yh_req_query_fields(r, keys, &q, &err);
	if (rc == 0 && yh_fields_get(q, "code"))
		rc = yh_pay_figure_records_programme(yh_req_db(r), yh_req_actor(r), yh_fields_get(q, "code"),
			yh_fields_get(q, "from"), yh_fields_get(q, "to"), yh_fields_get(q, "unit"),
			yh_fields_get(q, "programme"), &out, &err);
	else if (rc == 0)
		rc = yh_pay_figures_programme(yh_req_db(r), yh_req_actor(r), yh_fields_get(q, "from"),
			yh_fields_get(q, "to"), yh_fields_get(q, "unit"), yh_fields_get(q, "programme"), &out, &err);
	yh_fields_free(q);
	if (rc != 0)
		return yh_reply_error(r, &err);
	return yh_reply_json(r, 200, out);
}

/* ---- party branches ---- */

static int branch_list(yh_req *r)
{
	static const char *const keys[] = { "unit", "type", "dissolved", NULL };

	return yh_http_list(r, keys, yh_branch_list);
}

static int branch_add(yh_req *r)
{
	return yh_http_create(r, yh_branch_add);
}

static int branch_get(yh_req *r)
{
	return yh_http_get(r, yh_branch_get);
}

static int branch_update(yh_req *r)
{
	return yh_http_update(r, yh_branch_update);
}

static int branch_post(yh_req *r)
{
	return act(r, yh_branch_post_add, 201);
}

static int branch_post_end(yh_req *r)
{
	return act(r, yh_branch_post_end, 200);
}

static int branch_allowance(yh_req *r)
{
	static const char *const keys[] = { "programme", "year", NULL };

	return yh_http_list(r, keys, yh_branch_allowance);
}

const yh_route yh_routes_pay[] = {
	{ "GET", "/api/v1/programmes", programme_list, 0, "programme_list" },
	{ "POST", "/api/v1/programmes", programme_add, 0, "programme_add" },
	{ "GET", "/api/v1/programmes/:id", programme_get, 0, "programme_get" },
	{ "POST", "/api/v1/programmes/:id/rates", programme_rate, 0, "programme_rate" },
	{ "GET", "/api/v1/enrolments", enrol_list, 0, "enrolment_list" },
	{ "POST", "/api/v1/enrolments", enrol_add, 0, "enrolment_add" },
	{ "GET", "/api/v1/enrolments/:id", enrol_get, 0, "enrolment_get" },
	{ "PATCH", "/api/v1/enrolments/:id", enrol_update, 0, "enrolment_update" },
	{ "POST", "/api/v1/enrolments/:id/end", enrol_end, 0, "enrolment_end" },
	{ "POST", "/api/v1/enrolments/:id/proof-of-life", enrol_proof, 0, "enrolment_proof" },
	{ "GET", "/api/v1/batches", batch_list, 0, "batch_list" },
	{ "POST", "/api/v1/batches", batch_generate, 0, "batch_generate" },
	{ "GET", "/api/v1/batches/:id", batch_get, 0, "batch_get" },
	{ "POST", "/api/v1/batches/:id/approve", batch_approve, 0, "batch_approve" },
	{ "POST", "/api/v1/batches/:id/cancel", batch_cancel, 0, "batch_cancel" },
	{ "POST", "/api/v1/batches/:id/export", batch_export, 0, "batch_export" },
	{ "POST", "/api/v1/batches/:id/settle", batch_settle, 0, "batch_settle" },
	{ "POST", "/api/v1/batches/:id/result", batch_result, YH_ROUTE_UPLOAD, "batch_result" },
	{ "POST", "/api/v1/batches/:id/reissue", batch_reissue, 0, "batch_reissue" },
	{ "GET", "/api/v1/payments/figures", payment_figures, YH_ROUTE_HEAVY, "payment_figures" },
	{ "POST", "/api/v1/payments/:ref/reverse", payment_reverse, 0, "payment_reverse" },
	{ "GET", "/api/v1/branches", branch_list, 0, "branch_list" },
	{ "POST", "/api/v1/branches", branch_add, 0, "branch_add" },
	{ "GET", "/api/v1/branches/allowance", branch_allowance, 0, "branch_allowance" },
	{ "GET", "/api/v1/branches/:id", branch_get, 0, "branch_get" },
	{ "PATCH", "/api/v1/branches/:id", branch_update, 0, "branch_update" },
	{ "POST", "/api/v1/branches/:id/posts", branch_post, 0, "branch_post" },
	{ "POST", "/api/v1/branch-posts/:id/end", branch_post_end, 0, "branch_post_end" },
	{ NULL, NULL, NULL, 0, NULL }
};
