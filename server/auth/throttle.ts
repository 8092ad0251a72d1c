import { and, count, eq, gt, notInArray } from 'drizzle-orm';
import { loginAttempts } from '@/db/schema';
import type { DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';

export type ThrottleVerdict =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

/**
 * Failed sign-ins are counted per (email, IP), per IP and per email from any address over a sliding
 * window kept in PostgreSQL, so every web process shares one count. The email is the one parsed once
 * from the form (server/auth/sign-in-request.ts), the same value next-auth signs in with.
 */
export async function checkLoginThrottle(db: DbOrTx, email: string, ip: string): Promise<ThrottleVerdict> {
  const {
    LOGIN_WINDOW_MINUTES,
    LOGIN_MAX_FAILURES_PER_USER_IP,
    LOGIN_MAX_FAILURES_PER_IP,
    LOGIN_MAX_FAILURES_PER_USER,
  } = env();
  const since = new Date(Date.now() - LOGIN_WINDOW_MINUTES * 60_000);
  // refused-while-throttled attempts are logged but do not extend the lockout
  // "mfa_required" (right password, code still to come) is a step of a sign-in, not a failure
  const failed = and(
    eq(loginAttempts.succeeded, false),
    notInArray(loginAttempts.reason, ['throttled', 'mfa_required']),
    gt(loginAttempts.attemptedAt, since),
  );
  const [perUser] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(failed, eq(loginAttempts.email, normaliseEmail(email)), eq(loginAttempts.ip, ip)));
  const [perIp] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(failed, eq(loginAttempts.ip, ip)));
  // per account from every address: rotating addresses does not buy more guesses
  const [perAccount] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(failed, eq(loginAttempts.email, normaliseEmail(email))));
  if (
    (perUser?.n ?? 0) >= LOGIN_MAX_FAILURES_PER_USER_IP ||
    (perIp?.n ?? 0) >= LOGIN_MAX_FAILURES_PER_IP ||
    (perAccount?.n ?? 0) >= LOGIN_MAX_FAILURES_PER_USER
  ) {
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
  logger().info({
    event: 'sign_in',
    email,
    ip: attempt.ip,
    succeeded: attempt.succeeded,
    reason: attempt.reason,
  });
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().slice(0, 320);
}

/**
 * The client address. Our HTTP server (server/web-server.ts) overwrites `x-plumbline-peer` with the
 * socket's address on every request, so a client cannot choose it. With TRUST_PROXY (one reverse
 * proxy in front) the address is the right-most X-Forwarded-For hop: the one our proxy appended.
 * Everything left of it was written by the client and is never believed.
 */
export function clientIp(headers: Headers): string {
  if (env().TRUST_PROXY) {
    const hops = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    const nearest = hops.at(-1);
    if (nearest) return nearest.slice(0, 64);
  }
  return headers.get('x-plumbline-peer') ?? 'unknown';
}
