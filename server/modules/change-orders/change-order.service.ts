import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { changeOrderDocuments, changeOrderLines, changeOrders, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { nextState, assertReasonGiven } from '@/server/lib/state-machine';
import { carryAuthors, noteAuthor } from '@/server/modules/approvals/approvals';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import { calculateChangeOrder } from './change-order.calc';
import { changeOrderMachine } from './change-order.machine';
import {
  assertCommitmentVendorCompliant,
  compareAndSet,
  formatReference,
  loadChangeOrderForUpdate,
  validateAndCalculate,
  writeLinesAndDocuments,
} from './change-order.records';
import type {
  ChangeOrderActionInput,
  CreateChangeOrderInput,
  UpdateChangeOrderInput,
} from './change-order.schemas';

const ENTITY = 'change_order';

/** The form's running totals, from the same calculation the service stores. */
export function previewChangeOrder(input: Pick<CreateChangeOrderInput, 'kind' | 'lines'>) {
  return calculateChangeOrder({
    kind: input.kind,
    lines: input.lines.map((line) => ({ ...line, sellAmount: line.sellAmount ?? null })),
  });
}

export async function createChangeOrder(
  db: Db,
  input: CreateChangeOrderInput,
  actor: Actor,
): Promise<{ id: string; reference: string }> {
  return db.transaction(async (tx) => {
    await assertProjectVisible(tx, actor, input.projectId);
    const calculation = await validateAndCalculate(tx, input.projectId, input);
    await assertCommitmentVendorCompliant(tx, input.kind, input.subcontractId);
    // numbering per project: the project row lock serialises concurrent creators
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, input.projectId)).for('update');
    const [last] = await tx
      .select({ n: sql<number>`coalesce(max(${changeOrders.number}), 0)::int` })
      .from(changeOrders)
      .where(eq(changeOrders.projectId, input.projectId));
    const number = (last?.n ?? 0) + 1;
    const reference = formatReference(number);
    const [row] = await tx
      .insert(changeOrders)
      .values({
        projectId: input.projectId,
        number,
        reference,
        kind: input.kind,
        title: input.title,
        reason: input.reason,
        description: input.description,
        scheduleImpactDays: input.scheduleImpactDays,
        subcontractId: input.subcontractId ?? null,
        clientChangeOrderId: input.clientChangeOrderId ?? null,
        costTotalAmount: calculation.costTotal,
        sellTotalAmount: calculation.sellTotal,
        routingAmount: calculation.routingAmount,
        createdById: actor.id,
      })
      .returning({ id: changeOrders.id });
    if (!row) throw new Error('change order insert returned no row');
    await writeLinesAndDocuments(tx, row.id, calculation, input.documents);
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'creator');
    await recordAudit(tx, {
      actor,
      action: 'change_order.create',
      entityType: ENTITY,
      entityId: row.id,
      toState: 'draft',
      changedFields: {
        costTotalAmount: { old: null, new: calculation.costTotal },
        sellTotalAmount: { old: null, new: calculation.sellTotal },
      },
    });
    return { id: row.id, reference };
  });
}

/** Drafts only: an edit replaces the lines and is audited with the money fields it moved. */
export async function updateChangeOrder(db: Db, input: UpdateChangeOrderInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    if (row.status !== 'draft')
      throw new DomainError(
        'INVALID_TRANSITION',
        `Only a draft can be edited; ${row.reference} is ${row.status}.`,
      );
    const calculation = await validateAndCalculate(tx, row.projectId, input);
    if (input.kind !== row.kind || (input.subcontractId ?? null) !== row.subcontractId)
      await assertCommitmentVendorCompliant(tx, input.kind, input.subcontractId);
    const changes = {
      kind: input.kind,
      title: input.title,
      reason: input.reason,
      description: input.description,
      scheduleImpactDays: input.scheduleImpactDays,
      subcontractId: input.subcontractId ?? null,
      clientChangeOrderId: input.clientChangeOrderId ?? null,
      costTotalAmount: calculation.costTotal,
      sellTotalAmount: calculation.sellTotal,
      routingAmount: calculation.routingAmount,
    };
    await compareAndSet(tx, row, input.version, changes);
    await writeLinesAndDocuments(tx, row.id, calculation, input.documents);
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'editor');
    await recordAudit(tx, {
      actor,
      action: 'change_order.edit',
      entityType: ENTITY,
      entityId: row.id,
      changedFields: {
        ...diffFields(row, changes),
        lines: { old: null, new: `${calculation.lines.length} lines` },
      },
    });
  });
}

export async function voidChangeOrder(db: Db, input: ChangeOrderActionInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    assertReasonGiven(changeOrderMachine, 'void', input.comment);
    const to = nextState(changeOrderMachine, row.status, 'void');
    await compareAndSet(tx, row, input.version, { status: to, decidedAt: new Date() });
    await recordAudit(tx, {
      actor,
      action: 'change_order.void',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
    });
  });
}

/** A submitted CO may be flagged as proceeding: work started before approval (shown apart on cost). */
export async function setProceeding(
  db: Db,
  input: { changeOrderId: string; version: number; isProceeding: boolean },
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    if (row.status !== 'submitted')
      throw new DomainError(
        'INVALID_TRANSITION',
        'Only a submitted change order can be flagged as proceeding.',
      );
    if (row.isProceeding === input.isProceeding) return;
    await compareAndSet(tx, row, input.version, { isProceeding: input.isProceeding });
    await recordAudit(tx, {
      actor,
      action: 'change_order.set_proceeding',
      entityType: ENTITY,
      entityId: row.id,
      changedFields: { isProceeding: { old: row.isProceeding, new: input.isProceeding } },
    });
  });
}

/** A rejected CO becomes a new draft revision (same number); the rejected one stays readable. */
export async function reviseChangeOrder(
  db: Db,
  input: ChangeOrderActionInput,
  actor: Actor,
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const row = await loadChangeOrderForUpdate(tx, actor, input.changeOrderId);
    nextState(changeOrderMachine, row.status, 'revise');
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const [existing] = await tx
      .select({ id: changeOrders.id })
      .from(changeOrders)
      .where(and(eq(changeOrders.previousRevisionId, row.id)));
    if (existing)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} revision ${row.revision} has already been revised.`,
      );
    const [revision] = await tx
      .insert(changeOrders)
      .values({
        projectId: row.projectId,
        number: row.number,
        revision: row.revision + 1,
        reference: row.reference,
        kind: row.kind,
        title: row.title,
        reason: row.reason,
        description: row.description,
        scheduleImpactDays: row.scheduleImpactDays,
        subcontractId: row.subcontractId,
        clientChangeOrderId: row.clientChangeOrderId,
        previousRevisionId: row.id,
        costTotalAmount: row.costTotalAmount,
        sellTotalAmount: row.sellTotalAmount,
        routingAmount: row.routingAmount,
        // the CO's author stays its author across revisions (segregation of duties follows the item)
        createdById: row.createdById,
      })
      .returning({ id: changeOrders.id });
    if (!revision) throw new Error('revision insert returned no row');
    const lines = await tx.select().from(changeOrderLines).where(eq(changeOrderLines.changeOrderId, row.id));
    if (lines.length > 0)
      await tx
        .insert(changeOrderLines)
        .values(lines.map(({ id: _id, ...line }) => ({ ...line, changeOrderId: revision.id })));
    const docs = await tx
      .select()
      .from(changeOrderDocuments)
      .where(eq(changeOrderDocuments.changeOrderId, row.id));
    if (docs.length > 0)
      await tx
        .insert(changeOrderDocuments)
        .values(docs.map(({ id: _id, ...doc }) => ({ ...doc, changeOrderId: revision.id })));
    // everyone who shaped an earlier revision stays an author of the item; so does the reviser
    await carryAuthors(tx, ENTITY, row.id, revision.id);
    await noteAuthor(tx, ENTITY, revision.id, actor.id, 'editor');
    await recordAudit(tx, {
      actor,
      action: 'change_order.revise',
      entityType: ENTITY,
      entityId: revision.id,
      fromState: 'rejected',
      toState: 'draft',
      comment: `Revision ${row.revision + 1} of ${row.reference}`,
    });
    return revision;
  });
}
