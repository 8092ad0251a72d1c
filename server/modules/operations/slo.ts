import { businessDaysSinceSql } from '@/server/lib/org-time';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { sloTargets } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { DomainError } from '@/server/errors';

export const SYNC_WORKFLOWS = ['change_order', 'claim', 'milestone'] as const;
export const SLO_WORKFLOWS = [...SYNC_WORKFLOWS, 'exceptions'] as const;
export type SloWorkflow = (typeof SLO_WORKFLOWS)[number];

export type SloTarget = {
  workflow: SloWorkflow;
  objectivePercent: number;
  threshold: number;
  windowDays: number;
  version: number;
  custom: boolean;
};

/** Defaults: 99 % of approvals reach Odoo within 5 minutes; no exception unowned past 2 business days. */
export const DEFAULT_SLOS: Record<SloWorkflow, Omit<SloTarget, 'version' | 'custom'>> = {
  change_order: { workflow: 'change_order', objectivePercent: 99, threshold: 5, windowDays: 7 },
  claim: { workflow: 'claim', objectivePercent: 99, threshold: 5, windowDays: 7 },
  milestone: { workflow: 'milestone', objectivePercent: 99, threshold: 5, windowDays: 7 },
  exceptions: { workflow: 'exceptions', objectivePercent: 100, threshold: 2, windowDays: 7 },
};

export async function getSloTargets(db: DbOrTx): Promise<SloTarget[]> {
  const rows = await db.select().from(sloTargets);
  return SLO_WORKFLOWS.map((workflow) => {
    const row = rows.find((r) => r.workflow === workflow);
    if (!row) return { ...DEFAULT_SLOS[workflow], version: 0, custom: false };
    return {
      workflow,
      objectivePercent: Number(row.objectivePercent),
      threshold: row.threshold,
      windowDays: row.windowDays,
      version: row.version,
      custom: true,
    };
  });
}

export type SloStatus = SloTarget & {
  /** Items judged in the window (approvals due by now; for exceptions: open unowned ones). */
  total: number;
  bad: number;
  /** good ÷ total, 0–1; null when nothing was judged. */
  compliance: number | null;
  /** Share of the error budget used (bad share ÷ allowed bad share); ≥ 1 = SLO broken. */
  budgetBurn: number;
};

/**
 * The current burn of every SLO. Approval → Odoo: every approval (an audit event carrying a
 * correlation id, retries excluded) of the workflow in the window is good when its first successful
 * attempt came within the threshold, bad when it came later or has not come although the threshold
 * has passed; approvals still inside the threshold are not judged yet. Exceptions: open, unowned
 * exceptions older than the threshold in business days are bad (objective 100 %: any one breaks it).
 */
export async function getSloStatus(db: DbOrTx): Promise<SloStatus[]> {
  const targets = await getSloTargets(db);
  const out: SloStatus[] = [];
  for (const target of targets) {
    if (target.workflow === 'exceptions') {
      const result = await db.execute<{ total: number; bad: number }>(sql`
        SELECT count(*)::int AS total,
               count(*) FILTER (WHERE ${businessDaysSinceSql(sql`e.first_seen_at`)} > ${target.threshold})::int AS bad
        FROM exceptions e WHERE e.status = 'open' AND e.assignee_id IS NULL`);
      const row = result.rows[0] ?? { total: 0, bad: 0 };
      out.push({
        ...target,
        total: row.total,
        bad: row.bad,
        compliance: row.total === 0 ? null : (row.total - row.bad) / row.total,
        budgetBurn: burn(row.total, row.bad, target.objectivePercent),
      });
      continue;
    }
    const result = await db.execute<{ total: number; bad: number }>(sql`
      WITH approvals AS (
        SELECT correlation_id, min(occurred_at) AS approved_at FROM audit_events
        WHERE correlation_id IS NOT NULL AND entity_type = ${target.workflow} AND action NOT LIKE '%retry%'
          AND occurred_at >= now() - make_interval(days => ${target.windowDays})
        GROUP BY correlation_id),
      judged AS (
        SELECT a.approved_at,
               (SELECT min(s.finished_at) FROM sync_attempts s WHERE s.correlation_id = a.correlation_id AND s.outcome = 'success') AS synced_at
        FROM approvals a)
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE coalesce(synced_at, now()) - approved_at > make_interval(mins => ${target.threshold}))::int AS bad
      FROM judged
      WHERE synced_at IS NOT NULL OR now() - approved_at > make_interval(mins => ${target.threshold})`);
    const row = result.rows[0] ?? { total: 0, bad: 0 };
    out.push({
      ...target,
      total: row.total,
      bad: row.bad,
      compliance: row.total === 0 ? null : (row.total - row.bad) / row.total,
      budgetBurn: burn(row.total, row.bad, target.objectivePercent),
    });
  }
  return out;
}

function burn(total: number, bad: number, objectivePercent: number): number {
  if (total === 0 || bad === 0) return 0;
  const allowed = 1 - objectivePercent / 100;
  if (allowed <= 0) return bad > 0 ? Number.POSITIVE_INFINITY : 0;
  return bad / total / allowed;
}

export const updateSloInput = z
  .object({
    workflow: z.enum(SLO_WORKFLOWS),
    objectivePercent: z.number().min(50).max(100),
    threshold: z.number().int().min(1).max(10_000),
    windowDays: z.number().int().min(1).max(90),
    version: z.number().int().min(0),
  })
  .strict();

/** Admin-set SLO; compare-and-set on version (0 = still the default), audited in the same transaction. */
export async function updateSlo(
  db: DbOrTx,
  input: z.infer<typeof updateSloInput>,
  actor: Actor,
): Promise<SloTarget> {
  const run = async (tx: DbOrTx) => {
    const [before] = await tx
      .select()
      .from(sloTargets)
      .where(eq(sloTargets.workflow, input.workflow))
      .for('update');
    const current = before ? before.version : 0;
    if (current !== input.version)
      throw new DomainError('CONFLICT', 'Someone changed this SLO meanwhile; reload and try again.');
    const values = {
      objectivePercent: String(input.objectivePercent),
      threshold: input.threshold,
      windowDays: input.windowDays,
      updatedById: actor.id,
      updatedAt: new Date(),
      version: current + 1,
    };
    await tx
      .insert(sloTargets)
      .values({ workflow: input.workflow, ...values })
      .onConflictDoUpdate({ target: sloTargets.workflow, set: values });
    const old = before
      ? {
          objectivePercent: Number(before.objectivePercent),
          threshold: before.threshold,
          windowDays: before.windowDays,
        }
      : DEFAULT_SLOS[input.workflow];
    await recordAudit(tx, {
      actor,
      action: 'slo.updated',
      entityType: 'slo',
      entityId: input.workflow,
      changedFields: {
        objectivePercent: { old: old.objectivePercent, new: input.objectivePercent },
        threshold: { old: old.threshold, new: input.threshold },
        windowDays: { old: old.windowDays, new: input.windowDays },
      },
    });
    return {
      workflow: input.workflow,
      objectivePercent: input.objectivePercent,
      threshold: input.threshold,
      windowDays: input.windowDays,
      version: current + 1,
      custom: true,
    } satisfies SloTarget;
  };
  return db.transaction((tx) => run(tx));
}
