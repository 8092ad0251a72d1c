import { installSyncHandlers } from '@/server/sync/handlers';
import { sql } from 'drizzle-orm';
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
import { createOdooClient, type OdooClient, type OdooClientConfig } from '@/server/odoo/client';
import { saveOdooMappings } from '@/server/modules/odoo-connection/odoo-connection.service';
import { ensureConnectionRow } from '@/server/modules/odoo-connection/odoo-connection-row';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { odooTargetEnv } from './odoo-target';
import { repoRoot } from './stack';

/** Shared pieces of the benchmarks and drills (scripts/bench-*.ts, scripts/drill-*.ts). */

export type Percentiles = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(mean),
  };
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
export async function createDatabase(
  serverUrl: string,
  name: string,
  options: { replace?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (options.replace)
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
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
  /** The in-process simulator, unless the run targets a real Odoo. */
  sim: OdooSim | undefined;
  /** The Odoo every worker and count uses (the simulator's or the real one). */
  odoo: OdooClientConfig;
  client: OdooClient;
  /** Where change orders land: P-1001's sale order, and the change-order product, in that Odoo. */
  targets: { saleOrderId: number; productId: number };
  org: SeededOrg;
  stop: () => Promise<void>;
};

/**
 * A fresh migrated database with the demo organisation, and an Odoo: an in-process simulator (demo
 * seed, `latencyMs` per call) with the demo projects and subcontracts linked to its orders, or — with
 * `target` (scripts/lib/odoo-target.ts) — a real Odoo in which this run makes its own customer, vendor,
 * change-order product, sale order and confirmed purchase order, all named after the run.
 */
export async function startSyncBench(options: {
  name: string;
  latencyMs: number;
  poolMax?: number;
  target?: OdooClientConfig | null;
}): Promise<SyncBench> {
  // this process approves through the services, which request syncs: the handlers, as a worker has them
  installSyncHandlers();
  const server = await postgresServer();
  const database = await createDatabase(
    server.serverUrl,
    `plumbline_${options.name}_${randomBytes(3).toString('hex')}`,
  );
  await migrateDatabase(database.url);
  const db = createDb(database.url, {
    max: options.poolMax ?? 10,
    applicationName: `plumbline-${options.name}`,
  });
  const org = await seedTestOrganisation(db);
  let sim: OdooSim | undefined;
  let odoo: OdooClientConfig;
  let targets: SyncBench['targets'];
  if (options.target) {
    odoo = options.target;
    targets = await linkBenchToRealOdoo(db, odoo, options.name);
  } else {
    sim = await startOdooSim({
      port: 0,
      version: 19,
      apiKey: `bench-${randomBytes(6).toString('hex')}`,
      db: 'bench',
      login: 'admin',
      password: 'admin',
      seed: 'demo',
      latencyMs: options.latencyMs,
    });
    await linkDemoToSimulator(db, sim);
    odoo = { url: sim.url, db: sim.db, login: sim.login, apiKey: sim.apiKey };
    targets = {
      saleOrderId: sim.demo?.projects['P-1001']?.saleOrderId ?? 0,
      productId: sim.demo?.products.changeOrderWork ?? 0,
    };
  }
  return {
    db,
    databaseUrl: database.url,
    sim,
    odoo,
    client: createOdooClient(odoo),
    targets,
    org,
    stop: async () => {
      await sim?.stop();
      await db.$client.end();
      await database.drop();
      await server.stop();
    },
  };
}

/**
 * Against a real Odoo (use a test database): this run's own documents, so counts see only them. Only
 * P-1001 gets a sale order (so every client CO lands there) and one subcontract gets the PO; the project
 * takes the Odoo company's currency, and the product is chosen as the change-order product.
 */
async function linkBenchToRealOdoo(
  db: Db,
  target: OdooClientConfig,
  name: string,
): Promise<SyncBench['targets']> {
  const client = createOdooClient(target);
  const tag = `plumbline-${name}-${Date.now().toString(36)}`;
  const who = await client.whoAmI();
  const customer = await client.create('res.partner', { name: `${tag} client`, is_company: true });
  const vendor = await client.create('res.partner', { name: `${tag} subcontractor`, is_company: true });
  const productId = await client.create('product.product', {
    name: `${tag} change order`,
    type: 'service',
    sale_ok: true,
    purchase_ok: true,
  });
  const saleOrderId = await client.create('sale.order', {
    partner_id: customer,
    order_line: [
      [0, 0, { product_id: productId, name: `${tag} contract`, product_uom_qty: 1, price_unit: 1000 }],
    ],
  });
  const purchaseOrderId = await client.create('purchase.order', {
    partner_id: vendor,
    order_line: [
      [0, 0, { product_id: productId, name: `${tag} subcontract`, product_qty: 1, price_unit: 500 }],
    ],
  });
  await client.call('purchase.order', 'button_confirm', { ids: [purchaseOrderId] });
  const [organisation] = (
    await db.execute<{ id: string }>(sql`SELECT id FROM organisations ORDER BY created_at LIMIT 1`)
  ).rows;
  await db.execute(sql`UPDATE projects SET odoo_sale_order_id = NULL, odoo_id = NULL`);
  await db.execute(
    sql`UPDATE projects SET odoo_sale_order_id = ${saleOrderId}, odoo_company_id = ${who.company.id}, currency = coalesce(${who.company.currency}, currency) WHERE code = 'P-1001'`,
  );
  const vendorRow = await db.execute<{ id: string }>(
    sql`INSERT INTO partners (organisation_id, name, is_vendor, odoo_id) VALUES (${organisation!.id}, ${`${tag} subcontractor`}, true, ${vendor}) RETURNING id`,
  );
  await db.execute(sql`
    INSERT INTO subcontracts (project_id, vendor_id, odoo_purchase_order_id, reference, title, odoo_state)
    SELECT id, ${vendorRow.rows[0]!.id}, ${purchaseOrderId}, ${`${tag}-PO`}, 'Bench subcontract', 'purchase' FROM projects WHERE code = 'P-1001'`);
  await db.transaction((tx) =>
    ensureConnectionRow(tx, organisation!.id, { url: target.url, database: target.db, login: target.login }),
  );
  await saveOdooMappings(db, { changeOrderProductId: productId }, null, organisation!.id);
  return { saleOrderId, productId };
}

export type WorkerChild = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: Promise<boolean>;
};

/** A real sync worker process (server/sync/worker.ts) against the bench's database and simulator. */
export function spawnWorker(
  bench: Pick<SyncBench, 'databaseUrl' | 'odoo'>,
  extraEnv: Record<string, string | undefined> = {},
): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/sync/worker.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childProcessEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: bench.databaseUrl,
      ...odooTargetEnv(bench.odoo),
      SYNC_CRASH_AT: undefined,
      ...extraEnv,
    }),
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
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

export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
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

/**
 * Every Odoo document a change order should have made, counted in that Odoo (simulator or real) by
 * reading it back through the client: duplicates are counts above 1.
 */
export async function countChangeOrderDocuments(
  db: Db,
  client: OdooClient,
  ids: string[],
): Promise<{ missing: number; duplicates: number; notSynced: number }> {
  const rows = await db.$client.query<{
    id: string;
    reference: string;
    kind: string;
    sync_status: string;
    sale_order: number | null;
    purchase_order: number | null;
  }>(
    `SELECT co.id, co.reference, co.kind, co.sync_status, p.odoo_sale_order_id AS sale_order, s.odoo_purchase_order_id AS purchase_order
     FROM change_orders co JOIN projects p ON p.id = co.project_id LEFT JOIN subcontracts s ON s.id = co.subcontract_id
     WHERE co.id = ANY($1::uuid[])`,
    [ids],
  );
  const orders = { 'sale.order': new Set<number>(), 'purchase.order': new Set<number>() };
  for (const row of rows.rows) {
    if (row.kind === 'client' && row.sale_order) orders['sale.order'].add(row.sale_order);
    if (row.kind !== 'client' && row.purchase_order) orders['purchase.order'].add(row.purchase_order);
  }
  // index the orders' lines and notes once (a search per CO would be quadratic at 10,000)
  const lines = new Map<string, number>();
  const notes = new Map<string, number>();
  for (const [orderModel, lineModel] of [
    ['sale.order', 'sale.order.line'],
    ['purchase.order', 'purchase.order.line'],
  ] as const) {
    const orderIds = [...orders[orderModel]];
    if (orderIds.length === 0) continue;
    for (const line of await client.searchReadAll(
      lineModel,
      [
        ['order_id', 'in', orderIds],
        ['name', '=like', '[%'],
      ],
      ['name', 'order_id'],
    )) {
      const ref = /^\[([^\]]+)\]/.exec(String(line.name ?? ''))?.[1];
      const order = Array.isArray(line.order_id) ? line.order_id[0] : line.order_id;
      if (ref)
        lines.set(
          `${lineModel}|${String(order)}|${ref}`,
          (lines.get(`${lineModel}|${String(order)}|${ref}`) ?? 0) + 1,
        );
    }
    for (const message of await client.searchReadAll(
      'mail.message',
      [
        ['model', '=', orderModel],
        ['res_id', 'in', orderIds],
        ['body', 'ilike', 'Plumbline approval of'],
      ],
      ['model', 'res_id', 'body'],
    )) {
      for (const match of String(message.body ?? '').matchAll(
        /Plumbline approval of ([A-Z]+-\d+) #[0-9a-f]+\./g,
      )) {
        const key = `${String(message.model)}|${String(message.res_id)}|${match[1]}`;
        notes.set(key, (notes.get(key) ?? 0) + 1);
      }
    }
  }
  let missing = 0;
  let duplicates = 0;
  let notSynced = 0;
  for (const row of rows.rows) {
    const [lineModel, orderModel, order] =
      row.kind === 'client'
        ? ['sale.order.line', 'sale.order', row.sale_order]
        : ['purchase.order.line', 'purchase.order', row.purchase_order];
    for (const count of [
      lines.get(`${lineModel}|${String(order)}|${row.reference}`) ?? 0,
      notes.get(`${orderModel}|${String(order)}|${row.reference}`) ?? 0,
    ]) {
      if (count === 0) missing += 1;
      if (count > 1) duplicates += count - 1;
    }
    if (row.sync_status !== 'synced') notSynced += 1;
  }
  return { missing, duplicates, notSynced };
}

/**
 * Samples what the database's active sessions wait on, every `intervalMs`, from `pg_stat_activity`
 * (its own connection, itself and idle sessions left out): `CPU` when a session waits on nothing,
 * else `type:event` (Lock:transactionid is a row lock, IO:WALSync a commit's flush). What bounds a
 * loaded run shows as the top entries; `stop()` returns the counts, largest first.
 */
export function sampleWaitEvents(databaseUrl: string, intervalMs = 200) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-wait-sampler' });
  const counts = new Map<string, number>();
  /** The statements that waited on a lock (first 70 characters): which rows the waits are for. */
  const lockedStatements = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ wait: string; statement: string | null; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait,
                CASE WHEN wait_event_type = 'Lock' THEN left(regexp_replace(query, '\\s+', ' ', 'g'), 70) END AS statement,
                count(*)::int AS n
           FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
          GROUP BY 1, 2`,
      );
      samples++;
      for (const row of rows) {
        counts.set(row.wait, (counts.get(row.wait) ?? 0) + row.n);
        if (row.statement)
          lockedStatements.set(row.statement, (lockedStatements.get(row.statement) ?? 0) + row.n);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
      return {
        samples,
        activeSessionSamples: total,
        top: Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)),
        lockWaitsByStatement: Object.fromEntries(
          [...lockedStatements.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5),
        ),
        rowLockShare:
          total === 0
            ? 0
            : round(((counts.get('Lock:transactionid') ?? 0) + (counts.get('Lock:tuple') ?? 0)) / total, 3),
      };
    },
  };
}
