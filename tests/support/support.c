#include "support.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "yinhui/migrate.h"
#include "yinhui/server.h"
#include "yinhui/staff.h"

yh_t T;

static yh_server *server;

static struct {
	const char *username, *role, *unit;
	yh_actor *actor;
} staff[] = {
	{ "cw_a", "caseworker", "chikan", &T.cw_a },
	{ "cw_b", "caseworker", "xiashan", &T.cw_b },
	{ "clerk", "clerk", "bureau", &T.clerk },
	{ "clerk_a", "clerk", "chikan", &T.clerk_a },
	{ "approver", "approver", "bureau", &T.approver },
	{ "approver2", "approver", "bureau", &T.approver2 },
	{ "auditor", "auditor", "bureau", &T.auditor },
};

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "test setup failed: %s: %s\n", what, msg);
	exit(1);
}

static void admin_exec(const char *dsn, const char *sql)
{
	PGconn *c = PQconnectdb(dsn);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		die("connect to YH_TEST_DSN", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void login_actor(const char *username, yh_actor *out)
{
	char token[96], *json = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (yh_session_login(T.db, username, YH_T_PASSWORD, "test", token, sizeof(token), &json, &err) != 0)
		die("login", err.msg);
	if (yh_session_resolve(T.db, token, out, &err) != 0)
		die("resolve", err.msg);
	snprintf(out->request_id, sizeof(out->request_id), "test");
	free(json);
}

int yh_t_setup(const char *name)
{
	const char *dsn = getenv("YH_TEST_DSN");
	char sql[256], *out = NULL;
	yh_err err;
	int applied = 0;

	if (dsn == NULL || *dsn == '\0')
		die("YH_TEST_DSN", "not set: run the tests through scripts/test (it starts a PostgreSQL cluster)");
	memset(&T, 0, sizeof(T));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS yhtest_%s WITH (FORCE)", name);
	admin_exec(dsn, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE yhtest_%s", name);
	admin_exec(dsn, sql);
	snprintf(T.conninfo, sizeof(T.conninfo), "%s dbname=yhtest_%s", dsn, name);
	yh_err_clear(&err);
	if (yh_db_open(&T.db, T.conninfo, "yhtest", &err) != 0)
		die("open", err.msg);
	if (yh_migrate_apply(T.db, yh_migrate_dir(), &applied, &err) != 0)
		die("migrate", err.msg);
	if (yh_staff_bootstrap(T.db, "admin", YH_T_PASSWORD, "bureau", "市委老干部局", &err) != 0)
		die("bootstrap", err.msg);
	login_actor("admin", &T.admin);
	{
		const char *units[][3] = { { "chikan", "赤坎老干部休养所", "bureau" },
			{ "xiashan", "霞山老干部休养所", "bureau" }, { "chikan-east", "赤坎东片", "chikan" } };
		for (size_t i = 0; i < 3; i++) {
			yh_fields *f = yh_t_fields("code", units[i][0], "name", units[i][1], "parent", units[i][2], NULL);
			if (yh_unit_add(T.db, &T.admin, f, &out, &err) != 0)
				die("unit", err.msg);
			free(out);
			yh_fields_free(f);
		}
	}
	for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++) {
		yh_fields *f = yh_t_fields("username", staff[i].username, "role", staff[i].role, "unit", staff[i].unit, NULL);
		if (yh_staff_add(T.db, &T.admin, f, YH_T_PASSWORD, &out, &err) != 0)
			die("staff", err.msg);
		free(out);
		yh_fields_free(f);
		login_actor(staff[i].username, staff[i].actor);
	}
	return 0;
}

void yh_t_teardown(void)
{
	yh_t_server_stop();
	yh_db_close(T.db);
	T.db = NULL;
}

int yh_t_server_start(void)
{
	yh_server_opts o;
	yh_err err;

	yh_server_opts_default(&o);
	o.port = 0;
	o.workers = 8;
	o.read_workers = 2; /* every suite's reads go through the read limit */
	o.conninfo = T.conninfo;
	o.max_body = 256 * 1024;
	o.timeout_s = 5;
	yh_err_clear(&err);
	if (yh_server_start(&server, &o, &err) != 0)
		die("server", err.msg);
	T.port = yh_server_port(server);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

void yh_t_server_stop(void)
{
	if (server) {
		yh_server_stop(server, 5);
		server = NULL;
	}
}

const char *yh_t_token(const char *username)
{
	static char tokens[16][96];
	static char names[16][64];
	char *json = NULL;
	yh_err err;
	int i;

	for (i = 0; i < 16 && names[i][0]; i++)
		if (strcmp(names[i], username) == 0)
			return tokens[i];
	if (i == 16)
		die("token", "too many users");
	yh_err_clear(&err);
	if (yh_session_login(T.db, username, YH_T_PASSWORD, "test", tokens[i], sizeof(tokens[i]), &json, &err) != 0)
		die("token login", err.msg);
	free(json);
	snprintf(names[i], sizeof(names[i]), "%s", username);
	return tokens[i];
}

struct membuf {
	char *p;
	size_t n;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct membuf *m = ud;
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

/* One request; names (NULL-terminated, or NULL) are response headers copied into vals. */
static long http_call(const char *method, const char *path, const char *token, const char *json,
	const char *extra_header, char **body, const char *const *names, char (*vals)[256])
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct membuf m = { 0 };
	char url[2048], auth[256];
	long status = -1;

	if (body)
		*body = NULL;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", T.port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (extra_header)
		h = curl_slist_append(h, extra_header);
	if (json) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	for (int i = 0; names && names[i]; i++) {
		struct curl_header *ch = NULL;
		vals[i][0] = '\0';
		if (curl_easy_header(c, names[i], 0, CURLH_HEADER, -1, &ch) == CURLHE_OK)
			snprintf(vals[i], 256, "%s", ch->value);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (body)
		*body = m.p;
	else
		free(m.p);
	return status;
}

long yh_t_http(const char *method, const char *path, const char *token, const char *json,
	const char *extra_header, char **body)
{
	return http_call(method, path, token, json, extra_header, body, NULL, NULL);
}

long yh_t_http_headers(const char *path, const char *token, char **body, const char *const *names, char (*vals)[256])
{
	return http_call("GET", path, token, NULL, NULL, body, names, vals);
}

static json_t *descend(json_t *doc, const char *path)
{
	char buf[256], *save = NULL, *tok;
	json_t *cur = doc;

	if (path == NULL || *path == '\0')
		return doc;
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save)) {
		if (json_is_array(cur))
			cur = json_array_get(cur, (size_t)atoi(tok));
		else
			cur = json_object_get(cur, tok);
	}
	return cur;
}

const char *yh_t_json(const char *json, const char *path)
{
	static char ring[8][1024];
	static int slot;
	json_t *doc, *v;
	const char *res = NULL;

	if (json == NULL)
		return NULL;
	doc = json_loads(json, JSON_DECODE_ANY, NULL);
	v = descend(doc, path);
	if (v && !json_is_null(v)) {
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", s ? s : "");
		free(s);
		res = ring[slot];
	}
	json_decref(doc);
	return res;
}

long yh_t_json_len(const char *json, const char *path)
{
	json_t *doc = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	json_t *v = descend(doc, path);
	long n = json_is_array(v) ? (long)json_array_size(v) : -1;

	json_decref(doc);
	return n;
}

yh_fields *yh_t_fields(const char *first, ...)
{
	yh_fields *f = NULL;
	va_list ap;
	const char *k = first;

	yh_fields_new(&f);
	va_start(ap, first);
	while (k) {
		const char *v = va_arg(ap, const char *);
		yh_fv_kind kind = YH_FV_STRING;
		if (v == NULL || strcmp(v, "null") == 0)
			kind = YH_FV_NULL;
		else if (v[0] == '[' || v[0] == '{')
			kind = YH_FV_JSON;
		yh_fields_set(f, k, v, kind, NULL);
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	return f;
}

long yh_t_count(const char *sql)
{
	char *out = NULL;
	yh_err err;
	long n = -1;

	yh_err_clear(&err);
	if (yh_db_query_text(T.db, &out, sql, 0, NULL, NULL, &err) == 0 && out)
		n = atol(out);
	else
		fprintf(stderr, "count failed: %s: %s\n", sql, err.msg);
	free(out);
	return n;
}

long yh_t_tally_drift(void)
{
	return yh_t_count("SELECT count(*) FROM (SELECT unit_id, kind, dead, gone, n FROM yh.person_tally WHERE n <> 0) t"
		" FULL JOIN (SELECT unit_id, kind, deceased_on IS NOT NULL AS dead, transferred_out_on IS NOT NULL AS gone,"
		" count(*) AS n FROM yh.person GROUP BY 1, 2, 3, 4) c USING (unit_id, kind, dead, gone)"
		" WHERE t.n IS DISTINCT FROM c.n");
}

int yh_t_sql(const char *sql, char sqlstate[6])
{
	PGconn *c = PQconnectdb(T.conninfo);
	PGresult *r;
	int rc = 0;

	sqlstate[0] = '\0';
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		snprintf(sqlstate, 6, "%s", s ? s : "?????");
		rc = -1;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

int yh_t_run(const char *suite, const yh_t_case *cases)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(suite, NULL, NULL);
	for (const yh_t_case *c = cases; c->name; c++)
		CU_add_test(s, c->name, c->fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}

int yh_t_dial(int port)
{
	struct sockaddr_in sa;
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}
