import { and, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { projectMembers, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hashPassword } from '@/server/auth/password';
import { DomainError } from '@/server/errors';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import type { CreateUserInput, SetUserActiveInput, UpdateUserInput } from './user.schemas';

type UserRow = typeof users.$inferSelect;

export async function createUser(db: Db, input: CreateUserInput, actor: Actor): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    if (existing)
      throw new DomainError('EMAIL_TAKEN', `A user with the email ${email} already exists.`);
    if (input.projectIds.length > 0) {
      const found = await tx
        .select({ n: count() })
        .from(projects)
        .where(
          and(eq(projects.organisationId, actor.organisationId), inArray(projects.id, input.projectIds)),
        );
      if ((found[0]?.n ?? 0) !== new Set(input.projectIds).size) {
        throw new DomainError('NOT_FOUND', 'One of the chosen projects does not exist.');
      }
    }
    const [user] = await tx
      .insert(users)
      .values({
        organisationId: actor.organisationId,
        email,
        name: input.name,
        role: input.role,
        passwordHash,
      })
      .returning({ id: users.id });
    if (!user) throw new Error('user insert returned no row');
    await recordAudit(tx, {
      actor,
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      toState: 'active',
      changedFields: {
        email: { old: null, new: email },
        name: { old: null, new: input.name },
        role: { old: null, new: input.role },
      },
    });
    for (const projectId of new Set(input.projectIds)) {
      await tx.insert(projectMembers).values({ projectId, userId: user.id });
      await recordAudit(tx, {
        actor,
        action: 'membership.add',
        entityType: 'project',
        entityId: projectId,
        changedFields: { member: { old: null, new: user.id } },
      });
    }
    return user;
  });
}

export async function updateUser(db: Db, input: UpdateUserInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await loadUser(tx, input.userId, actor);
    const changes = diffFields(
      { name: before.name, role: before.role },
      { name: input.name, role: input.role },
    );
    if (Object.keys(changes).length === 0) return;
    if (changes.role && before.role === 'admin') await assertAnotherActiveAdmin(tx, before, actor);
    const updated = await tx
      .update(users)
      .set({
        name: input.name ?? before.name,
        role: input.role ?? before.role,
        // a role change ends every session of the user on their next request
        sessionVersion: changes.role ? sql`${users.sessionVersion} + 1` : users.sessionVersion,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, input.userId), eq(users.version, input.version)))
      .returning({ id: users.id });
    if (updated.length === 0) throw staleError();
    await recordAudit(tx, {
      actor,
      action: 'user.update',
      entityType: 'user',
      entityId: input.userId,
      changedFields: changes,
    });
  });
}

export async function setUserActive(db: Db, input: SetUserActiveInput, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await loadUser(tx, input.userId, actor);
    if (before.isActive === input.active) return;
    if (!input.active && before.id === actor.id) {
      throw new DomainError('VALIDATION', 'You cannot deactivate your own account.');
    }
    if (!input.active && before.role === 'admin') await assertAnotherActiveAdmin(tx, before, actor);
    const updated = await tx
      .update(users)
      .set({
        isActive: input.active,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, input.userId), eq(users.version, input.version)))
      .returning({ id: users.id });
    if (updated.length === 0) throw staleError();
    await recordAudit(tx, {
      actor,
      action: input.active ? 'user.reactivate' : 'user.deactivate',
      entityType: 'user',
      entityId: input.userId,
      fromState: before.isActive ? 'active' : 'inactive',
      toState: input.active ? 'active' : 'inactive',
    });
  });
}

export async function resetUserPassword(
  db: Db,
  input: { userId: string; password: string },
  actor: Actor,
): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await loadUser(tx, input.userId, actor);
    await tx
      .update(users)
      .set({
        passwordHash,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, input.userId));
    // the audit row says the password changed, never what it is
    await recordAudit(tx, {
      actor,
      action: 'user.reset_password',
      entityType: 'user',
      entityId: input.userId,
      changedFields: { password: { old: '[redacted]', new: '[redacted]' } },
    });
  });
}

export async function addProjectMember(
  db: Db,
  input: { projectId: string; userId: string },
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    await loadUser(tx, input.userId, actor);
    const [project] = await tx
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.id, input.projectId), eq(projects.organisationId, actor.organisationId)));
    if (!project) throw new DomainError('NOT_FOUND', 'Project not found.');
    const inserted = await tx
      .insert(projectMembers)
      .values(input)
      .onConflictDoNothing()
      .returning({ userId: projectMembers.userId });
    if (inserted.length === 0) return;
    await recordAudit(tx, {
      actor,
      action: 'membership.add',
      entityType: 'project',
      entityId: input.projectId,
      changedFields: { member: { old: null, new: input.userId } },
    });
  });
}

export async function removeProjectMember(
  db: Db,
  input: { projectId: string; userId: string },
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    await loadUser(tx, input.userId, actor);
    const removed = await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, input.projectId), eq(projectMembers.userId, input.userId)))
      .returning({ userId: projectMembers.userId });
    if (removed.length === 0) return;
    await recordAudit(tx, {
      actor,
      action: 'membership.remove',
      entityType: 'project',
      entityId: input.projectId,
      changedFields: { member: { old: input.userId, new: null } },
    });
  });
}

async function loadUser(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  userId: string,
  actor: Actor,
): Promise<UserRow> {
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organisationId, actor.organisationId)))
    .for('update');
  if (!user) throw new DomainError('NOT_FOUND', 'User not found.');
  return user;
}

async function assertAnotherActiveAdmin(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  user: UserRow,
  actor: Actor,
) {
  const [others] = await tx
    .select({ n: count() })
    .from(users)
    .where(
      and(
        eq(users.organisationId, actor.organisationId),
        eq(users.role, 'admin'),
        eq(users.isActive, true),
        ne(users.id, user.id),
      ),
    );
  if ((others?.n ?? 0) === 0)
    throw new DomainError('LAST_ADMIN', 'The organisation must keep at least one active administrator.');
}

function staleError() {
  return new DomainError('CONFLICT', 'This user was changed by someone else. Reload and try again.');
}
