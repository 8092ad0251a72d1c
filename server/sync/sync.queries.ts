import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { syncAttempts, syncLinks } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import type { RecordRefInput } from '@/server/modules/exceptions/exception.schemas';
import { findVisibleRecord } from './record-access';

const ATTEMPTS_SHOWN = 200;

/** A record's Sync tab: its sync_status, the Odoo documents it made, and every attempt, newest first. */
export async function getSyncHistory(db: DbOrTx, actor: Actor, input: RecordRefInput) {
  const { record } = await findVisibleRecord(db, actor, input.recordType, input.recordId);
  const ofRecord = (table: typeof syncAttempts | typeof syncLinks) =>
    and(eq(table.recordType, input.recordType), eq(table.recordId, input.recordId));
  const [links, attempts] = await Promise.all([
    db
      .select({
        purpose: syncLinks.purpose,
        odooModel: syncLinks.odooModel,
        odooId: syncLinks.odooId,
        reference: syncLinks.reference,
        createdAt: syncLinks.createdAt,
      })
      .from(syncLinks)
      .where(ofRecord(syncLinks))
      .orderBy(syncLinks.createdAt),
    db
      .select({
        id: syncAttempts.id,
        operation: syncAttempts.operation,
        odooModel: syncAttempts.odooModel,
        odooId: syncAttempts.odooId,
        outcome: syncAttempts.outcome,
        errorClass: syncAttempts.errorClass,
        errorName: syncAttempts.errorName,
        errorMessage: syncAttempts.errorMessage,
        httpStatus: syncAttempts.httpStatus,
        durationMs: syncAttempts.durationMs,
        attemptNumber: syncAttempts.attemptNumber,
        correlationId: syncAttempts.correlationId,
        startedAt: syncAttempts.startedAt,
        finishedAt: syncAttempts.finishedAt,
      })
      .from(syncAttempts)
      .where(ofRecord(syncAttempts))
      .orderBy(desc(syncAttempts.id))
      .limit(ATTEMPTS_SHOWN),
  ]);
  return {
    recordType: input.recordType,
    recordId: input.recordId,
    reference: record.reference,
    syncStatus: record.syncStatus,
    links,
    attempts,
  };
}

export type SyncHistory = Awaited<ReturnType<typeof getSyncHistory>>;
