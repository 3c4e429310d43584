/*
 * test_cli_format.c - the CLI's list output for Excel (src/cli/format.c):
 * taking --format/--encoding/--output out of argv, Chinese headers, cells
 * (fen as yuan, 是/否, lists, local times), UTF-8 with BOM, GBK and XLSX
 * files, and when colour may be used (src/cli/cli.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "cli/cli.h"
#include "yinhui/encoding.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void test_labels(void)
{
	static const struct {
		const char *key, *label;
	} cases[] = {
		{ "name", "姓名" },
		{ "id_number", "身份证号码" },
		{ "visited_at", "走访日期" },
		{ "condolence_fen", "慰问金（元）" },
		{ "due_on", "应访日期" },
		{ "no_such_key", NULL },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const char *got = yh_cli_label(cases[i].key);
		if (cases[i].label == NULL) {
			CU_ASSERT_PTR_NULL(got);
		} else {
			CU_ASSERT(got != NULL && strcmp(got, cases[i].label) == 0);
		}
	}
}

static void test_take_format(void)
{
	static const struct {
		int json;
		const char *args[8];
		int rc, format, encoding;
		const char *output;
		int left; /* arguments left for the command */
	} cases[] = {
		{ 0, { NULL }, 0, 0, 0, NULL, 0 },
		{ 0, { "--person", "p1", "--limit", "5", NULL }, 0, 0, 0, NULL, 4 },
		{ 0, { "--person", "p1", "--format", "csv", NULL }, 0, YH_TABLE_CSV, YH_ENC_UTF8_BOM, NULL, 2 },
		{ 0, { "--format=xlsx", "--output", "a.xlsx", "--limit", "5", NULL }, 0, YH_TABLE_XLSX, 0, "a.xlsx", 2 },
		{ 0, { "--output", "走访.xlsx", NULL }, 0, YH_TABLE_XLSX, 0, "走访.xlsx", 0 },
		{ 0, { "--output=a.csv", "--encoding", "gbk", NULL }, 0, YH_TABLE_CSV, YH_ENC_GBK, "a.csv", 0 },
		{ 0, { "--encoding", "utf-8", NULL }, 0, YH_TABLE_CSV, YH_ENC_UTF8_BOM, NULL, 0 },
		{ 0, { "--encoding", "gb18030", "--state", "open", NULL }, 0, YH_TABLE_CSV, YH_ENC_GB18030, NULL, 2 },
		{ 0, { "--formats", "x", NULL }, 0, 0, 0, NULL, 2 },
		{ 0, { "--format", "pdf", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 0, { "--format", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 0, { "--format=", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 0, { "--encoding", "latin1", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 0, { "--format", "xlsx", "--encoding", "gbk", "--output", "x.xlsx", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 1, { "--format", "csv", NULL }, YH_EUSAGE, 0, 0, NULL, -1 },
		{ 1, { "--limit", "5", NULL }, 0, 0, 0, NULL, 2 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		yh_cli c = { 0 };
		char *argv[9] = { 0 };
		int argc = 0, rc;
		yh_err err;

		yh_err_clear(&err);
		c.json = cases[i].json;
		while (cases[i].args[argc]) {
			argv[argc] = (char *)cases[i].args[argc];
			argc++;
		}
		rc = yh_cli_take_format(&c, &argc, argv, &err);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (rc != 0) {
			CU_ASSERT_EQUAL(err.code, YH_EUSAGE);
			continue;
		}
		CU_ASSERT_EQUAL(c.format, cases[i].format);
		if (cases[i].format == YH_TABLE_CSV)
			CU_ASSERT_EQUAL(c.encoding, cases[i].encoding);
		CU_ASSERT((c.output == NULL && cases[i].output == NULL) ||
			(c.output && cases[i].output && strcmp(c.output, cases[i].output) == 0));
		CU_ASSERT_EQUAL(argc, cases[i].left);
		for (int k = 0; k < argc; k++)
			CU_ASSERT(strcmp(argv[k], "--format") != 0 && strcmp(argv[k], "--output") != 0 &&
				strcmp(argv[k], "--encoding") != 0);
	}
}

static const char rows_json[] =
	"{\"items\":["
	"{\"visited_at\":\"2022-12-20T10:00:00+08:00\",\"name\":\"钟月珍\",\"staff\":[\"li\",\"wang\"],"
	"\"condolence_fen\":30050,\"overdue\":true,\"person\":{\"id\":\"x\",\"name\":\"钟月珍\"},\"note\":null,"
	"\"amount\":\"7890.00\",\"id_number\":\"440803********7565\",\"age\":77,\"odd_fen\":5},"
	"{\"visited_at\":\"2022-12-21T09:30:00Z\",\"name\":\"吴琴淑\",\"staff\":[],"
	"\"condolence_fen\":0,\"overdue\":false,\"person\":null,\"note\":\"=1+2\","
	"\"amount\":\"12\",\"id_number\":\"440803********1234\",\"age\":90,\"odd_fen\":null}"
	"],\"total\":2}";

static void test_csv_utf8(void)
{
	static const char want[] =
		"\xEF\xBB\xBF"
		"走访日期,姓名,走访人员,慰问金（元）,已逾期,人员,备注,金额（元）,身份证号码,年龄,odd（元）\r\n"
		"2022-12-20 10:00,钟月珍,li、wang,300.50,是,钟月珍,,7890.00,440803********7565,77,0.05\r\n"
		"2022-12-21T09:30:00Z,吴琴淑,,0.00,否,,'=1+2,12,440803********1234,90,\r\n";
	char *data = NULL;
	size_t len = 0, rows = 0;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_cli_table_write(rows_json, NULL, YH_TABLE_CSV, YH_ENC_UTF8_BOM, tmp_path("v.csv"),
		&rows, &err), 0);
	CU_ASSERT_EQUAL(rows, 2);
	CU_ASSERT_EQUAL_FATAL(yh_file_read(tmp_path("v.csv"), 1 << 20, &data, &len), 0);
	/* the line ending is the table writer's; compare with it normalised */
	if (strstr(data, "\r\n") == NULL) {
		char *w = strdup(want), *o = w;
		for (const char *p = want; *p; p++)
			if (*p != '\r')
				*o++ = *p;
		*o = '\0';
		CU_ASSERT_STRING_EQUAL(data, w);
		free(w);
	} else {
		CU_ASSERT_STRING_EQUAL(data, want);
	}
	free(data);
}

static void test_csv_columns_and_gbk(void)
{
	static const char *const cols[] = { "name", "condolence_fen", "unknown", NULL };
	char *data = NULL, *utf8 = NULL;
	size_t len = 0, ulen = 0, rows = 0;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_cli_table_write(rows_json, cols, YH_TABLE_CSV, YH_ENC_GBK, tmp_path("g.csv"), &rows,
		&err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_file_read(tmp_path("g.csv"), 1 << 20, &data, &len), 0);
	CU_ASSERT(len > 3 && memcmp(data, "\xEF\xBB\xBF", 3) != 0);
	CU_ASSERT_EQUAL_FATAL(yh_encoding_to_utf8(&utf8, &ulen, data, len, YH_ENC_GB18030, &err), 0);
	CU_ASSERT(strncmp(utf8, "姓名,慰问金（元）,unknown", strlen("姓名,慰问金（元）,unknown")) == 0);
	CU_ASSERT(strstr(utf8, "吴琴淑,0.00,") != NULL);
	free(data);
	free(utf8);

	/* a character GBK cannot carry is refused, naming the column */
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_cli_table_write("[{\"name\":\"\xF0\x9F\x98\x80\"}]", NULL, YH_TABLE_CSV, YH_ENC_GBK,
		tmp_path("bad.csv"), &rows, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.field, "姓名");
	CU_ASSERT(access(tmp_path("bad.csv"), F_OK) != 0);
}

/* 性别 reads 男/女 in a list file, as in the roster export, not the M/F of the JSON */
static void test_gender(void)
{
	char *data = NULL;
	size_t len = 0, rows = 0;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_cli_table_write("[{\"name\":\"张三\",\"gender\":\"M\"},{\"name\":\"李四\",\"gender\":\"F\"}]",
		NULL, YH_TABLE_CSV, YH_ENC_UTF8, tmp_path("sex.csv"), &rows, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_file_read(tmp_path("sex.csv"), 1 << 20, &data, &len), 0);
	CU_ASSERT_STRING_EQUAL(data, "姓名,性别\r\n张三,男\r\n李四,女\r\n");
	free(data);
}

static void test_xlsx_and_shapes(void)
{
	static const struct {
		const char *json;
		int rc;
		size_t rows;
	} cases[] = {
		{ "[{\"due_on\":\"2022-01-01\",\"name\":\"蔡敏\"}]", 0, 1 },
		{ "{\"lines\":[{\"serial\":1,\"amount\":\"7890.00\"},{\"serial\":2,\"amount\":\"1.5\"}]}", 0, 2 },
		{ "[]", 0, 0 },
		{ "{\"as_of\":\"2022-01-01\"}", YH_EUSAGE, 0 },
		{ "not json", YH_EUSAGE, 0 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char name[32], *data = NULL;
		size_t rows = 99, len = 0;
		yh_err err;

		yh_err_clear(&err);
		snprintf(name, sizeof(name), "s%zu.xlsx", i);
		CU_ASSERT_EQUAL(yh_cli_table_write(cases[i].json, NULL, YH_TABLE_XLSX, 0, tmp_path(name), &rows, &err),
			cases[i].rc);
		if (cases[i].rc != 0)
			continue;
		CU_ASSERT_EQUAL(rows, cases[i].rows);
		CU_ASSERT_EQUAL_FATAL(yh_file_read(tmp_path(name), 1 << 24, &data, &len), 0);
		CU_ASSERT(len > 4 && memcmp(data, "PK\x03\x04", 4) == 0);
		free(data);
	}
}

static void test_colour(void)
{
	int master, slave, pipefd[2];
	const char *name;

	CU_ASSERT_FATAL(pipe(pipefd) == 0);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	CU_ASSERT_FATAL(master >= 0);
	CU_ASSERT_FATAL(grantpt(master) == 0 && unlockpt(master) == 0);
	name = ptsname(master);
	CU_ASSERT_FATAL(name != NULL);
	slave = open(name, O_RDWR | O_NOCTTY);
	CU_ASSERT_FATAL(slave >= 0);

	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	CU_ASSERT_EQUAL(yh_cli_colour(slave), 1);
	CU_ASSERT_EQUAL(yh_cli_colour(pipefd[1]), 0);
	setenv("NO_COLOR", "1", 1);
	CU_ASSERT_EQUAL(yh_cli_colour(slave), 0);
	setenv("NO_COLOR", "", 1); /* empty means unset (no-color.org) */
	CU_ASSERT_EQUAL(yh_cli_colour(slave), 1);
	setenv("TERM", "dumb", 1);
	CU_ASSERT_EQUAL(yh_cli_colour(slave), 0);
	unsetenv("TERM");
	CU_ASSERT_EQUAL(yh_cli_colour(slave), 0);

	close(slave);
	close(master);
	close(pipefd[0]);
	close(pipefd[1]);
}

static int suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/yhclifmt.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("cli_format", suite_init, suite_clean);
	CU_add_test(s, "Chinese column labels", test_labels);
	CU_add_test(s, "--format/--encoding/--output taken out of argv", test_take_format);
	CU_add_test(s, "CSV in UTF-8 with BOM: headers and cells", test_csv_utf8);
	CU_add_test(s, "chosen columns, GBK, and what GBK cannot carry", test_csv_columns_and_gbk);
	CU_add_test(s, "性别 as 男/女", test_gender);
	CU_add_test(s, "XLSX files and the shapes of lists", test_xlsx_and_shapes);
	CU_add_test(s, "colour only on a terminal, never with NO_COLOR", test_colour);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
