import { describe, expect, it } from 'vitest';
import { maxSeverity, severityForAmount } from './exception.calc';

describe('exception severity', () => {
  it.each([
    [null, 'medium'],
    ['', 'medium'],
    ['0.00', 'low'],
    ['9999.99', 'low'],
    ['10000.00', 'medium'],
    ['-25000.00', 'medium'],
    ['99999.99', 'medium'],
    ['100000.00', 'high'],
    ['999999.99', 'high'],
    ['1000000.00', 'critical'],
    ['-4500000.00', 'critical'],
  ] as const)('%s → %s', (amount, expected) => {
    expect(severityForAmount(amount)).toBe(expected);
  });

  it('takes the higher of two severities', () => {
    expect(maxSeverity('low', 'high')).toBe('high');
    expect(maxSeverity('critical', 'high')).toBe('critical');
    expect(maxSeverity('medium', undefined)).toBe('medium');
  });
});
