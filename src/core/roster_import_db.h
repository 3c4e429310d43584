/*
 * roster_import_db.h - what roster_import.c (the file, checked in C) and
 * roster_import_db.c (the database half, on a thread of its own) share.
 * Private to src/core/roster_import*.c.
 */
#ifndef YH_ROSTER_IMPORT_DB_H
#define YH_ROSTER_IMPORT_DB_H

#include <stddef.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/pii.h"

/* Columns an update touches only when the file has them (Q_UPDATE's $1..$13). */
#define YH_IMPORT_NOPT 13
extern const char *const yh_import_optional[YH_IMPORT_NOPT];

/* A growing text buffer, always NUL-terminated. */
typedef struct yh_ibuf {
	char *p;
	size_t n, cap;
} yh_ibuf;

/* 0, or YH_EINTERNAL when out of memory. */
int yh_ibuf_put(yh_ibuf *b, const char *s, size_t n);

/* The bad rows. */
typedef struct yh_ierr {
	size_t line;
	char column[64];
	char field[64];
	char msg[256];
} yh_ierr;

typedef struct yh_ierrs {
	yh_ierr *v;
	size_t n, cap;
} yh_ierrs;

/* 0, or YH_EINTERNAL when out of memory. */
int yh_ierrs_add(yh_ierrs *e, size_t line, const char *column, const char *field, const char *msg);

/* Good rows on their way to the database: their COPY text, blind indexes and lines. */
typedef struct yh_import_chunk {
	yh_ibuf copy;
	char (*bidx)[YH_PII_BIDX_HEX];
	size_t *lines;
	size_t n, cap;
} yh_import_chunk;

void yh_import_chunk_free(yh_import_chunk *c);

/* Time spent by the database half, summed over chunks, for the import's log line. */
typedef struct yh_import_times {
	double load, check, update, insert, wait, audit;
} yh_import_times;

typedef struct yh_import_sink yh_import_sink;

/*
 * Begins the transaction and starts the thread that writes chunks while the
 * caller goes on checking the file. db must not be used by the caller until
 * yh_import_sink_finish. opt[i] is "t" when the file has yh_import_optional[i].
 * default_unit: the unit id of new persons whose row names none.
 */
int yh_import_sink_start(yh_import_sink **out, yh_db *db, const yh_actor *a, const char *default_unit,
	const char *const opt[YH_IMPORT_NOPT], yh_err *err);

/*
 * Hands c over (the sink frees it), waiting while two chunks are queued.
 * bad: the file has a bad row so far; the database checks go on, writes stop.
 * Returns the writer's error once it has one (the caller stops reading).
 */
int yh_import_sink_put(yh_import_sink *s, yh_import_chunk *c, int bad, yh_err *err);

/*
 * Waits for the writer. Rows the database refuses (persons of other units,
 * survivors, ...) go to errs. When errs is empty, writes the audit row and
 * the answer *out. Neither commits nor rolls back: the caller does.
 */
int yh_import_sink_finish(yh_import_sink *s, yh_ierrs *errs, size_t nrows, const char *enc, char **out,
	yh_import_times *t, yh_err *err);

/* Waits for the writer when the caller gives up reading; the writer's error (and *err), or 0. */
int yh_import_sink_abandon(yh_import_sink *s, yh_err *err);

/* Frees s (after finish, or after start when the caller gives up; then it waits for the thread). */
void yh_import_sink_free(yh_import_sink *s);

#endif
