import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { exceptions, syncLinks, syncRequests } from '@/db/schema';
import { requestSync } from './enqueue';
import { assertGraphileSchemaLevel, GRAPHILE_SCHEMA_LEVEL, startSyncWorker, type SyncWorker } from './runner';
import {
  attemptsOf,
  openExceptionsOf,
  pendingJobsOf,
  startSyncHarness,
  waitFor,
  type SyncHarness,
} from './testing/harness';
import { TEST_EFFECT_CAUSE, TEST_RECORD_TYPE } from './testing/test-partner.handler';

const MAX_ATTEMPTS = 5;

let testDb: TestDatabase;
let harness: SyncHarness;
let worker: SyncWorker;

beforeAll(async () => {
  testDb = await createTestDatabase();
  harness = await startSyncHarness();
  worker = await startSyncWorker({
    databaseUrl: testDb.url,
    odoo: () => harness.odoo,
    concurrency: 2,
    pollIntervalMs: 100,
    heartbeatIntervalMs: 500,
    sweepIntervalMs: 1_000,
    staleAfterMs: 10_000,
    engine: { retry: { baseMs: 20, capMs: 200, maxAttempts: MAX_ATTEMPTS }, ambiguousDelayMs: 50 },
  });
});
afterAll(async () => {
  await worker?.stop();
  await harness?.stop();
  await testDb?.drop();
});

async function request(recordId: string, runAt?: Date) {
  await testDb.db.transaction((tx) => requestSync(tx, { recordType: TEST_RECORD_TYPE, recordId, runAt }));
}

const statusOf = (id: string) => harness.statusOf(testDb.db, id);
const waitForStatus = (id: string, status: string) =>
  waitFor(
    () => statusOf(id),
    (s) => s === status,
    20_000,
    `status ${status}`,
  );

describe('sync engine against the Odoo simulator', () => {
  it('retries three 503s and then succeeds: one Odoo record, four attempt rows, one link', async () => {
    const { id, reference } = harness.newRecord();
    harness.sim.faults.add({ model: 'res.partner', method: 'create', kind: 'http503', times: 3 });
    await request(id);
    expect(await statusOf(id)).toBe('pending');
    await waitForStatus(id, 'synced');
    expect(harness.partnersWithRef(reference)).toBe(1);
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => [a.attemptNumber, a.outcome])).toEqual([
      [1, 'transient_error'],
      [2, 'transient_error'],
      [3, 'transient_error'],
      [4, 'success'],
    ]);
    expect(attempts[0]).toMatchObject({
      httpStatus: 503,
      errorClass: 'OdooTransientError',
      operation: 'res.partner.create',
    });
    expect(attempts[3]).toMatchObject({
      operation: 'create partner',
      odooModel: 'res.partner',
      errorName: null,
    });
    expect(attempts.every((a) => a.durationMs >= 0 && a.jobId)).toBe(true);
    const links = await testDb.db
      .select()
      .from(syncLinks)
      .where(and(eq(syncLinks.recordType, TEST_RECORD_TYPE), eq(syncLinks.recordId, id)));
    expect(links).toMatchObject([
      { purpose: 'partner', odooModel: 'res.partner', reference, odooId: attempts[3]!.odooId },
    ]);
    expect(await openExceptionsOf(testDb.db, id)).toHaveLength(0);
    expect(await pendingJobsOf(testDb.db, id)).toBe(0);
  });

  it('resolves a connection dropped after Odoo committed by re-reading, not resending: still one record', async () => {
    const { id, reference } = harness.newRecord();
    harness.sim.faults.add({ model: 'res.partner', method: 'create', kind: 'drop_after_commit', times: 1 });
    await request(id);
    await waitForStatus(id, 'synced');
    expect(harness.partnersWithRef(reference)).toBe(1);
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => a.outcome)).toEqual(['ambiguous', 'success']);
    expect(attempts[1]!.operation).toBe('adopt existing partner');
  });

  it('turns a UserError into an exception at once: status failed, no retry scheduled', async () => {
    const { id } = harness.newRecord({ behaviour: 'user_error', amountAtStake: '250000.00' });
    await request(id);
    await waitForStatus(id, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a retry, if wrongly scheduled, would run by now
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      outcome: 'business_error',
      errorName: 'odoo.exceptions.UserError',
      errorClass: 'OdooBusinessError',
    });
    expect(attempts[0]!.errorMessage).toBeTruthy();
    expect(await pendingJobsOf(testDb.db, id)).toBe(0);
    const open = await openExceptionsOf(testDb.db, id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      category: 'sync_failure',
      severity: 'high',
      errorName: 'odoo.exceptions.UserError',
      occurrences: 1,
    });
    expect(open[0]!.guidance).toMatch(/Retry/);
  });

  it('opens an exception after the last transient attempt, and a later success resolves it', async () => {
    const { id, reference } = harness.newRecord();
    const fault = harness.sim.faults.add({ model: 'res.partner', method: 'create', kind: 'http503' });
    try {
      await request(id);
      await waitForStatus(id, 'failed');
    } finally {
      fault.remove();
    }
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => a.outcome)).toEqual(Array(MAX_ATTEMPTS).fill('transient_error'));
    expect(attempts.map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(await pendingJobsOf(testDb.db, id)).toBe(0);
    const [exception] = await openExceptionsOf(testDb.db, id);
    expect(exception).toMatchObject({
      category: 'sync_failure',
      recordReference: reference,
      severity: 'low',
    });
    expect(exception!.detail).toContain(`${MAX_ATTEMPTS} attempts failed`);

    await request(id);
    await waitForStatus(id, 'synced');
    expect(await openExceptionsOf(testDb.db, id)).toHaveLength(0);
    expect(harness.partnersWithRef(reference)).toBe(1);
  });

  it('blocks the record on a configuration error (rejected API key) and tells an administrator', async () => {
    const { id } = harness.newRecord();
    harness.sim.faults.add({ model: 'res.partner', kind: 'expired_key', times: 1 });
    await request(id);
    await waitForStatus(id, 'blocked');
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.outcome).toBe('configuration_error');
    const [exception] = await openExceptionsOf(testDb.db, id);
    expect(exception).toMatchObject({ ownerRole: 'admin', severity: 'high' });
    expect(JSON.stringify(attempts)).not.toContain(harness.sim.apiKey);
  });

  it('a call Odoo cannot bind is a programming error: not retried, an exception for an engineer', async () => {
    const { id } = harness.newRecord({ behaviour: 'bad_call' });
    await request(id);
    await waitForStatus(id, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a retry, if wrongly scheduled, would run by now
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      outcome: 'programming_error',
      errorClass: 'OdooProgrammingError',
      errorName: 'werkzeug.exceptions.UnprocessableEntity',
    });
    const [exception] = await openExceptionsOf(testDb.db, id);
    expect(exception).toMatchObject({ ownerRole: 'admin', severity: 'high' });
    expect(exception!.title).toContain('cannot run');
  });

  it('keeps one pending job for two requests in a row (dedupe by job key)', async () => {
    const { id } = harness.newRecord();
    const later = new Date(Date.now() + 60 * 60_000); // not yet due, so no worker takes it meanwhile
    await request(id, later);
    await request(id, later);
    expect(await pendingJobsOf(testDb.db, id)).toBe(1);
    expect(await statusOf(id)).toBe('pending');
  });

  it('enqueues nothing when the requesting transaction rolls back', async () => {
    const { id } = harness.newRecord();
    await expect(
      testDb.db.transaction(async (tx) => {
        await requestSync(tx, {
          recordType: TEST_RECORD_TYPE,
          recordId: id,
          runAt: new Date(Date.now() + 60 * 60_000),
        });
        throw new Error('approval failed');
      }),
    ).rejects.toThrow('approval failed');
    expect(await pendingJobsOf(testDb.db, id)).toBe(0);
  });
  it('a request made while the record syncs is not lost: the running sync leaves it, a second run settles it', async () => {
    const { id, reference } = harness.newRecord();
    harness.sim.faults.add({ model: 'res.partner', method: 'create', kind: 'delay', delayMs: 800, times: 1 });
    await request(id);
    await waitFor(
      async () =>
        (await testDb.db.select().from(syncRequests).where(eq(syncRequests.recordId, id)))[0]?.claimedBy ??
        null,
      (owner) => owner !== null,
      10_000,
      'claimed',
    );
    await request(id); // while the first run is in Odoo
    expect(await statusOf(id)).toBe('pending');
    await waitFor(
      async () => (await attemptsOf(testDb.db, id)).length,
      (n) => n === 2,
      20_000,
      'two attempts',
    );
    await waitForStatus(id, 'synced');
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => [a.attemptNumber, a.outcome, a.operation])).toEqual([
      [1, 'success', 'create partner'],
      [1, 'success', 'adopt existing partner'],
    ]);
    expect(harness.partnersWithRef(reference)).toBe(1);
    expect(await pendingJobsOf(testDb.db, id)).toBe(0);
  });

  it("applies the handler's effects in the attempt's transaction: same transaction as the attempt row", async () => {
    const { id } = harness.newRecord();
    await request(id);
    await waitForStatus(id, 'synced');
    const [attempt] = await attemptsOf(testDb.db, id);
    const record = harness.store.get(id)!;
    const effects = record.effectLog ?? [];
    expect(effects).toHaveLength(1);
    expect(effects[0]!.partnerId).toBe(attempt!.odooId);
    // the effect ran in the transaction that set 'synced' together with the attempt row and the link
    const synced = record.statusLog?.filter((entry) => entry.status === 'synced') ?? [];
    expect(synced.map((entry) => entry.txid)).toEqual([effects[0]!.txid]);
  });

  it('a failing effect is rolled back with its attempt: nothing it wrote remains, the attempt counts as failed', async () => {
    const { id } = harness.newRecord({ behaviour: 'failing_effect' });
    const neighbour = harness.newRecord(); // due with it, so claimed in the same round: its own savepoint
    const at = new Date(Date.now() + 1_000);
    await request(id, at);
    await request(neighbour.id, at);
    await waitForStatus(id, 'failed');
    await waitForStatus(neighbour.id, 'synced');
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => a.outcome)).toEqual(Array(MAX_ATTEMPTS).fill('crashed'));
    expect(attempts[0]).toMatchObject({ operation: 'record sync result', errorName: 'Error' });
    expect(attempts[0]!.errorMessage).toContain('failed after writing');
    // the row the effect wrote before it threw went with its savepoint; no link was kept either
    const written = await testDb.db
      .select()
      .from(exceptions)
      .where(and(eq(exceptions.recordId, id), eq(exceptions.cause, TEST_EFFECT_CAUSE)));
    expect(written).toEqual([]);
    expect(await testDb.db.select().from(syncLinks).where(eq(syncLinks.recordId, id))).toEqual([]);
    expect((await openExceptionsOf(testDb.db, id)).map((e) => e.category)).toEqual(['sync_failure']);
  });

  it('records a claimed round in one transaction: every attempt of the round shares one transaction', async () => {
    // due together, claimed by one round (the test handler takes up to 4 side by side)
    const records = [harness.newRecord(), harness.newRecord(), harness.newRecord()];
    const at = new Date(Date.now() + 1_500);
    await testDb.db.transaction(async (tx) => {
      for (const record of records)
        await requestSync(tx, { recordType: TEST_RECORD_TYPE, recordId: record.id, runAt: at });
    });
    for (const record of records) await waitForStatus(record.id, 'synced');
    const transactions = records.map((record) => {
      const stored = harness.store.get(record.id)!;
      return [
        ...(stored.statusLog ?? []).filter((entry) => entry.status === 'synced'),
        ...(stored.effectLog ?? []),
      ].map((entry) => entry.txid);
    });
    expect(transactions.every((ids) => ids.length === 2)).toBe(true);
    expect(new Set(transactions.flat()).size).toBe(1);
  });

  it('refuses to start a worker on a graphile schema level it was not built for', async () => {
    await assertGraphileSchemaLevel(testDb.db);
    await testDb.db.execute(
      sql`INSERT INTO graphile_worker.migrations (id) VALUES (${GRAPHILE_SCHEMA_LEVEL + 1})`,
    );
    try {
      await expect(assertGraphileSchemaLevel(testDb.db)).rejects.toThrow(
        /migration 19, but this worker was built and tested against level 18/,
      );
    } finally {
      await testDb.db.execute(
        sql`DELETE FROM graphile_worker.migrations WHERE id = ${GRAPHILE_SCHEMA_LEVEL + 1}`,
      );
    }
  });
});
