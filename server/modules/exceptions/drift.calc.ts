import { formatMoney } from '@/server/lib/money';

/** What reconciliation can find between a synced record and its Odoo document (DOMAIN §6). */
export type DriftKind = 'missing' | 'duplicated' | 'amount_changed' | 'state_changed' | 'cancelled';

export const DRIFT_KINDS: readonly DriftKind[] = [
  'missing',
  'duplicated',
  'amount_changed',
  'state_changed',
  'cancelled',
];

/** One open exception per (record, kind of drift): the cause names the kind. */
export function driftCause(kind: DriftKind): string {
  return `drift.${kind}`;
}

/** What Plumbline reads of an Odoo document (a move, or an order line) to compare it with the record. */
export type OdooDocSnapshot = {
  id: number;
  name: string | null;
  partnerId: number | null;
  state: string;
  amountTotal: string;
};

export type DriftExpectation = {
  /** The document the record is linked to (odoo_*_id or sync_links), if any. */
  linkedId: number | null;
  /** The partner it must carry; null when not known locally (duplicates are then counted by reference only). */
  partnerId: number | null;
  /** numeric string; null = not compared. */
  amount: string | null;
  /** The state Odoo should show for the record's current status; null = not compared. */
  expectedState: string | null;
};

export type DriftFinding = { kind: DriftKind; detail: string };

const label = (doc: OdooDocSnapshot) => doc.name ?? `#${doc.id}`;

/**
 * Compares a record with the Odoo documents found under its reference (plus its linked one).
 * Pure: the same rules serve the nightly reconciliation and the state refresh after each sync.
 */
export function findDrift(
  expected: DriftExpectation,
  documents: readonly OdooDocSnapshot[],
): { current: OdooDocSnapshot | null; findings: DriftFinding[] } {
  const ofPartner = documents.filter(
    (doc) => expected.partnerId === null || doc.partnerId === null || doc.partnerId === expected.partnerId,
  );
  const live = ofPartner.filter((doc) => doc.state !== 'cancel');
  const current =
    expected.linkedId !== null
      ? (documents.find((doc) => doc.id === expected.linkedId) ?? null)
      : (live[0] ?? ofPartner[0] ?? null);
  const findings: DriftFinding[] = [];
  if (!current) {
    findings.push({
      kind: 'missing',
      detail:
        expected.linkedId !== null
          ? `Odoo document #${expected.linkedId} no longer exists (deleted in Odoo)`
          : 'no Odoo document carries this reference',
    });
    return { current, findings };
  }
  if (live.length > 1)
    findings.push({
      kind: 'duplicated',
      detail: `${live.length} live documents carry the same reference and partner: ${live.map(label).join(', ')}`,
    });
  if (current.state === 'cancel') {
    findings.push({ kind: 'cancelled', detail: `${label(current)} was cancelled in Odoo` });
    return { current, findings };
  }
  if (expected.expectedState !== null && current.state !== expected.expectedState) {
    findings.push({
      kind: 'state_changed',
      detail: `${label(current)} is ${current.state} in Odoo where ${expected.expectedState} is expected`,
    });
  }
  if (expected.amount !== null && formatMoney(current.amountTotal) !== formatMoney(expected.amount)) {
    findings.push({
      kind: 'amount_changed',
      detail: `${label(current)} totals ${formatMoney(current.amountTotal)} in Odoo where ${formatMoney(expected.amount)} is expected`,
    });
  }
  return { current, findings };
}
