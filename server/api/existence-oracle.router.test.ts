import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { roles } from '@/server/auth/roles';
import { contextFor } from '@/server/testing/fixtures';
import { callByPath, listProcedures, procedureSamples } from '@/server/testing/procedure-samples';
import { seedSecurityWorld, type SecurityWorld } from '@/server/testing/security-world';

/**
 * No existence oracle (issue 20): for an outsider, another project's record must answer exactly like
 * an id that does not exist — same outcome, same code, same message, same field errors. Every
 * project-scoped procedure, with its sample naming P-1003's records, against the same input with
 * every id of the target replaced by a fresh random one.
 */
let testDb: TestDatabase;
let world: SecurityWorld;
beforeAll(async () => {
  testDb = await createTestDatabase();
  world = await seedSecurityWorld(testDb.db);
});
afterAll(async () => testDb.drop());

function targetIds(w: SecurityWorld): Set<string> {
  const ids = new Set<string>();
  for (const value of Object.values(w.target)) {
    if (typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value)) ids.add(value);
    if (Array.isArray(value))
      for (const inner of value)
        if (typeof inner === 'string' && /^[0-9a-f-]{36}$/.test(inner)) ids.add(inner);
  }
  return ids;
}

function replaceIds(value: unknown, ids: Set<string>, fresh: Map<string, string>): unknown {
  if (typeof value === 'string' && ids.has(value)) {
    if (!fresh.has(value)) fresh.set(value, randomUUID());
    return fresh.get(value);
  }
  if (Array.isArray(value)) return value.map((item) => replaceIds(item, ids, fresh));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIds(v, ids, fresh)]));
  return value;
}

async function answer(promise: Promise<unknown>) {
  try {
    const value = (await promise) as { rows?: unknown[]; total?: number } | undefined;
    return { ok: true, value: JSON.stringify(value) };
  } catch (error) {
    const e = error as { code?: string; message?: string; cause?: { details?: unknown } };
    return { ok: false, code: e.code, message: e.message };
  }
}

describe('existence oracle', () => {
  it('answers an outsider about another project’s record exactly as about an unknown id', async () => {
    const ids = targetIds(world);
    const outsiders: Actor[] = [world.org.actors.qs, world.org.actors.pm];
    const differences: string[] = [];
    let compared = 0;
    for (const { path, permission } of listProcedures()) {
      const sample = procedureSamples[path];
      if (!sample || (sample.scope !== 'project' && sample.scope !== 'project-filter')) continue;
      for (const outsider of outsiders) {
        if (!roles.includes(outsider.role) || !hasPermission(outsider.role, permission)) continue;
        const input = sample.input(world);
        const unknown = replaceIds(input, ids, new Map());
        const caller = createCaller(contextFor(testDb.db, outsider));
        const [real, made] = [
          await answer(callByPath(caller, path, input)),
          await answer(callByPath(caller, path, unknown)),
        ];
        compared += 1;
        if (JSON.stringify(real) !== JSON.stringify(made)) {
          differences.push(
            `${outsider.role} → ${path}: existing ${JSON.stringify(real)} vs unknown ${JSON.stringify(made)}`,
          );
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
    expect(differences).toEqual([]);
  });
});

describe('vendors through one’s projects only', () => {
  it('hides a vendor (tax number, insurance) from project people without a subcontract of it, like an unknown id', async () => {
    const outsider = createCaller(contextFor(testDb.db, world.org.actors.qs));
    const insider = createCaller(contextFor(testDb.db, world.org.actors.qs2));
    const listed = await outsider.masterData.vendors({ page: 0, pageSize: 200 });
    expect(listed.rows.map((row) => row.id)).not.toContain(world.target.vendorId);
    await expect(outsider.masterData.vendor({ vendorId: world.target.vendorId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      (await insider.masterData.vendors({ page: 0, pageSize: 200 })).rows.map((row) => row.id),
    ).toContain(world.target.vendorId);
    expect((await insider.masterData.vendor({ vendorId: world.target.vendorId })).id).toBe(
      world.target.vendorId,
    );
    const finance = createCaller(contextFor(testDb.db, world.org.actors.finance));
    expect(
      (await finance.masterData.vendors({ page: 0, pageSize: 200 })).rows.map((row) => row.id),
    ).toContain(world.target.vendorId);
  });
});
