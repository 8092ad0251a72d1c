import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { claims, milestones, partners, projects, subcontracts, syncLinks } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { formatMoney } from '@/server/lib/money';
import type { OdooClient, OdooDomain } from '@/server/odoo/client';
import { isOdooError } from '@/server/odoo/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { BILL_EXPECTED } from '@/server/modules/claims/claim-bill-state.service';
import { claimBillReference } from '@/server/modules/claims/claim-entry.calc';
import { expectedInvoiceTotal } from '@/server/modules/milestones/milestone-invoice-state.service';
import { BILLED_STATUSES } from '@/server/modules/milestones/milestone.records';
import { requestSync } from '@/server/sync/enqueue';
import { resolveSyncOdooClient } from '@/server/sync/odoo-connection';
import type { LinkCandidatesInput, LinkOdooRecordInput } from './exception.schemas';
import { bumpVersion, loadOpenException } from './exception.service';

type MoveRow = {
  id: number;
  move_type: string;
  partner_id: [number, string] | false;
  ref: string | false;
  amount_total: number;
  state: string;
  name: string | false;
  payment_state: string | false;
};
type Expectation = {
  moveType: 'in_invoice' | 'out_invoice';
  document: string;
  partnerId: number | null;
  ref: string;
  amount: string | null;
  purpose: string;
};

/** What each record type expects of the Odoo document finance links to it. */
const targets = {
  claim: { expect: claimExpectation, store: storeOnClaim },
  milestone: { expect: milestoneExpectation, store: storeOnMilestone },
} as const;

/**
 * Finance links an existing Odoo document (a vendor bill made by hand, a replacement invoice) to the
 * record an exception blocks. Refused, with every reason, unless the document is of the right kind,
 * not cancelled, and carries the partner, amount and reference the record expects. On success, in one
 * transaction: sync_links and the record's odoo_* columns, the exception resolved, the audit row and a
 * fresh sync (which adopts the document by its reference and lets the record follow it).
 * Reading Odoo here is a read-only lookup, so finance gets the answer at once; writes stay the worker's.
 */
export async function linkOdooRecord(
  db: Db,
  input: LinkOdooRecordInput,
  actor: Actor,
  odooClient?: OdooClient,
): Promise<{ id: string; jobId: string }> {
  const current = await db.transaction((tx) => loadOpenException(tx, actor, input.exceptionId));
  const target =
    current.recordType === 'claim' || current.recordType === 'milestone' ? targets[current.recordType] : null;
  if (!target)
    throw new DomainError(
      'INVALID_TRANSITION',
      'Only a claim’s vendor bill or a milestone’s customer invoice can be linked to an existing Odoo record.',
    );
  const odoo = odooClient ?? (await connectedOdoo(db));
  const expected = await target.expect(db, odoo, current.recordId);
  const move = await readMove(odoo, input.odooId);
  const problems = mismatches(expected, move, input.odooId);
  if (problems.length > 0 || !move)
    throw new DomainError(
      'ODOO_LINK_MISMATCH',
      `Odoo ${expected.document} #${input.odooId} cannot be linked: ${problems.join('; ')}.`,
      { problems },
    );

  return db.transaction(async (tx) => {
    await bumpVersion(tx, input, {
      status: 'resolved',
      resolvedAt: sql`now()`,
      resolvedById: actor.id,
      resolution: `Linked to Odoo ${expected.document} ${move.name || `#${move.id}`}.`,
    });
    await tx
      .insert(syncLinks)
      .values({
        recordType: current.recordType,
        recordId: current.recordId,
        purpose: expected.purpose,
        odooModel: 'account.move',
        odooId: move.id,
        reference: expected.ref,
      })
      .onConflictDoUpdate({
        target: [syncLinks.recordType, syncLinks.recordId, syncLinks.purpose],
        set: { odooModel: 'account.move', odooId: move.id, reference: expected.ref },
      });
    const previous = await target.store(tx, current.recordId, move);
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'exception.link',
      entityType: 'exception',
      entityId: current.id,
      fromState: 'open',
      toState: 'resolved',
      changedFields: { odooId: { old: previous, new: move.id } },
      comment: `${current.recordReference ?? current.recordId} linked to Odoo ${expected.document} ${move.name || `#${move.id}`}.`,
      correlationId,
    });
    const { jobId } = await requestSync(tx, {
      recordType: current.recordType,
      recordId: current.recordId,
      correlationId,
    });
    return { id: current.id, jobId };
  });
}

const MOVE_FIELDS = ['move_type', 'partner_id', 'ref', 'amount_total', 'state', 'name', 'payment_state'];

export type LinkCandidate = {
  odooId: number;
  /** Odoo's document name (BILL/2026/11/0002), or null for a draft that has none yet. */
  name: string | null;
  ref: string | null;
  partner: string | null;
  amount: string;
  state: string;
  date: string | null;
  /** What agrees with the record, in words ("same partner", …). */
  matches: string[];
  /** Why it cannot be linked, in words; empty when it can. */
  problems: string[];
};

/** How many documents "Find in Odoo" lists at most (closest first). */
const CANDIDATE_LIMIT = 20;

/**
 * "Link to existing" without a raw id (issue 15 item 12): the Odoo documents of the expected kind
 * that share the record's partner, reference or total, not cancelled, each with what matches and what
 * does not, the linkable ones first. The same `mismatches` decides here and in `linkOdooRecord`, so a
 * candidate shown as linkable is exactly one the link accepts. A read-only Odoo lookup, like the link.
 */
export async function findLinkCandidates(
  db: Db,
  input: LinkCandidatesInput,
  actor: Actor,
  odooClient?: OdooClient,
): Promise<{
  document: string;
  expected: { ref: string; amount: string | null };
  candidates: LinkCandidate[];
}> {
  const current = await db.transaction((tx) => loadOpenException(tx, actor, input.exceptionId));
  const target =
    current.recordType === 'claim' || current.recordType === 'milestone' ? targets[current.recordType] : null;
  if (!target)
    throw new DomainError(
      'INVALID_TRANSITION',
      'Only a claim’s vendor bill or a milestone’s customer invoice can be linked to an existing Odoo record.',
    );
  const odoo = odooClient ?? (await connectedOdoo(db));
  const expected = await target.expect(db, odoo, current.recordId);
  const either: OdooDomain[number][] = [['ref', 'ilike', expected.ref]];
  if (expected.partnerId !== null) either.push(['partner_id', '=', expected.partnerId]);
  if (expected.amount !== null) either.push(['amount_total', '=', Number(expected.amount)]);
  const domain: OdooDomain = [
    ['move_type', '=', expected.moveType],
    ['state', '!=', 'cancel'],
    ...Array.from({ length: either.length - 1 }, () => '|' as const),
    ...either,
  ];
  const fields = [...MOVE_FIELDS, 'invoice_date'];
  type Candidate = MoveRow & { invoice_date: string | false };
  // the exact reference first, so a partner's many newer bills cannot push the right one off the list
  const exact = await odoo
    .searchRead<Candidate>(
      'account.move',
      [
        ['move_type', '=', expected.moveType],
        ['state', '!=', 'cancel'],
        ['ref', '=', expected.ref],
      ],
      fields,
      { limit: CANDIDATE_LIMIT, order: 'id desc' },
    )
    .catch(rethrowOdoo);
  const near = await odoo
    .searchRead<Candidate>('account.move', domain, fields, { limit: CANDIDATE_LIMIT, order: 'id desc' })
    .catch(rethrowOdoo);
  const moves = [...exact, ...near.filter((m) => !exact.some((e) => e.id === m.id))].slice(
    0,
    CANDIDATE_LIMIT,
  );
  const candidates = moves.map((move) => ({
    odooId: move.id,
    name: move.name || null,
    ref: move.ref || null,
    partner: Array.isArray(move.partner_id) ? move.partner_id[1] : null,
    amount: formatMoney(String(move.amount_total)),
    state: move.state,
    date: move.invoice_date || null,
    matches: agreements(expected, move),
    problems: mismatches(expected, move, move.id),
  }));
  candidates.sort((a, b) => a.problems.length - b.problems.length || b.matches.length - a.matches.length);
  return {
    document: expected.document,
    expected: { ref: expected.ref, amount: expected.amount },
    candidates,
  };
}

function agreements(expected: Expectation, move: MoveRow): string[] {
  const out: string[] = [];
  const partnerId = Array.isArray(move.partner_id) ? move.partner_id[0] : null;
  if (expected.partnerId !== null && partnerId === expected.partnerId) out.push('same partner');
  if ((move.ref || '') === expected.ref) out.push(`same reference ${expected.ref}`);
  if (expected.amount !== null && formatMoney(String(move.amount_total)) === formatMoney(expected.amount))
    out.push(`same total ${formatMoney(expected.amount)}`);
  return out;
}

function mismatches(expected: Expectation, move: MoveRow | null, odooId: number): string[] {
  if (!move) return [`Odoo has no journal entry #${odooId}`];
  const problems: string[] = [];
  if (move.move_type !== expected.moveType)
    problems.push(`it is a ${move.move_type}, not a ${expected.document} (${expected.moveType})`);
  if (move.state === 'cancel') problems.push('it is cancelled');
  const partnerId = Array.isArray(move.partner_id) ? move.partner_id[0] : null;
  if (expected.partnerId !== null && partnerId !== expected.partnerId) {
    problems.push(
      `its partner is ${Array.isArray(move.partner_id) ? `${move.partner_id[1]} (#${partnerId})` : 'not set'}, not the expected partner #${expected.partnerId}`,
    );
  }
  if ((move.ref || '') !== expected.ref)
    problems.push(`its reference is "${move.ref || ''}", not "${expected.ref}"`);
  const total = formatMoney(String(move.amount_total));
  if (expected.amount !== null && total !== formatMoney(expected.amount))
    problems.push(`its total is ${total}, not the expected ${formatMoney(expected.amount)}`);
  return problems;
}

async function readMove(odoo: OdooClient, id: number): Promise<MoveRow | null> {
  const [move] = await odoo.read<MoveRow>('account.move', [id], MOVE_FIELDS).catch(rethrowOdoo);
  return move ?? null;
}

async function connectedOdoo(db: Db): Promise<OdooClient> {
  return resolveSyncOdooClient(db).catch(rethrowOdoo);
}

function rethrowOdoo(error: unknown): never {
  if (isOdooError(error)) {
    throw new DomainError(
      error.kind === 'configuration' ? 'ODOO_NOT_CONFIGURED' : 'ODOO_UNAVAILABLE',
      `Odoo could not be read: ${error.message}`,
    );
  }
  throw error;
}

async function claimExpectation(db: Db, _odoo: OdooClient, claimId: string): Promise<Expectation> {
  const [row] = await db
    .select({ claim: claims, vendorOdooId: partners.odooId })
    .from(claims)
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(eq(claims.id, claimId));
  if (!row) throw new DomainError('NOT_FOUND', 'Record not found.');
  if (!BILL_EXPECTED.has(row.claim.status))
    throw new DomainError(
      'INVALID_TRANSITION',
      `${row.claim.reference} is ${row.claim.status}: only an approved (or later) claim has a vendor bill.`,
    );
  if (row.vendorOdooId === null)
    throw new DomainError(
      'VALIDATION',
      'The claim’s vendor has no Odoo partner yet: run a master-data pull first.',
    );
  return {
    moveType: 'in_invoice',
    document: 'vendor bill',
    partnerId: row.vendorOdooId,
    ref: claimBillReference(row.claim.reference, row.claim.revision),
    amount: row.claim.dueAmount,
    purpose: 'vendor_bill',
  };
}

async function milestoneExpectation(db: Db, odoo: OdooClient, milestoneId: string): Promise<Expectation> {
  const [row] = await db
    .select({ milestone: milestones, saleOrderId: projects.odooSaleOrderId })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(eq(milestones.id, milestoneId));
  if (!row) throw new DomainError('NOT_FOUND', 'Record not found.');
  if (!(BILLED_STATUSES as readonly string[]).includes(row.milestone.status))
    throw new DomainError(
      'INVALID_TRANSITION',
      `${row.milestone.reference} is not released: it has no customer invoice yet.`,
    );
  if (row.saleOrderId === null)
    throw new DomainError(
      'VALIDATION',
      'The project has no Odoo sale order linked: run a master-data pull first.',
    );
  const [order] = await odoo
    .read<{ id: number; partner_id: [number, string] | false }>(
      'sale.order',
      [row.saleOrderId],
      ['partner_id'],
    )
    .catch(rethrowOdoo);
  const partnerId = order && Array.isArray(order.partner_id) ? order.partner_id[0] : null;
  return {
    moveType: 'out_invoice',
    document: 'customer invoice',
    partnerId,
    ref: row.milestone.reference,
    amount: expectedInvoiceTotal(row.milestone),
    purpose: 'customer_invoice',
  };
}

async function storeOnClaim(tx: Tx, claimId: string, move: MoveRow): Promise<number | null> {
  const [before] = await tx.select({ id: claims.odooBillId }).from(claims).where(eq(claims.id, claimId));
  await tx
    .update(claims)
    .set({
      odooBillId: move.id,
      odooBillName: move.name || null,
      odooBillState: move.state,
      odooPaymentState: move.payment_state || null,
      odooBillAmount: formatMoney(String(move.amount_total)),
    })
    .where(eq(claims.id, claimId));
  return before?.id ?? null;
}

async function storeOnMilestone(tx: Tx, milestoneId: string, move: MoveRow): Promise<number | null> {
  const [before] = await tx
    .select({ id: milestones.odooInvoiceId })
    .from(milestones)
    .where(eq(milestones.id, milestoneId));
  await tx
    .update(milestones)
    .set({
      odooInvoiceId: move.id,
      odooInvoiceName: move.name || null,
      odooInvoiceState: move.state,
      odooPaymentState: move.payment_state || null,
    })
    .where(eq(milestones.id, milestoneId));
  return before?.id ?? null;
}
