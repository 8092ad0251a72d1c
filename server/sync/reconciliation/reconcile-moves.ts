import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { claims, milestones, partners, projects, subcontracts, syncLinks } from '@/db/schema';
import { logger } from '@/server/lib/logger';
import { formatMoney } from '@/server/lib/money';
import type { OdooClient } from '@/server/odoo/client';
import { applyBillState, BILL_EXPECTED } from '@/server/modules/claims/claim-bill-state.service';
import { claimBillReference } from '@/server/modules/claims/claim-entry.calc';
import {
  findDrift,
  type DriftExpectation,
  type DriftKind,
  type OdooDocSnapshot,
} from '@/server/modules/exceptions/drift.calc';
import { settleDrift, type DriftRecord } from '@/server/modules/exceptions/drift.service';
import {
  applyInvoiceState,
  expectedInvoiceTotal,
} from '@/server/modules/milestones/milestone-invoice-state.service';
import { BILLED_STATUSES } from '@/server/modules/milestones/milestone.records';
import { emptyTypeCounts, type TypeCounts } from './reconciliation.counts';

const CHUNK = 200;
const MOVE_FIELDS = ['ref', 'partner_id', 'state', 'payment_state', 'amount_total', 'name'];
type MoveRow = {
  id: number;
  ref: string | false;
  partner_id: [number, string] | false;
  state: string;
  payment_state: string | false;
  amount_total: number;
  name: string | false;
};
type Move = OdooDocSnapshot & { ref: string | null; paymentState: string | null };

/** One record to compare: what Odoo should hold for it, and how to let it follow what Odoo holds. */
type Candidate = {
  record: DriftRecord;
  ref: string;
  expected: DriftExpectation;
  /** Lets the record follow the document (posted, paid, its own cancel/amount drift): the module's own rule. */
  follow(tx: Tx, move: Move): Promise<unknown>;
};

/** The kinds the module's follow() settles itself (claim-bill-state / milestone-invoice-state). */
const FOLLOWED: readonly DriftKind[] = ['missing', 'cancelled', 'amount_changed'];
const OWN: readonly DriftKind[] = ['duplicated', 'state_changed'];

/** Every synced claim that must have a vendor bill (in_invoice) ↔ the bills under its reference. */
export async function reconcileClaimBills(
  db: Db,
  odoo: OdooClient,
  organisation: SQL | undefined,
): Promise<TypeCounts> {
  const rows = await db
    .select({ row: claims, vendorOdooId: partners.odooId, linkId: syncLinks.odooId })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .leftJoin(
      syncLinks,
      and(
        eq(syncLinks.recordType, 'claim'),
        eq(syncLinks.recordId, claims.id),
        eq(syncLinks.purpose, 'vendor_bill'),
      ),
    )
    .where(
      and(
        organisation,
        inArray(claims.status, [...BILL_EXPECTED] as (typeof claims.$inferSelect)['status'][]),
        eq(claims.syncStatus, 'synced'),
      ),
    );
  const candidates: Candidate[] = rows.map(({ row, vendorOdooId, linkId }) => ({
    record: {
      recordType: 'claim',
      recordId: row.id,
      reference: row.reference,
      projectId: row.projectId,
      amountAtStake: row.dueAmount,
      document: 'vendor bill',
    },
    ref: claimBillReference(row.reference, row.revision),
    expected: {
      linkedId: row.odooBillId ?? linkId,
      partnerId: vendorOdooId,
      amount: row.dueAmount,
      expectedState: row.status === 'approved' ? 'draft' : 'posted',
    },
    follow: (tx, move) =>
      applyBillState(tx, row.id, {
        id: move.id,
        name: move.name,
        state: move.state,
        paymentState: move.paymentState,
        amountTotal: move.amountTotal,
      }),
  }));
  return reconcileMoves(db, odoo, 'in_invoice', candidates);
}

/** Every synced released milestone ↔ the customer invoices (out_invoice) under its reference. */
export async function reconcileMilestoneInvoices(
  db: Db,
  odoo: OdooClient,
  organisation: SQL | undefined,
): Promise<TypeCounts> {
  const rows = await db
    .select({ row: milestones, linkId: syncLinks.odooId })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .leftJoin(
      syncLinks,
      and(
        eq(syncLinks.recordType, 'milestone'),
        eq(syncLinks.recordId, milestones.id),
        eq(syncLinks.purpose, 'customer_invoice'),
      ),
    )
    .where(
      and(
        organisation,
        inArray(milestones.status, [...BILLED_STATUSES]),
        eq(milestones.syncStatus, 'synced'),
      ),
    );
  const candidates: Candidate[] = rows.map(({ row, linkId }) => ({
    record: {
      recordType: 'milestone',
      recordId: row.id,
      reference: row.reference,
      projectId: row.projectId,
      amountAtStake: row.invoiceAmount ?? row.fixedAmount,
      document: 'customer invoice',
    },
    ref: row.reference,
    // the customer is the sale order's, not kept locally: duplicates are counted by reference
    expected: {
      linkedId: row.odooInvoiceId ?? linkId,
      partnerId: null,
      amount: expectedInvoiceTotal(row),
      expectedState: 'posted',
    },
    follow: (tx, move) =>
      applyInvoiceState(tx, row.id, {
        id: move.id,
        name: move.name,
        state: move.state,
        paymentState: move.paymentState,
        amountTotal: move.amountTotal,
      }),
  }));
  return reconcileMoves(db, odoo, 'out_invoice', candidates);
}

async function reconcileMoves(
  db: Db,
  odoo: OdooClient,
  moveType: 'in_invoice' | 'out_invoice',
  candidates: Candidate[],
): Promise<TypeCounts> {
  const counts = emptyTypeCounts();
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    let moves: Move[];
    try {
      moves = await readMoves(odoo, moveType, chunk);
    } catch (error) {
      // Odoo unreachable for this chunk: nothing is concluded about these records (no false "missing")
      logger().warn({ err: error, moveType }, 'reconciliation could not read Odoo moves');
      counts.failed += chunk.length;
      continue;
    }
    for (const candidate of chunk) {
      counts.checked += 1;
      try {
        const documents = moves.filter(
          (move) => move.ref === candidate.ref || move.id === candidate.expected.linkedId,
        );
        const { current, findings } = findDrift(candidate.expected, documents);
        await db.transaction(async (tx) => {
          if (current) await candidate.follow(tx, current as Move);
          // missing: the module's follow() never ran, so this run settles every kind itself
          const evaluated = current ? OWN : [...FOLLOWED, ...OWN];
          const own = findings.filter((f) => evaluated.includes(f.kind));
          await settleDrift(tx, candidate.record, own, evaluated);
        });
        tally(
          counts,
          findings.map((f) => f.kind),
        );
      } catch (error) {
        logger().warn(
          { err: error, recordId: candidate.record.recordId },
          'reconciliation of a record failed',
        );
        counts.failed += 1;
      }
    }
  }
  return counts;
}

export function tally(counts: TypeCounts, kinds: DriftKind[]) {
  if (kinds.length === 0) counts.matched += 1;
  if (kinds.includes('missing')) counts.missing += 1;
  if (kinds.includes('duplicated')) counts.duplicated += 1;
  if (kinds.includes('amount_changed')) counts.amountChanged += 1;
  if (kinds.includes('state_changed')) counts.stateChanged += 1;
  if (kinds.includes('cancelled')) counts.cancelled += 1;
}

async function readMoves(odoo: OdooClient, moveType: string, chunk: Candidate[]): Promise<Move[]> {
  const byRef = await odoo.searchRead<MoveRow>(
    'account.move',
    [
      ['move_type', '=', moveType],
      ['ref', 'in', chunk.map((c) => c.ref)],
    ],
    MOVE_FIELDS,
  );
  const seen = new Set(byRef.map((m) => m.id));
  const linkedOnly = chunk
    .map((c) => c.expected.linkedId)
    .filter((id): id is number => id !== null && !seen.has(id));
  // a linked move whose ref was edited in Odoo is still found (and then reported for what it is)
  const byId =
    linkedOnly.length > 0
      ? await odoo.searchRead<MoveRow>('account.move', [['id', 'in', linkedOnly]], MOVE_FIELDS)
      : [];
  return [...byRef, ...byId].map((m) => ({
    id: m.id,
    ref: m.ref || null,
    name: m.name || null,
    partnerId: Array.isArray(m.partner_id) ? m.partner_id[0] : null,
    state: m.state,
    paymentState: m.payment_state || null,
    amountTotal: formatMoney(String(m.amount_total)),
  }));
}
