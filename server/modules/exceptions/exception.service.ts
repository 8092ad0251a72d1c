import { randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { exceptions } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible, seesAllProjects } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { requestSync } from '@/server/sync/enqueue';
import { findSyncHandler } from '@/server/sync/registry';
import type { DismissExceptionInput, ExceptionActionInput } from './exception.schemas';

export {
  raiseException,
  resolveExceptionsFor,
  type ExceptionCategory,
  type RaiseExceptionInput,
} from './exception-raise.service';
import type { ExceptionCategory } from './exception-raise.service';

const RETRYABLE = new Set<ExceptionCategory>(['sync_failure', 'reconciliation_drift']);

/** Finance asks for the record to be synced again; the exception closes itself when that succeeds. */
export async function retryException(
  db: DbOrTx,
  input: ExceptionActionInput,
  actor: Actor,
): Promise<{ jobId: string }> {
  return db.transaction(async (tx) => {
    const current = await loadOpenException(tx, actor, input.exceptionId);
    // a drift (a deleted or unposted document) is also put right by a fresh, level-triggered sync
    if (!RETRYABLE.has(current.category) || !findSyncHandler(current.recordType)) {
      throw new DomainError(
        'INVALID_TRANSITION',
        'Only a failed sync or a drift from Odoo can be retried; fix the cause of this exception, or dismiss it with a reason.',
      );
    }
    await bumpVersion(tx, input, {});
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'exception.retry',
      entityType: 'exception',
      entityId: current.id,
      fromState: 'open',
      toState: 'open',
      comment: `Retry of the sync of ${current.recordReference ?? current.recordId} requested.`,
      correlationId,
    });
    return requestSync(tx, { recordType: current.recordType, recordId: current.recordId, correlationId });
  });
}

/** Closes an exception without fixing it; the reason is mandatory and goes to the audit trail. */
export async function dismissException(
  db: DbOrTx,
  input: DismissExceptionInput,
  actor: Actor,
): Promise<{ id: string }> {
  const reason = input.reason.trim();
  if (reason.length < 3) {
    throw new DomainError(
      'REASON_REQUIRED',
      'Give a reason for dismissing this exception: it is kept in the audit trail.',
    );
  }
  return db.transaction(async (tx) => {
    const current = await loadOpenException(tx, actor, input.exceptionId);
    await bumpVersion(tx, input, {
      status: 'dismissed',
      resolvedAt: sql`now()`,
      resolvedById: actor.id,
      resolution: reason,
    });
    await recordAudit(tx, {
      actor,
      action: 'exception.dismiss',
      entityType: 'exception',
      entityId: current.id,
      fromState: 'open',
      toState: 'dismissed',
      comment: reason,
    });
    return { id: current.id };
  });
}

export async function loadOpenException(tx: DbOrTx, actor: Actor, exceptionId: string) {
  const [row] = await tx.select().from(exceptions).where(eq(exceptions.id, exceptionId)).limit(1);
  if (!row) throw new DomainError('NOT_FOUND', 'Exception not found.');
  if (row.projectId) await assertProjectVisible(tx, actor, row.projectId);
  else if (!seesAllProjects(actor)) throw new DomainError('NOT_FOUND', 'Exception not found.');
  if (row.status !== 'open')
    throw new DomainError('INVALID_TRANSITION', `This exception is already ${row.status}.`);
  return row;
}

export type ExceptionUpdate = {
  status?: 'dismissed' | 'resolved';
  assigneeId?: string | null;
  resolvedAt?: SQL;
  resolvedById?: string;
  resolution?: string;
};

/** Compare-and-set on version: someone else's action in between answers CONFLICT and changes nothing. */
export async function bumpVersion(tx: DbOrTx, input: ExceptionActionInput, set: ExceptionUpdate) {
  const updated = await tx
    .update(exceptions)
    .set({ ...set, version: sql`${exceptions.version} + 1` })
    .where(
      and(
        eq(exceptions.id, input.exceptionId),
        eq(exceptions.version, input.version),
        eq(exceptions.status, 'open'),
      ),
    )
    .returning({ id: exceptions.id });
  if (updated.length === 0) {
    throw new DomainError(
      'CONFLICT',
      'Someone else acted on this exception in the meantime. Reload it and try again.',
    );
  }
}
