import { and, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { odooUnlinkedRecords, projects, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import { createConfiguredOdooClient, readOdooMappings } from './odoo-config';
import { describeOdooError } from './odoo-error-text';
import { distinctCostCodes, projectCompanies, RETENTION_ACCOUNT_TYPES } from './odoo-setup-guide.service';
import { SETUP_STEPS, type MappingKey } from './odoo-setup-steps';

type Option = { id: number; label: string };
const REQUIRED: MappingKey[] = [
  'retentionPayableAccountId',
  'retentionReceivableAccountId',
  'changeOrderProductId',
  'costCodePlanId',
];

/**
 * The setup page's Odoo side, read live: for each required setting what is chosen and what Odoo has
 * that could be chosen (discovered by type, never picked automatically), and the cost codes with or
 * without their analytic account in the chosen plan.
 */
export async function getOdooSetupGuide(db: DbOrTx, actor: Actor) {
  const configured = await createConfiguredOdooClient(db, actor.organisationId);
  if (!configured)
    throw new DomainError(
      'ODOO_NOT_CONFIGURED',
      'No Odoo connection is configured: save one on Admin → Odoo first.',
    );
  const { client, config } = configured;
  const mappings = await readOdooMappings(db, actor.organisationId);
  try {
    const major = (await client.version()).major;
    const companies = await projectCompanies(db, actor.organisationId);
    const byCompany = companies.length ? [[major >= 18 ? 'company_ids' : 'company_id', 'in', companies]] : [];
    const accounts = (type: string) =>
      client.searchReadAll('account.account', [['account_type', '=', type], ...byCompany], ['code', 'name'], {
        order: 'code',
      });
    const [payable, receivable, products, plans] = await Promise.all([
      accounts(RETENTION_ACCOUNT_TYPES.retentionPayableAccountId.type),
      accounts(RETENTION_ACCOUNT_TYPES.retentionReceivableAccountId.type),
      client.searchReadAll('product.product', [['type', '=', 'service']], ['name', 'default_code'], {
        order: 'name',
      }),
      client.searchReadAll('account.analytic.plan', [], ['name']),
    ]);
    const toOptions = (
      rows: Record<string, unknown>[],
      label: (r: Record<string, unknown>) => string,
    ): Option[] => rows.map((r) => ({ id: Number(r.id), label: label(r) }));
    const candidates: Record<MappingKey, Option[]> = {
      retentionPayableAccountId: toOptions(payable, (r) => `${String(r.code)} ${String(r.name)}`),
      retentionReceivableAccountId: toOptions(receivable, (r) => `${String(r.code)} ${String(r.name)}`),
      changeOrderProductId: toOptions(
        products,
        (r) => `${r.default_code ? `[${String(r.default_code)}] ` : ''}${String(r.name)}`,
      ),
      costCodePlanId: toOptions(plans, (r) => String(r.name)),
      purchaseJournalId: [],
      salesJournalId: [],
    };
    const planAccounts = mappings.costCodePlanId
      ? await client.searchRead(
          'account.analytic.account',
          [['plan_id', '=', mappings.costCodePlanId]],
          ['code', 'name'],
        )
      : [];
    const accountByCode = new Map(planAccounts.map((a) => [String(a.code), a.id]));
    const chosenLabel = async (key: MappingKey): Promise<string | null> => {
      const id = mappings[key];
      if (!id) return null;
      const found = candidates[key].find((o) => o.id === id);
      return found?.label ?? `Odoo record ${id} (not of the expected kind, or archived)`;
    };
    return {
      steps: await Promise.all(
        REQUIRED.map(async (key) => ({
          key,
          label: SETUP_STEPS[key].label,
          inOdoo: SETUP_STEPS[key].inOdoo,
          chosen: mappings[key] ? { id: mappings[key], label: await chosenLabel(key) } : null,
          candidates: candidates[key],
        })),
      ),
      mappings,
      costCodes: (await distinctCostCodes(db, actor.organisationId)).map((c) => ({
        ...c,
        odooAccountId: accountByCode.get(c.code) ?? null,
      })),
    };
  } catch (error) {
    throw new DomainError(
      'ODOO_UNAVAILABLE',
      describeOdooError(error, config, [config.apiKey, config.password]),
    );
  }
}

const projectColumns = {
  code: { sql: projects.code, filter: 'contains' },
  name: { sql: projects.name, filter: 'contains' },
} satisfies ListColumns;

export type SetupProjectRow = {
  id: string;
  code: string;
  name: string;
  currency: string;
  odooId: number | null;
  odooSaleOrderId: number | null;
  odooCompanyId: number | null;
  subcontracts: number;
};

/** Plumbline's projects and what the pull linked each to. */
export async function listSetupProjects(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<SetupProjectRow>> {
  const where = and(eq(projects.organisationId, actor.organisationId), listFilters(projectColumns, input));
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: projects.id,
      code: projects.code,
      name: projects.name,
      currency: projects.currency,
      odooId: projects.odooId,
      odooSaleOrderId: projects.odooSaleOrderId,
      odooCompanyId: projects.odooCompanyId,
      subcontracts: sql<number>`(SELECT count(*)::int FROM ${subcontracts} WHERE ${subcontracts.projectId} = ${projects.id} AND ${subcontracts.odooPurchaseOrderId} IS NOT NULL)`,
    })
    .from(projects)
    .where(where)
    .orderBy(...listOrder(projectColumns, input, [projects.code]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(projects).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

const unlinkedColumns = {
  odooModel: { sql: odooUnlinkedRecords.odooModel, filter: 'equals' },
  name: { sql: odooUnlinkedRecords.name, filter: 'contains' },
  firstSeenAt: { sql: odooUnlinkedRecords.firstSeenAt },
} satisfies ListColumns;

export type UnlinkedRecordRow = {
  id: string;
  odooModel: string;
  odooId: number;
  name: string;
  reason: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
};

/** Odoo records the pull found on no Plumbline project, once each, with why. */
export async function listUnlinkedRecords(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<UnlinkedRecordRow>> {
  const where = and(
    eq(odooUnlinkedRecords.organisationId, actor.organisationId),
    listFilters(unlinkedColumns, input),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: odooUnlinkedRecords.id,
      odooModel: odooUnlinkedRecords.odooModel,
      odooId: odooUnlinkedRecords.odooId,
      name: odooUnlinkedRecords.name,
      reason: odooUnlinkedRecords.reason,
      firstSeenAt: odooUnlinkedRecords.firstSeenAt,
      lastSeenAt: odooUnlinkedRecords.lastSeenAt,
    })
    .from(odooUnlinkedRecords)
    .where(where)
    .orderBy(...listOrder(unlinkedColumns, input, [odooUnlinkedRecords.odooModel, odooUnlinkedRecords.name]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(odooUnlinkedRecords).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}
