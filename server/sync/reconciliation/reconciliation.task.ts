import { z } from 'zod';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { runExceptionRules } from '@/server/modules/exceptions/exception-rules.service';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';
import { cronPayload, defineTask, triggeredRunPayload, triggerOf } from '../task';
import {
  RECONCILE_QUEUE,
  RECONCILE_TASK,
  runReconciliation,
  type ReconciliationTrigger,
} from './reconciliation.service';

export const EXCEPTION_RULES_TASK = 'exception_rules';

/** RECONCILE_CRON (nightly 02:30 by default); one pending run at a time, in its own queue. */
export const reconcileTask = defineTask({
  name: RECONCILE_TASK,
  // "Reconcile now" enqueues { trigger, triggeredById }; graphile's cron adds _cron
  schema: triggeredRunPayload(['schedule', 'manual']),
  async handle(input) {
    const trigger: ReconciliationTrigger = triggerOf(input);
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
  },
  schedule: () => ({ cron: env().RECONCILE_CRON, jobKey: RECONCILE_TASK, queue: RECONCILE_QUEUE, max: 1 }),
});

/** RULES_CRON (hourly by default); one pending run at a time. The payload is only graphile's `_cron`. */
export const exceptionRulesTask = defineTask({
  name: EXCEPTION_RULES_TASK,
  schema: z.object({ _cron: cronPayload }),
  async handle() {
    const summary = await runExceptionRules(getDb(), { overrunPercent: env().RULE_COST_OVERRUN_PERCENT });
    logger().info({ summary }, 'exception rules');
  },
  schedule: () => ({ cron: env().RULES_CRON, jobKey: EXCEPTION_RULES_TASK, max: 1 }),
});
