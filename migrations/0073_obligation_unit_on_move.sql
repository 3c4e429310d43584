-- A cadre who moves to another unit takes the open obligations along (the
-- new unit's caseworkers must visit), but those already met, waived,
-- cancelled or missed stay with the unit that had them: person_casework_sync
-- (0010, 0071) moved every one, so a unit's obligation figures for a past
-- year changed when a cadre it had visited moved away.
SET search_path = yh, pg_catalog;

CREATE OR REPLACE FUNCTION person_casework_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN
    UPDATE yh.obligation SET unit_id = NEW.unit_id WHERE person_id = NEW.id AND state = 'open';
  END IF;
  IF NEW.deceased_on IS NOT NULL AND OLD.deceased_on IS NULL THEN
    PERFORM yh.obligation_close_left(NEW.id, NEW.deceased_on, true, 'system');
  END IF;
  IF NEW.transferred_out_on IS NOT NULL AND OLD.transferred_out_on IS NULL THEN
    PERFORM yh.obligation_close_left(NEW.id, NEW.transferred_out_on, false, 'system');
  END IF;
  RETURN NULL;
END $$;
