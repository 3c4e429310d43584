#include "yinhui/db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/log.h"

#define STMT_CACHE 512

struct stmt_slot {
	char *sql;
	uint64_t hash;
};

struct yh_db {
	PGconn *conn;
	int tx_depth;
	int tx_doomed;
	int goodbye; /* the server said FATAL outside a query: it is closing this connection */
	int nstmts;
	struct stmt_slot stmts[STMT_CACHE];
};

struct yh_rows {
	size_t nrows;
	size_t ncols;
	char **names;
	char **cells; /* nrows * ncols, NULL for SQL NULL */
	char *arena;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void stmt_cache_clear(yh_db *db)
{
	for (int i = 0; i < db->nstmts; i++)
		free(db->stmts[i].sql);
	db->nstmts = 0;
}

static int session_setup(yh_db *db, yh_err *err)
{
	PGresult *res;
	int rc = 0;

	/* schema-qualified lookups without relying on the server's default path */
	res = PQexec(db->conn, "SET search_path = yh, pg_catalog; SET TIME ZONE 'Asia/Shanghai'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "database session setup failed: %s",
			PQerrorMessage(db->conn));
	PQclear(res);
	return rc;
}

/*
 * Server NOTICEs ("already exists, skipping") are for people at psql, not our
 * users. A FATAL that arrives outside a query is the server's goodbye (it is
 * shutting down or terminated this backend): remember it, so the connection
 * is replaced before the next request rather than failing it.
 */
static void on_notice(void *arg, const PGresult *res)
{
	yh_db *db = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	if (sev != NULL && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))
		db->goodbye = 1;
	yh_log_debug("postgres: %.200s", PQresultErrorMessage(res));
}

int yh_db_open(yh_db **out, const char *conninfo, const char *app, yh_err *err)
{
	const char *keys[] = { "dbname", "application_name", "client_encoding", "connect_timeout", NULL };
	const char *vals[] = { conninfo, app ? app : "yinhui", "UTF8", "5", NULL };
	yh_db *db = NULL;
	int rc = 0;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "database unavailable: %s",
			db->conn ? PQerrorMessage(db->conn) : "out of memory");
		goto done;
	}
	PQsetNoticeReceiver(db->conn, on_notice, db);
	rc = session_setup(db, err);
done:
	if (rc != 0)
		yh_db_close(db);
	else
		*out = db;
	return rc;
}

int yh_db_open_like(yh_db **out, yh_db *db, yh_err *err)
{
	PQconninfoOption *opts = PQconninfo(db->conn), *o;
	const char *keys[64], *vals[64];
	yh_db *n = NULL;
	int k = 0, rc = 0;

	*out = NULL;
	if (opts == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	/* every option the first connection was made with, the password included */
	for (o = opts; o->keyword != NULL && k < 63; o++)
		if (o->val != NULL && o->val[0] != '\0') {
			keys[k] = o->keyword;
			vals[k] = o->val;
			k++;
		}
	keys[k] = NULL;
	vals[k] = NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	n->conn = PQconnectdbParams(keys, vals, 0);
	if (n->conn == NULL || PQstatus(n->conn) != CONNECTION_OK) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "database unavailable: %s",
			n->conn ? PQerrorMessage(n->conn) : "out of memory");
		goto done;
	}
	PQsetNoticeReceiver(n->conn, on_notice, n);
	rc = session_setup(n, err);
done:
	PQconninfoFree(opts);
	if (rc != 0)
		yh_db_close(n);
	else
		*out = n;
	return rc;
}

void yh_db_close(yh_db *db)
{
	if (db == NULL)
		return;
	stmt_cache_clear(db);
	PQfinish(db->conn);
	free(db);
}

int yh_db_ensure(yh_db *db, yh_err *err)
{
	/*
	 * A server that restarted since the last request has closed this idle
	 * connection, but libpq notices only when it next reads. Read now (libpq's
	 * socket never blocks) and parse what came (a goodbye FATAL reaches
	 * on_notice): the request then starts on a fresh connection instead of
	 * failing with 503 on the dead one (scripts/chaos measured one per worker).
	 */
	if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE &&
	    PQconsumeInput(db->conn) == 1 && !PQisBusy(db->conn))
		PQconsumeInput(db->conn);
	if (PQstatus(db->conn) == CONNECTION_OK && !db->goodbye)
		return 0;
	db->goodbye = 0;
	stmt_cache_clear(db);
	db->tx_depth = 0;
	db->tx_doomed = 0;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "database unavailable: %s",
			PQerrorMessage(db->conn));
	return session_setup(db, err);
}

/* Maps a failed result to a yh code. The one place SQLSTATEs are read. */
static int map_error(yh_db *db, const PGresult *res, yh_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *field = column ? column : constraint;
	int code = YH_EINTERNAL;

	if (PQstatus(db->conn) != CONNECTION_OK || state == NULL) {
		code = YH_EUNAVAILABLE;
		yh_err_set(err, code, NULL, "database unavailable: %s", PQerrorMessage(db->conn));
		return code;
	}
	if (strncmp(state, "YH", 2) == 0) {
		/* our own trigger errors carry the HTTP-ish status in the code */
		if (strcmp(state, "YH409") == 0)
			code = YH_ECONFLICT;
		else if (strcmp(state, "YH403") == 0)
			code = YH_EFORBIDDEN;
		else if (strcmp(state, "YH404") == 0)
			code = YH_ENOTFOUND;
		else
			code = YH_EINVAL;
	} else if (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0 ||
		   strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0) {
		code = YH_ECONFLICT;
	} else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0) {
		code = YH_EINVAL;
	} else if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
		   strcmp(state, "53300") == 0 || strcmp(state, "53000") == 0) {
		code = YH_EUNAVAILABLE;
	} else if (strcmp(state, "57014") == 0) {
		code = YH_EUNAVAILABLE; /* statement timeout */
	}
	if (code == YH_EINTERNAL)
		yh_log_error("sql error %s: %s", state, primary ? primary : "?");
	if (strcmp(state, "23505") == 0)
		yh_err_set(err, code, field, "already exists%s%s", detail ? ": " : "", detail ? detail : "");
	else
		yh_err_set(err, code, field, "%s", primary ? primary : "database error");
	if (err != NULL)
		snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", state);
	return code;
}

/* Returns the prepared statement name for sql, preparing it on first use. */
static const char *stmt_name(yh_db *db, const char *sql, int nparams, char *name, size_t namesz,
	PGresult **failed)
{
	uint64_t h = fnv1a(sql);
	PGresult *res;

	for (int i = 0; i < db->nstmts; i++) {
		if (db->stmts[i].hash == h && strcmp(db->stmts[i].sql, sql) == 0) {
			snprintf(name, namesz, "yh%d", i);
			return name;
		}
	}
	if (db->nstmts >= STMT_CACHE)
		return NULL;
	snprintf(name, namesz, "yh%d", db->nstmts);
	res = PQprepare(db->conn, name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		/* report this error: inside a transaction a second try would only say "aborted" */
		*failed = res;
		return NULL;
	}
	PQclear(res);
	db->stmts[db->nstmts].sql = strdup(sql);
	db->stmts[db->nstmts].hash = h;
	if (db->stmts[db->nstmts].sql == NULL)
		return NULL;
	db->nstmts++;
	return name;
}

static PGresult *run(yh_db *db, const char *sql, int nparams, const char *const *params)
{
	char name[16];
	const char *stmt = NULL;
	PGresult *failed = NULL;

	/*
	 * A failed statement inside a transaction would poison PQprepare too.
	 * Statements with optional filters ("$n IS NULL OR ...") are planned on
	 * every call: a cached generic plan cannot drop the filters not given.
	 */
	if (!db->tx_doomed && strstr(sql, "IS NULL OR") == NULL)
		stmt = stmt_name(db, sql, nparams, name, sizeof(name), &failed);
	if (failed != NULL)
		return failed;
	if (stmt != NULL)
		return PQexecPrepared(db->conn, stmt, nparams, params, NULL, NULL, 0);
	return PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

int yh_db_exec(yh_db *db, const char *sql, int nparams, const char *const *params, yh_err *err)
{
	PGresult *res = run(db, sql, nparams, params);
	int rc;

	if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK) {
		const char *n = PQcmdTuples(res);
		rc = (n && *n) ? atoi(n) : 0;
	} else {
		rc = map_error(db, res, err);
		if (db->tx_depth > 0)
			db->tx_doomed = 1;
	}
	PQclear(res);
	return rc;
}

static int copy_rows(yh_rows **out, const PGresult *res)
{
	size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);
	size_t bytes = 0, off = 0;
	yh_rows *r;

	for (size_t c = 0; c < ncols; c++)
		bytes += strlen(PQfname(res, (int)c)) + 1;
	for (size_t i = 0; i < nrows; i++)
		for (size_t c = 0; c < ncols; c++)
			if (!PQgetisnull(res, (int)i, (int)c))
				bytes += (size_t)PQgetlength(res, (int)i, (int)c) + 1;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return YH_EINTERNAL;
	r->nrows = nrows;
	r->ncols = ncols;
	r->names = calloc(ncols ? ncols : 1, sizeof(char *));
	r->cells = calloc((nrows * ncols) > 0 ? nrows * ncols : 1, sizeof(char *));
	r->arena = malloc(bytes ? bytes : 1);
	if (r->names == NULL || r->cells == NULL || r->arena == NULL) {
		yh_rows_free(r);
		return YH_EINTERNAL;
	}
	for (size_t c = 0; c < ncols; c++) {
		size_t len = strlen(PQfname(res, (int)c)) + 1;
		memcpy(r->arena + off, PQfname(res, (int)c), len);
		r->names[c] = r->arena + off;
		off += len;
	}
	for (size_t i = 0; i < nrows; i++) {
		for (size_t c = 0; c < ncols; c++) {
			size_t len;
			if (PQgetisnull(res, (int)i, (int)c))
				continue;
			len = (size_t)PQgetlength(res, (int)i, (int)c);
			memcpy(r->arena + off, PQgetvalue(res, (int)i, (int)c), len);
			r->arena[off + len] = '\0';
			r->cells[i * ncols + c] = r->arena + off;
			off += len + 1;
		}
	}
	*out = r;
	return 0;
}

int yh_db_query(yh_db *db, yh_rows **out, const char *sql, int nparams,
	const char *const *params, yh_err *err)
{
	PGresult *res = run(db, sql, nparams, params);
	int rc = 0;

	*out = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = map_error(db, res, err);
		if (db->tx_depth > 0)
			db->tx_doomed = 1;
		goto done;
	}
	if (copy_rows(out, res) != 0)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	PQclear(res);
	return rc;
}

int yh_db_query_text(yh_db *db, char **out, const char *sql, int nparams,
	const char *const *params, const char *notfound_msg, yh_err *err)
{
	PGresult *res = run(db, sql, nparams, params);
	int rc = 0;

	*out = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = map_error(db, res, err);
		if (db->tx_depth > 0)
			db->tx_doomed = 1;
		goto done;
	}
	if (PQntuples(res) == 0) {
		rc = yh_err_set(err, YH_ENOTFOUND, NULL, "%s", notfound_msg ? notfound_msg : "not found");
		goto done;
	}
	if (PQgetisnull(res, 0, 0))
		goto done;
	*out = strdup(PQgetvalue(res, 0, 0));
	if (*out == NULL)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
done:
	PQclear(res);
	return rc;
}

static int simple(yh_db *db, const char *cmd, yh_err *err)
{
	PGresult *res = PQexec(db->conn, cmd);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_error(db, res, err);
	PQclear(res);
	return rc;
}

int yh_db_begin(yh_db *db, yh_err *err)
{
	int rc;

	if (db->tx_depth > 0) {
		db->tx_depth++;
		return 0;
	}
	rc = simple(db, "BEGIN", err);
	if (rc == 0) {
		db->tx_depth = 1;
		db->tx_doomed = 0;
	}
	return rc;
}

int yh_db_commit(yh_db *db, yh_err *err)
{
	int rc;

	if (db->tx_depth <= 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "commit outside a transaction");
	if (db->tx_depth > 1) {
		db->tx_depth--;
		if (db->tx_doomed)
			return yh_err_set(err, YH_EINTERNAL, NULL, "transaction already failed");
		return 0;
	}
	db->tx_depth = 0;
	if (db->tx_doomed) {
		simple(db, "ROLLBACK", NULL);
		db->tx_doomed = 0;
		return yh_err_set(err, YH_EINTERNAL, NULL, "transaction already failed");
	}
	rc = simple(db, "COMMIT", err);
	return rc;
}

void yh_db_rollback(yh_db *db)
{
	if (db->tx_depth <= 0)
		return;
	if (db->tx_depth > 1) {
		db->tx_depth--;
		db->tx_doomed = 1;
		return;
	}
	db->tx_depth = 0;
	db->tx_doomed = 0;
	if (PQstatus(db->conn) == CONNECTION_OK)
		simple(db, "ROLLBACK", NULL);
}

int yh_db_end(yh_db *db, int rc, yh_err *err)
{
	if (rc == 0)
		return yh_db_commit(db, err);
	yh_db_rollback(db);
	return rc;
}

int yh_db_in_tx(const yh_db *db)
{
	return db->tx_depth > 0;
}

int yh_db_copy_in(yh_db *db, const char *copy_sql, const char *data, size_t len, yh_err *err)
{
	PGresult *res = PQexec(db->conn, copy_sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = map_error(db, res, err);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	while (len > 0) {
		int chunk = len > (1u << 20) ? (1 << 20) : (int)len;
		if (PQputCopyData(db->conn, data, chunk) != 1) {
			PQputCopyEnd(db->conn, "client error");
			break;
		}
		data += chunk;
		len -= (size_t)chunk;
	}
	if (len == 0 && PQputCopyEnd(db->conn, NULL) != 1)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "COPY failed: %s", PQerrorMessage(db->conn));
	res = PQgetResult(db->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_error(db, res, err);
	else
		rc = atoi(PQcmdTuples(res));
	PQclear(res);
	while ((res = PQgetResult(db->conn)) != NULL)
		PQclear(res);
fail:
	if (rc < 0 && db->tx_depth > 0)
		db->tx_doomed = 1;
	return rc;
}

int yh_db_exec_script(yh_db *db, const char *sql, yh_err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = map_error(db, res, err);
		if (db->tx_depth > 0)
			db->tx_doomed = 1;
	}
	PQclear(res);
	return rc;
}

size_t yh_rows_count(const yh_rows *r)
{
	return r ? r->nrows : 0;
}

size_t yh_rows_ncols(const yh_rows *r)
{
	return r ? r->ncols : 0;
}

const char *yh_rows_colname(const yh_rows *r, size_t col)
{
	return col < r->ncols ? r->names[col] : NULL;
}

const char *yh_rows_value(const yh_rows *r, size_t row, size_t col)
{
	if (r == NULL || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->cells[row * r->ncols + col];
}

const char *yh_rows_get(const yh_rows *r, size_t row, const char *col)
{
	if (r == NULL)
		return NULL;
	for (size_t c = 0; c < r->ncols; c++)
		if (strcmp(r->names[c], col) == 0)
			return yh_rows_value(r, row, c);
	return NULL;
}

void yh_rows_free(yh_rows *r)
{
	if (r == NULL)
		return;
	free(r->names);
	free(r->cells);
	free(r->arena);
	free(r);
}
