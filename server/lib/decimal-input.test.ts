import { describe, expect, it } from 'vitest';
import { formatPercent, parseAmount, parsePercent, parseQuantity, parseRate } from './decimal-input';
import { Money } from './money';

describe('decimal input parsing', () => {
  it.each([
    ['1234.50', '1234.5'],
    ['-0.01', '-0.01'],
    ['0', '0'],
    ['999999999999.99', '999999999999.99'],
  ])('parseAmount(%s)', (value, expected) => {
    expect(parseAmount(value, 'x').toString()).toBe(expected);
  });

  it.each([['1.001'], ['1e3'], ['NaN'], ['Infinity'], [''], ['1,000.00'], ['1000000000000.00'], ['.5']])(
    'parseAmount refuses %j',
    (value) => {
      expect(() => parseAmount(value, 'Amount')).toThrow(
        expect.objectContaining({ code: 'VALIDATION', details: { field: 'Amount' } }),
      );
    },
  );

  it('refuses a JS number smuggled past the types', () => {
    expect(() => parseAmount(12.5 as unknown as string, 'Amount')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });

  it('enforces sign rules', () => {
    expect(() => parseAmount('-1', 'x', 'non_negative')).toThrow(/cannot be negative/);
    expect(parseAmount('-0', 'x', 'non_negative').isZero()).toBe(true);
    expect(() => parseAmount('0', 'x', 'positive')).toThrow(/greater than zero/);
  });

  it('quantities take 4 decimals, rates 0..1 with 4, percents 0..100 with 4', () => {
    expect(parseQuantity('12.3456', 'q').toString()).toBe('12.3456');
    expect(() => parseQuantity('1.23456', 'q')).toThrow();
    expect(parseRate('1', 'r').toString()).toBe('1');
    expect(() => parseRate('1.0001', 'r')).toThrow(/between 0 and 1/);
    expect(parsePercent('100', 'p').toString()).toBe('100');
    expect(() => parsePercent('100.0001', 'p')).toThrow(/between 0 and 100/);
  });

  it('formats a ratio as a percentage with two decimals, null over zero', () => {
    expect(formatPercent(new Money(1), new Money(3))).toBe('33.33');
    expect(formatPercent(new Money(2), new Money(3))).toBe('66.67');
    expect(formatPercent(new Money(1), new Money(0))).toBeNull();
  });
});
