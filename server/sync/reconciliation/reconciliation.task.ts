import type { Task, TaskList } from 'graphile-worker';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { runExceptionRules } from '@/server/modules/exceptions/exception-rules.service';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';
import {
  RECONCILE_QUEUE,
  RECONCILE_TASK,
  runReconciliation,
  type ReconciliationTrigger,
} from './reconciliation.service';

export const EXCEPTION_RULES_TASK = 'exception_rules';

type Payload = { trigger?: ReconciliationTrigger; triggeredById?: string | null; _cron?: unknown };

const reconcileTask: Task = async (payload) => {
  const input = (payload ?? {}) as Payload;
  const trigger: ReconciliationTrigger = input._cron ? 'schedule' : (input.trigger ?? 'manual');
  const db = getDb();
  const configured = await createConfiguredOdooClient(db);
  if (!configured) {
    logger().info({ trigger }, 'reconciliation skipped: no Odoo connection is configured');
    return;
  }
  const run = await runReconciliation(db, configured.client, {
    trigger,
    triggeredById: input.triggeredById ?? null,
    organisationId: configured.config.organisationId ?? undefined,
  });
  logger().info({ runId: run.id, status: run.status, counts: run.counts }, 'reconciliation with Odoo');
};

const rulesTask: Task = async () => {
  const summary = await runExceptionRules(getDb(), { overrunPercent: env().RULE_COST_OVERRUN_PERCENT });
  logger().info({ summary }, 'exception rules');
};

/** Registered next to the pull's and the cost snapshot's tasks (server/sync/worker.ts). */
export const reconciliationTaskList: TaskList = {
  [RECONCILE_TASK]: reconcileTask,
  [EXCEPTION_RULES_TASK]: rulesTask,
};

/** RECONCILE_CRON (nightly 02:30 by default) and RULES_CRON (hourly by default); one pending run of each. */
export function reconciliationCrontab(config = env()): string {
  return (
    `${config.RECONCILE_CRON} ${RECONCILE_TASK} ?jobKey=${RECONCILE_TASK}&queue=${RECONCILE_QUEUE}&max=1\n` +
    `${config.RULES_CRON} ${EXCEPTION_RULES_TASK} ?jobKey=${EXCEPTION_RULES_TASK}&max=1\n`
  );
}
