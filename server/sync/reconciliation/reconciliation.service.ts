import { and, count, desc, eq, gte, like, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { exceptions, projects, reconciliationRuns, type ReconciliationCounts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';
import type { OdooClient } from '@/server/odoo/client';
import { reconcileChangeOrderLines } from './reconcile-change-orders';
import { reconcileClaimBills, reconcileMilestoneInvoices } from './reconcile-moves';

export type ReconciliationTrigger = 'schedule' | 'manual';
export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;

const STEPS = {
  claim: reconcileClaimBills,
  milestone: reconcileMilestoneInvoices,
  change_order: reconcileChangeOrderLines,
} as const;

/**
 * Compares every synced record with Odoo by reference (DOMAIN §6): claims ↔ vendor bills, milestones
 * ↔ customer invoices, change orders ↔ their order lines. Each finding opens or counts again on its
 * exception (category reconciliation_drift, one cause per kind), each vanished finding closes it, and
 * the run's counts per record type are kept in reconciliation_runs. A record that could not be read
 * is counted as failed, never as drift (the run is then 'partial').
 */
export async function runReconciliation(
  db: Db,
  odoo: OdooClient,
  options: { trigger: ReconciliationTrigger; triggeredById?: string | null; organisationId?: string },
): Promise<ReconciliationRun> {
  const [run] = await db
    .insert(reconciliationRuns)
    .values({ trigger: options.trigger, triggeredById: options.triggeredById ?? null })
    .returning();
  if (!run) throw new Error('reconciliation run insert returned no row');
  const organisation = options.organisationId
    ? eq(projects.organisationId, options.organisationId)
    : undefined;
  const counts: ReconciliationCounts = {};
  try {
    for (const [recordType, step] of Object.entries(STEPS)) {
      counts[recordType] = await step(db, odoo, organisation);
      counts[recordType].resolved = await resolvedSince(db, recordType, run.startedAt);
    }
  } catch (error) {
    const [failed] = await db
      .update(reconciliationRuns)
      .set({
        status: 'failed',
        counts,
        error: error instanceof Error ? error.message.slice(0, 1000) : String(error),
        finishedAt: new Date(),
      })
      .where(eq(reconciliationRuns.id, run.id))
      .returning();
    return failed ?? run;
  }
  const partial = Object.values(counts).some((c) => c.failed > 0);
  const [done] = await db
    .update(reconciliationRuns)
    .set({ status: partial ? 'partial' : 'succeeded', counts, finishedAt: new Date() })
    .where(eq(reconciliationRuns.id, run.id))
    .returning();
  return done ?? run;
}

async function resolvedSince(db: Db, recordType: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(exceptions)
    .where(
      and(
        eq(exceptions.recordType, recordType),
        like(exceptions.cause, 'drift.%'),
        eq(exceptions.status, 'resolved'),
        gte(exceptions.resolvedAt, since),
      ),
    );
  return row?.n ?? 0;
}

export const RECONCILE_TASK = 'reconcile_odoo';
const JOB_KEY = 'reconcile_odoo';
export const RECONCILE_QUEUE = 'odoo-reconcile';

/**
 * Finance's "Reconcile now": a job for the worker (which owns the Odoo lane), audited in the same
 * transaction; job_key makes repeated clicks one pending run.
 */
export async function requestReconciliation(db: DbOrTx, actor: Actor): Promise<{ jobId: string }> {
  return db.transaction(async (tx) => {
    const result = await tx.execute<{ id: string }>(
      sql`SELECT (graphile_worker.add_job(${RECONCILE_TASK}, ${JSON.stringify({ trigger: 'manual', triggeredById: actor.id })}::json, queue_name => ${RECONCILE_QUEUE}, job_key => ${JOB_KEY}, max_attempts => 1)).id::text AS id`,
    );
    await recordAudit(tx, {
      actor,
      action: 'reconciliation.request',
      entityType: 'reconciliation',
      entityId: 'odoo',
      comment: 'Reconciliation with Odoo requested by hand.',
    });
    return { jobId: result.rows[0]?.id ?? '' };
  });
}

/** The latest runs, newest first (the health page shows the first one's counts). */
export async function listReconciliationRuns(db: DbOrTx, limit = 10): Promise<ReconciliationRun[]> {
  return db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.startedAt)).limit(limit);
}
