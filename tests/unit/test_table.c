/*
 * test_table.c - CSV/XLSX table writer: quoting, injection guard, number
 * cells, UTF-8 BOM / GBK round trips through the CSV reader, XLSX contents.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <zlib.h>

#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/table.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* Whole file as a NUL-terminated heap buffer (caller frees), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	n = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
	if (n >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

/* Number of entries in tmpdir, to catch leftover temporary files. */
static int dir_entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

static void clear_dir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			unlink(tmp_path(e->d_name));
	}
	if (d != NULL)
		closedir(d);
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* One member of a zip file, inflated, NUL-terminated (caller frees), or NULL. */
static char *zip_entry(const char *path, const char *name)
{
	size_t len = 0, p, i, nlen, data;
	unsigned char *z = (unsigned char *)slurp(path, &len);
	char *out = NULL;
	z_stream zs;

	if (z == NULL || len < 22)
		goto done;
	for (i = len - 22; i > 0 && memcmp(z + i, "PK\5\6", 4) != 0; i--)
		;
	p = le32(z + i + 16);
	for (i = le16(z + i + 10); i > 0 && p + 46 <= len && memcmp(z + p, "PK\1\2", 4) == 0; i--) {
		nlen = le16(z + p + 28);
		if (nlen == strlen(name) && memcmp(z + p + 46, name, nlen) == 0) {
			uint32_t csize = le32(z + p + 20), usize = le32(z + p + 24), loff = le32(z + p + 42);

			data = loff + 30 + le16(z + loff + 26) + le16(z + loff + 28);
			out = calloc(1, usize + 1);
			if (out == NULL || data + csize > len)
				break;
			if (le16(z + p + 10) == 0) {
				memcpy(out, z + data, usize);
				goto done;
			}
			memset(&zs, 0, sizeof(zs));
			zs.next_in = z + data;
			zs.avail_in = csize;
			zs.next_out = (unsigned char *)out;
			zs.avail_out = usize;
			if (inflateInit2(&zs, -MAX_WBITS) == Z_OK && inflate(&zs, Z_FINISH) == Z_STREAM_END &&
			    zs.total_out == usize) {
				inflateEnd(&zs);
				goto done;
			}
			inflateEnd(&zs);
			break;
		}
		p += 46 + nlen + le16(z + p + 30) + le16(z + p + 32);
	}
	free(out);
	out = NULL;
done:
	free(z);
	return out;
}

/* Writes one row [cell, "end"] in UTF-8 without BOM and returns the file. */
static char *csv_of(const char *cell, int type, int *rc)
{
	const char *cells[2] = { cell, "end" };
	int types[2] = { type, YH_CELL_TEXT };
	yh_table *t = NULL;
	size_t len;
	yh_err err;

	CU_ASSERT_FATAL(yh_table_open(&t, tmp_path("q.csv"), YH_TABLE_CSV, YH_ENC_UTF8, NULL, &err) == 0);
	*rc = yh_table_row(t, cells, types, 2, &err);
	CU_ASSERT_EQUAL(yh_table_close(t, &err), 0);
	return slurp(tmp_path("q.csv"), &len);
}

static void test_csv_quoting(void)
{
	static const struct {
		const char *cell;
		int type;
		const char *want;
	} cases[] = {
		{ "plain", YH_CELL_TEXT, "plain" },
		{ "", YH_CELL_TEXT, "" },
		{ NULL, YH_CELL_TEXT, "" },
		{ " lead ", YH_CELL_TEXT, " lead " },
		{ "张三", YH_CELL_TEXT, "张三" },
		{ "a,b", YH_CELL_TEXT, "\"a,b\"" },
		{ "say \"hi\"", YH_CELL_TEXT, "\"say \"\"hi\"\"\"" },
		{ "\"", YH_CELL_TEXT, "\"\"\"\"" },
		{ "l1\nl2", YH_CELL_TEXT, "\"l1\nl2\"" },
		{ "l1\r\nl2", YH_CELL_TEXT, "\"l1\r\nl2\"" },
		{ "a=b", YH_CELL_TEXT, "a=b" },
		{ "=SUM(A1:A9)", YH_CELL_TEXT, "'=SUM(A1:A9)" },
		{ "+86 13800000000", YH_CELL_TEXT, "'+86 13800000000" },
		{ "-5", YH_CELL_TEXT, "'-5" },
		{ "@cmd", YH_CELL_TEXT, "'@cmd" },
		{ "\tx", YH_CELL_TEXT, "'\tx" },
		{ "=1,2", YH_CELL_TEXT, "\"'=1,2\"" },
		{ "-5", YH_CELL_INT, "-5" },
		{ "-1234.50", YH_CELL_MONEY, "-1234.50" },
		{ "", YH_CELL_MONEY, "" },
		{ "110101194001011234", YH_CELL_TEXT, "110101194001011234" },
	};
	char want[128], *got;
	size_t i;
	int rc;

	for (i = 0; i < N_ELEMS(cases); i++) {
		got = csv_of(cases[i].cell, cases[i].type, &rc);
		CU_ASSERT_EQUAL(rc, 0);
		snprintf(want, sizeof(want), "%s,end\r\n", cases[i].want);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, want);
		free(got);
	}
	clear_dir();
}

static void test_number_cells(void)
{
	static const struct {
		int type;
		const char *s;
		int ok;
	} cases[] = {
		{ YH_CELL_INT, "0", 1 },          { YH_CELL_INT, "123", 1 },
		{ YH_CELL_INT, "-7", 1 },         { YH_CELL_INT, "999999999999999", 1 },
		{ YH_CELL_INT, "1000000000000000", 0 }, /* 16 digits: beyond exact */
		{ YH_CELL_INT, "110101194001011234", 0 },
		{ YH_CELL_INT, "007", 0 },        { YH_CELL_INT, "1.5", 0 },
		{ YH_CELL_INT, "+1", 0 },         { YH_CELL_INT, "-", 0 },
		{ YH_CELL_INT, " 1", 0 },         { YH_CELL_MONEY, "1234.50", 1 },
		{ YH_CELL_MONEY, "0.5", 1 },      { YH_CELL_MONEY, "-0.01", 1 },
		{ YH_CELL_MONEY, "100", 1 },      { YH_CELL_MONEY, "1.234", 0 },
		{ YH_CELL_MONEY, "1,234.00", 0 }, { YH_CELL_MONEY, "1.", 0 },
		{ YH_CELL_MONEY, ".5", 0 },       { YH_CELL_MONEY, "¥10", 0 },
		{ YH_CELL_NUMBER, "87.5", 1 },    { YH_CELL_NUMBER, "0.000000000000001", 1 },
		{ YH_CELL_NUMBER, "1e5", 0 },     { YH_CELL_NUMBER, "abc", 0 },
		{ YH_CELL_NUMBER, "", 1 },        { 9, "1", 0 },
	};
	const char *cells[2];
	int types[2];
	yh_table *t = NULL;
	yh_err err;
	size_t i;
	int rc;

	CU_ASSERT_FATAL(yh_table_open(&t, tmp_path("n.csv"), YH_TABLE_CSV, 0, NULL, &err) == 0);
	CU_ASSERT_EQUAL(yh_table_header(t, (const char *const[]){ "名称", "值" }, 2, &err), 0);
	for (i = 0; i < N_ELEMS(cases); i++) {
		cells[0] = "x";
		cells[1] = cases[i].s;
		types[0] = YH_CELL_TEXT;
		types[1] = cases[i].type;
		yh_err_clear(&err);
		rc = yh_table_row(t, cells, types, 2, &err);
		CU_ASSERT_EQUAL(rc, cases[i].ok ? 0 : YH_EINVAL);
		if (!cases[i].ok)
			CU_ASSERT_STRING_EQUAL(err.field, "值");
	}
	yh_table_discard(t);
	CU_ASSERT_EQUAL(dir_entries(), 0);
}

static const char *const rt_header[] = { "序号", "姓名", "证件号码", "金额(元)", "备注" };
static const int rt_types[] = { YH_CELL_INT, YH_CELL_TEXT, YH_CELL_TEXT, YH_CELL_MONEY, YH_CELL_TEXT };
static const char *const rt_rows[][5] = {
	{ "1", "张三", "110101194001011234", "1234.50", "北京市,东城区" },
	{ "2", "欧阳·娜娜", "11010119400101123X", "-0.01", "说\"好\"的" },
	{ "3", "李四", "", "", "第一行\n第二行" },
	{ "4", "Zhang San", "0012345", "0", NULL },
	{ "5", "喆堃", " 6222021234567890123 ", "99", "a\r\nb" },
};

static void round_trip(int enc, const char *read_as)
{
	const char *path = tmp_path("rt.csv");
	yh_csv_reader *r = NULL;
	yh_table *t = NULL;
	const char **f;
	size_t nf, i, k, len = 0;
	char *raw;
	yh_err err;

	CU_ASSERT_FATAL(yh_table_open(&t, path, YH_TABLE_CSV, enc, NULL, &err) == 0);
	CU_ASSERT_EQUAL(yh_table_header(t, rt_header, 5, &err), 0);
	for (i = 0; i < N_ELEMS(rt_rows); i++)
		CU_ASSERT_EQUAL(yh_table_row(t, rt_rows[i], rt_types, 5, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_table_close(t, &err), 0);
	CU_ASSERT_EQUAL(dir_entries(), 1);

	raw = slurp(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_EQUAL(len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0, enc == YH_ENC_UTF8_BOM);
	if (enc == YH_ENC_GBK)
		CU_ASSERT_PTR_NOT_NULL(strstr(raw, "\xd5\xc5\xc8\xfd")); /* 张三 */
	CU_ASSERT_EQUAL(yh_encoding_detect(raw, len),
			enc == YH_ENC_UTF8_BOM ? YH_ENC_UTF8_BOM
			: enc == YH_ENC_UTF8 ? YH_ENC_UTF8 : YH_ENC_GB18030);
	free(raw);

	CU_ASSERT_FATAL(yh_csv_read_file(&r, path, read_as, &err) == 0);
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL_FATAL(nf, 5);
	for (k = 0; k < 5; k++)
		CU_ASSERT_STRING_EQUAL(f[k], rt_header[k]);
	for (i = 0; i < N_ELEMS(rt_rows); i++) {
		CU_ASSERT_EQUAL_FATAL(yh_csv_next(r, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL_FATAL(nf, 5);
		for (k = 0; k < 5; k++)
			CU_ASSERT_STRING_EQUAL(f[k], rt_rows[i][k] != NULL ? rt_rows[i][k] : "");
	}
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 0);
	yh_csv_reader_free(r);
	clear_dir();
}

static void test_round_trip(void)
{
	round_trip(YH_ENC_UTF8_BOM, NULL);
	round_trip(YH_ENC_UTF8, NULL);
	round_trip(YH_ENC_GBK, NULL);
	round_trip(YH_ENC_GBK, "gbk");
	round_trip(YH_ENC_GB18030, "gb18030");
}

static void test_gbk_reject(void)
{
	static const char *const hdr[] = { "序号", "户名", "账号" };
	static const char *const bad[] = { "1", "刘䶮", "6222021234567890123" };
	static const char *const good[] = { "2", "张三", "6222021234567890124" };
	const char *path = tmp_path("bank.csv");
	yh_csv_reader *r = NULL;
	yh_table *t = NULL;
	const char **f;
	size_t nf;
	yh_err err;

	CU_ASSERT_FATAL(yh_table_open(&t, path, YH_TABLE_CSV, YH_ENC_GBK, NULL, &err) == 0);
	CU_ASSERT_EQUAL(yh_table_header(t, hdr, 3, &err), 0);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_table_row(t, bad, NULL, 3, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "户名");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "U+4DAE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "row 2"));
	/* the rejected row leaves the table usable */
	CU_ASSERT_EQUAL(yh_table_row(t, good, NULL, 3, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_table_close(t, &err), 0);

	CU_ASSERT_FATAL(yh_csv_read_file(&r, path, "gbk", &err) == 0);
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 1);
	CU_ASSERT_STRING_EQUAL(f[1], "张三");
	CU_ASSERT_EQUAL(yh_csv_next(r, &f, &nf, &err), 0);
	yh_csv_reader_free(r);
	clear_dir();
}

static void test_xlsx(void)
{
	static const char *const hdr[] = { "序号", "户名", "证件号码", "收款账号", "金额", "得分" };
	static const int types[] = { YH_CELL_INT, YH_CELL_TEXT, YH_CELL_TEXT, YH_CELL_TEXT,
				     YH_CELL_MONEY, YH_CELL_NUMBER };
	static const char *const row1[] = { "1", "张三", "110101194001011234", "6222021234567890123",
					    "1234.50", "87.5" };
	static const char *const row2[] = { "2", "=cmd|' /C calc'!A0", "11010119400101123X",
					    "0012345", "-0.01", "" };
	static const struct {
		const char *member;
		const char *needle;
		int present;
	} checks[] = {
		/* strings inline, written as the rows come (constant memory), as text cells */
		{ "xl/worksheets/sheet1.xml", "t=\"inlineStr\"><is><t>110101194001011234</t>", 1 },
		{ "xl/worksheets/sheet1.xml", "<t>6222021234567890123</t>", 1 },
		{ "xl/worksheets/sheet1.xml", "<t>0012345</t>", 1 },
		{ "xl/worksheets/sheet1.xml", "<t>张三</t>", 1 },
		{ "xl/worksheets/sheet1.xml", "<t>=cmd|' /C calc'!A0</t>", 1 },
		{ "xl/worksheets/sheet1.xml", "<v>1234.5</v>", 1 },
		{ "xl/worksheets/sheet1.xml", "<v>-0.01</v>", 1 },
		{ "xl/worksheets/sheet1.xml", "<v>87.5</v>", 1 },
		{ "xl/worksheets/sheet1.xml", "<v>110101194001011234</v>", 0 }, /* not a number cell */
		{ "xl/worksheets/sheet1.xml", "<f>", 0 },                /* no formulas */
		{ "xl/worksheets/sheet1.xml", "<pane", 1 },              /* frozen header */
		{ "xl/styles.xml", "formatCode=\"0.00\"", 1 },
		{ "xl/workbook.xml", "name=\"代发明细\"", 1 },
	};
	const char *path = tmp_path("pay.xlsx");
	yh_table *t = NULL;
	char *raw, *xml;
	size_t i, len = 0;
	yh_err err;

	CU_ASSERT_FATAL(yh_table_open(&t, path, YH_TABLE_XLSX, 0, "代发明细", &err) == 0);
	CU_ASSERT_EQUAL(yh_table_header(t, hdr, 6, &err), 0);
	CU_ASSERT_EQUAL(yh_table_header(t, hdr, 6, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_table_row(t, row1, types, 6, &err), 0);
	CU_ASSERT_EQUAL(yh_table_row(t, row2, types, 6, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_table_close(t, &err), 0);
	CU_ASSERT_EQUAL(dir_entries(), 1);

	raw = slurp(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT(len > 4 && memcmp(raw, "PK\3\4", 4) == 0);
	free(raw);
	for (i = 0; i < N_ELEMS(checks); i++) {
		xml = zip_entry(path, checks[i].member);
		CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
		CU_ASSERT_EQUAL(strstr(xml, checks[i].needle) != NULL, checks[i].present);
		free(xml);
	}
	clear_dir();
}

static void test_open_errors(void)
{
	static const struct {
		const char *path;
		int format;
		int enc;
		const char *sheet;
		int code;
	} cases[] = {
		{ "x.xlsx", 7, 0, NULL, YH_EINVAL },
		{ "x.csv", YH_TABLE_CSV, 99, NULL, YH_EINVAL },
		{ "-", YH_TABLE_XLSX, 0, NULL, YH_EINVAL },
		{ "x.xlsx", YH_TABLE_XLSX, 0, "a[1]", YH_EINVAL },
		{ "x.xlsx", YH_TABLE_XLSX, 0, "a sheet name that is far too long", YH_EINVAL },
		{ "no/such/dir.csv", YH_TABLE_CSV, 0, NULL, YH_ENOTFOUND },
	};
	char path[512];
	yh_table *t = NULL;
	yh_err err;
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		snprintf(path, sizeof(path), "%s", strcmp(cases[i].path, "-") == 0 ? "-" : tmp_path(cases[i].path));
		CU_ASSERT_EQUAL(yh_table_open(&t, path, cases[i].format, cases[i].enc, cases[i].sheet, &err),
				cases[i].code);
		CU_ASSERT_PTR_NULL(t);
	}
	CU_ASSERT_EQUAL(dir_entries(), 0);
}

static void test_row_errors(void)
{
	static const struct {
		int format;
		size_t bytes; /* cell of this many 'x' (0: invalid UTF-8 cell) */
		int code;
	} cases[] = {
		{ YH_TABLE_XLSX, 32767, 0 },
		{ YH_TABLE_XLSX, 32768, YH_ETOOBIG },
		{ YH_TABLE_CSV, 40000, 0 },
		{ YH_TABLE_CSV, 0, YH_EINVAL },
		{ YH_TABLE_XLSX, 0, YH_EINVAL },
	};
	const char *cells[1];
	yh_table *t = NULL;
	char *big;
	yh_err err;
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		big = malloc(cases[i].bytes + 2);
		CU_ASSERT_FATAL(big != NULL);
		if (cases[i].bytes == 0) {
			strcpy(big, "\xC0");
		} else {
			memset(big, 'x', cases[i].bytes);
			big[cases[i].bytes] = '\0';
		}
		cells[0] = big;
		CU_ASSERT_FATAL(yh_table_open(&t, tmp_path("e.out"), cases[i].format, 0, NULL, &err) == 0);
		CU_ASSERT_EQUAL(yh_table_row(t, cells, NULL, 1, &err), cases[i].code);
		yh_table_discard(t);
		free(big);
	}
	CU_ASSERT_EQUAL(dir_entries(), 0); /* discard leaves nothing behind */
}

/* Runs a "-" CSV export in a child whose stdout is fd; returns the child's status. */
static int stdout_child(int fd)
{
	static const char *const row[] = { "a", "b,c" };
	yh_table *t = NULL;
	yh_err err;
	int rc, rc2;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		rc = yh_table_open(&t, "-", YH_TABLE_CSV, YH_ENC_UTF8, NULL, &err);
		if (rc == 0) {
			rc = yh_table_row(t, row, NULL, 2, &err);
			rc2 = yh_table_close(t, &err);
			rc = rc < 0 ? rc : rc2;
		}
		_exit(rc == 0 ? 0 : rc == YH_EUNAVAILABLE ? 2 : 3);
	}
	if (pid < 0 || waitpid(pid, &rc, 0) != pid || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

static void test_stdout(void)
{
	const char *path = tmp_path("out.csv");
	size_t len = 0;
	char *got;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(stdout_child(fd), 0);
	close(fd);
	got = slurp(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, "a,\"b,c\"\r\n");
	free(got);

	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) { /* a full disk must surface as an error, not a short file */
		CU_ASSERT_EQUAL(stdout_child(fd), 2);
		close(fd);
	}
	clear_dir();
}

static int suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/yh_test_table.XXXXXX");
	return mkdtemp(tmpdir) == NULL;
}

static int suite_clean(void)
{
	clear_dir();
	return rmdir(tmpdir) != 0;
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("table", suite_init, suite_clean);
	if (s == NULL || !CU_add_test(s, "csv_quoting", test_csv_quoting) ||
	    !CU_add_test(s, "number_cells", test_number_cells) ||
	    !CU_add_test(s, "round_trip", test_round_trip) ||
	    !CU_add_test(s, "gbk_reject", test_gbk_reject) ||
	    !CU_add_test(s, "xlsx", test_xlsx) ||
	    !CU_add_test(s, "open_errors", test_open_errors) ||
	    !CU_add_test(s, "row_errors", test_row_errors) ||
	    !CU_add_test(s, "stdout", test_stdout)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures != 0;
}
