/* Bar charts drawn as inline SVG for the report (no scripts, no external files). */
#include <inttypes.h>
#include <stdio.h>

#include "core/eval_internal.h"
#include "yinhui/money.h"

#define W 680
#define H 300
#define LEFT 70
#define RIGHT 20
#define TOP 36
#define BOTTOM 56

static const char *const palette[] = { "#2f5597", "#c55a11", "#548235", "#7f6000", "#7030a0", "#bf9000",
	"#0e7c86", "#a5002a", "#5b5b5b", "#4472c4" };

static void value_text(char *out, size_t n, int64_t v, int fmt)
{
	char buf[32];

	if (fmt == 1) {
		yh_money_format_wan(buf, v);
		snprintf(out, n, "%s", buf);
	} else if (fmt == 2) {
		yh_rate_format(buf, v);
		snprintf(out, n, "%s%%", buf);
	} else {
		snprintf(out, n, "%" PRId64, v);
	}
}

/* A round step (1, 2 or 5 × 10^k) giving about five grid lines up to max. */
static int64_t nice_step(int64_t max)
{
	int64_t step = 1;

	while (step * 5 < max) {
		if (step * 2 * 5 >= max)
			return step * 2;
		if (step * 5 * 5 >= max)
			return step * 5;
		step *= 10;
	}
	return step;
}

void yh_svg_bars(yh_sbuf *b, const char *title, const char *const *categories, size_t ncat,
	const yh_svg_series *series, size_t nser, int stacked, int value_fmt)
{
	int64_t max = 0, step, top;
	double plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM, slot, bar_w;
	char label[64];

	for (size_t c = 0; c < ncat; c++) {
		int64_t sum = 0;
		for (size_t s = 0; s < nser; s++) {
			int64_t v = series[s].values[c] > 0 ? series[s].values[c] : 0;
			sum += v;
			if (!stacked && v > max)
				max = v;
		}
		if (stacked && sum > max)
			max = sum;
	}
	step = nice_step(max > 0 ? max : 1);
	top = ((max + step - 1) / step) * step;
	if (top == 0)
		top = step;
	slot = ncat ? plot_w / (double)ncat : plot_w;
	bar_w = stacked || nser == 0 ? slot * 0.6 : slot * 0.8 / (double)nser;
	yh_sbuf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\""
		" role=\"img\" aria-label=\"", W, H);
	yh_sbuf_html(b, title);
	yh_sbuf_add(b, "\" font-size=\"11\" font-family=\"sans-serif\">\n<title>");
	yh_sbuf_html(b, title);
	yh_sbuf_printf(b, "</title>\n<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">", LEFT);
	yh_sbuf_html(b, title);
	yh_sbuf_add(b, "</text>\n");
	/* grid and axis labels */
	for (int64_t v = 0; v <= top; v += step) {
		double y = TOP + plot_h - plot_h * (double)v / (double)top;
		value_text(label, sizeof(label), v, value_fmt);
		yh_sbuf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, y, W - RIGHT, y, LEFT - 4, y + 4, label);
	}
	yh_sbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", LEFT, TOP + (int)plot_h,
		W - RIGHT, TOP + (int)plot_h);
	for (size_t c = 0; c < ncat; c++) {
		double x0 = LEFT + slot * (double)c, base = TOP + plot_h;
		for (size_t s = 0; s < nser; s++) {
			int64_t v = series[s].values[c] > 0 ? series[s].values[c] : 0;
			double h = plot_h * (double)v / (double)top;
			double x = stacked ? x0 + (slot - bar_w) / 2 : x0 + slot * 0.1 + bar_w * (double)s;
			double y = stacked ? base - h : TOP + plot_h - h;
			if (v == 0)
				continue;
			value_text(label, sizeof(label), series[s].values[c], value_fmt);
			yh_sbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
				x, y, bar_w, h, palette[s % (sizeof(palette) / sizeof(palette[0]))]);
			yh_sbuf_html(b, categories[c]);
			yh_sbuf_add(b, " ");
			yh_sbuf_html(b, series[s].name);
			yh_sbuf_printf(b, ": %s</title></rect>\n", label);
			if (!stacked && nser <= 3)
				yh_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%s</text>\n",
					x + bar_w / 2, y - 2, label);
			if (stacked)
				base -= h;
		}
		yh_sbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x0 + slot / 2, TOP + (int)plot_h + 14);
		yh_sbuf_html(b, categories[c]);
		yh_sbuf_add(b, "</text>\n");
	}
	if (max == 0)
		yh_sbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#888\">无数据</text>\n",
			LEFT + (int)plot_w / 2, TOP + (int)plot_h / 2);
	/* legend */
	for (size_t s = 0; s < nser; s++) {
		int x = LEFT + (int)(s % 5) * 120, y = H - 26 + (int)(s / 5) * 14;
		yh_sbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
			x, y - 9, palette[s % (sizeof(palette) / sizeof(palette[0]))], x + 14, y);
		yh_sbuf_html(b, series[s].name);
		yh_sbuf_add(b, "</text>\n");
	}
	yh_sbuf_add(b, "</svg>\n");
}
