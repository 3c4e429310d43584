/*
 * config.h - effective configuration: built-in defaults, then the config
 * file, then YINHUI_* environment variables, then command-line flags. Each
 * value remembers where it came from (yinhui config show).
 */
#ifndef YH_CONFIG_H
#define YH_CONFIG_H

#include <stddef.h>

#include "yinhui/error.h"

typedef struct yh_config yh_config;

/*
 * Loads defaults, the file ($YINHUI_CONFIG, else /etc/yinhui/yinhui.conf if
 * readable, else $XDG_CONFIG_HOME/yinhui/yinhui.conf) and the environment.
 * A config file readable by others that holds a secret is refused.
 */
int yh_config_load(yh_config **out, yh_err *err);
void yh_config_free(yh_config *c);
/* Value of key, or NULL. */
const char *yh_config_get(const yh_config *c, const char *key);
int yh_config_get_int(const yh_config *c, const char *key, int dflt);
/* Sets key from a flag (source "flag"). Unknown keys are YH_EUSAGE. */
int yh_config_set_flag(yh_config *c, const char *key, const char *value, yh_err *err);
/*
 * Prints "key = value  # source; help" lines with secrets masked (only the
 * password of database_url), then the file looked at, the libpq PG*
 * variables in effect (PGPASSWORD masked) and which database is used.
 */
void yh_config_print(const yh_config *c, void *file);

/* One setting's description, for documentation generated from the table. */
typedef struct yh_config_key {
	const char *key;  /* "listen" */
	const char *env;  /* "YINHUI_LISTEN" */
	const char *dflt; /* built-in default or NULL */
	const char *help; /* one line */
	int secret;       /* masked by yh_config_print */
} yh_config_key;

/* Describes setting number i (0, 1, ...): 0, or YH_ENOTFOUND past the last. Static strings. */
int yh_config_key_info(size_t i, yh_config_key *out);

/*
 * The connection string to use: database_url when configured, libpq's PG*
 * environment when PGHOST/PGDATABASE/PGSERVICE is set, else the embedded
 * cluster under home (created and started on demand). *embedded says which.
 */
int yh_config_conninfo(const yh_config *c, char *out, size_t outsz, int *embedded, yh_err *err);

/* Where the personal-data key lives: data_key_file, else <home>/data.key. */
int yh_config_data_key_path(const yh_config *c, char *out, size_t outsz, yh_err *err);

#endif
