/*
 * lunar.h - the Chinese lunar calendar (农历), lunar years 1900..2100.
 *
 * Table driven: one checked-in word per lunar year (leap month, its
 * length, the 12 month lengths), so Gregorian dates 1900-01-31 ..
 * 2101-01-28 convert exactly; nothing is approximated. Pure computation,
 * no global state. Months are 1..12; a leap month (闰月) carries the
 * number of the month it follows, with is_leap set.
 */
#ifndef YH_LUNAR_H
#define YH_LUNAR_H

#include <stddef.h>

#include "yinhui/calendar.h"
#include "yinhui/error.h"

#define YH_LUNAR_MIN_YEAR 1900
#define YH_LUNAR_MAX_YEAR 2100
/* Buffer sizes: "壬申" and "癸卯年闰二月三十" (UTF-8, with the NUL). */
#define YH_LUNAR_GANZHI_BUFSZ 8
#define YH_LUNAR_FORMAT_BUFSZ 32

/*
 * Gregorian date of lunar lyear/lmonth/lday (is_leap_month: the 闰 month)
 * into *y, *m, *d. Returns 0, or YH_EINVAL when the lunar date does not
 * exist (day 30 of a 29-day month, a leap month the year does not have,
 * a year outside 1900..2100); field says which part.
 */
int yh_lunar_to_solar(int lyear, int lmonth, int lday, int is_leap_month,
		      int *y, int *m, int *d, yh_err *err);

/*
 * Lunar date of Gregorian y-m-d into *lyear, *lmonth, *lday, *is_leap.
 * Returns 0, or YH_EINVAL when y-m-d is not a date or lies outside
 * 1900-01-31 .. 2101-01-28.
 */
int yh_solar_to_lunar(int y, int m, int d, int *lyear, int *lmonth,
		      int *lday, int *is_leap, yh_err *err);

/* As yh_lunar_to_solar(), into a day number. */
int yh_lunar_to_date(yh_date *out, int lyear, int lmonth, int lday,
		     int is_leap_month, yh_err *err);

/* As yh_solar_to_lunar(), from a day number; out pointers may be NULL. */
int yh_lunar_from_date(yh_date dt, int *lyear, int *lmonth, int *lday,
		       int *is_leap, yh_err *err);

/* Leap month of lyear (1..12), 0 when none, YH_EINVAL when lyear is out of the table. */
int yh_lunar_leap_month(int lyear);

/*
 * Length (29 or 30) of month lmonth of lyear, the leap one when
 * is_leap_month. YH_EINVAL when that month does not exist.
 */
int yh_lunar_month_days(int lyear, int lmonth, int is_leap_month);

/* Days in lunar year lyear (353..385), YH_EINVAL when out of the table. */
int yh_lunar_year_days(int lyear);

/*
 * Sexagenary (干支) name of lunar year lyear, e.g. 1932 -> "壬申", into
 * out (outsz >= YH_LUNAR_GANZHI_BUFSZ). Works for any year >= 1.
 * Returns 0 or YH_EINVAL (bad year, small buffer).
 */
int yh_lunar_ganzhi(char *out, size_t outsz, int lyear, yh_err *err);

/* Zodiac animal (生肖) of lunar year lyear ("猴"), static string; NULL for lyear < 1. */
const char *yh_lunar_zodiac(int lyear);

/*
 * Chinese display of a lunar date, e.g. "壬申年九月初五", "癸卯年闰二月初一",
 * "乙巳年腊月廿九", into out (outsz >= YH_LUNAR_FORMAT_BUFSZ).
 * Returns 0 or YH_EINVAL (date does not exist, small buffer).
 */
int yh_lunar_format(char *out, size_t outsz, int lyear, int lmonth, int lday,
		    int is_leap_month, yh_err *err);

#endif
