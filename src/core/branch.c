/* Retiree party branches, their posts, and the secretary allowance preview. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pay_internal.h"
#include "yinhui/audit.h"
#include "yinhui/pay.h"
#include "yinhui/staff.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define BRANCH_JSON \
	"json_build_object('id', b.uid, 'name', b.name, 'type', b.type, 'unit', u.code," \
	" 'member_count', b.member_count, 'founded_on', b.founded_on, 'term_end', b.term_end," \
	" 'term_status', CASE WHEN b.dissolved_on IS NOT NULL THEN 'dissolved' WHEN b.term_end IS NULL THEN NULL" \
	"  WHEN b.term_end < current_date THEN 'overdue' WHEN b.term_end <= current_date + 90 THEN 'due_soon'" \
	"  ELSE 'ok' END, 'dissolved_on', b.dissolved_on, 'note', b.note," \
	" 'secretary', (SELECT p.name FROM yh.branch_post bp JOIN yh.person p ON p.id = bp.person_id" \
	"  WHERE bp.branch_id = b.id AND bp.post = '书记' AND bp.from_on <= current_date" \
	"  AND (bp.to_on IS NULL OR bp.to_on >= current_date) LIMIT 1)," \
	" 'committee', (SELECT count(*) FROM yh.branch_post bp WHERE bp.branch_id = b.id" \
	"  AND bp.from_on <= current_date AND (bp.to_on IS NULL OR bp.to_on >= current_date))"

static const char Q_INSERT[] =
	"INSERT INTO yh.branch (uid, name, type, unit_id, member_count, founded_on, term_end, dissolved_on, note,"
	" created_by) VALUES ($1::uuid, $2, $3, $4::bigint, $5::int, $6::date, $7::date, $8::date, $9, $10::bigint)"
	" RETURNING id";
static const char Q_GET[] =
	"SELECT (" BRANCH_JSON ", 'posts', (SELECT coalesce(json_agg(json_build_object('id', bp.uid, 'person', p.uid,"
	" 'name', p.name, 'post', bp.post, 'from_on', bp.from_on, 'to_on', bp.to_on,"
	" 'current', bp.from_on <= current_date AND (bp.to_on IS NULL OR bp.to_on >= current_date))"
	" ORDER BY bp.from_on DESC, bp.post), '[]') FROM yh.branch_post bp JOIN yh.person p ON p.id = bp.person_id"
	" WHERE bp.branch_id = b.id)))::text FROM yh.branch b JOIN yh.unit u ON u.id = b.unit_id WHERE b.id = $1::bigint";
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(" BRANCH_JSON ") ORDER BY u.code, b.name), '[]')::text"
	" FROM yh.branch b JOIN yh.unit u ON u.id = b.unit_id"
	" WHERE yh.in_scope(b.unit_id, $1::bigint) AND ($2::bigint IS NULL OR yh.in_scope(b.unit_id, $2::bigint))"
	" AND ($3::text IS NULL OR b.type = $3) AND (coalesce($4::bool, false) OR b.dissolved_on IS NULL)";
static const char Q_FIND[] =
	"SELECT b.id, b.uid, yh.in_scope(b.unit_id, $2::bigint) AS visible FROM yh.branch b WHERE b.uid = $1::uuid";
static const char Q_IN_SCOPE[] = "SELECT yh.in_scope($1::bigint, $2::bigint)::text";
static const char Q_POST_INSERT[] =
	"INSERT INTO yh.branch_post (uid, branch_id, person_id, post, from_on, to_on, created_by)"
	" VALUES ($1::uuid, $2::bigint, $3::bigint, $4, $5::date, $6::date, $7::bigint)"
	" RETURNING json_build_object('id', uid, 'branch', (SELECT b.uid FROM yh.branch b WHERE b.id = branch_id),"
	" 'person', (SELECT p.uid FROM yh.person p WHERE p.id = person_id),"
	" 'name', (SELECT p.name FROM yh.person p WHERE p.id = person_id),"
	" 'post', post, 'from_on', from_on, 'to_on', to_on)::text";
static const char Q_POST_FIND[] =
	"SELECT bp.id, bp.to_on, yh.in_scope(b.unit_id, $2::bigint) AS visible FROM yh.branch_post bp"
	" JOIN yh.branch b ON b.id = bp.branch_id WHERE bp.uid = $1::uuid";
static const char Q_POST_END[] =
	"UPDATE yh.branch_post SET to_on = $2::date WHERE id = $1::bigint AND to_on IS NULL"
	" RETURNING json_build_object('id', uid, 'branch', (SELECT b.uid FROM yh.branch b WHERE b.id = branch_id),"
	" 'person', (SELECT p.uid FROM yh.person p WHERE p.id = person_id), 'post', post, 'from_on', from_on,"
	" 'to_on', to_on)::text";
static const char Q_ALLOWANCE[] =
	"WITH a AS (SELECT a.*, p.uid, p.name FROM yh.pay_allowance($1::bigint, $2::date, $3::date) a"
	" JOIN yh.person p ON p.id = a.person_id WHERE yh.in_scope(p.unit_id, $4::bigint))"
	" SELECT json_build_object('programme', $5::text, 'year', $6::int, 'secretaries', (SELECT count(*) FROM a),"
	" 'total_fen', (SELECT coalesce(sum(a.amount_fen), 0) FROM a),"
	" 'total', yh.pay_yuan((SELECT coalesce(sum(a.amount_fen), 0) FROM a)::bigint),"
	" 'items', (SELECT coalesce(json_agg(json_build_object('person', a.uid, 'name', a.name, 'months', a.months,"
	"  'amount_fen', a.amount_fen, 'amount', yh.pay_yuan(a.amount_fen),"
	"  'enrolled', EXISTS (SELECT 1 FROM yh.enrolment e WHERE e.programme_id = $1::bigint"
	"   AND e.person_id = a.person_id AND e.start_on <= $3::date AND (e.end_on IS NULL OR e.end_on >= $2::date)),"
	"  'detail', a.detail) ORDER BY a.name), '[]') FROM a))::text";

static const char *const types[] = { "党委", "总支", "支部", "临时支部", NULL };
static const char *const posts[] = { "书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", NULL };

static const yh_field_spec update_spec[] = {
	{ "name", YH_FT_TEXT, YH_F_NOTNULL, 100, NULL },
	{ "member_count", YH_FT_INT, 0, 100000, NULL },
	{ "founded_on", YH_FT_DATE, 0, 0, NULL },
	{ "term_end", YH_FT_DATE, 0, 0, NULL },
	{ "dissolved_on", YH_FT_DATE, 0, 0, NULL },
	{ "note", YH_FT_TEXT, 0, 500, NULL },
};
#define NUPDATE (sizeof(update_spec) / sizeof(update_spec[0]))

static pthread_once_t update_once = PTHREAD_ONCE_INIT;
static char *update_sql;

static void build_update(void)
{
	char *assign = NULL;
	const char *head = "UPDATE yh.branch SET ", *tail = ", updated_at = now() WHERE id = $1::bigint";

	if (yh_sql_assignments(&assign, update_spec, NUPDATE, 2) != 0)
		return;
	update_sql = malloc(strlen(head) + strlen(assign) + strlen(tail) + 1);
	if (update_sql)
		sprintf(update_sql, "%s%s%s", head, assign, tail);
	free(assign);
}

static void remap(int rc, yh_err *err)
{
	if (rc == 0 || err == NULL)
		return;
	if (strcmp(err->field, "branch_name_unique") == 0)
		yh_err_set(err, rc, "name", "the unit already has a branch of that name");
	else if (strcmp(err->field, "branch_dissolved_after_founded") == 0)
		yh_err_set(err, rc, "dissolved_on", "is before founded_on");
	else if (strcmp(err->field, "branch_post_dates") == 0)
		yh_err_set(err, rc, "to_on", "is before from_on");
}

static const yh_pay_lookup lookup = { Q_FIND, YH_ENOTFOUND, NULL, "no such branch",
	"the branch belongs to a unit outside yours" };

static int find(yh_db *db, const yh_actor *a, const char *id, yh_rows **out, yh_err *err)
{
	return yh_pay_find_scoped(db, a, &lookup, id, out, err);
}

int yh_branch_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "name", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
		{ "type", YH_FT_ENUM, YH_F_REQUIRED, 0, types },
		{ "unit", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "member_count", YH_FT_INT, 0, 100000, NULL },
		{ "founded_on", YH_FT_DATE, 0, 0, NULL },
		{ "term_end", YH_FT_DATE, 0, 0, NULL },
		{ "dissolved_on", YH_FT_DATE, 0, 0, NULL },
		{ "note", YH_FT_TEXT, 0, 500, NULL },
	};
	yh_values *v = NULL;
	char *id = NULL, *ok = NULL, uid[37], staff[24], unit_txt[24], buf[24];
	long long unit = 0;
	const char *p[10];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc == 0 && strlen(yh_values_get(v, "name")) == 0)
		rc = yh_err_set(err, YH_EINVAL, "name", "is required");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = yh_unit_resolve(db, yh_values_get(v, "unit"), "unit", &unit, err);
	if (rc == 0) {
		snprintf(unit_txt, sizeof(unit_txt), "%lld", unit);
		p[0] = unit_txt;
		p[1] = yh_actor_scope(a, buf);
		rc = yh_db_query_text(db, &ok, Q_IN_SCOPE, 2, p, NULL, err);
		if (rc == 0 && (ok == NULL || strcmp(ok, "true") != 0))
			rc = yh_err_set(err, YH_EFORBIDDEN, "unit", "the unit is outside yours");
	}
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_values_get(v, "name");
		p[2] = yh_values_get(v, "type");
		p[3] = unit_txt;
		p[4] = yh_values_get(v, "member_count");
		p[5] = yh_values_get(v, "founded_on");
		p[6] = yh_values_get(v, "term_end");
		p[7] = yh_values_get(v, "dissolved_on");
		p[8] = yh_values_get(v, "note");
		p[9] = staff;
		rc = yh_db_query_text(db, &id, Q_INSERT, 10, p, NULL, err);
		remap(rc, err);
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET, 1, (const char *const *)&id, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "branch.add", "branch", uid, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(id);
	free(ok);
	yh_values_free(v);
	return rc;
}

int yh_branch_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *b = NULL;
	char *before = NULL;
	const char **vp = NULL, *p[1 + 2 * NUPDATE];
	int rc;

	*out = NULL;
	pthread_once(&update_once, build_update);
	if (update_sql == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	rc = yh_authz(a, YH_P_PAY_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, update_spec, NUPDATE, in, 0, err);
	if (rc == 0)
		rc = yh_values_params(&vp, v, err);
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = find(db, a, id, &b, err);
	if (rc == 0) {
		p[0] = yh_rows_get(b, 0, "id");
		rc = yh_db_query_text(db, &before, Q_GET, 1, p, NULL, err);
	}
	if (rc == 0) {
		for (size_t i = 0; i < 2 * NUPDATE; i++)
			p[1 + i] = vp[i];
		rc = yh_db_exec(db, update_sql, 1 + 2 * NUPDATE, p, err);
		remap(rc < 0 ? rc : 0, err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_GET, 1, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "branch.update", "branch", id, before, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	free(before);
	free(vp);
	yh_rows_free(b);
	yh_values_free(v);
	return rc;
}

int yh_branch_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "unit", YH_FT_TEXT, 0, 60, NULL },
		{ "type", YH_FT_ENUM, 0, 0, types },
		{ "dissolved", YH_FT_BOOL, 0, 0, NULL },
	};
	yh_values *v = NULL;
	char buf[24], unit_txt[24];
	long long unit = 0;
	const char *p[4];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_READ, spec, sizeof(spec) / sizeof(spec[0]), q, 0, &v, err);
	if (rc == 0 && yh_values_get(v, "unit"))
		rc = yh_unit_resolve(db, yh_values_get(v, "unit"), "unit", &unit, err);
	if (rc == 0) {
		snprintf(unit_txt, sizeof(unit_txt), "%lld", unit);
		p[0] = yh_actor_scope(a, buf);
		p[1] = yh_values_get(v, "unit") ? unit_txt : NULL;
		p[2] = yh_values_get(v, "type");
		p[3] = yh_values_get(v, "dissolved");
		rc = yh_db_query_text(db, out, Q_LIST, 4, p, NULL, err);
	}
	yh_values_free(v);
	return rc;
}

int yh_branch_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return yh_pay_get_scoped(db, a, &lookup, Q_GET, id, out, err);
}

int yh_branch_post_add(yh_db *db, const yh_actor *a, const char *branch, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "person", YH_FT_UUID, YH_F_REQUIRED, 0, NULL },
		{ "post", YH_FT_ENUM, YH_F_REQUIRED, 0, posts },
		{ "from_on", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
		{ "to_on", YH_FT_DATE, 0, 0, NULL },
	};
	yh_values *v = NULL;
	yh_rows *b = NULL, *person = NULL;
	char uid[37], staff[24];
	const char *p[7];
	int rc;

	*out = NULL;
	rc = yh_pay_begin(db, a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc != 0)
		goto out;
	rc = find(db, a, branch, &b, err);
	if (rc == 0)
		rc = yh_pay_person_find(db, a, yh_values_get(v, "person"), "person", &person, err);
	if (rc == 0) {
		yh_uuid_new(uid);
		yh_pay_staff(a, staff);
		p[0] = uid;
		p[1] = yh_rows_get(b, 0, "id");
		p[2] = yh_rows_get(person, 0, "id");
		p[3] = yh_values_get(v, "post");
		p[4] = yh_values_get(v, "from_on");
		p[5] = yh_values_get(v, "to_on");
		p[6] = staff;
		rc = yh_db_query_text(db, out, Q_POST_INSERT, 7, p, NULL, err);
		remap(rc, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "branch.post", "branch", branch, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	yh_rows_free(b);
	yh_rows_free(person);
	yh_values_free(v);
	return rc;
}

int yh_branch_post_end(yh_db *db, const yh_actor *a, const char *post_id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "to_on", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
	};
	yh_values *v = NULL;
	yh_rows *bp = NULL;
	char buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_WRITE, spec, sizeof(spec) / sizeof(spec[0]), in, 1, &v, err);
	if (rc == 0 && (post_id == NULL || yh_uuid_check(post_id, "id", NULL) != 0))
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "no such post");
	if (rc != 0)
		goto out;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto out;
	p[0] = post_id;
	p[1] = yh_actor_scope(a, buf);
	rc = yh_db_query(db, &bp, Q_POST_FIND, 2, p, err);
	if (rc == 0 && yh_rows_count(bp) != 1)
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "no such post");
	else if (rc == 0 && strcmp(yh_rows_get(bp, 0, "visible"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "the branch belongs to a unit outside yours");
	if (rc == 0) {
		p[0] = yh_rows_get(bp, 0, "id");
		p[1] = yh_values_get(v, "to_on");
		rc = yh_db_query_text(db, out, Q_POST_END, 2, p, NULL, err);
		if (rc == YH_ENOTFOUND)
			rc = yh_err_set(err, YH_ECONFLICT, "to_on", "the post already ended on %s", yh_rows_get(bp, 0, "to_on"));
		remap(rc, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "branch.post_end", "branch_post", post_id, NULL, *out, err);
	rc = yh_pay_finish(db, rc, err);
out:
	yh_pay_discard(rc, out);
	yh_rows_free(bp);
	yh_values_free(v);
	return rc;
}

int yh_branch_allowance(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "programme", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "year", YH_FT_INT, YH_F_REQUIRED, 2200, NULL },
	};
	yh_values *v = NULL;
	yh_rows *g = NULL;
	yh_pay_period per;
	char buf[24];
	const char *p[6];
	int rc;

	*out = NULL;
	rc = yh_pay_validate(a, YH_P_PAY_READ, spec, sizeof(spec) / sizeof(spec[0]), q, 1, &v, err);
	if (rc == 0)
		rc = yh_pay_programme_find(db, yh_values_get(v, "programme"), "programme", &g, err);
	if (rc == 0 && strcmp(yh_rows_get(g, 0, "kind"), "branch_allowance") != 0)
		rc = yh_err_set(err, YH_EINVAL, "programme", "is not a branch allowance programme");
	if (rc == 0)
		rc = yh_pay_period_parse(&per, "yearly", yh_values_get(v, "year"), NULL, err);
	if (rc == 0) {
		p[0] = yh_rows_get(g, 0, "id");
		p[1] = per.start;
		p[2] = per.end;
		p[3] = yh_actor_scope(a, buf);
		p[4] = yh_rows_get(g, 0, "code");
		p[5] = per.label;
		rc = yh_db_query_text(db, out, Q_ALLOWANCE, 6, p, NULL, err);
	}
	if (rc != 0 && err && strcmp(err->field, "period") == 0)
		snprintf(err->field, sizeof(err->field), "year");
	yh_rows_free(g);
	yh_values_free(v);
	return rc;
}
