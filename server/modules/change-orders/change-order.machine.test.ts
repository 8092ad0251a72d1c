import { describe, expect, it } from 'vitest';
import { assertReasonGiven } from '@/server/lib/state-machine';
import { walkMachine, type ExpectedTransition } from '@/server/lib/state-machine.testing';
import { changeOrderMachine, type ChangeOrderEvent, type ChangeOrderState } from './change-order.machine';

const expected: ExpectedTransition<ChangeOrderState, ChangeOrderEvent>[] = [
  ['draft', 'submit', 'submitted', 'change_order.submit'],
  ['submitted', 'approve_step', 'submitted', 'change_order.approve'],
  ['submitted', 'approve_final', 'approved', 'change_order.approve'],
  ['submitted', 'reject', 'rejected', 'change_order.approve'],
  ['draft', 'void', 'void', 'change_order.void'],
  ['submitted', 'void', 'void', 'change_order.void'],
  ['rejected', 'revise', 'draft', 'change_order.edit'],
];

describe('change order machine', () => {
  walkMachine(changeOrderMachine, expected);

  it('requires a reason to reject or void, not to submit', () => {
    expect(() => assertReasonGiven(changeOrderMachine, 'reject', '  ')).toThrow(
      expect.objectContaining({ code: 'REASON_REQUIRED' }),
    );
    expect(() => assertReasonGiven(changeOrderMachine, 'void', undefined)).toThrow(
      expect.objectContaining({ code: 'REASON_REQUIRED' }),
    );
    expect(() => assertReasonGiven(changeOrderMachine, 'submit', undefined)).not.toThrow();
  });
});
