/*
 * Calendar obligations against a real PostgreSQL: festival dates for every
 * year 2000-2035 (hand-typed vectors and the calendar module), which groups
 * each rule covers, important birthdays including 29 February and the
 * lunar/虚岁 options, and generation run twice (and concurrently) without
 * duplicates.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "case_util.h"
#include "yinhui/calendar.h"

static const char *lx;   /* 离休 party member */
static const char *tx;   /* 退休, not a party member */
static const char *widow; /* survivor of a deceased cadre */
static const char *wife;  /* survivor of a living cadre */

/* Due dates of person's obligations from source, comma-separated in date order. */
static const char *dues(const char *person, const char *source)
{
	const char *p[2] = { person, source };

	return case_q("SELECT coalesce(string_agg(o.due_on::text, ',' ORDER BY o.due_on), '')"
		" FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.uid = $1::uuid AND o.source = $2", 2, p);
}

static const char *due_in(const char *person, const char *source, int year)
{
	char y[8];
	const char *p[3] = { person, source, y };

	snprintf(y, sizeof(y), "%d", year);
	return case_q("SELECT coalesce(string_agg(o.due_on::text, ','), '') FROM yh.obligation o"
		" JOIN yh.person p ON p.id = o.person_id WHERE p.uid = $1::uuid AND o.source = $2"
		" AND extract(year FROM o.due_on) = $3::int", 3, p);
}

static int generate(const yh_actor *a, const char *from, const char *through, long *fest, long *bday)
{
	yh_fields *f = yh_t_fields("from", from, "through", through, NULL);
	char *out = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_obligation_generate(T.db, a, f, &out, &err);
	if (rc != 0)
		fprintf(stderr, "generate: %s %s\n", err.field, err.msg);
	if (fest)
		*fest = rc == 0 ? atol(yh_t_json(out, "festival")) : -1;
	if (bday)
		*bday = rc == 0 ? atol(yh_t_json(out, "birthday")) : -1;
	free(out);
	yh_fields_free(f);
	return rc;
}

static void test_festivals_2000_2035(void)
{
	/* 中秋 八月十五, hand-typed from a published table */
	static const char *const zhongqiu[36] = { "2000-09-12", "2001-10-01", "2002-09-21", "2003-09-11",
		"2004-09-28", "2005-09-18", "2006-10-06", "2007-09-25", "2008-09-14", "2009-10-03", "2010-09-22",
		"2011-09-12", "2012-09-30", "2013-09-19", "2014-09-08", "2015-09-27", "2016-09-15", "2017-10-04",
		"2018-09-24", "2019-09-13", "2020-10-01", "2021-09-21", "2022-09-10", "2023-09-29", "2024-09-17",
		"2025-10-06", "2026-09-25", "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12", "2031-10-01",
		"2032-09-19", "2033-09-08", "2034-09-27", "2035-09-16" };
	/* domain.md 2.8, 2022-2031 */
	static const char *const chunjie[10] = { "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17",
		"2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23" };
	static const char *const chongyang[10] = { "2022-10-04", "2023-10-23", "2024-10-11", "2025-10-29",
		"2026-10-18", "2027-10-08", "2028-10-26", "2029-10-16", "2030-10-05", "2031-10-24" };
	static const char *const codes[] = { "chunjie", "zhongqiu", "chongyang", "qiyi" };
	const char *dead;
	long fest = 0, bday = 0;
	char buf[64];

	lx = case_cadre("chikan-east", "甲离休", "1931-01-15", "离休");
	case_set(lx, "party_member = true");
	tx = case_cadre("chikan", "乙退休", "1945-05-05", "退休");
	dead = case_cadre("chikan", "丙已故", "1925-01-01", "离休");
	widow = case_survivor(dead, "丙遗孀", "1930-03-03");
	case_set(dead, "deceased_on = DATE '1999-01-01'");
	wife = case_survivor(lx, "甲配偶", "1933-03-03");
	CU_ASSERT_EQUAL_FATAL(generate(&T.admin, "2000-01-01", "2035-12-31", &fest, &bday), 0);
	/* lx: 4 rules x 36; tx: 中秋 春节 重阳 x 36; widow: 春节 元旦 x 36 */
	CU_ASSERT_EQUAL(fest, 4 * 36 + 3 * 36 + 2 * 36);
	/* lx born 1931-01-15: 70 75 80 85 90 95 and 100..104; tx born 1945: 70 75 80 85 90 */
	CU_ASSERT_EQUAL(bday, 11 + 5);

	for (int y = 2000; y <= 2035; y++) {
		CU_ASSERT_STRING_EQUAL(due_in(lx, "festival:zhongqiu", y), zhongqiu[y - 2000]);
		CU_ASSERT_STRING_EQUAL(due_in(tx, "festival:zhongqiu", y), zhongqiu[y - 2000]);
		for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
			char src[32];
			int m, d;
			yh_festival_date(codes[k], y, &m, &d, NULL);
			snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
			snprintf(src, sizeof(src), "festival:%s", codes[k]);
			CU_ASSERT_STRING_EQUAL(due_in(lx, src, y), buf);
		}
		if (y >= 2022 && y <= 2031) {
			CU_ASSERT_STRING_EQUAL(due_in(lx, "festival:chunjie", y), chunjie[y - 2022]);
			CU_ASSERT_STRING_EQUAL(due_in(lx, "festival:chongyang", y), chongyang[y - 2022]);
			CU_ASSERT_STRING_EQUAL(due_in(widow, "festival:chunjie", y), chunjie[y - 2022]);
		}
		snprintf(buf, sizeof(buf), "%04d-01-01", y);
		CU_ASSERT_STRING_EQUAL(due_in(widow, "festival:yuandan", y), buf);
	}
	/* who each rule covers */
	CU_ASSERT_STRING_EQUAL(dues(tx, "festival:qiyi"), "");
	CU_ASSERT_STRING_EQUAL(dues(lx, "festival:yuandan"), "");
	CU_ASSERT_STRING_EQUAL(dues(widow, "festival:zhongqiu"), "");
	CU_ASSERT_STRING_EQUAL(dues(wife, "festival:chunjie"), "");
	CU_ASSERT_STRING_EQUAL(dues(dead, "festival:chunjie"), "");
	{
		const char *p[1] = { lx };
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:zhongqiu' AND o.occasion = '重大节日'"
			" AND o.window_start = o.due_on - 14 AND o.window_end = o.due_on + 30 AND o.state = 'open'", 1, p), 36);
		CU_ASSERT_STRING_EQUAL(case_q("SELECT o.title FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'festival:chongyang' AND o.due_on = '2025-10-29'", 1, p),
			"重阳节 2025");
	}
}

struct gen_thread {
	int rc;
	pthread_barrier_t *start;
};

static void *gen_concurrent(void *arg)
{
	struct gen_thread *g = arg;
	yh_fields *f = yh_t_fields("from", "2036-01-01", "through", "2040-12-31", NULL);
	yh_db *db = NULL;
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	yh_db_open(&db, T.conninfo, "gen", &err);
	pthread_barrier_wait(g->start);
	g->rc = db ? yh_obligation_generate(db, &T.admin, f, &out, &err) : 99;
	free(out);
	yh_fields_free(f);
	yh_db_close(db);
	return NULL;
}

static void test_generate_twice(void)
{
	long total = yh_t_count("SELECT count(*) FROM yh.obligation"), fest = -1, bday = -1;
	struct gen_thread g[3];
	pthread_t th[3];
	pthread_barrier_t start;

	CU_ASSERT_EQUAL(generate(&T.admin, "2000-01-01", "2035-12-31", &fest, &bday), 0);
	CU_ASSERT_EQUAL(fest, 0);
	CU_ASSERT_EQUAL(bday, 0);
	CU_ASSERT_EQUAL(generate(&T.cw_a, "2020-01-01", "2030-12-31", &fest, &bday), 0);
	CU_ASSERT_EQUAL(fest + bday, 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.obligation"), total);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'obligation.generate'"), 3);
	/* three at once over a new window: the unique key settles it */
	pthread_barrier_init(&start, NULL, 3);
	for (int i = 0; i < 3; i++) {
		g[i] = (struct gen_thread){ -1, &start };
		pthread_create(&th[i], NULL, gen_concurrent, &g[i]);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(g[i].rc, 0);
	}
	pthread_barrier_destroy(&start);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM (SELECT person_id, occasion, source, due_on FROM yh.obligation"
		" GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d"), 0);
	/* 2036-2040: lx 4 rules x 5 + 5 birthdays (105..109), tx 3 x 5 (+ 95 in 2040), widow 2 x 5 */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.obligation WHERE due_on BETWEEN '2036-01-01' AND '2040-12-31'"),
		20 + 5 + 15 + 1 + 10);
}

static void test_birthdays(void)
{
	static const struct {
		const char *birth, *want, *title;
	} cases[] = {
		{ "1932-10-04", "2022-10-04", "90岁生日" },            /* domain.md 2.7 */
		{ "1942-06-30", "2022-06-30", "80岁生日" },
		{ "1952-03-15", "2022-03-15", "70岁生日" },
		{ "1949-05-01", "2024-05-01", "75岁生日" },            /* 73 in 2022 is not a milestone */
		{ "1944-02-29", "2024-02-29", "80岁生日" },            /* a leap year: the day itself */
		{ "1940-02-29", "2025-02-28", "85岁生日" },            /* a common year: 02-28 */
		{ "1920-07-01", "2022-07-01,2023-07-01,2024-07-01,2025-07-01", "102岁生日" }, /* every year from 100 */
		{ "1960-01-01", "", NULL },                           /* 62..65 */
		{ NULL, NULL, NULL }
	};
	const char *who[16];
	int n;

	for (n = 0; cases[n].birth; n++) {
		char name[32];
		snprintf(name, sizeof(name), "寿星%d", n);
		who[n] = case_cadre("chikan", name, cases[n].birth, "退休");
	}
	CU_ASSERT_EQUAL_FATAL(generate(&T.cw_a, "2022-01-01", "2025-12-31", NULL, NULL), 0);
	for (int i = 0; i < n; i++) {
		const char *p[1] = { who[i] };
		CU_ASSERT_STRING_EQUAL(dues(who[i], "birthday"), cases[i].want);
		if (cases[i].title)
			CU_ASSERT_STRING_EQUAL(case_q("SELECT o.title FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
				" WHERE p.uid = $1::uuid AND o.source = 'birthday' ORDER BY o.due_on LIMIT 1", 1, p), cases[i].title);
		CU_ASSERT_EQUAL(case_n("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'birthday' AND (o.occasion <> '重要生日'"
			" OR o.window_start <> o.due_on - 7)", 1, p), 0);
	}
}

static void test_birthday_settings(void)
{
	const char *leap = case_cadre("chikan", "闰日", "1936-02-29", "退休");
	const char *lunar = case_cadre("chikan", "农历", "1932-10-04", "退休");
	char st[6];

	/* 29 February births on 1 March in a common year */
	yh_t_sql("UPDATE yh.setting SET value = '03-01' WHERE key = 'birthday.feb29'", st);
	CU_ASSERT_EQUAL(generate(&T.cw_a, "2026-01-01", "2026-12-31", NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(dues(leap, "birthday"), "2026-03-01");
	yh_t_sql("UPDATE yh.setting SET value = '02-28' WHERE key = 'birthday.feb29'", st);
	/* 农历 and 虚岁: 1932-10-04 = 壬申年九月初五; 虚岁 90 in lunar 2021, 九月初五 = 2021-10-10 */
	yh_t_sql("UPDATE yh.setting SET value = '农历' WHERE key = 'birthday.calendar'", st);
	yh_t_sql("UPDATE yh.setting SET value = '虚岁' WHERE key = 'birthday.age_basis'", st);
	CU_ASSERT_EQUAL(generate(&T.cw_a, "2021-01-01", "2021-12-31", NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(dues(lunar, "birthday"), "2021-10-10");
	{
		const char *p[1] = { lunar };
		CU_ASSERT_STRING_EQUAL(case_q("SELECT o.title FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
			" WHERE p.uid = $1::uuid AND o.source = 'birthday'", 1, p), "90岁(虚岁)生日");
	}
	/* a broken setting is reported, not guessed */
	yh_t_sql("UPDATE yh.setting SET value = '阴历' WHERE key = 'birthday.calendar'", st);
	{
		yh_fields *f = yh_t_fields("from", "2021-01-01", "through", "2021-12-31", NULL);
		char *out = NULL;
		yh_err err;
		CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.cw_a, f, &out, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "birthday.calendar");
		yh_fields_free(f);
	}
	yh_t_sql("UPDATE yh.setting SET value = '公历' WHERE key = 'birthday.calendar'", st);
	yh_t_sql("UPDATE yh.setting SET value = '周岁' WHERE key = 'birthday.age_basis'", st);
}

static void test_generate_validation_and_scope(void)
{
	static const struct {
		const char *from, *through, *field;
	} bad[] = {
		{ "2025-01-01", "2024-12-31", "through" },
		{ "2000-01-01", "2060-01-01", "through" },
		{ "1899-01-01", "1900-12-31", "from" },
		{ "2025-01-01", "2025-02-30", "through" },
		{ NULL, NULL, NULL }
	};
	const char *far = case_cadre("xiashan", "霞山寿星", "1955-06-01", "退休");
	long before = yh_t_count("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.unit_id <> (SELECT id FROM yh.unit WHERE code = 'xiashan')");
	yh_fields *f;
	char *out = NULL;
	yh_err err;

	for (int i = 0; bad[i].from; i++) {
		f = yh_t_fields("from", bad[i].from, "through", bad[i].through, NULL);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.admin, f, &out, &err), YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, bad[i].field);
		yh_fields_free(f);
	}
	f = yh_t_fields("from", "2025-01-01", NULL);
	CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.admin, f, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "through");
	yh_fields_free(f);
	f = yh_t_fields("through", "2030-12-31", NULL);
	CU_ASSERT_EQUAL(yh_obligation_generate(T.db, &T.auditor, f, &out, &err), YH_EFORBIDDEN);
	yh_fields_free(f);
	/* a caseworker of xiashan generates for xiashan only */
	CU_ASSERT_EQUAL(generate(&T.cw_b, "2025-01-01", "2025-12-31", NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(dues(far, "birthday"), "2025-06-01");
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id"
		" WHERE p.unit_id <> (SELECT id FROM yh.unit WHERE code = 'xiashan')"), before);
}

static const yh_t_case cases[] = {
	{ "festival obligations 2000-2035 and rule groups", test_festivals_2000_2035 },
	{ "generation twice and concurrently: no duplicates", test_generate_twice },
	{ "important birthdays incl. 29 February", test_birthdays },
	{ "birthday settings: 03-01, 农历 and 虚岁", test_birthday_settings },
	{ "generation validation and scope", test_generate_validation_and_scope },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("case_calendar");
	rc = yh_t_run("case_calendar", cases);
	yh_t_teardown();
	return rc;
}
