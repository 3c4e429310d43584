/*
 * format.c - list output a clerk opens in Excel: --format csv|xlsx,
 * --encoding and --output on the list commands. One generic writer turns
 * the rows of a command's JSON (an array, or the "items"/"lines" array of
 * an object) into a table through yinhui/table.h, with Chinese column
 * headers from the one label table below.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yinhui/encoding.h"
#include "yinhui/money.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

enum label_kind {
	LK_TEXT = 0,
	LK_FEN,  /* integer fen, written as yuan */
	LK_YUAN, /* yuan text ("300.00"), written as a money cell */
	LK_GENDER /* M/F, written 男/女 as in the roster export */
};

/* JSON key -> column header. Keep every header of every list here. */
static const struct label {
	const char *key, *label;
	enum label_kind kind;
} labels[] = {
	/* persons (the same words as the roster import's columns) */
	{ "name", "姓名", LK_TEXT },
	{ "gender", "性别", LK_GENDER },
	{ "id_number", "身份证号码", LK_TEXT },
	{ "birth_date", "出生日期", LK_TEXT },
	{ "age", "年龄", LK_TEXT },
	{ "category", "类别", LK_TEXT },
	{ "former_employer", "原工作单位", LK_TEXT },
	{ "rank", "职级", LK_TEXT },
	{ "joined_on", "参加工作时间", LK_TEXT },
	{ "retired_on", "离退休时间", LK_TEXT },
	{ "unit", "单位", LK_TEXT },
	{ "unit_name", "单位名称", LK_TEXT },
	{ "district", "区县", LK_TEXT },
	{ "address", "地址", LK_TEXT },
	{ "phone", "电话", LK_TEXT },
	{ "phones", "电话", LK_TEXT },
	{ "emergency_contacts", "紧急联系人", LK_TEXT },
	{ "living_situation", "居住状况", LK_TEXT },
	{ "care_level", "照护等级", LK_TEXT },
	{ "remote", "居住偏远", LK_TEXT },
	{ "party_member", "党员", LK_TEXT },
	{ "added_on", "入册日期", LK_TEXT },
	{ "alive", "在世", LK_TEXT },
	{ "active", "在册", LK_TEXT },
	{ "deceased_on", "去世日期", LK_TEXT },
	{ "transferred_out_on", "迁出日期", LK_TEXT },
	{ "kind", "类型", LK_TEXT },
	{ "relationship", "关系", LK_TEXT },
	{ "cadre", "关联干部", LK_TEXT },
	{ "person", "人员", LK_TEXT },
	{ "note", "备注", LK_TEXT },
	{ "id", "编号", LK_TEXT },
	/* visits, obligations, the worklist */
	{ "visited_at", "走访日期", LK_TEXT },
	{ "visited_on", "走访日期", LK_TEXT },
	{ "occasion", "走访事由", LK_TEXT },
	{ "mode", "走访方式", LK_TEXT },
	{ "staff", "走访人员", LK_TEXT },
	{ "condolence_fen", "慰问金（元）", LK_FEN },
	{ "goods", "慰问品", LK_TEXT },
	{ "findings", "走访情况", LK_TEXT },
	{ "due_on", "应访日期", LK_TEXT },
	{ "days_overdue", "逾期天数", LK_TEXT },
	{ "overdue", "已逾期", LK_TEXT },
	{ "title", "事项", LK_TEXT },
	{ "state", "状态", LK_TEXT },
	{ "met_on", "完成日期", LK_TEXT },
	{ "last_visit_on", "最近走访日期", LK_TEXT },
	{ "caseworker", "结对联系人", LK_TEXT },
	{ "reason", "原因", LK_TEXT },
	{ "date", "日期", LK_TEXT },
	{ "type", "类型", LK_TEXT },
	{ "ends_on", "结束日期", LK_TEXT },
	/* subsidies and batches */
	{ "programme", "项目", LK_TEXT },
	{ "programme_name", "项目名称", LK_TEXT },
	{ "period", "期间", LK_TEXT },
	{ "status", "状态", LK_TEXT },
	{ "reason_text", "停发原因", LK_TEXT },
	{ "amount", "金额（元）", LK_YUAN },
	{ "amount_fen", "金额（元）", LK_FEN },
	{ "total", "合计（元）", LK_YUAN },
	{ "total_fen", "合计（元）", LK_FEN },
	{ "count", "笔数", LK_TEXT },
	{ "serial", "序号", LK_TEXT },
	{ "holder_name", "户名", LK_TEXT },
	{ "account", "账号", LK_TEXT },
	{ "bank_name", "开户行", LK_TEXT },
	{ "ref", "业务流水号", LK_TEXT },
	{ "bank_ref", "银行流水号", LK_TEXT },
	{ "fail_reason", "失败原因", LK_TEXT },
	{ "paid_on", "支付日期", LK_TEXT },
	{ "flags", "提示", LK_TEXT },
	{ "start_on", "开始日期", LK_TEXT },
	{ "end_on", "结束日期", LK_TEXT },
	{ "created_by", "制单人", LK_TEXT },
	{ "approved_by", "审批人", LK_TEXT },
	/* branches and activities */
	{ "secretary", "书记", LK_TEXT },
	{ "member_count", "党员人数", LK_TEXT },
	{ "held_on", "活动日期", LK_TEXT },
	{ "participants", "参加人数", LK_TEXT },
	{ "funding_fen", "经费（元）", LK_FEN },
	{ "funding_yuan", "经费（元）", LK_YUAN },
};

static const struct label *find_label(const char *key)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].key, key) == 0)
			return &labels[i];
	return NULL;
}

const char *yh_cli_label(const char *key)
{
	const struct label *l = find_label(key);

	return l ? l->label : NULL;
}

/* Plain decimal the table accepts as a number: no '+', no leading zero, at most max_frac decimals. */
static int is_decimal(const char *s, int max_frac)
{
	const char *p = s + (*s == '-');
	size_t idig = strspn(p, "0123456789"), fdig = 0;

	if (idig == 0 || idig > 13 || (p[0] == '0' && idig > 1))
		return 0;
	p += idig;
	if (*p == '.') {
		fdig = strspn(p + 1, "0123456789");
		if (fdig == 0 || (int)fdig > max_frac)
			return 0;
		p += 1 + fdig;
	}
	return *p == '\0';
}

/*
 * "2022-12-20T10:00:00+08:00" -> "2022-12-20 10:00": spreadsheets do not read
 * ISO date-times. Only Asia/Shanghai (or zone-less) times, which is what the
 * database hands out, so the clock time shown is never shifted.
 */
static int local_time(const char *s, char out[17])
{
	size_t n = strlen(s);
	const char *zone;

	if (n < 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 11, "0123456789") != 2 || strspn(s + 14, "0123456789") != 2)
		return 0;
	zone = s + 16;
	if (*zone == ':')
		zone += 1 + strspn(zone + 1, "0123456789.");
	if (*zone != '\0' && strcmp(zone, "+08:00") != 0 && strcmp(zone, "+08") != 0 && strcmp(zone, "+0800") != 0)
		return 0;
	memcpy(out, s, 16);
	out[10] = ' ';
	out[16] = '\0';
	return 1;
}

/* An element of a list or a nested object as one piece of text. */
static char *piece(json_t *v)
{
	const char *keys[] = { "number", "name", "title", "what", NULL };

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_object(v))
		for (int k = 0; keys[k]; k++)
			if (json_is_string(json_object_get(v, keys[k])))
				return strdup(json_string_value(json_object_get(v, keys[k])));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* The text of one cell (NULL: empty) and its YH_CELL_* type. */
static char *cell_of(json_t *v, enum label_kind kind, int *type)
{
	char buf[64];

	*type = YH_CELL_TEXT;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_true(v) || json_is_false(v))
		return strdup(json_is_true(v) ? "是" : "否");
	if (json_is_integer(v) && kind == LK_FEN) {
		yh_money_format_yuan(buf, (int64_t)json_integer_value(v));
		*type = YH_CELL_MONEY;
		return strdup(buf);
	}
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*type = strlen(buf) <= 15 ? YH_CELL_INT : YH_CELL_TEXT;
		return strdup(buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		*type = is_decimal(buf, 15) ? YH_CELL_NUMBER : YH_CELL_TEXT;
		return strdup(buf);
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char t[17];
		if (kind == LK_YUAN && is_decimal(s, 2)) {
			*type = YH_CELL_MONEY;
			return strdup(s);
		}
		if (kind == LK_GENDER && (strcmp(s, "M") == 0 || strcmp(s, "F") == 0))
			return strdup(*s == 'M' ? "男" : "女");
		if (local_time(s, t))
			return strdup(t);
		return strdup(s);
	}
	if (json_is_array(v)) {
		size_t len = 0, i;
		json_t *e;
		char *out = calloc(1, 1);

		json_array_foreach(v, i, e) {
			char *p = piece(e), *grown;
			size_t pl = p ? strlen(p) : 0;
			grown = out && p ? realloc(out, len + pl + 4) : NULL;
			if (grown == NULL) {
				free(p);
				free(out);
				return NULL;
			}
			out = grown;
			/* 、 between the elements of a list, as written by hand */
			if (i > 0) {
				memcpy(out + len, "、", 3);
				len += 3;
			}
			memcpy(out + len, p, pl);
			len += pl;
			out[len] = '\0';
			free(p);
		}
		return out;
	}
	return piece(v);
}

/* The rows of a command's output: the array itself, or an object's "items" or "lines". */
static json_t *rows_of(json_t *doc)
{
	if (json_is_array(doc))
		return doc;
	if (json_is_array(json_object_get(doc, "items")))
		return json_object_get(doc, "items");
	return json_is_array(json_object_get(doc, "lines")) ? json_object_get(doc, "lines") : NULL;
}

int yh_cli_table_write(const char *json, const char *const *columns, int format, int encoding, const char *path,
	size_t *nrows, yh_err *err)
{
	json_t *doc = NULL, *rows, *first;
	yh_table *t = NULL;
	const char **cols = NULL, **heads = NULL, *key;
	char **cells = NULL, (*fen_heads)[96] = NULL;
	int *types = NULL, rc = 0;
	size_t ncols = 0, i;
	json_t *row, *val;

	*nrows = 0;
	doc = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	rows = rows_of(doc);
	if (rows == NULL) {
		rc = yh_err_set(err, YH_EUSAGE, "format", "this output is not a list: use --json");
		goto done;
	}
	first = json_array_get(rows, 0);
	if (columns) {
		while (columns[ncols])
			ncols++;
	} else {
		ncols = json_is_object(first) ? json_object_size(first) : 0;
	}
	cols = calloc(ncols + 1, sizeof(*cols));
	heads = calloc(ncols + 1, sizeof(*heads));
	cells = calloc(ncols + 1, sizeof(*cells));
	types = calloc(ncols + 1, sizeof(*types));
	fen_heads = calloc(ncols + 1, sizeof(*fen_heads));
	if (cols == NULL || heads == NULL || cells == NULL || types == NULL || fen_heads == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	if (columns) {
		for (i = 0; i < ncols; i++)
			cols[i] = columns[i];
	} else {
		i = 0;
		json_object_foreach(first, key, val)
			cols[i++] = key;
	}
	for (i = 0; i < ncols; i++) {
		const struct label *l = find_label(cols[i]);
		size_t kl = strlen(cols[i]);
		heads[i] = l ? l->label : cols[i];
		/* an unlabelled amount in fen still reads in yuan, and says so */
		if (l == NULL && kl > 4 && strcmp(cols[i] + kl - 4, "_fen") == 0) {
			snprintf(fen_heads[i], sizeof(fen_heads[i]), "%.*s（元）", (int)(kl - 4 > 60 ? 60 : kl - 4), cols[i]);
			heads[i] = fen_heads[i];
		}
	}
	rc = yh_table_open(&t, path, format, format == YH_TABLE_CSV ? encoding : 0, NULL, err);
	if (rc == 0)
		rc = yh_table_header(t, heads, ncols, err);
	json_array_foreach(rows, i, row) {
		if (rc != 0)
			break;
		for (size_t c = 0; c < ncols; c++) {
			const struct label *l = find_label(cols[c]);
			size_t kl = strlen(cols[c]);
			enum label_kind kind = l ? l->kind :
				(kl > 4 && strcmp(cols[c] + kl - 4, "_fen") == 0) ? LK_FEN : LK_TEXT;
			cells[c] = cell_of(json_object_get(row, cols[c]), kind, &types[c]);
		}
		rc = yh_table_row(t, (const char *const *)cells, types, ncols, err);
		for (size_t c = 0; c < ncols; c++) {
			free(cells[c]);
			cells[c] = NULL;
		}
		if (rc == 0)
			(*nrows)++;
	}
	if (rc == 0) {
		rc = yh_table_close(t, err);
		t = NULL;
	}
done:
	yh_table_discard(t);
	free(cols);
	free(heads);
	free(cells);
	free(types);
	free(fen_heads);
	json_decref(doc);
	return rc;
}

/* Value of a flag given as "--name value" or "--name=value" at argv[i]; *used = argv slots taken. */
static int take_value(int argc, char **argv, int i, const char *name, const char **val, int *used)
{
	size_t n = strlen(name);

	*used = 0;
	if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, n) != 0)
		return 0;
	if (argv[i][2 + n] == '=') {
		*val = argv[i] + 3 + n;
		*used = 1;
	} else if (argv[i][2 + n] == '\0') {
		*val = i + 1 < argc ? argv[i + 1] : NULL;
		*used = i + 1 < argc ? 2 : 1;
	}
	return *used > 0;
}

int yh_cli_take_format(yh_cli *c, int *argc, char **argv, yh_err *err)
{
	static const char *const names[] = { "format", "encoding", "output" };
	const char *got[3] = { NULL, NULL, NULL };
	size_t olen;
	int i = 0, enc = YH_ENC_UTF8_BOM;

	while (i < *argc) {
		int taken = 0, used = 0;
		for (int k = 0; k < 3 && !taken; k++) {
			const char *v = NULL;
			if (!take_value(*argc, argv, i, names[k], &v, &used))
				continue;
			if (v == NULL || *v == '\0')
				return yh_err_set(err, YH_EUSAGE, names[k], "--%s needs a value", names[k]);
			got[k] = v;
			taken = 1;
		}
		if (!taken) {
			i++;
			continue;
		}
		memmove(&argv[i], &argv[i + used], (size_t)(*argc - i - used) * sizeof(char *));
		*argc -= used;
	}
	if (got[0] == NULL && got[1] == NULL && got[2] == NULL)
		return 0;
	if (c->json)
		return yh_err_set(err, YH_EUSAGE, "format", "--json and --format/--output exclude each other");
	olen = got[2] ? strlen(got[2]) : 0;
	if (got[0] != NULL && strcmp(got[0], "csv") == 0)
		c->format = YH_TABLE_CSV;
	else if (got[0] != NULL && strcmp(got[0], "xlsx") == 0)
		c->format = YH_TABLE_XLSX;
	else if (got[0] != NULL)
		return yh_err_set(err, YH_EUSAGE, "format", "--format is csv or xlsx");
	else /* --output names the kind of file */
		c->format = olen > 5 && strcmp(got[2] + olen - 5, ".xlsx") == 0 ? YH_TABLE_XLSX : YH_TABLE_CSV;
	if (got[1] != NULL && c->format == YH_TABLE_XLSX)
		return yh_err_set(err, YH_EUSAGE, "encoding", "--encoding is for CSV; an XLSX file is always Unicode");
	if (got[1] != NULL && yh_encoding_from_name(&enc, got[1], YH_ENC_FOR_OUTPUT, err) != 0) {
		err->code = YH_EUSAGE;
		return YH_EUSAGE;
	}
	/* a CSV for Excel: UTF-8 always carries the BOM, without it Excel guesses the ANSI code page */
	c->encoding = enc == YH_ENC_UTF8 ? YH_ENC_UTF8_BOM : enc;
	c->output = got[2];
	if (c->format == YH_TABLE_XLSX && c->output == NULL && isatty(STDOUT_FILENO))
		return yh_err_set(err, YH_EUSAGE, "output", "an XLSX file is binary: give --output FILE.xlsx or redirect standard output");
	return 0;
}

/* XLSX cannot be streamed: write it to a private temporary file, then copy that to stdout. */
static int xlsx_to_stdout(const char *json, const char *const *columns, size_t *rows, yh_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600], *data = NULL;
	size_t len = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/yinhui-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create a temporary directory in %s", tmp ? tmp : "/tmp");
	snprintf(path, sizeof(path), "%s/list.xlsx", dir);
	rc = yh_cli_table_write(json, columns, YH_TABLE_XLSX, 0, path, rows, err);
	if (rc == 0 && yh_file_read(path, 1u << 30, &data, &len) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot read back %s", path);
	if (rc == 0 && (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0))
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot write to standard output");
	free(data);
	unlink(path);
	rmdir(dir);
	return rc;
}

int yh_cli_output(const yh_cli *c, const char *json, const char *const *columns, yh_err *err)
{
	size_t rows = 0;
	int rc;

	if (c->format == 0) {
		yh_cli_print(c, json, columns);
		return 0;
	}
	if (c->output == NULL && c->format == YH_TABLE_XLSX)
		return xlsx_to_stdout(json, columns, &rows, err);
	rc = yh_cli_table_write(json, columns, c->format, c->encoding, c->output ? c->output : "-", &rows, err);
	if (rc == 0 && c->output != NULL)
		fprintf(stderr, "%zu rows written to %s\n", rows, c->output);
	return rc;
}
