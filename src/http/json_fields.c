/* A JSON object request body -> the neutral yh_fields bag. Fuzzed by tests/fuzz/fuzz_json_fields.c. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"

int yh_json_to_fields(const char *buf, size_t len, yh_fields **out, yh_err *err)
{
	json_error_t jerr;
	json_t *root = NULL;
	const char *key;
	json_t *val;
	yh_fields *f = NULL;
	int rc = 0;

	*out = NULL;
	if (len == 0)
		return yh_err_set(err, YH_EBADREQ, NULL, "a JSON object body is required");
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		rc = yh_err_set(err, YH_EBADREQ, NULL, "malformed JSON at line %d column %d: %s",
			jerr.line, jerr.column, jerr.text);
		goto done;
	}
	if (!json_is_object(root)) {
		rc = yh_err_set(err, YH_EBADREQ, NULL, "the body must be a JSON object");
		goto done;
	}
	if (yh_fields_new(&f) != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	json_object_foreach(root, key, val) {
		char num[64];
		char *dump = NULL;

		if (strlen(key) == 0 || strlen(key) > 63) {
			rc = yh_err_set(err, YH_EINVAL, NULL, "bad field name");
			goto done;
		}
		switch (json_typeof(val)) {
		case JSON_STRING:
			rc = yh_fields_set(f, key, json_string_value(val), YH_FV_STRING, err);
			break;
		case JSON_INTEGER:
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(val));
			rc = yh_fields_set(f, key, num, YH_FV_NUMBER, err);
			break;
		case JSON_REAL:
			/* shortest faithful text; "12.345" then fails the 2-decimal money rule */
			snprintf(num, sizeof(num), "%.15g", json_real_value(val));
			rc = yh_fields_set(f, key, num, YH_FV_NUMBER, err);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			rc = yh_fields_set(f, key, json_is_true(val) ? "true" : "false", YH_FV_BOOL, err);
			break;
		case JSON_NULL:
			rc = yh_fields_set(f, key, NULL, YH_FV_NULL, err);
			break;
		default:
			dump = json_dumps(val, JSON_COMPACT);
			rc = dump ? yh_fields_set(f, key, dump, YH_FV_JSON, err) :
				    yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			free(dump);
			break;
		}
		if (rc != 0)
			goto done;
	}
	*out = f;
	f = NULL;
done:
	yh_fields_free(f);
	json_decref(root);
	return rc;
}

