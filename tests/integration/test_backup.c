/*
 * yinhui db backup / restore against the test cluster: records made through
 * the core (units, staff, sessions, their audit rows) are dumped, restored
 * into a FRESH database on the same cluster, and compared table by table
 * (row count and an md5 of every row's text), the audit trail explicitly.
 *
 * Finalised evaluations, visits, subsidies and every other module's records
 * are ordinary rows of schema yh, so the same dump and the same whole-schema
 * comparison cover them as their migrations add tables.
 */
#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "yinhui/backup.h"
#include "yinhui/migrate.h"
#include "yinhui/staff.h"

extern char **environ;

static char dir[256];      /* scratch directory of this run */
static char dump1[300];    /* made by test_roundtrip */
static char fresh[1024];   /* conninfo of the restored copy */
static char *source_print; /* fingerprint of the source when it was dumped */

/* A statement on the cluster's maintenance database; 0 or -1 (the message on stderr). */
static int admin_exec(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("YH_TEST_DSN"));
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* A new, empty database yhtest_<name>; its conninfo in out. */
static void fresh_db(const char *name, char *out, size_t n)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS yhtest_%s WITH (FORCE)", name);
	CU_ASSERT_EQUAL_FATAL(admin_exec(sql), 0);
	snprintf(sql, sizeof(sql), "CREATE DATABASE yhtest_%s", name);
	CU_ASSERT_EQUAL_FATAL(admin_exec(sql), 0);
	snprintf(out, n, "%s dbname=yhtest_%s", getenv("YH_TEST_DSN"), name);
}

static char *query1(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *v = NULL;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strdup(PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
	else
		fprintf(stderr, "query failed: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return v;
}

/*
 * "table count md5\n" for every table of schema yh, in name order: equal
 * fingerprints mean equal contents (ids, timestamps and JSON included).
 * Caller frees.
 */
static char *fingerprint(const char *conninfo, const char *only_table)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *tables;
	size_t cap = 65536, used = 0;
	char *out = calloc(1, cap);

	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	tables = PQexec(c, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
			   " WHERE n.nspname = 'yh' AND c.relkind IN ('r', 'p') ORDER BY 1");
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(tables), PGRES_TUPLES_OK);
	for (int i = 0; i < PQntuples(tables); i++) {
		const char *name = PQgetvalue(tables, i, 0);
		char *ident, sql[512], *v;

		if (only_table && strcmp(name, only_table) != 0)
			continue;
		ident = PQescapeIdentifier(c, name, strlen(name));
		snprintf(sql, sizeof(sql),
			"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-')"
			" FROM yh.%s t", ident);
		PQfreemem(ident);
		v = query1(c, sql);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		used += (size_t)snprintf(out + used, cap - used, "%s %s\n", name, v);
		free(v);
	}
	PQclear(tables);
	PQfinish(c);
	return out;
}

static long audit_rows(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	char *v = query1(c, "SELECT count(*) FROM yh.audit_log");
	long n = v ? atol(v) : -1;

	free(v);
	PQfinish(c);
	return n;
}

/* More records and audit rows than the fixture's, some of them in Chinese. */
static void make_records(void)
{
	const char *units[][3] = { { "potou", "坡头老干部活动中心", "bureau" }, { "potou-n", "坡头北片", "potou" } };
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	for (size_t i = 0; i < 2; i++) {
		yh_fields *f = yh_t_fields("code", units[i][0], "name", units[i][1], "parent", units[i][2], NULL);
		CU_ASSERT_EQUAL(yh_unit_add(T.db, &T.admin, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	{
		yh_fields *f = yh_t_fields("username", "wang", "role", "caseworker", "unit", "potou",
			"display_name", "王芳", NULL);
		CU_ASSERT_EQUAL(yh_staff_add(T.db, &T.admin, f, YH_T_PASSWORD, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	CU_ASSERT_EQUAL(yh_staff_set_disabled(T.db, &T.admin, "approver2", 1, &err), 0);
}

static void test_roundtrip(void)
{
	yh_backup_stats st;
	struct stat sb;
	char partial[320], *restored = NULL, *audit_src = NULL, *audit_dst = NULL;
	long n_audit;
	yh_err err;

	make_records();
	n_audit = audit_rows(T.conninfo);
	CU_ASSERT(n_audit >= 14); /* 3 units + 7 staff from the fixture, 2 units + 1 staff + 1 disable here */
	source_print = fingerprint(T.conninfo, NULL);

	yh_err_clear(&err);
	/* a password in the conninfo travels by PGPASSWORD, not argv (the test cluster trusts anyway) */
	{
		char with_pw[1100];

		snprintf(with_pw, sizeof(with_pw), "%s password='s3cret pw'", T.conninfo);
		CU_ASSERT_EQUAL_FATAL(yh_backup_dump(with_pw, dump1, 0, &st, &err), 0);
	}
	CU_ASSERT_EQUAL(stat(dump1, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(st.bytes, (long long)sb.st_size);
	CU_ASSERT(st.tables >= 8);
	CU_ASSERT_EQUAL(st.audit_rows, n_audit);
	snprintf(partial, sizeof(partial), "%s.partial", dump1);
	CU_ASSERT_NOT_EQUAL(access(partial, F_OK), 0);

	fresh_db("backup_restored", fresh, sizeof(fresh));
	CU_ASSERT_EQUAL_FATAL(yh_backup_restore(fresh, dump1, 0, &st, &err), 0);
	CU_ASSERT_EQUAL(st.audit_rows, n_audit);

	/* every table, every row */
	restored = fingerprint(fresh, NULL);
	CU_ASSERT_STRING_EQUAL(restored, source_print);
	/* the audit trail explicitly: same count, same checksum */
	audit_src = fingerprint(T.conninfo, "audit_log");
	audit_dst = fingerprint(fresh, "audit_log");
	CU_ASSERT(strlen(audit_src) > strlen("audit_log 0 -\n"));
	CU_ASSERT_STRING_EQUAL(audit_dst, audit_src);
	free(restored);
	free(audit_src);
	free(audit_dst);
}

/* The copy works as a database, not just as data: schema current, rules and sequences intact. */
static void test_restored_copy_usable(void)
{
	yh_db *db = NULL;
	yh_actor admin;
	char token[96], *out = NULL;
	int pending = -1;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_db_open(&db, fresh, "yhtest", &err), 0);
	CU_ASSERT_EQUAL(yh_migrate_status(db, yh_migrate_dir(), &pending, &err), 0);
	CU_ASSERT_EQUAL(pending, 0);
	/* passwords (hashes) came along: the restored admin can log in */
	CU_ASSERT_EQUAL(yh_session_login(db, "wang", YH_T_PASSWORD, "test", token, sizeof(token), &out, &err), 0);
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(yh_session_login(db, "admin", YH_T_PASSWORD, "test", token, sizeof(token), &out, &err), 0);
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL_FATAL(yh_session_resolve(db, token, &admin, &err), 0);
	{
		/* sequences restored: a new unit gets a fresh id, no duplicate key */
		yh_fields *f = yh_t_fields("code", "mazhang", "name", "麻章老干部休养所", "parent", "bureau", NULL);
		CU_ASSERT_EQUAL(yh_unit_add(db, &admin, f, &out, &err), 0);
		free(out);
		yh_fields_free(f);
	}
	/* the append-only rule on the audit trail came along */
	CU_ASSERT_EQUAL(yh_db_exec(db, "DELETE FROM yh.audit_log", 0, NULL, &err), YH_EFORBIDDEN);
	yh_db_close(db);
}

static void test_restore_refuses_nonempty(void)
{
	long before = audit_rows(T.conninfo);
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_backup_restore(T.conninfo, dump1, 0, NULL, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--force"));
	CU_ASSERT_EQUAL(audit_rows(T.conninfo), before);
}

static void test_restore_force_replaces(void)
{
	char *now = NULL;
	yh_err err;

	/* the copy has a unit (and audit row) the dump has not; --force puts the dump back exactly */
	now = fingerprint(fresh, NULL);
	CU_ASSERT_STRING_NOT_EQUAL(now, source_print);
	free(now);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_backup_restore(fresh, dump1, 1, NULL, &err), 0);
	now = fingerprint(fresh, NULL);
	CU_ASSERT_STRING_EQUAL(now, source_print);
	free(now);
}

static void test_bad_files(void)
{
	char path[300];
	yh_err err;
	int fd;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_backup_dump(T.conninfo, dump1, 0, NULL, &err), YH_ECONFLICT);
	snprintf(path, sizeof(path), "%s/missing.dump", dir);
	CU_ASSERT_EQUAL(yh_backup_restore(fresh, path, 1, NULL, &err), YH_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/not-a-dump.sql", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "SELECT 1;\n", 10), 10);
	close(fd);
	CU_ASSERT_EQUAL(yh_backup_restore(fresh, path, 1, NULL, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a pg_dump"));
	/* a database that is not there: pg_dump's own message comes through */
	{
		char nodb[1100];

		snprintf(nodb, sizeof(nodb), "%s dbname=yhtest_no_such_db", getenv("YH_TEST_DSN"));
		snprintf(path, sizeof(path), "%s/nodb.dump", dir);
		CU_ASSERT_EQUAL(yh_backup_dump(nodb, path, 0, NULL, &err), YH_EUNAVAILABLE);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "yhtest_no_such_db"));
		CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
		snprintf(path, sizeof(path), "%s/nodb.dump.partial", dir);
		CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	}
}

/* Runs the yinhui binary with YINHUI_DATABASE_URL=url; returns its exit status. */
static int run_cli(const char *url, const char *verb, const char *file, const char *flag)
{
	const char *exe = getenv("YH_TEST_YINHUI");
	char urlenv[1200], confenv[] = "YINHUI_CONFIG=/dev/null", *argv[] = { (char *)exe, "db", (char *)verb, (char *)file, (char *)flag, NULL };
	char **envp;
	size_t n = 0, k = 0;
	pid_t pid;
	int ws = 0;

	while (environ[n])
		n++;
	envp = calloc(n + 3, sizeof(*envp));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "YINHUI_DATABASE_URL=", 20) != 0 && strncmp(environ[i], "YINHUI_CONFIG=", 14) != 0)
			envp[k++] = environ[i];
	/* no configuration file of the machine running the tests takes part */
	envp[k++] = confenv;
	snprintf(urlenv, sizeof(urlenv), "YINHUI_DATABASE_URL=%s", url);
	envp[k++] = urlenv;
	if (posix_spawn(&pid, exe, NULL, NULL, argv, envp) != 0) {
		free(envp);
		return -1;
	}
	free(envp);
	waitpid(pid, &ws, 0);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static void test_cli(void)
{
	char dump2[300], copy[1024], *now;

	CU_ASSERT_PTR_NOT_NULL_FATAL(getenv("YH_TEST_YINHUI"));
	snprintf(dump2, sizeof(dump2), "%s/cli.dump", dir);
	CU_ASSERT_EQUAL(run_cli(T.conninfo, "backup", dump2, NULL), 0);
	CU_ASSERT_EQUAL(run_cli(T.conninfo, "backup", dump2, NULL), 6);   /* exists: conflict */
	CU_ASSERT_EQUAL(run_cli(T.conninfo, "restore", dump2, NULL), 6);  /* source holds data */
	CU_ASSERT_EQUAL(run_cli(T.conninfo, "restore", NULL, NULL), 2);   /* no FILE: usage */
	fresh_db("backup_cli", copy, sizeof(copy));
	CU_ASSERT_EQUAL(run_cli(copy, "restore", dump2, NULL), 0);
	now = fingerprint(copy, "audit_log");
	{
		char *src = fingerprint(T.conninfo, "audit_log");
		CU_ASSERT_STRING_EQUAL(now, src);
		free(src);
	}
	free(now);
	CU_ASSERT_EQUAL(admin_exec("DROP DATABASE IF EXISTS yhtest_backup_cli WITH (FORCE)"), 0);
}

int main(void)
{
	static const yh_t_case cases[] = {
		{ "backup, restore into a fresh database, all rows equal", test_roundtrip },
		{ "the restored copy is a working database", test_restored_copy_usable },
		{ "restore refuses a database holding data", test_restore_refuses_nonempty },
		{ "restore --force puts the backup back exactly", test_restore_force_replaces },
		{ "existing, missing and foreign files; unreachable database", test_bad_files },
		{ "yinhui db backup / restore exit codes", test_cli },
		{ NULL, NULL }
	};
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/yhbackup.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dump1, sizeof(dump1), "%s/one.dump", dir);
	yh_t_setup("backup");
	rc = yh_t_run("backup", cases);
	yh_t_teardown();
	free(source_print);
	admin_exec("DROP DATABASE IF EXISTS yhtest_backup_restored WITH (FORCE)");
	{
		/* scratch files */
		const char *names[] = { "one.dump", "cli.dump", "not-a-dump.sql", NULL };
		char path[320];

		for (int i = 0; names[i]; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return rc;
}
