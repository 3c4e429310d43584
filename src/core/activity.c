/* The activity register and its tallies. */
#include "yinhui/activity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/audit.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define ROW_JSON \
	"json_build_object('id', a.uid, 'type', a.type, 'type_label', t.label, 'title', a.title," \
	" 'held_on', a.held_on, 'unit', u.code, 'unit_name', u.name, 'participants', a.participants," \
	" 'quantity', a.quantity, 'quantity_label', t.quantity_label, 'funding_fen', a.funding_fen," \
	" 'funding_yuan', (a.funding_fen::numeric / 100)::numeric(20, 2)::text, 'evidence', a.evidence," \
	" 'note', a.note, 'created_by', a.created_by, 'created_at', a.created_at, 'updated_at', a.updated_at)"

static const char Q_TYPES[] =
	"SELECT coalesce(json_agg(json_build_object('code', code, 'label', label, 'count_unit', count_unit,"
	" 'quantity_label', quantity_label, 'quantity_unit', quantity_unit) ORDER BY sort), '[]')::text"
	" FROM yh.activity_type";
static const char Q_TYPE_KNOWN[] = "SELECT 1 FROM yh.activity_type WHERE code = $1";
static const char Q_INSERT[] =
	"INSERT INTO yh.activity (uid, type, title, held_on, unit_id, participants, quantity, funding_fen,"
	" evidence, note, created_by) VALUES ($1::uuid, $2, $3, $4::date, $5::bigint, coalesce($6::int, 0),"
	" coalesce($7::int, 1), coalesce($8::bigint, 0), $9, $10, $11)";
static const char Q_GET[] =
	"SELECT a.id, yh.in_scope(a.unit_id, $2::bigint) AS visible, " ROW_JSON "::text AS doc"
	" FROM yh.activity a JOIN yh.activity_type t ON t.code = a.type JOIN yh.unit u ON u.id = a.unit_id"
	" WHERE a.uid = $1::uuid";
static const char Q_UPDATE[] =
	"UPDATE yh.activity SET type = CASE WHEN $2::bool THEN $3 ELSE type END,"
	" title = CASE WHEN $4::bool THEN $5 ELSE title END,"
	" held_on = CASE WHEN $6::bool THEN $7::date ELSE held_on END,"
	" unit_id = CASE WHEN $8::bool THEN $9::bigint ELSE unit_id END,"
	" participants = CASE WHEN $10::bool THEN $11::int ELSE participants END,"
	" quantity = CASE WHEN $12::bool THEN $13::int ELSE quantity END,"
	" funding_fen = CASE WHEN $14::bool THEN $15::bigint ELSE funding_fen END,"
	" evidence = CASE WHEN $16::bool THEN $17 ELSE evidence END,"
	" note = CASE WHEN $18::bool THEN $19 ELSE note END, updated_at = now() WHERE id = $1::bigint";
static const char Q_DELETE[] = "DELETE FROM yh.activity WHERE id = $1::bigint";
static const char Q_LIST[] =
	"WITH f AS (SELECT a.id, a.held_on FROM yh.activity a"
	"  WHERE a.held_on BETWEEN coalesce($1::date, '-infinity') AND coalesce($2::date, 'infinity')"
	"  AND ($3::text IS NULL OR a.type = $3)"
	"  AND a.unit_id = ANY (yh.subtree($4::bigint))),"
	" p AS (SELECT id FROM f ORDER BY held_on DESC, id DESC LIMIT $5::int OFFSET $6::int)"
	" SELECT json_build_object('items', coalesce((SELECT json_agg(" ROW_JSON " ORDER BY a.held_on DESC, a.id DESC)"
	"  FROM p JOIN yh.activity a ON a.id = p.id JOIN yh.activity_type t ON t.code = a.type"
	"  JOIN yh.unit u ON u.id = a.unit_id), '[]'), 'total', (SELECT count(*) FROM f))::text";
static const char Q_FIGURES[] =
	"WITH s AS (SELECT type, count(*) AS n, sum(quantity) AS q, sum(participants) AS p, sum(funding_fen) AS f"
	"  FROM yh.activity WHERE held_on BETWEEN $1::date AND $2::date"
	"  AND unit_id = ANY (yh.subtree($3::bigint)) GROUP BY type)"
	" SELECT coalesce(json_object_agg('activities.' || t.code || '.' || m.k, CASE m.k WHEN 'count' THEN coalesce(s.n, 0)"
	"  WHEN 'quantity' THEN coalesce(s.q, 0) WHEN 'participants' THEN coalesce(s.p, 0) ELSE coalesce(s.f, 0) END), '{}')::text"
	" FROM yh.activity_type t LEFT JOIN s ON s.type = t.code"
	" CROSS JOIN (VALUES ('count'), ('quantity'), ('participants'), ('funding_fen')) AS m (k)";
static const char Q_RECORDS[] =
	"SELECT coalesce(json_agg(" ROW_JSON " ORDER BY a.held_on, a.id), '[]')::text"
	" FROM yh.activity a JOIN yh.activity_type t ON t.code = a.type JOIN yh.unit u ON u.id = a.unit_id"
	" WHERE a.type = $1 AND a.held_on BETWEEN $2::date AND $3::date"
	" AND a.unit_id = ANY (yh.subtree($4::bigint))";

/* Input fields; the order is the parameter order of Q_UPDATE (unit and funding are mapped). */
static const yh_field_spec spec[] = {
	{ "type", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 40, NULL },
	{ "title", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 200, NULL },
	{ "held_on", YH_FT_DATE, YH_F_REQUIRED | YH_F_NOTNULL, 0, NULL },
	{ "unit", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOTNULL, 60, NULL },
	{ "participants", YH_FT_INT, YH_F_NOTNULL, 100000000, NULL },
	{ "quantity", YH_FT_INT, YH_F_NOTNULL, 100000000, NULL },
	{ "funding_fen", YH_FT_FEN, YH_F_NOTNULL, 0, NULL },
	{ "evidence", YH_FT_TEXT, 0, 2000, NULL },
	{ "note", YH_FT_TEXT, 0, 2000, NULL },
	{ "funding_yuan", YH_FT_YUAN, YH_F_NOTNULL, 0, NULL },
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))

static const yh_field_spec filter_spec[] = {
	{ "year", YH_FT_INT, 0, 2100, NULL },
	{ "from", YH_FT_DATE, 0, 0, NULL },
	{ "to", YH_FT_DATE, 0, 0, NULL },
	{ "type", YH_FT_TEXT, 0, 40, NULL },
	{ "unit", YH_FT_TEXT, 0, 60, NULL },
	{ "limit", YH_FT_INT, 0, 1000, NULL },
	{ "offset", YH_FT_INT, 0, 0, NULL },
};

int yh_activity_types(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	int rc = yh_authz(a, YH_P_EVAL_READ, err);

	*out = NULL;
	return rc != 0 ? rc : yh_db_query_text(db, out, Q_TYPES, 0, NULL, NULL, err);
}

static int check_type(yh_db *db, const char *type, yh_err *err)
{
	char *one = NULL;
	int rc = yh_db_query_text(db, &one, Q_TYPE_KNOWN, 1, &type, NULL, err);

	free(one);
	if (rc == YH_ENOTFOUND)
		rc = yh_err_set(err, YH_EINVAL, "type", "unknown activity type \"%.40s\" (see yinhui activity types)", type);
	return rc;
}

/* funding_yuan is another way to give funding_fen; never both. */
static int funding(const yh_values *v, const char **fen, yh_err *err)
{
	*fen = yh_values_get(v, "funding_fen");
	if (yh_values_has(v, "funding_yuan")) {
		if (yh_values_has(v, "funding_fen"))
			return yh_err_set(err, YH_EINVAL, "funding_yuan", "give funding_fen or funding_yuan, not both");
		*fen = yh_values_get(v, "funding_yuan");
	}
	return 0;
}

static const char Q_HELD_AHEAD[] = "SELECT $1::date > yh.today()";

/* The register records what was held: a day after today (Asia/Shanghai) is a mistyped year. */
static int held_past(yh_db *db, const yh_values *v, yh_err *err)
{
	const char *d = yh_values_get(v, "held_on");
	char *ahead = NULL;
	int rc;

	if (!yh_values_has(v, "held_on") || d == NULL)
		return 0;
	rc = yh_db_query_text(db, &ahead, Q_HELD_AHEAD, 1, &d, NULL, err);
	if (rc == 0 && ahead && strcmp(ahead, "t") == 0)
		rc = yh_err_set(err, YH_EINVAL, "held_on", "%s is in the future: the register records activities held",
			d);
	free(ahead);
	return rc;
}

/* Loads a record by public id, checking it is in the actor's scope. */
static int load(yh_db *db, const yh_actor *a, const char *id, yh_rows **rows, yh_err *err)
{
	char scope_buf[24];
	const char *p[2];
	int rc;

	*rows = NULL;
	if (id == NULL || yh_uuid_check(id, "id", NULL) != 0)
		return yh_err_set(err, YH_ENOTFOUND, "id", "no activity %.40s", id ? id : "");
	p[0] = id;
	p[1] = yh_actor_scope(a, scope_buf);
	rc = yh_db_query(db, rows, Q_GET, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(*rows) != 1)
		rc = yh_err_set(err, YH_ENOTFOUND, "id", "no activity %s", id);
	else if (strcmp(yh_rows_get(*rows, 0, "visible"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "the activity belongs to a unit outside your scope");
	if (rc != 0) {
		yh_rows_free(*rows);
		*rows = NULL;
	}
	return rc;
}

int yh_activity_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_eval_unit u;
	char uid[37];
	const char *fen = NULL, *p[11];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, NSPEC, in, 1, err);
	if (rc == 0)
		rc = funding(v, &fen, err);
	if (rc == 0)
		rc = check_type(db, yh_values_get(v, "type"), err);
	if (rc == 0)
		rc = held_past(db, v, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, yh_values_get(v, "unit"), &u, err);
	if (rc != 0)
		goto done;
	yh_uuid_new(uid);
	p[0] = uid;
	p[1] = yh_values_get(v, "type");
	p[2] = yh_values_get(v, "title");
	p[3] = yh_values_get(v, "held_on");
	p[4] = u.id_txt;
	p[5] = yh_values_get(v, "participants");
	p[6] = yh_values_get(v, "quantity");
	p[7] = fen;
	p[8] = yh_values_get(v, "evidence");
	p[9] = yh_values_get(v, "note");
	p[10] = a->username;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_db_exec(db, Q_INSERT, 11, p, err);
	if (rc >= 0)
		rc = yh_activity_get(db, a, uid, out, err);
	if (rc == 0)
		rc = yh_audit(db, a, "activity.add", "activity", uid, NULL, *out, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_values_free(v);
	return rc;
}

int yh_activity_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	yh_rows *rows = NULL;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = load(db, a, id, &rows, err);
	if (rc == 0) {
		*out = strdup(yh_rows_get(rows, 0, "doc"));
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	yh_rows_free(rows);
	return rc;
}

int yh_activity_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *rows = NULL;
	yh_eval_unit u;
	const char *fen = NULL, *p[19];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, NSPEC, in, 0, err);
	if (rc == 0)
		rc = funding(v, &fen, err);
	if (rc == 0 && yh_values_has(v, "type"))
		rc = check_type(db, yh_values_get(v, "type"), err);
	if (rc == 0)
		rc = held_past(db, v, err);
	if (rc == 0 && yh_values_has(v, "unit"))
		rc = yh_eval_unit_resolve(db, a, yh_values_get(v, "unit"), &u, err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = load(db, a, id, &rows, err);
	if (rc == 0) {
		p[0] = yh_rows_get(rows, 0, "id");
		for (size_t i = 0; i < 8; i++) {
			const char *name = spec[i].name;
			const char *val = yh_values_get(v, name);
			int has = yh_values_has(v, name);
			if (strcmp(name, "unit") == 0)
				val = has ? u.id_txt : NULL;
			if (strcmp(name, "funding_fen") == 0) {
				has = has || yh_values_has(v, "funding_yuan");
				val = fen;
			}
			p[1 + 2 * i] = has ? "t" : "f";
			p[2 + 2 * i] = val;
		}
		p[17] = yh_values_has(v, "note") ? "t" : "f";
		p[18] = yh_values_get(v, "note");
		rc = yh_db_exec(db, Q_UPDATE, 19, p, err);
	}
	if (rc >= 0)
		rc = yh_activity_get(db, a, id, out, err);
	if (rc == 0)
		rc = yh_audit(db, a, "activity.update", "activity", id, yh_rows_get(rows, 0, "doc"), *out, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_rows_free(rows);
	yh_values_free(v);
	return rc;
}

int yh_activity_delete(yh_db *db, const yh_actor *a, const char *id, yh_err *err)
{
	yh_rows *rows = NULL;
	const char *p[1];
	int rc;

	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc != 0)
		return rc;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = load(db, a, id, &rows, err);
	if (rc == 0) {
		p[0] = yh_rows_get(rows, 0, "id");
		rc = yh_db_exec(db, Q_DELETE, 1, p, err);
	}
	if (rc >= 0)
		rc = yh_audit(db, a, "activity.delete", "activity", id, yh_rows_get(rows, 0, "doc"), NULL, err);
	rc = yh_db_end(db, rc, err);
	yh_rows_free(rows);
	return rc;
}

int yh_activity_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_eval_unit u;
	char from[16], to[16];
	const char *p[6];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_values_validate(&v, filter_spec, sizeof(filter_spec) / sizeof(filter_spec[0]), filter, 0, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, yh_values_get(v, "unit"), &u, err);
	if (rc != 0)
		goto done;
	p[0] = yh_values_get(v, "from");
	p[1] = yh_values_get(v, "to");
	if (yh_values_get(v, "year")) {
		if (p[0] || p[1]) {
			rc = yh_err_set(err, YH_EINVAL, "year", "give year or from/to, not both");
			goto done;
		}
		snprintf(from, sizeof(from), "%s-01-01", yh_values_get(v, "year"));
		snprintf(to, sizeof(to), "%s-12-31", yh_values_get(v, "year"));
		p[0] = from;
		p[1] = to;
	}
	p[2] = yh_values_get(v, "type");
	p[3] = u.id_txt;
	p[4] = yh_values_get(v, "limit") ? yh_values_get(v, "limit") : "100";
	p[5] = yh_values_get(v, "offset") ? yh_values_get(v, "offset") : "0";
	rc = yh_db_query_text(db, out, Q_LIST, 6, p, NULL, err);
done:
	yh_values_free(v);
	return rc;
}

static int check_range(const char *from, const char *to, yh_err *err)
{
	int y, m, d;

	if (from == NULL || yh_date_parse_ymd(from, &y, &m, &d, err, "from") != 0)
		return yh_err_set(err, YH_EINVAL, "from", "a date YYYY-MM-DD is required");
	if (to == NULL || yh_date_parse_ymd(to, &y, &m, &d, err, "to") != 0)
		return yh_err_set(err, YH_EINVAL, "to", "a date YYYY-MM-DD is required");
	return 0;
}

int yh_activity_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err)
{
	yh_eval_unit u;
	const char *p[3];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = check_range(from, to, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	p[0] = from;
	p[1] = to;
	p[2] = u.id_txt;
	return yh_db_query_text(db, out, Q_FIGURES, 3, p, NULL, err);
}

int yh_activity_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	char type[48];
	const char *dot, *p[4];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = check_range(from, to, err);
	if (rc != 0)
		return rc;
	dot = code && strncmp(code, "activities.", 11) == 0 ? strchr(code + 11, '.') : NULL;
	if (dot == NULL || (size_t)(dot - code - 11) >= sizeof(type))
		return yh_err_set(err, YH_ENOTFOUND, "code", "no activity figure \"%.60s\"", code ? code : "");
	memcpy(type, code + 11, (size_t)(dot - code - 11));
	type[dot - code - 11] = '\0';
	rc = check_type(db, type, err);
	if (rc == YH_EINVAL)
		return yh_err_set(err, YH_ENOTFOUND, "code", "no activity figure \"%.60s\"", code);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	p[0] = type;
	p[1] = from;
	p[2] = to;
	p[3] = u.id_txt;
	return yh_db_query_text(db, out, Q_RECORDS, 4, p, NULL, err);
}
