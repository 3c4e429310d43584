/*
 * Hostile input for the other doors (issue 7, section 4; test_hostile covers
 * the HTTP routes): the yinhui CLI's arguments and the CSV importers.
 *  - CLI: wrong types, unknown and repeated flags, missing values, huge
 *    (100 KB) and invalid-UTF-8 arguments, SQL fragments, impossible dates,
 *    money with three decimals, path traversal, files that are not CSV. Every
 *    run must end with a usage/invalid/not-found/forbidden/conflict status
 *    (2..6), one "yinhui: ..." line (or the usage, for status 2), no signal,
 *    no internal error (1) and nothing written.
 *  - CSV: a corpus of broken files (empty, header only, unknown or duplicated
 *    columns, unterminated quotes, NUL bytes, invalid UTF-8, 10 000 columns,
 *    a 1 MB cell, 20 000 bad rows, bad check digits, duplicate ID numbers in
 *    one file, formula and SQL text, mixed line ends) for the cadre import
 *    (HTTP and CLI), the budget import and the bank's result file: every one
 *    answers 4xx with a JSON error (exit 3 for the CLI) and writes nothing.
 * The arguments go to execve directly (no shell), so every byte arrives as is.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reliability_util.h"

static long cli_runs, cli_ok, csv_sent, csv_ok, cli_status[8];
static char report[8192];

static void note(const char *what, const char *detail)
{
	size_t len = strlen(report);

	if (len < sizeof(report) - 300)
		snprintf(report + len, sizeof(report) - len, "%.120s: %.160s\n", what, detail);
}

/*
 * Runs yinhui with argv (NULL-terminated, argv[0] ignored) as admin, with one more
 * environment variable when extra_env is not NULL; returns the exit status, or 128+signal.
 */
static int run_cli_env(char *const *args, const char *extra_env, char *out, size_t n)
{
	char *argv[64], env_db[1200], env_tok[160], env_key[100];
	char *envp[] = { "YINHUI_CONFIG=/dev/null", env_db, env_tok, env_key, "LANG=C.UTF-8", "PATH=/usr/bin:/bin",
		(char *)extra_env, NULL };
	int pipefd[2], st = 0, k = 0;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	snprintf(env_db, sizeof(env_db), "YINHUI_DATABASE_URL=%s", T.conninfo);
	snprintf(env_tok, sizeof(env_tok), "YINHUI_TOKEN=%s", yh_t_token("admin"));
	snprintf(env_key, sizeof(env_key), "YINHUI_DATA_KEY=%s", RL_DATA_KEY);
	argv[k++] = (char *)YH_CLI_PATH;
	for (int i = 0; args[i] && k < 63; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	if (pipe(pipefd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execve(YH_CLI_PATH, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	while ((r = read(pipefd[0], got < n - 1 ? out + got : (char[256]){ 0 }, got < n - 1 ? n - 1 - got : 256)) > 0)
		if (got < n - 1)
			got += (size_t)r;
	out[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_cli(char *const *args, char *out, size_t n)
{
	return run_cli_env(args, NULL, out, n);
}

/* A misspelt YINHUI_LOG_LEVEL (PostgreSQL spells it "warning") is said, exit 2, as yinhuid does; a right one works. */
static void test_log_level_env(void)
{
	char *const args[] = { "unit", "list", NULL };
	char out[4096];

	CU_ASSERT_EQUAL(run_cli_env(args, "YINHUI_LOG_LEVEL=warning", out, sizeof(out)), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "YINHUI_LOG_LEVEL"));
	CU_ASSERT_EQUAL(run_cli_env(args, "YINHUI_LOG_LEVEL=error", out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(run_cli_env(args, "YINHUI_LOG_LEVEL=", out, sizeof(out)), 0);
}

static long writes(void)
{
	return yh_t_count("SELECT (SELECT count(*) FROM yh.audit_log) + (SELECT count(*) FROM yh.person)"
			  " + (SELECT count(*) FROM yh.budget_figure) + (SELECT count(*) FROM yh.visit)");
}

/* One hostile CLI run: must be refused with 2..6 and a one-line message. */
static void cli_case(const char *label, char *const *args)
{
	char out[8192];
	int st = run_cli(args, out, sizeof(out));

	cli_runs++;
	if (st >= 0 && st < 8)
		cli_status[st]++;
	if (st >= 2 && st <= 6 && (strstr(out, "yinhui: ") != NULL || (st == 2 && strstr(out, "usage: ") != NULL)))
		cli_ok++;
	else
		note(label, out[0] ? out : "(no output)");
	if (st < 2 || st > 6) {
		char msg[64];
		snprintf(msg, sizeof(msg), "exit status %d", st);
		note(label, msg);
	}
}

static char *big_arg(size_t n, char c)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_cli_arguments(void)
{
	const char *person = rl_new_cadre("chikan");
	long before = writes();
	char *big = big_arg(100 * 1024, 'x'), *bigname = big_arg(100 * 1024, 'A');
	char bad_utf8[] = "\xff\xfe\xc3\x28\xe2\x82";
	char p[64];

	snprintf(p, sizeof(p), "%s", person);
	{
		static const char *const occasions[] = { "日常联系", "重大节日'; DROP TABLE yh.visit; --", "\xff", NULL };
		static const char *const times[] = { "2025-02-30T10:00", "2025-13-01T10:00", "9999-99-99", "yesterday", "",
			"2025-06-01T25:61", "0000-00-00T00:00", "2025-06-01T10:00+99:00", NULL };
		static const char *const money[] = { "12.345", "-1", "1e308", "99999999999999999999", "NaN", "¥10", "0x10", NULL };
		for (int i = 0; times[i]; i++) {
			char *a[] = { "visit", "add", "--person", p, "--visited-at", (char *)times[i], "--occasion", "日常联系",
				"--mode", "电话", NULL };
			cli_case("visit add --visited-at", a);
		}
		for (int i = 1; occasions[i]; i++) {
			char *a[] = { "visit", "add", "--person", p, "--visited-at", "2025-06-01T10:00", "--occasion",
				(char *)occasions[i], "--mode", "电话", NULL };
			cli_case("visit add --occasion", a);
		}
		for (int i = 0; money[i]; i++) {
			char *a[] = { "visit", "add", "--person", p, "--visited-at", "2025-06-01T10:00", "--occasion", "日常联系",
				"--mode", "电话", "--condolence-yuan", (char *)money[i], NULL };
			cli_case("visit add --condolence-yuan", a);
		}
	}
	{
		char *cases[][14] = {
			{ "visit", "add", "--person", "not-a-uuid", "--visited-at", "2025-06-01T10:00", "--occasion", "日常联系",
				"--mode", "电话", NULL },
			{ "visit", "add", "--person", p, "--person", p, "--visited-at", "2025-06-01T10:00", NULL },
			{ "visit", "add", "--person", NULL },
			{ "visit", "add", "--no-such-flag", "1", NULL },
			{ "visit", "add", "stray-argument", NULL },
			{ "visit", "add", "--person", p, "--visited-at", "2025-06-01T10:00", "--occasion", "日常联系", "--mode",
				"电话", "--follow-ups", "[{\"action\":", NULL },
			{ "visit", "add", "--person", p, "--visited-at", "2025-06-01T10:00", "--occasion", "日常联系", "--mode",
				"电话", "--staff", "nobody,'; --", NULL },
			{ "cadre", "add", "--name", "张三", "--id-number", "44080219300701001Y", "--category", "退休", NULL },
			{ "cadre", "add", "--name", "Robert'); DROP TABLE yh.person;--", "--id-number", "440802193007010011",
				"--category", "退休", NULL },
			{ "cadre", "add", "--name", bad_utf8, "--id-number", "440802193007010011", "--category", "退休", NULL },
			{ "cadre", "add", "--name", bigname, "--id-number", "440802193007010011", "--category", "退休", NULL },
			{ "cadre", "add", "--name", "李四", "--id-number", big, "--category", "退休", NULL },
			{ "cadre", "add", "--name", "李四", "--id-number", "440802193007010011", "--category", "皇帝", NULL },
			{ "cadre", "add", "--name", "李四", "--id-number", "440802193007010011", "--category", "退休",
				"--birth-date", "1930-02-30", NULL },
			{ "cadre", "show", "../../../../etc/passwd", NULL },
			{ "cadre", "show", "' OR '1'='1", NULL },
			{ "cadre", "show", big, NULL },
			{ "cadre", "import", "/etc/passwd", NULL },
			{ "cadre", "import", "/nonexistent/../../etc/shadow-missing", NULL },
			{ "cadre", "import", "/dev/null", NULL },
			{ "cadre", "import", "/tmp", NULL },
			{ "cadre", "list", "--limit", "-1", NULL },
			{ "cadre", "list", "--limit", "99999999999999999999", NULL },
			{ "cadre", "list", "--unit", "../bureau", NULL },
			{ "unit", "add", "--code", "Bad Code!", "--name", "x", "--parent", "bureau", NULL },
			{ "unit", "add", "--code", "ok1", "--name", "x", "--parent", "nowhere", NULL },
			{ "user", "add", "--username", "x\xff", "--role", "god", "--unit", "bureau", NULL },
			{ "programme", "add", "--code", "p'x", "--name", "x", "--budget-line", "b", "--period", "hourly", NULL },
			{ "programme", "add", "--code", "pm", "--name", "x", "--budget-line", "b", "--period", "monthly",
				"--amount", "10.001", NULL },
			{ "batch", "generate", "--programme", "nope", "--period", "2022-13", NULL },
			{ "batch", "approve", "--batch", "00000000-0000-0000-0000-000000000000", NULL },
			{ "budget", "set", "2022", "--unit", "chikan", "--item", "procurement_budget", "--yuan", "1.234", NULL },
			{ "budget", "set", "1899", "--unit", "chikan", "--item", "procurement_budget", "--yuan", "1", NULL },
			{ "evaluation", "finalise", "20x2", NULL },
			{ "obligation", "generate", "--through", "2025-02-29", NULL },
			{ "frobnicate", NULL },
			{ "--json", "--json", "--json", NULL },
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char label[128];
			snprintf(label, sizeof(label), "yinhui %s %s #%zu", cases[i][0], cases[i][1] ? cases[i][1] : "", i);
			cli_case(label, cases[i]);
		}
	}
	CU_ASSERT_EQUAL(writes(), before);
	free(big);
	free(bigname);
}

/* ---- CSV files ---- */

typedef struct csv {
	const char *label;
	char *data; /* owned */
	size_t len; /* 0: strlen(data) */
} csv;

static char *dupf(const char *s)
{
	return strdup(s);
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * times + tl + 1), *o = s;

	memcpy(o, head, hl);
	o += hl;
	for (size_t i = 0; i < times; i++, o += ul)
		memcpy(o, unit, ul);
	memcpy(o, tail, tl);
	o[tl] = '\0';
	return s;
}

/* The corpus of hostile cadre files (valid header words where it matters, so the rows are what is wrong). */
static int cadre_corpus(csv *out, int max)
{
	char idA[19], idB[19], buf[512];
	int n = 0;

	snprintf(idA, sizeof(idA), "%s", rl_idno(900001));
	snprintf(idB, sizeof(idB), "%s", rl_idno(900002));
#define ADD(l, d) \
	do { \
		if (n < max) \
			out[n++] = (csv){ (l), (d), 0 }; \
	} while (0)
	ADD("empty file", dupf(""));
	ADD("BOM only", dupf("\xEF\xBB\xBF"));
	/* (a header with no rows is not hostile: the cadre import takes it as an import of nothing) */
	ADD("unknown column", dupf("姓名,身份证号码,类别,工资\n张一,440802193007010011,退休,100\n"));
	ADD("duplicated column", dupf("姓名,姓名,身份证号码,类别\n张一,张二,440802193007010011,退休\n"));
	ADD("missing required column", dupf("姓名,类别\n张一,退休\n"));
	ADD("unterminated quote", dupf("姓名,身份证号码,类别\n\"张一,440802193007010011,退休\n"));
	ADD("quote in the middle", dupf("姓名,身份证号码,类别\n张\"一,440802193007010011,退休\n"));
	if (n < max) {
		static const char nul[] = "姓名,身份证号码,类别\n张\0一,440802193007010011,退休\n";
		char *s = malloc(sizeof(nul));
		memcpy(s, nul, sizeof(nul));
		out[n++] = (csv){ "NUL byte in a cell", s, sizeof(nul) - 1 };
	}
	{
		/* a real NUL: built byte by byte, the length carried by the string after it */
		char *s = dupf("姓名,身份证号码,类别\n张X一,440802193007010011,退休\n");
		char *x = strchr(s + 30, 'X');
		if (x)
			*x = '\x01';
		ADD("control character in a name", s);
	}
	ADD("invalid UTF-8", dupf("姓名,身份证号码,类别\n\xff\xfe\xc3\x28,440802193007010011,退休\n"));
	ADD("GBK bytes labelled UTF-8", dupf("\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4,\xc0\xe0\xb1\xf0\n\xd5\xc5\xc8\xfd,440802193007010011,\xcd\xcb\xd0\xdd\n"));
	ADD("bad check digit", dupf("姓名,身份证号码,类别\n张一,440802193007010012,退休\n"));
	snprintf(buf, sizeof(buf), "姓名,身份证号码,类别\n张一,%s,退休\n张二,%s,退休\n", idA, idA);
	ADD("the same ID number twice", dupf(buf));
	snprintf(buf, sizeof(buf), "姓名,身份证号码,类别\n张一,%s,退休\n张二,%s,皇帝\n", idB, idB);
	ADD("one good row, one bad", dupf(buf));
	ADD("impossible date", dupf("姓名,身份证号码,类别,出生日期\n张一,440802193007010011,退休,1930-02-30\n"));
	ADD("SQL in a cell", dupf("姓名,身份证号码,类别\n\"'); DROP TABLE yh.person; --\",440802193007010011,退休\n"));
	ADD("formula in a cell", dupf("姓名,身份证号码,类别\n=cmd|' /C calc'!A0,440802193007010011,退休\n"));
	ADD("unit outside the tree", dupf("姓名,身份证号码,类别,单位\n张一,440802193007010011,退休,../../bureau\n"));
	ADD("mixed line ends and a lone CR", dupf("姓名,身份证号码,类别\r张一,440802193007010012,退休\r\n张二,x,退休\n"));
	ADD("10000 columns", repeat("姓名,身份证号码,类别", ",x", 10000, "\n张一,440802193007010011,退休\n"));
	ADD("a 1 MB cell", repeat("姓名,身份证号码,类别\n", "长", 350000, ",440802193007010011,退休\n"));
	ADD("20000 bad rows", repeat("姓名,身份证号码,类别\n", "张一,440802193007010012,退休\n", 20000, ""));
	ADD("only commas", repeat("", ",,,,,,,,,,\n", 1000, ""));
	ADD("binary noise", repeat("PK\x03\x04", "\x89PNG\r\n\x1a\n", 200, ""));
#undef ADD
	return n;
}

static void csv_case(const char *label, long st, const char *body, int want_cli, int cli_st)
{
	csv_sent++;
	if (want_cli) {
		if (cli_st == 3)
			csv_ok++;
		else {
			char msg[64];
			snprintf(msg, sizeof(msg), "CLI exit status %d", cli_st);
			note(label, msg);
		}
		return;
	}
	if (st >= 400 && st < 500 && rl_error_code(body)[0])
		csv_ok++;
	else {
		char msg[256];
		snprintf(msg, sizeof(msg), "HTTP %ld %.200s", st, body ? body : "");
		note(label, msg);
	}
}

static void test_csv_imports(void)
{
	csv corpus[64];
	int n = cadre_corpus(corpus, 64);
	long before = writes();
	const char *batch = NULL, *line = NULL;
	char url[160];

	batch = rl_new_batch("exported", &line);
	before = writes();
	for (int i = 0; i < n; i++) {
		char *body = NULL, path[] = "/tmp/yh-hostile-csv-XXXXXX", out[8192], label[160];
		int fd = mkstemp(path);
		size_t len = corpus[i].len ? corpus[i].len : strlen(corpus[i].data);
		long st;

		/* HTTP: the cadre import, the budget import, the bank's result file */
		st = rl_http_n("POST", "/api/v1/cadres/import", yh_t_token("admin"), "text/csv", corpus[i].data, len, NULL, &body);
		snprintf(label, sizeof(label), "POST /cadres/import: %s", corpus[i].label);
		csv_case(label, st, body, 0, 0);
		free(body);
		st = rl_http_n("POST", "/api/v1/budget/import", yh_t_token("clerk"), "text/csv", corpus[i].data, len, NULL, &body);
		snprintf(label, sizeof(label), "POST /budget/import: %s", corpus[i].label);
		csv_case(label, st, body, 0, 0);
		free(body);
		snprintf(url, sizeof(url), "/api/v1/batches/%s/result", batch);
		st = rl_http_n("POST", url, yh_t_token("clerk"), "text/csv", corpus[i].data, len, NULL, &body);
		snprintf(label, sizeof(label), "POST /batches/:id/result: %s", corpus[i].label);
		csv_case(label, st, body, 0, 0);
		free(body);
		/* the CLI, from a file */
		if (fd >= 0 && write(fd, corpus[i].data, len) == (ssize_t)len) {
			char *a[] = { "cadre", "import", path, NULL };
			snprintf(label, sizeof(label), "yinhui cadre import: %s", corpus[i].label);
			csv_case(label, 0, NULL, 1, run_cli(a, out, sizeof(out)));
		}
		if (fd >= 0)
			close(fd);
		unlink(path);
		free(corpus[i].data);
	}
	CU_ASSERT_EQUAL(writes(), before);
	(void)line;
}

static void test_summary(void)
{
	printf("\nhostile CLI and CSV: %ld CLI runs, %ld refused cleanly (exit 2 usage %ld, 3 invalid %ld, 4 not found %ld,"
	       " 5 forbidden %ld, 6 conflict %ld); %ld hostile CSV imports, %ld refused (4xx JSON / exit 3); nothing written\n",
		cli_runs, cli_ok, cli_status[2], cli_status[3], cli_status[4], cli_status[5], cli_status[6], csv_sent, csv_ok);
	if (report[0])
		printf("NOT REFUSED CLEANLY:\n%s", report);
	CU_ASSERT_EQUAL(cli_runs, cli_ok);
	CU_ASSERT_EQUAL(csv_sent, csv_ok);
	CU_ASSERT(cli_runs + csv_sent >= 100);
}

static const yh_t_case cases[] = {
	{ "hostile CLI arguments", test_cli_arguments },
	{ "hostile CSV imports (HTTP and CLI)", test_csv_imports },
	{ "a misspelt YINHUI_LOG_LEVEL is said", test_log_level_env },
	{ "summary", test_summary },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("hostile_cli");
	yh_t_server_start();
	rc = yh_t_run("hostile_cli", cases);
	yh_t_teardown();
	return rc;
}
