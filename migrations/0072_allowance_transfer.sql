-- A branch secretary transferred out of the bureau's roster is paid the
-- allowance up to the month of the transfer, as one who dies is paid up to
-- the month of the death (停发 from the month after). pay_allowance of 0021
-- counted every month of a post still on the register, so a secretary who
-- left in October was paid to December.
SET search_path = yh, pg_catalog;

CREATE OR REPLACE FUNCTION pay_allowance(p_programme bigint, p_start date, p_end date)
RETURNS TABLE (person_id bigint, amount_fen bigint, months integer, detail jsonb)
LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT gs::date AS m FROM generate_series(p_start::timestamp, p_end::timestamp, interval '1 month') gs
  ), held AS (
    SELECT bp.person_id, m.m, bp.post, b.uid AS branch, b.name AS branch_name,
      (SELECT r.amount_fen FROM yh.programme_rate r WHERE r.programme_id = p_programme AND r.post = bp.post
         AND r.valid_from <= m.m ORDER BY r.valid_from DESC LIMIT 1) AS fen
    FROM yh.branch_post bp
    JOIN yh.branch b ON b.id = bp.branch_id
    JOIN yh.person p ON p.id = bp.person_id
    JOIN m ON bp.from_on <= m.m AND (bp.to_on IS NULL OR bp.to_on >= m.m)
    WHERE (b.founded_on IS NULL OR b.founded_on <= m.m) AND (b.dissolved_on IS NULL OR b.dissolved_on >= m.m)
      AND (p.deceased_on IS NULL OR p.deceased_on >= m.m)
      AND (p.transferred_out_on IS NULL OR p.transferred_out_on >= m.m)
  ), best AS (
    SELECT DISTINCT ON (h.person_id, h.m) h.person_id, h.m, h.post, h.branch, h.branch_name, h.fen
    FROM held h WHERE h.fen > 0 ORDER BY h.person_id, h.m, h.fen DESC, h.post
  )
  SELECT b.person_id, sum(b.fen)::bigint, count(*)::int,
    jsonb_build_object('months', jsonb_agg(jsonb_build_object('month', to_char(b.m, 'YYYY-MM'), 'post', b.post,
      'branch', b.branch, 'branch_name', b.branch_name, 'fen', b.fen) ORDER BY b.m))
  FROM best b GROUP BY b.person_id
$$;
