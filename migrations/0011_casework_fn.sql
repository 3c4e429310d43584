-- Casework write paths as functions, so each is one statement (one round
-- trip, one implicit transaction) with its audit row: visit_create is the hot
-- path. The C core validates field types and authorises; these functions
-- check what needs the database (scope, references, state) and raise
-- YH4xx SQLSTATEs with COLUMN = the offending field.
-- Helpers called from PL/pgSQL are PL/pgSQL too: PostgreSQL 15 plans a SQL
-- function afresh on each such call, while PL/pgSQL caches its plans.
SET search_path = yh, pg_catalog;

CREATE FUNCTION fail(code text, col text, msg text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', msg USING ERRCODE = code, COLUMN = coalesce(col, '');
END $$;

-- Free text inside nested items: at most maxlen characters, no control characters.
CREATE FUNCTION check_text(t text, maxlen integer, col text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF t IS NOT NULL AND (length(t) > maxlen OR t ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]') THEN
    RAISE EXCEPTION 'must be text of at most % characters without control characters', maxlen
      USING ERRCODE = 'YH422', COLUMN = col;
  END IF;
  RETURN t;
END $$;

-- Strict YYYY-MM-DD (the SQL date input accepts far more shapes than the API does).
CREATE FUNCTION strict_date(t text, col text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  y integer; m integer; d integer;
BEGIN
  IF t IS NULL THEN
    RETURN NULL;
  END IF;
  IF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    RAISE EXCEPTION 'not a date (expected YYYY-MM-DD)' USING ERRCODE = 'YH422', COLUMN = col;
  END IF;
  y := substr(t, 1, 4)::integer;
  m := substr(t, 6, 2)::integer;
  d := substr(t, 9, 2)::integer;
  IF y < 1 OR m NOT BETWEEN 1 AND 12 OR d < 1
     OR d > extract(day FROM (make_date(y, m, 1) + interval '1 month' - interval '1 day')) THEN
    RAISE EXCEPTION 'no such date: %', t USING ERRCODE = 'YH422', COLUMN = col;
  END IF;
  RETURN make_date(y, m, d);
END $$;

-- The person with uid, when the scope (a unit subtree, NULL = all) covers it.
-- Unknown: missing_code ('YH404' for a path id, 'YH422' for a body field).
CREATE FUNCTION person_in_scope(p_uid uuid, p_scope bigint, col text, missing_code text) RETURNS person
LANGUAGE plpgsql STABLE AS $$
DECLARE
  per yh.person;
BEGIN
  SELECT * INTO per FROM yh.person WHERE uid = p_uid;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such person' USING ERRCODE = missing_code, COLUMN = col;
  END IF;
  -- yh.in_scope() inlined (a SQL function called from here would be planned on every call)
  IF p_scope IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM yh.unit_closure c WHERE c.ancestor = p_scope AND c.descendant = per.unit_id) THEN
    RAISE EXCEPTION 'the person belongs to a unit outside yours' USING ERRCODE = 'YH403', COLUMN = col;
  END IF;
  RETURN per;
END $$;

-- Same row as yh_audit() in src/core/audit.c writes.
CREATE FUNCTION audit_add(p_actor bigint, p_actor_name text, p_request text, p_action text, p_entity text,
  p_entity_id text, p_before jsonb, p_after jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO yh.audit_log (actor_id, actor_name, request_id, action, entity, entity_id, before, after)
  VALUES (NULLIF(p_actor, 0), coalesce(NULLIF(p_actor_name, ''), 'system'), NULLIF(p_request, ''),
          p_action, p_entity, p_entity_id, p_before, p_after);
END $$;

-- Staff who went: a JSON array of usernames, each an existing account; dflt when empty.
CREATE FUNCTION staff_list(p jsonb, dflt text) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  names text[];
  unknown text;
BEGIN
  IF p IS NULL OR p = '[]'::jsonb THEN
    IF dflt IS NULL THEN
      PERFORM yh.fail('YH422', 'staff', 'at least one staff member went');
    END IF;
    RETURN ARRAY[dflt];
  END IF;
  IF jsonb_typeof(p) <> 'array' OR EXISTS (SELECT 1 FROM jsonb_array_elements(p) e WHERE jsonb_typeof(e) <> 'string') THEN
    PERFORM yh.fail('YH422', 'staff', 'must be an array of usernames');
  END IF;
  IF jsonb_array_length(p) > 20 THEN
    PERFORM yh.fail('YH422', 'staff', 'at most 20 staff members');
  END IF;
  SELECT array_agg(n ORDER BY pos) INTO names
    FROM (SELECT lower(btrim(e)) AS n, min(i) AS pos FROM jsonb_array_elements_text(p) WITH ORDINALITY AS t(e, i)
          GROUP BY lower(btrim(e))) x;
  SELECT string_agg(n, ', ') INTO unknown FROM unnest(names) n
   WHERE NOT EXISTS (SELECT 1 FROM yh.staff s WHERE lower(s.username) = n);
  IF unknown IS NOT NULL THEN
    PERFORM yh.fail('YH422', 'staff', 'no such staff account: ' || left(unknown, 100));
  END IF;
  RETURN names;
END $$;

-- Checks a nested item: an object whose keys are allowed and whose values are strings or null.
CREATE FUNCTION item_check(it jsonb, f text, allowed text[]) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  k text;
BEGIN
  IF jsonb_typeof(it) <> 'object' THEN
    PERFORM yh.fail('YH422', f, 'must be an object');
  END IF;
  FOR k IN SELECT jsonb_object_keys(it) LOOP
    IF NOT k = ANY (allowed) THEN
      PERFORM yh.fail('YH422', f || '.' || k, 'unknown field');
    END IF;
    IF jsonb_typeof(it -> k) NOT IN ('string', 'null') THEN
      PERFORM yh.fail('YH422', f || '.' || k, 'must be a string');
    END IF;
  END LOOP;
END $$;

CREATE FUNCTION follow_up_json(fu visit_follow_up) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN jsonb_build_object('id', fu.uid, 'action', fu.action, 'owner', fu.owner, 'due_on', fu.due_on,
    'status', fu.status);
END $$;

/*
 * Follow-ups of a visit from a JSON array: items without "id" are added,
 * items with "id" (amendments only) change that follow-up. With p_write
 * false nothing is written: the diff is computed and validated, so an
 * amendment can be recorded before the follow-ups it changes.
 * Returns {"added": [...], "changed": [{"id", "from", "to"}]} or NULL.
 */
CREATE FUNCTION follow_ups_apply(p_visit bigint, p_items jsonb, p_updates boolean, p_write boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  it jsonb;
  i integer := 0;
  f text;
  fu yh.visit_follow_up;
  nf yh.visit_follow_up;
  added jsonb := '[]';
  changed jsonb := '[]';
BEGIN
  IF p_items IS NULL THEN
    RETURN NULL;
  END IF;
  IF jsonb_typeof(p_items) <> 'array' THEN
    PERFORM yh.fail('YH422', 'follow_ups', 'must be an array of objects');
  END IF;
  IF jsonb_array_length(p_items) > 50 THEN
    PERFORM yh.fail('YH422', 'follow_ups', 'at most 50 follow-ups');
  END IF;
  FOR it IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    f := format('follow_ups[%s]', i);
    i := i + 1;
    PERFORM yh.item_check(it, f, CASE WHEN p_updates THEN ARRAY['id', 'action', 'owner', 'due_on', 'status']
                                      ELSE ARRAY['action', 'owner', 'due_on', 'status'] END);
    IF it ? 'id' THEN
      SELECT * INTO fu FROM yh.visit_follow_up WHERE visit_id = p_visit AND uid::text = lower(it ->> 'id');
      IF NOT FOUND THEN
        PERFORM yh.fail('YH422', f || '.id', 'no such follow-up on this visit');
      END IF;
    ELSE
      fu := NULL;
      fu.status := 'open';
      IF coalesce(btrim(it ->> 'action'), '') = '' THEN
        PERFORM yh.fail('YH422', f || '.action', 'is required');
      END IF;
    END IF;
    nf := fu;
    IF it ? 'action' THEN
      nf.action := yh.check_text(btrim(it ->> 'action'), 500, f || '.action');
      IF coalesce(nf.action, '') = '' THEN
        PERFORM yh.fail('YH422', f || '.action', 'must not be empty');
      END IF;
    END IF;
    IF it ? 'owner' THEN
      nf.owner := yh.check_text(NULLIF(btrim(it ->> 'owner'), ''), 100, f || '.owner');
    END IF;
    IF it ? 'due_on' THEN
      nf.due_on := yh.strict_date(it ->> 'due_on', f || '.due_on');
    END IF;
    IF it ? 'status' THEN
      IF coalesce(it ->> 'status', '') NOT IN ('open', 'done', 'dropped') THEN
        PERFORM yh.fail('YH422', f || '.status', 'must be one of: open, done, dropped');
      END IF;
      nf.status := it ->> 'status';
    END IF;
    IF fu.id IS NULL THEN
      IF p_write THEN
        INSERT INTO yh.visit_follow_up (visit_id, person_id, action, owner, due_on, status)
        SELECT p_visit, v.person_id, nf.action, nf.owner, nf.due_on, nf.status FROM yh.visit v WHERE v.id = p_visit
        RETURNING * INTO nf;
      END IF;
      added := added || yh.follow_up_json(nf);
    ELSIF (nf.action, nf.owner, nf.due_on, nf.status) IS DISTINCT FROM (fu.action, fu.owner, fu.due_on, fu.status) THEN
      IF p_write THEN
        UPDATE yh.visit_follow_up SET action = nf.action, owner = nf.owner, due_on = nf.due_on, status = nf.status,
               updated_at = now()
         WHERE id = fu.id;
      END IF;
      changed := changed || jsonb_build_object('id', fu.uid, 'from', yh.follow_up_json(fu) - 'id',
                                               'to', yh.follow_up_json(nf) - 'id');
    END IF;
  END LOOP;
  RETURN jsonb_build_object('added', added, 'changed', changed);
END $$;

-- Measures (策) of a plan: items without "id" are added, with "id" changed. Measures are never removed (status dropped).
CREATE FUNCTION plan_measures_apply(p_plan bigint, p_items jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  it jsonb;
  i integer := 0;
  f text;
  m yh.plan_measure;
  nm yh.plan_measure;
BEGIN
  IF p_items IS NULL THEN
    RETURN;
  END IF;
  IF jsonb_typeof(p_items) <> 'array' THEN
    PERFORM yh.fail('YH422', 'measures', 'must be an array of objects');
  END IF;
  IF jsonb_array_length(p_items) > 100 THEN
    PERFORM yh.fail('YH422', 'measures', 'at most 100 measures per change');
  END IF;
  FOR it IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    f := format('measures[%s]', i);
    i := i + 1;
    PERFORM yh.item_check(it, f, ARRAY['id', 'what', 'owner', 'due_on', 'status']);
    IF it ? 'id' THEN
      SELECT * INTO m FROM yh.plan_measure WHERE plan_id = p_plan AND uid::text = lower(it ->> 'id') FOR UPDATE;
      IF NOT FOUND THEN
        PERFORM yh.fail('YH422', f || '.id', 'no such measure in this plan');
      END IF;
    ELSE
      m := NULL;
      m.status := 'open';
      IF coalesce(btrim(it ->> 'what'), '') = '' THEN
        PERFORM yh.fail('YH422', f || '.what', 'is required');
      END IF;
    END IF;
    nm := m;
    IF it ? 'what' THEN
      nm.what := yh.check_text(btrim(it ->> 'what'), 500, f || '.what');
      IF coalesce(nm.what, '') = '' THEN
        PERFORM yh.fail('YH422', f || '.what', 'must not be empty');
      END IF;
    END IF;
    IF it ? 'owner' THEN
      nm.owner := yh.check_text(NULLIF(btrim(it ->> 'owner'), ''), 100, f || '.owner');
    END IF;
    IF it ? 'due_on' THEN
      nm.due_on := yh.strict_date(it ->> 'due_on', f || '.due_on');
    END IF;
    IF it ? 'status' THEN
      IF coalesce(it ->> 'status', '') NOT IN ('open', 'done', 'dropped') THEN
        PERFORM yh.fail('YH422', f || '.status', 'must be one of: open, done, dropped');
      END IF;
      nm.status := it ->> 'status';
    END IF;
    IF m.id IS NULL THEN
      INSERT INTO yh.plan_measure (plan_id, person_id, what, owner, due_on, status)
      SELECT p_plan, c.person_id, nm.what, nm.owner, nm.due_on, nm.status FROM yh.care_plan c WHERE c.id = p_plan;
    ELSIF (nm.what, nm.owner, nm.due_on, nm.status) IS DISTINCT FROM (m.what, m.owner, m.due_on, m.status) THEN
      UPDATE yh.plan_measure SET what = nm.what, owner = nm.owner, due_on = nm.due_on, status = nm.status,
             updated_at = now()
       WHERE id = m.id;
    END IF;
  END LOOP;
END $$;

-- A plan as JSON; p_live adds the flags that depend on today (not kept in revisions).
CREATE FUNCTION plan_json(p_plan bigint, p_live boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', cp.uid,
    'person', jsonb_build_object('id', p.uid, 'name', p.name, 'unit', u.code, 'address', p.address,
                                 'phones', p.phones, 'emergency_contacts', p.emergency_contacts),
    'revision', cp.revision, 'health', cp.health, 'chronic_illness', cp.chronic_illness,
    'care_level', cp.care_level, 'cognition', cp.cognition, 'living_situation', cp.living_situation,
    'family_support', cp.family_support, 'finances', cp.finances, 'housing', cp.housing, 'mood', cp.mood,
    'difficulty_tags', to_jsonb(cp.difficulty_tags), 'caseworker', s.username,
    'next_review_on', cp.next_review_on, 'last_reviewed_on', cp.last_reviewed_on,
    'care_file', cp.care_file, 'care_file_reason', cp.care_file_reason, 'note', cp.note,
    'measures', coalesce((SELECT jsonb_agg(jsonb_build_object('id', m.uid, 'what', m.what, 'owner', m.owner,
                 'due_on', m.due_on, 'status', m.status)
               || CASE WHEN p_live THEN jsonb_build_object('overdue', m.status = 'open' AND m.due_on < yh.today())
                  ELSE '{}'::jsonb END ORDER BY m.id)
               FROM yh.plan_measure m WHERE m.plan_id = cp.id), '[]'::jsonb),
    'updated_at', cp.updated_at, 'updated_by', cp.updated_by)
    || CASE WHEN p_live THEN jsonb_build_object('review_overdue', cp.next_review_on < yh.today()) ELSE '{}'::jsonb END
  FROM yh.care_plan cp JOIN yh.person p ON p.id = cp.person_id JOIN yh.unit u ON u.id = p.unit_id
  LEFT JOIN yh.staff s ON s.id = cp.caseworker_id
  WHERE cp.id = p_plan
$$;

CREATE FUNCTION visit_json(v visit) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT jsonb_build_object('id', v.uid,
    'person', jsonb_build_object('id', p.uid, 'name', p.name, 'kind', p.kind, 'unit', u.code),
    'visited_at', v.visited_at, 'visited_on', v.visited_on, 'occasion', v.occasion, 'mode', v.mode,
    'staff', to_jsonb(v.staff), 'condolence_fen', v.condolence_fen, 'goods', v.goods, 'findings', v.findings,
    'follow_ups', coalesce((SELECT jsonb_agg(yh.follow_up_json(f) ORDER BY f.id)
                            FROM yh.visit_follow_up f WHERE f.visit_id = v.id), '[]'::jsonb),
    'obligations_met', coalesce((SELECT jsonb_agg(jsonb_build_object('id', o.uid, 'occasion', o.occasion,
                                   'title', o.title, 'due_on', o.due_on, 'on_time', v.visited_on <= o.due_on)
                                   ORDER BY o.due_on, o.id)
                                 FROM yh.obligation o WHERE o.met_by = v.id), '[]'::jsonb),
    'revision', v.revision, 'logged_by', v.created_by_name, 'logged_at', v.created_at)
  FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id
  WHERE p.id = v.person_id);
END $$;

CREATE FUNCTION obligation_json(o obligation) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', o.uid,
    'person', jsonb_build_object('id', p.uid, 'name', p.name, 'unit', u.code),
    'occasion', o.occasion, 'title', o.title, 'due_on', o.due_on,
    'window_start', o.window_start, 'window_end', o.window_end, 'state', o.state, 'source', o.source,
    'event', (SELECT e.uid FROM yh.event e WHERE e.id = o.event_id),
    'met_by', v.uid, 'met_on', v.visited_on, 'on_time', CASE WHEN v.id IS NOT NULL THEN v.visited_on <= o.due_on END,
    'overdue', o.state = 'open' AND o.due_on < yh.today(),
    'days_overdue', CASE WHEN o.state = 'open' THEN greatest(yh.today() - o.due_on, 0) END,
    'reason', o.reason, 'closed_at', o.closed_at, 'closed_by', o.closed_by, 'created_at', o.created_at)
  FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id LEFT JOIN yh.visit v ON v.id = o.met_by
  WHERE p.id = o.person_id
$$;

CREATE FUNCTION event_json(e event) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', e.uid, 'type', e.type,
    'person', (SELECT jsonb_build_object('id', p.uid, 'name', p.name) FROM yh.person p WHERE p.id = e.person_id),
    'date', e.occurred_on, 'ends_on', e.ends_on, 'district', e.district, 'note', e.note,
    'recorded_by', e.created_by_name, 'recorded_at', e.created_at)
$$;

-- The most urgent open obligation of the visit's occasion whose window holds the visit day.
CREATE FUNCTION visit_auto_meet(v visit, p_actor_name text) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  met uuid;
BEGIN
  IF v.occasion NOT IN ('重大节日', '重要生日', '重病住院', '酷暑严寒', '遇到困难', '临终去世') THEN
    RETURN NULL;
  END IF;
  UPDATE yh.obligation o SET state = 'met', met_by = v.id, closed_at = now(), closed_by = p_actor_name
   WHERE o.id = (SELECT c.id FROM yh.obligation c
                  WHERE c.person_id = v.person_id AND c.state = 'open' AND c.occasion = v.occasion
                    AND v.visited_on BETWEEN c.window_start AND c.window_end
                  ORDER BY c.due_on, c.id LIMIT 1 FOR UPDATE SKIP LOCKED)
     AND o.state = 'open'
  RETURNING o.uid INTO met;
  RETURN met;
END $$;

-- Meets obligation p_ob with visit v (an explicit link); raises on the wrong person or state.
CREATE FUNCTION obligation_link(p_ob uuid, v visit, p_actor_name text, col text) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  o yh.obligation;
BEGIN
  UPDATE yh.obligation SET state = 'met', met_by = v.id, closed_at = now(), closed_by = p_actor_name
   WHERE uid = p_ob AND person_id = v.person_id AND state = 'open'
  RETURNING * INTO o;
  IF FOUND THEN
    RETURN o.uid;
  END IF;
  SELECT * INTO o FROM yh.obligation WHERE uid = p_ob;
  IF NOT FOUND THEN
    PERFORM yh.fail('YH422', col, 'no such obligation');
  ELSIF o.person_id <> v.person_id THEN
    PERFORM yh.fail('YH422', col, 'the obligation is for another person');
  END IF;
  RAISE EXCEPTION 'obligation is already %', o.state USING ERRCODE = 'YH409', COLUMN = col;
END $$;

-- Logs a visit: insert, follow-ups, obligation matching and the audit row in one statement.
CREATE FUNCTION visit_create(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_person uuid, p_visited_at text, p_occasion text, p_mode text, p_staff jsonb, p_condolence_fen bigint,
  p_goods text, p_findings text, p_follow_ups jsonb, p_obligation uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  per yh.person;
  v yh.visit;
  res jsonb;
BEGIN
  per := yh.person_in_scope(p_person, p_scope, 'person', 'YH422');
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
  PERFORM yh.follow_ups_apply(v.id, p_follow_ups, false, true);
  IF p_obligation IS NOT NULL THEN
    PERFORM yh.obligation_link(p_obligation, v, p_actor_name, 'obligation');
  ELSE
    PERFORM yh.visit_auto_meet(v, p_actor_name);
  END IF;
  res := yh.visit_json(v);
  PERFORM yh.audit_add(p_actor, p_actor_name, p_request, 'visit.add', 'visit', v.uid::text, NULL, res);
  RETURN res::text;
END $$;

/*
 * Amends a visit: p_changes maps field -> new value as text (or JSON null);
 * staff and follow_ups carry JSON text. The amendment (from/to of each
 * changed field, who, when, why) is written before the visit changes.
 * A visit that meets no obligation is matched again with the corrected
 * fields; a met obligation stays met (nothing leaves "met").
 */
CREATE FUNCTION visit_amend(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
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

-- Closes an open obligation: met (with a visit of the same person), waived or cancelled (with a reason).
CREATE FUNCTION obligation_close(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_ob uuid, p_state text, p_visit uuid, p_reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  o yh.obligation;
  v_unit bigint;
  vid bigint;
  vperson bigint;
  res jsonb;
BEGIN
  SELECT * INTO o FROM yh.obligation WHERE uid = p_ob;
  IF NOT FOUND THEN
    PERFORM yh.fail('YH404', 'id', 'no such obligation');
  END IF;
  SELECT unit_id INTO v_unit FROM yh.person WHERE id = o.person_id;
  IF NOT yh.in_scope(v_unit, p_scope) THEN
    PERFORM yh.fail('YH403', 'id', 'the obligation is of a person outside your unit');
  END IF;
  IF p_state = 'met' THEN
    SELECT id, person_id INTO vid, vperson FROM yh.visit WHERE uid = p_visit;
    IF NOT FOUND THEN
      PERFORM yh.fail('YH422', 'visit', 'no such visit');
    ELSIF vperson <> o.person_id THEN
      PERFORM yh.fail('YH422', 'visit', 'the visit is of another person');
    END IF;
  END IF;
  -- only one of concurrent closers finds the row still open
  UPDATE yh.obligation SET state = p_state, met_by = vid, reason = NULLIF(btrim(p_reason), ''),
         closed_at = now(), closed_by = p_actor_name
   WHERE id = o.id AND state = 'open'
  RETURNING * INTO o;
  IF NOT FOUND THEN
    SELECT * INTO o FROM yh.obligation WHERE uid = p_ob;
    RAISE EXCEPTION 'obligation is already %', o.state USING ERRCODE = 'YH409', COLUMN = 'state';
  END IF;
  res := yh.obligation_json(o);
  PERFORM yh.audit_add(p_actor, p_actor_name, p_request,
    CASE p_state WHEN 'met' THEN 'obligation.meet' WHEN 'waived' THEN 'obligation.waive' ELSE 'obligation.cancel' END,
    'obligation', o.uid::text, jsonb_build_object('state', 'open'), res);
  RETURN res::text;
END $$;

/*
 * Records an event and its consequences in one transaction:
 *   hospitalised / serious_illness -> 重病住院 visit due in obligation.illness_days
 *   discharged -> 重病住院 check-in due in obligation.discharge_days
 *   hardship -> 遇到困难 visit due in obligation.hardship_days
 *   weather (date range, district or whole city) -> 酷暑严寒 for the vulnerable
 *     in the recorder's scope: 高龄 (vulnerable.age), 独居/空巢, 失能, 居住偏远
 *   death -> person.deceased_on; open obligations cancelled; for a cadre the
 *     临终去世 bereavement visit to the family due in obligation.death_days;
 *     the survivors this makes eligible are returned. Payments read deceased_on.
 */
CREATE FUNCTION event_record(p_actor bigint, p_actor_name text, p_request text, p_scope bigint,
  p_type text, p_person uuid, p_on date, p_ends date, p_district text, p_note text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  per yh.person;
  e yh.event;
  grace integer := yh.setting_int('obligation.grace_days', 30);
  occ text;
  title text;
  days integer;
  due date;
  n_cancelled bigint := 0;
  survivors jsonb;
  res jsonb;
BEGIN
  IF p_type = 'weather' THEN
    IF p_person IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'person', 'a weather alert is for a district or the whole city, not one person');
    END IF;
    IF p_ends IS NOT NULL AND p_ends < p_on THEN
      PERFORM yh.fail('YH422', 'ends_on', 'is before the start date');
    END IF;
  ELSE
    IF p_person IS NULL THEN
      PERFORM yh.fail('YH422', 'person', 'is required for this event type');
    ELSIF p_ends IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'ends_on', 'only a weather alert has an end date');
    ELSIF p_district IS NOT NULL THEN
      PERFORM yh.fail('YH422', 'district', 'only a weather alert has a district');
    ELSIF p_on > yh.today() THEN
      PERFORM yh.fail('YH422', 'date', 'is in the future');
    END IF;
    per := yh.person_in_scope(p_person, p_scope, 'person', 'YH422');
    -- serialise with a concurrent death of the same person
    SELECT * INTO per FROM yh.person WHERE id = per.id FOR UPDATE;
    IF per.deceased_on IS NOT NULL THEN
      RAISE EXCEPTION 'already recorded as deceased on %', per.deceased_on USING ERRCODE = 'YH409', COLUMN = 'person';
    END IF;
    IF p_type <> 'death' AND per.transferred_out_on IS NOT NULL THEN
      RAISE EXCEPTION 'transferred out on %', per.transferred_out_on USING ERRCODE = 'YH409', COLUMN = 'person';
    END IF;
    IF p_on < per.birth_date THEN
      PERFORM yh.fail('YH422', 'date', 'is before the person was born');
    END IF;
  END IF;
  INSERT INTO yh.event (type, person_id, occurred_on, ends_on, district, scope_unit_id, note, created_by, created_by_name)
  VALUES (p_type, per.id, p_on, p_ends, p_district, CASE WHEN p_type = 'weather' THEN p_scope END, p_note,
          NULLIF(p_actor, 0), p_actor_name)
  RETURNING * INTO e;

  IF p_type IN ('hospitalised', 'serious_illness', 'discharged', 'hardship') THEN
    occ := CASE p_type WHEN 'hardship' THEN '遇到困难' ELSE '重病住院' END;
    title := CASE p_type WHEN 'hospitalised' THEN '住院探望' WHEN 'serious_illness' THEN '重病探望'
                         WHEN 'discharged' THEN '出院回访' ELSE '困难探访' END;
    days := CASE p_type WHEN 'discharged' THEN yh.setting_int('obligation.discharge_days', 7)
                        WHEN 'hardship' THEN yh.setting_int('obligation.hardship_days', 7)
                        ELSE yh.setting_int('obligation.illness_days', 3) END;
    INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
    VALUES (per.id, per.unit_id, occ, title, p_on + days, p_on, p_on + days + grace, 'event:' || e.uid, e.id)
    ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
  ELSIF p_type = 'weather' THEN
    -- one insert over every vulnerable person: JIT compiling would cost more than it saves
    PERFORM set_config('jit', 'off', true);
    due := coalesce(p_ends, p_on + yh.setting_int('obligation.weather_days', 3));
    INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
    SELECT p.id, p.unit_id, '酷暑严寒', '酷暑严寒探访', due, p_on, due + grace, 'event:' || e.uid, e.id
      FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id
      LEFT JOIN yh.care_plan cp ON cp.person_id = p.id
     WHERE p.deceased_on IS NULL AND p.transferred_out_on IS NULL
       AND (p_scope IS NULL OR p.unit_id IN (SELECT descendant FROM yh.unit_closure WHERE ancestor = p_scope))
       AND (p_district IS NULL OR coalesce(p.district, u.district) = p_district)
       AND (p.kind = 'cadre' OR EXISTS (SELECT 1 FROM yh.person c WHERE c.id = p.cadre_id AND c.deceased_on IS NOT NULL))
       AND (yh.age_on(p.birth_date, p_on) >= yh.setting_int('vulnerable.age', 80)
            OR coalesce(cp.living_situation, p.living_situation) IN ('独居', '空巢')
            OR coalesce(cp.care_level, p.care_level) = '失能'
            OR p.remote)
    ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
  ELSIF p_type = 'death' THEN
    -- cancel first (by this actor), then the roster change (person_casework_sync finds nothing left)
    WITH c AS (
      UPDATE yh.obligation SET state = 'cancelled', reason = format('去世 (%s)', p_on), closed_at = now(),
             closed_by = p_actor_name
       WHERE person_id = per.id AND state = 'open' RETURNING 1)
    SELECT count(*) INTO n_cancelled FROM c;
    UPDATE yh.person SET deceased_on = p_on, updated_at = now() WHERE id = per.id;
    IF per.kind = 'cadre' THEN
      days := yh.setting_int('obligation.death_days', 3);
      INSERT INTO yh.obligation (person_id, unit_id, occasion, title, due_on, window_start, window_end, source, event_id)
      VALUES (per.id, per.unit_id, '临终去世', '临终去世慰问（家属）', p_on + days, p_on, p_on + days + grace,
              'event:' || e.uid, e.id)
      ON CONFLICT ON CONSTRAINT obligation_once DO NOTHING;
    END IF;
    survivors := coalesce((SELECT jsonb_agg(jsonb_build_object('id', s.uid, 'name', s.name,
                             'relationship', s.relationship) ORDER BY s.id)
                           FROM yh.person s WHERE s.cadre_id = per.id AND s.kind = 'survivor'
                            AND s.deceased_on IS NULL), '[]'::jsonb);
  END IF;

  res := jsonb_build_object('event', yh.event_json(e),
    'opened', (SELECT count(*) FROM yh.obligation WHERE event_id = e.id),
    'obligations', coalesce((SELECT jsonb_agg(yh.obligation_json(o) ORDER BY o.id)
                             FROM (SELECT * FROM yh.obligation WHERE event_id = e.id ORDER BY id LIMIT 200) o), '[]'::jsonb));
  IF p_type = 'death' THEN
    res := res || jsonb_build_object('deceased_on', p_on, 'cancelled', n_cancelled, 'survivors_eligible', survivors);
  END IF;
  PERFORM yh.audit_add(p_actor, p_actor_name, p_request, CASE WHEN p_type = 'death' THEN 'event.death' ELSE 'event.add' END,
    'event', e.uid::text,
    CASE WHEN p_type = 'death' THEN jsonb_build_object('person', per.uid, 'deceased_on', NULL) END, res);
  RETURN res::text;
END $$;
