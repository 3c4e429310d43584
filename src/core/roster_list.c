/*
 * roster_list.c - the roster list: persons of a unit subtree in name order,
 * a page at a time, with the total.
 *
 * Two statements. The usual list (cadres, by unit, perhaps alive or active
 * only) is the function yh.roster_cadre_page (0069, 0075): it looks the
 * unit up, reads a subtree of one unit straight from person_cadre_unit_name
 * (unit_id, name, id) in order and a larger one a unit at a time, offset +
 * limit from each, merged and cut, and takes its total from
 * yh.person_tally (0067), a sum over the subtree's units, with a plan made
 * once per connection. Any other filter (age, category, name, ID number,
 * other kinds) takes the general statement: the matching persons of the
 * subtree sorted, and counted; its optional filters ("$n IS NULL OR ...")
 * are planned on every call (db.c), so an index serves the ones given.
 * Both return the total and the page's rows; the items' JSON is built here,
 * not by the database (1 ms of a 2 ms list in json_build_object, age and
 * subqueries for 50 persons). Measured in docs/performance.md "Session 3".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roster_internal.h"
#include "yinhui/pii.h"
#include "yinhui/validate.h"

/* The subtree's units: $1 (the unit asked for, or the caller's scope), all of them for NULL. */
#define UNITS \
	"WITH u AS (SELECT c.descendant AS id FROM yh.unit_closure c WHERE c.ancestor = $1::bigint" \
	" UNION ALL SELECT id FROM yh.unit WHERE $1::bigint IS NULL),"

/* One row for the total, joined with the page's persons (none past the end); names as in item_json(). */
#define PAGE_ROWS(total) \
	" SELECT " total " AS total, r.* FROM (SELECT 1) one LEFT JOIN (SELECT p.id, p.uid, p.kind, p.name, p.gender," \
	" p.id_masked, p.birth_date, p.category, p.rank, un.code AS unit, p.phones->0->>'number' AS phone," \
	" p.living_situation, p.care_level, p.remote, p.party_member, p.deceased_on, p.transferred_out_on," \
	" CASE WHEN p.cadre_id IS NOT NULL THEN (SELECT c.name FROM yh.person c WHERE c.id = p.cadre_id) END AS cadre," \
	" p.relationship FROM k JOIN yh.person p ON p.id = k.id JOIN yh.unit un ON un.id = p.unit_id) r ON true" \
	" ORDER BY r.name, r.id"

/*
 * The usual list: yh.roster_cadre_page (0069) resolves the unit, checks the
 * scope and reads the page one unit at a time with a plan kept per connection.
 * $1 caller's scope, $2 unit code or uid, $3 limit, $4 offset, $5 alive, $6 active (NULL: either)
 */
static const char Q_LIST_CADRES[] =
	"SELECT * FROM yh.roster_cadre_page($1::bigint, $2, $3::int, $4::int, $5::bool, $6::bool)";

/* $1 units, $2 limit, $3 offset, $4 alive, $5 active (NULL: either),
 * then $6 kind, $7 category, $8 min_age, $9 max_age, $10 age_on, $11 living_situation,
 * $12 care_level, $13 remote, $14 party_member, $15 name LIKE, $16 ID-number blind index */
static const char Q_LIST[] =
	UNITS
	" f AS (SELECT p.id, p.name FROM yh.person p WHERE p.unit_id IN (SELECT id FROM u)"
	" AND ($4::bool IS NULL OR (p.deceased_on IS NULL) = $4::bool)"
	" AND ($5::bool IS NULL OR (p.deceased_on IS NULL AND p.transferred_out_on IS NULL) = $5::bool)"
	" AND ($6::text IS NULL OR p.kind = $6) AND ($7::text IS NULL OR p.category = $7)"
	" AND ($8::int IS NULL OR p.birth_date <= ($10::date - make_interval(years => $8::int))::date)"
	" AND ($9::int IS NULL OR p.birth_date > ($10::date - make_interval(years => $9::int + 1))::date)"
	" AND ($11::text IS NULL OR p.living_situation = $11) AND ($12::text IS NULL OR p.care_level = $12)"
	" AND ($13::bool IS NULL OR p.remote = $13::bool) AND ($14::bool IS NULL OR p.party_member = $14::bool)"
	" AND ($15::text IS NULL OR p.name LIKE $15) AND ($16::bytea IS NULL OR p.id_bidx = $16::bytea)),"
	" k AS (SELECT id, name FROM f ORDER BY name, id LIMIT $2::int OFFSET $3::int)"
	PAGE_ROWS("(SELECT count(*) FROM f)");

/* The columns of both (PAGE_ROWS and yh.roster_cadre_page), in order. */
enum { C_TOTAL, C_ID, C_UID, C_KIND, C_NAME, C_GENDER, C_ID_MASKED, C_BIRTH, C_CATEGORY, C_RANK, C_UNIT, C_PHONE,
	C_LIVING, C_CARE, C_REMOTE, C_PARTY, C_DEAD, C_GONE, C_CADRE, C_RELATIONSHIP };

/* The items' keys in YH_PERSON_ITEM's order; col < 0: computed (age, alive, active). */
static const struct item_key {
	const char *key;
	int col;
	char type; /* 's' text, 'b' boolean, 'c' computed */
} item_keys[] = {
	{ "id", C_UID, 's' }, { "kind", C_KIND, 's' }, { "name", C_NAME, 's' }, { "gender", C_GENDER, 's' },
	{ "id_number", C_ID_MASKED, 's' }, { "birth_date", C_BIRTH, 's' }, { "age", -1, 'c' },
	{ "category", C_CATEGORY, 's' }, { "rank", C_RANK, 's' }, { "unit", C_UNIT, 's' }, { "phone", C_PHONE, 's' },
	{ "living_situation", C_LIVING, 's' }, { "care_level", C_CARE, 's' }, { "remote", C_REMOTE, 'b' },
	{ "party_member", C_PARTY, 'b' }, { "alive", -1, 'c' }, { "active", -1, 'c' }, { "deceased_on", C_DEAD, 's' },
	{ "transferred_out_on", C_GONE, 's' }, { "cadre", C_CADRE, 's' }, { "relationship", C_RELATIONSHIP, 's' },
};

/* "YYYY-MM-DD" -> y, m, d; 0 when it is not one. */
static int ymd(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	return 1;
}

/* Age in whole years on day d (yh.age_on); -1 when a date is missing. */
static int age_on(const char *birth, const char *d)
{
	int by, bm, bd, y, m, dd, age;

	if (birth == NULL || !ymd(birth, &by, &bm, &bd) || !ymd(d, &y, &m, &dd))
		return -1;
	age = y - by;
	if (m < bm || (m == bm && dd < bd))
		age--;
	return age;
}

/* One person as YH_PERSON_ITEM has it, keys in the same order. */
static json_t *item_json(const yh_rows *rows, size_t i, const char *today)
{
	const char *dead = yh_rows_value(rows, i, C_DEAD), *gone = yh_rows_value(rows, i, C_GONE);
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	for (size_t k = 0; k < sizeof(item_keys) / sizeof(item_keys[0]); k++) {
		const struct item_key *ik = &item_keys[k];
		const char *val = ik->col >= 0 ? yh_rows_value(rows, i, (size_t)ik->col) : NULL;
		json_t *j;
		if (ik->type == 'c' && strcmp(ik->key, "age") == 0) {
			int age = age_on(yh_rows_value(rows, i, C_BIRTH), dead ? dead : today);
			j = age >= 0 ? json_integer(age) : json_null();
		} else if (ik->type == 'c') {
			j = json_boolean(dead == NULL && (strcmp(ik->key, "alive") == 0 || gone == NULL));
		} else if (val == NULL) {
			j = json_null();
		} else {
			/* the connection's client_encoding is UTF8: PostgreSQL hands over valid UTF-8 only */
			j = ik->type == 'b' ? json_boolean(strcmp(val, "t") == 0) : json_stringn_nocheck(val, strlen(val));
		}
		if (json_object_set_new_nocheck(o, ik->key, j) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* {"items": [...], "total": N, "limit": L, "offset": O} from the statement's rows. */
static int page_json(const yh_rows *rows, const char *limit, const char *offset, const char *today, char **out,
	yh_err *err)
{
	json_t *doc = json_object(), *items = json_array();
	int rc = 0;

	if (doc == NULL || items == NULL || yh_rows_count(rows) == 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < yh_rows_count(rows); i++) {
		json_t *o;
		if (yh_rows_value(rows, i, C_UID) == NULL)
			continue; /* the total's row of a page past the end */
		o = item_json(rows, i, today);
		if (o == NULL || json_array_append_new(items, o) != 0) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			goto done;
		}
	}
	json_object_set_new(doc, "items", items);
	items = NULL;
	json_object_set_new(doc, "total", json_integer(atoll(yh_rows_value(rows, 0, C_TOTAL))));
	json_object_set_new(doc, "limit", json_integer(atoll(limit)));
	json_object_set_new(doc, "offset", json_integer(atoll(offset)));
	*out = json_dumps(doc, JSON_COMPACT);
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	json_decref(items);
	json_decref(doc);
	return rc;
}

int yh_roster_list(yh_db *db, const yh_actor *a, const yh_fields *filters, char **out, yh_err *err)
{
	static const char *const kinds[] = { "cadre", "survivor", "all", NULL };
	static const char *const categories[] = { "离休", "退休", "企业离休", "建国初期参加工作的退休干部", NULL };
	static const char *const livings[] = { "独居", "空巢", "与子女同住", "养老机构", NULL };
	static const char *const cares[] = { "自理", "半失能", "失能", NULL };
	static const yh_field_spec spec[] = {
		{ "unit", YH_FT_TEXT, 0, 60, NULL },
		{ "category", YH_FT_ENUM, 0, 0, categories },
		{ "kind", YH_FT_ENUM, 0, 0, kinds },
		{ "min_age", YH_FT_INT, 0, 150, NULL },
		{ "max_age", YH_FT_INT, 0, 150, NULL },
		{ "age_on", YH_FT_DATE, 0, 0, NULL },
		{ "living_situation", YH_FT_ENUM, 0, 0, livings },
		{ "care_level", YH_FT_ENUM, 0, 0, cares },
		{ "remote", YH_FT_BOOL, 0, 0, NULL },
		{ "party_member", YH_FT_BOOL, 0, 0, NULL },
		{ "alive", YH_FT_BOOL, 0, 0, NULL },
		{ "active", YH_FT_BOOL, 0, 0, NULL },
		{ "q", YH_FT_TEXT, 0, 60, NULL },
		{ "limit", YH_FT_INT, 0, YH_ROSTER_PAGE_MAX, NULL },
		{ "offset", YH_FT_INT, 0, 0, NULL },
	};
	/* filters the cadre statement cannot take */
	static const char *const general[] = { "category", "min_age", "max_age", "living_situation", "care_level",
		"remote", "party_member", "q", NULL };
	yh_values *v = NULL;
	yh_rows *rows = NULL;
	char scope_buf[24], unit[24], today[11], id18[YH_IDNO_BUFSZ], bidx[YH_PII_BIDX_HEX];
	char *like = NULL;
	const char *p[16], *q, *kind, *sql;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, sizeof(spec) / sizeof(spec[0]), filters, 1, err);
	if (rc == 0 && yh_values_get(v, "limit") && atoi(yh_values_get(v, "limit")) < 1)
		rc = yh_err_set(err, YH_EINVAL, "limit", "must be 1 to %d", YH_ROSTER_PAGE_MAX);
	if (rc == 0 && yh_values_get(v, "min_age") && yh_values_get(v, "max_age") &&
	    atoi(yh_values_get(v, "min_age")) > atoi(yh_values_get(v, "max_age")))
		rc = yh_err_set(err, YH_EINVAL, "min_age", "min_age is above max_age");
	if (rc != 0)
		goto done;
	yh_roster_today(today);
	memset(p, 0, sizeof(p));
	/* the subtree listed: the unit asked for (within the caller's), else the caller's own */
	p[0] = yh_actor_scope(a, scope_buf);
	kind = yh_values_get(v, "kind") ? yh_values_get(v, "kind") : "cadre";
	sql = strcmp(kind, "cadre") == 0 ? Q_LIST_CADRES : Q_LIST;
	for (int i = 0; general[i]; i++)
		if (yh_values_get(v, general[i]))
			sql = Q_LIST;
	if (sql == Q_LIST_CADRES) {
		const char *cp[6] = { p[0], yh_values_get(v, "unit"),
			yh_values_get(v, "limit") ? yh_values_get(v, "limit") : "50",
			yh_values_get(v, "offset") ? yh_values_get(v, "offset") : "0",
			yh_values_get(v, "alive"), yh_values_get(v, "active") };
		rc = yh_db_query(db, &rows, sql, 6, cp, err);
		if (rc == 0)
			rc = page_json(rows, cp[2], cp[3], today, out, err);
		goto done;
	}
	if (yh_values_get(v, "unit")) {
		rc = yh_roster_unit(db, a, yh_values_get(v, "unit"), "unit", unit, err);
		if (rc != 0)
			goto done;
		p[0] = unit;
	}
	p[1] = yh_values_get(v, "limit") ? yh_values_get(v, "limit") : "50";
	p[2] = yh_values_get(v, "offset") ? yh_values_get(v, "offset") : "0";
	p[3] = yh_values_get(v, "alive");
	p[4] = yh_values_get(v, "active");
	p[5] = strcmp(kind, "all") == 0 ? NULL : kind;
	p[6] = yh_values_get(v, "category");
	p[7] = yh_values_get(v, "min_age");
	p[8] = yh_values_get(v, "max_age");
	p[9] = yh_values_get(v, "age_on") ? yh_values_get(v, "age_on") : today;
	p[10] = yh_values_get(v, "living_situation");
	p[11] = yh_values_get(v, "care_level");
	p[12] = yh_values_get(v, "remote");
	p[13] = yh_values_get(v, "party_member");
	q = yh_values_get(v, "q");
	if (q != NULL) {
		size_t n = strspn(q, "0123456789Xx");
		yh_err e;
		/* something shaped like an ID number is matched exactly, never as a prefix */
		if ((strlen(q) == 18 || strlen(q) == 15) && n == strlen(q)) {
			yh_err_clear(&e);
			if (yh_idno_normalize(id18, q, &e) != 0) {
				rc = yh_err_set(err, YH_EINVAL, "q", "%s", e.msg);
				goto done;
			}
			rc = yh_pii_bidx(bidx, "idno", id18, err);
			if (rc != 0)
				goto done;
			p[15] = bidx;
		} else {
			like = yh_roster_like_prefix(q);
			if (like == NULL) {
				rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				goto done;
			}
			p[14] = like;
		}
	}
	rc = yh_db_query(db, &rows, sql, 16, p, err);
	if (rc == 0)
		rc = page_json(rows, p[1], p[2], today, out, err);
done:
	free(like);
	yh_rows_free(rows);
	yh_values_free(v);
	return rc;
}
