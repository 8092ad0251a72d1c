import { parseArgs } from 'node:util';
import { createDb } from '@/db/client';
import { resolveDatabaseUrl } from './lib/database-url';

/**
 * `npm run cost:verify`: compares every maintained cost figure (cost_code_totals, project_cost_totals)
 * with a full aggregation of history (`cost_totals_verify()`, migration cost_totals_maintained) and
 * names what differs; exit code 1 when anything does. After a data fix made with triggers off (or any
 * difference found), `--rebuild` runs `cost_totals_rebuild()` as the database owner and verifies again.
 *   npm run cost:verify -- [--rebuild]
 */
const { values } = parseArgs({ options: { rebuild: { type: 'boolean', default: false } } });
const { url, stop } = await resolveDatabaseUrl({ reuseRunning: true });
const db = createDb(url, { max: 1, applicationName: 'plumbline-cost-verify' });
type Difference = {
  table_name: string;
  project_id: string;
  cost_code_id: string | null;
  figure: string;
  stored: string;
  expected: string;
};
const differences = async () =>
  (
    await db.$client.query<Difference>(
      'SELECT * FROM cost_totals_verify() ORDER BY table_name, project_id, cost_code_id, figure',
    )
  ).rows;
let exitCode = 0;
try {
  let found = await differences();
  if (found.length > 0 && values.rebuild) {
    console.log(`${found.length} maintained figures differ from history; rebuilding.`);
    await db.$client.query('SELECT cost_totals_rebuild()');
    found = await differences();
  }
  if (found.length === 0) console.log('Maintained cost figures equal the full aggregation of history.');
  else {
    exitCode = 1;
    console.log(`${found.length} maintained cost figures differ from history:`);
    for (const d of found.slice(0, 50))
      console.log(
        `  ${d.table_name} project ${d.project_id}${d.cost_code_id ? ` code ${d.cost_code_id}` : ''} ${d.figure}: stored ${d.stored}, expected ${d.expected}`,
      );
    if (found.length > 50) console.log(`  … and ${found.length - 50} more`);
    if (!values.rebuild)
      console.log('Run `npm run cost:verify -- --rebuild` as the database owner to repair them.');
  }
} finally {
  await db.$client.end();
  await stop();
}
process.exitCode = exitCode;
