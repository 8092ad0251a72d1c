import { Writable } from 'node:stream';
import { eq, inArray, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, odooConnections, partners, pullRuns, subcontracts } from '@/db/schema';
import { appRouter, createCaller } from '@/server/api/root';
import { hasPermission } from '@/server/auth/permissions';
import { roles } from '@/server/auth/roles';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';
import { runPull } from '@/server/modules/pull/pull.service';
import {
  contextFor,
  contextWithFreshMfa,
  seedTestOrganisation,
  type SeededOrg,
} from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';

const CANARY = 'canary-odoo-key-7f3a9c';
const BANK_NUMBER = '40-12-76 31926819';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let logged = '';
const previousLogger = (globalThis as { plumblineLogger?: pino.Logger }).plumblineLogger;

beforeAll(async () => {
  // every log line of this file, at every level and without redaction: the canary must not reach it at all
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => ((logged += chunk.toString('utf8')), done()),
  });
  (globalThis as { plumblineLogger?: pino.Logger }).plumblineLogger = pino({ level: 'trace' }, sink);
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: CANARY,
    db: 'northbeam',
    login: 'admin',
    password: 'admin-pw',
    seed: 'demo',
  });
});
afterAll(async () => {
  (globalThis as { plumblineLogger?: pino.Logger }).plumblineLogger = previousLogger;
  await sim.stop();
  await testDb.drop();
});

/** Every procedure of the app router (as the permission-matrix test walks it). */
function listProcedures(): { path: string; type: string }[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, type: procedure._def.type }));
}

const callerFor = (role: keyof SeededOrg['actors']) => createCaller(contextFor(testDb.db, org.actors[role]));

async function callByPath(
  caller: ReturnType<typeof createCaller>,
  path: string,
  input: unknown,
): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

/** The response, or everything an error carries (message, cause chain, own properties). */
async function everythingFrom(promise: Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await promise) ?? '';
  } catch (error) {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current && depth < 5; depth++) {
      parts.push(String(current), JSON.stringify(current, Object.getOwnPropertyNames(current)));
      current = (current as { cause?: unknown }).cause;
    }
    return parts.join('\n');
  }
}

describe('the Odoo secret never leaves the server', () => {
  it('saves a connection with the canary key, tests it and pulls through it', async () => {
    const admin = createCaller(await contextWithFreshMfa(testDb.db, org.actors.admin));
    const saved = await admin.odoo.saveConnection({
      url: sim.url,
      database: sim.db,
      login: 'admin',
      authMethod: 'api_key',
      secret: CANARY,
    });
    expect(JSON.stringify(saved)).not.toContain(CANARY);
    expect(saved).toMatchObject({ secretSet: true, secretLast4: CANARY.slice(-4) });
    const [row] = await testDb.db.select().from(odooConnections);
    expect(JSON.stringify(row)).not.toContain(CANARY);
    const [audit] = await testDb.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'odoo.connection.save'));
    expect(audit!.changedFields).toMatchObject({ secret: { new: '[secret changed]' } });

    const tested = await admin.odoo.testConnection();
    expect(tested).toMatchObject({ ok: true, transport: 'json2', version: expect.stringMatching(/^19/) });

    const configured = await createConfiguredOdooClient(testDb.db);
    const summary = await runPull(testDb.db, configured!.client, {
      trigger: 'manual',
      actor: org.actors.finance,
    });
    expect(summary).toMatchObject({ status: 'succeeded' });
    // and a failing pull: Odoo answers with errors that name the request
    sim.faults.add({ model: 'purchase.order', kind: 'expired_key' });
    await runPull(testDb.db, configured!.client, { trigger: 'manual', actor: org.actors.finance });
    sim.faults.clear();
    // a key Odoo rejects, tested and used for the mapping options
    sim.faults.add({ kind: 'expired_key' });
    expect(await admin.odoo.testConnection()).toMatchObject({
      ok: false,
      message: expect.stringMatching(/rejected the login or API key/),
    });
    await expect(admin.odoo.mappingOptions()).rejects.toThrow(/rejected/);
    sim.faults.clear();

    const [vendor] = await testDb.db.select().from(partners).where(eq(partners.isVendor, true)).limit(1);
    await createCaller(
      await contextWithFreshMfa(testDb.db, org.actors.finance),
    ).masterData.updateVendorCompliance({
      vendorId: vendor!.id,
      version: vendor!.version,
      insuranceExpiresOn: '2027-03-31',
      licenceExpiresOn: null,
      bankAccountName: 'Keystone Groundworks',
      bankAccountNumber: BANK_NUMBER,
    });
    // dual control: an executive confirms both requests (bank details after a fresh code)
    const exec = createCaller(await contextWithFreshMfa(testDb.db, org.actors.exec));
    for (const change of await exec.pendingChanges.list({ status: 'pending' }))
      await exec.pendingChanges.confirm({ changeId: change.id });
  });

  it('appears in no response and no error of any procedure, for any role', async () => {
    const [vendor] = await testDb.db
      .select({ id: partners.id })
      .from(partners)
      .where(eq(partners.isVendor, true))
      .limit(1);
    const [subcontract] = await testDb.db.select({ id: subcontracts.id }).from(subcontracts).limit(1);
    const [run] = await testDb.db.select({ id: pullRuns.id }).from(pullRuns).limit(1);
    const plausible: Record<string, unknown> = {
      vendorId: vendor!.id,
      subcontractId: subcontract!.id,
      runId: run!.id,
      projectId: org.projectIds['P-1001'],
    };
    const procedures = listProcedures();
    expect(procedures.some((p) => p.path === 'odoo.connection')).toBe(true);
    let calls = 0;
    for (const role of roles) {
      const actor = Object.values(org.actors).find((a) => a.role === role)!;
      const caller = createCaller(contextFor(testDb.db, actor));
      for (const { path, type } of procedures) {
        if (
          type === 'mutation' &&
          path !== 'odoo.testConnection' &&
          path !== 'odoo.pullNow' &&
          !path.startsWith('odoo.save')
        )
          continue;
        for (const input of [undefined, {}, plausible]) {
          const seen = await everythingFrom(callByPath(caller, path, input));
          calls += 1;
          expect(seen, `${role} → ${path}`).not.toContain(CANARY);
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
  });

  it('is in no log line and no table of the database', async () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(CANARY);
    for (const table of ['audit_events', 'odoo_connections', 'pull_runs', 'pull_run_records', 'exceptions']) {
      const rows = await testDb.db.execute<{ t: string | null }>(
        sql`SELECT string_agg(row_to_json(x)::text, ' ') AS t FROM ${sql.identifier(table)} x`,
      );
      expect(rows.rows[0]?.t ?? '', table).not.toContain(CANARY);
    }
  });
});

describe('bank details', () => {
  it('are in the vendor response for finance only, and in no list', async () => {
    const [vendor] = await testDb.db
      .select({ id: partners.id })
      .from(partners)
      .where(eq(partners.bankAccountNumber, BANK_NUMBER));
    expect(vendor).toBeDefined();
    for (const role of ['finance', 'qs', 'pm', 'exec'] as const) {
      const caller = callerFor(role);
      const detail = await caller.masterData.vendor({ vendorId: vendor!.id });
      const list = await caller.masterData.vendors({ search: 'Keystone' } as never);
      expect(JSON.stringify(list), role).not.toContain(BANK_NUMBER);
      if (hasPermission(org.actors[role].role, 'vendor.read_bank')) {
        expect(detail).toMatchObject({ bank: { accountNumber: BANK_NUMBER } });
      } else {
        expect(Object.keys(detail), role).not.toContain('bank');
        expect(Object.keys(detail), role).not.toContain('bankAccountNumber');
        expect(JSON.stringify(detail), role).not.toContain(BANK_NUMBER);
      }
    }
    const audit = await testDb.db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.action, ['change.request', 'vendor.bank_change']));
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(BANK_NUMBER);
  });

  it('cannot be changed by a role without bank access', async () => {
    const [vendor] = await testDb.db
      .select()
      .from(partners)
      .where(eq(partners.bankAccountNumber, BANK_NUMBER));
    await expect(
      callerFor('pm').masterData.updateVendorCompliance({
        vendorId: vendor!.id,
        version: vendor!.version,
        insuranceExpiresOn: null,
        licenceExpiresOn: null,
        bankAccountNumber: '1',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
