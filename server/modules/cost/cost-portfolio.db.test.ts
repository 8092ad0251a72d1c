import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, costSnapshots, projects } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import { sumMoney } from '@/server/lib/money';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { readCostCharts } from './cost-charts.queries';
import { listCostRecords } from './cost-records.queries';
import { readCostCodeRows } from './cost-report.queries';
import { scopeOf } from './cost-report.sql';
import { setCostForecast } from './cost-forecast.service';
import { closedMonthEnd, takeMonthEndSnapshots, takeOnDemandSnapshot } from './cost-snapshot.service';
import { getProjectCostSummary } from './cost-summary.queries';
import { listPortfolio, type PortfolioRow } from './portfolio.queries';
import {
  addAnalyticLine,
  addClaim,
  addException,
  addMilestone,
  addSubcontract,
  addVendor,
  coBuilder,
  codesOf,
} from './cost.testing';

let testDb: TestDatabase;
let org: SeededOrg;
let p1: string;
let codes: Record<string, string>;
let subcontract: { id: string; sovIds: string[] };
let claimId: string;
const list = { page: 0, pageSize: 25, filters: {} };

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  const db = testDb.db;
  p1 = org.projectIds['P-1001']!;
  codes = await codesOf(db, p1);
  subcontract = await addSubcontract(
    db,
    p1,
    await addVendor(db, org, 'Brightline Electrical'),
    [{ code: '16-100', amount: '96000.00' }],
    codes,
  );
  await coBuilder(db, org, p1, codes).approved({
    kind: 'client',
    lines: [{ code: '03-300', cost: '12000.00', sell: '15000.00' }],
  });
  await addAnalyticLine(db, p1, codes['16-100']!, '9600.00', { purchaseLineId: 991 });
  await addAnalyticLine(db, org.projectIds['P-1003']!, null, '321.00');
  claimId = await addClaim(db, org, {
    projectId: p1,
    subcontractId: subcontract.id,
    number: 1,
    status: 'approved',
    lines: [{ sovLineId: subcontract.sovIds[0]!, scheduled: '96000.00', certified: '9600.00' }],
    completed: '9600.00',
    held: '480.00',
  });
  await addMilestone(db, org, p1, 'invoiced', '217500.00', '10875.00');
  await addMilestone(db, org, org.projectIds['P-1002']!, 'paid', '100000.00', '3000.00');
  await addException(db, p1, 'open', 4);
});
afterAll(async () => testDb.drop());

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('forecast overrides', () => {
  it('refuses an override without a reason, in the service and at the router', async () => {
    const input = {
      costCodeId: codes['06-200']!,
      version: 0,
      method: 'manual' as const,
      manualAmount: '5000.00',
    };
    await expect(
      setCostForecast(testDb.db, { ...input, reason: '   ' }, org.actors.pm),
    ).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
    const caller = createCaller(contextFor(testDb.db, org.actors.pm));
    expect(await outcome(caller.cost.setForecast({ ...input, reason: '' }))).toBe('BAD_REQUEST');
    expect(
      await outcome(
        caller.cost.setForecast({ ...input, method: 'manual', manualAmount: undefined, reason: 'why not' }),
      ),
    ).toBe('BAD_REQUEST');
    const [row] = await readCostCodeRows(
      testDb.db,
      scopeOf(org.actors.pm, { projectId: p1, costCodeId: codes['06-200']! }),
    );
    expect(row).toMatchObject({ forecastMethod: 'automatic', forecastVersion: 0 });
  });

  it('audits the override in the same transaction, shows who set it, and refuses a stale version', async () => {
    const costCodeId = codes['06-200']!;
    const caller = createCaller(contextFor(testDb.db, org.actors.pm));
    expect(
      await caller.cost.setForecast({
        costCodeId,
        version: 0,
        method: 'manual',
        manualAmount: '5000.00',
        reason: 'Ironmongery re-tendered',
      }),
    ).toEqual({ version: 1 });
    const audit = await testDb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, costCodeId), eq(auditEvents.action, 'cost_forecast.set')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: org.actors.pm.id,
      fromState: 'automatic',
      toState: 'manual',
      comment: 'Ironmongery re-tendered',
    });
    expect(audit[0]!.changedFields).toMatchObject({ manualAmount: { old: null, new: '5000.00' } });
    // a second writer who read version 0 loses, and leaves no audit row
    expect(
      await outcome(
        setCostForecast(
          testDb.db,
          { costCodeId, version: 0, method: 'committed_only', reason: 'stale' },
          org.actors.pm2,
        ),
      ),
    ).toBe('CONFLICT');
    const [row] = await readCostCodeRows(testDb.db, scopeOf(org.actors.exec, { projectId: p1, costCodeId }));
    expect(row).toMatchObject({
      forecastMethod: 'manual',
      forecastAmount: '5000.00',
      forecastReason: 'Ironmongery re-tendered',
      forecastSetBy: 'Tom Okafor',
      forecastVersion: 1,
      isAutomaticMethod: false,
    });
    await setCostForecast(
      testDb.db,
      { costCodeId, version: 1, method: 'automatic', reason: 'Package let; back to automatic' },
      org.actors.pm2,
    );
    const summary = await getProjectCostSummary(testDb.db, org.actors.pm, p1);
    expect(summary.automaticCodes.map((c) => c.code)).toContain('06-200');
    expect(summary.overriddenCodes.map((c) => c.code).sort()).toEqual(['01-100', '99-000']); // the seeded ones
    expect(
      await testDb.db.$count(
        auditEvents,
        and(eq(auditEvents.entityId, costCodeId), eq(auditEvents.action, 'cost_forecast.set')),
      ),
    ).toBe(2);
  });

  it('lets only a project manager of the project override (QS: FORBIDDEN; PM of another project: NOT_FOUND)', async () => {
    const input = {
      costCodeId: codes['07-500']!,
      version: 0,
      method: 'committed_only' as const,
      reason: 'Let in full',
    };
    expect(await outcome(createCaller(contextFor(testDb.db, org.actors.qs)).cost.setForecast(input))).toBe(
      'FORBIDDEN',
    );
    const [p3code] = (
      await readCostCodeRows(testDb.db, scopeOf(org.actors.exec, { projectId: org.projectIds['P-1003']! }))
    ).filter((c) => c.costCodeId);
    expect(
      await outcome(
        createCaller(contextFor(testDb.db, org.actors.pm)).cost.setForecast({
          ...input,
          costCodeId: p3code!.costCodeId!,
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('the portfolio', () => {
  const moneyColumns = [
    'originalContract',
    'revisedContract',
    'revisedBudget',
    'pendingChanges',
    'pendingChangesProceeding',
    'projectedBudget',
    'committed',
    'actual',
    'estimateAtCompletion',
    'varianceAtCompletion',
    'projectedOverUnder',
    'forecastMargin',
    'earned',
    'billed',
    'overUnderBilling',
    'certified',
    'retentionPayable',
    'retentionReceivable',
  ] as const satisfies readonly (keyof PortfolioRow)[];

  it('has a totals row equal to the sum of its rows, filtered or not', async () => {
    for (const input of [
      list,
      { ...list, filters: { projectName: 'Centre' } },
      { ...list, search: 'P-100' },
    ]) {
      const result = await listPortfolio(testDb.db, org.actors.exec, input);
      expect(result.totalsRows!).toHaveLength(1);
      const totals = result.totalsRows![0]!;
      expect(result.total).toBe(result.rows.length);
      for (const column of moneyColumns)
        expect(totals[column], column).toBe(sumMoney(result.rows.map((r) => r[column])).toFixed(2));
      expect(totals.openExceptions).toBe(result.rows.reduce((n, r) => n + r.openExceptions, 0));
    }
    const all = await listPortfolio(testDb.db, org.actors.exec, list);
    expect(all.rows.map((r) => r.projectCode)).toEqual(['P-1001', 'P-1002', 'P-1003']);
    expect(all.rows[0]).toMatchObject({
      billed: '217500.00',
      certified: '9600.00',
      retentionPayable: '480.00',
      retentionReceivable: '10875.00',
      openExceptions: 1,
    });
  });

  it('sorts by VAC in SQL', async () => {
    const result = await listPortfolio(testDb.db, org.actors.exec, {
      ...list,
      sort: { id: 'varianceAtCompletion', desc: false },
    });
    const vac = result.rows.map((r) => Number(r.varianceAtCompletion));
    expect(vac).toEqual([...vac].sort((a, b) => a - b));
    expect(new Set(vac).size).toBeGreaterThan(1);
  });

  it('shows a person only their projects: a QS sees no other row, and another project is NOT_FOUND', async () => {
    const mine = await listPortfolio(testDb.db, org.actors.qs2, list);
    expect(mine.rows.map((r) => r.projectCode)).toEqual(['P-1003']);
    const caller = createCaller(contextFor(testDb.db, org.actors.qs2));
    expect(await outcome(caller.portfolio.list(list))).toBe('FORBIDDEN');
    expect(await outcome(caller.cost.summary({ projectId: p1 }))).toBe('NOT_FOUND');
    expect(await outcome(caller.cost.codes({ ...list, projectId: p1 }))).toBe('NOT_FOUND');
    expect(await outcome(caller.cost.code({ projectId: p1, costCodeId: codes['16-100']! }))).toBe(
      'NOT_FOUND',
    );
    expect(await outcome(caller.cost.records({ ...list, projectId: p1, costCodeId: codes['16-100']! }))).toBe(
      'NOT_FOUND',
    );
    // a QS may read cost but not take snapshots (cost.snapshot, issue 20): refused before any record is looked up
    expect(await outcome(caller.cost.takeSnapshot({ projectId: p1 }))).toBe('FORBIDDEN');
    // a cost code of another project named under one's own project is NOT_FOUND too
    expect(
      await outcome(caller.cost.code({ projectId: org.projectIds['P-1003']!, costCodeId: codes['16-100']! })),
    ).toBe('NOT_FOUND');
  });

  it('gives the cost report table a totals row equal to its column sums', async () => {
    const result = await createCaller(contextFor(testDb.db, org.actors.qs)).cost.codes({
      ...list,
      pageSize: 100,
      projectId: p1,
    });
    const totals = result.totalsRows![0]!;
    for (const column of [
      'revisedBudget',
      'committed',
      'actual',
      'estimateAtCompletion',
      'varianceAtCompletion',
      'uncommitted',
    ] as const) {
      expect(totals[column], column).toBe(sumMoney(result.rows.map((r) => r[column])).toFixed(2));
    }
  });
});

describe('charts', () => {
  it('feeds ready series: budget vs EAC per project, variance largest first, billing vs cost to date, exception ageing', async () => {
    const charts = await readCostCharts(testDb.db, scopeOf(org.actors.exec));
    const portfolio = await listPortfolio(testDb.db, org.actors.exec, list);
    expect(charts.currency).toBe('GBP');
    expect(charts.budgetVsEac).toEqual(
      portfolio.rows.map((r) => ({
        label: r.projectCode,
        projectId: r.projectId,
        revisedBudget: r.revisedBudget,
        estimateAtCompletion: r.estimateAtCompletion,
      })),
    );
    const variance = charts.costCodeVariance.map((v) => Math.abs(Number(v.varianceAtCompletion)));
    expect(variance).toEqual([...variance].sort((a, b) => b - a));
    expect(charts.costCodeVariance.some((v) => v.label === 'P-1003 no code')).toBe(true);
    const last = charts.billingVsCost.at(-1)!;
    expect(last.billedToDate).toBe('317500.00');
    expect(last.costToDate).toBe('9921.00');
    expect(charts.exceptionAgeing.map((b) => [b.bucket, b.count])).toEqual([
      ['0–1 d', 0],
      ['1–3 d', 0],
      ['3–7 d', 1],
      ['> 7 d', 0],
    ]);
    expect(charts.marginTrend.at(-1)).toMatchObject({
      isLive: true,
      margin: portfolio.totalsRows![0]!.forecastMargin,
    });
  });
});

describe('drill-down', () => {
  it('lists the records behind a cost code, each with its page', async () => {
    const result = await listCostRecords(testDb.db, org.actors.exec, {
      ...list,
      projectId: p1,
      costCodeId: codes['16-100']!,
    });
    const bySource = Object.fromEntries(result.rows.map((r) => [r.source, r]));
    expect(bySource.sov_line).toMatchObject({
      column: 'CC',
      amount: '96000.00',
      href: `/subcontracts/${subcontract.id}`,
    });
    expect(bySource.claim).toMatchObject({
      column: 'Certified',
      amount: '9600.00',
      href: `/projects/${p1}/claims/${claimId}`,
      status: 'approved',
    });
    expect(bySource.analytic_line).toMatchObject({ column: 'AC', amount: '9600.00', href: null });
    const cos = await listCostRecords(testDb.db, org.actors.exec, {
      ...list,
      projectId: p1,
      costCodeId: codes['03-300']!,
      filters: { source: 'change_order' },
    });
    expect(cos.rows).toHaveLength(1);
    expect(cos.rows[0]).toMatchObject({ column: 'ACO', amount: '12000.00', status: 'approved' });
    expect(cos.rows[0]!.href).toMatch(new RegExp(`^/projects/${p1}/change-orders/[0-9a-f-]{36}$`));
  });
});

describe('snapshots', () => {
  it('takes one month-end snapshot per project and period, however often and concurrently it runs', async () => {
    const period = closedMonthEnd('2026-03-01');
    expect(period).toBe('2026-02-28');
    const projectCount = await testDb.db.$count(projects);
    const runs = await Promise.all([
      takeMonthEndSnapshots(testDb.db, period),
      takeMonthEndSnapshots(testDb.db, period),
    ]);
    expect(runs[0]!.taken + runs[1]!.taken).toBe(projectCount);
    expect((await takeMonthEndSnapshots(testDb.db, period)).taken).toBe(0);
    const rows = await testDb.db
      .select()
      .from(costSnapshots)
      .where(and(eq(costSnapshots.period, period), eq(costSnapshots.kind, 'month_end')));
    expect(rows).toHaveLength(projectCount);
    const p1Row = rows.find((r) => r.projectId === p1)!;
    const [live] = (
      await listPortfolio(testDb.db, org.actors.exec, { ...list, filters: { projectCode: 'P-1001' } })
    ).rows;
    expect(p1Row).toMatchObject({
      estimateAtCompletionAmount: live!.estimateAtCompletion,
      revisedContractAmount: live!.revisedContract,
      billedAmount: live!.billed,
      actualCostAmount: live!.actual,
    });
    expect((p1Row.report as { codes: unknown[] }).codes.length).toBeGreaterThan(5);
    // on demand: one more row, kept apart from the month-end one
    await takeOnDemandSnapshot(testDb.db, p1, org.actors.qs);
    expect(await testDb.db.$count(costSnapshots, eq(costSnapshots.projectId, p1))).toBe(2);
  });

  it('explains the EAC change since the month-end snapshot by cause, adding up to the change', async () => {
    const db = testDb.db;
    await coBuilder(db, org, p1, codes).approved({
      kind: 'commitment',
      subcontractId: subcontract.id,
      lines: [{ code: '16-100', cost: '3000.00' }],
    });
    await addSubcontract(
      db,
      p1,
      await addVendor(db, org, 'Summit Roofing'),
      [{ code: '07-500', amount: '99000.00' }],
      codes,
    ); // 4,000 over its budget
    await addAnalyticLine(db, p1, codes['15-100']!, '170000.00'); // direct cost over the 165,000 budget
    await setCostForecast(
      db,
      {
        costCodeId: codes['03-300']!,
        version: 0,
        method: 'manual',
        manualAmount: '300000.00',
        reason: 'Re-measured',
      },
      org.actors.pm,
    );
    const summary = await getProjectCostSummary(db, org.actors.pm, p1);
    const change = summary.sinceBaseline!;
    expect(change.baseline).toMatchObject({ period: '2026-02-28', kind: 'month_end' });
    expect(change.causes).toEqual({
      baseline: '0.00',
      change_orders: '3000.00',
      commitments: '4000.00',
      actuals: '5000.00',
      forecast: expect.any(String),
    });
    // 03-300: was automatic (PB 272,000, nothing committed) → manual 300,000
    expect(change.causes.forecast).toBe('28000.00');
    expect(change.change).toBe(sumMoney(Object.values(change.causes)).toFixed(2));
    const [snapshotEac] = (
      await db.execute<{ eac: string }>(
        sql`SELECT estimate_at_completion_amount::text AS eac FROM cost_snapshots WHERE project_id = ${p1} AND kind = 'month_end'`,
      )
    ).rows;
    expect(change.previousEac).toBe(snapshotEac!.eac);
    expect(change.currentEac).toBe(summary.project.estimateAtCompletion);
    expect(change.codes[0]).toMatchObject({ code: '03-300', change: '28000.00' });
  });
});
