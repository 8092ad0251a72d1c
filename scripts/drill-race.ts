import { parseArgs } from 'node:util';
import { isDomainError } from '@/server/errors';
import { approveChangeOrder } from '@/server/modules/change-orders/change-order-approval.service';
import { insertSubmittedChangeOrders } from '@/server/testing/change-order-load';
import { hardware, percentiles, postgresVersion, round, startSyncBench } from './lib/bench';

/**
 * `npm run drill:race`: `--concurrency` simultaneous final approvals of ONE change order, repeated
 * `--rounds` times, through the real service (row lock, compare-and-set, audit row, sync request in
 * one transaction). Each round must end with exactly one success, one approval audit row, one sync
 * job, one approval decision for the step and one contract revision; every loser gets a domain error.
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

const bench = await startSyncBench({ name: 'drill_race', latencyMs: 0, poolMax: Number(values.pool) });
try {
  const { actors, projectIds } = bench.org;
  const items = await insertSubmittedChangeOrders(bench.db, {
    count: rounds,
    projectId: projectIds['P-1001']!,
    authorId: actors.pm2.id,
    reviewerId: actors.qs.id,
  });
  const losers: Record<string, number> = {};
  const failures: string[] = [];
  const roundMs: number[] = [];
  for (const [round_, item] of items.entries()) {
    const started = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: concurrency }, () =>
        approveChangeOrder(bench.db, { changeOrderId: item.id, version: item.version }, actors.pm),
      ),
    );
    roundMs.push(performance.now() - started);
    const wins = settled.filter((outcome) => outcome.status === 'fulfilled').length;
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') continue;
      const code = isDomainError(outcome.reason)
        ? outcome.reason.code
        : `UNEXPECTED ${String(outcome.reason)}`;
      losers[code] = (losers[code] ?? 0) + 1;
    }
    const counts = await bench.db.$client.query<{
      audits: number;
      jobs: number;
      decisions: number;
      contract: number;
    }>(
      `SELECT (SELECT count(*)::int FROM audit_events WHERE entity_type = 'change_order' AND entity_id = $1 AND action = 'change_order.approve') AS audits,
              (SELECT count(*)::int FROM sync_requests WHERE record_type = 'change_order' AND record_id = $1::uuid) AS jobs,
              (SELECT count(*)::int FROM approval_decisions WHERE record_id = $1::uuid AND step = 2) AS decisions,
              (SELECT count(*)::int FROM contract_revisions WHERE change_order_id = $1::uuid) AS contract`,
      [item.id],
    );
    const c = counts.rows[0]!;
    if (wins !== 1 || c.audits !== 1 || c.jobs !== 1 || c.decisions !== 1 || c.contract !== 1) {
      failures.push(
        `round ${round_ + 1}: ${wins} successes, ${c.audits} audit rows, ${c.jobs} sync jobs, ${c.decisions} decisions, ${c.contract} contract revisions`,
      );
    }
  }
  const unexpected = Object.keys(losers).filter((code) => code.startsWith('UNEXPECTED'));
  const result = {
    drill: 'race',
    rounds,
    concurrency,
    roundsWithExactlyOneSuccess: rounds - failures.length,
    failures: failures.slice(0, 10),
    loserErrors: losers,
    roundMs: percentiles(roundMs),
    pass: failures.length === 0 && unexpected.length === 0,
    postgres: await postgresVersion(bench.db),
    hardware: hardware(),
  };
  console.log(`Race drill: ${rounds} rounds of ${concurrency} concurrent approvals of one change order`);
  console.log(
    `  ${result.roundsWithExactlyOneSuccess}/${rounds} rounds with exactly one success, one audit row, one sync request; losers: ${JSON.stringify(losers)}`,
  );
  console.log(`  round time p50 ${round(result.roundMs.p50)} ms, p95 ${round(result.roundMs.p95)} ms`);
  console.log(JSON.stringify(result));
  if (!result.pass) process.exitCode = 1;
} finally {
  await bench.stop();
}
