/*
 * csv.h - CSV reader for imports (cadre lists, budgets, bank return files).
 *
 * Reads RFC 4180 as Excel writes it: comma-separated, fields optionally in
 * double quotes with "" for a quote, commas and line breaks allowed inside
 * quotes, records ended by CRLF, LF or a lone CR. Blank lines (including a
 * trailing one) are skipped, so a one-column file cannot carry an empty row.
 * A quote inside an unquoted field is kept literally (ab"c); text after a
 * closing quote ("ab"c) is an error, as it signals a damaged file.
 * The first record is returned like any other: the caller treats it as the
 * header. Input must be UTF-8; yh_csv_read_file() converts files first.
 */
#ifndef YH_CSV_H
#define YH_CSV_H

#include <stddef.h>

#include "yinhui/error.h"

#define YH_CSV_MAX_FIELD_BYTES (64u * 1024u) /* one field, after unquoting */
#define YH_CSV_MAX_FIELDS 512u               /* fields in one record */
#define YH_CSV_MAX_FILE_BYTES (512u * 1024u * 1024u)

typedef struct yh_csv_reader yh_csv_reader;

/*
 * Creates a reader over buf[0..len) (UTF-8; a leading BOM is skipped).
 * buf is borrowed and must outlive the reader. *out is owned by the caller
 * and released with yh_csv_reader_free(). Returns 0 or YH_EINTERNAL (memory).
 */
int yh_csv_reader_new(yh_csv_reader **out, const char *buf, size_t len);

/*
 * Loads path ("-" reads stdin), converts it to UTF-8 and returns a reader
 * that owns the converted text. encoding is a name for
 * yh_encoding_from_name(), or NULL to detect (UTF-8 with or without BOM,
 * else GB18030). *out is owned by the caller; NULL on failure.
 * Returns 0; YH_ENOTFOUND (missing file); YH_EINVAL (unknown encoding name,
 * bytes invalid in the encoding, with offset and line); YH_ETOOBIG (over
 * YH_CSV_MAX_FILE_BYTES); YH_EUNAVAILABLE (read error); YH_EINTERNAL.
 */
int yh_csv_read_file(yh_csv_reader **out, const char *path, const char *encoding, yh_err *err);

/*
 * Reads the next record. On 1, *fields points to *nfields NUL-terminated
 * field strings; both the array and the strings are borrowed from the
 * reader and valid until the next call or yh_csv_reader_free().
 * Returns 1 for a record, 0 at the end, or a negative code:
 * YH_EINVAL (unterminated quote, text after a closing quote, NUL byte),
 * YH_ETOOBIG (field over YH_CSV_MAX_FIELD_BYTES or over YH_CSV_MAX_FIELDS
 * fields); the message names the line. After an error every later call
 * returns the same error.
 */
int yh_csv_next(yh_csv_reader *r, const char ***fields, size_t *nfields, yh_err *err);

/* 1-based physical line on which the current (last returned) record began. */
size_t yh_csv_line(const yh_csv_reader *r);

/*
 * A cell without the spaces a spreadsheet or a bank system leaves around it
 * (ASCII space, tab, U+3000): *begin points into cell, the length is returned.
 */
size_t yh_csv_cell_span(const char *cell, const char **begin);

/* The same, copied into out (size n, cut to fit); returns out. */
const char *yh_csv_cell_trim(char *out, size_t n, const char *cell);

/* Releases the reader and any text it owns. NULL is a no-op. */
void yh_csv_reader_free(yh_csv_reader *r);

#endif
