/*
 * encoding.h - text encodings at Yinhui's file boundary.
 *
 * Everything inside Yinhui is UTF-8. Files arrive as UTF-8 (with or without
 * the BOM Excel writes) or as GBK/GB18030 (what Chinese Excel and bank tools
 * save), and bank files often must leave as GBK. Conversion uses glibc iconv.
 */
#ifndef YH_ENCODING_H
#define YH_ENCODING_H

#include <stddef.h>

#include "yinhui/error.h"

/* Encoding ids: positive, so they never collide with a negative yh_code. */
enum {
	YH_ENC_UTF8 = 1,     /* UTF-8, no BOM written */
	YH_ENC_UTF8_BOM = 2, /* UTF-8 with EF BB BF (Excel needs it to see UTF-8) */
	YH_ENC_GB18030 = 3,  /* GB18030, a superset of GBK and GB2312 */
	YH_ENC_GBK = 4       /* strict GBK (CP936) for output; read as GB18030 */
};

/* Direction for yh_encoding_from_name(). */
enum {
	YH_ENC_FOR_INPUT = 0,
	YH_ENC_FOR_OUTPUT = 1
};

/*
 * Guesses the encoding of buf: YH_ENC_UTF8_BOM when it starts with a UTF-8
 * BOM, YH_ENC_UTF8 when it is valid UTF-8 (strict: no overlongs, surrogates
 * or code points above U+10FFFF; pure ASCII counts), else YH_ENC_GB18030.
 * A very short GBK text can happen to be valid UTF-8; real files do not.
 */
int yh_encoding_detect(const char *buf, size_t len);

/*
 * Length of the longest prefix of s[0..len) that is strict UTF-8 made of
 * whole characters; equals len when all of s is valid.
 */
size_t yh_encoding_utf8_valid_prefix(const char *s, size_t len);

/*
 * Maps an encoding name (case-insensitive) to an id in *out.
 * Input:  "utf-8"/"utf8" -> UTF8, "utf-8-bom"/"utf-8-sig" -> UTF8_BOM,
 *         "gbk"/"gb2312"/"gb18030"/"cp936" -> GB18030 (the superset reads all).
 * Output: "utf-8"/"utf8" -> UTF8, "utf-8-bom"/"utf-8-sig" -> UTF8_BOM,
 *         "gbk"/"gb2312"/"cp936" -> GBK, "gb18030" -> GB18030.
 * Returns 0, or YH_EINVAL (field "encoding") for an unknown name.
 */
int yh_encoding_from_name(int *out, const char *name, int direction, yh_err *err);

/* Lowercase canonical name of an id ("utf-8", "utf-8-bom", "gb18030", "gbk"). */
const char *yh_encoding_name(int enc);

/*
 * Converts buf[0..len) in encoding enc to UTF-8. A leading BOM (UTF-8, or
 * GB18030's 84 31 95 33) is dropped. YH_ENC_GBK is read as GB18030.
 * On success *out is a NUL-terminated heap buffer the caller frees with
 * free(), and *outlen its length without the NUL.
 * Returns 0; YH_EINVAL (field "encoding") for an invalid or truncated byte
 * sequence, naming its byte offset and 1-based line, or for UTF-16 input;
 * YH_EINTERNAL when iconv or memory fails. On failure *out is NULL.
 */
int yh_encoding_to_utf8(char **out, size_t *outlen, const char *buf, size_t len, int enc,
			yh_err *err);

/*
 * Converts UTF-8 text to enc (YH_ENC_UTF8_BOM prepends the BOM). For GBK the
 * conversion is strict: a character GBK cannot carry is not replaced but
 * reported, because banks reject such files.
 * On success *out is a NUL-terminated heap buffer the caller frees, *outlen
 * its length without the NUL. Returns 0; YH_EINVAL (field "encoding") for
 * invalid UTF-8 input or an unencodable character (the message names the
 * character, its code point and byte offset); YH_EINTERNAL otherwise.
 * On failure *out is NULL.
 */
int yh_encoding_from_utf8(char **out, size_t *outlen, const char *utf8, size_t len, int enc,
			  yh_err *err);

/*
 * 1 when every character of the NUL-terminated UTF-8 string can be written
 * in GBK (use it to flag 户名 before a bank export), 0 when one cannot or
 * the string is not valid UTF-8.
 */
int yh_encoding_gbk_can_carry(const char *utf8);

#endif
