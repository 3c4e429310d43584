/*
 * error.h - the one error type of Yinhui.
 *
 * Every fallible function returns 0 or a negative yh_code and, on failure,
 * fills the caller's yh_err (thread-safe: no hidden global state).
 * Front ends map codes to HTTP status (src/http/status.c) and exit codes
 * (src/cli/error.c); nothing else interprets them.
 */
#ifndef YH_ERROR_H
#define YH_ERROR_H

#include <stddef.h>

typedef enum yh_code {
	YH_OK = 0,
	YH_EINVAL = -1,       /* input fails validation (field says which) */
	YH_ENOTFOUND = -2,    /* no such record, or not visible to the actor */
	YH_ECONFLICT = -3,    /* unique key, state machine, concurrent change */
	YH_EFORBIDDEN = -4,   /* authenticated but not permitted */
	YH_EUNAUTH = -5,      /* no or bad credentials */
	YH_EUNAVAILABLE = -6, /* database unreachable or not ready */
	YH_ETOOBIG = -7,      /* body or value over a limit */
	YH_EBADREQ = -8,      /* malformed request (broken JSON, bad syntax) */
	YH_EUSAGE = -9,       /* CLI usage error */
	YH_EINTERNAL = -10,   /* a bug or an unexpected failure */
	YH_ELIMIT = -11       /* too many attempts: slow down (rate limit, lock-out) */
} yh_code;

typedef struct yh_err {
	int code;
	char field[64];   /* offending field name, "" when none */
	char sqlstate[6]; /* PostgreSQL SQLSTATE when it came from the server */
	char msg[256];    /* one line, no trailing newline */
} yh_err;

/* Clears err to "no error". err may be NULL. */
void yh_err_clear(yh_err *err);

/*
 * Records an error and returns code, so callers can write
 *   return yh_err_set(err, YH_EINVAL, "birth_date", "not a date: %s", s);
 * field may be NULL. err may be NULL (the code is still returned).
 */
int yh_err_set(yh_err *err, int code, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Replaces invalid UTF-8 bytes in s with '?', in place. */
void yh_utf8_sanitize(char *s);

/* Stable lowercase name of a code ("not_found", "conflict", ...). */
const char *yh_code_name(int code);

#endif
