/*
 * bench_pay - times a 100,000-line payment batch: generate, then export the
 * bank file (CSV, every ID and account number decrypted). A benchmark, not a
 * test: run it through scripts/bench-pay, which builds it and starts a
 * throwaway PostgreSQL cluster.
 *
 *   bench_pay DSN [LINES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"
#include "yinhui/migrate.h"
#include "yinhui/pay.h"
#include "yinhui/pii.h"
#include "yinhui/staff.h"
#include "yinhui/table.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define PASSWORD "bench-password-1"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process plus the server backend (pid), from /proc: what the wall time would be on an idle machine. */
static double cpu(long backend)
{
	struct timespec ts;
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	double s;
	FILE *f;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	snprintf(path, sizeof(path), "/proc/%ld/stat", backend);
	f = fopen(path, "r");
	if (f != NULL && fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) != NULL &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
		s += (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	if (f != NULL)
		fclose(f);
	return s;
}

static void die(const char *what, const yh_err *err)
{
	fprintf(stderr, "bench_pay: %s: %s %s\n", what, err ? err->field : "", err ? err->msg : "");
	exit(1);
}

/* Logs user in; when role is given, admin creates the account first. */
static void actor(yh_db *db, const yh_actor *admin, const char *user, const char *role, yh_actor *out)
{
	yh_fields *f = NULL;
	char token[96], *json = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (role != NULL) {
		yh_fields_new(&f);
		yh_fields_set(f, "username", user, YH_FV_STRING, NULL);
		yh_fields_set(f, "role", role, YH_FV_STRING, NULL);
		yh_fields_set(f, "unit", "bureau", YH_FV_STRING, NULL);
		if (yh_staff_add(db, admin, f, PASSWORD, &json, &err) != 0)
			die("staff", &err);
		free(json);
		yh_fields_free(f);
	}
	if (yh_session_login(db, user, PASSWORD, "bench", token, sizeof(token), &json, &err) != 0 ||
	    yh_session_resolve(db, token, out, &err) != 0)
		die("login", &err);
	free(json);
}

/* Appends one COPY text line; values never hold tabs, newlines or backslashes except bytea's "\\x". */
static void line(char **buf, size_t *len, size_t *cap, const char *const *cols, int n)
{
	for (int i = 0; i < n; i++) {
		size_t l = strlen(cols[i]);
		while (*len + 2 * l + 4 > *cap) {
			*cap *= 2;
			*buf = realloc(*buf, *cap);
			if (*buf == NULL)
				die("out of memory", NULL);
		}
		for (size_t k = 0; k < l; k++) {
			if (cols[i][k] == '\\')
				(*buf)[(*len)++] = '\\';
			(*buf)[(*len)++] = cols[i][k];
		}
		(*buf)[(*len)++] = i + 1 < n ? '\t' : '\n';
	}
}

int main(int argc, char **argv)
{
	yh_db *db = NULL;
	yh_actor admin, clerk, approver;
	yh_err err;
	char *out = NULL, *pbuf = malloc(1 << 20), *ebuf = malloc(1 << 20), dbname[1024];
	size_t plen = 0, pcap = 1 << 20, elen = 0, ecap = 1 << 20;
	int n = argc > 2 ? atoi(argv[2]) : 100000, applied = 0;
	double t0, c0, t_gen, t_approve, t_export, c_gen, c_export;
	long backend = 0;
	char batch[40], path[] = "/tmp/yh-bench-daifa.csv";

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pay DSN [LINES]\n");
		return 2;
	}
	setenv("YINHUI_DATA_KEY", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1);
	yh_err_clear(&err);
	memset(&admin, 0, sizeof(admin));
	if (yh_db_open(&db, argv[1], "bench", &err) != 0)
		die("connect", &err);
	yh_db_exec(db, "DROP DATABASE IF EXISTS yhbench_pay WITH (FORCE)", 0, NULL, &err);
	if (yh_db_exec(db, "CREATE DATABASE yhbench_pay", 0, NULL, &err) < 0)
		die("create database", &err);
	yh_db_close(db);
	snprintf(dbname, sizeof(dbname), "%s dbname=yhbench_pay", argv[1]);
	if (yh_db_open(&db, dbname, "bench", &err) != 0 || yh_migrate_apply(db, yh_migrate_dir(), &applied, &err) != 0 ||
	    yh_staff_bootstrap(db, "admin", PASSWORD, "bureau", "市委老干部局", &err) != 0)
		die("setup", &err);
	actor(db, NULL, "admin", NULL, &admin);
	actor(db, &admin, "clerk", "clerk", &clerk);
	actor(db, &admin, "approver", "approver", &approver);
	{
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "code", "bench", YH_FV_STRING, NULL);
		yh_fields_set(f, "name", "基准测试补助", YH_FV_STRING, NULL);
		yh_fields_set(f, "budget_line", "2080599", YH_FV_STRING, NULL);
		yh_fields_set(f, "period", "monthly", YH_FV_STRING, NULL);
		yh_fields_set(f, "amount", "657.55", YH_FV_STRING, NULL);
		if (yh_programme_add(db, &clerk, f, &out, &err) != 0)
			die("programme", &err);
		free(out);
		yh_fields_free(f);
	}
	/* n persons with real sealed ID and account numbers, loaded by COPY */
	t0 = now();
	for (int i = 0; i < n; i++) {
		char uid[37], idno[19], acct[20], name[32], masked[19], ib[YH_PII_BIDX_HEX], ab[YH_PII_BIDX_HEX], am[16];
		char *ic = NULL, *ac = NULL;
		snprintf(idno, sizeof(idno), "440802193007%05d", i % 100000);
		idno[17] = yh_idno_check_digit(idno);
		idno[18] = '\0';
		snprintf(acct, sizeof(acct), "6222%012d", i);
		snprintf(name, sizeof(name), "受助人%06d", i);
		snprintf(am, sizeof(am), "****%s", acct + 12);
		yh_uuid_new(uid);
		yh_idno_mask(masked, idno);
		if (yh_pii_seal(&ic, idno, &err) != 0 || yh_pii_bidx(ib, "idno", idno, &err) != 0 ||
		    yh_pii_seal(&ac, acct, &err) != 0 || yh_pii_bidx(ab, "account", acct, &err) != 0)
			die("seal", &err);
		{
			const char *p[] = { uid, "cadre", name, "F", ib, ic, masked, "1930-07-01", "退休", "1" };
			const char *e[] = { uid, ab, ac, am };
			line(&pbuf, &plen, &pcap, p, 10);
			line(&ebuf, &elen, &ecap, e, 4);
		}
		free(ic);
		free(ac);
	}
	if (yh_db_copy_in(db, "COPY yh.person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, birth_date,"
		    " category, unit_id) FROM STDIN", pbuf, plen, &err) < 0 ||
	    yh_db_exec(db, "CREATE TEMP TABLE stage (uid uuid, account_bidx bytea, account_cipher bytea, masked text)",
		    0, NULL, &err) < 0 ||
	    yh_db_copy_in(db, "COPY stage FROM STDIN", ebuf, elen, &err) < 0 ||
	    yh_db_exec(db, "INSERT INTO yh.enrolment (uid, programme_id, person_id, start_on, holder_name, account_bidx,"
		    " account_cipher, account_masked, bank_name) SELECT gen_random_uuid(), g.id, p.id, '2022-01-01', p.name,"
		    " s.account_bidx, s.account_cipher, s.masked, '中国工商银行湛江分行' FROM stage s"
		    " JOIN yh.person p ON p.uid = s.uid, yh.programme g WHERE g.code = 'bench'", 0, NULL, &err) < 0 ||
	    yh_db_exec(db, "ANALYZE", 0, NULL, &err) < 0)
		die("load", &err);
	printf("loaded %d enrolled persons in %.2f s (setup, not timed)\n", n, now() - t0);
	{
		char *pid = NULL;
		if (yh_db_query_text(db, &pid, "SELECT pg_backend_pid()", 0, NULL, NULL, &err) == 0 && pid)
			backend = atol(pid);
		free(pid);
	}

	{
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "programme", "bench", YH_FV_STRING, NULL);
		yh_fields_set(f, "period", "2022-03", YH_FV_STRING, NULL);
		t0 = now();
		c0 = cpu(backend);
		if (yh_batch_generate(db, &clerk, f, &out, &err) != 0)
			die("generate", &err);
		t_gen = now() - t0;
		c_gen = cpu(backend) - c0;
		yh_fields_free(f);
	}
	{
		const char *id = strstr(out, "\"id\" : \"");
		snprintf(batch, sizeof(batch), "%.36s", id ? id + 8 : "");
		free(out);
	}
	{
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "meeting_ref", "基准测试会议", YH_FV_STRING, NULL);
		t0 = now();
		if (yh_batch_approve(db, &approver, batch, f, &out, &err) != 0)
			die("approve", &err);
		t_approve = now() - t0;
		free(out);
		yh_fields_free(f);
	}
	{
		yh_bankfile_opts o = { YH_TABLE_CSV, "gbk", path };
		t0 = now();
		c0 = cpu(backend);
		if (yh_batch_export(db, &clerk, batch, &o, &out, &err) != 0)
			die("export", &err);
		t_export = now() - t0;
		c_export = cpu(backend) - c0;
		printf("export: %s\n", out);
		free(out);
	}
	printf("lines: %d\ngenerate: %.2f s (CPU %.2f s)\napprove: %.2f s\nexport (CSV, GBK): %.2f s (CPU %.2f s)\n"
		"generate + export: %.2f s wall, %.2f s CPU of client and server (target < 5 s)\n", n, t_gen, c_gen,
		t_approve, t_export, c_export, t_gen + t_export, c_gen + c_export);
	{
		yh_bankfile_opts o = { YH_TABLE_XLSX, NULL, "/tmp/yh-bench-daifa.xlsx" };
		t0 = now();
		if (yh_batch_export(db, &clerk, batch, &o, &out, &err) != 0)
			die("export xlsx", &err);
		printf("export again as XLSX: %.2f s\n", now() - t0);
		free(out);
	}
	remove(path);
	remove("/tmp/yh-bench-daifa.xlsx");
	free(pbuf);
	free(ebuf);
	yh_db_close(db);
	return 0;
}
