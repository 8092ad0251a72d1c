import { describe, expect, it } from 'vitest';
import { calculateClaim } from './claim.calc';
import { claim1Certified, claimInput, claimLines } from './claim.fixtures';
import { previewClaim } from './claim-preview.calc';

const base = claimInput({ lines: claimLines([], claim1Certified) });
const entry = { materialsStoredToDate: '0', deductions: [] };

describe('previewClaim (the grid’s live figures)', () => {
  it('gives exactly what calculateClaim gives for the typed figures', () => {
    const preview = previewClaim(base, {
      ...entry,
      mode: 'certify',
      certified: { 'sov-1': '30000.00' },
      reasons: { 'sov-1': 'Snagging outstanding' },
    });
    const expected = calculateClaim(
      claimInput({
        lines: claimLines([], ['30000.00', '18000.00', '0.00']).map((l) =>
          l.sovLineId === 'sov-1'
            ? { ...l, claimedToDate: '40000.00', reductionReason: 'Snagging outstanding' }
            : l,
        ),
      }),
    );
    expect(preview.calculation).toEqual(expected);
    expect(preview.lineIssues).toEqual({});
    expect(preview.cuts).toEqual({ 'sov-1': '-10000.00' });
  });

  it('flags a missing reason on the line and still shows the figures', () => {
    const preview = previewClaim(base, { ...entry, mode: 'certify', certified: { 'sov-2': '10000' } });
    expect(preview.lineIssues['sov-2']).toEqual({
      field: 'reason',
      message: 'Reason required: certified differs from claimed.',
    });
    expect(preview.calculation?.totals.certifiedToDate).toBe('50000.00');
    expect(preview.cuts['sov-2']).toBe('-8000.00');
  });

  it('refuses a malformed amount and a value above the SOV on their lines, with no figures', () => {
    const bad = previewClaim(base, {
      ...entry,
      mode: 'certify',
      certified: { 'sov-1': '12,5', 'sov-2': '90000' },
      reasons: { 'sov-2': 'x' },
    });
    expect(bad.lineIssues['sov-1']?.field).toBe('certified');
    expect(bad.lineIssues['sov-1']?.message).toMatch(/at most two decimals/);
    expect(bad.lineIssues['sov-2']?.message).toMatch(/above the scheduled value 80000.00/);
    expect(bad.calculation).toBeNull();
  });

  it('in claim mode, converts percentages as the server does and previews the claimed figures', () => {
    const preview = previewClaim(base, {
      ...entry,
      mode: 'claim',
      claimedAs: 'percent',
      claimed: { 'sov-1': '50', 'sov-2': '0', 'sov-3': '0' },
    });
    expect(preview.calculation?.totals.claimedToDate).toBe('60000.00');
    expect(preview.calculation?.totals.certifiedToDate).toBe('60000.00');
  });

  it('reports a bad materials or deduction figure as a form error', () => {
    expect(
      previewClaim(base, { mode: 'certify', materialsStoredToDate: '-5', deductions: [] }).error,
    ).toMatch(/Materials stored on site/);
    expect(
      previewClaim(base, {
        mode: 'certify',
        materialsStoredToDate: '0',
        deductions: [{ description: 'x', amount: 'abc' }],
      }).error,
    ).toMatch(/Deduction 1/);
    const withDeduction = previewClaim(base, {
      mode: 'certify',
      materialsStoredToDate: '0',
      deductions: [{ description: 'Skip hire', amount: '500.00' }],
    });
    expect(withDeduction.calculation?.deductionsThisClaim).toBe('500.00');
  });
});
