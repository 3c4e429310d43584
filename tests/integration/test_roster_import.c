/* Roster import and export against a real PostgreSQL: GBK, BOM, all-or-nothing, re-runs, round trips. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_roster_util.h"
#include "yinhui/calendar.h"
#include "yinhui/encoding.h"
#include "yinhui/table.h"

#define NBIG 10000

static const char HEADER[] =
	"序号,姓名,性别,身份证号码,出生日期,类别,原工作单位,职级,参加工作时间,离退休时间,单位,区县,地址,电话,居住状况,照护等级,居住偏远,党员,备注\r\n";

static char *g_big;      /* the GBK file */
static size_t g_big_len;
static char *g_big_utf8; /* the same in UTF-8 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A refused import's errors, in order: line, column and a piece of the message. */
struct expected_error {
	int line;
	const char *column, *needle;
};

static void errors_are(const char *out, const struct expected_error *expect, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[64];
		const char *msg;
		snprintf(path, sizeof(path), "errors.%zu.line", i);
		CU_ASSERT_EQUAL(atoi(yh_t_json(out, path) ? yh_t_json(out, path) : "0"), expect[i].line);
		snprintf(path, sizeof(path), "errors.%zu.column", i);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, path) ? yh_t_json(out, path) : "", expect[i].column);
		snprintf(path, sizeof(path), "errors.%zu.message", i);
		msg = yh_t_json(out, path);
		CU_ASSERT(msg != NULL && strstr(msg, expect[i].needle) != NULL);
		if (msg == NULL || strstr(msg, expect[i].needle) == NULL)
			fprintf(stderr, "error %zu: %s\n", i, msg ? msg : "(none)");
	}
}

/* Row i of the generated roster, as Chinese Excel would save it (mixed date styles, unit names and codes). */
static void big_row(char *out, size_t n, int i, const char *care)
{
	static const char *const sur[] = { "陈", "林", "黄", "李", "吴", "欧阳", "梁", "何", "堃", "司马" };
	static const char *const given[] = { "伟", "芳", "国强", "秀英", "建华", "丽", "志明", "桂兰", "德", "·艾力" };
	static const char *const areas[] = { "440802", "440803", "440804", "440811", "440823", "440825", "440881", "440882", "440883" };
	static const char *const units[] = { "chikan", "xiashan", "赤坎东片", "bureau" };
	static const char *const livings[] = { "独居", "空巢", "与子女同住", "养老机构", "" };
	char birth[40], id[19], joined[40], bdigits[40];
	int days = i, y = 1925, m = 1, d = 1, lixiu;

	/* a distinct birth date per row keeps the ID numbers distinct */
	while (days > 0) {
		int dim = yh_date_days_in_month(y, m);
		if (days >= dim - d + 1) {
			days -= dim - d + 1;
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		} else {
			d += days;
			days = 0;
		}
	}
	snprintf(bdigits, sizeof(bdigits), "%04d%02d%02d", y, m, d);
	snprintf(id, sizeof(id), "%s", rt_id(areas[i % 9], bdigits, i % 1000));
	if (i % 3 == 0)
		snprintf(birth, sizeof(birth), "%d/%d/%d", y, m, d);
	else
		snprintf(birth, sizeof(birth), "%04d-%02d-%02d", y, m, d);
	lixiu = y <= 1931;
	if (lixiu)
		snprintf(joined, sizeof(joined), "1948.%02d", 1 + i % 9);
	else
		snprintf(joined, sizeof(joined), "%d-07-01", y + 20);
	snprintf(out, n, "%d,%s%s,%s,%s,%s,%s,湛江市第%d中学,%s,%s,,%s,%s,\"湛江市赤坎区中山一路%d号, %d房\",%s,%s,%s,%s,%s,\n",
		i + 1, sur[i % 10], given[(i / 10) % 10], (yh_idno_gender(id) == 'M') ? "男" : "女", id, birth,
		lixiu ? "离休" : "退休", i % 50, i % 7 == 0 ? "副处级" : "正科级", joined, units[i % 4], "赤坎区", i, i % 5,
		i % 11 == 0 ? "家:0759-3618688;13800138000" : "13912345678", livings[i % 5], care,
		i % 13 == 0 ? "是" : "否", i % 2 ? "是" : "否");
}

static void make_big(void)
{
	size_t cap = 4u << 20, len = 0;
	char *buf = malloc(cap), row[1024];
	yh_err err;

	strcpy(buf, HEADER);
	len = strlen(HEADER);
	for (int i = 0; i < NBIG; i++) {
		big_row(row, sizeof(row), i, i % 4 == 0 ? "自理" : "");
		memcpy(buf + len, row, strlen(row) + 1);
		len += strlen(row);
	}
	g_big_utf8 = buf;
	yh_err_clear(&err);
	if (yh_encoding_from_utf8(&g_big, &g_big_len, buf, len, YH_ENC_GBK, &err) != 0)
		fprintf(stderr, "GBK conversion: %s\n", err.msg);
}

static double g_validated_at; /* when validation ended, for the timing figures */

static void progress(void *arg, const char *phase, size_t done, size_t total)
{
	int *calls = arg;

	if (strcmp(phase, "validate") == 0 && done == total)
		g_validated_at = now_s();
	(*calls)++;
}

static void test_big_gbk(void)
{
	long audits = rt_audit_count();
	char *out = NULL;
	int calls = 0;
	double t0, t1;
	yh_err err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(g_big);
	CU_ASSERT_EQUAL(yh_encoding_detect(g_big, g_big_len), YH_ENC_GB18030);
	yh_err_clear(&err);
	t0 = now_s();
	CU_ASSERT_EQUAL_FATAL(yh_roster_import(T.db, &T.admin, g_big, g_big_len, NULL, "bureau", progress, &calls,
		&out, &err), 0);
	t1 = now_s();
	printf("\n    import of %d GBK rows (first run): %.3f s (%.0f rows/s; checks in C %.3f s, database %.3f s)\n",
		NBIG, t1 - t0, NBIG / (t1 - t0), g_validated_at - t0, t1 - g_validated_at);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "10000");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "0");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "encoding"), "gb18030");
	free(out);
	CU_ASSERT(calls >= NBIG / 500);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), NBIG);
	/* one audit row for the whole import */
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.import'"
				   " AND (after->>'created')::int = 10000 AND jsonb_array_length(after->'created_ids') = 10000"), 1);
	/* what the rows say arrived: compound surnames and ·, units by name, month-only dates */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '堃·艾力'"), 100);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id"
				   " WHERE u.code = 'chikan-east'"), NBIG / 4);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE category = '离休'"
				   " AND joined_on BETWEEN '1948-01-01' AND '1948-09-01' AND extract(day FROM joined_on) = 1"),
		yh_t_count("SELECT count(*) FROM yh.person WHERE category = '离休'"));
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE jsonb_array_length(phones) = 2"
				   " AND phones->0->>'label' = '家' AND phones->0->>'is_primary' = 'true'"), 910);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE address LIKE '%, %房'"), NBIG);
}

static void test_rerun_changes_nothing(void)
{
	long audits = rt_audit_count();
	char *stamp = NULL, *stamp2 = NULL, *out = NULL;
	double t0, t1;
	yh_err err;

	yh_err_clear(&err);
	yh_db_query_text(T.db, &stamp, "SELECT max(updated_at)::text || count(*) FROM yh.person", 0, NULL, NULL, &err);
	t0 = now_s();
	CU_ASSERT_EQUAL_FATAL(yh_roster_import(T.db, &T.admin, g_big, g_big_len, "gbk", "bureau", NULL, NULL, &out, &err), 0);
	t1 = now_s();
	printf("\n    import of %d GBK rows (same file again): %.3f s\n", NBIG, t1 - t0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "0");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "0");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "unchanged"), "10000");
	free(out);
	yh_db_query_text(T.db, &stamp2, "SELECT max(updated_at)::text || count(*) FROM yh.person", 0, NULL, NULL, &err);
	CU_ASSERT_STRING_EQUAL(stamp, stamp2);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1); /* the import record only */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE updated_at <> created_at"), 0);
	free(stamp);
	free(stamp2);
}

static void test_changed_rows_update(void)
{
	char row[1024], *file, *out = NULL;
	yh_err err;

	/* row 7 (line 8) now needs care, and row 8 is new: only those two change */
	file = malloc(strlen(HEADER) + 3000);
	strcpy(file, HEADER);
	big_row(row, sizeof(row), 7, "失能");
	strcat(file, row);
	big_row(row, sizeof(row), NBIG + 5, "");
	strcat(file, row);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_import(T.db, &T.clerk, file, strlen(file), NULL, "bureau", NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "1");
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE care_level = '失能'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.import' AND actor_name = 'clerk'"
				   " AND before->'updated'->0->>'care_level' IS NULL AND jsonb_array_length(after->'updated_ids') = 1"), 1);
	free(file);
}

/* New, changed and unchanged persons in one file: the audit names exactly who was created and who updated. */
static void test_mixed_audit(void)
{
	char row[1024], *file, *out = NULL;
	yh_err err;

	/* row 9 (no care level so far) changes, row 10 is as on file, row NBIG + 6 is new */
	file = malloc(strlen(HEADER) + 4000);
	strcpy(file, HEADER);
	big_row(row, sizeof(row), 9, "失能");
	strcat(file, row);
	big_row(row, sizeof(row), 10, "");
	strcat(file, row);
	big_row(row, sizeof(row), NBIG + 6, "");
	strcat(file, row);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, "bureau", NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "1");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "unchanged"), "1");
	free(out);
	/* created: the newest person; updated: the one now 失能, as it was before (no care level) */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log a WHERE a.id = (SELECT max(id) FROM yh.audit_log)"
				   " AND a.action = 'person.import' AND (a.after->>'rows')::int = 3"
				   " AND (a.after->>'unchanged')::int = 1 AND jsonb_array_length(a.after->'created_ids') = 1"
				   " AND a.after->'created_ids'->>0 = (SELECT uid::text FROM yh.person ORDER BY id DESC LIMIT 1)"
				   " AND jsonb_array_length(a.after->'updated_ids') = 1"
				   " AND jsonb_array_length(a.before->'updated') = 1"
				   " AND a.before->'updated'->0->>'id' = a.after->'updated_ids'->>0"
				   " AND a.before->'updated'->0->>'care_level' IS NULL"
				   " AND (SELECT care_level FROM yh.person WHERE uid::text = a.after->'updated_ids'->>0) = '失能'"), 1);
	/* the unchanged person was not rewritten */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE updated_at <> created_at"), 2);
	free(file);
}

typedef struct race_arg {
	const char *file;
	int rc;
	yh_err err;
	char *out;
} race_arg;

static void *race_import(void *p)
{
	race_arg *r = p;

	yh_err_clear(&r->err);
	r->rc = yh_roster_import(T.db, &T.admin, r->file, strlen(r->file), NULL, "bureau", NULL, NULL, &r->out, &r->err);
	return NULL;
}

/*
 * Another session adds the person with ID number id (name) and commits only
 * once the import of file waits for it on the ID number index: the import
 * must fail with a clear error naming expect_line and write nothing.
 */
static void race(const char *file, const char *id, const char *name, const char *expect_line)
{
	race_arg r = { file, 0, { 0 }, NULL };
	yh_fields *f = yh_t_fields("name", name, "id_number", id, "category", "退休", "unit", "bureau", NULL);
	yh_db *other = NULL, *watch = NULL;
	long persons = yh_t_count("SELECT count(*) FROM yh.person");
	char *out = NULL;
	pthread_t th;
	yh_err err;
	int waited = 0;

	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_db_open_like(&other, T.db, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_db_begin(other, &err), 0);
	CU_ASSERT_EQUAL_FATAL(yh_roster_create(other, &T.admin, f, &out, &err), 0);
	free(out);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, race_import, &r), 0);
	CU_ASSERT_EQUAL_FATAL(yh_db_open_like(&watch, T.db, &err), 0);
	for (;;) {
		char *n = NULL;
		int blocked = yh_db_query_text(watch, &n, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
			" AND datname = current_database() AND query LIKE 'WITH ins AS (INSERT INTO yh.person%'", 0, NULL, NULL, &err) == 0 && n && atol(n) > 0;
		free(n);
		if (blocked || ++waited == 500)
			break;
		usleep(20000);
	}
	yh_db_close(watch);
	CU_ASSERT(waited < 500);
	CU_ASSERT_EQUAL(yh_db_commit(other, &err), 0);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(r.rc, YH_ECONFLICT);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err.msg, expect_line));
	if (strstr(r.err.msg, expect_line) == NULL)
		fprintf(stderr, "\n    race: %d %s\n", r.rc, r.err.msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err.msg, "import the file again"));
	free(r.out);
	/* only the other session's person */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons + 1);
	yh_fields_free(f);
	yh_db_close(other);
}

/* A person added by someone else while the file is imported: a clear error naming the line, never a duplicate. */
static void test_concurrent_duplicate(void)
{
	const char *id = rt_id("440802", "19400505", 77);
	char file[1024], *out = NULL;
	yh_err err;

	snprintf(file, sizeof(file), "姓名,身份证号码,类别\n并发乙,%s,退休\n并发甲,%s,退休\n",
		rt_id("440802", "19400506", 78), id);
	race(file, id, "并发甲", "line 3 (身份证号码)");
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name IN ('并发甲', '并发乙')"), 1);
	/* again, now that the person is on file: it is updated */
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, "bureau", NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "1");
	free(out);
}

/* The same in the first chunk of a file of several: the rows read meanwhile are dropped, nothing is written. */
static void test_concurrent_duplicate_big(void)
{
	size_t cap = 12000 * 300 + 4096, len;
	char *file = malloc(cap), row[1024], id[19];

	/* a copy: big_row's rt_id calls reuse rt_id's ring of buffers */
	snprintf(id, sizeof(id), "%s", rt_id("440802", "19400507", 79));
	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	len = (size_t)snprintf(file, cap, "%s0,并发丙,,%s,,退休,,,,,,,,,,,,,\n", HEADER, id);
	for (int i = 0; i < 12000; i++) {
		big_row(row, sizeof(row), NBIG + 100 + i, "");
		memcpy(file + len, row, strlen(row) + 1);
		len += strlen(row);
	}
	race(file, id, "并发丙", "line 2 (身份证号码)");
	free(file);
}

/* Every bad row is reported with its line and column, and nothing is written. */
static void test_bad_rows(void)
{
	static const struct expected_error expect[] = {
		{ 3, "身份证号码", "check digit" },
		{ 4, "出生日期", "does not agree" },
		{ 5, "类别", "must be one of" },
		{ 6, "单位", "no unit" },
		{ 7, "身份证号码", "same ID number as line 2" },
		{ 8, "类别", "1949-09-30" },
		{ 9, "身份证号码", "spreadsheet" },
	};
	char *file = malloc(64 * 1024), *out = NULL;
	long persons = yh_t_count("SELECT count(*) FROM yh.person"), audits = rt_audit_count();
	yh_err err;

	sprintf(file, "姓名,身份证号码,出生日期,类别,参加工作时间,单位\n"
		"新一,%s,,退休,1970-01-01,chikan\n"  /* line 2: good */
		"新二,%s,,退休,,chikan\n"               /* 3: check digit */
		"新三,%s,1960-01-02,退休,,chikan\n"     /* 4: birth date */
		"新四,%s,,老干部,,chikan\n"             /* 5: category */
		"新五,%s,,退休,,nowhere\n"              /* 6: unit */
		"新六,%s,,退休,,chikan\n"               /* 7: duplicate of line 2 */
		"新七,%s,,离休,1950-01-01,chikan\n"     /* 8: 离休 too late */
		"新八,4.40802E+17,,退休,,chikan\n",     /* 9: Excel number */
		rt_id("440802", "19500101", 901), rt_bad_id("440802", "19500102", 902), rt_id("440802", "19600101", 903),
		rt_id("440802", "19500104", 904), rt_id("440802", "19500105", 905), rt_id("440802", "19500101", 901),
		rt_id("440802", "19300107", 907));
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "imported"), "false");
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), (long)(sizeof(expect) / sizeof(expect[0])));
	errors_are(out, expect, sizeof(expect) / sizeof(expect[0]));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "7 bad rows"));
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);

	/* one bad row among the 10,000: nothing imported, that row named */
	{
		size_t len = strlen(g_big_utf8);
		char *copy = malloc(len + 1), *line = copy, *gbk = NULL;
		size_t gbk_len = 0;
		int n = 0;
		memcpy(copy, g_big_utf8, len + 1);
		/* corrupt the check digit of line 5001 (data row 5000) */
		while (n < 5000) {
			line = strchr(line, '\n') + 1;
			n++;
		}
		{
			char *id = strchr(strchr(strchr(line, ',') + 1, ',') + 1, ',') + 1;
			id[17] = id[17] == '1' ? '2' : '1';
		}
		yh_encoding_from_utf8(&gbk, &gbk_len, copy, len, YH_ENC_GBK, &err);
		CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, gbk, gbk_len, NULL, "bureau", NULL, NULL, &out, &err), YH_EINVAL);
		CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), 1);
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.0.line"), "5001");
		CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.0.column"), "身份证号码");
		free(out);
		free(gbk);
		free(copy);
		CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	}
	free(file);
}

static void test_bom_and_english(void)
{
	char file[4096], *out = NULL;
	yh_err err;

	snprintf(file, sizeof(file), "\xEF\xBB\xBF姓名,身份证号码,类别,电话,紧急联系人\r\n"
		"卜一,%s,退休,0759-3618688,卜二/儿子/13800001111;卜三/女儿/0759-2222222\r\n"
		"王䶮,%s,退休,,\r\n", /* beyond GBK: UTF-8 carries it */
		rt_id("440883", "19410101", 1), rt_id("440883", "19410102", 2));
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.cw_a, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "encoding"), "utf-8-bom");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "2");
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id"
				   " WHERE p.name = '卜一' AND u.code = 'chikan' AND jsonb_array_length(p.emergency_contacts) = 2"
				   " AND p.emergency_contacts->1->>'phone' = '0759-2222222'"), 1);
	snprintf(file, sizeof(file), "name,id_number,category,care_level\n卜一,%s,退休,半失能\n", rt_id("440883", "19410101", 1));
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.cw_a, file, strlen(file), "utf-8", NULL, NULL, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "1");
	free(out);
	/* columns not in the file are left alone */
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '卜一' AND care_level = '半失能'"
				   " AND phones->0->>'number' = '0759-3618688' AND jsonb_array_length(emergency_contacts) = 2"), 1);
	/* header problems are reported once, on line 1 */
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.cw_a, "姓名,身份证号码,颜色\n", strlen("姓名,身份证号码,颜色\n"), NULL, NULL,
		NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), 2); /* 颜色 unknown, 类别 missing */
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.0.line"), "1");
	free(out);
}

/* "４４０８…": a number in the full-width digits of a Chinese input method. */
static void fullwidth(char *out, size_t n, const char *s)
{
	size_t o = 0;

	for (; *s && o + 4 < n; s++) {
		if (*s > ' ' && *s <= '~') {
			unsigned cp = 0xFF00u + (unsigned)(*s - 0x20);
			out[o++] = (char)0xEF;
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* Files as Excel, WPS and LibreOffice save them: what is unambiguous goes in, what they mangled is named. */
static void test_spreadsheet_files(void)
{
	static const struct expected_error expect[] = {
		{ 2, "身份证号码", "format the column as text" },    /* 4.40802E+17 */
		{ 3, "身份证号码", "only 15 digits" },               /* 15 digits and 000 */
		{ 4, "身份证号码", "ends in .0" },
		{ 5, "电话", "format the column as text" },          /* 1.38001E+10 */
		{ 6, "电话", "leading 0" },                          /* 7593618688 */
		{ 7, "参加工作时间", "January or October" },         /* 1949.1 from 1949.10 */
		{ 8, "参加工作时间", "serial number" },              /* 15040 */
		{ 9, "参加工作时间", "day first or month first" },   /* 3/5/1961 */
		{ 10, "参加工作时间", "two-digit year" },            /* 61-3-5 */
		{ 11, "紧急联系人", "format the column as text" },   /* 卜/子女/1.38001E+10 */
	};
	char file[8192], fw_id[128], fw_date[64], fw_phone[64], cut[24], grouped[19], *out = NULL;
	long persons = yh_t_count("SELECT count(*) FROM yh.person"), audits;
	int seq = 0;
	yh_err err;

	yh_err_clear(&err);
	/* Excel's "CSV UTF-8": BOM, CRLF, typed dates, a date-time cell, quoted commas and line breaks,
	 * full-width digits, columns and rows left empty at the end */
	fullwidth(fw_id, sizeof(fw_id), rt_id("440802", "19410316", 31));
	fullwidth(fw_date, sizeof(fw_date), "1941年3月16日");
	fullwidth(fw_phone, sizeof(fw_phone), "138-0013-8000");
	snprintf(grouped, sizeof(grouped), "%s", rt_id("440802", "19410318", 35));
	snprintf(file, sizeof(file), "\xEF\xBB\xBF姓名,身份证号码,出生日期,类别,参加工作时间,单位,电话,备注,,\r\n"
		"表甲,%s,1941/3/5,退休,1961-3-5,chikan,13800138000,\"独居，子女在外地, 每周电话\",,\r\n"
		"表乙,%s,1941年3月6日,退休,1962年7月,chikan,\"0759-3618688;13912345678\",\"第一行\r\n第二行\",,\r\n"
		"表丙,%s,19300307 00:00:00,离休,1948.10,chikan,,,,\r\n"
		"表丁,%s,%s,退休,1961/3/5 0:00,chikan,%s,,,\r\n"
		"表戊,=\"%s\",,退休,,chikan,=\"13800138001\",,,\r\n" /* a program's text form for Excel */
		"表己,%.6s %.8s %s,,退休,,chikan,,,,\r\n" /* typed in groups */
		",,,,,,,,,\r\n,,,,,,,,,\r\n",
		rt_id("440802", "19410305", 11), rt_id("440802", "19410306", 13), rt_id("440802", "19300307", 15), fw_id,
		fw_date, fw_phone, rt_id("440802", "19410317", 33), grouped, grouped + 6, grouped + 14);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), 0);
	if (err.code)
		fprintf(stderr, "spreadsheet file: %s\n%s\n", err.msg, out ? out : "");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created") ? yh_t_json(out, "created") : "", "6");
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表甲' AND birth_date = '1941-03-05'"
				   " AND joined_on = '1961-03-05' AND note = '独居，子女在外地, 每周电话'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表乙' AND joined_on = '1962-07-01'"
				   " AND note = E'第一行\\r\\n第二行' AND jsonb_array_length(phones) = 2"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表丙' AND birth_date = '1930-03-07'"
				   " AND joined_on = '1948-10-01'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表丁' AND birth_date = '1941-03-16'"
				   " AND joined_on = '1961-03-05' AND phones->0->>'number' = '13800138000'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表戊' AND birth_date = '1941-03-17'"
				   " AND phones->0->>'number' = '13800138001'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '表己' AND birth_date = '1941-03-18'"), 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons + 6);

	/* numbers and dates a spreadsheet mangled: every one named with how to fix it, nothing written */
	persons = yh_t_count("SELECT count(*) FROM yh.person");
	audits = rt_audit_count();
	/* an ID number cut to 15 digits and filled with 000, whose check digit is then wrong */
	for (;;) {
		snprintf(cut, sizeof(cut), "%.15s000", rt_id("440802", "19410308", seq++));
		if (yh_idno_check_digit(cut) != '0')
			break;
	}
	snprintf(file, sizeof(file), "姓名,身份证号码,类别,参加工作时间,电话,紧急联系人\n"
		"坏一,4.40802E+17,退休,,,\n"
		"坏二,%s,退休,,,\n"
		"坏三,440802410315123.0,退休,,,\n"
		"坏四,%s,退休,,1.38001E+10,\n"
		"坏五,%s,退休,,7593618688,\n"
		"坏六,%s,离休,1949.1,,\n"
		"坏七,%s,退休,15040,,\n"
		"坏八,%s,退休,3/5/1961,,\n"
		"坏九,%s,退休,61-3-5,,\n"
		"坏十,%s,退休,,,卜一/子女/1.38001E+10\n",
		cut, rt_id("440802", "19410309", 41), rt_id("440802", "19410310", 43), rt_id("440802", "19300311", 45),
		rt_id("440802", "19410312", 47), rt_id("440802", "19410313", 49), rt_id("440802", "19410314", 51),
		rt_id("440802", "19410315", 53));
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), (long)(sizeof(expect) / sizeof(expect[0])));
	errors_are(out, expect, sizeof(expect) / sizeof(expect[0]));
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person"), persons);
	CU_ASSERT_EQUAL(rt_audit_count(), audits);

	/* 出生年月 gives the month: the ID number gives the day, and the month must agree with it */
	snprintf(file, sizeof(file), "姓名,身份证号码,出生年月,类别,单位\n月甲,%s,1941.03,退休,chikan\n"
		"月乙,%s,1941年3月,退休,chikan\n", rt_id("440802", "19410305", 57), rt_id("440802", "19410320", 59));
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), 0);
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name IN ('月甲', '月乙')"
				   " AND birth_date IN ('1941-03-05', '1941-03-20')"), 2);
	snprintf(file, sizeof(file), "姓名,身份证号码,出生年月,类别,单位\n月丙,%s,1941.04,退休,chikan\n",
		rt_id("440802", "19410305", 61));
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.0.column") ? yh_t_json(out, "errors.0.column") : "", "出生日期");
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, "errors.0.message") ? yh_t_json(out, "errors.0.message") : "",
		"birth month 1941-04"));
	free(out);
	out = NULL;

	/* saved as "Text (tab-delimited)": said so, not three missing columns */
	snprintf(file, sizeof(file), "姓名\t身份证号码\t类别\n卜一\t%s\t退休\n", rt_id("440802", "19410316", 55));
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, "errors.0.message") ? yh_t_json(out, "errors.0.message") : "", "tabs"));
	free(out);
	out = NULL;
	/* a long unknown header cut inside a character: the error still reaches the report */
	snprintf(file, sizeof(file), "姓名,身份证号码,类别,a这是一个很长的列名用来看截断会不会切开一个汉字而让错误丢失\n");
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), 1);
	free(out);
}

/* The ID number of data row i of the big file (its fourth field). */
static void big_id(int i, char id[19])
{
	char row[1024];
	const char *c;

	big_row(row, sizeof(row), i, "");
	c = strchr(strchr(strchr(row, ',') + 1, ',') + 1, ',') + 1;
	memcpy(id, c, 18);
	id[18] = '\0';
}

static void test_import_scope(void)
{
	char file[4096], xia[19], *out = NULL;
	yh_err err;

	/* chikan's caseworker may neither put a row into xiashan nor change a xiashan cadre (big file row 1) */
	big_id(1, xia);
	snprintf(file, sizeof(file), "姓名,身份证号码,类别,单位\n新甲,%s,退休,xiashan\n林伟,%s,退休,\n",
		rt_id("440802", "19420101", 2), xia);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.cw_a, file, strlen(file), NULL, NULL, NULL, NULL, &out, &err), YH_EINVAL);
	CU_ASSERT_EQUAL(yh_t_json_len(out, "errors"), 2);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.0.column"), "单位");
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, "errors.0.message"), "outside your units"));
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "errors.1.line"), "3");
	CU_ASSERT_PTR_NOT_NULL(strstr(yh_t_json(out, "errors.1.message"), "outside yours"));
	free(out);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.person WHERE name = '新甲'"), 0);
}

static void test_export_round_trip(void)
{
	yh_roster_export_opts o = { NULL, NULL, YH_TABLE_CSV, YH_ENC_UTF8_BOM, 0 };
	long audits = rt_audit_count();
	char *buf = NULL, *out = NULL;
	size_t len = 0;
	yh_err err;

	yh_err_clear(&err);
	/* the admin's export carries full numbers and is audited */
	CU_ASSERT_EQUAL_FATAL(yh_roster_export_buffer(T.db, &T.admin, &o, &buf, &len, &err), 0);
	CU_ASSERT(len > 3 && memcmp(buf, "\xEF\xBB\xBF姓名,性别,身份证号码", 3 + strlen("姓名,性别,身份证号码")) == 0);
	CU_ASSERT_EQUAL(rt_audit_count(), audits + 1);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.audit_log WHERE action = 'person.export'"
				   " AND (after->>'rows')::int = (SELECT count(*) FROM yh.person WHERE kind = 'cadre')"), 1);
	CU_ASSERT_PTR_NULL(strstr(buf, "********"));
	/* ... and imports back without a change */
	CU_ASSERT_EQUAL(yh_roster_import(T.db, &T.admin, buf, len, NULL, NULL, NULL, NULL, &out, &err), 0);
	if (err.code)
		fprintf(stderr, "round trip: %s\n", err.msg);
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "created"), "0");
	CU_ASSERT_STRING_EQUAL(yh_t_json(out, "updated"), "0");
	free(out);
	free(buf);
	/* a caseworker's export is masked, not audited, and holds only chikan's subtree */
	audits = rt_audit_count();
	CU_ASSERT_EQUAL(yh_roster_export_buffer(T.db, &T.cw_a, &o, &buf, &len, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "********"));
	CU_ASSERT_PTR_NULL(strstr(buf, ",xiashan,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ",chikan-east,"));
	CU_ASSERT_EQUAL(rt_audit_count(), audits);
	free(buf);
	/* GBK and XLSX */
	o.encoding = YH_ENC_GBK;
	o.unit = "xiashan";
	CU_ASSERT_EQUAL(yh_roster_export_buffer(T.db, &T.auditor, &o, &buf, &len, &err), 0);
	CU_ASSERT_EQUAL(yh_encoding_detect(buf, len), YH_ENC_GB18030);
	free(buf);
	o.format = YH_TABLE_XLSX;
	CU_ASSERT_EQUAL(yh_roster_export_buffer(T.db, &T.auditor, &o, &buf, &len, &err), 0);
	CU_ASSERT(len > 4 && memcmp(buf, "PK\x03\x04", 4) == 0);
	free(buf);
}

/* yh.person_tally (0067) still counts every person after the suite's imports */
static void test_tally_in_step(void)
{
	CU_ASSERT_EQUAL(yh_t_tally_drift(), 0);
}

static const yh_t_case cases[] = {
	{ "10,000 cadres from a GBK file", test_big_gbk },
	{ "the same file again changes nothing", test_rerun_changes_nothing },
	{ "changed rows update, new rows create", test_changed_rows_update },
	{ "new, changed and unchanged: the audit names who", test_mixed_audit },
	{ "a person added meanwhile: a clear error", test_concurrent_duplicate },
	{ "... in the first of several chunks", test_concurrent_duplicate_big },
	{ "bad rows: every one named, nothing written", test_bad_rows },
	{ "UTF-8 with BOM, English headers, partial columns", test_bom_and_english },
	{ "files as spreadsheets save them", test_spreadsheet_files },
	{ "import stays in the actor's units", test_import_scope },
	{ "export round trip", test_export_round_trip },
	{ "person tally in step", test_tally_in_step },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	setenv("YINHUI_DATA_KEY", RT_DATA_KEY, 1);
	make_big();
	yh_t_setup("roster_import");
	rc = yh_t_run("roster_import", cases);
	yh_t_teardown();
	free(g_big);
	free(g_big_utf8);
	return rc;
}
