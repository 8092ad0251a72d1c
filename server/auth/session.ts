import { and, eq, isNull } from 'drizzle-orm';
import type { JWT } from 'next-auth/jwt';
import type { Db, DbOrTx } from '@/db/client';
import { organisationSecurity, partners, users, userSessions } from '@/db/schema';
import { env } from '@/server/env';
import type { Actor } from './actor';
import { isRole, type Role } from './roles';

export type SessionClaims = { uid?: unknown; sv?: unknown; sid?: unknown; signedInAt?: unknown };

export type ActorResolution =
  | {
      actor: Actor;
      sessionId: string;
      /** When this session last proved the second factor (sign-in, enrolment, step-up). */
      mfaVerifiedAt: Date | null;
      /** The role (or the organisation) requires a second factor this session has not proved: enrol first. */
      mfaEnrolmentRequired: boolean;
      /** An admin reset the password: the user must choose a new one before anything else. */
      passwordChangeRequired: boolean;
    }
  | { actor: null; reason: 'anonymous' | 'expired' | 'revoked' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A session token is honoured only while the user is active, its session version matches the one
 * in the database (bumped on deactivation, role change, password change), its session row exists
 * and is not revoked (sign-out), and it is younger than the absolute lifetime — checked on every
 * request, not just at sign-in.
 */
export async function resolveActor(
  db: Db,
  claims: SessionClaims | JWT | null | undefined,
): Promise<ActorResolution> {
  if (!claims || typeof claims.uid !== 'string') return { actor: null, reason: 'anonymous' };
  const signedInAt = typeof claims.signedInAt === 'number' ? claims.signedInAt : 0;
  if (Date.now() / 1000 - signedInAt > env().SESSION_MAX_AGE_HOURS * 3600)
    return { actor: null, reason: 'expired' };
  // a token without a session id (minted before sessions had rows) is not a live session
  if (typeof claims.sid !== 'string' || !UUID.test(claims.sid) || !UUID.test(claims.uid))
    return { actor: null, reason: 'revoked' };
  const [user] = await db
    .select({
      id: users.id,
      organisationId: users.organisationId,
      email: users.email,
      name: users.name,
      role: users.role,
      vendorId: users.vendorId,
      vendorActive: partners.isActive,
      isActive: users.isActive,
      sessionVersion: users.sessionVersion,
      mustChangePassword: users.mustChangePassword,
      mfaVerifiedAt: userSessions.mfaVerifiedAt,
      requireMfaForAll: organisationSecurity.requireMfaForAll,
    })
    .from(users)
    .innerJoin(
      userSessions,
      and(eq(userSessions.userId, users.id), eq(userSessions.id, claims.sid), isNull(userSessions.revokedAt)),
    )
    .leftJoin(organisationSecurity, eq(organisationSecurity.organisationId, users.organisationId))
    .leftJoin(partners, eq(partners.id, users.vendorId))
    .where(eq(users.id, claims.uid))
    .limit(1);
  if (!user || !user.isActive || user.sessionVersion !== claims.sv || !isRole(user.role)) {
    return { actor: null, reason: 'revoked' };
  }
  // a subcontractor's sessions end with their vendor's (deactivating the vendor signs every contact out)
  if (user.role === 'subcontractor' && (!user.vendorId || user.vendorActive !== true))
    return { actor: null, reason: 'revoked' };
  return {
    actor: {
      id: user.id,
      organisationId: user.organisationId,
      email: user.email,
      name: user.name,
      role: user.role,
      vendorId: user.vendorId,
    },
    sessionId: claims.sid,
    mfaVerifiedAt: user.mfaVerifiedAt,
    mfaEnrolmentRequired: !user.mfaVerifiedAt && roleRequiresMfa(user.role, user.requireMfaForAll ?? false),
    passwordChangeRequired: user.mustChangePassword,
  };
}

/** A new server-side session for a successful sign-in; its id goes into the token as `sid`. */
export async function openSession(
  db: DbOrTx,
  userId: string,
  options: { mfaVerified?: boolean } = {},
): Promise<string> {
  const [row] = await db
    .insert(userSessions)
    .values({ userId, mfaVerifiedAt: options.mfaVerified ? new Date() : null })
    .returning({ id: userSessions.id });
  return row!.id;
}

/** Sign-out: the session's row is revoked, so its token is refused from the next request on. */
export async function revokeSession(
  db: DbOrTx,
  claims: SessionClaims | JWT | null | undefined,
): Promise<void> {
  if (!claims || typeof claims.sid !== 'string' || !UUID.test(claims.sid)) return;
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.id, claims.sid), isNull(userSessions.revokedAt)));
}

/** Who must have a second factor: the roles that move money or grant rights, or everyone if the organisation says so. */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['admin', 'finance', 'executive'];

export function roleRequiresMfa(role: Role, organisationRequiresAll: boolean): boolean {
  return organisationRequiresAll || MFA_REQUIRED_ROLES.includes(role);
}
