import pino from 'pino';
import { env } from '@/server/env';

/**
 * Structured logs. Redaction is by key wherever it appears, so a password, API key or token passed
 * in any object is replaced before the line is written.
 */
export const redactedKeys = [
  'password',
  'newPassword',
  'passwordHash',
  'apiKey',
  'api_key',
  'secret',
  'token',
  'accessToken',
  'authorization',
  'cookie',
  'encryptedSecret',
  'key',
];

const paths = redactedKeys.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
  `req.headers.${key}`,
]);

const globalForLogger = globalThis as unknown as { plumblineLogger?: pino.Logger };

export function logger(): pino.Logger {
  globalForLogger.plumblineLogger ??= pino({
    level: env().isTest ? 'silent' : env().LOG_LEVEL,
    base: { app: 'plumbline' },
    redact: { paths, censor: '[redacted]' },
  });
  return globalForLogger.plumblineLogger;
}
