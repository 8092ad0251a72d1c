import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from './lib/audit-gate';

/** `.ci/run`'s audit step: exits 1 only when the gate fails (see scripts/lib/audit-gate.ts). */
const verdict = await runAudit(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
if (verdict.gate === 'fail') console.log(verdict.output);
else console.log(verdict.output.trim().split('\n').slice(-3).join('\n'));
console.log(
  `${verdict.gate === 'unavailable' ? 'WARNING: ' : ''}npm audit ${verdict.gate}: ${verdict.reason}`,
);
process.exit(verdict.gate === 'fail' ? 1 : 0);
