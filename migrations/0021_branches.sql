-- Retiree party branches, their secretaries and committees, and the yearly
-- secretary work allowance (paid through a programme of kind branch_allowance).
SET search_path = yh, pg_catalog;

CREATE TABLE branch (
  id            bigserial PRIMARY KEY,
  uid           uuid NOT NULL UNIQUE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  type          text NOT NULL CHECK (type IN ('党委', '总支', '支部', '临时支部')),
  unit_id       bigint NOT NULL REFERENCES unit (id),
  member_count  integer CHECK (member_count >= 0),
  founded_on    date,
  term_end      date,    -- 换届 due
  dissolved_on  date,
  note          text,
  created_by    bigint REFERENCES staff (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT branch_dissolved_after_founded CHECK (dissolved_on IS NULL OR founded_on IS NULL OR dissolved_on >= founded_on)
);
CREATE UNIQUE INDEX branch_name_unique ON branch (unit_id, name) WHERE dissolved_on IS NULL;
CREATE INDEX branch_unit ON branch (unit_id);

CREATE TABLE branch_post (
  id          bigserial PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE,
  branch_id   bigint NOT NULL REFERENCES branch (id),
  person_id   bigint NOT NULL REFERENCES person (id),
  post        text NOT NULL CHECK (post IN ('书记', '副书记', '组织委员', '宣传委员', '纪检委员', '委员')),
  from_on     date NOT NULL,
  to_on       date,       -- last day in post
  created_by  bigint REFERENCES staff (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT branch_post_dates CHECK (to_on IS NULL OR to_on >= from_on)
);
CREATE INDEX branch_post_branch ON branch_post (branch_id);
CREATE INDEX branch_post_person ON branch_post (person_id);

-- One secretary per branch at a time; nobody holds the same post twice at once.
CREATE FUNCTION branch_post_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM yh.branch WHERE id = NEW.branch_id FOR UPDATE;  -- serialise posts of one branch
  IF EXISTS (SELECT 1 FROM yh.branch_post o WHERE o.branch_id = NEW.branch_id AND o.id <> NEW.id
      AND daterange(o.from_on, o.to_on, '[]') && daterange(NEW.from_on, NEW.to_on, '[]')
      AND ((o.post = '书记' AND NEW.post = '书记') OR (o.person_id = NEW.person_id AND o.post = NEW.post))) THEN
    RAISE EXCEPTION 'the post % is already held in this branch for part of that time', NEW.post
      USING ERRCODE = 'YH409', COLUMN = 'post';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER branch_post_no_overlap BEFORE INSERT OR UPDATE ON branch_post
  FOR EACH ROW EXECUTE FUNCTION branch_post_no_overlap();

-- The secretary allowance for [p_start, p_end] (a year) per person: a month
-- counts when the post was held on its first day (branch existing, person
-- alive); each month pays the highest rate among the posts held then, so one
-- person with several posts is paid once. Rates are per month and post,
-- effective-dated in programme_rate.
CREATE FUNCTION pay_allowance(p_programme bigint, p_start date, p_end date)
RETURNS TABLE (person_id bigint, amount_fen bigint, months integer, detail jsonb)
LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT gs::date AS m FROM generate_series(p_start::timestamp, p_end::timestamp, interval '1 month') gs
  ), held AS (
    SELECT bp.person_id, m.m, bp.post, b.uid AS branch, b.name AS branch_name,
      (SELECT r.amount_fen FROM yh.programme_rate r WHERE r.programme_id = p_programme AND r.post = bp.post
         AND r.valid_from <= m.m ORDER BY r.valid_from DESC LIMIT 1) AS fen
    FROM yh.branch_post bp
    JOIN yh.branch b ON b.id = bp.branch_id
    JOIN yh.person p ON p.id = bp.person_id
    JOIN m ON bp.from_on <= m.m AND (bp.to_on IS NULL OR bp.to_on >= m.m)
    WHERE (b.founded_on IS NULL OR b.founded_on <= m.m) AND (b.dissolved_on IS NULL OR b.dissolved_on >= m.m)
      AND (p.deceased_on IS NULL OR p.deceased_on >= m.m)
  ), best AS (
    SELECT DISTINCT ON (h.person_id, h.m) h.person_id, h.m, h.post, h.branch, h.branch_name, h.fen
    FROM held h WHERE h.fen > 0 ORDER BY h.person_id, h.m, h.fen DESC, h.post
  )
  SELECT b.person_id, sum(b.fen)::bigint, count(*)::int,
    jsonb_build_object('months', jsonb_agg(jsonb_build_object('month', to_char(b.m, 'YYYY-MM'), 'post', b.post,
      'branch', b.branch, 'branch_name', b.branch_name, 'fen', b.fen) ORDER BY b.m))
  FROM best b GROUP BY b.person_id
$$;
