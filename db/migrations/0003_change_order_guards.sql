-- Guards that hold even when the application is bypassed.

-- An approved, rejected or void change order is history: only its sync state may move.
CREATE OR REPLACE FUNCTION change_orders_freeze_decided() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('approved', 'void') AND (
       NEW.status IS DISTINCT FROM OLD.status OR NEW.cost_total_amount IS DISTINCT FROM OLD.cost_total_amount
       OR NEW.sell_total_amount IS DISTINCT FROM OLD.sell_total_amount OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.title IS DISTINCT FROM OLD.title OR NEW.subcontract_id IS DISTINCT FROM OLD.subcontract_id
       OR NEW.project_id IS DISTINCT FROM OLD.project_id OR NEW.approval_route IS DISTINCT FROM OLD.approval_route) THEN
    RAISE EXCEPTION 'change order % is %: it cannot be edited (raise a new change order instead)', OLD.reference, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER change_orders_freeze_decided BEFORE UPDATE ON change_orders
FOR EACH ROW EXECUTE FUNCTION change_orders_freeze_decided();
--> statement-breakpoint
-- Lines change only while their change order is a draft.
CREATE OR REPLACE FUNCTION change_order_lines_draft_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  parent_status text;
BEGIN
  SELECT status INTO parent_status FROM change_orders WHERE id = coalesce(NEW.change_order_id, OLD.change_order_id);
  IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
    RAISE EXCEPTION 'lines of a % change order cannot change', parent_status USING ERRCODE = 'check_violation';
  END IF;
  RETURN coalesce(NEW, OLD);
END
$$;
--> statement-breakpoint
CREATE TRIGGER change_order_lines_draft_only BEFORE INSERT OR UPDATE OR DELETE ON change_order_lines
FOR EACH ROW EXECUTE FUNCTION change_order_lines_draft_only();
--> statement-breakpoint
-- Segregation of duties: nobody decides a step on a record they created or submitted.
CREATE OR REPLACE FUNCTION approval_decisions_no_self_approval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  author_ids uuid[];
BEGIN
  IF NEW.record_type = 'change_order' THEN
    SELECT ARRAY[created_by_id, submitted_by_id] INTO author_ids FROM change_orders WHERE id = NEW.record_id;
  END IF;
  IF author_ids IS NOT NULL AND NEW.decided_by_id = ANY(author_ids) THEN
    RAISE EXCEPTION 'self-approval refused: the author of % % cannot decide on it', NEW.record_type, NEW.record_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_no_self_approval BEFORE INSERT OR UPDATE ON approval_decisions
FOR EACH ROW EXECUTE FUNCTION approval_decisions_no_self_approval();
--> statement-breakpoint
-- Decisions are append-only, like the audit trail.
CREATE OR REPLACE FUNCTION approval_decisions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'approval_decisions is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_append_only BEFORE UPDATE OR DELETE ON approval_decisions
FOR EACH ROW EXECUTE FUNCTION approval_decisions_append_only();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION budget_revisions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER budget_revisions_append_only BEFORE UPDATE OR DELETE ON budget_revisions
FOR EACH ROW EXECUTE FUNCTION budget_revisions_append_only();
--> statement-breakpoint
CREATE TRIGGER contract_revisions_append_only BEFORE UPDATE OR DELETE ON contract_revisions
FOR EACH ROW EXECUTE FUNCTION budget_revisions_append_only();
