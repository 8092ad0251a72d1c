import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '@/db/client';
import { prepareDatabase } from '@/db/migrate';
import { demoUsers, seedDemoOrganisation, type SeedResult } from '@/db/seed/demo-organisation';
import { childProcessEnv, env, setProcessEnv } from '@/server/env';
import { anchorAuditHead } from '@/server/modules/audit/audit-anchor';
import { sealAllAuditEvents } from '@/server/modules/audit/audit-chain';
import { startMailCatcher, type MailCatcher } from '@/server/modules/notifications/mail-catcher';
import type { OdooSim } from '@/tools/odoo-sim/server';
import { ensureProductionBuild } from './build';
import { resolveDatabaseUrl } from './database-url';
import { localSecrets } from './local-secrets';
import { startChild, stopChild, waitForHttp, type Supervised } from './processes';

/** A start-up problem the user can act on: `npm start` prints its message as one sentence. */
export class StartError extends Error {}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type StackOptions = {
  port: number;
  dev?: boolean;
  /** Overrides DATABASE_URL / embedded (the e2e run uses its own database). */
  databaseUrl?: string;
  log?: (line: string) => void;
  quietChildren?: boolean;
  /** Every line the web server and the worker print is also appended here (quiet or not). */
  childLogFile?: string;
  /** Node.js flags for the web server and the worker (bench:soak: `--heapsnapshot-signal`). */
  nodeArgs?: string[];
};

export type Stack = {
  url: string;
  databaseUrl: string;
  seed: SeedResult;
  odoo: {
    simulated: boolean;
    url: string;
    db: string;
    login: string;
    apiKey?: string;
    password?: string;
    sim?: OdooSim;
  };
  /** The bundled mail catcher, when no SMTP_URL was configured. */
  mail: { url: string; catcher: boolean };
  stop: () => Promise<void>;
  onUnexpectedExit: (handler: (name: string, code: number | null) => void) => void;
};

/**
 * Everything `npm start` runs: database (embedded when no DATABASE_URL), migrations, the demo seed
 * on first run, the Odoo simulator when no ODOO_URL, the production build when stale, the web server
 * and the sync worker. Used by `npm start` and by the end-to-end suite alike.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = env();
  mkdirSync(path.resolve(config.DATA_DIR), { recursive: true });
  // before anything starts: a busy port would otherwise answer our health check with another server
  if (!(await portIsFree(options.port))) {
    throw new StartError(
      `port ${options.port} is already in use (another Plumbline, or another program). Stop it, or choose another port: PORT=${options.port + 1} npm start`,
    );
  }

  const database = options.databaseUrl
    ? { url: options.databaseUrl, embedded: false, stop: async () => {} }
    : await resolveDatabaseUrl({ onLog: (line) => line.startsWith('PostgreSQL:') && log(line) });
  log(
    'dataDir' in database && database.dataDir
      ? `PostgreSQL: embedded, data in ${database.dataDir}`
      : 'PostgreSQL: DATABASE_URL',
  );
  // generated once into DATA_DIR when the operator set none; this process seals the seed's audit events
  // with the same key the worker gets (the web app does not)
  const secrets = localSecrets();
  setProcessEnv(
    Object.fromEntries(
      Object.entries(secrets).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  );
  // migrations as the owner; the web app and the worker connect as the least-privilege runtime role
  const { runtimeUrl, role } = await prepareDatabase(database.url);
  log(
    `PostgreSQL: the web app and the worker connect as ${role} (no superuser; the audit trail append-only)`,
  );
  const db = createDb(database.url, { max: 2, applicationName: 'plumbline-start' });
  const seed = await seedDemoOrganisation(db, { password: config.DEMO_PASSWORD });
  await sealAllAuditEvents(db);
  await anchorAuditHead(db);
  await db.$client.end();

  const odoo = await startOdoo(log);
  // the first pull runs before the web server opens, against the simulator or the ODOO_URL Odoo alike
  {
    const { runStartupPull } = await import('@/server/modules/pull/pull-startup');
    await runStartupPull(runtimeUrl, odoo, log);
  }
  const mail = await startMail(log);
  const appUrl = config.APP_URL ?? `http://localhost:${options.port}`;
  const childEnv = childProcessEnv({
    ...(secrets.AUTH_SECRET ? { AUTH_SECRET: secrets.AUTH_SECRET } : {}),
    ...(secrets.ENCRYPTION_KEY ? { ENCRYPTION_KEY: secrets.ENCRYPTION_KEY } : {}),
    DATABASE_URL: runtimeUrl,
    AUDIT_HMAC_KEY: undefined,
    PORT: String(options.port),
    APP_URL: appUrl,
    NEXTAUTH_URL: appUrl,
    NODE_ENV: options.dev ? 'development' : 'production',
    ODOO_URL: odoo.url,
    ODOO_DB: odoo.db,
    ODOO_LOGIN: odoo.login,
    ODOO_API_KEY: odoo.apiKey,
    ODOO_SIMULATOR: odoo.simulated ? 'true' : 'false',
    SMTP_URL: mail.url,
    MAIL_CATCHER: mail.catcher ? 'true' : 'false',
    NEXT_TELEMETRY_DISABLED: '1',
  });

  if (!options.dev) await ensureProductionBuild(repoRoot, childEnv, log);

  const children: Supervised[] = [];
  let tee: WriteStream | undefined;
  if (options.childLogFile) {
    mkdirSync(path.dirname(options.childLogFile), { recursive: true });
    tee = createWriteStream(options.childLogFile, { flags: 'a' });
  }
  let stopping = false;
  let unexpected: (name: string, code: number | null) => void = () => {};
  // `node --import tsx`: one process per child (the tsx CLI would put a second one in between), so
  // the IPC channel that ends it with its supervisor reaches the process that serves.
  const launch = (
    name: string,
    script: string,
    args: string[] = [],
    environment: NodeJS.ProcessEnv = childEnv,
  ) =>
    children.push(
      startChild(name, process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args], {
        cwd: repoRoot,
        env: environment,
        silent: options.quietChildren,
        tee,
        onExit: (code) => {
          if (!stopping) unexpected(name, code);
        },
      }),
    );
  launch('web', path.join(repoRoot, 'server', 'web-server.ts'), options.dev ? ['--dev'] : []);
  const workerEntry = path.join(repoRoot, 'server', 'sync', 'worker.ts');
  // the audit key goes to the worker alone: it seals the trail; the web app only appends events
  if (existsSync(workerEntry))
    launch('worker', workerEntry, [], { ...childEnv, AUDIT_HMAC_KEY: env().AUDIT_HMAC_KEY });

  const url = `http://localhost:${options.port}`;
  const stop = async () => {
    stopping = true;
    // in order: the web server (no new requests), the worker (drains its jobs), then what they use
    for (const child of children) await stopChild(child);
    await new Promise<void>((resolve) => (tee ? tee.end(resolve) : resolve()));
    await odoo.sim?.stop();
    await mail.catcher?.stop();
    await database.stop();
  };
  try {
    await waitForHttp(`http://127.0.0.1:${options.port}/api/health`, options.dev ? 180_000 : 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    databaseUrl: database.url,
    seed,
    odoo,
    mail: { url: mail.url, catcher: Boolean(mail.catcher) },
    stop,
    onUnexpectedExit: (handler) => (unexpected = handler),
  };
}

/**
 * SMTP_URL when the operator set one; else the bundled catcher (mail-catcher.ts) on a free loopback
 * port, writing what it accepts to DATA_DIR/outbox: the web server and the worker send through SMTP
 * either way, and Admin → Sent mail lists what the catcher received.
 */
async function startMail(log: (line: string) => void): Promise<{ url: string; catcher?: MailCatcher }> {
  const config = env();
  if (config.SMTP_URL) {
    log(`Mail: ${new URL(config.SMTP_URL).host} (from SMTP_URL)`);
    return { url: config.SMTP_URL };
  }
  const dir = path.resolve(config.DATA_DIR, 'outbox');
  const catcher = await startMailCatcher({ dir });
  log(
    `Mail: the bundled catcher at ${catcher.url} keeps every message in ${dir} (Admin → Sent mail); set SMTP_URL to use a real server`,
  );
  return { url: catcher.url, catcher };
}

async function startOdoo(log: (line: string) => void): Promise<Stack['odoo']> {
  const config = env();
  if (config.ODOO_URL) {
    log(`Odoo: ${new URL(config.ODOO_URL).host} (from ODOO_URL)`);
    return {
      simulated: false,
      url: config.ODOO_URL,
      db: config.ODOO_DB ?? '',
      login: config.ODOO_LOGIN ?? '',
      apiKey: config.ODOO_API_KEY,
      password: config.ODOO_PASSWORD,
    };
  }
  const { startOdooSim } = await import('@/tools/odoo-sim/server');
  const { DEMO_SIM_DEFAULTS } = await import('@/tools/odoo-sim/demo-data');
  const apiKey = config.ODOO_SIM_API_KEY ?? DEMO_SIM_DEFAULTS.apiKey;
  const sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: DEMO_SIM_DEFAULTS.db,
    login: DEMO_SIM_DEFAULTS.login,
    password: DEMO_SIM_DEFAULTS.password,
    seed: 'demo',
    persistFile: path.resolve(config.DATA_DIR, 'odoo-sim.json'),
  });
  log(`Odoo: the bundled simulator at ${sim.url} (database ${sim.db}); set ODOO_URL to use a real Odoo`);
  return { simulated: true, url: sim.url, db: sim.db, login: sim.login, apiKey, sim };
}

export { demoUsers };
