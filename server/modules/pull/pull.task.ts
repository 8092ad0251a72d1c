import { sql } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import { defineTask, triggeredRunPayload, triggerOf } from '@/server/sync/task';
import { logger } from '@/server/lib/logger';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';
import { runPull, type PullTrigger } from './pull.service';

export const PULL_TASK = 'pull_master_data';
/** One pending pull at a time, one running at a time (its own queue; runPull also holds a lock). */
const JOB_KEY = 'pull_master_data';
const QUEUE = 'odoo-pull';

export const pullTask = defineTask({
  name: PULL_TASK,
  // "Pull now" and the start-up pull enqueue { trigger, triggeredById }; graphile's cron adds _cron
  schema: triggeredRunPayload(['schedule', 'manual', 'startup']),
  async handle(input) {
    const trigger: PullTrigger = triggerOf(input);
    const db = getDb();
    const configured = await createConfiguredOdooClient(db);
    if (!configured) {
      logger().info({ trigger }, 'master-data pull skipped: no Odoo connection is configured');
      return;
    }
    await runPull(db, configured.client, {
      trigger,
      triggeredById: input.triggeredById ?? null,
      organisationId: configured.config.organisationId ?? undefined,
    });
  },
  // every PULL_INTERVAL_MINUTES (default 15); an interval of an hour or more runs on the hour
  schedule: () => ({ cron: pullCron(env().PULL_INTERVAL_MINUTES), jobKey: JOB_KEY, queue: QUEUE, max: 1 }),
});

function pullCron(minutes: number): string {
  return minutes < 60 ? `*/${minutes} * * * *` : `0 */${Math.min(24, Math.round(minutes / 60))} * * *`;
}

/**
 * "Pull now": a job for the worker, not a pull inside the web request (a full pull can take a while
 * and must not hold a request open; the worker already owns the Odoo lane). job_key makes repeated
 * clicks one pending job.
 */
export async function enqueuePull(
  db: DbOrTx,
  input: { trigger: PullTrigger; triggeredById: string | null },
): Promise<{ jobId: string }> {
  const result = await db.execute<{ id: string }>(
    sql`SELECT (graphile_worker.add_job(${PULL_TASK}, ${JSON.stringify(input)}::json, queue_name => ${QUEUE}, job_key => ${JOB_KEY}, max_attempts => 1)).id::text AS id`,
  );
  return { jobId: result.rows[0]?.id ?? '' };
}
