import { sql } from 'drizzle-orm';
import type { JobHelpers } from 'graphile-worker';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { syncAttempts, syncLinks } from '@/db/schema';
import { env } from '@/server/env';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception-raise.service';
import type { OdooClient } from '@/server/odoo/client';
import { recordSyncAttemptMetric } from '@/server/observability/metrics';
import { retryDelayMs, type RetryPolicy } from './backoff';
import { crashBeforeFirstWrite, crashNow, type SyncCrashPoint } from './crash';
import {
  syncWakeKey,
  wakeSyncJob,
  type SyncJobPayload,
  type SyncWakeOptions,
  type SyncWakePayload,
} from './enqueue';
import { describeFailure, exceptionWording, type SyncFailure } from './failure';
import {
  applySyncEffects,
  findSyncHandler,
  type SyncBatchOutcome,
  type SyncHandler,
  type SyncResult,
} from './registry';

/** All sync failures of a record share one open exception, updated as the failure recurs or changes. */
export const SYNC_EXCEPTION_CAUSE = 'odoo_sync';

export type SyncBatchOptions = {
  /** At most this many records per handler call (syncBatch); 1 turns batching off. */
  maxSize: number;
};

export type SyncEngineDeps = {
  db: Db;
  /** Throws an OdooConfigurationError when no connection is configured (→ 'blocked', not a crash). */
  /** Resolved per job, so a connection saved on Admin → Odoo takes effect without a restart. */
  odoo: (db: Db) => OdooClient | Promise<OdooClient>;
  retry: RetryPolicy;
  ambiguousDelayMs: number;
  /** Test hook (SYNC_CRASH_AT, see crash.ts): die like a SIGKILLed worker at this point of a job. */
  crashAt?: SyncCrashPoint;
  /** How many due requests one round claims (a handler with `syncBatch` gets them in one call). */
  batch?: SyncBatchOptions;
  random?: () => number;
};

export function syncPoliciesFromEnv(): Pick<
  SyncEngineDeps,
  'retry' | 'ambiguousDelayMs' | 'crashAt' | 'batch'
> {
  const config = env();
  return {
    retry: {
      baseMs: config.SYNC_RETRY_BASE_MS,
      capMs: config.SYNC_RETRY_CAP_MS,
      maxAttempts: config.SYNC_MAX_ATTEMPTS,
    },
    ambiguousDelayMs: config.SYNC_AMBIGUOUS_DELAY_MS,
    crashAt: config.SYNC_CRASH_AT,
    batch: { maxSize: config.SYNC_BATCH_MAX },
  };
}

async function odooFor(deps: SyncEngineDeps): Promise<OdooClient> {
  const odoo = await deps.odoo(deps.db);
  return deps.crashAt === 'after_odoo_search' ? crashBeforeFirstWrite(odoo) : odoo;
}

/** A sync job's payload (validated by its task definition, runner.ts). */
export const syncWakePayload = z.object({ recordType: z.string().min(1) });

/** Records of a type whose handler is not `batched` are claimed a few at a time and synced side by side. */
const UNBATCHED_CLAIM = 4;
/** A job drains at most this many rounds, then hands over to a fresh job (so a stop never waits long). */
const MAX_ROUNDS = 20;

/** One claimed request: its record, attempt number and the generation it was claimed at. */
type Claim = {
  payload: SyncJobPayload;
  generation: number;
  workerId: string;
  jobId: string;
  startedAt: Date;
  clock: number;
};
type Outcome = { result?: SyncResult; failure?: SyncFailure };

/**
 * A sync job (graphile task SYNC_TASK, payload `{ recordType }`, one task definition in runner.ts) drains the due sync_requests of its
 * record type: each round claims up to `batch.maxSize` of them with FOR UPDATE SKIP LOCKED (so a
 * record is synced by one worker at a time), syncs them with ONE handler call (`syncBatch`), then
 * records the whole round in ONE transaction (recordBatch): per record ONE sync_attempts row, the
 * handler's effects, links, sync_status, exception, and the request itself (deleted when settled,
 * rescheduled for a retry, released when a newer request came meanwhile).
 * A classified failure never throws out of the task; graphile's own retry is kept for the case where
 * recording itself fails (database down): the unrecorded claims are released first.
 *
 * Crash recovery: a claim carries the graphile worker id; the heartbeat sweeper releases the claims
 * of a dead worker together with its graphile jobs (heartbeat.ts), and the claim already counted as
 * an attempt. The handlers are level-triggered (search before create), so a re-run adopts.
 */
export async function runSyncJob(
  deps: SyncEngineDeps,
  payload: SyncWakePayload,
  helpers: JobHelpers,
): Promise<void> {
  const { recordType } = payload;
  const handler = findSyncHandler(recordType);
  const workerId = helpers.job.locked_by ?? `job-${helpers.job.id}`;
  const limit =
    handler?.batched && deps.batch && deps.batch.maxSize > 1 ? deps.batch.maxSize : UNBATCHED_CLAIM;
  for (let round = 0; ; round++) {
    if (round === MAX_ROUNDS || helpers.abortSignal?.aborted) {
      // hand the rest (if any) over to a fresh job rather than hold this one
      await deps.db.transaction((tx) => wakeSyncJob(tx, recordType, { runAt: null, shard: 0 }));
      return;
    }
    const claims = await claimRequests(deps.db, {
      recordType,
      workerId,
      limit,
      jobId: String(helpers.job.id),
    });
    if (claims.length === 0) return;
    await runClaims(deps, handler, claims);
  }
}

async function claimRequests(
  db: Db,
  input: { recordType: string; workerId: string; limit: number; jobId: string },
): Promise<Claim[]> {
  const result = await db.execute<{
    record_id: string;
    correlation_id: string | null;
    attempt: number;
    generation: number;
  }>(sql`
    WITH due AS (
      SELECT record_type, record_id FROM sync_requests
      WHERE record_type = ${input.recordType} AND claimed_by IS NULL AND run_after <= now()
      ORDER BY run_after
      LIMIT ${input.limit}
      FOR UPDATE SKIP LOCKED)
    UPDATE sync_requests AS r SET claimed_by = ${input.workerId}, claimed_at = now(), attempt = r.attempt + 1
    FROM due WHERE r.record_type = due.record_type AND r.record_id = due.record_id
    RETURNING r.record_id::text AS record_id, r.correlation_id::text AS correlation_id, r.attempt - 1 AS attempt, r.generation`);
  return result.rows.map((row) => ({
    payload: {
      recordType: input.recordType,
      recordId: row.record_id,
      correlationId: row.correlation_id,
      attempt: Number(row.attempt),
    },
    generation: Number(row.generation),
    workerId: input.workerId,
    jobId: input.jobId,
    startedAt: new Date(),
    clock: performance.now(),
  }));
}

/** Hands claims back unrecorded (the run that claimed them failed before recording): due again. */
async function releaseClaims(db: Db, claims: Claim[]): Promise<void> {
  if (claims.length === 0) return;
  await db.execute(sql`
    UPDATE sync_requests SET claimed_by = NULL, claimed_at = NULL, run_after = greatest(run_after, now() + interval '1 second')
    WHERE record_type = ${claims[0]!.payload.recordType} AND record_id = ANY(${sql.param(claims.map((claim) => claim.payload.recordId))}::uuid[])
      AND claimed_by = ${claims[0]!.workerId}`);
}

/** Every handler is driven through its one entry point, `syncBatch` (a single record is a batch of one). */
async function syncClaims(
  deps: SyncEngineDeps,
  handler: SyncHandler,
  claims: Claim[],
): Promise<Map<string, SyncBatchOutcome>> {
  const odoo = await odooFor(deps);
  const items = claims.map((claim) => ({
    recordId: claim.payload.recordId,
    attempt: claim.payload.attempt,
    correlationId: claim.payload.correlationId,
  }));
  return handler.syncBatch({ db: deps.db, odoo, items });
}

async function runClaims(deps: SyncEngineDeps, handler: SyncHandler | undefined, claims: Claim[]) {
  let recorded = false;
  try {
    if (deps.crashAt === 'after_claim') await crashNow();
    const outcomes = new Map<string, Outcome>();
    try {
      if (!handler) throw new Error(`No sync handler for record type "${claims[0]!.payload.recordType}"`);
      const answers = await syncClaims(deps, handler, claims);
      for (const claim of claims) {
        const answer = answers.get(claim.payload.recordId);
        if (answer && 'result' in answer) outcomes.set(claim.payload.recordId, { result: answer.result });
        else
          outcomes.set(claim.payload.recordId, {
            failure: describeFailure(
              answer
                ? answer.error
                : new Error(`The batch sync returned no outcome for ${claim.payload.recordId}`),
            ),
          });
      }
    } catch (error) {
      const failure = describeFailure(error);
      for (const claim of claims) outcomes.set(claim.payload.recordId, { failure });
    }
    if (deps.crashAt === 'after_odoo_call') await crashNow();
    await recordBatch(deps, handler, claims, outcomes);
    recorded = true;
    if (deps.crashAt === 'after_commit') await crashNow();
  } finally {
    if (!recorded) await releaseClaims(deps.db, claims);
  }
}

/**
 * The whole batch in ONE transaction (one commit per claim round, not one per record): per record,
 * in a savepoint, its attempt row, its effects, links, the end of its request, its sync status and
 * exceptions. A record whose effects or recording fail has its savepoint rolled back and is recorded
 * as a failed attempt instead (counted, retried like a crash), so one record never sinks the others.
 * The wake jobs the records need are added last, once each and in key order (two batches never wait
 * on each other's job keys in opposite orders).
 */
async function recordBatch(
  deps: SyncEngineDeps,
  handler: SyncHandler | undefined,
  claims: Claim[],
  outcomes: Map<string, Outcome>,
): Promise<void> {
  const recorded: { payload: SyncJobPayload; outcome: Outcome }[] = [];
  await deps.db.transaction(async (tx) => {
    const wakes = new Map<string, SyncWakeOptions>();
    for (const claim of claims) {
      let outcome = outcomes.get(claim.payload.recordId) ?? {};
      let own = new Map<string, SyncWakeOptions>();
      try {
        await tx.transaction((savepoint) => recordAttempt(savepoint, deps, handler, claim, outcome, own));
      } catch (error) {
        // its effects (or its recording) failed and were rolled back with its savepoint: a failed attempt
        outcome = { failure: { ...describeFailure(error), operation: 'record sync result' } };
        own = new Map();
        await tx.transaction((savepoint) => recordAttempt(savepoint, deps, handler, claim, outcome, own));
      }
      for (const [key, wake] of own) wakes.set(key, wake);
      recorded.push({ payload: claim.payload, outcome });
    }
    const recordType = claims[0]!.payload.recordType;
    for (const key of [...wakes.keys()].sort()) await wakeSyncJob(tx, recordType, wakes.get(key)!);
    if (deps.crashAt === 'mid_commit') await crashNow(); // everything written, COMMIT not yet sent
  });
  for (const { payload, outcome } of recorded)
    recordSyncAttemptMetric(deps.db, {
      recordType: payload.recordType,
      outcome: outcome.result ? 'success' : (outcome.failure?.outcome ?? 'crashed'),
      errorClass: outcome.failure?.errorClass ?? null,
      correlationId: payload.correlationId,
    });
}

/** Wake jobs a record's recording asks for, by job key (added by recordBatch at the end). */
type Wakes = Map<string, SyncWakeOptions>;

async function recordAttempt(
  tx: Tx,
  deps: SyncEngineDeps,
  handler: SyncHandler | undefined,
  claim: Claim,
  outcome: Outcome,
  wakes: Wakes,
): Promise<void> {
  const { payload } = claim;
  const { result, failure } = outcome;
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
    durationMs: Math.round(performance.now() - claim.clock),
    attemptNumber: payload.attempt,
    correlationId: payload.correlationId,
    jobId: claim.jobId,
    startedAt: claim.startedAt,
  });
  if (!handler)
    await settleRequest(tx, claim, wakes); // nothing can sync it; the attempt row shows the missing handler
  else if (result) await recordSuccess(tx, handler, claim, result, wakes);
  else
    await recordFailure(tx, deps, handler, claim, failure ?? describeFailure(new Error('no outcome')), wakes);
}

/**
 * Ends the claim: the request is deleted when no newer request came while it ran (same generation);
 * otherwise it is released, due at once, and a job is woken for it. Answers whether it was settled.
 */
async function settleRequest(tx: Tx, claim: Claim, wakes: Wakes): Promise<boolean> {
  const { recordType, recordId } = claim.payload;
  const deleted = await tx.execute(sql`
    DELETE FROM sync_requests WHERE record_type = ${recordType} AND record_id = ${recordId}::uuid
      AND claimed_by = ${claim.workerId} AND generation = ${claim.generation}
    RETURNING 1`);
  if (deleted.rows.length > 0) return true;
  await tx.execute(sql`
    UPDATE sync_requests SET claimed_by = NULL, claimed_at = NULL
    WHERE record_type = ${recordType} AND record_id = ${recordId}::uuid AND claimed_by = ${claim.workerId}`);
  wake(wakes, recordType, { runAt: null, shardOf: recordId });
  return false;
}

function wake(wakes: Wakes, recordType: string, options: SyncWakeOptions) {
  wakes.set(syncWakeKey(recordType, options), options);
}

async function recordSuccess(tx: Tx, handler: SyncHandler, claim: Claim, result: SyncResult, wakes: Wakes) {
  const { payload } = claim;
  // the domain writes that follow from Odoo's answer, in this transaction (registry.ts rule 5)
  await applySyncEffects(tx, result);
  for (const link of result.links ?? []) {
    await tx
      .insert(syncLinks)
      .values({ recordType: payload.recordType, recordId: payload.recordId, ...link })
      .onConflictDoUpdate({
        target: [syncLinks.recordType, syncLinks.recordId, syncLinks.purpose],
        set: { odooModel: link.odooModel, odooId: link.odooId, reference: link.reference },
      });
  }
  // a request made while this ran keeps the record 'pending' until that one has run
  const settled = await settleRequest(tx, claim, wakes);
  await handler.setSyncStatus(tx, payload.recordId, settled ? 'synced' : 'pending');
  await resolveExceptionsFor(
    tx,
    payload.recordType,
    payload.recordId,
    SYNC_EXCEPTION_CAUSE,
    'Resolved automatically: a later sync succeeded.',
  );
}

async function recordFailure(
  tx: Tx,
  deps: SyncEngineDeps,
  handler: SyncHandler,
  claim: Claim,
  failure: SyncFailure,
  wakes: Wakes,
) {
  const { payload } = claim;
  const retryable =
    failure.outcome === 'transient_error' || failure.outcome === 'crashed' || failure.outcome === 'ambiguous';
  if (retryable && payload.attempt < deps.retry.maxAttempts) {
    // "Maybe succeeded" is settled by re-reading Odoo soon (the handler adopts); the rest backs off.
    // A newer request (same row, newer generation) keeps its own earlier run time and attempt 1.
    const delay =
      failure.outcome === 'ambiguous'
        ? deps.ambiguousDelayMs
        : retryDelayMs(payload.attempt, deps.retry, deps.random);
    const runAt = new Date(Date.now() + delay);
    const retried = await tx.execute(sql`
      UPDATE sync_requests SET claimed_by = NULL, claimed_at = NULL, attempt = ${payload.attempt + 1}, run_after = ${runAt.toISOString()}::timestamptz
      WHERE record_type = ${payload.recordType} AND record_id = ${payload.recordId}::uuid AND claimed_by = ${claim.workerId} AND generation = ${claim.generation}
      RETURNING 1`);
    if (retried.rows.length > 0) wake(wakes, payload.recordType, { runAt });
    else await settleRequest(tx, claim, wakes);
    await handler.setSyncStatus(tx, payload.recordId, 'pending');
    return;
  }
  const record = await handler.describe(tx, payload.recordId);
  const reference = record?.reference ?? payload.recordId;
  const wording = exceptionWording(failure, reference, payload.attempt);
  await raiseException(tx, {
    category: 'sync_failure',
    cause: SYNC_EXCEPTION_CAUSE,
    recordType: payload.recordType,
    recordId: payload.recordId,
    recordReference: reference,
    projectId: record?.projectId ?? null,
    amountAtStake: record?.amountAtStake ?? null,
    errorName: failure.errorName,
    minimumSeverity:
      failure.outcome === 'configuration_error' || failure.outcome === 'programming_error'
        ? 'high'
        : undefined,
    ...wording,
  });
  const settled = await settleRequest(tx, claim, wakes);
  await handler.setSyncStatus(
    tx,
    payload.recordId,
    !settled ? 'pending' : failure.outcome === 'configuration_error' ? 'blocked' : 'failed',
  );
}
