import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { insertSubmittedChangeOrders } from '@/server/testing/change-order-load';
import { hardware, percentiles, postgresVersion, round } from './lib/bench';
import {
  heapGrowth,
  heapSnapshotArgs,
  summariseHeapSnapshot,
  takeHeapSnapshot,
  type HeapGrowth,
} from './lib/heap-snapshot';
import {
  connectionsByApplication,
  queueLagsMs,
  runFixedRate,
  signIn,
  stackProcesses,
  stackRss,
  startLoadStack,
  trpc,
} from './lib/http-load';
import { repoRoot } from './lib/stack';

/**
 * `npm run bench:soak`: the running stack under a steady --rate requests/s for --seconds (default 30
 * minutes): half approvals (alternating two projects), half reads (change-order and claim lists).
 * Every --sample-seconds it samples the RSS of the web and worker processes and the connections each
 * pool holds. Reports memory growth from the first sample after --warmup-seconds to the end (target
 * < 10 %) and its slope over those samples (MB per 10 minutes), request errors and the most connections
 * seen per pool (no exhaustion), and the queue lag from each approval to its first successful sync
 * (target p99 < 5 s). Growth is judged only when at least --judge-seconds (default 300) follow the
 * warm-up: a shorter run (CI's smoke) is mostly warm-up, so its growth is printed but not judged.
 * --heap-snapshots writes heap snapshots of the web server and the worker after the warm-up, halfway
 * and at the end (to --heap-dir) and reports the kinds of object that grew (scripts/lib/heap-snapshot.ts);
 * each snapshot pauses the process for a few seconds and adds to its RSS, so judge RSS on a run without.
 *   npm run bench:soak -- [--seconds 1800] [--rate 20] [--sample-seconds 10] [--warmup-seconds 120]
 *                         [--judge-seconds 300] [--heap-snapshots] [--heap-dir bench-results/heap]
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1800' },
    rate: { type: 'string', default: '20' },
    'sample-seconds': { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '120' },
    'judge-seconds': { type: 'string', default: '300' },
    'heap-snapshots': { type: 'boolean', default: false },
    'heap-dir': { type: 'string', default: 'bench-results/heap' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const warmupSeconds = Math.min(Number(values['warmup-seconds']), seconds / 4);
const approvalRate = rate / 2;
const readRate = rate / 4;

const judged = seconds - warmupSeconds >= Number(values['judge-seconds']);
const heapDir = path.resolve(repoRoot, values['heap-dir']);
if (values['heap-snapshots']) mkdirSync(heapDir, { recursive: true });

const load = await startLoadStack(
  'bench_soak',
  values['heap-snapshots'] ? { nodeArgs: heapSnapshotArgs(heapDir) } : {},
);
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

  // heap snapshots of both processes after the warm-up, halfway through the rest, and at the end
  const snapshots: { label: string; t: number; role: 'web' | 'worker'; file: string }[] = [];
  const snapshotAll = async (label: string) => {
    const t = round((performance.now() - started) / 1000, 1);
    for (const { pid, role } of stackProcesses()) {
      try {
        snapshots.push({ label, t, role, file: await takeHeapSnapshot(pid, heapDir) });
      } catch (error) {
        console.log(`  heap snapshot of ${role} (${pid}) at ${label} failed: ${String(error)}`);
      }
    }
  };
  const snapshotTimers: Promise<void>[] = [];
  if (values['heap-snapshots']) {
    const schedule = (label: string, atSeconds: number) =>
      snapshotTimers.push(
        new Promise((resolve) => setTimeout(resolve, atSeconds * 1000)).then(() => snapshotAll(label)),
      );
    schedule('after warm-up', warmupSeconds);
    schedule('halfway', warmupSeconds + (seconds - warmupSeconds) / 2);
  }

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
  await Promise.all(snapshotTimers);
  if (values['heap-snapshots']) await snapshotAll('end');

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
  // least-squares slope of RSS over the samples after the warm-up, in MB per 10 minutes
  const slope = (role: 'web' | 'worker') => {
    const points = afterWarmup.map((s) => [s.t, s[role]] as const);
    if (points.length < 3) return null;
    const mt = points.reduce((a, [t]) => a + t, 0) / points.length;
    const mv = points.reduce((a, [, v]) => a + v, 0) / points.length;
    const num = points.reduce((a, [t, v]) => a + (t - mt) * (v - mv), 0);
    const den = points.reduce((a, [t]) => a + (t - mt) ** 2, 0);
    return den > 0 ? round((num / den) * 600, 1) : null;
  };
  // what grew on each process's heap between its first and last snapshot
  const heap: Record<string, { totalMb: { label: string; t: number; mb: number }[]; grew: HeapGrowth }> = {};
  for (const role of ['web', 'worker'] as const) {
    const mine = snapshots.filter((s) => s.role === role);
    if (mine.length < 2) continue;
    const summaries = mine.map((s) => ({ ...s, summary: summariseHeapSnapshot(s.file) }));
    heap[role] = {
      totalMb: summaries.map((s) => ({ label: s.label, t: s.t, mb: s.summary.totalMb })),
      grew: heapGrowth(summaries[0]!.summary, summaries.at(-1)!.summary),
    };
  }
  if (values['heap-snapshots']) {
    writeFileSync(path.join(heapDir, 'growth.json'), JSON.stringify(heap, null, 2));
    for (const [role, h] of Object.entries(heap)) {
      console.log(`  ${role} heap: ${h.totalMb.map((x) => `${x.label} (${x.t} s) ${x.mb} MB`).join(' → ')}`);
      for (const g of h.grew.slice(0, 10))
        console.log(
          `    ${g.kind.padEnd(50)} ${String(g.kbDelta).padStart(8)} KB  ${g.countDelta >= 0 ? '+' : ''}${g.countDelta} (now ${g.countAfter})`,
        );
    }
  }
  const maxConnections: Record<string, number> = {};
  for (const sample of samples)
    for (const [app, c] of Object.entries(sample.connections))
      maxConnections[app] = Math.max(maxConnections[app] ?? 0, c.total);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  const lagMs = percentiles(lag.lags);
  const memoryGrowthPercent = { web: growth('web'), worker: growth('worker') };
  const memoryMbPer10Minutes = { web: slope('web'), worker: slope('worker') };
  const memoryPass =
    !judged || ((memoryGrowthPercent.web ?? 0) < 10 && (memoryGrowthPercent.worker ?? 0) < 10);
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
    memoryMbPer10Minutes,
    memoryJudged: judged,
    heapSnapshots: values['heap-snapshots'] ? heap : undefined,
    maxConnectionsByPool: maxConnections,
    queueLagMs: lagMs,
    unsyncedAfterDrain: lag.unsynced,
    target: { memoryGrowthPercent: 10, queueLagP99Ms: 5_000, errors: 0 },
    pass: errors === 0 && lag.unsynced === 0 && lagMs.p99 < 5_000 && memoryPass,
    samples: samples.map((s) => ({ t: s.t, web: s.web, worker: s.worker })),
    postgres: await postgresVersion(db),
    hardware: hardware(),
  };
  console.log(`Soak: ${seconds} s at ${rate} req/s, ${errors} errors`);
  console.log(
    `  RSS after warm-up (${baseline.t} s) → end: web ${baseline.web} → ${last.web} MB (${memoryGrowthPercent.web} %, ${memoryMbPer10Minutes.web} MB/10 min), worker ${baseline.worker} → ${last.worker} MB (${memoryGrowthPercent.worker} %, ${memoryMbPer10Minutes.worker} MB/10 min)${judged ? '' : ` — not judged: under ${values['judge-seconds']} s after the warm-up`}`,
  );
  console.log(
    `  queue lag p50 ${lagMs.p50} p95 ${lagMs.p95} p99 ${lagMs.p99} ms; ${lag.unsynced} unsynced; most connections per pool ${JSON.stringify(maxConnections)}`,
  );
  console.log(JSON.stringify(result));
  if (errors > 0 || lag.unsynced > 0) process.exitCode = 1;
} finally {
  await load.stop();
}
