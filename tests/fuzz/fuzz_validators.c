/*
 * fuzz_validators.c - one input string through every text validator:
 * 身份证 numbers, phones, names, free text, dates, yuan amounts, UUIDs.
 *
 * Invariants: normalisers are idempotent (a normalised ID number, phone or
 * name validates to itself); an ID number's check digit, birth date and
 * sex agree with the number; the two date parsers (validate.h and
 * calendar.h) agree; a parsed amount formats back to text that parses to
 * the same fen; an output buffer of exactly the needed size works and one
 * byte less is refused, never overrun; messages are one line of valid UTF-8.
 */
#include <string.h>

#include "fuzz.h"
#include "yinhui/calendar.h"
#include "yinhui/encoding.h"
#include "yinhui/money.h"
#include "yinhui/validate.h"

static void check_err(const yh_err *err, int rc)
{
	size_t len = strnlen(err->msg, sizeof(err->msg));

	FUZZ_CHECK(err->code == rc, "err code %d but rc %d", err->code, rc);
	FUZZ_CHECK(len > 0 && len < sizeof(err->msg), "empty or unterminated message");
	FUZZ_CHECK(strpbrk(err->msg, "\r\n") == NULL, "message has a line break: %s", err->msg);
	FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err->msg, len) == len,
		   "message is not valid UTF-8: %s", err->msg);
}

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void fuzz_idno(const char *s)
{
	char out[YH_IDNO_BUFSZ], again[YH_IDNO_BUFSZ], masked[YH_IDNO_BUFSZ];
	yh_err err;
	int rc, y = 0, m = 0, d = 0, ty, tm, td;
	size_t len = strlen(s);

	yh_err_clear(&err);
	rc = yh_idno_normalize(out, s, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "idno code %d", rc);
		check_err(&err, rc);
		/* what is refused today was refused on any earlier day too */
		rc = yh_idno_normalize_asof(again, s, 2000, 1, 1, &err);
		FUZZ_CHECK(rc == YH_EINVAL, "idno '%s' valid in 2000 but not today", s);
		return;
	}
	FUZZ_CHECK(strlen(out) == 18 && is_digits(out, 17) && (is_digits(out + 17, 1) || out[17] == 'X'),
		   "idno '%s' -> malformed '%s'", s, out);
	FUZZ_CHECK(len == 18 || len == 15, "idno of length %zu accepted", len);
	if (len == 18)
		for (size_t i = 0; i < 18; i++)
			FUZZ_CHECK(out[i] == (s[i] == 'x' ? 'X' : s[i]), "idno '%s' changed to '%s'", s, out);
	else
		FUZZ_CHECK(memcmp(out, s, 6) == 0 && memcmp(out + 6, "19", 2) == 0 &&
			   memcmp(out + 8, s + 6, 9) == 0, "15-digit '%s' upgraded to '%s'", s, out);
	FUZZ_CHECK(yh_idno_check_digit(out) == out[17], "check digit of %s", out);
	rc = yh_idno_normalize(again, out, &err);
	FUZZ_CHECK(rc == 0 && strcmp(again, out) == 0, "idno %s not idempotent", out);
	FUZZ_CHECK(yh_idno_normalize_asof(again, out, 9999, 12, 31, &err) == 0,
		   "idno %s valid today but not in 9999", out);
	FUZZ_CHECK(yh_idno_birth(out, &y, &m, &d) == 0 && yh_date_valid_ymd(y, m, d),
		   "birth of %s", out);
	yh_date_today(&ty, &tm, &td);
	FUZZ_CHECK(y * 10000 + m * 100 + d >= 19000101 && y * 10000 + m * 100 + d <= ty * 10000 + tm * 100 + td,
		   "birth %04d-%02d-%02d of %s out of range", y, m, d, out);
	FUZZ_CHECK(yh_idno_gender(out) == (((out[16] - '0') % 2) ? 'M' : 'F'), "sex of %s", out);
	yh_idno_mask(masked, out);
	FUZZ_CHECK(memcmp(masked, out, 6) == 0 && memcmp(masked + 6, "********", 8) == 0 &&
		   memcmp(masked + 14, out + 14, 4) == 0 && masked[18] == '\0', "mask of %s", out);
}

static void fuzz_phone(const char *s)
{
	char out[YH_PHONE_BUFSZ], again[YH_PHONE_BUFSZ], *exact = NULL;
	yh_err err;
	size_t n;
	int rc;

	yh_err_clear(&err);
	rc = yh_phone_normalize(out, sizeof(out), s, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "phone '%s': code %d: %s", s, rc, err.msg);
		check_err(&err, rc);
		return;
	}
	n = strlen(out);
	FUZZ_CHECK(n >= 11 && strspn(out, "0123456789-") == n, "phone '%s' -> '%s'", s, out);
	if (out[0] == '1')
		FUZZ_CHECK(n == 11 && out[1] >= '3', "mobile '%s' -> '%s'", s, out);
	else
		FUZZ_CHECK(out[0] == '0' && strchr(out, '-') != NULL, "landline '%s' -> '%s'", s, out);
	rc = yh_phone_normalize(again, sizeof(again), out, &err);
	FUZZ_CHECK(rc == 0 && strcmp(again, out) == 0, "phone '%s' -> '%s' not idempotent", s, out);
	/* exact-size heap buffers: ASan sees any byte written past them */
	exact = malloc(n + 1);
	FUZZ_CHECK(exact != NULL, "oom");
	FUZZ_CHECK(yh_phone_normalize(exact, n + 1, s, &err) == 0 && strcmp(exact, out) == 0,
		   "phone into exact buffer");
	FUZZ_CHECK(yh_phone_normalize(exact, n, s, &err) == YH_EINTERNAL, "phone into short buffer");
	free(exact);
}

static void fuzz_name(const char *s)
{
	char out[YH_NAME_BUFSZ], again[YH_NAME_BUFSZ], *exact = NULL;
	yh_err err;
	size_t n;
	int rc;

	yh_err_clear(&err);
	rc = yh_name_normalize(out, sizeof(out), s, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "name: code %d: %s", rc, err.msg);
		check_err(&err, rc);
		return;
	}
	n = strlen(out);
	FUZZ_CHECK(n > 0 && yh_encoding_utf8_valid_prefix(out, n) == n, "name output not UTF-8");
	FUZZ_CHECK(out[0] != ' ' && out[n - 1] != ' ', "name '%s' not trimmed", out);
	FUZZ_CHECK(yh_text_check(out, YH_NAME_MAX_CHARS, "name", &err) == 0,
		   "name '%s' fails the text check: %s", out, err.msg);
	rc = yh_name_normalize(again, sizeof(again), out, &err);
	FUZZ_CHECK(rc == 0 && strcmp(again, out) == 0, "name '%s' not idempotent (%d '%s')", out, rc,
		   rc == 0 ? again : err.msg);
	exact = malloc(n + 1);
	FUZZ_CHECK(exact != NULL, "oom");
	FUZZ_CHECK(yh_name_normalize(exact, n + 1, s, &err) == 0 && strcmp(exact, out) == 0,
		   "name into exact buffer");
	FUZZ_CHECK(yh_name_normalize(exact, n, s, &err) == YH_EINTERNAL, "name into short buffer");
	free(exact);
	(void)yh_encoding_gbk_can_carry(out);
}

static void fuzz_text(const char *s, size_t max)
{
	size_t len = strlen(s);
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_text_check(s, max, "note", &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "text code %d", rc);
		check_err(&err, rc);
		return;
	}
	/* two independent UTF-8 validators must agree */
	FUZZ_CHECK(yh_encoding_utf8_valid_prefix(s, len) == len, "text check passed invalid UTF-8");
	FUZZ_CHECK(yh_text_check(s, max + 1, "note", &err) == 0, "text limit not monotonic");
}

static void fuzz_date(const char *s)
{
	int y = 0, m = 0, d = 0, y2 = 0, m2 = 0, d2 = 0;
	char buf[YH_DATE_BUFSZ];
	yh_date dt = 0;
	yh_err err, err2;
	int rc, rc2;

	yh_err_clear(&err);
	yh_err_clear(&err2);
	rc = yh_date_parse_ymd(s, &y, &m, &d, &err, "birth_date");
	rc2 = yh_date_parse(&dt, s, &err2);
	FUZZ_CHECK(rc == rc2, "date parsers disagree on '%s': %d vs %d", s, rc, rc2);
	if (rc != 0) {
		check_err(&err, rc);
		check_err(&err2, rc2);
		FUZZ_CHECK(strcmp(err.field, "birth_date") == 0, "date error field %s", err.field);
		return;
	}
	yh_date_to_ymd(dt, &y2, &m2, &d2);
	FUZZ_CHECK(y == y2 && m == m2 && d == d2, "date '%s': %d-%d-%d vs %d-%d-%d", s, y, m, d, y2,
		   m2, d2);
	FUZZ_CHECK(yh_date_format(buf, sizeof(buf), dt, &err) == 0 && strcmp(buf, s) == 0,
		   "date '%s' formats as '%s'", s, buf);
}

static void fuzz_money(const char *s)
{
	char buf[32];
	int64_t fen = -1, neg = 0, again = -1;
	yh_err err;
	int rc, rcn;

	yh_err_clear(&err);
	rcn = yh_money_parse_yuan_ex(&neg, s, YH_MONEY_ALLOW_NEGATIVE, "amount", &err);
	if (rcn != 0) {
		FUZZ_CHECK(rcn == YH_EINVAL, "money code %d", rcn);
		check_err(&err, rcn);
	} else {
		FUZZ_CHECK(neg >= -YH_MONEY_MAX_FEN && neg <= YH_MONEY_MAX_FEN, "fen %lld out of range",
			   (long long)neg);
		yh_money_format_yuan(buf, neg);
		FUZZ_CHECK(yh_money_parse_yuan_ex(&again, buf, YH_MONEY_ALLOW_NEGATIVE, "x", &err) == 0 &&
			   again == neg, "'%s' -> %lld -> '%s' -> %lld", s, (long long)neg, buf,
			   (long long)again);
		yh_money_format_wan(buf, neg);
		FUZZ_CHECK(strcmp(buf, "-0.00") != 0, "wan of %lld is -0.00", (long long)neg);
	}
	rc = yh_money_parse_yuan(&fen, s, "amount", &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == YH_EINVAL, "money code %d", rc);
		check_err(&err, rc);
		FUZZ_CHECK(rcn != 0 || s[0] == '-', "'%s' refused only without a minus", s);
		return;
	}
	FUZZ_CHECK(rcn == 0 && neg == fen && fen >= 0, "'%s': %lld vs %lld", s, (long long)fen,
		   (long long)neg);
}

static void fuzz_uuid(const char *s)
{
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_uuid_check(s, "unit_id", &err);
	if (rc != 0)
		check_err(&err, rc);
	else
		FUZZ_CHECK(strlen(s) == 36, "uuid '%s'", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	/* the C API sees NUL-terminated text; an embedded NUL simply ends it */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_idno(s);
	fuzz_phone(s);
	fuzz_name(s);
	fuzz_text(s, 2000);
	fuzz_text(s, size ? data[0] % 16 : 0);
	fuzz_date(s);
	fuzz_money(s);
	fuzz_uuid(s);
	free(s);
	return 0;
}
