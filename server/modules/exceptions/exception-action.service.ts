import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError, isDomainError } from '@/server/errors';
import { env } from '@/server/env';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { runExceptionRules, type RulesSummary } from './exception-rules.service';
import type {
  AssignExceptionInput,
  BulkAssignInput,
  BulkRetryInput,
  ExceptionActionInput,
} from './exception.schemas';
import { bumpVersion, loadOpenException, retryException } from './exception.service';

/** The people an exception can be assigned to: the organisation's active finance users. */
export async function listAssignees(db: DbOrTx, actor: Actor): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(
      and(
        eq(users.organisationId, actor.organisationId),
        eq(users.role, 'finance'),
        eq(users.isActive, true),
      ),
    )
    .orderBy(asc(users.name));
}

/** Gives an open exception to a finance user (or back to nobody); audited with the old and new assignee. */
export async function assignException(
  db: DbOrTx,
  input: AssignExceptionInput,
  actor: Actor,
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const current = await loadOpenException(tx, actor, input.exceptionId);
    let assigneeName = 'nobody';
    if (input.assigneeId !== null) {
      const [assignee] = await tx
        .select({ name: users.name })
        .from(users)
        .where(
          and(
            eq(users.id, input.assigneeId),
            eq(users.organisationId, actor.organisationId),
            eq(users.role, 'finance'),
            eq(users.isActive, true),
          ),
        );
      if (!assignee)
        throw new DomainError(
          'VALIDATION',
          'Exceptions can only be assigned to an active finance user of your organisation.',
        );
      assigneeName = assignee.name;
    }
    await bumpVersion(tx, input, { assigneeId: input.assigneeId });
    await recordAudit(tx, {
      actor,
      action: 'exception.assign',
      entityType: 'exception',
      entityId: current.id,
      fromState: 'open',
      toState: 'open',
      changedFields: { assigneeId: { old: current.assigneeId, new: input.assigneeId } },
      comment: `Assigned to ${assigneeName}.`,
    });
    return { id: current.id };
  });
}

export type BulkOutcome = { done: string[]; failed: { exceptionId: string; message: string }[] };

/**
 * Each exception in its own transaction (its change and its audit row together): one stale or closed
 * exception is reported back and does not undo the others.
 */
async function eachOf(
  items: ExceptionActionInput[],
  act: (item: ExceptionActionInput) => Promise<unknown>,
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], failed: [] };
  for (const item of items) {
    try {
      await act(item);
      outcome.done.push(item.exceptionId);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      outcome.failed.push({ exceptionId: item.exceptionId, message: error.message });
    }
  }
  return outcome;
}

export async function bulkRetryExceptions(
  db: DbOrTx,
  input: BulkRetryInput,
  actor: Actor,
): Promise<BulkOutcome> {
  return eachOf(input.items, (item) => retryException(db, item, actor));
}

export async function bulkAssignExceptions(
  db: DbOrTx,
  input: BulkAssignInput,
  actor: Actor,
): Promise<BulkOutcome> {
  return eachOf(input.items, (item) => assignException(db, { ...item, assigneeId: input.assigneeId }, actor));
}

/** "Check rules now": the scheduled rules job, run at once for the actor's organisation, audited. */
export async function runRulesNow(db: Db, actor: Actor): Promise<RulesSummary> {
  const summary = await runExceptionRules(db, {
    organisationId: actor.organisationId,
    overrunPercent: env().RULE_COST_OVERRUN_PERCENT,
  });
  await recordAudit(db, {
    actor,
    action: 'exception.rules_run',
    entityType: 'exception_rules',
    entityId: actor.organisationId,
    comment: Object.entries(summary)
      .map(([rule, c]) => `${rule}: ${c.opened} opened, ${c.resolved} resolved`)
      .join('; '),
  });
  return summary;
}
