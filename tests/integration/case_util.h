/*
 * case_util.h - fixtures for the casework tests: persons inserted straight
 * into yh.person (the roster module owns their CRUD), plus small helpers.
 */
#ifndef YH_CASE_UTIL_H
#define YH_CASE_UTIL_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/casework.h"

/* One text value of a query (ring of 16 buffers); "" on NULL or error. */
static inline const char *case_q(const char *sql, int n, const char *const *p)
{
	static char ring[16][512];
	static int slot;
	char *out = NULL;
	yh_err err;

	slot = (slot + 1) % 16;
	ring[slot][0] = '\0';
	yh_err_clear(&err);
	if (yh_db_query_text(T.db, &out, sql, n, p, NULL, &err) != 0 && err.code != YH_ENOTFOUND)
		fprintf(stderr, "case_q: %s: %s\n", sql, err.msg);
	else if (out)
		snprintf(ring[slot], sizeof(ring[slot]), "%s", out);
	free(out);
	return ring[slot];
}

static inline long case_n(const char *sql, int n, const char *const *p)
{
	return atol(case_q(sql, n, p));
}

/* Keeps a person uid for the rest of the suite (the query ring is short-lived). */
static inline const char *case_keep(const char *uid)
{
	static char ring[1024][40];
	static int slot;

	slot = (slot + 1) % 1024;
	snprintf(ring[slot], sizeof(ring[slot]), "%s", uid);
	return ring[slot];
}

/*
 * A cadre in unit (code) born on birth; category 离休 gets a 1945 joining
 * date. Returns the uid (ring buffer). Extra columns can be set afterwards
 * with case_set().
 */
static inline const char *case_cadre(const char *unit, const char *name, const char *birth, const char *category)
{
	const char *p[4] = { unit, name, birth, category };

	return case_keep(case_q("INSERT INTO yh.person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, birth_date,"
		" category, joined_on, unit_id, added_on) VALUES (gen_random_uuid(), 'cadre', $2, 'M',"
		" decode(md5(random()::text || clock_timestamp()::text), 'hex'), '\\x00'::bytea, '440802********001X',"
		" $3::date, $4, CASE WHEN $4 IN ('离休', '企业离休') THEN DATE '1945-01-01' END,"
		" (SELECT id FROM yh.unit WHERE code = $1), DATE '1990-01-01') RETURNING uid", 4, p));
}

/* A survivor (配偶) of cadre uid. */
static inline const char *case_survivor(const char *cadre, const char *name, const char *birth)
{
	const char *p[3] = { cadre, name, birth };

	return case_keep(case_q("INSERT INTO yh.person (uid, kind, cadre_id, relationship, name, gender, id_bidx, id_cipher,"
		" id_masked, birth_date, unit_id, added_on) SELECT gen_random_uuid(), 'survivor', c.id, '配偶', $2, 'F',"
		" decode(md5(random()::text || clock_timestamp()::text), 'hex'), '\\x00'::bytea, '440802********002X',"
		" $3::date, c.unit_id, DATE '1990-01-01' FROM yh.person c WHERE c.uid = $1::uuid RETURNING uid", 3, p));
}

/* UPDATE yh.person SET <assignments> WHERE uid = person. */
static inline void case_set(const char *person, const char *assignments)
{
	char sql[512];
	const char *p[1] = { person };
	yh_err err;

	snprintf(sql, sizeof(sql), "UPDATE yh.person SET %s WHERE uid = $1::uuid", assignments);
	yh_err_clear(&err);
	if (yh_db_exec(T.db, sql, 1, p, &err) < 0)
		fprintf(stderr, "case_set: %s\n", err.msg);
}

static inline const char *case_today(void)
{
	return case_q("SELECT yh.today()::text", 0, NULL);
}

/* today + n days, as text. */
static inline const char *case_day(int n)
{
	char num[16];
	const char *p[1] = { num };

	snprintf(num, sizeof(num), "%d", n);
	return case_q("SELECT (yh.today() + $1::int)::text", 1, p);
}

/* Logs a visit; returns its uid ("" on failure, with the code in *rc when rc is not NULL). */
static inline const char *case_visit(const yh_actor *a, const char *person, const char *at, const char *occasion,
	const char *mode, int *rc)
{
	static char ring[8][64];
	static int slot;
	yh_fields *f = yh_t_fields("person", person, "visited_at", at, "occasion", occasion, "mode", mode, NULL);
	char *out = NULL;
	yh_err err;
	int r;

	yh_err_clear(&err);
	r = yh_visit_create(T.db, a, f, &out, &err);
	if (rc)
		*rc = r;
	slot = (slot + 1) % 8;
	snprintf(ring[slot], sizeof(ring[slot]), "%s", r == 0 ? yh_t_json(out, "id") : "");
	if (r != 0 && rc == NULL)
		fprintf(stderr, "case_visit: %s %s\n", err.field, err.msg);
	free(out);
	yh_fields_free(f);
	return ring[slot];
}

/* Records an event; returns the JSON (caller frees) or NULL, with the code in *rc. */
static inline char *case_event(const yh_actor *a, const char *type, const char *person, const char *date, int *rc,
	yh_err *err)
{
	yh_fields *f = person ? yh_t_fields("type", type, "person", person, "date", date, NULL) :
				yh_t_fields("type", type, "date", date, NULL);
	char *out = NULL;

	yh_err_clear(err);
	*rc = yh_event_record(T.db, a, f, &out, err);
	yh_fields_free(f);
	return out;
}

/*
 * Member key of a JSON object whose keys contain dots ("obligations.met"),
 * as text (ring buffer): strings as is, others as compact JSON; NULL if absent.
 * sub, when not NULL, descends one more level ("value").
 */
static inline const char *case_fig(const char *json, const char *key, const char *sub)
{
	static char ring[8][256];
	static int slot;
	json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
	json_t *v = json_object_get(doc, key);
	const char *res = NULL;

	if (v && sub)
		v = json_object_get(v, sub);
	if (v && !json_is_null(v)) {
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", s ? s : "");
		free(s);
		res = ring[slot];
	}
	json_decref(doc);
	return res;
}

#endif
