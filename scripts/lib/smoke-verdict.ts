/**
 * A smoke run's verdict. It ran when it ended with its JSON line; a run whose JSON says `"pass": false`
 * missed its target at smoke size on a shared machine: reported as "target missed", not as "ok" and not
 * as a failure (the full-size runs in BENCHMARKS.md judge the targets). No JSON, a JSON line counting
 * failed requests (`errors` > 0) or a wrong result (`"correct": false`), or a non-zero exit without a missed target, is a failure.
 */
export type SmokeVerdict = 'ok' | 'target missed' | 'fail';

export function smokeVerdict(status: number | null, lastLine: string): SmokeVerdict {
  let json: unknown;
  try {
    json = JSON.parse(lastLine);
  } catch {
    return 'fail';
  }
  if (typeof json !== 'object' || json === null) return 'fail';
  // a request that failed is a broken run, not a slow one (a benchmark sending what the API refuses
  // once hid behind "target missed")
  const errors = (json as { errors?: unknown }).errors;
  if (typeof errors === 'number' && errors > 0) return 'fail';
  // a run that measured a wrong result (a duplicate or missing Odoo document, a race with two winners)
  // is broken at any size: `"correct": false` is a failure, never a missed target
  if ((json as { correct?: unknown }).correct === false) return 'fail';
  if ((json as { pass?: unknown }).pass === false) return 'target missed';
  return status === 0 ? 'ok' : 'fail';
}
