/*
 * validate.h - input validators and normalisers (domain.md section 3).
 *
 * Pure functions: no I/O except reading the clock for "today". Each checker
 * returns 0 or YH_EINVAL and fills err (field set to the given or fixed name,
 * one-line message saying what is wrong). Output buffers are written only on
 * success. A too-small output buffer is a caller bug: YH_EINTERNAL.
 */
#ifndef YH_VALIDATE_H
#define YH_VALIDATE_H

#include <stddef.h>

#include "yinhui/error.h"

/* Buffer sizes that always suffice for the normalised forms (with NUL). */
#define YH_IDNO_BUFSZ 19
#define YH_PHONE_BUFSZ 24 /* "0759-36186888-123456" */
#define YH_NAME_MAX_CHARS 50
#define YH_NAME_BUFSZ (YH_NAME_MAX_CHARS * 4 + 1)

/*
 * Validates a 公民身份号码 and writes the canonical 18-character form.
 * Accepts 18 characters (17 digits + digit/X/x, GB 11643-1999 MOD 11-2) and
 * 15-digit legacy numbers (upgraded: "19" inserted after the 6-digit address
 * code, check digit appended). Rejects bad length or characters, unknown
 * province (first two digits), impossible birth dates, birth before
 * 1900-01-01 or after today (local time), and a wrong check digit (the
 * message names the expected digit). Field "id_number".
 * Returns 0 or YH_EINVAL.
 */
int yh_idno_normalize(char out[19], const char *in, yh_err *err);

/* As yh_idno_normalize() with "today" given explicitly (y, m, d). */
int yh_idno_normalize_asof(char out[19], const char *in, int today_y,
			   int today_m, int today_d, yh_err *err);

/*
 * MOD 11-2 check character ('0'..'9' or 'X') for the first 17 characters of
 * body, or '\0' if they are not 17 digits.
 */
char yh_idno_check_digit(const char *body);

/*
 * Birth date encoded in a normalised 18-character number (digits 7-14).
 * Returns 0, or YH_EINVAL if id18 is malformed (outputs untouched).
 */
int yh_idno_birth(const char *id18, int *y, int *m, int *d);

/* 'M' if digit 17 is odd, 'F' if even; '\0' if id18 is malformed. */
char yh_idno_gender(const char *id18);

/*
 * Masked form for display/logs: first 6 + 8 '*' + last 4
 * ("440802********001X"). If id18 is not 18 characters, writes 18 '*'.
 */
void yh_idno_mask(char out[19], const char *id18);

/*
 * Normalises a phone number. Mobile: 1[3-9] + 9 digits, an optional
 * +86 / 0086 / 86 prefix is stripped, spaces and dashes anywhere are
 * tolerated -> "13812345678". Landline: 0 + area code + 7-8 digit local
 * number, optional extension after a separator -> "0759-3618688" or
 * "010-12345678-123"; the area code is 3 digits for 010 and 02x, 4 otherwise.
 * Field "phone". Returns 0, YH_EINVAL, or YH_EINTERNAL if outsz is too small
 * (YH_PHONE_BUFSZ always suffices).
 */
int yh_phone_normalize(char *out, size_t outsz, const char *in, yh_err *err);

/*
 * Normalises a person's name: valid UTF-8 without control characters;
 * trims ASCII whitespace and U+3000 at both ends; maps look-alike dots
 * (. • ・ ． ‧ ･ ⋅) to the 间隔号 U+00B7; NFC. Accepts CJK unified
 * ideographs (incl. Ext A-I), 〇, Latin letters (incl. accented pinyin),
 * '·' between parts and a single space between Latin letters;
 * 1..YH_NAME_MAX_CHARS characters. Field "name".
 * Returns 0, YH_EINVAL, or YH_EINTERNAL if outsz is too small or memory
 * runs out (YH_NAME_BUFSZ always suffices).
 */
int yh_name_normalize(char *out, size_t outsz, const char *in, yh_err *err);

/* Today's date in local time (the only clock read in this module). */
void yh_date_today(int *y, int *m, int *d);

/*
 * Parses a strict "YYYY-MM-DD" (exactly 10 characters, real date with
 * 1 <= year <= 9999, leap years honoured) into year, month, day.
 * Named _ymd because calendar.h owns yh_date_parse() (day numbers); use
 * that one when a yh_date is wanted.
 * Returns 0 or YH_EINVAL (outputs untouched); err->field is field
 * ("date" when NULL).
 */
int yh_date_parse_ymd(const char *s, int *y, int *m, int *d, yh_err *err,
		      const char *field);

/*
 * Checks free text: valid UTF-8, no control characters except '\n' and
 * '\t', at most max_chars characters (code points). NULL is rejected; ""
 * is fine. Returns 0 or YH_EINVAL.
 */
int yh_text_check(const char *s, size_t max_chars, const char *field,
		  yh_err *err);

/*
 * Checks a canonical lowercase UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
 * Returns 0 or YH_EINVAL.
 */
int yh_uuid_check(const char *s, const char *field, yh_err *err);

#endif
