/*
 * case_internal.h - what the casework source files share. Private to
 * src/core (plan.c, visit.c, obligation.c, obligation_gen.c, worklist.c,
 * case_figures.c, case_common.c).
 */
#ifndef YH_CASE_INTERNAL_H
#define YH_CASE_INTERNAL_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* Occasions, modes and item states, NULL-terminated (the CHECKs of 0010_casework.sql). */
extern const char *const yh_case_occasions[];
extern const char *const yh_case_must_occasions[];
extern const char *const yh_case_modes[];
extern const char *const yh_case_states[];
extern const char *const yh_case_event_types[];

/*
 * The four leading parameters of the casework SQL functions (actor id,
 * actor name, request id, scope unit id or NULL), in p[0..3].
 */
typedef struct yh_case_ctx {
	char actor_id[24];
	char scope_buf[24];
	const char *p[4];
} yh_case_ctx;

void yh_case_ctx_init(yh_case_ctx *c, const yh_actor *a);

/* 0 when id is a canonical UUID; else YH_ENOTFOUND "no such <what>" (a path id that cannot exist). */
int yh_case_id_check(const char *id, const char *what, yh_err *err);

/*
 * A read by id through sql ($1 id, $2 scope) returning (json, in_scope):
 * the JSON in *out, YH_ENOTFOUND with notfound, or YH_EFORBIDDEN with
 * forbidden when the person is outside the actor's units. what names the
 * record for the id check. The messages are msgids (mark them N_()).
 */
int yh_case_read_scoped(yh_db *db, const yh_actor *a, const char *sql, const char *id, const char *what,
	const char *notfound, const char *forbidden, char **out, yh_err *err);

/*
 * The unit subtree a read covers: the actor's scope, or unit (a code or
 * uid) when given, which must lie within it (YH_EFORBIDDEN otherwise;
 * YH_EINVAL naming "unit" when unknown). *scope is NULL (everything) or
 * points into buf. code_out (may be NULL) receives the unit code or "".
 */
int yh_case_scope(yh_db *db, const yh_actor *a, const char *unit, char buf[24], const char **scope,
	char code_out[48], yh_err *err);

/*
 * Resolves a staff username ("me" = the actor) to its id text in buf.
 * YH_EINVAL naming field when unknown or disabled.
 */
int yh_case_staff_id(yh_db *db, const yh_actor *a, const char *username, const char *field,
	char buf[24], yh_err *err);

/* Parses the "limit" filter: dflt when absent, 1..max. YH_EINVAL naming "limit". */
int yh_case_limit(const yh_values *v, int dflt, int max, char buf[16], yh_err *err);

/*
 * Runs one call of a casework SQL function that writes (and audits) in one
 * statement. A statement is atomic on its own, so outside a caller's
 * transaction no BEGIN/COMMIT round trips are spent on it.
 */
int yh_case_call(yh_db *db, char **out, const char *sql, int nparams, const char *const *params,
	yh_err *err);

#endif
