import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { approvalAuthors, approvalDecisions, approvalRoutes, organisations, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { roleLabels, type Role } from '@/server/auth/roles';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney } from '@/server/lib/money';

/**
 * The one approvals module (DOMAIN §1): every approvable record's route *definition*, the one
 * function that answers "who acts next, and may this person?" (`approvalState`), and the one way a
 * decision is written (`recordDecision`). Services, list queries, the inbox and the UI's action
 * buttons ask it; the database guard (migration `approvals_engine`) checks every decision against the
 * same definitions, which that migration writes into `approval_step_definitions` from this table
 * (`approvals-definitions.db.test.ts` fails when the two disagree).
 *
 * Claim deductions are approved as part of their claim (certified by the QS, approved on the claim's
 * route); retention releases are claims of type `retention_release` and follow the claim route.
 */
export const approvalRecordTypes = ['change_order', 'claim', 'milestone'] as const;
export type ApprovalRecordType = (typeof approvalRecordTypes)[number];

export type StepApplies = 'always' | 'above_pm_limit' | 'above_executive_limit';
export type StepDefinition = {
  step: number;
  name: string;
  label: string;
  roles: readonly Role[];
  applies: StepApplies;
  /** The record's authors may take this step (only a QS certifying the application they keyed in). */
  authorsMayAct: boolean;
  /** Status of the record while the step waits, and the status reached once it (and its group) is approved. */
  awaits: string;
  reaches: string;
};

export type RecordDefinition = {
  table: string;
  /** Columns naming the record's authors (creator, submitter, …); editors are in approval_authors. */
  authorColumns: readonly string[];
  /** From the first decided state on, in order. */
  decidedStates: readonly string[];
  steps: readonly StepDefinition[];
};

const QS: Role = 'quantity_surveyor';
const PM: Role = 'project_manager';
const EXEC: Role = 'executive';
const FIN: Role = 'finance';

export const routeDefinitions: Record<ApprovalRecordType, RecordDefinition> = {
  change_order: {
    table: 'change_orders',
    authorColumns: ['created_by_id', 'submitted_by_id'],
    decidedStates: ['approved'],
    steps: [
      {
        step: 1,
        name: 'qs_review',
        label: 'QS review',
        roles: [QS],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'submitted',
        reaches: 'approved',
      },
      {
        step: 2,
        name: 'pm_approval',
        label: 'PM approval',
        roles: [PM],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'submitted',
        reaches: 'approved',
      },
      {
        step: 3,
        name: 'executive_approval',
        label: 'Executive approval',
        roles: [EXEC],
        applies: 'above_pm_limit',
        authorsMayAct: false,
        awaits: 'submitted',
        reaches: 'approved',
      },
      {
        step: 4,
        name: 'second_executive_approval',
        label: 'Second executive approval',
        roles: [EXEC],
        applies: 'above_executive_limit',
        authorsMayAct: false,
        awaits: 'submitted',
        reaches: 'approved',
      },
    ],
  },
  claim: {
    table: 'claims',
    authorColumns: ['created_by_id', 'submitted_by_id'],
    decidedStates: ['certified', 'approved', 'released', 'posted', 'paid'],
    steps: [
      {
        step: 1,
        name: 'certify',
        label: 'Certify (QS)',
        roles: [QS],
        applies: 'always',
        authorsMayAct: true,
        awaits: 'submitted',
        reaches: 'certified',
      },
      {
        step: 2,
        name: 'approve',
        label: 'Approve (PM)',
        roles: [PM],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'certified',
        reaches: 'approved',
      },
      {
        step: 3,
        name: 'executive_approve',
        label: 'Approve (executive)',
        roles: [EXEC],
        applies: 'above_pm_limit',
        authorsMayAct: false,
        awaits: 'certified',
        reaches: 'approved',
      },
      {
        step: 4,
        name: 'release',
        label: 'Finance release',
        roles: [FIN],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'approved',
        reaches: 'released',
      },
    ],
  },
  milestone: {
    table: 'milestones',
    authorColumns: ['created_by_id', 'completion_claimed_by_id'],
    decidedStates: ['completion_claimed', 'verified', 'released', 'invoiced', 'paid'],
    steps: [
      {
        step: 1,
        name: 'claim_completion',
        label: 'Claim completion (PM)',
        roles: [PM],
        applies: 'always',
        authorsMayAct: true,
        awaits: 'planned',
        reaches: 'completion_claimed',
      },
      {
        step: 2,
        name: 'verify',
        label: 'Verify completion (QS)',
        roles: [QS],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'completion_claimed',
        reaches: 'verified',
      },
      {
        step: 3,
        name: 'release',
        label: 'Finance release',
        roles: [FIN],
        applies: 'always',
        authorsMayAct: false,
        awaits: 'verified',
        reaches: 'released',
      },
    ],
  },
};

export type Thresholds = { pmLimit: string; executiveLimit: string };
export type RouteStep = {
  step: number;
  name: string;
  label: string;
  role: Role;
  awaits: string;
  reaches: string;
};
export type Route = { steps: RouteStep[]; routingAmount: string; reason: string; fixed: boolean };

export function stepDefinition(type: ApprovalRecordType, step: number): StepDefinition {
  const found = routeDefinitions[type].steps.find((s) => s.step === step);
  if (!found) throw new Error(`${type} has no approval step ${step}`);
  return found;
}

/** The route a record of `type` needs for `amount` (sign ignored) under the organisation's limits. */
export function buildRoute(
  type: ApprovalRecordType,
  amount: string,
  thresholds: Thresholds,
  reason: string,
): Route {
  const size = parseAmount(amount, 'routing amount').abs();
  const pmLimit = parseAmount(thresholds.pmLimit, 'pmLimit', 'non_negative');
  const executiveLimit = parseAmount(thresholds.executiveLimit, 'executiveLimit', 'non_negative');
  const applies = (s: StepDefinition) =>
    s.applies === 'always' ||
    (s.applies === 'above_pm_limit' && size.greaterThan(pmLimit)) ||
    (s.applies === 'above_executive_limit' && size.greaterThan(executiveLimit));
  const steps = routeDefinitions[type].steps.filter(applies).map((s) => ({
    step: s.step,
    name: s.name,
    label: s.label,
    role: s.roles[0]!,
    awaits: s.awaits,
    reaches: s.reaches,
  }));
  const limitNote = size.greaterThan(executiveLimit)
    ? `above the executive limit ${thresholds.executiveLimit}`
    : size.greaterThan(pmLimit)
      ? `above the PM limit ${thresholds.pmLimit}`
      : `within the PM limit ${thresholds.pmLimit}`;
  return { steps, routingAmount: formatMoney(size), reason: `${reason}; ${limitNote}`, fixed: false };
}

export type Decision = { step: number; cycle: number; deciderId: string; decision: 'approved' | 'rejected' };

/** What the approvals module needs to know about one record. */
export type ApprovalSubject = {
  type: ApprovalRecordType;
  id: string;
  status: string;
  cycle: number;
  route: Route;
  /** Decisions of the current cycle. */
  decisions: Decision[];
  /** Creator, submitter and every editor (of any revision). */
  authorIds: ReadonlySet<string>;
};

export type WhyNotCode = 'SELF_APPROVAL' | 'DUPLICATE_APPROVAL_STEP' | 'FORBIDDEN' | 'INVALID_TRANSITION';
export type ApprovalState = {
  route: Route;
  pendingStep: RouteStep | null;
  canAct: boolean;
  whyNot: string | null;
  whyNotCode: WhyNotCode | null;
  /** Approving the pending step moves the record to `pendingStep.reaches`. */
  completesState: boolean;
};

/** The one answer: the route, the step waiting, and whether this actor may take it (and why not). */
export function approvalState(subject: ApprovalSubject, actor: Pick<Actor, 'id' | 'role'>): ApprovalState {
  const { route, decisions } = subject;
  const approved = new Set(decisions.filter((d) => d.decision === 'approved').map((d) => d.step));
  const pendingStep = decisions.some((d) => d.decision === 'rejected')
    ? null
    : (route.steps.find((s) => !approved.has(s.step)) ?? null);
  const completesState =
    pendingStep !== null &&
    !route.steps.some(
      (s) => s.step > pendingStep.step && s.awaits === pendingStep.awaits && !approved.has(s.step),
    );
  const refuse = (whyNotCode: WhyNotCode, whyNot: string): ApprovalState => ({
    route,
    pendingStep,
    canAct: false,
    whyNot,
    whyNotCode,
    completesState,
  });
  if (!pendingStep)
    return refuse(
      'INVALID_TRANSITION',
      decisions.some((d) => d.decision === 'rejected')
        ? 'This item was rejected; its approval route is closed.'
        : 'No approval step is waiting.',
    );
  if (pendingStep.awaits !== subject.status)
    return refuse(
      'INVALID_TRANSITION',
      `${pendingStep.label} waits for the item to be ${pendingStep.awaits.replace(/_/g, ' ')}; it is ${subject.status.replace(/_/g, ' ')}.`,
    );
  if (!stepDefinition(subject.type, pendingStep.step).authorsMayAct && subject.authorIds.has(actor.id)) {
    return refuse('SELF_APPROVAL', 'You cannot approve an item you created, submitted or edited.');
  }
  if (decisions.some((d) => d.deciderId === actor.id))
    return refuse('DUPLICATE_APPROVAL_STEP', 'You have already taken an approval step on this item.');
  if (actor.role !== pendingStep.role)
    return refuse(
      'FORBIDDEN',
      `Step ${pendingStep.step} (${pendingStep.label}) must be taken by a ${roleLabels[pendingStep.role].toLowerCase()}.`,
    );
  return { route, pendingStep, canAct: true, whyNot: null, whyNotCode: null, completesState };
}

/** Throws the refusal as a DomainError (the services' guard). */
export function assertCanAct(
  subject: ApprovalSubject,
  actor: Pick<Actor, 'id' | 'role'>,
): ApprovalState & { pendingStep: RouteStep } {
  const state = approvalState(subject, actor);
  if (!state.canAct || !state.pendingStep) {
    throw new DomainError(
      state.whyNotCode ?? 'FORBIDDEN',
      state.whyNot ?? 'You may not take this step.',
      state.pendingStep ? { step: state.pendingStep.step, role: state.pendingStep.role } : undefined,
    );
  }
  return state as ApprovalState & { pendingStep: RouteStep };
}

/** The one way a decision is written: checks `approvalState`, then inserts the decision row. */
export async function recordDecision(
  tx: Tx,
  subject: ApprovalSubject,
  actor: Actor,
  decision: 'approved' | 'rejected',
  comment?: string | null,
): Promise<{ step: RouteStep; completesState: boolean }> {
  const state = assertCanAct(subject, actor);
  await tx.insert(approvalDecisions).values({
    recordType: subject.type,
    recordId: subject.id,
    cycle: subject.cycle,
    step: state.pendingStep.step,
    stepName: state.pendingStep.name,
    role: actor.role,
    decision,
    decidedById: actor.id,
    comment: comment ?? null,
  });
  return { step: state.pendingStep, completesState: state.completesState };
}

/** Notes a person who shaped the record's figures (idempotent). */
export async function noteAuthor(
  tx: DbOrTx,
  type: ApprovalRecordType,
  recordId: string,
  userId: string,
  kind: 'creator' | 'submitter' | 'editor',
): Promise<void> {
  await tx.insert(approvalAuthors).values({ recordType: type, recordId, userId, kind }).onConflictDoNothing();
}

/** A new revision keeps everyone who shaped the earlier ones. */
export async function carryAuthors(
  tx: DbOrTx,
  type: ApprovalRecordType,
  fromId: string,
  toId: string,
): Promise<void> {
  await tx.execute(sql`INSERT INTO approval_authors (record_type, record_id, user_id, kind)
    SELECT record_type, ${toId}::uuid, user_id, kind FROM approval_authors WHERE record_type = ${type} AND record_id = ${fromId}::uuid
    ON CONFLICT DO NOTHING`);
}

export async function thresholdsOf(db: DbOrTx, organisationId: string): Promise<Thresholds> {
  const [org] = await db
    .select({ pmLimit: organisations.pmLimitAmount, executiveLimit: organisations.executiveLimitAmount })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!org) throw new DomainError('NOT_FOUND', 'Organisation not found.');
  return org;
}

export async function thresholdsOfProject(db: DbOrTx, projectId: string): Promise<Thresholds> {
  const [org] = await db
    .select({ pmLimit: organisations.pmLimitAmount, executiveLimit: organisations.executiveLimitAmount })
    .from(projects)
    .innerJoin(organisations, eq(organisations.id, projects.organisationId))
    .where(eq(projects.id, projectId));
  if (!org) throw new DomainError('NOT_FOUND', 'Project not found.');
  return org;
}

/** Fixes the route of a record's cycle (append-only; returns the route already fixed, if any). */
export async function fixRoute(
  tx: Tx,
  input: {
    type: ApprovalRecordType;
    recordId: string;
    cycle?: number;
    amount: string;
    reason: string;
    thresholds: Thresholds;
  },
): Promise<Route> {
  const cycle = input.cycle ?? 1;
  const existing = await routesOf(tx, input.type, [{ id: input.recordId, cycle }]);
  const found = existing.get(input.recordId);
  if (found) return found;
  const route = buildRoute(input.type, input.amount, input.thresholds, input.reason);
  await tx.insert(approvalRoutes).values(
    route.steps.map((s) => ({
      recordType: input.type,
      recordId: input.recordId,
      cycle,
      step: s.step,
      stepName: s.name,
      role: s.role,
      routingAmount: route.routingAmount,
      reason: route.reason,
    })),
  );
  return { ...route, fixed: true };
}

type SubjectRow = {
  id: string;
  status: string;
  cycle?: number;
  authorIds: readonly (string | null | undefined)[];
};

async function routesOf(
  db: DbOrTx,
  type: ApprovalRecordType,
  rows: readonly { id: string; cycle: number }[],
): Promise<Map<string, Route>> {
  const out = new Map<string, Route>();
  if (rows.length === 0) return out;
  const found = await db
    .select()
    .from(approvalRoutes)
    .where(
      and(
        eq(approvalRoutes.recordType, type),
        inArray(
          approvalRoutes.recordId,
          rows.map((r) => r.id),
        ),
      ),
    );
  const cycleOf = new Map(rows.map((r) => [r.id, r.cycle]));
  for (const r of found.sort((a, b) => a.step - b.step)) {
    if (cycleOf.get(r.recordId) !== r.cycle) continue;
    const def = stepDefinition(type, r.step);
    const route = out.get(r.recordId) ?? {
      steps: [],
      routingAmount: r.routingAmount,
      reason: r.reason,
      fixed: true,
    };
    route.steps.push({
      step: r.step,
      name: r.stepName,
      label: def.label,
      role: r.role as Role,
      awaits: def.awaits,
      reaches: def.reaches,
    });
    out.set(r.recordId, route);
  }
  return out;
}

/**
 * Loads the approval subjects of many records of one type at once (three queries), for the lists and
 * the inbox. A record whose route is not fixed yet gets the route its `provisional` amount would need.
 */
export async function loadSubjects(
  db: DbOrTx,
  type: ApprovalRecordType,
  rows: readonly (SubjectRow & { provisional: { amount: string; reason: string; thresholds: Thresholds } })[],
): Promise<Map<string, ApprovalSubject>> {
  const out = new Map<string, ApprovalSubject>();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const [routes, decisions, authors] = await Promise.all([
    routesOf(
      db,
      type,
      rows.map((r) => ({ id: r.id, cycle: r.cycle ?? 1 })),
    ),
    db
      .select({
        recordId: approvalDecisions.recordId,
        step: approvalDecisions.step,
        cycle: approvalDecisions.cycle,
        deciderId: approvalDecisions.decidedById,
        decision: approvalDecisions.decision,
      })
      .from(approvalDecisions)
      .where(and(eq(approvalDecisions.recordType, type), inArray(approvalDecisions.recordId, ids))),
    db
      .select({ recordId: approvalAuthors.recordId, userId: approvalAuthors.userId })
      .from(approvalAuthors)
      .where(and(eq(approvalAuthors.recordType, type), inArray(approvalAuthors.recordId, ids))),
  ]);
  for (const row of rows) {
    const cycle = row.cycle ?? 1;
    const authorIds = new Set<string>(row.authorIds.filter((id): id is string => !!id));
    for (const a of authors) if (a.recordId === row.id) authorIds.add(a.userId);
    out.set(row.id, {
      type,
      id: row.id,
      status: row.status,
      cycle,
      route:
        routes.get(row.id) ??
        buildRoute(type, row.provisional.amount, row.provisional.thresholds, row.provisional.reason),
      decisions: decisions.filter((d) => d.recordId === row.id && d.cycle === cycle),
      authorIds,
    });
  }
  return out;
}

export async function loadSubject(
  db: DbOrTx,
  type: ApprovalRecordType,
  row: SubjectRow & { provisional: { amount: string; reason: string; thresholds: Thresholds } },
): Promise<ApprovalSubject> {
  return (await loadSubjects(db, type, [row])).get(row.id)!;
}

/** The approval part of a record's detail: route, pending step, whether the viewer may act and why not. */
export function approvalView(subject: ApprovalSubject, actor: Pick<Actor, 'id' | 'role'>) {
  const state = approvalState(subject, actor);
  return {
    route: state.route.steps.map((s) => ({
      ...s,
      decided: subject.decisions.find((d) => d.step === s.step)?.decision ?? null,
    })),
    routeFixed: state.route.fixed,
    routingAmount: state.route.routingAmount,
    routingReason: state.route.reason,
    pendingStep: state.pendingStep,
    canAct: state.canAct,
    whyNot: state.whyNot,
  };
}
export type ApprovalView = ReturnType<typeof approvalView>;
