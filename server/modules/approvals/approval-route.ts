import { roleLabels, type Role } from '@/server/auth/roles';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import type { ChangeOrderKind } from '@/server/modules/change-orders/change-order.calc';

/**
 * Approval routes and the segregation-of-duties rules every approval shares (DOMAIN §1, §3).
 * Pure: the service loads the route, the decisions and the author ids, and calls these before the
 * state machine moves. Claims and milestones reuse the self-approval and one-step-per-person rules.
 */
export type ApprovalStepKind = 'review' | 'approval';
export type ApprovalStep = { step: number; role: Role; kind: ApprovalStepKind };
export type ApprovalDecision = { step: number; deciderId: string; decision: 'approved' | 'rejected' };
export type ApprovalActor = { id: string; roles: readonly Role[] };

export type ApprovalRouteInput = {
  /** The amount routed on (sign ignored): `routingAmount` from calculateChangeOrder. */
  costChange: string;
  /** The organisation's PM limit at submit time; the route is then fixed for the CO's life. */
  pmLimit: string;
  /** Carried so the route is built from the whole CO; DOMAIN §3 routes every kind alike today. */
  kind: ChangeOrderKind;
  /** Above the executive limit a second, different executive must also approve. */
  executiveLimit?: string;
};

/** QS review always, then the PM; an executive follows when |cost change| is above the PM limit. */
export function buildApprovalRoute(input: ApprovalRouteInput): ApprovalStep[] {
  const amount = parseAmount(input.costChange, 'costChange').abs();
  const pmLimit = parseAmount(input.pmLimit, 'pmLimit', 'non_negative');
  const route: ApprovalStep[] = [
    { step: 1, role: 'quantity_surveyor', kind: 'review' },
    { step: 2, role: 'project_manager', kind: 'approval' },
  ];
  // "At most the PM limit" stays with the PM: exactly at the limit needs no executive.
  if (amount.greaterThan(pmLimit)) route.push({ step: 3, role: 'executive', kind: 'approval' });
  if (input.executiveLimit !== undefined && amount.greaterThan(parseAmount(input.executiveLimit, 'executiveLimit', 'non_negative'))) {
    route.push({ step: 4, role: 'executive', kind: 'approval' });
  }
  return route;
}

/** Nobody decides on an item they created or submitted. */
export function assertNotSelfApproval(
  actorId: string,
  authorIds: readonly (string | null | undefined)[],
): void {
  if (authorIds.includes(actorId)) {
    throw new DomainError('SELF_APPROVAL', 'You cannot approve an item you created or submitted.');
  }
}

/** One person takes at most one approval step on one item (pass the deciders of this revision). */
export function assertOneStepPerPerson(actorId: string, earlierDeciderIds: readonly string[]): void {
  if (earlierDeciderIds.includes(actorId)) {
    throw new DomainError('DUPLICATE_APPROVAL_STEP', 'You have already taken an approval step on this item.');
  }
}

export type ApprovalStepDecisionInput = {
  route: readonly ApprovalStep[];
  /** Decisions already taken on this revision of the item. */
  decisions: readonly ApprovalDecision[];
  actor: ApprovalActor;
  /** The creator and the submitter. */
  authorIds: readonly (string | null | undefined)[];
};

/**
 * The step the actor may decide now (approve or reject), and whether approving it ends the route
 * (so the service fires approve_final rather than approve_step). Steps are taken in order.
 */
export function decideApprovalStep(input: ApprovalStepDecisionInput): {
  step: ApprovalStep;
  isFinal: boolean;
} {
  const { route, decisions, actor } = input;
  if (decisions.some((d) => d.decision === 'rejected')) {
    throw new DomainError('INVALID_TRANSITION', 'This item was rejected; its approval route is closed.');
  }
  const approvedSteps = new Set(decisions.map((d) => d.step));
  const pending = [...route].sort((a, b) => a.step - b.step).find((s) => !approvedSteps.has(s.step));
  if (!pending) throw new DomainError('INVALID_TRANSITION', 'Every approval step has already been taken.');

  assertNotSelfApproval(actor.id, input.authorIds);
  assertOneStepPerPerson(
    actor.id,
    decisions.map((d) => d.deciderId),
  );
  if (!actor.roles.includes(pending.role)) {
    throw new DomainError(
      'FORBIDDEN',
      `Approval step ${pending.step} must be taken by a ${roleLabels[pending.role].toLowerCase()}.`,
      {
        step: pending.step,
        role: pending.role,
      },
    );
  }
  const isFinal = route.every((s) => s.step === pending.step || approvedSteps.has(s.step));
  return { step: pending, isFinal };
}
