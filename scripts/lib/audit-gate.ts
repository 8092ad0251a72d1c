import { spawn } from 'node:child_process';

/**
 * The CI gate on `npm audit --omit=dev --audit-level=high`. Three outcomes, never confused:
 * - pass: the registry answered and nothing high or critical affects a production dependency;
 * - fail: it answered with such advisories — or npm audit failed in a way we cannot account for
 *   (fail closed: an unexplained error is not a clean bill of health);
 * - unavailable: the registry has no audit endpoint (this workplace's mirror answers 405). Reported
 *   loudly and not counted as a failure, because nothing was checked either way.
 */
export type AuditVerdict = { gate: 'pass' | 'fail' | 'unavailable'; reason: string };

export function auditVerdict(exitCode: number, output: string): AuditVerdict {
  if (exitCode === 0)
    return { gate: 'pass', reason: 'no high or critical advisory in production dependencies' };
  if (/# npm audit report|\d+ (low|moderate|high|critical)(\s+severity)? vulnerabilit/i.test(output)) {
    return { gate: 'fail', reason: 'npm audit found high-severity advisories in production dependencies' };
  }
  if (/audit endpoint returned an error/i.test(output)) {
    return {
      gate: 'unavailable',
      reason: 'the registry has no audit endpoint here; npm audit could not run',
    };
  }
  return {
    gate: 'fail',
    reason: 'npm audit failed without a report (network or registry error): not a clean result',
  };
}

/** Runs npm audit in `cwd` (extra args e.g. `--registry=…`) and judges it. */
export function runAudit(cwd: string, extraArgs: string[] = []): Promise<AuditVerdict & { output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['audit', '--omit=dev', '--audit-level=high', ...extraArgs], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ...auditVerdict(code ?? 1, output), output }));
  });
}
