import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';
import { assertReasonGiven, nextState } from '@/server/lib/state-machine';
import {
  assertCanAct,
  fixRoute,
  loadSubject,
  recordDecision,
  thresholdsOfProject,
  type ApprovalSubject,
} from '@/server/modules/approvals/approvals';
import { recordAudit } from '@/server/modules/audit/audit.service';
import {
  recordReleaseRefusal,
  releaseRefusalCause,
  releaseRefused,
  resolveReleaseRefusals,
  type ReleaseRefusal,
} from '@/server/modules/workflow/release-refusal';
import { requestSync } from '@/server/sync/enqueue';
import {
  assertMilestoneReleaseWithinContract,
  buildMilestoneInvoice,
  calculateMilestoneAmount,
} from './milestone.calc';
import { milestoneMachine, type MilestoneEvent } from './milestone.machine';
import {
  alreadyBilled,
  amountBasisOf,
  compareAndSet,
  currentAmount,
  loadMilestoneForUpdate,
  revisedContractValue,
  type MilestoneRow,
} from './milestone.records';
import type { MilestoneActionInput } from './milestone.schemas';

const ENTITY = 'milestone' as const;

export type MilestoneStepName = 'claim_completion' | 'verify' | 'release';
export type ReleaseBlockCause = 'no_sale_order' | 'exceeds_contract_value';
export type ReleaseBlock = ReleaseRefusal<ReleaseBlockCause>;
export const releaseExceptionCause = (cause: ReleaseBlockCause) => releaseRefusalCause(ENTITY, cause);

const releaseGuidance: Record<ReleaseBlockCause, string> = {
  no_sale_order:
    'Link the project to its Odoo sale order (run a master-data pull once the contract is confirmed in Odoo), then release again.',
  exceeds_contract_value:
    'Check the milestone amounts against the contract: approve the client change order that covers the extra work, or correct the milestone (reject it back to planned and edit its amount).',
};

/** The milestone as the approvals module sees it: one route per cycle, fixed when completion is claimed. */
export async function milestoneSubject(db: DbOrTx, row: MilestoneRow): Promise<ApprovalSubject> {
  return loadSubject(db, ENTITY, {
    id: row.id,
    status: row.status,
    cycle: row.cycle,
    authorIds: [row.createdById, row.completionClaimedById],
    provisional: {
      amount: await amountOf(db, row),
      reason: 'the milestone amount',
      thresholds: await thresholdsOfProject(db, row.projectId),
    },
  });
}

async function amountOf(db: DbOrTx, row: MilestoneRow): Promise<string> {
  return currentAmount(row, await revisedContractValue(db, row.projectId));
}

function assertPermitted(actor: Actor, event: MilestoneEvent) {
  const permission = milestoneMachine.transitions[event].permission;
  if (!hasPermission(actor.role, permission))
    throw new DomainError('FORBIDDEN', `Your role may not ${event.replace('_', ' ')} a milestone.`);
}

/** The PM says the milestone's work is complete (evidence attached on the milestone). */
export async function claimMilestoneCompletion(
  db: Db,
  input: MilestoneActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  assertPermitted(actor, 'claim_completion');
  return db.transaction(async (tx) => {
    const row = await loadMilestoneForUpdate(tx, actor, input.milestoneId);
    const to = nextState(milestoneMachine, row.status, 'claim_completion');
    assertCanAct(await milestoneSubject(tx, row), actor);
    await fixRoute(tx, {
      type: ENTITY,
      recordId: row.id,
      cycle: row.cycle,
      amount: await amountOf(tx, row),
      reason: 'the milestone amount',
      thresholds: await thresholdsOfProject(tx, row.projectId),
    });
    const subject = await milestoneSubject(tx, row);
    await compareAndSet(tx, row, input.version, {
      status: to,
      completionClaimedById: actor.id,
      completionClaimedAt: new Date(),
      rejectionReason: null,
    });
    await recordDecision(tx, subject, actor, 'approved', input.comment);
    await recordAudit(tx, {
      actor,
      action: 'milestone.claim_completion',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
    });
    return { status: to };
  });
}

/** The QS verifies the claimed completion; not the milestone's author nor its claimer. */
export async function verifyMilestone(
  db: Db,
  input: MilestoneActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  assertPermitted(actor, 'verify');
  return db.transaction(async (tx) => {
    const row = await loadMilestoneForUpdate(tx, actor, input.milestoneId);
    const to = nextState(milestoneMachine, row.status, 'verify');
    const subject = await milestoneSubject(tx, row);
    assertCanAct(subject, actor);
    await compareAndSet(tx, row, input.version, {
      status: to,
      verifiedById: actor.id,
      verifiedAt: new Date(),
    });
    await recordDecision(tx, subject, actor, 'approved', input.comment);
    await recordAudit(tx, {
      actor,
      action: 'milestone.verify',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
    });
    return { status: to };
  });
}

/**
 * Why finance may not release now: the project has no Odoo sale order to bill against, or the
 * milestone would take billing above the revised contract value (original + approved client COs).
 */
export async function releaseBlocks(
  tx: Tx,
  row: MilestoneRow,
): Promise<{ blocks: ReleaseBlock[]; amount: string }> {
  const [project] = await tx
    .select({ code: projects.code, saleOrderId: projects.odooSaleOrderId })
    .from(projects)
    .where(eq(projects.id, row.projectId));
  const blocks: ReleaseBlock[] = [];
  if (!project?.saleOrderId) {
    blocks.push({
      cause: 'no_sale_order',
      message: `Project ${project?.code ?? ''} has no Odoo sale order linked, so there is no contract to invoice against.`,
    });
  }
  const contract = await revisedContractValue(tx, row.projectId);
  const amount = calculateMilestoneAmount({ amount: amountBasisOf(row), revisedContractValue: contract });
  try {
    assertMilestoneReleaseWithinContract({
      milestoneAmount: amount,
      alreadyBilled: await alreadyBilled(tx, row.projectId, row.id),
      revisedContractValue: contract,
    });
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'RELEASE_REFUSED') throw error;
    blocks.push({ cause: 'exceeds_contract_value', message: error.message });
  }
  return { blocks, amount };
}

/**
 * The finance gate. On success, in one transaction: the amount and retention are fixed on the
 * milestone, the decision, the audit row and the sync request (Odoo: milestone reached, invoice
 * posted). When refused, each cause opens (or counts again on) its exception and the refusal is
 * audited in a transaction that commits before RELEASE_REFUSED is thrown.
 */
export async function releaseMilestone(
  db: Db,
  input: MilestoneActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  assertPermitted(actor, 'release');
  const outcome = await db.transaction(async (tx) => {
    const row = await loadMilestoneForUpdate(tx, actor, input.milestoneId);
    const to = nextState(milestoneMachine, row.status, 'release');
    const subject = await milestoneSubject(tx, row);
    assertCanAct(subject, actor);
    if (row.version !== input.version)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    const { blocks, amount } = await releaseBlocks(tx, row);
    if (blocks.length > 0) {
      await recordReleaseRefusal(
        tx,
        { entity: ENTITY, row, amountAtStake: amount },
        actor,
        blocks,
        releaseGuidance,
      );
      return { status: row.status as string, refused: blocks };
    }
    const [project] = await tx
      .select({ retentionRate: projects.clientRetentionRate })
      .from(projects)
      .where(eq(projects.id, row.projectId));
    const invoice = buildMilestoneInvoice({
      description: row.name,
      milestoneAmount: amount,
      clientRetentionRate: project?.retentionRate ?? '0',
    });
    await compareAndSet(tx, row, input.version, {
      status: to,
      releasedById: actor.id,
      releasedAt: new Date(),
      invoiceAmount: invoice.grossAmount,
      retentionAmount: invoice.retentionAmount,
    });
    await recordDecision(tx, subject, actor, 'approved', input.comment);
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'milestone.release',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: input.comment,
      correlationId,
      changedFields: {
        invoiceAmount: { old: row.invoiceAmount, new: invoice.grossAmount },
        retentionAmount: { old: row.retentionAmount, new: invoice.retentionAmount },
      },
    });
    await resolveReleaseRefusals(
      tx,
      { entity: ENTITY, row },
      releaseGuidance,
      'Resolved: the milestone was released.',
    );
    await requestSync(tx, { recordType: ENTITY, recordId: row.id, correlationId });
    return { status: to as string, refused: [] as ReleaseBlock[] };
  });
  if (outcome.refused.length > 0) throw releaseRefused(outcome.refused);
  return { status: outcome.status };
}

/**
 * The person due to take the next step refuses it, with a reason: the QS a completion claim, finance
 * a verified milestone. The milestone returns to planned; the current cycle's claimer and verifier
 * are cleared so the next cycle is judged afresh.
 */
export async function rejectMilestone(
  db: Db,
  input: MilestoneActionInput,
  actor: Actor,
): Promise<{ status: string }> {
  assertPermitted(actor, 'reject');
  return db.transaction(async (tx) => {
    const row = await loadMilestoneForUpdate(tx, actor, input.milestoneId);
    assertReasonGiven(milestoneMachine, 'reject', input.comment);
    const to = nextState(milestoneMachine, row.status, 'reject');
    const subject = await milestoneSubject(tx, row);
    assertCanAct(subject, actor);
    const reason = input.comment!.trim();
    await compareAndSet(tx, row, input.version, {
      status: to,
      rejectionReason: reason,
      cycle: row.cycle + 1,
      completionClaimedById: null,
      completionClaimedAt: null,
      verifiedById: null,
      verifiedAt: null,
    });
    await recordDecision(tx, subject, actor, 'rejected', reason);
    await recordAudit(tx, {
      actor,
      action: 'milestone.reject',
      entityType: ENTITY,
      entityId: row.id,
      fromState: row.status,
      toState: to,
      comment: reason,
    });
    return { status: to };
  });
}
