/*
 * idempotency.h - retries that write nothing new. A key is claimed in the
 * same transaction as the write it guards; a retry that arrives while the
 * first is still running blocks on the key's row until the first commits,
 * then gets the first result. Used by the daemon (Idempotency-Key header)
 * and the CLI (--idempotency-key).
 */
#ifndef YH_IDEMPOTENCY_H
#define YH_IDEMPOTENCY_H

#include "yinhui/actor.h"
#include "yinhui/db.h"

/*
 * Must run inside a transaction. On 0: *replay_status == 0 means the key is
 * now ours (run the operation, then yh_idem_store, then commit); otherwise
 * the operation already ran with this key and *replay_response (caller
 * frees) is its stored result. A key reused for a different request
 * (fingerprint) is YH_EINVAL; a first request still undecided is YH_ECONFLICT.
 */
int yh_idem_claim(yh_db *db, const yh_actor *a, const char *key, const char *fingerprint,
	int *replay_status, char **replay_response, yh_err *err);
/* Records the result of the operation guarded by key (same transaction). */
int yh_idem_store(yh_db *db, const yh_actor *a, const char *key, int status, const char *response, yh_err *err);

#endif
