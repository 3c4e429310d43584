/* Budget figures: a typed (year, unit, item) -> amount table, and the figures computed from it. */
#include "yinhui/budget.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/csv.h"
#include "core/eval_internal.h"
#include "yinhui/audit.h"
#include "yinhui/money.h"

static const char Q_ITEMS[] =
	"SELECT coalesce(json_agg(json_build_object('code', code, 'label', label, 'group', grp, 'kind', kind,"
	" 'prev_fallback', prev_fallback, 'note', note) ORDER BY sort), '[]')::text FROM yh.budget_item";
static const char Q_ITEM_KIND[] = "SELECT kind FROM yh.budget_item WHERE code = $1";
static const char Q_AMOUNT[] =
	"SELECT amount::text FROM yh.budget_figure WHERE year = $1::int AND unit_id = $2::bigint AND item = $3";
static const char Q_UPSERT[] =
	"INSERT INTO yh.budget_figure (year, unit_id, item, amount, note, updated_by)"
	" VALUES ($1::int, $2::bigint, $3, $4::bigint, $5, $6)"
	" ON CONFLICT (year, unit_id, item) DO UPDATE SET amount = EXCLUDED.amount,"
	" note = coalesce(EXCLUDED.note, yh.budget_figure.note), updated_at = now(), updated_by = EXCLUDED.updated_by";
static const char Q_DELETE[] =
	"DELETE FROM yh.budget_figure WHERE year = $1::int AND unit_id = $2::bigint AND item = $3 RETURNING amount::text";
static const char Q_LIST[] =
	"SELECT json_build_object('year', $1::int, 'unit', (SELECT code FROM yh.unit WHERE id = $2::bigint),"
	" 'items', coalesce(json_agg(json_build_object('unit', u.code, 'unit_name', u.name, 'item', f.item,"
	" 'label', i.label, 'group', i.grp, 'kind', i.kind, 'amount', f.amount,"
	" 'yuan', CASE WHEN i.kind = 'fen' THEN (f.amount::numeric / 100)::numeric(20, 2)::text END,"
	" 'note', f.note, 'updated_at', f.updated_at, 'updated_by', f.updated_by) ORDER BY i.sort, u.code), '[]'))::text"
	" FROM yh.budget_figure f JOIN yh.budget_item i ON i.code = f.item JOIN yh.unit u ON u.id = f.unit_id"
	" WHERE f.year = $1::int AND f.unit_id = ANY (yh.subtree($2::bigint))";
/*
 * Sums per item over the subtree for the year, last year's as "prev:item",
 * and an item's prev_fallback (last year's value of another item) per unit
 * where the item itself was not entered; "entered:item" marks the items
 * entered for the year itself (a fallback is not an entry of this year).
 */
static const char Q_SUMS[] =
	"WITH u AS (SELECT descendant AS id FROM yh.unit_closure WHERE ancestor = $2::bigint),"
	" cur AS (SELECT unit_id, item, amount FROM yh.budget_figure WHERE year = $1::int AND unit_id IN (SELECT id FROM u)),"
	" prev AS (SELECT unit_id, item, amount FROM yh.budget_figure WHERE year = $1::int - 1 AND unit_id IN (SELECT id FROM u)),"
	" fb AS (SELECT p.unit_id, i.code AS item, p.amount FROM yh.budget_item i JOIN prev p ON p.item = i.prev_fallback"
	"  WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.unit_id = p.unit_id AND c.item = i.code)),"
	" rows AS (SELECT item AS k, amount FROM cur UNION ALL SELECT item, amount FROM fb"
	"  UNION ALL SELECT 'prev:' || item, amount FROM prev UNION ALL SELECT 'entered:' || item, 1 FROM cur)"
	" SELECT coalesce(json_object_agg(k, v), '{}')::text FROM (SELECT k, sum(amount) AS v FROM rows GROUP BY k) s";
static const char Q_FORMULAS[] =
	"SELECT code, kind, num::text AS num, den::text AS den FROM yh.figure_def WHERE module = 'budget' ORDER BY sort";
static const char Q_RECORDS[] =
	"WITH d AS (SELECT num, coalesce(den, '{}') AS den FROM yh.figure_def WHERE code = $1 AND module = 'budget'),"
	" u AS (SELECT descendant AS id FROM yh.unit_closure WHERE ancestor = $3::bigint)"
	" SELECT coalesce(json_agg(json_build_object('year', f.year, 'unit', un.code, 'unit_name', un.name,"
	" 'item', f.item, 'label', i.label, 'kind', i.kind, 'amount', f.amount,"
	" 'yuan', CASE WHEN i.kind = 'fen' THEN (f.amount::numeric / 100)::numeric(20, 2)::text END,"
	" 'note', f.note, 'updated_at', f.updated_at, 'updated_by', f.updated_by)"
	" ORDER BY f.year DESC, i.sort, un.code), '[]')::text"
	" FROM d, yh.budget_figure f JOIN yh.budget_item i ON i.code = f.item JOIN yh.unit un ON un.id = f.unit_id"
	" WHERE f.unit_id IN (SELECT id FROM u) AND ("
	"  (f.year = $2::int AND (d.num ? f.item OR d.den ? f.item))"
	"  OR (f.year = $2::int - 1 AND (d.num ? ('prev:' || f.item) OR d.den ? ('prev:' || f.item)"
	"   OR EXISTS (SELECT 1 FROM yh.budget_item y WHERE y.prev_fallback = f.item AND (d.num ? y.code OR d.den ? y.code)"
	"    AND NOT EXISTS (SELECT 1 FROM yh.budget_figure c WHERE c.year = $2::int AND c.unit_id = f.unit_id AND c.item = y.code)))))";
static const char Q_FIGURE_KNOWN[] = "SELECT 1 FROM yh.figure_def WHERE code = $1 AND module = 'budget'";

/* One change to apply: item, amount text (fen or count), note. */
struct change {
	char item[64];
	char amount[32];
};

static int item_kind(yh_db *db, const char *item, char kind[8], yh_err *err)
{
	char *k = NULL;
	int rc = yh_db_query_text(db, &k, Q_ITEM_KIND, 1, &item, NULL, err);

	if (rc == YH_ENOTFOUND)
		rc = yh_err_set(err, YH_EINVAL, "item", "unknown budget item \"%.60s\" (see yinhui budget items)", item);
	if (rc == 0)
		snprintf(kind, 8, "%s", k ? k : "");
	free(k);
	return rc;
}

/* Turns the value given for item into its stored amount: fen for money, a count for heads. */
static int parse_value(yh_db *db, const char *item, const char *yuan, const char *count, const char *fen,
	struct change *c, yh_err *err)
{
	char kind[8];
	int64_t v = 0;
	int given = (yuan != NULL) + (count != NULL) + (fen != NULL);
	int rc;

	if (strlen(item) >= sizeof(c->item))
		return yh_err_set(err, YH_EINVAL, "item", "unknown budget item");
	rc = item_kind(db, item, kind, err);
	if (rc != 0)
		return rc;
	if (given != 1)
		return yh_err_set(err, YH_EINVAL, item, "give exactly one of yuan, count or amount_fen");
	if (strcmp(kind, "fen") == 0) {
		if (count != NULL)
			return yh_err_set(err, YH_EINVAL, item, "%s is money: give yuan (e.g. 410000.00)", item);
		if (yuan != NULL) {
			rc = yh_money_parse_yuan(&v, yuan, item, err);
		} else {
			rc = yh_decimal_parse_x100(fen, 0, &v, item, err);
			if (rc == 0 && v % 100 != 0)
				rc = yh_err_set(err, YH_EINVAL, item, "amount_fen must be a whole number of fen");
			v /= 100;
		}
	} else {
		if (count == NULL)
			return yh_err_set(err, YH_EINVAL, item, "%s is a count: give count (a whole number)", item);
		rc = yh_decimal_parse_x100(count, 0, &v, item, err);
		if (rc == 0 && v % 100 != 0)
			rc = yh_err_set(err, YH_EINVAL, item, "a count must be a whole number");
		v /= 100;
	}
	if (rc != 0)
		return rc;
	snprintf(c->item, sizeof(c->item), "%s", item);
	snprintf(c->amount, sizeof(c->amount), "%lld", (long long)v);
	return 0;
}

/* Reads {"item": "yuan" | count, ...} into changes. */
static int parse_items(yh_db *db, const char *json, struct change **out, size_t *n, yh_err *err)
{
	json_t *doc = json_loads(json, 0, NULL), *v;
	const char *key;
	struct change *c = NULL;
	size_t i = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_object(doc) || json_object_size(doc) == 0 || json_object_size(doc) > 200) {
		rc = yh_err_set(err, YH_EINVAL, "items", "must be an object of 1 to 200 item codes");
		goto done;
	}
	c = calloc(json_object_size(doc), sizeof(*c));
	if (c == NULL) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		goto done;
	}
	json_object_foreach(doc, key, v) {
		char kind[8], num[64];
		const char *txt = num;
		rc = item_kind(db, key, kind, err);
		if (rc != 0)
			goto done;
		/* numbers become text as the top-level JSON decoder does: "%.15g" keeps 2 decimals exact */
		if (json_is_string(v))
			txt = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		else
			txt = NULL;
		if (txt == NULL)
			rc = yh_err_set(err, YH_EINVAL, key, strcmp(kind, "fen") == 0 ?
				"give money as yuan like \"410000.00\"" : "give a whole number");
		else
			rc = parse_value(db, key, strcmp(kind, "fen") == 0 ? txt : NULL,
				strcmp(kind, "count") == 0 ? txt : NULL, NULL, &c[i], err);
		if (rc != 0)
			goto done;
		i++;
	}
	*out = c;
	*n = i;
	c = NULL;
done:
	free(c);
	json_decref(doc);
	return rc;
}

/* Applies changes inside the caller's transaction; adds before/after to the audit objects. */
static int apply(yh_db *db, const yh_actor *a, int year, const yh_eval_unit *u, const struct change *c,
	const char *note, json_t *before, json_t *after, yh_err *err)
{
	char y[16], *old = NULL;
	const char *p[6];
	int rc;

	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = u->id_txt;
	p[2] = c->item;
	rc = yh_db_query_text(db, &old, Q_AMOUNT, 3, p, NULL, err);
	if (rc == YH_ENOTFOUND)
		rc = 0;
	if (rc != 0)
		return rc;
	json_object_set_new(before, c->item, old ? json_integer(atoll(old)) : json_null());
	json_object_set_new(after, c->item, json_integer(atoll(c->amount)));
	free(old);
	p[3] = c->amount;
	p[4] = note;
	p[5] = a->username;
	rc = yh_db_exec(db, Q_UPSERT, 6, p, err);
	return rc < 0 ? rc : 0;
}

static int audit_json(yh_db *db, const yh_actor *a, const char *action, const char *entity_id,
	json_t *before, json_t *after, yh_err *err)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *af = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = yh_audit(db, a, action, "budget", entity_id, b, af, err);

	free(b);
	free(af);
	return rc;
}

int yh_budget_items(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	int rc = yh_authz(a, YH_P_EVAL_READ, err);

	*out = NULL;
	return rc != 0 ? rc : yh_db_query_text(db, out, Q_ITEMS, 0, NULL, NULL, err);
}

static int check_fields(const yh_fields *in, yh_err *err)
{
	static const char *const known[] = { "unit", "item", "yuan", "count", "amount_fen", "items", "note", NULL };

	for (size_t i = 0; i < yh_fields_count(in); i++) {
		size_t k = 0;
		while (known[k] && strcmp(known[k], yh_fields_key(in, i)) != 0)
			k++;
		if (known[k] == NULL)
			return yh_err_set(err, YH_EINVAL, yh_fields_key(in, i), "unknown field");
		if (strcmp(known[k], "items") != 0 && yh_fields_kind(in, i) == YH_FV_JSON)
			return yh_err_set(err, YH_EINVAL, known[k], "must be a single value");
	}
	if (yh_fields_get(in, "note") && strlen(yh_fields_get(in, "note")) > 500)
		return yh_err_set(err, YH_EINVAL, "note", "at most 500 characters");
	return 0;
}

int yh_budget_set(yh_db *db, const yh_actor *a, int year, const yh_fields *in, char **out, yh_err *err)
{
	yh_eval_unit u;
	struct change one, *many = NULL;
	const struct change *list = &one;
	json_t *before = json_object(), *after = json_object();
	char entity[96];
	size_t n = 1;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = check_fields(in, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, yh_fields_get(in, "unit"), &u, err);
	if (rc != 0)
		goto done;
	if (yh_fields_find(in, "items") >= 0) {
		if (yh_fields_find(in, "item") >= 0 || yh_fields_find(in, "yuan") >= 0 || yh_fields_find(in, "count") >= 0 ||
		    yh_fields_find(in, "amount_fen") >= 0) {
			rc = yh_err_set(err, YH_EINVAL, "items", "give either items or item with its value, not both");
			goto done;
		}
		if (yh_fields_get(in, "items") == NULL) {
			rc = yh_err_set(err, YH_EINVAL, "items", "must be an object");
			goto done;
		}
		rc = parse_items(db, yh_fields_get(in, "items"), &many, &n, err);
		list = many;
	} else if (yh_fields_get(in, "item") == NULL) {
		rc = yh_err_set(err, YH_EINVAL, "item", "is required");
	} else {
		rc = parse_value(db, yh_fields_get(in, "item"), yh_fields_get(in, "yuan"), yh_fields_get(in, "count"),
			yh_fields_get(in, "amount_fen"), &one, err);
	}
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = apply(db, a, year, &u, &list[i], yh_fields_get(in, "note"), before, after, err);
	snprintf(entity, sizeof(entity), "%d/%s", year, u.code);
	if (rc == 0)
		rc = audit_json(db, a, "budget.set", entity, before, after, err);
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		rc = yh_budget_list(db, a, year, u.code, out, err);
done:
	free(many);
	json_decref(before);
	json_decref(after);
	return rc;
}

int yh_budget_unset(yh_db *db, const yh_actor *a, int year, const char *unit, const char *item, yh_err *err)
{
	yh_eval_unit u;
	char y[16], entity[96], *old = NULL, before[160];
	const char *p[3];
	int rc;

	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0 && (item == NULL || strlen(item) > 48))
		rc = yh_err_set(err, YH_EINVAL, "item", "is required");
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	snprintf(entity, sizeof(entity), "%d/%s", year, u.code);
	p[0] = y;
	p[1] = u.id_txt;
	p[2] = item;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_db_query_text(db, &old, Q_DELETE, 3, p, "that budget figure is not set", err);
	if (rc == 0) {
		/* item is a registered code here (it matched a row), safe to embed in JSON */
		snprintf(before, sizeof(before), "{\"%s\":%s}", item, old);
		rc = yh_audit(db, a, "budget.unset", "budget", entity, before, NULL, err);
	}
	free(old);
	rc = yh_db_end(db, rc, err);
	return rc;
}

/* 1 when every cell of the record is empty or spaces: a row a spreadsheet keeps after its data. */
static int blank_record(const char *const *f, size_t nf)
{
	char buf[8];

	for (size_t i = 0; i < nf; i++)
		if (*yh_csv_cell_trim(buf, sizeof(buf), f[i]) != '\0')
			return 0;
	return 1;
}

/* Maps a header cell to a column role. */
static int header_role(const char *h)
{
	static const struct { const char *name; int role; } map[] = {
		{ "year", 0 }, { "年度", 0 }, { "unit", 1 }, { "单位", 1 }, { "item", 2 }, { "项目", 2 },
		{ "项目代码", 2 }, { "amount", 3 }, { "金额", 3 }, { "数值", 3 }, { "金额(元)", 3 }, { "金额（元）", 3 },
		{ "note", 4 }, { "备注", 4 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(h, map[i].name) == 0)
			return map[i].role;
	return -1;
}

/* Applies one CSV data row (already in the transaction). */
static int import_row(yh_db *db, const yh_actor *a, const char *const *f, const int *col, size_t nf,
	json_t *after, size_t line, yh_err *err)
{
	const char *val[5] = { NULL, NULL, NULL, NULL, NULL };
	char kind[8], key[160], cells[4][512];
	struct change c;
	yh_eval_unit u;
	char *end = NULL;
	long year;
	int rc;

	/* year, unit, item and amount without the spaces around them; the note as written */
	for (int r = 0; r < 5; r++)
		if (col[r] >= 0 && (size_t)col[r] < nf)
			val[r] = r < 4 ? yh_csv_cell_trim(cells[r], sizeof(cells[r]), f[col[r]]) : f[col[r]];
	if (val[0] == NULL || val[1] == NULL || val[2] == NULL || val[3] == NULL)
		return yh_err_set(err, YH_EINVAL, NULL, "line %zu: year, unit, item and amount are required", line);
	year = strtol(val[0], &end, 10);
	if (end == val[0] || *end != '\0' || year < 2000 || year > 2100)
		return yh_err_set(err, YH_EINVAL, "year", "line %zu: bad year \"%.20s\"", line, val[0]);
	rc = yh_eval_unit_resolve(db, a, val[1], &u, err);
	if (rc == 0)
		rc = item_kind(db, val[2], kind, err);
	if (rc == 0)
		rc = parse_value(db, val[2], strcmp(kind, "fen") == 0 ? val[3] : NULL,
			strcmp(kind, "count") == 0 ? val[3] : NULL, NULL, &c, err);
	if (rc == 0) {
		json_t *b = json_object(), *af = json_object();
		rc = apply(db, a, (int)year, &u, &c, val[4] && *val[4] ? val[4] : NULL, b, af, err);
		json_decref(b);
		json_decref(af);
	}
	if (rc != 0) {
		char msg[256], field[64];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		snprintf(field, sizeof(field), "%s", err ? err->field : "");
		return yh_err_set(err, rc, field[0] ? field : NULL, "line %zu: %s", line, msg);
	}
	snprintf(key, sizeof(key), "%ld/%s/%s", year, u.code, c.item);
	json_object_set_new(after, key, json_integer(atoll(c.amount)));
	return 0;
}

int yh_budget_import(yh_db *db, const yh_actor *a, yh_csv_reader *csv, char **out, yh_err *err)
{
	const char **f = NULL;
	size_t nf = 0, rows = 0;
	int col[5] = { -1, -1, -1, -1, -1 };
	json_t *after = json_object();
	char buf[64];
	int rc, got, tx = 0;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_WRITE, err);
	if (rc != 0)
		goto done;
	got = yh_csv_next(csv, &f, &nf, err);
	if (got <= 0) {
		rc = got < 0 ? got : yh_err_set(err, YH_EINVAL, NULL, "the file is empty");
		goto done;
	}
	for (size_t i = 0; i < nf; i++) {
		char h[128];
		int r = header_role(yh_csv_cell_trim(h, sizeof(h), f[i]));
		/* a spreadsheet saves the empty columns after the data too */
		if (r < 0 && h[0] == '\0')
			continue;
		if (r < 0) {
			rc = yh_err_set(err, YH_EINVAL, h, "unknown column \"%.40s\" (year, unit, item, amount, note)", h);
			goto done;
		}
		col[r] = (int)i;
	}
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	tx = 1;
	for (;;) {
		got = yh_csv_next(csv, &f, &nf, err);
		if (got != 1)
			break;
		if (blank_record(f, nf))
			continue;
		rc = import_row(db, a, f, col, nf, after, yh_csv_line(csv), err);
		if (rc != 0)
			goto done;
		if (++rows > 100000) {
			rc = yh_err_set(err, YH_ETOOBIG, NULL, "at most 100000 rows per import");
			goto done;
		}
	}
	if (got < 0) {
		rc = got;
		goto done;
	}
	if (rows == 0) {
		rc = yh_err_set(err, YH_EINVAL, NULL, "no data rows after the header");
		goto done;
	}
	rc = audit_json(db, a, "budget.import", "import", NULL, after, err);
	if (rc == 0)
		rc = yh_db_commit(db, err);
	tx = 0;
	if (rc == 0) {
		snprintf(buf, sizeof(buf), "{\"rows\":%zu}", rows);
		*out = strdup(buf);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
done:
	if (tx)
		yh_db_rollback(db);
	json_decref(after);
	return rc;
}

int yh_budget_list(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	char y[16];
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = u.id_txt;
	return yh_db_query_text(db, out, Q_LIST, 2, p, NULL, err);
}

/* Σ coefficient × value over the terms of a formula; items not entered count 0. */
static int terms_sum(json_t *terms, json_t *sums, int64_t *out)
{
	const char *key;
	json_t *coef;
	int64_t s = 0;

	json_object_foreach(terms, key, coef) {
		json_t *v = json_object_get(sums, key);
		int64_t x = json_is_integer(v) ? json_integer_value(v) : 0;
		int64_t c = json_integer_value(coef);
		if (__builtin_mul_overflow(x, c, &x) || __builtin_add_overflow(s, x, &s))
			return YH_ETOOBIG;
	}
	*out = s;
	return 0;
}

/* Whether any of this year's terms of a formula (not "prev:") was entered for the year. */
static int terms_entered(json_t *terms, json_t *sums)
{
	const char *key;
	json_t *coef;
	char k[96];

	json_object_foreach(terms, key, coef) {
		if (strncmp(key, "prev:", 5) == 0)
			continue;
		snprintf(k, sizeof(k), "entered:%s", key);
		if (json_object_get(sums, k) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Computes every budget formula over the item sums into figures. A rate none
 * of whose items was entered for the year is not entered ("entered": false,
 * value null): its indicator is missing, not dropped as not applicable, and
 * never a -100 % change from last year's figures.
 */
static int compute(yh_rows *formulas, json_t *sums, json_t *figures, yh_err *err)
{
	for (size_t i = 0; i < yh_rows_count(formulas); i++) {
		const char *code = yh_rows_get(formulas, i, "code"), *kind = yh_rows_get(formulas, i, "kind");
		const char *dtxt = yh_rows_get(formulas, i, "den");
		json_t *num = json_loads(yh_rows_get(formulas, i, "num"), 0, NULL);
		json_t *den = dtxt ? json_loads(dtxt, 0, NULL) : NULL;
		int64_t n = 0, d = 0, pct = 0;
		int rc = terms_sum(num, sums, &n);

		if (rc == 0 && den)
			rc = terms_sum(den, sums, &d);
		if (rc == 0 && strcmp(kind, "rate") == 0) {
			int r = yh_rate_percent(n, d, &pct);
			if (!terms_entered(num, sums) && !terms_entered(den, sums)) {
				json_object_set_new(figures, code, json_pack("{s:n,s:I,s:I,s:b}", "value",
					"num", (json_int_t)n, "den", (json_int_t)d, "entered", 0));
			} else if (r == YH_RATE_NA) {
				/* not applicable (zero denominator): a null value, as the other modules report it */
				json_object_set_new(figures, code, json_pack("{s:n,s:I,s:I}", "value",
					"num", (json_int_t)n, "den", (json_int_t)d));
			} else if (r == 0) {
				char txt[16];
				yh_rate_format(txt, pct);
				json_object_set_new(figures, code, json_pack("{s:s,s:I,s:I}", "value", txt,
					"num", (json_int_t)n, "den", (json_int_t)d));
			} else {
				rc = r;
			}
		} else if (rc == 0) {
			json_object_set_new(figures, code, json_integer(n));
		}
		json_decref(num);
		json_decref(den);
		if (rc != 0)
			return yh_err_set(err, YH_ETOOBIG, code, "figure out of range");
	}
	return 0;
}

int yh_budget_figures(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	yh_eval_unit u;
	yh_rows *formulas = NULL;
	json_t *sums = NULL, *figures = json_object();
	char y[16], *stxt = NULL;
	const char *p[2];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc != 0)
		goto done;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = u.id_txt;
	rc = yh_db_query_text(db, &stxt, Q_SUMS, 2, p, NULL, err);
	if (rc == 0)
		rc = yh_db_query(db, &formulas, Q_FORMULAS, 0, NULL, err);
	if (rc != 0)
		goto done;
	sums = json_loads(stxt, 0, NULL);
	rc = compute(formulas, sums, figures, err);
	if (rc == 0) {
		*out = json_dumps(figures, JSON_COMPACT);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
done:
	free(stxt);
	yh_rows_free(formulas);
	json_decref(sums);
	json_decref(figures);
	return rc;
}

int yh_budget_figure_records(yh_db *db, const yh_actor *a, const char *code, int year, const char *unit,
	char **out, yh_err *err)
{
	yh_eval_unit u;
	char y[16], *one = NULL;
	const char *p[3];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_EVAL_READ, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, unit, &u, err);
	if (rc == 0)
		rc = yh_db_query_text(db, &one, Q_FIGURE_KNOWN, 1, &code, NULL, err);
	free(one);
	if (rc == YH_ENOTFOUND)
		return yh_err_set(err, YH_ENOTFOUND, "code", "no budget figure \"%.60s\"", code);
	if (rc != 0)
		return rc;
	snprintf(y, sizeof(y), "%d", year);
	p[0] = code;
	p[1] = y;
	p[2] = u.id_txt;
	return yh_db_query_text(db, out, Q_RECORDS, 3, p, NULL, err);
}
