import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, costCodes, odooConnections } from '@/db/schema';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { createSetupRecordInput, previewSetupRecordInput } from './odoo-connection.schemas';
import { saveOdooConnection } from './odoo-connection.service';
import { getOdooSetupGuide } from './odoo-setup-guide.queries';
import { createSetupRecord, distinctCostCodes, previewSetupRecord } from './odoo-setup-guide.service';

let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let connectionVersion = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey: 'setup-test-key-0001',
    db: 'northbeam',
    login: 'admin',
    password: 'admin-pw',
    seed: 'demo',
  });
  await connectAs('admin', sim.apiKey);
});
afterAll(async () => {
  await sim.stop();
  await testDb.drop();
});

async function connectAs(login: string, secret: string) {
  const saved = await saveOdooConnection(
    testDb.db,
    {
      url: sim.url,
      database: sim.db,
      login,
      authMethod: 'api_key',
      secret,
      ...(connectionVersion ? { version: connectionVersion } : {}),
    },
    org.actors.admin,
  );
  connectionVersion = saved.version;
}
const mappings = async () => (await testDb.db.select().from(odooConnections))[0]!.mappings;
const audits = (action: string) => testDb.db.select().from(auditEvents).where(eq(auditEvents.action, action));

describe('guided Odoo setup (issue 14 item 7)', () => {
  it('refuses a bad account code on its field before anything reaches Odoo, and creating without confirmation', () => {
    const bad = previewSetupRecordInput.safeParse({
      kind: 'retentionPayableAccountId',
      name: 'Retention payable',
      code: '40-100',
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.flatten().fieldErrors).toMatchObject({
      code: [expect.stringMatching(/Letters, digits and dots only/)],
    });
    const unconfirmed = createSetupRecordInput.safeParse({ kind: 'costCodePlanId', name: 'Cost codes' });
    expect(unconfirmed.error!.flatten().fieldErrors).toMatchObject({
      confirm: [expect.stringMatching(/confirm/)],
    });
  });

  it('previews without writing to Odoo, then creates exactly that, chooses it and audits both', async () => {
    const before = sim.state.search('account.account', []).length;
    const input = {
      kind: 'retentionPayableAccountId' as const,
      name: 'Retention payable (site)',
      code: '219100',
    };
    const preview = await previewSetupRecord(testDb.db, input, org.actors.admin);
    expect(preview.lines).toEqual([
      'Account 219100 Retention payable (site)',
      'Type: Current Liabilities',
      expect.stringMatching(/^Company:/),
    ]);
    expect(sim.state.search('account.account', [])).toHaveLength(before);

    const created = await createSetupRecord(testDb.db, input, org.actors.admin);
    const [account] = sim.state.read('account.account', created.ids, ['code', 'name', 'account_type']);
    expect(account).toMatchObject({
      code: '219100',
      name: 'Retention payable (site)',
      account_type: 'liability_current',
    });
    expect((await mappings()).retentionPayableAccountId).toBe(created.ids[0]);
    const [audit] = await audits('odoo.setup.create');
    expect(audit).toMatchObject({
      entityType: 'odoo_setup',
      entityId: 'retentionPayableAccountId',
      actorId: org.actors.admin.id,
    });
    expect((await audits('odoo.mappings.save')).length).toBeGreaterThan(0);

    // the same code again is refused on its field, as Odoo would refuse it
    await expect(
      previewSetupRecord(testDb.db, { ...input, name: 'Another' }, org.actors.admin),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'code' } });
    expect(sim.state.search('account.account', [])).toHaveLength(before + 1);
  });

  it('creates the cost-code plan with one account per Plumbline cost code in one call, then only the missing ones', async () => {
    const codes = await distinctCostCodes(testDb.db, org.actors.admin.organisationId);
    const created = await createSetupRecord(
      testDb.db,
      { kind: 'costCodePlanId', name: 'Plumbline cost codes' },
      org.actors.admin,
    );
    const planId = created.ids[0]!;
    expect((await mappings()).costCodePlanId).toBe(planId);
    const accounts = sim.state.read(
      'account.analytic.account',
      sim.state.search('account.analytic.account', [['plan_id', '=', planId]]),
      ['code'],
    );
    expect(accounts.map((a) => a.code).sort()).toEqual(codes.map((c) => c.code).sort());

    const [someProject] = await testDb.db.select({ projectId: costCodes.projectId }).from(costCodes).limit(1);
    await testDb.db
      .insert(costCodes)
      .values({ projectId: someProject!.projectId, code: '99-900', name: 'Site security' });
    const guide = await getOdooSetupGuide(testDb.db, org.actors.admin);
    expect(guide.costCodes.filter((c) => c.odooAccountId === null).map((c) => c.code)).toEqual(['99-900']);
    const more = await createSetupRecord(testDb.db, { kind: 'costCodeAccounts' }, org.actors.admin);
    expect(more.lines).toEqual(['Analytic account 99-900 · Site security']);
    expect(sim.state.read('account.analytic.account', more.ids, ['code', 'plan_id'])[0]).toMatchObject({
      code: '99-900',
      plan_id: [planId, expect.any(String)],
    });
    await expect(
      createSetupRecord(testDb.db, { kind: 'costCodeAccounts' }, org.actors.admin),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it("says in Odoo's words what the Plumbline user may not create, and writes nothing", async () => {
    await connectAs(sim.users.demo.login, sim.users.demo.apiKey);
    try {
      const products = sim.state.search('product.product', []).length;
      const chosen = (await mappings()).changeOrderProductId;
      await expect(
        createSetupRecord(
          testDb.db,
          { kind: 'changeOrderProductId', name: 'Change order work (new)' },
          org.actors.admin,
        ),
      ).rejects.toMatchObject({
        code: 'ODOO_UNAVAILABLE',
        message: expect.stringMatching(/not allowed|access/i),
      });
      expect(sim.state.search('product.product', [])).toHaveLength(products);
      expect((await mappings()).changeOrderProductId).toBe(chosen);
      expect(
        await testDb.db
          .select()
          .from(auditEvents)
          .where(
            and(
              eq(auditEvents.action, 'odoo.setup.create'),
              eq(auditEvents.entityId, 'changeOrderProductId'),
            ),
          ),
      ).toEqual([]);
    } finally {
      await connectAs('admin', sim.apiKey);
    }
  });
});
