import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { costCodes, partners, projects, sovLines, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { projectScope } from '@/server/auth/policy';
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

const scheduled = sql<string>`(SELECT coalesce(sum(${sovLines.scheduledAmount}), 0)::numeric(14,2)::text FROM ${sovLines} WHERE ${sovLines.subcontractId} = ${subcontracts.id})`;
const unmapped = sql<number>`(SELECT count(*)::int FROM ${sovLines} WHERE ${sovLines.subcontractId} = ${subcontracts.id} AND ${sovLines.costCodeId} IS NULL)`;

const columns = {
  reference: { sql: subcontracts.reference, filter: 'contains' },
  title: { sql: subcontracts.title, filter: 'contains' },
  projectCode: { sql: projects.code, filter: 'contains' },
  projectId: { sql: subcontracts.projectId, filter: 'equals', sortable: false },
  vendorName: { sql: partners.name, filter: 'contains' },
  odooState: { sql: subcontracts.odooState, filter: 'equals' },
  retentionRate: { sql: subcontracts.retentionRate },
  scheduledAmount: { sql: scheduled },
  lastPulledAt: { sql: subcontracts.lastPulledAt },
} satisfies ListColumns;

export type SubcontractListRow = {
  id: string;
  reference: string;
  title: string;
  projectId: string;
  projectCode: string;
  vendorName: string;
  odooState: string | null;
  currency: string;
  retentionRate: string;
  scheduledAmount: string;
  unmappedLines: number;
  lastPulledAt: Date | null;
};

/** Subcontracts of the projects the actor sees; filter `projectId` for a project's tab. */
export async function listSubcontracts(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<SubcontractListRow>> {
  const where = and(
    eq(projects.organisationId, actor.organisationId),
    projectScope(actor, subcontracts.projectId),
    listFilters(columns, input, ['reference', 'title', 'vendorName', 'projectCode']),
  );
  const { limit, offset } = listPaging(input);
  const base = db
    .select({
      id: subcontracts.id,
      reference: subcontracts.reference,
      title: subcontracts.title,
      projectId: subcontracts.projectId,
      projectCode: projects.code,
      vendorName: partners.name,
      odooState: subcontracts.odooState,
      currency: subcontracts.currency,
      retentionRate: subcontracts.retentionRate,
      scheduledAmount: scheduled,
      unmappedLines: unmapped,
      lastPulledAt: subcontracts.lastPulledAt,
    })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId));
  const rows = await base
    .where(where)
    .orderBy(...listOrder(columns, input, [projects.code, subcontracts.reference, subcontracts.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db
    .select({ n: count() })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/** A subcontract with its SOV, retention terms, Odoo link and pull history (NOT_FOUND outside the actor's projects). */
export async function getSubcontract(db: DbOrTx, actor: Actor, subcontractId: string) {
  const [row] = await db
    .select({
      subcontract: subcontracts,
      projectCode: projects.code,
      projectName: projects.name,
      vendorName: partners.name,
    })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(
      and(
        eq(subcontracts.id, subcontractId),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, subcontracts.projectId),
      ),
    );
  if (!row) return null;
  const lines = await db
    .select({
      id: sovLines.id,
      lineNo: sovLines.lineNo,
      description: sovLines.description,
      costCode: costCodes.code,
      costCodeName: costCodes.name,
      scheduledAmount: sovLines.scheduledAmount,
      odooPurchaseLineId: sovLines.odooPurchaseLineId,
      hasDistribution: sql<boolean>`${sovLines.analyticDistribution} IS NOT NULL`,
      changeOrderId: sovLines.changeOrderId,
    })
    .from(sovLines)
    .leftJoin(costCodes, eq(costCodes.id, sovLines.costCodeId))
    .where(eq(sovLines.subcontractId, subcontractId))
    .orderBy(asc(sovLines.lineNo));
  const [total] = await db
    .select({ amount: sql<string>`coalesce(sum(${sovLines.scheduledAmount}), 0)::numeric(14,2)::text` })
    .from(sovLines)
    .where(eq(sovLines.subcontractId, subcontractId));
  const history = [
    ...(await recordPullHistory(db, 'subcontract', [subcontractId])),
    ...(await recordPullHistory(
      db,
      'sov_line',
      lines.map((l) => l.id),
    )),
  ]
    .sort((a, b) => b.id - a.id)
    .slice(0, 50);
  return {
    ...row.subcontract,
    projectCode: row.projectCode,
    projectName: row.projectName,
    vendorName: row.vendorName,
    scheduledAmount: total?.amount ?? '0.00',
    lines,
    odooUrl: await odooRecordUrl(db, actor, 'purchase.order', row.subcontract.odooPurchaseOrderId),
    pullHistory: history,
  };
}
