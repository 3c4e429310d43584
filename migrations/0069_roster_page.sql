-- A page of the usual roster list (cadres of a unit subtree, perhaps alive or
-- active only; src/core/roster_list.c) in one call with a plan kept per
-- connection. The unit named is resolved and its scope checked here, the page
-- is read one unit of the subtree at a time and the total is a sum over
-- yh.person_tally (0067). As a statement it took 0.25 ms for the unit's lookup
-- in a round trip of its own plus 0.4 ms of planning on every call (a generic
-- plan is rejected for its LIMIT, whose parameter the planner takes for a
-- tenth of the rows) and 0.35 ms to run: 1.8-2.3 ms in all from psql, this
-- function 0.45-0.5 ms (docs/performance.md "Session 3").
--
-- The cadre index carries the two dates, so that the alive/active tests,
-- which a generic plan keeps even when not given, are answered from the
-- index too (an index-only scan; without them each unit's page read 50 heap
-- rows, 2.2 ms in all).
SET search_path = yh, pg_catalog;

DROP INDEX person_cadre_unit_name;
CREATE INDEX person_cadre_unit_name ON person (unit_id, name, id) INCLUDE (deceased_on, transferred_out_on)
  WHERE kind = 'cadre';

-- p_scope: the caller's unit (NULL: the whole bureau); p_unit: a unit code or uid within it, or NULL;
-- p_alive, p_active: NULL for either. A page past the end is one row with the total only.
CREATE FUNCTION roster_cadre_page(p_scope bigint, p_unit text, p_lim integer, p_off integer, p_alive boolean,
  p_active boolean)
RETURNS TABLE (total bigint, id bigint, uid uuid, kind text, name text, gender text, id_masked text, birth_date date,
  category text, rank text, unit text, phone text, living_situation text, care_level text, remote boolean,
  party_member boolean, deceased_on date, transferred_out_on date, cadre text, relationship text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  root bigint := p_scope;
  ok boolean;
BEGIN
  IF p_unit IS NOT NULL THEN
    SELECT u.id, yh.in_scope(u.id, p_scope) INTO root, ok FROM yh.unit u WHERE u.code = p_unit OR u.uid::text = p_unit;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no unit "%" (give a unit code, see yinhui unit list)', left(p_unit, 60)
        USING ERRCODE = 'YH422', COLUMN = 'unit';
    END IF;
    IF NOT ok THEN
      RAISE EXCEPTION 'unit "%" is outside your units', left(p_unit, 60) USING ERRCODE = 'YH403', COLUMN = 'unit';
    END IF;
  END IF;
  RETURN QUERY
  WITH u AS (SELECT c.descendant AS id FROM yh.unit_closure c WHERE c.ancestor = root
             UNION ALL SELECT un.id FROM yh.unit un WHERE root IS NULL),
  k AS (SELECT x.id, x.name FROM u CROSS JOIN LATERAL (
          SELECT p.id, p.name FROM yh.person p
           WHERE p.unit_id = u.id AND p.kind = 'cadre' AND coalesce((p.deceased_on IS NULL) = p_alive, true)
             AND coalesce((p.deceased_on IS NULL AND p.transferred_out_on IS NULL) = p_active, true)
           ORDER BY p.name, p.id LIMIT p_lim + p_off) x
        ORDER BY x.name, x.id LIMIT p_lim OFFSET p_off)
  SELECT (SELECT coalesce(sum(t.n), 0) FROM yh.person_tally t WHERE t.unit_id IN (SELECT id FROM u)
            AND t.kind = 'cadre' AND coalesce((NOT t.dead) = p_alive, true)
            AND coalesce((NOT t.dead AND NOT t.gone) = p_active, true))::bigint,
         r.id, r.uid, r.kind, r.name, r.gender, r.id_masked, r.birth_date, r.category, r.rank, r.unit, r.phone,
         r.living_situation, r.care_level, r.remote, r.party_member, r.deceased_on, r.transferred_out_on, r.cadre,
         r.relationship
    FROM (SELECT 1) one LEFT JOIN (
      SELECT p.id, p.uid, p.kind, p.name, p.gender, p.id_masked, p.birth_date, p.category, p.rank, un.code AS unit,
             p.phones->0->>'number' AS phone, p.living_situation, p.care_level, p.remote, p.party_member,
             p.deceased_on, p.transferred_out_on,
             CASE WHEN p.cadre_id IS NOT NULL THEN (SELECT c.name FROM yh.person c WHERE c.id = p.cadre_id) END AS cadre,
             p.relationship
        FROM k JOIN yh.person p ON p.id = k.id JOIN yh.unit un ON un.id = p.unit_id) r ON true
   ORDER BY r.name, r.id;
END $$;
