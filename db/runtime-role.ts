import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * The web app and the worker connect as a least-privilege role; migrations (and only they) run as
 * DATABASE_URL's user, the owner. The runtime role is no superuser and owns nothing, so it cannot set
 * `session_replication_role`, disable a trigger, alter a table or replace a function; on the audit
 * table it may only SELECT and INSERT. Whatever the owner's triggers and constraints enforce, the
 * application cannot switch off.
 *
 * `provisionRuntimeRole` runs after every migration (idempotent): creates or re-asserts the role and
 * grants it exactly the data privileges of the current schema (tables added by later migrations
 * included). Returns the URL the application should use.
 */
export type RuntimeRole = { name: string; password: string };

/** The role's password lives in DATA_DIR (mode 0600), generated once: never in the repository. */
export function runtimeRoleFromDataDir(dataDir: string, name: string): RuntimeRole {
  const file = path.resolve(dataDir, 'db-runtime-role.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<RuntimeRole>;
    if (stored.name === name && stored.password) return { name, password: stored.password };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const role = { name, password: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(role, null, 2), { mode: 0o600 });
  return role;
}

export function withCredentials(url: string, role: RuntimeRole): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(role.name);
  parsed.password = encodeURIComponent(role.password);
  return parsed.toString();
}

export class RuntimeRoleError extends Error {}

export async function provisionRuntimeRole(ownerUrl: string, role: RuntimeRole): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role.name))
    throw new RuntimeRoleError(`"${role.name}" is not a plain PostgreSQL role name`);
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'plumbline-migrate' });
  await client.connect();
  const name = pg.escapeIdentifier(role.name);
  try {
    const me = await client.query<{ current_user: string; can_create_roles: boolean }>(
      `SELECT current_user, (rolsuper OR rolcreaterole) AS can_create_roles FROM pg_roles WHERE rolname = current_user`,
    );
    const owner = me.rows[0];
    if (!owner) throw new RuntimeRoleError('cannot read the connecting role');
    if (owner.current_user === role.name) {
      throw new RuntimeRoleError(
        `DATABASE_URL connects as ${role.name}, the runtime role itself: migrations need the database owner`,
      );
    }
    const existing = await client.query<{
      rolsuper: boolean;
      rolbypassrls: boolean;
      rolreplication: boolean;
    }>('SELECT rolsuper, rolbypassrls, rolreplication FROM pg_roles WHERE rolname = $1', [role.name]);
    const found = existing.rows[0];
    if (found?.rolsuper) {
      // never demote an administrator's role by configuration mistake
      throw new RuntimeRoleError(
        `DATABASE_APP_ROLE "${role.name}" is a superuser; name a dedicated role for the application`,
      );
    }
    if (!owner.can_create_roles) {
      if (!found)
        throw new RuntimeRoleError(
          `role ${role.name} does not exist and ${owner.current_user} may not create roles: create it (LOGIN, NOSUPERUSER) or set DATABASE_APP_URL`,
        );
    } else {
      if (!found) await client.query(`CREATE ROLE ${name}`);
      await client.query(
        `ALTER ROLE ${name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(role.password)}`,
      );
    }
    await grantRuntimePrivileges(client, role.name);
  } finally {
    await client.end();
  }
  return withCredentials(ownerUrl, role);
}

async function hasTables(client: pg.Client, tables: string[]): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY ($1)`,
    [tables],
  );
  return rows[0]?.n === tables.length;
}

/** The data privileges of the runtime role in the current database; re-run after each migration. */
export async function grantRuntimePrivileges(client: pg.Client, roleName: string): Promise<void> {
  const name = pg.escapeIdentifier(roleName);
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
  const graphile = (
    await client.query<{ present: boolean }>(
      `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'graphile_worker') AS present`,
    )
  ).rows[0]!.present;
  const statements = [
    `GRANT CONNECT, TEMPORARY ON DATABASE ${pg.escapeIdentifier(database)} TO ${name}`,
    `GRANT USAGE ON SCHEMA public TO ${name}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${name}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${name}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${name}`,
    // the trail: read and append, nothing else (the triggers refuse the rest even to holders)
    `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events, audit_seals FROM ${name}`,
    // a document's bytes are written once under their hash and never changed or dropped by the app
    ...((await hasTables(client, ['document_blobs', 'documents']))
      ? [
          `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON document_blobs FROM ${name}`,
          `REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON documents FROM ${name}`,
        ]
      : []),
    // a notification row is the proof of what was (or was not) sent: never deleted by the app
    ...((await hasTables(client, ['notifications']))
      ? [`REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON notifications FROM ${name}`]
      : []),
    // the maintained cost sums: read only; the owner's triggers (SECURITY DEFINER) write them
    ...((await hasTables(client, ['cost_code_totals', 'project_cost_totals']))
      ? [
          `REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON cost_code_totals, project_cost_totals FROM ${name}`,
        ]
      : []),
    // a transaction's cost deltas until its commit folds them: the owner's functions alone touch them
    ...((await hasTables(client, ['cost_totals_deferred', 'cost_totals_deferred_tx']))
      ? [
          `REVOKE ALL ON cost_totals_deferred, cost_totals_deferred_tx FROM ${name}`,
          // called by the owner's triggers alone: a direct call could add a delta nobody wrote
          `REVOKE EXECUTE ON FUNCTION cost_totals_apply(cost_totals_delta[]), cost_totals_apply_now(cost_totals_delta[]), cost_totals_lock(uuid[]), cost_totals_rebuild() FROM ${name}`,
        ]
      : []),
    ...(graphile
      ? [
          `GRANT USAGE ON SCHEMA graphile_worker TO ${name}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${name}`,
          `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${name}`,
          `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${name}`,
        ]
      : []),
  ];
  // graphile-worker turns row-level security on for its tables (no policy: only their owner sees rows);
  // the runtime role gets a policy of its own on each, so add_job and the worker run as it
  const secured = graphile
    ? (
        await client.query<{ name: string }>(
          `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity`,
        )
      ).rows.map((row) => row.name)
    : [];
  const policy = pg.escapeIdentifier(`${roleName}_runtime`);
  for (const table of secured) {
    statements.push(
      `DROP POLICY IF EXISTS ${policy} ON ${table}`,
      `CREATE POLICY ${policy} ON ${table} TO ${name} USING (true) WITH CHECK (true)`,
    );
  }
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
