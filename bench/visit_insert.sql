-- pgbench: the SQL a visit write amounts to, in one transaction: the visit
-- INSERT and its audit row carrying the new row as JSON (the API's
-- visit_create also resolves the session, checks the person's scope and
-- builds the JSON answer). Run as
--   pgbench -n -M prepared -c 16 -j 2 -T 20 -f bench/visit_insert.sql \
--     -D pmin=.. -D pmax=.. -D staff=.. DBNAME
\set pid random(:pmin, :pmax)
BEGIN;
INSERT INTO yh.visit (person_id, unit_id, visited_at, occasion, mode, staff, findings, created_by, created_by_name)
  VALUES (:pid, (SELECT unit_id FROM yh.person WHERE id = :pid), now() - interval '1 day', '日常联系', '上门', ARRAY['cw_city1'], '精神状态良好，已了解近况', :staff, 'cw_city1')
  RETURNING id AS vid \gset
INSERT INTO yh.audit_log (actor_id, actor_name, request_id, action, entity, entity_id, after)
  SELECT :staff, 'cw_city1', md5(random()::text), 'visit.add', 'visit', v.uid::text, to_jsonb(v)
  FROM yh.visit v WHERE v.id = :vid;
END;
