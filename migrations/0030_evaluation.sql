-- The annual self-evaluation (部门整体支出绩效自评): budget figures, the
-- activity register, the per-year indicator tree with per-unit assessments,
-- roster reconciliation explanations, report texts and finalised snapshots.
-- Registries (item codes, activity types, figure codes, templates) are data,
-- loaded by 0031_evaluation_catalogue.sql.
SET search_path = yh, pg_catalog;

-- Budget item codes with their Chinese labels. kind 'fen' = money, 'count' = heads/projects.
CREATE TABLE budget_item (
  code           text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,47}$'),
  label          text NOT NULL,
  grp            text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('fen', 'count')),
  -- when this item is not entered for a year, last year's value of prev_fallback stands in
  prev_fallback  text REFERENCES budget_item (code),
  sort           integer NOT NULL,
  note           text
);

-- One typed value per (year, unit, item): fen for money, a count for staffing.
CREATE TABLE budget_figure (
  year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  unit_id     bigint NOT NULL REFERENCES unit (id),
  item        text NOT NULL REFERENCES budget_item (code),
  amount      bigint NOT NULL CHECK (amount >= 0 AND amount <= 9000000000000000),
  note        text CHECK (length(note) <= 500),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL,
  PRIMARY KEY (year, unit_id, item)
);
CREATE INDEX budget_figure_unit ON budget_figure (unit_id, year);

-- Every figure code the evaluation knows: label, value kind and the module that computes it.
-- Budget figures are defined here as formulas over budget items:
--   num/den = {"item": coefficient, "prev:item": coefficient (last year's value)}.
CREATE TABLE figure_def (
  code    text PRIMARY KEY CHECK (code ~ '^[a-z_]+(\.[a-z0-9_]+)+$' OR code ~ '^[a-z_]+$'),
  label   text NOT NULL,
  kind    text NOT NULL CHECK (kind IN ('count', 'fen', 'rate', 'object')),
  unit    text,
  module  text NOT NULL CHECK (module IN ('budget', 'activities', 'casework', 'payments', 'roster')),
  num     jsonb CHECK (num IS NULL OR jsonb_typeof(num) = 'object'),
  den     jsonb CHECK (den IS NULL OR jsonb_typeof(den) = 'object'),
  sort    integer NOT NULL,
  note    text,
  CHECK (module <> 'budget' OR num IS NOT NULL),
  CHECK ((kind = 'rate') = (den IS NOT NULL) OR module <> 'budget')
);

-- Activity register: what the report counts besides visits and payments.
CREATE TABLE activity_type (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  label           text NOT NULL,
  count_unit      text NOT NULL,   -- what one record is: 场次, 支, 次, 个 ...
  quantity_label  text,            -- what quantity counts, e.g. 注册人数, 展出作品(幅)
  quantity_unit   text,
  sort            integer NOT NULL
);

CREATE TABLE activity (
  id            bigserial PRIMARY KEY,
  uid           uuid NOT NULL UNIQUE,
  type          text NOT NULL REFERENCES activity_type (code),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  held_on       date NOT NULL,
  unit_id       bigint NOT NULL REFERENCES unit (id),
  participants  integer NOT NULL DEFAULT 0 CHECK (participants >= 0),
  quantity      integer NOT NULL DEFAULT 1 CHECK (quantity >= 0),
  funding_fen   bigint NOT NULL DEFAULT 0 CHECK (funding_fen >= 0 AND funding_fen <= 900000000000000),
  evidence      text CHECK (length(evidence) <= 2000),
  note          text CHECK (length(note) <= 2000),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_held ON activity (held_on, type);
CREATE INDEX activity_unit ON activity (unit_id, held_on);

-- Indicator templates (the shipped catalogue). Points and targets are in hundredths.
CREATE TABLE indicator_template (
  template     text NOT NULL CHECK (template IN ('department', 'project')),
  code         text NOT NULL CHECK (code ~ '^[A-Z][0-9A-Za-z.]{0,23}$'),
  parent_code  text,
  level        smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  name         text NOT NULL,
  class        text NOT NULL,
  points_x100  integer NOT NULL CHECK (points_x100 >= 0),
  unit         text,
  target_op    text CHECK (target_op IN ('>=', '<=', '=', 'qualitative')),
  target_x100  bigint,
  target_text  text,
  rule         text NOT NULL CHECK (rule IN ('sum', 'positive', 'reverse', 'equal', 'qualitative', 'budget_execution')),
  source       text NOT NULL CHECK (source IN ('none', 'figure', 'manual')),
  figure_code  text,
  sort         integer NOT NULL,
  note         text,
  PRIMARY KEY (template, code),
  FOREIGN KEY (template, parent_code) REFERENCES indicator_template (template, code)
);

-- The indicator tree of one year (one tree per year, loaded from a template or copied).
CREATE TABLE indicator (
  id           bigserial PRIMARY KEY,
  uid          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  template     text NOT NULL,
  code         text NOT NULL CHECK (code ~ '^[A-Z][0-9A-Za-z.]{0,23}$'),
  parent_id    bigint REFERENCES indicator (id),
  level        smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  class        text NOT NULL,
  points_x100  integer NOT NULL CHECK (points_x100 BETWEEN 0 AND 10000),
  unit         text CHECK (length(unit) <= 20),
  target_op    text CHECK (target_op IN ('>=', '<=', '=', 'qualitative')),
  target_x100  bigint,
  target_text  text CHECK (length(target_text) <= 200),
  rule         text NOT NULL CHECK (rule IN ('sum', 'positive', 'reverse', 'equal', 'qualitative', 'budget_execution')),
  source       text NOT NULL CHECK (source IN ('none', 'figure', 'manual')),
  figure_code  text,
  sort         integer NOT NULL,
  note         text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_code_unique UNIQUE (year, code),
  CONSTRAINT indicator_figure_needed CHECK (source <> 'figure' OR figure_code IS NOT NULL),
  CONSTRAINT indicator_numeric_target CHECK (rule IN ('sum', 'qualitative') OR (target_op IS NOT NULL AND target_op <> 'qualitative' AND target_x100 IS NOT NULL))
);
CREATE INDEX indicator_year ON indicator (year, sort);
CREATE INDEX indicator_parent ON indicator (parent_id);

-- What a unit recorded against an indicator: a manual actual (with evidence), a
-- qualitative rating, applicability, and points awarded by a person (never silent:
-- an override needs its 偏差原因).
CREATE TABLE indicator_entry (
  indicator_id   bigint NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
  unit_id        bigint NOT NULL REFERENCES unit (id),
  manual_x100    bigint,
  rating         text CHECK (rating IN ('achieved', 'partial', 'not_achieved')),
  evidence       text CHECK (length(evidence) <= 2000),
  applicable     boolean,
  na_reason      text CHECK (length(na_reason) <= 500),
  awarded_x100   integer CHECK (awarded_x100 >= 0),
  justification  text CHECK (length(justification) <= 2000),  -- 偏差原因
  improvement    text CHECK (length(improvement) <= 2000),    -- 改进措施
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text NOT NULL,
  PRIMARY KEY (indicator_id, unit_id),
  CONSTRAINT indicator_entry_override_justified CHECK (awarded_x100 IS NULL OR length(btrim(coalesce(justification, ''))) > 0),
  CONSTRAINT indicator_entry_na_reason CHECK (applicable IS DISTINCT FROM false OR length(btrim(coalesce(na_reason, ''))) > 0)
);

-- Explanations of roster reconciliation differences; one per (category, rank) and difference.
CREATE TABLE reconcile_note (
  year         integer NOT NULL,
  unit_id      bigint NOT NULL REFERENCES unit (id),
  category     text NOT NULL,
  rank         text NOT NULL DEFAULT '',
  difference   integer NOT NULL,
  explanation  text NOT NULL CHECK (length(btrim(explanation)) BETWEEN 1 AND 2000),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL,
  PRIMARY KEY (year, unit_id, category, rank)
);

-- Prose sections of the report (基本职能, 自评工作开展情况, 存在问题 ...).
CREATE TABLE evaluation_text (
  year        integer NOT NULL,
  unit_id     bigint NOT NULL REFERENCES unit (id),
  section     text NOT NULL CHECK (section IN ('functions', 'organisation', 'goals', 'budget_notes',
                'process', 'analysis', 'problems', 'measures', 'other')),
  body        text NOT NULL CHECK (length(body) <= 20000),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL,
  PRIMARY KEY (year, unit_id, section)
);

-- Finalised evaluations: the document as submitted and its SHA-256. A reopened
-- snapshot stays (with who, when and why); at most one current snapshot per year and unit.
CREATE TABLE evaluation_snapshot (
  id             bigserial PRIMARY KEY,
  uid            uuid NOT NULL UNIQUE,
  year           integer NOT NULL,
  unit_id        bigint NOT NULL REFERENCES unit (id),
  document       text NOT NULL,
  content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  finalised_at   timestamptz NOT NULL DEFAULT now(),
  finalised_by   text NOT NULL,
  reopened_at    timestamptz,
  reopened_by    text,
  reopen_reason  text CHECK (length(reopen_reason) <= 2000),
  CHECK ((reopened_at IS NULL) = (reopen_reason IS NULL))
);
CREATE UNIQUE INDEX evaluation_snapshot_current ON evaluation_snapshot (year, unit_id) WHERE reopened_at IS NULL;

CREATE FUNCTION evaluation_snapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a finalised evaluation cannot be deleted' USING ERRCODE = 'YH403';
  END IF;
  IF NEW.document IS DISTINCT FROM OLD.document OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
     OR NEW.year <> OLD.year OR NEW.unit_id <> OLD.unit_id OR NEW.finalised_at <> OLD.finalised_at
     OR NEW.finalised_by <> OLD.finalised_by OR OLD.reopened_at IS NOT NULL THEN
    RAISE EXCEPTION 'a finalised evaluation is frozen; reopen it and finalise again' USING ERRCODE = 'YH409';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER evaluation_snapshot_frozen BEFORE UPDATE OR DELETE ON evaluation_snapshot
  FOR EACH ROW EXECUTE FUNCTION evaluation_snapshot_frozen();

-- Figure codes with labels, including one set per activity type.
CREATE VIEW figure_registry AS
  SELECT code, label, kind, unit, module, sort, note FROM figure_def
  UNION ALL
  SELECT 'activities.' || t.code || '.' || m.suffix,
         t.label || m.label_suffix,
         m.kind,
         CASE m.suffix WHEN 'count' THEN t.count_unit WHEN 'quantity' THEN coalesce(t.quantity_unit, t.count_unit)
                       WHEN 'participants' THEN '人次' ELSE '元' END,
         'activities', 10000 + t.sort * 10 + m.n, NULL::text
  FROM activity_type t
  CROSS JOIN (VALUES (1, 'count', '（记录数）', 'count'), (2, 'quantity', '（数量）', 'count'),
                     (3, 'participants', '（参与人次）', 'count'), (4, 'funding_fen', '（经费）', 'fen'))
       AS m (n, suffix, label_suffix, kind);

-- Add our gauge to whatever the earlier migrations defined, without copying their text.
ALTER FUNCTION metric_gauges() RENAME TO metric_gauges_before_evaluation;
CREATE FUNCTION metric_gauges() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT yh.metric_gauges_before_evaluation()
      || '# HELP yinhui_evaluations_finalised Current finalised self-evaluations.' || E'\n'
      || '# TYPE yinhui_evaluations_finalised gauge' || E'\n'
      || 'yinhui_evaluations_finalised ' || (SELECT count(*) FROM yh.evaluation_snapshot WHERE reopened_at IS NULL) || E'\n'
$$;
