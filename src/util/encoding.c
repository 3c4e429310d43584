/*
 * encoding.c - UTF-8 validation and GB18030/GBK conversion through glibc iconv.
 */
#include "yinhui/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char utf8_bom[3] = { '\xEF', '\xBB', '\xBF' };

static const struct enc_name {
	const char *name;
	int input;
	int output;
} enc_names[] = {
	{ "utf-8", YH_ENC_UTF8, YH_ENC_UTF8 },
	{ "utf8", YH_ENC_UTF8, YH_ENC_UTF8 },
	{ "utf-8-bom", YH_ENC_UTF8_BOM, YH_ENC_UTF8_BOM },
	{ "utf-8-sig", YH_ENC_UTF8_BOM, YH_ENC_UTF8_BOM },
	/* every GB flavour reads as GB18030 (a superset); output keeps GBK
	 * unless GB18030 is asked for by name, since banks want GBK */
	{ "gbk", YH_ENC_GB18030, YH_ENC_GBK },
	{ "gb2312", YH_ENC_GB18030, YH_ENC_GBK },
	{ "cp936", YH_ENC_GB18030, YH_ENC_GBK },
	{ "gb18030", YH_ENC_GB18030, YH_ENC_GB18030 },
};

size_t yh_encoding_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return i;
		}
		if (len - i < n || p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (k = 2; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
		}
		i += n;
	}
	return i;
}

int yh_encoding_detect(const char *buf, size_t len)
{
	if (len >= 3 && memcmp(buf, utf8_bom, 3) == 0)
		return YH_ENC_UTF8_BOM;
	if (yh_encoding_utf8_valid_prefix(buf, len) == len)
		return YH_ENC_UTF8;
	return YH_ENC_GB18030;
}

int yh_encoding_from_name(int *out, const char *name, int direction, yh_err *err)
{
	size_t i;

	*out = 0;
	if (name == NULL)
		return yh_err_set(err, YH_EINVAL, "encoding", "no encoding name given");
	for (i = 0; i < sizeof(enc_names) / sizeof(enc_names[0]); i++) {
		if (strcasecmp(name, enc_names[i].name) == 0) {
			*out = direction == YH_ENC_FOR_OUTPUT ? enc_names[i].output : enc_names[i].input;
			return 0;
		}
	}
	return yh_err_set(err, YH_EINVAL, "encoding",
			  "unknown encoding '%.64s' (use utf-8, utf-8-bom, gbk, gb2312 or gb18030)",
			  name);
}

const char *yh_encoding_name(int enc)
{
	switch (enc) {
	case YH_ENC_UTF8: return "utf-8";
	case YH_ENC_UTF8_BOM: return "utf-8-bom";
	case YH_ENC_GB18030: return "gb18030";
	case YH_ENC_GBK: return "gbk";
	default: return "unknown";
	}
}

static size_t line_of(const char *buf, size_t off)
{
	size_t line = 1;
	const char *p = buf, *end = buf + off, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		line++;
		p = nl + 1;
	}
	return line;
}

/*
 * Runs iconv over all of in. Returns 0; YH_EINVAL with *bad = offset of the
 * first byte iconv refused (invalid, unencodable or truncated); YH_EINTERNAL
 * when iconv cannot be opened or memory runs out.
 */
static int run_iconv(char **out, size_t *outlen, const char *to, const char *from, const char *in,
		     size_t inlen, size_t *bad)
{
	iconv_t cd = (iconv_t)-1;
	char *buf = NULL, *grown, *ip = (char *)in, *op;
	size_t cap, il = inlen, ol, used;
	int rc = 0;

	*out = NULL;
	*outlen = 0;
	*bad = 0;
	cd = iconv_open(to, from);
	if (cd == (iconv_t)-1) {
		rc = YH_EINTERNAL;
		goto done;
	}
	/* GB18030 -> UTF-8 grows at most 1.5x for Chinese text; E2BIG covers the rest */
	cap = inlen + inlen / 2 + 16;
	buf = malloc(cap);
	if (buf == NULL) {
		rc = YH_EINTERNAL;
		goto done;
	}
	op = buf;
	ol = cap - 1; /* keep room for the NUL */
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			used = (size_t)(op - buf);
			cap *= 2;
			grown = realloc(buf, cap);
			if (grown == NULL) {
				rc = YH_EINTERNAL;
				goto done;
			}
			buf = grown;
			op = buf + used;
			ol = cap - used - 1;
			continue;
		}
		if (errno == EILSEQ || errno == EINVAL) {
			*bad = (size_t)(ip - in);
			rc = YH_EINVAL;
		} else {
			rc = YH_EINTERNAL;
		}
		goto done;
	}
	*op = '\0';
	*outlen = (size_t)(op - buf);
	*out = buf;
	buf = NULL;
done:
	free(buf);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return rc;
}

static int copy_out(char **out, size_t *outlen, const char *prefix, size_t plen, const char *s,
		    size_t len, yh_err *err)
{
	char *buf = malloc(plen + len + 1);

	if (buf == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, s, len);
	buf[plen + len] = '\0';
	*out = buf;
	*outlen = plen + len;
	return 0;
}

int yh_encoding_to_utf8(char **out, size_t *outlen, const char *buf, size_t len, int enc,
			yh_err *err)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t skip = 0, bad = 0, valid;
	int rc;

	*out = NULL;
	*outlen = 0;
	/* Excel's "Unicode Text" is UTF-16; say so instead of reporting byte 0 */
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return yh_err_set(err, YH_EINVAL, "encoding",
				  "input is UTF-16 (Excel 'Unicode Text'); save it as CSV (UTF-8 or GBK)");
	switch (enc) {
	case YH_ENC_UTF8:
	case YH_ENC_UTF8_BOM:
		if (len >= 3 && memcmp(buf, utf8_bom, 3) == 0)
			skip = 3;
		valid = skip + yh_encoding_utf8_valid_prefix(buf + skip, len - skip);
		if (valid < len)
			return yh_err_set(err, YH_EINVAL, "encoding",
					  "invalid UTF-8 byte sequence at byte %zu (line %zu): 0x%02x",
					  valid, line_of(buf, valid), u[valid]);
		return copy_out(out, outlen, "", 0, buf + skip, len - skip, err);
	case YH_ENC_GB18030:
	case YH_ENC_GBK:
		rc = run_iconv(out, outlen, "UTF-8", "GB18030", buf, len, &bad);
		if (rc == YH_EINVAL) {
			if (bad + 1 < len)
				return yh_err_set(err, rc, "encoding",
						  "invalid GB18030 byte sequence at byte %zu (line %zu): 0x%02x 0x%02x",
						  bad, line_of(buf, bad), u[bad], u[bad + 1]);
			return yh_err_set(err, rc, "encoding",
					  "invalid or truncated GB18030 byte sequence at byte %zu (line %zu): 0x%02x",
					  bad, line_of(buf, bad), u[bad]);
		}
		if (rc < 0)
			return yh_err_set(err, rc, NULL, "iconv GB18030 -> UTF-8 failed");
		/* GB18030's own BOM (84 31 95 33) decodes to U+FEFF */
		if (*outlen >= 3 && memcmp(*out, utf8_bom, 3) == 0) {
			memmove(*out, *out + 3, *outlen - 3 + 1);
			*outlen -= 3;
		}
		return 0;
	default:
		return yh_err_set(err, YH_EINVAL, "encoding", "unknown encoding id %d", enc);
	}
}

/*
 * glibc's GBK writes U+20AC as the single byte 0x80 (a CP936 extension) that
 * no GB18030 reader, ours included, accepts; so it counts as unencodable.
 * Returns the byte offset of the first U+20AC in valid UTF-8, or len.
 */
static size_t gbk_euro_at(const char *utf8, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++)
		if (memcmp(utf8 + i, "\xE2\x82\xAC", 3) == 0)
			return i;
	return len;
}

/* Copies the UTF-8 character at s (valid UTF-8 assumed) into ch and returns its code point. */
static uint32_t utf8_char_at(const char *s, size_t len, char ch[5])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	uint32_t cp;
	size_t k;

	if (n > len)
		n = len;
	memcpy(ch, s, n);
	ch[n] = '\0';
	cp = n == 1 ? p[0] : n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
	for (k = 1; k < n; k++)
		cp = (cp << 6) | (p[k] & 0x3Fu);
	return cp;
}

int yh_encoding_from_utf8(char **out, size_t *outlen, const char *utf8, size_t len, int enc,
			  yh_err *err)
{
	size_t valid = yh_encoding_utf8_valid_prefix(utf8, len), bad = 0;
	const char *to;
	char ch[5];
	uint32_t cp;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (valid < len)
		return yh_err_set(err, YH_EINVAL, "encoding",
				  "invalid UTF-8 byte sequence at byte %zu: 0x%02x", valid,
				  (unsigned char)utf8[valid]);
	switch (enc) {
	case YH_ENC_UTF8:
		return copy_out(out, outlen, "", 0, utf8, len, err);
	case YH_ENC_UTF8_BOM:
		return copy_out(out, outlen, utf8_bom, 3, utf8, len, err);
	case YH_ENC_GBK:
		to = "GBK";
		break;
	case YH_ENC_GB18030:
		to = "GB18030";
		break;
	default:
		return yh_err_set(err, YH_EINVAL, "encoding", "unknown encoding id %d", enc);
	}
	rc = run_iconv(out, outlen, to, "UTF-8", utf8, len, &bad);
	if (rc == 0 && enc == YH_ENC_GBK && gbk_euro_at(utf8, len) < len) {
		bad = gbk_euro_at(utf8, len);
		free(*out);
		*out = NULL;
		*outlen = 0;
		rc = YH_EINVAL;
	}
	if (rc == YH_EINVAL) {
		cp = utf8_char_at(utf8 + bad, len - bad, ch);
		return yh_err_set(err, rc, "encoding",
				  "character '%s' (U+%04X) at byte %zu cannot be written in %s", ch,
				  (unsigned)cp, bad, yh_encoding_name(enc));
	}
	if (rc < 0)
		return yh_err_set(err, rc, NULL, "iconv UTF-8 -> %s failed", to);
	return 0;
}

int yh_encoding_gbk_can_carry(const char *utf8)
{
	size_t len = strlen(utf8), outlen = 0, bad = 0;
	char *out = NULL;
	int rc;

	if (yh_encoding_utf8_valid_prefix(utf8, len) != len)
		return 0;
	rc = run_iconv(&out, &outlen, "GBK", "UTF-8", utf8, len, &bad);
	free(out);
	return rc == 0 && gbk_euro_at(utf8, len) == len;
}
