/*
 * Every role against every roster operation, from one table, through the core.
 * A person of chikan is the subject: cw_b (xiashan) is outside its scope.
 */
#include <stdlib.h>
#include <string.h>

#include "test_roster_util.h"
#include "yinhui/table.h"

enum { A_ADMIN, A_CW_A, A_CW_B, A_CLERK, A_CLERK_A, A_APPROVER, A_AUDITOR, A_COUNT };
#define ALLOW(x) (1u << (x))
#define ALL (ALLOW(A_COUNT) - 1u)

static const char *const actor_names[A_COUNT] = { "admin", "cw_a", "cw_b", "clerk", "clerk_a", "approver", "auditor" };
static const yh_actor *actors[A_COUNT];
static int g_seq = 100;       /* fresh ID numbers */
static char g_subject[37];     /* a chikan cadre everyone works on */

/* A fresh chikan cadre, made by the admin. */
static const char *fresh(void)
{
	char birth[16];

	g_seq++;
	snprintf(birth, sizeof(birth), "1940%02d%02d", 1 + g_seq % 12, 1 + g_seq % 28);
	return rt_cadre(&T.admin, "测试", rt_id("440802", birth, g_seq), "退休", "chikan", NULL);
}

static int op_create(const yh_actor *a)
{
	char birth[16], *out = NULL;
	yh_fields *f;
	yh_err err;
	int rc;

	g_seq++;
	snprintf(birth, sizeof(birth), "1941%02d%02d", 1 + g_seq % 12, 1 + g_seq % 28);
	/* no unit: the actor's own */
	f = yh_t_fields("name", "新人", "id_number", rt_id("440802", birth, g_seq), "category", "退休", NULL);
	yh_err_clear(&err);
	rc = yh_roster_create(T.db, a, f, &out, &err);
	free(out);
	yh_fields_free(f);
	return rc;
}

static int op_show(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_show(T.db, a, g_subject, 0, &out, NULL);

	free(out);
	return rc;
}

static int op_reveal(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_show(T.db, a, g_subject, 1, &out, NULL);

	free(out);
	return rc;
}

static int op_update(const yh_actor *a)
{
	yh_fields *f = yh_t_fields("note", a->username, NULL);
	char *out = NULL;
	int rc = yh_roster_update(T.db, a, g_subject, f, &out, NULL);

	free(out);
	yh_fields_free(f);
	return rc;
}

static int op_list(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_list(T.db, a, NULL, &out, NULL);

	free(out);
	return rc;
}

static int op_search(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_search(T.db, a, "测", 10, &out, NULL);

	free(out);
	return rc;
}

static int op_survivors(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_survivors(T.db, a, g_subject, &out, NULL);

	free(out);
	return rc;
}

static int op_transfer(const yh_actor *a)
{
	const char *uid = fresh();
	yh_fields *f;
	char *out = NULL, *today = NULL;
	int rc;

	yh_db_query_text(T.db, &today, "SELECT current_date::text", 0, NULL, NULL, NULL);
	f = yh_t_fields("date", today, NULL);
	rc = uid ? yh_roster_transfer_out(T.db, a, uid, f, &out, NULL) : YH_EINTERNAL;
	free(out);
	free(today);
	yh_fields_free(f);
	return rc;
}

static int op_import(const yh_actor *a)
{
	char file[256], birth[16], *out = NULL;
	int rc;

	g_seq++;
	snprintf(birth, sizeof(birth), "1942%02d%02d", 1 + g_seq % 12, 1 + g_seq % 28);
	snprintf(file, sizeof(file), "姓名,身份证号码,类别\n导入,%s,退休\n", rt_id("440802", birth, g_seq));
	rc = yh_roster_import(T.db, a, file, strlen(file), NULL, NULL, NULL, NULL, &out, NULL);
	free(out);
	return rc;
}

static int op_export(const yh_actor *a)
{
	yh_roster_export_opts o = { NULL, NULL, YH_TABLE_CSV, 0, 0 };
	char *out = NULL;
	size_t len;
	int rc = yh_roster_export_buffer(T.db, a, &o, &out, &len, NULL);

	free(out);
	return rc;
}

static int op_figures(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_figures(T.db, a, "2022-01-01", "2022-12-31", NULL, &out, NULL);

	free(out);
	return rc;
}

static int op_reconcile(const yh_actor *a)
{
	char *out = NULL;
	int rc = yh_roster_reconcile(T.db, a, 2022, NULL, &out, NULL);

	free(out);
	return rc;
}

static int op_year_close(const yh_actor *a)
{
	static int year = 2000;
	char *out = NULL;
	int rc = yh_roster_year_close(T.db, a, year++, NULL, &out, NULL);

	free(out);
	return rc;
}

static const struct {
	const char *op;
	int (*fn)(const yh_actor *a);
	unsigned allowed;
} matrix[] = {
	{ "create", op_create, ALLOW(A_ADMIN) | ALLOW(A_CW_A) | ALLOW(A_CW_B) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) },
	{ "show", op_show, ALL & ~ALLOW(A_CW_B) },
	{ "show full ID", op_reveal, ALLOW(A_ADMIN) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) | ALLOW(A_APPROVER) | ALLOW(A_AUDITOR) },
	{ "update", op_update, ALLOW(A_ADMIN) | ALLOW(A_CW_A) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) },
	{ "list", op_list, ALL },
	{ "search", op_search, ALL },
	{ "survivors", op_survivors, ALL & ~ALLOW(A_CW_B) },
	{ "transfer out", op_transfer, ALLOW(A_ADMIN) | ALLOW(A_CW_A) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) },
	{ "import", op_import, ALLOW(A_ADMIN) | ALLOW(A_CW_A) | ALLOW(A_CW_B) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) },
	{ "export", op_export, ALL },
	{ "figures", op_figures, ALL },
	{ "reconcile", op_reconcile, ALL },
	{ "close a year", op_year_close, ALLOW(A_ADMIN) | ALLOW(A_CW_A) | ALLOW(A_CW_B) | ALLOW(A_CLERK) | ALLOW(A_CLERK_A) },
};

static void test_matrix(void)
{
	const char *s = fresh();

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	snprintf(g_subject, sizeof(g_subject), "%s", s);
	for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++)
		for (int r = 0; r < A_COUNT; r++) {
			int allowed = (matrix[i].allowed & ALLOW(r)) != 0;
			char sql[128];
			long audits;
			int rc;

			snprintf(sql, sizeof(sql), "SELECT count(*) FROM yh.audit_log WHERE actor_name = '%s'", actor_names[r]);
			audits = yh_t_count(sql);
			rc = matrix[i].fn(actors[r]);

			CU_ASSERT_EQUAL(rc, allowed ? 0 : YH_EFORBIDDEN);
			if (rc != (allowed ? 0 : YH_EFORBIDDEN))
				fprintf(stderr, "%s as %s: expected %s, got %d\n", matrix[i].op, actor_names[r],
					allowed ? "allowed" : "forbidden", rc);
			/* a refused operation leaves no trace */
			if (!allowed)
				CU_ASSERT_EQUAL(yh_t_count(sql), audits);
		}
}

static const yh_t_case cases[] = {
	{ "every role against every roster operation", test_matrix },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	yh_t_setup("roster_authz");
	actors[A_ADMIN] = &T.admin;
	actors[A_CW_A] = &T.cw_a;
	actors[A_CW_B] = &T.cw_b;
	actors[A_CLERK] = &T.clerk;
	actors[A_CLERK_A] = &T.clerk_a;
	actors[A_APPROVER] = &T.approver;
	actors[A_AUDITOR] = &T.auditor;
	rc = yh_t_run("roster_authz", cases);
	yh_t_teardown();
	return rc;
}
