/* init, login, logout, db, user, unit, config, session and audit commands. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "yinhui/audit.h"
#include "yinhui/cluster.h"
#include "yinhui/migrate.h"
#include "yinhui/setting.h"
#include "yinhui/staff.h"
#include "yinhui/util.h"

static int mkdir_p(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0700);
		*p = '/';
	}
	return mkdir(buf, 0700) == 0 || access(buf, W_OK) == 0 ? 0 : -1;
}

static int cmd_init(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *admin = yh_cli_flag(argc, argv, "admin");
	const char *unit_code = yh_cli_flag(argc, argv, "unit-code");
	const char *unit_name = yh_cli_flag(argc, argv, "unit-name");
	char password[256];
	yh_db *db = NULL;
	int applied = 0, rc;

	rc = yh_cli_db_raw(c, &db, err);
	if (rc == 0)
		rc = yh_migrate_apply(db, yh_migrate_dir(), &applied, err);
	if (rc != 0)
		return rc;
	rc = yh_cli_password(yh_cli_flag(argc, argv, "password-file"), "password for the first admin: ",
		password, sizeof(password), err);
	if (rc == 0)
		rc = yh_staff_bootstrap(db, admin ? admin : "admin", password, unit_code ? unit_code : "bureau",
			unit_name ? unit_name : "市委老干部局", err);
	memset(password, 0, sizeof(password));
	if (rc != 0)
		return rc;
	printf("initialised: %d migration(s) applied; admin account \"%s\" in unit \"%s\"\n", applied,
		admin ? admin : "admin", unit_code ? unit_code : "bureau");
	printf("next: yinhui login --username %s\n", admin ? admin : "admin");
	return 0;
}

static int cmd_login(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *user = yh_cli_flag(argc, argv, "username");
	char password[256], token[96], path[4096], dir[4096], namebuf[128];
	char *out = NULL, *slash;
	yh_db *db = NULL;
	int rc;

	if (user == NULL) {
		if (!isatty(STDIN_FILENO))
			return yh_err_set(err, YH_EUSAGE, "username", "--username is required");
		fprintf(stderr, "username: ");
		if (fgets(namebuf, sizeof(namebuf), stdin) == NULL)
			return yh_err_set(err, YH_EUSAGE, "username", "no username given");
		namebuf[strcspn(namebuf, "\r\n")] = '\0';
		user = namebuf;
	}
	rc = yh_cli_db(c, &db, err);
	if (rc == 0)
		rc = yh_cli_password(yh_cli_flag(argc, argv, "password-file"), "password: ", password, sizeof(password), err);
	if (rc == 0)
		rc = yh_session_login(db, user, password, "cli", token, sizeof(token), &out, err);
	memset(password, 0, sizeof(password));
	if (rc != 0)
		return rc;
	yh_cli_token_path(c, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdir_p(dir);
	}
	if (yh_file_write_private(path, token, strlen(token), 0600) != 0) {
		free(out);
		return yh_err_set(err, YH_EINTERNAL, NULL, "cannot write the token file %s", path);
	}
	if (c->json)
		yh_cli_print(c, out, NULL);
	else
		printf("logged in as %s; token saved in %s (mode 0600)\n", user, path);
	free(out);
	return 0;
}

static int cmd_logout(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char path[4096], *token = NULL;
	const yh_actor *a;
	yh_db *db;
	int rc;

	(void)argc;
	(void)argv;
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc != 0)
		return rc;
	yh_cli_token_path(c, path, sizeof(path));
	if (getenv("YINHUI_TOKEN"))
		token = strdup(getenv("YINHUI_TOKEN"));
	else if (yh_file_read(path, 4096, &token, NULL) == 0)
		token[strcspn(token, "\r\n")] = '\0';
	rc = yh_session_revoke(db, a, token, NULL, err);
	free(token);
	if (rc == 0 && !getenv("YINHUI_TOKEN"))
		unlink(path);
	if (rc == 0)
		printf("logged out\n");
	return rc;
}

static int cmd_db_migrate(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_db *db = NULL;
	int applied = 0, rc;

	(void)argc;
	(void)argv;
	rc = yh_cli_db_raw(c, &db, err);
	if (rc == 0)
		rc = yh_migrate_apply(db, yh_migrate_dir(), &applied, err);
	if (rc == 0)
		printf("%d migration(s) applied; schema up to date\n", applied);
	return rc;
}

static int home_of(yh_cli *c, char *home, size_t n, yh_err *err)
{
	if (yh_config_get(c->cfg, "home")) {
		snprintf(home, n, "%s", yh_config_get(c->cfg, "home"));
		return 0;
	}
	return yh_cluster_home(home, n, err);
}

static int cmd_db_status(yh_cli *c, int argc, char **argv, yh_err *err)
{
	yh_cluster_state st;
	char home[1024];
	int rc;

	(void)argc;
	(void)argv;
	if (yh_config_get(c->cfg, "database_url")) {
		yh_db *db = NULL;
		int pending = 0;
		rc = yh_cli_db_raw(c, &db, err);
		if (rc == 0)
			rc = yh_migrate_status(db, yh_migrate_dir(), &pending, err);
		if (rc == 0)
			printf("database: configured (database_url), reachable; %d migration(s) pending\n", pending);
		return rc;
	}
	rc = home_of(c, home, sizeof(home), err);
	if (rc == 0)
		rc = yh_cluster_status(home, &st, err);
	if (rc != 0)
		return rc;
	if (c->json)
		printf("{\"embedded\":true,\"home\":\"%s\",\"state\":\"%s\",\"pid\":%ld}\n", home,
			yh_cluster_phase_name(st.phase), (long)st.pid);
	else
		printf("embedded cluster in %s: %s%s\n", home, yh_cluster_phase_name(st.phase),
			st.pid > 0 ? "" : "");
	return 0;
}

static int cmd_db_stop(yh_cli *c, int argc, char **argv, yh_err *err)
{
	char home[1024];
	int rc;

	(void)argc;
	(void)argv;
	if (yh_config_get(c->cfg, "database_url"))
		return yh_err_set(err, YH_EUSAGE, NULL, "a configured database is not Yinhui's to stop");
	rc = home_of(c, home, sizeof(home), err);
	if (rc == 0)
		rc = yh_cluster_stop(home, err);
	if (rc == 0)
		printf("embedded cluster stopped\n");
	return rc;
}

static int cmd_user_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const skip[] = { "password-file", NULL };
	char password[256], *out = NULL;
	const yh_actor *a;
	yh_fields *f = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_fields(argc, argv, skip, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_cli_password(yh_cli_flag(argc, argv, "password-file"), "password for the new user: ",
			password, sizeof(password), err);
	if (rc == 0)
		rc = yh_staff_add(db, a, f, password, &out, err);
	memset(password, 0, sizeof(password));
	if (rc == 0)
		yh_cli_print(c, out, NULL);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int cmd_user_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "username", "display_name", "role", "unit", "disabled", NULL };

	(void)argc;
	(void)argv;
	return yh_cli_run_read(c, yh_staff_list, cols, err);
}

static int cmd_user_disable(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	yh_db *db;
	int rc;

	if (argc != 1)
		return yh_err_set(err, YH_EUSAGE, NULL, "give one username");
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_staff_set_disabled(db, a, argv[0], 1, err);
	if (rc == 0)
		printf("user %s disabled; their sessions are revoked\n", argv[0]);
	return rc;
}

static int cmd_user_passwd(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *user = NULL;
	char password[256];
	const yh_actor *a;
	yh_db *db;
	int rc;

	if (argc >= 1 && strncmp(argv[0], "--", 2) != 0)
		user = argv[0];
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc != 0)
		return rc;
	if (user == NULL)
		user = a->username;
	rc = yh_cli_password(yh_cli_flag(argc, argv, "password-file"), "new password: ", password, sizeof(password), err);
	if (rc == 0)
		rc = yh_staff_passwd(db, a, user, password, err);
	memset(password, 0, sizeof(password));
	if (rc == 0)
		printf("password of %s changed; their sessions are revoked\n", user);
	return rc;
}

static int cmd_unit_add(yh_cli *c, int argc, char **argv, yh_err *err)
{
	return yh_cli_run_fields(c, argc, argv, yh_unit_add, NULL, err);
}

static int cmd_unit_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "code", "name", "parent", "district", "depth", NULL };

	(void)argc;
	(void)argv;
	return yh_cli_run_read(c, yh_unit_list, cols, err);
}

static int cmd_setting_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "key", "valid_from", "value", "current", "note", NULL };

	(void)argc;
	(void)argv;
	return yh_cli_run_read(c, yh_setting_list, cols, err);
}

static int cmd_setting_set(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "key", "valid_from", "value", "note", NULL };

	return yh_cli_run_fields(c, argc, argv, yh_setting_set, cols, err);
}

static int cmd_config_show(yh_cli *c, int argc, char **argv, yh_err *err)
{
	(void)argc;
	(void)argv;
	(void)err;
	yh_config_print(c->cfg, stdout);
	return 0;
}

static int cmd_session_revoke(yh_cli *c, int argc, char **argv, yh_err *err)
{
	const char *user = yh_cli_flag(argc, argv, "user");
	const yh_actor *a;
	yh_db *db;
	int rc;

	if (user == NULL)
		return yh_err_set(err, YH_EUSAGE, "user", "--user NAME is required (use logout for your own session)");
	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_session_revoke(db, a, NULL, user, err);
	if (rc == 0)
		printf("all sessions of %s revoked\n", user);
	return rc;
}

static int cmd_audit_list(yh_cli *c, int argc, char **argv, yh_err *err)
{
	static const char *const cols[] = { "at", "actor", "action", "entity", "entity_id", NULL };
	const char *limit = yh_cli_flag(argc, argv, "limit");
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = yh_audit_list(db, a, yh_cli_flag(argc, argv, "entity"), yh_cli_flag(argc, argv, "id"),
			limit ? atoi(limit) : 50, &out, err);
	if (rc == 0)
		yh_cli_print(c, out, cols);
	free(out);
	return rc;
}

const yh_cli_cmd yh_cmds_admin[] = {
	{ "init", NULL, cmd_init, "yinhui init [--admin NAME] [--password-file FILE] [--unit-code CODE] [--unit-name NAME]",
	  "create the schema and the first admin account",
	  "Applies every migration, creates the root unit and the first admin.\n"
	  "The password is read from --password-file or prompted for.\n\n"
	  "example: yinhui init --admin admin --password-file /root/admin.pw" },
	{ "login", NULL, cmd_login, "yinhui login [--username NAME] [--password-file FILE]",
	  "log in; the token is kept in ~/.config/yinhui/token (mode 0600)",
	  "YINHUI_TOKEN overrides the token file.\n\nexample: yinhui login --username zhang" },
	{ "logout", NULL, cmd_logout, "yinhui logout", "revoke this CLI's session",
	  "The token file is removed; other sessions of the account stay valid\n"
	  "(yinhui session revoke ends them all).\n\nexample: yinhui logout" },
	{ "db", "migrate", cmd_db_migrate, "yinhui db migrate", "apply pending schema migrations",
	  "Applies the migrations not yet recorded, each in its own transaction; a changed\n"
	  "applied migration is refused. Stop yinhuid first: it refuses to run while any is pending.\n\n"
	  "example: yinhui db migrate" },
	{ "db", "status", cmd_db_status, "yinhui db status", "report the database (embedded cluster state)",
	  "example: yinhui db status" },
	{ "db", "stop", cmd_db_stop, "yinhui db stop", "stop the embedded PostgreSQL cluster",
	  "Only the embedded cluster under YINHUI_HOME; a configured database_url is left alone.\n\n"
	  "example: yinhui db stop" },
	{ "user", "add", cmd_user_add,
	  "yinhui user add --username NAME --role ROLE --unit UNIT [--display-name TEXT] [--password-file FILE]",
	  "create a staff account (admin)",
	  "Roles: admin, caseworker, clerk, approver, auditor.\n\n"
	  "example: yinhui user add --username li --role caseworker --unit chikan --display-name 李明" },
	{ "user", "list", cmd_user_list, "yinhui user list", "list staff accounts",
	  "example: yinhui --json user list" },
	{ "user", "disable", cmd_user_disable, "yinhui user disable USERNAME", "disable an account and revoke its sessions",
	  "example: yinhui user disable li" },
	{ "user", "passwd", cmd_user_passwd, "yinhui user passwd [USERNAME] [--password-file FILE]",
	  "change a password (your own, or anyone's as admin)",
	  "The new password is read from --password-file or prompted for without echo; the\n"
	  "account's sessions are revoked.\n\n"
	  "example: yinhui user passwd li --password-file /root/li.pw" },
	{ "unit", "add", cmd_unit_add, "yinhui unit add --code CODE --name NAME --parent PARENT [--district TEXT]",
	  "add a unit under PARENT (admin)",
	  "example: yinhui unit add --code chikan --name 赤坎老干部休养所 --parent bureau --district 赤坎区" },
	{ "unit", "list", cmd_unit_list, "yinhui unit list", "show the unit tree you can see",
	  "example: yinhui unit list" },
	{ "setting", "list", cmd_setting_list, "yinhui setting list", "list the settings that tune the rules",
	  "Every setting with each dated value; \"current\" marks the one in force today\n"
	  "(due days of must-visits, the birthdays that count, the 三重一大 threshold, scoring bands).\n\n"
	  "example: yinhui setting list" },
	{ "setting", "set", cmd_setting_set, "yinhui setting set --key KEY --value VALUE [--valid-from DATE] [--note TEXT]",
	  "give a setting a new value from a day on (admin)",
	  "The value holds from --valid-from (default today) until a later one; earlier days keep\n"
	  "the value they had. Numbers and choices are checked against the setting's range.\n\n"
	  "example: yinhui setting set --key obligation.illness_days --value 2 --valid-from 2026-01-01" },
	{ "config", "show", cmd_config_show, "yinhui config show", "print the effective configuration and its sources",
	  "Secrets are masked; each value says whether it came from the default, the file,\n"
	  "the environment or a flag.\n\nexample: yinhui config show" },
	{ "session", "revoke", cmd_session_revoke, "yinhui session revoke --user NAME", "revoke every session of a user",
	  "example: yinhui session revoke --user li" },
	{ "audit", "list", cmd_audit_list, "yinhui audit list [--entity E] [--id ID] [--limit N]",
	  "show the audit trail (admin, auditor)",
	  "Newest first; --entity person|visit|batch|... and --id narrow it to one record.\n\n"
	  "example: yinhui audit list --entity person --limit 20" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
