/* Care plans (一人一策, 关爱档案): the current plan, revisions and measures. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/audit.h"
#include "yinhui/casework.h"

static const char *const care_levels[] = { "自理", "半失能", "失能", NULL };
static const char *const cognitions[] = { "正常", "轻度障碍", "中度障碍", "重度障碍", NULL };
static const char *const livings[] = { "独居", "空巢", "与子女同住", "养老机构", "异地", NULL };
static const char *const tags[] = { "经济", "医疗", "照护", "住房", "精神慰藉", NULL };

/* The first NCOLS entries are columns set as given; the rest are handled apart. */
#define NCOLS 13
static const yh_field_spec spec[] = {
	{ "health", YH_FT_TEXT, 0, 1000, NULL },
	{ "chronic_illness", YH_FT_TEXT, 0, 1000, NULL },
	{ "care_level", YH_FT_ENUM, 0, 0, care_levels },
	{ "cognition", YH_FT_ENUM, 0, 0, cognitions },
	{ "living_situation", YH_FT_ENUM, 0, 0, livings },
	{ "family_support", YH_FT_TEXT, 0, 1000, NULL },
	{ "finances", YH_FT_TEXT, 0, 1000, NULL },
	{ "housing", YH_FT_TEXT, 0, 1000, NULL },
	{ "mood", YH_FT_TEXT, 0, 1000, NULL },
	{ "difficulty_tags", YH_FT_ENUMSET, YH_F_NOTNULL, 0, tags },
	{ "care_file", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "care_file_reason", YH_FT_TEXT, 0, 500, NULL },
	{ "note", YH_FT_TEXT, 0, 2000, NULL },
	{ "next_review_on", YH_FT_DATE, YH_F_NOTNULL, 0, NULL },
	{ "reviewed", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "caseworker", YH_FT_TEXT, 0, 32, NULL },
	{ "measures", YH_FT_JSON, YH_F_NOTNULL, 0, NULL },
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))
#define F_NEXT_REVIEW 13
#define F_REVIEWED 14
#define F_CASEWORKER 15
#define F_MEASURES 16
/* $1 plan id, $2.. the column pairs, then next review, reviewed, caseworker pairs and the actor */
#define P_NEXT (2 + 2 * NCOLS)
#define P_REVIEWED (P_NEXT + 2)
#define P_CASEWORKER (P_REVIEWED + 2)
#define P_ACTOR (P_CASEWORKER + 2)
#define NPARAMS P_ACTOR

static const char Q_PERSON[] =
	"SELECT (yh.person_in_scope($1::uuid, $2::bigint, 'person', 'YH404')).id";
static const char Q_PLAN_ENSURE[] =
	"INSERT INTO yh.care_plan (person_id, next_review_on)"
	" VALUES ($1::bigint, yh.today() + make_interval(months => yh.setting_int('plan.review_months', 3)))"
	" ON CONFLICT (person_id) DO NOTHING";
static const char Q_PLAN_LOCK[] =
	"SELECT id, uid, CASE WHEN revision > 0 THEN yh.plan_json(id, false)::text END AS before"
	" FROM yh.care_plan WHERE person_id = $1::bigint FOR UPDATE";
static const char Q_MEASURES[] = "SELECT yh.plan_measures_apply($1::bigint, $2::jsonb)";
static const char Q_REVISION[] =
	"INSERT INTO yh.plan_revision (plan_id, revision, actor_id, actor_name, snapshot)"
	" SELECT id, revision, NULLIF($2::bigint, 0), $3, yh.plan_json(id, false) FROM yh.care_plan"
	" WHERE id = $1::bigint RETURNING snapshot::text";
static const char Q_PLAN_OUT[] = "SELECT yh.plan_json($1::bigint, true)::text";
static const char Q_PLAN_SHOW[] =
	"SELECT yh.plan_json(cp.id, true)::text FROM yh.care_plan cp"
	" WHERE cp.person_id = (SELECT (yh.person_in_scope($1::uuid, $2::bigint, 'person', 'YH404')).id)";
static const char Q_PLAN_HISTORY[] =
	"SELECT coalesce(json_agg(json_build_object('revision', r.revision, 'at', r.at, 'by', r.actor_name,"
	" 'plan', r.snapshot) ORDER BY r.revision DESC), '[]')::text"
	" FROM yh.plan_revision r JOIN yh.care_plan cp ON cp.id = r.plan_id"
	" WHERE cp.person_id = (SELECT (yh.person_in_scope($1::uuid, $2::bigint, 'person', 'YH404')).id)";

static pthread_once_t update_once = PTHREAD_ONCE_INIT;
static char *q_update;

static void build_update(void)
{
	char *assign = NULL;
	size_t n;

	if (yh_sql_assignments(&assign, spec, NCOLS, 2) != 0)
		return;
	n = strlen(assign) + 1024;
	q_update = malloc(n);
	if (q_update != NULL)
		snprintf(q_update, n,
			"UPDATE yh.care_plan SET %s,"
			" next_review_on = CASE WHEN $%d::bool THEN $%d::date"
			" WHEN $%d::bool AND $%d::bool THEN yh.today() + make_interval(months => yh.setting_int('plan.review_months', 3))"
			" ELSE next_review_on END,"
			" last_reviewed_on = CASE WHEN $%d::bool AND $%d::bool THEN yh.today() ELSE last_reviewed_on END,"
			" caseworker_id = CASE WHEN $%d::bool THEN $%d::bigint ELSE caseworker_id END,"
			" revision = revision + 1, updated_at = now(), updated_by = $%d WHERE id = $1::bigint",
			assign, P_NEXT, P_NEXT + 1, P_REVIEWED, P_REVIEWED + 1, P_REVIEWED, P_REVIEWED + 1,
			P_CASEWORKER, P_CASEWORKER + 1, P_ACTOR);
	free(assign);
}

int yh_plan_show(yh_db *db, const yh_actor *a, const char *person, char **out, yh_err *err)
{
	char buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_case_id_check(person, "person", err);
	if (rc != 0)
		return rc;
	p[0] = person;
	p[1] = yh_actor_scope(a, buf);
	return yh_db_query_text(db, out, Q_PLAN_SHOW, 2, p, "no care plan for this person yet", err);
}

int yh_plan_history(yh_db *db, const yh_actor *a, const char *person, char **out, yh_err *err)
{
	char buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_case_id_check(person, "person", err);
	if (rc != 0)
		return rc;
	p[0] = person;
	p[1] = yh_actor_scope(a, buf);
	return yh_db_query_text(db, out, Q_PLAN_HISTORY, 2, p, NULL, err);
}

/* Checks the care-file pair as far as the input alone decides it; the database checks the rest. */
static int care_file_check(const yh_values *v, yh_err *err)
{
	const char *cf = yh_values_get(v, "care_file");

	if (cf && strcmp(cf, "t") == 0 && yh_values_has(v, "care_file_reason")) {
		const char *r = yh_values_get(v, "care_file_reason");
		if (r == NULL || strspn(r, " \t") == strlen(r))
			return yh_err_set(err, YH_EINVAL, "care_file_reason", "a 关爱档案 needs a reason");
	}
	return 0;
}

int yh_plan_set(yh_db *db, const yh_actor *a, const char *person, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_case_ctx ctx;
	yh_values *v = NULL;
	yh_rows *plan = NULL;
	const char **vp = NULL;
	const char *p[NPARAMS];
	char *pid = NULL, *after = NULL;
	char cw_id[24];
	int rc, in_tx = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_case_id_check(person, "person", err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, NSPEC, in, 0, err);
	if (rc == 0)
		rc = care_file_check(v, err);
	if (rc == 0)
		rc = yh_values_params(&vp, v, err);
	if (rc == 0)
		rc = pthread_once(&update_once, build_update) == 0 && q_update ? 0 :
			yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc != 0)
		goto done;
	yh_case_ctx_init(&ctx, a);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	p[0] = person;
	p[1] = ctx.p[3];
	rc = yh_db_query_text(db, &pid, Q_PERSON, 2, p, NULL, err);
	if (rc == 0 && yh_values_get(v, "caseworker"))
		rc = yh_case_staff_id(db, a, yh_values_get(v, "caseworker"), "caseworker", cw_id, err);
	if (rc == 0)
		rc = yh_db_exec(db, Q_PLAN_ENSURE, 1, (const char *const *)&pid, err);
	if (rc >= 0)
		rc = yh_db_query(db, &plan, Q_PLAN_LOCK, 1, (const char *const *)&pid, err);
	if (rc != 0)
		goto done;
	p[0] = yh_rows_value(plan, 0, 0);
	for (int i = 0; i < 2 * NCOLS; i++)
		p[1 + i] = vp[i];
	p[P_NEXT - 1] = vp[2 * F_NEXT_REVIEW];
	p[P_NEXT] = vp[2 * F_NEXT_REVIEW + 1];
	p[P_REVIEWED - 1] = vp[2 * F_REVIEWED];
	p[P_REVIEWED] = vp[2 * F_REVIEWED + 1];
	p[P_CASEWORKER - 1] = vp[2 * F_CASEWORKER];
	p[P_CASEWORKER] = yh_values_get(v, "caseworker") ? cw_id : NULL;
	p[P_ACTOR - 1] = ctx.p[1];
	rc = yh_db_exec(db, q_update, NPARAMS, p, err);
	if (rc == YH_EINVAL && err && strcmp(err->field, "care_plan_care_file_reason") == 0)
		rc = yh_err_set(err, YH_EINVAL, "care_file_reason", "a 关爱档案 needs a reason");
	if (rc >= 0 && yh_values_has(v, "measures")) {
		p[1] = yh_values_get(v, "measures");
		rc = yh_db_exec(db, Q_MEASURES, 2, p, err);
	}
	if (rc >= 0) {
		p[1] = ctx.p[0];
		p[2] = ctx.p[1];
		rc = yh_db_query_text(db, &after, Q_REVISION, 3, p, NULL, err);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "plan.set", "care_plan", yh_rows_value(plan, 0, 1),
			yh_rows_value(plan, 0, 2), after, err);
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_PLAN_OUT, 1, p, NULL, err);
	if (rc == 0) {
		rc = yh_db_commit(db, err);
		in_tx = 0; /* commit ends the transaction even when it fails */
	}
done:
	if (rc != 0) {
		if (in_tx)
			yh_db_rollback(db);
		free(*out);
		*out = NULL;
	}
	free(pid);
	free(after);
	free(vp);
	yh_rows_free(plan);
	yh_values_free(v);
	return rc;
}
