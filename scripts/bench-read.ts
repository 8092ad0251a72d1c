import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '@/db/client';
import { withDatabase } from '@/db/embedded';
import * as schema from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { isRole } from '@/server/auth/roles';
import { installSyncHandlers } from '@/server/sync/handlers';
import { listClaims } from '@/server/modules/claims/claim.queries';
import { listCostCodes } from '@/server/modules/cost/cost-report.queries';
import { listPortfolio } from '@/server/modules/cost/portfolio.queries';
import { listExceptions } from '@/server/modules/exceptions/exception.queries';
import { listInputSchema, type ListInput } from '@/server/lib/list';
import { getSyncHistory } from '@/server/sync/sync.queries';
import { dropDatabase, hardware, percentiles, postgresServer, round, type Percentiles } from './lib/bench';
import { seedLargeDatabase } from './lib/large-seed';
import { repoRoot } from './lib/stack';

// the sync-history case reads records through the sync registry, as the web server does after its start
installSyncHandlers();

/**
 * `npm run bench:read`: server time of the heaviest reads at scale, against the database made by
 * `npm run seed:large`. Each query function is called in-process (exactly what the tRPC procedure
 * runs after its permission check), warm, `--iterations` times; p50/p95/p99 in ms. Then each query's
 * SQL (captured from drizzle) runs once under EXPLAIN (ANALYZE, BUFFERS); the plans are written to
 * `--plans` and summarised in the JSON (execution time, sequential scans of big tables).
 *   npm run bench:read -- [--database plumbline_large] [--iterations 50] [--jit off] [--plans bench-results/read-plans.txt] [--only portfolio]
 *   (CI: --generate-scale 0.01 --drop-after seeds a small database first and drops it at the end)
 */
const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'plumbline_large' },
    iterations: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    plans: { type: 'string', default: 'bench-results/read-plans.txt' },
    /** 'off' runs with `jit = off` (the setting BENCHMARKS.md recommends); default: the server's own. */
    jit: { type: 'string', default: 'server' },
    /** Generate the database first at this scale (CI: a small one, same server, same process). */
    'generate-scale': { type: 'string' },
    'drop-after': { type: 'boolean', default: false },
    /** Run only the cases whose name contains this text (e.g. `portfolio`). */
    only: { type: 'string' },
  },
});
const iterations = Number(values.iterations);
const server = await postgresServer();
if (values['generate-scale'])
  await seedLargeDatabase(server.serverUrl, {
    database: values.database,
    scale: Number(values['generate-scale']),
    seed: 42,
    log: () => {},
  });
const pool = new pg.Pool({
  connectionString: withDatabase(server.serverUrl, values.database),
  max: 4,
  application_name: 'plumbline-bench-read',
  ...(values.jit === 'off' ? { options: '-c jit=off' } : {}),
});
let capture: { sql: string; params: unknown[] }[] | null = null;
const db = drizzle(pool, {
  schema,
  logger: { logQuery: (sql, params) => capture?.push({ sql, params }) },
}) as unknown as Db;

try {
  const actor = async (email: string): Promise<Actor> => {
    const { rows } = await pool.query<{
      id: string;
      organisation_id: string;
      email: string;
      name: string;
      role: string;
    }>('SELECT id, organisation_id, email, name, role FROM users WHERE email = $1', [email]);
    const row = rows[0];
    if (!row || !isRole(row.role)) throw new Error(`${email} missing: run npm run seed:large first`);
    return {
      id: row.id,
      organisationId: row.organisation_id,
      email: row.email,
      name: row.name,
      role: row.role,
    };
  };
  const finance = await actor('finance@northbeam.example');
  const qs = await actor('qs@northbeam.example');
  const largest = (
    await pool.query<{ id: string; code: string; codes: number }>(
      `SELECT p.id, p.code, count(c.id)::int AS codes FROM projects p JOIN cost_codes c ON c.project_id = p.id GROUP BY p.id ORDER BY count(c.id) DESC, (SELECT count(*) FROM sov_lines sl JOIN subcontracts s ON s.id = sl.subcontract_id WHERE s.project_id = p.id) DESC LIMIT 1`,
    )
  ).rows[0]!;
  const busiest = (
    await pool.query<{ record_type: string; record_id: string; n: number }>(
      `SELECT record_type, record_id, count(*)::int AS n FROM sync_attempts GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`,
    )
  ).rows[0]!;
  const claimsTotal = Number(
    (await pool.query<{ n: string }>("SELECT count(*) AS n FROM claims WHERE status = 'approved'")).rows[0]!
      .n,
  );
  const projectCount = Number(
    (await pool.query<{ n: string }>('SELECT count(*) AS n FROM projects')).rows[0]!.n,
  );
  const list = (input: Partial<ListInput>): ListInput => listInputSchema.parse(input);
  const deepPage = Math.max(0, Math.floor(claimsTotal / 25 / 2));

  const cases: { name: string; target: number; run: () => Promise<unknown> }[] = [
    {
      name: 'portfolio (finance, all projects, page 1 + totals)',
      // issue 18: < 150 ms at 300 projects, < 300 ms at 3,000
      target: projectCount <= 300 ? 150 : 300,
      run: () => listPortfolio(db, finance, list({})),
    },
    {
      name: `project cost report (${largest.code}, ${largest.codes} codes + totals)`,
      target: 300,
      run: () => listCostCodes(db, finance, { ...list({ pageSize: 50 }), projectId: largest.id }),
    },
    {
      name: 'claims list, first page (finance, status=approved, by due desc)',
      target: 150,
      run: () =>
        listClaims(
          db,
          finance,
          list({ sort: { id: 'dueAmount', desc: true }, filters: { status: 'approved' } }),
        ),
    },
    {
      name: `claims list, deep page ${deepPage + 1} (same sort and filter)`,
      target: 150,
      run: () =>
        listClaims(
          db,
          finance,
          list({ page: deepPage, sort: { id: 'dueAmount', desc: true }, filters: { status: 'approved' } }),
        ),
    },
    {
      name: 'claims list, first page (QS, own projects, default order)',
      target: 150,
      run: () => listClaims(db, qs, list({})),
    },
    {
      name: 'exception queue (finance, open, worst first)',
      target: 150,
      run: () => listExceptions(db, finance, list({ filters: { status: 'open' } })),
    },
    {
      name: `sync history (${busiest.record_type} with ${busiest.n} attempts)`,
      target: 150,
      run: () =>
        getSyncHistory(db, finance, { recordType: busiest.record_type, recordId: busiest.record_id }),
    },
  ];

  const results: {
    name: string;
    targetP95: number;
    ms: Percentiles;
    pass: boolean;
    queries: number;
    plans: { executionMs: number; jitMs: number; seqScans: string[] }[];
  }[] = [];
  const planText: string[] = [];
  for (const c of cases.filter((c) => !values.only || c.name.includes(values.only))) {
    for (let i = 0; i < Number(values.warmup); i++) await c.run();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const started = performance.now();
      await c.run();
      samples.push(performance.now() - started);
    }
    capture = [];
    await c.run();
    const queries = capture;
    capture = null;
    const plans = [];
    for (const query of queries) {
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
        query.params,
      );
      const lines = rows.map((row) => row['QUERY PLAN']);
      planText.push(`### ${c.name}\n${query.sql}\n\n${lines.join('\n')}\n`);
      const executionMs = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? 0);
      const seqScans = lines
        .filter((line) => line.includes('Seq Scan on'))
        .map((line) =>
          line
            .trim()
            .replace(/\s+\(cost.*?\)/, '')
            .replace(/\(actual time=[\d.]+\.\.[\d.]+ /, '(')
            .slice(0, 120),
        );
      const jitMs = Number(/JIT:[\s\S]*?Total ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? 0);
      plans.push({ executionMs: round(executionMs), jitMs: round(jitMs), seqScans });
    }
    const ms = percentiles(samples);
    results.push({
      name: c.name,
      targetP95: c.target,
      ms,
      pass: ms.p95 < c.target,
      queries: queries.length,
      plans,
    });
    console.log(
      `  ${c.name.padEnd(66)} p50 ${String(ms.p50).padStart(7)}  p95 ${String(ms.p95).padStart(7)}  p99 ${String(ms.p99).padStart(7)} ms  (target p95 < ${c.target}) ${ms.p95 < c.target ? 'ok' : 'MISSED'}`,
    );
  }
  const plansFile = path.resolve(repoRoot, values.plans);
  mkdirSync(path.dirname(plansFile), { recursive: true });
  writeFileSync(plansFile, planText.join('\n'));
  const version = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;
  const rows = Object.fromEntries(
    await Promise.all(
      ['projects', 'cost_codes', 'claims', 'claim_lines', 'sync_attempts', 'exceptions'].map(
        async (table) =>
          [
            table,
            Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n),
          ] as const,
      ),
    ),
  );
  console.log(`plans: ${path.relative(repoRoot, plansFile)}`);
  console.log(
    JSON.stringify({
      bench: 'read',
      database: values.database,
      jit: values.jit,
      iterations,
      rows,
      results,
      pass: results.every((r) => r.pass),
      postgres: version,
      hardware: hardware(),
    }),
  );
} finally {
  await pool.end();
  if (values['drop-after']) await dropDatabase(server.serverUrl, values.database);
  await server.stop();
}
