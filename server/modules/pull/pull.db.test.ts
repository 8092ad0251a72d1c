import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import {
  analyticLines,
  costCodes,
  exceptions,
  odooUnlinkedRecords,
  partners,
  projects,
  pullRunRecords,
  pullRuns,
  sovLines,
  subcontracts,
} from '@/db/schema';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { DEMO_SUBCONTRACTS, DEMO_UNMAPPED_PO_LINE, DEMO_VENDORS } from '@/tools/odoo-sim/demo-data';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { runPull, type PullSummary } from './pull.service';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: 'pull-test-key',
    db: 'northbeam',
    login: 'admin',
    password: 'admin-pw',
    seed: 'demo',
  });
  odoo = createOdooClient({
    url: sim.url,
    db: sim.db,
    login: sim.login,
    apiKey: sim.apiKey,
    retryBaseDelayMs: 1,
  });
});
afterAll(async () => {
  await sim.stop();
  await testDb.drop();
});

const pull = async () => {
  const summary = await runPull(testDb.db, odoo, { trigger: 'manual', actor: org.actors.finance });
  if (summary.runId === null) throw new Error('pull skipped');
  return summary as Extract<PullSummary, { runId: string }>;
};
const total = (summary: Extract<PullSummary, { runId: string }>, key: 'created' | 'updated' | 'failed') =>
  Object.values(summary.counts).reduce((sum, c) => sum + c[key], 0);
const recordsOf = (runId: string) =>
  testDb.db.select().from(pullRunRecords).where(eq(pullRunRecords.pullRunId, runId));
const unmappedLineId = () => sim.demo!.subcontracts[DEMO_UNMAPPED_PO_LINE.subcontract]!.lineIds[1]!;

describe('master-data pull from the demo simulator', () => {
  it('links projects, cost codes, vendors, and mirrors subcontracts with their SOV', async () => {
    const summary = await pull();
    expect(summary.status, summary.error ?? '').toBe('succeeded');

    const linked = await testDb.db.select().from(projects).orderBy(projects.code);
    for (const project of linked) {
      const ids = sim.demo!.projects[project.code]!;
      expect(project.odooId, project.code).toBe(ids.projectId);
      expect(project.odooAnalyticAccountId).toBe(ids.analyticAccountId);
      expect(project.odooSaleOrderId).toBe(ids.saleOrderId);
      expect(project.odooCustomerId).not.toBeNull();
      expect(project.odooCompanyId, project.code).toBe(1); // the sale order's company (the project has none)
    }
    const [concrete] = await testDb.db
      .select()
      .from(costCodes)
      .where(and(eq(costCodes.projectId, org.projectIds['P-1001']!), eq(costCodes.code, '03-300')));
    expect(concrete!.odooAnalyticAccountId).toBe(sim.demo!.costCodes['03-300']);

    const vendors = await testDb.db.select().from(partners).where(eq(partners.isVendor, true));
    expect(vendors.map((v) => v.name).sort()).toEqual(DEMO_VENDORS.map((v) => v.name).sort());
    expect(vendors.every((v) => v.odooId !== null && v.insuranceExpiresOn === null)).toBe(true);

    const scs = await testDb.db.select().from(subcontracts);
    expect(scs).toHaveLength(DEMO_SUBCONTRACTS.length);
    const first = scs.find((s) => s.odooPurchaseOrderId === sim.demo!.subcontracts['SC-1001-01']!.orderId)!;
    expect(first.projectId).toBe(org.projectIds['P-1001']);
    expect(first.odooState).toBe('purchase');
    const lines = await testDb.db
      .select()
      .from(sovLines)
      .where(eq(sovLines.subcontractId, first.id))
      .orderBy(sovLines.lineNo);
    expect(lines.map((l) => [l.lineNo, l.description, l.scheduledAmount])).toEqual([
      [1, 'Substructure and ground-floor slab', '185000.00'],
      [2, 'Site set-up, hoarding and welfare', '12500.00'],
    ]);
    expect(lines[0]!.costCodeId).toBe(concrete!.id);
    const [{ n }] = (await testDb.db.select({ n: sql<number>`count(*)::int` }).from(sovLines)) as [
      { n: number },
    ];
    expect(n).toBe(DEMO_SUBCONTRACTS.reduce((sum, sc) => sum + sc.lines.length, 0));

    // actual cost from the posted demo bills, positive, with cost code and PO line
    const costs = await testDb.db
      .select()
      .from(analyticLines)
      .where(isNotNull(analyticLines.odooPurchaseLineId));
    expect(costs.length).toBeGreaterThanOrEqual(3);
    const slab = costs.find((c) => c.odooPurchaseLineId === sim.demo!.subcontracts['SC-1001-01']!.lineIds[0]);
    expect(slab).toMatchObject({
      costAmount: '37000.00',
      costCodeId: concrete!.id,
      projectId: org.projectIds['P-1001'],
    });

    const history = await recordsOf(summary.runId);
    expect(history.filter((r) => r.action === 'created').length).toBe(total(summary, 'created'));
    const [run] = await testDb.db.select().from(pullRuns).where(eq(pullRuns.id, summary.runId));
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      triggeredById: org.actors.finance.id,
    });
    expect(run!.finishedAt).not.toBeNull();
  });

  it('turns the PO line without analytic distribution into one pull_mapping exception, the line still shown flagged', async () => {
    const [line] = await testDb.db
      .select()
      .from(sovLines)
      .where(eq(sovLines.odooPurchaseLineId, unmappedLineId()));
    expect(line).toMatchObject({
      description: DEMO_UNMAPPED_PO_LINE.name,
      costCodeId: null,
      analyticDistribution: null,
      scheduledAmount: '8500.00',
    });
    const open = await testDb.db
      .select()
      .from(exceptions)
      .where(and(eq(exceptions.category, 'pull_mapping'), eq(exceptions.recordId, line!.id)));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      status: 'open',
      cause: 'po_line_without_analytic_distribution',
      recordType: 'sov_line',
    });
  });

  it('reports zero created or updated on a second pull with no change in Odoo', async () => {
    const summary = await pull();
    expect(summary.status).toBe('succeeded');
    expect(total(summary, 'created')).toBe(0);
    expect(total(summary, 'updated')).toBe(0);
    expect(await recordsOf(summary.runId)).toEqual([]);
    const all = await testDb.db.select().from(exceptions).where(eq(exceptions.category, 'pull_mapping'));
    expect(all).toHaveLength(1);
  });

  it('brings a PO line edited in Odoo into the SOV, with a history row for that record only', async () => {
    const lineId = sim.demo!.subcontracts['SC-1001-02']!.lineIds[0]!;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // write_date is to the second
    sim.state.write('purchase.order.line', lineId, {
      price_unit: 99500.5,
      name: 'Electrical installation incl. EV chargers',
    });
    const summary = await pull();
    expect(total(summary, 'created')).toBe(0);
    expect(total(summary, 'updated')).toBe(1);
    const [line] = await testDb.db.select().from(sovLines).where(eq(sovLines.odooPurchaseLineId, lineId));
    expect(line).toMatchObject({
      scheduledAmount: '99500.50',
      description: 'Electrical installation incl. EV chargers',
    });
    const history = await recordsOf(summary.runId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      recordType: 'sov_line',
      recordId: line!.id,
      odooId: lineId,
      action: 'updated',
    });
    expect(history[0]!.changedFields).toMatchObject({
      scheduledAmount: { old: '96000.00', new: '99500.50' },
    });
  });

  it('closes the mapping exception once the line gets a distribution in Odoo', async () => {
    const ids = sim.demo!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    sim.state.write('purchase.order.line', unmappedLineId(), {
      analytic_distribution: {
        [`${ids.projects['P-1002']!.analyticAccountId},${ids.costCodes['05-100']}`]: 100,
      },
    });
    await pull();
    const [line] = await testDb.db
      .select()
      .from(sovLines)
      .where(eq(sovLines.odooPurchaseLineId, unmappedLineId()));
    expect(line!.costCodeId).not.toBeNull();
    const [exception] = await testDb.db.select().from(exceptions).where(eq(exceptions.recordId, line!.id));
    expect(exception!.status).toBe('resolved');
  });

  it('keeps the other models when one fails, and says so (partial)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    sim.state.write('res.partner', sim.demo!.partners.summit!, { name: 'Summit Roofing Group' });
    sim.faults.add({ model: 'purchase.order', method: 'search_read', kind: 'http500' });
    try {
      const summary = await pull();
      expect(summary.status).toBe('partial');
      expect(summary.error).toMatch(/purchase\.order/);
      expect(summary.counts['res.partner']!.updated).toBe(1);
    } finally {
      sim.faults.clear();
    }
    const [summit] = await testDb.db
      .select()
      .from(partners)
      .where(eq(partners.odooId, sim.demo!.partners.summit!));
    expect(summit!.name).toBe('Summit Roofing Group');
  });

  it('refuses to link a project whose currency is inactive in Odoo, or whose sale order is in another company, in plain words', async () => {
    const p2 = await testDb.db.select().from(projects).where(eq(projects.code, 'P-1002'));
    const p3 = await testDb.db.select().from(projects).where(eq(projects.code, 'P-1003'));
    await testDb.db
      .update(projects)
      .set({ odooId: null, odooCompanyId: null })
      .where(inArray(projects.code, ['P-1002', 'P-1003']));
    // P-1002's GBP is switched off in Odoo; P-1003's sale order moves to a second company
    const gbp = sim.state.search('res.currency', [['name', '=', 'GBP']])[0]!;
    sim.state.write('res.currency', gbp, { active: false });
    const usCompany = sim.state.create('res.company', {
      name: 'My US Company',
      currency_id: sim.state.search('res.currency', [['name', '=', 'USD']])[0],
    });
    const demo3 = sim.demo!.projects['P-1003']!;
    sim.state.write('project.project', demo3.projectId, { company_id: 1 });
    sim.state.write('sale.order', demo3.saleOrderId, { company_id: usCompany });
    try {
      const summary = await pull();
      const failed = (await recordsOf(summary.runId)).filter(
        (r) => r.action === 'failed' && r.odooModel === 'project.project',
      );
      const messages = failed.map((r) => r.message).join('\n');
      expect(messages).toMatch(/P-1\d{3} is kept in GBP, but GBP is not an active currency in Odoo/);
      const [after2] = await testDb.db.select().from(projects).where(eq(projects.id, p2[0]!.id));
      expect(after2).toMatchObject({ odooId: null, odooCompanyId: null });
      const open = await testDb.db
        .select()
        .from(exceptions)
        .where(and(eq(exceptions.recordId, p2[0]!.id), eq(exceptions.status, 'open')));
      expect(open.map((e) => e.detail).join()).toMatch(/not an active currency in Odoo/);

      sim.state.write('res.currency', gbp, { active: true });
      const second = await pull();
      const again = (await recordsOf(second.runId)).filter(
        (r) => r.action === 'failed' && r.odooModel === 'project.project',
      );
      expect(again.map((r) => r.message)).toEqual([
        expect.stringMatching(
          /belongs to Northbeam Construction Ltd but its sale order belongs to My US Company/,
        ),
      ]);
      const [linked2] = await testDb.db.select().from(projects).where(eq(projects.id, p2[0]!.id));
      expect(linked2).toMatchObject({ odooId: sim.demo!.projects['P-1002']!.projectId, odooCompanyId: 1 });
      const [still3] = await testDb.db.select().from(projects).where(eq(projects.id, p3[0]!.id));
      expect(still3!.odooId).toBeNull();
      const closed = await testDb.db
        .select()
        .from(exceptions)
        .where(and(eq(exceptions.recordId, p2[0]!.id), eq(exceptions.status, 'open')));
      expect(closed.filter((e) => /currency/.test(e.detail ?? ''))).toEqual([]);
    } finally {
      sim.state.write('res.currency', gbp, { active: true });
      sim.state.write('sale.order', demo3.saleOrderId, { company_id: 1 });
    }
  });
});

describe('Odoo records that belong to no Plumbline project (issue 14)', () => {
  it('lists an unrelated project and an unrelated PO once as "not linked": no failed record, no exception, on any pull', async () => {
    const office = sim.state.create('project.project', { name: 'Head office refurbishment' });
    const po = sim.state.create('purchase.order', {
      partner_id: sim.demo!.partners.summit!,
      order_line: [
        [
          0,
          0,
          {
            name: 'Office chairs',
            product_id: sim.demo!.products.changeOrderWork,
            product_qty: 4,
            price_unit: 120,
          },
        ],
      ],
    });
    sim.state.call('purchase.order', 'button_confirm', [po]);

    const first = await pull();
    const second = await pull();
    for (const run of [first, second]) {
      const failed = (await recordsOf(run.runId)).filter((r) => r.action === 'failed');
      expect(failed.filter((r) => r.odooId === office || r.odooId === po)).toEqual([]);
      expect(run.counts['project.project']!.failed).toBe(0);
      expect(run.counts['purchase.order']!.failed).toBe(0);
    }
    const raised = await testDb.db
      .select()
      .from(exceptions)
      .where(eq(exceptions.recordId, String(po)));
    expect(raised).toEqual([]);

    const listed = await testDb.db.select().from(odooUnlinkedRecords).orderBy(odooUnlinkedRecords.odooModel);
    expect(listed.map((r) => [r.odooModel, r.odooId, r.name])).toEqual([
      ['project.project', office, 'Head office refurbishment'],
      ['purchase.order', po, expect.any(String)],
    ]);
    expect(listed[0]!.reason).toMatch(
      /No Plumbline project has the code|no code and no Plumbline project has its name/,
    );
    expect(listed[1]!.reason).toMatch(/None of its lines has an analytic distribution/);
    expect(listed[0]!.lastSeenAt.getTime()).toBeGreaterThan(listed[0]!.firstSeenAt.getTime());

    // once the PO carries a linked project's analytic account, the next pull imports it and it leaves the list
    const [lineId] = sim.state.search('purchase.order.line', [['order_id', '=', po]]);
    sim.state.write('purchase.order.line', lineId!, {
      analytic_distribution: { [String(sim.demo!.projects['P-1001']!.analyticAccountId)]: 100 },
    });
    await pull();
    const after = await testDb.db.select().from(odooUnlinkedRecords);
    expect(after.map((r) => r.odooId)).toEqual([office]);
    const [imported] = await testDb.db
      .select()
      .from(subcontracts)
      .where(eq(subcontracts.odooPurchaseOrderId, po));
    expect(imported!.projectId).toBe(org.projectIds['P-1001']);
  });
});
