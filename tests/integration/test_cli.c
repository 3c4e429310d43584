/* The yinhui binary end to end: exit codes, messages, token file, --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static char dir[64];
static char out[65536];

/* Runs yinhui with args through /bin/sh (test code: arguments are constants); returns the exit status. */
static int run(const char *args)
{
	char cmd[4096];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='%s' YINHUI_TOKEN_FILE=%s/token %s %s 2>&1",
		T.conninfo, dir, YH_CLI_PATH, args);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_basics(void)
{
	CU_ASSERT_EQUAL(run("--version"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "yinhui "));
	CU_ASSERT_EQUAL(run("--help"), 0);
	CU_ASSERT_EQUAL(run("frobnicate"), 2);
	CU_ASSERT_EQUAL(run("unit"), 2);
	CU_ASSERT_EQUAL(run("unit add --help"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "example"));
}

static void test_login_flow(void)
{
	char pw[128], bad[128], args[512];
	struct stat st;
	FILE *f;

	snprintf(pw, sizeof(pw), "%s/pw", dir);
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	f = fopen(pw, "w");
	fputs(YH_T_PASSWORD "\n", f);
	fclose(f);
	f = fopen(bad, "w");
	fputs("not-the-password\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(run("unit list"), 5); /* not logged in */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "not logged in"));
	snprintf(args, sizeof(args), "login --username clerk --password-file %s", bad);
	CU_ASSERT_EQUAL(run(args), 5);
	snprintf(args, sizeof(args), "login --username admin --password-file %s", pw);
	CU_ASSERT_EQUAL(run(args), 0);
	snprintf(args, sizeof(args), "%s/token", dir);
	CU_ASSERT_EQUAL(stat(args, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(run("unit list"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "chikan"));
	CU_ASSERT_EQUAL(run("--json unit list"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"code\": \"chikan\""));
}

static void test_errors(void)
{
	long audits = yh_t_count("SELECT count(*) FROM yh.audit_log");

	CU_ASSERT_EQUAL(run("unit add --code Bad! --name x --parent bureau"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "code"));
	CU_ASSERT_EQUAL(run("unit add --code cli1 --name x --parent nowhere"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "parent"));
	CU_ASSERT_EQUAL(run("unit add --code cli1 --name 测试 --parent bureau"), 0);
	CU_ASSERT_EQUAL(run("unit add --code cli1 --name 测试 --parent bureau"), 6);
	CU_ASSERT_EQUAL(run("unit add --code cli2 --name x --parent bureau --colour red"), 3);
	CU_ASSERT_EQUAL(run("unit add --code"), 2);
	CU_ASSERT_EQUAL(run("user disable nobody-here"), 4);
	/* exactly one audit row: the one successful write */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log"), audits + 1);
}

static void test_idempotency_key(void)
{
	long audits = yh_t_count("SELECT count(*) FROM yh.audit_log");

	CU_ASSERT_EQUAL(run("--idempotency-key cli-k1 unit add --code idk --name 幂等 --parent bureau"), 0);
	/* the retry after an unclear failure: nothing written again */
	CU_ASSERT_EQUAL(run("--idempotency-key cli-k1 unit add --code idk --name 幂等 --parent bureau"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "already done"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code = 'idk'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log"), audits + 1);
	/* the same key for another command is refused */
	CU_ASSERT_EQUAL(run("--idempotency-key cli-k1 unit add --code idk2 --name x --parent bureau"), 3);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code = 'idk2'"), 0);
	/* a failed command keeps no key: fixing the input and retrying works */
	CU_ASSERT_EQUAL(run("--idempotency-key cli-k2 unit add --code idk3 --name x --parent nowhere"), 3);
	CU_ASSERT_EQUAL(run("--idempotency-key cli-k2 unit add --code idk3 --name x --parent bureau"), 0);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit WHERE code = 'idk3'"), 1);
}

static void test_unavailable(void)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='host=/nonexistent dbname=x' "
		"YINHUI_TOKEN_FILE=%s/token %s unit list >/dev/null 2>&1", dir, YH_CLI_PATH);
	st = system(cmd);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static const yh_t_case cases[] = {
	{ "version, help, usage errors", test_basics },
	{ "login and token file", test_login_flow },
	{ "invalid input, conflicts, not found", test_errors },
	{ "idempotency key", test_idempotency_key },
	{ "database unavailable", test_unavailable },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/yhcli.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	yh_t_setup("cli");
	rc = yh_t_run("cli", cases);
	yh_t_teardown();
	return rc;
}
