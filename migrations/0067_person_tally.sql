-- How many persons each unit has, by kind and state, kept by the database so
-- that a roster list's total is a sum over the units of the subtree instead of
-- a count of every person in it (76,000 index entries, 15 ms, for a city of
-- the benchmark's province; docs/performance.md "Session 3"). The triggers are
-- per statement over the transition tables: an import of 100,000 persons costs
-- one aggregate, not 100,000 counter updates. Lists with other filters (age,
-- category, name) still count their rows.
SET search_path = yh, pg_catalog;

CREATE TABLE person_tally (
  unit_id bigint NOT NULL,
  kind text NOT NULL,
  dead boolean NOT NULL,  -- deceased_on IS NOT NULL
  gone boolean NOT NULL,  -- transferred_out_on IS NOT NULL
  n bigint NOT NULL,  -- no CHECK (n >= 0): a decrement arrives as an insert of -k before ON CONFLICT adds it
  PRIMARY KEY (unit_id, kind, dead, gone)
);

INSERT INTO person_tally (unit_id, kind, dead, gone, n)
SELECT unit_id, kind, deceased_on IS NOT NULL, transferred_out_on IS NOT NULL, count(*)
FROM person GROUP BY 1, 2, 3, 4;

-- in key order, so that two statements never wait on each other's rows crosswise
CREATE FUNCTION person_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO yh.person_tally AS t (unit_id, kind, dead, gone, n)
    SELECT unit_id, kind, deceased_on IS NOT NULL, transferred_out_on IS NOT NULL, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, kind, dead, gone) DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE yh.person_tally t SET n = t.n - d.n
    FROM (SELECT unit_id, kind, deceased_on IS NOT NULL AS dead, transferred_out_on IS NOT NULL AS gone,
            count(*) AS n FROM old_rows GROUP BY 1, 2, 3, 4) d
    WHERE (t.unit_id, t.kind, t.dead, t.gone) = (d.unit_id, d.kind, d.dead, d.gone);
  ELSE
    INSERT INTO yh.person_tally AS t (unit_id, kind, dead, gone, n)
    SELECT unit_id, kind, dead, gone, sum(d) FROM (
      SELECT unit_id, kind, deceased_on IS NOT NULL AS dead, transferred_out_on IS NOT NULL AS gone, 1 AS d
      FROM new_rows
      UNION ALL
      SELECT unit_id, kind, deceased_on IS NOT NULL, transferred_out_on IS NOT NULL, -1 FROM old_rows) x
    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, kind, dead, gone) DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER person_tally_insert AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_tally_apply();
CREATE TRIGGER person_tally_update AFTER UPDATE ON person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_tally_apply();
CREATE TRIGGER person_tally_delete AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_tally_apply();
