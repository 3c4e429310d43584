-- Dataset generator, part 1 of 2 (scripts/bench runs it; see bench/gen.sql for the whole picture):
-- the unit tree, staff, and the cadres and survivors to be, in staging tables of schema bench.
--
--   psql -v scale=1 -v seed=0.42 -f bench/gen_roster.sql
--
-- Each staged person gets a valid 18-digit ID number (region, birth date, a
-- sequence whose parity is the gender, check digit) and, for the payment
-- programmes, a bank account number. scripts/bench pipes both through
-- bench/seal (the project's own yh_pii_seal / yh_pii_bidx under the bench's
-- data key) into bench.pii, so every stored ID and account number is sealed
-- exactly as the application seals it and opens with the same key.
\set ON_ERROR_STOP on
SET search_path = yh, pg_catalog;
SET work_mem = '256MB';
SET synchronous_commit = off;  -- one bulk load; the cluster itself stays durable
SET client_min_messages = warning;

SELECT setseed(:seed);
SELECT round(200000 * :scale)::int AS n_cadres, round(20000 * :scale)::int AS n_survivors, yh.today() AS today \gset

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- GB 11643 check digit of a 17-digit body.
CREATE FUNCTION bench.idno(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT body || substr('10X98765432', 1 + (sum(substr(body, k::int, 1)::int * w) % 11)::int, 1)
  FROM unnest(ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) WITH ORDINALITY AS t(w, k)
$$;

\echo 'units'
-- 19 units below the root made by yinhui init: 4 cities, 15 counties.
INSERT INTO unit (uid, code, name, parent_id, district)
SELECT md5('unit:' || c.code)::uuid, c.code, c.name, (SELECT id FROM unit WHERE parent_id IS NULL), c.district
FROM (VALUES ('city1', '湛江市老干部局', '湛江'), ('city2', '茂名市老干部局', '茂名'),
             ('city3', '阳江市老干部局', '阳江'), ('city4', '云浮市老干部局', '云浮')) c(code, name, district)
ON CONFLICT (code) DO NOTHING;
INSERT INTO unit (uid, code, name, parent_id, district)
SELECT md5('unit:' || k.code)::uuid, k.code, k.name, (SELECT id FROM unit WHERE code = k.parent), k.district
FROM (VALUES ('chikan', '赤坎区老干部休养所', 'city1', '赤坎区'), ('xiashan', '霞山区老干部活动中心', 'city1', '霞山区'),
             ('potou', '坡头区老干部局', 'city1', '坡头区'), ('mazhang', '麻章区老干部局', 'city1', '麻章区'),
             ('maonan', '茂南区老干部局', 'city2', '茂南区'), ('dianbai', '电白区老干部局', 'city2', '电白区'),
             ('gaozhou', '高州市老干部局', 'city2', '高州市'), ('huazhou', '化州市老干部局', 'city2', '化州市'),
             ('jiangcheng', '江城区老干部局', 'city3', '江城区'), ('yangdong', '阳东区老干部局', 'city3', '阳东区'),
             ('yangchun', '阳春市老干部局', 'city3', '阳春市'), ('yuncheng', '云城区老干部局', 'city4', '云城区'),
             ('yunan', '云安区老干部局', 'city4', '云安区'), ('luoding', '罗定市老干部局', 'city4', '罗定市'),
             ('xinxing', '新兴县老干部局', 'city4', '新兴县')) k(code, name, parent, district)
ON CONFLICT (code) DO NOTHING;

-- Cadre share of each unit: a few large units (the provincial root, two city
-- bureaus, one county) hold most; the rest are small. [lo, hi) slices of [0, 1).
CREATE TABLE bench.uw AS
SELECT u.id AS unit_id, u.code, u.district, w.ord, w.weight,
       coalesce(sum(w.weight) OVER (ORDER BY w.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
         / sum(w.weight) OVER () AS lo,
       sum(w.weight) OVER (ORDER BY w.ord) / sum(w.weight) OVER () AS hi
FROM (VALUES (1, 'root', 20.0), (2, 'city1', 16), (3, 'city2', 14), (4, 'city3', 4), (5, 'city4', 4),
             (6, 'chikan', 12), (7, 'xiashan', 4), (8, 'potou', 3), (9, 'mazhang', 3), (10, 'maonan', 3),
             (11, 'dianbai', 3), (12, 'gaozhou', 2), (13, 'huazhou', 2), (14, 'jiangcheng', 2), (15, 'yangdong', 1),
             (16, 'yangchun', 1), (17, 'yuncheng', 1), (18, 'yunan', 1), (19, 'luoding', 1), (20, 'xinxing', 2)) w(ord, code, weight)
JOIN unit u ON u.code = w.code OR (w.code = 'root' AND u.parent_id IS NULL);

\echo 'staff'
-- One caseworker per unit, a clerk and an approver at the root. They share
-- the admin's password hash, so scripts/bench logs in with the same password.
INSERT INTO staff (uid, username, display_name, role, unit_id, password_hash)
SELECT md5('staff:cw_' || uw.code)::uuid, 'cw_' || uw.code, '社工 ' || uw.code, 'caseworker', uw.unit_id,
       (SELECT password_hash FROM staff WHERE role = 'admin' ORDER BY id LIMIT 1)
FROM bench.uw
UNION ALL
SELECT md5('staff:' || r)::uuid, 'bench_' || r, 'bench ' || r, r, (SELECT id FROM unit WHERE parent_id IS NULL),
       (SELECT password_hash FROM staff WHERE role = 'admin' ORDER BY id LIMIT 1)
FROM unnest(ARRAY['clerk', 'approver']) r
ON CONFLICT DO NOTHING;

\echo 'persons (staged)'
CREATE TEMP TABLE gp AS
SELECT i, random() AS ru, random() AS ra, random() AS rd, random() AS rt, random() AS rc, random() AS rn,
       random() AS rx, random() AS ry, random() AS rz, random() AS rw
FROM generate_series(1, :n_cadres) i;

CREATE TABLE bench.p AS
SELECT g.*, uw.unit_id, uw.district, uw.ord,
       -- age 60..105 today, more of the younger
       (:'today'::date - make_interval(years => 60 + floor(45 * power(g.ra, 1.7))::int,
                                       days => floor(g.rx * 364)::int))::date AS birth,
       CASE WHEN g.ry < 0.8 THEN DATE '2016-12-31' - floor(g.rz * 3650)::int
            ELSE DATE '2017-01-01' + floor(g.rz * (:'today'::date - DATE '2017-01-01'))::int END AS added,
       CASE WHEN g.rc < 0.62 THEN 'M' ELSE 'F' END AS gender
FROM gp g JOIN bench.uw ON g.ru >= uw.lo AND g.ru < uw.hi;

ALTER TABLE bench.p ADD COLUMN id18 text, ADD COLUMN acct text;
-- region 4408NN by unit; the sequence's parity is the gender (odd = male)
UPDATE bench.p p SET id18 = bench.idno('4408' || lpad(p.ord::text, 2, '0') || to_char(p.birth, 'YYYYMMDD')
  || lpad((2 * s.k + CASE WHEN p.gender = 'M' THEN 1 ELSE 0 END)::text, 3, '0')),
  acct = '6228' || lpad((p.i * 7919 % 1000000000000000)::text, 15, '0')
FROM (SELECT i, row_number() OVER (PARTITION BY ord, birth ORDER BY i) AS k FROM bench.p) s
WHERE s.i = p.i;
ALTER TABLE bench.p ADD PRIMARY KEY (i);

-- Survivors (spouses of cadres who died), staged with ids s1, s2, ...: region 4409NN.
CREATE TABLE bench.s AS
SELECT s.n, b.birth_s, b.gender_s,
  bench.idno('4409' || lpad(b.ord::text, 2, '0') || to_char(b.birth_s, 'YYYYMMDD')
    || lpad((2 * row_number() OVER (PARTITION BY b.ord, b.birth_s ORDER BY s.n) + CASE WHEN b.gender_s = 'M' THEN 1 ELSE 0 END)::text, 3, '0')) AS id18
FROM generate_series(1, :n_survivors) s(n)
JOIN (SELECT row_number() OVER (ORDER BY i) AS n, ord, birth + 700 AS birth_s,
        CASE WHEN gender = 'M' THEN 'F' ELSE 'M' END AS gender_s FROM bench.p) b ON b.n = s.n;

-- filled by scripts/bench through bench/seal: kind (idno, account), key, blind index, cipher, masked form
CREATE TABLE bench.pii (kind text NOT NULL, key text NOT NULL, bidx bytea NOT NULL, cipher bytea NOT NULL,
  masked text NOT NULL, PRIMARY KEY (kind, key));
