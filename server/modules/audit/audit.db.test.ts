import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { childProcessEnv } from '@/server/env';
import { verifyAuditChain } from './audit-verify';
import { recordAudit } from './audit.service';

const system = { id: null, role: 'system' } as const;
let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
  for (let i = 0; i < 5; i += 1) {
    await recordAudit(testDb.db, { actor: system, action: 'test.event', entityType: 'thing', entityId: String(i), fromState: 'a', toState: 'b', changedFields: { amount: { old: '1.00', new: `${i}.00` } } });
  }
});
afterAll(async () => testDb.drop());

/** A connection as a plain application role, not a superuser. */
async function asApplicationRole<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const role = `plumbline_app_${testDb.name.slice(-8)}`;
  await testDb.db.execute(sql.raw(`CREATE ROLE ${role} LOGIN PASSWORD 'app-password' NOSUPERUSER`));
  await testDb.db.execute(sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_events TO ${role}`));
  const url = new URL(testDb.url);
  url.username = role;
  url.password = 'app-password';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
    await testDb.db.execute(sql.raw(`REVOKE ALL ON audit_events FROM ${role}`));
    await testDb.db.execute(sql.raw(`DROP ROLE ${role}`));
  }
}

describe('audit_events', () => {
  it('chains every row and verifies intact', async () => {
    const result = await verifyAuditChain(testDb.db);
    expect(result).toEqual({ ok: true, checked: 5 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the application role even with table grants', async () => {
    await asApplicationRole(async (client) => {
      await expect(client.query(`UPDATE audit_events SET comment = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(client.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    });
    const rows = await testDb.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_events WHERE comment IS NOT NULL`);
    expect(rows.rows[0]?.n).toBe(0);
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        testDb.db.transaction(async (tx) => {
          await recordAudit(tx, { actor: system, action: 'test.concurrent', entityType: 'thing', entityId: `c${i}` });
        }),
      ),
    );
    const result = await verifyAuditChain(testDb.db);
    expect(result).toEqual({ ok: true, checked: 30 });
  });

  it('names the first row a superuser altered, through `npm run audit:verify`', async () => {
    const [target] = (await testDb.db.execute<{ id: number }>(sql`SELECT id FROM audit_events ORDER BY chain_seq OFFSET 2 LIMIT 1`)).rows;
    expect(target).toBeDefined();
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
      await tx.execute(sql`UPDATE audit_events SET changed_fields = '{"amount":{"old":"1.00","new":"999999.00"}}' WHERE id = ${target!.id}`);
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    });
    const result = await verifyAuditChain(testDb.db);
    expect(result).toMatchObject({ ok: false, brokenId: target!.id });

    const run = promisify(execFile);
    const failure = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/audit-verify.ts'], {
      // a clean environment, as an operator's shell would have (vitest's own variables left out)
      env: { PATH: childProcessEnv({}).PATH ?? '', NODE_ENV: 'development', DATABASE_URL: testDb.url, LOG_LEVEL: 'silent' },
    }).then(
      (result) => ({ code: 0, stderr: `${result.stdout}${result.stderr}` }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code, JSON.stringify(failure)).toBe(1);
    expect(failure?.stderr).toContain(`audit_events.id=${target!.id}`);
  });
});
