import { and, asc, desc, eq, inArray, lt, ne } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { claimDeductions, claimLines, claims, partners, projects, sovLines, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { assertSubcontractVisible } from '@/server/auth/policy';
import {
  compareAndSet as compareAndSetRecord,
  lockForUpdate,
  lockRow,
} from '@/server/modules/workflow/record-writes';
import { formatMoney, sumMoney } from '@/server/lib/money';
import type { ClaimCalculation, ClaimInput, PreviousApprovedClaim, RetentionTerms } from './claim.types';

export type ClaimRow = typeof claims.$inferSelect;
export type SubcontractRow = typeof subcontracts.$inferSelect;

/** States in which a claim has "reached approved" and is the baseline of the next one (DOMAIN §4). */
export const APPROVED_STATES = ['approved', 'released', 'posted', 'paid'] as const;
/** A claim in one of these is still being worked on; a subcontract has at most one at a time. */
export const OPEN_STATES = ['draft', 'submitted', 'certified'] as const;

/**
 * Loads a claim for a write, locked; a claim the actor cannot see (another project's; for a
 * subcontractor, another vendor's) is NOT_FOUND.
 */
export async function loadClaimForUpdate(tx: Tx, actor: Actor, claimId: string): Promise<ClaimRow> {
  if (actor.role !== 'subcontractor') return lockForUpdate(tx, claims, actor, claimId, 'Claim');
  const row = await lockRow(tx, claims, claimId);
  if (!row) throw new DomainError('NOT_FOUND', 'Claim not found.');
  const [subcontract] = await tx
    .select({ projectId: subcontracts.projectId, vendorId: subcontracts.vendorId })
    .from(subcontracts)
    .where(eq(subcontracts.id, row.subcontractId));
  if (!subcontract) throw new DomainError('NOT_FOUND', 'Claim not found.');
  await assertSubcontractVisible(tx, actor, subcontract).catch(() => {
    throw new DomainError('NOT_FOUND', 'Claim not found.');
  });
  return row;
}

/** Compare-and-set on status and version: zero rows means someone else moved the claim first. */
export function compareAndSet(
  tx: Tx,
  row: ClaimRow,
  expectedVersion: number,
  changes: Partial<typeof claims.$inferInsert>,
): Promise<ClaimRow> {
  return compareAndSetRecord(tx, claims, row, expectedVersion, changes);
}

/** The subcontract's terms as the calculation reads them (a fixed cap with no amount = no cap). */
export function retentionTermsOf(sc: SubcontractRow): RetentionTerms {
  const reduced = sc.retentionReducedRate !== null && sc.retentionReducedAfterPercent !== null;
  return {
    rate: sc.retentionRate,
    materialsRate: sc.retentionMaterialsRate,
    reducedRate: reduced
      ? { rate: sc.retentionReducedRate!, afterPercentComplete: sc.retentionReducedAfterPercent! }
      : null,
    cap:
      sc.retentionCapBasis === 'fixed'
        ? sc.retentionCapAmount === null
          ? null
          : { basis: 'fixed', amount: sc.retentionCapAmount }
        : { basis: sc.retentionCapBasis, rate: sc.retentionCapRate },
  };
}

/** The last claim of the subcontract that reached approved, before this claim's number. */
export async function previousApprovedClaim(
  db: DbOrTx,
  subcontractId: string,
  beforeNumber: number,
  excludeId?: string,
) {
  const [row] = await db
    .select()
    .from(claims)
    .where(
      and(
        eq(claims.subcontractId, subcontractId),
        lt(claims.number, beforeNumber),
        inArray(claims.status, [...APPROVED_STATES]),
        excludeId ? ne(claims.id, excludeId) : undefined,
      ),
    )
    .orderBy(desc(claims.number), desc(claims.revision))
    .limit(1);
  return row ?? null;
}

export function previousFigures(row: ClaimRow | null): PreviousApprovedClaim | null {
  if (!row) return null;
  return {
    materialsStoredToDate: row.materialsStoredToDateAmount,
    retentionHeldToDate: row.retentionHeldToDateAmount ?? '0',
    retentionReleasedToDate: row.retentionReleasedToDateAmount ?? '0',
    deductionsToDate: row.deductionsToDateAmount ?? '0',
    netToDate: row.netToDateAmount ?? '0',
  };
}

/** Certified to date per SOV line on a claim (the "previous" of the next one). */
export async function certifiedBySovLine(
  db: DbOrTx,
  claimId: string | undefined,
): Promise<Map<string, string>> {
  if (!claimId) return new Map();
  const rows = await db
    .select({ sovLineId: claimLines.sovLineId, certified: claimLines.certifiedToDateAmount })
    .from(claimLines)
    .where(eq(claimLines.claimId, claimId));
  return new Map(rows.map((r) => [r.sovLineId, r.certified ?? '0']));
}

export async function loadSubcontract(db: DbOrTx, subcontractId: string) {
  const [row] = await db
    .select({
      subcontract: subcontracts,
      vendor: partners,
      project: {
        id: projects.id,
        code: projects.code,
        currency: projects.currency,
        analyticAccountId: projects.odooAnalyticAccountId,
        organisationId: projects.organisationId,
      },
    })
    .from(subcontracts)
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .where(eq(subcontracts.id, subcontractId));
  if (!row) throw new DomainError('NOT_FOUND', 'Subcontract not found.');
  return row;
}

export async function sovOf(db: DbOrTx, subcontractId: string) {
  return db
    .select()
    .from(sovLines)
    .where(eq(sovLines.subcontractId, subcontractId))
    .orderBy(asc(sovLines.lineNo));
}

/** Σ of the SOV lines that came with the purchase order (not added by a change order). */
export function originalValueOf(sov: (typeof sovLines.$inferSelect)[]): string {
  return formatMoney(
    sumMoney(sov.filter((line) => line.changeOrderId === null).map((line) => line.scheduledAmount)),
  );
}

export type ClaimLineFigures = {
  sovLineId: string;
  claimed: string;
  certified: string;
  reason: string | null;
};
type SovLine = typeof sovLines.$inferSelect;

/**
 * Everything calculateClaim needs, read from the database: the subcontract's terms, the claim's lines
 * and deductions and the previous approved claim.
 * - An open claim (draft, submitted; or `override` = the QS's certification being applied) follows
 *   the current SOV: a line added by an approved commitment CO since the claim was raised joins it,
 *   and "previous" is re-read from the last approved claim.
 * - A certified or later claim is read as frozen: its stored lines with their stored scheduled and
 *   previous values, so the bill and the certificate reproduce exactly what was certified.
 */
export async function buildClaimInput(
  db: DbOrTx,
  claim: ClaimRow,
  override?: {
    lines: ClaimLineFigures[];
    materialsStoredToDate: string;
    deductions: { id: string; description: string; amount: string }[];
  },
): Promise<{ input: ClaimInput; previous: ClaimRow | null; sov: SovLine[] }> {
  const { subcontract, project } = await loadSubcontract(db, claim.subcontractId);
  const sov = await sovOf(db, claim.subcontractId);
  const previous = await previousApprovedClaim(db, claim.subcontractId, claim.number, claim.id);
  const stored = await db.select().from(claimLines).where(eq(claimLines.claimId, claim.id));
  const deductions =
    override?.deductions ??
    (await db.select().from(claimDeductions).where(eq(claimDeductions.claimId, claim.id)));
  const frozen =
    !override && !(OPEN_STATES as readonly string[]).includes(claim.status) && claim.status !== 'rejected';
  const common = {
    type: claim.type,
    retention: retentionTermsOf(subcontract),
    materialsStoredToDate: override?.materialsStoredToDate ?? claim.materialsStoredToDateAmount,
    materialsAnalyticDistribution: project.analyticAccountId
      ? { [String(project.analyticAccountId)]: 100 }
      : null,
    deductionsThisClaim: deductions.map((d) => ({
      deductionId: d.id,
      description: d.description,
      amount: d.amount,
    })),
    retentionRelease: claim.retentionReleaseStage ? { stage: claim.retentionReleaseStage } : null,
    previous: previousFigures(previous),
  };
  const sovById = new Map(sov.map((line) => [line.id, line]));
  if (frozen) {
    const lines = stored
      .map((l) => ({ l, line: sovById.get(l.sovLineId) }))
      .sort((a, b) => (a.line?.lineNo ?? 0) - (b.line?.lineNo ?? 0))
      .map(({ l, line }) => ({
        sovLineId: l.sovLineId,
        description: line?.description ?? 'Removed SOV line',
        scheduledValue: l.scheduledAmount,
        previousCertifiedToDate: l.previousCertifiedAmount,
        claimedToDate: l.claimedToDateAmount,
        certifiedToDate: l.certifiedToDateAmount ?? '0',
        reductionReason: l.certifyReason,
        odooPoLineId: line?.odooPurchaseLineId ?? null,
        analyticDistribution: line?.analyticDistribution ?? null,
      }));
    const original = formatMoney(
      sumMoney(
        stored.filter((l) => sovById.get(l.sovLineId)?.changeOrderId === null).map((l) => l.scheduledAmount),
      ),
    );
    return { input: { ...common, subcontractOriginalValue: original, lines }, previous, sov };
  }
  const previousLines = await certifiedBySovLine(db, previous?.id);
  const figures = new Map(
    (
      override?.lines ??
      stored.map((l) => ({
        sovLineId: l.sovLineId,
        claimed: l.claimedToDateAmount,
        certified: l.certifiedToDateAmount ?? l.claimedToDateAmount,
        reason: l.certifyReason,
      }))
    ).map((l) => [l.sovLineId, l]),
  );
  const lines = sov.map((line) => {
    const f = figures.get(line.id);
    const previousCertified = previousLines.get(line.id) ?? '0';
    return {
      sovLineId: line.id,
      description: line.description,
      scheduledValue: line.scheduledAmount,
      previousCertifiedToDate: previousCertified,
      claimedToDate: f?.claimed ?? previousCertified,
      certifiedToDate: f?.certified ?? previousCertified,
      reductionReason: f?.reason ?? null,
      odooPoLineId: line.odooPurchaseLineId,
      analyticDistribution: line.analyticDistribution ?? null,
    };
  });
  return { input: { ...common, subcontractOriginalValue: originalValueOf(sov), lines }, previous, sov };
}

/** The money columns a calculation freezes on the claim row. */
export function moneyColumns(calc: ClaimCalculation): Partial<typeof claims.$inferInsert> {
  return {
    materialsStoredToDateAmount: calc.materialsStoredToDate,
    claimedToDateAmount: calc.totals.claimedToDate,
    certifiedToDateAmount: calc.totals.certifiedToDate,
    completedToDateAmount: calc.completedToDate,
    retentionHeldToDateAmount: calc.retention.heldToDate,
    retentionReleasedToDateAmount: calc.retention.releasedToDate,
    retentionReleasedThisClaimAmount: calc.retention.releasedThisClaim,
    deductionsToDateAmount: calc.deductionsToDate,
    netToDateAmount: calc.netToDate,
    dueAmount: calc.dueThisClaim,
  };
}
