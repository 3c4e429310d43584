/*
 * roster_record.c - one person's record: input fields, the rules that tie
 * them together (ID number, gender, birth date, category, dates) and the
 * normalised phones and emergency contacts. Shared by create, update and
 * import, so a row of a CSV file is checked exactly like an API request.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/roster_internal.h"
#include "yinhui/pii.h"
#include "yinhui/validate.h"

#define MAX_PHONES 10
#define MAX_CONTACTS 10
#define LIXIU_CUTOFF "1949-09-30"

static const char *const kinds[] = { "cadre", "survivor", NULL };
static const char *const genders[] = { "M", "F", "男", "女", NULL };
static const char *const categories[] = { "离休", "退休", "企业离休", "建国初期参加工作的退休干部", NULL };
static const char *const relationships[] = { "配偶", "子女", "父母", "其他", NULL };
static const char *const livings[] = { "独居", "空巢", "与子女同住", "养老机构", NULL };
static const char *const cares[] = { "自理", "半失能", "失能", NULL };

const yh_field_spec yh_roster_input[] = {
	{ "kind", YH_FT_ENUM, YH_F_NOPATCH | YH_F_NOTNULL, 0, kinds },
	{ "cadre", YH_FT_TEXT, YH_F_NOPATCH | YH_F_NOTNULL, 40, NULL }, /* id or ID number */
	{ "relationship", YH_FT_ENUM, 0, 0, relationships },
	{ "name", YH_FT_NAME, YH_F_REQUIRED | YH_F_NOTNULL, 0, NULL },
	{ "gender", YH_FT_ENUM, YH_F_NOTNULL, 0, genders },
	{ "id_number", YH_FT_IDNO, YH_F_REQUIRED | YH_F_NOTNULL, 0, NULL },
	{ "birth_date", YH_FT_DATE, YH_F_NOTNULL, 0, NULL },
	{ "category", YH_FT_ENUM, 0, 0, categories },
	{ "former_employer", YH_FT_TEXT, 0, 100, NULL },
	{ "rank", YH_FT_TEXT, 0, 40, NULL },
	{ "joined_on", YH_FT_DATE, 0, 0, NULL },
	{ "retired_on", YH_FT_DATE, 0, 0, NULL },
	{ "unit", YH_FT_TEXT, YH_F_NOTNULL, 60, NULL },
	{ "district", YH_FT_TEXT, 0, 40, NULL },
	{ "address", YH_FT_TEXT, 0, 200, NULL },
	{ "phones", YH_FT_JSON, 0, 0, NULL },
	{ "emergency_contacts", YH_FT_JSON, 0, 0, NULL },
	{ "living_situation", YH_FT_ENUM, 0, 0, livings },
	{ "care_level", YH_FT_ENUM, 0, 0, cares },
	{ "remote", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "party_member", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "added_on", YH_FT_DATE, YH_F_NOTNULL, 0, NULL },
	{ "note", YH_FT_TEXT, 0, 500, NULL },
};
const size_t yh_roster_ninput = sizeof(yh_roster_input) / sizeof(yh_roster_input[0]);

/* Positions in yh_roster_input: values are read by index, not by name (imports run this per row). */
enum {
	IN_KIND, IN_CADRE, IN_RELATIONSHIP, IN_NAME, IN_GENDER, IN_ID_NUMBER, IN_BIRTH_DATE, IN_CATEGORY,
	IN_FORMER_EMPLOYER, IN_RANK, IN_JOINED_ON, IN_RETIRED_ON, IN_UNIT, IN_DISTRICT, IN_ADDRESS, IN_PHONES,
	IN_EMERGENCY, IN_LIVING, IN_CARE, IN_REMOTE, IN_PARTY, IN_ADDED_ON, IN_NOTE, IN_COUNT
};

/* The column an input field is copied to as it is, or -1 when it needs work of its own. */
static const int input_col[IN_COUNT] = {
	[IN_KIND] = -1, [IN_CADRE] = -1, [IN_RELATIONSHIP] = RC_RELATIONSHIP, [IN_NAME] = RC_NAME,
	[IN_GENDER] = -1, [IN_ID_NUMBER] = -1, [IN_BIRTH_DATE] = RC_BIRTH_DATE, [IN_CATEGORY] = RC_CATEGORY,
	[IN_FORMER_EMPLOYER] = RC_FORMER_EMPLOYER, [IN_RANK] = RC_RANK, [IN_JOINED_ON] = RC_JOINED_ON,
	[IN_RETIRED_ON] = RC_RETIRED_ON, [IN_UNIT] = -1, [IN_DISTRICT] = RC_DISTRICT, [IN_ADDRESS] = RC_ADDRESS,
	[IN_PHONES] = -1, [IN_EMERGENCY] = -1, [IN_LIVING] = RC_LIVING, [IN_CARE] = RC_CARE, [IN_REMOTE] = RC_REMOTE,
	[IN_PARTY] = RC_PARTY, [IN_ADDED_ON] = RC_ADDED_ON, [IN_NOTE] = RC_NOTE,
};

_Static_assert(sizeof(yh_roster_input) / sizeof(yh_roster_input[0]) == IN_COUNT, "IN_* must follow yh_roster_input");

#define HAS(v, i) ((v)->present[i] != 0)
#define VAL(v, i) ((v)->present[i] ? (v)->val[i] : NULL)

const yh_field_spec yh_roster_cols[RC_COUNT] = {
	[RC_NAME] = { "name", YH_FT_TEXT, 0, 0, NULL },
	[RC_GENDER] = { "gender", YH_FT_TEXT, 0, 0, NULL },
	[RC_ID_BIDX] = { "id_bidx", YH_FT_TEXT, 0, 0, NULL },
	[RC_ID_CIPHER] = { "id_cipher", YH_FT_TEXT, 0, 0, NULL },
	[RC_ID_MASKED] = { "id_masked", YH_FT_TEXT, 0, 0, NULL },
	[RC_ID_LEGACY] = { "id_legacy", YH_FT_TEXT, 0, 0, NULL },
	[RC_BIRTH_DATE] = { "birth_date", YH_FT_TEXT, 0, 0, NULL },
	[RC_CATEGORY] = { "category", YH_FT_TEXT, 0, 0, NULL },
	[RC_FORMER_EMPLOYER] = { "former_employer", YH_FT_TEXT, 0, 0, NULL },
	[RC_RANK] = { "rank", YH_FT_TEXT, 0, 0, NULL },
	[RC_JOINED_ON] = { "joined_on", YH_FT_TEXT, 0, 0, NULL },
	[RC_RETIRED_ON] = { "retired_on", YH_FT_TEXT, 0, 0, NULL },
	[RC_UNIT_ID] = { "unit_id", YH_FT_TEXT, 0, 0, NULL },
	[RC_DISTRICT] = { "district", YH_FT_TEXT, 0, 0, NULL },
	[RC_ADDRESS] = { "address", YH_FT_TEXT, 0, 0, NULL },
	[RC_PHONES] = { "phones", YH_FT_TEXT, 0, 0, NULL },
	[RC_EMERGENCY] = { "emergency_contacts", YH_FT_TEXT, 0, 0, NULL },
	[RC_LIVING] = { "living_situation", YH_FT_TEXT, 0, 0, NULL },
	[RC_CARE] = { "care_level", YH_FT_TEXT, 0, 0, NULL },
	[RC_REMOTE] = { "remote", YH_FT_TEXT, 0, 0, NULL },
	[RC_PARTY] = { "party_member", YH_FT_TEXT, 0, 0, NULL },
	[RC_ADDED_ON] = { "added_on", YH_FT_TEXT, 0, 0, NULL },
	[RC_NOTE] = { "note", YH_FT_TEXT, 0, 0, NULL },
	[RC_RELATIONSHIP] = { "relationship", YH_FT_TEXT, 0, 0, NULL },
};

void yh_roster_rec_init(yh_person_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->kind, sizeof(r->kind), "cadre");
}

void yh_roster_rec_dispose(yh_person_rec *r)
{
	for (int i = 0; i < RC_COUNT; i++) {
		free(r->val[i]);
		r->val[i] = NULL;
	}
}

/* Replaces column i with a copy of s (NULL = SQL NULL) and marks it set. */
static int put(yh_person_rec *r, enum yh_rc i, const char *s, yh_err *err)
{
	char *copy = NULL;

	if (s != NULL) {
		copy = strdup(s);
		if (copy == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	free(r->val[i]);
	r->val[i] = copy;
	r->set[i] = 1;
	return 0;
}

int yh_roster_rec_load(yh_person_rec *r, const yh_rows *rows, size_t row, yh_err *err)
{
	const char *v;

	yh_roster_rec_init(r);
	for (int i = 0; i < RC_COUNT; i++) {
		v = yh_rows_get(rows, row, yh_roster_cols[i].name);
		r->val[i] = v ? strdup(v) : NULL;
		if (v != NULL && r->val[i] == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	v = yh_rows_get(rows, row, "kind");
	snprintf(r->kind, sizeof(r->kind), "%s", v ? v : "cadre");
	v = yh_rows_get(rows, row, "deceased_on");
	snprintf(r->deceased_on, sizeof(r->deceased_on), "%s", v ? v : "");
	v = yh_rows_get(rows, row, "transferred_out_on");
	snprintf(r->transferred_out_on, sizeof(r->transferred_out_on), "%s", v ? v : "");
	return yh_pii_open(r->id18, sizeof(r->id18), r->val[RC_ID_CIPHER], err);
}

void yh_roster_today(char out[11])
{
	/* dates are Asia/Shanghai (UTC+8, no daylight saving since 1991), as the database session sees them */
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
		(unsigned)tm.tm_mday % 100u);
}

char *yh_roster_like_prefix(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 2), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

static const char Q_UNIT_SCOPE[] =
	"SELECT u.id, yh.in_scope(u.id, $2::bigint) AS ok FROM yh.unit u WHERE u.code = $1 OR u.uid::text = $1";

int yh_roster_unit(yh_db *db, const yh_actor *a, const char *code, const char *field, char out[24], yh_err *err)
{
	char buf[24];
	const char *p[2] = { code, yh_actor_scope(a, buf) };
	yh_rows *rows = NULL;
	int rc;

	rc = yh_db_query(db, &rows, Q_UNIT_SCOPE, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1)
		rc = yh_err_set(err, YH_EINVAL, field, "no unit \"%.60s\" (give a unit code, see yinhui unit list)", code);
	else if (strcmp(yh_rows_get(rows, 0, "ok"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, field, "unit \"%.60s\" is outside your units", code);
	else
		snprintf(out, 24, "%s", yh_rows_get(rows, 0, "id"));
	yh_rows_free(rows);
	return rc;
}

/* ---- phones and emergency contacts ---- */

/* Splits text at ; ； , ， 、 and line breaks into parts, trimmed of spaces. */
static int split_parts(const char *s, int (*each)(json_t *arr, const char *part, yh_err *err), json_t *arr,
	yh_err *err)
{
	static const char *const seps[] = { ";", "；", ",", "，", "、", "\n", "\r", NULL };
	char part[512];
	size_t n = 0;
	int rc = 0;

	for (const char *p = s;; ) {
		size_t sl = 0;
		for (int k = 0; seps[k] && *p; k++)
			if (strncmp(p, seps[k], strlen(seps[k])) == 0)
				sl = strlen(seps[k]);
		if (*p == '\0' || sl > 0) {
			while (n > 0 && (part[n - 1] == ' ' || part[n - 1] == '\t'))
				n--;
			part[n] = '\0';
			rc = n > 0 ? each(arr, part, err) : 0;
			if (rc != 0)
				return rc;
			n = 0;
			if (*p == '\0')
				break;
			p += sl;
			continue;
		}
		if (n == 0 && (*p == ' ' || *p == '\t')) {
			p++;
			continue;
		}
		if (n + 1 >= sizeof(part))
			return yh_err_set(err, YH_EINVAL, NULL, "an entry is too long");
		part[n++] = *p++;
	}
	return 0;
}

/* "label:number" or "number" -> {"number":..,"label":..} */
static int phone_part(json_t *arr, const char *part, yh_err *err)
{
	const char *colon = strstr(part, "：");
	size_t skip = 3;
	json_t *o = json_object();

	(void)err;
	if (colon == NULL) {
		colon = strchr(part, ':');
		skip = 1;
	}
	if (colon != NULL) {
		json_object_set_new(o, "number", json_string(colon + skip));
		json_object_set_new(o, "label", json_stringn(part, (size_t)(colon - part)));
	} else {
		json_object_set_new(o, "number", json_string(part));
	}
	json_array_append_new(arr, o);
	return 0;
}

/* "name/relationship/phone" -> {"name","relationship","phone"} */
static int contact_part(json_t *arr, const char *part, yh_err *err)
{
	const char *a = strchr(part, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	json_t *o;

	if (a == NULL || b == NULL || strchr(b + 1, '/') != NULL)
		return yh_err_set(err, YH_EINVAL, "emergency_contacts",
			"write each contact as 姓名/关系/电话 and separate contacts with ';'");
	o = json_object();
	json_object_set_new(o, "name", json_stringn(part, (size_t)(a - part)));
	json_object_set_new(o, "relationship", json_stringn(a + 1, (size_t)(b - a - 1)));
	json_object_set_new(o, "phone", json_string(b + 1));
	json_array_append_new(arr, o);
	return 0;
}

int yh_roster_fields_prepare(const yh_fields *in, yh_fields **out, yh_err *err)
{
	yh_fields *f = NULL;
	json_t *arr = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	if (yh_fields_find(in, "deceased_on") >= 0)
		return yh_err_set(err, YH_EINVAL, "deceased_on", "a death is recorded as an event"
			" ('yinhui event add --type death', POST /api/v1/events), which also closes the open work");
	if (yh_fields_find(in, "transferred_out_on") >= 0)
		return yh_err_set(err, YH_EINVAL, "transferred_out_on", "a transfer is recorded with"
			" 'yinhui cadre transfer-out' (POST /api/v1/cadres/{id}/transfer-out)");
	rc = yh_fields_new(&f);
	if (rc != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t i = 0; rc == 0 && i < yh_fields_count(in); i++) {
		const char *k = yh_fields_key(in, i), *v = yh_fields_value(in, i);
		yh_fv_kind kind = yh_fields_kind(in, i);
		int is_phones = strcmp(k, "phones") == 0, is_contacts = strcmp(k, "emergency_contacts") == 0;

		if ((is_phones || is_contacts) && kind == YH_FV_STRING) {
			arr = json_array();
			rc = split_parts(v, is_phones ? phone_part : contact_part, arr, err);
			if (rc != 0) {
				if (err && err->field[0] == '\0')
					snprintf(err->field, sizeof(err->field), "%s", k);
				break;
			}
			text = json_dumps(arr, JSON_COMPACT);
			json_decref(arr);
			arr = NULL;
			if (text == NULL) {
				rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				break;
			}
			rc = yh_fields_set(f, k, text, YH_FV_JSON, err);
			free(text);
			text = NULL;
		} else {
			rc = yh_fields_set(f, k, v, kind, err);
		}
	}
	json_decref(arr);
	if (rc != 0)
		yh_fields_free(f);
	else
		*out = f;
	return rc;
}

static int phones_normalize(char **out, const char *text, yh_err *err)
{
	json_t *in = json_loads(text, 0, NULL), *res = json_array(), *prim = NULL;
	char num[MAX_PHONES][YH_PHONE_BUFSZ];
	yh_err e;
	size_t n = 0, primary = 0, nprim = 0;
	int rc = 0;

	*out = NULL;
	yh_err_clear(&e);
	if (!json_is_array(in) || json_array_size(in) > MAX_PHONES) {
		rc = yh_err_set(err, YH_EINVAL, "phones", "must be a list of at most %d phones", MAX_PHONES);
		goto done;
	}
	for (size_t i = 0; i < json_array_size(in); i++) {
		json_t *it = json_array_get(in, i), *o, *number, *label = NULL, *isp = NULL;
		const char *key;
		json_t *val;

		if (json_is_string(it)) {
			number = it;
		} else if (json_is_object(it)) {
			json_object_foreach(it, key, val) {
				if (strcmp(key, "number") != 0 && strcmp(key, "label") != 0 && strcmp(key, "is_primary") != 0) {
					rc = yh_err_set(err, YH_EINVAL, "phones", "phone %zu: unknown key \"%.30s\"", i + 1, key);
					goto done;
				}
			}
			number = json_object_get(it, "number");
			label = json_object_get(it, "label");
			isp = json_object_get(it, "is_primary");
		} else {
			rc = yh_err_set(err, YH_EINVAL, "phones", "phone %zu: must be a number string or {number,label,is_primary}", i + 1);
			goto done;
		}
		if (!json_is_string(number) || yh_phone_normalize(num[n], sizeof(num[n]), json_string_value(number), &e) != 0) {
			rc = yh_err_set(err, YH_EINVAL, "phones", "phone %zu: %s", i + 1,
				json_is_string(number) ? e.msg : "number is required");
			goto done;
		}
		for (size_t j = 0; j < n; j++)
			if (strcmp(num[j], num[n]) == 0) {
				rc = yh_err_set(err, YH_EINVAL, "phones", "phone %s is listed twice", num[n]);
				goto done;
			}
		/* labels travel in "label:number;..." cells of the export, so they cannot hold its separators */
		if (label != NULL && !json_is_null(label) &&
		    (!json_is_string(label) || yh_text_check(json_string_value(label), 20, "phones", &e) != 0 ||
		     strpbrk(json_string_value(label), ":;,/\n") || strstr(json_string_value(label), "：") ||
		     strstr(json_string_value(label), "；") || strstr(json_string_value(label), "，") ||
		     strstr(json_string_value(label), "、"))) {
			rc = yh_err_set(err, YH_EINVAL, "phones",
				"phone %zu: label must be text of at most 20 characters without : ; , 、 or /", i + 1);
			goto done;
		}
		if (isp != NULL && !json_is_boolean(isp) && !json_is_null(isp)) {
			rc = yh_err_set(err, YH_EINVAL, "phones", "phone %zu: is_primary must be true or false", i + 1);
			goto done;
		}
		if (json_is_true(isp)) {
			nprim++;
			primary = n;
		}
		o = json_object();
		json_object_set_new(o, "number", json_string(num[n]));
		json_object_set_new(o, "label", (label && json_is_string(label) && *json_string_value(label)) ?
			json_string(json_string_value(label)) : json_null());
		json_object_set_new(o, "is_primary", json_false());
		json_array_append_new(res, o);
		n++;
	}
	if (nprim > 1) {
		rc = yh_err_set(err, YH_EINVAL, "phones", "only one phone can be the primary one");
		goto done;
	}
	/* canonical order: the primary phone first, so lists and exports show it */
	if (n > 0) {
		prim = json_incref(json_array_get(res, primary));
		json_object_set_new(prim, "is_primary", json_true());
		json_array_remove(res, primary);
		json_array_insert(res, 0, prim);
	}
	*out = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	json_decref(prim);
	json_decref(in);
	json_decref(res);
	return rc;
}

static int contacts_normalize(char **out, const char *text, yh_err *err)
{
	json_t *in = json_loads(text, 0, NULL), *res = json_array();
	yh_err e;
	int rc = 0;

	*out = NULL;
	yh_err_clear(&e);
	if (!json_is_array(in) || json_array_size(in) > MAX_CONTACTS) {
		rc = yh_err_set(err, YH_EINVAL, "emergency_contacts", "must be a list of at most %d contacts", MAX_CONTACTS);
		goto done;
	}
	for (size_t i = 0; i < json_array_size(in); i++) {
		json_t *it = json_array_get(in, i), *name, *rel, *phone, *o;
		char nbuf[YH_NAME_BUFSZ], pbuf[YH_PHONE_BUFSZ];
		const char *key;
		json_t *val;

		if (!json_is_object(it)) {
			rc = yh_err_set(err, YH_EINVAL, "emergency_contacts", "contact %zu: must be {name,relationship,phone}", i + 1);
			goto done;
		}
		json_object_foreach(it, key, val) {
			if (strcmp(key, "name") != 0 && strcmp(key, "relationship") != 0 && strcmp(key, "phone") != 0) {
				rc = yh_err_set(err, YH_EINVAL, "emergency_contacts", "contact %zu: unknown key \"%.30s\"", i + 1, key);
				goto done;
			}
		}
		name = json_object_get(it, "name");
		rel = json_object_get(it, "relationship");
		phone = json_object_get(it, "phone");
		if (!json_is_string(name) || yh_name_normalize(nbuf, sizeof(nbuf), json_string_value(name), &e) != 0) {
			rc = yh_err_set(err, YH_EINVAL, "emergency_contacts", "contact %zu: %s", i + 1,
				json_is_string(name) ? e.msg : "name is required");
			goto done;
		}
		if (!json_is_string(rel) || *json_string_value(rel) == '\0' ||
		    yh_text_check(json_string_value(rel), 20, "relationship", &e) != 0 ||
		    strpbrk(json_string_value(rel), "/;,\n") || strstr(json_string_value(rel), "；") ||
		    strstr(json_string_value(rel), "，") || strstr(json_string_value(rel), "、")) {
			rc = yh_err_set(err, YH_EINVAL, "emergency_contacts",
				"contact %zu: relationship is required (e.g. 儿子, 女儿, 配偶), at most 20 characters"
				" without / ; , or 、", i + 1);
			goto done;
		}
		if (!json_is_string(phone) || yh_phone_normalize(pbuf, sizeof(pbuf), json_string_value(phone), &e) != 0) {
			rc = yh_err_set(err, YH_EINVAL, "emergency_contacts", "contact %zu: %s", i + 1,
				json_is_string(phone) ? e.msg : "phone is required");
			goto done;
		}
		o = json_object();
		json_object_set_new(o, "name", json_string(nbuf));
		json_object_set_new(o, "relationship", json_string(json_string_value(rel)));
		json_object_set_new(o, "phone", json_string(pbuf));
		json_array_append_new(res, o);
	}
	*out = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	json_decref(in);
	json_decref(res);
	return rc;
}

/* ---- the ID number and what follows from it ---- */

static int set_idno(yh_person_rec *r, const char *id18, const char *raw, yh_err *err)
{
	char bidx[YH_PII_BIDX_HEX], masked[19], *sealed = NULL;
	char trimmed[32];
	size_t n;
	int rc;

	/* the IDNO field type has upgraded a 15-digit number; remember that it was one */
	snprintf(trimmed, sizeof(trimmed), "%s", raw ? raw : "");
	n = strlen(trimmed);
	while (n > 0 && trimmed[n - 1] == ' ')
		trimmed[--n] = '\0';
	rc = yh_pii_bidx(bidx, "idno", id18, err);
	if (rc == 0)
		rc = yh_pii_seal(&sealed, id18, err);
	if (rc != 0)
		return rc;
	yh_idno_mask(masked, id18);
	snprintf(r->id18, sizeof(r->id18), "%s", id18);
	rc = put(r, RC_ID_BIDX, bidx, err);
	if (rc == 0)
		rc = put(r, RC_ID_CIPHER, sealed, err);
	if (rc == 0)
		rc = put(r, RC_ID_MASKED, masked, err);
	if (rc == 0)
		rc = put(r, RC_ID_LEGACY, n == 15 ? "t" : "f", err);
	free(sealed);
	return rc;
}

/* Gender and birth date must agree with the ID number; absent ones are taken from it. */
static int check_against_id(yh_person_rec *r, const yh_values *v, int derive, yh_err *err)
{
	char birth[11], gender[2] = { 0 };
	int y, m, d, rc = 0;

	if (yh_idno_birth(r->id18, &y, &m, &d) != 0)
		return yh_err_set(err, YH_EINTERNAL, "id_number", "stored ID number is malformed");
	snprintf(birth, sizeof(birth), "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
	gender[0] = yh_idno_gender(r->id18);
	if (r->val[RC_BIRTH_DATE] == NULL || strcmp(r->val[RC_BIRTH_DATE], birth) != 0) {
		if (HAS(v, IN_BIRTH_DATE))
			return yh_err_set(err, YH_EINVAL, "birth_date",
				"birth date %s does not agree with the ID number, which says %s",
				r->val[RC_BIRTH_DATE] ? r->val[RC_BIRTH_DATE] : "-", birth);
		if (derive || r->val[RC_BIRTH_DATE] == NULL)
			rc = put(r, RC_BIRTH_DATE, birth, err);
	}
	if (rc == 0 && (r->val[RC_GENDER] == NULL || strcmp(r->val[RC_GENDER], gender) != 0)) {
		if (HAS(v, IN_GENDER))
			return yh_err_set(err, YH_EINVAL, "gender",
				"gender %s does not agree with the ID number (its 17th digit is %s: %s)",
				strcmp(r->val[RC_GENDER], "M") == 0 ? "男" : "女",
				gender[0] == 'M' ? "odd" : "even", gender[0] == 'M' ? "男" : "女");
		if (derive || r->val[RC_GENDER] == NULL)
			rc = put(r, RC_GENDER, gender, err);
	}
	return rc;
}

/* Dates in order: none in the future, joined after birth, retired after joining. */
static int check_dates(const yh_person_rec *r, const char *today, yh_err *err)
{
	static const struct {
		enum yh_rc col;
		const char *name;
	} dates[] = { { RC_JOINED_ON, "joined_on" }, { RC_RETIRED_ON, "retired_on" }, { RC_ADDED_ON, "added_on" },
		      { RC_BIRTH_DATE, "birth_date" } };
	const char *birth = r->val[RC_BIRTH_DATE], *joined = r->val[RC_JOINED_ON], *retired = r->val[RC_RETIRED_ON];

	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		if (r->set[dates[i].col] && r->val[dates[i].col] && strcmp(r->val[dates[i].col], today) > 0)
			return yh_err_set(err, YH_EINVAL, dates[i].name, "%s is in the future", r->val[dates[i].col]);
	if (birth && joined && strcmp(joined, birth) <= 0)
		return yh_err_set(err, YH_EINVAL, "joined_on", "joined_on %s is not after the birth date %s", joined, birth);
	if (birth && retired && strcmp(retired, birth) <= 0)
		return yh_err_set(err, YH_EINVAL, "retired_on", "retired_on %s is not after the birth date %s", retired, birth);
	if (joined && retired && strcmp(retired, joined) < 0)
		return yh_err_set(err, YH_EINVAL, "retired_on", "retired_on %s is before joined_on %s", retired, joined);
	if (r->deceased_on[0] && birth && strcmp(r->deceased_on, birth) < 0)
		return yh_err_set(err, YH_EINVAL, r->set[RC_ID_BIDX] ? "id_number" : "birth_date",
			"the birth date %s would fall after the recorded death on %s", birth, r->deceased_on);
	if (r->transferred_out_on[0] && r->val[RC_ADDED_ON] && strcmp(r->transferred_out_on, r->val[RC_ADDED_ON]) < 0)
		return yh_err_set(err, YH_EINVAL, "added_on", "added_on %s is after the transfer out on %s",
			r->val[RC_ADDED_ON], r->transferred_out_on);
	return 0;
}

/* Category rules: cadres have one, survivors none; 离休 needs joining by 1949-09-30. */
static int check_category(const yh_person_rec *r, yh_err *err)
{
	const char *cat = r->val[RC_CATEGORY], *joined = r->val[RC_JOINED_ON];

	if (strcmp(r->kind, "survivor") == 0) {
		if (cat != NULL)
			return yh_err_set(err, YH_EINVAL, "category", "a survivor has no cadre category");
		if (r->val[RC_RELATIONSHIP] == NULL)
			return yh_err_set(err, YH_EINVAL, "relationship", "is required for a survivor (配偶, 子女, 父母 or 其他)");
		return 0;
	}
	if (r->val[RC_RELATIONSHIP] != NULL)
		return yh_err_set(err, YH_EINVAL, "relationship", "only a survivor has a relationship to a cadre");
	if (cat == NULL)
		return yh_err_set(err, YH_EINVAL, "category", "is required for a cadre (离休, 退休, 企业离休 or 建国初期参加工作的退休干部)");
	if (strcmp(cat, "离休") == 0 || strcmp(cat, "企业离休") == 0) {
		if (joined == NULL)
			return yh_err_set(err, YH_EINVAL, "joined_on", "is required for a %s cadre (on or before " LIXIU_CUTOFF ")", cat);
		if (strcmp(joined, LIXIU_CUTOFF) > 0)
			return yh_err_set(err, YH_EINVAL, r->set[RC_CATEGORY] ? "category" : "joined_on",
				"%s requires joining work or the revolution on or before " LIXIU_CUTOFF
				" (joined_on is %s); 退休 or 建国初期参加工作的退休干部 may fit", cat, joined);
	}
	return 0;
}

int yh_roster_rec_apply(yh_person_rec *r, const yh_values *v, const char *raw_idno, const char *unit_id,
	int creating, const char *today, yh_err *err)
{
	const char *s;
	char *norm = NULL;
	int rc = 0, id_given;

	if (v->spec != yh_roster_input || v->n != IN_COUNT)
		return yh_err_set(err, YH_EINTERNAL, NULL, "person values of the wrong shape");
	id_given = HAS(v, IN_ID_NUMBER);
	if (HAS(v, IN_KIND))
		snprintf(r->kind, sizeof(r->kind), "%s", VAL(v, IN_KIND));
	for (int i = 0; rc == 0 && i < IN_COUNT; i++)
		if (input_col[i] >= 0 && HAS(v, i))
			rc = put(r, (enum yh_rc)input_col[i], VAL(v, i), err);
	if (rc == 0 && HAS(v, IN_GENDER)) {
		s = VAL(v, IN_GENDER);
		rc = put(r, RC_GENDER, (strcmp(s, "男") == 0 || strcmp(s, "M") == 0) ? "M" : "F", err);
	}
	if (rc == 0 && unit_id != NULL)
		rc = put(r, RC_UNIT_ID, unit_id, err);
	if (rc == 0 && HAS(v, IN_PHONES)) {
		s = VAL(v, IN_PHONES);
		rc = s ? phones_normalize(&norm, s, err) : 0;
		if (rc == 0)
			rc = put(r, RC_PHONES, norm ? norm : "[]", err);
		free(norm);
		norm = NULL;
	}
	if (rc == 0 && HAS(v, IN_EMERGENCY)) {
		s = VAL(v, IN_EMERGENCY);
		rc = s ? contacts_normalize(&norm, s, err) : 0;
		if (rc == 0)
			rc = put(r, RC_EMERGENCY, norm ? norm : "[]", err);
		free(norm);
		norm = NULL;
	}
	if (rc == 0 && id_given)
		rc = set_idno(r, VAL(v, IN_ID_NUMBER), raw_idno, err);
	if (rc == 0 && r->id18[0] == '\0')
		rc = yh_err_set(err, YH_EINVAL, "id_number", "is required");
	if (rc == 0)
		rc = check_against_id(r, v, creating || id_given, err);
	if (rc == 0 && creating && r->val[RC_ADDED_ON] == NULL)
		rc = put(r, RC_ADDED_ON, today, err);
	if (rc == 0)
		rc = check_dates(r, today, err);
	if (rc == 0)
		rc = check_category(r, err);
	return rc;
}
