/*
 * indicator.h - the per-year indicator tree (一级/二级/三级 指标) of the
 * self-evaluation, what each unit records against it, and the scoring rules.
 *
 * A year has one tree, loaded from a shipped template (rows in
 * migrations/0031, not C code) or copied from another year. Definitions
 * (points, targets, rules, sources) belong to the year; manual actuals,
 * qualitative ratings, applicability and awarded points belong to a
 * (indicator, unit) entry. Points and values are decimal text with at most
 * two decimals ("4", "93.8"). Reads need YH_P_EVAL_READ, writes
 * YH_P_EVAL_WRITE; changing a year or unit whose evaluation is finalised is
 * YH_ECONFLICT until it is reopened. Every write is audited.
 */
#ifndef YH_INDICATOR_H
#define YH_INDICATOR_H

#include <stdint.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* Loads template ("department" or "project") as year's tree. YH_ECONFLICT if the year has one. */
int yh_indicator_template_load(yh_db *db, const yh_actor *a, int year, const char *template_name,
	char **out, yh_err *err);
/* Copies from_year's tree (definitions only) to to_year. YH_ECONFLICT if to_year has one. */
int yh_indicator_copy(yh_db *db, const yh_actor *a, int from_year, int to_year, char **out, yh_err *err);
/* The year's tree in order; with unit (code, may be NULL) each row carries that unit's entry. */
int yh_indicator_list(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/*
 * Adds an indicator. Fields: code, name, class, points, rule (sum, positive,
 * reverse, equal, qualitative, budget_execution), source (none, figure,
 * manual) required; parent (code), unit, target_op (>=, <=, =, qualitative),
 * target_value, target_text, figure_code (a known figure code), sort, note.
 */
int yh_indicator_add(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out, yh_err *err);
/* Changes the definition of indicator code (same fields except code and parent). */
int yh_indicator_update(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err);
/* Removes a leaf indicator (YH_ECONFLICT when it has children). */
int yh_indicator_remove(yh_db *db, const yh_actor *a, int year, const char *code, yh_err *err);

/*
 * Records a unit's entry: fields unit (default the actor's unit),
 * manual_value (+ evidence, required for a manual source), rating
 * (achieved, partial, not_achieved; qualitative rules), applicable (+
 * na_reason when false), justification (偏差原因), improvement (改进措施).
 * Audited "indicator.assess". *out: the entry.
 */
int yh_indicator_assess(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err);

/*
 * Awards points by hand, replacing the computed score, never silently:
 * fields unit, points (0..the indicator's points; null clears the
 * override), justification (required with points), improvement.
 * Audited "indicator.override" with the computed and awarded points.
 */
int yh_indicator_override(yh_db *db, const yh_actor *a, int year, const char *code, const yh_fields *in,
	char **out, yh_err *err);

/* ---- scoring (pure; src/core/eval_score.c) ---- */

/* Qualitative ratings as shares of the weight, in percent (configurable, see docs/evaluation.md). */
typedef struct yh_score_bands {
	int achieved_pct, partial_pct, not_achieved_pct;
} yh_score_bands;

typedef struct yh_score_in {
	const char *rule;      /* positive, reverse, equal, qualitative, budget_execution */
	int has_actual;        /* 0: no value (rate not applicable, manual value missing) */
	int64_t actual_x100;   /* actual in hundredths of the target's unit */
	int64_t target_x100;
	int64_t points_x100;
	const char *rating;    /* qualitative rules: achieved, partial, not_achieved or NULL */
	yh_score_bands bands;
} yh_score_in;

typedef struct yh_score_out {
	int has_score;           /* 0 when the indicator cannot be scored (no actual/rating) */
	int64_t score_x100;      /* computed points, half-up, 0..points */
	int has_completion;
	int64_t completion_x100; /* actual ÷ target in percent (positive, equal, budget rules) */
	int met;                 /* 1 target met, 0 not met, -1 unknown */
} yh_score_out;

/*
 * Scores one indicator (domain.md §1.3): positive min(actual/target,1)×w;
 * reverse w if actual ≤ target else target/actual×w (0 when the target is
 * ≤ 0 and missed); equal w if equal else min/max×w; budget_execution
 * min(rate,100%)×w; qualitative band share × w. Negative actuals score as 0
 * where a ratio is needed. Returns 0 or YH_EINVAL (unknown rule).
 */
int yh_score_indicator(const yh_score_in *in, yh_score_out *out);

/*
 * Total of leaf scores with not-applicable indicators dropped and the rest
 * rescaled to the full weight: Σscore × Σpoints(all) ÷ Σpoints(applicable),
 * half-up. applicable[i] = 0 drops leaf i. Returns 0, or YH_RATE_NA (1) when
 * nothing is applicable.
 */
int yh_score_total(const int64_t *score_x100, const int64_t *points_x100, const int *applicable, size_t n,
	int64_t *total_x100);

/*
 * Parses a decimal with at most two places ("93.8", "-100", "0.05") into
 * hundredths. allow_negative 0 refuses a sign. YH_EINVAL naming field.
 */
int yh_decimal_parse_x100(const char *s, int allow_negative, int64_t *out, const char *field, yh_err *err);
/* Writes hundredths as "93.80" (fixed) or, with trim, "93.8" / "50". out holds 32 bytes. */
void yh_decimal_format_x100(char out[32], int64_t v, int trim);

#endif
