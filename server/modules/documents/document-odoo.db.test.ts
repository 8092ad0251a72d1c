import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projects, sovLines } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { changeOrderSyncHandler } from '@/server/modules/change-orders/change-order.sync';
import { claimSyncHandler } from '@/server/modules/claims/claim.sync';
import {
  addSecondQs,
  claimRow,
  runToApproved,
  seedWorkedExampleSubcontract,
} from '@/server/modules/claims/claim.testing';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { syncOne } from '@/server/sync/registry';
import { syncNow } from '@/server/sync/testing/sync-now';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { uploadDocument } from './document.service';

/**
 * Issue 19: the subcontractor's invoice (a claim document of kind 'invoice') is attached to the claim's
 * vendor bill in Odoo as an ir.attachment — once, however often the sync runs and whatever crashed
 * between Odoo's answer and Plumbline's commit (the next run finds it by the bill and the content's
 * SHA-1, Odoo's `checksum`, and adopts it).
 */
let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let claimId: string;
let billId: number;

const run = () =>
  syncNow(claimSyncHandler, { db: testDb.db, odoo, recordId: claimId, attempt: 1, correlationId: null });
const attachmentsOfBill = () =>
  sim.state
    .search('ir.attachment', [
      ['res_model', '=', 'account.move'],
      ['res_id', '=', billId],
    ])
    .map((id) => sim.state.get('ir.attachment', id)!);
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  const apiKey = `sim-attach-${randomBytes(6).toString('hex')}`;
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'attach_test',
    login: 'admin',
    password: 'admin',
    seed: 'demo',
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 5_000 });
  const po = sim.demo!.subcontracts['SC-1001-01']!;
  await testDb.db
    .update(projects)
    .set({ odooAnalyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId })
    .where(eq(projects.id, org.projectIds['P-1001']!));
  const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
    reference: 'SC-1001-01',
    vendorOdooId: sim.demo!.partners.keystone!,
    purchaseOrderId: po.orderId,
    poLineIds: [po.lineIds[0]!, po.lineIds[1]!],
    analyticAccountId: sim.demo!.projects['P-1001']!.analyticAccountId,
  });
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
  claimId = await runToApproved(
    testDb.db,
    org,
    sc,
    '2026-01-31',
    ['45000.00', '20000.00', '5000.00'],
    ['40000.00', '18000.00', '5000.00'],
  );
  const first = await run();
  billId = first.odooId!;
  expect((await claimRow(testDb.db, claimId)).odooBillId).toBe(billId);
});
afterAll(async () => {
  await sim?.stop();
  await testDb?.drop();
});

describe("the subcontractor's invoice on the vendor bill (ir.attachment)", () => {
  it('uploading it asks for the sync; ten more syncs leave exactly one attachment with the same bytes', async () => {
    const bytes = pdf('invoice INV-778');
    const doc = await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'invoice', fileName: 'INV-778.pdf' },
      bytes,
      org.actors.qs,
    );
    const requested = (
      await testDb.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM sync_requests WHERE record_type = 'claim' AND record_id = ${claimId}`,
      )
    ).rows[0]!;
    expect(requested.n).toBe(1);
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await run());
    const attachments = attachmentsOfBill();
    expect(attachments.map((a) => [a.name, a.checksum, a.mimetype, a.file_size])).toEqual([
      ['INV-778.pdf', sha1(bytes), 'application/pdf', bytes.length],
    ]);
    expect(Buffer.from(String(attachments[0]!.datas), 'base64').equals(bytes)).toBe(true);
    expect(results.filter((r) => r.operation.includes('attach')).length).toBe(1);
    expect(results[10]!.links).toContainEqual({
      purpose: `attachment:${doc.id}`,
      odooModel: 'ir.attachment',
      odooId: attachments[0]!.id,
      reference: 'INV-778.pdf',
    });
  });

  it('a crash after Odoo created it (connection dropped, or the worker died before the commit) still leaves one', async () => {
    const bytes = pdf('invoice INV-779');
    await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'invoice', fileName: 'INV-779.pdf' },
      bytes,
      org.actors.qs,
    );
    // Odoo commits the create, the answer never arrives: the run fails (nothing recorded)
    sim.faults.add({ model: 'ir.attachment', method: 'create', kind: 'drop_after_commit', times: 1 });
    await expect(run()).rejects.toBeTruthy();
    expect(attachmentsOfBill().filter((a) => a.checksum === sha1(bytes))).toHaveLength(1);
    // a run whose result is never committed (the worker killed between Odoo's answer and COMMIT)
    await syncOne(claimSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: claimId,
      attempt: 2,
      correlationId: null,
    });
    for (let i = 0; i < 3; i++) await run();
    expect(
      attachmentsOfBill()
        .map((a) => a.checksum)
        .sort(),
    ).toEqual([sha1(pdf('invoice INV-778')), sha1(bytes)].sort());
  });

  it('documents of other kinds stay in Plumbline', async () => {
    await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'photo', fileName: 'site.txt' },
      Buffer.from('Photo notes from site\n'),
      org.actors.qs,
    );
    await run();
    expect(attachmentsOfBill()).toHaveLength(2);
  });
});
