/*
 * money.h - exact money, rate and score arithmetic.
 *
 * Money is always int64 fen (1 yuan = 100 fen, 1 万元 = 1,000,000 fen);
 * nothing here touches floating point. Rounding is half-up, away from zero
 * for negatives (the ROUND_HALF_UP the self-evaluation reports use), and is
 * computed exactly with 128-bit intermediates.
 */
#ifndef YH_MONEY_H
#define YH_MONEY_H

#include <stdint.h>

#include "yinhui/error.h"

/* Largest accepted magnitude: 9e15 fen = 90 万亿 yuan, far above any budget. */
#define YH_MONEY_MAX_FEN INT64_C(9000000000000000)

/* Flags for yh_money_parse_yuan_ex(). */
#define YH_MONEY_ALLOW_NEGATIVE 0x1u

/* yh_rate_percent() result when the denominator is zero: "not applicable". */
#define YH_RATE_NA 1

/*
 * Parses a yuan amount ("123", "123.4", "123.45") into fen. Negative amounts
 * are rejected (use the _ex variant for corrections/reversals). Rejects empty
 * input, signs other than a leading '-', spaces, thousands separators,
 * exponents, a bare '.', more than 2 decimals and |amount| > YH_MONEY_MAX_FEN.
 * On failure *out_fen is untouched and err names field.
 * Returns 0 or YH_EINVAL.
 */
int yh_money_parse_yuan(int64_t *out_fen, const char *s, const char *field,
			yh_err *err);

/* As yh_money_parse_yuan(); flags may include YH_MONEY_ALLOW_NEGATIVE. */
int yh_money_parse_yuan_ex(int64_t *out_fen, const char *s, unsigned flags,
			   const char *field, yh_err *err);

/* Writes fen as yuan with 2 decimals: 789060 -> "7890.60", -85 -> "-0.85". */
void yh_money_format_yuan(char out[32], int64_t fen);

/*
 * Writes fen as 万元 with 2 decimals, half-up: 60120000 fen -> "60.12".
 * A value that rounds to zero prints "0.00" (never "-0.00").
 */
void yh_money_format_wan(char out[32], int64_t fen);

/*
 * *out = a * b / c rounded half-up (away from zero), computed exactly.
 * For per-line amounts such as rate x base (党费 = base * 5 / 1000).
 * Returns 0, YH_EINVAL when c == 0, YH_ETOOBIG when the result exceeds
 * int64; *out is only written on success.
 */
int yh_money_muldiv(int64_t *out, int64_t a, int64_t b, int64_t c);

/*
 * Percentage num/den*100 with 2 decimals, as an integer of hundredths of a
 * percent, half-up: (10031, 55460) -> 1859 meaning 18.59 %.
 * Returns 0 on success; YH_RATE_NA (1) when den == 0 (the indicator is not
 * applicable; *out untouched); YH_ETOOBIG if the result exceeds int64.
 */
int yh_rate_percent(int64_t num, int64_t den, int64_t *out_centi_pct);

/*
 * Writes hundredths as a decimal with 2 places: 1859 -> "18.59",
 * -10000 -> "-100.00". Values needing more than 15 characters are written
 * as "overflow".
 */
void yh_rate_format(char out[16], int64_t centi);

/*
 * 正向 indicator score: min(actual/target, 1) * weight, all in hundredths,
 * half-up. actual >= target (including target 0) scores the full weight.
 * Returns 0, or YH_EINVAL if any input is negative (*out untouched).
 */
int yh_score_positive(int64_t actual_x100, int64_t target_x100,
		      int64_t weight_x100, int64_t *out_x100);

/*
 * 反向 indicator score: weight if actual <= target, else
 * target/actual * weight, in hundredths, half-up.
 * Returns 0, or YH_EINVAL if any input is negative (*out untouched).
 */
int yh_score_reverse(int64_t actual_x100, int64_t target_x100,
		     int64_t weight_x100, int64_t *out_x100);

/*
 * Grade band of a total score in hundredths: "优" >= 90, "良" >= 80,
 * "中" >= 60, else "差" (lower bounds inclusive). Returns a static UTF-8
 * string; the caller does not free it.
 */
const char *yh_grade(int64_t score_x100);

#endif
