-- A roster CSV of n new cadres for the import benchmark (scripts/bench), as a
-- bureau's spreadsheet would have it: Chinese headers, valid 18-digit ID
-- numbers (region 44:region, so each file is new), units by code.
--   psql -At -v n=100000 -v region=12 -f bench/import_csv.sql > cadres.csv
\set ON_ERROR_STOP on
CREATE TEMP TABLE ic AS
SELECT g, (DATE '1935-01-01' + (g * 7) % 11000) AS birth, CASE WHEN g % 5 < 3 THEN '男' ELSE '女' END AS sex,
  (ARRAY['chikan','xiashan','potou','mazhang','maonan','dianbai','gaozhou','huazhou'])[1 + g % 8] AS unit
FROM generate_series(1, :n) g;
CREATE TEMP TABLE ic2 AS
SELECT ic.*, '44' || lpad(:region::text, 2, '0') || lpad((1 + g % 20)::text, 2, '0') || to_char(birth, 'YYYYMMDD')
  || lpad((2 * row_number() OVER (PARTITION BY g % 20, birth ORDER BY g) + CASE WHEN sex = '男' THEN 1 ELSE 0 END)::text, 3, '0') AS body
FROM ic;
COPY (
  SELECT (ARRAY['王','李','张','刘','陈','杨','黄','赵'])[1 + g % 8] || (ARRAY['建国','秀英','志明','丽华','卫东','玉兰'])[1 + g % 6] AS "姓名",
    sex AS "性别",
    body || substr('10X98765432', 1 + ((SELECT sum(substr(body, k::int, 1)::int * w) FROM unnest(ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
      WITH ORDINALITY AS t(w, k)) % 11)::int, 1) AS "身份证号码",
    to_char(birth, 'YYYY-MM-DD') AS "出生日期", '退休' AS "类别", '湛江市某局' AS "原工作单位",
    (ARRAY['正处级','副处级','正科级','副科级'])[1 + g % 4] AS "职级",
    to_char(birth + interval '20 years', 'YYYY-MM-DD') AS "参加工作时间",
    to_char(birth + interval '60 years', 'YYYY-MM-DD') AS "离退休时间",
    unit AS "单位", '人民大道中' || (g % 500) || '号' AS "地址", '13' || lpad((g * 7919 % 1000000000)::text, 9, '0') AS "电话",
    (ARRAY['独居','空巢','与子女同住'])[1 + g % 3] AS "居住状况", (ARRAY['自理','半失能','失能'])[1 + g % 3] AS "照护等级",
    CASE WHEN g % 3 = 0 THEN '否' ELSE '是' END AS "党员"
  FROM ic2 ORDER BY g
) TO STDOUT WITH (FORMAT csv, HEADER);
