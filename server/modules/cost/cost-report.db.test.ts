import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { projectMembers } from '@/db/schema';
import { demoProjects } from '@/db/seed/demo-organisation';
import { Money } from '@/server/lib/money';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { calculateCostCode, calculateProjectCostReport, type CostCodeSums } from './cost-report.calc';
import { readCostCodeRows, type CostCodeRow } from './cost-report.queries';
import { scopeOf } from './cost-report.sql';
import { setCostForecast } from './cost-forecast.service';
import { readPortfolioRows } from './portfolio.queries';
import {
  addAnalyticLine,
  addClaim,
  addException,
  addMilestone,
  addProject,
  addSubcontract,
  addVendor,
  coBuilder,
  codesOf,
} from './cost.testing';

let testDb: TestDatabase;
let org: SeededOrg;
let p1: string;

/**
 * The seeded demo organisation plus, on P-1001 and P-1002: approved, pending (one proceeding),
 * voided COs of every kind; a subcontract with an SOV line added by an approved commitment CO and an
 * unmapped SOV line; a cancelled subcontract; analytic lines with and without a purchase line and
 * one without a cost code; claims; milestones; exceptions; manual, CPI and committed-only forecasts.
 */
beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  const db = testDb.db;
  p1 = org.projectIds['P-1001']!;
  const p2 = org.projectIds['P-1002']!;
  const c1 = await codesOf(db, p1);
  const c2 = await codesOf(db, p2);
  const vendor = await addVendor(db, org, 'Keystone Groundworks Ltd');
  const sc = await addSubcontract(
    db,
    p1,
    vendor,
    [
      { code: '03-300', amount: '185000.00' },
      { code: '16-100', amount: '96000.00' },
      { code: null, amount: '8500.00' },
    ],
    c1,
  );
  await addSubcontract(db, p1, vendor, [{ code: '06-200', amount: '50000.00' }], c1, 'cancel');
  const sc2 = await addSubcontract(db, p2, vendor, [{ code: '05-100', amount: '214000.00' }], c2);

  const co1 = coBuilder(db, org, p1, c1);
  await co1.approved({
    kind: 'client',
    lines: [
      { code: '03-300', cost: '12000.00', sell: '15600.00' },
      { code: '09-200', cost: '800.50', sell: '1000.00' },
    ],
  });
  await co1.approved({
    kind: 'commitment',
    subcontractId: sc.id,
    lines: [{ code: '16-100', cost: '4000.00' }],
  });
  await co1.approved({
    kind: 'internal',
    lines: [
      { code: '99-000', cost: '-5000.00' },
      { code: '03-300', cost: '5000.00' },
    ],
  });
  await co1.submitted({
    kind: 'client',
    proceeding: true,
    lines: [{ code: '09-200', cost: '3000.00', sell: '3600.00' }],
  });
  await co1.submitted({
    kind: 'internal',
    lines: [
      { code: '99-000', cost: '-1500.00' },
      { code: '07-500', cost: '1500.00' },
    ],
  });
  await co1.draft({ kind: 'commitment', subcontractId: sc.id, lines: [{ code: '16-100', cost: '2500.00' }] });
  await co1.draft({ kind: 'client', lines: [{ code: '15-100', cost: '-700.25', sell: '-800.00' }] });
  await co1.voided({ kind: 'client', lines: [{ code: '15-100', cost: '9999.00' }] });
  await db.insert(projectMembers).values({ projectId: p2, userId: org.actors.pm2.id }); // a second PM approves there too
  const co2 = coBuilder(db, org, p2, c2);
  await co2.approved({ kind: 'client', lines: [{ code: '05-100', cost: '20000.00', sell: '24000.00' }] });

  await addAnalyticLine(db, p1, c1['03-300']!, '40000.00', { purchaseLineId: 777 });
  await addAnalyticLine(db, p1, c1['03-300']!, '7000.55');
  await addAnalyticLine(db, p1, c1['16-100']!, '1234.56', { date: '2026-03-02' });
  await addAnalyticLine(db, p1, null, '500.00');
  await addAnalyticLine(db, p1, c1['09-200']!, '2000.00');
  await addAnalyticLine(db, p2, c2['05-100']!, '74900.00', { purchaseLineId: 888 });

  await addClaim(db, org, {
    projectId: p1,
    subcontractId: sc.id,
    number: 1,
    status: 'approved',
    lines: [{ sovLineId: sc.sovIds[0]!, scheduled: '185000.00', certified: '50000.00' }],
    completed: '50000.00',
    held: '2500.00',
  });
  await addClaim(db, org, {
    projectId: p1,
    subcontractId: sc.id,
    number: 2,
    status: 'submitted',
    lines: [{ sovLineId: sc.sovIds[0]!, scheduled: '185000.00', certified: '90000.00' }],
    completed: '90000.00',
    held: '4500.00',
  });
  await addClaim(db, org, {
    projectId: p2,
    subcontractId: sc2.id,
    number: 1,
    status: 'paid',
    lines: [{ sovLineId: sc2.sovIds[0]!, scheduled: '214000.00', certified: '74900.00' }],
    completed: '74900.00',
    held: '3745.00',
  });
  await addMilestone(db, org, p1, 'invoiced', '214500.00', '10725.00');
  await addMilestone(db, org, p1, 'paid', '100000.00', '5000.00', '2026-01-20');
  await addMilestone(db, org, p1, 'released', '50000.00', '2500.00');
  await addException(db, p1, 'open', 2);
  await addException(db, p1, 'open', 9);
  await addException(db, p1, 'resolved');

  // the seed sets P-1001 01-100 manual and 99-000 committed only; add a manual override and a CPI one
  await setCostForecast(
    db,
    {
      costCodeId: c1['16-100']!,
      version: 0,
      method: 'manual',
      manualAmount: '10000.00',
      reason: 'Second fix outstanding on floors 4-6',
    },
    org.actors.pm,
  );
  await setCostForecast(
    db,
    {
      costCodeId: c1['09-200']!,
      version: 0,
      method: 'cpi',
      earnedValue: '1700.00',
      reason: 'Productivity below plan',
    },
    org.actors.pm,
  );
  await setCostForecast(
    db,
    { costCodeId: c2['05-100']!, version: 0, method: 'manual', manualAmount: '0.00', reason: 'Let in full' },
    org.actors.pm,
  );
});
afterAll(async () => testDb.drop());

type Expected = Record<string, string | null>;

/**
 * Every column of every code, straight from the base tables and written independently of the
 * report's SQL: BT and ACO from the approved COs' lines (not from budget_revisions), the rest by
 * correlated subqueries, the forecast by its own CASE.
 */
async function independentColumns(): Promise<Map<string, Expected>> {
  const result = await testDb.db.execute<Expected & { key: string }>(sql`
    WITH base AS (
      SELECT c.project_id, c.id::text AS key, c.original_budget_amount AS ob,
        (SELECT coalesce(sum(l.cost_amount), 0) FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
          WHERE l.cost_code_id = c.id AND co.status = 'approved' AND co.kind = 'internal') AS bt,
        (SELECT coalesce(sum(l.cost_amount), 0) FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
          WHERE l.cost_code_id = c.id AND co.status = 'approved' AND co.kind IN ('client', 'commitment')) AS aco,
        (SELECT coalesce(sum(l.cost_amount), 0) FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
          WHERE l.cost_code_id = c.id AND co.status NOT IN ('approved', 'rejected', 'void')) AS pbc,
        (SELECT coalesce(sum(l.cost_amount), 0) FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
          WHERE l.cost_code_id = c.id AND co.status NOT IN ('approved', 'rejected', 'void') AND co.is_proceeding) AS proceeding,
        (SELECT coalesce(sum(l.cost_amount), 0) FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
          WHERE l.cost_code_id = c.id AND co.status NOT IN ('approved', 'rejected', 'void') AND co.kind = 'commitment') AS pcc,
        (SELECT coalesce(sum(sl.scheduled_amount), 0) FROM sov_lines sl JOIN subcontracts s ON s.id = sl.subcontract_id
          WHERE sl.cost_code_id = c.id AND coalesce(s.odoo_state, '') <> 'cancel') AS cc,
        (SELECT coalesce(sum(al.cost_amount), 0) FROM analytic_lines al WHERE al.cost_code_id = c.id) AS ac,
        (SELECT coalesce(sum(al.cost_amount), 0) FROM analytic_lines al WHERE al.cost_code_id = c.id AND al.odoo_purchase_line_id IS NULL) AS dc,
        f.method::text AS method, f.manual_amount, f.earned_value_amount AS ev
      FROM cost_codes c LEFT JOIN cost_forecasts f ON f.cost_code_id = c.id
      UNION ALL
      SELECT p.id, 'none:' || p.id, 0, 0, 0, 0, 0, 0,
        (SELECT coalesce(sum(sl.scheduled_amount), 0) FROM sov_lines sl JOIN subcontracts s ON s.id = sl.subcontract_id
          WHERE s.project_id = p.id AND sl.cost_code_id IS NULL AND coalesce(s.odoo_state, '') <> 'cancel'),
        (SELECT coalesce(sum(al.cost_amount), 0) FROM analytic_lines al WHERE al.project_id = p.id AND al.cost_code_id IS NULL),
        (SELECT coalesce(sum(al.cost_amount), 0) FROM analytic_lines al WHERE al.project_id = p.id AND al.cost_code_id IS NULL AND al.odoo_purchase_line_id IS NULL),
        NULL, NULL, NULL
      FROM projects p),
    derived AS (
      SELECT base.*, ob + bt + aco AS rb, ob + bt + aco + pbc AS pb, cc + dc + pcc AS locked FROM base),
    forecast AS (
      SELECT derived.*, CASE
          WHEN method = 'manual' THEN manual_amount
          WHEN method = 'committed_only' THEN 0
          WHEN method = 'cpi' AND ev > 0 AND ac > 0 THEN round(greatest(pb - locked, 0) / (ev / ac), 2)
          ELSE greatest(pb - locked, 0) END AS ftc
      FROM derived)
    SELECT key, ob::text AS "originalBudget", bt::text AS "budgetTransfers", aco::text AS "approvedChanges", rb::text AS "revisedBudget",
      pbc::text AS "pendingChanges", proceeding::text AS "pendingChangesProceeding", pb::text AS "projectedBudget",
      cc::text AS committed, pcc::text AS "pendingCommitmentChanges", greatest(rb - cc, 0)::text AS uncommitted,
      ac::text AS actual, dc::text AS "directCost", ftc::text AS "forecastToComplete", (locked + ftc)::text AS "estimateAtCompletion",
      (rb - locked - ftc)::text AS "varianceAtCompletion", (pb - locked - ftc)::text AS "projectedOverUnder",
      CASE WHEN locked + ftc <> 0 THEN round(100 * ac / (locked + ftc), 2)::text END AS "percentComplete"
    FROM forecast
    WHERE NOT key LIKE 'none:%' OR cc <> 0 OR ac <> 0`);
  return new Map(
    result.rows.map(({ key, ...rest }) => [key.startsWith('none:') ? `none:${key.slice(5)}` : key, rest]),
  );
}

const moneyKeys = [
  'originalBudget',
  'budgetTransfers',
  'approvedChanges',
  'revisedBudget',
  'pendingChanges',
  'pendingChangesProceeding',
  'projectedBudget',
  'committed',
  'pendingCommitmentChanges',
  'uncommitted',
  'actual',
  'directCost',
  'forecastToComplete',
  'estimateAtCompletion',
  'varianceAtCompletion',
  'projectedOverUnder',
] as const;

const cents = (value: string | null) => (value === null ? null : Number(value).toFixed(2));

async function reportRows(): Promise<CostCodeRow[]> {
  return readCostCodeRows(testDb.db, scopeOf(org.actors.exec));
}

describe('the cost report of the seeded organisation', () => {
  it('matches an independent SQL computation of every column of every code, to the cent', async () => {
    const expected = await independentColumns();
    const rows = await reportRows();
    expect(rows.length).toBe(expected.size);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      const want = expected.get(row.costCodeId ?? `none:${row.projectId}`);
      expect(want, `${row.code} missing from the independent computation`).toBeDefined();
      for (const key of moneyKeys) expect(row[key], `${row.code} ${key}`).toBe(cents(want![key]!));
      expect(row.percentComplete, `${row.code} percent complete`).toBe(want!.percentComplete);
    }
  });

  it('agrees with cost-report.calc.ts fed the same per-code sums, row by row and for the project', async () => {
    const rows = await reportRows();
    for (const row of rows) {
      const sums: CostCodeSums = {
        costCodeId: row.costCodeId ?? 'unallocated',
        code: row.code,
        name: row.name,
        originalBudget: row.originalBudget,
        budgetTransfers: row.budgetTransfers,
        approvedChanges: row.approvedChanges,
        pendingChanges: row.pendingChanges,
        pendingChangesProceeding: row.pendingChangesProceeding,
        committed: row.committed,
        pendingCommitmentChanges: row.pendingCommitmentChanges,
        actual: row.actual,
        directCost: row.directCost,
        forecastMethod: row.forecastMethod ?? 'automatic',
        forecastAmount: row.forecastAmount,
        forecastReason: row.forecastReason,
        earnedValue: row.earnedValue,
      };
      const calc = calculateCostCode(sums);
      for (const key of moneyKeys) expect(row[key], `${row.code} ${key}`).toBe(calc[key]);
      expect(row, row.code).toMatchObject({
        percentComplete: calc.percentComplete,
        cpi: calc.cpi,
        effectiveForecastMethod: calc.effectiveForecastMethod,
        isAutomaticMethod: calc.isAutomaticMethod,
      });
    }
    for (const project of await readPortfolioRows(testDb.db, scopeOf(org.actors.exec))) {
      const codes = rows.filter((r) => r.projectId === project.projectId);
      const contract = await testDb.db.execute<{ original: string; changes: string; billed: string }>(sql`
        SELECT p.original_contract_amount::text AS original,
          (SELECT coalesce(sum(co.sell_total_amount), 0) FROM change_orders co WHERE co.project_id = p.id AND co.kind = 'client' AND co.status = 'approved')::text AS changes,
          (SELECT coalesce(sum(invoice_amount), 0) FROM milestones WHERE project_id = p.id AND status IN ('invoiced', 'paid'))::text AS billed
        FROM projects p WHERE p.id = ${project.projectId}`);
      const c = contract.rows[0]!;
      const calc = calculateProjectCostReport({
        originalContractValue: c.original,
        approvedClientChanges: c.changes,
        billedToDate: c.billed,
        codes: codes.map((r) => ({
          ...r,
          costCodeId: r.costCodeId ?? 'unallocated',
          forecastMethod: r.forecastMethod ?? 'automatic',
        })),
      });
      expect(project, project.projectCode).toMatchObject({
        revisedContract: calc.revisedContractValue,
        revisedBudget: calc.totals.revisedBudget,
        estimateAtCompletion: calc.totals.estimateAtCompletion,
        varianceAtCompletion: calc.totals.varianceAtCompletion,
        forecastMargin: calc.forecastMargin,
        forecastMarginPercent: calc.forecastMarginPercent,
        earned: calc.earnedRevenue,
        billed: calc.billedToDate,
        overUnderBilling: calc.overUnderBilling,
        percentComplete: calc.percentComplete,
      });
    }
  });

  it('computes the project columns (contract, billing, claims, retention both ways, exceptions) from their records', async () => {
    const [row] = await readPortfolioRows(testDb.db, scopeOf(org.actors.exec, { projectId: p1 }));
    // 12,000 + 800.50 approved client cost; 15,600 + 1,000 sell; the pending and voided ones are not in it
    expect(row).toMatchObject({
      projectCode: 'P-1001',
      revisedContract: new Money(demoProjects.find((p) => p.code === 'P-1001')!.contract)
        .plus('16600.00')
        .toFixed(2),
      billed: '314500.00', // invoiced + paid milestones; the released one is not billed yet
      retentionReceivable: '15725.00',
      certified: '50000.00', // the last approved claim; the submitted one is not certified yet
      retentionPayable: '2500.00',
      openExceptions: 2,
      pendingChangesProceeding: '3000.00',
    });
    const [p2] = await readPortfolioRows(
      testDb.db,
      scopeOf(org.actors.exec, { projectId: org.projectIds['P-1002']! }),
    );
    expect(p2).toMatchObject({
      certified: '74900.00',
      retentionPayable: '3745.00',
      billed: '0.00',
      openExceptions: 0,
    });
  });

  it('keeps a cancelled subcontract out of committed, and an unmapped SOV line and analytic line on a row of their own', async () => {
    const rows = (await reportRows()).filter((r) => r.projectId === p1);
    expect(rows.find((r) => r.code === '06-200')?.committed).toBe('0.00');
    expect(rows.find((r) => r.costCodeId === null)).toMatchObject({
      committed: '8500.00',
      actual: '500.00',
      directCost: '500.00',
      estimateAtCompletion: '9000.00',
    });
    expect(rows.find((r) => r.code === '16-100')).toMatchObject({
      committed: '100000.00',
      committedFromChangeOrders: '4000.00',
      pendingCommitmentChanges: '2500.00',
      forecastMethod: 'manual',
      forecastSetBy: 'Tom Okafor',
      isAutomaticMethod: false,
    });
  });
});

describe('DOMAIN §7 worked cost code through the SQL report', () => {
  it('automatic: FTC 2,000, EAC 243,000, over/under 0; manual FTC 9,000: EAC 250,000, over/under −7,000, VAC −13,000', async () => {
    const db = testDb.db;
    const projectId = await addProject(db, org, 'T-0700', '400000.00', {
      '03-300': '230000.00',
      '01-100': '20000.00',
    });
    const codes = await codesOf(db, projectId);
    const co = coBuilder(db, org, projectId, codes);
    const vendor = await addVendor(db, org, 'Worked Example Concrete Ltd');
    const sc = await addSubcontract(db, projectId, vendor, [{ code: '03-300', amount: '222000.00' }], codes);
    await co.approved({
      kind: 'internal',
      lines: [
        { code: '03-300', cost: '-8000.00' },
        { code: '01-100', cost: '8000.00' },
      ],
    }); // BT −8,000
    await co.approved({ kind: 'client', lines: [{ code: '03-300', cost: '10000.00', sell: '12500.00' }] });
    await co.approved({
      kind: 'commitment',
      subcontractId: sc.id,
      lines: [{ code: '03-300', cost: '5000.00' }],
    }); // ACO +15,000, CC 227,000
    await co.draft({
      kind: 'commitment',
      subcontractId: sc.id,
      lines: [{ code: '03-300', cost: '5000.00' }],
    }); // PCC 5,000
    await co.submitted({ kind: 'client', proceeding: true, lines: [{ code: '03-300', cost: '1000.00' }] }); // PBC 6,000
    await addAnalyticLine(db, projectId, codes['03-300']!, '132000.00', { purchaseLineId: 4242 });
    await addAnalyticLine(db, projectId, codes['03-300']!, '9000.00'); // AC 141,000, DC 9,000

    const read = async () =>
      (await readCostCodeRows(db, scopeOf(org.actors.pm, { projectId, costCodeId: codes['03-300']! })))[0]!;
    expect(await read()).toMatchObject({
      originalBudget: '230000.00',
      budgetTransfers: '-8000.00',
      approvedChanges: '15000.00',
      revisedBudget: '237000.00',
      pendingChanges: '6000.00',
      pendingChangesProceeding: '1000.00',
      projectedBudget: '243000.00',
      committed: '227000.00',
      pendingCommitmentChanges: '5000.00',
      uncommitted: '10000.00',
      actual: '141000.00',
      directCost: '9000.00',
      forecastToComplete: '2000.00',
      estimateAtCompletion: '243000.00',
      projectedOverUnder: '0.00',
      varianceAtCompletion: '-6000.00',
      percentComplete: '58.02',
      isAutomaticMethod: true,
    });
    await setCostForecast(
      db,
      {
        costCodeId: codes['03-300']!,
        version: 0,
        method: 'manual',
        manualAmount: '9000.00',
        reason: 'Pump hire extended',
      },
      org.actors.pm,
    );
    expect(await read()).toMatchObject({
      forecastToComplete: '9000.00',
      estimateAtCompletion: '250000.00',
      projectedOverUnder: '-7000.00',
      varianceAtCompletion: '-13000.00',
      percentComplete: '56.40',
      forecastReason: 'Pump hire extended',
      isAutomaticMethod: false,
    });
  });
});
