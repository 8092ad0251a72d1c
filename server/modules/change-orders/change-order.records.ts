import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { changeOrderDocuments, changeOrderLines, changeOrders, costCodes, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { compareAndSet as compareAndSetRecord, lockForUpdate } from '@/server/modules/workflow/record-writes';
import { Money } from '@/server/lib/money';
import { loadSubject, thresholdsOfProject, type ApprovalSubject } from '@/server/modules/approvals/approvals';
import { complianceBlock } from '@/server/modules/vendors/compliance';
import { calculateChangeOrder, routingOf, type ChangeOrderCalculation } from './change-order.calc';
import type { CreateChangeOrderInput } from './change-order.schemas';

export type ChangeOrderRow = typeof changeOrders.$inferSelect;
type Fields = Omit<CreateChangeOrderInput, 'projectId'>;

/** Loads a CO for a write, locked; a CO of a project the actor cannot see is NOT_FOUND. */
export function loadChangeOrderForUpdate(
  tx: Tx,
  actor: Actor,
  changeOrderId: string,
): Promise<ChangeOrderRow> {
  return lockForUpdate(tx, changeOrders, actor, changeOrderId, 'Change order');
}

/**
 * Compare-and-set: the update applies only if status and version are what the caller saw.
 * Zero rows means someone else moved the CO first.
 */
export function compareAndSet(
  tx: Tx,
  row: ChangeOrderRow,
  expectedVersion: number,
  changes: Partial<typeof changeOrders.$inferInsert>,
): Promise<ChangeOrderRow> {
  return compareAndSetRecord(tx, changeOrders, row, expectedVersion, changes);
}

/** Checks the references of a CO's fields against its project and computes its money. */
export async function validateAndCalculate(
  db: DbOrTx,
  projectId: string,
  fields: Fields,
): Promise<ChangeOrderCalculation> {
  const codeIds = [...new Set(fields.lines.map((line) => line.costCodeId))];
  const codes = await db
    .select({ id: costCodes.id })
    .from(costCodes)
    .where(and(eq(costCodes.projectId, projectId), inArray(costCodes.id, codeIds)));
  if (codes.length !== codeIds.length)
    throw new DomainError('VALIDATION', 'Every line needs a cost code of this project.');
  if (fields.kind === 'commitment') {
    if (!fields.subcontractId)
      throw new DomainError('VALIDATION', 'A commitment change order needs the subcontract it changes.');
    // it becomes one purchase-order line and one SOV line, which carry one cost code
    if (codeIds.length > 1) {
      throw new DomainError(
        'VALIDATION',
        'A commitment change order adds one line to the subcontract, so all its lines must use the same cost code. Raise one change order per cost code.',
      );
    }
    const [subcontract] = await db
      .select({ id: subcontracts.id })
      .from(subcontracts)
      .where(and(eq(subcontracts.id, fields.subcontractId), eq(subcontracts.projectId, projectId)));
    if (!subcontract)
      throw new DomainError('VALIDATION', 'That subcontract does not belong to this project.');
  } else if (fields.subcontractId) {
    throw new DomainError('VALIDATION', 'Only a commitment change order names a subcontract.');
  }
  if (fields.clientChangeOrderId) {
    if (fields.kind !== 'commitment')
      throw new DomainError(
        'VALIDATION',
        'Only a commitment change order links the client change order that caused it.',
      );
    const [client] = await db
      .select({ id: changeOrders.id })
      .from(changeOrders)
      .where(
        and(
          eq(changeOrders.id, fields.clientChangeOrderId),
          eq(changeOrders.projectId, projectId),
          eq(changeOrders.kind, 'client'),
        ),
      );
    if (!client)
      throw new DomainError(
        'VALIDATION',
        'The linked client change order must be a client change order of this project.',
      );
  }
  return calculateChangeOrder({
    kind: fields.kind,
    lines: fields.lines.map((line) => ({ ...line, sellAmount: line.sellAmount ?? null })),
  });
}

export async function writeLinesAndDocuments(
  tx: Tx,
  changeOrderId: string,
  calculation: ChangeOrderCalculation,
  documents: Fields['documents'],
) {
  await tx.delete(changeOrderLines).where(eq(changeOrderLines.changeOrderId, changeOrderId));
  await tx.delete(changeOrderDocuments).where(eq(changeOrderDocuments.changeOrderId, changeOrderId));
  await tx.insert(changeOrderLines).values(
    calculation.lines.map((line, index) => ({
      changeOrderId,
      lineNo: index + 1,
      costCodeId: line.costCodeId,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      unitCostAmount: line.unitCost,
      costAmount: line.costAmount,
      sellAmount: line.sellAmount,
    })),
  );
  if (documents.length > 0) {
    await tx
      .insert(changeOrderDocuments)
      .values(documents.map((doc) => ({ changeOrderId, title: doc.title, url: doc.url })));
  }
}

export function formatReference(number: number): string {
  return `CO-${String(number).padStart(4, '0')}`;
}

/** The CO as the approvals module sees it (route fixed at submit; a draft's route is provisional). */
export async function changeOrderSubject(db: DbOrTx, row: ChangeOrderRow): Promise<ApprovalSubject> {
  return loadSubject(db, 'change_order', {
    id: row.id,
    status: row.status,
    authorIds: [row.createdById, row.submittedById],
    provisional: {
      amount: row.routingAmount,
      reason: await routingReasonOf(db, row),
      thresholds: await thresholdsOfProject(db, row.projectId),
    },
  });
}

/** Why the CO routes on its amount, recomputed from its stored lines (the same calculation as at submit). */
export async function routingReasonOf(db: DbOrTx, row: ChangeOrderRow): Promise<string> {
  const lines = await db.select().from(changeOrderLines).where(eq(changeOrderLines.changeOrderId, row.id));
  return routingOf(
    row.kind,
    lines.map((l) => new Money(l.costAmount)),
    row.sellTotalAmount === null ? null : new Money(row.sellTotalAmount),
  ).reason;
}

/**
 * No new commitment for a vendor that is not compliant (DOMAIN §8, issue 19): asked when a commitment
 * CO is created, moved onto a subcontract, submitted and finally approved. The rule is the vendors
 * module's (compliance.ts); the database refuses the same transitions (`change_orders_vendor_compliance`).
 */
export async function assertCommitmentVendorCompliant(
  tx: DbOrTx,
  kind: string,
  subcontractId: string | null | undefined,
): Promise<void> {
  if (kind !== 'commitment' || !subcontractId) return;
  const [sc] = await tx
    .select({ vendorId: subcontracts.vendorId, reference: subcontracts.reference })
    .from(subcontracts)
    .where(eq(subcontracts.id, subcontractId));
  if (!sc) return;
  const reason = await complianceBlock(tx, sc.vendorId);
  if (reason)
    throw new DomainError(
      'VENDOR_NOT_COMPLIANT',
      `No new commitment change order for subcontract ${sc.reference}: ${reason} Ask for a current certificate; once finance accepts it and an executive confirms the date, try again.`,
      { field: 'subcontractId' },
    );
}
