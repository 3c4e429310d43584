/* Events and the obligations they open; obligation lists and state changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/i18n.h"
#include "yinhui/casework.h"

static const yh_field_spec event_spec[] = {
	{ "type", YH_FT_ENUM, YH_F_REQUIRED, 0, yh_case_event_types },
	{ "person", YH_FT_UUID, 0, 0, NULL },
	{ "date", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
	{ "ends_on", YH_FT_DATE, 0, 0, NULL },
	{ "district", YH_FT_TEXT, 0, 60, NULL },
	{ "note", YH_FT_TEXT, 0, 1000, NULL },
};

static const yh_field_spec event_list_spec[] = {
	{ "person", YH_FT_UUID, 0, 0, NULL },
	{ "type", YH_FT_ENUM, 0, 0, yh_case_event_types },
	{ "from", YH_FT_DATE, 0, 0, NULL },
	{ "to", YH_FT_DATE, 0, 0, NULL },
	{ "limit", YH_FT_INT, 0, 1000, NULL },
};

static const yh_field_spec ob_list_spec[] = {
	{ "person", YH_FT_UUID, 0, 0, NULL },
	{ "state", YH_FT_ENUM, 0, 0, yh_case_states },
	{ "occasion", YH_FT_ENUM, 0, 0, yh_case_must_occasions },
	{ "from", YH_FT_DATE, 0, 0, NULL },
	{ "to", YH_FT_DATE, 0, 0, NULL },
	{ "limit", YH_FT_INT, 0, 5000, NULL },
};

static const yh_field_spec meet_spec[] = {
	{ "visit", YH_FT_UUID, YH_F_REQUIRED, 0, NULL },
};

static const yh_field_spec reason_spec[] = {
	{ "reason", YH_FT_TEXT, YH_F_REQUIRED, 500, NULL },
};

static const char Q_EVENT[] =
	"SELECT yh.event_record($1::bigint, $2, $3, $4::bigint, $5, $6::uuid, $7::date, $8::date, $9, $10)";
static const char Q_CLOSE[] =
	"SELECT yh.obligation_close($1::bigint, $2, $3, $4::bigint, $5::uuid, $6, $7::uuid, $8)";
static const char Q_PERSON_CHECK[] =
	"SELECT (yh.person_in_scope($1::uuid, $2::bigint, 'person', 'YH422')).id";
static const char Q_EVENT_LIST[] =
	"SELECT coalesce(jsonb_agg(yh.event_json(x.e) || jsonb_build_object('name', x.name)"
	" ORDER BY (x.e).occurred_on DESC, (x.e).id DESC), '[]')::text FROM ("
	" SELECT e, p.name FROM yh.event e LEFT JOIN yh.person p ON p.id = e.person_id"
	/* an alert is seen by whoever it covers and whoever covers it */
	" WHERE (CASE WHEN e.person_id IS NULL THEN $1::bigint IS NULL OR e.scope_unit_id IS NULL"
	"   OR yh.in_scope(e.scope_unit_id, $1::bigint) OR yh.in_scope($1::bigint, e.scope_unit_id)"
	"   ELSE yh.in_scope(p.unit_id, $1::bigint) END)"
	" AND ($2::uuid IS NULL OR p.uid = $2::uuid) AND ($3::text IS NULL OR e.type = $3)"
	" AND ($4::date IS NULL OR e.occurred_on >= $4::date) AND ($5::date IS NULL OR e.occurred_on <= $5::date)"
	" ORDER BY e.occurred_on DESC, e.id DESC LIMIT $6::int) x";
static const char Q_OB_LIST[] =
	"SELECT coalesce(jsonb_agg(yh.obligation_json(x.o) || jsonb_build_object('name', x.name)"
	" ORDER BY (x.o).due_on, (x.o).id), '[]')::text FROM ("
	" SELECT o, p.name FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
	" WHERE ($1::bigint IS NULL OR p.unit_id = ANY (yh.subtree($1::bigint)))"
	" AND ($2::uuid IS NULL OR p.uid = $2::uuid) AND ($3::text IS NULL OR o.state = $3)"
	" AND ($4::text IS NULL OR o.occasion = $4) AND ($5::date IS NULL OR o.due_on >= $5::date)"
	" AND ($6::date IS NULL OR o.due_on <= $6::date)"
	" ORDER BY o.due_on, o.id LIMIT $7::int) x";
static const char Q_OB_SHOW[] =
	"SELECT yh.obligation_json(o)::text, yh.in_scope(p.unit_id, $2::bigint)"
	" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id WHERE o.uid = $1::uuid";

int yh_event_record(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_case_ctx ctx;
	yh_values *v = NULL;
	const char *p[10];
	int rc, in_tx = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, event_spec, sizeof(event_spec) / sizeof(event_spec[0]), in, 1, err);
	if (rc != 0)
		goto done;
	yh_case_ctx_init(&ctx, a);
	memcpy(p, ctx.p, sizeof(ctx.p));
	p[4] = yh_values_get(v, "type");
	p[5] = yh_values_get(v, "person");
	p[6] = yh_values_get(v, "date");
	p[7] = yh_values_get(v, "ends_on");
	p[8] = yh_values_get(v, "district");
	p[9] = yh_values_get(v, "note");
	/* one function call is one transaction; begin/commit let a caller's transaction include it */
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	rc = yh_db_query_text(db, out, Q_EVENT, 10, p, NULL, err);
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
	yh_values_free(v);
	return rc;
}

/* Validates filter, refuses a person outside the scope; p[0] = scope, p[1] = person, lim filled. */
static int list_prepare(yh_db *db, const yh_actor *a, const yh_field_spec *spec, size_t n,
	const yh_fields *filter, int max, yh_values **v, char buf[24], char lim[16], const char **p,
	yh_err *err)
{
	char *pid = NULL;
	int rc;

	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_values_validate(v, spec, n, filter, 0, err);
	if (rc == 0)
		rc = yh_case_limit(*v, max < 200 ? max : 200, max, lim, err);
	if (rc != 0)
		return rc;
	p[0] = yh_actor_scope(a, buf);
	p[1] = yh_values_get(*v, "person");
	if (p[1] != NULL) {
		const char *q[2] = { p[1], p[0] };
		rc = yh_db_query_text(db, &pid, Q_PERSON_CHECK, 2, q, NULL, err);
		free(pid);
	}
	return rc;
}

int yh_event_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err)
{
	yh_values *v = NULL;
	char buf[24], lim[16];
	const char *p[6];
	int rc;

	*out = NULL;
	rc = list_prepare(db, a, event_list_spec, sizeof(event_list_spec) / sizeof(event_list_spec[0]), filter,
		1000, &v, buf, lim, p, err);
	if (rc == 0) {
		p[2] = yh_values_get(v, "type");
		p[3] = yh_values_get(v, "from");
		p[4] = yh_values_get(v, "to");
		p[5] = lim;
		rc = yh_db_query_text(db, out, Q_EVENT_LIST, 6, p, NULL, err);
	}
	yh_values_free(v);
	return rc;
}

int yh_obligation_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err)
{
	yh_values *v = NULL;
	char buf[24], lim[16];
	const char *p[7];
	int rc;

	*out = NULL;
	rc = list_prepare(db, a, ob_list_spec, sizeof(ob_list_spec) / sizeof(ob_list_spec[0]), filter,
		5000, &v, buf, lim, p, err);
	if (rc == 0) {
		p[2] = yh_values_get(v, "state");
		p[3] = yh_values_get(v, "occasion");
		p[4] = yh_values_get(v, "from");
		p[5] = yh_values_get(v, "to");
		p[6] = lim;
		rc = yh_db_query_text(db, out, Q_OB_LIST, 7, p, NULL, err);
	}
	yh_values_free(v);
	return rc;
}

int yh_obligation_show(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return yh_case_read_scoped(db, a, Q_OB_SHOW, id, "obligation", N_("no such obligation"),
		N_("the obligation is of a person outside your unit"), out, err);
}

/* open -> state; the SQL function decides the race with UPDATE ... WHERE state = 'open'. */
static int close_ob(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in, const char *state,
	char **out, yh_err *err)
{
	yh_case_ctx ctx;
	yh_values *v = NULL;
	const char *p[8];
	int met = strcmp(state, "met") == 0, rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_case_id_check(id, "obligation", err);
	if (rc == 0)
		rc = yh_values_validate(&v, met ? meet_spec : reason_spec, 1, in, 1, err);
	if (rc == 0 && !met && strspn(yh_values_get(v, "reason"), " \t") == strlen(yh_values_get(v, "reason")))
		rc = yh_err_set(err, YH_EINVAL, "reason", "must not be empty");
	if (rc == 0) {
		yh_case_ctx_init(&ctx, a);
		memcpy(p, ctx.p, sizeof(ctx.p));
		p[4] = id;
		p[5] = state;
		p[6] = met ? yh_values_get(v, "visit") : NULL;
		p[7] = met ? NULL : yh_values_get(v, "reason");
		rc = yh_case_call(db, out, Q_CLOSE, 8, p, err);
	}
	yh_values_free(v);
	return rc;
}

int yh_obligation_meet(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	return close_ob(db, a, id, in, "met", out, err);
}

int yh_obligation_waive(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	return close_ob(db, a, id, in, "waived", out, err);
}

int yh_obligation_cancel(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	return close_ob(db, a, id, in, "cancelled", out, err);
}
