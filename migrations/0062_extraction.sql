-- The year's figures without a lookup per record (issue 5 section 9, docs/performance.md).
-- Each column below is derived from another table or column and kept in step
-- by the database itself, so no code path can let it drift.
SET search_path = yh, pg_catalog;

-- The day of the visit that met an obligation. The timeliness figure compared
-- it with due_on through a heap fetch of the visit for every met obligation
-- (about 44,000 a year at province scale, 175 ms); here it is a column of the
-- obligation, in the index the figures read.
ALTER TABLE obligation ADD COLUMN met_on date;
UPDATE obligation o SET met_on = v.visited_on FROM visit v WHERE v.id = o.met_by;

CREATE FUNCTION obligation_met_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- always from the visit, whatever the statement tried to set
  NEW.met_on := (SELECT v.visited_on FROM yh.visit v WHERE v.id = NEW.met_by);
  RETURN NEW;
END $$;
CREATE TRIGGER obligation_met_on BEFORE INSERT OR UPDATE OF met_by, met_on ON obligation
  FOR EACH ROW EXECUTE FUNCTION obligation_met_on();

-- an amendment that moves a visit to another day moves the day it met its obligations on
CREATE FUNCTION visit_moves_met_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE yh.obligation SET met_on = NEW.visited_on WHERE met_by = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER visit_moves_met_on AFTER UPDATE OF visited_at ON visit
  FOR EACH ROW WHEN (NEW.visited_on IS DISTINCT FROM OLD.visited_on)
  EXECUTE FUNCTION visit_moves_met_on();

DROP INDEX obligation_due;
CREATE INDEX obligation_due ON obligation (due_on) INCLUDE (state, unit_id, met_on, event_id);

-- The distinct party branches of an allowance line (its detail lists the
-- months worked, each with its branch): counted per year without expanding
-- twelve JSON elements per line at query time.
CREATE FUNCTION detail_branches(detail jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT array_agg(DISTINCT m->>'branch' ORDER BY m->>'branch') FROM jsonb_array_elements(
     CASE WHEN jsonb_typeof(detail->'months') = 'array' THEN detail->'months' ELSE '[]' END) m
   WHERE m->>'branch' IS NOT NULL $$;
ALTER TABLE payment_line ADD COLUMN branches text[] GENERATED ALWAYS AS (detail_branches(detail)) STORED;

-- a year's lines without reading the other nine years
CREATE INDEX payment_line_period_start ON payment_line (period_start);
