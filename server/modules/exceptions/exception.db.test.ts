import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, exceptions, syncRequests } from '@/db/schema';
import { listInputSchema } from '@/server/lib/list';
import { registerSyncHandler } from '@/server/sync/registry';
import {
  committedStatus,
  createJsonRecordStore,
  createTestPartnerHandler,
  TEST_RECORD_TYPE,
  type TestRecordStore,
} from '@/server/sync/testing/test-partner.handler';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { listExceptions } from './exception.queries';
import {
  dismissException,
  raiseException,
  resolveExceptionsFor,
  retryException,
  type RaiseExceptionInput,
} from './exception.service';

let testDb: TestDatabase;
let org: SeededOrg;
let store: TestRecordStore;
let storeDir: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  storeDir = mkdtempSync(path.join(tmpdir(), 'plumbline-exc-'));
  store = createJsonRecordStore(path.join(storeDir, 'records.json'));
  registerSyncHandler(createTestPartnerHandler(store));
});
afterAll(async () => {
  await testDb.drop();
  rmSync(storeDir, { recursive: true, force: true });
});

function syncFailure(recordId: string, overrides: Partial<RaiseExceptionInput> = {}): RaiseExceptionInput {
  return {
    category: 'sync_failure',
    cause: 'odoo_sync',
    recordType: TEST_RECORD_TYPE,
    recordId,
    recordReference: `TP-${recordId.slice(0, 4)}`,
    projectId: org.projectIds['P-1001']!,
    amountAtStake: '42000.00',
    title: 'Odoo refused the sync',
    detail: 'odoo.exceptions.UserError: first',
    guidance: 'Fix it, then press Retry.',
    errorName: 'odoo.exceptions.UserError',
    ...overrides,
  };
}

async function exceptionRow(id: string) {
  const [row] = await testDb.db.select().from(exceptions).where(eq(exceptions.id, id));
  return row!;
}

async function auditFor(id: string) {
  return testDb.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, 'exception'), eq(auditEvents.entityId, id)));
}

function newTestRecord(projectId: string | null = org.projectIds['P-1001']!) {
  const id = randomUUID();
  store.put(id, {
    name: 'Test partner',
    reference: `TP-${id.slice(0, 8)}`,
    projectId,
    amountAtStake: '42000.00',
    syncStatus: 'failed',
  });
  return id;
}

describe('raising exceptions', () => {
  it('keeps one open exception per (record, cause): a repeat counts an occurrence and updates the detail', async () => {
    const recordId = newTestRecord();
    const first = await raiseException(testDb.db, syncFailure(recordId));
    const second = await raiseException(
      testDb.db,
      syncFailure(recordId, { detail: 'odoo.exceptions.UserError: second' }),
    );
    expect(second.id).toBe(first.id);
    expect(second.occurrences).toBe(2);
    const row = await exceptionRow(first.id);
    expect(row).toMatchObject({
      status: 'open',
      occurrences: 2,
      detail: 'odoo.exceptions.UserError: second',
      severity: 'medium',
    });
    expect(row.lastSeenAt.getTime()).toBeGreaterThanOrEqual(row.firstSeenAt.getTime());

    const other = await raiseException(
      testDb.db,
      syncFailure(recordId, { category: 'rule_breach', cause: 'insurance_expired' }),
    );
    expect(other.id).not.toBe(first.id);
    const open = await testDb.db
      .select()
      .from(exceptions)
      .where(and(eq(exceptions.recordId, recordId), eq(exceptions.status, 'open')));
    expect(open).toHaveLength(2);
  });

  it('resolves only the given cause, and a later repeat opens a fresh exception', async () => {
    const recordId = newTestRecord();
    const sync = await raiseException(testDb.db, syncFailure(recordId));
    const rule = await raiseException(
      testDb.db,
      syncFailure(recordId, { category: 'rule_breach', cause: 'claim_above_sov' }),
    );
    expect(await resolveExceptionsFor(testDb.db, TEST_RECORD_TYPE, recordId, 'odoo_sync')).toBe(1);
    expect((await exceptionRow(sync.id)).status).toBe('resolved');
    expect((await exceptionRow(rule.id)).status).toBe('open');
    const again = await raiseException(testDb.db, syncFailure(recordId));
    expect(again.id).not.toBe(sync.id);
    expect(again.occurrences).toBe(1);
  });
});

describe('finance actions', () => {
  it('refuses a dismissal without a reason, with a clear message, and changes nothing', async () => {
    const { id } = await raiseException(testDb.db, syncFailure(newTestRecord()));
    const before = await exceptionRow(id);
    for (const reason of ['', '   ']) {
      await expect(
        dismissException(testDb.db, { exceptionId: id, version: before.version, reason }, org.actors.finance),
      ).rejects.toMatchObject({
        code: 'REASON_REQUIRED',
        message: expect.stringMatching(/reason/i),
      });
    }
    expect(await exceptionRow(id)).toEqual(before);
    expect(await auditFor(id)).toHaveLength(0);
  });

  it('dismisses with a reason: closed, who and why kept, one audit row; a stale version is a CONFLICT', async () => {
    const { id } = await raiseException(testDb.db, syncFailure(newTestRecord()));
    const { version } = await exceptionRow(id);
    await dismissException(
      testDb.db,
      { exceptionId: id, version, reason: 'Bill entered by hand in Odoo' },
      org.actors.finance,
    );
    const row = await exceptionRow(id);
    expect(row).toMatchObject({
      status: 'dismissed',
      resolvedById: org.actors.finance.id,
      resolution: 'Bill entered by hand in Odoo',
      version: version + 1,
    });
    const audit = await auditFor(id);
    expect(audit).toMatchObject([
      {
        action: 'exception.dismiss',
        fromState: 'open',
        toState: 'dismissed',
        comment: 'Bill entered by hand in Odoo',
        actorId: org.actors.finance.id,
      },
    ]);
    await expect(
      dismissException(testDb.db, { exceptionId: id, version, reason: 'again' }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('retries a sync failure: audit row, a pending sync job and status pending, all in one transaction', async () => {
    const recordId = newTestRecord();
    const { id } = await raiseException(testDb.db, syncFailure(recordId));
    const { version } = await exceptionRow(id);
    await expect(
      retryException(testDb.db, { exceptionId: id, version: version + 5 }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await auditFor(id)).toHaveLength(0);

    await retryException(testDb.db, { exceptionId: id, version }, org.actors.finance);
    const audit = await auditFor(id);
    expect(audit).toMatchObject([{ action: 'exception.retry', actorId: org.actors.finance.id }]);
    const requests = await testDb.db
      .select()
      .from(syncRequests)
      .where(and(eq(syncRequests.recordType, TEST_RECORD_TYPE), eq(syncRequests.recordId, recordId)));
    expect(requests).toHaveLength(1);
    expect(requests[0]!.correlationId).toBe(audit[0]!.correlationId);
    expect(await committedStatus(testDb.db, store.get(recordId)!)).toBe('pending');
    expect((await exceptionRow(id)).status).toBe('open'); // closes itself when the sync succeeds
  });

  it('refuses to retry what is not a sync failure', async () => {
    const { id, occurrences } = await raiseException(
      testDb.db,
      syncFailure(newTestRecord(), { category: 'rule_breach', cause: 'insurance_expired' }),
    );
    expect(occurrences).toBe(1);
    const { version } = await exceptionRow(id);
    await expect(
      retryException(testDb.db, { exceptionId: id, version }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});

describe('the queue', () => {
  it('filters by category, project, status and age, and scopes to the projects a person may see', async () => {
    const p2 = org.projectIds['P-1002']!;
    const recordId = newTestRecord(p2);
    const { id } = await raiseException(
      testDb.db,
      syncFailure(recordId, { projectId: p2, category: 'reconciliation_drift', cause: 'amount_drift' }),
    );
    const list = (filters: Record<string, string>, actor = org.actors.finance) =>
      listExceptions(testDb.db, actor, listInputSchema.parse({ filters }));

    const drift = await list({
      category: 'reconciliation_drift',
      projectId: p2,
      status: 'open',
      ageBucket: 'under_1d',
    });
    expect(drift.rows.map((row) => row.id)).toEqual([id]);
    expect(drift.rows[0]).toMatchObject({ projectCode: 'P-1002', ageBucket: 'under_1d', severity: 'medium' });
    expect((await list({ category: 'reconciliation_drift', ageBucket: 'over_7d' })).total).toBe(0);
    expect((await list({ category: 'reconciliation_drift', status: 'dismissed' })).total).toBe(0);

    // scope: qs is a member of P-1002, qs2 is not (list queries apply the project policy themselves)
    expect(
      (await list({ category: 'reconciliation_drift' }, org.actors.qs)).rows.map((row) => row.id),
    ).toContain(id);
    expect(
      (await list({ category: 'reconciliation_drift' }, org.actors.qs2)).rows.map((row) => row.id),
    ).not.toContain(id);
  });
});
