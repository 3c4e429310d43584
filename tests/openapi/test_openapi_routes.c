/*
 * test_openapi_routes.c - the API description and the daemon agree: every
 * route of yh_route_tables is described in docs/openapi.yaml with the same
 * method and path (":id" <-> "{id}"), every described operation is served,
 * public routes say `security: []` and the others inherit the bearer token,
 * and operationIds are the routes' metrics names. The document checked is
 * the JSON compiled into yh_http, i.e. exactly what GET /api/v1/openapi.json
 * serves.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <jansson.h>

#include "http/http.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* cmake/openapi.cmake */
extern const char yh_openapi_json[];
extern const size_t yh_openapi_json_len;

static const char *const http_methods[] = { "get", "put", "post", "patch", "delete", "head", "options", "trace" };

/* "/api/v1/cadres/:id/survivors" -> "/api/v1/cadres/{id}/survivors". */
static void to_openapi_path(const char *pattern, char *out, size_t n)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 2 < n; p++) {
		if (*p == ':' && (p == pattern || p[-1] == '/')) {
			out[o++] = '{';
			while (p[1] && p[1] != '/' && o + 2 < n)
				out[o++] = *++p;
			out[o++] = '}';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

static void lower(const char *s, char *out, size_t n)
{
	size_t i = 0;

	for (; s[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* How many routes (over all tables) carry this metrics name. */
static int name_uses(const yh_route *const *tables, const char *name)
{
	int n = 0;

	for (int t = 0; tables[t]; t++)
		for (const yh_route *rt = tables[t]; rt->method; rt++)
			n += strcmp(rt->name, name) == 0;
	return n;
}

/*
 * Compares route tables with an OpenAPI document; prints each disagreement
 * on stderr (when verbose) and returns how many there are.
 */
static int compare(const yh_route *const *tables, json_t *doc, int verbose)
{
	json_t *paths = json_object_get(doc, "paths"), *ops;
	const char *path;
	int problems = 0;

#define PROBLEM(...) \
	do { \
		problems++; \
		if (verbose) \
			fprintf(stderr, "openapi: " __VA_ARGS__); \
	} while (0)

	if (!json_is_object(paths)) {
		PROBLEM("the document has no paths object\n");
		return problems;
	}
	for (int t = 0; tables[t]; t++)
		for (const yh_route *rt = tables[t]; rt->method; rt++) {
			char p[256], m[16];
			json_t *op, *sec;

			to_openapi_path(rt->pattern, p, sizeof(p));
			lower(rt->method, m, sizeof(m));
			op = json_object_get(json_object_get(paths, p), m);
			if (!json_is_object(op)) {
				PROBLEM("route %s %s (%s) is not described as %s %s\n", rt->method, rt->pattern, rt->name, m, p);
				continue;
			}
			sec = json_object_get(op, "security");
			if ((rt->flags & YH_ROUTE_PUBLIC) && !(json_is_array(sec) && json_array_size(sec) == 0))
				PROBLEM("%s %s is public: describe it with security: []\n", rt->method, p);
			if (!(rt->flags & YH_ROUTE_PUBLIC) && json_is_array(sec) && json_array_size(sec) == 0)
				PROBLEM("%s %s needs a bearer token but is described with security: []\n", rt->method, p);
			/* a name shared by several routes (PUT and PATCH of one handler) must name one of them */
			if (name_uses(tables, rt->name) == 1 &&
			    strcmp(json_string_value(json_object_get(op, "operationId")) ?
				    json_string_value(json_object_get(op, "operationId")) : "", rt->name) != 0)
				PROBLEM("%s %s: operationId should be the route name \"%s\"\n", rt->method, p, rt->name);
		}
	json_object_foreach(paths, path, ops) {
		for (size_t k = 0; k < N_ELEMS(http_methods); k++) {
			int served = 0;

			if (json_object_get(ops, http_methods[k]) == NULL)
				continue;
			for (int t = 0; tables[t] && !served; t++)
				for (const yh_route *rt = tables[t]; rt->method && !served; rt++) {
					char p[256], m[16];

					to_openapi_path(rt->pattern, p, sizeof(p));
					lower(rt->method, m, sizeof(m));
					served = strcmp(p, path) == 0 && strcmp(m, http_methods[k]) == 0;
				}
			if (!served)
				PROBLEM("%s %s is described but no route serves it\n", http_methods[k], path);
		}
	}
#undef PROBLEM
	return problems;
}

static json_t *served_doc(void)
{
	json_error_t jerr;
	json_t *doc = json_loadb(yh_openapi_json, yh_openapi_json_len, 0, &jerr);

	if (doc == NULL)
		fprintf(stderr, "openapi.json: line %d: %s\n", jerr.line, jerr.text);
	return doc;
}

static void test_path_conversion(void)
{
	static const struct {
		const char *pattern, *want;
	} cases[] = {
		{ "/healthz", "/healthz" },
		{ "/api/v1/cadres/:id", "/api/v1/cadres/{id}" },
		{ "/api/v1/cadres/:id/survivors", "/api/v1/cadres/{id}/survivors" },
		{ "/api/v1/evaluations/:year/indicators/:code/entry", "/api/v1/evaluations/{year}/indicators/{code}/entry" },
		{ "/api/v1/budget/:year/:item", "/api/v1/budget/{year}/{item}" },
		{ "/api/v1/a:b", "/api/v1/a:b" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char out[256];
		to_openapi_path(cases[i].pattern, out, sizeof(out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
	}
}

static void test_document(void)
{
	json_t *doc = served_doc();

	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT(strncmp(json_string_value(json_object_get(doc, "openapi")) ?
		json_string_value(json_object_get(doc, "openapi")) : "", "3.", 2) == 0);
	CU_ASSERT(json_is_object(json_object_get(json_object_get(json_object_get(doc, "components"),
		"securitySchemes"), "bearerAuth")));
	CU_ASSERT(json_is_object(json_object_get(json_object_get(json_object_get(doc, "components"),
		"schemas"), "Error")));
	json_decref(doc);
}

/* The real thing: the daemon's routes against the served description. */
static void test_routes_match(void)
{
	json_t *doc = served_doc();

	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(compare(yh_route_tables, doc, 1), 0);
	json_decref(doc);
}

static int noop(yh_req *r)
{
	(void)r;
	return 0;
}

/* The comparison itself finds each kind of disagreement. */
static void test_compare_finds_problems(void)
{
	static const yh_route table[] = {
		{ "GET", "/healthz", noop, YH_ROUTE_PUBLIC, "healthz" },
		{ "GET", "/api/v1/things", noop, 0, "thing_list" },
		{ "GET", "/api/v1/things/:id", noop, 0, "thing_get" },
		{ "PUT", "/api/v1/things/:id", noop, 0, "thing_set" },
		{ "PATCH", "/api/v1/things/:id", noop, 0, "thing_set" },
		{ NULL, NULL, NULL, 0, NULL }
	};
	static const yh_route *const tables[] = { table, NULL };
	static const struct {
		const char *doc;
		int want;
	} cases[] = {
		/* all agree (the shared name thing_set may be either operation's id) */
		{ "{\"paths\":{\"/healthz\":{\"get\":{\"operationId\":\"healthz\",\"security\":[]}},"
		  "\"/api/v1/things\":{\"get\":{\"operationId\":\"thing_list\"}},"
		  "\"/api/v1/things/{id}\":{\"get\":{\"operationId\":\"thing_get\"},\"put\":{\"operationId\":\"thing_set\"},"
		  "\"patch\":{\"operationId\":\"thing_update\"}}}}", 0 },
		/* a route not described, and a path with the wrong parameter syntax described but not served */
		{ "{\"paths\":{\"/healthz\":{\"get\":{\"operationId\":\"healthz\",\"security\":[]}},"
		  "\"/api/v1/things\":{\"get\":{\"operationId\":\"thing_list\"}},"
		  "\"/api/v1/things/:id\":{\"get\":{\"operationId\":\"thing_get\"},\"put\":{\"operationId\":\"thing_set\"},"
		  "\"patch\":{\"operationId\":\"thing_set\"}}}}", 3 + 3 },
		/* a method described that is not served, a public route without security: [] */
		{ "{\"paths\":{\"/healthz\":{\"get\":{\"operationId\":\"healthz\"},\"post\":{}},"
		  "\"/api/v1/things\":{\"get\":{\"operationId\":\"thing_list\",\"security\":[]}},"
		  "\"/api/v1/things/{id}\":{\"get\":{\"operationId\":\"thing_get\"},\"put\":{\"operationId\":\"thing_set\"},"
		  "\"patch\":{\"operationId\":\"thing_set\"}}}}", 3 },
		/* a wrong operationId */
		{ "{\"paths\":{\"/healthz\":{\"get\":{\"operationId\":\"health\",\"security\":[]}},"
		  "\"/api/v1/things\":{\"get\":{\"operationId\":\"thing_list\"}},"
		  "\"/api/v1/things/{id}\":{\"get\":{\"operationId\":\"thing_get\"},\"put\":{\"operationId\":\"thing_set\"},"
		  "\"patch\":{\"operationId\":\"thing_set\"}}}}", 1 },
		{ "{}", 1 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		json_t *doc = json_loads(cases[i].doc, 0, NULL);
		CU_ASSERT_FATAL(doc != NULL);
		CU_ASSERT_EQUAL(compare(tables, doc, 0), cases[i].want);
		json_decref(doc);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("openapi", NULL, NULL);
	CU_add_test(s, "route patterns become OpenAPI paths", test_path_conversion);
	CU_add_test(s, "the served document is OpenAPI 3 with the bearer scheme", test_document);
	CU_add_test(s, "the comparison finds every kind of disagreement", test_compare_finds_problems);
	CU_add_test(s, "every route is described and every description is served", test_routes_match);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
