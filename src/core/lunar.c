/*
 * lunar.c - Chinese lunar calendar from a per-year table.
 *
 * Each year is one word (the encoding used by most published lunar
 * calendar code since the 1990s, ultimately from the Hong Kong
 * Observatory / Purple Mountain Observatory almanacs):
 *   bits 0-3   leap month (0 = none)
 *   bits 4-15  month lengths, month 1 in bit 15 .. month 12 in bit 4;
 *              a set bit means 30 days, clear 29
 *   bit 16     length of the leap month (set = 30)
 * Lunar year 1900 starts on 1900-01-31 and every other year starts where
 * the previous one ends, so the table alone fixes every date.
 *
 * The table agrees day by day (1900-01-31 .. 2101-01-28) with
 * lunar-javascript 1.7.7 (6tail, astronomical) and with the Hong Kong
 * Observatory festival lists published in python-holidays. ICU 72 and the
 * older python-lunardate table differ in a few months; those months are
 * pinned in tests/unit/test_lunar.c ("disputed month starts").
 */
#include "yinhui/lunar.h"

#include <stdint.h>
#include <stdio.h>

#define YEARS (YH_LUNAR_MAX_YEAR - YH_LUNAR_MIN_YEAR + 1)

static const unsigned int lunar_table[YEARS] = {
	0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, /* 1900 */
	0x0d950, 0x16554, 0x056a0, 0x09ad0, 0x055d2, /* 1905 */
	0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, /* 1910 */
	0x0b540, 0x0d6a0, 0x0ada2, 0x095b0, 0x14977, /* 1915 */
	0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, 0x06d40, /* 1920 */
	0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970, /* 1925 */
	0x06566, 0x0d4a0, 0x0ea50, 0x16a95, 0x05ad0, /* 1930 */
	0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950, /* 1935 */
	0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, /* 1940 */
	0x025d0, 0x092d0, 0x0d2b2, 0x0a950, 0x0b557, /* 1945 */
	0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5b0, /* 1950 */
	0x14573, 0x052b0, 0x0a9a8, 0x0e950, 0x06aa0, /* 1955 */
	0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, 0x0a570, /* 1960 */
	0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0, /* 1965 */
	0x096d0, 0x04dd5, 0x04ad0, 0x0a4d0, 0x0d4d4, /* 1970 */
	0x0d250, 0x0d558, 0x0b540, 0x0b6a0, 0x195a6, /* 1975 */
	0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, /* 1980 */
	0x06a50, 0x06d40, 0x0af46, 0x0ab60, 0x09570, /* 1985 */
	0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, /* 1990 */
	0x06b58, 0x05ac0, 0x0ab60, 0x096d5, 0x092e0, /* 1995 */
	0x0c960, 0x0d954, 0x0d4a0, 0x0da50, 0x07552, /* 2000 */
	0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5, /* 2005 */
	0x0a950, 0x0b4a0, 0x0baa4, 0x0ad50, 0x055d9, /* 2010 */
	0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930, /* 2015 */
	0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, /* 2020 */
	0x0a6e6, 0x0a4e0, 0x0d260, 0x0ea65, 0x0d530, /* 2025 */
	0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, /* 2030 */
	0x0a4d0, 0x1d0b6, 0x0d250, 0x0d520, 0x0dd45, /* 2035 */
	0x0b5a0, 0x056d0, 0x055b2, 0x049b0, 0x0a577, /* 2040 */
	0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0, /* 2045 */
	0x14b63, 0x09370, 0x049f8, 0x04970, 0x064b0, /* 2050 */
	0x168a6, 0x0ea50, 0x06b20, 0x1a6c4, 0x0aae0, /* 2055 */
	0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, /* 2060 */
	0x0da50, 0x05d55, 0x056a0, 0x0a6d0, 0x055d4, /* 2065 */
	0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, /* 2070 */
	0x0ad50, 0x055a0, 0x0aba4, 0x0a5b0, 0x052b0, /* 2075 */
	0x0b273, 0x06930, 0x07337, 0x06aa0, 0x0ad50, /* 2080 */
	0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160, /* 2085 */
	0x0e968, 0x0d520, 0x0daa0, 0x16aa6, 0x056d0, /* 2090 */
	0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252, /* 2095 */
	0x0d520                                      /* 2100 */
};

/* 1900-01-31, lunar 1900 正月初一, as a yh_date (days since 1970-01-01). */
#define LUNAR_EPOCH (-25537)

static const char *const stems[10] = {
	"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"
};
static const char *const branches[12] = {
	"子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥"
};
static const char *const animals[12] = {
	"鼠", "牛", "虎", "兔", "龙", "蛇", "马", "羊", "猴", "鸡", "狗", "猪"
};
static const char *const month_names[12] = {
	"正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"
};
static const char *const day_tens[4] = { "初", "十", "廿", "三" };
static const char *const digits[10] = {
	"十", "一", "二", "三", "四", "五", "六", "七", "八", "九"
};

static int year_in_table(int lyear)
{
	return lyear >= YH_LUNAR_MIN_YEAR && lyear <= YH_LUNAR_MAX_YEAR;
}

static unsigned int info(int lyear)
{
	return lunar_table[lyear - YH_LUNAR_MIN_YEAR];
}

/* Callers have checked the year. */
static int leap_of(int lyear)
{
	return (int)(info(lyear) & 0xf);
}

static int regular_days(int lyear, int lmonth)
{
	return (info(lyear) & (0x10000u >> lmonth)) ? 30 : 29;
}

static int leap_days(int lyear)
{
	if (leap_of(lyear) == 0)
		return 0;
	return (info(lyear) & 0x10000u) ? 30 : 29;
}

static int days_of_year(int lyear)
{
	int sum = leap_days(lyear);
	int mo;

	for (mo = 1; mo <= 12; mo++)
		sum += regular_days(lyear, mo);
	return sum;
}

int yh_lunar_leap_month(int lyear)
{
	if (!year_in_table(lyear))
		return YH_EINVAL;
	return leap_of(lyear);
}

int yh_lunar_month_days(int lyear, int lmonth, int is_leap_month)
{
	if (!year_in_table(lyear) || lmonth < 1 || lmonth > 12)
		return YH_EINVAL;
	if (is_leap_month)
		return leap_of(lyear) == lmonth ? leap_days(lyear) : YH_EINVAL;
	return regular_days(lyear, lmonth);
}

int yh_lunar_year_days(int lyear)
{
	if (!year_in_table(lyear))
		return YH_EINVAL;
	return days_of_year(lyear);
}

int yh_lunar_to_date(yh_date *out, int lyear, int lmonth, int lday,
		     int is_leap_month, yh_err *err)
{
	int32_t offset = 0;
	int len, yr, mo;

	if (!year_in_table(lyear))
		return yh_err_set(err, YH_EINVAL, "lyear",
				  "lunar year %d outside %d..%d", lyear,
				  YH_LUNAR_MIN_YEAR, YH_LUNAR_MAX_YEAR);
	if (lmonth < 1 || lmonth > 12)
		return yh_err_set(err, YH_EINVAL, "lmonth",
				  "lunar month %d outside 1..12", lmonth);
	if (is_leap_month && leap_of(lyear) != lmonth)
		return yh_err_set(err, YH_EINVAL, "lmonth",
				  "lunar year %d has no leap month %d", lyear, lmonth);
	len = is_leap_month ? leap_days(lyear) : regular_days(lyear, lmonth);
	if (lday < 1 || lday > len)
		return yh_err_set(err, YH_EINVAL, "lday",
				  "lunar %d %smonth %d has %d days, not day %d", lyear,
				  is_leap_month ? "leap " : "", lmonth, len, lday);

	for (yr = YH_LUNAR_MIN_YEAR; yr < lyear; yr++)
		offset += days_of_year(yr);
	for (mo = 1; mo < lmonth; mo++)
		offset += regular_days(lyear, mo);
	/* the leap month follows the regular month of the same number */
	if (leap_of(lyear) != 0 && leap_of(lyear) < lmonth)
		offset += leap_days(lyear);
	if (is_leap_month)
		offset += regular_days(lyear, lmonth);
	*out = LUNAR_EPOCH + offset + lday - 1;
	return 0;
}

int yh_lunar_from_date(yh_date dt, int *lyear, int *lmonth, int *lday,
		       int *is_leap, yh_err *err)
{
	int64_t offset = (int64_t)dt - LUNAR_EPOCH;
	int yr = YH_LUNAR_MIN_YEAR;
	int mo, leap, in_leap = 0;

	if (offset < 0)
		return yh_err_set(err, YH_EINVAL, "date",
				  "date before 1900-01-31 (start of the lunar table)");
	while (yr <= YH_LUNAR_MAX_YEAR && offset >= days_of_year(yr)) {
		offset -= days_of_year(yr);
		yr++;
	}
	if (yr > YH_LUNAR_MAX_YEAR)
		return yh_err_set(err, YH_EINVAL, "date",
				  "date after the end of lunar year %d",
				  YH_LUNAR_MAX_YEAR);

	leap = leap_of(yr);
	/* offset < length of year yr, so this stops at some month <= 12 */
	for (mo = 1; mo <= 12; mo++) {
		if (offset < regular_days(yr, mo))
			break;
		offset -= regular_days(yr, mo);
		if (mo == leap) {
			if (offset < leap_days(yr)) {
				in_leap = 1;
				break;
			}
			offset -= leap_days(yr);
		}
	}
	if (lyear != NULL)
		*lyear = yr;
	if (lmonth != NULL)
		*lmonth = mo;
	if (lday != NULL)
		*lday = (int)offset + 1;
	if (is_leap != NULL)
		*is_leap = in_leap;
	return 0;
}

int yh_lunar_to_solar(int lyear, int lmonth, int lday, int is_leap_month,
		      int *y, int *m, int *d, yh_err *err)
{
	yh_date dt;
	int rc;

	rc = yh_lunar_to_date(&dt, lyear, lmonth, lday, is_leap_month, err);
	if (rc != 0)
		return rc;
	yh_date_to_ymd(dt, y, m, d);
	return 0;
}

int yh_solar_to_lunar(int y, int m, int d, int *lyear, int *lmonth,
		      int *lday, int *is_leap, yh_err *err)
{
	yh_date dt;
	int rc;

	rc = yh_date_from_ymd(&dt, y, m, d, err);
	if (rc != 0)
		return rc;
	return yh_lunar_from_date(dt, lyear, lmonth, lday, is_leap, err);
}

/* Index of lyear in the sexagenary cycle; 4 AD was 甲子. */
static int cycle_index(int lyear)
{
	return ((lyear - 4) % 60 + 60) % 60;
}

int yh_lunar_ganzhi(char *out, size_t outsz, int lyear, yh_err *err)
{
	int i, n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (lyear < 1)
		return yh_err_set(err, YH_EINVAL, "lyear", "year %d has no ganzhi", lyear);
	if (out == NULL || outsz < YH_LUNAR_GANZHI_BUFSZ)
		return yh_err_set(err, YH_EINVAL, NULL, "ganzhi buffer too small");
	i = cycle_index(lyear);
	n = snprintf(out, outsz, "%s%s", stems[i % 10], branches[i % 12]);
	if (n < 0 || (size_t)n >= outsz)
		return yh_err_set(err, YH_EINVAL, NULL, "ganzhi buffer too small");
	return 0;
}

const char *yh_lunar_zodiac(int lyear)
{
	if (lyear < 1)
		return NULL;
	return animals[cycle_index(lyear) % 12];
}

int yh_lunar_format(char *out, size_t outsz, int lyear, int lmonth, int lday,
		    int is_leap_month, yh_err *err)
{
	char gz[YH_LUNAR_GANZHI_BUFSZ];
	yh_date unused;
	int rc, n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	/* converting proves the date exists */
	rc = yh_lunar_to_date(&unused, lyear, lmonth, lday, is_leap_month, err);
	if (rc != 0)
		return rc;
	if (out == NULL || outsz < YH_LUNAR_FORMAT_BUFSZ)
		return yh_err_set(err, YH_EINVAL, NULL, "lunar format buffer too small");
	rc = yh_lunar_ganzhi(gz, sizeof(gz), lyear, err);
	if (rc != 0)
		return rc;
	/* 初十, 二十 and 三十 end in 十; 十一..十九 start with it */
	if (lday == 20 || lday == 30)
		n = snprintf(out, outsz, "%s年%s%s月%s十", gz, is_leap_month ? "闰" : "",
			     month_names[lmonth - 1], digits[lday / 10]);
	else
		n = snprintf(out, outsz, "%s年%s%s月%s%s", gz, is_leap_month ? "闰" : "",
			     month_names[lmonth - 1], day_tens[(lday - 1) / 10],
			     digits[lday % 10]);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return yh_err_set(err, YH_EINVAL, NULL, "lunar format buffer too small");
	}
	return 0;
}
