/*
 * fuzz_json_fields.c - a request body through the JSON decoder
 * (yh_json_to_fields) and the field validator (yh_values_validate) against
 * a spec table with every field type, as both a create and a patch.
 *
 * Invariants: no crash, leak or UB; an accepted value is in normal form
 * (validating it again gives it back); error messages are one line of
 * valid UTF-8 (they end up in JSON replies, which jansson refuses
 * otherwise).
 */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "http/http.h"
#include "yinhui/calendar.h"
#include "yinhui/encoding.h"
#include "yinhui/fields.h"
#include "yinhui/money.h"
#include "yinhui/validate.h"

static const char *const occasions[] = { "illness", "birthday", "festival", "bereavement",
					 "hospital", "family", NULL };
static const char *const needs[] = { "meals", "medical", "housing", "transport", "company",
				     "legal", NULL };

/* One of every type, with the flags the modules use. */
static const yh_field_spec spec[] = {
	{ "name", YH_FT_NAME, YH_F_REQUIRED | YH_F_NOTNULL, 0, NULL },
	{ "id_number", YH_FT_IDNO, YH_F_REQUIRED | YH_F_NOPATCH, 0, NULL },
	{ "phone", YH_FT_PHONE, 0, 0, NULL },
	{ "birth_date", YH_FT_DATE, YH_F_NOTNULL, 0, NULL },
	{ "visited_at", YH_FT_TIMESTAMP, 0, 0, NULL },
	{ "amount", YH_FT_YUAN, 0, 0, NULL },
	{ "amount_fen", YH_FT_FEN, 0, 0, NULL },
	{ "count", YH_FT_INT, 0, 1000, NULL },
	{ "occasion", YH_FT_ENUM, 0, 0, occasions },
	{ "needs", YH_FT_ENUMSET, 0, 0, needs },
	{ "details", YH_FT_JSON, 0, 0, NULL },
	{ "note", YH_FT_TEXT, 0, 200, NULL },
	{ "active", YH_FT_BOOL, 0, 0, NULL },
	{ "unit_id", YH_FT_UUID, 0, 0, NULL },
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))

static int in_list(const char *const *choices, const char *s, size_t n)
{
	for (; *choices; choices++)
		if (strlen(*choices) == n && memcmp(*choices, s, n) == 0)
			return 1;
	return 0;
}

/* A non-negative decimal integer without sign, spaces or leading zeros. */
static int canonical_uint(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static void check_err(const yh_err *err, int rc)
{
	size_t len = strnlen(err->msg, sizeof(err->msg));

	FUZZ_CHECK(err->code == rc, "err code %d but rc %d", err->code, rc);
	FUZZ_CHECK(len > 0 && len < sizeof(err->msg), "empty or unterminated message");
	FUZZ_CHECK(strnlen(err->field, sizeof(err->field)) < sizeof(err->field), "field unterminated");
	FUZZ_CHECK(strpbrk(err->msg, "\r\n") == NULL, "message has a line break: %s", err->msg);
	FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err->msg, len) == len,
		   "message is not valid UTF-8: %s", err->msg);
	FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err->field, strlen(err->field)) == strlen(err->field),
		   "field is not valid UTF-8: %s", err->field);
}

/* An accepted value must be the normal form of its type. */
static void check_value(const yh_field_spec *sp, const char *v)
{
	char buf[YH_NAME_BUFSZ > 32 ? YH_NAME_BUFSZ : 32];
	yh_err err;
	int64_t n, again;
	yh_date dt;
	size_t len = strlen(v);
	json_t *j;

	yh_err_clear(&err);
	switch (sp->type) {
	case YH_FT_TEXT:
		FUZZ_CHECK(yh_text_check(v, (size_t)sp->max, sp->name, &err) == 0, "text: %s", err.msg);
		FUZZ_CHECK(yh_encoding_utf8_valid_prefix(v, len) == len, "text not UTF-8");
		break;
	case YH_FT_NAME:
		FUZZ_CHECK(yh_name_normalize(buf, sizeof(buf), v, &err) == 0, "name %s: %s", v, err.msg);
		FUZZ_CHECK(strcmp(buf, v) == 0, "name not idempotent: '%s' -> '%s'", v, buf);
		break;
	case YH_FT_IDNO:
		FUZZ_CHECK(len == 18, "idno length %zu", len);
		FUZZ_CHECK(yh_idno_normalize(buf, v, &err) == 0, "idno %s: %s", v, err.msg);
		FUZZ_CHECK(strcmp(buf, v) == 0, "idno not idempotent: %s -> %s", v, buf);
		break;
	case YH_FT_PHONE:
		FUZZ_CHECK(yh_phone_normalize(buf, sizeof(buf), v, &err) == 0, "phone %s: %s", v, err.msg);
		FUZZ_CHECK(strcmp(buf, v) == 0, "phone not idempotent: %s -> %s", v, buf);
		break;
	case YH_FT_DATE:
		FUZZ_CHECK(yh_date_parse(&dt, v, &err) == 0, "date %s: %s", v, err.msg);
		break;
	case YH_FT_TIMESTAMP:
		FUZZ_CHECK(len >= 16 && len < sizeof(buf), "timestamp %s", v);
		memcpy(buf, v, 10);
		buf[10] = '\0';
		FUZZ_CHECK(yh_date_parse(&dt, buf, &err) == 0, "timestamp %s: %s", v, err.msg);
		break;
	case YH_FT_BOOL:
		FUZZ_CHECK(strcmp(v, "t") == 0 || strcmp(v, "f") == 0, "bool %s", v);
		break;
	case YH_FT_INT:
	case YH_FT_FEN:
		FUZZ_CHECK(canonical_uint(v, &n), "int %s", v);
		FUZZ_CHECK(sp->max == 0 || n <= sp->max, "int %s over max", v);
		break;
	case YH_FT_YUAN:
		FUZZ_CHECK(canonical_uint(v, &n) && n <= YH_MONEY_MAX_FEN, "fen %s", v);
		yh_money_format_yuan(buf, n);
		FUZZ_CHECK(yh_money_parse_yuan(&again, buf, "x", &err) == 0 && again == n,
			   "fen %s formats as %s which does not parse back", v, buf);
		break;
	case YH_FT_ENUM:
		FUZZ_CHECK(in_list(sp->choices, v, len), "enum %s", v);
		break;
	case YH_FT_ENUMSET: {
		const char *p = v + 1, *q;

		FUZZ_CHECK(len >= 2 && v[0] == '{' && v[len - 1] == '}', "enumset %s", v);
		while (len > 2 && p < v + len - 1) {
			q = strpbrk(p, ",}");
			FUZZ_CHECK(q != NULL && in_list(sp->choices, p, (size_t)(q - p)), "enumset %s", v);
			p = q + 1;
		}
		break;
	}
	case YH_FT_JSON:
		j = json_loads(v, 0, NULL);
		FUZZ_CHECK(json_is_object(j) || json_is_array(j), "json %s", v);
		json_decref(j);
		break;
	case YH_FT_UUID:
		FUZZ_CHECK(yh_uuid_check(v, sp->name, &err) == 0, "uuid %s", v);
		break;
	}
}

static void validate(const yh_fields *f, int creating)
{
	yh_values *v = NULL;
	const char **params = NULL;
	yh_err err;
	size_t i;
	int rc;

	yh_err_clear(&err);
	rc = yh_values_validate(&v, spec, NSPEC, f, creating, &err);
	if (rc != 0) {
		FUZZ_CHECK(v == NULL, "values returned on error");
		FUZZ_CHECK(rc == YH_EINVAL || rc == YH_ETOOBIG, "unexpected code %d: %s", rc, err.msg);
		check_err(&err, rc);
		return;
	}
	FUZZ_CHECK(v != NULL && v->n == NSPEC, "no values");
	for (i = 0; i < NSPEC; i++) {
		int k = yh_fields_find(f, spec[i].name);

		FUZZ_CHECK(v->present[i] == (k >= 0), "%s: present %d but given %d", spec[i].name,
			   v->present[i], k >= 0);
		if (creating && (spec[i].flags & YH_F_REQUIRED))
			FUZZ_CHECK(v->present[i] && v->val[i] != NULL, "required %s missing", spec[i].name);
		if (!creating && (spec[i].flags & YH_F_NOPATCH))
			FUZZ_CHECK(!v->present[i], "patched NOPATCH %s", spec[i].name);
		FUZZ_CHECK(yh_values_has(v, spec[i].name) == v->present[i], "has %s", spec[i].name);
		FUZZ_CHECK(yh_values_get(v, spec[i].name) == v->val[i], "get %s", spec[i].name);
		if (v->val[i] != NULL)
			check_value(&spec[i], v->val[i]);
		else if (spec[i].flags & (YH_F_NOTNULL | YH_F_REQUIRED))
			FUZZ_CHECK(!v->present[i], "%s set to null", spec[i].name);
	}
	/* every given field is in the spec (unknown ones are refused) */
	for (i = 0; i < yh_fields_count(f); i++)
		FUZZ_CHECK(yh_values_index(v, yh_fields_key(f, i)) >= 0, "unknown %s accepted",
			   yh_fields_key(f, i));
	FUZZ_CHECK(yh_values_params(&params, v, &err) == 0, "params");
	for (i = 0; i < NSPEC; i++) {
		FUZZ_CHECK(strcmp(params[2 * i], v->present[i] ? "t" : "f") == 0, "param flag");
		FUZZ_CHECK(params[2 * i + 1] == v->val[i], "param value");
	}
	free(params);
	yh_values_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yh_fields *f = NULL;
	yh_err err;
	size_t i;
	int rc;

	yh_err_clear(&err);
	rc = yh_json_to_fields((const char *)data, size, &f, &err);
	if (rc != 0) {
		FUZZ_CHECK(f == NULL, "fields returned on error");
		FUZZ_CHECK(rc == YH_EBADREQ || rc == YH_EINVAL || rc == YH_ETOOBIG,
			   "unexpected code %d: %s", rc, err.msg);
		check_err(&err, rc);
		return 0;
	}
	FUZZ_CHECK(f != NULL, "no fields");
	for (i = 0; i < yh_fields_count(f); i++) {
		const char *k = yh_fields_key(f, i), *v = yh_fields_value(f, i);
		yh_fv_kind kind = yh_fields_kind(f, i);

		FUZZ_CHECK(strlen(k) > 0 && strlen(k) < 64, "key length %zu", strlen(k));
		FUZZ_CHECK((v == NULL) == (kind == YH_FV_NULL), "null/kind mismatch for %s", k);
		FUZZ_CHECK(yh_fields_find(f, k) == (int)i, "key %s not unique", k);
		if (v != NULL)
			FUZZ_CHECK(yh_encoding_utf8_valid_prefix(v, strlen(v)) == strlen(v),
				   "value of %s is not UTF-8", k);
	}
	validate(f, 1);
	validate(f, 0);
	yh_fields_free(f);
	return 0;
}
