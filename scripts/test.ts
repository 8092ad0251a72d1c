import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib/stack';
import { childProcessEnv } from '@/server/env';

/**
 * `npm test`: every tier that needs no browser (unit, real-PostgreSQL, router). With DATABASE_URL
 * the database tier uses that server; without it, an embedded PostgreSQL. Ends with the one line
 * `N passed, N failed` that CI sums.
 */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const reportDir = path.join(repoRoot, 'test-results');
mkdirSync(reportDir, { recursive: true });
const report = path.join(reportDir, 'vitest.json');
// never count a previous run's results: a run that dies before writing its report must read as failed
rmSync(report, { force: true });

const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
if (only) args.push('--project', only);
const child = spawn(
  process.execPath,
  [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), ...args],
  {
    cwd: repoRoot,
    env: childProcessEnv({ NODE_ENV: 'test' }),
    stdio: 'inherit',
  },
);
const code: number = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { status: string; assertionResults: unknown[] }[];
  };
  passed = result.numPassedTests;
  // a file that fails to load runs no test: count it as one failure, never as silence
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  failed = result.numFailedTests + brokenFiles;
}
// a crash before any test ran is a failure, not "0 failed"
if (code !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : code);
