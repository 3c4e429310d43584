/*
 * roster.h - the cadre roster: cadres and survivors (遗属) in one person
 * table, their import and export, and the headcount figures.
 *
 * Every function authorises the actor (yh_authz) and bounds what it sees by
 * the actor's unit subtree; a person who exists outside it is YH_EFORBIDDEN.
 * Reads return JSON text built by PostgreSQL in *out (the caller frees it,
 * NULL on failure). Every write runs in one transaction with exactly one
 * audit row. ID numbers leave the core masked ("440802********001X") except
 * where a function says otherwise.
 *
 * Person fields (API names; the CLI spells them --kebab-case):
 *   kind (cadre|survivor, fixed), cadre (survivor: the cadre's id, fixed),
 *   relationship (配偶|子女|父母|其他), name, gender (M|F|男|女, defaults
 *   from the ID number), id_number (18 digits, or 15 upgraded), birth_date
 *   (defaults from the ID number), category (离休|退休|企业离休|
 *   建国初期参加工作的退休干部), former_employer, rank, joined_on,
 *   retired_on, unit (unit code), district, address, phones
 *   ([{number,label,is_primary}] or "138...;0759-..."), emergency_contacts
 *   ([{name,relationship,phone}]), living_situation (独居|空巢|与子女同住|
 *   养老机构), care_level (自理|半失能|失能), remote, party_member,
 *   added_on (joined this roster, default today), note.
 * deceased_on is set only by the casework module's death event, and
 * transferred_out_on only by yh_roster_transfer_out().
 */
#ifndef YH_ROSTER_H
#define YH_ROSTER_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

#define YH_ROSTER_PAGE_MAX 200

/*
 * Creates a cadre or a survivor from fields. *out: the person JSON.
 * YH_EINVAL (field named) for bad input, YH_ECONFLICT (field "id_number")
 * when the ID number is on file already, YH_EFORBIDDEN for a unit or cadre
 * outside the actor's units or a role without roster.write.
 */
int yh_roster_create(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

/*
 * One person by id (UUID) or by ID number. reveal_idno: show the full ID
 * number, which needs idno.read (else YH_EFORBIDDEN) and is audited as
 * "person.read_idno". YH_ENOTFOUND, YH_EFORBIDDEN (outside the actor's units).
 */
int yh_roster_show(yh_db *db, const yh_actor *a, const char *id, int reveal_idno, char **out, yh_err *err);

/* yh_roster_show() without reveal, in the shape the HTTP layer calls. */
int yh_roster_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);

/*
 * Changes only the given fields (PATCH). Gender and birth date follow a new
 * ID number unless given. deceased_on and transferred_out_on are refused
 * with a message naming the operation that sets them. *out: the person.
 * Codes as yh_roster_create(), plus YH_ENOTFOUND.
 */
int yh_roster_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/*
 * Lists persons. Filters (all optional): unit (code; its subtree), category,
 * kind (cadre (default)|survivor|all), min_age, max_age, age_on (date for
 * the ages, default today), living_situation, care_level, remote,
 * party_member, alive, active (alive and not transferred out), q (name
 * prefix or exact ID number), limit (1..200, default 50), offset.
 * *out: {"items":[...],"total":N,"limit":L,"offset":O}.
 */
int yh_roster_list(yh_db *db, const yh_actor *a, const yh_fields *filters, char **out, yh_err *err);

/* Persons of any kind whose name starts with q, or whose ID number is q. Same shape as list. */
int yh_roster_search(yh_db *db, const yh_actor *a, const char *q, int limit, char **out, yh_err *err);

/* The survivors linked to a cadre, as a JSON array. YH_ENOTFOUND, YH_EFORBIDDEN. */
int yh_roster_survivors(yh_db *db, const yh_actor *a, const char *cadre_id, char **out, yh_err *err);

/*
 * Records that a person left the bureau's roster (迁出). Fields: date
 * (required, not in the future, not before added_on), to (where to), note.
 * YH_ECONFLICT when already transferred out or deceased. *out: the person.
 */
int yh_roster_transfer_out(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/* Import progress: phase ("validate" while rows are checked, "apply" once written), rows done of total. */
typedef void (*yh_roster_progress_fn)(void *arg, const char *phase, size_t done, size_t total);

/*
 * Imports cadres from a CSV file held in buf (UTF-8 with or without BOM,
 * or GBK/GB18030; detected when encoding is NULL, else "utf-8"/"gbk"/...).
 * The first line holds the column names, Chinese (姓名, 身份证号码, ...) or
 * the English field names. default_unit (a unit code, may be NULL) is used
 * for rows without 单位; the actor's own unit otherwise.
 * All or nothing: every row is checked first; with any bad row nothing is
 * written and the function returns YH_EINVAL, *out then holding
 * {"imported":false,"errors":[{"line","column","field","message"}...]}.
 * Rows are matched on the ID number: new ones are created, changed ones
 * updated (only the columns present in the file), unchanged ones are not
 * touched. The import is one operation with one audit row, "person.import":
 * after = counts and the ids of created and updated persons, before = the
 * updated persons as they were (ID numbers masked). A file that changes
 * nothing still leaves that one row, and no other.
 * On success *out: {"imported":true,"rows","created","updated","unchanged",
 * "encoding"}. progress may be NULL.
 */
int yh_roster_import(yh_db *db, const yh_actor *a, const char *buf, size_t len,
	const char *encoding, const char *default_unit, yh_roster_progress_fn progress, void *progress_arg,
	char **out, yh_err *err);

/* Export options. */
typedef struct yh_roster_export_opts {
	const char *unit;     /* unit code (subtree) or NULL for the actor's scope */
	const char *category; /* or NULL */
	int format;           /* YH_TABLE_CSV (default) or YH_TABLE_XLSX */
	int encoding;         /* CSV: YH_ENC_UTF8_BOM (default), YH_ENC_UTF8, YH_ENC_GBK, YH_ENC_GB18030 */
	int masked;           /* 1: mask ID numbers even for roles that may read them */
} yh_roster_export_opts;

/*
 * Writes the active cadres in the import's columns (Chinese headers) to path
 * ("-" = stdout, CSV only). ID numbers are full for roles with idno.read
 * (then the export is audited as "person.export") unless opts->masked.
 * *rows gets the number of persons written.
 */
int yh_roster_export(yh_db *db, const yh_actor *a, const yh_roster_export_opts *opts, const char *path,
	size_t *rows, yh_err *err);

/* As yh_roster_export() into memory: *out (caller frees) of *len bytes. */
int yh_roster_export_buffer(yh_db *db, const yh_actor *a, const yh_roster_export_opts *opts,
	char **out, size_t *len, yh_err *err);

/*
 * Headcount of cadres for the evaluation, from and to inclusive ISO dates,
 * unit a unit code or NULL (the actor's scope). A cadre leaves the roster
 * on the earlier of deceased_on and transferred_out_on (death wins a tie),
 * so roster.start + roster.added - roster.deceased - roster.transferred_out
 * = roster.end always holds. *out: {"roster.start":N, ...}.
 */
int yh_roster_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err);

/* The cadres behind one figure code, as a JSON array. YH_EINVAL (field "code") for an unknown code. */
int yh_roster_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err);

/*
 * Records the year-end headcount (年末实有) of year: every cadre on the
 * roster on 12-31, with category and rank, for the units in unit's subtree
 * (NULL: the actor's scope). Only once per year and unit (YH_ECONFLICT);
 * only after the year has ended (YH_EINVAL). Audited "roster.year_close".
 * *out: {"year","unit","persons"}.
 */
int yh_roster_year_close(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

/*
 * Reconciles the headcount of year per category and rank:
 * 上年末实有 (the recorded year end of year-1 when there is one, else
 * computed from dates) + 本年新增 - 本年去世 - 迁出 = 应有, against 实有
 * (on the roster at the end of year, or today for the running year).
 * *out: {"year","unit","as_of","start_source","rows":[{category, rank,
 * start, added, deceased, transferred_out, expected, actual, difference}],
 * "totals":{...},"differences":[{person, reason}...]}.
 */
int yh_roster_reconcile(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err);

#endif
