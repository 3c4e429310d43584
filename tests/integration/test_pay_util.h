/*
 * test_pay_util.h - helpers shared by the pay test suites (header-only,
 * static inline): persons inserted with plain SQL (the roster module is
 * built in parallel), programmes, enrolments and batches in one call each.
 */
#ifndef YH_TEST_PAY_UTIL_H
#define YH_TEST_PAY_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "yinhui/pay.h"
#include "yinhui/pii.h"
#include "yinhui/table.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define PT_DATA_KEY "3e1f4d2a9b7e6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"

/* A valid ID number, distinct per seq: 440802 19300701 + sequence. */
static inline void pt_idno(char out[19], int seq)
{
	snprintf(out, 19, "44080219300701%03d", seq % 1000);
	/* 17 digits: area 6 + birth 8 + sequence 3 */
	out[17] = yh_idno_check_digit(out);
	out[18] = '\0';
}

/*
 * Inserts a person with plain SQL; returns its uid in a ring buffer.
 * kind "cadre" (category required) or "survivor" (cadre_uid, relationship).
 */
static inline const char *pt_person(const char *name, const char *kind, const char *category, const char *unit,
	const char *cadre_uid, const char *relationship)
{
	static const char q[] =
		"INSERT INTO yh.person (uid, kind, cadre_id, relationship, name, gender, id_bidx, id_cipher, id_masked,"
		" birth_date, category, joined_on, unit_id, added_on)"
		" VALUES ($1::uuid, $2, (SELECT id FROM yh.person WHERE uid = $3::uuid), $4, $5, 'F', $6::bytea, $7::bytea,"
		" $8, DATE '1930-07-01', $9, CASE WHEN $9 IN ('离休', '企业离休') THEN DATE '1945-01-01' END,"
		" (SELECT id FROM yh.unit WHERE code = $10), DATE '2000-01-01')";
	static char ring[16][37];
	static int slot, seq;
	char idno[19], bidx[YH_PII_BIDX_HEX], masked[19], *cipher = NULL;
	const char *p[10];
	yh_err err;

	yh_err_clear(&err);
	slot = (slot + 1) % 16;
	yh_uuid_new(ring[slot]);
	pt_idno(idno, ++seq);
	yh_idno_mask(masked, idno);
	if (yh_pii_seal(&cipher, idno, &err) != 0 || yh_pii_bidx(bidx, "idno", idno, &err) != 0) {
		fprintf(stderr, "pt_person seal: %s\n", err.msg);
		free(cipher);
		return NULL;
	}
	p[0] = ring[slot];
	p[1] = kind;
	p[2] = cadre_uid;
	p[3] = relationship;
	p[4] = name;
	p[5] = bidx;
	p[6] = cipher;
	p[7] = masked;
	p[8] = category;
	p[9] = unit;
	if (yh_db_exec(T.db, q, 10, p, &err) < 0) {
		fprintf(stderr, "pt_person %s: %s\n", name, err.msg);
		free(cipher);
		return NULL;
	}
	free(cipher);
	return ring[slot];
}

/* Runs fn's result check: prints the error when rc is not the expected code. */
static inline int pt_rc(int rc, int want, const yh_err *err, const char *what)
{
	if (rc != want)
		fprintf(stderr, "%s: rc %d (want %d): %s: %s\n", what, rc, want, err->field, err->msg);
	return rc == want;
}

/* Creates a programme from "k","v" pairs; returns 1 on success. */
#define PT_PROGRAMME(actor, ...) \
	do { \
		yh_fields *f_ = yh_t_fields(__VA_ARGS__, NULL); \
		char *o_ = NULL; \
		yh_err e_; \
		yh_err_clear(&e_); \
		CU_ASSERT(pt_rc(yh_programme_add(T.db, (actor), f_, &o_, &e_), 0, &e_, "programme add")); \
		free(o_); \
		yh_fields_free(f_); \
	} while (0)

/* Enrols person in programme from start with account; returns the enrolment id (ring buffer) or NULL. */
static inline const char *pt_enrol(const yh_actor *a, const char *programme, const char *person, const char *start,
	const char *account, const char *holder)
{
	static char ring[8][64];
	static int slot;
	yh_fields *f = yh_t_fields("programme", programme, "person", person, "start_on", start, "account", account,
		"bank_name", "中国工商银行湛江分行", "holder_name", holder ? holder : "null", NULL);
	char *out = NULL;
	const char *res = NULL;
	yh_err err;

	yh_err_clear(&err);
	if (holder == NULL) {
		/* absent, not null: the holder defaults to the beneficiary's name */
		yh_fields_free(f);
		f = yh_t_fields("programme", programme, "person", person, "start_on", start, "account", account,
			"bank_name", "中国工商银行湛江分行", NULL);
	}
	if (pt_rc(yh_enrol_add(T.db, a, f, &out, &err), 0, &err, "enrol")) {
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", yh_t_json(out, "id"));
		res = ring[slot];
	}
	free(out);
	yh_fields_free(f);
	return res;
}

/* Generates a batch; returns its id (ring buffer) or NULL when rc != want. */
static inline const char *pt_generate(const yh_actor *a, const char *programme, const char *period, int want)
{
	static char ring[8][64];
	static int slot;
	yh_fields *f = yh_t_fields("programme", programme, "period", period, NULL);
	char *out = NULL;
	const char *res = NULL;
	yh_err err;
	int rc;

	yh_err_clear(&err);
	rc = yh_batch_generate(T.db, a, f, &out, &err);
	CU_ASSERT(pt_rc(rc, want, &err, "generate"));
	if (rc == 0) {
		slot = (slot + 1) % 8;
		snprintf(ring[slot], sizeof(ring[slot]), "%s", yh_t_json(out, "id"));
		res = ring[slot];
	}
	free(out);
	yh_fields_free(f);
	return res;
}

/* Approves (approver, with a meeting reference), exports as CSV to path and settles with one bank reference. */
static inline void pt_pay(const char *batch, const char *path)
{
	yh_bankfile_opts o = { YH_TABLE_CSV, NULL, path };
	yh_fields *f = yh_t_fields("bank_ref", "BANK-OK", "paid_on", "2022-12-31", NULL);
	yh_fields *none = yh_t_fields("meeting_ref", "2022年第1次局务会", NULL);
	char *out = NULL;
	yh_err err;

	yh_err_clear(&err);
	CU_ASSERT(pt_rc(yh_batch_approve(T.db, &T.approver, batch, none, &out, &err), 0, &err, "approve"));
	free(out);
	CU_ASSERT(pt_rc(yh_batch_export(T.db, &T.clerk, batch, &o, &out, &err), 0, &err, "export"));
	free(out);
	CU_ASSERT(pt_rc(yh_batch_settle(T.db, &T.clerk, batch, f, &out, &err), 0, &err, "settle"));
	free(out);
	yh_fields_free(f);
	yh_fields_free(none);
}

/* A JSON member of the batch review (yh_batch_get with no lines), in a static ring buffer. */
static inline const char *pt_batch(const char *batch, const char *path)
{
	static char ring[8][256];
	static int slot;
	char *out = NULL;
	const char *v;
	yh_err err;

	yh_err_clear(&err);
	if (yh_batch_get(T.db, &T.admin, batch, 0, &out, &err) != 0) {
		fprintf(stderr, "batch get: %s\n", err.msg);
		return NULL;
	}
	v = yh_t_json(out, path);
	slot = (slot + 1) % 8;
	snprintf(ring[slot], sizeof(ring[slot]), "%s", v ? v : "(null)");
	free(out);
	return ring[slot];
}

#endif
