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
#include "yinhui/idempotency.h"

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

void yh_http_run_handler(yh_req *r)
{
	const yh_route *rt = yh_req_route(r);
	const char *key = yh_req_header(r, "Idempotency-Key");
	const yh_actor *a = yh_req_actor(r);
	yh_db *db = yh_req_db(r);
	char fp[65], *replayed = NULL;
	yh_err err;
	int rc, status = 0;

	yh_err_clear(&err);
	if (key == NULL || strcmp(rt->method, "POST") != 0 || a->staff_id == 0) {
		rt->fn(r);
		return;
	}
	fingerprint(fp, r);
	rc = yh_db_begin(db, &err);
	if (rc == 0)
		rc = yh_idem_claim(db, a, key, fp, &status, &replayed, &err);
	if (rc != 0 || status != 0) {
		yh_db_rollback(db);
		if (rc != 0)
			yh_reply_error(r, &err);
		else
			yh_reply_json(r, status, replayed);
		return;
	}
	rt->fn(r);
	status = yh_req_status(r);
	if (status < 200 || status >= 300 || !yh_db_in_tx(db)) {
		/* failures are not remembered: nothing was written, a retry may succeed */
		yh_db_rollback(db);
		return;
	}
	rc = yh_idem_store(db, a, key, status, yh_req_response(r), &err);
	if (rc == 0)
		rc = yh_db_commit(db, &err);
	else
		yh_db_rollback(db);
	if (rc < 0)
		yh_reply_error(r, &err);
}
