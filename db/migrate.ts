import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger, runMigrations } from 'graphile-worker';
import { createDb } from './client';
import { env } from '@/server/env';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies drizzle-kit's committed migrations; idempotent, so every start may call it. */
export async function migrateDatabase(url: string): Promise<void> {
  const db = createDb(url, { max: 1, applicationName: 'plumbline-migrate' });
  try {
    await migrate(db, { migrationsFolder });
    // graphile-worker's own schema (graphile_worker.*), so the web app can enqueue sync jobs inside
    // its transactions before any worker has started, and test template databases include it.
    await runMigrations({ pgPool: db.$client, logger: quietGraphileLogger() });
  } finally {
    await db.$client.end();
  }
}

/** graphile-worker logs every migration step at info; keep the start output to what matters. */
function quietGraphileLogger(): Logger {
  return new Logger(() => (level, message) => {
    if (String(level) === 'error') console.error(`[graphile-worker] ${message}`);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = env().DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set.');
    process.exit(1);
  }
  migrateDatabase(url).then(
    () => console.log('Migrations applied.'),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
