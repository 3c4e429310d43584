/*
 * Festival rules (yh.festival_rule): list with each rule's date in a year,
 * add, and change, each change audited in its transaction. The dates come
 * from the calendar module (lunar festivals cannot be computed in SQL), so
 * they are worked out here and handed to the statements as parameters.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/audit.h"
#include "yinhui/calendar.h"
#include "yinhui/festival.h"

#define RULE_FIELDS \
	"'code', r.code, 'name', r.name, 'spec', r.spec, 'categories', r.categories, 'survivors', r.survivors," \
	" 'party_members_only', r.party_members_only, 'window_days', r.window_days, 'active', r.active, 'note', r.note"

static const char Q_YEAR[] = "SELECT to_char(yh.today(), 'YYYY')";
static const char Q_SPECS[] = "SELECT code, spec FROM yh.festival_rule ORDER BY code";
/* $1 year, $2 codes, $3 their dates in that year (same order; NULL = none) */
static const char Q_LIST[] =
	"SELECT coalesce(json_agg(json_build_object(" RULE_FIELDS ", 'year', $1::int, 'date', d.due) ORDER BY r.code),"
	" '[]')::text FROM yh.festival_rule r LEFT JOIN unnest($2::text[], $3::date[]) AS d(code, due) ON d.code = r.code";
static const char Q_SPEC[] = "SELECT spec FROM yh.festival_rule WHERE code = $1";
static const char Q_SPEC_LOCK[] = "SELECT spec FROM yh.festival_rule WHERE code = $1 FOR UPDATE";
static const char Q_ONE[] =
	"SELECT json_build_object(" RULE_FIELDS ", 'year', $2::int, 'date', $3::date)::text"
	" FROM yh.festival_rule r WHERE r.code = $1";
static const char Q_INSERT[] =
	"INSERT INTO yh.festival_rule (code, name, spec, categories, survivors, party_members_only, window_days,"
	" active, note) VALUES ($1, $2, $3, $4::text[], coalesce($5::bool, false), coalesce($6::bool, false),"
	" coalesce($7::int, 14), coalesce($8::bool, true), $9)";

static const char *const categories[] = { "离休", "退休", "企业离休", "建国初期参加工作的退休干部", NULL };

/*
 * The fields of a rule, named as the columns of yh.festival_rule: add takes
 * them all, a change all but the code (obligations carry it in their source).
 * name and spec are required on add unless the code is a built-in festival.
 */
static const yh_field_spec rule_spec[] = {
	{ "code", YH_FT_TEXT, YH_F_REQUIRED | YH_F_NOPATCH, 40, NULL },
	{ "name", YH_FT_TEXT, YH_F_NOTNULL, 40, NULL },
	{ "spec", YH_FT_TEXT, YH_F_NOTNULL, 40, NULL },
	{ "categories", YH_FT_ENUMSET, 0, 0, categories },
	{ "survivors", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "party_members_only", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "window_days", YH_FT_INT, YH_F_NOTNULL, 90, NULL },
	{ "active", YH_FT_BOOL, YH_F_NOTNULL, 0, NULL },
	{ "note", YH_FT_TEXT, 0, 500, NULL },
};
#define NRULE (sizeof(rule_spec) / sizeof(rule_spec[0]))

static const yh_field_spec list_spec[] = {
	{ "year", YH_FT_INT, 0, 2099, NULL },
};

static pthread_once_t update_once = PTHREAD_ONCE_INIT;
static char *update_sql;

static void build_update(void)
{
	char *assign = NULL;
	const char *head = "UPDATE yh.festival_rule SET ", *tail = " WHERE code = $1";

	/* the code is never present in a change, so its assignment keeps it */
	if (yh_sql_assignments(&assign, rule_spec, NRULE, 2) != 0)
		return;
	update_sql = malloc(strlen(head) + strlen(assign) + strlen(tail) + 1);
	if (update_sql)
		sprintf(update_sql, "%s%s%s", head, assign, tail);
	free(assign);
}

/* The code is the rule's name in obligations' source ("festival:<code>"), so it is plain and short. */
static int check_code(const char *code, yh_err *err)
{
	size_t n = strlen(code), i = 0;

	while (i < n && ((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
			    (i > 0 && (code[i] == '_' || code[i] == '-'))))
		i++;
	if (n == 0 || n > 40 || i < n)
		return yh_err_set(err, YH_EINVAL, "code",
			"must be 1-40 lowercase letters, digits, _ or -, starting with a letter or digit (e.g. guoqing)");
	return 0;
}

/* Name and spec, where given, are neither empty nor a date rule the calendar cannot read. */
static int check_rule(const yh_values *v, yh_err *err)
{
	const char *name = yh_values_get(v, "name"), *spec = yh_values_get(v, "spec");

	if (name && name[0] == '\0')
		return yh_err_set(err, YH_EINVAL, "name", "must not be empty");
	if (spec)
		return yh_calendar_rule_check(spec, err);
	return 0;
}

/*
 * The date spec falls on in year into out ("YYYY-MM-DD"; a lunar 腊月 day can
 * be in January of year + 1); NULL when it does not occur or cannot be read.
 */
static const char *date_in(char out[YH_DATE_BUFSZ], const char *spec, int year)
{
	yh_date dt;

	if (yh_calendar_rule_day(&dt, spec, year, NULL) != 0 || yh_date_format(out, YH_DATE_BUFSZ, dt, NULL) != 0)
		return NULL;
	return out;
}

/* The year asked for, or this year (Asia/Shanghai) when q holds none. */
static int year_of(yh_db *db, const yh_values *q, int *year, yh_err *err)
{
	char *today = NULL;
	int rc = 0;

	if (q && yh_values_get(q, "year")) {
		*year = atoi(yh_values_get(q, "year"));
		if (*year < 1901)
			return yh_err_set(err, YH_EINVAL, "year", "must lie within 1901..2099");
		return 0;
	}
	rc = yh_db_query_text(db, &today, Q_YEAR, 0, NULL, NULL, err);
	if (rc == 0)
		*year = atoi(today);
	free(today);
	return rc;
}

/* Rule code as JSON with its date this year; locks the row when lock is set. */
static int rule_json(yh_db *db, const char *code, int lock, char **out, yh_err *err)
{
	char *spec = NULL, ytxt[8], dtxt[YH_DATE_BUFSZ];
	const char *p[3];
	int year = 0, rc;

	*out = NULL;
	rc = year_of(db, NULL, &year, err);
	if (rc == 0) {
		p[0] = code;
		rc = yh_db_query_text(db, &spec, lock ? Q_SPEC_LOCK : Q_SPEC, 1, p, NULL, err);
	}
	if (rc == YH_ENOTFOUND)
		rc = yh_err_set(err, YH_ENOTFOUND, "code", "no festival rule \"%.40s\" (yinhui festival list shows them)",
			code);
	if (rc == 0) {
		snprintf(ytxt, sizeof(ytxt), "%d", year);
		p[1] = ytxt;
		p[2] = date_in(dtxt, spec, year);
		rc = yh_db_query_text(db, out, Q_ONE, 3, p, NULL, err);
	}
	free(spec);
	return rc;
}

/* Ends the transaction: commit when rc is 0, else roll back and drop *out. */
static int finish(yh_db *db, int rc, char **out, yh_err *err)
{
	rc = yh_db_end(db, rc, err);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int yh_festival_rule_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *rules = NULL;
	char *codes = NULL, *dates = NULL, ytxt[8];
	const char *p[3];
	int year = 0, rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0)
		rc = yh_values_validate(&v, list_spec, 1, q, 0, err);
	if (rc == 0)
		rc = year_of(db, v, &year, err);
	if (rc == 0)
		rc = yh_db_query(db, &rules, Q_SPECS, 0, NULL, err);
	if (rc != 0)
		goto done;
	/* array literals: codes are [a-z0-9_-] (a CHECK), dates YYYY-MM-DD or NULL */
	codes = malloc(yh_rows_count(rules) * 42 + 3);
	dates = malloc(yh_rows_count(rules) * 12 + 3);
	if (codes == NULL || dates == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	strcpy(codes, "{");
	strcpy(dates, "{");
	for (size_t i = 0; i < yh_rows_count(rules); i++) {
		char d[YH_DATE_BUFSZ];
		const char *dt = date_in(d, yh_rows_value(rules, i, 1), year);

		strcat(codes, i ? "," : "");
		strcat(codes, yh_rows_value(rules, i, 0));
		strcat(dates, i ? "," : "");
		strcat(dates, dt ? dt : "NULL");
	}
	strcat(codes, "}");
	strcat(dates, "}");
	snprintf(ytxt, sizeof(ytxt), "%d", year);
	p[0] = ytxt;
	p[1] = codes;
	p[2] = dates;
	rc = yh_db_query_text(db, out, Q_LIST, 3, p, NULL, err);
done:
	free(codes);
	free(dates);
	yh_rows_free(rules);
	yh_values_free(v);
	return rc;
}

int yh_festival_rule_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	const char *p[9], *code;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_SETTINGS_MANAGE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, rule_spec, NRULE, in, 1, err);
	if (rc == 0)
		rc = check_code(yh_values_get(v, "code"), err);
	if (rc == 0)
		rc = check_rule(v, err);
	if (rc != 0)
		goto done;
	code = yh_values_get(v, "code");
	p[0] = code;
	/* a built-in festival's code is its own spec, and its Chinese name the default name */
	p[1] = yh_values_get(v, "name") ? yh_values_get(v, "name") : yh_festival_name(code);
	p[2] = yh_values_get(v, "spec") ? yh_values_get(v, "spec") : (yh_festival_name(code) ? code : NULL);
	if (p[2] == NULL || p[1] == NULL) {
		rc = yh_err_set(err, YH_EINVAL, p[2] == NULL ? "spec" : "name",
			"is required (only a built-in festival code such as guoqing has a default)");
		goto done;
	}
	p[3] = yh_values_get(v, "categories");
	p[4] = yh_values_get(v, "survivors");
	p[5] = yh_values_get(v, "party_members_only");
	p[6] = yh_values_get(v, "window_days");
	p[7] = yh_values_get(v, "active");
	p[8] = yh_values_get(v, "note");
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_db_exec(db, Q_INSERT, 9, p, err);
	if (rc == YH_ECONFLICT && err && strcmp(err->field, "festival_rule_code_key") == 0)
		yh_err_set(err, rc, "code", "a festival rule \"%.40s\" already exists (change it with PATCH or yinhui festival set)",
			code);
	if (rc >= 0)
		rc = rule_json(db, code, 0, out, err);
	if (rc == 0)
		rc = yh_audit(db, a, "festival_rule.add", "festival_rule", code, NULL, *out, err);
	rc = finish(db, rc, out, err);
done:
	yh_values_free(v);
	return rc;
}

int yh_festival_rule_update(yh_db *db, const yh_actor *a, const char *code, const yh_fields *in,
	char **out, yh_err *err)
{
	yh_values *v = NULL;
	char *before = NULL;
	const char **vp = NULL, *p[1 + 2 * NRULE];
	int rc;

	*out = NULL;
	pthread_once(&update_once, build_update);
	if (update_sql == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	rc = yh_authz(a, YH_P_SETTINGS_MANAGE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, rule_spec, NRULE, in, 0, err);
	if (rc == 0 && yh_fields_count(in) == 0)
		rc = yh_err_set(err, YH_EINVAL, NULL, "nothing to change: give at least one field");
	if (rc == 0)
		rc = check_rule(v, err);
	if (rc == 0)
		rc = yh_values_params(&vp, v, err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = rule_json(db, code, 1, &before, err);
	if (rc == 0) {
		p[0] = code;
		for (size_t i = 0; i < 2 * NRULE; i++)
			p[1 + i] = vp[i];
		rc = yh_db_exec(db, update_sql, 1 + 2 * NRULE, p, err);
	}
	if (rc >= 0)
		rc = rule_json(db, code, 0, out, err);
	if (rc == 0)
		rc = yh_audit(db, a, "festival_rule.update", "festival_rule", code, before, *out, err);
	rc = finish(db, rc, out, err);
done:
	free(before);
	free(vp);
	yh_values_free(v);
	return rc;
}
