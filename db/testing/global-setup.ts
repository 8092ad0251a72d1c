import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, withDatabase, type EmbeddedServer } from '../embedded';
import { migrateDatabase } from '../migrate';
import { provisionRuntimeRole } from '../runtime-role';
import { env } from '@/server/env';

declare module 'vitest' {
  export interface ProvidedContext {
    testDbServerUrl: string;
    testDbTemplate: string;
    /** This run's least-privilege runtime role (the one the web app and worker use), granted in the template. */
    testDbRuntimeRole: { name: string; password: string };
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
  // a role of this run's own (runs share a server): its grants travel with every clone of the template
  const runtimeRole = { name: `${template}_app`, password: randomBytes(18).toString('base64url') };
  await provisionRuntimeRole(withDatabase(serverUrl, template), runtimeRole);
  project.provide('testDbServerUrl', serverUrl);
  project.provide('testDbTemplate', template);
  project.provide('testDbRuntimeRole', runtimeRole);

  return async () => {
    const clones = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2',
      [template, `${template}\\_%`],
    );
    for (const { datname } of clones.rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(runtimeRole.name)}`);
    await admin.end();
    await embedded?.stop();
  };
}
