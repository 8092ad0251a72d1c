import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { smokeVerdict } from './lib/smoke-verdict';
import { repoRoot } from './lib/stack';

/**
 * Small versions of the benchmarks and drills, so CI keeps them from rotting (never the full-size
 * runs). Each must end with a JSON line; ends with "N passed, N failed".
 */
const smokes: { name: string; script: string; args: string[] }[] = [
  { name: 'bench:odoo', script: 'scripts/bench-odoo.ts', args: ['--records', '40', '--latency-ms', '1'] },
  {
    name: 'bench:read',
    script: 'scripts/bench-read.ts',
    args: [
      '--database',
      'plumbline_ci_read',
      '--generate-scale',
      '0.01',
      '--drop-after',
      '--iterations',
      '5',
      '--plans',
      'test-results/read-plans.txt',
    ],
  },
  {
    name: 'bench:sync',
    script: 'scripts/bench-sync.ts',
    args: ['--records', '200', '--concurrency', '4', '--latency-ms', '5'],
  },
  { name: 'drill:crash', script: 'scripts/drill-crash.ts', args: ['--iterations', '10'] },
  { name: 'drill:race', script: 'scripts/drill-race.ts', args: ['--rounds', '5', '--concurrency', '20'] },
  {
    name: 'bench:load',
    script: 'scripts/bench-load.ts',
    args: ['--rate', '10', '--read-rate', '2', '--seconds', '3', '--warmup-seconds', '2', '--slow-ms', '500'],
  },
  { name: 'bench:pages', script: 'scripts/bench-pages.ts', args: ['--iterations', '1'] },
  {
    name: 'bench:soak',
    script: 'scripts/bench-soak.ts',
    args: ['--seconds', '15', '--sample-seconds', '3', '--warmup-seconds', '3'],
  },
];

let passed = 0;
let failed = 0;
for (const smoke of smokes) {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), smoke.script, ...smoke.args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  const lastLine = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  const verdict = smokeVerdict(result.status, lastLine);
  const label = { ok: 'ok  ', 'target missed': 'target missed', fail: 'FAIL' }[verdict];
  console.log(
    `${label} ${smoke.name} (${Date.now() - started} ms) ${verdict === 'fail' ? (result.stderr ?? '').slice(-2000) : lastLine}`,
  );
  const ok = verdict !== 'fail';
  if (ok) passed += 1;
  else failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
