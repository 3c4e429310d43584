/*
 * The data key is kept apart from the backups (docs/operations.md), so a
 * database restored on a new machine meets either no key file or another
 * key. The yinhui binary must then refuse (exit 7, naming the key) instead
 * of creating a fresh key and sealing new ID numbers with it beside the old
 * ones; with the right key, from the environment or a file, it works.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "yinhui/pii.h"
#include "yinhui/roster.h"
#include "yinhui/staff.h"

extern char **environ;

#define KEY_RIGHT "6d1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"
#define KEY_OTHER "9e2f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

static char dir[] = "/tmp/yhdatakey.XXXXXX";
static char token[96];

/*
 * Runs "yinhui unit list" against the suite's database with YINHUI_DATA_KEY=key
 * (none when NULL) and YINHUI_DATA_KEY_FILE=file (none when NULL); returns the
 * exit status, the first line of its stderr into msg.
 */
static int run_cli(const char *key, const char *file, char *msg, size_t n)
{
	const char *exe = getenv("YH_TEST_YINHUI");
	char *argv[] = { (char *)exe, "unit", "list", NULL };
	char e_url[1200], e_key[120], e_file[400], e_tok[140], e_conf[] = "YINHUI_CONFIG=/dev/null", errpath[300];
	char **envp;
	size_t cnt = 0, k = 0;
	posix_spawn_file_actions_t fa;
	FILE *f;
	pid_t pid;
	int ws = 0, spawned;

	while (environ[cnt])
		cnt++;
	envp = calloc(cnt + 6, sizeof(*envp));
	for (size_t i = 0; i < cnt; i++)
		if (strncmp(environ[i], "YINHUI_", 7) != 0)
			envp[k++] = environ[i];
	snprintf(e_url, sizeof(e_url), "YINHUI_DATABASE_URL=%s", T.conninfo);
	snprintf(e_tok, sizeof(e_tok), "YINHUI_TOKEN=%s", token);
	envp[k++] = e_conf;
	envp[k++] = e_url;
	envp[k++] = e_tok;
	if (key) {
		snprintf(e_key, sizeof(e_key), "YINHUI_DATA_KEY=%s", key);
		envp[k++] = e_key;
	}
	if (file) {
		snprintf(e_file, sizeof(e_file), "YINHUI_DATA_KEY_FILE=%s", file);
		envp[k++] = e_file;
	}
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	spawned = posix_spawn(&pid, exe, &fa, NULL, argv, envp) == 0;
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (!spawned)
		return -1;
	waitpid(pid, &ws, 0);
	msg[0] = '\0';
	f = fopen(errpath, "r");
	if (f) {
		if (fgets(msg, (int)n, f) == NULL)
			msg[0] = '\0';
		fclose(f);
	}
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static void test_wrong_or_missing_key_refused(void)
{
	char msg[600], keyfile[300], missing[300];
	struct stat st;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(getenv("YH_TEST_YINHUI"));
	CU_ASSERT_EQUAL(run_cli(KEY_RIGHT, NULL, msg, sizeof(msg)), 0);

	/* another key: refused by name, nothing sealed with it */
	CU_ASSERT_EQUAL(run_cli(KEY_OTHER, NULL, msg, sizeof(msg)), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "YINHUI_DATA_KEY is not the key"));

	/* no key file (a fresh home after a restore): refused, and no new key made */
	snprintf(missing, sizeof(missing), "%s/home/data.key", dir);
	CU_ASSERT_EQUAL(run_cli(NULL, missing, msg, sizeof(msg)), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "is missing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, missing));
	CU_ASSERT_NOT_EQUAL(stat(missing, &st), 0);

	/* the key put back as a file */
	snprintf(keyfile, sizeof(keyfile), "%s/data.key", dir);
	f = fopen(keyfile, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(KEY_RIGHT "\n", f);
	fclose(f);
	chmod(keyfile, 0600);
	CU_ASSERT_EQUAL(run_cli(NULL, keyfile, msg, sizeof(msg)), 0);
	unlink(keyfile);
	snprintf(keyfile, sizeof(keyfile), "%s/stderr", dir);
	unlink(keyfile);
}

int main(void)
{
	static const yh_t_case cases[] = {
		{ "a wrong or missing data key is refused", test_wrong_or_missing_key_refused },
		{ NULL, NULL },
	};
	char *out = NULL, *lout = NULL, path[300];
	yh_fields *f;
	yh_err err;
	int rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/home", dir);
	mkdir(path, 0700);
	setenv("YINHUI_DATA_KEY", KEY_RIGHT, 1);
	yh_t_setup("data_key");
	yh_err_clear(&err);
	/* one sealed ID number */
	f = yh_t_fields("name", "李秀英", "id_number", "44080219300701001X", "category", "退休", "unit", "chikan", NULL);
	if (yh_roster_create(T.db, &T.admin, f, &out, &err) != 0 ||
	    yh_session_login(T.db, "admin", YH_T_PASSWORD, "test", token, sizeof(token), &lout, &err) != 0) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		return 1;
	}
	free(out);
	free(lout);
	yh_fields_free(f);
	rc = yh_t_run("data_key", cases);
	yh_t_teardown();
	rmdir(path);
	rmdir(dir);
	return rc;
}
