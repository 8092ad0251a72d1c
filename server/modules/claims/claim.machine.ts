import { defineMachine } from '@/server/lib/state-machine';

export const claimStates = [
  'draft',
  'submitted',
  'certified',
  'approved',
  'released',
  'posted',
  'paid',
  'rejected',
] as const;
export type ClaimState = (typeof claimStates)[number];

export const claimEvents = [
  'submit',
  'certify',
  'approve',
  'release',
  'mark_posted',
  'mark_paid',
  'reject',
  'revise',
] as const;
export type ClaimEvent = (typeof claimEvents)[number];

/**
 * DOMAIN §4. certify = QS, approve = PM, release = the finance gate; mark_posted and mark_paid are
 * taken only by the sync worker following the Odoo bill (their permissions have no role).
 * Once released the bill is posted in Odoo, so the claim can no longer be rejected here.
 */
export const claimMachine = defineMachine<ClaimState, ClaimEvent>({
  name: 'claim',
  states: claimStates,
  events: claimEvents,
  transitions: {
    submit: { from: ['draft'], to: 'submitted', permission: 'claim.submit' },
    certify: { from: ['submitted'], to: 'certified', permission: 'claim.certify' },
    approve: { from: ['certified'], to: 'approved', permission: 'claim.approve' },
    release: { from: ['approved'], to: 'released', permission: 'claim.release' },
    mark_posted: { from: ['released'], to: 'posted', permission: 'claim.mark_posted' },
    mark_paid: { from: ['posted'], to: 'paid', permission: 'claim.mark_paid' },
    reject: {
      from: ['submitted', 'certified', 'approved'],
      to: 'rejected',
      permission: 'claim.reject',
      requiresReason: true,
    },
    revise: { from: ['rejected'], to: 'draft', permission: 'claim.edit' },
  },
});
