-- Dual control on what redirects money (issue 13 item 6). The kinds of change come from
-- `dualControlDefinitions` (server/modules/approvals/dual-control.ts; a test fails when they differ).
-- The guards below refuse, for every role, a change of vendor bank details, insurance/licence expiry,
-- a grant of approval rights or a second-factor reset unless a second person confirmed exactly that
-- change in the same transaction. The approver roles are read from approval_step_definitions, the
-- approvals engine's own definitions: one rule in one place.

INSERT INTO dual_control_kinds (kind, subject_table, requester_roles, confirmer_roles) VALUES
  ('vendor_bank', 'partners', ARRAY['finance'], ARRAY['executive']),
  ('vendor_compliance', 'partners', ARRAY['finance'], ARRAY['executive']),
  ('role_grant', 'users', ARRAY['admin'], ARRAY['executive']),
  ('mfa_reset', 'users', ARRAY['admin'], ARRAY['admin', 'executive']);
--> statement-breakpoint
-- Open MFA reset requests move into the one mechanism (confirmed ones are in the audit trail).
INSERT INTO pending_changes (organisation_id, kind, subject_id, payload, summary, requested_by_id, requested_at)
SELECT u.organisation_id, 'mfa_reset', r.user_id, '{}'::jsonb, jsonb_build_object('userName', u.name, 'email', u.email), r.requested_by_id, r.requested_at
  FROM mfa_reset_requests r JOIN users u ON u.id = r.user_id
 WHERE r.confirmed_at IS NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION current_xact_number() RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT pg_current_xact_id()::text::bigint $$;
--> statement-breakpoint
-- Roles that hold an approval step anywhere (QS, PM, executive, finance): granting one confers approval rights.
CREATE OR REPLACE FUNCTION is_approver_role(p_role text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM approval_step_definitions d WHERE p_role = ANY (d.roles))
$$;
--> statement-breakpoint
-- The request itself: asked by a role the kind allows, never about oneself; decided once, by a
-- second person holding a confirming role now; never deleted, never rewritten.
CREATE OR REPLACE FUNCTION pending_changes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k dual_control_kinds;
  person users;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'dual control: a requested change is never deleted' USING ERRCODE = 'check_violation';
  END IF;
  SELECT * INTO k FROM dual_control_kinds WHERE kind = NEW.kind;
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO person FROM users WHERE id = NEW.requested_by_id;
    IF NEW.status <> 'pending' OR NEW.decided_by_id IS NOT NULL OR NEW.applied_xact IS NOT NULL THEN
      RAISE EXCEPTION 'dual control: a change is requested as pending; a second person decides it' USING ERRCODE = 'check_violation';
    END IF;
    IF person.id IS NULL OR NOT person.is_active OR person.organisation_id <> NEW.organisation_id OR NOT (person.role::text = ANY (k.requester_roles)) THEN
      RAISE EXCEPTION 'dual control: a % change is requested by %', NEW.kind, array_to_string(k.requester_roles, ' or ') USING ERRCODE = 'check_violation';
    END IF;
    IF k.subject_table = 'users' AND NEW.subject_id = NEW.requested_by_id THEN
      RAISE EXCEPTION 'dual control: nobody requests a % for themselves', NEW.kind USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'dual control: change % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.id, NEW.organisation_id, NEW.kind, NEW.subject_id, NEW.payload, NEW.summary, NEW.requested_by_id, NEW.requested_at)
     IS DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.kind, OLD.subject_id, OLD.payload, OLD.summary, OLD.requested_by_id, OLD.requested_at) THEN
    RAISE EXCEPTION 'dual control: what was requested cannot be changed; cancel it and ask again' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status IN ('confirmed', 'rejected') THEN
    SELECT * INTO person FROM users WHERE id = NEW.decided_by_id;
    IF person.id IS NULL OR NOT person.is_active OR person.organisation_id <> NEW.organisation_id OR NOT (person.role::text = ANY (k.confirmer_roles)) THEN
      RAISE EXCEPTION 'dual control: a % change is decided by %', NEW.kind, array_to_string(k.confirmer_roles, ' or ') USING ERRCODE = 'check_violation';
    END IF;
    IF k.subject_table = 'users' AND NEW.decided_by_id = NEW.subject_id THEN
      RAISE EXCEPTION 'dual control: nobody decides a % about themselves', NEW.kind USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW.status = 'confirmed' AND NEW.applied_xact IS DISTINCT FROM current_xact_number() THEN
    RAISE EXCEPTION 'dual control: a change is applied in the transaction that confirms it' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER pending_changes_guard BEFORE INSERT OR UPDATE OR DELETE ON pending_changes
FOR EACH ROW EXECUTE FUNCTION pending_changes_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION confirmed_change_applies(p_kind text, p_subject uuid, p_check jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pending_changes c
                  WHERE c.kind = p_kind AND c.subject_id = p_subject AND c.status = 'confirmed'
                    AND c.applied_xact = current_xact_number() AND c.payload @> p_check AND p_check @> (c.payload - 'activate' - 'newAccount'))
$$;
--> statement-breakpoint
-- Vendor bank details and compliance dates change only with exactly what a second person confirmed.
CREATE OR REPLACE FUNCTION partners_dual_control() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.bank_account_name, NEW.bank_account_number) IS DISTINCT FROM (OLD.bank_account_name, OLD.bank_account_number)
     AND NOT confirmed_change_applies('vendor_bank', NEW.id, jsonb_build_object('bankAccountName', NEW.bank_account_name, 'bankAccountNumber', NEW.bank_account_number)) THEN
    RAISE EXCEPTION 'dual control: bank details of vendor % change only when a second person confirms the request', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.insurance_expires_on, NEW.licence_expires_on) IS DISTINCT FROM (OLD.insurance_expires_on, OLD.licence_expires_on)
     AND NOT confirmed_change_applies('vendor_compliance', NEW.id, jsonb_build_object('insuranceExpiresOn', NEW.insurance_expires_on, 'licenceExpiresOn', NEW.licence_expires_on)) THEN
    RAISE EXCEPTION 'dual control: insurance and licence expiry of vendor % change only when a second person confirms the request', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER partners_dual_control BEFORE UPDATE ON partners
FOR EACH ROW EXECUTE FUNCTION partners_dual_control();
--> statement-breakpoint
-- A user gains approval rights (an approver role, or reactivation holding one) only when confirmed.
CREATE OR REPLACE FUNCTION users_dual_control() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.is_active AND is_approver_role(NEW.role::text)
     AND (NEW.role IS DISTINCT FROM OLD.role OR NOT OLD.is_active)
     AND NOT confirmed_change_applies('role_grant', NEW.id, jsonb_build_object('role', NEW.role::text)) THEN
    RAISE EXCEPTION 'dual control: user % gains approval rights (%) only when an executive confirms the grant', NEW.id, NEW.role
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_dual_control BEFORE UPDATE ON users
FOR EACH ROW EXECUTE FUNCTION users_dual_control();
--> statement-breakpoint
-- A second factor is removed only by a confirmed reset.
CREATE OR REPLACE FUNCTION user_mfa_dual_control() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.enabled_at IS NOT NULL AND NOT confirmed_change_applies('mfa_reset', OLD.user_id, '{}'::jsonb) THEN
    RAISE EXCEPTION 'dual control: the second factor of user % is removed only by a reset a second person confirmed', OLD.user_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER user_mfa_dual_control BEFORE DELETE ON user_mfa
FOR EACH ROW EXECUTE FUNCTION user_mfa_dual_control();
