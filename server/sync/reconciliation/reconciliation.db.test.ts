import { randomBytes } from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, claims, exceptions, projects, reconciliationRuns, syncLinks } from '@/db/schema';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import {
  addSecondQs,
  claimRow,
  runToApproved,
  seedWorkedExampleSubcontract,
} from '@/server/modules/claims/claim.testing';
import { findLinkCandidates, linkOdooRecord } from '@/server/modules/exceptions/exception-link.service';
import { retryException } from '@/server/modules/exceptions/exception.service';
import { startSyncWorker, type SyncWorker } from '@/server/sync/runner';
import { getSyncHealth } from '@/server/sync/sync-health.queries';
import { waitFor } from '@/server/sync/testing/harness';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { runReconciliation } from './reconciliation.service';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let worker: SyncWorker;
/** One approved claim per kind of drift, each on its own subcontract and vendor. */
const claimIds: Record<'amount' | 'cancel' | 'delete' | 'duplicate', string> = {
  amount: '',
  cancel: '',
  delete: '',
  duplicate: '',
};
const vendorOdooIds: Record<string, number> = {};

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  const apiKey = `sim-recon-${randomBytes(6).toString('hex')}`;
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'recon_test',
    login: 'admin',
    password: 'admin',
    seed: 'demo',
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 5_000 });
  await testDb.db
    .update(projects)
    .set({ odooAnalyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId })
    .where(eq(projects.id, org.projectIds['P-1001']!));
  worker = await startSyncWorker({
    databaseUrl: testDb.url,
    odoo: () => odoo,
    concurrency: 2,
    pollIntervalMs: 100,
    heartbeatIntervalMs: 500,
    sweepIntervalMs: 1_000,
    staleAfterMs: 10_000,
    engine: { retry: { baseMs: 20, capMs: 200, maxAttempts: 2 }, ambiguousDelayMs: 50 },
  });
  for (const kind of Object.keys(claimIds) as (keyof typeof claimIds)[]) {
    const vendorOdooId = sim.state.create('res.partner', {
      name: `Recon vendor ${kind}`,
      supplier_rank: 1,
      is_company: true,
    });
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: `RC-${kind.toUpperCase()}`,
      vendorOdooId,
      analyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId,
    });
    claimIds[kind] = await runToApproved(
      testDb.db,
      org,
      sc,
      '2026-01-31',
      ['10000.00', '5000.00', '0'],
      ['10000.00', '5000.00', '0'],
    );
    vendorOdooIds[kind] = vendorOdooId;
  }
  for (const id of Object.values(claimIds))
    await waitFor(
      () => claimRow(testDb.db, id),
      (row) => row.syncStatus === 'synced' && row.odooBillId !== null,
      20_000,
      'the draft bill',
    );
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await sim?.stop();
  await testDb?.drop();
});

const reconcile = () =>
  runReconciliation(testDb.db, odoo, { trigger: 'manual', triggeredById: org.actors.finance.id });
const billOf = async (id: string) => (await claimRow(testDb.db, id)).odooBillId!;
const openDrift = (id: string) =>
  testDb.db
    .select()
    .from(exceptions)
    .where(
      and(eq(exceptions.recordId, id), eq(exceptions.status, 'open'), like(exceptions.cause, 'drift.%')),
    );
const refOf = async (id: string) => (await claimRow(testDb.db, id)).reference;
const linesOf = (moveId: number) => sim.state.search('account.move.line', [['move_id', '=', moveId]]);

/** A bill made by hand in Odoo: one line at `amount`. */
function handMadeBill(partnerId: number, ref: string, amount: number) {
  return sim.state.create('account.move', {
    move_type: 'in_invoice',
    partner_id: partnerId,
    ref,
    invoice_date: '2026-01-31',
    invoice_line_ids: [[0, 0, { name: 'by hand', quantity: 1, price_unit: amount }]],
  });
}

describe('reconciliation with Odoo', () => {
  it('finds nothing while Odoo matches, then one exception per injected drift, with the run counts the health page shows', async () => {
    const clean = await reconcile();
    expect(clean.status).toBe('succeeded');
    expect(clean.counts.claim).toMatchObject({
      checked: 4,
      matched: 4,
      missing: 0,
      duplicated: 0,
      amountChanged: 0,
      cancelled: 0,
    });
    for (const id of Object.values(claimIds)) expect(await openDrift(id)).toEqual([]);

    // inject the four kinds of drift in the simulator
    const amountBill = await billOf(claimIds.amount);
    const [firstLine] = linesOf(amountBill);
    sim.state.write('account.move.line', firstLine!, { price_unit: 9000 });
    sim.state.call('account.move', 'button_cancel', [await billOf(claimIds.cancel)]);
    sim.state.unlink('account.move', await billOf(claimIds.delete));
    const duplicateRef = await refOf(claimIds.duplicate);
    handMadeBill(vendorOdooIds.duplicate!, duplicateRef, 100);

    const run = await reconcile();
    expect(run.counts.claim).toMatchObject({
      checked: 4,
      matched: 0,
      missing: 1,
      duplicated: 1,
      amountChanged: 1,
      cancelled: 1,
      stateChanged: 0,
      failed: 0,
    });
    const expectations = {
      amount: 'drift.amount_changed',
      cancel: 'drift.cancelled',
      delete: 'drift.missing',
      duplicate: 'drift.duplicated',
    } as const;
    for (const [kind, cause] of Object.entries(expectations)) {
      const open = await openDrift(claimIds[kind as keyof typeof claimIds]);
      expect(open.map((e) => [e.category, e.cause])).toEqual([['reconciliation_drift', cause]]);
      expect(open[0]).toMatchObject({
        recordType: 'claim',
        projectId: org.projectIds['P-1001'],
        ownerRole: 'finance',
      });
      expect(open[0]!.guidance.length).toBeGreaterThan(40);
    }
    // a second run counts the repeat on the same exception instead of opening another
    await reconcile();
    expect((await openDrift(claimIds.amount)).map((e) => e.occurrences)).toEqual([2]);

    const health = await getSyncHealth(testDb.db, '24h');
    const [latest] = await testDb.db
      .select()
      .from(reconciliationRuns)
      .orderBy(sql`started_at DESC`)
      .limit(1);
    expect(health.lastReconciliation?.id).toBe(latest!.id);
    expect(health.lastReconciliation?.counts.claim).toMatchObject({
      missing: 1,
      duplicated: 1,
      amountChanged: 1,
      cancelled: 1,
    });
    const attempts = await testDb.db.execute<{ n: number; ok: number }>(
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'success')::int AS ok FROM sync_attempts`,
    );
    expect(health.totalAttempts).toBe(attempts.rows[0]!.n);
    expect(health.successfulAttempts).toBe(attempts.rows[0]!.ok);
    expect(health.latency.find((l) => l.recordType === 'claim')).toMatchObject({
      samples: expect.any(Number),
    });
  });

  it('lets finance resolve each kind: fix in Odoo, link a replacement, retry, cancel the duplicate', async () => {
    // amount changed → corrected in Odoo → closes at the next reconciliation
    const [firstLine] = linesOf(await billOf(claimIds.amount));
    sim.state.write('account.move.line', firstLine!, { price_unit: 10000 });

    // cancelled → finance links a replacement bill; wrong partner / amount / reference are refused with the reason
    const cancelled = (await openDrift(claimIds.cancel))[0]!;
    const ref = await refOf(claimIds.cancel);
    const due = Number((await claimRow(testDb.db, claimIds.cancel)).dueAmount);
    const link = (odooId: number) =>
      linkOdooRecord(
        testDb.db,
        { exceptionId: cancelled.id, version: cancelled.version, odooId },
        org.actors.finance,
        odoo,
      );
    await expect(link(handMadeBill(vendorOdooIds.amount!, ref, due))).rejects.toMatchObject({
      code: 'ODOO_LINK_MISMATCH',
      message: expect.stringMatching(/partner/),
    });
    await expect(link(handMadeBill(vendorOdooIds.cancel!, ref, due + 1))).rejects.toMatchObject({
      code: 'ODOO_LINK_MISMATCH',
      message: expect.stringMatching(/total is .* not the expected/),
    });
    await expect(link(handMadeBill(vendorOdooIds.cancel!, `${ref}-X`, due))).rejects.toMatchObject({
      code: 'ODOO_LINK_MISMATCH',
      message: expect.stringMatching(/reference is/),
    });
    expect((await openDrift(claimIds.cancel)).map((e) => e.id)).toEqual([cancelled.id]);
    // (the refused attempts left live bills with the claim's ref under the wrong partner: cancel them)
    for (const id of sim.state.search('account.move', [
      ['ref', 'like', ref],
      ['partner_id', '!=', vendorOdooIds.cancel!],
    ]))
      sim.state.call('account.move', 'button_cancel', [id]);
    for (const id of sim.state.search('account.move', [['ref', '=', `${ref}-X`]]))
      sim.state.call('account.move', 'button_cancel', [id]);
    for (const id of sim.state.search('account.move', [
      ['ref', '=', ref],
      ['partner_id', '=', vendorOdooIds.cancel!],
      ['state', '=', 'draft'],
    ]))
      sim.state.call('account.move', 'button_cancel', [id]);
    const replacement = handMadeBill(vendorOdooIds.cancel!, ref, due);
    // "Find in Odoo" (issue 15 item 12): the replacement first, linkable, with what matches in words; a
    // bill with the partner and total but another reference is listed with the reason it cannot be linked
    const nearMiss = handMadeBill(vendorOdooIds.cancel!, `${ref}-B`, due);
    const found = await findLinkCandidates(
      testDb.db,
      { exceptionId: cancelled.id },
      org.actors.finance,
      odoo,
    );
    expect(found.document).toBe('vendor bill');
    expect(found.candidates[0]).toMatchObject({
      odooId: replacement,
      problems: [],
      matches: ['same partner', `same reference ${ref}`, expect.stringMatching(/^same total /)],
    });
    const shown = found.candidates.find((c) => c.odooId === nearMiss);
    expect(shown?.problems).toEqual([expect.stringContaining(`reference is "${ref}-B"`)]);
    expect(found.candidates.every((c) => c.state !== 'cancel')).toBe(true);
    expect(found.candidates.findIndex((c) => c.odooId === nearMiss)).toBeGreaterThan(0);
    sim.state.call('account.move', 'button_cancel', [nearMiss]);
    await link(replacement);
    expect(await claimRow(testDb.db, claimIds.cancel)).toMatchObject({
      odooBillId: replacement,
      odooBillState: 'draft',
    });
    const [stored] = await testDb.db
      .select()
      .from(syncLinks)
      .where(and(eq(syncLinks.recordId, claimIds.cancel), eq(syncLinks.purpose, 'vendor_bill')));
    expect(stored).toMatchObject({ odooId: replacement, reference: ref });
    expect(
      await testDb.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, cancelled.id), eq(auditEvents.action, 'exception.link'))),
    ).toHaveLength(1);

    // deleted → finance retries: the sync finds nothing under the reference and makes the bill again
    const missing = (await openDrift(claimIds.delete))[0]!;
    await retryException(
      testDb.db,
      { exceptionId: missing.id, version: missing.version },
      org.actors.finance,
    );

    // duplicated → the extra bill is cancelled in Odoo
    const duplicateRef = await refOf(claimIds.duplicate);
    const keep = await billOf(claimIds.duplicate);
    for (const id of sim.state.search('account.move', [['ref', '=', duplicateRef]]))
      if (id !== keep) sim.state.call('account.move', 'button_cancel', [id]);

    for (const id of Object.values(claimIds))
      await waitFor(
        () => claimRow(testDb.db, id),
        (row) => row.syncStatus === 'synced',
        20_000,
        'the re-sync',
      );
    const run = await reconcile();
    expect(run.counts.claim).toMatchObject({
      checked: 4,
      matched: 4,
      missing: 0,
      duplicated: 0,
      amountChanged: 0,
      cancelled: 0,
    });
    for (const id of Object.values(claimIds)) expect(await openDrift(id)).toEqual([]);
    const closed = await testDb.db
      .select({ cause: exceptions.cause, status: exceptions.status })
      .from(exceptions)
      .where(like(exceptions.cause, 'drift.%'));
    expect(new Set(closed.filter((e) => e.status === 'resolved').map((e) => e.cause))).toEqual(
      new Set(['drift.amount_changed', 'drift.cancelled', 'drift.missing', 'drift.duplicated']),
    );
    const recreated = await claimRow(testDb.db, claimIds.delete);
    expect(sim.state.get('account.move', recreated.odooBillId!)).toMatchObject({ ref: recreated.reference });
    expect(
      (await testDb.db.select().from(claims).where(eq(claims.id, claimIds.amount)))[0]!.odooBillAmount,
    ).toBe((await claimRow(testDb.db, claimIds.amount)).dueAmount);
  });
});
