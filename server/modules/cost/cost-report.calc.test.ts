import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '@/server/lib/money';
import {
  calculateCostCode,
  calculateProjectCostReport,
  type CostCodeSums,
  type ForecastMethod,
} from './cost-report.calc';

/** DOMAIN §7 worked cost code. */
const workedCode: CostCodeSums = {
  costCodeId: 'cc-03',
  code: '03-300',
  name: 'Concrete',
  originalBudget: '230000.00',
  budgetTransfers: '-8000.00',
  approvedChanges: '15000.00',
  pendingChanges: '6000.00',
  pendingChangesProceeding: '2500.00',
  committed: '227000.00',
  pendingCommitmentChanges: '5000.00',
  actual: '141000.00',
  directCost: '9000.00',
  forecastMethod: 'automatic',
  forecastAmount: null,
  forecastReason: null,
  earnedValue: null,
};

describe('DOMAIN §7 worked cost code', () => {
  it('budget columns', () => {
    expect(calculateCostCode(workedCode)).toMatchObject({
      revisedBudget: '237000.00',
      projectedBudget: '243000.00',
      pendingChangesProceeding: '2500.00',
      uncommitted: '10000.00',
    });
  });

  it('automatic: FTC 2,000, EAC 243,000, over/under 0 — and flagged', () => {
    expect(calculateCostCode(workedCode)).toMatchObject({
      forecastToComplete: '2000.00',
      estimateAtCompletion: '243000.00',
      projectedOverUnder: '0.00',
      varianceAtCompletion: '-6000.00',
      percentComplete: '58.02',
      isAutomaticMethod: true,
      effectiveForecastMethod: 'automatic',
    });
  });

  it('manual FTC 9,000: EAC 250,000, over/under −7,000, VAC −13,000', () => {
    const row = {
      ...workedCode,
      forecastMethod: 'manual' as const,
      forecastAmount: '9000.00',
      forecastReason: 'Pump hire extended',
    };
    expect(calculateCostCode(row)).toMatchObject({
      forecastToComplete: '9000.00',
      estimateAtCompletion: '250000.00',
      projectedOverUnder: '-7000.00',
      varianceAtCompletion: '-13000.00',
      percentComplete: '56.40',
      forecastReason: 'Pump hire extended',
      isAutomaticMethod: false,
    });
  });
});

describe('forecast methods', () => {
  it.each([
    ['committed_only', {}, '0.00', '241000.00', '2000.00', null],
    // CPI = 120,000 / 141,000 = 0.8511; the 2,000 automatic remainder ÷ CPI = 2,350.00
    ['cpi', { earnedValue: '120000.00' }, '2350.00', '243350.00', '-350.00', '0.8511'],
    ['cpi', { earnedValue: '141000.00' }, '2000.00', '243000.00', '0.00', '1.0000'],
    ['cpi', { earnedValue: '282000.00' }, '1000.00', '242000.00', '1000.00', '2.0000'],
  ] as const)('%s %j', (method, extra, ftc, eac, overUnder, cpi) => {
    const report = calculateCostCode({ ...workedCode, forecastMethod: method, ...extra });
    expect(report).toMatchObject({
      forecastToComplete: ftc,
      estimateAtCompletion: eac,
      projectedOverUnder: overUnder,
      cpi,
      effectiveForecastMethod: method,
      isAutomaticMethod: false,
    });
  });

  it.each([
    [{ earnedValue: null }, '2000.00'],
    [{ earnedValue: '0.00' }, '2000.00'],
    [{ earnedValue: '1000.00', actual: '0.00', directCost: '0.00' }, '11000.00'], // nothing spent yet
  ])('cpi without performance data falls back to automatic and is flagged (%j)', (extra, ftc) => {
    const report = calculateCostCode({ ...workedCode, forecastMethod: 'cpi', ...extra });
    expect(report).toMatchObject({
      forecastMethod: 'cpi',
      effectiveForecastMethod: 'automatic',
      forecastToComplete: ftc,
      cpi: null,
      isAutomaticMethod: true,
    });
  });

  it('automatic floors at zero, so committed overruns still show', () => {
    const report = calculateCostCode({ ...workedCode, committed: '250000.00' });
    expect(report).toMatchObject({
      forecastToComplete: '0.00',
      estimateAtCompletion: '264000.00',
      projectedOverUnder: '-21000.00',
      uncommitted: '0.00',
    });
  });

  it.each([
    [{ forecastAmount: '9000.00', forecastReason: ' ' }, 'REASON_REQUIRED'],
    [{ forecastAmount: null, forecastReason: 'why' }, 'VALIDATION'],
    [{ forecastAmount: '-1.00', forecastReason: 'why' }, 'VALIDATION'],
    [{ forecastAmount: '1.005', forecastReason: 'why' }, 'VALIDATION'],
  ])('manual forecast %j is refused with %s', (extra, code) => {
    expect(() => calculateCostCode({ ...workedCode, forecastMethod: 'manual', ...extra })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('a zero EAC has no percent complete', () => {
    const empty = {
      ...workedCode,
      originalBudget: '0',
      budgetTransfers: '0',
      approvedChanges: '0',
      pendingChanges: '0',
      committed: '0',
      pendingCommitmentChanges: '0',
      actual: '0',
      directCost: '0',
    };
    expect(calculateCostCode(empty).percentComplete).toBeNull();
  });
});

describe('project cost report', () => {
  const site: CostCodeSums = {
    ...workedCode,
    costCodeId: 'cc-01',
    code: '01-100',
    name: 'Site set-up',
    originalBudget: '40000.00',
    budgetTransfers: '8000.00',
    approvedChanges: '0',
    pendingChanges: '0',
    pendingChangesProceeding: '0',
    committed: '30000.00',
    pendingCommitmentChanges: '0',
    actual: '10000.00',
    directCost: '0',
    forecastMethod: 'committed_only',
  };

  it('totals, earned, over/under billing and margin', () => {
    const report = calculateProjectCostReport({
      originalContractValue: '300000.00',
      approvedClientChanges: '20000.00',
      billedToDate: '200000.00',
      codes: [workedCode, site],
    });
    expect(report.totals).toMatchObject({
      budgetTransfers: '0.00',
      revisedBudget: '285000.00',
      projectedBudget: '291000.00',
      estimateAtCompletion: '273000.00',
      actual: '151000.00',
      uncommitted: '28000.00',
    });
    expect(report).toMatchObject({
      revisedContractValue: '320000.00',
      percentComplete: '55.31', // 151,000 / 273,000
      earnedRevenue: '176996.34', // 320,000 × 151,000 / 273,000 with the ratio unrounded
      billedToDate: '200000.00',
      overUnderBilling: '23003.66',
      forecastMargin: '47000.00',
      forecastMarginPercent: '14.69',
      automaticMethodCodes: ['03-300'],
    });
  });

  it('an empty project earns nothing and has no margin percent on a zero contract', () => {
    const report = calculateProjectCostReport({
      originalContractValue: '0',
      approvedClientChanges: '0',
      billedToDate: '0',
      codes: [],
    });
    expect(report).toMatchObject({
      earnedRevenue: '0.00',
      overUnderBilling: '0.00',
      percentComplete: null,
      forecastMarginPercent: null,
      automaticMethodCodes: [],
    });
  });
});

describe('cost report properties', () => {
  const toAmount = (cents: number) =>
    `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
  const amount = (min: number, max: number) => fc.integer({ min, max }).map(toAmount);
  const codeArb: fc.Arbitrary<CostCodeSums> = fc.record({
    costCodeId: fc.uuid(),
    code: fc.string({ minLength: 1, maxLength: 6 }),
    name: fc.constant('code'),
    originalBudget: amount(0, 1e9),
    budgetTransfers: amount(-1e8, 1e8),
    approvedChanges: amount(-1e8, 1e8),
    pendingChanges: amount(-1e8, 1e8),
    pendingChangesProceeding: amount(0, 1e8),
    committed: amount(0, 1e9),
    pendingCommitmentChanges: amount(-1e7, 1e8),
    actual: amount(0, 1e9),
    directCost: amount(0, 1e8),
    forecastMethod: fc.constantFrom<ForecastMethod>('automatic', 'manual', 'committed_only', 'cpi'),
    forecastAmount: amount(0, 1e8),
    forecastReason: fc.constant('reviewed'),
    earnedValue: fc.option(amount(0, 1e9)),
  });

  it('EAC is never below committed + direct + pending commitment changes; FTC is never negative', () => {
    fc.assert(
      fc.property(codeArb, (row) => {
        const r = calculateCostCode(row);
        const floor = new Money(r.committed).plus(r.directCost).plus(r.pendingCommitmentChanges);
        expect(new Money(r.estimateAtCompletion).greaterThanOrEqualTo(floor)).toBe(true);
        expect(
          new Money(r.forecastToComplete).isNegative() && !new Money(r.forecastToComplete).isZero(),
        ).toBe(false);
        // over/under and VAC differ by exactly the pending changes
        expect(new Money(r.projectedOverUnder).minus(r.varianceAtCompletion).toFixed(2)).toBe(
          r.pendingChanges,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('automatic never gives a negative FTC and reports over/under 0 whenever the code is within its projected budget', () => {
    fc.assert(
      fc.property(codeArb, (row) => {
        const r = calculateCostCode({ ...row, forecastMethod: 'automatic' });
        expect(new Money(r.forecastToComplete).greaterThanOrEqualTo(0)).toBe(true);
        const locked = new Money(r.committed).plus(r.directCost).plus(r.pendingCommitmentChanges);
        if (new Money(r.projectedBudget).greaterThanOrEqualTo(locked))
          expect(r.projectedOverUnder).toBe('0.00');
        else expect(r.estimateAtCompletion).toBe(locked.toFixed(2));
      }),
      { numRuns: 1000 },
    );
  });

  it('project totals are the sums of the code rows', () => {
    fc.assert(
      fc.property(fc.array(codeArb, { maxLength: 8 }), (codes) => {
        const report = calculateProjectCostReport({
          originalContractValue: '1000000.00',
          approvedClientChanges: '0',
          billedToDate: '0',
          codes,
        });
        for (const [column, total] of Object.entries(report.totals)) {
          const sum = report.codes.reduce(
            (acc, c) => acc.plus(c[column as keyof typeof report.totals]),
            new Money(0),
          );
          expect(sum.toFixed(2)).toBe(total);
        }
      }),
      { numRuns: 200 },
    );
  });
});
