/* Commands of the eval module: budget, activity, indicator, evaluation and demo. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "yinhui/activity.h"
#include "yinhui/budget.h"
#include "yinhui/csv.h"
#include "yinhui/evaluation.h"
#include "yinhui/indicator.h"
#include "yinhui/util.h"

/* A positional year (argv[i]). */
static int year_arg(int argc, char **argv, int i, int *year, yh_err *err)
{
	char *end = NULL;
	long y;

	if (i >= argc || strncmp(argv[i], "--", 2) == 0)
		return yh_err_set(err, YH_EUSAGE, "year", "give the year, e.g. 2022");
	errno = 0;
	y = strtol(argv[i], &end, 10);
	if (errno != 0 || *end != '\0' || y < 2000 || y > 2100)
		return yh_err_set(err, YH_EUSAGE, "year", "\"%s\" is not a year between 2000 and 2100", argv[i]);
	*year = (int)y;
	return 0;
}

static int positional(int argc, char **argv, int i, const char *what, const char **out, yh_err *err)
{
	if (i >= argc || strncmp(argv[i], "--", 2) == 0)
		return yh_err_set(err, YH_EUSAGE, what, "give the %s", what);
	*out = argv[i];
	return 0;
}

/* An object whose member is a list: the other members as "key: value" lines, then the list as a table. */
static int print_with_table(yh_cli *c, int rc, char *out, const char *member)
{
	json_t *doc, *v;
	const char *key;
	char *list;

	if (rc != 0 || c->json)
		return yh_cli_print_free(c, rc, out, NULL);
	doc = json_loads(out, 0, NULL);
	json_object_foreach(doc, key, v) {
		char *s;
		if (strcmp(key, member) == 0)
			continue;
		s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("%-14s %s\n", key, s ? s : "-");
		free(s);
	}
	list = json_dumps(json_object_get(doc, member), JSON_COMPACT);
	if (list)
		yh_cli_print(c, list, NULL);
	free(list);
	json_decref(doc);
	free(out);
	return 0;
}

typedef int (*year_unit_fn)(yh_db *, const yh_actor *, int, const char *, char **, yh_err *);

/* YEAR [--unit U] -> fn -> print with cols. */
static int year_unit(yh_cli *c, int argc, char **argv, year_unit_fn fn, const char *const *cols, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, year, yh_cli_flag(argc, argv, "unit"), &out, err);
	return yh_cli_print_free(c, rc, out, cols);
}

typedef int (*year_fields_fn)(yh_db *, const yh_actor *, int, const yh_fields *, char **, yh_err *);

/* YEAR --fields... -> fn -> print with cols. */
static int year_fields(yh_cli *c, int argc, char **argv, year_fields_fn fn, const char *const *cols, yh_err *err)
{
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = yh_cli_fields(argc - 1, argv + 1, NULL, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, year, f, &out, err);
	yh_fields_free(f);
	return yh_cli_print_free(c, rc, out, cols);
}

/* ---- budget ---- */

static int cmd_budget_items(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "code", "label", "group", "kind", NULL };

	(void)argc;
	(void)argv;
	return yh_cli_run_read(c, yh_budget_items, cols, err);
}

static const char *const budget_cols[] = { "unit", "item", "label", "yuan", "amount", "updated_by", NULL };

static int cmd_budget_set(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_fields(c, argc, argv, yh_budget_set, budget_cols, err);
}

static int cmd_budget_unset(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0 && yh_cli_flag(argc, argv, "item") == NULL)
		rc = yh_err_set(err, YH_EUSAGE, "item", "--item is required");
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_budget_unset(db, a, year, yh_cli_flag(argc, argv, "unit"), yh_cli_flag(argc, argv, "item"), err);
	if (rc == 0)
		printf("removed %s of %d\n", yh_cli_flag(argc, argv, "item"), year);
	return rc;
}

static int cmd_budget_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_unit(c, argc, argv, yh_budget_list, budget_cols, err);
}

static int cmd_budget_figures(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_unit(c, argc, argv, yh_budget_figures, NULL, err);
}

static int cmd_budget_import(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_csv_reader *r = NULL;
	const yh_actor *a;
	const char *path = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, 0, "file", &path, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_csv_read_file(&r, path, yh_cli_flag(argc, argv, "encoding"), err);
	if (rc == 0)
		rc = yh_budget_import(db, a, r, &out, err);
	yh_csv_reader_free(r);
	return yh_cli_print_free(c, rc, out, NULL);
}

/* ---- activities ---- */

static int cmd_activity_types(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "code", "label", "count_unit", "quantity_label", NULL };

	(void)argc;
	(void)argv;
	return yh_cli_run_read(c, yh_activity_types, cols, err);
}

static int cmd_activity_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return yh_cli_run_fields(c, argc, argv, yh_activity_add, NULL, err);
}

static int cmd_activity_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "id", "held_on", "type_label", "title", "unit", "participants", "quantity",
		"funding_yuan", NULL };

	return yh_cli_run_fields(c, argc, argv, yh_activity_list, cols, err);
}

static int cmd_activity_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	const char *id = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, 0, "id", &id, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_activity_get(db, a, id, &out, err);
	return yh_cli_print_free(c, rc, out, NULL);
}

static int cmd_activity_update(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	const char *id = NULL;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, 0, "id", &id, err);
	if (rc == 0)
		rc = yh_cli_fields(argc - 1, argv + 1, NULL, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_activity_update(db, a, id, f, &out, err);
	yh_fields_free(f);
	return yh_cli_print_free(c, rc, out, NULL);
}

static int cmd_activity_delete(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	const char *id = NULL;
	yh_db *db;
	int rc;

	rc = positional(argc, argv, 0, "id", &id, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_activity_delete(db, a, id, err);
	if (rc == 0)
		printf("activity %s deleted\n", id);
	return rc;
}

/* ---- indicators ---- */

static int cmd_indicator_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "code", "name", "points", "target_op", "target_value", "unit", "rule",
		"source", "figure_code", NULL };

	return year_unit(c, argc, argv, yh_indicator_list, cols, err);
}

static int cmd_indicator_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_fields(c, argc, argv, yh_indicator_add, NULL, err);
}

typedef int (*ind_code_fn)(yh_db *, const yh_actor *, int, const char *, const yh_fields *, char **, yh_err *);

/* YEAR CODE --fields...: set, assess and override share this shape. */
static int year_code_fields(yh_cli *c, int argc, char **argv, ind_code_fn fn, yh_err *err)
{
	const yh_actor *a;
	const char *code = NULL;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = positional(argc, argv, 1, "indicator code", &code, err);
	if (rc == 0)
		rc = yh_cli_fields(argc - 2, argv + 2, NULL, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, year, code, f, &out, err);
	yh_fields_free(f);
	return yh_cli_print_free(c, rc, out, NULL);
}

static int cmd_indicator_set(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_code_fields(c, argc, argv, yh_indicator_update, err);
}

static int cmd_indicator_assess(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_code_fields(c, argc, argv, yh_indicator_assess, err);
}

static int cmd_indicator_override(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_code_fields(c, argc, argv, yh_indicator_override, err);
}

static int cmd_indicator_remove(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	const char *code = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = positional(argc, argv, 1, "indicator code", &code, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_indicator_remove(db, a, year, code, err);
	if (rc == 0)
		printf("indicator %s of %d removed\n", code, year);
	return rc;
}

/* ---- evaluation ---- */

static int cmd_eval_template(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	if (argc < 1 || strcmp(argv[0], "load") != 0)
		return yh_err_set(err, YH_EUSAGE, NULL, "usage: yinhui evaluation template load YEAR --template department|project");
	rc = year_arg(argc, argv, 1, &year, err);
	if (rc == 0 && yh_cli_flag(argc, argv, "template") == NULL)
		rc = yh_err_set(err, YH_EUSAGE, "template", "--template department|project is required");
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_indicator_template_load(db, a, year, yh_cli_flag(argc, argv, "template"), &out, err);
	if (rc == 0 && !c->json)
		printf("loaded the %s template into %d; see yinhui indicator list %d\n", yh_cli_flag(argc, argv, "template"),
			year, year);
	else if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

static int cmd_eval_copy(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int from = 0, to = 0, rc;

	rc = year_arg(argc, argv, 0, &from, err);
	if (rc == 0)
		rc = year_arg(argc, argv, 1, &to, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_indicator_copy(db, a, from, to, &out, err);
	if (rc == 0 && !c->json)
		printf("copied the indicator tree of %d to %d\n", from, to);
	else if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

static int write_output(const char *path, const char *data, size_t len, yh_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");

	if (f == NULL)
		return yh_err_set(err, YH_EUNAVAILABLE, "output", "cannot write %s", path);
	if (fwrite(data, 1, len, f) != len || (f != stdout && fclose(f) != 0))
		return yh_err_set(err, YH_EUNAVAILABLE, "output", "cannot write %s", path);
	return 0;
}

static int cmd_eval_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *format = yh_cli_flag(argc, argv, "format"), *output = yh_cli_flag(argc, argv, "output");
	const char *unit = yh_cli_flag(argc, argv, "unit"), *ctype = NULL;
	const yh_actor *a;
	char *out = NULL, name[256];
	size_t len = 0;
	yh_db *db;
	int year = 0, rc;

	if (format == NULL)
		format = c->json ? "json" : "text";
	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_eval_render(db, a, year, unit, format, &out, &len, &ctype, err);
	if (rc != 0)
		goto done;
	if (output == NULL && (strcmp(format, "xlsx") == 0 || strcmp(format, "html") == 0)) {
		snprintf(name, sizeof(name), "evaluation-%d%s%s.%s", year, unit ? "-" : "", unit ? unit : "", format);
		output = name;
	}
	/* --format json is always JSON (indented with --json), whatever the terminal */
	if (output == NULL && strcmp(format, "json") == 0 && c->json) {
		yh_cli_print(c, out, NULL);
	} else {
		rc = write_output(output ? output : "-", out, len, err);
		if (rc == 0 && (output == NULL || strcmp(output, "-") == 0) && len > 0 && out[len - 1] != '\n')
			putchar('\n');
		if (rc == 0 && output && strcmp(output, "-") != 0)
			printf("wrote %s (%zu bytes)\n", output, len);
	}
done:
	free(out);
	return rc;
}

static int cmd_eval_finalise(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_unit(c, argc, argv, yh_eval_finalise, NULL, err);
}

static int cmd_eval_diff(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return year_unit(c, argc, argv, yh_eval_diff, NULL, err);
}

static int cmd_eval_reopen(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0 && yh_cli_flag(argc, argv, "reason") == NULL)
		rc = yh_err_set(err, YH_EUSAGE, "reason", "--reason TEXT is required");
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_eval_reopen(db, a, year, yh_cli_flag(argc, argv, "unit"), yh_cli_flag(argc, argv, "reason"), &out, err);
	return yh_cli_print_free(c, rc, out, NULL);
}

static int cmd_eval_explain(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	const char *code = NULL;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = positional(argc, argv, 1, "figure code", &code, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_eval_explain(db, a, year, yh_cli_flag(argc, argv, "unit"), code, &out, err);
	return print_with_table(c, rc, out, "records");
}

static int cmd_eval_reconcile(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc != 0)
		return rc;
	if (yh_cli_flag(argc, argv, "explanation") == NULL) {
		rc = yh_eval_reconciliation(db, a, year, yh_cli_flag(argc, argv, "unit"), &out, err);
		return print_with_table(c, rc, out, "rows");
	}
	rc = yh_cli_fields(argc - 1, argv + 1, NULL, &f, err);
	if (rc == 0)
		rc = yh_eval_reconcile_explain(db, a, year, f, &out, err);
	yh_fields_free(f);
	return yh_cli_print_free(c, rc, out, NULL);
}

static int cmd_eval_text(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *body = yh_cli_flag(argc, argv, "body"), *file = yh_cli_flag(argc, argv, "file");
	const char *section = yh_cli_flag(argc, argv, "section");
	const yh_actor *a;
	char *buf = NULL;
	yh_db *db;
	int year = 0, rc;

	rc = year_arg(argc, argv, 0, &year, err);
	if (rc == 0 && section == NULL)
		rc = yh_err_set(err, YH_EUSAGE, "section", "--section is required");
	if (rc == 0 && (body == NULL) == (file == NULL))
		rc = yh_err_set(err, YH_EUSAGE, "body", "give --body TEXT or --file FILE");
	if (rc == 0 && file && yh_file_read(file, 1u << 20, &buf, NULL) != 0)
		rc = yh_err_set(err, YH_EUSAGE, "file", "cannot read %s", file);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_eval_text_set(db, a, year, yh_cli_flag(argc, argv, "unit"), section, file ? buf : body, err);
	if (rc == 0)
		printf("section %s of %d saved\n", section, year);
	free(buf);
	return rc;
}

static int cmd_demo_load(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *y = yh_cli_flag(argc, argv, "year");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int year = 2022, rc = 0;

	if (y != NULL) {
		char *yv[1] = { (char *)y };
		rc = year_arg(1, yv, 0, &year, err);
	}
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_demo_load(db, a, year, &out, err);
	return yh_cli_print_free(c, rc, out, NULL);
}

const yh_cli_cmd yh_cmds_eval[] = {
	{ "budget", "items", cmd_budget_items, "yinhui budget items", "list the budget item codes and their labels",
	  "example: yinhui budget items" },
	{ "budget", "set", cmd_budget_set,
	  "yinhui budget set YEAR [--unit U] --item ITEM (--yuan X | --count N) [--note TEXT] | --items JSON",
	  "enter budget figures of a year (yuan with at most 2 decimals; audited)",
	  "Money items take --yuan, head counts --count. Several at once: --items '{\"procurement_budget\":\"410000.00\"}'.\n\n"
	  "example: yinhui budget set 2022 --unit bureau --item procurement_budget --yuan 410000.00\n"
	  "example: yinhui budget set 2022 --unit bureau --item staff_in_post --count 26" },
	{ "budget", "unset", cmd_budget_unset, "yinhui budget unset YEAR [--unit U] --item ITEM",
	  "remove an entered budget figure (audited)",
	  "example: yinhui budget unset 2022 --unit bureau --item procurement_budget" },
	{ "budget", "show", cmd_budget_show, "yinhui budget show YEAR [--unit U]", "show the entered budget figures",
	  "example: yinhui budget show 2022 --unit bureau" },
	{ "budget", "figures", cmd_budget_figures, "yinhui budget figures YEAR [--unit U]",
	  "the rates and sums computed from the budget figures",
	  "Rates are percent, half-up to 2 decimals; null when the denominator is zero.\n\n"
	  "example: yinhui budget figures 2022" },
	{ "budget", "import", cmd_budget_import, "yinhui budget import FILE [--encoding gbk]",
	  "import budget figures from CSV (columns year, unit, item, amount[, note]; all or nothing)",
	  "example: yinhui budget import budget-2022.csv" },
	{ "activity", "types", cmd_activity_types, "yinhui activity types", "list the activity types",
	  "example: yinhui activity types" },
	{ "activity", "add", cmd_activity_add,
	  "yinhui activity add --type TYPE --title TEXT --held-on DATE --unit U [--participants N] [--quantity N]"
	  " [--funding-yuan X] [--evidence TEXT] [--note TEXT]",
	  "record an activity (study session, volunteer activity, exhibition ...)",
	  "--quantity is what the record counts (default 1), e.g. the works shown at an exhibition.\n\n"
	  "example: yinhui activity add --type study_session --title 学习二十大精神专题研讨会 --held-on 2022-11-02"
	  " --unit bureau --participants 45 --evidence 会议记录2022-11" },
	{ "activity", "list", cmd_activity_list,
	  "yinhui activity list [--year Y | --from D --to D] [--type T] [--unit U] [--limit N] [--offset N]",
	  "list recorded activities", "example: yinhui activity list --year 2022 --type symposium" },
	{ "activity", "show", cmd_activity_show, "yinhui activity show ID", "show one activity",
	  "example: yinhui activity show 0b9c..." },
	{ "activity", "update", cmd_activity_update, "yinhui activity update ID --field value ...",
	  "change an activity (audited)", "example: yinhui activity update 0b9c... --participants 52" },
	{ "activity", "delete", cmd_activity_delete, "yinhui activity delete ID", "delete an activity (audited)",
	  "example: yinhui activity delete 0b9c..." },
	{ "indicator", "list", cmd_indicator_list, "yinhui indicator list YEAR [--unit U]",
	  "show the year's indicator tree (with the unit's entries)",
	  "example: yinhui indicator list 2022 --unit bureau" },
	{ "indicator", "add", cmd_indicator_add,
	  "yinhui indicator add YEAR --code C --name N --class K --points P --rule R --source S [--parent C] ...",
	  "add an indicator to the year's tree",
	  "Rules: positive, reverse, equal, qualitative, budget_execution, sum. Sources: figure, manual, none.\n\n"
	  "example: yinhui indicator add 2023 --code D5.3.4 --parent D5.3 --name 专题调研座谈会 --class 预算使用效益"
	  " --points 2 --unit 场 --target-op '>=' --target-value 20 --rule positive --source figure"
	  " --figure-code activities.symposium.count" },
	{ "indicator", "set", cmd_indicator_set, "yinhui indicator set YEAR CODE --field value ...",
	  "change an indicator's definition (points, target, rule, source)",
	  "example: yinhui indicator set 2023 D2.1.3 --target-value 90" },
	{ "indicator", "remove", cmd_indicator_remove, "yinhui indicator remove YEAR CODE",
	  "remove a leaf indicator",
	  "example: yinhui indicator remove 2022 C13" },
	{ "indicator", "assess", cmd_indicator_assess,
	  "yinhui indicator assess YEAR CODE [--unit U] [--manual-value V --evidence TEXT] [--rating R]"
	  " [--applicable false --na-reason TEXT] [--justification TEXT] [--improvement TEXT]",
	  "record a unit's manual value, rating, applicability or notes for an indicator",
	  "Ratings: achieved, partial, not_achieved.\n\n"
	  "example: yinhui indicator assess 2022 D5.2.1 --manual-value 93.8 --evidence 市直机关“四个全面”考核结果通报" },
	{ "indicator", "override", cmd_indicator_override,
	  "yinhui indicator override YEAR CODE --points P --justification TEXT [--improvement TEXT] [--unit U]",
	  "award points by hand (never silently: a justification is required; --clear-points undoes)",
	  "example: yinhui indicator override 2022 D2.1.3 --points 5 --justification 采购项目因疫情延期，预算已收回" },
	{ "evaluation", "template", cmd_eval_template, "yinhui evaluation template load YEAR --template department|project",
	  "load the shipped indicator catalogue into a year",
	  "example: yinhui evaluation template load 2022 --template department" },
	{ "evaluation", "copy", cmd_eval_copy, "yinhui evaluation copy FROM_YEAR TO_YEAR",
	  "copy a year's indicator tree to a new year", "example: yinhui evaluation copy 2022 2023" },
	{ "evaluation", "show", cmd_eval_show,
	  "yinhui evaluation show YEAR [--unit U] [--format text|json|csv|xlsx|html] [--output FILE]",
	  "the self-evaluation: every indicator's target, actual, score; total and grade",
	  "xlsx and html are written to a file (default evaluation-YEAR.FORMAT).\n\n"
	  "example: yinhui evaluation show 2022 --format html --output report-2022.html" },
	{ "evaluation", "finalise", cmd_eval_finalise, "yinhui evaluation finalise YEAR [--unit U]",
	  "freeze figures and scores with a content hash (approver, admin)",
	  "example: yinhui evaluation finalise 2022 --unit bureau" },
	{ "evaluation", "reopen", cmd_eval_reopen, "yinhui evaluation reopen YEAR --reason TEXT [--unit U]",
	  "reopen a finalised evaluation (audited)",
	  "example: yinhui evaluation reopen 2022 --reason \"预算数据更正\"" },
	{ "evaluation", "diff", cmd_eval_diff, "yinhui evaluation diff YEAR [--unit U]",
	  "what would change if the finalised evaluation were computed again",
	  "example: yinhui evaluation diff 2022" },
	{ "evaluation", "explain", cmd_eval_explain, "yinhui evaluation explain YEAR CODE [--unit U]",
	  "the records behind a figure or an indicator",
	  "example: yinhui evaluation explain 2022 budget.three_public_control_rate\n"
	  "example: yinhui evaluation explain 2022 visits.illness" },
	{ "evaluation", "reconcile", cmd_eval_reconcile,
	  "yinhui evaluation reconcile YEAR [--unit U] [--category C --rank R --explanation TEXT]",
	  "the roster reconciliation; with --explanation, explain one difference",
	  "example: yinhui evaluation reconcile 2022 --category 离休 --rank 副处级 --explanation 年中由外市迁入1人" },
	{ "evaluation", "text", cmd_eval_text,
	  "yinhui evaluation text YEAR --section S (--body TEXT | --file FILE) [--unit U]",
	  "set a prose section of the report",
	  "Sections: functions, organisation, goals, budget_notes, process, analysis, problems, measures, other.\n\n"
	  "example: yinhui evaluation text 2022 --section problems --file problems.txt" },
	{ "demo", "load", cmd_demo_load, "yinhui demo load [--year YEAR]",
	  "load a sample bureau (marked 示例) into an empty database (admin)",
	  "Refuses when the database holds real records.\n\nexample: yinhui demo load" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
