import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '@/server/errors';
import { Money, sumMoney } from '@/server/lib/money';
import { buildVendorBillLines, calculateClaim } from './claim.calc';
import { previousOf } from './claim.fixtures';
import type {
  ClaimCalculation,
  ClaimInput,
  ClaimLineInput,
  RetentionReleaseRequest,
  RetentionTerms,
} from './claim.types';

// Amounts are generated as integer cents and written as strings: no float ever touches money.
const toAmount = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const toRate = (basisPoints: number) =>
  basisPoints === 10000 ? '1.0000' : `0.${String(basisPoints).padStart(4, '0')}`;
const cents = (max: number) => fc.integer({ min: 0, max }).map(toAmount);

const termsArb: fc.Arbitrary<RetentionTerms> = fc.record({
  rate: fc.integer({ min: 0, max: 2000 }).map(toRate),
  materialsRate: fc.integer({ min: 0, max: 2000 }).map(toRate),
  reducedRate: fc.option(
    fc.record({
      rate: fc.integer({ min: 0, max: 1000 }).map(toRate),
      afterPercentComplete: fc.integer({ min: 0, max: 100 }).map(String),
    }),
  ),
  cap: fc.option(
    fc.oneof(
      fc.record({
        basis: fc.constantFrom('original' as const, 'revised' as const),
        rate: fc.integer({ min: 0, max: 1000 }).map(toRate),
      }),
      fc.record({ basis: fc.constant('fixed' as const), amount: cents(5_000_000) }),
    ),
  ),
});

const releaseArb: fc.Arbitrary<RetentionReleaseRequest> = fc.oneof(
  fc.constant({ stage: 'practical_completion' as const }),
  fc.constant({ stage: 'end_of_defects' as const }),
  fc.record({
    stage: fc.constant('amount' as const),
    amount: fc.integer({ min: 1, max: 5_000_000 }).map(toAmount),
  }),
);

/** One step of a subcontract's life: a progress claim (work, materials, deductions, maybe a release) or a release claim. */
const stepArb = (lineCount: number) =>
  fc.record({
    isReleaseClaim: fc.integer({ min: 0, max: 5 }).map((n) => n === 0), // one claim in six
    progressBasisPoints: fc.array(fc.integer({ min: 0, max: 10000 }), {
      minLength: lineCount,
      maxLength: lineCount,
    }),
    materialsCents: fc.integer({ min: 0, max: 2_000_000 }),
    deductionCents: fc.array(fc.integer({ min: -50_000, max: 500_000 }), { maxLength: 2 }),
    release: fc.option(releaseArb, { freq: 4 }),
  });

const subcontractArb = fc
  .record({
    scheduledCents: fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 4 }),
    originalCents: fc.integer({ min: 0, max: 400_000_000 }),
    terms: termsArb,
  })
  .chain((s) =>
    fc.record({
      subcontract: fc.constant(s),
      steps: fc.array(stepArb(s.scheduledCents.length), { minLength: 24, maxLength: 24 }),
    }),
  );

type Scenario = typeof subcontractArb extends fc.Arbitrary<infer T> ? T : never;

/** The DomainErrors a refused claim may legitimately end with; anything else fails the property. */
const isRefusal = (error: unknown) =>
  isDomainError(error) &&
  (error.code === 'RETENTION_RELEASE_EXCEEDS_HELD' ||
    (error.code === 'VALIDATION' && error.message.includes('no retention held')));

type Run = { accepted: { input: ClaimInput; result: ClaimCalculation }[]; refused: number };

/** Plays 24 claims; a refused one is simply not approved, so the next builds on the last approved. */
function playClaims({ subcontract, steps }: Scenario): Run {
  const run: Run = { accepted: [], refused: 0 };
  let previousCertified = subcontract.scheduledCents.map(() => '0.00');
  let previous: ClaimCalculation | null = null;
  for (const step of steps) {
    const isRelease = step.isReleaseClaim && step.release !== null && previous !== null;
    const lines: ClaimLineInput[] = subcontract.scheduledCents.map((scheduled, i) => ({
      sovLineId: `sov-${i}`,
      description: `line ${i}`,
      scheduledValue: toAmount(scheduled),
      previousCertifiedToDate: previousCertified[i] ?? '0.00',
      claimedToDate: isRelease
        ? (previousCertified[i] ?? '0.00')
        : toAmount(Math.floor((scheduled * (step.progressBasisPoints[i] ?? 0)) / 10000)),
      certifiedToDate: isRelease
        ? (previousCertified[i] ?? '0.00')
        : toAmount(Math.floor((scheduled * (step.progressBasisPoints[i] ?? 0)) / 10000)),
      reductionReason: 'remeasured',
      odooPoLineId: i,
      analyticDistribution: null,
    }));
    const input: ClaimInput = {
      type: isRelease ? 'retention_release' : 'progress',
      subcontractOriginalValue: toAmount(subcontract.originalCents),
      retention: subcontract.terms,
      lines,
      materialsStoredToDate:
        isRelease && previous ? previous.materialsStoredToDate : toAmount(step.materialsCents),
      materialsAnalyticDistribution: null,
      deductionsThisClaim: isRelease
        ? []
        : step.deductionCents.map((c, i) => ({
            deductionId: `d${i}`,
            description: 'back-charge',
            amount: toAmount(c),
          })),
      retentionRelease: step.release,
      previous: previous ? previousOf(previous) : null,
    };
    try {
      const result = calculateClaim(input);
      run.accepted.push({ input, result });
      previous = result;
      previousCertified = result.lines.map((l) => l.certifiedToDate);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      run.refused += 1;
    }
  }
  return run;
}

describe('claim calculation properties', () => {
  it('the generated histories exercise release claims, releases on progress claims, refusals and the cap', () => {
    const runs = fc.sample(subcontractArb, { numRuns: 100, seed: 42 }).map(playClaims);
    const claims = runs.flatMap((r) => r.accepted);
    const capBites = (c: ClaimCalculation) =>
      c.retention.cap !== null &&
      new Money(c.retention.workRetention).plus(c.retention.materialsRetention).greaterThan(c.retention.cap);
    expect(claims.filter((c) => c.input.type === 'retention_release').length).toBeGreaterThan(20);
    expect(
      claims.filter((c) => c.input.type === 'progress' && c.result.retention.releasedThisClaim !== '0.00')
        .length,
    ).toBeGreaterThan(20);
    expect(runs.reduce((n, r) => n + r.refused, 0)).toBeGreaterThan(20);
    expect(claims.filter((c) => capBites(c.result)).length).toBeGreaterThan(20);
  });

  it('over 24 claims the amounts due add up exactly to the final net to date, which is the net certified', () => {
    fc.assert(
      fc.property(subcontractArb, (sub) => {
        const { accepted } = playClaims(sub);
        const last = accepted.at(-1)?.result;
        if (!last) return;
        const totalDue = sumMoney(accepted.map((c) => c.result.dueThisClaim));
        expect(totalDue.toFixed(2)).toBe(last.netToDate);
        const netCertified = new Money(last.completedToDate)
          .minus(last.retention.heldToDate)
          .minus(last.deductionsToDate);
        expect(totalDue.toFixed(2)).toBe(netCertified.toFixed(2));
      }),
      { numRuns: 300 },
    );
  });

  it('retention retained never exceeds the cap, and what is held stays between zero and it', () => {
    fc.assert(
      fc.property(subcontractArb, (sub) => {
        for (const { result } of playClaims(sub).accepted) {
          const { cap, retainedToDate, heldToDate } = result.retention;
          expect(new Money(heldToDate).isNegative() && !new Money(heldToDate).isZero()).toBe(false);
          expect(new Money(heldToDate).lessThanOrEqualTo(retainedToDate)).toBe(true);
          if (cap !== null) expect(new Money(retainedToDate).lessThanOrEqualTo(cap)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a release never exceeds what is held: it is either within it or refused', () => {
    fc.assert(
      fc.property(subcontractArb, releaseArb, (sub, release) => {
        const { accepted } = playClaims(sub);
        for (const { result } of accepted) {
          expect(
            new Money(result.retention.releasedThisClaim).lessThanOrEqualTo(
              result.retention.heldBeforeRelease,
            ),
          ).toBe(true);
        }
        const last = accepted.at(-1);
        if (!last) return;
        const held = new Money(last.result.retention.heldToDate);
        const input: ClaimInput = {
          ...last.input,
          type: 'retention_release',
          lines: last.input.lines.map((l, i) => ({
            ...l,
            previousCertifiedToDate: last.result.lines[i]?.certifiedToDate ?? '0',
            certifiedToDate: last.result.lines[i]?.certifiedToDate ?? '0',
          })),
          deductionsThisClaim: [],
          retentionRelease: release,
          previous: previousOf(last.result),
        };
        try {
          const released = calculateClaim(input).retention;
          expect(new Money(released.releasedThisClaim).lessThanOrEqualTo(held)).toBe(true);
          expect(
            new Money(released.heldToDate).isNegative() && !new Money(released.heldToDate).isZero(),
          ).toBe(false);
        } catch (error) {
          expect(isRefusal(error)).toBe(true);
          if (
            release.stage === 'amount' &&
            isDomainError(error) &&
            error.code === 'RETENTION_RELEASE_EXCEEDS_HELD'
          ) {
            expect(new Money(release.amount).greaterThan(held)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the vendor bill lines always add up to the amount due', () => {
    fc.assert(
      fc.property(subcontractArb, (sub) => {
        for (const { input, result } of playClaims(sub).accepted) {
          const lines = buildVendorBillLines(input);
          expect(sumMoney(lines.map((l) => l.amount)).toFixed(2)).toBe(result.dueThisClaim);
          expect(lines.every((l) => !new Money(l.amount).isZero())).toBe(true);
          if (input.type === 'retention_release') expect(lines.map((l) => l.kind)).toEqual(['retention']);
        }
      }),
      { numRuns: 300 },
    );
  });
});
