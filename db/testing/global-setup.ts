import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, withDatabase, type EmbeddedServer } from '../embedded';
import { migrateDatabase } from '../migrate';
import { env } from '@/server/env';

declare module 'vitest' {
  export interface ProvidedContext {
    testDbServerUrl: string;
    testDbTemplate: string;
  }
}

/**
 * Each test run gets its own migrated template database; each test file clones it (CREATE DATABASE …
 * TEMPLATE), so files run in parallel without seeing each other's rows. With no DATABASE_URL the run
 * uses a real embedded PostgreSQL, as a newcomer's laptop would.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let serverUrl = env().DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres();
    serverUrl = embedded.serverUrl;
  }
  const template = `plumbline_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  await migrateDatabase(withDatabase(serverUrl, template));
  project.provide('testDbServerUrl', serverUrl);
  project.provide('testDbTemplate', template);

  return async () => {
    const clones = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2',
      [template, `${template}\\_%`],
    );
    for (const { datname } of clones.rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await admin.end();
    await embedded?.stop();
  };
}
