import { eq } from 'drizzle-orm';
import type { JWT } from 'next-auth/jwt';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { env } from '@/server/env';
import type { Actor } from './actor';
import { isRole } from './roles';

export type SessionClaims = { uid?: unknown; sv?: unknown; signedInAt?: unknown };

export type ActorResolution = { actor: Actor } | { actor: null; reason: 'anonymous' | 'expired' | 'revoked' };

/**
 * A session token is honoured only while the user is active, its session version matches the one
 * in the database (bumped on deactivation, role change, password change) and it is younger than
 * the absolute lifetime — checked on every request, not just at sign-in.
 */
export async function resolveActor(db: Db, claims: SessionClaims | JWT | null | undefined): Promise<ActorResolution> {
  if (!claims || typeof claims.uid !== 'string') return { actor: null, reason: 'anonymous' };
  const signedInAt = typeof claims.signedInAt === 'number' ? claims.signedInAt : 0;
  if (Date.now() / 1000 - signedInAt > env().SESSION_MAX_AGE_HOURS * 3600) return { actor: null, reason: 'expired' };
  const [user] = await db
    .select({
      id: users.id,
      organisationId: users.organisationId,
      email: users.email,
      name: users.name,
      role: users.role,
      isActive: users.isActive,
      sessionVersion: users.sessionVersion,
    })
    .from(users)
    .where(eq(users.id, claims.uid))
    .limit(1);
  if (!user || !user.isActive || user.sessionVersion !== claims.sv || !isRole(user.role)) {
    return { actor: null, reason: 'revoked' };
  }
  return {
    actor: { id: user.id, organisationId: user.organisationId, email: user.email, name: user.name, role: user.role },
  };
}
