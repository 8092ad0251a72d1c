import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { claimDeductions, claimLines, claims, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertSubcontractVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney, sumMoney } from '@/server/lib/money';
import { nextState } from '@/server/lib/state-machine';
import { carryAuthors, noteAuthor } from '@/server/modules/approvals/approvals';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { notifyClaimSubmitted } from '@/server/modules/notifications/notification-events';
import { calculateClaim } from './claim.calc';
import { claimedFromPercent, formatClaimReference } from './claim-entry.calc';
import { claimMachine } from './claim.machine';
import {
  APPROVED_STATES,
  buildClaimInput,
  type ClaimRow,
  certifiedBySovLine,
  compareAndSet,
  loadClaimForUpdate,
  loadSubcontract,
  OPEN_STATES,
  previousApprovedClaim,
  sovOf,
} from './claim.records';
import type {
  ClaimActionInput,
  CreateClaimInput,
  CreateRetentionReleaseInput,
  DeductionInput,
  UpdateClaimInput,
} from './claim.schemas';

const ENTITY = 'claim';

/** Locks the subcontract (serialising numbering) and refuses a second open claim or an out-of-order period. */
async function prepareNewClaim(tx: Tx, actor: Actor, subcontractId: string, periodEnd: string) {
  const [locked] = await tx
    .select({ id: subcontracts.id, projectId: subcontracts.projectId, vendorId: subcontracts.vendorId })
    .from(subcontracts)
    .where(eq(subcontracts.id, subcontractId))
    .for('update');
  if (!locked) throw new DomainError('NOT_FOUND', 'Subcontract not found.');
  await assertSubcontractVisible(tx, actor, locked);
  const { subcontract } = await loadSubcontract(tx, subcontractId);
  const [open] = await tx
    .select({ reference: claims.reference, status: claims.status })
    .from(claims)
    .where(and(eq(claims.subcontractId, subcontractId), inArray(claims.status, [...OPEN_STATES])))
    .limit(1);
  if (open)
    throw new DomainError(
      'CONFLICT',
      `${open.reference} is still ${open.status}: finish or reject it before raising the next claim.`,
    );
  const [last] = await tx
    .select({
      n: sql<number>`coalesce(max(${claims.number}), 0)::int`,
      period: sql<
        string | null
      >`max(${claims.periodEnd}) FILTER (WHERE ${claims.status} IN ('approved','released','posted','paid'))`,
    })
    .from(claims)
    .where(eq(claims.subcontractId, subcontractId));
  if (last?.period && periodEnd < last.period) {
    throw new DomainError(
      'VALIDATION',
      `The period end must not be before ${last.period}, the period of the last approved claim.`,
    );
  }
  const number = (last?.n ?? 0) + 1;
  return { subcontract, number, reference: formatClaimReference(subcontract.reference, number) };
}

/** A progress claim: one line per SOV line, starting from what was certified on the last approved claim. */
export async function createClaim(
  db: Db,
  input: CreateClaimInput,
  actor: Actor,
): Promise<{ id: string; reference: string }> {
  return db.transaction(async (tx) => {
    const { subcontract, number, reference } = await prepareNewClaim(
      tx,
      actor,
      input.subcontractId,
      input.periodEnd,
    );
    const sov = await sovOf(tx, subcontract.id);
    if (sov.length === 0)
      throw new DomainError(
        'VALIDATION',
        `${subcontract.reference} has no schedule of values to claim against.`,
      );
    const previous = await previousApprovedClaim(tx, subcontract.id, number);
    const before = await certifiedBySovLine(tx, previous?.id);
    const [row] = await tx
      .insert(claims)
      .values({
        subcontractId: subcontract.id,
        projectId: subcontract.projectId,
        number,
        reference,
        periodEnd: input.periodEnd,
        createdById: actor.id,
        materialsStoredToDateAmount: previous?.materialsStoredToDateAmount ?? '0',
        materialsClaimedToDateAmount: previous?.materialsStoredToDateAmount ?? '0',
      })
      .returning({ id: claims.id });
    if (!row) throw new Error('claim insert returned no row');
    await tx.insert(claimLines).values(
      sov.map((line) => ({
        claimId: row.id,
        sovLineId: line.id,
        scheduledAmount: line.scheduledAmount,
        previousCertifiedAmount: before.get(line.id) ?? '0',
        claimedToDateAmount: before.get(line.id) ?? '0',
      })),
    );
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'creator');
    await recordAudit(tx, {
      actor,
      action: 'claim.create',
      entityType: ENTITY,
      entityId: row.id,
      toState: 'draft',
      comment: `${reference} for the period ending ${input.periodEnd}`,
    });
    return { id: row.id, reference };
  });
}

/**
 * A retention release (practical completion: half of what is held; end of defects: the rest) is a
 * claim of its own, with its own approval and bill. Nothing else moves in it: its lines repeat the
 * certified figures of the last approved claim.
 */
export async function createRetentionReleaseClaim(
  db: Db,
  input: CreateRetentionReleaseInput,
  actor: Actor,
): Promise<{ id: string; reference: string }> {
  return db.transaction(async (tx) => {
    const { subcontract, number, reference } = await prepareNewClaim(
      tx,
      actor,
      input.subcontractId,
      input.periodEnd,
    );
    const previous = await previousApprovedClaim(tx, subcontract.id, number);
    if (!previous)
      throw new DomainError('VALIDATION', 'There is no approved claim, so no retention is held to release.');
    const before = await tx.select().from(claimLines).where(eq(claimLines.claimId, previous.id));
    await assertReleaseStageInOrder(tx, subcontract.id, input.stage, before);
    const [row] = await tx
      .insert(claims)
      .values({
        subcontractId: subcontract.id,
        projectId: subcontract.projectId,
        number,
        reference,
        type: 'retention_release',
        retentionReleaseStage: input.stage,
        periodEnd: input.periodEnd,
        createdById: actor.id,
        materialsStoredToDateAmount: previous.materialsStoredToDateAmount,
        materialsClaimedToDateAmount: previous.materialsStoredToDateAmount,
      })
      .returning();
    if (!row) throw new Error('claim insert returned no row');
    if (before.length > 0) {
      await tx.insert(claimLines).values(
        before.map((l) => ({
          claimId: row.id,
          sovLineId: l.sovLineId,
          scheduledAmount: l.scheduledAmount,
          previousCertifiedAmount: l.certifiedToDateAmount ?? '0',
          claimedToDateAmount: l.certifiedToDateAmount ?? '0',
          certifiedToDateAmount: l.certifiedToDateAmount,
        })),
      );
    }
    // refuses now (not at certification) a release of nothing, or of more than is held
    calculateClaim((await buildClaimInput(tx, row)).input);
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'creator');
    await recordAudit(tx, {
      actor,
      action: 'claim.create',
      entityType: ENTITY,
      entityId: row.id,
      toState: 'draft',
      comment: `${reference}: retention release at ${input.stage.replace(/_/g, ' ')}`,
    });
    return { id: row.id, reference };
  });
}

/**
 * DOMAIN §4: the practical-completion release only once the work is complete (the last approved
 * claim certifies the whole revised SOV) and only once; the end-of-defects release only after the
 * practical-completion release reached approved, and only once. Each refusal says why.
 */
async function assertReleaseStageInOrder(
  tx: Tx,
  subcontractId: string,
  stage: 'practical_completion' | 'end_of_defects',
  lastLines: (typeof claimLines.$inferSelect)[],
) {
  const releases = await tx
    .select({ reference: claims.reference, stage: claims.retentionReleaseStage, status: claims.status })
    .from(claims)
    .where(
      and(
        eq(claims.subcontractId, subcontractId),
        eq(claims.type, 'retention_release'),
        sql`${claims.status} <> 'rejected'`,
      ),
    );
  const sameStage = releases.find((r) => r.stage === stage);
  if (sameStage) {
    throw new DomainError(
      'RETENTION_STAGE_REPEATED',
      `The ${stage.replace(/_/g, ' ')} release is made once; ${sameStage.reference} (${sameStage.status}) already is it.`,
      { field: 'stage' },
    );
  }
  if (stage === 'practical_completion') {
    const sov = await sovOf(tx, subcontractId);
    const certified = new Map(lastLines.map((l) => [l.sovLineId, l.certifiedToDateAmount ?? '0']));
    const short = sov.filter((line) =>
      parseAmount(certified.get(line.id) ?? '0', 'Certified').lessThan(
        parseAmount(line.scheduledAmount, 'Scheduled'),
      ),
    );
    if (short.length > 0) {
      throw new DomainError(
        'RETENTION_STAGE_TOO_EARLY',
        `Practical completion releases retention only once the work is complete; the last approved claim has not certified ${short.map((l) => `"${l.description}"`).join(', ')} in full.`,
        { field: 'stage' },
      );
    }
  } else {
    const completion = releases.find(
      (r) =>
        r.stage === 'practical_completion' && ['approved', 'released', 'posted', 'paid'].includes(r.status),
    );
    if (!completion) {
      throw new DomainError(
        'RETENTION_STAGE_TOO_EARLY',
        'The end-of-defects release comes after the practical-completion release has been approved.',
        { field: 'stage' },
      );
    }
  }
}

async function writeDeductions(tx: Tx, claimId: string, deductions: DeductionInput[]) {
  await tx.delete(claimDeductions).where(eq(claimDeductions.claimId, claimId));
  if (deductions.length > 0)
    await tx.insert(claimDeductions).values(deductions.map((d) => ({ claimId, ...d })));
}

/** What a draft's editor may change besides lines and materials (the subcontractor's invoice number). */
type DraftExtras = { vendorInvoiceNumber?: string | null };

/**
 * A draft's application: claimed to date per line (amount or percent), materials on site, deductions.
 * Without `deductions` (the subcontractor's own form, which never carries them) the draft keeps its own.
 */
export async function updateClaim(
  db: Db,
  input: Omit<UpdateClaimInput, 'deductions'> & { deductions?: DeductionInput[] },
  actor: Actor,
  extras: DraftExtras = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    if (row.status !== 'draft')
      throw new DomainError(
        'INVALID_TRANSITION',
        `Only a draft claim can be edited; ${row.reference} is ${row.status}.`,
      );
    if (row.type === 'retention_release')
      throw new DomainError('VALIDATION', 'A retention release claims no work: submit it as it is.');
    const sov = await sovOf(tx, row.subcontractId);
    const byId = new Map(sov.map((line) => [line.id, line]));
    const previous = await certifiedBySovLine(
      tx,
      (await previousApprovedClaim(tx, row.subcontractId, row.number, row.id))?.id,
    );
    const given = new Map(input.lines.map((line) => [line.sovLineId, line]));
    for (const id of given.keys())
      if (!byId.has(id)) throw new DomainError('VALIDATION', 'A line does not belong to this subcontract.');
    const lines = sov.map((line) => {
      const entry = given.get(line.id);
      const claimed = entry
        ? (entry.claimedToDate ?? claimedFromPercent(line.scheduledAmount, entry.claimedPercent!))
        : (previous.get(line.id) ?? '0');
      if (parseAmount(claimed, 'Claimed').greaterThan(parseAmount(line.scheduledAmount, 'Scheduled'))) {
        throw new DomainError(
          'CLAIM_EXCEEDS_SOV',
          `SOV line "${line.description}": claimed ${claimed} is above its scheduled value ${line.scheduledAmount}. Work beyond the SOV needs a change order first.`,
          { sovLineId: line.id },
        );
      }
      return {
        claimId: row.id,
        sovLineId: line.id,
        scheduledAmount: line.scheduledAmount,
        previousCertifiedAmount: previous.get(line.id) ?? '0',
        claimedToDateAmount: claimed,
      };
    });
    await tx.delete(claimLines).where(eq(claimLines.claimId, row.id));
    await tx.insert(claimLines).values(lines);
    if (input.deductions) await writeDeductions(tx, row.id, input.deductions);
    const claimed = formatMoney(
      parseAmount(input.materialsStoredToDate, 'Materials stored to date', 'non_negative'),
    );
    const total = formatMoney(sumMoney(lines.map((l) => l.claimedToDateAmount)));
    await compareAndSet(tx, row, input.version, {
      claimedToDateAmount: total,
      materialsStoredToDateAmount: claimed,
      materialsClaimedToDateAmount: claimed,
      ...extras,
    });
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'editor');
    await recordAudit(tx, {
      actor,
      action: 'claim.edit',
      entityType: ENTITY,
      entityId: row.id,
      changedFields: {
        claimedToDateAmount: { old: row.claimedToDateAmount, new: total },
        materialsStoredToDateAmount: { old: row.materialsStoredToDateAmount, new: claimed },
        ...(input.deductions
          ? { deductions: { old: null, new: input.deductions.map((d) => `${d.kind} ${d.amount}`) } }
          : {}),
        ...(extras.vendorInvoiceNumber !== undefined
          ? { vendorInvoiceNumber: { old: row.vendorInvoiceNumber, new: extras.vendorInvoiceNumber } }
          : {}),
      },
    });
  });
}

/**
 * Submits a draft for certification. `check` runs on the locked row first (the subcontractor portal's
 * declaration and evidence rules); `extras` are written with the status (the declaration).
 */
export async function submitClaim(
  db: Db,
  input: ClaimActionInput,
  actor: Actor,
  options: {
    check?: (tx: Tx, row: ClaimRow) => Promise<void>;
    extras?: Partial<Pick<ClaimRow, 'declaredAt' | 'declaredById' | 'vendorInvoiceNumber'>>;
  } = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    const to = nextState(claimMachine, row.status, 'submit');
    await options.check?.(tx, row);
    await compareAndSet(tx, row, input.version, {
      status: to,
      submittedById: actor.id,
      submittedAt: new Date(),
      ...options.extras,
    });
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'submitter');
    await recordAudit(tx, {
      actor,
      action: 'claim.submit',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
    });
    // the project's quantity surveyors are told (queued with the submission; sent after commit)
    await notifyClaimSubmitted(tx, row.id);
  });
}

/** A rejected claim becomes a new draft revision (same number); the rejected one stays readable. */
export async function reviseClaim(db: Db, input: ClaimActionInput, actor: Actor): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    nextState(claimMachine, row.status, 'revise');
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const [existing] = await tx
      .select({ id: claims.id })
      .from(claims)
      .where(eq(claims.previousRevisionId, row.id));
    if (existing)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} revision ${row.revision} has already been revised.`,
      );
    const [open] = await tx
      .select({ reference: claims.reference })
      .from(claims)
      .where(and(eq(claims.subcontractId, row.subcontractId), inArray(claims.status, [...OPEN_STATES])))
      .limit(1);
    if (open)
      throw new DomainError(
        'CONFLICT',
        `${open.reference} is open on this subcontract: finish or reject it first.`,
      );
    const later = await tx
      .select({ id: claims.id })
      .from(claims)
      .where(
        and(
          eq(claims.subcontractId, row.subcontractId),
          sql`${claims.number} > ${row.number}`,
          inArray(claims.status, [...APPROVED_STATES]),
        ),
      )
      .limit(1);
    if (later.length > 0)
      throw new DomainError(
        'CONFLICT',
        `A later claim of this subcontract is already approved; raise a new claim instead of revising ${row.reference}.`,
      );
    const [revision] = await tx
      .insert(claims)
      .values({
        subcontractId: row.subcontractId,
        projectId: row.projectId,
        number: row.number,
        revision: row.revision + 1,
        reference: row.reference,
        type: row.type,
        retentionReleaseStage: row.retentionReleaseStage,
        periodEnd: row.periodEnd,
        previousRevisionId: row.id,
        materialsStoredToDateAmount: row.materialsClaimedToDateAmount,
        materialsClaimedToDateAmount: row.materialsClaimedToDateAmount,
        claimedToDateAmount: row.claimedToDateAmount,
        vendorInvoiceNumber: row.vendorInvoiceNumber,
        // the claim's author stays its author across revisions (segregation of duties follows the item)
        createdById: row.createdById,
      })
      .returning({ id: claims.id });
    if (!revision) throw new Error('revision insert returned no row');
    const lines = await tx.select().from(claimLines).where(eq(claimLines.claimId, row.id));
    if (lines.length > 0) {
      await tx.insert(claimLines).values(
        lines.map((l) => ({
          claimId: revision.id,
          sovLineId: l.sovLineId,
          scheduledAmount: l.scheduledAmount,
          previousCertifiedAmount: l.previousCertifiedAmount,
          claimedToDateAmount: l.claimedToDateAmount,
          certifiedToDateAmount: row.type === 'retention_release' ? l.certifiedToDateAmount : null,
        })),
      );
    }
    const deductions = await tx.select().from(claimDeductions).where(eq(claimDeductions.claimId, row.id));
    await writeDeductions(
      tx,
      revision.id,
      deductions.map((d) => ({
        kind: d.kind,
        description: d.description,
        reason: d.reason,
        amount: d.amount,
      })),
    );
    // the application's documents (invoice, evidence) go on with it; the rejected revision keeps its own
    await tx.execute(sql`
      INSERT INTO documents (organisation_id, record_type, record_id, kind, blob_sha256, file_name, uploaded_by_id, uploaded_at)
      SELECT organisation_id, record_type, ${revision.id}, kind, blob_sha256, file_name, uploaded_by_id, uploaded_at
      FROM documents WHERE record_type = 'claim' AND record_id = ${row.id} AND removed_at IS NULL
      ORDER BY uploaded_at`);
    await carryAuthors(tx, ENTITY, row.id, revision.id);
    await noteAuthor(tx, ENTITY, revision.id, actor.id, 'editor');
    await recordAudit(tx, {
      actor,
      action: 'claim.revise',
      entityType: ENTITY,
      entityId: revision.id,
      fromState: 'rejected',
      toState: 'draft',
      comment: `Revision ${row.revision + 1} of ${row.reference}`,
    });
    return revision;
  });
}
