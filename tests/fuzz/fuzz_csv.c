/*
 * fuzz_csv.c - an import file end to end: encoding detection, conversion to
 * UTF-8 (as detected, and forced through the GBK/GB18030 path), the CSV
 * reader over the result (and over the raw bytes), and conversion back out
 * to GBK and GB18030 as bank exports do.
 *
 * Invariants: converted text is strict UTF-8; UTF-8 input comes through
 * unchanged; every record re-serialised with quotes parses back to the same
 * records; reader errors are sticky; UTF-8 -> GB18030 -> UTF-8 and
 * UTF-8 -> GBK -> UTF-8 give the text back or refuse it with a message
 * naming the character (GB18030 only for a private-use one);
 * yh_encoding_gbk_can_carry agrees with the GBK conversion.
 */
#include <string.h>

#include "fuzz.h"
#include "yinhui/csv.h"
#include "yinhui/encoding.h"

/* A growable byte buffer for the re-serialised records. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		FUZZ_CHECK(np != NULL, "oom");
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Every field quoted, so blank records and edge spaces survive. */
static void put_record(sbuf *b, const char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i], *q;

		put(b, i ? ",\"" : "\"", i ? 2 : 1);
		while ((q = strchr(f, '"')) != NULL) {
			put(b, f, (size_t)(q - f) + 1);
			put(b, "\"", 1);
			f = q + 1;
		}
		put(b, f, strlen(f));
		put(b, "\"", 1);
	}
	put(b, "\r\n", 2);
}

/*
 * Reads every record of text into *out (re-serialised). Returns the final
 * yh_csv_next() result: 0 at a clean end, or the sticky error.
 */
static int read_all(const char *text, size_t len, sbuf *out, size_t *nrec)
{
	yh_csv_reader *r = NULL;
	const char **fields;
	size_t n, lastline = 0;
	yh_err err, again;
	int rc, rc2;

	*nrec = 0;
	FUZZ_CHECK(yh_csv_reader_new(&r, text, len) == 0, "reader_new");
	yh_err_clear(&err);
	while ((rc = yh_csv_next(r, &fields, &n, &err)) == 1) {
		FUZZ_CHECK(n >= 1 && n <= YH_CSV_MAX_FIELDS, "record with %zu fields", n);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strlen(fields[i]) <= YH_CSV_MAX_FIELD_BYTES, "field too long");
		FUZZ_CHECK(yh_csv_line(r) >= 1 && yh_csv_line(r) > lastline, "line %zu after %zu",
			   yh_csv_line(r), lastline);
		lastline = yh_csv_line(r);
		put_record(out, fields, n);
		(*nrec)++;
		FUZZ_CHECK(*nrec <= len, "more records than bytes");
	}
	if (rc < 0) {
		FUZZ_CHECK(rc == YH_EINVAL || rc == YH_ETOOBIG, "csv code %d", rc);
		FUZZ_CHECK(err.code == rc && err.msg[0] != '\0', "csv error without message");
		yh_err_clear(&again);
		rc2 = yh_csv_next(r, &fields, &n, &again);
		FUZZ_CHECK(rc2 == rc && n == 0 && strcmp(again.msg, err.msg) == 0, "error not sticky");
	} else {
		FUZZ_CHECK(rc == 0, "csv_next returned %d", rc);
		FUZZ_CHECK(yh_csv_next(r, &fields, &n, &err) == 0, "end not sticky");
	}
	yh_csv_reader_free(r);
	return rc;
}

static void check_csv(const char *text, size_t len)
{
	sbuf first = { 0 }, second = { 0 };
	size_t n1, n2;
	int rc;

	read_all(text, len, &first, &n1);
	/* the records read so far are well-formed; quoted they read back the same */
	if (n1 > 0) {
		rc = read_all(first.p, first.len, &second, &n2);
		FUZZ_CHECK(rc == 0 && n2 == n1 && second.len == first.len &&
			   memcmp(first.p, second.p, first.len) == 0,
			   "records do not survive re-serialisation (%zu vs %zu)", n1, n2);
	}
	free(first.p);
	free(second.p);
}

/* UTF-8 -> enc -> UTF-8 must give text back (less a leading U+FEFF, read as a BOM). */
static void check_roundtrip(const char *utf8, size_t len, int enc)
{
	char *out = NULL, *back = NULL;
	size_t outlen = 0, backlen = 0, skip = 0;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_encoding_from_utf8(&out, &outlen, utf8, len, enc, &err);
	if (enc == YH_ENC_GBK && memchr(utf8, '\0', len) == NULL)
		FUZZ_CHECK((rc == 0) == (yh_encoding_gbk_can_carry(utf8) == 1),
			   "gbk_can_carry disagrees with the GBK conversion (rc %d)", rc);
	if (rc != 0) {
		const char *u = strstr(err.msg, "(U+");
		unsigned long cp = u ? strtoul(u + 3, NULL, 16) : 0;

		/*
		 * GBK carries only part of Unicode. GB18030 carries all of it except,
		 * with the GB18030-2022 tables of Debian 12's glibc, 24 private-use
		 * code points whose GB18030-2005 codes now mean standard characters.
		 */
		FUZZ_CHECK(out == NULL && rc == YH_EINVAL &&
			   (enc == YH_ENC_GBK || (enc == YH_ENC_GB18030 && cp >= 0xE000 && cp <= 0xF8FF)),
			   "%s refused valid UTF-8: %d %s", yh_encoding_name(enc), rc, err.msg);
		FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err.msg, strlen(err.msg)) == strlen(err.msg),
			   "message is not valid UTF-8");
		return;
	}
	if (enc == YH_ENC_UTF8_BOM)
		FUZZ_CHECK(outlen == len + 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0 &&
			   memcmp(out + 3, utf8, len) == 0, "utf-8-bom output");
	rc = yh_encoding_to_utf8(&back, &backlen, out, outlen, enc, &err);
	/* a UTF-16 BOM look-alike at the start is refused on the way in, by design */
	if (rc != 0 && outlen >= 2 &&
	    ((unsigned char)out[0] == 0xFF || (unsigned char)out[0] == 0xFE))
		goto done;
	FUZZ_CHECK(rc == 0, "%s output does not read back: %s", yh_encoding_name(enc), err.msg);
	if (len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0 && enc != YH_ENC_UTF8_BOM)
		skip = 3;
	FUZZ_CHECK(backlen == len - skip && memcmp(back, utf8 + skip, backlen) == 0,
		   "%s round trip changed the text (%zu -> %zu bytes)", yh_encoding_name(enc), len,
		   backlen);
done:
	free(out);
	free(back);
}

/* One conversion into UTF-8, then everything downstream of it. */
static void convert_and_read(const char *buf, size_t len, int enc)
{
	char *text = NULL;
	size_t tlen = 0;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_encoding_to_utf8(&text, &tlen, buf, len, enc, &err);
	if (rc != 0) {
		FUZZ_CHECK(text == NULL && rc == YH_EINVAL, "to_utf8 code %d: %s", rc, err.msg);
		FUZZ_CHECK(yh_encoding_utf8_valid_prefix(err.msg, strlen(err.msg)) == strlen(err.msg),
			   "message is not valid UTF-8");
		/* what the detector calls UTF-8 must convert */
		FUZZ_CHECK(enc != YH_ENC_UTF8 || yh_encoding_detect(buf, len) != YH_ENC_UTF8 ||
			   (len >= 2 && ((unsigned char)buf[0] & 0xFE) == 0xFE),
			   "detected UTF-8 refused: %s", err.msg);
		return;
	}
	FUZZ_CHECK(text[tlen] == '\0', "not NUL-terminated");
	FUZZ_CHECK(yh_encoding_utf8_valid_prefix(text, tlen) == tlen, "%s output is not UTF-8",
		   yh_encoding_name(enc));
	if (enc == YH_ENC_UTF8) {
		size_t skip = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;

		FUZZ_CHECK(tlen == len - skip && memcmp(text, buf + skip, tlen) == 0,
			   "UTF-8 input changed");
	}
	check_csv(text, tlen);
	check_roundtrip(text, tlen, YH_ENC_GB18030);
	check_roundtrip(text, tlen, YH_ENC_GBK);
	check_roundtrip(text, tlen, YH_ENC_UTF8_BOM);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	int enc = yh_encoding_detect(buf, size);

	FUZZ_CHECK(enc == YH_ENC_UTF8 || enc == YH_ENC_UTF8_BOM || enc == YH_ENC_GB18030,
		   "detect gave %d", enc);
	FUZZ_CHECK(enc != YH_ENC_UTF8_BOM || (size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0),
		   "BOM detected without a BOM");
	/* the reader must survive any bytes, even unconverted ones */
	check_csv(buf, size);
	convert_and_read(buf, size, enc == YH_ENC_UTF8_BOM ? YH_ENC_UTF8 : enc);
	/* and the GBK/GB18030 path whatever the detector said */
	if (enc != YH_ENC_GB18030)
		convert_and_read(buf, size, YH_ENC_GB18030);
	return 0;
}
