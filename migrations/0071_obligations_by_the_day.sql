-- Obligations follow the roster of the day they fall due (session 4, from a
-- check with another year's records; docs/evaluation.md "Obligations").
--
-- * A new terminal state, 'missed': the obligation fell due while its person
--   was on the roster, was not met, and can no longer be (the person died or
--   was transferred out afterwards). It counts as due and not met. Before, a
--   death or a transfer cancelled every open obligation, and cancelled ones
--   are never due: a cadre who died in August took the unvisited Spring
--   Festival of January out of the year's denominator, so a death raised
--   the coverage.
-- * A death or a transfer closes the person's open obligations: those due
--   before the day as missed, the others as cancelled (never due). The
--   bereavement visit of a death stays open, as before.
-- * obligation_catch_up(): after obligations are generated for a period that
--   has begun, visits already logged meet the ones they fit (the same
--   occasion, within the window, a visit meeting one obligation at most),
--   and open obligations of persons no longer on the roster close as above.
SET search_path = yh, pg_catalog;

ALTER TABLE obligation DROP CONSTRAINT obligation_state_check;
ALTER TABLE obligation ADD CONSTRAINT obligation_state_check
  CHECK (state IN ('open', 'met', 'waived', 'cancelled', 'missed'));
ALTER TABLE obligation DROP CONSTRAINT obligation_closed_reason;
ALTER TABLE obligation ADD CONSTRAINT obligation_closed_reason
  CHECK (state NOT IN ('waived', 'cancelled', 'missed') OR coalesce(btrim(reason), '') <> '');

INSERT INTO figure_def (code, label, kind, unit, module, sort, note) VALUES
  ('obligations.missed', '去世或迁出前未访事项', 'count', '项', 'casework', 318,
   'due while the person was on the roster, not met, closed when the person died or was transferred out');

-- Closes person p_person's open obligations on leaving the roster on p_on.
CREATE FUNCTION obligation_close_left(p_person bigint, p_on date, p_death boolean, p_by text,
  OUT missed bigint, OUT cancelled bigint) LANGUAGE plpgsql AS $$
DECLARE
  why text := CASE WHEN p_death THEN '去世' ELSE '迁出' END;
BEGIN
  WITH c AS (
    UPDATE yh.obligation
       SET state = CASE WHEN due_on < p_on THEN 'missed' ELSE 'cancelled' END,
           reason = CASE WHEN due_on < p_on THEN format('%s (%s) 前未走访', why, p_on) ELSE format('%s (%s)', why, p_on) END,
           closed_at = now(), closed_by = p_by
     WHERE person_id = p_person AND state = 'open' AND NOT (p_death AND occasion = '临终去世')
    RETURNING state)
  SELECT count(*) FILTER (WHERE c.state = 'missed'), count(*) FILTER (WHERE c.state = 'cancelled')
    INTO missed, cancelled FROM c;
END $$;

CREATE OR REPLACE FUNCTION person_casework_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN
    UPDATE yh.obligation SET unit_id = NEW.unit_id WHERE person_id = NEW.id;
  END IF;
  IF NEW.deceased_on IS NOT NULL AND OLD.deceased_on IS NULL THEN
    PERFORM yh.obligation_close_left(NEW.id, NEW.deceased_on, true, 'system');
  END IF;
  IF NEW.transferred_out_on IS NOT NULL AND OLD.transferred_out_on IS NULL THEN
    PERFORM yh.obligation_close_left(NEW.id, NEW.transferred_out_on, false, 'system');
  END IF;
  RETURN NULL;
END $$;

-- Visits already logged meet the open obligations of p_from..p_through they
-- fit, earliest obligation first, earliest visit first; then open
-- obligations of persons who have left the roster close. p_scope: a unit
-- subtree (NULL: all).
CREATE FUNCTION obligation_catch_up(p_from date, p_through date, p_scope bigint, p_by text,
  OUT met bigint, OUT missed bigint) LANGUAGE plpgsql AS $$
DECLARE
  o record;
  vid bigint;
BEGIN
  met := 0;
  FOR o IN
    SELECT c.id, c.person_id, c.occasion, c.window_start, c.window_end FROM yh.obligation c
     WHERE c.state = 'open' AND c.due_on BETWEEN p_from AND p_through AND c.window_start <= yh.today()
       AND (p_scope IS NULL OR c.unit_id IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = p_scope))
       AND EXISTS (SELECT 1 FROM yh.visit v WHERE v.person_id = c.person_id AND v.occasion = c.occasion
                     AND v.visited_on BETWEEN c.window_start AND c.window_end)
     ORDER BY c.due_on, c.id
  LOOP
    SELECT v.id INTO vid FROM yh.visit v
     WHERE v.person_id = o.person_id AND v.occasion = o.occasion
       AND v.visited_on BETWEEN o.window_start AND o.window_end
       AND NOT EXISTS (SELECT 1 FROM yh.obligation x WHERE x.met_by = v.id)
     ORDER BY v.visited_at, v.id LIMIT 1;
    IF vid IS NOT NULL THEN
      UPDATE yh.obligation SET state = 'met', met_by = vid, closed_at = now(), closed_by = p_by
       WHERE id = o.id AND state = 'open';
      met := met + 1;
    END IF;
  END LOOP;
  WITH c AS (
    UPDATE yh.obligation ob
       SET state = CASE WHEN ob.due_on < l.on_day THEN 'missed' ELSE 'cancelled' END,
           reason = CASE WHEN ob.due_on < l.on_day THEN format('%s (%s) 前未走访', l.why, l.on_day)
                         ELSE format('%s (%s)', l.why, l.on_day) END,
           closed_at = now(), closed_by = p_by
      FROM (SELECT p.id, least(p.deceased_on, p.transferred_out_on) AS on_day,
                   CASE WHEN p.deceased_on IS NOT NULL AND p.deceased_on <= coalesce(p.transferred_out_on, p.deceased_on)
                        THEN '去世' ELSE '迁出' END AS why
              FROM yh.person p WHERE p.deceased_on IS NOT NULL OR p.transferred_out_on IS NOT NULL) l
     WHERE l.id = ob.person_id AND ob.state = 'open' AND ob.due_on BETWEEN p_from AND p_through
       AND NOT (l.why = '去世' AND ob.occasion = '临终去世')
       AND (p_scope IS NULL OR ob.unit_id IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = p_scope))
    RETURNING ob.state)
  SELECT count(*) FILTER (WHERE c.state = 'missed') INTO missed FROM c;
END $$;

-- The obligations a death or transfer cancelled although they had fallen
-- due before it: missed, as the rule above would have closed them. The
-- guard forbids leaving a closed state, so it is set aside for this one
-- statement; finalised years keep their snapshot either way.
ALTER TABLE obligation DISABLE TRIGGER obligation_guard;
WITH fixed AS (
  UPDATE obligation o
     SET state = 'missed', reason = o.reason || ' 前未走访'
    FROM person p
   WHERE p.id = o.person_id AND o.state = 'cancelled' AND o.closed_by IS NOT NULL
     AND ((p.deceased_on IS NOT NULL AND o.reason = format('去世 (%s)', p.deceased_on) AND o.due_on < p.deceased_on)
       OR (p.transferred_out_on IS NOT NULL AND o.reason = format('迁出 (%s)', p.transferred_out_on)
           AND o.due_on < p.transferred_out_on))
  RETURNING o.id)
INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, after)
SELECT NULL, 'system', 'obligation.reclassify', 'obligation', NULL,
       jsonb_build_object('missed', count(*), 'why', 'migration 0071: due before the death or transfer that cancelled it')
  FROM fixed HAVING count(*) > 0;
ALTER TABLE obligation ENABLE TRIGGER obligation_guard;

-- event_record of 0011 with the death closing obligations as above (and
-- saying how many it closed as missed); otherwise unchanged.
CREATE OR REPLACE FUNCTION event_record(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_type text, p_person uuid, p_on date, p_ends date, p_district text, p_note text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  per yh.person;
  e yh.event;
  grace integer := yh.setting_int('obligation.grace_days', 30);
  occ text;
  title text;
  days integer;
  due date;
  n_cancelled bigint := 0;
  n_missed bigint := 0;
  survivors jsonb;
  res jsonb;
BEGIN
  IF p_type = 'weather' THEN
    IF p_person IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'person', 'a weather alert is for a district or the whole city, not one person');
    END IF;
    IF p_ends IS NOT NULL AND p_ends < p_on THEN
      PERFORM yh.fail('YH422', 'ends_on', 'is before the start date');
    END IF;
  ELSE
    IF p_person IS NULL THEN
      PERFORM yh.fail('YH422', 'person', 'is required for this event type');
    ELSIF p_ends IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'ends_on', 'only a weather alert has an end date');
    ELSIF p_district IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'district', 'only a weather alert has a district');
    ELSIF p_on > yh.today() THEN
      PERFORM yh.fail('YH422', 'date', 'is in the future');
    END IF;
    per := yh.person_in_scope(p_person, p_scope, 'person', 'YH422');
    -- serialise with a concurrent death of the same person
    SELECT * INTO per FROM yh.person WHERE id = per.id FOR UPDATE;
    IF per.deceased_on IS NOT NULL THEN
      RAISE EXCEPTION 'already recorded as deceased on %', per.deceased_on USING ERRCODE = 'YH409', COLUMN = 'person';
    END IF;
    IF p_type <> 'death' AND per.transferred_out_on IS NOT NULL THEN
      RAISE EXCEPTION 'transferred out on %', per.transferred_out_on USING ERRCODE = 'YH409', COLUMN = 'person';
    END IF;
    IF p_on < per.birth_date THEN
      PERFORM yh.fail('YH422', 'date', 'is before the person was born');
    END IF;
  END IF;
  INSERT INTO yh.event (type, person_id, occurred_on, ends_on, district, scope_unit_id, note, created_by, created_by_name)
  VALUES (p_type, per.id, p_on, p_ends, p_district, CASE WHEN p_type = 'weather' THEN p_scope END, p_note,
          NULLIF(p_actor, 0), p_actor_name)
  RETURNING * INTO e;

  IF p_type IN ('hospitalised', 'serious_illness', 'discharged', 'hardship') THEN
    occ := CASE p_type WHEN 'hardship' THEN '遇到困难' ELSE '重病住院' END;
    title := CASE p_type WHEN 'hospitalised' THEN '住院探望' WHEN 'serious_illness' THEN '重病探望'
                         WHEN 'discharged' THEN '出院回访' ELSE '困难探访' END;
    days := CASE p_type WHEN 'discharged' THEN yh.setting_int('obligation.discharge_days', 7)
                        WHEN 'hardship' THEN yh.setting_int('obligation.hardship_days', 7)
                        ELSE yh.setting_int('obligation.illness_days', 3) END;
    INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
    VALUES (per.id, per.unit_id, occ, title, p_on + days, p_on, p_on + days + grace, 'event:' || e.uid, e.id)
    ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
  ELSIF p_type = 'weather' THEN
    -- one insert over every vulnerable person: JIT compiling would cost more than it saves
    PERFORM set_config('jit', 'off', true);
    due := coalesce(p_ends, p_on + yh.setting_int('obligation.weather_days', 3));
    INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
    SELECT p.id, p.unit_id, '酷暑严寒', '酷暑严寒探访', due, p_on, due + grace, 'event:' || e.uid, e.id
      FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id
      LEFT JOIN yh.care_plan cp ON cp.person_id = p.id
     WHERE p.deceased_on IS NULL AND p.transferred_out_on IS NULL
       AND (p_scope IS NULL OR p.unit_id IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = p_scope))
       AND (p_district IS NULL OR coalesce(p.district, u.district) = p_district)
       AND (p.kind = 'cadre' OR EXISTS (SELECT 1 FROM yh.person c WHERE c.id = p.cadre_id AND c.deceased_on IS NOT NULL))
       AND (yh.age_on(p.birth_date, p_on) >= yh.setting_int('vulnerable.age', 80)
            OR coalesce(cp.living_situation, p.living_situation) IN ('独居', '空巢')
            OR coalesce(cp.care_level, p.care_level) = '失能'
            OR p.remote)
    ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
  ELSIF p_type = 'death' THEN
    -- close first (by this actor), then the roster change (person_casework_sync finds nothing left)
    SELECT l.missed, l.cancelled INTO n_missed, n_cancelled FROM yh.obligation_close_left(per.id, p_on, true, p_actor_name) l;
    UPDATE yh.person SET deceased_on = p_on, updated_at = now() WHERE id = per.id;
    IF per.kind = 'cadre' THEN
      days := yh.setting_int('obligation.death_days', 3);
      INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
      VALUES (per.id, per.unit_id, '临终去世', '临终去世慰问（家属）', p_on + days, p_on, p_on + days + grace,
              'event:' || e.uid, e.id)
      ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
    END IF;
    survivors := coalesce((SELECT jsonb_agg(jsonb_build_object('id', s.uid, 'name', s.name,
                             'relationship', s.relationship) ORDER BY s.id)
                           FROM yh.person s WHERE s.cadre_id = per.id AND s.kind = 'survivor'
                            AND s.deceased_on IS NULL), '[]'::jsonb);
  END IF;

  res := jsonb_build_object('event', yh.event_json(e),
    'opened', (SELECT count(*) FROM yh.obligation WHERE event_id = e.id),
    'obligations', coalesce((SELECT jsonb_agg(yh.obligation_json(o) ORDER BY o.id)
                             FROM (SELECT * FROM yh.obligation WHERE event_id = e.id ORDER BY id LIMIT 200) o), '[]'::jsonb));
  IF p_type = 'death' THEN
    res := res || jsonb_build_object('deceased_on', p_on, 'cancelled', n_cancelled, 'missed', n_missed,
                                     'survivors_eligible', survivors);
  END IF;
  PERFORM yh.audit_add(p_actor, p_actor_name, p_request, CASE WHEN p_type = 'death' THEN 'event.death' ELSE 'event.add' END,
    'event', e.uid::text,
    CASE WHEN p_type = 'death' THEN jsonb_build_object('person', per.uid, 'deceased_on', NULL) END, res);
  RETURN res::text;
END $$;
