/* yinhui cadre ... end to end: exit codes, messages naming the field, import report, export file, --help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_roster_util.h"

static char dir[64];
static char out[1 << 16];

/* Runs yinhui as user with args through /bin/sh (arguments are test constants); returns the exit status. */
static int run_as(const char *user, const char *args)
{
	char cmd[8192];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='%s' YINHUI_TOKEN=%s %s %s 2>&1",
		T.conninfo, user ? yh_t_token(user) : "none", YH_CLI_PATH, args);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_help(void)
{
	static const char *const cmds[] = { "cadre add", "cadre show", "cadre update", "cadre list", "cadre search",
		"cadre survivors", "cadre transfer-out", "cadre import", "cadre export", "cadre figures", "cadre reconcile",
		"cadre close-year", "survivor add", NULL };
	char args[128];

	for (int i = 0; cmds[i]; i++) {
		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		CU_ASSERT_EQUAL(run_as(NULL, args), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "example: yinhui "));
	}
	CU_ASSERT_EQUAL(run_as(NULL, "cadre"), 2);
}

static void test_add_show(void)
{
	long persons = yh_t_count("SELECT count(*) FROM yh.person");

	/* a wrong check digit: exit 3, the field named, nothing written */
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre add --name 李四 --id-number 440802193007010011 --category 退休"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "id_number"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "check digit"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre add --name 张三 --id-number 44080219300701001X --category 离休"
		" --joined-on 1945-03-01 --phones '13812345678;家:0759-3618688' --living-situation 独居"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "440802********001X"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre add --name 张三 --id-number 44080219300701001X --category 退休"), 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "id_number"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre show 44080219300701001X"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "独居"));
	/* another unit's caseworker: not permitted (5); an auditor cannot write (5) */
	CU_ASSERT_EQUAL(run_as("cw_b", "cadre show 44080219300701001X"), 5);
	CU_ASSERT_EQUAL(run_as("auditor", "cadre update 44080219300701001X --note x"), 5);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre show 44080219300701001X --reveal-id"), 5);
	CU_ASSERT_EQUAL(run_as("clerk", "cadre show 44080219300701001X --reveal-id"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "44080219300701001X"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre show 00000000-0000-4000-8000-000000000000"), 4);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre update 44080219300701001X --care-level 半失能 --clear-rank"), 0);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre update 44080219300701001X --deceased-on 2024-01-01"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "deceased_on"));
	CU_ASSERT_EQUAL(run_as("cw_a", "survivor add --cadre 44080219300701001X --relationship 配偶 --name 李秀英"
		" --id-number 440802193205050020"), 0);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre survivors 44080219300701001X"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "李秀英"));
	CU_ASSERT_EQUAL(run_as("cw_a", "--json cadre list --unit chikan"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"total\": 1"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre search 张"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "张三"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre list --limit 500"), 3);
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre show"), 2);
}

static void test_import_export(void)
{
	char path[128], args[512], bad[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/good.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "姓名,身份证号码,类别,单位\n陈一,%s,退休,chikan\n陈二,%s,退休,chikan-east\n",
		rt_id("440802", "19450101", 1), rt_id("440802", "19450102", 2));
	fclose(f);
	snprintf(args, sizeof(args), "cadre import %s", path);
	CU_ASSERT_EQUAL(run_as("cw_a", args), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 created"));
	CU_ASSERT_EQUAL(run_as("cw_a", args), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 unchanged"));
	/* every bad row on its own line, exit 3, nothing imported */
	snprintf(bad, sizeof(bad), "%s/bad.csv", dir);
	f = fopen(bad, "w");
	fprintf(f, "姓名,身份证号码,类别\n陈三,%s,退休\n陈四,%s,退休\n陈五,%s,老干部\n",
		rt_id("440802", "19450103", 3), rt_bad_id("440802", "19450104", 4), rt_id("440802", "19450105", 5));
	fclose(f);
	snprintf(args, sizeof(args), "cadre import %s --encoding utf-8", bad);
	CU_ASSERT_EQUAL(run_as("cw_a", args), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "line 3, 身份证号码: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "line 4, 类别: "));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '陈三'"), 0);
	snprintf(args, sizeof(args), "cadre import %s --colour red", path);
	CU_ASSERT_EQUAL(run_as("cw_a", args), 2);
	snprintf(args, sizeof(args), "cadre import %s/missing.csv", dir);
	CU_ASSERT_EQUAL(run_as("cw_a", args), 4);
	/* export to a file Excel opens: UTF-8 with BOM, Chinese headers */
	snprintf(path, sizeof(path), "%s/export.csv", dir);
	snprintf(args, sizeof(args), "cadre export --unit chikan --output %s", path);
	CU_ASSERT_EQUAL(run_as("clerk", args), 0);
	{
		char head[64] = "";
		f = fopen(path, "rb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT(fread(head, 1, 20, f) > 3);
		fclose(f);
		CU_ASSERT_EQUAL(memcmp(head, "\xEF\xBB\xBF姓名,性别", 3 + strlen("姓名,性别")), 0);
	}
	snprintf(args, sizeof(args), "cadre import %s", path);
	CU_ASSERT_EQUAL(run_as("clerk", args), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 created, 0 updated"));
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre export --format xlsx"), 2);
}

static void test_transfer_reconcile(void)
{
	CU_ASSERT_EQUAL(run_as("cw_a", "cadre transfer-out 44080219300701001X --date 2999-01-01"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "date"));
	CU_ASSERT_EQUAL(run_as("admin", "cadre reconcile --year 2022"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "reconciliation"));
	CU_ASSERT_EQUAL(run_as("admin", "cadre reconcile"), 2);
	CU_ASSERT_EQUAL(run_as("admin", "cadre figures --from 2022-01-01 --to 2022-12-31"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "roster.end"));
	CU_ASSERT_EQUAL(run_as("admin", "cadre close-year --year 2021"), 0);
	CU_ASSERT_EQUAL(run_as("admin", "cadre close-year --year 2021"), 6);
}

static const yh_t_case cases[] = {
	{ "every command has help with an example", test_help },
	{ "add, show, update: exit codes", test_add_show },
	{ "import report and export file", test_import_export },
	{ "transfer out, figures, reconcile", test_transfer_reconcile },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	snprintf(dir, sizeof(dir), "/tmp/yhrostercli.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	yh_t_setup("roster_cli");
	rc = yh_t_run("roster_cli", cases);
	yh_t_teardown();
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
