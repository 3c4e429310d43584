/* The visit log: logging (the hot write path), showing, amending, listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/i18n.h"
#include "yinhui/casework.h"

static const yh_field_spec create_spec[] = {
	{ "person", YH_FT_UUID, YH_F_REQUIRED, 0, NULL },
	{ "visited_at", YH_FT_TIMESTAMP, YH_F_REQUIRED, 0, NULL },
	{ "occasion", YH_FT_ENUM, YH_F_REQUIRED, 0, yh_case_occasions },
	{ "mode", YH_FT_ENUM, YH_F_REQUIRED, 0, yh_case_modes },
	{ "staff", YH_FT_JSON, 0, 0, NULL },
	{ "condolence_fen", YH_FT_FEN, 0, 0, NULL },
	{ "condolence_yuan", YH_FT_YUAN, 0, 0, NULL },
	{ "goods", YH_FT_TEXT, 0, 500, NULL },
	{ "findings", YH_FT_TEXT, 0, 4000, NULL },
	{ "follow_ups", YH_FT_JSON, 0, 0, NULL },
	{ "obligation", YH_FT_UUID, 0, 0, NULL },
};

/* Amendable fields, in the order of Q_AMEND's (present, value) pairs after $6. */
static const yh_field_spec amend_spec[] = {
	{ "visited_at", YH_FT_TIMESTAMP, YH_F_NOTNULL, 0, NULL },
	{ "occasion", YH_FT_ENUM, YH_F_NOTNULL, 0, yh_case_occasions },
	{ "mode", YH_FT_ENUM, YH_F_NOTNULL, 0, yh_case_modes },
	{ "staff", YH_FT_JSON, YH_F_NOTNULL, 0, NULL },
	{ "condolence_fen", YH_FT_FEN, 0, 0, NULL },
	{ "goods", YH_FT_TEXT, 0, 500, NULL },
	{ "findings", YH_FT_TEXT, 0, 4000, NULL },
	{ "follow_ups", YH_FT_JSON, YH_F_NOTNULL, 0, NULL },
	{ "condolence_yuan", YH_FT_YUAN, 0, 0, NULL },
	{ "reason", YH_FT_TEXT, YH_F_REQUIRED, 500, NULL },
};
#define AMEND_PAIRS 8

static const yh_field_spec list_spec[] = {
	{ "person", YH_FT_UUID, 0, 0, NULL },
	{ "from", YH_FT_DATE, 0, 0, NULL },
	{ "to", YH_FT_DATE, 0, 0, NULL },
	{ "occasion", YH_FT_ENUM, 0, 0, yh_case_occasions },
	{ "mode", YH_FT_ENUM, 0, 0, yh_case_modes },
	{ "limit", YH_FT_INT, 0, 1000, NULL },
};

static const char Q_CREATE[] =
	"SELECT yh.visit_create($1::bigint, $2, $3, $4::bigint, $5::uuid, $6, $7, $8, $9::jsonb, $10::bigint,"
	" $11, $12, $13::jsonb, $14::uuid)";
static const char Q_AMEND[] =
	"SELECT yh.visit_amend($1::bigint, $2, $3, $4::bigint, $5::uuid, $6,"
	" (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM (VALUES"
	" ('visited_at', $7::bool, $8::text), ('occasion', $9::bool, $10::text), ('mode', $11::bool, $12::text),"
	" ('staff', $13::bool, $14::text), ('condolence_fen', $15::bool, $16::text), ('goods', $17::bool, $18::text),"
	" ('findings', $19::bool, $20::text), ('follow_ups', $21::bool, $22::text)) t(k, has, v) WHERE has))";
static const char Q_SHOW[] =
	"SELECT (yh.visit_json(v) || jsonb_build_object('amendments', coalesce((SELECT jsonb_agg(jsonb_build_object("
	" 'id', a.uid, 'revision', a.revision, 'at', a.at, 'by', a.actor_name, 'reason', a.reason, 'changes', a.changes)"
	" ORDER BY a.revision) FROM yh.visit_amendment a WHERE a.visit_id = v.id), '[]'::jsonb)))::text,"
	" yh.in_scope(p.unit_id, $2::bigint)"
	" FROM yh.visit v JOIN yh.person p ON p.id = v.person_id WHERE v.uid = $1::uuid";
static const char Q_AMENDMENTS[] =
	"SELECT coalesce((SELECT json_agg(json_build_object('id', a.uid, 'revision', a.revision, 'at', a.at,"
	" 'by', a.actor_name, 'reason', a.reason, 'changes', a.changes) ORDER BY a.revision)"
	" FROM yh.visit_amendment a WHERE a.visit_id = v.id), '[]')::text, yh.in_scope(p.unit_id, $2::bigint)"
	" FROM yh.visit v JOIN yh.person p ON p.id = v.person_id WHERE v.uid = $1::uuid";
static const char Q_PERSON_CHECK[] =
	"SELECT (yh.person_in_scope($1::uuid, $2::bigint, 'person', 'YH422')).id";
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(x), '[]')::text FROM ("
	" SELECT v.uid AS id, p.uid AS person_id, p.name, u.code AS unit, v.visited_at, v.visited_on,"
	" v.occasion, v.mode, array_to_string(v.staff, ',') AS staff, v.condolence_fen, v.revision"
	" FROM yh.visit v JOIN yh.person p ON p.id = v.person_id JOIN yh.unit u ON u.id = p.unit_id"
	" WHERE ($1::bigint IS NULL OR p.unit_id = ANY (yh.subtree($1::bigint)))"
	" AND ($2::uuid IS NULL OR p.uid = $2::uuid) AND ($3::date IS NULL OR v.visited_on >= $3::date)"
	" AND ($4::date IS NULL OR v.visited_on <= $4::date) AND ($5::text IS NULL OR v.occasion = $5)"
	" AND ($6::text IS NULL OR v.mode = $6)"
	" ORDER BY v.visited_at DESC, v.id DESC LIMIT $7::int) x";

/* condolence_fen or condolence_yuan (validated to fen), never both. */
static int condolence(const yh_values *v, const char **fen, yh_err *err)
{
	if (yh_values_has(v, "condolence_fen") && yh_values_has(v, "condolence_yuan"))
		return yh_err_set(err, YH_EINVAL, "condolence_yuan", "give condolence_fen or condolence_yuan, not both");
	*fen = yh_values_has(v, "condolence_yuan") ? yh_values_get(v, "condolence_yuan") :
						      yh_values_get(v, "condolence_fen");
	return 0;
}

int yh_visit_create(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_case_ctx ctx;
	yh_values *v = NULL;
	const char *p[14], *fen = NULL;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, create_spec, sizeof(create_spec) / sizeof(create_spec[0]), in, 1, err);
	if (rc == 0)
		rc = condolence(v, &fen, err);
	if (rc != 0)
		goto done;
	yh_case_ctx_init(&ctx, a);
	memcpy(p, ctx.p, sizeof(ctx.p));
	p[4] = yh_values_get(v, "person");
	p[5] = yh_values_get(v, "visited_at");
	p[6] = yh_values_get(v, "occasion");
	p[7] = yh_values_get(v, "mode");
	p[8] = yh_values_get(v, "staff");
	p[9] = fen;
	p[10] = yh_values_get(v, "goods");
	p[11] = yh_values_get(v, "findings");
	p[12] = yh_values_get(v, "follow_ups");
	p[13] = yh_values_get(v, "obligation");
	/* insert, follow-ups, obligation matching and audit row: one statement, one round trip */
	rc = yh_case_call(db, out, Q_CREATE, 14, p, err);
done:
	yh_values_free(v);
	return rc;
}

int yh_visit_amend(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_case_ctx ctx;
	yh_values *v = NULL;
	const char **vp = NULL;
	const char *p[6 + 2 * AMEND_PAIRS], *fen = NULL;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_case_id_check(id, "visit", err);
	if (rc == 0)
		rc = yh_values_validate(&v, amend_spec, sizeof(amend_spec) / sizeof(amend_spec[0]), in, 1, err);
	if (rc == 0)
		rc = condolence(v, &fen, err);
	if (rc == 0)
		rc = yh_values_params(&vp, v, err);
	if (rc != 0)
		goto done;
	yh_case_ctx_init(&ctx, a);
	memcpy(p, ctx.p, sizeof(ctx.p));
	p[4] = id;
	p[5] = yh_values_get(v, "reason");
	for (int i = 0; i < 2 * AMEND_PAIRS; i++)
		p[6 + i] = vp[i];
	/* pair 4 (0-based) is condolence_fen; yuan arrives as fen too */
	if (yh_values_has(v, "condolence_yuan")) {
		p[6 + 8] = "t";
		p[6 + 9] = fen;
	}
	rc = yh_case_call(db, out, Q_AMEND, 6 + 2 * AMEND_PAIRS, p, err);
done:
	free(vp);
	yh_values_free(v);
	return rc;
}

/* A read by visit id: the JSON, or YH_EFORBIDDEN when the person is outside the scope. */
static int read_by_id(yh_db *db, const yh_actor *a, const char *sql, const char *id, char **out, yh_err *err)
{
	return yh_case_read_scoped(db, a, sql, id, "visit", N_("no such visit"),
		N_("the visit is of a person outside your unit"), out, err);
}

int yh_visit_show(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return read_by_id(db, a, Q_SHOW, id, out, err);
}

int yh_visit_amendments(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return read_by_id(db, a, Q_AMENDMENTS, id, out, err);
}

int yh_visit_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err)
{
	yh_values *v = NULL;
	char buf[24], lim[16];
	char *pid = NULL;
	const char *p[7];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_values_validate(&v, list_spec, sizeof(list_spec) / sizeof(list_spec[0]), filter, 0, err);
	if (rc == 0)
		rc = yh_case_limit(v, 100, 1000, lim, err);
	if (rc != 0)
		goto done;
	p[0] = yh_actor_scope(a, buf);
	if (yh_values_get(v, "person")) {
		/* a person outside the scope is refused, not silently empty */
		p[1] = p[0];
		p[0] = yh_values_get(v, "person");
		rc = yh_db_query_text(db, &pid, Q_PERSON_CHECK, 2, p, NULL, err);
		p[0] = p[1];
		if (rc != 0)
			goto done;
	}
	p[1] = yh_values_get(v, "person");
	p[2] = yh_values_get(v, "from");
	p[3] = yh_values_get(v, "to");
	p[4] = yh_values_get(v, "occasion");
	p[5] = yh_values_get(v, "mode");
	p[6] = lim;
	rc = yh_db_query_text(db, out, Q_LIST, 7, p, NULL, err);
done:
	free(pid);
	yh_values_free(v);
	return rc;
}
