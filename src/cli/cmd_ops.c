/*
 * Operating Yinhui: db backup / restore, and the manual page and bash
 * completion generated from the command tables (yinhui help --man,
 * yinhui help --completion bash), so they never drift from the commands.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "yinhui/backup.h"
#include "yinhui/cluster.h"
#include "yinhui/migrate.h"

/* The one positional FILE; any flag but --force is a usage error. */
static int file_arg(int argc, char **argv, const char **file, int *force, yh_err *err)
{
	*file = NULL;
	*force = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			*force = 1;
		else if (strncmp(argv[i], "--", 2) == 0 || *file != NULL)
			return yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument %s", argv[i]);
		else
			*file = argv[i];
	}
	if (*file == NULL)
		return yh_err_set(err, YH_EUSAGE, "file", "name the backup file");
	return 0;
}

static void human_size(long long bytes, char *out, size_t n)
{
	if (bytes >= 10LL * 1024 * 1024)
		snprintf(out, n, "%lld MiB", bytes / (1024 * 1024));
	else if (bytes >= 10LL * 1024)
		snprintf(out, n, "%lld KiB", bytes / 1024);
	else
		snprintf(out, n, "%lld bytes", bytes);
}

/* action is "backup" or "restore" (JSON); verb the human wording. */
static void print_stats(const yh_cli *c, const char *action, const char *verb, const char *file,
	const yh_backup_stats *st)
{
	char size[64];
	json_t *doc;
	char *text;

	if (c->json) {
		doc = json_pack("{s:s, s:s, s:I, s:I, s:I}", "action", action, "file", file, "bytes", (json_int_t)st->bytes,
			"tables", (json_int_t)st->tables, "audit_rows", (json_int_t)st->audit_rows);
		text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		yh_cli_print(c, text, NULL);
		free(text);
		json_decref(doc);
		return;
	}
	human_size(st->bytes, size, sizeof(size));
	printf("%s %s (%s): %ld table(s), %ld audit row(s)\n", verb, file, size, st->tables,
		st->audit_rows < 0 ? 0 : st->audit_rows);
}

/* Where the PII key lives, for the reminder that it is not in the dump. */
static void key_path(const yh_cli *c, char *out, size_t n)
{
	char home[1024];
	yh_err ignored;

	if (yh_config_get(c->cfg, "data_key_file")) {
		snprintf(out, n, "%s", yh_config_get(c->cfg, "data_key_file"));
		return;
	}
	yh_err_clear(&ignored);
	if (getenv("YINHUI_HOME") && *getenv("YINHUI_HOME"))
		snprintf(home, sizeof(home), "%s", getenv("YINHUI_HOME"));
	else if (yh_cluster_home(home, sizeof(home), &ignored) != 0)
		snprintf(home, sizeof(home), "%s", "$YINHUI_HOME");
	snprintf(out, n, "%s/data.key", home);
}

static int cmd_db_backup(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char conninfo[2048], key[1200];
	yh_backup_stats st;
	const char *file;
	int embedded = 0, force, rc;

	rc = file_arg(argc, argv, &file, &force, err);
	if (rc == 0)
		rc = yh_config_conninfo(c->cfg, conninfo, sizeof(conninfo), &embedded, err);
	if (rc == 0)
		rc = yh_backup_dump(conninfo, file, force, &st, err);
	if (rc != 0)
		return rc;
	print_stats(c, "backup", "backed up to", file, &st);
	if (!c->json && getenv("YINHUI_DATA_KEY") == NULL) {
		key_path(c, key, sizeof(key));
		fprintf(stderr, "note: ID and account numbers are sealed with the data key %s, which is not in the\n"
			"      backup: keep a copy of it with your backups (without it they cannot be read back)\n", key);
	}
	return 0;
}

static int cmd_db_restore(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char conninfo[2048];
	yh_backup_stats st;
	const char *file;
	yh_db *db = NULL;
	int embedded = 0, force, pending = 0, rc;

	rc = file_arg(argc, argv, &file, &force, err);
	if (rc == 0)
		rc = yh_config_conninfo(c->cfg, conninfo, sizeof(conninfo), &embedded, err);
	if (rc == 0)
		rc = yh_backup_restore(conninfo, file, force, &st, err);
	if (rc != 0)
		return rc;
	print_stats(c, "restore", "restored from", file, &st);
	/* an older backup needs the newer schema before the daemon will serve it */
	rc = yh_cli_db_raw(c, &db, err);
	if (rc == 0)
		rc = yh_migrate_status(db, yh_migrate_dir(), &pending, err);
	if (rc == 0 && pending > 0 && !c->json)
		fprintf(stderr, "note: the backup predates %d schema migration(s): run 'yinhui db migrate'\n", pending);
	return rc;
}

/* ---- generated documentation ---- */

/* Text for roff: backslashes and minus signs escaped, control characters at line start neutralised. */
static void roff_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i == 0 && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", f);
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

static void roff_line(FILE *f, const char *s)
{
	roff_text(f, s, strlen(s));
	fputc('\n', f);
}

/*
 * A multi-line help text: prose lines flow together (the pager fills them to
 * the terminal's width), a blank line starts a paragraph, and lines that are
 * examples or indented keep a line of their own.
 */
static void roff_block(FILE *f, const char *s)
{
	while (*s) {
		size_t len = strcspn(s, "\n");

		if (len == 0) {
			fputs(".sp\n", f);
		} else if (strncmp(s, "example", 7) == 0 || s[0] == ' ') {
			fputs(".br\n", f);
			roff_text(f, s, len);
			fputs("\n.br\n", f);
		} else {
			roff_text(f, s, len);
			fputc('\n', f);
		}
		s += len;
		if (*s == '\n')
			s++;
	}
}

/* First table entry of each group, in order: the groups as the manual lists them. */
static int first_of_group(const yh_cli_cmd *const *tables, const yh_cli_cmd *cmd)
{
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *c = tables[t]; c->group; c++)
			if (strcmp(c->group, cmd->group) == 0)
				return c == cmd;
	return 0;
}

static const struct {
	int code;
	const char *meaning;
} exit_codes[] = {
	{ YH_OK, "success" },
	{ YH_EINTERNAL, "internal error" },
	{ YH_EUSAGE, "usage error (unknown command or flag, missing argument)" },
	{ YH_EINVAL, "invalid input (the message names the field)" },
	{ YH_ENOTFOUND, "not found" },
	{ YH_EFORBIDDEN, "not permitted, or not logged in" },
	{ YH_ECONFLICT, "conflict (duplicate, changed meanwhile, or a refused overwrite)" },
	{ YH_EUNAVAILABLE, "database unavailable, or migrations pending" },
};

static const struct {
	const char *name, *meaning;
} extra_env[] = {
	{ "YINHUI_CONFIG", "configuration file to read instead of /etc/yinhui/yinhui.conf" },
	{ "YINHUI_TOKEN", "session token; overrides the token file" },
	{ "YINHUI_DATA_KEY", "the data key itself (64 hex digits) instead of the key file" },
	{ "YINHUI_PG_BINDIR", "directory of the PostgreSQL programs (initdb, pg_ctl, pg_dump, pg_restore)" },
	{ "YINHUI_MIGRATIONS", "directory of the schema migrations" },
	{ "PGHOST, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE ...",
	  "libpq's own variables: used when database_url is not set and PGHOST, PGDATABASE or PGSERVICE is; "
	  "they fill in whatever database_url leaves out" },
};

static void man_environment(FILE *f)
{
	yh_config_key k;

	fputs(".SH ENVIRONMENT\n"
	      "Settings are read from built-in defaults, then the configuration file, then the environment,\n"
	      "then command-line flags; \\fByinhui config show\\fR prints the result and where each value\n"
	      "came from. Each setting has a variable:\n", f);
	for (size_t i = 0; yh_config_key_info(i, &k) == 0; i++) {
		fprintf(f, ".TP\n\\fB%s\\fR\n", k.env);
		fputs("Setting \\fB", f);
		roff_text(f, k.key, strlen(k.key));
		fputs("\\fR: ", f);
		roff_text(f, k.help, strlen(k.help));
		if (k.dflt) {
			fputs(" (default ", f);
			roff_text(f, k.dflt, strlen(k.dflt));
			fputs(")", f);
		}
		fputs(k.secret ? ". Secret: masked in \\fBconfig show\\fR.\n" : ".\n", f);
	}
	for (size_t i = 0; i < sizeof(extra_env) / sizeof(extra_env[0]); i++) {
		fprintf(f, ".TP\n\\fB%s\\fR\n", extra_env[i].name);
		roff_line(f, extra_env[i].meaning);
	}
}

static void man_page(FILE *f, const yh_cli_cmd *const *tables)
{
	fprintf(f, ".\\\" Generated by 'yinhui help --man' from the command tables; do not edit.\n"
		".TH YINHUI 1 \"\" \"yinhui %s\" \"Yinhui manual\"\n"
		".\\\" commands and paths read better unhyphenated and ragged-right\n.nh\n.ad l\n", YH_VERSION);
	fputs(".SH NAME\n"
	      "yinhui \\- care files, visits, subsidies and the annual self\\-evaluation of a Veteran Cadres Bureau\n"
	      ".SH SYNOPSIS\n"
	      ".B yinhui\n[\\fB\\-\\-json\\fR] \\fICOMMAND\\fR [\\fISUBCOMMAND\\fR] [\\fIARGS\\fR]\n"
	      ".br\n.B yinhui \\fICOMMAND\\fR [\\fISUBCOMMAND\\fR] \\-\\-help\n"
	      ".br\n.B yinhui \\-\\-version\n"
	      ".SH DESCRIPTION\n"
	      "\\fByinhui\\fR (银晖) is the command-line front end of Yinhui. It works on the configured\n"
	      "PostgreSQL database, or on an embedded private cluster created on first use.\n"
	      "Every operation goes through the same core functions, permission checks and audit trail\n"
	      "as the HTTP API served by \\fByinhuid\\fR(8).\n"
	      ".PP\n"
	      "Most commands need a session: run \\fByinhui login\\fR first.\n"
	      "Read commands print a table or \\fIkey: value\\fR lines; with \\fB\\-\\-json\\fR they print JSON.\n"
	      ".SH OPTIONS\n"
	      ".TP\n.B \\-\\-json\nmachine-readable output (may also follow the command)\n"
	      ".TP\n.B \\-\\-help\nusage; after a command, its description and examples\n"
	      ".TP\n.B \\-\\-version\nprint the version\n"
	      ".SH COMMANDS\n", f);
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *g = tables[t]; g->group; g++) {
			if (!first_of_group(tables, g))
				continue;
			fputs(".SS ", f);
			roff_line(f, g->group);
			for (int u = 0; tables[u]; u++)
				for (const yh_cli_cmd *c = tables[u]; c->group; c++) {
					if (strcmp(c->group, g->group) != 0)
						continue;
					fputs(".TP\n\\fB", f);
					roff_text(f, c->usage, strlen(c->usage));
					fputs("\\fR\n", f);
					roff_line(f, c->summary);
					if (c->help) {
						fputs(".br\n", f);
						roff_block(f, c->help);
					}
				}
		}
	man_environment(f);
	fputs(".SH FILES\n"
	      ".TP\n.I /etc/yinhui/yinhui.conf\n"
	      "configuration (else \\fI$XDG_CONFIG_HOME/yinhui/yinhui.conf\\fR); \\fIkey = value\\fR lines;\n"
	      "refused when it holds a secret and others can read it\n"
	      ".TP\n.I ~/.config/yinhui/token\nthe CLI session token (mode 0600)\n"
	      ".TP\n.I /var/lib/yinhui\n"
	      "home of the embedded cluster and the data key when run as root or by the service\n"
	      "(else \\fI~/.local/share/yinhui\\fR): \\fIpgdata/\\fR, \\fIpostgres.log\\fR, \\fIdata.key\\fR\n"
	      ".TP\n.I /usr/share/yinhui/migrations\nthe schema migrations\n"
	      ".SH EXIT STATUS\n", f);
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		fprintf(f, ".TP\n.B %d\n%s\n", yh_cli_exit_code(exit_codes[i].code), exit_codes[i].meaning);
	fputs(".SH EXAMPLES\n"
	      ".nf\n"
	      "yinhui init \\-\\-admin admin \\-\\-password\\-file /root/admin.pw\n"
	      "yinhui login \\-\\-username admin\n"
	      "yinhui user add \\-\\-username li \\-\\-role caseworker \\-\\-unit chikan\n"
	      "yinhui db backup /var/backups/yinhui/$(date +%F).dump\n"
	      "yinhui \\-\\-json audit list \\-\\-limit 10\n"
	      ".fi\n"
	      ".SH SEE ALSO\n"
	      "\\fByinhuid\\fR(8), \\fBpg_dump\\fR(1), \\fBpg_restore\\fR(1),\n"
	      "\\fI/usr/share/doc/yinhui/operations.md\\fR\n", f);
}

/* Appends the --flags named in a usage string to a space-separated list. */
static void usage_flags(FILE *f, const char *usage)
{
	const char *p = usage;

	while ((p = strstr(p, "--")) != NULL) {
		size_t len = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");

		if (len > 2)
			fprintf(f, " %.*s", (int)len, p);
		p += len;
	}
}

static void completion_bash(FILE *f, const yh_cli_cmd *const *tables)
{
	fputs("# bash completion for yinhui. Generated by 'yinhui help --completion bash'\n"
	      "# from the command tables; do not edit.\n"
	      "_yinhui()\n{\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} i=1 group='' verb='' words='' flags=''\n"
	      "    while ((i < COMP_CWORD)) && [[ ${COMP_WORDS[i]} == --* ]]; do ((i++)); done\n"
	      "    if ((i == COMP_CWORD)); then\n"
	      "        COMPREPLY=($(compgen -W '--json --help --version help", f);
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *g = tables[t]; g->group; g++)
			if (first_of_group(tables, g))
				fprintf(f, " %s", g->group);
	fputs("' -- \"$cur\"))\n        return\n    fi\n"
	      "    group=${COMP_WORDS[i]}\n"
	      "    case $group in\n", f);
	/* groups with subcommands: complete the verb next */
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *g = tables[t]; g->group; g++) {
			if (!first_of_group(tables, g) || g->verb == NULL)
				continue;
			fprintf(f, "    %s)\n        if ((i + 1 == COMP_CWORD)); then\n"
				"            COMPREPLY=($(compgen -W '", g->group);
			for (int u = 0; tables[u]; u++)
				for (const yh_cli_cmd *c = tables[u]; c->group; c++)
					if (strcmp(c->group, g->group) == 0 && c->verb)
						fprintf(f, " %s", c->verb);
			fputs("' -- \"$cur\"))\n            return\n        fi\n"
			      "        verb=${COMP_WORDS[i + 1]} ;;\n", f);
		}
	fputs("    esac\n"
	      "    case \"$group $verb\" in\n", f);
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *c = tables[t]; c->group; c++) {
			fprintf(f, "    '%s %s') flags='--help --json", c->group, c->verb ? c->verb : "");
			usage_flags(f, c->usage);
			fputs("' ;;\n", f);
		}
	fputs("    esac\n"
	      "    if [[ $cur == -* ]]; then\n"
	      "        COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
	      "    fi\n"
	      "}\n"
	      "complete -o default -F _yinhui yinhui\n", f);
}

int yh_cli_help_gen(const yh_cli_cmd *const *tables, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "--man") == 0) {
		man_page(stdout, tables);
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "--completion") == 0 && strcmp(argv[1], "bash") == 0) {
		completion_bash(stdout, tables);
		return 0;
	}
	fprintf(stderr, "usage: yinhui help [--man | --completion bash]\n");
	return 2;
}

const yh_cli_cmd yh_cmds_ops[] = {
	{ "db", "backup", cmd_db_backup, "yinhui db backup FILE [--force]",
	  "back up the whole database to FILE (pg_dump custom format, mode 0600)",
	  "Dumps the configured database (or the embedded cluster) with pg_dump -Fc into FILE.\n"
	  "The file is written as FILE.partial and renamed when complete, so FILE is never a\n"
	  "truncated backup; an existing FILE is kept unless --force. The data key that seals\n"
	  "ID and account numbers is not in the database: keep a copy of it with the backups.\n"
	  "For point-in-time recovery of a production server see operations.md.\n\n"
	  "example: yinhui db backup /var/backups/yinhui/2024-01-31.dump" },
	{ "db", "restore", cmd_db_restore, "yinhui db restore FILE [--force]",
	  "restore a backup made by db backup (all or nothing)",
	  "Restores FILE into the configured database (or the embedded cluster) with pg_restore,\n"
	  "in one transaction. A database that already holds tables is refused unless --force,\n"
	  "which drops and recreates what the backup contains. Stop yinhuid first.\n"
	  "To restore elsewhere, point YINHUI_DATABASE_URL at an empty database.\n\n"
	  "example: YINHUI_DATABASE_URL=postgresql:///yinhui_copy yinhui db restore 2024-01-31.dump" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
