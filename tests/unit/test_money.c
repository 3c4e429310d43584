/* Unit tests for src/core/money.c: vectors from domain.md 1.4 and 5.3. */
#include "yinhui/money.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

/* amounts in domain.md 1.4 are 万元 with 2 decimals: hundredths of 万元 -> fen */
#define WAN(x100) ((int64_t)(x100) * 10000)

static void test_parse_ok(void)
{
	static const struct {
		const char *in;
		unsigned flags;
		int64_t fen;
	} cases[] = {
		{ "123", 0, 12300 },
		{ "123.4", 0, 12340 },
		{ "123.45", 0, 12345 },
		{ "0", 0, 0 },
		{ "0.05", 0, 5 },
		{ "007.10", 0, 710 },
		{ "657.55", 0, 65755 },
		{ "-5.00", YH_MONEY_ALLOW_NEGATIVE, -500 },
		{ "-0.85", YH_MONEY_ALLOW_NEGATIVE, -85 },
		{ "90000000000000", 0, INT64_C(9000000000000000) },
		{ "90000000000000.00", 0, INT64_C(9000000000000000) },
		{ "-90000000000000", YH_MONEY_ALLOW_NEGATIVE, -INT64_C(9000000000000000) },
		{ "0000000000000000000000001.00", 0, 100 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t fen = -12345678;
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_money_parse_yuan_ex(&fen, cases[i].in, cases[i].flags, "amount", &err);
		if (rc != 0 || fen != cases[i].fen)
			fprintf(stderr, "\nparse '%s': rc=%d fen=%lld msg=%s\n", cases[i].in, rc,
				(long long)fen, err.msg);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(fen, cases[i].fen);
	}
}

static void test_parse_bad(void)
{
	static const struct {
		const char *in;
		unsigned flags;
		const char *msg_part; /* the message must say what is wrong */
	} cases[] = {
		{ "", 0, "required" },
		{ "-5.00", 0, "negative" },
		{ "-0", 0, "negative" },
		{ "1.234", 0, "3 decimal places" },
		{ "0.001", YH_MONEY_ALLOW_NEGATIVE, "3 decimal places" },
		{ "1.2345", 0, "4 decimal places" },
		{ "1,234.00", 0, "thousands separator" },
		{ "1 234", 0, "space" },
		{ " 12", 0, "space" },
		{ "12 ", 0, "space" },
		{ "1e5", 0, "exponent" },
		{ "1.5E2", 0, "exponent" },
		{ "+5", 0, "'+'" },
		{ ".5", 0, "before the decimal point" },
		{ "5.", 0, "after the decimal point" },
		{ "-", YH_MONEY_ALLOW_NEGATIVE, "not a yuan amount" },
		{ "--5", YH_MONEY_ALLOW_NEGATIVE, "not a yuan amount" },
		{ "abc", 0, "not a yuan amount" },
		{ "12a", 0, "not a yuan amount" },
		{ "1.2.3", 0, "not a yuan amount" },
		{ "¥12", 0, "not a yuan amount" },
		{ "90000000000000.01", 0, "too large" },
		{ "-90000000000000.01", YH_MONEY_ALLOW_NEGATIVE, "too large" },
		{ "99999999999999999999999", 0, "too large" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t fen = 4242;
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_money_parse_yuan_ex(&fen, cases[i].in, cases[i].flags, "amount", &err);
		if (rc != YH_EINVAL || strstr(err.msg, cases[i].msg_part) == NULL)
			fprintf(stderr, "\nparse '%s': rc=%d msg=%s\n", cases[i].in, rc, err.msg);
		CU_ASSERT_EQUAL(rc, YH_EINVAL);
		CU_ASSERT_EQUAL(err.code, YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "amount");
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg_part));
		CU_ASSERT_EQUAL(fen, 4242);
	}
	CU_ASSERT_EQUAL(yh_money_parse_yuan(&(int64_t){ 0 }, NULL, "x", NULL), YH_EINVAL);
	/* the plain variant never accepts negatives */
	CU_ASSERT_EQUAL(yh_money_parse_yuan(&(int64_t){ 0 }, "-1", "x", NULL), YH_EINVAL);
}

static void test_format(void)
{
	static const struct {
		int64_t fen;
		const char *yuan;
		const char *wan;
	} cases[] = {
		{ 789060, "7890.60", "0.79" },
		{ -85, "-0.85", "0.00" },
		{ 0, "0.00", "0.00" },
		{ 5, "0.05", "0.00" },
		{ 60120000, "601200.00", "60.12" },        /* 3600 x 167 */
		{ 101000000, "1010000.00", "101.00" },     /* 101 万元 */
		{ 4125650000, "41256500.00", "4125.65" },
		{ 5000, "50.00", "0.01" },                 /* 0.005 万元: half-up */
		{ 4999, "49.99", "0.00" },
		{ -5000, "-50.00", "-0.01" },              /* away from zero */
		{ -4999, "-49.99", "0.00" },               /* never "-0.00" */
		{ INT64_MAX, "92233720368547758.07", "9223372036854.78" },
		{ INT64_MIN, "-92233720368547758.08", "-9223372036854.78" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char y[32];
		char w[32];

		yh_money_format_yuan(y, cases[i].fen);
		yh_money_format_wan(w, cases[i].fen);
		if (strcmp(y, cases[i].yuan) != 0 || strcmp(w, cases[i].wan) != 0)
			fprintf(stderr, "\nformat %lld: %s / %s\n", (long long)cases[i].fen, y, w);
		CU_ASSERT_STRING_EQUAL(y, cases[i].yuan);
		CU_ASSERT_STRING_EQUAL(w, cases[i].wan);
	}
}

/* domain.md 5.3: the float traps, done in fen */
static void test_arith_vectors(void)
{
	int64_t a = 0;
	int64_t b = 0;
	char buf[32];

	CU_ASSERT_EQUAL(yh_money_parse_yuan(&a, "657.55", "x", NULL), 0);
	yh_money_format_yuan(buf, a * 12);
	CU_ASSERT_STRING_EQUAL(buf, "7890.60");

	CU_ASSERT_EQUAL(yh_money_parse_yuan(&a, "10.31", "x", NULL), 0);
	CU_ASSERT_EQUAL(yh_money_parse_yuan(&b, "9.46", "x", NULL), 0);
	yh_money_format_yuan(buf, a - b);
	CU_ASSERT_STRING_EQUAL(buf, "0.85");
	yh_money_format_yuan(buf, b - a);
	CU_ASSERT_STRING_EQUAL(buf, "-0.85");

	CU_ASSERT_EQUAL(yh_money_parse_yuan(&a, "3600", "x", NULL), 0);
	yh_money_format_wan(buf, a * 167);
	CU_ASSERT_STRING_EQUAL(buf, "60.12");
}

/* T13 sums (万元) */
static void test_sums(void)
{
	static const struct {
		const char *parts[4];
		const char *sum;
	} cases[] = {
		{ { "4117.35", "8.3", NULL, NULL }, "4125.65" },
		{ { "1682.85", "2468.22", NULL, NULL }, "4151.07" },
		{ { "43.16", "7.3", "5", NULL }, "55.46" },
		{ { "9.46", "0.85", NULL, NULL }, "10.31" },
	};
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t total = 0;
		char buf[32];

		for (j = 0; j < 4 && cases[i].parts[j] != NULL; j++) {
			int64_t v = 0;

			CU_ASSERT_EQUAL(yh_money_parse_yuan(&v, cases[i].parts[j], "x", NULL), 0);
			total += v * 10000; /* 万元 figures: hundredths of 万元 -> fen */
		}
		yh_money_format_wan(buf, total);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].sum);
	}
}

static void test_muldiv(void)
{
	static const struct {
		int64_t a, b, c;
		int rc;
		int64_t q;
	} cases[] = {
		{ 101000000, 1, 128, 0, 789063 },   /* T17: 7890.625 -> 7890.63 */
		{ 60000000, 1, 160, 0, 375000 },    /* T16: 3750.00 */
		{ 400000, 5, 1000, 0, 2000 },       /* 党费 4000.00 x 0.5 % = 20.00 */
		{ 500001, 10, 1000, 0, 5000 },      /* 5000.01 x 1 % = 50.0001 -> 50.00 */
		{ 3, 1, 2, 0, 2 },
		{ -3, 1, 2, 0, -2 },
		{ 3, 1, -2, 0, -2 },
		{ -3, 1, -2, 0, 2 },
		{ 5, 1, 4, 0, 1 },                  /* 1.25 -> 1 */
		{ 7, 1, 4, 0, 2 },                  /* 1.75 -> 2 */
		{ INT64_MAX, INT64_MAX, INT64_MAX, 0, INT64_MAX },
		{ INT64_MIN, 1, 1, 0, INT64_MIN },
		{ INT64_MIN, -1, 1, YH_ETOOBIG, 0 },
		{ INT64_MAX, 2, 1, YH_ETOOBIG, 0 },
		{ 1, 1, 0, YH_EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t q = 777;
		int rc = yh_money_muldiv(&q, cases[i].a, cases[i].b, cases[i].c);

		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_EQUAL(q, cases[i].rc == 0 ? cases[i].q : 777);
	}
}

static void test_rate(void)
{
	static const struct {
		const char *name;
		int64_t num, den;
		int rc;
		int64_t centi;
		const char *text;
	} cases[] = {
		{ "T1", WAN(415107 - 2542), WAN(412565), 0, 10000, "100.00" },
		{ "T2", WAN(412565), WAN(411398), 0, 10028, "100.28" },
		{ "T3", WAN(415107), WAN(412565 + 2542), 0, 10000, "100.00" },
		{ "T4", WAN(0) - WAN(2542), WAN(2542), 0, -10000, "-100.00" },
		{ "T5", 0, WAN(415107), 0, 0, "0.00" },
		{ "T6", WAN(1663), WAN(4100), 0, 4056, "40.56" },
		{ "T7", WAN(204351), WAN(204351), 0, 10000, "100.00" },
		{ "T8", WAN(6733), WAN(23240), 0, 2897, "28.97" },
		{ "T9", WAN(1031), WAN(5546), 0, 1859, "18.59" },
		{ "10031/55460 (not T9)", 10031, 55460, 0, 1809, "18.09" },
		{ "T10", WAN(946), WAN(4316), 0, 2192, "21.92" },
		{ "T11", WAN(85), WAN(730), 0, 1164, "11.64" },
		{ "T12", 0, WAN(500), 0, 0, "0.00" },
		{ "T14", 26, 28, 0, 9286, "92.86" },
		{ "1/8", 1, 8, 0, 1250, "12.50" },
		{ "1/16", 1, 16, 0, 625, "6.25" },
		{ "1/32", 1, 32, 0, 313, "3.13" },
		{ "-1/32", -1, 32, 0, -313, "-3.13" },
		{ "1/-32", 1, -32, 0, -313, "-3.13" },
		{ "-1/-32", -1, -32, 0, 313, "3.13" },
		{ "1/3", 1, 3, 0, 3333, "33.33" },
		{ "2/3", 2, 3, 0, 6667, "66.67" },
		{ "1/20001", 1, 20001, 0, 0, "0.00" },
		{ "1/20000", 1, 20000, 0, 1, "0.01" },
		{ "-1/20000", -1, 20000, 0, -1, "-0.01" },
		{ "big", INT64_MAX, INT64_MAX, 0, 10000, "100.00" },
		{ "huge", INT64_MAX, 1, YH_ETOOBIG, 0, NULL },
		{ "den 0", 5, 0, YH_RATE_NA, 0, NULL },
		{ "0/0", 0, 0, YH_RATE_NA, 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t centi = -999999;
		char buf[16];
		int rc = yh_rate_percent(cases[i].num, cases[i].den, &centi);

		if (rc != cases[i].rc || (rc == 0 && centi != cases[i].centi))
			fprintf(stderr, "\nrate %s: rc=%d centi=%lld\n", cases[i].name, rc,
				(long long)centi);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (cases[i].rc != 0) {
			CU_ASSERT_EQUAL(centi, -999999); /* untouched */
			continue;
		}
		CU_ASSERT_EQUAL(centi, cases[i].centi);
		yh_rate_format(buf, centi);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].text);
	}
}

static void test_rate_format_limits(void)
{
	char buf[16];

	yh_rate_format(buf, INT64_C(9999999999999)); /* 99999999999.99: 14 chars */
	CU_ASSERT_STRING_EQUAL(buf, "99999999999.99");
	yh_rate_format(buf, -INT64_C(9999999999999)); /* 15 chars, fits */
	CU_ASSERT_STRING_EQUAL(buf, "-99999999999.99");
	yh_rate_format(buf, -INT64_C(10000000000000));
	CU_ASSERT_STRING_EQUAL(buf, "overflow");
	yh_rate_format(buf, INT64_MIN);
	CU_ASSERT_STRING_EQUAL(buf, "overflow");
	yh_rate_format(buf, 5);
	CU_ASSERT_STRING_EQUAL(buf, "0.05");
	yh_rate_format(buf, -5);
	CU_ASSERT_STRING_EQUAL(buf, "-0.05");
}

static void test_score(void)
{
	static const struct {
		int reverse;
		int64_t actual, target, weight;
		int rc;
		int64_t score;
	} cases[] = {
		{ 0, 5000, 5000, 1000, 0, 1000 },   /* ≥50个, got 50 */
		{ 0, 6000, 5000, 1000, 0, 1000 },   /* capped at weight */
		{ 0, 4500, 5000, 1000, 0, 900 },
		{ 0, 4056, 10000, 1000, 0, 406 },   /* 政府采购 40.56 % of 10 points: 4.056 */
		{ 0, 1, 3, 1000, 0, 333 },
		{ 0, 2, 3, 1000, 0, 667 },
		{ 0, 1, 8, 100, 0, 13 },            /* 12.5 -> 13 half-up */
		{ 0, 0, 0, 500, 0, 500 },           /* target 0 always met */
		{ 0, 0, 5000, 500, 0, 0 },
		{ 0, -1, 5000, 500, YH_EINVAL, 0 },
		{ 0, 1, -5000, 500, YH_EINVAL, 0 },
		{ 0, 1, 5000, -500, YH_EINVAL, 0 },
		{ 1, 9000, 9000, 1000, 0, 1000 },   /* ≤90万元, spent 90 */
		{ 1, 8000, 9000, 1000, 0, 1000 },
		{ 1, 12000, 9000, 1000, 0, 750 },
		{ 1, 9100, 9000, 1000, 0, 989 },    /* 989.01 */
		{ 1, 16, 1, 100, 0, 6 },            /* 6.25 -> 6 */
		{ 1, 8, 1, 100, 0, 13 },            /* 12.5 -> 13 */
		{ 1, 5, 0, 800, 0, 0 },             /* ≤0 target exceeded */
		{ 1, 0, 0, 800, 0, 800 },
		{ 1, -5, 0, 800, YH_EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t s = -1;
		int rc = cases[i].reverse
				 ? yh_score_reverse(cases[i].actual, cases[i].target, cases[i].weight, &s)
				 : yh_score_positive(cases[i].actual, cases[i].target, cases[i].weight, &s);

		if (rc != cases[i].rc || (rc == 0 && s != cases[i].score))
			fprintf(stderr, "\nscore case %zu: rc=%d s=%lld\n", i, rc, (long long)s);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_EQUAL(s, cases[i].rc == 0 ? cases[i].score : -1);
	}
}

static void test_grade(void)
{
	static const struct {
		int64_t score;
		const char *grade;
	} cases[] = {
		/* T15 */
		{ 10000, "优" }, { 9000, "优" }, { 8999, "良" },
		{ 8000, "良" }, { 6000, "中" }, { 5999, "差" },
		{ 7999, "中" }, { 0, "差" }, { -100, "差" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(yh_grade(cases[i].score), cases[i].grade);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("money", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "parse ok", test_parse_ok) == NULL ||
	    CU_add_test(s, "parse rejects", test_parse_bad) == NULL ||
	    CU_add_test(s, "format yuan/wan", test_format) == NULL ||
	    CU_add_test(s, "5.3 arithmetic", test_arith_vectors) == NULL ||
	    CU_add_test(s, "T13 sums", test_sums) == NULL ||
	    CU_add_test(s, "muldiv", test_muldiv) == NULL ||
	    CU_add_test(s, "rates T1-T14", test_rate) == NULL ||
	    CU_add_test(s, "rate format limits", test_rate_format_limits) == NULL ||
	    CU_add_test(s, "scores", test_score) == NULL ||
	    CU_add_test(s, "grades T15", test_grade) == NULL) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
