import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, exceptions, milestones, projects } from '@/db/schema';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { runPull } from '@/server/modules/pull/pull.service';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { DEMO_MILESTONES } from '@/tools/odoo-sim/demo-data';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { claimMilestoneCompletion, releaseMilestone, verifyMilestone } from './milestone-approval.service';
import { flagOverdueMilestones, refreshBillingMilestones } from './milestone-refresh.service';
import { createMilestone } from './milestone.service';
import { milestoneSyncHandler } from './milestone.sync';
import { applySyncEffects, syncOne } from '@/server/sync/registry';
import { syncNow } from '@/server/sync/testing/sync-now';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let p1: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: 'milestone-test-key',
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
  p1 = org.projectIds['P-1001']!;
  // what the master-data pull links: the Odoo project and its sale order
  const demo = sim.demo!.projects['P-1001']!;
  await testDb.db
    .update(projects)
    .set({ odooId: demo.projectId, odooSaleOrderId: demo.saleOrderId })
    .where(eq(projects.id, p1));
});
afterAll(async () => {
  await sim.stop();
  await testDb.drop();
});

const sync = (recordId: string) =>
  syncNow(milestoneSyncHandler, { db: testDb.db, odoo, recordId, attempt: 1, correlationId: null });
const invoicesWithRef = (ref: string) =>
  sim.state.search('account.move', [
    ['move_type', '=', 'out_invoice'],
    ['ref', '=', ref],
  ]);
async function current(id: string) {
  const [row] = await testDb.db.select().from(milestones).where(eq(milestones.id, id));
  return row!;
}

/** A milestone named like a demo project.milestone, walked to released by PM, QS and finance. */
async function released(name: string, percent: string): Promise<{ id: string; reference: string }> {
  const created = await createMilestone(
    testDb.db,
    {
      projectId: p1,
      name,
      plannedDate: '2026-12-18',
      amountBasis: 'percent',
      percentOfContract: percent,
      evidence: [],
    },
    org.actors.pm,
  );
  await claimMilestoneCompletion(testDb.db, { milestoneId: created.id, version: 1 }, org.actors.pm);
  await verifyMilestone(testDb.db, { milestoneId: created.id, version: 2 }, org.actors.qs);
  await releaseMilestone(testDb.db, { milestoneId: created.id, version: 3 }, org.actors.finance);
  return created;
}

describe('milestone sync against the Odoo simulator', () => {
  it('marks the project.milestone reached and posts one customer invoice with the reference, the sale line and the retention line', async () => {
    const frame = DEMO_MILESTONES.find((m) => m.project === 'P-1001' && m.name === 'Frame complete')!;
    const odooMilestoneId = sim.state.search('project.milestone', [
      ['name', '=', frame.name],
      ['project_id', '=', sim.demo!.projects['P-1001']!.projectId],
    ])[0]!;
    expect(sim.state.get('project.milestone', odooMilestoneId)?.is_reached).toBe(false);
    const { id, reference } = await released(frame.name, '25');

    // the handler writes nothing to PostgreSQL: what follows from Odoo's answer comes back as effects
    const result = await syncOne(milestoneSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: id,
      attempt: 1,
      correlationId: null,
    });
    expect(result.operation).toBe('mark milestone reached + create customer invoice + post');
    expect(result.effects?.map((e) => e.what)).toEqual([
      'milestone learns its Odoo milestone',
      'milestone follows its customer invoice',
    ]);
    const untouched = { status: 'released', odooInvoiceId: null, odooMilestoneId: null };
    expect(await current(id)).toMatchObject(untouched);
    // effects applied in a transaction that does not commit leave nothing (the engine's mid-commit crash)
    await expect(
      testDb.db.transaction(async (tx) => {
        await applySyncEffects(tx, result);
        throw new Error('the attempt transaction died before COMMIT');
      }),
    ).rejects.toThrow('before COMMIT');
    expect(await current(id)).toMatchObject(untouched);
    expect(
      await testDb.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'milestone.mark_invoiced'))),
    ).toEqual([]);
    await testDb.db.transaction((tx) => applySyncEffects(tx, result));
    expect(sim.state.get('project.milestone', odooMilestoneId)?.is_reached).toBe(true);
    const [invoiceId, ...others] = invoicesWithRef(reference);
    expect(others).toEqual([]);
    const [invoice] = sim.state.read(
      'account.move',
      [invoiceId!],
      ['state', 'partner_id', 'amount_total', 'name', 'invoice_line_ids'],
    );
    // 25 % of 1,450,000.00 = 362,500.00 less 5 % retention 18,125.00
    expect(invoice).toMatchObject({ state: 'posted', amount_total: 344375 });
    const customer = sim.state.read(
      'sale.order',
      [sim.demo!.projects['P-1001']!.saleOrderId],
      ['partner_id'],
    )[0]!.partner_id;
    expect(invoice!.partner_id).toEqual(customer);
    const lines = sim.state.read('account.move.line', invoice!.invoice_line_ids as number[], [
      'name',
      'price_unit',
      'quantity',
      'account_id',
      'sale_line_ids',
    ]);
    expect(lines).toHaveLength(2);
    // 25 % of the one-unit contract line: quantity 0.25 at the line's price (issue 14: not quantity 1)
    expect(lines[0]).toMatchObject({
      name: `${reference} · Frame complete`,
      price_unit: 1450000,
      quantity: 0.25,
      sale_line_ids: [sim.demo!.projects['P-1001']!.saleLineId],
    });
    expect(lines[1]).toMatchObject({ name: `${reference} · Retention`, price_unit: -18125 });
    expect((lines[1]!.account_id as [number, string])[0]).toBe(sim.demo!.accounts.retentionReceivable);
    expect(result.links?.map((l) => [l.purpose, l.odooId])).toEqual([
      ['project_milestone', odooMilestoneId],
      ['customer_invoice', invoiceId],
    ]);
    // the milestone follows the posted invoice, and learned its Odoo milestone
    expect(await current(id)).toMatchObject({
      status: 'invoiced',
      odooInvoiceId: invoiceId,
      odooInvoiceState: 'posted',
      odooMilestoneId,
      odooInvoiceName: expect.stringMatching(/^INV\//),
    });

    // ten more runs (duplicated requests) change nothing: one invoice, ever
    for (let i = 0; i < 10; i += 1) expect((await sync(id)).operation).toBe('adopt customer invoice');
    expect(invoicesWithRef(reference)).toHaveLength(1);
  });

  it("invoices 15 % then 20 % of the contract line so Odoo's own books read 0.35 invoiced, 0.65 left", async () => {
    // a second one-unit contract line on P-1001's sale order, nothing invoiced on it yet
    const demo = sim.demo!.projects['P-1001']!;
    const [contract] = sim.state.read('sale.order.line', [demo.saleLineId], ['product_id']);
    const lineId = sim.state.create('sale.order.line', {
      order_id: demo.saleOrderId,
      name: 'Phase 2 works',
      product_id: (contract!.product_id as [number, string])[0],
      product_uom_qty: 1,
      price_unit: 800000,
    });
    const saleLine = () =>
      sim.state.read(
        'sale.order.line',
        [lineId],
        ['product_uom_qty', 'qty_invoiced', 'qty_to_invoice', 'invoice_status'],
      )[0]!;
    expect(saleLine()).toMatchObject({ product_uom_qty: 1, qty_invoiced: 0 });
    for (const [name, percent] of [
      ['Slab poured (15 %)', '15'],
      ['Envelope closed (20 %)', '20'],
    ] as const) {
      const created = await createMilestone(
        testDb.db,
        {
          projectId: p1,
          name,
          plannedDate: '2026-12-18',
          amountBasis: 'fixed',
          fixedAmount: String((800000 * Number(percent)) / 100),
          evidence: [],
        },
        org.actors.pm,
      );
      await testDb.db.update(milestones).set({ odooSaleLineId: lineId }).where(eq(milestones.id, created.id));
      await claimMilestoneCompletion(testDb.db, { milestoneId: created.id, version: 1 }, org.actors.pm);
      await verifyMilestone(testDb.db, { milestoneId: created.id, version: 2 }, org.actors.qs);
      await releaseMilestone(testDb.db, { milestoneId: created.id, version: 3 }, org.actors.finance);
      await sync(created.id);
      expect(await current(created.id)).toMatchObject({ status: 'invoiced', odooInvoiceState: 'posted' });
    }
    const after = saleLine();
    expect(after.qty_invoiced).toBe(0.35);
    expect(after.invoice_status).not.toBe('invoiced');
    expect(Number(after.product_uom_qty) - Number(after.qty_invoiced)).toBeCloseTo(0.65, 6);
  });

  it('puts the cents a share cannot express at 2-decimal quantities on a separate, unlinked line', async () => {
    const { contractLineShare } = await import('./milestone.sync');
    // 1/3 of 100.00 is 0.33 × 100.00 = 33.00 on the contract line and 0.33 left over
    const lines = contractLineShare('M-1 · Third', '33.33', 7, 100, null);
    expect(lines).toMatchObject([
      { quantity: 0.33, price_unit: 100, sale_line_ids: [[6, 0, [7]]] },
      { quantity: 1, price_unit: 0.33 },
    ]);
    expect(lines[1]).not.toHaveProperty('sale_line_ids');
    expect(contractLineShare('M-2', '217500.00', 7, 1450000, 3)).toEqual([
      {
        name: 'M-2',
        quantity: 0.15,
        price_unit: 1450000,
        tax_ids: [[6, 0, []]],
        product_id: 3,
        sale_line_ids: [[6, 0, [7]]],
      },
    ]);
  });

  it('on an Odoo without the demo set-up, an unmapped retention account blocks the sync with the checklist; nothing is guessed', async () => {
    // A real Odoo: the account coded 116000 exists, but nobody mapped it and there is no plumbline_demo external id.
    const demoIds = sim.state.search('ir.model.data', [['module', '=', 'plumbline_demo']]);
    const saved = sim.state.read('ir.model.data', demoIds, ['module', 'name', 'model', 'res_id']);
    sim.state.unlink('ir.model.data', demoIds);
    expect(sim.state.search('account.account', [['code', '=', '116000']])).toHaveLength(1);
    try {
      const { id, reference } = await released('Retention without a mapping', '5');
      const error = await sync(id).then(
        () => undefined,
        (e: unknown) => e as { kind: string; odooName: string; message: string },
      );
      expect(error).toMatchObject({ kind: 'configuration', odooName: 'plumbline.SetupIncomplete' });
      expect(error!.message).toMatch(/Retention receivable account is not set up/);
      expect(error!.message).toMatch(/Setup checklist:[\s\S]*Chart of Accounts/);
      expect(invoicesWithRef(reference)).toEqual([]);
    } finally {
      for (const row of saved)
        sim.state.create('ir.model.data', {
          module: row.module,
          name: row.name,
          model: row.model,
          res_id: row.res_id,
        });
    }
  });

  it("issues the invoice in the project's currency and company, not the Odoo company's default currency", async () => {
    const usd = sim.state.search('res.currency', [['name', '=', 'USD']])[0]!;
    const gbp = sim.state.search('res.currency', [['name', '=', 'GBP']])[0]!;
    sim.state.write('res.company', 1, { currency_id: usd }); // the test server's company keeps USD books
    await testDb.db.update(projects).set({ odooCompanyId: 1 }).where(eq(projects.id, p1));
    try {
      const { id, reference } = await released('Currency check', '1');
      await sync(id);
      const [invoice] = sim.state.read('account.move', invoicesWithRef(reference), [
        'currency_id',
        'company_id',
      ]);
      expect(invoice).toMatchObject({ currency_id: [gbp, 'GBP'], company_id: [1, expect.any(String)] });
    } finally {
      sim.state.write('res.company', 1, { currency_id: gbp });
    }
  });

  it('adopts the invoice whose create answer was lost instead of creating a second one', async () => {
    const { id, reference } = await released('Envelope watertight', '10');
    sim.faults.add({ model: 'account.move', method: 'create', kind: 'drop_after_commit', times: 1 });
    await expect(sync(id)).rejects.toThrow();
    expect(invoicesWithRef(reference)).toHaveLength(1);
    expect((await sync(id)).operation).toBe('adopt customer invoice + post');
    expect(invoicesWithRef(reference)).toHaveLength(1);
    expect((await current(id)).status).toBe('invoiced');
  });

  it('does nothing for a milestone not released', async () => {
    const { id } = await createMilestone(
      testDb.db,
      {
        projectId: p1,
        name: 'Practical completion',
        plannedDate: '2026-12-18',
        amountBasis: 'percent',
        percentOfContract: '35',
        evidence: [],
      },
      org.actors.pm,
    );
    expect(await sync(id)).toEqual({ operation: 'no change (not released)' });
  });

  it('the paid state set in Odoo reaches Plumbline on the next master-data pull', async () => {
    const [row] = await testDb.db
      .select()
      .from(milestones)
      .where(
        and(
          eq(milestones.projectId, p1),
          eq(milestones.name, 'Frame complete'),
          eq(milestones.status, 'invoiced'),
        ),
      );
    sim.registerPayment(row!.odooInvoiceId!);
    expect((await current(row!.id)).status).toBe('invoiced');
    const summary = await runPull(testDb.db, odoo, { trigger: 'manual', actor: org.actors.finance });
    expect(summary.runId).not.toBeNull();
    expect(await current(row!.id)).toMatchObject({ status: 'paid', odooPaymentState: 'paid' });
    const paid = await testDb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, row!.id), eq(auditEvents.action, 'milestone.mark_paid')));
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ actorRole: 'system', fromState: 'invoiced', toState: 'paid' });
    // and a refresh on its own is idempotent
    await refreshBillingMilestones(testDb.db, odoo);
    expect((await current(row!.id)).version).toBe(row!.version + 1);
  });

  it('opens one overdue exception per milestone past its planned date, and resolves it once released', async () => {
    const late = await createMilestone(
      testDb.db,
      {
        projectId: p1,
        name: 'Late one',
        plannedDate: '2026-01-15',
        amountBasis: 'fixed',
        fixedAmount: '1000.00',
        evidence: [],
      },
      org.actors.pm,
    );
    const openOverdue = () =>
      testDb.db
        .select()
        .from(exceptions)
        .where(
          and(
            eq(exceptions.recordId, late.id),
            eq(exceptions.cause, 'milestone_overdue'),
            eq(exceptions.status, 'open'),
          ),
        );
    await flagOverdueMilestones(testDb.db, { today: '2026-02-01' });
    await flagOverdueMilestones(testDb.db, { today: '2026-02-01' });
    expect((await openOverdue()).map((e) => [e.category, e.occurrences])).toEqual([['rule_breach', 1]]);
    await claimMilestoneCompletion(testDb.db, { milestoneId: late.id, version: 1 }, org.actors.pm);
    await verifyMilestone(testDb.db, { milestoneId: late.id, version: 2 }, org.actors.qs);
    await releaseMilestone(testDb.db, { milestoneId: late.id, version: 3 }, org.actors.finance);
    await flagOverdueMilestones(testDb.db, { today: '2026-02-01' });
    expect(await openOverdue()).toHaveLength(0);
  });
});
