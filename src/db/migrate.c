#include "yinhui/migrate.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yinhui/log.h"

#define MAX_MIGRATIONS 512

struct migration {
	int version;
	char name[256];
	char checksum[65];
	char *sql;
};

static const char Q_BOOTSTRAP[] =
	"CREATE SCHEMA IF NOT EXISTS yh;"
	"CREATE TABLE IF NOT EXISTS yh.schema_migrations ("
	" version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";
static const char Q_APPLIED[] =
	"SELECT version, name, checksum FROM yh.schema_migrations ORDER BY version";
static const char Q_RECORD[] =
	"INSERT INTO yh.schema_migrations (version, name, checksum) VALUES ($1::int, $2, $3)";
static const char Q_LOCK[] = "SELECT pg_advisory_xact_lock(7165636)";

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *yh_migrate_dir(void)
{
	static char dir[4096];
	const char *env = getenv("YINHUI_MIGRATIONS");
	char exe[sizeof(dir) - 64]; /* room for the suffix */
	ssize_t len;

	if (env != NULL && *env)
		return env;
#ifdef YH_DEV_TREE
	/* a developer's build runs against the migrations it was built from */
	snprintf(dir, sizeof(dir), "%s/migrations", YH_SOURCE_DIR);
	if (is_dir(dir))
		return dir;
#endif
	/* BINDIR/../share/yinhui/migrations: a relocated install (dpkg -x, another prefix) finds its own */
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../share/yinhui/migrations", exe);
			if (is_dir(dir))
				return dir;
		}
	}
	snprintf(dir, sizeof(dir), "%s/migrations", YH_DATADIR);
	return dir;
}

static int cmp_migration(const void *a, const void *b)
{
	return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

static void free_list(struct migration *m, int n)
{
	for (int i = 0; i < n; i++)
		free(m[i].sql);
	free(m);
}

static int read_file(const char *path, char **out, yh_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;
	int rc = 0;

	*out = NULL;
	if (f == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "cannot read %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot read %s", path);
		goto done;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "cannot read %s", path);
		goto done;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
done:
	free(buf);
	fclose(f);
	return rc;
}

static int load_dir(const char *dir, struct migration **out, int *count, yh_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct migration *list = NULL;
	int n = 0, rc = 0;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "migrations directory %s not found", dir);
	list = calloc(MAX_MIGRATIONS, sizeof(*list));
	if (list == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[2048];
		unsigned char hash[crypto_hash_sha256_BYTES];

		if (len < 9 || strcmp(e->d_name + len - 4, ".sql") != 0 ||
		    e->d_name[0] < '0' || e->d_name[0] > '9' || e->d_name[4] != '_')
			continue;
		if (n == MAX_MIGRATIONS) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "too many migrations");
			goto done;
		}
		list[n].version = atoi(e->d_name);
		snprintf(list[n].name, sizeof(list[n].name), "%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rc = read_file(path, &list[n].sql, err);
		if (rc != 0)
			goto done;
		crypto_hash_sha256(hash, (const unsigned char *)list[n].sql, strlen(list[n].sql));
		sodium_bin2hex(list[n].checksum, sizeof(list[n].checksum), hash, sizeof(hash));
		n++;
	}
	qsort(list, (size_t)n, sizeof(*list), cmp_migration);
	for (int i = 1; i < n; i++)
		if (list[i].version == list[i - 1].version) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "two migrations numbered %04d", list[i].version);
			goto done;
		}
	*out = list;
	*count = n;
	list = NULL;
done:
	if (list != NULL)
		free_list(list, n);
	closedir(d);
	return rc;
}

/* Compares files with the record; *first_pending is the index of the first file to apply. */
static int check(yh_db *db, struct migration *list, int n, int *first_pending, yh_err *err)
{
	yh_rows *rows = NULL;
	int rc;
	size_t i;

	rc = yh_db_query(db, &rows, Q_APPLIED, 0, NULL, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < yh_rows_count(rows); i++) {
		int version = atoi(yh_rows_value(rows, i, 0));
		if ((int)i >= n || list[i].version != version) {
			rc = yh_err_set(err, YH_ECONFLICT, NULL,
				"applied migration %s is missing from %s", yh_rows_value(rows, i, 1), yh_migrate_dir());
			goto done;
		}
		if (strcmp(list[i].checksum, yh_rows_value(rows, i, 2)) != 0) {
			rc = yh_err_set(err, YH_ECONFLICT, NULL,
				"migration %s was changed after it was applied; restore the original file and add a new migration instead",
				list[i].name);
			goto done;
		}
	}
	*first_pending = (int)i;
done:
	yh_rows_free(rows);
	return rc;
}

int yh_migrate_status(yh_db *db, const char *dir, int *pending, yh_err *err)
{
	struct migration *list = NULL;
	int n = 0, first = 0, rc;

	*pending = 0;
	rc = load_dir(dir, &list, &n, err);
	if (rc != 0)
		return rc;
	rc = yh_db_exec_script(db, Q_BOOTSTRAP, err);
	if (rc == 0)
		rc = check(db, list, n, &first, err);
	if (rc == 0)
		*pending = n - first;
	free_list(list, n);
	return rc;
}

int yh_migrate_apply(yh_db *db, const char *dir, int *applied, yh_err *err)
{
	struct migration *list = NULL;
	int n = 0, first = 0, rc;

	*applied = 0;
	rc = load_dir(dir, &list, &n, err);
	if (rc != 0)
		return rc;
	rc = yh_db_exec_script(db, Q_BOOTSTRAP, err);
	if (rc != 0)
		goto done;
	for (;;) {
		char version[16];
		const char *params[3];

		/* re-check under the lock each round: another process may have applied some */
		rc = yh_db_begin(db, err);
		if (rc != 0)
			goto done;
		rc = yh_db_exec(db, Q_LOCK, 0, NULL, err);
		if (rc >= 0)
			rc = check(db, list, n, &first, err);
		if (rc < 0 || first >= n) {
			if (rc < 0)
				yh_db_rollback(db);
			else
				rc = yh_db_commit(db, err);
			goto done;
		}
		rc = yh_db_exec_script(db, list[first].sql, err);
		if (rc != 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			yh_db_rollback(db);
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "migration %s failed: %s", list[first].name, msg);
			goto done;
		}
		snprintf(version, sizeof(version), "%d", list[first].version);
		params[0] = version;
		params[1] = list[first].name;
		params[2] = list[first].checksum;
		rc = yh_db_exec(db, Q_RECORD, 3, params, err);
		if (rc < 0) {
			yh_db_rollback(db);
			goto done;
		}
		rc = yh_db_commit(db, err);
		if (rc != 0)
			goto done;
		yh_log_info("applied migration %s", list[first].name);
		(*applied)++;
	}
done:
	free_list(list, n);
	return rc < 0 ? rc : 0;
}
