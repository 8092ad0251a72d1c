import { describe, expect, it } from 'vitest';
import { assertReasonGiven } from '@/server/lib/state-machine';
import { walkMachine, type ExpectedTransition } from '@/server/lib/state-machine.testing';
import { claimMachine, type ClaimEvent, type ClaimState } from './claim.machine';

const expected: ExpectedTransition<ClaimState, ClaimEvent>[] = [
  ['draft', 'submit', 'submitted', 'claim.submit'],
  ['submitted', 'certify', 'certified', 'claim.certify'],
  ['certified', 'approve', 'approved', 'claim.approve'],
  ['approved', 'release', 'released', 'claim.release'],
  ['released', 'mark_posted', 'posted', 'claim.mark_posted'],
  ['posted', 'mark_paid', 'paid', 'claim.mark_paid'],
  ['submitted', 'reject', 'rejected', 'claim.reject'],
  ['certified', 'reject', 'rejected', 'claim.reject'],
  ['approved', 'reject', 'rejected', 'claim.reject'],
  ['rejected', 'revise', 'draft', 'claim.edit'],
];

describe('claim machine', () => {
  walkMachine(claimMachine, expected);

  it('requires a reason to reject', () => {
    expect(() => assertReasonGiven(claimMachine, 'reject', '')).toThrow(
      expect.objectContaining({ code: 'REASON_REQUIRED' }),
    );
    expect(() => assertReasonGiven(claimMachine, 'reject', 'Line 3 over-measured')).not.toThrow();
  });
});
