import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { getBusinessKpis, type Kpi } from '@/server/modules/operations/business-kpis.queries';
import { getSloStatus, type SloStatus } from '@/server/modules/operations/slo';

export type QueueRow = { task: string; depth: number; ready: number; oldestSeconds: number | null };

/** graphile-worker's public `jobs` view only (never its private tables). */
export async function readQueue(db: DbOrTx): Promise<QueueRow[]> {
  const result = await db.execute<QueueRow>(sql`
    SELECT task_identifier AS task, count(*)::int AS depth,
           count(*) FILTER (WHERE run_at <= now() AND locked_at IS NULL)::int AS ready,
           extract(epoch FROM now() - min(run_at) FILTER (WHERE run_at <= now()))::float8 AS "oldestSeconds"
    FROM graphile_worker.jobs WHERE attempts < max_attempts
    GROUP BY task_identifier`);
  return result.rows;
}

export type OperationalGauges = {
  exceptions: { category: string; severity: string; count: number }[];
  drift: { recordType: string; kind: string; count: number }[];
  lastReconciliationEpoch: number | null;
  kpis: Kpi[];
  slos: SloStatus[];
  alerts: { rule: string; count: number }[];
};

const DRIFT_KINDS = ['missing', 'duplicated', 'amountChanged', 'stateChanged', 'cancelled', 'failed'];

export async function readOperationalGauges(db: DbOrTx): Promise<OperationalGauges> {
  const exceptions = await db.execute<{ category: string; severity: string; count: number }>(sql`
    SELECT category::text, severity::text, count(*)::int AS count FROM exceptions WHERE status = 'open' GROUP BY 1, 2`);
  const recon = await db.execute<{ counts: Record<string, unknown> | null; finished: number | null }>(sql`
    SELECT counts, extract(epoch FROM finished_at)::float8 AS finished FROM reconciliation_runs
    WHERE status <> 'running' ORDER BY finished_at DESC NULLS LAST LIMIT 1`);
  const last = recon.rows[0];
  const drift: OperationalGauges['drift'] = [];
  for (const [recordType, counts] of Object.entries(last?.counts ?? {})) {
    for (const kind of DRIFT_KINDS) {
      const value =
        counts && typeof counts === 'object' ? (counts as Record<string, unknown>)[kind] : undefined;
      drift.push({ recordType, kind, count: typeof value === 'number' ? value : 0 });
    }
  }
  const slos = await getSloStatus(db);
  const exceptionSlo = slos.find((s) => s.workflow === 'exceptions');
  const kpis = await getBusinessKpis(db, { exceptionBusinessDays: exceptionSlo?.threshold ?? 2 });
  const alerts = await db.execute<{ rule: string; count: number }>(
    sql`SELECT rule, count(*)::int AS count FROM alerts WHERE status = 'open' GROUP BY rule`,
  );
  return {
    exceptions: exceptions.rows,
    drift,
    lastReconciliationEpoch: last?.finished ?? null,
    kpis,
    slos,
    alerts: alerts.rows,
  };
}
