import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { currentWork } from './context';

/**
 * Plumbline's Prometheus metrics, one registry per process (kept on globalThis: Next bundles route
 * handlers and the tRPC handler separately, and both must see the same counters). Counters and
 * histograms are recorded where things happen (sync attempts, Odoo calls, tRPC procedures); gauges
 * that describe the database (queue, exceptions, drift, business KPIs, SLOs, alerts) are read with a
 * few SQL statements when Prometheus scrapes (`renderMetrics`).
 */
function build() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'plumbline_process_' });
  const m = {
    registry,
    syncAttempts: new Counter({
      name: 'plumbline_sync_attempts_total',
      help: 'Sync attempts by record type, outcome and error class',
      labelNames: ['record_type', 'outcome', 'error_class'] as const,
      registers: [registry],
    }),
    approvalToOdoo: new Histogram({
      name: 'plumbline_sync_approval_to_odoo_seconds',
      help: 'From the approval (audit event with the correlation id) to the first successful sync carrying it, by workflow',
      labelNames: ['workflow'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
      registers: [registry],
    }),
    odooCall: new Histogram({
      name: 'plumbline_odoo_call_duration_seconds',
      help: 'Odoo HTTP call latency by result (2xx, 4xx, 5xx, network)',
      labelNames: ['result'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    odooCallsPerRecord: new Histogram({
      name: 'plumbline_odoo_calls_per_record',
      help: 'Odoo HTTP calls per synced record (a batch divides its calls by its records)',
      labelNames: ['record_type'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21],
      registers: [registry],
    }),
    trpc: new Histogram({
      name: 'plumbline_http_request_duration_seconds',
      help: 'tRPC request latency by procedure, type and result',
      labelNames: ['procedure', 'type', 'ok'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'plumbline_queue_depth',
      help: 'graphile-worker jobs not yet permanently failed, by task',
      labelNames: ['task'] as const,
      registers: [registry],
    }),
    queueReady: new Gauge({
      name: 'plumbline_queue_ready',
      help: 'Jobs due now and not locked, by task',
      labelNames: ['task'] as const,
      registers: [registry],
    }),
    queueOldest: new Gauge({
      name: 'plumbline_queue_oldest_job_age_seconds',
      help: 'Age of the oldest due job (now − run_at), by task',
      labelNames: ['task'] as const,
      registers: [registry],
    }),
    exceptionsOpen: new Gauge({
      name: 'plumbline_exceptions_open',
      help: 'Open exceptions by category and severity',
      labelNames: ['category', 'severity'] as const,
      registers: [registry],
    }),
    drift: new Gauge({
      name: 'plumbline_reconciliation_drift',
      help: 'Drift found by the last finished reconciliation run, by record type and kind',
      labelNames: ['record_type', 'kind'] as const,
      registers: [registry],
    }),
    reconciliationLast: new Gauge({
      name: 'plumbline_reconciliation_last_finished_timestamp_seconds',
      help: 'When the last reconciliation run finished (0: never)',
      registers: [registry],
    }),
    kpiItems: new Gauge({
      name: 'plumbline_kpi_items',
      help: 'Business KPIs: items waiting (claims approved not released, bills drafted not posted, milestones reached not invoiced, exceptions past SLO)',
      labelNames: ['kpi'] as const,
      registers: [registry],
    }),
    kpiAmount: new Gauge({
      name: 'plumbline_kpi_amount',
      help: 'Business KPIs: money at stake in each',
      labelNames: ['kpi'] as const,
      registers: [registry],
    }),
    sloCompliance: new Gauge({
      name: 'plumbline_slo_compliance_ratio',
      help: 'Share of approvals in the SLO window that reached Odoo within the target, by workflow',
      labelNames: ['workflow'] as const,
      registers: [registry],
    }),
    sloBurn: new Gauge({
      name: 'plumbline_slo_error_budget_burn',
      help: 'Error budget used in the SLO window (1 = exhausted), by workflow',
      labelNames: ['workflow'] as const,
      registers: [registry],
    }),
    alertsOpen: new Gauge({
      name: 'plumbline_alerts_open',
      help: 'Open operational alerts by rule',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
    poolTotal: new Gauge({
      name: 'plumbline_db_pool_clients',
      help: 'Clients of the application pool',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    poolWaiting: new Gauge({
      name: 'plumbline_db_pool_waiting',
      help: 'Queries waiting for a pool client right now',
      registers: [registry],
    }),
    poolWaits: new Counter({
      name: 'plumbline_db_pool_waits_total',
      help: 'Checkouts that had to wait for a pool client',
      registers: [registry],
    }),
    poolWaitSeconds: new Histogram({
      name: 'plumbline_db_pool_wait_seconds',
      help: 'Time a checkout waited for a pool client',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    collectErrors: new Counter({
      name: 'plumbline_metrics_collect_errors_total',
      help: 'Scrapes whose database gauges could not be read',
      registers: [registry],
    }),
  };
  return m;
}

type Metrics = ReturnType<typeof build>;
const globalForMetrics = globalThis as unknown as {
  plumblineMetrics?: Metrics;
  plumblineMetricsDb?: () => Db;
};

export function metrics(): Metrics {
  globalForMetrics.plumblineMetrics ??= build();
  return globalForMetrics.plumblineMetrics;
}

/** Tests: a fresh registry. */
export function resetMetrics(): void {
  globalForMetrics.plumblineMetrics = undefined;
}

/** Whether a process has said which pool the database gauges read. */
export function hasMetricsDb(): boolean {
  return globalForMetrics.plumblineMetricsDb !== undefined;
}

/** The pool the database gauges read (the web app's or the worker's). */
export function setMetricsDb(db: () => Db): void {
  globalForMetrics.plumblineMetricsDb = db;
  instrumentPool(db());
}

const instrumented = new WeakSet<object>();

/** Counts and times checkouts that found every client busy (DB pool waits). */
export function instrumentPool(db: Db): void {
  const pool = db.$client;
  if (instrumented.has(pool)) return;
  instrumented.add(pool);
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    const waiting = pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? 10);
    if (!waiting) return connect(...args);
    const started = performance.now();
    metrics().poolWaits.inc();
    const observe = () => metrics().poolWaitSeconds.observe((performance.now() - started) / 1000);
    if (typeof args[0] === 'function') {
      const callback = args[0] as (...a: unknown[]) => void;
      return connect((...a: unknown[]) => {
        observe();
        callback(...a);
      });
    }
    return (connect() as Promise<unknown>).finally(observe);
  };
}

export type SyncAttemptMetric = {
  recordType: string;
  outcome: string;
  errorClass: string | null;
  correlationId: string | null;
};

/**
 * The engine's one hook, called once per attempt after its transaction committed. A success carrying
 * a correlation id also observes approval → Odoo latency (read from the approval's audit row).
 */
export function recordSyncAttemptMetric(db: Db, attempt: SyncAttemptMetric): void {
  try {
    const m = metrics();
    m.syncAttempts.inc({
      record_type: attempt.recordType,
      outcome: attempt.outcome,
      error_class: attempt.errorClass ?? 'none',
    });
    const work = currentWork();
    if (work) work.recordsRecorded += 1;
    if (attempt.outcome !== 'success' || !attempt.correlationId) return;
    db.execute<{ seconds: number | null; first: boolean }>(
      sql`
      SELECT extract(epoch FROM now() - (SELECT min(occurred_at) FROM audit_events WHERE correlation_id = ${attempt.correlationId}))::float8 AS seconds,
             (SELECT count(*) FROM sync_attempts WHERE correlation_id = ${attempt.correlationId} AND record_type = ${attempt.recordType} AND outcome = 'success') = 1 AS first`,
    )
      .then((result) => {
        const row = result.rows[0];
        if (row && row.first && row.seconds !== null)
          m.approvalToOdoo.observe({ workflow: attempt.recordType }, row.seconds);
      })
      .catch(() => m.collectErrors.inc());
  } catch {
    // metrics never break a sync
  }
}

/** Wraps the Odoo client's fetch (client.ts, one place): latency, calls per job, X-Correlation-Id. */
export function instrumentOdooFetch<F extends (input: string, init: RequestInit) => Promise<Response>>(
  fetchImpl: F,
): F {
  const wrapped = async (input: string, init: RequestInit) => {
    const work = currentWork();
    if (work) work.odooCalls += 1;
    const headers = new Headers(init.headers);
    if (work?.correlationId) headers.set('X-Correlation-Id', work.correlationId);
    const started = performance.now();
    let result = 'network';
    try {
      const response = await fetchImpl(input, { ...init, headers });
      result = `${Math.floor(response.status / 100)}xx`;
      return response;
    } finally {
      try {
        metrics().odooCall.observe({ result }, (performance.now() - started) / 1000);
      } catch {
        // never break a call
      }
    }
  };
  return wrapped as F;
}

/** After a job: its Odoo calls divided by the records it recorded. */
export function observeOdooCallsPerRecord(
  recordType: string | null,
  odooCalls: number,
  records: number,
): void {
  if (!recordType || records === 0) return;
  metrics().odooCallsPerRecord.observe({ record_type: recordType }, odooCalls / records);
}

export function observeTrpc(procedure: string, type: string, ok: boolean, seconds: number): void {
  metrics().trpc.observe({ procedure, type, ok: ok ? 'true' : 'false' }, seconds);
}

/** The gauges read from PostgreSQL, then the whole registry in the text format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  const getDb = globalForMetrics.plumblineMetricsDb;
  if (getDb) {
    try {
      await refreshDatabaseGauges(getDb(), m);
    } catch {
      m.collectErrors.inc();
    }
  }
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

async function refreshDatabaseGauges(db: Db, m: Metrics): Promise<void> {
  const pool = db.$client;
  m.poolTotal.set({ state: 'total' }, pool.totalCount);
  m.poolTotal.set({ state: 'idle' }, pool.idleCount);
  m.poolWaiting.set(pool.waitingCount);
  const { readQueue, readOperationalGauges } = await import('./operational.queries');
  const queue = await readQueue(db);
  m.queueDepth.reset();
  m.queueReady.reset();
  m.queueOldest.reset();
  for (const row of queue) {
    m.queueDepth.set({ task: row.task }, row.depth);
    m.queueReady.set({ task: row.task }, row.ready);
    m.queueOldest.set({ task: row.task }, row.oldestSeconds ?? 0);
  }
  const gauges = await readOperationalGauges(db);
  m.exceptionsOpen.reset();
  for (const row of gauges.exceptions)
    m.exceptionsOpen.set({ category: row.category, severity: row.severity }, row.count);
  m.drift.reset();
  for (const d of gauges.drift) m.drift.set({ record_type: d.recordType, kind: d.kind }, d.count);
  m.reconciliationLast.set(gauges.lastReconciliationEpoch ?? 0);
  m.kpiItems.reset();
  m.kpiAmount.reset();
  for (const kpi of gauges.kpis) {
    m.kpiItems.set({ kpi: kpi.key }, kpi.count);
    m.kpiAmount.set({ kpi: kpi.key }, Number(kpi.amount));
  }
  m.sloCompliance.reset();
  m.sloBurn.reset();
  for (const slo of gauges.slos) {
    if (slo.compliance !== null) m.sloCompliance.set({ workflow: slo.workflow }, slo.compliance);
    m.sloBurn.set({ workflow: slo.workflow }, slo.budgetBurn);
  }
  m.alertsOpen.reset();
  for (const alert of gauges.alerts) m.alertsOpen.set({ rule: alert.rule }, alert.count);
}
