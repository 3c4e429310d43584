/*
 * No secret in the logs: a full flow against the in-process daemon with the
 * log (debug level, everything) captured in a file, then the file is searched
 * for every secret the flow handled: passwords (right and wrong), bearer
 * tokens, the data key, full ID numbers (valid, duplicated and mistyped) and
 * bank account numbers (with and without spaces). Masked forms may appear;
 * the full values may not. The log must hold the flow's request lines, so an
 * empty or lost log fails too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../integration/reliability_util.h"
#include "yinhui/log.h"
#include "yinhui/staff.h"

#define SECRET_PW "Lü-secret-Pass-2024!"
#define WRONG_PW "wrong-Pass-0000?"
#define ACCOUNT "6222 0212 3456 7890 123"
#define ACCOUNT_DIGITS "6222021234567890123"

static char logpath[] = "/tmp/yh-secrets-XXXXXX";
static char secrets[32][160];
static int nsecrets;

static void secret(const char *s)
{
	if (s && *s && nsecrets < 32)
		snprintf(secrets[nsecrets++], sizeof(secrets[0]), "%s", s);
}

static long post(const char *path, const char *token, const char *json, char **out)
{
	return rl_http("POST", path, token, NULL, json, NULL, out);
}

static void test_full_flow(void)
{
	char json[1024], url[256], *b = NULL, tok[128], idno[19], dup[19], typo[19];
	const char *person, *enrol, *batch;

	/* a staff member with a password of its own, logging in over HTTP (once wrongly) */
	snprintf(json, sizeof(json), "{\"username\":\"secretive\",\"role\":\"clerk\",\"unit\":\"bureau\",\"password\":\"%s\"}",
		SECRET_PW);
	CU_ASSERT_EQUAL(post("/api/v1/staff", yh_t_token("admin"), json, NULL), 201);
	secret(SECRET_PW);
	secret(WRONG_PW);
	secret(YH_T_PASSWORD);
	CU_ASSERT_EQUAL(post("/api/v1/session", NULL, "{\"username\":\"secretive\",\"password\":\"" WRONG_PW "\"}", NULL), 401);
	CU_ASSERT_EQUAL(post("/api/v1/session", NULL, "{\"username\":\"secretive\",\"password\":\"" SECRET_PW "\"}", &b), 201);
	snprintf(tok, sizeof(tok), "%s", yh_t_json(b, "token") ? yh_t_json(b, "token") : "");
	free(b);
	CU_ASSERT(strlen(tok) > 20);
	secret(tok);
	secret(yh_t_token("admin"));
	secret(yh_t_token("cw_a"));
	secret(getenv("YINHUI_DATA_KEY"));
	/* a cadre with an ID number; the same number again; a mistyped one */
	snprintf(idno, sizeof(idno), "%s", rl_idno(4242));
	snprintf(dup, sizeof(dup), "%s", idno);
	snprintf(typo, sizeof(typo), "%s", rl_idno(4243));
	typo[17] = typo[17] == '1' ? '2' : '1';
	secret(idno);
	secret(typo);
	snprintf(json, sizeof(json), "{\"name\":\"秘密\",\"id_number\":\"%s\",\"category\":\"退休\",\"unit\":\"chikan\"}", idno);
	CU_ASSERT_EQUAL(post("/api/v1/cadres", tok, json, &b), 201);
	person = rl_keep(yh_t_json(b, "id"));
	free(b);
	snprintf(json, sizeof(json), "{\"name\":\"重复\",\"id_number\":\"%s\",\"category\":\"退休\",\"unit\":\"chikan\"}", dup);
	CU_ASSERT_EQUAL(post("/api/v1/cadres", tok, json, NULL), 409);
	snprintf(json, sizeof(json), "{\"name\":\"错号\",\"id_number\":\"%s\",\"category\":\"退休\",\"unit\":\"chikan\"}", typo);
	CU_ASSERT_EQUAL(post("/api/v1/cadres", tok, json, NULL), 422);
	/* reads that reveal the full number to a role that may see it, a search by it */
	snprintf(url, sizeof(url), "/api/v1/cadres/%s?reveal=id_number", person);
	CU_ASSERT_EQUAL(rl_http("GET", url, yh_t_token("admin"), NULL, NULL, NULL, NULL), 200);
	snprintf(url, sizeof(url), "/api/v1/cadres/%s?reveal=id_number", idno); /* looked up by the number itself */
	CU_ASSERT_EQUAL(rl_http("GET", url, yh_t_token("admin"), NULL, NULL, NULL, NULL), 200);
	snprintf(url, sizeof(url), "/api/v1/cadres?q=%s", idno);
	CU_ASSERT_EQUAL(rl_http("GET", url, yh_t_token("admin"), NULL, NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(rl_http("GET", "/api/v1/cadres/export?format=csv", yh_t_token("admin"), NULL, NULL, NULL, NULL), 200);
	/* an enrolment with an account number, a batch to the bank and back */
	secret(ACCOUNT);
	secret(ACCOUNT_DIGITS);
	snprintf(json, sizeof(json), "{\"programme\":\"%s\",\"person\":\"%s\",\"start_on\":\"2021-01-01\",\"account\":\"%s\","
		"\"bank_name\":\"工商银行\"}", rl_new_programme(), person, ACCOUNT);
	CU_ASSERT_EQUAL(post("/api/v1/enrolments", tok, json, &b), 201);
	enrol = rl_keep(yh_t_json(b, "id"));
	free(b);
	snprintf(url, sizeof(url), "/api/v1/enrolments/%s", enrol);
	CU_ASSERT_EQUAL(rl_http("GET", url, yh_t_token("admin"), NULL, NULL, NULL, NULL), 200);
	snprintf(url, sizeof(url), "/api/v1/enrolments/%s", enrol);
	CU_ASSERT_EQUAL(rl_http("PATCH", url, tok, NULL, "{\"account\":\"6222 0212 3456 7890 123\"}", NULL, NULL), 200);
	batch = rl_new_batch("exported", NULL);
	snprintf(url, sizeof(url), "/api/v1/batches/%s/export", batch);
	CU_ASSERT_EQUAL(rl_http("POST", url, yh_t_token("clerk"), NULL, "{}", NULL, NULL), 200);
	/* a visit, a plan, an audit read: the ordinary day */
	CU_ASSERT_STRING_NOT_EQUAL(rl_new_visit(person), "");
	rl_http("GET", "/api/v1/audit?limit=500", yh_t_token("admin"), NULL, NULL, NULL, NULL);
	/* logging out: the token in the Authorization header of a DELETE */
	CU_ASSERT_EQUAL(rl_http("DELETE", "/api/v1/session", tok, NULL, NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(rl_http("GET", "/api/v1/session", tok, NULL, NULL, NULL, NULL), 401);
}

static void test_log_is_clean(void)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char buf[65536];
	long lines = 0;
	int leaks = 0;

	fflush(stderr);
	f = fopen(logpath, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			text = realloc(text, cap);
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	/* the log is real: it holds the flow's requests */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "POST /api/v1/cadres 201"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "POST /api/v1/session 401"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "POST /api/v1/enrolments 201"));
	for (int i = 0; i < nsecrets; i++)
		if (strstr(text, secrets[i]) != NULL) {
			/* say which kind leaked without printing the secret into the test log */
			fprintf(stdout, "secret #%d (%zu chars, starts %.4s) found in the log\n", i, strlen(secrets[i]), secrets[i]);
			leaks++;
		}
	CU_ASSERT_EQUAL(leaks, 0);
	printf("\nsecrets in logs: %ld log lines (debug level), %d secrets searched, %d found\n", lines, nsecrets, leaks);
	free(text);
}

static const yh_t_case cases[] = {
	{ "a full flow with the log in a file", test_full_flow },
	{ "no password, token, ID or account number in the log", test_log_is_clean },
	{ NULL, NULL }
};

int main(void)
{
	int fd, rc;

	setenv("YINHUI_DATA_KEY", RL_DATA_KEY, 1);
	yh_t_setup("secrets_log");
	/* from here on everything the daemon logs goes to the file */
	fd = mkstemp(logpath);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		perror("log file");
		return 1;
	}
	close(fd);
	yh_log_set_level(YH_LOG_DEBUG);
	yh_t_server_start();
	rc = yh_t_run("secrets_log", cases);
	yh_t_teardown();
	unlink(logpath);
	return rc;
}
