import { sql } from 'drizzle-orm';
import type { JobHelpers } from 'graphile-worker';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { syncAttempts, syncLinks } from '@/db/schema';
import { env } from '@/server/env';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import type { OdooClient } from '@/server/odoo/client';
import { recordSyncAttemptMetric } from '@/server/observability/metrics';
import { retryDelayMs, type RetryPolicy } from './backoff';
import { claimSyncJobs, completeClaimedJob, releaseClaimedJobs, type ClaimedJob, type SyncBatchOptions } from './batch';
import { crashBeforeFirstWrite, crashNow, type SyncCrashPoint } from './crash';
import { addSyncJob, syncJobKey, type SyncJobPayload } from './enqueue';
import { describeFailure, exceptionWording, type SyncFailure } from './failure';
import { findSyncHandler, type SyncHandler, type SyncResult, type SyncStatus } from './registry';

/** All sync failures of a record share one open exception, updated as the failure recurs or changes. */
export const SYNC_EXCEPTION_CAUSE = 'odoo_sync';

export type SyncEngineDeps = {
  db: Db;
  /** Throws an OdooConfigurationError when no connection is configured (→ 'blocked', not a crash). */
  /** Resolved per job, so a connection saved on Admin → Odoo takes effect without a restart. */
  odoo: (db: Db) => OdooClient | Promise<OdooClient>;
  retry: RetryPolicy;
  ambiguousDelayMs: number;
  /** Test hook (SYNC_CRASH_AT, see crash.ts): die like a SIGKILLed worker at this point of a job. */
  crashAt?: SyncCrashPoint;
  /** A handler with `syncBatch` takes more ready jobs of its type with the one it was given (batch.ts). */
  batch?: SyncBatchOptions;
  random?: () => number;
};

export function syncPoliciesFromEnv(): Pick<SyncEngineDeps, 'retry' | 'ambiguousDelayMs' | 'crashAt' | 'batch'> {
  const config = env();
  return {
    retry: { baseMs: config.SYNC_RETRY_BASE_MS, capMs: config.SYNC_RETRY_CAP_MS, maxAttempts: config.SYNC_MAX_ATTEMPTS },
    ambiguousDelayMs: config.SYNC_AMBIGUOUS_DELAY_MS,
    crashAt: config.SYNC_CRASH_AT,
    batch: { maxSize: config.SYNC_BATCH_MAX },
  };
}

async function odooFor(deps: SyncEngineDeps): Promise<OdooClient> {
  const odoo = await deps.odoo(deps.db);
  return deps.crashAt === 'after_odoo_search' ? crashBeforeFirstWrite(odoo) : odoo;
}

const payloadSchema = z.object({
  recordType: z.string().min(1),
  recordId: z.string().uuid(),
  correlationId: z.string().uuid().nullish(),
  attempt: z.number().int().min(1).default(1),
});

/** One job to record: its payload, its attempt number, its graphile id, and whether we claimed it (batch.ts). */
type JobRun = { payload: SyncJobPayload; attempt: number; jobId: string; claimedBy?: string; startedAt: Date; clock: number };
type Outcome = { result?: SyncResult; failure?: SyncFailure };

/**
 * One execution of a sync job = ONE sync_attempts row. The handler's outcome is recorded and acted on
 * in a single transaction (attempt row, links, sync_status, exception, retry job), and a classified
 * failure never throws out of the task: graphile-worker's own retry is kept for the case where that
 * transaction itself fails (database down), so attempts are not double-counted.
 */
export async function runSyncJob(deps: SyncEngineDeps, rawPayload: unknown, helpers: JobHelpers): Promise<void> {
  const payload = parsePayload(rawPayload);
  if (!payload) {
    helpers.logger.error(`sync job ${helpers.job.id} has an unreadable payload; dropped`);
    return;
  }
  if (deps.crashAt === 'after_claim') await crashNow();
  // A job re-run after its worker died (graphile attempts > 1) is one more attempt of the series.
  const run: JobRun = { payload, attempt: payload.attempt + Math.max(0, helpers.job.attempts - 1), jobId: String(helpers.job.id), startedAt: new Date(), clock: performance.now() };
  const handler = findSyncHandler(payload.recordType);
  if (handler?.syncBatch && deps.batch && deps.batch.maxSize > 1 && helpers.job.locked_by) {
    await runSyncBatch(deps, handler, handler.syncBatch, run, helpers.job.locked_by, deps.batch.maxSize);
    return;
  }
  const outcome: Outcome = {};
  try {
    if (!handler) throw new Error(`No sync handler for record type "${payload.recordType}"`);
    outcome.result = await handler.sync({ db: deps.db, odoo: await odooFor(deps), recordId: payload.recordId, attempt: run.attempt, correlationId: payload.correlationId });
  } catch (error) {
    outcome.failure = describeFailure(error);
  }
  if (deps.crashAt === 'after_odoo_call') await crashNow();
  await recordAttempt(deps, handler, run, outcome);
  if (deps.crashAt === 'after_commit') await crashNow(); // recorded; graphile has not completed the job
}

function parsePayload(raw: unknown): SyncJobPayload | null {
  const parsed = payloadSchema.safeParse(raw);
  return parsed.success ? { ...parsed.data, correlationId: parsed.data.correlationId ?? null } : null;
}

/**
 * The batch path: the job graphile gave us plus up to maxSize − 1 claimed ready jobs of the same
 * record type, synced by ONE `syncBatch` call, then each recorded in its own transaction exactly as a
 * single job is (a claimed job is completed inside that transaction). Whatever is not recorded when
 * something throws is handed back, so graphile (the lead job) and the next fetch (claimed ones) retry.
 */
async function runSyncBatch(deps: SyncEngineDeps, handler: SyncHandler, syncBatch: NonNullable<SyncHandler['syncBatch']>, lead: JobRun, workerId: string, maxSize: number) {
  const claimed = await claimSyncJobs(deps.db, { workerId, recordType: lead.payload.recordType, limit: maxSize - 1 });
  const pending = new Set(claimed.map((job) => job.id));
  try {
    const runs = [lead, ...claimed.map((job) => claimedRun(job, workerId)).filter((run): run is JobRun => run !== null)];
    // an unreadable claimed payload is dropped, as graphile's own run would drop it
    for (const job of claimed) if (!runs.some((run) => run.jobId === job.id)) await deps.db.transaction((tx) => completeClaimedJob(tx, job.id, workerId));
    const outcomes = new Map<string, Outcome>();
    try {
      const answers = await syncBatch({ db: deps.db, odoo: await odooFor(deps), items: runs.map((run) => ({ recordId: run.payload.recordId, attempt: run.attempt, correlationId: run.payload.correlationId })) });
      for (const run of runs) {
        const answer = answers.get(run.payload.recordId);
        if (answer && 'result' in answer) outcomes.set(run.jobId, { result: answer.result });
        else outcomes.set(run.jobId, { failure: describeFailure(answer ? answer.error : new Error(`The batch sync returned no outcome for ${run.payload.recordId}`)) });
      }
    } catch (error) {
      const failure = describeFailure(error);
      for (const run of runs) outcomes.set(run.jobId, { failure });
    }
    if (deps.crashAt === 'after_odoo_call') await crashNow();
    // each record in its own transaction, a few at a time (the pool is shared with other jobs)
    for (let i = 0; i < runs.length; i += RECORDING_PARALLELISM) {
      await Promise.all(
        runs.slice(i, i + RECORDING_PARALLELISM).map(async (run) => {
          await recordAttempt(deps, handler, run, outcomes.get(run.jobId) ?? {});
          pending.delete(run.jobId);
        }),
      );
    }
    if (deps.crashAt === 'after_commit') await crashNow();
  } finally {
    if (pending.size > 0) await releaseClaimedJobs(deps.db, [...pending], workerId, 'released: the batch it was claimed for failed before recording it');
  }
}

const RECORDING_PARALLELISM = 5;

function claimedRun(job: ClaimedJob, workerId: string): JobRun | null {
  const payload = parsePayload(job.payload);
  if (!payload) return null;
  return { payload, attempt: payload.attempt + Math.max(0, job.attempts - 1), jobId: job.id, claimedBy: workerId, startedAt: new Date(), clock: performance.now() };
}

async function recordAttempt(deps: SyncEngineDeps, handler: SyncHandler | undefined, run: JobRun, outcome: Outcome): Promise<void> {
  const { payload, attempt, jobId } = run;
  const { result, failure } = outcome;
  await deps.db.transaction(async (tx) => {
    await tx.insert(syncAttempts).values({
      recordType: payload.recordType,
      recordId: payload.recordId,
      operation: result?.operation ?? failure?.operation ?? 'sync',
      odooModel: result?.odooModel ?? failure?.odooModel ?? null,
      odooId: result?.odooId ?? null,
      outcome: result ? 'success' : (failure?.outcome ?? 'crashed'),
      errorClass: failure?.errorClass ?? null,
      errorName: failure?.errorName ?? null,
      errorMessage: failure?.errorMessage ?? null,
      httpStatus: failure?.httpStatus ?? null,
      durationMs: Math.round(performance.now() - run.clock),
      attemptNumber: attempt,
      correlationId: payload.correlationId,
      jobId,
      startedAt: run.startedAt,
    });
    if (handler && result) await recordSuccess(tx, handler, payload, result, jobId);
    else if (handler) await recordFailure(tx, deps, handler, payload, attempt, failure ?? describeFailure(new Error('no outcome')), jobId);
    // (no handler: nothing to set a status on; the attempt row shows the missing handler)
    if (run.claimedBy) await completeClaimedJob(tx, jobId, run.claimedBy);
    if (deps.crashAt === 'mid_commit') await crashNow(); // everything written, COMMIT not yet sent
  });
  recordSyncAttemptMetric(deps.db, { recordType: payload.recordType, outcome: result ? 'success' : (failure?.outcome ?? 'crashed'), errorClass: failure?.errorClass ?? null, correlationId: payload.correlationId });
}

async function recordSuccess(tx: Tx, handler: SyncHandler, payload: SyncJobPayload, result: SyncResult, jobId: string) {
  for (const link of result.links ?? []) {
    await tx
      .insert(syncLinks)
      .values({ recordType: payload.recordType, recordId: payload.recordId, ...link })
      .onConflictDoUpdate({
        target: [syncLinks.recordType, syncLinks.recordId, syncLinks.purpose],
        set: { odooModel: link.odooModel, odooId: link.odooId, reference: link.reference },
      });
  }
  await setStatusUnlessNewerRequest(tx, handler, payload, 'synced', jobId);
  await resolveExceptionsFor(tx, payload.recordType, payload.recordId, SYNC_EXCEPTION_CAUSE, 'Resolved automatically: a later sync succeeded.');
}

async function recordFailure(tx: Tx, deps: SyncEngineDeps, handler: SyncHandler, payload: SyncJobPayload, attempt: number, failure: SyncFailure, jobId: string) {
  const retryable = failure.outcome === 'transient_error' || failure.outcome === 'crashed' || failure.outcome === 'ambiguous';
  if (retryable && attempt < deps.retry.maxAttempts) {
    // "Maybe succeeded" is settled by re-reading Odoo soon (the handler adopts); the rest backs off.
    const delay = failure.outcome === 'ambiguous' ? deps.ambiguousDelayMs : retryDelayMs(attempt, deps.retry, deps.random);
    await addSyncJob(tx, { ...payload, attempt: attempt + 1 }, { runAt: new Date(Date.now() + delay), mode: 'preserve_run_at' });
    await handler.setSyncStatus(tx, payload.recordId, 'pending');
    return;
  }
  const record = await handler.describe(tx, payload.recordId);
  const reference = record?.reference ?? payload.recordId;
  const wording = exceptionWording(failure, reference, attempt);
  await raiseException(tx, {
    category: 'sync_failure',
    cause: SYNC_EXCEPTION_CAUSE,
    recordType: payload.recordType,
    recordId: payload.recordId,
    recordReference: reference,
    projectId: record?.projectId ?? null,
    amountAtStake: record?.amountAtStake ?? null,
    errorName: failure.errorName,
    minimumSeverity: failure.outcome === 'configuration_error' || failure.outcome === 'programming_error' ? 'high' : undefined,
    ...wording,
  });
  await setStatusUnlessNewerRequest(tx, handler, payload, failure.outcome === 'configuration_error' ? 'blocked' : 'failed', jobId);
}

/**
 * A request made while this job ran created a newer job for the record (see requestSync): the record
 * stays 'pending' until that one has run, instead of flashing a status it is about to lose.
 */
async function setStatusUnlessNewerRequest(tx: Tx, handler: SyncHandler, payload: SyncJobPayload, status: SyncStatus, jobId: string) {
  const newer = await tx.execute(
    sql`SELECT 1 FROM graphile_worker.jobs WHERE key = ${syncJobKey(payload.recordType, payload.recordId)} AND id <> ${jobId}::bigint LIMIT 1`,
  );
  await handler.setSyncStatus(tx, payload.recordId, newer.rows.length > 0 ? 'pending' : status);
}
