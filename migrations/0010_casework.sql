-- Casework: care plans (一人一策, 关爱档案), the visit log with its amendments,
-- events staff record, festival rules, and the must-visit obligations (六必访)
-- they create. Functions that run the writes are in 0011_casework_fn.sql.
SET search_path = yh, pg_catalog;

-- The one "today" (Asia/Shanghai, date only). Due, overdue and on-time are
-- decided against it by the worklist, the API, the CLI and the figures alike.
CREATE FUNCTION today() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date $$;

-- ISO date-time text -> timestamptz; text without a zone is Asia/Shanghai wall time.
-- PL/pgSQL, not SQL: called from PL/pgSQL on the hot path, where a SQL
-- function would be planned afresh on every call.
CREATE FUNCTION local_ts(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
  IF t ~ '(Z|[+-][0-9][0-9]:[0-9][0-9])$' THEN
    RETURN t::timestamptz;
  END IF;
  RETURN t::timestamp AT TIME ZONE 'Asia/Shanghai';
END $$;

-- Effective-dated settings (yh.setting) with built-in defaults.
CREATE FUNCTION setting_text(k text, dflt text, on_date date DEFAULT NULL) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT s.value FROM yh.setting s WHERE s.key = k
                     AND s.valid_from <= coalesce(on_date, yh.today()) ORDER BY s.valid_from DESC LIMIT 1), dflt) $$;
CREATE FUNCTION setting_int(k text, dflt integer, on_date date DEFAULT NULL) RETURNS integer LANGUAGE sql STABLE AS
$$ SELECT yh.setting_text(k, dflt::text, on_date)::integer $$;

-- Casework defaults. Tagged [recall]/configurable in domain.md: verify with the client.
INSERT INTO setting (key, value, note) VALUES
  ('plan.review_months', '3', '一人一策 review interval in months (季度更新)'),
  ('obligation.illness_days', '3', 'hospitalisation / serious illness: visit due within N days'),
  ('obligation.discharge_days', '7', 'after discharge: check-in due within N days (出院一周内)'),
  ('obligation.hardship_days', '7', 'hardship request: visit due within N days'),
  ('obligation.death_days', '3', 'death: bereavement visit to the family due within N days'),
  ('obligation.weather_days', '3', 'extreme weather without an end date: due within N days'),
  ('obligation.grace_days', '30', 'a visit up to N days after the due date still meets an obligation (late)'),
  ('obligation.birthday_window_days', '7', 'a birthday visit counts from N days before the birthday'),
  ('vulnerable.age', '80', '高龄 threshold (周岁) for extreme-weather obligations'),
  ('birthday.age_basis', '周岁', '周岁 or 虚岁'),
  ('birthday.calendar', '公历', '公历 (as on the ID card) or 农历'),
  ('birthday.milestones', '70,75,80,85,90,95', 'important birthdays (逢五逢十 from 70)'),
  ('birthday.every_year_from', '100', 'every birthday from this age counts; 0 = off'),
  ('birthday.feb29', '02-28', 'birthday of a 29 February birth in a common year: 02-28 or 03-01')
ON CONFLICT DO NOTHING;

-- Festival rules: which festival, for which groups, how early a visit counts.
CREATE TABLE festival_rule (
  id                  bigserial PRIMARY KEY,
  code                text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  spec                text NOT NULL,    -- festival code, 'MM-DD' or 'L:MM-DD' (calendar.h)
  categories          text[],           -- cadre categories covered; NULL = all, '{}' = no cadres
  survivors           boolean NOT NULL DEFAULT false, -- eligible survivors (遗属) too
  party_members_only  boolean NOT NULL DEFAULT false, -- cadres who are party members
  window_days         integer NOT NULL DEFAULT 14 CHECK (window_days BETWEEN 0 AND 90),
  active              boolean NOT NULL DEFAULT true,
  note                text
);
INSERT INTO festival_rule (code, name, spec, categories, survivors, party_members_only, note) VALUES
  ('chunjie', '春节', 'chunjie', NULL, true, false, '重大节日: all cadres and eligible survivors'),
  ('zhongqiu', '中秋节', 'zhongqiu', NULL, false, false, '重大节日'),
  ('chongyang', '重阳节', 'chongyang', NULL, false, false, '法定老年节'),
  ('qiyi', '七一建党节', 'qiyi', '{离休,企业离休}', false, true, '离休 party members'),
  ('yuandan', '元旦', 'yuandan', '{}', true, false, '已故老干部配偶 are visited at 元旦/春节');

-- 一人一策: one current plan per person; every revision is kept in plan_revision.
CREATE TABLE care_plan (
  id                bigserial PRIMARY KEY,
  uid               uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  person_id         bigint NOT NULL UNIQUE REFERENCES person (id),
  revision          integer NOT NULL DEFAULT 0,
  health            text,
  chronic_illness   text,
  care_level        text CHECK (care_level IN ('自理', '半失能', '失能')),
  cognition         text CHECK (cognition IN ('正常', '轻度障碍', '中度障碍', '重度障碍')),
  living_situation  text CHECK (living_situation IN ('独居', '空巢', '与子女同住', '养老机构', '异地')),
  family_support    text,
  finances          text,
  housing           text,
  mood              text,
  difficulty_tags   text[] NOT NULL DEFAULT '{}'
                    CHECK (difficulty_tags <@ ARRAY['经济', '医疗', '照护', '住房', '精神慰藉']::text[]),
  caseworker_id     bigint REFERENCES staff (id),  -- 结对联系人
  next_review_on    date NOT NULL,
  last_reviewed_on  date,
  care_file         boolean NOT NULL DEFAULT false, -- 关爱档案
  care_file_reason  text,
  note              text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  updated_by        text,
  CONSTRAINT care_plan_care_file_reason CHECK (NOT care_file OR coalesce(btrim(care_file_reason), '') <> '')
);
CREATE INDEX care_plan_review ON care_plan (next_review_on);
CREATE INDEX care_plan_caseworker ON care_plan (caseworker_id) WHERE caseworker_id IS NOT NULL;

CREATE TABLE plan_measure (
  id          bigserial PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  plan_id     bigint NOT NULL REFERENCES care_plan (id),
  person_id   bigint NOT NULL REFERENCES person (id), -- the plan's person (fixed), for the worklist
  what        text NOT NULL CHECK (length(what) BETWEEN 1 AND 500),
  owner       text,
  due_on      date,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_measure_plan ON plan_measure (plan_id);
CREATE INDEX plan_measure_open_due ON plan_measure (due_on) INCLUDE (person_id) WHERE status = 'open' AND due_on IS NOT NULL;

CREATE TABLE plan_revision (
  id          bigserial PRIMARY KEY,
  plan_id     bigint NOT NULL REFERENCES care_plan (id),
  revision    integer NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id    bigint REFERENCES staff (id),
  actor_name  text NOT NULL,
  snapshot    jsonb NOT NULL,
  CONSTRAINT plan_revision_once UNIQUE (plan_id, revision)
);

-- Events staff record; each may open obligations (0011: event_record).
CREATE TABLE event (
  id               bigserial PRIMARY KEY,
  uid              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  type             text NOT NULL CHECK (type IN ('hospitalised', 'serious_illness', 'discharged',
                                                  'hardship', 'weather', 'death')),
  person_id        bigint REFERENCES person (id),
  occurred_on      date NOT NULL,
  ends_on          date,            -- weather: last day of the alert
  district         text,            -- weather: NULL = the whole city
  scope_unit_id    bigint REFERENCES unit (id), -- weather: the recorder's subtree (NULL = all)
  note             text,
  created_by       bigint REFERENCES staff (id),
  created_by_name  text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_person_or_weather CHECK ((type = 'weather') = (person_id IS NULL)),
  CONSTRAINT event_range CHECK (ends_on IS NULL OR ends_on >= occurred_on),
  CONSTRAINT event_weather_fields CHECK (type = 'weather' OR (ends_on IS NULL AND district IS NULL))
);
CREATE INDEX event_person ON event (person_id, occurred_on) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX event_one_death ON event (person_id) WHERE type = 'death';

-- The visit log. visited_on is the Asia/Shanghai date of visited_at.
CREATE TABLE visit (
  id               bigserial PRIMARY KEY,
  uid              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  person_id        bigint NOT NULL REFERENCES person (id),
  visited_at       timestamptz NOT NULL,
  visited_on       date GENERATED ALWAYS AS ((visited_at AT TIME ZONE 'Asia/Shanghai')::date) STORED,
  occasion         text NOT NULL CHECK (occasion IN ('重大节日', '重要生日', '重病住院', '酷暑严寒', '遇到困难',
                                                     '临终去世', '日常联系', '送医上门', '送学上门', '调研访谈')),
  mode             text NOT NULL CHECK (mode IN ('上门', '医院', '电话', '视频')),
  staff            text[] NOT NULL DEFAULT '{}',
  condolence_fen   bigint NOT NULL DEFAULT 0 CHECK (condolence_fen >= 0),
  goods            text,
  findings         text,
  revision         integer NOT NULL DEFAULT 0,
  created_by       bigint REFERENCES staff (id),
  created_by_name  text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- last visit of a person (worklist), a person's history
CREATE INDEX visit_person ON visit (person_id, visited_at DESC);
-- period aggregation as an index-only scan (postgres-notes.md, "Aggregation")
CREATE INDEX visit_on ON visit (visited_on) INCLUDE (occasion, person_id, mode, condolence_fen);

CREATE TABLE visit_follow_up (
  id          bigserial PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  visit_id    bigint NOT NULL REFERENCES visit (id),
  person_id   bigint NOT NULL REFERENCES person (id), -- the visit's person (fixed), for the worklist
  action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 500),
  owner       text,
  due_on      date,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visit_follow_up_visit ON visit_follow_up (visit_id);
CREATE INDEX visit_follow_up_open_due ON visit_follow_up (due_on) INCLUDE (person_id) WHERE status = 'open' AND due_on IS NOT NULL;

-- Corrections: the changed fields (from/to), who, when and why.
CREATE TABLE visit_amendment (
  id          bigserial PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  visit_id    bigint NOT NULL REFERENCES visit (id),
  revision    integer NOT NULL,
  changes     jsonb NOT NULL,
  reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
  actor_id    bigint REFERENCES staff (id),
  actor_name  text NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT visit_amendment_once UNIQUE (visit_id, revision)
);

-- Must-visit obligations. Generation inserts ON CONFLICT DO NOTHING on
-- obligation_once, so running it again never duplicates.
CREATE TABLE obligation (
  id            bigserial PRIMARY KEY,
  uid           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  person_id     bigint NOT NULL REFERENCES person (id),
  unit_id       bigint NOT NULL REFERENCES unit (id), -- the person's unit, kept in step (person_casework_sync)
  occasion      text NOT NULL CHECK (occasion IN ('重大节日', '重要生日', '重病住院', '酷暑严寒', '遇到困难', '临终去世')),
  title         text NOT NULL,
  due_on        date NOT NULL,
  window_start  date NOT NULL,  -- a matching visit from this day on meets it
  window_end    date NOT NULL,  -- ... up to this day (after due_on = late)
  state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'waived', 'cancelled')),
  source        text NOT NULL,  -- 'festival:<rule>', 'birthday', 'event:<event uid>'
  event_id      bigint REFERENCES event (id),
  rule_id       bigint REFERENCES festival_rule (id),
  met_by        bigint REFERENCES visit (id),
  reason        text,
  closed_at     timestamptz,
  closed_by     text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT obligation_once UNIQUE (person_id, occasion, source, due_on),
  CONSTRAINT obligation_window CHECK (window_start <= due_on AND due_on <= window_end),
  CONSTRAINT obligation_met_has_visit CHECK ((state = 'met') = (met_by IS NOT NULL)),
  CONSTRAINT obligation_closed_reason CHECK (state NOT IN ('waived', 'cancelled') OR coalesce(btrim(reason), '') <> '')
);
-- the worklist: open obligations in urgency order (whole bureau), per unit, per person
CREATE INDEX obligation_open_due ON obligation (due_on, id) INCLUDE (unit_id, person_id) WHERE state = 'open';
CREATE INDEX obligation_open_unit ON obligation (unit_id, due_on, id) WHERE state = 'open';
CREATE INDEX obligation_open_person ON obligation (person_id, due_on) WHERE state = 'open';
-- figures by period (index-only)
CREATE INDEX obligation_due ON obligation (due_on) INCLUDE (state, unit_id, met_by, event_id);
CREATE INDEX obligation_met_by ON obligation (met_by) WHERE met_by IS NOT NULL;
CREATE INDEX obligation_event ON obligation (event_id) WHERE event_id IS NOT NULL;

-- open -> met | waived | cancelled, and nothing leaves those.
CREATE FUNCTION obligation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'obligations are never deleted; waive or cancel them' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.person_id <> OLD.person_id OR NEW.uid <> OLD.uid OR NEW.source <> OLD.source THEN
    RAISE EXCEPTION 'an obligation''s identity cannot change' USING ERRCODE = 'YH409';
  END IF;
  IF OLD.state <> 'open' AND (NEW.state <> OLD.state OR NEW.met_by IS DISTINCT FROM OLD.met_by) THEN
    RAISE EXCEPTION 'obligation is already %', OLD.state USING ERRCODE = 'YH409', COLUMN = 'state';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER obligation_guard BEFORE UPDATE OR DELETE ON obligation
  FOR EACH ROW EXECUTE FUNCTION obligation_guard();

-- Rows inserted without the denormalised person/unit (bulk loads, fixtures)
-- get them here; the casework functions set them and skip the trigger.
CREATE FUNCTION obligation_fill_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.unit_id := (SELECT p.unit_id FROM yh.person p WHERE p.id = NEW.person_id);
  RETURN NEW;
END $$;
CREATE TRIGGER obligation_fill_unit BEFORE INSERT ON obligation
  FOR EACH ROW WHEN (NEW.unit_id IS NULL) EXECUTE FUNCTION obligation_fill_unit();
CREATE FUNCTION follow_up_fill_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.person_id := (SELECT v.person_id FROM yh.visit v WHERE v.id = NEW.visit_id);
  RETURN NEW;
END $$;
CREATE TRIGGER follow_up_fill_person BEFORE INSERT ON visit_follow_up
  FOR EACH ROW WHEN (NEW.person_id IS NULL) EXECUTE FUNCTION follow_up_fill_person();
CREATE FUNCTION measure_fill_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.person_id := (SELECT c.person_id FROM yh.care_plan c WHERE c.id = NEW.plan_id);
  RETURN NEW;
END $$;
CREATE TRIGGER measure_fill_person BEFORE INSERT ON plan_measure
  FOR EACH ROW WHEN (NEW.person_id IS NULL) EXECUTE FUNCTION measure_fill_person();

-- Keeps obligations in step with the roster, so an open obligation always
-- belongs to an active person (the bereavement visit aside) and carries the
-- person's unit: the worklist then needs no join to filter or count.
-- Deaths recorded by the casework module (event_record) cancel first and
-- open the bereavement visit; this covers changes made elsewhere too.
CREATE FUNCTION person_casework_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN
    UPDATE yh.obligation SET unit_id = NEW.unit_id WHERE person_id = NEW.id;
  END IF;
  IF NEW.deceased_on IS NOT NULL AND OLD.deceased_on IS NULL THEN
    UPDATE yh.obligation SET state = 'cancelled', reason = format('去世 (%s)', NEW.deceased_on),
           closed_at = now(), closed_by = 'system'
     WHERE person_id = NEW.id AND state = 'open' AND occasion <> '临终去世';
  END IF;
  IF NEW.transferred_out_on IS NOT NULL AND OLD.transferred_out_on IS NULL THEN
    UPDATE yh.obligation SET state = 'cancelled', reason = format('迁出 (%s)', NEW.transferred_out_on),
           closed_at = now(), closed_by = 'system'
     WHERE person_id = NEW.id AND state = 'open';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER person_casework_sync AFTER UPDATE OF unit_id, deceased_on, transferred_out_on ON person
  FOR EACH ROW EXECUTE FUNCTION person_casework_sync();

-- A logged visit changes only through an amendment recorded first.
CREATE FUNCTION visit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a logged visit is never deleted; amend it' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.uid <> OLD.uid OR NEW.person_id <> OLD.person_id OR NEW.created_at <> OLD.created_at
     OR NEW.created_by_name <> OLD.created_by_name THEN
    RAISE EXCEPTION 'a visit''s identity cannot change' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.revision <> OLD.revision + 1 OR NOT EXISTS (
       SELECT 1 FROM yh.visit_amendment a WHERE a.visit_id = NEW.id AND a.revision = NEW.revision) THEN
    RAISE EXCEPTION 'a visit changes only through an amendment' USING ERRCODE = 'YH409';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER visit_guard BEFORE UPDATE OR DELETE ON visit FOR EACH ROW EXECUTE FUNCTION visit_guard();

CREATE FUNCTION follow_up_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a follow-up is never deleted; set its status to dropped' USING ERRCODE = 'YH409';
  END IF;
  IF NEW.visit_id <> OLD.visit_id OR NEW.person_id <> OLD.person_id OR NOT EXISTS (
       SELECT 1 FROM yh.visit v JOIN yh.visit_amendment a ON a.visit_id = v.id AND a.revision = v.revision + 1
        WHERE v.id = NEW.visit_id) THEN
    RAISE EXCEPTION 'a follow-up changes only through an amendment of its visit' USING ERRCODE = 'YH409';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER follow_up_guard BEFORE UPDATE OR DELETE ON visit_follow_up
  FOR EACH ROW EXECUTE FUNCTION follow_up_guard();

-- History tables are append-only.
CREATE FUNCTION history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'YH409';
END $$;
CREATE TRIGGER visit_amendment_immutable BEFORE UPDATE OR DELETE ON visit_amendment
  FOR EACH ROW EXECUTE FUNCTION history_immutable();
CREATE TRIGGER plan_revision_immutable BEFORE UPDATE OR DELETE ON plan_revision
  FOR EACH ROW EXECUTE FUNCTION history_immutable();
CREATE TRIGGER event_immutable BEFORE UPDATE OR DELETE ON event
  FOR EACH ROW EXECUTE FUNCTION history_immutable();
