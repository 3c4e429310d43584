/*
 * calendar.h - dates, festivals, ages and important birthdays.
 *
 * Pure computation: no I/O, no clock, no global state. A date is a day
 * number (yh_date); the Chinese lunar calendar lives in yinhui/lunar.h.
 * Functions returning int return 0 (or a non-negative value where stated)
 * or a negative yh_code, and fill err (which may be NULL) on failure.
 */
#ifndef YH_CALENDAR_H
#define YH_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "yinhui/error.h"

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

/*
 * A calendar date: days since 1970-01-01 in the proleptic Gregorian
 * calendar (negative before it). Differences are plain subtraction.
 * Valid dates are 0001-01-01 .. 9999-12-31.
 */
typedef int32_t yh_date;

#define YH_DATE_MIN_YEAR 1
#define YH_DATE_MAX_YEAR 9999
/* Buffer size for yh_date_format(): "YYYY-MM-DD" and the NUL. */
#define YH_DATE_BUFSZ 11

/* 1 when y is a Gregorian leap year, else 0. */
int yh_date_is_leap_year(int y);

/* Days in month m of year y (28..31), or 0 when m is not 1..12. */
int yh_date_days_in_month(int y, int m);

/* 1 when y-m-d is a real date within the supported years, else 0. */
int yh_date_valid_ymd(int y, int m, int d);

/*
 * Day number of y-m-d into *out.
 * Returns 0, or YH_EINVAL (field "date") when y-m-d is not a real date
 * (2023-02-29, 2022-13-01) or the year is outside 1..9999.
 */
int yh_date_from_ymd(yh_date *out, int y, int m, int d, yh_err *err);

/* Splits a day number into year, month (1..12) and day; any pointer may be NULL. */
void yh_date_to_ymd(yh_date dt, int *y, int *m, int *d);

/* Days from `from` to `to` (negative when `to` is earlier). */
int32_t yh_date_days_between(yh_date from, yh_date to);

/*
 * *out = dt + n days. Returns 0, or YH_EINVAL when the result leaves the
 * supported years (then *out is unchanged).
 */
int yh_date_add_days(yh_date *out, yh_date dt, int32_t n, yh_err *err);

/* ISO weekday of dt: 1 = Monday .. 7 = Sunday. */
int yh_date_weekday(yh_date dt);

/*
 * Parses exactly "YYYY-MM-DD" (four, two and two ASCII digits, nothing
 * before or after) into *out. Returns 0, or YH_EINVAL (field "date") for
 * any other shape or a date that does not exist.
 */
int yh_date_parse(yh_date *out, const char *s, yh_err *err);

/*
 * Writes dt as "YYYY-MM-DD" into out (outsz >= YH_DATE_BUFSZ).
 * Returns 0, or YH_EINVAL when the buffer is too small or dt is outside
 * the supported years (out then holds "").
 */
int yh_date_format(char *out, size_t outsz, yh_date dt, yh_err *err);

/* ------------------------------------------------------------------ */
/* Festivals                                                            */
/* ------------------------------------------------------------------ */

/*
 * Gregorian date of festival `code` in year `year`, into *m, *d.
 * Codes: yuandan (元旦 01-01), chuxi (除夕, the day before 春节, which is
 * 腊月廿九 when 腊月 has 29 days), chunjie (春节 正月初一), yuanxiao (元宵
 * 正月十五), duanwu (端午 五月初五 of the regular month, never a leap
 * one), qiyi (七一 07-01), bayi (八一 08-01), zhongqiu (中秋 八月十五),
 * guoqing (国庆 10-01), chongyang (重阳/老年节 九月初九).
 * Lunar festivals are those of the lunar year that starts in `year`, so
 * every one of them falls in `year`.
 * Returns 0; YH_ENOTFOUND (field "code") for an unknown code; YH_EINVAL
 * (field "year") when a lunar festival is asked outside 1900..2100 or a
 * fixed one outside 1..9999.
 */
int yh_festival_date(const char *code, int year, int *m, int *d, yh_err *err);

/* Chinese display name of a festival code ("重阳节"), or NULL when unknown. Static string. */
const char *yh_festival_name(const char *code);

/* The i-th built-in festival code in calendar order, or NULL past the end. Static string. */
const char *yh_festival_code_at(size_t i);

/*
 * Gregorian date in `year` of a configured rule `spec`:
 *   "MM-DD"    fixed Gregorian date ("07-01");
 *   "L:MM-DD"  lunar month/day of the regular (non-leap) month in the lunar
 *              year starting in `year` ("L:09-09"); day 30 of a 29-day month
 *              falls back to day 29. For 冬月/腊月 the date may fall in
 *              January of year + 1;
 *   a festival code from yh_festival_date().
 * Returns 0; YH_EINVAL (field "spec") for a malformed spec or impossible
 * month/day (02-30, L:13-01, L:01-31); YH_EINVAL (field "year") for a year
 * out of range; YH_ENOTFOUND (field "spec") for "02-29" in a common year.
 */
int yh_calendar_rule_date(const char *spec, int year, int *m, int *d, yh_err *err);

/*
 * The same as yh_calendar_rule_date() as a day number, so a lunar 冬月/腊月
 * day that falls in January of year + 1 keeps its year. Same codes.
 */
int yh_calendar_rule_day(yh_date *out, const char *spec, int year, yh_err *err);

/* Validates a rule spec without a year. Returns 0 or YH_EINVAL (field "spec"). */
int yh_calendar_rule_check(const char *spec, yh_err *err);

/* ------------------------------------------------------------------ */
/* Ages                                                                 */
/* ------------------------------------------------------------------ */

/* Where someone born on 29 February has the birthday in a common year. */
typedef enum yh_feb29_rule {
	YH_FEB29_ON_FEB28 = 0, /* default */
	YH_FEB29_ON_MAR01 = 1
} yh_feb29_rule;

/* How 虚岁 is counted. */
typedef enum yh_xusui_rule {
	YH_XUSUI_CALENDAR_YEAR = 0, /* default: year(on) - year(birth) + 1 */
	YH_XUSUI_LUNAR_YEAR = 1     /* same with lunar years (1900-01-31 .. 2101-01-28) */
} yh_xusui_rule;

/*
 * 周岁: whole years completed from birth by-bm-bd to on y-m-d.
 * Returns the age (>= 0), or YH_EINVAL when a date is invalid or the
 * on-date is before the birth date.
 */
int yh_age_zhousui(int by, int bm, int bd, int y, int m, int d,
		   yh_feb29_rule feb29, yh_err *err);

/*
 * 虚岁 of someone born by-bm-bd, on y-m-d (1 in the year of birth).
 * Returns the age (>= 1), or YH_EINVAL when a date is invalid, the
 * on-date is before the birth date, or (lunar rule) a date is outside the
 * lunar table.
 */
int yh_age_xusui(int by, int bm, int bd, int y, int m, int d,
		 yh_xusui_rule rule, yh_err *err);

/* ------------------------------------------------------------------ */
/* Important birthdays (重要生日)                                        */
/* ------------------------------------------------------------------ */

typedef enum yh_age_basis {
	YH_AGE_ZHOUSUI = 0, /* 周岁 (default) */
	YH_AGE_XUSUI = 1    /* 虚岁 */
} yh_age_basis;

typedef enum yh_bday_calendar {
	YH_BDAY_GREGORIAN = 0, /* 公历 birthday as on the ID card (default) */
	YH_BDAY_LUNAR = 1      /* 农历 birthday derived from the Gregorian birth date */
} yh_bday_calendar;

#define YH_BDAY_MAX_MILESTONES 32

/* An important-birthday policy; fill with yh_bday_rule_init() then adjust. */
typedef struct yh_bday_rule {
	yh_age_basis age_basis;
	yh_bday_calendar calendar;
	yh_feb29_rule feb29;      /* Gregorian calendar only */
	int n_milestones;         /* 0..YH_BDAY_MAX_MILESTONES */
	int milestones[YH_BDAY_MAX_MILESTONES]; /* ages, any order */
	int every_year_from;      /* every age >= this counts; 0 = off */
} yh_bday_rule;

/* Defaults: 周岁, 公历, Feb-28, milestones 70 75 80 85 90 95, every year from 100. */
void yh_bday_rule_init(yh_bday_rule *rule);

/* 1 when `age` is important under rule, else 0. */
int yh_bday_is_milestone(const yh_bday_rule *rule, int age);

/* The birthday that falls in one Gregorian year. */
typedef struct yh_bday {
	int found;     /* 0: no birthday in that year (a lunar 腊月 birthday can skip one) */
	int important; /* 1 when `age` is a milestone */
	int age;       /* age reached on that day under rule->age_basis */
	int month;     /* Gregorian month and day of the celebration */
	int day;
} yh_bday;

/*
 * Birthday in Gregorian `year` of someone born by-bm-bd (Gregorian), under
 * `rule`, into *out. Lunar calendar: the birth date is converted through
 * the lunar table; a birth in a leap month celebrates in the regular month
 * and day 30 falls back to 29 in a 29-day month. When two lunar birthdays
 * fall in `year` (腊月 births), the important one wins, else the earlier.
 * Returns 0 (also when out->found is 0), or YH_EINVAL for a bad date, a
 * year before the birth year, an invalid rule, or a lunar date outside
 * the table.
 */
int yh_bday_in_year(yh_bday *out, const yh_bday_rule *rule,
		    int by, int bm, int bd, int year, yh_err *err);

#endif
