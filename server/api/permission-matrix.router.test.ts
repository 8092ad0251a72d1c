import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { appRouter, createCaller } from '@/server/api/root';
import { hasPermission, isPermission, permissionTable, type Permission } from '@/server/auth/permissions';
import { resolveActor } from '@/server/auth/session';
import { roles } from '@/server/auth/roles';
import { setUserActive } from '@/server/modules/users/user.service';
import {
  contextFor,
  seedTestOrganisation,
  sessionClaimsFor,
  type SeededOrg,
} from '@/server/testing/fixtures';

type ProcedureEntry = { path: string; permission: unknown; type: string };

/** Every procedure of the app router, with the permission its meta declares. */
export function listProcedures(): ProcedureEntry[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { meta?: { permission?: unknown }; type: string } }
  >;
  return Object.entries(procedures).map(([path, procedure]) => ({
    path,
    permission: procedure._def.meta?.permission,
    type: procedure._def.type,
  }));
}

async function callByPath(
  caller: ReturnType<typeof createCaller>,
  path: string,
  input: unknown,
): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
});
afterAll(async () => testDb.drop());

describe('the app router', () => {
  it('declares a known permission on every procedure (a procedure without one fails here)', () => {
    const procedures = listProcedures();
    expect(procedures.length).toBeGreaterThan(10);
    const undeclared = procedures.filter((p) => !isPermission(p.permission)).map((p) => p.path);
    expect(undeclared, `procedures without a declared permission: ${undeclared.join(', ')}`).toEqual([]);
  });

  it('guards every mutation with a write permission, not a read one (exceptions listed with their reason)', () => {
    // none: an on-demand snapshot has its own permission since issue 20 (cost.snapshot)
    const readGuardedWrites: Record<string, string> = {};
    const offenders = listProcedures()
      .filter(
        (p) =>
          p.type === 'mutation' &&
          typeof p.permission === 'string' &&
          /\.read$/.test(p.permission) &&
          !readGuardedWrites[p.path],
      )
      .map((p) => `${p.path} (${String(p.permission)})`);
    expect(offenders).toEqual([]);
  });

  it('gives the administrator no approval power', () => {
    const approvalActions = (Object.keys(permissionTable) as Permission[]).filter((p) =>
      /\.(approve|certify|release|verify|claim_completion)$/.test(p),
    );
    expect(approvalActions.length).toBeGreaterThan(3);
    for (const permission of approvalActions)
      expect(hasPermission('admin', permission), permission).toBe(false);
  });

  it('fails closed on an unknown role or permission', () => {
    expect(hasPermission('superuser', 'user.read')).toBe(false);
    expect(hasPermission('admin', 'user.obliterate')).toBe(false);
    expect(hasPermission(undefined, undefined)).toBe(false);
  });
});

describe('allow and deny of every procedure', () => {
  it('refuses every procedure to an anonymous caller with UNAUTHORIZED', async () => {
    const caller = createCaller(contextFor(testDb.db, null));
    for (const { path } of listProcedures()) {
      expect(await outcome(callByPath(caller, path, undefined)), path).toBe('UNAUTHORIZED');
    }
  });

  it('refuses every procedure to a deactivated user whose token is otherwise valid', async () => {
    const victim = org.actors.qs2;
    const token = await sessionClaimsFor(testDb.db, victim.id);
    expect((await resolveActor(testDb.db, token)).actor?.id).toBe(victim.id);
    const [row] = await testDb.db.query.users.findMany({ where: (u, { eq }) => eq(u.id, victim.id) });
    await setUserActive(
      testDb.db,
      { userId: victim.id, version: row!.version, active: false },
      org.actors.admin,
    );
    const resolution = await resolveActor(testDb.db, token);
    expect(resolution.actor).toBeNull();
    const caller = createCaller(
      contextFor(testDb.db, resolution.actor, resolution.actor ? undefined : resolution.reason),
    );
    for (const { path } of listProcedures()) {
      expect(await outcome(callByPath(caller, path, undefined)), path).toBe('UNAUTHORIZED');
    }
  });

  it.each(roles)('lets %s through exactly the procedures its permissions allow', async (role) => {
    const actor = Object.values(org.actors).find((a) => a.role === role);
    expect(actor).toBeDefined();
    const caller = createCaller(contextFor(testDb.db, actor!));
    for (const { path, permission } of listProcedures()) {
      // no input: an allowed caller gets past the permission gate and is stopped by validation
      // (BAD_REQUEST) or succeeds; a denied caller is stopped at the gate with FORBIDDEN
      const result = await outcome(callByPath(caller, path, undefined));
      if (hasPermission(role, permission))
        expect(result, `${role} → ${path}`).not.toMatch(/^(FORBIDDEN|UNAUTHORIZED)$/);
      else expect(result, `${role} → ${path}`).toBe('FORBIDDEN');
    }
  });
});
