import { parseArgs } from 'node:util';
import { createOdooClient } from '@/server/odoo/client';
import { startOdooSim } from '@/tools/odoo-sim/server';

/**
 * Why Plumbline batches: creates N analytic lines one call per record, then the same N with
 * createMany (one create per 200 records), against an in-process simulator that adds a small
 * network latency to every call. The last line of output is JSON for CI to keep.
 *   npm run bench:odoo -- [--records 400] [--latency-ms 5] [--transport json2|jsonrpc]
 */
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '400' },
    'latency-ms': { type: 'string', default: '5' },
    transport: { type: 'string', default: 'json2' },
    'chunk-size': { type: 'string', default: '200' },
  },
});
const records = Number(values.records);
const latencyMs = Number(values['latency-ms']);
const chunkSize = Number(values['chunk-size']);
const transport = values.transport === 'jsonrpc' ? 'jsonrpc' : 'json2';

const sim = await startOdooSim({
  db: 'bench',
  login: 'admin',
  password: 'bench-pw',
  apiKey: 'bench-key',
  seed: 'demo',
  latencyMs,
});
try {
  const client = createOdooClient({
    url: sim.url,
    db: sim.db,
    login: sim.login,
    apiKey: sim.apiKey,
    transport,
  });
  await client.version();
  const account = sim.demo?.projects['P-1001']?.analyticAccountId ?? 0;
  const line = (run: string, i: number) => ({
    name: `${run} cost ${i}`,
    amount: -(100 + i),
    account_id: account,
    date: '2026-03-31',
  });

  const measure = async (run: () => Promise<unknown>) => {
    const calls = sim.callCount('account.analytic.line', 'create');
    const started = performance.now();
    await run();
    const seconds = (performance.now() - started) / 1000;
    return {
      records,
      calls: sim.callCount('account.analytic.line', 'create') - calls,
      seconds: round(seconds),
      recordsPerSecond: round(records / seconds),
    };
  };

  const perRecord = await measure(async () => {
    for (let i = 0; i < records; i++) await client.create('account.analytic.line', line('single', i));
  });
  const batched = await measure(() =>
    client.createMany(
      'account.analytic.line',
      Array.from({ length: records }, (_, i) => line('batch', i)),
      { chunkSize },
    ),
  );
  const created = sim.state.search('account.analytic.line', [['name', '=like', '% cost %']]).length;
  if (created !== records * 2) throw new Error(`expected ${records * 2} analytic lines, found ${created}`);
  const ratio = round(batched.recordsPerSecond / perRecord.recordsPerSecond);

  console.log(
    `Odoo create throughput (simulator ${sim.version}.0, ${transport}, ${latencyMs} ms latency per call, ${records} analytic lines)`,
  );
  console.log(
    `  one call per record : ${perRecord.recordsPerSecond} records/s (${perRecord.calls} calls, ${perRecord.seconds} s)`,
  );
  console.log(
    `  createMany (${chunkSize}/call): ${batched.recordsPerSecond} records/s (${batched.calls} calls, ${batched.seconds} s)`,
  );
  console.log(`  batching is ${ratio}x faster`);
  console.log(JSON.stringify({ bench: 'odoo', transport, latencyMs, perRecord, batched, ratio }));
} finally {
  await sim.stop();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
