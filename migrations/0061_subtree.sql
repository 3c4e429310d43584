-- A unit's subtree as an array. "unit_id = ANY (yh.subtree($1))" stays an
-- index condition even inside "($1 IS NULL OR ...)": a sub-select there is
-- never turned into a join (the planner pulls up sub-selects before it folds
-- the known parameter), and became a filter over every row of the table.
SET search_path = yh, pg_catalog;

CREATE FUNCTION subtree(root bigint) RETURNS bigint[] LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(descendant), '{}') FROM yh.unit_closure WHERE ancestor = root $$;

-- a page of a unit subtree's cadres in name order, and their count, from the
-- index alone (the roster list; survivors are listed through their cadre)
CREATE INDEX person_cadre_unit_name ON person (unit_id, name, id) WHERE kind = 'cadre';
