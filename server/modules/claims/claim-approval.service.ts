import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { claimDeductions, claimLines } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney, sumMoney } from '@/server/lib/money';
import { assertReasonGiven, nextState } from '@/server/lib/state-machine';
import {
  assertCanAct,
  fixRoute,
  loadSubject,
  recordDecision,
  thresholdsOfProject,
  type ApprovalSubject,
} from '@/server/modules/approvals/approvals';
import { recordAudit } from '@/server/modules/audit/audit.service';
import {
  notifyApprovalWaiting,
  notifyClaimOutcome,
} from '@/server/modules/notifications/notification-events';
import { requestSync } from '@/server/sync/enqueue';
import { calculateClaim } from './claim.calc';
import { claimMachine } from './claim.machine';
import {
  buildClaimInput,
  compareAndSet,
  loadClaimForUpdate,
  moneyColumns,
  type ClaimLineFigures,
  type ClaimRow,
} from './claim.records';
import type { CertifyClaimInput, ClaimActionInput } from './claim.schemas';

const ENTITY = 'claim' as const;

/** The claim as the approvals module sees it: its route is fixed at certification, on the due amount. */
export async function claimSubject(db: DbOrTx, row: ClaimRow): Promise<ApprovalSubject> {
  return loadSubject(db, ENTITY, {
    id: row.id,
    status: row.status,
    authorIds: [row.createdById, row.submittedById],
    provisional: {
      amount: row.dueAmount ?? row.claimedToDateAmount ?? '0',
      reason: 'provisional until certification (routed on the amount due)',
      thresholds: await thresholdsOfProject(db, row.projectId),
    },
  });
}

/** Fixes the claim's route on the amount due this claim (DOMAIN §4: PM up to the PM limit, an executive above). */
async function fixClaimRoute(tx: Tx, row: ClaimRow, due: string) {
  return fixRoute(tx, {
    type: ENTITY,
    recordId: row.id,
    amount: due,
    reason: `routed on the amount due this claim ${due}`,
    thresholds: await thresholdsOfProject(tx, row.projectId),
  });
}

function certifiedFigures(
  row: ClaimRow,
  input: CertifyClaimInput,
  stored: (typeof claimLines.$inferSelect)[],
): ClaimLineFigures[] {
  const given = new Map(input.lines.map((l) => [l.sovLineId, l]));
  return stored.map((line) => {
    if (row.type === 'retention_release')
      return {
        sovLineId: line.sovLineId,
        claimed: line.claimedToDateAmount,
        certified: line.previousCertifiedAmount,
        reason: null,
      };
    const entry = given.get(line.sovLineId);
    const certified = entry?.certifiedToDate ?? line.claimedToDateAmount;
    const reason = entry?.reason?.trim() || null;
    return { sovLineId: line.sovLineId, claimed: line.claimedToDateAmount, certified, reason };
  });
}

/**
 * DOMAIN §4 materials on site: certified materials may not exceed the claimed figure nor the
 * subcontract's remaining value (revised SOV less the work certified to date); any figure other than
 * the claimed one needs a reason. Returns the reason to store.
 */
async function assertMaterialsCertifiable(
  tx: Tx,
  row: ClaimRow,
  lines: readonly { scheduledValue: string; certifiedToDate: string }[],
  certifiedMaterials: string,
  reason: string | undefined,
): Promise<string | null> {
  const certified = parseAmount(certifiedMaterials, 'Materials stored to date', 'non_negative');
  const claimed = parseAmount(row.materialsClaimedToDateAmount, 'Materials claimed');
  if (certified.greaterThan(claimed)) {
    throw new DomainError(
      'MATERIALS_REFUSED',
      `Certified materials on site ${formatMoney(certified)} are above the ${formatMoney(claimed)} claimed.`,
      { field: 'materialsStoredToDate' },
    );
  }
  const revised = sumMoney(lines.map((l) => l.scheduledValue));
  const remaining = revised.minus(sumMoney(lines.map((l) => l.certifiedToDate)));
  if (certified.greaterThan(remaining)) {
    throw new DomainError(
      'MATERIALS_REFUSED',
      `Certified materials on site ${formatMoney(certified)} are above the subcontract's remaining value ${formatMoney(remaining)} (revised ${formatMoney(revised)} less work certified to date).`,
      { field: 'materialsStoredToDate' },
    );
  }
  const given = reason?.trim() || null;
  if (!certified.equals(claimed) && !given) {
    throw new DomainError(
      'REASON_REQUIRED',
      `Certifying materials on site of ${formatMoney(certified)} against ${formatMoney(claimed)} claimed needs a reason.`,
      { field: 'materialsReason' },
    );
  }
  return certified.equals(claimed) ? null : given;
}

/**
 * The QS's certification, line by line. A reason is required wherever the certified value differs
 * from the claimed one or goes below the previous certified one; the money is calculated on the
 * server and frozen on the claim. Lines are written while the claim is still `submitted` (the
 * database refuses line changes afterwards), then the claim moves to `certified`.
 */
export async function certifyClaim(
  db: Db,
  input: CertifyClaimInput,
  actor: Actor,
): Promise<{ status: string; due: string }> {
  return db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    const to = nextState(claimMachine, row.status, 'certify');
    assertCanAct(await claimSubject(tx, row), actor);
    const stored = await tx.select().from(claimLines).where(eq(claimLines.claimId, row.id));
    const known = new Set(stored.map((l) => l.sovLineId));
    if (input.lines.some((l) => !known.has(l.sovLineId)))
      throw new DomainError('VALIDATION', 'A certified line does not belong to this claim.');
    const figures = certifiedFigures(row, input, stored);
    const deductions = row.type === 'retention_release' ? [] : input.deductions;
    const materials =
      row.type === 'retention_release' ? row.materialsStoredToDateAmount : input.materialsStoredToDate;
    const { input: calcInput } = await buildClaimInput(tx, row, {
      lines: figures,
      materialsStoredToDate: materials,
      deductions: deductions.map((d, i) => ({ id: `new-${i}`, ...d })),
    });
    for (const line of calcInput.lines) {
      const differs = !parseAmount(line.certifiedToDate, 'Certified').equals(
        parseAmount(line.claimedToDate, 'Claimed'),
      );
      if (differs && !line.reductionReason) {
        throw new DomainError(
          'REASON_REQUIRED',
          `SOV line "${line.description}": certifying ${line.certifiedToDate} against ${line.claimedToDate} claimed needs a reason.`,
          { sovLineId: line.sovLineId },
        );
      }
    }
    const calc = calculateClaim(calcInput);
    const materialsReason =
      row.type === 'retention_release'
        ? null
        : await assertMaterialsCertifiable(tx, row, calcInput.lines, materials, input.materialsReason);
    await tx.delete(claimLines).where(eq(claimLines.claimId, row.id));
    await tx.insert(claimLines).values(
      calcInput.lines.map((l) => ({
        claimId: row.id,
        sovLineId: l.sovLineId,
        scheduledAmount: l.scheduledValue,
        previousCertifiedAmount: l.previousCertifiedToDate,
        claimedToDateAmount: l.claimedToDate,
        certifiedToDateAmount: l.certifiedToDate,
        certifyReason: l.reductionReason ?? null,
      })),
    );
    await tx.delete(claimDeductions).where(eq(claimDeductions.claimId, row.id));
    if (deductions.length > 0)
      await tx.insert(claimDeductions).values(deductions.map((d) => ({ claimId: row.id, ...d })));
    const certified = await compareAndSet(tx, row, input.version, {
      status: to,
      certifiedById: actor.id,
      certifiedAt: new Date(),
      materialsReason,
      ...moneyColumns(calc),
    });
    await fixClaimRoute(tx, certified, calc.dueThisClaim);
    await recordDecision(tx, await claimSubject(tx, row), actor, 'approved', input.comment);
    await recordAudit(tx, {
      actor,
      action: 'claim.certify',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      changedFields: {
        certifiedToDateAmount: { old: null, new: calc.totals.certifiedToDate },
        retentionHeldToDateAmount: { old: null, new: calc.retention.heldToDate },
        deductionsToDateAmount: { old: null, new: calc.deductionsToDate },
        dueAmount: { old: null, new: calc.dueThisClaim },
      },
    });
    // the vendor's contacts learn the certification; the approvers of the next step that it waits
    await notifyClaimOutcome(tx, row.id, 'claim_certified');
    await notifyApprovalWaiting(tx, await claimSubject(tx, certified));
    return { status: to, due: calc.dueThisClaim };
  });
}

/**
 * The PM's approval, and an executive's as well when the amount due is above the PM limit (the route
 * fixed at certification says which). Authors, editors and the certifier may not take it. The figures
 * are recalculated from the frozen lines; if they no longer match what was certified (an earlier
 * claim changed since), the claim must be rejected and re-certified rather than approved on stale figures.
 */
export async function approveClaim(
  db: Db,
  input: ClaimActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  return db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    nextState(claimMachine, row.status, 'approve');
    const subject = await claimSubject(tx, row);
    assertCanAct(subject, actor);
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const calc = calculateClaim((await buildClaimInput(tx, row)).input);
    if (calc.dueThisClaim !== row.dueAmount || calc.netToDate !== row.netToDateAmount) {
      throw new DomainError(
        'CONFLICT',
        `The figures of ${row.reference} no longer match its certification (an earlier claim changed). Reject it so it can be revised and certified again.`,
      );
    }
    const { step, completesState } = await recordDecision(tx, subject, actor, 'approved', input.comment);
    if (!completesState) {
      // an intermediate step changes no column of the claim: the decision row is the change
      await recordAudit(tx, {
        actor,
        action: 'claim.approve_step',
        entityType: ENTITY,
        entityId: row.id,
        fromState: row.status,
        toState: row.status,
        comment: input.comment,
        changedFields: { step: { old: null, new: step.step } },
      });
      await notifyApprovalWaiting(tx, await claimSubject(tx, row));
      return { status: row.status as string };
    }
    const to = nextState(claimMachine, row.status, 'approve');
    const approved = await compareAndSet(tx, row, input.version, {
      status: to,
      approvedById: actor.id,
      approvedAt: new Date(),
      ...moneyColumns(calc),
    });
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'claim.approve',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      correlationId,
      changedFields: { step: { old: null, new: step.step } },
    });
    // Odoo effect: the draft vendor bill (claim.sync.ts)
    await requestSync(tx, { recordType: ENTITY, recordId: row.id, correlationId });
    // finance's release step now waits
    await notifyApprovalWaiting(tx, await claimSubject(tx, approved));
    return { status: to };
  });
}

/**
 * Whoever is due to take the next step may reject instead, with a reason. After approval the draft
 * bill exists (or is about to): the sync then cancels it.
 */
export async function rejectClaim(db: Db, input: ClaimActionInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await loadClaimForUpdate(tx, actor, input.claimId);
    assertReasonGiven(claimMachine, 'reject', input.comment);
    const to = nextState(claimMachine, row.status, 'reject');
    assertCanAct(await claimSubject(tx, row), actor);
    // a submitted claim has no fixed route yet (certification fixes it on the amount due): the QS's
    // refusal is still a decision on the route's first step, so the route is fixed on the provisional
    // amount the approvals module already routes it by. The rejected revision is never routed again.
    if (row.status === 'submitted')
      await fixRoute(tx, {
        type: ENTITY,
        recordId: row.id,
        amount: row.claimedToDateAmount,
        reason: `rejected before certification; provisional route on the claimed amount ${row.claimedToDateAmount}`,
        thresholds: await thresholdsOfProject(tx, row.projectId),
      });
    const subject = await claimSubject(tx, row);
    await compareAndSet(tx, row, input.version, { status: to, rejectionReason: input.comment ?? null });
    await recordDecision(tx, subject, actor, 'rejected', input.comment);
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'claim.reject',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      correlationId,
    });
    if (row.status === 'approved')
      await requestSync(tx, { recordType: ENTITY, recordId: row.id, correlationId });
    await notifyClaimOutcome(tx, row.id, 'claim_rejected');
  });
}
