import pino from 'pino';
import { env } from '@/server/env';
import { currentCorrelationId } from '@/server/observability/context';

/**
 * Structured logs. Redaction is by key wherever it appears (up to four levels deep), so a password,
 * API key, token or bank detail (IBAN, account number, BIC…) passed in any object is replaced before
 * the line is written. `createLogger` builds the same logger onto any stream (tests).
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
  'secretKey',
  'webhookSecret',
  'smtpUrl',
  'METRICS_TOKEN',
  'ALERT_WEBHOOK_SECRET',
  'SMTP_URL',
  'x-plumbline-signature',
  // personal bank data (vendor bank details): masked wherever it appears
  'iban',
  'bic',
  'swift',
  'bankAccount',
  'bankAccountNumber',
  'accountNumber',
  'acc_number',
  'sortCode',
  'routingNumber',
  'bsb',
  'accountHolder',
  'acc_holder_name',
];

const paths = redactedKeys.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
  `req.headers.${key}`,
]);

const globalForLogger = globalThis as unknown as { plumblineLogger?: pino.Logger };

export function createLogger(
  options: { level?: pino.LevelWithSilent } = {},
  stream?: pino.DestinationStream,
): pino.Logger {
  const config: pino.LoggerOptions = {
    level: options.level ?? (env().isTest ? 'silent' : env().LOG_LEVEL),
    base: { app: 'plumbline' },
    redact: { paths, censor: '[redacted]' },
    // the approval's correlation id on every line written while its sync job runs (server/observability/context.ts)
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
  };
  return stream ? pino(config, stream) : pino(config);
}

export function logger(): pino.Logger {
  globalForLogger.plumblineLogger ??= createLogger();
  return globalForLogger.plumblineLogger;
}
