import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsAuth = { ok: true } | { ok: false; status: 401 | 404; reason: string };

/**
 * The metrics endpoints' only gate: `Authorization: Bearer <METRICS_TOKEN>`. No token configured →
 * 404 (the endpoint does not exist); missing or wrong → 401. Compared in constant time over SHA-256
 * digests, so neither the token's length nor a prefix leaks through timing.
 */
export function checkMetricsAuth(
  authorization: string | null | undefined,
  configuredToken: string | undefined,
): MetricsAuth {
  if (!configuredToken)
    return { ok: false, status: 404, reason: 'metrics are disabled (METRICS_TOKEN is not set)' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(configuredToken).digest();
  const equal = timingSafeEqual(given, expected);
  if (!match || !equal) return { ok: false, status: 401, reason: 'a valid bearer token is required' };
  return { ok: true };
}
