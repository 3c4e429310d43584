/*
 * staff.h - units, staff accounts and sessions.
 *
 * Read operations return JSON text built by PostgreSQL (the caller frees it);
 * every write is authorised with yh_authz and audited in its transaction.
 */
#ifndef YH_STAFF_H
#define YH_STAFF_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* Session lifetime: 12 hours, a working day. */
#define YH_SESSION_SECONDS (12 * 3600)

/*
 * First run: creates the root unit and the first admin when no staff exists
 * (YH_ECONFLICT otherwise). Audited as actor "system".
 */
int yh_staff_bootstrap(yh_db *db, const char *username, const char *password,
	const char *unit_code, const char *unit_name, yh_err *err);

/* Fields: code, name, parent (code or id), district. */
int yh_unit_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/* Units visible to the actor, in tree order with depth. */
int yh_unit_list(yh_db *db, const yh_actor *a, char **out, yh_err *err);
/* Resolves a unit code or uid to its internal id; YH_EINVAL naming field when unknown. */
int yh_unit_resolve(yh_db *db, const char *code_or_uid, const char *field, long long *id, yh_err *err);
/*
 * The ids of unit_id's subtree as an array literal for "col = ANY($n::bigint[])",
 * or *out = NULL when unit_id is NULL or the root (every unit: no filter). A
 * literal, not yh.subtree() in the query, so that the planner sees how many
 * rows the filter keeps and the set is computed once, not once per row.
 * The caller frees *out.
 */
int yh_unit_subtree_ids(yh_db *db, const char *unit_id, char **out, yh_err *err);

/* Fields: username, display_name, role, unit; password separately (>= 10 characters). */
int yh_staff_add(yh_db *db, const yh_actor *a, const yh_fields *in, const char *password,
	char **out, yh_err *err);
int yh_staff_list(yh_db *db, const yh_actor *a, char **out, yh_err *err);
int yh_staff_set_disabled(yh_db *db, const yh_actor *a, const char *username, int disabled, yh_err *err);
/* Admins set anyone's password; others only their own. Revokes the user's sessions. */
int yh_staff_passwd(yh_db *db, const yh_actor *a, const char *username, const char *password, yh_err *err);

/*
 * Verifies name + password (rate-limited per account and per address,
 * locked out after repeated failures) and issues a bearer token, written to
 * token (at least 64 bytes). *out: JSON with the session's expiry and the
 * staff member. YH_EUNAUTH on bad credentials, YH_ELIMIT when locked out.
 */
int yh_session_login(yh_db *db, const char *username, const char *password, const char *address,
	char *token, size_t tokensz, char **out, yh_err *err);
/*
 * Password hashes (Argon2id, 64 MiB each) computed or checked at most one per
 * CPU at a time; limit is that number, peak the most that ever ran at once.
 */
void yh_pwhash_usage(int *limit, int *peak);
/* Another limit (tests); the peak restarts from the hashes running now. */
void yh_pwhash_limit_set(int limit);
/* Resolves a bearer token to its actor. YH_EUNAUTH when unknown, expired, revoked or disabled. */
int yh_session_resolve(yh_db *db, const char *token, yh_actor *out, yh_err *err);
/* Revokes the given token (own session), or all sessions of username (admin). */
int yh_session_revoke(yh_db *db, const yh_actor *a, const char *token, const char *username, yh_err *err);

/*
 * Session generation of this process: a counter that moves whenever a
 * session may have lost its validity here (revoked, user disabled, password
 * changed). A cache of resolved sessions (the daemon's, src/http/server.c)
 * reads it before resolving and trusts an entry only while it is unchanged.
 * yh_session_changed() moves it (the core calls it after such a change
 * commits; the daemon again after the request that made it).
 */
uint64_t yh_session_generation(void);
void yh_session_changed(void);

#endif
