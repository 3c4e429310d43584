-- The worklist (src/core/worklist.c) in one function with a plan kept per
-- connection.
--
-- * A care plan knows whether its person is active (alive and not transferred
--   out), kept by the database as its unit is (0065): a unit's plans due for
--   review are one range of a partial index, where they were every due plan of
--   the unit joined with every active person of the bureau (a hash join over
--   175,000 persons, 33 of the 50 ms of one county's worklist).
-- * Each list is read one unit of the subtree at a time in due order (the
--   unit's range of the index), limit rows from each, merged and cut; a unit
--   given as "= ANY (array)" could not be read in order.
-- * The statement was planned on every call (its optional filters), 5-8 ms
--   for this size of query. In a function with plan_cache_mode set to
--   force_generic_plan its plan is made once per connection: every filter is
--   a value, and the plan (per-unit index ranges) is the same whatever the
--   values. A generic plan is otherwise rejected for its LIMIT: with a
--   parameter the planner assumes a tenth of the rows.
SET search_path = yh, pg_catalog;

ALTER TABLE care_plan ADD COLUMN active boolean NOT NULL DEFAULT true;
UPDATE care_plan c SET active = false FROM person p
 WHERE p.id = c.person_id AND (p.deceased_on IS NOT NULL OR p.transferred_out_on IS NOT NULL);

-- always the person's unit and state, whatever the statement said
CREATE OR REPLACE FUNCTION care_plan_fill_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.unit_id, p.deceased_on IS NULL AND p.transferred_out_on IS NULL INTO NEW.unit_id, NEW.active
    FROM yh.person p WHERE p.id = NEW.person_id;
  RETURN NEW;
END $$;
DROP TRIGGER care_plan_fill_unit ON care_plan;
CREATE TRIGGER care_plan_fill_unit BEFORE INSERT OR UPDATE OF person_id, unit_id, active ON care_plan
  FOR EACH ROW EXECUTE FUNCTION care_plan_fill_unit();

-- a death, a transfer out (or either undone) reaches the plan
CREATE FUNCTION person_care_plan_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE yh.care_plan SET active = (NEW.deceased_on IS NULL AND NEW.transferred_out_on IS NULL)
   WHERE person_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER person_care_plan_active AFTER UPDATE OF deceased_on, transferred_out_on ON person
  FOR EACH ROW WHEN ((NEW.deceased_on IS NULL AND NEW.transferred_out_on IS NULL)
                     IS DISTINCT FROM (OLD.deceased_on IS NULL AND OLD.transferred_out_on IS NULL))
  EXECUTE FUNCTION person_care_plan_active();

-- the lists and their counts read only these (index-only: the caseworker filter is in them too)
CREATE INDEX care_plan_active_review ON care_plan (unit_id, next_review_on, id) INCLUDE (caseworker_id) WHERE active;
DROP INDEX care_plan_unit_review;
CREATE INDEX obligation_open_unit_person ON obligation (unit_id, due_on, id) INCLUDE (person_id) WHERE state = 'open';
DROP INDEX obligation_open_unit;

-- p_scope: the unit whose subtree is listed (NULL: the whole bureau); p_caseworker: only that
-- caseworker's persons (NULL: everyone's); p_within: days ahead; p_overdue_only; p_lim: rows per list.
CREATE FUNCTION worklist(p_scope bigint, p_caseworker bigint, p_within integer, p_overdue_only boolean, p_lim integer)
RETURNS text LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN (
  WITH u AS (SELECT c.descendant AS id FROM yh.unit_closure c WHERE c.ancestor = p_scope
             UNION ALL SELECT id FROM yh.unit WHERE p_scope IS NULL),
  ob AS (
    SELECT x.* FROM u CROSS JOIN LATERAL (
      SELECT o.id, o.uid, o.person_id, o.occasion, o.title, o.due_on FROM yh.obligation o
       WHERE o.state = 'open' AND o.unit_id = u.id AND o.due_on <= yh.today() + p_within
         AND (NOT p_overdue_only OR o.due_on < yh.today())
         AND (p_caseworker IS NULL OR o.person_id IN (SELECT person_id FROM yh.care_plan WHERE caseworker_id = p_caseworker))
       ORDER BY o.due_on, o.id LIMIT p_lim) x
    ORDER BY x.due_on, x.id LIMIT p_lim),
  rv AS (
    SELECT x.* FROM u CROSS JOIN LATERAL (
      SELECT c.id, c.uid, c.person_id, c.next_review_on, c.caseworker_id FROM yh.care_plan c
       WHERE c.active AND c.unit_id = u.id AND c.next_review_on <= yh.today() + p_within
         AND (NOT p_overdue_only OR c.next_review_on < yh.today())
         AND (p_caseworker IS NULL OR c.caseworker_id = p_caseworker)
       ORDER BY c.next_review_on, c.id LIMIT p_lim) x
    ORDER BY x.next_review_on, x.id LIMIT p_lim),
  fu AS (
    SELECT x.*, count(*) OVER () AS total FROM (
      SELECT 'follow_up' AS kind, f.uid, f.action AS what, f.owner, f.due_on, f.person_id, f.visit_id AS src,
             f.id AS sort_id FROM yh.visit_follow_up f
       WHERE f.status = 'open' AND f.due_on <= yh.today() + p_within AND (NOT p_overdue_only OR f.due_on < yh.today())
      UNION ALL
      SELECT 'measure', m.uid, m.what, m.owner, m.due_on, m.person_id, m.plan_id, m.id FROM yh.plan_measure m
       WHERE m.status = 'open' AND m.due_on <= yh.today() + p_within AND (NOT p_overdue_only OR m.due_on < yh.today())) x
    JOIN yh.person p ON p.id = x.person_id
    WHERE p.deceased_on IS NULL AND p.transferred_out_on IS NULL AND p.unit_id IN (SELECT id FROM u)
      AND (p_caseworker IS NULL OR EXISTS (SELECT 1 FROM yh.care_plan c2 WHERE c2.person_id = p.id
                                          AND c2.caseworker_id = p_caseworker))
    ORDER BY x.due_on, x.kind, x.sort_id LIMIT p_lim)
  SELECT json_build_object('as_of', yh.today(),
    'items', coalesce((SELECT json_agg(json_build_object('kind', 'obligation', 'id', ob.uid,
      'person_id', p.uid, 'name', p.name, 'unit', un.code, 'occasion', ob.occasion, 'title', ob.title,
      'due_on', ob.due_on, 'days_overdue', greatest(yh.today() - ob.due_on, 0),
      'overdue', ob.due_on < yh.today(), 'address', p.address, 'phones', p.phones, 'caseworker', s.username,
      'last_visit_on', lv.visited_on, 'last_visit_occasion', lv.occasion, 'last_visit_mode', lv.mode,
      'last_visit_id', lv.uid, 'deceased_on', p.deceased_on,
      'family', CASE WHEN p.deceased_on IS NOT NULL THEN (SELECT coalesce(json_agg(json_build_object(
        'name', s2.name, 'relationship', s2.relationship, 'phones', s2.phones, 'address', s2.address)
        ORDER BY s2.id), '[]') FROM yh.person s2 WHERE s2.cadre_id = p.id AND s2.deceased_on IS NULL) END)
      ORDER BY ob.due_on, ob.id)
     FROM ob JOIN yh.person p ON p.id = ob.person_id JOIN yh.unit un ON un.id = p.unit_id
     LEFT JOIN yh.care_plan c ON c.person_id = p.id LEFT JOIN yh.staff s ON s.id = c.caseworker_id
     LEFT JOIN LATERAL (SELECT v.uid, v.visited_on, v.occasion, v.mode FROM yh.visit v
      WHERE v.person_id = p.id ORDER BY v.visited_at DESC LIMIT 1) lv ON true), '[]'),
    'total', (SELECT coalesce(sum(n.n), 0) FROM u CROSS JOIN LATERAL (SELECT count(*) AS n FROM yh.obligation o
       WHERE o.state = 'open' AND o.unit_id = u.id AND o.due_on <= yh.today() + p_within
         AND (NOT p_overdue_only OR o.due_on < yh.today())
         AND (p_caseworker IS NULL OR o.person_id IN (SELECT person_id FROM yh.care_plan WHERE caseworker_id = p_caseworker))) n),
    'reviews', coalesce((SELECT json_agg(json_build_object('kind', 'review', 'id', rv.uid, 'person_id', p.uid,
      'name', p.name, 'unit', un.code, 'due_on', rv.next_review_on,
      'days_overdue', greatest(yh.today() - rv.next_review_on, 0), 'overdue', rv.next_review_on < yh.today(),
      'address', p.address, 'phones', p.phones, 'caseworker', s.username) ORDER BY rv.next_review_on, rv.id)
     FROM rv JOIN yh.person p ON p.id = rv.person_id JOIN yh.unit un ON un.id = p.unit_id
     LEFT JOIN yh.staff s ON s.id = rv.caseworker_id), '[]'),
    'reviews_total', (SELECT coalesce(sum(n.n), 0) FROM u CROSS JOIN LATERAL (SELECT count(*) AS n FROM yh.care_plan c
       WHERE c.active AND c.unit_id = u.id AND c.next_review_on <= yh.today() + p_within
         AND (NOT p_overdue_only OR c.next_review_on < yh.today())
         AND (p_caseworker IS NULL OR c.caseworker_id = p_caseworker)) n),
    'follow_ups', coalesce((SELECT json_agg(json_build_object('kind', fu.kind, 'id', fu.uid, 'person_id', p.uid,
      'name', p.name, 'unit', un.code, 'what', fu.what, 'owner', fu.owner, 'due_on', fu.due_on,
      'days_overdue', greatest(yh.today() - fu.due_on, 0), 'overdue', fu.due_on < yh.today(),
      'source_id', CASE fu.kind WHEN 'follow_up' THEN (SELECT v.uid FROM yh.visit v WHERE v.id = fu.src)
       ELSE (SELECT c.uid FROM yh.care_plan c WHERE c.id = fu.src) END) ORDER BY fu.due_on, fu.kind, fu.sort_id)
     FROM fu JOIN yh.person p ON p.id = fu.person_id JOIN yh.unit un ON un.id = p.unit_id), '[]'),
    'follow_ups_total', coalesce((SELECT max(total) FROM fu), 0))::text);
END $$;
