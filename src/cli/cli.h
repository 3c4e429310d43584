/*
 * cli.h - what a command sees. Commands parse arguments, call ONE core
 * function and print; they hold no business rules.
 */
#ifndef YH_CLI_H
#define YH_CLI_H

#include <stdio.h>

#include "yinhui/actor.h"
#include "yinhui/config.h"
#include "yinhui/db.h"
#include "yinhui/error.h"
#include "yinhui/fields.h"

typedef struct yh_cli {
	yh_config *cfg;
	yh_db *db;
	yh_actor actor;
	int have_actor;
	int json; /* --json: machine-readable output */
} yh_cli;

typedef int (*yh_cli_fn)(yh_cli *c, int argc, char **argv, yh_err *err);

typedef struct yh_cli_cmd {
	const char *group; /* "cadre" */
	const char *verb;  /* "add"; NULL for a one-word command */
	yh_cli_fn fn;
	const char *usage;   /* "yinhui cadre add --name NAME --id-number ID ..." */
	const char *summary; /* one line */
	const char *help;    /* longer text with examples */
} yh_cli_cmd;

/* Connects (starting the embedded cluster when needed); refuses while migrations are pending. */
int yh_cli_db(yh_cli *c, yh_db **out, yh_err *err);
/* Connects without the migration check (db migrate, init). */
int yh_cli_db_raw(yh_cli *c, yh_db **out, yh_err *err);
/* The logged-in actor from $YINHUI_TOKEN or the token file. YH_EUNAUTH when not logged in. */
int yh_cli_actor(yh_cli *c, yh_db **db, const yh_actor **out, yh_err *err);
/* Path of the token file. */
void yh_cli_token_path(const yh_cli *c, char *out, size_t n);

/*
 * Turns "--some-name value" / "--some-name=value" into fields {"some_name": "value"}.
 * "--x null" is not special; "--clear-x" sets x to null. Arguments not
 * starting with "--" are YH_EUSAGE. skip lists flags the command handles itself.
 */
int yh_cli_fields(int argc, char **argv, const char *const *skip, yh_fields **out, yh_err *err);
/* Value of --name in argv (either form), or NULL. */
const char *yh_cli_flag(int argc, char **argv, const char *name);
/* 1 when the bare --name is present. */
int yh_cli_has(int argc, char **argv, const char *name);

/*
 * Prints a JSON document: raw (pretty) with --json, else a list as a table
 * of columns (NULL = every key of the first row) or an object as "key: value"
 * lines. Frees nothing.
 */
void yh_cli_print(const yh_cli *c, const char *json, const char *const *columns);

/* Exit status for a code (documented in the README). */
int yh_cli_exit_code(int code);
/* Prints "yinhui: [field] message" on stderr. */
void yh_cli_report(const yh_err *err);

/* Reads a password from a file (first line) or prompts without echo when on a terminal. */
int yh_cli_password(const char *file, const char *prompt, char *out, size_t n, yh_err *err);

/* Command tables of each group (cmd_*.c). */
extern const yh_cli_cmd yh_cmds_admin[];
extern const yh_cli_cmd yh_cmds_roster[];
extern const yh_cli_cmd yh_cmds_case[];
extern const yh_cli_cmd yh_cmds_pay[];
extern const yh_cli_cmd yh_cmds_eval[];
extern const yh_cli_cmd yh_cmds_ops[];

/*
 * yinhui help --man (roff for yinhui(1)) and yinhui help --completion bash,
 * generated from the NULL-terminated list of command tables onto stdout.
 * argv holds the words after "help". Returns the exit status.
 */
int yh_cli_help_gen(const yh_cli_cmd *const *tables, int argc, char **argv);

#endif
