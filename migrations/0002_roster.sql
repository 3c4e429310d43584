-- The roster: cadres and survivors (遗属) in one person table.
-- ID numbers are stored sealed (id_cipher) with a keyed blind index (id_bidx)
-- for exact search and uniqueness; only the masked form is readable in SQL.
SET search_path = yh, pg_catalog;

CREATE TABLE person (
  id                  bigserial PRIMARY KEY,
  uid                 uuid NOT NULL UNIQUE,
  kind                text NOT NULL CHECK (kind IN ('cadre', 'survivor')),
  cadre_id            bigint REFERENCES person (id),
  relationship        text CHECK (relationship IN ('配偶', '子女', '父母', '其他')),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  gender              text NOT NULL CHECK (gender IN ('M', 'F')),
  id_bidx             bytea NOT NULL,
  id_cipher           bytea NOT NULL,
  id_masked           text NOT NULL,
  id_legacy           boolean NOT NULL DEFAULT false,  -- entered as a 15-digit number
  birth_date          date NOT NULL,
  category            text CHECK (category IN ('离休', '退休', '企业离休', '建国初期参加工作的退休干部')),
  former_employer     text,
  rank                text,          -- 职级 at retirement, e.g. 副处级
  joined_on           date,          -- 参加工作/革命时间
  retired_on          date,
  unit_id             bigint NOT NULL REFERENCES unit (id),
  district            text,
  address             text,
  phones              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phones) = 'array'),
  emergency_contacts  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(emergency_contacts) = 'array'),
  living_situation    text CHECK (living_situation IN ('独居', '空巢', '与子女同住', '养老机构')),
  care_level          text CHECK (care_level IN ('自理', '半失能', '失能')),
  remote              boolean NOT NULL DEFAULT false,   -- 居住偏远
  party_member        boolean NOT NULL DEFAULT false,
  deceased_on         date,
  transferred_out_on  date,          -- 迁出
  transferred_to      text,          -- where to, as told
  added_on            date NOT NULL DEFAULT current_date, -- joined this bureau's roster (本年新增)
  note                text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT person_id_number_unique UNIQUE (id_bidx),
  CONSTRAINT person_cadre_has_category CHECK (kind <> 'cadre' OR category IS NOT NULL),
  CONSTRAINT person_survivor_linked CHECK (kind <> 'survivor' OR (cadre_id IS NOT NULL AND relationship IS NOT NULL)),
  -- 离休 requires joining the revolution on or before 1949-09-30
  CONSTRAINT person_lixiu_joined CHECK (category NOT IN ('离休', '企业离休') OR (joined_on IS NOT NULL AND joined_on <= DATE '1949-09-30')),
  CONSTRAINT person_death_after_birth CHECK (deceased_on IS NULL OR deceased_on >= birth_date),
  -- a transfer before joining the roster would break the headcount identity
  CONSTRAINT person_transfer_after_added CHECK (transferred_out_on IS NULL OR transferred_out_on >= added_on)
);
CREATE INDEX person_unit ON person (unit_id, name);
CREATE INDEX person_name ON person (name text_pattern_ops);
CREATE INDEX person_cadre ON person (cadre_id) WHERE cadre_id IS NOT NULL;
CREATE INDEX person_birth ON person (birth_date);
-- the roster people work with: alive and still ours
CREATE INDEX person_active ON person (unit_id, id) WHERE deceased_on IS NULL AND transferred_out_on IS NULL;

-- Age in 周岁 on a date (used by lists and figures; the C calendar module decides birthdays).
CREATE FUNCTION age_on(birth date, d date) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT extract(year FROM age(d, birth))::integer $$;

-- Year-end headcount (年末实有) as recorded when a year is closed: the
-- starting point of next year's reconciliation. Fixed once written.
-- One closing per year and unit subtree (closings may not overlap).
CREATE TABLE roster_year_close (
  year         integer NOT NULL CHECK (year BETWEEN 1949 AND 2200),
  unit_id      bigint NOT NULL REFERENCES unit (id),
  persons      integer NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  recorded_by  bigint REFERENCES staff (id),
  PRIMARY KEY (year, unit_id)
);

CREATE TABLE roster_year_end (
  year         integer NOT NULL CHECK (year BETWEEN 1949 AND 2200),
  person_id    bigint NOT NULL REFERENCES person (id),
  unit_id      bigint NOT NULL REFERENCES unit (id),
  category     text,
  rank         text,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  recorded_by  bigint REFERENCES staff (id),
  PRIMARY KEY (year, person_id)
);
CREATE INDEX roster_year_end_unit ON roster_year_end (year, unit_id);

CREATE FUNCTION roster_year_end_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a recorded year-end headcount cannot be changed' USING ERRCODE = 'YH409', COLUMN = 'year';
END $$;
CREATE TRIGGER roster_year_end_fixed BEFORE UPDATE OR DELETE ON roster_year_end
  FOR EACH ROW EXECUTE FUNCTION roster_year_end_fixed();
CREATE TRIGGER roster_year_close_fixed BEFORE UPDATE OR DELETE ON roster_year_close
  FOR EACH ROW EXECUTE FUNCTION roster_year_end_fixed();

-- Gauges for /metrics: the foundation's, plus the roster's.
CREATE OR REPLACE FUNCTION metric_gauges() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT '# HELP yinhui_staff_active Enabled staff accounts.' || E'\n'
      || '# TYPE yinhui_staff_active gauge' || E'\n'
      || 'yinhui_staff_active ' || (SELECT count(*) FROM yh.staff WHERE NOT disabled) || E'\n'
      || '# HELP yinhui_roster_active Cadres on the roster (alive, not transferred out).' || E'\n'
      || '# TYPE yinhui_roster_active gauge' || E'\n'
      || 'yinhui_roster_active ' || (SELECT count(*) FROM yh.person WHERE kind = 'cadre'
           AND deceased_on IS NULL AND transferred_out_on IS NULL) || E'\n'
$$;
