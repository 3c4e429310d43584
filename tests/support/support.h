/*
 * support.h - integration-test plumbing: a fresh database per suite on the
 * cluster the test command started (YH_TEST_DSN), staff of every role in a
 * small unit tree, an in-process daemon on a free port and a libcurl client.
 */
#ifndef YH_TEST_SUPPORT_H
#define YH_TEST_SUPPORT_H

#include <CUnit/Basic.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/*
 * Units: bureau (root) -> chikan, xiashan; chikan -> chikan-east.
 * Staff (password "password-123"): admin (bureau), cw_a (caseworker, chikan),
 * cw_b (caseworker, xiashan), clerk (clerk, bureau), clerk_a (clerk, chikan),
 * approver (approver, bureau), approver2 (approver, bureau), auditor (auditor, bureau).
 */
typedef struct yh_t {
	yh_db *db;
	char conninfo[1024];
	yh_actor admin, cw_a, cw_b, clerk, clerk_a, approver, approver2, auditor;
	int port; /* of the in-process daemon, after yh_t_server_start */
} yh_t;

extern yh_t T; /* the suite's fixture */

#define YH_T_PASSWORD "password-123"

/* Creates database yhtest_<name>, migrates, bootstraps. Exits the process on failure. */
int yh_t_setup(const char *name);
void yh_t_teardown(void);
/* Starts yinhuid's server in-process on 127.0.0.1:0 against the suite database. */
int yh_t_server_start(void);
void yh_t_server_stop(void);
/* A bearer token for username (logs in through the core). Static buffer per user slot. */
const char *yh_t_token(const char *username);

/*
 * One HTTP request; returns the status (or -1). *body receives the response
 * (caller frees; may pass NULL). token may be NULL. extra_header like
 * "Idempotency-Key: abc" or NULL.
 */
/* A raw TCP connection to port on 127.0.0.1 (reads give up after 10 s), or -1. */
int yh_t_dial(int port);
long yh_t_http(const char *method, const char *path, const char *token, const char *json,
	const char *extra_header, char **body);

/*
 * GET path as token (may be NULL); returns the status and *body (caller
 * frees; may pass NULL), and into vals[i] the value of header names[i] ("" when
 * absent; names is NULL-terminated).
 */
long yh_t_http_headers(const char *path, const char *token, char **body, const char *const *names, char (*vals)[256]);

/* A string member of a JSON object text (path "a.b" descends), in a static ring buffer; NULL if absent. */
const char *yh_t_json(const char *json, const char *path);
/* Number of elements of the JSON array at path ("" = the document itself, or "items"). */
long yh_t_json_len(const char *json, const char *path);

/* Fields from "k=v" pairs; a value starting with [ or { is JSON, "null" is null. NULL-terminated. */
yh_fields *yh_t_fields(const char *first, ...);

/* Count rows of a query with no parameters (test-only convenience). */
long yh_t_count(const char *sql);
/* Keys where yh.person_tally (0067) differs from a count of the persons: 0 when in step. */
long yh_t_tally_drift(void);
/* Runs a statement through a separate raw connection; returns 0 or the SQLSTATE's first char code. */
int yh_t_sql(const char *sql, char sqlstate[6]);

/* Registers suite tests from a table and runs them; returns the process exit status. */
typedef struct yh_t_case {
	const char *name;
	void (*fn)(void);
} yh_t_case;
int yh_t_run(const char *suite, const yh_t_case *cases);

#endif
