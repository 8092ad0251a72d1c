import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { exceptions, syncAttempts } from '@/db/schema';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { pendingSyncRequests } from '../enqueue';
import { registerSyncHandler } from '../registry';
import {
  committedStatus,
  createJsonRecordStore,
  createTestPartnerHandler,
  TEST_RECORD_TYPE,
  type TestPartnerRecord,
  type TestRecordStore,
} from './test-partner.handler';
import type { SyncStatus } from '../registry';

/** Shared set-up of the sync tests: an in-process Odoo simulator and the JSON-backed test handler. */
export type SyncHarness = {
  sim: OdooSim;
  odoo: OdooClient;
  store: TestRecordStore;
  storeFile: string;
  newRecord(overrides?: Partial<TestPartnerRecord>): { id: string; reference: string };
  partnersWithRef(reference: string): number;
  /** The record's sync status as committed in `db` (never one a rolled-back or open transaction set). */
  statusOf(db: Db, id: string): Promise<SyncStatus | undefined>;
  /** How many runs of the record's sync effect committed (a killed or rolled-back transaction's do not count). */
  committedEffectsOf(db: Db, id: string): Promise<number>;
  stop(): Promise<void>;
};

export async function startSyncHarness(): Promise<SyncHarness> {
  const apiKey = `sim-test-${randomBytes(6).toString('hex')}`;
  const sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'sync_test',
    login: 'admin',
    password: 'admin',
    seed: 'empty',
  });
  const odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 5_000 });
  const storeFile = path.join(mkdtempSync(path.join(tmpdir(), 'plumbline-sync-')), 'records.json');
  const store = createJsonRecordStore(storeFile);
  registerSyncHandler(createTestPartnerHandler(store));
  return {
    sim,
    odoo,
    store,
    storeFile,
    newRecord(overrides = {}) {
      const id = randomUUID();
      const reference = `TP-${id.slice(0, 8).toUpperCase()}`;
      store.put(id, {
        name: `Partner ${reference}`,
        reference,
        projectId: null,
        amountAtStake: '1500.00',
        syncStatus: 'not_required',
        ...overrides,
      });
      return { id, reference };
    },
    partnersWithRef: (reference) => sim.state.search('res.partner', [['ref', '=', reference]]).length,
    statusOf: async (db, id) => {
      const record = store.get(id);
      return record ? committedStatus(db, record) : undefined;
    },
    committedEffectsOf: async (db, id) => {
      let committed = 0;
      for (const entry of store.get(id)?.effectLog ?? []) {
        const result = await db.execute<{ status: string | null }>(
          sql`SELECT txid_status(${entry.txid}::bigint) AS status`,
        );
        if (result.rows[0]?.status === 'committed') committed += 1;
      }
      return committed;
    },
    stop: async () => {
      await sim.stop();
      rmSync(path.dirname(storeFile), { recursive: true, force: true });
    },
  };
}

export async function attemptsOf(db: Db, recordId: string) {
  return db
    .select()
    .from(syncAttempts)
    .where(and(eq(syncAttempts.recordType, TEST_RECORD_TYPE), eq(syncAttempts.recordId, recordId)))
    .orderBy(asc(syncAttempts.id));
}

export async function openExceptionsOf(db: Db, recordId: string) {
  return db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.recordId, recordId), eq(exceptions.status, 'open')));
}

export async function pendingJobsOf(db: Db, recordId: string): Promise<number> {
  return pendingSyncRequests(db, TEST_RECORD_TYPE, recordId);
}

export async function waitFor<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}
