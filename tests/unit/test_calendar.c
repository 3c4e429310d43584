/*
 * test_calendar.c - dates, festivals, ages, important birthdays
 * (yinhui/calendar.h).
 */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "yinhui/calendar.h"
#include "yinhui/lunar.h"

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

/* Day numbers and ISO weekdays computed with Python's datetime module. */
static void test_date_known(void)
{
	static const struct {
		int y, m, d;
		yh_date dn;
		int wd;
	} cases[] = {
		{ 1970, 1, 1, 0, 4 },
		{ 1, 1, 1, -719162, 1 },
		{ 9999, 12, 31, 2932896, 5 },
		{ 2000, 3, 1, 11017, 3 },
		{ 2024, 2, 29, 19782, 4 },
		{ 1949, 10, 1, -7397, 6 },
		{ 1900, 1, 31, -25537, 3 },
	};
	size_t i;
	yh_date dt;
	int y, m, d;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(yh_date_from_ymd(&dt, cases[i].y, cases[i].m, cases[i].d, NULL), 0);
		CU_ASSERT_EQUAL(dt, cases[i].dn);
		CU_ASSERT_EQUAL(yh_date_weekday(dt), cases[i].wd);
		yh_date_to_ymd(cases[i].dn, &y, &m, &d);
		CU_ASSERT(y == cases[i].y && m == cases[i].m && d == cases[i].d);
	}
	CU_ASSERT_EQUAL(yh_date_weekday(-1), 3);
	CU_ASSERT_EQUAL(yh_date_weekday(-7), 4);
}

static void test_date_every_day(void)
{
	yh_date dt, back;
	int y, m, d, py = 1, pm = 1, pd = 0;
	long bad = 0;

	/* 0001-01-01 .. 9999-12-31: split, rebuild, and step by exactly one day */
	for (dt = -719162; dt <= 2932896; dt++) {
		yh_date_to_ymd(dt, &y, &m, &d);
		if (yh_date_from_ymd(&back, y, m, d, NULL) != 0 || back != dt)
			bad++;
		if (!(y == py && m == pm && d == pd + 1) &&
		    !(d == 1 && pd == yh_date_days_in_month(py, pm) &&
		      ((y == py && m == pm + 1) || (y == py + 1 && m == 1 && pm == 12))))
			bad++;
		py = y;
		pm = m;
		pd = d;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_date_leap(void)
{
	CU_ASSERT_EQUAL(yh_date_is_leap_year(1900), 0);
	CU_ASSERT_EQUAL(yh_date_is_leap_year(2000), 1);
	CU_ASSERT_EQUAL(yh_date_is_leap_year(2023), 0);
	CU_ASSERT_EQUAL(yh_date_is_leap_year(2024), 1);
	CU_ASSERT_EQUAL(yh_date_is_leap_year(2100), 0);
	CU_ASSERT_EQUAL(yh_date_days_in_month(2023, 2), 28);
	CU_ASSERT_EQUAL(yh_date_days_in_month(2024, 2), 29);
	CU_ASSERT_EQUAL(yh_date_days_in_month(2024, 4), 30);
	CU_ASSERT_EQUAL(yh_date_days_in_month(2024, 13), 0);
	CU_ASSERT_EQUAL(yh_date_valid_ymd(2023, 2, 29), 0);
	CU_ASSERT_EQUAL(yh_date_valid_ymd(0, 1, 1), 0);
	CU_ASSERT_EQUAL(yh_date_valid_ymd(10000, 1, 1), 0);
}

static void test_date_parse(void)
{
	static const struct {
		const char *s;
		int ok, y, m, d;
	} cases[] = {
		{ "2024-02-29", 1, 2024, 2, 29 },
		{ "1932-10-04", 1, 1932, 10, 4 },
		{ "0001-01-01", 1, 1, 1, 1 },
		{ "9999-12-31", 1, 9999, 12, 31 },
		{ "2023-02-29", 0, 0, 0, 0 },
		{ "2022-13-01", 0, 0, 0, 0 },
		{ "2022-00-10", 0, 0, 0, 0 },
		{ "2022-04-31", 0, 0, 0, 0 },
		{ "2022-04-00", 0, 0, 0, 0 },
		{ "0000-01-01", 0, 0, 0, 0 },
		{ "2023-2-01", 0, 0, 0, 0 },
		{ "2023-02-1", 0, 0, 0, 0 },
		{ " 2023-02-01", 0, 0, 0, 0 },
		{ "2023-02-01 ", 0, 0, 0, 0 },
		{ "2023-02-011", 0, 0, 0, 0 },
		{ "2023/02/01", 0, 0, 0, 0 },
		{ "+023-02-01", 0, 0, 0, 0 },
		{ "2023-+2-01", 0, 0, 0, 0 },
		{ "abcd-ef-gh", 0, 0, 0, 0 },
		{ "20230201", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 },
	};
	size_t i;
	yh_date dt, want;
	yh_err err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_err_clear(&err);
		dt = 12345;
		if (cases[i].ok) {
			CU_ASSERT_EQUAL(yh_date_parse(&dt, cases[i].s, &err), 0);
			CU_ASSERT_EQUAL(yh_date_from_ymd(&want, cases[i].y, cases[i].m,
							 cases[i].d, NULL), 0);
			CU_ASSERT_EQUAL(dt, want);
		} else {
			CU_ASSERT_EQUAL(yh_date_parse(&dt, cases[i].s, &err), YH_EINVAL);
			CU_ASSERT_EQUAL(err.code, YH_EINVAL);
			CU_ASSERT_STRING_EQUAL(err.field, "date");
			CU_ASSERT_EQUAL(dt, 12345);
		}
	}
	CU_ASSERT_EQUAL(yh_date_parse(&dt, NULL, NULL), YH_EINVAL);
}

static void test_date_format_arith(void)
{
	char buf[YH_DATE_BUFSZ];
	char small[10];
	yh_date a, b, c;

	CU_ASSERT_EQUAL(yh_date_from_ymd(&a, 1932, 10, 4, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_from_ymd(&b, 2022, 10, 4, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_days_between(a, b), 32872);
	CU_ASSERT_EQUAL(yh_date_days_between(b, a), -32872);
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), a, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "1932-10-04");
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), -719162, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "0001-01-01");
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), 2932897, NULL), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(yh_date_format(small, sizeof(small), a, NULL), YH_EINVAL);

	CU_ASSERT_EQUAL(yh_date_from_ymd(&a, 2024, 2, 28, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_add_days(&c, a, 1, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2024-02-29");
	CU_ASSERT_EQUAL(yh_date_add_days(&c, a, 2, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2024-03-01");
	CU_ASSERT_EQUAL(yh_date_add_days(&c, a, -365, NULL), 0);
	CU_ASSERT_EQUAL(yh_date_format(buf, sizeof(buf), c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2023-02-28");
	c = 7;
	CU_ASSERT_EQUAL(yh_date_add_days(&c, 2932896, 1, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_date_add_days(&c, -719162, -1, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_date_add_days(&c, 0, INT32_MAX, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(c, 7);
}

/* ------------------------------------------------------------------ */
/* Festivals                                                            */
/* ------------------------------------------------------------------ */

static int mmdd(const char *code, int year)
{
	int m = 0, d = 0;

	if (yh_festival_date(code, year, &m, &d, NULL) != 0)
		return -1;
	return m * 100 + d;
}

/* domain.md 2.8: 除夕 春节 元宵 端午 中秋 重阳 (MMDD), leap month, 除夕 lunar day. */
static void test_domain_festivals(void)
{
	static const struct {
		int year, chuxi, chunjie, yuanxiao, duanwu, zhongqiu, chongyang, leap, chuxi_day;
	} v[] = {
		{ 2022, 131, 201, 215, 603, 910, 1004, 0, 29 },
		{ 2023, 121, 122, 205, 622, 929, 1023, 2, 30 },
		{ 2024, 209, 210, 224, 610, 917, 1011, 0, 30 },
		{ 2025, 128, 129, 212, 531, 1006, 1029, 6, 29 },
		{ 2026, 216, 217, 303, 619, 925, 1018, 0, 29 },
		{ 2027, 205, 206, 220, 609, 915, 1008, 0, 29 },
		{ 2028, 125, 126, 209, 528, 1003, 1026, 5, 29 },
		{ 2029, 212, 213, 227, 616, 922, 1016, 0, 29 },
		{ 2030, 202, 203, 217, 605, 912, 1005, 0, 30 },
		{ 2031, 122, 123, 206, 624, 1001, 1024, 3, 29 },
	};
	size_t i;
	int ly, lm, ld, il;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(mmdd("chuxi", v[i].year), v[i].chuxi);
		CU_ASSERT_EQUAL(mmdd("chunjie", v[i].year), v[i].chunjie);
		CU_ASSERT_EQUAL(mmdd("yuanxiao", v[i].year), v[i].yuanxiao);
		CU_ASSERT_EQUAL(mmdd("duanwu", v[i].year), v[i].duanwu);
		CU_ASSERT_EQUAL(mmdd("zhongqiu", v[i].year), v[i].zhongqiu);
		CU_ASSERT_EQUAL(mmdd("chongyang", v[i].year), v[i].chongyang);
		CU_ASSERT_EQUAL(yh_lunar_leap_month(v[i].year), v[i].leap);
		/* 除夕 is 腊月廿九 or 三十 of the previous lunar year */
		CU_ASSERT_EQUAL(yh_solar_to_lunar(v[i].year, v[i].chuxi / 100, v[i].chuxi % 100,
						  &ly, &lm, &ld, &il, NULL), 0);
		CU_ASSERT(ly == v[i].year - 1 && lm == 12 && il == 0);
		CU_ASSERT_EQUAL(ld, v[i].chuxi_day);
	}
	/* 2028 闰五月: 端午 is in the regular 五月; the leap 五月初五 is a month later */
	{
		int y, m, d;

		CU_ASSERT_EQUAL(yh_lunar_to_solar(2028, 5, 5, 1, &y, &m, &d, NULL), 0);
		CU_ASSERT(y == 2028 && m == 6 && d == 27);
	}
}

/*
 * 春节, 中秋, 重阳 for every year 2000-2035 (MMDD). Source: python-holidays
 * (vacanza/holidays) holidays/calendars/chinese.py, LUNAR_NEW_YEAR_DATES,
 * MID_AUTUMN_DATES, DOUBLE_NINTH_DATES (Hong Kong Observatory data);
 * transcribed by hand.
 */
static void test_published_festivals(void)
{
	static const int v[36][4] = {
		{ 2000, 205, 912, 1006 }, { 2001, 124, 1001, 1025 }, { 2002, 212, 921, 1014 },
		{ 2003, 201, 911, 1004 }, { 2004, 122, 928, 1022 }, { 2005, 209, 918, 1011 },
		{ 2006, 129, 1006, 1030 }, { 2007, 218, 925, 1019 }, { 2008, 207, 914, 1007 },
		{ 2009, 126, 1003, 1026 }, { 2010, 214, 922, 1016 }, { 2011, 203, 912, 1005 },
		{ 2012, 123, 930, 1023 }, { 2013, 210, 919, 1013 }, { 2014, 131, 908, 1002 },
		{ 2015, 219, 927, 1021 }, { 2016, 208, 915, 1009 }, { 2017, 128, 1004, 1028 },
		{ 2018, 216, 924, 1017 }, { 2019, 205, 913, 1007 }, { 2020, 125, 1001, 1025 },
		{ 2021, 212, 921, 1014 }, { 2022, 201, 910, 1004 }, { 2023, 122, 929, 1023 },
		{ 2024, 210, 917, 1011 }, { 2025, 129, 1006, 1029 }, { 2026, 217, 925, 1018 },
		{ 2027, 206, 915, 1008 }, { 2028, 126, 1003, 1026 }, { 2029, 213, 922, 1016 },
		{ 2030, 203, 912, 1005 }, { 2031, 123, 1001, 1024 }, { 2032, 211, 919, 1012 },
		{ 2033, 131, 908, 1001 }, { 2034, 219, 927, 1020 }, { 2035, 208, 916, 1009 },
	};
	size_t i;
	yh_date cj, cx;
	int ok;

	for (i = 0; i < 36; i++) {
		CU_ASSERT_EQUAL(v[i][0], 2000 + (int)i);
		CU_ASSERT_EQUAL(mmdd("chunjie", v[i][0]), v[i][1]);
		CU_ASSERT_EQUAL(mmdd("zhongqiu", v[i][0]), v[i][2]);
		CU_ASSERT_EQUAL(mmdd("chongyang", v[i][0]), v[i][3]);
		/* 除夕 is always the day before 春节 */
		ok = yh_date_from_ymd(&cj, v[i][0], v[i][1] / 100, v[i][1] % 100, NULL) == 0 &&
		     yh_date_from_ymd(&cx, v[i][0], mmdd("chuxi", v[i][0]) / 100,
				      mmdd("chuxi", v[i][0]) % 100, NULL) == 0;
		CU_ASSERT(ok && cj - cx == 1);
	}
}

static void test_fixed_festivals(void)
{
	static const struct {
		const char *code, *name;
		int mmdd;
	} v[] = {
		{ "yuandan", "元旦", 101 },
		{ "qiyi", "建党节", 701 },
		{ "bayi", "建军节", 801 },
		{ "guoqing", "国庆节", 1001 },
	};
	size_t i;
	int year;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (year = 1949; year <= 2100; year += 7)
			CU_ASSERT_EQUAL(mmdd(v[i].code, year), v[i].mmdd);
		CU_ASSERT_STRING_EQUAL(yh_festival_name(v[i].code), v[i].name);
	}
	CU_ASSERT_EQUAL(mmdd("guoqing", 2500), 1001);
}

static void test_festival_names_errors(void)
{
	static const char *const codes[] = {
		"yuandan", "chuxi", "chunjie", "yuanxiao", "duanwu",
		"qiyi", "bayi", "zhongqiu", "guoqing", "chongyang",
	};
	size_t i;
	int m, d;
	yh_err err;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		CU_ASSERT_STRING_EQUAL(yh_festival_code_at(i), codes[i]);
		CU_ASSERT_PTR_NOT_NULL(yh_festival_name(codes[i]));
	}
	CU_ASSERT_PTR_NULL(yh_festival_code_at(i));
	CU_ASSERT_STRING_EQUAL(yh_festival_name("chuxi"), "除夕");
	CU_ASSERT_STRING_EQUAL(yh_festival_name("chunjie"), "春节");
	CU_ASSERT_STRING_EQUAL(yh_festival_name("zhongqiu"), "中秋节");
	CU_ASSERT_STRING_EQUAL(yh_festival_name("chongyang"), "重阳节(老年节)");
	CU_ASSERT_PTR_NULL(yh_festival_name("qingming"));
	CU_ASSERT_PTR_NULL(yh_festival_name(NULL));

	CU_ASSERT_EQUAL(yh_festival_date("qingming", 2024, &m, &d, &err), YH_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(err.field, "code");
	CU_ASSERT_EQUAL(yh_festival_date(NULL, 2024, &m, &d, NULL), YH_ENOTFOUND);
	CU_ASSERT_EQUAL(yh_festival_date("chunjie", 2101, &m, &d, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "year");
	CU_ASSERT_EQUAL(yh_festival_date("chuxi", 1899, &m, &d, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_festival_date("guoqing", 0, &m, &d, NULL), YH_EINVAL);
	/* the whole table range works */
	CU_ASSERT_EQUAL(mmdd("chunjie", 1900), 131);
	CU_ASSERT_EQUAL(mmdd("chuxi", 1900), 130);
	CU_ASSERT_EQUAL(mmdd("chongyang", 2100), 1012);
}

static void test_rule_dates(void)
{
	static const struct {
		const char *spec;
		int year, rc, mmdd;
	} v[] = {
		{ "07-01", 2024, 0, 701 },
		{ "12-31", 2023, 0, 1231 },
		{ "02-29", 2024, 0, 229 },
		{ "02-29", 2023, YH_ENOTFOUND, 0 },
		{ "L:09-09", 2025, 0, 1029 },   /* = 重阳 */
		{ "L:01-01", 2023, 0, 122 },    /* = 春节 */
		{ "L:05-05", 2028, 0, 528 },    /* regular 五月 in a 闰五月 year */
		{ "L:12-08", 2022, 0, 1230 },   /* 腊八 of 壬寅 falls in December */
		{ "L:12-08", 2023, 0, 118 },    /* ... and of 癸卯 in January 2024 */
		{ "L:12-30", 2024, 0, 128 },    /* 甲辰 腊月 has 29 days: falls back to 廿九 */
		{ "L:12-30", 2022, 0, 121 },    /* 壬寅 腊月 has 30 */
		{ "chongyang", 2024, 0, 1011 },
		{ "L:09-09", 2101, YH_EINVAL, 0 },
		{ "07-01", 10000, YH_EINVAL, 0 },
	};
	size_t i;
	int m, d, rc;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		m = d = 0;
		rc = yh_calendar_rule_date(v[i].spec, v[i].year, &m, &d, NULL);
		CU_ASSERT_EQUAL(rc, v[i].rc);
		if (v[i].rc == 0)
			CU_ASSERT_EQUAL(m * 100 + d, v[i].mmdd);
	}
}

static void test_rule_specs(void)
{
	static const char *const good[] = {
		"01-01", "02-29", "12-31", "L:01-01", "L:12-30", "L:02-30", "chunjie", "chuxi",
	};
	static const char *const bad[] = {
		"13-01", "00-10", "02-30", "04-31", "01-00", "L:13-01", "L:01-31", "L:00-01",
		"7-01", "07-1", "L:7-01", "L:", "", "xx", "l:01-01", "L01-01", "07/01", "07-011",
		" 07-01", "L:L:01-01",
	};
	size_t i;
	int m, d;
	yh_err err;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(yh_calendar_rule_check(good[i], NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_calendar_rule_check(bad[i], &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "spec");
		CU_ASSERT_EQUAL(yh_calendar_rule_date(bad[i], 2024, &m, &d, NULL), YH_EINVAL);
	}
	CU_ASSERT_EQUAL(yh_calendar_rule_check(NULL, NULL), YH_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Ages                                                                 */
/* ------------------------------------------------------------------ */

static void test_ages(void)
{
	static const struct {
		int by, bm, bd, y, m, d;
		yh_feb29_rule feb29;
		int want;
	} zs[] = {
		/* domain.md 2.7 */
		{ 1932, 10, 4, 2022, 10, 4, YH_FEB29_ON_FEB28, 90 },
		{ 1932, 10, 4, 2022, 10, 3, YH_FEB29_ON_FEB28, 89 },
		{ 1942, 6, 30, 2022, 6, 30, YH_FEB29_ON_FEB28, 80 },
		{ 1942, 6, 30, 2022, 6, 29, YH_FEB29_ON_FEB28, 79 },
		{ 1952, 3, 15, 2022, 3, 15, YH_FEB29_ON_FEB28, 70 },
		{ 1952, 3, 15, 2025, 3, 15, YH_FEB29_ON_FEB28, 73 },
		/* 29 February births */
		{ 1940, 2, 29, 2023, 2, 27, YH_FEB29_ON_FEB28, 82 },
		{ 1940, 2, 29, 2023, 2, 28, YH_FEB29_ON_FEB28, 83 },
		{ 1940, 2, 29, 2023, 2, 28, YH_FEB29_ON_MAR01, 82 },
		{ 1940, 2, 29, 2023, 3, 1, YH_FEB29_ON_MAR01, 83 },
		{ 1940, 2, 29, 2024, 2, 28, YH_FEB29_ON_FEB28, 83 },
		{ 1940, 2, 29, 2024, 2, 29, YH_FEB29_ON_MAR01, 84 },
		{ 1940, 2, 29, 1940, 2, 29, YH_FEB29_ON_FEB28, 0 },
		{ 1940, 2, 29, 1941, 2, 28, YH_FEB29_ON_FEB28, 1 },
		{ 1940, 2, 29, 1941, 2, 28, YH_FEB29_ON_MAR01, 0 },
		{ 1950, 12, 31, 2022, 1, 1, YH_FEB29_ON_FEB28, 71 },
	};
	size_t i;
	yh_err err;

	for (i = 0; i < sizeof(zs) / sizeof(zs[0]); i++)
		CU_ASSERT_EQUAL(yh_age_zhousui(zs[i].by, zs[i].bm, zs[i].bd, zs[i].y, zs[i].m,
					       zs[i].d, zs[i].feb29, NULL), zs[i].want);

	/* 虚岁 in 2022 of someone born 1932-10-04 is 91 (domain.md 2.7) */
	CU_ASSERT_EQUAL(yh_age_xusui(1932, 10, 4, 2022, 1, 1, YH_XUSUI_CALENDAR_YEAR, NULL), 91);
	CU_ASSERT_EQUAL(yh_age_xusui(1932, 10, 4, 2022, 12, 31, YH_XUSUI_CALENDAR_YEAR, NULL), 91);
	CU_ASSERT_EQUAL(yh_age_xusui(1932, 10, 4, 1932, 10, 4, YH_XUSUI_CALENDAR_YEAR, NULL), 1);
	/* lunar years: 2022-01-31 is still 辛丑 (除夕), 2022-02-01 starts 壬寅 */
	CU_ASSERT_EQUAL(yh_age_xusui(1932, 10, 4, 2022, 1, 31, YH_XUSUI_LUNAR_YEAR, NULL), 90);
	CU_ASSERT_EQUAL(yh_age_xusui(1932, 10, 4, 2022, 2, 1, YH_XUSUI_LUNAR_YEAR, NULL), 91);
	/* born 1933-01-20, still 壬申 (1933 春节 01-26): one more 虚岁 on 1933 春节 */
	CU_ASSERT_EQUAL(yh_age_xusui(1933, 1, 20, 1933, 1, 25, YH_XUSUI_LUNAR_YEAR, NULL), 1);
	CU_ASSERT_EQUAL(yh_age_xusui(1933, 1, 20, 1933, 1, 26, YH_XUSUI_LUNAR_YEAR, NULL), 2);

	/* errors */
	CU_ASSERT_EQUAL(yh_age_zhousui(1932, 10, 4, 1932, 10, 3, YH_FEB29_ON_FEB28, &err),
			YH_EINVAL);
	CU_ASSERT_EQUAL(yh_age_zhousui(1931, 2, 29, 2022, 1, 1, YH_FEB29_ON_FEB28, &err),
			YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "birth_date");
	CU_ASSERT_EQUAL(yh_age_zhousui(1932, 10, 4, 2022, 2, 30, YH_FEB29_ON_FEB28, &err),
			YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "date");
	CU_ASSERT_EQUAL(yh_age_xusui(1900, 1, 1, 2022, 1, 1, YH_XUSUI_LUNAR_YEAR, NULL),
			YH_EINVAL);
	CU_ASSERT_EQUAL(yh_age_xusui(1900, 1, 1, 2022, 1, 1, YH_XUSUI_CALENDAR_YEAR, NULL), 123);
}

/* ------------------------------------------------------------------ */
/* Important birthdays                                                  */
/* ------------------------------------------------------------------ */

enum { GREG = YH_BDAY_GREGORIAN, LUNAR = YH_BDAY_LUNAR, ZS = YH_AGE_ZHOUSUI, XS = YH_AGE_XUSUI };

static void test_bday_rule(void)
{
	yh_bday_rule r;
	int age, want;

	yh_bday_rule_init(&r);
	CU_ASSERT_EQUAL(r.age_basis, YH_AGE_ZHOUSUI);
	CU_ASSERT_EQUAL(r.calendar, YH_BDAY_GREGORIAN);
	CU_ASSERT_EQUAL(r.feb29, YH_FEB29_ON_FEB28);
	for (age = 0; age <= 130; age++) {
		want = (age >= 70 && age < 100 && age % 5 == 0) || age >= 100;
		CU_ASSERT_EQUAL(yh_bday_is_milestone(&r, age), want);
	}
	r.every_year_from = 0;
	CU_ASSERT_EQUAL(yh_bday_is_milestone(&r, 101), 0);
	r.n_milestones = 1;
	r.milestones[0] = 88;
	CU_ASSERT_EQUAL(yh_bday_is_milestone(&r, 88), 1);
	CU_ASSERT_EQUAL(yh_bday_is_milestone(&r, 70), 0);
}

static void test_bday_cases(void)
{
	/*
	 * Lunar dates used here, checked with lunar-javascript (6tail):
	 * 1932-10-04 = 壬申 九月初五, 2022-09-30 = 壬寅 九月初五;
	 * 1942-06-13 = 壬午 四月三十, 壬寅 四月 has 29 days, 廿九 = 2022-05-29;
	 * 1952-07-21 = 壬辰 闰五月三十; 壬寅 五月三十 = 2022-06-28;
	 *   丁未 (2027) 五月 has 29 days, 廿九 = 2027-07-03;
	 * 1927-01-11 = 丙寅 腊月初八, 1927-12-31 = 丁卯 腊月初八;
	 *   腊八 = 2021-01-20 (庚子), 2022-01-10 (辛丑) and 2022-12-30 (壬寅);
	 * 1953-01-19 = 壬辰 腊月初五; 腊月初五 = 2022-12-27 (壬寅), 2024-01-15 (癸卯).
	 */
	static const struct {
		int cal, basis, feb29;
		int by, bm, bd, year;
		int found, important, age, m, d;
	} v[] = {
		/* domain.md 2.7, defaults */
		{ GREG, ZS, 0, 1932, 10, 4, 2022, 1, 1, 90, 10, 4 },
		{ GREG, ZS, 0, 1932, 10, 4, 2021, 1, 0, 89, 10, 4 },
		{ GREG, ZS, 0, 1942, 6, 30, 2022, 1, 1, 80, 6, 30 },
		{ GREG, ZS, 0, 1952, 3, 15, 2022, 1, 1, 70, 3, 15 },
		{ GREG, ZS, 0, 1952, 3, 15, 2025, 1, 0, 73, 3, 15 },
		{ GREG, ZS, 0, 1920, 5, 1, 2019, 1, 0, 99, 5, 1 },
		{ GREG, ZS, 0, 1920, 5, 1, 2020, 1, 1, 100, 5, 1 },
		{ GREG, ZS, 0, 1920, 5, 1, 2023, 1, 1, 103, 5, 1 },
		{ GREG, ZS, 0, 1932, 10, 4, 1932, 1, 0, 0, 10, 4 },
		/* 90 虚岁 in 2022 for a 1933 birth (zhousui 89) */
		{ GREG, XS, 0, 1933, 5, 1, 2022, 1, 1, 90, 5, 1 },
		{ GREG, ZS, 0, 1933, 5, 1, 2022, 1, 0, 89, 5, 1 },
		{ GREG, XS, 0, 1932, 10, 4, 2022, 1, 0, 91, 10, 4 },
		/* 29 February */
		{ GREG, ZS, YH_FEB29_ON_FEB28, 1940, 2, 29, 2025, 1, 1, 85, 2, 28 },
		{ GREG, ZS, YH_FEB29_ON_MAR01, 1940, 2, 29, 2025, 1, 1, 85, 3, 1 },
		{ GREG, ZS, YH_FEB29_ON_MAR01, 1940, 2, 29, 2020, 1, 1, 80, 2, 29 },
		{ GREG, ZS, YH_FEB29_ON_FEB28, 1944, 2, 29, 2024, 1, 1, 80, 2, 29 },
		/* lunar birthdays */
		{ LUNAR, ZS, 0, 1932, 10, 4, 2022, 1, 1, 90, 9, 30 },
		{ LUNAR, XS, 0, 1932, 10, 4, 2022, 1, 0, 91, 9, 30 },
		{ LUNAR, ZS, 0, 1942, 6, 13, 2022, 1, 1, 80, 5, 29 },  /* 三十 -> 廿九 */
		{ LUNAR, ZS, 0, 1952, 7, 21, 2022, 1, 1, 70, 6, 28 },  /* 闰五月 -> 五月 */
		{ LUNAR, ZS, 0, 1952, 7, 21, 2027, 1, 1, 75, 7, 3 },   /* both rules */
		{ LUNAR, ZS, 0, 1927, 1, 11, 2022, 1, 1, 95, 1, 10 },  /* two 腊八: first is 95 */
		{ LUNAR, ZS, 0, 1927, 12, 31, 2022, 1, 1, 95, 12, 30 }, /* second is 95 */
		{ LUNAR, ZS, 0, 1927, 12, 31, 2021, 1, 0, 93, 1, 20 },
		{ LUNAR, ZS, 0, 1953, 1, 19, 2022, 1, 1, 70, 12, 27 },
		{ LUNAR, ZS, 0, 1953, 1, 19, 2023, 0, 0, 0, 0, 0 },    /* 癸卯 腊月 is in 2024 */
		{ LUNAR, ZS, 0, 1953, 1, 19, 2024, 1, 0, 71, 1, 15 },
	};
	yh_bday_rule r;
	yh_bday b;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		yh_bday_rule_init(&r);
		r.calendar = (yh_bday_calendar)v[i].cal;
		r.age_basis = (yh_age_basis)v[i].basis;
		r.feb29 = (yh_feb29_rule)v[i].feb29;
		rc = yh_bday_in_year(&b, &r, v[i].by, v[i].bm, v[i].bd, v[i].year, NULL);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0 || b.found != v[i].found || b.important != v[i].important ||
		    b.age != v[i].age || b.month != v[i].m || b.day != v[i].d) {
			fprintf(stderr, "\ncase %zu: got found=%d imp=%d age=%d %02d-%02d\n", i,
				b.found, b.important, b.age, b.month, b.day);
			CU_FAIL("birthday differs");
		}
	}
}

static void test_bday_errors(void)
{
	yh_bday_rule r;
	yh_bday b;
	yh_err err;

	yh_bday_rule_init(&r);
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1932, 10, 4, 1931, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "year");
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1931, 2, 29, 2022, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "birth_date");
	r.n_milestones = YH_BDAY_MAX_MILESTONES + 1;
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1932, 10, 4, 2022, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "milestones");
	yh_bday_rule_init(&r);
	r.milestones[0] = 0;
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1932, 10, 4, 2022, NULL), YH_EINVAL);
	yh_bday_rule_init(&r);
	r.calendar = (yh_bday_calendar)7;
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1932, 10, 4, 2022, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "calendar");
	/* lunar birthdays need the table */
	yh_bday_rule_init(&r);
	r.calendar = YH_BDAY_LUNAR;
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1900, 1, 1, 1990, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_bday_in_year(&b, &r, 1932, 10, 4, 2102, NULL), YH_EINVAL);
	CU_ASSERT_EQUAL(b.found, 0);
}

int main(void)
{
	static const struct {
		const char *suite, *name;
		void (*fn)(void);
	} tests[] = {
		{ "date", "known day numbers", test_date_known },
		{ "date", "every day 0001-9999", test_date_every_day },
		{ "date", "leap years", test_date_leap },
		{ "date", "strict parse", test_date_parse },
		{ "date", "format and arithmetic", test_date_format_arith },
		{ "festival", "domain.md 2.8 vectors", test_domain_festivals },
		{ "festival", "published 2000-2035", test_published_festivals },
		{ "festival", "fixed dates", test_fixed_festivals },
		{ "festival", "names and errors", test_festival_names_errors },
		{ "festival", "rule dates", test_rule_dates },
		{ "festival", "rule specs", test_rule_specs },
		{ "age", "zhousui and xusui", test_ages },
		{ "bday", "rule defaults", test_bday_rule },
		{ "bday", "important birthdays", test_bday_cases },
		{ "bday", "errors", test_bday_errors },
	};
	CU_pSuite suite = NULL;
	const char *current = "";
	unsigned int failures;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return (int)CU_get_error();
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (strcmp(current, tests[i].suite) != 0) {
			suite = CU_add_suite(tests[i].suite, NULL, NULL);
			if (suite == NULL)
				goto fail;
			current = tests[i].suite;
		}
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto fail;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
fail:
	CU_cleanup_registry();
	return 1;
}
