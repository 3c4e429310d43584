/*
 * audit.h - the append-only audit trail. Call inside the transaction of the
 * change it records; the database rejects UPDATE and DELETE on the table.
 */
#ifndef YH_AUDIT_H
#define YH_AUDIT_H

#include "yinhui/actor.h"
#include "yinhui/db.h"

/*
 * Appends one row. before/after are JSON texts or NULL. entity_id is the
 * record's public id. Returns 0 or a db code.
 */
int yh_audit(yh_db *db, const yh_actor *a, const char *action, const char *entity,
	const char *entity_id, const char *before, const char *after, yh_err *err);

/* SQL fragment-free helper: audit rows as a JSON array, newest first (for auditors). */
int yh_audit_list(yh_db *db, const yh_actor *a, const char *entity, const char *entity_id,
	int limit, char **out, yh_err *err);

#endif
