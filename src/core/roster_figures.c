/*
 * roster_figures.c - headcounts for the annual evaluation: figures over a
 * period, the persons behind each, the recorded year end and the yearly
 * reconciliation 上年末实有 + 本年新增 - 本年去世 - 迁出 = 应有 vs 实有.
 *
 * A cadre is on the roster from added_on until the earlier of deceased_on
 * and transferred_out_on (the exit; death wins a tie): on the roster on day
 * d when added_on <= d < exit. Someone whose exit falls before added_on was
 * never on it. With these definitions the identity holds exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roster_internal.h"
#include "yinhui/audit.h"
#include "yinhui/staff.h"
#include "yinhui/validate.h"

/* Cadres in scope ($1) and unit subtree ($2) with their exit date and kind. */
#define ROSTER_CTE \
	"WITH c AS (SELECT p.*, x.exit_on, x.exit_kind FROM yh.person p," \
	" LATERAL (SELECT CASE WHEN p.deceased_on IS NOT NULL AND (p.transferred_out_on IS NULL" \
	"  OR p.deceased_on <= p.transferred_out_on) THEN p.deceased_on ELSE p.transferred_out_on END AS exit_on," \
	"  CASE WHEN p.deceased_on IS NOT NULL AND (p.transferred_out_on IS NULL" \
	"  OR p.deceased_on <= p.transferred_out_on) THEN 'deceased'" \
	"  WHEN p.transferred_out_on IS NOT NULL THEN 'transferred_out' END AS exit_kind) x" \
	" WHERE p.kind = 'cadre'" \
	" AND ($1::bigint IS NULL OR p.unit_id = ANY (yh.subtree($1::bigint)))" \
	" AND ($2::bigint IS NULL OR p.unit_id = ANY (yh.subtree($2::bigint)))" \
	" AND (x.exit_on IS NULL OR x.exit_on >= p.added_on))"

#define IS_START "(p.added_on < $3::date AND (p.exit_on IS NULL OR p.exit_on >= $3::date))"
#define IS_ADDED "(p.added_on BETWEEN $3::date AND $4::date)"
#define IS_DECEASED "(p.exit_kind = 'deceased' AND p.exit_on BETWEEN $3::date AND $4::date)"
#define IS_TRANSFERRED "(p.exit_kind = 'transferred_out' AND p.exit_on BETWEEN $3::date AND $4::date)"
#define IS_END "(p.added_on <= $4::date AND (p.exit_on IS NULL OR p.exit_on > $4::date))"

static const char Q_FIGURES[] = ROSTER_CTE
	" SELECT json_build_object('roster.start', count(*) FILTER (WHERE " IS_START "),"
	" 'roster.added', count(*) FILTER (WHERE " IS_ADDED "),"
	" 'roster.deceased', count(*) FILTER (WHERE " IS_DECEASED "),"
	" 'roster.transferred_out', count(*) FILTER (WHERE " IS_TRANSFERRED "),"
	" 'roster.end', count(*) FILTER (WHERE " IS_END "))::text FROM c p";

static const char Q_RECORDS[] = ROSTER_CTE
	" SELECT coalesce(jsonb_agg((" YH_PERSON_ITEM ")::jsonb || jsonb_build_object('added_on', p.added_on,"
	" 'exit_on', p.exit_on, 'exit_kind', p.exit_kind) ORDER BY p.name, p.id), '[]')::text FROM c p"
	" WHERE CASE $5 WHEN 'roster.start' THEN " IS_START " WHEN 'roster.added' THEN " IS_ADDED
	" WHEN 'roster.deceased' THEN " IS_DECEASED " WHEN 'roster.transferred_out' THEN " IS_TRANSFERRED
	" WHEN 'roster.end' THEN " IS_END " END";

/* The unit a closing covers: the unit asked for, else the actor's, else the root. */
#define CLOSE_UNIT "coalesce($2::bigint, $1::bigint, (SELECT id FROM yh.unit WHERE parent_id IS NULL))"

/* A closing of year $3 that overlaps the unit's subtree (one inside the other). */
static const char Q_YEAR_END_EXISTS[] =
	"SELECT to_char(min(c.recorded_at), 'YYYY-MM-DD HH24:MI') FROM yh.roster_year_close c WHERE c.year = $3::int"
	" AND (c.unit_id IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = " CLOSE_UNIT ")"
	" OR " CLOSE_UNIT " IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = c.unit_id))";

static const char Q_YEAR_CLOSE_ROW[] =
	"INSERT INTO yh.roster_year_close (year, unit_id, persons, recorded_by)"
	" VALUES ($3::int, " CLOSE_UNIT ", $4::int, $5::bigint)";

/* $3: Dec 31 of the year, $4 staff id, $5 year */
static const char Q_YEAR_CLOSE[] = ROSTER_CTE
	", ins AS (INSERT INTO yh.roster_year_end (year, person_id, unit_id, category, rank, recorded_by)"
	" SELECT $5::int, p.id, p.unit_id, p.category, p.rank, $4::bigint FROM c p"
	" WHERE p.added_on <= $3::date AND (p.exit_on IS NULL OR p.exit_on > $3::date) RETURNING 1)"
	" SELECT count(*) FROM ins";

/*
 * $3 first day of the year, $4 as-of day, $5 previous year, $6 start from the recorded year end.
 * Per person: in the start set (recorded or computed), added, deceased, transferred, on the roster at as-of.
 */
static const char Q_RECONCILE[] = ROSTER_CTE
	", s AS (SELECT y.person_id AS id, y.category, y.rank FROM yh.roster_year_end y WHERE $6::bool AND y.year = $5::int"
	"  AND ($1::bigint IS NULL OR y.unit_id = ANY (yh.subtree($1::bigint)))"
	"  AND ($2::bigint IS NULL OR y.unit_id = ANY (yh.subtree($2::bigint)))"
	"  UNION ALL SELECT p.id, p.category, p.rank FROM c p WHERE NOT $6::bool AND " IS_START "),"
	" per AS (SELECT coalesce(p.id, s.id) AS id, s.id IS NOT NULL AS in_start, s.category AS s_cat, s.rank AS s_rank,"
	"  p.id IS NOT NULL AS visible, CASE WHEN p.id IS NULL THEN s.category ELSE p.category END AS cat,"
	"  CASE WHEN p.id IS NULL THEN s.rank ELSE p.rank END AS rnk,"
	"  coalesce(" IS_ADDED ", false) AS added, coalesce(" IS_DECEASED ", false) AS died,"
	"  coalesce(" IS_TRANSFERRED ", false) AS moved, coalesce(" IS_END ", false) AS in_end"
	"  FROM c p FULL JOIN s ON s.id = p.id),"
	" contrib AS (SELECT s_cat AS cat, s_rank AS rnk, 1 AS st, 0 AS ad, 0 AS de, 0 AS tr, 0 AS ac FROM per WHERE in_start"
	"  UNION ALL SELECT cat, rnk, 0, added::int, died::int, moved::int, in_end::int FROM per"
	"  WHERE visible AND (added OR died OR moved OR in_end)),"
	" grp AS (SELECT cat, rnk, sum(st) AS st, sum(ad) AS ad, sum(de) AS de, sum(tr) AS tr, sum(ac) AS ac"
	"  FROM contrib GROUP BY cat, rnk),"
	" diff AS (SELECT per.*, CASE"
	"  WHEN in_start AND NOT visible THEN 'in the recorded year end, but no longer a cadre of these units'"
	"  WHEN in_start AND (s_cat IS DISTINCT FROM cat OR s_rank IS DISTINCT FROM rnk)"
	"   THEN 'category or rank changed since the recorded year end (was ' || coalesce(s_cat, '-') || ' / ' || coalesce(s_rank, '-') || ')'"
	"  WHEN in_start AND NOT in_end AND NOT died AND NOT moved"
	"   THEN 'on the roster at the start of the year, not now, with no death or transfer recorded this year'"
	"  WHEN NOT in_start AND in_end AND NOT added"
	"   THEN 'on the roster now, but neither at the start of the year nor added this year'"
	"  WHEN NOT in_start AND NOT added AND (died OR moved)"
	"   THEN 'left the roster this year without having been on it'"
	"  WHEN in_start AND added THEN 'counted at the start of the year and again as added this year' END AS reason"
	"  FROM per)"
	" SELECT json_build_object('rows', coalesce((SELECT json_agg(json_build_object('category', cat, 'rank', rnk,"
	"  'start', st, 'added', ad, 'deceased', de, 'transferred_out', tr, 'expected', st + ad - de - tr, 'actual', ac,"
	"  'difference', ac - (st + ad - de - tr)) ORDER BY cat NULLS LAST, rnk NULLS LAST) FROM grp), '[]'),"
	" 'totals', (SELECT json_build_object('start', coalesce(sum(st), 0), 'added', coalesce(sum(ad), 0),"
	"  'deceased', coalesce(sum(de), 0), 'transferred_out', coalesce(sum(tr), 0),"
	"  'expected', coalesce(sum(st + ad - de - tr), 0), 'actual', coalesce(sum(ac), 0),"
	"  'difference', coalesce(sum(ac - (st + ad - de - tr)), 0)) FROM grp),"
	" 'differences', coalesce((SELECT json_agg(json_build_object('id', q.uid, 'name', q.name, 'id_number', q.id_masked,"
	"  'category', d.cat, 'rank', d.rnk, 'start_category', d.s_cat, 'start_rank', d.s_rank, 'reason', d.reason)"
	"  ORDER BY q.name, q.id) FROM diff d JOIN yh.person q ON q.id = d.id WHERE d.reason IS NOT NULL), '[]'))::text";

/* Resolves the optional unit code and checks from <= to. */
static int period(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	const char *p[4], char scope_buf[24], char unit_buf[24], yh_err *err)
{
	int y, m, d, rc;

	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc == 0)
		rc = yh_date_parse_ymd(from ? from : "", &y, &m, &d, err, "from");
	if (rc == 0)
		rc = yh_date_parse_ymd(to ? to : "", &y, &m, &d, err, "to");
	if (rc == 0 && strcmp(from, to) > 0)
		rc = yh_err_set(err, YH_EINVAL, "to", "the period ends (%s) before it starts (%s)", to, from);
	if (rc != 0)
		return rc;
	p[0] = yh_actor_scope(a, scope_buf);
	p[1] = NULL;
	p[2] = from;
	p[3] = to;
	if (unit != NULL && *unit != '\0') {
		char *ids = NULL;
		rc = yh_roster_unit(db, a, unit, "unit", unit_buf, err);
		p[1] = unit_buf;
		/* the root's subtree is every unit: no filter to evaluate per cadre */
		if (rc == 0)
			rc = yh_unit_subtree_ids(db, unit_buf, &ids, err);
		if (rc == 0 && ids == NULL)
			p[1] = NULL;
		free(ids);
	}
	return rc;
}

int yh_roster_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err)
{
	char scope_buf[24], unit_buf[24];
	const char *p[4];
	int rc;

	*out = NULL;
	rc = period(db, a, from, to, unit, p, scope_buf, unit_buf, err);
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_FIGURES, 4, p, NULL, err);
	return rc;
}

int yh_roster_figure_records(yh_db *db, const yh_actor *a, const char *code, const char *from,
	const char *to, const char *unit, char **out, yh_err *err)
{
	static const char *const codes[] = { "roster.start", "roster.added", "roster.deceased",
		"roster.transferred_out", "roster.end", NULL };
	char scope_buf[24], unit_buf[24];
	const char *p[5];
	int rc, known = 0;

	*out = NULL;
	for (int i = 0; code && codes[i]; i++)
		known |= strcmp(code, codes[i]) == 0;
	if (!known)
		return yh_err_set(err, YH_EINVAL, "code", "unknown roster figure \"%.40s\" (roster.start, roster.added,"
			" roster.deceased, roster.transferred_out, roster.end)", code ? code : "");
	rc = period(db, a, from, to, unit, p, scope_buf, unit_buf, err);
	p[4] = code;
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_RECORDS, 5, p, NULL, err);
	return rc;
}

/* Year bounds and the as-of day: the year's last day, or today while it runs. */
static int year_bounds(int year, char first[11], char last[11], char asof[11], yh_err *err)
{
	char today[11];

	yh_roster_today(today);
	if (year < 1949 || year > 2200)
		return yh_err_set(err, YH_EINVAL, "year", "year %d is out of range", year);
	snprintf(first, 11, "%04d-01-01", year % 10000);
	snprintf(last, 11, "%04d-12-31", year % 10000);
	if (strcmp(first, today) > 0)
		return yh_err_set(err, YH_EINVAL, "year", "year %d has not started", year);
	snprintf(asof, 11, "%s", strcmp(last, today) < 0 ? last : today);
	return 0;
}

int yh_roster_year_close(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	char scope_buf[24], unit_buf[24], first[11], last[11], asof[11], staff[24], yr[16], *when = NULL, *n = NULL;
	char after[256];
	const char *p[5];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_WRITE, err);
	if (rc == 0)
		rc = year_bounds(year, first, last, asof, err);
	if (rc == 0 && strcmp(asof, last) != 0)
		rc = yh_err_set(err, YH_EINVAL, "year", "year %d has not ended: its headcount is recorded from %d-01-01", year,
			year + 1);
	if (rc != 0)
		return rc;
	p[0] = yh_actor_scope(a, scope_buf);
	p[1] = NULL;
	if (unit != NULL && *unit != '\0') {
		rc = yh_roster_unit(db, a, unit, "unit", unit_buf, err);
		if (rc != 0)
			return rc;
		p[1] = unit_buf;
	}
	snprintf(yr, sizeof(yr), "%d", year);
	snprintf(staff, sizeof(staff), "%lld", (long long)a->staff_id);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	/* one recording per year: later changes show up as differences, not as a new start */
	rc = yh_db_exec(db, "LOCK TABLE yh.roster_year_close IN SHARE ROW EXCLUSIVE MODE", 0, NULL, err);
	p[2] = yr;
	if (rc >= 0)
		rc = yh_db_query_text(db, &when, Q_YEAR_END_EXISTS, 3, p, NULL, err);
	if (rc == 0 && when != NULL)
		rc = yh_err_set(err, YH_ECONFLICT, "year", "the year end of %d was already recorded on %s", year, when);
	if (rc == 0) {
		p[2] = last;
		p[3] = staff;
		p[4] = yr;
		rc = yh_db_query_text(db, &n, Q_YEAR_CLOSE, 5, p, NULL, err);
	}
	if (rc == 0) {
		p[2] = yr;
		p[3] = n;
		p[4] = staff;
		rc = yh_db_exec(db, Q_YEAR_CLOSE_ROW, 5, p, err);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		snprintf(after, sizeof(after), "{\"year\":%d,\"unit\":\"%s\",\"persons\":%s}", year,
			unit ? unit : "", n ? n : "0");
		rc = yh_audit(db, a, "roster.year_close", "roster_year_end", yr, NULL, after, err);
	}
	rc = yh_db_end(db, rc, err);
	if (rc == 0) {
		*out = strdup(after);
		if (*out == NULL)
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	free(when);
	free(n);
	return rc;
}

int yh_roster_reconcile(yh_db *db, const yh_actor *a, int year, const char *unit, char **out, yh_err *err)
{
	char scope_buf[24], unit_buf[24], first[11], last[11], asof[11], prev[16], *when = NULL, *body = NULL;
	const char *p[6];
	size_t n;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc == 0)
		rc = year_bounds(year, first, last, asof, err);
	if (rc != 0)
		return rc;
	p[0] = yh_actor_scope(a, scope_buf);
	p[1] = NULL;
	if (unit != NULL && *unit != '\0') {
		rc = yh_roster_unit(db, a, unit, "unit", unit_buf, err);
		if (rc != 0)
			return rc;
		p[1] = unit_buf;
	}
	snprintf(prev, sizeof(prev), "%d", year - 1);
	p[2] = prev;
	rc = yh_db_query_text(db, &when, Q_YEAR_END_EXISTS, 3, p, NULL, err);
	if (rc == 0) {
		p[2] = first;
		p[3] = asof;
		p[4] = prev;
		p[5] = when ? "t" : "f";
		rc = yh_db_query_text(db, &body, Q_RECONCILE, 6, p, NULL, err);
	}
	if (rc == 0) {
		/* wrap the SQL result with the facts of the question */
		n = strlen(body) + 256;
		*out = malloc(n);
		if (*out == NULL) {
			rc = yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
		} else {
			snprintf(*out, n, "{\"year\":%d,\"unit\":%s%s%s,\"as_of\":\"%s\",\"start_source\":\"%s\",%s", year,
				unit ? "\"" : "", unit ? unit : "null", unit ? "\"" : "", asof,
				when ? "year_end_record" : "computed", body + 1);
		}
	}
	free(when);
	free(body);
	return rc;
}
