-- Issue 19: what a subcontractor login can never be, with the application bypassed. Role literals
-- are compared as text: the 'subcontractor' enum value is added by 0030 in the same transaction.

-- A subcontractor is never a project member (projects are the internal people's scope).
CREATE OR REPLACE FUNCTION project_members_no_subcontractor() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND role::text = 'subcontractor') THEN
    RAISE EXCEPTION 'a subcontractor login is never a project member' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER project_members_no_subcontractor BEFORE INSERT OR UPDATE ON project_members
FOR EACH ROW EXECUTE FUNCTION project_members_no_subcontractor();
--> statement-breakpoint
-- A claim a subcontractor creates, submits or declares is one of their own vendor's; a subcontractor
-- never certifies, approves or releases (those steps are the contractor's).
CREATE OR REPLACE FUNCTION claims_subcontractor_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  claim_vendor uuid;
  person record;
BEGIN
  SELECT vendor_id INTO claim_vendor FROM subcontracts WHERE id = NEW.subcontract_id;
  FOR person IN
    SELECT u.id, u.vendor_id FROM users u
    WHERE u.role::text = 'subcontractor'
      AND u.id IN (NEW.created_by_id, NEW.submitted_by_id, NEW.declared_by_id)
  LOOP
    IF person.vendor_id IS DISTINCT FROM claim_vendor THEN
      RAISE EXCEPTION 'a subcontractor acts only on claims of their own vendor' USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  IF EXISTS (
    SELECT 1 FROM users u
    WHERE u.role::text = 'subcontractor'
      AND u.id IN (NEW.certified_by_id, NEW.approved_by_id, NEW.released_by_id)
  ) THEN
    RAISE EXCEPTION 'a subcontractor never certifies, approves or releases a claim' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER claims_subcontractor_scope BEFORE INSERT OR UPDATE ON claims
FOR EACH ROW EXECUTE FUNCTION claims_subcontractor_scope();
--> statement-breakpoint
-- A subcontractor decides no approval step.
CREATE OR REPLACE FUNCTION approval_decisions_no_subcontractor() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM users WHERE id = NEW.decided_by_id AND role::text = 'subcontractor') THEN
    RAISE EXCEPTION 'a subcontractor decides no approval step' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_no_subcontractor BEFORE INSERT OR UPDATE ON approval_decisions
FOR EACH ROW EXECUTE FUNCTION approval_decisions_no_subcontractor();
--> statement-breakpoint
-- An invitation is accepted once, never reopened, and its token and addressee never change.
CREATE OR REPLACE FUNCTION vendor_invitations_single_use() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'invitations are kept (revoke one instead)' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.token_sha256 IS DISTINCT FROM OLD.token_sha256 OR NEW.email IS DISTINCT FROM OLD.email
     OR NEW.vendor_id IS DISTINCT FROM OLD.vendor_id OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'an invitation''s token, addressee, vendor and expiry never change' USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.accepted_at IS NOT NULL AND NEW.accepted_at IS DISTINCT FROM OLD.accepted_at THEN
    RAISE EXCEPTION 'an invitation is accepted once' USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'a revoked invitation stays revoked' USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.accepted_at IS NULL AND NEW.accepted_at IS NOT NULL
     AND (OLD.revoked_at IS NOT NULL OR OLD.expires_at <= now()) THEN
    RAISE EXCEPTION 'a revoked or expired invitation cannot be accepted' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER vendor_invitations_single_use BEFORE UPDATE OR DELETE ON vendor_invitations
FOR EACH ROW EXECUTE FUNCTION vendor_invitations_single_use();
