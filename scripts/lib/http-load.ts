import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@/db/client';
import { findFreePort } from '@/db/embedded';
import { setProcessEnv } from '@/server/env';
import { createDatabase, postgresServer, round, rssMb } from './bench';
import { startStack, type Stack } from './stack';

/**
 * The HTTP side of bench:load and bench:soak: the whole stack as `npm start` runs it (web, worker,
 * simulator) on a fresh database, a real signed-in session, and a fixed-rate request scheduler.
 */
export const LOAD_PASSWORD = `load-${randomBytes(6).toString('hex')}`;

export type LoadStack = {
  stack: Stack;
  db: Db;
  /** The owner's URL of the run's database (the wait-event sampler's connection). */
  databaseUrl: string;
  appUrl: string;
  stop: () => Promise<void>;
};

export async function startLoadStack(
  name: string,
  options: {
    nodeArgs?: string[];
    /** A database prepared by the caller (e.g. the large seed) instead of a fresh demo one. */
    database?: (serverUrl: string) => Promise<{ url: string; drop: () => Promise<void> }>;
  } = {},
): Promise<LoadStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `plumbline-${name}-`));
  const port = await findFreePort();
  const appUrl = `http://localhost:${port}`;
  setProcessEnv({ DATA_DIR: dataDir, DEMO_PASSWORD: LOAD_PASSWORD, LOG_LEVEL: 'warn', APP_URL: appUrl });
  const server = await postgresServer();
  const database = options.database
    ? await options.database(server.serverUrl)
    : await createDatabase(server.serverUrl, `plumbline_${name}_${randomBytes(3).toString('hex')}`);
  const stack = await startStack({
    port,
    databaseUrl: database.url,
    quietChildren: true,
    log: (line) => console.log(`  [stack] ${line}`),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const db = createDb(database.url, { max: 4, applicationName: `plumbline-${name}` });
  return {
    stack,
    db,
    databaseUrl: database.url,
    appUrl,
    stop: async () => {
      await db.$client.end();
      await stack.stop();
      await database.drop();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Session = { cookie: string; origin: string };

/** Signs in through next-auth's credentials callback (with its CSRF token), as a browser would. */
export async function signIn(appUrl: string, email: string, password = LOAD_PASSWORD): Promise<Session> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const login = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookie(),
      origin: new URL(appUrl).origin,
    },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${appUrl}/`, json: 'true' }),
  });
  keep(login);
  if (![...jar.keys()].some((name) => name.includes('session-token')))
    throw new Error(`sign-in of ${email} failed (HTTP ${login.status})`);
  return { cookie: cookie(), origin: new URL(appUrl).origin };
}

/** A tRPC call over HTTP (superjson envelope), as the app's client sends it; throws on any error. */
export async function trpc(
  appUrl: string,
  session: Session,
  kind: 'query' | 'mutation',
  procedure: string,
  input: unknown,
): Promise<unknown> {
  const envelope = JSON.stringify({ json: input });
  const response =
    kind === 'query'
      ? await fetch(`${appUrl}/api/trpc/${procedure}?input=${encodeURIComponent(envelope)}`, {
          headers: { cookie: session.cookie },
        })
      : await fetch(`${appUrl}/api/trpc/${procedure}`, {
          method: 'POST',
          headers: { cookie: session.cookie, origin: session.origin, 'content-type': 'application/json' },
          body: envelope,
        });
  const body = (await response.json()) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: { message?: string } };
  };
  if (!response.ok || body.error)
    throw new Error(`${procedure}: HTTP ${response.status} ${body.error?.json?.message ?? ''}`);
  return body.result?.data?.json;
}

export type Stream = { name: string; ratePerSecond: number; request: (i: number) => Promise<unknown> };
export type StreamResult = {
  name: string;
  sent: number;
  ok: number;
  errors: number;
  latenciesMs: number[];
  errorSamples: string[];
};

/**
 * Open-model fixed-rate load: request i of a stream is sent at start + i / rate whatever the earlier
 * ones are doing, and its latency is measured from that scheduled moment (no coordinated omission).
 */
export async function runFixedRate(streams: Stream[], durationMs: number): Promise<StreamResult[]> {
  const started = performance.now();
  return Promise.all(
    streams.map(async (stream) => {
      const result: StreamResult = {
        name: stream.name,
        sent: 0,
        ok: 0,
        errors: 0,
        latenciesMs: [],
        errorSamples: [],
      };
      const total = Math.floor((durationMs / 1000) * stream.ratePerSecond);
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / stream.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        result.sent += 1;
        inFlight.push(
          stream.request(i).then(
            () => {
              result.ok += 1;
              result.latenciesMs.push(performance.now() - due);
            },
            (error: unknown) => {
              result.errors += 1;
              result.latenciesMs.push(performance.now() - due);
              if (result.errorSamples.length < 5)
                result.errorSamples.push(error instanceof Error ? error.message : String(error));
            },
          ),
        );
      }
      await Promise.all(inFlight);
      return result;
    }),
  );
}

/** The stack's web and worker processes: every descendant of this process, by role (tsx spawns node). */
export function stackProcesses(): { pid: number; role: 'web' | 'worker' }[] {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // the process ended while we looked
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  const found: { pid: number; role: 'web' | 'worker' }[] = [];
  for (const [pid, command] of commands) {
    if (!descends(pid)) continue;
    const role = command.includes('web-server.ts')
      ? 'web'
      : command.includes('server/sync/worker.ts')
        ? 'worker'
        : null;
    if (role) found.push({ pid, role });
  }
  return found;
}

/** RSS in MB of the stack's web and worker processes (each the sum of its process subtree). */
export function stackRss(): { web: number; worker: number } {
  const sum = { web: 0, worker: 0 };
  for (const { pid, role } of stackProcesses()) sum[role] += rssMb(pid) ?? 0;
  return { web: round(sum.web, 1), worker: round(sum.worker, 1) };
}

/** CPU seconds (user + system) the stack's web and worker processes have used so far. */
export function stackCpuSeconds(): { web: number; worker: number; postgres: number; loadGenerator: number } {
  const sum = { web: 0, worker: 0, postgres: 0, loadGenerator: 0 };
  for (const { pid, role } of stackProcesses()) sum[role] += processCpuSeconds(pid);
  // every PostgreSQL process on the machine (the run's backends, WAL writer, checkpointer…)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        sum.postgres += processCpuSeconds(Number(entry));
    } catch {
      // ended
    }
  }
  // this process: the load generator itself (with the in-process simulator)
  const self = process.cpuUsage();
  sum.loadGenerator = (self.user + self.system) / 1e6;
  return sum;
}

function processCpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return 0; // ended
  }
}

/** Connections per application name (graphile-worker's own pool is unnamed), for pool-exhaustion checks. */
export async function connectionsByApplication(
  db: Db,
): Promise<Record<string, { total: number; active: number }>> {
  const result = await db.$client.query<{ application_name: string; total: number; active: number }>(
    `SELECT application_name, count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active
     FROM pg_stat_activity WHERE datname = current_database() GROUP BY application_name`,
  );
  return Object.fromEntries(
    result.rows.map((row) => [row.application_name || '(unnamed)', { total: row.total, active: row.active }]),
  );
}

/** Approval → first successful sync, per change order approved since `since` (seconds, p50/p95/p99 by the caller). */
export async function queueLagsMs(db: Db, since: Date): Promise<{ lags: number[]; unsynced: number }> {
  const result = await db.$client.query<{ lag_ms: number | null }>(
    `SELECT extract(epoch FROM (SELECT min(a.finished_at) FROM sync_attempts a WHERE a.record_type = 'change_order' AND a.record_id = co.id AND a.outcome = 'success') - co.decided_at) * 1000 AS lag_ms
     FROM change_orders co WHERE co.status = 'approved' AND co.decided_at >= $1 AND co.kind <> 'internal'`,
    [since],
  );
  const lags = result.rows.filter((row) => row.lag_ms !== null).map((row) => Number(row.lag_ms));
  return { lags, unsynced: result.rows.length - lags.length };
}
