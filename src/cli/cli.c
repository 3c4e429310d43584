/* The CLI's shared plumbing: connection, identity, flags and printing. */
#include "cli/cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "yinhui/migrate.h"
#include "yinhui/pii.h"
#include "yinhui/staff.h"
#include "yinhui/util.h"

int yh_cli_db_raw(yh_cli *c, yh_db **out, yh_err *err)
{
	char conninfo[2048];
	int embedded = 0, rc;

	if (c->db != NULL) {
		*out = c->db;
		return 0;
	}
	rc = yh_config_conninfo(c->cfg, conninfo, sizeof(conninfo), &embedded, err);
	if (rc == 0)
		rc = yh_db_open(&c->db, conninfo, "yinhui", err);
	*out = c->db;
	return rc;
}

int yh_cli_db(yh_cli *c, yh_db **out, yh_err *err)
{
	int pending = 0, rc;

	rc = yh_cli_db_raw(c, out, err);
	if (rc == 0)
		rc = yh_migrate_status(*out, yh_migrate_dir(), &pending, err);
	if (rc == 0 && pending > 0)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL,
			"%d schema migration(s) pending: run 'yinhui db migrate' (or 'yinhui init' on a new database)", pending);
	return rc;
}

void yh_cli_token_path(const yh_cli *c, char *out, size_t n)
{
	const char *f = yh_config_get(c->cfg, "token_file");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (f != NULL)
		snprintf(out, n, "%s", f);
	else if (xdg && *xdg)
		snprintf(out, n, "%s/yinhui/token", xdg);
	else
		snprintf(out, n, "%s/.config/yinhui/token", home ? home : ".");
}

int yh_cli_actor(yh_cli *c, yh_db **db, const yh_actor **out, yh_err *err)
{
	char path[4096], *token = NULL;
	const char *env = getenv("YINHUI_TOKEN");
	struct stat st;
	int rc;

	rc = yh_cli_db(c, db, err);
	if (rc != 0)
		return rc;
	if (c->have_actor) {
		*out = &c->actor;
		return 0;
	}
	if (env && *env) {
		token = strdup(env);
	} else {
		yh_cli_token_path(c, path, sizeof(path));
		if (stat(path, &st) == 0 && (st.st_mode & 0077))
			return yh_err_set(err, YH_EFORBIDDEN, NULL, "%s is readable by others; chmod 600 it or log in again", path);
		if (yh_file_read(path, 4096, &token, NULL) != 0)
			return yh_err_set(err, YH_EUNAUTH, NULL, "not logged in: run 'yinhui login' (or set YINHUI_TOKEN)");
		token[strcspn(token, "\r\n")] = '\0';
	}
	rc = yh_session_resolve(*db, token, &c->actor, err);
	free(token);
	if (rc != 0)
		return rc;
	/* the wrong data key (or none, after a restore) would seal new records unreadably: stop here */
	rc = yh_pii_check(*db, yh_config_get(c->cfg, "data_key_file"), err);
	if (rc != 0)
		return rc;
	yh_uuid_new(c->actor.request_id);
	c->have_actor = 1;
	*out = &c->actor;
	return 0;
}

static int is_skipped(const char *name, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (strcmp(name, *skip) == 0)
			return 1;
	return 0;
}

int yh_cli_fields(int argc, char **argv, const char *const *skip, yh_fields **out, yh_err *err)
{
	yh_fields *f = NULL;
	int rc = 0;

	*out = NULL;
	if (yh_fields_new(&f) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	for (int i = 0; i < argc; i++) {
		char name[64], *eq;
		const char *val;
		size_t len;

		if (strncmp(argv[i], "--", 2) != 0) {
			rc = yh_err_set(err, YH_EUSAGE, NULL, "unexpected argument \"%s\" (options look like --name value)", argv[i]);
			goto done;
		}
		eq = strchr(argv[i], '=');
		len = eq ? (size_t)(eq - argv[i] - 2) : strlen(argv[i] + 2);
		if (len == 0 || len >= sizeof(name)) {
			rc = yh_err_set(err, YH_EUSAGE, NULL, "bad option %s", argv[i]);
			goto done;
		}
		memcpy(name, argv[i] + 2, len);
		name[len] = '\0';
		if (is_skipped(name, skip)) {
			if (!eq && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
				i++;
			continue;
		}
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (strncmp(name, "clear_", 6) == 0 && !eq) {
			rc = yh_fields_set(f, name + 6, NULL, YH_FV_NULL, err);
			if (rc != 0)
				goto done;
			continue;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			rc = yh_err_set(err, YH_EUSAGE, name, "--%s needs a value", argv[i] + 2);
			goto done;
		}
		/* values that look like JSON arrays/objects are passed as such (lists of contacts, tags) */
		rc = yh_fields_set(f, name, val, (val[0] == '[' || val[0] == '{') ? YH_FV_JSON : YH_FV_STRING, err);
		if (rc != 0) {
			if (err->code == YH_EINVAL)
				err->code = YH_EUSAGE;
			goto done;
		}
	}
	*out = f;
	f = NULL;
done:
	yh_fields_free(f);
	return rc;
}

const char *yh_cli_flag(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, n) != 0)
			continue;
		if (argv[i][2 + n] == '=')
			return argv[i] + 3 + n;
		if (argv[i][2 + n] == '\0' && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

int yh_cli_has(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return 1;
	return 0;
}

static void print_value(FILE *f, json_t *v)
{
	if (json_is_string(v)) {
		fputs(json_string_value(v), f);
	} else if (json_is_null(v)) {
		fputs("-", f);
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		fputs(s ? s : "?", f);
		free(s);
	}
}

/* Display width of UTF-8 text: CJK counts two columns. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		w += (*p >= 0xE0) ? 2 : 1;
	}
	return w;
}

static char *cell(json_t *row, const char *col)
{
	json_t *v = json_object_get(row, col);

	if (v == NULL || json_is_null(v))
		return strdup("-");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void print_table(json_t *arr, const char *const *columns)
{
	const char *cols[64];
	size_t ncols = 0, w[64];
	const char *key;
	json_t *val, *first = json_array_get(arr, 0);

	if (json_array_size(arr) == 0) {
		printf("(none)\n");
		return;
	}
	if (columns) {
		for (; columns[ncols] && ncols < 64; ncols++)
			cols[ncols] = columns[ncols];
	} else if (json_is_object(first)) {
		json_object_foreach(first, key, val) {
			if (ncols < 64 && !json_is_object(val) && !json_is_array(val))
				cols[ncols++] = key;
		}
	}
	for (size_t c = 0; c < ncols; c++)
		w[c] = width(cols[c]);
	for (size_t i = 0; i < json_array_size(arr); i++)
		for (size_t c = 0; c < ncols; c++) {
			char *s = cell(json_array_get(arr, i), cols[c]);
			if (s && width(s) > w[c])
				w[c] = width(s) > 40 ? 40 : width(s);
			free(s);
		}
	for (size_t c = 0; c < ncols; c++)
		printf("%s%-*s", c ? "  " : "", (int)(w[c] + strlen(cols[c]) - width(cols[c])), cols[c]);
	printf("\n");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		for (size_t c = 0; c < ncols; c++) {
			char *s = cell(json_array_get(arr, i), cols[c]);
			size_t sw = s ? width(s) : 0;
			printf("%s%s", c ? "  " : "", s ? s : "");
			for (size_t k = sw; k < w[c] && c + 1 < ncols; k++)
				putchar(' ');
			free(s);
		}
		printf("\n");
	}
}

void yh_cli_print(const yh_cli *c, const char *json, const char *const *columns)
{
	json_t *doc;
	const char *key;
	json_t *val;

	if (json == NULL)
		return;
	doc = json_loads(json, JSON_DECODE_ANY, NULL);
	if (doc == NULL) {
		printf("%s\n", json);
		return;
	}
	if (c->json) {
		char *s = json_dumps(doc, JSON_INDENT(2) | JSON_ENCODE_ANY);
		printf("%s\n", s ? s : json);
		free(s);
	} else if (json_is_array(doc)) {
		print_table(doc, columns);
	} else if (json_is_object(doc) && json_is_array(json_object_get(doc, "items"))) {
		print_table(json_object_get(doc, "items"), columns);
		json_object_foreach(doc, key, val) {
			if (strcmp(key, "items") != 0) {
				printf("%s: ", key);
				print_value(stdout, val);
				printf("\n");
			}
		}
	} else if (json_is_object(doc)) {
		json_object_foreach(doc, key, val) {
			printf("%-18s ", key);
			print_value(stdout, val);
			printf("\n");
		}
	} else {
		print_value(stdout, doc);
		printf("\n");
	}
	json_decref(doc);
}

int yh_cli_colour(int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	/* https://no-color.org: any non-empty NO_COLOR turns colour off */
	if (no != NULL && *no != '\0')
		return 0;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fd);
}

int yh_cli_password(const char *file, const char *prompt, char *out, size_t n, yh_err *err)
{
	struct termios old, quiet;
	int tty;

	if (file != NULL) {
		char *buf = NULL;
		if (yh_file_read(file, 4096, &buf, NULL) != 0)
			return yh_err_set(err, YH_EUSAGE, "password-file", "cannot read %s", file);
		buf[strcspn(buf, "\r\n")] = '\0';
		snprintf(out, n, "%s", buf);
		free(buf);
		return 0;
	}
	tty = isatty(STDIN_FILENO);
	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(out, (int)n, stdin) == NULL)
		out[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	out[strcspn(out, "\r\n")] = '\0';
	if (out[0] == '\0')
		return yh_err_set(err, YH_EUSAGE, "password", "no password given (use --password-file FILE)");
	return 0;
}

int yh_cli_print_free(const yh_cli *c, int rc, char *out, const char *const *columns)
{
	if (rc == 0)
		yh_cli_print(c, out, columns);
	free(out);
	return rc;
}

int yh_cli_run_read(yh_cli *c, yh_cli_read_fn fn, const char *const *columns, yh_err *err)
{
	const yh_actor *a;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, &out, err);
	return yh_cli_print_free(c, rc, out, columns);
}

int yh_cli_run_fields(yh_cli *c, int argc, char **argv, yh_cli_fields_fn fn, const char *const *columns, yh_err *err)
{
	const yh_actor *a;
	yh_fields *f = NULL;
	char *out = NULL;
	yh_db *db;
	int rc;

	rc = yh_cli_fields(argc, argv, NULL, &f, err);
	if (rc == 0)
		rc = yh_cli_actor(c, &db, &a, err);
	if (rc == 0)
		rc = fn(db, a, f, &out, err);
	if (rc == 0)
		rc = yh_cli_output(c, out, columns, err);
	free(out);
	yh_fields_free(f);
	return rc;
}
