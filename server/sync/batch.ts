import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { SYNC_TASK } from './enqueue';

/**
 * Batch claiming for handlers with `syncBatch` (registry.ts). graphile-worker hands the engine ONE
 * job; the engine then claims up to `maxSize − 1` more ready sync jobs of the same record type for
 * the same graphile worker id, exactly as graphile's own get_job would: each job's per-record queue
 * is locked with it (so no other worker can sync that record meanwhile), attempts is incremented (a
 * crash counts as an attempt), and `locked_by` is the worker's id, so the heartbeat sweeper releases
 * claimed jobs of a dead worker like any other. A claimed job is completed (deleted, its queue
 * unlocked) in the same transaction that records its attempt, so it is either recorded and done or
 * neither. This touches graphile-worker's private tables (0.16 schema, pinned in package.json):
 * the claim and completion statements mirror its getJob/completeJob.
 *
 * Why not rely on graphile's concurrency alone: with one named queue per record, graphile 0.16's
 * get_job locks every available queue row on each fetch, which bounds fetching to some tens of jobs
 * per second (BENCHMARKS.md, bench:sync). One fetch per batch amortises that.
 */
export type SyncBatchOptions = {
  /** At most this many records per batch (the job graphile gave us included); 1 turns batching off. */
  maxSize: number;
};

export type ClaimedJob = { id: string; payload: unknown; attempts: number; queueId: number | null };

export async function claimSyncJobs(db: Db, input: { workerId: string; recordType: string; limit: number }): Promise<ClaimedJob[]> {
  if (input.limit <= 0) return [];
  const result = await db.execute<{ id: string; payload: unknown; attempts: number; job_queue_id: number | null }>(sql`
    WITH candidates AS (
      SELECT jobs.id, jobs.job_queue_id
      FROM graphile_worker._private_jobs AS jobs
      JOIN graphile_worker._private_job_queues AS queues ON queues.id = jobs.job_queue_id
      WHERE jobs.is_available = true AND jobs.run_at <= now()
        AND jobs.task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${SYNC_TASK})
        AND queues.is_available = true
        AND jobs.payload->>'recordType' = ${input.recordType}
      ORDER BY jobs.priority, jobs.run_at
      LIMIT ${input.limit}
      FOR UPDATE OF jobs, queues SKIP LOCKED),
    locked_queues AS (
      UPDATE graphile_worker._private_job_queues AS queues SET locked_by = ${input.workerId}, locked_at = now()
      FROM candidates WHERE queues.id = candidates.job_queue_id)
    UPDATE graphile_worker._private_jobs AS jobs SET attempts = jobs.attempts + 1, locked_by = ${input.workerId}, locked_at = now()
    FROM candidates WHERE jobs.id = candidates.id
    RETURNING jobs.id::text AS id, jobs.payload, jobs.attempts, jobs.job_queue_id`);
  const claimed = result.rows.map((row) => ({ id: row.id, payload: row.payload, attempts: Number(row.attempts), queueId: row.job_queue_id }));
  // two ready jobs of one queue would both come back (the queue row is locked by this very statement):
  // keep one per queue and hand the others back untouched
  const seen = new Set<number>();
  const extra = claimed.filter((job) => job.queueId !== null && (seen.has(job.queueId) || !seen.add(job.queueId)));
  if (extra.length > 0) {
    await db.execute(sql`
      UPDATE graphile_worker._private_jobs SET attempts = attempts - 1, locked_by = NULL, locked_at = NULL
      WHERE id = ANY(${sql.param(extra.map((job) => job.id))}::bigint[]) AND locked_by = ${input.workerId}`);
  }
  return claimed.filter((job) => !extra.includes(job));
}

/** graphile's completeJob for a claimed job, inside the transaction that records its attempt. */
export async function completeClaimedJob(tx: Tx, jobId: string, workerId: string): Promise<void> {
  await tx.execute(sql`
    WITH done AS (DELETE FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint AND locked_by = ${workerId} RETURNING job_queue_id)
    UPDATE graphile_worker._private_job_queues AS queues SET locked_by = NULL, locked_at = NULL
    FROM done WHERE queues.id = done.job_queue_id AND queues.locked_by = ${workerId}`);
}

/** Hands claimed jobs back (their attempt not recorded): unlocked, to be fetched again. */
export async function releaseClaimedJobs(db: Db, jobIds: string[], workerId: string, error: string): Promise<void> {
  if (jobIds.length === 0) return;
  await db.execute(sql`
    WITH released AS (
      UPDATE graphile_worker._private_jobs SET locked_by = NULL, locked_at = NULL, last_error = ${error.slice(0, 1_000)},
        run_at = greatest(run_at, now() + interval '1 second')
      WHERE id = ANY(${sql.param(jobIds)}::bigint[]) AND locked_by = ${workerId}
      RETURNING job_queue_id)
    UPDATE graphile_worker._private_job_queues AS queues SET locked_by = NULL, locked_at = NULL
    FROM released WHERE queues.id = released.job_queue_id AND queues.locked_by = ${workerId}`);
}
