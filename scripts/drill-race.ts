import { parseArgs } from 'node:util';
import type { Actor } from '@/server/auth/actor';
import { isDomainError } from '@/server/errors';
import { approveChangeOrder } from '@/server/modules/change-orders/change-order-approval.service';
import { insertSubmittedChangeOrders } from '@/server/testing/change-order-load';
import { hardware, percentiles, postgresVersion, round, startSyncBench } from './lib/bench';

/**
 * `npm run drill:race`: `--concurrency` simultaneous approvals of ONE change order by DISTINCT eligible
 * people, repeated `--rounds` times in each of two races, through the real service (row lock, state
 * check, approval rule, version compare-and-set, decision, audit row, sync request in one transaction):
 *  - review race: the CO waits for the QS review; half the contenders are QSs, half PMs. One QS wins;
 *    the other QSs are refused by the approval rule (the step is no longer theirs), and the PMs, whose
 *    step it now is, by the version compare-and-set (they read the CO before the review).
 *  - final race: the CO waits for the PM's final approval; every contender is a different PM. One wins;
 *    the rest find it approved (the state check after the row lock).
 * Each round must end with exactly one success and exactly one decision, audit row, (final) sync
 * request and contract revision; every loser gets a domain error, counted by the guard that refused it.
 *   npm run drill:race -- [--rounds 100] [--concurrency 100] [--pool 25]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '100' },
    pool: { type: 'string', default: '25' },
  },
});
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

/** The guard each refusal comes from, by its domain error code. */
const GUARDS: Record<string, string> = {
  INVALID_TRANSITION: 'state check after the row lock',
  CONFLICT: 'version compare-and-set',
};
const guardOf = (code: string) => GUARDS[code] ?? `approval rule (${code})`;
/** The refusals an eligible loser may get: the two guards above, or the approval rule's "not your step". */
const GUARDS_OR_RULE: Record<string, true> = { INVALID_TRANSITION: true, CONFLICT: true, FORBIDDEN: true };

const bench = await startSyncBench({ name: 'drill_race', latencyMs: 0, poolMax: Number(values.pool) });
try {
  const { projectIds } = bench.org;
  const projectId = projectIds['P-1001']!;
  const half = Math.max(1, Math.ceil(concurrency / 2));
  const qsPool = await contenders('quantity_surveyor', half, projectId);
  const pmPool = await contenders('project_manager', concurrency, projectId);

  const review = await race({
    name: 'review',
    awaiting: 'review',
    step: 1,
    final: false,
    people: Array.from({ length: concurrency }, (_, i) =>
      i % 2 === 0 ? qsPool[(i / 2) % qsPool.length]! : pmPool[((i - 1) / 2) % pmPool.length]!,
    ),
  });
  const final = await race({
    name: 'final',
    awaiting: 'approval',
    step: 2,
    final: true,
    people: Array.from({ length: concurrency }, (_, i) => pmPool[i % pmPool.length]!),
  });

  const failures = [...review.failures, ...final.failures];
  const unexpected = [...Object.keys(review.losers), ...Object.keys(final.losers)].filter((code) =>
    code.startsWith('UNEXPECTED'),
  );
  const result = {
    drill: 'race',
    rounds,
    concurrency,
    distinctContenders: { quantitySurveyors: qsPool.length, projectManagers: pmPool.length },
    roundsWithExactlyOneSuccess: review.exactlyOne + final.exactlyOne,
    failures: failures.slice(0, 10),
    loserErrors: mergeCounts(review.losers, final.losers),
    refusedBy: { review: review.guards, final: final.guards },
    roundMs: percentiles([...review.roundMs, ...final.roundMs]),
    pass: failures.length === 0 && unexpected.length === 0,
    // a race with two winners or a lost decision is wrong at any size (scripts/lib/smoke-verdict.ts)
    correct: failures.length === 0 && unexpected.length === 0,
    postgres: await postgresVersion(bench.db),
    hardware: hardware(),
  };
  console.log(
    `Race drill: ${rounds} rounds × 2 races of ${concurrency} concurrent approvals of one change order by distinct people`,
  );
  console.log(
    `  ${result.roundsWithExactlyOneSuccess}/${2 * rounds} rounds with exactly one success, one decision, one audit row`,
  );
  console.log(`  review race, losers refused by: ${JSON.stringify(review.guards)}`);
  console.log(`  final race, losers refused by: ${JSON.stringify(final.guards)}`);
  console.log(`  round time p50 ${round(result.roundMs.p50)} ms, p95 ${round(result.roundMs.p95)} ms`);
  console.log(JSON.stringify(result));
  if (!result.pass) process.exitCode = 1;
} finally {
  await bench.stop();
}

/** `count` active people of `role` on the project (the demo's, then drill accounts), none pm2 (the author). */
async function contenders(role: Actor['role'], count: number, projectId: string): Promise<Actor[]> {
  const { actors } = bench.org;
  const organisationId = actors.admin.organisationId;
  await bench.db.$client.query(
    `INSERT INTO users (organisation_id, email, name, role, password_hash)
     SELECT $1, 'race.' || $2::text || '.' || g || '@northbeam.example', 'Race ' || $2::text || ' ' || g, $2::role, 'not-a-login'
     FROM generate_series(1, $3::int) AS g
     ON CONFLICT DO NOTHING`,
    [organisationId, role, count],
  );
  const rows = await bench.db.$client.query<{ id: string; email: string; name: string }>(
    `SELECT id, email, name FROM users
     WHERE organisation_id = $1 AND role = $2::role AND is_active AND id <> $3 ORDER BY email LIMIT $4`,
    [organisationId, role, actors.pm2.id, count],
  );
  await bench.db.$client.query(
    `INSERT INTO project_members (project_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [projectId, rows.rows.map((r) => r.id)],
  );
  return rows.rows.map((r) => ({ id: r.id, organisationId, email: r.email, name: r.name, role }));
}

async function race(input: {
  name: string;
  awaiting: 'review' | 'approval';
  step: number;
  final: boolean;
  people: Actor[];
}) {
  const { actors, projectIds } = bench.org;
  const items = await insertSubmittedChangeOrders(bench.db, {
    count: rounds,
    projectId: projectIds['P-1001']!,
    authorId: actors.pm2.id,
    reviewerId: actors.qs.id,
    awaiting: input.awaiting,
  });
  const losers: Record<string, number> = {};
  const guards: Record<string, number> = {};
  const failures: string[] = [];
  const roundMs: number[] = [];
  for (const [round_, item] of items.entries()) {
    const started = performance.now();
    const settled = await Promise.allSettled(
      input.people.map((person) =>
        approveChangeOrder(bench.db, { changeOrderId: item.id, version: item.version }, person),
      ),
    );
    roundMs.push(performance.now() - started);
    const wins = settled.filter((outcome) => outcome.status === 'fulfilled').length;
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') continue;
      // a contender refused for any other reason (NOT_FOUND: not on the project…) was not eligible:
      // the drill would be racing fewer people than it says
      const code =
        isDomainError(outcome.reason) && outcome.reason.code in GUARDS_OR_RULE
          ? outcome.reason.code
          : `UNEXPECTED ${isDomainError(outcome.reason) ? outcome.reason.code : String(outcome.reason)}`;
      losers[code] = (losers[code] ?? 0) + 1;
      if (code in GUARDS_OR_RULE) guards[guardOf(code)] = (guards[guardOf(code)] ?? 0) + 1;
    }
    const counts = await bench.db.$client.query<{
      audits: number;
      jobs: number;
      decisions: number;
      contract: number;
    }>(
      `SELECT (SELECT count(*)::int FROM audit_events WHERE entity_type = 'change_order' AND entity_id = $1 AND action IN ('change_order.approve', 'change_order.approve_step')) AS audits,
              (SELECT count(*)::int FROM sync_requests WHERE record_type = 'change_order' AND record_id = $1::uuid) AS jobs,
              (SELECT count(*)::int FROM approval_decisions WHERE record_id = $1::uuid AND step = $2) AS decisions,
              (SELECT count(*)::int FROM contract_revisions WHERE change_order_id = $1::uuid) AS contract`,
      [item.id, input.step],
    );
    const c = counts.rows[0]!;
    const effects = input.final ? 1 : 0;
    if (wins !== 1 || c.audits !== 1 || c.decisions !== 1 || c.jobs !== effects || c.contract !== effects) {
      failures.push(
        `${input.name} round ${round_ + 1}: ${wins} successes, ${c.audits} audit rows, ${c.decisions} decisions, ${c.jobs} sync requests, ${c.contract} contract revisions`,
      );
    }
  }
  return { losers, guards, failures, roundMs, exactlyOne: rounds - failures.length };
}

function mergeCounts(...maps: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const map of maps) for (const [k, v] of Object.entries(map)) out[k] = (out[k] ?? 0) + v;
  return out;
}
