/*
 * Commands of the case module: plan, visit, visits due, event, obligation,
 * festival rules and casework figures. Each parses its arguments, calls one
 * core function (include/yinhui/casework.h, festival.h) and prints.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "yinhui/casework.h"
#include "yinhui/festival.h"

/* The leading ID argument; the options follow it. */
static int take_id(int *argc, char ***argv, const char *what, const char **id, yh_err *err)
{
	if (*argc < 1 || strncmp((*argv)[0], "--", 2) == 0)
		return yh_err_set(err, YH_EUSAGE, NULL, "give the %s id first", what);
	*id = (*argv)[0];
	(*argc)--;
	(*argv)++;
	return 0;
}

/* Refuses options other than the known ones (bare flags listed in bare take no value). */
static int only_flags(int argc, char **argv, const char *const *known, const char *const *bare, yh_err *err)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t n;
		int ok = 0, is_bare = 0;

		if (strncmp(a, "--", 2) != 0)
			return yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument \"%s\"", a);
		n = strcspn(a + 2, "=");
		for (size_t k = 0; known && known[k]; k++)
			if (strlen(known[k]) == n && strncmp(a + 2, known[k], n) == 0)
				ok = 1;
		for (size_t k = 0; bare && bare[k]; k++)
			if (strcmp(a + 2, bare[k]) == 0)
				ok = is_bare = 1;
		if (!ok)
			return yh_err_set(err, YH_EUSAGE, NULL, "unknown option %s", a);
		if (!is_bare && a[2 + n] != '=' && ++i >= argc)
			return yh_err_set(err, YH_EUSAGE, NULL, "%s needs a value", a);
	}
	return 0;
}

/*
 * "--staff a,b" and "--difficulty-tags 医疗,照护" are conveniences for the
 * JSON arrays the core takes (split here on ASCII commas and spaces only:
 * multibyte separators would cut UTF-8 characters apart).
 */
static int lists_as_json(yh_fields **f, yh_err *err)
{
	static const char *const keys[] = { "staff", "difficulty_tags", NULL };
	yh_fields *nf = NULL;
	int rc = 0, any = 0;

	for (size_t k = 0; keys[k]; k++) {
		int i = yh_fields_find(*f, keys[k]);
		any |= i >= 0 && yh_fields_kind(*f, (size_t)i) == YH_FV_STRING;
	}
	if (!any)
		return 0;
	if (yh_fields_new(&nf) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t i = 0; rc == 0 && i < yh_fields_count(*f); i++) {
		const char *key = yh_fields_key(*f, i), *val = yh_fields_value(*f, i);
		int is_list = 0;

		for (size_t k = 0; keys[k]; k++)
			is_list |= strcmp(key, keys[k]) == 0;
		if (is_list && yh_fields_kind(*f, i) == YH_FV_STRING) {
			json_t *arr = json_array();
			char *copy = strdup(val), *save = NULL, *json = NULL;

			for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t; t = strtok_r(NULL, ", ", &save))
				json_array_append_new(arr, json_string(t));
			json = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
			rc = json ? yh_fields_set(nf, key, json, YH_FV_JSON, err) :
				    yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			free(json);
			free(copy);
			json_decref(arr);
		} else {
			rc = yh_fields_set(nf, key, val, yh_fields_kind(*f, i), err);
		}
	}
	if (rc == 0) {
		yh_fields_free(*f);
		*f = nf;
		nf = NULL;
	}
	yh_fields_free(nf);
	return rc;
}

/* The pattern of most commands: options -> fields -> one core call -> print. */
typedef int (*fields_fn)(yh_db *, const yh_actor *, const yh_fields *, char **, yh_err *);
typedef int (*id_fields_fn)(yh_db *, const yh_actor *, const char *, const yh_fields *, char **, yh_err *);
typedef int (*id_fn)(yh_db *, const yh_actor *, const char *, char **, yh_err *);

static int run_fields(yh_cli *c, int argc, char **argv, fields_fn fn, const char *const *cols, yh_err *err)
{
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_fields(argc, argv, NULL, &f, err);
	if (rc == 0)
		rc = lists_as_json(&f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, f, &out, err);
	if (rc == 0)
		rc = yh_cli_output(c, out, cols, err);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int run_id_fields(yh_cli *c, int argc, char **argv, const char *what, id_fields_fn fn, yh_err *err)
{
	const yh_actor *a;
	const char *id = NULL;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = take_id(&argc, &argv, what, &id, err);
	if (rc == 0)
		rc = yh_cli_fields(argc, argv, NULL, &f, err);
	if (rc == 0)
		rc = lists_as_json(&f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, id, f, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int run_id(yh_cli *c, int argc, char **argv, const char *what, id_fn fn, const char *const *cols,
	yh_err *err)
{
	const yh_actor *a;
	const char *id = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = take_id(&argc, &argv, what, &id, err);
	if (rc == 0)
		rc = only_flags(argc, argv, NULL, NULL, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, id, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, cols);
	free(out);
	return rc;
}

static const char *const history_cols[] = { "revision", "at", "by", NULL };

static int cmd_plan_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const bare[] = { "history", NULL };
	int history = yh_cli_has(argc, argv, "history");
	const yh_actor *a;
	const char *id = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = take_id(&argc, &argv, "person", &id, err);
	if (rc == 0)
		rc = only_flags(argc, argv, NULL, bare, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = history ? yh_plan_history(db, a, id, &out, err) : yh_plan_show(db, a, id, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, history ? history_cols : NULL);
	free(out);
	return rc;
}

static int cmd_plan_set(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id_fields(c, argc, argv, "person", yh_plan_set, err);
}

static int cmd_plan_history(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id(c, argc, argv, "person", yh_plan_history, history_cols, err);
}

static int cmd_visit_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_fields(c, argc, argv, yh_visit_create, NULL, err);
}

static int cmd_visit_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id(c, argc, argv, "visit", yh_visit_show, NULL, err);
}

static int cmd_visit_amend(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id_fields(c, argc, argv, "visit", yh_visit_amend, err);
}

static int cmd_visit_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "visited_at", "name", "unit", "occasion", "mode", "staff",
		"condolence_fen", "id", NULL };
	int rc = yh_cli_take_format(c, &argc, argv, err);

	return rc != 0 ? rc : run_fields(c, argc, argv, yh_visit_list, cols, err);
}

static void print_section(const yh_cli *c, json_t *doc, const char *key, const char *title,
	const char *const *cols)
{
	json_t *arr = json_object_get(doc, key);
	char total_key[64];
	char *s;

	snprintf(total_key, sizeof(total_key), "%s_total", strcmp(key, "items") == 0 ? "" : key);
	printf("\n%s (%lld)\n", title, (long long)json_integer_value(json_object_get(doc,
		strcmp(key, "items") == 0 ? "total" : total_key)));
	s = json_dumps(arr, JSON_COMPACT);
	yh_cli_print(c, s, cols);
	free(s);
}

static int cmd_visits_due(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const known[] = { "unit", "caseworker", "within", "limit", NULL };
	static const char *const bare[] = { "overdue", NULL };
	static const char *const ob_cols[] = { "due_on", "days_overdue", "occasion", "title", "name", "unit",
		"phones", "address", "last_visit_on", "id", NULL };
	static const char *const rv_cols[] = { "due_on", "days_overdue", "name", "unit", "caseworker", "phones", NULL };
	static const char *const fu_cols[] = { "due_on", "days_overdue", "kind", "what", "owner", "name", "unit", NULL };
	yh_worklist_filter filter;
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_take_format(c, &argc, argv, err);
	if (rc == 0)
		rc = only_flags(argc, argv, known, bare, err);
	if (rc == 0 && yh_fields_new(&f) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t k = 0; rc == 0 && known[k]; k++)
		if (yh_cli_flag(argc, argv, known[k]))
			rc = yh_fields_set(f, known[k], yh_cli_flag(argc, argv, known[k]), YH_FV_STRING, err);
	if (rc == 0 && yh_cli_has(argc, argv, "overdue"))
		rc = yh_fields_set(f, "overdue", "true", YH_FV_BOOL, err);
	if (rc == 0)
		rc = yh_worklist_filter_parse(&filter, f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_worklist(db, a, &filter, &out, err);
	if (rc == 0 && c->json) {
		yh_cli_print(c, out, NULL);
	} else if (rc == 0 && c->format) {
		rc = yh_cli_output(c, out, ob_cols, err); /* the must-visit list */
	} else if (rc == 0) {
		json_t *doc = json_loads(out, 0, NULL);
		printf("as of %s (Asia/Shanghai)\n", json_string_value(json_object_get(doc, "as_of")));
		print_section(c, doc, "items", "must-visit", ob_cols);
		print_section(c, doc, "reviews", "plans due for review", rv_cols);
		print_section(c, doc, "follow_ups", "follow-ups and measures due", fu_cols);
		json_decref(doc);
	}
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_event_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_fields(c, argc, argv, yh_event_record, NULL, err);
}

static int cmd_event_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "date", "type", "name", "ends_on", "district", "note", "id", NULL };

	return run_fields(c, argc, argv, yh_event_list, cols, err);
}

static int cmd_ob_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "due_on", "state", "occasion", "title", "name", "days_overdue",
		"met_on", "id", NULL };
	int rc = yh_cli_take_format(c, &argc, argv, err);

	return rc != 0 ? rc : run_fields(c, argc, argv, yh_obligation_list, cols, err);
}

static int cmd_ob_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id(c, argc, argv, "obligation", yh_obligation_show, NULL, err);
}

static int cmd_ob_meet(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id_fields(c, argc, argv, "obligation", yh_obligation_meet, err);
}

static int cmd_ob_waive(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id_fields(c, argc, argv, "obligation", yh_obligation_waive, err);
}

static int cmd_ob_cancel(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_id_fields(c, argc, argv, "obligation", yh_obligation_cancel, err);
}

static int cmd_ob_generate(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return run_fields(c, argc, argv, yh_obligation_generate, NULL, err);
}

static int cmd_figures(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const known[] = { "from", "to", "unit", "records", NULL };
	const char *code = yh_cli_flag(argc, argv, "records");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = only_flags(argc, argv, known, NULL, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0 && code)
		rc = yh_case_figure_records(db, a, code, yh_cli_flag(argc, argv, "from"), yh_cli_flag(argc, argv, "to"),
			yh_cli_flag(argc, argv, "unit"), &out, err);
	else if (rc == 0)
		rc = yh_case_figures(db, a, yh_cli_flag(argc, argv, "from"), yh_cli_flag(argc, argv, "to"),
			yh_cli_flag(argc, argv, "unit"), &out, err);
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	return rc;
}

static const char *const festival_cols[] = { "code", "name", "spec", "date", "categories", "survivors",
	"party_members_only", "window_days", "active", "note", NULL };

static int cmd_festival_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const known[] = { "year", NULL };
	int rc = only_flags(argc, argv, known, NULL, err);

	return rc != 0 ? rc : run_fields(c, argc, argv, yh_festival_rule_list, festival_cols, err);
}

/*
 * Spellings of the festival options, into the fields the core takes: a bare
 * --survivors, --party-members-only or --active means true, --categories
 * all is null (every cadre) and --categories none the empty list.
 */
static int festival_args(int argc, char **argv, char ***out, int *outc, yh_err *err)
{
	static const char *const bools[] = { "survivors", "party-members-only", "active", NULL };
	static const char *const as_true[] = { "--survivors=true", "--party-members-only=true", "--active=true" };
	char **nv = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0;

	*out = NULL;
	if (nv == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (int i = 0; i < argc; i++) {
		int bare = i + 1 == argc || strncmp(argv[i + 1], "--", 2) == 0, k;

		for (k = 0; bools[k]; k++)
			if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, bools[k]) == 0)
				break;
		if (bools[k] && bare) {
			nv[n++] = (char *)as_true[k];
		} else if (strcmp(argv[i], "--categories") == 0 && !bare && strcmp(argv[i + 1], "all") == 0) {
			nv[n++] = (char *)"--clear-categories";
			i++;
		} else if (strcmp(argv[i], "--categories") == 0 && !bare && strcmp(argv[i + 1], "none") == 0) {
			nv[n++] = (char *)"--categories=";
			i++;
		} else {
			nv[n++] = argv[i];
		}
	}
	*out = nv;
	*outc = n;
	return 0;
}

static int cmd_festival_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char **nv = NULL;
	int n = 0, rc = festival_args(argc, argv, &nv, &n, err);

	if (rc == 0)
		rc = run_fields(c, n, nv, yh_festival_rule_add, NULL, err);
	free(nv);
	return rc;
}

static int cmd_festival_set(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char **nv = NULL;
	int n = 0, rc = festival_args(argc, argv, &nv, &n, err);

	if (rc == 0)
		rc = run_id_fields(c, n, nv, "festival rule", yh_festival_rule_update, err);
	free(nv);
	return rc;
}

const yh_cli_cmd yh_cmds_case[] = {
	{ "plan", "show", cmd_plan_show, "yinhui plan show PERSON [--history]",
	  "show a person's current care plan (一人一策), or all its revisions",
	  "PERSON is the person's id (UUID). The plan carries the needs assessment, difficulty\n"
	  "tags, measures, the assigned caseworker (结对联系人), the next review date and the\n"
	  "关爱档案 flag.\n\n"
	  "example: yinhui plan show 7c0e2a4e-5b1f-4f7e-9a51-2f4f0d6b9c11 --history" },
	{ "plan", "set", cmd_plan_set,
	  "yinhui plan set PERSON [--FIELD VALUE ...]",
	  "create or revise a care plan (every revision is kept)",
	  "Fields: --health T --chronic-illness T --care-level L --cognition C\n"
	  "--living-situation S --family-support T --finances T --housing T --mood T\n"
	  "--difficulty-tags 经济,医疗 --caseworker USER|me --next-review-on D --reviewed true\n"
	  "--care-file true --care-file-reason T --note T --measures JSON (--clear-FIELD empties one).\n"
	  "Only the options given change. care-level: 自理 半失能 失能; cognition: 正常 轻度障碍\n"
	  "中度障碍 重度障碍; living-situation: 独居 空巢 与子女同住 养老机构 异地; tags: 经济 医疗\n"
	  "照护 住房 精神慰藉. --reviewed true records a review today and sets the next one\n"
	  "(setting plan.review_months, default 3). --measures takes a JSON array of\n"
	  "{\"what\",\"owner\",\"due_on\",\"status\"}; an item with \"id\" changes that measure.\n\n"
	  "example: yinhui plan set 7c0e2a4e-5b1f-4f7e-9a51-2f4f0d6b9c11 --care-level 半失能 \\\n"
	  "           --difficulty-tags 医疗,照护 --caseworker me \\\n"
	  "           --measures '[{\"what\":\"每月电话问候\",\"owner\":\"李明\",\"due_on\":\"2026-01-31\"}]'" },
	{ "plan", "history", cmd_plan_history, "yinhui plan history PERSON",
	  "list the revisions of a care plan, newest first",
	  "example: yinhui --json plan history 7c0e2a4e-5b1f-4f7e-9a51-2f4f0d6b9c11" },
	{ "visit", "add", cmd_visit_add,
	  "yinhui visit add --person P --visited-at T --occasion O --mode M [--OPTION VALUE ...]",
	  "log a visit (it meets the matching open must-visit obligation)",
	  "Options: --staff U1,U2 --condolence-yuan Y (or --condolence-fen F) --goods T\n"
	  "--findings T --follow-ups JSON --obligation ID.\n"
	  "--visited-at is ISO 8601; without a zone it is Asia/Shanghai time. Occasions: 重大节日\n"
	  "重要生日 重病住院 酷暑严寒 遇到困难 临终去世 日常联系 送医上门 送学上门 调研访谈. Modes: 上门\n"
	  "医院 电话 视频. Staff default to you. --follow-ups takes a JSON array of\n"
	  "{\"action\",\"owner\",\"due_on\"}. --obligation links an obligation explicitly.\n\n"
	  "example: yinhui visit add --person 7c0e2a4e-5b1f-4f7e-9a51-2f4f0d6b9c11 \\\n"
	  "           --visited-at 2025-10-06T10:30 --occasion 重大节日 --mode 上门 --staff li,wang \\\n"
	  "           --condolence-yuan 500 --goods 月饼 --findings 精神尚好，腿脚不便" },
	{ "visit", "show", cmd_visit_show, "yinhui visit show VISIT",
	  "show a visit as corrected, with its amendment history",
	  "example: yinhui visit show 0b7f1c56-3d1e-4a0a-8f43-0c2a9e7d5b10" },
	{ "visit", "amend", cmd_visit_amend,
	  "yinhui visit amend VISIT --reason WHY [--FIELD VALUE ...]",
	  "correct a visit (the original values stay in its amendment history)",
	  "Fields: --visited-at T --occasion O --mode M --staff U1,U2 --condolence-yuan Y\n"
	  "--goods T --findings T --follow-ups JSON.\n"
	  "Follow-up items with \"id\" change that follow-up (e.g. {\"id\":\"...\",\"status\":\"done\"}).\n\n"
	  "example: yinhui visit amend 0b7f1c56-3d1e-4a0a-8f43-0c2a9e7d5b10 --mode 医院 \\\n"
	  "           --reason \"录入错误：实为医院探望\"" },
	{ "visit", "list", cmd_visit_list,
	  "yinhui visit list [--person P] [--from D] [--to D] [--occasion O] [--mode M] [--limit N] [--format csv|xlsx]",
	  "list visits in your units, newest first",
	  "--format csv|xlsx [--encoding utf-8|gbk] [--output FILE] writes the list for Excel with\n"
	  "Chinese headers (走访日期, 姓名, ...; 慰问金 in yuan).\n\n"
	  "example: yinhui visit list --from 2025-01-01 --to 2025-12-31 --occasion 重病住院\n"
	  "example: yinhui visit list --from 2025-01-01 --to 2025-12-31 --output 2025年走访记录.xlsx" },
	{ "visits", "due", cmd_visits_due,
	  "yinhui visits due [--unit U] [--caseworker USER|me] [--within 14d] [--overdue] [--limit N] [--format csv|xlsx]",
	  "the worklist: who must be visited by when, plans due for review, follow-ups due",
	  "Ordered by urgency: overdue first, then by due date. Due and overdue are decided\n"
	  "by the date in Asia/Shanghai. Deceased and transferred-out persons never appear.\n"
	  "--format csv|xlsx [--encoding utf-8|gbk] [--output FILE] writes the must-visit list for Excel.\n\n"
	  "example: yinhui visits due --caseworker me --within 7d\n"
	  "example: yinhui visits due --within 30d --format csv --encoding gbk --output 本月应访.csv" },
	{ "event", "add", cmd_event_add,
	  "yinhui event add --type T --date D [--person P] [--ends-on D] [--district X] [--note T]",
	  "record an event; it opens the must-visit obligations it implies",
	  "Types: hospitalised, serious_illness (visit due in 3 days), discharged (check-in in\n"
	  "7 days), hardship (7 days), weather (--date..--ends-on, --district or the whole city:\n"
	  "the vulnerable — 80+, 独居/空巢, 失能, 居住偏远), death (one transaction: records the\n"
	  "death, cancels open obligations, opens the bereavement visit, lists the survivors\n"
	  "it makes eligible; subsidies stop from the next period). Days are settings.\n\n"
	  "example: yinhui event add --type death --person 7c0e2a4e-5b1f-4f7e-9a51-2f4f0d6b9c11 --date 2025-11-02" },
	{ "event", "list", cmd_event_list,
	  "yinhui event list [--person P] [--type T] [--from D] [--to D] [--limit N]",
	  "list recorded events, newest first", "example: yinhui event list --type weather" },
	{ "obligation", "list", cmd_ob_list,
	  "yinhui obligation list [--person P] [--state S] [--occasion O] [--from D] [--to D] [--limit N] [--format csv|xlsx]",
	  "list must-visit obligations by due date",
	  "States: open, met, waived, cancelled, missed. --from/--to bound the due date.\n"
	  "--format csv|xlsx [--encoding utf-8|gbk] [--output FILE] writes the list for Excel.\n\n"
	  "example: yinhui obligation list --state open --to 2025-12-31\n"
	  "example: yinhui obligation list --state open --format xlsx --output 未完成走访.xlsx" },
	{ "obligation", "show", cmd_ob_show, "yinhui obligation show ID", "show one obligation",
	  "example: yinhui obligation show 5d3c9a10-8e2b-4c1f-b7a6-1e0f9d8c7b65" },
	{ "obligation", "meet", cmd_ob_meet, "yinhui obligation meet ID --visit VISIT",
	  "mark an open obligation met by a visit of the same person",
	  "example: yinhui obligation meet 5d3c9a10-8e2b-4c1f-b7a6-1e0f9d8c7b65 --visit 0b7f1c56-3d1e-4a0a-8f43-0c2a9e7d5b10" },
	{ "obligation", "waive", cmd_ob_waive, "yinhui obligation waive ID --reason WHY",
	  "waive an open obligation, with the reason",
	  "example: yinhui obligation waive 5d3c9a10-8e2b-4c1f-b7a6-1e0f9d8c7b65 --reason 本人在外地随子女居住" },
	{ "obligation", "cancel", cmd_ob_cancel, "yinhui obligation cancel ID --reason WHY",
	  "cancel an open obligation, with the reason",
	  "example: yinhui obligation cancel 5d3c9a10-8e2b-4c1f-b7a6-1e0f9d8c7b65 --reason 重复登记" },
	{ "obligation", "generate", cmd_ob_generate, "yinhui obligation generate --through D [--from D]",
	  "generate festival and important-birthday obligations ahead (never duplicates)",
	  "Festivals come from the festival rules (春节, 中秋, 重阳, 七一, 元旦 by default, with the\n"
	  "groups each covers); birthdays from the birthday.* settings (default 逢五逢十 from 70,\n"
	  "every year from 100, 周岁, Gregorian). --from defaults to today. Running it again over\n"
	  "the same window creates nothing new. Over a past window, who is owed a visit follows\n"
	  "the roster of each day (a cadre who died after a festival is owed it, one who died\n"
	  "before is not), visits already logged meet the obligations they fit, and what a person\n"
	  "who has died or left since can no longer get is closed as missed.\n\n"
	  "example: yinhui obligation generate --through 2027-03-31" },
	{ "obligations", "generate", cmd_ob_generate, "yinhui obligations generate --through D [--from D]",
	  "the same as 'yinhui obligation generate'",
	  "example: yinhui obligations generate --through 2027-03-31" },
	{ "festival", "list", cmd_festival_list, "yinhui festival list [--year Y]",
	  "list the festival rules and the day each falls on in a year",
	  "Every rule, active or not, by code, with the date it falls on in --year (default\n"
	  "this year). Rules decide which festivals open must-visit obligations (重大节日), for\n"
	  "which cadres, and how many days before the festival a visit counts.\n\n"
	  "example: yinhui festival list --year 2027" },
	{ "festival", "add", cmd_festival_add,
	  "yinhui festival add --code CODE --name NAME --spec SPEC [--categories LIST] [--survivors] [--party-members-only] [--window-days N] [--note T]",
	  "add a festival rule (admin)",
	  "--spec is a festival code (yuandan chuxi chunjie yuanxiao duanwu qiyi bayi zhongqiu\n"
	  "guoqing chongyang), MM-DD, or L:MM-DD for a lunar day. For a festival code, --spec\n"
	  "and --name may be left out. --categories: a comma list of 离休 退休 企业离休\n"
	  "建国初期参加工作的退休干部, or all (the default) or none. --survivors: eligible survivors\n"
	  "(遗属) too. --window-days (0-90, default 14): a visit counts from that many days\n"
	  "before. --active false adds the rule switched off. The rule applies to obligations\n"
	  "generated from now on (yinhui obligation generate).\n\n"
	  "example: yinhui festival add --code guoqing --name 国庆节 --spec guoqing --categories 离休,企业离休\n"
	  "example: yinhui festival add --code laonian --name 敬老日 --spec L:09-09 --window-days 7" },
	{ "festival", "set", cmd_festival_set,
	  "yinhui festival set CODE [--active true|false] [--OPTION VALUE ...]",
	  "change a festival rule, or deactivate it (admin)",
	  "Options: --name N --spec S --categories LIST|all|none --survivors true|false\n"
	  "--party-members-only true|false --window-days N --active true|false --note T\n"
	  "(see yinhui festival add --help). The code cannot change.\n"
	  "Only the options given change. Rules are never deleted: --active false stops a rule\n"
	  "opening obligations. Obligations generated before the change stay as they are (cancel\n"
	  "those no longer wanted with yinhui obligation cancel).\n\n"
	  "example: yinhui festival set qiyi --party-members-only true --categories 离休,企业离休\n"
	  "example: yinhui festival set yuandan --active false" },
	{ "casework", "figures", cmd_figures,
	  "yinhui casework figures --from D --to D [--unit U] [--records CODE]",
	  "casework figures for a period (visits, obligations, rates, plans), or the records behind one",
	  "Codes: visits.count visits.persons visits.illness visits.by_occasion[.OCCASION]\n"
	  "visits.by_mode[.MODE] visits.condolence_fen obligations.opened .due .met .met_on_time\n"
	  ".waived .open .coverage_rate .timeliness_rate .median_days_to_visit plans.current\n"
	  "plans.overdue.\n\n"
	  "example: yinhui casework figures --from 2025-01-01 --to 2025-12-31 --records obligations.open" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
