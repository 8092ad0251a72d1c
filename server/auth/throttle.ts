import { and, count, eq, gt, ne } from 'drizzle-orm';
import { loginAttempts } from '@/db/schema';
import type { DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

/**
 * Failed sign-ins are counted per (email, IP) and per IP over a sliding window kept in PostgreSQL,
 * so every web process shares one count.
 */
export async function checkLoginThrottle(db: DbOrTx, email: string, ip: string): Promise<ThrottleVerdict> {
  const { LOGIN_WINDOW_MINUTES, LOGIN_MAX_FAILURES_PER_USER_IP, LOGIN_MAX_FAILURES_PER_IP } = env();
  const since = new Date(Date.now() - LOGIN_WINDOW_MINUTES * 60_000);
  // refused-while-throttled attempts are logged but do not extend the lockout
  const failed = and(eq(loginAttempts.succeeded, false), ne(loginAttempts.reason, 'throttled'), gt(loginAttempts.attemptedAt, since));
  const [perUser] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(failed, eq(loginAttempts.email, normaliseEmail(email)), eq(loginAttempts.ip, ip)));
  const [perIp] = await db.select({ n: count() }).from(loginAttempts).where(and(failed, eq(loginAttempts.ip, ip)));
  if ((perUser?.n ?? 0) >= LOGIN_MAX_FAILURES_PER_USER_IP || (perIp?.n ?? 0) >= LOGIN_MAX_FAILURES_PER_IP) {
    return {
      allowed: false,
      retryAfterSeconds: LOGIN_WINDOW_MINUTES * 60,
      message: `Too many failed sign-in attempts. Try again in ${LOGIN_WINDOW_MINUTES} minutes.`,
    };
  }
  return { allowed: true };
}

export async function recordLoginAttempt(
  db: DbOrTx,
  attempt: { email: string; ip: string; succeeded: boolean; reason: string },
): Promise<void> {
  const email = normaliseEmail(attempt.email);
  await db.insert(loginAttempts).values({ ...attempt, email });
  logger().info({ event: 'sign_in', email, ip: attempt.ip, succeeded: attempt.succeeded, reason: attempt.reason });
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().slice(0, 320);
}

/**
 * The client address. Our HTTP server (server/web-server.ts) overwrites `x-plumbline-peer` with the
 * socket's address on every request, so a client cannot choose it; X-Forwarded-For is believed only
 * when TRUST_PROXY says a reverse proxy in front sets it.
 */
export function clientIp(headers: Headers): string {
  if (env().TRUST_PROXY) {
    const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return headers.get('x-plumbline-peer') ?? 'unknown';
}
