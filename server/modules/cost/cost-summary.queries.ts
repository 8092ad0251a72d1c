import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { explainCostChange, type CostChange } from './cost-change.calc';
import { readCostCodeRows } from './cost-report.queries';
import { scopeOf } from './cost-report.sql';
import { baselineSnapshot } from './cost-snapshot.service';
import { readPortfolioRows, type PortfolioRow } from './portfolio.queries';

export type ProjectCostSummary = {
  project: PortfolioRow;
  /** Codes still on the automatic method: it hides overruns on the uncommitted part (DOMAIN §7). */
  automaticCodes: { costCodeId: string; code: string; name: string }[];
  /** Codes whose forecast a person set, with who, when and why. */
  overriddenCodes: {
    costCodeId: string;
    code: string;
    name: string;
    method: string;
    forecastToComplete: string;
    reason: string | null;
    setBy: string | null;
    setAt: string | null;
  }[];
  /** Since the baseline snapshot (the last month-end one, else the last one); null before the first. */
  sinceBaseline: (CostChange & { baseline: { period: string; kind: string; takenAt: Date } }) | null;
};

/** The project page's headline figures, its method warnings and "what changed since last month". */
export async function getProjectCostSummary(
  db: DbOrTx,
  actor: Actor,
  projectId: string,
): Promise<ProjectCostSummary> {
  await assertProjectVisible(db, actor, projectId);
  const scope = scopeOf(actor, { projectId });
  const [[project], codes, baseline] = await Promise.all([
    readPortfolioRows(db, scope),
    readCostCodeRows(db, scope),
    baselineSnapshot(db, projectId),
  ]);
  if (!project) throw new DomainError('NOT_FOUND', 'Project not found.');
  const real = codes.filter((c) => c.costCodeId !== null);
  return {
    project,
    automaticCodes: real
      .filter((c) => c.isAutomaticMethod)
      .map((c) => ({ costCodeId: c.costCodeId!, code: c.code, name: c.name })),
    overriddenCodes: real
      .filter((c) => c.forecastVersion > 0 && c.forecastMethod !== 'automatic')
      .map((c) => ({
        costCodeId: c.costCodeId!,
        code: c.code,
        name: c.name,
        method: c.effectiveForecastMethod ?? 'automatic',
        forecastToComplete: c.forecastToComplete,
        reason: c.forecastReason,
        setBy: c.forecastSetBy,
        setAt: c.forecastSetAt,
      })),
    sinceBaseline: baseline
      ? {
          ...explainCostChange(baseline.report.codes, codes),
          baseline: { period: baseline.period, kind: baseline.kind, takenAt: baseline.takenAt },
        }
      : null,
  };
}
