/* Helpers shared by the casework files: parameters, ids, scope, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/i18n.h"
#include "yinhui/validate.h"

const char *const yh_case_occasions[] = { "重大节日", "重要生日", "重病住院", "酷暑严寒", "遇到困难", "临终去世",
	"日常联系", "送医上门", "送学上门", "调研访谈", NULL };
const char *const yh_case_must_occasions[] = { "重大节日", "重要生日", "重病住院", "酷暑严寒", "遇到困难",
	"临终去世", NULL };
const char *const yh_case_modes[] = { "上门", "医院", "电话", "视频", NULL };
const char *const yh_case_states[] = { "open", "met", "waived", "cancelled", "missed", NULL };
const char *const yh_case_event_types[] = { "hospitalised", "serious_illness", "discharged", "hardship",
	"weather", "death", NULL };

static const char Q_UNIT_IN_SCOPE[] =
	"SELECT u.id, u.code, yh.in_scope(u.id, $2::bigint) FROM yh.unit u WHERE u.code = $1 OR u.uid::text = $1";
static const char Q_STAFF_ID[] =
	"SELECT id FROM yh.staff WHERE lower(username) = lower($1) AND NOT disabled";

void yh_case_ctx_init(yh_case_ctx *c, const yh_actor *a)
{
	snprintf(c->actor_id, sizeof(c->actor_id), "%lld", (long long)a->staff_id);
	c->p[0] = c->actor_id;
	c->p[1] = a->username[0] ? a->username : "system";
	c->p[2] = a->request_id;
	c->p[3] = yh_actor_scope(a, c->scope_buf);
}

int yh_case_id_check(const char *id, const char *what, yh_err *err)
{
	if (id == NULL || yh_uuid_check(id, "id", NULL) != 0)
		return yh_err_set(err, YH_ENOTFOUND, "id", "no such %s", what);
	return 0;
}

int yh_case_scope(yh_db *db, const yh_actor *a, const char *unit, char buf[24], const char **scope,
	char code_out[48], yh_err *err)
{
	char own[24];
	const char *p[2];
	yh_rows *rows = NULL;
	int rc;

	if (code_out)
		code_out[0] = '\0';
	*scope = yh_actor_scope(a, buf);
	if (unit == NULL || *unit == '\0')
		return 0;
	p[0] = unit;
	p[1] = yh_actor_scope(a, own);
	rc = yh_db_query(db, &rows, Q_UNIT_IN_SCOPE, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1) {
		rc = yh_err_set(err, YH_EINVAL, "unit", "no unit \"%.60s\"", unit);
	} else if (strcmp(yh_rows_value(rows, 0, 2), "t") != 0) {
		rc = yh_err_set(err, YH_EFORBIDDEN, "unit", "unit %.60s is outside your unit", unit);
	} else {
		snprintf(buf, 24, "%s", yh_rows_value(rows, 0, 0));
		*scope = buf;
		if (code_out)
			snprintf(code_out, 48, "%s", yh_rows_value(rows, 0, 1));
	}
	yh_rows_free(rows);
	return rc;
}

int yh_case_staff_id(yh_db *db, const yh_actor *a, const char *username, const char *field,
	char buf[24], yh_err *err)
{
	char *id = NULL;
	int rc;

	if (strcmp(username, "me") == 0)
		username = a->username;
	rc = yh_db_query_text(db, &id, Q_STAFF_ID, 1, &username, NULL, err);
	if (rc == YH_ENOTFOUND || (rc == 0 && id == NULL))
		rc = yh_err_set(err, YH_EINVAL, field, "no active staff account \"%.40s\"", username);
	if (rc == 0)
		snprintf(buf, 24, "%s", id);
	free(id);
	return rc;
}

int yh_case_limit(const yh_values *v, int dflt, int max, char buf[16], yh_err *err)
{
	const char *s = yh_values_get(v, "limit");
	long n = dflt;

	if (s != NULL)
		n = strtol(s, NULL, 10);
	if (n < 1 || n > max)
		return yh_err_set(err, YH_EINVAL, "limit", "must be between 1 and %d", max);
	snprintf(buf, 16, "%ld", n);
	return 0;
}

int yh_case_call(yh_db *db, char **out, const char *sql, int nparams, const char *const *params,
	yh_err *err)
{
	*out = NULL;
	return yh_db_query_text(db, out, sql, nparams, params, NULL, err);
}

int yh_case_read_scoped(yh_db *db, const yh_actor *a, const char *sql, const char *id, const char *what,
	const char *notfound, const char *forbidden, char **out, yh_err *err)
{
	yh_rows *rows = NULL;
	char buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_case_id_check(id, what, err);
	if (rc != 0)
		return rc;
	p[0] = id;
	p[1] = yh_actor_scope(a, buf);
	rc = yh_db_query(db, &rows, sql, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) == 0)
		rc = yh_err_set(err, YH_ENOTFOUND, "id", "%s", yh_tr(notfound));
	else if (strcmp(yh_rows_value(rows, 0, 1), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, "id", "%s", yh_tr(forbidden));
	else if ((*out = strdup(yh_rows_value(rows, 0, 0))) == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	yh_rows_free(rows);
	return rc;
}
