import { randomBytes } from 'node:crypto';
import { and, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { projectMembers, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hashPassword, verifyPassword } from '@/server/auth/password';
import { roleLabels, type Role } from '@/server/auth/roles';
import { DomainError } from '@/server/errors';
import { isApproverRole } from '@/server/modules/approvals/dual-control';
import { requestChange } from '@/server/modules/approvals/pending-change.service';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import type { CreateUserInput, SetUserActiveInput, UpdateUserInput } from './user.schemas';

type UserRow = typeof users.$inferSelect;

/**
 * A new account with a role that approves (QS, PM, finance, executive) is created inactive and its
 * role grant waits for an executive (dual control: an administrator approves nothing, not even
 * through an account they made). Other accounts are active at once.
 */
export async function createUser(
  db: Db,
  input: CreateUserInput,
  actor: Actor,
): Promise<{ id: string; pendingChangeId: string | null }> {
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    if (existing) throw new DomainError('EMAIL_TAKEN', `A user with the email ${email} already exists.`);
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
        isActive: !isApproverRole(input.role),
      })
      .returning({ id: users.id });
    if (!user) throw new Error('user insert returned no row');
    const grantWaits = isApproverRole(input.role);
    await recordAudit(tx, {
      actor,
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      toState: grantWaits ? 'inactive' : 'active',
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
    const pending = grantWaits
      ? await requestRoleGrant(
          tx,
          actor,
          { id: user.id, name: input.name, email, role: input.role, isActive: false },
          input.role,
          true,
        )
      : null;
    return { id: user.id, pendingChangeId: pending?.id ?? null };
  });
}

async function requestRoleGrant(
  tx: Tx,
  actor: Actor,
  user: { id: string; name: string; email: string; role: string; isActive: boolean },
  role: Role,
  activate: boolean,
) {
  const changes: Record<string, { old: unknown; new: unknown }> = {
    role: { old: user.role === role && !user.isActive ? null : user.role, new: role },
  };
  if (activate) changes.isActive = { old: user.isActive, new: true };
  return requestChange(tx, actor, {
    kind: 'role_grant',
    subjectId: user.id,
    payload: { role, activate },
    summary: { subject: `${user.name} <${user.email}> → ${roleLabels[role]}`, changes },
  });
}

/**
 * Name changes apply at once. A role that confers approval rights, on an active account, waits for
 * an executive's confirmation (the answer names the request); any other role change applies at once.
 */
export async function updateUser(
  db: Db,
  input: UpdateUserInput,
  actor: Actor,
): Promise<{ pendingChangeId: string | null }> {
  return db.transaction(async (tx) => {
    const before = await loadUser(tx, input.userId, actor);
    if (before.role === 'subcontractor' && input.role !== undefined)
      throw new DomainError(
        'VALIDATION',
        'A subcontractor login belongs to its vendor and keeps that role: create a new user for the contractor instead.',
        { field: 'role' },
      );
    const grantWaits =
      input.role !== undefined && input.role !== before.role && isApproverRole(input.role) && before.isActive;
    const changes = diffFields(
      { name: before.name, role: before.role },
      { name: input.name, role: grantWaits ? undefined : input.role },
    );
    if (grantWaits && input.role && before.role === 'admin')
      await assertAnotherActiveAdmin(tx, before, actor);
    if (before.version !== input.version) throw staleError();
    const pending =
      grantWaits && input.role ? await requestRoleGrant(tx, actor, before, input.role, false) : null;
    if (Object.keys(changes).length === 0) return { pendingChangeId: pending?.id ?? null };
    if (changes.role && before.role === 'admin') await assertAnotherActiveAdmin(tx, before, actor);
    const updated = await tx
      .update(users)
      .set({
        name: input.name ?? before.name,
        role: grantWaits ? before.role : (input.role ?? before.role),
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
    return { pendingChangeId: pending?.id ?? null };
  });
}

/** Deactivation applies at once; reactivating an account whose role approves waits for an executive. */
export async function setUserActive(
  db: Db,
  input: SetUserActiveInput,
  actor: Actor,
): Promise<{ pendingChangeId: string | null }> {
  return db.transaction(async (tx) => {
    const before = await loadUser(tx, input.userId, actor);
    if (before.isActive === input.active) return { pendingChangeId: null };
    if (input.active && isApproverRole(before.role)) {
      if (before.version !== input.version) throw staleError();
      const pending = await requestRoleGrant(tx, actor, before, before.role, true);
      return { pendingChangeId: pending.id };
    }
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
    return { pendingChangeId: null };
  });
}

/** A one-time password: 20 characters from an alphabet without look-alikes (about 115 bits). */
function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789';
  const bytes = randomBytes(20);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5, 10).join('')}-${chars.slice(10, 15).join('')}-${chars.slice(15).join('')}`;
}

/**
 * An administrator's reset issues a one-time password (shown once, to be passed on) that must be
 * changed at first sign-in: until then the user can do nothing else. Every session of the user ends.
 */
export async function resetUserPassword(
  db: Db,
  input: { userId: string },
  actor: Actor,
): Promise<{ oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await loadUser(tx, input.userId, actor);
    await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: true,
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
      changedFields: { password: { old: '[redacted]', new: '[one-time, must be changed]' } },
    });
  });
  return { oneTimePassword: password };
}

/**
 * The signed-in user chooses a new password (required after an admin reset): the current one is
 * checked, the flag clears, and every session ends — the user signs in again with the new password.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  if (input.newPassword === input.currentPassword) {
    throw new DomainError('VALIDATION', 'Choose a password different from the one you were given.', {
      field: 'newPassword',
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, actor.id)).for('update');
    if (!user) throw new DomainError('NOT_FOUND', 'User not found.');
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new DomainError('VALIDATION', 'The current password is not right.', { field: 'currentPassword' });
    }
    await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: false,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, actor.id));
    await recordAudit(tx, {
      actor,
      action: 'user.change_password',
      entityType: 'user',
      entityId: actor.id,
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
