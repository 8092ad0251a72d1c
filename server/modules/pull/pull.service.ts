import { asc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { organisations, pullRuns, type PullCounts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { logger } from '@/server/lib/logger';
import type { OdooClient } from '@/server/odoo/client';
import { isOdooError } from '@/server/odoo/errors';
import { fillMissingMappings } from '@/server/modules/odoo-connection/odoo-mappings';
import type { PullContext } from './pull-context';
import { pullClaimBills } from '@/server/modules/claims/claim-refresh.service';
import { pullMilestoneInvoices } from '@/server/modules/milestones/milestone-refresh.service';
import { pullAnalyticLines } from './pull-analytic-lines';
import { pullPartners } from './pull-partners';
import { pullCostCodes, pullProjects } from './pull-projects';
import { pullPurchaseLines, pullPurchaseOrders } from './pull-subcontracts';

export type PullTrigger = 'schedule' | 'manual' | 'startup';
export type PullOptions = {
  trigger: PullTrigger;
  actor?: Actor | null;
  triggeredById?: string | null;
  organisationId?: string;
};
export type PullSummary =
  | { runId: string; status: 'succeeded' | 'partial' | 'failed'; counts: PullCounts; error: string | null }
  | { runId: null; skipped: 'already_running' };

/** In dependency order: links made by one step are used by the next. */
const STEPS: [string, (ctx: PullContext) => Promise<void>][] = [
  ['res.partner', pullPartners],
  ['project.project', pullProjects],
  ['account.analytic.account', pullCostCodes],
  ['purchase.order', pullPurchaseOrders],
  ['purchase.order.line', pullPurchaseLines],
  ['account.analytic.line', pullAnalyticLines],
  // billing milestones follow their customer invoices (invoiced, paid); overdue ones are flagged
  ['account.move (milestone invoices)', pullMilestoneInvoices],
  ['account.move (claim bills)', pullClaimBills],
];

/** Any fixed number: the advisory lock that keeps two pulls (schedule and "Pull now") from overlapping. */
const PULL_LOCK = 74_210_001;

/**
 * One master-data pull from Odoo: each model incremental by write_date, in its own transaction, so a
 * model that fails (Odoo error, bad data) loses nothing of the others and keeps its cursor for the
 * next run ('partial'). Recorded in pull_runs with per-model counts; every created, updated or failed
 * record gets a pull_run_records row.
 */
export async function runPull(db: Db, odoo: OdooClient, options: PullOptions): Promise<PullSummary> {
  const lockClient = await db.$client.connect();
  try {
    const { rows } = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      PULL_LOCK,
    ]);
    if (!rows[0]?.ok) return { runId: null, skipped: 'already_running' };
    try {
      return await pullLocked(db, odoo, options);
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock($1)', [PULL_LOCK]);
    }
  } finally {
    lockClient.release();
  }
}

async function pullLocked(db: Db, odoo: OdooClient, options: PullOptions): Promise<PullSummary> {
  const log = logger().child({ component: 'pull' });
  const organisationId =
    options.actor?.organisationId ?? options.organisationId ?? (await firstOrganisation(db));
  const [run] = await db
    .insert(pullRuns)
    .values({ trigger: options.trigger, triggeredById: options.actor?.id ?? options.triggeredById ?? null })
    .returning({ id: pullRuns.id });
  const runId = run!.id;
  const counts: PullCounts = {};
  const failures: string[] = [];
  let succeeded = 0;
  try {
    const version = (await odoo.version()).major;
    const ctx: PullContext = {
      db,
      odoo,
      runId,
      organisationId,
      version,
      fields: await odoo.fieldNames(),
      mappings: await fillMissingMappings(db, odoo, organisationId),
      counts,
      seenPurchaseLines: new Set(),
    };
    for (const [model, step] of STEPS) {
      try {
        await step(ctx);
        succeeded += 1;
      } catch (error) {
        counts[model] ??= { created: 0, updated: 0, unchanged: 0, failed: 0 };
        failures.push(`${model}: ${messageOf(error)}`);
        log.warn(
          {
            model,
            odooError: isOdooError(error) ? error.toJSON() : undefined,
            err: isOdooError(error) ? undefined : error,
          },
          'pull step failed',
        );
      }
    }
  } catch (error) {
    failures.push(messageOf(error));
    log.warn({ odooError: isOdooError(error) ? error.toJSON() : undefined }, 'pull could not start');
  }
  const status = failures.length === 0 ? 'succeeded' : succeeded === 0 ? 'failed' : 'partial';
  const error = failures.length ? failures.join('\n').slice(0, 4000) : null;
  await db
    .update(pullRuns)
    .set({ status, counts, error, finishedAt: new Date() })
    .where(eq(pullRuns.id, runId));
  log.info({ runId, status, trigger: options.trigger }, 'master-data pull finished');
  return { runId, status, counts, error };
}

function messageOf(error: unknown): string {
  if (isOdooError(error)) return `${error.odooName}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function firstOrganisation(db: Db): Promise<string> {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .orderBy(asc(organisations.createdAt))
    .limit(1);
  if (!row) throw new Error('No organisation exists yet: seed the database first.');
  return row.id;
}
