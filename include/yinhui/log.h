/*
 * log.h - one line per event on stderr, with file:line and the request id
 * of the calling thread when there is one. Never pass passwords, tokens,
 * conninfo or full ID numbers.
 */
#ifndef YH_LOG_H
#define YH_LOG_H

enum { YH_LOG_DEBUG = 0, YH_LOG_INFO, YH_LOG_WARN, YH_LOG_ERROR, YH_LOG_OFF };

void yh_log_set_level(int level);
int yh_log_level(void);
/* "debug", "info", "warn" or "error" -> its level; NULL or anything else gives dflt. */
int yh_log_level_parse(const char *name, int dflt);
/* Sets the request id shown on this thread's log lines; NULL clears it. */
void yh_log_set_request_id(const char *rid);
void yh_log_write(int level, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

#define yh_log_debug(...) yh_log_write(YH_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define yh_log_info(...) yh_log_write(YH_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define yh_log_warn(...) yh_log_write(YH_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define yh_log_error(...) yh_log_write(YH_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif
