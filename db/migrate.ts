import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger, runMigrations } from 'graphile-worker';
import pg from 'pg';
import { createDb } from './client';
import { grantRuntimePrivileges, provisionRuntimeRole, runtimeRoleFromDataDir } from './runtime-role';
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

/**
 * Migrations as the owner (DATABASE_URL's user), then the least-privilege runtime role the web app and
 * the worker connect as (db/runtime-role.ts): DATABASE_APP_URL when the operator manages that role,
 * else DATABASE_APP_ROLE, created by the owner with a password generated into DATA_DIR.
 */
export async function prepareDatabase(ownerUrl: string): Promise<{ runtimeUrl: string; role: string }> {
  await migrateDatabase(ownerUrl);
  const config = env();
  if (config.DATABASE_APP_URL) {
    const role = decodeURIComponent(new URL(config.DATABASE_APP_URL).username);
    const client = new pg.Client({ connectionString: ownerUrl, application_name: 'plumbline-migrate' });
    await client.connect();
    try {
      await grantRuntimePrivileges(client, role);
    } finally {
      await client.end();
    }
    return { runtimeUrl: config.DATABASE_APP_URL, role };
  }
  const role = runtimeRoleFromDataDir(config.DATA_DIR, config.DATABASE_APP_ROLE);
  return { runtimeUrl: await provisionRuntimeRole(ownerUrl, role), role: role.name };
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
