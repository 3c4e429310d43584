/*
 * activity.h - the activity register: study sessions, volunteer teams and
 * activities, exhibitions, interviews, symposia, suggestions, training ...
 * so that the report's counts come from records, not from typing.
 *
 * Reads need YH_P_EVAL_READ, writes YH_P_EVAL_WRITE; records outside the
 * actor's unit subtree are YH_EFORBIDDEN. Every write is audited.
 */
#ifndef YH_ACTIVITY_H
#define YH_ACTIVITY_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* Activity types (code, label, count unit, quantity label) as a JSON array. Caller frees. */
int yh_activity_types(yh_db *db, const yh_actor *a, char **out, yh_err *err);

/*
 * Records an activity. Fields: type, title, held_on (YYYY-MM-DD), unit (code)
 * required; participants, quantity (default 1: what the record counts, e.g.
 * 200 works shown), funding_fen or funding_yuan, evidence, note.
 * *out: the record. Caller frees.
 */
int yh_activity_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/* Changes fields of activity id (uuid). Same fields as add. */
int yh_activity_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in, char **out, yh_err *err);
int yh_activity_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);
/* Deletes the record (the audit row keeps its content). */
int yh_activity_delete(yh_db *db, const yh_actor *a, const char *id, yh_err *err);
/*
 * Lists activities. Filters (all optional): year, from, to, type, unit,
 * limit (default 100, at most 1000), offset. *out: {"items": [...], "total": n}.
 */
int yh_activity_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err);

/*
 * Tallies per type between from and to (inclusive ISO dates) over unit's
 * subtree (unit code, or NULL for the actor's scope): for every type,
 * "activities.<type>.count" (records), ".quantity", ".participants" and
 * ".funding_fen". Caller frees *out.
 */
int yh_activity_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err);
/* The records behind one activities.* figure, as a JSON array. Caller frees. */
int yh_activity_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err);

#endif
