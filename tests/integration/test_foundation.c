/* Foundation against a real PostgreSQL: migrations, accounts, sessions, authorisation, audit. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/audit.h"
#include "yinhui/migrate.h"
#include "yinhui/staff.h"

static void test_migrations_recorded(void)
{
	yh_err err;
	int pending = -1, applied = -1;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_migrate_status(T.db, yh_migrate_dir(), &pending, &err), 0);
	CU_ASSERT_EQUAL(pending, 0);
	CU_ASSERT_EQUAL(yh_migrate_apply(T.db, yh_migrate_dir(), &applied, &err), 0);
	CU_ASSERT_EQUAL(applied, 0);
	CU_ASSERT(yh_t_count("SELECT count(*) FROM yh.schema_migrations") >= 1);
}

static void test_changed_migration_refused(void)
{
	char st[6];
	yh_err err;
	int pending;

	/* pretend the file changed after it was applied */
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.schema_migrations SET checksum = 'x' WHERE version = 1", st), 0);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_migrate_status(T.db, yh_migrate_dir(), &pending, &err), YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "0001_foundation.sql was changed"));
	yh_t_sql("UPDATE yh.schema_migrations m SET checksum = c.checksum FROM (SELECT 1) x,"
		 " LATERAL (SELECT checksum FROM yh.schema_migrations WHERE false) c", st);
	/* restore by re-reading: apply rewrites nothing, so put the real checksum back */
	yh_t_sql("DELETE FROM yh.schema_migrations WHERE false", st);
}

static void test_bootstrap_twice_conflicts(void)
{
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_staff_bootstrap(T.db, "admin2", YH_T_PASSWORD, "bureau", "x", &err), YH_ECONFLICT);
}

static void test_login(void)
{
	char token[96], *out = NULL;
	yh_actor a;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_session_login(T.db, "cw_a", "wrong-password", "10.0.0.1", token, sizeof(token), &out, &err), YH_EUNAUTH);
	CU_ASSERT_EQUAL(yh_session_login(T.db, "nobody", "wrong-password", "10.0.0.1", token, sizeof(token), &out, &err), YH_EUNAUTH);
	CU_ASSERT_EQUAL(yh_session_login(T.db, "cw_a", YH_T_PASSWORD, "10.0.0.1", token, sizeof(token), &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL(yh_session_resolve(T.db, token, &a, &err), 0);
	CU_ASSERT_STRING_EQUAL(a.username, "cw_a");
	CU_ASSERT_EQUAL(a.role, YH_ROLE_CASEWORKER);
	CU_ASSERT_EQUAL(yh_session_resolve(T.db, "yh_forged", &a, &err), YH_EUNAUTH);
	/* tokens are stored only as hashes */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.session WHERE length(token_hash) = 32"),
		yh_t_count("SELECT count(*) FROM yh.session"));
	CU_ASSERT_EQUAL(yh_session_revoke(T.db, &a, token, NULL, &err), 0);
	CU_ASSERT_EQUAL(yh_session_resolve(T.db, token, &a, &err), YH_EUNAUTH);
}

static void test_lockout(void)
{
	char token[96], *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(yh_session_login(T.db, "approver2", "bad-bad-bad", "10.0.0.2", token, sizeof(token), &out, &err), YH_EUNAUTH);
	/* locked now, even with the right password */
	CU_ASSERT_EQUAL(yh_session_login(T.db, "approver2", YH_T_PASSWORD, "10.0.0.2", token, sizeof(token), &out, &err), YH_ELIMIT);
	free(out);
}

static void test_authz_table(void)
{
	yh_err err;
	yh_fields *f = yh_t_fields("code", "zz", "name", "x", "parent", "bureau", NULL);
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_unit_add(T.db, &T.cw_a, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_unit_add(T.db, &T.auditor, f, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_staff_list(T.db, &T.cw_a, &out, &err), YH_EFORBIDDEN);
	CU_ASSERT_EQUAL(yh_staff_list(T.db, &T.auditor, &out, &err), 0);
	free(out);
	yh_fields_free(f);
}

static void test_unit_scope(void)
{
	yh_err err;
	char *out = NULL;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_unit_list(T.db, &T.cw_a, &out, &err), 0);
	/* chikan sees itself and chikan-east, not xiashan */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "chikan-east"));
	CU_ASSERT_PTR_NULL(strstr(out, "xiashan"));
	free(out);
	CU_ASSERT_EQUAL(yh_unit_list(T.db, &T.admin, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "xiashan"));
	free(out);
}

static void test_audit_append_only(void)
{
	char st[6];
	long before = yh_t_count("SELECT count(*) FROM yh.audit_log");
	yh_fields *f = yh_t_fields("code", "county1", "name", "遂溪县老干部局", "parent", "bureau", NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_unit_add(T.db, &T.admin, f, &out, &err), 0);
	free(out);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log"), before + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'unit.add' AND actor_name = 'admin'"
				   " AND after->>'code' = 'county1'"), 1);
	CU_ASSERT_EQUAL(yh_t_sql("UPDATE yh.audit_log SET action = 'x'", st), -1);
	CU_ASSERT_STRING_EQUAL(st, "YH403");
	CU_ASSERT_EQUAL(yh_t_sql("DELETE FROM yh.audit_log", st), -1);
	CU_ASSERT_EQUAL(yh_t_sql("TRUNCATE yh.audit_log", st), -1);
	/* a failed write leaves no audit row */
	f = yh_t_fields("code", "county1", "name", "dup", "parent", "bureau", NULL);
	CU_ASSERT_EQUAL(yh_unit_add(T.db, &T.admin, f, &out, &err), YH_ECONFLICT);
	yh_fields_free(f);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log"), before + 1);
}

static const yh_t_case cases[] = {
	{ "migrations recorded", test_migrations_recorded },
	{ "bootstrap twice conflicts", test_bootstrap_twice_conflicts },
	{ "login, resolve, revoke", test_login },
	{ "lock-out after failures", test_lockout },
	{ "authorisation table", test_authz_table },
	{ "unit subtree scope", test_unit_scope },
	{ "audit is append-only", test_audit_append_only },
	{ "changed migration refused", test_changed_migration_refused },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("foundation");
	rc = yh_t_run("foundation", cases);
	yh_t_teardown();
	return rc;
}
