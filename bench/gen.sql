-- Dataset generator, part 2 of 2: everything that hangs off the roster.
--
--   psql -v scale=1 -v seed=0.42 -f bench/gen_roster.sql     (units, staff, staged persons)
--   (scripts/bench seals the staged ID and account numbers into bench.pii with bench/seal)
--   psql -v scale=1 -v seed=0.42 -f bench/gen.sql
--
-- At scale 1: 20 units (root + 4 cities + 15 counties, a few large), 200,000
-- cadres aged 60-105 and 20,000 survivors, 5,000,000 visits over ten years
-- (most in festival months), 500,000 obligations, about 1,000,000 payment
-- lines (monthly subsidies and yearly branch allowances), 20,000 party
-- branches, a 100,000-person programme for the batch benchmark, care plans,
-- activities and budget figures for the evaluation. --quick is scale 0.05.
--
-- Reproducible: random() is seeded with setseed(), and every uuid is derived
-- from md5 of a fixed label, so two runs on the same day give the same rows
-- (only the sealed numbers differ: each seal has a random nonce). "Today" is
-- yh.today(): the worklist needs obligations due around it.
--
-- Rows are written with session_replication_role = replica (no triggers, no
-- foreign-key checks; this script keeps the references consistent itself);
-- units went in with their closure trigger in part 1.
\set ON_ERROR_STOP on
SET search_path = yh, pg_catalog;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;  -- one bulk load; the cluster itself stays durable
SET client_min_messages = warning;

SELECT setseed(:seed);

SELECT round(200000 * :scale)::int AS n_cadres,
       round(5000000 * :scale)::int AS n_visits,
       round(500000 * :scale)::int AS n_obligations,
       round(20000 * :scale)::int AS n_branches,
       round(100000 * :scale)::int AS n_big,
       round(8000 * :scale)::int AS n_subsidy,
       yh.today() AS today
\gset

SET session_replication_role = replica;

\echo 'persons'
INSERT INTO person (uid, kind, name, gender, id_bidx, id_cipher, id_masked, birth_date, category, former_employer,
  rank, joined_on, retired_on, unit_id, district, address, phones, living_situation, care_level, remote,
  party_member, deceased_on, transferred_out_on, transferred_to, added_on, created_at, updated_at)
SELECT md5('person:' || g.i)::uuid, 'cadre',
  (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','林','罗','梁'])[1 + floor(g.rn * 20)::int]
  || (ARRAY['建国','国强','秀英','桂英','志明','丽华','德华','文','敏','伟','芳','军','洪','平','建华','玉兰','淑珍','卫东','红','海'])[1 + floor(g.rx * 20)::int]
  || CASE WHEN g.i % 3 = 0 THEN '' ELSE (ARRAY['生','明','华','英','强','林','杰','兰'])[1 + (g.i % 8)] END,
  g.gender, k.bidx, k.cipher, k.masked,
  g.birth, c.category, '广东省某厅局', (ARRAY['正厅级','副厅级','正处级','副处级','正科级','副科级','科员'])[1 + floor(g.rc * 7)::int],
  CASE WHEN c.category = '离休' THEN DATE '1945-01-01' + floor(g.rt * 1700)::int
       ELSE (g.birth + interval '20 years')::date END,
  (g.birth + interval '60 years')::date, g.unit_id, g.district, g.district || '人民路' || (g.i % 300) || '号',
  jsonb_build_array(jsonb_build_object('number', '13' || lpad((g.i * 7919 % 1000000000)::text, 9, '0'), 'label', '手机')),
  (ARRAY['独居','空巢','与子女同住','与子女同住','与子女同住','养老机构'])[1 + floor(g.ry * 6)::int],
  (ARRAY['自理','自理','自理','自理','半失能','失能'])[1 + floor(g.rz * 6)::int],
  g.rn < 0.05, g.rt < 0.6,
  d.deceased, t.transferred, CASE WHEN t.transferred IS NOT NULL THEN '外省' END, g.added,
  '2016-01-01', '2016-01-01'
FROM bench.p g
JOIN bench.pii k ON k.kind = 'idno' AND k.key = g.i::text
CROSS JOIN LATERAL (SELECT CASE WHEN extract(year FROM g.birth) <= 1931 AND g.rt < 0.5 THEN '离休'
                                WHEN extract(year FROM g.birth) <= 1934 AND g.rt < 0.7 THEN '建国初期参加工作的退休干部'
                                ELSE '退休' END AS category) c
-- about a fifth died during the ten years, the old more often
CROSS JOIN LATERAL (SELECT CASE WHEN g.rd < 0.06 + 0.3 * g.ra THEN
    greatest(g.added, DATE '2017-01-01') + floor(g.rw * (:'today'::date - greatest(g.added, DATE '2017-01-01')))::int
  END AS deceased) d
CROSS JOIN LATERAL (SELECT CASE WHEN d.deceased IS NULL AND g.rt > 0.98 THEN
    g.added + floor(g.rx * (:'today'::date - g.added))::int END AS transferred) t
ORDER BY g.i;

-- the cadres have consecutive ids pmin .. pmin + n_cadres - 1
SELECT min(id) AS pmin, max(id) AS pmax, count(*) AS n_cadres FROM person WHERE kind = 'cadre' \gset

\echo 'survivors'
INSERT INTO person (uid, kind, cadre_id, relationship, name, gender, id_bidx, id_cipher, id_masked, birth_date,
  unit_id, district, address, phones, added_on, created_at, updated_at)
SELECT md5('survivor:' || s.n)::uuid, 'survivor', c.id, '配偶', c.name || '之配偶', s.gender_s, k.bidx, k.cipher, k.masked,
  s.birth_s, c.unit_id, c.district, c.address, c.phones, c.deceased_on, '2016-01-01', '2016-01-01'
FROM (SELECT row_number() OVER (ORDER BY id) AS n, p.* FROM person p WHERE p.kind = 'cadre' AND p.deceased_on IS NOT NULL) c
JOIN bench.s s ON s.n = c.n
JOIN bench.pii k ON k.kind = 'idno' AND k.key = 's' || s.n;

\echo 'visits'
-- Festival months (春节 Jan/Feb, 七一 Jul, 中秋/重阳 Sep/Oct) get about 60 % of the visits.
CREATE TEMP TABLE gv AS
SELECT i, :pmin + floor(random() * :n_cadres)::bigint AS pid, random() AS r1, random() AS r2, random() AS r3,
       random() AS r4, random() AS r5
FROM generate_series(1, :n_visits) i;

INSERT INTO visit (uid, person_id, unit_id, visited_at, occasion, mode, staff, condolence_fen, goods, findings,
  created_by, created_by_name, created_at)
SELECT md5('visit:' || x.i)::uuid, x.pid, x.unit_id, x.at, x.occasion,
  CASE WHEN x.occasion = '重病住院' THEN '医院' WHEN x.r4 < 0.65 THEN '上门' WHEN x.r4 < 0.9 THEN '电话' ELSE '视频' END,
  ARRAY['cw_' || x.code], CASE WHEN x.occasion IN ('重大节日', '重病住院', '临终去世') THEN 50000 ELSE 0 END,
  CASE WHEN x.occasion = '重大节日' THEN '慰问品一份' END, '身体状况良好，精神愉快', x.cw, 'cw_' || x.code, x.at
FROM (
  SELECT g.i, g.pid, p.unit_id, g.r4, uw.code, s.id AS cw,
    -- a day outside the person's time on the roster is drawn again, uniformly inside it
    ((CASE WHEN cand.d BETWEEN lo.lo AND hi.hi THEN cand.d ELSE lo.lo + floor(g.r5 * (hi.hi - lo.lo + 1))::int END)
      + make_interval(hours => 9 + floor(g.r4 * 8)::int))::timestamp AT TIME ZONE 'Asia/Shanghai' AS at,
    CASE WHEN cand.festival AND g.r3 < 0.85 THEN '重大节日'
         ELSE (ARRAY['日常联系','日常联系','日常联系','重要生日','重病住院','遇到困难','送医上门','调研访谈','酷暑严寒','送学上门'])[1 + floor(g.r3 * 10)::int] END AS occasion
  FROM gv g JOIN person p ON p.id = g.pid JOIN bench.uw ON uw.unit_id = p.unit_id
  JOIN staff s ON s.username = 'cw_' || uw.code
  CROSS JOIN LATERAL (SELECT greatest(p.added_on, DATE '2017-01-01') AS lo) lo
  CROSS JOIN LATERAL (SELECT greatest(lo.lo, least(coalesce(p.deceased_on, p.transferred_out_on, :'today'::date), :'today'::date)) AS hi) hi
  CROSS JOIN LATERAL (SELECT m.month IN (1, 2, 7, 9, 10) AS festival,
      make_date(2017 + floor(g.r1 * 10)::int, m.month, 1 + floor(g.r2 * 28)::int) AS d
    FROM (SELECT (ARRAY[1,1,1,2,2,2,7,9,9,10,10,10, 1,2,3,4,5,6,7,8,9,10,11,12])[1 + floor(g.r2 * 1000)::int % 24] AS month) m) cand
) x
ORDER BY x.at;

\echo 'obligations'
-- with triggers: obligation_fill_unit keeps the person's unit on each row
SET session_replication_role = origin;
-- Met: one per sampled visit of an obligation occasion, due a few days after it.
INSERT INTO obligation (uid, person_id, occasion, title, due_on, window_start, window_end, state, source, met_by,
  closed_at, closed_by, created_at)
SELECT md5('obligation:met:' || v.id)::uuid, v.person_id, v.occasion,
  CASE v.occasion WHEN '重大节日' THEN '节日走访' WHEN '重要生日' THEN '重要生日探访' ELSE '住院探望' END,
  -- due from two days before the visit (a late visit) to five days after it
  v.visited_on + (v.id % 8)::int - 2, v.visited_on - 16, v.visited_on + (v.id % 8)::int + 28, 'met',
  CASE v.occasion WHEN '重大节日' THEN 'festival:' || (CASE extract(month FROM v.visited_on) WHEN 7 THEN 'qiyi'
       WHEN 9 THEN 'zhongqiu' WHEN 10 THEN 'chongyang' ELSE 'chunjie' END) WHEN '重要生日' THEN 'birthday'
       ELSE 'event:' || md5('event:' || v.id)::uuid END,
  v.id, v.created_at, v.created_by_name, v.created_at - interval '10 days'
FROM (SELECT DISTINCT ON (v.person_id, v.occasion, v.visited_on) v.* FROM visit v
      WHERE v.occasion IN ('重大节日', '重要生日', '重病住院') AND v.id % 5 = 0
      ORDER BY v.person_id, v.occasion, v.visited_on, v.id) v
ORDER BY hashint8(v.id) LIMIT round(:n_obligations * 0.84)::int
ON CONFLICT DO NOTHING;
-- the hospitalisations behind the 重病住院 obligations
INSERT INTO event (uid, type, person_id, occurred_on, created_by, created_by_name, created_at)
SELECT md5('event:' || o.met_by)::uuid, 'hospitalised', o.person_id, o.due_on - 3, NULL, 'bench', o.created_at
FROM obligation o WHERE o.occasion = '重病住院';
UPDATE obligation o SET event_id = e.id, window_start = e.occurred_on
FROM event e WHERE o.occasion = '重病住院' AND e.uid = md5('event:' || o.met_by)::uuid;
-- Waived: past birthdays.
INSERT INTO obligation (uid, person_id, occasion, title, due_on, window_start, window_end, state, source, reason,
  closed_at, closed_by)
SELECT md5('obligation:waived:' || g)::uuid, :pmin + (g * 7919) % :n_cadres, '重要生日', '重要生日探访',
  DATE '2017-03-01' + (g * 31) % 3400, DATE '2017-03-01' + (g * 31) % 3400 - 7, DATE '2017-03-01' + (g * 31) % 3400 + 30,
  'waived', 'birthday', '本人外出，家属代收', now(), 'bench'
FROM generate_series(1, round(:n_obligations * 0.04)::int) g
ON CONFLICT DO NOTHING;
-- Open: due from a month ago to a month ahead, for active cadres (the worklists).
INSERT INTO obligation (uid, person_id, occasion, title, due_on, window_start, window_end, state, source)
SELECT md5('obligation:open:' || x.g)::uuid, x.id, x.occasion, x.title, x.due, x.due - 7, x.due + 30, 'open', x.source
FROM (SELECT g, p.id, (:'today'::date - 30 + (g * 37) % 60) AS due,
        CASE WHEN g % 3 = 0 THEN '重大节日' ELSE '重要生日' END AS occasion,
        CASE WHEN g % 3 = 0 THEN '重阳节走访' ELSE '重要生日探访' END AS title,
        CASE WHEN g % 3 = 0 THEN 'festival:chongyang' ELSE 'birthday' END AS source
      FROM generate_series(1, round(:n_obligations * 0.14)::int) g
      JOIN person p ON p.id = :pmin + (g::bigint * 104729) % :n_cadres
      WHERE p.deceased_on IS NULL AND p.transferred_out_on IS NULL) x
ON CONFLICT DO NOTHING;
-- top up with past met birthdays to the round number
INSERT INTO obligation (uid, person_id, occasion, title, due_on, window_start, window_end, state, source, met_by,
  closed_at, closed_by)
SELECT md5('obligation:topup:' || v.id)::uuid, v.person_id, '重要生日', '重要生日探访', v.visited_on + 1,
  v.visited_on - 7, v.visited_on + 31, 'met', 'birthday:' || v.id, v.id, v.created_at, v.created_by_name
FROM visit v WHERE v.id % 5 = 1
ORDER BY hashint8(v.id) LIMIT greatest(0, :n_obligations - (SELECT count(*) FROM obligation))
ON CONFLICT DO NOTHING;

SET session_replication_role = replica;

\echo 'care plans'
INSERT INTO care_plan (uid, person_id, unit_id, revision, health, care_level, living_situation, caseworker_id,
  next_review_on, last_reviewed_on, created_at, updated_at, updated_by)
SELECT md5('plan:' || p.id)::uuid, p.id, p.unit_id, 1, '慢性病，病情稳定', p.care_level, p.living_situation, s.id,
  :'today'::date - 45 + (p.id % 150)::int, :'today'::date - 45 + (p.id % 150)::int - 90, '2020-01-01', '2020-01-01', s.username
FROM person p JOIN bench.uw ON uw.unit_id = p.unit_id JOIN staff s ON s.username = 'cw_' || uw.code
WHERE p.kind = 'cadre' AND p.deceased_on IS NULL AND p.transferred_out_on IS NULL AND p.id % 2 = 0;

\echo 'payments'
INSERT INTO programme (uid, code, name, kind, budget_line, period, purpose, beneficiary, created_at)
VALUES (md5('programme:bench_monthly')::uuid, 'bench_monthly', '离退休干部生活补贴', 'subsidy', '离退休干部生活补贴',
        'monthly', '生活补贴', 'cadre', '2016-01-01'),
       (md5('programme:bench_big')::uuid, 'bench_big', '高龄老干部健康补贴', 'subsidy', '高龄补贴', 'monthly', '健康补贴',
        'cadre', '2025-12-01'),
       (md5('programme:bench_allowance')::uuid, 'bench_allowance', '离退休干部党支部书记工作补贴', 'branch_allowance',
        '党建工作经费', 'yearly', '支部书记补贴', 'cadre', '2016-01-01');
INSERT INTO programme_rate (programme_id, post, valid_from, amount_fen)
SELECT g.id, r.post, r.valid_from, r.fen FROM programme g
JOIN (VALUES ('bench_monthly', '', DATE '2016-01-01', 30000::bigint), ('bench_monthly', '', DATE '2022-01-01', 35000),
             ('bench_big', '', DATE '2025-12-01', 20000), ('bench_allowance', '书记', DATE '2016-01-01', 20000),
             ('bench_allowance', '副书记', DATE '2016-01-01', 10000), ('bench_allowance', '委员', DATE '2016-01-01', 5000))
  r(code, post, valid_from, fen) ON r.code = g.code;

-- Subsidy: the first n_subsidy cadres on the roster before 2017, every month since 2017-01.
INSERT INTO enrolment (uid, programme_id, person_id, start_on, end_on, end_reason, holder_name, account_bidx,
  account_cipher, account_masked, bank_name, created_at)
SELECT md5('enrol:m:' || p.id)::uuid, (SELECT id FROM programme WHERE code = 'bench_monthly'), p.id, DATE '2017-01-01',
  p.deceased_on, CASE WHEN p.deceased_on IS NOT NULL THEN '去世' END, p.name,
  k.bidx, k.cipher, k.masked, '中国农业银行湛江分行', '2016-12-01'
FROM (SELECT * FROM person WHERE kind = 'cadre' AND added_on < DATE '2017-01-01' AND transferred_out_on IS NULL
      ORDER BY id LIMIT :n_subsidy) p
JOIN bench.pii k ON k.kind = 'account' AND k.key = (p.id - :pmin + 1)::text;
-- Batch benchmark: n_big active cadres enrolled from 2025-12, no lines yet.
INSERT INTO enrolment (uid, programme_id, person_id, start_on, holder_name, account_bidx, account_cipher,
  account_masked, bank_name, created_at)
SELECT md5('enrol:b:' || p.id)::uuid, (SELECT id FROM programme WHERE code = 'bench_big'), p.id, DATE '2025-12-01', p.name,
  k.bidx, k.cipher, k.masked, '中国农业银行湛江分行', '2025-11-20'
FROM (SELECT * FROM person WHERE kind = 'cadre' AND deceased_on IS NULL AND transferred_out_on IS NULL
      ORDER BY id DESC LIMIT :n_big) p
JOIN bench.pii k ON k.kind = 'account' AND k.key = (p.id - :pmin + 1)::text;

INSERT INTO batch (uid, programme_id, period, period_start, period_end, unit_id, state, created_by, created_at,
  approved_by, approved_at, exported_by, exported_at, export_count, settled_by, settled_at)
SELECT md5('batch:m:' || m)::uuid, g.id, to_char(m, 'YYYY-MM'), m::date, (m + interval '1 month - 1 day')::date,
  (SELECT id FROM unit WHERE parent_id IS NULL), 'settled', c.id, m, a.id, m + interval '2 days', c.id,
  m + interval '3 days', 1, c.id, m + interval '12 days'
FROM generate_series(TIMESTAMP '2017-01-01', date_trunc('month', :'today'::date) - interval '1 month', interval '1 month') m,
     programme g, staff c, staff a
WHERE g.code = 'bench_monthly' AND c.username = 'bench_clerk' AND a.username = 'bench_approver';

INSERT INTO payment_line (ref, batch_id, programme_id, period, period_start, person_id, enrolment_id, unit_id,
  amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher, account_masked, bank_name, status,
  bank_ref, fail_reason, paid_on, result_at, created_by, created_at)
SELECT md5('line:' || b.id || ':' || e.id)::uuid, b.id, b.programme_id, b.period, b.period_start, p.id, e.id, p.unit_id,
  CASE WHEN b.period_start >= DATE '2022-01-01' THEN 35000 ELSE 30000 END, p.name, e.holder_name, e.account_bidx,
  e.account_cipher, e.account_masked, e.bank_name,
  CASE WHEN (b.id + e.id) % 200 = 0 THEN 'failed' ELSE 'paid' END,
  'BK' || b.period, CASE WHEN (b.id + e.id) % 200 = 0 THEN '账户已销户' END,
  CASE WHEN (b.id + e.id) % 200 <> 0 THEN b.period_start + 10 END, b.period_start + 10, b.created_by, b.created_at
FROM batch b JOIN enrolment e ON e.programme_id = b.programme_id JOIN person p ON p.id = e.person_id
WHERE b.programme_id = (SELECT id FROM programme WHERE code = 'bench_monthly')
  AND (p.deceased_on IS NULL OR p.deceased_on >= b.period_start)
ORDER BY b.id, e.id;

\echo 'branches'
-- 20,000 branches, each with a secretary (distinct party members) paid a yearly allowance.
INSERT INTO branch (uid, name, type, unit_id, member_count, founded_on, created_at)
SELECT md5('branch:' || g)::uuid, '离退休干部第' || g || '党支部', CASE WHEN g % 50 = 0 THEN '总支' ELSE '支部' END,
  uw.unit_id, 5 + g % 40, DATE '2010-01-01' + g % 2000, '2016-01-01'
FROM generate_series(1, :n_branches) g JOIN bench.uw ON ((g * 0.618034) % 1) >= uw.lo AND ((g * 0.618034) % 1) < uw.hi;
CREATE TEMP TABLE sec AS
SELECT b.id AS branch_id, b.uid AS branch_uid, b.name AS branch_name, p.id AS person_id, p.name, p.deceased_on
FROM (SELECT row_number() OVER (ORDER BY id) AS n, id, uid, name FROM branch) b
JOIN (SELECT row_number() OVER (ORDER BY id) AS n, id, name, deceased_on FROM person
      WHERE kind = 'cadre' AND party_member AND added_on < DATE '2017-01-01' AND transferred_out_on IS NULL) p ON p.n = b.n;
INSERT INTO branch_post (uid, branch_id, person_id, post, from_on, to_on, created_at)
SELECT md5('post:' || s.branch_id)::uuid, s.branch_id, s.person_id, '书记', DATE '2016-01-01', s.deceased_on, '2016-01-01' FROM sec s;
INSERT INTO enrolment (uid, programme_id, person_id, start_on, end_on, end_reason, holder_name, account_bidx,
  account_cipher, account_masked, bank_name, created_at)
SELECT md5('enrol:a:' || s.person_id)::uuid, (SELECT id FROM programme WHERE code = 'bench_allowance'), s.person_id,
  DATE '2016-01-01', s.deceased_on, CASE WHEN s.deceased_on IS NOT NULL THEN '去世' END, s.name,
  k.bidx, k.cipher, k.masked, '中国建设银行湛江分行', '2016-01-01'
FROM sec s JOIN bench.pii k ON k.kind = 'account' AND k.key = (s.person_id - :pmin + 1)::text;
INSERT INTO batch (uid, programme_id, period, period_start, period_end, unit_id, state, created_by, created_at,
  approved_by, approved_at, meeting_ref, exported_by, exported_at, export_count, settled_by, settled_at)
SELECT md5('batch:a:' || y)::uuid, g.id, y::text, make_date(y, 1, 1), make_date(y, 12, 31),
  (SELECT id FROM unit WHERE parent_id IS NULL), 'settled', c.id, make_date(y + 1, 1, 10), a.id, make_date(y + 1, 1, 12),
  '局党组会议纪要' || y, c.id, make_date(y + 1, 1, 13), 1, c.id, make_date(y + 1, 1, 25)
FROM generate_series(2017, extract(year FROM :'today'::date)::int - 1) y, programme g, staff c, staff a
WHERE g.code = 'bench_allowance' AND c.username = 'bench_clerk' AND a.username = 'bench_approver';
INSERT INTO payment_line (ref, batch_id, programme_id, period, period_start, person_id, enrolment_id, unit_id,
  amount_fen, beneficiary_name, holder_name, account_bidx, account_cipher, account_masked, bank_name, detail, status,
  bank_ref, paid_on, result_at, created_by, created_at)
SELECT md5('aline:' || b.id || ':' || s.person_id)::uuid, b.id, b.programme_id, b.period, b.period_start, s.person_id, e.id,
  p.unit_id, 20000 * mm.n, s.name, e.holder_name, e.account_bidx, e.account_cipher, e.account_masked, e.bank_name,
  jsonb_build_object('months', mm.months), 'paid', 'BKA' || b.period, b.period_end + 25, b.period_end + 25,
  b.created_by, b.created_at
FROM batch b JOIN sec s ON true JOIN person p ON p.id = s.person_id
JOIN enrolment e ON e.person_id = s.person_id AND e.programme_id = b.programme_id
CROSS JOIN LATERAL (SELECT count(*)::int AS n, jsonb_agg(jsonb_build_object('month', to_char(m, 'YYYY-MM'), 'post', '书记',
    'branch', s.branch_uid, 'branch_name', s.branch_name, 'fen', 20000) ORDER BY m) AS months
  FROM generate_series(b.period_start::timestamp, b.period_end::timestamp, interval '1 month') m
  WHERE s.deceased_on IS NULL OR s.deceased_on >= m::date) mm
WHERE b.programme_id = (SELECT id FROM programme WHERE code = 'bench_allowance') AND mm.n > 0
ORDER BY b.id, s.person_id;

\echo 'activities and budget'
INSERT INTO activity (uid, type, title, held_on, unit_id, participants, quantity, funding_fen, created_by, created_at)
SELECT md5('activity:' || g)::uuid, t.code, t.label || ' 第' || g || '期', DATE '2017-01-01' + (g * 13) % 3600,
  uw.unit_id, 10 + g % 90, 1 + g % 5, (g % 20) * 10000, 'bench', '2017-01-01'
FROM generate_series(1, greatest(200, round(30000 * :scale)::int)) g
JOIN (SELECT code, label, row_number() OVER (ORDER BY sort) - 1 AS k, count(*) OVER () AS n FROM activity_type) t
  ON t.k = g % t.n
JOIN bench.uw ON ((g * 0.381966) % 1) >= uw.lo AND ((g * 0.381966) % 1) < uw.hi;
INSERT INTO budget_figure (year, unit_id, item, amount, updated_by)
SELECT y, uw.unit_id, i.code, CASE WHEN i.kind = 'count' THEN 10 + (y + uw.unit_id) % 30
  ELSE (1000000 + ((y * 7 + uw.unit_id * 13 + i.sort) % 97) * 50000) * uw.weight END, 'bench'
FROM generate_series(2017, extract(year FROM :'today'::date)::int) y CROSS JOIN bench.uw CROSS JOIN budget_item i
WHERE i.prev_fallback IS NULL;

-- kept by triggers that replica mode skipped: the per-unit person counts (0067) and whether a
-- care plan's person is active (0068)
DELETE FROM person_tally;
INSERT INTO person_tally (unit_id, kind, dead, gone, n)
SELECT unit_id, kind, deceased_on IS NOT NULL, transferred_out_on IS NOT NULL, count(*) FROM person GROUP BY 1, 2, 3, 4;
UPDATE care_plan c SET active = (p.deceased_on IS NULL AND p.transferred_out_on IS NULL)
  FROM person p WHERE p.id = c.person_id AND c.active <> (p.deceased_on IS NULL AND p.transferred_out_on IS NULL);

SET session_replication_role = origin;
DROP SCHEMA bench CASCADE;
-- sequences behind explicit ids are untouched (ids came from the sequences); statistics and the
-- visibility map for index-only scans, as autovacuum would leave them
\echo 'vacuum analyze'
VACUUM ANALYZE;

SELECT json_build_object(
  'units', (SELECT count(*) FROM unit), 'staff', (SELECT count(*) FROM staff),
  'cadres', (SELECT count(*) FROM person WHERE kind = 'cadre'),
  'cadres_active', (SELECT count(*) FROM person WHERE kind = 'cadre' AND deceased_on IS NULL AND transferred_out_on IS NULL),
  'survivors', (SELECT count(*) FROM person WHERE kind = 'survivor'),
  'visits', (SELECT count(*) FROM visit), 'obligations', (SELECT count(*) FROM obligation),
  'obligations_open', (SELECT count(*) FROM obligation WHERE state = 'open'),
  'care_plans', (SELECT count(*) FROM care_plan), 'events', (SELECT count(*) FROM event),
  'payment_lines', (SELECT count(*) FROM payment_line), 'batches', (SELECT count(*) FROM batch),
  'enrolments', (SELECT count(*) FROM enrolment), 'branches', (SELECT count(*) FROM branch),
  'activities', (SELECT count(*) FROM activity),
  'database_bytes', pg_database_size(current_database()))::text AS dataset \gset
\echo DATASET :dataset
