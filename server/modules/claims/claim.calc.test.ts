import { describe, expect, it } from 'vitest';
import { buildVendorBillLines, calculateClaim } from './claim.calc';
import {
  backCharge,
  claim1Certified,
  claim2Certified,
  claim3Certified,
  claimInput,
  claimLines,
  previousOf,
} from './claim.fixtures';
import type { ClaimCalculation, ClaimInput } from './claim.types';

const row = (r: ClaimCalculation) => ({
  completed: r.completedToDate,
  held: r.retention.heldToDate,
  deductions: r.deductionsToDate,
  net: r.netToDate,
  due: r.dueThisClaim,
});

/** The DOMAIN §4 worked example, claim by claim, each built on the previous approved one. */
function workedExample() {
  const input1 = claimInput({ lines: claimLines([], claim1Certified) });
  const claim1 = calculateClaim(input1);
  const input2 = claimInput({
    lines: claimLines(claim1Certified, claim2Certified),
    deductionsThisClaim: [backCharge],
    previous: previousOf(claim1),
  });
  const claim2 = calculateClaim(input2);
  const input3 = claimInput({
    lines: claimLines(claim2Certified, claim3Certified),
    retentionRelease: { stage: 'practical_completion' },
    previous: previousOf(claim2),
  });
  const claim3 = calculateClaim(input3);
  const input4 = claimInput({
    type: 'retention_release',
    lines: claimLines(claim3Certified, claim3Certified),
    retentionRelease: { stage: 'end_of_defects' },
    previous: previousOf(claim3),
  });
  const claim4 = calculateClaim(input4);
  return { inputs: [input1, input2, input3, input4], results: [claim1, claim2, claim3, claim4] };
}

describe('DOMAIN §4 worked example, to the cent', () => {
  const { inputs, results } = workedExample();
  const [claim1, claim2, claim3, release] = results as [
    ClaimCalculation,
    ClaimCalculation,
    ClaimCalculation,
    ClaimCalculation,
  ];

  it('claim 1', () => {
    expect(row(claim1)).toEqual({
      completed: '58000.00',
      held: '5800.00',
      deductions: '0.00',
      net: '52200.00',
      due: '52200.00',
    });
  });

  it('claim 2: cap reached, back-charge 1,500.00', () => {
    expect(row(claim2)).toEqual({
      completed: '124000.00',
      held: '10750.00',
      deductions: '1500.00',
      net: '111750.00',
      due: '59550.00',
    });
    expect(claim2.retention).toMatchObject({
      workRetention: '12400.00',
      cap: '10750.00',
      retainedToDate: '10750.00',
    });
  });

  it('claim 3: complete, practical completion releases half', () => {
    expect(row(claim3)).toEqual({
      completed: '215000.00',
      held: '5375.00',
      deductions: '1500.00',
      net: '208125.00',
      due: '96375.00',
    });
    expect(claim3.retention).toMatchObject({
      releasedThisClaim: '5375.00',
      releasedToDate: '5375.00',
      movementThisClaim: '-5375.00',
    });
  });

  it('release at end of defects', () => {
    expect(row(release)).toEqual({
      completed: '215000.00',
      held: '0.00',
      deductions: '1500.00',
      net: '213500.00',
      due: '5375.00',
    });
    expect(release.retention.releasedToDate).toBe('10750.00');
  });

  it('the payment certificate grid of claim 2', () => {
    expect(claim2.lines).toEqual([
      {
        sovLineId: 'sov-1',
        description: 'Groundworks',
        scheduledValue: '120000.00',
        previousCertifiedToDate: '40000.00',
        thisPeriod: '40000.00',
        certifiedToDate: '80000.00',
        claimedToDate: '80000.00',
        percentComplete: '66.67',
        balance: '40000.00',
      },
      {
        sovLineId: 'sov-2',
        description: 'Drainage',
        scheduledValue: '80000.00',
        previousCertifiedToDate: '18000.00',
        thisPeriod: '18000.00',
        certifiedToDate: '36000.00',
        claimedToDate: '36000.00',
        percentComplete: '45.00',
        balance: '44000.00',
      },
      {
        sovLineId: 'sov-3',
        description: 'CO-0001 Extra attenuation tank',
        scheduledValue: '15000.00',
        previousCertifiedToDate: '0.00',
        thisPeriod: '8000.00',
        certifiedToDate: '8000.00',
        claimedToDate: '8000.00',
        percentComplete: '53.33',
        balance: '7000.00',
      },
    ]);
    expect(claim2.totals).toEqual({
      scheduledValue: '215000.00',
      previousCertifiedToDate: '58000.00',
      thisPeriod: '66000.00',
      certifiedToDate: '124000.00',
      claimedToDate: '124000.00',
      percentComplete: '57.67',
      balance: '91000.00',
    });
  });

  it('the bills: claim 1 and claim 2', () => {
    expect(buildVendorBillLines(inputs[0] as ClaimInput)).toEqual([
      {
        kind: 'sov',
        sovLineId: 'sov-1',
        description: 'Groundworks',
        amount: '40000.00',
        odooPoLineId: 101,
        analyticDistribution: { '35,41': 100 },
      },
      {
        kind: 'sov',
        sovLineId: 'sov-2',
        description: 'Drainage',
        amount: '18000.00',
        odooPoLineId: 102,
        analyticDistribution: { '35,42': 100 },
      },
      { kind: 'retention', description: 'Retention held', amount: '-5800.00' },
    ]);
    const bill2 = buildVendorBillLines(inputs[1] as ClaimInput);
    expect(bill2.map((l) => [l.kind, l.amount])).toEqual([
      ['sov', '40000.00'],
      ['sov', '18000.00'],
      ['sov', '8000.00'],
      ['retention', '-4950.00'],
      ['deduction', '-1500.00'],
    ]);
    expect(bill2[4]).toMatchObject({ deductionId: 'ded-1', description: 'Back-charge: damaged kerbs' });
  });

  it('the bills: claim 3 releases retention through its movement line; the final release is one positive line', () => {
    expect(buildVendorBillLines(inputs[2] as ClaimInput).map((l) => [l.kind, l.amount])).toEqual([
      ['sov', '40000.00'],
      ['sov', '44000.00'],
      ['sov', '7000.00'],
      ['retention', '5375.00'],
    ]);
    expect(buildVendorBillLines(inputs[3] as ClaimInput)).toEqual([
      { kind: 'retention', description: 'Retention released', amount: '5375.00' },
    ]);
  });

  it('the same figures when practical completion is its own retention_release claim', () => {
    const progress3 = calculateClaim(
      claimInput({ lines: claimLines(claim2Certified, claim3Certified), previous: previousOf(claim2) }),
    );
    expect(row(progress3)).toEqual({
      completed: '215000.00',
      held: '10750.00',
      deductions: '1500.00',
      net: '202750.00',
      due: '91000.00',
    });
    const pc = calculateClaim(
      claimInput({
        type: 'retention_release',
        lines: claimLines(claim3Certified, claim3Certified),
        retentionRelease: { stage: 'practical_completion' },
        previous: previousOf(progress3),
      }),
    );
    expect(row(pc)).toEqual({
      completed: '215000.00',
      held: '5375.00',
      deductions: '1500.00',
      net: '208125.00',
      due: '5375.00',
    });
  });
});

describe('claim validation', () => {
  // claimed stays valid so each case exercises the certified figure alone
  const first = (certified: string[], extra: Partial<ClaimInput> = {}) =>
    claimInput({ lines: claimLines([], certified).map((l) => ({ ...l, claimedToDate: '0' })), ...extra });

  it.each([
    [
      ['120000.01', '0', '0'],
      'CLAIM_EXCEEDS_SOV',
      'SOV line "Groundworks": certified 120000.01 is above its scheduled value 120000.00.',
    ],
    [
      ['0', '0', '15000.01'],
      'CLAIM_EXCEEDS_SOV',
      'SOV line "CO-0001 Extra attenuation tank": certified 15000.01 is above its scheduled value 15000.00.',
    ],
    [['-1', '0', '0'], 'VALIDATION', 'SOV line "Groundworks" certified to date cannot be negative.'],
    [
      ['1.001', '0', '0'],
      'VALIDATION',
      'SOV line "Groundworks" certified to date allows at most 2 decimals.',
    ],
    [
      ['1,000', '0', '0'],
      'VALIDATION',
      'SOV line "Groundworks" certified to date must be a decimal number written as a string.',
    ],
  ])('certified %j is refused with %s', (certified, code, message) => {
    expect(() => calculateClaim(first(certified))).toThrow(expect.objectContaining({ code, message }));
  });

  it('certified exactly at the scheduled value is allowed', () => {
    expect(calculateClaim(first(claim3Certified)).totals.balance).toBe('0.00');
  });

  it('certifying below the previous value needs a reason, and then gives a negative period', () => {
    const claim1 = calculateClaim(first(claim1Certified));
    const lines = claimLines(claim1Certified, ['39000.00', '18000.00', '0.00']);
    const input = claimInput({ lines, previous: previousOf(claim1) });
    expect(() => calculateClaim(input)).toThrow(
      expect.objectContaining({ code: 'REASON_REQUIRED', details: { sovLineId: 'sov-1' } }),
    );
    lines[0] = { ...lines[0]!, reductionReason: 'Re-measured: 10 m of kerb was defective' };
    const result = calculateClaim(input);
    expect(result.lines[0]?.thisPeriod).toBe('-1000.00');
    expect(result.dueThisClaim).toBe('-900.00'); // −1,000 of work, 100 less retention held
    expect(buildVendorBillLines(input).map((l) => l.amount)).toEqual(['-1000.00', '100.00']);
  });

  it('refuses two lines for one SOV line', () => {
    const lines = claimLines([], claim1Certified);
    expect(() => calculateClaim(claimInput({ lines: [...lines, lines[0]!] }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });

  it('refuses a previous claim whose stored net does not reconcile', () => {
    const claim1 = calculateClaim(first(claim1Certified));
    const previous = { ...previousOf(claim1), netToDate: '52200.01' };
    expect(() =>
      calculateClaim(claimInput({ lines: claimLines(claim1Certified, claim2Certified), previous })),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        details: { storedNet: '52200.01', rebuiltNet: '52200.00' },
      }),
    );
  });

  it.each(['1.5', '-0.1', '0.12345', '10%'])('refuses retention rate %s', (rate) => {
    const retention = { rate, materialsRate: '0', reducedRate: null, cap: null };
    expect(() => calculateClaim(first(claim1Certified, { retention }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });

  it('accepts a rate with four decimals', () => {
    const retention = { rate: '0.1001', materialsRate: '0', reducedRate: null, cap: null };
    expect(calculateClaim(first(claim1Certified, { retention })).retention.retainedToDate).toBe('5805.80');
  });
});

describe('retention terms', () => {
  const terms = (t: Partial<ClaimInput['retention']>): ClaimInput['retention'] => ({
    rate: '0.10',
    materialsRate: '0',
    reducedRate: null,
    cap: null,
    ...t,
  });
  const retentionOf = (
    certified: string[],
    retention: ClaimInput['retention'],
    materialsStoredToDate = '0',
  ) =>
    calculateClaim(claimInput({ lines: claimLines([], certified), retention, materialsStoredToDate }))
      .retention;

  it.each([
    ['no cap', terms({}), ['120000.00', '80000.00', '15000.00'], '21500.00'],
    [
      'cap at 5 % of the original value',
      terms({ cap: { basis: 'original', rate: '0.05' } }),
      ['120000.00', '80000.00', '15000.00'],
      '10000.00',
    ],
    [
      'cap at 5 % of the revised value',
      terms({ cap: { basis: 'revised', rate: '0.05' } }),
      ['120000.00', '80000.00', '15000.00'],
      '10750.00',
    ],
    [
      'fixed cap',
      terms({ cap: { basis: 'fixed', amount: '7500.00' } }),
      ['120000.00', '80000.00', '15000.00'],
      '7500.00',
    ],
    [
      'under the cap',
      terms({ cap: { basis: 'fixed', amount: '7500.00' } }),
      ['50000.00', '0', '0'],
      '5000.00',
    ],
    ['zero rate', terms({ rate: '0' }), ['50000.00', '0', '0'], '0.00'],
    // reduced rate: 10 % on the first 50 % of 215,000 (107,500), 5 % on work beyond it
    [
      'below the reduced-rate threshold',
      terms({ reducedRate: { rate: '0.05', afterPercentComplete: '50' } }),
      ['100000.00', '0', '0'],
      '10000.00',
    ],
    [
      'at the threshold',
      terms({ reducedRate: { rate: '0.05', afterPercentComplete: '50' } }),
      ['107500.00', '0', '0'],
      '10750.00',
    ],
    [
      'beyond the threshold',
      terms({ reducedRate: { rate: '0.05', afterPercentComplete: '50' } }),
      ['120000.00', '30000.00', '0'],
      '12875.00',
    ],
    [
      'reduced rate and cap',
      terms({
        reducedRate: { rate: '0.05', afterPercentComplete: '50' },
        cap: { basis: 'fixed', amount: '12000' },
      }),
      ['120000.00', '30000.00', '0'],
      '12000.00',
    ],
    ['work retention rounds half up', terms({ rate: '0.025' }), ['0.50', '0', '0'], '0.01'], // 0.0125
  ])('%s', (_name, retention, certified, retained) => {
    expect(retentionOf(certified, retention).retainedToDate).toBe(retained);
  });

  it('materials retain at their own rate, rounded apart from work', () => {
    const r = retentionOf(['0.05', '0', '0'], terms({ rate: '0.10', materialsRate: '0.10' }), '0.05');
    expect(r).toMatchObject({ workRetention: '0.01', materialsRetention: '0.01', retainedToDate: '0.02' });
    const m = retentionOf(['10000.00', '0', '0'], terms({ materialsRate: '0.05' }), '4000.00');
    expect(m).toMatchObject({
      workRetention: '1000.00',
      materialsRetention: '200.00',
      retainedToDate: '1200.00',
    });
  });

  it('materials on site appear in completed to date and as their own bill line', () => {
    const input = claimInput({
      lines: claimLines([], ['10000.00', '0', '0']),
      retention: terms({ materialsRate: '0.05' }),
      materialsStoredToDate: '4000.00',
    });
    expect(calculateClaim(input)).toMatchObject({
      completedToDate: '14000.00',
      netToDate: '12800.00',
      dueThisClaim: '12800.00',
    });
    expect(buildVendorBillLines(input).map((l) => [l.kind, l.amount])).toEqual([
      ['sov', '10000.00'],
      ['materials_on_site', '4000.00'],
      ['retention', '-1200.00'],
    ]);
  });
});

describe('retention release', () => {
  const complete = (cap: string) =>
    calculateClaim(
      claimInput({
        lines: claimLines([], claim3Certified),
        retention: {
          rate: '0.10',
          materialsRate: '0',
          reducedRate: null,
          cap: { basis: 'fixed', amount: cap },
        },
      }),
    );
  const release = (
    prior: ClaimCalculation,
    retentionRelease: ClaimInput['retentionRelease'],
    cap = '10750.01',
  ) =>
    calculateClaim(
      claimInput({
        type: 'retention_release',
        lines: claimLines(claim3Certified, claim3Certified),
        retention: {
          rate: '0.10',
          materialsRate: '0',
          reducedRate: null,
          cap: { basis: 'fixed', amount: cap },
        },
        retentionRelease,
        previous: previousOf(prior),
      }),
    );

  it('practical completion releases half rounded half up, end of defects the exact rest', () => {
    const done = complete('10750.01');
    const pc = release(done, { stage: 'practical_completion' });
    expect(pc.retention).toMatchObject({ releasedThisClaim: '5375.01', heldToDate: '5375.00' });
    const eod = release(pc, { stage: 'end_of_defects' });
    expect(eod.retention).toMatchObject({
      releasedThisClaim: '5375.00',
      heldToDate: '0.00',
      releasedToDate: '10750.01',
    });
    expect(eod.netToDate).toBe('215000.00');
  });

  it.each([
    ['10750.01', 'RETENTION_RELEASE_EXCEEDS_HELD'],
    ['20000', 'RETENTION_RELEASE_EXCEEDS_HELD'],
    ['0', 'VALIDATION'],
    ['-5', 'VALIDATION'],
  ])('an explicit release of %s is refused (%s)', (amount, code) => {
    expect(() => release(complete('10750.00'), { stage: 'amount', amount }, '10750.00')).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('an explicit release of exactly what is held is allowed', () => {
    expect(
      release(complete('10750.00'), { stage: 'amount', amount: '10750.00' }, '10750.00').retention.heldToDate,
    ).toBe('0.00');
  });

  it('a second end-of-defects release finds nothing held', () => {
    const eod = release(complete('10750.01'), { stage: 'end_of_defects' });
    expect(() => release(eod, { stage: 'end_of_defects' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: 'There is no retention held to release.' }),
    );
    expect(() => release(eod, { stage: 'amount', amount: '0.01' })).toThrow(
      expect.objectContaining({ code: 'RETENTION_RELEASE_EXCEEDS_HELD' }),
    );
  });

  it('a retention release claim moves nothing else', () => {
    const done = complete('10750.00');
    const base = {
      type: 'retention_release' as const,
      retentionRelease: { stage: 'end_of_defects' as const },
      previous: previousOf(done),
    };
    const lowered = claimLines(claim3Certified, ['119000.00', '80000.00', '15000.00']).map((l) => ({
      ...l,
      reductionReason: 'defect',
    }));
    expect(() => calculateClaim(claimInput({ ...base, lines: lowered }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    const same = claimLines(claim3Certified, claim3Certified);
    expect(() => calculateClaim(claimInput({ ...base, lines: same, materialsStoredToDate: '1.00' }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() =>
      calculateClaim(claimInput({ ...base, lines: same, deductionsThisClaim: [backCharge] })),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => calculateClaim(claimInput({ ...base, lines: same, retentionRelease: null }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });

  it('certified work cut below what was already released is refused', () => {
    const done = complete('10750.00');
    const eod = release(done, { stage: 'end_of_defects' }, '10750.00');
    const lines = claimLines(claim3Certified, ['100000.00', '80000.00', '15000.00']).map((l) => ({
      ...l,
      reductionReason: 'defect',
    }));
    // 10 % of 195,000 = 19,500 is still above the 10,750 cap, so nothing changes...
    expect(
      calculateClaim(
        claimInput({
          lines,
          retention: {
            rate: '0.10',
            materialsRate: '0',
            reducedRate: null,
            cap: { basis: 'fixed', amount: '10750.00' },
          },
          previous: previousOf(eod),
        }),
      ).retention.heldToDate,
    ).toBe('0.00');
    // ...but with no cap and a 5 % rate, 5 % of 195,000 = 9,750 is below the 10,750 released
    const small = claimLines(claim3Certified, ['100000.00', '80000.00', '15000.00']).map((l) => ({
      ...l,
      reductionReason: 'defect',
    }));
    expect(() =>
      calculateClaim(
        claimInput({
          lines: small,
          retention: { rate: '0.05', materialsRate: '0', reducedRate: null, cap: null },
          previous: previousOf(eod),
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'RETENTION_RELEASE_EXCEEDS_HELD' }));
  });
});

describe('deductions and lines', () => {
  it('a reversed back-charge is a positive bill line', () => {
    const claim1 = calculateClaim(
      claimInput({ lines: claimLines([], claim1Certified), deductionsThisClaim: [backCharge] }),
    );
    const input = claimInput({
      lines: claimLines(claim1Certified, claim1Certified),
      deductionsThisClaim: [
        { deductionId: 'ded-2', description: 'Reversal: kerbs were damaged by others', amount: '-1500.00' },
      ],
      previous: previousOf(claim1),
    });
    expect(calculateClaim(input)).toMatchObject({ deductionsToDate: '0.00', dueThisClaim: '1500.00' });
    expect(buildVendorBillLines(input)).toEqual([
      {
        kind: 'deduction',
        deductionId: 'ded-2',
        description: 'Reversal: kerbs were damaged by others',
        amount: '1500.00',
      },
    ]);
  });

  it('a zero-value SOV line has no percent complete', () => {
    const lines = claimLines([], ['0', '0', '0']).map((l, i) =>
      i === 2 ? { ...l, scheduledValue: '0' } : l,
    );
    const result = calculateClaim(claimInput({ lines }));
    expect(result.lines[2]).toMatchObject({ percentComplete: null, balance: '0.00' });
    expect(result.lines[0]).toMatchObject({ percentComplete: '0.00', balance: '120000.00' });
  });

  it('claimed to date is carried as submitted, independent of what is certified', () => {
    const lines = claimLines([], claim1Certified).map((l, i) =>
      i === 0 ? { ...l, claimedToDate: '45000.00' } : l,
    );
    expect(calculateClaim(claimInput({ lines })).lines[0]).toMatchObject({
      claimedToDate: '45000.00',
      certifiedToDate: '40000.00',
    });
  });
});
