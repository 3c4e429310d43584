-- The unit of a care plan's person, kept in step by the database as
-- obligation.unit_id is, so that a unit's plans due for review come from one
-- index range instead of every due plan of the bureau joined with every
-- active person of the unit (the worklist: 31,000 plans and 96,000 persons
-- read to keep 3,700; docs/performance.md).
SET search_path = yh, pg_catalog;

ALTER TABLE care_plan ADD COLUMN unit_id bigint REFERENCES unit (id);
UPDATE care_plan c SET unit_id = p.unit_id FROM person p WHERE p.id = c.person_id;
ALTER TABLE care_plan ALTER COLUMN unit_id SET NOT NULL;

-- always the person's unit, whatever the statement said
CREATE FUNCTION care_plan_fill_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.unit_id := (SELECT p.unit_id FROM yh.person p WHERE p.id = NEW.person_id);
  RETURN NEW;
END $$;
CREATE TRIGGER care_plan_fill_unit BEFORE INSERT OR UPDATE OF person_id, unit_id ON care_plan
  FOR EACH ROW EXECUTE FUNCTION care_plan_fill_unit();

-- a transfer between units moves the plan with the person
CREATE FUNCTION person_moves_care_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE yh.care_plan SET unit_id = NEW.unit_id WHERE person_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER person_moves_care_plan AFTER UPDATE OF unit_id ON person
  FOR EACH ROW WHEN (NEW.unit_id IS DISTINCT FROM OLD.unit_id) EXECUTE FUNCTION person_moves_care_plan();

CREATE INDEX care_plan_unit_review ON care_plan (unit_id, next_review_on, id);
