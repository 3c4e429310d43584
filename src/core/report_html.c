/*
 * The self-evaluation report as one self-contained, print-ready (A4) HTML
 * page in the seed report's structure. Every figure comes from the
 * document; every text is escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/money.h"

static const char CSS[] =
	"@page{size:A4;margin:20mm 18mm 18mm 18mm}"
	"body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"Songti SC\",SimSun,serif;font-size:11pt;"
	"line-height:1.75;color:#000;max-width:174mm;margin:0 auto;overflow-wrap:anywhere}"
	"h1{text-align:center;font-size:20pt;margin:8mm 0 4mm}h2{font-size:14pt;margin:6mm 0 2mm}"
	"h3{font-size:12pt;margin:4mm 0 1mm}p{text-indent:2em;margin:1mm 0}p.ni{text-indent:0}"
	".cover p{text-indent:0}.status{border:1px solid #999;padding:2mm;font-size:9pt;color:#333}"
	"table{border-collapse:collapse;width:100%;font-size:8.5pt;margin:2mm 0}"
	"th,td{border:1px solid #000;padding:1px 3px;vertical-align:top;overflow-wrap:normal}th{background:#eee}"
	"td.w{overflow-wrap:anywhere}"
	"td.n{text-align:right;white-space:nowrap}tr.l1 td{font-weight:bold;background:#f3f3f3}tr.l2 td{font-weight:bold}"
	"tr{page-break-inside:avoid}svg.chart{max-width:100%;height:auto;page-break-inside:avoid;margin:2mm 0}"
	".sign{text-align:right;margin-top:10mm}.sign p{text-indent:0}"
	"footer{font-size:8pt;color:#555;margin-top:8mm;border-top:1px solid #999}"
	"h2,h3,p.lead{break-after:avoid;page-break-after:avoid}";

/* What the report may load: its own inline stylesheet and nothing else (no script). */
#define YH_REPORT_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

static json_t *figs_of(json_t *doc)
{
	return json_object_get(doc, "figures");
}

/* Integer value of a figure (counts, fen); 0 when absent. *has says whether it was there. */
static int64_t fig_int(json_t *doc, const char *code, int *has)
{
	json_t *v = json_object_get(figs_of(doc), code);

	if (has)
		*has = json_is_integer(v);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *wan(json_t *doc, const char *code, char buf[32])
{
	int has;
	int64_t v = fig_int(doc, code, &has);

	if (!has)
		return "—";
	yh_money_format_wan(buf, v);
	return buf;
}

static const char *count(json_t *doc, const char *code, char buf[32])
{
	int has;
	int64_t v = fig_int(doc, code, &has);

	if (!has)
		return "—";
	snprintf(buf, 32, "%lld", (long long)v);
	return buf;
}

static const char *rate(json_t *doc, const char *code, char buf[32])
{
	json_t *v = json_object_get(figs_of(doc), code);

	if (json_is_object(v) && json_is_false(json_object_get(v, "entered")))
		return "未录入";
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (v == NULL)
		return "—";
	if (!json_is_string(v))
		return "不适用";
	snprintf(buf, 32, "%s%%", json_string_value(v));
	return buf;
}

/* "2023-04-18..." -> "2023年4月18日". */
static void cn_date(const char *iso, char *out, size_t n)
{
	int y = 0, m = 0, d = 0;

	if (iso == NULL || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
		snprintf(out, n, "—");
	else
		snprintf(out, n, "%d年%d月%d日", y, m, d);
}

/* Text as paragraphs, one per line; a placeholder when empty. */
static void paragraphs(yh_sbuf *b, const char *text, const char *empty)
{
	const char *s = text, *nl;

	if (text == NULL || *text == '\0') {
		if (empty) {
			yh_sbuf_add(b, "<p>");
			yh_sbuf_html(b, empty);
			yh_sbuf_add(b, "</p>\n");
		}
		return;
	}
	while (*s) {
		char *line;
		nl = strchr(s, '\n');
		line = strndup(s, nl ? (size_t)(nl - s) : strlen(s));
		if (line && line[strspn(line, " \t\r")] != '\0') {
			yh_sbuf_add(b, "<p>");
			yh_sbuf_html(b, line);
			yh_sbuf_add(b, "</p>\n");
		}
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

static const char *text_of(json_t *doc, const char *section)
{
	json_t *v = json_object_get(json_object_get(doc, "texts"), section);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void cover(yh_sbuf *b, json_t *doc, const char *date)
{
	json_t *unit = json_object_get(doc, "unit"), *sub, *fin = json_object_get(doc, "finalisation");
	size_t i;

	yh_sbuf_add(b, "<section class=\"cover\"><h1>整体绩效自评报告</h1>\n");
	yh_sbuf_printf(b, "<p>评价年度：%lld年度</p>\n<p>评价单位：", (long long)json_integer_value(json_object_get(doc, "year")));
	yh_sbuf_html(b, yh_eval_str(unit, "name"));
	if (json_array_size(json_object_get(unit, "subunits")) > 0) {
		yh_sbuf_add(b, "本级及下属单位（");
		json_array_foreach(json_object_get(unit, "subunits"), i, sub) {
			yh_sbuf_add(b, i ? "、" : "");
			yh_sbuf_html(b, yh_eval_str(sub, "name"));
		}
		yh_sbuf_add(b, "）");
	}
	yh_sbuf_printf(b, "</p>\n<p>填报日期：%s</p>\n<p class=\"status\">", date);
	if (fin) {
		yh_sbuf_add(b, "已定稿（");
		yh_sbuf_html(b, yh_eval_str(fin, "finalised_by"));
		yh_sbuf_add(b, "）。内容哈希 SHA-256：");
		yh_sbuf_html(b, yh_eval_str(fin, "hash"));
		yh_sbuf_add(b, json_is_true(json_object_get(fin, "hash_verified")) ? "（校验一致）" : "（校验不一致！）");
	} else {
		yh_sbuf_add(b, "草稿：数据为生成时的实时计算结果，定稿前可能变化。");
	}
	yh_sbuf_add(b, "</p></section>\n");
}

/* The hint for a prose section not written yet: the command that writes it. */
static void text_hint(char *out, size_t n, json_t *doc, const char *section)
{
	snprintf(out, n, "（未填写：yinhui evaluation text %lld --section %s --file 文件.txt --unit %s）",
		(long long)json_integer_value(json_object_get(doc, "year")), section,
		yh_eval_str(json_object_get(doc, "unit"), "code"));
}

static void basics(yh_sbuf *b, json_t *doc)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32], hint[192];
	json_t *unit = json_object_get(doc, "unit");

	yh_sbuf_add(b, "<h2>一、单位基本情况</h2>\n<h3>（一）单位职能</h3>\n");
	text_hint(hint, sizeof(hint), doc, "functions");
	paragraphs(b, text_of(doc, "functions"), hint);
	yh_sbuf_add(b, "<h3>（二）机构设置及人员情况</h3>\n");
	paragraphs(b, text_of(doc, "organisation"), NULL);
	yh_sbuf_add(b, "<p>");
	yh_sbuf_html(b, yh_eval_str(unit, "name"));
	yh_sbuf_printf(b, "编制数%s人，在职人员%s人，在职人员控制率%s。", count(doc, "budget.staff_quota", b1),
		count(doc, "budget.staff_in_post", b2), rate(doc, "budget.staff_control_rate", b3));
	yh_sbuf_printf(b, "本年度服务管理老干部：上年末%s人，本年新增%s人，去世%s人，迁出%s人，年末%s人。</p>\n",
		count(doc, "roster.start", b1), count(doc, "roster.added", b2), count(doc, "roster.deceased", b3),
		count(doc, "roster.transferred_out", b4), count(doc, "roster.end", b5));
	yh_sbuf_add(b, "<h3>（三）年度总体工作和部门整体支出绩效目标</h3>\n");
	text_hint(hint, sizeof(hint), doc, "goals");
	paragraphs(b, text_of(doc, "goals"), hint);
}

static void spending(yh_sbuf *b, json_t *doc)
{
	char a1[32], a2[32], a3[32], a4[32], a5[32], a6[32], a7[32], a8[32], a9[32];
	int64_t budget[3], proc[2], pub[2], veh[2], rec[2], abr[2];
	const char *cats3[] = { "预算数", "决算收入", "决算支出" };
	const char *cats5[] = { "政府采购", "公用经费", "公务用车运行维护", "公务接待", "因公出国（境）" };
	int64_t plan[5], actual[5];
	yh_svg_series s1 = { "金额", budget }, s2[2] = { { "预算数", plan }, { "实际支出", actual } };
	int has;

	yh_sbuf_add(b, "<h2>二、部门整体支出情况</h2>\n<p>");
	yh_sbuf_printf(b, "%lld年度本单位预算数为%s万元，决算收入%s万元，其中一般公共预算收入%s万元，"
		"政府性基金预算收入%s万元",
		(long long)json_integer_value(json_object_get(doc, "year")), wan(doc, "budget.budget_fen", a1),
		wan(doc, "budget.revenue_fen", a2), wan(doc, "budget.revenue_general_fen", a3),
		wan(doc, "budget.revenue_govfund_fen", a4));
	if (fig_int(doc, "budget.revenue_other_fen", &has) != 0)
		yh_sbuf_printf(b, "，其他收入%s万元", wan(doc, "budget.revenue_other_fen", a5));
	yh_sbuf_printf(b, "。本年度决算支出%s万元，其中基本支出%s万元，项目支出%s万元，动用上年结转结余资金%s万元；"
		"年末结转结余%s万元。</p>\n", wan(doc, "budget.expenditure_fen", a6),
		wan(doc, "budget.expenditure_basic_fen", a7), wan(doc, "budget.expenditure_project_fen", a8),
		wan(doc, "budget.carryover_used_fen", a9), wan(doc, "budget.carryover_end_fen", a1));
	paragraphs(b, text_of(doc, "budget_notes"), NULL);
	budget[0] = fig_int(doc, "budget.budget_fen", NULL);
	budget[1] = fig_int(doc, "budget.revenue_fen", NULL);
	budget[2] = fig_int(doc, "budget.expenditure_fen", NULL);
	yh_svg_bars(b, "预算收支（万元）", cats3, 3, &s1, 1, 0, 1);
	proc[0] = fig_int(doc, "budget.procurement_budget_fen", NULL);
	proc[1] = fig_int(doc, "budget.procurement_actual_fen", NULL);
	pub[0] = fig_int(doc, "budget.public_funds_budget_fen", NULL);
	pub[1] = fig_int(doc, "budget.public_funds_actual_fen", NULL);
	veh[0] = fig_int(doc, "budget.three_public_vehicle_budget_fen", NULL);
	veh[1] = fig_int(doc, "budget.three_public_vehicle_actual_fen", NULL);
	rec[0] = fig_int(doc, "budget.three_public_reception_budget_fen", NULL);
	rec[1] = fig_int(doc, "budget.three_public_reception_actual_fen", NULL);
	abr[0] = fig_int(doc, "budget.three_public_abroad_budget_fen", NULL);
	abr[1] = fig_int(doc, "budget.three_public_abroad_actual_fen", NULL);
	plan[0] = proc[0], actual[0] = proc[1];
	plan[1] = pub[0], actual[1] = pub[1];
	plan[2] = veh[0], actual[2] = veh[1];
	plan[3] = rec[0], actual[3] = rec[1];
	plan[4] = abr[0], actual[4] = abr[1];
	yh_svg_bars(b, "预算执行：预算数与实际支出（万元）", cats5, 5, s2, 2, 0, 1);
}

static void process(yh_sbuf *b, json_t *doc)
{
	yh_sbuf_add(b, "<h2>三、自评工作开展情况</h2>\n");
	paragraphs(b, text_of(doc, "process"), NULL);
	yh_sbuf_add(b, "<p>本报告的数据由银晖系统依据预算数据、活动登记、走访记录、补助发放记录和老干部名册自动计算，"
		"每项数据均可追溯至原始记录（yinhui evaluation explain）。</p>\n");
}

/* The full 自评表. */
static void table(yh_sbuf *b, json_t *doc)
{
	json_t *ind, *total = json_object_get(doc, "total");
	size_t i;

	yh_sbuf_add(b, "<table><thead><tr><th>代码</th><th>指标</th><th>分值</th><th>年度指标值</th><th>实际完成值</th>"
		"<th>完成率</th><th>得分</th><th>偏差原因分析及改进措施</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		json_int_t level = json_integer_value(json_object_get(ind, "level"));
		int leaf = json_is_true(json_object_get(ind, "leaf"));
		json_t *score = json_object_get(ind, "score");
		const char *status = yh_eval_str(ind, "status");

		yh_sbuf_printf(b, "<tr class=\"l%lld\"><td>", (long long)level);
		yh_sbuf_html(b, yh_eval_str(ind, "code"));
		yh_sbuf_printf(b, "</td><td class=\"w\" style=\"padding-left:%dem\">", (int)(level - 1));
		yh_sbuf_html(b, yh_eval_str(ind, "name"));
		yh_sbuf_add(b, "</td><td class=\"n\">");
		yh_sbuf_html(b, yh_eval_str(ind, "points"));
		yh_sbuf_add(b, "</td><td class=\"w\">");
		if (leaf)
			yh_sbuf_html(b, yh_eval_str(json_object_get(ind, "target"), "display"));
		yh_sbuf_add(b, "</td><td>");
		if (leaf)
			yh_sbuf_html(b, json_is_object(json_object_get(ind, "actual")) ?
				yh_eval_str(json_object_get(ind, "actual"), "display") :
				(strcmp(status, "not_applicable") == 0 ? "不适用" : "未填报"));
		yh_sbuf_add(b, "</td><td class=\"n\">");
		if (json_is_string(json_object_get(ind, "completion"))) {
			yh_sbuf_html(b, yh_eval_str(ind, "completion"));
			yh_sbuf_add(b, "%");
		}
		yh_sbuf_add(b, "</td><td class=\"n\">");
		yh_sbuf_html(b, json_is_string(score) ? json_string_value(score) : "不适用");
		if (strcmp(status, "override") == 0) {
			yh_sbuf_add(b, "*<br><small>计算");
			yh_sbuf_html(b, json_is_string(json_object_get(ind, "computed_score")) ?
				yh_eval_str(ind, "computed_score") : "—");
			yh_sbuf_add(b, "</small>");
		}
		yh_sbuf_add(b, "</td><td class=\"w\">");
		if (json_is_string(json_object_get(ind, "justification"))) {
			yh_sbuf_add(b, "偏差原因：");
			yh_sbuf_html(b, yh_eval_str(ind, "justification"));
		}
		if (json_is_string(json_object_get(ind, "improvement"))) {
			yh_sbuf_add(b, " 改进措施：");
			yh_sbuf_html(b, yh_eval_str(ind, "improvement"));
		}
		if (json_is_string(json_object_get(ind, "na_reason"))) {
			yh_sbuf_add(b, "不适用：");
			yh_sbuf_html(b, yh_eval_str(ind, "na_reason"));
		}
		yh_sbuf_add(b, "</td></tr>\n");
	}
	yh_sbuf_add(b, "<tr class=\"l1\"><td></td><td>合计</td><td class=\"n\">");
	yh_sbuf_html(b, yh_eval_str(total, "points"));
	yh_sbuf_add(b, "</td><td colspan=\"3\">等级：");
	yh_sbuf_html(b, json_is_string(json_object_get(total, "grade")) ? yh_eval_str(total, "grade") : "—");
	yh_sbuf_add(b, "</td><td class=\"n\">");
	yh_sbuf_html(b, json_is_string(json_object_get(total, "score")) ? yh_eval_str(total, "score") : "—");
	yh_sbuf_add(b, "</td><td>* 人工调整得分，须填写偏差原因</td></tr></tbody></table>\n");
}

/* 指标分析: every budget rate with its formula and numbers, then the service figures. */
static void analysis(yh_sbuf *b, json_t *doc)
{
	json_t *labels = json_object_get(doc, "figure_labels"), *v;
	const char *code;
	char a1[32], a2[32], a3[32], a4[32], a5[32];

	yh_sbuf_add(b, "<h3>（三）主要指标分析</h3>\n");
	paragraphs(b, text_of(doc, "analysis"), NULL);
	json_object_foreach(figs_of(doc), code, v) {
		json_t *lab = json_object_get(labels, code);
		char num[32], den[32];
		if (strncmp(code, "budget.", 7) != 0 || strcmp(yh_eval_str(lab, "kind"), "rate") != 0)
			continue;
		yh_sbuf_add(b, "<p>");
		yh_sbuf_html(b, yh_eval_str(lab, "label"));
		if (json_is_string(json_object_get(lab, "note"))) {
			yh_sbuf_add(b, "＝");
			yh_sbuf_html(b, yh_eval_str(lab, "note"));
		}
		if (json_is_string(json_object_get(v, "value"))) {
			/* head counts are shown as they are, money in 万元 */
			int heads = strcmp(code, "budget.staff_control_rate") == 0;
			if (heads) {
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(v, "num")));
				snprintf(den, sizeof(den), "%lld", (long long)json_integer_value(json_object_get(v, "den")));
			} else {
				yh_money_format_wan(num, json_integer_value(json_object_get(v, "num")));
				yh_money_format_wan(den, json_integer_value(json_object_get(v, "den")));
			}
			yh_sbuf_printf(b, "＝%s÷%s×100%%＝", num, den);
			yh_sbuf_html(b, yh_eval_str(v, "value"));
			yh_sbuf_add(b, heads ? "%（单位：人）。</p>\n" : "%（金额单位：万元）。</p>\n");
		} else if (json_is_false(json_object_get(v, "entered"))) {
			yh_sbuf_add(b, "：本年度预算数据未录入。</p>\n");
		} else {
			yh_sbuf_add(b, "：分母为零，不适用。</p>\n");
		}
	}
	yh_sbuf_printf(b, "<p>全年走访慰问老干部%s人次（%s人），其中上门探访慰问患病住院、重病在家%s人次；"
		"“六必访”应访尽访率%s，按时走访率%s。</p>\n", count(doc, "visits.count", a1),
		count(doc, "visits.persons", a2), count(doc, "visits.illness", a3),
		rate(doc, "obligations.coverage_rate", a4), rate(doc, "obligations.timeliness_rate", a5));
	yh_sbuf_printf(b, "<p>发放困难补助%s万元，补助%s人次（%s人）；向%s个离退休干部党支部核拨党组织书记工作补贴%s万元。</p>\n",
		wan(doc, "subsidies.amount_fen", a1), count(doc, "subsidies.payments", a2),
		count(doc, "subsidies.beneficiaries", a3), count(doc, "branches.allowance_branches", a4),
		wan(doc, "branches.allowance_amount_fen", a5));
	yh_sbuf_add(b, "<p>活动登记：");
	{
		int any = 0;
		json_object_foreach(figs_of(doc), code, v) {
			size_t n = strlen(code);
			char qcode[160], label[256], *cut;
			json_t *lab = json_object_get(labels, code), *qlab;
			json_int_t q;
			if (strncmp(code, "activities.", 11) != 0 || n < 6 || n >= 150 || strcmp(code + n - 6, ".count") != 0 ||
			    json_integer_value(v) == 0)
				continue;
			/* "注册志愿者12批，9126人": the records, then what they count when that differs */
			snprintf(label, sizeof(label), "%s", yh_eval_str(lab, "label"));
			cut = strstr(label, "（");
			if (cut)
				*cut = '\0';
			snprintf(qcode, sizeof(qcode), "%.*s.quantity", (int)(n - 6), code);
			q = json_integer_value(json_object_get(figs_of(doc), qcode));
			qlab = json_object_get(labels, qcode);
			yh_sbuf_add(b, any++ ? "；" : "");
			yh_sbuf_html(b, label);
			yh_sbuf_printf(b, "%lld", (long long)json_integer_value(v));
			yh_sbuf_html(b, yh_eval_str(lab, "unit"));
			if (q != json_integer_value(v)) {
				yh_sbuf_printf(b, "，%lld", (long long)q);
				yh_sbuf_html(b, yh_eval_str(qlab, "unit"));
			}
		}
		yh_sbuf_add(b, any ? "。</p>\n" : "本年无登记。</p>\n");
	}
}

static void charts(yh_sbuf *b, json_t *doc)
{
	static const char *months[] = { "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月" };
	json_t *series = json_object_get(doc, "series"), *occ = json_object_get(series, "visits_by_occasion"), *arr;
	yh_svg_series s[10], pay[2];
	int64_t vals[10][12], subs[12], allow[12];
	const char *key;
	size_t n = 0;

	if (series == NULL)
		return;
	json_object_foreach(occ, key, arr) {
		if (n == 10)
			break;
		for (size_t m = 0; m < 12; m++)
			vals[n][m] = json_integer_value(json_array_get(arr, m));
		s[n].name = key;
		s[n].values = vals[n];
		n++;
	}
	yh_svg_bars(b, "每月走访慰问人次（按走访事由）", months, 12, s, n, 1, 0);
	if (!json_is_array(json_object_get(series, "subsidies_fen")))
		return;
	for (size_t m = 0; m < 12; m++) {
		subs[m] = json_integer_value(json_array_get(json_object_get(series, "subsidies_fen"), m));
		allow[m] = json_integer_value(json_array_get(json_object_get(series, "allowances_fen"), m));
	}
	pay[0].name = "困难补助";
	pay[0].values = subs;
	pay[1].name = "党组织书记工作补贴";
	pay[1].values = allow;
	yh_svg_bars(b, "补助及补贴发放金额（按所属期间，万元）", months, 12, pay, 2, 0, 1);
}

static void reconciliation(yh_sbuf *b, json_t *doc)
{
	json_t *rec = json_object_get(doc, "reconciliation"), *row, *d;
	size_t i;

	yh_sbuf_add(b, "<h3>（四）老干部人数核对</h3>\n");
	if (!json_is_object(rec)) {
		yh_sbuf_add(b, "<p>无权查看或无数据。</p>\n");
		return;
	}
	yh_sbuf_add(b, "<p class=\"lead\">上年末实有＋本年新增－本年去世－迁出＝应有，与实有人数核对如下。</p>\n<table><thead><tr>"
		"<th>类别</th><th>职级</th><th>上年末</th><th>新增</th><th>去世</th><th>迁出</th><th>应有</th><th>实有</th>"
		"<th>差异</th><th>说明</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(rec, "rows"), i, row) {
		yh_sbuf_add(b, "<tr><td>");
		yh_sbuf_html(b, yh_eval_str(row, "category"));
		yh_sbuf_add(b, "</td><td>");
		yh_sbuf_html(b, yh_eval_str(row, "rank"));
		yh_sbuf_printf(b, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"w\">",
			(long long)json_integer_value(json_object_get(row, "start")),
			(long long)json_integer_value(json_object_get(row, "added")),
			(long long)json_integer_value(json_object_get(row, "deceased")),
			(long long)json_integer_value(json_object_get(row, "transferred_out")),
			(long long)json_integer_value(json_object_get(row, "expected")),
			(long long)json_integer_value(json_object_get(row, "actual")),
			(long long)json_integer_value(json_object_get(row, "difference")));
		yh_sbuf_html(b, yh_eval_str(row, "explanation"));
		yh_sbuf_add(b, "</td></tr>\n");
	}
	yh_sbuf_add(b, "</tbody></table>\n");
	json_array_foreach(json_object_get(rec, "differences"), i, d) {
		json_t *person = json_object_get(d, "person");
		yh_sbuf_add(b, "<p class=\"ni\">差异人员：");
		yh_sbuf_html(b, json_is_object(person) ? yh_eval_str(person, "name") : yh_eval_str(d, "person"));
		yh_sbuf_add(b, "（");
		yh_sbuf_html(b, yh_eval_str(d, "reason"));
		yh_sbuf_add(b, "）</p>\n");
	}
}

/* 存在问题 and 改进措施: the texts, then what the table shows. */
static void problems(yh_sbuf *b, json_t *doc)
{
	json_t *ind, *w;
	size_t i;
	int n = 0;

	yh_sbuf_add(b, "<h2>五、存在问题</h2>\n");
	paragraphs(b, text_of(doc, "problems"), NULL);
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		/* indicators without data are listed once, under the data notes below */
		if (!json_is_true(json_object_get(ind, "leaf")) || !json_is_string(json_object_get(ind, "score")) ||
		    strcmp(yh_eval_str(ind, "status"), "missing") == 0 ||
		    strcmp(yh_eval_str(ind, "score"), yh_eval_str(ind, "points")) == 0)
			continue;
		yh_sbuf_printf(b, "<p>%d．", ++n);
		yh_sbuf_html(b, yh_eval_str(ind, "name"));
		yh_sbuf_add(b, "：年度指标值“");
		yh_sbuf_html(b, yh_eval_str(json_object_get(ind, "target"), "display"));
		yh_sbuf_add(b, "”，实际完成值“");
		yh_sbuf_html(b, yh_eval_str(json_object_get(ind, "actual"), "display"));
		yh_sbuf_add(b, "”");
		yh_sbuf_add(b, "，得分");
		yh_sbuf_html(b, yh_eval_str(ind, "score"));
		yh_sbuf_add(b, "/");
		yh_sbuf_html(b, yh_eval_str(ind, "points"));
		yh_sbuf_add(b, "。");
		yh_sbuf_html(b, yh_eval_str(ind, "justification"));
		yh_sbuf_add(b, "</p>\n");
	}
	json_array_foreach(json_object_get(doc, "warnings"), i, w) {
		yh_sbuf_printf(b, "<p>%d．数据提示：", ++n);
		yh_sbuf_html(b, json_string_value(w));
		yh_sbuf_add(b, "</p>\n");
	}
	if (n == 0 && text_of(doc, "problems") == NULL)
		yh_sbuf_add(b, "<p>各项指标均达到目标值。</p>\n");
	yh_sbuf_add(b, "<h2>六、改进措施</h2>\n");
	paragraphs(b, text_of(doc, "measures"), NULL);
	n = 0;
	json_array_foreach(json_object_get(doc, "indicators"), i, ind) {
		if (!json_is_string(json_object_get(ind, "improvement")))
			continue;
		yh_sbuf_printf(b, "<p>%d．", ++n);
		yh_sbuf_html(b, yh_eval_str(ind, "name"));
		yh_sbuf_add(b, "：");
		yh_sbuf_html(b, yh_eval_str(ind, "improvement"));
		yh_sbuf_add(b, "</p>\n");
	}
	if (n == 0 && text_of(doc, "measures") == NULL) {
		char hint[192];
		text_hint(hint, sizeof(hint), doc, "measures");
		paragraphs(b, NULL, hint);
	}
	yh_sbuf_add(b, "<h2>七、其他自评情况</h2>\n");
	paragraphs(b, text_of(doc, "other"), "无。");
}

int yh_eval_render_html(json_t *doc, char **out, size_t *len, yh_err *err)
{
	yh_sbuf b = { 0 };
	json_t *fin = json_object_get(doc, "finalisation"), *total = json_object_get(doc, "total");
	char date[64];
	int rc;

	cn_date(fin ? yh_eval_str(fin, "finalised_at") : yh_eval_str(doc, "computed_at"), date, sizeof(date));
	/*
	 * The policy travels with the page: a report saved to disk or handed on
	 * by a front end (a blob: URL) has no HTTP headers, and it still runs no
	 * script and fetches nothing.
	 */
	yh_sbuf_add(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"" YH_REPORT_CSP "\">"
		"<meta name=\"viewport\" content=\"width=device-width\"><title>");
	yh_sbuf_printf(&b, "%lld年度", (long long)json_integer_value(json_object_get(doc, "year")));
	yh_sbuf_html(&b, yh_eval_str(json_object_get(doc, "unit"), "name"));
	yh_sbuf_printf(&b, "整体绩效自评报告</title><style>%s</style></head><body>\n", CSS);
	cover(&b, doc, date);
	basics(&b, doc);
	spending(&b, doc);
	process(&b, doc);
	yh_sbuf_add(&b, "<h2>四、绩效自评情况</h2>\n<h3>（一）自评结果</h3>\n<p>经自评，");
	yh_sbuf_html(&b, yh_eval_str(json_object_get(doc, "unit"), "name"));
	yh_sbuf_printf(&b, "%lld年度部门整体支出绩效自评得分", (long long)json_integer_value(json_object_get(doc, "year")));
	yh_sbuf_html(&b, json_is_string(json_object_get(total, "score")) ? yh_eval_str(total, "score") : "—");
	yh_sbuf_add(&b, "分，等级为“");
	yh_sbuf_html(&b, json_is_string(json_object_get(total, "grade")) ? yh_eval_str(total, "grade") : "—");
	yh_sbuf_add(&b, "”。");
	if (strcmp(yh_eval_str(total, "points"), yh_eval_str(total, "applicable_points")) != 0) {
		yh_sbuf_add(&b, "不适用指标不计分，其余指标得分（");
		yh_sbuf_html(&b, yh_eval_str(total, "raw"));
		yh_sbuf_add(&b, "／");
		yh_sbuf_html(&b, yh_eval_str(total, "applicable_points"));
		yh_sbuf_add(&b, "）按满分折算。");
	}
	yh_sbuf_add(&b, "</p>\n<h3>（二）自评表</h3>\n");
	table(&b, doc);
	analysis(&b, doc);
	charts(&b, doc);
	reconciliation(&b, doc);
	problems(&b, doc);
	yh_sbuf_add(&b, "<div class=\"sign\"><p>");
	yh_sbuf_html(&b, yh_eval_str(json_object_get(doc, "unit"), "name"));
	yh_sbuf_printf(&b, "</p><p>%s</p></div>\n<footer>本报告由银晖（Yinhui）依据系统记录生成，生成时间 ", date);
	yh_sbuf_html(&b, yh_eval_str(doc, "computed_at"));
	yh_sbuf_add(&b, "。</footer>\n</body></html>\n");
	rc = yh_sbuf_take(&b, out, err);
	*len = *out ? strlen(*out) : 0;
	return rc;
}
