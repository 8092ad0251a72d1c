import type { DbOrTx } from '@/db/client';
import { driftCause, type DriftFinding, type DriftKind } from './drift.calc';
import { raiseException, resolveExceptionsFor } from './exception-raise.service';

export type DriftRecord = {
  recordType: string;
  recordId: string;
  reference: string;
  projectId: string | null;
  amountAtStake: string | null;
  /** 'vendor bill', 'customer invoice', 'order line': the words finance reads. */
  document: string;
};

const guidance: Record<DriftKind, (doc: string) => string> = {
  missing: (doc) =>
    `The ${doc} Plumbline made is gone from Odoo. Press Retry: the sync looks for it by reference and creates it again if it is really gone. If it was replaced by hand, link the replacement instead.`,
  duplicated: (doc) =>
    `Odoo holds more than one live ${doc} with this reference for the same partner, so the amount could be paid twice. Cancel the extra one in Odoo and keep the one Plumbline is linked to (or link the one to keep); this closes at the next reconciliation.`,
  amount_changed: (doc) =>
    `The ${doc} total in Odoo no longer matches the approved amount in Plumbline. Correct it in Odoo (reset to draft and fix it), or reject and revise the record in Plumbline; this closes at the next reconciliation.`,
  state_changed: (doc) =>
    `The ${doc} is not in the state Plumbline expects (e.g. reset to draft after release). Press Retry to let the sync post it again, or put it right in Odoo; this closes at the next reconciliation.`,
  cancelled: (doc) =>
    `The ${doc} was cancelled in Odoo while the record still needs it. Reset it to draft in Odoo, or create a replacement with the same reference, partner and amount and link it here.`,
};

const titles: Record<DriftKind, (doc: string, ref: string) => string> = {
  missing: (doc, ref) => `The Odoo ${doc} of ${ref} is missing`,
  duplicated: (doc, ref) => `${ref} has a duplicate ${doc} in Odoo`,
  amount_changed: (doc, ref) => `The Odoo ${doc} of ${ref} changed amount`,
  state_changed: (doc, ref) => `The Odoo ${doc} of ${ref} changed state`,
  cancelled: (doc, ref) => `The Odoo ${doc} of ${ref} was cancelled`,
};

/**
 * Opens (or counts again) one reconciliation_drift exception per kind found, and closes the open
 * ones of every other `evaluated` kind: the cause is gone. Returns what it opened and closed.
 */
export async function settleDrift(
  tx: DbOrTx,
  record: DriftRecord,
  findings: readonly DriftFinding[],
  evaluated: readonly DriftKind[],
): Promise<{ raised: DriftKind[]; resolved: number }> {
  const raised: DriftKind[] = [];
  for (const finding of findings) {
    await raiseException(tx, {
      category: 'reconciliation_drift',
      cause: driftCause(finding.kind),
      recordType: record.recordType,
      recordId: record.recordId,
      recordReference: record.reference,
      projectId: record.projectId,
      amountAtStake: record.amountAtStake,
      title: titles[finding.kind](record.document, record.reference),
      detail: `${finding.detail}.`,
      guidance: guidance[finding.kind](record.document),
    });
    raised.push(finding.kind);
  }
  let resolved = 0;
  for (const kind of evaluated) {
    if (raised.includes(kind)) continue;
    resolved += await resolveExceptionsFor(
      tx,
      record.recordType,
      record.recordId,
      driftCause(kind),
      'Resolved automatically: Odoo matches the record again.',
    );
  }
  return { raised, resolved };
}
