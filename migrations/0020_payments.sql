-- Payments: subsidy programmes with effective-dated rates, enrolments with
-- sealed bank accounts and proof of life, and payment batches whose lines
-- can never pay the same beneficiary twice for a programme and period.
-- Totals are never stored: they are always summed from the lines.
SET search_path = yh, pg_catalog;

CREATE TABLE programme (
  id             bigserial PRIMARY KEY,
  uid            uuid NOT NULL UNIQUE,
  code           text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind           text NOT NULL DEFAULT 'subsidy' CHECK (kind IN ('subsidy', 'branch_allowance')),
  budget_line    text NOT NULL CHECK (length(budget_line) BETWEEN 1 AND 100),
  period         text NOT NULL CHECK (period IN ('monthly', 'quarterly', 'yearly', 'one_off')),
  purpose        text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 60),   -- 用途 on the bank file
  beneficiary    text NOT NULL DEFAULT 'any' CHECK (beneficiary IN ('cadre', 'survivor', 'any')),
  categories     text[],   -- cadre categories (for a survivor: of the linked cadre); NULL = any
  relationships  text[],   -- survivor relationships; NULL = any
  require_alive  boolean NOT NULL DEFAULT true,
  income_test    boolean NOT NULL DEFAULT false,
  proof_of_life  boolean NOT NULL DEFAULT false,
  proof_due      text CHECK (proof_due ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),  -- yearly MM-DD
  created_by     bigint REFERENCES staff (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT programme_code_unique UNIQUE (code),
  CONSTRAINT programme_proof_due CHECK (NOT proof_of_life OR proof_due IS NOT NULL),
  CONSTRAINT programme_allowance_yearly CHECK (kind <> 'branch_allowance' OR period = 'yearly')
);

-- Effective-dated amounts per period (per month and post for branch allowances).
-- History is kept: a new amount is a new row from a later date.
CREATE TABLE programme_rate (
  id            bigserial PRIMARY KEY,
  programme_id  bigint NOT NULL REFERENCES programme (id),
  post          text NOT NULL DEFAULT '' CHECK (post IN ('', '书记', '副书记', '组织委员', '宣传委员', '纪检委员', '委员')),
  valid_from    date NOT NULL,
  amount_fen    bigint NOT NULL CHECK (amount_fen BETWEEN 0 AND 100000000000),
  note          text,
  created_by    bigint REFERENCES staff (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT programme_rate_unique UNIQUE (programme_id, post, valid_from)
);

CREATE FUNCTION pay_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never changed or removed: add a new one', TG_TABLE_NAME USING ERRCODE = 'YH403';
END $$;
CREATE TRIGGER programme_rate_immutable BEFORE UPDATE OR DELETE ON programme_rate
  FOR EACH ROW EXECUTE FUNCTION pay_immutable();

CREATE TABLE enrolment (
  id              bigserial PRIMARY KEY,
  uid             uuid NOT NULL UNIQUE,
  programme_id    bigint NOT NULL REFERENCES programme (id),
  person_id       bigint NOT NULL REFERENCES person (id),
  start_on        date NOT NULL,
  end_on          date,
  end_reason      text,
  holder_name     text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 50),  -- 户名
  account_bidx    bytea NOT NULL,
  account_cipher  bytea NOT NULL,
  account_masked  text NOT NULL,
  bank_name       text NOT NULL CHECK (length(bank_name) BETWEEN 1 AND 60),     -- 开户行
  income_ok       boolean,   -- income test passed (programmes with income_test)
  note            text,
  created_by      bigint REFERENCES staff (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT enrolment_dates CHECK (end_on IS NULL OR end_on >= start_on),
  CONSTRAINT enrolment_end_reason CHECK (end_on IS NULL OR end_reason IS NOT NULL)
);
CREATE UNIQUE INDEX enrolment_open ON enrolment (programme_id, person_id) WHERE end_on IS NULL;
CREATE INDEX enrolment_programme ON enrolment (programme_id, person_id);
CREATE INDEX enrolment_person ON enrolment (person_id);
CREATE INDEX enrolment_account ON enrolment (account_bidx);

-- A person is enrolled in a programme at most once at any time.
CREATE FUNCTION enrolment_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM yh.enrolment e WHERE e.programme_id = NEW.programme_id
      AND e.person_id = NEW.person_id AND e.id <> NEW.id
      AND daterange(e.start_on, e.end_on, '[]') && daterange(NEW.start_on, NEW.end_on, '[]')) THEN
    RAISE EXCEPTION 'the person is already enrolled in this programme for part of that time'
      USING ERRCODE = 'YH409', COLUMN = 'start_on';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER enrolment_no_overlap BEFORE INSERT OR UPDATE OF start_on, end_on ON enrolment
  FOR EACH ROW EXECUTE FUNCTION enrolment_no_overlap();

-- Annual 生存认证: one record covers every programme of the person.
CREATE TABLE proof_of_life (
  id            bigserial PRIMARY KEY,
  uid           uuid NOT NULL UNIQUE,
  person_id     bigint NOT NULL REFERENCES person (id),
  enrolment_id  bigint REFERENCES enrolment (id),
  verified_on   date NOT NULL,
  method        text,
  note          text,
  created_by    bigint REFERENCES staff (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proof_of_life_person ON proof_of_life (person_id, verified_on);

CREATE TABLE batch (
  id                bigserial PRIMARY KEY,
  uid               uuid NOT NULL UNIQUE,
  programme_id      bigint NOT NULL REFERENCES programme (id),
  period            text NOT NULL CHECK (length(period) BETWEEN 1 AND 40),
  period_start      date NOT NULL,
  period_end        date NOT NULL,
  unit_id           bigint NOT NULL REFERENCES unit (id),   -- beneficiaries come from this subtree
  kind              text NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'reissue')),
  reissue_of_batch  bigint REFERENCES batch (id),
  state             text NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'approved', 'exported', 'settled', 'cancelled')),
  note              text,
  created_by        bigint NOT NULL REFERENCES staff (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  approved_by       bigint REFERENCES staff (id),
  approved_at       timestamptz,
  meeting_ref       text,          -- 三重一大 meeting minute for large totals
  exported_by       bigint REFERENCES staff (id),
  exported_at       timestamptz,
  export_count      integer NOT NULL DEFAULT 0,
  settled_by        bigint REFERENCES staff (id),
  settled_at        timestamptz,
  cancelled_by      bigint REFERENCES staff (id),
  cancelled_at      timestamptz,
  cancel_reason     text,
  -- 不相容岗位相互分离: whoever generated a batch never approves it
  CONSTRAINT batch_maker_checker CHECK (approved_by IS NULL OR approved_by <> created_by),
  CONSTRAINT batch_approved_by CHECK (state IN ('draft', 'cancelled') OR approved_by IS NOT NULL),
  CONSTRAINT batch_period_dates CHECK (period_end >= period_start),
  CONSTRAINT batch_reissue CHECK ((kind = 'reissue') = (reissue_of_batch IS NOT NULL))
);
CREATE INDEX batch_programme ON batch (programme_id, period);

-- A line's references (batch, programme, person, unit, enrolment, maker, the
-- line it re-issues or reverses) are checked once per statement by
-- payment_line_inserted, set-based, instead of by per-row foreign keys: a
-- 100,000-line batch would spend seconds in them. None of those rows is
-- deleted: batches, lines and enrolments refuse it, and so does a person
-- with payment lines (person_paid_no_delete below).
CREATE TABLE payment_line (
  id                bigserial PRIMARY KEY,
  ref               uuid NOT NULL,    -- 业务流水号: the idempotency key the bank sees
  batch_id          bigint NOT NULL,
  programme_id      bigint NOT NULL,
  period            text NOT NULL,
  period_start      date NOT NULL,
  person_id         bigint NOT NULL,
  enrolment_id      bigint,
  unit_id           bigint NOT NULL,
  kind              text NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'reversal')),
  amount_fen        bigint NOT NULL,
  beneficiary_name  text NOT NULL,
  holder_name       text NOT NULL,
  account_bidx      bytea NOT NULL,
  account_cipher    bytea NOT NULL,
  account_masked    text NOT NULL,
  bank_name         text NOT NULL,
  detail            jsonb,          -- how the amount was reached (allowance months and posts)
  reissue_of        bigint,
  reverses          bigint,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
  bank_ref          text,
  fail_reason       text,
  paid_on           date,
  result_at         timestamptz,
  note              text,
  created_by        bigint,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_line_sign CHECK ((kind = 'payment' AND amount_fen > 0 AND reverses IS NULL)
    OR (kind = 'reversal' AND amount_fen < 0 AND reverses IS NOT NULL AND reissue_of IS NULL AND status = 'paid'))
);
-- The rule of the module: at most one live or paid line per programme, period
-- and person. Cancelled lines and failed lines leave the index, so a failed
-- line's re-issue (same ref, in a follow-up batch) is again the only one.
CREATE UNIQUE INDEX payment_line_once ON payment_line (programme_id, period, person_id)
  WHERE kind = 'payment' AND status IN ('pending', 'paid');
CREATE UNIQUE INDEX payment_line_ref_live ON payment_line (ref)
  WHERE kind = 'payment' AND status IN ('pending', 'paid');
CREATE UNIQUE INDEX payment_line_reissue_once ON payment_line (reissue_of)
  WHERE reissue_of IS NOT NULL AND status <> 'cancelled';
CREATE UNIQUE INDEX payment_line_reversal_ref ON payment_line (ref) WHERE kind = 'reversal';
CREATE INDEX payment_line_batch ON payment_line (batch_id, id);
CREATE INDEX payment_line_failed ON payment_line (programme_id, period, person_id) WHERE status = 'failed';
CREATE INDEX payment_line_reverses ON payment_line (reverses) WHERE reverses IS NOT NULL;

CREATE TRIGGER enrolment_no_delete BEFORE DELETE ON enrolment FOR EACH ROW EXECUTE FUNCTION pay_immutable();

CREATE FUNCTION person_paid_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM yh.payment_line l WHERE l.person_id = OLD.id)
     OR EXISTS (SELECT 1 FROM yh.enrolment e WHERE e.person_id = OLD.id) THEN
    RAISE EXCEPTION 'the person has enrolments or payments and is kept' USING ERRCODE = 'YH409';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER person_paid_no_delete BEFORE DELETE ON person FOR EACH ROW EXECUTE FUNCTION person_paid_no_delete();

-- A batch moves only along draft -> approved -> exported -> settled, and is
-- cancelled only before export. Approval needs an approver other than the
-- maker, and a meeting reference above the threshold.
CREATE FUNCTION pay_setting_bigint(k text, d date, dflt bigint) RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT s.value::bigint FROM yh.setting s WHERE s.key = k AND s.valid_from <= d
                    ORDER BY s.valid_from DESC LIMIT 1), dflt) $$;

INSERT INTO setting (key, valid_from, value, note)
  VALUES ('batch.meeting_threshold_fen', DATE '1900-01-01', '10000000',
          '三重一大: a payment batch above this total (fen) needs a meeting reference to be approved')
  ON CONFLICT DO NOTHING;

CREATE FUNCTION batch_transition() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
  threshold bigint;
BEGIN
  IF ROW(NEW.id, NEW.uid, NEW.programme_id, NEW.period, NEW.period_start, NEW.period_end, NEW.unit_id,
         NEW.kind, NEW.reissue_of_batch, NEW.created_by, NEW.created_at)
     IS DISTINCT FROM ROW(OLD.id, OLD.uid, OLD.programme_id, OLD.period, OLD.period_start, OLD.period_end,
         OLD.unit_id, OLD.kind, OLD.reissue_of_batch, OLD.created_by, OLD.created_at) THEN
    RAISE EXCEPTION 'what a batch pays and who made it never change' USING ERRCODE = 'YH403';
  END IF;
  IF NEW.state = OLD.state THEN
    IF ROW(NEW.approved_by, NEW.approved_at, NEW.meeting_ref, NEW.settled_at, NEW.cancelled_at)
       IS DISTINCT FROM ROW(OLD.approved_by, OLD.approved_at, OLD.meeting_ref, OLD.settled_at, OLD.cancelled_at) THEN
      RAISE EXCEPTION 'a recorded transition is never edited' USING ERRCODE = 'YH403';
    END IF;
    RETURN NEW;
  END IF;
  IF NOT ((OLD.state = 'draft' AND NEW.state IN ('approved', 'cancelled'))
       OR (OLD.state = 'approved' AND NEW.state IN ('exported', 'cancelled'))
       OR (OLD.state = 'exported' AND NEW.state = 'settled')) THEN
    RAISE EXCEPTION 'batch is %: it cannot become %', OLD.state, NEW.state
      USING ERRCODE = 'YH409', COLUMN = 'state';
  END IF;
  IF NEW.state = 'approved' THEN
    IF NOT EXISTS (SELECT 1 FROM yh.staff s WHERE s.id = NEW.approved_by AND s.role = 'approver' AND NOT s.disabled) THEN
      RAISE EXCEPTION 'only an enabled approver approves a batch' USING ERRCODE = 'YH403', COLUMN = 'approved_by';
    END IF;
    SELECT coalesce(sum(l.amount_fen), 0) INTO total FROM yh.payment_line l
      WHERE l.batch_id = NEW.id AND l.kind = 'payment';
    threshold := yh.pay_setting_bigint('batch.meeting_threshold_fen', current_date, 10000000);
    IF total > threshold AND coalesce(btrim(NEW.meeting_ref), '') = '' THEN
      RAISE EXCEPTION 'total % fen is above % fen: a meeting reference (三重一大) is required', total, threshold
        USING ERRCODE = 'YH422', COLUMN = 'meeting_ref';
    END IF;
  END IF;
  IF NEW.state = 'settled' AND EXISTS (SELECT 1 FROM yh.payment_line l WHERE l.batch_id = NEW.id
      AND l.kind = 'payment' AND l.status = 'pending') THEN
    RAISE EXCEPTION 'lines still await the bank''s result' USING ERRCODE = 'YH409', COLUMN = 'state';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER batch_transition BEFORE UPDATE ON batch FOR EACH ROW EXECUTE FUNCTION batch_transition();
CREATE TRIGGER batch_no_delete BEFORE DELETE ON batch FOR EACH ROW EXECUTE FUNCTION pay_immutable();
CREATE TRIGGER batch_no_truncate BEFORE TRUNCATE ON batch FOR EACH STATEMENT EXECUTE FUNCTION pay_immutable();

-- Lines: set-based checks (statement triggers with transition tables), so a
-- 100,000-line batch pays for one check, not 100,000.
CREATE FUNCTION payment_line_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- the batch is checked per distinct combination, not per line
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT n.batch_id, n.programme_id, n.period, n.kind, n.status FROM new_lines n) n
             LEFT JOIN yh.batch b ON b.id = n.batch_id
             WHERE b.id IS NULL OR n.programme_id <> b.programme_id OR n.period <> b.period
               OR (n.kind = 'payment' AND (b.state <> 'draft' OR n.status <> 'pending'))) THEN
    RAISE EXCEPTION 'payments are added only to a draft batch of their programme and period' USING ERRCODE = 'YH409';
  END IF;
  -- the other references in one pass over the new lines
  IF EXISTS (SELECT 1 FROM new_lines n
             LEFT JOIN yh.person p ON p.id = n.person_id
             LEFT JOIN yh.enrolment e ON e.id = n.enrolment_id
             WHERE p.id IS NULL
               OR (n.enrolment_id IS NOT NULL
                   AND (e.id IS NULL OR e.person_id <> n.person_id OR e.programme_id <> n.programme_id))
               OR n.unit_id NOT IN (SELECT u.id FROM yh.unit u)
               OR (n.created_by IS NOT NULL AND n.created_by NOT IN (SELECT s.id FROM yh.staff s))) THEN
    RAISE EXCEPTION 'a line refers to a person, unit, enrolment or staff member that does not exist'
      USING ERRCODE = '23503';
  END IF;
  -- a re-issue repeats the failed line exactly, reference included
  IF EXISTS (SELECT 1 FROM new_lines WHERE reissue_of IS NOT NULL)
     AND EXISTS (SELECT 1 FROM new_lines n LEFT JOIN yh.payment_line o ON o.id = n.reissue_of
                 WHERE n.reissue_of IS NOT NULL AND (o.id IS NULL OR o.status <> 'failed' OR o.kind <> 'payment'
                   OR n.ref <> o.ref OR n.amount_fen <> o.amount_fen OR n.person_id <> o.person_id
                   OR n.programme_id <> o.programme_id OR n.period <> o.period)) THEN
    RAISE EXCEPTION 'a re-issue must repeat a failed line with the same reference' USING ERRCODE = 'YH409';
  END IF;
  -- a reversal compensates a paid line, never by more than was paid
  IF EXISTS (SELECT 1 FROM new_lines WHERE reverses IS NOT NULL)
     AND EXISTS (SELECT 1 FROM new_lines n LEFT JOIN yh.payment_line o ON o.id = n.reverses
                 WHERE n.reverses IS NOT NULL AND (o.id IS NULL OR o.kind <> 'payment' OR o.status <> 'paid'
                   OR o.batch_id <> n.batch_id OR o.person_id <> n.person_id OR o.programme_id <> n.programme_id
                   OR o.period <> n.period
                   OR o.amount_fen + (SELECT sum(r.amount_fen) FROM yh.payment_line r WHERE r.reverses = o.id) < 0)) THEN
    RAISE EXCEPTION 'a reversal must compensate a paid line by at most its amount' USING ERRCODE = 'YH409';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER payment_line_inserted AFTER INSERT ON payment_line
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION payment_line_inserted();

-- Nothing on a line is edited in place: only its status moves forward once,
-- pending -> paid | failed | cancelled, together with the bank's answer.
CREATE FUNCTION payment_line_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM old_lines) <> (SELECT count(*) FROM old_lines o JOIN new_lines n ON n.id = o.id) THEN
    RAISE EXCEPTION 'payment lines are never edited in place' USING ERRCODE = 'YH403';
  END IF;
  IF EXISTS (SELECT 1 FROM old_lines o JOIN new_lines n ON n.id = o.id
             WHERE ROW(n.ref, n.batch_id, n.programme_id, n.period, n.period_start, n.person_id, n.enrolment_id,
                       n.unit_id, n.kind, n.amount_fen, n.beneficiary_name, n.holder_name, n.account_bidx,
                       n.account_cipher, n.account_masked, n.bank_name, n.detail, n.reissue_of, n.reverses,
                       n.note, n.created_by, n.created_at)
               IS DISTINCT FROM ROW(o.ref, o.batch_id, o.programme_id, o.period, o.period_start, o.person_id,
                       o.enrolment_id, o.unit_id, o.kind, o.amount_fen, o.beneficiary_name, o.holder_name,
                       o.account_bidx, o.account_cipher, o.account_masked, o.bank_name, o.detail, o.reissue_of,
                       o.reverses, o.note, o.created_by, o.created_at)
                OR (n.status = o.status AND ROW(n.bank_ref, n.fail_reason, n.paid_on, n.result_at)
                    IS DISTINCT FROM ROW(o.bank_ref, o.fail_reason, o.paid_on, o.result_at))) THEN
    RAISE EXCEPTION 'payment lines are never edited in place: reverse or re-issue instead' USING ERRCODE = 'YH403';
  END IF;
  IF EXISTS (SELECT 1 FROM old_lines o JOIN new_lines n ON n.id = o.id
             WHERE n.status <> o.status AND NOT (o.status = 'pending' AND n.status IN ('paid', 'failed', 'cancelled'))) THEN
    RAISE EXCEPTION 'a line''s result is final' USING ERRCODE = 'YH409', COLUMN = 'status';
  END IF;
  IF EXISTS (SELECT 1 FROM old_lines o JOIN new_lines n ON n.id = o.id JOIN yh.batch b ON b.id = n.batch_id
             WHERE n.status <> o.status AND ((n.status IN ('paid', 'failed') AND b.state <> 'exported')
               OR (n.status = 'cancelled' AND b.state <> 'cancelled'))) THEN
    RAISE EXCEPTION 'results belong to an exported batch; cancellation to a cancelled one'
      USING ERRCODE = 'YH409', COLUMN = 'status';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER payment_line_updated AFTER UPDATE ON payment_line
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION payment_line_updated();
CREATE TRIGGER payment_line_no_delete BEFORE DELETE ON payment_line FOR EACH STATEMENT EXECUTE FUNCTION pay_immutable();
CREATE TRIGGER payment_line_no_truncate BEFORE TRUNCATE ON payment_line FOR EACH STATEMENT EXECUTE FUNCTION pay_immutable();

-- fen -> "1234.56" (exact; also for negatives)
CREATE FUNCTION pay_yuan(f bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN f < 0 THEN '-' ELSE '' END || (abs(f) / 100)::text || '.' || lpad((abs(f) % 100)::text, 2, '0') $$;

-- The period containing d for a programme's period type (one-off: the day).
CREATE FUNCTION pay_period_of(kind text, d date, OUT label text, OUT p_start date, OUT p_end date)
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kind WHEN 'monthly' THEN to_char(d, 'YYYY-MM') WHEN 'quarterly' THEN to_char(d, 'YYYY-"Q"Q')
                   WHEN 'yearly' THEN to_char(d, 'YYYY') ELSE to_char(d, 'YYYY-MM-DD') END,
         CASE kind WHEN 'monthly' THEN date_trunc('month', d)::date WHEN 'quarterly' THEN date_trunc('quarter', d)::date
                   WHEN 'yearly' THEN date_trunc('year', d)::date ELSE d END,
         CASE kind WHEN 'monthly' THEN (date_trunc('month', d) + interval '1 month - 1 day')::date
                   WHEN 'quarterly' THEN (date_trunc('quarter', d) + interval '3 months - 1 day')::date
                   WHEN 'yearly' THEN (date_trunc('year', d) + interval '1 year - 1 day')::date ELSE d END
$$;

-- Every enrolment of a programme with, for the period [p_start, p_end], the
-- reason it is not payable (NULL = payable), the rate in force at p_start
-- and what a payment line copies (name, account).
-- A period is payable only if, on its first day, the beneficiary was alive
-- and not transferred out, the enrolment had not ended, the eligibility
-- rules held and the yearly proof of life was not overdue.
CREATE FUNCTION pay_due(p_programme bigint, p_start date, p_end date, p_scope bigint)
RETURNS TABLE (enrolment_id bigint, person_id bigint, unit_id bigint, reason text, amount_fen bigint,
  start_on date, name text, holder_name text, account_bidx bytea, account_cipher bytea, account_masked text,
  bank_name text)
LANGUAGE sql STABLE AS $$
  WITH g AS MATERIALIZED (
    SELECT pg.*,
      -- the latest proof-of-life due date before the period starts
      CASE WHEN pg.proof_due IS NULL THEN NULL
           WHEN make_date(extract(year FROM p_start)::int, split_part(pg.proof_due, '-', 1)::int,
                          split_part(pg.proof_due, '-', 2)::int) < p_start
             THEN make_date(extract(year FROM p_start)::int, split_part(pg.proof_due, '-', 1)::int,
                            split_part(pg.proof_due, '-', 2)::int)
           ELSE make_date(extract(year FROM p_start)::int - 1, split_part(pg.proof_due, '-', 1)::int,
                          split_part(pg.proof_due, '-', 2)::int) END AS due_date,
      (SELECT r.amount_fen FROM yh.programme_rate r WHERE r.programme_id = pg.id AND r.post = ''
         AND r.valid_from <= p_start ORDER BY r.valid_from DESC LIMIT 1) AS rate_fen
    FROM yh.programme pg WHERE pg.id = p_programme
  )
  SELECT e.id, p.id, p.unit_id,
    CASE
      WHEN e.start_on > p_end THEN 'not_started'
      WHEN e.end_on < p_start THEN 'ended'
      WHEN g.require_alive AND p.deceased_on < p_start THEN 'deceased'
      WHEN p.transferred_out_on < p_start THEN 'transferred_out'
      WHEN (g.beneficiary = 'cadre' AND p.kind <> 'cadre')
        OR (g.beneficiary = 'survivor' AND p.kind <> 'survivor')
        OR (g.categories IS NOT NULL AND NOT coalesce(CASE WHEN p.kind = 'survivor'
              THEN (SELECT c.category FROM yh.person c WHERE c.id = p.cadre_id) ELSE p.category END = ANY (g.categories),
              false))
        OR (p.kind = 'survivor' AND g.relationships IS NOT NULL
              AND NOT coalesce(p.relationship = ANY (g.relationships), false))
        OR (p.kind = 'survivor' AND g.beneficiary = 'survivor'
              AND coalesce((SELECT c.deceased_on FROM yh.person c WHERE c.id = p.cadre_id) >= p_start, true)) THEN 'not_eligible'
      WHEN g.income_test AND e.income_ok IS NOT TRUE THEN 'income_test'
      WHEN g.proof_of_life AND e.start_on <= (g.due_date - interval '1 year')::date
        AND NOT EXISTS (SELECT 1 FROM yh.proof_of_life f WHERE f.person_id = p.id
                          AND f.verified_on > (g.due_date - interval '1 year')::date) THEN 'proof_of_life_overdue'
      WHEN g.kind = 'subsidy' AND coalesce(g.rate_fen, 0) = 0 THEN 'no_rate'
    END,
    CASE WHEN g.kind = 'subsidy' THEN g.rate_fen END,
    e.start_on, p.name, e.holder_name, e.account_bidx, e.account_cipher, e.account_masked, e.bank_name
  FROM g
  JOIN yh.enrolment e ON e.programme_id = g.id
  JOIN yh.person p ON p.id = e.person_id
  WHERE p_scope IS NULL OR p.unit_id IN (SELECT uc.descendant FROM yh.unit_closure uc WHERE uc.ancestor = p_scope)
$$;

-- A batch's control sum: SHA-256 over "ref:amount" of its payment lines in
-- order. Shown at review, checked at approval, printed with the bank file.
CREATE FUNCTION pay_control_sum(b bigint) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT encode(sha256(convert_to(coalesce(string_agg(l.ref::text || ':' || l.amount_fen::text, E'\n' ORDER BY l.id), ''),
                                   'UTF8')), 'hex')
   FROM yh.payment_line l WHERE l.batch_id = b AND l.kind = 'payment' $$;
