import { describe, expect, it } from 'vitest';
import { formatQuantity, formatRate } from './format';

describe('formatRate', () => {
  it.each([
    ['0.0500', '5 %'],
    ['0.05', '5 %'],
    ['0.025', '2.5 %'],
    ['0.1', '10 %'],
    ['1', '100 %'],
    ['1.0000', '100 %'],
    ['0', '0 %'],
    ['0.0001', '0.01 %'],
  ])('%s → %s', (rate, shown) => expect(formatRate(rate)).toBe(shown));
});

describe('formatQuantity', () => {
  it.each([
    ['12.5000', '12.5'],
    ['3.0000', '3'],
    ['10', '10'],
    ['0.0250', '0.025'],
  ])('%s → %s', (q, shown) => expect(formatQuantity(q)).toBe(shown));
});
