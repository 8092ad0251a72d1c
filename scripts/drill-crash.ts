import { parseArgs } from 'node:util';
import { approveChangeOrder } from '@/server/modules/change-orders/change-order-approval.service';
import { SYNC_CRASH_POINTS, type SyncCrashPoint } from '@/server/sync/crash';
import {
  insertApprovedChangeOrders,
  insertSubmittedChangeOrders,
  requestChangeOrderSyncs,
} from '@/server/testing/change-order-load';
import {
  countChangeOrderDocuments,
  hardware,
  postgresVersion,
  round,
  spawnWorker,
  startSyncBench,
  stopWorker,
  waitUntil,
} from './lib/bench';
import { ODOO_TARGET_OPTIONS, OdooTargetError, realOdooTarget } from './lib/odoo-target';

/**
 * `npm run drill:crash`: each iteration approves a client change order through the real service
 * (and adds an approved commitment CO), starts a sync worker told to SIGKILL itself at one of the five
 * crash points (cycling: after claiming a job, after searching Odoo, after Odoo answered, mid-commit,
 * after commit) and waits for it to die. The next worker's sweeper releases the dead one's jobs
 * (WORKER_STALE_AFTER_MS is short). One simulator and one database serve the whole drill. At the end a
 * clean worker drains the queue and every approved CO is checked: exactly one Odoo line and one
 * chatter note (0 duplicates), synced (0 approvals without their Odoo effect).
 *   npm run drill:crash -- [--iterations 1000] [--latency-ms 2]
 * Against a real Odoo (a test database; documents are counted there):
 *   npm run drill:crash -- --iterations 50 --odoo-url URL --odoo-db DB --odoo-login LOGIN --odoo-api-key-file FILE
 */
const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '2' },
    ...ODOO_TARGET_OPTIONS,
  },
});
const target = (() => {
  try {
    return realOdooTarget(values);
  } catch (error) {
    if (!(error instanceof OdooTargetError)) throw error;
    console.error(`drill:crash: ${error.message}`);
    process.exit(2);
  }
})();
const iterations = Number(values.iterations);
const WORKER_ENV = {
  WORKER_CONCURRENCY: '2',
  SYNC_BATCH_MAX: '5',
  WORKER_POLL_INTERVAL_MS: '100',
  WORKER_HEARTBEAT_INTERVAL_MS: '200',
  WORKER_SWEEP_INTERVAL_MS: '300',
  WORKER_STALE_AFTER_MS: '1200',
  SYNC_RETRY_BASE_MS: '50',
  SYNC_RETRY_CAP_MS: '500',
  SYNC_AMBIGUOUS_DELAY_MS: '50',
  SYNC_MAX_ATTEMPTS: '50',
};

const bench = await startSyncBench({ name: 'drill_crash', latencyMs: Number(values['latency-ms']), target });
try {
  const { actors, projectIds } = bench.org;
  const submitted = await insertSubmittedChangeOrders(bench.db, {
    count: iterations,
    projectId: projectIds['P-1001']!,
    authorId: actors.pm2.id,
    reviewerId: actors.qs.id,
  });
  const approvedIds: string[] = [];
  const crashes: Record<SyncCrashPoint, number> = Object.fromEntries(
    SYNC_CRASH_POINTS.map((point) => [point, 0]),
  ) as Record<SyncCrashPoint, number>;
  const survived: Record<SyncCrashPoint, number> = { ...crashes };
  const started = performance.now();

  for (let i = 0; i < iterations; i++) {
    const point = SYNC_CRASH_POINTS[i % SYNC_CRASH_POINTS.length]!;
    const co = submitted[i]!;
    await approveChangeOrder(bench.db, { changeOrderId: co.id, version: co.version }, actors.pm);
    const commitment = await insertApprovedChangeOrders(bench.db, {
      count: 2,
      createdById: actors.pm2.id,
      title: `Drill ${i}`,
    });
    await requestChangeOrderSyncs(bench.db, commitment);
    approvedIds.push(co.id, ...commitment);

    const worker = spawnWorker(bench, { ...WORKER_ENV, SYNC_CRASH_AT: point });
    // a worker finding nothing that reaches its point (e.g. everything already in Odoo) lives on: stop it
    const timeout = setTimeout(() => worker.child.kill('SIGTERM'), 20_000);
    const death = await worker.exited;
    clearTimeout(timeout);
    if (death.signal === 'SIGKILL') crashes[point] += 1;
    else survived[point] += 1;
    if ((i + 1) % 50 === 0 || i + 1 === iterations)
      console.log(`  ${i + 1}/${iterations} iterations, ${round((performance.now() - started) / 1000, 1)} s`);
  }

  // recovery: one clean worker drains what the killed ones left (their jobs released by its sweeper)
  const rescuer = spawnWorker(bench, WORKER_ENV);
  await waitUntil(
    async () => {
      const result = await bench.db.$client.query<{ jobs: number; unsynced: number }>(
        `SELECT (SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'sync_record' AND attempts < max_attempts) + (SELECT count(*)::int FROM sync_requests) AS jobs,
                (SELECT count(*)::int FROM change_orders WHERE id = ANY($1::uuid[]) AND sync_status <> 'synced') AS unsynced`,
        [approvedIds],
      );
      return result.rows[0]?.jobs === 0 && result.rows[0]?.unsynced === 0;
    },
    300_000,
    'the queue to drain',
    250,
  );
  await stopWorker(rescuer);
  const seconds = (performance.now() - started) / 1000;
  const documents = await countChangeOrderDocuments(bench.db, bench.client, approvedIds);
  const attempts = await bench.db.$client.query<{ outcome: string; n: number }>(
    'SELECT outcome, count(*)::int AS n FROM sync_attempts GROUP BY outcome ORDER BY outcome',
  );
  const totalCrashes = Object.values(crashes).reduce((sum, n) => sum + n, 0);
  const result = {
    drill: 'crash',
    odoo: target ? 'real' : 'simulator',
    iterations,
    approvals: approvedIds.length,
    crashes,
    survived,
    totalCrashes,
    duplicateDocuments: documents.duplicates,
    approvalsWithoutOdooEffect: documents.missing + documents.notSynced,
    attempts: Object.fromEntries(attempts.rows.map((row) => [row.outcome, row.n])),
    seconds: round(seconds),
    pass:
      documents.duplicates === 0 && documents.missing === 0 && documents.notSynced === 0 && totalCrashes > 0,
    // a drill has no speed target: a miss is a failure at any size (scripts/lib/smoke-verdict.ts)
    correct:
      documents.duplicates === 0 && documents.missing === 0 && documents.notSynced === 0 && totalCrashes > 0,
    postgres: await postgresVersion(bench.db),
    hardware: hardware(),
  };
  console.log(
    `Crash drill: ${iterations} iterations, ${totalCrashes} workers SIGKILLed (${SYNC_CRASH_POINTS.map((p) => `${p} ${crashes[p]}`).join(', ')})`,
  );
  console.log(
    `  ${approvedIds.length} approvals: ${documents.duplicates} duplicate Odoo documents, ${result.approvalsWithoutOdooEffect} without their Odoo effect after the drain (${result.seconds} s)`,
  );
  console.log(JSON.stringify(result));
  if (!result.pass) process.exitCode = 1;
} finally {
  await bench.stop();
}
