import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { projectMembers } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { setProceeding, voidChangeOrder } from '@/server/modules/change-orders/change-order.service';
import { submitChangeOrder } from '@/server/modules/change-orders/change-order-approval.service';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { readCostCharts } from './cost-charts.queries';
import { setCostForecast } from './cost-forecast.service';
import { readCostCodeRows } from './cost-report.queries';
import type { ReportScope } from './cost-report.sql';
import { readPortfolioRows, type PortfolioRow } from './portfolio.queries';
import {
  addAnalyticLine,
  addClaim,
  addMilestone,
  addSubcontract,
  addVendor,
  coBuilder,
  codesOf,
} from './cost.testing';

/**
 * The maintained sums (cost_code_totals, project_cost_totals; migration cost_totals_maintained) against
 * a full aggregation of history, after a mix of writes made as the application's least-privilege role:
 * change orders through the services (budget and contract revisions, SOV lines), analytic lines, SOV
 * lines, subcontracts, claims, milestones, forecasts and budgets inserted, updated and deleted.
 * Two independent checks after every step: the database's `cost_totals_verify()` is empty, and every
 * portfolio figure equals the portfolio computed the way it was before issue 18 (the full aggregation
 * below, written in this file, reading no maintained table).
 */
let testDb: TestDatabase;
let app: Db;
let org: SeededOrg;
let p1: string;
let p2: string;
let c1: Record<string, string>;
let c2: Record<string, string>;
let scope: ReportScope;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  app = createDb(testDb.runtimeUrl, { max: 4, applicationName: 'plumbline-test-app' });
  p1 = org.projectIds['P-1001']!;
  p2 = org.projectIds['P-1002']!;
  c1 = await codesOf(testDb.db, p1);
  c2 = await codesOf(testDb.db, p2);
  await testDb.db.insert(projectMembers).values({ projectId: p2, userId: org.actors.pm2.id }); // a second PM approves there too
  scope = { organisationId: org.actors.exec.organisationId, visibleTo: null };
});
afterAll(async () => {
  await app.$client.end();
  await testDb.drop();
});

type Mismatch = {
  table_name: string;
  project_id: string;
  cost_code_id: string | null;
  figure: string;
  stored: string;
  expected: string;
};

async function verify(): Promise<Mismatch[]> {
  return (
    await testDb.db.execute<Mismatch>(
      sql`SELECT table_name, project_id, cost_code_id, figure, stored, expected FROM cost_totals_verify() ORDER BY 1, 2, 3, 4`,
    )
  ).rows;
}

const moneyColumns = [
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
  'certified',
  'retentionPayable',
  'retentionReceivable',
] as const;
type Figures = Record<(typeof moneyColumns)[number] | 'uncommitted' | 'automaticCodes', string>;

/**
 * Per project, from the base tables only: the portfolio's query before issue 18 (every source
 * aggregated per code, the derived columns per code, summed per project).
 */
async function fullAggregation(): Promise<Map<string, Figures>> {
  const result = await testDb.db.execute<Figures & { projectId: string }>(sql`
    WITH revisions AS (
      SELECT br.cost_code_id, sum(br.amount) FILTER (WHERE br.kind = 'transfer') AS bt,
             sum(br.amount) FILTER (WHERE br.kind = 'approved_change') AS aco
      FROM budget_revisions br GROUP BY br.cost_code_id),
    pending AS (
      SELECT l.cost_code_id, sum(l.cost_amount) AS pbc, sum(l.cost_amount) FILTER (WHERE co.is_proceeding) AS proceeding,
             sum(l.cost_amount) FILTER (WHERE co.kind = 'commitment') AS pcc
      FROM change_orders co JOIN change_order_lines l ON l.change_order_id = co.id
      WHERE co.status IN ('draft', 'submitted') GROUP BY l.cost_code_id),
    committed AS (
      SELECT s.project_id, sl.cost_code_id, sum(sl.scheduled_amount) AS cc
      FROM subcontracts s JOIN sov_lines sl ON sl.subcontract_id = s.id
      WHERE s.odoo_state IS DISTINCT FROM 'cancel' GROUP BY s.project_id, sl.cost_code_id),
    actuals AS (
      SELECT al.project_id, al.cost_code_id, sum(al.cost_amount) AS ac,
             sum(al.cost_amount) FILTER (WHERE al.odoo_purchase_line_id IS NULL) AS dc
      FROM analytic_lines al GROUP BY al.project_id, al.cost_code_id),
    codes AS (
      SELECT c.id AS cost_code_id, c.project_id, c.original_budget_amount AS ob FROM cost_codes c
      UNION ALL
      SELECT NULL, p.id, 0 FROM projects p),
    sums AS (
      SELECT codes.*, coalesce(r.bt, 0) AS bt, coalesce(r.aco, 0) AS aco, coalesce(pe.pbc, 0) AS pbc,
             coalesce(pe.proceeding, 0) AS proceeding, coalesce(pe.pcc, 0) AS pcc, coalesce(cm.cc, 0) AS cc,
             coalesce(a.ac, 0) AS ac, coalesce(a.dc, 0) AS dc, f.method::text AS method, f.manual_amount, f.earned_value_amount AS ev
      FROM codes
      LEFT JOIN revisions r ON r.cost_code_id = codes.cost_code_id
      LEFT JOIN pending pe ON pe.cost_code_id = codes.cost_code_id
      LEFT JOIN committed cm ON cm.project_id = codes.project_id AND cm.cost_code_id IS NOT DISTINCT FROM codes.cost_code_id
      LEFT JOIN actuals a ON a.project_id = codes.project_id AND a.cost_code_id IS NOT DISTINCT FROM codes.cost_code_id
      LEFT JOIN cost_forecasts f ON f.cost_code_id = codes.cost_code_id),
    derived AS (
      SELECT sums.*, ob + bt + aco AS rb, ob + bt + aco + pbc AS pb, cc + dc + pcc AS locked,
        CASE
          WHEN method = 'manual' AND manual_amount IS NOT NULL THEN manual_amount
          WHEN method = 'committed_only' THEN 0
          WHEN method = 'cpi' AND ev > 0 AND ac > 0 THEN round(greatest(ob + bt + aco + pbc - (cc + dc + pcc), 0) * ac / ev, 2)
          ELSE greatest(ob + bt + aco + pbc - (cc + dc + pcc), 0)
        END AS ftc,
        cost_code_id IS NOT NULL AND (method IS NULL OR method = 'automatic' OR (method = 'manual' AND manual_amount IS NULL)
          OR (method = 'cpi' AND NOT (coalesce(ev, 0) > 0 AND ac > 0))) AS automatic
      FROM sums),
    per_project AS (
      SELECT project_id, sum(rb) AS rb, sum(pbc) AS pbc, sum(proceeding) AS proceeding, sum(pb) AS pb, sum(cc) AS cc,
             sum(greatest(rb - cc, 0)) AS uncommitted, sum(ac) AS ac, sum(locked + ftc) AS eac,
             count(*) FILTER (WHERE automatic) AS automatic_codes
      FROM derived GROUP BY project_id),
    latest_claims AS (
      SELECT DISTINCT ON (c.subcontract_id) c.project_id, c.completed_to_date_amount, c.retention_held_to_date_amount
      FROM claims c WHERE c.status IN ('approved', 'released', 'posted', 'paid')
      ORDER BY c.subcontract_id, c.number DESC, c.revision DESC),
    projectwise AS (
      SELECT pp.*,
        p.original_contract_amount + coalesce((SELECT sum(amount) FROM contract_revisions cr WHERE cr.project_id = p.id), 0) AS rc,
        coalesce((SELECT sum(invoice_amount) FROM milestones m WHERE m.project_id = p.id AND m.status IN ('invoiced', 'paid')), 0) AS billed,
        coalesce((SELECT sum(coalesce(retention_amount, 0)) FROM milestones m WHERE m.project_id = p.id AND m.status IN ('invoiced', 'paid')), 0) AS rr,
        coalesce((SELECT sum(coalesce(completed_to_date_amount, 0)) FROM latest_claims l WHERE l.project_id = p.id), 0) AS certified,
        coalesce((SELECT sum(coalesce(retention_held_to_date_amount, 0)) FROM latest_claims l WHERE l.project_id = p.id), 0) AS rp
      FROM projects p JOIN per_project pp ON pp.project_id = p.id)
    SELECT project_id AS "projectId",
      rc::numeric(18,2)::text AS "revisedContract", rb::numeric(18,2)::text AS "revisedBudget",
      pbc::numeric(18,2)::text AS "pendingChanges", proceeding::numeric(18,2)::text AS "pendingChangesProceeding",
      pb::numeric(18,2)::text AS "projectedBudget", cc::numeric(18,2)::text AS committed, ac::numeric(18,2)::text AS actual,
      eac::numeric(18,2)::text AS "estimateAtCompletion", (rb - eac)::numeric(18,2)::text AS "varianceAtCompletion",
      (pb - eac)::numeric(18,2)::text AS "projectedOverUnder", (rc - eac)::numeric(18,2)::text AS "forecastMargin",
      (CASE WHEN eac = 0 THEN 0 ELSE round(rc * ac / eac, 2) END)::numeric(18,2)::text AS earned,
      billed::numeric(18,2)::text AS billed, certified::numeric(18,2)::text AS certified,
      rp::numeric(18,2)::text AS "retentionPayable", rr::numeric(18,2)::text AS "retentionReceivable",
      uncommitted::numeric(18,2)::text AS uncommitted, automatic_codes::text AS "automaticCodes"
    FROM projectwise`);
  return new Map(result.rows.map(({ projectId, ...figures }) => [projectId, figures]));
}

async function maintainedFigures(): Promise<Map<string, Figures>> {
  const rows: PortfolioRow[] = await readPortfolioRows(testDb.db, scope);
  const uncommitted = await testDb.db.execute<{ project_id: string; uncommitted: string }>(
    sql`SELECT project_id, uncommitted::numeric(18,2)::text AS uncommitted FROM project_cost_totals`,
  );
  const byProject = new Map(uncommitted.rows.map((r) => [r.project_id, r.uncommitted]));
  return new Map(
    rows.map((row) => [
      row.projectId!,
      {
        ...(Object.fromEntries(moneyColumns.map((c) => [c, row[c]])) as Record<
          (typeof moneyColumns)[number],
          string
        >),
        uncommitted: byProject.get(row.projectId!) ?? 'missing',
        automaticCodes: String(row.automaticCodes),
      },
    ]),
  );
}

/** Both checks: the database's own verification, and the portfolio against the full aggregation. */
async function expectMaintained(step: string) {
  expect(await verify(), step).toEqual([]);
  const expected = await fullAggregation();
  const maintained = await maintainedFigures();
  expect(maintained.size, step).toBe(expected.size);
  for (const [projectId, figures] of expected)
    expect(maintained.get(projectId), `${step}: project ${projectId}`).toEqual(figures);
}

describe('maintained cost sums', () => {
  it('equal the full aggregation after the seed and after every kind of write, as the application role', async () => {
    await expectMaintained('seeded organisation');
    const co = coBuilder(app, org, p1, c1);
    const vendor = await addVendor(app, org, 'Totals Test Groundworks');
    const sc = await addSubcontract(
      app,
      p1,
      vendor,
      [
        { code: '03-300', amount: '185000.00' },
        { code: '16-100', amount: '96000.00' },
        { code: null, amount: '8500.00' },
      ],
      c1,
    );
    const cancelled = await addSubcontract(
      app,
      p1,
      vendor,
      [{ code: '06-200', amount: '50000.00' }],
      c1,
      'cancel',
    );
    const spare = await addSubcontract(app, p2, vendor, [{ code: '05-100', amount: '12000.00' }], c2);
    await expectMaintained('subcontracts and SOV lines');

    await co.approved({ kind: 'client', lines: [{ code: '03-300', cost: '12000.00', sell: '15600.00' }] });
    await co.approved({
      kind: 'commitment',
      subcontractId: sc.id,
      lines: [{ code: '16-100', cost: '4000.00' }],
    });
    await co.approved({
      kind: 'internal',
      lines: [
        { code: '99-000', cost: '-5000.00' },
        { code: '03-300', cost: '5000.00' },
      ],
    });
    const submitted = await co.submitted({
      kind: 'client',
      proceeding: true,
      lines: [{ code: '09-200', cost: '3000.00', sell: '3600.00' }],
    });
    const draft = await co.draft({
      kind: 'commitment',
      subcontractId: sc.id,
      lines: [
        { code: '16-100', cost: '2500.00' },
        { code: '16-100', cost: '-700.25' },
      ],
    });
    const toDelete = await co.draft({ kind: 'client', lines: [{ code: '07-500', cost: '444.44' }] });
    await co.voided({ kind: 'client', lines: [{ code: '15-100', cost: '9999.00' }] });
    await coBuilder(app, org, p2, c2).approved({
      kind: 'client',
      lines: [{ code: '05-100', cost: '20000.00', sell: '24000.00' }],
    });
    await expectMaintained('change orders approved, submitted, proceeding, drafted and voided');

    // a draft's lines edited and removed; the draft submitted; proceeding withdrawn; a submitted CO voided
    await app.execute(
      sql`UPDATE change_order_lines SET cost_amount = cost_amount + 100.10 WHERE change_order_id = ${draft.id} AND line_no = 1`,
    );
    await app.execute(
      sql`DELETE FROM change_order_lines WHERE change_order_id = ${draft.id} AND line_no = 2`,
    );
    await expectMaintained('draft lines updated and deleted');
    // (the draft's own totals follow its lines, as the edit service keeps them)
    await app.execute(sql`UPDATE change_orders SET (cost_total_amount, routing_amount) =
      (SELECT sum(cost_amount), sum(cost_amount) FROM change_order_lines WHERE change_order_id = ${draft.id}) WHERE id = ${draft.id}`);
    await submitChangeOrder(app, { changeOrderId: draft.id, version: 1 }, org.actors.pm);
    await setProceeding(app, { changeOrderId: submitted, version: 3, isProceeding: false }, org.actors.pm);
    await expectMaintained('draft submitted, proceeding withdrawn');
    await voidChangeOrder(
      app,
      { changeOrderId: submitted, version: 4, comment: 'client withdrew the instruction' },
      org.actors.pm,
    );
    await expectMaintained('submitted CO voided');
    // a draft deleted with its lines (cascade) by the owner, the authors' append-only guard lifted for it
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE approval_authors DISABLE TRIGGER approval_authors_append_only`);
      await tx.execute(sql`DELETE FROM approval_authors WHERE record_id = ${toDelete.id}`);
      await tx.execute(sql`ALTER TABLE approval_authors ENABLE TRIGGER approval_authors_append_only`);
      await tx.execute(sql`DELETE FROM change_orders WHERE id = ${toDelete.id}`);
    });
    await expectMaintained('draft CO deleted with its lines');

    // analytic lines: inserted, re-valued, moved between codes and off any code, re-linked, deleted
    await addAnalyticLine(app, p1, c1['03-300']!, '40000.00', { purchaseLineId: 777 });
    await addAnalyticLine(app, p1, c1['03-300']!, '7000.55');
    await addAnalyticLine(app, p1, null, '500.00');
    await addAnalyticLine(app, p1, c1['09-200']!, '2000.00');
    await addAnalyticLine(app, p2, c2['05-100']!, '74900.00', { purchaseLineId: 888 });
    await expectMaintained('analytic lines inserted');
    await app.execute(
      sql`UPDATE analytic_lines SET cost_amount = cost_amount - 0.55 WHERE cost_code_id = ${c1['03-300']!} AND odoo_purchase_line_id IS NULL`,
    );
    await app.execute(
      sql`UPDATE analytic_lines SET cost_code_id = NULL WHERE cost_code_id = ${c1['09-200']!}`,
    );
    await app.execute(
      sql`UPDATE analytic_lines SET odoo_purchase_line_id = NULL WHERE odoo_purchase_line_id = 777`,
    );
    await app.execute(
      sql`UPDATE analytic_lines SET cost_code_id = ${c1['16-100']!} WHERE cost_amount = 500.00 AND project_id = ${p1}`,
    );
    await expectMaintained('analytic lines updated and moved');
    await app.execute(sql`DELETE FROM analytic_lines WHERE odoo_purchase_line_id = 888`);
    await expectMaintained('analytic line deleted');

    // SOV lines and subcontracts: re-valued, moved off a code, deleted; cancelled and reinstated; deleted
    await app.execute(sql`UPDATE sov_lines SET scheduled_amount = 190000.00 WHERE id = ${sc.sovIds[0]!}`);
    await app.execute(sql`UPDATE sov_lines SET cost_code_id = NULL WHERE id = ${sc.sovIds[1]!}`);
    await app.execute(sql`DELETE FROM sov_lines WHERE id = ${sc.sovIds[2]!}`);
    await expectMaintained('SOV lines updated and deleted');
    await app.execute(sql`UPDATE subcontracts SET odoo_state = 'purchase' WHERE id = ${cancelled.id}`);
    await app.execute(sql`UPDATE subcontracts SET odoo_state = 'cancel' WHERE id = ${spare.id}`);
    await expectMaintained('subcontracts reinstated and cancelled');
    await app.execute(sql`UPDATE subcontracts SET odoo_state = 'purchase' WHERE id = ${spare.id}`);
    await app.execute(sql`DELETE FROM subcontracts WHERE id = ${spare.id}`);
    await expectMaintained('subcontract deleted with its SOV lines');

    // claims: approved, paid, a later one approved (it becomes the certified figure), one still submitted
    await addClaim(app, org, {
      projectId: p1,
      subcontractId: sc.id,
      number: 1,
      status: 'approved',
      lines: [{ sovLineId: sc.sovIds[0]!, scheduled: '190000.00', certified: '50000.00' }],
      completed: '50000.00',
      held: '2500.00',
    });
    await addClaim(app, org, {
      projectId: p1,
      subcontractId: cancelled.id,
      number: 1,
      status: 'paid',
      lines: [{ sovLineId: cancelled.sovIds[0]!, scheduled: '50000.00', certified: '20000.00' }],
      completed: '20000.00',
      held: '1000.00',
    });
    await expectMaintained('claims approved and paid');
    await addClaim(app, org, {
      projectId: p1,
      subcontractId: sc.id,
      number: 2,
      status: 'approved',
      lines: [{ sovLineId: sc.sovIds[0]!, scheduled: '190000.00', certified: '90000.00' }],
      completed: '90000.00',
      held: '4500.00',
    });
    await addClaim(app, org, {
      projectId: p1,
      subcontractId: sc.id,
      number: 3,
      status: 'submitted',
      lines: [{ sovLineId: sc.sovIds[0]!, scheduled: '190000.00', certified: '120000.00' }],
      completed: '120000.00',
      held: '6000.00',
    });
    await expectMaintained('a later claim approved, another submitted');

    // milestones; forecasts set, changed and removed; budgets changed; a code added
    await addMilestone(app, org, p1, 'invoiced', '214500.00', '10725.00');
    await addMilestone(app, org, p1, 'paid', '100000.00', '5000.00', '2026-01-20');
    await addMilestone(app, org, p1, 'released', '50000.00', '2500.00');
    await expectMaintained('milestones');
    const manual = await setCostForecast(
      app,
      {
        costCodeId: c1['16-100']!,
        version: 0,
        method: 'manual',
        manualAmount: '10000.00',
        reason: 'Second fix outstanding',
      },
      org.actors.pm,
    );
    await setCostForecast(
      app,
      { costCodeId: c1['03-300']!, version: 0, method: 'cpi', earnedValue: '30000.00', reason: 'Slow pour' },
      org.actors.pm,
    );
    await expectMaintained('forecasts set');
    await setCostForecast(
      app,
      { costCodeId: c1['16-100']!, version: manual.version, method: 'committed_only', reason: 'Let in full' },
      org.actors.pm,
    );
    await app.execute(sql`DELETE FROM cost_forecasts WHERE cost_code_id = ${c1['03-300']!}`);
    await expectMaintained('forecast changed and removed');
    await app.execute(
      sql`UPDATE cost_codes SET original_budget_amount = original_budget_amount + 1234.56 WHERE id = ${c1['07-500']!}`,
    );
    await app.execute(
      sql`INSERT INTO cost_codes (project_id, code, name, original_budget_amount) VALUES (${p2}, '98-100', 'Late code', 777.77)`,
    );
    await expectMaintained('budget changed, code added');

    // the portfolio's variance chart reads the same rows: its bars are the report's largest |VAC|
    const charts = await readCostCharts(testDb.db, scope);
    const report = (await readCostCodeRows(testDb.db, scope)).filter(
      (r) => Number(r.varianceAtCompletion) !== 0,
    );
    const largest = report
      .map((r) => Math.abs(Number(r.varianceAtCompletion)))
      .sort((a, b) => b - a)
      .slice(0, charts.costCodeVariance.length);
    expect(charts.costCodeVariance.map((v) => Math.abs(Number(v.varianceAtCompletion)))).toEqual(largest);
    for (const bar of charts.costCodeVariance)
      expect(
        report.find((r) => r.projectId === bar.projectId && r.costCodeId === bar.costCodeId)
          ?.varianceAtCompletion,
        bar.label,
      ).toBe(bar.varianceAtCompletion);

    // nothing was skipped: every figure moved somewhere (a vacuous pass would leave them at zero)
    const p1Totals = (await maintainedFigures()).get(p1)!;
    expect(p1Totals).toMatchObject({
      certified: '110000.00',
      billed: '314500.00',
      retentionPayable: '5500.00',
    });
    expect(Number(p1Totals.actual)).toBeGreaterThan(0);
    expect(Number(p1Totals.pendingChanges)).not.toBe(0);
  });

  it('names the figures a write without its triggers left wrong, and cost_totals_rebuild() restores them', async () => {
    const code = c2['05-100']!;
    // the database owner writes with triggers off (what a data fix or a bulk load might do)
    await asDatabaseOwner(testDb.db, async (tx) => {
      await tx.execute(sql`INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount)
        VALUES (990001, ${p2}, ${code}, '2026-03-01', 'written with triggers off', 321.09)`);
    });
    const found = await verify();
    const named = (table: string) => found.filter((m) => m.table_name === table).map((m) => m.figure);
    expect(found.every((m) => m.project_id === p2)).toBe(true);
    expect(named('cost_code_totals')).toEqual(expect.arrayContaining(['ac', 'ac_lines', 'dc']));
    expect(named('project_cost_totals')).toEqual(expect.arrayContaining(['ac', 'dc']));
    const codeAc = found.find((m) => m.table_name === 'cost_code_totals' && m.figure === 'ac')!;
    expect(codeAc.cost_code_id).toBe(code);
    expect(Number(codeAc.expected) - Number(codeAc.stored)).toBeCloseTo(321.09, 2);
    // and the portfolio shows it: the maintained actual is 321.09 short of the full aggregation
    const expected = (await fullAggregation()).get(p2)!;
    const maintained = (await maintainedFigures()).get(p2)!;
    expect(Number(expected.actual) - Number(maintained.actual)).toBeCloseTo(321.09, 2);

    await testDb.db.execute(sql`SELECT cost_totals_rebuild()`);
    await expectMaintained('after rebuild');
  });

  it('a transaction holds no totals row until it commits: another writer on the same project is not blocked', async () => {
    const code = c1['05-100']!;
    const a = new pg.Client({ connectionString: testDb.runtimeUrl });
    const b = new pg.Client({ connectionString: testDb.runtimeUrl });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('BEGIN');
      await a.query(
        `INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount) VALUES (990102, $1, $2, '2026-03-02', 'deferred fold test', 111.11)`,
        [p1, code],
      );
      // before issue 18's deferred fold, this waited on P-1001's project_cost_totals row until A ended
      await b.query(`SET lock_timeout = '2s'`);
      await b.query(
        `INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount) VALUES (990103, $1, $2, '2026-03-02', 'deferred fold test', 222.22)`,
        [p1, code],
      );
      // B is folded and visible; A is not yet (it has not committed)
      const ac = async () =>
        (
          await testDb.db.execute<{ ac: string }>(
            sql`SELECT ac::text FROM cost_code_totals WHERE cost_code_id = ${code}`,
          )
        ).rows[0]!.ac;
      const before = Number(await ac());
      await a.query('SAVEPOINT s');
      await a.query(
        `INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount) VALUES (990104, $1, $2, '2026-03-02', 'deferred fold test', 999.99)`,
        [p1, code],
      );
      await a.query('ROLLBACK TO SAVEPOINT s'); // a rolled-back part of a transaction leaves no delta
      await a.query('COMMIT');
      expect(Number(await ac()) - before).toBeCloseTo(111.11, 2);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    const left = await testDb.db.execute<{ n: number }>(
      sql`SELECT (SELECT count(*) FROM cost_totals_deferred) + (SELECT count(*) FROM cost_totals_deferred_tx) AS n`,
    );
    expect(Number(left.rows[0]!.n)).toBe(0); // nothing outlives its transaction
    await expectMaintained('after two writers on one project, one with a rolled-back savepoint');
  });

  it('a transaction of many statements queues one fold, not one per statement', async () => {
    const code = c2['03-300']!;
    const waiting = await testDb.db.transaction(async (tx) => {
      for (let i = 0; i < 25; i++)
        await tx.execute(sql`INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount)
          VALUES (${990200 + i}, ${p2}, ${code}, '2026-03-03', 'one statement of many', 10.00)`);
      const mine = sql`(pg_current_xact_id()::text)::bigint`;
      return (
        await tx.execute<{ deltas: number; markers: number }>(
          sql`SELECT (SELECT count(*)::int FROM cost_totals_deferred WHERE txid = ${mine}) AS deltas,
                     (SELECT count(*)::int FROM cost_totals_deferred_tx WHERE txid = ${mine}) AS markers`,
        )
      ).rows[0]!;
    });
    // a delta per statement waits; the single marker row is the transaction's one deferred event
    expect(waiting).toEqual({ deltas: 25, markers: 1 });
    await expectMaintained('after a transaction of 25 statements');
  });

  it('a rebuild in the transaction that wrote does not add that transaction’s deltas twice', async () => {
    const code = c2['05-100']!;
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount)
        VALUES (990105, ${p2}, ${code}, '2026-03-02', 'deferred fold test', 50.00)`);
      await tx.execute(sql`SELECT cost_totals_rebuild()`);
      await tx.execute(sql`INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount)
        VALUES (990106, ${p2}, ${code}, '2026-03-02', 'deferred fold test', 7.00)`);
    });
    await expectMaintained('after a rebuild between two writes of one transaction');
  });

  it('refuses direct writes: the application holds only SELECT, the owner is stopped by the guard', async () => {
    const grants = await app.execute<{ table_name: string; privilege_type: string }>(
      sql`SELECT table_name, privilege_type FROM information_schema.table_privileges
          WHERE grantee = current_user
            AND table_name IN ('cost_code_totals', 'project_cost_totals', 'cost_totals_deferred', 'cost_totals_deferred_tx')
          ORDER BY 1, 2`,
    );
    expect(grants.rows.map((g) => `${g.table_name}:${g.privilege_type}`)).toEqual([
      'cost_code_totals:SELECT',
      'project_cost_totals:SELECT',
    ]);
    await expect(app.execute(sql`UPDATE project_cost_totals SET ac = 0`)).rejects.toMatchObject({
      cause: { code: '42501' },
    });
    // the deltas waiting for a commit: the application cannot add one, and the owner is refused too
    await expect(
      app.execute(sql`INSERT INTO cost_totals_deferred (project_id, ac) VALUES (${p1}, 1000000)`),
    ).rejects.toMatchObject({ cause: { code: '42501' } });
    await expect(
      testDb.db.execute(sql`INSERT INTO cost_totals_deferred (project_id, ac) VALUES (${p1}, 1000000)`),
    ).rejects.toMatchObject({ cause: { message: expect.stringContaining('maintained by triggers') } });
    // the maintaining functions are the owner's triggers' alone: a direct call by the application is
    // refused whatever it tries to pass the guard with (the rebuild setting, its own trigger's depth)
    const fake = `ARRAY[ROW('${p1}'::uuid, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000000, 0, 0)::cost_totals_delta]`;
    const attempts = [
      `SELECT cost_totals_apply(${fake})`,
      `SELECT cost_totals_apply_now(${fake})`,
      `SELECT cost_totals_lock(ARRAY(SELECT id FROM projects))`,
      `SELECT cost_totals_rebuild()`,
      `SET LOCAL plumbline.cost_totals_rebuild = 'on'; SELECT cost_totals_apply(${fake})`,
      `CREATE TEMP TABLE bypass (x int);
       CREATE FUNCTION pg_temp.bypass() RETURNS trigger LANGUAGE plpgsql AS $f$
         BEGIN PERFORM public.cost_totals_apply(${fake}); RETURN NULL; END $f$;
       CREATE TRIGGER bypass AFTER INSERT ON bypass FOR EACH ROW EXECUTE FUNCTION pg_temp.bypass();
       INSERT INTO bypass VALUES (1)`,
    ];
    for (const attempt of attempts) {
      const client = new pg.Client({ connectionString: testDb.runtimeUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await expect(client.query(attempt), attempt).rejects.toMatchObject({ code: '42501' });
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    }
    await expect(testDb.db.execute(sql`UPDATE project_cost_totals SET ac = 0`)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('maintained by triggers') },
    });
    await expect(
      testDb.db.execute(sql`DELETE FROM cost_code_totals WHERE project_id = ${p1}`),
    ).rejects.toMatchObject({ cause: { message: expect.stringContaining('maintained by triggers') } });
    await expectMaintained('after the refused writes');
  });
});
