/*
 * fields.h - the neutral input of every write operation.
 *
 * Both front ends turn what the user sent (a JSON object, or --flags) into a
 * yh_fields bag of name -> text; the core validates it against a static
 * yh_field_spec table and gets normalised values back. So the same rules,
 * the same messages and the same field names apply to the API and the CLI.
 */
#ifndef YH_FIELDS_H
#define YH_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "yinhui/error.h"

typedef enum yh_fv_kind {
	YH_FV_NULL = 0, /* JSON null: clear the field */
	YH_FV_STRING,
	YH_FV_NUMBER,   /* JSON number, text as sent */
	YH_FV_BOOL,     /* "true" / "false" */
	YH_FV_JSON      /* nested array or object, compact JSON text */
} yh_fv_kind;

typedef struct yh_fields yh_fields;

int yh_fields_new(yh_fields **out);
void yh_fields_free(yh_fields *f);
/* Copies key and value. A repeated key is YH_EINVAL. value is ignored for YH_FV_NULL. */
int yh_fields_set(yh_fields *f, const char *key, const char *value, yh_fv_kind kind, yh_err *err);
size_t yh_fields_count(const yh_fields *f);
const char *yh_fields_key(const yh_fields *f, size_t i);
const char *yh_fields_value(const yh_fields *f, size_t i);
yh_fv_kind yh_fields_kind(const yh_fields *f, size_t i);
/* Index of key or -1. */
int yh_fields_find(const yh_fields *f, const char *key);
/* Value of key, NULL when absent or null. */
const char *yh_fields_get(const yh_fields *f, const char *key);

typedef enum yh_ftype {
	YH_FT_TEXT,      /* free text, max = characters */
	YH_FT_NAME,      /* a person's name (validate.h rules) */
	YH_FT_DATE,      /* YYYY-MM-DD */
	YH_FT_TIMESTAMP, /* ISO 8601 date-time; no zone means Asia/Shanghai */
	YH_FT_BOOL,
	YH_FT_INT,       /* integer, 0..max (max 0 = no upper bound) */
	YH_FT_FEN,       /* money as integer fen, >= 0 */
	YH_FT_YUAN,      /* money as yuan text with <= 2 decimals, stored as fen */
	YH_FT_ENUM,      /* one of choices */
	YH_FT_IDNO,      /* 居民身份证 number, normalised to 18 digits */
	YH_FT_PHONE,
	YH_FT_UUID,
	YH_FT_JSON,      /* nested JSON, checked by the module */
	YH_FT_ENUMSET    /* JSON array of distinct choices -> PostgreSQL text[] literal */
} yh_ftype;

#define YH_F_REQUIRED 0x1u /* must be given on create */
#define YH_F_NOPATCH 0x2u  /* fixed after create */
#define YH_F_NOTNULL 0x4u  /* may not be set to null */

typedef struct yh_field_spec {
	const char *name;
	yh_ftype type;
	unsigned flags;
	int64_t max;
	const char *const *choices; /* NULL-terminated, for ENUM/ENUMSET */
} yh_field_spec;

/* Validated values, parallel to the spec: present[i], and val[i] (NULL = set null). */
typedef struct yh_values {
	size_t n;
	const yh_field_spec *spec;
	char **val;
	unsigned char *present;
} yh_values;

/*
 * Validates in against spec. Unknown fields, missing required fields (when
 * creating), wrong types and bad values are YH_EINVAL naming the field.
 * *out is owned by the caller (yh_values_free).
 */
int yh_values_validate(yh_values **out, const yh_field_spec *spec, size_t nspec,
	const yh_fields *in, int creating, yh_err *err);
void yh_values_free(yh_values *v);
/* Index of the named spec field, or -1. */
int yh_values_index(const yh_values *v, const char *name);
/* Normalised value of name when present and not null, else NULL. */
const char *yh_values_get(const yh_values *v, const char *name);
int yh_values_has(const yh_values *v, const char *name);

/*
 * Parameters for the static statements built by yh_sql_*: for field i,
 * params[2i] = "t"/"f" (present) and params[2i+1] = value. Borrowed from v;
 * *out is freed with free().
 */
int yh_values_params(const char ***out, const yh_values *v, yh_err *err);

/*
 * Builds "col = CASE WHEN $k::bool THEN $k+1 ELSE col END, ..." for every
 * spec field, numbering parameters from first_param, matching
 * yh_values_params. Column names come from the static spec only. Caller
 * frees *out. Build once (e.g. with pthread_once) and reuse the text.
 */
int yh_sql_assignments(char **out, const yh_field_spec *spec, size_t nspec, int first_param);

#endif
