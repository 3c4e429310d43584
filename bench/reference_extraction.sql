-- The reference for the annual-extraction benchmark: the best hand-written
-- SQL I could write for the same figures `yinhui evaluation show YEAR [--unit U]`
-- computes (roster, casework, payments, activities, budget formulas and the
-- roster reconciliation totals), one statement, one pass per table where the
-- figures allow, with the scope folded to a constant when it is the whole tree.
--
--   psql -At -v year=2025 -v unit=chikan -f bench/reference_extraction.sql   (unit= for all units)
--
-- Prints {"figures": {...}, "reconciliation": {...}}; scripts/bench checks them
-- against yinhui's (bench/compare_figures.py) before it compares the timings.
\set ON_ERROR_STOP on
SET search_path = yh, pg_catalog;
SET TIME ZONE 'Asia/Shanghai';
SELECT make_date(:year, 1, 1) AS d_from, make_date(:year, 12, 31) AS d_to,
  coalesce((SELECT id FROM unit WHERE code = NULLIF(:'unit', '')), (SELECT id FROM unit WHERE parent_id IS NULL)) AS scope,
  CASE WHEN NULLIF(:'unit', '') IS NULL THEN 'true' ELSE 'false' END AS whole
\gset

WITH
units AS (SELECT descendant AS id FROM unit_closure WHERE ancestor = :scope),
-- roster and its reconciliation: one pass over the cadres, by category and rank
-- (the start is computed: the bench data records no year end)
g AS (
  SELECT p.category, p.rank,
    count(*) FILTER (WHERE p.added_on < :'d_from' AND (x.exit_on IS NULL OR x.exit_on >= :'d_from')) AS st,
    count(*) FILTER (WHERE p.added_on BETWEEN :'d_from' AND :'d_to') AS ad,
    count(*) FILTER (WHERE x.dead AND x.exit_on BETWEEN :'d_from' AND :'d_to') AS de,
    count(*) FILTER (WHERE NOT x.dead AND x.exit_on BETWEEN :'d_from' AND :'d_to') AS tr,
    count(*) FILTER (WHERE p.added_on <= :'d_to' AND (x.exit_on IS NULL OR x.exit_on > :'d_to')) AS en
  FROM person p, LATERAL (SELECT least(p.deceased_on, p.transferred_out_on) AS exit_on,
         p.deceased_on IS NOT NULL AND (p.transferred_out_on IS NULL OR p.deceased_on <= p.transferred_out_on) AS dead) x
  WHERE p.kind = 'cadre' AND (:whole OR p.unit_id IN (SELECT id FROM units))
    AND (x.exit_on IS NULL OR x.exit_on >= p.added_on)
  GROUP BY p.category, p.rank),
r AS (SELECT coalesce(sum(st), 0) AS st, coalesce(sum(ad), 0) AS ad, coalesce(sum(de), 0) AS de,
             coalesce(sum(tr), 0) AS tr, coalesce(sum(en), 0) AS en FROM g),
-- casework: the year's visits through the covering index on visited_on, two passes
-- (counts by occasion and mode, then distinct persons)
vg AS MATERIALIZED (
  SELECT occasion, mode, count(*) AS n, sum(condolence_fen) AS fen FROM visit
  WHERE visited_on BETWEEN :'d_from' AND :'d_to'
    AND (:whole OR unit_id IN (SELECT id FROM units))
  GROUP BY occasion, mode),
v AS (
  SELECT (SELECT coalesce(sum(n), 0) FROM vg) AS n,
         (SELECT count(DISTINCT person_id) FROM visit WHERE visited_on BETWEEN :'d_from' AND :'d_to'
            AND (:whole OR unit_id IN (SELECT id FROM units))) AS persons,
         (SELECT coalesce(sum(n) FILTER (WHERE occasion = '重病住院' OR mode = '医院'), 0) FROM vg) AS illness,
         (SELECT coalesce(sum(fen), 0) FROM vg) AS condolence),
vo AS (SELECT occasion, sum(n) AS n FROM vg GROUP BY occasion),
vm AS (SELECT mode, sum(n) AS n FROM vg GROUP BY mode),
o AS (
  SELECT count(*) AS opened, count(*) FILTER (WHERE o.state <> 'waived') AS due,
         count(*) FILTER (WHERE o.state = 'met') AS met,
         count(*) FILTER (WHERE o.state = 'met' AND mv.visited_on <= o.due_on) AS on_time,
         count(*) FILTER (WHERE o.state = 'waived') AS waived, count(*) FILTER (WHERE o.state = 'open') AS still_open,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY mv.visited_on - e.occurred_on)
           FILTER (WHERE o.state = 'met' AND e.occurred_on IS NOT NULL) AS median
  FROM obligation o LEFT JOIN visit mv ON mv.id = o.met_by LEFT JOIN event e ON e.id = o.event_id
  WHERE o.due_on BETWEEN :'d_from' AND :'d_to' AND o.state <> 'cancelled'
    AND (:whole OR o.person_id IN (SELECT id FROM person WHERE unit_id IN (SELECT id FROM units)))),
pl AS (
  SELECT count(*) FILTER (WHERE c.next_review_on >= a.as_of) AS cur, count(*) FILTER (WHERE c.next_review_on < a.as_of) AS overdue
  FROM care_plan c JOIN person p ON p.id = c.person_id, (SELECT least(:'d_to'::date, today()) AS as_of) a
  WHERE (p.deceased_on IS NULL OR p.deceased_on > a.as_of) AND (p.transferred_out_on IS NULL OR p.transferred_out_on > a.as_of)
    AND (c.created_at AT TIME ZONE 'Asia/Shanghai')::date <= a.as_of AND (:whole OR p.unit_id IN (SELECT id FROM units))),
-- payments: the year's lines (by the period they pay) in one pass
l AS MATERIALIZED (
  SELECT l.id, l.kind, l.status, l.person_id, l.amount_fen, l.reissue_of, l.detail, g.kind AS pkind, g.budget_line,
         CASE WHEN l.kind = 'payment' THEN l.amount_fen + coalesce(rv.fen, 0) END AS net_fen
  FROM payment_line l JOIN programme g ON g.id = l.programme_id
  LEFT JOIN (SELECT reverses, sum(amount_fen) AS fen FROM payment_line WHERE reverses IS NOT NULL GROUP BY reverses) rv
    ON rv.reverses = l.id
  WHERE l.period_start BETWEEN :'d_from' AND :'d_to' AND (:whole OR l.unit_id IN (SELECT id FROM units))),
pa AS (
  SELECT coalesce(sum(amount_fen) FILTER (WHERE pkind = 'subsidy' AND status = 'paid'), 0) AS sub_fen,
         count(*) FILTER (WHERE pkind = 'subsidy' AND kind = 'payment' AND status = 'paid' AND net_fen > 0) AS sub_n,
         count(DISTINCT person_id) FILTER (WHERE pkind = 'subsidy' AND kind = 'payment' AND status = 'paid' AND net_fen > 0) AS sub_p,
         count(DISTINCT person_id) FILTER (WHERE pkind = 'branch_allowance' AND kind = 'payment' AND status = 'paid' AND net_fen > 0) AS al_p,
         coalesce(sum(amount_fen) FILTER (WHERE pkind = 'branch_allowance' AND status = 'paid'), 0) AS al_fen,
         count(*) FILTER (WHERE kind = 'payment' AND status = 'failed') AS failed,
         count(*) FILTER (WHERE reissue_of IS NOT NULL AND status IN ('pending', 'paid')) AS reissued,
         count(*) FILTER (WHERE kind = 'reversal') AS reversals
  FROM l),
pb AS (
  SELECT count(DISTINCT m ->> 'branch') AS n FROM l, jsonb_array_elements(l.detail -> 'months') m
  WHERE l.pkind = 'branch_allowance' AND l.kind = 'payment' AND l.status = 'paid' AND l.net_fen > 0),
pbl AS (SELECT budget_line, sum(amount_fen) AS fen FROM l WHERE status = 'paid' GROUP BY budget_line),
-- activities and budget (small tables)
act AS (
  SELECT type, count(*) AS n, sum(quantity) AS q, sum(participants) AS pa, sum(funding_fen) AS f
  FROM activity WHERE held_on BETWEEN :'d_from' AND :'d_to' AND unit_id IN (SELECT id FROM units) GROUP BY type),
bs AS (
  SELECT k, sum(amount) AS v FROM (
    SELECT item AS k, amount FROM budget_figure WHERE year = :year AND unit_id IN (SELECT id FROM units)
    UNION ALL
    SELECT i.code, p.amount FROM budget_item i JOIN budget_figure p ON p.item = i.prev_fallback AND p.year = :year - 1
      AND p.unit_id IN (SELECT id FROM units)
    WHERE NOT EXISTS (SELECT 1 FROM budget_figure c WHERE c.year = :year AND c.unit_id = p.unit_id AND c.item = i.code)
    UNION ALL
    SELECT 'prev:' || item, amount FROM budget_figure WHERE year = :year - 1 AND unit_id IN (SELECT id FROM units)) x
  GROUP BY k),
bf AS (
  SELECT f.code, f.kind,
    (SELECT coalesce(sum(t.value::bigint * coalesce(bs.v, 0)), 0) FROM jsonb_each_text(f.num) t LEFT JOIN bs ON bs.k = t.key) AS n,
    (SELECT coalesce(sum(t.value::bigint * coalesce(bs.v, 0)), 0) FROM jsonb_each_text(f.den) t LEFT JOIN bs ON bs.k = t.key) AS d
  FROM figure_def f WHERE f.module = 'budget')
SELECT json_build_object('figures',
  jsonb_build_object(
    'roster.start', r.st, 'roster.added', r.ad, 'roster.deceased', r.de, 'roster.transferred_out', r.tr, 'roster.end', r.en,
    'visits.count', v.n, 'visits.persons', v.persons, 'visits.illness', v.illness, 'visits.condolence_fen', v.condolence,
    'visits.by_occasion', (SELECT jsonb_object_agg(t.x, coalesce(vo.n, 0)) FROM unnest(ARRAY['重大节日','重要生日','重病住院',
      '酷暑严寒','遇到困难','临终去世','日常联系','送医上门','送学上门','调研访谈']) t(x) LEFT JOIN vo ON vo.occasion = t.x),
    'visits.by_mode', (SELECT jsonb_object_agg(t.x, coalesce(vm.n, 0)) FROM unnest(ARRAY['上门','医院','电话','视频']) t(x)
      LEFT JOIN vm ON vm.mode = t.x),
    'obligations.opened', o.opened, 'obligations.due', o.due, 'obligations.met', o.met,
    'obligations.met_on_time', o.on_time, 'obligations.waived', o.waived, 'obligations.open', o.still_open,
    'obligations.coverage_rate', jsonb_build_object('value', CASE WHEN o.due > 0 THEN round(o.met * 100.0 / o.due, 2)::text END),
    'obligations.timeliness_rate', jsonb_build_object('value', CASE WHEN o.due > 0 THEN round(o.on_time * 100.0 / o.due, 2)::text END),
    'obligations.median_days_to_visit', jsonb_build_object('value', round(o.median::numeric, 2)::text),
    'plans.current', pl.cur, 'plans.overdue', pl.overdue,
    'subsidies.amount_fen', pa.sub_fen, 'subsidies.payments', pa.sub_n, 'subsidies.beneficiaries', pa.sub_p,
    'branches.allowance_branches', pb.n, 'branches.allowance_secretaries', pa.al_p, 'branches.allowance_amount_fen', pa.al_fen,
    'payments.failed', pa.failed, 'payments.reissued', pa.reissued, 'payments.reversals', pa.reversals,
    'budget_lines', (SELECT coalesce(jsonb_object_agg(budget_line, fen), '{}') FROM pbl))
  || (SELECT coalesce(jsonb_object_agg('activities.' || t.code || '.' || m.k, CASE m.k WHEN 'count' THEN coalesce(act.n, 0)
        WHEN 'quantity' THEN coalesce(act.q, 0) WHEN 'participants' THEN coalesce(act.pa, 0) ELSE coalesce(act.f, 0) END), '{}')
      FROM activity_type t LEFT JOIN act ON act.type = t.code
      CROSS JOIN (VALUES ('count'), ('quantity'), ('participants'), ('funding_fen')) m(k))
  || (SELECT coalesce(jsonb_object_agg(bf.code, CASE WHEN bf.kind <> 'rate' THEN to_jsonb(bf.n)
        WHEN bf.d = 0 THEN 'null'::jsonb ELSE jsonb_build_object('value', round(bf.n * 100.0 / bf.d, 2)::text) END), '{}') FROM bf),
  'reconciliation', json_build_object('totals', json_build_object('start', r.st, 'added', r.ad, 'deceased', r.de,
    'transferred_out', r.tr, 'expected', r.st + r.ad - r.de - r.tr, 'actual', r.en,
    'difference', r.en - (r.st + r.ad - r.de - r.tr)),
    'rows', (SELECT json_agg(json_build_object('category', category, 'rank', rank, 'start', st, 'added', ad, 'deceased', de,
      'transferred_out', tr, 'expected', st + ad - de - tr, 'actual', en, 'difference', en - (st + ad - de - tr))
      ORDER BY category NULLS LAST, rank NULLS LAST) FROM g)))
FROM r, v, o, pl, pa, pb;
