import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '@/db/embedded';
import { env } from '@/server/env';

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR (a newcomer's laptop),
 * with its `plumbline` database created on first use.
 */
export async function resolveDatabaseUrl(
  options: { onLog?: (line: string) => void } = {},
): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  const configured = env().DATABASE_URL;
  if (configured) return { url: configured, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir: path.resolve(env().DATA_DIR, 'pg'), onLog: options.onLog });
  const url = await ensureDatabase(server.serverUrl, 'plumbline');
  return { url, embedded: true, stop: server.stop };
}
