/*
 * table.c - CSV/XLSX export writer.
 *
 * A row is validated completely (types, UTF-8, encodability, limits) before
 * any of it is written, so a rejected row leaves no trace and the caller can
 * report it and go on. Only an I/O failure kills the table.
 */
#include "yinhui/table.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "yinhui/encoding.h"

#define MAX_COLS 16384u            /* Excel's column limit, applied to CSV too */
#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_CELL_BYTES 32767u /* libxlsxwriter's LXW_STR_MAX */
#define MIN_WIDTH 8
#define MAX_WIDTH 60

struct yh_table {
	int format;
	int enc;
	char *path;      /* final name; NULL for stdout */
	char *tmp;       /* temporary file until renamed; NULL once committed */
	FILE *fp;        /* CSV output */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *f_head, *f_text, *f_int, *f_money;
	size_t rows;     /* rows written, header included */
	int failed;      /* sticky I/O error, 0 while healthy */
	yh_err saved;
	char **names;    /* header copies, for error messages */
	size_t nnames;
	unsigned char *widths; /* XLSX column widths in characters */
	size_t nwidths;
	double *nums;    /* parsed number cells of the current row */
	size_t nums_cap;
	char *line;      /* CSV row being built, UTF-8 */
	size_t len, cap;
};

static const double pow10_tab[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };

static void table_free(yh_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->fp != NULL && t->fp != stdout)
		fclose(t->fp);
	if (t->wb != NULL)
		lxw_workbook_free(t->wb);
	if (t->tmp != NULL)
		unlink(t->tmp);
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->widths);
	free(t->nums);
	free(t->line);
	free(t->tmp);
	free(t->path);
	free(t);
}

void yh_table_discard(yh_table *t)
{
	table_free(t);
}

/*
 * Parses a number cell without strtod (locale-free, and exact: the digits
 * fit an int64 and the result is one correctly rounded division).
 * Returns 0 and *v, or -1 when s is not a number of that type.
 */
static int parse_number(const char *s, int type, double *v)
{
	const char *p = s;
	int neg = 0, idig = 0, fdig = 0;
	int64_t ip = 0, frac = 0, m;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, idig++) {
		if (idig == 15)
			return -1;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++, fdig++) {
			if (fdig == 15)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
	}
	if (*p != '\0')
		return -1;
	switch (type) {
	case YH_CELL_INT:
		if (fdig > 0)
			return -1;
		m = ip;
		*v = (double)ip;
		break;
	case YH_CELL_MONEY:
		if (idig > 13 || fdig > 2)
			return -1;
		m = ip * 100 + (fdig == 1 ? frac * 10 : frac);
		*v = (double)m / 100.0;
		break;
	default:
		if ((ip != 0 ? idig : 0) + fdig > 15)
			return -1;
		m = ip * (int64_t)pow10_tab[fdig] + frac;
		*v = (double)m / pow10_tab[fdig];
		break;
	}
	if (m == 0)
		*v = 0.0; /* no "-0.00" */
	else if (neg)
		*v = -*v;
	return 0;
}

static const char *type_name(int type)
{
	switch (type) {
	case YH_CELL_INT: return "integer";
	case YH_CELL_MONEY: return "money amount";
	default: return "number";
	}
}

/* Column label for messages: the header name when there is one. */
static const char *col_label(const yh_table *t, size_t i, char *buf, size_t size)
{
	if (i < t->nnames)
		return t->names[i];
	snprintf(buf, size, "column %zu", i + 1);
	return buf;
}

static int row_error(yh_table *t, yh_err *err, int code, size_t col, const char *what)
{
	char buf[32];
	const char *label = col_label(t, col, buf, sizeof(buf));

	return yh_err_set(err, code, label, "row %zu, '%s': %s", t->rows + 1, label, what);
}

/* Validates a whole row and parses its number cells into t->nums. */
static int check_row(yh_table *t, const char *const *cells, const int *types, size_t n, yh_err *err)
{
	char what[200];
	double *grown;
	size_t i, len;
	int type;

	if (n > MAX_COLS)
		return yh_err_set(err, YH_ETOOBIG, NULL, "row %zu: %zu cells, more than %u",
				  t->rows + 1, n, MAX_COLS);
	if (t->format == YH_TABLE_XLSX && t->rows >= XLSX_MAX_ROWS)
		return yh_err_set(err, YH_ETOOBIG, NULL, "more than %u rows for one XLSX sheet",
				  XLSX_MAX_ROWS);
	if (n > t->nums_cap) {
		grown = realloc(t->nums, n * sizeof(*grown));
		if (grown == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		t->nums = grown;
		t->nums_cap = n;
	}
	for (i = 0; i < n; i++) {
		const char *s = cells[i] != NULL ? cells[i] : "";

		type = types != NULL ? types[i] : YH_CELL_TEXT;
		if (type < YH_CELL_TEXT || type > YH_CELL_NUMBER)
			return row_error(t, err, YH_EINVAL, i, "unknown cell type");
		len = strlen(s);
		if (yh_encoding_utf8_valid_prefix(s, len) != len)
			return row_error(t, err, YH_EINVAL, i, "not valid UTF-8");
		if (t->format == YH_TABLE_XLSX && len > XLSX_MAX_CELL_BYTES)
			return row_error(t, err, YH_ETOOBIG, i, "longer than 32767 bytes");
		if (type != YH_CELL_TEXT && *s != '\0' && parse_number(s, type, &t->nums[i]) < 0) {
			snprintf(what, sizeof(what), "not a valid %s: '%.60s'", type_name(type), s);
			return row_error(t, err, YH_EINVAL, i, what);
		}
	}
	return 0;
}

static int line_put(yh_table *t, const char *s, size_t n)
{
	size_t cap = t->cap;
	char *grown;

	if (n == 0)
		return 0;
	if (t->len + n > cap) {
		while (cap < t->len + n)
			cap = cap ? cap * 2 : 1024;
		grown = realloc(t->line, cap);
		if (grown == NULL)
			return YH_EINTERNAL;
		t->line = grown;
		t->cap = cap;
	}
	memcpy(t->line + t->len, s, n);
	t->len += n;
	return 0;
}

static int csv_cell(yh_table *t, const char *s, int type)
{
	/* OWASP CSV injection: these leading bytes make a spreadsheet evaluate the cell */
	int guard = type == YH_CELL_TEXT && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *q;
	int rc = 0;

	if (quote)
		rc |= line_put(t, "\"", 1);
	if (guard)
		rc |= line_put(t, "'", 1);
	if (!quote)
		return rc | line_put(t, s, strlen(s));
	while ((q = strchr(s, '"')) != NULL) {
		rc |= line_put(t, s, (size_t)(q - s + 1));
		rc |= line_put(t, "\"", 1);
		s = q + 1;
	}
	rc |= line_put(t, s, strlen(s));
	return rc | line_put(t, "\"", 1);
}

static int csv_row(yh_table *t, const char *const *cells, const int *types, size_t n, yh_err *err)
{
	char *conv = NULL;
	const char *data;
	size_t i, dlen, clen = 0;
	yh_err cell_err;
	int rc = 0;

	t->len = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			rc |= line_put(t, ",", 1);
		rc |= csv_cell(t, cells[i] != NULL ? cells[i] : "",
			       types != NULL ? types[i] : YH_CELL_TEXT);
	}
	rc |= line_put(t, "\r\n", 2);
	if (rc != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	data = t->line;
	dlen = t->len;
	if (t->enc == YH_ENC_GBK || t->enc == YH_ENC_GB18030) {
		rc = yh_encoding_from_utf8(&conv, &clen, t->line, t->len, t->enc, &cell_err);
		if (rc == YH_EINVAL) {
			/* name the column: retry cell by cell to find the culprit */
			for (i = 0; i < n; i++) {
				free(conv);
				conv = NULL;
				if (cells[i] != NULL &&
				    yh_encoding_from_utf8(&conv, &clen, cells[i], strlen(cells[i]), t->enc,
							  &cell_err) < 0)
					break;
			}
			rc = row_error(t, err, YH_EINVAL, i < n ? i : 0, cell_err.msg);
			goto done;
		}
		if (rc < 0) {
			rc = yh_err_set(err, rc, NULL, "%s", cell_err.msg);
			goto done;
		}
		data = conv;
		dlen = clen;
	}
	if (fwrite(data, 1, dlen, t->fp) != dlen) {
		t->failed = yh_err_set(&t->saved, YH_EUNAVAILABLE, NULL, "%s: write failed: %s",
				       t->path != NULL ? t->path : "stdout", strerror(errno));
		rc = t->failed;
		if (err != NULL)
			*err = t->saved;
	}
done:
	free(conv);
	return rc;
}

static size_t display_width(const char *s)
{
	size_t w = 0;

	/* one column per ASCII byte, two per CJK (or other non-ASCII) character */
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x80)
			w++;
		else if ((c & 0xC0) != 0x80)
			w += 2;
	}
	return w;
}

static int xlsx_row(yh_table *t, const char *const *cells, const int *types, size_t n, int header,
		    yh_err *err)
{
	lxw_row_t row = (lxw_row_t)t->rows;
	lxw_error lerr = LXW_NO_ERROR;
	lxw_format *fmt;
	unsigned char *grown;
	size_t i, w;
	int type;

	if (n > t->nwidths) {
		grown = realloc(t->widths, n);
		if (grown == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		memset(grown + t->nwidths, MIN_WIDTH, n - t->nwidths);
		t->widths = grown;
		t->nwidths = n;
	}
	for (i = 0; i < n && lerr == LXW_NO_ERROR; i++) {
		const char *s = cells[i] != NULL ? cells[i] : "";
		lxw_col_t col = (lxw_col_t)i;

		type = types != NULL ? types[i] : YH_CELL_TEXT;
		fmt = type == YH_CELL_INT ? t->f_int : type == YH_CELL_MONEY ? t->f_money : NULL;
		if (type == YH_CELL_TEXT)
			lerr = worksheet_write_string(t->ws, row, col, s, header ? t->f_head : t->f_text);
		else if (*s == '\0')
			lerr = worksheet_write_blank(t->ws, row, col, fmt);
		else
			lerr = worksheet_write_number(t->ws, row, col, t->nums[i], fmt);
		w = display_width(s);
		if (w > MAX_WIDTH)
			w = MAX_WIDTH;
		if (w > t->widths[i])
			t->widths[i] = (unsigned char)w;
	}
	if (lerr != LXW_NO_ERROR) {
		/* check_row() rules these out, so a half-written row means a bug */
		t->failed = yh_err_set(&t->saved, YH_EINTERNAL, NULL, "row %zu: xlsxwriter: %s",
				       t->rows + 1, lxw_strerror(lerr));
		if (err != NULL)
			*err = t->saved;
		return t->failed;
	}
	return 0;
}

static int write_row(yh_table *t, const char *const *cells, const int *types, size_t n, int header,
		     yh_err *err)
{
	int rc;

	if (t->failed < 0) {
		if (err != NULL)
			*err = t->saved;
		return t->failed;
	}
	rc = check_row(t, cells, types, n, err);
	if (rc < 0)
		return rc;
	if (t->format == YH_TABLE_CSV)
		rc = csv_row(t, cells, types, n, err);
	else
		rc = xlsx_row(t, cells, types, n, header, err);
	if (rc == 0)
		t->rows++;
	return rc;
}

int yh_table_header(yh_table *t, const char *const *cols, size_t n, yh_err *err)
{
	size_t i;
	int rc;

	if (t->rows > 0 || t->nnames > 0)
		return yh_err_set(err, YH_EINVAL, NULL, "header must be the first row, written once");
	rc = write_row(t, cols, NULL, n, 1, err);
	if (rc < 0)
		return rc;
	if (t->format == YH_TABLE_XLSX)
		worksheet_freeze_panes(t->ws, 1, 0);
	t->names = calloc(n ? n : 1, sizeof(*t->names));
	if (t->names == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		t->names[i] = strdup(cols[i] != NULL ? cols[i] : "");
		if (t->names[i] == NULL)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		t->nnames = i + 1;
	}
	return 0;
}

int yh_table_row(yh_table *t, const char *const *cells, const int *types, size_t n, yh_err *err)
{
	return write_row(t, cells, types, n, 0, err);
}

static int open_xlsx(yh_table *t, const char *sheet_name, yh_err *err)
{
	/* rows go to a temporary file as they come: a 100,000 x 20 sheet held
	 * every cell in memory, 470 MB of a daemon answering an export */
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_error lerr;

	t->wb = workbook_new_opt(t->tmp, &opt);
	if (t->wb == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "cannot start an XLSX workbook");
	if (sheet_name != NULL) {
		lerr = workbook_validate_sheet_name(t->wb, sheet_name);
		if (lerr != LXW_NO_ERROR)
			return yh_err_set(err, YH_EINVAL, "sheet_name", "sheet name '%.64s': %s",
					  sheet_name, lxw_strerror(lerr));
	}
	t->ws = workbook_add_worksheet(t->wb, sheet_name);
	t->f_head = workbook_add_format(t->wb);
	t->f_text = workbook_add_format(t->wb);
	t->f_int = workbook_add_format(t->wb);
	t->f_money = workbook_add_format(t->wb);
	if (t->ws == NULL || t->f_head == NULL || t->f_text == NULL || t->f_int == NULL ||
	    t->f_money == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "cannot set up the XLSX sheet");
	format_set_bold(t->f_head);
	/* "@" keeps text text when the user edits the cell later */
	format_set_num_format(t->f_head, "@");
	format_set_num_format(t->f_text, "@");
	format_set_num_format(t->f_int, "0");
	format_set_num_format(t->f_money, "0.00");
	return 0;
}

int yh_table_open(yh_table **out, const char *path, int format, int enc, const char *sheet_name,
		  yh_err *err)
{
	yh_table *t = NULL;
	int to_stdout = strcmp(path, "-") == 0;
	int fd = -1, rc = 0;

	*out = NULL;
	if (format != YH_TABLE_CSV && format != YH_TABLE_XLSX)
		return yh_err_set(err, YH_EINVAL, "format", "unknown table format %d", format);
	if (format == YH_TABLE_CSV && enc == 0)
		enc = YH_ENC_UTF8_BOM;
	if (format == YH_TABLE_CSV && enc != YH_ENC_UTF8 && enc != YH_ENC_UTF8_BOM &&
	    enc != YH_ENC_GBK && enc != YH_ENC_GB18030)
		return yh_err_set(err, YH_EINVAL, "encoding", "unknown encoding id %d", enc);
	if (format == YH_TABLE_XLSX && to_stdout)
		return yh_err_set(err, YH_EINVAL, "path", "XLSX cannot be written to stdout");
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	t->format = format;
	t->enc = enc;
	if (!to_stdout) {
		t->path = strdup(path);
		t->tmp = malloc(strlen(path) + sizeof(".XXXXXX"));
		if (t->path == NULL || t->tmp == NULL) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
			goto done;
		}
		sprintf(t->tmp, "%s.XXXXXX", path);
		fd = mkstemp(t->tmp);
		if (fd < 0) {
			rc = yh_err_set(err, errno == ENOENT ? YH_ENOTFOUND : YH_EUNAVAILABLE, "path",
					"%s: cannot create: %s", path, strerror(errno));
			free(t->tmp);
			t->tmp = NULL; /* nothing was created, so nothing to unlink */
			goto done;
		}
	}
	if (format == YH_TABLE_XLSX) {
		close(fd); /* libxlsxwriter reopens the file by name */
		fd = -1;
		rc = open_xlsx(t, sheet_name, err);
		goto done;
	}
	t->fp = to_stdout ? stdout : fdopen(fd, "wb");
	if (t->fp == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "fdopen: %s", strerror(errno));
		goto done;
	}
	fd = -1;
	if (enc == YH_ENC_UTF8_BOM && fwrite("\xEF\xBB\xBF", 1, 3, t->fp) != 3)
		rc = yh_err_set(err, YH_EUNAVAILABLE, "path", "%s: write failed: %s",
				to_stdout ? "stdout" : path, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		table_free(t);
	else
		*out = t;
	return rc;
}

static int finish_csv(yh_table *t, yh_err *err)
{
	const char *name = t->path != NULL ? t->path : "stdout";
	FILE *fp = t->fp;
	int bad;

	t->fp = NULL;
	if (fp == stdout)
		bad = fflush(fp) != 0 || ferror(fp);
	else
		/* fsync before rename: a bank file must not be renamed into place empty */
		bad = fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0;
	if (fp != stdout && fclose(fp) != 0)
		bad = 1;
	if (bad)
		return yh_err_set(err, YH_EUNAVAILABLE, "path", "%s: write failed: %s", name,
				  strerror(errno));
	return 0;
}

int yh_table_close(yh_table *t, yh_err *err)
{
	lxw_error lerr;
	size_t i;
	int rc = 0;

	if (t == NULL)
		return 0;
	if (t->failed < 0) {
		rc = t->failed;
		if (err != NULL)
			*err = t->saved;
		goto done;
	}
	if (t->format == YH_TABLE_XLSX) {
		for (i = 0; i < t->nwidths; i++)
			worksheet_set_column(t->ws, (lxw_col_t)i, (lxw_col_t)i, t->widths[i] + 2, NULL);
		lerr = workbook_close(t->wb);
		t->wb = NULL; /* freed by workbook_close() even on error */
		if (lerr != LXW_NO_ERROR) {
			rc = yh_err_set(err, YH_EUNAVAILABLE, "path", "%s: %s", t->path,
					lxw_strerror(lerr));
			goto done;
		}
	} else {
		rc = finish_csv(t, err);
		if (rc < 0)
			goto done;
	}
	if (t->tmp != NULL) {
		if (rename(t->tmp, t->path) != 0) {
			rc = yh_err_set(err, YH_EUNAVAILABLE, "path", "%s: rename failed: %s", t->path,
					strerror(errno));
			goto done;
		}
		free(t->tmp);
		t->tmp = NULL;
	}
done:
	table_free(t);
	return rc;
}
