/*
 * festival.h - the festival rules (yh.festival_rule): which festivals open
 * must-visit obligations (六必访, 重大节日), for which cadre groups, and how
 * early a visit counts. Obligation generation (yh_obligation_generate)
 * reads the active ones; a change applies to obligations generated after
 * it, never to those already open.
 *
 * A rule (JSON): code (fixed, [a-z0-9][a-z0-9_-]{0,39}), name (1-40
 * characters), spec (a festival code of yh_festival_date() such as
 * "guoqing", "MM-DD", or "L:MM-DD" for a lunar day; calendar.h),
 * categories (null = every cadre, [] = no cadre, else any of 离休 退休
 * 企业离休 建国初期参加工作的退休干部), survivors (eligible 遗属 too),
 * party_members_only, window_days (0-90: a visit counts from that many days
 * before the festival), active, note; with year and date (the day the
 * festival falls on in that year, null when it does not occur).
 *
 * Reading needs YH_P_CASE_READ; changing needs YH_P_SETTINGS_MANAGE (admin:
 * the rules are bureau-wide policy, like the settings). Each change is one
 * transaction with its audit row. Rules are never deleted: set active false.
 * Codes: YH_EFORBIDDEN, YH_EINVAL (err->field names the field),
 * YH_ENOTFOUND (field "code"), YH_ECONFLICT (field "code"), YH_EUNAVAILABLE.
 * *out is JSON text the caller frees (NULL on failure).
 */
#ifndef YH_FESTIVAL_H
#define YH_FESTIVAL_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/*
 * Every rule, active and inactive, ordered by code, each with the date it
 * falls on in year (query field "year", 1901-2099, default this year).
 */
int yh_festival_rule_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err);

/*
 * Adds a rule. Fields: code and name (required), spec (required unless
 * code is a built-in festival: then it defaults to the code and name to the
 * festival's name), categories, survivors, party_members_only (default
 * false), window_days (default 14), active (default true), note.
 * *out: the rule with this year's date.
 */
int yh_festival_rule_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

/*
 * Changes the given fields of rule code (any of add's but code);
 * "active": false deactivates it. YH_EINVAL when no field is given.
 * *out: the rule with this year's date.
 */
int yh_festival_rule_update(yh_db *db, const yh_actor *a, const char *code, const yh_fields *in,
	char **out, yh_err *err);

#endif
