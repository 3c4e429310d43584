/* Scoring rules of the self-evaluation (domain.md §1.3), table-driven. */
#include <CUnit/Basic.h>
#include <string.h>

#include "yinhui/indicator.h"
#include "yinhui/money.h"

static const yh_score_bands BANDS = { 100, 80, 60 };

static void test_rules(void)
{
	static const struct {
		const char *rule;
		int has_actual;
		int64_t actual, target, points;
		const char *rating;
		int has_score;
		int64_t score;
		int met;
		int has_completion;
		int64_t completion;
	} cases[] = {
		/* 正向: min(actual/target, 1) × weight */
		{ "positive", 1, 4056, 10000, 500, NULL, 1, 203, 0, 1, 4056 },      /* 政府采购执行率 40.56 % of 5 */
		{ "positive", 1, 5300, 5000, 400, NULL, 1, 400, 1, 1, 10600 },      /* 53 人次 ≥ 50: full */
		{ "positive", 1, 9380, 9000, 600, NULL, 1, 600, 1, 1, 10422 },      /* 93.8 分 ≥ 90 */
		{ "positive", 1, 0, 5000, 400, NULL, 1, 0, 0, 1, 0 },
		{ "positive", 1, -500, 5000, 400, NULL, 1, 0, 0, 1, -1000 },        /* negative earns nothing */
		{ "positive", 0, 0, 5000, 400, NULL, 0, 0, -1, 0, 0 },              /* no value: not scored */
		/* 反向: full if actual ≤ target, else target/actual × weight */
		{ "reverse", 1, 1859, 10000, 400, NULL, 1, 400, 1, 0, 0 },          /* 三公 18.59 % ≤ 100 % */
		{ "reverse", 1, 12500, 10000, 400, NULL, 1, 320, 0, 0, 0 },         /* 125 % > 100 %: 4 × 100/125 */
		{ "reverse", 1, -10000, 0, 500, NULL, 1, 500, 1, 0, 0 },            /* 存量资金 −100 % ≤ 0 */
		{ "reverse", 1, 500, 0, 500, NULL, 1, 0, 0, 0, 0 },                 /* grew against a ≤ 0 target */
		/* budget execution: min(rate, 100 %) × weight */
		{ "budget_execution", 1, 10000, 10000, 1000, NULL, 1, 1000, 1, 1, 10000 },
		{ "budget_execution", 1, 10028, 10000, 1000, NULL, 1, 1000, 1, 1, 10028 },
		{ "budget_execution", 1, 9750, 10000, 1000, NULL, 1, 975, 0, 1, 9750 },
		/* equal: full when equal, else smaller/larger */
		{ "equal", 1, 10000, 10000, 500, NULL, 1, 500, 1, 1, 10000 },
		{ "equal", 1, 9000, 10000, 500, NULL, 1, 450, 0, 1, 9000 },
		{ "equal", 1, 12500, 10000, 500, NULL, 1, 400, 0, 1, 12500 },
		/* qualitative bands */
		{ "qualitative", 0, 0, 0, 300, "achieved", 1, 300, 1, 0, 0 },
		{ "qualitative", 0, 0, 0, 300, "partial", 1, 240, 0, 0, 0 },
		{ "qualitative", 0, 0, 0, 300, "not_achieved", 1, 180, 0, 0, 0 },
		{ "qualitative", 0, 0, 0, 300, NULL, 0, 0, -1, 0, 0 },
		/* rounding at the half: 1/3 of 0.05 points */
		{ "positive", 1, 1, 3, 5, NULL, 1, 2, 0, 1, 3333 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yh_score_in in = { 0 };
		yh_score_out out;

		in.rule = cases[i].rule;
		in.has_actual = cases[i].has_actual;
		in.actual_x100 = cases[i].actual;
		in.target_x100 = cases[i].target;
		in.points_x100 = cases[i].points;
		in.rating = cases[i].rating;
		in.bands = BANDS;
		CU_ASSERT_EQUAL_FATAL(yh_score_indicator(&in, &out), 0);
		CU_ASSERT_EQUAL(out.has_score, cases[i].has_score);
		if (cases[i].has_score)
			CU_ASSERT_EQUAL(out.score_x100, cases[i].score);
		CU_ASSERT_EQUAL(out.met, cases[i].met);
		CU_ASSERT_EQUAL(out.has_completion, cases[i].has_completion);
		if (cases[i].has_completion)
			CU_ASSERT_EQUAL(out.completion_x100, cases[i].completion);
		if (out.has_score != cases[i].has_score || (out.has_score && out.score_x100 != cases[i].score))
			fprintf(stderr, "case %zu (%s): score %lld\n", i, cases[i].rule, (long long)out.score_x100);
	}
}

static void test_unknown_rule(void)
{
	yh_score_in in = { 0 };
	yh_score_out out;

	in.rule = "fancy";
	in.has_actual = 1;
	CU_ASSERT_EQUAL(yh_score_indicator(&in, &out), YH_EINVAL);
	in.rule = "qualitative";
	in.rating = "excellent";
	CU_ASSERT_EQUAL(yh_score_indicator(&in, &out), YH_EINVAL);
}

static void test_total_rescaled(void)
{
	int64_t s1[] = { 1000, 500, 203, 3000 }, p1[] = { 1000, 500, 500, 8000 };
	int a_all[] = { 1, 1, 1, 1 }, a_drop[] = { 1, 0, 1, 1 }, a_none[] = { 0, 0, 0, 0 };
	int64_t total = -1;

	/* everything applicable: the plain sum */
	CU_ASSERT_EQUAL(yh_score_total(s1, p1, a_all, 4, &total), 0);
	CU_ASSERT_EQUAL(total, 4703);
	/* one 5-point indicator dropped: (10 + 2.03 + 30) × 100 / 95 = 44.2421… → 44.24 */
	CU_ASSERT_EQUAL(yh_score_total(s1, p1, a_drop, 4, &total), 0);
	CU_ASSERT_EQUAL(total, 4424);
	CU_ASSERT_EQUAL(yh_score_total(s1, p1, a_none, 4, &total), YH_RATE_NA);
}

static void test_decimal(void)
{
	static const struct {
		const char *in;
		int neg;
		int rc;
		int64_t v;
	} cases[] = {
		{ "93.8", 0, 0, 9380 }, { "100", 0, 0, 10000 }, { "0.05", 0, 0, 5 }, { "-100", 1, 0, -10000 },
		{ "-1", 0, YH_EINVAL, 0 }, { "1.234", 0, YH_EINVAL, 0 }, { "", 0, YH_EINVAL, 0 }, { "1.", 0, YH_EINVAL, 0 },
		{ "abc", 0, YH_EINVAL, 0 }, { "1e3", 0, YH_EINVAL, 0 },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 0;
		yh_err err;
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_decimal_parse_x100(cases[i].in, cases[i].neg, &v, "x", &err), cases[i].rc);
		if (cases[i].rc == 0)
			CU_ASSERT_EQUAL(v, cases[i].v);
	}
	yh_decimal_format_x100(buf, 9380, 1);
	CU_ASSERT_STRING_EQUAL(buf, "93.8");
	yh_decimal_format_x100(buf, 5000, 1);
	CU_ASSERT_STRING_EQUAL(buf, "50");
	yh_decimal_format_x100(buf, -10000, 0);
	CU_ASSERT_STRING_EQUAL(buf, "-100.00");
	yh_decimal_format_x100(buf, 1859, 1);
	CU_ASSERT_STRING_EQUAL(buf, "18.59");
}

/* Seed vectors at the arithmetic level (domain.md §1.4), in fen. */
static void test_seed_rates(void)
{
	static const struct {
		int64_t num, den;
		const char *want;
	} cases[] = {
		{ 4125650000LL, 4125650000LL, "100.00" }, /* T1 (4151.07 − 25.42) ÷ 4125.65 */
		{ 4125650000LL, 4113980000LL, "100.28" }, /* T2 */
		{ -25420000LL, 25420000LL, "-100.00" },   /* T4 */
		{ 16630000LL, 41000000LL, "40.56" },      /* T6 */
		{ 204351000000LL, 204351000000LL, "100.00" },
		{ 67330000LL, 232400000LL, "28.97" },     /* T8 */
		{ 10310000LL, 55460000LL, "18.59" },      /* T9: 18.58997… rounds up */
		{ 9460000LL, 43160000LL, "21.92" },       /* T10 */
		{ 850000LL, 7300000LL, "11.64" },         /* T11 */
		{ 0, 5000000LL, "0.00" },                 /* T12 */
		{ 26, 28, "92.86" },                      /* T14 */
		{ 1, 800, "0.13" },                       /* 0.125 at the half */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t c = 0;
		char txt[16];
		CU_ASSERT_EQUAL(yh_rate_percent(cases[i].num, cases[i].den, &c), 0);
		yh_rate_format(txt, c);
		CU_ASSERT_STRING_EQUAL(txt, cases[i].want);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("eval_score", NULL, NULL);
	CU_add_test(s, "scoring rules", test_rules);
	CU_add_test(s, "unknown rule or rating", test_unknown_rule);
	CU_add_test(s, "not applicable dropped and rescaled", test_total_rescaled);
	CU_add_test(s, "decimal parse and format", test_decimal);
	CU_add_test(s, "seed rate vectors", test_seed_rates);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
