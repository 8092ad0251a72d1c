import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { documents } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { toMoney } from '@/server/lib/money';
import { previousApprovedClaim, type ClaimRow } from '@/server/modules/claims/claim.records';
import { createClaim, reviseClaim, submitClaim, updateClaim } from '@/server/modules/claims/claim.service';
import type { PortalSaveClaimInput, PortalSubmitClaimInput } from './portal.schemas';

/**
 * A subcontractor's own claims (issue 19), through the same claim services the contractor's people
 * use — so numbering, one open claim per subcontract, SOV limits, revisions and the audit are the
 * claims module's, and which claims a subcontractor reaches is the one policy (assertSubcontractVisible,
 * vendor-scoped). What is theirs alone: the invoice number, the declaration and the evidence rules.
 */

function assertSubcontractor(actor: Actor): void {
  // the router's permission already says so; a service called from elsewhere must not be a back door
  if (actor.role !== 'subcontractor' || !actor.vendorId)
    throw new DomainError('FORBIDDEN', 'Only a subcontractor submits claims through the portal.');
}

export async function startOwnClaim(
  db: Db,
  input: { subcontractId: string; periodEnd: string },
  actor: Actor,
): Promise<{ id: string; reference: string }> {
  assertSubcontractor(actor);
  return createClaim(db, input, actor);
}

/** The draft as they work on it: kept between visits, nothing checked beyond each field's own rules. */
export async function saveOwnClaim(db: Db, input: PortalSaveClaimInput, actor: Actor): Promise<void> {
  assertSubcontractor(actor);
  await updateClaim(
    db,
    {
      claimId: input.claimId,
      version: input.version,
      lines: input.lines,
      materialsStoredToDate: input.materialsClaimedToDate,
    },
    actor,
    input.invoiceNumber !== undefined ? { vendorInvoiceNumber: input.invoiceNumber || null } : {},
  );
}

const EVIDENCE_KINDS = ['evidence', 'photo', 'delivery_note'];

/** What a submitted claim must carry: their invoice, and evidence for any new materials on site. */
async function checkApplication(tx: Tx, row: ClaimRow): Promise<void> {
  const kinds = await tx
    .select({ kind: documents.kind, n: sql<number>`count(*)::int` })
    .from(documents)
    .where(
      and(
        eq(documents.recordType, 'claim'),
        eq(documents.recordId, row.id),
        isNull(documents.removedAt),
        inArray(documents.kind, ['invoice', ...EVIDENCE_KINDS]),
      ),
    )
    .groupBy(documents.kind);
  const has = (names: string[]) => kinds.some((k) => names.includes(k.kind) && k.n > 0);
  if (row.type === 'progress' && !has(['invoice']))
    throw new DomainError('VALIDATION', 'Attach your invoice (PDF) for this claim before submitting it.', {
      field: 'documents',
    });
  const previous = await previousApprovedClaim(tx, row.subcontractId, row.number, row.id);
  const newMaterials = toMoney(row.materialsClaimedToDateAmount).greaterThan(
    toMoney(previous?.materialsStoredToDateAmount ?? '0'),
  );
  if (newMaterials && !has(EVIDENCE_KINDS))
    throw new DomainError(
      'VALIDATION',
      'You claim new materials on site: attach evidence (a delivery note, a photo or another document) before submitting.',
      { field: 'materialsClaimedToDate' },
    );
}

export async function submitOwnClaim(db: Db, input: PortalSubmitClaimInput, actor: Actor): Promise<void> {
  assertSubcontractor(actor);
  await submitClaim(db, { claimId: input.claimId, version: input.version }, actor, {
    check: checkApplication,
    extras: { vendorInvoiceNumber: input.invoiceNumber, declaredAt: new Date(), declaredById: actor.id },
  });
}

/** A rejected claim comes back as a new draft revision, with its documents and invoice number. */
export async function reviseOwnClaim(
  db: Db,
  input: { claimId: string; version: number },
  actor: Actor,
): Promise<{ id: string }> {
  assertSubcontractor(actor);
  return reviseClaim(db, input, actor);
}
