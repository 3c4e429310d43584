/* yinhui - the command-line front end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include <sodium.h>

#include "yinhui/i18n.h"
#include "yinhui/idempotency.h"
#include "yinhui/log.h"
#include "yinhui/pii.h"

static const yh_cli_cmd *const tables[] = {
	yh_cmds_admin,
	yh_cmds_roster,
	yh_cmds_case,
	yh_cmds_pay,
	yh_cmds_eval,
	yh_cmds_ops,
	NULL
};

static void usage(FILE *f)
{
	const char *last = "";

	fprintf(f, "%s", yh_tr("usage: yinhui [--json] COMMAND [ARGS]\n\n"
		"Yinhui (银晖) — care files, visits, subsidies and the annual self-evaluation\n"
		"for a Veteran Cadres Bureau. Commands:\n\n"));
	for (int t = 0; tables[t]; t++)
		for (const yh_cli_cmd *c = tables[t]; c->group; c++) {
			if (strcmp(last, c->group) != 0 && c->verb)
				fprintf(f, "\n");
			last = c->group;
			fprintf(f, "  %-22s %s\n", c->usage ? c->usage + strlen("yinhui ") : c->group, yh_tr(c->summary));
		}
	fprintf(f, "%s", yh_tr("\nRun 'yinhui COMMAND --help' for details and examples.\n"
		"Exit status: 0 ok, 1 internal error, 2 usage, 3 invalid input, 4 not found,\n"
		"5 not permitted, 6 conflict, 7 database unavailable (or migrations pending,\n"
		"or the data key missing or not this database's).\n"));
}

static void cmd_help(const yh_cli_cmd *c)
{
	printf("%s %s\n\n%s\n", yh_tr("usage:"), c->usage, yh_tr(c->summary));
	if (c->help)
		printf("\n%s\n", yh_tr(c->help));
}

/* The command line as the request's fingerprint: the same key must come back with the same command. */
static void fingerprint(char out[65], const yh_cli_cmd *c, int argc, char **argv)
{
	unsigned char h[32];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)c->usage, strlen(c->usage) + 1);
	for (int i = 0; i < argc; i++)
		crypto_generichash_update(&st, (const unsigned char *)argv[i], strlen(argv[i]) + 1);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/*
 * --idempotency-key: the command runs inside one transaction that also
 * claims the key, so re-running it after an unclear failure (a lost
 * connection at COMMIT) writes nothing twice.
 */
static int run_once(yh_cli *cli, const yh_cli_cmd *c, const char *key, int argc, char **argv, yh_err *err)
{
	const yh_actor *a;
	char fp[65], *replayed = NULL;
	yh_db *db;
	int rc, status = 0;

	fingerprint(fp, c, argc, argv);
	rc = yh_cli_actor(cli, &db, &a, err);
	if (rc == 0)
		rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_idem_claim(db, a, key, fp, &status, &replayed, err);
	if (rc == 0 && status != 0) {
		fprintf(stderr, "%s\n", yh_tr("already done with this idempotency key; nothing was written again"));
		yh_db_rollback(db);
		free(replayed);
		return 0;
	}
	if (rc == 0)
		rc = c->fn(cli, argc, argv, err);
	if (rc == 0)
		rc = yh_idem_store(db, a, key, 200, "cli", err);
	if (rc == 0 && yh_db_in_tx(db))
		rc = yh_db_commit(db, err);
	else if (yh_db_in_tx(db))
		yh_db_rollback(db);
	return rc;
}

int main(int argc, char **argv)
{
	yh_cli cli = { 0 };
	yh_err err;
	const yh_cli_cmd *found = NULL;
	const char *idem_key = NULL;
	int i = 1, rc, group_known = 0, sub_argc;
	char **sub_argv;

	yh_err_clear(&err);
	yh_i18n_init();
	/* quiet by default: a tool prints its answer, not its diary; a misspelt level is said, as by yinhuid */
	{
		const char *lv = getenv("YINHUI_LOG_LEVEL");
		int level = lv && *lv ? yh_log_level_parse(lv, -1) : YH_LOG_WARN;
		if (level < 0) {
			fprintf(stderr, yh_tr("yinhui: YINHUI_LOG_LEVEL: expected debug, info, warn or error, got %.40s\n"), lv);
			return 2;
		}
		yh_log_set_level(level);
	}
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--json") == 0) {
			cli.json = 1;
		} else if (strcmp(argv[i], "--idempotency-key") == 0 && i + 1 < argc) {
			idem_key = argv[++i];
		} else if (strncmp(argv[i], "--idempotency-key=", 18) == 0) {
			idem_key = argv[i] + 18;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("yinhui %s\n", YH_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, yh_tr("yinhui: unknown option %s\n"), argv[i]);
			usage(stderr);
			return 2;
		}
		i++;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0 && i + 1 < argc && strncmp(argv[i + 1], "--", 2) == 0)
		return yh_cli_help_gen(tables, argc - i - 1, argv + i + 1);
	if (strcmp(argv[i], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[i], "version") == 0) {
		printf("yinhui %s\n", YH_VERSION);
		return 0;
	}
	for (int t = 0; tables[t] && !found; t++)
		for (const yh_cli_cmd *c = tables[t]; c->group; c++) {
			if (strcmp(c->group, argv[i]) != 0)
				continue;
			group_known = 1;
			if (c->verb == NULL || (i + 1 < argc && strcmp(c->verb, argv[i + 1]) == 0)) {
				found = c;
				break;
			}
		}
	if (found == NULL) {
		if (group_known) {
			fprintf(stderr, "yinhui %s: %s\n", argv[i],
				i + 1 < argc ? "unknown subcommand" : "needs a subcommand");
			for (int t = 0; tables[t]; t++)
				for (const yh_cli_cmd *c = tables[t]; c->group; c++)
					if (strcmp(c->group, argv[i]) == 0)
						fprintf(stderr, "  %-40s %s\n", c->usage, yh_tr(c->summary));
			return (i + 1 < argc && strcmp(argv[i + 1], "--help") == 0) ? 0 : 2;
		}
		fprintf(stderr, yh_tr("yinhui: unknown command %s (see yinhui --help)\n"), argv[i]);
		return 2;
	}
	sub_argv = argv + i + (found->verb ? 2 : 1);
	sub_argc = argc - i - (found->verb ? 2 : 1);
	for (int k = 0; k < sub_argc; k++)
		if (strcmp(sub_argv[k], "--help") == 0 || strcmp(sub_argv[k], "-h") == 0) {
			cmd_help(found);
			return 0;
		}
	/* --json may also follow the command */
	for (int k = 0; k < sub_argc; k++)
		if (strcmp(sub_argv[k], "--json") == 0) {
			cli.json = 1;
			memmove(&sub_argv[k], &sub_argv[k + 1], (size_t)(sub_argc - k - 1) * sizeof(char *));
			sub_argc--;
			k--;
		}
	rc = yh_config_load(&cli.cfg, &err);
	if (rc == 0) {
		char keyfile[1100];
		if (yh_config_data_key_path(cli.cfg, keyfile, sizeof(keyfile), NULL) == 0)
			yh_pii_set_key_file(keyfile);
	}
	if (idem_key == NULL)
		idem_key = getenv("YINHUI_IDEMPOTENCY_KEY");
	if (rc == 0 && idem_key != NULL && *idem_key)
		rc = run_once(&cli, found, idem_key, sub_argc, sub_argv, &err);
	else if (rc == 0)
		rc = found->fn(&cli, sub_argc, sub_argv, &err);
	if (rc != 0) {
		yh_cli_report(&err);
		if (err.code == YH_EUSAGE)
			fprintf(stderr, "%s %s\n", yh_tr("usage:"), found->usage);
	}
	yh_db_close(cli.db);
	yh_config_free(cli.cfg);
	return yh_cli_exit_code(rc != 0 ? (err.code ? err.code : rc) : 0);
}
