import { describe, expect, it } from 'vitest';
import { assertReasonGiven } from '@/server/lib/state-machine';
import { walkMachine, type ExpectedTransition } from '@/server/lib/state-machine.testing';
import {
  milestoneMachine,
  milestoneEvents,
  type MilestoneEvent,
  type MilestoneState,
} from './milestone.machine';

const expected: ExpectedTransition<MilestoneState, MilestoneEvent>[] = [
  ['planned', 'claim_completion', 'completion_claimed', 'milestone.claim_completion'],
  ['completion_claimed', 'verify', 'verified', 'milestone.verify'],
  ['verified', 'release', 'released', 'milestone.release'],
  ['released', 'mark_invoiced', 'invoiced', 'milestone.mark_invoiced'],
  ['invoiced', 'mark_paid', 'paid', 'milestone.mark_paid'],
  ['completion_claimed', 'reject', 'planned', 'milestone.reject'],
  ['verified', 'reject', 'planned', 'milestone.reject'],
];

describe('milestone machine', () => {
  walkMachine(milestoneMachine, expected);

  it('exposes requiresReason only on reject', () => {
    const needingReason = milestoneEvents.filter(
      (e) => milestoneMachine.transitions[e].requiresReason === true,
    );
    expect(needingReason).toEqual(['reject']);
  });

  it('refuses a rejection without a reason', () => {
    expect(() => assertReasonGiven(milestoneMachine, 'reject', null)).toThrow(
      expect.objectContaining({ code: 'REASON_REQUIRED' }),
    );
    expect(() => assertReasonGiven(milestoneMachine, 'reject', 'Evidence missing')).not.toThrow();
  });
});
