/*
 * table.h - one writer for tabular exports: CSV (UTF-8 with BOM or GBK)
 * and XLSX (libxlsxwriter). Used by cadre export, bank 代发 files and
 * evaluation workbooks.
 *
 * Cells are UTF-8 strings. A cell marked as a number is validated and, in
 * XLSX, stored as a number; every other cell is text, so ID and account
 * numbers never turn into 4.4E+17. Files are written to a temporary name
 * next to path (mode 0600: exports hold personal data) and renamed on a
 * successful yh_table_close(), so a failed export leaves no half file.
 */
#ifndef YH_TABLE_H
#define YH_TABLE_H

#include <stddef.h>

#include "yinhui/error.h"

typedef struct yh_table yh_table;

/* Output formats. */
enum {
	YH_TABLE_CSV = 1,
	YH_TABLE_XLSX = 2
};

/*
 * Cell types for yh_table_row(). Number cells take plain decimal text with
 * no sign but '-', no '+', no thousands separator and no leading zeros
 * (a leading zero means a code, which must stay text). An empty number cell
 * is a blank cell.
 *   YH_CELL_INT    integer of at most 15 digits, XLSX format "0"
 *   YH_CELL_MONEY  yuan with at most 2 decimals ("1234.5", "-0.01"; use
 *                  yh_money_format_yuan() on fen), XLSX format "0.00"
 *   YH_CELL_NUMBER decimal of at most 15 significant digits, General format
 */
enum {
	YH_CELL_TEXT = 0,
	YH_CELL_INT = 1,
	YH_CELL_MONEY = 2,
	YH_CELL_NUMBER = 3
};

/*
 * Starts a table at path in format (YH_TABLE_CSV or YH_TABLE_XLSX).
 * CSV: enc is YH_ENC_UTF8_BOM (what Excel needs; also used for 0),
 * YH_ENC_UTF8, YH_ENC_GBK (strict, for banks) or YH_ENC_GB18030; path "-"
 * writes to stdout directly. XLSX: enc is ignored, sheet_name (NULL means
 * "Sheet1") names the one worksheet; "-" is refused.
 * *out is owned by the caller and ended by yh_table_close() or
 * yh_table_discard(). Returns 0; YH_EINVAL (bad format, encoding or sheet
 * name); YH_ENOTFOUND (directory missing); YH_EUNAVAILABLE (cannot create);
 * YH_EINTERNAL.
 */
int yh_table_open(yh_table **out, const char *path, int format, int enc, const char *sheet_name,
		  yh_err *err);

/*
 * Writes the header row (bold and frozen in XLSX). Call at most once, before
 * any yh_table_row(); the names also label columns in error messages.
 * Returns the same codes as yh_table_row().
 */
int yh_table_header(yh_table *t, const char *const *cols, size_t n, yh_err *err);

/*
 * Writes one row of n cells (a NULL cell is empty). types may be NULL (all
 * text) or give a YH_CELL_* per cell. In CSV, fields are quoted when they
 * hold a comma, quote or line break, and a text cell starting with = + - @
 * tab or CR gets a leading ' so spreadsheets do not run it as a formula
 * (XLSX text cells are never formulas, so they are written as given).
 * Returns 0; YH_EINVAL (field = column name: bad number, invalid UTF-8, a
 * character the encoding cannot carry; nothing of the row is written and
 * the table stays usable); YH_ETOOBIG (over 16384 columns, 1048576 XLSX
 * rows or 32767 bytes in an XLSX cell); YH_EUNAVAILABLE (write failed:
 * the table is then dead and yh_table_close() reports the failure).
 */
int yh_table_row(yh_table *t, const char *const *cells, const int *types, size_t n, yh_err *err);

/*
 * Finishes the file, renames it into place and frees t (always, even on
 * failure; NULL is a no-op returning 0). Returns 0; the sticky error of an
 * earlier failed write; YH_EUNAVAILABLE when flushing, zipping or renaming
 * fails (the temporary file is removed).
 */
int yh_table_close(yh_table *t, yh_err *err);

/* Abandons the table: removes the temporary file and frees t. NULL is a no-op. */
void yh_table_discard(yh_table *t);

#endif
