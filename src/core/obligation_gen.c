/*
 * Calendar obligations: festivals (dates from yinhui/calendar.h, then one
 * set-based INSERT ... SELECT over the groups each rule covers) and
 * important birthdays (computed per cadre in C, inserted in bulk). Both
 * insert ON CONFLICT DO NOTHING on obligation_once, so generation can run
 * again over the same window without duplicating anything.
 *
 * Who is owed a visit follows the roster of the day it falls due: a cadre
 * who died or left after it is owed it, one who had already is not, and a
 * survivor from the day the cadre died (0071). For a period that has begun,
 * yh.obligation_catch_up() then lets visits already logged meet what they
 * fit and closes the obligations of persons gone since as missed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/audit.h"
#include "yinhui/calendar.h"
#include "yinhui/casework.h"

#define MAX_SPAN_DAYS (50 * 366)
#define BATCH 20000 /* birthday rows per INSERT */

static const yh_field_spec gen_spec[] = {
	{ "from", YH_FT_DATE, 0, 0, NULL },
	{ "through", YH_FT_DATE, YH_F_REQUIRED, 0, NULL },
};

static const char Q_SETTINGS[] =
	"SELECT yh.today()::text, yh.setting_text('birthday.age_basis', '周岁'),"
	" yh.setting_text('birthday.calendar', '公历'), yh.setting_text('birthday.milestones', '70,75,80,85,90,95'),"
	" yh.setting_text('birthday.every_year_from', '100'), yh.setting_text('birthday.feb29', '02-28'),"
	" yh.setting_int('obligation.birthday_window_days', 7), yh.setting_int('obligation.grace_days', 30)";
static const char Q_RULES[] = "SELECT id, code, spec FROM yh.festival_rule WHERE active ORDER BY id";
static const char Q_FESTIVALS[] =
	"INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, rule_id)"
	" SELECT p.id, p.unit_id, '重大节日', r.name || ' ' || to_char(d.due, 'YYYY'), d.due, d.due - r.window_days,"
	" d.due + $4::int, 'festival:' || r.code, r.id"
	" FROM unnest($1::bigint[], $2::date[]) AS d(rule_id, due)"
	" JOIN yh.festival_rule r ON r.id = d.rule_id"
	" JOIN yh.person p ON (p.deceased_on IS NULL OR p.deceased_on > d.due)"
	"  AND (p.transferred_out_on IS NULL OR p.transferred_out_on > d.due)"
	"  AND ((p.kind = 'cadre' AND (r.categories IS NULL OR p.category = ANY (r.categories))"
	"        AND (NOT r.party_members_only OR p.party_member))"
	"   OR (p.kind = 'survivor' AND r.survivors"
	"        AND EXISTS (SELECT 1 FROM yh.person c WHERE c.id = p.cadre_id AND c.deceased_on <= d.due)))"
	" WHERE ($3::bigint IS NULL OR p.unit_id = ANY (yh.subtree($3::bigint)))"
	" ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING";
/* cadres on the roster on some day from $4 on; the day they left, if they have */
static const char Q_CANDIDATES[] =
	"SELECT id, to_char(birth_date, 'YYYY-MM-DD'), unit_id, least(deceased_on, transferred_out_on)::text"
	" FROM yh.person WHERE kind = 'cadre'"
	" AND (deceased_on IS NULL OR deceased_on > $4::date) AND (transferred_out_on IS NULL OR transferred_out_on > $4::date)"
	" AND birth_date <= $1::date - make_interval(years => $2::int)"
	" AND ($3::bigint IS NULL OR unit_id = ANY (yh.subtree($3::bigint)))";
static const char Q_CATCH_UP[] =
	"SELECT met, missed FROM yh.obligation_catch_up($1::date, $2::date, $3::bigint, $4)";
static const char Q_BIRTHDAYS[] =
	"INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source)"
	" SELECT b.person_id, b.unit_id, '重要生日', b.age || $4, b.due, b.due - $5::int, b.due + $6::int, 'birthday'"
	" FROM unnest($1::bigint[], $2::date[], $3::int[], $7::bigint[]) AS b(person_id, due, age, unit_id)"
	" ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING";

/* A growing text buffer for PostgreSQL array literals. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	if (b->cap - b->len < 64) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		char *np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->oom = 1;
	else
		b->len += (size_t)n;
}

static void sb_reset(sbuf *b)
{
	b->len = 0;
	sb_printf(b, "{");
}

/* Array element separator, then the element. */
static void sb_elem(sbuf *b, const char *fmt, long long v)
{
	if (b->len > 1)
		sb_printf(b, ",");
	sb_printf(b, fmt, v);
}

static int parse_int_list(int *out, int max, int *n, const char *s)
{
	char *end;

	*n = 0;
	while (*s) {
		long v;
		while (*s == ' ' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > 150 || *n == max)
			return -1;
		out[(*n)++] = (int)v;
		s = end;
		if (*s != '\0' && *s != ',' && *s != ' ')
			return -1;
	}
	return 0;
}

/* The important-birthday rule from the birthday.* settings. */
static int bday_rule(yh_bday_rule *r, const yh_rows *s, yh_err *err)
{
	const char *basis = yh_rows_value(s, 0, 1), *cal = yh_rows_value(s, 0, 2);
	const char *ms = yh_rows_value(s, 0, 3), *every = yh_rows_value(s, 0, 4), *feb = yh_rows_value(s, 0, 5);
	char *end;
	long ev;

	yh_bday_rule_init(r);
	if (strcmp(basis, "周岁") == 0)
		r->age_basis = YH_AGE_ZHOUSUI;
	else if (strcmp(basis, "虚岁") == 0)
		r->age_basis = YH_AGE_XUSUI;
	else
		return yh_err_set(err, YH_EINVAL, "birthday.age_basis", "setting must be 周岁 or 虚岁");
	if (strcmp(cal, "公历") == 0)
		r->calendar = YH_BDAY_GREGORIAN;
	else if (strcmp(cal, "农历") == 0)
		r->calendar = YH_BDAY_LUNAR;
	else
		return yh_err_set(err, YH_EINVAL, "birthday.calendar", "setting must be 公历 or 农历");
	if (parse_int_list(r->milestones, YH_BDAY_MAX_MILESTONES, &r->n_milestones, ms) != 0)
		return yh_err_set(err, YH_EINVAL, "birthday.milestones", "setting must list ages 1-150, comma-separated");
	ev = strtol(every, &end, 10);
	if (*every == '\0' || *end != '\0' || ev < 0 || ev > 150)
		return yh_err_set(err, YH_EINVAL, "birthday.every_year_from", "setting must be an age 0-150 (0 = off)");
	r->every_year_from = (int)ev;
	if (strcmp(feb, "02-28") == 0)
		r->feb29 = YH_FEB29_ON_FEB28;
	else if (strcmp(feb, "03-01") == 0)
		r->feb29 = YH_FEB29_ON_MAR01;
	else
		return yh_err_set(err, YH_EINVAL, "birthday.feb29", "setting must be 02-28 or 03-01");
	return 0;
}

/* Youngest age that counts under r. */
static int bday_min_age(const yh_bday_rule *r)
{
	int min = r->every_year_from > 0 ? r->every_year_from : 200;

	for (int i = 0; i < r->n_milestones; i++)
		if (r->milestones[i] < min)
			min = r->milestones[i];
	return min;
}

/* Festival dates from..through of every active rule, then one insert for all of them. */
static int gen_festivals(yh_db *db, yh_date from, yh_date through, const char *scope, const char *grace,
	long *n, yh_err *err)
{
	yh_rows *rules = NULL;
	sbuf ids = { 0 }, dates = { 0 };
	int fy, ty, rc;

	*n = 0;
	rc = yh_db_query(db, &rules, Q_RULES, 0, NULL, err);
	if (rc != 0)
		return rc;
	yh_date_to_ymd(from, &fy, NULL, NULL);
	yh_date_to_ymd(through, &ty, NULL, NULL);
	sb_reset(&ids);
	sb_reset(&dates);
	/* a 腊月 rule of lunar year y - 1 can fall in January of y */
	for (int y = fy - 1; y <= ty && rc == 0; y++) {
		for (size_t i = 0; i < yh_rows_count(rules); i++) {
			yh_err e;
			yh_date dt;
			char day[YH_DATE_BUFSZ];
			int r;

			/* a day number: a lunar rule's day can fall in January of y + 1 */
			r = yh_calendar_rule_day(&dt, yh_rows_value(rules, i, 2), y, &e);
			if (r == YH_ENOTFOUND)
				continue; /* 02-29 in a common year */
			if (r != 0) {
				rc = yh_err_set(err, YH_EINVAL, "festival_rule",
					"festival rule %s: %s", yh_rows_value(rules, i, 1), e.msg);
				break;
			}
			if (dt < from || dt > through)
				continue;
			yh_date_format(day, sizeof(day), dt, NULL);
			sb_elem(&ids, "%lld", atoll(yh_rows_value(rules, i, 0)));
			if (dates.len > 1)
				sb_printf(&dates, ",");
			sb_printf(&dates, "%s", day);
		}
	}
	sb_printf(&ids, "}");
	sb_printf(&dates, "}");
	if (rc == 0 && (ids.oom || dates.oom))
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0 && ids.len > 2) {
		const char *p[4] = { ids.p, dates.p, scope, grace };
		rc = yh_db_exec(db, Q_FESTIVALS, 4, p, err);
		if (rc >= 0) {
			*n = rc;
			rc = 0;
		}
	}
	free(ids.p);
	free(dates.p);
	yh_rows_free(rules);
	return rc;
}

/* Birthday rows waiting for one INSERT: parallel array literals. */
typedef struct bday_batch {
	sbuf pid, due, age, unit;
	int count;
} bday_batch;

static void batch_reset(bday_batch *b)
{
	sb_reset(&b->pid);
	sb_reset(&b->due);
	sb_reset(&b->age);
	sb_reset(&b->unit);
	b->count = 0;
}

static int flush_birthdays(yh_db *db, bday_batch *b, const char *const *extra, long *n, yh_err *err)
{
	const char *p[7];
	int rc;

	sb_printf(&b->pid, "}");
	sb_printf(&b->due, "}");
	sb_printf(&b->age, "}");
	sb_printf(&b->unit, "}");
	if (b->pid.oom || b->due.oom || b->age.oom || b->unit.oom)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	p[0] = b->pid.p;
	p[1] = b->due.p;
	p[2] = b->age.p;
	p[3] = extra[0];
	p[4] = extra[1];
	p[5] = extra[2];
	p[6] = b->unit.p;
	rc = yh_db_exec(db, Q_BIRTHDAYS, 7, p, err);
	if (rc < 0)
		return rc;
	*n += rc;
	batch_reset(b);
	return 0;
}

static int gen_birthdays(yh_db *db, yh_date from, yh_date through, const char *scope, const yh_rows *s,
	long *n, yh_err *err)
{
	yh_bday_rule rule;
	yh_rows *cand = NULL;
	bday_batch b = { 0 };
	char through_txt[YH_DATE_BUFSZ], from_txt[YH_DATE_BUFSZ], minage[16];
	const char *p[4], *extra[3];
	int fy, ty, rc;

	*n = 0;
	rc = bday_rule(&rule, s, err);
	if (rc != 0)
		return rc;
	yh_date_to_ymd(from, &fy, NULL, NULL);
	yh_date_to_ymd(through, &ty, NULL, NULL);
	yh_date_format(through_txt, sizeof(through_txt), through, NULL);
	/* 虚岁 and lunar birthdays run up to two years ahead of 周岁 */
	snprintf(minage, sizeof(minage), "%d", bday_min_age(&rule) > 2 ? bday_min_age(&rule) - 2 : 0);
	yh_date_format(from_txt, sizeof(from_txt), from, NULL);
	p[0] = through_txt;
	p[1] = minage;
	p[2] = scope;
	p[3] = from_txt;
	rc = yh_db_query(db, &cand, Q_CANDIDATES, 4, p, err);
	if (rc != 0)
		return rc;
	extra[0] = rule.age_basis == YH_AGE_XUSUI ? "岁(虚岁)生日" : "岁生日";
	extra[1] = yh_rows_value(s, 0, 6);
	extra[2] = yh_rows_value(s, 0, 7);
	batch_reset(&b);
	for (size_t i = 0; i < yh_rows_count(cand) && rc == 0; i++) {
		const char *bd = yh_rows_value(cand, i, 1), *gone = yh_rows_value(cand, i, 3);
		int by = atoi(bd), bm = atoi(bd + 5), bdd = atoi(bd + 8);
		yh_date left = through + 1;

		/* from the day the cadre died or left, no birthday is owed */
		if (gone != NULL && yh_date_parse(&left, gone, NULL) != 0)
			left = through + 1;

		for (int y = fy > by ? fy : by; y <= ty && rc == 0; y++) {
			yh_bday bday;
			yh_date dt;

			/* a birth outside the lunar table has no lunar birthday: skipped */
			if (yh_bday_in_year(&bday, &rule, by, bm, bdd, y, NULL) != 0 || !bday.found || !bday.important)
				continue;
			if (yh_date_from_ymd(&dt, y, bday.month, bday.day, NULL) != 0 || dt < from || dt > through ||
			    dt >= left)
				continue;
			sb_elem(&b.pid, "%lld", atoll(yh_rows_value(cand, i, 0)));
			sb_elem(&b.unit, "%lld", atoll(yh_rows_value(cand, i, 2)));
			if (b.due.len > 1)
				sb_printf(&b.due, ",");
			sb_printf(&b.due, "%04d-%02d-%02d", y, bday.month, bday.day);
			sb_elem(&b.age, "%lld", bday.age);
			if (++b.count == BATCH)
				rc = flush_birthdays(db, &b, extra, n, err);
		}
	}
	if (rc == 0 && b.count > 0)
		rc = flush_birthdays(db, &b, extra, n, err);
	free(b.pid.p);
	free(b.due.p);
	free(b.age.p);
	free(b.unit.p);
	yh_rows_free(cand);
	return rc;
}

int yh_obligation_generate(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	yh_values *v = NULL;
	yh_rows *s = NULL;
	yh_date from, through;
	char buf[24], ftxt[YH_DATE_BUFSZ], ttxt[YH_DATE_BUFSZ], res[256];
	const char *scope;
	long nf = 0, nb = 0;
	yh_rows *caught = NULL;
	int fy, ty, rc, in_tx = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_WRITE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, gen_spec, 2, in, 1, err);
	if (rc != 0)
		goto done;
	scope = yh_actor_scope(a, buf);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	in_tx = 1;
	/* bulk inserts cross jit_above_cost; compiling costs more than it saves here */
	rc = yh_db_exec(db, "SET LOCAL jit = off", 0, NULL, err);
	if (rc == 0)
		rc = yh_db_query(db, &s, Q_SETTINGS, 0, NULL, err);
	if (rc != 0)
		goto done;
	/* both are strict YYYY-MM-DD already (the spec, yh.today()) */
	rc = yh_date_parse(&from, yh_values_get(v, "from") ? yh_values_get(v, "from") : yh_rows_value(s, 0, 0), err);
	if (rc == 0)
		rc = yh_date_parse(&through, yh_values_get(v, "through"), err);
	if (rc != 0)
		goto done;
	yh_date_to_ymd(from, &fy, NULL, NULL);
	yh_date_to_ymd(through, &ty, NULL, NULL);
	yh_date_format(ftxt, sizeof(ftxt), from, NULL);
	yh_date_format(ttxt, sizeof(ttxt), through, NULL);
	if (through < from)
		rc = yh_err_set(err, YH_EINVAL, "through", "is before from (%s)", ftxt);
	else if (through - from > MAX_SPAN_DAYS)
		rc = yh_err_set(err, YH_EINVAL, "through", "at most 50 years at a time");
	else if (fy < 1901 || ty > 2099)
		rc = yh_err_set(err, YH_EINVAL, fy < 1901 ? "from" : "through", "must lie within 1901..2099");
	if (rc == 0)
		rc = gen_festivals(db, from, through, scope, yh_rows_value(s, 0, 7), &nf, err);
	if (rc == 0)
		rc = gen_birthdays(db, from, through, scope, s, &nb, err);
	if (rc == 0) {
		const char *p[4] = { ftxt, ttxt, scope, a->username };
		rc = yh_db_query(db, &caught, Q_CATCH_UP, 4, p, err);
	}
	if (rc != 0)
		goto done;
	snprintf(res, sizeof(res), "{\"from\":\"%s\",\"through\":\"%s\",\"festival\":%ld,\"birthday\":%ld,"
		"\"met\":%s,\"missed\":%s}", ftxt, ttxt, nf, nb, yh_rows_value(caught, 0, 0), yh_rows_value(caught, 0, 1));
	rc = yh_audit(db, a, "obligation.generate", "obligation", NULL, NULL, res, err);
	if (rc == 0 && (*out = strdup(res)) == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0)
		rc = yh_db_commit(db, err);
	in_tx = 0; /* a failed commit has ended the transaction too */
done:
	if (rc != 0) {
		if (in_tx)
			yh_db_rollback(db);
		free(*out);
		*out = NULL;
	}
	yh_rows_free(caught);
	yh_rows_free(s);
	yh_values_free(v);
	return rc;
}
