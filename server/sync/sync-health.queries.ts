import { and, desc, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { reconciliationRuns, syncAttempts } from '@/db/schema';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';

export type HealthWindow = '24h' | '7d';
const WINDOWS: Record<HealthWindow, { interval: string; bucket: 'hour' | 'day' }> = {
  '24h': { interval: '24 hours', bucket: 'hour' },
  '7d': { interval: '7 days', bucket: 'day' },
};

export type OutcomeBucket = { bucket: string; outcome: string; count: number };
export type LatencyRow = {
  recordType: string;
  samples: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
};
export type SyncHealth = {
  queueDepth: number;
  readyJobs: number;
  oldestPendingSeconds: number | null;
  attempts: OutcomeBucket[];
  /** The same, one row per time bucket with a count per outcome (chart-ready). */
  attemptSeries: Record<string, string | number>[];
  totalAttempts: number;
  successfulAttempts: number;
  /** successes ÷ attempts in the window, 0–1; null when nothing ran. */
  successRate: number | null;
  latency: LatencyRow[];
  lastReconciliation: typeof reconciliationRuns.$inferSelect | null;
};

/**
 * The sync health page (deployment-wide: the queue and the attempts are not per organisation):
 * graphile-worker's pending sync jobs, attempts by outcome over the window, the success rate, the
 * approval-to-Odoo latency (the approval audit event's correlation id → the first successful attempt
 * carrying it) p50/p95 per record type, and the last reconciliation run.
 */
export async function getSyncHealth(db: DbOrTx, window: HealthWindow = '24h'): Promise<SyncHealth> {
  const { interval, bucket } = WINDOWS[window];
  const since = sql`now() - ${interval}::interval`;
  const queue = await db.execute<{ depth: number; ready: number; oldest: number | null }>(sql`
    SELECT count(*)::int AS depth,
           count(*) FILTER (WHERE run_after <= now() AND claimed_by IS NULL)::int AS ready,
           extract(epoch FROM now() - min(run_after) FILTER (WHERE run_after <= now()))::float8 AS oldest
    FROM sync_requests`);
  const attempts = await db
    .select({
      bucket: sql<string>`to_char(date_trunc(${bucket}, ${syncAttempts.finishedAt}) AT TIME ZONE 'UTC', ${bucket === 'hour' ? 'YYYY-MM-DD HH24:00' : 'YYYY-MM-DD'})`,
      outcome: syncAttempts.outcome,
      count: sql<number>`count(*)::int`,
    })
    .from(syncAttempts)
    .where(gte(syncAttempts.finishedAt, since))
    .groupBy(sql`1`, syncAttempts.outcome)
    .orderBy(sql`1`);
  const latency = await db.execute<LatencyRow>(sql`
    WITH approvals AS (
      SELECT correlation_id, min(occurred_at) AS approved_at FROM audit_events
      WHERE correlation_id IS NOT NULL AND action NOT LIKE '%retry%' AND occurred_at >= ${since}
      GROUP BY correlation_id),
    first_success AS (
      SELECT record_type, correlation_id, min(finished_at) AS synced_at FROM sync_attempts
      WHERE outcome = 'success' AND correlation_id IS NOT NULL GROUP BY record_type, correlation_id)
    SELECT s.record_type AS "recordType", count(*)::int AS samples,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.synced_at - a.approved_at))::float8 AS "p50Seconds",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM s.synced_at - a.approved_at))::float8 AS "p95Seconds"
    FROM first_success s JOIN approvals a USING (correlation_id)
    GROUP BY s.record_type ORDER BY s.record_type`);
  const [last] = await db
    .select()
    .from(reconciliationRuns)
    .orderBy(desc(reconciliationRuns.startedAt))
    .limit(1);
  const totalAttempts = attempts.reduce((n, a) => n + a.count, 0);
  const successfulAttempts = attempts.filter((a) => a.outcome === 'success').reduce((n, a) => n + a.count, 0);
  const row = queue.rows[0];
  return {
    queueDepth: row?.depth ?? 0,
    readyJobs: row?.ready ?? 0,
    oldestPendingSeconds: row?.oldest ?? null,
    attempts,
    attemptSeries: pivot(attempts),
    totalAttempts,
    successfulAttempts,
    successRate: totalAttempts === 0 ? null : successfulAttempts / totalAttempts,
    latency: latency.rows,
    lastReconciliation: last ?? null,
  };
}

const columns = {
  recordType: { sql: syncAttempts.recordType, filter: 'equals' },
  outcome: { sql: syncAttempts.outcome, filter: 'equals' },
  operation: { sql: syncAttempts.operation, filter: 'contains' },
  errorName: { sql: syncAttempts.errorName, filter: 'contains' },
  finishedAt: { sql: syncAttempts.finishedAt },
  durationMs: { sql: syncAttempts.durationMs },
  attemptNumber: { sql: syncAttempts.attemptNumber },
} satisfies ListColumns;

export type SyncAttemptRow = {
  id: number;
  recordType: string;
  recordId: string;
  operation: string;
  outcome: string;
  errorName: string | null;
  errorMessage: string | null;
  durationMs: number;
  attemptNumber: number;
  finishedAt: Date;
};

/** The drill-down under the charts: attempts, newest first, filterable by record type and outcome. */
export async function listSyncAttempts(db: DbOrTx, input: ListInput): Promise<ListResult<SyncAttemptRow>> {
  const where = and(listFilters(columns, input, ['operation', 'errorName']));
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: syncAttempts.id,
      recordType: syncAttempts.recordType,
      recordId: syncAttempts.recordId,
      operation: syncAttempts.operation,
      outcome: syncAttempts.outcome,
      errorName: syncAttempts.errorName,
      errorMessage: syncAttempts.errorMessage,
      durationMs: syncAttempts.durationMs,
      attemptNumber: syncAttempts.attemptNumber,
      finishedAt: syncAttempts.finishedAt,
    })
    .from(syncAttempts)
    .where(where)
    .orderBy(...listOrder(columns, input, [desc(syncAttempts.id)]))
    .limit(limit)
    .offset(offset);
  const [total] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(syncAttempts)
    .where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

function pivot(attempts: OutcomeBucket[]): Record<string, string | number>[] {
  const rows = new Map<string, Record<string, string | number>>();
  for (const a of attempts) {
    const row = rows.get(a.bucket) ?? { bucket: a.bucket };
    row[a.outcome] = a.count;
    rows.set(a.bucket, row);
  }
  return [...rows.values()];
}
