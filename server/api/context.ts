import { randomUUID } from 'node:crypto';
import { getToken } from 'next-auth/jwt';
import { getDb } from '@/db/client';
import { env } from '@/server/env';
import { resolveActor } from '@/server/auth/session';
import type { Context } from './trpc';

/** Builds the tRPC context from an HTTP request: the actor is re-validated against the database. */
export async function createContextFromRequest(req: Request): Promise<Context> {
  const db = getDb();
  const cookieHeader = req.headers.get('cookie') ?? '';
  const cookies = Object.fromEntries(
    cookieHeader
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const index = part.indexOf('=');
        return [decodeURIComponent(part.slice(0, index)), decodeURIComponent(part.slice(index + 1))];
      }),
  );
  const token = await getToken({
    req: { headers: Object.fromEntries(req.headers.entries()), cookies } as never,
    secret: env().AUTH_SECRET,
  });
  const resolution = await resolveActor(db, token);
  return {
    db,
    actor: resolution.actor,
    anonymousReason: resolution.actor ? undefined : resolution.reason,
    requestId: req.headers.get('x-request-id') ?? randomUUID(),
    ...(resolution.actor
      ? {
          sessionId: resolution.sessionId,
          mfaEnrolmentRequired: resolution.mfaEnrolmentRequired,
          passwordChangeRequired: resolution.passwordChangeRequired,
        }
      : {}),
  };
}
