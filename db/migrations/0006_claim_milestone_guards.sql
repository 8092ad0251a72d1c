-- Segregation of duties for every workflow, enforced again below the application:
--   change orders: the author and the submitter decide no step;
--   claims: the author may certify (the QS values the application they entered) but neither approve
--           nor release; one person one step is the unique index on approval_decisions;
--   milestones: the author and the person who claimed completion neither verify nor release.
CREATE OR REPLACE FUNCTION approval_decisions_no_self_approval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  author_ids uuid[];
BEGIN
  IF NEW.record_type = 'change_order' THEN
    SELECT ARRAY[created_by_id, submitted_by_id] INTO author_ids FROM change_orders WHERE id = NEW.record_id;
  ELSIF NEW.record_type = 'claim' AND NEW.decision = 'approved' AND NEW.step_name <> 'certify' THEN
    SELECT ARRAY[created_by_id, submitted_by_id] INTO author_ids FROM claims WHERE id = NEW.record_id;
  ELSIF NEW.record_type = 'milestone' AND NEW.decision = 'approved' AND NEW.step_name IN ('verify', 'release') THEN
    SELECT ARRAY[created_by_id, completion_claimed_by_id] INTO author_ids FROM milestones WHERE id = NEW.record_id;
  END IF;
  IF author_ids IS NOT NULL AND NEW.decided_by_id = ANY(author_ids) THEN
    RAISE EXCEPTION 'self-approval refused: the author of % % cannot decide on it', NEW.record_type, NEW.record_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- An approved claim's money is history: the bill, the certificate and the next claim read it.
CREATE OR REPLACE FUNCTION claims_freeze_approved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('approved', 'released', 'posted', 'paid') AND (
       NEW.certified_to_date_amount IS DISTINCT FROM OLD.certified_to_date_amount
       OR NEW.completed_to_date_amount IS DISTINCT FROM OLD.completed_to_date_amount
       OR NEW.retention_held_to_date_amount IS DISTINCT FROM OLD.retention_held_to_date_amount
       OR NEW.deductions_to_date_amount IS DISTINCT FROM OLD.deductions_to_date_amount
       OR NEW.net_to_date_amount IS DISTINCT FROM OLD.net_to_date_amount
       OR NEW.due_amount IS DISTINCT FROM OLD.due_amount
       OR NEW.materials_stored_to_date_amount IS DISTINCT FROM OLD.materials_stored_to_date_amount) THEN
    RAISE EXCEPTION 'claim % is %: its certified amounts cannot change', OLD.reference, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER claims_freeze_approved BEFORE UPDATE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_freeze_approved();
--> statement-breakpoint
-- Claim lines change only before certification completes (draft or submitted claims).
CREATE OR REPLACE FUNCTION claim_lines_open_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  parent_status text;
BEGIN
  SELECT status INTO parent_status FROM claims WHERE id = coalesce(NEW.claim_id, OLD.claim_id);
  IF parent_status IS NOT NULL AND parent_status NOT IN ('draft', 'submitted') THEN
    RAISE EXCEPTION 'lines of a % claim cannot change', parent_status USING ERRCODE = 'check_violation';
  END IF;
  RETURN coalesce(NEW, OLD);
END
$$;
--> statement-breakpoint
CREATE TRIGGER claim_lines_open_only BEFORE INSERT OR UPDATE OR DELETE ON claim_lines
FOR EACH ROW EXECUTE FUNCTION claim_lines_open_only();
--> statement-breakpoint
CREATE TRIGGER claim_deductions_open_only BEFORE INSERT OR UPDATE OR DELETE ON claim_deductions
FOR EACH ROW EXECUTE FUNCTION claim_lines_open_only();
