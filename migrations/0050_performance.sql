-- Performance (issue 6, docs/performance.md): measured changes that do not
-- alter what any query returns.
SET search_path = yh, pg_catalog;

-- PostgreSQL 15 plans a LANGUAGE sql function afresh on every call made from
-- PL/pgSQL (only a call inside one query reuses its plan), while PL/pgSQL
-- caches its statements' plans per connection. visit_create() calls these
-- three once per logged visit: as SQL functions they cost about 0.6 ms of
-- the 1.2 ms the call takes on the bench machine (track_functions), mostly
-- parse and plan. Re-created here as PL/pgSQL with the same signature,
-- volatility, strictness and body (a SELECT becomes RETURN (SELECT ...));
-- "#variable_conflict use_column" keeps SQL-function name resolution, where
-- a column wins over a parameter of the same name. Taken from the catalogue
-- rather than copied, so the body is whatever the owning migration defined.
-- None of them is inlinable into a calling query (visit_json and audit_add
-- read or write tables; local_ts is not used in queries), so nothing loses.
DO $$
DECLARE
  f record;
  body text;
BEGIN
  FOR f IN
    SELECT p.proname, pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result,
           p.provolatile, p.proisstrict, p.prosrc, p.prorettype = 'void'::regtype AS is_void
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace = 'yh'::regnamespace AND l.lanname = 'sql' AND NOT p.proretset
      AND p.proname IN ('visit_json', 'audit_add', 'local_ts')
  LOOP
    body := btrim(f.prosrc, E' \n\r\t;');
    body := CASE WHEN f.is_void THEN body || ';' ELSE 'RETURN (' || body || ');' END;
    EXECUTE format('CREATE OR REPLACE FUNCTION yh.%I(%s) RETURNS %s LANGUAGE plpgsql %s %s AS %L',
      f.proname, f.args, f.result,
      CASE f.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END,
      CASE WHEN f.proisstrict THEN 'STRICT' ELSE '' END,
      E'#variable_conflict use_column\nBEGIN\n  ' || body || E'\nEND');
  END LOOP;
END $$;
