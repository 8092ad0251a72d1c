import path from 'node:path';
import { parseArgs } from 'node:util';
import { insertSubmittedChangeOrders } from '@/server/testing/change-order-load';
import { hardware, percentiles, postgresVersion, round, sampleWaitEvents } from './lib/bench';
import {
  queueLagsMs,
  runFixedRate,
  signIn,
  stackCpuSeconds,
  startLoadStack,
  trpc,
  type StreamResult,
} from './lib/http-load';

/**
 * `npm run bench:load`: fixed-rate HTTP load on the running stack (web + worker + simulator, as
 * `npm start` runs them, on a fresh database with the demo seed), signed in as the project manager:
 * `changeOrders.approve` (the final approval of a prepared, reviewed CO) at --rate per second, plus
 * two read endpoints (`changeOrders.list`, `claims.list`) at --read-rate each. Three phases of
 * --seconds: the simulator answering normally, slow (--slow-ms per call), then stopped. The sync is
 * asynchronous, so the approval's percentiles must not move when Odoo does. Each phase reports what
 * the database's active sessions waited on (`waits`: pg_stat_activity sampled every 200 ms).
 *   npm run bench:load -- [--rate 50] [--read-rate 10] [--seconds 30] [--slow-ms 2000] [--cpu-profile-dir DIR]
 */
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    'read-rate': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '10' },
    'slow-ms': { type: 'string', default: '2000' },
    /** Write V8 CPU profiles of the web and worker processes into this directory (node --cpu-prof). */
    'cpu-profile-dir': { type: 'string' },
  },
});
const rate = Number(values.rate);
const readRate = Number(values['read-rate']);
const seconds = Number(values.seconds);

const profileDir = values['cpu-profile-dir'];
const load = await startLoadStack(
  'bench_load',
  profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] } : {},
);
try {
  const { db, appUrl, stack } = load;
  const people = await db.$client.query<{ email: string; id: string }>('SELECT email, id FROM users');
  const id = (email: string) => people.rows.find((row) => row.email === email)!.id;
  const project = (await db.$client.query<{ id: string }>("SELECT id FROM projects WHERE code = 'P-1001'"))
    .rows[0]!.id;
  const perPhase = Math.ceil(rate * seconds) + 5;
  const warmupSeconds = Number(values['warmup-seconds']);
  const prepared = await insertSubmittedChangeOrders(db, {
    count: perPhase * 3 + Math.ceil(rate * warmupSeconds) + 5,
    projectId: project,
    authorId: id('pm2@northbeam.example'),
    reviewerId: id('qs@northbeam.example'),
  });
  const session = await signIn(appUrl, 'pm@northbeam.example');
  for (let i = 0; i < 5; i++) {
    await trpc(appUrl, session, 'query', 'changeOrders.list', { projectId: project });
    await trpc(appUrl, session, 'query', 'claims.list', {});
  }

  const sim = stack.odoo.sim!;
  let next = 0;
  const approve = () => {
    const co = prepared[next++]!;
    return trpc(appUrl, session, 'mutation', 'changeOrders.approve', {
      changeOrderId: co.id,
      version: co.version,
    });
  };
  // unmeasured warm-up at the same rates: V8 optimises the hot paths, pools and caches fill
  const warm = await runFixedRate(
    [{ name: 'warm-up', ratePerSecond: rate, request: approve }],
    warmupSeconds * 1000,
  );
  if (warm[0]!.errors > 0) throw new Error(`warm-up approvals failed: ${warm[0]!.errorSamples.join('; ')}`);
  const phases = [
    { name: 'odoo normal', before: () => {} },
    {
      name: `odoo slow (${values['slow-ms']} ms per call)`,
      before: () => void (sim.latencyMs = Number(values['slow-ms'])),
    },
    { name: 'odoo down (simulator stopped)', before: () => sim.stop() },
  ];
  const report = [];
  for (const phase of phases) {
    await phase.before();
    const since = new Date();
    const cpuBefore = stackCpuSeconds();
    const phaseStarted = performance.now();
    const sampler = sampleWaitEvents(load.databaseUrl);
    const results: StreamResult[] = await runFixedRate(
      [
        {
          name: 'changeOrders.approve',
          ratePerSecond: rate,
          request: approve,
        },
        {
          name: 'changeOrders.list',
          ratePerSecond: readRate,
          request: () =>
            trpc(appUrl, session, 'query', 'changeOrders.list', {
              projectId: project,
              sort: { id: 'reference', desc: true },
            }),
        },
        {
          name: 'claims.list',
          ratePerSecond: readRate,
          request: () => trpc(appUrl, session, 'query', 'claims.list', {}),
        },
      ],
      seconds * 1000,
    );
    const cpuAfter = stackCpuSeconds();
    const waits = await sampler.stop();
    const wall = (performance.now() - phaseStarted) / 1000;
    const requests = results.reduce((sum, r) => sum + r.sent, 0);
    // how much of a core the web and worker processes used, and the web's CPU per request: what bounds latency
    const cpu = {
      webCorePercent: round(((cpuAfter.web - cpuBefore.web) / wall) * 100, 1),
      workerCorePercent: round(((cpuAfter.worker - cpuBefore.worker) / wall) * 100, 1),
      postgresCorePercent: round(((cpuAfter.postgres - cpuBefore.postgres) / wall) * 100, 1),
      loadGeneratorCorePercent: round(((cpuAfter.loadGenerator - cpuBefore.loadGenerator) / wall) * 100, 1),
      webCpuMsPerRequest: round(((cpuAfter.web - cpuBefore.web) * 1000) / requests, 2),
      loadAverage: hardware().loadAverage,
    };
    console.log(`  ${phase.name}: waits of active sessions ${JSON.stringify(waits.top)}`);
    console.log(
      `  ${phase.name}: web ${cpu.webCorePercent} % of a core (${cpu.webCpuMsPerRequest} ms CPU per request), worker ${cpu.workerCorePercent} %, PostgreSQL ${cpu.postgresCorePercent} %, load generator + simulator ${cpu.loadGeneratorCorePercent} %, load ${cpu.loadAverage.join(' ')}`,
    );
    const lag = phase.name === 'odoo normal' ? await queueLagsAfterDrain(since) : null;
    report.push({
      phase: phase.name,
      cpu,
      // what the database's active sessions waited on, sampled every 200 ms (pg_stat_activity)
      waits,
      streams: results.map((r) => ({
        name: r.name,
        sent: r.sent,
        ok: r.ok,
        errors: r.errors,
        ms: percentiles(r.latenciesMs),
        errorSamples: r.errorSamples,
      })),
      ...(lag ? { queueLagMs: percentiles(lag.lags), unsyncedAfterDrain: lag.unsynced } : {}),
    });
    for (const r of results) {
      const ms = percentiles(r.latenciesMs);
      console.log(
        `  ${phase.name.padEnd(34)} ${r.name.padEnd(22)} ${String(r.sent).padStart(5)} sent ${String(r.errors).padStart(3)} errors  p50 ${ms.p50} p95 ${ms.p95} p99 ${ms.p99} ms`,
      );
    }
  }

  async function queueLagsAfterDrain(since: Date) {
    const deadline = Date.now() + 60_000;
    let lag = await queueLagsMs(db, since);
    while (lag.unsynced > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      lag = await queueLagsMs(db, since);
    }
    return lag;
  }

  const approvals = report.map((phase) => phase.streams.find((s) => s.name === 'changeOrders.approve')!);
  const errors = report.flatMap((phase) => phase.streams).reduce((sum, s) => sum + s.errors, 0);
  const result = {
    bench: 'load',
    rate,
    readRate,
    secondsPerPhase: seconds,
    phases: report,
    approvalP95ByPhase: approvals.map((a) => a.ms.p95),
    errors,
    target: { approvalP95Ms: 100, errors: 0 },
    pass: errors === 0 && approvals.every((a) => a.ms.p95 < 100),
    postgres: await postgresVersion(db),
    hardware: hardware(),
  };
  console.log(
    `Approval p95 by phase (normal / slow / down): ${result.approvalP95ByPhase.map((v) => round(v)).join(' / ')} ms; ${errors} errors`,
  );
  console.log(JSON.stringify(result));
  if (errors > 0) process.exitCode = 1;
} finally {
  await load.stop();
}
