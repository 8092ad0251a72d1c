import { aliasedTable, and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  approvalDecisions,
  changeOrderDocuments,
  changeOrderLines,
  changeOrders,
  costCodes,
  partners,
  projects,
  subcontracts,
  users,
} from '@/db/schema';
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
import {
  approvalState,
  approvalView,
  loadSubjects,
  thresholdsOf,
} from '@/server/modules/approvals/approvals';
import { availableEvents } from '@/server/lib/state-machine';
import type { InboxItem } from '@/server/modules/inbox/inbox.types';
import { changeOrderMachine } from './change-order.machine';
import { changeOrderSubject } from './change-order.records';

const columns = {
  reference: { sql: changeOrders.reference, filter: 'contains' },
  title: { sql: changeOrders.title, filter: 'contains' },
  projectCode: { sql: projects.code, filter: 'contains' },
  kind: { sql: changeOrders.kind, filter: 'equals' },
  status: { sql: changeOrders.status, filter: 'equals' },
  syncStatus: { sql: changeOrders.syncStatus, filter: 'equals' },
  costTotalAmount: { sql: changeOrders.costTotalAmount },
  sellTotalAmount: { sql: changeOrders.sellTotalAmount },
  updatedAt: { sql: changeOrders.updatedAt },
} satisfies ListColumns;

export type ChangeOrderListRow = {
  id: string;
  projectId: string;
  projectCode: string;
  reference: string;
  revision: number;
  title: string;
  kind: string;
  status: string;
  syncStatus: string;
  isProceeding: boolean;
  costTotalAmount: string;
  sellTotalAmount: string | null;
  currency: string;
  updatedAt: Date;
};

/** COs across the actor's projects, or of one project; superseded revisions are left out. */
export async function listChangeOrders(
  db: DbOrTx,
  actor: Actor,
  input: ListInput & { projectId?: string },
): Promise<ListResult<ChangeOrderListRow>> {
  const where = and(
    eq(projects.organisationId, actor.organisationId),
    projectScope(actor, changeOrders.projectId),
    input.projectId ? eq(changeOrders.projectId, input.projectId) : undefined,
    sql`NOT EXISTS (SELECT 1 FROM change_orders AS next_revision WHERE next_revision.previous_revision_id = ${changeOrders.id})`,
    listFilters(columns, input, ['reference', 'title']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: changeOrders.id,
      projectId: changeOrders.projectId,
      projectCode: projects.code,
      reference: changeOrders.reference,
      revision: changeOrders.revision,
      title: changeOrders.title,
      kind: changeOrders.kind,
      status: changeOrders.status,
      syncStatus: changeOrders.syncStatus,
      isProceeding: changeOrders.isProceeding,
      costTotalAmount: changeOrders.costTotalAmount,
      sellTotalAmount: changeOrders.sellTotalAmount,
      currency: projects.currency,
      updatedAt: changeOrders.updatedAt,
    })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .where(where)
    .orderBy(...listOrder(columns, input, [desc(changeOrders.updatedAt), changeOrders.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db
    .select({ n: count() })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

export async function getChangeOrderDetail(db: DbOrTx, actor: Actor, changeOrderId: string) {
  const creator = aliasedTable(users, 'creator');
  const [row] = await db
    .select({
      co: changeOrders,
      project: { id: projects.id, code: projects.code, name: projects.name, currency: projects.currency },
      creatorName: creator.name,
    })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .innerJoin(creator, eq(creator.id, changeOrders.createdById))
    .where(
      and(
        eq(changeOrders.id, changeOrderId),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, changeOrders.projectId),
      ),
    );
  if (!row) return null;
  const [lines, documents, decisions, revisions, subcontract] = await Promise.all([
    db
      .select({ line: changeOrderLines, costCode: costCodes.code, costCodeName: costCodes.name })
      .from(changeOrderLines)
      .innerJoin(costCodes, eq(costCodes.id, changeOrderLines.costCodeId))
      .where(eq(changeOrderLines.changeOrderId, changeOrderId))
      .orderBy(asc(changeOrderLines.lineNo)),
    db.select().from(changeOrderDocuments).where(eq(changeOrderDocuments.changeOrderId, changeOrderId)),
    db
      .select({
        step: approvalDecisions.step,
        stepName: approvalDecisions.stepName,
        decision: approvalDecisions.decision,
        decidedAt: approvalDecisions.decidedAt,
        comment: approvalDecisions.comment,
        role: approvalDecisions.role,
        deciderId: approvalDecisions.decidedById,
        deciderName: users.name,
      })
      .from(approvalDecisions)
      .innerJoin(users, eq(users.id, approvalDecisions.decidedById))
      .where(
        and(eq(approvalDecisions.recordType, 'change_order'), eq(approvalDecisions.recordId, changeOrderId)),
      )
      .orderBy(asc(approvalDecisions.step)),
    db
      .select({ id: changeOrders.id, revision: changeOrders.revision, status: changeOrders.status })
      .from(changeOrders)
      .where(and(eq(changeOrders.projectId, row.co.projectId), eq(changeOrders.number, row.co.number)))
      .orderBy(asc(changeOrders.revision)),
    row.co.subcontractId
      ? db
          .select({
            id: subcontracts.id,
            reference: subcontracts.reference,
            title: subcontracts.title,
            vendorName: partners.name,
          })
          .from(subcontracts)
          .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
          .where(eq(subcontracts.id, row.co.subcontractId))
          .then((found) => found[0] ?? null)
      : Promise.resolve(null),
  ]);
  const isLatestRevision = revisions[revisions.length - 1]?.id === changeOrderId;
  const approval = approvalView(await changeOrderSubject(db, row.co), actor);
  return {
    ...row.co,
    project: row.project,
    creatorName: row.creatorName,
    subcontract,
    lines: lines.map((l) => ({ ...l.line, costCode: l.costCode, costCodeName: l.costCodeName })),
    documents,
    decisions,
    revisions,
    approval,
    actions: allowedActions(actor, row.co, approval.canAct, isLatestRevision),
  };
}

/**
 * The actions this person may take now (display: the server re-checks every one). Approve and reject
 * show only when the approvals module says this person may take the waiting step.
 */
function allowedActions(
  actor: Actor,
  co: typeof changeOrders.$inferSelect,
  canAct: boolean,
  isLatestRevision: boolean,
): string[] {
  const actions: string[] = [];
  const events = availableEvents(changeOrderMachine, co.status);
  if (co.status === 'draft' && hasPermission(actor.role, 'change_order.edit')) actions.push('edit');
  if (events.includes('submit') && hasPermission(actor.role, 'change_order.submit')) actions.push('submit');
  if (events.includes('void') && hasPermission(actor.role, 'change_order.void')) actions.push('void');
  if (events.includes('revise') && isLatestRevision && hasPermission(actor.role, 'change_order.edit'))
    actions.push('revise');
  if (co.status === 'submitted' && hasPermission(actor.role, 'change_order.submit'))
    actions.push('set_proceeding');
  if (canAct && hasPermission(actor.role, 'change_order.approve')) actions.push('approve', 'reject');
  return actions;
}

/** "My approvals": submitted COs in the actor's projects whose waiting step the approvals module says is theirs. */
export async function changeOrdersAwaiting(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  if (!hasPermission(actor.role, 'change_order.approve')) return [];
  const rows = await db
    .select({ co: changeOrders, projectCode: projects.code, currency: projects.currency })
    .from(changeOrders)
    .innerJoin(projects, eq(projects.id, changeOrders.projectId))
    .where(
      and(
        eq(changeOrders.status, 'submitted'),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, changeOrders.projectId),
      ),
    )
    .limit(500);
  const thresholds = await thresholdsOf(db, actor.organisationId);
  const subjects = await loadSubjects(
    db,
    'change_order',
    rows.map(({ co }) => ({
      id: co.id,
      status: co.status,
      authorIds: [co.createdById, co.submittedById],
      provisional: { amount: co.routingAmount, reason: 'not yet submitted', thresholds },
    })),
  );
  return rows.flatMap(({ co, projectCode, currency }) => {
    const state = approvalState(subjects.get(co.id)!, actor);
    if (!state.canAct || !state.pendingStep) return [];
    return [
      {
        kind: 'change_order' as const,
        id: co.id,
        projectId: co.projectId,
        projectCode,
        reference: co.revision > 1 ? `${co.reference} rev ${co.revision}` : co.reference,
        title: co.title,
        step: `Step ${state.pendingStep.step}: ${state.pendingStep.label}`,
        amount: co.costTotalAmount,
        currency,
        waitingSince: co.submittedAt ?? co.updatedAt,
      },
    ];
  });
}
