import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Logger, run, type Runner, type WorkerEvents } from 'graphile-worker';
import { sql } from 'drizzle-orm';
import { createDb, type Db } from '@/db/client';
import { logger } from '@/server/lib/logger';
import { runWithWork, workSeedFromPayload } from '@/server/observability/context';
import { observeOdooCallsPerRecord, setMetricsDb } from '@/server/observability/metrics';
import type { OdooClient } from '@/server/odoo/client';
import { SYNC_TASK } from './enqueue';
import { runSyncJob, syncWakePayload, type SyncEngineDeps } from './engine';
import { startHeartbeat, type Heartbeat } from './heartbeat';
import { crontabOf, defineTask, taskListOf, type TaskDefinition } from './task';

const ENGINE_POOL_MAX = 10;
const GRAPHILE_POOL_MAX = 12;

export type SyncWorkerOptions = {
  databaseUrl: string;
  odoo: (db: Db) => OdooClient | Promise<OdooClient>;
  concurrency: number;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  sweepIntervalMs: number;
  staleAfterMs: number;
  engine: Pick<SyncEngineDeps, 'retry' | 'ambiguousDelayMs' | 'crashAt' | 'batch' | 'random'>;
  /** Other tasks this worker runs (the master-data pull, reconciliation…), scheduled by their `schedule`. */
  tasks?: readonly TaskDefinition[];
};

export type SyncWorker = {
  runner: Runner;
  heartbeat: Heartbeat;
  /** Graceful: stop taking jobs, let the running ones finish and record, then release everything. */
  stop(): Promise<void>;
};

/**
 * A graphile-worker runner for sync jobs, with heartbeats and the dead-worker sweeper. Any number of
 * these may run at once (in one or several processes): graphile schedules sync jobs, and each job claims
 * sync_requests rows with SKIP LOCKED (engine.ts), so two of them never sync the same record at once.
 */
export async function startSyncWorker(options: SyncWorkerOptions): Promise<SyncWorker> {
  // Jobs hold a connection only for their short recording transaction, so a high concurrency (large
  // Odoo batches) needs no more than ENGINE_POOL_MAX connections: PostgreSQL's max_connections stays safe.
  const db = createDb(options.databaseUrl, {
    max: Math.min(Math.max(2, options.concurrency), ENGINE_POOL_MAX),
    applicationName: 'plumbline-worker',
  });
  const log = logger().child({ component: 'sync-worker' });
  const heartbeat = startHeartbeat({
    db,
    processId: `${hostname()}:${process.pid}`,
    intervalMs: options.heartbeatIntervalMs,
    sweepIntervalMs: options.sweepIntervalMs,
    staleAfterMs: options.staleAfterMs,
    onError: (error) => log.warn({ err: error }, 'heartbeat or sweep failed; will try again'),
  });
  // Our own emitter, passed in, so we see 'worker:create' for workers made while run() starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => heartbeat.register(worker.workerId));
  events.on('worker:stop', ({ worker }) => heartbeat.unregister(worker.workerId));
  const deps: SyncEngineDeps = { db, odoo: options.odoo, ...options.engine };
  setMetricsDb(() => db); // the worker's metrics read the queue and KPIs through its own pool

  // the sync itself is a task definition like the others: validated payload, the same classification
  const syncTask = defineTask({
    name: SYNC_TASK,
    schema: syncWakePayload,
    handle: (payload, helpers) =>
      runWithWork(workSeedFromPayload(payload), (work) =>
        runSyncJob(deps, payload, helpers).finally(() =>
          observeOdooCallsPerRecord(work.recordType, work.odooCalls, work.recordsRecorded),
        ),
      ),
  });
  const tasks = [syncTask, ...(options.tasks ?? [])];
  const crontab = crontabOf(tasks);

  let runner: Runner;
  try {
    runner = await run({
      connectionString: options.databaseUrl,
      // graphile holds a client only to fetch and complete a job, never while the task runs
      maxPoolSize: Math.min(options.concurrency + 2, GRAPHILE_POOL_MAX),
      concurrency: options.concurrency,
      pollInterval: options.pollIntervalMs,
      noHandleSignals: true, // worker.ts owns SIGTERM: drain, then exit 0
      events,
      logger: graphileLogger(log),
      taskList: taskListOf(tasks),
      ...(crontab ? { crontab } : {}),
    });
  } catch (error) {
    await heartbeat.stop().catch(() => {});
    await db.$client.end();
    throw error;
  }

  try {
    await assertGraphileSchemaLevel(db);
  } catch (error) {
    await runner.stop().catch(() => {});
    await heartbeat.stop().catch(() => {});
    await db.$client.end();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      heartbeat.stopSweeping();
      // keep beating while in-flight jobs finish, or another worker would take them over mid-run
      await runner.stop();
      await heartbeat.stop();
      await db.$client.end();
    })());
  return { runner, heartbeat, stop };
}

/**
 * graphile-worker's schema level that the pinned version (package.json: graphile-worker 0.16.6,
 * exact) installs. The engine uses only graphile's public API (add_job, job_key, force_unlock_workers,
 * the jobs view); this check makes a version bump a deliberate step: bump the package, re-run the
 * sync tests and the crash drill, then update this number.
 */
export const GRAPHILE_SCHEMA_LEVEL = 18;

export async function assertGraphileSchemaLevel(db: Db): Promise<void> {
  const result = await db.execute<{ level: number | null }>(
    sql`SELECT max(id)::int AS level FROM graphile_worker.migrations`,
  );
  const level = result.rows[0]?.level ?? null;
  if (level !== GRAPHILE_SCHEMA_LEVEL) {
    throw new Error(
      `graphile-worker schema is at migration ${level ?? 'none'}, but this worker was built and tested against level ${GRAPHILE_SCHEMA_LEVEL} ` +
        `(graphile-worker pinned in package.json). ${level !== null && level > GRAPHILE_SCHEMA_LEVEL ? 'A newer graphile-worker has migrated this database: deploy the matching Plumbline version.' : 'Run npm run db:migrate.'}`,
    );
  }
}

function graphileLogger(log: ReturnType<typeof logger>): Logger {
  return new Logger((scope) => (level, message) => {
    const context = { scope: { label: scope.label, workerId: scope.workerId, jobId: scope.jobId } };
    const name = String(level);
    if (name === 'error') log.error(context, message);
    else if (name === 'warning') log.warn(context, message);
    else if (name === 'info') log.info(context, message);
    else log.debug(context, message);
  });
}
