#include "yinhui/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_level = YH_LOG_INFO;
static _Thread_local char log_rid[40];

void yh_log_set_level(int level)
{
	log_level = level;
}

int yh_log_level_parse(const char *name, int dflt)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };

	for (int i = 0; name != NULL && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return dflt;
}

int yh_log_level(void)
{
	return log_level;
}

void yh_log_set_request_id(const char *rid)
{
	snprintf(log_rid, sizeof(log_rid), "%s", rid ? rid : "");
}

/*
 * An event is one line (grep rid=... finds all of it): the line breaks of
 * libpq's messages, with the tab that indents their continuation, become one
 * space, and a trailing break goes.
 */
static void one_line(char *msg)
{
	char *w = msg;

	for (const char *r = msg; *r;) {
		if (*r == '\n' || *r == '\r') {
			while (*r == '\n' || *r == '\r' || *r == '\t')
				r++;
			if (*r)
				*w++ = ' ';
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

void yh_log_write(int level, const char *file, int line, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char msg[1024];
	char ts[32];
	struct timespec now;
	struct tm tm;
	const char *base;
	va_list ap;

	if (level < log_level || level >= YH_LOG_OFF)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	/* one write per line so concurrent threads do not interleave */
	fprintf(stderr, "%s.%03ldZ %s %s:%d%s%s %s\n", ts, now.tv_nsec / 1000000L,
		names[level], base, line, log_rid[0] ? " rid=" : "", log_rid, msg);
}
