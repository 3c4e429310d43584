#include "yinhui/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char Q_CLAIM[] =
	"INSERT INTO yh.idempotency (staff_id, key, fingerprint) VALUES ($1::bigint, $2, $3)"
	" ON CONFLICT DO NOTHING RETURNING 1";
static const char Q_LOOKUP[] =
	"SELECT fingerprint, status, response FROM yh.idempotency WHERE staff_id = $1::bigint AND key = $2";
static const char Q_STORE[] =
	"UPDATE yh.idempotency SET status = $3::int, response = $4 WHERE staff_id = $1::bigint AND key = $2";

int yh_idem_claim(yh_db *db, const yh_actor *a, const char *key, const char *fingerprint,
	int *replay_status, char **replay_response, yh_err *err)
{
	char staff[24], *claimed = NULL;
	const char *p[3];
	yh_rows *rows = NULL;
	int rc;

	*replay_status = 0;
	*replay_response = NULL;
	if (key == NULL || strlen(key) == 0 || strlen(key) > 200)
		return yh_err_set(err, YH_EINVAL, "Idempotency-Key", "must be 1 to 200 characters");
	snprintf(staff, sizeof(staff), "%lld", (long long)a->staff_id);
	p[0] = staff;
	p[1] = key;
	p[2] = fingerprint;
	rc = yh_db_query_text(db, &claimed, Q_CLAIM, 3, p, NULL, err);
	free(claimed);
	if (rc != YH_ENOTFOUND)
		return rc;
	/* someone holds (or held) this key: their answer, once they committed */
	rc = yh_db_query(db, &rows, Q_LOOKUP, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1)
		rc = yh_err_set(err, YH_ECONFLICT, "Idempotency-Key", "key in use; retry");
	else if (strcmp(yh_rows_get(rows, 0, "fingerprint"), fingerprint) != 0)
		rc = yh_err_set(err, YH_EINVAL, "Idempotency-Key", "key was already used for a different request");
	else if (yh_rows_get(rows, 0, "status") == NULL)
		rc = yh_err_set(err, YH_ECONFLICT, "Idempotency-Key", "the first request with this key is still running");
	else {
		*replay_status = atoi(yh_rows_get(rows, 0, "status"));
		*replay_response = strdup(yh_rows_get(rows, 0, "response") ? yh_rows_get(rows, 0, "response") : "");
		if (*replay_status == 0)
			*replay_status = 200;
	}
	yh_rows_free(rows);
	return rc;
}

int yh_idem_store(yh_db *db, const yh_actor *a, const char *key, int status, const char *response, yh_err *err)
{
	char staff[24], st[16];
	const char *p[4];
	int rc;

	snprintf(staff, sizeof(staff), "%lld", (long long)a->staff_id);
	snprintf(st, sizeof(st), "%d", status);
	p[0] = staff;
	p[1] = key;
	p[2] = st;
	p[3] = response;
	rc = yh_db_exec(db, Q_STORE, 4, p, err);
	return rc < 0 ? rc : 0;
}
