/* The roster over HTTP: status codes, error bodies with field names, import and export. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "test_roster_util.h"

static char g_id[37]; /* a chikan cadre created over HTTP */

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;
	char *np = realloc(b->p, b->n + size * nmemb + 1);

	if (np == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->n, ptr, size * nmemb);
	b->n += size * nmemb;
	b->p[b->n] = '\0';
	return size * nmemb;
}

/* A request with a non-JSON body (ctype may be NULL); returns the status, *body and *len (caller frees). */
static long http_raw(const char *method, const char *path, const char *token, const char *ctype, const char *data,
	size_t dlen, char **body, size_t *len, char *disposition, size_t dispsz)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct buf b = { NULL, 0 };
	char url[512], hdr[256];
	long status = -1;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", T.port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, hdr);
	if (ctype) {
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", ctype);
		h = curl_slist_append(h, hdr);
	}
	if (data) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)dlen);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (disposition) {
		struct curl_header *ch = NULL;
		disposition[0] = '\0';
		if (curl_easy_header(c, "Content-Disposition", 0, CURLH_HEADER, -1, &ch) == CURLHE_OK)
			snprintf(disposition, dispsz, "%s", ch->value);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	*body = b.p;
	if (len)
		*len = b.n;
	return status;
}

static void test_create_and_errors(void)
{
	const char *cw = yh_t_token("cw_a");
	char *body = NULL, path[128];

	CU_ASSERT_EQUAL_FATAL(yh_t_http("POST", "/api/v1/cadres", cw, "{\"name\":\"张三\",\"id_number\":\"44080219300701001X\","
		"\"category\":\"离休\",\"joined_on\":\"1945-03-01\",\"phones\":[{\"number\":\"138 1234 5678\",\"label\":\"本人\"}],"
		"\"remote\":true}", NULL, &body), 201);
	snprintf(g_id, sizeof(g_id), "%s", yh_t_json(body, "id"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "id_number"), "440802********001X");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "phones.0.number"), "13812345678");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "unit"), "chikan");
	free(body);
	/* 422: a wrong check digit, naming the field; nothing written */
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", cw, "{\"name\":\"李四\",\"id_number\":\"440802193007010011\","
		"\"category\":\"退休\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "invalid");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "id_number");
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(body, "error.message"), "check digit"));
	free(body);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '李四'"), 0);
	/* 409: the same ID number again */
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", cw, "{\"name\":\"张三\",\"id_number\":\"44080219300701001x\","
		"\"category\":\"退休\"}", NULL, &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "conflict");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "id_number");
	free(body);
	/* 422 for types and unknown fields, 400 for broken JSON */
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", cw, "{\"name\":\"王五\",\"id_number\":\"11010519491231002X\","
		"\"category\":\"退休\",\"remote\":\"maybe\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "remote");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", cw, "{\"name\":", NULL, &body), 400);
	free(body);
	/* 403: an auditor writes nothing; another unit's caseworker cannot read */
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", yh_t_token("auditor"), "{\"name\":\"王五\","
		"\"id_number\":\"11010519491231002X\",\"category\":\"退休\"}", NULL, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "forbidden");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/cadres/%s", g_id);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("cw_b"), NULL, NULL, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "forbidden");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", path, yh_t_token("cw_b"), "{\"note\":\"x\"}", NULL, &body), 403);
	free(body);
	/* 404 */
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres/00000000-0000-4000-8000-000000000000", cw, NULL, NULL, &body), 404);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "not_found");
	free(body);
}

static void test_show_patch(void)
{
	char *body = NULL, path[160];

	snprintf(path, sizeof(path), "/api/v1/cadres/%s", g_id);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("cw_a"), NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "name"), "张三");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/cadres/%s?reveal=id_number", g_id);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("cw_a"), NULL, NULL, &body), 403);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("clerk"), NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "id_number"), "44080219300701001X");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/cadres/%s?colour=red", g_id);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("cw_a"), NULL, NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "colour");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/cadres/%s", g_id);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", path, yh_t_token("cw_a"), "{\"care_level\":\"失能\",\"rank\":null}", NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "care_level"), "失能");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "category"), "离休");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", path, yh_t_token("cw_a"), "{\"deceased_on\":\"2023-01-01\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "deceased_on");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PATCH", path, yh_t_token("auditor"), "{\"note\":\"x\"}", NULL, &body), 403);
	free(body);
	/* a survivor, and the cadre's survivors */
	{
		char json[256];
		snprintf(json, sizeof(json), "{\"kind\":\"survivor\",\"cadre\":\"%s\",\"relationship\":\"配偶\","
			"\"name\":\"李秀英\",\"id_number\":\"%s\"}", g_id, rt_id("440802", "19320505", 24));
		CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/cadres", yh_t_token("cw_a"), json, NULL, &body), 201);
		free(body);
	}
	snprintf(path, sizeof(path), "/api/v1/cadres/%s/survivors", g_id);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, yh_t_token("cw_a"), NULL, NULL, &body), 200);
	CU_ASSERT_EQUAL(yh_t_json_len(body, ""), 1);
	free(body);
}

static void test_list(void)
{
	const char *tok = yh_t_token("admin");
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres?unit=chikan&min_age=80&limit=10", tok, NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "total"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "items.0.id_number"), "440802********001X");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "limit"), "10");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres?q=%E5%BC%A0&kind=all", tok, NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "total"), "1");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres?limit=500", tok, NULL, NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "limit");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres?colour=red", tok, NULL, NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "colour");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/cadres?unit=xiashan", yh_t_token("cw_a"), NULL, NULL, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "unit");
	free(body);
}

static void test_import_export(void)
{
	const char *tok = yh_t_token("admin");
	char file[2048], disp[256], *body = NULL;
	size_t len = 0;

	snprintf(file, sizeof(file), "姓名,身份证号码,类别,单位\r\n陈一,%s,退休,xiashan\r\n陈二,%s,退休,chikan\r\n",
		rt_id("440803", "19450101", 1), rt_id("440802", "19450102", 2));
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import", tok, "text/csv", file, strlen(file), &body, NULL, NULL, 0), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "created"), "2");
	free(body);
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import", tok, "text/csv", file, strlen(file), &body, NULL, NULL, 0), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "unchanged"), "2");
	free(body);
	/* a bad row: 422, the error object and every bad row */
	snprintf(file, sizeof(file), "姓名,身份证号码,类别\n陈三,%s,退休\n陈四,%s,退休\n",
		rt_id("440802", "19450103", 3), rt_bad_id("440802", "19450104", 4));
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import", tok, "text/csv", file, strlen(file), &body, NULL, NULL, 0), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "invalid");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "id_number");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "imported"), "false");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "errors.0.line"), "3");
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "errors.0.column"), "身份证号码");
	free(body);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '陈三'"), 0);
	/* JSON is not a CSV file; an auditor imports nothing */
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import", tok, "application/json", "{}", 2, &body, NULL, NULL, 0), 400);
	free(body);
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import", yh_t_token("auditor"), "text/csv", file, strlen(file),
		&body, NULL, NULL, 0), 403);
	free(body);
	CU_ASSERT_EQUAL(http_raw("POST", "/api/v1/cadres/import?encoding=ebcdic", tok, "text/csv", file, strlen(file),
		&body, NULL, NULL, 0), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "encoding");
	free(body);
	/* export: a download, UTF-8 with BOM, masked for a caseworker */
	CU_ASSERT_EQUAL(http_raw("GET", "/api/v1/cadres/export?format=csv", yh_t_token("cw_a"), NULL, NULL, 0, &body, &len,
		disp, sizeof(disp)), 200);
	CU_ASSERT(len > 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "440802********"));
	CU_ASSERT_PTR_NULL(strstr(body, "陈一"));
	CU_ASSERT_PTR_NOT_NULL(strstr(disp, "cadres.csv"));
	free(body);
	CU_ASSERT_EQUAL(http_raw("GET", "/api/v1/cadres/export?format=xlsx", tok, NULL, NULL, 0, &body, &len, disp, sizeof(disp)), 200);
	CU_ASSERT(len > 4 && memcmp(body, "PK", 2) == 0);
	free(body);
	CU_ASSERT_EQUAL(http_raw("GET", "/api/v1/cadres/export?format=pdf", tok, NULL, NULL, 0, &body, &len, NULL, 0), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "format");
	free(body);
}

static void test_transfer_figures(void)
{
	const char *tok = yh_t_token("admin");
	char *body = NULL, *today = NULL, path[160], json[128];

	yh_db_query_text(T.db, &today, "SELECT current_date::text", 0, NULL, NULL, NULL);
	snprintf(path, sizeof(path), "/api/v1/cadres/%s/transfer-out", g_id);
	snprintf(json, sizeof(json), "{\"date\":\"%s\",\"to\":\"广州\"}", today);
	CU_ASSERT_EQUAL(yh_t_http("POST", path, yh_t_token("cw_a"), json, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "active"), "false");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", path, yh_t_token("cw_a"), json, NULL, &body), 409);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "conflict");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", path, yh_t_token("cw_a"), "{\"to\":\"广州\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "date");
	free(body);
	snprintf(path, sizeof(path), "/api/v1/roster/figures?from=%.4s-01-01&to=%s", today, today);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, tok, NULL, NULL, &body), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "\"roster.transferred_out\" : 1") ? body : strstr(body, "\"roster.transferred_out\":1"));
	free(body);
	snprintf(path, sizeof(path), "/api/v1/roster/figures/roster.transferred_out?from=%.4s-01-01&to=%s", today, today);
	CU_ASSERT_EQUAL(yh_t_http("GET", path, tok, NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "0.name"), "张三");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/roster/figures?from=2022-13-01&to=2022-12-31", tok, NULL, NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "from");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/roster/reconcile?year=2022", tok, NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "start_source"), "computed");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/roster/year-end", tok, "{\"year\":2021}", NULL, &body), 201);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/roster/year-end", tok, "{\"year\":2021}", NULL, &body), 409);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/roster/year-end", yh_t_token("auditor"), "{\"year\":2020}", NULL, &body), 403);
	free(body);
	free(today);
	/* the roster's gauge on /metrics */
	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(body, "yinhui_roster_active 2"));
	free(body);
}

static const yh_t_case cases[] = {
	{ "create: 201, 422, 409, 403, 404", test_create_and_errors },
	{ "show, reveal, patch, survivors", test_show_patch },
	{ "list filters and errors", test_list },
	{ "import and export", test_import_export },
	{ "transfer out, figures, reconcile, year end", test_transfer_figures },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	yh_t_setup("roster_http");
	yh_t_server_start();
	rc = yh_t_run("roster_http", cases);
	yh_t_teardown();
	return rc;
}
