/*
 * test_csv.c - encoding detection/conversion and the CSV reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "yinhui/csv.h"
#include "yinhui/encoding.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* 张三 in GBK: the bytes a Chinese Excel "CSV" save produces */
#define GBK_ZHANGSAN "\xd5\xc5\xc8\xfd"

static char tmpdir[64];

/* Writes len bytes to a file in tmpdir and returns its path (static buffer). */
static const char *write_tmp(const char *name, const char *bytes, size_t len)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	CU_ASSERT_FATAL(fp != NULL);
	CU_ASSERT_FATAL(fwrite(bytes, 1, len, fp) == len);
	fclose(fp);
	return path;
}

/* ---- encoding ---- */

static void test_detect(void)
{
	static const struct {
		const char *in;
		size_t len;
		int want;
	} cases[] = {
		{ "", 0, YH_ENC_UTF8 },
		{ "name,age\n", 9, YH_ENC_UTF8 },
		{ "\xEF\xBB\xBFname", 7, YH_ENC_UTF8_BOM },
		{ "\xE5\xBC\xA0\xE4\xB8\x89", 6, YH_ENC_UTF8 }, /* 张三 */
		{ "\xF0\xA0\xAE\xB7", 4, YH_ENC_UTF8 },         /* 𠮷 */
		{ GBK_ZHANGSAN, 4, YH_ENC_GB18030 },
		{ "\xC0\xAF", 2, YH_ENC_GB18030 },             /* overlong '/' */
		{ "\xED\xA0\x80", 3, YH_ENC_GB18030 },         /* surrogate */
		{ "\xF4\x90\x80\x80", 4, YH_ENC_GB18030 },     /* above U+10FFFF */
		{ "ab\xE5\xBC", 4, YH_ENC_GB18030 },           /* truncated */
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++)
		CU_ASSERT_EQUAL(yh_encoding_detect(cases[i].in, cases[i].len), cases[i].want);
	CU_ASSERT_EQUAL(yh_encoding_utf8_valid_prefix("ab\xE5\xBC", 4), 2);
	CU_ASSERT_EQUAL(yh_encoding_utf8_valid_prefix("\xE5\xBC\xA0x", 4), 4);
}

static void test_from_name(void)
{
	static const struct {
		const char *name;
		int dir;
		int want; /* 0: rejected */
	} cases[] = {
		{ "utf-8", YH_ENC_FOR_INPUT, YH_ENC_UTF8 },
		{ "UTF8", YH_ENC_FOR_INPUT, YH_ENC_UTF8 },
		{ "utf-8-sig", YH_ENC_FOR_OUTPUT, YH_ENC_UTF8_BOM },
		{ "GBK", YH_ENC_FOR_INPUT, YH_ENC_GB18030 },
		{ "gb2312", YH_ENC_FOR_INPUT, YH_ENC_GB18030 },
		{ "Gb18030", YH_ENC_FOR_INPUT, YH_ENC_GB18030 },
		{ "gbk", YH_ENC_FOR_OUTPUT, YH_ENC_GBK },
		{ "GB2312", YH_ENC_FOR_OUTPUT, YH_ENC_GBK },
		{ "gb18030", YH_ENC_FOR_OUTPUT, YH_ENC_GB18030 },
		{ "latin1", YH_ENC_FOR_INPUT, 0 },
		{ "utf-16", YH_ENC_FOR_OUTPUT, 0 },
		{ "", YH_ENC_FOR_INPUT, 0 },
	};
	yh_err err;
	size_t i;
	int enc, rc;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err_clear(&err);
		rc = yh_encoding_from_name(&enc, cases[i].name, cases[i].dir, &err);
		if (cases[i].want == 0) {
			CU_ASSERT_EQUAL(rc, YH_EINVAL);
			CU_ASSERT_STRING_EQUAL(err.field, "encoding");
		} else {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(enc, cases[i].want);
		}
	}
}

static void test_to_utf8(void)
{
	static const struct {
		const char *in;
		size_t len;
		int enc;
		const char *want;
	} cases[] = {
		{ GBK_ZHANGSAN ",100\n", 9, YH_ENC_GB18030, "张三,100\n" },
		{ GBK_ZHANGSAN, 4, YH_ENC_GBK, "张三" },
		{ "\xFE\x9F", 2, YH_ENC_GB18030, "䶮" },
		{ "\x95\x34\xB2\x35", 4, YH_ENC_GB18030, "𠮷" },
		{ "\x84\x31\x95\x33" "a", 5, YH_ENC_GB18030, "a" }, /* GB18030 BOM dropped */
		{ "\xEF\xBB\xBF张三", 9, YH_ENC_UTF8_BOM, "张三" },
		{ "\xEF\xBB\xBF张三", 9, YH_ENC_UTF8, "张三" },
		{ "plain", 5, YH_ENC_UTF8, "plain" },
		{ "", 0, YH_ENC_GB18030, "" },
	};
	char *out = NULL;
	size_t outlen = 0, i;
	yh_err err;

	for (i = 0; i < N_ELEMS(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(yh_encoding_to_utf8(&out, &outlen, cases[i].in, cases[i].len,
							  cases[i].enc, &err), 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		CU_ASSERT_EQUAL(outlen, strlen(cases[i].want));
		free(out);
	}
}

static void test_to_utf8_invalid(void)
{
	static const struct {
		const char *in;
		size_t len;
		int enc;
		const char *msg_part[2];
	} cases[] = {
		/* 0x80 is no GB18030 lead byte: offset 13, third line */
		{ "name\n" GBK_ZHANGSAN ",1\nx\x80y\n", 16, YH_ENC_GB18030, { "byte 13", "line 3" } },
		{ "ok\n\x81", 4, YH_ENC_GB18030, { "byte 3", "line 2" } },     /* truncated */
		{ "a\n\n\xC0\xAF", 5, YH_ENC_UTF8, { "byte 3", "line 3" } },  /* overlong */
		{ "\xFF\xFEn\0a\0", 6, YH_ENC_GB18030, { "UTF-16", "UTF-16" } },
	};
	char *out = NULL;
	size_t outlen = 0, i, k;
	yh_err err;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_encoding_to_utf8(&out, &outlen, cases[i].in, cases[i].len,
						    cases[i].enc, &err), YH_EINVAL);
		CU_ASSERT_PTR_NULL(out);
		for (k = 0; k < 2; k++)
			CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg_part[k]));
	}
}

static void test_from_utf8(void)
{
	static const struct {
		const char *in;
		int enc;
		const char *want; /* NULL: rejected */
		size_t wantlen;
		const char *msg_part;
	} cases[] = {
		{ "张三", YH_ENC_GBK, GBK_ZHANGSAN, 4, NULL },
		{ "喆,堃", YH_ENC_GBK, "\x86\xb4,\x88\xd2", 5, NULL },
		{ "刘䶮", YH_ENC_GBK, NULL, 0, "U+4DAE" },
		{ "王𠮷", YH_ENC_GBK, NULL, 0, "U+20BB7" },
		{ "刘䶮", YH_ENC_GB18030, "\xc1\xf5\xfe\x9f", 4, NULL },
		{ "a", YH_ENC_UTF8_BOM, "\xEF\xBB\xBF" "a", 4, NULL },
		{ "a\xff", YH_ENC_GBK, NULL, 0, "invalid UTF-8" },
	};
	char *out = NULL;
	size_t outlen = 0, i;
	yh_err err;
	int rc;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err_clear(&err);
		rc = yh_encoding_from_utf8(&out, &outlen, cases[i].in, strlen(cases[i].in), cases[i].enc,
					   &err);
		if (cases[i].want == NULL) {
			CU_ASSERT_EQUAL(rc, YH_EINVAL);
			CU_ASSERT_PTR_NULL(out);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg_part));
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(outlen, cases[i].wantlen);
		CU_ASSERT_EQUAL(memcmp(out, cases[i].want, cases[i].wantlen), 0);
		free(out);
	}
}

static void test_gbk_can_carry(void)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "张三", 1 }, { "", 1 }, { "Zhang San", 1 }, { "喆", 1 }, { "欧阳·娜娜", 1 },
		{ "刘䶮", 0 }, { "𠮷", 0 }, { "李•明", 0 }, { "\xff", 0 },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++)
		CU_ASSERT_EQUAL(yh_encoding_gbk_can_carry(cases[i].s), cases[i].want);
}

/* ---- CSV reader ---- */

/* Reads all records as "f1\x1f" "f2\x1e" ... and each record's line as "1,2,". */
static int dump(const char *in, size_t len, char *out, size_t size, char *lines, size_t lsize,
		yh_err *err)
{
	yh_csv_reader *r = NULL;
	const char **f;
	size_t nf, i, o = 0, lo = 0;
	int rc;

	CU_ASSERT_FATAL(yh_csv_reader_new(&r, in, len) == 0);
	out[0] = lines[0] = '\0';
	while ((rc = yh_csv_next(r, &f, &nf, err)) == 1) {
		for (i = 0; i < nf; i++)
			o += (size_t)snprintf(out + o, size - o, "%s%s", i ? "\x1f" : "", f[i]);
		o += (size_t)snprintf(out + o, size - o, "\x1e");
		lo += (size_t)snprintf(lines + lo, lsize - lo, "%zu,", yh_csv_line(r));
		CU_ASSERT_FATAL(o < size && lo < lsize);
	}
	if (rc < 0) /* errors are sticky */
		CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, NULL), rc);
	yh_csv_reader_free(r);
	return rc;
}

static void test_csv_parse(void)
{
	static const struct {
		const char *in;
		const char *want;
		const char *lines;
	} cases[] = {
		{ "", "", "" },
		{ "\r\n\n", "", "" },
		{ "a,b,c\n1,2,3\n", "a\x1f" "b\x1f" "c\x1e" "1\x1f" "2\x1f" "3\x1e", "1,2," },
		{ "a,b\r\n1,2\r\n", "a\x1f" "b\x1e" "1\x1f" "2\x1e", "1,2," },
		{ "a,b\n1,2", "a\x1f" "b\x1e" "1\x1f" "2\x1e", "1,2," },
		{ "\"x,y\",z\n", "x,y\x1f" "z\x1e", "1," },
		{ "\"he said \"\"hi\"\"\",2\n", "he said \"hi\"\x1f" "2\x1e", "1," },
		{ "\"l1\nl2\",x\r\n\"a\r\nb\",y\r\nz,w\r\n", "l1\nl2\x1f" "x\x1e" "a\r\nb\x1f" "y\x1e" "z\x1f" "w\x1e",
		  "1,3,5," },
		{ ",,\n", "\x1f\x1f\x1e", "1," },
		{ "a,\n", "a\x1f\x1e", "1," },
		{ "\"\",x\n", "\x1f" "x\x1e", "1," },
		{ "\"\"\"\"\n", "\"\x1e", "1," },
		{ "a\n\n\nb\n\n", "a\x1e" "b\x1e", "1,4," },
		{ "a,b,", "a\x1f" "b\x1f\x1e", "1," },
		{ "5'10\",x\n", "5'10\"\x1f" "x\x1e", "1," },
		{ "a\rb\r", "a\x1e" "b\x1e", "1,2," },
		{ "\xEF\xBB\xBFname,age\n", "name\x1f" "age\x1e", "1," },
		{ "姓名,身份证号\n张三,110101194001011234\n",
		  "姓名\x1f身份证号\x1e张三\x1f" "110101194001011234\x1e", "1,2," },
		{ "\"张,三\",\" 空格 \"\n", "张,三\x1f 空格 \x1e", "1," },
		{ "h\n\"multi\nline\"\nnext\n", "h\x1emulti\nline\x1enext\x1e", "1,2,4," },
	};
	char out[512], lines[64];
	yh_err err;
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		CU_ASSERT_EQUAL(dump(cases[i].in, strlen(cases[i].in), out, sizeof(out), lines,
				     sizeof(lines), &err), 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		CU_ASSERT_STRING_EQUAL(lines, cases[i].lines);
	}
}

static void test_csv_errors(void)
{
	static const struct {
		const char *in;
		size_t len;
		int code;
		const char *msg_part;
		const char *rows_before; /* records read before the error */
	} cases[] = {
		{ "a,b\nc,\"open\nmore\n", 17, YH_EINVAL, "line 2", "a\x1f" "b\x1e" },
		{ "\"ab\"c,d\n", 8, YH_EINVAL, "line 1", "" },
		{ "x\n\"ab\" ,d\n", 10, YH_EINVAL, "line 2", "x\x1e" },
		{ "ok\na\0b\n", 7, YH_EINVAL, "line 2", "ok\x1e" },
	};
	char out[256], lines[64];
	yh_err err;
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(dump(cases[i].in, cases[i].len, out, sizeof(out), lines, sizeof(lines),
				     &err), cases[i].code);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg_part));
		CU_ASSERT_STRING_EQUAL(out, cases[i].rows_before);
	}
}

static void test_csv_limits(void)
{
	static const struct {
		size_t field_bytes;
		size_t nfields;
		int quoted;
		int want; /* 1 = record read */
	} cases[] = {
		{ YH_CSV_MAX_FIELD_BYTES, 1, 0, 1 },
		{ YH_CSV_MAX_FIELD_BYTES + 1, 1, 0, YH_ETOOBIG },
		{ YH_CSV_MAX_FIELD_BYTES, 1, 1, 1 },
		{ YH_CSV_MAX_FIELD_BYTES + 1, 1, 1, YH_ETOOBIG },
		{ 1, YH_CSV_MAX_FIELDS, 0, 1 },
		{ 1, YH_CSV_MAX_FIELDS + 1, 0, YH_ETOOBIG },
	};
	yh_csv_reader *r = NULL;
	const char **f;
	size_t nf, i, k, o;
	char *buf;
	yh_err err;

	for (i = 0; i < N_ELEMS(cases); i++) {
		buf = malloc(cases[i].nfields * (cases[i].field_bytes + 3) + 2);
		CU_ASSERT_FATAL(buf != NULL);
		for (o = 0, k = 0; k < cases[i].nfields; k++) {
			if (k > 0)
				buf[o++] = ',';
			if (cases[i].quoted)
				buf[o++] = '"';
			memset(buf + o, 'x', cases[i].field_bytes);
			o += cases[i].field_bytes;
			if (cases[i].quoted)
				buf[o++] = '"';
		}
		buf[o++] = '\n';
		CU_ASSERT_FATAL(yh_csv_reader_new(&r, buf, o) == 0);
		yh_err_clear(&err);
		CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), cases[i].want);
		if (cases[i].want == 1) {
			CU_ASSERT_EQUAL(nf, cases[i].nfields);
			CU_ASSERT_EQUAL(strlen(f[nf - 1]), cases[i].field_bytes);
			CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 0);
		} else {
			CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 1"));
		}
		yh_csv_reader_free(r);
		free(buf);
	}
}

static void test_read_file(void)
{
	static const char gbk_file[] = "\xd0\xd5\xc3\xfb,\xbd\xf0\xb6\xee\r\n" /* 姓名,金额 */
				       GBK_ZHANGSAN ",100.50\r\n";
	static const char bad_file[] = "name\n" GBK_ZHANGSAN "\n\x80\x80\n";
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		const char *encoding;
		int code;
		const char *want; /* second record's first field, or a message part */
	} cases[] = {
		{ "gbk.csv", gbk_file, sizeof(gbk_file) - 1, NULL, 0, "张三" },
		{ "gbk2.csv", gbk_file, sizeof(gbk_file) - 1, "GBK", 0, "张三" },
		{ "bom.csv", "\xEF\xBB\xBF姓名\n张三\n", 17, NULL, 0, "张三" },
		{ "u8.csv", "姓名\n张三\n", 14, "utf-8", 0, "张三" },
		{ "gbk3.csv", gbk_file, sizeof(gbk_file) - 1, "utf-8", YH_EINVAL, "line 1" },
		{ "bad.csv", bad_file, sizeof(bad_file) - 1, NULL, YH_EINVAL, "line 3" },
		{ "enc.csv", "a\n", 2, "ebcdic", YH_EINVAL, "ebcdic" },
	};
	yh_csv_reader *r = NULL;
	const char **f;
	const char *path;
	size_t nf, i;
	yh_err err;
	int rc;

	for (i = 0; i < N_ELEMS(cases); i++) {
		path = write_tmp(cases[i].name, cases[i].bytes, cases[i].len);
		yh_err_clear(&err);
		rc = yh_csv_read_file(&r, path, cases[i].encoding, &err);
		CU_ASSERT_EQUAL(rc, cases[i].code);
		if (rc < 0) {
			CU_ASSERT_PTR_NULL(r);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].want));
			continue;
		}
		CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 1);
		CU_ASSERT_STRING_EQUAL(f[0], cases[i].want);
		CU_ASSERT_EQUAL(yh_csv_line(r), 2);
		CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 0);
		yh_csv_reader_free(r);
		r = NULL;
	}
	snprintf(err.msg, sizeof(err.msg), "%s/missing.csv", tmpdir);
	CU_ASSERT_EQUAL(yh_csv_read_file(&r, err.msg, NULL, &err), YH_ENOTFOUND);
	yh_csv_reader_free(NULL);
}

static int suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/yh_test_csv.XXXXXX");
	return mkdtemp(tmpdir) == NULL;
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) != 0;
}

int main(void)
{
	CU_pSuite enc, csv;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	enc = CU_add_suite("encoding", NULL, NULL);
	csv = CU_add_suite("csv", suite_init, suite_clean);
	if (enc == NULL || csv == NULL || !CU_add_test(enc, "detect", test_detect) ||
	    !CU_add_test(enc, "from_name", test_from_name) ||
	    !CU_add_test(enc, "to_utf8", test_to_utf8) ||
	    !CU_add_test(enc, "to_utf8_invalid", test_to_utf8_invalid) ||
	    !CU_add_test(enc, "from_utf8", test_from_utf8) ||
	    !CU_add_test(enc, "gbk_can_carry", test_gbk_can_carry) ||
	    !CU_add_test(csv, "parse", test_csv_parse) ||
	    !CU_add_test(csv, "errors", test_csv_errors) ||
	    !CU_add_test(csv, "limits", test_csv_limits) ||
	    !CU_add_test(csv, "read_file", test_read_file)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures != 0;
}
