import { aliasedTable, and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, contractRevisions, milestoneEvidence, milestones, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { projectScope } from '@/server/auth/policy';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import type { InboxItem } from '@/server/modules/inbox/inbox.types';
import { expectedInvoiceTotal } from './milestone-invoice-state.service';
import {
  approvalState,
  approvalView,
  loadSubjects,
  routeDefinitions,
  thresholdsOf,
  type ApprovalView,
} from '@/server/modules/approvals/approvals';
import { milestoneSubject } from './milestone-approval.service';
import { currentAmount, fractionToPercent, revisedContractValue } from './milestone.records';

/** Original contract + approved client COs, per project row (exact numeric in SQL). */
const revisedContract = sql<string>`(${projects.originalContractAmount} + coalesce((SELECT sum(${contractRevisions.amount}) FROM ${contractRevisions} WHERE ${contractRevisions.projectId} = ${projects.id}), 0))`;
/** Released amount, else the fixed amount, else the percent of the revised contract, to the cent. */
const amountSql = sql<string>`coalesce(${milestones.invoiceAmount}, ${milestones.fixedAmount}, round(${milestones.percentOfContract} * ${revisedContract}, 2))::numeric(14,2)`;
const isOverdueSql = sql<boolean>`(${milestones.plannedDate} < org_today(${projects.organisationId}) AND ${milestones.status} IN ('planned', 'completion_claimed', 'verified'))`;

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
export async function listMilestones(
  db: DbOrTx,
  actor: Actor,
  input: ListInput & { projectId?: string },
): Promise<ListResult<MilestoneListRow>> {
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
  const [total] = await db
    .select({ n: count() })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(where);
  return {
    rows: rows.map((row) => ({
      ...row,
      percentOfContract: row.percentOfContract === null ? null : fractionToPercent(row.percentOfContract),
    })),
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
      project: {
        id: projects.id,
        code: projects.code,
        name: projects.name,
        currency: projects.currency,
        odooSaleOrderId: projects.odooSaleOrderId,
        clientRetentionRate: projects.clientRetentionRate,
      },
      creatorName: creator.name,
      isOverdue: isOverdueSql,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .innerJoin(creator, eq(creator.id, milestones.createdById))
    .where(
      and(
        eq(milestones.id, milestoneId),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, milestones.projectId),
      ),
    );
  if (!found) return null;
  const { milestone } = found;
  const [evidence, timeline, contract] = await Promise.all([
    db
      .select()
      .from(milestoneEvidence)
      .where(eq(milestoneEvidence.milestoneId, milestoneId))
      .orderBy(asc(milestoneEvidence.title)),
    db
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        fromState: auditEvents.fromState,
        toState: auditEvents.toState,
        comment: auditEvents.comment,
        at: auditEvents.occurredAt,
        role: auditEvents.actorRole,
        actorName: users.name,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(and(eq(auditEvents.entityType, 'milestone'), eq(auditEvents.entityId, milestoneId)))
      .orderBy(asc(auditEvents.id)),
    revisedContractValue(db, milestone.projectId),
  ]);
  const approval = approvalView(await milestoneSubject(db, milestone), actor);
  return {
    ...milestone,
    percentOfContract:
      milestone.percentOfContract === null ? null : fractionToPercent(milestone.percentOfContract),
    amount: currentAmount(milestone, contract),
    netInvoiceAmount: expectedInvoiceTotal(milestone),
    revisedContractValue: contract,
    isOverdue: found.isOverdue,
    project: found.project,
    creatorName: found.creatorName,
    evidence,
    timeline,
    approval,
    actions: allowedActions(actor, milestone, approval),
  };
}

/** The actions this person may take now (display only: the server re-checks). The step buttons ask the approvals module. */
function allowedActions(actor: Actor, m: typeof milestones.$inferSelect, approval: ApprovalView): string[] {
  const actions: string[] = [];
  if (m.status === 'planned' && hasPermission(actor.role, 'milestone.edit')) actions.push('edit');
  const step = approval.pendingStep;
  if (!approval.canAct || !step) return actions;
  actions.push(step.name);
  if (step.name !== 'claim_completion') actions.push('reject');
  return actions;
}

/**
 * "My approvals": milestones whose waiting step the approvals module says is the actor's — completion
 * claims for the QS to verify, verified milestones for finance to release, and for the PM, planned
 * milestones that are due.
 */
export async function milestonesAwaiting(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  const states = [
    ...new Set(
      routeDefinitions.milestone.steps.filter((s) => s.roles.includes(actor.role)).map((s) => s.awaits),
    ),
  ] as (typeof milestones.$inferSelect)['status'][];
  if (states.length === 0) return [];
  const rows = await db
    .select({
      m: milestones,
      projectCode: projects.code,
      currency: projects.currency,
      amount: sql<string>`${amountSql}::text`,
    })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(
      and(
        inArray(milestones.status, states),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, milestones.projectId),
        sql`(${milestones.status} <> 'planned' OR ${milestones.plannedDate} <= org_today(${projects.organisationId}))`,
      ),
    )
    .orderBy(desc(milestones.updatedAt))
    .limit(500);
  const thresholds = await thresholdsOf(db, actor.organisationId);
  const subjects = await loadSubjects(
    db,
    'milestone',
    rows.map(({ m, amount }) => ({
      id: m.id,
      status: m.status,
      cycle: m.cycle,
      authorIds: [m.createdById, m.completionClaimedById],
      provisional: { amount, reason: 'the milestone amount', thresholds },
    })),
  );
  return rows.flatMap(({ m, projectCode, currency, amount }) => {
    const state = approvalState(subjects.get(m.id)!, actor);
    if (!state.canAct || !state.pendingStep) return [];
    return [
      {
        kind: 'milestone' as const,
        id: m.id,
        projectId: m.projectId,
        projectCode,
        reference: m.reference,
        title: m.name,
        step: m.status === 'planned' ? 'Claim completion (due)' : state.pendingStep.label,
        amount,
        currency,
        waitingSince:
          (m.status === 'planned'
            ? new Date(`${m.plannedDate}T00:00:00Z`)
            : m.status === 'completion_claimed'
              ? m.completionClaimedAt
              : m.verifiedAt) ?? m.updatedAt,
      },
    ];
  });
}
