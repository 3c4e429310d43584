/*
 * casework.h - the caseworkers' module: care plans (一人一策, 关爱档案), the
 * visit log with amendments, events, must-visit obligations (六必访), the
 * worklist and the casework figures.
 *
 * Every function authorises the actor (reads: YH_P_CASE_READ, writes:
 * YH_P_CASE_WRITE) and bounds it by its unit subtree: a record outside it is
 * YH_EFORBIDDEN, an unknown id YH_ENOTFOUND. Reads return JSON text built by
 * PostgreSQL in *out, which the caller frees (NULL on failure). Writes are
 * audited in their transaction (one audit row each). Persons, visits,
 * obligations and events are named by their public UUIDs.
 *
 * Dates are date-only in Asia/Shanghai; "today", due and overdue come from
 * the one SQL function yh.today() (migrations/0010_casework.sql). A visit
 * at 23:30 on the due date is on time. Other codes: YH_EINVAL (err->field
 * names the field, nested as "follow_ups[0].due_on"), YH_ECONFLICT (state
 * machine, already recorded), YH_EUNAVAILABLE (database).
 */
#ifndef YH_CASEWORK_H
#define YH_CASEWORK_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* ---- care plans ---------------------------------------------------- */

/*
 * The current plan of person (UUID), with its measures, the person's phones
 * and emergency contacts (from the roster) and "review_overdue".
 * YH_ENOTFOUND when the person has no plan yet.
 */
int yh_plan_show(yh_db *db, const yh_actor *a, const char *person, char **out, yh_err *err);

/*
 * Creates or revises person's plan (a partial update: absent fields keep
 * their value). Fields: health, chronic_illness, care_level (自理 半失能
 * 失能), cognition (正常 轻度障碍 中度障碍 重度障碍), living_situation (独居
 * 空巢 与子女同住 养老机构 异地), family_support, finances, housing, mood,
 * difficulty_tags (array of 经济 医疗 照护 住房 精神慰藉), caseworker (a
 * staff username, 结对联系人; "me" for the actor), next_review_on, reviewed
 * (true: reviewed today, next review in setting plan.review_months, default
 * 3), care_file + care_file_reason (关爱档案), note, measures (array of
 * {what, owner, due_on, status open|done|dropped}; with "id" an item changes
 * that measure). A new plan's next review defaults to today + review months.
 * Every call adds a revision (who, when, full snapshot). *out: the plan.
 */
int yh_plan_set(yh_db *db, const yh_actor *a, const char *person, const yh_fields *in,
	char **out, yh_err *err);

/* Revisions of person's plan, newest first: [{revision, at, by, plan}]. */
int yh_plan_history(yh_db *db, const yh_actor *a, const char *person, char **out, yh_err *err);

/* ---- visits --------------------------------------------------------- */

/*
 * Logs a visit. Fields: person (UUID, required), visited_at (ISO date-time,
 * no zone = Asia/Shanghai, required), occasion (重大节日 重要生日 重病住院
 * 酷暑严寒 遇到困难 临终去世 日常联系 送医上门 送学上门 调研访谈, required),
 * mode (上门 医院 电话 视频, required), staff (array of usernames; default the
 * actor), condolence_fen or condolence_yuan, goods, findings, follow_ups
 * (array of {action, owner, due_on, status}), obligation (UUID: link
 * explicitly; otherwise the most urgent open obligation of the same occasion
 * whose window holds the visit day is met automatically).
 * One statement (insert, follow-ups, matching, audit): the hot path.
 * *out: the visit with "obligations_met".
 */
int yh_visit_create(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

/* The current view of visit id, with "amendments" (oldest first). */
int yh_visit_show(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);

/*
 * Corrects visit id: reason (required) and any of visited_at, occasion,
 * mode, staff, condolence_fen|condolence_yuan, goods, findings, follow_ups
 * (items with "id" change that follow-up, e.g. its status; without add one).
 * The visit is never overwritten silently: an amendment row keeps from/to
 * of each changed field, who, when and why. YH_EINVAL when nothing changes.
 * *out: the corrected visit with "amendment".
 */
int yh_visit_amend(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/* Amendment history of visit id, oldest first. */
int yh_visit_amendments(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);

/* Visits in scope, newest first. Filters: person, from, to, occasion, mode, limit (<= 1000, default 100). */
int yh_visit_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err);

/* ---- events and obligations ---------------------------------------- */

/*
 * Records an event and opens the obligations it implies, in one transaction.
 * Fields: type (hospitalised serious_illness discharged hardship weather
 * death, required), date (required), person (UUID; all but weather), ends_on
 * and district (weather only; no district = whole city), note.
 *   hospitalised/serious_illness: 重病住院 visit due in obligation.illness_days (3);
 *   discharged: 重病住院 check-in due in obligation.discharge_days (7);
 *   hardship: 遇到困难 visit due in obligation.hardship_days (7);
 *   weather: 酷暑严寒 for the vulnerable (age >= vulnerable.age (80), 独居/空巢,
 *     失能, 居住偏远) in the actor's scope and the district;
 *   death: sets the person's deceased_on, cancels their open obligations,
 *     opens the 临终去世 bereavement visit (cadres; due in
 *     obligation.death_days, 3), returns the survivors it makes eligible
 *     ("survivors_eligible"). Subsidies stop from the next period because
 *     payment batches read person.deceased_on: no call is needed.
 * YH_ECONFLICT when the person is already deceased (or transferred out).
 */
int yh_event_record(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

/* Events in scope, newest first. Filters: person, type, from, to, limit. */
int yh_event_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err);

/* Obligations in scope by due date. Filters: person, state, occasion, from, to (due dates), limit. */
int yh_obligation_list(yh_db *db, const yh_actor *a, const yh_fields *filter, char **out, yh_err *err);

/* One obligation. */
int yh_obligation_show(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);

/*
 * State changes of obligation id: open -> met | waived | cancelled, nothing
 * leaves those. meet: field visit (UUID of a visit of the same person);
 * waive and cancel: field reason (required). Safe under concurrency: of
 * racing callers exactly one wins, the others get YH_ECONFLICT.
 */
int yh_obligation_meet(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
int yh_obligation_waive(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
int yh_obligation_cancel(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/*
 * Generates calendar obligations due from..through for the active persons in
 * the actor's scope. Fields: through (required), from (default today);
 * at most 50 years, within 1901..2099. Festivals come from the active rules
 * of yh.festival_rule (yinhui/festival.h, read as they are when generation
 * runs; date computed by yinhui/calendar.h, then one INSERT ... SELECT over the
 * groups the rule covers); important birthdays of cadres from the settings
 * birthday.* (default 逢五逢十 from 70 and every year from 100, 周岁,
 * Gregorian). Never duplicates: running again inserts nothing new.
 * *out: {"from", "through", "festival": n, "birthday": n}.
 */
int yh_obligation_generate(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

/* ---- worklist ------------------------------------------------------- */

typedef struct yh_worklist_filter {
	const char *unit;       /* unit code: that subtree (must be within the actor's); NULL = actor's scope */
	const char *caseworker; /* username (or "me"): persons whose plan names them */
	int within_days;        /* due within N days from today (default 14), overdue always included */
	int overdue_only;       /* only what is past due */
	int limit;              /* rows per section (default 100, at most 2000) */
} yh_worklist_filter;

/* Defaults: whole scope, 14 days, not only overdue, 100 rows a section. */
void yh_worklist_filter_init(yh_worklist_filter *f);

/*
 * Fills f (borrowing strings from in) from the text fields unit,
 * caseworker, within ("14", "14d", "2w"), overdue (true/false) and limit,
 * as both front ends receive them. YH_EINVAL naming the field.
 */
int yh_worklist_filter_parse(yh_worklist_filter *f, const yh_fields *in, yh_err *err);

/*
 * Who must be visited: {"as_of", "items": open obligations of active persons
 * (kind "obligation": person, occasion, title, due_on, days_overdue,
 * address, phones, caseworker, last visit), "total", "reviews": plans due
 * for review, "reviews_total", "follow_ups": visit follow-ups and plan
 * measures due, "follow_ups_total"}. Each section ordered by urgency
 * (overdue first, then due date). Deceased and transferred-out persons never
 * appear as someone to visit; the one row about a deceased person is the
 * open 临终去世 bereavement visit, which goes to the family (listed in
 * "family").
 */
int yh_worklist(yh_db *db, const yh_actor *a, const yh_worklist_filter *f, char **out, yh_err *err);

/* ---- figures -------------------------------------------------------- */

/*
 * Casework figures for from..to (inclusive ISO dates) and the subtree of
 * unit (a code; NULL = the actor's scope), as a JSON object of codes:
 * visits.count (人次), visits.persons (人数), visits.illness (重病住院 or in
 * hospital), visits.by_occasion, visits.by_mode (objects), visits.condolence_fen;
 * obligations due in the period (cancelled ones excluded):
 * obligations.opened, .due (opened - waived), .met, .met_on_time (visit day
 * <= due date), .waived, .open, .coverage_rate (met / due),
 * .timeliness_rate (met on time / due) as {"value": "18.59"} or
 * {"value": null} when nothing was due, .median_days_to_visit (event-based
 * obligations: visit day - event day, {"value": "2.50"}); plans.current and
 * plans.overdue (next review before min(to, today)) of active persons.
 */
int yh_case_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err);

/*
 * The records behind one figure code (drill-down) as a JSON array (at most
 * 10000). For the objects, name the key: "visits.by_occasion.重病住院",
 * "visits.by_mode.电话". YH_EINVAL (field "code") for an unknown code.
 */
int yh_case_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err);

#endif
