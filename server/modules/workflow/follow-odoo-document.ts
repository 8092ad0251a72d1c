import { eq, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Tx } from '@/db/client';
import { formatMoney } from '@/server/lib/money';
import type { OdooClient } from '@/server/odoo/client';
import { OdooBusinessError } from '@/server/odoo/errors';
import { canTransition, type MachineDef } from '@/server/lib/state-machine';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { lockRow, type WorkflowTable } from './record-writes';

/** What Plumbline reads of an Odoo accounting document (account.move: a vendor bill, a customer invoice). */
export type OdooDocumentState = {
  id: number;
  name: string | null;
  state: string;
  paymentState: string | null;
  amountTotal: string;
};

/**
 * Reads the document back from Odoo (what the record will follow). A document deleted in Odoo is a
 * business error named `odooName` ("Vendor bill 12 no longer exists in Odoo.").
 */
export async function readOdooDocument(
  odoo: OdooClient,
  moveId: number,
  missing: { odooName: string; label: string },
  fields: readonly string[] = ['name', 'state', 'payment_state', 'amount_total'],
): Promise<OdooDocumentState> {
  const [move] = await odoo.read<{
    id: number;
    name: string | false;
    state: string;
    payment_state: string | false;
    amount_total: number;
  }>('account.move', [moveId], [...fields]);
  if (!move)
    throw new OdooBusinessError({
      odooName: missing.odooName,
      message: `${missing.label} ${moveId} no longer exists in Odoo.`,
    });
  return {
    id: move.id,
    name: move.name || null,
    state: move.state,
    paymentState: move.payment_state || null,
    amountTotal: formatMoney(String(move.amount_total)),
  };
}

/** Odoo counts a move as paid once its payment is registered, matched to the bank or not yet. */
const PAID = new Set(['paid', 'in_payment']);

/**
 * How one kind of record follows its Odoo document (claims their vendor bill, milestones their
 * customer invoice): the columns that keep what Odoo holds, the system transitions a posted and a
 * paid document make, what the audit calls the document, and the drift check.
 */
export type DocumentFollowing<T extends WorkflowTable, S extends string, E extends string> = {
  table: T;
  /** The audit entity and action prefix ('claim' → 'claim.mark_posted'). */
  entity: string;
  machine: MachineDef<S, E>;
  /** 'bill', 'invoice': "Odoo bill BILL/2026/0001 is posted." */
  document: string;
  fields(document: OdooDocumentState): Partial<InferInsertModel<T>>;
  postedEvent: E;
  paidEvent: E;
  /** Opens or settles the drift exceptions, with the record as it now is. */
  checkDrift(tx: Tx, row: InferSelectModel<T>, document: OdooDocumentState): Promise<void>;
};

/**
 * The record follows its Odoo document, in the caller's transaction (the sync attempt's, a pull's or
 * the reconciliation's): the row is locked, the document's state stored on it, a posted document moves
 * it by `postedEvent` and a paid one by `paidEvent` (each an audited system transition, when the
 * machine allows it from where the record is), then drift is checked. 'missing' when the record is gone.
 */
export async function followOdooDocument<T extends WorkflowTable, S extends string, E extends string>(
  tx: Tx,
  rule: DocumentFollowing<T, S, E>,
  recordId: string,
  document: OdooDocumentState,
): Promise<{ status: string }> {
  const row = await lockRow(tx, rule.table, recordId);
  if (!row) return { status: 'missing' };
  const fields = rule.fields(document);
  await tx
    .update(rule.table)
    .set(fields as PgUpdateSetSource<T>)
    .where(eq(rule.table.id, recordId));
  let current = { ...row, ...fields } as InferSelectModel<T>;
  const posted = document.state === 'posted';
  if (posted && canTransition(rule.machine, statusOf(current), rule.postedEvent))
    current = await transition(tx, rule, current, rule.postedEvent, document, 'posted');
  if (
    posted &&
    document.paymentState &&
    PAID.has(document.paymentState) &&
    canTransition(rule.machine, statusOf(current), rule.paidEvent)
  )
    current = await transition(
      tx,
      rule,
      current,
      rule.paidEvent,
      document,
      `paid (${document.paymentState})`,
    );
  await rule.checkDrift(tx, current, document);
  return { status: statusOf(current) };
}

function statusOf<S extends string>(row: object): S {
  return (row as { status: S }).status;
}

async function transition<T extends WorkflowTable, S extends string, E extends string>(
  tx: Tx,
  rule: DocumentFollowing<T, S, E>,
  row: InferSelectModel<T>,
  event: E,
  document: OdooDocumentState,
  what: string,
): Promise<InferSelectModel<T>> {
  const { id, version } = row as { id: string; version: number };
  const from = statusOf<S>(row);
  const to = rule.machine.transitions[event].to;
  const [updated] = (await tx
    .update(rule.table)
    .set({ status: to, version: version + 1, updatedAt: new Date() } as PgUpdateSetSource<T>)
    .where(eq(rule.table.id, id))
    .returning()) as InferSelectModel<T>[];
  await recordAudit(tx, {
    actor: { id: null, role: 'system' },
    action: `${rule.entity}.${event}`,
    entityType: rule.entity,
    entityId: id,
    fromState: from,
    toState: to,
    comment: `Odoo ${rule.document} ${document.name ?? document.id} is ${what}.`,
  });
  return updated ?? row;
}
