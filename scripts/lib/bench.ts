import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '@/db/client';
import { startEmbeddedPostgres, withDatabase } from '@/db/embedded';
import { migrateDatabase } from '@/db/migrate';
import { childProcessEnv, env } from '@/server/env';
import { linkDemoToSimulator } from '@/server/testing/change-order-load';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { repoRoot } from './stack';

/** Shared pieces of the benchmarks and drills (scripts/bench-*.ts, scripts/drill-*.ts). */

export type Percentiles = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0), mean: round(mean) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** What the figures ran on, printed with every JSON line (BENCHMARKS.md quotes it). */
export function hardware() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.cpus().length,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: os.loadavg().map((value) => round(value)),
  };
}

export async function postgresVersion(db: Db): Promise<string> {
  const result = await db.$client.query<{ server_version: string }>('SHOW server_version');
  return result.rows[0]?.server_version ?? 'unknown';
}

/** A PostgreSQL server: DATABASE_URL's, else an embedded one in a temporary directory. */
export async function postgresServer(): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  const configured = env().DATABASE_URL;
  if (configured) return { serverUrl: configured, stop: async () => {} };
  const embedded = await startEmbeddedPostgres();
  return { serverUrl: embedded.serverUrl, stop: embedded.stop };
}

/** CREATE DATABASE (dropping one of that name first when asked); returns its URL and a drop. */
export async function createDatabase(serverUrl: string, name: string, options: { replace?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (options.replace) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: () => dropDatabase(serverUrl, name),
  };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export type SyncBench = {
  db: Db;
  databaseUrl: string;
  sim: OdooSim;
  org: SeededOrg;
  stop: () => Promise<void>;
};

/**
 * A fresh migrated database with the demo organisation, an in-process Odoo simulator (demo seed,
 * `latencyMs` per call) and the demo projects and subcontracts linked to its orders.
 */
export async function startSyncBench(options: { name: string; latencyMs: number; poolMax?: number }): Promise<SyncBench> {
  const server = await postgresServer();
  const database = await createDatabase(server.serverUrl, `plumbline_${options.name}_${randomBytes(3).toString('hex')}`);
  await migrateDatabase(database.url);
  const db = createDb(database.url, { max: options.poolMax ?? 10, applicationName: `plumbline-${options.name}` });
  const org = await seedTestOrganisation(db);
  const sim = await startOdooSim({ port: 0, version: 19, apiKey: `bench-${randomBytes(6).toString('hex')}`, db: 'bench', login: 'admin', password: 'admin', seed: 'demo', latencyMs: options.latencyMs });
  await linkDemoToSimulator(db, sim);
  return {
    db,
    databaseUrl: database.url,
    sim,
    org,
    stop: async () => {
      await sim.stop();
      await db.$client.end();
      await database.drop();
      await server.stop();
    },
  };
}

export type WorkerChild = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; ready: Promise<boolean> };

/** A real sync worker process (server/sync/worker.ts) against the bench's database and simulator. */
export function spawnWorker(bench: Pick<SyncBench, 'databaseUrl' | 'sim'>, extraEnv: Record<string, string | undefined> = {}): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/sync/worker.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childProcessEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: bench.databaseUrl,
      ODOO_URL: bench.sim.url,
      ODOO_DB: bench.sim.db,
      ODOO_LOGIN: bench.sim.login,
      ODOO_API_KEY: bench.sim.apiKey,
      ODOO_PASSWORD: undefined,
      SYNC_CRASH_AT: undefined,
      ...extraEnv,
    }),
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<boolean>((resolve) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes('[worker] ready')) resolve(true);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => resolve(false));
  });
  return { child, output: () => output, exited, ready };
}

/** Stops a worker gracefully (SIGTERM drains), SIGKILL after `graceMs`. */
export async function stopWorker(worker: WorkerChild, graceMs = 15_000): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), graceMs);
  worker.child.kill('SIGTERM');
  await worker.exited;
  clearTimeout(timer);
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? round(Number(kb) / 1024, 1) : null;
  } catch {
    return null;
  }
}

/** Every Odoo document a change order should have made, counted in the simulator (duplicates > 1). */
export async function countChangeOrderDocuments(db: Db, sim: OdooSim, ids: string[]): Promise<{ missing: number; duplicates: number; notSynced: number }> {
  const rows = await db.$client.query<{ id: string; reference: string; kind: string; sync_status: string; sale_order: number | null; purchase_order: number | null }>(
    `SELECT co.id, co.reference, co.kind, co.sync_status, p.odoo_sale_order_id AS sale_order, s.odoo_purchase_order_id AS purchase_order
     FROM change_orders co JOIN projects p ON p.id = co.project_id LEFT JOIN subcontracts s ON s.id = co.subcontract_id
     WHERE co.id = ANY($1::uuid[])`,
    [ids],
  );
  // index the simulator's lines and notes once (a search per CO would be quadratic at 10,000)
  const lines = new Map<string, number>();
  for (const model of ['sale.order.line', 'purchase.order.line']) {
    for (const line of sim.state.all(model)) {
      const ref = /^\[([^\]]+)\]/.exec(String(line.name ?? ''))?.[1];
      const order = Array.isArray(line.order_id) ? line.order_id[0] : line.order_id;
      if (ref) lines.set(`${model}|${String(order)}|${ref}`, (lines.get(`${model}|${String(order)}|${ref}`) ?? 0) + 1);
    }
  }
  const notes = new Map<string, number>();
  for (const message of sim.state.all('mail.message')) {
    for (const match of String(message.body ?? '').matchAll(/Plumbline approval of ([A-Z]+-\d+) #[0-9a-f]+\./g)) {
      const key = `${String(message.model)}|${String(message.res_id)}|${match[1]}`;
      notes.set(key, (notes.get(key) ?? 0) + 1);
    }
  }
  let missing = 0;
  let duplicates = 0;
  let notSynced = 0;
  for (const row of rows.rows) {
    const [lineModel, orderModel, order] = row.kind === 'client' ? ['sale.order.line', 'sale.order', row.sale_order] : ['purchase.order.line', 'purchase.order', row.purchase_order];
    for (const count of [lines.get(`${lineModel}|${String(order)}|${row.reference}`) ?? 0, notes.get(`${orderModel}|${String(order)}|${row.reference}`) ?? 0]) {
      if (count === 0) missing += 1;
      if (count > 1) duplicates += count - 1;
    }
    if (row.sync_status !== 'synced') notSynced += 1;
  }
  return { missing, duplicates, notSynced };
}
