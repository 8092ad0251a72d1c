import { parseArgs } from 'node:util';
import { DEMO_SIM_DEFAULTS } from './demo-data';
import type { OdooVersion } from './schema';
import { startOdooSim } from './server';

/**
 * Standalone simulator for the demo and manual testing:
 *   npx tsx tools/odoo-sim/cli.ts --port 8069 [--version 19] [--persist .data/odoo-sim.json] [--seed demo|empty]
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8069' },
    host: { type: 'string', default: '127.0.0.1' },
    version: { type: 'string', default: '19' },
    persist: { type: 'string' },
    seed: { type: 'string', default: 'demo' },
    db: { type: 'string', default: DEMO_SIM_DEFAULTS.db },
    'latency-ms': { type: 'string', default: '0' },
  },
});

const version = Number(values.version);
if (![16, 17, 18, 19].includes(version))
  throw new Error(`--version must be 16, 17, 18 or 19 (got ${values.version})`);
if (values.seed !== 'demo' && values.seed !== 'empty') throw new Error('--seed must be demo or empty');

// The only environment read in tools/: lets a demo use its own key without putting it on the command line.
// eslint-disable-next-line no-restricted-properties
const apiKey = process.env.ODOO_SIM_API_KEY ?? DEMO_SIM_DEFAULTS.apiKey;

const sim = await startOdooSim({
  port: Number(values.port),
  host: values.host,
  version: version as OdooVersion,
  db: values.db,
  login: DEMO_SIM_DEFAULTS.login,
  password: DEMO_SIM_DEFAULTS.password,
  apiKey,
  seed: values.seed,
  persistFile: values.persist,
  latencyMs: Number(values['latency-ms']),
});

console.log(`Odoo ${version}.0 simulator listening on ${sim.url}`);
console.log(`  database  ${sim.db}`);
console.log(`  login     ${sim.login} (password ${sim.password})`);
console.log(`  api key   ${sim.apiKey}`);
console.log(
  `  transport ${version >= 19 ? 'JSON-2 at /json/2/<model>/<method> and ' : ''}JSON-RPC at /jsonrpc`,
);
if (values.persist) console.log(`  state     ${values.persist}`);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
