-- A party-branch post ends when its holder dies or is transferred out (on
-- that day), in the same transaction as the death or the transfer, with one
-- audit row per post ('branch.post_end', reason 去世 or 迁出). Before, the post
-- stayed open: the branch list kept showing the dead or departed secretary
-- as current, and appointing the successor was refused ('the post 书记 is
-- already held in this branch') until someone ended the post by hand. The
-- allowance does not change: it already stopped after the month of the death
-- or transfer (0072), and a post held on a month's first day still counts.
-- Posts of persons who left before this migration end likewise (one audit row).
SET search_path = yh, pg_catalog;

CREATE FUNCTION branch_posts_end_left(p_person bigint, p_on date, p_why text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    UPDATE yh.branch_post bp SET to_on = p_on
      FROM yh.branch_post old
     WHERE old.id = bp.id AND bp.person_id = p_person AND bp.from_on <= p_on
       AND (bp.to_on IS NULL OR bp.to_on > p_on)
    RETURNING bp.uid, bp.post, bp.from_on, old.to_on AS old_to,
              (SELECT b.uid FROM yh.branch b WHERE b.id = bp.branch_id) AS branch
  LOOP
    PERFORM yh.audit_add(NULL, 'system', NULL, 'branch.post_end', 'branch', r.branch::text,
      jsonb_build_object('post', r.uid, 'to_on', r.old_to),
      jsonb_build_object('post', r.uid, 'title', r.post, 'from_on', r.from_on, 'to_on', p_on, 'reason', p_why));
  END LOOP;
END $$;

CREATE FUNCTION person_posts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.deceased_on IS NOT NULL AND OLD.deceased_on IS NULL THEN
    PERFORM yh.branch_posts_end_left(NEW.id, NEW.deceased_on, '去世');
  END IF;
  IF NEW.transferred_out_on IS NOT NULL AND OLD.transferred_out_on IS NULL THEN
    PERFORM yh.branch_posts_end_left(NEW.id, NEW.transferred_out_on, '迁出');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER person_posts_sync AFTER UPDATE OF deceased_on, transferred_out_on ON person
  FOR EACH ROW EXECUTE FUNCTION person_posts_sync();

WITH ended AS (
  UPDATE branch_post bp SET to_on = least(p.deceased_on, p.transferred_out_on)
    FROM person p
   WHERE p.id = bp.person_id AND least(p.deceased_on, p.transferred_out_on) IS NOT NULL
     AND bp.from_on <= least(p.deceased_on, p.transferred_out_on)
     AND (bp.to_on IS NULL OR bp.to_on > least(p.deceased_on, p.transferred_out_on))
  RETURNING bp.id)
INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, after)
SELECT NULL, 'system', 'branch.post_end', 'branch', NULL,
       jsonb_build_object('posts', count(*), 'why', 'migration 0077: the holder had died or been transferred out')
  FROM ended HAVING count(*) > 0;
