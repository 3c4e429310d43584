-- No JIT in the two functions that keep a generic plan (0068, 0069). A
-- generic plan's costs are estimates over unknown values: LIMIT p_lim is taken
-- for a tenth of the rows, and on the bench's fresh dataset the worklist's
-- plan came to a cost of 102,438, over jit_above_cost (100,000), so every call
-- compiled 202 expressions: 150 ms of JIT around 8.5 ms of work (12 requests/s
-- at 16 connections instead of hundreds). The queries touch a few thousand
-- index entries; JIT never pays for itself there.
SET search_path = yh, pg_catalog;

ALTER FUNCTION worklist(bigint, bigint, integer, boolean, integer) SET jit = off;
ALTER FUNCTION roster_cadre_page(bigint, text, integer, integer, boolean, boolean) SET jit = off;
