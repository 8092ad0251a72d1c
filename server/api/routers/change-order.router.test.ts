import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costCodes } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';

let testDb: TestDatabase;
let org: SeededOrg;
let foreignCoId: string;

async function codeOf(projectId: string) {
  const [code] = await testDb.db
    .select({ id: costCodes.id })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId))
    .limit(1);
  return code!.id;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  const asPm2 = createCaller(contextFor(testDb.db, org.actors.pm2));
  const p3 = org.projectIds['P-1003']!;
  const created = await asPm2.changeOrders.create({
    projectId: p3,
    kind: 'client',
    title: 'Yard lighting',
    reason: 'client_instruction',
    lines: [
      {
        costCodeId: await codeOf(p3),
        description: 'Columns',
        quantity: '6',
        unit: 'nr',
        unitCost: '900.00',
        sellAmount: '1100.00',
      },
    ],
  });
  foreignCoId = created.id;
  const asPm = createCaller(contextFor(testDb.db, org.actors.pm));
  const p1 = org.projectIds['P-1001']!;
  await asPm.changeOrders.create({
    projectId: p1,
    kind: 'client',
    title: 'Lobby feature wall',
    reason: 'design_change',
    lines: [
      {
        costCodeId: await codeOf(p1),
        description: 'Oak slats',
        quantity: '1',
        unit: 'item',
        unitCost: '4200.00',
        sellAmount: '5000.00',
      },
    ],
  });
});
afterAll(async () => testDb.drop());

describe('changeOrders router', () => {
  it('lists only the projects a QS is a member of; finance sees all', async () => {
    const qsList = await createCaller(contextFor(testDb.db, org.actors.qs)).changeOrders.list({
      page: 0,
      pageSize: 25,
      filters: {},
    });
    expect(qsList.rows.map((row) => row.projectCode)).toEqual(['P-1001']);
    const financeList = await createCaller(contextFor(testDb.db, org.actors.finance)).changeOrders.list({
      page: 0,
      pageSize: 25,
      filters: {},
    });
    expect(financeList.rows.map((row) => row.projectCode).sort()).toEqual(['P-1001', 'P-1003']);
    expect(financeList.total).toBe(2);
  });

  it("answers NOT_FOUND, with no data, for another project's change order", async () => {
    const error = await createCaller(contextFor(testDb.db, org.actors.qs))
      .changeOrders.get({ changeOrderId: foreignCoId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('NOT_FOUND');
    expect(JSON.stringify(error)).not.toContain('Yard lighting');
    const approve = await createCaller(contextFor(testDb.db, org.actors.qs))
      .changeOrders.approve({ changeOrderId: foreignCoId, version: 1 })
      .catch((e: unknown) => e);
    expect((approve as TRPCError).code).toBe('NOT_FOUND');
  });

  it('refuses over-precise and malformed money with a clear message', async () => {
    const p1 = org.projectIds['P-1001']!;
    const error = await createCaller(contextFor(testDb.db, org.actors.pm))
      .changeOrders.create({
        projectId: p1,
        kind: 'client',
        title: 'x',
        reason: 'other',
        lines: [
          {
            costCodeId: await codeOf(p1),
            description: 'x',
            quantity: '1',
            unit: 'nr',
            unitCost: '10.005',
            sellAmount: '12.00',
          },
        ],
      })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toContain('at most two decimals');
  });

  it('previews totals exactly as the service stores them', async () => {
    const p1 = org.projectIds['P-1001']!;
    const preview = await createCaller(contextFor(testDb.db, org.actors.pm)).changeOrders.preview({
      kind: 'client',
      lines: [
        {
          costCodeId: await codeOf(p1),
          description: 'a',
          quantity: '12.375',
          unit: 'm3',
          unitCost: '88.40',
          sellAmount: '1200.00',
        },
        {
          costCodeId: await codeOf(p1),
          description: 'b',
          quantity: '3',
          unit: 'nr',
          unitCost: '0.33',
          sellAmount: '1.00',
        },
      ],
    });
    expect(preview.costTotal).toBe('1094.94');
    expect(preview.sellTotal).toBe('1201.00');
  });
});
