#include "yinhui/error.h"
#include "yinhui/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void yh_err_clear(yh_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

int yh_err_set(yh_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	char *nl;

	if (err == NULL)
		return code;
	err->code = code;
	err->sqlstate[0] = '\0';
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	/* the format string is the catalogue's msgid: one place translates every message */
	vsnprintf(err->msg, sizeof(err->msg), yh_tr(fmt), ap);
	va_end(ap);
	/* messages are one line: a stray newline from a server message would break logs */
	while ((nl = strpbrk(err->msg, "\r\n")) != NULL)
		*nl = ' ';
	yh_utf8_sanitize(err->msg);
	return code;
}

/*
 * Replaces invalid UTF-8 (e.g. a multibyte character cut by a %.40s) with '?'.
 * Strict like jansson: overlongs, surrogates and values past U+10FFFF are
 * invalid too, else json_string() refuses the message and replies lose it.
 */
void yh_utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int n = 0;
		unsigned char lo = 0x80, hi = 0xBF;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0 && *p >= 0xC2)
			n = 1;
		else if ((*p & 0xF0) == 0xE0)
			n = 2;
		else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4)
			n = 3;
		if (*p == 0xE0)
			lo = 0xA0; /* overlong */
		else if (*p == 0xED)
			hi = 0x9F; /* surrogates */
		else if (*p == 0xF0)
			lo = 0x90; /* overlong */
		else if (*p == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
		if (n && (p[1] < lo || p[1] > hi))
			n = 0;
		for (int i = 1; n && i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				n = 0;
		if (n == 0) {
			*p++ = '?';
			continue;
		}
		p += n + 1;
	}
}

const char *yh_code_name(int code)
{
	switch (code) {
	case YH_OK: return "ok";
	case YH_EINVAL: return "invalid";
	case YH_ENOTFOUND: return "not_found";
	case YH_ECONFLICT: return "conflict";
	case YH_EFORBIDDEN: return "forbidden";
	case YH_EUNAUTH: return "unauthorized";
	case YH_EUNAVAILABLE: return "unavailable";
	case YH_ETOOBIG: return "too_large";
	case YH_EBADREQ: return "bad_request";
	case YH_EUSAGE: return "usage";
	case YH_ELIMIT: return "rate_limited";
	default: return "internal";
	}
}
