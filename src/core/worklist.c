/*
 * The worklist: who must be visited by when, plans due for review and
 * follow-ups/measures due, for the caller's unit subtree. "today" is
 * yh.today() (Asia/Shanghai) as everywhere else.
 *
 * The statement is the function yh.worklist (migrations/0068_worklist.sql):
 * its plan is made once per connection, and each list is read one unit of
 * the subtree at a time in due order from a partial index (open obligations
 * carry their person's unit, person_casework_sync in 0010; care plans their
 * person's unit and whether the person is active, 0065 and 0068).
 * One county caseworker's worklist on the benchmark's province (3,700 plans
 * and 4,900 obligations due): 50 ms in the database before, see
 * docs/performance.md "Session 3" for after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/casework.h"

static const yh_field_spec filter_spec[] = {
	{ "unit", YH_FT_TEXT, 0, 60, NULL },
	{ "caseworker", YH_FT_TEXT, 0, 32, NULL },
	{ "within", YH_FT_TEXT, 0, 10, NULL },
	{ "overdue", YH_FT_BOOL, 0, 0, NULL },
	{ "limit", YH_FT_INT, 0, 2000, NULL },
};

static const char Q_WORKLIST[] =
	"SELECT yh.worklist($1::bigint, $2::bigint, $3::int, $4::bool, $5::int)";

void yh_worklist_filter_init(yh_worklist_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->within_days = 14;
	f->limit = 100;
}

/* "14", "14d" (days) or "2w" (weeks), 0..366 days. */
static int parse_within(const char *s, int *days, yh_err *err)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n < 0)
		return yh_err_set(err, YH_EINVAL, "within", "must be a number of days such as 14 or 14d");
	if (*end == 'w' && end[1] == '\0')
		n *= 7;
	else if (!(*end == '\0' || (*end == 'd' && end[1] == '\0')))
		return yh_err_set(err, YH_EINVAL, "within", "must be a number of days such as 14 or 14d");
	if (n > 366)
		return yh_err_set(err, YH_EINVAL, "within", "at most 366 days");
	*days = (int)n;
	return 0;
}

int yh_worklist_filter_parse(yh_worklist_filter *f, const yh_fields *in, yh_err *err)
{
	yh_values *v = NULL;
	int rc;

	yh_worklist_filter_init(f);
	rc = yh_values_validate(&v, filter_spec, sizeof(filter_spec) / sizeof(filter_spec[0]), in, 0, err);
	if (rc == 0 && yh_values_get(v, "within"))
		rc = parse_within(yh_values_get(v, "within"), &f->within_days, err);
	if (rc == 0) {
		f->unit = yh_fields_get(in, "unit");
		f->caseworker = yh_fields_get(in, "caseworker");
		f->overdue_only = yh_values_get(v, "overdue") && strcmp(yh_values_get(v, "overdue"), "t") == 0;
		if (yh_values_get(v, "limit"))
			f->limit = atoi(yh_values_get(v, "limit"));
		if (f->limit < 1)
			rc = yh_err_set(err, YH_EINVAL, "limit", "must be between 1 and 2000");
	}
	yh_values_free(v);
	return rc;
}

int yh_worklist(yh_db *db, const yh_actor *a, const yh_worklist_filter *f, char **out, yh_err *err)
{
	char scope_buf[24], cw[24], within[16], lim[16];
	const char *p[5];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc != 0)
		return rc;
	if (f->within_days < 0 || f->within_days > 366)
		return yh_err_set(err, YH_EINVAL, "within", "must be 0 to 366 days");
	if (f->limit < 1 || f->limit > 2000)
		return yh_err_set(err, YH_EINVAL, "limit", "must be between 1 and 2000");
	rc = yh_case_scope(db, a, f->unit, scope_buf, &p[0], NULL, err);
	p[1] = NULL;
	if (rc == 0 && f->caseworker && *f->caseworker) {
		rc = yh_case_staff_id(db, a, f->caseworker, "caseworker", cw, err);
		p[1] = cw;
	}
	snprintf(within, sizeof(within), "%d", f->within_days);
	snprintf(lim, sizeof(lim), "%d", f->limit);
	p[2] = within;
	p[3] = f->overdue_only ? "t" : "f";
	p[4] = lim;
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_WORKLIST, 5, p, NULL, err);
	return rc;
}
