/* Indicator scoring rules, exact in hundredths (money.h does the half-up arithmetic). */
#include "yinhui/indicator.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval_internal.h"
#include "yinhui/money.h"

/* Share pct of weight w, half-up. */
static int share(int64_t w, int pct, int64_t *out)
{
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	return yh_money_muldiv(out, w, pct, 100);
}

static int score_qualitative(const yh_score_in *in, yh_score_out *out)
{
	int pct;

	if (in->rating == NULL)
		return 0;
	if (strcmp(in->rating, "achieved") == 0)
		pct = in->bands.achieved_pct;
	else if (strcmp(in->rating, "partial") == 0)
		pct = in->bands.partial_pct;
	else if (strcmp(in->rating, "not_achieved") == 0)
		pct = in->bands.not_achieved_pct;
	else
		return YH_EINVAL;
	if (share(in->points_x100, pct, &out->score_x100) != 0)
		return YH_EINVAL;
	out->has_score = 1;
	out->met = strcmp(in->rating, "achieved") == 0;
	return 0;
}

/* Full marks when met; otherwise the ratio of the smaller to the larger value (both > 0). */
static int score_equal(const yh_score_in *in, yh_score_out *out)
{
	int64_t lo = in->actual_x100 < in->target_x100 ? in->actual_x100 : in->target_x100;
	int64_t hi = in->actual_x100 < in->target_x100 ? in->target_x100 : in->actual_x100;

	out->met = in->actual_x100 == in->target_x100;
	if (out->met) {
		out->score_x100 = in->points_x100;
	} else if (lo <= 0) {
		out->score_x100 = 0;
	} else if (yh_money_muldiv(&out->score_x100, lo, in->points_x100, hi) != 0) {
		return YH_EINVAL;
	}
	out->has_score = 1;
	return 0;
}

int yh_score_indicator(const yh_score_in *in, yh_score_out *out)
{
	int64_t actual;
	const char *rule = in->rule ? in->rule : "";

	memset(out, 0, sizeof(*out));
	out->met = -1;
	if (in->points_x100 < 0)
		return YH_EINVAL;
	if (strcmp(rule, "qualitative") == 0)
		return score_qualitative(in, out);
	if (strcmp(rule, "positive") != 0 && strcmp(rule, "reverse") != 0 && strcmp(rule, "equal") != 0 &&
	    strcmp(rule, "budget_execution") != 0)
		return YH_EINVAL;
	if (!in->has_actual)
		return 0;
	/* completion is reported for "more is better" rules; a zero target has none */
	if (strcmp(rule, "reverse") != 0 && in->target_x100 != 0 &&
	    yh_rate_percent(in->actual_x100, in->target_x100, &out->completion_x100) == 0)
		out->has_completion = 1;
	/* a ratio of a negative actual means nothing: it earns nothing */
	actual = in->actual_x100 < 0 ? 0 : in->actual_x100;
	if (strcmp(rule, "positive") == 0) {
		if (in->target_x100 < 0)
			return YH_EINVAL;
		out->met = in->actual_x100 >= in->target_x100;
		if (yh_score_positive(actual, in->target_x100, in->points_x100, &out->score_x100) != 0)
			return YH_EINVAL;
	} else if (strcmp(rule, "budget_execution") == 0) {
		/* min(rate, 100 %) × weight, whatever the displayed target */
		out->met = in->actual_x100 >= 10000;
		if (yh_score_positive(actual, 10000, in->points_x100, &out->score_x100) != 0)
			return YH_EINVAL;
	} else if (strcmp(rule, "reverse") == 0) {
		out->met = in->actual_x100 <= in->target_x100;
		if (out->met)
			out->score_x100 = in->points_x100;
		else if (in->target_x100 <= 0)
			out->score_x100 = 0;
		else if (yh_score_reverse(actual, in->target_x100, in->points_x100, &out->score_x100) != 0)
			return YH_EINVAL;
	} else {
		return score_equal(in, out);
	}
	out->has_score = 1;
	return 0;
}

int yh_score_total(const int64_t *score_x100, const int64_t *points_x100, const int *applicable, size_t n,
	int64_t *total_x100)
{
	int64_t sum = 0, all = 0, app = 0;

	for (size_t i = 0; i < n; i++) {
		all += points_x100[i];
		if (!applicable[i])
			continue;
		app += points_x100[i];
		sum += score_x100[i];
	}
	if (app == 0)
		return YH_RATE_NA;
	if (app == all) {
		*total_x100 = sum;
		return 0;
	}
	return yh_money_muldiv(total_x100, sum, all, app) == 0 ? 0 : YH_RATE_NA;
}

int yh_decimal_parse_x100(const char *s, int allow_negative, int64_t *out, const char *field, yh_err *err)
{
	const char *p = s;
	int neg = 0, ndec = 0;
	int64_t whole = 0, frac = 0;

	if (s == NULL || *s == '\0')
		return yh_err_set(err, YH_EINVAL, field, "a number is required");
	if (*p == '-') {
		if (!allow_negative)
			return yh_err_set(err, YH_EINVAL, field, "must not be negative");
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return yh_err_set(err, YH_EINVAL, field, "'%.40s' is not a number like 93.8", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > INT64_C(90000000000000))
			return yh_err_set(err, YH_EINVAL, field, "'%.40s' is too large", s);
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, ndec++)
			if (ndec < 2)
				frac = frac * 10 + (*p - '0');
		if (ndec == 0)
			return yh_err_set(err, YH_EINVAL, field, "'%.40s' needs digits after the point", s);
		if (ndec > 2)
			return yh_err_set(err, YH_EINVAL, field, "'%.40s' has %d decimal places; at most 2", s, ndec);
		if (ndec == 1)
			frac *= 10;
	}
	if (*p != '\0')
		return yh_err_set(err, YH_EINVAL, field, "'%.40s' is not a number like 93.8", s);
	*out = neg ? -(whole * 100 + frac) : whole * 100 + frac;
	return 0;
}

void yh_decimal_format_x100(char out[32], int64_t v, int trim)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned frac = (unsigned)(m % 100);

	if (trim && frac == 0)
		snprintf(out, 32, "%s%" PRIu64, v < 0 ? "-" : "", m / 100);
	else if (trim && frac % 10 == 0)
		snprintf(out, 32, "%s%" PRIu64 ".%u", v < 0 ? "-" : "", m / 100, frac / 10);
	else
		snprintf(out, 32, "%s%" PRIu64 ".%02u", v < 0 ? "-" : "", m / 100, frac);
}

/* ---- scoring the year's tree into the evaluation document ---- */

static const char *rating_text(const char *r)
{
	if (r == NULL)
		return NULL;
	if (strcmp(r, "achieved") == 0)
		return "达成年度指标";
	if (strcmp(r, "partial") == 0)
		return "部分达成并具有一定效果";
	return "未达成且效果较差";
}

static const char *op_text(const char *op)
{
	if (op == NULL)
		return "";
	if (strcmp(op, ">=") == 0)
		return "≥";
	if (strcmp(op, "<=") == 0)
		return "≤";
	if (strcmp(op, "=") == 0)
		return "=";
	return "";
}

static json_t *x100_json(int64_t v)
{
	char buf[32];

	yh_decimal_format_x100(buf, v, 0);
	return json_string(buf);
}

static int64_t row_int(yh_rows *rows, size_t i, const char *col)
{
	const char *v = yh_rows_get(rows, i, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

/*
 * Reads figure value v as hundredths of the indicator's unit. Returns 1 with
 * a value, 0 when not applicable (a rate with a zero denominator), -1 when
 * the figure is missing or unreadable, -2 when its data were not entered for
 * the year (a budget rate without any of its items).
 */
static int figure_x100(json_t *v, const char *kind, const char *unit, int64_t *out, char *disp, size_t n)
{
	char num[32];
	const char *u = unit ? unit : "";

	if (v == NULL)
		return -1;
	if (json_is_object(v) && json_is_false(json_object_get(v, "entered")))
		return -2;
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (v == NULL || json_is_null(v))
		return v == NULL ? -1 : 0;
	if (json_is_string(v)) {
		if (yh_decimal_parse_x100(json_string_value(v), 1, out, "figure", NULL) != 0)
			return -1;
		yh_decimal_format_x100(num, *out, 0);
		snprintf(disp, n, "%s%s", num, kind && strcmp(kind, "rate") == 0 ? "%" : u);
		return 1;
	}
	if (!json_is_integer(v))
		return -1;
	if (kind && strcmp(kind, "fen") == 0) {
		int64_t fen = json_integer_value(v);
		if (strcmp(u, "万元") == 0) {
			if (yh_money_muldiv(out, fen, 1, 10000) != 0)
				return -1;
		} else {
			*out = fen;
		}
		yh_decimal_format_x100(num, *out, 0);
		snprintf(disp, n, "%s%s", num, strcmp(u, "万元") == 0 ? "万元" : "元");
		return 1;
	}
	if (__builtin_mul_overflow((int64_t)json_integer_value(v), (int64_t)100, out))
		return -1;
	yh_decimal_format_x100(num, *out, 1);
	snprintf(disp, n, "%s%s", num, u);
	return 1;
}

struct node {
	int parent;      /* index or -1 */
	int leaf;
	int applicable;
	int64_t points, score;
	json_t *obj;
};

/* The target as an object with its display text ("≥50人次", "≤100%"). */
static json_t *target_json(yh_rows *rows, size_t i)
{
	const char *op = yh_rows_get(rows, i, "target_op"), *unit = yh_rows_get(rows, i, "unit");
	const char *text = yh_rows_get(rows, i, "target_text");
	char val[32] = "", disp[160];

	if (op == NULL)
		return json_null();
	if (strcmp(op, "qualitative") == 0) {
		snprintf(disp, sizeof(disp), "%s", text ? text : "定性");
	} else {
		yh_decimal_format_x100(val, row_int(rows, i, "target_x100"), 1);
		snprintf(disp, sizeof(disp), "%s%s%s", op_text(op), val, unit ? unit : "");
	}
	return json_pack("{s:s,s:s?,s:s?,s:s}", "op", op, "value", val[0] ? val : NULL, "text", text,
		"display", disp);
}

/* Computes one leaf; fills n and adds its members to n->obj. */
static int score_leaf(yh_rows *rows, size_t i, json_t *figures, const yh_score_bands *bands, struct node *n,
	json_t *warnings)
{
	const char *code = yh_rows_get(rows, i, "code"), *rule = yh_rows_get(rows, i, "rule");
	const char *source = yh_rows_get(rows, i, "source"), *figure = yh_rows_get(rows, i, "figure_code");
	const char *app = yh_rows_get(rows, i, "applicable"), *awarded = yh_rows_get(rows, i, "awarded_x100");
	const char *rating = yh_rows_get(rows, i, "rating"), *status = "ok", *na = yh_rows_get(rows, i, "na_reason");
	yh_score_in in = { 0 };
	yh_score_out so;
	char disp[96] = "";
	int got = -1, not_entered;

	in.rule = rule;
	in.points_x100 = n->points;
	in.target_x100 = row_int(rows, i, "target_x100");
	in.rating = rating;
	in.bands = *bands;
	if (strcmp(rule, "qualitative") == 0) {
		got = rating ? 1 : -1;
		if (rating)
			snprintf(disp, sizeof(disp), "%s", rating_text(rating));
	} else if (strcmp(source, "figure") == 0) {
		got = figure_x100(json_object_get(figures, figure), yh_rows_get(rows, i, "figure_kind"),
			yh_rows_get(rows, i, "unit"), &in.actual_x100, disp, sizeof(disp));
	} else if (yh_rows_get(rows, i, "manual_x100")) {
		const char *unit = yh_rows_get(rows, i, "unit");
		char num[32];
		in.actual_x100 = row_int(rows, i, "manual_x100");
		yh_decimal_format_x100(num, in.actual_x100, 1);
		snprintf(disp, sizeof(disp), "%s%s", num, unit ? unit : "");
		got = 1;
	}
	in.has_actual = got == 1;
	not_entered = got == -2;
	if (not_entered)
		got = -1;
	if (yh_score_indicator(&in, &so) != 0)
		return YH_EINVAL;
	n->applicable = !(app && strcmp(app, "f") == 0) && got != 0;
	if (got == 0 && !(app && strcmp(app, "f") == 0))
		na = "分母为零，指标不适用";
	if (!n->applicable) {
		status = "not_applicable";
	} else if (awarded) {
		status = "override";
	} else if (got < 0) {
		status = "missing";
		json_array_append_new(warnings, json_sprintf("%s %s：%s", code, yh_rows_get(rows, i, "name"),
			not_entered ? "本年度预算数据未录入（yinhui budget set 或 budget import）" :
			strcmp(source, "figure") == 0 ? "数据不可用（无权查看或模块未提供）" :
			(strcmp(rule, "qualitative") == 0 ? "未记录定性评价" : "未填报实际完成值及依据")));
	}
	n->score = awarded ? strtoll(awarded, NULL, 10) : (so.has_score ? so.score_x100 : 0);
	json_object_set_new(n->obj, "unit", yh_rows_get(rows, i, "unit") ? json_string(yh_rows_get(rows, i, "unit")) : json_null());
	json_object_set_new(n->obj, "rule", json_string(rule));
	json_object_set_new(n->obj, "source", json_string(source));
	json_object_set_new(n->obj, "figure", figure ? json_string(figure) : json_null());
	json_object_set_new(n->obj, "target", target_json(rows, i));
	json_object_set_new(n->obj, "actual", got == 1 ? json_pack("{s:o,s:s}", "value",
		strcmp(rule, "qualitative") == 0 ? json_string(rating) : x100_json(in.actual_x100), "display", disp) : json_null());
	json_object_set_new(n->obj, "evidence", yh_rows_get(rows, i, "evidence") ?
		json_string(yh_rows_get(rows, i, "evidence")) : json_null());
	json_object_set_new(n->obj, "completion", so.has_completion ? x100_json(so.completion_x100) : json_null());
	json_object_set_new(n->obj, "met", so.met < 0 ? json_null() : json_boolean(so.met));
	json_object_set_new(n->obj, "computed_score", so.has_score && n->applicable ? x100_json(so.score_x100) : json_null());
	json_object_set_new(n->obj, "awarded", awarded ? x100_json(strtoll(awarded, NULL, 10)) : json_null());
	json_object_set_new(n->obj, "score", n->applicable ? x100_json(n->score) : json_null());
	json_object_set_new(n->obj, "applicable", json_boolean(n->applicable));
	json_object_set_new(n->obj, "na_reason", !n->applicable && na ? json_string(na) : json_null());
	json_object_set_new(n->obj, "status", json_string(status));
	return 0;
}

int yh_eval_score_rows(yh_rows *rows, json_t *figures, const yh_score_bands *bands, json_t *doc, yh_err *err)
{
	size_t nr = yh_rows_count(rows), nleaf = 0;
	struct node *nodes = calloc(nr ? nr : 1, sizeof(*nodes));
	int64_t *ls = calloc(nr ? nr : 1, sizeof(int64_t)), *lp = calloc(nr ? nr : 1, sizeof(int64_t));
	int *la = calloc(nr ? nr : 1, sizeof(int));
	json_t *list = json_array(), *warnings = json_object_get(doc, "warnings");
	int64_t total = 0, all = 0, app = 0, top = 0;
	int rc = 0;

	if (nodes == NULL || ls == NULL || lp == NULL || la == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *parent = yh_rows_get(rows, i, "parent");
		nodes[i].parent = -1;
		nodes[i].leaf = 1;
		nodes[i].points = row_int(rows, i, "points_x100");
		for (size_t j = 0; parent && j < nr; j++)
			if (strcmp(yh_rows_get(rows, j, "code"), parent) == 0)
				nodes[i].parent = (int)j;
	}
	for (size_t i = 0; i < nr; i++)
		if (nodes[i].parent >= 0)
			nodes[nodes[i].parent].leaf = 0;
	for (size_t i = 0; i < nr && rc == 0; i++) {
		struct node *n = &nodes[i];
		const char *parent = yh_rows_get(rows, i, "parent");
		n->obj = json_pack("{s:s,s:s?,s:I,s:s,s:s,s:o,s:b,s:s?,s:s?,s:s?}", "code", yh_rows_get(rows, i, "code"),
			"parent", parent, "level", (json_int_t)row_int(rows, i, "level"), "name", yh_rows_get(rows, i, "name"),
			"class", yh_rows_get(rows, i, "class"), "points", x100_json(n->points), "leaf", n->leaf,
			"note", yh_rows_get(rows, i, "note"), "justification", yh_rows_get(rows, i, "justification"),
			"improvement", yh_rows_get(rows, i, "improvement"));
		json_array_append_new(list, n->obj);
		if (!n->leaf)
			continue;
		rc = score_leaf(rows, i, figures, bands, n, warnings);
		if (rc != 0)
			rc = yh_err_set(err, YH_EINVAL, "rule", "indicator %s: cannot score rule %s",
				yh_rows_get(rows, i, "code"), yh_rows_get(rows, i, "rule"));
		ls[nleaf] = n->score;
		lp[nleaf] = n->points;
		la[nleaf] = n->applicable;
		nleaf++;
		all += n->points;
		if (n->applicable)
			app += n->points;
	}
	if (rc != 0)
		goto done;
	/* rows come parents first, so walking backwards sums children before their parent */
	for (size_t k = nr; k-- > 0;) {
		struct node *n = &nodes[k];
		int64_t children = 0;
		if (!n->leaf) {
			for (size_t j = 0; j < nr; j++)
				if (nodes[j].parent == (int)k)
					children += nodes[j].points;
			if (children != n->points)
				json_array_append_new(warnings, json_sprintf("%s：分值%lld与下级指标分值合计%lld不一致",
					yh_rows_get(rows, k, "code"), (long long)n->points / 100, (long long)children / 100));
			json_object_set_new(n->obj, "score", n->applicable ? x100_json(n->score) : json_null());
			json_object_set_new(n->obj, "applicable", json_boolean(n->applicable));
		}
		if (n->parent >= 0 && n->applicable) {
			nodes[n->parent].score += n->score;
			nodes[n->parent].applicable = 1;
		}
		if (n->parent < 0)
			top += n->points;
	}
	if (nr > 0 && top != 10000)
		json_array_append_new(warnings, json_sprintf("一级指标分值合计为%lld，不是100", (long long)top / 100));
	{
		int64_t raw = 0;
		int na = yh_score_total(ls, lp, la, nleaf, &total);
		for (size_t k = 0; k < nleaf; k++)
			raw += la[k] ? ls[k] : 0;
		json_object_set_new(doc, "total", json_pack("{s:o,s:o,s:o,s:o,s:s?}", "points", x100_json(all),
			"applicable_points", x100_json(app), "raw", x100_json(raw),
			"score", na ? json_null() : x100_json(total), "grade", na ? NULL : yh_grade(total)));
	}
	json_object_set_new(doc, "indicators", list);
	list = NULL;
done:
	json_decref(list);
	free(nodes);
	free(ls);
	free(lp);
	free(la);
	return rc;
}
