-- Operational gauges for /metrics: must-visits overdue and batches awaiting approval.
SET search_path = yh, pg_catalog;

-- partial index: the gauge counts only open obligations past their due date
CREATE INDEX IF NOT EXISTS obligation_open_due ON obligation (due_on) WHERE state = 'open';

ALTER FUNCTION metric_gauges() RENAME TO metric_gauges_before_operations;
CREATE FUNCTION metric_gauges() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT yh.metric_gauges_before_operations()
      || '# HELP yinhui_obligations_overdue Open must-visit obligations past their due date (Asia/Shanghai).' || E'\n'
      || '# TYPE yinhui_obligations_overdue gauge' || E'\n'
      || 'yinhui_obligations_overdue ' || (SELECT count(*) FROM yh.obligation o JOIN yh.person p ON p.id = o.person_id
           WHERE o.state = 'open' AND o.due_on < yh.today()
             AND (p.deceased_on IS NULL OR o.occasion = '临终去世') AND p.transferred_out_on IS NULL) || E'\n'
      || '# HELP yinhui_batches_awaiting_approval Payment batches generated and not yet approved.' || E'\n'
      || '# TYPE yinhui_batches_awaiting_approval gauge' || E'\n'
      || 'yinhui_batches_awaiting_approval ' || (SELECT count(*) FROM yh.batch WHERE state = 'draft') || E'\n'
$$;
