import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import { hasPermission } from '@/server/auth/permissions';
import { roles } from '@/server/auth/roles';
import { contextFor } from '@/server/testing/fixtures';
import { callByPath, listProcedures, procedureSamples } from '@/server/testing/procedure-samples';
import { seedSecurityWorld, type SecurityWorld } from '@/server/testing/security-world';

/**
 * Malformed input is the caller's error (issue 20): a 400 with a field-level message, never a 500.
 * On main each of these reached PostgreSQL or a property of Object.prototype and came back as
 * INTERNAL_SERVER_ERROR.
 */
let testDb: TestDatabase;
let world: SecurityWorld;
beforeAll(async () => {
  testDb = await createTestDatabase();
  world = await seedSecurityWorld(testDb.db);
});
afterAll(async () => testDb.drop());

type Failure = { code?: string; message: string };
async function failureOf(promise: Promise<unknown>): Promise<Failure | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error as Failure;
  }
}

const actors = () => Object.values(world.org.actors);

describe('sort ids that are not columns', () => {
  const lists = () =>
    listProcedures().filter(({ path }) => {
      const input = procedureSamples[path]?.input(world);
      return !!input && typeof input === 'object' && 'pageSize' in input;
    });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'no_such_column'])(
    'answers sort id %s with BAD_REQUEST on every list',
    async (id) => {
      const checked: string[] = [];
      const wrong: string[] = [];
      for (const { path, permission } of lists()) {
        const actor =
          actors().find(
            (a) => hasPermission(a.role, permission) && ['finance', 'admin', 'executive'].includes(a.role),
          ) ?? actors().find((a) => hasPermission(a.role, permission));
        if (!actor) continue;
        const input = { ...(procedureSamples[path]!.input(world) as object), sort: { id, desc: true } };
        const error = await failureOf(callByPath(createCaller(contextFor(testDb.db, actor)), path, input));
        checked.push(path);
        if (error?.code !== 'BAD_REQUEST' || !error.message.includes('not a column'))
          wrong.push(`${path}: ${error ? `${error.code} ${error.message}` : 'succeeded'}`);
      }
      expect(checked.length).toBeGreaterThan(10);
      expect(wrong).toEqual([]);
    },
  );
});

describe('values PostgreSQL cannot store', () => {
  it('refuses a change order line whose cost overflows numeric(14,2), naming the lines field', async () => {
    const caller = createCaller(contextFor(testDb.db, world.org.actors.qs2));
    const lines = [
      {
        costCodeId: world.target.costCodeId,
        description: 'Huge',
        quantity: '9999999999',
        unit: 'm',
        unitCost: '999999999999.00',
        sellAmount: '1.00',
      },
    ];
    for (const call of [
      () => caller.changeOrders.preview({ kind: 'client', lines }),
      () =>
        caller.changeOrders.create({
          projectId: world.target.projectId,
          kind: 'client',
          title: 'Overflow',
          reason: 'other',
          description: '',
          scheduleImpactDays: 0,
          lines,
          documents: [],
        }),
    ]) {
      const error = await failureOf(call());
      expect(error?.code).toBe('BAD_REQUEST');
      expect(error?.message).toContain('too large');
    }
    // a sum of storable lines that overflows
    const many = Array.from({ length: 3 }, () => ({
      ...lines[0]!,
      quantity: '1',
      unitCost: '999999999999.00',
    }));
    expect((await failureOf(caller.changeOrders.preview({ kind: 'client', lines: many })))?.code).toBe(
      'BAD_REQUEST',
    );
  });

  it.each(['2026-13-45', '2026-02-30', '0000-01-01', '2026-00-10'])(
    'refuses the impossible date %s with a field error',
    async (date) => {
      const pm = createCaller(contextFor(testDb.db, world.org.actors.pm2));
      const milestone = await failureOf(
        pm.milestones.create({
          projectId: world.target.projectId,
          name: 'Bad date',
          plannedDate: date,
          amountBasis: 'fixed',
          fixedAmount: '1.00',
          percentOfContract: null,
          evidence: [],
        }),
      );
      expect(milestone?.code).toBe('BAD_REQUEST');
      expect(milestone?.message).toContain('plannedDate');
      const qs = createCaller(contextFor(testDb.db, world.org.actors.qs2));
      const claim = await failureOf(
        qs.claims.create({ subcontractId: world.target.subcontractId, periodEnd: date }),
      );
      expect(claim?.code).toBe('BAD_REQUEST');
      expect(claim?.message).toContain('periodEnd');
    },
  );
});

describe('on-demand snapshots have their own permission', () => {
  it('is cost.snapshot, held by fewer roles than cost.read; a QS may read cost but not snapshot it', async () => {
    const procedure = listProcedures().find((p) => p.path === 'cost.takeSnapshot');
    expect(procedure?.permission).toBe('cost.snapshot');
    expect(roles.filter((role) => hasPermission(role, 'cost.snapshot')).length).toBeLessThan(
      roles.filter((role) => hasPermission(role, 'cost.read')).length,
    );
    const qs = createCaller(contextFor(testDb.db, world.org.actors.qs2));
    await expect(qs.cost.takeSnapshot({ projectId: world.target.projectId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
