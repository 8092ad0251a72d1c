-- Segregation of duties on approval_decisions, closing the holes pinned by
-- server/testing/segregation-of-duties.db.test.ts:
--  * the "author may certify" exemption no longer trusts a free-text step name (step numbers and names
--    are tied together);
--  * only milestones use approval cycles, and a milestone decision must be filed in its current cycle
--    (a rejection in the cycle it just closed), so a second step cannot hide under another cycle.
-- NOT VALID: enforced on every new row; decisions written before 0008 numbered milestone steps by version
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_step_names"
  CHECK (("record_type" <> 'claim' OR ("step", "step_name") IN ((1, 'certify'), (2, 'approve'), (3, 'release')))
     AND ("record_type" <> 'milestone' OR ("step", "step_name") IN ((1, 'claim_completion'), (2, 'verify'), (3, 'release')))) NOT VALID;
--> statement-breakpoint
-- change orders and claims are revised as new records: one cycle each
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_single_cycle"
  CHECK ("record_type" = 'milestone' OR "cycle" = 1);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION approval_decisions_no_self_approval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  author_ids uuid[];
  current_cycle integer;
BEGIN
  IF NEW.record_type = 'change_order' THEN
    SELECT ARRAY[created_by_id, submitted_by_id] INTO author_ids FROM change_orders WHERE id = NEW.record_id;
  ELSIF NEW.record_type = 'claim' AND NEW.decision = 'approved' AND NEW.step_name <> 'certify' THEN
    SELECT ARRAY[created_by_id, submitted_by_id] INTO author_ids FROM claims WHERE id = NEW.record_id;
  ELSIF NEW.record_type = 'milestone' THEN
    SELECT cycle INTO current_cycle FROM milestones WHERE id = NEW.record_id;
    -- an approval belongs to the current cycle; a rejection is written just after it closed its cycle
    IF current_cycle IS NOT NULL AND NOT (NEW.cycle = current_cycle OR (NEW.decision = 'rejected' AND NEW.cycle = current_cycle - 1)) THEN
      RAISE EXCEPTION 'decision on milestone % filed under cycle %, but its current cycle is %', NEW.record_id, NEW.cycle, current_cycle
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.decision = 'approved' AND NEW.step_name IN ('verify', 'release') THEN
      SELECT ARRAY[created_by_id, completion_claimed_by_id] INTO author_ids FROM milestones WHERE id = NEW.record_id;
    END IF;
  END IF;
  IF author_ids IS NOT NULL AND NEW.decided_by_id = ANY(author_ids) THEN
    RAISE EXCEPTION 'self-approval refused: the author of % % cannot decide on it', NEW.record_type, NEW.record_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
