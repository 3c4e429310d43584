#include "yinhui/fields.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/money.h"
#include "yinhui/validate.h"

#define MAX_FIELDS 128

struct yh_fields {
	size_t n;
	char *key[MAX_FIELDS];
	char *val[MAX_FIELDS];
	yh_fv_kind kind[MAX_FIELDS];
};

int yh_fields_new(yh_fields **out)
{
	/* not calloc: 3 KB zeroed twice per row of a roster import; only the first n slots are ever read */
	*out = malloc(sizeof(**out));
	if (*out == NULL)
		return YH_EINTERNAL;
	(*out)->n = 0;
	return 0;
}

void yh_fields_free(yh_fields *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->val[i]);
	}
	free(f);
}

int yh_fields_set(yh_fields *f, const char *key, const char *value, yh_fv_kind kind, yh_err *err)
{
	if (yh_fields_find(f, key) >= 0)
		return yh_err_set(err, YH_EINVAL, key, "field given twice");
	if (f->n == MAX_FIELDS)
		return yh_err_set(err, YH_ETOOBIG, key, "too many fields");
	f->key[f->n] = strdup(key);
	f->val[f->n] = (kind == YH_FV_NULL || value == NULL) ? NULL : strdup(value);
	if (f->key[f->n] == NULL || (kind != YH_FV_NULL && value != NULL && f->val[f->n] == NULL)) {
		free(f->key[f->n]);
		free(f->val[f->n]);
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	f->kind[f->n] = (value == NULL) ? YH_FV_NULL : kind;
	f->n++;
	return 0;
}

size_t yh_fields_count(const yh_fields *f)
{
	return f ? f->n : 0;
}

const char *yh_fields_key(const yh_fields *f, size_t i)
{
	return i < f->n ? f->key[i] : NULL;
}

const char *yh_fields_value(const yh_fields *f, size_t i)
{
	return i < f->n ? f->val[i] : NULL;
}

yh_fv_kind yh_fields_kind(const yh_fields *f, size_t i)
{
	return i < f->n ? f->kind[i] : YH_FV_NULL;
}

int yh_fields_find(const yh_fields *f, const char *key)
{
	if (f == NULL)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		if (f->key[i][0] == key[0] && strcmp(f->key[i], key) == 0)
			return (int)i;
	return -1;
}

const char *yh_fields_get(const yh_fields *f, const char *key)
{
	int i = yh_fields_find(f, key);

	return i < 0 ? NULL : f->val[i];
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int in_choices(const char *const *choices, const char *s)
{
	for (; choices && *choices; choices++)
		if (strcmp(*choices, s) == 0)
			return 1;
	return 0;
}

static int choices_msg(char *buf, size_t n, const char *const *choices)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; choices && *choices && off < n; choices++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? ", " : "", *choices);
	return 0;
}

/* ISO date-time: YYYY-MM-DD[T ]HH:MM[:SS][Z|+hh:mm] — shape checked here, range by the date parser. */
static int check_timestamp(const char *s, const char *field, yh_err *err)
{
	char date[11];
	int y, m, d, hh, mm, ss = 0;
	size_t len = strlen(s), i = 16;

	if (len < 16 || (s[10] != 'T' && s[10] != ' '))
		return yh_err_set(err, YH_EINVAL, field, "not a date and time (expected YYYY-MM-DDTHH:MM)");
	memcpy(date, s, 10);
	date[10] = '\0';
	if (yh_date_parse_ymd(date, &y, &m, &d, err, field) != 0)
		return YH_EINVAL;
	if (!isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]) || s[13] != ':' ||
	    !isdigit((unsigned char)s[14]) || !isdigit((unsigned char)s[15]))
		return yh_err_set(err, YH_EINVAL, field, "not a time (expected HH:MM)");
	hh = (s[11] - '0') * 10 + (s[12] - '0');
	mm = (s[14] - '0') * 10 + (s[15] - '0');
	if (s[i] == ':') {
		if (len < 19 || !isdigit((unsigned char)s[17]) || !isdigit((unsigned char)s[18]))
			return yh_err_set(err, YH_EINVAL, field, "bad seconds");
		ss = (s[17] - '0') * 10 + (s[18] - '0');
		i = 19;
		if (s[i] == '.') {
			i++;
			while (isdigit((unsigned char)s[i]) && i < 26)
				i++;
		}
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return yh_err_set(err, YH_EINVAL, field, "impossible time of day");
	if (s[i] == 'Z' && s[i + 1] == '\0')
		return 0;
	if ((s[i] == '+' || s[i] == '-') && strlen(s + i) == 6 && isdigit((unsigned char)s[i + 1]) &&
	    isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' && isdigit((unsigned char)s[i + 4]) &&
	    isdigit((unsigned char)s[i + 5]))
		return 0;
	if (s[i] == '\0')
		return 0;
	return yh_err_set(err, YH_EINVAL, field, "bad time zone suffix");
}

/* JSON array of distinct choices (or comma list from the CLI) -> "{a,b}". */
static int enumset(char **out, const yh_field_spec *sp, const char *s, yh_fv_kind kind, yh_err *err)
{
	const char *items[32];
	size_t n = 0, len = 3;
	json_t *arr = NULL;
	char *copy = NULL, *save = NULL, *tok, *buf = NULL;
	int rc = 0;
	char allowed[256];

	if (kind == YH_FV_JSON) {
		json_error_t jerr;
		arr = json_loads(s, 0, &jerr);
		if (!json_is_array(arr)) {
			rc = yh_err_set(err, YH_EINVAL, sp->name, "must be an array of strings");
			goto done;
		}
		for (size_t i = 0; i < json_array_size(arr); i++) {
			json_t *it = json_array_get(arr, i);
			if (!json_is_string(it) || n == 32) {
				rc = yh_err_set(err, YH_EINVAL, sp->name, "must be an array of strings");
				goto done;
			}
			items[n++] = json_string_value(it);
		}
	} else {
		char *fw;

		copy = strdup(s);
		if (copy == NULL) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			goto done;
		}
		/* a full-width comma (3 bytes) becomes ",  " so strtok splits on ASCII only */
		while ((fw = strstr(copy, "，")) != NULL)
			memcpy(fw, ",  ", 3);
		for (tok = strtok_r(copy, ", ", &save); tok && n < 32; tok = strtok_r(NULL, ", ", &save))
			if (*tok)
				items[n++] = tok;
	}
	for (size_t i = 0; i < n; i++) {
		if (!in_choices(sp->choices, items[i])) {
			choices_msg(allowed, sizeof(allowed), sp->choices);
			rc = yh_err_set(err, YH_EINVAL, sp->name, "unknown value \"%.40s\" (allowed: %s)", items[i], allowed);
			goto done;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				rc = yh_err_set(err, YH_EINVAL, sp->name, "value \"%.40s\" given twice", items[i]);
				goto done;
			}
		len += strlen(items[i]) + 1;
	}
	buf = malloc(len);
	if (buf == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	/* choices are static identifiers without quotes, commas or braces */
	strcpy(buf, "{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, items[i]);
	}
	strcat(buf, "}");
	*out = buf;
	buf = NULL;
done:
	json_decref(arr);
	free(copy);
	free(buf);
	return rc;
}

static int validate_one(char **out, const yh_field_spec *sp, const char *s, yh_fv_kind kind, yh_err *err)
{
	char buf[512];
	int64_t n;
	int y, m, d;

	*out = NULL;
	if (kind == YH_FV_JSON && sp->type != YH_FT_JSON && sp->type != YH_FT_ENUMSET)
		return yh_err_set(err, YH_EINVAL, sp->name, "must be a single value, not an array or object");
	switch (sp->type) {
	case YH_FT_TEXT:
		if (kind != YH_FV_STRING && kind != YH_FV_NUMBER)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a string");
		if (yh_text_check(s, sp->max ? (size_t)sp->max : 2000, sp->name, err) != 0)
			return YH_EINVAL;
		*out = strdup(s);
		break;
	case YH_FT_NAME:
		if (kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a string");
		if (yh_name_normalize(buf, sizeof(buf), s, err) != 0) {
			if (err)
				snprintf(err->field, sizeof(err->field), "%s", sp->name);
			return YH_EINVAL;
		}
		*out = strdup(buf);
		break;
	case YH_FT_DATE:
		if (kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a date string YYYY-MM-DD");
		if (yh_date_parse_ymd(s, &y, &m, &d, err, sp->name) != 0)
			return YH_EINVAL;
		*out = strdup(s);
		break;
	case YH_FT_TIMESTAMP:
		if (kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a date-time string");
		if (check_timestamp(s, sp->name, err) != 0)
			return YH_EINVAL;
		*out = strdup(s);
		break;
	case YH_FT_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "1") == 0)
			*out = strdup("t");
		else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "0") == 0)
			*out = strdup("f");
		else
			return yh_err_set(err, YH_EINVAL, sp->name, "must be true or false");
		break;
	case YH_FT_INT:
	case YH_FT_FEN:
		if (kind != YH_FV_NUMBER && kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be an integer");
		if (parse_int(s, &n) != 0)
			return yh_err_set(err, YH_EINVAL, sp->name, sp->type == YH_FT_FEN ?
				"must be a whole number of fen (分)" : "must be a whole number");
		if (n < 0)
			return yh_err_set(err, YH_EINVAL, sp->name, "must not be negative");
		if ((sp->max > 0 && n > sp->max) || (sp->type == YH_FT_FEN && n > 900000000000000LL))
			return yh_err_set(err, YH_EINVAL, sp->name, "too large (at most %lld)",
				(long long)(sp->max > 0 ? sp->max : 900000000000000LL));
		snprintf(buf, sizeof(buf), "%lld", (long long)n);
		*out = strdup(buf);
		break;
	case YH_FT_YUAN:
		if (kind != YH_FV_NUMBER && kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be an amount in yuan");
		if (yh_money_parse_yuan(&n, s, sp->name, err) != 0)
			return YH_EINVAL;
		if (n < 0)
			return yh_err_set(err, YH_EINVAL, sp->name, "must not be negative");
		snprintf(buf, sizeof(buf), "%lld", (long long)n);
		*out = strdup(buf);
		break;
	case YH_FT_ENUM:
		if (kind != YH_FV_STRING || !in_choices(sp->choices, s)) {
			char allowed[400];
			choices_msg(allowed, sizeof(allowed), sp->choices);
			return yh_err_set(err, YH_EINVAL, sp->name, "must be one of: %s", allowed);
		}
		*out = strdup(s);
		break;
	case YH_FT_IDNO:
		if (kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a string");
		if (yh_idno_normalize(buf, s, err) != 0) {
			if (err)
				snprintf(err->field, sizeof(err->field), "%s", sp->name);
			return YH_EINVAL;
		}
		*out = strdup(buf);
		break;
	case YH_FT_PHONE:
		if (kind != YH_FV_STRING)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be a string");
		if (yh_phone_normalize(buf, sizeof(buf), s, err) != 0) {
			if (err)
				snprintf(err->field, sizeof(err->field), "%s", sp->name);
			return YH_EINVAL;
		}
		*out = strdup(buf);
		break;
	case YH_FT_UUID:
		if (kind != YH_FV_STRING || yh_uuid_check(s, sp->name, err) != 0)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be an id (UUID)");
		*out = strdup(s);
		break;
	case YH_FT_JSON:
		if (kind != YH_FV_JSON)
			return yh_err_set(err, YH_EINVAL, sp->name, "must be an array or object");
		*out = strdup(s);
		break;
	case YH_FT_ENUMSET:
		return enumset(out, sp, s, kind, err);
	}
	if (*out == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	return 0;
}

int yh_values_validate(yh_values **out, const yh_field_spec *spec, size_t nspec,
	const yh_fields *in, int creating, yh_err *err)
{
	yh_values *v = NULL;
	int rc = 0;

	*out = NULL;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	v->n = nspec;
	v->spec = spec;
	v->val = calloc(nspec ? nspec : 1, sizeof(char *));
	v->present = calloc(nspec ? nspec : 1, 1);
	if (v->val == NULL || v->present == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < yh_fields_count(in); i++) {
		const char *key = yh_fields_key(in, i);
		size_t j;

		for (j = 0; j < nspec; j++)
			if (strcmp(spec[j].name, key) == 0)
				break;
		if (j == nspec) {
			rc = yh_err_set(err, YH_EINVAL, key, "unknown field");
			goto done;
		}
		if (!creating && (spec[j].flags & YH_F_NOPATCH)) {
			rc = yh_err_set(err, YH_EINVAL, key, "cannot be changed");
			goto done;
		}
		v->present[j] = 1;
		if (yh_fields_kind(in, i) == YH_FV_NULL) {
			if (spec[j].flags & (YH_F_NOTNULL | YH_F_REQUIRED)) {
				rc = yh_err_set(err, YH_EINVAL, key, "must not be null");
				goto done;
			}
			continue;
		}
		rc = validate_one(&v->val[j], &spec[j], yh_fields_value(in, i), yh_fields_kind(in, i), err);
		if (rc != 0)
			goto done;
	}
	if (creating)
		for (size_t j = 0; j < nspec; j++)
			if ((spec[j].flags & YH_F_REQUIRED) && !v->present[j]) {
				rc = yh_err_set(err, YH_EINVAL, spec[j].name, "is required");
				goto done;
			}
done:
	if (rc != 0)
		yh_values_free(v);
	else
		*out = v;
	return rc;
}

void yh_values_free(yh_values *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->val[i]);
	free(v->val);
	free(v->present);
	free(v);
}

int yh_values_index(const yh_values *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->spec[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *yh_values_get(const yh_values *v, const char *name)
{
	int i = yh_values_index(v, name);

	return (i < 0 || !v->present[i]) ? NULL : v->val[i];
}

int yh_values_has(const yh_values *v, const char *name)
{
	int i = yh_values_index(v, name);

	return i >= 0 && v->present[i];
}

int yh_values_params(const char ***out, const yh_values *v, yh_err *err)
{
	const char **p = calloc(2 * v->n + 1, sizeof(char *));

	*out = NULL;
	if (p == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		p[2 * i] = v->present[i] ? "t" : "f";
		p[2 * i + 1] = v->val[i];
	}
	*out = p;
	return 0;
}

int yh_sql_assignments(char **out, const yh_field_spec *spec, size_t nspec, int first_param)
{
	size_t cap = 64, len = 0;
	char *buf = malloc(cap);

	*out = NULL;
	if (buf == NULL)
		return YH_EINTERNAL;
	buf[0] = '\0';
	for (size_t i = 0; i < nspec; i++) {
		int p = first_param + 2 * (int)i;
		size_t need = 2 * strlen(spec[i].name) + 64;
		if (len + need >= cap) {
			char *nb;
			cap = 2 * (len + need);
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				return YH_EINTERNAL;
			}
			buf = nb;
		}
		/* column names come from the static spec table, never from input */
		len += (size_t)snprintf(buf + len, cap - len, "%s%s = CASE WHEN $%d::bool THEN $%d ELSE %s END",
			i ? ", " : "", spec[i].name, p, p + 1, spec[i].name);
	}
	*out = buf;
	return 0;
}
