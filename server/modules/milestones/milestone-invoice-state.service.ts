import type { Tx } from '@/db/client';
import { milestones } from '@/db/schema';
import { formatMoney, Money } from '@/server/lib/money';
import { findDrift } from '@/server/modules/exceptions/drift.calc';
import { settleDrift } from '@/server/modules/exceptions/drift.service';
import {
  followOdooDocument,
  type DocumentFollowing,
  type OdooDocumentState,
} from '@/server/modules/workflow/follow-odoo-document';
import { milestoneMachine, type MilestoneEvent, type MilestoneState } from './milestone.machine';
import type { MilestoneRow } from './milestone.records';

const ENTITY = 'milestone';
const INVOICE_CHECKED_KINDS = ['missing', 'cancelled', 'amount_changed'] as const;

/** What Plumbline reads of a milestone's customer invoice (account.move, out_invoice). */
export type InvoiceState = OdooDocumentState;

/** The invoice total Odoo should show: the milestone amount less the client's retention. */
export function expectedInvoiceTotal(
  row: Pick<MilestoneRow, 'invoiceAmount' | 'retentionAmount'>,
): string | null {
  if (row.invoiceAmount === null) return null;
  return formatMoney(new Money(row.invoiceAmount).minus(row.retentionAmount ?? '0'));
}

/** A milestone follows its customer invoice: its state on the milestone, posted → `invoiced`, paid → `paid`. */
const followsInvoice: DocumentFollowing<typeof milestones, MilestoneState, MilestoneEvent> = {
  table: milestones,
  entity: ENTITY,
  machine: milestoneMachine,
  document: 'invoice',
  fields: (invoice) => ({
    odooInvoiceId: invoice.id,
    odooInvoiceName: invoice.name,
    odooInvoiceState: invoice.state,
    odooPaymentState: invoice.paymentState,
  }),
  postedEvent: 'mark_invoiced',
  paidEvent: 'mark_paid',
  checkDrift: (tx, row, invoice) => checkDrift(tx, row, invoice),
};

/**
 * `invoiced` and `paid` follow the invoice (DOMAIN §5), in the caller's transaction: the milestone
 * sync's effect (applied with the attempt), the scheduled refresh, the reconciliation. Stores the
 * invoice's state on the milestone, moves released → invoiced when posted and invoiced → paid when
 * paid (each an audited system transition), and opens a drift exception when the invoice was
 * cancelled or its total no longer matches (followOdooDocument).
 */
export function applyInvoiceState(
  tx: Tx,
  milestoneId: string,
  invoice: InvoiceState,
): Promise<{ status: string }> {
  return followOdooDocument(tx, followsInvoice, milestoneId, invoice);
}

/** Cancelled or re-totalled is drift (one exception per kind, shared with the nightly reconciliation). */
async function checkDrift(tx: Tx, row: MilestoneRow, invoice: InvoiceState) {
  const { findings } = findDrift(
    { linkedId: invoice.id, partnerId: null, amount: expectedInvoiceTotal(row), expectedState: null },
    [
      {
        id: invoice.id,
        name: invoice.name,
        partnerId: null,
        state: invoice.state,
        amountTotal: invoice.amountTotal,
      },
    ],
  );
  const record = {
    recordType: ENTITY,
    recordId: row.id,
    reference: row.reference,
    projectId: row.projectId,
    amountAtStake: row.invoiceAmount,
    document: 'customer invoice',
  };
  await settleDrift(tx, record, findings, INVOICE_CHECKED_KINDS);
}
