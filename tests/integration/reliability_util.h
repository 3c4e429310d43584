/*
 * reliability_util.h - shared by the reliability suites (permissions,
 * idempotency, concurrency, secrets in logs): a thread-safe HTTP call with
 * any content type and an optional Idempotency-Key, valid ID numbers, and
 * constructors that make one fresh record of each kind through the API, so
 * every test acts on a record in a known state. Header-only, test code.
 */
#ifndef YH_RELIABILITY_UTIL_H
#define YH_RELIABILITY_UTIL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/validate.h"

#define RL_DATA_KEY "5b2e8c1d4f7a9e3b6c0d2f4a8e1b3c5d7f9a0b2c4e6d8f1a3b5c7e9d0f2a4b6c"

struct rl_buf {
	char *p;
	size_t n;
};

static size_t rl_on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct rl_buf *m = ud;
	size_t add = size * nmemb;
	char *np = realloc(m->p, m->n + add + 1);

	if (np == NULL)
		return 0;
	m->p = np;
	memcpy(m->p + m->n, ptr, add);
	m->n += add;
	m->p[m->n] = '\0';
	return add;
}

/*
 * One request to the in-process daemon; safe from any thread. ctype NULL
 * means application/json (when there is a body); key NULL sends no
 * Idempotency-Key. Returns the status or -1; *out (may be NULL) gets the body.
 * body holds len bytes (NUL bytes included).
 */
static inline long rl_http_n(const char *method, const char *path, const char *token, const char *ctype,
	const char *body, size_t len, const char *key, char **out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct rl_buf m = { 0 };
	char url[2048], line[512];
	long status = -1;
	CURLcode cr;

	if (out)
		*out = NULL;
	if (c == NULL)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", T.port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, rl_on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (token) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, line);
	}
	if (key) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
		h = curl_slist_append(h, line);
	}
	if (body) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype ? ctype : "application/json");
		h = curl_slist_append(h, line);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cr = curl_easy_perform(c);
	if (cr == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else if (m.p == NULL) {
		/* say why, so that a failure report names the transport error */
		char why[256];
		snprintf(why, sizeof(why), "curl: %s", curl_easy_strerror(cr));
		rl_on_data(why, 1, strlen(why), &m);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (out)
		*out = m.p;
	else
		free(m.p);
	return status;
}

/* The same with a NUL-terminated body (or none). */
static inline long rl_http(const char *method, const char *path, const char *token, const char *ctype,
	const char *body, const char *key, char **out)
{
	return rl_http_n(method, path, token, ctype, body, body ? strlen(body) : 0, key, out);
}

/* The error code of a JSON error body ("forbidden", "conflict" ...), or "" (static ring). */
static inline const char *rl_error_code(const char *body)
{
	const char *c = yh_t_json(body, "error.code");

	return c ? c : "";
}

/* A valid ID number, distinct for each seq below 6.7 million (born 1930-1949), in a ring of 16. */
static inline const char *rl_idno(int seq)
{
	static char ring[16][19];
	static int slot;
	char *o;

	slot = (slot + 1) % 16;
	o = ring[slot];
	{
		unsigned u = (unsigned)seq % (20u * 12u * 28u * 999u);
		snprintf(o, 19, "440802%04u%02u%02u%03u", 1930u + u / (12u * 28u * 999u), 1u + u / (28u * 999u) % 12u,
			1u + u / 999u % 28u, 1u + u % 999u);
	}
	o[17] = yh_idno_check_digit(o);
	o[18] = '\0';
	return o;
}

/* Next value of a process-wide counter (unique names, codes and ID numbers). */
static inline int rl_seq(void)
{
	static atomic_int seq = 100;

	return atomic_fetch_add(&seq, 1);
}

/* n written with the characters 零一二三四五六七八九 (names may hold no digits), in a ring of 16. */
static inline const char *rl_cn(int n)
{
	static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	static char ring[16][64];
	static int slot;
	char rev[16];
	int k = 0;
	unsigned u = (unsigned)n;

	slot = (slot + 1) % 16;
	do {
		rev[k++] = (char)(u % 10);
		u /= 10;
	} while (u && k < 15);
	ring[slot][0] = '\0';
	while (k--)
		strcat(ring[slot], digits[(int)rev[k]]);
	return ring[slot];
}

/* Copies at most n - 1 bytes of s and terminates: the cut is intended (ids and names kept short). */
static inline void rl_copy(char *d, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(d, s, len);
	d[len] = '\0';
}

/* Keeps a string for the rest of the run (a ring of 4096 slots). */
static inline const char *rl_keep(const char *s)
{
	static char ring[4096][64];
	static int slot;

	slot = (slot + 1) % 4096;
	rl_copy(ring[slot], sizeof(ring[slot]), s ? s : "");
	return ring[slot];
}

/*
 * POSTs (or another method) json as user, expects want, returns member
 * "path" of the answer kept for the run ("" and a CUnit failure otherwise).
 */
static inline const char *rl_make(const char *user, const char *method, const char *url, const char *ctype,
	const char *json, long want, const char *path)
{
	char *body = NULL;
	long st = rl_http(method, url, yh_t_token(user), ctype, json, NULL, &body);
	const char *v = st == want ? yh_t_json(body, path) : NULL;

	if (st != want || v == NULL) {
		fprintf(stderr, "fixture %s %s as %s: %ld (want %ld) %.300s\n", method, url, user, st, want, body ? body : "");
		CU_FAIL("fixture could not be made");
	}
	free(body);
	return rl_keep(v);
}

/* A cadre (离休, born 1930s) in unit; returns its uid. */
static inline const char *rl_new_cadre(const char *unit)
{
	char json[512];
	int n = rl_seq();

	snprintf(json, sizeof(json), "{\"name\":\"测试%s\",\"id_number\":\"%s\",\"category\":\"退休\",\"unit\":\"%s\"}",
		rl_cn(n), rl_idno(n), unit);
	return rl_make("admin", "POST", "/api/v1/cadres", NULL, json, 201, "id");
}

/* A visit to person by cw_a (chikan). */
static inline const char *rl_new_visit(const char *person)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-06-01T09:30\",\"occasion\":\"日常联系\","
		"\"mode\":\"电话\"}", person);
	return rl_make("cw_a", "POST", "/api/v1/visits", NULL, json, 201, "id");
}

/* An open obligation (a hardship event) of a fresh cadre in chikan; *person gets the cadre. */
static inline const char *rl_new_obligation(const char **person)
{
	const char *p = rl_new_cadre("chikan");
	char json[512];

	if (person)
		*person = p;
	snprintf(json, sizeof(json), "{\"type\":\"hardship\",\"person\":\"%s\",\"date\":\"2025-06-01\"}", p);
	return rl_make("cw_a", "POST", "/api/v1/events", NULL, json, 201, "obligations.0.id");
}

/* A monthly programme (100.00 a month) with a fresh code; returns the code. */
static inline const char *rl_new_programme(void)
{
	char json[512], code[32];

	snprintf(code, sizeof(code), "rl%d", rl_seq());
	snprintf(json, sizeof(json), "{\"code\":\"%s\",\"name\":\"补助%s\",\"budget_line\":\"2080599\",\"period\":\"monthly\","
		"\"amount\":\"100.00\",\"valid_from\":\"2020-01-01\"}", code, code);
	return rl_make("clerk", "POST", "/api/v1/programmes", NULL, json, 201, "code");
}

/* An enrolment of person in programme; returns its id. */
static inline const char *rl_new_enrolment(const char *programme, const char *person)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"programme\":\"%s\",\"person\":\"%s\",\"start_on\":\"2021-01-01\","
		"\"account\":\"62220200%08d\",\"bank_name\":\"工商银行\"}", programme, person, rl_seq());
	return rl_make("clerk", "POST", "/api/v1/enrolments", NULL, json, 201, "id");
}

/*
 * A payment batch of one line (a fresh programme and cadre in chikan) taken
 * to state: "draft", "approved", "exported" or "settled". *line gets the
 * payment reference of its line when line is not NULL.
 */
static inline const char *rl_new_batch(const char *state, const char **line)
{
	const char *prog = rl_new_programme();
	char json[256], url[160], *body = NULL;
	const char *b;

	rl_new_enrolment(prog, rl_new_cadre("chikan"));
	snprintf(json, sizeof(json), "{\"programme\":\"%s\",\"period\":\"2022-03\"}", prog);
	b = rl_make("clerk", "POST", "/api/v1/batches", NULL, json, 201, "id");
	if (strcmp(state, "draft") != 0) {
		snprintf(url, sizeof(url), "/api/v1/batches/%s/approve", b);
		rl_make("approver", "POST", url, NULL, "{\"meeting_ref\":\"局务会\"}", 200, "state");
	}
	if (strcmp(state, "exported") == 0 || strcmp(state, "settled") == 0) {
		snprintf(url, sizeof(url), "/api/v1/batches/%s/export", b);
		if (rl_http("POST", url, yh_t_token("clerk"), NULL, "{}", NULL, NULL) != 200)
			CU_FAIL("fixture: export");
	}
	if (strcmp(state, "settled") == 0) {
		snprintf(url, sizeof(url), "/api/v1/batches/%s/settle", b);
		rl_make("clerk", "POST", url, NULL, "{\"bank_ref\":\"BANK-1\",\"paid_on\":\"2022-03-25\"}", 200, "state");
	}
	if (line) {
		snprintf(url, sizeof(url), "/api/v1/batches/%s?lines=all", b);
		if (rl_http("GET", url, yh_t_token("clerk"), NULL, NULL, NULL, &body) == 200)
			*line = rl_keep(yh_t_json(body, "lines.0.ref"));
		free(body);
	}
	return b;
}

/* A party branch in unit; returns its id. */
static inline const char *rl_new_branch(const char *unit)
{
	char json[256];

	snprintf(json, sizeof(json), "{\"name\":\"支部%d\",\"type\":\"支部\",\"unit\":\"%s\"}", rl_seq(), unit);
	return rl_make("clerk", "POST", "/api/v1/branches", NULL, json, 201, "id");
}

/* An activity (a study session in chikan, 2022); returns its id. */
static inline const char *rl_new_activity(void)
{
	char json[256];

	snprintf(json, sizeof(json), "{\"type\":\"study_session\",\"title\":\"学习会%d\",\"held_on\":\"2022-06-01\","
		"\"unit\":\"chikan\"}", rl_seq());
	return rl_make("clerk", "POST", "/api/v1/activities", NULL, json, 201, "id");
}

/* A fresh, past evaluation year (2001 onwards) with the department template loaded; returns the year. */
static inline const char *rl_new_year(void)
{
	static int next = 2001;
	char url[96], year[8];

	snprintf(year, sizeof(year), "%d", next++);
	snprintf(url, sizeof(url), "/api/v1/evaluations/%s/template", year);
	rl_make("clerk", "POST", url, NULL, "{\"template\":\"department\"}", 201, "");
	return rl_keep(year);
}

/*
 * ---- named records for table-driven tests ----
 * rl_expand() fills a template: {me} the acting username, {seq} a fresh
 * number, {cn} one in Chinese numerals (names hold no digits), {idno} a fresh
 * ID number, {sday} a fresh date, {today}, {name} a record made once for the
 * run (rl_memo), {new:name} a fresh one per expansion (rl_make_named), and
 * {last_person} / {last_line}: the person or payment line of the latest one.
 */

static char rl_last_person[40], rl_last_line[40];
static char rl_memo_name[32][32], rl_memo_val[32][64];
static int rl_nmemo;

static inline const char *rl_make_failed_batch(void)
{
	const char *line = NULL, *b = rl_new_batch("exported", &line);
	char url[160], csv[256];

	snprintf(url, sizeof(url), "/api/v1/batches/%s/result", b);
	snprintf(csv, sizeof(csv), "业务流水号,状态,原因,银行流水号\n%s,失败,账户已销户,\n", line ? line : "");
	rl_make("clerk", "POST", url, "text/csv", csv, 200, "state");
	return b;
}

static inline const char *rl_make_branch_post(void)
{
	char url[160], json[256];

	snprintf(url, sizeof(url), "/api/v1/branches/%s/posts", rl_new_branch("chikan"));
	snprintf(json, sizeof(json), "{\"person\":\"%s\",\"post\":\"书记\",\"from_on\":\"2022-01-01\"}",
		rl_new_cadre("chikan"));
	return rl_make("clerk", "POST", url, NULL, json, 201, "id");
}

static inline const char *rl_make_final_year(void)
{
	const char *y = rl_new_year();
	char url[96];

	snprintf(url, sizeof(url), "/api/v1/evaluations/%s/finalise", y);
	rl_make("approver", "POST", url, NULL, "{\"unit\":\"bureau\"}", 201, "");
	return y;
}

static inline const char *rl_make_indicator(const char *year)
{
	char url[96], json[512];
	int n = rl_seq();

	snprintf(url, sizeof(url), "/api/v1/evaluations/%s/indicators", year);
	snprintf(json, sizeof(json), "{\"code\":\"D5.3.%d\",\"parent\":\"D5.3\",\"name\":\"待删%d\",\"class\":\"预算使用效益\","
		"\"points\":\"1\",\"rule\":\"qualitative\",\"source\":\"manual\"}", n, n);
	return rl_make("clerk", "POST", url, NULL, json, 201, "code");
}

static inline const char *rl_memo(const char *name);

/* Makes one record of kind name; NULL when the name is unknown. */
static inline const char *rl_make_named(const char *name)
{
	char json[512];

	if (strcmp(name, "today") == 0) {
		char *today = NULL;
		yh_err err;
		yh_err_clear(&err);
		yh_db_query_text(T.db, &today, "SELECT yh.today()::text", 0, NULL, NULL, &err);
		snprintf(json, sizeof(json), "%s", today ? today : "");
		free(today);
		return rl_keep(json);
	}
	if (strcmp(name, "cadre") == 0)
		return snprintf(rl_last_person, sizeof(rl_last_person), "%s", rl_new_cadre("chikan")), rl_keep(rl_last_person);
	if (strcmp(name, "east_cadre") == 0)
		return rl_new_cadre("chikan-east");
	if (strcmp(name, "east_enrolment") == 0)
		return rl_new_enrolment(rl_memo("programme"), rl_memo("east_cadre"));
	if (strcmp(name, "visit") == 0)
		return rl_new_visit(rl_memo("cadre"));
	if (strcmp(name, "visit_of_last") == 0)
		return rl_new_visit(rl_last_person);
	if (strcmp(name, "obligation") == 0) {
		const char *p = NULL, *ob = rl_new_obligation(&p);
		snprintf(rl_last_person, sizeof(rl_last_person), "%s", p ? p : "");
		return ob;
	}
	if (strcmp(name, "programme") == 0)
		return rl_new_programme();
	if (strcmp(name, "enrolment") == 0)
		return rl_new_enrolment(rl_memo("programme"), rl_new_cadre("chikan"));
	if (strcmp(name, "enrolled_programme") == 0) {
		const char *p = rl_new_programme();
		rl_new_enrolment(p, rl_new_cadre("chikan"));
		return p;
	}
	if (strcmp(name, "batch") == 0 || strcmp(name, "draft_batch") == 0)
		return rl_new_batch("draft", NULL);
	if (strcmp(name, "approved_batch") == 0)
		return rl_new_batch("approved", NULL);
	if (strcmp(name, "exported_batch") == 0) {
		const char *line = NULL, *b = rl_new_batch("exported", &line);
		snprintf(rl_last_line, sizeof(rl_last_line), "%s", line ? line : "");
		return b;
	}
	if (strcmp(name, "failed_batch") == 0)
		return rl_make_failed_batch();
	if (strcmp(name, "paid_line") == 0) {
		const char *line = NULL;
		rl_new_batch("settled", &line);
		return line;
	}
	if (strcmp(name, "branch") == 0)
		return rl_new_branch("chikan");
	if (strcmp(name, "branch_post") == 0)
		return rl_make_branch_post();
	if (strcmp(name, "allowance_programme") == 0) {
		snprintf(json, sizeof(json), "{\"code\":\"sec%d\",\"name\":\"书记补贴\",\"budget_line\":\"党建\","
			"\"period\":\"yearly\",\"kind\":\"branch_allowance\"}", rl_seq());
		return rl_make("clerk", "POST", "/api/v1/programmes", NULL, json, 201, "code");
	}
	if (strcmp(name, "activity") == 0)
		return rl_new_activity();
	if (strcmp(name, "budget_item") == 0) {
		rl_make("clerk", "PUT", "/api/v1/budget/2022", NULL,
			"{\"unit\":\"chikan\",\"item\":\"three_public_vehicle_budget\",\"yuan\":\"50.00\"}", 200, "");
		return "three_public_vehicle_budget";
	}
	if (strcmp(name, "year") == 0)
		return rl_new_year();
	if (strcmp(name, "bare_year") == 0) {
		static int bare = 2060;
		snprintf(json, sizeof(json), "%d", bare++);
		return rl_keep(json);
	}
	if (strcmp(name, "final_year") == 0)
		return rl_make_final_year();
	if (strcmp(name, "indicator") == 0)
		return rl_make_indicator(rl_memo("year"));
	if (strcmp(name, "closing_year") == 0) {
		static int closing = 1990;
		snprintf(json, sizeof(json), "%d", closing++);
		return rl_keep(json);
	}
	if (strcmp(name, "staff") == 0) {
		char user[32];
		snprintf(user, sizeof(user), "victim%d", rl_seq());
		snprintf(json, sizeof(json), "{\"username\":\"%s\",\"role\":\"clerk\",\"unit\":\"chikan\","
			"\"password\":\"pass-word-123\"}", user);
		return rl_make("admin", "POST", "/api/v1/staff", NULL, json, 201, "username");
	}
	return NULL;
}

static inline const char *rl_memo(const char *name)
{
	const char *v;

	for (int i = 0; i < rl_nmemo; i++)
		if (strcmp(rl_memo_name[i], name) == 0)
			return rl_memo_val[i];
	v = rl_make_named(name);
	if (v == NULL || rl_nmemo == 32)
		return NULL;
	rl_copy(rl_memo_name[rl_nmemo], sizeof(rl_memo_name[rl_nmemo]), name);
	rl_copy(rl_memo_val[rl_nmemo], sizeof(rl_memo_val[rl_nmemo]), v);
	return rl_memo_val[rl_nmemo++];
}

/* Expands the placeholders of tpl for role me into out; 0, or -1 on an unknown name (printed). */
static inline int rl_expand(char *out, size_t n, const char *tpl, const char *me)
{
	size_t o = 0;

	for (const char *p = tpl; *p && o + 1 < n; p++) {
		char name[48], val[128];
		const char *end, *v = NULL;
		if (*p != '{' || (end = strchr(p, '}')) == NULL || end == p + 1 || (size_t)(end - p) >= sizeof(name) ||
		    strchr("\"0123456789", p[1]) != NULL) {
			out[o++] = *p;
			continue;
		}
		memcpy(name, p + 1, (size_t)(end - p - 1));
		name[end - p - 1] = '\0';
		if (strcmp(name, "me") == 0) {
			v = me;
		} else if (strcmp(name, "seq") == 0) {
			snprintf(val, sizeof(val), "%d", rl_seq());
			v = val;
		} else if (strcmp(name, "cn") == 0) {
			v = rl_cn(rl_seq());
		} else if (strcmp(name, "idno") == 0) {
			v = rl_idno(rl_seq());
		} else if (strcmp(name, "today") == 0) {
			v = rl_memo("today");
		} else if (strcmp(name, "sday") == 0) {
			int s = rl_seq();
			snprintf(val, sizeof(val), "%d-%02d-%02d", 2040 + s / 336, 1 + s / 28 % 12, 1 + s % 28);
			v = val;
		} else if (strcmp(name, "last_person") == 0) {
			v = rl_last_person;
		} else if (strcmp(name, "last_line") == 0) {
			v = rl_last_line;
		} else if (strncmp(name, "new:", 4) == 0) {
			v = rl_make_named(name + 4);
		} else {
			v = rl_memo(name);
		}
		if (v == NULL) {
			fprintf(stderr, "unknown placeholder {%s}\n", name);
			return -1;
		}
		o += (size_t)snprintf(out + o, n - o, "%s", v);
		if (o >= n)
			o = n - 1;
		p = end;
	}
	out[o] = '\0';
	return 0;
}

#ifdef YH_CLI_PATH
#include <sys/wait.h>

/* Runs the yinhui binary with args as the holder of token; returns its exit status, its output in out. */
static inline int rl_cli_run(const char *token, const char *args, char *out, size_t n)
{
	char cmd[4096];
	FILE *p;
	size_t got;
	int st;

	/* test code: the arguments are the table's constants and generated ids, no shell metacharacters */
	snprintf(cmd, sizeof(cmd), "YINHUI_CONFIG=/dev/null YINHUI_DATABASE_URL='%s' YINHUI_TOKEN=%s YINHUI_DATA_KEY=%s"
		" %s %s 2>&1", T.conninfo, token, RL_DATA_KEY, YH_CLI_PATH, args);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	/* drain the rest, or the command dies of SIGPIPE */
	while (fread(cmd, 1, sizeof(cmd), p) > 0)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif

#endif
