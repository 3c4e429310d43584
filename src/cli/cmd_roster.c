/* Commands of the roster module: yinhui cadre ... and yinhui survivor add. Each calls one core function. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/pii.h"
#include "yinhui/roster.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

static const char *const list_cols[] = { "name", "gender", "id_number", "birth_date", "age", "category", "rank",
	"unit", "phone", "living_situation", "care_level", "active", "id", NULL };

/* The actor, with the data key of the configuration loaded (ID numbers are sealed with it). */
static int roster_actor(yh_cli *c, yh_db **db, const yh_actor **a, yh_err *err)
{
	int rc = yh_cli_actor(c, db, a, err);

	if (rc == 0)
		rc = yh_pii_init(yh_config_get(c->cfg, "data_key_file"), err);
	return rc;
}

/* argv[0] must be a positional id (not a --flag). */
static int positional(int argc, char **argv, const char *what, yh_err *err)
{
	if (argc < 1 || strncmp(argv[0], "--", 2) == 0)
		return yh_err_set(err, YH_EUSAGE, NULL, "give the %s first", what);
	return 0;
}

/* --flags -> fields, plus extra key/value pairs the command implies. */
static int fields_with(int argc, char **argv, const char *const *skip, const char *k, const char *v, yh_fields **out,
	yh_err *err)
{
	int rc = yh_cli_fields(argc, argv, skip, out, err);

	if (rc == 0 && k != NULL)
		rc = yh_fields_set(*out, k, v, YH_FV_STRING, err);
	if (rc != 0 && err->code == YH_EINVAL)
		err->code = YH_EUSAGE;
	return rc;
}

static int add_person(yh_cli *c, int argc, char **argv, const char *kind, yh_err *err)
{
	yh_fields *f = NULL;
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = fields_with(argc, argv, NULL, kind ? "kind" : NULL, kind, &f, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_create(db, a, f, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return add_person(c, argc, argv, NULL, err);
}

static int cmd_survivor_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return add_person(c, argc, argv, "survivor", err);
}

static int cmd_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, "person's id or ID number", err);
	for (int i = 1; rc == 0 && i < argc; i++)
		if (strcmp(argv[i], "--reveal-id") != 0)
			rc = yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument %s", argv[i]);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_show(db, a, argv[0], yh_cli_has(argc, argv, "reveal-id"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

static int cmd_update(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_fields *f = NULL;
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, "person's id or ID number", err);
	if (rc == 0)
		rc = fields_with(argc - 1, argv + 1, NULL, NULL, NULL, &f, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_update(db, a, argv[0], f, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_fields *f = NULL;
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_take_format(c, &argc, argv, err);
	if (rc == 0)
		rc = fields_with(argc, argv, NULL, NULL, NULL, &f, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_list(db, a, f, &out, err);
	if (rc == 0)
		rc = yh_cli_output(c, out, list_cols, err);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_search(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *limit = yh_cli_flag(argc, argv, "limit");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, "name (or its beginning) or ID number", err);
	if (rc == 0 && argc != 1 && !(argc == 3 && limit != NULL))
		rc = yh_err_set(err, YH_EUSAGE, NULL, "give one search text (quote a name with spaces)");
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_search(db, a, argv[0], limit ? atoi(limit) : 50, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, list_cols);
	free(out);
	return rc;
}

static int cmd_survivors(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "name", "relationship", "gender", "id_number", "birth_date", "alive", "id", NULL };
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, "cadre's id or ID number", err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_survivors(db, a, argv[0], &out, err);
	if (rc == 0)
		yh_cli_print(c, out, cols);
	free(out);
	return rc;
}

static int cmd_transfer_out(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_fields *f = NULL;
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, "person's id or ID number", err);
	if (rc == 0)
		rc = fields_with(argc - 1, argv + 1, NULL, NULL, NULL, &f, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_transfer_out(db, a, argv[0], f, &out, err);
	if (rc == 0 && c->json)
		yh_cli_print(c, out, NULL);
	else if (rc == 0)
		printf("transferred out on %s: %s\n", yh_fields_get(f, "date"), argv[0]);
	free(out);
	yh_fields_free(f);
	return rc;
}

/* A progress bar on stderr, drawn only on a terminal. */
static void progress_bar(void *arg, const char *phase, size_t done, size_t total)
{
	int width = 30, filled = total ? (int)(width * done / total) : width;

	(void)arg;
	fprintf(stderr, "\r%-8s [%.*s%*s] %zu/%zu", phase, filled, "##############################", width - filled, "",
		done, total);
	if (strcmp(phase, "apply") == 0)
		fprintf(stderr, "\n");
	fflush(stderr);
}

/* Prints each bad row of an import report on stderr: "line N, column: message". */
static void print_bad_rows(const char *report)
{
	json_t *doc = json_loads(report, 0, NULL), *errs = json_object_get(doc, "errors");

	for (size_t i = 0; i < json_array_size(errs); i++) {
		json_t *e = json_array_get(errs, i);
		const char *col = json_string_value(json_object_get(e, "column"));
		fprintf(stderr, "line %lld, %s: %s\n", (long long)json_integer_value(json_object_get(e, "line")),
			col && *col ? col : "-", json_string_value(json_object_get(e, "message")));
	}
	json_decref(doc);
}

static int cmd_import(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const allowed[] = { "encoding", "unit", NULL };
	const char *path;
	char *buf = NULL, *out = NULL;
	const yh_actor *a;
	size_t len = 0;
	yh_db *db;
	int rc, tty = isatty(STDERR_FILENO);

	rc = positional(argc, argv, "CSV file (or - for standard input)", err);
	for (int i = 1; rc == 0 && i < argc; i += 2) {
		int ok = 0;
		for (int k = 0; allowed[k]; k++)
			ok |= strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, allowed[k]) == 0 && i + 1 < argc;
		if (!ok)
			rc = yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument %s", argv[i]);
	}
	if (rc != 0)
		return rc;
	path = strcmp(argv[0], "-") == 0 ? "/dev/stdin" : argv[0];
	if (yh_file_read(path, YH_CSV_MAX_FILE_BYTES, &buf, &len) != 0)
		return yh_err_set(err, YH_ENOTFOUND, "file", "cannot read %s", argv[0]);
	rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_import(db, a, buf, len, yh_cli_flag(argc, argv, "encoding"), yh_cli_flag(argc, argv, "unit"),
			tty && !c->json ? progress_bar : NULL, NULL, &out, err);
	if (tty && !c->json && rc != 0)
		fprintf(stderr, "\n");
	if (rc == YH_EINVAL && out != NULL) {
		if (c->json)
			yh_cli_print(c, out, NULL);
		else
			print_bad_rows(out);
	} else if (rc == 0 && c->json) {
		yh_cli_print(c, out, NULL);
	} else if (rc == 0) {
		json_t *d = json_loads(out, 0, NULL);
		printf("imported %lld rows from %s: %lld created, %lld updated, %lld unchanged\n",
			(long long)json_integer_value(json_object_get(d, "rows")), argv[0],
			(long long)json_integer_value(json_object_get(d, "created")),
			(long long)json_integer_value(json_object_get(d, "updated")),
			(long long)json_integer_value(json_object_get(d, "unchanged")));
		json_decref(d);
	}
	free(out);
	free(buf);
	return rc;
}

static int cmd_export(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const allowed[] = { "unit", "category", "format", "encoding", "output", NULL };
	yh_roster_export_opts o = { NULL, NULL, YH_TABLE_CSV, YH_ENC_UTF8_BOM, 0 };
	const char *format = yh_cli_flag(argc, argv, "format"), *enc = yh_cli_flag(argc, argv, "encoding");
	const char *output = yh_cli_flag(argc, argv, "output");
	const yh_actor *a;
	size_t rows = 0;
	yh_db *db;
	int rc = 0;

	for (int i = 0; rc == 0 && i < argc; i++) {
		int ok = strcmp(argv[i], "--masked") == 0;
		for (int k = 0; !ok && allowed[k]; k++)
			if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, allowed[k]) == 0 && i + 1 < argc) {
				ok = 1;
				i++;
			}
		if (!ok)
			rc = yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument %s", argv[i]);
	}
	if (rc == 0 && format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
		rc = yh_err_set(err, YH_EUSAGE, "format", "--format is csv or xlsx");
	if (rc == 0 && format != NULL && strcmp(format, "xlsx") == 0)
		o.format = YH_TABLE_XLSX;
	if (rc == 0 && o.format == YH_TABLE_XLSX && output == NULL)
		rc = yh_err_set(err, YH_EUSAGE, "output", "an XLSX export needs --output FILE.xlsx");
	if (rc == 0 && enc != NULL)
		rc = yh_encoding_from_name(&o.encoding, enc, YH_ENC_FOR_OUTPUT, err);
	o.unit = yh_cli_flag(argc, argv, "unit");
	o.category = yh_cli_flag(argc, argv, "category");
	o.masked = yh_cli_has(argc, argv, "masked");
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_export(db, a, &o, output ? output : "-", &rows, err);
	if (rc == 0 && output != NULL)
		fprintf(stderr, "exported %zu cadres to %s\n", rows, output);
	return rc;
}

static int cmd_figures(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *code = yh_cli_flag(argc, argv, "code");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = roster_actor(c, &db, &a, err);
	if (rc == 0 && code == NULL)
		rc = yh_roster_figures(db, a, yh_cli_flag(argc, argv, "from"), yh_cli_flag(argc, argv, "to"),
			yh_cli_flag(argc, argv, "unit"), &out, err);
	else if (rc == 0)
		rc = yh_roster_figure_records(db, a, code, yh_cli_flag(argc, argv, "from"), yh_cli_flag(argc, argv, "to"),
			yh_cli_flag(argc, argv, "unit"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, code ? list_cols : NULL);
	free(out);
	return rc;
}

static int year_flag(int argc, char **argv, int *year, yh_err *err)
{
	const char *y = yh_cli_flag(argc, argv, "year");

	if (y == NULL || strlen(y) != 4 || strspn(y, "0123456789") != 4)
		return yh_err_set(err, YH_EUSAGE, "year", "--year YYYY is required");
	*year = atoi(y);
	return 0;
}

static int cmd_reconcile(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "category", "rank", "start", "added", "deceased", "transferred_out",
		"expected", "actual", "difference", NULL };
	static const char *const dcols[] = { "name", "id_number", "category", "rank", "reason", NULL };
	const yh_actor *a;
	char *out = NULL, *part;
	yh_db *db;
	json_t *doc;
	int year = 0, rc;

	rc = year_flag(argc, argv, &year, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_reconcile(db, a, year, yh_cli_flag(argc, argv, "unit"), &out, err);
	if (rc != 0 || c->json) {
		if (rc == 0)
			yh_cli_print(c, out, NULL);
		free(out);
		return rc;
	}
	doc = json_loads(out, 0, NULL);
	printf("%d 年 headcount reconciliation as of %s (start: %s)\n\n", year,
		json_string_value(json_object_get(doc, "as_of")), json_string_value(json_object_get(doc, "start_source")));
	part = json_dumps(json_object_get(doc, "rows"), JSON_COMPACT);
	yh_cli_print(c, part, cols);
	free(part);
	part = json_dumps(json_object_get(doc, "totals"), JSON_COMPACT);
	printf("\ntotals: %s\n", part);
	free(part);
	if (json_array_size(json_object_get(doc, "differences")) > 0) {
		printf("\npersons behind the differences:\n");
		part = json_dumps(json_object_get(doc, "differences"), JSON_COMPACT);
		yh_cli_print(c, part, dcols);
		free(part);
	}
	json_decref(doc);
	free(out);
	return 0;
}

static int cmd_close_year(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_flag(argc, argv, &year, err);
	if (rc == 0)
		rc = roster_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_roster_year_close(db, a, year, yh_cli_flag(argc, argv, "unit"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

#define FIELDS_HELP \
	"Fields: --name, --id-number (18 digits; 15-digit numbers are upgraded), --gender 男|女 and\n" \
	"--birth-date (both default from the ID number and must agree with it), --category 离休|退休|企业离休|\n" \
	"建国初期参加工作的退休干部, --former-employer, --rank, --joined-on, --retired-on, --unit CODE,\n" \
	"--district, --address, --phones '138...;家:0759-3618688', --emergency-contacts '姓名/关系/电话;...',\n" \
	"--living-situation 独居|空巢|与子女同住|养老机构, --care-level 自理|半失能|失能, --remote true|false,\n" \
	"--party-member true|false, --added-on DATE, --note. Dates are YYYY-MM-DD."

const yh_cli_cmd yh_cmds_roster[] = {
	{ "cadre", "add", cmd_add, "yinhui cadre add --name NAME --id-number ID --category CATEGORY [FIELD ...]",
	  "add a cadre (or, with --kind survivor --cadre ID --relationship R, a survivor)",
	  FIELDS_HELP "\n\nexample: yinhui cadre add --name 张三 --id-number 44080219300701001X --category 离休 \\\n"
	  "           --joined-on 1945-03-01 --unit chikan --phones 13812345678 --living-situation 独居" },
	{ "cadre", "show", cmd_show, "yinhui cadre show ID [--reveal-id]",
	  "show one person (by id or ID number); --reveal-id shows the full ID number (audited)",
	  "The full ID number needs a role that may read it (admin, clerk, approver, auditor).\n\n"
	  "example: yinhui cadre show 44080219300701001X" },
	{ "cadre", "update", cmd_update, "yinhui cadre update ID --FIELD VALUE ... [--clear-FIELD]",
	  "change the given fields of a person (the rest stay as they are)",
	  FIELDS_HELP "\nA death is recorded with 'yinhui event add --type death'; a move with 'cadre transfer-out'.\n\n"
	  "example: yinhui cadre update 44080219300701001X --care-level 半失能 --clear-rank" },
	{ "cadre", "list", cmd_list,
	  "yinhui cadre list [--unit U] [--category C] [--min-age N] [--max-age N] [...] [--format csv|xlsx] [--output FILE]",
	  "list persons with filters and paging",
	  "Filters: --unit CODE (its subtree), --category, --kind cadre|survivor|all (default cadre),\n"
	  "--min-age N, --max-age N, --age-on DATE, --living-situation, --care-level, --remote true|false,\n"
	  "--party-member true|false, --alive true|false, --active true|false, --q TEXT,\n"
	  "--limit N (at most 200, default 50), --offset N.\n"
	  "--format csv|xlsx writes the page for Excel with Chinese headers (CSV: UTF-8 with BOM, or\n"
	  "--encoding gbk) to --output FILE or standard output; ID numbers stay masked.\n\n"
	  "example: yinhui cadre list --unit chikan --min-age 80 --living-situation 独居\n"
	  "example: yinhui cadre list --unit chikan --limit 200 --format xlsx --output 赤坎80岁以上.xlsx" },
	{ "cadre", "search", cmd_search, "yinhui cadre search TEXT [--limit N]",
	  "find persons by the beginning of the name or by the exact ID number",
	  "ID numbers are shown masked.\n\nexample: yinhui cadre search 欧阳" },
	{ "cadre", "survivors", cmd_survivors, "yinhui cadre survivors ID", "list the survivors (遗属) linked to a cadre",
	  "example: yinhui cadre survivors 44080219300701001X" },
	{ "cadre", "transfer-out", cmd_transfer_out, "yinhui cadre transfer-out ID --date DATE [--to PLACE]",
	  "record that a person left the bureau's roster (迁出)",
	  "example: yinhui cadre transfer-out 44080219300701001X --date 2024-03-01 --to 广州市" },
	{ "cadre", "import", cmd_import, "yinhui cadre import FILE.csv [--encoding utf-8|gbk] [--unit CODE]",
	  "import cadres from a CSV file, all or nothing",
	  "The first line names the columns: 姓名, 性别, 身份证号码, 出生日期, 类别, 原工作单位, 职级,\n"
	  "参加工作时间, 离退休时间, 单位, 区县, 地址, 电话, 紧急联系人, 居住状况, 照护等级, 居住偏远, 党员,\n"
	  "入册日期, 备注 (or the English field names). 姓名, 身份证号码 and 类别 are required.\n"
	  "UTF-8 (with or without BOM) and GBK/GB18030 are detected. Dates: 1941-03-05, 1941/3/5,\n"
	  "1941年3月5日, 19410305, or 1941.03 for a month. In Excel, format the ID number and phone\n"
	  "columns as text: a number column turns them into 4.40802E+17 and is refused. Rows are\n"
	  "matched on the ID number: new ones are added, changed ones updated, the same file twice\n"
	  "changes nothing. With any bad row nothing is imported and every bad row is listed (line,\n"
	  "column, reason); exit status 3.\n"
	  "--unit is the unit of rows without 单位 (default: yours). FILE - reads standard input.\n\n"
	  "example: yinhui cadre import 干部名册.csv --encoding gbk --unit chikan" },
	{ "cadre", "export", cmd_export,
	  "yinhui cadre export [--unit U] [--category C] [--format csv|xlsx] [--encoding utf-8|gbk] [--output FILE] [--masked]",
	  "export the active cadres in the import's columns",
	  "CSV is UTF-8 with a BOM (Excel opens it) unless --encoding gbk; standard output without --output.\n"
	  "ID numbers are full for roles that may read them (and the export is audited), else masked;\n"
	  "--masked masks them anyway.\n\n"
	  "example: yinhui cadre export --unit chikan --output 赤坎干部名册.csv" },
	{ "cadre", "figures", cmd_figures, "yinhui cadre figures --from DATE --to DATE [--unit U] [--code CODE]",
	  "headcount figures of a period (roster.start/added/deceased/transferred_out/end)",
	  "With --code, the cadres behind that figure.\n\n"
	  "example: yinhui cadre figures --from 2022-01-01 --to 2022-12-31 --code roster.deceased" },
	{ "cadre", "reconcile", cmd_reconcile, "yinhui cadre reconcile --year YYYY [--unit U]",
	  "上年末实有 + 本年新增 - 本年去世 - 迁出 = 应有, against 实有, per category and rank",
	  "The start is the recorded year end of the year before (cadre close-year) or, without one,\n"
	  "computed from the dates. Lists the persons behind every difference.\n\n"
	  "example: yinhui cadre reconcile --year 2022" },
	{ "cadre", "close-year", cmd_close_year, "yinhui cadre close-year --year YYYY [--unit U]",
	  "record the year-end headcount (年末实有) of an ended year, once",
	  "example: yinhui cadre close-year --year 2022" },
	{ "survivor", "add", cmd_survivor_add,
	  "yinhui survivor add --cadre ID --relationship 配偶|子女|父母|其他 --name NAME --id-number ID [FIELD ...]",
	  "add a survivor (遗属) linked to a cadre",
	  "The survivor belongs to the cadre's unit unless --unit is given.\n\n"
	  "example: yinhui survivor add --cadre 44080219300701001X --relationship 配偶 --name 李秀英 \\\n"
	  "           --id-number 440802193205050020" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
