import { sql } from 'drizzle-orm';
import type { JobHelpers } from 'graphile-worker';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { syncAttempts, syncLinks } from '@/db/schema';
import { env } from '@/server/env';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import type { OdooClient } from '@/server/odoo/client';
import { retryDelayMs, type RetryPolicy } from './backoff';
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
  /** Test hook (SYNC_CRASH_AT): die like a SIGKILLed worker between the Odoo call and the commit. */
  crashAt?: 'after_odoo_call';
  random?: () => number;
};

export function syncPoliciesFromEnv(): Pick<SyncEngineDeps, 'retry' | 'ambiguousDelayMs' | 'crashAt'> {
  const config = env();
  return {
    retry: { baseMs: config.SYNC_RETRY_BASE_MS, capMs: config.SYNC_RETRY_CAP_MS, maxAttempts: config.SYNC_MAX_ATTEMPTS },
    ambiguousDelayMs: config.SYNC_AMBIGUOUS_DELAY_MS,
    crashAt: config.SYNC_CRASH_AT,
  };
}

const payloadSchema = z.object({
  recordType: z.string().min(1),
  recordId: z.string().uuid(),
  correlationId: z.string().uuid().nullish(),
  attempt: z.number().int().min(1).default(1),
});

/**
 * One execution of a sync job = ONE sync_attempts row. The handler's outcome is recorded and acted on
 * in a single transaction (attempt row, links, sync_status, exception, retry job), and a classified
 * failure never throws out of the task: graphile-worker's own retry is kept for the case where that
 * transaction itself fails (database down), so attempts are not double-counted.
 */
export async function runSyncJob(deps: SyncEngineDeps, rawPayload: unknown, helpers: JobHelpers): Promise<void> {
  const parsed = payloadSchema.safeParse(rawPayload);
  if (!parsed.success) {
    helpers.logger.error(`sync job ${helpers.job.id} has an unreadable payload; dropped`);
    return;
  }
  const payload: SyncJobPayload = { ...parsed.data, correlationId: parsed.data.correlationId ?? null };
  // A job re-run after its worker died (graphile attempts > 1) is one more attempt of the series.
  const attempt = payload.attempt + Math.max(0, helpers.job.attempts - 1);
  const handler = findSyncHandler(payload.recordType);
  const startedAt = new Date();
  const clock = performance.now();
  let result: SyncResult | undefined;
  let failure: SyncFailure | undefined;
  try {
    if (!handler) throw new Error(`No sync handler for record type "${payload.recordType}"`);
    result = await handler.sync({ db: deps.db, odoo: await deps.odoo(deps.db), recordId: payload.recordId, attempt, correlationId: payload.correlationId });
  } catch (error) {
    failure = describeFailure(error);
  }
  if (deps.crashAt === 'after_odoo_call') {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // never reached: nothing may be recorded after the "crash"
  }
  const durationMs = Math.round(performance.now() - clock);

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
      durationMs,
      attemptNumber: attempt,
      correlationId: payload.correlationId,
      jobId: String(helpers.job.id),
      startedAt,
    });
    if (!handler) return; // nothing to set a status on; the attempt row shows the missing handler
    if (result) await recordSuccess(tx, handler, payload, result, helpers.job.id);
    else if (failure) await recordFailure(tx, deps, handler, payload, attempt, failure, helpers.job.id);
  });
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
    minimumSeverity: failure.outcome === 'configuration_error' ? 'high' : undefined,
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
