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
	/* list output as a file (yh_cli_take_format): 0 = print, else YH_TABLE_CSV / YH_TABLE_XLSX */
	int format;
	int encoding;       /* CSV: YH_ENC_UTF8_BOM or YH_ENC_GBK / YH_ENC_GB18030 */
	const char *output; /* --output FILE (borrowed from argv), NULL = standard output */
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

/* The common command shapes: get the actor, call one core function, print, free. */
typedef int (*yh_cli_read_fn)(yh_db *, const yh_actor *, char **, yh_err *);
typedef int (*yh_cli_fields_fn)(yh_db *, const yh_actor *, const yh_fields *, char **, yh_err *);
/* Prints out with yh_cli_print() when rc is 0; frees out either way; returns rc. */
int yh_cli_print_free(const yh_cli *c, int rc, char *out, const char *const *columns);
/* Actor -> fn -> printed with columns (NULL = all). Codes of yh_cli_actor and fn. */
int yh_cli_run_read(yh_cli *c, yh_cli_read_fn fn, const char *const *columns, yh_err *err);
/*
 * Every flag of argv as fields (yh_cli_fields) -> actor -> fn -> yh_cli_output()
 * with columns. Codes of yh_cli_fields (YH_EUSAGE), yh_cli_actor, fn and the writer.
 */
int yh_cli_run_fields(yh_cli *c, int argc, char **argv, yh_cli_fields_fn fn, const char *const *columns, yh_err *err);

/*
 * List commands a clerk opens in Excel (format.c). yh_cli_take_format() takes
 * --format csv|xlsx, --encoding utf-8|gbk|gb18030 and --output FILE out of
 * argv (the rest moves down, *argc shrinks) into c. --output FILE.xlsx alone
 * means XLSX; CSV in UTF-8 always has the BOM Excel needs. YH_EUSAGE for a
 * bad value, --json with --format, or XLSX to a terminal. Nothing given: c
 * is untouched.
 */
int yh_cli_take_format(yh_cli *c, int *argc, char **argv, yh_err *err);
/*
 * Prints a list as yh_cli_print() does or, after yh_cli_take_format() found
 * --format/--output, writes its rows (the JSON array, or an object's "items"
 * or "lines") with yh_cli_table_write() to --output or standard output.
 * Returns 0 or the writer's code (YH_EINVAL naming the column of a cell the
 * encoding cannot carry; YH_EUNAVAILABLE when the file cannot be written).
 */
int yh_cli_output(const yh_cli *c, const char *json, const char *const *columns, yh_err *err);
/*
 * The generic writer: the rows of json (as above) as a table in format
 * (YH_TABLE_CSV with encoding, or YH_TABLE_XLSX) at path ("-" = stdout, CSV
 * only). columns picks and orders the keys (NULL = every key of the first
 * row); headers are the Chinese labels of yh_cli_label(); *_fen amounts are
 * written in yuan as money cells, true/false as 是/否, lists joined with 、.
 * *rows gets the number of rows written. Codes as yh_table_row/close, and
 * YH_EUSAGE when json holds no list.
 */
int yh_cli_table_write(const char *json, const char *const *columns, int format, int encoding, const char *path,
	size_t *rows, yh_err *err);
/* The Chinese column header of a JSON key (name -> 姓名), or NULL. Static storage. */
const char *yh_cli_label(const char *key);

/* 1 when colour may be written to fd: a terminal, NO_COLOR unset or empty, TERM not "dumb". */
int yh_cli_colour(int fd);

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
