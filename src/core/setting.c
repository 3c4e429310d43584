/*
 * Settings (yh.setting): listing, and setting a dated value with its audit
 * row. The rules read them with yh.setting_int/setting_text as of the day
 * they apply to, so a new value never changes what was computed for days
 * before its valid_from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/audit.h"
#include "yinhui/setting.h"

static const char Q_LIST[] =
	"SELECT coalesce(json_agg(json_build_object('key', s.key, 'valid_from', s.valid_from, 'value', s.value,"
	" 'note', s.note, 'current', s.valid_from = (SELECT max(c.valid_from) FROM yh.setting c"
	"  WHERE c.key = s.key AND c.valid_from <= yh.today())) ORDER BY s.key, s.valid_from), '[]')::text"
	" FROM yh.setting s";
static const char Q_EXISTS[] = "SELECT count(*)::text FROM yh.setting WHERE key = $1";
static const char Q_BEFORE[] =
	"SELECT json_build_object('key', key, 'valid_from', valid_from, 'value', value, 'note', note)::text"
	" FROM yh.setting WHERE key = $1 AND valid_from = coalesce($2::date, yh.today())";
static const char Q_UPSERT[] =
	"INSERT INTO yh.setting AS s (key, valid_from, value, note)"
	" VALUES ($1, coalesce($2::date, yh.today()), $3,"
	"  coalesce($4, (SELECT o.note FROM yh.setting o WHERE o.key = $1 ORDER BY o.valid_from DESC LIMIT 1)))"
	" ON CONFLICT (key, valid_from) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note"
	" RETURNING json_build_object('key', s.key, 'valid_from', s.valid_from, 'value', s.value, 'note', s.note)::text";

static const yh_field_spec set_spec[] = {
	{ "key", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
	{ "value", YH_FT_TEXT, YH_F_REQUIRED, 200, NULL },
	{ "valid_from", YH_FT_DATE, 0, 0, NULL },
	{ "note", YH_FT_TEXT, 0, 500, NULL },
};

enum { V_INT, V_CHOICE, V_INT_LIST };

static const char *const age_basis[] = { "周岁", "虚岁", NULL };
static const char *const calendars[] = { "公历", "农历", NULL };
static const char *const feb29[] = { "02-28", "03-01", NULL };

/* What each setting the rules read may hold; the database's defaults are in the migrations. */
static const struct {
	const char *key;
	int kind;
	long long min, max;
	const char *const *choices;
} rules[] = {
	{ "plan.review_months", V_INT, 1, 24, NULL },
	{ "obligation.illness_days", V_INT, 0, 90, NULL },
	{ "obligation.discharge_days", V_INT, 0, 90, NULL },
	{ "obligation.hardship_days", V_INT, 0, 90, NULL },
	{ "obligation.death_days", V_INT, 0, 90, NULL },
	{ "obligation.weather_days", V_INT, 0, 90, NULL },
	{ "obligation.grace_days", V_INT, 0, 366, NULL },
	{ "obligation.birthday_window_days", V_INT, 0, 60, NULL },
	{ "vulnerable.age", V_INT, 60, 120, NULL },
	{ "birthday.age_basis", V_CHOICE, 0, 0, age_basis },
	{ "birthday.calendar", V_CHOICE, 0, 0, calendars },
	{ "birthday.milestones", V_INT_LIST, 1, 150, NULL },
	{ "birthday.every_year_from", V_INT, 0, 150, NULL },
	{ "birthday.feb29", V_CHOICE, 0, 0, feb29 },
	{ "batch.meeting_threshold_fen", V_INT, 0, 100000000000000LL, NULL },
	{ "eval.qualitative.achieved_pct", V_INT, 0, 100, NULL },
	{ "eval.qualitative.partial_pct", V_INT, 0, 100, NULL },
	{ "eval.qualitative.not_achieved_pct", V_INT, 0, 100, NULL },
};

/* A whole decimal integer in [min, max]; *end past it. */
static int parse_int(const char *s, long long min, long long max, const char **end)
{
	char *e = NULL;
	long long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &e, 10);
	if (errno != 0 || n < min || n > max)
		return -1;
	*end = e;
	return 0;
}

static int check_value(const char *key, const char *value, yh_err *err)
{
	const char *end;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].key, key) != 0)
			continue;
		switch (rules[i].kind) {
		case V_INT:
			if (parse_int(value, rules[i].min, rules[i].max, &end) != 0 || *end != '\0')
				return yh_err_set(err, YH_EINVAL, "value", "%s must be a whole number from %lld to %lld", key,
					rules[i].min, rules[i].max);
			return 0;
		case V_CHOICE:
			for (const char *const *c = rules[i].choices; *c; c++)
				if (strcmp(*c, value) == 0)
					return 0;
			return yh_err_set(err, YH_EINVAL, "value", "%s must be %s or %s", key, rules[i].choices[0],
				rules[i].choices[1]);
		default: /* a comma-separated list of ages */
			for (const char *p = value;; p = end + 1) {
				if (parse_int(p, rules[i].min, rules[i].max, &end) != 0 || (*end != ',' && *end != '\0'))
					return yh_err_set(err, YH_EINVAL, "value",
						"%s must be ages from %lld to %lld separated by commas, e.g. 70,80,90", key,
						rules[i].min, rules[i].max);
				if (*end == '\0')
					return 0;
			}
		}
	}
	/* a setting added by a later module without a rule here: any short text */
	return value[0] != '\0' ? 0 : yh_err_set(err, YH_EINVAL, "value", "is required");
}

int yh_setting_list(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	(void)a; /* every role may see what tunes the rules it works under */
	*out = NULL;
	return yh_db_query_text(db, out, Q_LIST, 0, NULL, NULL, err);
}

int yh_setting_set(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	char *n = NULL, *before = NULL;
	const char *p[4];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_SETTINGS_MANAGE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, set_spec, sizeof(set_spec) / sizeof(set_spec[0]), in, 1, err);
	if (rc != 0)
		goto done;
	p[0] = yh_values_get(v, "key");
	p[1] = yh_values_get(v, "valid_from");
	p[2] = yh_values_get(v, "value");
	p[3] = yh_values_get(v, "note");
	rc = yh_db_query_text(db, &n, Q_EXISTS, 1, p, NULL, err);
	if (rc == 0 && (n == NULL || strcmp(n, "0") == 0))
		rc = yh_err_set(err, YH_EINVAL, "key", "no setting \"%.60s\" (yinhui setting list shows them)", p[0]);
	if (rc == 0)
		rc = check_value(p[0], p[2], err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_db_query_text(db, &before, Q_BEFORE, 2, p, NULL, err);
	if (rc == YH_ENOTFOUND) {
		yh_err_clear(err);
		rc = 0;
	}
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_UPSERT, 4, p, NULL, err);
	if (rc == 0)
		rc = yh_audit(db, a, "setting.set", "setting", p[0], before, *out, err);
	rc = yh_db_end(db, rc, err);
	if (rc != 0) {
		/* a failed commit too: the caller gets an error, never a stale answer */
		free(*out);
		*out = NULL;
	}
done:
	free(n);
	free(before);
	yh_values_free(v);
	return rc;
}
