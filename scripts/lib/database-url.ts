import path from 'node:path';
import {
  embeddedDataDir,
  embeddedServerUrl,
  ensureDatabase,
  runningServer,
  startEmbeddedPostgres,
  withDatabase,
} from '@/db/embedded';
import { env } from '@/server/env';

const DATABASE_NAME = 'plumbline';

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR (a newcomer's laptop),
 * with its `plumbline` database created on first use. With `reuseRunning`, a script run while the
 * portal is up (audit:verify, demo:reset-password) connects to the portal's running server instead
 * of failing on its lock.
 */
export async function resolveDatabaseUrl(
  options: { onLog?: (line: string) => void; reuseRunning?: boolean } = {},
): Promise<{ url: string; embedded: boolean; dataDir?: string; stop: () => Promise<void> }> {
  const configured = env().DATABASE_URL;
  if (configured) return { url: configured, embedded: false, stop: async () => {} };
  const dataDir = path.resolve(env().DATA_DIR, 'pg');
  const running = options.reuseRunning ? runningServer(embeddedDataDir(dataDir)) : undefined;
  if (running)
    return {
      url: withDatabase(embeddedServerUrl(running.port), DATABASE_NAME),
      embedded: true,
      stop: async () => {},
    };
  const server = await startEmbeddedPostgres({ dataDir, onLog: options.onLog });
  const url = await ensureDatabase(server.serverUrl, DATABASE_NAME);
  return { url, embedded: true, dataDir: server.dataDir, stop: server.stop };
}
