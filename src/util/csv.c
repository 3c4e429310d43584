/*
 * csv.c - single-pass CSV reader over an in-memory UTF-8 buffer.
 *
 * Field bytes of one record are copied, unquoted, into one reusable buffer
 * (NUL after each field), so a record costs no allocation once the buffer
 * has grown to the widest record.
 */
#include "yinhui/csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yinhui/encoding.h"

struct yh_csv_reader {
	const char *buf;
	size_t len;
	size_t pos;
	char *owned;     /* converted text from yh_csv_read_file(), else NULL */
	size_t line;     /* physical line at pos */
	size_t rec_line; /* line where the last record began */
	char *data;      /* unquoted field bytes of the current record */
	size_t cap;
	size_t cur;      /* index of the field being parsed, for messages */
	int failed;      /* sticky error code, 0 while healthy */
	yh_err saved;    /* the error replayed after a failure */
	size_t offs[YH_CSV_MAX_FIELDS];
	const char *fields[YH_CSV_MAX_FIELDS];
};

/* bytes that end a run of plain field text, outside and inside quotes */
static const unsigned char stop_plain[256] = { [','] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1 };
static const unsigned char stop_quoted[256] = { ['"'] = 1, ['\n'] = 1, ['\r'] = 1, [0] = 1 };

int yh_csv_reader_new(yh_csv_reader **out, const char *buf, size_t len)
{
	yh_csv_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return YH_EINTERNAL;
	r->cap = 4096;
	r->data = malloc(r->cap);
	if (r->data == NULL) {
		free(r);
		return YH_EINTERNAL;
	}
	r->buf = buf;
	r->len = len;
	r->line = 1;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	*out = r;
	return 0;
}

void yh_csv_reader_free(yh_csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r->owned);
	free(r);
}

size_t yh_csv_line(const yh_csv_reader *r)
{
	return r->rec_line;
}

size_t yh_csv_cell_span(const char *cell, const char **begin)
{
	const char *b = cell, *e = cell + strlen(cell);

	for (;;) {
		if (*b == ' ' || *b == '\t')
			b++;
		else if (strncmp(b, "\xE3\x80\x80", 3) == 0)
			b += 3;
		else
			break;
	}
	for (;;) {
		if (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		else if (e - b >= 3 && strncmp(e - 3, "\xE3\x80\x80", 3) == 0)
			e -= 3;
		else
			break;
	}
	*begin = b;
	return (size_t)(e - b);
}

const char *yh_csv_cell_trim(char *out, size_t n, const char *cell)
{
	const char *b;
	size_t len = yh_csv_cell_span(cell, &b);

	snprintf(out, n, "%.*s", (int)len, b);
	return out;
}

/* Appends n bytes to the current field, keeping room for its NUL. */
static int append(yh_csv_reader *r, size_t *used, size_t fstart, const unsigned char *src, size_t n)
{
	size_t need = *used + n + 1, cap = r->cap;
	char *grown;

	if (*used - fstart + n > YH_CSV_MAX_FIELD_BYTES)
		return yh_err_set(&r->saved, YH_ETOOBIG, NULL, "line %zu: field %zu longer than %u bytes",
				  r->rec_line, r->cur + 1, YH_CSV_MAX_FIELD_BYTES);
	if (need > cap) {
		while (cap < need)
			cap *= 2;
		grown = realloc(r->data, cap);
		if (grown == NULL)
			return yh_err_set(&r->saved, YH_EINTERNAL, NULL, "out of memory");
		r->data = grown;
		r->cap = cap;
	}
	memcpy(r->data + *used, src, n);
	*used += n;
	return 0;
}

/* Reads one quoted field starting at the opening quote; *pos ends after the closing one. */
static int parse_quoted(yh_csv_reader *r, size_t *pos, size_t *used, size_t fstart)
{
	const unsigned char *b = (const unsigned char *)r->buf;
	size_t p = *pos + 1, start, qline = r->line;
	int rc;

	for (;;) {
		start = p;
		while (p < r->len && !stop_quoted[b[p]])
			p++;
		rc = append(r, used, fstart, b + start, p - start);
		if (rc < 0)
			return rc;
		if (p >= r->len)
			return yh_err_set(&r->saved, YH_EINVAL, NULL,
					  "line %zu: quoted field never closed", qline);
		if (b[p] == '"') {
			if (p + 1 < r->len && b[p + 1] == '"') {
				rc = append(r, used, fstart, b + p, 1);
				if (rc < 0)
					return rc;
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (b[p] == '\0')
			return yh_err_set(&r->saved, YH_EINVAL, NULL, "line %zu: NUL byte in field",
					  r->line);
		/* a line break inside quotes is data; keep it as written */
		start = p;
		p += (b[p] == '\r' && p + 1 < r->len && b[p + 1] == '\n') ? 2 : 1;
		rc = append(r, used, fstart, b + start, p - start);
		if (rc < 0)
			return rc;
		r->line++;
	}
	if (p < r->len && b[p] != ',' && b[p] != '\n' && b[p] != '\r')
		return yh_err_set(&r->saved, YH_EINVAL, NULL,
				  "line %zu: text after the closing quote of a field", r->line);
	*pos = p;
	return 0;
}

static int parse_record(yh_csv_reader *r, size_t *nfields)
{
	const unsigned char *b = (const unsigned char *)r->buf;
	size_t pos = r->pos, used = 0, nf = 0, fstart, start, i;
	int rc = 0;

	for (;;) {
		if (nf == YH_CSV_MAX_FIELDS) {
			rc = yh_err_set(&r->saved, YH_ETOOBIG, NULL, "line %zu: more than %u fields",
					r->rec_line, YH_CSV_MAX_FIELDS);
			goto done;
		}
		fstart = used;
		r->offs[nf] = used;
		r->cur = nf;
		if (pos < r->len && b[pos] == '"') {
			rc = parse_quoted(r, &pos, &used, fstart);
		} else {
			start = pos;
			while (pos < r->len && !stop_plain[b[pos]])
				pos++;
			if (pos < r->len && b[pos] == '\0')
				rc = yh_err_set(&r->saved, YH_EINVAL, NULL, "line %zu: NUL byte in field",
						r->line);
			else
				rc = append(r, &used, fstart, b + start, pos - start);
		}
		if (rc < 0)
			goto done;
		r->data[used++] = '\0'; /* append() kept room for it */
		nf++;
		if (pos >= r->len)
			break;
		if (b[pos] == ',') {
			pos++;
			continue;
		}
		pos += (b[pos] == '\r' && pos + 1 < r->len && b[pos + 1] == '\n') ? 2 : 1;
		r->line++;
		break;
	}
	for (i = 0; i < nf; i++)
		r->fields[i] = r->data + r->offs[i];
	*nfields = nf;
	r->pos = pos;
done:
	return rc;
}

int yh_csv_next(yh_csv_reader *r, const char ***fields, size_t *nfields, yh_err *err)
{
	const char *b = r->buf;
	int rc;

	*fields = NULL;
	*nfields = 0;
	if (r->failed == 0) {
		while (r->pos < r->len && (b[r->pos] == '\n' || b[r->pos] == '\r')) {
			r->pos += (b[r->pos] == '\r' && r->pos + 1 < r->len && b[r->pos + 1] == '\n') ? 2 : 1;
			r->line++;
		}
		if (r->pos >= r->len)
			return 0;
		r->rec_line = r->line;
		rc = parse_record(r, nfields);
		if (rc == 0) {
			*fields = r->fields;
			return 1;
		}
		r->failed = rc;
		r->pos = r->len;
		*nfields = 0;
	}
	/* errors are sticky: replay the first one */
	if (err != NULL)
		*err = r->saved;
	return r->failed;
}

/* Reads all of fp into a heap buffer; *out is the caller's. */
static int slurp(char **out, size_t *outlen, FILE *fp, const char *path, yh_err *err)
{
	struct stat st;
	size_t cap = 64 * 1024, len = 0, n;
	char *buf = NULL, *grown;
	int rc = 0;

	*out = NULL;
	*outlen = 0;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > YH_CSV_MAX_FILE_BYTES) {
			rc = yh_err_set(err, YH_ETOOBIG, "file", "%s: larger than %u MiB", path,
					YH_CSV_MAX_FILE_BYTES >> 20);
			goto done;
		}
		cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	for (;;) {
		if (len == cap) {
			if (cap > YH_CSV_MAX_FILE_BYTES) {
				rc = yh_err_set(err, YH_ETOOBIG, "file", "%s: larger than %u MiB", path,
						YH_CSV_MAX_FILE_BYTES >> 20);
				goto done;
			}
			cap *= 2;
			grown = realloc(buf, cap);
			if (grown == NULL) {
				rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				goto done;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, "file", "%s: read failed: %s", path,
				strerror(errno));
		goto done;
	}
	if (len > YH_CSV_MAX_FILE_BYTES) {
		rc = yh_err_set(err, YH_ETOOBIG, "file", "%s: larger than %u MiB", path,
				YH_CSV_MAX_FILE_BYTES >> 20);
		goto done;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
done:
	free(buf);
	return rc;
}

int yh_csv_read_file(yh_csv_reader **out, const char *path, const char *encoding, yh_err *err)
{
	FILE *fp = NULL;
	char *raw = NULL, *text = NULL;
	size_t rawlen = 0, textlen = 0;
	yh_csv_reader *r = NULL;
	char msg[sizeof(err->msg)], field[sizeof(err->field)];
	int enc = 0, rc;

	*out = NULL;
	if (encoding != NULL) {
		rc = yh_encoding_from_name(&enc, encoding, YH_ENC_FOR_INPUT, err);
		if (rc < 0)
			goto done;
	}
	if (strcmp(path, "-") == 0) {
		rc = slurp(&raw, &rawlen, stdin, "stdin", err);
	} else {
		fp = fopen(path, "rb");
		if (fp == NULL) {
			rc = yh_err_set(err, errno == ENOENT ? YH_ENOTFOUND : YH_EUNAVAILABLE, "file",
					"%s: %s", path, strerror(errno));
			goto done;
		}
		rc = slurp(&raw, &rawlen, fp, path, err);
	}
	if (rc < 0)
		goto done;
	if (encoding == NULL)
		enc = yh_encoding_detect(raw, rawlen);
	rc = yh_encoding_to_utf8(&text, &textlen, raw, rawlen, enc, err);
	if (rc < 0) {
		if (err != NULL) {
			/* name the file: the user may be importing several */
			snprintf(msg, sizeof(msg), "%s", err->msg);
			snprintf(field, sizeof(field), "%s", err->field);
			yh_err_set(err, rc, field, "%s: %s", path, msg);
		}
		goto done;
	}
	rc = yh_csv_reader_new(&r, text, textlen);
	if (rc < 0) {
		rc = yh_err_set(err, rc, NULL, "out of memory");
		goto done;
	}
	r->owned = text;
	text = NULL;
	*out = r;
done:
	if (fp != NULL)
		fclose(fp);
	free(raw);
	free(text);
	return rc;
}
