import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { exitWithParent } from '@/server/lib/process';
import { monthEndSnapshotTask } from '@/server/modules/cost/cost-snapshot.task';
import { vendorComplianceTask } from '@/server/modules/vendors/vendor-compliance.task';
import { startAuditKeeper } from '@/server/modules/audit/audit-anchor';
import {
  notificationSendTask,
  notificationsTickTask,
} from '@/server/modules/notifications/notification.task';
import { alertsTask } from '@/server/modules/operations/alerts.task';
import { pullTask } from '@/server/modules/pull/pull.task';
import { startMetricsServer } from '@/server/observability/metrics-endpoint';
import { syncPoliciesFromEnv } from './engine';
import { resolveSyncOdooClient } from './odoo-connection';
import { exceptionRulesTask, reconcileTask } from './reconciliation/reconciliation.task';
import { startSyncWorker } from './runner';
import { installSyncHandlers } from './handlers';

/**
 * The sync worker process (`npm run worker`; `npm start` launches it next to the web server).
 * SIGTERM/SIGINT drain gracefully: no new jobs, in-flight ones finish and are recorded, exit 0.
 * A second signal exits at once (the sweeper of another worker releases what was left).
 */
export async function runWorkerProcess(): Promise<void> {
  const config = env();
  if (!config.DATABASE_URL) {
    console.error('DATABASE_URL is not set: start Plumbline with `npm start`, which provides one.');
    process.exit(1);
  }
  const log = logger().child({ component: 'sync-worker' });
  // the explicit registry: every handler this worker can run, installed once at start
  installSyncHandlers();
  if (!config.AUDIT_HMAC_KEY) {
    console.error(
      'AUDIT_HMAC_KEY is not set: the worker seals the audit trail with it (`npm start` generates one into DATA_DIR).',
    );
    process.exit(1);
  }
  const worker = await startSyncWorker({
    databaseUrl: config.DATABASE_URL,
    odoo: resolveSyncOdooClient,
    concurrency: config.WORKER_CONCURRENCY,
    pollIntervalMs: config.WORKER_POLL_INTERVAL_MS,
    heartbeatIntervalMs: config.WORKER_HEARTBEAT_INTERVAL_MS,
    sweepIntervalMs: config.WORKER_SWEEP_INTERVAL_MS,
    staleAfterMs: config.WORKER_STALE_AFTER_MS,
    engine: syncPoliciesFromEnv(),
    // every graphile task has one shape (task.ts): validated payload, schedule, sync's error classes
    tasks: [
      pullTask,
      monthEndSnapshotTask,
      reconcileTask,
      exceptionRulesTask,
      alertsTask,
      vendorComplianceTask,
      notificationSendTask,
      notificationsTickTask,
    ],
  });
  if (config.WORKER_METRICS_PORT && config.METRICS_TOKEN) {
    const metricsServer = await startMetricsServer({
      port: config.WORKER_METRICS_PORT,
      host: config.WORKER_METRICS_HOST,
      token: config.METRICS_TOKEN,
    });
    log.info({ url: metricsServer.url }, 'worker metrics listening (bearer METRICS_TOKEN)');
  }
  // audit events sealed into the chain seconds after commit; the head anchored outside the database
  // (DATA_DIR and the log) at least every minute
  const auditDb = createDb(config.DATABASE_URL, { max: 1, applicationName: 'plumbline-audit-keeper' });
  const stopAuditKeeper = startAuditKeeper(auditDb, {
    sealIntervalMs: config.AUDIT_SEAL_INTERVAL_MS,
    anchorIntervalMs: config.AUDIT_ANCHOR_INTERVAL_MS,
  });
  log.info({ concurrency: config.WORKER_CONCURRENCY }, 'sync worker started');
  // Parent processes (npm start, tests) wait for this line on stdout.
  console.log('[worker] ready');

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    log.info({ signal }, 'draining sync worker');
    worker
      .stop()
      .then(() => stopAuditKeeper())
      .then(() => auditDb.$client.end())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'sync worker did not stop cleanly');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  exitWithParent(() => onSignal('SIGTERM'));
  worker.runner.promise.catch((error: unknown) => {
    log.error({ err: error }, 'sync worker failed');
    process.exit(1);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runWorkerProcess().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
