import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, projectMembers, users } from '@/db/schema';
import { resolveActor } from '@/server/auth/session';
import { DomainError } from '@/server/errors';
import { seedTestOrganisation, sessionClaimsFor, type SeededOrg } from '@/server/testing/fixtures';
import { decideChange } from '@/server/modules/approvals/pending-change.service';
import {
  addProjectMember,
  createUser,
  removeProjectMember,
  resetUserPassword,
  setUserActive,
  updateUser,
} from './user.service';

let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
});
afterAll(async () => testDb.drop());

async function auditCount(entityId: string) {
  const rows = await testDb.db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, entityId));
  return rows[0]?.n ?? 0;
}

async function userRow(id: string) {
  const [row] = await testDb.db.select().from(users).where(eq(users.id, id));
  return row!;
}

async function tokenFor(id: string) {
  return sessionClaimsFor(testDb.db, id);
}

describe('user administration', () => {
  it('creates a user with memberships and one audit row per change, in one transaction', async () => {
    const { id } = await createUser(
      testDb.db,
      {
        email: 'new.qs@northbeam.example',
        name: 'New QS',
        role: 'quantity_surveyor',
        password: 'a-long-enough-password',
        projectIds: [org.projectIds['P-1001']!],
      },
      org.actors.admin,
    );
    const row = await userRow(id);
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    // a QS approves (certifies): the account waits, inactive, for an executive to confirm the grant
    expect(row.isActive).toBe(false);
    expect(await auditCount(id)).toBe(2);
    const members = await testDb.db.select().from(projectMembers).where(eq(projectMembers.userId, id));
    expect(members.map((m) => m.projectId)).toEqual([org.projectIds['P-1001']]);
  });

  it('refuses a duplicate email whatever its case and writes nothing', async () => {
    const before = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(users);
    await expect(
      createUser(
        testDb.db,
        {
          email: 'QS@northbeam.example',
          name: 'Dup',
          role: 'finance',
          password: 'a-long-enough-password',
          projectIds: [],
        },
        org.actors.admin,
      ),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    const after = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('rolls back the user when a chosen project does not exist', async () => {
    await expect(
      createUser(
        testDb.db,
        {
          email: 'ghost@northbeam.example',
          name: 'Ghost',
          role: 'finance',
          password: 'a-long-enough-password',
          projectIds: ['00000000-0000-4000-8000-000000000000'],
        },
        org.actors.admin,
      ),
    ).rejects.toBeInstanceOf(DomainError);
    const rows = await testDb.db.select().from(users).where(eq(users.email, 'ghost@northbeam.example'));
    expect(rows).toHaveLength(0);
  });

  it('ends sessions on deactivation, and a reactivated user must sign in again', async () => {
    const target = org.actors.pm2;
    const token = await tokenFor(target.id);
    expect((await resolveActor(testDb.db, token)).actor).not.toBeNull();
    await setUserActive(
      testDb.db,
      { userId: target.id, version: (await userRow(target.id)).version, active: false },
      org.actors.admin,
    );
    expect(await resolveActor(testDb.db, token)).toEqual({ actor: null, reason: 'revoked' });
    const { pendingChangeId } = await setUserActive(
      testDb.db,
      { userId: target.id, version: (await userRow(target.id)).version, active: true },
      org.actors.admin,
    );
    // a PM regains approval rights only when an executive confirms
    expect((await userRow(target.id)).isActive).toBe(false);
    await decideChange(testDb.db, org.actors.exec, { changeId: pendingChangeId!, decision: 'confirm' });
    expect((await userRow(target.id)).isActive).toBe(true);
    expect((await resolveActor(testDb.db, token)).actor).toBeNull();
    expect((await resolveActor(testDb.db, await tokenFor(target.id))).actor?.id).toBe(target.id);
  });

  it('ends sessions on a role change but not on a name change', async () => {
    const target = org.actors.qs2;
    let token = await tokenFor(target.id);
    await updateUser(
      testDb.db,
      { userId: target.id, version: (await userRow(target.id)).version, name: 'Ewan Doyle-Smith' },
      org.actors.admin,
    );
    expect((await resolveActor(testDb.db, token)).actor?.name).toBe('Ewan Doyle-Smith');
    token = await tokenFor(target.id);
    const { pendingChangeId } = await updateUser(
      testDb.db,
      { userId: target.id, version: (await userRow(target.id)).version, role: 'finance' },
      org.actors.admin,
    );
    expect((await userRow(target.id)).role).toBe('quantity_surveyor');
    expect((await resolveActor(testDb.db, token)).actor?.id).toBe(target.id);
    await decideChange(testDb.db, org.actors.exec, { changeId: pendingChangeId!, decision: 'confirm' });
    expect((await resolveActor(testDb.db, token)).actor).toBeNull();
    const roleAudit = await testDb.db.select().from(auditEvents).where(eq(auditEvents.entityId, target.id));
    expect(
      roleAudit.some(
        (row) =>
          row.changedFields?.role?.new === 'finance' && row.changedFields.role.old === 'quantity_surveyor',
      ),
    ).toBe(true);
  });

  it('ends sessions on a password reset, issues a one-time password and never stores it in the audit trail', async () => {
    const target = org.actors.exec;
    const token = await tokenFor(target.id);
    const { oneTimePassword } = await resetUserPassword(testDb.db, { userId: target.id }, org.actors.admin);
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(20);
    expect((await resolveActor(testDb.db, token)).actor).toBeNull();
    expect((await userRow(target.id)).mustChangePassword).toBe(true);
    const rows = await testDb.db.select().from(auditEvents).where(eq(auditEvents.entityId, target.id));
    expect(JSON.stringify(rows)).not.toContain(oneTimePassword);
  });

  it('enforces the absolute session lifetime whatever the token says', async () => {
    const target = org.actors.qs;
    const fresh = await tokenFor(target.id);
    expect((await resolveActor(testDb.db, fresh)).actor?.id).toBe(target.id);
    const thirteenHoursAgo = Math.floor(Date.now() / 1000) - 13 * 3600;
    expect(await resolveActor(testDb.db, { ...fresh, signedInAt: thirteenHoursAgo })).toEqual({
      actor: null,
      reason: 'expired',
    });
    expect(await resolveActor(testDb.db, { ...fresh, signedInAt: undefined })).toEqual({
      actor: null,
      reason: 'expired',
    });
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const target = org.actors.finance;
    const row = await userRow(target.id);
    await updateUser(
      testDb.db,
      { userId: target.id, version: row.version, name: 'Hannah Lewis-Grant' },
      org.actors.admin,
    );
    await expect(
      updateUser(
        testDb.db,
        { userId: target.id, version: row.version, name: 'Overwritten' },
        org.actors.admin,
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await userRow(target.id)).name).toBe('Hannah Lewis-Grant');
  });

  it('keeps at least one active administrator and refuses self-deactivation', async () => {
    const admin = org.actors.admin;
    await expect(
      setUserActive(
        testDb.db,
        { userId: admin.id, version: (await userRow(admin.id)).version, active: false },
        admin,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      updateUser(
        testDb.db,
        { userId: admin.id, version: (await userRow(admin.id)).version, role: 'finance' },
        admin,
      ),
    ).rejects.toMatchObject({ code: 'LAST_ADMIN' });
  });

  it('adds and removes memberships with an audit row each, idempotently', async () => {
    const target = org.actors.qs;
    const projectId = org.projectIds['P-1003']!;
    const before = await auditCount(projectId);
    await addProjectMember(testDb.db, { projectId, userId: target.id }, org.actors.admin);
    await addProjectMember(testDb.db, { projectId, userId: target.id }, org.actors.admin);
    await removeProjectMember(testDb.db, { projectId, userId: target.id }, org.actors.admin);
    expect(await auditCount(projectId)).toBe(before + 2);
  });
});
