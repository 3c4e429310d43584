/* localtime_r() */
#define _POSIX_C_SOURCE 200809L

#include "yinhui/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uninorm.h>

#define F_IDNO "id_number"
#define F_PHONE "phone"
#define F_NAME "name"

/* Longest raw input looked at; anything longer is rejected before work. */
#define PHONE_MAX_INPUT 64
#define PHONE_MAX_GROUPS 8
#define NAME_MAX_INPUT 1024

#define MIDDLE_DOT 0x00B7u

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Value of n decimal digits at s (caller checked they are digits). */
static int digits_value(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Decodes one UTF-8 sequence of at most avail bytes. Strict RFC 3629: no
 * overlongs, surrogates or values past U+10FFFF. Returns the sequence length,
 * or 0 if the bytes are not valid UTF-8.
 */
static size_t utf8_next(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	uint32_t v;
	uint32_t min;
	size_t n;
	size_t i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1Fu;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0Fu;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* Encodes cp (a valid scalar value) at out; returns bytes written (1..4). */
static size_t utf8_put(unsigned char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* C0, DEL and C1 controls. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* ---- dates ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Kept local (calendar.h has yh_date_valid_ymd) so validate has no link dependency on it. */
static int date_valid(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int last;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	last = mdays[m - 1] + (m == 2 && is_leap(y));
	return d <= last;
}

void yh_date_today(int *y, int *m, int *d)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	localtime_r(&now, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

int yh_date_parse_ymd(const char *s, int *y, int *m, int *d, yh_err *err,
		      const char *field)
{
	int yy;
	int mm;
	int dd;

	if (field == NULL)
		field = "date";
	if (s == NULL || *s == '\0')
		return yh_err_set(err, YH_EINVAL, field, "%s is required", field);
	if (strlen(s) != 10 || !all_digits(s, 4) || s[4] != '-' ||
	    !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
		return yh_err_set(err, YH_EINVAL, field,
				  "%s '%.20s' is not a date in YYYY-MM-DD form", field, s);
	yy = digits_value(s, 4);
	mm = digits_value(s + 5, 2);
	dd = digits_value(s + 8, 2);
	if (!date_valid(yy, mm, dd))
		return yh_err_set(err, YH_EINVAL, field, "%s '%s' is not a real date", field, s);
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

/* ---- 公民身份号码 ---- */

static int province_ok(int code)
{
	return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) ||
	       (code >= 31 && code <= 37) || (code >= 41 && code <= 46) ||
	       (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
	       code == 71 || code == 81 || code == 82;
}

char yh_idno_check_digit(const char *body)
{
	/* W_i = 2^(18-i) mod 11, ISO 7064 MOD 11-2 */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;
	size_t i;

	if (body == NULL)
		return '\0';
	for (i = 0; i < 17; i++) {
		if (!is_digit(body[i]))
			return '\0';
		sum += (body[i] - '0') * w[i];
	}
	return map[sum % 11];
}

int yh_idno_normalize_asof(char out[19], const char *in, int today_y,
			   int today_m, int today_d, yh_err *err)
{
	char body[18];
	size_t len;
	int y;
	int m;
	int d;
	long birth;
	char check;
	char given;

	if (in == NULL || *in == '\0')
		return yh_err_set(err, YH_EINVAL, F_IDNO, "id_number is required");
	len = strlen(in);
	if (len == 18) {
		if (!all_digits(in, 17) ||
		    !(is_digit(in[17]) || in[17] == 'X' || in[17] == 'x'))
			return yh_err_set(err, YH_EINVAL, F_IDNO,
					  "id_number must be 17 digits followed by a digit or X");
		memcpy(body, in, 17);
	} else if (len == 15) {
		if (!all_digits(in, 15))
			return yh_err_set(err, YH_EINVAL, F_IDNO,
					  "a 15-character id_number must be all digits");
		/* GB 11643-1989 numbers carry a 2-digit year: everyone is 19xx */
		memcpy(body, in, 6);
		body[6] = '1';
		body[7] = '9';
		memcpy(body + 8, in + 6, 9);
	} else {
		return yh_err_set(err, YH_EINVAL, F_IDNO,
				  "id_number must have 18 characters (or 15 for an old number), not %zu",
				  len);
	}
	body[17] = '\0';

	if (!province_ok(digits_value(body, 2)))
		return yh_err_set(err, YH_EINVAL, F_IDNO,
				  "id_number starts with %.2s, which is not a province code", body);
	y = digits_value(body + 6, 4);
	m = digits_value(body + 10, 2);
	d = digits_value(body + 12, 2);
	if (!date_valid(y, m, d))
		return yh_err_set(err, YH_EINVAL, F_IDNO,
				  "id_number birth date %.8s is not a real date", body + 6);
	birth = (long)y * 10000 + m * 100 + d;
	if (birth < 19000101L)
		return yh_err_set(err, YH_EINVAL, F_IDNO,
				  "id_number birth date %04d-%02d-%02d is before 1900-01-01 (needs manual review)",
				  y, m, d);
	if (birth > (long)today_y * 10000 + today_m * 100 + today_d)
		return yh_err_set(err, YH_EINVAL, F_IDNO,
				  "id_number birth date %04d-%02d-%02d is in the future", y, m, d);

	check = yh_idno_check_digit(body);
	if (len == 18) {
		given = in[17] == 'x' ? 'X' : in[17];
		if (given != check)
			return yh_err_set(err, YH_EINVAL, F_IDNO,
					  "id_number check digit is %c, expected %c (typo in the number?)",
					  given, check);
	}
	memcpy(out, body, 17);
	out[17] = check;
	out[18] = '\0';
	return 0;
}

int yh_idno_normalize(char out[19], const char *in, yh_err *err)
{
	int y;
	int m;
	int d;

	yh_date_today(&y, &m, &d);
	return yh_idno_normalize_asof(out, in, y, m, d, err);
}

/* 17 digits + digit/X, without judging the check digit. */
static int idno_shape_ok(const char *id18)
{
	return id18 != NULL && strlen(id18) == 18 && all_digits(id18, 17) &&
	       (is_digit(id18[17]) || id18[17] == 'X');
}

int yh_idno_birth(const char *id18, int *y, int *m, int *d)
{
	int yy;
	int mm;
	int dd;

	if (!idno_shape_ok(id18))
		return YH_EINVAL;
	yy = digits_value(id18 + 6, 4);
	mm = digits_value(id18 + 10, 2);
	dd = digits_value(id18 + 12, 2);
	if (!date_valid(yy, mm, dd))
		return YH_EINVAL;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

char yh_idno_gender(const char *id18)
{
	if (!idno_shape_ok(id18))
		return '\0';
	return ((id18[16] - '0') % 2) ? 'M' : 'F';
}

void yh_idno_mask(char out[19], const char *id18)
{
	memset(out, '*', 18);
	out[18] = '\0';
	/* never reveal more of something that is not a proper number */
	if (id18 == NULL || strlen(id18) != 18)
		return;
	memcpy(out, id18, 6);
	memcpy(out + 14, id18 + 14, 4);
}

/* ---- phones ---- */

static int put_out(char *out, size_t outsz, const char *s, const char *field, yh_err *err)
{
	size_t n = strlen(s);

	if (n + 1 > outsz)
		return yh_err_set(err, YH_EINTERNAL, field,
				  "output buffer too small (%zu bytes, need %zu)", outsz, n + 1);
	memcpy(out, s, n + 1);
	return 0;
}

int yh_phone_normalize(char *out, size_t outsz, const char *in, yh_err *err)
{
	char digits[PHONE_MAX_INPUT + 1];
	char res[PHONE_MAX_INPUT + 8];
	size_t gstart[PHONE_MAX_GROUPS];
	size_t glen[PHONE_MAX_GROUPS];
	size_t ngroups = 0;
	size_t nd = 0;
	size_t b;
	size_t e;
	size_t i;
	int plus = 0;
	int in_group = 0;
	const char *d;
	size_t dn;
	size_t main_len;
	size_t ext_len = 0;
	size_t alen;
	size_t llen;

	if (in == NULL)
		return yh_err_set(err, YH_EINVAL, F_PHONE, "phone is required");
	b = 0;
	e = strlen(in);
	while (b < e && (in[b] == ' ' || in[b] == '\t'))
		b++;
	while (e > b && (in[e - 1] == ' ' || in[e - 1] == '\t'))
		e--;
	if (b == e)
		return yh_err_set(err, YH_EINVAL, F_PHONE, "phone is required");
	if (e - b > PHONE_MAX_INPUT)
		return yh_err_set(err, YH_EINVAL, F_PHONE, "phone is too long");
	if (in[b] == '+') {
		plus = 1;
		b++;
	}
	for (i = b; i < e; i++) {
		char c = in[i];

		if (is_digit(c)) {
			if (!in_group) {
				if (ngroups == PHONE_MAX_GROUPS)
					return yh_err_set(err, YH_EINVAL, F_PHONE,
							  "phone has too many separated parts");
				gstart[ngroups] = nd;
				glen[ngroups] = 0;
				ngroups++;
				in_group = 1;
			}
			digits[nd++] = c;
			glen[ngroups - 1]++;
		} else if (c == ' ' || c == '-') {
			in_group = 0;
		} else {
			return yh_err_set(err, YH_EINVAL, F_PHONE,
					  "phone may contain only digits, spaces, dashes and a leading +");
		}
	}
	digits[nd] = '\0';
	if (nd == 0)
		return yh_err_set(err, YH_EINVAL, F_PHONE, "phone has no digits");

	/* mobile: strip the country code first, then expect 1[3-9]xxxxxxxxx */
	d = digits;
	dn = nd;
	if (plus) {
		if (dn < 2 || d[0] != '8' || d[1] != '6')
			return yh_err_set(err, YH_EINVAL, F_PHONE,
					  "only +86 (mainland China) numbers are accepted");
		d += 2;
		dn -= 2;
	} else if (dn >= 4 && memcmp(d, "0086", 4) == 0) {
		d += 4;
		dn -= 4;
	} else if (dn == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1') {
		d += 2;
		dn -= 2;
	}
	if (d != digits && d[0] != '1')
		return yh_err_set(err, YH_EINVAL, F_PHONE,
				  "after a +86/0086 prefix only mobile numbers are accepted");
	if (d[0] == '1') {
		if (dn != 11 || d[1] < '3')
			return yh_err_set(err, YH_EINVAL, F_PHONE,
					  "mobile number must be 11 digits starting with 13-19");
		return put_out(out, outsz, d, F_PHONE, err);
	}
	if (d[0] != '0')
		return yh_err_set(err, YH_EINVAL, F_PHONE,
				  "landline needs its area code, e.g. 0759-3618688");

	/* landline: a last separated group is an extension unless it follows the area code */
	if (ngroups > 3)
		return yh_err_set(err, YH_EINVAL, F_PHONE,
				  "landline must look like 0759-3618688 or 0759-3618688-123");
	main_len = nd;
	if (ngroups == 3 || (ngroups == 2 && glen[0] != 3 && glen[0] != 4)) {
		ext_len = glen[ngroups - 1];
		main_len = gstart[ngroups - 1];
	}
	if (digits[1] == '0')
		return yh_err_set(err, YH_EINVAL, F_PHONE, "area code cannot start with 00");
	/* 010 and 02x are the only 3-digit area codes */
	alen = ((digits[1] == '1' && digits[2] == '0') || digits[1] == '2') ? 3 : 4;
	llen = main_len > alen ? main_len - alen : 0;
	if (llen < 7 || llen > 8)
		return yh_err_set(err, YH_EINVAL, F_PHONE,
				  "landline needs a 7 or 8 digit number after area code %.*s",
				  (int)alen, digits);
	if (ext_len > 6)
		return yh_err_set(err, YH_EINVAL, F_PHONE, "extension must have 1 to 6 digits");
	if (ext_len > 0)
		snprintf(res, sizeof(res), "%.*s-%.*s-%.*s", (int)alen, digits, (int)llen,
			 digits + alen, (int)ext_len, digits + main_len);
	else
		snprintf(res, sizeof(res), "%.*s-%.*s", (int)alen, digits, (int)llen,
			 digits + alen);
	return put_out(out, outsz, res, F_PHONE, err);
}

/* ---- names ---- */

/* Characters that people and input methods type where 间隔号 U+00B7 is meant. */
static int is_dot_lookalike(uint32_t cp)
{
	switch (cp) {
	case '.':
	case 0x00B7:
	case 0x2022: /* • bullet */
	case 0x2027: /* ‧ hyphenation point */
	case 0x2219: /* ∙ bullet operator */
	case 0x22C5: /* ⋅ dot operator */
	case 0x30FB: /* ・ katakana middle dot */
	case 0xFF0E: /* ． fullwidth full stop */
	case 0xFF65: /* ･ halfwidth katakana middle dot */
		return 1;
	default:
		return 0;
	}
}

static int is_han(uint32_t cp)
{
	/* CJK compatibility ideographs that are unified (NFC leaves them alone) */
	static const uint32_t compat[] = { 0xFA0E, 0xFA0F, 0xFA11, 0xFA13, 0xFA14, 0xFA1F,
					   0xFA21, 0xFA23, 0xFA24, 0xFA27, 0xFA28, 0xFA29 };
	size_t i;

	if (cp == 0x3007 ||                       /* 〇 */
	    (cp >= 0x3400 && cp <= 0x4DBF) ||     /* Ext A */
	    (cp >= 0x4E00 && cp <= 0x9FFF) ||     /* URO */
	    (cp >= 0x20000 && cp <= 0x2A6DF) ||   /* Ext B */
	    (cp >= 0x2A700 && cp <= 0x2EE5F) ||   /* Ext C, D, E, F, I */
	    (cp >= 0x30000 && cp <= 0x323AF))     /* Ext G, H */
		return 1;
	for (i = 0; i < sizeof(compat) / sizeof(compat[0]); i++)
		if (cp == compat[i])
			return 1;
	return 0;
}

static int is_latin(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return 1;
	/* accented pinyin and minority romanisations: Latin-1 letters, Extended-A/B, Additional */
	if (cp >= 0xC0 && cp <= 0x24F)
		return cp != 0xD7 && cp != 0xF7;
	return cp >= 0x1E00 && cp <= 0x1EFF;
}

static int is_trim_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
	       cp == '\f' || cp == 0x3000;
}

enum name_class { NC_NONE, NC_HAN, NC_LATIN, NC_DOT, NC_SPACE };

/* Checks the NFC form: allowed characters, separator placement, length. */
static int name_check_nfc(const unsigned char *s, size_t n, yh_err *err)
{
	enum name_class prev = NC_NONE;
	enum name_class cls;
	size_t count = 0;
	size_t i = 0;
	size_t k;
	uint32_t cp = 0;

	while (i < n) {
		k = utf8_next(s + i, n - i, &cp);
		if (k == 0)
			return yh_err_set(err, YH_EINTERNAL, F_NAME, "normalised name is not UTF-8");
		i += k;
		count++;
		if (is_han(cp))
			cls = NC_HAN;
		else if (is_latin(cp))
			cls = NC_LATIN;
		else if (cp == MIDDLE_DOT)
			cls = NC_DOT;
		else if (cp == ' ' || cp == 0x3000)
			cls = NC_SPACE;
		else
			return yh_err_set(err, YH_EINVAL, F_NAME,
					  "name contains U+%04X, which is not allowed in a name",
					  (unsigned)cp);
		if (cls == NC_DOT && (prev == NC_NONE || prev == NC_DOT || prev == NC_SPACE))
			return yh_err_set(err, YH_EINVAL, F_NAME,
					  "name has a '·' that does not separate two name parts");
		if (cls == NC_SPACE && (cp != ' ' || prev != NC_LATIN))
			return yh_err_set(err, YH_EINVAL, F_NAME,
					  "name may contain a space only between Latin letters");
		if (prev == NC_SPACE && cls != NC_LATIN)
			return yh_err_set(err, YH_EINVAL, F_NAME,
					  "name may contain a space only between Latin letters");
		prev = cls;
	}
	if (prev == NC_DOT)
		return yh_err_set(err, YH_EINVAL, F_NAME, "name must not end with '·'");
	if (count > YH_NAME_MAX_CHARS)
		return yh_err_set(err, YH_EINVAL, F_NAME,
				  "name is too long: %zu characters, at most %d", count,
				  YH_NAME_MAX_CHARS);
	return 0;
}

int yh_name_normalize(char *out, size_t outsz, const char *in, yh_err *err)
{
	uint32_t *cps = NULL;
	unsigned char *buf = NULL;
	uint8_t *nfc = NULL;
	size_t len;
	size_t ncp = 0;
	size_t start;
	size_t end;
	size_t blen = 0;
	size_t nfclen = 0;
	size_t i;
	size_t k;
	int rc = 0;

	if (in == NULL) {
		rc = yh_err_set(err, YH_EINVAL, F_NAME, "name is required");
		goto done;
	}
	len = strlen(in);
	if (len > NAME_MAX_INPUT) {
		rc = yh_err_set(err, YH_EINVAL, F_NAME, "name is too long");
		goto done;
	}
	cps = malloc((len + 1) * sizeof(*cps));
	buf = malloc(len * 4 + 1);
	if (cps == NULL || buf == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, F_NAME, "out of memory");
		goto done;
	}
	for (i = 0; i < len; i += k) {
		k = utf8_next((const unsigned char *)in + i, len - i, &cps[ncp]);
		if (k == 0) {
			rc = yh_err_set(err, YH_EINVAL, F_NAME,
					"name is not valid UTF-8 (byte %zu)", i);
			goto done;
		}
		ncp++;
	}
	start = 0;
	end = ncp;
	while (start < end && is_trim_space(cps[start]))
		start++;
	while (end > start && is_trim_space(cps[end - 1]))
		end--;
	if (start == end) {
		rc = yh_err_set(err, YH_EINVAL, F_NAME, "name is required");
		goto done;
	}
	for (i = start; i < end; i++) {
		if (is_control(cps[i])) {
			rc = yh_err_set(err, YH_EINVAL, F_NAME,
					"name contains control character U+%04X", (unsigned)cps[i]);
			goto done;
		}
		if (is_dot_lookalike(cps[i]))
			cps[i] = MIDDLE_DOT;
		blen += utf8_put(buf + blen, cps[i]);
	}
	nfc = u8_normalize(UNINORM_NFC, buf, blen, NULL, &nfclen);
	if (nfc == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, F_NAME, "Unicode normalisation failed");
		goto done;
	}
	rc = name_check_nfc(nfc, nfclen, err);
	if (rc != 0)
		goto done;
	if (nfclen + 1 > outsz) {
		rc = yh_err_set(err, YH_EINTERNAL, F_NAME,
				"output buffer too small (%zu bytes, need %zu)", outsz, nfclen + 1);
		goto done;
	}
	memcpy(out, nfc, nfclen);
	out[nfclen] = '\0';
done:
	free(nfc);
	free(buf);
	free(cps);
	return rc;
}

/* ---- free text, UUIDs ---- */

int yh_text_check(const char *s, size_t max_chars, const char *field, yh_err *err)
{
	size_t len;
	size_t i;
	size_t k;
	size_t count = 0;
	uint32_t cp = 0;

	if (s == NULL)
		return yh_err_set(err, YH_EINVAL, field, "%s is required", field ? field : "text");
	len = strlen(s);
	for (i = 0; i < len; i += k) {
		k = utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			return yh_err_set(err, YH_EINVAL, field, "%s is not valid UTF-8 (byte %zu)",
					  field ? field : "text", i);
		if (is_control(cp) && cp != '\n' && cp != '\t' && cp != '\r')
			return yh_err_set(err, YH_EINVAL, field,
					  "%s contains control character U+%04X at character %zu",
					  field ? field : "text", (unsigned)cp, count + 1);
		count++;
	}
	if (count > max_chars)
		return yh_err_set(err, YH_EINVAL, field,
				  "%s is too long: %zu characters, at most %zu",
				  field ? field : "text", count, max_chars);
	return 0;
}

static int uuid_shape_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
			return 0;
		}
	}
	return 1;
}

int yh_uuid_check(const char *s, const char *field, yh_err *err)
{
	if (s == NULL || *s == '\0')
		return yh_err_set(err, YH_EINVAL, field, "%s is required", field ? field : "id");
	if (!uuid_shape_ok(s))
		return yh_err_set(err, YH_EINVAL, field,
				  "%s '%.40s' is not a lowercase UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
				  field ? field : "id", s);
	return 0;
}
