import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { budgetRevisions, changeOrderLines, contractRevisions, sovLines, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { assertReasonGiven, nextState } from '@/server/lib/state-machine';
import {
  assertCanAct,
  fixRoute,
  noteAuthor,
  recordDecision,
  thresholdsOfProject,
} from '@/server/modules/approvals/approvals';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { notifyApprovalWaiting } from '@/server/modules/notifications/notification-events';
import { requestSync } from '@/server/sync/enqueue';
import { calculateChangeOrder } from './change-order.calc';
import { changeOrderMachine } from './change-order.machine';
import {
  assertCommitmentVendorCompliant,
  changeOrderSubject,
  compareAndSet,
  loadChangeOrderForUpdate,
  routingReasonOf,
  type ChangeOrderRow,
} from './change-order.records';
import type { ChangeOrderActionInput } from './change-order.schemas';

const ENTITY = 'change_order';

/** Submitting fixes the approval route from the routing amount and the organisation's thresholds then. */
export async function submitChangeOrder(db: Db, input: ChangeOrderActionInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    const to = nextState(changeOrderMachine, row.status, 'submit');
    await assertCommitmentVendorCompliant(tx, row.kind, row.subcontractId);
    const submitted = await compareAndSet(tx, row, input.version, {
      status: to,
      submittedById: actor.id,
      submittedAt: new Date(),
    });
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'submitter');
    const route = await fixRoute(tx, {
      type: ENTITY,
      recordId: row.id,
      amount: row.routingAmount,
      reason: await routingReasonOf(tx, row),
      thresholds: await thresholdsOfProject(tx, row.projectId),
    });
    await recordAudit(tx, {
      actor,
      action: 'change_order.submit',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      changedFields: {
        approvalRoute: { old: null, new: route.steps.map((s) => s.role) },
        routingAmount: { old: null, new: route.routingAmount },
      },
    });
    // the first step's approvers are told (queued with the submission)
    await notifyApprovalWaiting(tx, await changeOrderSubject(tx, submitted));
  });
}

/**
 * Takes the actor's step on the route. The last step approves the CO and, in the same transaction,
 * writes its budget revisions, its contract revision or SOV change, the audit row and the sync request.
 */
export async function approveChangeOrder(
  db: Db,
  input: ChangeOrderActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  return db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    if (row.status !== 'submitted') nextState(changeOrderMachine, row.status, 'approve_step');
    const subject = await changeOrderSubject(tx, row);
    assertCanAct(subject, actor);
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const { step, completesState: isFinal } = await recordDecision(
      tx,
      subject,
      actor,
      'approved',
      input.comment,
    );
    // the final approval commits the vendor: refused while it is not compliant (the steps before are not)
    if (isFinal) await assertCommitmentVendorCompliant(tx, row.kind, row.subcontractId);
    const event = isFinal ? 'approve_final' : 'approve_step';
    const to = nextState(changeOrderMachine, row.status, event);
    const updated = await compareAndSet(
      tx,
      row,
      input.version,
      isFinal ? { status: to, decidedAt: new Date() } : {},
    );
    const correlationId = randomUUID();
    if (isFinal) await applyApprovedChangeOrder(tx, updated, correlationId);
    // the audit row goes last: its chain lock is then held only until this transaction commits
    await recordAudit(tx, {
      actor,
      action: isFinal ? 'change_order.approve' : 'change_order.approve_step',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      correlationId,
      changedFields: { step: { old: null, new: step.step } },
    });
    if (!isFinal) await notifyApprovalWaiting(tx, await changeOrderSubject(tx, updated));
    return { status: to };
  });
}

/** Approval's effects, each exactly once (unique indexes on change_order_id back this up). */
async function applyApprovedChangeOrder(tx: Tx, row: ChangeOrderRow, correlationId: string): Promise<void> {
  const lines = await tx.select().from(changeOrderLines).where(eq(changeOrderLines.changeOrderId, row.id));
  const calculation = calculateChangeOrder({
    kind: row.kind,
    lines: lines.map((line) => ({
      costCodeId: line.costCodeId,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      unitCost: line.unitCostAmount,
      sellAmount: line.sellAmount,
    })),
  });
  const kind: 'transfer' | 'approved_change' =
    calculation.budgetColumn === 'budget_transfers' ? 'transfer' : 'approved_change';
  await tx.insert(budgetRevisions).values(
    calculation.budgetImpact.map((impact) => ({
      projectId: row.projectId,
      costCodeId: impact.costCodeId,
      changeOrderId: row.id,
      kind,
      amount: impact.amount,
    })),
  );
  if (row.kind === 'client' && calculation.sellTotal !== null) {
    await tx
      .insert(contractRevisions)
      .values({ projectId: row.projectId, changeOrderId: row.id, amount: calculation.sellTotal });
  }
  if (row.kind === 'commitment' && row.subcontractId) {
    await addSovLineForChangeOrder(tx, row, calculation.costTotal, lines[0]?.costCodeId ?? null);
  }
  if (row.kind === 'internal') return; // touches neither contract nor subcontract: nothing for Odoo
  await requestSync(tx, { recordType: ENTITY, recordId: row.id, correlationId });
}

async function addSovLineForChangeOrder(
  tx: Tx,
  row: ChangeOrderRow,
  amount: string,
  costCodeId: string | null,
) {
  const [subcontract] = await tx
    .select({ id: subcontracts.id })
    .from(subcontracts)
    .where(eq(subcontracts.id, row.subcontractId!))
    .for('update');
  if (!subcontract)
    throw new DomainError('NOT_FOUND', 'The subcontract of this change order no longer exists.');
  const existing = await tx
    .select({ lineNo: sovLines.lineNo })
    .from(sovLines)
    .where(eq(sovLines.subcontractId, subcontract.id));
  const lineNo = existing.reduce((max, line) => Math.max(max, line.lineNo), 0) + 1;
  await tx.insert(sovLines).values({
    subcontractId: subcontract.id,
    lineNo,
    description: `[${row.reference}] ${row.title}`,
    costCodeId,
    scheduledAmount: amount,
    changeOrderId: row.id,
  });
}

/** Any person due to take the current step may reject, with a reason; the route closes. */
export async function rejectChangeOrder(db: Db, input: ChangeOrderActionInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    assertReasonGiven(changeOrderMachine, 'reject', input.comment);
    const to = nextState(changeOrderMachine, row.status, 'reject');
    const subject = await changeOrderSubject(tx, row);
    assertCanAct(subject, actor);
    await compareAndSet(tx, row, input.version, { status: to, decidedAt: new Date() });
    await recordDecision(tx, subject, actor, 'rejected', input.comment);
    await recordAudit(tx, {
      actor,
      action: 'change_order.reject',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
    });
  });
}
