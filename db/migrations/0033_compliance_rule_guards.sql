-- Vendor compliance (issue 19): ONE rule, here, that every check asks (server/modules/vendors/compliance.ts
-- calls these functions; claim release, the exception rules, the vendor lists, the commitment-CO guard
-- and the Odoo partner tag all go through them). "Today" is org_today() (migration 0026).
--
-- A certificate's date on a given day: not recorded → missing; before the day → expired (a certificate
-- expiring today still covers today); within the next 30 days → expiring; else current.
CREATE OR REPLACE FUNCTION compliance_item_state(p_expires date, p_on date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_expires IS NULL THEN 'missing'
    WHEN p_expires < p_on THEN 'expired'
    WHEN p_expires < p_on + 30 THEN 'expiring'
    ELSE 'current'
  END
$$;
--> statement-breakpoint
-- A vendor on a given day: expired if any recorded certificate (insurance, licence, tax) has expired;
-- else missing if the insurance or the licence is not recorded (a tax certificate is not required of
-- every vendor); else expiring if any expires within 30 days; else current. Only 'expired' blocks.
CREATE OR REPLACE FUNCTION vendor_compliance_state(p_insurance date, p_licence date, p_tax date, p_on date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN 'expired' IN (compliance_item_state(p_insurance, p_on), compliance_item_state(p_licence, p_on), compliance_item_state(p_tax, p_on)) THEN 'expired'
    WHEN p_insurance IS NULL OR p_licence IS NULL THEN 'missing'
    WHEN 'expiring' IN (compliance_item_state(p_insurance, p_on), compliance_item_state(p_licence, p_on), compliance_item_state(p_tax, p_on)) THEN 'expiring'
    ELSE 'current'
  END
$$;
--> statement-breakpoint
-- A partner's state on a day (its organisation's today when none is given).
CREATE OR REPLACE FUNCTION partner_compliance_state(p_partner uuid, p_on date DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT vendor_compliance_state(p.insurance_expires_on, p.licence_expires_on, p.tax_certificate_expires_on,
                                 coalesce(p_on, org_today(p.organisation_id)))
    FROM partners p WHERE p.id = p_partner
$$;
--> statement-breakpoint
-- Compliance dates (now including the tax certificate's) change only with exactly what a second person
-- confirmed (replaces the function of migration 0024; the trigger stays). A request asked for before
-- the tax column existed carries no tax key: it applies when the tax date does not move.
CREATE OR REPLACE FUNCTION partners_dual_control() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.bank_account_name, NEW.bank_account_number) IS DISTINCT FROM (OLD.bank_account_name, OLD.bank_account_number)
     AND NOT confirmed_change_applies('vendor_bank', NEW.id, jsonb_build_object('bankAccountName', NEW.bank_account_name, 'bankAccountNumber', NEW.bank_account_number)) THEN
    RAISE EXCEPTION 'dual control: bank details of vendor % change only when a second person confirms the request', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.insurance_expires_on, NEW.licence_expires_on, NEW.tax_certificate_expires_on)
       IS DISTINCT FROM (OLD.insurance_expires_on, OLD.licence_expires_on, OLD.tax_certificate_expires_on)
     AND NOT confirmed_change_applies('vendor_compliance', NEW.id, jsonb_build_object('insuranceExpiresOn', NEW.insurance_expires_on, 'licenceExpiresOn', NEW.licence_expires_on, 'taxCertificateExpiresOn', NEW.tax_certificate_expires_on))
     AND NOT (NEW.tax_certificate_expires_on IS NOT DISTINCT FROM OLD.tax_certificate_expires_on
              AND confirmed_change_applies('vendor_compliance', NEW.id, jsonb_build_object('insuranceExpiresOn', NEW.insurance_expires_on, 'licenceExpiresOn', NEW.licence_expires_on))) THEN
    RAISE EXCEPTION 'dual control: insurance, licence and tax certificate expiry of vendor % change only when a second person confirms the request', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- No new commitment change order for a vendor whose compliance has expired: refused when one is created
-- (a first revision), moved onto such a vendor, submitted, or finally approved. Revisions of an existing
-- CO (revision > 1) and the non-final approval steps are not "new"; its final approval is checked.
CREATE OR REPLACE FUNCTION change_orders_vendor_compliance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_vendor partners;
  v_state text;
BEGIN
  IF NEW.kind <> 'commitment' OR NEW.subcontract_id IS NULL THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.revision > 1 THEN RETURN NEW; END IF;
  ELSIF NOT (
    (NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('submitted', 'approved'))
    OR (NEW.subcontract_id IS DISTINCT FROM OLD.subcontract_id)
    OR (NEW.kind IS DISTINCT FROM OLD.kind)
  ) THEN
    RETURN NEW;
  END IF;
  SELECT p.* INTO v_vendor FROM subcontracts s JOIN partners p ON p.id = s.vendor_id WHERE s.id = NEW.subcontract_id;
  IF v_vendor.id IS NULL THEN RETURN NEW; END IF;
  v_state := partner_compliance_state(v_vendor.id);
  IF v_state = 'expired' THEN
    RAISE EXCEPTION 'compliance: % is not compliant (a certificate has expired); no new commitment change order for it', v_vendor.name
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER change_orders_vendor_compliance BEFORE INSERT OR UPDATE ON change_orders
FOR EACH ROW EXECUTE FUNCTION change_orders_vendor_compliance();
--> statement-breakpoint
-- A compliance document is reviewed once (submitted → accepted | rejected); what was submitted never
-- changes and nothing is deleted.
CREATE OR REPLACE FUNCTION compliance_documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a compliance document is never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'submitted' THEN
      RAISE EXCEPTION 'a compliance document is submitted first, then reviewed' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = NEW.document_id AND d.record_type = 'vendor'
                      AND d.record_id = NEW.vendor_id AND d.organisation_id = NEW.organisation_id AND d.removed_at IS NULL) THEN
      RAISE EXCEPTION 'a compliance document is a document of its vendor' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status <> 'submitted' THEN
    RAISE EXCEPTION 'compliance document % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.id, NEW.organisation_id, NEW.vendor_id, NEW.document_id, NEW.type, NEW.expires_on, NEW.submitted_by_id, NEW.submitted_at)
     IS DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.vendor_id, OLD.document_id, OLD.type, OLD.expires_on, OLD.submitted_by_id, OLD.submitted_at) THEN
    RAISE EXCEPTION 'what was submitted cannot be changed; submit the certificate again' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = 'accepted' AND NOT EXISTS (
       SELECT 1 FROM pending_changes c WHERE c.id = NEW.pending_change_id AND c.kind = 'vendor_compliance'
          AND c.subject_id = NEW.vendor_id
          AND c.payload ->> CASE NEW.type WHEN 'insurance' THEN 'insuranceExpiresOn' WHEN 'licence' THEN 'licenceExpiresOn' ELSE 'taxCertificateExpiresOn' END = NEW.expires_on::text) THEN
    RAISE EXCEPTION 'an accepted certificate asks for its own expiry date through dual control' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER compliance_documents_guard BEFORE INSERT OR UPDATE OR DELETE ON compliance_documents
FOR EACH ROW EXECUTE FUNCTION compliance_documents_guard();
