import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { claims } from '@/db/schema';
import { canTransition } from '@/server/lib/state-machine';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { findDrift } from '@/server/modules/exceptions/drift.calc';
import { settleDrift } from '@/server/modules/exceptions/drift.service';
import { claimMachine, type ClaimEvent } from './claim.machine';
import type { ClaimRow } from './claim.records';

const ENTITY = 'claim';
const SYSTEM = { id: null, role: 'system' } as const;
/** The statuses under which a claim must have a live bill of the approved amount. */
export const BILL_EXPECTED = new Set(['approved', 'released', 'posted', 'paid']);
const BILL_CHECKED_KINDS = ['missing', 'cancelled', 'amount_changed'] as const;

/** What Plumbline reads of a claim's vendor bill (account.move). */
export type BillState = {
  id: number;
  name: string | null;
  state: string;
  paymentState: string | null;
  amountTotal: string;
};

/** Odoo counts a bill as paid when its payment is registered, reconciled or not yet matched to the bank. */
const PAID = new Set(['paid', 'in_payment']);

/**
 * `posted` and `paid` follow the bill (DOMAIN §4): called by the claim's sync handler after it posts,
 * and by any pull of vendor bills. Records the bill's state on the claim, moves a released claim to
 * posted and a posted one to paid (each an audited system transition), and opens a drift exception
 * when the bill no longer matches the certified amount or was cancelled under an approved claim.
 */
export async function applyBillState(tx: Tx, claimId: string, bill: BillState): Promise<{ status: string }> {
  const [row] = await tx.select().from(claims).where(eq(claims.id, claimId)).for('update');
  if (!row) return { status: 'missing' };
  let current: ClaimRow = row;
  const billFields = {
    odooBillId: bill.id,
    odooBillName: bill.name,
    odooBillState: bill.state,
    odooPaymentState: bill.paymentState,
    odooBillAmount: bill.amountTotal,
  };
  await tx.update(claims).set(billFields).where(eq(claims.id, row.id));
  current = { ...current, ...billFields };
  if (bill.state === 'posted' && canTransition(claimMachine, current.status, 'mark_posted'))
    current = await follow(tx, current, 'mark_posted', bill);
  if (
    bill.state === 'posted' &&
    bill.paymentState &&
    PAID.has(bill.paymentState) &&
    canTransition(claimMachine, current.status, 'mark_paid')
  )
    current = await follow(tx, current, 'mark_paid', bill);
  await checkDrift(tx, current, bill);
  return { status: current.status };
}

async function follow(tx: Tx, row: ClaimRow, event: ClaimEvent, bill: BillState): Promise<ClaimRow> {
  const to = claimMachine.transitions[event].to;
  const [updated] = await tx
    .update(claims)
    .set({ status: to, version: row.version + 1, updatedAt: new Date() })
    .where(eq(claims.id, row.id))
    .returning();
  await recordAudit(tx, {
    actor: SYSTEM,
    action: `claim.${event}`,
    entityType: ENTITY,
    entityId: row.id,
    fromState: row.status,
    toState: to,
    comment: `Odoo bill ${bill.name ?? bill.id} is ${event === 'mark_posted' ? 'posted' : `paid (${bill.paymentState})`}.`,
  });
  return updated ?? row;
}

/**
 * Cancelled or re-totalled under an approved claim is drift (one exception per kind, shared with the
 * nightly reconciliation, server/sync/reconciliation); a bill read back also settles "missing".
 */
async function checkDrift(tx: Tx, row: ClaimRow, bill: BillState) {
  const expectsBill = BILL_EXPECTED.has(row.status);
  const { findings } = findDrift(
    { linkedId: bill.id, partnerId: null, amount: expectsBill ? row.dueAmount : null, expectedState: null },
    [{ id: bill.id, name: bill.name, partnerId: null, state: bill.state, amountTotal: bill.amountTotal }],
  );
  const record = {
    recordType: ENTITY,
    recordId: row.id,
    reference: row.reference,
    projectId: row.projectId,
    amountAtStake: row.dueAmount,
    document: 'vendor bill',
  };
  await settleDrift(tx, record, expectsBill ? findings : [], BILL_CHECKED_KINDS);
}
