import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';
import type { RecordRefInput } from '@/server/modules/exceptions/exception.schemas';
import { requestSync } from './enqueue';
import { findVisibleRecord } from './record-access';

/**
 * Finance's "Retry now" on a record: a fresh sync request (its attempt count starts again), audited in
 * the same transaction. Safe whatever the record's state, because handlers are level-triggered.
 */
export async function retrySync(db: DbOrTx, input: RecordRefInput, actor: Actor): Promise<{ jobId: string }> {
  return db.transaction(async (tx) => {
    const { record } = await findVisibleRecord(tx, actor, input.recordType, input.recordId);
    const correlationId = randomUUID();
    await recordAudit(tx, {
      actor,
      action: 'sync.retry',
      entityType: input.recordType,
      entityId: input.recordId,
      fromState: record.syncStatus,
      toState: 'pending',
      comment: `Sync of ${record.reference} retried by hand.`,
      correlationId,
    });
    return requestSync(tx, { recordType: input.recordType, recordId: input.recordId, correlationId });
  });
}
