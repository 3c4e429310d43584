/*
 * Operating Yinhui without a database: what `yinhui config show` prints
 * (secrets masked, sources named, libpq variables shown) and the example
 * configuration in deploy/ (every setting documented, and valid).
 */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yinhui/config.h"
#include "yinhui/log.h"

static char dir[64];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* yh_config_print of a configuration loaded from text (mode 0600); caller frees. */
static char *show(const char *text)
{
	char path[128], *buf = NULL;
	size_t len = 0;
	yh_config *c = NULL;
	yh_err err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/show.conf", dir);
	write_file(path, text, 0600);
	setenv("YINHUI_CONFIG", path, 1);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_config_load(&c, &err), 0);
	f = open_memstream(&buf, &len);
	yh_config_print(c, f);
	fclose(f);
	yh_config_free(c);
	return buf;
}

static void test_masking(void)
{
	static const struct {
		const char *url, *secret, *shown;
	} cases[] = {
		{ "postgresql://yh:topsecret@db1:5432/yinhui", "topsecret", "postgresql://yh:********@db1:5432/yinhui" },
		{ "postgres://yh:p%40ss@db1/yinhui?sslmode=require", "p%40ss", "postgres://yh:********@db1/yinhui?sslmode=require" },
		{ "postgresql://yh@db1/yinhui?password=qsecret&sslmode=verify-full", "qsecret",
		  "postgresql://yh@db1/yinhui?password=********&sslmode=verify-full" },
		{ "host=db1 user=yh password=kvsecret dbname=yinhui", "kvsecret", "host=db1 user=yh password=******** dbname=yinhui" },
		{ "host=db1 password = 'quoted \\' secret' dbname=yinhui", "quoted", "host=db1 password=******** dbname=yinhui" },
		{ "host=/var/run/postgresql dbname=yinhui", NULL, "host=/var/run/postgresql dbname=yinhui" },
		{ "postgresql:///yinhui?passfile=/etc/yinhui/pgpass", NULL, "postgresql:///yinhui?passfile=/etc/yinhui/pgpass" },
	};
	char conf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;

		snprintf(conf, sizeof(conf), "database_url = \"%s\"\n", cases[i].url);
		out = show(conf);
		if (cases[i].secret)
			CU_ASSERT_PTR_NULL(strstr(out, cases[i].secret));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, cases[i].shown));
		if (strstr(out, cases[i].shown) == NULL)
			fprintf(stderr, "case %zu:\n%s", i, out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "# file;"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "# database: database_url"));
		free(out);
	}
}

static void test_sources_and_libpq(void)
{
	char *out;

	setenv("YINHUI_WORKERS", "48", 1);
	setenv("PGSSLMODE", "verify-full", 1);
	setenv("PGPASSWORD", "envsecret", 1);
	setenv("PGHOST", "/var/run/postgresql", 1);
	out = show("listen = 0.0.0.0:8640\ndata_key_file = /srv/key\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0.0.0.0:8640"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# file; daemon address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "48"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# environment; database connections"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# default; seconds"));
	CU_ASSERT_PTR_NULL(strstr(out, "/srv/key")); /* a secret setting */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(loaded)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PGSSLMODE              = verify-full"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PGPASSWORD             = ********"));
	CU_ASSERT_PTR_NULL(strstr(out, "envsecret"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# database: libpq PG* environment"));
	free(out);
	unsetenv("YINHUI_WORKERS");
	unsetenv("PGSSLMODE");
	unsetenv("PGPASSWORD");
	unsetenv("PGHOST");
	out = show("# nothing set\n");
	CU_ASSERT_PTR_NULL(strstr(out, "libpq environment"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "# database: embedded cluster"));
	free(out);
}

static void test_secret_file_readable_refused(void)
{
	char path[128];
	yh_config *c = NULL;
	yh_err err;

	snprintf(path, sizeof(path), "%s/open.conf", dir);
	write_file(path, "database_url = postgresql://yh:pw@db/yinhui\n", 0644);
	setenv("YINHUI_CONFIG", path, 1);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_config_load(&c, &err), YH_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "chmod 600"));
	yh_config_free(c);
}

/* deploy/yinhui.conf.example documents every setting, and uncommented it is a valid file. */
static void test_example_covers_every_setting(void)
{
	char path[1024], line[1024], copy[128], want[128];
	char *text = NULL;
	size_t len = 0;
	yh_config_key k;
	yh_config *c = NULL;
	FILE *in, *out;
	yh_err err;

	snprintf(path, sizeof(path), "%s/deploy/yinhui.conf.example", YH_SOURCE_DIR);
	in = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	out = open_memstream(&text, &len);
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	fclose(out);
	fclose(in);
	for (size_t i = 0; yh_config_key_info(i, &k) == 0; i++) {
		snprintf(want, sizeof(want), "\n#%s = ", k.key);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
		if (strstr(text, want) == NULL)
			fprintf(stderr, "setting %s is not in %s\n", k.key, path);
	}
	/* uncomment the "#key = value" lines and load the result */
	snprintf(copy, sizeof(copy), "%s/example.conf", dir);
	out = fopen(copy, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		int setting = p[0] == '#' && p[1] >= 'a' && p[1] <= 'z' && memchr(p, '=', n) != NULL;

		fprintf(out, "%.*s\n", (int)(n - (setting ? 1 : 0)), p + (setting ? 1 : 0));
		p += n + (p[n] == '\n');
	}
	fclose(out);
	chmod(copy, 0600);
	free(text);
	setenv("YINHUI_CONFIG", copy, 1);
	yh_err_clear(&err);
	CU_ASSERT_EQUAL(yh_config_load(&c, &err), 0);
	if (c) {
		CU_ASSERT_STRING_EQUAL(yh_config_get(c, "listen"), "127.0.0.1:8640");
		CU_ASSERT_EQUAL(yh_config_get_int(c, "workers", 0), 32);
	} else {
		fprintf(stderr, "example does not load: %s\n", err.msg);
	}
	yh_config_free(c);
	unlink(copy);
}

/*
 * Every log event is one line: a message carrying newlines (PostgreSQL's
 * notices end in one, its errors hold DETAIL lines) must not break a line
 * apart, or journalctl | grep rid=... loses the rest and a blank line appears.
 */
static void test_log_one_line(void)
{
	char path[128], text[1024];
	size_t n;
	FILE *f;
	int saved, fd;

	snprintf(path, sizeof(path), "%s/log.txt", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	yh_log_set_level(YH_LOG_DEBUG);
	yh_log_warn("postgres: %s", "NOTICE:  schema \"yh\" already exists, skipping\n");
	yh_log_warn("%s", "connection failed: No such file or directory\n\tIs the server running?\r\n");
	yh_log_set_level(YH_LOG_INFO);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	unlink(path);
	n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_PTR_NULL(strchr(text, '\r'));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "skipping\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "directory Is the server running?\n"));
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "config show masks passwords in every form", test_masking },
		{ "config show names sources and libpq variables", test_sources_and_libpq },
		{ "a readable file with a secret is refused", test_secret_file_readable_refused },
		{ "the example configuration covers every setting", test_example_covers_every_setting },
		{ "a log event is one line", test_log_one_line },
	};
	const char *keep[] = { "YINHUI_DATABASE_URL", "PGHOST", "PGDATABASE", "PGSERVICE", "PGPASSWORD", NULL };
	CU_pSuite s;
	unsigned failures;

	for (int i = 0; keep[i]; i++)
		unsetenv(keep[i]);
	/* the caller's own YINHUI_* and libpq PG* variables would show up as sources: start from none */
	for (int again = 1; again;) {
		extern char **environ;
		again = 0;
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "YINHUI_", 7) == 0 || strncmp(*e, "PG", 2) == 0) {
				char name[128];
				size_t n = strcspn(*e, "=");
				if (n >= sizeof(name))
					continue;
				memcpy(name, *e, n);
				name[n] = '\0';
				unsetenv(name);
				again = 1;
				break;
			}
	}
	snprintf(dir, sizeof(dir), "/tmp/yhops.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("ops", NULL, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_add_test(s, cases[i].name, cases[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	{
		char path[128];
		snprintf(path, sizeof(path), "%s/show.conf", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/open.conf", dir);
		unlink(path);
		rmdir(dir);
	}
	return failures == 0 ? 0 : 1;
}
