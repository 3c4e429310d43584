/*
 * roster_import.c - cadres from a CSV file, all or nothing.
 *
 * Every row is checked in C with the same rules as the API (roster_record.c);
 * the good rows go in chunks to the database half (roster_import_db.c), which
 * writes one chunk while the next is being checked. Any bad row and nothing
 * is written; every bad row is reported with its line and column.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/roster_import_db.h"
#include "core/roster_internal.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/log.h"
#include "yinhui/pii.h"


#define NCOLS YH_ROSTER_NCOLUMNS
#define PROGRESS_EVERY 500
#define CHUNK_ROWS 5000 /* rows per chunk to the database: small enough to overlap, big enough per statement */

static const char Q_UNITS[] =
	"SELECT u.id, u.code, u.name, yh.in_scope(u.id, $1::bigint) AS ok FROM yh.unit u";
/* One COPY text field: \N for NULL, backslash escapes for the rest. */
static int copy_field(yh_ibuf *b, const char *s, int last)
{
	int rc = 0;

	if (s == NULL) {
		rc = yh_ibuf_put(b, "\\N", 2);
	} else {
		for (const char *p = s; rc == 0 && *p; ) {
			size_t run = strcspn(p, "\\\t\n\r");
			rc = yh_ibuf_put(b, p, run);
			p += run;
			if (rc == 0 && *p) {
				const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : "\\r";
				rc = yh_ibuf_put(b, esc, 2);
				p++;
			}
		}
	}
	if (rc == 0)
		rc = yh_ibuf_put(b, last ? "\n" : "\t", 1);
	return rc;
}

static int cmp_error(const void *a, const void *b)
{
	const yh_ierr *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}


/* Maps the header row to columns; unknown headers are errors, 序号 is ignored. */
static int read_header(const char **fields, size_t n, int *col_of, int *present, yh_ierrs *errs, yh_err *err)
{
	/* one cell holding tabs or semicolons: saved as "Text (tab-delimited)" or with a European list separator */
	if (n == 1 && strpbrk(fields[0], "\t;") != NULL) {
		col_of[0] = -1;
		if (yh_ierrs_add(errs, 1, "", NULL, strchr(fields[0], '\t') ?
		    "the columns are separated by tabs: save the file as CSV (comma-separated)" :
		    "the columns are separated by semicolons: save the file as CSV (comma-separated)") != 0)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		return 0;
	}
	for (size_t c = 0; c < n; c++) {
		char buf[256], *h;
		col_of[c] = -1;
		snprintf(buf, sizeof(buf), "%s", fields[c]);
		h = yh_roster_cell_trim(buf);
		if (*h == '\0' || strcmp(h, "序号") == 0 || strcasecmp(h, "no") == 0)
			continue;
		for (size_t k = 0; k < NCOLS && col_of[c] < 0; k++) {
			const yh_roster_column *rc = &yh_roster_columns[k];
			int match = strcmp(h, rc->header) == 0 || strcasecmp(h, rc->field) == 0;
			for (int a = 0; !match && rc->aliases[a]; a++)
				match = strcmp(h, rc->aliases[a]) == 0;
			if (match) {
				if (present[k]) {
					char msg[256];
					snprintf(msg, sizeof(msg), "column %s appears twice", rc->header);
					if (yh_ierrs_add(errs, 1, h, rc->field, msg) != 0)
						return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				}
				col_of[c] = (int)k;
				present[k] = 1;
			}
		}
		if (col_of[c] < 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "unknown column \"%.60s\" (expected 姓名, 身份证号码, 类别, ... or the English field names)", h);
			if (yh_ierrs_add(errs, 1, h, NULL, msg) != 0)
				return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		}
	}
	for (size_t k = 0; k < NCOLS; k++) {
		const char *f = yh_roster_columns[k].field;
		if (!present[k] && (strcmp(f, "name") == 0 || strcmp(f, "id_number") == 0 || strcmp(f, "category") == 0)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "the file has no %s column", yh_roster_columns[k].header);
			if (yh_ierrs_add(errs, 1, yh_roster_columns[k].header, f, msg) != 0)
				return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		}
	}
	return 0;
}

static const char *header_of(const char *field)
{
	for (size_t k = 0; k < NCOLS; k++)
		if (strcmp(yh_roster_columns[k].field, field) == 0)
			return yh_roster_columns[k].header;
	return field;
}

/* One data row -> fields, validated, applied -> a COPY line. Row problems go to errs, not to the return code. */
static int import_row(const char **cells, size_t n, const int *col_of, size_t ncols, const yh_roster_units *units,
	const char *today, size_t line, yh_ibuf *copy, char (*bidx)[YH_PII_BIDX_HEX], yh_ierrs *errs, yh_err *err)
{
	char *copies[YH_CSV_MAX_FIELDS] = { NULL };
	yh_fields *f = NULL, *prepared = NULL;
	yh_values *v = NULL;
	yh_person_rec r;
	const char *unit_id = NULL, *raw_id = NULL;
	char lines[24], birth_month[8] = "";
	yh_err e;
	int rc = 0, bad;

	yh_roster_rec_init(&r);
	yh_err_clear(&e);
	if (yh_fields_new(&f) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t c = ncols; c < n; c++)
		if (cells[c][strspn(cells[c], " \t")] != '\0') {
			rc = yh_ierrs_add(errs, line, "", NULL, "the row has more cells than the header has columns");
			goto done;
		}
	for (size_t c = 0; c < n && c < ncols && rc == 0; c++) {
		const char *field, *val;
		char datebuf[32], why[320];
		enum yh_cell_kind kind;
		char *cell;

		if (col_of[c] < 0)
			continue;
		field = yh_roster_columns[col_of[c]].field;
		kind = yh_roster_column_kind[col_of[c]];
		copies[c] = strdup(cells[c]);
		if (copies[c] == NULL) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			goto done;
		}
		cell = yh_roster_cell_trim(copies[c]);
		/* numbers and dates typed with a Chinese input method's full-width digits */
		if (kind == CK_ID || kind == CK_DATE || kind == CK_ADDED || kind == CK_LIST ||
		    (kind == CK_DERIVED && strcmp(field, "birth_date") == 0))
			yh_roster_cell_halfwidth(cell);
		/* 440802 19410305 0112: an ID number typed in groups */
		if (kind == CK_ID) {
			char *w = cell;
			for (const char *rd = cell; *rd; rd++)
				if (*rd != ' ')
					*w++ = *rd;
			*w = '\0';
		}
		val = (kind == CK_ALIAS || kind == CK_BOOL || kind == CK_DERIVED) ? yh_roster_cell_alias(field, cell) : cell;
		if (kind == CK_UNIT) {
			int u = *cell ? yh_roster_units_find(units, cell, &unit_id) : 0;
			if (u != 0) {
				char msg[256];
				snprintf(msg, sizeof(msg), u == 1 ? "no unit \"%.60s\" (use its code or full name)" :
					u == 2 ? "several units are named \"%.60s\": use the unit code" :
					"unit \"%.60s\" is outside your units", cell);
				rc = yh_ierrs_add(errs, line, yh_roster_columns[col_of[c]].header, field, msg);
				goto done;
			}
			continue;
		}
		if (*cell == '\0') {
			/* empty: derived (gender, birth), default (added_on) or cleared */
			if (kind == CK_DERIVED || kind == CK_ADDED)
				continue;
			if (kind == CK_BOOL)
				val = "false";
			else if (kind == CK_LIST)
				val = "";
			else if (kind != CK_KEY && kind != CK_ID)
				val = NULL;
		} else if (kind == CK_DATE || kind == CK_ADDED || (kind == CK_DERIVED && strcmp(field, "birth_date") == 0)) {
			int dr = yh_roster_cell_date(datebuf, sizeof(datebuf), cell, why, sizeof(why));
			if (dr < 0) {
				rc = yh_ierrs_add(errs, line, yh_roster_columns[col_of[c]].header, field, why);
				goto done;
			}
			if (dr == 1 && kind == CK_DERIVED) {
				/* 出生年月 1941.03: the day comes from the ID number, the month must agree with it */
				snprintf(birth_month, sizeof(birth_month), "%.7s", datebuf);
				continue;
			}
			val = datebuf;
		} else if ((kind == CK_ID || kind == CK_LIST) && yh_roster_cell_mangled(why, sizeof(why), field, cell) != 0) {
			rc = yh_ierrs_add(errs, line, yh_roster_columns[col_of[c]].header, field, why);
			goto done;
		}
		if (kind == CK_ID)
			raw_id = cell;
		rc = yh_fields_set(f, field, val, val ? YH_FV_STRING : YH_FV_NULL, err);
	}
	if (rc != 0)
		goto done;
	bad = yh_roster_fields_prepare(f, &prepared, &e);
	if (bad == 0)
		bad = yh_values_validate(&v, yh_roster_input, yh_roster_ninput, prepared, 1, &e);
	if (bad == 0)
		bad = yh_roster_rec_apply(&r, v, raw_id, unit_id, 1, today, &e);
	if (bad == YH_EINTERNAL) {
		*err = e;
		rc = YH_EINTERNAL;
		goto done;
	}
	if (bad == 0 && birth_month[0] != '\0' &&
	    (r.val[RC_BIRTH_DATE] == NULL || strncmp(r.val[RC_BIRTH_DATE], birth_month, 7) != 0))
		bad = yh_err_set(&e, YH_EINVAL, "birth_date", "birth month %s does not agree with the ID number, which says %s",
			birth_month, r.val[RC_BIRTH_DATE] ? r.val[RC_BIRTH_DATE] : "another date");
	if (bad != 0) {
		rc = yh_ierrs_add(errs, line, header_of(e.field), e.field, e.msg);
		goto done;
	}
	/* no 入册日期 in the row: an existing person keeps theirs, a new one gets today (in SQL) */
	if (yh_fields_get(f, "added_on") == NULL) {
		free(r.val[RC_ADDED_ON]);
		r.val[RC_ADDED_ON] = NULL;
	}
	snprintf(*bidx, YH_PII_BIDX_HEX, "%s", r.val[RC_ID_BIDX]);
	snprintf(lines, sizeof(lines), "%zu", line);
	{
		const char *row[] = { lines, r.val[RC_NAME], r.val[RC_GENDER], r.val[RC_ID_BIDX], r.val[RC_ID_CIPHER],
			r.val[RC_ID_MASKED], r.val[RC_ID_LEGACY], r.val[RC_BIRTH_DATE], r.val[RC_CATEGORY],
			r.val[RC_FORMER_EMPLOYER], r.val[RC_RANK], r.val[RC_JOINED_ON], r.val[RC_RETIRED_ON], unit_id,
			r.val[RC_DISTRICT], r.val[RC_ADDRESS], r.val[RC_PHONES], r.val[RC_EMERGENCY], r.val[RC_LIVING],
			r.val[RC_CARE], r.val[RC_REMOTE], r.val[RC_PARTY], r.val[RC_ADDED_ON], r.val[RC_NOTE] };
		size_t nrow = sizeof(row) / sizeof(row[0]);
		for (size_t i = 0; rc == 0 && i < nrow; i++)
			rc = copy_field(copy, row[i], i + 1 == nrow);
		if (rc != 0)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
done:
	for (size_t c = 0; c < n && c < ncols; c++)
		free(copies[c]);
	yh_roster_rec_dispose(&r);
	yh_values_free(v);
	yh_fields_free(prepared);
	yh_fields_free(f);
	return rc;
}

/* {"imported":false,"rows":N,"errors":[...]} */
static char *error_report(const yh_ierrs *errs, size_t rows)
{
	json_t *doc = json_pack("{s:b,s:I}", "imported", 0, "rows", (json_int_t)rows), *arr = json_array();
	char *out;

	for (size_t i = 0; i < errs->n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)errs->v[i].line,
			"column", errs->v[i].column, "field", errs->v[i].field, "message", errs->v[i].msg));
	json_object_set_new(doc, "errors", arr);
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return out;
}

/* 1 when every cell of the record is blank (spreadsheets leave rows of empty cells). */
static int blank_row(const char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cells[i][strspn(cells[i], " \t")] != '\0')
			return 0;
	return 1;
}

/* The blind indexes seen so far and their first line: the same person twice in one file makes the later lines bad. */
typedef struct seen_set {
	unsigned char (*key)[32];
	size_t *line; /* 0: empty slot */
	size_t cap, n;
} seen_set;

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0;
}

/* The slot of key: its own, or the empty one where it goes. The key is a keyed hash: its first bytes spread well. */
static size_t seen_slot(const seen_set *s, const unsigned char key[32])
{
	size_t h = 0;

	for (int i = 0; i < 8; i++)
		h = (h << 8) | key[i];
	for (h &= s->cap - 1; s->line[h] != 0 && memcmp(s->key[h], key, 32) != 0; h = (h + 1) & (s->cap - 1))
		;
	return h;
}

static int seen_grow(seen_set *s, size_t cap)
{
	seen_set n = { calloc(cap, 32), calloc(cap, sizeof(size_t)), cap, s->n };

	if (n.key == NULL || n.line == NULL) {
		free(n.key);
		free(n.line);
		return YH_EINTERNAL;
	}
	for (size_t i = 0; i < s->cap; i++)
		if (s->line[i] != 0) {
			size_t h = seen_slot(&n, s->key[i]);
			memcpy(n.key[h], s->key[i], 32);
			n.line[h] = s->line[i];
		}
	free(s->key);
	free(s->line);
	*s = n;
	return 0;
}

/* Remembers bidx ("\x" + 64 hex) at line; *first is 0, or the earlier line with the same one. */
static int seen_add(seen_set *s, const char *bidx, size_t line, size_t *first)
{
	unsigned char key[32];
	size_t h;

	if (2 * (s->n + 1) > s->cap && seen_grow(s, s->cap ? 2 * s->cap : 4096) != 0)
		return YH_EINTERNAL;
	for (int i = 0; i < 32 && bidx[2 + 2 * i] && bidx[3 + 2 * i]; i++)
		key[i] = (unsigned char)(hexval(bidx[2 + 2 * i]) << 4 | hexval(bidx[3 + 2 * i]));
	h = seen_slot(s, key);
	*first = s->line[h];
	if (*first == 0) {
		memcpy(s->key[h], key, 32);
		s->line[h] = line;
		s->n++;
	}
	return 0;
}

/* What one import collects while it reads the file. */
typedef struct import_job {
	yh_csv_reader *csv;
	yh_roster_units units;
	const char *today;
	int col_of[YH_CSV_MAX_FIELDS];
	int present[NCOLS];
	size_t nheader;
	yh_ierrs errs;
	yh_import_sink *sink;
	yh_import_chunk *chunk; /* the good rows not yet handed to the sink */
	seen_set seen;
	size_t nrows;
} import_job;

/* A new chunk for job, or YH_EINTERNAL. */
static int chunk_new(import_job *job)
{
	job->chunk = calloc(1, sizeof(*job->chunk));
	if (job->chunk != NULL) {
		job->chunk->cap = CHUNK_ROWS;
		job->chunk->bidx = malloc(CHUNK_ROWS * sizeof(*job->chunk->bidx));
		job->chunk->lines = malloc(CHUNK_ROWS * sizeof(*job->chunk->lines));
	}
	if (job->chunk == NULL || job->chunk->bidx == NULL || job->chunk->lines == NULL) {
		yh_import_chunk_free(job->chunk);
		job->chunk = NULL;
		return YH_EINTERNAL;
	}
	return 0;
}

/* Hands the current chunk to the sink (and starts a new one unless last). */
static int chunk_send(import_job *job, int last, yh_err *err)
{
	yh_import_chunk *c = job->chunk;

	job->chunk = NULL;
	if (yh_import_sink_put(job->sink, c, job->errs.n > 0, err) != 0)
		return YH_EINTERNAL;
	if (!last && chunk_new(job) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	return 0;
}

/* Reads and checks every data row; bad rows go to job->errs, good ones in chunks to the sink. */
static int read_rows(import_job *job, size_t estimate, yh_roster_progress_fn progress, void *parg, yh_err *err)
{
	const char **cells;
	size_t ncells;
	int rc;

	if (chunk_new(job) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (;;) {
		yh_import_chunk *c = job->chunk;
		size_t line, before = job->errs.n, mark = c->copy.n, first = 0;

		rc = yh_csv_next(job->csv, &cells, &ncells, err);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* a broken quote makes the rest unreadable: report it as the last bad row */
			rc = yh_ierrs_add(&job->errs, yh_csv_line(job->csv), "", "file", err->msg);
			break;
		}
		line = yh_csv_line(job->csv);
		if (blank_row(cells, ncells))
			continue;
		job->nrows++;
		rc = import_row(cells, ncells, job->col_of, job->nheader, &job->units, job->today, line, &c->copy,
			&c->bidx[c->n], &job->errs, err);
		if (rc != 0)
			return rc;
		if (job->errs.n == before && seen_add(&job->seen, c->bidx[c->n], line, &first) != 0)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		if (first != 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "the same ID number as line %zu", first);
			c->copy.n = mark; /* the row stays out of the database */
			if (yh_ierrs_add(&job->errs, line, "身份证号码", "id_number", msg) != 0)
				return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		}
		if (job->errs.n == before)
			c->lines[c->n++] = line;
		if (c->n == c->cap && chunk_send(job, 0, err) != 0)
			return YH_EINTERNAL;
		if (progress && job->nrows % PROGRESS_EVERY == 0)
			progress(parg, "validate", job->nrows, estimate > job->nrows ? estimate : job->nrows);
	}
	if (rc != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (progress)
		progress(parg, "validate", job->nrows, job->nrows);
	/* the last chunk goes even when empty: the database checks of an empty file are no work */
	return chunk_send(job, 1, err);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Starts the sink, reads the rows into it, waits for it. The sink's writes
 * are kept only when there is no bad row (the caller commits or rolls back).
 */
static int import_rows(import_job *job, yh_db *db, const yh_actor *a, const char *default_id, const char *enc_name,
	size_t estimate, yh_roster_progress_fn progress, void *parg, char **out, yh_import_times *t, double *read_s,
	yh_err *err)
{
	const char *opt[YH_IMPORT_NOPT];
	double t0 = mono_now();
	int rc;

	for (size_t i = 0; i < YH_IMPORT_NOPT; i++) {
		opt[i] = "f";
		for (size_t k = 0; k < NCOLS; k++)
			if (job->present[k] && strcmp(yh_roster_columns[k].field, yh_import_optional[i]) == 0)
				opt[i] = "t";
	}
	rc = yh_import_sink_start(&job->sink, db, a, default_id, opt, err);
	if (rc != 0)
		return rc;
	rc = read_rows(job, estimate, progress, parg, err);
	*read_s = mono_now() - t0;
	if (rc != 0) {
		/* a chunk not taken means the writer failed: its error is the cause */
		yh_import_sink_abandon(job->sink, err);
		return err->code ? err->code : rc;
	}
	return yh_import_sink_finish(job->sink, &job->errs, job->nrows, enc_name, out, t, err);
}

/* One info line per import that went in: where the time went. The database works while the file is read. */
static void log_phases(const import_job *job, double total, double read_s, const yh_import_times *t, double commit)
{
	yh_log_info("roster import: %zu rows in %.3f s: decode and check %.3f; database alongside: load %.3f,"
		" match and check %.3f, update %.3f, insert %.3f; then waited %.3f, audit %.3f, commit %.3f", job->nrows,
		total, read_s, t->load, t->check, t->update, t->insert, t->wait, t->audit, commit);
}

int yh_roster_import(yh_db *db, const yh_actor *a, const char *buf, size_t len,
	const char *encoding, const char *default_unit, yh_roster_progress_fn progress, void *progress_arg,
	char **out, yh_err *err)
{
	import_job job;
	char *text = NULL, today[11], default_id[24], scope_buf[24];
	const char **cells, *p[1];
	yh_rows *unit_rows = NULL;
	size_t ncells = 0, tlen = 0, estimate = 0;
	yh_import_times times = { 0 };
	double start = mono_now(), read_s = 0;
	int enc = 0, rc, in_tx = 0;

	*out = NULL;
	memset(&job, 0, sizeof(job));
	job.today = today;
	rc = yh_authz(a, YH_P_ROSTER_WRITE, err);
	if (rc == 0 && encoding != NULL && *encoding != '\0')
		rc = yh_encoding_from_name(&enc, encoding, YH_ENC_FOR_INPUT, err);
	else if (rc == 0)
		enc = yh_encoding_detect(buf, len);
	if (rc == 0)
		rc = yh_encoding_to_utf8(&text, &tlen, buf, len, enc, err);
	if (rc != 0)
		goto done;
	yh_roster_today(today);
	p[0] = yh_actor_scope(a, scope_buf);
	rc = yh_db_query(db, &unit_rows, Q_UNITS, 1, p, err);
	if (rc == 0 && yh_roster_units_load(&job.units, unit_rows) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0 && default_unit != NULL && *default_unit != '\0')
		rc = yh_roster_unit(db, a, default_unit, "unit", default_id, err);
	else
		snprintf(default_id, sizeof(default_id), "%lld", (long long)a->unit_id);
	if (rc == 0 && yh_csv_reader_new(&job.csv, text, tlen) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (rc == 0)
		rc = yh_csv_next(job.csv, &cells, &ncells, err);
	if (rc == 0)
		rc = yh_err_set(err, YH_EINVAL, "file", "the file is empty: the first line must name the columns");
	else if (rc == 1)
		rc = read_header(cells, ncells, job.col_of, job.present, &job.errs, err);
	job.nheader = ncells;
	for (size_t i = 0; i < tlen; i++)
		estimate += text[i] == '\n';
	/* a bad header makes every row bad: report the header alone */
	if (rc == 0 && job.errs.n == 0) {
		/* the database checks run even after bad rows, so that every bad row is reported at once */
		rc = import_rows(&job, db, a, default_id, yh_encoding_name(enc), estimate, progress, progress_arg, out,
			&times, &read_s, err);
		in_tx = job.sink != NULL;
	}
	if (rc == 0 && job.errs.n == 0 && in_tx) {
		double t0 = mono_now();
		in_tx = 0;
		rc = yh_db_commit(db, err);
		if (rc == 0 && progress)
			progress(progress_arg, "apply", job.nrows, job.nrows);
		if (rc == 0)
			log_phases(&job, mono_now() - start, read_s, &times, mono_now() - t0);
	}
	if (rc == 0 && job.errs.n > 0) {
		qsort(job.errs.v, job.errs.n, sizeof(*job.errs.v), cmp_error);
		free(*out);
		*out = error_report(&job.errs, job.nrows);
		rc = yh_err_set(err, YH_EINVAL, job.errs.v[0].field, "%zu bad row%s; nothing was imported (line %zu, %s: %s)",
			job.errs.n, job.errs.n == 1 ? "" : "s", job.errs.v[0].line,
			job.errs.v[0].column[0] ? job.errs.v[0].column : "-", job.errs.v[0].msg);
	}
done:
	if (in_tx)
		yh_db_rollback(db);
	if (rc != 0 && rc != YH_EINVAL) {
		free(*out);
		*out = NULL;
	}
	yh_import_sink_free(job.sink);
	yh_import_chunk_free(job.chunk);
	yh_csv_reader_free(job.csv);
	yh_roster_units_free(&job.units);
	free(text);
	free(job.errs.v);
	free(job.seen.key);
	free(job.seen.line);
	return rc;
}
