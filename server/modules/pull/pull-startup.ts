import { asc } from 'drizzle-orm';
import { createDb } from '@/db/client';
import { organisations } from '@/db/schema';
import { createOdooClient } from '@/server/odoo/client';
import { ensureConnectionRow } from '@/server/modules/odoo-connection/odoo-connection-row';
import { runPull } from './pull.service';

/**
 * `npm start`: one pull before the web server opens — from the bundled simulator, or from the Odoo
 * named by ODOO_URL — so vendors, subcontracts and their SOV show at once. A failure is logged and the
 * worker's schedule retries. The mapping defaults it discovers are saved on a
 * secret-less connection row (the environment still supplies the connection itself).
 */
export async function runStartupPull(
  databaseUrl: string,
  odoo: { url: string; db: string; login: string; apiKey?: string; password?: string },
  log: (line: string) => void,
): Promise<void> {
  const db = createDb(databaseUrl, { max: 3, applicationName: 'plumbline-start-pull' });
  try {
    const [organisation] = await db
      .select({ id: organisations.id })
      .from(organisations)
      .orderBy(asc(organisations.createdAt))
      .limit(1);
    if (!organisation) return;
    await db.transaction((tx) =>
      ensureConnectionRow(tx, organisation.id, { url: odoo.url, database: odoo.db, login: odoo.login }),
    );
    const client = createOdooClient({
      url: odoo.url,
      db: odoo.db,
      login: odoo.login,
      apiKey: odoo.apiKey,
      password: odoo.password,
      timeoutMs: 30_000,
    });
    const summary = await runPull(db, client, { trigger: 'startup', organisationId: organisation.id });
    if (summary.runId === null) return;
    const created = Object.values(summary.counts).reduce((sum, c) => sum + c.created + c.updated, 0);
    log(`Master data: pulled from Odoo (${summary.status}, ${created} records created or updated)`);
  } catch (error) {
    // the demo still starts; the scheduled pull will try again
    log(
      `Master data: the start-up pull failed (${error instanceof Error ? error.message : String(error)}); the worker's schedule will retry.`,
    );
  } finally {
    await db.$client.end();
  }
}
