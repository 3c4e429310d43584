/*
 * The worklist: who must be visited by when, plans due for review and
 * follow-ups/measures due, for the caller's unit subtree. One query; "today"
 * is yh.today() (Asia/Shanghai) as everywhere else.
 *
 * Open obligations carry their person's unit and belong only to active
 * persons (trigger person_casework_sync, 0010_casework.sql), so listing and
 * counting them needs no join. Measured by tests/integration/test_case_perf.c
 * (20,000 cadres, 65,000 obligations of which 41,000 open and overdue,
 * 200,000 visits; VACUUM ANALYZE; 2 vCPU shared with other builds, load ~6):
 *   list:  Limit -> Index Scan using obligation_open_due (due_on, id) WHERE
 *          state = 'open', Index Cond: due_on <= today + 14, [Filter: hashed
 *          unit_closure subtree] -> 100 rows, then per row person_pkey,
 *          care_plan_person_id_key and visit_person (last visit, Limit 1)
 *   count: Index Only Scan using obligation_due, Heap Fetches: 0 (41,002 rows)
 *   reviews: care_plan_review; follow-ups: *_open_due (due_on) INCLUDE (person_id)
 * whole call (yh_worklist, median of 9): 40-60 ms for the bureau or a unit;
 * the database's "Execution Time" ~60 ms of which ~20 ms is the count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_internal.h"
#include "yinhui/casework.h"
#include "yinhui/staff.h"

static const yh_field_spec filter_spec[] = {
	{ "unit", YH_FT_TEXT, 0, 60, NULL },
	{ "caseworker", YH_FT_TEXT, 0, 32, NULL },
	{ "within", YH_FT_TEXT, 0, 10, NULL },
	{ "overdue", YH_FT_BOOL, 0, 0, NULL },
	{ "limit", YH_FT_INT, 0, 2000, NULL },
};

/* $1: the scope's unit ids as an array (yh_unit_subtree_ids), NULL for the whole tree */
#define IN_SCOPE \
	" ($1::bigint[] IS NULL OR p.unit_id = ANY ($1::bigint[]))"
#define ACTIVE_IN_SCOPE " p.deceased_on IS NULL AND p.transferred_out_on IS NULL AND" IN_SCOPE
#define CASEWORKER_OF_P \
	" AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM yh.care_plan c2 WHERE c2.person_id = p.id" \
	" AND c2.caseworker_id = $2::bigint))"
#define DUE(col) " " col " <= yh.today() + $3::int AND (NOT $4::bool OR " col " < yh.today())"
/*
 * Open obligations: no join needed. An open obligation belongs to an active
 * person (person_casework_sync cancels them on death or transfer, except
 * the bereavement visit to the family) and carries the person's unit.
 */
#define OB_WHERE \
	" o.state = 'open' AND" DUE("o.due_on") \
	" AND ($1::bigint[] IS NULL OR o.unit_id = ANY ($1::bigint[]))" \
	" AND ($2::bigint IS NULL OR o.person_id IN (SELECT person_id FROM yh.care_plan WHERE caseworker_id = $2::bigint))"

static const char Q_WORKLIST[] =
	"WITH ob AS ("
	" SELECT o.id, o.uid, o.person_id, o.occasion, o.title, o.due_on FROM yh.obligation o WHERE" OB_WHERE
	" ORDER BY o.due_on, o.id LIMIT $5::int),"
	/*
	 * All due plans in scope first, then the page (the total needs them all
	 * anyway): a unit's due plans are one range of care_plan_unit_review.
	 */
	" rv_all AS MATERIALIZED ("
	" SELECT c.id, c.uid, c.person_id, c.next_review_on, c.caseworker_id"
	" FROM yh.care_plan c JOIN yh.person p ON p.id = c.person_id"
	" WHERE" DUE("c.next_review_on") " AND p.deceased_on IS NULL AND p.transferred_out_on IS NULL"
	" AND ($1::bigint[] IS NULL OR c.unit_id = ANY ($1::bigint[]))" /* the person's unit (0065) */
	" AND ($2::bigint IS NULL OR c.caseworker_id = $2::bigint)),"
	" rv AS ("
	" SELECT r.*, (SELECT count(*) FROM rv_all) AS total FROM rv_all r"
	" ORDER BY r.next_review_on, r.id LIMIT $5::int),"
	" fu AS ("
	" SELECT x.*, count(*) OVER () AS total FROM ("
	"  SELECT 'follow_up' AS kind, f.uid, f.action AS what, f.owner, f.due_on, f.person_id, f.visit_id AS src,"
	"  f.id AS sort_id FROM yh.visit_follow_up f WHERE f.status = 'open' AND" DUE("f.due_on")
	"  UNION ALL"
	"  SELECT 'measure', m.uid, m.what, m.owner, m.due_on, m.person_id, m.plan_id, m.id"
	"  FROM yh.plan_measure m WHERE m.status = 'open' AND" DUE("m.due_on") ") x"
	" JOIN yh.person p ON p.id = x.person_id WHERE" ACTIVE_IN_SCOPE CASEWORKER_OF_P
	" ORDER BY x.due_on, x.kind, x.sort_id LIMIT $5::int)"
	" SELECT json_build_object('as_of', yh.today(),"
	" 'items', coalesce((SELECT json_agg(json_build_object('kind', 'obligation', 'id', ob.uid,"
	"   'person_id', p.uid, 'name', p.name, 'unit', u.code, 'occasion', ob.occasion, 'title', ob.title,"
	"   'due_on', ob.due_on, 'days_overdue', greatest(yh.today() - ob.due_on, 0),"
	"   'overdue', ob.due_on < yh.today(), 'address', p.address, 'phones', p.phones, 'caseworker', s.username,"
	"   'last_visit_on', lv.visited_on, 'last_visit_occasion', lv.occasion, 'last_visit_mode', lv.mode,"
	"   'last_visit_id', lv.uid, 'deceased_on', p.deceased_on,"
	"   'family', CASE WHEN p.deceased_on IS NOT NULL THEN (SELECT coalesce(json_agg(json_build_object("
	"    'name', s2.name, 'relationship', s2.relationship, 'phones', s2.phones, 'address', s2.address)"
	"    ORDER BY s2.id), '[]') FROM yh.person s2 WHERE s2.cadre_id = p.id AND s2.deceased_on IS NULL) END)"
	"   ORDER BY ob.due_on, ob.id)"
	"  FROM ob JOIN yh.person p ON p.id = ob.person_id JOIN yh.unit u ON u.id = p.unit_id"
	"  LEFT JOIN yh.care_plan c ON c.person_id = p.id LEFT JOIN yh.staff s ON s.id = c.caseworker_id"
	"  LEFT JOIN LATERAL (SELECT v.uid, v.visited_on, v.occasion, v.mode FROM yh.visit v"
	"   WHERE v.person_id = p.id ORDER BY v.visited_at DESC LIMIT 1) lv ON true), '[]'),"
	" 'total', (SELECT count(*) FROM yh.obligation o WHERE" OB_WHERE "),"
	" 'reviews', coalesce((SELECT json_agg(json_build_object('kind', 'review', 'id', rv.uid, 'person_id', p.uid,"
	"   'name', p.name, 'unit', u.code, 'due_on', rv.next_review_on,"
	"   'days_overdue', greatest(yh.today() - rv.next_review_on, 0), 'overdue', rv.next_review_on < yh.today(),"
	"   'address', p.address, 'phones', p.phones, 'caseworker', s.username) ORDER BY rv.next_review_on, rv.id)"
	"  FROM rv JOIN yh.person p ON p.id = rv.person_id JOIN yh.unit u ON u.id = p.unit_id"
	"  LEFT JOIN yh.staff s ON s.id = rv.caseworker_id), '[]'),"
	" 'reviews_total', coalesce((SELECT max(total) FROM rv), 0),"
	" 'follow_ups', coalesce((SELECT json_agg(json_build_object('kind', fu.kind, 'id', fu.uid, 'person_id', p.uid,"
	"   'name', p.name, 'unit', u.code, 'what', fu.what, 'owner', fu.owner, 'due_on', fu.due_on,"
	"   'days_overdue', greatest(yh.today() - fu.due_on, 0), 'overdue', fu.due_on < yh.today(),"
	"   'source_id', CASE fu.kind WHEN 'follow_up' THEN (SELECT v.uid FROM yh.visit v WHERE v.id = fu.src)"
	"    ELSE (SELECT c.uid FROM yh.care_plan c WHERE c.id = fu.src) END) ORDER BY fu.due_on, fu.kind, fu.sort_id)"
	"  FROM fu JOIN yh.person p ON p.id = fu.person_id JOIN yh.unit u ON u.id = p.unit_id), '[]'),"
	" 'follow_ups_total', coalesce((SELECT max(total) FROM fu), 0))::text";

void yh_worklist_filter_init(yh_worklist_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->within_days = 14;
	f->limit = 100;
}

/* "14", "14d" (days) or "2w" (weeks), 0..366 days. */
static int parse_within(const char *s, int *days, yh_err *err)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n < 0)
		return yh_err_set(err, YH_EINVAL, "within", "must be a number of days such as 14 or 14d");
	if (*end == 'w' && end[1] == '\0')
		n *= 7;
	else if (!(*end == '\0' || (*end == 'd' && end[1] == '\0')))
		return yh_err_set(err, YH_EINVAL, "within", "must be a number of days such as 14 or 14d");
	if (n > 366)
		return yh_err_set(err, YH_EINVAL, "within", "at most 366 days");
	*days = (int)n;
	return 0;
}

int yh_worklist_filter_parse(yh_worklist_filter *f, const yh_fields *in, yh_err *err)
{
	yh_values *v = NULL;
	int rc;

	yh_worklist_filter_init(f);
	rc = yh_values_validate(&v, filter_spec, sizeof(filter_spec) / sizeof(filter_spec[0]), in, 0, err);
	if (rc == 0 && yh_values_get(v, "within"))
		rc = parse_within(yh_values_get(v, "within"), &f->within_days, err);
	if (rc == 0) {
		f->unit = yh_fields_get(in, "unit");
		f->caseworker = yh_fields_get(in, "caseworker");
		f->overdue_only = yh_values_get(v, "overdue") && strcmp(yh_values_get(v, "overdue"), "t") == 0;
		if (yh_values_get(v, "limit"))
			f->limit = atoi(yh_values_get(v, "limit"));
		if (f->limit < 1)
			rc = yh_err_set(err, YH_EINVAL, "limit", "must be between 1 and 2000");
	}
	yh_values_free(v);
	return rc;
}

int yh_worklist(yh_db *db, const yh_actor *a, const yh_worklist_filter *f, char **out, yh_err *err)
{
	char scope_buf[24], cw[24], within[16], lim[16], *subtree = NULL;
	const char *p[5];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_CASE_READ, err);
	if (rc != 0)
		return rc;
	if (f->within_days < 0 || f->within_days > 366)
		return yh_err_set(err, YH_EINVAL, "within", "must be 0 to 366 days");
	if (f->limit < 1 || f->limit > 2000)
		return yh_err_set(err, YH_EINVAL, "limit", "must be between 1 and 2000");
	rc = yh_case_scope(db, a, f->unit, scope_buf, &p[0], NULL, err);
	/* the planner sees the subtree's size: a county walks its own obligations, not the bureau's */
	if (rc == 0)
		rc = yh_unit_subtree_ids(db, p[0], &subtree, err);
	p[0] = subtree;
	p[1] = NULL;
	if (rc == 0 && f->caseworker && *f->caseworker) {
		rc = yh_case_staff_id(db, a, f->caseworker, "caseworker", cw, err);
		p[1] = cw;
	}
	snprintf(within, sizeof(within), "%d", f->within_days);
	snprintf(lim, sizeof(lim), "%d", f->limit);
	p[2] = within;
	p[3] = f->overdue_only ? "t" : "f";
	p[4] = lim;
	if (rc == 0)
		rc = yh_db_query_text(db, out, Q_WORKLIST, 5, p, NULL, err);
	free(subtree);
	return rc;
}
