import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible, seesAllProjects } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { findSyncHandler, type SyncHandler, type SyncRecordDescription } from './registry';

export type VisibleRecord = { handler: SyncHandler; record: SyncRecordDescription };

/**
 * The record a sync or exception is about, if the actor may see it. An unknown record type, a missing
 * record and another project's record all answer the same NOT_FOUND: existence is never leaked.
 * Organisation-wide records (no project) are visible to the roles that see every project.
 */
export async function findVisibleRecord(
  db: DbOrTx,
  actor: Actor,
  recordType: string,
  recordId: string,
): Promise<VisibleRecord> {
  const handler = findSyncHandler(recordType);
  const record = handler ? await handler.describe(db, recordId) : null;
  if (!handler || !record) throw new DomainError('NOT_FOUND', 'Record not found.');
  if (record.projectId) await assertProjectVisible(db, actor, record.projectId);
  else if (!seesAllProjects(actor)) throw new DomainError('NOT_FOUND', 'Record not found.');
  return { handler, record };
}
