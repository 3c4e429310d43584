-- person_unit (unit_id, name) duplicated two narrower indexes: person_cadre_unit_name
-- (unit_id, name, id) WHERE kind = 'cadre' serves the roster's pages and
-- person_active (unit_id, id) the active persons of a subtree. It cost every
-- insert of a person an index entry (the roster import writes 100,000 at once)
-- and led the planner to walk the whole table through it, in unit order, for
-- the year's figures (a sequential scan is 20 times cheaper there).
SET search_path = yh, pg_catalog;

DROP INDEX person_unit;
