import { z } from 'zod';
import { SYNC_CRASH_POINTS } from './sync/crash';

/**
 * The one place that reads process.env (an ESLint rule forbids it elsewhere). Values are parsed once,
 * validated, and exposed typed. A production start without AUTH_SECRET / ENCRYPTION_KEY fails loudly
 * instead of falling back to the development defaults.
 */
const DEV_AUTH_SECRET = 'plumbline-development-secret-do-not-use-in-production';
const DEV_ENCRYPTION_KEY = 'ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc='; // 32 bytes, base64, dev only
const DEV_AUDIT_HMAC_KEY = 'plumbline-development-audit-key-do-not-use-in-production';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: optionalString,
    DATA_DIR: z.string().default('./.data'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: optionalString,
    AUTH_SECRET: optionalString,
    NEXTAUTH_SECRET: optionalString,
    ENCRYPTION_KEY: optionalString,
    /**
     * Key of the audit trail's keyed seal (HMAC-SHA256). Never stored in the database: a database owner
     * who rewrites history cannot recompute the seals. `npm start` generates one into DATA_DIR.
     */
    AUDIT_HMAC_KEY: optionalString,
    /** The audit head is anchored outside the database (DATA_DIR/audit-anchors, and a log line) this often; 0 = off (default in tests). */
    AUDIT_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
    /** The worker seals committed audit events into the chain this often; 0 = off (default in tests, which seal explicitly). */
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
    /**
     * The least-privilege role the web app and the worker connect as (migrations run as DATABASE_URL's
     * user, which creates it). DATABASE_APP_URL, when set, is used as is (an operator-managed role).
     */
    DATABASE_APP_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL role name')
      .default('plumbline_app'),
    DATABASE_APP_URL: optionalString,
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEMO_PASSWORD: optionalString,
    ODOO_URL: optionalString,
    ODOO_DB: optionalString,
    ODOO_LOGIN: optionalString,
    ODOO_API_KEY: optionalString,
    ODOO_PASSWORD: optionalString,
    ODOO_SIM_API_KEY: optionalString,
    /** Set by `npm start` when it runs the bundled simulator in place of a real Odoo. */
    ODOO_SIMULATOR: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((value) => value === 'true' || value === '1'),
    PULL_INTERVAL_MINUTES: z.coerce.number().int().min(1).default(15),
    SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** Retry backoff of failed syncs: full jitter over min(cap, base · 2^(attempt−1)). */
    SYNC_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5_000),
    SYNC_RETRY_CAP_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60_000),
    /** "Maybe succeeded": re-read Odoo this soon, to adopt what the lost call made. */
    SYNC_AMBIGUOUS_DELAY_MS: z.coerce.number().int().min(0).default(2_000),
    WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
    WORKER_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
    WORKER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(15_000),
    /** A worker silent this long is taken for dead and its jobs are released to the others. */
    WORKER_STALE_AFTER_MS: z.coerce.number().int().min(100).default(60_000),
    /** Test only: the worker SIGKILLs itself at this point of its first sync job (server/sync/crash.ts). */
    SYNC_CRASH_AT: z.enum(SYNC_CRASH_POINTS).optional(),
    /** A sync job of a batched handler (one Odoo call per step for the whole batch) claims up to this many due records of its type per round (1 = off). */
    SYNC_BATCH_MAX: z.coerce.number().int().min(1).max(200).default(50),
    /** Exception rules: a cost code is over budget when EAC > revised budget × (1 + this / 100). */
    RULE_COST_OVERRUN_PERCENT: z.coerce.number().min(0).max(1000).default(5),
    /** When the exception rules run (graphile-worker crontab, UTC): hourly at :05 by default. */
    RULES_CRON: z.string().trim().min(9).default('5 * * * *'),
    /** When the reconciliation with Odoo runs (graphile-worker crontab, UTC): nightly at 02:30 by default. */
    RECONCILE_CRON: z.string().trim().min(9).default('30 2 * * *'),
    LOGIN_MAX_FAILURES_PER_USER_IP: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
    /** Failures for one account from any address: stops a spread-out guessing run (and can lock the account out for the window). */
    LOGIN_MAX_FAILURES_PER_USER: z.coerce.number().int().min(1).default(20),
    LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    /** Bearer token of /api/metrics and the worker's metrics port; unset: metrics are not served. */
    METRICS_TOKEN: optionalString,
    /** The worker serves its own /metrics on this port (127.0.0.1) when set (and METRICS_TOKEN is). */
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
    /**
     * Mail of alerts and notifications: smtp(s)://user:pass@host:port. `npm start` (and the e2e stack)
     * run the bundled catcher when it is unset and pass its URL here with MAIL_CATCHER=true; a process
     * with neither writes .eml files to DATA_DIR/outbox itself.
     */
    SMTP_URL: optionalString,
    /** Set by `npm start` when SMTP_URL is its bundled catcher (Admin → Sent mail then lists DATA_DIR/outbox). */
    MAIL_CATCHER: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((value) => value === 'true' || value === '1'),
    /** The local hour (organisation time zone) from which the daily approvals digest and expiry mail go out. */
    NOTIFY_DAILY_HOUR: z.coerce.number().int().min(0).max(23).default(7),
    MAIL_FROM: z.string().default('Plumbline <plumbline@localhost>'),
    /** Who receives alert emails (comma-separated); unset: no alert email. */
    ALERT_EMAIL_TO: optionalString,
    /** Alerts are POSTed here as JSON, signed (X-Plumbline-Signature, HMAC-SHA256 with ALERT_WEBHOOK_SECRET). */
    ALERT_WEBHOOK_URL: optionalString,
    ALERT_WEBHOOK_SECRET: optionalString,
    /** When the alert rules run (graphile-worker crontab, UTC): every minute by default. */
    ALERTS_CRON: z.string().trim().min(9).default('* * * * *'),
    /** Queue lag: the oldest due job of a task older than this raises an alert. */
    ALERT_QUEUE_LAG_SECONDS: z.coerce.number().int().min(1).default(600),
    /** Failure rate: this share (percent) of a record type's attempts failing in the window raises an alert. */
    ALERT_FAILURE_RATE_PERCENT: z.coerce.number().min(0).max(100).default(20),
    ALERT_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(30),
    ALERT_FAILURE_MIN_ATTEMPTS: z.coerce.number().int().min(1).default(5),
    /** Reconciliation not run on schedule: no finished run for this long raises an alert. */
    ALERT_RECONCILIATION_MAX_AGE_HOURS: z.coerce.number().min(1).default(26),
    TRUST_PROXY: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((value) => value === 'true' || value === '1'),
  })
  .superRefine((value, ctx) => {
    if (value.NODE_ENV === 'production' && !value.AUTH_SECRET && !value.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message: 'AUTH_SECRET is required in production',
      });
    }
    if (value.NODE_ENV === 'production' && value.SYNC_CRASH_AT) {
      ctx.addIssue({
        code: 'custom',
        path: ['SYNC_CRASH_AT'],
        message: 'SYNC_CRASH_AT is a test hook and must not be set in production',
      });
    }
    if (value.ALERT_WEBHOOK_URL && !value.ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_WEBHOOK_SECRET'],
        message: 'ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL (receivers verify the signature)',
      });
    }
    if (value.NODE_ENV === 'production' && !value.APP_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_URL'],
        message: 'APP_URL (the public origin, e.g. https://plumbline.example.com) is required in production',
      });
    }
    if (value.APP_URL && !/^https?:\/\/[^/?#\s]+\/?$/i.test(value.APP_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_URL'],
        message: 'APP_URL must be an http(s) origin such as https://plumbline.example.com',
      });
    }
    if (value.AUDIT_HMAC_KEY && value.AUDIT_HMAC_KEY.length < 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_HMAC_KEY'],
        message: 'AUDIT_HMAC_KEY must be at least 32 characters',
      });
    }
    if (value.NODE_ENV === 'production' && !value.ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['ENCRYPTION_KEY'],
        message: 'ENCRYPTION_KEY is required in production',
      });
    }
  });

export type Env = ReturnType<typeof loadEnv>;

function loadEnv() {
  // eslint-disable-next-line no-restricted-properties -- this module is the sanctioned reader
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${problems.join('\n')}`);
  }
  const value = parsed.data;
  return {
    ...value,
    AUTH_SECRET: value.AUTH_SECRET ?? value.NEXTAUTH_SECRET ?? DEV_AUTH_SECRET,
    ENCRYPTION_KEY: value.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    /** Only the worker (which seals) and audit:verify read it; the web app never holds it. */
    AUDIT_HMAC_KEY:
      value.AUDIT_HMAC_KEY ?? (value.NODE_ENV === 'production' ? undefined : DEV_AUDIT_HMAC_KEY),
    AUDIT_ANCHOR_INTERVAL_MS: value.AUDIT_ANCHOR_INTERVAL_MS ?? (value.NODE_ENV === 'test' ? 0 : 30_000),
    AUDIT_SEAL_INTERVAL_MS: value.AUDIT_SEAL_INTERVAL_MS ?? (value.NODE_ENV === 'test' ? 0 : 1_000),
    /** The public origin, fixed at start: CSRF, redirects and cookies follow it; the Host header never does. */
    appOrigin: new URL(value.APP_URL ?? `http://localhost:${value.PORT}`).origin,
    isProduction: value.NODE_ENV === 'production',
    isTest: value.NODE_ENV === 'test',
  };
}

let cached: Env | undefined;

/** Lazily parsed so scripts can set variables (DATABASE_URL of an embedded server) before first use. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** For the start script and test harness, which decide some variables at run time. */
export function resetEnvCache(): void {
  cached = undefined;
}

/** The environment for a child process: this process's variables plus overrides (start script, tests). */
export function childProcessEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties -- this module is the sanctioned reader
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/** Set variables for this process (the start script decides DATABASE_URL before anything reads it). */
export function setProcessEnv(overrides: Record<string, string>): void {
  // eslint-disable-next-line no-restricted-properties -- this module is the sanctioned writer
  Object.assign(process.env, overrides);
  cached = undefined;
}
