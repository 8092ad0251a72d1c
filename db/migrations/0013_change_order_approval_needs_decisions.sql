-- A change order is approved only with an approving decision for every step of its route. Checked at
-- commit (a deferred constraint trigger), because the service moves the status and writes the final
-- decision in the same transaction; a direct UPDATE to 'approved' without the decisions is refused.
CREATE OR REPLACE FUNCTION change_orders_approval_needs_decisions() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  taken integer;
  required integer;
BEGIN
  IF NEW.status = 'approved' AND OLD.status IS DISTINCT FROM 'approved' THEN
    required := coalesce(jsonb_array_length(NEW.approval_route), 0);
    SELECT count(DISTINCT step) INTO taken FROM approval_decisions
      WHERE record_type = 'change_order' AND record_id = NEW.id AND decision = 'approved';
    IF required = 0 OR taken < required THEN
      RAISE EXCEPTION 'change order % cannot be approved: % of % approval steps are on record', NEW.reference, taken, required
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER change_orders_approval_needs_decisions AFTER UPDATE ON change_orders
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION change_orders_approval_needs_decisions();
