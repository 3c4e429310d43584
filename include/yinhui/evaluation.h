/*
 * evaluation.h - the annual self-evaluation (部门整体支出绩效自评): every
 * figure computed from the records, the indicator table scored, rendered as
 * text, JSON, CSV, XLSX or a print-ready HTML report, and finalised as a
 * hashed snapshot that later record changes never alter.
 *
 * An evaluation is identified by (year, unit); unit is a unit code, or NULL
 * for the actor's default (the root unit for admin and auditor, else the
 * actor's own unit). Reads need YH_P_EVAL_READ; finalise and reopen need
 * YH_P_EVAL_FINALISE; a unit outside the actor's scope is YH_EFORBIDDEN.
 */
#ifndef YH_EVALUATION_H
#define YH_EVALUATION_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/*
 * The evaluation document as JSON: unit, period, status ("draft" or
 * "finalised" with hash and who/when), indicators (tree order, each with
 * target, actual, completion, points, computed and awarded score), total
 * (score, grade), figures (code -> value), texts, warnings. A finalised
 * evaluation returns its snapshot, which also holds the reconciliation and
 * the monthly series (a draft computes those for the html and xlsx
 * renderings and yh_eval_reconciliation only). Caller frees *out.
 */
int yh_eval_show(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/*
 * Renders the evaluation: format "json", "text", "csv", "xlsx" or "html".
 * *out (caller frees) holds *len bytes (XLSX is binary; the others UTF-8 and
 * NUL-terminated); *ctype is a static content type.
 */
int yh_eval_render(yh_db *db, const yh_actor *a, int year, const char *unit, const char *format,
	char **out, size_t *len, const char **ctype, yh_err *err);

/*
 * Freezes figures, scores and justifications as a snapshot with its SHA-256
 * (audited "evaluation.finalise"). YH_ECONFLICT when already finalised
 * (exactly one of concurrent callers wins) or while a roster reconciliation
 * difference is unexplained. *out: {year, unit, hash, finalised_at}.
 */
int yh_eval_finalise(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);
/* Reopens a finalised evaluation; reason is required. Audited "evaluation.reopen". */
int yh_eval_reopen(yh_db *db, const yh_actor *a, int year, const char *unit, const char *reason,
	char **out, yh_err *err);
/* What would change if the finalised evaluation were computed again. YH_ENOTFOUND when not finalised. */
int yh_eval_diff(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/*
 * The records behind one figure code (budget.*, activities.*, visits.*,
 * obligations.*, subsidies.*, branches.*, roster.* ...) or behind an
 * indicator code's figure, as {"code", "label", "value", "records": [...]}.
 */
int yh_eval_explain(yh_db *db, const yh_actor *a, int year, const char *unit, const char *code,
	char **out, yh_err *err);

/* The roster reconciliation of the year with each difference's explanation (if any). */
int yh_eval_reconciliation(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);
/*
 * Explains one difference: fields unit, category, rank, explanation.
 * YH_EINVAL when there is no such non-zero difference. Audited "reconcile.explain".
 */
int yh_eval_reconcile_explain(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out,
	yh_err *err);

/*
 * Sets a prose section of the report (functions, organisation, goals,
 * budget_notes, process, analysis, problems, measures, other); an empty body
 * removes it. Audited "evaluation.text". YH_P_EVAL_WRITE.
 */
int yh_eval_text_set(yh_db *db, const yh_actor *a, int year, const char *unit, const char *section,
	const char *body, yh_err *err);

/*
 * Loads the sample bureau (admin only): units, a few hundred cadres and
 * survivors marked 示例, a year of visits, obligations, subsidy batches,
 * branch allowances, the seed's budget figures and activities for year.
 * Refuses (YH_ECONFLICT) when the database holds any real record or the demo
 * is already loaded. *out: a summary. Caller frees.
 */
int yh_demo_load(yh_db *db, const yh_actor *a, int year, char **out, yh_err *err);

#endif
