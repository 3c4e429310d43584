/*
 * backup.c - yinhui db backup / restore on pg_dump -Fc and pg_restore.
 *
 * The tools run through fork/execve with an argv (no shell, no PATH
 * lookup); their stderr is captured so a failure reads as pg_dump's own
 * error line. See include/yinhui/backup.h.
 */
#include "yinhui/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "yinhui/cluster.h"
#include "yinhui/db.h"

#include "db/cluster_internal.h"

extern char **environ;

#define TOOL_PATH_MAX 4096
#define STDERR_MAX 8192
#define CONNINFO_MAX 8192

/* Any ordinary or partitioned table outside the system schemas counts as data. */
static const char Q_TABLES[] =
	"SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";
/* two statements: a query naming a missing table fails at parse time, whatever CASE says */
static const char Q_HAS_AUDIT[] = "SELECT pg_catalog.to_regclass('yh.audit_log') IS NOT NULL";
static const char Q_AUDIT_ROWS[] = "SELECT count(*) FROM yh.audit_log";

/* The archive magic of pg_dump's custom format. */
static const char DUMP_MAGIC[] = "PGDMP";

/* A conninfo value in single quotes with ' and \ escaped, as libpq reads it back. */
static int put_value(char *out, size_t n, size_t *used, const char *key, const char *val)
{
	int len = snprintf(out + *used, n - *used, "%s%s='", *used ? " " : "", key);

	if (len < 0 || (size_t)len >= n - *used)
		return -1;
	*used += (size_t)len;
	for (; *val; val++) {
		if (*used + 3 >= n)
			return -1;
		if (*val == '\'' || *val == '\\')
			out[(*used)++] = '\\';
		out[(*used)++] = *val;
	}
	if (*used + 2 >= n)
		return -1;
	out[(*used)++] = '\'';
	out[*used] = '\0';
	return 0;
}

/*
 * Splits conninfo into a password-free conninfo for -d and the password
 * (out_pw, or "" when there is none). Both forms (URI, key=value) parse.
 */
static int split_conninfo(const char *conninfo, char *out, size_t n, char **out_pw, yh_err *err)
{
	PQconninfoOption *opts = NULL;
	char *msg = NULL;
	size_t used = 0;
	int rc = 0;

	*out_pw = NULL;
	out[0] = '\0';
	opts = PQconninfoParse(conninfo, &msg);
	if (opts == NULL) {
		rc = yh_err_set(err, YH_EINVAL, "database_url", "invalid connection string: %.150s",
			msg ? msg : "out of memory");
		goto done;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			free(*out_pw);
			*out_pw = strdup(o->val);
			if (*out_pw == NULL) {
				rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
				goto done;
			}
			continue;
		}
		if (put_value(out, n, &used, o->keyword, o->val) != 0) {
			rc = yh_err_set(err, YH_EINVAL, "database_url", "connection string too long");
			goto done;
		}
	}
done:
	PQconninfoFree(opts);
	PQfreemem(msg);
	if (rc != 0) {
		free(*out_pw);
		*out_pw = NULL;
	}
	return rc;
}

/* environ, with PGPASSWORD replaced when pw is set. The strings are borrowed except the new one. */
static char **child_env(const char *pw, char **pw_entry)
{
	size_t count = 0, k = 0;
	char **env;

	*pw_entry = NULL;
	while (environ[count] != NULL)
		count++;
	env = calloc(count + 2, sizeof(*env));
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (pw == NULL || strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			env[k++] = environ[i];
	if (pw != NULL) {
		size_t len = strlen("PGPASSWORD=") + strlen(pw) + 1;

		*pw_entry = malloc(len);
		if (*pw_entry == NULL) {
			free(env);
			return NULL;
		}
		snprintf(*pw_entry, len, "PGPASSWORD=%s", pw);
		env[k++] = *pw_entry;
	}
	env[k] = NULL;
	return env;
}

/* The line worth reporting: the first naming an error, else the last non-empty one. */
static void pick_error(const char *buf, char *line, size_t n)
{
	const char *p = buf, *best = NULL, *last = NULL;

	line[0] = '\0';
	while (*p) {
		size_t len = strcspn(p, "\n");

		if (len > 0) {
			last = p;
			if (best == NULL && (strstr(p, "error:") != NULL && (size_t)(strstr(p, "error:") - p) < len))
				best = p;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (best == NULL)
		best = last;
	if (best != NULL)
		snprintf(line, n, "%.*s", (int)strcspn(best, "\n"), best);
}

/*
 * Runs argv (argv[0] an absolute path) with stdout to out_fd (or
 * /dev/null when -1), stdin from /dev/null and stderr captured. On a
 * non-zero exit the error names what and the tool's error line.
 */
static int run_tool(const char *what, char *const *argv, char *const *envp, int out_fd, yh_err *err)
{
	char buf[STDERR_MAX], line[300];
	int fds[2] = { -1, -1 }, rc = 0, status = 0;
	pid_t pid;

	buf[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		/* only async-signal-safe calls between fork and exec */
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out_fd >= 0 ? out_fd : devnull, 1);
		dup2(fds[1], 2);
		execve(argv[0], argv, envp);
		(void)!write(2, "exec failed: ", 13);
		(void)!write(2, argv[0], strlen(argv[0]));
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	/* the beginning is kept: with --exit-on-error the error is the first thing said */
	rc = yh_cluster_collect(pid, fds[0], buf, sizeof(buf), &status, err);
	if (rc != 0)
		goto done;
	if (status != 0) {
		pick_error(buf, line, sizeof(line));
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "%s failed (exit %d): %s", what, status,
			line[0] ? line : "no output");
	}
done:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return rc;
}

/*
 * Tables and audit rows of the database, for the caller's report and the
 * emptiness check; with analyze, first ANALYZE (pg_restore leaves the
 * planner without statistics until autovacuum comes by).
 */
static int count_data(const char *conninfo, int analyze, yh_backup_stats *st, yh_err *err)
{
	yh_db *db = NULL;
	char *text = NULL;
	int rc;

	rc = yh_db_open(&db, conninfo, "yinhui-backup", err);
	if (rc == 0 && analyze)
		rc = yh_db_exec_script(db, "ANALYZE", err);
	if (rc == 0)
		rc = yh_db_query_text(db, &text, Q_TABLES, 0, NULL, NULL, err);
	if (rc == 0) {
		st->tables = text ? atol(text) : 0;
		free(text);
		text = NULL;
		rc = yh_db_query_text(db, &text, Q_HAS_AUDIT, 0, NULL, NULL, err);
	}
	st->audit_rows = -1;
	if (rc == 0 && text != NULL && strcmp(text, "t") == 0) {
		free(text);
		text = NULL;
		rc = yh_db_query_text(db, &text, Q_AUDIT_ROWS, 0, NULL, NULL, err);
		if (rc == 0)
			st->audit_rows = text ? atol(text) : -1;
	}
	free(text);
	yh_db_close(db);
	return rc;
}

/* fsync of the directory holding path, so a rename survives a crash. */
static void sync_dir_of(const char *path)
{
	char copy[TOOL_PATH_MAX];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int yh_backup_dump(const char *conninfo, const char *file, int overwrite, yh_backup_stats *stats,
	yh_err *err)
{
	char tool[TOOL_PATH_MAX], partial[TOOL_PATH_MAX], safe[CONNINFO_MAX];
	char *pw = NULL, *pw_entry = NULL, **envp = NULL;
	char *argv[] = { tool, "--format=custom", "--no-password", "-d", safe, NULL };
	yh_backup_stats st = { 0, 0, -1 };
	struct stat sb;
	int fd = -1, rc;

	if (file == NULL || *file == '\0')
		return yh_err_set(err, YH_EUSAGE, "file", "name the backup file");
	if (!overwrite && lstat(file, &sb) == 0)
		return yh_err_set(err, YH_ECONFLICT, "file", "%s exists; pass --force to replace it", file);
	if (snprintf(partial, sizeof(partial), "%s.partial", file) >= (int)sizeof(partial))
		return yh_err_set(err, YH_EINVAL, "file", "file name too long");
	rc = yh_cluster_pg_tool("pg_dump", tool, sizeof(tool), err);
	if (rc == 0)
		rc = split_conninfo(conninfo, safe, sizeof(safe), &pw, err);
	if (rc != 0)
		goto done;
	envp = child_env(pw, &pw_entry);
	if (envp == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	/* a leftover of an interrupted run is ours to replace; O_EXCL|O_NOFOLLOW refuse a planted link */
	unlink(partial);
	fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = yh_err_set(err, YH_EINVAL, "file", "cannot create %s: %s", partial, strerror(errno));
		goto done;
	}
	rc = run_tool("pg_dump", argv, envp, fd, err);
	if (rc != 0)
		goto done;
	if (fsync(fd) != 0 || fstat(fd, &sb) != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, "file", "cannot write %s: %s", partial, strerror(errno));
		goto done;
	}
	st.bytes = (long long)sb.st_size;
	if (rename(partial, file) != 0) {
		rc = yh_err_set(err, YH_EINTERNAL, "file", "cannot rename %s to %s: %s", partial, file, strerror(errno));
		goto done;
	}
	sync_dir_of(file);
	{
		/* the figures are for the report only: the backup itself is done */
		yh_err ignored;

		yh_err_clear(&ignored);
		(void)count_data(conninfo, 0, &st, &ignored);
	}
done:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && fd >= 0)
		unlink(partial);
	if (pw != NULL)
		memset(pw, 0, strlen(pw));
	if (pw_entry != NULL)
		memset(pw_entry, 0, strlen(pw_entry));
	free(pw);
	free(pw_entry);
	free(envp);
	if (rc == 0 && stats != NULL)
		*stats = st;
	return rc;
}

/* YH_ENOTFOUND / YH_EINVAL unless file starts like a pg_dump custom archive. */
static int check_archive(const char *file, long long *bytes, yh_err *err)
{
	char head[sizeof(DUMP_MAGIC)] = { 0 };
	struct stat sb;
	int fd, rc = 0;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return yh_err_set(err, errno == ENOENT ? YH_ENOTFOUND : YH_EINVAL, "file", "cannot open %s: %s", file,
			strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    read(fd, head, sizeof(head) - 1) != (ssize_t)(sizeof(head) - 1) ||
	    memcmp(head, DUMP_MAGIC, sizeof(head) - 1) != 0)
		rc = yh_err_set(err, YH_EINVAL, "file",
			"%s is not a pg_dump custom-format archive (make one with yinhui db backup)", file);
	else
		*bytes = (long long)sb.st_size;
	close(fd);
	return rc;
}

int yh_backup_restore(const char *conninfo, const char *file, int force, yh_backup_stats *stats,
	yh_err *err)
{
	char tool[TOOL_PATH_MAX], safe[CONNINFO_MAX], path[TOOL_PATH_MAX];
	char *pw = NULL, *pw_entry = NULL, **envp = NULL;
	char *argv[16];
	yh_backup_stats before = { 0, 0, -1 }, after = { 0, 0, -1 };
	int n = 0, rc;

	if (file == NULL || *file == '\0')
		return yh_err_set(err, YH_EUSAGE, "file", "name the backup file");
	if (snprintf(path, sizeof(path), "%s", file) >= (int)sizeof(path))
		return yh_err_set(err, YH_EINVAL, "file", "file name too long");
	rc = check_archive(path, &after.bytes, err);
	if (rc == 0)
		rc = yh_cluster_pg_tool("pg_restore", tool, sizeof(tool), err);
	if (rc == 0)
		rc = split_conninfo(conninfo, safe, sizeof(safe), &pw, err);
	if (rc == 0)
		rc = count_data(conninfo, 0, &before, err);
	if (rc != 0)
		goto done;
	if (before.tables > 0 && !force) {
		rc = yh_err_set(err, YH_ECONFLICT, NULL,
			"the database already holds %ld table(s)%s; restore into an empty database, "
			"or pass --force to replace what the backup contains", before.tables,
			before.audit_rows >= 0 ? " of Yinhui" : "");
		goto done;
	}
	envp = child_env(pw, &pw_entry);
	if (envp == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	argv[n++] = tool;
	/* the target's own user owns everything: the source's roles need not exist there */
	argv[n++] = "--no-owner";
	argv[n++] = "--no-privileges";
	/* all or nothing: a failed restore leaves the database as it was */
	argv[n++] = "--single-transaction";
	argv[n++] = "--exit-on-error";
	argv[n++] = "--no-password";
	if (before.tables > 0) {
		argv[n++] = "--clean";
		argv[n++] = "--if-exists";
	}
	argv[n++] = "-d";
	argv[n++] = safe;
	argv[n++] = path;
	argv[n] = NULL;
	rc = run_tool("pg_restore", argv, envp, -1, err);
	if (rc == 0)
		rc = count_data(conninfo, 1, &after, err);
done:
	if (pw != NULL)
		memset(pw, 0, strlen(pw));
	if (pw_entry != NULL)
		memset(pw_entry, 0, strlen(pw_entry));
	free(pw);
	free(pw_entry);
	free(envp);
	if (rc == 0 && stats != NULL)
		*stats = after;
	return rc;
}
