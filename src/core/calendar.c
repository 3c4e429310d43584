/*
 * calendar.c - day numbers, festivals, ages and important birthdays.
 *
 * Day numbers use the proleptic Gregorian calendar with integer
 * arithmetic only (the era/day-of-era method from Howard Hinnant's
 * "chrono-compatible low-level date algorithms").
 */
#include "yinhui/calendar.h"

#include <stdio.h>
#include <string.h>

#include "yinhui/lunar.h"

/* 0001-01-01 and 9999-12-31 as day numbers */
#define DATE_MIN (-719162)
#define DATE_MAX 2932896

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

int yh_date_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int yh_date_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && yh_date_is_leap_year(y))
		return 29;
	return days[m - 1];
}

int yh_date_valid_ymd(int y, int m, int d)
{
	if (y < YH_DATE_MIN_YEAR || y > YH_DATE_MAX_YEAR)
		return 0;
	return d >= 1 && d <= yh_date_days_in_month(y, m);
}

/* Caller has validated y-m-d; y >= 1 keeps every quotient non-negative. */
static yh_date days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (yh_date)(era * 146097 + doe - 719468);
}

int yh_date_from_ymd(yh_date *out, int y, int m, int d, yh_err *err)
{
	if (!yh_date_valid_ymd(y, m, d))
		return yh_err_set(err, YH_EINVAL, "date",
				  "not a date: %04d-%02d-%02d", y, m, d);
	*out = days_from_civil(y, m, d);
	return 0;
}

void yh_date_to_ymd(yh_date dt, int *y, int *m, int *d)
{
	/* shift so that eras start on 0000-03-01; int64 keeps extreme inputs defined */
	int64_t z = (int64_t)dt + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t month = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

	if (y != NULL)
		*y = (int)year;
	if (m != NULL)
		*m = (int)month;
	if (d != NULL)
		*d = (int)day;
}

int32_t yh_date_days_between(yh_date from, yh_date to)
{
	/* int64: valid dates never overflow, arbitrary day numbers stay defined */
	return (int32_t)((int64_t)to - from);
}

int yh_date_add_days(yh_date *out, yh_date dt, int32_t n, yh_err *err)
{
	int64_t r = (int64_t)dt + n;

	if (r < DATE_MIN || r > DATE_MAX)
		return yh_err_set(err, YH_EINVAL, "days",
				  "date out of range after adding %ld days", (long)n);
	*out = (yh_date)r;
	return 0;
}

int yh_date_weekday(yh_date dt)
{
	/* 1970-01-01 was a Thursday (ISO 4) */
	int64_t r = ((int64_t)dt + 3) % 7;

	if (r < 0)
		r += 7;
	return (int)r + 1;
}

/* Value of n ASCII digits at s, or -1 when any of them is not a digit. */
static int digits_value(const char *s, int n)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int yh_date_parse(yh_date *out, const char *s, yh_err *err)
{
	int y, m, d;

	if (s == NULL)
		return yh_err_set(err, YH_EINVAL, "date", "missing date");
	/* strlen first: the digit checks below must not run past a short string */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return yh_err_set(err, YH_EINVAL, "date",
				  "date must be YYYY-MM-DD: %.40s", s);
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return yh_err_set(err, YH_EINVAL, "date",
				  "date must be YYYY-MM-DD: %.40s", s);
	return yh_date_from_ymd(out, y, m, d, err);
}

int yh_date_format(char *out, size_t outsz, yh_date dt, yh_err *err)
{
	int y, m, d;

	if (out == NULL || outsz < YH_DATE_BUFSZ)
		return yh_err_set(err, YH_EINVAL, NULL, "date buffer too small");
	out[0] = '\0';
	if (dt < DATE_MIN || dt > DATE_MAX)
		return yh_err_set(err, YH_EINVAL, "date", "day number %ld out of range",
				  (long)dt);
	yh_date_to_ymd(dt, &y, &m, &d);
	snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Festivals                                                            */
/* ------------------------------------------------------------------ */

enum fest_kind { FEST_SOLAR, FEST_LUNAR, FEST_CHUXI };

static const struct festival {
	const char *code;
	const char *name;
	enum fest_kind kind;
	int month; /* Gregorian month, or lunar month (regular, never leap) */
	int day;
} festivals[] = {
	{ "yuandan", "元旦", FEST_SOLAR, 1, 1 },
	{ "chuxi", "除夕", FEST_CHUXI, 0, 0 },
	{ "chunjie", "春节", FEST_LUNAR, 1, 1 },
	{ "yuanxiao", "元宵节", FEST_LUNAR, 1, 15 },
	{ "duanwu", "端午节", FEST_LUNAR, 5, 5 },
	{ "qiyi", "建党节", FEST_SOLAR, 7, 1 },
	{ "bayi", "建军节", FEST_SOLAR, 8, 1 },
	{ "zhongqiu", "中秋节", FEST_LUNAR, 8, 15 },
	{ "guoqing", "国庆节", FEST_SOLAR, 10, 1 },
	{ "chongyang", "重阳节(老年节)", FEST_LUNAR, 9, 9 },
};

#define N_FESTIVALS (sizeof(festivals) / sizeof(festivals[0]))

static const struct festival *festival_find(const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < N_FESTIVALS; i++)
		if (strcmp(festivals[i].code, code) == 0)
			return &festivals[i];
	return NULL;
}

const char *yh_festival_name(const char *code)
{
	const struct festival *f = festival_find(code);

	return f != NULL ? f->name : NULL;
}

const char *yh_festival_code_at(size_t i)
{
	return i < N_FESTIVALS ? festivals[i].code : NULL;
}

static int lunar_year_check(int year, yh_err *err)
{
	if (year < YH_LUNAR_MIN_YEAR || year > YH_LUNAR_MAX_YEAR)
		return yh_err_set(err, YH_EINVAL, "year",
				  "lunar dates need a year in %d..%d, not %d",
				  YH_LUNAR_MIN_YEAR, YH_LUNAR_MAX_YEAR, year);
	return 0;
}

/*
 * Regular lunar month/day of lunar year `year` as a day number; day 30 of a
 * 29-day month becomes day 29 (the policy for birthdays and configured
 * rules alike).
 */
static int lunar_day_clamped(yh_date *out, int year, int lmonth, int lday, yh_err *err)
{
	int len;

	len = yh_lunar_month_days(year, lmonth, 0);
	if (len < 0)
		return yh_err_set(err, YH_EINVAL, "year", "no lunar month %d in %d",
				  lmonth, year);
	if (lday > len)
		lday = len;
	return yh_lunar_to_date(out, year, lmonth, lday, 0, err);
}

static int festival_dt(yh_date *out, const struct festival *f, int year, yh_err *err)
{
	yh_date dt;
	int rc;

	switch (f->kind) {
	case FEST_SOLAR:
		if (year < YH_DATE_MIN_YEAR || year > YH_DATE_MAX_YEAR)
			return yh_err_set(err, YH_EINVAL, "year", "year %d out of range", year);
		return yh_date_from_ymd(out, year, f->month, f->day, err);
	case FEST_LUNAR:
		rc = lunar_year_check(year, err);
		if (rc != 0)
			return rc;
		return yh_lunar_to_date(out, year, f->month, f->day, 0, err);
	case FEST_CHUXI:
		rc = lunar_year_check(year, err);
		if (rc != 0)
			return rc;
		/* the eve of 春节, whatever the length of the 腊月 before it */
		rc = yh_lunar_to_date(&dt, year, 1, 1, 0, err);
		if (rc != 0)
			return rc;
		*out = dt - 1;
		return 0;
	}
	return yh_err_set(err, YH_EINTERNAL, NULL, "bad festival kind");
}

int yh_festival_date(const char *code, int year, int *m, int *d, yh_err *err)
{
	const struct festival *f = festival_find(code);
	yh_date dt;
	int rc;

	if (f == NULL)
		return yh_err_set(err, YH_ENOTFOUND, "code", "unknown festival: %.40s",
				  code != NULL ? code : "(null)");
	rc = festival_dt(&dt, f, year, err);
	if (rc != 0)
		return rc;
	yh_date_to_ymd(dt, NULL, m, d);
	return 0;
}

/* A parsed rule spec. */
struct rule {
	const struct festival *fest; /* set for a festival code */
	int lunar;
	int month;
	int day;
};

static int rule_parse(struct rule *r, const char *spec, yh_err *err)
{
	const char *p = spec;
	int maxday;

	memset(r, 0, sizeof(*r));
	if (spec == NULL)
		return yh_err_set(err, YH_EINVAL, "spec", "missing date rule");
	r->fest = festival_find(spec);
	if (r->fest != NULL)
		return 0;
	if (p[0] == 'L' && p[1] == ':') {
		r->lunar = 1;
		p += 2;
	}
	if (strlen(p) != 5 || p[2] != '-')
		goto bad;
	r->month = digits_value(p, 2);
	r->day = digits_value(p + 3, 2);
	if (r->month < 1 || r->month > 12 || r->day < 1)
		goto bad;
	/* 2000 is a leap year: 02-29 is a valid rule that some years skip */
	maxday = r->lunar ? 30 : yh_date_days_in_month(2000, r->month);
	if (r->day > maxday)
		goto bad;
	return 0;
bad:
	return yh_err_set(err, YH_EINVAL, "spec",
			  "date rule must be MM-DD, L:MM-DD or a festival code: %.40s", spec);
}

int yh_calendar_rule_check(const char *spec, yh_err *err)
{
	struct rule r;

	return rule_parse(&r, spec, err);
}

int yh_calendar_rule_date(const char *spec, int year, int *m, int *d, yh_err *err)
{
	yh_date dt;
	int rc = yh_calendar_rule_day(&dt, spec, year, err);

	if (rc == 0)
		yh_date_to_ymd(dt, NULL, m, d);
	return rc;
}

int yh_calendar_rule_day(yh_date *out, const char *spec, int year, yh_err *err)
{
	struct rule r;
	int rc, m, d;

	rc = rule_parse(&r, spec, err);
	if (rc != 0)
		return rc;
	if (r.fest != NULL) {
		rc = yh_festival_date(spec, year, &m, &d, err);
		return rc != 0 ? rc : yh_date_from_ymd(out, year, m, d, err);
	}
	if (r.lunar) {
		rc = lunar_year_check(year, err);
		if (rc != 0)
			return rc;
		return lunar_day_clamped(out, year, r.month, r.day, err);
	}
	if (year < YH_DATE_MIN_YEAR || year > YH_DATE_MAX_YEAR)
		return yh_err_set(err, YH_EINVAL, "year", "year %d out of range", year);
	if (!yh_date_valid_ymd(year, r.month, r.day))
		return yh_err_set(err, YH_ENOTFOUND, "spec", "%s does not occur in %d",
				  spec, year);
	return yh_date_from_ymd(out, year, r.month, r.day, err);
}

/* ------------------------------------------------------------------ */
/* Ages                                                                 */
/* ------------------------------------------------------------------ */

/* Month/day on which a Gregorian birthday bm-bd is kept in year y. */
static void gregorian_birthday(int y, int bm, int bd, yh_feb29_rule feb29, int *m, int *d)
{
	*m = bm;
	*d = bd;
	if (bm == 2 && bd == 29 && !yh_date_is_leap_year(y)) {
		if (feb29 == YH_FEB29_ON_MAR01) {
			*m = 3;
			*d = 1;
		} else {
			*d = 28;
		}
	}
}

static int birth_date(yh_date *out, int by, int bm, int bd, yh_err *err)
{
	if (!yh_date_valid_ymd(by, bm, bd))
		return yh_err_set(err, YH_EINVAL, "birth_date",
				  "not a date: %04d-%02d-%02d", by, bm, bd);
	return yh_date_from_ymd(out, by, bm, bd, err);
}

static int birth_and_on(yh_date *birth, yh_date *on, int by, int bm, int bd,
			int y, int m, int d, yh_err *err)
{
	int rc;

	rc = birth_date(birth, by, bm, bd, err);
	if (rc != 0)
		return rc;
	rc = yh_date_from_ymd(on, y, m, d, err);
	if (rc != 0)
		return rc;
	if (*on < *birth)
		return yh_err_set(err, YH_EINVAL, "date", "%04d-%02d-%02d is before birth",
				  y, m, d);
	return 0;
}

int yh_age_zhousui(int by, int bm, int bd, int y, int m, int d,
		   yh_feb29_rule feb29, yh_err *err)
{
	yh_date birth = 0, on = 0;
	int rc, age, km, kd;

	rc = birth_and_on(&birth, &on, by, bm, bd, y, m, d, err);
	if (rc != 0)
		return rc;
	age = y - by;
	gregorian_birthday(y, bm, bd, feb29, &km, &kd);
	if (m < km || (m == km && d < kd))
		age--;
	return age;
}

int yh_age_xusui(int by, int bm, int bd, int y, int m, int d,
		 yh_xusui_rule rule, yh_err *err)
{
	yh_date birth = 0, on = 0;
	int rc, bly, oly;

	rc = birth_and_on(&birth, &on, by, bm, bd, y, m, d, err);
	if (rc != 0)
		return rc;
	if (rule != YH_XUSUI_LUNAR_YEAR)
		return y - by + 1;
	rc = yh_lunar_from_date(birth, &bly, NULL, NULL, NULL, err);
	if (rc != 0)
		return rc;
	rc = yh_lunar_from_date(on, &oly, NULL, NULL, NULL, err);
	if (rc != 0)
		return rc;
	return oly - bly + 1;
}

/* ------------------------------------------------------------------ */
/* Important birthdays                                                  */
/* ------------------------------------------------------------------ */

void yh_bday_rule_init(yh_bday_rule *rule)
{
	static const int defaults[] = { 70, 75, 80, 85, 90, 95 };
	size_t i;

	memset(rule, 0, sizeof(*rule));
	rule->age_basis = YH_AGE_ZHOUSUI;
	rule->calendar = YH_BDAY_GREGORIAN;
	rule->feb29 = YH_FEB29_ON_FEB28;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		rule->milestones[i] = defaults[i];
	rule->n_milestones = (int)(sizeof(defaults) / sizeof(defaults[0]));
	rule->every_year_from = 100;
}

int yh_bday_is_milestone(const yh_bday_rule *rule, int age)
{
	int i;

	if (rule->every_year_from > 0 && age >= rule->every_year_from)
		return 1;
	for (i = 0; i < rule->n_milestones && i < YH_BDAY_MAX_MILESTONES; i++)
		if (rule->milestones[i] == age)
			return 1;
	return 0;
}

static int rule_valid(const yh_bday_rule *rule, yh_err *err)
{
	int i;

	if (rule->age_basis != YH_AGE_ZHOUSUI && rule->age_basis != YH_AGE_XUSUI)
		return yh_err_set(err, YH_EINVAL, "age_basis", "unknown age basis");
	if (rule->calendar != YH_BDAY_GREGORIAN && rule->calendar != YH_BDAY_LUNAR)
		return yh_err_set(err, YH_EINVAL, "calendar", "unknown birthday calendar");
	if (rule->feb29 != YH_FEB29_ON_FEB28 && rule->feb29 != YH_FEB29_ON_MAR01)
		return yh_err_set(err, YH_EINVAL, "feb29", "unknown 29 February rule");
	if (rule->n_milestones < 0 || rule->n_milestones > YH_BDAY_MAX_MILESTONES)
		return yh_err_set(err, YH_EINVAL, "milestones", "0..%d milestones allowed",
				  YH_BDAY_MAX_MILESTONES);
	for (i = 0; i < rule->n_milestones; i++)
		if (rule->milestones[i] < 1 || rule->milestones[i] > 150)
			return yh_err_set(err, YH_EINVAL, "milestones",
					  "milestone age %d outside 1..150", rule->milestones[i]);
	if (rule->every_year_from < 0 || rule->every_year_from > 150)
		return yh_err_set(err, YH_EINVAL, "every_year_from",
				  "every_year_from %d outside 0..150", rule->every_year_from);
	return 0;
}

/* Records a candidate birthday in *out unless a better one is there already. */
static void bday_offer(yh_bday *out, const yh_bday_rule *rule, int age, yh_date dt)
{
	int important = yh_bday_is_milestone(rule, age);

	/* candidates arrive in date order: keep the first, unless a later one is important */
	if (out->found && (out->important || !important))
		return;
	out->found = 1;
	out->important = important;
	out->age = age;
	yh_date_to_ymd(dt, NULL, &out->month, &out->day);
}

static int bday_lunar(yh_bday *out, const yh_bday_rule *rule, yh_date birth,
		      int year, yh_err *err)
{
	yh_date dt;
	int bly, blm, bld, ly, rc, y;

	rc = yh_lunar_from_date(birth, &bly, &blm, &bld, NULL, err);
	if (rc != 0)
		return rc;
	/* the lunar year starting in year - 1 can put a 冬月/腊月 birthday into January */
	for (ly = year - 1; ly <= year; ly++) {
		if (ly < bly)
			continue;
		if (ly < YH_LUNAR_MIN_YEAR || ly > YH_LUNAR_MAX_YEAR)
			return yh_err_set(err, YH_EINVAL, "year",
					  "lunar birthdays need years in %d..%d",
					  YH_LUNAR_MIN_YEAR + 1, YH_LUNAR_MAX_YEAR);
		/* leap-month births celebrate in the regular month: blm is its number */
		rc = lunar_day_clamped(&dt, ly, blm, bld, err);
		if (rc != 0)
			return rc;
		yh_date_to_ymd(dt, &y, NULL, NULL);
		if (y != year)
			continue;
		bday_offer(out, rule, ly - bly + (rule->age_basis == YH_AGE_XUSUI ? 1 : 0), dt);
	}
	return 0;
}

int yh_bday_in_year(yh_bday *out, const yh_bday_rule *rule,
		    int by, int bm, int bd, int year, yh_err *err)
{
	yh_date birth, dt;
	int rc, m, d;

	memset(out, 0, sizeof(*out));
	rc = rule_valid(rule, err);
	if (rc != 0)
		return rc;
	rc = birth_date(&birth, by, bm, bd, err);
	if (rc != 0)
		return rc;
	if (year < by || year > YH_DATE_MAX_YEAR)
		return yh_err_set(err, YH_EINVAL, "year", "year %d is before birth (%d)",
				  year, by);
	if (rule->calendar == YH_BDAY_LUNAR)
		return bday_lunar(out, rule, birth, year, err);

	gregorian_birthday(year, bm, bd, rule->feb29, &m, &d);
	rc = yh_date_from_ymd(&dt, year, m, d, err);
	if (rc != 0)
		return rc;
	bday_offer(out, rule, year - by + (rule->age_basis == YH_AGE_XUSUI ? 1 : 0), dt);
	return 0;
}
