import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { getSyncHandler } from './registry';

/** The graphile-worker task that syncs the due sync_requests of one record type (runner.ts registers it). */
export const SYNC_TASK = 'sync_record';

/** How many sync jobs of one record type may drain requests at once (each claims its own batches). */
export const SYNC_WAKE_SHARDS = 8;

/** A sync job's payload: only which record type to drain. Everything else is in sync_requests. */
export type SyncWakePayload = { recordType: string };

/** One record to sync, as the engine claimed it from sync_requests. */
export type SyncJobPayload = {
  recordType: string;
  recordId: string;
  correlationId: string | null;
  /** 1 for a fresh request; grows with each retry and each run that died before recording. */
  attempt: number;
};

export type RequestSyncInput = {
  recordType: string;
  recordId: string;
  correlationId?: string | null;
  runAt?: Date;
};

/**
 * Asks for a record to be made to match Odoo. Call it INSIDE the transaction that changes the record
 * (with its audit row): the request (a sync_requests row) and the job that will run it become visible
 * to workers only when that transaction commits, and disappear with it on rollback — no sync of a
 * change that never happened, no change without its sync. Also sets the record's sync_status to
 * 'pending' through its handler.
 *
 * - ONE row per record: requests pile up as one (the handler is level-triggered, so the latest state
 *   is all that matters); a fresh request resets the attempt count and makes the record due at once
 *   (or at runAt). A request made while a sync of the record runs bumps `generation`: the running
 *   sync, which may have read the old state, then leaves the row for a new run instead of deleting it.
 * - graphile-worker only schedules: a job per (record type, shard) with a job_key, so requests made
 *   together wake one job that syncs them in batches (engine.ts).
 */
export async function requestSync(tx: DbOrTx, input: RequestSyncInput): Promise<{ jobId: string }> {
  const handler = getSyncHandler(input.recordType);
  const runAfter = input.runAt ? sql`${input.runAt.toISOString()}::timestamptz` : sql`now()`;
  await tx.execute(sql`
    INSERT INTO sync_requests (record_type, record_id, correlation_id, attempt, generation, run_after)
    VALUES (${input.recordType}, ${input.recordId}::uuid, ${input.correlationId ?? null}::uuid, 1, 1, ${runAfter})
    ON CONFLICT (record_type, record_id) DO UPDATE SET
      correlation_id = coalesce(excluded.correlation_id, sync_requests.correlation_id),
      attempt = 1, generation = sync_requests.generation + 1, run_after = excluded.run_after, requested_at = now()`);
  const jobId = await wakeSyncJob(tx, input.recordType, {
    runAt: input.runAt ?? null,
    shardOf: input.recordId,
  });
  await handler.setSyncStatus(tx, input.recordId, 'pending');
  return { jobId };
}

/** Bulk form of requestSync for loads and benchmarks (no sync_status change: the caller sets it). */
export async function requestSyncs(tx: DbOrTx, recordType: string, recordIds: string[]): Promise<void> {
  if (recordIds.length === 0) return;
  await tx.execute(sql`
    INSERT INTO sync_requests (record_type, record_id)
    SELECT ${recordType}, id FROM unnest(${sql.param(recordIds)}::uuid[]) AS id
    ON CONFLICT (record_type, record_id) DO UPDATE SET attempt = 1, generation = sync_requests.generation + 1, run_after = now(), requested_at = now()`);
  for (let shard = 0; shard < SYNC_WAKE_SHARDS; shard++)
    await wakeSyncJob(tx, recordType, { runAt: null, shard });
}

function shardOf(recordId: string): number {
  let hash = 0;
  for (const char of recordId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return Math.abs(hash) % SYNC_WAKE_SHARDS;
}

export type SyncWakeOptions = { runAt: Date | null; shard?: number; shardOf?: string };

/** The job_key of a wake: one per (type, shard), or per second of a delayed wake's run time. */
export function syncWakeKey(recordType: string, options: SyncWakeOptions): string {
  const shard = options.shard ?? (options.shardOf ? shardOf(options.shardOf) : 0);
  return options.runAt
    ? `sync:${recordType}:at:${Math.floor(options.runAt.getTime() / 1000)}`
    : `sync:${recordType}:${shard}`;
}

/**
 * Makes sure a sync job of this record type runs now (or at runAt), through graphile's public
 * add_job: job_key 'replace' keeps one waiting job per key; when the keyed job is already running
 * graphile adds a fresh one, which is right (the running one may have claimed before our commit).
 * A delayed wake has a key per second of its run time, so it never moves another wake later.
 */
export async function wakeSyncJob(tx: DbOrTx, recordType: string, options: SyncWakeOptions): Promise<string> {
  const key = syncWakeKey(recordType, options);
  const payload: SyncWakePayload = { recordType };
  // add_job answers no row when a worker locks the keyed job between add_job's own two statements
  // (its upsert skips locked jobs). Asking again is right: the running job no longer holds the key.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const result = await tx.execute<{ id: string | null }>(sql`
      SELECT (graphile_worker.add_job(
        identifier => ${SYNC_TASK},
        payload => ${JSON.stringify(payload)}::json,
        run_at => ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
        max_attempts => 25,
        job_key => ${key},
        job_key_mode => 'replace'
      )).id::text AS id`);
    const id = result.rows[0]?.id;
    if (id) return id;
  }
  throw new Error(`graphile_worker.add_job returned no job for ${key} three times`);
}

/** Whether a record has a sync request not yet settled (waiting, retrying or running): 0 or 1. */
export async function pendingSyncRequests(db: DbOrTx, recordType: string, recordId: string): Promise<number> {
  const result = await db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM sync_requests WHERE record_type = ${recordType} AND record_id = ${recordId}::uuid`,
  );
  return result.rows[0]?.n ?? 0;
}
