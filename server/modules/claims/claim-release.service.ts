import { organisationToday } from '@/server/lib/org-time';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { claimLines, claims, sovLines } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney, sumMoney } from '@/server/lib/money';
import { nextState } from '@/server/lib/state-machine';
import { recordAudit } from '@/server/modules/audit/audit.service';
import {
  recordReleaseRefusal,
  releaseRefusalCause,
  releaseRefused,
  resolveReleaseRefusals,
  type ReleaseRefusal,
} from '@/server/modules/workflow/release-refusal';
import { requestSync } from '@/server/sync/enqueue';
import { assertCanAct, recordDecision } from '@/server/modules/approvals/approvals';
import { pendingBankChangeOf } from '@/server/modules/approvals/pending-change.service';
import { complianceBlock, laterOfTodayAnd } from '@/server/modules/vendors/compliance';
import { claimSubject } from './claim-approval.service';
import { claimMachine } from './claim.machine';
import { compareAndSet, loadClaimForUpdate, loadSubcontract, type ClaimRow } from './claim.records';
import type { ClaimActionInput } from './claim.schemas';

const ENTITY = 'claim';

export type ReleaseBlockCause =
  | 'bank_change_pending'
  | 'insurance_expired'
  | 'claim_above_sov'
  | 'completed_above_subcontract'
  | 'odoo_link_missing'
  | 'earlier_claim_not_posted';
export type ReleaseBlock = ReleaseRefusal<ReleaseBlockCause>;

/** The exception cause of each refusal: one open exception per (claim, cause). */
export const releaseExceptionCause = (cause: ReleaseBlockCause) => releaseRefusalCause(ENTITY, cause);

const guidance: Record<ReleaseBlockCause, string> = {
  bank_change_pending:
    "A change of the vendor's bank details is waiting for a second person: an executive confirms or rejects it under Pending changes, then release again.",
  insurance_expired:
    'Ask the subcontractor for a current certificate (insurance, licence or tax, as named), have finance accept it and an executive confirm the new expiry date, then release the claim again.',
  claim_above_sov:
    'The schedule of values is now below what was certified. Check the purchase order in Odoo (or approve the change order that covers the work), or reject the claim so it can be certified again.',
  completed_above_subcontract:
    'Work and materials certified to date exceed the revised subcontract value. Reject the claim so the materials on site (or the work) can be certified again within the subcontract, or approve the change order that covers the extra.',
  odoo_link_missing:
    'Run a master-data pull so the subcontract and the vendor are linked to their Odoo purchase order and partner, then release again.',
  earlier_claim_not_posted:
    'Release and post the earlier claim of this subcontract first; claims reach the ledger in order.',
};

/**
 * Every reason the finance release is refused (DOMAIN §4), all of them, not the first: the vendor not
 * compliant (a certificate expired) on the period end or today, whichever is later, certified above the SOV (including approved COs), no Odoo link
 * on the subcontract or the vendor, an earlier claim of the subcontract not yet posted.
 */
export async function releaseBlocks(db: DbOrTx, row: ClaimRow): Promise<ReleaseBlock[]> {
  const { subcontract, vendor } = await loadSubcontract(db, row.subcontractId);
  const blocks: ReleaseBlock[] = [];
  // dual control: no payment leaves while the account it would go to is being changed
  const bankChange = await pendingBankChangeOf(db, vendor.id);
  if (bankChange) {
    blocks.push({
      cause: 'bank_change_pending',
      message: `A change of ${vendor.name}'s bank details (asked for ${await organisationToday(db, vendor.organisationId, bankChange.requestedAt)}) is waiting for a second person's confirmation.`,
    });
  }
  // the one compliance rule (vendors/compliance.ts), judged on the period end or today, whichever is later
  const compliance = await complianceBlock(
    db,
    vendor.id,
    await laterOfTodayAnd(db, vendor.organisationId, row.periodEnd),
  );
  if (compliance) blocks.push({ cause: 'insurance_expired', message: compliance });
  const lines = await db
    .select({
      certified: claimLines.certifiedToDateAmount,
      scheduled: sovLines.scheduledAmount,
      description: sovLines.description,
    })
    .from(claimLines)
    .innerJoin(sovLines, eq(sovLines.id, claimLines.sovLineId))
    .where(eq(claimLines.claimId, row.id));
  const above = lines.filter((l) =>
    parseAmount(l.certified ?? '0', 'Certified').greaterThan(parseAmount(l.scheduled, 'Scheduled')),
  );
  if (above.length > 0) {
    blocks.push({
      cause: 'claim_above_sov',
      message: `Certified to date is above the SOV on ${above.map((l) => `"${l.description}" (${l.certified} > ${l.scheduled})`).join(', ')}.`,
    });
  }
  const revised = sumMoney(lines.map((l) => l.scheduled));
  const completed = sumMoney(lines.map((l) => l.certified ?? '0')).plus(
    parseAmount(row.materialsStoredToDateAmount, 'Materials'),
  );
  if (completed.greaterThan(revised)) {
    blocks.push({
      cause: 'completed_above_subcontract',
      message: `Completed to date (work and materials) ${formatMoney(completed)} is above the revised subcontract value ${formatMoney(revised)}.`,
    });
  }
  const missing = [
    subcontract.odooPurchaseOrderId === null
      ? `subcontract ${subcontract.reference} has no Odoo purchase order`
      : null,
    vendor.odooId === null ? `vendor ${vendor.name} has no Odoo partner` : null,
  ].filter(Boolean);
  if (missing.length > 0)
    blocks.push({ cause: 'odoo_link_missing', message: `No Odoo link: ${missing.join('; ')}.` });
  const earlier = await db
    .select({ reference: claims.reference, status: claims.status })
    .from(claims)
    .where(
      and(
        eq(claims.subcontractId, row.subcontractId),
        lt(claims.number, row.number),
        inArray(claims.status, ['draft', 'submitted', 'certified', 'approved', 'released']),
      ),
    );
  if (earlier.length > 0) {
    blocks.push({
      cause: 'earlier_claim_not_posted',
      message: `An earlier claim is not yet posted: ${earlier.map((c) => `${c.reference} (${c.status})`).join(', ')}.`,
    });
  }
  return blocks;
}

/**
 * The finance gate. When refused, each cause opens (or counts again on) its exception and the
 * refusal is audited, in a transaction of its own that commits before RELEASE_REFUSED is thrown.
 */
export async function releaseClaim(
  db: Db,
  input: ClaimActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  const outcome = await db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    const to = nextState(claimMachine, row.status, 'release');
    const subject = await claimSubject(tx, row);
    assertCanAct(subject, actor);
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const blocks = await releaseBlocks(tx, row);
    if (blocks.length > 0) {
      await recordReleaseRefusal(
        tx,
        { entity: ENTITY, row, amountAtStake: row.dueAmount },
        actor,
        blocks,
        guidance,
      );
      return { status: row.status as string, refused: blocks };
    }
    await compareAndSet(tx, row, input.version, {
      status: to,
      releasedById: actor.id,
      releasedAt: new Date(),
    });
    await recordDecision(tx, subject, actor, 'approved', input.comment);
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'claim.release',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      correlationId,
    });
    await resolveReleaseRefusals(tx, { entity: ENTITY, row }, guidance, 'Resolved: the claim was released.');
    // Odoo effect: the bill is posted (claim.sync.ts)
    await requestSync(tx, { recordType: ENTITY, recordId: row.id, correlationId });
    return { status: to as string, refused: [] as ReleaseBlock[] };
  });
  if (outcome.refused.length > 0) throw releaseRefused(outcome.refused);
  return { status: outcome.status };
}
