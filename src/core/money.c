#include "yinhui/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* gcc/clang extension; __extension__ keeps -pedantic builds quiet */
__extension__ typedef __int128 i128;

/* Largest integer-yuan part that can still fit in YH_MONEY_MAX_FEN. */
#define MAX_YUAN (YH_MONEY_MAX_FEN / 100)

/* Shown in messages: enough to recognise the input, never a huge blob. */
#define SHOW "%.40s"

/* Magnitude of v; safe for INT64_MIN. */
static uint64_t mag64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* q = n / d rounded half-up away from zero; d != 0. */
static i128 div_half_up(i128 n, i128 d)
{
	i128 q = n / d;
	i128 r = n % d;
	i128 ar = r < 0 ? -r : r;
	i128 ad = d < 0 ? -d : d;

	if (2 * ar >= ad)
		q += ((n < 0) != (d < 0)) ? -1 : 1;
	return q;
}

int yh_money_muldiv(int64_t *out, int64_t a, int64_t b, int64_t c)
{
	i128 q;

	if (c == 0)
		return YH_EINVAL;
	/* |a*b| < 2^126 so the product cannot overflow i128 */
	q = div_half_up((i128)a * (i128)b, (i128)c);
	if (q > (i128)INT64_MAX || q < (i128)INT64_MIN)
		return YH_ETOOBIG;
	*out = (int64_t)q;
	return 0;
}

/* Names the first offending character so the user sees what to fix. */
static int reject_char(const char *s, char c, const char *field, yh_err *err)
{
	if (c == ' ' || c == '\t')
		return yh_err_set(err, YH_EINVAL, field,
				  "amount '" SHOW "' contains a space", s);
	if (c == ',')
		return yh_err_set(err, YH_EINVAL, field,
				  "amount '" SHOW "' has a thousands separator; write digits only", s);
	if (c == 'e' || c == 'E')
		return yh_err_set(err, YH_EINVAL, field,
				  "amount '" SHOW "' uses exponent notation; write plain digits", s);
	if (c == '+')
		return yh_err_set(err, YH_EINVAL, field,
				  "amount '" SHOW "' has a '+' sign; write digits only", s);
	return yh_err_set(err, YH_EINVAL, field,
			  "amount '" SHOW "' is not a yuan amount like 123.45", s);
}

int yh_money_parse_yuan_ex(int64_t *out_fen, const char *s, unsigned flags,
			   const char *field, yh_err *err)
{
	const char *p = s;
	int neg = 0;
	int64_t yuan = 0;
	int64_t frac = 0;
	int ndec = 0;
	int64_t fen;

	if (s == NULL || *s == '\0')
		return yh_err_set(err, YH_EINVAL, field, "amount is required");
	if (*p == '-') {
		if (!(flags & YH_MONEY_ALLOW_NEGATIVE))
			return yh_err_set(err, YH_EINVAL, field,
					  "amount '" SHOW "' must not be negative", s);
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9') {
		if (*p == '.')
			return yh_err_set(err, YH_EINVAL, field,
					  "amount '" SHOW "' needs a digit before the decimal point", s);
		return reject_char(s, *p, field, err);
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		yuan = yuan * 10 + (*p - '0');
		/* stop early: leading zeros keep yuan small, real digits overflow here */
		if (yuan > MAX_YUAN)
			return yh_err_set(err, YH_EINVAL, field,
					  "amount '" SHOW "' is too large", s);
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			ndec++;
			if (ndec <= 2)
				frac = frac * 10 + (*p - '0');
		}
		if (ndec == 0)
			return yh_err_set(err, YH_EINVAL, field,
					  "amount '" SHOW "' needs digits after the decimal point", s);
		if (ndec > 2)
			return yh_err_set(err, YH_EINVAL, field,
					  "amount '" SHOW "' has %d decimal places; at most 2 (fen) are allowed",
					  s, ndec);
		if (ndec == 1)
			frac *= 10;
	}
	if (*p != '\0')
		return reject_char(s, *p, field, err);
	fen = yuan * 100 + frac;
	if (fen > YH_MONEY_MAX_FEN)
		return yh_err_set(err, YH_EINVAL, field,
				  "amount '" SHOW "' is too large", s);
	*out_fen = neg ? -fen : fen;
	return 0;
}

int yh_money_parse_yuan(int64_t *out_fen, const char *s, const char *field,
			yh_err *err)
{
	return yh_money_parse_yuan_ex(out_fen, s, 0, field, err);
}

/* "[-]units.hh" from a value in hundredths; size is at least 32. */
static void format_hundredths(char *out, size_t size, int64_t v)
{
	uint64_t m = mag64(v);

	snprintf(out, size, "%s%" PRIu64 ".%02u", v < 0 ? "-" : "",
		 m / 100, (unsigned)(m % 100));
}

void yh_money_format_yuan(char out[32], int64_t fen)
{
	format_hundredths(out, 32, fen);
}

void yh_money_format_wan(char out[32], int64_t fen)
{
	/* 1 万元 = 1,000,000 fen, so hundredths of 万元 = fen / 10,000 */
	i128 w = div_half_up((i128)fen, 10000);

	format_hundredths(out, 32, (int64_t)w);
}

int yh_rate_percent(int64_t num, int64_t den, int64_t *out_centi_pct)
{
	if (den == 0)
		return YH_RATE_NA;
	/* percent (x100) with 2 decimals (x100) */
	return yh_money_muldiv(out_centi_pct, num, 10000, den);
}

void yh_rate_format(char out[16], int64_t centi)
{
	char buf[32];

	format_hundredths(buf, sizeof(buf), centi);
	if (strlen(buf) >= 16) {
		snprintf(out, 16, "overflow");
		return;
	}
	memcpy(out, buf, strlen(buf) + 1);
}

int yh_score_positive(int64_t actual_x100, int64_t target_x100,
		      int64_t weight_x100, int64_t *out_x100)
{
	if (actual_x100 < 0 || target_x100 < 0 || weight_x100 < 0)
		return YH_EINVAL;
	if (actual_x100 >= target_x100) {
		*out_x100 = weight_x100;
		return 0;
	}
	/* here target > actual >= 0, so the division is defined */
	return yh_money_muldiv(out_x100, actual_x100, weight_x100, target_x100);
}

int yh_score_reverse(int64_t actual_x100, int64_t target_x100,
		     int64_t weight_x100, int64_t *out_x100)
{
	if (actual_x100 < 0 || target_x100 < 0 || weight_x100 < 0)
		return YH_EINVAL;
	if (actual_x100 <= target_x100) {
		*out_x100 = weight_x100;
		return 0;
	}
	/* here actual > target >= 0 */
	return yh_money_muldiv(out_x100, target_x100, weight_x100, actual_x100);
}

const char *yh_grade(int64_t score_x100)
{
	if (score_x100 >= 9000)
		return "优";
	if (score_x100 >= 8000)
		return "良";
	if (score_x100 >= 6000)
		return "中";
	return "差";
}
