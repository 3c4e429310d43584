/*
 * budget.h - per-year, per-unit budget figures of the self-evaluation
 * (预算数, 决算收入/支出, 结转结余, 政府采购, 公用经费, 三公经费, 固定资产,
 * 编制/在职) and the figures computed from them.
 *
 * Values are a typed key/value table: (year, unit, item code) -> amount,
 * where an item of kind "fen" holds money in fen (entered as yuan with at
 * most two decimals) and an item of kind "count" holds a head count. The item
 * registry and the figure formulas are data (migrations/0031). Every change
 * is audited. Reads need YH_P_EVAL_READ, writes YH_P_EVAL_WRITE, and the
 * unit must lie in the actor's scope (YH_EFORBIDDEN otherwise).
 */
#ifndef YH_BUDGET_H
#define YH_BUDGET_H

#include "yinhui/actor.h"
#include "yinhui/csv.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* The item registry (code, label, group, kind) as a JSON array. Caller frees *out. */
int yh_budget_items(yh_db *db, const yh_actor *a, char **out, yh_err *err);

/*
 * Sets budget figures of one unit and year, in one transaction and one audit
 * row ("budget.set"). Fields: unit (code; default the actor's unit), note,
 * and either item + one of yuan ("410000.00"), count (integer) or amount_fen,
 * or items: a JSON object {"item": "yuan string" | count integer}.
 * Money with more than two decimals, a yuan value for a count item (or the
 * reverse), an unknown item and a JSON real are YH_EINVAL naming the field.
 * *out: the unit's figures for the year (as yh_budget_list). Caller frees.
 */
int yh_budget_set(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out, yh_err *err);

/* Removes one entered figure (audited "budget.unset"). YH_ENOTFOUND when it was not set. */
int yh_budget_unset(yh_db *db, const yh_actor *a, int year, const char *unit, const char *item, yh_err *err);

/*
 * Imports a CSV with a header row naming the columns year (年度), unit
 * (单位), item (项目), amount (金额/数值, yuan for money items, a whole number
 * for counts) and optionally note (备注). All rows or none (one transaction,
 * one audit row "budget.import"). A bad row is YH_EINVAL with the line number
 * in the message. *out: {"rows": n}. Caller frees.
 */
int yh_budget_import(yh_db *db, const yh_actor *a, yh_csv_reader *csv, char **out, yh_err *err);

/*
 * Entered rows of the year for unit's subtree (unit NULL = the actor's
 * default unit) with labels and yuan text. Caller frees *out.
 */
int yh_budget_list(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/*
 * Budget figures of the year over unit's subtree as a JSON object of figure
 * codes: money in integer fen, counts as integers, rates as
 * {"value":"18.59","num":n,"den":d} (percent, half-up to 2 decimals; value
 * null when the denominator is zero). Caller frees *out.
 */
int yh_budget_figures(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/* The budget rows behind one budget.* figure (drill-down), as a JSON array. Caller frees. */
int yh_budget_figure_records(yh_db *db, const yh_actor *a, const char *code, int year, const char *unit,
	char **out, yh_err *err);

#endif
