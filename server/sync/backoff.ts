export type RetryPolicy = {
  baseMs: number;
  capMs: number;
  /** Attempts in one series (the first run counts); after the last, the failure becomes an exception. */
  maxAttempts: number;
};

/**
 * Exponential backoff with FULL jitter: a uniform delay in [0, min(cap, base · 2^(attempt−1))].
 * Full jitter spreads the retries of many records failing together (Odoo down for a minute) instead
 * of sending them back in synchronised waves. `attempt` is the attempt that just failed (1-based).
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * retryCeilingMs(attempt, policy));
}

export function retryCeilingMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30); // 2^30 already dwarfs any sane cap
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}
