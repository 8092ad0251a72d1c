import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { milestones } from '@/db/schema';
import { formatMoney, Money } from '@/server/lib/money';
import { canTransition } from '@/server/lib/state-machine';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { findDrift } from '@/server/modules/exceptions/drift.calc';
import { settleDrift } from '@/server/modules/exceptions/drift.service';
import { milestoneMachine, type MilestoneEvent } from './milestone.machine';
import type { MilestoneRow } from './milestone.records';

const ENTITY = 'milestone';
const SYSTEM = { id: null, role: 'system' } as const;
const INVOICE_CHECKED_KINDS = ['missing', 'cancelled', 'amount_changed'] as const;

/** What Plumbline reads of a milestone's customer invoice (account.move, out_invoice). */
export type InvoiceState = {
  id: number;
  name: string | null;
  state: string;
  paymentState: string | null;
  amountTotal: string;
};

/** Odoo counts an invoice as paid once its payment is registered, matched to the bank or not yet. */
const PAID = new Set(['paid', 'in_payment']);

/** The invoice total Odoo should show: the milestone amount less the client's retention. */
export function expectedInvoiceTotal(
  row: Pick<MilestoneRow, 'invoiceAmount' | 'retentionAmount'>,
): string | null {
  if (row.invoiceAmount === null) return null;
  return formatMoney(new Money(row.invoiceAmount).minus(row.retentionAmount ?? '0'));
}

/**
 * `invoiced` and `paid` follow the invoice (DOMAIN §5): called by the milestone's sync handler after
 * it posts, and by the scheduled refresh. Stores the invoice's state on the milestone, moves released
 * → invoiced when posted and invoiced → paid when paid (each an audited system transition), and opens
 * a drift exception when the invoice was cancelled or its total no longer matches.
 */
export async function applyInvoiceState(
  tx: Tx,
  milestoneId: string,
  invoice: InvoiceState,
): Promise<{ status: string }> {
  const [row] = await tx.select().from(milestones).where(eq(milestones.id, milestoneId)).for('update');
  if (!row) return { status: 'missing' };
  const invoiceFields = {
    odooInvoiceId: invoice.id,
    odooInvoiceName: invoice.name,
    odooInvoiceState: invoice.state,
    odooPaymentState: invoice.paymentState,
  };
  let current: MilestoneRow = { ...row, ...invoiceFields };
  await tx.update(milestones).set(invoiceFields).where(eq(milestones.id, row.id));
  if (invoice.state === 'posted' && canTransition(milestoneMachine, current.status, 'mark_invoiced'))
    current = await follow(tx, current, 'mark_invoiced', invoice);
  if (
    invoice.state === 'posted' &&
    invoice.paymentState &&
    PAID.has(invoice.paymentState) &&
    canTransition(milestoneMachine, current.status, 'mark_paid')
  ) {
    current = await follow(tx, current, 'mark_paid', invoice);
  }
  await checkDrift(tx, current, invoice);
  return { status: current.status };
}

async function follow(
  tx: Tx,
  row: MilestoneRow,
  event: MilestoneEvent,
  invoice: InvoiceState,
): Promise<MilestoneRow> {
  const to = milestoneMachine.transitions[event].to;
  const [updated] = await tx
    .update(milestones)
    .set({ status: to, version: row.version + 1, updatedAt: new Date() })
    .where(eq(milestones.id, row.id))
    .returning();
  await recordAudit(tx, {
    actor: SYSTEM,
    action: `milestone.${event}`,
    entityType: ENTITY,
    entityId: row.id,
    fromState: row.status,
    toState: to,
    comment: `Odoo invoice ${invoice.name ?? invoice.id} is ${event === 'mark_invoiced' ? 'posted' : `paid (${invoice.paymentState})`}.`,
  });
  return updated ?? row;
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
