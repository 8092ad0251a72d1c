import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, sumMoney } from '@/server/lib/money';
import {
  assertMilestoneReleaseWithinContract,
  buildMilestoneInvoice,
  calculateMilestoneAmount,
  type MilestoneAmountBasis,
} from './milestone.calc';

describe('calculateMilestoneAmount', () => {
  it.each([
    [{ basis: 'fixed', amount: '50000' }, '1000000.00', '50000.00'],
    [{ basis: 'percent', percentOfContract: '25' }, '1000000.00', '250000.00'],
    [{ basis: 'percent', percentOfContract: '12.5' }, '1234567.89', '154320.99'], // 154,320.98625
    [{ basis: 'percent', percentOfContract: '33.3333' }, '100.00', '33.33'],
    [{ basis: 'percent', percentOfContract: '100' }, '215000.00', '215000.00'],
    [{ basis: 'percent', percentOfContract: '0.0001' }, '5000.00', '0.01'], // 0.005 rounds half up
  ] as const)('%j of %s = %s', (amount, revisedContractValue, expected) => {
    expect(calculateMilestoneAmount({ amount: amount as MilestoneAmountBasis, revisedContractValue })).toBe(
      expected,
    );
  });

  it.each([
    [{ basis: 'fixed', amount: '0' }],
    [{ basis: 'fixed', amount: '-10' }],
    [{ basis: 'fixed', amount: '10.001' }],
    [{ basis: 'percent', percentOfContract: '0' }],
    [{ basis: 'percent', percentOfContract: '100.01' }],
    [{ basis: 'percent', percentOfContract: '-5' }],
  ] as const)('refuses %j', (amount) => {
    expect(() =>
      calculateMilestoneAmount({ amount: amount as MilestoneAmountBasis, revisedContractValue: '1000' }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('buildMilestoneInvoice', () => {
  it('deducts client retention on its own line', () => {
    expect(
      buildMilestoneInvoice({
        description: 'M3 Frame complete',
        milestoneAmount: '125000.00',
        clientRetentionRate: '0.05',
      }),
    ).toEqual({
      grossAmount: '125000.00',
      retentionAmount: '6250.00',
      netAmount: '118750.00',
      lines: [
        { kind: 'milestone', description: 'M3 Frame complete', amount: '125000.00' },
        { kind: 'client_retention', description: 'Retention', amount: '-6250.00' },
      ],
    });
  });

  it('has no retention line when the contract has none', () => {
    expect(
      buildMilestoneInvoice({ description: 'M1', milestoneAmount: '10.00', clientRetentionRate: '0' }),
    ).toMatchObject({
      retentionAmount: '0.00',
      netAmount: '10.00',
      lines: [{ kind: 'milestone', description: 'M1', amount: '10.00' }],
    });
  });

  it('rounds retention half up to the cent', () => {
    // 33.33 × 0.025 = 0.83325
    expect(
      buildMilestoneInvoice({ description: 'M', milestoneAmount: '33.33', clientRetentionRate: '0.025' }),
    ).toMatchObject({ retentionAmount: '0.83', netAmount: '32.50' });
    // 0.30 × 0.05 = 0.015
    expect(
      buildMilestoneInvoice({ description: 'M', milestoneAmount: '0.30', clientRetentionRate: '0.05' }),
    ).toMatchObject({ retentionAmount: '0.02', netAmount: '0.28' });
  });

  it.each(['1.5', '-0.05', '0.00001', '5%'])('refuses retention rate %s', (rate) => {
    expect(() =>
      buildMilestoneInvoice({ description: 'M', milestoneAmount: '100', clientRetentionRate: rate }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('lines always add up to the net amount and retention never exceeds the gross', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e11 }),
        fc.integer({ min: 0, max: 10000 }),
        (cents, basisPoints) => {
          const amount = new Money(cents).dividedBy(100).toFixed(2);
          const rate = new Money(basisPoints).dividedBy(10000).toFixed(4);
          const invoice = buildMilestoneInvoice({
            description: 'M',
            milestoneAmount: amount,
            clientRetentionRate: rate,
          });
          expect(sumMoney(invoice.lines.map((l) => l.amount)).toFixed(2)).toBe(invoice.netAmount);
          expect(new Money(invoice.retentionAmount).lessThanOrEqualTo(invoice.grossAmount)).toBe(true);
        },
      ),
    );
  });
});

describe('assertMilestoneReleaseWithinContract', () => {
  it.each([
    ['100000.00', '0.00', '1000000.00'],
    ['100000.00', '900000.00', '1000000.00'], // exactly reaches the contract value
  ])(
    'allows releasing %s with %s already billed of %s',
    (milestoneAmount, alreadyBilled, revisedContractValue) => {
      expect(() =>
        assertMilestoneReleaseWithinContract({ milestoneAmount, alreadyBilled, revisedContractValue }),
      ).not.toThrow();
    },
  );

  it('refuses billing beyond the revised contract value, with the reason', () => {
    expect(() =>
      assertMilestoneReleaseWithinContract({
        milestoneAmount: '100000.01',
        alreadyBilled: '900000.00',
        revisedContractValue: '1000000.00',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'RELEASE_REFUSED',
        message:
          'Billing would exceed the revised contract value: 100000.01 to release, 100000.00 left to bill of 1000000.00.',
        details: { reason: 'exceeds_contract_value', remaining: '100000.00' },
      }),
    );
  });

  it('refuses when a deductive client CO has brought the contract below what is billed', () => {
    expect(() =>
      assertMilestoneReleaseWithinContract({
        milestoneAmount: '1.00',
        alreadyBilled: '950000.00',
        revisedContractValue: '900000.00',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'RELEASE_REFUSED',
        details: { reason: 'exceeds_contract_value', remaining: '-50000.00' },
      }),
    );
  });
});
