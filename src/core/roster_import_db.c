/*
 * roster_import_db.c - the database half of a roster import, on a thread of
 * its own so that the database writes one chunk of good rows while the file
 * is still being checked in C (two cores: the import takes about as long as
 * its database work instead of the sum of both).
 *
 * All in the caller's one transaction. Per chunk: COPY into a temporary
 * table; the persons already on file found by one index probe per row; the
 * checks that need the database run on them (persons of other units,
 * survivors); an UPDATE writes those whose row differs and leaves unchanged
 * ones alone; a plain INSERT writes the new ones. After a bad row anywhere
 * the checks go on (every bad row is reported) but nothing more is written,
 * and the caller rolls back. One audit row "person.import" records the
 * operation: counts, the ids of created and updated persons and the updated
 * persons as they were before.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/roster_import_db.h"
#include "core/roster_internal.h"
#include "yinhui/audit.h"
#include "yinhui/log.h"

#define QUEUE_MAX 2 /* chunks waiting for the writer: bounds memory, keeps it busy */

const char *const yh_import_optional[YH_IMPORT_NOPT] = { "former_employer", "rank", "joined_on", "retired_on",
	"district", "address", "phones", "emergency_contacts", "living_situation", "care_level", "remote",
	"party_member", "note" };

/*
 * Without statistics on the temporary tables the planner guesses costs high
 * enough to JIT-compile and optimise the statements: 0.5 s of compiling per
 * statement on a 100,000-row file, for work that runs once.
 */
static const char Q_NO_JIT[] = "SET LOCAL jit = off";
static const char Q_TEMP_DROP[] =
	"DROP TABLE IF EXISTS pg_temp.roster_import, pg_temp.roster_match, pg_temp.roster_updated";
static const char Q_TEMP[] =
	"CREATE TEMP TABLE roster_import (line integer, name text, gender text, id_bidx bytea, id_cipher bytea,"
	" id_masked text, id_legacy boolean, birth_date date, category text, former_employer text, rank text,"
	" joined_on date, retired_on date, unit_id bigint, district text, address text, phones jsonb,"
	" emergency_contacts jsonb, living_situation text, care_level text, remote boolean, party_member boolean,"
	" added_on date, note text) ON COMMIT DROP";
static const char Q_TEMP_MATCH[] = "CREATE TEMP TABLE roster_match (line integer, id bigint) ON COMMIT DROP";
static const char Q_TEMP_UPDATED[] = "CREATE TEMP TABLE roster_updated (id bigint, uid uuid, doc json) ON COMMIT DROP";
static const char Q_TRUNCATE[] = "TRUNCATE pg_temp.roster_import, pg_temp.roster_match";
static const char Q_COPY[] = "COPY pg_temp.roster_import FROM STDIN";
/*
 * The rows whose person is on file: one probe of the ID number index per row.
 * OFFSET 0 keeps the probe a subplan: a join would hash all of yh.person
 * (0.5 s at 220,000 persons, growing with the roster) for every chunk.
 */
static const char Q_MATCH[] =
	"INSERT INTO pg_temp.roster_match SELECT line, id FROM"
	" (SELECT i.line, (SELECT p.id FROM yh.person p WHERE p.id_bidx = i.id_bidx) AS id"
	"  FROM pg_temp.roster_import i OFFSET 0) m WHERE id IS NOT NULL";
/* persons on file who may not be changed from here */
static const char Q_CHECK[] =
	"SELECT i.line, CASE WHEN p.kind <> 'cadre' THEN 'this ID number belongs to a survivor, not a cadre'"
	" WHEN NOT yh.in_scope(p.unit_id, $1::bigint) THEN 'this person is on file in a unit outside yours'"
	" ELSE 'the person was transferred out on ' || p.transferred_out_on || ', before added_on' END AS message"
	" FROM pg_temp.roster_match m JOIN pg_temp.roster_import i ON i.line = m.line JOIN yh.person p ON p.id = m.id"
	" WHERE p.kind <> 'cadre' OR NOT ($1::bigint IS NULL OR p.unit_id IN"
	"  (SELECT descendant FROM yh.unit_closure WHERE ancestor = $1::bigint))"
	" OR p.transferred_out_on < coalesce(i.added_on, p.added_on) ORDER BY i.line";
/*
 * Persons on file: the columns of the file; the optional ones ($1..$13) only
 * when the file has them. Rows without a unit or added_on keep the person's.
 * Unchanged rows are not rewritten: no new row version, no updated_at change.
 * The join to yh.person sees the statement's snapshot: the persons as they were.
 */
#define OPT_SET(c, e, n) " " c " = CASE WHEN $" n "::bool THEN " e " ELSE p." c " END,"
#define OPT_OLD(c, e, n) ", CASE WHEN $" n "::bool THEN p." c " END"
#define OPT_NEW(c, e, n) ", CASE WHEN $" n "::bool THEN " e " END"
#define OPT_ALL(X) X("former_employer", "i.former_employer", "1") X("rank", "i.rank", "2") \
	X("joined_on", "i.joined_on", "3") X("retired_on", "i.retired_on", "4") X("district", "i.district", "5") \
	X("address", "i.address", "6") X("phones", "coalesce(i.phones, '[]')", "7") \
	X("emergency_contacts", "coalesce(i.emergency_contacts, '[]')", "8") \
	X("living_situation", "i.living_situation", "9") X("care_level", "i.care_level", "10") \
	X("remote", "coalesce(i.remote, false)", "11") X("party_member", "coalesce(i.party_member, false)", "12") \
	X("note", "i.note", "13")
static const char Q_UPDATE[] =
	"WITH up AS (UPDATE yh.person p SET name = i.name, gender = i.gender, birth_date = i.birth_date,"
	" category = i.category, unit_id = coalesce(i.unit_id, p.unit_id), added_on = coalesce(i.added_on, p.added_on),"
	OPT_ALL(OPT_SET)
	" updated_at = now()"
	" FROM pg_temp.roster_match m JOIN pg_temp.roster_import i ON i.line = m.line WHERE p.id = m.id"
	" AND ROW(p.name, p.gender, p.birth_date, p.category, p.unit_id, p.added_on" OPT_ALL(OPT_OLD)
	") IS DISTINCT FROM ROW(i.name, i.gender, i.birth_date, i.category, coalesce(i.unit_id, p.unit_id),"
	" coalesce(i.added_on, p.added_on)" OPT_ALL(OPT_NEW)
	") RETURNING p.id, p.uid)"
	" INSERT INTO pg_temp.roster_updated SELECT up.id, up.uid, " YH_PERSON_JSON
	" FROM up JOIN yh.person p ON p.id = up.id";
/*
 * New persons: a plain INSERT (no speculative insertion). A person added by
 * someone else since Q_MATCH makes the unique index refuse the row: an error
 * naming the line, never a duplicate (see conflict_line).
 */
static const char Q_INSERT[] =
	"WITH ins AS (INSERT INTO yh.person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, id_legacy,"
	" birth_date, category, former_employer, rank, joined_on, retired_on, unit_id, district, address, phones,"
	" emergency_contacts, living_situation, care_level, remote, party_member, added_on, note)"
	" SELECT gen_random_uuid(), 'cadre', i.name, i.gender, i.id_bidx, i.id_cipher, i.id_masked, i.id_legacy,"
	" i.birth_date, i.category, i.former_employer, i.rank, i.joined_on, i.retired_on,"
	" coalesce(i.unit_id, $1::bigint), i.district, i.address, coalesce(i.phones, '[]'),"
	" coalesce(i.emergency_contacts, '[]'), i.living_situation, i.care_level, coalesce(i.remote, false),"
	" coalesce(i.party_member, false), coalesce(i.added_on, current_date), i.note"
	" FROM pg_temp.roster_import i WHERE NOT EXISTS (SELECT 1 FROM pg_temp.roster_match m WHERE m.line = i.line)"
	" RETURNING id, uid)"
	" SELECT count(*) AS n, coalesce(json_agg(uid ORDER BY id), '[]')::text AS ids FROM ins";
static const char Q_UPDATED[] =
	"SELECT coalesce(json_agg(uid ORDER BY id), '[]')::text AS ids,"
	" coalesce(json_agg(doc ORDER BY id), '[]')::text AS before FROM pg_temp.roster_updated";

struct yh_import_sink {
	yh_db *db;
	const yh_actor *a;
	char scope_buf[24], default_unit[24];
	const char *scope; /* NULL: all units */
	const char *opt[YH_IMPORT_NOPT];
	pthread_t thread;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	yh_import_chunk *queue[QUEUE_MAX];
	size_t qhead, qlen;
	int closed, bad, rc;
	/* the writer's own */
	yh_err err;
	yh_ierrs errs;
	size_t chunks;
	long created, updated;
	yh_ibuf created_ids; /* "uid","uid",... in id order: each chunk's ids follow the last chunk's */
	yh_import_times t;
};

int yh_ibuf_put(yh_ibuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *np;
		while (b->n + n + 1 > cap)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL)
			return YH_EINTERNAL;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int yh_ierrs_add(yh_ierrs *e, size_t line, const char *column, const char *field, const char *msg)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		yh_ierr *nv = realloc(e->v, cap * sizeof(*nv));
		if (nv == NULL)
			return YH_EINTERNAL;
		e->v = nv;
		e->cap = cap;
	}
	e->v[e->n].line = line;
	snprintf(e->v[e->n].column, sizeof(e->v[e->n].column), "%s", column ? column : "");
	snprintf(e->v[e->n].field, sizeof(e->v[e->n].field), "%s", field ? field : "");
	snprintf(e->v[e->n].msg, sizeof(e->v[e->n].msg), "%s", msg);
	/* a cut may split a character, and JSON refuses such a string: the error would be lost */
	yh_utf8_sanitize(e->v[e->n].column);
	yh_utf8_sanitize(e->v[e->n].msg);
	e->n++;
	return 0;
}

void yh_import_chunk_free(yh_import_chunk *c)
{
	if (c == NULL)
		return;
	free(c->copy.p);
	free(c->bidx);
	free(c->lines);
	free(c);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A row the unique index refused on insert: a person with its ID number was
 * added by someone else after Q_MATCH. The line is found from the key in the
 * error's detail ("Key (id_bidx)=(\x...) already exists"); 0 when not found.
 */
static size_t conflict_line(const yh_import_chunk *c, const yh_err *e)
{
	const char *k = strstr(e->msg, "=(");

	if (strcmp(e->sqlstate, "23505") != 0 || strcmp(e->field, "person_id_number_unique") != 0 || k == NULL)
		return 0;
	k += 2;
	for (size_t i = 0; i < c->n; i++) {
		size_t n = strlen(c->bidx[i]);
		if (strncmp(c->bidx[i], k, n) == 0 && k[n] == ')')
			return c->lines[i];
	}
	return 0;
}

/* One chunk: load, find the persons on file, check them; unless the file has a bad row, update and insert. */
static int write_chunk(yh_import_sink *s, const yh_import_chunk *c)
{
	yh_rows *rows = NULL;
	const char *p[1];
	double t0 = mono_now(), t1;
	int rc = 0, matched, bad;

	if (s->chunks++ > 0)
		rc = yh_db_exec(s->db, Q_TRUNCATE, 0, NULL, &s->err);
	if (rc >= 0 && c->copy.n > 0)
		rc = yh_db_copy_in(s->db, Q_COPY, c->copy.p, c->copy.n, &s->err);
	if (rc >= 0)
		rc = yh_db_exec(s->db, Q_MATCH, 0, NULL, &s->err);
	t1 = mono_now();
	s->t.load += t1 - t0;
	if (rc < 0)
		return rc;
	matched = rc;
	rc = 0;
	if (matched > 0) {
		p[0] = s->scope;
		rc = yh_db_query(s->db, &rows, Q_CHECK, 1, p, &s->err);
		for (size_t i = 0; rc == 0 && i < yh_rows_count(rows); i++)
			if (yh_ierrs_add(&s->errs, (size_t)atol(yh_rows_get(rows, i, "line")), "身份证号码", "id_number",
				    yh_rows_get(rows, i, "message")) != 0)
				rc = yh_err_set(&s->err, YH_EINTERNAL, NULL, "out of memory");
		yh_rows_free(rows);
		rows = NULL;
	}
	t0 = mono_now();
	s->t.check += t0 - t1;
	pthread_mutex_lock(&s->mu);
	bad = s->bad || s->errs.n > 0;
	pthread_mutex_unlock(&s->mu);
	if (rc != 0 || bad)
		return rc;
	if (matched > 0) {
		rc = yh_db_exec(s->db, Q_UPDATE, YH_IMPORT_NOPT, s->opt, &s->err);
		if (rc < 0)
			return rc;
		s->updated += rc;
	}
	t1 = mono_now();
	s->t.update += t1 - t0;
	p[0] = s->default_unit;
	rc = yh_db_query(s->db, &rows, Q_INSERT, 1, p, &s->err);
	if (rc == YH_ECONFLICT && conflict_line(c, &s->err) > 0)
		rc = yh_err_set(&s->err, YH_ECONFLICT, "id_number", "line %zu (身份证号码): a person with this ID number was"
			" added while the file was being imported; nothing was imported: import the file again",
			conflict_line(c, &s->err));
	if (rc == 0) {
		const char *ids = yh_rows_get(rows, 0, "ids");
		size_t n = strlen(ids);
		s->created += atol(yh_rows_get(rows, 0, "n"));
		/* [a,b] -> a,b appended, comma-separated from the last chunk's */
		if (n > 2 && ((s->created_ids.n > 0 && yh_ibuf_put(&s->created_ids, ",", 1) != 0) ||
			      yh_ibuf_put(&s->created_ids, ids + 1, n - 2) != 0))
			rc = yh_err_set(&s->err, YH_EINTERNAL, NULL, "out of memory");
	}
	yh_rows_free(rows);
	s->t.insert += mono_now() - t1;
	return rc;
}

static void *writer(void *arg)
{
	yh_import_sink *s = arg;

	/* database errors logged from here carry the request's id, as from the request's own thread */
	yh_log_set_request_id(s->a->request_id[0] ? s->a->request_id : NULL);
	for (;;) {
		yh_import_chunk *c;
		int rc;

		pthread_mutex_lock(&s->mu);
		while (s->qlen == 0 && !s->closed)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->qlen == 0) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		c = s->queue[s->qhead];
		s->qhead = (s->qhead + 1) % QUEUE_MAX;
		s->qlen--;
		rc = s->rc;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		/* after an error the transaction is lost: the rest is only freed */
		if (rc == 0)
			rc = write_chunk(s, c);
		yh_import_chunk_free(c);
		if (rc != 0) {
			pthread_mutex_lock(&s->mu);
			s->rc = rc;
			pthread_cond_broadcast(&s->cv); /* a reader waiting for room stops reading */
			pthread_mutex_unlock(&s->mu);
		}
	}
	return NULL;
}

int yh_import_sink_start(yh_import_sink **out, yh_db *db, const yh_actor *a, const char *default_unit,
	const char *const opt[YH_IMPORT_NOPT], yh_err *err)
{
	yh_import_sink *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (s == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	s->db = db;
	s->a = a;
	s->scope = yh_actor_scope(a, s->scope_buf);
	snprintf(s->default_unit, sizeof(s->default_unit), "%s", default_unit);
	memcpy(s->opt, opt, sizeof(s->opt));
	yh_err_clear(&s->err);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	rc = yh_db_begin(db, err);
	if (rc == 0) {
		rc = yh_db_exec(db, Q_NO_JIT, 0, NULL, err);
		if (rc >= 0)
			rc = yh_db_exec(db, Q_TEMP_DROP, 0, NULL, err);
		if (rc >= 0)
			rc = yh_db_exec(db, Q_TEMP, 0, NULL, err);
		if (rc >= 0)
			rc = yh_db_exec(db, Q_TEMP_MATCH, 0, NULL, err);
		if (rc >= 0)
			rc = yh_db_exec(db, Q_TEMP_UPDATED, 0, NULL, err);
		if (rc < 0)
			yh_db_rollback(db);
	}
	if (rc >= 0) {
		rc = pthread_create(&s->thread, NULL, writer, s) == 0 ? 0 : yh_err_set(err, YH_EINTERNAL, NULL,
			"cannot start the import's writer thread");
		if (rc != 0)
			yh_db_rollback(db);
	}
	if (rc < 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return rc;
	}
	s->running = 1;
	*out = s;
	return 0;
}

int yh_import_sink_put(yh_import_sink *s, yh_import_chunk *c, int bad, yh_err *err)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	s->bad |= bad;
	while (s->qlen == QUEUE_MAX && s->rc == 0)
		pthread_cond_wait(&s->cv, &s->mu);
	rc = s->rc;
	if (rc == 0) {
		s->queue[(s->qhead + s->qlen) % QUEUE_MAX] = c;
		s->qlen++;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	if (rc != 0) {
		yh_import_chunk_free(c);
		/* the writer has stopped: its error is read once it has joined (finish) */
		return yh_err_set(err, YH_EINTERNAL, NULL, "the import's database work failed");
	}
	return 0;
}

/* Stops the writer once the queue is empty and waits for it. */
static void join_writer(yh_import_sink *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->mu);
	s->closed = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->running = 0;
}

int yh_import_sink_abandon(yh_import_sink *s, yh_err *err)
{
	join_writer(s);
	if (s->rc != 0)
		*err = s->err;
	return s->rc;
}

/* Counts and ids merged with the file facts: the import's audit "after". */
static char *audit_after(const char *ids, size_t rows, long created, long updated, const char *enc)
{
	json_t *doc = json_loads(ids ? ids : "{}", 0, NULL);
	char *out;

	if (doc == NULL)
		return NULL;
	json_object_set_new(doc, "rows", json_integer((json_int_t)rows));
	json_object_set_new(doc, "created", json_integer(created));
	json_object_set_new(doc, "updated", json_integer(updated));
	json_object_set_new(doc, "unchanged", json_integer((json_int_t)rows - created - updated));
	json_object_set_new(doc, "encoding", json_string(enc));
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return out;
}

int yh_import_sink_finish(yh_import_sink *s, yh_ierrs *errs, size_t nrows, const char *enc, char **out,
	yh_import_times *t, yh_err *err)
{
	yh_rows *rows = NULL;
	char *ids = NULL, *after = NULL, *wrapped = NULL;
	double t0 = mono_now(), t1;
	size_t n;
	int rc;

	*out = NULL;
	join_writer(s);
	t1 = mono_now();
	s->t.wait = t1 - t0;
	*t = s->t;
	if (s->rc != 0) {
		*err = s->err;
		return s->rc;
	}
	for (size_t i = 0; i < s->errs.n; i++)
		if (yh_ierrs_add(errs, s->errs.v[i].line, s->errs.v[i].column, s->errs.v[i].field, s->errs.v[i].msg) != 0)
			return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	if (errs->n > 0)
		return 0;
	if (s->updated > 0) {
		rc = yh_db_query(s->db, &rows, Q_UPDATED, 0, NULL, err);
		if (rc != 0)
			return rc;
	}
	/* {"created_ids":[..],"updated_ids":[..]}, as one upsert statement used to return it */
	n = s->created_ids.n + (rows ? strlen(yh_rows_get(rows, 0, "ids")) : 2) + 40;
	ids = malloc(n);
	if (ids != NULL)
		snprintf(ids, n, "{\"created_ids\":[%s],\"updated_ids\":%s}", s->created_ids.p ? s->created_ids.p : "",
			rows ? yh_rows_get(rows, 0, "ids") : "[]");
	after = ids ? audit_after(ids, nrows, s->created, s->updated, enc) : NULL;
	if (rows != NULL) {
		n = strlen(yh_rows_get(rows, 0, "before")) + 16;
		wrapped = malloc(n);
		if (wrapped != NULL)
			snprintf(wrapped, n, "{\"updated\":%s}", yh_rows_get(rows, 0, "before"));
	}
	if (after == NULL || (rows != NULL && wrapped == NULL)) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	rc = yh_audit(s->db, s->a, "person.import", "person", NULL, wrapped, after, err);
	if (rc != 0)
		goto done;
	*out = malloc(256);
	if (*out == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	snprintf(*out, 256, "{\"imported\":true,\"rows\":%zu,\"created\":%ld,\"updated\":%ld,\"unchanged\":%ld,"
		"\"encoding\":\"%s\"}", nrows, s->created, s->updated, (long)nrows - s->created - s->updated, enc);
done:
	t->audit = mono_now() - t1;
	yh_rows_free(rows);
	free(ids);
	free(after);
	free(wrapped);
	return rc;
}

void yh_import_sink_free(yh_import_sink *s)
{
	if (s == NULL)
		return;
	join_writer(s);
	while (s->qlen > 0) {
		yh_import_chunk_free(s->queue[s->qhead]);
		s->qhead = (s->qhead + 1) % QUEUE_MAX;
		s->qlen--;
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->errs.v);
	free(s->created_ids.p);
	free(s);
}
