import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { workerHeartbeats } from '@/db/schema';
import { childProcessEnv } from '@/server/env';
import { requestSync } from './enqueue';
import { attemptsOf, pendingJobsOf, startSyncHarness, waitFor, type SyncHarness } from './testing/harness';
import { TEST_RECORD_TYPE } from './testing/test-partner.handler';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let testDb: TestDatabase;
let harness: SyncHarness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  harness = await startSyncHarness();
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await harness?.stop();
  await testDb?.drop();
});

type Spawned = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** A real worker process (the production entry plus the test handler), with short timings. */
async function spawnWorker(extra: Record<string, string> = {}): Promise<Spawned> {
  // `node --import tsx`, not the tsx CLI: one process, so signals reach the worker itself
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'server/sync/testing/test-worker.ts'), harness.storeFile],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childProcessEnv({
        NODE_ENV: 'test',
        DATABASE_URL: testDb.url,
        ODOO_URL: harness.sim.url,
        ODOO_DB: harness.sim.db,
        ODOO_LOGIN: harness.sim.login,
        ODOO_API_KEY: harness.sim.apiKey,
        ODOO_PASSWORD: undefined,
        WORKER_CONCURRENCY: '1',
        WORKER_POLL_INTERVAL_MS: '200',
        WORKER_HEARTBEAT_INTERVAL_MS: '300',
        WORKER_SWEEP_INTERVAL_MS: '500',
        WORKER_STALE_AFTER_MS: '2000',
        SYNC_RETRY_BASE_MS: '50',
        SYNC_CRASH_AT: undefined,
        ...extra,
      }),
    },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(
    () => output,
    (text) => text.includes('[worker] ready') || child.exitCode !== null,
    30_000,
    'worker start',
  );
  if (!output.includes('[worker] ready')) throw new Error(`worker did not start:\n${output}`);
  return { child, output: () => output, exited };
}

async function request(recordId: string) {
  await testDb.db.transaction((tx) => requestSync(tx, { recordType: TEST_RECORD_TYPE, recordId }));
}

async function lockedBy(recordId: string): Promise<string | null> {
  const result = await testDb.db.execute<{ claimed_by: string | null }>(
    sql`SELECT claimed_by FROM sync_requests WHERE record_type = ${TEST_RECORD_TYPE} AND record_id = ${recordId}::uuid`,
  );
  return result.rows[0]?.claimed_by ?? null;
}

describe('sync worker processes', () => {
  it('recovers a job whose worker was SIGKILLed between the Odoo call and its commit: one Odoo record, synced', async () => {
    const { id, reference } = harness.newRecord();
    const doomed = await spawnWorker({ SYNC_CRASH_AT: 'after_odoo_call' });
    await request(id);
    const death = await doomed.exited;
    expect(death.signal, doomed.output()).toBe('SIGKILL');
    // Odoo has the partner; Plumbline recorded nothing and the job is still locked by the dead worker
    expect(harness.partnersWithRef(reference)).toBe(1);
    expect(await attemptsOf(testDb.db, id)).toHaveLength(0);
    expect(await harness.committedEffectsOf(testDb.db, id)).toBe(0);
    expect(await lockedBy(id)).not.toBeNull();

    const rescuer = await spawnWorker();
    await waitFor(
      () => harness.statusOf(testDb.db, id),
      (status) => status === 'synced',
      30_000,
      'synced after recovery',
    );
    expect(harness.partnersWithRef(reference)).toBe(1);
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => [a.outcome, a.operation])).toEqual([['success', 'adopt existing partner']]);
    expect(attempts[0]!.attemptNumber).toBe(2); // the killed run counts

    rescuer.child.kill('SIGTERM');
    expect((await rescuer.exited).code).toBe(0);
  }, 90_000);

  it.each([
    ['after_claim', 0],
    ['after_odoo_search', 0],
    ['mid_commit', 1],
    ['after_commit', 1],
  ] as const)(
    'recovers from a SIGKILL at %s: one Odoo record once a rescuer has run, synced',
    async (point, partnersAtDeath) => {
      const { id, reference } = harness.newRecord();
      const doomed = await spawnWorker({ SYNC_CRASH_AT: point });
      await request(id);
      const death = await doomed.exited;
      expect(death.signal, doomed.output()).toBe('SIGKILL');
      expect(harness.partnersWithRef(reference)).toBe(partnersAtDeath);
      // committed before the kill only at after_commit; mid_commit's transaction died with the process,
      // taking the handler's effect (a domain write) with the attempt row: neither is left
      expect((await attemptsOf(testDb.db, id)).length).toBe(point === 'after_commit' ? 1 : 0);
      expect(await harness.committedEffectsOf(testDb.db, id)).toBe(point === 'after_commit' ? 1 : 0);

      const rescuer = await spawnWorker();
      // after_commit: the attempt and the end of the request committed together, so nothing is left to re-run
      await waitFor(
        async () => (await attemptsOf(testDb.db, id)).filter((a) => a.outcome === 'success').length,
        (n) => n >= 1,
        30_000,
        'rescued',
      );
      await waitFor(
        () => harness.statusOf(testDb.db, id),
        (status) => status === 'synced',
        30_000,
        'synced after recovery',
      );
      expect(harness.partnersWithRef(reference)).toBe(1);
      expect(await pendingJobsOf(testDb.db, id)).toBe(0);
      expect((await attemptsOf(testDb.db, id)).filter((a) => a.outcome === 'success')).toHaveLength(1);
      expect(await harness.committedEffectsOf(testDb.db, id)).toBe(1);
      rescuer.child.kill('SIGTERM');
      expect((await rescuer.exited).code).toBe(0);
    },
    90_000,
  );

  it('drains on SIGTERM: the in-flight job finishes and is recorded, exit code 0', async () => {
    const { id, reference } = harness.newRecord();
    const worker = await spawnWorker();
    harness.sim.faults.add({
      model: 'res.partner',
      method: 'create',
      kind: 'delay',
      delayMs: 1_500,
      times: 1,
    });
    await request(id);
    await waitFor(
      () => lockedBy(id),
      (owner) => owner !== null,
      20_000,
      'job taken',
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the slow create is now in flight
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code, worker.output()).toBe(0);
    const attempts = await attemptsOf(testDb.db, id);
    expect(attempts.map((a) => a.outcome)).toEqual(['success']);
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(await harness.statusOf(testDb.db, id)).toBe('synced');
    expect(harness.partnersWithRef(reference)).toBe(1);
    const beats = await testDb.db.select().from(workerHeartbeats);
    expect(beats.filter((beat) => beat.processId.endsWith(`:${worker.child.pid}`))).toEqual([]);
  }, 60_000);
});
