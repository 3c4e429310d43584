-- A visit keeps the unit its person was in when it was made (session 4, from
-- a check with another year's records). The casework figures of a unit
-- read visits through their person's current unit, so a past year's
-- per-unit counts moved whenever a cadre moved; payment lines and (since
-- 0073) closed obligations already keep theirs. Visits logged before this
-- migration take the unit their person is in now (no history was kept).
-- The year's covering index carries the unit, so a county's extraction
-- stays index-only and no longer goes through its persons.
SET search_path = yh, pg_catalog;

ALTER TABLE visit ADD COLUMN unit_id bigint REFERENCES unit (id);
ALTER TABLE visit DISABLE TRIGGER visit_guard;
UPDATE visit v SET unit_id = p.unit_id FROM person p WHERE p.id = v.person_id;
ALTER TABLE visit ENABLE TRIGGER visit_guard;
ALTER TABLE visit ALTER COLUMN unit_id SET NOT NULL;

-- rows written without it (bulk loads, other writers) get their person's unit
CREATE FUNCTION visit_fill_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.unit_id := (SELECT p.unit_id FROM yh.person p WHERE p.id = NEW.person_id);
  RETURN NEW;
END $$;
CREATE TRIGGER visit_fill_unit BEFORE INSERT ON visit
  FOR EACH ROW WHEN (NEW.unit_id IS NULL) EXECUTE FUNCTION visit_fill_unit();

-- the unit is part of a visit's identity, as its person is
CREATE OR REPLACE FUNCTION visit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a logged visit is never deleted; amend it' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.uid <> OLD.uid OR NEW.person_id <> OLD.person_id OR NEW.unit_id <> OLD.unit_id
     OR NEW.created_at <> OLD.created_at OR NEW.created_by_name <> OLD.created_by_name THEN
    RAISE EXCEPTION 'a visit''s identity cannot change' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.revision <> OLD.revision + 1 OR NOT EXISTS (
       SELECT 1 FROM yh.visit_amendment a WHERE a.visit_id = NEW.id AND a.revision = NEW.revision) THEN
    RAISE EXCEPTION 'a visit changes only through an amendment' USING ERRCODE = 'YH409';
  END IF;
  RETURN NEW;
END $$;

DROP INDEX visit_on;
CREATE INDEX visit_on ON visit (visited_on) INCLUDE (occasion, person_id, mode, condolence_fen, unit_id);

-- visit_create of 0064 with the unit written from the person it already reads; otherwise unchanged.
CREATE OR REPLACE FUNCTION visit_create(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_person uuid, p_visited_at text, p_occasion text, p_mode text, p_staff jsonb, p_condolence_fen bigint,
  p_goods text, p_findings text, p_follow_ups jsonb, p_obligation uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  per record;
  v yh.visit;
  res jsonb;
  met uuid;
BEGIN
  SELECT p.id, p.uid, p.name, p.kind, p.birth_date, p.unit_id, u.code AS unit_code,
         (p_scope IS NULL OR EXISTS (SELECT 1 FROM yh.unit_closure c WHERE c.ancestor = p_scope AND c.descendant = p.unit_id)) AS ok
    INTO per FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id WHERE p.uid = p_person;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such person' USING ERRCODE = 'YH422', COLUMN = 'person';
  END IF;
  IF NOT per.ok THEN
    RAISE EXCEPTION 'the person belongs to a unit outside yours' USING ERRCODE = 'YH403', COLUMN = 'person';
  END IF;
  INSERT INTO yh.visit (person_id, unit_id, visited_at, occasion, mode, staff, condolence_fen, goods, findings,
                        created_by, created_by_name)
  VALUES (per.id, per.unit_id, yh.local_ts(p_visited_at), p_occasion, p_mode, yh.staff_list(p_staff, p_actor_name),
          coalesce(p_condolence_fen, 0), p_goods, p_findings, NULLIF(p_actor, 0), p_actor_name)
  RETURNING * INTO v;
  IF v.visited_at > now() + interval '10 minutes' THEN
    PERFORM yh.fail('YH422', 'visited_at', 'is in the future');
  END IF;
  IF v.visited_on < per.birth_date THEN
    PERFORM yh.fail('YH422', 'visited_at', 'is before the person was born');
  END IF;
  IF p_follow_ups IS NOT NULL THEN
    PERFORM yh.follow_ups_apply(v.id, p_follow_ups, false, true);
  END IF;
  IF p_obligation IS NOT NULL THEN
    PERFORM yh.obligation_link(p_obligation, v, p_actor_name, 'obligation');
  ELSIF v.occasion IN ('重大节日', '重要生日', '重病住院', '酷暑严寒', '遇到困难', '临终去世') THEN
    met := yh.visit_auto_meet(v, p_actor_name);
  END IF;
  IF p_follow_ups IS NOT NULL OR p_obligation IS NOT NULL OR met IS NOT NULL THEN
    res := yh.visit_json(v);
  ELSE
    res := jsonb_build_object('id', v.uid,
      'person', jsonb_build_object('id', per.uid, 'name', per.name, 'kind', per.kind, 'unit', per.unit_code),
      'visited_at', v.visited_at, 'visited_on', v.visited_on, 'occasion', v.occasion, 'mode', v.mode,
      'staff', to_jsonb(v.staff), 'condolence_fen', v.condolence_fen, 'goods', v.goods, 'findings', v.findings,
      'follow_ups', '[]'::jsonb, 'obligations_met', '[]'::jsonb,
      'revision', v.revision, 'logged_by', v.created_by_name, 'logged_at', v.created_at);
  END IF;
  INSERT INTO yh.audit_log (actor_id, actor_name, request_id, action, entity, entity_id, before, after)
  VALUES (NULLIF(p_actor, 0), coalesce(NULLIF(p_actor_name, ''), 'system'), NULLIF(p_request, ''),
          'visit.add', 'visit', v.uid::text, NULL, res);
  RETURN res::text;
END $$;
