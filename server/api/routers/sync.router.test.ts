import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, syncAttempts, syncLinks } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/auth/actor';
import { raiseException } from '@/server/modules/exceptions/exception.service';
import { pendingSyncRequests } from '@/server/sync/enqueue';
import { registerSyncHandler } from '@/server/sync/registry';
import {
  committedStatus,
  createJsonRecordStore,
  createTestPartnerHandler,
  TEST_RECORD_TYPE,
  type TestRecordStore,
} from '@/server/sync/testing/test-partner.handler';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';

let testDb: TestDatabase;
let org: SeededOrg;
let store: TestRecordStore;
let storeDir: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  storeDir = mkdtempSync(path.join(tmpdir(), 'plumbline-router-'));
  store = createJsonRecordStore(path.join(storeDir, 'records.json'));
  registerSyncHandler(createTestPartnerHandler(store));
});
afterAll(async () => {
  await testDb.drop();
  rmSync(storeDir, { recursive: true, force: true });
});

const as = (actor: Actor) => createCaller(contextFor(testDb.db, actor));

function newRecord(projectCode: string | null) {
  const id = randomUUID();
  const reference = `TP-${id.slice(0, 8)}`;
  store.put(id, {
    name: 'Router partner',
    reference,
    projectId: projectCode ? org.projectIds[projectCode]! : null,
    amountAtStake: '900.00',
    syncStatus: 'failed',
  });
  return { id, reference };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe('sync.history', () => {
  it('returns status, links and attempts newest first to someone who may see the record', async () => {
    const { id, reference } = newRecord('P-1001');
    const base = { recordType: TEST_RECORD_TYPE, recordId: id, durationMs: 12, startedAt: new Date() };
    await testDb.db.insert(syncAttempts).values([
      {
        ...base,
        operation: 'res.partner.create',
        outcome: 'transient_error',
        errorName: 'plumbline.HttpError',
        errorMessage: 'Service Unavailable',
        httpStatus: 503,
        attemptNumber: 1,
      },
      {
        ...base,
        operation: 'create partner',
        outcome: 'success',
        odooModel: 'res.partner',
        odooId: 77,
        attemptNumber: 2,
      },
    ]);
    await testDb.db.insert(syncLinks).values({
      recordType: TEST_RECORD_TYPE,
      recordId: id,
      purpose: 'partner',
      odooModel: 'res.partner',
      odooId: 77,
      reference,
    });
    const history = await as(org.actors.pm).sync.history({ recordType: TEST_RECORD_TYPE, recordId: id });
    expect(history).toMatchObject({
      reference,
      syncStatus: 'failed',
      links: [{ odooModel: 'res.partner', odooId: 77, reference }],
    });
    expect(history.attempts.map((a) => [a.attemptNumber, a.outcome])).toEqual([
      [2, 'success'],
      [1, 'transient_error'],
    ]);
  });

  it('answers NOT_FOUND for another project, an organisation-wide record, an unknown id or type', async () => {
    const other = newRecord('P-1003'); // qs is not a member
    const orgWide = newRecord(null);
    const qs = as(org.actors.qs);
    expect(await codeOf(qs.sync.history({ recordType: TEST_RECORD_TYPE, recordId: other.id }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(qs.sync.history({ recordType: TEST_RECORD_TYPE, recordId: orgWide.id }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(qs.sync.history({ recordType: TEST_RECORD_TYPE, recordId: randomUUID() }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(qs.sync.history({ recordType: 'no_such_type', recordId: other.id }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(as(org.actors.finance).sync.history({ recordType: TEST_RECORD_TYPE, recordId: other.id })),
    ).toBe('OK');
    expect(
      await codeOf(as(org.actors.exec).sync.history({ recordType: TEST_RECORD_TYPE, recordId: orgWide.id })),
    ).toBe('OK');
  });
});

describe('sync.retry', () => {
  it('is for finance only, and writes an audit row and one pending job', async () => {
    const { id } = newRecord('P-1002');
    const input = { recordType: TEST_RECORD_TYPE, recordId: id };
    expect(await codeOf(as(org.actors.pm).sync.retry(input))).toBe('FORBIDDEN');
    await as(org.actors.finance).sync.retry(input);
    await as(org.actors.finance).sync.retry(input);
    const audit = await testDb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, TEST_RECORD_TYPE), eq(auditEvents.entityId, id)));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      action: 'sync.retry',
      actorId: org.actors.finance.id,
      fromState: 'failed',
      toState: 'pending',
    });
    expect(await pendingSyncRequests(testDb.db, TEST_RECORD_TYPE, id)).toBe(1);
    expect(await committedStatus(testDb.db, store.get(id)!)).toBe('pending');
  });
});

describe('exceptions router', () => {
  it('lists, shows per record, and refuses a dismissal without a reason in plain words', async () => {
    const { id } = newRecord('P-1001');
    const raised = await raiseException(testDb.db, {
      category: 'sync_failure',
      cause: 'odoo_sync',
      recordType: TEST_RECORD_TYPE,
      recordId: id,
      projectId: org.projectIds['P-1001']!,
      title: 'Odoo refused the sync',
      detail: 'odoo.exceptions.UserError: nope',
      guidance: 'Fix, then Retry.',
    });
    const finance = as(org.actors.finance);
    const list = await finance.exceptions.list({ filters: { status: 'open', category: 'sync_failure' } });
    expect(list.rows.map((row) => row.id)).toContain(raised.id);
    expect(
      (await finance.exceptions.forRecord({ recordType: TEST_RECORD_TYPE, recordId: id })).map(
        (row) => row.id,
      ),
    ).toEqual([raised.id]);
    await expect(
      finance.exceptions.dismiss({ exceptionId: raised.id, version: 1, reason: '' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/reason/i),
    });
    expect(
      await codeOf(
        as(org.actors.exec).exceptions.dismiss({ exceptionId: raised.id, version: 1, reason: 'not mine' }),
      ),
    ).toBe('FORBIDDEN');
  });
});
