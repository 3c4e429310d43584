-- The usual roster page (yh.roster_cadre_page, 0069) read the persons of a
-- subtree by their index only, then each of the page's 50 persons again by
-- primary key; a subtree of one unit (a county: the commonest page) now reads
-- them straight from the unit's name index, in order; the subtree's units and
-- its total are read once, before the page. Measured with pgbench -M prepared, 16 clients, the
-- benchmark's province (docs/performance.md "Session 5"): one county's first
-- page 3,009 -> 4,627 calls/s; a city of five units 2,850 -> 2,906.
SET search_path = yh, pg_catalog;

CREATE OR REPLACE FUNCTION roster_cadre_page(p_scope bigint, p_unit text, p_lim integer, p_off integer, p_alive boolean,
  p_active boolean)
RETURNS TABLE (total bigint, id bigint, uid uuid, kind text, name text, gender text, id_masked text, birth_date date,
  category text, rank text, unit text, phone text, living_situation text, care_level text, remote boolean,
  party_member boolean, deceased_on date, transferred_out_on date, cadre text, relationship text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
  root bigint := p_scope;
  ok boolean;
  units bigint[];
  tot bigint;
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
  IF root IS NULL THEN
    units := ARRAY(SELECT un.id FROM yh.unit un);
  ELSE
    units := ARRAY(SELECT c.descendant FROM yh.unit_closure c WHERE c.ancestor = root);
  END IF;
  SELECT coalesce(sum(t.n), 0) INTO tot FROM yh.person_tally t WHERE t.unit_id = ANY (units)
     AND t.kind = 'cadre' AND coalesce((NOT t.dead) = p_alive, true)
     AND coalesce((NOT t.dead AND NOT t.gone) = p_active, true);
  IF cardinality(units) = 1 THEN
    RETURN QUERY
    SELECT tot, p.id, p.uid, p.kind, p.name, p.gender, p.id_masked, p.birth_date, p.category, p.rank, un.code,
           p.phones->0->>'number', p.living_situation, p.care_level, p.remote, p.party_member,
           p.deceased_on, p.transferred_out_on,
           CASE WHEN p.cadre_id IS NOT NULL THEN (SELECT c.name FROM yh.person c WHERE c.id = p.cadre_id) END, p.relationship
      FROM yh.person p JOIN yh.unit un ON un.id = p.unit_id
     WHERE p.unit_id = units[1] AND p.kind = 'cadre' AND coalesce((p.deceased_on IS NULL) = p_alive, true)
       AND coalesce((p.deceased_on IS NULL AND p.transferred_out_on IS NULL) = p_active, true)
     ORDER BY p.name, p.id LIMIT p_lim OFFSET p_off;
  ELSE
    RETURN QUERY
    WITH k AS (SELECT x.id, x.name FROM unnest(units) AS u(id) CROSS JOIN LATERAL (
          SELECT p.id, p.name FROM yh.person p
           WHERE p.unit_id = u.id AND p.kind = 'cadre' AND coalesce((p.deceased_on IS NULL) = p_alive, true)
             AND coalesce((p.deceased_on IS NULL AND p.transferred_out_on IS NULL) = p_active, true)
           ORDER BY p.name, p.id LIMIT p_lim + p_off) x
        ORDER BY x.name, x.id LIMIT p_lim OFFSET p_off)
    SELECT tot, p.id, p.uid, p.kind, p.name, p.gender, p.id_masked, p.birth_date, p.category, p.rank, un.code,
           p.phones->0->>'number', p.living_situation, p.care_level, p.remote, p.party_member,
           p.deceased_on, p.transferred_out_on,
           CASE WHEN p.cadre_id IS NOT NULL THEN (SELECT c.name FROM yh.person c WHERE c.id = p.cadre_id) END, p.relationship
      FROM k JOIN yh.person p ON p.id = k.id JOIN yh.unit un ON un.id = p.unit_id
     ORDER BY p.name, p.id;
  END IF;
  IF NOT FOUND THEN
    RETURN QUERY SELECT tot, NULL::bigint, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::text, NULL::date,
      NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::boolean, NULL::date,
      NULL::date, NULL::text, NULL::text;
  END IF;
END $$;
