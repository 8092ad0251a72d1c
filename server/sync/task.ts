import type { JobHelpers, TaskList } from 'graphile-worker';
import { z } from 'zod';
import { logger } from '@/server/lib/logger';
import { describeFailure, type SyncOutcome } from './failure';

/**
 * ONE shape for every graphile-worker task the worker runs (the sync, the master-data pull, the
 * reconciliation, the exception rules, the month-end snapshot, the alerts):
 *   name      graphile's task identifier
 *   schema    zod schema of the payload; a payload it refuses is logged and dropped (retrying an
 *             unreadable payload never helps), so `handle` only ever sees a validated one
 *   handle    the work
 *   schedule  optional: when graphile's cron adds it (read at worker start, so env() applies)
 * What `handle` throws is classified exactly as a sync failure (failure.ts, `describeFailure`):
 * transient, ambiguous and crashes (our code, the database) are thrown back to graphile, which retries
 * the job with its backoff up to the job's max_attempts; a business, configuration or programming
 * error is logged with its class and not retried (waiting does not fix it; the next scheduled or
 * requested run starts afresh).
 */
export type TaskDefinition<Schema extends z.ZodType = z.ZodType> = {
  name: string;
  schema: Schema;
  handle(payload: z.output<Schema>, helpers: JobHelpers): Promise<void>;
  schedule?: () => TaskSchedule;
};

/** A graphile crontab line: cron expression plus its options (jobKey, queue, max backfill runs, fill). */
export type TaskSchedule = { cron: string; jobKey?: string; queue?: string; max?: number; fill?: string };

/** Typed identity: infers the payload type of `handle` from `schema`. */
export function defineTask<Schema extends z.ZodType>(definition: TaskDefinition<Schema>): TaskDefinition {
  return definition as unknown as TaskDefinition;
}

/** What graphile's cron adds to a scheduled job's payload (`_cron.ts` is the scheduled time). */
export const cronPayload = z.object({ ts: z.string(), backfilled: z.boolean().optional() }).optional();

/**
 * The payload of a run that is both scheduled and asked for ("Pull now", "Reconcile now"): who asked
 * and why, or graphile's `_cron`. `triggerOf` says which: a cron run is 'schedule', else the given one.
 */
export function triggeredRunPayload<const Trigger extends readonly [string, ...string[]]>(triggers: Trigger) {
  return z.object({
    trigger: z.enum(triggers).optional(),
    triggeredById: z.guid().nullable().optional(),
    _cron: cronPayload,
  });
}

export function triggerOf<Trigger extends string>(payload: {
  trigger?: Trigger;
  _cron?: unknown;
}): Trigger | 'schedule' | 'manual' {
  return payload._cron ? 'schedule' : (payload.trigger ?? 'manual');
}

/** The outcomes graphile retries (the job is thrown back); the others are final for this job. */
const RETRIED: ReadonlySet<SyncOutcome> = new Set(['transient_error', 'ambiguous', 'crashed']);

/** Runs one job of a definition: validate, handle, classify what it threw. */
export async function runTask(definition: TaskDefinition, payload: unknown, helpers: JobHelpers) {
  const log = logger().child({ component: 'task', task: definition.name, jobId: String(helpers.job.id) });
  const parsed = definition.schema.safeParse(payload ?? {});
  if (!parsed.success) {
    log.error(
      {
        issues: parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`,
        ),
      },
      `${definition.name} job has an unreadable payload; dropped`,
    );
    return;
  }
  try {
    await definition.handle(parsed.data, helpers);
  } catch (error) {
    const failure = describeFailure(error);
    const retried = RETRIED.has(failure.outcome);
    const fields = {
      outcome: failure.outcome,
      errorClass: failure.errorClass,
      errorName: failure.errorName,
      errorMessage: failure.errorMessage,
      attempt: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
    };
    if (retried) {
      log.warn(fields, `${definition.name} failed (${failure.outcome}); graphile retries it`);
      throw error;
    }
    log.error(fields, `${definition.name} failed (${failure.outcome}); not retried`);
  }
}

/** The graphile task list of these definitions (each run through `runTask`). */
export function taskListOf(definitions: readonly TaskDefinition[]): TaskList {
  const names = new Set<string>();
  const list: TaskList = {};
  for (const definition of definitions) {
    if (names.has(definition.name)) throw new Error(`Two task definitions are named ${definition.name}`);
    names.add(definition.name);
    list[definition.name] = (payload, helpers) => runTask(definition, payload, helpers);
  }
  return list;
}

/** graphile's crontab text for the definitions that have a schedule. */
export function crontabOf(definitions: readonly TaskDefinition[]): string {
  return definitions
    .filter((definition) => definition.schedule)
    .map((definition) => crontabLine(definition.name, definition.schedule!()))
    .join('');
}

export function crontabLine(name: string, schedule: TaskSchedule): string {
  const options = [
    schedule.fill ? `fill=${schedule.fill}` : null,
    schedule.max !== undefined ? `max=${schedule.max}` : null,
    schedule.jobKey ? `jobKey=${schedule.jobKey}` : null,
    schedule.queue ? `queue=${schedule.queue}` : null,
  ].filter(Boolean);
  return `${schedule.cron} ${name}${options.length > 0 ? ` ?${options.join('&')}` : ''}\n`;
}
