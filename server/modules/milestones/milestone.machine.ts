import { defineMachine } from '@/server/lib/state-machine';

export const milestoneStates = [
  'planned',
  'completion_claimed',
  'verified',
  'released',
  'invoiced',
  'paid',
] as const;
export type MilestoneState = (typeof milestoneStates)[number];

export const milestoneEvents = [
  'claim_completion',
  'verify',
  'release',
  'mark_invoiced',
  'mark_paid',
  'reject',
] as const;
export type MilestoneEvent = (typeof milestoneEvents)[number];

/**
 * DOMAIN §5. A rejection sends the milestone back to planned (it is re-claimed later, not
 * revised) and must say why. mark_invoiced and mark_paid follow the Odoo invoice (system only).
 */
export const milestoneMachine = defineMachine<MilestoneState, MilestoneEvent>({
  name: 'milestone',
  states: milestoneStates,
  events: milestoneEvents,
  transitions: {
    claim_completion: {
      from: ['planned'],
      to: 'completion_claimed',
      permission: 'milestone.claim_completion',
    },
    verify: { from: ['completion_claimed'], to: 'verified', permission: 'milestone.verify' },
    release: { from: ['verified'], to: 'released', permission: 'milestone.release' },
    mark_invoiced: { from: ['released'], to: 'invoiced', permission: 'milestone.mark_invoiced' },
    mark_paid: { from: ['invoiced'], to: 'paid', permission: 'milestone.mark_paid' },
    reject: {
      from: ['completion_claimed', 'verified'],
      to: 'planned',
      permission: 'milestone.reject',
      requiresReason: true,
    },
  },
});
