/*
 * eval_internal.h - shared by the evaluation module's files (budget.c,
 * activity.c, indicator.c, evaluation.c, report_*.c, svg.c, demo.c) only.
 */
#ifndef YH_EVAL_INTERNAL_H
#define YH_EVAL_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/error.h"
#include "yinhui/indicator.h"

/* A growing text buffer; after an allocation failure it stays failed (oom). */
typedef struct yh_sbuf {
	char *p;
	size_t n, cap;
	int oom;
} yh_sbuf;

static inline void yh_sbuf_addn(yh_sbuf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;
		while (cap < b->n + len + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static inline void yh_sbuf_add(yh_sbuf *b, const char *s)
{
	if (s != NULL)
		yh_sbuf_addn(b, s, strlen(s));
}

static inline void yh_sbuf_printf(yh_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
static inline void yh_sbuf_printf(yh_sbuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)len < sizeof(small)) {
		yh_sbuf_addn(b, small, (size_t)len);
		return;
	}
	{
		char *big = malloc((size_t)len + 1);
		if (big == NULL) {
			b->oom = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)len + 1, fmt, ap);
		va_end(ap);
		yh_sbuf_addn(b, big, (size_t)len);
		free(big);
	}
}

/* Appends s with & < > " ' escaped (HTML text and attribute values, SVG). */
static inline void yh_sbuf_html(yh_sbuf *b, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep) {
			yh_sbuf_addn(b, run, (size_t)(s - run));
			yh_sbuf_add(b, rep);
			run = s + 1;
		}
	}
	yh_sbuf_addn(b, run, (size_t)(s - run));
}

/* Hands the text to the caller (who frees it); YH_EINTERNAL after an allocation failure. */
static inline int yh_sbuf_take(yh_sbuf *b, char **out, yh_err *err)
{
	*out = NULL;
	if (b->oom || b->p == NULL) {
		free(b->p);
		b->p = NULL;
		if (b->oom)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		*out = strdup("");
		return *out ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	*out = b->p;
	b->p = NULL;
	return 0;
}

static inline void yh_sbuf_free(yh_sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

/* A resolved evaluation unit. */
typedef struct yh_eval_unit {
	long long id;
	char id_txt[24];
	char code[48];
	char name[256];
} yh_eval_unit;

/*
 * Resolves unit (code or uid; NULL = the actor's default: the root unit for
 * admin and auditor, else the actor's unit) and checks it lies in the
 * actor's scope: YH_EINVAL (unknown, field "unit") or YH_EFORBIDDEN.
 */
int yh_eval_unit_resolve(yh_db *db, const yh_actor *a, const char *unit, yh_eval_unit *out, yh_err *err);

/* YH_EINVAL (field "year") unless 2000 <= year <= 2100. */
int yh_eval_year_check(int year, yh_err *err);

/* YH_ECONFLICT when (year, unit_id) has a current finalised snapshot; unit_id NULL = any unit. */
int yh_eval_check_open(yh_db *db, int year, const char *unit_id, yh_err *err);

/* An integer setting valid on date (YYYY-MM-DD), or dflt. */
int yh_eval_setting_int(yh_db *db, const char *key, const char *date, int dflt);

/* ---- SVG charts (svg.c) ---- */

typedef struct yh_svg_series {
	const char *name;
	const int64_t *values; /* one per category */
} yh_svg_series;

/*
 * A bar chart of ncat categories and nser series (stacked or grouped), drawn
 * as inline SVG and appended to b. Every text is escaped. value_fmt: 0 plain
 * integers, 1 fen shown as 万元, 2 hundredths shown as percent.
 */
void yh_svg_bars(yh_sbuf *b, const char *title, const char *const *categories, size_t ncat,
	const yh_svg_series *series, size_t nser, int stacked, int value_fmt);


/* ---- the evaluation document (JSON, built in core with jansson) ---- */

/*
 * Scores the year's indicator rows (the tree query of evaluation.c) against
 * figures and adds "indicators", "total" and entries of "warnings" to doc.
 */
int yh_eval_score_rows(yh_rows *rows, json_t *figures, const yh_score_bands *bands, json_t *doc, yh_err *err);

/* A module's figures function (the contract of the module guide). */
typedef int (*figures_fn)(yh_db *, const yh_actor *, const char *, const char *, const char *, char **, yh_err *);

/* Adds "reconciliation" (roster reconcile + explanations from notes, "unexplained") to doc. */
int yh_eval_add_reconciliation(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, json_t *notes,
	json_t *doc, yh_err *err);

/* Renderers of a document (report_html.c, report_xlsx.c). *out is the caller's. */
int yh_eval_render_html(json_t *doc, char **out, size_t *len, yh_err *err);
int yh_eval_render_xlsx(json_t *doc, char **out, size_t *len, yh_err *err);
int yh_eval_render_csv(json_t *doc, char **out, size_t *len, yh_err *err);
int yh_eval_render_text(json_t *doc, char **out, size_t *len, yh_err *err);

/* Helpers for renderers: string member or "", and a figure's display text. */
const char *yh_eval_str(json_t *obj, const char *key);
void yh_eval_figure_text(json_t *figures, const char *code, char *out, size_t n);

#endif
