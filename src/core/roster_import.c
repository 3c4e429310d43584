/*
 * roster_import.c - cadres from a CSV file, all or nothing.
 *
 * Every row is checked in C with the same rules as the API (roster_record.c);
 * the good rows are COPYed into a temporary table; the persons already on
 * file are found there by one index probe per row, and the checks that need
 * the database run on them (persons of other units, survivors). An UPDATE
 * writes the persons on file whose row differs and leaves unchanged ones
 * alone; a plain INSERT writes the new ones. Any bad row and
 * nothing is written; every bad row is reported with its line and column.
 * One audit row "person.import" records the operation: counts, the ids of
 * created and updated persons and the updated persons as they were before.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/roster_internal.h"
#include "yinhui/audit.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"
#include "yinhui/log.h"
#include "yinhui/pii.h"


#define NCOLS YH_ROSTER_NCOLUMNS
#define PROGRESS_EVERY 500

/* Columns whose presence in the file decides whether an update touches them ($1..$13). */
static const char *const optional[] = { "former_employer", "rank", "joined_on", "retired_on", "district",
	"address", "phones", "emergency_contacts", "living_situation", "care_level", "remote", "party_member", "note" };
#define NOPT (sizeof(optional) / sizeof(optional[0]))

/*
 * Without statistics on the temporary tables the planner guesses costs high
 * enough to JIT-compile and optimise the statements: 0.5 s of compiling per
 * statement on a 100,000-row file, for work that runs once.
 */
static const char Q_NO_JIT[] = "SET LOCAL jit = off";
static const char Q_TEMP_DROP[] = "DROP TABLE IF EXISTS pg_temp.roster_import";
static const char Q_TEMP[] =
	"CREATE TEMP TABLE roster_import (line integer, name text, gender text, id_bidx bytea, id_cipher bytea,"
	" id_masked text, id_legacy boolean, birth_date date, category text, former_employer text, rank text,"
	" joined_on date, retired_on date, unit_id bigint, district text, address text, phones jsonb,"
	" emergency_contacts jsonb, living_situation text, care_level text, remote boolean, party_member boolean,"
	" added_on date, note text) ON COMMIT DROP";
static const char Q_COPY[] = "COPY pg_temp.roster_import FROM STDIN";
static const char Q_UNITS[] =
	"SELECT u.id, u.code, u.name, yh.in_scope(u.id, $1::bigint) AS ok FROM yh.unit u";
/*
 * The rows whose person is on file: one probe of the ID number index per row.
 * OFFSET 0 keeps the probe a subplan: a join would hash all of yh.person
 * (0.5 s at 220,000 persons, growing with the roster), twice (check, upsert).
 */
static const char Q_MATCH_DROP[] = "DROP TABLE IF EXISTS pg_temp.roster_match";
static const char Q_MATCH[] =
	"CREATE TEMP TABLE roster_match ON COMMIT DROP AS SELECT line, id FROM"
	" (SELECT i.line, (SELECT p.id FROM yh.person p WHERE p.id_bidx = i.id_bidx) AS id"
	"  FROM pg_temp.roster_import i OFFSET 0) m WHERE id IS NOT NULL";
/* persons on file who may not be changed from here */
static const char Q_CHECK[] =
	"SELECT i.line, CASE WHEN p.kind <> 'cadre' THEN 'this ID number belongs to a survivor, not a cadre'"
	" WHEN NOT yh.in_scope(p.unit_id, $1::bigint) THEN 'this person is on file in a unit outside yours'"
	" ELSE 'the person was transferred out on ' || p.transferred_out_on || ', before added_on' END AS message"
	" FROM pg_temp.roster_match m JOIN pg_temp.roster_import i ON i.line = m.line JOIN yh.person p ON p.id = m.id"
	" WHERE p.kind <> 'cadre' OR NOT ($1::bigint IS NULL OR p.unit_id IN"
	"  (SELECT descendant FROM yh.unit_closure WHERE ancestor = $1::bigint))"
	" OR p.transferred_out_on < coalesce(i.added_on, p.added_on) ORDER BY i.line";
/*
 * Persons on file: the columns of the file; the optional ones ($1..$13) only
 * when the file has them. Rows without a unit or added_on keep the person's.
 * Unchanged rows are not rewritten: no new row version, no updated_at change.
 */
#define OPT_SET(c, e, n) " " c " = CASE WHEN $" n "::bool THEN " e " ELSE p." c " END,"
#define OPT_OLD(c, e, n) ", CASE WHEN $" n "::bool THEN p." c " END"
#define OPT_NEW(c, e, n) ", CASE WHEN $" n "::bool THEN " e " END"
#define OPT_ALL(X) X("former_employer", "i.former_employer", "1") X("rank", "i.rank", "2") \
	X("joined_on", "i.joined_on", "3") X("retired_on", "i.retired_on", "4") X("district", "i.district", "5") \
	X("address", "i.address", "6") X("phones", "coalesce(i.phones, '[]')", "7") \
	X("emergency_contacts", "coalesce(i.emergency_contacts, '[]')", "8") \
	X("living_situation", "i.living_situation", "9") X("care_level", "i.care_level", "10") \
	X("remote", "coalesce(i.remote, false)", "11") X("party_member", "coalesce(i.party_member, false)", "12") \
	X("note", "i.note", "13")
static const char Q_UPDATE[] =
	"WITH up AS (UPDATE yh.person p SET name = i.name, gender = i.gender, birth_date = i.birth_date,"
	" category = i.category, unit_id = coalesce(i.unit_id, p.unit_id), added_on = coalesce(i.added_on, p.added_on),"
	OPT_ALL(OPT_SET)
	" updated_at = now()"
	" FROM pg_temp.roster_match m JOIN pg_temp.roster_import i ON i.line = m.line WHERE p.id = m.id"
	" AND ROW(p.name, p.gender, p.birth_date, p.category, p.unit_id, p.added_on" OPT_ALL(OPT_OLD)
	") IS DISTINCT FROM ROW(i.name, i.gender, i.birth_date, i.category, coalesce(i.unit_id, p.unit_id),"
	" coalesce(i.added_on, p.added_on)" OPT_ALL(OPT_NEW)
	") RETURNING p.id, p.uid),"
	/* the same snapshot as the update: the persons as they were */
	" old AS (SELECT p.id, " YH_PERSON_JSON " AS doc FROM yh.person p WHERE p.id IN (SELECT id FROM up))"
	" SELECT count(*) AS n, coalesce(json_agg(uid ORDER BY id), '[]')::text AS ids,"
	" (SELECT coalesce(json_agg(doc ORDER BY id), '[]') FROM old)::text AS before FROM up";
/*
 * New persons: a plain INSERT (no speculative insertion). A person added by
 * someone else since Q_MATCH makes the unique index refuse the row: an error
 * naming the line, never a duplicate (see conflict_line).
 */
static const char Q_INSERT[] =
	"WITH ins AS (INSERT INTO yh.person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, id_legacy,"
	" birth_date, category, former_employer, rank, joined_on, retired_on, unit_id, district, address, phones,"
	" emergency_contacts, living_situation, care_level, remote, party_member, added_on, note)"
	" SELECT gen_random_uuid(), 'cadre', i.name, i.gender, i.id_bidx, i.id_cipher, i.id_masked, i.id_legacy,"
	" i.birth_date, i.category, i.former_employer, i.rank, i.joined_on, i.retired_on,"
	" coalesce(i.unit_id, $1::bigint), i.district, i.address, coalesce(i.phones, '[]'),"
	" coalesce(i.emergency_contacts, '[]'), i.living_situation, i.care_level, coalesce(i.remote, false),"
	" coalesce(i.party_member, false), coalesce(i.added_on, current_date), i.note"
	" FROM pg_temp.roster_import i WHERE NOT EXISTS (SELECT 1 FROM pg_temp.roster_match m WHERE m.line = i.line)"
	" RETURNING id, uid)"
	" SELECT count(*) AS n, coalesce(json_agg(uid ORDER BY id), '[]')::text AS ids FROM ins";

typedef struct ibuf {
	char *p;
	size_t n, cap;
} ibuf;

static int ibuf_put(ibuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *np;
		while (b->n + n + 1 > cap)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL)
			return YH_EINTERNAL;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

/* One COPY text field: \N for NULL, backslash escapes for the rest. */
static int copy_field(ibuf *b, const char *s, int last)
{
	int rc = 0;

	if (s == NULL) {
		rc = ibuf_put(b, "\\N", 2);
	} else {
		for (const char *p = s; rc == 0 && *p; ) {
			size_t run = strcspn(p, "\\\t\n\r");
			rc = ibuf_put(b, p, run);
			p += run;
			if (rc == 0 && *p) {
				const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : "\\r";
				rc = ibuf_put(b, esc, 2);
				p++;
			}
		}
	}
	if (rc == 0)
		rc = ibuf_put(b, last ? "\n" : "\t", 1);
	return rc;
}

/* The bad rows, in line order. */
typedef struct ierr {
	size_t line;
	char column[64];
	char field[64];
	char msg[256];
} ierr;

typedef struct ierrs {
	ierr *v;
	size_t n, cap;
} ierrs;

static int add_error(ierrs *e, size_t line, const char *column, const char *field, const char *msg)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		ierr *nv = realloc(e->v, cap * sizeof(*nv));
		if (nv == NULL)
			return YH_EINTERNAL;
		e->v = nv;
		e->cap = cap;
	}
	e->v[e->n].line = line;
	snprintf(e->v[e->n].column, sizeof(e->v[e->n].column), "%s", column ? column : "");
	snprintf(e->v[e->n].field, sizeof(e->v[e->n].field), "%s", field ? field : "");
	snprintf(e->v[e->n].msg, sizeof(e->v[e->n].msg), "%s", msg);
	e->n++;
	return 0;
}

static int cmp_error(const void *a, const void *b)
{
	const ierr *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}


/* Maps the header row to columns; unknown headers are errors, 序号 is ignored. */
static int read_header(const char **fields, size_t n, int *col_of, int *present, ierrs *errs, yh_err *err)
{
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
					if (add_error(errs, 1, h, rc->field, msg) != 0)
						return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				}
				col_of[c] = (int)k;
				present[k] = 1;
			}
		}
		if (col_of[c] < 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "unknown column \"%.60s\" (expected 姓名, 身份证号码, 类别, ... or the English field names)", h);
			if (add_error(errs, 1, h, NULL, msg) != 0)
				return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		}
	}
	for (size_t k = 0; k < NCOLS; k++) {
		const char *f = yh_roster_columns[k].field;
		if (!present[k] && (strcmp(f, "name") == 0 || strcmp(f, "id_number") == 0 || strcmp(f, "category") == 0)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "the file has no %s column", yh_roster_columns[k].header);
			if (add_error(errs, 1, yh_roster_columns[k].header, f, msg) != 0)
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
	const char *today, size_t line, ibuf *copy, char (*bidx)[YH_PII_BIDX_HEX], ierrs *errs, yh_err *err)
{
	char *copies[YH_CSV_MAX_FIELDS] = { NULL };
	yh_fields *f = NULL, *prepared = NULL;
	yh_values *v = NULL;
	yh_person_rec r;
	const char *unit_id = NULL, *raw_id = NULL;
	char lines[24];
	yh_err e;
	int rc = 0, bad;

	yh_roster_rec_init(&r);
	yh_err_clear(&e);
	if (yh_fields_new(&f) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t c = ncols; c < n; c++)
		if (cells[c][strspn(cells[c], " \t")] != '\0') {
			rc = add_error(errs, line, "", NULL, "the row has more cells than the header has columns");
			goto done;
		}
	for (size_t c = 0; c < n && c < ncols && rc == 0; c++) {
		const char *field, *val;
		char datebuf[32];
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
		val = (kind == CK_ALIAS || kind == CK_BOOL || kind == CK_DERIVED) ? yh_roster_cell_alias(field, cell) : cell;
		if (kind == CK_UNIT) {
			int u = *cell ? yh_roster_units_find(units, cell, &unit_id) : 0;
			if (u != 0) {
				char msg[256];
				snprintf(msg, sizeof(msg), u == 1 ? "no unit \"%.60s\" (use its code or full name)" :
					u == 2 ? "several units are named \"%.60s\": use the unit code" :
					"unit \"%.60s\" is outside your units", cell);
				rc = add_error(errs, line, yh_roster_columns[col_of[c]].header, field, msg);
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
			yh_roster_cell_date(datebuf, sizeof(datebuf), cell);
			val = datebuf;
		} else if (kind == CK_ID && (strchr(cell, 'E') || strchr(cell, 'e')) && strchr(cell, '+')) {
			rc = add_error(errs, line, yh_roster_columns[col_of[c]].header, field,
				"the ID number was turned into a number by the spreadsheet (e.g. 4.40802E+17):"
				" format the column as text and enter the numbers again");
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
	if (bad != 0) {
		rc = add_error(errs, line, header_of(e.field), e.field, e.msg);
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

typedef struct bidx_line {
	const char *bidx;
	size_t line;
} bidx_line;

static int cmp_bidx(const void *a, const void *b)
{
	const bidx_line *x = a, *y = b;
	int c = strcmp(x->bidx, y->bidx);

	return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

/* The same person twice in one file: the later lines are bad. */
static int find_duplicates(char (*bidx)[YH_PII_BIDX_HEX], const size_t *line, size_t n, ierrs *errs)
{
	bidx_line *v = malloc((n ? n : 1) * sizeof(*v));
	int rc = 0;

	if (v == NULL)
		return YH_EINTERNAL;
	for (size_t i = 0; i < n; i++) {
		v[i].bidx = bidx[i];
		v[i].line = line[i];
	}
	qsort(v, n, sizeof(*v), cmp_bidx);
	for (size_t i = 1; rc == 0 && i < n; i++)
		if (strcmp(v[i].bidx, v[i - 1].bidx) == 0) {
			size_t first = i - 1;
			char msg[256];
			while (first > 0 && strcmp(v[first - 1].bidx, v[i].bidx) == 0)
				first--;
			snprintf(msg, sizeof(msg), "the same ID number as line %zu", v[first].line);
			rc = add_error(errs, v[i].line, "身份证号码", "id_number", msg);
		}
	free(v);
	return rc;
}

/* {"imported":false,"rows":N,"errors":[...]} */
static char *error_report(const ierrs *errs, size_t rows)
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

/* Counts and ids of the upsert merged with the file facts: the import's audit "after". */
static char *audit_after(const char *ids, size_t rows, long created, long updated, const char *enc)
{
	json_t *doc = json_loads(ids ? ids : "{}", 0, NULL);
	char *out;

	if (doc == NULL)
		return NULL;
	json_object_set_new(doc, "rows", json_integer((json_int_t)rows));
	json_object_set_new(doc, "created", json_integer(created));
	json_object_set_new(doc, "updated", json_integer(updated));
	json_object_set_new(doc, "unchanged", json_integer((json_int_t)rows - created - updated));
	json_object_set_new(doc, "encoding", json_string(enc));
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return out;
}

/* Phases of an import, timed for one log line: where the time of a large file goes. */
enum { PH_START, PH_READ, PH_LOAD, PH_CHECK, PH_UPDATE, PH_INSERT, PH_AUDIT, PH_COMMIT, PH_COUNT };

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one import collects while it reads the file. */
typedef struct import_job {
	yh_csv_reader *csv;
	yh_roster_units units;
	const char *today;
	int col_of[YH_CSV_MAX_FIELDS];
	int present[NCOLS];
	size_t nheader;
	ierrs errs;
	ibuf copy;                   /* COPY text of the good rows */
	char (*bidx)[YH_PII_BIDX_HEX]; /* blind index and line of each good row */
	size_t *lines;
	size_t nrows, ngood, cap;
	double at[PH_COUNT];          /* when each phase ended, for the log line */
} import_job;

/* 1 when every cell of the record is blank (spreadsheets leave rows of empty cells). */
static int blank_row(const char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cells[i][strspn(cells[i], " \t")] != '\0')
			return 0;
	return 1;
}

/*
 * A row the unique index refused on insert: a person with its ID number was
 * added by someone else after Q_MATCH. The line is found from the key in the
 * error's detail ("Key (id_bidx)=(\x...) already exists"); 0 when not found.
 */
static size_t conflict_line(const import_job *job, const yh_err *e)
{
	const char *k = strstr(e->msg, "=(");

	if (strcmp(e->sqlstate, "23505") != 0 || strcmp(e->field, "person_id_number_unique") != 0 || k == NULL)
		return 0;
	k += 2;
	for (size_t i = 0; i < job->ngood; i++)
		if (strncmp(job->bidx[i], k, strlen(job->bidx[i])) == 0 && k[strlen(job->bidx[i])] == ')')
			return job->lines[i];
	return 0;
}

/*
 * The database half, inside the caller's transaction: load, find the persons
 * on file, check them, update them, insert the new ones, audit.
 */
static int apply(yh_db *db, const yh_actor *a, import_job *job, const char *default_unit, const char *enc_name,
	char **out, yh_err *err)
{
	char scope_buf[24];
	const char *p[NOPT];
	yh_rows *rows = NULL, *ins = NULL;
	char *ids = NULL, *after = NULL, *wrapped = NULL;
	long created = 0, updated = 0;
	size_t nids;
	int rc, matched;

	rc = yh_db_exec(db, Q_NO_JIT, 0, NULL, err);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_TEMP_DROP, 0, NULL, err);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_TEMP, 0, NULL, err);
	if (rc >= 0 && job->copy.n > 0)
		rc = yh_db_copy_in(db, Q_COPY, job->copy.p, job->copy.n, err);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_MATCH_DROP, 0, NULL, err);
	if (rc >= 0)
		rc = yh_db_exec(db, Q_MATCH, 0, NULL, err);
	if (rc < 0)
		goto done;
	job->at[PH_LOAD] = mono_now();
	matched = rc;
	if (matched > 0) {
		p[0] = yh_actor_scope(a, scope_buf);
		rc = yh_db_query(db, &rows, Q_CHECK, 1, p, err);
		for (size_t i = 0; rc == 0 && i < yh_rows_count(rows); i++)
			rc = add_error(&job->errs, (size_t)atol(yh_rows_get(rows, i, "line")), "身份证号码", "id_number",
				yh_rows_get(rows, i, "message"));
		yh_rows_free(rows);
		rows = NULL;
	}
	job->at[PH_CHECK] = mono_now();
	if (rc != 0 || job->errs.n > 0)
		goto done;
	if (matched > 0) {
		for (size_t i = 0; i < NOPT; i++) {
			p[i] = "f";
			for (size_t k = 0; k < NCOLS; k++)
				if (job->present[k] && strcmp(yh_roster_columns[k].field, optional[i]) == 0)
					p[i] = "t";
		}
		rc = yh_db_query(db, &rows, Q_UPDATE, (int)NOPT, p, err);
		if (rc != 0)
			goto done;
		updated = atol(yh_rows_get(rows, 0, "n"));
	}
	job->at[PH_UPDATE] = mono_now();
	p[0] = default_unit;
	rc = yh_db_query(db, &ins, Q_INSERT, 1, p, err);
	if (rc == YH_ECONFLICT && conflict_line(job, err) > 0) {
		size_t line = conflict_line(job, err);
		rc = yh_err_set(err, YH_ECONFLICT, "id_number", "line %zu (身份证号码): a person with this ID number was"
			" added while the file was being imported; nothing was imported: import the file again", line);
	}
	if (rc != 0)
		goto done;
	job->at[PH_INSERT] = mono_now();
	created = atol(yh_rows_get(ins, 0, "n"));
	/* {"created_ids":[..],"updated_ids":[..]}, as one upsert statement used to return it */
	nids = strlen(yh_rows_get(ins, 0, "ids")) + (rows ? strlen(yh_rows_get(rows, 0, "ids")) : 2) + 40;
	ids = malloc(nids);
	if (ids != NULL)
		snprintf(ids, nids, "{\"created_ids\":%s,\"updated_ids\":%s}", yh_rows_get(ins, 0, "ids"),
			rows ? yh_rows_get(rows, 0, "ids") : "[]");
	after = ids ? audit_after(ids, job->nrows, created, updated, enc_name) : NULL;
	if (updated > 0) {
		size_t n = strlen(yh_rows_get(rows, 0, "before")) + 16;
		wrapped = malloc(n);
		if (wrapped != NULL)
			snprintf(wrapped, n, "{\"updated\":%s}", yh_rows_get(rows, 0, "before"));
	}
	if (after == NULL || (updated > 0 && wrapped == NULL)) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	rc = yh_audit(db, a, "person.import", "person", NULL, wrapped, after, err);
	if (rc != 0)
		goto done;
	job->at[PH_AUDIT] = mono_now();
	*out = malloc(256);
	if (*out == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	snprintf(*out, 256, "{\"imported\":true,\"rows\":%zu,\"created\":%ld,\"updated\":%ld,\"unchanged\":%ld,"
		"\"encoding\":\"%s\"}", job->nrows, created, updated, (long)job->nrows - created - updated, enc_name);
done:
	yh_rows_free(rows);
	yh_rows_free(ins);
	free(ids);
	free(after);
	free(wrapped);
	return rc < 0 ? rc : 0;
}

/* Reads and checks every data row; bad rows go to job->errs. */
static int read_rows(import_job *job, size_t estimate, yh_roster_progress_fn progress, void *parg, yh_err *err)
{
	const char **cells;
	size_t ncells;
	int rc;

	for (;;) {
		size_t line, before = job->errs.n;

		rc = yh_csv_next(job->csv, &cells, &ncells, err);
		if (rc == 0)
			break;
		if (rc < 0)
			/* a broken quote makes the rest unreadable: report it as the last bad row */
			return add_error(&job->errs, yh_csv_line(job->csv), "", "file", err->msg);
		line = yh_csv_line(job->csv);
		if (blank_row(cells, ncells))
			continue;
		job->nrows++;
		if (job->ngood == job->cap) {
			size_t ncap = job->cap ? 2 * job->cap : 1024;
			void *nb = realloc(job->bidx, ncap * sizeof(*job->bidx)), *nl;
			if (nb != NULL)
				job->bidx = nb;
			nl = nb ? realloc(job->lines, ncap * sizeof(*job->lines)) : NULL;
			if (nl == NULL)
				return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			job->lines = nl;
			job->cap = ncap;
		}
		rc = import_row(cells, ncells, job->col_of, job->nheader, &job->units, job->today, line, &job->copy,
			&job->bidx[job->ngood], &job->errs, err);
		if (rc != 0)
			return rc;
		if (job->errs.n == before)
			job->lines[job->ngood++] = line;
		if (progress && job->nrows % PROGRESS_EVERY == 0)
			progress(parg, "validate", job->nrows, estimate > job->nrows ? estimate : job->nrows);
	}
	if (progress)
		progress(parg, "validate", job->nrows, job->nrows);
	if (find_duplicates(job->bidx, job->lines, job->ngood, &job->errs) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	return 0;
}

/* One info line per import that went in: seconds per phase (0 for a phase that did not run). */
static void log_phases(const import_job *job)
{
	double d[PH_COUNT] = { 0 }, prev = job->at[PH_START];

	for (int i = PH_READ; i < PH_COUNT; i++)
		if (job->at[i] > 0) {
			d[i] = job->at[i] - prev;
			prev = job->at[i];
		}
	yh_log_info("roster import: %zu rows in %.3f s: decode and check %.3f, load %.3f, match and check %.3f,"
		" update %.3f, insert %.3f, audit %.3f, commit %.3f", job->nrows, prev - job->at[PH_START], d[PH_READ],
		d[PH_LOAD], d[PH_CHECK], d[PH_UPDATE], d[PH_INSERT], d[PH_AUDIT], d[PH_COMMIT]);
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
	int enc = 0, rc, in_tx = 0, rows_read = 0;

	*out = NULL;
	memset(&job, 0, sizeof(job));
	job.at[PH_START] = mono_now();
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
		rc = read_rows(&job, estimate, progress, progress_arg, err);
		rows_read = 1;
		job.at[PH_READ] = mono_now();
	}
	if (rc == 0 && rows_read) {
		rc = yh_db_begin(db, err);
		in_tx = rc == 0;
	}
	/* the database checks run even after bad rows, so that every bad row is reported at once */
	if (in_tx)
		rc = apply(db, a, &job, default_id, yh_encoding_name(enc), out, err);
	if (rc == 0 && job.errs.n == 0 && in_tx) {
		in_tx = 0;
		rc = yh_db_commit(db, err);
		if (rc == 0 && progress)
			progress(progress_arg, "apply", job.nrows, job.nrows);
		job.at[PH_COMMIT] = mono_now();
		if (rc == 0)
			log_phases(&job);
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
	yh_csv_reader_free(job.csv);
	yh_roster_units_free(&job.units);
	free(text);
	free(job.copy.p);
	free(job.errs.v);
	free(job.bidx);
	free(job.lines);
	return rc;
}
