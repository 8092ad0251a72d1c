import { defineMachine } from '@/server/lib/state-machine';

export const changeOrderStates = ['draft', 'submitted', 'approved', 'rejected', 'void'] as const;
export type ChangeOrderState = (typeof changeOrderStates)[number];

export const changeOrderEvents = [
  'submit',
  'approve_step',
  'approve_final',
  'reject',
  'void',
  'revise',
] as const;
export type ChangeOrderEvent = (typeof changeOrderEvents)[number];

/**
 * DOMAIN §3. `approve_step` records an intermediate approval (QS review, or the PM when an
 * executive must follow) and leaves the CO submitted; `approve_final` is the last step of the route
 * (the approvals module decides which one applies). `revise` reopens a rejected CO as a new revision;
 * approved and void are terminal: a correction is a new CO.
 */
export const changeOrderMachine = defineMachine<ChangeOrderState, ChangeOrderEvent>({
  name: 'change order',
  states: changeOrderStates,
  events: changeOrderEvents,
  transitions: {
    submit: { from: ['draft'], to: 'submitted', permission: 'change_order.submit' },
    approve_step: { from: ['submitted'], to: 'submitted', permission: 'change_order.approve' },
    approve_final: { from: ['submitted'], to: 'approved', permission: 'change_order.approve' },
    // The author needs to know what to change in the next revision.
    reject: { from: ['submitted'], to: 'rejected', permission: 'change_order.approve', requiresReason: true },
    void: { from: ['draft', 'submitted'], to: 'void', permission: 'change_order.void', requiresReason: true },
    revise: { from: ['rejected'], to: 'draft', permission: 'change_order.edit' },
  },
});
