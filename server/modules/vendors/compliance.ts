import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { partners } from '@/db/schema';
import { organisationToday } from '@/server/lib/org-time';
import type { ComplianceState, ComplianceType } from './compliance.schemas';

/**
 * THE compliance rule (DOMAIN §8, issue 19), asked by everything that needs it: claim release, the
 * exception rules, the vendor lists and register, the commitment change-order checks and the Odoo
 * partner tag. The rule itself is SQL (`compliance_item_state`, `vendor_compliance_state`,
 * `partner_compliance_state`, migration `compliance_rule_guards`) because the database guard on change
 * orders needs it too; this module is its TypeScript face and never restates it.
 *
 * On a given day a certificate is missing (no date), expired (its date is before the day), expiring
 * (within 30 days) or current. A vendor is expired when any recorded certificate (insurance, licence,
 * tax) has expired — the one state that blocks: releases, new commitment change orders, and the
 * "Compliance: expired" tag on its Odoo partner. "Today" is the organisation's (org_today()).
 */

/** The partner column that holds each certificate type's expiry date. */
export const complianceDateColumn = {
  insurance: 'insuranceExpiresOn',
  licence: 'licenceExpiresOn',
  tax: 'taxCertificateExpiresOn',
} as const satisfies Record<ComplianceType, keyof typeof partners.$inferSelect>;

/** The vendor's state on `on` (SQL date), as an SQL expression over `partners` in the query. */
export function vendorComplianceStateSql(on?: SQLWrapper | string): SQL<ComplianceState> {
  const day = on === undefined ? sql`org_today(${partners.organisationId})` : sql`${on}::date`;
  return sql<ComplianceState>`vendor_compliance_state(${partners.insuranceExpiresOn}, ${partners.licenceExpiresOn}, ${partners.taxCertificateExpiresOn}, ${day})`;
}

/** One certificate date's state on `on`, as SQL. */
export function itemComplianceStateSql(expires: SQLWrapper, on: SQLWrapper | string): SQL<ComplianceState> {
  return sql<ComplianceState>`compliance_item_state(${expires}, ${on}::date)`;
}

export type VendorCompliance = {
  vendorId: string;
  vendorName: string;
  /** The day judged (YYYY-MM-DD). */
  on: string;
  state: ComplianceState;
  items: { type: ComplianceType; expiresOn: string | null; state: ComplianceState }[];
  /** In words, when expired: which certificate expired on which date. */
  reason: string | null;
};

const typeLabel: Record<ComplianceType, string> = {
  insurance: 'insurance',
  licence: 'licence',
  tax: 'tax certificate',
};

/**
 * The vendor's compliance on `on` (default: the organisation's today), read from the database rule.
 * null when the vendor does not exist.
 */
export async function vendorComplianceOn(
  db: DbOrTx,
  vendorId: string,
  on?: string,
): Promise<VendorCompliance | null> {
  const rows = (
    await db.execute<{
      name: string;
      organisation_id: string;
      insurance: string | null;
      licence: string | null;
      tax: string | null;
      day: string;
    }>(sql`
      SELECT p.name, p.organisation_id, p.insurance_expires_on::text AS insurance, p.licence_expires_on::text AS licence,
             p.tax_certificate_expires_on::text AS tax, coalesce(${on ?? null}::date, org_today(p.organisation_id))::text AS day
        FROM partners p WHERE p.id = ${vendorId}::uuid`)
  ).rows;
  const row = rows[0];
  if (!row) return null;
  const states = (
    await db.execute<{
      insurance: ComplianceState;
      licence: ComplianceState;
      tax: ComplianceState;
      vendor: ComplianceState;
    }>(sql`
      SELECT compliance_item_state(${row.insurance}::date, ${row.day}::date) AS insurance,
             compliance_item_state(${row.licence}::date, ${row.day}::date) AS licence,
             compliance_item_state(${row.tax}::date, ${row.day}::date) AS tax,
             vendor_compliance_state(${row.insurance}::date, ${row.licence}::date, ${row.tax}::date, ${row.day}::date) AS vendor`)
  ).rows[0]!;
  const items = (['insurance', 'licence', 'tax'] as const).map((type) => ({
    type,
    expiresOn: row[type],
    state: states[type],
  }));
  const expired = items.filter((i) => i.state === 'expired');
  return {
    vendorId,
    vendorName: row.name,
    on: row.day,
    state: states.vendor,
    items,
    reason:
      expired.length > 0
        ? `${row.name}'s ${expired.map((i) => `${typeLabel[i.type]} expired on ${i.expiresOn}`).join(' and ')} (judged on ${row.day}).`
        : null,
  };
}

/** Whether the vendor is compliant enough to be paid or given new commitments on `on` (today by default). */
export async function complianceBlock(db: DbOrTx, vendorId: string, on?: string): Promise<string | null> {
  const compliance = await vendorComplianceOn(db, vendorId, on);
  return compliance?.state === 'expired' ? compliance.reason : null;
}

/** The later of two ISO dates: a claim is judged on its period end or today, whichever is later. */
export async function laterOfTodayAnd(db: DbOrTx, organisationId: string, date: string): Promise<string> {
  const today = await organisationToday(db, organisationId);
  return today > date ? today : date;
}
