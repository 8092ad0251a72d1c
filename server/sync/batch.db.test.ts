import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { changeOrderSyncHandler } from '@/server/modules/change-orders/change-order.sync';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import {
  insertApprovedChangeOrders,
  linkDemoToSimulator,
  requestChangeOrderSyncs,
} from '@/server/testing/change-order-load';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { startSyncWorker, type SyncWorker } from './runner';
import { waitFor } from './testing/harness';
import { syncNow } from './testing/sync-now';

/**
 * The batched change-order sync (syncBatch) keeps the engine's guarantees: two workers batching the
 * same backlog, requests repeated while jobs run, a batch whose Odoo writes were never recorded, a
 * failing createMany — every approved CO ends with exactly one Odoo line and one chatter note.
 */
let testDb: TestDatabase;
let sim: OdooSim;
let odoo: OdooClient;
let org: SeededOrg;
const workers: SyncWorker[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  const apiKey = `sim-batch-${randomBytes(6).toString('hex')}`;
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'batch_test',
    login: 'admin',
    password: 'admin',
    seed: 'demo',
    latencyMs: 2,
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 10_000 });
  await linkDemoToSimulator(testDb.db, sim);
  for (let i = 0; i < 2; i++) {
    workers.push(
      await startSyncWorker({
        databaseUrl: testDb.url,
        odoo: () => odoo,
        concurrency: 12,
        pollIntervalMs: 100,
        heartbeatIntervalMs: 500,
        sweepIntervalMs: 1_000,
        staleAfterMs: 10_000,
        engine: {
          retry: { baseMs: 20, capMs: 100, maxAttempts: 6 },
          ambiguousDelayMs: 20,
          batch: { maxSize: 10 },
        },
      }),
    );
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await sim?.stop();
  await testDb?.drop();
});

type Tally = {
  reference: string;
  lines: number;
  notes: number;
  syncStatus: string;
  links: number;
  attempts: number;
};

/** Per CO: Odoo lines named "[CO-…]" on its order, chatter notes with its marker, and what Plumbline recorded. */
async function tally(ids: string[]): Promise<Tally[]> {
  const rows = await testDb.db.execute<{
    id: string;
    reference: string;
    kind: string;
    sync_status: string;
    sale_order: number | null;
    purchase_order: number | null;
    links: number;
    attempts: number;
  }>(sql`
    SELECT co.id, co.reference, co.kind, co.sync_status, p.odoo_sale_order_id AS sale_order, s.odoo_purchase_order_id AS purchase_order,
           (SELECT count(*)::int FROM sync_links l WHERE l.record_type = 'change_order' AND l.record_id = co.id) AS links,
           (SELECT count(*)::int FROM sync_attempts a WHERE a.record_type = 'change_order' AND a.record_id = co.id AND a.outcome = 'success') AS attempts
    FROM change_orders co JOIN projects p ON p.id = co.project_id LEFT JOIN subcontracts s ON s.id = co.subcontract_id
    WHERE co.id = ANY(${sql.param(ids)}::uuid[])`);
  return rows.rows.map((row) => {
    const [lineModel, orderModel, orderId] =
      row.kind === 'client'
        ? ['sale.order.line', 'sale.order', row.sale_order]
        : ['purchase.order.line', 'purchase.order', row.purchase_order];
    const lines = sim.state.search(lineModel, [
      ['order_id', '=', orderId],
      ['name', '=like', `[${row.reference}]%`],
    ]).length;
    const notes = sim.state.read(
      'mail.message',
      sim.state.search('mail.message', [
        ['model', '=', orderModel],
        ['res_id', '=', orderId],
        ['body', 'ilike', `Plumbline approval of ${row.reference} #`],
      ]),
      ['body'],
    ).length;
    return {
      reference: row.reference,
      lines,
      notes,
      syncStatus: row.sync_status,
      links: row.links,
      attempts: row.attempts,
    };
  });
}

const allSynced = async (ids: string[]) => {
  const result = await testDb.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM change_orders WHERE id = ANY(${sql.param(ids)}::uuid[]) AND sync_status = 'synced'`,
  );
  return result.rows[0]?.n ?? 0;
};

describe('batched change-order sync', () => {
  it('two batching workers, requests repeated while they run: one line, one note, two links per CO', async () => {
    const ids = await insertApprovedChangeOrders(testDb.db, {
      count: 60,
      createdById: org.actors.pm2.id,
      title: 'Concurrent batch',
    });
    await requestChangeOrderSyncs(testDb.db, ids);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await requestChangeOrderSyncs(testDb.db, ids); // while the first jobs run: a new job per running record
    await waitFor(
      () => allSynced(ids),
      (n) => n === ids.length,
      60_000,
      'all synced',
    );
    await waitFor(
      async () =>
        (
          await testDb.db.execute<{ n: number }>(
            sql`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'sync_record'`,
          )
        ).rows[0]?.n ?? 0,
      (n) => n === 0,
      30_000,
      'queue drained',
    );
    const counts = await tally(ids);
    expect(
      counts.filter((c) => c.lines !== 1 || c.notes !== 1 || c.links !== 2 || c.syncStatus !== 'synced'),
    ).toEqual([]);
    // at least one batch held several records (the point of it): fewer line creates than COs
    expect(
      sim.callCount('sale.order.line', 'create') + sim.callCount('purchase.order.line', 'create'),
    ).toBeLessThan(ids.length);
  }, 90_000);

  it('adopts what a batch made in Odoo but never recorded (worker killed after Odoo answered)', async () => {
    const ids = await insertApprovedChangeOrders(testDb.db, {
      count: 12,
      createdById: org.actors.pm2.id,
      title: 'Unrecorded batch',
    });
    // the "dead" worker's batch: Odoo has the lines and notes, PostgreSQL has no attempt, link or status
    const outcomes = await changeOrderSyncHandler.syncBatch({
      db: testDb.db,
      odoo,
      items: ids.map((recordId) => ({ recordId, attempt: 1, correlationId: null })),
    });
    expect([...outcomes.values()].every((outcome) => 'result' in outcome)).toBe(true);
    // and one CO synced the one-by-one way earlier: the batch must adopt that one's line and note too
    await syncNow(changeOrderSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: ids[0]!,
      attempt: 1,
      correlationId: null,
    });
    await requestChangeOrderSyncs(testDb.db, ids);
    await waitFor(
      () => allSynced(ids),
      (n) => n === ids.length,
      60_000,
      'all synced',
    );
    const counts = await tally(ids);
    expect(counts.filter((c) => c.lines !== 1 || c.notes !== 1 || c.attempts !== 1)).toEqual([]);
  }, 90_000);

  it('a failed createMany fails only its COs; their retry adopts whatever landed', async () => {
    const ids = await insertApprovedChangeOrders(testDb.db, {
      count: 20,
      createdById: org.actors.pm2.id,
      title: 'Faulty batch',
    });
    sim.faults.add({ model: 'purchase.order.line', method: 'create', kind: 'http503', times: 2 });
    sim.faults.add({ model: 'mail.message', method: 'create', kind: 'drop_after_commit', times: 1 });
    await requestChangeOrderSyncs(testDb.db, ids);
    await waitFor(
      () => allSynced(ids),
      (n) => n === ids.length,
      60_000,
      'all synced',
    );
    const counts = await tally(ids);
    expect(counts.filter((c) => c.lines !== 1 || c.notes !== 1 || c.links !== 2)).toEqual([]);
    const failures = await testDb.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sync_attempts WHERE record_id = ANY(${sql.param(ids)}::uuid[]) AND outcome <> 'success'`,
    );
    expect(failures.rows[0]?.n).toBeGreaterThan(0);
  }, 90_000);
});
