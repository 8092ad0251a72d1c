import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { workerHeartbeats } from '@/db/schema';
import { wakeSyncJob } from './enqueue';

/**
 * Crash recovery. graphile-worker only frees a job locked by a vanished worker after 4 hours; a sync
 * worker killed with SIGKILL (OOM, a host restart) would sit on its jobs that long. So each worker
 * process heartbeats the graphile worker ids it runs, and every worker sweeps: the ids whose
 * heartbeat went stale — and any id still holding a job, locked longer than the threshold, with no
 * live heartbeat at all (killed before its first beat) — are force-unlocked so a live worker takes
 * their jobs up again; the sync requests they had claimed (sync_requests.claimed_by) are released in
 * the same transaction. The handlers are level-triggered, so re-running a half-done job is safe.
 */
export type HeartbeatOptions = {
  db: Db;
  processId: string;
  intervalMs: number;
  sweepIntervalMs: number;
  staleAfterMs: number;
  onError: (error: unknown) => void;
};

export type Heartbeat = {
  register(workerId: string): void;
  unregister(workerId: string): void;
  /** Runs one sweep now; returns the worker ids it released. */
  sweep(): Promise<string[]>;
  stopSweeping(): void;
  /** Stops beating and removes this process's rows (after its jobs have drained). */
  stop(): Promise<void>;
};

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { db, processId, staleAfterMs } = options;
  const workerIds = new Set<string>();

  const beat = async (ids: string[]) => {
    if (ids.length === 0) return;
    await db
      .insert(workerHeartbeats)
      .values(ids.map((workerId) => ({ workerId, processId })))
      .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { lastSeenAt: sql`now()`, processId } });
  };
  const safely = (work: () => Promise<unknown>) => () => void work().catch(options.onError);

  const sweep = async (): Promise<string[]> => {
    const stale = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
    return db.transaction(async (tx) => {
      const found = await tx.execute<{ worker_id: string }>(sql`
        SELECT worker_id FROM ${workerHeartbeats} WHERE last_seen_at < ${stale}
        UNION
        SELECT DISTINCT jobs.locked_by FROM graphile_worker.jobs AS jobs
        WHERE jobs.locked_by IS NOT NULL AND jobs.locked_at < ${stale}
          AND NOT EXISTS (SELECT 1 FROM ${workerHeartbeats} AS beat WHERE beat.worker_id = jobs.locked_by AND beat.last_seen_at >= ${stale})
        UNION
        SELECT DISTINCT requests.claimed_by FROM sync_requests AS requests
        WHERE requests.claimed_by IS NOT NULL AND requests.claimed_at < ${stale}
          AND NOT EXISTS (SELECT 1 FROM ${workerHeartbeats} AS beat WHERE beat.worker_id = requests.claimed_by AND beat.last_seen_at >= ${stale})`);
      // never our own workers: a slow beat of this very process is not a death
      const dead = found.rows.map((row) => row.worker_id).filter((id) => !workerIds.has(id));
      if (dead.length === 0) return [];
      await tx.execute(sql`SELECT graphile_worker.force_unlock_workers(${sql.param(dead)}::text[])`);
      // their claimed sync requests are due again (the claim already counted as an attempt), and a
      // job of each record type is woken for them (graphile re-runs the unlocked jobs too)
      const released = await tx.execute<{ record_type: string }>(sql`
        UPDATE sync_requests SET claimed_by = NULL, claimed_at = NULL
        WHERE claimed_by = ANY(${sql.param(dead)}::text[]) RETURNING record_type`);
      for (const recordType of new Set(released.rows.map((row) => row.record_type)))
        await wakeSyncJob(tx, recordType, { runAt: null, shard: 0 });
      await tx.delete(workerHeartbeats).where(inArray(workerHeartbeats.workerId, dead));
      return dead;
    });
  };

  const beatTimer = setInterval(
    safely(() => beat([...workerIds])),
    options.intervalMs,
  );
  // first sweep soon after start: a worker restarted after a crash picks its old jobs up quickly
  const firstSweep = setTimeout(safely(sweep), Math.min(options.sweepIntervalMs, 1_000));
  const sweepTimer = setInterval(safely(sweep), options.sweepIntervalMs);

  return {
    register(workerId) {
      workerIds.add(workerId);
      safely(() => beat([workerId]))();
    },
    unregister(workerId) {
      workerIds.delete(workerId);
      safely(() => db.delete(workerHeartbeats).where(eq(workerHeartbeats.workerId, workerId)))();
    },
    sweep,
    stopSweeping() {
      clearTimeout(firstSweep);
      clearInterval(sweepTimer);
    },
    async stop() {
      this.stopSweeping();
      clearInterval(beatTimer);
      await db.delete(workerHeartbeats).where(eq(workerHeartbeats.processId, processId));
    },
  };
}
