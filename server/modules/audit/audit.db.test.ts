import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { childProcessEnv } from '@/server/env';
import { anchorAuditHead, anchorFile, readAuditAnchor } from './audit-anchor';
import {
  auditDigest,
  auditKey,
  canonicalAuditString,
  eventContentColumns,
  sealAllAuditEvents,
  sealAuditEvents,
  type AuditEventContent,
} from './audit-chain';
import { verifyAuditChain } from './audit-verify';
import { recordAudit } from './audit.service';

const system = { id: null, role: 'system' } as const;
const key = auditKey();
const run = promisify(execFile);

async function writeEvents(db: Db, count: number, prefix = 'e'): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await recordAudit(db, {
      actor: system,
      action: 'test.event',
      entityType: 'thing',
      entityId: `${prefix}${i}`,
      fromState: 'a',
      toState: 'b',
      changedFields: { amount: { old: '1.00', new: `${i}.00` } },
      comment: i === 1 ? 'with | a pipe and \\N' : null,
      correlationId: i === 2 ? '6F1C2B5E-0000-4000-8000-00000000000A' : null,
    });
  }
  await sealAllAuditEvents(db);
}

/** `npm run audit:verify` against a database, in a clean environment as an operator's shell would have. */
async function auditVerifyScript(url: string, dataDir: string): Promise<{ code: number; output: string }> {
  return run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/audit-verify.ts'], {
    env: {
      PATH: childProcessEnv({}).PATH ?? '',
      NODE_ENV: 'development',
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
  }).then(
    (result) => ({ code: 0, output: `${result.stdout}${result.stderr}` }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: `${error.stdout}${error.stderr}`,
    }),
  );
}

/**
 * What a database owner with superuser rights can do without the application: triggers off
 * (session_replication_role = replica), an event rewritten, and every later seal's hash and link
 * recomputed with the published algorithm, so the unkeyed chain is perfect again. Only the key is
 * missing.
 */
async function rewriteWithRecomputedHashes(db: Db, chainSeq: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    const [target] = (
      await tx.execute<{ id: number }>(
        sql`SELECT event_id AS id FROM audit_seals WHERE chain_seq = ${chainSeq}`,
      )
    ).rows;
    await tx.execute(
      sql`UPDATE audit_events SET changed_fields = '{"amount":{"old":"1.00","new":"999999.00"}}' WHERE id = ${target!.id}`,
    );
    const seals = await tx.execute<AuditEventContent & { chainSeq: string; prevHash: string }>(sql`
      SELECT s.chain_seq::text AS "chainSeq", s.prev_hash AS "prevHash", ${eventContentColumns}
      FROM audit_seals s JOIN audit_events e ON e.id = s.event_id WHERE s.chain_seq >= ${chainSeq} ORDER BY s.chain_seq`);
    let previous =
      (
        await tx.execute<{ hash: string }>(
          sql`SELECT hash FROM audit_seals WHERE chain_seq = ${chainSeq - 1}`,
        )
      ).rows[0]?.hash ?? 'GENESIS';
    for (const seal of seals.rows) {
      const hash = auditDigest(canonicalAuditString({ ...seal, prevHash: previous }));
      await tx.execute(
        sql`UPDATE audit_seals SET prev_hash = ${previous}, hash = ${hash} WHERE chain_seq = ${seal.chainSeq}::bigint`,
      );
      previous = hash;
    }
    return Number(target!.id);
  });
}

describe('audit_events: keyed chain', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    await writeEvents(testDb.db, 5);
  });
  afterAll(async () => testDb.drop());

  it('seals every event in application code, after commit, and verifies intact', async () => {
    const result = await verifyAuditChain(testDb.db, { key });
    expect(result).toEqual({
      ok: true,
      checked: 5,
      sealed: 5,
      unsealed: 0,
      pending: 0,
      anchor: { status: 'none' },
    });
    const macs = await testDb.db.execute<{ n: number }>(
      sql`SELECT count(DISTINCT mac)::int AS n FROM audit_seals WHERE mac ~ '^[0-9a-f]{64}$'`,
    );
    expect(macs.rows[0]?.n).toBe(5);
    // an event of a transaction still open is not sealed until it commits
    await testDb.db.transaction(async (tx) => {
      await recordAudit(tx, { actor: system, action: 'test.open', entityType: 'thing', entityId: 'open' });
      expect(await sealAuditEvents(testDb.db)).toBe(0);
    });
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({ ok: true, checked: 5, pending: 1 });
    expect(await sealAuditEvents(testDb.db)).toBe(1);
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({ ok: true, checked: 6, pending: 0 });
  });

  it('fails every seal under another key', async () => {
    const result = await verifyAuditChain(testDb.db, {
      key: Buffer.from('another-key-another-key-another-key'),
    });
    expect(result).toMatchObject({ ok: false, chainSeq: 1, reason: expect.stringMatching(/keyed seal/) });
  });

  it('keeps one unbroken chain with concurrent writers and two sealers at once', async () => {
    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) =>
        testDb.db.transaction(async (tx) => {
          await recordAudit(tx, {
            actor: system,
            action: 'test.concurrent',
            entityType: 'thing',
            entityId: `c${i}`,
          });
        }),
      ),
      sealAuditEvents(testDb.db, { limit: 3 }),
      sealAuditEvents(testDb.db, { limit: 3 }),
    ]);
    await Promise.all([sealAllAuditEvents(testDb.db), sealAllAuditEvents(testDb.db)]);
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({
      ok: true,
      checked: 31,
      sealed: 31,
      pending: 0,
    });
  });

  it('names an event written outside the application (not queued for sealing)', async () => {
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(
        sql`INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('forged', 'thing', 'x')`,
      );
    });
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/neither sealed nor queued/),
    });
  });
});

describe('audit_events: the runtime role', () => {
  let testDb: TestDatabase;
  let app: pg.Client;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    await writeEvents(testDb.db, 3);
    app = new pg.Client({ connectionString: testDb.runtimeUrl });
    await app.connect();
  });
  afterAll(async () => {
    await app.end();
    await testDb.drop();
  });

  it('holds only SELECT and INSERT on the trail', async () => {
    const grants = await app.query<{ table_name: string; privilege_type: string }>(
      `SELECT table_name, privilege_type FROM information_schema.table_privileges
       WHERE grantee = current_user AND table_name IN ('audit_events', 'audit_seals') ORDER BY 1, 2`,
    );
    expect(grants.rows.map((g) => `${g.table_name}:${g.privilege_type}`)).toEqual([
      'audit_events:INSERT',
      'audit_events:SELECT',
      'audit_seals:INSERT',
      'audit_seals:SELECT',
    ]);
  });

  it('is no superuser and owns nothing', async () => {
    const me = await app.query<{ rolsuper: boolean; owned: number }>(
      `SELECT rolsuper, (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned FROM pg_roles r WHERE rolname = current_user`,
    );
    expect(me.rows[0]).toEqual({ rolsuper: false, owned: 0 });
  });

  it('appends and seals as the application role', async () => {
    const appDb = createDb(testDb.runtimeUrl, { max: 2 });
    try {
      await recordAudit(appDb, {
        actor: system,
        action: 'test.as-app',
        entityType: 'thing',
        entityId: 'app',
      });
      expect(await sealAllAuditEvents(appDb)).toBe(1);
    } finally {
      await appDb.$client.end();
    }
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({ ok: true, checked: 4, sealed: 4 });
  });

  it('cannot rewrite, delete, truncate, switch triggers off or replace the digest', async () => {
    const refused = async (statement: string) => {
      await app.query('BEGIN');
      try {
        await app.query(statement);
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await app.query('ROLLBACK');
      }
    };
    // 42501 insufficient_privilege: not even reaching the append-only trigger
    expect(await refused(`UPDATE audit_events SET comment = 'tampered'`)).toBe('42501');
    expect(await refused(`UPDATE audit_seals SET mac = 'x'`)).toBe('42501');
    expect(await refused(`DELETE FROM audit_seals`)).toBe('42501');
    expect(await refused(`DELETE FROM audit_events`)).toBe('42501');
    expect(await refused(`TRUNCATE audit_events`)).toBe('42501');
    expect(await refused(`SET session_replication_role = replica`)).toBe('42501');
    expect(await refused(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`)).toBe('42501');
    expect(await refused(`DROP TRIGGER audit_events_queue_seal ON audit_events`)).toBe('42501');
    expect(
      await refused(
        `CREATE OR REPLACE FUNCTION audit_events_queue_seal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      ),
    ).toBe('42501');
    expect(await refused(`CREATE ROLE sneaky SUPERUSER`)).toBe('42501');
    const rows = await testDb.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_events WHERE comment = 'tampered'`,
    );
    expect(rows.rows[0]?.n).toBe(0);
  });

  it('reads and writes the application tables and the job queue', async () => {
    const tables = await app.query<{ table_name: string }>(`
      SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname IN ('public', 'graphile_worker')
        AND NOT has_table_privilege(current_user, c.oid, 'SELECT, INSERT')
      ORDER BY 1`);
    // the only exceptions: a transaction's cost deltas until its commit, the owner's functions' alone
    // (db/runtime-role.ts; cost-totals.db.test.ts tries every way in)
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      'cost_totals_deferred',
      'cost_totals_deferred_tx',
    ]);
    // graphile-worker's tables have row-level security: the role's own policy lets it queue and see jobs
    await app.query(`SELECT graphile_worker.add_job('runtime_role_probe', '{}'::json)`);
    const jobs = await app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'runtime_role_probe'`,
    );
    expect(jobs.rows[0]?.n).toBe(1);
  });
});

describe('audit_events: what the database owner cannot hide', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-anchor-'));
    await writeEvents(testDb.db, 8);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await testDb.drop();
  });

  it('names an event rewritten with every later hash recomputed (in code and through `npm run audit:verify`)', async () => {
    const target = await rewriteWithRecomputedHashes(testDb.db, 3);
    // every hash and link agrees again (the hash check passes; only the keyed seal fails)
    const result = await verifyAuditChain(testDb.db, { key });
    expect(result).toMatchObject({
      ok: false,
      brokenId: target,
      chainSeq: 3,
      reason: expect.stringMatching(/keyed seal does not match/),
    });

    const script = await auditVerifyScript(testDb.url, dataDir);
    expect(script.code, script.output).toBe(1);
    expect(script.output).toContain(`audit_events.id=${target}`);
  });
});

describe('audit_events: deletion and truncation against the anchor', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-anchor-'));
    await writeEvents(testDb.db, 6);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await testDb.drop();
  });

  it('anchors the head outside the database, only when it moves', async () => {
    expect(await anchorAuditHead(testDb.db, { dataDir })).toMatchObject({
      status: 'anchored',
      anchor: { chainSeq: 6 },
    });
    expect(await anchorAuditHead(testDb.db, { dataDir })).toEqual({ status: 'unchanged' });
    const script = await auditVerifyScript(testDb.url, dataDir);
    expect(script.code, script.output).toBe(0);
    expect(script.output).toMatch(/6 events verified \(6 sealed\)/);
    expect(script.output).toMatch(/position 6 .* present and unchanged/);
  });

  it('names the deletion of the newest rows, and the anchor does not move back', async () => {
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(
        sql`DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_seals WHERE chain_seq > 4)`,
      );
      await tx.execute(sql`DELETE FROM audit_seals WHERE chain_seq > 4`);
    });
    const file = anchorFile(testDb.name, dataDir);
    const anchor = readAuditAnchor(file);
    // without the anchor the shortened chain is internally consistent
    expect(await verifyAuditChain(testDb.db, { key })).toMatchObject({ ok: true, checked: 4 });
    expect(await verifyAuditChain(testDb.db, { key, anchor })).toMatchObject({
      ok: false,
      chainSeq: 6,
      reason: expect.stringMatching(/ends at position 4 .*anchored at position 6.*newest rows deleted/),
    });
    expect(await anchorAuditHead(testDb.db, { dataDir })).toMatchObject({ status: 'regressed' });
    expect(readAuditAnchor(file)).toEqual(anchor);

    const script = await auditVerifyScript(testDb.url, dataDir);
    expect(script.code, script.output).toBe(1);
    expect(script.output).toMatch(/BROKEN at chain position 6: .*newest rows deleted/);
  });

  it('names a truncation', async () => {
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(sql`TRUNCATE audit_seals, audit_events, audit_pending`);
    });
    const anchor = readAuditAnchor(anchorFile(testDb.name, dataDir));
    expect(await verifyAuditChain(testDb.db, { key, anchor })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/empty .*truncated/),
    });
    const script = await auditVerifyScript(testDb.url, dataDir);
    expect(script.code, script.output).toBe(1);
    expect(script.output).toMatch(/truncated/);
  });
});
