import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, projects, syncAttempts, syncLinks, sovLines, type PullCounts } from '@/db/schema';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { changeOrderSyncHandler } from '@/server/modules/change-orders/change-order.sync';
import { requestSync } from '@/server/sync/enqueue';
import { startSyncWorker, type SyncWorker } from '@/server/sync/runner';
import { waitFor } from '@/server/sync/testing/harness';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { approveClaim, certifyClaim, rejectClaim } from './claim-approval.service';
import { createRetentionReleaseClaim, submitClaim } from './claim.service';
import { releaseClaim } from './claim-release.service';
import { pullClaimBills } from './claim-refresh.service';
import { claimSyncHandler, refreshClaimFromOdoo } from './claim.sync';
import {
  addSecondQs,
  claimRow,
  runToApproved,
  seedWorkedExampleSubcontract,
  type ClaimSubcontract,
} from './claim.testing';
import { syncNow } from '@/server/sync/testing/sync-now';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let worker: SyncWorker;
let sc: ClaimSubcontract;

type Bill = {
  id: number;
  state: string;
  payment_state: string;
  amount_total: number;
  name: string | false;
  ref: string;
  invoice_line_ids: number[];
};
type BillLine = {
  id: number;
  name: string;
  price_unit: number;
  quantity: number;
  purchase_line_id: [number, string] | false;
  account_id: [number, string] | false;
  analytic_distribution: Record<string, number> | false;
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  const apiKey = `sim-claims-${randomBytes(6).toString('hex')}`;
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'claims_test',
    login: 'admin',
    password: 'admin',
    seed: 'demo',
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 5_000 });
  const po = sim.demo!.subcontracts['SC-1001-01']!;
  // what the master-data pull links: the project's analytic account
  await testDb.db
    .update(projects)
    .set({ odooAnalyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId })
    .where(eq(projects.id, org.projectIds['P-1001']!));
  sc = await seedWorkedExampleSubcontract(testDb.db, org, {
    reference: 'SC-1001-01',
    vendorOdooId: sim.demo!.partners.keystone!,
    purchaseOrderId: po.orderId,
    poLineIds: [po.lineIds[0]!, po.lineIds[1]!],
    analyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId,
  });
  // the commitment CO's own sync adds its purchase.order line, which the SOV line learns
  const [coLine] = await testDb.db
    .select({ changeOrderId: sovLines.changeOrderId })
    .from(sovLines)
    .where(and(eq(sovLines.subcontractId, sc.subcontractId), isNotNull(sovLines.changeOrderId)));
  await syncNow(changeOrderSyncHandler, {
    db: testDb.db,
    odoo,
    recordId: coLine!.changeOrderId!,
    attempt: 1,
    correlationId: null,
  });
  worker = await startSyncWorker({
    databaseUrl: testDb.url,
    odoo: () => odoo,
    concurrency: 2,
    pollIntervalMs: 100,
    heartbeatIntervalMs: 500,
    sweepIntervalMs: 1_000,
    staleAfterMs: 10_000,
    engine: { retry: { baseMs: 20, capMs: 200, maxAttempts: 3 }, ambiguousDelayMs: 50 },
  });
});
afterAll(async () => {
  await worker?.stop();
  await sim?.stop();
  await testDb?.drop();
});

const billsWithRef = (ref: string) =>
  sim.state.search('account.move', [
    ['move_type', '=', 'in_invoice'],
    ['ref', '=', ref],
  ]);
const readBill = async (id: number) =>
  (
    await odoo.read<Bill>(
      'account.move',
      [id],
      ['state', 'payment_state', 'amount_total', 'name', 'ref', 'invoice_line_ids'],
    )
  )[0]!;
const readLines = (ids: number[]) =>
  odoo.read<BillLine>('account.move.line', ids, [
    'name',
    'price_unit',
    'quantity',
    'purchase_line_id',
    'account_id',
    'analytic_distribution',
  ]);
const syncStatus = async (id: string) => (await claimRow(testDb.db, id)).syncStatus;
const runHandler = (id: string) =>
  syncNow(claimSyncHandler, { db: testDb.db, odoo, recordId: id, attempt: 1, correlationId: null });

describe('claim sync handler against the Odoo simulator', () => {
  it('drafts one bill at approval (a line per SOV line + retention, total = due), posts it at release, then follows payment', async () => {
    const id = await runToApproved(
      testDb.db,
      org,
      sc,
      '2026-01-31',
      ['45000.00', '20000.00', '5000.00'],
      ['40000.00', '18000.00', '5000.00'],
    );
    const claim = await claimRow(testDb.db, id);
    expect(claim).toMatchObject({
      reference: 'CLM-SC-1001-01-001',
      dueAmount: '56700.00',
      retentionHeldToDateAmount: '6300.00',
    });
    await waitFor(
      () => syncStatus(id),
      (s) => s === 'synced',
      20_000,
      'the draft bill',
    );

    const [billId, ...others] = billsWithRef(claim.reference);
    expect(others).toEqual([]);
    const bill = await readBill(billId!);
    expect(bill).toMatchObject({ state: 'draft', amount_total: 56700 });
    expect(sim.state.get('account.move', billId!)?.partner_id).toBe(sim.demo!.partners.keystone);
    const lines = await readLines(bill.invoice_line_ids);
    const sov = await testDb.db
      .select()
      .from(sovLines)
      .where(eq(sovLines.subcontractId, sc.subcontractId))
      .orderBy(sovLines.lineNo);
    const byPoLine = lines.filter((l) => l.purchase_line_id !== false);
    expect(byPoLine.map((l) => [l.purchase_line_id && l.purchase_line_id[0], l.price_unit]).sort()).toEqual(
      sov.map((s, i) => [s.odooPurchaseLineId, [40000, 18000, 5000][i]]).sort(),
    );
    expect(
      byPoLine.every((l) => l.analytic_distribution && Object.keys(l.analytic_distribution).length > 0),
    ).toBe(true);
    const retention = lines.filter((l) => l.purchase_line_id === false);
    expect(retention).toHaveLength(1);
    expect(retention[0]!.price_unit).toBe(-6300);
    expect(retention[0]!.account_id && retention[0]!.account_id[0]).toBe(sim.demo!.accounts.retentionPayable);
    const [link] = await testDb.db
      .select()
      .from(syncLinks)
      .where(and(eq(syncLinks.recordType, 'claim'), eq(syncLinks.recordId, id)));
    expect(link).toMatchObject({
      purpose: 'vendor_bill',
      odooModel: 'account.move',
      odooId: billId,
      reference: claim.reference,
    });

    // ten more runs of the claim's sync: still exactly one bill, unchanged
    for (let i = 0; i < 10; i += 1) expect((await runHandler(id)).operation).toBe('adopt vendor bill');
    expect(billsWithRef(claim.reference)).toEqual([billId]);

    await releaseClaim(testDb.db, { claimId: id, version: 5 }, org.actors.finance);
    await waitFor(
      () => claimRow(testDb.db, id),
      (row) => row.status === 'posted' && row.syncStatus === 'synced',
      20_000,
      'the posted claim',
    );
    const posted = await readBill(billId!);
    expect(posted.state).toBe('posted');
    expect(await claimRow(testDb.db, id)).toMatchObject({
      odooBillId: billId,
      odooBillName: posted.name,
      odooBillState: 'posted',
      odooBillAmount: '56700.00',
    });
    expect(
      await testDb.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'claim.mark_posted'))),
    ).toHaveLength(1);

    // a payment registered in Odoo later reaches Plumbline through the master-data pull's claim step
    sim.registerPayment(billId!);
    const counts: PullCounts = {};
    await pullClaimBills({ db: testDb.db, odoo, organisationId: org.actors.admin.organisationId, counts });
    expect(counts['account.move (claim bills)']).toMatchObject({ updated: 1, failed: 0 });
    expect(await refreshClaimFromOdoo(testDb.db, odoo, id)).toEqual({ status: 'paid' });
    expect(await claimRow(testDb.db, id)).toMatchObject({ status: 'paid', odooPaymentState: 'paid' });
    const attempts = await testDb.db.select().from(syncAttempts).where(eq(syncAttempts.recordId, id));
    expect(attempts.every((a) => a.outcome === 'success')).toBe(true);
    expect(billsWithRef(claim.reference)).toHaveLength(1);
  });

  it('cancels the draft bill when the claim is rejected after approval; ten more syncs leave exactly one bill', async () => {
    const backCharge = {
      kind: 'back_charge' as const,
      description: 'Skip hire',
      reason: 'Left site uncleared',
      amount: '500.00',
    };
    const id = await runToApproved(
      testDb.db,
      org,
      sc,
      '2026-02-28',
      ['60000.00', '30000.00', '10000.00'],
      ['60000.00', '30000.00', '10000.00'],
      [backCharge],
    );
    const claim = await claimRow(testDb.db, id);
    await waitFor(
      () => syncStatus(id),
      (s) => s === 'synced',
      20_000,
      'the draft bill',
    );
    const [billId] = billsWithRef(claim.reference);
    const draft = await readBill(billId!);
    expect(claim.dueAmount).toBe('32800.00'); // 100,000 less 10,000 retention and the 500 back-charge, less the 56,700 net of claim 1
    expect(draft.amount_total).toBe(32800);
    // this period per SOV line, the retention movement (10,000 − 6,300) and the back-charge, all negative but the work
    expect((await readLines(draft.invoice_line_ids)).map((l) => l.price_unit).sort((a, b) => a - b)).toEqual(
      [-3700, -500, 12000, 20000, 5000].sort((a, b) => a - b),
    );

    await rejectClaim(
      testDb.db,
      { claimId: id, version: 5, comment: 'Quantities disputed by the client' },
      org.actors.finance,
    );
    await waitFor(
      () => claimRow(testDb.db, id),
      (row) => row.syncStatus === 'synced',
      20_000,
      'the cancellation',
    );
    expect((await readBill(billId!)).state).toBe('cancel');
    // the portal records what Odoo now says (issue 14 item 3: it used to stay "draft")
    expect(await claimRow(testDb.db, id)).toMatchObject({
      odooBillId: billId,
      odooBillState: 'cancel',
      status: 'rejected',
    });
    for (let i = 0; i < 10; i += 1)
      expect((await runHandler(id)).operation).toBe('no change (bill already cancelled)');
    // and once more through the queue and the worker
    await testDb.db.transaction((tx) => requestSync(tx, { recordType: 'claim', recordId: id }));
    await waitFor(
      () => syncStatus(id),
      (s) => s === 'synced',
      20_000,
      'the repeated syncs',
    );
    expect(billsWithRef(claim.reference)).toEqual([billId]);
    expect((await readBill(billId!)).state).toBe('cancel');
    expect((await claimRow(testDb.db, id)).status).toBe('rejected');
  });

  it('bills a retention release with one positive line on the retention-payable account', async () => {
    // practical completion comes only once the work is complete (issue 13): a final claim certifies the whole SOV first
    const scheduled = await testDb.db
      .select({ id: sovLines.id, amount: sovLines.scheduledAmount })
      .from(sovLines)
      .where(eq(sovLines.subcontractId, sc.subcontractId));
    const full = sc.sov.map((l) => scheduled.find((s) => s.id === l.id)!.amount);
    const last = await runToApproved(testDb.db, org, sc, '2026-05-31', full, full);
    await releaseClaim(testDb.db, { claimId: last, version: 5 }, org.actors.finance);
    await waitFor(
      () => claimRow(testDb.db, last),
      (row) => row.status === 'posted',
      20_000,
      'the final claim posted',
    );
    const { id } = await createRetentionReleaseClaim(
      testDb.db,
      { subcontractId: sc.subcontractId, periodEnd: '2026-06-30', stage: 'practical_completion' },
      org.actors.qs,
    );
    await submitClaim(testDb.db, { claimId: id, version: 1 }, org.actors.qs);
    await certifyClaim(
      testDb.db,
      { claimId: id, version: 2, lines: [], materialsStoredToDate: '0', deductions: [] },
      org.actors.qs,
    );
    await approveClaim(testDb.db, { claimId: id, version: 3 }, org.actors.pm);
    await releaseClaim(testDb.db, { claimId: id, version: 4 }, org.actors.finance);
    await waitFor(
      () => claimRow(testDb.db, id),
      (row) => row.status === 'posted',
      20_000,
      'the posted release',
    );
    const claim = await claimRow(testDb.db, id);
    // complete at 215,000.00: 10 % capped at 5 % of the revised value = 10,750.00 held; half released
    expect(claim).toMatchObject({
      type: 'retention_release',
      dueAmount: '5375.00',
      retentionHeldToDateAmount: '5375.00',
    });
    const [billId, ...others] = billsWithRef(claim.reference);
    expect(others).toEqual([]);
    const bill = await readBill(billId!);
    expect(bill).toMatchObject({ state: 'posted', amount_total: 5375 });
    const lines = await readLines(bill.invoice_line_ids);
    expect(lines.map((l) => [l.price_unit, l.account_id && l.account_id[0], l.purchase_line_id])).toEqual([
      [5375, sim.demo!.accounts.retentionPayable, false],
    ]);
  });
});
