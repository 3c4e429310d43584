#include "yinhui/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yinhui/cluster.h"

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct {
	const char *key;
	const char *env;
	const char *dflt;
	int secret;
	const char *help;
} keys[] = {
	{ "database_url", "YINHUI_DATABASE_URL", NULL, 1, "libpq connection string or URI; empty = embedded cluster" },
	{ "home", "YINHUI_HOME", NULL, 0, "data directory of the embedded cluster and key files" },
	{ "listen", "YINHUI_LISTEN", "127.0.0.1:8640", 0, "daemon address:port" },
	{ "workers", "YINHUI_WORKERS", "32", 0, "database connections = requests in flight" },
	{ "read_workers", "YINHUI_READ_WORKERS", "0", 0,
		"of the workers, how many may run reads at once (figures, exports: half); 0 = twice the CPUs" },
	{ "max_body", "YINHUI_MAX_BODY", "1048576", 0, "largest request body in bytes" },
	{ "max_upload", "YINHUI_MAX_UPLOAD", "67108864", 0, "largest file upload (CSV import) in bytes" },
	{ "body_memory", "YINHUI_BODY_MEMORY", "0", 0,
		"bytes all request bodies being received may hold together; 0 = 4 x max_upload" },
	{ "max_connections", "YINHUI_MAX_CONNECTIONS", "1024", 0, "concurrent HTTP connections" },
	{ "timeout", "YINHUI_TIMEOUT", "30", 0, "seconds before an idle or slow client is dropped" },
	{ "log_level", "YINHUI_LOG_LEVEL", "info", 0, "debug, info, warn or error" },
	{ "token_file", "YINHUI_TOKEN_FILE", NULL, 0, "where yinhui login keeps the CLI token" },
	{ "data_key_file", "YINHUI_DATA_KEY_FILE", NULL, 1, "key for ID and account numbers at rest" },
};

struct yh_config {
	char *val[NKEYS];
	const char *src[NKEYS];
	char file[4096]; /* the file looked at (loaded or not) */
	int file_loaded;
};

static int key_index(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

static void set(yh_config *c, int i, const char *v, const char *src)
{
	free(c->val[i]);
	c->val[i] = v ? strdup(v) : NULL;
	c->src[i] = src;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(yh_config *c, const char *path, int must_exist, yh_err *err)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	struct stat st;
	int lineno = 0, rc = 0, has_secret = 0;

	snprintf(c->file, sizeof(c->file), "%s", path);
	if (f == NULL)
		return must_exist ? yh_err_set(err, YH_EUSAGE, "config", "cannot read config file %s", path) : 0;
	c->file_loaded = 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq, *k, *v;
		int i;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = yh_err_set(err, YH_EUSAGE, "config", "%s:%d: expected key = value", path, lineno);
			goto done;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (strlen(v) >= 2 && v[0] == '"' && v[strlen(v) - 1] == '"') {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		i = key_index(k);
		if (i < 0) {
			rc = yh_err_set(err, YH_EUSAGE, "config", "%s:%d: unknown setting %s", path, lineno, k);
			goto done;
		}
		if (keys[i].secret && *v)
			has_secret = 1;
		set(c, i, v, "file");
	}
	/* a secret in a file others can read is a leak waiting to happen */
	if (has_secret && fstat(fileno(f), &st) == 0 && (st.st_mode & 0077))
		rc = yh_err_set(err, YH_EUSAGE, "config", "%s holds secrets but is readable by others: chmod 600 it", path);
done:
	fclose(f);
	return rc;
}

int yh_config_load(yh_config **out, yh_err *err)
{
	yh_config *c = calloc(1, sizeof(*c));
	const char *env = getenv("YINHUI_CONFIG");
	char path[4096];
	int rc = 0;

	*out = NULL;
	if (c == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < NKEYS; i++)
		set(c, (int)i, keys[i].dflt, "default");
	if (env && *env) {
		rc = load_file(c, env, 1, err);
	} else if (access("/etc/yinhui/yinhui.conf", R_OK) == 0) {
		rc = load_file(c, "/etc/yinhui/yinhui.conf", 0, err);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && *xdg)
			snprintf(path, sizeof(path), "%s/yinhui/yinhui.conf", xdg);
		else
			snprintf(path, sizeof(path), "%s/.config/yinhui/yinhui.conf", home ? home : "/");
		rc = load_file(c, path, 0, err);
	}
	if (rc != 0)
		goto done;
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v = getenv(keys[i].env);
		if (v != NULL && *v)
			set(c, (int)i, v, "environment");
	}
done:
	if (rc != 0)
		yh_config_free(c);
	else
		*out = c;
	return rc;
}

void yh_config_free(yh_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		free(c->val[i]);
	free(c);
}

const char *yh_config_get(const yh_config *c, const char *key)
{
	int i = key_index(key);

	return (i < 0 || c->val[i] == NULL || c->val[i][0] == '\0') ? NULL : c->val[i];
}

int yh_config_get_int(const yh_config *c, const char *key, int dflt)
{
	const char *v = yh_config_get(c, key);

	return v ? atoi(v) : dflt;
}

int yh_config_set_flag(yh_config *c, const char *key, const char *value, yh_err *err)
{
	int i = key_index(key);

	if (i < 0)
		return yh_err_set(err, YH_EUSAGE, key, "unknown setting %s", key);
	set(c, i, value, "flag");
	return 0;
}

int yh_config_key_info(size_t i, yh_config_key *out)
{
	if (i >= NKEYS)
		return YH_ENOTFOUND;
	out->key = keys[i].key;
	out->env = keys[i].env;
	out->dflt = keys[i].dflt;
	out->help = keys[i].help;
	out->secret = keys[i].secret;
	return 0;
}

/*
 * Copies a libpq connection string with its password replaced by ********:
 * the user-info password and ?password= of a URI, password=... of the
 * key=value form. Everything else (host, database, user) is worth showing.
 */
static void mask_conninfo(const char *in, char *out, size_t n)
{
	const char *scheme = strstr(in, "://"), *p = in;
	size_t used = 0;

#define PUT(ch) do { if (used + 1 < n) out[used++] = (ch); } while (0)
	if (scheme != NULL && strspn(in, "postgresql") == (size_t)(scheme - in)) {
		const char *auth = scheme + 3, *end = auth + strcspn(auth, "/?"), *at = NULL, *colon;

		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		for (; *p; p++) {
			if (colon != NULL && p == colon + 1) {
				for (const char *m = "********"; *m; m++)
					PUT(*m);
				p = at - 1;
				continue;
			}
			PUT(*p);
			if (p > end && strncmp(p, "password=", 9) == 0 && (p[-1] == '?' || p[-1] == '&')) {
				for (const char *m = "assword=********"; *m; m++)
					PUT(*m);
				p += 8 + strcspn(p + 9, "&");
			}
		}
	} else {
		for (; *p; p++) {
			PUT(*p);
			if ((p == in || isspace((unsigned char)p[-1])) && strncmp(p, "password", 8) == 0) {
				const char *v = p + 8;

				v += strspn(v, " \t");
				if (*v != '=')
					continue;
				v++;
				v += strspn(v, " \t");
				if (*v == '\'') {
					for (v++; *v && *v != '\''; v++)
						if (*v == '\\' && v[1])
							v++;
					if (*v)
						v++;
				} else {
					v += strcspn(v, " \t");
				}
				for (const char *m = "assword=********"; *m; m++)
					PUT(*m);
				p = v - 1;
			}
		}
	}
	out[used < n ? used : n - 1] = '\0';
#undef PUT
}

/* libpq's own variables; the password ones are shown masked. */
static const char *const pg_vars[] = {
	"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE",
	"PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY",
	"PGCONNECT_TIMEOUT", "PGAPPNAME", "PGOPTIONS", "PGTARGETSESSIONATTRS", "PGCHANNELBINDING",
	"PGGSSENCMODE", NULL
};

void yh_config_print(const yh_config *c, void *file)
{
	FILE *f = file;
	char shown[4096];
	int npg = 0;

	for (size_t i = 0; i < NKEYS; i++) {
		const char *v = c->val[i];

		if (v == NULL) {
			v = "";
		} else if (keys[i].secret && *v && strcmp(keys[i].key, "database_url") == 0) {
			mask_conninfo(v, shown, sizeof(shown));
			v = shown;
		} else if (keys[i].secret && *v) {
			v = "********";
		}
		fprintf(f, "%-24s = %-40s # %s; %s\n", keys[i].key, v, c->src[i], keys[i].help);
	}
	fprintf(f, "# configuration file: %s (%s)\n", c->file[0] ? c->file : "none",
		c->file_loaded ? "loaded" : "not found");
	for (int i = 0; pg_vars[i]; i++) {
		const char *v = getenv(pg_vars[i]);

		if (v == NULL || *v == '\0')
			continue;
		if (npg++ == 0)
			fprintf(f, "# libpq environment (honoured by libpq for what the connection string leaves out):\n");
		fprintf(f, "#   %-22s = %s\n", pg_vars[i], strcmp(pg_vars[i], "PGPASSWORD") == 0 ? "********" : v);
	}
	if (yh_config_get(c, "database_url") != NULL)
		fprintf(f, "# database: database_url\n");
	else if (getenv("PGHOST") || getenv("PGDATABASE") || getenv("PGSERVICE"))
		fprintf(f, "# database: libpq PG* environment (no database_url)\n");
	else
		fprintf(f, "# database: embedded cluster under %s\n",
			yh_config_get(c, "home") ? yh_config_get(c, "home") : "the default home (see yinhui db status)");
}

int yh_config_conninfo(const yh_config *c, char *out, size_t outsz, int *embedded, yh_err *err)
{
	const char *url = yh_config_get(c, "database_url");
	char home[1024];
	int rc;

	*embedded = 0;
	if (url != NULL) {
		snprintf(out, outsz, "%s", url);
		return 0;
	}
	if (getenv("PGHOST") || getenv("PGDATABASE") || getenv("PGSERVICE")) {
		/* libpq reads its own PG* variables from an empty conninfo */
		snprintf(out, outsz, "%s", "");
		return 0;
	}
	if (yh_config_get(c, "home") != NULL) {
		snprintf(home, sizeof(home), "%s", yh_config_get(c, "home"));
	} else {
		rc = yh_cluster_home(home, sizeof(home), err);
		if (rc != 0)
			return rc;
	}
	*embedded = 1;
	return yh_cluster_ensure_running(home, out, outsz, err);
}

int yh_config_data_key_path(const yh_config *c, char *out, size_t outsz, yh_err *err)
{
	const char *file = yh_config_get(c, "data_key_file");
	char home[1024];
	int rc;

	if (file != NULL) {
		snprintf(out, outsz, "%s", file);
		return 0;
	}
	if (yh_config_get(c, "home") != NULL) {
		snprintf(home, sizeof(home), "%s", yh_config_get(c, "home"));
	} else {
		rc = yh_cluster_home(home, sizeof(home), err);
		if (rc != 0)
			return rc;
	}
	snprintf(out, outsz, "%s/data.key", home);
	return 0;
}
