import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findFreePort, startEmbeddedPostgres, withDatabase } from '@/db/embedded';
import { childProcessEnv, env, setProcessEnv } from '@/server/env';
import { localSecrets } from './lib/local-secrets';
import { repoRoot, startStack } from './lib/stack';

/**
 * `npm run test:e2e`: the whole stack (web, worker, Odoo simulator) on a fresh database of its
 * own, then Playwright against it in Debian's Chromium. Ends with `N passed, N failed`.
 */
const E2E_PASSWORD = 'e2e-demo-password-2026';
/** The simulator's API key in this run: a canary that must never reach a page, the build or a log. */
const E2E_ODOO_CANARY = 'canary-odoo-key-e2e-4c1f9a27';
/** Everything the web server and the worker print, plus this script's lines (scanned at the end). */
const stackLog = path.join(repoRoot, 'test-results', 'e2e-stack.log');
mkdirSync(path.dirname(stackLog), { recursive: true });
rmSync(stackLog, { force: true });
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-e2e-'));
setProcessEnv({
  DATA_DIR: dataDir,
  DEMO_PASSWORD: E2E_PASSWORD,
  LOG_LEVEL: 'warn',
  ODOO_SIM_API_KEY: E2E_ODOO_CANARY,
});

const embedded = env().DATABASE_URL ? undefined : await startEmbeddedPostgres();
const serverUrl = env().DATABASE_URL ?? embedded!.serverUrl;
const dbName = `plumbline_e2e_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
const databaseUrl = withDatabase(serverUrl, dbName);

const port = await findFreePort();
const appUrl = `http://localhost:${port}`;
setProcessEnv({ APP_URL: appUrl });
let code = 1;
const log = (line: string) => {
  console.log(`[e2e] ${line}`);
  appendFileSync(stackLog, `[e2e] ${line}\n`);
};
const stack = await startStack({ port, databaseUrl, quietChildren: true, childLogFile: stackLog, log });
try {
  log(`stack up at ${stack.url}`);
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...process.argv.slice(2)],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: childProcessEnv({
        APP_URL: appUrl,
        E2E_DATABASE_URL: databaseUrl,
        E2E_PASSWORD,
        E2E_ODOO_URL: stack.odoo.url,
        E2E_ODOO_DB: stack.odoo.db,
        E2E_ODOO_API_KEY: stack.odoo.apiKey,
        // the session secret of the web server, so e2e/security.spec.ts can mint tokens (expired, revoked)
        E2E_AUTH_SECRET: localSecrets().AUTH_SECRET ?? env().AUTH_SECRET,
        E2E_STACK_LOG: stackLog,
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      }),
    },
  );
  code = await new Promise<number>((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));
} finally {
  await stack.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const report = path.join(repoRoot, 'test-results', 'e2e.json');
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const stats = (
    JSON.parse(readFileSync(report, 'utf8')) as {
      stats: { expected: number; unexpected: number; flaky: number };
    }
  ).stats;
  passed = stats.expected + stats.flaky;
  failed = stats.unexpected;
}
if (code !== 0 && failed === 0) failed = 1;

// The final check of the run: no secret in anything the stack printed from start to stop.
const printed = existsSync(stackLog) ? readFileSync(stackLog, 'utf8') : '';
const leaked = [E2E_PASSWORD, E2E_ODOO_CANARY].filter((secret) => printed.includes(secret));
if (!printed.trim()) {
  console.log(`[e2e] secrets check: ${stackLog} is empty — the stack's output was not captured`);
  failed += 1;
} else if (leaked.length > 0) {
  console.log(`[e2e] secrets check FAILED: ${leaked.length} secret(s) appear in ${stackLog}`);
  failed += 1;
} else {
  console.log(
    `[e2e] secrets check: neither the demo password nor the Odoo key in ${printed.split('\n').length} lines of stack output`,
  );
  passed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? code || 1 : code);
