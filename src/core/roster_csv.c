/*
 * roster_csv.c - the cells of a roster file: its columns (shared by import
 * and export), and the forms spreadsheets give dates, flags, categories and
 * units in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roster_internal.h"
#include "yinhui/csv.h"
#include "yinhui/validate.h"

const yh_roster_column yh_roster_columns[] = { /* the header fixes the count */
	{ "name", "姓名", { NULL } },
	{ "gender", "性别", { NULL } },
	{ "id_number", "身份证号码", { "身份证号", "公民身份号码", "身份证", NULL } },
	{ "birth_date", "出生日期", { "出生年月", NULL } },
	{ "category", "类别", { "人员类别", NULL } },
	{ "former_employer", "原工作单位", { "原单位", NULL } },
	{ "rank", "职级", { "原职级", NULL } },
	{ "joined_on", "参加工作时间", { "参加革命工作时间", NULL } },
	{ "retired_on", "离退休时间", { "离休时间", "退休时间", NULL } },
	{ "unit", "单位", { "所属单位", "管理单位", NULL } },
	{ "district", "区县", { "所在区县", NULL } },
	{ "address", "地址", { "住址", "家庭住址", NULL } },
	{ "phones", "电话", { "联系电话", NULL } },
	{ "emergency_contacts", "紧急联系人", { NULL } },
	{ "living_situation", "居住状况", { NULL } },
	{ "care_level", "照护等级", { "失能等级", NULL } },
	{ "remote", "居住偏远", { "是否偏远", NULL } },
	{ "party_member", "党员", { "是否党员", NULL } },
	{ "added_on", "入册日期", { NULL } },
	{ "note", "备注", { NULL } },
};
const size_t yh_roster_ncolumns = YH_ROSTER_NCOLUMNS;

/* How a cell of each column is read, parallel to yh_roster_columns. */
const enum yh_cell_kind yh_roster_column_kind[] = {
	CK_KEY, CK_DERIVED, CK_ID, CK_DERIVED, CK_ALIAS, CK_TEXT, CK_TEXT, CK_DATE, CK_DATE, CK_UNIT, CK_TEXT,
	CK_TEXT, CK_LIST, CK_LIST, CK_TEXT, CK_TEXT, CK_BOOL, CK_BOOL, CK_ADDED, CK_TEXT,
};


int yh_roster_units_load(yh_roster_units *m, yh_rows *rows)
{
	m->rows = rows;
	m->n = yh_rows_count(rows);
	m->id = calloc(m->n + 1, sizeof(char *));
	m->code = calloc(m->n + 1, sizeof(char *));
	m->name = calloc(m->n + 1, sizeof(char *));
	m->ok = calloc(m->n + 1, 1);
	if (m->id == NULL || m->code == NULL || m->name == NULL || m->ok == NULL)
		return YH_EINTERNAL;
	for (size_t i = 0; i < m->n; i++) {
		m->id[i] = yh_rows_get(rows, i, "id");
		m->code[i] = yh_rows_get(rows, i, "code");
		m->name[i] = yh_rows_get(rows, i, "name");
		m->ok[i] = strcmp(yh_rows_get(rows, i, "ok"), "t") == 0;
	}
	return 0;
}

void yh_roster_units_free(yh_roster_units *m)
{
	yh_rows_free(m->rows);
	free(m->id);
	free(m->code);
	free(m->name);
	free(m->ok);
}

/* Finds a unit by code, else by its (unique) name. 0 found; 1 unknown; 2 ambiguous; 3 outside scope. */
int yh_roster_units_find(const yh_roster_units *m, const char *s, const char **id)
{
	size_t hit = m->n, hits = 0;

	for (size_t i = 0; i < m->n && hits == 0; i++)
		if (strcmp(m->code[i], s) == 0) {
			hit = i;
			hits = 1;
		}
	for (size_t i = 0; i < m->n && hit == m->n; i++)
		if (strcmp(m->name[i], s) == 0)
			hit = i;
	/* a name must be unique to mean one unit */
	if (hits == 0 && hit < m->n)
		for (size_t i = 0; i < m->n; i++)
			hits += strcmp(m->name[i], s) == 0;
	if (hits == 0)
		return 1;
	if (hits > 1)
		return 2;
	if (!m->ok[hit])
		return 3;
	*id = m->id[hit];
	return 0;
}

/* Trims ASCII spaces, tabs and U+3000 at both ends, in place; drops a spreadsheet's formula guard and ="…". */
char *yh_roster_cell_trim(char *s)
{
	const char *b;
	size_t n = yh_csv_cell_span(s, &b);

	s += b - s;
	s[n] = '\0';
	if (s[0] == '\'' && s[1] && strchr("=+-@", s[1]))
		s++;
	/* ="440802..." is how a program writes a CSV cell for Excel to keep as text */
	else if (n >= 3 && s[0] == '=' && s[1] == '"' && s[n - 1] == '"' && memchr(s + 2, '"', n - 3) == NULL) {
		s[n - 1] = '\0';
		s += 2;
	}
	return s;
}

/* Reads up to max digits at *p into *v; returns how many were read. */
static int digits(const char **p, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

/* Skips one date separator: - / . or 年 月 (UTF-8); *sep gets the ASCII one, or 0. */
static int date_sep(const char **p, char *sep)
{
	*sep = 0;
	if (**p == '-' || **p == '/' || **p == '.') {
		*sep = **p;
		(*p)++;
		return 1;
	}
	if (strncmp(*p, "年", 3) == 0 || strncmp(*p, "月", 3) == 0) {
		*p += 3;
		return 1;
	}
	return 0;
}

void yh_roster_cell_halfwidth(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;

	while (*r != '\0') {
		/* U+FF01..U+FF5E are EF BC 81..BF and EF BD 80..9E; U+3000 is E3 80 80 */
		if (r[0] == 0xEF && r[1] == 0xBC && r[2] >= 0x81 && r[2] <= 0xBF) {
			*w++ = (unsigned char)(r[2] - 0x60);
			r += 3;
		} else if (r[0] == 0xEF && r[1] == 0xBD && r[2] >= 0x80 && r[2] <= 0x9E) {
			*w++ = (unsigned char)(r[2] - 0x20);
			r += 3;
		} else if (r[0] == 0xE3 && r[1] == 0x80 && r[2] == 0x80) {
			*w++ = ' ';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* 1 when s is d{1,2} sep d{1,2} sep d{1,last} (with last 4: exactly 4 digits), one separator of - / . */
static int three_parts(const char *s, int last)
{
	const char *p = s;
	char sep;
	int v, n;

	if (digits(&p, 2, &v) == 0 || (*p != '-' && *p != '/' && *p != '.'))
		return 0;
	sep = *p++;
	if (digits(&p, 2, &v) == 0 || *p++ != sep)
		return 0;
	n = digits(&p, last, &v);
	return (last == 4 ? n == 4 : n > 0) && *p == '\0';
}

int yh_roster_cell_date(char *out, size_t n, const char *s, char *why, size_t whylen)
{
	static const char *const midnight[] = { " 0:00", " 00:00", " 0:00:00", " 00:00:00", NULL };
	char cell[40];
	const char *p = cell;
	size_t len;
	int y = 0, m = 0, d = 1, ok = 0, nm = 0, month_only = 0;
	char sep = 0, sep2 = 0;

	snprintf(out, n, "%s", s); /* unless read below: the date validator names what is wrong */
	snprintf(cell, sizeof(cell), "%s", s);
	len = strlen(cell);
	/* a date-time cell of a spreadsheet saves the date with the time of midnight */
	for (int k = 0; midnight[k]; k++) {
		size_t ml = strlen(midnight[k]);
		if (len > ml && strcmp(cell + len - ml, midnight[k]) == 0) {
			cell[len - ml] = '\0';
			len -= ml;
			break;
		}
	}
	if (len == 8 && strspn(cell, "0123456789") == 8) {
		digits(&p, 4, &y);
		digits(&p, 2, &m);
		digits(&p, 2, &d);
		ok = 1;
	} else if (digits(&p, 4, &y) == 4 && date_sep(&p, &sep) && (nm = digits(&p, 2, &m)) > 0) {
		if (*p == '\0' || strcmp(p, "月") == 0) {
			/* a spreadsheet keeps 1949.10 as the number 1949.1: that month is October or January */
			if (sep == '.' && nm == 1 && m == 1 && *p == '\0') {
				snprintf(why, whylen, "'%.20s' can be January or October (a spreadsheet turns 1949.10 into 1949.1):"
					" write 1949.01 or 1949.10 in a column formatted as text, or the whole date", s);
				return -1;
			}
			ok = 1;
			month_only = 1;
		} else if (date_sep(&p, &sep2) && digits(&p, 2, &d) > 0 && (*p == '\0' || strcmp(p, "日") == 0)) {
			ok = 1;
		}
	}
	if (ok && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		snprintf(out, n, "%04d-%02d-%02d", y, m, d);
		return month_only;
	}
	if (len > 0 && len <= 5 && strspn(cell, "0123456789") == len) {
		snprintf(why, whylen, "'%.20s' is a number, not a date (a spreadsheet's date serial number?):"
			" format the column as a date or text and write the whole date, e.g. 1941-03-05", s);
		return -1;
	}
	if (three_parts(cell, 4)) {
		snprintf(why, whylen, "'%.20s' can be read day first or month first: write the year first,"
			" e.g. 1941-03-05", s);
		return -1;
	}
	if (three_parts(cell, 2)) {
		snprintf(why, whylen, "'%.20s' has a two-digit year: write the year in full, e.g. 1941-03-05", s);
		return -1;
	}
	return 0;
}

/* 1 when s holds a number in scientific notation (4.40802E+17, 1.38E+10). */
static int has_exponent(const char *s)
{
	for (const char *e = s; (e = strpbrk(e, "Ee")) != NULL; e++)
		if (e > s && e[-1] >= '0' && e[-1] <= '9' && e[1] == '+' && e[2] >= '0' && e[2] <= '9')
			return 1;
	return 0;
}

/* 1 when s is digits, a point and only zeros: a number written by a program that reads every number as decimal. */
static int trailing_point_zero(const char *s)
{
	size_t nd = strspn(s, "0123456789");

	return nd > 0 && s[nd] == '.' && s[nd + 1] == '0' && s[nd + 1 + strspn(s + nd + 1, "0")] == '\0';
}

int yh_roster_cell_mangled(char *why, size_t whylen, const char *field, const char *s)
{
	static const char fix[] = "format the column as text and enter the numbers again";
	/* each message fits the 255 bytes of an import error */
	size_t len = strlen(s);

	if (strcmp(field, "id_number") == 0) {
		if (has_exponent(s)) {
			snprintf(why, whylen, "the ID number was turned into a number by the spreadsheet"
				" (e.g. 4.40802E+17): %s", fix);
			return -1;
		}
		if (trailing_point_zero(s)) {
			snprintf(why, whylen, "the ID number '%.30s' was saved as a number (it ends in .0): %s", s, fix);
			return -1;
		}
		/* a number column keeps 15 digits and fills the rest with zeros */
		if (len == 18 && strspn(s, "0123456789") == 18 && strcmp(s + 15, "000") == 0 &&
		    yh_idno_check_digit(s) != '0') {
			snprintf(why, whylen, "the ID number ends in 000 and its check digit does not match: a"
				" spreadsheet kept only 15 digits; %s", fix);
			return -1;
		}
		return 0;
	}
	if (strcmp(field, "phones") == 0 || strcmp(field, "emergency_contacts") == 0) {
		if (has_exponent(s)) {
			snprintf(why, whylen, "'%.30s': the spreadsheet turned a phone number into a number: %s", s, fix);
			return -1;
		}
		if (strcmp(field, "phones") == 0 && trailing_point_zero(s)) {
			snprintf(why, whylen, "the phone number '%.30s' was saved as a number (it ends in .0): %s", s, fix);
			return -1;
		}
		/* 10 or 11 digits starting 2-9 is a landline whose area code lost its 0 */
		if (strcmp(field, "phones") == 0 && (len == 10 || len == 11) && strspn(s, "0123456789") == len &&
		    s[0] >= '2') {
			snprintf(why, whylen, "'%.30s' lost the leading 0 of its area code (a spreadsheet drops it"
				" from a number): %s", s, fix);
			return -1;
		}
	}
	return 0;
}

const char *yh_roster_cell_alias(const char *field, const char *s)
{
	static const char *const map[][3] = {
		{ "category", "离休干部", "离休" }, { "category", "退休干部", "退休" },
		{ "category", "企业离休干部", "企业离休" },
		{ "category", "建国初期参加革命工作的退休干部", "建国初期参加工作的退休干部" },
		{ "gender", "男性", "男" }, { "gender", "女性", "女" },
		{ "remote", "是", "true" }, { "remote", "否", "false" }, { "remote", "√", "true" },
		{ "party_member", "是", "true" }, { "party_member", "否", "false" }, { "party_member", "√", "true" },
		{ "party_member", "中共党员", "true" }, { "party_member", "群众", "false" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], field) == 0 && strcmp(map[i][1], s) == 0)
			return map[i][2];
	return s;
}
