import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed JSON webhooks. The receiver recomputes HMAC-SHA256(secret, `${timestamp}.${body}`) and
 * compares it with `X-Plumbline-Signature: sha256=<hex>`; `X-Plumbline-Timestamp` (Unix seconds) lets
 * it refuse replays older than a few minutes.
 */
export const SIGNATURE_HEADER = 'X-Plumbline-Signature';
export const TIMESTAMP_HEADER = 'X-Plumbline-Timestamp';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!timestamp || !signature) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300))
    return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function postWebhook(
  url: string,
  secret: string,
  payload: unknown,
  options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await (options.fetchImpl ?? fetch)(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Plumbline alerts',
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      [TIMESTAMP_HEADER]: timestamp,
    },
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
}
