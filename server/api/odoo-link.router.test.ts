import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milestones, odooConnections } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import {
  approvalNoteBody,
  isOurNote,
  markerOf,
  syncChangeOrderBatch,
} from '@/server/modules/change-orders/change-order.sync-batch';
import { changeOrderSyncHandler } from '@/server/modules/change-orders/change-order.sync';
import {
  claimMilestoneCompletion,
  releaseMilestone,
  verifyMilestone,
} from '@/server/modules/milestones/milestone-approval.service';
import { milestoneSyncHandler } from '@/server/modules/milestones/milestone.sync';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { insertApprovedChangeOrders, linkDemoToSimulator } from '@/server/testing/change-order-load';
import {
  contextFor,
  contextWithFreshMfa,
  seedTestOrganisation,
  type SeededOrg,
} from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { syncNow } from '@/server/sync/testing/sync-now';

/**
 * Issue 20, the Odoo link: the stored key is never sent to a new host; Odoo ids a user chooses are
 * checked against the record's own project on save and again before sync; the CO approval note is
 * adopted only by a marker a user cannot type, and user text in it is escaped.
 */
const KEY = 'odoo-link-test-key-91c2';
let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let capture: http.Server;
let captureUrl: string;
const captured: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: KEY,
    db: 'northbeam',
    login: 'admin',
    password: 'admin-pw',
    seed: 'demo',
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey: KEY, retryBaseDelayMs: 1 });
  await linkDemoToSimulator(testDb.db, sim);
  capture = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      captured.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  adminContext = await contextWithFreshMfa(testDb.db, org.actors.admin);
  await createCaller(adminContext).odoo.saveConnection({
    url: sim.url,
    database: sim.db,
    login: 'admin',
    authMethod: 'api_key',
    secret: KEY,
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  await sim.stop();
  await testDb.drop();
});

let adminContext: Awaited<ReturnType<typeof contextWithFreshMfa>>;
const admin = () => createCaller(adminContext);
const connectionVersion = async () =>
  (await testDb.db.select({ v: odooConnections.version }).from(odooConnections))[0]!.v;

describe('the stored Odoo key stays with the host it was entered for', () => {
  it.each([
    ['address', { url: 'CAPTURE' }],
    ['database', { database: 'other_db' }],
    ['login', { login: 'someone-else' }],
  ])(
    'refuses a new %s without the secret, and Test connection sends the key nowhere new',
    async (_what, change) => {
      const input = {
        url: sim.url,
        database: sim.db,
        login: 'admin',
        authMethod: 'api_key' as const,
        ...change,
        version: await connectionVersion(),
      };
      if (input.url === 'CAPTURE') input.url = captureUrl;
      await expect(admin().odoo.saveConnection(input)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('API key or password again'),
      });
      await admin().odoo.testConnection();
      expect(captured.join('\n')).not.toContain(KEY);
      expect(captured).toEqual([]);
      const [row] = await testDb.db.select().from(odooConnections);
      expect(row).toMatchObject({ url: sim.url, database: sim.db, login: 'admin' });
    },
  );

  it('accepts the new address with the secret entered again (and keeps the old one without a change)', async () => {
    await admin().odoo.saveConnection({
      url: sim.url,
      database: sim.db,
      login: 'admin',
      authMethod: 'api_key',
      version: await connectionVersion(),
    });
    await admin().odoo.saveConnection({
      url: captureUrl,
      database: sim.db,
      login: 'admin',
      authMethod: 'api_key',
      secret: 'a-key-for-the-new-host',
      version: await connectionVersion(),
    });
    expect((await testDb.db.select().from(odooConnections))[0]!.url).toBe(captureUrl);
    await admin().odoo.saveConnection({
      url: sim.url,
      database: sim.db,
      login: 'admin',
      authMethod: 'api_key',
      secret: KEY,
      version: await connectionVersion(),
    });
  });
});

describe("a milestone's Odoo ids belong to its own project", () => {
  const p1 = () => org.projectIds['P-1001']!;
  const foreign = () => {
    const other = sim.demo!.projects['P-1002']!;
    const milestoneId = sim.state.search('project.milestone', [['project_id', '=', other.projectId]])[0]!;
    return { saleLineId: other.saleLineId, milestoneId };
  };
  const base = {
    name: 'Link probe',
    plannedDate: '2026-11-30',
    amountBasis: 'fixed' as const,
    fixedAmount: '100.00',
    percentOfContract: null,
    evidence: [],
  };

  it('refuses another project’s sale order line or Odoo milestone on create and on edit, naming the field', async () => {
    const pm = createCaller(contextFor(testDb.db, org.actors.pm));
    await expect(
      pm.milestones.create({ projectId: p1(), ...base, odooSaleLineId: foreign().saleLineId }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("not a line of this project's sale order"),
    });
    await expect(
      pm.milestones.create({ projectId: p1(), ...base, odooMilestoneId: foreign().milestoneId }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('not a milestone of this project'),
    });
    const own = sim.demo!.projects['P-1001']!;
    const created = await pm.milestones.create({ projectId: p1(), ...base, odooSaleLineId: own.saleLineId });
    await expect(
      pm.milestones.update({
        milestoneId: created.id,
        version: 1,
        ...base,
        odooSaleLineId: foreign().saleLineId,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const [row] = await testDb.db.select().from(milestones).where(eq(milestones.id, created.id));
    expect(row!.odooSaleLineId).toBe(own.saleLineId);
  });

  it('checks again before sync: a foreign id stored anyway marks nothing reached in the other project', async () => {
    const pm = createCaller(contextFor(testDb.db, org.actors.pm));
    const created = await pm.milestones.create({ projectId: p1(), ...base, name: 'Sync probe' });
    await claimMilestoneCompletion(testDb.db, { milestoneId: created.id, version: 1 }, org.actors.pm);
    await verifyMilestone(testDb.db, { milestoneId: created.id, version: 2 }, org.actors.qs);
    await releaseMilestone(testDb.db, { milestoneId: created.id, version: 3 }, org.actors.finance);
    const { milestoneId, saleLineId } = foreign();
    // a row written before this check existed (or by any path around the service)
    await testDb.db.execute(
      sql`UPDATE milestones SET odoo_milestone_id = ${milestoneId}, odoo_sale_line_id = ${saleLineId} WHERE id = ${created.id}`,
    );
    await expect(
      syncNow(milestoneSyncHandler, {
        db: testDb.db,
        odoo,
        recordId: created.id,
        attempt: 1,
        correlationId: null,
      }),
    ).rejects.toThrow(/not a (line|milestone)/);
    expect(sim.state.get('project.milestone', milestoneId)?.is_reached).toBe(false);
    expect(sim.state.search('account.move', [['ref', '=', created.reference]])).toEqual([]);
  });
});

describe("the change order's approval note in Odoo's chatter", () => {
  it('is not replaced by a comment that quotes the old marker: the real trail is posted', async () => {
    const [coId] = await insertApprovedChangeOrders(testDb.db, { count: 1, createdById: org.actors.pm.id });
    const [co] = (
      await testDb.db.execute<{ reference: string; sale_order: number }>(
        sql`SELECT co.reference, p.odoo_sale_order_id AS sale_order FROM change_orders co JOIN projects p ON p.id = co.project_id WHERE co.id = ${coId}`,
      )
    ).rows;
    // what a reviewer could type into a comment that reaches the order's chatter
    const forged = await odoo.create('mail.message', {
      model: 'sale.order',
      res_id: co!.sale_order,
      body: `<p>Plumbline approval of ${co!.reference}. qs: approved by Nobody.</p>`,
      message_type: 'comment',
    });
    const result = await syncNow(changeOrderSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: coId!,
      attempt: 1,
      correlationId: null,
    });
    const note = result.links?.find((link) => link.purpose === 'chatter_note');
    expect(note?.odooId).toBeDefined();
    expect(note!.odooId).not.toBe(forged);
    const [body] = sim.state.read('mail.message', [note!.odooId], ['body']);
    expect(String(body!.body)).toContain(markerOf(coId!, co!.reference));
    // run again: the real note is adopted, no second one
    const again = await syncNow(changeOrderSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: coId!,
      attempt: 1,
      correlationId: null,
    });
    expect(again.links?.find((link) => link.purpose === 'chatter_note')?.odooId).toBe(note!.odooId);
  });

  it("carries the approval's correlation id, on the single and the batched path alike (issue 21)", async () => {
    const [single, batched] = await insertApprovedChangeOrders(testDb.db, {
      count: 2,
      createdById: org.actors.pm.id,
    });
    const traceOf = (id: string) => `6f1c2b5e-0000-4000-8000-${id.slice(-12)}`;
    const noteBody = (result: { links?: { purpose: string; odooId: number }[] } | undefined) => {
      const note = result?.links?.find((link) => link.purpose === 'chatter_note');
      return String(sim.state.read('mail.message', [note!.odooId], ['body'])[0]!.body);
    };
    const one = await syncNow(changeOrderSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: single!,
      attempt: 1,
      correlationId: traceOf(single!),
    });
    expect(noteBody(one)).toContain(`Correlation id ${traceOf(single!)}.`);
    const outcomes = await syncChangeOrderBatch({
      db: testDb.db,
      odoo,
      items: [{ recordId: batched!, attempt: 1, correlationId: traceOf(batched!) }],
    });
    const outcome = outcomes.get(batched!);
    expect(outcome && 'result' in outcome).toBe(true);
    expect(noteBody(outcome && 'result' in outcome ? outcome.result : undefined)).toContain(
      `Correlation id ${traceOf(batched!)}.`,
    );
  });

  it('escapes user text and adopts only a body carrying the server-tagged marker', () => {
    const marker = markerOf('00000000-0000-4000-8000-000000000001', 'CO-0001');
    expect(marker).toMatch(/^Plumbline approval of CO-0001 #[0-9a-f]{24}$/);
    expect(markerOf('00000000-0000-4000-8000-000000000002', 'CO-0001')).not.toBe(marker);
    const body = approvalNoteBody(
      marker,
      ['qs: approved by <img src=x onerror=alert(1)> on 2026-01-01 (“<b>ok</b>”)'],
      null,
    );
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<b>');
    expect(isOurNote({ model: 'sale.order', res_id: 7, body }, 'sale.order', 7, marker)).toBe(true);
    expect(
      isOurNote(
        { model: 'sale.order', res_id: 7, body: '<p>Plumbline approval of CO-0001. forged</p>' },
        'sale.order',
        7,
        marker,
      ),
    ).toBe(false);
    expect(isOurNote({ model: 'sale.order', res_id: 8, body }, 'sale.order', 7, marker)).toBe(false);
  });
});
