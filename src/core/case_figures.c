/*
 * Casework figures for the evaluation, per period and unit subtree, computed
 * in SQL, and the records behind each figure (drill-down). Visits count by
 * the Asia/Shanghai visit day; obligations by their due date (cancelled ones
 * are not due); on time = visit day <= due date; rates are half-up to 2
 * decimals (numeric round) or null when nothing was due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/casework.h"
#include "yinhui/staff.h"
#include "yinhui/validate.h"

/* $3: the unit subtree as an id array (yh_unit_subtree_ids), NULL for every unit */
#define SUBTREE(col) " " col " = ANY ($3::bigint[])"
#define IN_SCOPE " ($3::bigint[] IS NULL OR" SUBTREE("p.unit_id") ")"
/* visits of the period in the subtree, by the unit each was made in (0074): an index-only scan of visit_on */
#define V_WHERE \
	" v.visited_on BETWEEN $1::date AND $2::date" \
	" AND ($3::bigint[] IS NULL OR" SUBTREE("v.unit_id") ")"
/* obligations due in the period (cancelled ones were never due); obligation.unit_id follows the person */
#define O_WHERE \
	" o.due_on BETWEEN $1::date AND $2::date AND o.state <> 'cancelled'" \
	" AND ($3::bigint[] IS NULL OR" SUBTREE("o.unit_id") ")"
#define OCCASIONS "ARRAY['重大节日','重要生日','重病住院','酷暑严寒','遇到困难','临终去世','日常联系','送医上门','送学上门','调研访谈']"
#define MODES "ARRAY['上门','医院','电话','视频']"
/* the day plans are judged on; a sub-select so that it is computed once, not per row */
#define AS_OF "(SELECT least($2::date, yh.today()))"
#define PLANS_AS_OF \
	" FROM yh.care_plan c JOIN yh.person p ON p.id = c.person_id" \
	" WHERE (p.deceased_on IS NULL OR p.deceased_on > " AS_OF ")" \
	" AND (p.transferred_out_on IS NULL OR p.transferred_out_on > " AS_OF ")" \
	" AND c.created_at < (SELECT (least($2::date, yh.today()) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')" \
	" AND" IN_SCOPE

/* One pass over the visits grouped by occasion and mode, one for distinct persons, one over the obligations. */
static const char Q_FIGURES[] =
	"WITH vg AS MATERIALIZED ("
	" SELECT v.occasion, v.mode, count(*) AS n, sum(v.condolence_fen) AS fen FROM yh.visit v WHERE" V_WHERE
	" GROUP BY v.occasion, v.mode),"
	" ob AS (SELECT o.state, o.due_on, o.met_on, e.occurred_on AS event_on FROM yh.obligation o"
	" LEFT JOIN yh.event e ON e.id = o.event_id WHERE" O_WHERE "),"
	" oa AS ("
	" SELECT count(*) AS opened, count(*) FILTER (WHERE state <> 'waived') AS due,"
	" count(*) FILTER (WHERE state = 'met') AS met,"
	" count(*) FILTER (WHERE state = 'met' AND met_on <= due_on) AS met_on_time,"
	" count(*) FILTER (WHERE state = 'waived') AS waived, count(*) FILTER (WHERE state = 'open') AS still_open,"
	" count(*) FILTER (WHERE state = 'missed') AS missed,"
	" percentile_cont(0.5) WITHIN GROUP (ORDER BY met_on - event_on)"
	"  FILTER (WHERE state = 'met' AND event_on IS NOT NULL) AS median FROM ob),"
	" pl AS ("
	" SELECT count(*) FILTER (WHERE c.next_review_on >= " AS_OF ") AS current,"
	" count(*) FILTER (WHERE c.next_review_on < " AS_OF ") AS overdue" PLANS_AS_OF ")"
	" SELECT json_build_object('from', $1::date, 'to', $2::date, 'unit', NULLIF($4::text, ''),"
	" 'visits.count', (SELECT coalesce(sum(n), 0) FROM vg),"
	" 'visits.persons', (SELECT count(DISTINCT v.person_id) FROM yh.visit v WHERE" V_WHERE "),"
	" 'visits.illness', (SELECT coalesce(sum(n), 0) FROM vg WHERE occasion = '重病住院' OR mode = '医院'),"
	" 'visits.by_occasion', (SELECT json_object_agg(t.o, coalesce((SELECT sum(n) FROM vg WHERE vg.occasion = t.o), 0)"
	"  ORDER BY t.i) FROM unnest(" OCCASIONS ") WITH ORDINALITY AS t(o, i)),"
	" 'visits.by_mode', (SELECT json_object_agg(t.o, coalesce((SELECT sum(n) FROM vg WHERE vg.mode = t.o), 0)"
	"  ORDER BY t.i) FROM unnest(" MODES ") WITH ORDINALITY AS t(o, i)),"
	" 'visits.condolence_fen', (SELECT coalesce(sum(fen), 0) FROM vg),"
	" 'obligations.opened', oa.opened, 'obligations.due', oa.due, 'obligations.met', oa.met,"
	" 'obligations.met_on_time', oa.met_on_time, 'obligations.waived', oa.waived, 'obligations.open', oa.still_open,"
	" 'obligations.missed', oa.missed,"
	" 'obligations.coverage_rate', json_build_object('value',"
	"  CASE WHEN oa.due > 0 THEN round(oa.met * 100.0 / oa.due, 2)::text END),"
	" 'obligations.timeliness_rate', json_build_object('value',"
	"  CASE WHEN oa.due > 0 THEN round(oa.met_on_time * 100.0 / oa.due, 2)::text END),"
	" 'obligations.median_days_to_visit', json_build_object('value', round(oa.median::numeric, 2)::text),"
	" 'plans.current', pl.current, 'plans.overdue', pl.overdue)::text FROM oa, pl";

static const char Q_VISIT_RECORDS[] =
	"SELECT coalesce(json_agg(json_build_object('id', v.uid, 'person_id', p.uid, 'name', p.name, 'unit', u.code,"
	" 'visited_at', v.visited_at, 'visited_on', v.visited_on, 'occasion', v.occasion, 'mode', v.mode,"
	" 'staff', v.staff, 'condolence_fen', v.condolence_fen) ORDER BY v.visited_at, v.id), '[]')::text"
	" FROM (SELECT v.* FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
	"  WHERE v.visited_on BETWEEN $1::date AND $2::date AND" IN_SCOPE
	"  AND CASE $4::text WHEN 'illness' THEN v.occasion = '重病住院' OR v.mode = '医院'"
	"   WHEN 'condolence' THEN v.condolence_fen > 0 WHEN 'occasion' THEN v.occasion = $5"
	"   WHEN 'mode' THEN v.mode = $5 ELSE true END"
	"  ORDER BY v.visited_at, v.id LIMIT 10000) v"
	" JOIN yh.person p ON p.id = v.person_id JOIN yh.unit u ON u.id = p.unit_id";
static const char Q_PERSON_RECORDS[] =
	"SELECT coalesce(json_agg(json_build_object('person_id', p.uid, 'name', p.name, 'unit', u.code,"
	" 'visits', x.n, 'first_visit_on', x.first_on, 'last_visit_on', x.last_on) ORDER BY p.name, p.id), '[]')::text"
	" FROM (SELECT v.person_id, count(*) AS n, min(v.visited_on) AS first_on, max(v.visited_on) AS last_on"
	"  FROM yh.visit v JOIN yh.person p ON p.id = v.person_id"
	"  WHERE v.visited_on BETWEEN $1::date AND $2::date AND" IN_SCOPE
	"  AND $4::text IS NOT NULL AND $5::text IS NULL"
	"  GROUP BY v.person_id ORDER BY v.person_id LIMIT 10000) x"
	" JOIN yh.person p ON p.id = x.person_id JOIN yh.unit u ON u.id = p.unit_id";
static const char Q_OB_RECORDS[] =
	"SELECT coalesce(jsonb_agg(yh.obligation_json(x.o) || jsonb_build_object('event_on', x.event_on,"
	" 'days_to_visit', x.days) ORDER BY (x.o).due_on, (x.o).id), '[]')::text"
	" FROM (SELECT o, e.occurred_on AS event_on, o.met_on - e.occurred_on AS days"
	"  FROM yh.obligation o"
	"  LEFT JOIN yh.event e ON e.id = o.event_id"
	"  WHERE" O_WHERE
	"  AND CASE $4::text WHEN 'due' THEN o.state <> 'waived' WHEN 'met' THEN o.state = 'met'"
	"   WHEN 'met_on_time' THEN o.state = 'met' AND o.met_on <= o.due_on"
	"   WHEN 'waived' THEN o.state = 'waived' WHEN 'open' THEN o.state = 'open' WHEN 'missed' THEN o.state = 'missed'"
	"   WHEN 'event_met' THEN o.state = 'met' AND e.id IS NOT NULL ELSE $5::text IS NULL END"
	"  ORDER BY o.due_on, o.id LIMIT 10000) x";
static const char Q_PLAN_RECORDS[] =
	"SELECT coalesce(json_agg(json_build_object('id', c.uid, 'person_id', p.uid, 'name', p.name,"
	" 'unit', (SELECT code FROM yh.unit WHERE id = p.unit_id), 'next_review_on', c.next_review_on,"
	" 'last_reviewed_on', c.last_reviewed_on, 'caseworker', (SELECT username FROM yh.staff WHERE id = c.caseworker_id),"
	" 'care_file', c.care_file, 'revision', c.revision) ORDER BY c.next_review_on, c.id), '[]')::text"
	PLANS_AS_OF
	" AND CASE $4::text WHEN 'overdue' THEN c.next_review_on < " AS_OF " ELSE c.next_review_on >= " AS_OF " END"
	" AND $1::date <= $2::date AND $5::text IS NULL";

typedef struct figure {
	const char *code;
	const char *sql;
	const char *filter;
	int has_key; /* "code.KEY" names an occasion or a mode */
} figure;

static const figure figures[] = {
	{ "visits.count", Q_VISIT_RECORDS, "all", 0 },
	{ "visits.persons", Q_PERSON_RECORDS, "all", 0 },
	{ "visits.illness", Q_VISIT_RECORDS, "illness", 0 },
	{ "visits.condolence_fen", Q_VISIT_RECORDS, "condolence", 0 },
	{ "visits.by_occasion", Q_VISIT_RECORDS, "occasion", 1 },
	{ "visits.by_mode", Q_VISIT_RECORDS, "mode", 1 },
	{ "obligations.opened", Q_OB_RECORDS, "all", 0 },
	{ "obligations.due", Q_OB_RECORDS, "due", 0 },
	{ "obligations.met", Q_OB_RECORDS, "met", 0 },
	{ "obligations.met_on_time", Q_OB_RECORDS, "met_on_time", 0 },
	{ "obligations.waived", Q_OB_RECORDS, "waived", 0 },
	{ "obligations.open", Q_OB_RECORDS, "open", 0 },
	{ "obligations.missed", Q_OB_RECORDS, "missed", 0 },
	{ "obligations.coverage_rate", Q_OB_RECORDS, "due", 0 },
	{ "obligations.timeliness_rate", Q_OB_RECORDS, "due", 0 },
	{ "obligations.median_days_to_visit", Q_OB_RECORDS, "event_met", 0 },
	{ "plans.current", Q_PLAN_RECORDS, "current", 0 },
	{ "plans.overdue", Q_PLAN_RECORDS, "overdue", 0 },
};

/*
 * Authorises, checks the period and resolves the unit: p[0..3] = from, to,
 * the subtree's unit ids (*subtree, the caller frees it), unit code.
 */
static int prepare(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **subtree, char code[48], const char **p, yh_err *err)
{
	char scope_buf[24];
	int y, m, d, rc;

	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc == 0 && (from == NULL || to == NULL))
		rc = yh_err_set(err, YH_EINVAL, from == NULL ? "from" : "to", "is required");
	if (rc == 0)
		rc = yh_date_parse_ymd(from, &y, &m, &d, err, "from");
	if (rc == 0)
		rc = yh_date_parse_ymd(to, &y, &m, &d, err, "to");
	if (rc == 0 && strcmp(from, to) > 0)
		rc = yh_err_set(err, YH_EINVAL, "to", "is before from");
	*subtree = NULL;
	if (rc == 0)
		rc = yh_case_scope(db, a, unit, scope_buf, &p[2], code, err);
	if (rc == 0)
		rc = yh_unit_subtree_ids(db, p[2], subtree, err);
	p[0] = from;
	p[1] = to;
	p[2] = *subtree;
	p[3] = code;
	return rc;
}

/*
 * Runs an aggregate with JIT off: its cost estimate over a year of records
 * crosses jit_above_cost, and compiling then takes far longer (~0.8 s
 * measured) than the query itself. SET LOCAL ends with the transaction.
 */
static int query_nojit(yh_db *db, char **out, const char *sql, int n, const char *const *p, yh_err *err)
{
	int rc = yh_db_begin(db, err);

	if (rc != 0)
		return rc;
	rc = yh_db_exec(db, "SET LOCAL jit = off", 0, NULL, err);
	if (rc >= 0)
		rc = yh_db_query_text(db, out, sql, n, p, NULL, err);
	if (rc == 0) {
		rc = yh_db_commit(db, err);
	} else {
		yh_db_rollback(db);
		free(*out);
		*out = NULL;
	}
	return rc;
}

int yh_case_figures(yh_db *db, const yh_actor *a, const char *from, const char *to, const char *unit,
	char **out, yh_err *err)
{
	char code[48], *subtree = NULL;
	const char *p[4];
	int rc;

	*out = NULL;
	rc = prepare(db, a, from, to, unit, &subtree, code, p, err);
	if (rc == 0)
		rc = query_nojit(db, out, Q_FIGURES, 4, p, err);
	free(subtree);
	return rc;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int yh_case_figure_records(yh_db *db, const yh_actor *a, const char *fcode, const char *from,
	const char *to, const char *unit, char **out, yh_err *err)
{
	char code[48], *subtree = NULL;
	const char *p[5], *key = NULL;
	const figure *fig = NULL;
	int rc;

	*out = NULL;
	for (size_t i = 0; fcode && i < sizeof(figures) / sizeof(figures[0]) && fig == NULL; i++) {
		size_t n = strlen(figures[i].code);
		if (strncmp(fcode, figures[i].code, n) != 0)
			continue;
		if (fcode[n] == '\0')
			fig = &figures[i];
		else if (figures[i].has_key && fcode[n] == '.' && fcode[n + 1] != '\0') {
			fig = &figures[i];
			key = fcode + n + 1;
		}
	}
	if (fig == NULL)
		return yh_err_set(err, YH_EINVAL, "code", "unknown figure code \"%.60s\"", fcode ? fcode : "");
	if (fig->has_key && key != NULL &&
	    !in_list(strcmp(fig->filter, "mode") == 0 ? yh_case_modes : yh_case_occasions, key))
		return yh_err_set(err, YH_EINVAL, "code", "unknown %s \"%.40s\"", fig->filter, key);
	rc = prepare(db, a, from, to, unit, &subtree, code, p, err);
	p[3] = fig->has_key && key == NULL ? "all" : fig->filter;
	p[4] = key;
	if (rc == 0)
		rc = query_nojit(db, out, fig->sql, 5, p, err);
	free(subtree);
	return rc;
}
