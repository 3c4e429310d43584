/*
 * pay.h - the subsidy clerks' module: programmes with effective-dated rates,
 * enrolments (bank accounts sealed, masked everywhere but the bank file),
 * proof of life, payment batches that never pay anyone twice for the same
 * programme and period, the bank's payroll file (代发) and its result file,
 * re-issues and reversals, party branches and the secretary allowance, and
 * the figures the self-evaluation reads.
 *
 * Conventions (as in the rest of the core): every function returns 0 or a
 * negative yh_code and fills err (field names the offending input). Reads
 * return JSON text built by PostgreSQL in *out, which the caller frees;
 * *out is NULL on failure. Writes take a yh_fields bag (validated against a
 * static spec: unknown fields are YH_EINVAL), run in one transaction and add
 * exactly one audit row. Money is integer fen in every "..._fen" member,
 * with the yuan text beside it. References: programmes by code or id,
 * everything else by its id (UUID); persons by their roster id.
 *
 * Permissions: YH_P_PAY_READ reads, YH_P_PAY_WRITE (admin, clerk) writes,
 * YH_P_PAY_APPROVE (approver) approves. A clerk of a sub-unit sees and pays
 * only beneficiaries in the unit's subtree: other records are YH_EFORBIDDEN.
 */
#ifndef YH_PAY_H
#define YH_PAY_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* ---- programmes ---------------------------------------------------------- */

/*
 * Creates a programme. Fields: code, name, budget_line, period (monthly |
 * quarterly | yearly | one_off) required; kind (subsidy | branch_allowance,
 * which must be yearly), purpose (用途, default the name), beneficiary
 * (cadre | survivor | any), categories, relationships (arrays), require_alive,
 * income_test, proof_of_life (bools), proof_due ("MM-DD"), and an opening
 * rate: amount (yuan) or amount_fen, with valid_from (default 1900-01-01).
 * A branch_allowance programme starts with the 书记 rate of 300 yuan/month
 * unless amount is given. YH_ECONFLICT (field code) when the code exists.
 */
int yh_programme_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/* Programmes with their current rates. */
int yh_programme_list(yh_db *db, const yh_actor *a, char **out, yh_err *err);
/* One programme with its full rate history. YH_ENOTFOUND when unknown. */
int yh_programme_get(yh_db *db, const yh_actor *a, const char *programme, char **out, yh_err *err);
/*
 * Adds a rate from a date (history is kept; rates are never edited).
 * Fields: valid_from (required), amount or amount_fen (one required), post
 * (branch allowances: 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 委员), note.
 * YH_ECONFLICT when a rate from that date exists.
 */
int yh_programme_rate_add(yh_db *db, const yh_actor *a, const char *programme, const yh_fields *in,
	char **out, yh_err *err);

/* ---- enrolments ---------------------------------------------------------- */

/*
 * Enrols a beneficiary. Fields: programme, person (id), start_on, account,
 * bank_name required; holder_name (户名, default the person's name), end_on,
 * income_ok, note. The account number is sealed, indexed and masked.
 * YH_EFORBIDDEN for a person outside the actor's unit subtree; YH_ECONFLICT
 * (start_on) when already enrolled for part of that time.
 */
int yh_enrol_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/*
 * Enrolments with their status for a period: "payable" or "stopped" with
 * the reason (not_started, ended, deceased, transferred_out, not_eligible,
 * income_test, proof_of_life_overdue, no_rate). Filters: programme, period
 * (default: the current one of each programme), date (one-off programmes),
 * person, status.
 */
int yh_enrol_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err);
int yh_enrol_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);
/* Changes holder_name, account, bank_name, income_ok or note. */
int yh_enrol_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/* Ends an enrolment: end_on (last covered day) and reason required. YH_ECONFLICT if ended. */
int yh_enrol_end(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/* Records a proof of life (生存认证): verified_on (not in the future), method, note. */
int yh_enrol_proof(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/* ---- batches ------------------------------------------------------------- */

/*
 * Generates a draft batch: one line per beneficiary due for programme and
 * period (2022-03, 2022-Q1, 2022, or for one-off programmes a label with
 * date). Fields: programme, period required; date (one-off), note.
 * Beneficiaries already in a live or paid line are left out by the
 * database's unique key, also under concurrent generation.
 * YH_ECONFLICT when nobody is due (nothing is kept then).
 */
int yh_batch_generate(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/* Batches with count and total. Filters: programme, period, state. */
int yh_batch_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err);
/*
 * A batch for review: count, total, control sum, flag counts (holder name
 * differs from the beneficiary, account shared by different beneficiaries,
 * characters GBK cannot carry), whether a meeting reference is needed, and
 * its first `lines` lines (0 = none, -1 = all) with their flags.
 */
int yh_batch_get(yh_db *db, const yh_actor *a, const char *id, long lines, char **out, yh_err *err);
/*
 * draft -> approved by an approver who did not generate it (YH_EFORBIDDEN).
 * Fields: meeting_ref (required above the threshold, YH_EINVAL), control_sum
 * (optional: must match the reviewed batch), note. YH_ECONFLICT when the
 * batch is no longer a draft.
 */
int yh_batch_approve(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/* draft|approved -> cancelled; its lines are released. Field: reason. */
int yh_batch_cancel(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);

/* Bank file formats for yh_batch_export(). */
typedef struct yh_bankfile_opts {
	int format;           /* YH_TABLE_CSV or YH_TABLE_XLSX */
	const char *encoding; /* CSV: "utf-8-bom" (default) or "gbk" */
	const char *path;     /* where to write ("-": stdout, CSV only) */
} yh_bankfile_opts;

/*
 * approved|exported -> exported: writes the payroll file (序号, 姓名(户名),
 * 证件类型, 证件号码, 收款账号, 开户行, 金额(元), 用途, 期间, 业务流水号 and
 * a trailer with 总笔数 and 总金额). ID and account numbers are decrypted
 * only here; the export is audited. A name GBK cannot carry is YH_EINVAL
 * when exporting as GBK. *out: summary JSON.
 */
int yh_batch_export(yh_db *db, const yh_actor *a, const char *id, const yh_bankfile_opts *o,
	char **out, yh_err *err);
/*
 * exported -> settled: every line still pending is paid under the bank's
 * reference. Fields: bank_ref required, paid_on (default today).
 */
int yh_batch_settle(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/*
 * Imports the bank's result file for an exported batch: CSV with a header
 * naming 业务流水号, 状态 (成功 | 失败), 原因 and 银行流水号 (English
 * names ref, status, reason, bank_ref also accepted). encoding NULL detects
 * UTF-8 or GBK. Lines already carrying the same result are left as they are;
 * a different result for a line is YH_ECONFLICT. The batch is settled when
 * no line is pending. paid_on may be NULL (today).
 */
int yh_batch_result(yh_db *db, const yh_actor *a, const char *id, const char *data, size_t len,
	const char *encoding, const char *paid_on, char **out, yh_err *err);
/*
 * Re-issues the failed lines of a batch in a new draft batch, each with its
 * original reference and amount and the enrolment's current bank account.
 * YH_ECONFLICT when no failed line awaits re-issue.
 */
int yh_batch_reissue(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/*
 * Reverses a paid line by a compensating negative line referencing it.
 * Fields: reason required; amount or amount_fen (default: all that is not
 * yet reversed). YH_ECONFLICT when the line is not paid or fully reversed.
 */
int yh_payment_reverse(yh_db *db, const yh_actor *a, const char *ref, const yh_fields *in,
	char **out, yh_err *err);

/* ---- party branches ------------------------------------------------------ */

/*
 * Fields: name, type (党委 | 总支 | 支部 | 临时支部), unit required;
 * member_count, founded_on, term_end, dissolved_on, note.
 */
int yh_branch_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);
/* Changes name, member_count, founded_on, term_end, dissolved_on or note. */
int yh_branch_update(yh_db *db, const yh_actor *a, const char *id, const yh_fields *in,
	char **out, yh_err *err);
/* Branches with secretary, term status. Filters: unit, type, dissolved (bool). */
int yh_branch_list(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err);
/* One branch with its posts. */
int yh_branch_get(yh_db *db, const yh_actor *a, const char *id, char **out, yh_err *err);
/* Appoints: person, post, from_on required; to_on. YH_ECONFLICT on an overlapping 书记. */
int yh_branch_post_add(yh_db *db, const yh_actor *a, const char *branch, const yh_fields *in,
	char **out, yh_err *err);
/* Ends a post: to_on required. post_id is the post's id. */
int yh_branch_post_end(yh_db *db, const yh_actor *a, const char *post_id, const yh_fields *in,
	char **out, yh_err *err);
/*
 * The secretary allowance a year would pay, per person (months in post,
 * highest post per month), without generating anything. Fields: programme
 * (kind branch_allowance), year.
 */
int yh_branch_allowance(yh_db *db, const yh_actor *a, const yh_fields *q, char **out, yh_err *err);

/* ---- figures ------------------------------------------------------------- */

/*
 * Figures for periods starting within [from, to] (ISO dates, inclusive) in
 * the subtree of unit (a unit code; NULL = the actor's scope), optionally
 * for one programme (code or id, NULL = all): subsidies.amount_fen (paid net
 * of reversals), subsidies.payments (人次: paid lines not fully reversed),
 * subsidies.beneficiaries, branches.allowance_branches,
 * branches.allowance_secretaries, branches.allowance_amount_fen,
 * payments.failed, payments.reissued, payments.reversals, budget_lines
 * (object: budget line -> fen paid net). Money in integer fen.
 */
int yh_pay_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err);
int yh_pay_figures_programme(yh_db *db, const yh_actor *a, const char *from, const char *to,
	const char *unit, const char *programme, char **out, yh_err *err);
/* The records behind one figure code, as a JSON array. YH_ENOTFOUND (field code) if unknown. */
int yh_pay_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err);
int yh_pay_figure_records_programme(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, const char *programme, char **out, yh_err *err);

#endif
