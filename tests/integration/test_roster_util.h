/*
 * test_roster_util.h - helpers shared by the roster test suites (header-only,
 * static functions): valid ID numbers on demand, and quick person creation.
 */
#ifndef YH_TEST_ROSTER_UTIL_H
#define YH_TEST_ROSTER_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/roster.h"
#include "yinhui/validate.h"

/* A fixed data key, so sealed numbers open across runs and processes of a suite. */
#define RT_DATA_KEY "8c1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

/* A valid 18-digit ID number: area (6 digits), birth YYYYMMDD, sequence 0..999. Static ring buffer. */
static inline const char *rt_id(const char *area, const char *birth, int seq)
{
	static char ring[16][19];
	static int slot;
	char *o;

	slot = (slot + 1) % 16;
	o = ring[slot];
	snprintf(o, 19, "%.6s%.8s%03d", area, birth, seq % 1000);
	o[17] = yh_idno_check_digit(o);
	o[18] = '\0';
	return o;
}

/* Same number with a wrong check digit. */
static inline const char *rt_bad_id(const char *area, const char *birth, int seq)
{
	static char buf[19];

	snprintf(buf, sizeof(buf), "%s", rt_id(area, birth, seq));
	buf[17] = buf[17] == '1' ? '2' : '1';
	return buf;
}

/* Creates a cadre; returns its uid in a static ring buffer, or NULL (and prints why). */
static inline const char *rt_cadre(const yh_actor *a, const char *name, const char *id, const char *category,
	const char *unit, const char *joined)
{
	static char ring[8][37];
	static int slot;
	yh_fields *f = yh_t_fields("name", name, "id_number", id, "category", category, "unit", unit,
		"joined_on", joined ? joined : "null", NULL);
	char *out = NULL;
	const char *res = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (yh_roster_create(T.db, a, f, &out, &err) == 0) {
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", yh_t_json(out, "id"));
		res = ring[slot];
	} else {
		fprintf(stderr, "rt_cadre %s: %s: %s\n", name, err.field, err.msg);
	}
	free(out);
	yh_fields_free(f);
	return res;
}

static inline long rt_audit_count(void)
{
	return yh_t_count("SELECT count(*) FROM yh.audit_log");
}

#endif
