/* pay_internal.h - helpers shared by the files of the pay module. Private to src/core. */
#ifndef YH_PAY_INTERNAL_H
#define YH_PAY_INTERNAL_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* A payment period resolved to its first and last day. */
typedef struct yh_pay_period {
	char label[128]; /* canonical: 2022-03, 2022-Q1, 2022, or the one-off label */
	char start[32]; /* YYYY-MM-DD */
	char end[32];
	char bank[128];  /* 期间 on the bank file: 202203, 2022Q1, 2022, label */
} yh_pay_period;

/*
 * Parses label for a programme period kind (monthly, quarterly, yearly,
 * one_off; one-off needs date). YH_EINVAL naming "period" or "date".
 */
int yh_pay_period_parse(yh_pay_period *out, const char *kind, const char *label, const char *date,
	yh_err *err);
/* The period of kind containing today (one-off: today). */
void yh_pay_period_today(yh_pay_period *out, const char *kind);
/*
 * A batch is paid for a period that has begun or for the next one, never
 * further ahead (2052-Q1 typed for 2025-Q1), by the Beijing date. YH_EINVAL
 * naming "period", with the furthest period allowed; one-off is not checked.
 */
int yh_pay_period_not_ahead(yh_db *db, const yh_pay_period *per, const char *kind, yh_err *err);

/*
 * Looks a programme up by code or id. *out has one row with id, uid, code,
 * name, kind, period, purpose, budget_line. Unknown: YH_EINVAL naming field,
 * or YH_ENOTFOUND when field is NULL.
 */
int yh_pay_programme_find(yh_db *db, const char *ref, const char *field, yh_rows **out, yh_err *err);

/* A record looked up by public id within the actor's scope. */
typedef struct yh_pay_lookup {
	const char *query;   /* $1 the UUID, $2 the actor's scope: one row with a "visible" column */
	int missing_code;    /* YH_ENOTFOUND for a path id, YH_EINVAL for a reference in a body */
	const char *field;   /* named by both errors; NULL for a path id */
	const char *missing; /* "no such batch" (also for a malformed id) */
	const char *outside; /* the YH_EFORBIDDEN message */
} yh_pay_lookup;

/*
 * Runs k->query for id. Malformed or unknown: k->missing_code with k->missing;
 * outside the actor's unit subtree: YH_EFORBIDDEN with k->outside. *out (the
 * row, caller frees) is NULL on any error.
 */
int yh_pay_find_scoped(yh_db *db, const yh_actor *a, const yh_pay_lookup *k, const char *id, yh_rows **out,
	yh_err *err);

/*
 * A read by public id: YH_P_PAY_READ, k's lookup, then get ($1 the internal
 * id) as JSON text in *out (caller frees). Codes of yh_authz, the lookup, get.
 */
int yh_pay_get_scoped(yh_db *db, const yh_actor *a, const yh_pay_lookup *k, const char *get, const char *id,
	char **out, yh_err *err);

/*
 * Looks a batch up by id and checks the actor's scope: YH_ENOTFOUND when
 * unknown, YH_EFORBIDDEN when outside the actor's unit subtree. *out has one
 * row: id, uid, state, programme_id, created_by, period, kind, unit_id.
 */
int yh_pay_batch_find(yh_db *db, const yh_actor *a, const char *id, yh_rows **out, yh_err *err);

/*
 * Looks a person up by roster id within the actor's scope: YH_EINVAL naming
 * field when unknown, YH_EFORBIDDEN when out of scope. *out: id, name, unit_id.
 */
int yh_pay_person_find(yh_db *db, const yh_actor *a, const char *uid, const char *field,
	yh_rows **out, yh_err *err);

/* amount (yuan) or amount_fen from validated values, as fen text in buf; NULL if neither. */
int yh_pay_amount(const yh_values *v, char buf[32], const char **fen, yh_err *err);

/*
 * yh_authz(perm), then the fields in against spec (yh_values_validate; *v
 * caller frees, also on error). Codes of either.
 */
int yh_pay_validate(const yh_actor *a, yh_perm perm, const yh_field_spec *spec, size_t nspec, const yh_fields *in,
	int creating, yh_values **v, yh_err *err);
/* The start of a write: yh_pay_validate(), then yh_db_begin() (end it with yh_pay_finish()). */
int yh_pay_begin(yh_db *db, const yh_actor *a, yh_perm perm, const yh_field_spec *spec, size_t nspec,
	const yh_fields *in, int creating, yh_values **v, yh_err *err);

/* The answer of a failed operation: frees *out and sets it NULL when rc is not 0. */
void yh_pay_discard(int rc, char **out);

/* Commits when rc is 0, else rolls back; returns rc or the commit's code. */
int yh_pay_finish(yh_db *db, int rc, yh_err *err);

/* The actor's staff id as text (for created_by columns). */
void yh_pay_staff(const yh_actor *a, char buf[24]);

/*
 * A batch as JSON members (for json_build_object) with counts and totals
 * summed from its lines (never stored): use with YH_BATCH_FROM, alias b.
 */
#define YH_BATCH_FIELDS \
	"'id', b.uid, 'programme', g.code, 'programme_name', g.name, 'budget_line', g.budget_line," \
	" 'period', b.period, 'period_start', b.period_start, 'period_end', b.period_end, 'kind', b.kind," \
	" 'reissue_of', (SELECT o.uid FROM yh.batch o WHERE o.id = b.reissue_of_batch), 'unit', u.code," \
	" 'state', b.state, 'note', b.note, 'created_by', (SELECT s.username FROM yh.staff s WHERE s.id = b.created_by)," \
	" 'created_at', b.created_at, 'approved_by', (SELECT s.username FROM yh.staff s WHERE s.id = b.approved_by)," \
	" 'approved_at', b.approved_at, 'meeting_ref', b.meeting_ref, 'exported_at', b.exported_at," \
	" 'export_count', b.export_count, 'settled_at', b.settled_at, 'cancelled_at', b.cancelled_at," \
	" 'cancel_reason', b.cancel_reason, 'count', t.n, 'total_fen', t.total, 'total', yh.pay_yuan(t.total)," \
	" 'pending', t.pending, 'paid', t.paid, 'paid_fen', t.paid_fen, 'failed', t.failed, 'failed_fen', t.failed_fen," \
	" 'reversed_fen', t.reversed_fen, 'net_paid_fen', t.paid_fen + t.reversed_fen," \
	" 'net_paid', yh.pay_yuan(t.paid_fen + t.reversed_fen)"
#define YH_BATCH_FROM \
	" FROM yh.batch b JOIN yh.programme g ON g.id = b.programme_id JOIN yh.unit u ON u.id = b.unit_id" \
	" CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE l.kind = 'payment') AS n," \
	"  coalesce(sum(l.amount_fen) FILTER (WHERE l.kind = 'payment'), 0)::bigint AS total," \
	"  count(*) FILTER (WHERE l.kind = 'payment' AND l.status = 'pending') AS pending," \
	"  count(*) FILTER (WHERE l.kind = 'payment' AND l.status = 'paid') AS paid," \
	"  coalesce(sum(l.amount_fen) FILTER (WHERE l.kind = 'payment' AND l.status = 'paid'), 0)::bigint AS paid_fen," \
	"  count(*) FILTER (WHERE l.kind = 'payment' AND l.status = 'failed') AS failed," \
	"  coalesce(sum(l.amount_fen) FILTER (WHERE l.kind = 'payment' AND l.status = 'failed'), 0)::bigint AS failed_fen," \
	"  coalesce(sum(l.amount_fen) FILTER (WHERE l.kind = 'reversal'), 0)::bigint AS reversed_fen" \
	"  FROM yh.payment_line l WHERE l.batch_id = b.id) t"

/* A growable string, for PostgreSQL array literals. */
typedef struct yh_pay_buf {
	char *p;
	size_t len, cap;
	int failed;
} yh_pay_buf;

void yh_pay_buf_add(yh_pay_buf *b, const char *s, size_t n);
void yh_pay_buf_str(yh_pay_buf *b, const char *s);
/* Appends s as one quoted element of an array literal (NULL appends NULL), with the comma. */
void yh_pay_buf_elem(yh_pay_buf *b, const char *s);
void yh_pay_buf_free(yh_pay_buf *b);

#endif
