import { parseArgs } from 'node:util';
import { createOdooClient } from '@/server/odoo/client';
import { startOdooSim } from '@/tools/odoo-sim/server';
import { ODOO_TARGET_OPTIONS, OdooTargetError, realOdooTarget } from './lib/odoo-target';

/**
 * Why Plumbline batches: creates N analytic lines one call per record, then the same N with
 * createMany (one create per 200 records), against an in-process simulator that adds a small
 * network latency to every call — or against a real Odoo (`--odoo-url …`, scripts/lib/odoo-target.ts),
 * counting the created records in that Odoo. The last line of output is JSON for CI to keep.
 *   npm run bench:odoo -- [--records 400] [--latency-ms 5] [--transport json2|jsonrpc]
 *   npm run bench:odoo -- --odoo-url URL --odoo-db DB --odoo-login LOGIN --odoo-api-key-file FILE
 *   npm run bench:odoo -- --odoo-url URL --odoo-db DB --odoo-login LOGIN --odoo-transport json-rpc --odoo-password-file FILE
 */
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '400' },
    'latency-ms': { type: 'string', default: '5' },
    transport: { type: 'string', default: 'json2' },
    'chunk-size': { type: 'string', default: '200' },
    ...ODOO_TARGET_OPTIONS,
  },
});
const records = Number(values.records);
const latencyMs = Number(values['latency-ms']);
const chunkSize = Number(values['chunk-size']);
const transport = values.transport === 'jsonrpc' ? 'jsonrpc' : 'json2';

const target = (() => {
  try {
    return realOdooTarget(values);
  } catch (error) {
    if (!(error instanceof OdooTargetError)) throw error;
    console.error(`bench:odoo: ${error.message}`);
    process.exit(2);
  }
})();
// One tag per run: every record this run creates is named after it, so counts read back from Odoo
// (simulator or real) see this run's records only. Against a real Odoo use a test database.
const tag = `plumbline-bench-${Date.now().toString(36)}`;
const sim = target
  ? undefined
  : await startOdooSim({
      db: 'bench',
      login: 'admin',
      password: 'bench-pw',
      apiKey: 'bench-key',
      seed: 'demo',
      latencyMs,
    });
try {
  const client = createOdooClient(
    target ?? { url: sim!.url, db: sim!.db, login: sim!.login, apiKey: sim!.apiKey, transport },
  );
  const version = await client.version();
  const account = sim
    ? (sim.demo?.projects['P-1001']?.analyticAccountId ?? 0)
    : (await client.search('account.analytic.account', [], { limit: 1, order: 'id' }))[0];
  if (!account) throw new Error('the Odoo has no analytic account to book the benchmark lines on');
  const line = (run: string, i: number) => ({
    name: `${tag} ${run} cost ${i}`,
    amount: -(100 + i),
    account_id: account,
    date: '2026-03-31',
  });
  const countCreated = (run: string) =>
    client.searchCount('account.analytic.line', [['name', '=like', `${tag} ${run} cost %`]]);

  const measure = async (run: () => Promise<unknown>, calls: number) => {
    const started = performance.now();
    await run();
    const seconds = (performance.now() - started) / 1000;
    return { records, calls, seconds: round(seconds), recordsPerSecond: round(records / seconds) };
  };

  const perRecord = await measure(async () => {
    for (let i = 0; i < records; i++) await client.create('account.analytic.line', line('single', i));
  }, records);
  const batched = await measure(
    () =>
      client.createMany(
        'account.analytic.line',
        Array.from({ length: records }, (_, i) => line('batch', i)),
        { chunkSize },
      ),
    Math.ceil(records / chunkSize),
  );
  // counted in Odoo itself, not from our own answers
  const created = (await countCreated('single')) + (await countCreated('batch'));
  if (created !== records * 2)
    throw new Error(`expected ${records * 2} analytic lines in Odoo, found ${created}`);
  const ratio = round(batched.recordsPerSecond / perRecord.recordsPerSecond);
  const where = target
    ? `real Odoo ${version.serverVersion} at ${new URL(target.url).host}, ${await client.transport()}`
    : `simulator ${version.major}.0, ${transport}, ${latencyMs} ms latency per call`;

  console.log(`Odoo create throughput (${where}, ${records} analytic lines)`);
  console.log(
    `  one call per record : ${perRecord.recordsPerSecond} records/s (${perRecord.calls} calls, ${perRecord.seconds} s)`,
  );
  console.log(
    `  createMany (${chunkSize}/call): ${batched.recordsPerSecond} records/s (${batched.calls} calls, ${batched.seconds} s)`,
  );
  console.log(`  batching is ${ratio}x faster`);
  console.log(
    JSON.stringify({
      bench: 'odoo',
      target: target ? 'real' : 'simulator',
      server: version.serverVersion,
      transport: await client.transport(),
      latencyMs: target ? null : latencyMs,
      perRecord,
      batched,
      ratio,
    }),
  );
} finally {
  await sim?.stop();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
