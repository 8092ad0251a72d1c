import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../client';
import { withDatabase } from '../embedded';
import { withCredentials } from '../runtime-role';

/** `url` connects as the server's owner; `runtimeUrl` as the least-privilege role the app runs as. */
export type TestDatabase = {
  db: Db;
  url: string;
  runtimeUrl: string;
  name: string;
  drop: () => Promise<void>;
};

/** A fresh, migrated database cloned from this run's template; call `drop` in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('testDbServerUrl');
  const template = inject('testDbTemplate');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
    );
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const db = createDb(url, { max: 20, applicationName: 'plumbline-test' });
  return {
    db,
    url,
    runtimeUrl: withCredentials(url, inject('testDbRuntimeRole')),
    name,
    drop: async () => {
      await db.$client.end();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
