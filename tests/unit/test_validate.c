/* Unit tests for src/core/validate.c: vectors from domain.md section 3. */
#include "yinhui/validate.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Fixed "today" so date-boundary cases do not depend on the clock. */
#define TY 2026
#define TM 11
#define TD 26

static void test_idno_check_digit(void)
{
	static const struct {
		const char *body;
		char check;
	} cases[] = {
		{ "11010519491231002", 'X' }, { "44052418800101001", '4' },
		{ "34052419800101001", 'X' }, { "44080219300701001", 'X' },
		{ "44088219281001003", '2' }, { "44080419351010007", '4' },
		{ "4408041935101000", '\0' }, { "4408041935101000a", '\0' },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++)
		CU_ASSERT_EQUAL(yh_idno_check_digit(cases[i].body), cases[i].check);
	CU_ASSERT_EQUAL(yh_idno_check_digit(NULL), '\0');
}

static void test_idno_ok(void)
{
	static const struct {
		const char *in;
		const char *out;
		char sex;
		int y, m, d;
		const char *mask;
	} cases[] = {
		{ "11010519491231002X", "11010519491231002X", 'F', 1949, 12, 31, "110105********002X" },
		{ "11010519491231002x", "11010519491231002X", 'F', 1949, 12, 31, "110105********002X" },
		{ "34052419800101001X", "34052419800101001X", 'M', 1980, 1, 1, "340524********001X" },
		{ "44080219300701001X", "44080219300701001X", 'M', 1930, 7, 1, "440802********001X" },
		{ "440882192810010032", "440882192810010032", 'M', 1928, 10, 1, "440882********0032" },
		{ "440804193510100074", "440804193510100074", 'M', 1935, 10, 10, "440804********0074" },
		{ "440802193202290010", "440802193202290010", 'M', 1932, 2, 29, "440802********0010" },
		{ "440802190001010015", "440802190001010015", 'M', 1900, 1, 1, "440802********0015" },
		/* born today is allowed */
		{ "440802202611260000", NULL, 0, 2026, 11, 26, NULL },
		/* 15-digit legacy numbers (3.3) */
		{ "440802300701001", "44080219300701001X", 'M', 1930, 7, 1, "440802********001X" },
		{ "110105491231002", "11010519491231002X", 'F', 1949, 12, 31, "110105********002X" },
		/* province edge codes */
		{ "820000196001010012", NULL, 0, 1960, 1, 1, NULL },
		{ "710000196001010012", NULL, 0, 1960, 1, 1, NULL },
		{ "650000196001010012", NULL, 0, 1960, 1, 1, NULL },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char body[18];
		char want[19];
		char out[19] = "unchanged";
		char mask[19];
		int y = 0;
		int m = 0;
		int d = 0;
		yh_err err;
		int rc;

		/* rows with out == NULL: build a valid number by appending the check digit */
		if (cases[i].out == NULL) {
			memcpy(body, cases[i].in, 17);
			body[17] = '\0';
			snprintf(want, sizeof(want), "%s%c", body, yh_idno_check_digit(body));
		} else {
			snprintf(want, sizeof(want), "%s", cases[i].out);
		}
		yh_err_clear(&err);
		rc = yh_idno_normalize_asof(out, cases[i].out ? cases[i].in : want, TY, TM, TD, &err);
		if (rc != 0)
			fprintf(stderr, "\nidno '%s': %s\n", cases[i].in, err.msg);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(out, want);
		CU_ASSERT_EQUAL(yh_idno_birth(out, &y, &m, &d), 0);
		CU_ASSERT_EQUAL(y, cases[i].y);
		CU_ASSERT_EQUAL(m, cases[i].m);
		CU_ASSERT_EQUAL(d, cases[i].d);
		if (cases[i].sex != 0)
			CU_ASSERT_EQUAL(yh_idno_gender(out), cases[i].sex);
		if (cases[i].mask != NULL) {
			yh_idno_mask(mask, out);
			CU_ASSERT_STRING_EQUAL(mask, cases[i].mask);
		}
	}
}

static void test_idno_bad(void)
{
	static const struct {
		const char *in;
		const char *msg_part;
	} cases[] = {
		{ "340524198001010013", "expected X" },               /* 3.2 negative */
		{ "44080219300230001X", "not a real date" },          /* 3.2 negative */
		{ "440802193002300018", "not a real date" },
		{ "440802190002290010", "not a real date" },          /* 1900 is not leap */
		{ "440802193013010010", "not a real date" },
		{ "440802193001000010", "not a real date" },
		{ "440524188001010014", "before 1900-01-01" },        /* GB example, valid check digit */
		{ "440802189912310010", "before 1900-01-01" },
		{ "440802202611270014", "in the future" },            /* tomorrow */
		{ "440802299901010010", "in the future" },
		{ "990802196001010012", "not a province code" },
		{ "000802196001010012", "not a province code" },
		{ "160802196001010012", "not a province code" },
		{ "830802196001010012", "not a province code" },      /* 台湾居民居住证: out of scope */
		{ "4408021930070100", "not 16" },
		{ "44080219300701001", "not 17" },
		{ "44080219300701001X0", "not 19" },
		{ "44080219300701001Y", "17 digits followed by" },
		{ "4408021930070100XX", "17 digits followed by" },
		{ "44080219300701 01X", "17 digits followed by" },
		{ "abcdefghijklmnopqr", "17 digits followed by" },
		{ "44080230070100X", "all digits" },
		{ "440802300230001", "not a real date" },             /* 15-digit, 1930-02-30 */
		{ "990802300701001", "not a province code" },
		{ "", "required" },
		{ "44080219300701001 ", "17 digits followed by" },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char out[19] = "unchanged";
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_idno_normalize_asof(out, cases[i].in, TY, TM, TD, &err);
		if (rc != YH_EINVAL || strstr(err.msg, cases[i].msg_part) == NULL)
			fprintf(stderr, "\nidno '%s': rc=%d msg=%s\n", cases[i].in, rc, err.msg);
		CU_ASSERT_EQUAL(rc, YH_EINVAL);
		CU_ASSERT_STRING_EQUAL(err.field, "id_number");
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg_part));
		CU_ASSERT_STRING_EQUAL(out, "unchanged");
	}
	CU_ASSERT_EQUAL(yh_idno_normalize_asof((char[19]){ 0 }, NULL, TY, TM, TD, NULL), YH_EINVAL);
}

/* The clock-reading variant must agree with the fixed-date one for settled dates. */
static void test_idno_today(void)
{
	char out[19];
	int y = 0;
	int m = 0;
	int d = 0;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_idno_normalize(out, "44080219300701001X", &err), 0);
	CU_ASSERT_EQUAL(yh_idno_normalize(out, "440802299901010010", &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "future"));
	yh_date_today(&y, &m, &d);
	CU_ASSERT_TRUE(y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	CU_ASSERT_TRUE(y >= 2024);
}

static void test_idno_helpers_malformed(void)
{
	char mask[19];
	int y = 1;
	int m = 2;
	int d = 3;

	CU_ASSERT_EQUAL(yh_idno_gender("44080219300701001"), '\0');
	CU_ASSERT_EQUAL(yh_idno_gender(NULL), '\0');
	CU_ASSERT_EQUAL(yh_idno_gender("440802193007010020"), 'F');
	CU_ASSERT_EQUAL(yh_idno_birth("44080219300230001X", &y, &m, &d), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_idno_birth("4408021930070100", &y, &m, &d), YH_EINVAL);
	CU_ASSERT_EQUAL(y, 1);
	yh_idno_mask(mask, "440802300701001");
	CU_ASSERT_STRING_EQUAL(mask, "******************");
	yh_idno_mask(mask, NULL);
	CU_ASSERT_STRING_EQUAL(mask, "******************");
}

static void test_phone(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: must be rejected */
	} cases[] = {
		{ "13812345678", "13812345678" },
		{ "19912345678", "19912345678" },
		{ "+8613812345678", "13812345678" },
		{ "+86 138 1234 5678", "13812345678" },
		{ "+86-138-1234-5678", "13812345678" },
		{ "008613812345678", "13812345678" },
		{ "0086 138-1234-5678", "13812345678" },
		{ "8613812345678", "13812345678" },
		{ "  138 1234 5678  ", "13812345678" },
		{ "0759-3618688", "0759-3618688" },
		{ "07593618688", "0759-3618688" },
		{ "0759 3618688", "0759-3618688" },
		{ "075936186888", "0759-36186888" },
		{ "0759-3618688-123", "0759-3618688-123" },
		{ "07593618688-12", "0759-3618688-12" },
		{ "0759 3618688 1", "0759-3618688-1" },
		{ "010-12345678", "010-12345678" },
		{ "01012345678", "010-12345678" },
		{ "01012345678-123456", "010-12345678-123456" },
		{ "020-1234567", "020-1234567" },
		{ "02012345678", "020-12345678" },
		{ "075-93618688", "0759-3618688" },      /* dash re-placed by the area-code rule */
		{ "12812345678", NULL },                 /* 1[3-9] only */
		{ "1381234567", NULL },
		{ "138123456789", NULL },
		{ "+85261234567", NULL },
		{ "+86 0759 3618688", NULL },
		{ "3618688", NULL },                     /* no area code */
		{ "0759-361868", NULL },                 /* 6-digit local */
		{ "0759-361868888", NULL },              /* 9-digit local */
		{ "0759-3618688-1234567", NULL },        /* 7-digit extension */
		{ "0759-36-18-688", NULL },
		{ "0012345678", NULL },
		{ "(0759)3618688", NULL },
		{ "138.1234.5678", NULL },
		{ "13812345678+", NULL },
		{ "", NULL },
		{ "   ", NULL },
		{ "- -", NULL },
		{ "１３８１２３４５６７８", NULL },     /* full-width digits */
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char out[YH_PHONE_BUFSZ] = "unchanged";
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_phone_normalize(out, sizeof(out), cases[i].in, &err);
		if (cases[i].out != NULL) {
			if (rc != 0 || strcmp(out, cases[i].out) != 0)
				fprintf(stderr, "\nphone '%s': rc=%d out=%s msg=%s\n", cases[i].in, rc,
					out, err.msg);
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_STRING_EQUAL(out, cases[i].out);
		} else {
			if (rc != YH_EINVAL)
				fprintf(stderr, "\nphone '%s' accepted as %s\n", cases[i].in, out);
			CU_ASSERT_EQUAL(rc, YH_EINVAL);
			CU_ASSERT_STRING_EQUAL(err.field, "phone");
			CU_ASSERT_STRING_EQUAL(out, "unchanged");
			CU_ASSERT_TRUE(err.msg[0] != '\0');
		}
	}
	{
		char small[12];
		yh_err err;

		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_phone_normalize(small, sizeof(small), "13812345678", &err), 0);
		CU_ASSERT_EQUAL(yh_phone_normalize(small, sizeof(small), "0759-3618688-1", &err),
				YH_EINTERNAL);
		CU_ASSERT_EQUAL(yh_phone_normalize(small, sizeof(small), NULL, &err), YH_EINVAL);
	}
}

static void test_name(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: must be rejected */
	} cases[] = {
		{ "张三", "张三" },
		{ "欧阳修", "欧阳修" },
		{ "  李四\xE3\x80\x80", "李四" },              /* ASCII + U+3000 trimmed */
		{ "\xE3\x80\x80王五\t\n", "王五" },
		{ "王䶮", "王䶮" },                            /* U+4DAE, Ext A */
		{ "王\xF0\xA0\x80\x80", "王\xF0\xA0\x80\x80" }, /* U+20000, Ext B */
		{ "林\xF0\xB1\x8D\x90", "林\xF0\xB1\x8D\x90" }, /* U+31350, Ext H */
		{ "李〇", "李〇" },
		{ "阿依古丽·买买提", "阿依古丽·买买提" },
		{ "阿依古丽•买买提", "阿依古丽·买买提" },      /* U+2022 */
		{ "阿依古丽・买买提", "阿依古丽·买买提" },     /* U+30FB */
		{ "阿依古丽．买买提", "阿依古丽·买买提" },     /* U+FF0E */
		{ "阿依古丽‧买买提", "阿依古丽·买买提" },      /* U+2027 */
		{ "阿依古丽･买买提", "阿依古丽·买买提" },      /* U+FF65 */
		{ "阿依古丽⋅买买提", "阿依古丽·买买提" },      /* U+22C5 */
		{ "阿依古丽.买买提", "阿依古丽·买买提" },
		{ "阿依古丽\xCE\x87买买提", "阿依古丽·买买提" }, /* U+0387: NFC gives U+00B7 */
		{ "Aisin·Gioro", "Aisin·Gioro" },
		{ "Maimaiti Aili", "Maimaiti Aili" },
		{ "Lu\xCC\x88", "L\xC3\xBC" },                  /* u + U+0308 -> ü (NFC) */
		{ "L\xC7\x9A", "L\xC7\x9A" },                  /* ǚ precomposed */
		{ "\xEF\xA9\x8E", "\xE7\xA5\x88" },            /* compat U+FA4E -> U+7948 (NFC) */
		{ "\xEF\xA8\x8E", "\xEF\xA8\x8E" },            /* U+FA0E is a unified ideograph */
		{ "张", "张" },
		/* 50 characters: accepted; 51: rejected (below) */
		{ "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
		  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十" },
		{ "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", NULL },
		{ "", NULL },
		{ "  \xE3\x80\x80 ", NULL },
		{ "张\x01三", NULL },
		{ "张\xC2\x85三", NULL },                       /* C1 control U+0085 */
		{ "张\x7F", NULL },
		{ "张\xFF三", NULL },                           /* invalid UTF-8 */
		{ "张\xE4\xB8", NULL },                         /* truncated sequence */
		{ "\xC0\xAF", NULL },                           /* overlong '/' */
		{ "\xED\xA0\x80", NULL },                       /* surrogate */
		{ "张 三", NULL },
		{ "张\xE3\x80\x80三", NULL },
		{ "Maimaiti  Aili", NULL },
		{ "·张三", NULL },
		{ "张三·", NULL },
		{ "张··三", NULL },
		{ "张.•三", NULL },
		{ "Aili ·Maimaiti", NULL },
		{ "张3", NULL },
		{ "张_三", NULL },
		{ "김철수", NULL },                             /* Hangul */
		{ "たなか", NULL },                             /* Kana */
		{ "张\xE2\x80\x8B三", NULL },                   /* zero-width space */
		{ "X\xC3\x97Y", NULL },                         /* multiplication sign */
		{ "e\xCC\x84\xCC\x81\xCC\x81", NULL },          /* leftover combining mark */
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		char out[YH_NAME_BUFSZ] = "unchanged";
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_name_normalize(out, sizeof(out), cases[i].in, &err);
		if (cases[i].out != NULL) {
			if (rc != 0 || strcmp(out, cases[i].out) != 0)
				fprintf(stderr, "\nname case %zu: rc=%d out=%s msg=%s\n", i, rc, out,
					err.msg);
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_STRING_EQUAL(out, cases[i].out);
		} else {
			if (rc != YH_EINVAL)
				fprintf(stderr, "\nname case %zu accepted as %s\n", i, out);
			CU_ASSERT_EQUAL(rc, YH_EINVAL);
			CU_ASSERT_STRING_EQUAL(err.field, "name");
			CU_ASSERT_STRING_EQUAL(out, "unchanged");
		}
	}
	{
		char small[4];
		yh_err err;

		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_name_normalize(small, sizeof(small), "张", &err), 0);
		CU_ASSERT_EQUAL(yh_name_normalize(small, sizeof(small), "张三", &err), YH_EINTERNAL);
		CU_ASSERT_EQUAL(yh_name_normalize(small, sizeof(small), NULL, &err), YH_EINVAL);
	}
}

static void test_date(void)
{
	static const struct {
		const char *in;
		int ok;
		int y, m, d;
	} cases[] = {
		{ "2022-10-04", 1, 2022, 10, 4 },
		{ "2024-02-29", 1, 2024, 2, 29 },
		{ "2000-02-29", 1, 2000, 2, 29 },
		{ "1900-01-01", 1, 1900, 1, 1 },
		{ "2022-12-31", 1, 2022, 12, 31 },
		{ "0001-01-01", 1, 1, 1, 1 },
		{ "9999-12-31", 1, 9999, 12, 31 },
		{ "1900-02-29", 0, 0, 0, 0 },
		{ "2023-02-29", 0, 0, 0, 0 },
		{ "2022-04-31", 0, 0, 0, 0 },
		{ "2022-13-01", 0, 0, 0, 0 },
		{ "2022-00-10", 0, 0, 0, 0 },
		{ "2022-01-00", 0, 0, 0, 0 },
		{ "0000-01-01", 0, 0, 0, 0 },
		{ "2022-1-04", 0, 0, 0, 0 },
		{ "2022/10/04", 0, 0, 0, 0 },
		{ "20221004", 0, 0, 0, 0 },
		{ "2022-10-04 ", 0, 0, 0, 0 },
		{ " 2022-10-04", 0, 0, 0, 0 },
		{ "2022-10-04T00:00", 0, 0, 0, 0 },
		{ "+022-10-04", 0, 0, 0, 0 },
		{ "2022-1a-04", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		int y = -1;
		int m = -1;
		int d = -1;
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_date_parse_ymd(cases[i].in, &y, &m, &d, &err, "birth_date");
		if (cases[i].ok) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(y, cases[i].y);
			CU_ASSERT_EQUAL(m, cases[i].m);
			CU_ASSERT_EQUAL(d, cases[i].d);
		} else {
			if (rc != YH_EINVAL)
				fprintf(stderr, "\ndate '%s' accepted\n", cases[i].in);
			CU_ASSERT_EQUAL(rc, YH_EINVAL);
			CU_ASSERT_STRING_EQUAL(err.field, "birth_date");
			CU_ASSERT_EQUAL(y, -1);
		}
	}
	CU_ASSERT_EQUAL(yh_date_parse_ymd(NULL, &(int){ 0 }, &(int){ 0 }, &(int){ 0 }, NULL, NULL),
			YH_EINVAL);
}

static void test_text(void)
{
	static const struct {
		const char *in;
		size_t max;
		int ok;
	} cases[] = {
		{ "", 0, 1 },
		{ "上门探访，老人精神尚好。", 12, 1 },
		{ "上门探访，老人精神尚好。", 11, 0 },
		{ "line1\nline2\tend", 100, 1 },
		{ "\xF0\xA0\x80\x80", 1, 1 },   /* one supplementary character */
		{ "a\rb", 100, 1 },
		{ "a\x1b[31m", 100, 0 },
		{ "a\x7f", 100, 0 },
		{ "a\xC2\x9B", 100, 0 },        /* C1 CSI */
		{ "a\xFE", 100, 0 },
		{ "\xE4\xB8", 100, 0 },
		{ "\xF4\x90\x80\x80", 100, 0 }, /* > U+10FFFF */
		{ "\xE0\x80\xAF", 100, 0 },     /* overlong */
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_text_check(cases[i].in, cases[i].max, "notes", &err);
		if ((rc == 0) != cases[i].ok)
			fprintf(stderr, "\ntext case %zu: rc=%d\n", i, rc);
		CU_ASSERT_EQUAL(rc, cases[i].ok ? 0 : YH_EINVAL);
		if (!cases[i].ok)
			CU_ASSERT_STRING_EQUAL(err.field, "notes");
	}
	CU_ASSERT_EQUAL(yh_text_check(NULL, 10, "notes", NULL), YH_EINVAL);
}

static void test_uuid(void)
{
	static const struct {
		const char *in;
		int ok;
	} cases[] = {
		{ "123e4567-e89b-12d3-a456-426614174000", 1 },
		{ "00000000-0000-0000-0000-000000000000", 1 },
		{ "123E4567-e89b-12d3-a456-426614174000", 0 },
		{ "123e4567e89b12d3a456426614174000", 0 },
		{ "{123e4567-e89b-12d3-a456-426614174000}", 0 },
		{ "123e4567-e89b-12d3-a456-42661417400", 0 },
		{ "123e4567-e89b-12d3-a456-4266141740000", 0 },
		{ "123e4567-e89b-12d3-a456_426614174000", 0 },
		{ "123e4567-e89b-12d3-a456-42661417400g", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err err;
		int rc;

		yh_err_clear(&err);
		rc = yh_uuid_check(cases[i].in, "cadre_id", &err);
		CU_ASSERT_EQUAL(rc, cases[i].ok ? 0 : YH_EINVAL);
		if (!cases[i].ok)
			CU_ASSERT_STRING_EQUAL(err.field, "cadre_id");
	}
	CU_ASSERT_EQUAL(yh_uuid_check(NULL, "cadre_id", NULL), YH_EINVAL);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("validate", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "idno check digit", test_idno_check_digit) == NULL ||
	    CU_add_test(s, "idno accepted", test_idno_ok) == NULL ||
	    CU_add_test(s, "idno rejected", test_idno_bad) == NULL ||
	    CU_add_test(s, "idno against the clock", test_idno_today) == NULL ||
	    CU_add_test(s, "idno helpers on bad input", test_idno_helpers_malformed) == NULL ||
	    CU_add_test(s, "phone", test_phone) == NULL ||
	    CU_add_test(s, "name", test_name) == NULL ||
	    CU_add_test(s, "date", test_date) == NULL ||
	    CU_add_test(s, "text", test_text) == NULL ||
	    CU_add_test(s, "uuid", test_uuid) == NULL) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
