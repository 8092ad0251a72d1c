import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { getSyncHandler } from './registry';
import './handlers';

/** The graphile-worker task every sync runs as (worker.ts registers it). */
export const SYNC_TASK = 'sync_record';

export type SyncJobPayload = {
  recordType: string;
  recordId: string;
  correlationId: string | null;
  /** 1 for a fresh request; the engine passes n+1 when it schedules a retry. */
  attempt: number;
};

export type RequestSyncInput = {
  recordType: string;
  recordId: string;
  correlationId?: string | null;
  runAt?: Date;
};

/** One key and one queue per record: see requestSync. */
export function syncJobKey(recordType: string, recordId: string): string {
  return `sync:${recordType}:${recordId}`;
}

/**
 * Asks for a record to be made to match Odoo. Call it INSIDE the transaction that changes the record
 * (with its audit row): the job becomes visible to workers only when that transaction commits, and
 * disappears with it on rollback — no sync of a change that never happened, no change without its
 * sync. Also sets the record's sync_status to 'pending' through its handler.
 *
 * - job_key per record, mode 'replace': requests pile up as ONE pending job (the handler is
 *   level-triggered, so the latest state is all that matters); a request made while a sync of the
 *   record is running creates a new job, because the running one may have read the old state.
 * - queue_name per record: graphile runs a queue's jobs one at a time, so two workers never sync the
 *   same record at once.
 */
export async function requestSync(tx: DbOrTx, input: RequestSyncInput): Promise<{ jobId: string }> {
  const handler = getSyncHandler(input.recordType);
  const payload: SyncJobPayload = {
    recordType: input.recordType,
    recordId: input.recordId,
    correlationId: input.correlationId ?? null,
    attempt: 1,
  };
  const jobId = await addSyncJob(tx, payload, { runAt: input.runAt ?? null, mode: 'replace' });
  await handler.setSyncStatus(tx, input.recordId, 'pending');
  return { jobId };
}

/**
 * The engine's retries go through here with mode 'preserve_run_at': if a fresh request is already
 * waiting (someone approved again, or finance pressed Retry), it keeps its earlier run time instead
 * of being pushed back by this retry's backoff.
 */
export async function addSyncJob(
  tx: DbOrTx,
  payload: SyncJobPayload,
  options: { runAt: Date | null; mode: 'replace' | 'preserve_run_at' },
): Promise<string> {
  const key = syncJobKey(payload.recordType, payload.recordId);
  // add_job answers no row when a worker locks the keyed job between add_job's own two statements
  // (its upsert skips locked jobs). Asking again is right: the job is now seen as running, so its key
  // is released and a fresh job carries this request — the running one may have read older state.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const result = await tx.execute<{ id: string | null }>(sql`
      SELECT (graphile_worker.add_job(
        identifier => ${SYNC_TASK},
        payload => ${JSON.stringify(payload)}::json,
        queue_name => ${key},
        run_at => ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
        max_attempts => 25,
        job_key => ${key},
        job_key_mode => ${options.mode}
      )).id::text AS id`);
    const id = result.rows[0]?.id;
    if (id) return id;
  }
  throw new Error(`graphile_worker.add_job returned no job for ${key} three times`);
}
