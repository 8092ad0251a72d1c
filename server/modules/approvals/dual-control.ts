import { createHmac } from 'node:crypto';
import type { Actor } from '@/server/auth/actor';
import { roleLabels, type Role } from '@/server/auth/roles';
import { env } from '@/server/env';
import { routeDefinitions } from './approvals';

/**
 * Dual control on what redirects money (DOMAIN §1, issue 13 item 6), in the approvals module's
 * vocabulary: a *definition* per kind of change (who may ask, who may confirm), one function that
 * answers whether this person may decide it and why not (`pendingChangeState`), used by the service,
 * the "Pending changes" list and its buttons. The dual-control migration writes the same definitions
 * into `dual_control_kinds`, which the database guards read (a test fails when the two differ).
 */
export const dualControlKinds = ['vendor_bank', 'vendor_compliance', 'role_grant', 'mfa_reset'] as const;
export type DualControlKind = (typeof dualControlKinds)[number];

export type DualControlDefinition = {
  label: string;
  subjectTable: 'partners' | 'users';
  requesterRoles: readonly Role[];
  confirmerRoles: readonly Role[];
};

export const dualControlDefinitions: Record<DualControlKind, DualControlDefinition> = {
  vendor_bank: {
    label: 'Vendor bank details',
    subjectTable: 'partners',
    requesterRoles: ['finance'],
    confirmerRoles: ['executive'],
  },
  vendor_compliance: {
    label: 'Vendor insurance and licence expiry',
    subjectTable: 'partners',
    requesterRoles: ['finance'],
    confirmerRoles: ['executive'],
  },
  role_grant: {
    label: 'Role with approval rights',
    subjectTable: 'users',
    requesterRoles: ['admin'],
    confirmerRoles: ['executive'],
  },
  mfa_reset: {
    label: 'Two-step sign-in reset',
    subjectTable: 'users',
    requesterRoles: ['admin'],
    confirmerRoles: ['admin', 'executive'],
  },
};

/** Roles that hold a step on some approval route: granting one confers approval rights. */
export const approverRoles: readonly Role[] = [
  ...new Set(Object.values(routeDefinitions).flatMap((d) => d.steps.flatMap((s) => s.roles))),
];
export const isApproverRole = (role: Role) => approverRoles.includes(role);

export type PendingChangeStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';
export type PendingChangeSubject = {
  kind: DualControlKind;
  status: string;
  requestedById: string;
  subjectId: string;
};
export type PendingChangeState = {
  canDecide: boolean;
  canCancel: boolean;
  whyNot: string | null;
  whyNotCode: 'SELF_APPROVAL' | 'FORBIDDEN' | 'INVALID_TRANSITION' | null;
};

const orList = (roles: readonly Role[]) => roles.map((r) => roleLabels[r].toLowerCase()).join(' or ');

/** Whether `actor` may ask for a change of `kind` about `subjectId` (the guard of every request). */
export function requestRefusal(
  kind: DualControlKind,
  subjectId: string,
  actor: Pick<Actor, 'id' | 'role'>,
): string | null {
  const def = dualControlDefinitions[kind];
  if (!def.requesterRoles.includes(actor.role))
    return `${def.label}: a change is asked for by a ${orList(def.requesterRoles)}.`;
  if (def.subjectTable === 'users' && subjectId === actor.id)
    return 'Another person must ask for a change to your own account.';
  return null;
}

/** The one answer: may this person confirm or reject the change (never the requester), and why not. */
export function pendingChangeState(
  change: PendingChangeSubject,
  actor: Pick<Actor, 'id' | 'role'>,
): PendingChangeState {
  const def = dualControlDefinitions[change.kind];
  const canCancel = change.status === 'pending' && change.requestedById === actor.id;
  const refuse = (whyNotCode: PendingChangeState['whyNotCode'], whyNot: string): PendingChangeState => ({
    canDecide: false,
    canCancel,
    whyNot,
    whyNotCode,
  });
  if (change.status !== 'pending')
    return refuse('INVALID_TRANSITION', `This change is already ${change.status}.`);
  if (change.requestedById === actor.id)
    return refuse('SELF_APPROVAL', 'You asked for this change: a second person must confirm it.');
  if (def.subjectTable === 'users' && change.subjectId === actor.id)
    return refuse('SELF_APPROVAL', 'This change is about your own account: another person must confirm it.');
  if (!def.confirmerRoles.includes(actor.role))
    return refuse('FORBIDDEN', `${def.label}: confirmed by a ${orList(def.confirmerRoles)}.`);
  return { canDecide: true, canCancel, whyNot: null, whyNotCode: null };
}

export type BankFingerprint = { fingerprint: string; last4: string } | null;

/**
 * What people and the audit trail see of a bank detail: a keyed SHA-256 (HMAC under a key derived
 * from ENCRYPTION_KEY, so a short account number cannot be brute-forced from the trail) and its last
 * four characters. Two equal numbers have equal fingerprints, whatever their spacing or case.
 */
export function bankFingerprint(value: string | null | undefined): BankFingerprint {
  if (!value) return null;
  const normalised = value.replace(/[\s-]/g, '').toUpperCase();
  const fingerprint = createHmac('sha256', `plumbline:bank-fingerprint:${env().ENCRYPTION_KEY}`)
    .update(normalised)
    .digest('hex');
  return { fingerprint: `sha256:${fingerprint}`, last4: normalised.slice(-4) };
}
