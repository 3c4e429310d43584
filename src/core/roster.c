/*
 * roster.c - persons one at a time: create, show, update, list, search,
 * survivors and transfer out. Rules live in roster_record.c; this file
 * authorises, scopes, writes and audits.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roster_internal.h"
#include "yinhui/audit.h"
#include "yinhui/pii.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

/* One person by uid ($1) or ID-number blind index ($3), with scope ($2) and the current record. */
#define Q_FIND_BODY \
	"SELECT p.id, p.uid, yh.in_scope(p.unit_id, $2::bigint) AS ok," \
	" (SELECT u.code FROM yh.unit u WHERE u.id = p.unit_id) AS unit_code, " YH_PERSON_COLS "," \
	" " YH_PERSON_JSON "::text AS doc FROM yh.person p WHERE p.uid = $1::uuid OR p.id_bidx = $3::bytea"
static const char Q_FIND[] = Q_FIND_BODY;
static const char Q_FIND_LOCK[] = Q_FIND_BODY " FOR UPDATE OF p";

static const char Q_BY_BIDX[] =
	"SELECT p.uid, p.name, yh.in_scope(p.unit_id, $2::bigint) AS ok FROM yh.person p"
	" WHERE p.id_bidx = $1::bytea AND p.id IS DISTINCT FROM $3::bigint";

static const char Q_CADRE[] =
	"SELECT p.id, p.kind, p.unit_id, yh.in_scope(p.unit_id, $2::bigint) AS ok FROM yh.person p"
	" WHERE p.uid = $1::uuid OR p.id_bidx = $3::bytea";

static const char Q_INSERT[] =
	"INSERT INTO yh.person AS p (uid, kind, cadre_id, name, gender, id_bidx, id_cipher, id_masked, id_legacy,"
	" birth_date, category, former_employer, rank, joined_on, retired_on, unit_id, district, address, phones,"
	" emergency_contacts, living_situation, care_level, remote, party_member, added_on, note, relationship)"
	" VALUES ($1::uuid, $2, $3::bigint, $4, $5, $6::bytea, $7::bytea, $8, $9::bool, $10::date, $11, $12, $13,"
	" $14::date, $15::date, $16::bigint, $17, $18, coalesce($19::jsonb, '[]'), coalesce($20::jsonb, '[]'), $21,"
	" $22, coalesce($23::bool, false), coalesce($24::bool, false), $25::date, $26, $27)"
	" RETURNING " YH_PERSON_JSON "::text";

static const char Q_TRANSFER[] =
	"UPDATE yh.person AS p SET transferred_out_on = $2::date, transferred_to = $3, updated_at = now()"
	" WHERE p.id = $1::bigint RETURNING " YH_PERSON_JSON "::text";

static const char Q_SURVIVORS[] =
	"SELECT coalesce(json_agg(" YH_PERSON_ITEM " ORDER BY p.name, p.id), '[]')::text FROM yh.person p"
	" WHERE p.cadre_id = $1::bigint AND yh.in_scope(p.unit_id, $2::bigint)";

/* The UPDATE of a PATCH, built once from the column spec. */
static pthread_once_t update_once = PTHREAD_ONCE_INIT;
static char *q_update;

static void build_update(void)
{
	char *assign = NULL;
	size_t n;

	if (yh_sql_assignments(&assign, yh_roster_cols, RC_COUNT, 1) != 0)
		return;
	n = strlen(assign) + sizeof(YH_PERSON_JSON) + 128;
	q_update = malloc(n);
	if (q_update != NULL)
		snprintf(q_update, n, "UPDATE yh.person AS p SET %s, updated_at = now() WHERE p.id = $%d::bigint"
			" RETURNING " YH_PERSON_JSON "::text", assign, 2 * RC_COUNT + 1);
	free(assign);
}

/* A UUID is looked up by uid; anything else is tried as an ID number. */
static int find_person(yh_db *db, const yh_actor *a, const char *id, int lock, yh_rows **out, yh_err *err)
{
	char scope_buf[24], id18[YH_IDNO_BUFSZ], bidx[YH_PII_BIDX_HEX];
	const char *p[3] = { NULL, yh_actor_scope(a, scope_buf), NULL };
	yh_err ignored;
	int rc;

	*out = NULL;
	if (id == NULL || *id == '\0')
		return yh_err_set(err, YH_EINVAL, "id", "a person's id or ID number is required");
	if (yh_uuid_check(id, "id", &ignored) == 0) {
		p[0] = id;
	} else if (yh_idno_normalize(id18, id, &ignored) == 0) {
		rc = yh_pii_bidx(bidx, "idno", id18, err);
		if (rc != 0)
			return rc;
		p[2] = bidx;
	} else {
		return yh_err_set(err, YH_ENOTFOUND, NULL, "no person with id %.40s", id);
	}
	rc = yh_db_query(db, out, lock ? Q_FIND_LOCK : Q_FIND, 3, p, err);
	if (rc == 0 && yh_rows_count(*out) == 0)
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "no person with id %.40s", id);
	else if (rc == 0 && strcmp(yh_rows_get(*out, 0, "ok"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, NULL, "this person belongs to unit %s, outside your units",
			yh_rows_get(*out, 0, "unit_code"));
	if (rc != 0) {
		yh_rows_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Another person with the same ID number is a conflict named by its masked number. */
static int check_unique(yh_db *db, const yh_actor *a, const yh_person_rec *r, const char *self_id, yh_err *err)
{
	char scope_buf[24];
	const char *p[3] = { r->val[RC_ID_BIDX], yh_actor_scope(a, scope_buf), self_id };
	yh_rows *rows = NULL;
	int rc;

	rc = yh_db_query(db, &rows, Q_BY_BIDX, 3, p, err);
	if (rc == 0 && yh_rows_count(rows) > 0) {
		if (strcmp(yh_rows_get(rows, 0, "ok"), "t") == 0)
			rc = yh_err_set(err, YH_ECONFLICT, "id_number", "ID number %s is already on file for %s (id %s)",
				r->val[RC_ID_MASKED], yh_rows_get(rows, 0, "name"), yh_rows_get(rows, 0, "uid"));
		else
			rc = yh_err_set(err, YH_ECONFLICT, "id_number",
				"ID number %s is already on file for a person of another unit", r->val[RC_ID_MASKED]);
	}
	yh_rows_free(rows);
	return rc;
}

/* Fields -> validated values, via the text forms of phones and contacts. */
static int validate_input(const yh_fields *in, int creating, yh_values **v, yh_err *err)
{
	yh_fields *f = NULL;
	int rc;

	*v = NULL;
	rc = yh_roster_fields_prepare(in, &f, err);
	if (rc == 0)
		rc = yh_values_validate(v, yh_roster_input, yh_roster_ninput, f, creating, err);
	yh_fields_free(f);
	return rc;
}

/* A survivor's cadre (by id or ID number): must be a cadre the actor may see. Fills its id and unit. */
static int survivor_cadre(yh_db *db, const yh_actor *a, const char *uid, char id[24], char unit[24], yh_err *err)
{
	char scope_buf[24], id18[YH_IDNO_BUFSZ], bidx[YH_PII_BIDX_HEX];
	const char *p[3] = { NULL, yh_actor_scope(a, scope_buf), NULL };
	yh_rows *rows = NULL;
	yh_err ignored;
	int rc;

	if (uid == NULL)
		return yh_err_set(err, YH_EINVAL, "cadre", "a survivor needs the cadre's id or ID number (--cadre ID)");
	if (yh_uuid_check(uid, "cadre", &ignored) == 0) {
		p[0] = uid;
	} else if (yh_idno_normalize(id18, uid, &ignored) == 0) {
		rc = yh_pii_bidx(bidx, "idno", id18, err);
		if (rc != 0)
			return rc;
		p[2] = bidx;
	} else {
		return yh_err_set(err, YH_EINVAL, "cadre", "\"%.40s\" is neither a person's id nor an ID number", uid);
	}
	rc = yh_db_query(db, &rows, Q_CADRE, 3, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1)
		rc = yh_err_set(err, YH_EINVAL, "cadre", "no person with id %s", uid);
	else if (strcmp(yh_rows_get(rows, 0, "kind"), "cadre") != 0)
		rc = yh_err_set(err, YH_EINVAL, "cadre", "%s is a survivor, not a cadre", uid);
	else if (strcmp(yh_rows_get(rows, 0, "ok"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, "cadre", "the cadre belongs to a unit outside yours");
	if (rc == 0) {
		snprintf(id, 24, "%s", yh_rows_get(rows, 0, "id"));
		snprintf(unit, 24, "%s", yh_rows_get(rows, 0, "unit_id"));
	}
	yh_rows_free(rows);
	return rc;
}

int yh_roster_create(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_person_rec r;
	char uid[37], today[11], unit[24] = "", cadre_id[24] = "", cadre_unit[24] = "";
	const char *p[27], *kind;
	int rc, in_tx = 0;

	*out = NULL;
	yh_roster_rec_init(&r);
	rc = yh_authz(a, YH_P_ROSTER_WRITE, err);
	if (rc == 0)
		rc = validate_input(in, 1, &v, err);
	if (rc != 0)
		goto done;
	kind = yh_values_get(v, "kind") ? yh_values_get(v, "kind") : "cadre";
	if (strcmp(kind, "cadre") == 0 && yh_values_has(v, "cadre")) {
		rc = yh_err_set(err, YH_EINVAL, "cadre", "only a survivor is linked to a cadre (add --kind survivor)");
		goto done;
	}
	yh_roster_today(today);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	if (strcmp(kind, "survivor") == 0)
		rc = survivor_cadre(db, a, yh_values_get(v, "cadre"), cadre_id, cadre_unit, err);
	if (rc == 0 && yh_values_get(v, "unit"))
		rc = yh_roster_unit(db, a, yh_values_get(v, "unit"), "unit", unit, err);
	else if (rc == 0)
		snprintf(unit, sizeof(unit), "%s", cadre_unit[0] ? cadre_unit : "");
	if (rc == 0 && unit[0] == '\0')
		snprintf(unit, sizeof(unit), "%lld", (long long)a->unit_id);
	if (rc == 0)
		rc = yh_roster_rec_apply(&r, v, yh_fields_get(in, "id_number"), unit, 1, today, err);
	if (rc == 0)
		rc = check_unique(db, a, &r, NULL, err);
	if (rc != 0)
		goto done;
	yh_uuid_new(uid);
	p[0] = uid;
	p[1] = kind;
	p[2] = cadre_id[0] ? cadre_id : NULL;
	p[3] = r.val[RC_NAME];
	p[4] = r.val[RC_GENDER];
	p[5] = r.val[RC_ID_BIDX];
	p[6] = r.val[RC_ID_CIPHER];
	p[7] = r.val[RC_ID_MASKED];
	p[8] = r.val[RC_ID_LEGACY];
	p[9] = r.val[RC_BIRTH_DATE];
	p[10] = r.val[RC_CATEGORY];
	p[11] = r.val[RC_FORMER_EMPLOYER];
	p[12] = r.val[RC_RANK];
	p[13] = r.val[RC_JOINED_ON];
	p[14] = r.val[RC_RETIRED_ON];
	p[15] = r.val[RC_UNIT_ID];
	p[16] = r.val[RC_DISTRICT];
	p[17] = r.val[RC_ADDRESS];
	p[18] = r.val[RC_PHONES];
	p[19] = r.val[RC_EMERGENCY];
	p[20] = r.val[RC_LIVING];
	p[21] = r.val[RC_CARE];
	p[22] = r.val[RC_REMOTE];
	p[23] = r.val[RC_PARTY];
	p[24] = r.val[RC_ADDED_ON];
	p[25] = r.val[RC_NOTE];
	p[26] = r.val[RC_RELATIONSHIP];
	rc = yh_db_query_text(db, out, Q_INSERT, 27, p, NULL, err);
	if (rc == YH_ECONFLICT && err && strcmp(err->field, "person_id_number_unique") == 0)
		rc = yh_err_set(err, YH_ECONFLICT, "id_number", "ID number %s is already on file", r.val[RC_ID_MASKED]);
	if (rc == 0)
		rc = yh_audit(db, a, "person.create", "person", uid, NULL, *out, err);
	if (rc == 0) {
		in_tx = 0;
		rc = yh_db_commit(db, err);
	}
done:
	if (in_tx)
		yh_db_rollback(db);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_roster_rec_dispose(&r);
	yh_values_free(v);
	return rc;
}

/* Puts the full ID number into a person document. Caller frees *out. */
static int with_full_id(char **out, const char *doc, const char *id18, yh_err *err)
{
	json_t *d = json_loads(doc, 0, NULL);

	*out = NULL;
	if (d == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "person document is not JSON");
	json_object_set_new(d, "id_number", json_string(id18));
	*out = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	return *out ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
}

int yh_roster_show(yh_db *db, const yh_actor *a, const char *id, int reveal_idno, char **out, yh_err *err)
{
	yh_rows *rows = NULL;
	char id18[64];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc == 0 && reveal_idno)
		rc = yh_authz(a, YH_P_IDNO_READ, err);
	if (rc == 0)
		rc = find_person(db, a, id, 0, &rows, err);
	if (rc != 0)
		goto done;
	if (!reveal_idno) {
		*out = strdup(yh_rows_get(rows, 0, "doc"));
		rc = *out ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	rc = yh_pii_open(id18, sizeof(id18), yh_rows_get(rows, 0, "id_cipher"), err);
	if (rc == 0)
		rc = with_full_id(out, yh_rows_get(rows, 0, "doc"), id18, err);
	/* reading a full ID number is itself on the record */
	if (rc == 0)
		rc = yh_db_begin(db, err);
	if (rc == 0) {
		rc = yh_audit(db, a, "person.read_idno", "person", yh_rows_get(rows, 0, "uid"), NULL, NULL, err);
		rc = yh_db_end(db, rc, err);
	}
	memset(id18, 0, sizeof(id18));
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_rows_free(rows);
	return rc;
}

int yh_roster_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err)
{
	return yh_roster_show(db, a, id, 0, out, err);
}

int yh_roster_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL, cols;
	yh_rows *rows = NULL;
	yh_person_rec r;
	const char **params = NULL, **p = NULL;
	char today[11], unit[24];
	int rc, in_tx = 0;

	*out = NULL;
	yh_roster_rec_init(&r);
	rc = yh_authz(a, YH_P_ROSTER_WRITE, err);
	if (rc == 0)
		rc = validate_input(in, 0, &v, err);
	if (rc == 0 && yh_fields_count(in) == 0)
		rc = yh_err_set(err, YH_EINVAL, NULL, "nothing to change: give at least one field");
	if (rc == 0 && pthread_once(&update_once, build_update) == 0 && q_update == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc != 0)
		goto done;
	yh_roster_today(today);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	rc = find_person(db, a, id, 1, &rows, err);
	if (rc == 0)
		rc = yh_roster_rec_load(&r, rows, 0, err);
	if (rc == 0 && yh_values_get(v, "unit"))
		rc = yh_roster_unit(db, a, yh_values_get(v, "unit"), "unit", unit, err);
	if (rc == 0)
		rc = yh_roster_rec_apply(&r, v, yh_fields_get(in, "id_number"), yh_values_get(v, "unit") ? unit : NULL,
			0, today, err);
	if (rc == 0 && r.set[RC_ID_BIDX])
		rc = check_unique(db, a, &r, yh_rows_get(rows, 0, "id"), err);
	if (rc != 0)
		goto done;
	/* unchanged columns keep their value: only set[] ones are assigned */
	cols.n = RC_COUNT;
	cols.spec = yh_roster_cols;
	cols.val = r.val;
	cols.present = r.set;
	rc = yh_values_params(&params, &cols, err);
	if (rc != 0)
		goto done;
	p = calloc(2 * RC_COUNT + 1, sizeof(char *));
	if (p == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	memcpy(p, params, 2 * RC_COUNT * sizeof(char *));
	p[2 * RC_COUNT] = yh_rows_get(rows, 0, "id");
	rc = yh_db_query_text(db, out, q_update, 2 * RC_COUNT + 1, p, NULL, err);
	if (rc == YH_ECONFLICT && err && strcmp(err->field, "person_id_number_unique") == 0)
		rc = yh_err_set(err, YH_ECONFLICT, "id_number", "ID number %s is already on file", r.val[RC_ID_MASKED]);
	if (rc == 0)
		rc = yh_audit(db, a, "person.update", "person", yh_rows_get(rows, 0, "uid"), yh_rows_get(rows, 0, "doc"),
			*out, err);
	if (rc == 0) {
		in_tx = 0;
		rc = yh_db_commit(db, err);
	}
done:
	if (in_tx)
		yh_db_rollback(db);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(params);
	free(p);
	yh_rows_free(rows);
	yh_roster_rec_dispose(&r);
	yh_values_free(v);
	return rc;
}

int yh_roster_search(yh_db *db, const yh_actor *a, const char *q, int limit, char **out, yh_err *err)
{
	yh_fields *f = NULL;
	char lim[16];
	int rc;

	*out = NULL;
	if (q == NULL || *q == '\0')
		return yh_err_set(err, YH_EINVAL, "q", "give a name prefix or an ID number");
	snprintf(lim, sizeof(lim), "%d", limit > 0 && limit <= YH_ROSTER_PAGE_MAX ? limit : 50);
	rc = yh_fields_new(&f);
	if (rc == 0)
		rc = yh_fields_set(f, "q", q, YH_FV_STRING, err);
	if (rc == 0)
		rc = yh_fields_set(f, "kind", "all", YH_FV_STRING, err);
	if (rc == 0)
		rc = yh_fields_set(f, "limit", lim, YH_FV_STRING, err);
	if (rc == 0)
		rc = yh_roster_list(db, a, f, out, err);
	yh_fields_free(f);
	return rc;
}

int yh_roster_survivors(yh_db *db, const yh_actor *a, const char *cadre_id, char **out, yh_err *err)
{
	yh_rows *rows = NULL;
	char scope_buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc == 0)
		rc = find_person(db, a, cadre_id, 0, &rows, err);
	if (rc == 0 && strcmp(yh_rows_get(rows, 0, "kind"), "cadre") != 0)
		rc = yh_err_set(err, YH_EINVAL, "id", "this person is a survivor, not a cadre");
	if (rc == 0) {
		p[0] = yh_rows_get(rows, 0, "id");
		p[1] = yh_actor_scope(a, scope_buf);
		rc = yh_db_query_text(db, out, Q_SURVIVORS, 2, p, NULL, err);
	}
	yh_rows_free(rows);
	return rc;
}

int yh_roster_transfer_out(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "date", YH_FT_DATE, YH_F_REQUIRED | YH_F_NOTNULL, 0, NULL },
		{ "to", YH_FT_TEXT, 0, 100, NULL },
	};
	yh_values *v = NULL;
	yh_rows *rows = NULL;
	char today[11];
	const char *p[3], *date, *added;
	int rc, in_tx = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, 2, in, 1, err);
	if (rc != 0)
		goto done;
	yh_roster_today(today);
	date = yh_values_get(v, "date");
	if (strcmp(date, today) > 0) {
		rc = yh_err_set(err, YH_EINVAL, "date", "%s is in the future", date);
		goto done;
	}
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	rc = find_person(db, a, id, 1, &rows, err);
	if (rc != 0)
		goto done;
	added = yh_rows_get(rows, 0, "added_on");
	if (yh_rows_get(rows, 0, "deceased_on"))
		rc = yh_err_set(err, YH_ECONFLICT, "date", "this person died on %s", yh_rows_get(rows, 0, "deceased_on"));
	else if (yh_rows_get(rows, 0, "transferred_out_on"))
		rc = yh_err_set(err, YH_ECONFLICT, "date", "already transferred out on %s",
			yh_rows_get(rows, 0, "transferred_out_on"));
	else if (added && strcmp(date, added) < 0)
		rc = yh_err_set(err, YH_EINVAL, "date", "%s is before the person joined the roster (%s)", date, added);
	if (rc != 0)
		goto done;
	p[0] = yh_rows_get(rows, 0, "id");
	p[1] = date;
	p[2] = yh_values_get(v, "to");
	rc = yh_db_query_text(db, out, Q_TRANSFER, 3, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "person.transfer_out", "person", yh_rows_get(rows, 0, "uid"),
			yh_rows_get(rows, 0, "doc"), *out, err);
	if (rc == 0) {
		in_tx = 0;
		rc = yh_db_commit(db, err);
	}
done:
	if (in_tx)
		yh_db_rollback(db);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_rows_free(rows);
	yh_values_free(v);
	return rc;
}
