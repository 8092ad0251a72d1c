import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { env } from '@/server/env';
import { burnPasswordCheck, verifyPassword } from './password';
import { hasEnabledFactor, verifySecondFactor } from '@/server/modules/mfa/mfa.service';
import { safeCallbackPath } from './redirect';
import { openSession, revokeSession } from './session';
import { clientIp, normaliseEmail, recordLoginAttempt } from './throttle';

const credentialsSchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(200),
  /** The second factor: a 6-digit TOTP code or a recovery code, once the password is right. */
  code: z.string().trim().max(40).optional(),
});

/**
 * next-auth v4, JWT sessions. The token carries only the user id, the session version and the
 * sign-in time; role and active state are re-read from the database on every request
 * (server/auth/session.ts), so a role change or deactivation bites on the next request.
 * An OIDC provider can be added to `providers` next to the credentials one.
 */
export function authOptions(): NextAuthOptions {
  const maxAge = env().SESSION_MAX_AGE_HOURS * 3600;
  const appOrigin = env().appOrigin;
  return {
    // cookies are Secure (and __Secure-/__Host- prefixed) when the public origin is https
    useSecureCookies: appOrigin.startsWith('https://'),
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge, updateAge: 0 },
    jwt: { maxAge },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          // the same address the route handler throttled on (stamped by our HTTP server)
          const ip = clientIp(new Headers((req.headers ?? {}) as Record<string, string>));
          if (!parsed.success) return null;
          const db = getDb();
          const email = normaliseEmail(parsed.data.email);
          const [user] = await db
            .select()
            .from(users)
            .where(eq(sql`lower(${users.email})`, email))
            .limit(1);
          if (!user) {
            await burnPasswordCheck(parsed.data.password);
            await recordLoginAttempt(db, { email, ip, succeeded: false, reason: 'unknown_user' });
            return null;
          }
          const valid = await verifyPassword(user.passwordHash, parsed.data.password);
          if (!valid || !user.isActive) {
            await recordLoginAttempt(db, {
              email,
              ip,
              succeeded: false,
              reason: valid ? 'inactive' : 'bad_password',
            });
            return null;
          }
          // second factor: an enrolled user proves it here; a wrong or spent code counts as a failed sign-in
          let mfaVerified = false;
          if (await hasEnabledFactor(db, user.id)) {
            if (!parsed.data.code) {
              await recordLoginAttempt(db, { email, ip, succeeded: false, reason: 'mfa_required' });
              throw new Error('MfaRequired');
            }
            const proved = await verifySecondFactor(db, user.id, parsed.data.code);
            if (!proved) {
              await recordLoginAttempt(db, { email, ip, succeeded: false, reason: 'bad_code' });
              throw new Error('MfaInvalid');
            }
            mfaVerified = true;
          }
          await recordLoginAttempt(db, { email, ip, succeeded: true, reason: 'ok' });
          await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
          const sessionId = await openSession(db, user.id, { mfaVerified });
          return {
            id: user.id,
            email: user.email,
            name: user.name,
            sessionVersion: user.sessionVersion,
            sessionId,
          };
        },
      }),
    ],
    events: {
      // sign-out ends the session server-side: its row is revoked, the cookie is dead everywhere
      async signOut({ token }) {
        await revokeSession(getDb(), token);
      },
    },
    callbacks: {
      // after sign-in or sign-out next-auth follows only same-origin paths of the public origin
      redirect({ url }) {
        return `${appOrigin}${safeCallbackPath(url, appOrigin)}`;
      },
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
          token.sid = (user as { sessionId?: string }).sessionId;
          token.signedInAt = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        // The browser needs no more than who is signed in; the role shown comes from tRPC.
        return { ...session, user: { name: session.user?.name, email: session.user?.email }, uid: token.uid };
      },
    },
  };
}
