import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, odooConnections, projects } from '@/db/schema';
import { setProcessEnv } from '@/server/env';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { resolveOdooConfig } from './odoo-config';
import { listMappingOptions } from './odoo-connection.queries';
import { saveOdooConnection, saveOdooMappings, testOdooConnection } from './odoo-connection.service';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: 'conn-test-key-0001',
    db: 'northbeam',
    login: 'admin',
    password: 'admin-pw',
    seed: 'demo',
  });
});
afterAll(async () => {
  await sim.stop();
  await testDb.drop();
});

const base = () => ({ url: sim.url, database: sim.db, login: 'admin', authMethod: 'api_key' as const });

describe('the stored Odoo connection', () => {
  it('encrypts the secret, keeps it when an update leaves it out, and resolves it decrypted', async () => {
    const first = await saveOdooConnection(
      testDb.db,
      { ...base(), secret: 'conn-test-key-0001' },
      org.actors.admin,
    );
    expect(first).toEqual({ id: expect.any(String), version: 1, secretSet: true, secretLast4: '0001' });
    const second = await saveOdooConnection(
      testDb.db,
      { ...base(), login: 'admin', database: sim.db, version: 1 },
      org.actors.admin,
    );
    expect(second.secretLast4).toBe('0001');
    const config = await resolveOdooConfig(testDb.db);
    expect(config).toMatchObject({ source: 'stored', apiKey: 'conn-test-key-0001', url: sim.url });
    await expect(
      saveOdooConnection(testDb.db, { ...base(), version: 1 }, org.actors.admin),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('reports version, transport, user and company, and stores the result', async () => {
    const result = await testOdooConnection(testDb.db, org.actors.admin);
    expect(result).toMatchObject({
      ok: true,
      transport: 'json2',
      company: { name: 'Northbeam Construction Ltd' },
    });
    const [row] = await testDb.db.select().from(odooConnections);
    expect(row).toMatchObject({ lastTestOk: true, detectedTransport: 'json2' });
    expect(result.missingAccess).toEqual([]);
  });

  it('lists, in Odoo-admin words, every access right the sync needs that Odoo refuses (a fresh admin without Analytic Accounting)', async () => {
    sim.state.deniedAccess.add('account.analytic.plan:read');
    sim.state.deniedAccess.add('account.analytic.account:read');
    sim.state.deniedAccess.add('sale.order.line:create');
    try {
      const result = await testOdooConnection(testDb.db, org.actors.admin);
      expect(result.ok).toBe(false);
      expect(result.missingAccess).toEqual([
        'Grant Settings → Accounting → Analytics: enable "Analytic Accounting" — needed to read analytic plans (cost codes); read analytic accounts (projects, cost codes).',
        'Grant Sales: User: All Documents — needed to add change-order lines to sale orders.',
      ]);
      expect(result.message).toMatch(/lacks access rights the sync needs/);
      const [row] = await testDb.db.select().from(odooConnections);
      expect(row).toMatchObject({ lastTestOk: false });
      expect(row!.lastTestMessage).toContain('Analytic Accounting');
      // and a project currency Odoo has switched off
      const gbp = sim.state.search('res.currency', [['name', '=', 'GBP']])[0]!;
      sim.state.write('res.currency', gbp, { active: false });
      try {
        const again = await testOdooConnection(testDb.db, org.actors.admin);
        expect(again.missingAccess).toContain(
          'Activate the currency GBP in Odoo (Accounting → Configuration → Currencies) — Plumbline projects are kept in GBP.',
        );
      } finally {
        sim.state.write('res.currency', gbp, { active: true });
      }
    } finally {
      sim.state.deniedAccess.clear();
    }
  });

  it.each([
    // a new address or database needs the key again (issue 20), so these cases re-enter it
    [
      'a wrong database',
      { database: 'nope', secret: 'conn-test-key-0001' },
      /database name \("nope"\)|no database named "nope"/,
    ],
    ['a wrong key', { secret: 'not-the-key' }, /rejected the login or API key/],
    ['an unreachable server', { url: 'http://127.0.0.1:9', secret: 'conn-test-key-0001' }, /unreachable/],
  ])('explains %s in plain words', async (_label, change, expected) => {
    const [row] = await testDb.db.select().from(odooConnections);
    await saveOdooConnection(testDb.db, { ...base(), ...change, version: row!.version }, org.actors.admin);
    const result = await testOdooConnection(testDb.db, org.actors.admin);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(expected);
    const [after] = await testDb.db.select().from(odooConnections);
    await saveOdooConnection(
      testDb.db,
      { ...base(), secret: 'conn-test-key-0001', version: after!.version },
      org.actors.admin,
    );
  });

  it('lists mapping options from Odoo and saves the chosen ids, audited', async () => {
    const options = await listMappingOptions(testDb.db, org.actors.admin);
    const payable = options.accounts.find((a) => a.label.startsWith('216000'))!;
    const plan = options.plans.find((p) => p.label === 'Cost codes')!;
    expect(options.purchaseJournals.length).toBeGreaterThan(0);
    await saveOdooMappings(
      testDb.db,
      { retentionPayableAccountId: payable.id, costCodePlanId: plan.id },
      org.actors.admin,
    );
    const [row] = await testDb.db.select().from(odooConnections);
    expect(row!.mappings).toEqual({ retentionPayableAccountId: payable.id, costCodePlanId: plan.id });
    const audits = await testDb.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'odoo.mappings.save'));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.changedFields).toMatchObject({ costCodePlanId: { old: null, new: plan.id } });
  });

  it("lists only the journals and accounts of the projects' Odoo company; two companies' journals are told apart", async () => {
    // a second company with its own, identically named, purchase journal and account
    const other = sim.state.create('res.company', { name: 'My US Company', currency_id: 2 });
    const otherJournal = sim.state.create('account.journal', {
      name: 'Vendor Bills',
      code: 'BILL',
      type: 'purchase',
      company_id: other,
    });
    const otherAccount = sim.state.create('account.account', {
      name: 'Retention payable',
      code: '216000',
      account_type: 'liability_current',
      company_ids: [other],
    });
    const everything = await listMappingOptions(testDb.db, org.actors.admin);
    expect(everything.purchaseJournals.map((j) => j.id)).toContain(otherJournal);
    expect(everything.purchaseJournals.find((j) => j.id === otherJournal)!.label).toMatch(/My US Company/);

    const [project] = await testDb.db.select().from(projects).limit(1);
    await testDb.db.update(projects).set({ odooCompanyId: 1 }).where(eq(projects.id, project!.id));
    const filtered = await listMappingOptions(testDb.db, org.actors.admin);
    expect(filtered.purchaseJournals.map((j) => j.id)).not.toContain(otherJournal);
    expect(filtered.accounts.map((a) => a.id)).not.toContain(otherAccount);
    expect(filtered.purchaseJournals.length).toBeGreaterThan(0);
    expect(filtered.purchaseJournals.every((j) => !/·/.test(j.label))).toBe(true);
  });

  it('lets the environment win over the stored connection', async () => {
    setProcessEnv({
      ODOO_URL: 'http://odoo.from-env.example',
      ODOO_DB: 'envdb',
      ODOO_LOGIN: 'bot',
      ODOO_API_KEY: 'env-key',
    });
    try {
      expect(await resolveOdooConfig(testDb.db)).toMatchObject({
        source: 'environment',
        url: 'http://odoo.from-env.example',
        apiKey: 'env-key',
      });
    } finally {
      setProcessEnv({ ODOO_URL: '', ODOO_DB: '', ODOO_LOGIN: '', ODOO_API_KEY: '' });
    }
    expect(await resolveOdooConfig(testDb.db)).toMatchObject({ source: 'stored' });
  });
});
