/*
 * fuzz_lunar.c - the lunar calendar and the birthday rules.
 *
 * The first 8 bytes pick a Gregorian date inside the lunar table
 * (1900-01-31 .. 2101-01-28), a birthday rule and a target year; further
 * bytes are a festival/date-rule spec. The same bytes read as raw integers
 * probe the out-of-range paths.
 *
 * Invariants: solar -> lunar -> solar is the identity; the lunar date of
 * the next day is the next lunar day (or day 1 of the next month); every
 * lunar festival falls on its lunar date; a Gregorian birthday always
 * exists and its 周岁 age agrees with yh_age_zhousui(); no crash or UB on
 * any integers.
 */
#include <string.h>

#include "fuzz.h"
#include "yinhui/calendar.h"
#include "yinhui/encoding.h"
#include "yinhui/lunar.h"

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* dt in the table: its lunar date, checked both ways. */
static void check_roundtrip(yh_date dt, int *ly, int *lm, int *ld, int *leap)
{
	char buf[YH_LUNAR_FORMAT_BUFSZ];
	int y, m, d, y2, m2, d2, days;
	yh_date back;
	yh_err err;
	size_t n;

	yh_err_clear(&err);
	yh_date_to_ymd(dt, &y, &m, &d);
	FUZZ_CHECK(yh_solar_to_lunar(y, m, d, ly, lm, ld, leap, &err) == 0, "solar_to_lunar %d-%d-%d: %s",
		   y, m, d, err.msg);
	FUZZ_CHECK(*ly >= YH_LUNAR_MIN_YEAR && *ly <= YH_LUNAR_MAX_YEAR && *lm >= 1 && *lm <= 12 &&
		   (*leap == 0 || *leap == 1), "lunar of %d-%d-%d: %d/%d/%d leap %d", y, m, d, *ly, *lm,
		   *ld, *leap);
	days = yh_lunar_month_days(*ly, *lm, *leap);
	FUZZ_CHECK((days == 29 || days == 30) && *ld >= 1 && *ld <= days, "lday %d of %d", *ld, days);
	FUZZ_CHECK(!*leap || yh_lunar_leap_month(*ly) == *lm, "leap month %d of %d", *lm, *ly);
	FUZZ_CHECK(*ly == y || *ly == y - 1, "lunar year %d for %d", *ly, y);
	FUZZ_CHECK(yh_lunar_to_solar(*ly, *lm, *ld, *leap, &y2, &m2, &d2, &err) == 0 && y2 == y &&
		   m2 == m && d2 == d, "%d-%d-%d -> %d/%d/%d%s -> %d-%d-%d", y, m, d, *ly, *lm, *ld,
		   *leap ? "L" : "", y2, m2, d2);
	FUZZ_CHECK(yh_lunar_to_date(&back, *ly, *lm, *ld, *leap, &err) == 0 && back == dt, "to_date");
	FUZZ_CHECK(yh_lunar_format(buf, sizeof(buf), *ly, *lm, *ld, *leap, &err) == 0, "format");
	n = strlen(buf);
	FUZZ_CHECK(n > 0 && yh_encoding_utf8_valid_prefix(buf, n) == n, "format not UTF-8");
	FUZZ_CHECK(yh_lunar_ganzhi(buf, sizeof(buf), *ly, &err) == 0 && strlen(buf) == 6, "ganzhi");
	FUZZ_CHECK(yh_lunar_zodiac(*ly) != NULL, "zodiac");
	days = yh_lunar_year_days(*ly);
	FUZZ_CHECK(days >= 353 && days <= 385, "year %d has %d days", *ly, days);
}

/* The day after dt is the next lunar day. */
static void check_successor(yh_date dt, int ly, int lm, int ld, int leap)
{
	int ly2, lm2, ld2, leap2, last;
	yh_err err;

	yh_err_clear(&err);
	if (yh_lunar_from_date(dt + 1, &ly2, &lm2, &ld2, &leap2, &err) != 0)
		return; /* dt is the last day of the table */
	FUZZ_CHECK(yh_date_weekday(dt + 1) == yh_date_weekday(dt) % 7 + 1, "weekday");
	if (ly2 == ly && lm2 == lm && leap2 == leap) {
		FUZZ_CHECK(ld2 == ld + 1, "day after %d is %d", ld, ld2);
		return;
	}
	last = yh_lunar_month_days(ly, lm, leap);
	FUZZ_CHECK(ld == last && ld2 == 1, "month change on day %d of %d (next %d)", ld, last, ld2);
	if (leap2)
		FUZZ_CHECK(ly2 == ly && lm2 == lm && !leap, "leap month %d after %d", lm2, lm);
	else if (lm2 == 1)
		FUZZ_CHECK(ly2 == ly + 1 && lm == 12, "new year after month %d", lm);
	else
		FUZZ_CHECK(ly2 == ly && lm2 == lm + 1, "month %d after %d", lm2, lm);
}

/* One festival per input (each costs a walk over the table): festival i in year. */
static void check_festival(int year, size_t i)
{
	static const struct { const char *code; int lm, ld; } lunar_fest[] = {
		{ "chunjie", 1, 1 }, { "yuanxiao", 1, 15 }, { "duanwu", 5, 5 },
		{ "zhongqiu", 8, 15 }, { "chongyang", 9, 9 },
	};
	const char *code;
	int m = 0, d = 0, ly = 0, lm = 0, ld = 0, leap = 0;
	size_t n = 0, k;
	yh_err err;

	while (yh_festival_code_at(n) != NULL)
		n++;
	code = yh_festival_code_at(i % n);
	yh_err_clear(&err);
	FUZZ_CHECK(yh_festival_date(code, year, &m, &d, &err) == 0, "%s %d: %s", code, year, err.msg);
	FUZZ_CHECK(yh_date_valid_ymd(year, m, d), "%s %d: %d-%d", code, year, m, d);
	if (yh_solar_to_lunar(year, m, d, &ly, &lm, &ld, &leap, &err) != 0) {
		/* only 除夕 1900 and the fixed days of January 1900 precede the table */
		FUZZ_CHECK(year == 1900 && m == 1, "%s %d: %s", code, year, err.msg);
		return;
	}
	for (k = 0; k < sizeof(lunar_fest) / sizeof(lunar_fest[0]); k++)
		if (strcmp(code, lunar_fest[k].code) == 0)
			FUZZ_CHECK(lm == lunar_fest[k].lm && ld == lunar_fest[k].ld && !leap && ly == year,
				   "%s %d falls on lunar %d/%d/%d%s", code, year, ly, lm, ld, leap ? "L" : "");
	if (strcmp(code, "chuxi") == 0)
		FUZZ_CHECK(ly == year - 1 && lm == 12 && ld == yh_lunar_month_days(ly, 12, leap),
			   "chuxi %d falls on lunar %d/%d/%d", year, ly, lm, ld);
}

static void check_bday(int by, int bm, int bd, int year, const uint8_t *b)
{
	yh_bday_rule rule;
	yh_bday out;
	yh_err err;
	int rc, age, valid, n;

	/* mostly valid rules, with a margin of invalid values on every knob */
	yh_bday_rule_init(&rule);
	rule.age_basis = (yh_age_basis)((b[0] & 0x10) ? (b[0] & 3) : (b[0] & 1));
	rule.calendar = (yh_bday_calendar)((b[0] & 0x20) ? ((b[0] >> 2) & 3) : ((b[0] >> 1) & 1));
	rule.feb29 = (yh_feb29_rule)((b[0] & 0x40) ? ((b[0] >> 2) & 3) : ((b[0] >> 2) & 1));
	rule.every_year_from = (int)(b[1] % 160) - 5;
	n = b[2] % (YH_BDAY_MAX_MILESTONES + 2);
	rule.n_milestones = n;
	for (int i = 0; i < n && i < YH_BDAY_MAX_MILESTONES; i++)
		rule.milestones[i] = (i * 7 + b[2]) % 152;
	valid = rule.age_basis <= 1 && rule.calendar <= 1 && rule.feb29 <= 1 &&
		rule.every_year_from >= 0 && rule.every_year_from <= 150 && n <= YH_BDAY_MAX_MILESTONES;
	for (int i = 0; valid && i < n; i++)
		valid = rule.milestones[i] >= 1 && rule.milestones[i] <= 150;
	yh_err_clear(&err);
	rc = yh_bday_in_year(&out, &rule, by, bm, bd, year, &err);
	if (!valid) {
		FUZZ_CHECK(rc == YH_EINVAL, "invalid rule accepted");
		return;
	}
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "bday code %d", rc);
		/* only the lunar table's end may refuse a valid birth and year */
		FUZZ_CHECK(rule.calendar == YH_BDAY_LUNAR && year > YH_LUNAR_MAX_YEAR,
			   "bday %d-%d-%d in %d refused: %s", by, bm, bd, year, err.msg);
		return;
	}
	if (!out.found) {
		FUZZ_CHECK(rule.calendar == YH_BDAY_LUNAR, "no Gregorian birthday %d-%d-%d in %d", by,
			   bm, bd, year);
		return;
	}
	FUZZ_CHECK(yh_date_valid_ymd(year, out.month, out.day), "birthday %d-%d", out.month, out.day);
	FUZZ_CHECK(out.important == yh_bday_is_milestone(&rule, out.age), "important flag");
	FUZZ_CHECK(out.age >= 0 && out.age <= year - by + 2, "age %d", out.age);
	if (rule.calendar == YH_BDAY_GREGORIAN) {
		age = yh_age_zhousui(by, bm, bd, year, out.month, out.day, rule.feb29, &err);
		FUZZ_CHECK(age == year - by, "zhousui on the birthday %d-%d-%d: %d, want %d", year,
			   out.month, out.day, age, year - by);
		FUZZ_CHECK(out.age == age + (rule.age_basis == YH_AGE_XUSUI), "age %d vs %d", out.age, age);
	}
}

/* Whatever the integers, the range checks hold and nothing faults. */
static void check_raw(const uint8_t *b)
{
	int y = (int16_t)(b[0] | b[1] << 8), m = (int8_t)b[2], d = (int8_t)b[3];
	int leap = b[4] & 1, out1, out2, out3, out4;
	char buf[YH_LUNAR_FORMAT_BUFSZ];
	yh_bday_rule rule;
	yh_bday bday;
	yh_date dt;
	yh_err err;

	yh_err_clear(&err);
	(void)yh_solar_to_lunar(y, m, d, &out1, &out2, &out3, &out4, &err);
	if (yh_lunar_to_solar(y, m, d, leap, &out1, &out2, &out3, &err) == 0)
		FUZZ_CHECK(yh_date_valid_ymd(out1, out2, out3), "lunar %d/%d/%d", y, m, d);
	(void)yh_lunar_month_days(y, m, leap);
	(void)yh_lunar_year_days(y);
	(void)yh_lunar_leap_month(y);
	(void)yh_lunar_format(buf, sizeof(buf), y, m, d, leap, &err);
	(void)yh_lunar_ganzhi(buf, sizeof(buf), y, &err);
	(void)yh_lunar_zodiac(y);
	(void)yh_age_zhousui(y, m, d, (int16_t)(b[5] | b[6] << 8), m, d, YH_FEB29_ON_FEB28, &err);
	(void)yh_age_xusui(y, m, d, (int16_t)(b[5] | b[6] << 8), m, d, YH_XUSUI_LUNAR_YEAR, &err);
	yh_bday_rule_init(&rule);
	rule.calendar = (b[7] & 1) ? YH_BDAY_LUNAR : YH_BDAY_GREGORIAN;
	(void)yh_bday_in_year(&bday, &rule, y, m, d, (int16_t)(b[5] | b[6] << 8), &err);
	if (yh_date_from_ymd(&dt, y, m, d, &err) == 0)
		(void)yh_lunar_from_date(dt, &out1, &out2, &out3, &out4, &err);
	(void)yh_lunar_from_date((yh_date)u32(b), &out1, &out2, &out3, &out4, &err);
	(void)yh_date_add_days(&dt, (yh_date)u32(b), (int32_t)u32(b + 4), &err);
	yh_date_to_ymd((yh_date)u32(b), &out1, &out2, &out3);
	(void)yh_date_weekday((yh_date)u32(b + 4));
}

/* Bytes after the first 8: a configured date rule. */
static void check_rule(const uint8_t *data, size_t size, int year)
{
	char *spec = malloc(size + 1);
	int m, d, rc;
	yh_err err;

	FUZZ_CHECK(spec != NULL, "oom");
	memcpy(spec, data, size);
	spec[size] = '\0';
	yh_err_clear(&err);
	rc = yh_calendar_rule_check(spec, &err);
	if (rc == 0) {
		rc = yh_calendar_rule_date(spec, year, &m, &d, &err);
		/* lunar rules need a year in the table; y can be 2101 */
		FUZZ_CHECK(rc == 0 || rc == YH_ENOTFOUND || (rc == YH_EINVAL && year > YH_LUNAR_MAX_YEAR),
			   "rule '%s' in %d: %d %s", spec, year, rc, err.msg);
		if (rc == 0)
			FUZZ_CHECK(yh_date_valid_ymd(year, m, d) || (spec[0] == 'L' && m == 1),
				   "rule '%s' in %d gave %d-%d", spec, year, m, d);
		else if (rc == YH_ENOTFOUND)
			FUZZ_CHECK(strstr(spec, "02-29") != NULL, "rule '%s' missing in %d", spec, year);
	} else {
		FUZZ_CHECK(rc == YH_EINVAL, "rule check code %d", rc);
		FUZZ_CHECK(yh_calendar_rule_date(spec, year, &m, &d, &err) == YH_EINVAL,
			   "refused rule '%s' gives a date", spec);
		FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err.msg, strlen(err.msg)) == strlen(err.msg),
			   "message not UTF-8");
	}
	free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yh_date first, last, dt, birth;
	int ly, lm, ld, leap, y, m, d, year;
	yh_err err;

	if (size < 8)
		return 0;
	yh_err_clear(&err);
	FUZZ_CHECK(yh_date_from_ymd(&first, 1900, 1, 31, &err) == 0 &&
		   yh_date_from_ymd(&last, 2101, 1, 28, &err) == 0, "table ends");
	dt = first + (yh_date)(u32(data) % (uint32_t)(last - first + 1));
	check_roundtrip(dt, &ly, &lm, &ld, &leap);
	check_successor(dt, ly, lm, ld, leap);
	if (dt == first)
		FUZZ_CHECK(yh_lunar_from_date(dt - 1, &ly, &lm, &ld, &leap, &err) == YH_EINVAL, "before table");
	if (dt == last)
		FUZZ_CHECK(yh_lunar_from_date(dt + 1, &ly, &lm, &ld, &leap, &err) == YH_EINVAL, "after table");

	/* dt as a birth date, celebrated 0..150 years later */
	birth = dt;
	yh_date_to_ymd(birth, &y, &m, &d);
	year = y + data[4] % 151;
	check_bday(y, m, d, year, data + 5);
	check_festival(YH_LUNAR_MIN_YEAR + (int)(u32(data + 4) % (YH_LUNAR_MAX_YEAR - YH_LUNAR_MIN_YEAR + 1)),
		       u32(data + 4) / (YH_LUNAR_MAX_YEAR - YH_LUNAR_MIN_YEAR + 1));
	check_raw(data);
	if (size > 8)
		check_rule(data + 8, size - 8, y);
	return 0;
}
