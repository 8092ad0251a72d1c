import { parseArgs } from 'node:util';
import { insertSubmittedChangeOrders } from '@/server/testing/change-order-load';
import { hardware, percentiles, postgresVersion, round } from './lib/bench';
import {
  connectionsByApplication,
  queueLagsMs,
  runFixedRate,
  signIn,
  stackRss,
  startLoadStack,
  trpc,
} from './lib/http-load';

/**
 * `npm run bench:soak`: the running stack under a steady --rate requests/s for --seconds (default 30
 * minutes): half approvals (alternating two projects), half reads (change-order and claim lists).
 * Every --sample-seconds it samples the RSS of the web and worker processes and the connections each
 * pool holds. Reports memory growth from the first sample after --warmup-seconds to the end (target
 * < 10 %), request errors and the most connections seen per pool (no exhaustion), and the queue lag
 * from each approval to its first successful sync (target p99 < 5 s).
 *   npm run bench:soak -- [--seconds 1800] [--rate 20] [--sample-seconds 10] [--warmup-seconds 120]
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1800' },
    rate: { type: 'string', default: '20' },
    'sample-seconds': { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '120' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const warmupSeconds = Math.min(Number(values['warmup-seconds']), seconds / 4);
const approvalRate = rate / 2;
const readRate = rate / 4;

const load = await startLoadStack('bench_soak');
try {
  const { db, appUrl } = load;
  const people = await db.$client.query<{ email: string; id: string }>('SELECT email, id FROM users');
  const id = (email: string) => people.rows.find((row) => row.email === email)!.id;
  const projects = (
    await db.$client.query<{ id: string; code: string }>(
      "SELECT id, code FROM projects WHERE code IN ('P-1001', 'P-1002') ORDER BY code",
    )
  ).rows;
  const perProject = Math.ceil((approvalRate * seconds) / 2) + 5;
  const prepared = await Promise.all(
    projects.map((p) =>
      insertSubmittedChangeOrders(db, {
        count: perProject,
        projectId: p.id,
        authorId: id('pm2@northbeam.example'),
        reviewerId: id('qs@northbeam.example'),
      }),
    ),
  );
  const queue = prepared[0]!.flatMap((co, i) => [co, prepared[1]![i]!]).filter(Boolean);
  const session = await signIn(appUrl, 'pm@northbeam.example');
  const since = new Date();

  const samples: {
    t: number;
    web: number;
    worker: number;
    connections: Record<string, { total: number; active: number }>;
  }[] = [];
  const started = performance.now();
  const sampler = setInterval(
    () => {
      void connectionsByApplication(db).then((connections) =>
        samples.push({ t: round((performance.now() - started) / 1000, 1), ...stackRss(), connections }),
      );
    },
    Number(values['sample-seconds']) * 1000,
  );
  samples.push({ t: 0, ...stackRss(), connections: await connectionsByApplication(db) });

  let next = 0;
  const results = await runFixedRate(
    [
      {
        name: 'changeOrders.approve',
        ratePerSecond: approvalRate,
        request: () => {
          const co = queue[next++]!;
          return trpc(appUrl, session, 'mutation', 'changeOrders.approve', {
            changeOrderId: co.id,
            version: co.version,
          });
        },
      },
      {
        name: 'changeOrders.list',
        ratePerSecond: readRate,
        request: (i) =>
          trpc(appUrl, session, 'query', 'changeOrders.list', { projectId: projects[i % 2]!.id }),
      },
      {
        name: 'claims.list',
        ratePerSecond: readRate,
        request: () => trpc(appUrl, session, 'query', 'claims.list', {}),
      },
    ],
    seconds * 1000,
  );
  clearInterval(sampler);
  samples.push({
    t: round((performance.now() - started) / 1000, 1),
    ...stackRss(),
    connections: await connectionsByApplication(db),
  });

  // the queue drains (a few seconds at most when healthy), then every approval's lag is known
  const deadline = Date.now() + 60_000;
  let lag = await queueLagsMs(db, since);
  while (lag.unsynced > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    lag = await queueLagsMs(db, since);
  }

  const afterWarmup = samples.filter((s) => s.t >= warmupSeconds);
  const baseline = afterWarmup[0] ?? samples[0]!;
  const last = samples.at(-1)!;
  const growth = (role: 'web' | 'worker') =>
    baseline[role] > 0 ? round(((last[role] - baseline[role]) / baseline[role]) * 100, 1) : null;
  const maxConnections: Record<string, number> = {};
  for (const sample of samples)
    for (const [app, c] of Object.entries(sample.connections))
      maxConnections[app] = Math.max(maxConnections[app] ?? 0, c.total);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const lagMs = percentiles(lag.lags);
  const memoryGrowthPercent = { web: growth('web'), worker: growth('worker') };
  const result = {
    bench: 'soak',
    seconds,
    rate,
    requests: results.map((r) => ({
      name: r.name,
      sent: r.sent,
      errors: r.errors,
      ms: percentiles(r.latenciesMs),
      errorSamples: r.errorSamples,
    })),
    errors,
    rssMb: {
      baseline: { t: baseline.t, web: baseline.web, worker: baseline.worker },
      end: { t: last.t, web: last.web, worker: last.worker },
      peakWeb: Math.max(...samples.map((s) => s.web)),
      peakWorker: Math.max(...samples.map((s) => s.worker)),
    },
    memoryGrowthPercent,
    maxConnectionsByPool: maxConnections,
    queueLagMs: lagMs,
    unsyncedAfterDrain: lag.unsynced,
    target: { memoryGrowthPercent: 10, queueLagP99Ms: 5_000, errors: 0 },
    pass:
      errors === 0 &&
      lag.unsynced === 0 &&
      lagMs.p99 < 5_000 &&
      (memoryGrowthPercent.web ?? 0) < 10 &&
      (memoryGrowthPercent.worker ?? 0) < 10,
    samples: samples.map((s) => ({ t: s.t, web: s.web, worker: s.worker })),
    postgres: await postgresVersion(db),
    hardware: hardware(),
  };
  console.log(`Soak: ${seconds} s at ${rate} req/s, ${errors} errors`);
  console.log(
    `  RSS web ${baseline.web} → ${last.web} MB (${memoryGrowthPercent.web} %), worker ${baseline.worker} → ${last.worker} MB (${memoryGrowthPercent.worker} %)`,
  );
  console.log(
    `  queue lag p50 ${lagMs.p50} p95 ${lagMs.p95} p99 ${lagMs.p99} ms; ${lag.unsynced} unsynced; most connections per pool ${JSON.stringify(maxConnections)}`,
  );
  console.log(JSON.stringify(result));
  if (errors > 0 || lag.unsynced > 0) process.exitCode = 1;
} finally {
  await load.stop();
}
