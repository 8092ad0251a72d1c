import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { claims } from '@/db/schema';
import { findDrift } from '@/server/modules/exceptions/drift.calc';
import { settleDrift } from '@/server/modules/exceptions/drift.service';
import { notifyClaimOutcome } from '@/server/modules/notifications/notification-events';
import {
  followOdooDocument,
  type DocumentFollowing,
  type OdooDocumentState,
} from '@/server/modules/workflow/follow-odoo-document';
import { claimMachine, type ClaimEvent, type ClaimState } from './claim.machine';
import type { ClaimRow } from './claim.records';

const ENTITY = 'claim';
/** The statuses under which a claim must have a live bill of the approved amount. */
export const BILL_EXPECTED = new Set(['approved', 'released', 'posted', 'paid']);
const BILL_CHECKED_KINDS = ['missing', 'cancelled', 'amount_changed'] as const;

/** What Plumbline reads of a claim's vendor bill (account.move). */
export type BillState = OdooDocumentState;

/** A claim follows its vendor bill: the bill's state on the claim, posted → `posted`, paid → `paid`. */
const followsBill: DocumentFollowing<typeof claims, ClaimState, ClaimEvent> = {
  table: claims,
  entity: ENTITY,
  machine: claimMachine,
  document: 'bill',
  fields: (bill) => ({
    odooBillId: bill.id,
    odooBillName: bill.name,
    odooBillState: bill.state,
    odooPaymentState: bill.paymentState,
    odooBillAmount: bill.amountTotal,
  }),
  postedEvent: 'mark_posted',
  paidEvent: 'mark_paid',
  checkDrift: (tx, row, bill) => checkDrift(tx, row, bill),
};

/**
 * `posted` and `paid` follow the bill (DOMAIN §4), in the caller's transaction: the claim sync's
 * effect (applied with the attempt), a pull of vendor bills, the reconciliation. Records the bill's
 * state on the claim, moves a released claim to posted and a posted one to paid (each an audited
 * system transition), and opens a drift exception when the bill no longer matches the certified
 * amount or was cancelled under an approved claim (followOdooDocument).
 */
export async function applyBillState(tx: Tx, claimId: string, bill: BillState): Promise<{ status: string }> {
  const [before] = await tx.select({ status: claims.status }).from(claims).where(eq(claims.id, claimId));
  const result = await followOdooDocument(tx, followsBill, claimId, bill);
  // paid in this transaction (the sync's effect, a pull, the reconciliation): the vendor's contacts
  // are told, once (a claim's "paid" has one dedupe key, whichever path saw it first)
  if (result.status === 'paid' && before && before.status !== 'paid')
    await notifyClaimOutcome(tx, claimId, 'claim_paid');
  return result;
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
