-- A visit to a person after their death is refused unless it is the 临终去世
-- visit (the condolence visit to the family, which the death itself opens).
-- A 重大节日 or 重病住院 visit logged for a cadre who had died counted in the
-- year's visit figures (visits.*) as if it had happened. Visits already
-- logged are left as they are; visit_create (0074) and visit_amend (0011)
-- are restated whole with the one check added.
SET search_path = yh, pg_catalog;

CREATE FUNCTION visit_check_alive(p_person bigint, p_on date, p_occasion text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  died date;
BEGIN
  SELECT deceased_on INTO died FROM yh.person WHERE id = p_person;
  IF died IS NOT NULL AND p_on > died AND p_occasion IS DISTINCT FROM '临终去世' THEN
    PERFORM yh.fail('YH422', 'visited_at', format('is after the person''s death on %s: only a 临终去世 visit'
      ' (to the family) is logged after it', died));
  END IF;
END $$;

-- visit_create of 0074 with visit_check_alive; otherwise unchanged.
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
  SELECT p.id, p.uid, p.name, p.kind, p.birth_date, p.unit_id, u.code AS unit_code,
         (p_scope IS NULL OR EXISTS (SELECT 1 FROM yh.unit_closure c WHERE c.ancestor = p_scope AND c.descendant = p.unit_id)) AS ok
    INTO per FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id WHERE p.uid = p_person;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such person' USING ERRCODE = 'YH422', COLUMN = 'person';
  END IF;
  IF NOT per.ok THEN
    RAISE EXCEPTION 'the person belongs to a unit outside yours' USING ERRCODE = 'YH403', COLUMN = 'person';
  END IF;
  INSERT INTO yh.visit (person_id, unit_id, visited_at, occasion, mode, staff, condolence_fen, goods, findings,
                        created_by, created_by_name)
  VALUES (per.id, per.unit_id, yh.local_ts(p_visited_at), p_occasion, p_mode, yh.staff_list(p_staff, p_actor_name),
          coalesce(p_condolence_fen, 0), p_goods, p_findings, NULLIF(p_actor, 0), p_actor_name)
  RETURNING * INTO v;
  IF v.visited_at > now() + interval '10 minutes' THEN
    PERFORM yh.fail('YH422', 'visited_at', 'is in the future');
  END IF;
  IF v.visited_on < per.birth_date THEN
    PERFORM yh.fail('YH422', 'visited_at', 'is before the person was born');
  END IF;
  PERFORM yh.visit_check_alive(v.person_id, v.visited_on, v.occasion);
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

-- visit_amend of 0011 with visit_check_alive when the date or the occasion changes; otherwise unchanged.
CREATE OR REPLACE FUNCTION visit_amend(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_visit uuid, p_reason text, p_changes jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v yh.visit;
  nv yh.visit;
  v_unit bigint;
  before jsonb;
  changes jsonb := '{}';
  fu jsonb;
  fu_diff jsonb;
  kv record;
  res jsonb;
BEGIN
  SELECT * INTO v FROM yh.visit WHERE uid = p_visit FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM yh.fail('YH404', 'id', 'no such visit');
  END IF;
  SELECT unit_id INTO v_unit FROM yh.person WHERE id = v.person_id;
  IF NOT yh.in_scope(v_unit, p_scope) THEN
    PERFORM yh.fail('YH403', 'id', 'the visit is of a person outside your unit');
  END IF;
  before := yh.visit_json(v);
  nv := v;
  FOR kv IN SELECT key, value FROM jsonb_each_text(p_changes) LOOP
    CASE kv.key
      WHEN 'visited_at' THEN nv.visited_at := yh.local_ts(kv.value);
      WHEN 'occasion' THEN nv.occasion := kv.value;
      WHEN 'mode' THEN nv.mode := kv.value;
      WHEN 'staff' THEN nv.staff := yh.staff_list(kv.value::jsonb, NULL);
      WHEN 'condolence_fen' THEN nv.condolence_fen := coalesce(kv.value::bigint, 0);
      WHEN 'goods' THEN nv.goods := kv.value;
      WHEN 'findings' THEN nv.findings := kv.value;
      WHEN 'follow_ups' THEN fu := kv.value::jsonb;
      ELSE PERFORM yh.fail('YH422', kv.key, 'cannot be amended');
    END CASE;
  END LOOP;
  IF nv.visited_at > now() + interval '10 minutes' THEN
    PERFORM yh.fail('YH422', 'visited_at', 'is in the future');
  END IF;
  IF nv.visited_at IS DISTINCT FROM v.visited_at OR nv.occasion IS DISTINCT FROM v.occasion THEN
    PERFORM yh.visit_check_alive(v.person_id, (nv.visited_at AT TIME ZONE 'Asia/Shanghai')::date, nv.occasion);
  END IF;
  IF nv.visited_at IS DISTINCT FROM v.visited_at THEN
    changes := changes || jsonb_build_object('visited_at', jsonb_build_object('from', v.visited_at, 'to', nv.visited_at));
  END IF;
  IF nv.occasion IS DISTINCT FROM v.occasion THEN
    changes := changes || jsonb_build_object('occasion', jsonb_build_object('from', v.occasion, 'to', nv.occasion));
  END IF;
  IF nv.mode IS DISTINCT FROM v.mode THEN
    changes := changes || jsonb_build_object('mode', jsonb_build_object('from', v.mode, 'to', nv.mode));
  END IF;
  IF nv.staff IS DISTINCT FROM v.staff THEN
    changes := changes || jsonb_build_object('staff', jsonb_build_object('from', to_jsonb(v.staff), 'to', to_jsonb(nv.staff)));
  END IF;
  IF nv.condolence_fen IS DISTINCT FROM v.condolence_fen THEN
    changes := changes || jsonb_build_object('condolence_fen',
      jsonb_build_object('from', v.condolence_fen, 'to', nv.condolence_fen));
  END IF;
  IF nv.goods IS DISTINCT FROM v.goods THEN
    changes := changes || jsonb_build_object('goods', jsonb_build_object('from', v.goods, 'to', nv.goods));
  END IF;
  IF nv.findings IS DISTINCT FROM v.findings THEN
    changes := changes || jsonb_build_object('findings', jsonb_build_object('from', v.findings, 'to', nv.findings));
  END IF;
  fu_diff := yh.follow_ups_apply(v.id, fu, true, false);
  IF fu_diff IS NOT NULL AND (fu_diff -> 'added' <> '[]'::jsonb OR fu_diff -> 'changed' <> '[]'::jsonb) THEN
    changes := changes || jsonb_build_object('follow_ups', fu_diff);
  END IF;
  IF changes = '{}'::jsonb THEN
    PERFORM yh.fail('YH422', '', 'the amendment changes nothing');
  END IF;
  INSERT INTO yh.visit_amendment (visit_id, revision, changes, reason, actor_id, actor_name)
  VALUES (v.id, v.revision + 1, changes, btrim(p_reason), NULLIF(p_actor, 0), p_actor_name);
  IF fu IS NOT NULL THEN
    fu_diff := yh.follow_ups_apply(v.id, fu, true, true);
    changes := changes || CASE WHEN changes ? 'follow_ups' THEN jsonb_build_object('follow_ups', fu_diff) ELSE '{}' END;
  END IF;
  UPDATE yh.visit SET visited_at = nv.visited_at, occasion = nv.occasion, mode = nv.mode, staff = nv.staff,
         condolence_fen = nv.condolence_fen, goods = nv.goods, findings = nv.findings, revision = v.revision + 1
   WHERE id = v.id
  RETURNING * INTO nv;
  IF NOT EXISTS (SELECT 1 FROM yh.obligation WHERE met_by = v.id) THEN
    PERFORM yh.visit_auto_meet(nv, p_actor_name);
  END IF;
  res := yh.visit_json(nv);
  PERFORM yh.audit_add(p_actor, p_actor_name, p_request, 'visit.amend', 'visit', v.uid::text, before,
    res || jsonb_build_object('amendment', jsonb_build_object('revision', nv.revision, 'reason', btrim(p_reason),
                                                              'changes', changes)));
  RETURN (res || jsonb_build_object('amendment', jsonb_build_object('revision', nv.revision,
                                    'reason', btrim(p_reason), 'changes', changes)))::text;
END $$;
