import { and, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { partners, projects, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { projectScope, seesAllProjects } from '@/server/auth/policy';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import { odooRecordUrl } from '@/server/modules/odoo-connection/odoo-config';
import { recordPullHistory } from '@/server/modules/pull/pull.queries';
import { vendorComplianceStateSql } from './compliance';
import type { ComplianceState } from './compliance.schemas';

const columns = {
  name: { sql: partners.name, filter: 'contains' },
  ref: { sql: partners.ref, filter: 'contains' },
  vat: { sql: partners.vat, filter: 'contains' },
  insuranceExpiresOn: { sql: partners.insuranceExpiresOn },
  licenceExpiresOn: { sql: partners.licenceExpiresOn },
  // the one compliance rule (compliance.ts): expired / missing / expiring / current, today
  compliance: { sql: vendorComplianceStateSql(), filter: 'equals' },
  lastPulledAt: { sql: partners.lastPulledAt },
} satisfies ListColumns;

/**
 * Vendors a person may see: every one for organisation-wide roles; for project people only those
 * with a subcontract on one of their projects (tax numbers and insurance dates are not for
 * everyone). Another project's vendor is NOT_FOUND, like an unknown id.
 */
function vendorScope(actor: Actor) {
  if (seesAllProjects(actor)) return sql`true`;
  return sql`EXISTS (SELECT 1 FROM ${subcontracts} WHERE ${subcontracts.vendorId} = ${partners.id} AND ${projectScope(actor, subcontracts.projectId)})`;
}

/** No bank field here, for anyone: the list never carries them. */
export type VendorListRow = {
  id: string;
  name: string;
  ref: string | null;
  vat: string | null;
  odooId: number | null;
  insuranceExpiresOn: string | null;
  licenceExpiresOn: string | null;
  compliance: ComplianceState;
  lastPulledAt: Date | null;
};

export async function listVendors(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<VendorListRow>> {
  const where = and(
    eq(partners.organisationId, actor.organisationId),
    eq(partners.isVendor, true),
    vendorScope(actor),
    listFilters(columns, input, ['name', 'ref', 'vat']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: partners.id,
      name: partners.name,
      ref: partners.ref,
      vat: partners.vat,
      odooId: partners.odooId,
      insuranceExpiresOn: partners.insuranceExpiresOn,
      licenceExpiresOn: partners.licenceExpiresOn,
      compliance: sql<VendorListRow['compliance']>`${columns.compliance.sql}`,
      lastPulledAt: partners.lastPulledAt,
    })
    .from(partners)
    .where(where)
    .orderBy(...listOrder(columns, input, [partners.name, partners.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(partners).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/**
 * One vendor. Bank details are left out of the object (not blanked) unless the actor holds
 * vendor.read_bank, so no other role's response ever carries them.
 */
export async function getVendor(db: DbOrTx, actor: Actor, vendorId: string) {
  const [row] = await db
    .select()
    .from(partners)
    .where(
      and(eq(partners.id, vendorId), eq(partners.organisationId, actor.organisationId), vendorScope(actor)),
    );
  if (!row) return null;
  const { bankAccountName, bankAccountNumber, organisationId: _org, ...rest } = row;
  void _org;
  const bank = hasPermission(actor.role, 'vendor.read_bank')
    ? { bank: { accountName: bankAccountName, accountNumber: bankAccountNumber } }
    : {};
  const vendorSubcontracts = await db
    .select({
      id: subcontracts.id,
      reference: subcontracts.reference,
      title: subcontracts.title,
      projectCode: projects.code,
      odooState: subcontracts.odooState,
    })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .where(and(eq(subcontracts.vendorId, vendorId), projectScope(actor, subcontracts.projectId)))
    .orderBy(subcontracts.reference);
  return {
    ...rest,
    ...bank,
    odooUrl: await odooRecordUrl(db, actor, 'res.partner', row.odooId),
    subcontracts: vendorSubcontracts,
    pullHistory: await recordPullHistory(db, 'partner', [row.id]),
  };
}

/**
 * A subcontractor's own vendor, the one vendor record they reach (their compliance certificates and
 * its documents) — never through getVendor, whose detail is the contractor's. Null for anyone else or
 * another vendor.
 */
export async function getOwnVendor(db: DbOrTx, actor: Actor, vendorId: string) {
  if (actor.role !== 'subcontractor' || !actor.vendorId || actor.vendorId !== vendorId) return null;
  const [own] = await db
    .select({ id: partners.id, name: partners.name, complianceSyncStatus: partners.complianceSyncStatus })
    .from(partners)
    .where(and(eq(partners.id, vendorId), eq(partners.organisationId, actor.organisationId)));
  return own ?? null;
}
