import { describe, expect, it } from 'vitest';
import { calculateChangeOrder, calculateLineCost, type ChangeOrderLineInput } from './change-order.calc';

const line = (
  costCodeId: string,
  quantity: string,
  unitCost: string,
  sellAmount?: string,
): ChangeOrderLineInput => ({
  costCodeId,
  description: `work on ${costCodeId}`,
  quantity,
  unit: 'ea',
  unitCost,
  sellAmount,
});

describe('calculateLineCost', () => {
  it.each([
    ['1', '100.00', '100.00'],
    ['12.375', '48.50', '600.19'], // 600.1875 rounds up
    ['0.0001', '0.01', '0.00'],
    ['3.3333', '0.15', '0.50'], // 0.499995 rounds up, half away from zero
    ['-2', '125.25', '-250.50'],
    ['-0.0005', '10.00', '-0.01'], // -0.005 rounds away from zero
    ['1', '-8000', '-8000.00'],
    ['0', '999.99', '0.00'],
    ['9999.9999', '99999.99', '999999890.00'],
  ])('%s × %s = %s', (quantity, unitCost, expected) => {
    expect(calculateLineCost(quantity, unitCost)).toBe(expected);
  });

  it.each([
    ['1.00001', '1', 'quantity allows at most 4 decimals'],
    ['1', '1.001', 'unitCost allows at most 2 decimals'],
    ['abc', '1', 'quantity must be a decimal number'],
    ['1e3', '1', 'quantity must be a decimal number'],
    ['', '1', 'quantity must be a decimal number'],
  ])('refuses %s × %s', (quantity, unitCost, message) => {
    expect(() => calculateLineCost(quantity, unitCost)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining(message) }),
    );
  });
});

describe('calculateChangeOrder', () => {
  it('client CO: cost, sell, budget impact per code and routing amount', () => {
    const result = calculateChangeOrder({
      kind: 'client',
      lines: [
        line('A', '10', '150.00', '1800.00'),
        line('B', '2.5', '99.99', '300.00'),
        line('A', '-1', '50.00', '-60.00'),
      ],
    });
    expect(result.lines.map((l) => l.costAmount)).toEqual(['1500.00', '249.98', '-50.00']); // 249.975 → 249.98
    expect(result.costTotal).toBe('1699.98');
    expect(result.sellTotal).toBe('2040.00');
    expect(result.budgetColumn).toBe('approved_changes');
    expect(result.budgetImpact).toEqual([
      { costCodeId: 'A', amount: '1450.00' },
      { costCodeId: 'B', amount: '249.98' },
    ]);
    expect(result.absoluteCostChange).toBe('1699.98');
    // routed on the larger sell change (2,040.00), not the net cost
    expect(result.routingAmount).toBe('2040.00');
    expect(result.routingReason).toMatch(/^routed on the sell change 2040.00/);
  });

  it('issue 13: offsetting lines and a large sell never make a client CO small', () => {
    const result = calculateChangeOrder({
      kind: 'client',
      lines: [line('A', '1', '900000.00', '5000000.00'), line('CONTINGENCY', '-1', '900000.00', '0.00')],
    });
    expect(result.costTotal).toBe('0.00');
    expect(result.routingAmount).toBe('5000000.00');
    const commitment = calculateChangeOrder({
      kind: 'commitment',
      lines: [line('A', '1', '900000.00'), line('B', '-1', '899000.00')],
    });
    expect(commitment.routingAmount).toBe('900000.00');
    expect(commitment.routingReason).toMatch(/gross budget movement/);
  });

  it('totals are sums of rounded lines, never a rounded sum', () => {
    // three lines of 0.005 each: each rounds to 0.01, so the total is 0.03 (not round(0.015) = 0.02)
    const result = calculateChangeOrder({
      kind: 'commitment',
      lines: [line('A', '0.5', '0.01'), line('A', '0.5', '0.01'), line('A', '0.5', '0.01')],
    });
    expect(result.costTotal).toBe('0.03');
    expect(result.budgetImpact).toEqual([{ costCodeId: 'A', amount: '0.03' }]);
  });

  it('commitment CO has no sell side and routes on the absolute (negative) change', () => {
    const result = calculateChangeOrder({ kind: 'commitment', lines: [line('A', '-1', '30000.00')] });
    expect(result.sellTotal).toBeNull();
    expect(result.lines[0]?.sellAmount).toBeNull();
    expect(result.costTotal).toBe('-30000.00');
    expect(result.absoluteCostChange).toBe('30000.00');
    expect(result.routingAmount).toBe('30000.00');
  });

  it('internal CO nets to zero, lands in budget transfers and routes on the amount moved', () => {
    const result = calculateChangeOrder({
      kind: 'internal',
      lines: [line('CONTINGENCY', '-1', '8000.00'), line('A', '1', '5000.00'), line('B', '1', '3000.00')],
    });
    expect(result.costTotal).toBe('0.00');
    expect(result.budgetColumn).toBe('budget_transfers');
    expect(result.budgetImpact).toEqual([
      { costCodeId: 'CONTINGENCY', amount: '-8000.00' },
      { costCodeId: 'A', amount: '5000.00' },
      { costCodeId: 'B', amount: '3000.00' },
    ]);
    expect(result.absoluteCostChange).toBe('0.00');
    expect(result.routingAmount).toBe('8000.00');
  });

  it('internal CO lines inside one code that cancel still route on the gross movement', () => {
    const result = calculateChangeOrder({
      kind: 'internal',
      lines: [line('A', '1', '100.00'), line('A', '-1', '100.00')],
    });
    expect(result.budgetImpact).toEqual([{ costCodeId: 'A', amount: '0.00' }]);
    expect(result.routingAmount).toBe('100.00');
  });

  it.each([
    [[line('A', '1', '100.00'), line('B', '-1', '99.99')], '0.01'],
    [[line('A', '1', '100.00')], '100.00'],
    [[line('A', '3', '33.33'), line('B', '-1', '100.00')], '-0.01'],
  ])('internal CO not netting to zero is refused (%#)', (lines, net) => {
    expect(() => calculateChangeOrder({ kind: 'internal', lines })).toThrow(
      expect.objectContaining({ code: 'INTERNAL_CO_NOT_BALANCED', details: { net } }),
    );
  });

  it('an empty draft totals zero', () => {
    expect(calculateChangeOrder({ kind: 'internal', lines: [] })).toMatchObject({
      costTotal: '0.00',
      budgetImpact: [],
      routingAmount: '0.00',
    });
  });

  it.each([
    ['client', [line('A', '1', '10.00')], 'Line 1: a client change order line needs a sell amount.'],
    [
      'commitment',
      [line('A', '1', '10.00', '12.00')],
      'Line 1: only a client change order has a sell amount.',
    ],
    ['internal', [line('A', '1', '10.00', '12.00')], 'Line 1: only a client change order has a sell amount.'],
    ['client', [line('A', '1', '10.00', '12.001')], 'Line 1 sell amount allows at most 2 decimals.'],
    [
      'client',
      [line('A', '1', '10.00', '1.00'), line('A', '1.23456', '10.00', '1.00')],
      'Line 2 quantity allows at most 4 decimals.',
    ],
  ] as const)('%s CO: refuses bad line (%#)', (kind, lines, message) => {
    expect(() => calculateChangeOrder({ kind, lines })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message }),
    );
  });
});
