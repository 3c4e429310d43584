-- Logging a visit with fewer statements (issue 6, docs/performance.md
-- "Session 2"). The same signature, checks, errors and answer as the
-- visit_create of 0011: the person and the scope test come in one query that
-- also yields the person's part of the answer; follow-ups and obligation
-- matching run only when they can do something; and a visit that carries no
-- follow-ups and met no obligation answers without visit_json re-reading
-- what it has just written. At 16 clients on the bench dataset this took
-- pgbench running the call from 2,930-3,490 to 3,770-3,840 transactions/s.
SET search_path = yh, pg_catalog;

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
  SELECT p.id, p.uid, p.name, p.kind, p.birth_date, u.code AS unit_code,
         (p_scope IS NULL OR EXISTS (SELECT 1 FROM yh.unit_closure c WHERE c.ancestor = p_scope AND c.descendant = p.unit_id)) AS ok
    INTO per FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id WHERE p.uid = p_person;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such person' USING ERRCODE = 'YH422', COLUMN = 'person';
  END IF;
  IF NOT per.ok THEN
    RAISE EXCEPTION 'the person belongs to a unit outside yours' USING ERRCODE = 'YH403', COLUMN = 'person';
  END IF;
  INSERT INTO yh.visit (person_id, visited_at, occasion, mode, staff, condolence_fen, goods, findings,
                        created_by, created_by_name)
  VALUES (per.id, yh.local_ts(p_visited_at), p_occasion, p_mode, yh.staff_list(p_staff, p_actor_name),
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
