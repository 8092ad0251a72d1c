import { describe, expect, it } from 'vitest';
import {
  claimBillReference,
  claimedFromPercent,
  claimedThisPeriod,
  claimedTotal,
  formatClaimReference,
} from './claim-entry.calc';

describe('claimed to date entered as a percent', () => {
  it.each([
    ['120000.00', '33.3333', '39999.96'],
    ['80000.00', '22.5', '18000.00'],
    ['15000.00', '100', '15000.00'],
    ['0.03', '50', '0.02'],
    ['1000.00', '0', '0.00'],
  ])('%s at %s %% is %s', (scheduled, percent, amount) => {
    expect(claimedFromPercent(scheduled, percent)).toBe(amount);
  });

  it('refuses a percent above 100 or with more than four decimals', () => {
    expect(() => claimedFromPercent('100.00', '100.01')).toThrow(/between 0 and 100/);
    expect(() => claimedFromPercent('100.00', '1.00001')).toThrow(/at most 4 decimals/);
  });
});

describe('references', () => {
  it('numbers claims per subcontract and marks bill references of later revisions', () => {
    expect(formatClaimReference('P00012', 7)).toBe('CLM-P00012-007');
    expect(claimBillReference('CLM-P00012-007', 1)).toBe('CLM-P00012-007');
    expect(claimBillReference('CLM-P00012-007', 2)).toBe('CLM-P00012-007-R2');
  });
});

describe('the application form’s running figures', () => {
  it('adds and subtracts in decimals, and says nothing for what is not a number yet', () => {
    expect(claimedTotal(['0.10', '0.20', '1000000.05'])).toBe('1000000.35');
    expect(claimedTotal(['12.5', null])).toBeNull();
    expect(claimedTotal(['12,5'])).toBeNull();
    expect(claimedThisPeriod('20000.00', '18000.10')).toBe('1999.90');
    expect(claimedThisPeriod(null, '1.00')).toBeNull();
  });
});
