-- Foundation: units (a tree), staff accounts, sessions, the audit trail,
-- idempotency keys and settings. Everything lives in schema yh.
SET search_path = yh, pg_catalog;

CREATE TABLE unit (
  id          bigserial PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  parent_id   bigint REFERENCES unit (id),
  district    text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX unit_single_root ON unit ((true)) WHERE parent_id IS NULL;

-- Closure table: visibility and figures follow the tree with one indexed join.
CREATE TABLE unit_closure (
  ancestor    bigint NOT NULL REFERENCES unit (id),
  descendant  bigint NOT NULL REFERENCES unit (id),
  depth       integer NOT NULL,
  PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX unit_closure_descendant ON unit_closure (descendant);

CREATE FUNCTION unit_closure_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO yh.unit_closure (ancestor, descendant, depth) VALUES (NEW.id, NEW.id, 0);
  IF NEW.parent_id IS NOT NULL THEN
    INSERT INTO yh.unit_closure (ancestor, descendant, depth)
      SELECT ancestor, NEW.id, depth + 1 FROM yh.unit_closure WHERE descendant = NEW.parent_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER unit_closure_add AFTER INSERT ON unit FOR EACH ROW EXECUTE FUNCTION unit_closure_add();

CREATE FUNCTION unit_parent_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
    RAISE EXCEPTION 'a unit cannot move in the tree' USING ERRCODE = 'YH409', COLUMN = 'parent';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER unit_parent_fixed BEFORE UPDATE ON unit FOR EACH ROW EXECUTE FUNCTION unit_parent_fixed();

-- true when unit u lies in the subtree of scope (NULL scope = everything)
CREATE FUNCTION in_scope(u bigint, scope bigint) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT scope IS NULL OR EXISTS (SELECT 1 FROM yh.unit_closure c WHERE c.ancestor = scope AND c.descendant = u) $$;

CREATE TABLE staff (
  id             bigserial PRIMARY KEY,
  uid            uuid NOT NULL UNIQUE,
  username       text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'caseworker', 'clerk', 'approver', 'auditor')),
  unit_id        bigint NOT NULL REFERENCES unit (id),
  password_hash  text NOT NULL,
  disabled       boolean NOT NULL DEFAULT false,
  failed_logins  integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_username ON staff (lower(username));

-- Bearer tokens are stored only as their BLAKE2b hash.
CREATE TABLE session (
  token_hash  bytea PRIMARY KEY,
  uid         uuid NOT NULL UNIQUE,
  staff_id    bigint NOT NULL REFERENCES staff (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  client      text
);
CREATE INDEX session_staff ON session (staff_id);

CREATE TABLE login_attempt (
  id        bigserial PRIMARY KEY,
  username  text NOT NULL,
  address   text,
  ok        boolean NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempt_user ON login_attempt (lower(username), at);
CREATE INDEX login_attempt_addr ON login_attempt (address, at);

-- Append-only: the database itself refuses to change or remove a row.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id    bigint REFERENCES staff (id),
  actor_name  text NOT NULL,
  request_id  text,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'YH403';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- Idempotency keys: the first result of a POST, replayed to its retries.
CREATE TABLE idempotency (
  staff_id     bigint NOT NULL REFERENCES staff (id),
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  fingerprint  text NOT NULL,
  status       integer,
  response     text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, key)
);

-- Configurable rules (effective-dated where policy changes over time).
CREATE TABLE setting (
  key         text NOT NULL,
  valid_from  date NOT NULL DEFAULT '1900-01-01',
  value       text NOT NULL,
  note        text,
  PRIMARY KEY (key, valid_from)
);

-- Gauges for /metrics. Later migrations replace this function to add theirs.
CREATE FUNCTION metric_gauges() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT '# HELP yinhui_staff_active Enabled staff accounts.' || E'\n'
      || '# TYPE yinhui_staff_active gauge' || E'\n'
      || 'yinhui_staff_active ' || (SELECT count(*) FROM yh.staff WHERE NOT disabled) || E'\n'
$$;
