/*
 * Commands of the pay module: programme, enrol, batch, branch and payments.
 * Each parses flags into fields, calls one core function (yinhui/pay.h)
 * and prints; --json prints the core's JSON as it is.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "yinhui/pay.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

typedef int (*id_fn)(yh_db *, const yh_actor *, const char *, const yh_fields *, char **, yh_err *);
typedef int (*get_fn)(yh_db *, const yh_actor *, const char *, char **, yh_err *);

static const char *const programme_cols[] = { "code", "name", "kind", "period", "budget_line", "current_rate_fen",
	"enrolled", NULL };
static const char *const enrol_cols[] = { "name", "programme", "period", "status", "reason_text", "amount", "account",
	"unit", "id", NULL };
static const char *const batch_cols[] = { "id", "programme", "period", "kind", "state", "count", "total", "unit",
	"created_by", "approved_by", NULL };
static const char *const line_cols[] = { "serial", "name", "holder_name", "account", "bank_name", "amount", "status",
	"flags", "ref", NULL };
static const char *const branch_cols[] = { "name", "type", "unit", "secretary", "committee", "member_count",
	"term_end", "term_status", "id", NULL };
static const char *const allowance_cols[] = { "name", "months", "amount", "enrolled", "person", NULL };
static const char *const record_cols[] = { "period", "programme", "name", "kind", "amount", "status", "ref", NULL };

/* --<idflag> ID, the other flags -> fields -> fn(id, fields) -> print. */
static int run_id(yh_cli *c, int argc, char **argv, const char *idflag, id_fn fn, const char *const *cols, yh_err *err)
{
	const char *skip[2] = { idflag, NULL };
	const char *id = yh_cli_flag(argc, argv, idflag);
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	if (id == NULL)
		return yh_err_set(err, YH_EUSAGE, idflag, "--%s is required", idflag);
	rc = yh_cli_fields(argc, argv, skip, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, id, f, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, cols);
	free(out);
	yh_fields_free(f);
	return rc;
}

/* --<idflag> ID -> fn(id) -> print. */
static int run_get(yh_cli *c, int argc, char **argv, const char *idflag, get_fn fn, yh_err *err)
{
	const char *id = yh_cli_flag(argc, argv, idflag);
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	if (id == NULL)
		return yh_err_set(err, YH_EUSAGE, idflag, "--%s is required", idflag);
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, id, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

/* An object with a list member: the object's other members, then the list as a table. */
static void print_with_table(const yh_cli *c, const char *json, const char *member, const char *const *cols)
{
	json_t *doc, *list;
	char *head, *rows;

	if (c->json) {
		yh_cli_print(c, json, NULL);
		return;
	}
	doc = json_loads(json, 0, NULL);
	list = json_incref(json_object_get(doc, member));
	json_object_del(doc, member);
	json_object_del(doc, "flagged");
	head = json_dumps(doc, JSON_COMPACT);
	rows = list ? json_dumps(list, JSON_COMPACT) : NULL;
	yh_cli_print(c, head ? head : json, NULL);
	if (rows && json_array_size(list) > 0) {
		printf("\n");
		yh_cli_print(c, rows, cols);
	}
	free(head);
	free(rows);
	json_decref(list);
	json_decref(doc);
}

#define FIELDS_CMD(name, fn, cols) \
	static int name(yh_cli *c, int argc, char **argv, yh_err *err) \
	{ \
		return yh_cli_run_fields(c, argc, argv, fn, cols, err); \
	}
#define ID_CMD(name, flag, fn) \
	static int name(yh_cli *c, int argc, char **argv, yh_err *err) \
	{ \
		return run_id(c, argc, argv, flag, fn, NULL, err); \
	}
#define GET_CMD(name, flag, fn) \
	static int name(yh_cli *c, int argc, char **argv, yh_err *err) \
	{ \
		return run_get(c, argc, argv, flag, fn, err); \
	}

FIELDS_CMD(cmd_programme_add, yh_programme_add, NULL)
GET_CMD(cmd_programme_show, "programme", yh_programme_get)
ID_CMD(cmd_programme_rate, "programme", yh_programme_rate_add)
FIELDS_CMD(cmd_enrol_add, yh_enrol_add, NULL)
GET_CMD(cmd_enrol_show, "id", yh_enrol_get)
ID_CMD(cmd_enrol_update, "id", yh_enrol_update)
ID_CMD(cmd_enrol_end, "id", yh_enrol_end)
ID_CMD(cmd_enrol_proof, "id", yh_enrol_proof)
FIELDS_CMD(cmd_batch_generate, yh_batch_generate, NULL)
FIELDS_CMD(cmd_batch_list, yh_batch_list, batch_cols)
ID_CMD(cmd_batch_approve, "batch", yh_batch_approve)
ID_CMD(cmd_batch_cancel, "batch", yh_batch_cancel)
ID_CMD(cmd_batch_settle, "batch", yh_batch_settle)
ID_CMD(cmd_batch_reissue, "batch", yh_batch_reissue)
ID_CMD(cmd_batch_reverse, "ref", yh_payment_reverse)
FIELDS_CMD(cmd_branch_add, yh_branch_add, NULL)
FIELDS_CMD(cmd_branch_list, yh_branch_list, branch_cols)
GET_CMD(cmd_branch_show, "branch", yh_branch_get)
ID_CMD(cmd_branch_update, "branch", yh_branch_update)
ID_CMD(cmd_branch_post, "branch", yh_branch_post_add)
ID_CMD(cmd_branch_post_end, "post", yh_branch_post_end)

static int cmd_programme_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	(void)argv;
	if (argc > 0)
		return yh_err_set(err, YH_EUSAGE, NULL, "programme list takes no options");
	return yh_cli_run_read(c, yh_programme_list, programme_cols, err);
}

/* --format csv|xlsx writes the list for Excel (yh_cli_output). */
static int cmd_enrol_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	int rc = yh_cli_take_format(c, &argc, argv, err);

	return rc != 0 ? rc : yh_cli_run_fields(c, argc, argv, yh_enrol_list, enrol_cols, err);
}

static int cmd_batch_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *id = yh_cli_flag(argc, argv, "batch"), *lines = yh_cli_flag(argc, argv, "lines");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	long n = 20;
	int rc;

	rc = yh_cli_take_format(c, &argc, argv, err);
	if (rc != 0)
		return rc;
	if (id == NULL)
		return yh_err_set(err, YH_EUSAGE, "batch", "--batch is required");
	if (lines != NULL)
		n = strcmp(lines, "all") == 0 ? -1 : atol(lines);
	else if (c->format)
		n = -1; /* the file is for reviewing the batch: all of it, unless --lines says otherwise */
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_batch_get(db, a, id, n, &out, err);
	if (rc == 0 && c->format)
		rc = yh_cli_output(c, out, line_cols, err); /* the lines */
	else if (rc == 0)
		print_with_table(c, out, "lines", line_cols);
	free(out);
	return rc;
}

static int cmd_batch_export(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *id = yh_cli_flag(argc, argv, "batch"), *fmt = yh_cli_flag(argc, argv, "format");
	yh_bankfile_opts o = { YH_TABLE_CSV, yh_cli_flag(argc, argv, "encoding"), yh_cli_flag(argc, argv, "out") };
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	if (id == NULL || o.path == NULL)
		return yh_err_set(err, YH_EUSAGE, NULL, "--batch and --out are required");
	if (fmt != NULL && strcmp(fmt, "xlsx") == 0)
		o.format = YH_TABLE_XLSX;
	else if (fmt != NULL && strcmp(fmt, "csv") != 0)
		return yh_err_set(err, YH_EUSAGE, "format", "--format is csv or xlsx");
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_batch_export(db, a, id, &o, &out, err);
	if (rc == 0 && strcmp(o.path, "-") == 0)
		fprintf(stderr, "%s\n", out); /* the file went to stdout */
	else if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

static int cmd_batch_result(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *id = yh_cli_flag(argc, argv, "batch"), *file = yh_cli_flag(argc, argv, "file");
	const yh_actor *a;
	char *data = NULL, *out = NULL;
	size_t len = 0;
	yh_db *db;
	int rc;

	if (id == NULL || file == NULL)
		return yh_err_set(err, YH_EUSAGE, NULL, "--batch and --file are required");
	if (yh_file_read(file, 512u * 1024u * 1024u, &data, &len) != 0)
		return yh_err_set(err, YH_ENOTFOUND, "file", "cannot read %s", file);
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_batch_result(db, a, id, data, len, yh_cli_flag(argc, argv, "encoding"),
			yh_cli_flag(argc, argv, "paid-on"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	free(data);
	return rc;
}

static int cmd_branch_allowance(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_fields(argc, argv, NULL, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_branch_allowance(db, a, f, &out, err);
	if (rc == 0)
		print_with_table(c, out, "items", allowance_cols);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_payments_figures(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *code = yh_cli_flag(argc, argv, "code");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0 && code)
		rc = yh_pay_figure_records_programme(db, a, code, yh_cli_flag(argc, argv, "from"),
			yh_cli_flag(argc, argv, "to"), yh_cli_flag(argc, argv, "unit"), yh_cli_flag(argc, argv, "programme"),
			&out, err);
	else if (rc == 0)
		rc = yh_pay_figures_programme(db, a, yh_cli_flag(argc, argv, "from"), yh_cli_flag(argc, argv, "to"),
			yh_cli_flag(argc, argv, "unit"), yh_cli_flag(argc, argv, "programme"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, code ? record_cols : NULL);
	free(out);
	return rc;
}

const yh_cli_cmd yh_cmds_pay[] = {
	{ "programme", "add", cmd_programme_add,
		"yinhui programme add --code CODE --name NAME --budget-line LINE --period monthly|quarterly|yearly|one_off [...]",
		"create a subsidy programme (or a branch allowance) with its opening rate",
		"Options: --kind subsidy|branch_allowance, --purpose 用途, --beneficiary cadre|survivor|any,\n"
		"--categories '[\"企业离休\"]', --relationships '[\"配偶\"]', --require-alive true, --income-test true,\n"
		"--proof-of-life true --proof-due MM-DD, --amount YUAN (or --amount-fen), --valid-from DATE.\n"
		"A branch allowance starts with 书记 at 300 yuan a month.\n\n"
		"Example:\n  yinhui programme add --code widow --name 已故企业离休干部配偶定期困难补助 \\\n"
		"    --budget-line '2080502 离休人员' --period monthly --beneficiary survivor \\\n"
		"    --categories '[\"企业离休\"]' --relationships '[\"配偶\"]' --proof-of-life true --proof-due 03-31 \\\n"
		"    --amount 657.55 --valid-from 2022-01-01" },
	{ "programme", "list", cmd_programme_list, "yinhui programme list", "list programmes with their current rates",
		"Example:\n  yinhui programme list --json" },
	{ "programme", "show", cmd_programme_show, "yinhui programme show --programme CODE",
		"show a programme with its eligibility and full rate history",
		"Example:\n  yinhui programme show --programme widow" },
	{ "programme", "rate", cmd_programme_rate,
		"yinhui programme rate --programme CODE --valid-from DATE --amount YUAN [--post 书记] [--note TEXT]",
		"add a rate from a date (rates are never edited; history is kept)",
		"The rate in force on the first day of a period is the one paid.\n\n"
		"Examples:\n  yinhui programme rate --programme widow --valid-from 2023-01-01 --amount 700\n"
		"  yinhui programme rate --programme sec --post 副书记 --valid-from 2022-01-01 --amount 210" },
	{ "enrol", "add", cmd_enrol_add,
		"yinhui enrol add --programme CODE --person ID --start-on DATE --account NUMBER --bank-name BANK [...]",
		"enrol a beneficiary with the bank account payments go to",
		"Options: --holder-name 户名 (default: the person's name), --end-on DATE, --income-ok true, --note.\n"
		"The account number is stored sealed and shown masked (****1234) everywhere but the bank file.\n\n"
		"Example:\n  yinhui enrol add --programme widow --person 2b9c...e1 --start-on 2022-01-01 \\\n"
		"    --account '6222 0212 3456 7890' --bank-name 工商银行湛江赤坎支行" },
	{ "enrol", "list", cmd_enrol_list,
		"yinhui enrol list [--programme CODE] [--period P] [--date D] [--person ID] [--status payable|stopped]"
		" [--limit N] [--offset N] [--format csv|xlsx]",
		"enrolments with payable/stopped status and the reason for a period",
		"Without --period the current period of each programme is used. Reasons: not_started, ended,\n"
		"deceased, transferred_out, not_eligible, income_test, proof_of_life_overdue, no_rate.\n"
		"--format csv|xlsx [--encoding utf-8|gbk] [--output FILE] writes the list for Excel.\n\n"
		"Example:\n  yinhui enrol list --programme widow --period 2022-04 --status stopped\n"
		"  yinhui enrol list --programme widow --status stopped --output 停发名单.xlsx" },
	{ "enrol", "show", cmd_enrol_show, "yinhui enrol show --id ENROLMENT", "one enrolment with its proofs of life",
		"Example:\n  yinhui enrol show --id 7f0c...a2" },
	{ "enrol", "update", cmd_enrol_update,
		"yinhui enrol update --id ENROLMENT [--account N] [--bank-name B] [--holder-name H] [--income-ok true] [--note T]",
		"change the bank account, holder, income test or note",
		"Example:\n  yinhui enrol update --id 7f0c...a2 --account 6217000011112222 --bank-name 建设银行" },
	{ "enrol", "end", cmd_enrol_end, "yinhui enrol end --id ENROLMENT --end-on DATE --reason TEXT",
		"end an enrolment: payment stops from the next period",
		"Example:\n  yinhui enrol end --id 7f0c...a2 --end-on 2022-06-30 --reason 再婚" },
	{ "enrol", "proof", cmd_enrol_proof, "yinhui enrol proof --id ENROLMENT --verified-on DATE [--method M] [--note T]",
		"record a proof of life (生存认证)",
		"Example:\n  yinhui enrol proof --id 7f0c...a2 --verified-on 2022-03-10 --method 上门核实" },
	{ "batch", "generate", cmd_batch_generate,
		"yinhui batch generate --programme CODE --period PERIOD [--date DATE] [--note TEXT]",
		"generate a draft batch: one line per beneficiary due, never twice",
		"PERIOD is 2022-03 (monthly), 2022-Q1 (quarterly), 2022 (yearly) or a label with --date (one-off).\n"
		"Who is stopped, and who is already paid or in a live batch, is listed under left_out.\n\n"
		"Example:\n  yinhui batch generate --programme widow --period 2022-03" },
	{ "batch", "list", cmd_batch_list, "yinhui batch list [--programme CODE] [--period P] [--state STATE]",
		"batches with counts and totals",
		"Example:\n  yinhui batch list --programme widow --state draft" },
	{ "batch", "show", cmd_batch_show, "yinhui batch show --batch ID [--lines N|all] [--format csv|xlsx]",
		"review a batch: total, control sum, flags and lines",
		"Flags: holder_name_differs, account_shared, not_gbk.\n"
		"--format csv|xlsx [--encoding utf-8|gbk] [--output FILE] writes the lines for Excel (for\n"
		"review; the bank's file is 'batch export'): all of them unless --lines N (on screen: 20).\n\n"
		"Example:\n  yinhui batch show --batch 51d2...9c --lines all\n"
		"  yinhui batch show --batch 51d2...9c --lines all --output 批次明细.xlsx" },
	{ "batch", "approve", cmd_batch_approve,
		"yinhui batch approve --batch ID [--meeting-ref REF] [--control-sum HEX] [--note T]",
		"approve a draft batch (approver; never the one who generated it)",
		"Above the threshold (setting batch.meeting_threshold_fen, default 100,000 yuan) a\n"
		"meeting reference (三重一大) is required.\n\n"
		"Example:\n  yinhui batch approve --batch 51d2...9c --meeting-ref '2022年第3次局务会'" },
	{ "batch", "export", cmd_batch_export,
		"yinhui batch export --batch ID --out FILE [--format csv|xlsx] [--encoding utf-8-bom|gbk]",
		"write the bank's payroll file (代发) of an approved batch",
		"Columns: 序号, 姓名(户名), 证件类型, 证件号码, 收款账号, 开户行, 金额(元), 用途, 期间, 业务流水号,\n"
		"and a trailer with 总笔数 and 总金额. Exporting again writes the same file (audited).\n\n"
		"Example:\n  yinhui batch export --batch 51d2...9c --out daifa-202203.csv --encoding gbk" },
	{ "batch", "settle", cmd_batch_settle, "yinhui batch settle --batch ID --bank-ref REF [--paid-on DATE]",
		"mark every pending line of an exported batch paid under the bank's reference",
		"Example:\n  yinhui batch settle --batch 51d2...9c --bank-ref ICBC20220325001 --paid-on 2022-03-25" },
	{ "batch", "result", cmd_batch_result,
		"yinhui batch result --batch ID --file RESULT.csv [--encoding gbk] [--paid-on DATE]",
		"import the bank's result file (业务流水号, 状态 成功/失败, 原因, 银行流水号)",
		"The batch is settled once no line is pending; failed lines can then be re-issued.\n\n"
		"Example:\n  yinhui batch result --batch 51d2...9c --file icbc-result.csv --encoding gbk" },
	{ "batch", "reissue", cmd_batch_reissue, "yinhui batch reissue --batch ID [--note TEXT]",
		"re-issue the failed lines in a new draft batch, with the same line references",
		"Fix the account first (yinhui enrol update); the re-issue takes the enrolment's current account.\n\n"
		"Example:\n  yinhui batch reissue --batch 51d2...9c --note 账户已更正" },
	{ "batch", "cancel", cmd_batch_cancel, "yinhui batch cancel --batch ID --reason TEXT",
		"cancel a draft or approved batch (never after export)",
		"Example:\n  yinhui batch cancel --batch 51d2...9c --reason 名单有误" },
	{ "batch", "reverse", cmd_batch_reverse, "yinhui batch reverse --ref LINE_REF --reason TEXT [--amount YUAN]",
		"reverse a paid line by a compensating entry (default: in full)",
		"Example:\n  yinhui batch reverse --ref 0b6f...d1 --reason 多发 --amount 9.46" },
	{ "branch", "add", cmd_branch_add,
		"yinhui branch add --name NAME --type 党委|总支|支部|临时支部 --unit UNIT [...]",
		"register a retiree party branch",
		"Options: --member-count N, --founded-on DATE, --term-end DATE (换届 due), --dissolved-on DATE, --note.\n\n"
		"Example:\n  yinhui branch add --name 赤坎离退休第一党支部 --type 支部 --unit chikan --term-end 2024-06-30" },
	{ "branch", "list", cmd_branch_list, "yinhui branch list [--unit UNIT] [--type TYPE] [--dissolved true]",
		"branches with secretary and term status", "Example:\n  yinhui branch list --unit chikan" },
	{ "branch", "show", cmd_branch_show, "yinhui branch show --branch ID", "one branch with its posts",
		"Example:\n  yinhui branch show --branch 3c1e...77" },
	{ "branch", "update", cmd_branch_update,
		"yinhui branch update --branch ID [--term-end D] [--member-count N] [--dissolved-on D] [...]",
		"change a branch's details", "Example:\n  yinhui branch update --branch 3c1e...77 --term-end 2027-06-30" },
	{ "branch", "post", cmd_branch_post,
		"yinhui branch post --branch ID --person ID --post 书记|副书记|组织委员|宣传委员|纪检委员|委员 --from-on DATE [--to-on DATE]",
		"appoint a secretary or committee member",
		"Example:\n  yinhui branch post --branch 3c1e...77 --person 2b9c...e1 --post 书记 --from-on 2022-04-01" },
	{ "branch", "post-end", cmd_branch_post_end, "yinhui branch post-end --post POST_ID --to-on DATE",
		"end a post (last day in post)", "Example:\n  yinhui branch post-end --post 9a0d...4e --to-on 2022-06-30" },
	{ "branch", "allowance", cmd_branch_allowance, "yinhui branch allowance --programme CODE --year YYYY",
		"preview the secretary allowance of a year: months in post, highest post per month",
		"Paid through the batch machinery: yinhui batch generate --programme CODE --period YYYY.\n\n"
		"Example:\n  yinhui branch allowance --programme sec --year 2022" },
	{ "payments", "figures", cmd_payments_figures,
		"yinhui payments figures --from DATE --to DATE [--unit UNIT] [--programme CODE] [--code FIGURE]",
		"payment figures for the self-evaluation, or the records behind one figure",
		"Figures: subsidies.amount_fen, subsidies.payments, subsidies.beneficiaries,\n"
		"branches.allowance_branches, branches.allowance_secretaries, branches.allowance_amount_fen,\n"
		"payments.failed, payments.reissued, payments.reversals, budget_lines.\n\n"
		"Example:\n  yinhui payments figures --from 2022-01-01 --to 2022-12-31 --code subsidies.payments" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
