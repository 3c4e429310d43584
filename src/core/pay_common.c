/* Helpers shared by the pay module: periods, lookups with scope, buffers. */
#include "core/pay_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/calendar.h"
#include "yinhui/validate.h"

static const char Q_PROGRAMME_FIND[] =
	"SELECT id, uid, code, name, kind, period, purpose, budget_line FROM yh.programme"
	" WHERE code = $1 OR uid::text = $1";
static const char Q_BATCH_FIND[] =
	"SELECT b.id, b.uid, b.state, b.programme_id, b.created_by, b.period, b.kind, b.unit_id,"
	" yh.in_scope(b.unit_id, $2::bigint) AS visible FROM yh.batch b WHERE b.uid = $1::uuid";
static const char Q_PERSON_FIND[] =
	"SELECT p.id, p.name, p.unit_id, yh.in_scope(p.unit_id, $2::bigint) AS visible"
	" FROM yh.person p WHERE p.uid = $1::uuid";

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int year_of(const char *s)
{
	return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
}

static void fill(yh_pay_period *out, int y, int m1, int m2)
{
	snprintf(out->start, sizeof(out->start), "%04d-%02d-01", y, m1);
	snprintf(out->end, sizeof(out->end), "%04d-%02d-%02d", y, m2, yh_date_days_in_month(y, m2));
}

int yh_pay_period_parse(yh_pay_period *out, const char *kind, const char *label, const char *date,
	yh_err *err)
{
	size_t n = label ? strlen(label) : 0;
	int y, m, d;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return yh_err_set(err, YH_EINVAL, "period", "is required");
	if (strcmp(kind, "one_off") == 0) {
		if (yh_text_check(label, 40, "period", err) != 0)
			return YH_EINVAL;
		if (date == NULL)
			return yh_err_set(err, YH_EINVAL, "date", "a one-off payment needs its date (YYYY-MM-DD)");
		if (yh_date_parse_ymd(date, &y, &m, &d, err, "date") != 0)
			return YH_EINVAL;
		snprintf(out->label, sizeof(out->label), "%s", label);
		snprintf(out->bank, sizeof(out->bank), "%s", label);
		snprintf(out->start, sizeof(out->start), "%s", date);
		snprintf(out->end, sizeof(out->end), "%s", date);
		return 0;
	}
	if (n < 4 || !digits(label, 4) || year_of(label) < 1900 || year_of(label) > 2200)
		goto bad;
	y = year_of(label);
	if (strcmp(kind, "yearly") == 0 && n == 4) {
		fill(out, y, 1, 12);
		snprintf(out->label, sizeof(out->label), "%04d", y);
		snprintf(out->bank, sizeof(out->bank), "%04d", y);
		return 0;
	}
	if (strcmp(kind, "quarterly") == 0 && n == 7 && label[4] == '-' && (label[5] == 'Q' || label[5] == 'q') &&
	    label[6] >= '1' && label[6] <= '4') {
		int q = label[6] - '0';
		fill(out, y, 3 * q - 2, 3 * q);
		snprintf(out->label, sizeof(out->label), "%04d-Q%d", y, q);
		snprintf(out->bank, sizeof(out->bank), "%04dQ%d", y, q);
		return 0;
	}
	if (strcmp(kind, "monthly") == 0 && n == 7 && label[4] == '-' && digits(label + 5, 2)) {
		m = (label[5] - '0') * 10 + (label[6] - '0');
		if (m < 1 || m > 12)
			goto bad;
		fill(out, y, m, m);
		snprintf(out->label, sizeof(out->label), "%04d-%02d", y, m);
		snprintf(out->bank, sizeof(out->bank), "%04d%02d", y, m);
		return 0;
	}
bad:
	return yh_err_set(err, YH_EINVAL, "period", "a %s programme's period looks like %s", kind,
		strcmp(kind, "monthly") == 0 ? "2022-03" : strcmp(kind, "quarterly") == 0 ? "2022-Q1" : "2022");
}

void yh_pay_period_today(yh_pay_period *out, const char *kind)
{
	char label[32], date[32];
	int y, m, d;

	yh_date_today(&y, &m, &d);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
	if (strcmp(kind, "monthly") == 0)
		snprintf(label, sizeof(label), "%04d-%02d", y, m);
	else if (strcmp(kind, "quarterly") == 0)
		snprintf(label, sizeof(label), "%04d-Q%d", y, (m + 2) / 3);
	else if (strcmp(kind, "yearly") == 0)
		snprintf(label, sizeof(label), "%04d", y);
	else
		snprintf(label, sizeof(label), "%s", date);
	yh_pay_period_parse(out, kind, label, date, NULL);
}

/* The next period's label when $2 starts after it (Beijing dates, yh.today()); no row otherwise. */
static const char Q_PERIOD_AHEAD[] =
	"SELECT n.label FROM yh.pay_period_of($1, yh.today()) c CROSS JOIN LATERAL yh.pay_period_of($1, c.p_end + 1) n"
	" WHERE $2::date > n.p_start";

int yh_pay_period_not_ahead(yh_db *db, const yh_pay_period *per, const char *kind, yh_err *err)
{
	const char *p[2];
	char *next = NULL;
	int rc;

	if (strcmp(kind, "one_off") == 0)
		return 0;
	p[0] = kind;
	p[1] = per->start;
	rc = yh_db_query_text(db, &next, Q_PERIOD_AHEAD, 2, p, NULL, err);
	if (rc == YH_ENOTFOUND)
		return 0;
	if (rc == 0)
		rc = yh_err_set(err, YH_EINVAL, "period", "%s has not begun: a batch is generated at most one period ahead"
			" (up to %s); is the year mistyped?", per->label, next);
	free(next);
	return rc;
}

int yh_pay_programme_find(yh_db *db, const char *ref, const char *field, yh_rows **out, yh_err *err)
{
	int rc;

	*out = NULL;
	if (ref == NULL || *ref == '\0')
		return field ? yh_err_set(err, YH_EINVAL, field, "is required")
			     : yh_err_set(err, YH_ENOTFOUND, NULL, "no such programme");
	rc = yh_db_query(db, out, Q_PROGRAMME_FIND, 1, &ref, err);
	if (rc == 0 && yh_rows_count(*out) != 1) {
		yh_rows_free(*out);
		*out = NULL;
		if (field)
			return yh_err_set(err, YH_EINVAL, field, "no programme \"%.60s\"", ref);
		return yh_err_set(err, YH_ENOTFOUND, NULL, "no programme \"%.60s\"", ref);
	}
	return rc;
}

int yh_pay_find_scoped(yh_db *db, const yh_actor *a, const yh_pay_lookup *k, const char *id, yh_rows **out,
	yh_err *err)
{
	char buf[24];
	const char *p[2];
	int rc;

	*out = NULL;
	if (id == NULL || yh_uuid_check(id, "id", NULL) != 0)
		return yh_err_set(err, k->missing_code, k->field, "%s", k->missing);
	p[0] = id;
	p[1] = yh_actor_scope(a, buf);
	rc = yh_db_query(db, out, k->query, 2, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(*out) != 1)
		rc = yh_err_set(err, k->missing_code, k->field, "%s", k->missing);
	else if (strcmp(yh_rows_get(*out, 0, "visible"), "t") != 0)
		rc = yh_err_set(err, YH_EFORBIDDEN, k->field, "%s", k->outside);
	if (rc != 0) {
		yh_rows_free(*out);
		*out = NULL;
	}
	return rc;
}

int yh_pay_get_scoped(yh_db *db, const yh_actor *a, const yh_pay_lookup *k, const char *get, const char *id,
	char **out, yh_err *err)
{
	yh_rows *row = NULL;
	const char *p[1];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_PAY_READ, err);
	if (rc == 0)
		rc = yh_pay_find_scoped(db, a, k, id, &row, err);
	if (rc == 0) {
		p[0] = yh_rows_get(row, 0, "id");
		rc = yh_db_query_text(db, out, get, 1, p, NULL, err);
	}
	yh_rows_free(row);
	return rc;
}

int yh_pay_batch_find(yh_db *db, const yh_actor *a, const char *id, yh_rows **out, yh_err *err)
{
	static const yh_pay_lookup batch = { Q_BATCH_FIND, YH_ENOTFOUND, NULL, "no such batch",
		"the batch belongs to a unit outside yours" };

	return yh_pay_find_scoped(db, a, &batch, id, out, err);
}

int yh_pay_person_find(yh_db *db, const yh_actor *a, const char *uid, const char *field,
	yh_rows **out, yh_err *err)
{
	const yh_pay_lookup person = { Q_PERSON_FIND, YH_EINVAL, field, "no such person",
		"the person belongs to a unit outside yours" };

	*out = NULL;
	if (uid == NULL || yh_uuid_check(uid, field, NULL) != 0)
		return yh_err_set(err, YH_EINVAL, field, "must be a person's id (UUID)");
	return yh_pay_find_scoped(db, a, &person, uid, out, err);
}

int yh_pay_amount(const yh_values *v, char buf[32], const char **fen, yh_err *err)
{
	const char *yuan = yh_values_get(v, "amount"), *f = yh_values_get(v, "amount_fen");

	*fen = NULL;
	if (yuan && f)
		return yh_err_set(err, YH_EINVAL, "amount", "give amount (yuan) or amount_fen, not both");
	snprintf(buf, 32, "%s", yuan ? yuan : f ? f : "");
	if (yuan || f)
		*fen = buf;
	return 0;
}

int yh_pay_validate(const yh_actor *a, yh_perm perm, const yh_field_spec *spec, size_t nspec, const yh_fields *in,
	int creating, yh_values **v, yh_err *err)
{
	int rc = yh_authz(a, perm, err);

	if (rc == 0)
		rc = yh_values_validate(v, spec, nspec, in, creating, err);
	return rc;
}

int yh_pay_begin(yh_db *db, const yh_actor *a, yh_perm perm, const yh_field_spec *spec, size_t nspec,
	const yh_fields *in, int creating, yh_values **v, yh_err *err)
{
	int rc = yh_pay_validate(a, perm, spec, nspec, in, creating, v, err);

	if (rc == 0)
		rc = yh_db_begin(db, err);
	return rc;
}

void yh_pay_discard(int rc, char **out)
{
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
}

int yh_pay_finish(yh_db *db, int rc, yh_err *err)
{
	if (rc == 0)
		return yh_db_commit(db, err);
	yh_db_rollback(db);
	return rc;
}

void yh_pay_staff(const yh_actor *a, char buf[24])
{
	snprintf(buf, 24, "%lld", (long long)a->staff_id);
}

void yh_pay_buf_add(yh_pay_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *np;
		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void yh_pay_buf_str(yh_pay_buf *b, const char *s)
{
	yh_pay_buf_add(b, s, strlen(s));
}

void yh_pay_buf_elem(yh_pay_buf *b, const char *s)
{
	if (b->len > 0 && b->p[b->len - 1] != '{')
		yh_pay_buf_add(b, ",", 1);
	if (s == NULL) {
		yh_pay_buf_add(b, "NULL", 4);
		return;
	}
	/* inside double quotes only the quote and the backslash need escaping */
	yh_pay_buf_add(b, "\"", 1);
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			yh_pay_buf_add(b, "\\", 1);
		yh_pay_buf_add(b, c, 1);
	}
	yh_pay_buf_add(b, "\"", 1);
}

void yh_pay_buf_free(yh_pay_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
