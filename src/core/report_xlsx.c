/*
 * Tabular renderings of the evaluation document: the XLSX workbook
 * (libxlsxwriter; the 自评表 with the totals in fixed cells, a figures sheet
 * with a defined name per figure), CSV and plain text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/eval_internal.h"
#include "yinhui/money.h"
#include "yinhui/util.h"

/* Stable layout of the 自评表 sheet (0-based rows), documented in docs/evaluation.md. */
#define ROW_TOTAL 3  /* B4 score, D4 grade */
#define ROW_HEADER 6 /* row 7 */

static const char *const table_cols[] = { "代码", "一级指标", "二级指标", "三级指标", "分值", "指标类别",
	"年度指标值", "实际完成值", "完成率(%)", "计算得分", "得分", "偏差原因", "改进措施" };
#define NCOLS (sizeof(table_cols) / sizeof(table_cols[0]))

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The 13 cells of one indicator row (borrowed strings; "" when empty). */
static void row_cells(json_t *ind, const char *cells[NCOLS])
{
	json_int_t level = json_integer_value(json_object_get(ind, "level"));
	json_t *actual = json_object_get(ind, "actual");
	const char *status = yh_eval_str(ind, "status");

	for (size_t c = 0; c < NCOLS; c++)
		cells[c] = "";
	cells[0] = yh_eval_str(ind, "code");
	if (level >= 1 && level <= 3)
		cells[level] = yh_eval_str(ind, "name");
	cells[4] = yh_eval_str(ind, "points");
	cells[5] = yh_eval_str(ind, "class");
	if (!json_is_true(json_object_get(ind, "leaf"))) {
		cells[10] = jstr(ind, "score") ? jstr(ind, "score") : "";
		return;
	}
	cells[6] = yh_eval_str(json_object_get(ind, "target"), "display");
	cells[7] = json_is_object(actual) ? yh_eval_str(actual, "display") :
		(strcmp(status, "not_applicable") == 0 ? "不适用" : "未填报");
	cells[8] = jstr(ind, "completion") ? jstr(ind, "completion") : "";
	cells[9] = jstr(ind, "computed_score") ? jstr(ind, "computed_score") : "";
	cells[10] = jstr(ind, "score") ? jstr(ind, "score") : "不适用";
	cells[11] = jstr(ind, "justification") ? jstr(ind, "justification") :
		(jstr(ind, "na_reason") ? jstr(ind, "na_reason") : "");
	cells[12] = jstr(ind, "improvement") ? jstr(ind, "improvement") : "";
}

/* Columns holding decimals (分值, 完成率, 计算得分, 得分) are written as numbers. */
static int numeric_col(size_t c)
{
	return c == 4 || c == 8 || c == 9 || c == 10;
}

static void write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, int numeric, lxw_format *num,
	lxw_format *text)
{
	char *end = NULL;
	double d;

	if (s == NULL || *s == '\0')
		return;
	if (numeric) {
		errno = 0;
		d = strtod(s, &end);
		if (errno == 0 && end && *end == '\0') {
			worksheet_write_number(ws, r, c, d, num);
			return;
		}
	}
	worksheet_write_string(ws, r, c, s, text);
}

/* One figure row; returns 1 when written. */
static int figure_row(lxw_workbook *wb, lxw_worksheet *ws, lxw_row_t r, const char *code, json_t *v,
	json_t *labels, lxw_format *num, lxw_format *integer)
{
	json_t *lab = json_object_get(labels, code);
	const char *kind = yh_eval_str(lab, "kind");
	char name[160], formula[64];
	int ascii = 1, not_entered;

	worksheet_write_string(ws, r, 0, code, NULL);
	worksheet_write_string(ws, r, 1, yh_eval_str(lab, "label"), NULL);
	not_entered = json_is_object(v) && json_is_false(json_object_get(v, "entered"));
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (not_entered) {
		worksheet_write_string(ws, r, 2, "未录入", NULL);
	} else if (v == NULL || json_is_null(v)) {
		worksheet_write_string(ws, r, 2, "不适用", NULL);
	} else if (json_is_string(v)) {
		/* rates come as decimal text; anything else (the period's dates, the unit's code) stays text */
		write_cell(ws, r, 2, json_string_value(v), 1, num, NULL);
	} else if (strcmp(kind, "fen") == 0) {
		/* XLSX holds numbers as doubles: yuan with 2 decimals are shown exactly */
		worksheet_write_number(ws, r, 2, (double)json_integer_value(v) / 100.0, num);
	} else {
		worksheet_write_number(ws, r, 2, (double)json_integer_value(v), integer);
	}
	worksheet_write_string(ws, r, 3, strcmp(kind, "rate") == 0 ? "%" : (strcmp(kind, "fen") == 0 ? "元" :
		yh_eval_str(lab, "unit")), NULL);
	for (const char *p = code; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii && strlen(code) < sizeof(name)) {
		size_t i;
		for (i = 0; code[i]; i++)
			name[i] = code[i] == '.' ? '_' : code[i];
		name[i] = '\0';
		snprintf(formula, sizeof(formula), "='数据'!$C$%u", (unsigned)r + 1);
		workbook_define_name(wb, name, formula);
	}
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The figures sheet: one row per figure code (sorted), objects expanded as code.key. */
static void figures_sheet(lxw_workbook *wb, json_t *doc, lxw_format *bold, lxw_format *num, lxw_format *integer)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "数据");
	json_t *figs = json_object_get(doc, "figures"), *labels = json_object_get(doc, "figure_labels"), *v;
	const char **keys = calloc(json_object_size(figs) + 1, sizeof(char *));
	const char *key;
	size_t n = 0;
	lxw_row_t r = 1;

	worksheet_write_string(ws, 0, 0, "代码", bold);
	worksheet_write_string(ws, 0, 1, "名称", bold);
	worksheet_write_string(ws, 0, 2, "数值", bold);
	worksheet_write_string(ws, 0, 3, "单位", bold);
	worksheet_set_column(ws, 0, 0, 42, NULL);
	worksheet_set_column(ws, 1, 1, 40, NULL);
	worksheet_set_column(ws, 2, 3, 14, NULL);
	worksheet_freeze_panes(ws, 1, 0);
	if (keys == NULL)
		return;
	json_object_foreach(figs, key, v)
		keys[n++] = key;
	qsort(keys, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		v = json_object_get(figs, keys[i]);
		if (json_is_object(v) && json_object_get(v, "value") == NULL) {
			json_t *sub, *lab = json_object_get(labels, keys[i]);
			const char *sk, *unit = yh_eval_str(lab, "unit");
			/* a breakdown in 元 (预算指标执行 by budget line) holds fen, like every amount */
			int money = strcmp(unit, "元") == 0;
			json_object_foreach(v, sk, sub) {
				char code[256];
				snprintf(code, sizeof(code), "%s.%s", keys[i], sk);
				worksheet_write_string(ws, r, 0, code, NULL);
				worksheet_write_string(ws, r, 1, sk, NULL);
				if (json_is_integer(sub) && money)
					worksheet_write_number(ws, r, 2, (double)json_integer_value(sub) / 100.0, num);
				else if (json_is_integer(sub))
					worksheet_write_number(ws, r, 2, (double)json_integer_value(sub), integer);
				if (*unit != '\0')
					worksheet_write_string(ws, r, 3, unit, NULL);
				r++;
			}
			continue;
		}
		r += (lxw_row_t)figure_row(wb, ws, r, keys[i], v, labels, num, integer);
	}
	free(keys);
}

static void reconciliation_sheet(lxw_workbook *wb, json_t *doc, lxw_format *bold)
{
	static const char *const cols[] = { "category", "rank", "start", "added", "deceased", "transferred_out",
		"expected", "actual", "difference", "explanation" };
	static const char *const heads[] = { "类别", "职级", "上年末实有", "本年新增", "本年去世", "迁出", "应有",
		"实有", "差异", "说明" };
	json_t *rec = json_object_get(doc, "reconciliation"), *row;
	lxw_worksheet *ws;
	size_t i;

	if (!json_is_object(rec))
		return;
	ws = workbook_add_worksheet(wb, "人数核对");
	for (size_t c = 0; c < 10; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], bold);
	json_array_foreach(json_object_get(rec, "rows"), i, row)
		for (size_t c = 0; c < 10; c++) {
			json_t *v = json_object_get(row, cols[c]);
			if (json_is_integer(v))
				worksheet_write_number(ws, (lxw_row_t)i + 1, (lxw_col_t)c, (double)json_integer_value(v), NULL);
			else if (json_is_string(v))
				worksheet_write_string(ws, (lxw_row_t)i + 1, (lxw_col_t)c, json_string_value(v), NULL);
		}
}

static void table_sheet(lxw_workbook *wb, json_t *doc, lxw_format *bold, lxw_format *num, lxw_format *wrap)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "自评表");
	json_t *total = json_object_get(doc, "total"), *fin = json_object_get(doc, "finalisation"), *ind;
	char title[256];
	lxw_row_t r = ROW_HEADER + 1;
	size_t i;

	snprintf(title, sizeof(title), "%lld年度部门整体支出绩效自评表", (long long)json_integer_value(json_object_get(doc, "year")));
	worksheet_merge_range(ws, 0, 0, 0, NCOLS - 1, title, bold);
	worksheet_write_string(ws, 1, 0, "评价单位", bold);
	worksheet_write_string(ws, 1, 1, yh_eval_str(json_object_get(doc, "unit"), "name"), NULL);
	worksheet_write_string(ws, 2, 0, "评价年度", bold);
	worksheet_write_number(ws, 2, 1, (double)json_integer_value(json_object_get(doc, "year")), NULL);
	worksheet_write_string(ws, ROW_TOTAL, 0, "总分", bold);
	write_cell(ws, ROW_TOTAL, 1, jstr(total, "score"), 1, num, NULL);
	worksheet_write_string(ws, ROW_TOTAL, 2, "等级", bold);
	worksheet_write_string(ws, ROW_TOTAL, 3, jstr(total, "grade") ? jstr(total, "grade") : "—", NULL);
	worksheet_write_string(ws, 4, 0, "状态", bold);
	worksheet_write_string(ws, 4, 1, fin ? "已定稿" : "草稿", NULL);
	if (fin) {
		worksheet_write_string(ws, 4, 2, "SHA-256", bold);
		worksheet_write_string(ws, 4, 3, yh_eval_str(fin, "hash"), NULL);
	}
	for (size_t c = 0; c < NCOLS; c++)
		worksheet_write_string(ws, ROW_HEADER, (lxw_col_t)c, table_cols[c], bold);
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		const char *cells[NCOLS];
		row_cells(ind, cells);
		for (size_t c = 0; c < NCOLS; c++)
			write_cell(ws, r, (lxw_col_t)c, cells[c], numeric_col(c), num, c >= 11 ? wrap : NULL);
		r++;
	}
	worksheet_write_string(ws, r, 0, "合计", bold);
	write_cell(ws, r, 4, jstr(total, "points"), 1, num, NULL);
	write_cell(ws, r, 10, jstr(total, "score"), 1, num, NULL);
	worksheet_set_column(ws, 0, 0, 9, NULL);
	worksheet_set_column(ws, 1, 3, 22, NULL);
	worksheet_set_column(ws, 4, 5, 10, NULL);
	worksheet_set_column(ws, 6, 7, 16, NULL);
	worksheet_set_column(ws, 8, 10, 10, NULL);
	worksheet_set_column(ws, 11, 12, 30, NULL);
	worksheet_freeze_panes(ws, ROW_HEADER + 1, 0);
	/* printed as the report is filed: A4 landscape, all 13 columns on a page's width, the header on every page */
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, ROW_HEADER, ROW_HEADER);
}

int yh_eval_render_xlsx(json_t *doc, char **out, size_t *len, yh_err *err)
{
	char path[] = "/tmp/yinhui-eval-XXXXXX";
	const char *tmp = getenv("TMPDIR");
	char tpl[512];
	lxw_workbook *wb;
	lxw_format *bold, *num, *integer, *wrap;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	snprintf(tpl, sizeof(tpl), "%s/yinhui-eval-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tpl);
	if (fd < 0) {
		fd = mkstemp(path);
		if (fd < 0)
			return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create a temporary file");
		snprintf(tpl, sizeof(tpl), "%s", path);
	}
	close(fd);
	wb = workbook_new(tpl);
	if (wb == NULL) {
		unlink(tpl);
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot start the workbook");
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	num = workbook_add_format(wb);
	format_set_num_format(num, "0.00");
	integer = workbook_add_format(wb);
	format_set_num_format(integer, "0");
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	table_sheet(wb, doc, bold, num, wrap);
	figures_sheet(wb, doc, bold, num, integer);
	reconciliation_sheet(wb, doc, bold);
	if (workbook_close(wb) != LXW_NO_ERROR)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot write the workbook");
	if (rc == 0 && yh_file_read(tpl, 64u << 20, out, len) != 0)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot read the workbook back");
	unlink(tpl);
	return rc;
}

/* ---- CSV ---- */

static void csv_field(yh_sbuf *b, const char *s, int numeric)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		yh_sbuf_add(b, "\"");
	/* a text cell a spreadsheet would take for a formula gets a leading quote */
	if (!numeric && strchr("=+-@\t\r", s[0]) && s[0])
		yh_sbuf_add(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			yh_sbuf_add(b, "\"");
		yh_sbuf_addn(b, p, 1);
	}
	if (quote)
		yh_sbuf_add(b, "\"");
}

int yh_eval_render_csv(json_t *doc, char **out, size_t *len, yh_err *err)
{
	yh_sbuf b = { 0 };
	json_t *ind, *total = json_object_get(doc, "total");
	size_t i;
	int rc;

	yh_sbuf_add(&b, "\xEF\xBB\xBF");
	for (size_t c = 0; c < NCOLS; c++) {
		yh_sbuf_add(&b, c ? "," : "");
		csv_field(&b, table_cols[c], 0);
	}
	yh_sbuf_add(&b, "\r\n");
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		const char *cells[NCOLS];
		row_cells(ind, cells);
		for (size_t c = 0; c < NCOLS; c++) {
			yh_sbuf_add(&b, c ? "," : "");
			csv_field(&b, cells[c], numeric_col(c));
		}
		yh_sbuf_add(&b, "\r\n");
	}
	/* 合计: points under 分值, the score under 得分; the grade on a row of its own, under 得分 too */
	yh_sbuf_add(&b, "合计,,,,");
	csv_field(&b, yh_eval_str(total, "points"), 1);
	yh_sbuf_add(&b, ",,,,,,");
	csv_field(&b, jstr(total, "score") ? jstr(total, "score") : "", 1);
	yh_sbuf_add(&b, ",,\r\n评价等级,,,,,,,,,,");
	csv_field(&b, jstr(total, "grade") ? jstr(total, "grade") : "", 0);
	yh_sbuf_add(&b, ",,\r\n");
	rc = yh_sbuf_take(&b, out, err);
	*len = *out ? strlen(*out) : 0;
	return rc;
}

/* ---- text ---- */

/* Display width of UTF-8 text: CJK and fullwidth count two columns. */
static size_t dwidth(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			w += *p >= 0xE0 && *p != 0xE2 ? 2 : 1; /* U+2000..U+2FFF (≤, “) take one column */
	return w;
}

static void pad(yh_sbuf *b, const char *s, size_t width, int right)
{
	char cut[256];
	size_t w = dwidth(s);

	/* too wide for the column: cut on a character boundary and mark it */
	if (w > width && !right) {
		size_t i = 0, cw = 0;
		while (s[i] && i < sizeof(cut) - 4) {
			size_t len = 1, chw = 1;
			unsigned char c = (unsigned char)s[i];
			if (c >= 0xF0)
				len = 4, chw = 2;
			else if (c >= 0xE0)
				len = 3, chw = 2;
			else if (c >= 0xC0)
				len = 2;
			if (cw + chw + 1 > width)
				break;
			memcpy(cut + i, s + i, len);
			i += len;
			cw += chw;
		}
		memcpy(cut + i, "~", 2);
		s = cut;
		w = cw + 1;
	}

	if (right)
		for (size_t k = w; k < width; k++)
			yh_sbuf_add(b, " ");
	yh_sbuf_add(b, s);
	if (!right)
		for (size_t k = w; k < width + 1; k++)
			yh_sbuf_add(b, " ");
}

int yh_eval_render_text(json_t *doc, char **out, size_t *len, yh_err *err)
{
	static const char *const key_figures[] = { "budget.expenditure_completion_rate", "budget.procurement_execution_rate",
		"budget.public_funds_control_rate", "budget.three_public_control_rate", "budget.carryover_change_rate",
		"budget.asset_utilization_rate", "visits.count", "visits.persons", "visits.illness",
		"obligations.coverage_rate", "obligations.timeliness_rate", "subsidies.amount_fen", "subsidies.payments",
		"subsidies.beneficiaries", "branches.allowance_branches", "branches.allowance_amount_fen", "roster.start",
		"roster.added", "roster.deceased", "roster.end" };
	yh_sbuf b = { 0 };
	json_t *total = json_object_get(doc, "total"), *fin = json_object_get(doc, "finalisation"), *ind, *w;
	json_t *labels = json_object_get(doc, "figure_labels");
	size_t i;
	int rc;

	yh_sbuf_printf(&b, "%lld年度部门整体支出绩效自评 — ", (long long)json_integer_value(json_object_get(doc, "year")));
	yh_sbuf_add(&b, yh_eval_str(json_object_get(doc, "unit"), "name"));
	yh_sbuf_printf(&b, " (%s)\n", yh_eval_str(json_object_get(doc, "unit"), "code"));
	if (fin)
		yh_sbuf_printf(&b, "已定稿 %s by %s, SHA-256 %s%s\n", yh_eval_str(fin, "finalised_at"),
			yh_eval_str(fin, "finalised_by"), yh_eval_str(fin, "hash"),
			json_is_true(json_object_get(fin, "hash_verified")) ? "" : " (HASH MISMATCH)");
	else
		yh_sbuf_printf(&b, "草稿 (computed %s)\n", yh_eval_str(doc, "computed_at"));
	yh_sbuf_printf(&b, "总分 %s  等级 %s\n\n", jstr(total, "score") ? jstr(total, "score") : "—",
		jstr(total, "grade") ? jstr(total, "grade") : "—");
	pad(&b, "代码", 9, 0);
	pad(&b, "指标", 40, 0);
	pad(&b, "分值", 7, 1);
	yh_sbuf_add(&b, "  ");
	pad(&b, "目标", 14, 0);
	pad(&b, "实际", 18, 0);
	pad(&b, "得分", 7, 1);
	yh_sbuf_add(&b, "\n");
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		const char *cells[NCOLS];
		char name[200];
		json_int_t level = json_integer_value(json_object_get(ind, "level"));
		row_cells(ind, cells);
		snprintf(name, sizeof(name), "%*s%s", (int)(level - 1) * 2, "", yh_eval_str(ind, "name"));
		pad(&b, cells[0], 9, 0);
		pad(&b, name, 40, 0);
		pad(&b, cells[4], 7, 1);
		yh_sbuf_add(&b, "  ");
		pad(&b, cells[6], 14, 0);
		pad(&b, cells[7], 18, 0);
		pad(&b, cells[10], 7, 1);
		if (strcmp(yh_eval_str(ind, "status"), "override") == 0)
			yh_sbuf_printf(&b, "  (人工调整, 计算 %s)", cells[9][0] ? cells[9] : "—");
		yh_sbuf_add(&b, "\n");
	}
	yh_sbuf_add(&b, "\n主要数据:\n");
	for (size_t k = 0; k < sizeof(key_figures) / sizeof(key_figures[0]); k++) {
		char val[64];
		json_t *lab = json_object_get(labels, key_figures[k]);
		json_t *fv = json_object_get(json_object_get(doc, "figures"), key_figures[k]);
		int money = strcmp(yh_eval_str(lab, "kind"), "fen") == 0 && json_is_integer(fv);
		/* money is held in fen: the reader sees yuan, as in the other formats */
		if (money)
			yh_money_format_yuan(val, json_integer_value(fv));
		else
			yh_eval_figure_text(json_object_get(doc, "figures"), key_figures[k], val, sizeof(val));
		yh_sbuf_add(&b, "  ");
		pad(&b, key_figures[k], 38, 0);
		pad(&b, val, 14, 1);
		yh_sbuf_add(&b, money ? "元 " : strcmp(yh_eval_str(lab, "kind"), "rate") == 0 && val[0] >= '-' && val[0] <= '9' ? "%  " : "   ");
		yh_sbuf_add(&b, yh_eval_str(lab, "label"));
		yh_sbuf_add(&b, "\n");
	}
	if (json_is_object(json_object_get(doc, "reconciliation")))
		yh_sbuf_printf(&b, "\n人数核对: 未说明的差异 %lld 项\n",
			(long long)json_integer_value(json_object_get(json_object_get(doc, "reconciliation"), "unexplained")));
	else
		yh_sbuf_printf(&b, "\n人数核对: yinhui evaluation reconcile %lld\n",
			(long long)json_integer_value(json_object_get(doc, "year")));
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		yh_sbuf_printf(&b, "%s%s\n", i ? "  " : "\n提示:\n  ", json_string_value(w));
	rc = yh_sbuf_take(&b, out, err);
	*len = *out ? strlen(*out) : 0;
	return rc;
}
