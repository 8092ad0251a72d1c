import type { JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { monthEndSnapshotTask } from '@/server/modules/cost/cost-snapshot.task';
import { alertsTask } from '@/server/modules/operations/alerts.task';
import { pullTask } from '@/server/modules/pull/pull.task';
import { OdooBusinessError, OdooConfigurationError, OdooTransientError } from '@/server/odoo/errors';
import { exceptionRulesTask, reconcileTask } from './reconciliation/reconciliation.task';
import { crontabOf, defineTask, runTask, taskListOf } from './task';

const helpers = { job: { id: '7', attempts: 1, max_attempts: 25 } } as unknown as JobHelpers;

function probe(fail?: () => Error) {
  const seen: unknown[] = [];
  const definition = defineTask({
    name: 'probe',
    schema: z.object({ count: z.number().int() }),
    async handle(payload) {
      seen.push(payload);
      if (fail) throw fail();
    },
  });
  return { definition, seen };
}

describe('one task definition shape (issue 16 item 4)', () => {
  it('hands the handler only a validated payload; an unreadable one is dropped, not retried', async () => {
    const { definition, seen } = probe();
    await runTask(definition, { count: 3 }, helpers);
    await expect(runTask(definition, { count: 'three' }, helpers)).resolves.toBeUndefined();
    await expect(runTask(definition, null, helpers)).resolves.toBeUndefined();
    expect(seen).toEqual([{ count: 3 }]);
  });

  it('classifies what the handler throws as the sync does: transient and crashes retried, the rest final', async () => {
    const transient = probe(
      () => new OdooTransientError({ odooName: 'http.503', message: 'busy', httpStatus: 503 }),
    );
    await expect(runTask(transient.definition, { count: 1 }, helpers)).rejects.toThrow('busy');
    const crashed = probe(() => new TypeError('undefined is not a function'));
    await expect(runTask(crashed.definition, { count: 1 }, helpers)).rejects.toThrow(TypeError);
    const business = probe(
      () => new OdooBusinessError({ odooName: 'odoo.exceptions.UserError', message: 'no' }),
    );
    await expect(runTask(business.definition, { count: 1 }, helpers)).resolves.toBeUndefined();
    const configuration = probe(
      () => new OdooConfigurationError({ odooName: 'odoo.exceptions.AccessDenied', message: 'bad key' }),
    );
    await expect(runTask(configuration.definition, { count: 1 }, helpers)).resolves.toBeUndefined();
  });

  it("the worker's tasks: one list, payload schemas that accept what is enqueued and graphile's cron payload, one crontab", () => {
    const tasks = [pullTask, monthEndSnapshotTask, reconcileTask, exceptionRulesTask, alertsTask];
    expect(Object.keys(taskListOf(tasks))).toEqual([
      'pull_master_data',
      'cost_month_end_snapshot',
      'reconcile_odoo',
      'exception_rules',
      'alerts_evaluate',
    ]);
    expect(() => taskListOf([pullTask, pullTask])).toThrow(/Two task definitions/);
    const cron = { _cron: { ts: '2026-02-01T00:15:00.000Z', backfilled: false } };
    for (const task of tasks) expect(task.schema.safeParse(cron).success).toBe(true);
    const manual = { trigger: 'manual', triggeredById: '00000000-0000-4000-8000-000000000001' };
    expect(pullTask.schema.safeParse(manual).success).toBe(true);
    expect(reconcileTask.schema.safeParse(manual).success).toBe(true);
    expect(pullTask.schema.safeParse({ trigger: 'whenever' }).success).toBe(false);
    const crontab = crontabOf(tasks).trim().split('\n');
    expect(crontab).toHaveLength(5);
    expect(crontab).toContain(
      '15 * 1,2 * * cost_month_end_snapshot ?fill=7d&max=3&jobKey=cost_month_end_snapshot',
    );
    expect(crontab.find((line) => line.includes(' pull_master_data '))).toMatch(
      / pull_master_data \?max=1&jobKey=pull_master_data&queue=odoo-pull$/,
    );
  });
});
