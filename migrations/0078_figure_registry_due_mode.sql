-- Two figures of the casework extraction were missing from the registry
-- (docs/evaluation.md: every figure code, its label, kind and unit is in
-- yh.figure_registry): obligations.due, the denominator of 应访尽访率 and
-- 按时走访率 since 0071, and visits.by_mode. They had no label in the
-- evaluation document (figure_labels), in `evaluation explain` (label null),
-- in `evaluation diff` (name null) or on the workbook's 数据 sheet.
SET search_path = yh, pg_catalog;

INSERT INTO figure_def (code, label, kind, unit, module, sort, note) VALUES
  ('visits.by_mode', '按走访方式的走访人次', 'object', '人次', 'casework', 305, NULL),
  ('obligations.due', '到期应访事项', 'count', '项', 'casework', 319,
   'due in the period and not waived or cancelled: the denominator of 应访尽访率 and 按时走访率');
