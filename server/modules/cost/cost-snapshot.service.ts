import { organisationToday } from '@/server/lib/org-time';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { costSnapshots, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { readCostCodeRows, type CostCodeRow } from './cost-report.queries';
import type { ReportScope } from './cost-report.sql';
import { readPortfolioRows, type PortfolioRow } from './portfolio.queries';

/** What a snapshot freezes: every column of every code, and the project's portfolio figures. */
export type CostSnapshotReport = { schema: 1; codes: CostCodeRow[]; project: PortfolioRow };

export type SnapshotKind = 'month_end' | 'on_demand';

/** The last day of the month before `today` (YYYY-MM-DD, the organisation's date): the period it closes. */
export function closedMonthEnd(today: string): string {
  const [year, month] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1, 0)).toISOString().slice(0, 10);
}

async function freeze(db: DbOrTx, scope: ReportScope): Promise<CostSnapshotReport> {
  const [codes, [project]] = await Promise.all([readCostCodeRows(db, scope), readPortfolioRows(db, scope)]);
  if (!project) throw new DomainError('NOT_FOUND', 'Project not found.');
  return { schema: 1, codes, project };
}

function snapshotValues(
  projectId: string,
  period: string,
  kind: SnapshotKind,
  takenById: string | null,
  report: CostSnapshotReport,
) {
  return {
    projectId,
    period,
    kind,
    takenById,
    report: report as unknown as Record<string, unknown>,
    estimateAtCompletionAmount: report.project.estimateAtCompletion,
    revisedBudgetAmount: report.project.revisedBudget,
    revisedContractAmount: report.project.revisedContract,
    actualCostAmount: report.project.actual,
    billedAmount: report.project.billed,
  };
}

/**
 * "Snapshot now": freezes the report as the person sees it today. It changes no figure, so anyone who
 * may read the report may take one (cost.read); it is audited and kept apart from month-end ones.
 */
export async function takeOnDemandSnapshot(
  db: Db,
  projectId: string,
  actor: Actor,
): Promise<{ id: string; period: string }> {
  return db.transaction(async (tx) => {
    await assertProjectVisible(tx, actor, projectId);
    const period = await organisationToday(tx, actor.organisationId);
    const report = await freeze(tx, { organisationId: actor.organisationId, visibleTo: actor, projectId });
    const [row] = await tx
      .insert(costSnapshots)
      .values(snapshotValues(projectId, period, 'on_demand', actor.id, report))
      .returning({ id: costSnapshots.id });
    if (!row) throw new Error('snapshot insert returned no row');
    await recordAudit(tx, {
      actor,
      action: 'cost_snapshot.take',
      entityType: 'project',
      entityId: projectId,
      comment: `On-demand cost snapshot ${period}, EAC ${report.project.estimateAtCompletion}`,
    });
    return { id: row.id, period };
  });
}

/**
 * Month-end snapshots of every project for `period` (a month's last day). Idempotent: a project that
 * has its snapshot for the period is skipped, and the partial unique index (project, period) WHERE
 * kind = 'month_end' makes a concurrent second run insert nothing.
 */
export async function takeMonthEndSnapshots(
  db: Db,
  period: string,
  organisationId?: string,
): Promise<{ taken: number; skipped: number }> {
  const all = await db
    .select({
      id: projects.id,
      organisationId: projects.organisationId,
      has: sql<boolean>`EXISTS (SELECT 1 FROM cost_snapshots s WHERE s.project_id = ${projects.id} AND s.period = ${period} AND s.kind = 'month_end')`,
    })
    .from(projects)
    .where(organisationId ? eq(projects.organisationId, organisationId) : undefined)
    .orderBy(projects.code);
  let taken = 0;
  for (const project of all.filter((p) => !p.has)) {
    const report = await freeze(db, {
      organisationId: project.organisationId,
      visibleTo: null,
      projectId: project.id,
    });
    const inserted = await db
      .insert(costSnapshots)
      .values(snapshotValues(project.id, period, 'month_end', null, report))
      .onConflictDoNothing({
        target: [costSnapshots.projectId, costSnapshots.period],
        where: sql`kind = 'month_end'`,
      })
      .returning({ id: costSnapshots.id });
    taken += inserted.length;
  }
  return { taken, skipped: all.length - taken };
}

export type SnapshotListRow = {
  id: string;
  period: string;
  kind: SnapshotKind;
  takenAt: Date;
  takenBy: string | null;
  estimateAtCompletion: string;
  revisedContract: string;
  margin: string;
};

export async function listSnapshots(db: DbOrTx, actor: Actor, projectId: string): Promise<SnapshotListRow[]> {
  await assertProjectVisible(db, actor, projectId);
  const result = await db.execute<SnapshotListRow>(sql`
    SELECT s.id, s.period::text AS period, s.kind, s.taken_at AS "takenAt", u.name AS "takenBy",
           s.estimate_at_completion_amount::text AS "estimateAtCompletion", s.revised_contract_amount::text AS "revisedContract",
           (s.revised_contract_amount - s.estimate_at_completion_amount)::numeric(18,2)::text AS margin
    FROM cost_snapshots s LEFT JOIN users u ON u.id = s.taken_by_id
    WHERE s.project_id = ${projectId}
    ORDER BY s.period DESC, s.taken_at DESC
    LIMIT 36`);
  return result.rows.map((row) => ({ ...row, takenAt: new Date(row.takenAt) }));
}

/** The baseline of "since last month": the latest month-end snapshot, else the latest snapshot. */
export async function baselineSnapshot(db: DbOrTx, projectId: string) {
  const [row] = await db
    .select({
      id: costSnapshots.id,
      period: costSnapshots.period,
      kind: costSnapshots.kind,
      takenAt: costSnapshots.takenAt,
      report: costSnapshots.report,
    })
    .from(costSnapshots)
    .where(and(eq(costSnapshots.projectId, projectId)))
    .orderBy(
      sql`${costSnapshots.kind} = 'month_end' DESC`,
      desc(costSnapshots.period),
      desc(costSnapshots.takenAt),
    )
    .limit(1);
  return row ? { ...row, report: row.report as unknown as CostSnapshotReport } : null;
}
