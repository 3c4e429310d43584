/*
 * Idempotency-Key: the key is claimed in the same transaction as the write
 * it guards. A retry that arrives while the first request runs blocks on
 * the key's row until the first commits, then replays its stored answer.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "yinhui/log.h"

static const char Q_CLAIM[] =
	"INSERT INTO yh.idempotency (staff_id, key, fingerprint) VALUES ($1::bigint, $2, $3)"
	" ON CONFLICT DO NOTHING RETURNING 1";
static const char Q_LOOKUP[] =
	"SELECT fingerprint, status, response FROM yh.idempotency WHERE staff_id = $1::bigint AND key = $2";
static const char Q_STORE[] =
	"UPDATE yh.idempotency SET status = $3::int, response = $4 WHERE staff_id = $1::bigint AND key = $2";

static void fingerprint(char out[65], const yh_req *r)
{
	unsigned char h[32];
	crypto_generichash_state st;
	size_t len;
	const char *body = yh_req_body(r, &len);
	const yh_route *rt = yh_req_route(r);

	/* the same key must come back with the same request: route + body */
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)rt->pattern, strlen(rt->pattern) + 1);
	for (int i = 0; yh_req_param(r, i); i++)
		crypto_generichash_update(&st, (const unsigned char *)yh_req_param(r, i), strlen(yh_req_param(r, i)) + 1);
	if (body)
		crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Replays the stored answer for a key that was claimed before. */
static void replay(yh_req *r, yh_db *db, const char *const *p, const char *fp)
{
	yh_rows *rows = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_db_query(db, &rows, Q_LOOKUP, 2, p, &err);
	if (rc != 0) {
		yh_reply_error(r, &err);
	} else if (yh_rows_count(rows) != 1) {
		yh_err_set(&err, YH_ECONFLICT, "Idempotency-Key", "key in use; retry");
		yh_reply_error(r, &err);
	} else if (strcmp(yh_rows_get(rows, 0, "fingerprint"), fp) != 0) {
		yh_err_set(&err, YH_EINVAL, "Idempotency-Key", "key was already used for a different request");
		yh_reply_error(r, &err);
	} else if (yh_rows_get(rows, 0, "status") && yh_rows_get(rows, 0, "response")) {
		yh_reply_json(r, atoi(yh_rows_get(rows, 0, "status")), strdup(yh_rows_get(rows, 0, "response")));
	} else {
		yh_err_set(&err, YH_ECONFLICT, "Idempotency-Key", "the first request with this key is still running");
		yh_reply_error(r, &err);
	}
	yh_rows_free(rows);
}

void yh_http_run_handler(yh_req *r)
{
	const yh_route *rt = yh_req_route(r);
	const char *key = yh_req_header(r, "Idempotency-Key");
	const yh_actor *a = yh_req_actor(r);
	yh_db *db = yh_req_db(r);
	char staff[24], fp[65], st[16], *claimed = NULL;
	const char *p[4];
	yh_err err;
	int rc, status;

	yh_err_clear(&err);
	if (key == NULL || strcmp(rt->method, "POST") != 0 || a->staff_id == 0) {
		rt->fn(r);
		return;
	}
	if (strlen(key) == 0 || strlen(key) > 200) {
		yh_err_set(&err, YH_EINVAL, "Idempotency-Key", "must be 1 to 200 characters");
		yh_reply_error(r, &err);
		return;
	}
	snprintf(staff, sizeof(staff), "%lld", (long long)a->staff_id);
	fingerprint(fp, r);
	p[0] = staff;
	p[1] = key;
	p[2] = fp;
	rc = yh_db_begin(db, &err);
	if (rc == 0)
		rc = yh_db_query_text(db, &claimed, Q_CLAIM, 3, p, NULL, &err);
	if (rc == YH_ENOTFOUND) {
		replay(r, db, p, fp);
		yh_db_rollback(db);
		goto done;
	}
	if (rc != 0) {
		yh_db_rollback(db);
		yh_reply_error(r, &err);
		goto done;
	}
	rt->fn(r);
	status = yh_req_status(r);
	if (status < 200 || status >= 300 || !yh_db_in_tx(db)) {
		/* failures are not remembered: nothing was written, a retry may succeed */
		yh_db_rollback(db);
		goto done;
	}
	snprintf(st, sizeof(st), "%d", status);
	p[2] = st;
	p[3] = yh_req_response(r);
	rc = yh_db_exec(db, Q_STORE, 4, p, &err);
	if (rc >= 0)
		rc = yh_db_commit(db, &err);
	else
		yh_db_rollback(db);
	if (rc < 0)
		yh_reply_error(r, &err);
done:
	free(claimed);
}
