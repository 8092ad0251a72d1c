import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { seesAllProjects } from '@/server/auth/policy';
import { roles, type Role } from '@/server/auth/roles';
import { contextFor } from '@/server/testing/fixtures';
import {
  callByPath,
  everythingFrom,
  listProcedures,
  procedureSamples,
} from '@/server/testing/procedure-samples';
import { seedSecurityWorld, type SecurityWorld } from '@/server/testing/security-world';

/**
 * DOMAIN §1: "A user sees only the projects their scope allows; another project's record is NOT_FOUND,
 * never a leak." Every procedure, with its sample from server/testing/procedure-samples.ts naming a
 * record of P-1003, called by each project-scoped role that holds its permission but is not a member
 * of P-1003 (qs, pm). New procedures are covered as soon as they have a sample (and fail until then).
 */
let testDb: TestDatabase;
let world: SecurityWorld;

beforeAll(async () => {
  testDb = await createTestDatabase();
  world = await seedSecurityWorld(testDb.db);
});
afterAll(async () => testDb.drop());

/** A fingerprint of every row of every table: the outsiders' calls must leave it as it was. */
async function databaseDigest(db: Db): Promise<string> {
  const tables = await db.execute<{ name: string }>(
    sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const result = await db.execute<{ digest: string | null }>(
      sql`SELECT md5(coalesce(string_agg(row_to_json(x)::text, '|' ORDER BY row_to_json(x)::text), '')) AS digest FROM ${sql.identifier(name)} x`,
    );
    parts.push(`${name}:${result.rows[0]?.digest}`);
  }
  return parts.join('\n');
}

const isEmptyPage = (json: string) => {
  const page = JSON.parse(json) as { rows?: unknown[]; total?: number };
  return Array.isArray(page.rows) && page.rows.length === 0 && page.total === 0;
};

// a subcontractor's "project" is its vendor: the outsider is another vendor's contact
const outsiderOf = (role: Role): Actor | undefined =>
  (
    ({
      quantity_surveyor: world.org.actors.qs,
      project_manager: world.org.actors.pm,
      subcontractor: world.org.actors.sub,
    }) as Partial<Record<Role, Actor>>
  )[role];
const insiderOf = (role: Role): Actor =>
  ({
    quantity_surveyor: world.org.actors.qs2,
    project_manager: world.org.actors.pm2,
    finance: world.org.actors.finance,
    executive: world.org.actors.exec,
    admin: world.org.actors.admin,
    subcontractor: world.target.subcontractor,
  })[role];

describe('cross-project access', () => {
  it('has outsiders who hold project roles elsewhere but are not members of the target project', async () => {
    const members = await testDb.db.execute<{ user_id: string }>(
      sql`SELECT user_id FROM project_members WHERE project_id = ${world.target.projectId}`,
    );
    const ids = members.rows.map((r) => r.user_id);
    for (const role of roles) {
      const outsider = outsiderOf(role);
      if (!outsider) {
        expect(seesAllProjects(insiderOf(role)), `${role} is organisation-wide`).toBe(true);
        continue;
      }
      expect(ids, role).not.toContain(outsider.id);
      if (role === 'subcontractor') {
        // never a project member: the insider is the target vendor's contact, the outsider another vendor's
        expect(ids, role).not.toContain(insiderOf(role).id);
        expect(insiderOf(role).vendorId).toBe(world.target.vendorId);
        expect(outsider.vendorId).not.toBe(world.target.vendorId);
        continue;
      }
      expect(ids, role).toContain(insiderOf(role).id);
    }
  });

  it('answers NOT_FOUND to a member of another project, with nothing of the record in the error, and changes nothing', async () => {
    const before = await databaseDigest(testDb.db);
    const failures: string[] = [];
    let checked = 0;
    for (const { path, permission, type } of listProcedures().sort((a, b) =>
      a.type === b.type ? 0 : a.type === 'query' ? -1 : 1,
    )) {
      const sample = procedureSamples[path];
      if (!sample) continue; // listed by procedure-samples.test.ts
      for (const role of roles) {
        const outsider = outsiderOf(role);
        if (!outsider || !hasPermission(role, permission)) continue;
        const result = await everythingFrom(
          callByPath(createCaller(contextFor(testDb.db, outsider)), path, sample.input(world)),
        );
        checked += 1;
        if (sample.scope === 'project' && result.code !== 'NOT_FOUND')
          failures.push(
            `${role} → ${type} ${path}: ${result.ok ? 'succeeded' : result.code}, expected NOT_FOUND`,
          );
        if (
          sample.scope === 'project-filter' &&
          result.code !== 'NOT_FOUND' &&
          !(result.ok && isEmptyPage(result.text))
        ) {
          failures.push(
            `${role} → ${path}: ${result.ok ? 'rows returned' : result.code}, expected NOT_FOUND or an empty page`,
          );
        }
        for (const secret of world.target.identifying) {
          if (result.text.includes(secret))
            failures.push(`${role} → ${path}: the ${result.ok ? 'response' : 'error'} contains "${secret}"`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(60);
    expect(await databaseDigest(testDb.db)).toBe(before);
  });

  it('lets a member of the target project (or an organisation-wide role) reach the same records: the samples are real', async () => {
    const failures: string[] = [];
    const queriesFirst = listProcedures().sort((a, b) =>
      a.type === b.type ? 0 : a.type === 'query' ? -1 : 1,
    );
    for (const { path, permission } of queriesFirst) {
      const sample = procedureSamples[path];
      if (sample?.scope !== 'project' && sample?.scope !== 'project-filter') continue;
      const role = roles.find((r) => hasPermission(r, permission));
      if (!role) continue; // a system-only permission
      const result = await everythingFrom(
        callByPath(createCaller(contextFor(testDb.db, insiderOf(role))), path, sample.input(world)),
      );
      if (result.code === 'NOT_FOUND' || result.code === 'BAD_REQUEST')
        failures.push(`${role} → ${path}: ${result.code} ${result.text.split('\n')[0]}`);
      if (sample.scope === 'project-filter' && result.ok && isEmptyPage(result.text))
        failures.push(`${role} → ${path}: an empty page, the sample names no rows`);
    }
    expect(failures).toEqual([]);
  });

  it("refuses another project's ids smuggled under the caller's own project (own projectId, foreign cost code, subcontract…)", async () => {
    const ownProjectId = world.org.projectIds['P-1001']!;
    const before = await databaseDigest(testDb.db);
    const failures: string[] = [];
    let checked = 0;
    for (const { path, permission } of listProcedures()) {
      const sample = procedureSamples[path];
      const input = sample?.input(world) as Record<string, unknown> | undefined;
      if (!input || typeof input !== 'object' || input.projectId !== world.target.projectId) continue;
      const smuggled = { ...input, projectId: ownProjectId };
      if (JSON.stringify(smuggled).indexOf(world.target.projectId) >= 0) continue;
      if (!/"[a-zA-Z]*Id":"/.test(JSON.stringify({ ...smuggled, projectId: undefined }))) continue; // nothing else to smuggle
      for (const role of roles) {
        const outsider = outsiderOf(role);
        if (!outsider || !hasPermission(role, permission)) continue;
        const result = await everythingFrom(
          callByPath(createCaller(contextFor(testDb.db, outsider)), path, smuggled),
        );
        checked += 1;
        if (result.ok && !isEmptyPage(result.text))
          failures.push(`${role} → ${path}: accepted another project's ids under its own project`);
        for (const secret of world.target.identifying)
          if (result.text.includes(secret)) failures.push(`${role} → ${path}: leaks "${secret}"`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(3);
    expect(await databaseDigest(testDb.db)).toBe(before);
  });

  it('names the project-scoped procedures no project-scoped role may call (organisation-wide by permission)', () => {
    const onlyOrganisationWide = listProcedures()
      .filter(
        ({ path, permission }) =>
          procedureSamples[path]?.scope === 'project' &&
          !roles.some((r) => outsiderOf(r) && hasPermission(r, permission)),
      )
      .map((p) => p.path);
    // these are still walked above the day a project role gains their permission
    expect(onlyOrganisationWide).toEqual(
      expect.arrayContaining(['claims.release', 'exceptions.retry', 'sync.retry']),
    );
  });
});
