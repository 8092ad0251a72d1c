import { aliasedTable, and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, contractRevisions, milestoneEvidence, milestones, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { projectScope } from '@/server/auth/policy';
import { listFilters, listOrder, listPaging, type ListColumns, type ListInput, type ListResult } from '@/server/lib/list';
import type { InboxItem } from '@/server/modules/inbox/inbox.types';
import { expectedInvoiceTotal } from './milestone-invoice-state.service';
import { pendingStep } from './milestone-approval.service';
import { currentAmount, fractionToPercent, revisedContractValue } from './milestone.records';

/** Original contract + approved client COs, per project row (exact numeric in SQL). */
const revisedContract = sql<string>`(${projects.originalContractAmount} + coalesce((SELECT sum(${contractRevisions.amount}) FROM ${contractRevisions} WHERE ${contractRevisions.projectId} = ${projects.id}), 0))`;
/** Released amount, else the fixed amount, else the percent of the revised contract, to the cent. */
const amountSql = sql<string>`coalesce(${milestones.invoiceAmount}, ${milestones.fixedAmount}, round(${milestones.percentOfContract} * ${revisedContract}, 2))::numeric(14,2)`;
const isOverdueSql = sql<boolean>`(${milestones.plannedDate} < current_date AND ${milestones.status} IN ('planned', 'completion_claimed', 'verified'))`;

const columns = {
  reference: { sql: milestones.reference, filter: 'contains' },
  name: { sql: milestones.name, filter: 'contains' },
  projectCode: { sql: projects.code, filter: 'contains' },
  plannedDate: { sql: milestones.plannedDate },
  status: { sql: milestones.status, filter: 'equals' },
  syncStatus: { sql: milestones.syncStatus, filter: 'equals' },
  amount: { sql: amountSql },
  isOverdue: { sql: isOverdueSql, filter: 'equals' },
  odooInvoiceName: { sql: milestones.odooInvoiceName, filter: 'contains' },
  updatedAt: { sql: milestones.updatedAt },
} satisfies ListColumns;

export type MilestoneListRow = {
  id: string;
  projectId: string;
  projectCode: string;
  reference: string;
  name: string;
  plannedDate: string;
  amountBasis: 'fixed' | 'percent';
  percentOfContract: string | null;
  amount: string;
  status: string;
  syncStatus: string;
  isOverdue: boolean;
  odooInvoiceName: string | null;
  currency: string;
  updatedAt: Date;
};

/** Milestones across the actor's projects, or of one project, overdue ones flagged. */
export async function listMilestones(db: DbOrTx, actor: Actor, input: ListInput & { projectId?: string }): Promise<ListResult<MilestoneListRow>> {
  const where = and(
    eq(projects.organisationId, actor.organisationId),
    projectScope(actor, milestones.projectId),
    input.projectId ? eq(milestones.projectId, input.projectId) : undefined,
    listFilters(columns, input, ['reference', 'name']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: milestones.id,
      projectId: milestones.projectId,
      projectCode: projects.code,
      reference: milestones.reference,
      name: milestones.name,
      plannedDate: milestones.plannedDate,
      amountBasis: milestones.amountBasis,
      percentOfContract: milestones.percentOfContract,
      amount: sql<string>`${amountSql}::text`,
      status: milestones.status,
      syncStatus: milestones.syncStatus,
      isOverdue: isOverdueSql,
      odooInvoiceName: milestones.odooInvoiceName,
      currency: projects.currency,
      updatedAt: milestones.updatedAt,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(where)
    .orderBy(...listOrder(columns, input, [asc(milestones.plannedDate), milestones.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(milestones).innerJoin(projects, eq(projects.id, milestones.projectId)).where(where);
  return {
    rows: rows.map((row) => ({ ...row, percentOfContract: row.percentOfContract === null ? null : fractionToPercent(row.percentOfContract) })),
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}

export async function getMilestoneDetail(db: DbOrTx, actor: Actor, milestoneId: string) {
  const creator = aliasedTable(users, 'creator');
  const [found] = await db
    .select({
      milestone: milestones,
      project: { id: projects.id, code: projects.code, name: projects.name, currency: projects.currency, odooSaleOrderId: projects.odooSaleOrderId, clientRetentionRate: projects.clientRetentionRate },
      creatorName: creator.name,
      isOverdue: isOverdueSql,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .innerJoin(creator, eq(creator.id, milestones.createdById))
    .where(and(eq(milestones.id, milestoneId), eq(projects.organisationId, actor.organisationId), projectScope(actor, milestones.projectId)));
  if (!found) return null;
  const { milestone } = found;
  const [evidence, timeline, contract] = await Promise.all([
    db.select().from(milestoneEvidence).where(eq(milestoneEvidence.milestoneId, milestoneId)).orderBy(asc(milestoneEvidence.title)),
    db
      .select({ id: auditEvents.id, action: auditEvents.action, fromState: auditEvents.fromState, toState: auditEvents.toState, comment: auditEvents.comment, at: auditEvents.occurredAt, role: auditEvents.actorRole, actorName: users.name })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(and(eq(auditEvents.entityType, 'milestone'), eq(auditEvents.entityId, milestoneId)))
      .orderBy(asc(auditEvents.id)),
    revisedContractValue(db, milestone.projectId),
  ]);
  return {
    ...milestone,
    percentOfContract: milestone.percentOfContract === null ? null : fractionToPercent(milestone.percentOfContract),
    amount: currentAmount(milestone, contract),
    netInvoiceAmount: expectedInvoiceTotal(milestone),
    revisedContractValue: contract,
    isOverdue: found.isOverdue,
    project: found.project,
    creatorName: found.creatorName,
    evidence,
    timeline,
    actions: allowedActions(actor, milestone),
  };
}

/** The actions this person may take now (display only: the server re-checks every one). */
function allowedActions(actor: Actor, m: typeof milestones.$inferSelect): string[] {
  const actions: string[] = [];
  if (m.status === 'planned' && hasPermission(actor.role, 'milestone.edit')) actions.push('edit');
  const step = pendingStep[m.status];
  if (!step || step.role !== actor.role) return actions;
  const isAuthor = actor.id === m.createdById || actor.id === m.completionClaimedById;
  if (step.name === 'claim_completion' && hasPermission(actor.role, 'milestone.claim_completion')) actions.push('claim_completion');
  if (step.name === 'verify' && !isAuthor && hasPermission(actor.role, 'milestone.verify')) actions.push('verify', 'reject');
  if (step.name === 'release' && !isAuthor && actor.id !== m.verifiedById && hasPermission(actor.role, 'milestone.release')) actions.push('release', 'reject');
  return actions;
}

const stepLabels: Record<string, string> = { planned: 'Claim completion (due)', completion_claimed: 'Verify completion', verified: 'Finance release' };

/**
 * "My approvals": milestones whose next step is the actor's — completion claims for the QS to verify,
 * verified milestones for finance to release, and for the PM, planned milestones that are due.
 */
export async function milestonesAwaiting(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  const states = (Object.keys(pendingStep) as (keyof typeof pendingStep)[]).filter((s) => pendingStep[s]?.role === actor.role);
  const state = states[0];
  if (!state) return [];
  const rows = await db
    .select({ m: milestones, projectCode: projects.code, currency: projects.currency, amount: sql<string>`${amountSql}::text` })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(
      and(
        inArray(milestones.status, states),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, milestones.projectId),
        state === 'planned'
          ? sql`${milestones.plannedDate} <= current_date`
          : sql`${milestones.createdById} <> ${actor.id} AND ${milestones.completionClaimedById} IS DISTINCT FROM ${actor.id} AND ${milestones.verifiedById} IS DISTINCT FROM ${actor.id}`,
      ),
    )
    .orderBy(desc(milestones.updatedAt))
    .limit(500);
  return rows.map(({ m, projectCode, currency, amount }) => ({
    kind: 'milestone' as const,
    id: m.id,
    projectId: m.projectId,
    projectCode,
    reference: m.reference,
    title: m.name,
    step: stepLabels[state] ?? state,
    amount,
    currency,
    waitingSince: (state === 'planned' ? new Date(`${m.plannedDate}T00:00:00Z`) : state === 'completion_claimed' ? m.completionClaimedAt : m.verifiedAt) ?? m.updatedAt,
  }));
}
